//! The terminal line discipline: bash's readline, as an attacker sees it through an SSH pty.
//!
//! # Purpose
//! The attacker's keystrokes arrive as raw bytes; this module echoes and edits them exactly
//! like bash 5.2.15 (readline 8.2) does on Debian 12 in an xterm with a UTF-8 locale, and
//! hands completed lines to the interpreter. It is pure and sans-I/O: [`LineEditor::feed`]
//! takes bytes and returns events, appending the bytes the terminal must receive to `out`.
//!
//! # Design
//! - `keys`: bytes to keys. Tty-level characters come first (`^C` interrupts anywhere;
//!   `^Z`, `^\`, `^S`, `^Q` are swallowed like the pty does). Then the key sequences bash
//!   binds on Debian 12 (readline's emacs keymap plus `/etc/inputrc`) are matched against a
//!   table, with readline's rule for unbound ones (bell, drop what was read, so F5 inserts
//!   `~`); UTF-8 assembly; bracketed paste. All state survives between reads.
//! - `layout` and `display`: a model of readline's redisplay. After every command the line
//!   is laid out in screen rows and diffed against what the terminal shows, row by row,
//!   emitting the same insert/delete/clear/move sequences readline's `update_line` picks
//!   (including its quirks: byte-length comparisons, the multibyte "trailing space" rule,
//!   xterm's pending-wrap column, the `CR`-is-cheaper heuristic, the quick redraw).
//! - `dispatch`, `edit`, `history`, `isearch`, `complete`: the commands: motion, kills and
//!   the kill buffer, undo, case and transposition, history with readline's saved line and
//!   in-place edits, `history-search-*`, `^R` reverse-i-search, numeric arguments, Tab
//!   completion with the listing, the `Display all N possibilities?` query and `--More--`.
//! - Printable characters in one read are inserted together and redrawn once, like
//!   readline's typeahead, so `ab` typed mid-line gives `ESC[2@ab`.
//! - `golden`: sessions recorded from the real bash under a pty; the tests replay them.
//!
//! # Known limits
//! - Only a UTF-8 locale is modelled (in the C locale bash reprints characters to move
//!   right). Character widths come from a small table; completion lists sort by byte value.
//! - Approximate: lines taller than the screen; prompts wider than the screen or with
//!   invisible sequences on a wrapped row; undo groups (each command undoes as a whole);
//!   history edits surviving `^C` (readline keeps them in the history list; here they go).
//! - `^C` output includes bash's bracketed-paste toggles; Enter does not (the shell prints
//!   `ESC[?2004l\r` before running a line). `^D` on an empty line prints nothing (the shell
//!   says `logout`). After `C-o` past the newest entry the bell comes after the prompt.
//! - Simplified: a newline in a bracketed paste accepts the line (bash 5.2 keeps it in the
//!   buffer); `\r\n` is one Enter; the kill ring has one slot; a negative numeric argument
//!   only reverses motion and deletion; not emulated (bound but inert): keyboard macros,
//!   glob/history/alias expansion keys, `^X^E`, character search backward, `^S`.
//! - The shell's completion quirks are the completer's business (it returns full words,
//!   directories ending in `/`); this module inserts, appends ` ` or `/`, and lists.
//! - [`LineEditor::feed`] processes all input at once, so the echo of a second line typed
//!   ahead precedes the first line's output; [`LineEditor::feed_partial`] stops after each
//!   event for a caller that wants bash's ordering (the rest is echoed after `set_prompt`).

mod complete;
mod dispatch;
mod display;
mod edit;
#[cfg(test)]
mod golden;
mod history;
mod isearch;
mod keys;
mod layout;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, VecDeque};

use display::Display;
use keys::{Act, Decoder, Key};

/// What a run of input completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditEvent {
    /// Enter was pressed: the line (without the newline).
    Line(String),
    /// `^C`: the line was dropped.
    Interrupt,
    /// `^D` on an empty line.
    Eof,
}

/// Supplies completions for Tab.
pub trait Completer {
    /// Full candidate words for the word that ends at the cursor (`line_before_cursor` is the
    /// whole line up to the cursor). Directories end in `/`; quoting is the completer's job.
    fn complete(&self, line_before_cursor: &str) -> Vec<String>;
}

