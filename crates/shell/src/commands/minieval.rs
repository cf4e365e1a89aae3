//! A tiny expression evaluator shared by the `python3 -c` and `perl -e` emulations:
//! numbers, quoted strings, `+ - * / // % **` (and Perl's `.` and `x`), parentheses and a
//! few well-known names the caller resolves. It never loops on input: the depth of
//! nesting and the size of strings it builds are capped.

/// A value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum V {
    Int(i128),
    Float(f64),
    Str(String),
    Bool(bool),
    None,
}

/// Why evaluation stopped.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Stop {
    /// A language error: (kind, message), e.g. `("NameError", "name 'x' is not defined")`.
    Error(&'static str, String),
    /// Syntax the evaluator does not read.
    Syntax,
    /// Something it cannot compute (a call with effects, a big number): the caller stays
    /// quiet about the rest.
    Opaque,
}

const MAX_DEPTH: usize = 64;
const MAX_STR: usize = 1 << 16;

/// Resolves names and calls (`os.getcwd()`): `Ok(None)` when unknown.
pub(crate) type Resolver<'a> = &'a dyn Fn(&str, bool) -> Result<Option<V>, Stop>;

/// Evaluates `src` completely.
pub(crate) fn eval(src: &str, perl: bool, names: Resolver<'_>) -> Result<V, Stop> {
    let mut p = P {
        s: src.chars().collect(),
        i: 0,
        perl,
        names,
        depth: 0,
    };
    let v = p.expr()?;
    p.ws();
    if p.i < p.s.len() {
        return Err(Stop::Syntax);
    }
    Ok(v)
}

/// A value as Python's `print` shows it.
pub(crate) fn py_str(v: &V) -> String {
    match v {
        V::Int(i) => i.to_string(),
        V::Float(f) => {
            if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e16 {
                format!("{f:.1}")
            } else if f.is_nan() {
                "nan".into()
            } else if f.is_infinite() {
                if *f > 0.0 {
                    "inf".into()
                } else {
                    "-inf".into()
                }
            } else {
                format!("{f}")
            }
        }
        V::Str(s) => s.clone(),
        V::Bool(b) => {
            if *b {
                "True".into()
            } else {
                "False".into()
            }
        }
        V::None => "None".into(),
    }
}

/// A value as Perl's `print` shows it.
pub(crate) fn perl_str(v: &V) -> String {
    match v {
        V::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        V::Float(f) => format!("{f}"),
        V::Bool(b) => {
            if *b {
                "1".into()
            } else {
                String::new()
            }
        }
        V::None => String::new(),
        other => py_str(other),
    }
}

struct P<'a> {
    s: Vec<char>,
    i: usize,
    perl: bool,
    names: Resolver<'a>,
    depth: usize,
}

fn num(v: &V) -> Option<f64> {
    match v {
        V::Int(i) => Some(*i as f64),
        V::Float(f) => Some(*f),
        V::Bool(b) => Some(f64::from(u8::from(*b))),
        V::Str(s) => s.trim().parse().ok(),
        V::None => None,
    }
}

