//! The sinks events are written to: the event store and the JSON-lines log.

mod jsonl;
mod store;

pub use jsonl::JsonlSink;
pub use store::StoreSink;
