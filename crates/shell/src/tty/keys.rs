//! Bytes to keys: UTF-8 assembly, the key sequences bash binds on Debian 12 (readline's
//! emacs keymap plus `/etc/inputrc`), and bracketed paste.
//!
//! Multi-byte sequences (`ESC ...`, `C-x ...`) walk a table of bound sequences. A byte that
//! continues no bound sequence ends it like readline does: the bell rings and the prefix and
//! that byte are dropped (`ESC [ 1 5 ~`, F5, rings and inserts the `~`). `ESC ESC <key>`
//! runs `complete` and then reads `<key>` again (readline's `ANYOTHERKEY` binding).
//! All state survives between calls, so a sequence split across reads still parses.

/// An editing command reached through a key sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Act {
    PrevHist,
    NextHist,
    Fwd,
    Back,
    Bol,
    Eol,
    FwdWord,
    BackWord,
    DeleteChar,
    KillWord,
    BackKillWord,
    BackKillLine,
    QuotedInsert,
    PasteBegin,
    HistSearchBack,
    HistSearchFwd,
    FirstHist,
    LastHist,
    Complete,
    ListCompletions,
    UpcaseWord,
    DowncaseWord,
    CapitalizeWord,
    ClearScreen,
    TransposeWords,
    RevertLine,
    Undo,
    YankPop,
    DeleteHorizontalSpace,
    /// `backward-delete-char` (reached through DEL and `C-h`).
    BackDelete,
    /// `digit-argument`: a digit, or 10 for `-`.
    DigitArg(u8),
    InsertLastArg,
    InsertComment,
    /// `abort` (`C-g`, `ESC C-g`, `C-x C-g`): rings the bell.
    Abort,
    /// Bound in bash but not emulated (digit arguments, macros, undo, ...).
    Noop,
}

/// What one byte produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Key {
    /// Nothing yet (inside a sequence, a partial UTF-8 character or a paste).
    None,
    /// A printable character.
    Char(char),
    /// A control byte outside any sequence (`0x00..=0x1f` except ESC and C-x, and DEL).
    Ctrl(u8),
    /// A bound sequence.
    Act(Act),
    /// An unbound sequence: ring the bell.
    Bell,
    /// Run this and then read these bytes again.
    ActThenAgain(Act, Vec<u8>),
    /// Pasted text up to a newline: insert it, then accept the line.
    PasteLine(String),
    /// The end of a paste: insert the text left since the last newline.
    PasteEnd(String),
}

const ESC: u8 = 0x1b;
const CX: u8 = 0x18;
const PASTE_END: &[u8] = b"\x1b[201~";

/// Bound sequences longer than two bytes, with what they do (Debian 12, TERM=xterm).
const LONG: &[(&[u8], Act)] = &[
    (b"\x1b[A", Act::PrevHist),
    (b"\x1b[B", Act::NextHist),
    (b"\x1b[C", Act::Fwd),
    (b"\x1b[D", Act::Back),
    (b"\x1b[H", Act::Bol),
    (b"\x1b[F", Act::Eol),
    (b"\x1bOA", Act::PrevHist),
    (b"\x1bOB", Act::NextHist),
    (b"\x1bOC", Act::Fwd),
    (b"\x1bOD", Act::Back),
    (b"\x1bOH", Act::Bol),
    (b"\x1bOF", Act::Eol),
    (b"\x1b[1~", Act::Bol),
    (b"\x1b[4~", Act::Eol),
    (b"\x1b[3~", Act::DeleteChar),
    (b"\x1b[2~", Act::QuotedInsert),
    (b"\x1b[5~", Act::HistSearchBack),
    (b"\x1b[6~", Act::HistSearchFwd),
    (b"\x1b[200~", Act::PasteBegin),
    (b"\x1b[1;3C", Act::FwdWord),
    (b"\x1b[1;3D", Act::BackWord),
    (b"\x1b[1;5C", Act::FwdWord),
    (b"\x1b[1;5D", Act::BackWord),
    (b"\x1b[5C", Act::FwdWord),
    (b"\x1b[5D", Act::BackWord),
    (b"\x1b[3;5~", Act::KillWord),
    (b"\x1b\x1b[C", Act::FwdWord),
    (b"\x1b\x1b[D", Act::BackWord),
];

