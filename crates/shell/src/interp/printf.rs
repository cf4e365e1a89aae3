//! Backslash escapes (`echo -e`, `$'...'`, `printf`) and the `printf` builtin.
//!
//! Escapes produce bytes, so `echo -ne '\x7fELF'` and `printf '\177'` write exactly what
//! bash writes (droppers rely on it). `printf` supports flags, width, precision (`*` too),
//! `%d %i %o %u %x %X %c %s %b %q %f %F %e %E %g %G %%`, reuse of the format while
//! arguments remain, `-v VAR`, and bash's "invalid number" diagnostics.
//!
//! Known limits: `%a`, `%(fmt)T` and locale digit grouping (`%'d`) are not implemented
//! (`%(...)T` prints the raw epoch); `%g` follows C's rules only approximately.

use super::{Interp, Io, Res};

/// Which escape dialect to decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EscMode {
    /// `echo -e` and `printf %b`: octal is `\0nnn`, `\c` stops output.
    Echo,
    /// `$'...'`: octal is `\nnn`, `\cX` is a control character.
    AnsiC,
    /// A `printf` format string: octal is `\nnn`.
    Format,
    /// `printf %b`: `\0nnn` or `\nnn`, `\c` stops output.
    PrintfB,
}

fn push_char(out: &mut Vec<u8>, c: u32) {
    if let Some(ch) = char::from_u32(c) {
        let mut b = [0u8; 4];
        out.extend_from_slice(ch.encode_utf8(&mut b).as_bytes());
    }
}

/// Decodes escapes; the flag is set when `\c` asked to stop all further output.
pub(crate) fn escapes(s: &str, mode: EscMode) -> (Vec<u8>, bool) {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c != b'\\' {
            out.push(c);
            i += 1;
            continue;
        }
        let Some(&n) = b.get(i + 1) else {
            out.push(b'\\');
            break;
        };
        i += 2;
        let simple = match n {
            b'a' => Some(7),
            b'b' => Some(8),
            b'e' | b'E' => Some(27),
            b'f' => Some(12),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            b'v' => Some(11),
            b'\\' => Some(b'\\'),
            b'\'' if mode == EscMode::AnsiC => Some(b'\''),
            b'"' if mode != EscMode::Echo => Some(b'"'),
            b'?' if mode == EscMode::AnsiC => Some(b'?'),
            _ => None,
        };
        if let Some(v) = simple {
            out.push(v);
            continue;
        }
        match n {
            b'c' if mode == EscMode::AnsiC => {
                if let Some(&x) = b.get(i) {
                    out.push(x.to_ascii_uppercase() ^ 0x40);
                    i += 1;
                } else {
                    out.extend_from_slice(b"\\c");
                }
            }
            b'c' if matches!(mode, EscMode::Echo | EscMode::PrintfB) => return (out, true),
            b'0'..=b'7' => {
                if mode == EscMode::Echo && n != b'0' {
                    out.push(b'\\');
                    out.push(n);
                    continue;
                }
                let leading_zero = n == b'0' && matches!(mode, EscMode::Echo | EscMode::PrintfB);
                let (max, start) = if leading_zero { (3, i) } else { (2, i) };
                let mut v: u32 = if leading_zero { 0 } else { u32::from(n - b'0') };
                let mut k = start;
                while k < start + max {
                    match b.get(k) {
                        Some(&d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            k += 1;
                        }
                        _ => break,
                    }
                }
                i = k;
                out.push((v & 0xff) as u8);
            }
            b'x' | b'u' | b'U' => {
                let max = match n {
                    b'x' => 2,
                    b'u' => 4,
                    _ => 8,
                };
                let mut v: u32 = 0;
                let mut k = i;
                while k < i + max {
                    match b.get(k).and_then(|d| (*d as char).to_digit(16)) {
                        Some(d) => {
                            v = v.wrapping_mul(16).wrapping_add(d);
                            k += 1;
                        }
                        None => break,
                    }
                }
                if k == i {
                    out.push(b'\\');
                    out.push(n);
                } else if n == b'x' {
                    out.push((v & 0xff) as u8);
                } else {
                    push_char(&mut out, v);
                }
                i = k;
            }
            _ => {
                out.push(b'\\');
                out.push(n);
            }
        }
    }
    (out, false)
}

