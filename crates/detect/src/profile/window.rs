//! Bounded counters for the behaviour profiles: sliding-window buckets, a ring of recent
//! times and capped distinct-value tallies.
//!
//! Nothing here grows with the number of events. [`Windows`] keeps three tiers of buckets
//! (5 s buckets over the last minute, 1 min over the last hour, 1 h over the last day), so a
//! window count is exact up to one bucket at its old edge: a bucket counts when any part of
//! it lies inside the window. [`Recent`] keeps the last few timestamps for gaps and rates,
//! and [`Tally`] counts at most `cap` distinct values, then counts the rest as overflow.

use std::collections::VecDeque;

/// Counts of one bucket (or the sum of a window).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Login attempts (any method but `none`).
    pub attempts: u32,
    /// Failed login attempts.
    pub failures: u32,
    /// Sessions started.
    pub sessions: u32,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.attempts = self.attempts.saturating_add(other.attempts);
        self.failures = self.failures.saturating_add(other.failures);
        self.sessions = self.sessions.saturating_add(other.sessions);
    }
}

/// The three windows, in the order of `IpAssessment.attempts`: 1 minute, 1 hour, 1 day.
pub const WINDOW_SECS: [i64; 3] = [60, 3_600, 86_400];

/// Bucket width of each tier, in seconds.
const BUCKET_SECS: [i64; 3] = [5, 60, 3_600];

/// One tier: buckets of `width` seconds covering `span` seconds before the latest event.
#[derive(Debug, Clone)]
struct Tier {
    width: i64,
    span: i64,
    /// `(bucket index = start / width, counts)`, sorted by index.
    buckets: VecDeque<(i64, Counts)>,
}

impl Tier {
    fn new(width: i64, span: i64) -> Self {
        Tier {
            width,
            span,
            buckets: VecDeque::new(),
        }
    }

    fn max_buckets(&self) -> usize {
        usize::try_from(self.span / self.width + 2).unwrap_or(usize::MAX)
    }

    /// Whether bucket `key` still overlaps `(latest - span, latest]`.
    fn live(&self, key: i64, latest: i64) -> bool {
        key.saturating_add(1).saturating_mul(self.width) > latest.saturating_sub(self.span)
    }

    fn add(&mut self, ts: i64, latest: i64, delta: Counts) {
        let key = ts.div_euclid(self.width);
        if self.live(key, latest) {
            match self.buckets.binary_search_by(|(k, _)| k.cmp(&key)) {
                Ok(i) => {
                    if let Some((_, c)) = self.buckets.get_mut(i) {
                        c.add(delta);
                    }
                }
                Err(i) => self.buckets.insert(i, (key, delta)),
            }
        }
        while let Some(&(k, _)) = self.buckets.front() {
            if self.live(k, latest) && self.buckets.len() <= self.max_buckets() {
                break;
            }
            self.buckets.pop_front();
        }
    }

    /// The sum of the buckets overlapping `(now - window, now]`.
    fn sum(&self, now: i64, window: i64) -> Counts {
        let mut total = Counts::default();
        for &(key, c) in &self.buckets {
            let start = key.saturating_mul(self.width);
            let end = start.saturating_add(self.width);
            if end > now.saturating_sub(window) && start <= now {
                total.add(c);
            }
        }
        total
    }
}

/// Sliding-window counts over 1 minute, 1 hour and 1 day, bounded to about 100 buckets.
#[derive(Debug, Clone)]
pub struct Windows {
    tiers: [Tier; 3],
    latest: i64,
}

impl Default for Windows {
    fn default() -> Self {
        Windows {
            tiers: [
                Tier::new(BUCKET_SECS[0], WINDOW_SECS[0]),
                Tier::new(BUCKET_SECS[1], WINDOW_SECS[1]),
                Tier::new(BUCKET_SECS[2], WINDOW_SECS[2]),
            ],
            latest: i64::MIN,
        }
    }
}

