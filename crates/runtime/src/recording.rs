//! Terminal recordings in asciicast v2 (`asciinema play data/recordings/<session>.cast`).
//!
//! A recording is kept in memory while the session runs and written when it closes. It is
//! capped: past `max_bytes` further output is not recorded and the header's `env` notes the
//! cut, so a flood of output costs bounded memory.
//!
//! Keyboard input (asciicast `i` events) may take at most [`INPUT_SHARE`] of that cap,
//! so a paste of megabytes cannot fill the recording and blind it to the output that
//! follows (the typed lines are command events anyway), and it costs a session a fraction
//! of the memory.
//!
//! Design choice: the bytes are kept in chunks of [`CHUNK`] and one event line holds at most
//! [`MAX_EVENT_DATA`] bytes of terminal data, so no allocation here is large. glibc serves
//! large allocations with `mmap` and, once one is freed, raises its threshold and keeps later
//! freed memory in the heap: one session pasting megabytes would leave the process that much
//! bigger for good. Small chunks are reused by the next session instead.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Instant;

use miragepot_event::SessionId;
use tokio::sync::broadcast;

/// One session's recording.
#[derive(Debug)]
pub struct Recorder {
    started: Instant,
    shared: Arc<Shared>,
    max_bytes: usize,
    truncated: bool,
    /// Event-line bytes of input recorded so far (at most `max_bytes / INPUT_SHARE`).
    input_bytes: usize,
}

/// The recorded bytes, shared with [`TtyHub`] subscribers (the dashboard's live player).
#[derive(Debug, Default)]
pub(crate) struct Shared {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    chunks: Vec<Vec<u8>>,
    len: usize,
    /// Created by the first subscriber; dropped when the last one is gone.
    tx: Option<broadcast::Sender<Arc<str>>>,
}

fn lock(m: &Mutex<Inner>) -> MutexGuard<'_, Inner> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Lines a slow live viewer may fall behind before it misses some.
const LIVE_BACKLOG: usize = 256;

impl Recorder {
    /// Starts a recording for a `cols`×`rows` terminal at unix time `timestamp`.
    pub fn new(cols: u32, rows: u32, term: &str, timestamp: i64, max_bytes: usize) -> Self {
        let header = serde_json::json!({
            "version": 2,
            "width": cols,
            "height": rows,
            "timestamp": timestamp,
            "env": { "SHELL": "/bin/bash", "TERM": term },
        });
        let mut buf = header.to_string().into_bytes();
        buf.push(b'\n');
        Recorder {
            started: Instant::now(),
            shared: Arc::new(Shared {
                inner: Mutex::new(Inner {
                    len: buf.len(),
                    chunks: vec![buf],
                    tx: None,
                }),
            }),
            max_bytes,
            truncated: false,
            input_bytes: 0,
        }
    }

    fn event(&mut self, code: &str, mut data: &[u8]) {
        let t = self.started.elapsed().as_secs_f64();
        let t = (t * 1e6).round() / 1e6;
        let input = code == "i";
        while !data.is_empty() && !self.truncated {
            let (piece, rest) = data.split_at(utf8_cut(data, MAX_EVENT_DATA));
            data = rest;
            let line = serde_json::json!([t, code, String::from_utf8_lossy(piece)]);
            let mut bytes = line.to_string().into_bytes();
            bytes.push(b'\n');
            if input {
                let total = self.input_bytes.saturating_add(bytes.len());
                if total > self.max_bytes / INPUT_SHARE {
                    return;
                }
                self.input_bytes = total;
            }
            self.push(&bytes);
        }
    }

    fn push(&mut self, bytes: &[u8]) {
        let mut inner = lock(&self.shared.inner);
        if inner.len + bytes.len() > self.max_bytes {
            self.truncated = true;
            return;
        }
        inner.len += bytes.len();
        match inner.chunks.last_mut() {
            Some(c) if c.len() + bytes.len() <= CHUNK => c.extend_from_slice(bytes),
            _ => {
                let mut c = Vec::with_capacity(CHUNK.max(bytes.len()));
                c.extend_from_slice(bytes);
                inner.chunks.push(c);
            }
        }
        if let Some(tx) = &inner.tx {
            if tx.receiver_count() == 0 {
                inner.tx = None;
            } else {
                let line = String::from_utf8_lossy(bytes.strip_suffix(b"\n").unwrap_or(bytes));
                let _ = tx.send(Arc::from(line.as_ref()));
            }
        }
    }

