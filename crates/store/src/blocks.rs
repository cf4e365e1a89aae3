//! The blocklist table (addresses the access policy refuses at accept time) and the
//! retention job ([`Store::purge_before`]).
//!
//! One row per address (`ip` is the primary key, so blocking again replaces the row). A
//! row whose `expires_us` has passed is no longer active: reads skip it and
//! [`Store::purge_expired_blocks`] deletes it. Rows that fail to decode (a hand-edited
//! address) are skipped and counted like bad event rows, never a panic.

use std::net::IpAddr;

use sqlx::Row;
use time::OffsetDateTime;

use crate::write::{from_micros, micros};
use crate::{Store, StoreError};

/// One stored block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockRow {
    /// The blocked address.
    pub ip: IpAddr,
    /// What made it: `strikes`, `profile` or `operator`.
    pub source: String,
    /// Why, in words (`5 failed logins`, `profile: brute_forcer`, the operator's note).
    pub reason: String,
    /// When the block was made.
    pub created: OffsetDateTime,
    /// When it lapses; `None` lasts until unblocked.
    pub expires: Option<OffsetDateTime>,
}

impl BlockRow {
    /// Whether the block is in force at `now`.
    pub fn active_at(&self, now: OffsetDateTime) -> bool {
        self.expires.is_none_or(|e| e > now)
    }
}

const UPSERT_BLOCK: &str = "INSERT INTO blocks (ip, source, reason, created_us, expires_us) \
    VALUES ($1, $2, $3, $4, $5) ON CONFLICT (ip) DO UPDATE SET source = excluded.source, \
    reason = excluded.reason, created_us = excluded.created_us, expires_us = excluded.expires_us";
const DELETE_BLOCK: &str = "DELETE FROM blocks WHERE ip = $1";
const ACTIVE_BLOCKS: &str = "SELECT ip, source, reason, created_us, expires_us FROM blocks \
    WHERE expires_us IS NULL OR expires_us > $1 ORDER BY created_us, ip";
const PURGE_BLOCKS: &str = "DELETE FROM blocks WHERE expires_us IS NOT NULL AND expires_us <= $1";

impl Store {
    /// Stores `block`, replacing any block of the same address.
    pub async fn put_block(&self, block: &BlockRow) -> Result<(), StoreError> {
        sqlx::query(UPSERT_BLOCK)
            .bind(block.ip.to_string())
            .bind(block.source.clone())
            .bind(block.reason.clone())
            .bind(micros(block.created))
            .bind(block.expires.map(micros))
            .execute(&self.pool)
            .await
            .map_err(StoreError::query("put_block"))?;
        Ok(())
    }

    /// Removes the block of `ip`; returns whether there was one.
    pub async fn delete_block(&self, ip: IpAddr) -> Result<bool, StoreError> {
        let done = sqlx::query(DELETE_BLOCK)
            .bind(ip.to_string())
            .execute(&self.pool)
            .await
            .map_err(StoreError::query("delete_block"))?;
        Ok(done.rows_affected() > 0)
    }

    /// The blocks in force at `now`, oldest first.
    pub async fn active_blocks(&self, now: OffsetDateTime) -> Result<Vec<BlockRow>, StoreError> {
        const OP: &str = "active_blocks";
        let rows = sqlx::query(ACTIVE_BLOCKS)
            .bind(micros(now))
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::query(OP))?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            match decode(row) {
                Some(b) => out.push(b),
                None => {
                    let key = row.try_get::<String, _>("ip").unwrap_or_default();
                    self.skip_row(OP, &key, &"not a valid block row");
                }
            }
        }
        Ok(out)
    }

    /// Deletes the blocks that lapsed by `now`; returns how many.
    pub async fn purge_expired_blocks(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        let done = sqlx::query(PURGE_BLOCKS)
            .bind(micros(now))
            .execute(&self.pool)
            .await
            .map_err(StoreError::query("purge_expired_blocks"))?;
        Ok(done.rows_affected())
    }
}

