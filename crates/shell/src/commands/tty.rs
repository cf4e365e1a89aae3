//! `tty`: print the terminal name (coreutils 9.1): `/dev/pts/N` with a pty, else `not a tty` and exit 1; `-s` silent.

#[allow(unused_imports)]
use super::util::{Val, getopt, q, sq, usage};
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
        let silent = args
            .iter()
            .any(|a| a == "-s" || a == "--silent" || a == "--quiet");
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
