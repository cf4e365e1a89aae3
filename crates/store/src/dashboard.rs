//! The analyst dashboard's queries: the filtered session list ([`Store::list_sessions`]),
//! the overview counters ([`Overview`]) and the sessions-over-time histogram. The top-N,
//! campaign and funnel analytics are in `analytics` and `top`, the filter in `filter`.
//!
//! # Design
//! - Everything reads the summary tables (`sessions`, `tallies`) or counts `events` through
//!   the `(type, ts_us)` index; nothing decodes a million events for a page.
//! - The list's order is riskiest first (unscored sessions last), then newest, then by id:
//!   `(risk_score IS NULL), risk_score DESC, started_us DESC, session DESC`, written so on
//!   both backends and served by the `sessions_risk` index of the same expressions.
//! - Rows that fail to decode are skipped and counted ([`Store::skipped_rows`]).

pub(crate) mod analytics;
pub(crate) mod filter;
mod top;

use miragepot_event::SessionId;
use sqlx::Row;

use crate::read::session_columns;
use crate::{SessionFilter, Store, StoreError};
use filter::{Param, Sql, json_text};

/// The most rows one [`Store::list_sessions`] call returns.
pub const MAX_PAGE: u32 = 500;

/// The headline numbers of a time window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Overview {
    /// Sessions that started in the window.
    pub sessions: u64,
    /// `auth_attempt` events in the window.
    pub login_attempts: u64,
    /// Successful logins: sessions started in the window that logged in (a session logs
    /// in at most once, so this is its successful `auth_attempt` count).
    pub logins: u64,
    /// Distinct attacker addresses among the window's sessions.
    pub unique_ips: u64,
    /// `command_input` events in the window.
    pub commands: u64,
    /// `download` events in the window.
    pub downloads: u64,
    /// `honeytoken_touched` events in the window.
    pub tokens_touched: u64,
    /// Distinct addresses blocked in the window: named by an `ip_blocked` event, or by a
    /// `blocks` row made in the window (operator blocks make no event).
    pub blocked_ips: u64,
}

/// The overview's one statement; `{ip}` is the JSON reader of `ip_blocked.ip`.
const OVERVIEW: &str = "SELECT \
    (SELECT COUNT(*) FROM sessions WHERE started_us >= $1) AS sessions, \
    (SELECT COUNT(*) FROM events WHERE type = 'auth_attempt' AND ts_us >= $1) AS login_attempts, \
    (SELECT COUNT(*) FROM sessions WHERE started_us >= $1 AND login_success <> 0) AS logins, \
    (SELECT COUNT(DISTINCT src_ip) FROM sessions WHERE started_us >= $1) AS unique_ips, \
    (SELECT COUNT(*) FROM events WHERE type = 'command_input' AND ts_us >= $1) AS commands, \
    (SELECT COUNT(*) FROM events WHERE type = 'download' AND ts_us >= $1) AS downloads, \
    (SELECT COUNT(*) FROM events WHERE type = 'honeytoken_touched' AND ts_us >= $1) \
        AS tokens_touched, \
    (SELECT COUNT(*) FROM (SELECT {ip} AS ip FROM events \
        WHERE type = 'ip_blocked' AND ts_us >= $1 \
        UNION SELECT ip FROM blocks WHERE created_us >= $1) b WHERE b.ip IS NOT NULL) \
        AS blocked_ips";

const HISTOGRAM: &str = "SELECT (started_us - $1) / $2 AS bucket, COUNT(*) AS n \
    FROM sessions WHERE started_us >= $1 GROUP BY bucket ORDER BY bucket";

/// A count column as `u64` (a negative or mistyped value reads as 0).
pub(crate) fn count(row: &sqlx::any::AnyRow, col: &str) -> u64 {
    row.try_get::<i64, _>(col)
        .ok()
        .and_then(|n| u64::try_from(n).ok())
        .unwrap_or(0)
}

