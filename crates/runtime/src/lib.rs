//! The async glue between fronts, the pure shell, and the sinks.
//!
//! A front (SSH today; Telnet later) accepts a connection and drives a [`SessionDriver`],
//! which owns the session's emulated shell and turns what happens into [`Event`]s. Events go
//! onto the [`EventBus`], a bounded queue that never blocks an attacker's session: when it is
//! full the event is dropped and counted. A dispatcher task fans accepted events out to the
//! sinks (SQLite/PostgreSQL store, JSON-lines log), each through its own bounded queue; a
//! slow sink back-pressures the dispatcher, never a session, and an accepted event is never
//! dropped on its way to a sink.
//!
//! # Layout
//! - [`bus`]: [`EventBus`], the dispatcher, [`BusStats`], the [`Sink`] trait.
//! - [`sinks`]: the JSON-lines sink and the store sink.
//! - [`session`]: [`SessionDriver`] and [`Services`], what a front needs to run a session.
//! - [`sandbox`]: the self-sandbox (drop root, Landlock, seccomp).
//! - [`housekeeping`]: the retention job (recordings, session files, rotated logs, store).
//! - [`rotate`]: the rotating, retention-bounded, full-disk-proof log file.
//! - [`recording`]: asciicast v2 terminal recordings.
//! - [`artifacts`]: the content-addressed store of files attackers wrote or uploaded.
//! - [`limits`]: the global connection cap.
//! - [`policy`]: the access policy (auth modes, blocklist, per-address limits) and its
//!   sync with the store.
//! - [`detection`]: the live detection stage (per-session analysis, token index, profiles,
//!   tarpit) and [`session_log`]: the per-session JSON file.
//!
//! [`Event`]: miragepot_event::Event
#![deny(missing_docs)]

pub mod artifacts;
pub mod bus;
pub mod detection;
mod fsio;
pub mod housekeeping;
pub mod limits;
pub mod llm;
pub mod policy;
pub mod recording;
pub mod rotate;
pub mod sandbox;
pub mod session;
mod session_finish;
pub mod session_limits;
mod session_llm;
pub mod session_log;
pub mod sinks;

pub use bus::{BusStats, EventBus, Pipeline, Sink};
pub use detection::Detection;
pub use limits::ConnectionLimiter;
pub use miragepot_event::EventId;
pub use session::{DataDirs, Output, Services, SessionDriver};
pub use session_limits::SessionLimits;

/// Locks `m`; a poisoned lock (a panic elsewhere while it was held) still yields the data,
/// so one session's failure never stops the others.
pub(crate) fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Errors of the runtime's own I/O (sinks, data directory).
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    /// A file or directory under the data dir could not be used.
    #[error("{path}: {source}")]
    Io {
        /// The path involved.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The event store failed.
    #[error("event store: {0}")]
    Store(#[from] miragepot_store::StoreError),
}
