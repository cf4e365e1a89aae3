//! `tr`: translate or delete characters (coreutils 9.1, byte-oriented like GNU).
//!
//! Emulated: SET1 SET2 translation (SET2 padded with its last byte), `-d`, `-s`, `-c`/`-C`,
//! `-t`, ranges `a-z`, escapes (`\n \t \\ \NNN`), classes `[:upper:] [:lower:] [:digit:]
//! [:space:] [:alpha:] [:alnum:] [:punct:] [:blank:] [:xdigit:] [:cntrl:] [:print:]
//! [:graph:]`, `[c*n]` repeats; GNU operand errors. Known gaps: `[=c=]` equivalence classes.

use super::util::{Val, getopt, q, usage};
use super::{CmdCtx, Command};

/// `tr`.
pub struct Tr;

fn class(name: &str) -> Option<Vec<u8>> {
    let f: fn(&u8) -> bool = match name {
        "upper" => u8::is_ascii_uppercase,
        "lower" => u8::is_ascii_lowercase,
        "digit" => u8::is_ascii_digit,
        "alpha" => u8::is_ascii_alphabetic,
        "alnum" => u8::is_ascii_alphanumeric,
        "space" => |b| b" \t\n\r\x0b\x0c".contains(b),
        "blank" => |b| *b == b' ' || *b == b'\t',
        "punct" => u8::is_ascii_punctuation,
        "xdigit" => u8::is_ascii_hexdigit,
        "cntrl" => u8::is_ascii_control,
        "print" => |b| (32..127).contains(b),
        "graph" => u8::is_ascii_graphic,
        _ => return None,
    };
    Some((0u8..=255).filter(f).collect())
}

fn expand(s: &str) -> Result<Vec<u8>, String> {
    let b = s.as_bytes();
    let mut raw: Vec<u8> = Vec::new();
    let mut out = Vec::new();
    let mut i = 0;
    // First pass: escapes and classes, recording literal bytes with a marker for ranges.
    let mut lits: Vec<(u8, bool)> = Vec::new();
    while let Some(&c) = b.get(i) {
        if c == b'['
            && b.get(i + 1) == Some(&b':')
            && let Some(end) = s.get(i + 2..).and_then(|r| r.find(":]"))
        {
            let name = s.get(i + 2..i + 2 + end).unwrap_or("");
            let set = class(name).ok_or_else(|| format!("invalid character class {}", q(name)))?;
            lits.extend(set.into_iter().map(|x| (x, true)));
            i += end + 4;
            continue;
        }
        if c == b'['
            && let Some(close) = s.get(i..).and_then(|r| r.find(']'))
        {
            let inner = s.get(i + 1..i + close).unwrap_or("");
            if let Some((ch, n)) = inner.split_once('*')
                && ch.len() == 1
            {
                let n: usize = if n.is_empty() {
                    0
                } else {
                    n.parse()
                        .map_err(|_| format!("invalid repeat count {} in [c*n] construct", q(n)))?
                };
                let byte = ch.as_bytes().first().copied().unwrap_or(0);
                lits.extend(std::iter::repeat_n((byte, true), n.clamp(1, 4096)));
                i += close + 1;
                continue;
            }
        }
        if c == b'\\' {
            let (v, used) = match b.get(i + 1) {
                Some(b'n') => (b'\n', 2),
                Some(b't') => (b'\t', 2),
                Some(b'r') => (b'\r', 2),
                Some(b'a') => (7, 2),
                Some(b'b') => (8, 2),
                Some(b'f') => (12, 2),
                Some(b'v') => (11, 2),
                Some(b'\\') => (b'\\', 2),
                Some(d @ b'0'..=b'7') => {
                    let mut v = u32::from(d - b'0');
                    let mut n = 2;
                    while n < 4 {
                        match b.get(i + n) {
                            Some(&d @ b'0'..=b'7') => {
                                v = v * 8 + u32::from(d - b'0');
                                n += 1;
                            }
                            _ => break,
                        }
                    }
                    ((v & 0xff) as u8, n)
                }
                Some(&o) => (o, 2),
                None => (b'\\', 1),
            };
            lits.push((v, false));
            i += used;
            continue;
        }
        lits.push((c, false));
        i += 1;
    }
    let mut j = 0;
    while let Some(&(c, from_class)) = lits.get(j) {
        if !from_class
            && lits.get(j + 1) == Some(&(b'-', false))
            && let Some(&(hi, false)) = lits.get(j + 2)
        {
            if hi < c {
                return Err(format!(
                    "range-endpoints of '{}-{}' are in reverse collating sequence order",
                    char::from(c),
                    char::from(hi)
                ));
            }
            out.extend(c..=hi);
            j += 3;
            continue;
        }
        out.push(c);
        j += 1;
    }
    raw.extend(out);
    Ok(raw)
}

