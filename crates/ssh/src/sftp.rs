//! File transfer into the session's fake filesystem: the SFTP subsystem and the legacy
//! `scp -t` sink.
//!
//! Both write only into the session's copy-on-write VFS; nothing touches the host's disk
//! except the content-addressed artifact store under the data dir, where every uploaded
//! file's bytes are kept (one `file_uploaded` event each). Uploads are bounded: a file over
//! [`MAX_UPLOAD`] fails with a write error, as a full disk would.
//!
//! Known limits: SFTP `setstat` times and ownership are accepted but only mode changes are
//! applied; scp recursive directory uploads (`-r`) create the directories and files.

use std::collections::HashMap;
use std::sync::Arc;

use miragepot_event::UploadVia;
use miragepot_runtime::SessionDriver;
use miragepot_vfs::{FsError, Meta, WriteMode};
use russh::server::{Msg, Session};
use russh::{Channel, ChannelId};
use russh_sftp::protocol::{
    Attrs, Data, File, FileAttributes, Handle, Name, OpenFlags, Status, StatusCode, Version,
};

use crate::handler::{SharedConn, SshHandler, lock};

/// Largest file accepted by SFTP or scp.
pub const MAX_UPLOAD: usize = 64 * 1024 * 1024;
const MAX_HANDLES: usize = 64;

/// Starts an SFTP server on the channel, over the connection's session filesystem.
pub fn spawn_sftp(conn: SharedConn, channel: Channel<Msg>) {
    let home = lock(&conn)
        .driver
        .as_deref()
        .map_or_else(|| "/root".to_string(), SessionDriver::home);
    let handler = SftpHandler {
        conn,
        handles: HashMap::new(),
        next: 0,
        home,
    };
    tokio::spawn(russh_sftp::server::run(channel.into_stream(), handler));
}

enum OpenHandle {
    File {
        path: String,
        buf: Vec<u8>,
        dirty: bool,
    },
    Dir {
        entries: Option<Vec<File>>,
    },
}

struct SftpHandler {
    conn: SharedConn,
    handles: HashMap<String, OpenHandle>,
    next: u64,
    home: String,
}

fn status(id: u32, code: StatusCode, msg: &str) -> Status {
    Status {
        id,
        status_code: code,
        error_message: msg.into(),
        language_tag: "en-US".into(),
    }
}

fn fs_code(e: FsError) -> StatusCode {
    match e {
        FsError::NotFound => StatusCode::NoSuchFile,
        FsError::PermissionDenied | FsError::NotPermitted | FsError::ReadOnly => {
            StatusCode::PermissionDenied
        }
        _ => StatusCode::Failure,
    }
}

fn attrs_of(m: &Meta) -> FileAttributes {
    FileAttributes {
        size: Some(m.size),
        uid: Some(m.uid),
        user: None,
        gid: Some(m.gid),
        group: None,
        permissions: Some(m.st_mode()),
        atime: u32::try_from(m.atime).ok(),
        mtime: u32::try_from(m.mtime).ok(),
    }
}

impl SftpHandler {
    fn with_fs<R>(
        &self,
        f: impl FnOnce(&mut miragepot_vfs::Fs, &miragepot_vfs::Ctx) -> R,
    ) -> Option<R> {
        let mut st = lock(&self.conn);
        st.driver.as_mut().map(|d| d.with_fs(f))
    }

    fn abs(&self, path: &str) -> String {
        miragepot_vfs::path::normalize(&self.home, if path.is_empty() { "." } else { path })
    }

    fn new_handle(&mut self, h: OpenHandle) -> Result<String, StatusCode> {
        if self.handles.len() >= MAX_HANDLES {
            return Err(StatusCode::Failure);
        }
        self.next += 1;
        let name = format!("{}", self.next);
        self.handles.insert(name.clone(), h);
        Ok(name)
    }

