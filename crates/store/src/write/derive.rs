//! The dashboard columns of `sessions`, derived from detection events: `techniques`,
//! `stage`, `downloads`, `tokens` and the `session_summary` fields (`risk_score`,
//! `risk_band`, `command_hash`).
//!
//! # Design
//! - A [`DashDelta`] folds what one batch's NEW events say about one session (the caller
//!   feeds only events actually inserted, so a retried batch adds nothing).
//! - Counters (`downloads`, `tokens`) are increments, added in SQL. The set-like columns
//!   need the stored value: [`resolve`] reads `techniques` and `stage` of the sessions that
//!   have news (one `SELECT` per 500 sessions, inside the batch's transaction) and merges in
//!   Rust: technique ids are a sorted set, and the stage only moves forward in kill-chain
//!   order. The result, a [`DashCols`], is written by the batch's session upsert (or by the
//!   backfill's `UPDATE`).
//! - Technique ids are kept to `[A-Za-z0-9.]`, at most 16 characters, so the stored form
//!   `,T1105,T1059.004,` stays parsable and `LIKE '%,T1105,%'` exact.
//!
//! # Limits
//! One writer per session is assumed (each sensor writes its own sessions): two writers
//! merging the same session's techniques at once could each miss the other's ids.

use std::collections::{BTreeSet, HashMap};

use miragepot_event::{Event, EventKind};
use sqlx::{AnyConnection, Row};

use super::{clean, placeholders};
use crate::{Backend, StoreError, stage};

/// Sessions per `SELECT ... WHERE session IN (...)`.
const READ_CHUNK: usize = 500;
/// The longest technique id kept.
const TECHNIQUE_MAX: usize = 16;

/// What one batch's new events say about one session's dashboard columns.
#[derive(Debug, Default)]
pub(crate) struct DashDelta {
    /// Technique ids seen.
    techniques: BTreeSet<String>,
    /// The furthest stage seen (`attack_stage.furthest`, `session_summary.stage`).
    stage: Option<String>,
    downloads: i64,
    tokens: i64,
    /// The latest `session_summary`.
    summary: Option<SummaryCols>,
}

/// The `sessions` columns a `session_summary` sets, with its time (the latest wins).
#[derive(Debug)]
struct SummaryCols {
    us: i64,
    risk_score: i64,
    risk_band: String,
    command_hash: Option<String>,
}

/// The dashboard columns to write for one session.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct DashCols {
    /// The full merged `techniques` value, or `""` to keep the stored one.
    pub techniques: String,
    /// The new furthest stage, or `None` to keep the stored one.
    pub stage: Option<String>,
    /// Downloads to add.
    pub downloads: i64,
    /// Touched honeytokens to add.
    pub tokens: i64,
    /// The latest summary's risk, or `None` to keep the stored one.
    pub risk_score: Option<i64>,
    /// The latest summary's risk band, or `None` to keep the stored one.
    pub risk_band: Option<String>,
    /// The latest summary's campaign key (when it ran commands), or `None` to keep.
    pub command_hash: Option<String>,
}

/// The technique id as stored: only `[A-Za-z0-9.]`, capped; `None` when nothing is left.
pub(crate) fn technique_id(raw: &str) -> Option<String> {
    let id: String = raw
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
        .take(TECHNIQUE_MAX)
        .collect();
    (!id.is_empty()).then_some(id)
}

/// The ids of a stored `techniques` value (`,T1105,T1059.004,`).
pub(crate) fn parse_techniques(stored: &str) -> impl Iterator<Item = &str> {
    stored.split(',').filter(|id| !id.is_empty())
}

impl DashDelta {
    /// Folds one new event at `us` (unix microseconds).
    pub(crate) fn fold(&mut self, ev: &Event, us: i64) {
        match &ev.kind {
            EventKind::Technique(hit) => self.techniques.extend(technique_id(&hit.technique)),
            EventKind::AttackStage(reached) => self.raise(&reached.furthest),
            EventKind::Download { .. } => self.downloads = self.downloads.saturating_add(1),
            EventKind::HoneytokenTouched(_) => self.tokens = self.tokens.saturating_add(1),
            EventKind::SessionSummary(sum) => {
                self.techniques
                    .extend(sum.techniques.iter().filter_map(|t| technique_id(t)));
                if let Some(stage) = &sum.stage {
                    self.raise(stage);
                }
                if self.summary.as_ref().is_none_or(|s| us >= s.us) {
                    self.summary = Some(SummaryCols {
                        us,
                        risk_score: i64::from(sum.risk_score),
                        risk_band: sum.risk_band.as_str().to_owned(),
                        command_hash: sum
                            .command_hash
                            .as_deref()
                            .filter(|_| sum.commands > 0)
                            .map(clean),
                    });
                }
            }
            _ => {}
        }
    }

    fn raise(&mut self, stage: &str) {
        self.stage = stage::further(self.stage.take(), Some(clean(stage)));
    }

