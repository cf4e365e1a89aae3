//! `tail`: output the last part of files (coreutils 9.1).
//!
//! Emulated: `-n N`, `-n +N` (from line N), `-c N`, `-c +N`, the obsolete `-N`, `-q`, `-v`,
//! headers for several files, `-f`/`-F`/`--follow` (print once and return: there is nothing
//! that could grow), GNU errors. Huge counts saturate.

use super::head::{count_arg, each_input, obsolete_count};
use super::util::{IGNORED, Val, getopt, or_stdin, to_usize, usage};
use super::{CmdCtx, Command};

/// `tail`.
pub struct Tail;

impl Command for Tail {
    fn name(&self) -> &'static str {
        "tail"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/tail"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let mut args = obsolete_count(args);
        if let Some(a) = args.get(1).cloned()
            && a.len() > 1
            && a.starts_with('+')
            && a.bytes().skip(1).all(|b| b.is_ascii_digit())
        {
            args.splice(1..2, ["-n".to_string(), a]);
        }
        let long = [
            ("lines", 'n', Val::Req),
            ("bytes", 'c', Val::Req),
            ("quiet", 'q', Val::No),
            ("silent", 'q', Val::No),
            ("verbose", 'v', Val::No),
            ("follow", 'f', Val::Opt),
            ("retry", 'r', Val::No),
            ("pid", 'p', Val::Req),
            ("sleep-interval", 's', Val::Req),
            ("max-unchanged-stats", IGNORED, Val::Req),
            ("zero-terminated", 'z', Val::No),
        ];
        let (opts, ops) = match getopt(&args, "n:c:qvfFs:z", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "tail", &e, 1),
        };
        let (mut bytes, mut from_start, mut n) = (false, false, 10u64);
        let mut headers: Option<bool> = None;
        for (c, v) in opts {
            match c {
                'n' | 'c' => match count_arg(ctx, "tail", c, &v.unwrap_or_default(), '+') {
                    Some((x, plus)) => (n, from_start, bytes) = (x, plus, c == 'c'),
                    None => return 1,
                },
                'q' => headers = Some(false),
                'v' => headers = Some(true),
                _ => {}
            }
        }
        let files = or_stdin(&ops);
        let show = headers.unwrap_or(files.len() > 1);
        each_input(ctx, "tail", &files, show, |ctx, data| {
            let n = to_usize(n);
            let start = if bytes {
                if from_start {
                    n.saturating_sub(1).min(data.len())
                } else {
                    data.len().saturating_sub(n)
                }
            } else {
                let starts: Vec<usize> = std::iter::once(0)
                    .chain(
                        data.iter()
                            .enumerate()
                            .filter(|(i, b)| **b == b'\n' && i + 1 < data.len())
                            .map(|(i, _)| i + 1),
                    )
                    .collect();
                let count = if data.is_empty() { 0 } else { starts.len() };
                if from_start {
                    if n <= 1 {
                        0
                    } else {
                        starts.get(n - 1).copied().unwrap_or(data.len())
                    }
                } else if n == 0 {
                    data.len()
                } else {
                    starts.get(count.saturating_sub(n)).copied().unwrap_or(0)
                }
            };
            ctx.stdout.write(data.get(start..).unwrap_or(&[]));
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    const N: &[u8] = b"one\ntwo\nthree\nfour\nfive\n";

    #[test]
    fn tails() {
        assert_eq!(run("tail", &["-n", "2"], "/", N).stdout, "four\nfive\n");
        assert_eq!(run("tail", &["-n", "+4"], "/", N).stdout, "four\nfive\n");
        assert_eq!(run("tail", &["-c", "5"], "/", N).stdout, "five\n");
        assert_eq!(run("tail", &["-1"], "/", N).stdout, "five\n");
        assert_eq!(run("tail", &["-f", "-n", "1"], "/", b"a\nb").stdout, "b");
        assert_eq!(
            run("tail", &[], "/", N).stdout,
            "one\ntwo\nthree\nfour\nfive\n"
        );
        assert_eq!(
            run("tail", &["-n", "99999999999999999999"], "/", N).stdout,
            "one\ntwo\nthree\nfour\nfive\n"
        );
        let r = run("tail", &["/nonexistent"], "/", N);
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "tail: cannot open '/nonexistent' for reading: No such file or directory\n",
                1
            )
        );
    }
}
