//! Redirections: `> >> < 2> 2>&1 >&2 &> &>> <<EOF <<-EOF <<< <&- >&-` onto VFS files.
//!
//! Output files are created or truncated when the redirection is applied (so `> f` alone
//! creates `f`), written into a buffer while the command runs, and appended to the VFS in
//! one write when the redirection's scope ends. Device paths are special-cased:
//! `/dev/null` discards, `/dev/zero` and `/dev/urandom` read as a bounded run of bytes,
//! `/dev/stdout`, `/dev/stderr`, `/dev/fd/N` and `/dev/tty` name existing descriptors.
//! `/dev/tcp/HOST/PORT` fails with "Connection refused": the honeypot never connects.
//!
//! Known limits: input descriptors other than 0 are ignored (`3<file`); `<>` opens for
//! reading only; `>(cmd)` discards its input.

use brush_parser::ast::{IoFileRedirectKind as K, IoFileRedirectTarget as T, IoRedirect};
use miragepot_vfs::{FileType, Meta, WriteMode, path};

use super::{Interp, Io, OpenFile, Res, Sink};

/// Bytes a read of `/dev/zero` or `/dev/urandom` yields.
const DEVICE_READ: usize = 64 * 1024;

/// What was open before a redirection list, to close it afterwards.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scope {
    files: usize,
    inputs: usize,
}

/// Whether `uid`/`gid` may access a file (`want`: 4 read, 2 write, 1 exec). Root may do
/// anything except execute a file with no execute bit at all.
pub(crate) fn can_access(meta: &Meta, uid: u32, gid: u32, want: u32) -> bool {
    if uid == 0 {
        return want & 1 == 0 || meta.is_dir() || meta.mode & 0o111 != 0;
    }
    let bits = if uid == meta.uid {
        (meta.mode >> 6) & 7
    } else if gid == meta.gid {
        (meta.mode >> 3) & 7
    } else {
        meta.mode & 7
    };
    bits & want == want
}

impl Interp {
    /// Marks the current open files and inputs.
    pub(crate) fn open_scope(&self) -> Scope {
        Scope {
            files: self.files.len(),
            inputs: self.inputs.len(),
        }
    }

    /// Flushes files opened since `s` and drops inputs pushed since.
    pub(crate) fn close_scope(&mut self, s: Scope) {
        self.flush_files_from(s.files);
        if self.inputs.len() > s.inputs {
            self.inputs.truncate(s.inputs);
        }
    }

    /// Applies redirections left to right. `Ok(Err(status))`: one failed (already reported).
    pub(crate) fn apply_redirects(
        &mut self,
        items: &[&IoRedirect],
        io: &Io,
    ) -> Res<Result<Io, i32>> {
        let mut io2 = io.clone();
        for r in items {
            match r {
                IoRedirect::File(fd, kind, target) => {
                    let res = self.file_redirect(&mut io2, *fd, kind, target, io)?;
                    if let Err(st) = res {
                        return Ok(Err(st));
                    }
                }
                IoRedirect::HereDocument(_, doc) => {
                    let body = if doc.requires_expansion {
                        self.expand_heredoc(io, &doc.doc.value)?
                    } else {
                        doc.doc.value.clone()
                    };
                    io2.stdin = Some(self.push_input(body.into_bytes()));
                }
                IoRedirect::HereString(_, w) => {
                    let mut s = self.expand_string(io, &w.value)?;
                    s.push('\n');
                    io2.stdin = Some(self.push_input(s.into_bytes()));
                }
                IoRedirect::OutputAndError(w, append) => {
                    let Some(p) = self.redirect_target(io, &w.value)? else {
                        return Ok(Err(1));
                    };
                    match self.open_output(&p, *append, &io2) {
                        Ok(sink) => {
                            io2.fds[1] = Some(sink);
                            io2.fds[2] = Some(sink);
                        }
                        Err(msg) => {
                            self.error(io, &msg);
                            return Ok(Err(1));
                        }
                    }
                }
            }
        }
        Ok(Ok(io2))
    }

    /// Expands a redirection target; more or fewer than one field is "ambiguous".
    fn redirect_target(&mut self, io: &Io, word: &str) -> Res<Option<String>> {
        let mut fields = Vec::new();
        self.expand_fields(io, word, &mut fields)?;
        if fields.len() != 1 {
            self.error(io, &format!("{word}: ambiguous redirect"));
            return Ok(None);
        }
        Ok(fields.pop())
    }

