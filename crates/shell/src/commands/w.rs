//! `w`: show who is logged on and what they are doing (procps-ng 4.0.2).
//!
//! Emulated: the uptime header, the `USER TTY FROM LOGIN@ IDLE JCPU PCPU WHAT` table with
//! this session's row, `-h` (no header), `-s` (short), `-f` accepted. One session only.

use super::uptime::uptime_line;
use super::util::utc;
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
        let mut header = true;
        let mut short = false;
        for a in args.iter().skip(1) {
            if let Some(f) = a.strip_prefix('-') {
                for c in f.chars() {
                    match c {
                        'h' => header = false,
                        's' => short = true,
                        'f' | 'i' | 'o' | 'u' | 'n' => {}
                        other => {
                            ctx.stderr.line(&format!("w: invalid option -- '{other}'"));
                            ctx.stderr.line(
                                "\nUsage:\n w [options] [user]\n\nFor more details see w(1).",
                            );
                            return 1;
                        }
                    }
                }
            }
        }
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
        let Some(tty) = ctx.session.tty.clone() else {
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
