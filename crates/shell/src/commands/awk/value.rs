//! awk values (numbers, strings, and "strnums" from input), mawk's number-to-string rule
//! and `printf`/`sprintf` formatting.

use crate::commands::printf::fmt_float;

/// A value.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) enum Val {
    Num(f64),
    Str(String),
    /// Input text (fields, `split` pieces, `-v` values): compares as a number when it
    /// looks like one.
    StrNum(String),
    /// A variable never assigned: both "" and 0.
    #[default]
    Uninit,
}

impl Val {
    /// Numeric value.
    pub(super) fn num(&self) -> f64 {
        match self {
            Val::Num(n) => *n,
            Val::Str(s) | Val::StrNum(s) => str_to_num(s),
            Val::Uninit => 0.0,
        }
    }

    /// String value (numbers through CONVFMT).
    pub(super) fn str(&self, convfmt: &str) -> String {
        match self {
            Val::Num(n) => num_to_str(*n, convfmt),
            Val::Str(s) | Val::StrNum(s) => s.clone(),
            Val::Uninit => String::new(),
        }
    }

    /// Truth value.
    pub(super) fn truthy(&self) -> bool {
        match self {
            Val::Num(n) => *n != 0.0,
            Val::Uninit => false,
            Val::Str(s) => !s.is_empty(),
            Val::StrNum(s) => {
                if looks_numeric(s) {
                    str_to_num(s) != 0.0
                } else {
                    !s.is_empty()
                }
            }
        }
    }

    /// Whether comparisons treat it as a number.
    pub(super) fn is_numeric(&self) -> bool {
        match self {
            Val::Num(_) | Val::Uninit => true,
            Val::Str(_) => false,
            Val::StrNum(s) => looks_numeric(s),
        }
    }
}

/// mawk: integral values within an int print as integers, others through the format.
pub(super) fn num_to_str(n: f64, fmt: &str) -> String {
    if n.fract() == 0.0 && n.abs() <= 2_147_483_647.0 {
        return format!("{}", n as i64);
    }
    sprintf(fmt, &[Val::Num(n)], fmt)
}

/// The numeric prefix of a string, as strtod reads it (leading blanks, sign, digits,
/// fraction, exponent, `0x` hex); 0 when there is none.
pub(super) fn str_to_num(s: &str) -> f64 {
    let t = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let b = t.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i = 1;
    }
    let neg = b.first() == Some(&b'-');
    if b.get(i) == Some(&b'0') && matches!(b.get(i + 1), Some(b'x' | b'X')) {
        let hex: String = t
            .get(i + 2..)
            .unwrap_or("")
            .chars()
            .take_while(char::is_ascii_hexdigit)
            .collect();
        if !hex.is_empty() {
            let v = u64::from_str_radix(hex.get(..15.min(hex.len())).unwrap_or("0"), 16)
                .unwrap_or(0) as f64;
            return if neg { -v } else { v };
        }
    }
    let st = i;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    if i == st || (i == st + 1 && b.get(st) == Some(&b'.')) {
        let rest = t.get(st..).unwrap_or("").to_ascii_lowercase();
        if rest.starts_with("inf") {
            return if neg {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            };
        }
        if rest.starts_with("nan") {
            return f64::NAN;
        }
        return 0.0;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        if b.get(j).is_some_and(u8::is_ascii_digit) {
            i = j;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
    }
    t.get(..i).and_then(|x| x.parse().ok()).unwrap_or(0.0)
}

/// Whether input text looks like a number (blanks around allowed).
pub(super) fn looks_numeric(s: &str) -> bool {
    let t = s.trim_matches([' ', '\t', '\n']);
    if t.is_empty() {
        return false;
    }
    let b = t.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let st = i;
    let mut digits = 0;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
        digits += 1;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 || i == st {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let e = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == e {
            return false;
        }
    }
    i == b.len()
}

