//! The awk interpreter: variables, associative arrays, fields, patterns and statements.
//!
//! Bounded: a step budget stops runaway loops, arrays and strings have size caps, and
//! output goes through the command's capped `Output`.

use std::collections::HashMap;

use super::parse::{Expr, Pattern, Program, Redir, Stmt};
use super::value::{Val, num_to_str, sprintf};
use crate::commands::CmdCtx;
use crate::commands::regex::Regex;

/// Statements and expressions evaluated before the program is stopped.
const MAX_STEPS: u64 = 5_000_000;
/// Elements in one array.
const MAX_ELEMS: usize = 200_000;
/// Length of one string value.
const MAX_STR: usize = 4 << 20;
/// Function call depth.
const MAX_CALLS: usize = 200;

/// An associative array in insertion order.
#[derive(Debug, Clone, Default)]
pub(super) struct Arr {
    order: Vec<String>,
    map: HashMap<String, Val>,
}

impl Arr {
    fn get(&mut self, k: &str) -> Val {
        if let Some(v) = self.map.get(k) {
            return v.clone();
        }
        self.set(k, Val::Uninit);
        Val::Uninit
    }

    fn set(&mut self, k: &str, v: Val) {
        if let Some(slot) = self.map.get_mut(k) {
            *slot = v;
        } else if self.map.len() < MAX_ELEMS {
            self.order.push(k.to_string());
            self.map.insert(k.to_string(), v);
        }
    }

    fn remove(&mut self, k: &str) {
        if self.map.remove(k).is_some() {
            self.order.retain(|x| x != k);
        }
    }

    fn clear(&mut self) {
        self.order.clear();
        self.map.clear();
    }
}

#[derive(Debug, Clone)]
enum Cell {
    Val(Val),
    Arr(Arr),
    /// A function parameter naming a global array.
    Alias(String),
}

/// How a statement ended.
pub(super) enum Flow {
    Normal,
    Next,
    Exit,
    Break,
    Continue,
    Return(Val),
}

/// The running program.
pub(super) struct Interp<'a, 'b> {
    pub ctx: &'a mut CmdCtx<'b>,
    prog: &'a Program,
    globals: HashMap<String, Cell>,
    locals: Vec<HashMap<String, Cell>>,
    record: String,
    fields: Vec<String>,
    split_done: bool,
    regexes: HashMap<String, Option<Regex>>,
    steps: u64,
    pub exit_code: i32,
    /// Set when the step budget ran out (the program is stopped).
    pub stopped: bool,
    range_on: Vec<bool>,
    /// `print > file` outputs, written at the end.
    pub files: Vec<(String, bool, Vec<u8>)>,
    /// `print | cmd` outputs, run at the end.
    pub pipes: Vec<(String, Vec<u8>)>,
    seed: f64,
    rand_state: u64,
    /// Never used: the target of an impossible branch.
    scratch: Arr,
}

fn truthy(b: bool) -> Val {
    Val::Num(if b { 1.0 } else { 0.0 })
}

impl<'a, 'b> Interp<'a, 'b> {
    pub(super) fn new(ctx: &'a mut CmdCtx<'b>, prog: &'a Program) -> Self {
        let mut g = HashMap::new();
        for (k, v) in [
            ("FS", " "),
            ("OFS", " "),
            ("ORS", "\n"),
            ("RS", "\n"),
            ("SUBSEP", "\x1c"),
            ("CONVFMT", "%.6g"),
            ("OFMT", "%.6g"),
            ("FILENAME", ""),
        ] {
            g.insert(k.to_string(), Cell::Val(Val::Str(v.to_string())));
        }
        for k in ["NR", "FNR", "RSTART", "RLENGTH"] {
            g.insert(k.to_string(), Cell::Val(Val::Num(0.0)));
        }
        let mut env = Arr::default();
        for (k, v) in ctx.env.exported() {
            env.set(k, Val::StrNum(v.to_string()));
        }
        g.insert("ENVIRON".into(), Cell::Arr(env));
        Interp {
            ctx,
            prog,
            globals: g,
            locals: Vec::new(),
            record: String::new(),
            fields: Vec::new(),
            split_done: true,
            regexes: HashMap::new(),
            steps: 0,
            exit_code: 0,
            stopped: false,
            range_on: vec![false; prog.items.len()],
            files: Vec::new(),
            pipes: Vec::new(),
            seed: 0.0,
            rand_state: 0x2545_f491_4f6c_dd1d,
            scratch: Arr::default(),
        }
    }

