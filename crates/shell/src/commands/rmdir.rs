//! `rmdir`: remove empty directories (coreutils 9.1).
//!
//! Emulated: `-p` (also remove the now-empty ancestors named in the operand), `-v`,
//! `--ignore-fail-on-non-empty`, GNU error texts and exit status 1. No gaps known.

use miragepot_vfs::path::dirname;

use super::util::{Val, getopt, sq, usage};
use super::{CmdCtx, Command};

/// `rmdir`.
pub struct Rmdir;

impl Command for Rmdir {
    fn name(&self) -> &'static str {
        "rmdir"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/rmdir"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("parents", 'p', Val::No),
            ("verbose", 'v', Val::No),
            ("ignore-fail-on-non-empty", 'I', Val::No),
        ];
        let (opts, ops) = match getopt(args, "pv", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "rmdir", &e, 1),
        };
        let parents = opts.iter().any(|o| o.0 == 'p');
        let verbose = opts.iter().any(|o| o.0 == 'v');
        let ignore = opts.iter().any(|o| o.0 == 'I');
        if ops.is_empty() {
            return usage(ctx, "rmdir", "missing operand", 1);
        }
        let fctx = ctx.fs_ctx();
        let mut status = 0;
        for op in &ops {
            let mut path = op.trim_end_matches('/').to_string();
            if path.is_empty() {
                path = "/".into();
            }
            let mut first = true;
            loop {
                if verbose {
                    ctx.stdout
                        .line(&format!("rmdir: removing directory, {}", sq(&path)));
                }
                if let Err(e) = ctx.fs.remove_dir(ctx.cwd, &path, &fctx) {
                    if !(ignore && e == miragepot_vfs::FsError::NotEmpty) {
                        let what = if first { "" } else { "directory " };
                        ctx.error(
                            "rmdir",
                            &format!("failed to remove {what}{}: {e}", sq(&path)),
                        );
                        status = 1;
                    }
                    break;
                }
                first = false;
                if !parents {
                    break;
                }
                let d = dirname(&path);
                if d == "." || d == "/" || d == path {
                    break;
                }
                path = d;
            }
        }
        status
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run, run_in};
    use crate::persona::Persona;

    #[test]
    fn removes_parents() {
        let p = Persona::debian12();
        let mut fs = p.new_fs();
        run_in(&p, &mut fs, "mkdir", &["-p", "w/c", "w/d"], "/tmp", b"");
        let r = run_in(&p, &mut fs, "rmdir", &["-pv", "w/c"], "/tmp", b"");
        assert_eq!(
            r.stdout,
            "rmdir: removing directory, 'w/c'\nrmdir: removing directory, 'w'\n"
        );
        assert_eq!(
            r.stderr,
            "rmdir: failed to remove directory 'w': Directory not empty\n"
        );
        assert_eq!(
            run("rmdir", &["/etc"], "/", b"").stderr,
            "rmdir: failed to remove '/etc': Directory not empty\n"
        );
        let r = run("rmdir", &["/nonexistent"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "rmdir: failed to remove '/nonexistent': No such file or directory\n",
                1
            )
        );
    }
}
