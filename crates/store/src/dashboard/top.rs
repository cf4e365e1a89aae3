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
//! - A window that misses at most [`SCAN_ROWS`] rows of all time (a week of a sensor that
//!   has run for a week and an hour, or a month under a month's retention): each all-time
//!   leader's window count is its total less its count before the window, summed once
//!   from those few rows; the leaders are read in all-time order until the `limit`-th
//!   best window count is above the next leader's total (up to [`COMPLEMENT_MAX`]).
//! - A longer window: the threshold algorithm (Fagin et al.) over the all-time leaders. A
//!   value's count in the window is at most its all-time count, so the leaders are taken in
//!   all-time order, [`ROUNDS`] at a time, and each one's window count is summed from its
//!   own hours (index `tallies_value`). Once the `limit`-th best window count is above the
//!   all-time count of the next leader not yet looked at, no later value can enter: the
//!   answer is exact. When the window's leaders are not the all-time ones (a short window,
//!   a new campaign, or a flat head such as password pairs) it may not settle; then the
//!   window's hours are summed in full.
//! - A round reads about (leaders x window hours) rows, the full sum the window's rows, so
//!   a round is only tried while it costs under half the sum: the window's rows are
//!   estimated from where its [`SCAN_ROWS`]-th row falls (one index probe). Without that,
//!   an unsettled week of pairs paid both rounds and then the sum anyway.
//! - The full sum reads the window's range of the primary key (on SQLite the table itself,
//!   WITHOUT ROWID since migration 8, so the counts come with the keys) and groups in a
//!   temporary b-tree. SQLite's planner would rather walk `tallies_value` in group order and filter
//!   the hours, which reads every hour of the kind: `GROUP BY +value` rules that out
//!   (2 to 5 times faster over a week of a month's data).
//! - Ties rank by value, then value2, in byte order (every path sorts in Rust).

use std::cmp::Reverse;
use std::collections::HashMap;

use sqlx::Row;
use sqlx::any::AnyRow;

use super::analytics::{MAX_TOP, TopKind, TopRow};
use super::count;
use super::filter::{Param, Sql};
use crate::write::tally::HOUR_US;
use crate::{Backend, Store, StoreError};