/// `printf %q` quoting.
pub(crate) fn shell_quote(s: &str) -> String {
    if s.is_empty() {
        return "''".into();
    }
    let mut o = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || "_-./:=@%+,^".contains(c) || !c.is_ascii() {
            o.push(c);
        } else if c == '\n' {
            return format!(
                "$'{}'",
                s.replace('\\', "\\\\")
                    .replace('\'', "\\'")
                    .replace('\n', "\\n")
            );
        } else {
            o.push('\\');
            o.push(c);
        }
    }
    o
}

struct Spec {
    minus: bool,
    plus: bool,
    space: bool,
    hash: bool,
    zero: bool,
    width: Option<usize>,
    prec: Option<usize>,
}

fn pad(s: String, sp: &Spec, numeric: bool) -> String {
    let w = sp.width.unwrap_or(0);
    let len = s.chars().count();
    if len >= w {
        return s;
    }
    let fill = w - len;
    if sp.minus {
        format!("{s}{}", " ".repeat(fill))
    } else if sp.zero && numeric {
        let (sign, digits) = match s.strip_prefix(['-', '+', ' ']) {
            Some(d) => (s.get(..1).unwrap_or(""), d),
            None => ("", s.as_str()),
        };
        let (pre, digits) = match digits
            .strip_prefix("0x")
            .or_else(|| digits.strip_prefix("0X"))
        {
            Some(d) => (digits.get(..2).unwrap_or(""), d),
            None => ("", digits),
        };
        format!("{sign}{pre}{}{digits}", "0".repeat(fill))
    } else {
        format!("{}{s}", " ".repeat(fill))
    }
}

/// Parses a printf numeric argument; `Err` carries the value bash uses after complaining.
fn parse_num(a: &str) -> Result<i64, i64> {
    let t = a.trim_start();
    if let Some(c) = t.strip_prefix(['\'', '"']) {
        return Ok(c.chars().next().map(|c| c as i64).unwrap_or(0));
    }
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
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
    let num = digits.get(..end).unwrap_or("");
    let v = i64::from_str_radix(if num.is_empty() { "0" } else { num }, radix).unwrap_or(i64::MAX);
    let v = if neg { v.wrapping_neg() } else { v };
    if t.is_empty() || (end == digits.len() && !num.is_empty()) || (radix == 8 && body == "0") {
        Ok(v)
    } else {
        Err(v)
    }
}

fn fmt_float(v: f64, conv: char, sp: &Spec) -> String {
    let prec = sp.prec.unwrap_or(6);
    let mut s = match conv {
        'f' | 'F' => format!("{v:.prec$}"),
        'e' | 'E' => {
            let s = format!("{v:.prec$e}");
            let (m, e) = s.split_once('e').unwrap_or((s.as_str(), "0"));
            let e: i32 = e.parse().unwrap_or(0);
            format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
        }
        _ => {
            let p = if prec == 0 { 1 } else { prec };
            let exp = if v == 0.0 {
                0
            } else {
                v.abs().log10().floor() as i32
            };
            if exp < -4 || exp >= p as i32 {
                let s = format!("{v:.*e}", p - 1);
                let (m, e) = s.split_once('e').unwrap_or((s.as_str(), "0"));
                let m = if sp.hash || !m.contains('.') {
                    m.to_string()
                } else {
                    m.trim_end_matches('0').trim_end_matches('.').to_string()
                };
                let e: i32 = e.parse().unwrap_or(0);
                format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
            } else {
                let decimals = (p as i32 - 1 - exp).max(0) as usize;
                let s = format!("{v:.decimals$}");
                if sp.hash || !s.contains('.') {
                    s
                } else {
                    s.trim_end_matches('0').trim_end_matches('.').to_string()
                }
            }
        }
    };
    if conv.is_ascii_uppercase() {
        s = s.to_uppercase();
    }
    if v >= 0.0 && sp.plus {
        s.insert(0, '+');
    } else if v >= 0.0 && sp.space {
        s.insert(0, ' ');
    }
    s
}

