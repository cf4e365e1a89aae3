//! `cut`: remove sections from each line (coreutils 9.1).
//!
//! Emulated: `-f LIST` with `-d DELIM` (default TAB), `-s`, `-b LIST`/`-c LIST` (bytes; `-c`
//! counts bytes too, as GNU does), `--complement`, `--output-delimiter`, ranges `N`, `N-`,
//! `-M`, `N-M`, lists `1,3-5`; GNU errors. No gaps known for the emulated options.

use super::util::{Val, getopt, or_stdin, q, read_input, usage};
use super::{CmdCtx, Command};

/// `cut`.
pub struct Cut;

type Ranges = Vec<(usize, usize)>;

fn parse_list(s: &str) -> Result<Ranges, String> {
    let mut out = Vec::new();
    for part in s.split([',', ' ']) {
        if part.is_empty() {
            return Err("fields and positions are numbered from 1".into());
        }
        let num = |x: &str| -> Result<usize, String> {
            match x.parse::<u64>() {
                Ok(0) => Err("fields and positions are numbered from 1".into()),
                Ok(n) => Ok(usize::try_from(n).unwrap_or(usize::MAX)),
                Err(_) if x.bytes().all(|b| b.is_ascii_digit()) && !x.is_empty() => Ok(usize::MAX),
                Err(_) => Err(format!("invalid field value {}", q(x))),
            }
        };
        let r = match part.split_once('-') {
            None => {
                let n = num(part)?;
                (n, n)
            }
            Some(("", "")) => return Err("invalid range with no endpoint: -".into()),
            Some(("", b)) => (1, num(b)?),
            Some((a, "")) => (num(a)?, usize::MAX),
            Some((a, b)) => {
                let (a, b) = (num(a)?, num(b)?);
                if b < a {
                    return Err("invalid decreasing range".into());
                }
                (a, b)
            }
        };
        out.push(r);
    }
    Ok(out)
}

fn selected(r: &Ranges, i: usize, complement: bool) -> bool {
    r.iter().any(|(a, b)| *a <= i && i <= *b) != complement
}

impl Command for Cut {
    fn name(&self) -> &'static str {
        "cut"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/cut"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("fields", 'f', Val::Req),
            ("delimiter", 'd', Val::Req),
            ("bytes", 'b', Val::Req),
            ("characters", 'c', Val::Req),
            ("only-delimited", 's', Val::No),
            ("complement", 'C', Val::No),
            ("output-delimiter", 'O', Val::Req),
            ("zero-terminated", 'z', Val::No),
        ];
        let (opts, ops) = match getopt(args, "f:d:b:c:snz", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "cut", &e, 1),
        };
        let (mut list, mut fields, mut delim, mut only, mut comp, mut out_delim) =
            (None, false, b'\t', false, false, None);
        for (c, v) in opts {
            let v = v.unwrap_or_default();
            match c {
                'f' | 'b' | 'c' => {
                    if list.is_some() {
                        return usage(ctx, "cut", "only one list may be specified", 1);
                    }
                    list = Some(v);
                    fields = c == 'f';
                }
                'd' => {
                    if v.len() > 1 {
                        return usage(ctx, "cut", "the delimiter must be a single character", 1);
                    }
                    delim = v.bytes().next().unwrap_or(b'\t');
                }
                's' => only = true,
                'C' => comp = true,
                'O' => out_delim = Some(v.into_bytes()),
                _ => {}
            }
        }
        let Some(list) = list else {
            return usage(
                ctx,
                "cut",
                "you must specify a list of bytes, characters, or fields",
                1,
            );
        };
        let ranges = match parse_list(&list) {
            Ok(r) => r,
            Err(e) => return usage(ctx, "cut", &e, 1),
        };
        let mut status = 0;
        for f in or_stdin(&ops) {
            let data = match read_input(ctx, &f) {
                Ok(d) => d,
                Err(e) => {
                    ctx.error("cut", &format!("{f}: {e}"));
                    status = 1;
                    continue;
                }
            };
            let mut out = Vec::with_capacity(data.len());
            let body = data.strip_suffix(b"\n").unwrap_or(&data);
            if data.is_empty() {
                continue;
            }
            for line in body.split(|&b| b == b'\n') {
                if fields {
                    if !line.contains(&delim) {
                        if !only {
                            out.extend_from_slice(line);
                            out.push(b'\n');
                        }
                        continue;
                    }
                    let od = out_delim.clone().unwrap_or_else(|| vec![delim]);
                    let mut first = true;
                    for (i, part) in line.split(|&b| b == delim).enumerate() {
                        if selected(&ranges, i + 1, comp) {
                            if !first {
                                out.extend_from_slice(&od);
                            }
                            first = false;
                            out.extend_from_slice(part);
                        }
                    }
                } else {
                    let mut last_sel: Option<usize> = None;
                    for (i, &b) in line.iter().enumerate() {
                        if selected(&ranges, i + 1, comp) {
                            if let (Some(od), Some(l)) = (&out_delim, last_sel)
                                && l + 1 != i
                            {
                                out.extend_from_slice(od);
                            }
                            out.push(b);
                            last_sel = Some(i);
                        }
                    }
                }
                out.push(b'\n');
                if out.len() > 1 << 22 {
                    break;
                }
            }
            ctx.stdout.write(&out);
        }
        status
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    fn c(args: &[&str], stdin: &str) -> String {
        run("cut", args, "/", stdin.as_bytes()).stdout
    }

    #[test]
    fn cuts() {
        let r = run("cut", &["-d:", "-f1,3", "/etc/passwd"], "/", b"");
        assert!(r.stdout.starts_with("root:0\ndaemon:1\n"));
        assert_eq!(c(&["-c1-3,5"], "one\ntwo\n"), "one\ntwo\n");
        assert_eq!(c(&["-d:", "-f2-"], "a:b:c\n"), "b:c\n");
        assert_eq!(c(&["-f2"], "nodelim\n"), "nodelim\n");
        assert_eq!(c(&["-s", "-d:", "-f2"], "nodelim\n"), "");
        assert_eq!(c(&["-d,", "-f3"], "a,b\n"), "\n");
        assert_eq!(
            c(&["-d", ":", "-f", "1", "--output-delimiter=|"], "a:b\n"),
            "a\n"
        );
        assert_eq!(c(&["-d:", "--complement", "-f1"], "a:b:c\n"), "b:c\n");
        let r = run("cut", &[], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "cut: you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information.\n",
                1
            )
        );
        assert_eq!(
            run("cut", &["-f"], "/", b"").stderr,
            "cut: option requires an argument -- 'f'\nTry 'cut --help' for more information.\n"
        );
        assert_eq!(
            run("cut", &["-f1", "-d:", "-f3"], "/", b"").stderr,
            "cut: only one list may be specified\nTry 'cut --help' for more information.\n"
        );
    }
}
