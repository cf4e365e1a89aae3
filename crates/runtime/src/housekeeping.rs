//! Retention: what the sensor deletes so that its disk use stays bounded.
//!
//! Every [`Retention::interval`] (and once at start) one task:
//! - deletes recordings older than their retention, then the oldest ones while the
//!   directory holds more than its byte budget;
//! - applies the same rules to the per-session JSON files (`data/logs`);
//! - prunes rotated JSON logs past their retention (the sink prunes at each rotation too,
//!   but a sensor that logs little may not rotate for days);
//! - refreshes SQLite's query planner statistics ([`Store::optimize`]);
//! - runs the store's retention job ([`Store::purge_before`]) when a store retention is set.
//!
//! Failures are logged and retried at the next round; nothing here can stop the server.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use miragepot_store::Store;
use tokio::sync::watch;

use crate::rotate::{RotatePolicy, prune};

/// A directory of files kept for a time and within a size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirRetention {
    /// The directory.
    pub dir: PathBuf,
    /// Delete files older than this (zero: no age limit).
    pub max_age: Duration,
    /// Delete the oldest files while the directory holds more (zero: no size limit).
    pub max_bytes: u64,
}

/// What to keep.
#[derive(Debug, Clone)]
pub struct Retention {
    /// How often the job runs.
    pub interval: Duration,
    /// Directories of per-session files (recordings, session files).
    pub dirs: Vec<DirRetention>,
    /// The JSON log and its rotation policy (for pruning rotated files).
    pub json_log: Option<(PathBuf, RotatePolicy)>,
    /// Delete stored events older than this (zero: keep everything).
    pub store_max_age: Duration,
}

/// Deletes files in `r.dir` past the age, then the oldest while over the byte budget.
/// Returns (files, bytes) deleted. Subdirectories and symlinks are left alone.
pub fn prune_dir(r: &DirRetention, now: SystemTime) -> std::io::Result<(usize, u64)> {
    let entries = match std::fs::read_dir(&r.dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((0, 0)),
        Err(e) => return Err(e),
    };
    let mut files: Vec<(SystemTime, u64, PathBuf)> = Vec::new();
    for e in entries {
        let e = e?;
        let meta = e.metadata()?;
        if meta.is_file() {
            files.push((meta.modified().unwrap_or(now), meta.len(), e.path()));
        }
    }
    files.sort();
    let mut total: u64 = files.iter().map(|f| f.1).sum();
    let (mut n, mut bytes) = (0usize, 0u64);
    for (modified, len, path) in &files {
        let old =
            !r.max_age.is_zero() && now.duration_since(*modified).unwrap_or_default() > r.max_age;
        let over = r.max_bytes > 0 && total > r.max_bytes;
        if !(old || over) {
            continue;
        }
        if std::fs::remove_file(path).is_ok() {
            total = total.saturating_sub(*len);
            n += 1;
            bytes += len;
        }
    }
    Ok((n, bytes))
}

fn dir_round(r: &DirRetention, now: SystemTime) {
    match prune_dir(r, now) {
        Ok((0, _)) => {}
        Ok((n, bytes)) => {
            tracing::info!(dir = %r.dir.display(), files = n, bytes, "Retention: old files deleted.");
        }
        Err(e) => tracing::warn!(dir = %r.dir.display(), error = %e, "Retention: cannot prune."),
    }
}

fn log_round(path: &Path, policy: &RotatePolicy, now: SystemTime) {
    if let Err(e) = prune(path, policy, now) {
        tracing::warn!(path = %path.display(), error = %e, "Retention: cannot prune rotated logs.");
    }
}

impl Retention {
    /// One round of every rule.
    pub async fn run_once(&self, store: &Store) {
        let now = SystemTime::from(crate::session::now());
        let (dirs, log) = (self.dirs.clone(), self.json_log.clone());
        let files = crate::fsio::blocking(move || {
            for d in &dirs {
                dir_round(d, now);
            }
            if let Some((path, policy)) = &log {
                log_round(path, policy, now);
            }
            Ok(())
        });
        let _ = files.await;
        // SQLite's planner statistics, refreshed as the store grows (cheap when fresh).
        store.optimize().await;
        if self.store_max_age.is_zero() {
            return;
        }
        let Ok(age) = time::Duration::try_from(self.store_max_age) else {
            return;
        };
        let cutoff = time::OffsetDateTime::now_utc() - age;
        match store.purge_before(cutoff).await {
            Ok((0, 0)) => {}
            Ok((events, sessions)) => {
                tracing::info!(
                    events,
                    sessions,
                    "Retention: old events deleted from the store."
                );
            }
            Err(e) => {
                tracing::warn!(error = %e, "Retention: the store purge failed; retrying later.")
            }
        }
    }

    /// Runs a round now and every `interval` until `stop` turns true.
    pub async fn run(self, store: Store, mut stop: watch::Receiver<bool>) {
        loop {
            self.run_once(&store).await;
            tokio::select! {
                _ = tokio::time::sleep(self.interval) => {}
                _ = stop.changed() => break,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prunes_by_age_then_oldest_first_by_size() {
        let dir = tempfile::tempdir().unwrap();
        let now = SystemTime::from(time::OffsetDateTime::now_utc());
        for (name, age_s, len) in [
            ("a", 900, 10),
            ("b", 300, 10),
            ("c", 200, 10),
            ("d", 100, 10),
        ] {
            let p = dir.path().join(name);
            std::fs::write(&p, vec![b'x'; len]).unwrap();
            let f = std::fs::File::options().write(true).open(&p).unwrap();
            f.set_modified(now - Duration::from_secs(age_s)).unwrap();
        }
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let r = DirRetention {
            dir: dir.path().to_path_buf(),
            max_age: Duration::from_secs(600),
            max_bytes: 25,
        };
        assert_eq!(
            prune_dir(&r, now).unwrap(),
            (2, 20),
            "a by age, then b by size"
        );
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, vec!["c", "d", "sub"]);
        let missing = DirRetention {
            dir: dir.path().join("nope"),
            ..r
        };
        assert_eq!(prune_dir(&missing, now).unwrap(), (0, 0));
    }
}
