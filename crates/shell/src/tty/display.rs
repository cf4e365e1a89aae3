//! The redisplay engine: a model of readline 8.2's `rl_redisplay`/`update_line` in a UTF-8
//! locale on an xterm (`am`+`xenl`, `ich`, `dch`, `el`, `cuf1`, `cuu1`, `cub1` = `^H`).
//!
//! It keeps what the terminal shows (the "visible line": prompt plus buffer, split into screen
//! rows) and, for every redisplay, diffs it against the new contents row by row and emits the
//! same terminal operations readline would: printing over, inserting with `ESC [ n @`,
//! deleting with `ESC [ n P`, clearing with `ESC [ K`, moving with `^H`, `ESC [ C`, `ESC [ A`,
//! `CR` and `CR LF CR` (a `\n` that the pty's `ONLCR` turned into `\r\n`, then readline's CR).
//! Positions are screen columns; cells carry their width so double-width and combining
//! characters move the cursor approximately like readline does.

use super::layout::{Cell, Frame, bytes, layout, prompt_cells, width};

/// Which row `update_line` works on, how many rows the new and old lines have, and the
/// wide-character padding before this row.
#[derive(Debug, Clone, Copy)]
struct Rows {
    current: usize,
    inv_botlin: usize,
    vis_botlin: usize,
    wrapped: usize,
}

/// The terminal-side state of the line being edited.
#[derive(Debug, Clone)]
pub(crate) struct Display {
    cols: usize,
    prompt_raw: String,
    prompt: Vec<Cell>,
    /// Whether the prompt holds invisible bytes (so a full redraw must print it raw).
    prompt_has_invisible: bool,
    /// Whether a message (the search prompt) replaces the prompt.
    message: bool,
    /// Rewrite the line from column 0 at the next redisplay.
    quick: bool,
    vis: Frame,
    /// The frame shown before `vis`, kept for its buffers ([`layout`]).
    spare: Frame,
    c_pos: usize,
    v_pos: usize,
}

impl Display {
    pub(crate) fn new(cols: usize) -> Self {
        let mut d = Display {
            cols: cols.clamp(1, 4096),
            prompt_raw: String::new(),
            prompt: Vec::new(),
            prompt_has_invisible: false,
            message: false,
            quick: false,
            vis: Frame::empty(),
            spare: Frame::default(),
            c_pos: 0,
            v_pos: 0,
        };
        d.on_new_line();
        d
    }

    pub(crate) fn set_cols(&mut self, cols: usize) {
        self.cols = cols.clamp(1, 4096);
    }

    pub(crate) fn set_prompt(&mut self, prompt: &str) {
        self.prompt_raw = prompt.to_owned();
        self.prompt = prompt_cells(prompt);
        let shown: String = self.prompt.iter().map(|c| c.ch).collect();
        self.prompt_has_invisible = shown != prompt;
        self.message = false;
    }

    /// Shows `msg` in place of the prompt (readline's `rl_message`), or the prompt again.
    pub(crate) fn set_message(&mut self, msg: Option<&str>) {
        match msg {
            Some(m) => {
                self.prompt = m.chars().map(Cell::plain).collect();
                self.message = true;
            }
            None if self.message => {
                self.prompt = prompt_cells(&self.prompt_raw);
                self.message = false;
            }
            None => {}
        }
    }

    /// The shell has just printed the prompt on a fresh line: the screen shows the prompt
    /// and the cursor sits after it.
    pub(crate) fn on_new_line(&mut self) {
        let f = self.layout(&[], 0, None);
        self.c_pos = width(f.row(f.cursor_row));
        self.v_pos = f.cursor_row;
        self.spare = std::mem::replace(&mut self.vis, f);
    }

    /// Forget what the screen shows (after a clear or a completion listing), like
    /// `rl_on_new_line` before `rl_forced_update_display`: the next redisplay draws all.
    pub(crate) fn forget(&mut self) {
        self.vis = Frame::empty();
        self.c_pos = 0;
        self.v_pos = 0;
    }

    /// Lays out prompt + buffer into rows (see [`layout`](super::layout::layout)).
    pub(crate) fn layout(
        &mut self,
        buf: &[char],
        point: usize,
        region: Option<(usize, usize)>,
    ) -> Frame {
        let spare = std::mem::take(&mut self.spare);
        layout(spare, &self.prompt, self.cols, buf, point, region)
    }

