//! `which`: locate a command (debianutils 5.7 `which`), searching `$PATH` in the VFS.
//!
//! Emulated: the first match per name (`-a`: all matches), names containing `/` checked
//! directly, exit status 1 when any name is missing (nothing printed for it). A match is
//! an executable non-directory.

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
        let mut all = false;
        let mut names = Vec::new();
        for a in args.iter().skip(1) {
            match a.as_str() {
                "-a" => all = true,
                s if s.starts_with('-') && names.is_empty() => {
                    ctx.stderr.line("Usage: /usr/bin/which [-as] args");
                    return 2;
                }
                s => names.push(s.to_string()),
            }
        }
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
