//! `basename`: strip directory and suffix from file names (coreutils 9.1): `NAME [SUFFIX]`, `-a`, `-s SUFFIX`, `-z`. No gaps known.

#[allow(unused_imports)]
use super::util::{Val, getopt, q, sq, usage};
use super::{CmdCtx, Command};

/// `basename`.
pub struct Basename;

impl Command for Basename {
    fn name(&self) -> &'static str {
        "basename"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/basename"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("multiple", 'a', Val::No),
            ("suffix", 's', Val::Req),
            ("zero", 'z', Val::No),
        ];
        let (opts, ops) = match getopt(args, "as:z", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "basename", &e, 1),
        };
        let mut suffix = opts.iter().find(|o| o.0 == 's').and_then(|o| o.1.clone());
        let multiple = suffix.is_some() || opts.iter().any(|o| o.0 == 'a');
        let end = if opts.iter().any(|o| o.0 == 'z') {
            "\0"
        } else {
            "\n"
        };
        if ops.is_empty() {
            return usage(ctx, "basename", "missing operand", 1);
        }
        let names: Vec<String> = if multiple {
            ops.clone()
        } else {
            if ops.len() > 2 {
                let extra = ops.get(2).cloned().unwrap_or_default();
                return usage(ctx, "basename", &format!("extra operand {}", q(&extra)), 1);
            }
            suffix = ops.get(1).cloned();
            ops.first().cloned().into_iter().collect()
        };
        let mut out = String::new();
        for n in names {
            let mut b = miragepot_vfs::path::basename(&n).to_string();
            if let Some(s) = &suffix
                && b.len() > s.len()
                && b.ends_with(s.as_str())
            {
                b.truncate(b.len() - s.len());
            }
            out.push_str(&b);
            out.push_str(end);
        }
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
            run("basename", &["/a/b/c.txt", ".txt"], "/", b"").stdout,
            "c\n"
        );
        assert_eq!(
            run("basename", &["-a", "/x/y", "z/"], "/", b"").stdout,
            "y\nz\n"
        );
        assert_eq!(run("basename", &["/"], "/", b"").stdout, "/\n");
        assert_eq!(run("basename", &[], "/", b"").code, 1);
    }
}
