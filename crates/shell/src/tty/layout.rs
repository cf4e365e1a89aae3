//! Laying out prompt + buffer as screen cells in rows, the way readline's redisplay builds
//! its "invisible line": `CHECK_LPOS` row breaks, tabs to the next multiple of 8, `^X` for
//! control characters, and spaces before a double-width character that does not fit.

/// One screen cell of the line: a character, its width in columns and its face.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cell {
    /// The character shown.
    pub ch: char,
    /// Columns it takes (0, 1 or 2).
    pub w: u8,
    /// Shown in standout (the active region after a bracketed paste).
    pub so: bool,
}

impl Cell {
    pub(crate) fn plain(ch: char) -> Self {
        Cell {
            ch,
            w: char_width(ch),
            so: false,
        }
    }
}

/// A laid-out line: cells, row starts (plus a final end sentinel) and the cursor.
#[derive(Debug, Clone, Default)]
pub(crate) struct Frame {
    pub(crate) cells: Vec<Cell>,
    /// `breaks[r]` is the first cell of row `r`; the last entry is `cells.len()`.
    pub(crate) breaks: Vec<usize>,
    /// `wrapped[r]`: spaces padding the end of row `r - 1` because a double-width
    /// character did not fit (readline's `wrapped_line`).
    pub(crate) wrapped: Vec<usize>,
    pub(crate) cursor: usize,
    pub(crate) cursor_row: usize,
}

/// Layout state: readline's `lpos` (column in the current row) and
/// `_rl_wrapped_multicolumn` (reset by each printable character).
struct Layout {
    f: Frame,
    lpos: usize,
    cols: usize,
    multi: usize,
}

impl Layout {
    /// Current position: next cell index and row.
    fn here(&self) -> (usize, usize) {
        (self.f.cells.len(), self.f.breaks.len() - 1)
    }

    fn newline_at(&mut self, at: usize) {
        self.f.breaks.push(at);
        self.f.wrapped.push(self.multi);
        self.lpos = 0;
    }

    /// Appends a cell, breaking the row each time the column reaches the width.
    fn push(&mut self, c: Cell) {
        self.f.cells.push(c);
        for _ in 0..c.w {
            self.lpos += 1;
            if self.lpos >= self.cols {
                self.newline_at(self.f.cells.len());
            }
        }
    }

    /// A tab: spaces to the next multiple of 8, possibly split over two rows.
    fn tab(&mut self, so: bool) {
        let temp = 8 - self.lpos % 8;
        if self.lpos + temp >= self.cols {
            let temp2 = self.cols - self.lpos;
            let at = self.f.cells.len() + temp2;
            self.newline_at(at);
            self.lpos = temp - temp2;
        } else {
            self.lpos += temp;
        }
        for _ in 0..temp {
            self.f.cells.push(Cell { ch: ' ', w: 1, so });
        }
    }
}

impl Frame {
    pub(crate) fn empty() -> Self {
        Frame {
            cells: Vec::new(),
            breaks: vec![0, 0],
            wrapped: Vec::new(),
            cursor: 0,
            cursor_row: 0,
        }
    }

    /// Index of the last row.
    pub(crate) fn botlin(&self) -> usize {
        self.breaks.len().saturating_sub(2)
    }

    pub(crate) fn row_start(&self, r: usize) -> usize {
        self.breaks.get(r).copied().unwrap_or(self.cells.len())
    }

    pub(crate) fn row(&self, r: usize) -> &[Cell] {
        let a = self.row_start(r);
        let b = self.breaks.get(r + 1).copied().unwrap_or(a).max(a);
        self.cells.get(a..b).unwrap_or(&[])
    }
}

/// UTF-8 bytes of a run of cells (readline compares many lengths in bytes).
pub(crate) fn bytes(cells: &[Cell]) -> usize {
    cells.iter().map(|c| c.ch.len_utf8()).sum()
}

/// Columns taken by a run of cells.
pub(crate) fn width(cells: &[Cell]) -> usize {
    cells.iter().map(|c| usize::from(c.w)).sum()
}

