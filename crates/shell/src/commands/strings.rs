//! `strings` (GNU binutils 2.40): print the runs of printable characters in files.
//!
//! Emulated: `-n N`/`-N`/`--bytes=N` (default 4), `-a`/`--all` (the default), `-d`,
//! `-t o|d|x` and `-o` offsets, `-f` file names, `-w` (include all whitespace), `-s SEP`.
//! Printable is ASCII 0x20-0x7e and tab. Errors as binutils (`'x': No such file`, `Warning:
//! 'x' is a directory`).

use super::util::{IGNORED, Val, getopt, read_input};
use super::{CmdCtx, Command};

/// `strings`.
pub struct Strings;

impl Command for Strings {
    fn name(&self) -> &'static str {
        "strings"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/x86_64-linux-gnu-strings"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        // `-6` is `-n 6`.
        let mut args = args.to_vec();
        for a in args.iter_mut().skip(1) {
            if a.len() > 1 && a.starts_with('-') && a.bytes().skip(1).all(|b| b.is_ascii_digit()) {
                *a = format!("-n{}", a.get(1..).unwrap_or(""));
            }
        }
        let long = [
            ("all", 'a', Val::No),
            ("data", 'd', Val::No),
            ("print-file-name", 'f', Val::No),
            ("bytes", 'n', Val::Req),
            ("radix", 't', Val::Req),
            ("target", 'T', Val::Req),
            ("encoding", 'e', Val::Req),
            ("unicode", 'U', Val::Req),
            ("output-separator", 's', Val::Req),
            ("include-all-whitespace", 'w', Val::No),
        ];
        let (opts, ops) = match getopt(&args, "adfhHn:ot:T:e:U:s:vVw", &long) {
            Ok(x) => x,
            Err(super::util::Bad::Help) => return super::util::print_help(ctx, "strings"),
            Err(super::util::Bad::Version) => return super::util::print_version(ctx, "strings"),
            Err(e) => {
                ctx.error("strings", e.text());
                ctx.stderr
                    .write_str(super::help::help("strings").unwrap_or(""));
                return 1;
            }
        };
        let _ = IGNORED;
        let mut min = 4usize;
        let mut radix: Option<char> = None;
        let mut names = false;
        let mut all_ws = false;
        let mut sep = "\n".to_string();
        for (c, v) in opts {
            let v = v.unwrap_or_default();
            match c {
                'n' => match v.parse::<usize>() {
                    Ok(n) if n > 0 => min = n,
                    _ => {
                        ctx.error("strings", &format!("invalid minimum string length {v}"));
                        return 1;
                    }
                },
                't' => match v.as_str() {
                    "o" | "d" | "x" => radix = v.chars().next(),
                    _ => {
                        ctx.error("strings", &format!("invalid radix: {v}"));
                        return 1;
                    }
                },
                'o' => radix = Some('o'),
                'f' => names = true,
                'w' => all_ws = true,
                's' => sep = v,
                'h' | 'H' => return super::util::print_help(ctx, "strings"),
                'v' | 'V' => return super::util::print_version(ctx, "strings"),
                _ => {}
            }
        }
        let files = if ops.is_empty() {
            vec!["-".to_string()]
        } else {
            ops
        };
        let mut status = 0;
        for f in &files {
            if f != "-" && ctx.fs.stat(ctx.cwd, f).is_ok_and(|m| m.is_dir()) {
                ctx.error("strings", &format!("Warning: '{f}' is a directory"));
                status = 1;
                continue;
            }
            let data = match read_input(ctx, f) {
                Ok(d) => d,
                Err(_) => {
                    ctx.error("strings", &format!("'{f}': No such file"));
                    status = 1;
                    continue;
                }
            };
            let label = if f == "-" {
                "{standard input}"
            } else {
                f.as_str()
            };
            let printable = |b: u8| {
                (0x20..0x7f).contains(&b)
                    || b == b'\t'
                    || (all_ws && matches!(b, b'\n' | b'\r' | 0x0b | 0x0c))
            };
            let mut i = 0;
            while i < data.len() {
                let start = i;
                while data.get(i).is_some_and(|&b| printable(b)) {
                    i += 1;
                }
                if i - start >= min {
                    let mut line = String::new();
                    if names {
                        line.push_str(label);
                        line.push_str(": ");
                    }
                    match radix {
                        Some('o') => line.push_str(&format!("{start:7o} ")),
                        Some('d') => line.push_str(&format!("{start:7} ")),
                        Some(_) => line.push_str(&format!("{start:7x} ")),
                        None => {}
                    }
                    line.push_str(&String::from_utf8_lossy(data.get(start..i).unwrap_or(&[])));
                    line.push_str(&sep);
                    ctx.stdout.write_str(&line);
                    if ctx.stdout.is_full() {
                        return status;
                    }
                }
                i += 1;
            }
        }
        status
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn prints_printable_runs() {
        let input = b"ab\x00hello\x01worldwide\tx\nabcd";
        assert_eq!(
            run("strings", &[], "/", input).stdout,
            "hello\nworldwide\tx\nabcd\n"
        );
        assert_eq!(
            run("strings", &["-n", "6"], "/", input).stdout,
            "worldwide\tx\n"
        );
        assert_eq!(run("strings", &["-6"], "/", input).stdout, "worldwide\tx\n");
        assert_eq!(
            run("strings", &["-t", "x"], "/", b"ab\x00hello\x01worldwide").stdout,
            "      3 hello\n      9 worldwide\n"
        );
        let r = run("strings", &["/nonexist"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("strings: '/nonexist': No such file\n", 1)
        );
        let r = run("strings", &["/tmp"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("strings: Warning: '/tmp' is a directory\n", 1)
        );
        let r = run("strings", &["-f", "/etc/hostname"], "/", b"");
        assert!(r.stdout.starts_with("/etc/hostname: "));
    }
}