/// `ESC <byte>` (meta) bindings. Upper-case letters other than `O` are
/// `do-lowercase-version`. Unlisted bytes are unbound.
fn meta(b: u8) -> Option<Act> {
    let b = if b.is_ascii_uppercase() && b != b'O' {
        b.to_ascii_lowercase()
    } else {
        b
    };
    Some(match b {
        b'b' => Act::BackWord,
        b'f' => Act::FwdWord,
        b'd' => Act::KillWord,
        0x08 | 0x7f => Act::BackKillWord,
        b'<' => Act::FirstHist,
        b'>' => Act::LastHist,
        b'u' => Act::UpcaseWord,
        b'l' => Act::DowncaseWord,
        b'c' => Act::CapitalizeWord,
        b'=' | b'?' => Act::ListCompletions,
        b'/' | b'!' | b'~' | b'$' | b'@' => Act::Complete,
        b't' => Act::TransposeWords,
        b'y' => Act::YankPop,
        b'.' | b'_' => Act::InsertLastArg,
        b'#' => Act::InsertComment,
        b'r' | 0x12 => Act::RevertLine,
        // shell-expand-line: no expansion here, the point goes to the end
        0x05 => Act::Eol,
        0x07 => Act::Abort,
        0x0c => Act::ClearScreen,
        b'\\' => Act::DeleteHorizontalSpace,
        b'0'..=b'9' => Act::DigitArg(b - b'0'),
        b'-' => Act::DigitArg(10),
        // bound in bash, not emulated: digit arguments, glob and history expansion, ...
        b'{' | b'g' | b'^' | b'*' | b'n' | b'p' | b' ' | b'&' | 0x1d | 0x09 | 0x02 | 0x06
        | 0x04 | 0x14 | 0x19 => Act::Noop,
        _ => return None,
    })
}

/// `C-x <byte>` bindings.
fn ctrl_x(b: u8) -> Option<Act> {
    let b = if b.is_ascii_uppercase() {
        b.to_ascii_lowercase()
    } else {
        b
    };
    Some(match b {
        0x07 => Act::Abort,
        0x7f => Act::BackKillLine,
        0x15 => Act::Undo,
        b'e' | b'g' | b's' | 0x16 | 0x05 | b')' | b'(' | 0x18 | b'*' | b'!' | b'/' | b'@'
        | b'~' | b'$' | 0x12 => Act::Noop,
        _ => return None,
    })
}

enum Lookup {
    Done(Act),
    Prefix,
    Fail,
}

fn lookup(seq: &[u8]) -> Lookup {
    match seq {
        [ESC, b] if *b != b'[' && *b != b'O' && *b != ESC => {
            meta(*b).map_or(Lookup::Fail, Lookup::Done)
        }
        [CX, b] => ctrl_x(*b).map_or(Lookup::Fail, Lookup::Done),
        _ => {
            let mut prefix = false;
            for (s, a) in LONG {
                if *s == seq {
                    return Lookup::Done(*a);
                }
                if s.starts_with(seq) {
                    prefix = true;
                }
            }
            if prefix { Lookup::Prefix } else { Lookup::Fail }
        }
    }
}

#[derive(Debug, Clone, Default)]
enum State {
    #[default]
    Ground,
    Seq(Vec<u8>),
    Utf8(Vec<u8>, usize),
    Paste {
        seg: Vec<u8>,
        matched: usize,
        after_cr: bool,
    },
}

/// The byte decoder.
#[derive(Debug, Clone, Default)]
pub(crate) struct Decoder {
    state: State,
    /// Longest paste segment kept (longer ones are cut; the line cap applies anyway).
    pub(crate) seg_cap: usize,
    /// Whether a paste segment was cut since the last report.
    pub(crate) overflowed: bool,
}

impl Decoder {
    /// A decoder whose paste segments keep at most `seg_cap` bytes.
    pub(crate) fn new(seg_cap: usize) -> Self {
        Decoder {
            state: State::Ground,
            seg_cap,
            overflowed: false,
        }
    }

    /// Drops any partial sequence, character or paste (after an interrupt).
    pub(crate) fn reset(&mut self) {
        self.state = State::Ground;
    }

