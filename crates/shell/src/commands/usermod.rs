//! Changing and removing accounts as shadow 4.13 does: `usermod` (`-aG -G -r -p -s -L -U
//! -c -d -g -u -e`), `userdel` (`-r -f`), over the session's account files.

use super::accounts::{self, Accounts};
use super::useradd::{add_to_groups, need_root, shadow_help, shadow_usage};
use super::util::{Bad, Val, getopt};
use super::{CmdCtx, Command};

/// `usermod`.
pub struct Usermod;

impl Command for Usermod {
    fn name(&self) -> &'static str {
        "usermod"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/sbin/usermod"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("append", 'a', Val::No),
            ("badname", 'b', Val::No),
            ("comment", 'c', Val::Req),
            ("home", 'd', Val::Req),
            ("expiredate", 'e', Val::Req),
            ("inactive", 'f', Val::Req),
            ("gid", 'g', Val::Req),
            ("groups", 'G', Val::Req),
            ("login", 'l', Val::Req),
            ("lock", 'L', Val::No),
            ("move-home", 'm', Val::No),
            ("non-unique", 'o', Val::No),
            ("password", 'p', Val::Req),
            ("prefix", 'P', Val::Req),
            ("remove", 'r', Val::No),
            ("root", 'R', Val::Req),
            ("shell", 's', Val::Req),
            ("uid", 'u', Val::Req),
            ("unlock", 'U', Val::No),
            ("add-subuids", 'v', Val::Req),
            ("del-subuids", 'V', Val::Req),
            ("add-subgids", 'w', Val::Req),
            ("del-subgids", 'W', Val::Req),
            ("selinux-user", 'Z', Val::Req),
        ];
        let (opts, ops) = match getopt(args, "abc:d:e:f:g:G:hl:Lmop:P:rR:s:u:Uv:V:w:W:Z:", &long) {
            Ok(x) => x,
            Err(e) => return shadow_usage(ctx, "usermod", &e, 2),
        };
        let has = |c: char| opts.iter().any(|o| o.0 == c);
        let get = |c: char| {
            opts.iter()
                .rev()
                .find(|o| o.0 == c)
                .and_then(|o| o.1.clone())
        };
        if has('h') {
            return shadow_usage(ctx, "usermod", &Bad::Help, 0);
        }
        let [name] = ops.as_slice() else {
            ctx.stderr.write_str(shadow_help("usermod"));
            return 2;
        };
        if has('a') && !has('G') {
            ctx.error("usermod", "-a flag is ONLY allowed with the -G flag");
            ctx.stderr.write_str(shadow_help("usermod"));
            return 2;
        }
        if !need_root(ctx, "usermod") {
            return 1;
        }
        let acc = Accounts::of(ctx);
        let Some(user) = acc.user(name).cloned() else {
            ctx.error("usermod", &format!("user '{name}' does not exist"));
            return 6;
        };
        if opts.is_empty() {
            ctx.error("usermod", "no changes");
            return 0;
        }
        let mut groups = Vec::new();
        for g in get('G')
            .unwrap_or_default()
            .split(',')
            .filter(|g| !g.is_empty())
        {
            match acc.group_or_gid(g) {
                Some(grp) => groups.push(grp.name.clone()),
                None => {
                    ctx.error("usermod", &format!("group '{g}' does not exist"));
                    return 6;
                }
            }
        }
        let gid = match get('g') {
            Some(g) => match acc.group_or_gid(&g) {
                Some(grp) => Some(grp.gid),
                None => {
                    ctx.error("usermod", &format!("group '{g}' does not exist"));
                    return 6;
                }
            },
            None => None,
        };
        if let Some(u) = get('u') {
            match u.parse::<u32>() {
                Ok(n) if acc.user_by_uid(n).is_some_and(|x| x.name != user.name) && !has('o') => {
                    ctx.error("usermod", &format!("UID '{n}' already exists"));
                    return 4;
                }
                Ok(n) => {
                    accounts::set_field(ctx, "/etc/passwd", name, 2, &n.to_string());
                }
                Err(_) => {
                    ctx.error("usermod", &format!("invalid user ID '{u}'"));
                    return 3;
                }
            }
        }
        if let Some(g) = gid {
            accounts::set_field(ctx, "/etc/passwd", name, 3, &g.to_string());
        }
        for (c, idx) in [('c', 4), ('d', 5), ('s', 6)] {
            if let Some(v) = get(c) {
                accounts::set_field(ctx, "/etc/passwd", name, idx, &v);
            }
        }
        if has('G') {
            if has('r') {
                remove_from_groups(ctx, name, &groups);
            } else {
                add_to_groups(ctx, name, &groups, has('a'));
            }
        }
        let hash = accounts::get_field(ctx.fs, "/etc/shadow", name, 1).unwrap_or_default();
        let new_hash = if let Some(p) = get('p') {
            Some(p)
        } else if has('L') {
            Some(format!("!{hash}"))
        } else if has('U') {
            if hash.trim_start_matches('!').is_empty() {
                ctx.error(
                    "usermod",
                    "unlocking the user's password would result in a passwordless account.",
                );
                ctx.stderr.line(
                    "You should set a password with usermod -p to unlock this user's password.",
                );
                None
            } else {
                Some(hash.trim_start_matches('!').to_string())
            }
        } else {
            None
        };
        if let Some(h) = new_hash {
            accounts::set_field(ctx, "/etc/shadow", name, 1, &h);
        }
        if let Some(e) = get('e') {
            let days = super::util::parse_date(&e, ctx.now.unix_timestamp())
                .map(|t| t.div_euclid(86_400).to_string())
                .unwrap_or_default();
            accounts::set_field(ctx, "/etc/shadow", name, 7, &days);
        }
        if let Some(l) = get('l') {
            if acc.user(&l).is_some() {
                ctx.error("usermod", &format!("user '{l}' already exists"));
                return 9;
            }
            for path in ["/etc/passwd", "/etc/shadow"] {
                accounts::set_field(ctx, path, name, 0, &l);
            }
        }
        0
    }
}

