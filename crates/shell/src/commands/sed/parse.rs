//! The sed script parser: addresses and commands, with GNU sed's error texts
//! (`-e expression #1, char 5: unterminated `s' command`).

use crate::commands::regex::Regex;

/// A line address.
#[derive(Debug, Clone)]
pub(super) enum Addr {
    Line(usize),
    Last,
    /// A regex; `None` is the empty regex (the last one used).
    Re(Option<Box<Regex>>),
    Step(usize, usize),
    /// `addr1,+N` (second address only).
    Plus(usize),
    /// `addr1,~N` (second address only).
    Mult(usize),
}

/// One replacement piece of `s`.
#[derive(Debug, Clone)]
pub(super) enum Piece {
    Lit(String),
    Group(usize),
}

/// The `s` command.
#[derive(Debug, Clone)]
pub(super) struct Subst {
    pub re: Option<Box<Regex>>,
    pub repl: Vec<Piece>,
    pub global: bool,
    pub nth: usize,
    pub print: bool,
    pub write: Option<String>,
}

/// A command.
#[derive(Debug, Clone)]
pub(super) enum Kind {
    /// `{`: the index just past its matching `}`.
    Block(usize),
    EndBlock,
    S(Box<Subst>),
    Y(Vec<(char, char)>),
    Text(char, String),
    Quit(bool, i32),
    Label,
    Branch(char, String),
    Read(String),
    Write(String),
    Simple(char),
}

/// A command with its addresses.
#[derive(Debug, Clone)]
pub(super) struct Cmd {
    pub a1: Option<Addr>,
    pub a2: Option<Addr>,
    pub neg: bool,
    pub kind: Kind,
    /// For labels: the name.
    pub label: String,
}

struct P<'a> {
    s: &'a [char],
    i: usize,
    ere: bool,
}

type R<T> = Result<T, (usize, String)>;