    /// Feeds one byte.
    pub(crate) fn push(&mut self, b: u8) -> Key {
        match std::mem::take(&mut self.state) {
            State::Ground => self.ground(b),
            State::Utf8(mut v, need) => {
                if (0x80..=0xbf).contains(&b) {
                    v.push(b);
                    if v.len() < need {
                        self.state = State::Utf8(v, need);
                        return Key::None;
                    }
                    match std::str::from_utf8(&v).ok().and_then(|s| s.chars().next()) {
                        Some(c) if !c.is_control() => Key::Char(c),
                        _ => Key::None,
                    }
                } else {
                    self.ground(b)
                }
            }
            State::Seq(mut v) => {
                v.push(b);
                match lookup(&v) {
                    Lookup::Done(Act::PasteBegin) => {
                        self.state = State::Paste {
                            seg: Vec::new(),
                            matched: 0,
                            after_cr: false,
                        };
                        Key::None
                    }
                    Lookup::Done(a) => Key::Act(a),
                    Lookup::Prefix if v.len() < 8 => {
                        self.state = State::Seq(v);
                        Key::None
                    }
                    // `ESC ESC` has a default binding (`complete`); what followed is read again
                    _ if v.starts_with(&[ESC, ESC]) => {
                        Key::ActThenAgain(Act::Complete, v.get(2..).unwrap_or(&[]).to_vec())
                    }
                    _ => Key::Bell,
                }
            }
            State::Paste {
                mut seg,
                mut matched,
                mut after_cr,
            } => {
                if PASTE_END.get(matched) == Some(&b) {
                    matched += 1;
                    if matched == PASTE_END.len() {
                        return Key::PasteEnd(clean(&seg));
                    }
                    self.state = State::Paste {
                        seg,
                        matched,
                        after_cr,
                    };
                    return Key::None;
                }
                if matched > 0 {
                    let held = PASTE_END.get(..matched).unwrap_or(&[]);
                    self.seg_push(&mut seg, held);
                    after_cr = false;
                    matched = usize::from(b == ESC);
                    if matched == 1 {
                        self.state = State::Paste {
                            seg,
                            matched,
                            after_cr,
                        };
                        return Key::None;
                    }
                }
                let mut out = Key::None;
                match b {
                    b'\n' if after_cr => after_cr = false,
                    b'\r' | b'\n' => {
                        out = Key::PasteLine(clean(&seg));
                        seg.clear();
                        after_cr = b == b'\r';
                    }
                    ESC => {
                        matched = 1;
                        after_cr = false;
                    }
                    _ => {
                        self.seg_push(&mut seg, &[b]);
                        after_cr = false;
                    }
                }
                self.state = State::Paste {
                    seg,
                    matched,
                    after_cr,
                };
                out
            }
        }
    }

    fn seg_push(&mut self, seg: &mut Vec<u8>, bytes: &[u8]) {
        for &b in bytes {
            if seg.len() < self.seg_cap {
                seg.push(b);
            } else {
                self.overflowed = true;
            }
        }
    }

    fn ground(&mut self, b: u8) -> Key {
        match b {
            ESC | CX => {
                self.state = State::Seq(vec![b]);
                Key::None
            }
            0x00..=0x1f | 0x7f => Key::Ctrl(b),
            0x20..=0x7e => Key::Char(char::from(b)),
            0xc2..=0xdf => {
                self.state = State::Utf8(vec![b], 2);
                Key::None
            }
            0xe0..=0xef => {
                self.state = State::Utf8(vec![b], 3);
                Key::None
            }
            0xf0..=0xf4 => {
                self.state = State::Utf8(vec![b], 4);
                Key::None
            }
            _ => Key::None,
        }
    }
}

/// Pasted bytes as text: invalid UTF-8 and control characters other than TAB are dropped.
fn clean(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len());
    let mut rest = bytes;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(v) => {
                s.push_str(v);
                break;
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                s.push_str(std::str::from_utf8(good).unwrap_or(""));
                let skip = e.error_len().unwrap_or(bad.len()).max(1);
                rest = bad.get(skip..).unwrap_or(&[]);
            }
        }
    }
    s.retain(|c| c == '\t' || !c.is_control());
    s
}
