//! `head`: output the first part of files (coreutils 9.1).
//!
//! Emulated: `-n N`, `-n -N` (all but the last N), `-c N`, `-c -N`, the obsolete `-N`,
//! size suffixes (`1K`), `-q`, `-v`, `==> f <==` headers for several files, GNU errors
//! (`cannot open 'x' for reading`, `invalid number of lines: ‘x’`). Huge counts saturate.

use super::util::{Val, getopt, or_stdin, parse_count, q, read_input, sq, to_usize, usage};
use super::{CmdCtx, Command};

/// `head`.
pub struct Head;

/// Rewrites the obsolete `-N` / `+N` first argument into `-n N`.
pub(crate) fn obsolete_count(args: &[String]) -> Vec<String> {
    let mut v = args.to_vec();
    if let Some(a) = v.get(1).cloned()
        && a.len() > 1
        && a.starts_with('-')
        && a.bytes().skip(1).all(|b| b.is_ascii_digit())
    {
        v.splice(
            1..2,
            ["-n".to_string(), a.get(1..).unwrap_or("").to_string()],
        );
    }
    v
}

impl Command for Head {
    fn name(&self) -> &'static str {
        "head"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/head"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let args = obsolete_count(args);
        let long = [
            ("lines", 'n', Val::Req),
            ("bytes", 'c', Val::Req),
            ("quiet", 'q', Val::No),
            ("silent", 'q', Val::No),
            ("verbose", 'v', Val::No),
            ("zero-terminated", 'z', Val::No),
        ];
        let (opts, ops) = match getopt(&args, "n:c:qvz", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "head", &e, 1),
        };
        let (mut bytes, mut neg, mut n) = (false, false, 10u64);
        let mut headers: Option<bool> = None;
        for (c, v) in opts {
            match c {
                'n' | 'c' => match count_arg(ctx, "head", c, &v.unwrap_or_default(), '-') {
                    Some((x, is_neg)) => (n, neg, bytes) = (x, is_neg, c == 'c'),
                    None => return 1,
                },
                'q' => headers = Some(false),
                'v' => headers = Some(true),
                _ => {}
            }
        }
        let files = or_stdin(&ops);
        let show = headers.unwrap_or(files.len() > 1);
        each_input(ctx, "head", &files, show, |ctx, data| {
            let n = to_usize(n);
            let end = if bytes {
                if neg {
                    data.len().saturating_sub(n)
                } else {
                    n.min(data.len())
                }
            } else {
                let ends: Vec<usize> = data
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| **b == b'\n')
                    .map(|(i, _)| i + 1)
                    .collect();
                if neg {
                    let total =
                        ends.len() + usize::from(!data.is_empty() && data.last() != Some(&b'\n'));
                    let keep = total.saturating_sub(n);
                    if keep == 0 {
                        0
                    } else {
                        ends.get(keep - 1).copied().unwrap_or(data.len())
                    }
                } else if n == 0 {
                    0
                } else {
                    ends.get(n - 1).copied().unwrap_or(data.len())
                }
            };
            ctx.stdout.write(data.get(..end).unwrap_or(data));
        })
    }
}

/// `-n`/`-c` value shared by `head` and `tail`: a count with an optional sign. `special` is
/// the sign that changes the meaning (`-` for head: all but the last N; `+` for tail: from
/// line N); the other sign is accepted and ignored, as GNU does. Prints GNU's error and
/// returns `None` on a bad count.
pub(super) fn count_arg(
    ctx: &mut CmdCtx<'_>,
    tool: &str,
    opt: char,
    value: &str,
    special: char,
) -> Option<(u64, bool)> {
    let other = if special == '-' { '+' } else { '-' };
    let (is_special, body) = match value.strip_prefix(special) {
        Some(b) => (true, b),
        None => (false, value.strip_prefix(other).unwrap_or(value)),
    };
    match parse_count(body) {
        Some(n) => Some((n, is_special)),
        None => {
            let what = if opt == 'c' { "bytes" } else { "lines" };
            ctx.error(tool, &format!("invalid number of {what}: {}", q(value)));
            None
        }
    }
}

/// Runs `each` on every input of `head`/`tail` in turn, with GNU's `==> name <==` headers
/// when `show` is set and `cannot open 'f' for reading` errors. Returns the exit status.
pub(super) fn each_input(
    ctx: &mut CmdCtx<'_>,
    tool: &str,
    files: &[String],
    show: bool,
    mut each: impl FnMut(&mut CmdCtx<'_>, &[u8]),
) -> i32 {
    let mut status = 0;
    let mut first = true;
    for f in files {
        let data = match read_input(ctx, f) {
            Ok(d) => d,
            Err(e) => {
                ctx.error(tool, &format!("cannot open {} for reading: {e}", sq(f)));
                status = 1;
                continue;
            }
        };
        if show {
            let name = if f == "-" { "standard input" } else { f };
            ctx.stdout.write_str(&format!(
                "{}==> {name} <==\n",
                if first { "" } else { "\n" }
            ));
        }
        first = false;
        each(ctx, &data);
    }
    status
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    const N: &[u8] = b"one\ntwo\nthree\nfour\nfive\n";

    #[test]
    fn heads() {
        assert_eq!(run("head", &["-n", "2"], "/", N).stdout, "one\ntwo\n");
        assert_eq!(run("head", &["-2"], "/", N).stdout, "one\ntwo\n");
        assert_eq!(run("head", &["-c", "5"], "/", N).stdout, "one\nt");
        assert_eq!(
            run("head", &["-n", "-2"], "/", N).stdout,
            "one\ntwo\nthree\n"
        );
        assert_eq!(
            run("head", &["-n", "99999999999999999999"], "/", N).stdout,
            "one\ntwo\nthree\nfour\nfive\n"
        );
        assert_eq!(
            run("head", &["-n", "1", "/etc/hostname", "-"], "/", N).stdout,
            "==> /etc/hostname <==\nweb-prod-02\n\n==> standard input <==\none\n"
        );
        let r = run("head", &["-n", "x"], "/", N);
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("head: invalid number of lines: \u{2018}x\u{2019}\n", 1)
        );
        let r = run("head", &["/nonexistent"], "/", N);
        assert_eq!(
            r.stderr,
            "head: cannot open '/nonexistent' for reading: No such file or directory\n"
        );
    }
}