impl P<'_> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }

    fn get(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.i += 1;
        }
        c
    }

    fn err<T>(&self, msg: &str) -> R<T> {
        Err((self.i, msg.to_string()))
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.i += 1;
        }
    }

    fn number(&mut self) -> usize {
        let mut n: usize = 0;
        while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
            n = n.saturating_mul(10).saturating_add(d as usize);
            self.i += 1;
        }
        n
    }

    /// Text up to an unescaped `delim`; `\n` becomes a newline, `\delim` the delimiter.
    fn delimited(&mut self, delim: char, regex: bool) -> Option<String> {
        let mut out = String::new();
        loop {
            let c = self.get()?;
            if c == delim {
                return Some(out);
            }
            if c == '\\' {
                let n = self.get()?;
                if n == delim {
                    out.push(delim);
                } else if n == 'n' {
                    if regex {
                        out.push('\n');
                    } else {
                        out.push_str("\\n");
                    }
                } else if n == 't' && regex {
                    out.push('\t');
                } else {
                    out.push('\\');
                    out.push(n);
                }
            } else if c == '\n' && !regex {
                out.push('\n');
            } else {
                out.push(c);
            }
        }
    }

    fn regex(&mut self, pat: &str, icase: bool) -> R<Option<Box<Regex>>> {
        if pat.is_empty() {
            return Ok(None);
        }
        match Regex::new(pat, self.ere, icase) {
            Ok(r) => Ok(Some(Box::new(r))),
            Err(e) => self.err(&e),
        }
    }

    fn addr(&mut self) -> R<Option<Addr>> {
        match self.peek() {
            Some(c) if c.is_ascii_digit() => {
                let n = self.number();
                if self.peek() == Some('~') {
                    self.i += 1;
                    let step = self.number();
                    return Ok(Some(Addr::Step(n, step)));
                }
                Ok(Some(Addr::Line(n)))
            }
            Some('$') => {
                self.i += 1;
                Ok(Some(Addr::Last))
            }
            Some(c @ ('/' | '\\')) => {
                self.i += 1;
                let delim = if c == '\\' {
                    match self.get() {
                        Some(d) => d,
                        None => return self.err("unexpected `,'"),
                    }
                } else {
                    '/'
                };
                let Some(pat) = self.delimited(delim, true) else {
                    return self.err("unterminated address regex");
                };
                let mut icase = false;
                while matches!(self.peek(), Some('I' | 'M')) {
                    icase |= self.get() == Some('I');
                }
                Ok(Some(Addr::Re(self.regex(&pat, icase)?)))
            }
            _ => Ok(None),
        }
    }

    fn text_arg(&mut self, c: char) -> R<String> {
        self.skip_ws();
        let mut one_liner = true;
        if self.peek() == Some('\\') {
            self.i += 1;
            self.skip_ws();
            if self.peek() == Some('\n') {
                self.i += 1;
                one_liner = false;
            }
        } else if self.peek().is_none() {
            return self.err("expected \\ after `a', `c' or `i'");
        }
        let _ = c;
        let mut out = String::new();
        while let Some(ch) = self.get() {
            match ch {
                '\\' => match self.get() {
                    Some('\n') => out.push('\n'),
                    Some(x) => out.push(x),
                    None => {}
                },
                '\n' => break,
                ch => out.push(ch),
            }
        }
        let _ = one_liner;
        Ok(out)
    }

    fn label(&mut self) -> String {
        self.skip_ws();
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if c == '\n' || c == ';' {
                break;
            }
            out.push(c);
            self.i += 1;
        }
        out.trim_end().to_string()
    }

    fn filename(&mut self) -> String {
        self.skip_ws();
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if c == '\n' {
                break;
            }
            out.push(c);
            self.i += 1;
        }
        out
    }

    fn subst(&mut self) -> R<Kind> {
        let Some(delim) = self.get() else {
            return self.err("unterminated `s' command");
        };
        if delim == '\n' || delim == '\\' {
            return self.err("unterminated `s' command");
        }
        let Some(pat) = self.delimited(delim, true) else {
            return self.err("unterminated `s' command");
        };
        let Some(rep) = self.delimited(delim, false) else {
            return self.err("unterminated `s' command");
        };
        let mut s = Subst {
            re: None,
            repl: Vec::new(),
            global: false,
            nth: 1,
            print: false,
            write: None,
        };
        let mut icase = false;
        let mut max_ref = 0;
        loop {
            match self.peek() {
                Some('g') => s.global = true,
                Some('p') => s.print = true,
                Some('i' | 'I') => icase = true,
                Some('m' | 'M' | 'e') => {}
                Some(c) if c.is_ascii_digit() => {
                    let n = self.number();
                    if n == 0 {
                        return self.err("number option to `s' command may not be zero");
                    }
                    s.nth = n;
                    continue;
                }
                Some('w') => {
                    self.i += 1;
                    s.write = Some(self.filename());
                    break;
                }
                Some(';' | '\n' | '}' | '#' | ' ' | '\t') | None => break,
                Some(_) => {
                    self.i += 1;
                    return self.err("unknown option to `s'");
                }
            }
            self.i += 1;
        }
        // Replacement pieces.
        let rc: Vec<char> = rep.chars().collect();
        let mut lit = String::new();
        let mut k = 0;
        while let Some(&c) = rc.get(k) {
            k += 1;
            match c {
                '&' => {
                    s.repl.push(Piece::Lit(std::mem::take(&mut lit)));
                    s.repl.push(Piece::Group(0));
                }
                '\\' => {
                    let n = rc.get(k).copied();
                    k += 1;
                    match n {
                        Some(d @ '0'..='9') => {
                            let g = d.to_digit(10).unwrap_or(0) as usize;
                            max_ref = max_ref.max(g);
                            s.repl.push(Piece::Lit(std::mem::take(&mut lit)));
                            s.repl.push(Piece::Group(g));
                        }
                        Some('n') => lit.push('\n'),
                        Some('t') => lit.push('\t'),
                        Some(x) => lit.push(x),
                        None => lit.push('\\'),
                    }
                }
                c => lit.push(c),
            }
        }
        s.repl.push(Piece::Lit(lit));
        s.re = self.regex(&pat, icase)?;
        let groups = s.re.as_ref().map(|r| r.groups()).unwrap_or(9);
        if max_ref > groups {
            return self.err(&format!(
                "invalid reference \\{max_ref} on `s' command's RHS"
            ));
        }
        Ok(Kind::S(Box::new(s)))
    }

    fn y(&mut self) -> R<Kind> {
        let Some(delim) = self.get() else {
            return self.err("unterminated `y' command");
        };
        let (Some(a), Some(b)) = (self.delimited(delim, false), self.delimited(delim, false))
        else {
            return self.err("unterminated `y' command");
        };
        let unesc = |s: &str| s.replace("\\n", "\n").replace("\\\\", "\\");
        let (a, b): (Vec<char>, Vec<char>) =
            (unesc(&a).chars().collect(), unesc(&b).chars().collect());
        if a.len() != b.len() {
            return self.err("strings for `y' command are different lengths");
        }
        Ok(Kind::Y(a.into_iter().zip(b).collect()))
    }
}

