//! `crontab` as Debian's cron 3.0pl1-162 has it: `-l`, `-r` (`-i`), `-e` (refuses without a
//! terminal), `-u user`, `crontab FILE` and `crontab -` (the bots'
//! `(crontab -l; echo ...) | crontab -`). Tables are stored in the session's VFS at
//! `/var/spool/cron/crontabs/<user>` (mode 0600, group crontab) with cron's 3-line header,
//! which `-l` hides, so `cat` of the spool file agrees with `crontab -l`.

use super::accounts::Accounts;
use super::util::{MONTHS, WEEKDAYS, read_input, utc};
use super::{CmdCtx, Command};
use miragepot_vfs::{Ctx, WriteMode};

const SPOOL: &str = "/var/spool/cron/crontabs";
/// The gid of the `crontab` group in the persona.
const CRONTAB_GID: u32 = 101;
/// At most this many bytes of a new crontab are accepted.
const MAX_TABLE: usize = 256 << 10;

/// `crontab`.
pub struct Crontab;

fn usage(ctx: &mut CmdCtx<'_>, msg: &str) -> i32 {
    ctx.error("crontab", &format!("usage error: {msg}"));
    ctx.stderr.write_str(
        "usage:\tcrontab [-u user] file\n\tcrontab [ -u user ] [ -i ] { -e | -l | -r }\n\t\t(default operation is replace, per 1003.2)\n\t-e\t(edit user's crontab)\n\t-l\t(list user's crontab)\n\t-r\t(delete user's crontab)\n\t-i\t(prompt before deleting user's crontab)\n",
    );
    1
}

impl Command for Crontab {
    fn name(&self) -> &'static str {
        "crontab"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/crontab"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        if let Some(a) = args
            .iter()
            .skip(1)
            .find(|a| a.starts_with("--") && a.len() > 2)
        {
            ctx.error("crontab", &format!("unrecognized option '{a}'"));
            return usage(ctx, "unrecognized option");
        }
        let (opts, ops) = match super::util::getopt_stop(args, "u:lerix", None, "") {
            Ok(x) => x,
            Err(e) => {
                ctx.error("crontab", e.text());
                return usage(ctx, "unrecognized option");
            }
        };
        let mut action = None;
        let mut user = ctx.user.name.clone();
        let mut ask = false;
        for (c, v) in &opts {
            match c {
                'u' => {
                    let name = v.clone().unwrap_or_default();
                    if ctx.user.uid != 0 {
                        ctx.stderr.line("must be privileged to use -u");
                        return 1;
                    }
                    if Accounts::of(ctx).user(&name).is_none() {
                        ctx.error("crontab", &format!("user `{name}' unknown"));
                        return 1;
                    }
                    user = name;
                }
                'i' => ask = true,
                'x' => {}
                a => {
                    if action.is_some_and(|x| x != *a) {
                        return usage(ctx, "only one operation permitted");
                    }
                    action = Some(*a);
                }
            }
        }
        let path = format!("{SPOOL}/{user}");
        let root = Ctx {
            uid: 0,
            gid: 0,
            now: ctx.now.unix_timestamp(),
        };
        match action {
            Some('l') => {
                if !ops.is_empty() {
                    return usage(ctx, "no arguments permitted after this option");
                }
                match ctx.fs.read("/", &path, &root, MAX_TABLE) {
                    Ok(c) => {
                        let text = String::from_utf8_lossy(&c).into_owned();
                        ctx.stdout.write_str(&strip_header(&text));
                        0
                    }
                    Err(_) => {
                        ctx.stderr.line(&format!("no crontab for {user}"));
                        1
                    }
                }
            }
            Some('r') => {
                if !ops.is_empty() {
                    return usage(ctx, "no arguments permitted after this option");
                }
                if !ctx.fs.exists("/", &path) {
                    ctx.stderr.line(&format!("no crontab for {user}"));
                    return 1;
                }
                if ask {
                    ctx.stderr
                        .write_str(&format!("crontab: really delete {user}'s crontab? (y/n) "));
                    let answer = ctx.stdin.first().copied().unwrap_or(b'n');
                    if !answer.eq_ignore_ascii_case(&b'y') {
                        return 0;
                    }
                }
                let _ = ctx.fs.remove_file("/", &path, &root);
                0
            }
            Some('e') => {
                if !ops.is_empty() {
                    return usage(ctx, "no arguments permitted after this option");
                }
                if !ctx.fs.exists("/", &path) {
                    ctx.stderr
                        .line(&format!("no crontab for {user} - using an empty one"));
                }
                if ctx.session.tty.is_none() {
                    ctx.stderr.line("Too many errors from stdin");
                }
                ctx.stderr.line("No modification made");
                0
            }
            _ => {
                let file = match ops.as_slice() {
                    [f] => f.clone(),
                    [] => return usage(ctx, "file name must be specified for replace"),
                    _ => return usage(ctx, "too many arguments"),
                };
                let data = match read_input(ctx, &file) {
                    Ok(d) => d,
                    Err(e) => {
                        ctx.stderr.line(&format!("{file}: {e}"));
                        return 1;
                    }
                };
                install(ctx, &user, &file, &data)
            }
        }
    }
}

