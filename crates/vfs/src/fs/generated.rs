//! Content an LLM wrote for a persona file that ships without content.
//!
//! The base image lists every file of a real Debian root but ships only small text files;
//! the rest read as deterministic filler ([`crate::synth`]). When the LLM fallback is on, the
//! shell asks for a plausible text for such a file the first time it is read and gives it to
//! [`Fs::fill_generated`]. The text then lives in this session's overlay as shared bytes, so
//! `ls`, `cat` and `wc` agree from then on, and it is not an artifact (only bytes the session
//! wrote, [`Content::Owned`], are).

use std::sync::Arc;

use super::{Entry, FileData, Fs, OData, ONode};
use crate::{Content, FileType, FsError};

impl Fs {
    /// How `path` (symlinks followed) reads when its bytes are not shipped: `Some(true)` for
    /// a program (ELF filler), `Some(false)` for another file without content, `None` for a
    /// file with real bytes, a directory, or a missing path.
    pub fn synthetic(&self, cwd: &str, path: &str) -> Option<bool> {
        let (loc, node, meta) = self.found(cwd, path, true).ok()?;
        if meta.kind != FileType::File {
            return None;
        }
        match self.file_content(node, &loc.path)? {
            Content::Synthetic { elf, .. } => Some(*elf),
            _ => None,
        }
    }

    /// Replaces the filler of the not-shipped file `path` with `text`, keeping its owner,
    /// mode and times; the size becomes the text's. Fails with `InvalidArgument` unless the
    /// file reads as non-program filler ([`Fs::synthetic`] is `Some(false)`), and with
    /// `NoSpace` over the overlay cap.
    pub fn fill_generated(
        &mut self,
        cwd: &str,
        path: &str,
        text: Arc<[u8]>,
    ) -> Result<(), FsError> {
        let Ok((loc, node, meta)) = self.found(cwd, path, true) else {
            return Err(FsError::InvalidArgument);
        };
        let filler = meta.kind == FileType::File
            && matches!(
                self.file_content(node, &loc.path),
                Some(Content::Synthetic { elf: false, .. })
            );
        if !filler {
            return Err(FsError::InvalidArgument);
        }
        let meta = crate::Meta {
            size: text.len() as u64,
            ..meta
        };
        let cost = text.len();
        let replacing = self.entry_cost(&loc.path);
        self.charge(&loc.path, cost, replacing)?;
        self.overlay.insert(
            loc.path.into_boxed_str(),
            Entry::Node(ONode {
                meta,
                data: OData::File(FileData::Own(Content::Shared(text))),
            }),
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::{BaseImage, Ctx, FileType, Fs, FsError, Limits, WriteMode};

    fn fs() -> Fs {
        let manifest = "# miragepot fs manifest v1\n\
            d 0755 0 0 4096 100 - /etc\n\
            f 0640 0 4 900 100 - /etc/nginx.conf\n\
            f 0755 0 0 4000 100 E /usr-bin-x\n\
            f 0644 0 0 5 100 = /etc/real\n";
        let real = |p: &str| (p == "/etc/real").then(|| Arc::from(&b"real\n"[..]));
        let base = BaseImage::from_manifest(manifest, &real).unwrap();
        Fs::new(Arc::new(base), Limits::default())
    }

    #[test]
    fn fills_filler_and_keeps_metadata() {
        let mut f = fs();
        assert_eq!(f.synthetic("/", "/etc/nginx.conf"), Some(false));
        assert_eq!(f.synthetic("/", "/usr-bin-x"), Some(true));
        assert_eq!(f.synthetic("/", "/etc/real"), None);
        let text: Arc<[u8]> = Arc::from(&b"user www-data;\n"[..]);
        f.fill_generated("/etc", "nginx.conf", text).unwrap();
        let m = f.stat("/", "/etc/nginx.conf").unwrap();
        assert_eq!((m.size, m.mode, m.gid, m.mtime), (15, 0o640, 4, 100));
        assert_eq!(m.kind, FileType::File);
        let ctx = Ctx {
            uid: 0,
            gid: 0,
            now: 200,
        };
        assert_eq!(
            &*f.read("/", "/etc/nginx.conf", &ctx, 1 << 20).unwrap(),
            b"user www-data;\n"
        );
        assert_eq!(f.synthetic("/", "/etc/nginx.conf"), None);
        assert_eq!(
            f.written_files().count(),
            0,
            "generated text is not an artifact"
        );
        // An append by the session makes it the session's bytes.
        f.write(
            "/",
            "/etc/nginx.conf",
            b"x\n",
            WriteMode::Append,
            0o644,
            &ctx,
        )
        .unwrap();
        assert_eq!(
            f.written_content("/", "/etc/nginx.conf").unwrap(),
            b"user www-data;\nx\n"
        );
    }

    #[test]
    fn refuses_programs_real_files_and_missing_paths() {
        let mut f = fs();
        let t: Arc<[u8]> = Arc::from(&b"x"[..]);
        assert_eq!(
            f.fill_generated("/", "/usr-bin-x", t.clone()),
            Err(FsError::InvalidArgument)
        );
        assert_eq!(
            f.fill_generated("/", "/etc/real", t.clone()),
            Err(FsError::InvalidArgument)
        );
        assert_eq!(
            f.fill_generated("/", "/nope", t),
            Err(FsError::InvalidArgument)
        );
    }
}
