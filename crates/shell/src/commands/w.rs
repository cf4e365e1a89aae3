//! `w`: show who is logged on and what they are doing (procps-ng 4.0.2).
//!
//! Emulated: the uptime header, the `USER TTY FROM LOGIN@ IDLE JCPU PCPU WHAT` table with
//! this session's row, `-h` (no header), `-s` (short), `-f`/`-i`/`-o`/`-u` accepted, a
//! `user` operand (other users have no rows), procps' option errors. One session only.

use super::uptime::uptime_line;
use super::util::{Val, getopt_stop, print_version, usage_full, utc};
use super::{CmdCtx, Command};

/// `w`.
pub struct W;

impl Command for W {
    fn name(&self) -> &'static str {
        "w"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/w"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("no-header", 'h', Val::No),
            ("no-current", 'u', Val::No),
            ("short", 's', Val::No),
            ("from", 'f', Val::No),
            ("old-style", 'o', Val::No),
            ("ip-addr", 'i', Val::No),
        ];
        let (opts, ops) = match getopt_stop(args, "hsfuoiV", Some(&long), "V") {
            Ok(x) => x,
            Err(e) => return usage_full(ctx, "w", &e),
        };
        let mut header = true;
        let mut short = false;
        for (c, _) in opts {
            match c {
                'V' => return print_version(ctx, "w"),
                'h' => header = false,
                's' => short = true,
                _ => {}
            }
        }
        let other_user = ops.first().is_some_and(|u| *u != ctx.user.name);
        if header {
            let line = uptime_line(ctx);
            ctx.stdout.line(&line);
            if short {
                ctx.stdout
                    .line("USER     TTY      FROM             IDLE WHAT");
            } else {
                ctx.stdout
                    .line("USER     TTY      FROM             LOGIN@   IDLE   JCPU   PCPU WHAT");
            }
        }
        let Some(tty) = ctx.session.tty.clone().filter(|_| !other_user) else {
            return 0;
        };
        let login = utc(ctx.session.login_time);
        let user: String = ctx.user.name.chars().take(8).collect();
        let from: String = ctx.session.src_ip.chars().take(16).collect();
        let row = if short {
            format!("{user:<9}{tty:<9}{from:<17}{:>5} w", "0.00s")
        } else {
            format!(
                "{user:<9}{tty:<9}{from:<17}{:<9}{:>5}  {:>5}  {:>5} w",
                format!("{:02}:{:02}", login.hour(), login.minute()),
                "0.00s",
                "0.02s",
                "0.00s"
            )
        };
        ctx.stdout.line(&row);
        0
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn shows_session() {
        assert_eq!(
            run("w", &[], "/", b"").stdout,
            " 13:00:00 up 19 days, 15:54,  1 user,  load average: 0.08, 0.03, 0.01\nUSER     TTY      FROM             LOGIN@   IDLE   JCPU   PCPU WHAT\nroot     pts/0    203.0.113.9      04:40    0.00s  0.02s  0.00s w\n"
        );
    }
}
