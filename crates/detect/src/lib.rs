//! Pure detectors: they read events and return new, linked detection events.
//!
//! Nothing here does I/O or reads a clock: time comes from the events, randomness (the
//! tarpit's jitter) is an argument, and the same events always give the same detections. The
//! runtime runs the detectors live, one [`SessionAnalysis`] per session; `miragepot
//! reanalyze` runs them again over stored events.
//!
//! # Layout
//! - [`normalize`]: undoes the shell obfuscation bots use (quotes, `\x` escapes, `${IFS}`,
//!   `base64 -d | sh`) so the rules see what the shell would run.
//! - [`threat`]: the additive threat score of a command line, from an operator-tunable table.
//! - [`tarpit`]: score bands to jittered delays.
//! - [`attack`]: MITRE ATT&CK technique rules and [`stage`]: the kill-chain progression.
//! - [`ioc`]: URLs, addresses, domains, file names, hashes and SSH keys, defanged.
//! - [`tokens`]: per-session decoy secrets, and the detection of their use.
//! - [`injection`]: prompt-injection patterns, checked before anything reaches an LLM.
//! - [`profile`]: per-address behaviour profiles over sliding windows, and HASSH families.
//! - [`table`]: the rule-table format (tab-separated rows, `@cmd(...)` in patterns).
//! - [`session`]: [`SessionAnalysis`], which runs all of the above for one session and
//!   writes its summary.
#![deny(missing_docs)]

pub mod attack;
pub mod injection;
pub mod ioc;
pub mod normalize;
pub mod profile;
pub mod session;
pub mod stage;
pub mod table;
pub mod tarpit;
pub mod threat;
pub mod tokens;

pub use session::SessionAnalysis;

#[cfg(test)]
mod corpus_load;

/// A rule table or pattern that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DetectError {
    /// A regular expression in a rule does not compile.
    #[error("rule {id}: bad pattern: {source}")]
    Pattern {
        /// The rule's id.
        id: String,
        /// What the regex compiler said.
        source: regex::Error,
    },
    /// A rule table is inconsistent (duplicate id, empty pattern, bands out of order).
    #[error("{0}")]
    Table(String),
}
