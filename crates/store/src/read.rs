//! Reading the store: events back as [`Event`] values, and [`SessionRow`] summaries (the
//! dashboard's filtered listing is in the `dashboard` module).
//!
//! Events are decoded from `events.data` with serde. A row that fails to decode (malformed
//! JSON, a NULL or mistyped column, an unparsable address or time) is skipped: logged with
//! `tracing::error` and counted in [`Store::skipped_rows`], never a panic or a failed query.

use std::net::IpAddr;

use miragepot_event::{Event, SessionId};
use sqlx::Row;
use sqlx::any::AnyRow;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use crate::write::clean;
use crate::write::derive::parse_techniques;
use crate::{Store, StoreError};

const SESSION_EVENTS: &str =
    "SELECT id, data FROM events WHERE session = $1 ORDER BY ts_us ASC, id ASC";

const EVENTS_BY_TYPE: &str =
    "SELECT id, data FROM events WHERE type = $1 ORDER BY ts_us DESC, id DESC LIMIT $2";

const COUNT_EVENTS: &str = "SELECT COUNT(*) FROM events";

const LATEST_OF_IP: &str = "SELECT id, data FROM events WHERE src_ip = $1 AND type = $2 \
    ORDER BY ts_us DESC, id DESC LIMIT 1";

const EVENTS_AFTER: &str = "SELECT id, data FROM events WHERE session = $1 AND ts_us > $2 \
    ORDER BY ts_us ASC, id ASC";

/// The columns [`session_row`] decodes, for every `SELECT ... FROM sessions` (a macro, for
/// `concat!`).
macro_rules! session_columns {
    () => {
        "session, sensor, src_ip, src_port, protocol, started_at, ended_at, end_reason, \
         username, password, login_success, client_version, hassh, commands, auth_attempts, \
         risk_score, risk_band, stage, techniques, downloads, tokens, command_hash"
    };
}
pub(crate) use session_columns;

const SESSIONS: &str = concat!(
    "SELECT ",
    session_columns!(),
    " FROM sessions ORDER BY started_us DESC, session DESC LIMIT $1 OFFSET $2"
);

/// The summary of one session, as kept in the `sessions` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// The session id.
    pub session: SessionId,
    /// The sensor that saw it.
    pub sensor: String,
    /// The attacker's address.
    pub src_ip: IpAddr,
    /// The attacker's source port.
    pub src_port: u16,
    /// The front's tag (`ssh`); `None` until the `session_start` event is stored.
    pub protocol: Option<String>,
    /// When the session started (its `session_start`, else its earliest stored event).
    pub started_at: OffsetDateTime,
    /// When it ended, once its `session_end` is stored.
    pub ended_at: Option<OffsetDateTime>,
    /// Why it ended (the `EndReason` tag, `client_closed`, ...).
    pub end_reason: Option<String>,
    /// Username of the first successful login.
    pub username: Option<String>,
    /// Password of the first successful login (password logins only).
    pub password: Option<String>,
    /// Whether any authentication attempt succeeded.
    pub login_success: bool,
    /// The client's identification line.
    pub client_version: Option<String>,
    /// The client's HASSH.
    pub hassh: Option<String>,
    /// Number of `command_input` events.
    pub commands: i64,
    /// Number of `auth_attempt` events.
    pub auth_attempts: i64,
    /// Risk, 0–100, from the session's `session_summary` (none until it is stored).
    pub risk_score: Option<i64>,
    /// Its band (`low`, `medium`, `high`, `critical`).
    pub risk_band: Option<String>,
    /// The furthest ATT&CK stage reached (`discovery`, `persistence`, ...).
    pub stage: Option<String>,
    /// ATT&CK technique ids seen (`T1105`, `T1059.004`), sorted.
    pub techniques: Vec<String>,
    /// Number of `download` events.
    pub downloads: i64,
    /// Number of `honeytoken_touched` events.
    pub tokens: i64,
    /// The campaign key (SHA-256 of the normalised command lines), when commands ran.
    pub command_hash: Option<String>,
}

impl Store {
    /// All events of one session, in (timestamp, id) order.
    pub async fn session_events(&self, session: SessionId) -> Result<Vec<Event>, StoreError> {
        const OP: &str = "session_events";
        let rows = sqlx::query(SESSION_EVENTS)
            .bind(session.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::query(OP))?;
        Ok(self.decode_events(OP, &rows))
    }

