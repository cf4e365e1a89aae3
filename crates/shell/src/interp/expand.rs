//! Word expansion, in bash's order: brace expansion, then tilde, parameter, arithmetic and
//! command substitution (left to right), then field splitting on `$IFS`, pathname
//! expansion against the VFS, and quote removal.
//!
//! A word becomes a list of [`Frag`]s that remember how each part was quoted: unquoted
//! literal text is globbed but not split, unquoted expansion results are split and globbed,
//! quoted text is neither. `"$@"` inserts [`Frag::Break`]s between parameters.
//!
//! Known limits: bytes that are not UTF-8 (`$'\xff'`) become U+FFFD-free Latin-1 chars, so
//! they print as two bytes; `echo -e`/`printf` escapes are byte-exact. Brace sequences lose
//! zero padding (`{01..03}` gives `1 2 3`).

use brush_parser::word::{
    BraceExpressionMember, BraceExpressionOrText, TildeExpr, WordPiece, WordPieceWithSource,
};

use super::{Ctl, Interp, Io, MAX_WORDS, Res, Sink, Text, parse, pattern};

/// A piece of an expanded word and how it was quoted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Frag {
    /// Unquoted literal text: globbed, not split.
    Lit(String),
    /// Quoted text: neither split nor globbed.
    Quoted(String),
    /// Unquoted expansion result: split and globbed.
    Exp(String),
    /// A forced field boundary (`"$@"`).
    Break,
}

/// Decodes `$'...'` escapes.
pub(crate) fn ansi_c(s: &str) -> String {
    let bytes = super::printf::escapes(s, super::printf::EscMode::AnsiC).0;
    bytes_to_string(&bytes)
}

/// Bytes to a string, mapping each non-UTF-8 byte to the char of the same value.
pub(crate) fn bytes_to_string(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => s.to_string(),
        Err(_) => {
            let mut out = String::with_capacity(b.len());
            let mut rest = b;
            while !rest.is_empty() {
                match std::str::from_utf8(rest) {
                    Ok(s) => {
                        out.push_str(s);
                        break;
                    }
                    Err(e) => {
                        let (good, bad) = rest.split_at(e.valid_up_to());
                        out.push_str(std::str::from_utf8(good).unwrap_or(""));
                        if let Some((&c, tail)) = bad.split_first() {
                            out.push(char::from(c));
                            rest = tail;
                        } else {
                            break;
                        }
                    }
                }
            }
            out
        }
    }
}

fn frags_to_string(frags: &[Frag]) -> String {
    let mut s = String::new();
    let mut first = true;
    for f in frags {
        match f {
            Frag::Lit(t) | Frag::Quoted(t) | Frag::Exp(t) => s.push_str(t),
            Frag::Break => {
                if !first {
                    s.push(' ');
                }
            }
        }
        first = false;
    }
    s
}

fn frags_to_pattern(frags: &[Frag]) -> String {
    let mut s = String::new();
    for f in frags {
        match f {
            Frag::Lit(t) | Frag::Exp(t) => s.push_str(t),
            Frag::Quoted(t) => s.push_str(&pattern::escape(t)),
            Frag::Break => s.push(' '),
        }
    }
    s
}

#[derive(Default)]
struct Field {
    text: String,
    pat: String,
    glob: bool,
    present: bool,
}

impl Interp {
    /// Expands words into argument fields.
    pub(crate) fn expand_words(&mut self, io: &Io, words: &[&str]) -> Res<Vec<String>> {
        let mut out = Vec::new();
        for w in words {
            self.expand_fields(io, w, &mut out)?;
            if out.len() > MAX_WORDS {
                return Err(Ctl::Stop);
            }
        }
        Ok(out)
    }

    /// Expands one word into zero or more fields.
    pub(crate) fn expand_fields(&mut self, io: &Io, word: &str, out: &mut Vec<String>) -> Res<()> {
        for w in self.brace_expand(word)? {
            let pieces = self.pieces(io, &w, false)?;
            let mut frags = Vec::new();
            self.expand_pieces(io, &pieces, false, &mut frags)?;
            self.fields(frags, out)?;
        }
        Ok(())
    }

