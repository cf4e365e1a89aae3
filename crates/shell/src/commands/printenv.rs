//! `printenv`: print all or part of the environment (coreutils 9.1).
//!
//! Emulated: no operand (all exported variables), named variables (exit 1 if any is
//! missing), `-0`. No gaps known.

use super::util::{Val, getopt, usage};
use super::{CmdCtx, Command};

/// `printenv`.
pub struct Printenv;

impl Command for Printenv {
    fn name(&self) -> &'static str {
        "printenv"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/printenv"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let (opts, ops) = match getopt(args, "0", &[("null", '0', Val::No)]) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "printenv", &e, 2),
        };
        let end = if opts.is_empty() { "\n" } else { "\0" };
        let mut out = String::new();
        let mut status = 0;
        if ops.is_empty() {
            for (k, v) in ctx.env.exported() {
                out.push_str(&format!("{k}={v}{end}"));
            }
        } else {
            for name in &ops {
                match ctx.env.exported().find(|(k, _)| k == name) {
                    Some((_, v)) => out.push_str(&format!("{v}{end}")),
                    None => status = 1,
                }
            }
        }
        ctx.stdout.write_str(&out);
        status
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn prints() {
        assert_eq!(
            run("printenv", &["HOME", "USER"], "/", b"").stdout,
            "/root\nroot\n"
        );
        assert_eq!(run("printenv", &["NOPE"], "/", b"").code, 1);
        assert!(
            run("printenv", &[], "/", b"")
                .stdout
                .contains("SHELL=/bin/bash\n")
        );
    }
}
