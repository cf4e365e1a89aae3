//! `id`: print user and group ids (coreutils 9.1) from the session's accounts
//! (`/etc/passwd` and `/etc/group` in the VFS).
//!
//! Emulated: default `uid=0(root) gid=0(root) groups=0(root)`, `-u -g -G -n -r`, a user
//! operand, `id: ‘x’: no such user`. Known gaps: `-Z`, `-z`.

use super::accounts::Accounts;
use super::util::{Val, getopt, q, usage};
use super::{CmdCtx, Command};

/// `id`.
pub struct Id;

impl Command for Id {
    fn name(&self) -> &'static str {
        "id"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/id"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("user", 'u', Val::No),
            ("group", 'g', Val::No),
            ("groups", 'G', Val::No),
            ("name", 'n', Val::No),
            ("real", 'r', Val::No),
            ("context", 'Z', Val::No),
            ("zero", 'z', Val::No),
        ];
        let (opts, ops) = match getopt(args, "agnruzGZ", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "id", &e, 1),
        };
        let has = |c| opts.iter().any(|o: &(char, Option<String>)| o.0 == c);
        let acc = Accounts::of(ctx);
        let user = match ops.first() {
            None => ctx.user.clone(),
            Some(name) => match acc.user_or_uid(name) {
                Some(u) => u.clone(),
                None => {
                    ctx.error("id", &format!("{}: no such user", q(name)));
                    return 1;
                }
            },
        };
        let groups: Vec<(u32, String)> = {
            let g = acc.groups_of(&user);
            if g.is_empty() {
                vec![(user.gid, user.gid.to_string())]
            } else {
                g.iter().map(|g| (g.gid, g.name.clone())).collect()
            }
        };
        let gname = acc
            .group_by_gid(user.gid)
            .map(|g| g.name.clone())
            .unwrap_or_else(|| user.gid.to_string());
        let name = has('n');
        let line = if has('u') {
            if name {
                user.name.clone()
            } else {
                user.uid.to_string()
            }
        } else if has('g') {
            if name { gname } else { user.gid.to_string() }
        } else if has('G') {
            groups
                .iter()
                .map(|(id, n)| if name { n.clone() } else { id.to_string() })
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            if name {
                ctx.error(
                    "id",
                    "cannot print only names or real IDs in default format",
                );
                return 1;
            }
            let gs: Vec<String> = groups.iter().map(|(id, n)| format!("{id}({n})")).collect();
            format!(
                "uid={}({}) gid={}({gname}) groups={}",
                user.uid,
                user.name,
                user.gid,
                gs.join(",")
            )
        };
        ctx.stdout.line(&line);
        0
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn ids() {
        assert_eq!(
            run("id", &[], "/", b"").stdout,
            "uid=0(root) gid=0(root) groups=0(root)\n"
        );
        assert_eq!(run("id", &["-u"], "/", b"").stdout, "0\n");
        assert_eq!(run("id", &["-Gn"], "/", b"").stdout, "root\n");
        assert_eq!(run("id", &["-un", "daemon"], "/", b"").stdout, "daemon\n");
        assert_eq!(
            run("id", &["daemon"], "/", b"").stdout,
            "uid=1(daemon) gid=1(daemon) groups=1(daemon)\n"
        );
        assert!(
            run("id", &["debian"], "/", b"")
                .stdout
                .starts_with("uid=1000(debian) gid=1000(debian) groups=1000(debian),")
        );
        let r = run("id", &["nobodyx"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("id: \u{2018}nobodyx\u{2019}: no such user\n", 1)
        );
    }
}
