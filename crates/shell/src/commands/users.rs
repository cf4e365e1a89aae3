//! `users`: print the user names of users currently logged in (coreutils 9.1): this session, when it has a terminal.

use super::util::{getopt, q, usage};
use super::{CmdCtx, Command};

/// `users`.
pub struct Users;

impl Command for Users {
    fn name(&self) -> &'static str {
        "users"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/users"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let ops = match getopt(args, "", &[]) {
            Ok((_, ops)) => ops,
            Err(e) => return usage(ctx, "users", &e, 1),
        };
        if let Some(extra) = ops.get(1) {
            return usage(ctx, "users", &format!("extra operand {}", q(extra)), 1);
        }
        if ctx.session.tty.is_some() {
            let n = ctx.user.name.clone();
            ctx.stdout.line(&n);
        } else {
            ctx.stdout.line("");
        }
        0
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn works() {
        assert_eq!(run("users", &[], "/", b"").stdout, "root\n");
    }
}
