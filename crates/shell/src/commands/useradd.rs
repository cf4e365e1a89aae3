//! Account creation as shadow 4.13 and Debian's adduser 3.134 do it: `useradd` (`-m -d -s
//! -g -G -p -u -o -c -M -N -U -r`), `groupadd` (`-g -r -f`), `adduser` (its chatter; plain
//! `adduser x` without a terminal runs passwd/chfn against empty input and finishes).
//!
//! Everything lands in the session's `/etc/passwd`, `/etc/shadow`, `/etc/group` and
//! `/etc/gshadow`, so `id`, `ls -l` and `cat` agree afterwards.

use super::accounts::{self, Accounts};
use super::util::{Bad, Val, getopt};
use super::{CmdCtx, Command};

/// The text shadow's tools print for `--help` (stdout) or after a bad option (stderr).
pub(crate) fn shadow_help(name: &str) -> &'static str {
    match name {
        "useradd" => include_str!("adminhelp/useradd.help"),
        "usermod" => include_str!("adminhelp/usermod.help"),
        "userdel" => include_str!("adminhelp/userdel.help"),
        "groupadd" => include_str!("adminhelp/groupadd.help"),
        "passwd" => include_str!("adminhelp/passwd.help"),
        "chpasswd" => include_str!("adminhelp/chpasswd.help"),
        _ => "",
    }
}

/// shadow's answer to a bad command line: `--help` on stdout (0), else the message and the
/// whole usage on stderr with `code`.
pub(crate) fn shadow_usage(ctx: &mut CmdCtx<'_>, name: &str, bad: &Bad, code: i32) -> i32 {
    match bad {
        Bad::Help => {
            ctx.stdout.write_str(shadow_help(name));
            0
        }
        Bad::Version => {
            ctx.error(name, "unrecognized option '--version'");
            ctx.stderr.write_str(shadow_help(name));
            code
        }
        Bad::Msg(m) => {
            ctx.error(name, m);
            ctx.stderr.write_str(shadow_help(name));
            code
        }
    }
}

/// Refuses non-root callers as shadow does: `Permission denied.` and the lock failure.
pub(crate) fn need_root(ctx: &mut CmdCtx<'_>, name: &str) -> bool {
    if ctx.user.uid == 0 {
        return true;
    }
    ctx.error(name, "Permission denied.");
    ctx.error(name, "cannot lock /etc/passwd; try again later.");
    false
}

/// shadow's `is_valid_user_name`: `[a-z_][a-z0-9_-]*[$]?`, at most 32 bytes.
pub(crate) fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    name.len() <= 32
        && (first.is_ascii_lowercase() || first == '_')
        && name.trim_end_matches('$').chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-' || c == '.'
        })
}

/// A new account to write.
pub(crate) struct NewUser {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
    pub gecos: String,
    pub home: String,
    pub shell: String,
    pub hash: String,
    /// Create the user's own group (`gid`) too.
    pub new_group: bool,
    /// Supplementary groups to join.
    pub extra: Vec<String>,
    /// Create the home from `/etc/skel`.
    pub make_home: bool,
    /// Mode of a created home.
    pub home_mode: u32,
}

/// Writes a new account to the account files (and its home when asked).
pub(crate) fn create_user(ctx: &mut CmdCtx<'_>, u: &NewUser) {
    let day = accounts::days(ctx);
    let passwd = format!(
        "{}:x:{}:{}:{}:{}:{}",
        u.name, u.uid, u.gid, u.gecos, u.home, u.shell
    );
    accounts::rewrite(ctx, "/etc/passwd", |l| Some(l.to_string()), &[passwd]);
    let shadow = format!("{}:{}:{day}:0:99999:7:::", u.name, u.hash);
    accounts::rewrite(ctx, "/etc/shadow", |l| Some(l.to_string()), &[shadow]);
    add_to_groups(ctx, &u.name, &u.extra, true);
    if u.new_group {
        add_group(ctx, &u.name, u.gid);
    }
    if u.make_home {
        make_home(ctx, &u.home, u.uid, u.gid, u.home_mode);
    }
}

/// Adds a group line to `/etc/group` and `/etc/gshadow`.
pub(crate) fn add_group(ctx: &mut CmdCtx<'_>, name: &str, gid: u32) {
    accounts::rewrite(
        ctx,
        "/etc/group",
        |l| Some(l.to_string()),
        &[format!("{name}:x:{gid}:")],
    );
    accounts::rewrite(
        ctx,
        "/etc/gshadow",
        |l| Some(l.to_string()),
        &[format!("{name}:!::")],
    );
}