/// `wcwidth` for the characters the editor stores (controls never reach here).
pub(crate) fn char_width(c: char) -> u8 {
    let u = u32::from(c);
    let zero = matches!(u,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A
        | 0x064B..=0x065F | 0x0E31 | 0x0E34..=0x0E3A | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF
        | 0x200B..=0x200F | 0x20D0..=0x20FF | 0xFE00..=0xFE0F | 0xFE20..=0xFE2F);
    if zero {
        return 0;
    }
    let wide = matches!(u,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF | 0x20000..=0x2FFFD | 0x30000..=0x3FFFD);
    if wide { 2 } else { 1 }
}

/// Splits a prompt into what it shows (cells) and drops terminal escape sequences (CSI, OSC
/// and two-byte escapes) and readline's `\001`/`\002` markers, which take no columns.
pub(crate) fn prompt_cells(prompt: &str) -> Vec<Cell> {
    let mut cells = Vec::new();
    let mut it = prompt.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '\x1b' => match it.next() {
                Some('[') => {
                    for d in it.by_ref() {
                        if ('\x40'..='\x7e').contains(&d) {
                            break;
                        }
                    }
                }
                Some(']') => {
                    while let Some(d) = it.next() {
                        if d == '\x07' {
                            break;
                        }
                        if d == '\x1b' {
                            if it.peek() == Some(&'\\') {
                                it.next();
                            }
                            break;
                        }
                    }
                }
                _ => {}
            },
            '\r' | '\n' => cells.clear(),
            c if c.is_control() => {}
            c => cells.push(Cell::plain(c)),
        }
    }
    cells
}

/// Lays out prompt + buffer into rows like readline's redisplay loop (`CHECK_LPOS`,
/// tab expansion, `^X` for controls, padding before a wide character at the margin).
///
/// `spare` is a frame no longer needed (the one shown before the last redisplay): its
/// buffers are reused, so a long line does not cost a large allocation per keystroke.
pub(crate) fn layout(
    spare: Frame,
    prompt: &[Cell],
    cols: usize,
    buf: &[char],
    point: usize,
    region: Option<(usize, usize)>,
) -> Frame {
    let Frame {
        mut cells,
        mut breaks,
        mut wrapped,
        ..
    } = spare;
    cells.clear();
    cells.reserve(prompt.len() + buf.len() + 8);
    breaks.clear();
    breaks.push(0);
    wrapped.clear();
    wrapped.push(0);
    let mut l = Layout {
        f: Frame {
            cells,
            breaks,
            wrapped,
            cursor: 0,
            cursor_row: 0,
        },
        lpos: 0,
        cols,
        multi: 0,
    };
    for &c in prompt {
        l.push(c);
    }
    let mut cursor: Option<(usize, usize)> = None;
    for (i, &ch) in buf.iter().enumerate() {
        let so = region.is_some_and(|(a, b)| i >= a && i < b);
        if i == point {
            cursor = Some(l.here());
        }
        if ch == '\t' {
            l.tab(so);
        } else if ch.is_control() {
            let shown = if ch == '\x7f' {
                '?'
            } else {
                char::from_u32(u32::from(ch) ^ 0x40).unwrap_or('?')
            };
            l.push(Cell { ch: '^', w: 1, so });
            l.push(Cell {
                ch: shown,
                w: 1,
                so,
            });
        } else {
            l.multi = 0;
            let w = char_width(ch);
            if l.cols < l.lpos + usize::from(w) && l.lpos != 0 {
                while l.lpos != 0 && l.lpos < l.cols {
                    l.multi += 1;
                    l.push(Cell { ch: ' ', w: 1, so });
                }
                if i == point {
                    cursor = Some(l.here());
                }
            }
            l.push(Cell { ch, w, so });
        }
    }
    let end = l.here();
    let mut f = l.f;
    (f.cursor, f.cursor_row) = cursor.unwrap_or(end);
    f.breaks.push(f.cells.len());
    f
}
