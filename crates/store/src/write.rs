//! Writing events: [`Store::insert_batch`] and the derivation of `sessions` rows and
//! `tallies`.
//!
//! A batch is one transaction. Events are inserted by multi-row statements with
//! `ON CONFLICT (id) DO NOTHING RETURNING id`; only events that were actually inserted are
//! folded into per-session deltas and hourly tallies, so a retried or duplicated batch
//! changes nothing. The deltas are then merged into `sessions` by multi-row upserts (one
//! row per session), which create the row if the session's first stored event is not its
//! `session_start` (the upsert fixes `protocol` and `started_at` when the start arrives).
//!
//! Submodules: `derive` (the dashboard columns: techniques, stage, risk, ...) and `tally`
//! (the `tallies` table). Both are also run by the one-time `backfill` job.

pub(crate) mod derive;
pub(crate) mod tally;

use std::collections::{BTreeMap, HashSet};

use sqlx::Row;

use miragepot_event::{EndReason, Event, EventKind, Protocol, SessionId};
use time::format_description::well_known::Rfc3339;

use crate::iprange::ip_key;
use crate::{Backend, Store, StoreError};
use derive::{DashCols, DashDelta};
use tally::Tallies;

/// Rows per multi-row `INSERT` (10 parameters each: well under SQLite's 32,766 and
/// PostgreSQL's 65,535 bind limits). One statement per chunk instead of one per event keeps
/// the round trips to SQLite's worker thread, and their thread wake-ups, per batch.
const INSERT_CHUNK: usize = 200;
const EVENT_COLUMNS: usize = 10;
/// Sessions per multi-row upsert (26 parameters each).
const SESSION_CHUNK: usize = 40;
const SESSION_COLUMNS: usize = 26;
/// The most characters of command lines `sessions.command_text` keeps (the SQL literal in
/// [`upsert_sessions_sql`] and in migration 0007 is this number). A session with more is
/// searched in its events as well (`dashboard::filter`).
pub(crate) const COMMAND_TEXT_MAX: usize = 16_384;

/// `n` placeholders separated by commas: `$1, $2, ...` (PostgreSQL) or `?, ?, ...`
/// (SQLite), for a statement whose only parameters these are.
pub(crate) fn placeholders(n: usize, backend: Backend) -> String {
    values_list(1, n, backend)
}

/// `(..), (..), ...`: `rows` rows of `cols` placeholders, for a statement whose only
/// parameters these are.
pub(crate) fn values_rows(rows: usize, cols: usize, backend: Backend) -> String {
    let mut sql = String::with_capacity(rows.saturating_mul(cols).saturating_mul(5));
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        sql.push_str(&values_list(
            r.saturating_mul(cols).saturating_add(1),
            cols,
            backend,
        ));
        sql.push(')');
    }
    sql
}

/// `cols` placeholders numbered from `first`.
///
/// SQLite gets anonymous `?` placeholders: sqlx maps each `$N` through
/// `sqlite3_bind_parameter_name`, a linear scan, which made a 2,000-parameter statement
/// quadratic (10 % of the server's CPU under a login flood). Both forms bind by position.
fn values_list(first: usize, cols: usize, backend: Backend) -> String {
    let mut sql = String::new();
    for c in 0..cols {
        if c > 0 {
            sql.push_str(", ");
        }
        match backend {
            Backend::Sqlite => sql.push('?'),
            Backend::Postgres => {
                sql.push('$');
                sql.push_str(&first.saturating_add(c).to_string());
            }
        }
    }
    sql
}

/// `INSERT INTO events ... VALUES (..), (..) ON CONFLICT DO NOTHING RETURNING id` for
/// `rows` rows: the ids returned are the events actually inserted.
fn insert_events_sql(rows: usize, backend: Backend) -> String {
    format!(
        "INSERT INTO events (id, ts, ts_us, sensor, session, src_ip, src_port, type, \
         caused_by, data) VALUES {} ON CONFLICT (id) DO NOTHING RETURNING id",
        values_rows(rows, EVENT_COLUMNS, backend)
    )
}

