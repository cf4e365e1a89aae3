//! Key dispatch: what each key does, numeric arguments, and the steps they repeat.

use super::keys::{Act, Key};
use super::{BELL, Completer, EditEvent, Last, LineEditor, Mode, isearch};

impl LineEditor {
    pub(super) fn dispatch(
        &mut self,
        key: Key,
        completer: &dyn Completer,
        out: &mut Vec<u8>,
    ) -> Option<EditEvent> {
        if let Mode::ISearch(_) = self.mode {
            self.after_cr = false;
            return match self.isearch_key(key, out) {
                isearch::Outcome::Done => {
                    self.redisplay(out);
                    None
                }
                isearch::Outcome::Exit(k) => self.dispatch(k, completer, out),
            };
        }
        if let Mode::Arg { value, neg, digits } = self.mode {
            return self.arg_key(key, (value, neg, digits), completer, out);
        }
        // clear-screen keeps the pasted region highlighted (`rl_keep_mark_active`)
        let keeps_region = matches!(key, Key::Ctrl(0x0c) | Key::Act(Act::ClearScreen));
        let had_region = if keeps_region {
            self.region.is_some()
        } else {
            self.begin_command()
        };
        self.snapshot = Some((self.buf.clone(), self.hist_pos));
        let is_cr = key == Key::Ctrl(0x0d);
        let skip_lf = key == Key::Ctrl(0x0a) && self.after_cr;
        self.after_cr = is_cr;
        if skip_lf {
            if had_region {
                self.redisplay(out);
            }
            return None;
        }
        if let Mode::CharSearch = self.mode {
            self.mode = Mode::Normal;
            if let Key::Char(c) = key {
                let from = (self.point + 1).min(self.buf.len());
                match self
                    .buf
                    .get(from..)
                    .and_then(|t| t.iter().position(|x| *x == c))
                {
                    Some(i) => self.point = from + i,
                    None => out.push(BELL),
                }
            }
            self.end_command(Last::Other, out);
            return None;
        }
        if self.mode == Mode::Quoted {
            self.mode = Mode::Normal;
            if let Key::Char(c) = key {
                self.insert(&[c], out);
            }
            self.end_command(Last::Other, out);
            return None;
        }
        let mut last = Last::Other;
        match key {
            Key::Bell => out.push(BELL),
            Key::Ctrl(b) => match b {
                0x01 => self.point = 0,
                0x02 => return self.act(Act::Back, completer, out),
                // bash builds readline with callbacks, which drops its "^D twice" rule
                0x04 if self.buf.is_empty() => {
                    self.reset_line();
                    return Some(EditEvent::Eof);
                }
                0x04 => return self.act(Act::DeleteChar, completer, out),
                0x05 => self.point = self.buf.len(),
                0x06 => return self.act(Act::Fwd, completer, out),
                0x07 => out.push(BELL),
                0x08 | 0x7f => return self.act(Act::BackDelete, completer, out),
                0x09 => return self.act(Act::Complete, completer, out),
                0x0a | 0x0d => return Some(self.accept(had_region, out)),
                // operate-and-get-next: run the line, then show the history entry after it
                0x0f => {
                    let abs = self.history_base + self.hist_pos as u64 + 1;
                    let ev = self.accept(had_region, out);
                    self.operate_next = Some(abs);
                    return Some(ev);
                }
                0x0b if self.point < self.buf.len() => {
                    self.kill_range(self.point, self.buf.len(), true);
                    last = Last::Kill;
                }
                0x0c => return self.act(Act::ClearScreen, completer, out),
                0x0e => return self.act(Act::NextHist, completer, out),
                0x10 => return self.act(Act::PrevHist, completer, out),
                0x14 => {
                    // readline compares the line's length in bytes here
                    if self.point == 0 || self.bytes < 2 {
                        out.push(BELL);
                    } else if self.buf.len() >= 2 {
                        if self.point == self.buf.len() {
                            self.point -= 1;
                        }
                        self.buf.swap(self.point - 1, self.point);
                        self.point += 1;
                    }
                }
                0x15 => return self.act(Act::BackKillLine, completer, out),
                0x12 => self.isearch_start(),
                0x16 => self.mode = Mode::Quoted,
                0x17 => {
                    if self.point == 0 {
                        out.push(BELL);
                    } else {
                        let mut p = self.point;
                        while p > 0 && self.char_at(p - 1).is_some_and(char::is_whitespace) {
                            p -= 1;
                        }
                        while p > 0 && !self.char_at(p - 1).is_some_and(char::is_whitespace) {
                            p -= 1;
                        }
                        self.kill_range(p, self.point, false);
                        last = Last::Kill;
                    }
                }
                0x19 => {
                    if self.kill.is_empty() {
                        out.push(BELL);
                    } else {
                        let k = self.kill.clone();
                        self.insert(&k, out);
                        last = Last::Yank;
                    }
                }
                0x1d => self.mode = Mode::CharSearch,
                0x1f => return self.act(Act::Undo, completer, out),
                0x1e => out.push(BELL),
                _ => {}
            },
            Key::Act(a) | Key::ActThenAgain(a, _) => return self.act(a, completer, out),
            Key::PasteLine(ref s) | Key::PasteEnd(ref s) => {
                let start = self.point;
                let chars: Vec<char> = s.chars().collect();
                let n = self.insert(&chars, out);
                if n > 0 {
                    self.region = Some((start, start + n));
                }
                self.redisplay(out);
                if matches!(key, Key::PasteLine(_)) {
                    let had = self.region.take().is_some();
                    return Some(self.accept(had, out));
                }
                self.snapshot = None;
                self.last = Last::Other;
                return None;
            }
            Key::Char(c) => {
                let n = std::mem::replace(&mut self.repeat, 1);
                let k = self.insert(&vec![c; n.min(self.max_line)], out);
                self.record_typed(k);
                self.snapshot = None;
            }
            Key::None => {}
        }
        self.end_command(last, out);
        None
    }