    /// Expands to one string: no splitting, no globbing (assignments, redirection targets,
    /// here-strings, `case` words, `[[ ]]` operands).
    pub(crate) fn expand_string(&mut self, io: &Io, word: &str) -> Res<String> {
        let pieces = self.pieces(io, word, false)?;
        let mut frags = Vec::new();
        self.expand_pieces(io, &pieces, false, &mut frags)?;
        Ok(frags_to_string(&frags))
    }

    /// Like [`Interp::expand_string`], with `~` expanded after `:` (assignment values).
    pub(crate) fn expand_assign(&mut self, io: &Io, word: &str) -> Res<String> {
        let pieces = self.pieces(io, word, true)?;
        let mut frags = Vec::new();
        self.expand_pieces(io, &pieces, false, &mut frags)?;
        Ok(frags_to_string(&frags))
    }

    /// Expands a pattern: quoted parts match literally.
    pub(crate) fn expand_pattern(&mut self, io: &Io, word: &str) -> Res<String> {
        let pieces = self.pieces(io, word, false)?;
        let mut frags = Vec::new();
        self.expand_pieces(io, &pieces, false, &mut frags)?;
        Ok(frags_to_pattern(&frags))
    }

    /// Expands a here-document body (`$x`, `$(...)`, `$((...))`; quotes are literal).
    pub(crate) fn expand_heredoc(&mut self, io: &Io, body: &str) -> Res<String> {
        let Some(pieces) = parse::heredoc(body) else {
            return Ok(body.to_string());
        };
        let mut frags = Vec::new();
        self.expand_pieces(io, &pieces, true, &mut frags)?;
        Ok(frags_to_string(&frags))
    }

    /// Expands the inside of `$(( ))` before it is evaluated.
    pub(crate) fn expand_arith_text(&mut self, io: &Io, raw: &str) -> Res<String> {
        if !raw.contains(['$', '`', '\'', '"', '\\']) {
            return Ok(raw.to_string());
        }
        let Some(pieces) = parse::heredoc(raw) else {
            return Ok(raw.to_string());
        };
        let mut frags = Vec::new();
        self.expand_pieces(io, &pieces, true, &mut frags)?;
        Ok(frags_to_string(&frags).replace(['"', '\''], ""))
    }

    fn pieces(&mut self, io: &Io, word: &str, assign: bool) -> Res<Vec<WordPieceWithSource>> {
        match parse::word(word, assign) {
            Some(p) => Ok(p),
            None => {
                self.error(io, &format!("{word}: bad substitution"));
                Err(Ctl::Abort(1))
            }
        }
    }

    /// Brace expansion, bounded by [`MAX_WORDS`].
    pub(crate) fn brace_expand(&mut self, word: &str) -> Res<Vec<String>> {
        match parse::braces(word) {
            None => Ok(vec![word.to_string()]),
            Some(items) => {
                let words = brace_product(&items, &padded_ranges(word))?;
                if words.is_empty() {
                    Ok(vec![word.to_string()])
                } else {
                    Ok(words)
                }
            }
        }
    }

    pub(crate) fn expand_pieces(
        &mut self,
        io: &Io,
        pieces: &[WordPieceWithSource],
        in_dq: bool,
        frags: &mut Vec<Frag>,
    ) -> Res<()> {
        for p in pieces {
            match &p.piece {
                WordPiece::Text(s) => frags.push(if in_dq {
                    Frag::Quoted(s.clone())
                } else {
                    Frag::Lit(s.clone())
                }),
                WordPiece::SingleQuotedText(s) => frags.push(Frag::Quoted(s.clone())),
                WordPiece::AnsiCQuotedText(s) => frags.push(Frag::Quoted(ansi_c(s))),
                WordPiece::DoubleQuotedSequence(inner)
                | WordPiece::GettextDoubleQuotedSequence(inner) => {
                    let mut sub = Vec::new();
                    self.saw_at = false;
                    self.expand_pieces(io, inner, true, &mut sub)?;
                    if sub.is_empty() && !self.saw_at {
                        sub.push(Frag::Quoted(String::new()));
                    }
                    self.saw_at = false;
                    frags.extend(sub);
                }
                WordPiece::TildeExpansion(t) => frags.push(Frag::Quoted(self.tilde(t))),
                WordPiece::ParameterExpansion(pe) => self.expand_param(io, pe, in_dq, frags)?,
                WordPiece::CommandSubstitution(cmd)
                | WordPiece::BackquotedCommandSubstitution(cmd) => {
                    let s = self.command_subst(io, cmd)?;
                    frags.push(if in_dq { Frag::Quoted(s) } else { Frag::Exp(s) });
                }
                WordPiece::EscapeSequence(s) => {
                    let c = s.strip_prefix('\\').unwrap_or(s);
                    if c != "\n" {
                        frags.push(Frag::Quoted(c.to_string()));
                    }
                }
                WordPiece::ArithmeticExpression(e) => {
                    let v = match self.arith_expand_eval(io, &e.value, None)? {
                        Ok(v) => v.to_string(),
                        Err(()) => return Err(Ctl::Abort(1)),
                    };
                    frags.push(if in_dq { Frag::Quoted(v) } else { Frag::Exp(v) });
                }
            }
        }
        Ok(())
    }

