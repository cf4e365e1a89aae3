//! Event persistence for miragepot: an append-only event log on SQLite (the embedded
//! default) or PostgreSQL (for fleets of sensors), with a per-session summary table.
//!
//! Both backends go through ONE SQL code path: an [`sqlx::AnyPool`] and `$1`-style
//! placeholders, which SQLite reads as numbered parameters too. Every event is kept whole as
//! JSON in `events.data` (the source of truth, decoded with serde); the other columns are
//! copies for filtering and ordering. Writes are idempotent on the event id, so a retried
//! batch never duplicates; reads skip (count and log) a row that fails to decode instead of
//! failing the query or panicking.
//!
//! # Layout
//! - [`Store`], [`Backend`] (this file): opening, connection setup, migrations.
//! - `migrations/{sqlite,postgres}/NNNN_*.sql`: the schema, embedded and applied on open by
//!   the `migrate` module; `backfill` then runs the one-time jobs a migration queued in
//!   `store_jobs` (0004: the dashboard columns and tallies of existing events).
//! - `write`: [`Store::insert_batch`] and the derivation of `sessions` rows from events;
//!   `write::derive` the dashboard columns (techniques, stage, risk, downloads, tokens,
//!   campaign key), `write::tally` the hourly `tallies` behind the top-N panels.
//! - `read`: the queries ([`Store::session_events`], [`Store::sessions`],
//!   [`Store::events_after`], ...) and [`SessionRow`].
//! - `dashboard`: the analyst dashboard's queries: [`Store::list_sessions`] with a
//!   [`SessionFilter`] (`dashboard::filter`), [`Overview`], the histogram, and in
//!   `dashboard::analytics` [`Store::top`] ([`TopKind`]), [`Campaign`]s and the [`Funnel`].
//! - `iprange`: [`IpRange`], a CIDR block as a range of `sessions.ip_key` strings.
//! - `stage`: ATT&CK stages in kill-chain order ([`STAGES`]).
//! - `tags`: analysts' tags on sessions ([`Store::add_tag`], ...).
//! - `users`: the dashboard's analysts ([`Store::put_user`], ...).
//! - `writer`: [`run_writer`], the batching task fed by an mpsc channel, and [`WriterStats`].
//! - `blocks`: the blocklist table ([`BlockRow`], [`Store::put_block`], ...) and retention.
//! - `llm_cache`: the LLM response cache table ([`CacheRow`], [`Store::put_llm_answer`], ...).
//! - `error`: [`StoreError`].
#![deny(missing_docs)]

mod backfill;
mod blocks;
mod dashboard;
mod error;
mod iprange;
mod llm_cache;
mod migrate;
mod read;
mod stage;
mod tags;
mod users;
mod write;
mod writer;

use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AnyPool, Executor};

pub use blocks::BlockRow;
pub use dashboard::analytics::{Campaign, Funnel, MAX_TOP, TopKind, TopRow};
pub use dashboard::filter::{MAX_IDS, SessionFilter};
pub use dashboard::{MAX_PAGE, Overview};
pub use error::StoreError;
pub use iprange::IpRange;
pub use llm_cache::CacheRow;
pub use read::SessionRow;
pub use stage::STAGES;
pub use tags::{MAX_TAG_CHARS, MAX_TAGS_PER_SESSION};
pub use users::{MAX_HASH_BYTES, MAX_USERNAME_CHARS};
pub use write::{from_micros, micros};
pub use writer::{WriterStats, run_writer};

/// Connections kept by the pool for a file-backed SQLite database.
const SQLITE_MAX_CONNECTIONS: u32 = 4;
/// Connections kept by the pool for PostgreSQL.
const POSTGRES_MAX_CONNECTIONS: u32 = 8;
/// How long a query waits for a free connection (or a new one) before failing.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// The database behind a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// An embedded SQLite file (`sqlite://PATH`).
    Sqlite,
    /// A PostgreSQL server (`postgres://...`).
    Postgres,
}

impl Backend {
    /// The backend a URL names by its scheme.
    pub fn from_url(url: &str) -> Result<Backend, StoreError> {
        let scheme = url.split_once(':').map_or("", |(scheme, _)| scheme);
        match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            _ => Err(StoreError::UnsupportedUrl {
                scheme: scheme.to_owned(),
            }),
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        })
    }
}

/// A handle on the event store: a connection pool plus the backend kind.
///
/// Cheap to clone; clones share the pool (hand one to [`run_writer`], keep one for queries).
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    bad_rows: Arc<AtomicU64>,
}