    /// A key while a numeric argument is typed: digits (and a leading `-`) extend it; any
    /// other key restores the prompt and runs with the argument as its count.
    pub(super) fn arg_key(
        &mut self,
        key: Key,
        (mut value, mut neg, mut digits): (u32, bool, bool),
        completer: &dyn Completer,
        out: &mut Vec<u8>,
    ) -> Option<EditEvent> {
        if let Key::Act(Act::DigitArg(_)) = key
            && (digits || neg)
        {
            // `M-digit` again: readline leaves and re-enters digit-argument, keeping the value
            self.disp.set_message(None);
            self.redisplay(out);
            self.show_arg();
            self.redisplay(out);
        }
        let digit = match key {
            Key::Char(c) => c.to_digit(10),
            Key::Act(Act::DigitArg(d)) if d < 10 => Some(u32::from(d)),
            _ => None,
        };
        let minus = matches!(key, Key::Char('-') | Key::Act(Act::DigitArg(10)));
        if digit.is_some() || (minus && !digits) {
            if let Some(d) = digit {
                value = if digits {
                    (value * 10 + d).min(1_000_000)
                } else {
                    d
                };
                digits = true;
            } else {
                neg = true;
                value = 1;
            }
            self.mode = Mode::Arg { value, neg, digits };
            self.show_arg();
            self.redisplay(out);
            return None;
        }
        self.mode = Mode::Normal;
        self.disp.set_message(None);
        self.redisplay(out);
        self.repeat = usize::try_from(value).unwrap_or(1).min(1000);
        // a negative count turns the common commands around; self-insert does nothing
        let key = if neg {
            let flip = |a: Act| match a {
                Act::Fwd => Act::Back,
                Act::Back => Act::Fwd,
                Act::FwdWord => Act::BackWord,
                Act::BackWord => Act::FwdWord,
                Act::KillWord => Act::BackKillWord,
                Act::BackKillWord => Act::KillWord,
                Act::DeleteChar => Act::BackDelete,
                Act::BackDelete => Act::DeleteChar,
                Act::PrevHist => Act::NextHist,
                Act::NextHist => Act::PrevHist,
                other => other,
            };
            match key {
                Key::Char(_) => Key::None,
                Key::Act(a) => Key::Act(flip(a)),
                Key::Ctrl(0x02) => Key::Act(Act::Fwd),
                Key::Ctrl(0x06) => Key::Act(Act::Back),
                Key::Ctrl(0x08 | 0x7f) => Key::Act(Act::DeleteChar),
                Key::Ctrl(0x0e) => Key::Act(Act::PrevHist),
                Key::Ctrl(0x10) => Key::Act(Act::NextHist),
                other => other,
            }
        } else {
            key
        };
        let ev = self.dispatch(key, completer, out);
        self.repeat = 1;
        ev
    }

    pub(super) fn show_arg(&mut self) {
        if let Mode::Arg { value, neg, .. } = self.mode {
            let sign = if neg { "-" } else { "" };
            self.disp
                .set_message(Some(&format!("(arg: {sign}{value}) ")));
        }
    }

