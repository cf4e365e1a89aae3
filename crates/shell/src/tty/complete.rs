//! Completion helpers: which word the candidates replace, their common prefix, and the
//! candidate listing laid out like readline's `rl_display_match_list`.

use super::layout::char_width;
use super::{BELL, Completer, LineEditor, Mode};

/// Readline's word-break characters for bash completion.
const BREAKS: &[char] = &[
    ' ', '\t', '\n', '"', '\'', '`', '@', '$', '>', '<', '=', ';', '|', '&', '{', '(',
];

/// Where the word being completed starts in `before` (the text before the cursor).
///
/// The candidates are full words. If they all extend the whole blank-delimited token (as in
/// `$HO` → `$HOME`), the token is the word; otherwise it is the text after the last
/// readline word-break character (as in `--file=/et` → `/etc/`).
pub(crate) fn word_start(before: &[char], cands: &[String]) -> usize {
    let token = before
        .iter()
        .rposition(|c| *c == ' ' || *c == '\t' || *c == '\n')
        .map_or(0, |i| i + 1);
    let tok: String = before.get(token..).unwrap_or(&[]).iter().collect();
    if !cands.is_empty() && cands.iter().all(|c| c.starts_with(&tok)) {
        return token;
    }
    before
        .iter()
        .rposition(|c| BREAKS.contains(c))
        .map_or(0, |i| i + 1)
}

/// Longest common prefix (whole characters) of the candidates.
pub(crate) fn common_prefix(cands: &[String]) -> String {
    let Some(first) = cands.first() else {
        return String::new();
    };
    let mut end = first.len();
    for c in cands.iter().skip(1) {
        let mut e = 0;
        for ((i, a), b) in first.char_indices().zip(c.chars()) {
            if a != b || i >= end {
                break;
            }
            e = i + a.len_utf8();
        }
        end = end.min(e);
    }
    first.get(..end).unwrap_or("").to_owned()
}

/// What the listing shows for a candidate: the part after the last `/` (a trailing `/`
/// is kept and does not count as the last one), like readline's `printable_part`.
fn printable(c: &str) -> &str {
    let body = c.strip_suffix('/').unwrap_or(c);
    match body.rfind('/') {
        Some(i) => c.get(i + 1..).unwrap_or(c),
        None => c,
    }
}

fn text_width(s: &str) -> usize {
    s.chars().map(|c| usize::from(char_width(c))).sum()
}

/// The listing rows (without line ends), sorted down the columns (readline's default
/// `print-completions-horizontally off`).
pub(crate) fn listing(cands: &[String], cols: usize) -> Vec<Vec<u8>> {
    let len = cands.len();
    let max = cands
        .iter()
        .map(|c| text_width(printable(c)))
        .max()
        .unwrap_or(0)
        + 2;
    let mut limit = cols / max;
    if limit != 1 && limit * max == cols {
        limit -= 1;
    }
    let limit = limit.max(1);
    let count = len.div_ceil(limit);
    let mut rows = Vec::with_capacity(count);
    for i in 0..count {
        let mut row = Vec::new();
        for j in 0..limit {
            let l = i + j * count;
            let Some(c) = cands.get(l) else { break };
            let shown = printable(c);
            row.extend_from_slice(shown.as_bytes());
            if j + 1 < limit && len > 1 {
                let pad = max.saturating_sub(text_width(shown));
                row.extend(std::iter::repeat_n(b' ', pad));
            }
        }
        rows.push(row);
    }
    rows
}

impl LineEditor {
    /// `complete` (Tab) or `possible-completions` (`list`), after `rl_complete_internal`.
    pub(super) fn complete(&mut self, completer: &dyn Completer, list: bool, out: &mut Vec<u8>) {
        let before: String = self.buf.get(..self.point).unwrap_or(&[]).iter().collect();
        let mut cands = completer.complete(&before);
        cands.sort();
        cands.dedup();
        let saved_failed = self.completion_failed;
        if cands.is_empty() {
            out.push(BELL);
            self.completion_changed = false;
            self.completion_failed = true;
            return;
        }
        let single = cands.len() == 1;
        let lcp = if single {
            cands.first().cloned().unwrap_or_default()
        } else {
            common_prefix(&cands)
        };
        // readline clears its "last completion failed" flag only for a non-empty prefix
        if !lcp.is_empty() {
            self.completion_failed = false;
        }
        let saved = self.buf.clone();
        if list && !(saved_failed && single && !lcp.is_empty()) {
            self.show_list(cands, out);
        } else {
            self.insert_match(lcp, &cands, single, out);
        }
        self.completion_changed = self.buf != saved;
    }

