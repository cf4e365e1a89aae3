//! [`Fs`]: one session's view of the filesystem, the shared base plus a copy-on-write overlay.
//!
//! The overlay is a `BTreeMap` from canonical absolute path to an entry: an object, or a
//! whiteout hiding a base object. A directory created in the session is *opaque* (it hides
//! base children at the same path); a base directory whose metadata changed is copied up as
//! *transparent*. Because keys are sorted, a directory's overlay children are one range scan.
//!
//! Every mutation is charged against [`Limits`]: the path, a fixed overhead and the bytes
//! written. Over the cap the call fails with `ENOSPC`, as a full disk would.

pub use crate::synth::synthesize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::base::{BaseData, BaseImage};
use crate::path::{child, is_within, split};
use crate::{Content, FileType, FsError, Limits, Meta};

const ENTRY_OVERHEAD: usize = 96;

/// Who is acting and when: ownership of new objects, times, and permission checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ctx {
    /// Acting uid (0 bypasses permission checks).
    pub uid: u32,
    /// Acting primary gid.
    pub gid: u32,
    /// Current time, unix seconds.
    pub now: i64,
}

/// How [`Fs::write`] treats existing content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteMode {
    /// Replace the content (`>`).
    Truncate,
    /// Append to the content (`>>`).
    Append,
    /// Fail with `EEXIST` if the path exists.
    CreateNew,
}

/// One entry of a directory listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirEntry {
    /// Name within the directory.
    pub name: String,
    /// Metadata (of the entry itself, not of a symlink's target).
    pub meta: Meta,
}

#[derive(Debug, Clone)]
enum Entry {
    Whiteout,
    Node(ONode),
}

#[derive(Debug, Clone)]
struct ONode {
    meta: Meta,
    data: OData,
}

#[derive(Debug, Clone)]
enum OData {
    /// `opaque`: base children at this path are hidden.
    Dir {
        opaque: bool,
    },
    File(FileData),
    Symlink(Box<str>),
    Other,
}

#[derive(Debug, Clone)]
enum FileData {
    /// The content of a base node, unchanged (metadata copy-up).
    Base(u32),
    Own(Content),
}

/// Where a walk stands: a canonical path, and the base directory whose children show there.
#[derive(Debug, Clone)]
struct Loc {
    path: String,
    base: Option<u32>,
}

#[derive(Debug, Clone, Copy)]
enum NodeRef {
    Base(u32),
    Overlay,
}

/// The result of resolving a path.
#[derive(Debug)]
enum Walk {
    Found { loc: Loc, node: NodeRef, meta: Meta },
    Missing { parent: Loc, name: String },
}

/// One session's filesystem.
#[derive(Debug, Clone)]
pub struct Fs {
    base: Arc<BaseImage>,
    overlay: BTreeMap<Box<str>, Entry>,
    used: usize,
    next_ino: u64,
    limits: Limits,
}

impl Fs {
    /// A fresh view of `base` with an empty overlay.
    pub fn new(base: Arc<BaseImage>, limits: Limits) -> Fs {
        Fs {
            base,
            overlay: BTreeMap::new(),
            used: 0,
            next_ino: 2_000_001,
            limits,
        }
    }

    /// Bytes charged to the overlay so far.
    pub fn overlay_bytes(&self) -> usize {
        self.used
    }

    /// Number of overlay entries.
    pub fn overlay_entries(&self) -> usize {
        self.overlay.len()
    }

    /// The caps in force.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Whether `path` (absolute and canonical) reads as the base image has it: this session
    /// has changed neither it nor any directory above it. Lets callers reuse what they
    /// derived from the base file (the account tables) instead of reading it again.
    pub fn is_pristine(&self, path: &str) -> bool {
        if self.overlay.is_empty() {
            return true;
        }
        if !path.starts_with('/') || self.overlay.contains_key("/") {
            return false;
        }
        let covered = path
            .match_indices('/')
            .skip(1)
            .any(|(i, _)| path.get(..i).is_some_and(|p| self.overlay.contains_key(p)));
        !covered && !self.overlay.contains_key(path)
    }

    // ---- lookup -------------------------------------------------------------------------

    fn root(&self) -> Loc {
        Loc {
            path: "/".into(),
            base: Some(0),
        }
    }

