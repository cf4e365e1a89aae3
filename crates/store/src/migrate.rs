//! The schema migrations, embedded in the binary and applied by sqlx's [`Migrator`] on open.
//!
//! `sqlx::migrate!` needs the macros feature, which the workspace keeps off, so the
//! migrations are listed here by hand from `include_str!` sources, one list per backend.
//! sqlx records applied versions (with a checksum) in `_sqlx_migrations` and, on
//! PostgreSQL, holds an advisory lock while migrating, so sensors starting together are
//! safe. To change the schema, add `NNNN_name.sql` to BOTH folders and to both lists below;
//! never edit an applied file (its checksum would no longer match).
//!
//! What plain SQL cannot derive (a 0004 column needs the address parsed, or the events
//! decoded) is queued by a migration as a row of `store_jobs` and done in Rust right after
//! migrating, by the `backfill` module.

use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

use crate::{Backend, Store, StoreError};

/// `(version, description, SQL)` for SQLite.
const SQLITE: &[(i64, &str, &str)] = &[
    (
        1,
        "init",
        include_str!("../migrations/sqlite/0001_init.sql"),
    ),
    (
        2,
        "blocks",
        include_str!("../migrations/sqlite/0002_blocks.sql"),
    ),
    (
        3,
        "llm_cache",
        include_str!("../migrations/sqlite/0003_llm_cache.sql"),
    ),
    (
        4,
        "dashboard",
        include_str!("../migrations/sqlite/0004_dashboard.sql"),
    ),
    (
        5,
        "json_text_parallel",
        include_str!("../migrations/sqlite/0005_json_text_parallel.sql"),
    ),
    (
        6,
        "analytics_speed",
        include_str!("../migrations/sqlite/0006_analytics_speed.sql"),
    ),
    (
        7,
        "command_text",
        include_str!("../migrations/sqlite/0007_command_text.sql"),
    ),
    (
        8,
        "tallies_clustered",
        include_str!("../migrations/sqlite/0008_tallies_clustered.sql"),
    ),
];

/// `(version, description, SQL)` for PostgreSQL.
const POSTGRES: &[(i64, &str, &str)] = &[
    (
        1,
        "init",
        include_str!("../migrations/postgres/0001_init.sql"),
    ),
    (
        2,
        "blocks",
        include_str!("../migrations/postgres/0002_blocks.sql"),
    ),
    (
        3,
        "llm_cache",
        include_str!("../migrations/postgres/0003_llm_cache.sql"),
    ),
    (
        4,
        "dashboard",
        include_str!("../migrations/postgres/0004_dashboard.sql"),
    ),
    (
        5,
        "json_text_parallel",
        include_str!("../migrations/postgres/0005_json_text_parallel.sql"),
    ),
    (
        6,
        "analytics_speed",
        include_str!("../migrations/postgres/0006_analytics_speed.sql"),
    ),
    (
        7,
        "command_text",
        include_str!("../migrations/postgres/0007_command_text.sql"),
    ),
    (
        8,
        "tallies_clustered",
        include_str!("../migrations/postgres/0008_tallies_clustered.sql"),
    ),
];

/// The migrator for `backend`.
fn migrator(backend: Backend) -> Migrator {
    let list = match backend {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    };
    Migrator::with_migrations(
        list.iter()
            .map(|&(version, description, sql)| {
                Migration::new(
                    version,
                    description.into(),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

/// Applies the migrations `store` lacks, then the one-time jobs they queued (the
/// `backfill` module); a no-op on an up-to-date database.
pub(crate) async fn run(store: &Store) -> Result<(), StoreError> {
    let backend = store.backend;
    migrator(backend)
        .run(&store.pool)
        .await
        .map_err(|source| StoreError::Migrate { backend, source })?;
    crate::backfill::run(store).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_have_the_same_versions() {
        let versions = |list: &[(i64, &str, &str)]| list.iter().map(|m| m.0).collect::<Vec<_>>();
        assert_eq!(versions(SQLITE), versions(POSTGRES));
        assert_eq!(migrator(Backend::Sqlite).iter().count(), SQLITE.len());
    }
}
