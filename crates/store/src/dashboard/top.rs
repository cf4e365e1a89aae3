//! [`Store::top`]: the most frequent values of a kind in a window, from `tallies` (hourly)
//! and `tally_totals` (all time).
//!
//! # Design
//! Summing every hour of a long window costs one row per distinct value and hour, and the
//! tails are long (bots try millions of one-off passwords): a million events make a few
//! hundred thousand tally rows, about 0.2 s per kind on SQLite, for ten kinds per page.
//! So:
//! - All time, or a window that holds every hour tallied: the first rows of `tally_totals`
//!   in the `tally_totals_top` index order.
//! - A window of at most [`SCAN_ROWS`] tally rows (counted on the primary key): its hours
//!   summed in full.
//! - A longer window: the threshold algorithm (Fagin et al.) over the all-time leaders. A value's
//!   count in the window is at most its all-time count, so the leaders are taken in
//!   all-time order, [`ROUNDS`] at a time, and each one's window count is summed from its
//!   own hours (index `tallies_value`). Once the `limit`-th best window count is above the
//!   all-time count of the next leader not yet looked at, no later value can enter: the
//!   answer is exact. When the window's leaders are not the all-time ones (a short window
//!   or a new campaign) it may not settle within the rounds; then the window's hours are
//!   summed in full, which is cheap for exactly those short windows.
//! - Ties rank by value, then value2, in byte order (both paths sort in Rust).

use std::cmp::Reverse;

use sqlx::Row;
use sqlx::any::AnyRow;

use super::analytics::{MAX_TOP, TopKind, TopRow};
use super::count;
use super::filter::{Param, Sql};
use crate::write::tally::HOUR_US;
use crate::{Store, StoreError};

/// Leaders looked at after each round of the threshold search (at least twice the limit).
const ROUNDS: [usize; 2] = [24, 192];
/// A window with at most this many tally rows is summed in full (cheaper than searching).
const SCAN_ROWS: u64 = 20_000;
/// Values per window-count statement.
const LOOKUP_CHUNK: usize = 64;

impl Store {
    /// The `limit` (capped at [`MAX_TOP`]) most frequent values of `kind` since `since_us`
    /// (whole hours; all time when `None`), most frequent first (ties by value, then
    /// value2, in byte order).
    pub async fn top(
        &self,
        kind: TopKind,
        since_us: Option<i64>,
        limit: u32,
    ) -> Result<Vec<TopRow>, StoreError> {
        let limit = usize::try_from(limit.min(MAX_TOP)).unwrap_or(0);
        let kind = kind.tally_kind();
        if limit == 0 {
            return Ok(Vec::new());
        }
        let Some(us) = since_us else {
            return self.leaders(kind, limit).await;
        };
        let hour = us.div_euclid(HOUR_US);
        let (first, rows) = self.window_shape(kind, hour).await?;
        if first.is_none_or(|first| first >= hour) {
            // The window holds every hour tallied: it is all time.
            return self.leaders(kind, limit).await;
        }
        if rows > SCAN_ROWS
            && let Some(rows) = self.top_from_leaders(kind, hour, limit).await?
        {
            return Ok(rows);
        }
        self.top_from_hours(kind, hour, limit).await
    }

    /// The first hour tallied for `kind`, and the tally rows from `hour` on, counted up to
    /// [`SCAN_ROWS`] + 1 (both from the primary key's index).
    async fn window_shape(&self, kind: &str, hour: i64) -> Result<(Option<i64>, u64), StoreError> {
        let mut sql = Sql::new("SELECT (SELECT MIN(hour) FROM tallies WHERE kind = ");
        sql.param(Param::Text(kind.to_owned()))
            .push(") AS first, (SELECT COUNT(*) FROM (SELECT 1 FROM tallies WHERE kind = ")
            .param(Param::Text(kind.to_owned()))
            .push(" AND hour >= ")
            .param(Param::Int(hour))
            .push(" LIMIT ")
            .param(Param::Int(
                i64::try_from(SCAN_ROWS)
                    .unwrap_or(i64::MAX)
                    .saturating_add(1),
            ))
            .push(") w) AS c");
        let row = sql
            .query()
            .fetch_one(&self.pool)
            .await
            .map_err(StoreError::query("top_window"))?;
        Ok((
            row.try_get::<Option<i64>, _>("first").ok().flatten(),
            count(&row, "c"),
        ))
    }

