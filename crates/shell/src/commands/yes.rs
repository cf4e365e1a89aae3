//! `yes`: output a string repeatedly (coreutils 9.1) until the stdout cap is reached.

use super::util::{getopt, usage};
use super::{CmdCtx, Command};

/// `yes`.
pub struct Yes;

impl Command for Yes {
    fn name(&self) -> &'static str {
        "yes"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/yes"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let words = match getopt(args, "", &[]) {
            Ok((_, ops)) => ops,
            Err(e) => return usage(ctx, "yes", &e, 1),
        };
        let line = if words.is_empty() {
            "y".to_string()
        } else {
            words.join(" ")
        };
        let mut chunk = String::new();
        while chunk.len() < 8192 {
            chunk.push_str(&line);
            chunk.push('\n');
        }
        while !ctx.stdout.is_full() {
            ctx.stdout.write_str(&chunk);
        }
        0
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn repeats_until_cap() {
        let r = run("yes", &[], "/", b"");
        assert!(r.stdout.starts_with("y\ny\n") && r.stdout.len() == 1 << 20);
        assert!(
            run("yes", &["a", "b"], "/", b"")
                .stdout
                .starts_with("a b\na b\n")
        );
    }
}
