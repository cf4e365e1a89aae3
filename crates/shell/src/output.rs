//! Capped byte buffers for a command's stdout and stderr.
//!
//! Everything a command prints goes through an [`Output`], which stops growing at its cap
//! and remembers that it was cut. An attacker can ask for endless output (`yes`, `cat
//! /dev/zero`); the cap turns that into a bounded buffer and a `truncated` flag.

use std::fmt;

/// A byte buffer that never grows past its cap.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    buf: Vec<u8>,
    cap: usize,
    truncated: bool,
}

impl Output {
    /// An empty buffer holding at most `cap` bytes.
    pub fn new(cap: usize) -> Self {
        Output {
            buf: Vec::new(),
            cap,
            truncated: false,
        }
    }

    /// Appends bytes, cutting at the cap.
    pub fn write(&mut self, bytes: &[u8]) {
        let room = self.cap.saturating_sub(self.buf.len());
        if bytes.len() > room {
            self.truncated = true;
        }
        self.buf
            .extend_from_slice(bytes.get(..room.min(bytes.len())).unwrap_or(&[]));
    }

    /// Appends a string.
    pub fn write_str(&mut self, s: &str) {
        self.write(s.as_bytes());
    }

    /// Appends a string and a newline.
    pub fn line(&mut self, s: &str) {
        self.write(s.as_bytes());
        self.write(b"\n");
    }

    /// Whether the cap has been reached (commands producing endless output stop here).
    pub fn is_full(&self) -> bool {
        self.buf.len() >= self.cap
    }

    /// Whether bytes were dropped at the cap.
    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// The bytes written so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    /// Takes the bytes out, leaving the buffer empty (the cap and flag stay).
    pub fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.buf)
    }

    /// Bytes held.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }
}

impl fmt::Write for Output {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        Output::write_str(self, s);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_and_flags() {
        let mut o = Output::new(5);
        o.write_str("abc");
        assert!(!o.truncated());
        o.write_str("defg");
        assert_eq!(o.as_bytes(), b"abcde");
        assert!(o.truncated() && o.is_full());
    }
}
