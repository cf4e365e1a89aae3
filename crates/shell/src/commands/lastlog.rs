//! `lastlog` (shadow 4.13): each account's most recent login. The session's own user logged
//! in just now, from the attacker's address, on the session's terminal; the accounts come
//! from the session's `/etc/passwd`, so users added in the session are listed too.

use super::accounts::Accounts;
use super::util::{Val, getopt, utc};
use super::{CmdCtx, Command};

/// `lastlog`.
pub struct Lastlog;

const HEADER: &str = "Username         Port     From                                       Latest";

impl Command for Lastlog {
    fn name(&self) -> &'static str {
        "lastlog"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/lastlog"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("before", 'b', Val::Req),
            ("clear", 'C', Val::No),
            ("help", 'h', Val::No),
            ("root", 'R', Val::Req),
            ("set", 'S', Val::No),
            ("time", 't', Val::Req),
            ("user", 'u', Val::Req),
        ];
        let help = super::help::help("lastlog").unwrap_or_default();
        let (opts, _) = match getopt(args, "b:ChR:St:u:", &long) {
            Ok(x) => x,
            Err(super::util::Bad::Version) => {
                // shadow's tools have no --version: getopt_long rejects it.
                let arg = args
                    .iter()
                    .find(|a| a.starts_with("--v"))
                    .map_or("--version", String::as_str);
                ctx.error("lastlog", &format!("unrecognized option '{arg}'"));
                ctx.stdout.write_str(help);
                return 1;
            }
            Err(e) => {
                ctx.error("lastlog", e.text());
                ctx.stdout.write_str(help);
                return 1;
            }
        };
        let mut only: Option<String> = None;
        let mut before: Option<i64> = None;
        let mut within: Option<i64> = None;
        for (c, v) in opts {
            let v = v.unwrap_or_default();
            let days = |v: &str| v.parse::<i64>().ok().map(|d| d.saturating_mul(86_400));
            match c {
                'h' => {
                    ctx.stdout.write_str(help);
                    return 0;
                }
                'u' => only = Some(v),
                'b' | 't' => {
                    let Some(secs) = days(&v) else {
                        ctx.error("lastlog", &format!("invalid numeric argument '{v}'"));
                        return 1;
                    };
                    if c == 'b' {
                        before = Some(secs);
                    } else {
                        within = Some(secs);
                    }
                }
                'C' | 'S' if ctx.user.uid != 0 => {
                    ctx.error("lastlog", "Failed to update the entry for UID 0");
                    return 1;
                }
                _ => {}
            }
        }
        let accounts = Accounts::of(ctx);
        let users: Vec<_> = match &only {
            None => accounts.users.iter().collect(),
            Some(name) => match accounts.user_or_uid(name) {
                Some(u) => vec![u],
                None => {
                    ctx.error("lastlog", &format!("Unknown user or range: {name}"));
                    return 1;
                }
            },
        };
        let now = ctx.now.unix_timestamp();
        let mut out = String::new();
        for u in users {
            let login = (u.name == ctx.user.name).then_some(ctx.session.login_time);
            let age = login.map(|t| now.saturating_sub(t));
            let keep = match (before, within) {
                (Some(b), _) => age.is_some_and(|a| a > b),
                (None, Some(t)) => age.is_some_and(|a| a <= t),
                (None, None) => true,
            };
            if !keep {
                continue;
            }
            let (port, from, latest) = match login {
                Some(t) => (
                    ctx.session.tty.clone().unwrap_or_default(),
                    ctx.session.src_ip.clone(),
                    format_time(t),
                ),
                None => (String::new(), String::new(), "**Never logged in**".into()),
            };
            let port: String = port.chars().take(8).collect();
            out.push_str(&format!("{:<16} {port:<8} {from:<41} {latest}\n", u.name));
        }
        if !out.is_empty() {
            ctx.stdout.line(HEADER);
            ctx.stdout.write_str(&out);
        }
        0
    }
}

/// `Sat Nov 21 13:00:00 +0000 2026` (`%a %b %e %H:%M:%S %z %Y`, UTC).
fn format_time(ts: i64) -> String {
    let t = utc(ts);
    format!(
        "{} {} {:>2} {} +0000 {}",
        super::util::weekday_abbr(t),
        super::util::month_abbr(t),
        t.day(),
        super::util::hms(ts),
        t.year()
    )
}

#[cfg(test)]
mod tests {
    use super::super::testutil::run;

    #[test]
    fn lists_every_account_and_this_login() {
        let r = run("lastlog", &[], "/", b"");
        let lines: Vec<&str> = r.stdout.lines().collect();
        assert_eq!(lines[0], super::HEADER);
        assert_eq!(
            lines[1],
            "root             pts/0    203.0.113.9                               Fri Nov 21 04:40:00 +0000 2025"
        );
        assert_eq!(
            lines[2],
            "daemon                                                              **Never logged in**"
        );
        assert_eq!(r.code, 0);
    }

    #[test]
    fn one_user_and_errors() {
        let r = run("lastlog", &["-u", "daemon"], "/", b"");
        assert_eq!(r.stdout.lines().count(), 2);
        let r = run("lastlog", &["-u", "nosuch"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("lastlog: Unknown user or range: nosuch\n", 1)
        );
        let r = run("lastlog", &["-Y"], "/", b"");
        assert_eq!(r.stderr, "lastlog: invalid option -- 'Y'\n");
        assert!(r.stdout.starts_with("Usage: lastlog [options]"));
        assert_eq!(r.code, 1);
    }
}
