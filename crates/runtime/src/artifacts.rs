//! Content-addressed storage of attacker files: `data/artifacts/<sha256>`.
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
    /// [`ArtifactStore::hash`] of `bytes`).
    pub async fn put_hashed(&self, sha: &str, bytes: &[u8]) -> Result<(), RuntimeError> {
        let path = self.dir.join(sha);
        if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Ok(());
        }
        let io = |source| RuntimeError::Io {
            path: path.display().to_string(),
            source,
        };
        tokio::fs::create_dir_all(&self.dir).await.map_err(io)?;
        let tmp = self.dir.join(format!(".{sha}.{}", rand::random::<u32>()));
        let mut opts = tokio::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        opts.mode(0o600);
        let res = async {
            use tokio::io::AsyncWriteExt;
            let mut f = opts.open(&tmp).await?;
            f.write_all(bytes).await?;
            f.flush().await?;
            tokio::fs::rename(&tmp, &path).await
        }
        .await;
        if res.is_err() {
            let _ = tokio::fs::remove_file(&tmp).await;
        }
        res.map_err(io)
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