impl Windows {
    /// Adds `delta` at `ts` (unix seconds). Events may arrive a little out of order; one
    /// older than a tier's span is left out of that tier.
    pub fn add(&mut self, ts: i64, delta: Counts) {
        self.latest = self.latest.max(ts);
        let latest = self.latest;
        for tier in &mut self.tiers {
            tier.add(ts, latest, delta);
        }
    }

    /// Counts in the last minute, hour and day before `now` (unix seconds).
    pub fn counts(&self, now: i64) -> [Counts; 3] {
        let [a, b, c] = &self.tiers;
        [
            a.sum(now, WINDOW_SECS[0]),
            b.sum(now, WINDOW_SECS[1]),
            c.sum(now, WINDOW_SECS[2]),
        ]
    }

    /// How many buckets are held (for the bound tests).
    #[cfg(test)]
    pub fn buckets(&self) -> usize {
        self.tiers.iter().map(|t| t.buckets.len()).sum()
    }
}

/// The last `cap` timestamps (milliseconds), sorted, for gaps and rates.
#[derive(Debug, Clone)]
pub struct Recent {
    cap: usize,
    times: VecDeque<i64>,
}

impl Recent {
    /// An empty ring that keeps `cap` values.
    pub fn new(cap: usize) -> Self {
        Recent {
            cap: cap.max(1),
            times: VecDeque::new(),
        }
    }

    /// Records `t`; the oldest value goes when the ring is full.
    pub fn push(&mut self, t: i64) {
        let i = self.times.partition_point(|&x| x <= t);
        self.times.insert(i, t);
        while self.times.len() > self.cap {
            self.times.pop_front();
        }
    }

    /// The values at or after `since`, oldest first.
    pub fn since(&self, since: i64) -> Vec<i64> {
        self.times.iter().copied().filter(|&t| t >= since).collect()
    }

    /// Every value held, oldest first.
    pub fn values(&self) -> Vec<i64> {
        self.times.iter().copied().collect()
    }
}

/// The median of `v` (the lower middle for an even count), `None` when empty.
pub fn median(mut v: Vec<i64>) -> Option<i64> {
    v.sort_unstable();
    let mid = v.len().checked_sub(1)? / 2;
    v.get(mid).copied()
}

/// Counts per distinct value, for at most `cap` values; later new values count as overflow.
#[derive(Debug, Clone)]
pub struct Tally<K> {
    cap: usize,
    /// Sorted by key.
    entries: Vec<(K, u32)>,
    overflow: u32,
}

impl<K: Ord> Tally<K> {
    /// An empty tally of at most `cap` distinct values.
    pub fn new(cap: usize) -> Self {
        Tally {
            cap,
            entries: Vec::new(),
            overflow: 0,
        }
    }

    /// Counts one occurrence of `key`.
    pub fn add(&mut self, key: K) {
        match self.entries.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(i) => {
                if let Some((_, n)) = self.entries.get_mut(i) {
                    *n = n.saturating_add(1);
                }
            }
            Err(i) if self.entries.len() < self.cap => self.entries.insert(i, (key, 1)),
            Err(_) => self.overflow = self.overflow.saturating_add(1),
        }
    }

    /// Distinct values seen; a lower bound once the tally is full.
    pub fn distinct(&self) -> u32 {
        let n = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
        if self.overflow > 0 {
            n.saturating_add(1)
        } else {
            n
        }
    }

    /// Occurrences of tracked values (overflow excluded).
    pub fn tracked(&self) -> u32 {
        self.entries
            .iter()
            .fold(0u32, |acc, (_, n)| acc.saturating_add(*n))
    }

    /// The `n` most frequent values, most frequent first, ties by key.
    pub fn top(&self, n: usize) -> Vec<(&K, u32)> {
        let mut v: Vec<(&K, u32)> = self.entries.iter().map(|(k, c)| (k, *c)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        v.truncate(n);
        v
    }
}