impl Store {
    /// Opens (creating if needed) and migrates the store at `url`.
    ///
    /// `url` is `sqlite://PATH` or `postgres://...`. A new SQLite file is created with mode
    /// 0600 on Unix (with its directory, mode 0700, if missing); SQLite connections use the
    /// WAL journal, `synchronous=NORMAL`, a busy timeout and foreign keys. `sqlite::memory:`
    /// also works (one connection, gone when the store closes), for tests.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let options = AnyConnectOptions::from_str(url)
            .map_err(|source| StoreError::InvalidUrl { backend, source })?;
        let mut pool_options = AnyPoolOptions::new().acquire_timeout(ACQUIRE_TIMEOUT);
        match backend {
            Backend::Sqlite => {
                let sqlite = SqliteConnectOptions::try_from(&options)
                    .map_err(|source| StoreError::InvalidUrl { backend, source })?;
                if is_sqlite_memory(url) {
                    // Every connection to `:memory:` is its own database: keep exactly one.
                    pool_options = pool_options
                        .max_connections(1)
                        .min_connections(1)
                        .idle_timeout(None)
                        .max_lifetime(None);
                } else {
                    create_private_file(sqlite.get_filename())?;
                    pool_options = pool_options.max_connections(SQLITE_MAX_CONNECTIONS);
                }
                pool_options = pool_options.after_connect(|conn, _meta| {
                    Box::pin(async move {
                        conn.execute(sqlx::query("PRAGMA synchronous = NORMAL"))
                            .await?;
                        conn.execute(sqlx::query("PRAGMA foreign_keys = ON"))
                            .await?;
                        // Sorts and temp tables in memory: the sandboxed server may not
                        // create files outside its data directory (SQLite would use /tmp).
                        conn.execute(sqlx::query("PRAGMA temp_store = MEMORY"))
                            .await?;
                        // Also set by the driver (sqlite3_busy_timeout); explicit for clarity.
                        conn.execute(sqlx::query(BUSY_TIMEOUT_PRAGMA)).await?;
                        Ok(())
                    })
                });
            }
            Backend::Postgres => {
                pool_options = pool_options.max_connections(POSTGRES_MAX_CONNECTIONS);
            }
        }
        let pool = pool_options
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Connect { backend, source })?;
        if backend == Backend::Sqlite {
            // The journal mode is a property of the file: set it once, before any write.
            let mode: Option<String> = sqlx::query_scalar("PRAGMA journal_mode = WAL")
                .fetch_optional(&pool)
                .await
                .map_err(|source| StoreError::Connect { backend, source })?;
            tracing::debug!(journal_mode = ?mode, "SQLite journal mode");
        }
        let store = Store {
            pool,
            backend,
            bad_rows: Arc::new(AtomicU64::new(0)),
        };
        migrate::run(&store).await?;
        tracing::info!(backend = %backend, "event store open");
        Ok(store)
    }

    /// The backend this store runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The connection pool, for ad-hoc read queries (reports, exports). Writing through it
    /// bypasses the `sessions` derivation: use [`Store::insert_batch`] for events.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// How many rows reads have skipped so far because they failed to decode (malformed
    /// JSON in `events.data`, an unparsable column, ...). Each one was logged when skipped.
    pub fn skipped_rows(&self) -> u64 {
        self.bad_rows.load(Ordering::Relaxed)
    }

    /// SQLite: refreshes the query planner's statistics where they are missing or stale
    /// (`PRAGMA optimize`, each table sampled, so it takes milliseconds on a big file).
    /// Without them SQLite may walk the risk order for a filter an index answers. The
    /// sensor's housekeeping task calls it at start and every round. A failure is logged:
    /// the store works without statistics, only slower. PostgreSQL's autovacuum keeps its
    /// own.
    pub async fn optimize(&self) {
        if self.backend != Backend::Sqlite {
            return;
        }
        let result = async {
            let mut conn = self.pool.acquire().await?;
            conn.execute(sqlx::query("PRAGMA analysis_limit = 1000"))
                .await?;
            conn.execute(sqlx::query("PRAGMA optimize = 0x10002"))
                .await?;
            Ok::<_, sqlx::Error>(())
        }
        .await;
        if let Err(e) = result {
            tracing::warn!(error = %e, "SQLite PRAGMA optimize failed");
        }
    }

    /// Closes the pool, waiting for connections in use to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Counts and logs a row skipped by `op` because it failed to decode.
    pub(crate) fn skip_row(&self, op: &'static str, key: &str, error: &dyn fmt::Display) {
        let total = self
            .bad_rows
            .fetch_add(1, Ordering::Relaxed)
            .saturating_add(1);
        tracing::error!(op, row = key, error = %error, skipped_total = total,
            "skipping a store row that does not decode");
    }
}

/// How long a SQLite connection waits for a lock before failing with `SQLITE_BUSY` (5 s).
const BUSY_TIMEOUT_PRAGMA: &str = "PRAGMA busy_timeout = 5000";

/// The database file a `sqlite:` URL names, read the way [`Store::open`] reads it; `None`
/// for PostgreSQL, an in-memory database or a URL that does not parse.
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    if Backend::from_url(url).ok()? != Backend::Sqlite || is_sqlite_memory(url) {
        return None;
    }
    sqlx::any::install_default_drivers();
    let options = AnyConnectOptions::from_str(url).ok()?;
    let sqlite = SqliteConnectOptions::try_from(&options).ok()?;
    Some(sqlite.get_filename().to_path_buf())
}

/// Whether a SQLite URL names an in-memory database.
fn is_sqlite_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}

/// Creates `path` as an empty file readable only by its owner, unless it exists already
/// (an existing file keeps its mode). Its directory is created (mode 0700) if missing.
fn create_private_file(path: &Path) -> Result<(), StoreError> {
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty())
        && !dir.exists()
    {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(dir)
            .map_err(|source| StoreError::CreateFile {
                path: dir.to_owned(),
                source,
            })?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => {
            tracing::info!(path = %path.display(), "created SQLite event store");
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(source) => Err(StoreError::CreateFile {
            path: path.to_owned(),
            source,
        }),
    }
}
