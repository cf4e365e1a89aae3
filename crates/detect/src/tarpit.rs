//! The tarpit: a threat score chooses a band, and the band a jittered delay.
//!
//! The default bands are MiragePot's (score < 40: none; 40–80: 1–2 s; 80–120: 2–4 s;
//! ≥ 120: 3–5 s). The delay is drawn uniformly inside the band from a random number the caller
//! passes in, so this module stays pure and tests can pin it. The runtime applies the delay as
//! a timer on the connection's task, never a sleeping thread.

use serde::Deserialize;

use crate::DetectError;

/// One band: scores from `min_score` up to the next band's `min_score` wait between
/// `min_ms` and `max_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// Lowest score of the band.
    pub min_score: u32,
    /// Shortest delay, in milliseconds.
    pub min_ms: u64,
    /// Longest delay, in milliseconds.
    pub max_ms: u64,
}

/// The bands, sorted by score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tarpit {
    bands: Vec<Band>,
}

/// A chosen delay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delay {
    /// How long to wait, in milliseconds.
    pub ms: u64,
    /// The band's lowest score.
    pub band: u32,
}

impl Default for Tarpit {
    fn default() -> Self {
        Tarpit {
            bands: vec![
                Band {
                    min_score: 40,
                    min_ms: 1000,
                    max_ms: 2000,
                },
                Band {
                    min_score: 80,
                    min_ms: 2000,
                    max_ms: 4000,
                },
                Band {
                    min_score: 120,
                    min_ms: 3000,
                    max_ms: 5000,
                },
            ],
        }
    }
}

impl Tarpit {
    /// Bands from the config: each needs `min_ms <= max_ms`, and no two may share a score.
    pub fn new(mut bands: Vec<Band>) -> Result<Tarpit, DetectError> {
        bands.sort_by_key(|b| b.min_score);
        for b in &bands {
            if b.min_ms > b.max_ms {
                return Err(DetectError::Table(format!(
                    "tarpit band at score {}: min_ms {} is above max_ms {}",
                    b.min_score, b.min_ms, b.max_ms
                )));
            }
        }
        if bands
            .windows(2)
            .any(|w| matches!(w, [a, b] if a.min_score == b.min_score))
        {
            return Err(DetectError::Table(
                "tarpit bands: two bands start at the same score".into(),
            ));
        }
        Ok(Tarpit { bands })
    }

    /// The longest delay any band gives.
    pub fn max_ms(&self) -> u64 {
        self.bands.iter().map(|b| b.max_ms).max().unwrap_or(0)
    }

    /// The delay for `score`; `unit` is a random number in `[0, 1)` that places it in the
    /// band. `None` below the first band (or for a band of zero delay).
    pub fn delay(&self, score: u32, unit: f64) -> Option<Delay> {
        let band = self.bands.iter().rev().find(|b| score >= b.min_score)?;
        let unit = if unit.is_finite() {
            unit.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let span = band.max_ms.saturating_sub(band.min_ms);
        // Truncation is the intent: a millisecond inside the band.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let extra = (span as f64 * unit) as u64;
        let ms = band.min_ms.saturating_add(extra.min(span));
        (ms > 0).then_some(Delay {
            ms,
            band: band.min_score,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_bands_match_the_seed() {
        let t = Tarpit::default();
        assert_eq!(t.delay(39, 0.5), None);
        assert_eq!(t.delay(40, 0.0), Some(Delay { ms: 1000, band: 40 }));
        assert_eq!(t.delay(79, 1.0), Some(Delay { ms: 2000, band: 40 }));
        assert_eq!(t.delay(80, 0.5), Some(Delay { ms: 3000, band: 80 }));
        assert_eq!(
            t.delay(500, 0.25),
            Some(Delay {
                ms: 3500,
                band: 120
            })
        );
        assert_eq!(t.delay(500, f64::NAN).map(|d| d.ms), Some(3000));
        assert_eq!(t.max_ms(), 5000);
    }

    #[test]
    fn jitter_stays_inside_the_band() {
        let t = Tarpit::default();
        for i in 0..100 {
            let d = t.delay(100, f64::from(i) / 100.0).unwrap();
            assert!((2000..=4000).contains(&d.ms));
        }
    }

    #[test]
    fn bad_bands_are_refused() {
        let b = |min_score, min_ms, max_ms| Band {
            min_score,
            min_ms,
            max_ms,
        };
        assert!(Tarpit::new(vec![b(10, 5, 1)]).is_err());
        assert!(Tarpit::new(vec![b(10, 1, 5), b(10, 2, 3)]).is_err());
        let t = Tarpit::new(vec![b(50, 0, 0), b(10, 100, 100)]).unwrap();
        assert_eq!(t.delay(20, 0.9), Some(Delay { ms: 100, band: 10 }));
        assert_eq!(t.delay(60, 0.9), None);
        assert_eq!(Tarpit::new(vec![]).unwrap().delay(1000, 0.5), None);
    }
}