/// Puts `user` into the member lists of `groups` (`append`) or makes those its only
/// supplementary groups.
pub(crate) fn add_to_groups(ctx: &mut CmdCtx<'_>, user: &str, groups: &[String], append: bool) {
    if groups.is_empty() && append {
        return;
    }
    for (path, idx) in [("/etc/group", 3usize), ("/etc/gshadow", 3usize)] {
        accounts::rewrite(
            ctx,
            path,
            |l| {
                let mut f: Vec<String> = l.split(':').map(str::to_string).collect();
                let Some(gname) = f.first().cloned() else {
                    return Some(l.to_string());
                };
                let Some(members) = f.get_mut(idx) else {
                    return Some(l.to_string());
                };
                let mut list: Vec<String> = members
                    .split(',')
                    .filter(|m| !m.is_empty())
                    .map(str::to_string)
                    .collect();
                let want = groups.contains(&gname);
                let has = list.iter().any(|m| m == user);
                if want && !has {
                    list.push(user.to_string());
                } else if !want && has && !append {
                    list.retain(|m| m != user);
                }
                *members = list.join(",");
                Some(f.join(":"))
            },
            &[],
        );
    }
}

/// Creates a home directory and copies `/etc/skel` into it, owned by the user.
pub(crate) fn make_home(ctx: &mut CmdCtx<'_>, home: &str, uid: u32, gid: u32, mode: u32) {
    let root = miragepot_vfs::Ctx {
        uid: 0,
        gid: 0,
        now: ctx.now.unix_timestamp(),
    };
    if ctx.fs.create_dir("/", home, mode, &root).is_err() {
        return;
    }
    let _ = ctx.fs.set_mode("/", home, mode, &root);
    let _ = ctx
        .fs
        .set_owner("/", home, Some(uid), Some(gid), true, &root);
    let skel = ctx.fs.read_dir("/", "/etc/skel", &root).unwrap_or_default();
    for e in skel.iter().take(64) {
        let src = format!("/etc/skel/{}", e.name);
        let dst = format!("{}/{}", home.trim_end_matches('/'), e.name);
        let Ok(data) = ctx
            .fs
            .read("/", &src, &root, 1 << 20)
            .map(|c| c.into_owned())
        else {
            continue;
        };
        if ctx
            .fs
            .write(
                "/",
                &dst,
                &data,
                miragepot_vfs::WriteMode::Truncate,
                0o644,
                &root,
            )
            .is_ok()
        {
            let _ = ctx
                .fs
                .set_owner("/", &dst, Some(uid), Some(gid), true, &root);
        }
    }
}

/// `useradd`.
pub struct Useradd;

