//! `xargs` (GNU findutils 4.9.0): build and run command lines from standard input.
//!
//! Emulated: blank/newline splitting with xargs' quoting (`'…'`, `"…"`, `\`), `-0`,
//! `-d DELIM`, `-a FILE`, `-n N`, `-L N`/`-l`, `-I REPL`/`-i`, `-r`, `-t`, `-E EOF`, `-s`,
//! `-x`, `-P` (run one after another); default command `echo`; exit statuses 123/124/126/127
//! as GNU. The command table has no access to the interpreter, so only table commands run
//! (through [`run_argv`]); shell builtins such as `kill` or `cd` cannot be reached and a
//! program that exists in the filesystem but is not emulated runs as a silent success.

use super::util::{IGNORED, Val, getopt_posix, read_input, usage};
use super::{CmdCtx, Command, by_name, by_path};

/// `xargs`.
pub struct Xargs;

/// Commands run per `xargs` invocation at most.
const MAX_RUNS: usize = 4096;

impl Command for Xargs {
    fn name(&self) -> &'static str {
        "xargs"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/xargs"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("null", '0', Val::No),
            ("arg-file", 'a', Val::Req),
            ("delimiter", 'd', Val::Req),
            ("eof", 'e', Val::Opt),
            ("replace", 'i', Val::Opt),
            ("max-lines", 'l', Val::Opt),
            ("max-args", 'n', Val::Req),
            ("open-tty", 'o', Val::No),
            ("interactive", 'p', Val::No),
            ("no-run-if-empty", 'r', Val::No),
            ("max-chars", 's', Val::Req),
            ("show-limits", IGNORED, Val::No),
            ("verbose", 't', Val::No),
            ("exit", 'x', Val::No),
            ("max-procs", 'P', Val::Req),
            ("process-slot-var", IGNORED, Val::Req),
        ];
        let (opts, ops) = match getopt_posix(args, "0a:d:E:e::I:i::L:l::n:oprs:txP:", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "xargs", &e, 1),
        };
        let mut delim: Option<u8> = None;
        let mut argfile: Option<String> = None;
        let mut eof: Option<String> = None;
        let mut repl: Option<String> = None;
        let mut max_args: Option<usize> = None;
        let mut max_lines: Option<usize> = None;
        let (mut no_empty, mut verbose) = (false, false);
        for (c, v) in opts {
            let v = v.unwrap_or_default();
            match c {
                '0' => delim = Some(0),
                'd' => delim = Some(parse_delim(&v)),
                'a' => argfile = Some(v),
                'E' | 'e' => eof = (!v.is_empty()).then_some(v),
                'I' => repl = Some(v),
                'i' => repl = Some(if v.is_empty() { "{}".into() } else { v }),
                'n' | 'L' | 'l' => {
                    let n = if c == 'l' && v.is_empty() {
                        Some(1)
                    } else {
                        v.parse::<i64>().ok()
                    };
                    let opt = if c == 'n' { "-n" } else { "-L" };
                    match n {
                        Some(n) if n >= 1 => {
                            if c == 'n' {
                                max_args = Some(usize::try_from(n).unwrap_or(usize::MAX));
                            } else {
                                max_lines = Some(usize::try_from(n).unwrap_or(usize::MAX));
                            }
                        }
                        Some(n) => {
                            ctx.error(
                                "xargs",
                                &format!("value {n} for {opt} option should be >= 1"),
                            );
                            ctx.stderr.line("Try 'xargs --help' for more information.");
                            return 1;
                        }
                        None => {
                            ctx.error("xargs", &format!("invalid number \"{v}\" for {opt} option"));
                            ctx.stderr.line("Try 'xargs --help' for more information.");
                            return 1;
                        }
                    }
                }
                'r' => no_empty = true,
                't' | 'p' => verbose = true,
                _ => {}
            }
        }
        let input = match &argfile {
            Some(f) => match read_input(ctx, f) {
                Ok(b) => b,
                Err(e) => {
                    ctx.error("xargs", &format!("{f}: {}", e));
                    return 1;
                }
            },
            None => ctx.stdin.to_vec(),
        };
        let mut cmd: Vec<String> = if ops.is_empty() {
            vec!["echo".into()]
        } else {
            ops
        };
        // Items, with the line each ended (for -L).
        let items = if repl.is_some() {
            let mut v = Vec::new();
            for line in input.split(|&b| b == delim.unwrap_or(b'\n')) {
                let s = String::from_utf8_lossy(line);
                let s = if delim.is_none() {
                    s.trim_start().to_string()
                } else {
                    s.into_owned()
                };
                if !s.is_empty() {
                    v.push((s, true));
                }
            }
            if delim.is_none() && input.ends_with(b"\n") {
                // the split above already dropped the empty tail
            }
            v
        } else if let Some(d) = delim {
            let mut parts: Vec<&[u8]> = input.split(|&b| b == d).collect();
            if parts.last().is_some_and(|p| p.is_empty()) {
                parts.pop();
            }
            parts
                .into_iter()
                .map(|p| (String::from_utf8_lossy(p).into_owned(), true))
                .collect()
        } else {
            match split_quoted(&input) {
                Ok(v) => v,
                Err(q) => {
                    ctx.error(
                        "xargs",
                        &format!("unmatched {q} quote; by default quotes are special to xargs unless you use the -0 option"),
                    );
                    return 1;
                }
            }
        };
        let mut items = items;
        if let Some(e) = &eof
            && let Some(pos) = items.iter().position(|(s, _)| s == e)
        {
            items.truncate(pos);
        }
        let mut batches: Vec<Vec<String>> = Vec::new();
        if let Some(r) = &repl {
            for (it, _) in &items {
                batches.push(cmd.iter().map(|a| a.replace(r.as_str(), it)).collect());
            }
            cmd.clear();
        } else {
            let mut cur: Vec<String> = Vec::new();
            let mut lines = 0;
            for (it, eol) in items {
                cur.push(it);
                if eol {
                    lines += 1;
                }
                let full = max_args.is_some_and(|n| cur.len() >= n)
                    || max_lines.is_some_and(|n| eol && lines >= n);
                if full {
                    batches.push(std::mem::take(&mut cur));
                    lines = 0;
                }
                if batches.len() > MAX_RUNS {
                    break;
                }
            }
            if !cur.is_empty() {
                batches.push(cur);
            }
            if batches.is_empty() && !no_empty {
                batches.push(Vec::new());
            }
            for b in &mut batches {
                let mut full = cmd.clone();
                full.append(b);
                *b = full;
            }
        }
        let mut status = 0;
        for argv in batches.into_iter().take(MAX_RUNS) {
            if verbose {
                ctx.stderr.line(&argv.join(" "));
            }
            let code = run_argv(ctx, &argv, b"", "xargs");
            match code {
                127 | 126 => return code,
                255 => {
                    let name = argv.first().cloned().unwrap_or_default();
                    ctx.error(
                        "xargs",
                        &format!("{name}: exited with status 255; aborting"),
                    );
                    return 124;
                }
                0 => {}
                _ => status = 123,
            }
            if ctx.stdout.is_full() {
                break;
            }
        }
        status
    }
}

