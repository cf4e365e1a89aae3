//! `arch`: print the machine hardware name (coreutils 9.1), as `uname -m`.

#[allow(unused_imports)]
use super::util::{Val, getopt, q, sq, usage};
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
        if let Some(extra) = args.get(1) {
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