impl Command for Useradd {
    fn name(&self) -> &'static str {
        "useradd"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/sbin/useradd"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("base-dir", 'b', Val::Req),
            ("btrfs-subvolume-home", '\u{e101}', Val::No),
            ("badname", '\u{e102}', Val::No),
            ("comment", 'c', Val::Req),
            ("home-dir", 'd', Val::Req),
            ("defaults", 'D', Val::No),
            ("expiredate", 'e', Val::Req),
            ("inactive", 'f', Val::Req),
            ("gid", 'g', Val::Req),
            ("groups", 'G', Val::Req),
            ("skel", 'k', Val::Req),
            ("key", 'K', Val::Req),
            ("no-log-init", 'l', Val::No),
            ("create-home", 'm', Val::No),
            ("no-create-home", 'M', Val::No),
            ("no-user-group", 'N', Val::No),
            ("non-unique", 'o', Val::No),
            ("password", 'p', Val::Req),
            ("system", 'r', Val::No),
            ("root", 'R', Val::Req),
            ("prefix", 'P', Val::Req),
            ("shell", 's', Val::Req),
            ("uid", 'u', Val::Req),
            ("user-group", 'U', Val::No),
            ("selinux-user", 'Z', Val::Req),
        ];
        let (opts, ops) = match getopt(args, "b:c:d:De:f:g:G:hk:K:lmMNop:rR:P:s:u:UZ:", &long) {
            Ok(x) => x,
            Err(e) => return shadow_usage(ctx, "useradd", &e, 2),
        };
        if opts.iter().any(|o| o.0 == 'h') {
            return shadow_usage(ctx, "useradd", &Bad::Help, 0);
        }
        let get = |c: char| {
            opts.iter()
                .rev()
                .find(|o| o.0 == c)
                .and_then(|o| o.1.clone())
        };
        let has = |c: char| opts.iter().any(|o| o.0 == c);
        if has('D') && ops.is_empty() {
            ctx.stdout.write_str("GROUP=100\nHOME=/home\nINACTIVE=-1\nEXPIRE=\nSHELL=/bin/sh\nSKEL=/etc/skel\nCREATE_MAIL_SPOOL=no\nLOG_INIT=yes\n");
            return 0;
        }
        let [name] = ops.as_slice() else {
            ctx.stderr.write_str(shadow_help("useradd"));
            return 2;
        };
        if !need_root(ctx, "useradd") {
            return 1;
        }
        if !valid_name(name) && !has('\u{e102}') {
            ctx.error(
                "useradd",
                &format!("invalid user name '{name}': use --badname to ignore"),
            );
            return 3;
        }
        let acc = Accounts::of(ctx);
        if acc.user(name).is_some() {
            ctx.error("useradd", &format!("user '{name}' already exists"));
            return 9;
        }
        let uid = match get('u') {
            Some(s) => match s.parse::<u32>() {
                Ok(u) if u < u32::MAX => {
                    if acc.user_by_uid(u).is_some() && !has('o') {
                        ctx.error("useradd", &format!("UID {u} is not unique"));
                        return 4;
                    }
                    u
                }
                _ => {
                    ctx.error("useradd", &format!("invalid user ID '{s}'"));
                    return 3;
                }
            },
            None => acc.next_id(false),
        };
        let (gid, new_group) = match get('g') {
            Some(g) => match acc.group_or_gid(&g) {
                Some(grp) => (grp.gid, false),
                None => {
                    ctx.error("useradd", &format!("group '{g}' does not exist"));
                    return 6;
                }
            },
            None if has('N') => (100, false),
            None => {
                if acc.group(name).is_some() {
                    ctx.error(
                        "useradd",
                        &format!("group {name} exists - if you want to add this user to that group, use -g."),
                    );
                    return 9;
                }
                let want = if acc.group_by_gid(uid).is_none() {
                    uid
                } else {
                    acc.next_id(true)
                };
                (want, true)
            }
        };
        let mut extra = Vec::new();
        for g in get('G')
            .unwrap_or_default()
            .split(',')
            .filter(|g| !g.is_empty())
        {
            match acc.group_or_gid(g) {
                Some(grp) => extra.push(grp.name.clone()),
                None => {
                    ctx.error("useradd", &format!("group '{g}' does not exist"));
                    return 6;
                }
            }
        }
        let home = get('d').unwrap_or_else(|| {
            format!(
                "{}/{name}",
                get('b')
                    .unwrap_or_else(|| "/home".into())
                    .trim_end_matches('/')
            )
        });
        let make_home = has('m') && !has('M');
        if make_home && ctx.fs.exists("/", &home) {
            ctx.error(
                "useradd",
                &format!("warning: the home directory {home} already exists."),
            );
            ctx.error(
                "useradd",
                "Not copying any file from skel directory into it.",
            );
        }
        let u = NewUser {
            name: name.clone(),
            uid,
            gid,
            gecos: get('c').unwrap_or_default(),
            home,
            shell: get('s').unwrap_or_else(|| "/bin/sh".into()),
            hash: get('p').unwrap_or_else(|| "!".into()),
            new_group,
            extra,
            make_home,
            home_mode: 0o755,
        };
        create_user(ctx, &u);
        0
    }
}

/// `groupadd`.
pub struct Groupadd;