    async fn flush_file(&mut self, path: String, buf: Vec<u8>) -> Result<(), StatusCode> {
        let res = self
            .with_fs(|fs, ctx| fs.write("/", &path, &buf, WriteMode::Truncate, 0o644, ctx))
            .unwrap_or(Err(FsError::NotFound));
        res.map_err(fs_code)?;
        let (services, ctx) = {
            let st = lock(&self.conn);
            match st.driver.as_ref() {
                Some(d) => (Arc::clone(d.services()), d.context().clone()),
                None => return Ok(()),
            }
        };
        let Some(sha) = lock(&self.conn)
            .driver
            .as_mut()
            .map(|d| d.note_upload(&path, &buf))
        else {
            return Ok(());
        };
        SessionDriver::file_uploaded(&services, &ctx, &path, &buf, sha, UploadVia::Sftp).await;
        Ok(())
    }
}

impl russh_sftp::server::Handler for SftpHandler {
    type Error = StatusCode;

    fn unimplemented(&self) -> Self::Error {
        StatusCode::OpUnsupported
    }

    async fn init(
        &mut self,
        _version: u32,
        _ext: HashMap<String, String>,
    ) -> Result<Version, Self::Error> {
        Ok(Version::new())
    }

    async fn open(
        &mut self,
        id: u32,
        filename: String,
        pflags: OpenFlags,
        _attrs: FileAttributes,
    ) -> Result<Handle, Self::Error> {
        let path = self.abs(&filename);
        let existing = self
            .with_fs(|fs, ctx| fs.read("/", &path, ctx, MAX_UPLOAD).map(|c| c.into_owned()))
            .unwrap_or(Err(FsError::NotFound));
        let buf = match existing {
            Ok(b) if !pflags.contains(OpenFlags::TRUNCATE) => b,
            Ok(_) => Vec::new(),
            Err(FsError::NotFound) if pflags.contains(OpenFlags::CREATE) => Vec::new(),
            Err(e) => return Err(fs_code(e)),
        };
        let dirty = pflags.contains(OpenFlags::CREATE) || pflags.contains(OpenFlags::TRUNCATE);
        let handle = self.new_handle(OpenHandle::File { path, buf, dirty })?;
        Ok(Handle { id, handle })
    }

    async fn close(&mut self, id: u32, handle: String) -> Result<Status, Self::Error> {
        match self.handles.remove(&handle) {
            Some(OpenHandle::File {
                path,
                buf,
                dirty: true,
            }) => {
                self.flush_file(path, buf).await?;
            }
            Some(_) => {}
            None => return Err(StatusCode::Failure),
        }
        Ok(status(id, StatusCode::Ok, "Ok"))
    }

    async fn read(
        &mut self,
        id: u32,
        handle: String,
        offset: u64,
        len: u32,
    ) -> Result<Data, Self::Error> {
        let Some(OpenHandle::File { buf, .. }) = self.handles.get(&handle) else {
            return Err(StatusCode::Failure);
        };
        let start = usize::try_from(offset).unwrap_or(usize::MAX);
        if start >= buf.len() {
            return Err(StatusCode::Eof);
        }
        let end = start.saturating_add(len.min(65536) as usize).min(buf.len());
        Ok(Data {
            id,
            data: buf.get(start..end).unwrap_or(&[]).to_vec(),
        })
    }

    async fn write(
        &mut self,
        id: u32,
        handle: String,
        offset: u64,
        data: Vec<u8>,
    ) -> Result<Status, Self::Error> {
        let Some(OpenHandle::File { buf, dirty, .. }) = self.handles.get_mut(&handle) else {
            return Err(StatusCode::Failure);
        };
        let start = usize::try_from(offset).unwrap_or(usize::MAX);
        let end = start.checked_add(data.len()).ok_or(StatusCode::Failure)?;
        if end > MAX_UPLOAD {
            return Err(StatusCode::Failure);
        }
        if buf.len() < end {
            buf.resize(end, 0);
        }
        if let Some(dst) = buf.get_mut(start..end) {
            dst.copy_from_slice(&data);
        }
        *dirty = true;
        Ok(status(id, StatusCode::Ok, "Ok"))
    }

    async fn lstat(&mut self, id: u32, path: String) -> Result<Attrs, Self::Error> {
        let p = self.abs(&path);
        let m = self
            .with_fs(|fs, _| fs.lstat("/", &p))
            .unwrap_or(Err(FsError::NotFound))
            .map_err(fs_code)?;
        Ok(Attrs {
            id,
            attrs: attrs_of(&m),
        })
    }