impl P<'_> {
    fn ws(&mut self) {
        while self.s.get(self.i).is_some_and(|c| c.is_whitespace()) {
            self.i += 1;
        }
    }

    fn eat(&mut self, t: &str) -> bool {
        self.ws();
        let n = t.chars().count();
        let ok = self
            .s
            .get(self.i..self.i + n)
            .is_some_and(|w| w.iter().copied().eq(t.chars()));
        if ok {
            self.i += n;
        }
        ok
    }

    fn expr(&mut self) -> Result<V, Stop> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Stop::Opaque);
        }
        let mut v = self.term()?;
        loop {
            if self.eat("+") {
                let r = self.term()?;
                v = self.add(v, r)?;
            } else if self.eat("-") {
                let r = self.term()?;
                v = arith(&v, &r, '-')?;
            } else if self.perl && self.peek_dot() {
                self.i += 1;
                let r = self.term()?;
                let s = perl_str(&v) + &perl_str(&r);
                v = V::Str(s.chars().take(MAX_STR).collect());
            } else {
                break;
            }
        }
        self.depth -= 1;
        Ok(v)
    }

    fn peek_dot(&mut self) -> bool {
        self.ws();
        self.s.get(self.i) == Some(&'.')
            && !self.s.get(self.i + 1).is_some_and(char::is_ascii_digit)
    }

    fn add(&self, a: V, b: V) -> Result<V, Stop> {
        match (&a, &b) {
            (V::Str(x), V::Str(y)) if !self.perl => {
                Ok(V::Str(format!("{x}{y}").chars().take(MAX_STR).collect()))
            }
            (V::Str(_), _) | (_, V::Str(_)) if !self.perl => Err(Stop::Error(
                "TypeError",
                "can only concatenate str (not \"int\") to str".into(),
            )),
            _ => arith(&a, &b, '+'),
        }
    }

    fn term(&mut self) -> Result<V, Stop> {
        let mut v = self.unary()?;
        loop {
            let op = if self.eat("//") {
                'f'
            } else if !self.perl && self.s.get(self.i..self.i + 2) == Some(&['*', '*'][..]) {
                break;
            } else if self.eat("*") {
                '*'
            } else if self.eat("/") {
                '/'
            } else if self.eat("%") {
                '%'
            } else if self.perl && self.eat("x ") {
                'x'
            } else {
                break;
            };
            let r = self.unary()?;
            v = match (op, &v, &r) {
                ('*', V::Str(s), V::Int(n)) | ('*', V::Int(n), V::Str(s)) if !self.perl => {
                    repeat(s, *n)
                }
                ('x', _, _) => repeat(&perl_str(&v), num(&r).unwrap_or(0.0) as i128),
                _ => arith(&v, &r, op)?,
            };
        }
        Ok(v)
    }

    fn unary(&mut self) -> Result<V, Stop> {
        if self.eat("-") {
            let v = self.unary()?;
            return arith(&V::Int(0), &v, '-');
        }
        if self.eat("+") {
            return self.unary();
        }
        let base = self.atom()?;
        if self.eat("**") {
            let e = self.unary()?;
            return arith(&base, &e, 'p');
        }
        Ok(base)
    }

    fn atom(&mut self) -> Result<V, Stop> {
        self.ws();
        let Some(&c) = self.s.get(self.i) else {
            return Err(Stop::Syntax);
        };
        if c == '(' {
            self.i += 1;
            let v = self.expr()?;
            if !self.eat(")") {
                return Err(Stop::Syntax);
            }
            return Ok(v);
        }
        if c == '"' || c == '\'' {
            return self.string(c);
        }
        if c.is_ascii_digit() || c == '.' {
            let start = self.i;
            while self
                .s
                .get(self.i)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '_')
            {
                self.i += 1;
            }
            let t: String = self
                .s
                .get(start..self.i)
                .unwrap_or(&[])
                .iter()
                .filter(|c| **c != '_')
                .collect();
            if let Ok(i) = t.parse::<i128>() {
                return Ok(V::Int(i));
            }
            if let Some(h) = t.strip_prefix("0x") {
                return i128::from_str_radix(h, 16)
                    .map(V::Int)
                    .map_err(|_| Stop::Syntax);
            }
            return t.parse::<f64>().map(V::Float).map_err(|_| Stop::Syntax);
        }
        if c.is_alphabetic() || c == '_' || (self.perl && c == '$') {
            let start = self.i;
            while self.s.get(self.i).is_some_and(|c| {
                c.is_alphanumeric() || *c == '_' || *c == '.' || *c == '$' || *c == ':'
            }) {
                self.i += 1;
            }
            let name: String = self.s.get(start..self.i).unwrap_or(&[]).iter().collect();
            let mut call = false;
            if self.eat("(") {
                call = true;
                let mut depth = 1;
                while let Some(&c) = self.s.get(self.i) {
                    self.i += 1;
                    match c {
                        '(' => depth += 1,
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                if depth != 0 {
                    return Err(Stop::Syntax);
                }
            }
            return match (self.names)(&name, call)? {
                Some(v) => Ok(v),
                None => Err(Stop::Opaque),
            };
        }
        Err(Stop::Syntax)
    }

    fn string(&mut self, q: char) -> Result<V, Stop> {
        self.i += 1;
        let mut out = String::new();
        let escapes = !self.perl || q == '"';
        while let Some(&c) = self.s.get(self.i) {
            self.i += 1;
            if c == q {
                return Ok(V::Str(out));
            }
            if c == '\\'
                && let Some(&n) = self.s.get(self.i)
            {
                self.i += 1;
                if !escapes {
                    if n != q && n != '\\' {
                        out.push('\\');
                    }
                    out.push(n);
                    continue;
                }
                match n {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    '0' => out.push('\0'),
                    'e' if self.perl => out.push('\x1b'),
                    '\\' | '\'' | '"' | '$' | '@' => out.push(n),
                    other => {
                        if !self.perl {
                            out.push('\\');
                        }
                        out.push(other);
                    }
                }
                continue;
            }
            if self.perl
                && q == '"'
                && (c == '$' || c == '@')
                && self
                    .s
                    .get(self.i)
                    .is_some_and(|c| c.is_alphabetic() || *c == '_' || *c == '{')
            {
                return Err(Stop::Opaque);
            }
            out.push(c);
        }
        Err(Stop::Syntax)
    }
}