    fn tick(&mut self) -> bool {
        self.steps += 1;
        if self.steps > MAX_STEPS || self.ctx.stdout.is_full() {
            self.stopped = true;
        }
        !self.stopped
    }

    pub(super) fn var_str(&mut self, name: &str) -> String {
        let v = self.get_var(name);
        self.to_s(&v)
    }

    fn to_s(&self, v: &Val) -> String {
        match v {
            Val::Num(n) => num_to_str(*n, &self.conv("CONVFMT")),
            other => other.str("%.6g"),
        }
    }

    fn conv(&self, name: &str) -> String {
        match self.globals.get(name) {
            Some(Cell::Val(v)) => v.str("%.6g"),
            _ => "%.6g".into(),
        }
    }

    /// Assigns a variable by name (`-v`, command-line `var=value`).
    pub(super) fn set_var(&mut self, name: &str, v: Val) {
        if name == "NF" {
            self.set_nf(v.num());
            return;
        }
        let frame = self.locals.last_mut().filter(|f| f.contains_key(name));
        let slot = match frame {
            Some(f) => f.get_mut(name),
            None => self.globals.get_mut(name),
        };
        match slot {
            Some(Cell::Val(old)) => *old = v,
            Some(_) => {}
            None => {
                self.globals.insert(name.to_string(), Cell::Val(v));
            }
        }
    }

    fn get_var(&mut self, name: &str) -> Val {
        if name == "NF" {
            self.split();
            return Val::Num(self.fields.len() as f64);
        }
        if let Some(Cell::Val(v)) = self.locals.last().and_then(|f| f.get(name)) {
            return v.clone();
        }
        if self.locals.last().is_some_and(|f| f.contains_key(name)) {
            return Val::Uninit;
        }
        match self.globals.get(name) {
            Some(Cell::Val(v)) => v.clone(),
            _ => Val::Uninit,
        }
    }

    /// The array a name refers to, created if needed.
    fn arr(&mut self, name: &str) -> &mut Arr {
        let (local, key) = match self.locals.last().and_then(|f| f.get(name)) {
            Some(Cell::Alias(g)) => (false, g.clone()),
            Some(_) => (true, name.to_string()),
            None => (false, name.to_string()),
        };
        let map = match self.locals.last_mut() {
            Some(f) if local => f,
            _ => &mut self.globals,
        };
        let c = map.entry(key).or_insert_with(|| Cell::Arr(Arr::default()));
        if !matches!(c, Cell::Arr(_)) {
            *c = Cell::Arr(Arr::default());
        }
        match c {
            Cell::Arr(a) => a,
            _ => &mut self.scratch,
        }
    }

    fn is_array(&self, name: &str) -> bool {
        match self.locals.last().and_then(|f| f.get(name)) {
            Some(Cell::Arr(_) | Cell::Alias(_)) => true,
            Some(Cell::Val(_)) => false,
            None => matches!(self.globals.get(name), Some(Cell::Arr(_))),
        }
    }

    // ---- records and fields ----

    pub(super) fn set_record(&mut self, rec: &str) {
        self.record = rec.to_string();
        self.split_done = false;
    }

    fn split(&mut self) {
        if self.split_done {
            return;
        }
        self.split_done = true;
        let fs = self.conv("FS");
        let rec = std::mem::take(&mut self.record);
        self.fields = self.split_with(&rec, &fs);
        self.record = rec;
    }

    /// Splits text the way FS would.
    pub(super) fn split_with(&mut self, s: &str, fs: &str) -> Vec<String> {
        if s.is_empty() {
            return Vec::new();
        }
        if fs == " " {
            return s
                .split([' ', '\t', '\n'])
                .filter(|w| !w.is_empty())
                .take(MAX_ELEMS)
                .map(str::to_string)
                .collect();
        }
        let mut chars = fs.chars();
        if let (Some(c), None) = (chars.next(), chars.next())
            && c != '\\'
        {
            return s.split(c).take(MAX_ELEMS).map(str::to_string).collect();
        }
        let Some(re) = self.regex(fs) else {
            return vec![s.to_string()];
        };
        let t: Vec<char> = s.chars().collect();
        let mut out = Vec::new();
        let mut pos = 0;
        let mut from = 0;
        while from <= t.len() && out.len() < MAX_ELEMS {
            let Some((a, b)) = re.find_at(&t, from, &|a, b| b > a) else {
                break;
            };
            out.push(t.get(pos..a).unwrap_or(&[]).iter().collect());
            pos = b;
            from = b;
        }
        out.push(t.get(pos..).unwrap_or(&[]).iter().collect());
        out
    }

