//! Running a parsed sed script over input lines: pattern and hold space, addresses and
//! ranges, the cycle, GNU's handling of a last line without a newline.

use super::parse::{Addr, Cmd, Kind, Piece, Subst};
use crate::commands::CmdCtx;
use crate::commands::regex::Regex;
use crate::commands::util::MAX_READ;

/// Commands executed before sed gives up (a `b` loop).
const MAX_STEPS: u64 = 2_000_000;
/// Largest pattern or hold space.
const MAX_SPACE: usize = 4 << 20;

/// One run over some inputs.
pub(super) struct Run<'p> {
    prog: &'p [Cmd],
    quiet: bool,
    sep: u8,
    lines: Vec<(String, bool)>,
    next: usize,
    lineno: usize,
    ps: String,
    hold: String,
    missing_nl: bool,
    append: Vec<String>,
    active: Vec<Option<usize>>,
    last_re: Option<Regex>,
    tflag: bool,
    steps: u64,
    writes: Vec<(String, Vec<u8>)>,
}

impl<'p> Run<'p> {
    pub(super) fn new(prog: &'p [Cmd], quiet: bool, sep: u8) -> Self {
        Run {
            prog,
            quiet,
            sep,
            lines: Vec::new(),
            next: 0,
            lineno: 0,
            ps: String::new(),
            hold: String::new(),
            missing_nl: false,
            append: Vec::new(),
            active: vec![None; prog.len()],
            last_re: None,
            tflag: false,
            steps: 0,
            writes: Vec::new(),
        }
    }

    fn emit(&mut self, out: &mut Vec<u8>, text: &str, nl: bool) {
        if self.missing_nl {
            out.push(self.sep);
            self.missing_nl = false;
        }
        if out.len() > MAX_READ {
            return;
        }
        out.extend_from_slice(text.as_bytes());
        if nl {
            out.push(self.sep);
        } else {
            self.missing_nl = true;
        }
    }

    fn cur_nl(&self) -> bool {
        self.lines
            .get(self.next.wrapping_sub(1))
            .is_none_or(|l| l.1)
    }

    fn is_last(&self) -> bool {
        self.next >= self.lines.len()
    }

    fn read_line(&mut self) -> Option<String> {
        let (l, _) = self.lines.get(self.next)?.clone();
        self.next += 1;
        self.lineno += 1;
        Some(l)
    }

    fn flush_append(&mut self, ctx: &mut CmdCtx<'_>, out: &mut Vec<u8>) {
        for a in std::mem::take(&mut self.append) {
            if let Some(f) = a.strip_prefix("\u{0}r") {
                let fctx = ctx.fs_ctx();
                if let Ok(b) = ctx.fs.read(ctx.cwd, f, &fctx, MAX_READ) {
                    if self.missing_nl {
                        out.push(self.sep);
                        self.missing_nl = false;
                    }
                    out.extend_from_slice(&b);
                }
            } else {
                self.emit(out, &a, true);
            }
        }
    }

    fn matches(&mut self, a: &Addr) -> bool {
        match a {
            Addr::Line(n) => self.lineno == *n,
            Addr::Last => self.is_last(),
            Addr::Step(f, s) => {
                if *s == 0 {
                    self.lineno == *f
                } else {
                    self.lineno >= *f && (self.lineno - f).is_multiple_of(*s)
                }
            }
            Addr::Re(re) => {
                let re = match re {
                    Some(r) => {
                        self.last_re = Some((**r).clone());
                        (**r).clone()
                    }
                    None => match &self.last_re {
                        Some(r) => r.clone(),
                        None => return false,
                    },
                };
                let t: Vec<char> = self.ps.chars().collect();
                re.find_at(&t, 0, &|_, _| true).is_some()
            }
            Addr::Plus(_) | Addr::Mult(_) => false,
        }
    }

