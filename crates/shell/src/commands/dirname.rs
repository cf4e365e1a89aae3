//! `dirname`: strip the last component from file names (coreutils 9.1), several operands, `-z`. No gaps known.

#[allow(unused_imports)]
use super::util::{Val, getopt, q, sq, usage};
use super::{CmdCtx, Command};

/// `dirname`.
pub struct Dirname;

impl Command for Dirname {
    fn name(&self) -> &'static str {
        "dirname"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/dirname"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let (opts, ops) = match getopt(args, "z", &[("zero", 'z', Val::No)]) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "dirname", &e, 1),
        };
        if ops.is_empty() {
            return usage(ctx, "dirname", "missing operand", 1);
        }
        let end = if opts.is_empty() { "\n" } else { "\0" };
        let out: String = ops
            .iter()
            .map(|o| format!("{}{end}", miragepot_vfs::path::dirname(o)))
            .collect();
        ctx.stdout.write_str(&out);
        0
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn works() {
        assert_eq!(
            run("dirname", &["/a/b/c", "c", "/"], "/", b"").stdout,
            "/a/b\n.\n/\n"
        );
        assert_eq!(
            run("dirname", &[], "/", b"").stderr,
            "dirname: missing operand\nTry 'dirname --help' for more information.\n"
        );
    }
}
