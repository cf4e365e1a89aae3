//! History: previous/next, readline's saved line, `history-search-*`.

use super::{BELL, LineEditor};

impl LineEditor {
    /// `previous-history`: silent with no history, the bell at the oldest entry. Leaving
    /// the line being typed saves it (readline's `rl_maybe_save_line`).
    pub(super) fn prev_hist(&mut self, out: &mut Vec<u8>) {
        if self.history.is_empty() {
            return;
        }
        let had_saved = self.saved.is_some();
        if !had_saved {
            self.saved = Some(self.buf.clone());
        }
        if self.hist_pos > 0 {
            self.goto_hist(self.hist_pos - 1);
        } else {
            if !had_saved {
                self.saved = None;
            }
            out.push(BELL);
        }
    }

    /// `next-history`: past the newest entry the saved line comes back; without one
    /// (at the line being typed, or after a history search dropped it) the bell rings.
    pub(super) fn next_hist(&mut self, out: &mut Vec<u8>) {
        let len = self.history.len();
        if self.hist_pos + 1 < len {
            self.goto_hist(self.hist_pos + 1);
            return;
        }
        if self.hist_pos < len {
            self.edits.insert(self.hist_pos, self.buf.clone());
            self.hist_pos = len;
        }
        match self.saved.take() {
            Some(line) => self.set_buf(line),
            None => out.push(BELL),
        }
    }

    /// Shows history entry `pos`, keeping the edits made to the one being left.
    pub(super) fn goto_hist(&mut self, pos: usize) {
        if self.hist_pos < self.history.len() {
            self.edits.insert(self.hist_pos, self.buf.clone());
        }
        self.hist_pos = pos;
        let line = match self.edits.get(&pos) {
            Some(e) => e.clone(),
            None => self
                .history
                .get(pos)
                .map(|s| s.chars().collect())
                .unwrap_or_default(),
        };
        self.set_buf(line);
    }

    /// `history-search-backward`/`-forward`: entries starting with the text that was before
    /// the point when the search began; with an empty prefix, plain history moves. Like
    /// readline, the search keeps its own position (Up/Down still move from where they
    /// were), starting one drops the saved line, and a hit replaces it.
    pub(super) fn hist_search(&mut self, backward: bool, reinit: bool, out: &mut Vec<u8>) {
        if reinit {
            self.search_prefix = self.buf.get(..self.point).unwrap_or(&[]).to_vec();
            self.search_pos = self.hist_pos;
            self.search_found = None;
            self.saved = None;
        }
        if self.search_prefix.is_empty() {
            return if backward {
                self.prev_hist(out)
            } else {
                self.next_hist(out)
            };
        }
        if self.saved.is_none() {
            self.saved = Some(self.buf.clone());
        }
        let prefix: String = self.search_prefix.iter().collect();
        let mut pos = self.search_pos;
        let found = loop {
            let next = if backward {
                pos.checked_sub(1)
            } else {
                Some(pos + 1).filter(|p| *p < self.history.len())
            };
            let Some(p) = next else { break None };
            pos = p;
            // readline searches the entries as edited (it changes them in place)
            let Some(h) = self
                .edits
                .get(&p)
                .map(|e| e.iter().collect::<String>())
                .or_else(|| self.history.get(p).cloned())
            else {
                break None;
            };
            if h.starts_with(&prefix) && self.search_found.as_deref() != Some(h.as_str()) {
                break Some((p, h));
            }
        };
        match found {
            Some((p, line)) => {
                self.search_pos = p;
                self.set_buf(line.chars().collect());
                self.search_found = Some(line);
                self.saved = None;
            }
            None => {
                if let Some(line) = self.saved.take() {
                    self.set_buf(line);
                }
                out.push(BELL);
            }
        }
        self.point = self.search_prefix.len().min(self.buf.len());
    }

    /// `beginning-of-history` (`M-<`): the bell when already there.
    pub(super) fn first_hist(&mut self, out: &mut Vec<u8>) {
        if self.history.is_empty() {
            return;
        }
        let had_saved = self.saved.is_some();
        if !had_saved {
            self.saved = Some(self.buf.clone());
        }
        if self.hist_pos > 0 {
            self.goto_hist(0);
        } else {
            if !had_saved {
                self.saved = None;
            }
            out.push(BELL);
        }
    }

    /// `end-of-history` (`M->`): back to the saved line; the bell without one.
    pub(super) fn last_hist(&mut self, out: &mut Vec<u8>) {
        let len = self.history.len();
        if self.hist_pos < len {
            self.edits.insert(self.hist_pos, self.buf.clone());
            self.hist_pos = len;
        }
        match self.saved.take() {
            Some(line) => self.set_buf(line),
            None => out.push(BELL),
        }
    }
}
