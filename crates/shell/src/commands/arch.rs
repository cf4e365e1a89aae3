//! `arch`: print the machine hardware name (coreutils 9.1), as `uname -m`.

use super::util::{getopt, q, usage};
use super::{CmdCtx, Command};

/// `arch`.
pub struct Arch;

impl Command for Arch {
    fn name(&self) -> &'static str {
        "arch"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/arch"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let ops = match getopt(args, "", &[]) {
            Ok((_, ops)) => ops,
            Err(e) => return usage(ctx, "arch", &e, 1),
        };
        if let Some(extra) = ops.first() {
            return usage(ctx, "arch", &format!("extra operand {}", q(extra)), 1);
        }
        let m = ctx.persona.machine.clone();
        ctx.stdout.line(&m);
        0
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn works() {
        assert_eq!(run("arch", &[], "/", b"").stdout, "x86_64\n");
    }
}