    async fn stat(&mut self, id: u32, path: String) -> Result<Attrs, Self::Error> {
        let p = self.abs(&path);
        let m = self
            .with_fs(|fs, _| fs.stat("/", &p))
            .unwrap_or(Err(FsError::NotFound))
            .map_err(fs_code)?;
        Ok(Attrs {
            id,
            attrs: attrs_of(&m),
        })
    }

    async fn fstat(&mut self, id: u32, handle: String) -> Result<Attrs, Self::Error> {
        match self.handles.get(&handle) {
            Some(OpenHandle::File { path, buf, .. }) => {
                let (path, len) = (path.clone(), buf.len() as u64);
                let m = self
                    .with_fs(|fs, _| fs.stat("/", &path))
                    .and_then(Result::ok);
                let mut attrs = m
                    .as_ref()
                    .map(attrs_of)
                    .unwrap_or_else(FileAttributes::empty);
                attrs.size = Some(len);
                Ok(Attrs { id, attrs })
            }
            _ => Err(StatusCode::Failure),
        }
    }

    async fn setstat(
        &mut self,
        id: u32,
        path: String,
        attrs: FileAttributes,
    ) -> Result<Status, Self::Error> {
        let p = self.abs(&path);
        if let Some(mode) = attrs.permissions {
            self.with_fs(|fs, ctx| fs.set_mode("/", &p, mode & 0o7777, ctx))
                .unwrap_or(Err(FsError::NotFound))
                .map_err(fs_code)?;
        }
        Ok(status(id, StatusCode::Ok, "Ok"))
    }

    async fn fsetstat(
        &mut self,
        id: u32,
        _handle: String,
        _attrs: FileAttributes,
    ) -> Result<Status, Self::Error> {
        Ok(status(id, StatusCode::Ok, "Ok"))
    }

    async fn opendir(&mut self, id: u32, path: String) -> Result<Handle, Self::Error> {
        let p = self.abs(&path);
        let entries = self
            .with_fs(|fs, ctx| fs.read_dir("/", &p, ctx))
            .unwrap_or(Err(FsError::NotFound))
            .map_err(fs_code)?;
        let files = entries
            .into_iter()
            .take(10_000)
            .map(|e| File {
                longname: format!(
                    "{} {:>3} {:<8} {:<8} {:>8} Jan  1 00:00 {}",
                    e.meta.mode_string(),
                    e.meta.nlink,
                    e.meta.uid,
                    e.meta.gid,
                    e.meta.size,
                    e.name
                ),
                filename: e.name,
                attrs: attrs_of(&e.meta),
            })
            .collect();
        let handle = self.new_handle(OpenHandle::Dir {
            entries: Some(files),
        })?;
        Ok(Handle { id, handle })
    }

    async fn readdir(&mut self, id: u32, handle: String) -> Result<Name, Self::Error> {
        match self.handles.get_mut(&handle) {
            Some(OpenHandle::Dir { entries }) => match entries.take() {
                Some(files) if !files.is_empty() => Ok(Name { id, files }),
                _ => Err(StatusCode::Eof),
            },
            _ => Err(StatusCode::Failure),
        }
    }

    async fn remove(&mut self, id: u32, filename: String) -> Result<Status, Self::Error> {
        let p = self.abs(&filename);
        self.with_fs(|fs, ctx| fs.remove_file("/", &p, ctx))
            .unwrap_or(Err(FsError::NotFound))
            .map_err(fs_code)?;
        Ok(status(id, StatusCode::Ok, "Ok"))
    }

    async fn mkdir(
        &mut self,
        id: u32,
        path: String,
        _attrs: FileAttributes,
    ) -> Result<Status, Self::Error> {
        let p = self.abs(&path);
        self.with_fs(|fs, ctx| fs.create_dir("/", &p, 0o755, ctx))
            .unwrap_or(Err(FsError::NotFound))
            .map_err(fs_code)?;
        Ok(status(id, StatusCode::Ok, "Ok"))
    }

