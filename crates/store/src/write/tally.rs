//! The `tallies` table: counts per (kind, hour, value, value2), kept by the writer so the
//! dashboard's top-N panels read a few thousand pre-aggregated rows instead of scanning a
//! million events.
//!
//! # Design
//! - [`Tallies`] aggregates one batch's NEW events in memory (the caller feeds only events
//!   actually inserted, so a retried batch adds nothing), then [`Tallies::write`] upserts
//!   them with multi-row `INSERT ... ON CONFLICT DO UPDATE SET n = tallies.n + excluded.n`.
//!   Keys are unique within a statement (PostgreSQL refuses to update a row twice in one)
//!   and written in sorted order, so two writers lock shared rows in the same order.
//! - `hour` is `ts_us / 3_600_000_000` (floor): a window's counts are whole hours.
//! - `tally_totals` (migration 6) holds the same counts summed over all hours, added in the
//!   same statement batch, so the all-time leaders of a kind are an index read.
//! - Values are attacker text: NUL becomes U+FFFD and each value is cut to
//!   [`VALUE_MAX`] bytes (on a character boundary), which bounds the table's row size and
//!   keeps keys within PostgreSQL's index entry limit.
//!
//! # Kinds
//! `username`, `password`, `pair` (value2 = the password) from `auth_attempt`; `command`
//! from `command_input` (the trimmed line); `src_ip` from `session_start`; `hassh` from
//! `client_kex`; `client_version`; `download_url` and `download_sha256` (only when the
//! `download` event carries a `sha256` field, which it does not yet) from `download`;
//! `technique` (value2 = its name).

use std::collections::BTreeMap;

use miragepot_event::{Event, EventKind};
use sqlx::AnyConnection;

use super::{clean, values_rows};
use crate::{Backend, StoreError};

/// Microseconds in an hour: `tallies.hour = ts_us / HOUR_US`.
pub(crate) const HOUR_US: i64 = 3_600_000_000;
/// The longest value (and value2) kept, in bytes.
pub(crate) const VALUE_MAX: usize = 512;
/// Rows per multi-row upsert (5 parameters each).
const WRITE_CHUNK: usize = 200;
const TALLY_COLUMNS: usize = 5;

/// The `tallies.kind` names.
pub(crate) mod kind {
    pub(crate) const USERNAME: &str = "username";
    pub(crate) const PASSWORD: &str = "password";
    pub(crate) const PAIR: &str = "pair";
    pub(crate) const COMMAND: &str = "command";
    pub(crate) const SRC_IP: &str = "src_ip";
    pub(crate) const HASSH: &str = "hassh";
    pub(crate) const CLIENT_VERSION: &str = "client_version";
    pub(crate) const DOWNLOAD_URL: &str = "download_url";
    pub(crate) const DOWNLOAD_SHA256: &str = "download_sha256";
    pub(crate) const TECHNIQUE: &str = "technique";
}

/// `s` as a tally value: NUL replaced, cut to [`VALUE_MAX`] bytes on a char boundary.
pub(crate) fn tally_value(s: &str) -> String {
    let s = clean(s);
    let mut end = s.len().min(VALUE_MAX);
    while !s.is_char_boundary(end) {
        end = end.saturating_sub(1);
    }
    s.get(..end).unwrap_or_default().to_owned()
}

/// One batch's counts.
#[derive(Debug, Default)]
pub(crate) struct Tallies {
    counts: BTreeMap<(&'static str, i64, String, String), i64>,
}

impl Tallies {
    fn bump(&mut self, kind: &'static str, hour: i64, value: &str, value2: &str) {
        let n = self
            .counts
            .entry((kind, hour, tally_value(value), tally_value(value2)))
            .or_insert(0);
        *n = n.saturating_add(1);
    }

    /// Counts one new event at `us` (unix microseconds); `json` is its stored encoding.
    pub(crate) fn add(&mut self, ev: &Event, us: i64, json: &str) {
        let hour = us.div_euclid(HOUR_US);
        match &ev.kind {
            EventKind::AuthAttempt {
                username, password, ..
            } => {
                self.bump(kind::USERNAME, hour, username, "");
                if let Some(password) = password {
                    self.bump(kind::PASSWORD, hour, password, "");
                    self.bump(kind::PAIR, hour, username, password);
                }
            }
            EventKind::CommandInput { input, .. } => {
                let line = input.trim();
                if !line.is_empty() {
                    self.bump(kind::COMMAND, hour, line, "");
                }
            }
            EventKind::SessionStart { .. } => {
                self.bump(kind::SRC_IP, hour, &ev.src_ip.to_string(), "");
            }
            EventKind::ClientKex { hassh, .. } => self.bump(kind::HASSH, hour, hassh, ""),
            EventKind::ClientVersion { version } => {
                self.bump(kind::CLIENT_VERSION, hour, version, "");
            }
            EventKind::Download { url, .. } => {
                self.bump(kind::DOWNLOAD_URL, hour, url, "");
                if let Some(sha256) = download_sha256(json) {
                    self.bump(kind::DOWNLOAD_SHA256, hour, &sha256, "");
                }
            }
            EventKind::Technique(hit) => {
                if let Some(id) = super::derive::technique_id(&hit.technique) {
                    self.bump(kind::TECHNIQUE, hour, &id, &hit.name);
                }
            }
            _ => {}
        }
    }