impl Interp {
    pub(crate) fn builtin_printf(&mut self, io: &Io, argv: &[String]) -> Res<i32> {
        let mut args: &[String] = argv.get(1..).unwrap_or(&[]);
        let mut var = None;
        if args.first().is_some_and(|a| a == "-v") {
            var = args.get(1).cloned();
            args = args.get(2..).unwrap_or(&[]);
        }
        if args.first().is_some_and(|a| a == "--") {
            args = args.get(1..).unwrap_or(&[]);
        }
        let Some(fmt) = args.first() else {
            self.emit_str(io, 2, "printf: usage: printf [-v var] format [arguments]\n");
            return Ok(2);
        };
        let rest = args.get(1..).unwrap_or(&[]);
        let mut out = Vec::new();
        let mut status = 0;
        let mut idx = 0;
        let limit = self.limits.max_output_bytes.saturating_mul(4);
        loop {
            let before = idx;
            let stop = self.printf_once(io, fmt, rest, &mut idx, &mut out, &mut status);
            if stop || idx >= rest.len() || idx == before || out.len() > limit {
                break;
            }
        }
        match var {
            Some(v) => {
                let s = super::expand::bytes_to_string(&out);
                if !self.assign(io, &v, &s)? {
                    return Ok(1);
                }
            }
            None => self.emit(io, 1, &out),
        }
        Ok(status)
    }

