//! Every export format over two sessions: one sample of every event kind
//! (`samples::every_kind()`) and a hostile session whose attacker strings carry markup,
//! quotes, backslashes, newlines, terminal escapes, CSV formulas and non-ASCII text.
//!
//! Design choice: one integration binary, one module per format over shared fixtures. The
//! checks parse each output back with an independent reader written here (JSON via
//! serde_json, a small RFC 4180 CSV parser, a STIX string-literal scanner) rather than
//! comparing against golden bytes, so they state each format's invariants.
// Test helpers outside `#[test]` functions are not covered by `allow-unwrap-in-tests`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod cowrie_export;
mod fixtures;
mod ioc_export;
mod json_export;
mod transcript_export;
