//! The immutable base image a persona's filesystem is loaded into, shared by all sessions.
//!
//! Nodes live in one vector (index 0 is `/`); a directory holds its children sorted by name
//! for binary search. Images are built with [`BaseBuilder`], usually from a text manifest
//! (`personas/<name>/fs.manifest`, format in `personas/debian12/README.md`):
//!
//! ```text
//! # miragepot fs manifest v1
//! TYPE MODE UID GID SIZE MTIME CONTENT PATH [TARGET]
//! d 0755 0 0 4096 1700000000 - /etc
//! f 0644 0 0 1234 1700000000 = /etc/passwd
//! l 0777 0 0 7 1700000000 - /bin usr/bin
//! ```
//!
//! Parsing is total: a malformed line is an error that names the line, never a panic.

use std::sync::Arc;

use crate::{Content, FileType, Meta, path};

/// One object of the base image.
#[derive(Debug, Clone)]
pub(crate) struct BaseNode {
    pub(crate) meta: Meta,
    pub(crate) data: BaseData,
}

#[derive(Debug, Clone)]
pub(crate) enum BaseData {
    Dir(Vec<(Box<str>, u32)>),
    File(Content),
    Symlink(Box<str>),
    Other,
}

/// The shared, read-only filesystem of a persona.
#[derive(Debug, Clone)]
pub struct BaseImage {
    pub(crate) nodes: Vec<BaseNode>,
}

/// An error in a filesystem manifest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    /// The first line is not the v1 header.
    #[error("manifest header missing: expected `# miragepot fs manifest v1`")]
    MissingHeader,
    /// A line could not be parsed.
    #[error("manifest line {line}: {reason}")]
    BadLine {
        /// 1-based line number.
        line: usize,
        /// What was wrong.
        reason: String,
    },
}

impl BaseImage {
    /// Number of objects in the image (including `/`).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the image holds only `/`.
    pub fn is_empty(&self) -> bool {
        self.nodes.len() <= 1
    }

    pub(crate) fn node(&self, idx: u32) -> Option<&BaseNode> {
        self.nodes.get(idx as usize)
    }

    pub(crate) fn child(&self, dir: u32, name: &str) -> Option<u32> {
        match &self.node(dir)?.data {
            BaseData::Dir(children) => children
                .binary_search_by(|(n, _)| n.as_ref().cmp(name))
                .ok()
                .and_then(|i| children.get(i))
                .map(|(_, idx)| *idx),
            _ => None,
        }
    }

    /// Parses a v1 manifest. `content` returns the shipped bytes of a `=` file by path.
    pub fn from_manifest(
        text: &str,
        content: &dyn Fn(&str) -> Option<Arc<[u8]>>,
    ) -> Result<BaseImage, ManifestError> {
        let mut lines = text.lines();
        if lines.next().map(str::trim) != Some("# miragepot fs manifest v1") {
            return Err(ManifestError::MissingHeader);
        }
        let mut b = BaseBuilder::new(0);
        for (i, line) in lines.enumerate() {
            let lineno = i + 2;
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = |reason: &str| ManifestError::BadLine {
                line: lineno,
                reason: reason.into(),
            };
            let f: Vec<&str> = line.split(' ').collect();
            if f.len() != 8 && f.len() != 9 {
                return Err(bad("expected 8 or 9 fields"));
            }
            let field = |i: usize| f.get(i).copied().unwrap_or("");
            let kind = match field(0) {
                "d" => FileType::Dir,
                "f" => FileType::File,
                "l" => FileType::Symlink,
                "c" => FileType::CharDevice,
                "b" => FileType::BlockDevice,
                "p" => FileType::Fifo,
                "s" => FileType::Socket,
                _ => return Err(bad("unknown type")),
            };
            let mode = u32::from_str_radix(field(1), 8).map_err(|_| bad("bad mode"))?;
            let uid: u32 = field(2).parse().map_err(|_| bad("bad uid"))?;
            let gid: u32 = field(3).parse().map_err(|_| bad("bad gid"))?;
            let size: u64 = field(4).parse().map_err(|_| bad("bad size"))?;
            let mtime: i64 = field(5).parse().map_err(|_| bad("bad mtime"))?;
            let path = unescape(field(7)).ok_or_else(|| bad("bad escape in path"))?;
            if !path.starts_with('/') || path == "/" {
                return Err(bad("path must be absolute and not /"));
            }
            let meta = Meta {
                kind,
                mode: mode & 0o7777,
                uid,
                gid,
                size,
                mtime,
                atime: mtime,
                ctime: mtime,
                nlink: 1,
                ino: 0,
                rdev: (0, 0),
            };
            let data = match kind {
                FileType::Dir => BaseData::Dir(Vec::new()),
                FileType::Symlink => {
                    let t = unescape(field(8)).ok_or_else(|| bad("bad escape in target"))?;
                    if t.is_empty() {
                        return Err(bad("symlink without target"));
                    }
                    BaseData::Symlink(t.into())
                }
                FileType::File => BaseData::File(match field(6) {
                    "=" => Content::Shared(
                        content(&path).ok_or_else(|| bad("shipped content missing"))?,
                    ),
                    "E" => Content::Synthetic {
                        size,
                        seed: seed_of(&path),
                        elf: true,
                    },
                    _ => Content::Synthetic {
                        size,
                        seed: seed_of(&path),
                        elf: false,
                    },
                }),
                _ => BaseData::Other,
            };
            b.insert(&path, meta, data);
        }
        Ok(b.build())
    }
}