impl Store {
    /// The sessions `f` selects, riskiest first (unscored last), then newest: at most
    /// `limit` rows (capped at [`MAX_PAGE`]) after skipping `offset`.
    pub async fn list_sessions(
        &self,
        f: &SessionFilter,
        limit: u32,
        offset: u64,
    ) -> Result<Vec<crate::SessionRow>, StoreError> {
        const OP: &str = "list_sessions";
        let mut sql = Sql::new(concat!("SELECT ", session_columns!(), " FROM sessions"));
        f.write_where(OP, self.backend, &mut sql)?;
        sql.push(
            " ORDER BY (risk_score IS NULL), risk_score DESC, started_us DESC, session DESC \
             LIMIT ",
        )
        .param(Param::Int(i64::from(limit.min(MAX_PAGE))))
        .push(" OFFSET ")
        .param(Param::Int(i64::try_from(offset).unwrap_or(i64::MAX)));
        let rows = sql
            .query()
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::query(OP))?;
        Ok(self.decode_sessions(OP, &rows))
    }

    /// How many sessions `f` selects.
    pub async fn count_sessions(&self, f: &SessionFilter) -> Result<u64, StoreError> {
        const OP: &str = "count_sessions";
        let mut sql = Sql::new("SELECT COUNT(*) AS n FROM sessions");
        f.write_where(OP, self.backend, &mut sql)?;
        let row = sql
            .query()
            .fetch_one(&self.pool)
            .await
            .map_err(StoreError::query(OP))?;
        Ok(count(&row, "n"))
    }

    /// The summary of one session, if stored (and if it decodes).
    pub async fn session_row(
        &self,
        id: SessionId,
    ) -> Result<Option<crate::SessionRow>, StoreError> {
        const OP: &str = "session_row";
        let rows = sqlx::query(concat!(
            "SELECT ",
            session_columns!(),
            " FROM sessions WHERE session = $1"
        ))
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query(OP))?;
        Ok(self.decode_sessions(OP, &rows).into_iter().next())
    }

    /// The headline numbers since `since_us` (unix microseconds).
    pub async fn overview(&self, since_us: i64) -> Result<Overview, StoreError> {
        const OP: &str = "overview";
        let sql = OVERVIEW.replace("{ip}", &json_text(self.backend, "data", "ip"));
        // Built from constants only: no input reaches the SQL text.
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(since_us)
            .fetch_one(&self.pool)
            .await
            .map_err(StoreError::query(OP))?;
        Ok(Overview {
            sessions: count(&row, "sessions"),
            login_attempts: count(&row, "login_attempts"),
            logins: count(&row, "logins"),
            unique_ips: count(&row, "unique_ips"),
            commands: count(&row, "commands"),
            downloads: count(&row, "downloads"),
            tokens_touched: count(&row, "tokens_touched"),
            blocked_ips: count(&row, "blocked_ips"),
        })
    }

    /// Sessions started since `since_us`, counted per bucket of `bucket_us` microseconds:
    /// `(bucket start, count)`, ascending. Buckets with no session are left out; a negative
    /// `since_us` counts from 0.
    pub async fn sessions_histogram(
        &self,
        since_us: i64,
        bucket_us: i64,
    ) -> Result<Vec<(i64, u64)>, StoreError> {
        const OP: &str = "sessions_histogram";
        if bucket_us <= 0 {
            return Err(StoreError::InvalidArgument {
                op: OP,
                reason: format!("bucket of {bucket_us} µs (must be positive)"),
            });
        }
        let since_us = since_us.max(0);
        let rows = sqlx::query(HISTOGRAM)
            .bind(since_us)
            .bind(bucket_us)
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::query(OP))?;
        Ok(rows
            .iter()
            .filter_map(|row| {
                let bucket = row.try_get::<i64, _>("bucket").ok()?;
                let start = bucket.checked_mul(bucket_us)?.checked_add(since_us)?;
                Some((start, count(row, "n")))
            })
            .collect())
    }
}
