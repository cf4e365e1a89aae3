//! The JSON-lines sink: one event per line in `data/log/miragepot.json`, our schema
//! (`docs/events.md`). The file is opened for append and flushed after every burst of
//! events, so a clean shutdown loses nothing and a crash loses at most the last burst.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use async_trait::async_trait;
use miragepot_event::Event;
use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;

use crate::bus::{BusStats, Sink};

/// Appends events as JSON lines to a file.
#[derive(Debug)]
pub struct JsonlSink {
    path: PathBuf,
}

impl JsonlSink {
    /// A sink writing to `path` (created, with its parent directory, when missing).
    pub fn new(path: PathBuf) -> Self {
        JsonlSink { path }
    }
}

#[async_trait]
impl Sink for JsonlSink {
    fn name(&self) -> &'static str {
        "jsonl"
    }

    async fn run(self: Box<Self>, mut rx: mpsc::Receiver<Event>, stats: Arc<BusStats>) {
        if let Some(dir) = self.path.parent() {
            if let Err(e) = tokio::fs::create_dir_all(dir).await {
                tracing::error!(path = %dir.display(), error = %e, "Cannot create the JSON log directory.");
            }
        }
        let file = tokio::fs::OpenOptions::new().create(true).append(true).open(&self.path).await;
        let mut file = match file {
            Ok(f) => Some(tokio::io::BufWriter::new(f)),
            Err(e) => {
                tracing::error!(path = %self.path.display(), error = %e, "Cannot open the JSON log; JSON logging is off.");
                None
            }
        };
        let mut buf = Vec::with_capacity(8192);
        while let Some(first) = rx.recv().await {
            let mut n = 0u64;
            let mut next = Some(first);
            while let Some(ev) = next {
                if serde_json::to_writer(&mut buf, &ev).is_ok() {
                    buf.push(b'\n');
                    n += 1;
                }
                next = if buf.len() < 1 << 20 { rx.try_recv().ok() } else { None };
            }
            match file.as_mut() {
                Some(f) => {
                    let res = async {
                        f.write_all(&buf).await?;
                        f.flush().await
                    }
                    .await;
                    match res {
                        Ok(()) => {
                            stats.written.fetch_add(n, Ordering::Relaxed);
                        }
                        Err(e) => {
                            stats.sink_failed.fetch_add(n, Ordering::Relaxed);
                            tracing::error!(error = %e, "JSON log write failed.");
                        }
                    }
                }
                None => {
                    stats.sink_failed.fetch_add(n, Ordering::Relaxed);
                }
            }
            buf.clear();
        }
        if let Some(mut f) = file {
            let _ = f.flush().await;
        }
    }
}
