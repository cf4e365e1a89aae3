//! `users`: print the user names of users currently logged in (coreutils 9.1): this session, when it has a terminal.

#[allow(unused_imports)]
use super::util::{Val, getopt, q, sq, usage};
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
        let _ = args;
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
