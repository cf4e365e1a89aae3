//! `reverse-search-history` (`^R`), after readline's `isearch.c`.
//!
//! The prompt becomes `(reverse-i-search)`query': `, the line shows the matching history
//! entry with the match highlighted and the cursor on it. Typing extends the query, `^R`
//! finds the next older match (or reuses the previous session's query), `DEL` shortens the
//! query, `^G` restores the original line, `^J` or a lone `ESC` ends the search, and any
//! other key ends it and then runs as usual (Enter runs the found line). Positions are byte
//! offsets, as in readline, and the search state after a failure is kept the way readline
//! keeps it (the next search resumes from the last line examined).

use super::keys::Key;
use super::{BELL, LineEditor, Mode};

/// The state of one incremental search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ISearch {
    query: String,
    /// History lines (with pending edits) plus the line being typed.
    lines: Vec<String>,
    save_line: usize,
    save_point: usize,
    history_pos: isize,
    sline: String,
    sline_index: isize,
    last_found_line: usize,
    prev_found: Option<String>,
    failed: bool,
}

/// What the editor does with a key during a search.
pub(super) enum Outcome {
    /// The search used it.
    Done,
    /// The search ended; run this key normally.
    Exit(Key),
}

fn message(query: &str, failed: bool) -> String {
    let f = if failed { "failed " } else { "" };
    format!("({f}reverse-i-search)`{query}': ")
}

/// Byte offset of char index `i` in `s` (the end when past it).
fn byte_of(s: &str, i: usize) -> usize {
    s.char_indices().nth(i).map_or(s.len(), |(b, _)| b)
}

/// Char index of byte offset `b` in `s`.
fn char_of(s: &str, b: usize) -> usize {
    s.char_indices().take_while(|(i, _)| *i < b).count()
}

fn to_isize(n: usize) -> isize {
    isize::try_from(n).unwrap_or(isize::MAX)
}

impl LineEditor {
    /// Shows the search prompt; with an empty query readline redraws the whole line.
    fn isearch_show(&mut self, query: &str, failed: bool) {
        if query.is_empty() {
            self.disp.optimize();
        }
        self.disp.set_message(Some(&message(query, failed)));
    }

    /// `^R`: starts a search from the cursor in the current line.
    pub(super) fn isearch_start(&mut self) {
        let len = self.history.len();
        if self.hist_pos < len {
            self.edits.insert(self.hist_pos, self.buf.clone());
        }
        let mut lines: Vec<String> = (0..len)
            .map(|i| match self.edits.get(&i) {
                Some(e) => e.iter().collect(),
                None => self.history.get(i).cloned().unwrap_or_default(),
            })
            .collect();
        let current: String = match &self.saved {
            Some(s) if self.hist_pos < len => s.iter().collect(),
            _ => self.buf.iter().collect(),
        };
        lines.push(current);
        let sline: String = self.buf.iter().collect();
        let save_line = self.hist_pos.min(len);
        let sline_index = to_isize(byte_of(&sline, self.point));
        self.mode = Mode::ISearch(Box::new(ISearch {
            query: String::new(),
            lines,
            save_line,
            save_point: self.point,
            history_pos: to_isize(save_line),
            sline,
            sline_index,
            last_found_line: save_line,
            prev_found: None,
            failed: false,
        }));
        self.isearch_show("", false);
    }