    /// The first `n` values of `kind` by all-time count.
    async fn leaders(&self, kind: &str, n: usize) -> Result<Vec<TopRow>, StoreError> {
        let mut sql = Sql::new("SELECT value, value2, n AS c FROM tally_totals WHERE kind = ");
        sql.param(Param::Text(kind.to_owned()))
            .push(" ORDER BY n DESC, value ASC, value2 ASC LIMIT ")
            .param(Param::Int(i64::try_from(n).unwrap_or(i64::MAX)));
        let rows = sql
            .query()
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::query("top_leaders"))?;
        Ok(ranked(rows.iter().filter_map(top_row).collect()))
    }

    /// The threshold search; `None` when it did not settle within [`ROUNDS`].
    async fn top_from_leaders(
        &self,
        kind: &str,
        hour: i64,
        limit: usize,
    ) -> Result<Option<Vec<TopRow>>, StoreError> {
        let mut found: Vec<TopRow> = Vec::new();
        let mut looked = 0usize;
        for round in ROUNDS {
            let want = round.max(limit.saturating_mul(2));
            // One more than asked: the next leader's all-time count is the threshold.
            let leaders = self.leaders(kind, want.saturating_add(1)).await?;
            let fresh = leaders.get(looked..want.min(leaders.len())).unwrap_or(&[]);
            for chunk in fresh.chunks(LOOKUP_CHUNK) {
                found.extend(self.window_counts(kind, hour, chunk).await?);
            }
            looked = want.min(leaders.len());
            found = ranked(found);
            let settled = match leaders.get(want) {
                // Every value of the kind was looked at.
                None => true,
                Some(next) => found
                    .get(limit.saturating_sub(1))
                    .is_some_and(|last| last.count > next.count),
            };
            if settled {
                found.truncate(limit);
                return Ok(Some(found));
            }
        }
        Ok(None)
    }

    /// The window counts (since `hour`) of `values`; values not seen in it are left out.
    async fn window_counts(
        &self,
        kind: &str,
        hour: i64,
        values: &[TopRow],
    ) -> Result<Vec<TopRow>, StoreError> {
        let mut sql =
            Sql::new("SELECT value, value2, CAST(SUM(n) AS BIGINT) AS c FROM tallies WHERE ");
        for (i, v) in values.iter().enumerate() {
            sql.push(if i == 0 { "(kind = " } else { " OR (kind = " })
                .param(Param::Text(kind.to_owned()))
                .push(" AND value = ")
                .param(Param::Text(v.value.clone()))
                .push(" AND value2 = ")
                .param(Param::Text(v.value2.clone()))
                .push(" AND hour >= ")
                .param(Param::Int(hour))
                .push(")");
        }
        sql.push(" GROUP BY value, value2");
        let rows = sql
            .query()
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::query("top_window_counts"))?;
        Ok(rows
            .iter()
            .filter_map(top_row)
            .filter(|r| r.count > 0)
            .collect())
    }

    /// Every hour of the window summed: the plain way, for windows the search did not settle.
    async fn top_from_hours(
        &self,
        kind: &str,
        hour: i64,
        limit: usize,
    ) -> Result<Vec<TopRow>, StoreError> {
        let mut sql = Sql::new(
            "SELECT value, value2, CAST(SUM(n) AS BIGINT) AS c FROM tallies WHERE kind = ",
        );
        sql.param(Param::Text(kind.to_owned()))
            .push(" AND hour >= ")
            .param(Param::Int(hour))
            .push(" GROUP BY value, value2 ORDER BY c DESC, value ASC, value2 ASC LIMIT ")
            .param(Param::Int(i64::try_from(limit).unwrap_or(i64::MAX)));
        let rows = sql
            .query()
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::query("top_hours"))?;
        Ok(ranked(rows.iter().filter_map(top_row).collect()))
    }
}

fn top_row(row: &AnyRow) -> Option<TopRow> {
    Some(TopRow {
        value: row.try_get("value").ok()?,
        value2: row.try_get("value2").ok()?,
        count: count(row, "c"),
    })
}

/// `rows` most frequent first, ties by value then value2 (bytes).
fn ranked(mut rows: Vec<TopRow>) -> Vec<TopRow> {
    rows.sort_by(|a, b| {
        (Reverse(a.count), &a.value, &a.value2).cmp(&(Reverse(b.count), &b.value, &b.value2))
    });
    rows
}

#[cfg(test)]
mod tests {
    use miragepot_event::{AuthMethod, EventKind, SessionContext, SessionId};
    use time::{Duration, OffsetDateTime};

    use super::*;

    /// The threshold search, when it settles, gives what summing the window's hours gives:
    /// over a skewed head, a burst of new values in the last hours and a long tail.
    #[tokio::test]
    async fn the_threshold_search_matches_the_full_sum() {
        let store = Store::open("sqlite::memory:").await.unwrap();
        let t0 = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        let ctx = SessionContext {
            sensor: "s".into(),
            session: SessionId::new_at(t0),
            src_ip: [192, 0, 2, 1].into(),
            src_port: 1,
        };
        let mut x = 99u64;
        let mut events = Vec::new();
        for h in 0..48i64 {
            for i in 0..200i64 {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let r = (x >> 33) % 1000;
                let user = if h >= 45 && i < 40 {
                    format!("burst{}", i % 7)
                } else if r < 700 {
                    format!("p{:02}", (r * r) / 16_400)
                } else {
                    format!("tail{h:02}-{i:03}")
                };
                let ts = t0 + Duration::hours(h) + Duration::milliseconds(i);
                events.push(ctx.event(
                    ts,
                    EventKind::AuthAttempt {
                        method: AuthMethod::Password,
                        username: user,
                        password: Some("pw".into()),
                        key_fingerprint: None,
                        success: false,
                        rule: None,
                    },
                ));
            }
        }
        for chunk in events.chunks(2000) {
            store.insert_batch(chunk).await.unwrap();
        }
        let hour0 = crate::micros(t0).div_euclid(HOUR_US);
        let mut settled = 0;
        for (from, limit) in [
            (0, 10),
            (1, 10),
            (1, 40),
            (20, 10),
            (45, 10),
            (47, 5),
            (46, 400),
        ] {
            let hour = hour0 + from;
            let full = store.top_from_hours("username", hour, limit).await.unwrap();
            if let Some(found) = store
                .top_from_leaders("username", hour, limit)
                .await
                .unwrap()
            {
                assert_eq!(found, full, "window from hour {from}, top {limit}");
                settled += 1;
            }
        }
        assert!(settled >= 4, "the search settled {settled} times");
        // The tallies' window never matters when it starts before the first hour.
        let all = store
            .top(
                TopKind::Usernames,
                Some(crate::micros(t0) - HOUR_US * 5),
                10,
            )
            .await
            .unwrap();
        assert_eq!(all, store.top(TopKind::Usernames, None, 10).await.unwrap());
    }
}
