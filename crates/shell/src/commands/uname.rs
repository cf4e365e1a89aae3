//! `uname`: print system information (coreutils 9.1) from the persona.
//!
//! Emulated: `-a -s -n -r -v -m -p -i -o` and long forms; `-p`/`-i` print `unknown` and are
//! left out of `-a`, as on Debian. No gaps known.

use super::util::{Val, getopt, q, usage};
use super::{CmdCtx, Command};

/// `uname`.
pub struct Uname;

impl Command for Uname {
    fn name(&self) -> &'static str {
        "uname"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/uname"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("all", 'a', Val::No),
            ("kernel-name", 's', Val::No),
            ("nodename", 'n', Val::No),
            ("kernel-release", 'r', Val::No),
            ("kernel-version", 'v', Val::No),
            ("machine", 'm', Val::No),
            ("processor", 'p', Val::No),
            ("hardware-platform", 'i', Val::No),
            ("operating-system", 'o', Val::No),
        ];
        let (opts, ops) = match getopt(args, "asnrvmpio", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "uname", &e, 1),
        };
        if let Some(extra) = ops.first() {
            return usage(ctx, "uname", &format!("extra operand {}", q(extra)), 1);
        }
        let has = |c| opts.iter().any(|o: &(char, Option<String>)| o.0 == c);
        let all = has('a');
        let p = ctx.persona;
        let fields: [(char, &str); 8] = [
            ('s', "Linux"),
            ('n', &p.hostname),
            ('r', &p.kernel_release),
            ('v', &p.kernel_version),
            ('m', &p.machine),
            ('p', "unknown"),
            ('i', "unknown"),
            ('o', "GNU/Linux"),
        ];
        let mut out: Vec<&str> = Vec::new();
        for (c, v) in fields {
            if has(c) || (all && !matches!(c, 'p' | 'i')) {
                out.push(v);
            }
        }
        if out.is_empty() {
            out.push("Linux");
        }
        let line = out.join(" ");
        ctx.stdout.line(&line);
        0
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn prints_fields() {
        assert_eq!(
            run("uname", &["-a"], "/", b"").stdout,
            "Linux web-prod-02 6.1.0-41-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.158-1 (2025-11-09) x86_64 GNU/Linux\n"
        );
        assert_eq!(run("uname", &[], "/", b"").stdout, "Linux\n");
        assert_eq!(
            run("uname", &["-mrs"], "/", b"").stdout,
            "Linux 6.1.0-41-amd64 x86_64\n"
        );
        assert_eq!(
            run("uname", &["-snrvmpio"], "/", b"")
                .stdout
                .matches("unknown")
                .count(),
            2
        );
        assert_eq!(
            run("uname", &["-x"], "/", b"").stderr,
            "uname: invalid option -- 'x'\nTry 'uname --help' for more information.\n"
        );
    }
}
