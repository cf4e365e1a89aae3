//! Terminal recordings in asciicast v2 (`asciinema play data/recordings/<session>.cast`).
//!
//! A recording is kept in memory while the session runs and written when it closes. It is
//! capped: past `max_bytes` further output is not recorded and the header's `env` notes the
//! cut, so a flood of output costs bounded memory.
//!
//! Design choice: the bytes are kept in chunks of [`CHUNK`] and one event line holds at most
//! [`MAX_EVENT_DATA`] bytes of terminal data, so no allocation here is large. glibc serves
//! large allocations with `mmap` and, once one is freed, raises its threshold and keeps later
//! freed memory in the heap: one session pasting megabytes would leave the process that much
//! bigger for good. Small chunks are reused by the next session instead.

use std::time::Instant;

/// One session's recording.
#[derive(Debug)]
pub struct Recorder {
    started: Instant,
    chunks: Vec<Vec<u8>>,
    len: usize,
    max_bytes: usize,
    truncated: bool,
}

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
            len: buf.len(),
            chunks: vec![buf],
            max_bytes,
            truncated: false,
        }
    }

    fn event(&mut self, code: &str, mut data: &[u8]) {
        let t = self.started.elapsed().as_secs_f64();
        let t = (t * 1e6).round() / 1e6;
        while !data.is_empty() && !self.truncated {
            let (piece, rest) = data.split_at(utf8_cut(data, MAX_EVENT_DATA));
            data = rest;
            let line = serde_json::json!([t, code, String::from_utf8_lossy(piece)]);
            let mut bytes = line.to_string().into_bytes();
            bytes.push(b'\n');
            self.push(&bytes);
        }
    }

    fn push(&mut self, bytes: &[u8]) {
        if self.len + bytes.len() > self.max_bytes {
            self.truncated = true;
            return;
        }
        self.len += bytes.len();
        match self.chunks.last_mut() {
            Some(c) if c.len() + bytes.len() <= CHUNK => c.extend_from_slice(bytes),
            _ => {
                let mut c = Vec::with_capacity(CHUNK.max(bytes.len()));
                c.extend_from_slice(bytes);
                self.chunks.push(c);
            }
        }
    }

    /// Records terminal output.
    pub fn output(&mut self, data: &[u8]) {
        self.event("o", data);
    }

    /// Records keyboard input.
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
        self.len
    }

    /// Whether nothing but the header is recorded (never: the header is always there).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The finished file's bytes, in chunks to write one after another.
    pub fn into_chunks(self) -> Vec<Vec<u8>> {
        self.chunks
    }

    /// The finished file's bytes in one buffer.
    pub fn into_bytes(self) -> Vec<u8> {
        self.chunks.concat()
    }
}

/// Bytes of one recording chunk (below glibc's default mmap threshold of 128 KiB).
pub const CHUNK: usize = 64 * 1024;

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
        r.input(text.as_bytes());
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