    fn file_redirect(
        &mut self,
        io2: &mut Io,
        fd: Option<i32>,
        kind: &K,
        target: &T,
        io: &Io,
    ) -> Res<Result<(), i32>> {
        let word = match target {
            T::Filename(w) | T::Duplicate(w) => Some(w.value.clone()),
            T::Fd(n) => Some(n.to_string()),
            T::ProcessSubstitution(kind_ps, sub) => {
                if matches!(kind_ps, brush_parser::ast::ProcessSubstitutionKind::Read) {
                    let b = self.push_buf();
                    let mut sio = io.clone();
                    sio.fds[1] = Some(Sink::Buf(b));
                    let r = self.subshell(|s| s.exec_list(&sub.list, &sio));
                    let data = self.pop_buf(b);
                    r?;
                    io2.stdin = Some(self.push_input(data));
                } else {
                    let n = fd.unwrap_or(1) as usize;
                    if let Some(slot) = io2.fds.get_mut(n) {
                        *slot = Some(Sink::Null);
                    }
                }
                return Ok(Ok(()));
            }
        };
        let word = word.unwrap_or_default();
        match kind {
            K::Read | K::ReadAndWrite => {
                let Some(p) = self.redirect_target(io, &word)? else {
                    return Ok(Err(1));
                };
                if fd.unwrap_or(0) != 0 {
                    return Ok(Ok(()));
                }
                match self.open_input(&p, io2) {
                    Ok(Some(data)) => io2.stdin = Some(self.push_input(data)),
                    Ok(None) => {}
                    Err(msg) => {
                        self.error(io, &msg);
                        return Ok(Err(1));
                    }
                }
            }
            K::Write | K::Clobber | K::Append => {
                let Some(p) = self.redirect_target(io, &word)? else {
                    return Ok(Err(1));
                };
                let n = fd.unwrap_or(1) as usize;
                if self.st.opts.noclobber
                    && matches!(kind, K::Write)
                    && p != "/dev/null"
                    && self.fs.exists(&self.st.cwd, &p)
                {
                    self.error(io, &format!("{p}: cannot overwrite existing file"));
                    return Ok(Err(1));
                }
                match self.open_output(&p, matches!(kind, K::Append), io2) {
                    Ok(sink) => {
                        if let Some(slot) = io2.fds.get_mut(n) {
                            *slot = Some(sink);
                        }
                    }
                    Err(msg) => {
                        self.error(io, &msg);
                        return Ok(Err(1));
                    }
                }
            }
            K::DuplicateOutput | K::DuplicateInput => {
                let w = self.expand_string(io, &word)?;
                let input = matches!(kind, K::DuplicateInput);
                let n = fd.unwrap_or(if input { 0 } else { 1 }) as usize;
                if w == "-" {
                    if input && n == 0 {
                        io2.stdin = None;
                    } else if let Some(slot) = io2.fds.get_mut(n) {
                        *slot = None;
                    }
                } else if let Ok(src) = w.parse::<usize>() {
                    if input {
                        return Ok(Ok(()));
                    }
                    match io2.fds.get(src).copied().flatten() {
                        Some(sink) if src < 10 => {
                            if let Some(slot) = io2.fds.get_mut(n) {
                                *slot = Some(sink);
                            }
                        }
                        _ => {
                            self.error(io, &format!("{src}: Bad file descriptor"));
                            return Ok(Err(1));
                        }
                    }
                } else if !input && fd.is_none() {
                    match self.open_output(&w, false, io2) {
                        Ok(sink) => {
                            io2.fds[1] = Some(sink);
                            io2.fds[2] = Some(sink);
                        }
                        Err(msg) => {
                            self.error(io, &msg);
                            return Ok(Err(1));
                        }
                    }
                } else {
                    self.error(io, &format!("{w}: ambiguous redirect"));
                    return Ok(Err(1));
                }
            }
        }
        Ok(Ok(()))
    }

    fn net_refused(&self, p: &str) -> Option<String> {
        let rest = p
            .strip_prefix("/dev/tcp/")
            .or_else(|| p.strip_prefix("/dev/udp/"))?;
        let (host, port) = rest.split_once('/')?;
        if host.is_empty() || port.is_empty() {
            return None;
        }
        Some(format!("{p}: Connection refused"))
    }

