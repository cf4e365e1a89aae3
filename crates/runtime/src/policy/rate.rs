//! A per-address token bucket for the connection rate (`limits.connections_per_ip_per_sec`
//! with `limits.connection_burst`).
//!
//! The bucket starts full (`burst` tokens) and refills at `per_sec`; a connection takes one
//! token or is refused. It is a few bytes of the address's `IpState`, so a flood from many
//! addresses costs no more than the state the policy already bounds. We do not use the
//! `governor` crate: one `f64` and an `Instant` per address is all this needs, and
//! governor's keyed limiter would bring a concurrent map and a clock crate with it.

use std::time::Instant;

/// A bucket's settings. `per_sec` of 0 turns the limit off.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateConfig {
    /// Tokens added per second.
    pub per_sec: f64,
    /// Bucket size: connections allowed in a burst.
    pub burst: u32,
}

impl RateConfig {
    /// Whether the limit is on.
    pub fn enabled(&self) -> bool {
        self.per_sec > 0.0 && self.burst > 0
    }
}

/// One address's bucket.
#[derive(Debug, Clone, Copy)]
pub struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    /// A full bucket at `now`.
    pub fn full(cfg: &RateConfig, now: Instant) -> Bucket {
        Bucket {
            tokens: f64::from(cfg.burst),
            at: now,
        }
    }

    /// Takes one token at `now`; false when the bucket is empty (the connection is refused).
    pub fn take(&mut self, cfg: &RateConfig, now: Instant) -> bool {
        if !cfg.enabled() {
            return true;
        }
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.at = now;
        self.tokens = (self.tokens + elapsed * cfg.per_sec).min(f64::from(cfg.burst));
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_burst_then_the_refill_rate() {
        let cfg = RateConfig {
            per_sec: 2.0,
            burst: 3,
        };
        let t0 = Instant::now();
        let mut b = Bucket::full(&cfg, t0);
        assert!((0..3).all(|_| b.take(&cfg, t0)));
        assert!(!b.take(&cfg, t0), "the burst is spent");
        assert!(!b.take(&cfg, t0 + Duration::from_millis(400)));
        assert!(
            b.take(&cfg, t0 + Duration::from_millis(600)),
            "one token after 0.5 s"
        );
        assert!(!b.take(&cfg, t0 + Duration::from_millis(700)));
        // A long pause refills up to the burst, not beyond.
        let later = t0 + Duration::from_secs(60);
        assert!((0..3).all(|_| b.take(&cfg, later)));
        assert!(!b.take(&cfg, later));
    }

    #[test]
    fn zero_rate_is_off() {
        let cfg = RateConfig {
            per_sec: 0.0,
            burst: 0,
        };
        let t0 = Instant::now();
        let mut b = Bucket::full(&cfg, t0);
        assert!((0..1000).all(|_| b.take(&cfg, t0)));
    }
}