    fn meta_of(&self, node: NodeRef, path: &str) -> Option<Meta> {
        match node {
            NodeRef::Base(i) => self.base.node(i).map(|n| n.meta.clone()),
            NodeRef::Overlay => match self.overlay.get(path) {
                Some(Entry::Node(n)) => Some(n.meta.clone()),
                _ => None,
            },
        }
    }

    fn lookup_child(&self, parent: &Loc, name: &str) -> Option<(Loc, NodeRef, Meta)> {
        let path = child(&parent.path, name);
        match self.overlay.get(path.as_str()) {
            Some(Entry::Whiteout) => None,
            Some(Entry::Node(n)) => {
                let base = match n.data {
                    OData::Dir { opaque: false } => {
                        parent.base.and_then(|b| self.base.child(b, name))
                    }
                    _ => None,
                };
                let meta = n.meta.clone();
                Some((Loc { path, base }, NodeRef::Overlay, meta))
            }
            None => {
                let idx = self.base.child(parent.base?, name)?;
                let node = self.base.node(idx)?;
                let base = matches!(node.data, BaseData::Dir(_)).then_some(idx);
                Some((Loc { path, base }, NodeRef::Base(idx), node.meta.clone()))
            }
        }
    }

    fn symlink_target(&self, node: NodeRef, path: &str) -> Option<String> {
        match node {
            NodeRef::Base(i) => match &self.base.node(i)?.data {
                BaseData::Symlink(t) => Some(t.to_string()),
                _ => None,
            },
            NodeRef::Overlay => match self.overlay.get(path)? {
                Entry::Node(ONode {
                    data: OData::Symlink(t),
                    ..
                }) => Some(t.to_string()),
                _ => None,
            },
        }
    }