    fn regex(&mut self, pat: &str) -> Option<Regex> {
        if let Some(r) = self.regexes.get(pat) {
            return r.clone();
        }
        let r = Regex::new(pat, true, false).ok();
        if self.regexes.len() < 500 {
            self.regexes.insert(pat.to_string(), r.clone());
        }
        r
    }

    fn get_field(&mut self, i: usize) -> Val {
        if i == 0 {
            return Val::StrNum(self.record.clone());
        }
        self.split();
        Val::StrNum(self.fields.get(i - 1).cloned().unwrap_or_default())
    }

    fn rebuild(&mut self) {
        let ofs = self.conv("OFS");
        self.record = self.fields.join(&ofs);
    }

    fn set_field(&mut self, i: usize, v: String) {
        if i == 0 {
            self.set_record(&v);
            return;
        }
        self.split();
        if i > MAX_ELEMS {
            return;
        }
        while self.fields.len() < i {
            self.fields.push(String::new());
        }
        if let Some(f) = self.fields.get_mut(i - 1) {
            *f = v;
        }
        self.rebuild();
    }

    fn set_nf(&mut self, n: f64) {
        self.split();
        let n = (n.max(0.0) as usize).min(MAX_ELEMS);
        self.fields.resize(n, String::new());
        self.rebuild();
    }

    // ---- running ----

    /// Runs the BEGIN actions; false when the program exited.
    pub(super) fn run_begin(&mut self) -> bool {
        self.run_kind(true)
    }

    /// Runs the END actions.
    pub(super) fn run_end(&mut self) {
        self.run_kind(false);
    }

    fn run_kind(&mut self, begin: bool) -> bool {
        let prog = self.prog;
        for (pat, body) in &prog.items {
            let hit = matches!((pat, begin), (Pattern::Begin, true) | (Pattern::End, false));
            if !hit {
                continue;
            }
            if let Some(b) = body {
                match self.block(b) {
                    Flow::Exit => return false,
                    _ if self.stopped => return false,
                    _ => {}
                }
            }
        }
        true
    }

    /// Whether there is anything to do per record or at the end.
    pub(super) fn needs_input(&self) -> bool {
        self.prog
            .items
            .iter()
            .any(|(p, _)| !matches!(p, Pattern::Begin))
    }

    /// Runs the main items for the current record; false when the program exited.
    pub(super) fn run_record(&mut self) -> bool {
        let prog = self.prog;
        for (idx, (pat, body)) in prog.items.iter().enumerate() {
            let hit = match pat {
                Pattern::Begin | Pattern::End => continue,
                Pattern::All => true,
                Pattern::Expr(e) => self.cond(e),
                Pattern::Range(a, b) => {
                    let on = self.range_on.get(idx).copied().unwrap_or(false);
                    if on {
                        if self.cond(b) {
                            self.set_range(idx, false);
                        }
                        true
                    } else if self.cond(a) {
                        if !self.cond(b) {
                            self.set_range(idx, true);
                        }
                        true
                    } else {
                        false
                    }
                }
            };
            if self.stopped {
                return false;
            }
            if !hit {
                continue;
            }
            let flow = match body {
                Some(b) => self.block(b),
                None => {
                    let rec = self.record.clone();
                    self.emit(&rec, None);
                    Flow::Normal
                }
            };
            match flow {
                Flow::Next => return true,
                Flow::Exit => return false,
                _ if self.stopped => return false,
                _ => {}
            }
        }
        true
    }

    fn set_range(&mut self, idx: usize, on: bool) {
        if let Some(r) = self.range_on.get_mut(idx) {
            *r = on;
        }
    }

    fn cond(&mut self, e: &Expr) -> bool {
        match e {
            Expr::Ere(re) => self.match_re(re, &self.record.clone()),
            _ => self.eval(e).truthy(),
        }
    }

    fn match_re(&mut self, pat: &str, s: &str) -> bool {
        let Some(re) = self.regex(pat) else {
            return false;
        };
        let t: Vec<char> = s.chars().collect();
        re.find_at(&t, 0, &|_, _| true).is_some()
    }

    fn emit(&mut self, text: &str, redir: Option<&Redir>) {
        let ors = self.conv("ORS");
        let mut s = String::with_capacity(text.len() + 1);
        s.push_str(text);
        s.push_str(&ors);
        self.write_out(s.as_bytes(), redir);
    }

