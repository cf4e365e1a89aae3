//! `whoami`: print the effective user name (coreutils 9.1). No gaps known.

use super::util::{getopt, usage};
use super::{CmdCtx, Command};

/// `whoami`.
pub struct Whoami;

impl Command for Whoami {
    fn name(&self) -> &'static str {
        "whoami"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/whoami"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        match getopt(args, "", &[]) {
            Err(e) => return usage(ctx, "whoami", &e, 1),
            Ok((_, ops)) => {
                if let Some(extra) = ops.first() {
                    return usage(
                        ctx,
                        "whoami",
                        &format!("extra operand {}", super::util::q(extra)),
                        1,
                    );
                }
            }
        }
        let name = ctx.user.name.clone();
        ctx.stdout.line(&name);
        0
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn prints_root() {
        assert_eq!(run("whoami", &[], "/", b"").stdout, "root\n");
        assert_eq!(run("whoami", &["x"], "/", b"").code, 1);
    }
}
