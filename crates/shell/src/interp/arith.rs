//! Arithmetic: `$(( ))`, `(( ))`, `let`, array indices and `${x:off:len}`.
//!
//! Expressions are parsed by `brush_parser::arithmetic` and evaluated here on `i64` with
//! wrapping (as bash's `intmax_t` does). Variables holding expressions are evaluated
//! recursively, bounded like bash's "expression recursion level exceeded". Error texts
//! follow bash: `1/0: division by 0 (error token is "0")`.
//!
//! Before parsing, expressions with more than [`MAX_OPS`] operators or parentheses nested
//! deeper than 64 are refused: the parser and this evaluator recurse on the expression tree.
//!
//! Known limits: the "error token" is approximated from the failure point; `base#digits`
//! values stored in variables are parsed by the expression parser.

use brush_parser::ast::{
    ArithmeticExpr as E, ArithmeticTarget as T, BinaryOperator as B, UnaryAssignmentOperator as UA,
    UnaryOperator as U,
};

use super::{Ctl, Interp, Io, Res, parse};

/// Operators allowed in one expression.
const MAX_OPS: usize = 1024;
/// Variable-in-variable evaluation depth.
const MAX_RECURSION: u32 = 64;

fn guard(text: &str) -> bool {
    let mut depth = 0i64;
    let mut max = 0i64;
    let mut ops = 0usize;
    for c in text.chars() {
        match c {
            '(' => {
                depth += 1;
                max = max.max(depth);
            }
            ')' => depth -= 1,
            '+' | '-' | '*' | '/' | '%' | '<' | '>' | '=' | '!' | '~' | '&' | '|' | '^' | '?'
            | ':' | ',' => ops += 1,
            _ => {}
        }
    }
    ops <= MAX_OPS && max <= 64
}

fn pow(mut base: i64, mut exp: i64) -> i64 {
    let mut acc: i64 = 1;
    while exp > 0 {
        if exp & 1 == 1 {
            acc = acc.wrapping_mul(base);
        }
        base = base.wrapping_mul(base);
        exp >>= 1;
    }
    acc
}

/// The text after the last `/` or `%` (bash's error token for a division by zero).
fn divisor_token(text: &str) -> String {
    let idx = text.rfind(['/', '%']).map(|i| i + 1).unwrap_or(0);
    text.get(idx..).unwrap_or("").trim_start().to_string()
}

impl Interp {
    /// Evaluates an (already expanded) expression; `Err` is bash's message without prefix.
    pub(crate) fn arith_eval(&mut self, text: &str) -> Result<i64, String> {
        self.arith_rec(text, 0)
    }

    fn arith_rec(&mut self, text: &str, depth: u32) -> Result<i64, String> {
        if depth > MAX_RECURSION {
            return Err(format!(
                "{}: expression recursion level exceeded (error token is \"{}\")",
                text.trim(),
                text.trim()
            ));
        }
        if !guard(text) {
            return Err(format!(
                "{}: expression recursion level exceeded (error token is \"{}\")",
                text.chars().take(40).collect::<String>(),
                text.chars().take(1).collect::<String>()
            ));
        }
        if text.trim().is_empty() {
            return Ok(0);
        }
        let expr = match parse::arith(text) {
            Ok(e) => e,
            Err(tail) => return Err(format!("{}: {tail}", text.trim_start())),
        };
        let mut err = None;
        let v = self.eval(&expr, depth, text, &mut err);
        match err {
            Some(e) => Err(e),
            None => Ok(v),
        }
    }

    /// Evaluates and ignores errors (internal uses: `unset a[i]`).
    pub(crate) fn arith_quiet(&mut self, text: &str) -> Option<i64> {
        self.arith_eval(text).ok()
    }

    /// Expands `$x`/`$(...)` in an expression, evaluates it, and reports errors like bash
    /// (`what` is `((` or `let` for those commands' `bash: ((: ...` form). An error in
    /// `$(( ))` abandons the line; in `((`/`let` it is status 1 (`Ok(Err(()))`).
    pub(crate) fn arith_expand_eval(
        &mut self,
        io: &Io,
        raw: &str,
        what: Option<&str>,
    ) -> Res<Result<i64, ()>> {
        let text = self.expand_arith_text(io, raw)?;
        match self.arith_eval(&text) {
            Ok(v) => Ok(Ok(v)),
            Err(msg) => {
                match what {
                    Some(w) => self.error(io, &format!("{w}: {msg}")),
                    None => self.error(io, &msg),
                }
                if what.is_some() {
                    Ok(Err(()))
                } else {
                    Err(Ctl::Abort(1))
                }
            }
        }
    }

    fn var_value(&mut self, name: &str, depth: u32, err: &mut Option<String>) -> i64 {
        let v = self.get_var(name).unwrap_or_default();
        self.num_value(&v, depth, err)
    }

    fn num_value(&mut self, v: &str, depth: u32, err: &mut Option<String>) -> i64 {
        let t = v.trim();
        if t.is_empty() {
            return 0;
        }
        if let Ok(n) = t.parse::<i64>() {
            return n;
        }
        match self.arith_rec(t, depth + 1) {
            Ok(n) => n,
            Err(e) => {
                if err.is_none() {
                    *err = Some(e);
                }
                0
            }
        }
    }

