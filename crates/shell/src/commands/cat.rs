//! `cat`: concatenate files (coreutils 9.1).
//!
//! Emulated: files and `-` (stdin), `-n -b -s -E -T -v -A -e -t -u`, error texts
//! (`cat: x: No such file or directory`, `cat: /etc: Is a directory`) and exit status 1 when
//! any operand failed. Reads are capped at [`MAX_READ`](super::util::MAX_READ) bytes per
//! file and output stops at the stdout cap. No gaps known for the emulated options.

use super::util::{Val, getopt, or_stdin, read_input, usage};
use super::{CmdCtx, Command};

/// `cat`.
pub struct Cat;

#[derive(Default)]
struct Flags {
    number: bool,
    nonblank: bool,
    squeeze: bool,
    ends: bool,
    tabs: bool,
    nonprint: bool,
}

impl Command for Cat {
    fn name(&self) -> &'static str {
        "cat"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/cat"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("number-nonblank", 'b', Val::No),
            ("number", 'n', Val::No),
            ("squeeze-blank", 's', Val::No),
            ("show-nonprinting", 'v', Val::No),
            ("show-ends", 'E', Val::No),
            ("show-tabs", 'T', Val::No),
            ("show-all", 'A', Val::No),
        ];
        let (opts, ops) = match getopt(args, "AbeEnstTuv", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "cat", &e, 1),
        };
        let mut f = Flags::default();
        for (c, _) in opts {
            match c {
                'n' => f.number = true,
                'b' => f.nonblank = true,
                's' => f.squeeze = true,
                'E' => f.ends = true,
                'T' => f.tabs = true,
                'v' => f.nonprint = true,
                'A' => (f.nonprint, f.ends, f.tabs) = (true, true, true),
                'e' => (f.nonprint, f.ends) = (true, true),
                't' => (f.nonprint, f.tabs) = (true, true),
                _ => {}
            }
        }
        let plain = !(f.number || f.nonblank || f.squeeze || f.ends || f.tabs || f.nonprint);
        let mut status = 0;
        let mut line_no: u64 = 0;
        let mut prev_blank = false;
        for path in or_stdin(&ops) {
            if ctx.stdout.is_full() {
                break;
            }
            let data = match read_input(ctx, &path) {
                Ok(d) => d,
                Err(e) => {
                    ctx.error("cat", &format!("{path}: {e}"));
                    status = 1;
                    continue;
                }
            };
            if plain {
                ctx.stdout.write(&data);
                continue;
            }
            let mut out = Vec::with_capacity(data.len());
            for line in data.split_inclusive(|&b| b == b'\n') {
                let blank = line == b"\n";
                if f.squeeze && blank && prev_blank {
                    continue;
                }
                prev_blank = blank;
                if (f.nonblank && !blank) || (f.number && !f.nonblank) {
                    line_no += 1;
                    out.extend_from_slice(format!("{line_no:>6}\t").as_bytes());
                }
                for &b in line {
                    match b {
                        b'\n' => {
                            if f.ends {
                                out.push(b'$');
                            }
                            out.push(b'\n');
                        }
                        b'\t' if f.tabs => out.extend_from_slice(b"^I"),
                        b'\t' => out.push(b),
                        _ if f.nonprint => show_nonprint(&mut out, b),
                        _ => out.push(b),
                    }
                }
                if out.len() > (1 << 22) {
                    ctx.stdout.write(&out);
                    out.clear();
                    if ctx.stdout.is_full() {
                        break;
                    }
                }
            }
            ctx.stdout.write(&out);
        }
        status
    }
}

/// `cat -v` notation for one byte (`^A`, `^?`, `M-a`, `M-^@`).
pub(crate) fn show_nonprint(out: &mut Vec<u8>, b: u8) {
    let mut c = b;
    if c >= 128 {
        out.extend_from_slice(b"M-");
        c -= 128;
    }
    match c {
        0..=31 => {
            out.push(b'^');
            out.push(c + 64);
        }
        127 => out.extend_from_slice(b"^?"),
        _ => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run, run_in};
    use crate::persona::Persona;

    #[test]
    fn cats_and_errors() {
        let r = run("cat", &["/nonexistent", "/etc"], "/", b"");
        assert_eq!(
            r.stderr,
            "cat: /nonexistent: No such file or directory\ncat: /etc: Is a directory\n"
        );
        assert_eq!(r.code, 1);
        let r = run("cat", &["/etc/hostname", "-"], "/", b"x\n");
        assert_eq!((r.stdout.as_str(), r.code), ("web-prod-02\nx\n", 0));
        assert!(
            run("cat", &["/etc/passwd"], "/", b"")
                .stdout
                .starts_with("root:x:0:0:root:/root:/bin/bash\n")
        );
    }

    #[test]
    fn options_match_coreutils() {
        let text: &[u8] = b"a\tb\x01\x7f\xc3\xa9\n\nc";
        assert_eq!(
            run("cat", &["-A"], "/", text).stdout,
            "a^Ib^A^?M-CM-)$\n$\nc"
        );
        assert_eq!(
            run("cat", &["-n"], "/", text).stdout,
            "     1\ta\tb\x01\x7fé\n     2\t\n     3\tc"
        );
        assert_eq!(
            run("cat", &["-e"], "/", text).stdout,
            "a\tb^A^?M-CM-)$\n$\nc"
        );
        assert_eq!(run("cat", &["-T"], "/", text).stdout, "a^Ib\x01\x7fé\n\nc");
        assert_eq!(
            run("cat", &["-sb"], "/", b"a\n\n\n\nb\n").stdout,
            "     1\ta\n\n     2\tb\n"
        );
        let p = Persona::debian12();
        let mut fs = p.new_fs();
        let r = run_in(&p, &mut fs, "cat", &["-z"], "/", b"");
        assert_eq!(
            r.stderr,
            "cat: invalid option -- 'z'\nTry 'cat --help' for more information.\n"
        );
    }
}
