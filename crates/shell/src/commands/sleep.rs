//! `sleep`: validates its operands like coreutils 9.1 (`NUMBER[smhd]`, several summed, `inf`) and returns 0 at once: the runtime paces the session, nothing waits here.

#[allow(unused_imports)]
use super::util::{Val, getopt, q, sq, usage};
use super::{CmdCtx, Command};

/// `sleep`.
pub struct Sleep;

impl Command for Sleep {
    fn name(&self) -> &'static str {
        "sleep"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/sleep"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let (_, ops) = match getopt(args, "", &[]) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "sleep", &e, 1),
        };
        if ops.is_empty() {
            return usage(ctx, "sleep", "missing operand", 1);
        }
        let mut bad = false;
        for op in &ops {
            let body = op.strip_suffix(['s', 'm', 'h', 'd']).unwrap_or(op);
            let ok = !body.is_empty()
                && !body.starts_with('-')
                && (body.parse::<f64>().is_ok_and(|v| v >= 0.0)
                    || body.eq_ignore_ascii_case("inf")
                    || body.eq_ignore_ascii_case("infinity"));
            if !ok {
                ctx.error("sleep", &format!("invalid time interval {}", q(op)));
                bad = true;
            }
        }
        if bad {
            ctx.stderr.line("Try 'sleep --help' for more information.");
            return 1;
        }
        0
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn works() {
        assert_eq!(run("sleep", &["0.5", "1m"], "/", b"").code, 0);
        let r = run("sleep", &["1x"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "sleep: invalid time interval \u{2018}1x\u{2019}\nTry 'sleep --help' for more information.\n",
                1
            )
        );
        assert_eq!(
            run("sleep", &[], "/", b"").stderr,
            "sleep: missing operand\nTry 'sleep --help' for more information.\n"
        );
    }
}
