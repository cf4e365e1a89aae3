//! `nproc`: print the number of processing units (coreutils 9.1) from the persona; `--all`, `--ignore=N`.

use super::util::{Val, getopt, q, usage};
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
        let long = [("all", 'a', Val::No), ("ignore", 'i', Val::Req)];
        let (opts, ops) = match getopt(args, "", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "nproc", &e, 1),
        };
        let mut ignore = 0u32;
        for (c, v) in opts {
            if c == 'i' {
                let v = v.unwrap_or_default();
                match v.parse::<u64>() {
                    Ok(n) => ignore = u32::try_from(n).unwrap_or(u32::MAX),
                    Err(_) => {
                        ctx.error("nproc", &format!("invalid number: {}", q(&v)));
                        return 1;
                    }
                }
            }
        }
        if let Some(extra) = ops.first() {
            return usage(ctx, "nproc", &format!("extra operand {}", q(extra)), 1);
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