/// Decodes the manifest's `\xHH` escapes. Invalid UTF-8 is replaced lossily.
fn unescape(s: &str) -> Option<String> {
    if !s.contains('\\') {
        return Some(s.to_string());
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&c) = bytes.get(i) {
        if c == b'\\' {
            if bytes.get(i + 1) != Some(&b'x') {
                return None;
            }
            let hex = s.get(i + 2..i + 4)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 4;
        } else {
            out.push(c);
            i += 1;
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// A stable 64-bit seed for a path (FNV-1a), for synthetic content.
pub fn seed_of(path: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in path.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Builds a [`BaseImage`] by inserting objects at absolute paths. Missing parent
/// directories are created (mode 0755, root-owned, at the builder's default time).
#[derive(Debug)]
pub struct BaseBuilder {
    nodes: Vec<BaseNode>,
    default_time: i64,
}

impl BaseBuilder {
    /// A builder holding only `/`.
    pub fn new(default_time: i64) -> Self {
        BaseBuilder {
            nodes: vec![dir_node(0o755, default_time)],
            default_time,
        }
    }

    /// Starts from an existing image (to add persona files to a loaded manifest).
    pub fn from_image(image: BaseImage, default_time: i64) -> Self {
        BaseBuilder {
            nodes: image.nodes,
            default_time,
        }
    }

    /// Inserts a directory (or updates an existing one's metadata).
    pub fn dir(&mut self, path: &str, mode: u32, uid: u32, gid: u32) -> &mut Self {
        let meta = Meta {
            uid,
            gid,
            ..dir_node(mode, self.default_time).meta
        };
        self.insert(path, meta, BaseData::Dir(Vec::new()));
        self
    }

    /// Inserts a regular file with the given bytes (replacing any object at that path).
    pub fn file(&mut self, path: &str, mode: u32, uid: u32, gid: u32, bytes: &[u8]) -> &mut Self {
        let t = self.default_time;
        let meta = Meta {
            kind: FileType::File,
            mode,
            uid,
            gid,
            size: bytes.len() as u64,
            mtime: t,
            atime: t,
            ctime: t,
            nlink: 1,
            ino: 0,
            rdev: (0, 0),
        };
        self.insert(
            path,
            meta,
            BaseData::File(Content::Shared(Arc::from(bytes))),
        );
        self
    }

    /// Inserts a symbolic link.
    pub fn symlink(&mut self, path: &str, target: &str) -> &mut Self {
        let t = self.default_time;
        let meta = Meta {
            kind: FileType::Symlink,
            mode: 0o777,
            uid: 0,
            gid: 0,
            size: target.len() as u64,
            mtime: t,
            atime: t,
            ctime: t,
            nlink: 1,
            ino: 0,
            rdev: (0, 0),
        };
        self.insert(path, meta, BaseData::Symlink(target.into()));
        self
    }

    /// Inserts a character device (`/dev/null` is 1,3).
    pub fn char_device(&mut self, path: &str, mode: u32, major: u32, minor: u32) -> &mut Self {
        let t = self.default_time;
        let meta = Meta {
            kind: FileType::CharDevice,
            mode,
            uid: 0,
            gid: 0,
            size: 0,
            mtime: t,
            atime: t,
            ctime: t,
            nlink: 1,
            ino: 0,
            rdev: (major, minor),
        };
        self.insert(path, meta, BaseData::Other);
        self
    }

    pub(crate) fn insert(&mut self, path: &str, meta: Meta, data: BaseData) {
        let norm = path::normalize("/", path);
        let parts: Vec<&str> = norm.split('/').filter(|p| !p.is_empty()).collect();
        let Some((last, dirs)) = parts.split_last() else {
            // `/` itself: only metadata can change.
            if let Some(root) = self.nodes.first_mut()
                && meta.kind == FileType::Dir
            {
                root.meta = Meta {
                    ino: root.meta.ino,
                    ..meta
                };
            }
            return;
        };
        let mut cur = 0u32;
        for d in dirs {
            cur = match self.lookup_child(cur, d) {
                Some(idx) if self.is_dir(idx) => idx,
                _ => {
                    let node = dir_node(0o755, self.default_time);
                    self.put_child(cur, d, node)
                }
            };
        }
        let keep_children = match (&data, self.lookup_child(cur, last)) {
            (BaseData::Dir(_), Some(idx)) if self.is_dir(idx) => Some(idx),
            _ => None,
        };
        if let Some(idx) = keep_children {
            if let Some(n) = self.nodes.get_mut(idx as usize) {
                n.meta = meta;
            }
        } else {
            self.put_child(cur, last, BaseNode { meta, data });
        }
    }

    fn is_dir(&self, idx: u32) -> bool {
        matches!(
            self.nodes.get(idx as usize).map(|n| &n.data),
            Some(BaseData::Dir(_))
        )
    }

    fn lookup_child(&self, dir: u32, name: &str) -> Option<u32> {
        match &self.nodes.get(dir as usize)?.data {
            BaseData::Dir(c) => c.iter().find(|(n, _)| n.as_ref() == name).map(|(_, i)| *i),
            _ => None,
        }
    }

    fn put_child(&mut self, dir: u32, name: &str, node: BaseNode) -> u32 {
        let idx = u32::try_from(self.nodes.len()).unwrap_or(u32::MAX);
        self.nodes.push(node);
        if let Some(BaseNode {
            data: BaseData::Dir(children),
            ..
        }) = self.nodes.get_mut(dir as usize)
        {
            if let Some(slot) = children.iter_mut().find(|(n, _)| n.as_ref() == name) {
                slot.1 = idx;
            } else {
                children.push((name.into(), idx));
            }
        }
        idx
    }

    /// Finishes the image: sorts directories, assigns inode numbers and link counts.
    pub fn build(mut self) -> BaseImage {
        let mut subdirs = vec![0u32; self.nodes.len()];
        for (i, node) in self.nodes.iter().enumerate() {
            if let BaseData::Dir(children) = &node.data {
                let n = children
                    .iter()
                    .filter(|(_, c)| {
                        matches!(
                            self.nodes.get(*c as usize).map(|n| &n.data),
                            Some(BaseData::Dir(_))
                        )
                    })
                    .count();
                if let Some(s) = subdirs.get_mut(i) {
                    *s = u32::try_from(n).unwrap_or(u32::MAX);
                }
            }
        }
        for (i, node) in self.nodes.iter_mut().enumerate() {
            node.meta.ino = 131_073 + i as u64;
            if let BaseData::Dir(children) = &mut node.data {
                children.sort_by(|a, b| a.0.cmp(&b.0));
                node.meta.nlink = 2 + subdirs.get(i).copied().unwrap_or(0);
            }
        }
        BaseImage { nodes: self.nodes }
    }
}

fn dir_node(mode: u32, t: i64) -> BaseNode {
    BaseNode {
        meta: Meta {
            kind: FileType::Dir,
            mode,
            uid: 0,
            gid: 0,
            size: 4096,
            mtime: t,
            atime: t,
            ctime: t,
            nlink: 2,
            ino: 0,
            rdev: (0, 0),
        },
        data: BaseData::Dir(Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const M: &str = "# miragepot fs manifest v1\n\
d 0755 0 0 4096 100 - /etc\n\
f 0644 0 0 5 100 = /etc/passwd\n\
f 0755 0 0 9000 100 E /usr/bin/ls\n\
l 0777 0 0 7 100 - /bin usr/bin\n\
d 1777 0 0 4096 100 - /tmp\n\
f 0644 0 0 3 100 - /odd\\x20name\n";

    #[test]
    fn parses_manifest() {
        let img = BaseImage::from_manifest(M, &|p| {
            (p == "/etc/passwd").then(|| Arc::from(&b"root\n"[..]))
        })
        .unwrap();
        // /, etc, passwd, usr, usr/bin, ls, bin, tmp, odd name
        assert_eq!(img.len(), 9);
        let etc = img.child(0, "etc").unwrap();
        assert!(img.child(etc, "passwd").is_some());
        assert!(img.child(0, "odd name").is_some());
        assert_eq!(img.node(0).unwrap().meta.nlink, 5);
    }

    #[test]
    fn rejects_bad_lines() {
        assert_eq!(
            BaseImage::from_manifest("x", &|_| None).unwrap_err(),
            ManifestError::MissingHeader
        );
        let e =
            BaseImage::from_manifest("# miragepot fs manifest v1\nq 0 0 0 0 0 - /x\n", &|_| None)
                .unwrap_err();
        assert!(matches!(e, ManifestError::BadLine { line: 2, .. }));
        let e =
            BaseImage::from_manifest("# miragepot fs manifest v1\nf 0644 0 0 1 0 = /x\n", &|_| {
                None
            })
            .unwrap_err();
        assert!(matches!(e, ManifestError::BadLine { .. }));
        assert!(unescape("a\\x2").is_none());
    }
}