    /// Whether the stored `techniques`/`stage` are needed to merge this delta.
    fn needs_stored(&self) -> bool {
        !self.techniques.is_empty() || self.stage.is_some()
    }

    /// Whether this delta changes nothing.
    pub(crate) fn is_empty(&self) -> bool {
        !self.needs_stored() && self.downloads == 0 && self.tokens == 0 && self.summary.is_none()
    }

    /// The columns to write, given the stored `(techniques, stage)` (`None`: no row yet).
    fn into_cols(self, stored: Option<&(String, Option<String>)>) -> DashCols {
        let (old_techniques, old_stage) = match stored {
            Some((t, s)) => (t.as_str(), s.clone()),
            None => ("", None),
        };
        let mut ids: BTreeSet<&str> = parse_techniques(old_techniques).collect();
        let before = ids.len();
        ids.extend(self.techniques.iter().map(String::as_str));
        let techniques = if ids.len() > before {
            let mut joined = String::from(",");
            for id in ids {
                joined.push_str(id);
                joined.push(',');
            }
            joined
        } else {
            String::new()
        };
        let stage =
            stage::further(old_stage.clone(), self.stage).filter(|s| Some(s) != old_stage.as_ref());
        let (risk_score, risk_band, command_hash) = match self.summary {
            Some(s) => (Some(s.risk_score), Some(s.risk_band), s.command_hash),
            None => (None, None, None),
        };
        DashCols {
            techniques,
            stage,
            downloads: self.downloads,
            tokens: self.tokens,
            risk_score,
            risk_band,
            command_hash,
        }
    }
}

/// Turns each session's delta into the columns to write, reading the stored `techniques`
/// and `stage` of the sessions that need them (on `conn`, inside the caller's transaction).
pub(crate) async fn resolve<K>(
    conn: &mut AnyConnection,
    backend: Backend,
    deltas: Vec<(K, String, DashDelta)>,
) -> Result<Vec<(K, DashCols)>, StoreError> {
    const OP: &str = "derive_dashboard";
    let wanted: Vec<&str> = deltas
        .iter()
        .filter(|(_, _, d)| d.needs_stored())
        .map(|(_, session, _)| session.as_str())
        .collect();
    let mut stored: HashMap<String, (String, Option<String>)> = HashMap::new();
    for chunk in wanted.chunks(READ_CHUNK) {
        let sql = format!(
            "SELECT session, techniques, stage FROM sessions WHERE session IN ({})",
            placeholders(chunk.len(), backend)
        );
        // Built from numbers only: no input reaches the SQL text. Not a cached prepared
        // statement: PostgreSQL would soon switch it to a generic plan made while the table
        // was small (a sequential scan), and keep it as the table grows.
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false);
        for session in chunk {
            q = q.bind((*session).to_owned());
        }
        for row in q
            .fetch_all(&mut *conn)
            .await
            .map_err(StoreError::query(OP))?
        {
            let (Ok(session), Ok(techniques), Ok(stage)) = (
                row.try_get::<String, _>("session"),
                row.try_get::<String, _>("techniques"),
                row.try_get::<Option<String>, _>("stage"),
            ) else {
                continue; // a mistyped hand-edited row: merge as if empty
            };
            stored.insert(session, (techniques, stage));
        }
    }
    Ok(deltas
        .into_iter()
        .map(|(key, session, delta)| (key, delta.into_cols(stored.get(&session))))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn technique_ids_are_sanitised() {
        assert_eq!(technique_id("T1059.004").as_deref(), Some("T1059.004"));
        assert_eq!(technique_id(" T1105,%_'").as_deref(), Some("T1105"));
        assert_eq!(technique_id(",,%"), None);
        assert_eq!(technique_id(&"T1".repeat(40)).map(|s| s.len()), Some(16));
    }

    #[test]
    fn merge_keeps_a_sorted_set_and_the_furthest_stage() {
        let mut d = DashDelta::default();
        d.techniques.insert("T1105".into());
        d.techniques.insert("T1059.004".into());
        d.stage = Some("discovery".into());
        let stored = (",T1105,".to_owned(), Some("impact".to_owned()));
        let cols = d.into_cols(Some(&stored));
        assert_eq!(cols.techniques, ",T1059.004,T1105,");
        assert_eq!(cols.stage, None, "impact is further: keep it");

        let mut d = DashDelta::default();
        d.techniques.insert("T1105".into());
        d.stage = Some("impact".into());
        let stored = (",T1105,".to_owned(), Some("discovery".to_owned()));
        let cols = d.into_cols(Some(&stored));
        assert_eq!(cols.techniques, "", "nothing new: keep the stored value");
        assert_eq!(cols.stage.as_deref(), Some("impact"));
        assert_eq!(parse_techniques(",a,,b,").collect::<Vec<_>>(), ["a", "b"]);
    }
}
