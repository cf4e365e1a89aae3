//! `pwd`: print the working directory (coreutils 9.1 `/usr/bin/pwd`: `-P`, resolving symlinks,
//! by default; `-L` prints the logical directory).

use super::util::{Val, getopt, usage};
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
        let long = [("logical", 'L', Val::No), ("physical", 'P', Val::No)];
        let (opts, ops) = match getopt(args, "LP", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "pwd", &e, 1),
        };
        if !ops.is_empty() {
            ctx.error("pwd", "ignoring non-option arguments");
        }
        // The last of -L/-P wins; coreutils' pwd defaults to -P.
        if opts.last().is_none_or(|o| o.0 == 'P') {
            let real = ctx
                .fs
                .canonicalize("/", ctx.cwd)
                .unwrap_or_else(|_| ctx.cwd.into());
            ctx.stdout.line(&real);
        } else {
            ctx.stdout.line(ctx.cwd);
        }
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