    async fn rmdir(&mut self, id: u32, path: String) -> Result<Status, Self::Error> {
        let p = self.abs(&path);
        self.with_fs(|fs, ctx| fs.remove_dir("/", &p, ctx))
            .unwrap_or(Err(FsError::NotFound))
            .map_err(fs_code)?;
        Ok(status(id, StatusCode::Ok, "Ok"))
    }

    async fn realpath(&mut self, id: u32, path: String) -> Result<Name, Self::Error> {
        let p = self.abs(&path);
        let real = self
            .with_fs(|fs, _| fs.canonicalize("/", &p))
            .and_then(Result::ok)
            .unwrap_or(p);
        Ok(Name {
            id,
            files: vec![File::dummy(real)],
        })
    }

    async fn rename(
        &mut self,
        id: u32,
        oldpath: String,
        newpath: String,
    ) -> Result<Status, Self::Error> {
        let (a, b) = (self.abs(&oldpath), self.abs(&newpath));
        self.with_fs(|fs, ctx| fs.rename("/", &a, &b, ctx))
            .unwrap_or(Err(FsError::NotFound))
            .map_err(fs_code)?;
        Ok(status(id, StatusCode::Ok, "Ok"))
    }

    async fn readlink(&mut self, id: u32, path: String) -> Result<Name, Self::Error> {
        let p = self.abs(&path);
        let t = self
            .with_fs(|fs, _| fs.read_link("/", &p))
            .unwrap_or(Err(FsError::NotFound))
            .map_err(fs_code)?;
        Ok(Name {
            id,
            files: vec![File::dummy(t)],
        })
    }

    async fn symlink(
        &mut self,
        id: u32,
        linkpath: String,
        targetpath: String,
    ) -> Result<Status, Self::Error> {
        let l = self.abs(&linkpath);
        self.with_fs(|fs, ctx| fs.symlink("/", &targetpath, &l, ctx))
            .unwrap_or(Err(FsError::NotFound))
            .map_err(fs_code)?;
        Ok(status(id, StatusCode::Ok, "Ok"))
    }
}

// ---- legacy scp sink (`scp -O`, `scp -t DEST`) ---------------------------------------------

/// State of one `scp -t` channel.
#[derive(Debug)]
pub struct ScpSink {
    dest: String,
    dir_stack: Vec<String>,
    pending: Vec<u8>,
    /// The file being received: (path, bytes expected, bytes so far).
    file: Option<(String, usize, Vec<u8>)>,
    done: Vec<(String, Vec<u8>)>,
    failed: bool,
}

/// Starts an `scp -t` sink on an exec channel.
pub fn start_scp_sink(
    h: &mut SshHandler,
    channel: ChannelId,
    line: &str,
    session: &mut Session,
) -> Result<(), russh::Error> {
    let dest = line
        .split_whitespace()
        .filter(|w| !w.starts_with('-'))
        .nth(1)
        .unwrap_or(".")
        .to_string();
    h.emit_input(line);
    let home = lock(&h.conn)
        .driver
        .as_deref()
        .map_or_else(|| "/root".to_string(), SessionDriver::home);
    let dest = miragepot_vfs::path::normalize(&home, &dest);
    h.scp.insert(
        channel,
        ScpSink {
            dir_stack: vec![dest.clone()],
            dest,
            pending: Vec::new(),
            file: None,
            done: Vec::new(),
            failed: false,
        },
    );
    session.data(channel, bytes::Bytes::from_static(b"\0"))
}

impl ScpSink {
    fn target(&self, name: &str, is_dir_dest: bool) -> String {
        let top = self
            .dir_stack
            .last()
            .cloned()
            .unwrap_or_else(|| self.dest.clone());
        if self.dir_stack.len() > 1 || is_dir_dest {
            miragepot_vfs::path::child(&top, name)
        } else {
            top
        }
    }
}