fn parse_delim(v: &str) -> u8 {
    match v {
        "\\n" => b'\n',
        "\\t" => b'\t',
        "\\0" => 0,
        _ => v.bytes().next().unwrap_or(b'\n'),
    }
}

/// Splits xargs input on blanks and newlines, honouring quotes and backslashes. Each item
/// comes with whether a newline ended it. The error is the unmatched quote's name.
fn split_quoted(input: &[u8]) -> Result<Vec<(String, bool)>, &'static str> {
    let s = String::from_utf8_lossy(input);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut have = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' => {
                if have {
                    out.push((std::mem::take(&mut cur), c == '\n'));
                    have = false;
                } else if c == '\n'
                    && let Some(last) = out.last_mut()
                {
                    last.1 = true;
                }
            }
            '\'' | '"' => {
                have = true;
                loop {
                    match chars.next() {
                        Some(x) if x == c => break,
                        Some('\n') | None => {
                            return Err(if c == '\'' { "single" } else { "double" });
                        }
                        Some(x) => cur.push(x),
                    }
                }
            }
            '\\' => {
                have = true;
                if let Some(x) = chars.next() {
                    cur.push(x);
                }
            }
            c => {
                have = true;
                cur.push(c);
            }
        }
        if out.len() > 100_000 {
            break;
        }
    }
    if have {
        out.push((cur, true));
    }
    Ok(out)
}

