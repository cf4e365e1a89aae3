//! `pwd`: print the working directory (coreutils; `-L` default, `-P` resolves symlinks).

use super::{CmdCtx, Command};

/// `pwd`.
pub struct Pwd;

impl Command for Pwd {
    fn name(&self) -> &'static str {
        "pwd"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/pwd"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        for a in args.iter().skip(1) {
            match a.as_str() {
                "-L" => {}
                "-P" => {
                    let real = ctx
                        .fs
                        .canonicalize("/", ctx.cwd)
                        .unwrap_or_else(|_| ctx.cwd.into());
                    ctx.stdout.line(&real);
                    return 0;
                }
                s if s.starts_with('-') => {
                    ctx.error(
                        "pwd",
                        &format!("invalid option -- '{}'", s.trim_start_matches('-')),
                    );
                    ctx.stderr.line("Try 'pwd --help' for more information.");
                    return 1;
                }
                _ => {}
            }
        }
        ctx.stdout.line(ctx.cwd);
        0
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn prints_cwd() {
        let r = run("pwd", &[], "/tmp", b"");
        assert_eq!((r.stdout.as_str(), r.code), ("/tmp\n", 0));
        let r = run("pwd", &["-x"], "/tmp", b"");
        assert_eq!(
            r.stderr,
            "pwd: invalid option -- 'x'\nTry 'pwd --help' for more information.\n"
        );
        assert_eq!(r.code, 1);
    }
}
