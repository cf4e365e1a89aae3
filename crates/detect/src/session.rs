//! placeholder: filled in next.
