//! `clear`: clear the terminal screen (ncurses 6.4): prints `\e[H\e[2J\e[3J` (`-x` omits the scrollback erase). No gaps known.

#[allow(unused_imports)]
use super::util::{Val, getopt, q, sq, usage};
use super::{CmdCtx, Command};

/// `clear`.
pub struct Clear;

impl Command for Clear {
    fn name(&self) -> &'static str {
        "clear"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/clear"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let keep = args.iter().any(|a| a == "-x");
        ctx.stdout.write_str(if keep {
            "\x1b[H\x1b[2J"
        } else {
            "\x1b[H\x1b[2J\x1b[3J"
        });
        0
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn works() {
        assert_eq!(run("clear", &[], "/", b"").stdout, "\x1b[H\x1b[2J\x1b[3J");
    }
}