/// Merges [`SessionDelta`]s into `sessions`, `rows` per statement. In `DO UPDATE SET`,
/// `sessions.*` is the stored row and `excluded.*` the delta. `protocol` is non-NULL exactly when the delta (or the row)
/// holds the `session_start`, whose timestamp then wins; before that, `started_*` is the
/// earliest event seen.
///
/// The dashboard columns: `techniques` is the merged set (`''` keeps the row's), `stage` the
/// merged furthest stage (`NULL` keeps it), the summary fields the latest summary's,
/// `downloads` and `tokens` are added, `ip_key` only fills a row that lacks it, and
/// `command_text` (each line after a `\n`) is appended up to [`COMMAND_TEXT_MAX`] characters.
fn upsert_sessions_sql(rows: usize, backend: Backend) -> String {
    format!(
        "INSERT INTO sessions \
    (session, sensor, src_ip, src_port, protocol, started_at, started_us, ended_at, ended_us, \
     end_reason, username, password, login_success, client_version, hassh, commands, \
     auth_attempts, risk_score, risk_band, stage, techniques, downloads, tokens, \
     command_hash, ip_key, command_text) \
    VALUES {} \
    ON CONFLICT (session) DO UPDATE SET \
    protocol = COALESCE(excluded.protocol, sessions.protocol), \
    started_at = CASE WHEN excluded.protocol IS NOT NULL THEN excluded.started_at \
        WHEN sessions.protocol IS NULL AND excluded.started_us < sessions.started_us \
        THEN excluded.started_at ELSE sessions.started_at END, \
    started_us = CASE WHEN excluded.protocol IS NOT NULL THEN excluded.started_us \
        WHEN sessions.protocol IS NULL AND excluded.started_us < sessions.started_us \
        THEN excluded.started_us ELSE sessions.started_us END, \
    ended_at = COALESCE(excluded.ended_at, sessions.ended_at), \
    ended_us = COALESCE(excluded.ended_us, sessions.ended_us), \
    end_reason = CASE WHEN excluded.ended_us IS NOT NULL THEN excluded.end_reason \
        ELSE sessions.end_reason END, \
    username = CASE WHEN sessions.login_success = 0 AND excluded.login_success <> 0 \
        THEN excluded.username ELSE sessions.username END, \
    password = CASE WHEN sessions.login_success = 0 AND excluded.login_success <> 0 \
        THEN excluded.password ELSE sessions.password END, \
    login_success = CASE WHEN excluded.login_success <> 0 THEN 1 \
        ELSE sessions.login_success END, \
    client_version = COALESCE(sessions.client_version, excluded.client_version), \
    hassh = COALESCE(sessions.hassh, excluded.hassh), \
    commands = sessions.commands + excluded.commands, \
    auth_attempts = sessions.auth_attempts + excluded.auth_attempts, \
    risk_score = COALESCE(excluded.risk_score, sessions.risk_score), \
    risk_band = COALESCE(excluded.risk_band, sessions.risk_band), \
    stage = COALESCE(excluded.stage, sessions.stage), \
    techniques = CASE WHEN excluded.techniques = '' THEN sessions.techniques \
        ELSE excluded.techniques END, \
    downloads = sessions.downloads + excluded.downloads, \
    tokens = sessions.tokens + excluded.tokens, \
    command_hash = COALESCE(excluded.command_hash, sessions.command_hash), \
    ip_key = COALESCE(sessions.ip_key, excluded.ip_key), \
    command_text = CASE WHEN excluded.command_text = '' THEN sessions.command_text \
        ELSE SUBSTR(sessions.command_text || excluded.command_text, 1, {COMMAND_TEXT_MAX}) END",
        values_rows(rows, SESSION_COLUMNS, backend)
    )
}

