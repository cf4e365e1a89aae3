//! `printf`: `/usr/bin/printf` (coreutils 9.1; bash's builtin lives in the interpreter).
//!
//! Emulated: directives `%s %b %q %d %i %u %o %x %X %c %f %F %e %E %g %G %%` with flags
//! `-0+ #`, widths and precisions (also `*`), backslash escapes in the format (`\n`, `\t`,
//! `\NNN`, `\xHH`, `\uHHHH`, ...), `%b` escapes as `echo -e`, reuse of the format while
//! arguments remain, numeric arguments in decimal, `0x` hex, `0` octal and `'c` form.
//! No options but `--help`/`--version` as the sole argument; `missing operand` without a
//! format; the `ignoring excess arguments` warning when the format takes none.
//! Known gaps: `%q` quotes only with backslashes, `%a` is not supported.

use super::util::{q, sole_help_version, usage};
use super::{CmdCtx, Command};

/// `printf`.
pub struct Printf;

impl Command for Printf {
    fn name(&self) -> &'static str {
        "printf"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/printf"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        if let Some(code) = sole_help_version(ctx, "printf", args) {
            return code;
        }
        let mut rest: &[String] = args.get(1..).unwrap_or(&[]);
        if rest.first().is_some_and(|a| a == "--") {
            rest = rest.get(1..).unwrap_or(&[]);
        }
        let Some((fmt, vals)) = rest.split_first() else {
            return usage(ctx, "printf", "missing operand", 1);
        };
        let mut st = State {
            args: vals,
            next: 0,
            status: 0,
            errs: Vec::new(),
        };
        let mut out = Vec::new();
        loop {
            let before = st.next;
            let stop = format_once(fmt.as_bytes(), &mut st, &mut out);
            if st.next == before
                && !stop
                && let Some(extra) = vals.get(st.next)
            {
                st.errs.push(format!(
                    "warning: ignoring excess arguments, starting with {}",
                    q(extra)
                ));
            }
            if stop || st.next >= vals.len() || st.next == before || out.len() > (1 << 22) {
                break;
            }
        }
        ctx.stdout.write(&out);
        for e in st.errs {
            ctx.error("printf", &e);
        }
        st.status
    }
}

struct State<'a> {
    args: &'a [String],
    next: usize,
    status: i32,
    errs: Vec<String>,
}

impl<'a> State<'a> {
    fn take(&mut self) -> Option<&'a str> {
        let args: &'a [String] = self.args;
        let a = args.get(self.next).map(String::as_str);
        if a.is_some() {
            self.next += 1;
        }
        a
    }

    fn int(&mut self) -> i64 {
        match self.take() {
            None => 0,
            Some(s) => {
                let (v, ok) = parse_int(s);
                if let Some(why) = int_problem(s, v, ok) {
                    self.errs.push(format!("{}: {why}", q(s)));
                    self.status = 1;
                }
                v
            }
        }
    }

    fn float(&mut self) -> f64 {
        match self.take() {
            None => 0.0,
            Some(s) => {
                let t = s.trim_start();
                if let Ok(v) = t.parse::<f64>() {
                    return v;
                }
                let (v, ok) = parse_int(s);
                if let Some(why) = int_problem(s, v, ok) {
                    self.errs.push(format!("{}: {why}", q(s)));
                    self.status = 1;
                }
                v as f64
            }
        }
    }
}

/// What coreutils says about a numeric argument [`parse_int`] read as `(v, ok)`, if anything.
fn int_problem(s: &str, v: i64, ok: bool) -> Option<&'static str> {
    let body = s.trim_start().trim_start_matches(['+', '-']);
    if !ok {
        return Some(if body.starts_with(|c: char| c.is_ascii_digit()) {
            "value not completely converted"
        } else {
            "expected a numeric value"
        });
    }
    let decimal = !body.starts_with('0') && body.bytes().all(|b| b.is_ascii_digit());
    let saturated = v == i64::MAX || v == i64::MIN;
    (decimal && saturated && body != v.unsigned_abs().to_string())
        .then_some("Numerical result out of range")
}