/// Runs one command line given as words: a table command by name or path, with `stdin`.
/// Unknown programs print `who: name: No such file or directory` (127). `who` is the
/// caller's name for messages (`xargs`, or `sh` for awk's `system()`).
pub(crate) fn run_argv(ctx: &mut CmdCtx<'_>, argv: &[String], stdin: &[u8], who: &str) -> i32 {
    let Some(name) = argv.first() else {
        return 0;
    };
    let cmd = if name.contains('/') {
        let abs = ctx
            .fs
            .canonicalize(ctx.cwd, name)
            .unwrap_or_else(|_| name.clone());
        by_path(&abs)
    } else {
        by_name(name)
    };
    let Some(cmd) = cmd else {
        let found = if name.contains('/') {
            ctx.fs.exists(ctx.cwd, name)
        } else {
            [
                "/usr/local/sbin",
                "/usr/local/bin",
                "/usr/sbin",
                "/usr/bin",
                "/sbin",
                "/bin",
            ]
            .iter()
            .any(|d| ctx.fs.exists("/", &format!("{d}/{name}")))
        };
        if found {
            return 0;
        }
        if who == "sh" {
            ctx.stderr.line(&format!("sh: 1: {name}: not found"));
        } else {
            ctx.error(who, &format!("{name}: No such file or directory"));
        }
        return 127;
    };
    let mut sub = CmdCtx {
        fs: &mut *ctx.fs,
        env: &mut *ctx.env,
        cwd: ctx.cwd,
        user: ctx.user,
        persona: ctx.persona,
        stdin,
        stdout: &mut *ctx.stdout,
        stderr: &mut *ctx.stderr,
        now: ctx.now,
        rng: &mut *ctx.rng,
        session: ctx.session,
        stdout_is_tty: ctx.stdout_is_tty,
        notes: &mut *ctx.notes,
        sys: &mut *ctx.sys,
    };
    let mut full = argv.to_vec();
    if let Some(first) = full.first_mut() {
        *first = cmd.name().to_string();
    }
    cmd.run(&mut sub, &full)
}

/// Runs a simple shell command line (`system()`, `print | "cmd"`): words split on blanks
/// with single and double quotes, no expansions or operators.
pub(crate) fn run_line(ctx: &mut CmdCtx<'_>, line: &str, stdin: &[u8], who: &str) -> i32 {
    let words: Vec<String> = match split_quoted(line.as_bytes()) {
        Ok(v) => v.into_iter().map(|(w, _)| w).collect(),
        Err(_) => return 2,
    };
    run_argv(ctx, &words, stdin, who)
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn batches_like_gnu_xargs() {
        assert_eq!(run("xargs", &[], "/", b"a b\nc\n").stdout, "a b c\n");
        assert_eq!(
            run("xargs", &["-n1", "echo", "x"], "/", b"a b\nc\n").stdout,
            "x a\nx b\nx c\n"
        );
        assert_eq!(
            run("xargs", &["-I{}", "echo", "<{}>"], "/", b"a\nb\n").stdout,
            "<a>\n<b>\n"
        );
        assert_eq!(run("xargs", &["echo", "hi"], "/", b"").stdout, "hi\n");
        assert_eq!(run("xargs", &["-r", "echo", "hi"], "/", b"").stdout, "");
        assert_eq!(
            run("xargs", &["-n1"], "/", b"'a b' c\\ d\n").stdout,
            "a b\nc d\n"
        );
        assert_eq!(
            run("xargs", &["-0", "-n1", "echo"], "/", b"a\0b\0").stdout,
            "a\nb\n"
        );
        assert_eq!(
            run("xargs", &["-L1", "echo"], "/", b"a b\nc\n").stdout,
            "a b\nc\n"
        );
        assert_eq!(
            run("xargs", &["-i", "echo", "[{}]"], "/", b"a\n").stdout,
            "[a]\n"
        );
        let r = run("xargs", &["-t", "echo"], "/", b"a\n");
        assert_eq!((r.stdout.as_str(), r.stderr.as_str()), ("a\n", "echo a\n"));
        let r = run("xargs", &["nosuchcmd"], "/", b"a\n");
        assert!(r.notes.is_empty() && r.sys.killed.is_empty());
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("xargs: nosuchcmd: No such file or directory\n", 127)
        );
        assert_eq!(run("xargs", &["false"], "/", b"a\n").code, 123);
        let r = run("xargs", &[], "/", b"'a b\n");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "xargs: unmatched single quote; by default quotes are special to xargs unless you use the -0 option\n",
                1
            )
        );
        let r = run("xargs", &["-n", "0"], "/", b"a\n");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "xargs: value 0 for -n option should be >= 1\nTry 'xargs --help' for more information.\n",
                1
            )
        );
        let r = run("xargs", &["cat"], "/", b"/etc/hostname\n");
        assert!(!r.stdout.is_empty());
    }
}