impl Store {
    /// Inserts a batch of events in ONE transaction and updates their sessions' rows.
    ///
    /// Idempotent on event id: an id already stored (or repeated in the batch) is ignored,
    /// events and session counters alike, so a retried batch never duplicates. On error
    /// nothing of the batch is stored.
    pub async fn insert_batch(&self, events: &[Event]) -> Result<(), StoreError> {
        const OP: &str = "insert_batch";
        if events.is_empty() {
            return Ok(());
        }
        // Encode everything before taking the write lock.
        let encoded = events
            .iter()
            .map(|ev| {
                serde_json::to_string(ev)
                    .map(|json| (ev, json))
                    .map_err(|source| StoreError::Encode { id: ev.id, source })
            })
            .collect::<Result<Vec<_>, _>>()?;

        let mut tx = self.pool.begin().await.map_err(StoreError::query(OP))?;
        let mut deltas: BTreeMap<SessionId, SessionDelta> = BTreeMap::new();
        let mut folded: HashSet<String> = HashSet::new();
        let mut tallies = Tallies::default();
        for chunk in encoded.chunks(INSERT_CHUNK) {
            let sql = insert_events_sql(chunk.len(), self.backend());
            // Built from numbers only: no input reaches the SQL text.
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            let mut stamps = Vec::with_capacity(chunk.len());
            for (ev, data) in chunk {
                let ts = Stamp::of(ev);
                q = q
                    .bind(ev.id.to_string())
                    .bind(ts.text.clone())
                    .bind(ts.us)
                    .bind(clean(&ev.sensor))
                    .bind(ev.session.to_string())
                    .bind(ev.src_ip.to_string())
                    .bind(i32::from(ev.src_port))
                    .bind(ev.type_name())
                    .bind(ev.caused_by.map(|id| id.to_string()))
                    .bind(data.clone());
                stamps.push(ts);
            }
            let rows = q.fetch_all(&mut *tx).await.map_err(StoreError::query(OP))?;
            let inserted: HashSet<String> = rows
                .iter()
                .filter_map(|r| r.try_get::<String, _>(0).ok())
                .collect();
            for ((ev, data), ts) in chunk.iter().zip(stamps) {
                let id = ev.id.to_string();
                // A duplicate id inside the batch is inserted (and counted) once. A refused
                // connection never became a session: it gets no `sessions` row.
                if !(inserted.contains(&id) && folded.insert(id)) {
                    continue;
                }
                tallies.add(ev, ts.us, data);
                if !matches!(ev.kind, EventKind::ConnectionRefused(_)) {
                    deltas
                        .entry(ev.session)
                        .or_insert_with(|| SessionDelta::new(ev, ts.clone()))
                        .fold(ev, ts);
                }
            }
        }
        let mut rows = Vec::with_capacity(deltas.len());
        let mut dash = Vec::new();
        for (session, mut delta) in deltas {
            let d = std::mem::take(&mut delta.dash);
            if !d.is_empty() {
                dash.push((rows.len(), session.to_string(), d));
            }
            rows.push((session, delta, DashCols::default()));
        }
        for (i, cols) in derive::resolve(&mut tx, self.backend(), dash).await? {
            if let Some(row) = rows.get_mut(i) {
                row.2 = cols;
            }
        }
        for chunk in rows.chunks(SESSION_CHUNK) {
            let sql = upsert_sessions_sql(chunk.len(), self.backend());
            // Built from numbers only: no input reaches the SQL text.
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (session, delta, dash) in chunk {
                let (started, protocol) = match &delta.start {
                    Some((stamp, protocol)) => (stamp, Some(protocol.clone())),
                    None => (&delta.first, None),
                };
                let (ended_at, ended_us, end_reason) = match &delta.end {
                    Some((stamp, reason)) => (
                        Some(stamp.text.clone()),
                        Some(stamp.us),
                        Some(reason.clone()),
                    ),
                    None => (None, None, None),
                };
                let (username, password) = match &delta.login {
                    Some((_, username, password)) => (Some(username.clone()), password.clone()),
                    None => (None, None),
                };
                q = q
                    .bind(session.to_string())
                    .bind(delta.sensor.clone())
                    .bind(delta.src_ip.to_string())
                    .bind(delta.src_port)
                    .bind(protocol)
                    .bind(started.text.clone())
                    .bind(started.us)
                    .bind(ended_at)
                    .bind(ended_us)
                    .bind(end_reason)
                    .bind(username)
                    .bind(password)
                    .bind(i32::from(delta.login_success))
                    .bind(delta.client_version.clone())
                    .bind(delta.hassh.clone())
                    .bind(delta.commands)
                    .bind(delta.auth_attempts)
                    .bind(dash.risk_score)
                    .bind(dash.risk_band.clone())
                    .bind(dash.stage.clone())
                    .bind(dash.techniques.clone())
                    .bind(dash.downloads)
                    .bind(dash.tokens)
                    .bind(dash.command_hash.clone())
                    .bind(ip_key(delta.src_ip))
                    .bind(delta.command_text.clone());
            }
            q.execute(&mut *tx).await.map_err(StoreError::query(OP))?;
        }
        tallies.write(&mut tx, self.backend()).await?;
        tx.commit().await.map_err(StoreError::query(OP))
    }
}

/// A timestamp as stored: RFC 3339 text and unix microseconds.
#[derive(Debug, Clone)]
struct Stamp {
    text: String,
    us: i64,
}

impl Stamp {
    fn of(ev: &Event) -> Stamp {
        Stamp {
            // `Event` serialises `ts` as RFC 3339 too, so an event that encoded formats here.
            text: ev.ts.format(&Rfc3339).unwrap_or_else(|_| ev.ts.to_string()),
            us: micros(ev.ts),
        }
    }
}

/// `t` as unix microseconds, the unit of every `*_us` column (clamped to the i64 range).
pub fn micros(t: time::OffsetDateTime) -> i64 {
    let us = t.unix_timestamp_nanos().div_euclid(1000);
    i64::try_from(us).unwrap_or(if us < 0 { i64::MIN } else { i64::MAX })
}

/// The time of unix microseconds `us` (`None` outside the representable range).
pub fn from_micros(us: i64) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(us) * 1000).ok()
}

