//! `hexdump` (util-linux 2.38.1, bsdextrautils): display file contents in hex.
//!
//! Emulated: the default format (16-bit little-endian words, 7-digit offsets), `-C`
//! (canonical hex+ASCII), `-b`, `-c`, `-d`, `-o`, `-x`, `-n LENGTH`, `-s OFFSET`, `-v`,
//! and `*` for repeated lines.

use super::util::{getopt, or_stdin, parse_count, read_input, to_usize, usage};
use super::{CmdCtx, Command};

/// `hexdump`.
pub struct Hexdump;

impl Command for Hexdump {
    fn name(&self) -> &'static str {
        "hexdump"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/hexdump"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("one-byte-octal", 'b', super::util::Val::No),
            ("one-byte-char", 'c', super::util::Val::No),
            ("canonical", 'C', super::util::Val::No),
            ("two-bytes-decimal", 'd', super::util::Val::No),
            ("two-bytes-octal", 'o', super::util::Val::No),
            ("two-bytes-hex", 'x', super::util::Val::No),
            ("format", 'e', super::util::Val::Req),
            ("format-file", 'f', super::util::Val::Req),
            ("color", 'L', super::util::Val::Opt),
            ("length", 'n', super::util::Val::Req),
            ("skip", 's', super::util::Val::Req),
            ("no-squeezing", 'v', super::util::Val::No),
        ];
        let (opts, ops) = match getopt(args, "bcCde:f:hL::n:os:vxV", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "hexdump", &e, 1),
        };
        let mut fmt = 'D';
        let (mut len, mut skip, mut all) = (None::<usize>, 0usize, false);
        for (c, v) in opts {
            let v = v.unwrap_or_default();
            match c {
                'b' | 'c' | 'C' | 'd' | 'o' | 'x' => fmt = c,
                'n' | 's' => match parse_count(&v) {
                    Some(n) if c == 'n' => len = Some(to_usize(n)),
                    Some(n) => skip = to_usize(n),
                    None => {
                        ctx.error(
                            "hexdump",
                            &format!(
                                "invalid {} argument: '{v}'",
                                if c == 'n' { "length" } else { "skip" }
                            ),
                        );
                        return 1;
                    }
                },
                'v' => all = true,
                'V' => return super::util::print_version(ctx, "hexdump"),
                'h' => return super::util::print_help(ctx, "hexdump"),
                _ => {}
            }
        }
        let mut data = Vec::new();
        let mut status = 0;
        for f in or_stdin(&ops) {
            match read_input(ctx, &f) {
                Ok(d) => data.extend_from_slice(&d),
                Err(e) => {
                    ctx.error("hexdump", &format!("{f}: {e}"));
                    status = 1;
                }
            }
        }
        let start = skip.min(data.len());
        let end = len.map_or(data.len(), |n| start.saturating_add(n).min(data.len()));
        let data = data.get(start..end).unwrap_or(&[]);
        let mut prev: Option<&[u8]> = None;
        let mut starred = false;
        for (k, chunk) in data.chunks(16).enumerate() {
            let off = start + k * 16;
            if !all && chunk.len() == 16 && prev == Some(chunk) {
                if !starred {
                    ctx.stdout.line("*");
                    starred = true;
                }
                continue;
            }
            starred = false;
            prev = Some(chunk);
            let line = match fmt {
                'C' => {
                    let mut s = format!("{off:08x} ");
                    for i in 0..16 {
                        if i == 8 {
                            s.push(' ');
                        }
                        match chunk.get(i) {
                            Some(b) => s.push_str(&format!(" {b:02x}")),
                            None => s.push_str("   "),
                        }
                    }
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
                    format!("{s}  |{asc}|")
                }
                'b' | 'c' => {
                    let mut s = format!("{off:07x}");
                    for i in 0..16 {
                        match chunk.get(i) {
                            Some(&b) if fmt == 'b' => s.push_str(&format!(" {b:03o}")),
                            Some(&b) => s.push_str(&format!("{:>4}", char_name(b))),
                            None => s.push_str("    "),
                        }
                    }
                    s
                }
                _ => {
                    let mut s = format!("{off:07x}");
                    for i in 0..8 {
                        let (a, b) = (chunk.get(2 * i), chunk.get(2 * i + 1));
                        let w = u16::from(a.copied().unwrap_or(0))
                            | (u16::from(b.copied().unwrap_or(0)) << 8);
                        let cell = match fmt {
                            'd' => format!("   {w:05}"),
                            'o' => format!("  {w:06o}"),
                            'x' => format!("    {w:04x}"),
                            _ => format!(" {w:04x}"),
                        };
                        if a.is_some() {
                            s.push_str(&cell);
                        } else {
                            s.push_str(&" ".repeat(cell.len()));
                        }
                    }
                    s
                }
            };
            ctx.stdout.line(&line);
            if ctx.stdout.is_full() {
                return status;
            }
        }
        if !data.is_empty() {
            let w = if fmt == 'C' { 8 } else { 7 };
            ctx.stdout.line(&format!("{:0w$x}", end));
        }
        status
    }
}

/// How `-c` shows a byte.
fn char_name(b: u8) -> String {
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

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    const IN: &[u8] = b"hello world\n\x00\x01\xff abc";

    #[test]
    fn dumps_like_util_linux() {
        assert_eq!(
            run("hexdump", &[], "/", IN).stdout,
            "0000000 6568 6c6c 206f 6f77 6c72 0a64 0100 20ff\n0000010 6261 0063                              \n0000013\n"
        );
        assert_eq!(
            run("hexdump", &["-C"], "/", IN).stdout,
            "00000000  68 65 6c 6c 6f 20 77 6f  72 6c 64 0a 00 01 ff 20  |hello world.... |\n00000010  61 62 63                                          |abc|\n00000013\n"
        );
        assert_eq!(
            run("hexdump", &["-n", "4", "-C"], "/", IN).stdout,
            "00000000  68 65 6c 6c                                       |hell|\n00000004\n"
        );
        assert_eq!(run("hexdump", &["-C"], "/", b"").stdout, "");
        assert_eq!(
            run("hexdump", &["-C"], "/", &[0u8; 40]).stdout,
            "00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n*\n00000020  00 00 00 00 00 00 00 00                           |........|\n00000028\n"
        );
    }
}