fn decode(row: &sqlx::any::AnyRow) -> Option<BlockRow> {
    let ip: String = row.try_get("ip").ok()?;
    let expires: Option<i64> = row.try_get("expires_us").ok()?;
    Some(BlockRow {
        ip: ip.parse().ok()?,
        source: row.try_get("source").ok()?,
        reason: row.try_get("reason").ok()?,
        created: from_micros(row.try_get("created_us").ok()?)?,
        expires: match expires {
            Some(us) => Some(from_micros(us)?),
            None => None,
        },
    })
}

/// Rows deleted per statement by [`Store::purge_before`]: short transactions, so the writer
/// is never held up for long.
const PURGE_CHUNK: i64 = 5000;
const PURGE_EVENTS: &str = "DELETE FROM events WHERE id IN \
    (SELECT id FROM events WHERE ts_us < $1 LIMIT $2)";
const PURGE_SESSIONS: &str = "DELETE FROM sessions WHERE session IN \
    (SELECT session FROM sessions WHERE started_us < $1 AND ended_us IS NOT NULL LIMIT $2)";
/// Tags whose session is gone (only stored sessions can be tagged).
const PURGE_TAGS: &str =
    "DELETE FROM session_tags WHERE session NOT IN (SELECT session FROM sessions)";
/// The all-time sums lose what the purged hours (before the cutoff's hour) counted ...
const PURGE_TOTALS: &str = "UPDATE tally_totals SET n = n - (SELECT SUM(t.n) FROM tallies t \
    WHERE t.kind = tally_totals.kind AND t.value = tally_totals.value \
    AND t.value2 = tally_totals.value2 AND t.hour < $1) \
    WHERE EXISTS (SELECT 1 FROM tallies t WHERE t.kind = tally_totals.kind \
    AND t.value = tally_totals.value AND t.value2 = tally_totals.value2 AND t.hour < $1)";
/// ... values left with nothing go ...
const PURGE_EMPTY_TOTALS: &str = "DELETE FROM tally_totals WHERE n <= 0";
/// ... and so do those hours' tallies (all three in one transaction).
const PURGE_TALLIES: &str = "DELETE FROM tallies WHERE hour < $1";

impl Store {
    /// The retention job: deletes events older than `cutoff`, and the summaries of sessions
    /// that started before it and have ended, in chunks, then those sessions' tags and the
    /// tallies of the hours wholly before `cutoff` (and their share of the all-time sums).
    /// Returns (events, sessions) deleted.
    pub async fn purge_before(&self, cutoff: OffsetDateTime) -> Result<(u64, u64), StoreError> {
        let mut totals = (0u64, 0u64);
        for (sql, total) in [
            (PURGE_EVENTS, &mut totals.0),
            (PURGE_SESSIONS, &mut totals.1),
        ] {
            loop {
                let done = sqlx::query(sql)
                    .bind(micros(cutoff))
                    .bind(PURGE_CHUNK)
                    .execute(&self.pool)
                    .await
                    .map_err(StoreError::query("purge_before"))?;
                *total += done.rows_affected();
                if done.rows_affected() < PURGE_CHUNK as u64 {
                    break;
                }
            }
        }
        sqlx::query(PURGE_TAGS)
            .execute(&self.pool)
            .await
            .map_err(StoreError::query("purge_before"))?;
        let hour = micros(cutoff).div_euclid(crate::write::tally::HOUR_US);
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(StoreError::query("purge_before"))?;
        for sql in [PURGE_TOTALS, PURGE_EMPTY_TOTALS, PURGE_TALLIES] {
            let q = sqlx::query(sql);
            let q = if sql == PURGE_EMPTY_TOTALS {
                q
            } else {
                q.bind(hour)
            };
            q.execute(&mut *tx)
                .await
                .map_err(StoreError::query("purge_before"))?;
        }
        tx.commit()
            .await
            .map_err(StoreError::query("purge_before"))?;
        Ok(totals)
    }
}
