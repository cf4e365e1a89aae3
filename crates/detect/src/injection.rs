//! placeholder: filled in by the injection work.