    /// Replaces the word with the match (or common prefix), then appends like readline's
    /// `append_to_match`: `/` after a directory unless one follows, a space at the end of
    /// the line; several matches ring the bell.
    pub(super) fn insert_match(
        &mut self,
        mut rep: String,
        cands: &[String],
        single: bool,
        out: &mut Vec<u8>,
    ) {
        let start = word_start(self.buf.get(..self.point).unwrap_or(&[]), cands);
        let dir = single && rep.ends_with('/');
        if dir {
            rep.pop();
        }
        let word: String = self
            .buf
            .get(start..self.point)
            .unwrap_or(&[])
            .iter()
            .collect();
        if rep != word && !rep.is_empty() {
            let point = self.point;
            self.remove(start, point);
            self.point = start;
            let chars: Vec<char> = rep.chars().collect();
            self.insert(&chars, out);
        }
        if !single {
            out.push(BELL);
        } else if dir {
            if self.char_at(self.point) != Some('/') {
                self.insert(&['/'], out);
            }
        } else if self.point == self.buf.len() {
            self.insert(&[' '], out);
        }
    }

    pub(super) fn show_list(&mut self, cands: Vec<String>, out: &mut Vec<u8>) {
        self.disp.move_to_bottom(out);
        out.extend_from_slice(b"\r\n");
        if cands.len() >= 100 {
            out.extend_from_slice(
                format!("Display all {} possibilities? (y or n)", cands.len()).as_bytes(),
            );
            self.mode = Mode::Query(cands);
            return;
        }
        let rows = listing(&cands, self.disp.cols());
        self.print_rows(rows, 0, 0, out);
    }

    /// Prints listing rows from `next`, stopping at `--More--` when the screen is full.
    pub(super) fn print_rows(
        &mut self,
        rows: Vec<Vec<u8>>,
        next: usize,
        mut lines: usize,
        out: &mut Vec<u8>,
    ) {
        let mut i = next;
        while let Some(row) = rows.get(i) {
            out.extend_from_slice(row);
            out.extend_from_slice(b"\r\n");
            lines += 1;
            i += 1;
            if lines + 1 >= self.height && i < rows.len() {
                out.extend_from_slice(b"--More--");
                self.mode = Mode::Pager {
                    rows,
                    next: i,
                    lines,
                };
                return;
            }
        }
        self.mode = Mode::Normal;
        self.disp.forget();
        self.redisplay(out);
    }

    pub(super) fn query_answer(&mut self, b: u8, out: &mut Vec<u8>) {
        let Mode::Query(cands) = &self.mode else {
            return;
        };
        match b {
            b'y' | b'Y' | b' ' => {
                let rows = listing(cands, self.disp.cols());
                out.extend_from_slice(b"\r\n");
                self.print_rows(rows, 0, 0, out);
            }
            b'n' | b'N' | 0x7f | 0x07 => {
                out.extend_from_slice(b"\r\n");
                self.mode = Mode::Normal;
                self.disp.forget();
                self.redisplay(out);
            }
            _ => out.push(BELL),
        }
    }

    pub(super) fn pager_answer(&mut self, b: u8, out: &mut Vec<u8>) {
        let Mode::Pager { rows, next, lines } = std::mem::replace(&mut self.mode, Mode::Normal)
        else {
            return;
        };
        let lines = match b {
            b'y' | b'Y' | b' ' => Some(0),
            b'\r' | b'\n' => Some(lines.saturating_sub(1)),
            b'q' | b'Q' | b'n' | b'N' | 0x7f => None,
            _ => {
                out.push(BELL);
                self.mode = Mode::Pager { rows, next, lines };
                return;
            }
        };
        out.extend_from_slice(b"\r\x1b[K\r");
        self.disp.set_col0();
        match lines {
            Some(l) => self.print_rows(rows, next, l, out),
            None => {
                self.disp.forget();
                self.redisplay(out);
            }
        }
    }
}
