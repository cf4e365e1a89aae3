//! `od` (coreutils 9.1): dump files in octal and other formats.
//!
//! Emulated: `-A d|o|x|n`, `-t` types `a c d[N] o[N] u[N] x[N]` with the `z` suffix (and
//! several `-t`), the short forms `-b -c -d -o -s -x`, `-j SKIP`, `-N COUNT`, `-v`,
//! `-w[N]`, `*` for repeated lines, GNU's column widths and errors.

use super::util::{Val, getopt, or_stdin, parse_count, q, read_input, to_usize, usage};
use super::{CmdCtx, Command};

/// `od`.
pub struct Od;

#[derive(Clone, Copy)]
struct Ty {
    kind: char,
    size: usize,
    z: bool,
}

impl Ty {
    fn width(&self) -> usize {
        match (self.kind, self.size) {
            ('c' | 'a', _) => 4,
            ('x', n) => 2 * n + 1,
            ('o', 1) => 4,
            ('o', 2) => 7,
            ('o', 4) => 12,
            ('o', _) => 23,
            ('u', 1) => 4,
            ('u', 2) => 6,
            ('u', 4) => 11,
            ('u', _) => 21,
            ('d', 1) => 5,
            ('d', 2) => 7,
            ('d', 4) => 12,
            _ => 21,
        }
    }

    fn cell(&self, bytes: &[u8]) -> String {
        let mut v: u64 = 0;
        for (i, b) in bytes.iter().enumerate().take(8) {
            v |= u64::from(*b) << (8 * i);
        }
        let w = self.width();
        let body = match self.kind {
            'c' => c_name(bytes.first().copied().unwrap_or(0)),
            'a' => a_name(bytes.first().copied().unwrap_or(0)),
            'x' => format!("{v:0n$x}", n = 2 * self.size),
            'o' => format!("{v:0n$o}", n = w - 1),
            'u' => v.to_string(),
            _ => {
                let bits = 8 * self.size as u32;
                let s = if bits >= 64 {
                    v as i64
                } else if v >> (bits - 1) & 1 == 1 {
                    (v as i64) - (1i64 << bits)
                } else {
                    v as i64
                };
                s.to_string()
            }
        };
        format!("{body:>w$}")
    }
}

fn c_name(b: u8) -> String {
    match b {
        0 => "\\0".into(),
        7 => "\\a".into(),
        8 => "\\b".into(),
        9 => "\\t".into(),
        10 => "\\n".into(),
        11 => "\\v".into(),
        12 => "\\f".into(),
        13 => "\\r".into(),
        0x20..=0x7e => (b as char).to_string(),
        _ => format!("{b:03o}"),
    }
}

fn a_name(b: u8) -> String {
    const NAMES: [&str; 33] = [
        "nul", "soh", "stx", "etx", "eot", "enq", "ack", "bel", "bs", "ht", "nl", "vt", "ff", "cr",
        "so", "si", "dle", "dc1", "dc2", "dc3", "dc4", "nak", "syn", "etb", "can", "em", "sub",
        "esc", "fs", "gs", "rs", "us", "sp",
    ];
    let b = b & 0x7f;
    match NAMES.get(usize::from(b)) {
        Some(n) => (*n).to_string(),
        None if b == 0x7f => "del".into(),
        None => (b as char).to_string(),
    }
}

fn parse_type(s: &str) -> Option<Vec<Ty>> {
    let mut out = Vec::new();
    let c: Vec<char> = s.chars().collect();
    let mut i = 0;
    while let Some(&k) = c.get(i) {
        i += 1;
        let kind = match k {
            'a' | 'c' => {
                out.push(Ty {
                    kind: k,
                    size: 1,
                    z: false,
                });
                if c.get(i) == Some(&'z') {
                    i += 1;
                    if let Some(t) = out.last_mut() {
                        t.z = true;
                    }
                }
                continue;
            }
            'd' | 'o' | 'u' | 'x' => k,
            _ => return None,
        };
        let mut size = 4;
        match c.get(i) {
            Some('C') => (size, i) = (1, i + 1),
            Some('S') => (size, i) = (2, i + 1),
            Some('I') => (size, i) = (4, i + 1),
            Some('L') => (size, i) = (8, i + 1),
            Some(d) if d.is_ascii_digit() => {
                let st = i;
                while c.get(i).is_some_and(char::is_ascii_digit) {
                    i += 1;
                }
                size = c.get(st..i)?.iter().collect::<String>().parse().ok()?;
                if ![1, 2, 4, 8].contains(&size) {
                    return None;
                }
            }
            _ => {}
        }
        let z = c.get(i) == Some(&'z');
        if z {
            i += 1;
        }
        out.push(Ty { kind, size, z });
    }
    Some(out)
}

