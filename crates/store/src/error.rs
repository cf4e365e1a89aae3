//! The store's one error type.
//!
//! Variants carry the operation and, where it helps an operator, the path or backend; a
//! PostgreSQL URL is never put in an error, since it may hold a password.

use std::path::PathBuf;

use miragepot_event::{EventId, SessionId};

use crate::Backend;

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL is neither `sqlite:` nor `postgres:`/`postgresql:`.
    #[error("unsupported store URL scheme {scheme:?} (want sqlite:// or postgres://)")]
    UnsupportedUrl {
        /// The scheme found (text before the first `:`), or the empty string.
        scheme: String,
    },
    /// The URL has a known scheme but sqlx could not parse it.
    #[error("invalid {backend} store URL: {source}")]
    InvalidUrl {
        /// The backend the scheme named.
        backend: Backend,
        /// The parser's error.
        #[source]
        source: sqlx::Error,
    },
    /// The SQLite database file (or its directory) could not be created.
    #[error("cannot create SQLite database {path:?}: {source}")]
    CreateFile {
        /// The file or directory that could not be created.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Connecting (or configuring a fresh connection) failed.
    #[error("cannot connect to the {backend} store: {source}")]
    Connect {
        /// The backend.
        backend: Backend,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// Applying the schema migrations failed.
    #[error("cannot migrate the {backend} store: {source}")]
    Migrate {
        /// The backend.
        backend: Backend,
        /// The migrator's error.
        #[source]
        source: sqlx::migrate::MigrateError,
    },
    /// A query failed.
    #[error("store query {op} failed: {source}")]
    Query {
        /// What the store was doing (`insert_batch`, `session_events`, ...).
        op: &'static str,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// An event could not be serialised to JSON.
    #[error("cannot encode event {id} as JSON: {source}")]
    Encode {
        /// The event's id.
        id: EventId,
        /// The serialiser's error.
        #[source]
        source: serde_json::Error,
    },
    /// A text is not an address or a CIDR range (`203.0.113.9`, `10.0.0.0/8`,
    /// `2001:db8::/32`).
    #[error("invalid IP range {input:?}: {reason}")]
    InvalidIpRange {
        /// The text given (cut to 64 characters).
        input: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A name is not one of [`crate::TopKind`]'s.
    #[error("unknown top-N kind {name:?}")]
    UnknownTopKind {
        /// The name given (cut to 64 characters).
        name: String,
    },
    /// A tag was refused: empty, too long, not printable, or one tag too many.
    #[error("invalid tag: {reason}")]
    InvalidTag {
        /// Why.
        reason: &'static str,
    },
    /// The session named does not exist in the store.
    #[error("no session {session} in the store")]
    UnknownSession {
        /// The session id.
        session: SessionId,
    },
    /// A dashboard user was refused: a bad username or password hash.
    #[error("invalid user: {reason}")]
    InvalidUser {
        /// Why.
        reason: &'static str,
    },
    /// An argument of a query is out of range (a histogram bucket of zero, a filter naming
    /// too many sessions, ...).
    #[error("invalid argument to {op}: {reason}")]
    InvalidArgument {
        /// The operation (`sessions_histogram`, `list_sessions`, ...).
        op: &'static str,
        /// What is wrong.
        reason: String,
    },
}

impl StoreError {
    /// A closure turning a driver error into [`StoreError::Query`] for `op`.
    pub(crate) fn query(op: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
        move |source| StoreError::Query { op, source }
    }
}