fn repeat(s: &str, n: i128) -> V {
    let n = usize::try_from(n.max(0)).unwrap_or(0);
    let cap = MAX_STR / s.len().max(1);
    V::Str(s.repeat(n.min(cap)))
}

fn arith(a: &V, b: &V, op: char) -> Result<V, Stop> {
    if let (V::Int(x), V::Int(y)) = (a, b) {
        let (x, y) = (*x, *y);
        let r = match op {
            '+' => x.checked_add(y),
            '-' => x.checked_sub(y),
            '*' => x.checked_mul(y),
            'p' if (0..=256).contains(&y) => x.checked_pow(u32::try_from(y).unwrap_or(0)),
            'f' | '%' if y == 0 => {
                return Err(Stop::Error(
                    "ZeroDivisionError",
                    if op == 'f' {
                        "integer division or modulo by zero".into()
                    } else {
                        "integer modulo by zero".into()
                    },
                ));
            }
            'f' => Some(x.div_euclid(y) - i128::from(x.rem_euclid(y) != 0 && y < 0)),
            '%' => Some(((x % y) + y) % y),
            _ => None,
        };
        if let Some(r) = r {
            return Ok(V::Int(r));
        }
        if op != '/' && op != 'p' {
            return Err(Stop::Opaque);
        }
    }
    let (Some(x), Some(y)) = (num(a), num(b)) else {
        return Err(Stop::Error(
            "TypeError",
            format!("unsupported operand type(s) for {op}"),
        ));
    };
    let r = match op {
        '+' => x + y,
        '-' => x - y,
        '*' => x * y,
        '/' if y == 0.0 => return Err(Stop::Error("ZeroDivisionError", "division by zero".into())),
        '/' => x / y,
        'f' => (x / y).floor(),
        '%' => x.rem_euclid(y),
        'p' => x.powf(y),
        _ => return Err(Stop::Opaque),
    };
    Ok(V::Float(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn py(s: &str) -> Result<String, Stop> {
        eval(s, false, &|_, _| Ok(None)).map(|v| py_str(&v))
    }

    #[test]
    fn arithmetic_and_strings() {
        assert_eq!(py("1+2*3"), Ok("7".into()));
        assert_eq!(py("7/2"), Ok("3.5".into()));
        assert_eq!(py("7//2"), Ok("3".into()));
        assert_eq!(py("-7//2"), Ok("-4".into()));
        assert_eq!(py("2**10"), Ok("1024".into()));
        assert_eq!(py("'ab'*3 + \"c\""), Ok("abababc".into()));
        assert_eq!(py("4/2"), Ok("2.0".into()));
        assert!(matches!(
            py("1/0"),
            Err(Stop::Error("ZeroDivisionError", _))
        ));
        assert_eq!(py("(1"), Err(Stop::Syntax));
        let perl = eval("\"a\\n\" . 'b' . (1+1)", true, &|_, _| Ok(None)).map(|v| perl_str(&v));
        assert_eq!(perl, Ok("a\nb2".into()));
    }
}