    /// Records terminal output.
    pub fn output(&mut self, data: &[u8]) {
        self.event("o", data);
    }

    /// Records keyboard input, up to its share of the cap (past it, input is left out and
    /// output is still recorded).
    pub fn input(&mut self, data: &[u8]) {
        self.event("i", data);
    }

    /// Records a terminal resize (asciicast `r` event, `COLSxROWS`).
    pub fn resize(&mut self, cols: u32, rows: u32) {
        self.event("r", format!("{cols}x{rows}").as_bytes());
    }

    /// Whether output was dropped at the cap.
    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// Milliseconds since the recording started.
    pub fn duration_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Bytes recorded.
    pub fn len(&self) -> usize {
        lock(&self.shared.inner).len
    }

    /// Whether nothing but the header is recorded (never: the header is always there).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The finished file's bytes, in chunks to write one after another. Live viewers see
    /// their stream end.
    pub fn into_chunks(self) -> Vec<Vec<u8>> {
        let mut inner = lock(&self.shared.inner);
        inner.tx = None;
        inner.len = 0;
        std::mem::take(&mut inner.chunks)
    }

    /// The finished file's bytes in one buffer.
    pub fn into_bytes(self) -> Vec<u8> {
        self.into_chunks().concat()
    }

    pub(crate) fn shared(&self) -> Arc<Shared> {
        Arc::clone(&self.shared)
    }
}

/// The recordings of running sessions, for live viewers (the dashboard's player): a
/// subscriber gets the recording so far and every line recorded after it, with no gap.
#[derive(Debug, Default)]
pub struct TtyHub {
    feeds: Mutex<HashMap<SessionId, Weak<Shared>>>,
}

impl TtyHub {
    /// An empty hub.
    pub fn new() -> TtyHub {
        TtyHub::default()
    }

    pub(crate) fn register(&self, session: SessionId, rec: &Recorder) {
        let mut feeds = self.feeds.lock().unwrap_or_else(PoisonError::into_inner);
        feeds.retain(|_, w| w.strong_count() > 0);
        feeds.insert(session, Arc::downgrade(&rec.shared()));
    }

    pub(crate) fn unregister(&self, session: SessionId) {
        let mut feeds = self.feeds.lock().unwrap_or_else(PoisonError::into_inner);
        feeds.remove(&session);
    }

    /// The recording of `session` so far (asciicast v2 text) and a receiver of the lines
    /// that follow; `None` when the session is not being recorded now.
    pub fn subscribe(
        &self,
        session: SessionId,
    ) -> Option<(Vec<u8>, broadcast::Receiver<Arc<str>>)> {
        let shared = {
            let feeds = self.feeds.lock().unwrap_or_else(PoisonError::into_inner);
            feeds.get(&session)?.upgrade()?
        };
        let mut inner = lock(&shared.inner);
        if inner.chunks.is_empty() {
            return None; // finished
        }
        let so_far = inner.chunks.concat();
        let rx = match &inner.tx {
            Some(tx) => tx.subscribe(),
            None => {
                let (tx, rx) = broadcast::channel(LIVE_BACKLOG);
                inner.tx = Some(tx);
                rx
            }
        };
        Some((so_far, rx))
    }

    /// Sessions being recorded now.
    pub fn len(&self) -> usize {
        let feeds = self.feeds.lock().unwrap_or_else(PoisonError::into_inner);
        feeds.values().filter(|w| w.strong_count() > 0).count()
    }