    fn write_out(&mut self, bytes: &[u8], redir: Option<&Redir>) {
        match redir {
            None => self.ctx.stdout.write(bytes),
            Some(Redir::File(e, app)) => {
                let name = self.eval(e);
                let name = self.to_s(&name);
                match name.as_str() {
                    "/dev/stdout" | "-" => self.ctx.stdout.write(bytes),
                    "/dev/stderr" => self.ctx.stderr.write(bytes),
                    _ => {
                        if let Some(f) = self.files.iter_mut().find(|f| f.0 == name) {
                            if f.2.len() < MAX_STR {
                                f.2.extend_from_slice(bytes);
                            }
                        } else if self.files.len() < 32 {
                            self.files.push((name, *app, bytes.to_vec()));
                        }
                    }
                }
            }
            Some(Redir::Pipe(e)) => {
                let cmd = self.eval(e);
                let cmd = self.to_s(&cmd);
                if cmd.trim() == "cat 1>&2" || cmd.trim() == "cat >&2" {
                    self.ctx.stderr.write(bytes);
                } else if let Some(p) = self.pipes.iter_mut().find(|p| p.0 == cmd) {
                    if p.1.len() < MAX_STR {
                        p.1.extend_from_slice(bytes);
                    }
                } else if self.pipes.len() < 16 {
                    self.pipes.push((cmd, bytes.to_vec()));
                }
            }
        }
    }

    fn block(&mut self, stmts: &[Stmt]) -> Flow {
        for s in stmts {
            let f = self.stmt(s);
            if !matches!(f, Flow::Normal) {
                return f;
            }
            if self.stopped {
                return Flow::Exit;
            }
        }
        Flow::Normal
    }

    fn stmt(&mut self, s: &Stmt) -> Flow {
        if !self.tick() {
            return Flow::Exit;
        }
        match s {
            Stmt::Print(args, redir) => {
                let text = if args.is_empty() {
                    self.record.clone()
                } else {
                    let ofs = self.conv("OFS");
                    let ofmt = self.conv("OFMT");
                    let mut parts = Vec::with_capacity(args.len());
                    for a in args {
                        let v = self.eval(a);
                        parts.push(match v {
                            Val::Num(n) => num_to_str(n, &ofmt),
                            other => other.str(&ofmt),
                        });
                    }
                    parts.join(&ofs)
                };
                self.emit(&text, redir.as_ref());
            }
            Stmt::Printf(args, redir) => {
                let vals: Vec<Val> = args.iter().map(|a| self.eval(a)).collect();
                let fmt = vals.first().map(|v| self.to_s(v)).unwrap_or_default();
                let conv = self.conv("CONVFMT");
                let s = sprintf(&fmt, vals.get(1..).unwrap_or(&[]), &conv);
                self.write_out(s.as_bytes(), redir.as_ref());
            }
            Stmt::Expr(e) => {
                self.eval(e);
            }
            Stmt::If(c, a, b) => {
                if self.cond(c) {
                    return self.stmt(a);
                } else if let Some(b) = b {
                    return self.stmt(b);
                }
            }
            Stmt::While(c, body) => {
                while self.cond(c) && !self.stopped {
                    match self.stmt(body) {
                        Flow::Break => break,
                        Flow::Normal | Flow::Continue => {}
                        f => return f,
                    }
                }
            }
            Stmt::Do(body, c) => loop {
                match self.stmt(body) {
                    Flow::Break => break,
                    Flow::Normal | Flow::Continue => {}
                    f => return f,
                }
                if !self.cond(c) || self.stopped {
                    break;
                }
            },
            Stmt::For(init, c, step, body) => {
                if let Some(i) = init {
                    self.eval(i);
                }
                while c.as_ref().is_none_or(|c| self.cond(c)) && !self.stopped {
                    match self.stmt(body) {
                        Flow::Break => break,
                        Flow::Normal | Flow::Continue => {}
                        f => return f,
                    }
                    if let Some(s) = step {
                        self.eval(s);
                    }
                    self.tick();
                }
            }
            Stmt::ForIn(var, arr, body) => {
                let keys = self.arr(arr).order.clone();
                for k in keys {
                    if self.stopped {
                        break;
                    }
                    self.set_var(var, Val::StrNum(k));
                    match self.stmt(body) {
                        Flow::Break => break,
                        Flow::Normal | Flow::Continue => {}
                        f => return f,
                    }
                }
            }
            Stmt::Block(b) => return self.block(b),
            Stmt::Next => return Flow::Next,
            Stmt::Exit(e) => {
                if let Some(e) = e {
                    self.exit_code = self.eval(e).num() as i32;
                }
                return Flow::Exit;
            }
            Stmt::Return(e) => {
                let v = e.as_ref().map(|e| self.eval(e)).unwrap_or(Val::Uninit);
                return Flow::Return(v);
            }
            Stmt::Break => return Flow::Break,
            Stmt::Continue => return Flow::Continue,
            Stmt::Delete(a, idx) => match idx {
                Some(idx) => {
                    let k = self.key(idx);
                    self.arr(a).remove(&k);
                }
                None => self.arr(a).clear(),
            },
        }
        Flow::Normal
    }

