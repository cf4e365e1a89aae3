//! `realpath`: print the resolved path (coreutils 9.1): `-e`, `-m`, `-s` (lexical), `-q`,
//! `-z`; by default all but the last component must exist. Errors as
//! `realpath: x: No such file or directory`.

use miragepot_vfs::path::normalize;

use super::readlink::{Mode, resolve};
use super::util::{IGNORED, Val, getopt, usage};
use super::{CmdCtx, Command};

/// `realpath`.
pub struct Realpath;

impl Command for Realpath {
    fn name(&self) -> &'static str {
        "realpath"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/realpath"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("canonicalize-existing", 'e', Val::No),
            ("canonicalize-missing", 'm', Val::No),
            ("strip", 's', Val::No),
            ("no-symlinks", 's', Val::No),
            ("quiet", 'q', Val::No),
            ("zero", 'z', Val::No),
            ("logical", 'L', Val::No),
            ("physical", 'P', Val::No),
            ("relative-to", IGNORED, Val::Req),
            ("relative-base", IGNORED, Val::Req),
        ];
        let (opts, ops) = match getopt(args, "emsqzLP", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "realpath", &e, 1),
        };
        if ops.is_empty() {
            return usage(ctx, "realpath", "missing operand", 1);
        }
        let has = |c| opts.iter().any(|o: &(char, Option<String>)| o.0 == c);
        let mode = if has('e') {
            Mode::Existing
        } else if has('m') {
            Mode::Missing
        } else {
            Mode::Parent
        };
        let end = if has('z') { "\0" } else { "\n" };
        let mut status = 0;
        for op in &ops {
            let r = if has('s') {
                Ok(normalize(ctx.cwd, op))
            } else {
                resolve(ctx, op, mode)
            };
            match r {
                Ok(s) => ctx.stdout.write_str(&format!("{s}{end}")),
                Err(e) => {
                    if !has('q') {
                        ctx.error("realpath", &format!("{op}: {e}"));
                    }
                    status = 1;
                }
            }
        }
        status
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn resolves() {
        assert_eq!(
            run("realpath", &["/bin/ls"], "/", b"").stdout,
            "/usr/bin/ls\n"
        );
        assert_eq!(run("realpath", &["x"], "/tmp", b"").stdout, "/tmp/x\n");
        let r = run("realpath", &["/nope/x"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("realpath: /nope/x: No such file or directory\n", 1)
        );
    }
}
