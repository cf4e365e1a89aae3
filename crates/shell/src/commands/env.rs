//! `env`: print the environment (coreutils 9.1).
//!
//! Emulated: listing exported variables as `K=V` (sorted by name), `-0`, `-u NAME` (omitted
//! from the listing), `-i`/`-` (empty environment), `NAME=VALUE` operands (added to the
//! listing). Running a command (`env VAR=x cmd`) is the interpreter's job: when a command
//! operand remains, this prints nothing and returns 0 (the interpreter handles that form
//! before reaching here).

use super::util::{IGNORED, Val, getopt_posix, usage};
use super::{CmdCtx, Command};

/// `env`.
pub struct Env;

impl Command for Env {
    fn name(&self) -> &'static str {
        "env"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/env"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("ignore-environment", 'i', Val::No),
            ("null", '0', Val::No),
            ("unset", 'u', Val::Req),
            ("chdir", 'C', Val::Req),
            ("default-signal", IGNORED, Val::Opt),
            ("ignore-signal", IGNORED, Val::Opt),
            ("block-signal", IGNORED, Val::Opt),
            ("list-signal-handling", IGNORED, Val::No),
            ("debug", 'v', Val::No),
            ("split-string", 'S', Val::Req),
        ];
        // Options end at the first operand (`env ls -l`); a first operand `-` means `-i`.
        let (opts, mut ops) = match getopt_posix(args, "i0u:C:S:v", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "env", &e, 125),
        };
        let mut empty = false;
        if ops.first().is_some_and(|a| a == "-") {
            ops.remove(0);
            empty = true;
        }
        let nul = opts.iter().any(|o| o.0 == '0');
        empty |= opts.iter().any(|o| o.0 == 'i');
        let unset: Vec<String> = opts
            .iter()
            .filter(|o| o.0 == 'u')
            .filter_map(|o| o.1.clone())
            .collect();
        let mut vars: Vec<(String, String)> = if empty {
            Vec::new()
        } else {
            ctx.env
                .exported()
                .filter(|(k, _)| !unset.iter().any(|u| u == k))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        for op in &ops {
            match op.split_once('=') {
                Some((k, v)) => {
                    vars.retain(|(x, _)| x != k);
                    vars.push((k.to_string(), v.to_string()));
                }
                None => return 0,
            }
        }
        let end = if nul { '\0' } else { '\n' };
        let out: String = vars.iter().map(|(k, v)| format!("{k}={v}{end}")).collect();
        ctx.stdout.write_str(&out);
        0
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn lists() {
        let r = run("env", &[], "/", b"");
        assert!(r.stdout.contains("HOME=/root\n") && r.stdout.contains("PATH=/usr/local/sbin:"));
        assert!(!r.stdout.contains("PS1="));
        assert_eq!(run("env", &["-i", "A=1"], "/", b"").stdout, "A=1\n");
        assert!(
            !run("env", &["-u", "HOME"], "/", b"")
                .stdout
                .contains("HOME=")
        );
    }
}
