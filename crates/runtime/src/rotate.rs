//! A log file that rotates by size and age, keeps rotated files for a retention period, and
//! survives a full disk.
//!
//! Rotation renames `miragepot.json` to `miragepot.json.<UTC time>` (for example
//! `miragepot.json.20261121T120000Z`) and starts a new file; rotated files older than the
//! retention, or past the count kept, are deleted. All of it is blocking file I/O: the
//! JSON-lines sink calls it on the blocking pool.
//!
//! A failed write (a full disk, a read-only remount) never stops the server: the file is cut
//! back to its last complete line, the batch is counted as lost, the failure is logged
//! once, and writing is tried again at most every [`RETRY_EVERY`], logging when it works
//! again. In between, events still reach the store.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use time::OffsetDateTime;
use time::macros::format_description;

/// How often a failed file is tried again.
pub const RETRY_EVERY: Duration = Duration::from_secs(10);

/// When to rotate and what to keep. Zero turns a bound off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RotatePolicy {
    /// Rotate when the file would grow past this many bytes.
    pub max_bytes: u64,
    /// Rotate when the file is older than this.
    pub max_age: Duration,
    /// Delete rotated files older than this.
    pub retention: Duration,
    /// Keep at most this many rotated files.
    pub keep: usize,
}

impl Default for RotatePolicy {
    fn default() -> Self {
        RotatePolicy {
            max_bytes: 100 << 20,
            max_age: Duration::from_secs(24 * 3600),
            retention: Duration::from_secs(30 * 24 * 3600),
            keep: 60,
        }
    }
}

/// What a write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// The bytes are in the file.
    Ok,
    /// Not written: the file is failing (the bytes are lost, count them).
    Dropped,
}

/// The rotating file.
#[derive(Debug)]
pub struct RotatingFile {
    path: PathBuf,
    policy: RotatePolicy,
    file: Option<File>,
    size: u64,
    opened: SystemTime,
    /// Set while failing: when the next attempt may be made.
    retry_at: Option<Instant>,
}

fn open_append(path: &Path) -> io::Result<File> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    opts.open(path)
}

impl RotatingFile {
    /// Opens (or creates) `path` at `now`. An existing file keeps its age (its modification
    /// time at the latest).
    pub fn open(path: PathBuf, policy: RotatePolicy, now: SystemTime) -> io::Result<RotatingFile> {
        let file = open_append(&path)?;
        let meta = file.metadata()?;
        let opened = meta.created().or_else(|_| meta.modified()).unwrap_or(now);
        Ok(RotatingFile {
            path,
            policy,
            file: Some(file),
            size: meta.len(),
            opened,
            retry_at: None,
        })
    }

    /// Appends `buf` (whole lines), rotating between lines when a bound is reached: a file
    /// passes `max_bytes` only when one line alone is larger.
    pub fn write(&mut self, buf: &[u8], now: SystemTime, mono: Instant) -> Written {
        let max = self.policy.max_bytes;
        if max == 0 || self.size + buf.len() as u64 <= max {
            return self.write_chunk(buf, now, mono);
        }
        let mut result = Written::Ok;
        let mut start = 0;
        let mut end = 0;
        let mut size = self.size;
        for line in buf.split_inclusive(|&b| b == b'\n') {
            let len = line.len() as u64;
            if end > start && size + len > max {
                if self.write_chunk(buf.get(start..end).unwrap_or_default(), now, mono)
                    == Written::Dropped
                {
                    result = Written::Dropped;
                }
                start = end;
                size = self.size;
            } else if end == start && size > 0 && size + len > max {
                size = 0;
            }
            end += line.len();
            size += len;
        }
        if end > start
            && self.write_chunk(buf.get(start..end).unwrap_or_default(), now, mono)
                == Written::Dropped
        {
            result = Written::Dropped;
        }
        result
    }

