//! Buffer operations: insertion under the line cap, deletion, the kill buffer, words.

use super::{Act, BELL, Last, LineEditor};

/// One step of the undo list (readline's, simplified).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Undo {
    /// Typed text at `start..end`; consecutive single characters merge, up to 20.
    Insert { start: usize, end: usize },
    /// The line before a change, and where the point goes when it comes back.
    Line { buf: Vec<char>, point: usize },
}

/// Undo steps kept per line.
const UNDO_MAX: usize = 100;

/// The last word of a command line, as history's `!$` tokenizer would find it: blanks
/// separate words, quotes group, runs of `;&|<>()` are words of their own.
pub(super) fn last_arg(line: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let meta = |c: char| ";&|<>()".contains(c);
    for c in line.chars() {
        // history's tokenizer stops at a comment
        if quote.is_none() && c == '#' && cur.is_empty() {
            break;
        }
        if let Some(q) = quote {
            cur.push(c);
            if c == q {
                quote = None;
            }
        } else if c == ' ' || c == '\t' || c == '\n' {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
        } else if meta(c) {
            if !cur.is_empty() && !cur.chars().all(meta) {
                words.push(std::mem::take(&mut cur));
            }
            cur.push(c);
        } else {
            if !cur.is_empty() && cur.chars().all(meta) {
                words.push(std::mem::take(&mut cur));
            }
            if c == '\'' || c == '"' || c == '`' {
                quote = Some(c);
            }
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words.pop().unwrap_or_default()
}

impl LineEditor {
    /// Inserts at the point; what does not fit in `max_line` bytes is dropped with a bell.
    pub(super) fn insert(&mut self, chars: &[char], out: &mut Vec<u8>) -> usize {
        let mut n = 0;
        for &c in chars {
            if self.bytes + c.len_utf8() > self.max_line {
                out.push(BELL);
                break;
            }
            self.buf.insert(self.point, c);
            self.bytes += c.len_utf8();
            self.point += 1;
            n += 1;
        }
        n
    }

    pub(super) fn remove(&mut self, a: usize, b: usize) -> Vec<char> {
        let (a, b) = (a.min(self.buf.len()), b.min(self.buf.len()));
        let gone: Vec<char> = self.buf.drain(a..b.max(a)).collect();
        self.bytes -= gone.iter().map(|c| c.len_utf8()).sum::<usize>();
        if self.point > a {
            self.point = a.max(self.point.saturating_sub(gone.len()));
        }
        gone
    }

    pub(super) fn set_buf(&mut self, chars: Vec<char>) {
        self.buf = chars;
        self.bytes = self.buf.iter().map(|c| c.len_utf8()).sum();
        self.point = self.buf.len();
    }

    pub(super) fn kill_range(&mut self, a: usize, b: usize, forward: bool) {
        let gone = self.remove(a, b);
        self.point = a;
        if self.last == Last::Kill {
            if forward {
                self.kill.extend(gone);
            } else {
                let mut k = gone;
                k.append(&mut self.kill);
                self.kill = k;
            }
        } else {
            self.kill = gone;
        }
    }

    pub(super) fn char_at(&self, i: usize) -> Option<char> {
        self.buf.get(i).copied()
    }

    /// End of the next word from `p` (readline's `forward-word`: alphanumerics).
    pub(super) fn fwd_word_from(&self, mut p: usize) -> usize {
        let len = self.buf.len();
        while p < len && !self.char_at(p).is_some_and(char::is_alphanumeric) {
            p += 1;
        }
        while p < len && self.char_at(p).is_some_and(char::is_alphanumeric) {
            p += 1;
        }
        p
    }

    /// Start of the word before `p` (`backward-word`).
    pub(super) fn back_word_from(&self, mut p: usize) -> usize {
        while p > 0 && !self.char_at(p - 1).is_some_and(char::is_alphanumeric) {
            p -= 1;
        }
        while p > 0 && self.char_at(p - 1).is_some_and(char::is_alphanumeric) {
            p -= 1;
        }
        p
    }

    pub(super) fn fwd_word(&self) -> usize {
        self.fwd_word_from(self.point)
    }

    pub(super) fn back_word(&self) -> usize {
        self.back_word_from(self.point)
    }

    /// `transpose-words` (`M-t`): swaps the words around the point, bell without two words.
    pub(super) fn transpose_words(&mut self, out: &mut Vec<u8>) {
        let w2_end = self.fwd_word_from(self.point);
        let w2_beg = self.back_word_from(w2_end);
        let w1_beg = self.back_word_from(w2_beg);
        let w1_end = self.fwd_word_from(w1_beg);
        if w1_beg == w2_beg || w2_beg < w1_end {
            out.push(BELL);
            return;
        }
        let word1: Vec<char> = self.buf.get(w1_beg..w1_end).unwrap_or(&[]).to_vec();
        let word2: Vec<char> = self.buf.get(w2_beg..w2_end).unwrap_or(&[]).to_vec();
        self.buf.splice(w2_beg..w2_end, word1);
        self.buf.splice(w1_beg..w1_end, word2);
        self.point = w2_end.min(self.buf.len());
    }

    /// `revert-line`: back to the line as it was before editing (the history entry, or
    /// empty); the bell when nothing changed.
    pub(super) fn revert_line(&mut self, out: &mut Vec<u8>) {
        let original: Vec<char> = self
            .history
            .get(self.hist_pos)
            .map(|h| h.chars().collect())
            .unwrap_or_default();
        if self.buf == original {
            out.push(BELL);
            return;
        }
        self.edits.remove(&self.hist_pos);
        self.set_buf(original);
    }

    pub(super) fn change_case(&mut self, a: Act) {
        let end = self.fwd_word();
        let mut first = true;
        for i in self.point..end {
            let Some(c) = self.char_at(i) else { break };
            let up = match a {
                Act::UpcaseWord => true,
                Act::DowncaseWord => false,
                _ => first,
            };
            let mapped: Vec<char> = if up {
                c.to_uppercase().collect()
            } else {
                c.to_lowercase().collect()
            };
            if let (Some(slot), [m]) = (self.buf.get_mut(i), mapped.as_slice()) {
                *slot = *m;
            }
            first = !c.is_alphanumeric();
        }
        self.bytes = self.buf.iter().map(|c| c.len_utf8()).sum();
        self.point = end;
    }

    /// Records the change a command made to the line (`before` is the line before it).
    pub(super) fn record_undo(&mut self, before: Vec<char>) {
        if before == self.buf {
            return;
        }
        let p = before
            .iter()
            .zip(&self.buf)
            .take_while(|(a, b)| a == b)
            .count();
        let suffix = before
            .get(p..)
            .unwrap_or(&[])
            .iter()
            .rev()
            .zip(self.buf.get(p..).unwrap_or(&[]).iter().rev())
            .take_while(|(a, b)| a == b)
            .count();
        let deleted = before.len().saturating_sub(p + suffix);
        self.push_undo(Undo::Line {
            buf: before,
            point: p + deleted,
        });
    }

    /// Records `n` typed characters inserted before the point: like readline, each one
    /// joins the previous insertion when it continues it and that has fewer than 20.
    pub(super) fn record_typed(&mut self, n: usize) {
        let start = self.point.saturating_sub(n);
        for at in start..self.point {
            if let Some(Undo::Insert { start: s, end: e }) = self.undo.last_mut()
                && *e == at
                && *e - *s < 20
            {
                *e = at + 1;
                continue;
            }
            self.push_undo(Undo::Insert {
                start: at,
                end: at + 1,
            });
        }
    }

    fn push_undo(&mut self, u: Undo) {
        if self.undo.len() >= UNDO_MAX {
            self.undo.remove(0);
        }
        self.undo.push(u);
    }

    /// `undo` (`C-_`, `C-x C-u`): the bell when there is nothing to undo.
    pub(super) fn undo(&mut self, out: &mut Vec<u8>) {
        match self.undo.pop() {
            None => out.push(BELL),
            Some(Undo::Insert { start, end }) => {
                self.remove(start, end);
                self.point = start.min(self.buf.len());
            }
            Some(Undo::Line { buf, point }) => {
                self.set_buf(buf);
                self.point = point.min(self.buf.len());
            }
        }
    }

    /// `yank-last-arg` (`M-.`, `M-_`): the last word of the previous history line; again
    /// right after, the one before it replaces it.
    pub(super) fn insert_last_arg(&mut self, again: bool, out: &mut Vec<u8>) {
        if again {
            if let Some((start, n)) = self.last_arg.take() {
                self.remove(start, start + n);
                self.point = start.min(self.buf.len());
            }
            self.last_arg_skip += 1;
        } else {
            self.last_arg_skip = 0;
        }
        // readline reads history entries as edited (it changes them in place)
        let arg = self
            .hist_pos
            .checked_sub(1 + self.last_arg_skip)
            .and_then(|i| match self.edits.get(&i) {
                Some(e) => Some(e.iter().collect::<String>()),
                None => self.history.get(i).cloned(),
            })
            .map(|l| last_arg(&l))
            .unwrap_or_default();
        if arg.is_empty() {
            out.push(BELL);
            return;
        }
        let start = self.point;
        let chars: Vec<char> = arg.chars().collect();
        let n = self.insert(&chars, out);
        self.last_arg = Some((start, n));
    }

    /// `delete-horizontal-space` (`M-\`).
    pub(super) fn delete_horizontal_space(&mut self) {
        let is_ws = |c: Option<char>| c == Some(' ') || c == Some('\t');
        let mut a = self.point;
        while a > 0 && is_ws(self.char_at(a - 1)) {
            a -= 1;
        }
        let mut b = self.point;
        while b < self.buf.len() && is_ws(self.char_at(b)) {
            b += 1;
        }
        self.remove(a, b);
        self.point = a;
    }
}