    /// Whether no session is being recorded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Bytes of one recording chunk (below glibc's default mmap threshold of 128 KiB).
pub const CHUNK: usize = 64 * 1024;

/// Input may take at most 1/`INPUT_SHARE` of a recording's cap.
pub const INPUT_SHARE: usize = 16;

/// Terminal bytes in one event line; a line's JSON is at most about six times this.
pub const MAX_EVENT_DATA: usize = 4 * 1024;

/// Where to cut `data` at most `max` bytes in without splitting a UTF-8 sequence (at `max`
/// itself when no sequence starts in the last three bytes before it).
fn utf8_cut(data: &[u8], max: usize) -> usize {
    if data.len() <= max {
        return data.len();
    }
    let mut cut = max;
    for back in 1..=3 {
        let Some(&b) = data.get(max - back) else {
            break;
        };
        if b & 0xC0 == 0xC0 {
            // A lead byte: its sequence needs `len` bytes from there.
            let len = if b >= 0xF0 {
                4
            } else if b >= 0xE0 {
                3
            } else {
                2
            };
            if back < len {
                cut = max - back;
            }
            break;
        }
        if b & 0x80 == 0 {
            break;
        }
    }
    cut.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_valid_asciicast_lines_and_caps() {
        let mut r = Recorder::new(80, 24, "xterm", 1_700_000_000, 200);
        r.output(b"root@h:~# ");
        r.input(b"ls\r");
        r.output(&[0xff, b'\n']);
        r.output(&[b'x'; 500]);
        assert!(r.truncated());
        let text = String::from_utf8(r.into_bytes()).unwrap();
        let mut lines = text.lines();
        let header: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
        assert_eq!(header["version"], 2);
        for l in lines {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            assert!(v[0].as_f64().unwrap() >= 0.0);
        }
    }

    #[test]
    fn big_writes_become_small_lines_in_small_chunks() {
        let mut r = Recorder::new(80, 24, "xterm", 1_700_000_000, 4 << 20);
        let text = "é€😀x".repeat(100_000);
        r.output(text.as_bytes());
        let len = r.len();
        let chunks = r.into_chunks();
        assert!(chunks.iter().all(|c| c.len() <= CHUNK), "chunk sizes");
        let all = chunks.concat();
        assert_eq!(all.len(), len);
        let mut rebuilt = String::new();
        for l in String::from_utf8(all).unwrap().lines().skip(1) {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let d = v[2].as_str().unwrap();
            assert!(d.len() <= MAX_EVENT_DATA);
            rebuilt.push_str(d);
        }
        assert_eq!(rebuilt, text, "no character split between lines");
    }

    /// A paste bigger than the cap takes only input's share: the output after it is kept.
    #[test]
    fn a_huge_paste_cannot_fill_the_recording() {
        let max = 1 << 20;
        let mut r = Recorder::new(80, 24, "xterm", 1_700_000_000, max);
        r.input(&[b'A'; 4 << 20]);
        let after_input = r.len();
        assert!(after_input <= max / INPUT_SHARE + 200, "{after_input}");
        assert!(
            after_input > max / INPUT_SHARE / 2,
            "input is recorded up to its share"
        );
        r.input(&[b'B'; 64 << 10]);
        assert!(
            r.len() <= max / INPUT_SHARE + 200,
            "input past its share is left out"
        );
        r.output(b"output after the paste");
        assert!(!r.truncated());
        let text = String::from_utf8(r.into_bytes()).unwrap();
        let last: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
        assert_eq!(last[1], "o");
        assert_eq!(last[2], "output after the paste");
    }

    #[test]
    fn live_subscribers_get_the_past_then_every_new_line() {
        let hub = TtyHub::new();
        let session = SessionId(uuid::Uuid::nil());
        let mut r = Recorder::new(80, 24, "xterm", 1_700_000_000, 1 << 20);
        r.output(b"before");
        hub.register(session, &r);
        let (so_far, mut rx) = hub.subscribe(session).unwrap();
        let text = String::from_utf8(so_far).unwrap();
        assert!(text.contains("before"));
        r.output(b"after");
        let line = rx.try_recv().unwrap();
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v[1], "o");
        assert_eq!(v[2], "after");
        let chunks = r.into_chunks();
        assert!(!chunks.is_empty());
        assert!(
            hub.subscribe(session).is_none(),
            "a finished recording has no feed"
        );
        hub.unregister(session);
        assert!(hub.is_empty());
    }

    #[test]
    fn utf8_cuts() {
        assert_eq!(utf8_cut(b"abc", 5), 3);
        assert_eq!(utf8_cut("aé".as_bytes(), 2), 1);
        assert_eq!(utf8_cut("a€".as_bytes(), 3), 1);
        assert_eq!(utf8_cut("ab€".as_bytes(), 3), 2);
        assert!(
            (1..=4).contains(&utf8_cut(&[0xff; 10], 4)),
            "invalid bytes still progress"
        );
    }
}