fn remove_from_groups(ctx: &mut CmdCtx<'_>, user: &str, groups: &[String]) {
    for path in ["/etc/group", "/etc/gshadow"] {
        accounts::rewrite(
            ctx,
            path,
            |l| {
                let mut f: Vec<String> = l.split(':').map(str::to_string).collect();
                let g = f.first().cloned().unwrap_or_default();
                if groups.contains(&g)
                    && let Some(m) = f.get_mut(3)
                {
                    *m = m
                        .split(',')
                        .filter(|x| !x.is_empty() && *x != user)
                        .collect::<Vec<_>>()
                        .join(",");
                }
                Some(f.join(":"))
            },
            &[],
        );
    }
}

/// `userdel`.
pub struct Userdel;

impl Command for Userdel {
    fn name(&self) -> &'static str {
        "userdel"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/sbin/userdel"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("force", 'f', Val::No),
            ("remove", 'r', Val::No),
            ("root", 'R', Val::Req),
            ("prefix", 'P', Val::Req),
            ("selinux-user", 'Z', Val::No),
        ];
        let (opts, ops) = match getopt(args, "fhrR:P:Z", &long) {
            Ok(x) => x,
            Err(e) => return shadow_usage(ctx, "userdel", &e, 2),
        };
        if opts.iter().any(|o| o.0 == 'h') {
            return shadow_usage(ctx, "userdel", &Bad::Help, 0);
        }
        let [name] = ops.as_slice() else {
            ctx.stderr.write_str(shadow_help("userdel"));
            return 2;
        };
        if !need_root(ctx, "userdel") {
            return 1;
        }
        let acc = Accounts::of(ctx);
        let Some(user) = acc.user(name).cloned() else {
            ctx.error("userdel", &format!("user '{name}' does not exist"));
            return 6;
        };
        let own_group = acc
            .group_by_gid(user.gid)
            .filter(|g| g.name == user.name)
            .is_some();
        let keep = |l: &str| l.split(':').next() != Some(name.as_str());
        for path in ["/etc/passwd", "/etc/shadow"] {
            accounts::rewrite(ctx, path, |l| keep(l).then(|| l.to_string()), &[]);
        }
        remove_from_groups(
            ctx,
            name,
            &acc.groups
                .iter()
                .map(|g| g.name.clone())
                .collect::<Vec<_>>(),
        );
        if own_group {
            for path in ["/etc/group", "/etc/gshadow"] {
                accounts::rewrite(ctx, path, |l| keep(l).then(|| l.to_string()), &[]);
            }
        }
        if opts.iter().any(|o| o.0 == 'r') {
            ctx.error(
                "userdel",
                &format!("{name} mail spool (/var/mail/{name}) not found"),
            );
            let root = miragepot_vfs::Ctx {
                uid: 0,
                gid: 0,
                now: ctx.now.unix_timestamp(),
            };
            if user.home != "/" && ctx.fs.exists("/", &user.home) {
                let _ = ctx.fs.remove_tree("/", &user.home, &root);
            } else {
                ctx.error(
                    "userdel",
                    &format!("{} home directory ({}) not found", name, user.home),
                );
            }
        }
        0
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run, run_in, shared_persona};

    #[test]
    fn usermod_and_userdel() {
        let p = shared_persona();
        let mut fs = p.new_fs();
        assert_eq!(
            run_in(p, &mut fs, "useradd", &["-m", "eve"], "/", b"").code,
            0
        );
        let r = run_in(p, &mut fs, "usermod", &["-aG", "sudo,adm", "eve"], "/", b"");
        assert_eq!((r.stderr.as_str(), r.code), ("", 0));
        let r = run_in(p, &mut fs, "groups", &["eve"], "/", b"");
        assert_eq!(r.stdout, "eve : eve adm sudo\n");
        run_in(
            p,
            &mut fs,
            "usermod",
            &["-s", "/bin/bash", "-p", "HASH", "eve"],
            "/",
            b"",
        );
        let r = run_in(
            p,
            &mut fs,
            "grep",
            &["-h", "^eve:", "/etc/passwd", "/etc/shadow"],
            "/",
            b"",
        );
        assert!(
            r.stdout
                .starts_with("eve:x:1001:1001::/home/eve:/bin/bash\neve:HASH:"),
            "{}",
            r.stdout
        );
        run_in(p, &mut fs, "usermod", &["-L", "eve"], "/", b"");
        let r = run_in(p, &mut fs, "grep", &["^eve:", "/etc/shadow"], "/", b"");
        assert!(r.stdout.starts_with("eve:!HASH:"));
        let r = run_in(p, &mut fs, "userdel", &["-r", "eve"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("userdel: eve mail spool (/var/mail/eve) not found\n", 0)
        );
        let r = run_in(p, &mut fs, "id", &["eve"], "/", b"");
        assert_eq!(r.code, 1);
        assert!(!fs.exists("/", "/home/eve"));
        let r = run_in(p, &mut fs, "grep", &["-c", "eve", "/etc/group"], "/", b"");
        assert_eq!(r.stdout, "0\n");
        let r = run("usermod", &["-aG", "sudo", "ghost"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("usermod: user 'ghost' does not exist\n", 6)
        );
        let r = run("userdel", &["ghost"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("userdel: user 'ghost' does not exist\n", 6)
        );
    }
}