/// What one batch's new events say about one session.
#[derive(Debug)]
struct SessionDelta {
    sensor: String,
    src_ip: std::net::IpAddr,
    src_port: i32,
    /// The earliest event.
    first: Stamp,
    /// The earliest `session_start`, with its protocol tag.
    start: Option<(Stamp, String)>,
    /// The latest `session_end`, with its reason tag.
    end: Option<(Stamp, String)>,
    /// The earliest successful login: (ts micros, username, password).
    login: Option<(i64, String, Option<String>)>,
    login_success: bool,
    client_version: Option<String>,
    hassh: Option<String>,
    commands: i64,
    auth_attempts: i64,
    /// The command lines, each after a `\n`, cut at [`COMMAND_TEXT_MAX`] characters.
    command_text: String,
    /// Characters in `command_text`.
    command_chars: usize,
    /// The dashboard columns' share.
    dash: DashDelta,
}

impl SessionDelta {
    fn new(ev: &Event, first: Stamp) -> SessionDelta {
        SessionDelta {
            sensor: clean(&ev.sensor),
            src_ip: ev.src_ip,
            src_port: i32::from(ev.src_port),
            first,
            start: None,
            end: None,
            login: None,
            login_success: false,
            client_version: None,
            hassh: None,
            commands: 0,
            auth_attempts: 0,
            command_text: String::new(),
            command_chars: 0,
            dash: DashDelta::default(),
        }
    }

    fn fold(&mut self, ev: &Event, ts: Stamp) {
        self.dash.fold(ev, ts.us);
        match &ev.kind {
            EventKind::SessionStart { protocol, .. }
                if self.start.as_ref().is_none_or(|(s, _)| ts.us < s.us) =>
            {
                self.start = Some((ts.clone(), protocol_tag(*protocol)));
            }
            EventKind::SessionEnd { reason, .. }
                if self.end.as_ref().is_none_or(|(s, _)| ts.us >= s.us) =>
            {
                self.end = Some((ts.clone(), end_reason_tag(*reason)));
            }
            EventKind::ClientVersion { version } => {
                self.client_version.get_or_insert_with(|| clean(version));
            }
            EventKind::ClientKex { hassh, .. } => {
                self.hassh.get_or_insert_with(|| clean(hassh));
            }
            EventKind::AuthAttempt {
                username,
                password,
                success,
                ..
            } => {
                self.auth_attempts = self.auth_attempts.saturating_add(1);
                if *success {
                    self.login_success = true;
                    if self.login.as_ref().is_none_or(|(us, _, _)| ts.us < *us) {
                        self.login = Some((ts.us, clean(username), password.as_deref().map(clean)));
                    }
                }
            }
            EventKind::CommandInput { input, .. } => {
                self.commands = self.commands.saturating_add(1);
                self.push_command(input);
            }
            _ => {}
        }
        if ts.us < self.first.us {
            self.first = ts;
        }
    }

    /// Appends `\n` and `line` ([`clean`]ed) to `command_text`, up to the cap.
    fn push_command(&mut self, line: &str) {
        if self.command_chars >= COMMAND_TEXT_MAX {
            return;
        }
        for c in std::iter::once('\n').chain(clean(line).chars()) {
            if self.command_chars >= COMMAND_TEXT_MAX {
                return;
            }
            self.command_text.push(c);
            self.command_chars = self.command_chars.saturating_add(1);
        }
    }
}

/// Text for a summary column: PostgreSQL `TEXT` cannot hold NUL, which attackers can send
/// (usernames, passwords, version strings), so NUL becomes U+FFFD. `events.data` keeps the
/// exact value (JSON escapes NUL as `\u0000`).
pub(crate) fn clean(s: &str) -> String {
    s.replace('\0', "\u{FFFD}")
}

/// The serde tag of a protocol (`ssh`).
fn protocol_tag(p: Protocol) -> String {
    serde_tag(serde_json::to_value(p)).unwrap_or_else(|| format!("{p:?}"))
}

/// The serde tag of an end reason (`client_closed`).
fn end_reason_tag(r: EndReason) -> String {
    serde_tag(serde_json::to_value(r)).unwrap_or_else(|| format!("{r:?}"))
}

fn serde_tag(value: Result<serde_json::Value, serde_json::Error>) -> Option<String> {
    match value {
        Ok(serde_json::Value::String(s)) => Some(s),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_the_serde_names() {
        assert_eq!(protocol_tag(Protocol::Ssh), "ssh");
        assert_eq!(
            end_reason_tag(EndReason::LoginGraceTimeout),
            "login_grace_timeout"
        );
    }

    #[test]
    fn clean_replaces_nul() {
        assert_eq!(clean("a\0b"), "a\u{FFFD}b");
    }
}