    /// Events of one type (`auth_attempt`, ...), newest first, at most `limit` of them.
    pub async fn events_by_type(
        &self,
        type_name: &str,
        limit: u32,
    ) -> Result<Vec<Event>, StoreError> {
        const OP: &str = "events_by_type";
        let rows = sqlx::query(EVENTS_BY_TYPE)
            .bind(type_name.to_owned())
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::query(OP))?;
        Ok(self.decode_events(OP, &rows))
    }

    /// The number of stored events.
    pub async fn count_events(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar(COUNT_EVENTS)
            .fetch_one(&self.pool)
            .await
            .map_err(StoreError::query("count_events"))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Session summaries, newest start first, `limit` rows after skipping `offset`.
    pub async fn sessions(&self, limit: u32, offset: u32) -> Result<Vec<SessionRow>, StoreError> {
        const OP: &str = "sessions";
        let rows = sqlx::query(SESSIONS)
            .bind(i64::from(limit))
            .bind(i64::from(offset))
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::query(OP))?;
        Ok(self.decode_sessions(OP, &rows))
    }

    /// The newest event of type `type_name` from address `ip` (any session), if any: for
    /// the dashboard's per-address panel (`ip_profile`).
    pub async fn latest_event_of_ip(
        &self,
        ip: IpAddr,
        type_name: &str,
    ) -> Result<Option<Event>, StoreError> {
        const OP: &str = "latest_event_of_ip";
        let rows = sqlx::query(LATEST_OF_IP)
            .bind(ip.to_string())
            .bind(clean(type_name))
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::query(OP))?;
        Ok(self.decode_events(OP, &rows).into_iter().next())
    }

    /// The events of one session stamped strictly after `after_us` (unix microseconds), in
    /// (timestamp, id) order: what a live view polls for.
    pub async fn events_after(
        &self,
        session: SessionId,
        after_us: i64,
    ) -> Result<Vec<Event>, StoreError> {
        const OP: &str = "events_after";
        let rows = sqlx::query(EVENTS_AFTER)
            .bind(session.to_string())
            .bind(after_us)
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::query(OP))?;
        Ok(self.decode_events(OP, &rows))
    }

    /// Decodes `sessions` rows, skipping (and counting) the ones that do not decode.
    pub(crate) fn decode_sessions(&self, op: &'static str, rows: &[AnyRow]) -> Vec<SessionRow> {
        rows.iter()
            .filter_map(|row| match session_row(row) {
                Ok(s) => Some(s),
                Err(e) => {
                    self.skip_row(op, &key(row, "session"), &e);
                    None
                }
            })
            .collect()
    }

    pub(crate) fn decode_events(&self, op: &'static str, rows: &[AnyRow]) -> Vec<Event> {
        rows.iter()
            .filter_map(|row| {
                let decoded = get::<String>(row, "data").and_then(|data| {
                    serde_json::from_str::<Event>(&data).map_err(|e| format!("data: {e}"))
                });
                match decoded {
                    Ok(ev) => Some(ev),
                    Err(e) => {
                        self.skip_row(op, &key(row, "id"), &e);
                        None
                    }
                }
            })
            .collect()
    }
}

/// A column, with the column name in the error.
fn get<'r, T>(row: &'r AnyRow, col: &'static str) -> Result<T, String>
where
    T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    row.try_get::<T, _>(col).map_err(|e| format!("{col}: {e}"))
}

/// The row's key column for a log line, or `?` if even that does not decode.
fn key(row: &AnyRow, col: &'static str) -> String {
    get::<String>(row, col).unwrap_or_else(|_| "?".to_owned())
}

fn time_col(text: &str, col: &'static str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|e| format!("{col}: {e}"))
}

fn session_row(row: &AnyRow) -> Result<SessionRow, String> {
    let session = get::<String>(row, "session")?;
    let src_ip = get::<String>(row, "src_ip")?;
    let src_port = get::<i64>(row, "src_port")?;
    let started_at = get::<String>(row, "started_at")?;
    let ended_at = get::<Option<String>>(row, "ended_at")?;
    Ok(SessionRow {
        session: SessionId(Uuid::parse_str(&session).map_err(|e| format!("session: {e}"))?),
        sensor: get(row, "sensor")?,
        src_ip: src_ip.parse().map_err(|e| format!("src_ip: {e}"))?,
        src_port: u16::try_from(src_port).map_err(|e| format!("src_port: {e}"))?,
        protocol: get(row, "protocol")?,
        started_at: time_col(&started_at, "started_at")?,
        ended_at: ended_at.map(|t| time_col(&t, "ended_at")).transpose()?,
        end_reason: get(row, "end_reason")?,
        username: get(row, "username")?,
        password: get(row, "password")?,
        login_success: get::<i64>(row, "login_success")? != 0,
        client_version: get(row, "client_version")?,
        hassh: get(row, "hassh")?,
        commands: get(row, "commands")?,
        auth_attempts: get(row, "auth_attempts")?,
        risk_score: get(row, "risk_score")?,
        risk_band: get(row, "risk_band")?,
        stage: get(row, "stage")?,
        techniques: parse_techniques(&get::<String>(row, "techniques")?)
            .map(str::to_owned)
            .collect(),
        downloads: get(row, "downloads")?,
        tokens: get(row, "tokens")?,
        command_hash: get(row, "command_hash")?,
    })
}