    /// The bytes of an input redirection; `Ok(None)` keeps the current stdin.
    fn open_input(&mut self, p: &str, io: &Io) -> Result<Option<Vec<u8>>, String> {
        match p {
            "/dev/null" => return Ok(Some(Vec::new())),
            "/dev/zero" => return Ok(Some(vec![0; DEVICE_READ])),
            "/dev/urandom" | "/dev/random" => {
                let mut v = Vec::with_capacity(DEVICE_READ);
                while v.len() < DEVICE_READ {
                    v.extend_from_slice(&self.rng.next_u64().to_le_bytes());
                }
                return Ok(Some(v));
            }
            "/dev/stdin" | "/dev/fd/0" | "/proc/self/fd/0" => return Ok(None),
            "/dev/tty" => return Ok(Some(Vec::new())),
            _ => {}
        }
        if let Some(msg) = self.net_refused(p) {
            let pre = self.prefix();
            self.emit_str(io, 2, &format!("{pre}connect: Connection refused\n"));
            return Err(msg);
        }
        self.sync_files();
        let ctx = self.fs_ctx();
        let cap = self.limits.max_output_bytes.saturating_mul(4).max(1 << 16);
        match self.fs.read(&self.st.cwd, p, &ctx, cap) {
            Ok(b) => Ok(Some(b.into_owned())),
            Err(miragepot_vfs::FsError::IsADirectory) => Ok(Some(Vec::new())),
            Err(e) => Err(format!("{p}: {e}")),
        }
    }

    /// Opens (creating or truncating) an output file; the error text is `PATH: strerror`.
    pub(crate) fn open_output(&mut self, p: &str, append: bool, io: &Io) -> Result<Sink, String> {
        match p {
            "/dev/null" | "/dev/zero" | "/dev/full" | "/dev/random" | "/dev/urandom" => {
                return Ok(Sink::Null);
            }
            "/dev/tty" => return Ok(Sink::Out),
            "/dev/stdout" | "/proc/self/fd/1" => return Ok(io.fds[1].unwrap_or(Sink::Null)),
            "/dev/stderr" | "/proc/self/fd/2" => return Ok(io.fds[2].unwrap_or(Sink::Null)),
            _ => {}
        }
        if let Some(n) = p
            .strip_prefix("/dev/fd/")
            .and_then(|n| n.parse::<usize>().ok())
        {
            return match io.fds.get(n).copied().flatten() {
                Some(s) => Ok(s),
                None => Err(format!("/dev/fd/{n}: No such file or directory")),
            };
        }
        if let Some(msg) = self.net_refused(p) {
            let pre = self.prefix();
            self.emit_str(io, 2, &format!("{pre}connect: Connection refused\n"));
            return Err(msg);
        }
        let cwd = self.st.cwd.clone();
        let abs = path::normalize(&cwd, p);
        let ctx = self.fs_ctx();
        match self.fs.stat(&cwd, p) {
            Ok(m) if m.is_dir() => return Err(format!("{p}: Is a directory")),
            Ok(m)
                if matches!(
                    m.kind,
                    FileType::CharDevice
                        | FileType::BlockDevice
                        | FileType::Fifo
                        | FileType::Socket
                ) =>
            {
                return Ok(Sink::Null);
            }
            Ok(m) => {
                if !can_access(&m, self.user.uid, self.user.gid, 2) {
                    return Err(format!("{p}: Permission denied"));
                }
                if !append {
                    self.fs
                        .write(
                            &cwd,
                            p,
                            b"",
                            WriteMode::Truncate,
                            0o666 & !self.st.umask,
                            &ctx,
                        )
                        .map_err(|e| format!("{p}: {e}"))?;
                }
            }
            Err(_) => {
                self.fs
                    .write(
                        &cwd,
                        p,
                        b"",
                        WriteMode::Truncate,
                        0o666 & !self.st.umask,
                        &ctx,
                    )
                    .map_err(|e| format!("{p}: {e}"))?;
            }
        }
        let real = self.fs.canonicalize(&cwd, p).unwrap_or(abs);
        self.files.push(OpenFile {
            path: real,
            data: Vec::new(),
        });
        Ok(Sink::File(self.files.len() - 1))
    }
}
