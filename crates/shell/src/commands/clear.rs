//! `clear`: clear the terminal screen (ncurses 6.4): prints `\e[H\e[2J\e[3J` (`-x` omits the scrollback erase);
//! `-V` prints the ncurses version, `-T TERM` is accepted; it has no `--help` (getopt reads
//! `--help` as the letters `-`, `h`, ... and rejects `-`), as the real one.

use super::util::{getopt_stop, print_version};
use super::{CmdCtx, Command, help};

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
        let (opts, ops) = match getopt_stop(args, "T:Vx", None, "V") {
            Ok(x) => x,
            Err(e) => {
                ctx.error("clear", e.text());
                return bad_usage(ctx);
            }
        };
        if opts.iter().any(|o| o.0 == 'V') {
            return print_version(ctx, "clear");
        }
        if !ops.is_empty() {
            return bad_usage(ctx);
        }
        let keep = opts.iter().any(|o| o.0 == 'x');
        ctx.stdout.write_str(if keep {
            "\x1b[H\x1b[2J"
        } else {
            "\x1b[H\x1b[2J\x1b[3J"
        });
        0
    }
}

/// ncurses' usage text on stderr, status 1.
fn bad_usage(ctx: &mut CmdCtx<'_>) -> i32 {
    ctx.stderr
        .write_str(help::help("clear.usage").unwrap_or_default());
    1
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn works() {
        assert_eq!(run("clear", &[], "/", b"").stdout, "\x1b[H\x1b[2J\x1b[3J");
    }
}
