//! `nproc`: print the number of processing units (coreutils 9.1) from the persona; `--all`, `--ignore=N`.

#[allow(unused_imports)]
use super::util::{Val, getopt, q, sq, usage};
use super::{CmdCtx, Command};

/// `nproc`.
pub struct Nproc;

impl Command for Nproc {
    fn name(&self) -> &'static str {
        "nproc"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/nproc"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let mut ignore = 0u32;
        let mut it = args.iter().skip(1);
        while let Some(a) = it.next() {
            if let Some(v) = a.strip_prefix("--ignore=") {
                ignore = v.parse().unwrap_or(0);
            } else if a == "--ignore" {
                ignore = it.next().and_then(|v| v.parse().ok()).unwrap_or(0);
            }
        }
        let n = ctx.persona.cpu_count.saturating_sub(ignore).max(1);
        ctx.stdout.line(&n.to_string());
        0
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn works() {
        assert_eq!(run("nproc", &[], "/", b"").stdout, "2\n");
    }
}
