//! Debian's `adduser` 3.134 (a Perl front end to useradd, passwd and chfn): its chatter,
//! `--disabled-password`, `--disabled-login`, `--gecos`/`--comment`, `--home`, `--shell`,
//! `--uid`, `--ingroup`, `--no-create-home`, `--system`, `--quiet`, and the
//! `adduser USER GROUP` form. Without `--disabled-password` it runs the password and
//! `chfn` dialogues against standard input, so with no input it finishes, never waits.

use super::CmdCtx;
use super::accounts::Accounts;
use super::passwd::{StdinLines, new_password_dialogue};
use super::useradd::{NewUser, add_to_groups, create_user, valid_name};

const HELP: &str = include_str!("adminhelp/adduser.help");
const VERSION: &str = include_str!("adminhelp/adduser.version");

/// Options that take a value.
const WITH_VALUE: &[&str] = &[
    "uid",
    "firstuid",
    "lastuid",
    "gid",
    "firstgid",
    "lastgid",
    "ingroup",
    "shell",
    "comment",
    "gecos",
    "home",
    "conf",
    "extrausers",
    "key",
];
/// Options that do not.
const FLAGS: &[&str] = &[
    "add-extra-groups",
    "no-create-home",
    "allow-all-names",
    "allow-bad-names",
    "force-badname",
    "disabled-login",
    "disabled-password",
    "encrypt-home",
    "system",
    "group",
    "quiet",
    "debug",
    "verbose",
    "stdoutmsglevel",
    "add_extra_groups",
];

/// Runs `adduser`.
pub(crate) fn run(ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
    let mut vals: Vec<(String, String)> = Vec::new();
    let mut flags: Vec<String> = Vec::new();
    let mut ops: Vec<String> = Vec::new();
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        if a == "--" {
            ops.extend(it.by_ref().cloned());
            break;
        }
        let Some(body) = a
            .strip_prefix("--")
            .or_else(|| a.strip_prefix('-').filter(|b| !b.is_empty()))
        else {
            ops.push(a.clone());
            continue;
        };
        let (key, inline) = match body.split_once('=') {
            Some((k, v)) => (k.to_ascii_lowercase(), Some(v.to_string())),
            None => (body.to_ascii_lowercase(), None),
        };
        if key == "help" || key == "h" {
            ctx.stdout.write_str(HELP);
            return 0;
        }
        if key == "version" || key == "v" {
            ctx.stdout.write_str(VERSION);
            return 0;
        }
        if WITH_VALUE.contains(&key.as_str()) {
            let Some(v) = inline.or_else(|| it.next().cloned()) else {
                ctx.stderr
                    .line(&format!("Option {key} requires an argument"));
                ctx.stdout.write_str(HELP);
                return 1;
            };
            vals.push((key, v));
        } else if FLAGS.contains(&key.as_str()) {
            flags.push(key);
        } else {
            ctx.stderr.line(&format!("Unknown option: {key}"));
            ctx.stdout.write_str(HELP);
            return 1;
        }
    }
    let get = |k: &str| {
        vals.iter()
            .rev()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
    };
    let flag = |k: &str| flags.iter().any(|f| f == k);
    let quiet = flag("quiet");
    if ctx.user.uid != 0 {
        ctx.stderr
            .line("adduser: Only root may add a user or group to the system.");
        return 1;
    }
    let acc = Accounts::of(ctx);
    match ops.as_slice() {
        [user, group] => {
            if acc.user(user).is_none() {
                ctx.stderr
                    .line(&format!("adduser: The user `{user}' does not exist."));
                return 1;
            }
            let Some(g) = acc.group(group) else {
                ctx.stderr
                    .line(&format!("adduser: The group `{group}' does not exist."));
                return 1;
            };
            if g.members.iter().any(|m| m == user) {
                ctx.stdout.line(&format!(
                    "The user `{user}' is already a member of `{group}'."
                ));
                return 0;
            }
            if !quiet {
                ctx.stdout
                    .line(&format!("Adding user `{user}' to group `{group}' ..."));
            }
            add_to_groups(ctx, user, std::slice::from_ref(group), true);
            if !quiet {
                ctx.stdout.line("Done.");
            }
            0
        }
        [user] => add_user(ctx, &acc, user, &get, &flag),
        _ => {
            ctx.stderr.line("adduser: Only one or two names allowed.");
            1
        }
    }
}