/// What the previous command was, for kill appending, Tab-Tab and `^D^D`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Last {
    Other,
    Kill,
    Complete,
    HistSearch,
    Yank,
    YankArg,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Mode {
    Normal,
    /// `quoted-insert`: the next byte goes in literally.
    Quoted,
    /// `character-search`: the next character is the target.
    CharSearch,
    /// `Display all N possibilities? (y or n)` is on screen.
    Query(Vec<String>),
    /// `--More--` is on screen; `next` is the first row not shown yet.
    Pager {
        rows: Vec<Vec<u8>>,
        next: usize,
        lines: usize,
    },
    /// `reverse-search-history` is running.
    ISearch(Box<isearch::ISearch>),
    /// A numeric argument is being typed (`M-1`, `M--`): `(arg: N)` is shown.
    Arg {
        value: u32,
        neg: bool,
        digits: bool,
    },
}

/// A readline-compatible line editor for one terminal.
#[derive(Debug, Clone)]
pub struct LineEditor {
    max_line: usize,
    max_history: usize,
    height: usize,
    buf: Vec<char>,
    bytes: usize,
    point: usize,
    region: Option<(usize, usize)>,
    history: VecDeque<String>,
    hist_pos: usize,
    edits: BTreeMap<usize, Vec<char>>,
    /// The line being typed while history is browsed (`_rl_saved_line_for_history`).
    saved: Option<Vec<char>>,
    search_prefix: Vec<char>,
    search_pos: usize,
    search_found: Option<String>,
    kill: Vec<char>,
    /// The query of the previous incremental search (`^R ^R` reuses it).
    last_isearch: Option<String>,
    last: Last,
    completion_changed: bool,
    completion_failed: bool,
    after_cr: bool,
    continuation: bool,
    redraw_pending: bool,
    /// The undo list of the line being edited.
    undo: Vec<edit::Undo>,
    /// The line and history position before the running command (for the undo list).
    snapshot: Option<(Vec<char>, usize)>,
    /// What `M-.` inserted last (start, length) and how many lines back it looked.
    last_arg: Option<(usize, usize)>,
    last_arg_skip: usize,
    /// `C-o`: the history entry (absolute number) to show after the accepted line.
    operate_next: Option<u64>,
    /// History entries dropped from the front so far (for absolute entry numbers).
    history_base: u64,
    /// A bell to ring at the next `feed` (for `C-o` past the newest entry).
    bell_pending: bool,
    /// An ESC that ended a read also ended a search; `[` or `O` next continues it.
    search_esc: bool,
    /// How many times the next command runs (a numeric argument).
    repeat: usize,
    /// Bytes to read again before new input (keys readline "ungets").
    replay: VecDeque<u8>,
    mode: Mode,
    disp: Display,
    dec: Decoder,
}

const BELL: u8 = 0x07;

impl LineEditor {
    /// An editor for lines of at most `max_line` bytes keeping `max_history` history entries.
    pub fn new(max_line: usize, max_history: usize) -> Self {
        let dec = Decoder::new(max_line);
        LineEditor {
            max_line,
            max_history,
            height: 24,
            buf: Vec::new(),
            bytes: 0,
            point: 0,
            region: None,
            history: VecDeque::new(),
            hist_pos: 0,
            edits: BTreeMap::new(),
            saved: None,
            search_prefix: Vec::new(),
            search_pos: 0,
            search_found: None,
            kill: Vec::new(),
            last_isearch: None,
            last: Last::Other,
            completion_changed: false,
            completion_failed: false,
            after_cr: false,
            continuation: false,
            redraw_pending: false,
            undo: Vec::new(),
            snapshot: None,
            last_arg: None,
            last_arg_skip: 0,
            operate_next: None,
            history_base: 0,
            bell_pending: false,
            search_esc: false,
            repeat: 1,
            replay: VecDeque::new(),
            mode: Mode::Normal,
            disp: Display::new(80),
            dec,
        }
    }

    /// Processes typed bytes. Echo/redraw bytes are appended to `out`. Returns the events
    /// completed by these bytes (possibly several lines from one paste).
    pub fn feed(
        &mut self,
        bytes: &[u8],
        completer: &dyn Completer,
        out: &mut Vec<u8>,
    ) -> Vec<EditEvent> {
        let mut events = Vec::new();
        let mut rest = bytes;
        loop {
            let (n, ev) = self.feed_partial(rest, completer, out);
            events.extend(ev);
            rest = rest.get(n..).unwrap_or(&[]);
            if rest.is_empty() || n == 0 {
                return events;
            }
        }
    }

