//! Pagers and editors that must never wait for a keyboard: `less` and `more` copy their
//! input like `cat` when standard output is not a terminal and show one screen otherwise;
//! `vi`/`vim.tiny` and `nano` warn and return without a terminal (exec sessions) and draw
//! one screen in a pty session.

use super::util::read_input;
use super::{CmdCtx, Command};

/// `less` (590).
pub struct Less;
/// `more` (util-linux 2.38.1).
pub struct More;
/// `vim.tiny` (what `vi`, `ex` and `view` point at).
pub struct Vim;
/// `nano` (7.2).
pub struct Nano;

fn operands(args: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut done = false;
    for a in args.iter().skip(1) {
        if !done && a == "--" {
            done = true;
        } else if done || !a.starts_with(['-', '+']) || a == "-" {
            out.push(a.clone());
        }
    }
    out
}

/// The lines of a screen: at most `rows - 1` lines of `text`.
fn screen(text: &str, rows: usize) -> Vec<&str> {
    text.lines().take(rows.saturating_sub(1).max(1)).collect()
}

impl Command for Less {
    fn name(&self) -> &'static str {
        "less"
    }
    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/less"]
    }
    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        if args.iter().any(|a| a == "--version" || a == "-V") {
            ctx.stdout.write_str("less 590 (GNU regular expressions)\nCopyright (C) 1984-2021  Mark Nudelman\n\nless comes with NO WARRANTY, to the extent permitted by law.\nFor information about the terms of redistribution,\nsee the file named README in the less distribution.\nHome page: https://greenwoodsoftware.com/less\n");
            return 0;
        }
        if args.iter().skip(1).any(|a| a == "--help" || a == "-?") {
            ctx.stdout.write_str(include_str!("adminhelp/less.help"));
            return 0;
        }
        for a in args.iter().skip(1).take_while(|a| *a != "--") {
            if let Some(long) = a.strip_prefix("--") {
                let known = [
                    "quit-if-one-screen",
                    "no-init",
                    "RAW-CONTROL-CHARS",
                    "raw-control-chars",
                    "chop-long-lines",
                    "ignore-case",
                    "LINE-NUMBERS",
                    "quiet",
                    "silent",
                    "squeeze-blank-lines",
                    "follow-name",
                    "mouse",
                ];
                if !known.contains(&long.split('=').next().unwrap_or("")) {
                    ctx.stderr.line(&format!(
                        "There is no {long} option (\"less --help\" for help)"
                    ));
                    return 0;
                }
            } else if let Some(c) = a.strip_prefix('-').and_then(|f| {
                f.chars()
                    .find(|c| !"aBcCdeEfFgGiIJKLmMnNqQrRsSuUwWXz0123456789~".contains(*c))
            }) {
                ctx.stderr.line(&format!(
                    "There is no -{c} option (\"less --help\" for help)"
                ));
                return 0;
            }
        }
        let files = operands(args);
        let mut text = Vec::new();
        let mut status = 0;
        if files.is_empty() {
            text.extend_from_slice(ctx.stdin);
        }
        for f in &files {
            match read_input(ctx, f) {
                Ok(d) => text.extend_from_slice(&d),
                Err(e) => {
                    ctx.stderr.line(&format!("{f}: {e}"));
                    status = 1;
                }
            }
        }
        if files.is_empty() && ctx.stdin.is_empty() && ctx.stdout_is_tty {
            ctx.stderr
                .line("Missing filename (\"less --help\" for help)");
            return 0;
        }
        show(ctx, &text, "(END)");
        status
    }
}

fn show(ctx: &mut CmdCtx<'_>, text: &[u8], prompt: &str) {
    if !ctx.stdout_is_tty {
        ctx.stdout.write(text);
        return;
    }
    let s = String::from_utf8_lossy(text);
    let rows = usize::try_from(ctx.session.rows).unwrap_or(24);
    let lines = screen(&s, rows);
    let all = s.lines().count() <= lines.len();
    for l in &lines {
        ctx.stdout.line(l);
    }
    if !all {
        ctx.stdout.line(prompt);
    }
}

