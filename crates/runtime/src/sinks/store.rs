//! The store sink: hands events to the store's batched writer (one transaction per batch).

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use async_trait::async_trait;
use miragepot_event::Event;
use miragepot_store::Store;
use tokio::sync::mpsc;

use crate::bus::{BusStats, Sink};

/// Writes events to SQLite or PostgreSQL in batches.
#[derive(Debug)]
pub struct StoreSink {
    store: Store,
    max_batch: usize,
    max_delay: Duration,
}

impl StoreSink {
    /// A sink over an opened store.
    pub fn new(store: Store, max_batch: usize, max_delay: Duration) -> Self {
        StoreSink {
            store,
            max_batch,
            max_delay,
        }
    }
}

#[async_trait]
impl Sink for StoreSink {
    fn name(&self) -> &'static str {
        "store"
    }

    async fn run(self: Box<Self>, rx: mpsc::Receiver<Event>, stats: Arc<BusStats>) {
        let store = self.store.clone();
        let ws = miragepot_store::run_writer(self.store, rx, self.max_batch, self.max_delay).await;
        stats.written.fetch_add(ws.written, Ordering::Relaxed);
        stats.sink_failed.fetch_add(ws.failed, Ordering::Relaxed);
        tracing::info!(
            written = ws.written,
            batches = ws.batches,
            failed = ws.failed,
            "Event store writer finished."
        );
        store.close().await;
    }
}
