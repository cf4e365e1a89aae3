//! Content-addressed storage of attacker files: `data/artifacts/<sha256>`, and
//! [`DataDirs`], the layout of the data directory.
//!
//! Each distinct content is stored once, whatever its path or session, written to a temporary
//! name and renamed into place so a reader never sees a partial file. Files are mode 0600.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::RuntimeError;

/// The artifact directory.
#[derive(Debug, Clone)]
pub struct ArtifactStore {
    dir: PathBuf,
}

impl ArtifactStore {
    /// A store rooted at `dir` (created on first write).
    pub fn new(dir: PathBuf) -> Self {
        ArtifactStore { dir }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The sha256 (hex) of some bytes.
    pub fn hash(bytes: &[u8]) -> String {
        hex::encode(Sha256::digest(bytes))
    }

    /// Stores `bytes` and returns their sha256. Already-stored content is not rewritten.
    pub async fn put(&self, bytes: &[u8]) -> Result<String, RuntimeError> {
        let sha = Self::hash(bytes);
        self.put_hashed(&sha, bytes).await?;
        Ok(sha)
    }

    /// Stores `bytes` whose sha256 the caller already computed (`sha` must be
    /// [`ArtifactStore::hash`] of `bytes`). All of it is one trip to the blocking pool
    /// ([`crate::fsio`]).
    pub async fn put_hashed(&self, sha: &str, bytes: &[u8]) -> Result<(), RuntimeError> {
        let dir = self.dir.clone();
        let path = self.dir.join(sha);
        let tmp = self.dir.join(format!(".{sha}.{}", rand::random::<u32>()));
        let shown = path.display().to_string();
        let bytes = bytes.to_vec();
        let res = crate::fsio::blocking(move || {
            if path.try_exists().unwrap_or(false) {
                return Ok(());
            }
            std::fs::create_dir_all(&dir)?;
            let res = write_new(&tmp, &bytes).and_then(|()| std::fs::rename(&tmp, &path));
            if res.is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
            res
        })
        .await;
        res.map_err(|source| RuntimeError::Io {
            path: shown,
            source,
        })
    }
}

/// Creates `path` (mode 0600; it must not exist) holding `bytes`.
fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(path)?;
    f.write_all(bytes)
}

/// Where the runtime keeps its files, all under one data directory.
#[derive(Debug, Clone)]
pub struct DataDirs {
    /// The data directory itself.
    pub root: PathBuf,
    /// Terminal recordings (`recordings/<session>.cast`).
    pub recordings: PathBuf,
    /// Content-addressed attacker files (`artifacts/<sha256>`).
    pub artifacts: PathBuf,
    /// Per-session JSON files (`logs/session_<id>.json`).
    pub session_logs: PathBuf,
}

impl DataDirs {
    /// The standard layout under `root`.
    pub fn under(root: PathBuf) -> Self {
        DataDirs {
            recordings: root.join("recordings"),
            artifacts: root.join("artifacts"),
            session_logs: root.join("logs"),
            root,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stores_once_by_hash() {
        let dir = tempfile::tempdir().unwrap();
        let s = ArtifactStore::new(dir.path().join("a"));
        let h1 = s.put(b"hello").await.unwrap();
        let h2 = s.put(b"hello").await.unwrap();
        assert_eq!(h1, h2);
        assert_eq!(
            h1,
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        assert_eq!(
            std::fs::read(dir.path().join("a").join(&h1)).unwrap(),
            b"hello"
        );
        assert_eq!(std::fs::read_dir(dir.path().join("a")).unwrap().count(), 1);
    }
}
