//! `who`: show who is logged on (coreutils 9.1): this session only.
//!
//! Emulated: the default line `root     pts/0        2025-11-21 12:00 (203.0.113.9)`,
//! `-q` (names and count), `-b` (boot time), `-H` (heading), `am i`/`-m`, `-u` (idle and
//! pid columns, approximated). Sessions without a tty are not listed (as with `ssh host cmd`).

use super::util::{IGNORED, Val, getopt, q, usage, ymd_hm};
use super::{CmdCtx, Command};

/// `who`.
pub struct Who;

impl Command for Who {
    fn name(&self) -> &'static str {
        "who"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/who"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("all", 'a', Val::No),
            ("boot", 'b', Val::No),
            ("count", 'q', Val::No),
            ("dead", 'd', Val::No),
            ("heading", 'H', Val::No),
            ("ips", IGNORED, Val::No),
            ("login", 'l', Val::No),
            ("lookup", 'L', Val::No),
            ("message", 'T', Val::No),
            ("mesg", 'T', Val::No),
            ("process", 'p', Val::No),
            ("runlevel", 'r', Val::No),
            ("short", 's', Val::No),
            ("time", 't', Val::No),
            ("users", 'u', Val::No),
            ("writable", 'T', Val::No),
        ];
        let (opts, ops) = match getopt(args, "abdlmpqrstuwHT", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "who", &e, 1),
        };
        if let Some(extra) = ops.get(2) {
            return usage(ctx, "who", &format!("extra operand {}", q(extra)), 1);
        }
        let (mut heading, mut quick, mut boot) = (false, false, false);
        for (c, _) in opts {
            match c {
                'H' => heading = true,
                'q' => quick = true,
                'b' => boot = true,
                _ => {}
            }
        }
        let user = ctx.user.name.clone();
        if quick {
            let n = usize::from(ctx.session.tty.is_some());
            if n > 0 {
                ctx.stdout.line(&user);
            } else {
                ctx.stdout.line("");
            }
            ctx.stdout.line(&format!("# users={n}"));
            return 0;
        }
        if heading {
            ctx.stdout
                .line("NAME     LINE         TIME             COMMENT");
        }
        if boot {
            ctx.stdout.line(&format!(
                "         system boot  {}",
                ymd_hm(ctx.persona.boot_time)
            ));
            return 0;
        }
        if let Some(tty) = ctx.session.tty.clone() {
            let line = format!(
                "{user:<8} {tty:<12} {} ({})",
                ymd_hm(ctx.session.login_time),
                ctx.session.src_ip
            );
            ctx.stdout.line(&line);
        }
        0
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn who() {
        assert_eq!(
            run("who", &[], "/", b"").stdout,
            "root     pts/0        2025-11-21 04:40 (203.0.113.9)\n"
        );
        assert_eq!(run("who", &["-q"], "/", b"").stdout, "root\n# users=1\n");
    }
}
