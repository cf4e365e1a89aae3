//! File I/O off the async thread: each call is one trip to tokio's blocking pool.
//!
//! Every `tokio::fs` call is its own trip (a thread hand-off each way), so a write that also
//! creates its directory, or checks before it writes, is done here as one closure instead.

use std::io;
use std::path::PathBuf;

/// Runs blocking I/O `f` on the blocking pool; a task that failed to run is an I/O error.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> io::Result<T> + Send + 'static,
) -> io::Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| Err(io::Error::other(e)))
}

/// Writes `bytes` to `path`, creating its directory if needed.
pub(crate) async fn write_file(path: PathBuf, bytes: Vec<u8>) -> io::Result<()> {
    blocking(move || {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&path, bytes)
    })
    .await
}

/// Writes `chunks` one after another to `path`, creating its directory if needed.
pub(crate) async fn write_chunks(path: PathBuf, chunks: Vec<Vec<u8>>) -> io::Result<()> {
    blocking(move || {
        use std::io::Write as _;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut f = std::fs::File::create(&path)?;
        for c in &chunks {
            f.write_all(c)?;
        }
        Ok(())
    })
    .await
}
