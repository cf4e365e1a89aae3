//! The JSON-lines sink: one event per line in `data/log/miragepot.json`, our schema
//! (`docs/events.md`).
//!
//! Events are gathered for up to [`FLUSH_EVERY`] (or [`MAX_BATCH`] events), then written and
//! flushed in one blocking call: a handful of writes per second under load instead of one per
//! event, which keeps thread wake-ups (and server CPU) down. A clean shutdown flushes
//! everything; a crash loses at most the last interval. The file rotates by size and age,
//! rotated files are pruned by the retention, and a full disk drops lines (counted in
//! `sink_failed`) instead of stopping anything: see [`crate::rotate`].

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use async_trait::async_trait;
use miragepot_event::Event;
use tokio::sync::mpsc;
use tokio::time::{Instant, timeout_at};

use crate::bus::{BusStats, Sink};
use crate::rotate::{RotatePolicy, RotatingFile, Written};

/// Longest time an event waits in memory before it is written.
pub const FLUSH_EVERY: Duration = Duration::from_millis(100);
/// Most events written in one go.
pub const MAX_BATCH: usize = 4096;

fn wall_now() -> std::time::SystemTime {
    std::time::SystemTime::from(crate::session::now())
}

/// Appends events as JSON lines to a rotating file.
#[derive(Debug)]
pub struct JsonlSink {
    path: PathBuf,
    policy: RotatePolicy,
}

impl JsonlSink {
    /// A sink writing to `path` (created, with its parent directory, when missing),
    /// rotated by `policy`.
    pub fn new(path: PathBuf, policy: RotatePolicy) -> Self {
        JsonlSink { path, policy }
    }
}

#[async_trait]
impl Sink for JsonlSink {
    fn name(&self) -> &'static str {
        "jsonl"
    }

    async fn run(self: Box<Self>, mut rx: mpsc::Receiver<Event>, stats: Arc<BusStats>) {
        let (path, policy) = (self.path.clone(), self.policy);
        let opened =
            crate::fsio::blocking(move || RotatingFile::open(path, policy, wall_now())).await;
        let mut file = match opened {
            Ok(f) => Some(f),
            Err(e) => {
                tracing::error!(path = %self.path.display(), error = %e, "Cannot open the JSON log; JSON logging is off.");
                None
            }
        };
        let mut batch: Vec<Event> = Vec::with_capacity(256);
        loop {
            if rx.recv_many(&mut batch, MAX_BATCH).await == 0 {
                break;
            }
            let deadline = Instant::now() + FLUSH_EVERY;
            while batch.len() < MAX_BATCH {
                let room = MAX_BATCH - batch.len();
                match timeout_at(deadline, rx.recv_many(&mut batch, room)).await {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
            }
            let n = batch.len() as u64;
            let mut buf = Vec::with_capacity(batch.len() * 256);
            for ev in batch.drain(..) {
                if serde_json::to_writer(&mut buf, &ev).is_ok() {
                    buf.push(b'\n');
                }
            }
            let Some(mut f) = file.take() else {
                stats.sink_failed.fetch_add(n, Ordering::Relaxed);
                continue;
            };
            let res = tokio::task::spawn_blocking(move || {
                let r = f.write(&buf, wall_now(), std::time::Instant::now());
                (f, r)
            })
            .await;
            match res {
                Ok((f, w)) => {
                    file = Some(f);
                    let counter = match w {
                        Written::Ok => &stats.written,
                        Written::Dropped => &stats.sink_failed,
                    };
                    counter.fetch_add(n, Ordering::Relaxed);
                }
                Err(e) => {
                    stats.sink_failed.fetch_add(n, Ordering::Relaxed);
                    tracing::error!(error = %e, "JSON log writer task failed.");
                }
            }
        }
    }
}