/// FNV-1a over the parts, with a separator byte between them: a stable, seedless hash, so
/// the same credentials hash the same in every run.
pub fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            h ^= 0xff;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        for b in part.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn one_attempt() -> Counts {
        Counts {
            attempts: 1,
            failures: 1,
            sessions: 0,
        }
    }

    #[test]
    fn an_attempt_two_hours_ago_counts_in_the_day_only() {
        let now = 1_700_000_000;
        let mut w = Windows::default();
        w.add(now - 7_200, one_attempt());
        w.add(now - 30, one_attempt());
        let [m, h, d] = w.counts(now);
        assert_eq!((m.attempts, h.attempts, d.attempts), (1, 1, 2));
        // A day and an hour later everything has left every window.
        let [m, h, d] = w.counts(now + 90_000);
        assert_eq!((m.attempts, h.attempts, d.attempts), (0, 0, 0));
    }

    #[test]
    fn minute_window_edges() {
        let now = 1_700_000_000; // a multiple of 5: minute buckets start on it
        let mut w = Windows::default();
        w.add(now - 55, one_attempt());
        w.add(now - 125, one_attempt());
        let [m, h, _] = w.counts(now);
        assert_eq!(m.attempts, 1);
        assert_eq!(h.attempts, 2);
        // Something after `now` is not counted at `now`.
        w.add(now + 100, one_attempt());
        assert_eq!(
            w.counts(now)[0].attempts,
            0,
            "the -55 s bucket left: latest moved"
        );
        assert_eq!(w.counts(now + 100)[0].attempts, 1);
    }

    #[test]
    fn buckets_stay_bounded_over_a_long_run() {
        let mut w = Windows::default();
        for s in 0..200_000i64 {
            w.add(1_700_000_000 + s, one_attempt());
        }
        // 13 + 61 + 25 at most, whatever the run length.
        assert!(w.buckets() <= 14 + 62 + 26, "{}", w.buckets());
        let [m, h, d] = w.counts(1_700_000_000 + 199_999);
        // Exact up to one bucket at the old edge of each window.
        assert!((60..=65).contains(&m.attempts), "{}", m.attempts);
        assert!((3_600..=3_660).contains(&h.attempts), "{}", h.attempts);
        assert!((86_400..=90_000).contains(&d.attempts), "{}", d.attempts);
    }

    #[test]
    fn out_of_order_events_land_in_their_bucket() {
        let now = 1_700_000_000;
        let mut w = Windows::default();
        w.add(now, one_attempt());
        w.add(now - 1_800, one_attempt());
        w.add(now - 100_000, one_attempt()); // older than a day: dropped
        let [m, h, d] = w.counts(now);
        assert_eq!((m.attempts, h.attempts, d.attempts), (1, 2, 2));
    }

    #[test]
    fn recent_keeps_the_newest_sorted() {
        let mut r = Recent::new(3);
        for t in [5, 1, 9, 7, 3] {
            r.push(t);
        }
        assert_eq!(r.values(), vec![5, 7, 9]);
        assert_eq!(r.since(6), vec![7, 9]);
        assert_eq!(median(vec![4, 1, 3]), Some(3));
        assert_eq!(median(vec![4, 1, 3, 2]), Some(2));
        assert_eq!(median(vec![]), None);
    }

    #[test]
    fn tally_caps_distinct_values() {
        let mut t = Tally::new(2);
        for k in ["a", "b", "a", "c", "d", "a"] {
            t.add(k);
        }
        assert_eq!(t.distinct(), 3, "two tracked plus a sign of more");
        assert_eq!(t.tracked(), 4, "c and d did not fit");
        assert_eq!(t.top(1), vec![(&"a", 3)]);
        assert_eq!(t.top(5), vec![(&"a", 3), (&"b", 1)]);
    }

    #[test]
    fn fnv_separates_parts() {
        assert_ne!(fnv1a(&["ab", "c"]), fnv1a(&["a", "bc"]));
        assert_eq!(fnv1a(&["root", "root"]), fnv1a(&["root", "root"]));
    }
}