    fn tilde(&mut self, t: &TildeExpr) -> String {
        match t {
            TildeExpr::Home => self
                .get_var("HOME")
                .unwrap_or_else(|| self.user.home.clone()),
            TildeExpr::UserHome(u) => match self.persona.user(u) {
                Some(user) => user.home.clone(),
                None => format!("~{u}"),
            },
            TildeExpr::WorkingDir => self.get_var("PWD").unwrap_or_else(|| self.st.cwd.clone()),
            TildeExpr::OldWorkingDir => self.get_var("OLDPWD").unwrap_or_else(|| "~-".into()),
            TildeExpr::NthDirFromTopOfDirStack { n, plus_used } => {
                if *n == 0 {
                    self.st.cwd.clone()
                } else if *plus_used {
                    format!("~+{n}")
                } else {
                    format!("~{n}")
                }
            }
            TildeExpr::NthDirFromBottomOfDirStack { n } => format!("~-{n}"),
        }
    }

    /// Runs `$(...)` and returns its output without trailing newlines.
    pub(crate) fn command_subst(&mut self, io: &Io, cmd: &str) -> Res<String> {
        let b = self.push_buf();
        let mut sio = io.clone();
        sio.fds[1] = Some(Sink::Buf(b));
        let r = self.subshell(|s| s.run_text(cmd, &sio, Text::Nested));
        let mut data = self.pop_buf(b);
        let st = r?;
        self.status = st;
        self.subst_status = Some(st);
        if data.contains(&0) {
            data.retain(|&c| c != 0);
            let msg = format!(
                "{}warning: command substitution: ignored null byte in input\n",
                self.prefix()
            );
            self.emit_str(io, 2, &msg);
        }
        while data.last() == Some(&b'\n') {
            data.pop();
        }
        Ok(bytes_to_string(&data))
    }

    fn ifs(&mut self) -> String {
        self.get_var("IFS").unwrap_or_else(|| " \t\n".into())
    }

    /// Splits fragments into fields and globs them.
    fn fields(&mut self, frags: Vec<Frag>, out: &mut Vec<String>) -> Res<()> {
        let ifs = self.ifs();
        let mut fields: Vec<Field> = Vec::new();
        let mut cur = Field::default();
        let mut after_ws_split = false;
        for f in frags {
            match f {
                Frag::Lit(t) => {
                    cur.glob |= pattern::has_glob(&t);
                    cur.text.push_str(&t);
                    cur.pat.push_str(&t);
                    cur.present |= !t.is_empty();
                    after_ws_split = false;
                }
                Frag::Quoted(t) => {
                    cur.pat.push_str(&pattern::escape(&t));
                    cur.text.push_str(&t);
                    cur.present = true;
                    after_ws_split = false;
                }
                Frag::Break => {
                    if cur.present {
                        fields.push(std::mem::take(&mut cur));
                    }
                }
                Frag::Exp(t) => {
                    for c in t.chars() {
                        if ifs.contains(c) {
                            if c == ' ' || c == '\t' || c == '\n' {
                                if cur.present {
                                    fields.push(std::mem::take(&mut cur));
                                    after_ws_split = true;
                                }
                            } else {
                                if cur.present || !after_ws_split {
                                    cur.present = true;
                                    fields.push(std::mem::take(&mut cur));
                                }
                                after_ws_split = false;
                            }
                        } else {
                            if matches!(c, '*' | '?' | '[') {
                                cur.glob = true;
                            }
                            if c == '\\' {
                                cur.pat.push('\\');
                            }
                            cur.text.push(c);
                            cur.pat.push(c);
                            cur.present = true;
                            after_ws_split = false;
                        }
                    }
                }
            }
            if fields.len() > MAX_WORDS {
                return Err(Ctl::Stop);
            }
        }
        if cur.present {
            fields.push(cur);
        }
        for f in fields {
            if f.glob && !self.st.opts.noglob {
                let matches = self.glob(&f.pat)?;
                if !matches.is_empty() {
                    out.extend(matches);
                    continue;
                }
            }
            out.push(f.text);
        }
        Ok(())
    }
}

