//! One-time jobs queued by migrations in `store_jobs` and run in Rust right after
//! migrating: what plain SQL cannot derive portably.
//!
//! `dashboard_backfill` (queued by 0004) fills the dashboard columns of the sessions stored
//! before 0004: `ip_key` from `src_ip` (parsed in Rust), then `techniques`, `stage`,
//! `downloads`, `tokens`, the summary fields and `tallies`, by replaying every stored event
//! through the writer's own derivation (`write::derive`, `write::tally`).
//!
//! # Design
//! - The whole job is ONE transaction that starts by deleting its `store_jobs` row: it is
//!   done exactly once, or not at all (a crash rolls it back and the next open redoes it),
//!   and a second sensor opening the same PostgreSQL meanwhile waits on that row, then
//!   finds nothing to do.
//! - Events are read in pages by primary key, decoded with serde; a row that does not
//!   decode is skipped and counted like any bad row.
//! - A session whose address does not parse gets `ip_key = ''`: no range holds it, and the
//!   job never revisits it.
//!
//! # Limits
//! The open that runs the job takes as long as a read of the whole event log (seconds per
//! million events); it logs what it did.

use std::collections::BTreeMap;
use std::net::IpAddr;

use miragepot_event::{Event, EventKind};
use sqlx::Row;

use crate::iprange::ip_key;
use crate::write::derive::{self, DashDelta};
use crate::write::micros;
use crate::write::tally::Tallies;
use crate::{Store, StoreError};

const JOB: &str = "dashboard_backfill";
/// Sessions per `ip_key` update.
const KEY_CHUNK: i64 = 250;
/// Events per page.
const EVENT_PAGE: i64 = 2000;

const CLAIM: &str = "DELETE FROM store_jobs WHERE name = $1";
const MISSING_KEYS: &str = "SELECT session, src_ip FROM sessions \
    WHERE ip_key IS NULL AND session > $1 ORDER BY session LIMIT $2";
const EVENTS_PAGE: &str = "SELECT id, data FROM events WHERE id > $1 ORDER BY id LIMIT $2";
const UPDATE_DASH: &str = "UPDATE sessions SET \
    techniques = CASE WHEN $2 = '' THEN techniques ELSE $2 END, \
    stage = COALESCE($3, stage), downloads = downloads + $4, tokens = tokens + $5, \
    risk_score = COALESCE($6, risk_score), risk_band = COALESCE($7, risk_band), \
    command_hash = COALESCE($8, command_hash) WHERE session = $1";

/// Runs the queued jobs (none on an up-to-date store).
pub(crate) async fn run(store: &Store) -> Result<(), StoreError> {
    const OP: &str = "backfill";
    let mut tx = store.pool.begin().await.map_err(StoreError::query(OP))?;
    let claimed = sqlx::query(CLAIM)
        .bind(JOB)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::query(OP))?;
    if claimed.rows_affected() == 0 {
        return Ok(()); // done before (or by another sensor): the rollback changes nothing
    }
    let keys = fill_ip_keys(&mut tx).await?;
    let (mut events, mut sessions) = (0u64, 0u64);
    let mut after = String::new();
    loop {
        let rows = sqlx::query(EVENTS_PAGE)
            .bind(after.clone())
            .bind(EVENT_PAGE)
            .fetch_all(&mut *tx)
            .await
            .map_err(StoreError::query(OP))?;
        let Some(Ok(last)) = rows.last().map(|r| r.try_get::<String, _>("id")) else {
            break; // the end (or an id that is not text: a hand-edited row)
        };
        after = last;
        let mut tallies = Tallies::default();
        let mut deltas: BTreeMap<String, DashDelta> = BTreeMap::new();
        for row in &rows {
            let Ok(data) = row.try_get::<String, _>("data") else {
                continue; // not text (loosely typed SQLite); reads skip and count it
            };
            let Ok(ev) = serde_json::from_str::<Event>(&data) else {
                continue;
            };
            let us = micros(ev.ts);
            tallies.add(&ev, us, &data);
            if !matches!(ev.kind, EventKind::ConnectionRefused(_)) {
                deltas
                    .entry(ev.session.to_string())
                    .or_default()
                    .fold(&ev, us);
            }
            events = events.saturating_add(1);
        }
        let dash: Vec<_> = deltas
            .into_iter()
            .filter(|(_, d)| !d.is_empty())
            .map(|(session, d)| (session.clone(), session, d))
            .collect();
        for (session, cols) in derive::resolve(&mut tx, store.backend, dash).await? {
            let done = sqlx::query(UPDATE_DASH)
                .bind(session)
                .bind(cols.techniques)
                .bind(cols.stage)
                .bind(cols.downloads)
                .bind(cols.tokens)
                .bind(cols.risk_score)
                .bind(cols.risk_band)
                .bind(cols.command_hash)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::query(OP))?;
            sessions = sessions.saturating_add(done.rows_affected());
        }
        tallies.write(&mut tx, store.backend).await?;
    }
    tx.commit().await.map_err(StoreError::query(OP))?;
    tracing::info!(ip_keys = keys, events, sessions, "dashboard backfill done");
    Ok(())
}

/// Sets `ip_key` on every session lacking it; returns how many.
async fn fill_ip_keys(conn: &mut sqlx::AnyConnection) -> Result<u64, StoreError> {
    const OP: &str = "backfill_ip_keys";
    let mut total = 0u64;
    let mut after = String::new();
    loop {
        let rows = sqlx::query(MISSING_KEYS)
            .bind(after.clone())
            .bind(KEY_CHUNK)
            .fetch_all(&mut *conn)
            .await
            .map_err(StoreError::query(OP))?;
        // UPDATE ... SET ip_key = CASE session WHEN $1 THEN $2 ... END WHERE session IN
        // ($1, $3, ...): one statement per chunk, the same on both backends.
        let mut cases = String::new();
        let mut list = String::new();
        let mut binds: Vec<String> = Vec::with_capacity(rows.len().saturating_mul(2));
        for row in &rows {
            let Ok(session) = row.try_get::<String, _>("session") else {
                continue; // not text: a hand-edited row
            };
            let key = row
                .try_get::<String, _>("src_ip")
                .ok()
                .and_then(|ip| ip.parse::<IpAddr>().ok())
                .map(ip_key)
                .unwrap_or_default();
            let n = binds.len().saturating_add(1);
            cases.push_str(&format!(" WHEN ${n} THEN ${}", n.saturating_add(1)));
            if !list.is_empty() {
                list.push_str(", ");
            }
            list.push_str(&format!("${n}"));
            after.clone_from(&session);
            binds.push(session);
            binds.push(key);
        }
        if binds.is_empty() {
            return Ok(total);
        }
        let sql = format!(
            "UPDATE sessions SET ip_key = CASE session{cases} END WHERE session IN ({list})"
        );
        // Built from numbers only: no input reaches the SQL text.
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for b in binds {
            q = q.bind(b);
        }
        let done = q.execute(&mut *conn).await.map_err(StoreError::query(OP))?;
        total = total.saturating_add(done.rows_affected());
    }
}