    fn selected(&mut self, idx: usize) -> bool {
        let Some(cmd) = self.prog.get(idx) else {
            return false;
        };
        let hit = match (&cmd.a1, &cmd.a2) {
            (None, _) => true,
            (Some(a), None) => self.matches(a),
            (Some(a1), Some(a2)) => {
                if let Some(Some(start)) = self.active.get(idx).copied() {
                    let end = match a2 {
                        Addr::Line(n) => self.lineno >= *n,
                        Addr::Plus(n) => self.lineno >= start + n,
                        Addr::Mult(m) => *m == 0 || self.lineno.is_multiple_of(*m),
                        other => self.matches(other),
                    };
                    if end {
                        self.set_active(idx, None);
                    }
                    true
                } else if self.matches(a1) {
                    let ends_now = match a2 {
                        Addr::Line(n) => *n <= self.lineno,
                        Addr::Plus(n) => *n == 0,
                        Addr::Mult(m) => *m == 0 || self.lineno.is_multiple_of(*m),
                        _ => false,
                    };
                    if !ends_now {
                        self.set_active(idx, Some(self.lineno));
                    }
                    true
                } else {
                    false
                }
            }
        };
        hit != cmd.neg
    }

    fn set_active(&mut self, idx: usize, v: Option<usize>) {
        if let Some(a) = self.active.get_mut(idx) {
            *a = v;
        }
    }