    /// The commands a numeric argument repeats: one step of them.
    pub(super) fn step(&mut self, a: Act, out: &mut Vec<u8>) {
        let len = self.buf.len();
        match a {
            Act::Fwd if self.point < len => self.point += 1,
            Act::Back if self.point > 0 => self.point -= 1,
            Act::FwdWord => self.point = self.fwd_word(),
            Act::BackWord => self.point = self.back_word(),
            Act::DeleteChar if self.point < len => {
                self.remove(self.point, self.point + 1);
            }
            Act::BackDelete if self.point > 0 => {
                self.remove(self.point - 1, self.point);
            }
            Act::KillWord => {
                let e = self.fwd_word();
                if e != self.point {
                    self.kill_range(self.point, e, true);
                    self.last = Last::Kill;
                }
            }
            Act::BackKillWord => {
                let s = self.back_word();
                if s != self.point {
                    self.kill_range(s, self.point, false);
                    self.last = Last::Kill;
                }
            }
            Act::PrevHist => self.prev_hist(out),
            Act::NextHist => self.next_hist(out),
            _ => out.push(BELL),
        }
    }

    pub(super) fn act(
        &mut self,
        a: Act,
        completer: &dyn Completer,
        out: &mut Vec<u8>,
    ) -> Option<EditEvent> {
        let mut last = Last::Other;
        let len = self.buf.len();
        let repeat = std::mem::replace(&mut self.repeat, 1);
        match a {
            Act::Fwd
            | Act::Back
            | Act::FwdWord
            | Act::BackWord
            | Act::DeleteChar
            | Act::BackDelete
            | Act::KillWord
            | Act::BackKillWord
            | Act::PrevHist
            | Act::NextHist => {
                let before = self.buf.len();
                for _ in 0..repeat {
                    let (p, l, h, o) = (self.point, self.buf.len(), self.hist_pos, out.len());
                    self.step(a, out);
                    if out.len() != o || (p, l, h) == (self.point, self.buf.len(), self.hist_pos) {
                        break;
                    }
                }
                if matches!(a, Act::KillWord | Act::BackKillWord) && self.buf.len() != before {
                    last = Last::Kill;
                }
            }
            Act::Abort => out.push(BELL),
            Act::Bol => self.point = 0,
            Act::Eol => self.point = len,
            Act::BackKillLine if self.point == 0 => out.push(BELL),
            Act::BackKillLine => {
                self.kill_range(0, self.point, false);
                last = Last::Kill;
            }
            Act::QuotedInsert => self.mode = Mode::Quoted,
            Act::FirstHist => self.first_hist(out),
            Act::LastHist => self.last_hist(out),
            Act::HistSearchBack | Act::HistSearchFwd => {
                let reinit = self.last != Last::HistSearch;
                last = Last::HistSearch;
                self.hist_search(a == Act::HistSearchBack, reinit, out);
            }
            Act::Complete => {
                last = Last::Complete;
                let list = self.last == Last::Complete && !self.completion_changed;
                self.complete(completer, list, out);
            }
            Act::ListCompletions => self.complete(completer, true, out),
            Act::UpcaseWord | Act::DowncaseWord | Act::CapitalizeWord => self.change_case(a),
            Act::ClearScreen => {
                out.extend_from_slice(b"\x1b[H\x1b[2J");
                self.disp.forget();
            }
            Act::TransposeWords => self.transpose_words(out),
            Act::RevertLine => {
                self.revert_line(out);
                self.undo.clear();
                self.snapshot = None;
            }
            Act::Undo => {
                self.snapshot = None;
                self.undo(out);
            }
            Act::YankPop => {
                // a one-entry kill ring: popping brings back the same text
                if self.last == Last::Yank {
                    last = Last::Yank;
                } else {
                    out.push(BELL);
                }
            }
            Act::InsertLastArg => {
                last = Last::YankArg;
                self.insert_last_arg(self.last == Last::YankArg, out);
            }
            Act::DeleteHorizontalSpace => self.delete_horizontal_space(),
            Act::InsertComment => {
                self.point = 0;
                self.insert(&['#'], out);
                self.redisplay(out);
                return Some(self.accept(false, out));
            }
            Act::DigitArg(d) => {
                // readline shows `(arg: 1)` first, then reads the digit (or `-`) again
                self.mode = Mode::Arg {
                    value: 1,
                    neg: false,
                    digits: false,
                };
                self.show_arg();
                self.redisplay(out);
                self.last = last;
                return self.arg_key(
                    Key::Act(Act::DigitArg(d)),
                    (1, false, false),
                    completer,
                    out,
                );
            }
            Act::PasteBegin | Act::Noop => {}
        }
        if matches!(self.mode, Mode::Query(_) | Mode::Pager { .. }) {
            self.last = last;
            return None;
        }
        self.end_command(last, out);
        None
    }
}
