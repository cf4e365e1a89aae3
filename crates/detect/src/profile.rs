//! Per-address behaviour profiles over sliding windows, HASSH families, and the behaviour
//! report (`miragepot report`).
//!
//! This first part holds the HASSH families ([`hassh_family`]).

pub mod hassh;

pub use hassh::hassh_family;