impl Command for More {
    fn name(&self) -> &'static str {
        "more"
    }
    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/more"]
    }
    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        if args.iter().any(|a| a == "--version" || a == "-V") {
            ctx.stdout.line("more from util-linux 2.38.1");
            return 0;
        }
        if args.iter().skip(1).any(|a| a == "--help" || a == "-h") {
            ctx.stdout.write_str(include_str!("adminhelp/more.help"));
            return 0;
        }
        for a in args.iter().skip(1).take_while(|a| *a != "--") {
            if let Some(long) = a.strip_prefix("--") {
                if ![
                    "silent",
                    "logical",
                    "no-pause",
                    "print-over",
                    "clean-print",
                    "squeeze",
                    "plain",
                    "lines",
                ]
                .contains(&long.split('=').next().unwrap_or(""))
                {
                    ctx.stderr.line(&format!(
                        "more: unrecognized option '{a}'\nTry 'more --help' for more information."
                    ));
                    return 1;
                }
            } else if let Some(c) = a
                .strip_prefix('-')
                .and_then(|f| f.chars().find(|c| !"dlfpcsun0123456789".contains(*c)))
            {
                ctx.stderr.line(&format!(
                    "more: invalid option -- '{c}'\nTry 'more --help' for more information."
                ));
                return 1;
            }
        }
        let files = operands(args);
        if files.is_empty() {
            let data = ctx.stdin.to_vec();
            if data.is_empty() && ctx.stdout_is_tty {
                ctx.stderr
                    .line("more: bad usage\nTry 'more --help' for more information.");
                return 1;
            }
            show(ctx, &data, "--More--");
            return 0;
        }
        let mut text = Vec::new();
        let mut status = 0;
        let many = files.len() > 1;
        for f in &files {
            match read_input(ctx, f) {
                Ok(d) => {
                    if many {
                        text.extend_from_slice(
                            format!("::::::::::::::\n{f}\n::::::::::::::\n").as_bytes(),
                        );
                    }
                    text.extend_from_slice(&d);
                }
                Err(miragepot_vfs::FsError::IsADirectory) => {
                    ctx.stderr.line(&format!("\n*** {f}: directory ***\n"));
                }
                Err(e) => {
                    ctx.stderr.line(&format!("more: cannot open {f}: {e}"));
                    status = 1;
                }
            }
        }
        show(ctx, &text, "--More--");
        status
    }
}

impl Command for Vim {
    fn name(&self) -> &'static str {
        "vim.tiny"
    }
    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/vim.tiny"]
    }
    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        if args.iter().skip(1).any(|a| a == "--help" || a == "-h") {
            ctx.stdout.write_str(include_str!("adminhelp/vim.help"));
            return 0;
        }
        let vim_banner = "VIM - Vi IMproved 9.0 (2022 Jun 28, compiled Feb 16 2025 05:23:41)";
        for a in args.iter().skip(1).take_while(|a| *a != "--") {
            let known_long = [
                "--version",
                "--clean",
                "--noplugin",
                "--not-a-term",
                "--literal",
                "--nofork",
                "--ttyfail",
                "--startuptime",
                "--cmd",
            ];
            let bad = if a.starts_with("--") {
                !known_long.contains(&a.split('=').next().unwrap_or(""))
            } else {
                a.strip_prefix('-').is_some_and(|f| {
                    f.chars()
                        .any(|c| !"bcdeEhlLmMnNoOpqrRsStTuUvVwWxXyYZ0123456789".contains(c))
                        || f == "Y"
                })
            };
            if bad {
                ctx.stderr.line(&format!(
                    "{vim_banner}\nUnknown option argument: \"{a}\"\nMore info with: \"vim -h\""
                ));
                return 1;
            }
        }
        if args.iter().skip(1).any(|a| a == "--version") {
            ctx.stdout.line("VIM - Vi IMproved 9.0 (2022 Jun 28, compiled Feb 16 2025 05:23:41)\nIncluded patches: 1-1378, 1499, 1532, 1848, 1858, 1873, 1969, 2142\nModified by team+vim@tracker.debian.org\nCompiled by team+vim@tracker.debian.org\nSmall version without GUI.  Features included (+) or not (-):");
            return 0;
        }
        let files = operands(args);
        if ctx.session.tty.is_none() || !ctx.stdout_is_tty {
            if !ctx.stdout_is_tty {
                ctx.stderr.line("Vim: Warning: Output is not to a terminal");
            }
            if ctx.session.tty.is_none() {
                ctx.stderr
                    .line("Vim: Warning: Input is not from a terminal");
            }
            ctx.stderr.line("Vim: Error reading input, exiting...");
            ctx.stderr.line("Vim: Finished.");
            return 1;
        }
        let rows = usize::try_from(ctx.session.rows).unwrap_or(24).max(3);
        let file = files.first().cloned();
        let (text, status) = match &file {
            Some(f) => match read_input(ctx, f) {
                Ok(d) => {
                    let s = String::from_utf8_lossy(&d).into_owned();
                    let msg = format!("\"{f}\" {}L, {}B", s.lines().count(), d.len());
                    (s, msg)
                }
                Err(_) => (String::new(), format!("\"{f}\" [New]")),
            },
            None => (String::new(), String::new()),
        };
        ctx.stdout.write_str("\x1b[H\x1b[2J");
        let lines = screen(&text, rows - 1);
        for l in &lines {
            ctx.stdout.line(l);
        }
        for _ in lines.len()..rows - 1 {
            ctx.stdout.line("~");
        }
        ctx.stdout.line(&status);
        0
    }
}