impl Command for Tr {
    fn name(&self) -> &'static str {
        "tr"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/tr"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("delete", 'd', Val::No),
            ("squeeze-repeats", 's', Val::No),
            ("complement", 'c', Val::No),
            ("truncate-set1", 't', Val::No),
        ];
        let (opts, ops) = match getopt(args, "dscCt", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "tr", &e, 1),
        };
        let has = |c| opts.iter().any(|o: &(char, Option<String>)| o.0 == c);
        let (del, squeeze, comp, trunc) = (has('d'), has('s'), has('c') || has('C'), has('t'));
        let Some(s1) = ops.first() else {
            return usage(ctx, "tr", "missing operand", 1);
        };
        let need2 = !del && !squeeze || (del && squeeze);
        if need2 && ops.len() < 2 {
            let msg = if del {
                "Two strings must be given when both deleting and squeezing repeats."
            } else {
                "Two strings must be given when translating."
            };
            ctx.error("tr", &format!("missing operand after {}", q(s1)));
            ctx.stderr.line(msg);
            ctx.stderr.line("Try 'tr --help' for more information.");
            return 1;
        }
        let max_ops = if need2 || (squeeze && !del) { 2 } else { 1 };
        if ops.len() > max_ops {
            let extra = ops.get(max_ops).cloned().unwrap_or_default();
            return usage(ctx, "tr", &format!("extra operand {}", q(&extra)), 1);
        }
        let (mut set1, set2) = match (expand(s1), ops.get(1).map(|s| expand(s)).transpose()) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(e), _) | (_, Err(e)) => {
                ctx.error("tr", &e);
                return 1;
            }
        };
        if comp {
            set1 = (0u8..=255).filter(|b| !set1.contains(b)).collect();
        }
        let mut map: [Option<u8>; 256] = [None; 256];
        let mut in1 = [false; 256];
        for &b in &set1 {
            if let Some(slot) = in1.get_mut(usize::from(b)) {
                *slot = true;
            }
        }
        let mut sq = [false; 256];
        if let (false, Some(s2)) = (del, &set2) {
            if s2.is_empty() && !set1.is_empty() {
                ctx.error("tr", "when not truncating set1, string2 must be non-empty");
                return 1;
            }
            let last = s2.last().copied().unwrap_or(0);
            let n = if trunc {
                set1.len().min(s2.len())
            } else {
                set1.len()
            };
            for (i, &a) in set1.iter().take(n).enumerate() {
                let to = s2.get(i).copied().unwrap_or(last);
                if let Some(slot) = map.get_mut(usize::from(a)) {
                    *slot = Some(to);
                }
            }
            for &b in s2 {
                if let Some(slot) = sq.get_mut(usize::from(b)) {
                    *slot = true;
                }
            }
        } else {
            let src = if del {
                set2.clone().unwrap_or_default()
            } else {
                set1.clone()
            };
            for &b in &src {
                if let Some(slot) = sq.get_mut(usize::from(b)) {
                    *slot = true;
                }
            }
        }
        let mut out = Vec::with_capacity(ctx.stdin.len());
        let mut last: Option<u8> = None;
        for &b in ctx.stdin {
            let idx = usize::from(b);
            if del && in1.get(idx).copied().unwrap_or(false) {
                continue;
            }
            let c = map.get(idx).copied().flatten().unwrap_or(b);
            if squeeze && sq.get(usize::from(c)).copied().unwrap_or(false) && last == Some(c) {
                continue;
            }
            out.push(c);
            last = Some(c);
        }
        ctx.stdout.write(&out);
        0
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    fn t(args: &[&str], stdin: &str) -> String {
        run("tr", args, "/", stdin.as_bytes()).stdout
    }

    #[test]
    fn translates() {
        assert_eq!(t(&["a-z", "A-Z"], "Hello World\n"), "HELLO WORLD\n");
        assert_eq!(t(&["-d", "lo"], "Hello World\n"), "He Wrd\n");
        assert_eq!(t(&["-s", "ab"], "aaabbb\n"), "ab\n");
        assert_eq!(t(&["-d", "[:digit:]"], "abc123\n"), "abc\n");
        assert_eq!(t(&["[:upper:]", "[:lower:]"], "Hello\n"), "hello\n");
        assert_eq!(t(&["el", "ip"], "hello\n"), "hippo\n");
        assert_eq!(t(&["-s", " "], "a  b\n"), "a b\n");
        assert_eq!(t(&["-c", "a", "x"], "abc\n"), "axxx");
        assert_eq!(t(&["abcd", "xy"], "abcd\n"), "xyyy\n");
        assert_eq!(t(&["\\n", " "], "a\nb\n"), "a b ");
        let r = run("tr", &["a"], "/", b"");
        assert_eq!(
            r.stderr,
            "tr: missing operand after \u{2018}a\u{2019}\nTwo strings must be given when translating.\nTry 'tr --help' for more information.\n"
        );
        assert_eq!(
            run("tr", &[], "/", b"").stderr,
            "tr: missing operand\nTry 'tr --help' for more information.\n"
        );
    }
}