    /// Runs over the inputs; `Some(code)` when a `q`/`Q` ended it.
    pub(super) fn go(
        &mut self,
        ctx: &mut CmdCtx<'_>,
        inputs: &[(String, Vec<u8>)],
        out: &mut Vec<u8>,
    ) -> Option<i32> {
        for (_, data) in inputs {
            let mut parts: Vec<&[u8]> = data.split(|&b| b == self.sep).collect();
            let ends_nl = data.last() == Some(&self.sep);
            if ends_nl || data.is_empty() {
                parts.pop();
            }
            let n = parts.len();
            for (i, p) in parts.into_iter().enumerate() {
                self.lines.push((
                    String::from_utf8_lossy(p).into_owned(),
                    i + 1 < n || ends_nl,
                ));
            }
        }
        let mut code = None;
        'cycle: while let Some(line) = self.read_line() {
            self.ps = line;
            self.tflag = false;
            let mut restart_without_read = false;
            loop {
                let mut pc = 0;
                let mut autoprint = !self.quiet;
                while let Some(cmd) = self.prog.get(pc) {
                    self.steps += 1;
                    if self.steps > MAX_STEPS || ctx.stdout.is_full() {
                        code = Some(0);
                        break 'cycle;
                    }
                    if !self.selected(pc) {
                        pc = match cmd.kind {
                            Kind::Block(end) => end,
                            _ => pc + 1,
                        };
                        continue;
                    }
                    pc += 1;
                    match &cmd.kind {
                        Kind::Block(_) | Kind::EndBlock | Kind::Label => {}
                        Kind::S(s) => {
                            if self.subst(s, ctx, out) {
                                self.tflag = true;
                            }
                        }
                        Kind::Y(map) => {
                            self.ps = self
                                .ps
                                .chars()
                                .map(|c| {
                                    map.iter().find(|(a, _)| *a == c).map(|p| p.1).unwrap_or(c)
                                })
                                .collect();
                        }
                        Kind::Text('a', t) => self.append.push(t.clone()),
                        Kind::Text('i', t) => {
                            let t = t.clone();
                            self.emit(out, &t, true);
                        }
                        Kind::Text(_, t) => {
                            let in_range = cmd.a2.is_some()
                                && self.active.get(pc - 1).copied().flatten().is_some();
                            if !in_range || cmd.neg {
                                let t = t.clone();
                                self.emit(out, &t, true);
                            }
                            self.flush_append(ctx, out);
                            continue 'cycle;
                        }
                        Kind::Quit(print, c) => {
                            if *print && autoprint {
                                let (ps, nl) = (self.ps.clone(), self.cur_nl());
                                self.emit(out, &ps, nl);
                            }
                            self.flush_append(ctx, out);
                            code = Some(*c);
                            break 'cycle;
                        }
                        Kind::Branch(kind, label) => {
                            let jump = match kind {
                                't' => std::mem::take(&mut self.tflag),
                                'T' => !std::mem::take(&mut self.tflag),
                                _ => true,
                            };
                            if jump {
                                if label.is_empty() {
                                    pc = self.prog.len();
                                } else if let Some(p) = self.prog.iter().position(|d| {
                                    matches!(d.kind, Kind::Label) && d.label == *label
                                }) {
                                    pc = p;
                                }
                            }
                        }
                        Kind::Read(f) => self.append.push(format!("\u{0}r{f}")),
                        Kind::Write(f) => {
                            let mut text = self.ps.clone().into_bytes();
                            text.push(self.sep);
                            self.write_to(ctx, out, f, &text);
                        }
                        Kind::Simple(c) => match c {
                            '=' => {
                                let n = self.lineno.to_string();
                                self.emit(out, &n, true);
                            }
                            'd' => {
                                self.flush_append(ctx, out);
                                continue 'cycle;
                            }
                            'D' => match self.ps.find('\n') {
                                None => {
                                    self.flush_append(ctx, out);
                                    continue 'cycle;
                                }
                                Some(k) => {
                                    self.ps = self.ps.get(k + 1..).unwrap_or("").to_string();
                                    restart_without_read = true;
                                    autoprint = false;
                                    break;
                                }
                            },
                            'g' => self.ps = self.hold.clone(),
                            'G' if self.ps.len() + self.hold.len() < MAX_SPACE => {
                                self.ps.push('\n');
                                let h = self.hold.clone();
                                self.ps.push_str(&h);
                            }
                            'h' => self.hold = self.ps.clone(),
                            'H' if self.ps.len() + self.hold.len() < MAX_SPACE => {
                                self.hold.push('\n');
                                let p = self.ps.clone();
                                self.hold.push_str(&p);
                            }
                            'x' => std::mem::swap(&mut self.ps, &mut self.hold),
                            'z' => self.ps.clear(),
                            'l' => {
                                let t = list(&self.ps);
                                self.emit(out, &t, true);
                            }
                            'F' => self.emit(out, "-", true),
                            'p' => {
                                let ps = self.ps.clone();
                                self.emit(out, &ps, true);
                            }
                            'P' => {
                                let first = self.ps.split('\n').next().unwrap_or("").to_string();
                                self.emit(out, &first, true);
                            }
                            'n' => {
                                if self.is_last() {
                                    // GNU: no next line, so print and end without running the rest.
                                    break;
                                }
                                if autoprint {
                                    let (ps, nl) = (self.ps.clone(), self.cur_nl());
                                    self.emit(out, &ps, nl);
                                }
                                self.flush_append(ctx, out);
                                self.ps = self.read_line().unwrap_or_default();
                            }
                            'N' => {
                                if self.is_last() {
                                    break;
                                }
                                self.flush_append(ctx, out);
                                let l = self.read_line().unwrap_or_default();
                                if self.ps.len() < MAX_SPACE {
                                    self.ps.push('\n');
                                    self.ps.push_str(&l);
                                }
                            }
                            _ => {}
                        },
                    }
                }
                if autoprint {
                    let (ps, nl) = (self.ps.clone(), self.cur_nl());
                    self.emit(out, &ps, nl);
                }
                self.flush_append(ctx, out);
                if restart_without_read {
                    restart_without_read = false;
                    continue;
                }
                break;
            }
        }
        self.finish_writes(ctx);
        code
    }

    fn write_to(&mut self, ctx: &mut CmdCtx<'_>, out: &mut Vec<u8>, f: &str, text: &[u8]) {
        match f {
            "/dev/stdout" => out.extend_from_slice(text),
            "/dev/stderr" => ctx.stderr.write(text),
            _ => {
                if let Some(w) = self.writes.iter_mut().find(|w| w.0 == f) {
                    if w.1.len() < MAX_READ {
                        w.1.extend_from_slice(text);
                    }
                } else if self.writes.len() < 16 {
                    self.writes.push((f.to_string(), text.to_vec()));
                }
            }
        }
    }

    fn finish_writes(&mut self, ctx: &mut CmdCtx<'_>) {
        for (f, data) in std::mem::take(&mut self.writes) {
            let fctx = ctx.fs_ctx();
            if let Err(e) = ctx.fs.write(
                ctx.cwd,
                &f,
                &data,
                miragepot_vfs::WriteMode::Truncate,
                0o644,
                &fctx,
            ) {
                ctx.error("sed", &format!("couldn't open file {f}: {e}"));
            }
        }
    }

    fn subst(&mut self, s: &Subst, ctx: &mut CmdCtx<'_>, out: &mut Vec<u8>) -> bool {
        let re = match &s.re {
            Some(r) => {
                self.last_re = Some((**r).clone());
                (**r).clone()
            }
            None => match &self.last_re {
                Some(r) => r.clone(),
                None => return false,
            },
        };
        let t: Vec<char> = self.ps.chars().collect();
        let mut res = String::new();
        let mut pos = 0;
        let mut count = 0;
        let mut did = false;
        let mut last_end: Option<usize> = None;
        while pos <= t.len() {
            let Some(caps) = re.captures_at(&t, pos) else {
                break;
            };
            let Some(Some((a, b))) = caps.first().copied() else {
                break;
            };
            res.extend(t.get(pos..a).unwrap_or(&[]).iter());
            if a == b && last_end == Some(a) {
                if let Some(c) = t.get(a) {
                    res.push(*c);
                }
                pos = a + 1;
                continue;
            }
            count += 1;
            if count >= s.nth && (s.global || count == s.nth) {
                did = true;
                for p in &s.repl {
                    match p {
                        Piece::Lit(l) => res.push_str(l),
                        Piece::Group(g) => {
                            if let Some(Some((x, y))) = caps.get(*g).copied() {
                                res.extend(t.get(x..y).unwrap_or(&[]).iter());
                            }
                        }
                    }
                }
            } else {
                res.extend(t.get(a..b).unwrap_or(&[]).iter());
            }
            if res.len() > MAX_SPACE {
                break;
            }
            last_end = Some(b);
            if a == b {
                if let Some(c) = t.get(a) {
                    res.push(*c);
                }
                pos = a + 1;
            } else {
                pos = b;
            }
            if did && !s.global {
                break;
            }
        }
        if !did {
            return false;
        }
        res.extend(t.get(pos.min(t.len())..).unwrap_or(&[]).iter());
        self.ps = res;
        if s.print {
            let ps = self.ps.clone();
            self.emit(out, &ps, true);
        }
        if let Some(f) = &s.write {
            let mut text = self.ps.clone().into_bytes();
            text.push(self.sep);
            self.write_to(ctx, out, f, &text);
        }
        true
    }
}

/// The `l` command's unambiguous form (line wrapping at 70 as GNU's default).
fn list(s: &str) -> String {
    let mut body = String::new();
    for b in s.bytes() {
        match b {
            b'\\' => body.push_str("\\\\"),
            b'\x07' => body.push_str("\\a"),
            b'\x08' => body.push_str("\\b"),
            b'\x0c' => body.push_str("\\f"),
            b'\n' => body.push_str("\\n"),
            b'\r' => body.push_str("\\r"),
            b'\t' => body.push_str("\\t"),
            b'\x0b' => body.push_str("\\v"),
            b if (0x20..0x7f).contains(&b) => body.push(b as char),
            b => body.push_str(&format!("\\{b:03o}")),
        }
    }
    let mut out = String::new();
    let mut col = 0;
    for c in body.chars() {
        if col == 69 {
            out.push_str("\\\n");
            col = 0;
        }
        out.push(c);
        col += 1;
    }
    out.push('$');
    out
}
