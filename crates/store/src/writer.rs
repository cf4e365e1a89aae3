//! The batched writer task: drains a bounded mpsc channel of events into the store.
//!
//! A batch is written when it holds `max_batch` events or `max_delay` after its first event
//! arrived, whichever comes first. When every sender is dropped the writer flushes what it
//! holds and returns its [`WriterStats`]. A failed batch is retried with exponential backoff
//! (safe: inserts are idempotent on event id); after the last attempt its events are logged
//! with `tracing::error` and counted as lost. The writer never panics.

use std::time::Duration;

use miragepot_event::Event;
use tokio::sync::mpsc::Receiver;
use tokio::time::{Instant, sleep, timeout_at};

use crate::Store;

/// Attempts per batch (the first try plus retries).
const ATTEMPTS: u32 = 4;
/// Wait before the first retry; doubled for each further one (100, 200, 400 ms).
const FIRST_BACKOFF: Duration = Duration::from_millis(100);

/// What a writer did, returned when its channel closes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriterStats {
    /// Events in batches that were committed (including ids the store already had).
    pub written: u64,
    /// Batches committed.
    pub batches: u64,
    /// Events lost: their batch still failed after every retry.
    pub failed: u64,
}

/// Runs the batched writer until `rx` closes, then flushes and returns its stats.
///
/// Batches hold at most `max_batch` events (at least 1) and are written at the latest
/// `max_delay` after their first event arrived.
pub async fn run_writer(
    store: Store,
    mut rx: Receiver<Event>,
    max_batch: usize,
    max_delay: Duration,
) -> WriterStats {
    let max_batch = max_batch.max(1);
    let mut stats = WriterStats::default();
    let mut batch: Vec<Event> = Vec::with_capacity(max_batch);
    loop {
        // Wait as long as it takes for a first event.
        if rx.recv_many(&mut batch, max_batch).await == 0 {
            break; // closed and drained
        }
        let deadline = Instant::now() + max_delay;
        let mut closed = false;
        while batch.len() < max_batch {
            let room = max_batch.saturating_sub(batch.len());
            match timeout_at(deadline, rx.recv_many(&mut batch, room)).await {
                Ok(0) => {
                    closed = true;
                    break;
                }
                Ok(_) => {}
                Err(_) => break, // max_delay reached
            }
        }
        flush(&store, &mut batch, &mut stats).await;
        if closed {
            break;
        }
    }
    tracing::info!(
        written = stats.written,
        batches = stats.batches,
        failed = stats.failed,
        "event writer stopped"
    );
    stats
}

/// Writes `batch` (retrying), updates `stats` and empties `batch`.
async fn flush(store: &Store, batch: &mut Vec<Event>, stats: &mut WriterStats) {
    if batch.is_empty() {
        return;
    }
    let n = u64::try_from(batch.len()).unwrap_or(u64::MAX);
    let mut backoff = FIRST_BACKOFF;
    for attempt in 1..=ATTEMPTS {
        match store.insert_batch(batch).await {
            Ok(()) => {
                stats.written = stats.written.saturating_add(n);
                stats.batches = stats.batches.saturating_add(1);
                batch.clear();
                return;
            }
            Err(error) if attempt < ATTEMPTS => {
                tracing::warn!(%error, events = n, attempt, retry_in = ?backoff,
                    "event batch failed; retrying");
                sleep(backoff).await;
                backoff = backoff.saturating_mul(2);
            }
            Err(error) => {
                let first = batch
                    .first()
                    .map(|ev| ev.id.to_string())
                    .unwrap_or_default();
                let last = batch.last().map(|ev| ev.id.to_string()).unwrap_or_default();
                tracing::error!(%error, events = n, attempts = ATTEMPTS, first_id = %first,
                    last_id = %last, "event batch lost after retries");
                stats.failed = stats.failed.saturating_add(n);
            }
        }
    }
    batch.clear();
}