    /// Brings the screen to `new` (readline's `rl_redisplay` for a line that fits the screen).
    pub(crate) fn redisplay(&mut self, new: Frame, out: &mut Vec<u8>) {
        let inv_botlin = new.botlin();
        let vis_botlin = self.vis.botlin();
        let quick = std::mem::take(&mut self.quick) && inv_botlin == 0;
        for line in 0..=inv_botlin {
            if quick {
                let old = self.vis.row(0).to_vec();
                self.quick_update(&old, new.row(0), inv_botlin, out);
                continue;
            }
            let mut old: Vec<Cell> = if line > vis_botlin {
                Vec::new()
            } else {
                self.vis.row(line).to_vec()
            };
            let rows = Rows {
                current: line,
                inv_botlin,
                vis_botlin,
                wrapped: new.wrapped.get(line).copied().unwrap_or(0),
            };
            self.update_line(&mut old, new.row(line), rows, out);
        }
        if vis_botlin > inv_botlin {
            for line in inv_botlin + 1..=vis_botlin {
                self.move_vert(line, out);
                self.move_cursor(0, &[], out);
                out.extend_from_slice(b"\x1b[K");
            }
        }
        if self.v_pos != new.cursor_row {
            self.move_vert(new.cursor_row, out);
        }
        let start = new.row_start(new.cursor_row);
        let row = new.row(new.cursor_row);
        let nleft = new.cursor.saturating_sub(start);
        self.move_cursor(nleft, row, out);
        self.spare = std::mem::replace(&mut self.vis, new);
    }

    /// Writes cells, switching standout on and off like readline's `puts_face`. When the
    /// write starts the first row at column 0, a prompt with invisible bytes goes out raw.
    fn put(&self, cells: &[Cell], from_line_start: bool, out: &mut Vec<u8>) {
        let mut rest = cells;
        if from_line_start
            && self.prompt_has_invisible
            && !self.message
            && cells.len() >= self.prompt.len()
        {
            let same = cells
                .get(..self.prompt.len())
                .is_some_and(|p| p == self.prompt.as_slice());
            if same {
                out.extend_from_slice(self.prompt_raw.as_bytes());
                rest = cells.get(self.prompt.len()..).unwrap_or(&[]);
            }
        }
        let mut so = false;
        let mut tmp = [0u8; 4];
        for c in rest {
            if c.so != so {
                out.extend_from_slice(if c.so { b"\x1b[7m" } else { b"\x1b[27m" });
                so = c.so;
            }
            out.extend_from_slice(c.ch.encode_utf8(&mut tmp).as_bytes());
        }
        if so {
            out.extend_from_slice(b"\x1b[27m");
        }
    }

    /// `_rl_move_vert`: down with newlines (`\r\n` after ONLCR) then CR, up with `ESC [ A`.
    fn move_vert(&mut self, to: usize, out: &mut Vec<u8>) {
        if self.v_pos == to {
            return;
        }
        if to > self.v_pos {
            for _ in self.v_pos..to {
                out.extend_from_slice(b"\r\n");
            }
            out.push(b'\r');
            self.c_pos = 0;
        } else {
            for _ in to..self.v_pos {
                out.extend_from_slice(b"\x1b[A");
            }
        }
        self.v_pos = to;
    }

    /// `_rl_move_cursor_relative` in a multibyte locale: `new` is a cell index in `data`.
    fn move_cursor(&mut self, new: usize, data: &[Cell], out: &mut Vec<u8>) {
        if self.c_pos == 0 && new == 0 {
            return;
        }
        let dpos = width(data.get(..new).unwrap_or(data)) + new.saturating_sub(data.len());
        if self.c_pos == dpos {
            return;
        }
        if dpos == 0 || dpos + 1 < self.c_pos.saturating_sub(dpos) || self.c_pos == self.cols {
            out.push(b'\r');
            self.c_pos = 0;
        }
        if self.c_pos < dpos {
            for _ in self.c_pos..dpos {
                out.extend_from_slice(b"\x1b[C");
            }
        } else {
            for _ in dpos..self.c_pos {
                out.push(b'\x08');
            }
        }
        self.c_pos = dpos;
    }

    fn clear_to_eol(out: &mut Vec<u8>) {
        out.extend_from_slice(b"\x1b[K");
    }