/// The table without the header cron writes at install time (as `crontab -l` shows it).
fn strip_header(text: &str) -> String {
    let mut lines = text.split_inclusive('\n').peekable();
    let mut skipped = 0;
    while skipped < 3 {
        match lines.peek() {
            Some(l)
                if (skipped == 0 && l.starts_with("# DO NOT EDIT THIS FILE"))
                    || (skipped == 1 && l.starts_with("# ("))
                    || (skipped == 2 && l.starts_with("# (Cron version")) =>
            {
                lines.next();
                skipped += 1;
            }
            _ => break,
        }
    }
    lines.collect()
}

/// Checks one crontab field: numbers, ranges, steps, lists, `*`, and names.
fn field_ok(f: &str, lo: u32, hi: u32, names: &[&str]) -> bool {
    f.split(',').all(|item| {
        let (range, step) = match item.split_once('/') {
            Some((r, s)) => (r, Some(s)),
            None => (item, None),
        };
        if let Some(s) = step
            && !s.parse::<u32>().is_ok_and(|n| n > 0)
        {
            return false;
        }
        let val = |v: &str| {
            v.parse::<u32>()
                .ok()
                .filter(|n| (lo..=hi).contains(n))
                .or_else(|| {
                    if v.is_empty() {
                        return None;
                    }
                    names
                        .iter()
                        .position(|n| n.eq_ignore_ascii_case(v))
                        .and_then(|i| u32::try_from(i).ok())
                })
        };
        range == "*"
            || match range.split_once('-') {
                Some((a, b)) => val(a).is_some() && val(b).is_some(),
                None => val(range).is_some(),
            }
    })
}

/// cron's complaint about a line, if any.
fn check_line(line: &str) -> Option<&'static str> {
    let l = line.trim_start();
    if l.is_empty() || l.starts_with('#') {
        return None;
    }
    if let Some((name, _)) = l.split_once('=')
        && !name.trim().is_empty()
        && !name.trim().contains(char::is_whitespace)
    {
        return None;
    }
    if let Some(rest) = l.strip_prefix('@') {
        let word = rest.split_whitespace().next().unwrap_or("");
        let known = [
            "reboot", "yearly", "annually", "monthly", "weekly", "daily", "midnight", "hourly",
        ];
        if !known.contains(&word) {
            return Some("bad time specifier");
        }
        return (rest.split_whitespace().count() < 2).then_some("bad command");
    }
    let f: Vec<&str> = l.split_whitespace().collect();
    let months: Vec<&str> = std::iter::once("").chain(MONTHS.iter().copied()).collect();
    let mut days: Vec<&str> = vec!["Sun"];
    days.extend(WEEKDAYS.iter().take(6));
    let checks: [(&str, u32, u32, &[&str]); 5] = [
        ("bad minute", 0, 59, &[]),
        ("bad hour", 0, 23, &[]),
        ("bad day-of-month", 1, 31, &[]),
        ("bad month", 1, 12, &months),
        ("bad day-of-week", 0, 7, &days),
    ];
    for (i, (msg, lo, hi, names)) in checks.iter().enumerate() {
        match f.get(i) {
            Some(x) if field_ok(x, *lo, *hi, names) => {}
            _ => return Some(msg),
        }
    }
    (f.len() < 6).then_some("bad command")
}

