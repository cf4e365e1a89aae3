//! The event store for the commands that run without a server (`reanalyze`, `report`,
//! `block`, `unblock`, `blocks`): a one-thread async runtime and the store the
//! configuration names.

use anyhow::{Context, Result};
use miragepot_store::Store;

use crate::config::Config;

/// A one-thread runtime for a command.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Opens the store `cfg` names.
pub async fn open_store(cfg: &Config) -> Result<Store> {
    Store::open(&cfg.store_url())
        .await
        .context("cannot open the event store")
}

/// Runs `f` on the store `cfg` names, then closes it (also when `f` fails).
pub fn with_store<T>(cfg: &Config, f: impl AsyncFnOnce(&Store) -> Result<T>) -> Result<T> {
    runtime()?.block_on(async {
        let store = open_store(cfg).await?;
        let out = f(&store).await;
        store.close().await;
        out
    })
}
