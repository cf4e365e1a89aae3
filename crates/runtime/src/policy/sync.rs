//! Keeps the in-memory blocklist and the store's `blocks` table in step, and writes the
//! exports.
//!
//! One task does it all, in order, so a reload never races a write: blocks made or lifted
//! here are written to the store, lapsed rows are purged, then the active rows are read back
//! (picking up `miragepot block`/`unblock` from another process) and replace the copy the
//! accept loop reads. It runs when the policy changes something, every `interval`, on
//! SIGHUP, and once more at shutdown. A store error is logged and counted, and the next run
//! retries; the accept loop keeps using the copy it has.
//!
//! Exports go to `<data>/blocklist/`: `blocklist.txt`, `blocklist.nft` and
//! `blocklist.fail2ban`, rewritten (atomically, by rename) when the set changes.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use miragepot_store::{BlockRow, Store, StoreError};
use time::OffsetDateTime;
use tokio::sync::{Notify, watch};

use super::Access;
use super::blocklist::{export_fail2ban, export_nft, export_plain};

/// The sync task's state: the last exported set.
#[derive(Debug)]
pub struct BlockSync {
    access: Arc<Access>,
    store: Store,
    export_dir: Option<PathBuf>,
    exported: Option<Vec<(std::net::IpAddr, Option<OffsetDateTime>)>>,
}

impl BlockSync {
    /// A sync between `access` and `store`, exporting under `export_dir` when given.
    pub fn new(access: Arc<Access>, store: Store, export_dir: Option<PathBuf>) -> BlockSync {
        BlockSync {
            access,
            store,
            export_dir,
            exported: None,
        }
    }

    /// One round: write local changes, purge, reload, export.
    pub async fn run_once(&mut self) -> Result<(), StoreError> {
        let now = OffsetDateTime::now_utc();
        let (puts, dels) = self
            .access
            .with_blocks(|b| (b.unpersisted(), b.pending_deletes()));
        for row in &puts {
            self.counted(self.store.put_block(row).await)?;
            self.access.with_blocks(|b| b.mark_persisted(row));
        }
        for ip in dels {
            self.counted(self.store.delete_block(ip).await)?;
            self.access.with_blocks(|b| b.mark_deleted(ip));
        }
        self.counted(self.store.purge_expired_blocks(now).await)?;
        let rows = self.counted(self.store.active_blocks(now).await)?;
        let gone = self.access.with_blocks(|b| b.replace(rows, now));
        self.access.forgive(&gone);
        self.export(now).await;
        Ok(())
    }

    fn counted<T>(&self, r: Result<T, StoreError>) -> Result<T, StoreError> {
        if r.is_err() {
            self.access
                .counters
                .store_errors
                .fetch_add(1, Ordering::Relaxed);
        }
        r
    }

    async fn export(&mut self, now: OffsetDateTime) {
        let Some(dir) = self.export_dir.clone() else {
            return;
        };
        let rows = self.access.blocks(now);
        let key: Vec<_> = rows.iter().map(|r| (r.ip, r.expires)).collect();
        if self.exported.as_ref() == Some(&key) {
            return;
        }
        let files = exports(&rows, now);
        let res = crate::fsio::blocking(move || {
            std::fs::create_dir_all(&dir)?;
            for (name, text) in files {
                let tmp = dir.join(format!(".{name}.tmp"));
                std::fs::write(&tmp, text)?;
                std::fs::rename(&tmp, dir.join(name))?;
            }
            Ok(())
        })
        .await;
        match res {
            Ok(()) => self.exported = Some(key),
            Err(e) => tracing::warn!(error = %e, "Cannot write the blocklist exports."),
        }
    }

    /// Runs until `stop` turns true: after each policy change, every `interval`, and when
    /// `reload` is notified (SIGHUP); one last round at the end.
    pub async fn run(
        mut self,
        interval: Duration,
        reload: Arc<Notify>,
        mut stop: watch::Receiver<bool>,
    ) {
        let access = Arc::clone(&self.access);
        loop {
            let last = tokio::select! {
                _ = access.changed.notified() => false,
                _ = reload.notified() => false,
                _ = tokio::time::sleep(interval) => false,
                _ = stop.changed() => true,
            };
            if let Err(e) = self.run_once().await {
                tracing::warn!(error = %e, "Blocklist sync with the store failed; retrying later.");
            }
            if last || *stop.borrow() {
                break;
            }
        }
    }
}

/// The three export files for `rows`: `(file name, contents)`.
pub fn exports(rows: &[BlockRow], now: OffsetDateTime) -> [(&'static str, String); 3] {
    [
        ("blocklist.txt", export_plain(rows)),
        ("blocklist.nft", export_nft(rows, now)),
        ("blocklist.fail2ban", export_fail2ban(rows)),
    ]
}
