//! The awk parser: tokens to a program (pattern-action items, BEGIN/END, functions).
//!
//! A recursive-descent parser over the usual awk precedence: `?:`, `||`, `&&`, `in`,
//! `~ !~`, comparisons, concatenation, `+ -`, `* / %`, unary, `^`, `++ --`, `$`. Errors are
//! mawk's `line N: syntax error at or near X`.

use super::lex::Tok;

/// An expression.
#[derive(Debug, Clone)]
pub(super) enum Expr {
    Num(f64),
    Str(String),
    /// `/re/` alone: matches `$0`.
    Ere(String),
    Var(String),
    Field(Box<Expr>),
    Index(String, Vec<Expr>),
    Assign(&'static str, Box<Expr>, Box<Expr>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Bin(&'static str, Box<Expr>, Box<Expr>),
    Cmp(&'static str, Box<Expr>, Box<Expr>),
    Match(bool, Box<Expr>, Box<Expr>),
    Concat(Box<Expr>, Box<Expr>),
    Neg(Box<Expr>),
    Plus(Box<Expr>),
    Incr(bool, f64, Box<Expr>),
    In(Vec<Expr>, String),
    Builtin(String, Vec<Expr>),
    Call(String, Vec<Expr>),
    Group(Vec<Expr>),
    Getline,
}

/// Where `print` output goes.
#[derive(Debug, Clone)]
pub(super) enum Redir {
    File(Expr, bool),
    Pipe(Expr),
}

/// A statement.
#[derive(Debug, Clone)]
pub(super) enum Stmt {
    Print(Vec<Expr>, Option<Redir>),
    Printf(Vec<Expr>, Option<Redir>),
    Expr(Expr),
    If(Expr, Box<Stmt>, Option<Box<Stmt>>),
    While(Expr, Box<Stmt>),
    Do(Box<Stmt>, Expr),
    For(Option<Expr>, Option<Expr>, Option<Expr>, Box<Stmt>),
    ForIn(String, String, Box<Stmt>),
    Block(Vec<Stmt>),
    Next,
    Exit(Option<Expr>),
    Return(Option<Expr>),
    Break,
    Continue,
    Delete(String, Option<Vec<Expr>>),
}

/// A pattern.
#[derive(Debug, Clone)]
pub(super) enum Pattern {
    Begin,
    End,
    All,
    Expr(Expr),
    Range(Expr, Expr),
}

/// A parsed program.
#[derive(Debug, Clone, Default)]
pub(super) struct Program {
    pub items: Vec<(Pattern, Option<Vec<Stmt>>)>,
    pub funcs: std::collections::HashMap<String, (Vec<String>, Vec<Stmt>)>,
}

struct P {
    toks: Vec<(Tok, usize)>,
    i: usize,
    depth: usize,
}

type R<T> = Result<T, String>;

const MAX_DEPTH: usize = 200;

/// Parses a program; the error is mawk's message after `mawk: `.
pub(super) fn parse(toks: Vec<(Tok, usize)>) -> R<Program> {
    let open = toks.iter().filter(|t| t.0 == Tok::Op("{")).count();
    let close = toks.iter().filter(|t| t.0 == Tok::Op("}")).count();
    let last = toks.last().map(|t| t.1).unwrap_or(1);
    parse_toks(toks).map_err(|e| {
        // mawk goes on after a syntax error and also reports the unclosed brace.
        if open > close && e.contains("syntax error") {
            format!("{e}\nmawk: line {last}: missing }} near end of file")
        } else {
            e
        }
    })
}

fn parse_toks(toks: Vec<(Tok, usize)>) -> R<Program> {
    let mut p = P {
        toks,
        i: 0,
        depth: 0,
    };
    let mut prog = Program::default();
    loop {
        p.skip_terms();
        if p.peek() == &Tok::Eof {
            break;
        }
        match p.peek().clone() {
            Tok::Kw("BEGIN") => {
                p.i += 1;
                let b = p.block()?;
                prog.items.push((Pattern::Begin, Some(b)));
            }
            Tok::Kw("END") => {
                p.i += 1;
                let b = p.block()?;
                prog.items.push((Pattern::End, Some(b)));
            }
            Tok::Kw("function" | "func") => {
                p.i += 1;
                let name = match p.next() {
                    Tok::Name(n) | Tok::FuncName(n) => n,
                    t => return Err(p.err_tok(&t)),
                };
                p.expect("(")?;
                let mut params = Vec::new();
                while p.peek() != &Tok::Op(")") {
                    match p.next() {
                        Tok::Name(n) => params.push(n),
                        t => return Err(p.err_tok(&t)),
                    }
                    if p.peek() == &Tok::Op(",") {
                        p.i += 1;
                        p.skip_nl();
                    }
                }
                p.i += 1;
                p.skip_nl();
                let b = p.block()?;
                prog.funcs.insert(name, (params, b));
            }
            Tok::Op("{") => {
                let b = p.block()?;
                prog.items.push((Pattern::All, Some(b)));
            }
            Tok::Op("}") => {
                let l = p.line();
                return Err(format!(
                    "line {l}: extra '}}'\nmawk: line {l}: syntax error at or near end of line"
                ));
            }
            _ => {
                let e = p.expr(false)?;
                let pat = if p.peek() == &Tok::Op(",") {
                    p.i += 1;
                    p.skip_nl();
                    Pattern::Range(e, p.expr(false)?)
                } else {
                    Pattern::Expr(e)
                };
                if p.peek() == &Tok::Op("{") {
                    let b = p.block()?;
                    prog.items.push((pat, Some(b)));
                } else {
                    prog.items.push((pat, None));
                    match p.peek() {
                        Tok::Newline | Tok::Op(";") | Tok::Eof => {}
                        t => return Err(p.err_tok(&t.clone())),
                    }
                }
            }
        }
    }
    Ok(prog)
}

impl P {
    fn peek(&self) -> &Tok {
        self.toks.get(self.i).map(|t| &t.0).unwrap_or(&Tok::Eof)
    }