    fn walk(&self, cwd: &str, path: &str, follow_last: bool) -> Result<Walk, FsError> {
        if path.is_empty() {
            return Err(FsError::NotFound);
        }
        if path.len() > self.limits.max_path_len {
            return Err(FsError::NameTooLong);
        }
        let full = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("{cwd}/{path}")
        };
        let trailing_slash = path.ends_with('/');
        let mut queue: std::collections::VecDeque<String> = full
            .split('/')
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect();
        let mut stack: Vec<(Loc, NodeRef, Meta)> = Vec::new();
        let root_meta = self
            .meta_of(NodeRef::Base(0), "/")
            .ok_or(FsError::NotFound)?;
        let root = (
            self.root(),
            self.root_ref(),
            self.root_meta().unwrap_or(root_meta),
        );
        let mut links = 0u32;
        while let Some(comp) = queue.pop_front() {
            let cur = stack.last().unwrap_or(&root);
            match comp.as_str() {
                "." => continue,
                ".." => {
                    stack.pop();
                    continue;
                }
                _ => {}
            }
            if comp.len() > self.limits.max_name_len {
                return Err(FsError::NameTooLong);
            }
            if !cur.2.is_dir() {
                return Err(FsError::NotADirectory);
            }
            let is_last = queue.iter().all(|c| c == ".");
            let Some((loc, node, meta)) = self.lookup_child(&cur.0, &comp) else {
                if is_last {
                    return Ok(Walk::Missing {
                        parent: cur.0.clone(),
                        name: comp,
                    });
                }
                return Err(FsError::NotFound);
            };
            if meta.kind == FileType::Symlink && (!is_last || follow_last || trailing_slash) {
                links += 1;
                if links > self.limits.max_symlinks {
                    return Err(FsError::TooManyLinks);
                }
                let target = self
                    .symlink_target(node, &loc.path)
                    .ok_or(FsError::NotFound)?;
                if target.starts_with('/') {
                    stack.clear();
                }
                for c in target.split('/').filter(|c| !c.is_empty()).rev() {
                    queue.push_front(c.to_string());
                }
                continue;
            }
            stack.push((loc, node, meta));
        }
        let (loc, node, meta) = stack.pop().unwrap_or(root);
        if trailing_slash && !meta.is_dir() {
            return Err(FsError::NotADirectory);
        }
        Ok(Walk::Found { loc, node, meta })
    }

    fn root_ref(&self) -> NodeRef {
        if matches!(self.overlay.get("/"), Some(Entry::Node(_))) {
            NodeRef::Overlay
        } else {
            NodeRef::Base(0)
        }
    }

    fn root_meta(&self) -> Option<Meta> {
        match self.overlay.get("/") {
            Some(Entry::Node(n)) => Some(n.meta.clone()),
            _ => self.base.node(0).map(|n| n.meta.clone()),
        }
    }

    fn found(&self, cwd: &str, path: &str, follow: bool) -> Result<(Loc, NodeRef, Meta), FsError> {
        match self.walk(cwd, path, follow)? {
            Walk::Found { loc, node, meta } => Ok((loc, node, meta)),
            Walk::Missing { .. } => Err(FsError::NotFound),
        }
    }

    /// The canonical absolute path `path` names, following every symlink (`realpath`).
    pub fn canonicalize(&self, cwd: &str, path: &str) -> Result<String, FsError> {
        Ok(self.found(cwd, path, true)?.0.path)
    }

    /// Whether `path` exists (following symlinks).
    pub fn exists(&self, cwd: &str, path: &str) -> bool {
        self.found(cwd, path, true).is_ok()
    }

    /// Metadata, following symlinks (`stat`).
    pub fn stat(&self, cwd: &str, path: &str) -> Result<Meta, FsError> {
        Ok(self.found(cwd, path, true)?.2)
    }

    /// Metadata of the object itself (`lstat`).
    pub fn lstat(&self, cwd: &str, path: &str) -> Result<Meta, FsError> {
        Ok(self.found(cwd, path, false)?.2)
    }

    /// The target of a symbolic link (`readlink`).
    pub fn read_link(&self, cwd: &str, path: &str) -> Result<String, FsError> {
        let (loc, node, meta) = self.found(cwd, path, false)?;
        if meta.kind != FileType::Symlink {
            return Err(FsError::InvalidArgument);
        }
        self.symlink_target(node, &loc.path)
            .ok_or(FsError::InvalidArgument)
    }

    // ---- reading ------------------------------------------------------------------------

    /// Up to `max` bytes of a file's content (following symlinks). Devices and other
    /// special files read as empty; the shell serves `/dev/zero` and `/proc` itself.
    pub fn read(
        &self,
        cwd: &str,
        path: &str,
        ctx: &Ctx,
        max: usize,
    ) -> Result<Cow<'_, [u8]>, FsError> {
        let (loc, node, meta) = self.found(cwd, path, true)?;
        if meta.is_dir() {
            return Err(FsError::IsADirectory);
        }
        if !allowed(&meta, ctx, 4) {
            return Err(FsError::PermissionDenied);
        }
        let content = match self.file_content(node, &loc.path) {
            Some(c) => c,
            None => return Ok(Cow::Borrowed(&[])),
        };
        Ok(match content {
            Content::Shared(b) => Cow::Borrowed(b.get(..max.min(b.len())).unwrap_or(b)),
            Content::Owned(b) => Cow::Borrowed(b.get(..max.min(b.len())).unwrap_or(b)),
            Content::Synthetic { size, seed, elf } => {
                let n = usize::try_from(*size).unwrap_or(usize::MAX).min(max);
                Cow::Owned(synthesize(*seed, *elf, n))
            }
        })
    }

    fn file_content(&self, node: NodeRef, path: &str) -> Option<&Content> {
        match node {
            NodeRef::Base(i) => match &self.base.node(i)?.data {
                BaseData::File(c) => Some(c),
                _ => None,
            },
            NodeRef::Overlay => match self.overlay.get(path)? {
                Entry::Node(ONode {
                    data: OData::File(FileData::Own(c)),
                    ..
                }) => Some(c),
                Entry::Node(ONode {
                    data: OData::File(FileData::Base(i)),
                    ..
                }) => match &self.base.node(*i)?.data {
                    BaseData::File(c) => Some(c),
                    _ => None,
                },
                _ => None,
            },
        }
    }

    /// The entries of a directory (following symlinks), sorted by name, without `.`/`..`.
    pub fn read_dir(&self, cwd: &str, path: &str, ctx: &Ctx) -> Result<Vec<DirEntry>, FsError> {
        let (loc, _, meta) = self.found(cwd, path, true)?;
        if !meta.is_dir() {
            return Err(FsError::NotADirectory);
        }
        if !allowed(&meta, ctx, 4) {
            return Err(FsError::PermissionDenied);
        }
        let mut out: BTreeMap<String, Meta> = BTreeMap::new();
        if let Some(BaseData::Dir(children)) =
            loc.base.and_then(|b| self.base.node(b)).map(|n| &n.data)
        {
            for (name, idx) in children {
                if let Some(n) = self.base.node(*idx) {
                    out.insert(name.to_string(), n.meta.clone());
                }
            }
        }
        let prefix = if loc.path == "/" {
            "/".to_string()
        } else {
            format!("{}/", loc.path)
        };
        for (key, entry) in self.overlay.range::<str, _>((
            std::ops::Bound::Excluded(prefix.as_str()),
            std::ops::Bound::Unbounded,
        )) {
            let Some(rest) = key.strip_prefix(prefix.as_str()) else {
                break;
            };
            if rest.is_empty() || rest.contains('/') {
                continue;
            }
            match entry {
                Entry::Whiteout => {
                    out.remove(rest);
                }
                Entry::Node(n) => {
                    out.insert(rest.to_string(), n.meta.clone());
                }
            }
        }
        Ok(out
            .into_iter()
            .map(|(name, meta)| DirEntry { name, meta })
            .collect())
    }

    // ---- writing ------------------------------------------------------------------------

    fn charge(&mut self, path: &str, bytes: usize, replacing: usize) -> Result<(), FsError> {
        let cost = ENTRY_OVERHEAD + path.len() + bytes;
        let new_used = self.used.saturating_sub(replacing).saturating_add(cost);
        if new_used > self.limits.max_overlay_bytes
            || (replacing == 0 && self.overlay.len() >= self.limits.max_entries)
        {
            return Err(FsError::NoSpace);
        }
        self.used = new_used;
        Ok(())
    }

    fn entry_cost(&self, path: &str) -> usize {
        match self.overlay.get(path) {
            None => 0,
            Some(Entry::Whiteout) => ENTRY_OVERHEAD + path.len(),
            Some(Entry::Node(n)) => {
                ENTRY_OVERHEAD
                    + path.len()
                    + match &n.data {
                        OData::File(FileData::Own(Content::Owned(b))) => b.len(),
                        OData::Symlink(t) => t.len(),
                        _ => 0,
                    }
            }
        }
    }

    fn put(&mut self, path: String, entry: Entry) -> Result<(), FsError> {
        let bytes = match &entry {
            Entry::Node(ONode {
                data: OData::File(FileData::Own(Content::Owned(b))),
                ..
            }) => b.len(),
            Entry::Node(ONode {
                data: OData::Symlink(t),
                ..
            }) => t.len(),
            _ => 0,
        };
        let replacing = self.entry_cost(&path);
        self.charge(&path, bytes, replacing)?;
        self.overlay.insert(path.into_boxed_str(), entry);
        Ok(())
    }

    fn fresh_ino(&mut self) -> u64 {
        self.next_ino += 1;
        self.next_ino
    }

    fn check_writable_path(path: &str) -> Result<(), FsError> {
        if is_within(path, "/proc") || is_within(path, "/sys") {
            return Err(FsError::ReadOnly);
        }
        Ok(())
    }

    fn new_meta(&mut self, kind: FileType, mode: u32, ctx: &Ctx, size: u64) -> Meta {
        Meta {
            kind,
            mode,
            uid: ctx.uid,
            gid: ctx.gid,
            size,
            mtime: ctx.now,
            atime: ctx.now,
            ctime: ctx.now,
            nlink: if kind == FileType::Dir { 2 } else { 1 },
            ino: self.fresh_ino(),
            rdev: (0, 0),
        }
    }

    /// Writes a regular file (following symlinks), creating it with `0o644 & !umask`-style
    /// `mode` when missing. Writes to a character device are accepted and discarded.
    pub fn write(
        &mut self,
        cwd: &str,
        path: &str,
        data: &[u8],
        how: WriteMode,
        mode: u32,
        ctx: &Ctx,
    ) -> Result<(), FsError> {
        match self.walk(cwd, path, true)? {
            Walk::Missing { parent, name } => {
                let full = child(&parent.path, &name);
                // procfs and sysfs never let a file be created: ENOENT, as on Linux.
                Self::check_writable_path(&full).map_err(|_| FsError::NotFound)?;
                self.check_parent_writable(&parent, ctx)?;
                let meta = self.new_meta(FileType::File, mode, ctx, data.len() as u64);
                let node = ONode {
                    meta,
                    data: OData::File(FileData::Own(Content::Owned(data.to_vec()))),
                };
                self.put(full, Entry::Node(node))
            }
            Walk::Found { loc, node, meta } => {
                if how == WriteMode::CreateNew {
                    return Err(FsError::AlreadyExists);
                }
                match meta.kind {
                    FileType::Dir => return Err(FsError::IsADirectory),
                    FileType::CharDevice
                    | FileType::BlockDevice
                    | FileType::Fifo
                    | FileType::Socket => {
                        return Ok(());
                    }
                    _ => {}
                }
                Self::check_writable_path(&loc.path)?;
                if !allowed(&meta, ctx, 2) {
                    return Err(FsError::PermissionDenied);
                }
                let mut bytes = if how == WriteMode::Append {
                    let cap = self.limits.max_overlay_bytes;
                    self.file_content(node, &loc.path)
                        .map(|c| match c {
                            Content::Owned(b) => b.clone(),
                            Content::Shared(b) => b.to_vec(),
                            Content::Synthetic { size, seed, elf } => synthesize(
                                *seed,
                                *elf,
                                usize::try_from(*size).unwrap_or(usize::MAX).min(cap),
                            ),
                        })
                        .unwrap_or_default()
                } else {
                    Vec::new()
                };
                bytes.extend_from_slice(data);
                let new_meta = Meta {
                    size: bytes.len() as u64,
                    mtime: ctx.now,
                    ctime: ctx.now,
                    ..meta
                };
                let node = ONode {
                    meta: new_meta,
                    data: OData::File(FileData::Own(Content::Owned(bytes))),
                };
                self.put(loc.path, Entry::Node(node))
            }
        }
    }

    fn check_parent_writable(&self, parent: &Loc, ctx: &Ctx) -> Result<(), FsError> {
        if ctx.uid == 0 {
            return Ok(());
        }
        let meta = self.found("/", &parent.path, true)?.2;
        if allowed(&meta, ctx, 3) {
            Ok(())
        } else {
            Err(FsError::PermissionDenied)
        }
    }

    /// Creates a directory (`mkdir`, no parents).
    pub fn create_dir(
        &mut self,
        cwd: &str,
        path: &str,
        mode: u32,
        ctx: &Ctx,
    ) -> Result<(), FsError> {
        match self.walk(cwd, path, false)? {
            Walk::Found { .. } => Err(FsError::AlreadyExists),
            Walk::Missing { parent, name } => {
                let full = child(&parent.path, &name);
                Self::check_writable_path(&full)?;
                self.check_parent_writable(&parent, ctx)?;
                let meta = self.new_meta(FileType::Dir, mode, ctx, 4096);
                self.put(
                    full,
                    Entry::Node(ONode {
                        meta,
                        data: OData::Dir { opaque: true },
                    }),
                )
            }
        }
    }

    /// Creates a symbolic link at `link` pointing at `target` (`ln -s`).
    pub fn symlink(
        &mut self,
        cwd: &str,
        target: &str,
        link: &str,
        ctx: &Ctx,
    ) -> Result<(), FsError> {
        match self.walk(cwd, link, false)? {
            Walk::Found { .. } => Err(FsError::AlreadyExists),
            Walk::Missing { parent, name } => {
                let full = child(&parent.path, &name);
                Self::check_writable_path(&full)?;
                self.check_parent_writable(&parent, ctx)?;
                let meta = self.new_meta(FileType::Symlink, 0o777, ctx, target.len() as u64);
                self.put(
                    full,
                    Entry::Node(ONode {
                        meta,
                        data: OData::Symlink(target.into()),
                    }),
                )
            }
        }
    }

    /// Removes a non-directory (`unlink`); a symlink itself is removed, not its target.
    pub fn remove_file(&mut self, cwd: &str, path: &str, ctx: &Ctx) -> Result<(), FsError> {
        let (loc, _, meta) = self.found(cwd, path, false)?;
        if meta.is_dir() {
            return Err(FsError::IsADirectory);
        }
        self.remove_checked(loc, ctx)
    }

    /// Removes an empty directory (`rmdir`).
    pub fn remove_dir(&mut self, cwd: &str, path: &str, ctx: &Ctx) -> Result<(), FsError> {
        let (loc, _, meta) = self.found(cwd, path, false)?;
        if !meta.is_dir() {
            return Err(FsError::NotADirectory);
        }
        if loc.path == "/" {
            return Err(FsError::Busy);
        }
        if !self
            .read_dir("/", &loc.path, &Ctx { uid: 0, ..*ctx })?
            .is_empty()
        {
            return Err(FsError::NotEmpty);
        }
        self.remove_checked(loc, ctx)
    }

    /// Removes a whole tree at once (`rm -rf DIR`): O(1) in the base, whatever its size.
    pub fn remove_tree(&mut self, cwd: &str, path: &str, ctx: &Ctx) -> Result<(), FsError> {
        let (loc, _, _) = self.found(cwd, path, false)?;
        if loc.path == "/" {
            return Err(FsError::Busy);
        }
        self.remove_checked(loc, ctx)
    }

    fn remove_checked(&mut self, loc: Loc, ctx: &Ctx) -> Result<(), FsError> {
        Self::check_writable_path(&loc.path)?;
        let (parent, _) = split(&loc.path).ok_or(FsError::Busy)?;
        let parent_loc = self.found("/", parent, true)?.0;
        self.check_parent_writable(&parent_loc, ctx)?;
        self.purge_below(&loc.path);
        self.put(loc.path, Entry::Whiteout)
    }

    fn purge_below(&mut self, dir: &str) {
        let prefix = format!("{dir}/");
        let keys: Vec<Box<str>> = self
            .overlay
            .range::<str, _>((
                std::ops::Bound::Excluded(prefix.as_str()),
                std::ops::Bound::Unbounded,
            ))
            .take_while(|(k, _)| k.starts_with(prefix.as_str()))
            .map(|(k, _)| k.clone())
            .collect();
        for k in keys {
            let cost = self.entry_cost(&k);
            self.used = self.used.saturating_sub(cost);
            self.overlay.remove(&k);
        }
    }

    /// Copies the object at `loc` (and, for a directory, its whole visible subtree) to `dest`.
    fn copy_tree(
        &mut self,
        loc: &Loc,
        node: NodeRef,
        meta: &Meta,
        dest: &str,
    ) -> Result<(), FsError> {
        let data = match meta.kind {
            FileType::Dir => OData::Dir { opaque: true },
            FileType::Symlink => OData::Symlink(
                self.symlink_target(node, &loc.path)
                    .unwrap_or_default()
                    .into(),
            ),
            FileType::File => match node {
                NodeRef::Base(i) => OData::File(FileData::Base(i)),
                NodeRef::Overlay => match self.overlay.get(loc.path.as_str()) {
                    Some(Entry::Node(n)) => n.data.clone(),
                    _ => OData::Other,
                },
            },
            _ => OData::Other,
        };
        self.put(
            dest.to_string(),
            Entry::Node(ONode {
                meta: meta.clone(),
                data,
            }),
        )?;
        if meta.is_dir() {
            let root = Ctx {
                uid: 0,
                gid: 0,
                now: meta.mtime,
            };
            for e in self.read_dir("/", &loc.path, &root)? {
                let (cl, cn, cm) = self.found("/", &child(&loc.path, &e.name), false)?;
                self.copy_tree(&cl, cn, &cm, &child(dest, &e.name))?;
            }
        }
        Ok(())
    }

    /// Renames `from` to exactly `to` (`rename(2)`): replaces a file at `to`, fails on a
    /// non-empty directory there.
    pub fn rename(&mut self, cwd: &str, from: &str, to: &str, ctx: &Ctx) -> Result<(), FsError> {
        let (floc, fnode, fmeta) = self.found(cwd, from, false)?;
        if floc.path == "/" {
            return Err(FsError::Busy);
        }
        let dest = match self.walk(cwd, to, false)? {
            Walk::Missing { parent, name } => {
                self.check_parent_writable(&parent, ctx)?;
                child(&parent.path, &name)
            }
            Walk::Found { loc, meta, .. } => {
                if loc.path == floc.path {
                    return Ok(());
                }
                if meta.is_dir() && !fmeta.is_dir() {
                    return Err(FsError::IsADirectory);
                }
                if meta.is_dir() && !self.read_dir("/", &loc.path, ctx)?.is_empty() {
                    return Err(FsError::NotEmpty);
                }
                if !meta.is_dir() && fmeta.is_dir() {
                    return Err(FsError::NotADirectory);
                }
                loc.path
            }
        };
        if is_within(&dest, &floc.path) {
            return Err(FsError::InvalidArgument);
        }
        Self::check_writable_path(&dest)?;
        Self::check_writable_path(&floc.path)?;
        self.purge_below(&dest);
        let meta = Meta {
            ctime: ctx.now,
            ..fmeta
        };
        self.copy_tree(&floc, fnode, &meta, &dest)?;
        self.remove_checked(floc, ctx)
    }

    fn copy_up(
        &mut self,
        cwd: &str,
        path: &str,
        follow: bool,
        f: impl FnOnce(&mut Meta),
    ) -> Result<(), FsError> {
        let (loc, node, mut meta) = self.found(cwd, path, follow)?;
        Self::check_writable_path(&loc.path)?;
        f(&mut meta);
        let data = match node {
            NodeRef::Overlay => match self.overlay.get(loc.path.as_str()) {
                Some(Entry::Node(n)) => n.data.clone(),
                _ => return Err(FsError::NotFound),
            },
            NodeRef::Base(i) => match self.base.node(i).map(|n| &n.data) {
                Some(BaseData::Dir(_)) => OData::Dir { opaque: false },
                Some(BaseData::File(_)) => OData::File(FileData::Base(i)),
                Some(BaseData::Symlink(t)) => OData::Symlink(t.clone()),
                _ => OData::Other,
            },
        };
        self.put(loc.path, Entry::Node(ONode { meta, data }))
    }

    /// Changes permission bits (`chmod`, follows symlinks). Only root or the owner may.
    pub fn set_mode(&mut self, cwd: &str, path: &str, mode: u32, ctx: &Ctx) -> Result<(), FsError> {
        let meta = self.stat(cwd, path)?;
        if ctx.uid != 0 && ctx.uid != meta.uid {
            return Err(FsError::NotPermitted);
        }
        self.copy_up(cwd, path, true, |m| {
            m.mode = mode & 0o7777;
            m.ctime = ctx.now;
        })
    }

    /// Changes owner and group (`chown`). Only root may.
    pub fn set_owner(
        &mut self,
        cwd: &str,
        path: &str,
        uid: Option<u32>,
        gid: Option<u32>,
        follow: bool,
        ctx: &Ctx,
    ) -> Result<(), FsError> {
        if ctx.uid != 0 {
            return Err(FsError::NotPermitted);
        }
        self.copy_up(cwd, path, follow, |m| {
            if let Some(u) = uid {
                m.uid = u;
            }
            if let Some(g) = gid {
                m.gid = g;
            }
            m.ctime = ctx.now;
        })
    }

    /// Sets access and modification times (`touch` on an existing file).
    pub fn set_times(
        &mut self,
        cwd: &str,
        path: &str,
        atime: i64,
        mtime: i64,
        ctx: &Ctx,
    ) -> Result<(), FsError> {
        self.copy_up(cwd, path, true, |m| {
            m.atime = atime;
            m.mtime = mtime;
            m.ctime = ctx.now;
        })
    }

    /// The bytes of `path` (symlinks followed) when this session wrote them; `None` for a
    /// file of the base image, a directory, or a missing path.
    pub fn written_content(&self, cwd: &str, path: &str) -> Option<&[u8]> {
        let canon = self.canonicalize(cwd, path).ok()?;
        match self.overlay.get(canon.as_str()) {
            Some(Entry::Node(ONode {
                data: OData::File(FileData::Own(Content::Owned(b))),
                ..
            })) => Some(b.as_slice()),
            _ => None,
        }
    }

    /// Files whose bytes the session wrote, with their content: the artifacts to keep.
    pub fn written_files(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.overlay.iter().filter_map(|(k, e)| match e {
            Entry::Node(ONode {
                data: OData::File(FileData::Own(Content::Owned(b))),
                ..
            }) => Some((k.as_ref(), b.as_slice())),
            _ => None,
        })
    }
}

/// Permission check for a non-root actor. `want`: 4 read, 2 write, 1 exec (may be or-ed).
fn allowed(meta: &Meta, ctx: &Ctx, want: u32) -> bool {
    if ctx.uid == 0 {
        return true;
    }
    let bits = if ctx.uid == meta.uid {
        (meta.mode >> 6) & 7
    } else if ctx.gid == meta.gid {
        (meta.mode >> 3) & 7
    } else {
        meta.mode & 7
    };
    bits & want == want
}

#[cfg(test)]
mod tests;

mod generated;
