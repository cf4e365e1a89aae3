//! `tty`: print the terminal name (coreutils 9.1): `/dev/pts/N` with a pty, else `not a tty` and exit 1; `-s` silent.

use super::util::{Val, getopt, q, usage};
use super::{CmdCtx, Command};

/// `tty`.
pub struct Tty;

impl Command for Tty {
    fn name(&self) -> &'static str {
        "tty"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/tty"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [("silent", 's', Val::No), ("quiet", 's', Val::No)];
        let (opts, ops) = match getopt(args, "s", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "tty", &e, 2),
        };
        if let Some(extra) = ops.first() {
            return usage(ctx, "tty", &format!("extra operand {}", q(extra)), 2);
        }
        let silent = !opts.is_empty();
        match ctx.session.tty.clone() {
            Some(t) => {
                if !silent {
                    ctx.stdout.line(&format!("/dev/{t}"));
                }
                0
            }
            None => {
                if !silent {
                    ctx.stdout.line("not a tty");
                }
                1
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn works() {
        assert_eq!(run("tty", &[], "/", b"").stdout, "/dev/pts/0\n");
    }
}