    /// The next redisplay rewrites the (single-row) line from column 0, like readline's
    /// `_rl_optimize_redisplay` (used when the search prompt comes and goes).
    pub(crate) fn optimize(&mut self) {
        if self.vis.botlin() == 0 {
            self.quick = true;
        }
    }

    /// `update_line` under `_rl_quick_redisplay`: CR, the whole row, clear what is left.
    fn quick_update(&mut self, old: &[Cell], new: &[Cell], inv_botlin: usize, out: &mut Vec<u8>) {
        self.move_cursor(0, old, out);
        self.put(new, true, out);
        self.c_pos += width(new);
        if bytes(new) < bytes(old) {
            self.clear_rest(old, new, 0, inv_botlin, out);
        }
    }

    /// `update_line` for one screen row.
    fn update_line(&mut self, old: &mut Vec<Cell>, new: &[Cell], rows: Rows, out: &mut Vec<u8>) {
        let Rows {
            current: current_line,
            inv_botlin,
            vis_botlin,
            wrapped,
        } = rows;
        let row0 = current_line == 0;
        // At the right margin of an xenl terminal with the cursor on the row above: write
        // the first character of this row (or a space) to make the terminal wrap now.
        if self.c_pos == self.cols && current_line > 0 && self.v_pos == current_line - 1 {
            if wrapped > 0 {
                // remove the placeholder space before a wide character that did not fit
                Self::clear_to_eol(out);
            }
            let oldw = old.first().map_or(0, |c| usize::from(c.w));
            let mut oldb = usize::from(!old.is_empty());
            let mut newwidth = new.first().map_or(0, |c| usize::from(c.w));
            let mut newb = usize::from(!new.is_empty());
            while newb < new.len() && newwidth < oldw {
                newwidth += new.get(newb).map_or(0, |c| usize::from(c.w));
                newb += 1;
            }
            let mut oldwidth = oldw;
            while oldb < old.len() && oldwidth < newwidth {
                oldwidth += old.get(oldb).map_or(0, |c| usize::from(c.w));
                oldb += 1;
            }
            if newwidth > 0 {
                self.put(new.get(..newb).unwrap_or(new), false, out);
                self.c_pos = newwidth;
                self.v_pos += 1;
                let (nb, ob) = (
                    bytes(new.get(..newb).unwrap_or(new)),
                    bytes(old.get(..oldb).unwrap_or(old)),
                );
                if newwidth != oldwidth || nb > ob {
                    // dumb update of the rest
                    let rest = new.get(newb..).unwrap_or(&[]);
                    if !rest.is_empty() {
                        self.put(rest, false, out);
                        self.c_pos += width(rest);
                    }
                    if bytes(new) < bytes(old) {
                        self.clear_rest(old, new, current_line, inv_botlin, out);
                    }
                    return;
                }
                if oldb != 0 && newb != 0 {
                    old.splice(0..oldb, new.get(..newb).unwrap_or(&[]).iter().copied());
                }
            } else {
                out.push(b' ');
                self.c_pos = 1;
                self.v_pos += 1;
            }
        }

        // First difference.
        let mut ofd = 0usize;
        while ofd < old.len() && old.get(ofd) == new.get(ofd) {
            ofd += 1;
        }
        let nfd = ofd;
        let oe = old.len();
        let ne = new.len();
        if ofd == oe && nfd == ne {
            return;
        }
        let (mut ofd, mut nfd) = (ofd, nfd);
        // A combining character at the first difference: back up to its base character.
        if ofd > 0 && old.get(ofd).is_some_and(|c| c.w == 0) {
            ofd -= 1;
            nfd -= 1;
        }

        // Last difference. Readline 8.2 in a multibyte locale clears its "only whitespace
        // matched at the end" flag when a matched character *is* a space (observed).
        let mut wsatend = true;
        let mut ols = oe.saturating_sub(1);
        let mut nls = ne.saturating_sub(1);
        while ols > ofd && nls > nfd {
            if old.get(ols) != new.get(nls) {
                break;
            }
            if old.get(ols).is_some_and(|c| c.ch == ' ') {
                wsatend = false;
            }
            ols -= 1;
            nls -= 1;
        }
        if wsatend {
            ols = oe;
            nls = ne;
        } else if old.get(ols) != new.get(nls) {
            if ols < oe {
                ols += 1;
            }
            if nls < ne {
                nls += 1;
            }
        }

        if self.v_pos != current_line {
            self.move_vert(current_line, out);
        }
        self.move_cursor(ofd, old, out);

        let seg = |v: &[Cell], a: usize, b: usize| -> Vec<Cell> {
            v.get(a..b.max(a)).unwrap_or(&[]).to_vec()
        };
        let new_mid = seg(new, nfd, nls);
        let old_mid = seg(old, ofd, ols);
        let lendiff = bytes(&new_mid) as isize - bytes(&old_mid) as isize;
        let col_lendiff = width(&new_mid) as isize - width(&old_mid) as isize;
        let new_tail = seg(new, nfd, ne);
        let col_temp = width(&new_tail) as isize;
        let start_of_row0 = row0 && nfd == 0;

        if col_lendiff > 0 {
            let gl = current_line >= vis_botlin && inv_botlin > vis_botlin;
            if lendiff < 0 || gl {
                self.put(&new_tail, start_of_row0, out);
                self.c_pos += width(&new_tail);
                return;
            }
            if ols < oe {
                out.extend_from_slice(format!("\x1b[{col_lendiff}@").as_bytes());
                self.put(&new_mid, start_of_row0, out);
                self.c_pos += width(&new_mid);
            } else {
                self.put(&new_tail, start_of_row0, out);
                self.c_pos += width(&new_tail);
            }
        } else if 2 * col_temp >= -col_lendiff {
            if col_lendiff != 0 && (-col_lendiff) as usize <= self.cols {
                out.extend_from_slice(format!("\x1b[{}P", -col_lendiff).as_bytes());
            }
            if !new_mid.is_empty() {
                self.put(&new_mid, start_of_row0, out);
                self.c_pos += width(&new_mid);
            }
        } else {
            if !new_tail.is_empty() {
                self.put(&new_tail, start_of_row0, out);
                self.c_pos += width(&new_tail);
            }
            self.clear_rest(old, new, current_line, inv_botlin, out);
        }
    }

