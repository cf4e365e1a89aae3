//! `uptime`: tell how long the system has been running (procps-ng 4.0.2).
//!
//! Emulated: the default line (`HH:MM:SS up 19 days,  3:12,  1 user,  load average: ...`,
//! from `persona.boot_time`, `ctx.now` and `/proc/loadavg`), `-p` (pretty), `-s` (since).
//! One user is this session.

use super::util::{Val, getopt_stop, hms, print_help, print_version, usage_full, utc};
use super::{CmdCtx, Command, help};

/// `uptime`.
pub struct Uptime;

/// ` 12:34:56 up 19 days,  3:12,  1 user,  load average: 0.08, 0.03, 0.01` (shared with `w`).
pub(crate) fn uptime_line(ctx: &CmdCtx<'_>) -> String {
    let now = ctx.now.unix_timestamp();
    let up = (now - ctx.persona.boot_time).max(0);
    let days = up / 86_400;
    let hours = up % 86_400 / 3600;
    let mins = up % 3600 / 60;
    let mut s = format!(" {} up ", hms(now));
    if days > 0 {
        s.push_str(&format!("{days} day{}, ", if days == 1 { "" } else { "s" }));
    }
    if hours > 0 {
        s.push_str(&format!("{hours:2}:{mins:02}, "));
    } else {
        s.push_str(&format!("{mins} min, "));
    }
    let users = 1;
    s.push_str(&format!(
        "{users:2} user{},  load average: 0.08, 0.03, 0.01",
        if users > 1 { "s" } else { "" }
    ));
    s
}

impl Command for Uptime {
    fn name(&self) -> &'static str {
        "uptime"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/uptime"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [("pretty", 'p', Val::No), ("since", 's', Val::No)];
        let (opts, ops) = match getopt_stop(args, "phsV", Some(&long), "hsV") {
            Ok(x) => x,
            Err(e) => return usage_full(ctx, "uptime", &e),
        };
        match opts.last().map(|o| o.0) {
            Some('h') => return print_help(ctx, "uptime"),
            Some('V') => return print_version(ctx, "uptime"),
            Some('s') => {}
            _ if !ops.is_empty() => {
                ctx.stderr
                    .write_str(help::help("uptime").unwrap_or_default());
                return 1;
            }
            _ => {}
        }
        let boot = ctx.persona.boot_time;
        if opts.iter().any(|o| o.0 == 's') {
            let t = utc(boot);
            ctx.stdout.line(&format!(
                "{:04}-{:02}-{:02} {}",
                t.year(),
                u8::from(t.month()),
                t.day(),
                hms(boot)
            ));
            return 0;
        }
        if opts.iter().any(|o| o.0 == 'p') {
            let up = (ctx.now.unix_timestamp() - boot).max(0);
            let parts = [
                (up / 604_800, "week"),
                (up % 604_800 / 86_400, "day"),
                (up % 86_400 / 3600, "hour"),
                (up % 3600 / 60, "minute"),
            ];
            let v: Vec<String> = parts
                .iter()
                .filter(|(n, _)| *n > 0)
                .map(|(n, u)| format!("{n} {u}{}", if *n == 1 { "" } else { "s" }))
                .collect();
            ctx.stdout.line(&format!(
                "up {}",
                if v.is_empty() {
                    "0 minutes".to_string()
                } else {
                    v.join(", ")
                }
            ));
            return 0;
        }
        let line = uptime_line(ctx);
        ctx.stdout.line(&line);
        0
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn up() {
        assert_eq!(
            run("uptime", &[], "/", b"").stdout,
            " 13:00:00 up 19 days, 15:54,  1 user,  load average: 0.08, 0.03, 0.01\n"
        );
        assert_eq!(
            run("uptime", &["-p"], "/", b"").stdout,
            "up 2 weeks, 5 days, 15 hours, 54 minutes\n"
        );
        assert_eq!(
            run("uptime", &["-s"], "/", b"").stdout,
            "2025-11-01 21:05:12\n"
        );
    }
}