    fn key(&mut self, idx: &[Expr]) -> String {
        let sep = self.conv("SUBSEP");
        let mut parts = Vec::with_capacity(idx.len());
        for e in idx {
            let v = self.eval(e);
            parts.push(self.to_s(&v));
        }
        parts.join(&sep)
    }

    fn assign(&mut self, target: &Expr, v: Val) {
        match target {
            Expr::Var(n) => self.set_var(n, v),
            Expr::Field(i) => {
                let i = self.eval(i).num().max(0.0) as usize;
                let s = self.to_s(&v);
                self.set_field(i, s);
            }
            Expr::Index(a, idx) => {
                let k = self.key(idx);
                self.arr(a).set(&k, v);
            }
            Expr::Group(g) if g.len() == 1 => {
                if let Some(e) = g.first() {
                    self.assign(e, v);
                }
            }
            _ => {}
        }
    }

    pub(super) fn eval(&mut self, e: &Expr) -> Val {
        self.tick();
        match e {
            Expr::Num(n) => Val::Num(*n),
            Expr::Str(s) => Val::Str(s.clone()),
            Expr::Ere(re) => {
                let rec = self.record.clone();
                truthy(self.match_re(re, &rec))
            }
            Expr::Var(n) => self.get_var(n),
            Expr::Field(i) => {
                let i = self.eval(i).num();
                self.get_field(if i < 0.0 { 0 } else { i as usize })
            }
            Expr::Index(a, idx) => {
                let k = self.key(idx);
                self.arr(a).get(&k)
            }
            Expr::Assign(op, t, r) => {
                let rv = self.eval(r);
                let v = if *op == "=" {
                    match rv {
                        Val::Str(s) if s.len() > MAX_STR => {
                            Val::Str(s.chars().take(MAX_STR).collect())
                        }
                        other => other,
                    }
                } else {
                    let lv = self.eval(t).num();
                    Val::Num(arith(op.trim_end_matches('='), lv, rv.num()))
                };
                self.assign(t, v.clone());
                v
            }
            Expr::Cond(c, a, b) => {
                if self.cond(c) {
                    self.eval(a)
                } else {
                    self.eval(b)
                }
            }
            Expr::And(a, b) => truthy(self.cond(a) && self.cond(b)),
            Expr::Or(a, b) => truthy(self.cond(a) || self.cond(b)),
            Expr::Not(a) => truthy(!self.cond(a)),
            Expr::Bin(op, a, b) => {
                let x = self.eval(a).num();
                let y = self.eval(b).num();
                Val::Num(arith(op, x, y))
            }
            Expr::Cmp(op, a, b) => {
                let x = self.eval(a);
                let y = self.eval(b);
                let ord = if x.is_numeric() && y.is_numeric() {
                    x.num().partial_cmp(&y.num())
                } else {
                    Some(self.to_s(&x).cmp(&self.to_s(&y)))
                };
                use std::cmp::Ordering::*;
                let r = match (*op, ord) {
                    (_, None) => *op == "!=",
                    ("<", Some(o)) => o == Less,
                    ("<=", Some(o)) => o != Greater,
                    ("==", Some(o)) => o == Equal,
                    ("!=", Some(o)) => o != Equal,
                    (">=", Some(o)) => o != Less,
                    (_, Some(o)) => o == Greater,
                };
                truthy(r)
            }
            Expr::Match(neg, a, b) => {
                let s = self.eval(a);
                let s = self.to_s(&s);
                let pat = self.pattern(b);
                truthy(self.match_re(&pat, &s) != *neg)
            }
            Expr::Concat(a, b) => {
                let x = self.eval(a);
                let y = self.eval(b);
                let mut s = self.to_s(&x);
                if s.len() < MAX_STR {
                    s.push_str(&self.to_s(&y));
                }
                Val::Str(s)
            }
            Expr::Neg(a) => Val::Num(-self.eval(a).num()),
            Expr::Plus(a) => Val::Num(self.eval(a).num()),
            Expr::Incr(pre, d, t) => {
                let old = self.eval(t).num();
                self.assign(t, Val::Num(old + d));
                Val::Num(if *pre { old + d } else { old })
            }
            Expr::In(idx, a) => {
                let k = self.key(idx);
                truthy(self.arr(a).map.contains_key(&k))
            }
            Expr::Group(v) => match v.as_slice() {
                [one] => self.eval(one),
                many => {
                    let sep = self.conv("SUBSEP");
                    let mut parts = Vec::new();
                    for e in many {
                        let v = self.eval(e);
                        parts.push(self.to_s(&v));
                    }
                    Val::Str(parts.join(&sep))
                }
            },
            Expr::Builtin(name, args) => super::builtins::call(self, name, args),
            Expr::Call(name, args) => self.call(name, args),
            Expr::Getline => Val::Num(0.0),
        }
    }