/// Parses a printf integer argument; the flag says whether it was entirely valid.
pub(crate) fn parse_int(s: &str) -> (i64, bool) {
    let t = s.trim_start();
    if let Some(c) = t.strip_prefix('\'').or_else(|| t.strip_prefix('"')) {
        return (
            c.chars().next().map_or(0, |c| i64::from(u32::from(c))),
            true,
        );
    }
    let (neg, body) = match t.as_bytes().first() {
        Some(b'-') => (true, t.get(1..).unwrap_or("")),
        Some(b'+') => (false, t.get(1..).unwrap_or("")),
        _ => (false, t),
    };
    let (radix, digits) =
        if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
            (16, h)
        } else if body.len() > 1 && body.starts_with('0') {
            (8, body.get(1..).unwrap_or(""))
        } else {
            (10, body)
        };
    let end = digits
        .find(|c: char| !c.is_digit(radix))
        .unwrap_or(digits.len());
    let (num, tail) = digits.split_at(end);
    let mut v: i64 = 0;
    for c in num.chars() {
        let d = i64::from(c.to_digit(radix).unwrap_or(0));
        v = v.saturating_mul(i64::from(radix)).saturating_add(d);
    }
    let v = if neg { v.saturating_neg() } else { v };
    (v, !num.is_empty() && tail.is_empty())
}

