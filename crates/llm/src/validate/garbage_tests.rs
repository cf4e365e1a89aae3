//! Garbage in never panics: random mixes of markup, controls, fences and unicode, every
//! byte value, huge lines.

use super::*;
use crate::prompt::{self, PromptContext};

fn ctx_for(command: &str) -> CheckCtx<'_> {
    CheckCtx {
        command,
        ..CheckCtx::default()
    }
}

#[test]
fn the_validator_is_shareable() {
    fn shareable<T: Send + Sync + 'static>() {}
    shareable::<Validator>();
    shareable::<Reject>();
}

/// A small deterministic generator for the garbage tests.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "```",
    "`",
    "**",
    "*",
    "\r",
    "\n",
    "\r\n",
    "\t",
    " ",
    "<<<",
    ">>>",
    "<|im_end|>",
    "$ ",
    "# ",
    "root@h:~#",
    "/",
    "/etc/",
    "http://",
    ":",
    "é",
    "中文",
    "😀",
    "\u{202E}",
    "\u{200B}",
    "\u{0}",
    "\u{1b}[1m",
    "\u{FEFF}",
    "i'm sorry",
    "sure",
    "note:",
    "a",
    "Z",
    "0",
    "{",
    "}",
    "\"",
    "\\",
    "ё",
    "\u{10FFFF}",
    "ß",
    "İ",
    "\u{0301}",
];

#[test]
fn garbage_never_panics() {
    let v = Validator::new();
    let p = PromptContext {
        hostname: "web-01".into(),
        os: "Debian GNU/Linux 12 (bookworm)".into(),
        ..PromptContext::default()
    };
    let markers = prompt::echo_markers(&p);
    let recent: Vec<String> = PIECES.iter().map(|s| (*s).to_owned()).collect();
    let mut rng = Lcg(0x5eed);
    for round in 0..3000 {
        let n = rng.below(60);
        let mut raw = String::new();
        for _ in 0..n {
            raw.push_str(PIECES[rng.below(PIECES.len())]);
        }
        let command = PIECES[rng.below(PIECES.len())];
        let ctx = CheckCtx {
            command,
            echo_markers: if round % 2 == 0 { &markers } else { &[] },
            max_bytes: [0, 1, 16, 8000][rng.below(4)],
            file: round % 3 == 0,
            recent: if round % 5 == 0 { &recent } else { &[] },
        };
        if let Ok(c) = v.check(&raw, &ctx) {
            assert!(c.text.ends_with('\n'));
            assert!(c.text.len() <= ctx.max_bytes + 1);
            assert!(!c.text.contains('\r'));
            assert!(!c.text.to_lowercase().contains("<<<untrusted"));
        }
        let _ = shown_paths(&raw);
        let pty = to_pty(&raw);
        assert!(pty.is_empty() || pty.ends_with('\n'));
        assert!(!pty.contains('\r'));
    }
}

#[test]
fn every_byte_pattern_and_huge_lines_are_handled() {
    let v = Validator::new();
    let big = CheckCtx {
        max_bytes: 1 << 20,
        ..ctx_for("x")
    };
    for b in 0u8..=255 {
        let raw = String::from_utf8_lossy(&[b, b'a', b, b'\n', b, b'/', b'x', b]).into_owned();
        let _ = v.check(&raw, &ctx_for("x"));
        let _ = shown_paths(&raw);
        let _ = to_pty(&raw);
    }
    for c in [
        '\u{80}',
        '\u{7FF}',
        '\u{800}',
        '\u{FFFF}',
        '\u{10000}',
        '\u{10FFFF}',
    ] {
        let raw: String = std::iter::repeat_n(c, 5000).collect();
        let _ = v.check(&raw, &big);
        let _ = shown_paths(&raw);
    }
    let long_line = "/a".repeat(50_000);
    assert!(v.check(&long_line, &big).is_ok());
    assert_eq!(shown_paths(&long_line).len(), 1);
    let many_fences = "```\n".repeat(10_000);
    let _ = v.check(&many_fences, &big);
    let stars = "*".repeat(100_001);
    let _ = v.check(&stars, &big);
}
