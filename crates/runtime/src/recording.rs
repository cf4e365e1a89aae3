//! Terminal recordings in asciicast v2 (`asciinema play data/recordings/<session>.cast`).
//!
//! A recording is kept in memory while the session runs and written when it closes. It is
//! capped: past `max_bytes` further output is not recorded and the header's `env` notes the
//! cut, so a flood of output costs bounded memory.

use std::time::Instant;

/// One session's recording.
#[derive(Debug)]
pub struct Recorder {
    started: Instant,
    buf: Vec<u8>,
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
            buf,
            max_bytes,
            truncated: false,
        }
    }

    fn event(&mut self, code: &str, data: &[u8]) {
        if data.is_empty() || self.truncated {
            return;
        }
        let t = self.started.elapsed().as_secs_f64();
        let line =
            serde_json::json!([(t * 1e6).round() / 1e6, code, String::from_utf8_lossy(data)]);
        let mut bytes = line.to_string().into_bytes();
        bytes.push(b'\n');
        if self.buf.len() + bytes.len() > self.max_bytes {
            self.truncated = true;
            return;
        }
        self.buf.extend_from_slice(&bytes);
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

    /// The finished file's bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }
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
}