fn install(ctx: &mut CmdCtx<'_>, user: &str, file: &str, data: &[u8]) -> i32 {
    if data.len() > MAX_TABLE {
        ctx.error("crontab", "file too large");
        return 1;
    }
    let text = String::from_utf8_lossy(data).into_owned();
    let mut bad = false;
    for (n, line) in text.lines().enumerate() {
        if let Some(msg) = check_line(line) {
            ctx.stderr.line(&format!("\"{file}\":{n}: {msg}", n = n));
            bad = true;
        }
    }
    if bad {
        ctx.stderr.line("errors in crontab file, can't install.");
        return 1;
    }
    if !text.is_empty() && !text.ends_with('\n') {
        ctx.stderr
            .line("new crontab file is missing newline before EOF, can't install.");
        return 1;
    }
    let t = utc(ctx.now.unix_timestamp());
    let stamp = format!(
        "{} {} {:2} {:02}:{:02}:{:02} {}",
        super::util::weekday_abbr(t),
        super::util::month_abbr(t),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.year()
    );
    let body = format!(
        "# DO NOT EDIT THIS FILE - edit the master and reinstall.\n# ({file} installed on {stamp})\n# (Cron version -- $Id: crontab.c,v 2.13 1994/01/17 03:20:37 vixie Exp $)\n{text}"
    );
    let path = format!("{SPOOL}/{user}");
    let root = Ctx {
        uid: 0,
        gid: 0,
        now: ctx.now.unix_timestamp(),
    };
    if ctx
        .fs
        .write(
            "/",
            &path,
            body.as_bytes(),
            WriteMode::Truncate,
            0o600,
            &root,
        )
        .is_err()
    {
        ctx.error("crontab", &format!("{path}: Permission denied"));
        return 1;
    }
    let uid = Accounts::of(ctx).user(user).map_or(0, |u| u.uid);
    let _ = ctx.fs.set_mode("/", &path, 0o600, &root);
    let _ = ctx
        .fs
        .set_owner("/", &path, Some(uid), Some(CRONTAB_GID), true, &root);
    0
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run, run_in, shared_persona};

    #[test]
    fn install_list_remove() {
        let p = shared_persona();
        let mut fs = p.new_fs();
        let r = run_in(p, &mut fs, "crontab", &["-l"], "/", b"");
        assert_eq!(
            (r.stdout.as_str(), r.stderr.as_str(), r.code),
            ("", "no crontab for root\n", 1)
        );
        let r = run_in(p, &mut fs, "crontab", &["-"], "/", b"* * * * * /tmp/x\n");
        assert_eq!((r.stderr.as_str(), r.code), ("", 0));
        let r = run_in(p, &mut fs, "crontab", &["-l"], "/", b"");
        assert_eq!((r.stdout.as_str(), r.code), ("* * * * * /tmp/x\n", 0));
        let r = run_in(
            p,
            &mut fs,
            "cat",
            &["/var/spool/cron/crontabs/root"],
            "/",
            b"",
        );
        assert!(r.stdout.starts_with(
            "# DO NOT EDIT THIS FILE - edit the master and reinstall.\n# (- installed on "
        ));
        assert!(r.stdout.ends_with("* * * * * /tmp/x\n"));
        let r = run_in(
            p,
            &mut fs,
            "ls",
            &["-l", "/var/spool/cron/crontabs/root"],
            "/",
            b"",
        );
        assert!(
            r.stdout.starts_with("-rw------- 1 root crontab "),
            "{}",
            r.stdout
        );
        let r = run_in(p, &mut fs, "crontab", &["-r"], "/", b"");
        assert_eq!(r.code, 0);
        let r = run_in(p, &mut fs, "crontab", &["-r"], "/", b"");
        assert_eq!((r.stderr.as_str(), r.code), ("no crontab for root\n", 1));
    }

    #[test]
    fn refuses_bad_tables() {
        let r = run("crontab", &["-"], "/", b"61 * * * * x\n");
        assert_eq!(
            r.stderr,
            "\"-\":0: bad minute\nerrors in crontab file, can't install.\n"
        );
        let r = run("crontab", &["-"], "/", b"@reboot /tmp/x");
        assert_eq!(
            r.stderr,
            "new crontab file is missing newline before EOF, can't install.\n"
        );
        let r = run("crontab", &["/nope"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("/nope: No such file or directory\n", 1)
        );
        let r = run("crontab", &[], "/", b"");
        assert!(
            r.stderr
                .starts_with("crontab: usage error: file name must be specified for replace\n")
        );
        let r = run("crontab", &["-e"], "/", b"");
        assert_eq!(r.code, 0);
        assert!(
            run(
                "crontab",
                &["-"],
                "/",
                b"*/5 1-3 * jan,Feb mon-fri wget x\nPATH=/bin\n@daily y\n"
            )
            .stderr
            .is_empty()
        );
    }
}