/// `{01..10}`-style ranges in a raw word, with the zero-padded width bash uses for them.
fn padded_ranges(word: &str) -> Vec<(i64, i64, usize)> {
    let mut out = Vec::new();
    for part in word.split('{').skip(1) {
        let Some(body) = part.split('}').next() else {
            continue;
        };
        let mut it = body.split("..");
        let (Some(a), Some(b)) = (it.next(), it.next()) else {
            continue;
        };
        let digits = |s: &str| s.trim_start_matches(['-', '+']).to_string();
        let padded = |s: &str| digits(s).len() > 1 && digits(s).starts_with('0');
        if (padded(a) || padded(b))
            && let (Ok(x), Ok(y)) = (a.parse::<i64>(), b.parse::<i64>())
        {
            out.push((x, y, a.len().max(b.len())));
        }
    }
    out
}

fn pad_num(v: i64, width: usize) -> String {
    if v < 0 {
        format!("-{:0>w$}", v.unsigned_abs(), w = width.saturating_sub(1))
    } else {
        format!("{v:0>width$}")
    }
}

fn brace_product(items: &[BraceExpressionOrText], pads: &[(i64, i64, usize)]) -> Res<Vec<String>> {
    let mut acc = vec![String::new()];
    for item in items {
        match item {
            BraceExpressionOrText::Text(t) => acc.iter_mut().for_each(|a| a.push_str(t)),
            BraceExpressionOrText::Expr(members) => {
                let mut alts: Vec<String> = Vec::new();
                for m in members {
                    match m {
                        BraceExpressionMember::NumberSequence {
                            start,
                            end,
                            increment,
                        } => {
                            let step = increment.unsigned_abs().max(1);
                            let width = pads
                                .iter()
                                .find(|(a, b, _)| a == start && b == end)
                                .map(|p| p.2)
                                .unwrap_or(0);
                            let span = start.abs_diff(*end);
                            if span / step > MAX_WORDS as u64 {
                                return Err(Ctl::Stop);
                            }
                            let mut v = *start;
                            loop {
                                alts.push(pad_num(v, width));
                                if v == *end || v.abs_diff(*end) < step {
                                    break;
                                }
                                v = if start <= end {
                                    v + step as i64
                                } else {
                                    v - step as i64
                                };
                            }
                        }
                        BraceExpressionMember::CharSequence {
                            start,
                            end,
                            increment,
                        } => {
                            let step = increment.unsigned_abs().max(1) as u32;
                            let (a, b) = (*start as u32, *end as u32);
                            let mut v = a;
                            loop {
                                if let Some(c) = char::from_u32(v) {
                                    alts.push(c.to_string());
                                }
                                if v == b || v.abs_diff(b) < step {
                                    break;
                                }
                                v = if a <= b { v + step } else { v - step };
                            }
                        }
                        BraceExpressionMember::Child(children) => {
                            alts.extend(brace_product(children, pads)?)
                        }
                    }
                    if alts.len() > MAX_WORDS {
                        return Err(Ctl::Stop);
                    }
                }
                if acc.len().saturating_mul(alts.len()) > MAX_WORDS {
                    return Err(Ctl::Stop);
                }
                let mut next = Vec::with_capacity(acc.len() * alts.len());
                for a in &acc {
                    for b in &alts {
                        next.push(format!("{a}{b}"));
                    }
                }
                acc = next;
            }
        }
    }
    Ok(acc)
}