    /// Like [`feed`](Self::feed) but stops right after the first event. Returns how many
    /// bytes were consumed and the event, so the caller can run a line and print its output
    /// and the next prompt before the rest of the input is echoed, as bash does.
    pub fn feed_partial(
        &mut self,
        bytes: &[u8],
        completer: &dyn Completer,
        out: &mut Vec<u8>,
    ) -> (usize, Option<EditEvent>) {
        if std::mem::take(&mut self.bell_pending) {
            out.push(BELL);
        }
        if self.redraw_pending {
            self.redraw_pending = false;
            self.redisplay(out);
        }
        let mut batch: Vec<char> = Vec::new();
        let mut i = 0;
        loop {
            // bytes readline pushed back come before new input
            let (b, replayed) = match self.replay.pop_front() {
                Some(b) => (b, true),
                None => match bytes.get(i) {
                    Some(&b) => {
                        i += 1;
                        (b, false)
                    }
                    None => break,
                },
            };
            match b {
                0x03 => {
                    self.flush(&mut batch, out);
                    return (i, Some(self.interrupt(out)));
                }
                0x11 | 0x13 | 0x1a | 0x1c => continue,
                // an ESC that ends a read ends a search, like readline with no input
                // pending; should the next read continue a key sequence, it still does
                0x1b if matches!(self.mode, Mode::ISearch(_))
                    && i == bytes.len()
                    && self.replay.is_empty() =>
                {
                    self.flush(&mut batch, out);
                    self.isearch_escape(out);
                    self.search_esc = true;
                    continue;
                }
                _ => {}
            }
            if std::mem::take(&mut self.search_esc) && (b == b'[' || b == b'O') {
                self.dec.push(0x1b);
            }
            match &self.mode {
                Mode::Query(_) => {
                    self.query_answer(b, out);
                    continue;
                }
                Mode::Pager { .. } => {
                    self.pager_answer(b, out);
                    continue;
                }
                Mode::Quoted if b < 0x80 => {
                    self.mode = Mode::Normal;
                    self.flush(&mut batch, out);
                    self.begin_command();
                    if b != 0 {
                        self.insert(&[char::from(b)], out);
                    }
                    self.end_command(Last::Other, out);
                    continue;
                }
                _ => {}
            }
            match self.dec.push(b) {
                Key::None => {}
                Key::Char(c) if self.mode == Mode::Normal => {
                    batch.push(c);
                    // pushed-back keys are inserted one by one (no typeahead batching)
                    if replayed {
                        self.flush(&mut batch, out);
                    }
                }
                key => {
                    self.flush(&mut batch, out);
                    if let Key::ActThenAgain(_, again) = &key {
                        // readline re-reads the keys after `ESC ESC`'s default binding
                        for &r in again.iter().rev() {
                            self.replay.push_front(r);
                        }
                    }
                    if let Some(ev) = self.dispatch(key, completer, out) {
                        return (i, Some(ev));
                    }
                }
            }
        }
        self.flush(&mut batch, out);
        if self.dec.overflowed {
            self.dec.overflowed = false;
            out.push(BELL);
        }
        (bytes.len(), None)
    }

    /// Sets the prompt the shell has just printed at the start of a line. Any typeahead
    /// still in the buffer is drawn after it by the next `feed`.
    pub fn set_prompt(&mut self, prompt: &str) {
        let p: String = prompt
            .chars()
            .filter(|c| *c != '\x01' && *c != '\x02')
            .collect();
        self.disp.set_prompt(&p);
        self.disp.on_new_line();
        if let Some(abs) = self.operate_next.take() {
            // after `C-o`: the entry following the one just run (bash's
            // `operate-and-get-next`); past the newest one rings the bell
            let len = self.history.len() as u64;
            let rel = abs.saturating_sub(self.history_base);
            if rel < len && self.buf.is_empty() {
                self.saved = Some(Vec::new());
                self.goto_hist(usize::try_from(rel).unwrap_or(0));
            } else if rel > len {
                self.bell_pending = true;
            }
        }
        self.redraw_pending = !self.buf.is_empty();
    }

    /// Sets the terminal width in columns (0 means 80).
    pub fn set_width(&mut self, cols: u32) {
        let cols = if cols == 0 { 80 } else { cols };
        self.disp.set_cols(usize::try_from(cols).unwrap_or(4096));
    }