    /// One pass over the format; returns true when `\c` stopped output.
    fn printf_once(
        &mut self,
        io: &Io,
        fmt: &str,
        args: &[String],
        idx: &mut usize,
        out: &mut Vec<u8>,
        status: &mut i32,
    ) -> bool {
        let chars: Vec<char> = fmt.chars().collect();
        let mut i = 0;
        let mut lit = String::new();
        let next_arg = |idx: &mut usize| -> Option<String> {
            let a = args.get(*idx).cloned();
            if a.is_some() {
                *idx += 1;
            }
            a
        };
        while let Some(&c) = chars.get(i) {
            if c != '%' {
                lit.push(c);
                i += 1;
                continue;
            }
            if chars.get(i + 1) == Some(&'%') {
                lit.push('%');
                i += 2;
                continue;
            }
            out.extend_from_slice(&escapes(&lit, EscMode::Format).0);
            lit.clear();
            i += 1;
            let mut sp = Spec {
                minus: false,
                plus: false,
                space: false,
                hash: false,
                zero: false,
                width: None,
                prec: None,
            };
            while let Some(&f) = chars.get(i) {
                match f {
                    '-' => sp.minus = true,
                    '+' => sp.plus = true,
                    ' ' => sp.space = true,
                    '#' => sp.hash = true,
                    '0' => sp.zero = true,
                    '\'' => {}
                    _ => break,
                }
                i += 1;
            }
            if chars.get(i) == Some(&'*') {
                let w = next_arg(idx)
                    .map(|a| parse_num(&a).unwrap_or_else(|v| v))
                    .unwrap_or(0);
                if w < 0 {
                    sp.minus = true;
                }
                sp.width = Some(w.unsigned_abs().min(4096) as usize);
                i += 1;
            } else {
                let mut w = String::new();
                while let Some(d) = chars.get(i).filter(|d| d.is_ascii_digit()) {
                    w.push(*d);
                    i += 1;
                }
                sp.width = w.parse::<usize>().ok().map(|w| w.min(4096));
            }
            if chars.get(i) == Some(&'.') {
                i += 1;
                if chars.get(i) == Some(&'*') {
                    let p = next_arg(idx)
                        .map(|a| parse_num(&a).unwrap_or_else(|v| v))
                        .unwrap_or(0);
                    sp.prec = Some(p.clamp(0, 4096) as usize);
                    i += 1;
                } else {
                    let mut p = String::new();
                    while let Some(d) = chars.get(i).filter(|d| d.is_ascii_digit()) {
                        p.push(*d);
                        i += 1;
                    }
                    sp.prec = Some(p.parse::<usize>().unwrap_or(0).min(4096));
                }
            }
            while chars.get(i).is_some_and(|c| "hlLjzt".contains(*c)) {
                i += 1;
            }
            let Some(&conv) = chars.get(i) else {
                out.push(b'%');
                break;
            };
            i += 1;
            let arg = next_arg(idx);
            let mut num = |me: &mut Interp, a: &Option<String>| -> i64 {
                match a {
                    None => 0,
                    Some(a) => parse_num(a).unwrap_or_else(|v| {
                        me.error(io, &format!("printf: {a}: invalid number"));
                        *status = 1;
                        v
                    }),
                }
            };
            let piece: Vec<u8> = match conv {
                'd' | 'i' => {
                    let v = num(self, &arg);
                    let mut s = v.unsigned_abs().to_string();
                    if let Some(p) = sp.prec {
                        while s.len() < p {
                            s.insert(0, '0');
                        }
                    }
                    if v < 0 {
                        s.insert(0, '-');
                    } else if sp.plus {
                        s.insert(0, '+');
                    } else if sp.space {
                        s.insert(0, ' ');
                    }
                    pad(s, &sp, sp.prec.is_none()).into_bytes()
                }
                'u' | 'o' | 'x' | 'X' => {
                    let v = num(self, &arg) as u64;
                    let mut s = match conv {
                        'u' => v.to_string(),
                        'o' => format!("{v:o}"),
                        'x' => format!("{v:x}"),
                        _ => format!("{v:X}"),
                    };
                    if let Some(p) = sp.prec {
                        while s.len() < p {
                            s.insert(0, '0');
                        }
                    }
                    if sp.hash && v != 0 {
                        s = match conv {
                            'o' => format!("0{s}"),
                            'x' => format!("0x{s}"),
                            'X' => format!("0X{s}"),
                            _ => s,
                        };
                    }
                    pad(s, &sp, sp.prec.is_none()).into_bytes()
                }
                'f' | 'F' | 'e' | 'E' | 'g' | 'G' | 'a' | 'A' => {
                    let v = match &arg {
                        None => 0.0,
                        Some(a) => a.trim().parse::<f64>().unwrap_or_else(|_| {
                            let n = parse_num(a).unwrap_or_else(|v| {
                                self.error(io, &format!("printf: {a}: invalid number"));
                                *status = 1;
                                v
                            });
                            n as f64
                        }),
                    };
                    pad(fmt_float(v, conv, &sp), &sp, true).into_bytes()
                }
                'c' => {
                    let s: String = arg.unwrap_or_default().chars().take(1).collect();
                    pad(s, &sp, false).into_bytes()
                }
                's' => {
                    let mut s = arg.unwrap_or_default();
                    if let Some(p) = sp.prec {
                        s = s.chars().take(p).collect();
                    }
                    pad(s, &sp, false).into_bytes()
                }
                'q' => pad(shell_quote(&arg.unwrap_or_default()), &sp, false).into_bytes(),
                'b' => {
                    let (bytes, stop) = escapes(&arg.unwrap_or_default(), EscMode::PrintfB);
                    if sp.width.is_none() {
                        out.extend_from_slice(&bytes);
                    } else {
                        let s = super::expand::bytes_to_string(&bytes);
                        out.extend_from_slice(pad(s, &sp, false).as_bytes());
                    }
                    if stop {
                        return true;
                    }
                    Vec::new()
                }
                '(' => {
                    while chars.get(i).is_some_and(|c| *c != 'T') {
                        i += 1;
                    }
                    i += 1;
                    let t = arg
                        .and_then(|a| a.parse::<i64>().ok())
                        .unwrap_or(self.now.unix_timestamp());
                    t.to_string().into_bytes()
                }
                other => {
                    self.error(io, &format!("printf: `{other}': invalid format character"));
                    *status = 1;
                    return true;
                }
            };
            out.extend_from_slice(&piece);
        }
        let (bytes, _) = escapes(&lit, EscMode::Format);
        out.extend_from_slice(&bytes);
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_dialects() {
        assert_eq!(escapes("a\\tb\\x41\\0101", EscMode::Echo).0, b"a\tbAA");
        assert_eq!(escapes("x\\cy", EscMode::Echo), (b"x".to_vec(), true));
        assert_eq!(escapes("\\101\\x7f\\cA", EscMode::AnsiC).0, b"A\x7f\x01");
        assert_eq!(escapes("\\u00e9", EscMode::AnsiC).0, "é".as_bytes());
        assert_eq!(escapes("\\q\\", EscMode::Format).0, b"\\q\\");
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_num("0x1f"), Ok(31));
        assert_eq!(parse_num("010"), Ok(8));
        assert_eq!(parse_num("'A"), Ok(65));
        assert_eq!(parse_num("12abc"), Err(12));
        assert_eq!(parse_num("-5"), Ok(-5));
        assert_eq!(shell_quote("a b"), "a\\ b");
    }
}