    /// `clear_rest_of_line`: spaces when a later row follows (keeps the wrap), else `ESC [ K`.
    fn clear_rest(
        &mut self,
        old: &[Cell],
        new: &[Cell],
        current_line: usize,
        inv_botlin: usize,
        out: &mut Vec<u8>,
    ) {
        let diff = width(old) as isize - width(new) as isize;
        if diff != 0 && self.c_pos < self.cols {
            if current_line < inv_botlin {
                for _ in 0..diff.max(0) {
                    out.push(b' ');
                }
                self.c_pos += diff.max(0) as usize;
            } else {
                Self::clear_to_eol(out);
            }
        }
    }

    /// `_rl_update_final` (accept-line): go to the last row, undo a pending xterm wrap, CRLF.
    pub(crate) fn update_final(&mut self, out: &mut Vec<u8>) {
        let mut botlin = self.vis.botlin();
        let mut full_lines = false;
        if botlin > 0 && self.c_pos == 0 && self.vis.row(botlin).is_empty() {
            botlin -= 1;
            full_lines = true;
        }
        self.move_vert(botlin, out);
        let row = self.vis.row(botlin).to_vec();
        let len = width(&row);
        if full_lines && bytes(&row) == self.cols {
            let last = row.len().saturating_sub(1);
            self.move_cursor(last, &row, out);
            Self::clear_to_eol(out);
            if let Some(c) = row.get(last) {
                self.put(std::slice::from_ref(c), false, out);
            }
            self.c_pos += 1;
        }
        if len > 0 || self.c_pos > 0 {
            out.extend_from_slice(b"\r\n");
        }
        self.c_pos = 0;
        self.v_pos = 0;
    }

    /// The cursor went to column 0 behind readline's back (`_rl_erase_entire_line`).
    pub(crate) fn set_col0(&mut self) {
        self.c_pos = 0;
    }

    /// Moves to the last row of the line (before printing below it, e.g. a completion list).
    pub(crate) fn move_to_bottom(&mut self, out: &mut Vec<u8>) {
        let b = self.vis.botlin();
        self.move_vert(b, out);
    }

    /// Screen width in columns.
    pub(crate) fn cols(&self) -> usize {
        self.cols
    }
}
