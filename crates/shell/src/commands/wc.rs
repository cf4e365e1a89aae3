//! `wc`: print newline, word, and byte counts (coreutils 9.1).
//!
//! Emulated: `-l -w -c -m -L`, default `lines words bytes`, the `total` line, GNU column
//! widths (digits of the summed regular-file sizes, at least 7 when stdin is counted, 1 for
//! a single count of a single input), errors. Words are runs of non-whitespace bytes.

use super::util::{IGNORED, Val, getopt, or_stdin, read_input, usage};
use super::{CmdCtx, Command};

/// `wc`.
pub struct Wc;

impl Command for Wc {
    fn name(&self) -> &'static str {
        "wc"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/wc"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("lines", 'l', Val::No),
            ("words", 'w', Val::No),
            ("bytes", 'c', Val::No),
            ("chars", 'm', Val::No),
            ("max-line-length", 'L', Val::No),
            ("files0-from", IGNORED, Val::Req),
        ];
        let (opts, ops) = match getopt(args, "lwcmL", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "wc", &e, 1),
        };
        let mut sel: Vec<char> = Vec::new();
        for c in ['l', 'w', 'm', 'c', 'L'] {
            if opts.iter().any(|o| o.0 == c) {
                sel.push(c);
            }
        }
        if sel.is_empty() {
            sel = vec!['l', 'w', 'c'];
        }
        let files = or_stdin(&ops);
        let mut rows: Vec<(Vec<u64>, String)> = Vec::new();
        let mut totals = vec![0u64; sel.len()];
        let mut status = 0;
        let mut regular_total: u64 = 0;
        let mut min_width = 1;
        for f in &files {
            let data = match read_input(ctx, f) {
                Ok(d) => d,
                Err(e) => {
                    ctx.error("wc", &format!("{f}: {e}"));
                    status = 1;
                    continue;
                }
            };
            if f == "-" {
                min_width = 7;
            } else {
                regular_total += data.len() as u64;
            }
            let text = String::from_utf8_lossy(&data);
            let counts: Vec<u64> = sel
                .iter()
                .map(|c| match c {
                    'l' => data.iter().filter(|&&b| b == b'\n').count() as u64,
                    'w' => data
                        .split(|b| b.is_ascii_whitespace())
                        .filter(|w| !w.is_empty())
                        .count() as u64,
                    'm' => text.chars().count() as u64,
                    'L' => text
                        .split('\n')
                        .map(|l| {
                            l.chars()
                                .map(|c| if c == '\t' { 8 } else { 1 })
                                .sum::<u64>()
                        })
                        .max()
                        .unwrap_or(0),
                    _ => data.len() as u64,
                })
                .collect();
            for ((t, c), k) in totals.iter_mut().zip(&counts).zip(&sel) {
                *t = if *k == 'L' { (*t).max(*c) } else { *t + c };
            }
            rows.push((
                counts,
                if f == "-" && ops.is_empty() {
                    String::new()
                } else {
                    f.clone()
                },
            ));
        }
        let mut width = regular_total.to_string().len().max(min_width);
        if sel.len() == 1 && files.len() == 1 {
            width = 1;
        }
        if files.len() > 1 {
            rows.push((totals, "total".into()));
        }
        for (counts, name) in rows {
            let mut line: Vec<String> = counts.iter().map(|c| format!("{c:>width$}")).collect();
            if !name.is_empty() {
                line.push(name);
            }
            ctx.stdout.line(&line.join(" "));
        }
        status
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn counts_like_gnu() {
        assert_eq!(
            run("wc", &[], "/", b"\n").stdout,
            "      1       0       1\n"
        );
        assert_eq!(
            run("wc", &["-c"], "/", b"one\ntwo\nthree\nfour\nfive\n").stdout,
            "24\n"
        );
        assert_eq!(
            run("wc", &["-m"], "/", "héllo wörld\n".as_bytes()).stdout,
            "12\n"
        );
        let r = run("wc", &["-l", "/etc/hostname"], "/", b"");
        assert_eq!(r.stdout, "1 /etc/hostname\n");
        let r = run("wc", &["/etc/hostname", "/etc/hostname"], "/", b"");
        assert_eq!(
            r.stdout,
            " 1  1 12 /etc/hostname\n 1  1 12 /etc/hostname\n 2  2 24 total\n"
        );
        let r = run("wc", &["/nonexistent"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("wc: /nonexistent: No such file or directory\n", 1)
        );
        assert_eq!(
            run("wc", &["--foo"], "/", b"").stderr,
            "wc: unrecognized option '--foo'\nTry 'wc --help' for more information.\n"
        );
    }
}