    /// The regex text of a `~` right side or a function's regex argument.
    pub(super) fn pattern(&mut self, e: &Expr) -> String {
        match e {
            Expr::Ere(re) => re.clone(),
            other => {
                let v = self.eval(other);
                self.to_s(&v)
            }
        }
    }

    fn call(&mut self, name: &str, args: &[Expr]) -> Val {
        let prog = self.prog;
        let Some((params, body)) = prog.funcs.get(name) else {
            return Val::Uninit;
        };
        if self.locals.len() >= MAX_CALLS {
            self.stopped = true;
            return Val::Uninit;
        }
        let mut frame = HashMap::new();
        for (i, p) in params.iter().enumerate() {
            let cell = match args.get(i) {
                Some(Expr::Var(n)) if self.is_array(n) => {
                    match self.locals.last().and_then(|f| f.get(n)) {
                        Some(Cell::Alias(g)) => Cell::Alias(g.clone()),
                        Some(Cell::Arr(a)) => Cell::Arr(a.clone()),
                        _ => Cell::Alias(n.clone()),
                    }
                }
                Some(e) => Cell::Val(self.eval(e)),
                None => Cell::Val(Val::Uninit),
            };
            frame.insert(p.clone(), cell);
        }
        self.locals.push(frame);
        let flow = self.block(body);
        self.locals.pop();
        match flow {
            Flow::Return(v) => v,
            Flow::Exit => {
                self.stopped = true;
                Val::Uninit
            }
            _ => Val::Uninit,
        }
    }

    /// Assigns through an lvalue expression (for `sub`/`gsub`/`split` targets).
    pub(super) fn store(&mut self, target: &Expr, v: Val) {
        self.assign(target, v);
    }

    /// Replaces an array's contents (for `split`).
    pub(super) fn fill_array(&mut self, name: &str, items: Vec<String>) {
        let a = self.arr(name);
        a.clear();
        for (i, it) in items.into_iter().enumerate() {
            a.set(&(i + 1).to_string(), Val::StrNum(it));
        }
    }

    pub(super) fn array_len(&mut self, name: &str) -> Option<usize> {
        if self.is_array(name) {
            Some(self.arr(name).map.len())
        } else {
            None
        }
    }

    pub(super) fn compiled(&mut self, pat: &str) -> Option<Regex> {
        self.regex(pat)
    }

    pub(super) fn str_of(&self, v: &Val) -> String {
        self.to_s(v)
    }

    pub(super) fn next_rand(&mut self) -> f64 {
        self.rand_state ^= self.rand_state << 13;
        self.rand_state ^= self.rand_state >> 7;
        self.rand_state ^= self.rand_state << 17;
        (self.rand_state >> 11) as f64 / (1u64 << 53) as f64
    }

    pub(super) fn reseed(&mut self, s: f64) -> f64 {
        let old = self.seed;
        self.seed = s;
        self.rand_state = (s.to_bits() | 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        old
    }

    pub(super) fn set_rstart(&mut self, start: f64, len: f64) {
        self.set_var("RSTART", Val::Num(start));
        self.set_var("RLENGTH", Val::Num(len));
    }

    pub(super) fn record(&self) -> String {
        self.record.clone()
    }
}

fn arith(op: &str, x: f64, y: f64) -> f64 {
    match op {
        "+" => x + y,
        "-" => x - y,
        "*" => x * y,
        "/" => x / y,
        "%" => x % y,
        "^" => x.powf(y),
        _ => 0.0,
    }
}