/// Expands one backslash escape at `s[i..]` (just after the backslash). `echo` selects the
/// `echo -e`/`%b` dialect (`\0NNN` octal). Returns bytes, chars consumed, and whether `\c`.
pub(crate) fn escape(s: &[u8], i: usize, echo: bool) -> (Vec<u8>, usize, bool) {
    let Some(&c) = s.get(i) else {
        return (b"\\".to_vec(), 0, false);
    };
    let simple = |b: u8| (vec![b], 1, false);
    match c {
        b'a' => simple(7),
        b'b' => simple(8),
        b'e' | b'E' => simple(27),
        b'f' => simple(12),
        b'n' => simple(b'\n'),
        b'r' => simple(b'\r'),
        b't' => simple(b'\t'),
        b'v' => simple(11),
        b'\\' => simple(b'\\'),
        b'"' if !echo => simple(b'"'),
        b'\'' if !echo => simple(b'\''),
        b'c' => (Vec::new(), 1, true),
        b'0'..=b'7' if !echo || c == b'0' => {
            let start = if echo { i + 1 } else { i };
            let mut v: u32 = 0;
            let mut n = 0;
            while n < 3 {
                match s.get(start + n) {
                    Some(&d @ b'0'..=b'7') => {
                        v = v * 8 + u32::from(d - b'0');
                        n += 1;
                    }
                    _ => break,
                }
            }
            (vec![(v & 0xff) as u8], start + n - i, false)
        }
        b'x' | b'u' | b'U' => {
            let max = match c {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let mut v: u32 = 0;
            let mut n = 0;
            while n < max {
                match s.get(i + 1 + n).and_then(|d| char::from(*d).to_digit(16)) {
                    Some(d) => {
                        v = v.wrapping_mul(16).wrapping_add(d);
                        n += 1;
                    }
                    None => break,
                }
            }
            if n == 0 {
                return (vec![b'\\', c], 1, false);
            }
            if c == b'x' {
                (vec![(v & 0xff) as u8], 1 + n, false)
            } else {
                let ch = char::from_u32(v).unwrap_or('\u{fffd}');
                (ch.to_string().into_bytes(), 1 + n, false)
            }
        }
        other => (vec![b'\\', other], 1, false),
    }
}

/// Expands the escapes of a whole string (`echo -e`, `%b`). The flag is set when `\c` met.
pub(crate) fn expand_escapes(s: &[u8], echo: bool) -> (Vec<u8>, bool) {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while let Some(&b) = s.get(i) {
        if b == b'\\' && i + 1 < s.len() {
            let (bytes, used, stop) = escape(s, i + 1, echo);
            out.extend_from_slice(&bytes);
            if stop {
                return (out, true);
            }
            i += 1 + used;
        } else {
            out.push(b);
            i += 1;
        }
    }
    (out, false)
}

#[derive(Default)]
struct Spec {
    left: bool,
    zero: bool,
    plus: bool,
    space: bool,
    alt: bool,
    width: Option<usize>,
    prec: Option<usize>,
}

/// Runs the format once; returns true when output must stop (`\c`).
fn format_once(f: &[u8], st: &mut State<'_>, out: &mut Vec<u8>) -> bool {
    let mut i = 0;
    while let Some(&b) = f.get(i) {
        if b == b'\\' {
            let (bytes, used, stop) = escape(f, i + 1, false);
            out.extend_from_slice(&bytes);
            if stop {
                return true;
            }
            i += 1 + used.max(if f.get(i + 1).is_none() { 0 } else { 1 });
            continue;
        }
        if b != b'%' {
            out.push(b);
            i += 1;
            continue;
        }
        i += 1;
        let mut sp = Spec::default();
        while let Some(&c) = f.get(i) {
            match c {
                b'-' => sp.left = true,
                b'0' => sp.zero = true,
                b'+' => sp.plus = true,
                b' ' => sp.space = true,
                b'#' => sp.alt = true,
                _ => break,
            }
            i += 1;
        }
        if f.get(i) == Some(&b'*') {
            let w = st.int();
            sp.left |= w < 0;
            sp.width = Some(usize::try_from(w.unsigned_abs()).unwrap_or(0).min(1 << 20));
            i += 1;
        } else {
            sp.width = num(f, &mut i);
        }
        if f.get(i) == Some(&b'.') {
            i += 1;
            if f.get(i) == Some(&b'*') {
                sp.prec = Some(usize::try_from(st.int().max(0)).unwrap_or(0).min(1 << 20));
                i += 1;
            } else {
                sp.prec = Some(num(f, &mut i).unwrap_or(0));
            }
        }
        while matches!(
            f.get(i),
            Some(b'l' | b'h' | b'j' | b'z' | b't' | b'L' | b'q')
        ) {
            i += 1;
        }
        let Some(&conv) = f.get(i) else {
            out.extend_from_slice(b"%");
            break;
        };
        i += 1;
        let body: Vec<u8> = match conv {
            b'%' => {
                out.push(b'%');
                continue;
            }
            b's' => {
                let s = st.take().unwrap_or("").as_bytes().to_vec();
                trunc(s, sp.prec)
            }
            b'b' => {
                let (s, stop) = expand_escapes(st.take().unwrap_or("").as_bytes(), true);
                pad_into(out, trunc(s, sp.prec), &sp, false);
                if stop {
                    return true;
                }
                continue;
            }
            b'q' => {
                let s = st.take().unwrap_or("");
                if s.is_empty() {
                    b"''".to_vec()
                } else {
                    shell_quote(s).into_bytes()
                }
            }
            b'c' => st
                .take()
                .and_then(|s| s.as_bytes().first().copied())
                .map(|c| vec![c])
                .unwrap_or_default(),
            b'd' | b'i' => {
                let v = st.int();
                let mut digits = v.unsigned_abs().to_string();
                if let Some(p) = sp.prec {
                    digits = format!("{digits:0>p$}");
                    if p == 0 && v == 0 {
                        digits.clear();
                    }
                }
                let sign = if v < 0 {
                    "-"
                } else if sp.plus {
                    "+"
                } else if sp.space {
                    " "
                } else {
                    ""
                };
                pad_num(out, sign, &digits, &sp);
                continue;
            }
            b'u' | b'o' | b'x' | b'X' => {
                let v = st.int() as u64;
                let mut digits = match conv {
                    b'u' => v.to_string(),
                    b'o' => format!("{v:o}"),
                    b'x' => format!("{v:x}"),
                    _ => format!("{v:X}"),
                };
                if let Some(p) = sp.prec {
                    digits = format!("{digits:0>p$}");
                }
                let prefix = match (sp.alt && v != 0, conv) {
                    (true, b'x') => "0x",
                    (true, b'X') => "0X",
                    (true, b'o') if !digits.starts_with('0') => "0",
                    _ => "",
                };
                pad_num(out, prefix, &digits, &sp);
                continue;
            }
            b'f' | b'F' | b'e' | b'E' | b'g' | b'G' => {
                let v = st.float();
                let s = fmt_float(v.abs(), conv, sp.prec.unwrap_or(6), sp.alt);
                let sign = if v.is_sign_negative() && !v.is_nan() {
                    "-"
                } else if sp.plus {
                    "+"
                } else if sp.space {
                    " "
                } else {
                    ""
                };
                let zero_ok = v.is_finite();
                let sp2 = Spec {
                    zero: sp.zero && zero_ok,
                    prec: None,
                    ..sp
                };
                pad_num(out, sign, &s, &sp2);
                continue;
            }
            other => {
                st.errs
                    .push(format!("`{}': invalid format character", char::from(other)));
                st.status = 1;
                return true;
            }
        };
        pad_into(out, body, &sp, false);
    }
    false
}

fn num(f: &[u8], i: &mut usize) -> Option<usize> {
    let mut v: Option<usize> = None;
    while let Some(&d @ b'0'..=b'9') = f.get(*i) {
        v = Some(
            v.unwrap_or(0)
                .saturating_mul(10)
                .saturating_add(usize::from(d - b'0'))
                .min(1 << 20),
        );
        *i += 1;
    }
    v
}

fn trunc(mut s: Vec<u8>, prec: Option<usize>) -> Vec<u8> {
    if let Some(p) = prec {
        s.truncate(p);
    }
    s
}

fn pad_into(out: &mut Vec<u8>, body: Vec<u8>, sp: &Spec, _num: bool) {
    let w = sp.width.unwrap_or(0);
    let fill = w.saturating_sub(body.len());
    if sp.left {
        out.extend_from_slice(&body);
        out.extend(std::iter::repeat_n(b' ', fill));
    } else {
        out.extend(std::iter::repeat_n(b' ', fill));
        out.extend_from_slice(&body);
    }
}

fn pad_num(out: &mut Vec<u8>, sign: &str, digits: &str, sp: &Spec) {
    let len = sign.len() + digits.len();
    let fill = sp.width.unwrap_or(0).saturating_sub(len);
    if sp.left {
        out.extend_from_slice(sign.as_bytes());
        out.extend_from_slice(digits.as_bytes());
        out.extend(std::iter::repeat_n(b' ', fill));
    } else if sp.zero && sp.prec.is_none() {
        out.extend_from_slice(sign.as_bytes());
        out.extend(std::iter::repeat_n(b'0', fill));
        out.extend_from_slice(digits.as_bytes());
    } else {
        out.extend(std::iter::repeat_n(b' ', fill));
        out.extend_from_slice(sign.as_bytes());
        out.extend_from_slice(digits.as_bytes());
    }
}

/// C-style `%e` of a non-negative number.
fn fmt_e(v: f64, prec: usize, upper: bool) -> String {
    let s = format!("{v:.prec$e}");
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let e: i32 = exp.parse().unwrap_or(0);
    let sign = if e < 0 { '-' } else { '+' };
    let r = format!("{mant}e{sign}{:02}", e.unsigned_abs());
    if upper { r.to_uppercase() } else { r }
}

/// C-style `%f`, `%e`, `%g` of a non-negative number.
pub(crate) fn fmt_float(v: f64, conv: u8, prec: usize, alt: bool) -> String {
    let prec = prec.min(400);
    if !v.is_finite() {
        let s = if v.is_nan() { "nan" } else { "inf" };
        return if conv.is_ascii_uppercase() {
            s.to_uppercase()
        } else {
            s.to_string()
        };
    }
    match conv {
        b'f' | b'F' => format!("{v:.prec$}"),
        b'e' | b'E' => fmt_e(v, prec, conv == b'E'),
        _ => {
            let p = if prec == 0 { 1 } else { prec };
            let e = fmt_e(v, p - 1, false);
            let x: i64 = e
                .split_once('e')
                .and_then(|(_, x)| x.parse().ok())
                .unwrap_or(0);
            let mut s = if x < -4 || x >= p as i64 {
                fmt_e(v, p - 1, conv == b'G')
            } else {
                let fp = usize::try_from(p as i64 - 1 - x).unwrap_or(0);
                format!("{v:.fp$}")
            };
            if !alt {
                let (m, ex) = match s.find(['e', 'E']) {
                    Some(k) => (
                        s.get(..k).unwrap_or("").to_string(),
                        s.get(k..).unwrap_or("").to_string(),
                    ),
                    None => (s.clone(), String::new()),
                };
                let m = if m.contains('.') {
                    m.trim_end_matches('0').trim_end_matches('.').to_string()
                } else {
                    m
                };
                s = m + &ex;
            }
            s
        }
    }
}

fn shell_quote(s: &str) -> String {
    let mut o = String::new();
    for c in s.chars() {
        if !(c.is_ascii_alphanumeric() || "_-./,:=@%+".contains(c)) {
            o.push('\\');
        }
        o.push(c);
    }
    o
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    fn p(args: &[&str]) -> String {
        run("printf", args, "/", b"").stdout
    }

    #[test]
    fn formats_like_coreutils() {
        assert_eq!(
            p(&["%5.2f|%-4s|%x\\n", "3.14159", "ab", "255"]),
            " 3.14|ab  |ff\n"
        );
        assert_eq!(p(&["%s-%s\\n", "a", "b", "c"]), "a-b\nc-\n");
        assert_eq!(
            p(&[
                "%d %i %o %X %c %e %g %G %%\\n",
                "42",
                "-7",
                "8",
                "255",
                "hello",
                "1234.5",
                "0.0001",
                "1e20"
            ]),
            "42 -7 10 FF h 1.234500e+03 0.0001 1E+20 %\n"
        );
        assert_eq!(p(&["%b\\n", "a\\tb\\0101"]), "a\tbA\n");
        assert_eq!(p(&["\\x41\\102\\n"]), "AB\n");
        assert_eq!(
            p(&["%5s|%-5d|%05d|%+d|% d\\n", "ab", "3", "42", "5", "6"]),
            "   ab|3    |00042|+5| 6\n"
        );
        assert_eq!(p(&["%.3s\\n", "abcdef"]), "abc\n");
        assert_eq!(p(&["%d\\n", "0x1f", "077", "'A"]), "31\n63\n65\n");
        assert_eq!(p(&["x%sy\\n"]), "xy\n");
        assert_eq!(p(&["%*d|\\n", "5", "3"]), "    3|\n");
        assert_eq!(
            p(&["%g %g %g\\n", "100000", "1000000", "3.0"]),
            "100000 1e+06 3\n"
        );
        assert_eq!(
            p(&["%d\\n", "99999999999999999999"]),
            "9223372036854775807\n"
        );
        let r = run("printf", &["%d\\n", "abc"], "/", b"");
        assert_eq!(
            (r.stdout.as_str(), r.stderr.as_str(), r.code),
            ("0\n", "printf: ‘abc’: expected a numeric value\n", 1)
        );
        let r = run("printf", &["%d\n", "99999999999999999999"], "/", b"");
        assert_eq!(
            r.stderr,
            "printf: ‘99999999999999999999’: Numerical result out of range\n"
        );
        let r = run("printf", &[], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "printf: missing operand\nTry 'printf --help' for more information.\n",
                1
            )
        );
        let r = run("printf", &["hi", "x"], "/", b"");
        assert_eq!(
            (r.stdout.as_str(), r.stderr.as_str()),
            (
                "hi",
                "printf: warning: ignoring excess arguments, starting with ‘x’\n"
            )
        );
        assert_eq!(p(&["%f|%.0f\\n", "-1.5", "2.5"]), "-1.500000|2\n");
    }
}