fn add_user(
    ctx: &mut CmdCtx<'_>,
    acc: &Accounts,
    name: &str,
    get: &dyn Fn(&str) -> Option<String>,
    flag: &dyn Fn(&str) -> bool,
) -> i32 {
    let quiet = flag("quiet");
    if acc.user(name).is_some() {
        ctx.stderr
            .line(&format!("adduser: The user `{name}' already exists."));
        return 1;
    }
    if !valid_name(name)
        && !flag("allow-bad-names")
        && !flag("force-badname")
        && !flag("allow-all-names")
    {
        ctx.stderr
            .line("adduser: Please enter a username matching the regular expression");
        ctx.stderr
            .line("configured via the NAME_REGEX configuration variable.  Use the");
        ctx.stderr
            .line("`--allow-bad-names' option to relax this check or reconfigure");
        ctx.stderr.line("NAME_REGEX.");
        return 1;
    }
    let say = |ctx: &mut CmdCtx<'_>, s: String| {
        if !quiet {
            ctx.stdout.line(&s);
        }
    };
    let uid = get("uid")
        .and_then(|u| u.parse().ok())
        .unwrap_or_else(|| acc.next_id(false));
    say(ctx, format!("Adding user `{name}' ..."));
    let (gid, new_group) = match get("ingroup").or_else(|| get("gid")) {
        Some(g) => match acc.group_or_gid(&g) {
            Some(grp) => (grp.gid, false),
            None => {
                ctx.stderr
                    .line(&format!("adduser: The group `{g}' does not exist."));
                return 1;
            }
        },
        None => {
            let gid = if acc.group_by_gid(uid).is_none() {
                uid
            } else {
                acc.next_id(true)
            };
            say(ctx, format!("Adding new group `{name}' ({gid}) ..."));
            (gid, true)
        }
    };
    let gname = acc
        .group_by_gid(gid)
        .map_or_else(|| name.to_string(), |g| g.name.clone());
    say(
        ctx,
        format!("Adding new user `{name}' ({uid}) with group `{gname} ({gid})' ..."),
    );
    let home = get("home").unwrap_or_else(|| format!("/home/{name}"));
    let make_home = !flag("no-create-home");
    if make_home {
        if ctx.fs.exists("/", &home) {
            say(
                ctx,
                format!(
                    "The home directory `{home}' already exists.  Not copying from `/etc/skel'."
                ),
            );
        } else {
            say(ctx, format!("Creating home directory `{home}' ..."));
            say(ctx, "Copying files from `/etc/skel' ...".to_string());
        }
    } else {
        say(ctx, format!("Not creating home directory `{home}'."));
    }
    let gecos = get("comment").or_else(|| get("gecos"));
    create_user(
        ctx,
        &NewUser {
            name: name.to_string(),
            uid,
            gid,
            gecos: gecos
                .clone()
                .map(|g| {
                    if g.is_empty() {
                        String::new()
                    } else {
                        format!("{g},,,")
                    }
                })
                .unwrap_or_default(),
            home,
            shell: get("shell").unwrap_or_else(|| "/bin/bash".into()),
            hash: "!".into(),
            new_group,
            extra: Vec::new(),
            make_home,
            home_mode: 0o700,
        },
    );
    let stdin = ctx.stdin;
    let mut lines = StdinLines::new(stdin);
    if !flag("disabled-password") && !flag("disabled-login") {
        loop {
            if new_password_dialogue(ctx, name, &mut lines) == 0 {
                break;
            }
            ctx.stdout.write_str("Try again? [y/N] ");
            let again = lines.next_line().unwrap_or_default();
            if !again.trim().eq_ignore_ascii_case("y") {
                break;
            }
        }
    }
    if gecos.is_none() {
        ctx.stdout
            .line(&format!("Changing the user information for {name}"));
        ctx.stdout
            .line("Enter the new value, or press ENTER for the default");
        let mut fields = Vec::new();
        for f in [
            "Full Name",
            "Room Number",
            "Work Phone",
            "Home Phone",
            "Other",
        ] {
            ctx.stdout.write_str(&format!("\t{f} []: "));
            fields.push(
                lines
                    .next_line()
                    .unwrap_or_default()
                    .replace([':', ','], ""),
            );
        }
        ctx.stdout.write_str("Is the information correct? [Y/n] ");
        let _ = lines.next_line();
        ctx.stdout.write_str("\n");
        let g = fields.join(",");
        if g.chars().any(|c| c != ',') {
            super::accounts::set_field(ctx, "/etc/passwd", name, 4, &g);
        }
    }
    if !flag("system") {
        say(
            ctx,
            format!("Adding new user `{name}' to supplemental / extra groups `users' ..."),
        );
        say(ctx, format!("Adding user `{name}' to group `users' ..."));
        add_to_groups(ctx, name, &["users".to_string()], true);
    }
    0
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run, run_in, shared_persona};

    #[test]
    fn adduser_non_interactive() {
        let p = shared_persona();
        let mut fs = p.new_fs();
        let r = run_in(
            p,
            &mut fs,
            "adduser",
            &["--disabled-password", "--gecos", "", "bob"],
            "/",
            b"",
        );
        assert_eq!(
            r.stdout,
            "Adding user `bob' ...\nAdding new group `bob' (1001) ...\nAdding new user `bob' (1001) with group `bob (1001)' ...\nCreating home directory `/home/bob' ...\nCopying files from `/etc/skel' ...\nAdding new user `bob' to supplemental / extra groups `users' ...\nAdding user `bob' to group `users' ...\n"
        );
        assert_eq!(r.code, 0);
        let r = run_in(p, &mut fs, "id", &["bob"], "/", b"");
        assert_eq!(
            r.stdout,
            "uid=1001(bob) gid=1001(bob) groups=1001(bob),100(users)\n"
        );
        let r = run_in(p, &mut fs, "adduser", &["bob", "sudo"], "/", b"");
        assert_eq!(r.stdout, "Adding user `bob' to group `sudo' ...\nDone.\n");
        let r = run_in(p, &mut fs, "adduser", &["bob"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("adduser: The user `bob' already exists.\n", 1)
        );
    }

    #[test]
    fn plain_adduser_finishes_without_input() {
        let r = run("adduser", &["carol"], "/", b"");
        assert_eq!(r.code, 0);
        assert!(r.stderr.contains("passwd: password unchanged"));
        assert!(r.stdout.contains("Is the information correct? [Y/n] "));
        let r = run("adduser", &["dave"], "/", b"pw\npw\n");
        assert!(r.stderr.contains("passwd: password updated successfully"));
    }
}
