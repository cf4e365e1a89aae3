//! The analytics page: top-N kinds ([`TopKind`]; [`Store::top`] is in `top`), campaigns (one
//! command sequence from many addresses, [`Store::campaigns`]) and the attack funnel
//! ([`Store::funnel`]).
//!
//! # Design
//! - Top-N reads the hourly `tallies` and their all-time sums that the writer keeps (the
//!   `top` module), never the events. A window is whole hours: the hour holding `since_us`
//!   counts in full.
//! - Campaigns and the funnel aggregate `sessions` (one row per session), filtered on
//!   `started_us` (index `sessions_started`); campaigns use `sessions_command_hash`.
//! - `SUM` is cast to `BIGINT`: PostgreSQL sums a `BIGINT` column as `NUMERIC`, which the
//!   `Any` driver does not decode.

use std::fmt;
use std::str::FromStr;

use miragepot_event::SessionId;
use sqlx::Row;
use uuid::Uuid;

use super::count;
use super::filter::{Param, Sql};
use crate::stage::{PERSISTENCE, at_or_after};
use crate::write::tally::kind;
use crate::{Store, StoreError};

/// The most rows one [`Store::top`] or [`Store::campaigns`] call returns.
pub const MAX_TOP: u32 = 500;

/// What a top-N panel ranks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TopKind {
    /// Usernames tried (`auth_attempt`).
    Usernames,
    /// Passwords tried.
    Passwords,
    /// Username and password pairs tried (`value2` is the password).
    Pairs,
    /// Command lines (`command_input`, trimmed, first 512 bytes).
    Commands,
    /// Attacker addresses (`session_start`).
    SrcIps,
    /// Client HASSH fingerprints (`client_kex`).
    Hassh,
    /// Client identification lines (`client_version`).
    ClientVersions,
    /// Download URLs (`download`).
    DownloadUrls,
    /// SHA-256 of downloaded files (`download` events that carry one).
    DownloadHashes,
    /// ATT&CK techniques (`value2` is the technique's name).
    Techniques,
}

impl TopKind {
    /// Every kind, in the order above.
    pub fn all() -> [TopKind; 10] {
        [
            TopKind::Usernames,
            TopKind::Passwords,
            TopKind::Pairs,
            TopKind::Commands,
            TopKind::SrcIps,
            TopKind::Hassh,
            TopKind::ClientVersions,
            TopKind::DownloadUrls,
            TopKind::DownloadHashes,
            TopKind::Techniques,
        ]
    }

    /// The stable name (`usernames`, `src_ips`, ...), for URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            TopKind::Usernames => "usernames",
            TopKind::Passwords => "passwords",
            TopKind::Pairs => "pairs",
            TopKind::Commands => "commands",
            TopKind::SrcIps => "src_ips",
            TopKind::Hassh => "hassh",
            TopKind::ClientVersions => "client_versions",
            TopKind::DownloadUrls => "download_urls",
            TopKind::DownloadHashes => "download_hashes",
            TopKind::Techniques => "techniques",
        }
    }

    /// The `tallies.kind` it reads.
    pub(crate) fn tally_kind(self) -> &'static str {
        match self {
            TopKind::Usernames => kind::USERNAME,
            TopKind::Passwords => kind::PASSWORD,
            TopKind::Pairs => kind::PAIR,
            TopKind::Commands => kind::COMMAND,
            TopKind::SrcIps => kind::SRC_IP,
            TopKind::Hassh => kind::HASSH,
            TopKind::ClientVersions => kind::CLIENT_VERSION,
            TopKind::DownloadUrls => kind::DOWNLOAD_URL,
            TopKind::DownloadHashes => kind::DOWNLOAD_SHA256,
            TopKind::Techniques => kind::TECHNIQUE,
        }
    }
}

impl fmt::Display for TopKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TopKind {
    type Err = StoreError;

    /// Parses [`TopKind::as_str`]'s names.
    fn from_str(s: &str) -> Result<TopKind, StoreError> {
        TopKind::all()
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| StoreError::UnknownTopKind {
                name: s.chars().take(64).collect(),
            })
    }
}

/// One ranked value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopRow {
    /// The value (a username, a command line, ...).
    pub value: String,
    /// The second value for pairs (the password) and techniques (the name); else empty.
    pub value2: String,
    /// How many times it was seen.
    pub count: u64,
}

/// One command sequence run from more than one address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Campaign {
    /// The sessions' `command_hash`.
    pub command_hash: String,
    /// Sessions that ran it.
    pub sessions: u64,
    /// Distinct addresses they came from.
    pub ips: u64,
    /// The first and last session start (unix microseconds).
    pub first_us: i64,
    /// See `first_us`.
    pub last_us: i64,
    /// One of the sessions (the smallest id: the earliest-started, ids being UUIDv7).
    pub sample: SessionId,
}

