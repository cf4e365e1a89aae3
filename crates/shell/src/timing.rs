//! Pacing as persona data: how long the fake box takes to answer a command line.
//!
//! A real server never answers in zero time: a command line costs a few milliseconds of
//! fork/exec, and a download costs its transfer time. The shell adds the persona's jittered
//! per-line cost to [`crate::Step::pace_ms`] next to what the commands simulated
//! (`SysState::pace_ms`, e.g. `wget`), and the runtime waits that long before it sends the
//! output (asynchronously, when `shell.pacing` is on). Tests switch pacing off in config.

use crate::commands::Rng;

/// Timing facts of a persona.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// Least time a command line takes, in milliseconds.
    pub line_min_ms: u64,
    /// Most time a command line takes (before what its commands simulate), in milliseconds.
    pub line_max_ms: u64,
    /// Cap on the total delay of one line, however much its commands simulated, so that a
    /// paced line can never hold a session for long.
    pub line_cap_ms: u64,
}

impl Timing {
    /// A small Debian VM: 2–12 ms per line, at most 3 s however much is downloaded (bots and
    /// scanners time out; a line must never hold a session longer than that).
    pub const DEBIAN12: Timing = Timing {
        line_min_ms: 2,
        line_max_ms: 12,
        line_cap_ms: 3_000,
    };

    /// The delay for one line whose commands simulated `simulated_ms`: the jittered base cost
    /// plus the simulation, capped.
    pub fn line_delay(&self, simulated_ms: u64, rng: &mut Rng) -> u64 {
        let span = self.line_max_ms.saturating_sub(self.line_min_ms);
        let base = self
            .line_min_ms
            .saturating_add(rng.below(span.saturating_add(1)));
        base.saturating_add(simulated_ms).min(self.line_cap_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_stay_in_band_and_respect_the_cap() {
        let t = Timing::DEBIAN12;
        let mut rng = Rng::new(3);
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..200 {
            let d = t.line_delay(0, &mut rng);
            assert!((t.line_min_ms..=t.line_max_ms).contains(&d), "{d}");
            seen.insert(d);
        }
        assert!(seen.len() > 3, "jittered: {seen:?}");
        let d = t.line_delay(1_000, &mut rng);
        assert!((1_002..=1_012).contains(&d), "{d}");
        assert_eq!(t.line_delay(u64::MAX, &mut rng), t.line_cap_ms);
    }
}
