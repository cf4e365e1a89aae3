//! `groups`: print the groups a user is in (coreutils 9.1): the current user (`root`), or `user : g1 g2` for named users; `groups: ‘x’: no such user`.

use super::accounts::Accounts;
use super::util::{getopt, q, usage};
use super::{CmdCtx, Command};

/// `groups`.
pub struct Groups;

impl Command for Groups {
    fn name(&self) -> &'static str {
        "groups"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/groups"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let ops = match getopt(args, "", &[]) {
            Ok((_, ops)) => ops,
            Err(e) => return usage(ctx, "groups", &e, 1),
        };
        let acc = Accounts::of(ctx);
        if ops.is_empty() {
            let names: Vec<String> = acc
                .groups_of(ctx.user)
                .iter()
                .map(|g| g.name.clone())
                .collect();
            ctx.stdout.line(&names.join(" "));
            return 0;
        }
        let mut status = 0;
        for u in &ops {
            match acc.user(u) {
                Some(user) => {
                    let names: Vec<String> =
                        acc.groups_of(user).iter().map(|g| g.name.clone()).collect();
                    ctx.stdout.line(&format!("{u} : {}", names.join(" ")));
                }
                None => {
                    ctx.error("groups", &format!("{}: no such user", q(u)));
                    status = 1;
                }
            }
        }
        status
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn works() {
        assert_eq!(run("groups", &[], "/", b"").stdout, "root\n");
        assert!(
            run("groups", &["debian"], "/", b"")
                .stdout
                .starts_with("debian : debian ")
        );
    }
}