/// Feeds channel data to an scp sink, if the channel runs one. Returns whether it did.
pub fn scp_data(
    h: &mut SshHandler,
    channel: ChannelId,
    data: &[u8],
    session: &mut Session,
) -> Result<bool, russh::Error> {
    let Some(mut sink) = h.scp.remove(&channel) else {
        return Ok(false);
    };
    sink.pending.extend_from_slice(data);
    let mut acks = 0usize;
    loop {
        if let Some((path, want, mut got)) = sink.file.take() {
            let need = want.saturating_sub(got.len());
            let take = need.min(sink.pending.len());
            got.extend(sink.pending.drain(..take));
            if got.len() < want || sink.pending.is_empty() {
                sink.file = Some((path, want, got));
                break;
            }
            // The byte after the content is the client's status byte.
            sink.pending.drain(..1);
            let p = path.clone();
            let bytes = got;
            let res = lock(&h.conn).driver.as_mut().map(|d| {
                d.with_fs(|fs, ctx| fs.write("/", &p, &bytes, WriteMode::Truncate, 0o644, ctx))
            });
            if matches!(res, Some(Ok(()))) {
                sink.done.push((path, bytes));
            } else {
                sink.failed = true;
            }
            acks += 1;
            continue;
        }
        let Some(nl) = sink.pending.iter().position(|&b| b == b'\n') else {
            if sink.pending.len() > 4096 {
                sink.failed = true;
                sink.pending.clear();
            }
            break;
        };
        let header: Vec<u8> = sink.pending.drain(..=nl).collect();
        let header = String::from_utf8_lossy(&header).trim_end().to_string();
        let is_dir_dest = lock(&h.conn)
            .driver
            .as_mut()
            .map(|d| {
                d.with_fs(|fs, _| {
                    fs.stat("/", &sink.dest)
                        .map(|m| m.is_dir())
                        .unwrap_or(false)
                })
            })
            .unwrap_or(false);
        let mut parts = header.splitn(3, ' ');
        match header.chars().next() {
            Some('C') => {
                let _mode = parts.next();
                let size = parts
                    .next()
                    .and_then(|s| s.parse::<usize>().ok())
                    .unwrap_or(0);
                let name = parts.next().unwrap_or("file").replace('/', "");
                if size > MAX_UPLOAD {
                    sink.failed = true;
                    session.data(
                        channel,
                        bytes::Bytes::from_static(
                            b"\x02scp: write error: No space left on device\n",
                        ),
                    )?;
                    break;
                }
                sink.file = Some((sink.target(&name, is_dir_dest), size, Vec::new()));
                acks += 1;
            }
            Some('D') => {
                let name = parts.nth(2).unwrap_or("dir").replace('/', "");
                let dir = sink.target(&name, is_dir_dest);
                let d2 = dir.clone();
                if let Some(d) = lock(&h.conn).driver.as_mut() {
                    let _ = d.with_fs(|fs, ctx| fs.create_dir("/", &d2, 0o755, ctx));
                }
                if sink.dir_stack.len() < 64 {
                    sink.dir_stack.push(dir);
                }
                acks += 1;
            }
            Some('E') => {
                if sink.dir_stack.len() > 1 {
                    sink.dir_stack.pop();
                }
                acks += 1;
            }
            Some('T') => acks += 1,
            _ => {}
        }
    }
    for _ in 0..acks {
        session.data(channel, bytes::Bytes::from_static(b"\0"))?;
    }
    h.scp.insert(channel, sink);
    Ok(true)
}

/// Client EOF on an scp channel: store the uploads, report, and close like scp does.
pub fn scp_eof(
    h: &mut SshHandler,
    channel: ChannelId,
    session: &mut Session,
) -> Result<bool, russh::Error> {
    let Some(sink) = h.scp.remove(&channel) else {
        return Ok(false);
    };
    let code = u32::from(sink.failed);
    let (services, ctx, shas) = match lock(&h.conn).driver.as_mut() {
        Some(d) => {
            let shas: Vec<String> = sink.done.iter().map(|(p, b)| d.note_upload(p, b)).collect();
            (Arc::clone(d.services()), d.context().clone(), shas)
        }
        None => return Ok(true),
    };
    tokio::spawn(async move {
        for ((path, bytes), sha) in sink.done.into_iter().zip(shas) {
            SessionDriver::file_uploaded(&services, &ctx, &path, &bytes, sha, UploadVia::Scp).await;
        }
    });
    session.exit_status_request(channel, code)?;
    session.eof(channel)?;
    session.close(channel)?;
    Ok(true)
}