impl Command for Od {
    fn name(&self) -> &'static str {
        "od"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/od"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("address-radix", 'A', Val::Req),
            ("skip-bytes", 'j', Val::Req),
            ("read-bytes", 'N', Val::Req),
            ("strings", 'S', Val::Opt),
            ("format", 't', Val::Req),
            ("output-duplicates", 'v', Val::No),
            ("width", 'w', Val::Opt),
            ("endian", 'E', Val::Req),
            ("traditional", 'T', Val::No),
        ];
        let (opts, ops) = match getopt(args, "A:j:N:S:t:vw::abcdfhilosxDeFHIOLX", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "od", &e, 1),
        };
        let mut radix = 'o';
        let (mut skip, mut limit, mut all, mut width) = (0usize, None::<usize>, false, 16usize);
        let mut types: Vec<Ty> = Vec::new();
        let t = |kind, size| Ty {
            kind,
            size,
            z: false,
        };
        for (c, v) in opts {
            let v = v.unwrap_or_default();
            match c {
                'A' => match v.as_str() {
                    "d" | "o" | "x" | "n" => radix = v.chars().next().unwrap_or('o'),
                    _ => {
                        ctx.error("od", &format!("invalid output address radix '{v}'; it must be one character from [doxn]"));
                        return 1;
                    }
                },
                'j' | 'N' => match parse_count(&v) {
                    Some(n) if c == 'j' => skip = to_usize(n),
                    Some(n) => limit = Some(to_usize(n)),
                    None => {
                        return usage(
                            ctx,
                            "od",
                            &format!(
                                "invalid {} argument {}",
                                if c == 'j' { "skip-bytes" } else { "read-bytes" },
                                q(&v)
                            ),
                            1,
                        );
                    }
                },
                't' => match parse_type(&v) {
                    Some(ts) => types.extend(ts),
                    None => {
                        ctx.error("od", &format!("invalid type string {}", q(&v)));
                        return 1;
                    }
                },
                'v' => all = true,
                'w' => {
                    width = if v.is_empty() {
                        32
                    } else {
                        v.parse().unwrap_or(16).clamp(1, 4096)
                    }
                }
                'a' => types.push(t('a', 1)),
                'b' => types.push(t('o', 1)),
                'c' => types.push(t('c', 1)),
                'd' => types.push(t('u', 2)),
                'o' => types.push(t('o', 2)),
                's' => types.push(t('d', 2)),
                'x' | 'h' => types.push(t('x', 2)),
                'i' => types.push(t('d', 4)),
                'l' => types.push(t('d', 8)),
                'D' => types.push(t('u', 4)),
                'O' => types.push(t('o', 4)),
                'H' | 'X' => types.push(t('x', 4)),
                'I' | 'L' => types.push(t('d', 8)),
                _ => {}
            }
        }
        if types.is_empty() {
            types.push(t('o', 2));
        }
        let mut data = Vec::new();
        let mut status = 0;
        for f in or_stdin(&ops) {
            match read_input(ctx, &f) {
                Ok(d) => data.extend_from_slice(&d),
                Err(e) => {
                    ctx.error("od", &format!("{f}: {e}"));
                    status = 1;
                }
            }
        }
        if skip > data.len() {
            ctx.error("od", "cannot skip past end of combined input");
            return 1;
        }
        let end = limit.map_or(data.len(), |n| skip.saturating_add(n).min(data.len()));
        let data = data.get(skip..end).unwrap_or(&[]);
        let addr = |off: usize| match radix {
            'd' => format!("{off:07}"),
            'x' => format!("{off:06x}"),
            'n' => String::new(),
            _ => format!("{off:07o}"),
        };
        let mut prev: Option<&[u8]> = None;
        let mut starred = false;
        for (k, chunk) in data.chunks(width).enumerate() {
            let off = skip + k * width;
            if !all && chunk.len() == width && prev == Some(chunk) {
                if !starred {
                    ctx.stdout.line("*");
                    starred = true;
                }
                continue;
            }
            starred = false;
            prev = Some(chunk);
            for (ti, ty) in types.iter().enumerate() {
                let mut line = if ti == 0 {
                    addr(off)
                } else {
                    " ".repeat(addr(off).len())
                };
                let mut cells = 0;
                for piece in chunk.chunks(ty.size) {
                    line.push_str(&ty.cell(piece));
                    cells += 1;
                }
                if ty.z {
                    let full = width / ty.size;
                    line.push_str(&" ".repeat(ty.width() * full.saturating_sub(cells)));
                    let asc: String = chunk
                        .iter()
                        .map(|&b| {
                            if (0x20..0x7f).contains(&b) {
                                b as char
                            } else {
                                '.'
                            }
                        })
                        .collect();
                    line.push_str(&format!("  >{asc}<"));
                }
                ctx.stdout.line(&line);
            }
            if ctx.stdout.is_full() {
                return status;
            }
        }
        if radix != 'n' {
            ctx.stdout.line(&addr(skip + data.len()));
        }
        status
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    const IN: &[u8] = b"hello world\n\x00\x01\xff abc";

    #[test]
    fn dumps_like_coreutils_od() {
        assert_eq!(
            run("od", &[], "/", IN).stdout,
            "0000000 062550 066154 020157 067567 066162 005144 000400 020377\n0000020 061141 000143\n0000023\n"
        );
        assert_eq!(
            run("od", &["-c"], "/", IN).stdout,
            "0000000   h   e   l   l   o       w   o   r   l   d  \\n  \\0 001 377    \n0000020   a   b   c\n0000023\n"
        );
        assert_eq!(
            run("od", &["-x"], "/", IN).stdout,
            "0000000 6568 6c6c 206f 6f77 6c72 0a64 0100 20ff\n0000020 6261 0063\n0000023\n"
        );
        assert_eq!(
            run("od", &["-A", "x", "-t", "x1z", "-v"], "/", IN).stdout,
            "000000 68 65 6c 6c 6f 20 77 6f 72 6c 64 0a 00 01 ff 20  >hello world.... <\n000010 61 62 63                                         >abc<\n000013\n"
        );
        assert_eq!(
            run("od", &["-N", "4", "-j", "2", "-c"], "/", IN).stdout,
            "0000002   l   l   o    \n0000006\n"
        );
        assert_eq!(run("od", &[], "/", b"").stdout, "0000000\n");
        assert_eq!(
            run("od", &["-c"], "/", &[0u8; 40]).stdout,
            "0000000  \\0  \\0  \\0  \\0  \\0  \\0  \\0  \\0  \\0  \\0  \\0  \\0  \\0  \\0  \\0  \\0\n*\n0000040  \\0  \\0  \\0  \\0  \\0  \\0  \\0  \\0\n0000050\n"
        );
        assert_eq!(
            run("od", &["-t", "d2"], "/", IN).stdout.lines().next(),
            Some("0000000  25960  27756   8303  28535  27762   2660    256   8447")
        );
        assert_eq!(
            run("od", &["-t", "d1"], "/", IN).stdout.lines().next(),
            Some(
                "0000000  104  101  108  108  111   32  119  111  114  108  100   10    0    1   -1   32"
            )
        );
        assert_eq!(
            run("od", &["-t", "x4"], "/", IN).stdout,
            "0000000 6c6c6568 6f77206f 0a646c72 20ff0100\n0000020 00636261\n0000023\n"
        );
        assert_eq!(
            run("od", &["-An", "-tx1"], "/", IN).stdout,
            " 68 65 6c 6c 6f 20 77 6f 72 6c 64 0a 00 01 ff 20\n 61 62 63\n"
        );
        let r = run("od", &["-j", "100"], "/", IN);
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("od: cannot skip past end of combined input\n", 1)
        );
        let r = run("od", &["/nonexist"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("od: /nonexist: No such file or directory\n", 1)
        );
    }
}