    /// One key during a search.
    pub(super) fn isearch_key(&mut self, key: Key, out: &mut Vec<u8>) -> Outcome {
        let Mode::ISearch(mut cx) = std::mem::replace(&mut self.mode, Mode::Normal) else {
            return Outcome::Exit(key);
        };
        match key {
            Key::Char(c) => cx.query.push(c),
            Key::Ctrl(0x12) => {
                if cx.query.is_empty() {
                    let Some(last) = self.last_isearch.clone() else {
                        self.mode = Mode::ISearch(cx);
                        return Outcome::Done;
                    };
                    cx.query = last;
                    self.isearch_show(&cx.query.clone(), cx.failed);
                    self.redisplay(out);
                } else {
                    cx.sline_index -= 1;
                }
            }
            Key::Ctrl(0x08 | 0x7f) => {
                if cx.query.pop().is_none() {
                    out.push(BELL);
                }
                if cx.query.is_empty() {
                    out.push(BELL);
                }
            }
            // ^W and ^Y copy the next word or the rest of the line into the query
            Key::Ctrl(c @ (0x17 | 0x19)) => {
                let line: String = self.buf.iter().collect();
                let start = byte_of(&line, self.point) + cx.query.len();
                let rest = line.get(start..).unwrap_or("");
                let take: String = if c == 0x19 {
                    rest.to_owned()
                } else if rest.chars().next().is_some_and(char::is_alphanumeric) {
                    rest.chars().take_while(|c| c.is_alphanumeric()).collect()
                } else {
                    String::new()
                };
                if take.is_empty() {
                    out.push(BELL);
                }
                cx.query.push_str(&take);
            }
            Key::Ctrl(0x07) => {
                let line = cx.lines.get(cx.save_line).cloned().unwrap_or_default();
                self.set_buf(line.chars().collect());
                self.point = cx.save_point.min(self.buf.len());
                self.region = None;
                self.disp.set_message(None);
                return Outcome::Done;
            }
            Key::Ctrl(0x0a) => {
                self.isearch_finish(*cx);
                return Outcome::Done;
            }
            other => {
                self.isearch_finish(*cx);
                self.redisplay(out);
                return Outcome::Exit(other);
            }
        }
        self.isearch_search(&mut cx, out);
        self.mode = Mode::ISearch(cx);
        Outcome::Done
    }

    /// A lone `ESC` at the end of the input ends the search (readline's terminator).
    pub(super) fn isearch_escape(&mut self, out: &mut Vec<u8>) {
        if let Mode::ISearch(cx) = std::mem::replace(&mut self.mode, Mode::Normal) {
            self.region = None;
            self.isearch_finish(*cx);
            self.redisplay(out);
        }
    }

    /// Searches older lines for the query from the current position.
    fn isearch_search(&mut self, cx: &mut ISearch, out: &mut Vec<u8>) {
        let q = cx.query.as_bytes();
        let mut found = false;
        cx.failed = false;
        if !q.is_empty() {
            loop {
                while cx.sline_index >= 0 {
                    let at = usize::try_from(cx.sline_index).unwrap_or(0);
                    if cx
                        .sline
                        .as_bytes()
                        .get(at..)
                        .is_some_and(|t| t.starts_with(q))
                    {
                        found = true;
                        break;
                    }
                    cx.sline_index -= 1;
                }
                if found {
                    break;
                }
                // the next older line, skipping repeats of the last match and short lines
                loop {
                    cx.history_pos -= 1;
                    let Some(line) = usize::try_from(cx.history_pos)
                        .ok()
                        .and_then(|p| cx.lines.get(p))
                    else {
                        cx.failed = true;
                        break;
                    };
                    cx.sline = line.clone();
                    if cx.prev_found.as_deref() != Some(line.as_str()) && q.len() <= line.len() {
                        break;
                    }
                }
                if cx.failed {
                    cx.sline_index = cx.sline_index.max(0);
                    break;
                }
                cx.sline_index = to_isize(cx.sline.len()) - to_isize(q.len());
            }
        } else {
            cx.failed = true;
        }
        if cx.failed || !found {
            cx.failed = true;
            out.push(BELL);
            cx.history_pos = to_isize(cx.last_found_line);
            self.region = None;
        } else {
            let pos = usize::try_from(cx.history_pos).unwrap_or(0);
            let line = cx.lines.get(pos).cloned().unwrap_or_default();
            let at = usize::try_from(cx.sline_index).unwrap_or(0);
            self.set_buf(line.chars().collect());
            self.point = char_of(&line, at);
            let end = char_of(&line, at + q.len());
            self.region = Some((self.point, end));
            cx.prev_found = Some(line);
            cx.last_found_line = pos;
        }
        self.isearch_show(&cx.query.clone(), cx.failed);
    }

    /// Ends the search on the line found (readline's `_rl_isearch_fini`).
    fn isearch_finish(&mut self, cx: ISearch) {
        let original = cx.lines.get(cx.save_line).cloned().unwrap_or_default();
        self.set_buf(original.chars().collect());
        self.disp.set_message(None);
        self.region = None;
        self.last_isearch = Some(cx.query);
        if cx.last_found_line < cx.save_line {
            if self.saved.is_none() {
                self.saved = Some(self.buf.clone());
            }
            self.goto_hist(cx.last_found_line);
        }
        let line: String = self.buf.iter().collect();
        self.point = match usize::try_from(cx.sline_index) {
            Ok(b) => char_of(&line, b),
            Err(_) if cx.last_found_line == cx.save_line => cx.save_point,
            Err(_) => self.buf.len(),
        }
        .min(self.buf.len());
    }
}