    fn target_get(&mut self, t: &T, depth: u32, text: &str, err: &mut Option<String>) -> i64 {
        match t {
            T::Variable(n) => self.var_value(n, depth, err),
            T::ArrayElement(n, idx) => {
                let i = self.eval(idx, depth, text, err);
                let v = self.st.arrays.get(n).and_then(|a| a.get(&i)).cloned();
                let v = match v {
                    Some(v) => v,
                    None if i == 0 => self.get_var(n).unwrap_or_default(),
                    None => String::new(),
                };
                self.num_value(&v, depth, err)
            }
        }
    }

    fn target_set(&mut self, t: &T, v: i64, depth: u32, text: &str, err: &mut Option<String>) {
        let r = match t {
            T::Variable(n) => self.set_var(n, &v.to_string()),
            T::ArrayElement(n, idx) => {
                let i = self.eval(idx, depth, text, err);
                self.set_elem(n, i, &v.to_string())
            }
        };
        if r.is_err() && err.is_none() {
            let name = match t {
                T::Variable(n) | T::ArrayElement(n, _) => n,
            };
            *err = Some(format!("{name}: readonly variable"));
        }
    }

    fn eval(&mut self, e: &E, depth: u32, text: &str, err: &mut Option<String>) -> i64 {
        if err.is_some() {
            return 0;
        }
        match e {
            E::Literal(n) => *n,
            E::Reference(t) => self.target_get(t, depth, text, err),
            E::UnaryOp(op, x) => {
                let x = self.eval(x, depth, text, err);
                match op {
                    U::UnaryPlus => x,
                    U::UnaryMinus => x.wrapping_neg(),
                    U::BitwiseNot => !x,
                    U::LogicalNot => i64::from(x == 0),
                }
            }
            E::BinaryOp(op, a, b) => match op {
                B::LogicalAnd => {
                    let a = self.eval(a, depth, text, err);
                    if a == 0 {
                        0
                    } else {
                        i64::from(self.eval(b, depth, text, err) != 0)
                    }
                }
                B::LogicalOr => {
                    let a = self.eval(a, depth, text, err);
                    if a != 0 {
                        1
                    } else {
                        i64::from(self.eval(b, depth, text, err) != 0)
                    }
                }
                _ => {
                    let x = self.eval(a, depth, text, err);
                    let y = self.eval(b, depth, text, err);
                    self.binop(op, x, y, text, err)
                }
            },
            E::Conditional(c, a, b) => {
                if self.eval(c, depth, text, err) != 0 {
                    self.eval(a, depth, text, err)
                } else {
                    self.eval(b, depth, text, err)
                }
            }
            E::Assignment(t, v) => {
                let v = self.eval(v, depth, text, err);
                self.target_set(t, v, depth, text, err);
                v
            }
            E::BinaryAssignment(op, t, v) => {
                let cur = self.target_get(t, depth, text, err);
                let rhs = self.eval(v, depth, text, err);
                let nv = self.binop(op, cur, rhs, text, err);
                if err.is_none() {
                    self.target_set(t, nv, depth, text, err);
                }
                nv
            }
            E::UnaryAssignment(op, t) => {
                let cur = self.target_get(t, depth, text, err);
                let (nv, result) = match op {
                    UA::PrefixIncrement => (cur.wrapping_add(1), cur.wrapping_add(1)),
                    UA::PrefixDecrement => (cur.wrapping_sub(1), cur.wrapping_sub(1)),
                    UA::PostfixIncrement => (cur.wrapping_add(1), cur),
                    UA::PostfixDecrement => (cur.wrapping_sub(1), cur),
                };
                self.target_set(t, nv, depth, text, err);
                result
            }
        }
    }

    fn binop(&mut self, op: &B, x: i64, y: i64, text: &str, err: &mut Option<String>) -> i64 {
        let t = text.trim_start();
        match op {
            B::Power => {
                if y < 0 {
                    let tok = t
                        .rsplit("**")
                        .next()
                        .unwrap_or("")
                        .trim_start()
                        .trim_start_matches('-');
                    *err = Some(format!(
                        "{t}: exponent less than 0 (error token is \"{tok}\")"
                    ));
                    return 0;
                }
                pow(x, y)
            }
            B::Multiply => x.wrapping_mul(y),
            B::Divide | B::Modulo => {
                if y == 0 {
                    *err = Some(format!(
                        "{t}: division by 0 (error token is \"{}\")",
                        divisor_token(t)
                    ));
                    return 0;
                }
                if matches!(op, B::Divide) {
                    x.wrapping_div(y)
                } else {
                    x.wrapping_rem(y)
                }
            }
            B::Comma => y,
            B::Add => x.wrapping_add(y),
            B::Subtract => x.wrapping_sub(y),
            B::ShiftLeft => x.wrapping_shl(y as u32),
            B::ShiftRight => x.wrapping_shr(y as u32),
            B::LessThan => i64::from(x < y),
            B::LessThanOrEqualTo => i64::from(x <= y),
            B::GreaterThan => i64::from(x > y),
            B::GreaterThanOrEqualTo => i64::from(x >= y),
            B::Equals => i64::from(x == y),
            B::NotEquals => i64::from(x != y),
            B::BitwiseAnd => x & y,
            B::BitwiseXor => x ^ y,
            B::BitwiseOr => x | y,
            B::LogicalAnd => i64::from(x != 0 && y != 0),
            B::LogicalOr => i64::from(x != 0 || y != 0),
        }
    }
}
