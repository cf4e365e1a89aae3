//! `which`: locate a command (debianutils 5.7 `which`), searching `$PATH` in the VFS.
//!
//! Emulated: the first match per name (`-a`: all matches), names containing `/` checked
//! directly, exit status 1 when any name is missing (nothing printed for it). A match is
//! an executable non-directory. Options as the script's `getopts a`: `Illegal option -X`
//! and the usage on stdout, status 2 (`--help` too: it has none).

use super::{CmdCtx, Command};

/// `which`.
pub struct Which;

impl Command for Which {
    fn name(&self) -> &'static str {
        "which"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/which"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        // dash's `getopts a`: options until the first operand or `--`; no `--help`.
        let mut all = false;
        let mut rest = args.get(1..).unwrap_or(&[]);
        while let Some((a, more)) = rest.split_first() {
            if a == "--" {
                rest = more;
                break;
            }
            let Some(letters) = a.strip_prefix('-').filter(|l| !l.is_empty()) else {
                break;
            };
            for c in letters.chars() {
                if c != 'a' {
                    ctx.stderr.line(&format!("Illegal option -{c}"));
                    let script = match args.first() {
                        Some(a0) if a0.contains('/') => a0.as_str(),
                        _ => "/usr/bin/which",
                    };
                    ctx.stdout.line(&format!("Usage: {script} [-a] args"));
                    return 2;
                }
                all = true;
            }
            rest = more;
        }
        let names = rest.to_vec();
        if names.is_empty() {
            return 1;
        }
        let path = ctx.env.get("PATH").unwrap_or("").to_string();
        let mut status = 0;
        for n in &names {
            let exec = |ctx: &CmdCtx<'_>, p: &str| {
                ctx.fs
                    .stat(ctx.cwd, p)
                    .is_ok_and(|m| !m.is_dir() && m.mode & 0o111 != 0)
            };
            if n.contains('/') {
                if exec(ctx, n) {
                    ctx.stdout.line(n);
                } else {
                    status = 1;
                }
                continue;
            }
            let mut found = false;
            for dir in path.split(':') {
                let d = if dir.is_empty() { "." } else { dir };
                let p = format!("{}/{n}", d.trim_end_matches('/'));
                if !n.is_empty() && exec(ctx, &p) {
                    ctx.stdout.line(&p);
                    found = true;
                    if !all {
                        break;
                    }
                }
            }
            if !found {
                status = 1;
            }
        }
        status
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn finds() {
        assert_eq!(
            run("which", &["ls", "bash"], "/", b"").stdout,
            "/usr/bin/ls\n/usr/bin/bash\n"
        );
        assert_eq!(
            run("which", &["-a", "ls"], "/", b"").stdout,
            "/usr/bin/ls\n/bin/ls\n"
        );
        let r = run("which", &["nope"], "/", b"");
        assert_eq!((r.stdout.as_str(), r.code), ("", 1));
    }
}