impl Command for Groupadd {
    fn name(&self) -> &'static str {
        "groupadd"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/sbin/groupadd"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("force", 'f', Val::No),
            ("gid", 'g', Val::Req),
            ("key", 'K', Val::Req),
            ("non-unique", 'o', Val::No),
            ("password", 'p', Val::Req),
            ("system", 'r', Val::No),
            ("root", 'R', Val::Req),
            ("prefix", 'P', Val::Req),
            ("users", 'U', Val::Req),
        ];
        let (opts, ops) = match getopt(args, "fg:hK:op:rR:P:U:", &long) {
            Ok(x) => x,
            Err(e) => return shadow_usage(ctx, "groupadd", &e, 2),
        };
        if opts.iter().any(|o| o.0 == 'h') {
            return shadow_usage(ctx, "groupadd", &Bad::Help, 0);
        }
        let [name] = ops.as_slice() else {
            ctx.stderr.write_str(shadow_help("groupadd"));
            return 2;
        };
        if ctx.user.uid != 0 {
            ctx.error("groupadd", "Permission denied.");
            ctx.error("groupadd", "cannot lock /etc/group; try again later.");
            return 10;
        }
        if !valid_name(name) {
            ctx.error("groupadd", &format!("'{name}' is not a valid group name"));
            return 3;
        }
        let acc = Accounts::of(ctx);
        if acc.group(name).is_some() {
            if opts.iter().any(|o| o.0 == 'f') {
                return 0;
            }
            ctx.error("groupadd", &format!("group '{name}' already exists"));
            return 9;
        }
        let gid = match opts
            .iter()
            .rev()
            .find(|o| o.0 == 'g')
            .and_then(|o| o.1.clone())
        {
            Some(s) => match s.parse::<u32>() {
                Ok(g) if acc.group_by_gid(g).is_some() && !opts.iter().any(|o| o.0 == 'o') => {
                    ctx.error("groupadd", &format!("GID '{g}' already exists"));
                    return 4;
                }
                Ok(g) => g,
                Err(_) => {
                    ctx.error("groupadd", &format!("invalid group ID '{s}'"));
                    return 3;
                }
            },
            None => acc.next_id(true),
        };
        add_group(ctx, name, gid);
        0
    }
}

/// `adduser` (Debian's adduser 3.134).
pub struct Adduser;

impl Command for Adduser {
    fn name(&self) -> &'static str {
        "adduser"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/sbin/adduser"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        super::adduser::run(ctx, args)
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run, run_in, shared_persona};

    #[test]
    fn useradd_writes_the_account_files() {
        let p = shared_persona();
        let mut fs = p.new_fs();
        let r = run_in(
            p,
            &mut fs,
            "useradd",
            &["-m", "-s", "/bin/bash", "-G", "sudo", "bob"],
            "/",
            b"",
        );
        assert_eq!((r.stdout.as_str(), r.stderr.as_str(), r.code), ("", "", 0));
        let r = run_in(p, &mut fs, "id", &["bob"], "/", b"");
        assert_eq!(
            r.stdout,
            "uid=1001(bob) gid=1001(bob) groups=1001(bob),27(sudo)\n"
        );
        let r = run_in(p, &mut fs, "grep", &["bob", "/etc/passwd"], "/", b"");
        assert_eq!(r.stdout, "bob:x:1001:1001::/home/bob:/bin/bash\n");
        let r = run_in(p, &mut fs, "ls", &["-la", "/home/bob"], "/", b"");
        assert!(r.stdout.contains(" bob  bob  "), "{}", r.stdout);
        assert!(r.stdout.contains(".bashrc"));
        let r = run_in(p, &mut fs, "useradd", &["bob"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("useradd: user 'bob' already exists\n", 9)
        );
        let r = run_in(p, &mut fs, "useradd", &["-u", "0", "toor"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("useradd: UID 0 is not unique\n", 4)
        );
        let r = run_in(
            p,
            &mut fs,
            "useradd",
            &["-o", "-u", "0", "-g", "0", "toor"],
            "/",
            b"",
        );
        assert_eq!(r.code, 0);
        let r = run_in(
            p,
            &mut fs,
            "grep",
            &["toor", "/etc/passwd", "/etc/shadow"],
            "/",
            b"",
        );
        assert!(
            r.stdout
                .starts_with("/etc/passwd:toor:x:0:0::/home/toor:/bin/sh\n/etc/shadow:toor:!:")
        );
    }

    #[test]
    fn useradd_errors() {
        let r = run("useradd", &[], "/", b"");
        assert_eq!(r.code, 2);
        assert!(r.stderr.starts_with("Usage: useradd [options] LOGIN\n"));
        let r = run("useradd", &["-g", "nogroup9", "x"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("useradd: group 'nogroup9' does not exist\n", 6)
        );
        let r = run("useradd", &["Bad"], "/", b"");
        assert_eq!(r.code, 3);
        let r = run("groupadd", &["sudo"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("groupadd: group 'sudo' already exists\n", 9)
        );
    }
}