    fn write_chunk(&mut self, buf: &[u8], now: SystemTime, mono: Instant) -> Written {
        if self.retry_at.is_some_and(|t| mono < t) {
            return Written::Dropped;
        }
        if self.due(buf.len() as u64, now)
            && let Err(e) = self.rotate(now)
        {
            tracing::warn!(path = %self.path.display(), error = %e, "Cannot rotate the log; writing on.");
        }
        match self.append(buf) {
            Ok(()) => {
                if self.retry_at.take().is_some() {
                    tracing::warn!(path = %self.path.display(), "Log writing resumed.");
                }
                Written::Ok
            }
            Err(e) => {
                if self.retry_at.is_none() {
                    tracing::error!(path = %self.path.display(), error = %e,
                        "Log write failed (disk full?); events are not logged to this file until it works again. The store still gets them.");
                }
                self.retry_at = Some(mono + RETRY_EVERY);
                Written::Dropped
            }
        }
    }

    fn due(&self, add: u64, now: SystemTime) -> bool {
        let p = &self.policy;
        let too_big = p.max_bytes > 0 && self.size > 0 && self.size + add > p.max_bytes;
        let too_old = !p.max_age.is_zero()
            && self.size > 0
            && now.duration_since(self.opened).unwrap_or_default() >= p.max_age;
        too_big || too_old
    }

    fn append(&mut self, buf: &[u8]) -> io::Result<()> {
        if self.file.is_none() {
            self.file = Some(open_append(&self.path)?);
            self.size = std::fs::metadata(&self.path).map_or(0, |m| m.len());
        }
        let Some(f) = self.file.as_mut() else {
            return Err(io::Error::other("log file not open"));
        };
        match f.write_all(buf).and_then(|()| f.flush()) {
            Ok(()) => {
                self.size += buf.len() as u64;
                Ok(())
            }
            Err(e) => {
                // Cut back to the last complete line (shrinking works on a full disk), and
                // open the file again at the next attempt.
                let _ = f.set_len(self.size);
                self.file = None;
                Err(e)
            }
        }
    }

    /// Renames the file aside, starts a new one and prunes old rotated files.
    pub fn rotate(&mut self, now: SystemTime) -> io::Result<()> {
        self.file = None;
        let stamp = OffsetDateTime::from(now)
            .format(format_description!(
                "[year][month][day]T[hour][minute][second]Z"
            ))
            .unwrap_or_else(|_| "rotated".into());
        let mut target = rotated_name(&self.path, &stamp);
        let mut n = 1;
        while target.exists() {
            target = rotated_name(&self.path, &format!("{stamp}.{n}"));
            n += 1;
        }
        std::fs::rename(&self.path, &target)?;
        self.file = Some(open_append(&self.path)?);
        self.size = 0;
        self.opened = now;
        prune(&self.path, &self.policy, now)?;
        Ok(())
    }
}

fn rotated_name(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".");
    name.push(suffix);
    path.with_file_name(name)
}

/// Deletes rotated siblings of `path` (`<name>.<suffix>`) that are past the retention or
/// beyond the count kept (newest kept first). Returns how many were deleted.
pub fn prune(path: &Path, policy: &RotatePolicy, now: SystemTime) -> io::Result<usize> {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Ok(0);
    };
    let prefix = format!("{}.", name.to_string_lossy());
    let mut rotated: Vec<(SystemTime, PathBuf)> = Vec::new();
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        if !e.file_name().to_string_lossy().starts_with(&prefix) {
            continue;
        }
        let modified = e.metadata()?.modified().unwrap_or(now);
        rotated.push((modified, e.path()));
    }
    rotated.sort_by_key(|r| std::cmp::Reverse(r.0));
    let mut deleted = 0;
    for (i, (modified, p)) in rotated.iter().enumerate() {
        let old = !policy.retention.is_zero()
            && now.duration_since(*modified).unwrap_or_default() > policy.retention;
        let beyond = policy.keep > 0 && i >= policy.keep;
        if (old || beyond) && std::fs::remove_file(p).is_ok() {
            deleted += 1;
        }
    }
    Ok(deleted)
}

#[cfg(test)]
#[path = "rotate_tests.rs"]
mod tests;