    /// Adds the counts to `tallies` and to their all-time sums in `tally_totals` (on
    /// `conn`, inside the caller's transaction).
    pub(crate) async fn write(
        self,
        conn: &mut AnyConnection,
        backend: Backend,
    ) -> Result<(), StoreError> {
        let mut totals: BTreeMap<(&'static str, &str, &str), i64> = BTreeMap::new();
        for ((kind, _, value, value2), n) in &self.counts {
            let t = totals
                .entry((kind, value.as_str(), value2.as_str()))
                .or_insert(0);
            *t = t.saturating_add(*n);
        }
        let hourly: Vec<_> = self
            .counts
            .iter()
            .map(|((kind, hour, value, value2), n)| {
                (*kind, Some(*hour), value.as_str(), value2.as_str(), *n)
            })
            .collect();
        upsert(conn, backend, "tallies", &hourly).await?;
        let all: Vec<_> = totals
            .into_iter()
            .map(|((kind, value, value2), n)| (kind, None, value, value2, n))
            .collect();
        upsert(conn, backend, "tally_totals", &all).await
    }
}

/// One row to add: kind, hour (`None` for `tally_totals`), value, value2, count.
type TallyRow<'a> = (&'static str, Option<i64>, &'a str, &'a str, i64);

/// Adds `rows` (unique keys, sorted) to `table` with multi-row upserts.
async fn upsert(
    conn: &mut AnyConnection,
    backend: Backend,
    table: &'static str,
    rows: &[TallyRow<'_>],
) -> Result<(), StoreError> {
    const OP: &str = "write_tallies";
    // `tallies` rows carry their hour; `tally_totals` rows do not.
    let (cols, key, width) = if table == "tallies" {
        (
            "kind, hour, value, value2, n",
            "kind, hour, value, value2",
            TALLY_COLUMNS,
        )
    } else {
        (
            "kind, value, value2, n",
            "kind, value, value2",
            TALLY_COLUMNS - 1,
        )
    };
    for chunk in rows.chunks(WRITE_CHUNK) {
        let sql = format!(
            "INSERT INTO {table} ({cols}) VALUES {} \
             ON CONFLICT ({key}) DO UPDATE SET n = {table}.n + excluded.n",
            values_rows(chunk.len(), width, backend)
        );
        // Built from constants and numbers only: no input reaches the SQL text.
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (kind, hour, value, value2, n) in chunk {
            q = q.bind(*kind);
            if let Some(hour) = hour {
                q = q.bind(*hour);
            }
            q = q.bind(value.to_string()).bind(value2.to_string()).bind(*n);
        }
        q.execute(&mut *conn).await.map_err(StoreError::query(OP))?;
    }
    Ok(())
}

/// The `sha256` field of a `download` event's JSON, when it has one (lowercase hex).
fn download_sha256(json: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(json).ok()?;
    let sha = value.get("sha256")?.as_str()?;
    (sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| sha.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_capped_on_a_char_boundary() {
        assert_eq!(tally_value("a\0b"), "a\u{FFFD}b");
        assert_eq!(
            tally_value(&"\0".repeat(VALUE_MAX)).len(),
            VALUE_MAX / 3 * 3
        );
        let long = "é".repeat(VALUE_MAX);
        let v = tally_value(&long);
        assert!(v.len() <= VALUE_MAX && v.len() >= VALUE_MAX - 1);
        assert!(v.chars().all(|c| c == 'é'));
    }

    #[test]
    fn download_sha256_only_when_present_and_hex() {
        let sha = "AB".repeat(32);
        assert_eq!(
            download_sha256(&format!(r#"{{"type":"download","sha256":"{sha}"}}"#)),
            Some("ab".repeat(32))
        );
        assert_eq!(download_sha256(r#"{"type":"download"}"#), None);
        assert_eq!(download_sha256(r#"{"sha256":"xyz"}"#), None);
        assert_eq!(download_sha256("not json"), None);
    }
}