/// Leaders looked at after each round of the threshold search (at least twice the limit);
/// a round is only tried while its cost is under half the full sum's (see the module doc).
const ROUNDS: [usize; 2] = [24, 192];
/// A window with at most this many tally rows is summed in full (cheaper than searching).
const SCAN_ROWS: u64 = 20_000;
/// [`SCAN_ROWS`] as a SQL parameter.
const SCAN_ROWS_SQL: i64 = SCAN_ROWS.cast_signed();
/// The most all-time leaders the complement path reads before giving up.
const COMPLEMENT_MAX: usize = 16_384;
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
        let shape = self.window_shape(kind, hour).await?;
        if shape.first.is_none_or(|first| first >= hour) {
            // The window holds every hour tallied: it is all time.
            return self.leaders(kind, limit).await;
        }
        let rows = shape.estimated_rows(hour);
        if rows.is_some()
            && shape.before <= SCAN_ROWS
            && let Some(found) = self.top_by_complement(kind, hour, limit).await?
        {
            return Ok(found);
        }
        if let Some(rows) = rows
            && let Some(found) = self
                .top_from_leaders(kind, hour, limit, rows, shape.hours(hour))
                .await?
        {
            return Ok(found);
        }
        self.top_from_hours(kind, hour, limit).await
    }

    /// The first and last hours tallied for `kind`, and the hour of its [`SCAN_ROWS`]-th
    /// tally row from `hour` on (`None`: the window has fewer), all from the primary key.
    async fn window_shape(&self, kind: &str, hour: i64) -> Result<Shape, StoreError> {
        let mut sql = Sql::new("SELECT (SELECT MIN(hour) FROM tallies WHERE kind = ");
        sql.param(Param::Text(kind.to_owned()))
            .push(") AS first, (SELECT MAX(hour) FROM tallies WHERE kind = ")
            .param(Param::Text(kind.to_owned()))
            .push(") AS last, (SELECT hour FROM tallies WHERE kind = ")
            .param(Param::Text(kind.to_owned()))
            .push(" AND hour >= ")
            .param(Param::Int(hour))
            .push(" ORDER BY hour LIMIT 1 OFFSET ")
            .param(Param::Int(SCAN_ROWS_SQL - 1))
            .push(") AS nth, (SELECT COUNT(*) FROM (SELECT 1 FROM tallies WHERE kind = ")
            .param(Param::Text(kind.to_owned()))
            .push(" AND hour < ")
            .param(Param::Int(hour))
            .push(" LIMIT ")
            .param(Param::Int(SCAN_ROWS_SQL + 1))
            .push(") b) AS before");
        let row = sql
            .query()
            .fetch_one(&self.pool)
            .await
            .map_err(StoreError::query("top_window"))?;
        let hour_of = |col: &str| row.try_get::<Option<i64>, _>(col).ok().flatten();
        Ok(Shape {
            first: hour_of("first"),
            last: hour_of("last"),
            nth: hour_of("nth"),
            before: count(&row, "before"),
        })
    }

    /// A window missing only a few rows of all time: each leader's window count is its
    /// all-time count less its count before the window (summed once, at most
    /// [`SCAN_ROWS`] rows), and the leaders are read in all-time order until the
    /// `limit`-th best window count is above the next leader's all-time count. `None` when
    /// that needs more than [`COMPLEMENT_MAX`] leaders.
    async fn top_by_complement(
        &self,
        kind: &str,
        hour: i64,
        limit: usize,
    ) -> Result<Option<Vec<TopRow>>, StoreError> {
        let before: HashMap<(String, String), u64> = self
            .sum_hours(kind, " < ", hour, None)
            .await?
            .into_iter()
            .map(|r| ((r.value, r.value2), r.count))
            .collect();
        let mut want = limit.saturating_mul(4).max(64);
        while want <= COMPLEMENT_MAX {
            let leaders = self.leaders(kind, want.saturating_add(1)).await?;
            let found = ranked(
                leaders
                    .iter()
                    .take(want)
                    .map(|l| TopRow {
                        count: l.count.saturating_sub(
                            before
                                .get(&(l.value.clone(), l.value2.clone()))
                                .copied()
                                .unwrap_or(0),
                        ),
                        ..l.clone()
                    })
                    .filter(|r| r.count > 0)
                    .collect(),
            );
            if settled(&found, &leaders, want, limit) {
                let mut found = found;
                found.truncate(limit);
                return Ok(Some(found));
            }
            want = want.saturating_mul(4);
        }
        Ok(None)
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

    /// The threshold search; `None` when it did not settle within the [`ROUNDS`] that cost
    /// less than half of summing the window's (about) `rows` rows over `hours` hours.
    async fn top_from_leaders(
        &self,
        kind: &str,
        hour: i64,
        limit: usize,
        rows: u64,
        hours: u64,
    ) -> Result<Option<Vec<TopRow>>, StoreError> {
        let mut found: Vec<TopRow> = Vec::new();
        let mut looked = 0usize;
        for round in ROUNDS {
            let want = round.max(limit.saturating_mul(2));
            let cost = u64::try_from(want)
                .unwrap_or(u64::MAX)
                .saturating_mul(hours);
            if cost.saturating_mul(2) > rows {
                break;
            }
            // One more than asked: the next leader's all-time count is the threshold.
            let leaders = self.leaders(kind, want.saturating_add(1)).await?;
            let fresh = leaders.get(looked..want.min(leaders.len())).unwrap_or(&[]);
            for chunk in fresh.chunks(LOOKUP_CHUNK) {
                found.extend(self.window_counts(kind, hour, chunk).await?);
            }
            looked = want.min(leaders.len());
            found = ranked(found);
            if settled(&found, &leaders, want, limit) {
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
        Ok(ranked(
            self.sum_hours(kind, " >= ", hour, Some(limit)).await?,
        ))
    }

    /// Each value's count over the hours `cmp` (`" >= "` or `" < "`, a constant) `hour`,
    /// most frequent first when `limit` keeps only the first ones (unordered otherwise).
    /// One read of that range of the primary key.
    async fn sum_hours(
        &self,
        kind: &str,
        cmp: &'static str,
        hour: i64,
        limit: Option<usize>,
    ) -> Result<Vec<TopRow>, StoreError> {
        let mut sql = Sql::new(
            "SELECT value, value2, CAST(SUM(n) AS BIGINT) AS c FROM tallies WHERE kind = ",
        );
        sql.param(Param::Text(kind.to_owned()))
            .push(" AND hour")
            .push(cmp)
            .param(Param::Int(hour))
            .push(match self.backend() {
                // `+value`: group in a temporary b-tree, not by walking `tallies_value`.
                Backend::Sqlite => " GROUP BY +value, value2",
                Backend::Postgres => " GROUP BY value, value2",
            });
        if let Some(limit) = limit {
            sql.push(" ORDER BY c DESC, value ASC, value2 ASC LIMIT ")
                .param(Param::Int(i64::try_from(limit).unwrap_or(i64::MAX)));
        }
        let rows = sql
            .query()
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::query("top_hours"))?;
        Ok(rows.iter().filter_map(top_row).collect())
    }
}

/// Where a kind's tally rows lie, for choosing how to rank a window.
#[derive(Debug, Clone, Copy)]
struct Shape {
    /// The first hour tallied.
    first: Option<i64>,
    /// The last hour tallied.
    last: Option<i64>,
    /// The hour of the window's [`SCAN_ROWS`]-th row (`None`: the window has fewer rows).
    nth: Option<i64>,
    /// Rows before the window, counted up to [`SCAN_ROWS`] + 1.
    before: u64,
}

impl Shape {
    /// Hours from `hour` to the last hour tallied (at least 1).
    fn hours(&self, hour: i64) -> u64 {
        let last = self.last.unwrap_or(hour);
        u64::try_from(last.saturating_sub(hour).saturating_add(1))
            .unwrap_or(1)
            .max(1)
    }

    /// About how many tally rows the window from `hour` holds, extrapolated from its first
    /// [`SCAN_ROWS`]; `None` when it holds fewer (then summing it is cheap).
    fn estimated_rows(&self, hour: i64) -> Option<u64> {
        let nth = self.nth?;
        let head = u64::try_from(nth.saturating_sub(hour).saturating_add(1))
            .unwrap_or(1)
            .max(1);
        Some(
            SCAN_ROWS
                .saturating_mul(self.hours(hour))
                .checked_div(head)
                .unwrap_or(SCAN_ROWS)
                .max(SCAN_ROWS),
        )
    }
}

/// Whether `found` (ranked window counts of the first `want` of `leaders`) holds the
/// window's top `limit`: every value was looked at, or the `limit`-th best count is above
/// the all-time count of the next leader, which bounds every value not looked at.
fn settled(found: &[TopRow], leaders: &[TopRow], want: usize, limit: usize) -> bool {
    match leaders.get(want) {
        None => true,
        Some(next) => found
            .get(limit.saturating_sub(1))
            .is_some_and(|last| last.count > next.count),
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

    /// The window's rows are extrapolated from where its SCAN_ROWS-th row falls.
    #[test]
    fn window_rows_are_extrapolated() {
        let shape = Shape {
            first: Some(0),
            last: Some(99),
            nth: Some(9),
            before: 0,
        };
        assert_eq!(shape.hours(0), 100);
        assert_eq!(shape.estimated_rows(0), Some(SCAN_ROWS * 10));
        assert_eq!(shape.estimated_rows(9), Some(SCAN_ROWS * 91));
        let small = Shape { nth: None, ..shape };
        assert_eq!(small.estimated_rows(0), None, "fewer rows than SCAN_ROWS");
        assert_eq!(small.hours(200), 1, "a window past the last hour");
    }

    /// The threshold search and the complement, when they settle, give what summing the
    /// window's hours gives, over a skewed head, a burst of new values in the last hours and a long tail.
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
        let (mut settled, mut complements) = (0, 0);
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
                .top_from_leaders("username", hour, limit, u64::MAX, 1)
                .await
                .unwrap()
            {
                assert_eq!(found, full, "window from hour {from}, top {limit}");
                settled += 1;
            }
            if let Some(found) = store
                .top_by_complement("username", hour, limit)
                .await
                .unwrap()
            {
                assert_eq!(found, full, "complement from hour {from}, top {limit}");
                complements += 1;
            }
        }
        assert!(settled >= 4, "the search settled {settled} times");
        assert!(
            complements >= 4,
            "the complement settled {complements} times"
        );
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