/// Parses one script; the error is `(char, message)`.
pub(super) fn parse(src: &str, ere: bool, out: &mut Vec<Cmd>) -> R<()> {
    let chars: Vec<char> = src.chars().collect();
    let mut p = P {
        s: &chars,
        i: 0,
        ere,
    };
    let mut open: Vec<usize> = Vec::new();
    loop {
        while matches!(p.peek(), Some(' ' | '\t' | '\n' | ';')) {
            p.i += 1;
        }
        let Some(c) = p.peek() else { break };
        if c == '#' {
            while p.peek().is_some_and(|c| c != '\n') {
                p.i += 1;
            }
            continue;
        }
        let a1 = p.addr()?;
        let mut a2 = None;
        if a1.is_some() && p.peek() == Some(',') {
            p.i += 1;
            p.skip_ws();
            a2 = match p.peek() {
                Some('+') => {
                    p.i += 1;
                    Some(Addr::Plus(p.number()))
                }
                Some('~') => {
                    p.i += 1;
                    Some(Addr::Mult(p.number()))
                }
                _ => p.addr()?,
            };
            if a2.is_none() {
                return p.err("unexpected `,'");
            }
        }
        p.skip_ws();
        let mut neg = false;
        while p.peek() == Some('!') {
            p.i += 1;
            neg = true;
            p.skip_ws();
        }
        let Some(c) = p.get() else {
            return p.err("missing command");
        };
        let mut label = String::new();
        let kind = match c {
            '{' => {
                open.push(out.len());
                Kind::Block(0)
            }
            '}' => {
                if a1.is_some() {
                    return p.err("} doesn't want any addresses");
                }
                let Some(start) = open.pop() else {
                    return p.err("unexpected `}'");
                };
                let end = out.len() + 1;
                if let Some(Cmd {
                    kind: Kind::Block(e),
                    ..
                }) = out.get_mut(start)
                {
                    *e = end;
                }
                Kind::EndBlock
            }
            's' => p.subst()?,
            'y' => p.y()?,
            'a' | 'i' | 'c' => Kind::Text(c, p.text_arg(c)?),
            'q' | 'Q' => {
                p.skip_ws();
                let n = p.number();
                Kind::Quit(c == 'q', i32::try_from(n).unwrap_or(i32::MAX))
            }
            ':' => {
                if a1.is_some() {
                    return p.err(": doesn't want any addresses");
                }
                label = p.label();
                if label.is_empty() {
                    return p.err("\":\" lacks a label");
                }
                Kind::Label
            }
            'b' | 't' | 'T' => Kind::Branch(c, p.label()),
            'r' | 'R' => Kind::Read(p.filename()),
            'w' | 'W' => Kind::Write(p.filename()),
            '=' | 'd' | 'D' | 'g' | 'G' | 'h' | 'H' | 'l' | 'n' | 'N' | 'p' | 'P' | 'x' | 'z'
            | 'F' => Kind::Simple(c),
            other => return p.err(&format!("unknown command: `{other}'")),
        };
        out.push(Cmd {
            a1,
            a2,
            neg,
            kind,
            label,
        });
        if out.len() > 10_000 {
            return p.err("script too long");
        }
        p.skip_ws();
        match p.peek() {
            None | Some(';' | '\n' | '}' | '#') => {}
            Some(_) if matches!(out.last().map(|c| &c.kind), Some(Kind::Block(_))) => {}
            Some(_) => {
                p.i += 1;
                return p.err("extra characters after command");
            }
        }
    }
    if !open.is_empty() {
        return Err((0, "unmatched `{'".into()));
    }
    Ok(())
}