    /// Sets the terminal height in rows (0 means 24); long completion lists page at it.
    /// (An addition to the original interface: readline's `--More--` needs it.)
    pub fn set_height(&mut self, rows: u32) {
        let rows = if rows == 0 { 24 } else { rows };
        self.height = usize::try_from(rows).unwrap_or(4096).max(2);
    }

    /// Adds an executed line to the history with `HISTCONTROL=ignoreboth` (as Debian's
    /// root `.bashrc`): lines starting with a space and repeats of the last entry are skipped.
    pub fn push_history(&mut self, line: &str) {
        let line = line.strip_suffix('\n').unwrap_or(line);
        if line.is_empty() || line.starts_with(' ') || self.max_history == 0 {
            return;
        }
        if self.history.back().is_some_and(|l| l == line) {
            return;
        }
        self.history.push_back(line.to_owned());
        while self.history.len() > self.max_history {
            self.history.pop_front();
            self.history_base += 1;
        }
        self.hist_pos = self.history.len();
        self.edits.clear();
        self.saved = None;
    }

    /// The history, oldest first.
    pub fn history(&self) -> impl Iterator<Item = &str> {
        self.history.iter().map(String::as_str)
    }

    /// Records whether the shell is reading a continuation line (`> ` prompt). Informational.
    pub fn set_continuation(&mut self, on: bool) {
        self.continuation = on;
    }

    /// Drops the current buffer; the screen is assumed to show a fresh prompt afterwards.
    pub fn clear_line(&mut self) {
        self.reset_line();
    }

    // ---- internals ----

    fn reset_line(&mut self) {
        self.buf.clear();
        self.bytes = 0;
        self.point = 0;
        self.region = None;
        self.hist_pos = self.history.len();
        self.edits.clear();
        self.saved = None;
        self.undo.clear();
        self.snapshot = None;
        self.last_arg = None;
        self.last = Last::Other;
        self.completion_changed = false;
        self.completion_failed = false;
        self.mode = Mode::Normal;
        self.redraw_pending = false;
        self.disp.set_message(None);
        self.disp.on_new_line();
    }

    fn redisplay(&mut self, out: &mut Vec<u8>) {
        let frame = self.disp.layout(&self.buf, self.point, self.region);
        self.disp.redisplay(frame, out);
    }

    /// Starts a command: the pasted region stops being highlighted.
    fn begin_command(&mut self) -> bool {
        self.region.take().is_some()
    }

    fn end_command(&mut self, last: Last, out: &mut Vec<u8>) {
        self.last = last;
        if let Some((before, hist_pos)) = self.snapshot.take() {
            if hist_pos == self.hist_pos {
                self.record_undo(before);
            } else {
                // another line: readline switches undo lists; here the list starts over
                self.undo.clear();
            }
        }
        self.redisplay(out);
    }

    fn flush(&mut self, batch: &mut Vec<char>, out: &mut Vec<u8>) {
        if batch.is_empty() {
            return;
        }
        self.begin_command();
        self.after_cr = false;
        let n = self.insert(batch, out);
        self.record_typed(n);
        batch.clear();
        self.end_command(Last::Other, out);
    }

    fn interrupt(&mut self, out: &mut Vec<u8>) -> EditEvent {
        // readline redisplays (a no-op unless a listing moved the cursor), echoes ^C, goes
        // below the line, and bash toggles bracketed paste around its cleanup.
        if let Mode::ISearch(_) = self.mode {
            self.mode = Mode::Normal;
            self.disp.set_message(None);
        } else {
            self.redisplay(out);
        }
        out.extend_from_slice(b"^C");
        self.disp.move_to_bottom(out);
        out.extend_from_slice(b"\x1b[?2004l\r\x1b[?2004h\x1b[?2004l\r\r\n");
        self.dec.reset();
        self.replay.clear();
        self.search_esc = false;
        self.after_cr = false;
        self.reset_line();
        EditEvent::Interrupt
    }

    fn accept(&mut self, had_region: bool, out: &mut Vec<u8>) -> EditEvent {
        if had_region {
            self.redisplay(out);
        }
        self.disp.update_final(out);
        let line: String = self.buf.iter().collect();
        self.reset_line();
        EditEvent::Line(line)
    }
}
