//! Where bytes go: the line's stdout/stderr (capped per line), capture buffers for
//! pipelines and `$(...)`, and files being written by redirections (buffered, appended to
//! the VFS when their scope ends or before anything may read them). Also the input stack
//! commands read their stdin from.
//!
//! Known limits: capture buffers hold at most four times the per-line output cap; a file
//! redirection holds at most the VFS overlay cap.

use super::{Input, Interp, Io, Sink};

impl Interp {
    fn capture_cap(&self) -> usize {
        self.limits.max_output_bytes.saturating_mul(4).max(1 << 16)
    }

    /// Writes bytes to descriptor `fd` of `io`.
    pub(crate) fn emit(&mut self, io: &Io, fd: usize, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        let cap = self.capture_cap();
        match io.fds.get(fd).copied().flatten() {
            Some(Sink::Out) => self.term(1, bytes),
            Some(Sink::Err) => self.term(2, bytes),
            Some(Sink::Null) | None => {}
            Some(Sink::Buf(i)) => {
                if let Some(b) = self.bufs.get_mut(i) {
                    let room = cap.saturating_sub(b.len());
                    b.extend_from_slice(bytes.get(..room.min(bytes.len())).unwrap_or(&[]));
                }
            }
            Some(Sink::File(i)) => {
                let max = self.fs.limits().max_overlay_bytes;
                if let Some(f) = self.files.get_mut(i) {
                    let room = max.saturating_sub(f.data.len());
                    f.data
                        .extend_from_slice(bytes.get(..room.min(bytes.len())).unwrap_or(&[]));
                }
            }
        }
    }

    /// Writes a string to descriptor `fd`.
    pub(crate) fn emit_str(&mut self, io: &Io, fd: usize, s: &str) {
        self.emit(io, fd, s.as_bytes());
    }

    fn term(&mut self, stream: u8, bytes: &[u8]) {
        let room = self
            .limits
            .max_output_bytes
            .saturating_sub(self.out.shown.len());
        let take = bytes.get(..room.min(bytes.len())).unwrap_or(&[]);
        if take.len() < bytes.len() {
            self.out.truncated = true;
        }
        self.out.shown.extend_from_slice(take);
        if stream == 1 {
            self.out.stdout.extend_from_slice(take);
        } else {
            self.out.stderr.extend_from_slice(take);
        }
    }

    /// Bytes a command may still print before the line's output cap.
    pub(crate) fn output_room(&self) -> usize {
        self.limits
            .max_output_bytes
            .saturating_sub(self.out.shown.len())
            .saturating_add(1)
    }

    /// Pushes a capture buffer.
    pub(crate) fn push_buf(&mut self) -> usize {
        self.bufs.push(Vec::new());
        self.bufs.len() - 1
    }

    /// Pops the capture buffer `i` (and any above it), returning its bytes.
    pub(crate) fn pop_buf(&mut self, i: usize) -> Vec<u8> {
        let data = self.bufs.get_mut(i).map(std::mem::take).unwrap_or_default();
        self.bufs.truncate(i);
        data
    }

    /// Pushes an input and returns its index.
    pub(crate) fn push_input(&mut self, data: Vec<u8>) -> usize {
        self.inputs.push(Input { data, pos: 0 });
        self.inputs.len() - 1
    }

    /// Everything left on `io`'s stdin (consumed).
    pub(crate) fn take_stdin(&mut self, io: &Io) -> Vec<u8> {
        match io.stdin.and_then(|i| self.inputs.get_mut(i)) {
            Some(inp) => {
                let rest = inp.data.get(inp.pos..).unwrap_or(&[]).to_vec();
                inp.pos = inp.data.len();
                rest
            }
            None => Vec::new(),
        }
    }

    /// Writes the pending bytes of every open output file to the VFS (before something may
    /// read them), keeping the files open.
    pub(crate) fn sync_files(&mut self) {
        if self.files.iter().all(|f| f.data.is_empty()) {
            return;
        }
        let ctx = self.fs_ctx();
        let mode = 0o666 & !self.st.umask;
        for f in self.files.iter_mut() {
            if f.data.is_empty() {
                continue;
            }
            let data = std::mem::take(&mut f.data);
            let _ = self.fs.write(
                "/",
                &f.path,
                &data,
                miragepot_vfs::WriteMode::Append,
                mode,
                &ctx,
            );
        }
    }

    /// Flushes and closes files opened at index `from` and above.
    pub(crate) fn flush_files_from(&mut self, from: usize) {
        while self.files.len() > from {
            let Some(f) = self.files.pop() else { break };
            if f.data.is_empty() {
                continue;
            }
            let ctx = self.fs_ctx();
            let mode = 0o666 & !self.st.umask;
            let cwd = self.st.cwd.clone();
            let _ = self.fs.write(
                &cwd,
                &f.path,
                &f.data,
                miragepot_vfs::WriteMode::Append,
                mode,
                &ctx,
            );
        }
    }
}