/// `sprintf(fmt, args...)` as awk does it (C printf conversions).
pub(super) fn sprintf(fmt: &str, args: &[Val], convfmt: &str) -> String {
    let f: Vec<char> = fmt.chars().collect();
    let mut out = String::new();
    let mut ai = 0;
    let mut i = 0;
    let next = |ai: &mut usize| {
        let v = args.get(*ai).cloned();
        *ai += 1;
        v
    };
    while let Some(&c) = f.get(i) {
        if c != '%' {
            out.push(c);
            i += 1;
            continue;
        }
        let st = i;
        i += 1;
        let (mut left, mut zero, mut plus, mut space, mut alt) =
            (false, false, false, false, false);
        while let Some(&fl) = f.get(i) {
            match fl {
                '-' => left = true,
                '0' => zero = true,
                '+' => plus = true,
                ' ' => space = true,
                '#' => alt = true,
                _ => break,
            }
            i += 1;
        }
        let mut width = 0usize;
        if f.get(i) == Some(&'*') {
            let w = next(&mut ai).map(|v| v.num()).unwrap_or(0.0) as i64;
            if w < 0 {
                left = true;
            }
            width = w.unsigned_abs().min(4096) as usize;
            i += 1;
        }
        while let Some(d) = f.get(i).and_then(|c| c.to_digit(10)) {
            width = (width * 10 + d as usize).min(4096);
            i += 1;
        }
        let mut prec: Option<usize> = None;
        if f.get(i) == Some(&'.') {
            i += 1;
            let mut p = 0usize;
            if f.get(i) == Some(&'*') {
                p = next(&mut ai).map(|v| v.num()).unwrap_or(0.0).max(0.0) as usize;
                i += 1;
            }
            while let Some(d) = f.get(i).and_then(|c| c.to_digit(10)) {
                p = (p * 10 + d as usize).min(4096);
                i += 1;
            }
            prec = Some(p.min(4096));
        }
        while matches!(f.get(i), Some('l' | 'h' | 'L' | 'q')) {
            i += 1;
        }
        let Some(&conv) = f.get(i) else {
            out.extend(f.get(st..).unwrap_or(&[]).iter());
            break;
        };
        i += 1;
        let body: String;
        let mut numeric = false;
        let mut sign = String::new();
        match conv {
            '%' => {
                out.push('%');
                continue;
            }
            'c' => {
                let v = next(&mut ai).unwrap_or_default();
                body = match v {
                    Val::Num(n) => char::from_u32(n as u32 & 0xff)
                        .map(String::from)
                        .unwrap_or_default(),
                    other => other
                        .str(convfmt)
                        .chars()
                        .next()
                        .map(String::from)
                        .unwrap_or_default(),
                };
            }
            's' => {
                let s = next(&mut ai).unwrap_or_default().str(convfmt);
                body = match prec {
                    Some(p) => s.chars().take(p).collect(),
                    None => s,
                };
            }
            'd' | 'i' | 'o' | 'x' | 'X' | 'u' => {
                numeric = true;
                let n = next(&mut ai).map(|v| v.num()).unwrap_or(0.0);
                let n = if n.is_nan() {
                    0
                } else {
                    n.trunc().clamp(-9.2e18, 9.2e18) as i64
                };
                let mag = n.unsigned_abs();
                let mut digits = match conv {
                    'o' => format!("{mag:o}"),
                    'x' => format!("{:x}", if n < 0 { n as u64 } else { mag }),
                    'X' => format!("{:X}", if n < 0 { n as u64 } else { mag }),
                    'u' => format!("{}", n as u64),
                    _ => mag.to_string(),
                };
                if let Some(p) = prec {
                    if p == 0 && n == 0 {
                        digits.clear();
                    }
                    while digits.len() < p {
                        digits.insert(0, '0');
                    }
                }
                if matches!(conv, 'd' | 'i') {
                    if n < 0 {
                        sign = "-".into();
                    } else if plus {
                        sign = "+".into();
                    } else if space {
                        sign = " ".into();
                    }
                }
                if alt && conv == 'x' && n != 0 {
                    sign = "0x".into();
                }
                if prec.is_some() {
                    zero = false;
                }
                body = digits;
            }
            'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
                numeric = true;
                let n = next(&mut ai).map(|v| v.num()).unwrap_or(0.0);
                if n < 0.0 {
                    sign = "-".into();
                } else if plus {
                    sign = "+".into();
                } else if space {
                    sign = " ".into();
                }
                body = fmt_float(n.abs(), conv as u8, prec.unwrap_or(6), alt);
                if !n.is_finite() {
                    zero = false;
                }
            }
            _ => {
                out.extend(f.get(st..i).unwrap_or(&[]).iter());
                continue;
            }
        }
        let len = sign.chars().count() + body.chars().count();
        let fill = width.saturating_sub(len);
        if left {
            out.push_str(&sign);
            out.push_str(&body);
            out.extend(std::iter::repeat_n(' ', fill));
        } else if zero && numeric {
            out.push_str(&sign);
            out.extend(std::iter::repeat_n('0', fill));
            out.push_str(&body);
        } else {
            out.extend(std::iter::repeat_n(' ', fill));
            out.push_str(&sign);
            out.push_str(&body);
        }
        if out.len() > 1 << 20 {
            break;
        }
    }
    out
}