impl Command for Nano {
    fn name(&self) -> &'static str {
        "nano"
    }
    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/nano"]
    }
    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        if args.iter().skip(1).any(|a| a == "--version" || a == "-V") {
            ctx.stdout.write_str(" GNU nano, version 7.2\n (C) 2023 the Free Software Foundation and various contributors\n Compiled options: --disable-libmagic --enable-utf8\n");
            return 0;
        }
        if args.iter().skip(1).any(|a| a == "--help" || a == "-h") {
            ctx.stdout.write_str("Usage: nano [OPTIONS] [[+LINE[,COLUMN]] FILE]...\n\nTo place the cursor on a specific line of a file, put the line number with\na '+' before the filename.  The column number can be added after a comma.\nWhen a filename is '-', nano reads data from standard input.\n\n");
            return 0;
        }
        for a in args.iter().skip(1).take_while(|a| *a != "--") {
            if a.starts_with("--") && a.len() > 2 {
                ctx.stderr.line(&format!("nano: unrecognized option '{a}'\nType 'nano -h' for a list of available options."));
                return 1;
            }
            if let Some(c) = a.strip_prefix('-').and_then(|f| {
                f.chars().find(|c| {
                    !"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789$%_!"
                        .contains(*c)
                        || *c == 'Y'
                })
            }) {
                ctx.stderr.line(&format!(
                    "nano: invalid option -- '{c}'\nType 'nano -h' for a list of available options."
                ));
                return 1;
            }
        }
        if ctx.env.get("TERM").is_none_or(str::is_empty) {
            ctx.stderr.line("Error opening terminal: unknown.");
            return 1;
        }
        if ctx.session.tty.is_none() || !ctx.stdout_is_tty {
            ctx.stderr.line("Too many errors from stdin");
            return 1;
        }
        let files = operands(args);
        let name = files.first().cloned().unwrap_or_default();
        let text = if name.is_empty() {
            String::new()
        } else {
            read_input(ctx, &name)
                .map(|d| String::from_utf8_lossy(&d).into_owned())
                .unwrap_or_default()
        };
        let cols = usize::try_from(ctx.session.cols).unwrap_or(80);
        let rows = usize::try_from(ctx.session.rows).unwrap_or(24).max(6);
        let title = if name.is_empty() {
            "New Buffer".to_string()
        } else {
            name.clone()
        };
        let head = format!(
            "  GNU nano 7.2{:^w$}",
            title,
            w = cols.saturating_sub(14 + 2)
        );
        ctx.stdout.write_str("\x1b[H\x1b[2J");
        ctx.stdout.line(&format!("\x1b[7m{head}\x1b[0m"));
        let body = screen(&text, rows - 4);
        for l in &body {
            ctx.stdout.line(l);
        }
        for _ in body.len()..rows - 5 {
            ctx.stdout.line("");
        }
        ctx.stdout.line(
            "^G Help      ^O Write Out  ^W Where Is   ^K Cut        ^T Execute    ^C Location",
        );
        ctx.stdout.line(
            "^X Exit      ^R Read File  ^\\ Replace    ^U Paste      ^J Justify    ^/ Go To Line",
        );
        0
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run, run_piped};

    #[test]
    fn pagers_copy_when_piped() {
        let r = run_piped("less", &["/etc/hostname"], "/", b"");
        assert_eq!(r.stdout, "web-prod-02\n");
        let r = run_piped("more", &["/etc/hostname", "/etc/hostname"], "/", b"");
        assert_eq!(
            r.stdout,
            "::::::::::::::\n/etc/hostname\n::::::::::::::\nweb-prod-02\n::::::::::::::\n/etc/hostname\n::::::::::::::\nweb-prod-02\n"
        );
        let r = run_piped("more", &["/nope"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("more: cannot open /nope: No such file or directory\n", 1)
        );
        let r = run_piped("less", &[], "/", b"x\n");
        assert_eq!(r.stdout, "x\n");
    }

    #[test]
    fn editors_return_without_a_terminal() {
        let r = run_piped("vim.tiny", &["/etc/passwd"], "/", b"");
        assert!(
            r.stderr
                .starts_with("Vim: Warning: Output is not to a terminal\n")
        );
        let r = run("vim.tiny", &["/etc/hostname"], "/", b"");
        assert!(r.stdout.contains("web-prod-02\n~\n"));
        let r = run_piped("nano", &["x"], "/", b"");
        assert_eq!(r.code, 1);
    }
}