    fn line(&self) -> usize {
        self.toks
            .get(self.i)
            .or(self.toks.last())
            .map(|t| t.1)
            .unwrap_or(1)
    }

    fn next(&mut self) -> Tok {
        let t = self.peek().clone();
        self.i += 1;
        t
    }

    fn err_tok(&self, t: &Tok) -> String {
        let line = self
            .toks
            .get(self.i.saturating_sub(1))
            .map(|t| t.1)
            .unwrap_or(1);
        if t == &Tok::Eof {
            return format!("line {line}: syntax error at or near end of file");
        }
        format!("line {line}: syntax error at or near {}", t.shown())
    }

    fn err_here(&self) -> String {
        let t = self.peek().clone();
        if t == Tok::Eof {
            return format!("line {}: syntax error at or near end of file", self.line());
        }
        format!(
            "line {}: syntax error at or near {}",
            self.line(),
            t.shown()
        )
    }

    fn expect(&mut self, op: &'static str) -> R<()> {
        if self.peek() == &Tok::Op(op) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.err_here())
        }
    }

    fn skip_nl(&mut self) {
        while self.peek() == &Tok::Newline {
            self.i += 1;
        }
    }

    fn skip_terms(&mut self) {
        while matches!(self.peek(), Tok::Newline | Tok::Op(";")) {
            self.i += 1;
        }
    }

    fn block(&mut self) -> R<Vec<Stmt>> {
        self.skip_nl();
        if self.peek() != &Tok::Op("{") {
            return Err(self.err_here());
        }
        self.i += 1;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!("line {}: program too deeply nested", self.line()));
        }
        let mut out = Vec::new();
        loop {
            self.skip_terms();
            match self.peek() {
                Tok::Op("}") => {
                    self.i += 1;
                    break;
                }
                Tok::Eof => {
                    return Err(format!("line {}: missing }} near end of file", self.line()));
                }
                _ => out.push(self.stmt()?),
            }
        }
        self.depth -= 1;
        Ok(out)
    }

    /// A simple statement must end with `;`, a newline, `}` (not consumed) or EOF.
    fn end_simple(&mut self) -> R<()> {
        match self.peek() {
            Tok::Op(";") | Tok::Newline => {
                self.i += 1;
                Ok(())
            }
            Tok::Op("}") | Tok::Eof => Ok(()),
            _ => Err(self.err_here()),
        }
    }

    fn body(&mut self) -> R<Stmt> {
        self.skip_nl();
        if self.peek() == &Tok::Op(";") {
            self.i += 1;
            return Ok(Stmt::Block(Vec::new()));
        }
        self.stmt()
    }

    fn stmt(&mut self) -> R<Stmt> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!("line {}: program too deeply nested", self.line()));
        }
        let r = self.stmt_inner();
        self.depth -= 1;
        r
    }

    fn stmt_inner(&mut self) -> R<Stmt> {
        let t = self.peek().clone();
        let s = match t {
            Tok::Op("{") => return Ok(Stmt::Block(self.block()?)),
            Tok::Kw("if") => {
                self.i += 1;
                self.expect("(")?;
                let c = self.expr(false)?;
                self.expect(")")?;
                let then = self.body()?;
                let save = self.i;
                self.skip_terms();
                let els = if self.peek() == &Tok::Kw("else") {
                    self.i += 1;
                    Some(Box::new(self.body()?))
                } else {
                    self.i = save;
                    None
                };
                return Ok(Stmt::If(c, Box::new(then), els));
            }
            Tok::Kw("while") => {
                self.i += 1;
                self.expect("(")?;
                let c = self.expr(false)?;
                self.expect(")")?;
                if self.peek() == &Tok::Op(";") {
                    self.i += 1;
                    return Ok(Stmt::While(c, Box::new(Stmt::Block(Vec::new()))));
                }
                return Ok(Stmt::While(c, Box::new(self.body()?)));
            }
            Tok::Kw("do") => {
                self.i += 1;
                let b = self.body()?;
                self.skip_terms();
                if self.next() != Tok::Kw("while") {
                    return Err(self.err_tok(
                        &self
                            .toks
                            .get(self.i - 1)
                            .map(|t| t.0.clone())
                            .unwrap_or(Tok::Eof),
                    ));
                }
                self.expect("(")?;
                let c = self.expr(false)?;
                self.expect(")")?;
                self.end_simple()?;
                return Ok(Stmt::Do(Box::new(b), c));
            }
            Tok::Kw("for") => {
                self.i += 1;
                self.expect("(")?;
                if let (Tok::Name(v), Some(Tok::Kw("in")), Some(Tok::Name(a)), Some(Tok::Op(")"))) = (
                    self.peek().clone(),
                    self.toks.get(self.i + 1).map(|t| t.0.clone()),
                    self.toks.get(self.i + 2).map(|t| t.0.clone()),
                    self.toks.get(self.i + 3).map(|t| t.0.clone()),
                ) {
                    self.i += 4;
                    return Ok(Stmt::ForIn(v, a, Box::new(self.body()?)));
                }
                let init = if self.peek() == &Tok::Op(";") {
                    None
                } else {
                    Some(self.expr(false)?)
                };
                self.expect(";")?;
                self.skip_nl();
                let cond = if self.peek() == &Tok::Op(";") {
                    None
                } else {
                    Some(self.expr(false)?)
                };
                self.expect(";")?;
                self.skip_nl();
                let step = if self.peek() == &Tok::Op(")") {
                    None
                } else {
                    Some(self.expr(false)?)
                };
                self.expect(")")?;
                if self.peek() == &Tok::Op(";") {
                    self.i += 1;
                    return Ok(Stmt::For(
                        init,
                        cond,
                        step,
                        Box::new(Stmt::Block(Vec::new())),
                    ));
                }
                return Ok(Stmt::For(init, cond, step, Box::new(self.body()?)));
            }
            Tok::Kw("next") => {
                self.i += 1;
                Stmt::Next
            }
            Tok::Kw("break") => {
                self.i += 1;
                Stmt::Break
            }
            Tok::Kw("continue") => {
                self.i += 1;
                Stmt::Continue
            }
            Tok::Kw(k @ ("exit" | "return")) => {
                self.i += 1;
                let e = match self.peek() {
                    Tok::Op(";" | "}") | Tok::Newline | Tok::Eof => None,
                    _ => Some(self.expr(false)?),
                };
                if k == "exit" {
                    Stmt::Exit(e)
                } else {
                    Stmt::Return(e)
                }
            }
            Tok::Kw("delete") => {
                self.i += 1;
                let Tok::Name(a) = self.next() else {
                    return Err(self.err_tok(
                        &self
                            .toks
                            .get(self.i - 1)
                            .map(|t| t.0.clone())
                            .unwrap_or(Tok::Eof),
                    ));
                };
                if self.peek() == &Tok::Op("[") {
                    self.i += 1;
                    let idx = self.expr_list(false)?;
                    self.expect("]")?;
                    Stmt::Delete(a, Some(idx))
                } else {
                    Stmt::Delete(a, None)
                }
            }
            Tok::Kw(k @ ("print" | "printf")) => {
                self.i += 1;
                let mut args = match self.peek() {
                    Tok::Op(";" | "}" | ">" | ">>" | "|") | Tok::Newline | Tok::Eof => Vec::new(),
                    _ => self.expr_list(true)?,
                };
                if let [Expr::Group(inner)] = args.as_slice() {
                    args = inner.clone();
                }
                let redir = match self.peek() {
                    Tok::Op(op @ (">" | ">>")) => {
                        let app = *op == ">>";
                        self.i += 1;
                        Some(Redir::File(self.concat(true)?, app))
                    }
                    Tok::Op("|") => {
                        self.i += 1;
                        Some(Redir::Pipe(self.concat(true)?))
                    }
                    _ => None,
                };
                if k == "print" {
                    Stmt::Print(args, redir)
                } else {
                    if args.is_empty() {
                        return Err(self.err_here());
                    }
                    Stmt::Printf(args, redir)
                }
            }
            Tok::Op(";") => {
                self.i += 1;
                return Ok(Stmt::Block(Vec::new()));
            }
            _ => Stmt::Expr(self.expr(false)?),
        };
        self.end_simple()?;
        Ok(s)
    }

    fn expr_list(&mut self, no_gt: bool) -> R<Vec<Expr>> {
        let mut v = vec![self.expr(no_gt)?];
        while self.peek() == &Tok::Op(",") {
            self.i += 1;
            self.skip_nl();
            v.push(self.expr(no_gt)?);
        }
        Ok(v)
    }

    /// A full expression; `no_gt`: a bare `>` ends it (print redirection).
    fn expr(&mut self, no_gt: bool) -> R<Expr> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!(
                "line {}: expression too deeply nested",
                self.line()
            ));
        }
        let r = self.ternary(no_gt);
        self.depth -= 1;
        r
    }

    fn ternary(&mut self, no_gt: bool) -> R<Expr> {
        let c = self.or(no_gt)?;
        if self.peek() == &Tok::Op("?") {
            self.i += 1;
            self.skip_nl();
            let a = self.expr(no_gt)?;
            self.skip_nl();
            self.expect(":")?;
            self.skip_nl();
            let b = self.expr(no_gt)?;
            return Ok(Expr::Cond(Box::new(c), Box::new(a), Box::new(b)));
        }
        if let Tok::Op(op @ ("=" | "+=" | "-=" | "*=" | "/=" | "%=" | "^=" | "**=")) =
            self.peek().clone()
            && matches!(c, Expr::Var(_) | Expr::Field(_) | Expr::Index(..))
        {
            self.i += 1;
            let r = self.expr(no_gt)?;
            let op = if op == "**=" { "^=" } else { op };
            return Ok(Expr::Assign(op, Box::new(c), Box::new(r)));
        }
        Ok(c)
    }

    fn or(&mut self, no_gt: bool) -> R<Expr> {
        let mut l = self.and(no_gt)?;
        while self.peek() == &Tok::Op("||") {
            self.i += 1;
            self.skip_nl();
            let r = self.and(no_gt)?;
            l = Expr::Or(Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn and(&mut self, no_gt: bool) -> R<Expr> {
        let mut l = self.inop(no_gt)?;
        while self.peek() == &Tok::Op("&&") {
            self.i += 1;
            self.skip_nl();
            let r = self.inop(no_gt)?;
            l = Expr::And(Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn inop(&mut self, no_gt: bool) -> R<Expr> {
        let mut l = self.matchop(no_gt)?;
        while self.peek() == &Tok::Kw("in") {
            self.i += 1;
            let Tok::Name(a) = self.next() else {
                return Err(self.err_tok(
                    &self
                        .toks
                        .get(self.i - 1)
                        .map(|t| t.0.clone())
                        .unwrap_or(Tok::Eof),
                ));
            };
            let keys = match l {
                Expr::Group(v) => v,
                e => vec![e],
            };
            l = Expr::In(keys, a);
        }
        Ok(l)
    }

    fn matchop(&mut self, no_gt: bool) -> R<Expr> {
        let mut l = self.cmp(no_gt)?;
        while let Tok::Op(op @ ("~" | "!~")) = self.peek().clone() {
            self.i += 1;
            let r = self.cmp(no_gt)?;
            l = Expr::Match(op == "!~", Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn cmp(&mut self, no_gt: bool) -> R<Expr> {
        let l = self.concat(no_gt)?;
        if let Tok::Op(op @ ("<" | "<=" | "==" | "!=" | ">=" | ">")) = self.peek().clone() {
            if no_gt && op == ">" {
                return Ok(l);
            }
            self.i += 1;
            let r = self.concat(no_gt)?;
            return Ok(Expr::Cmp(op, Box::new(l), Box::new(r)));
        }
        Ok(l)
    }

    fn starts_operand(&self) -> bool {
        matches!(
            self.peek(),
            Tok::Num(_)
                | Tok::Str(_)
                | Tok::Ere(_)
                | Tok::Name(_)
                | Tok::FuncName(_)
                | Tok::Builtin(_)
        ) || matches!(
            self.peek(),
            Tok::Op("$" | "(" | "!" | "++" | "--" | "-" | "+")
        )
    }

    fn concat(&mut self, no_gt: bool) -> R<Expr> {
        let mut l = self.additive()?;
        loop {
            // `-`/`+` here are binary operators already consumed by `additive`; `!` is not
            // a concatenation operand in awk either.
            if !self.starts_operand() || matches!(self.peek(), Tok::Op("-" | "+" | "!")) {
                break;
            }
            if no_gt && self.peek() == &Tok::Op(">") {
                break;
            }
            let r = self.additive()?;
            l = Expr::Concat(Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn additive(&mut self) -> R<Expr> {
        let mut l = self.mul()?;
        while let Tok::Op(op @ ("+" | "-")) = self.peek().clone() {
            self.i += 1;
            let r = self.mul()?;
            l = Expr::Bin(op, Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn mul(&mut self) -> R<Expr> {
        let mut l = self.unary()?;
        while let Tok::Op(op @ ("*" | "/" | "%")) = self.peek().clone() {
            self.i += 1;
            let r = self.unary()?;
            l = Expr::Bin(op, Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn unary(&mut self) -> R<Expr> {
        match self.peek() {
            Tok::Op("!") => {
                self.i += 1;
                Ok(Expr::Not(Box::new(self.unary()?)))
            }
            Tok::Op("-") => {
                self.i += 1;
                Ok(Expr::Neg(Box::new(self.unary()?)))
            }
            Tok::Op("+") => {
                self.i += 1;
                Ok(Expr::Plus(Box::new(self.unary()?)))
            }
            _ => self.power(),
        }
    }

    fn power(&mut self) -> R<Expr> {
        let base = self.postfix()?;
        if matches!(self.peek(), Tok::Op("^" | "**")) {
            self.i += 1;
            // Right associative, and binds tighter than unary minus on its left only.
            let exp = match self.peek() {
                Tok::Op("-") => {
                    self.i += 1;
                    Expr::Neg(Box::new(self.power()?))
                }
                _ => self.power()?,
            };
            return Ok(Expr::Bin("^", Box::new(base), Box::new(exp)));
        }
        Ok(base)
    }

    fn postfix(&mut self) -> R<Expr> {
        if let Tok::Op(op @ ("++" | "--")) = self.peek() {
            let d = if *op == "++" { 1.0 } else { -1.0 };
            self.i += 1;
            let e = self.postfix()?;
            if !matches!(e, Expr::Var(_) | Expr::Field(_) | Expr::Index(..)) {
                return Err(self.err_here());
            }
            return Ok(Expr::Incr(true, d, Box::new(e)));
        }
        let e = self.primary()?;
        if matches!(e, Expr::Var(_) | Expr::Field(_) | Expr::Index(..))
            && let Tok::Op(op @ ("++" | "--")) = self.peek().clone()
        {
            self.i += 1;
            let d = if op == "++" { 1.0 } else { -1.0 };
            return Ok(Expr::Incr(false, d, Box::new(e)));
        }
        Ok(e)
    }

    fn primary(&mut self) -> R<Expr> {
        let t = self.next();
        Ok(match t {
            Tok::Num(n) => Expr::Num(n),
            Tok::Str(s) => Expr::Str(s),
            Tok::Ere(s) => Expr::Ere(s),
            Tok::Op("$") => {
                let e = match self.peek() {
                    Tok::Op("++" | "--") => self.postfix()?,
                    Tok::Op("-") => {
                        self.i += 1;
                        Expr::Neg(Box::new(self.primary()?))
                    }
                    _ => self.primary()?,
                };
                Expr::Field(Box::new(e))
            }
            Tok::Op("(") => {
                self.skip_nl();
                let mut v = self.expr_list(false)?;
                self.skip_nl();
                self.expect(")")?;
                if v.len() == 1 {
                    v.pop()
                        .map(|e| Expr::Group(vec![e]))
                        .unwrap_or(Expr::Num(0.0))
                } else {
                    Expr::Group(v)
                }
            }
            Tok::Name(n) => {
                if self.peek() == &Tok::Op("[") {
                    self.i += 1;
                    let idx = self.expr_list(false)?;
                    self.expect("]")?;
                    Expr::Index(n, idx)
                } else {
                    Expr::Var(n)
                }
            }
            Tok::FuncName(n) => {
                self.expect("(")?;
                let args = if self.peek() == &Tok::Op(")") {
                    Vec::new()
                } else {
                    self.expr_list(false)?
                };
                self.expect(")")?;
                Expr::Call(n, args)
            }
            Tok::Builtin(n) => {
                if self.peek() == &Tok::Op("(") {
                    self.i += 1;
                    let args = if self.peek() == &Tok::Op(")") {
                        Vec::new()
                    } else {
                        self.expr_list(false)?
                    };
                    self.expect(")")?;
                    Expr::Builtin(n, args)
                } else if n == "length" {
                    Expr::Builtin(n, Vec::new())
                } else {
                    return Err(self.err_here());
                }
            }
            Tok::Kw("getline") => Expr::Getline,
            other => return Err(self.err_tok(&other)),
        })
    }
}