/// How far the window's sessions got, step by step (each step counts sessions).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Funnel {
    /// Sessions (accepted connections).
    pub connected: u64,
    /// ... that tried to log in.
    pub tried_login: u64,
    /// ... that logged in.
    pub logged_in: u64,
    /// ... that ran at least one command.
    pub ran_commands: u64,
    /// ... that downloaded something.
    pub downloaded: u64,
    /// ... that touched a honeytoken.
    pub touched_token: u64,
    /// ... whose furthest stage is persistence or later in kill-chain order.
    pub persisted: u64,
}

const CAMPAIGNS_HEAD: &str = "SELECT command_hash, COUNT(*) AS sessions, \
    COUNT(DISTINCT src_ip) AS ips, MIN(started_us) AS first_us, MAX(started_us) AS last_us, \
    MIN(session) AS sample FROM sessions WHERE command_hash IS NOT NULL";
const CAMPAIGNS_TAIL: &str = " GROUP BY command_hash HAVING COUNT(DISTINCT src_ip) > 1 \
    ORDER BY ips DESC, sessions DESC, last_us DESC, command_hash ASC LIMIT ";

impl Store {
    /// Command sequences (`command_hash`) run from more than one address by sessions
    /// started since `since_us` (all time when `None`): most addresses first, then most
    /// sessions, at most `limit` (capped at [`MAX_TOP`]).
    pub async fn campaigns(
        &self,
        since_us: Option<i64>,
        limit: u32,
    ) -> Result<Vec<Campaign>, StoreError> {
        const OP: &str = "campaigns";
        let mut sql = Sql::new(CAMPAIGNS_HEAD);
        if let Some(us) = since_us {
            sql.push(" AND started_us >= ").param(Param::Int(us));
        }
        sql.push(CAMPAIGNS_TAIL)
            .param(Param::Int(i64::from(limit.min(MAX_TOP))));
        let rows = sql
            .query()
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::query(OP))?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let decoded = (|| {
                let sample: String = row.try_get("sample").ok()?;
                Some(Campaign {
                    command_hash: row.try_get("command_hash").ok()?,
                    sessions: count(row, "sessions"),
                    ips: count(row, "ips"),
                    first_us: row.try_get("first_us").ok()?,
                    last_us: row.try_get("last_us").ok()?,
                    sample: SessionId(Uuid::parse_str(&sample).ok()?),
                })
            })();
            match decoded {
                Some(c) => out.push(c),
                None => self.skip_row(OP, "?", &"not a valid campaign row"),
            }
        }
        Ok(out)
    }

    /// The attack funnel of the sessions started since `since_us` (all time when `None`).
    pub async fn funnel(&self, since_us: Option<i64>) -> Result<Funnel, StoreError> {
        const OP: &str = "funnel";
        let step = |cond: &str, name: &str| {
            format!(
                "CAST(COALESCE(SUM(CASE WHEN {cond} THEN 1 ELSE 0 END), 0) AS BIGINT) AS {name}, "
            )
        };
        let mut sql = Sql::new("SELECT COUNT(*) AS connected, ");
        sql.push(&step("auth_attempts > 0", "tried_login"))
            .push(&step("login_success <> 0", "logged_in"))
            .push(&step("commands > 0", "ran_commands"))
            .push(&step("downloads > 0", "downloaded"))
            .push(&step("tokens > 0", "touched_token"))
            .push("CAST(COALESCE(SUM(CASE WHEN stage IN (");
        for (i, stage) in at_or_after(PERSISTENCE).enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.param(Param::Text(stage.to_owned()));
        }
        sql.push(") THEN 1 ELSE 0 END), 0) AS BIGINT) AS persisted FROM sessions");
        if let Some(us) = since_us {
            sql.push(" WHERE started_us >= ").param(Param::Int(us));
        }
        let row = sql
            .query()
            .fetch_one(&self.pool)
            .await
            .map_err(StoreError::query(OP))?;
        Ok(Funnel {
            connected: count(&row, "connected"),
            tried_login: count(&row, "tried_login"),
            logged_in: count(&row, "logged_in"),
            ran_commands: count(&row, "ran_commands"),
            downloaded: count(&row, "downloaded"),
            touched_token: count(&row, "touched_token"),
            persisted: count(&row, "persisted"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_kind_names_round_trip() {
        for k in TopKind::all() {
            assert_eq!(k.as_str().parse::<TopKind>().unwrap(), k);
            assert_eq!(k.to_string(), k.as_str());
        }
        assert!(matches!(
            "nope".parse::<TopKind>(),
            Err(StoreError::UnknownTopKind { .. })
        ));
    }
}
