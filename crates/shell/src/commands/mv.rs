//! `mv`: move (rename) files (coreutils 9.1).
//!
//! Emulated: moving into a directory, `-f -i -n -v -u -T -t DIR` (`-i` does not ask),
//! `renamed 'a' -> 'b'` for `-v`, GNU errors (`cannot stat`, `cannot move ... to ...`,
//! `are the same file`). Uses `Fs::rename`. No gaps known for the emulated options.

use miragepot_vfs::path::{basename, normalize};

use super::util::{IGNORED, Val, getopt, sq, usage};
use super::{CmdCtx, Command};

/// `mv`.
pub struct Mv;

impl Command for Mv {
    fn name(&self) -> &'static str {
        "mv"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/mv"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("backup", 'b', Val::Opt),
            ("context", 'Z', Val::No),
            ("force", 'f', Val::No),
            ("interactive", 'i', Val::No),
            ("no-clobber", 'n', Val::No),
            ("strip-trailing-slashes", IGNORED, Val::No),
            ("suffix", 'S', Val::Req),
            ("target-directory", 't', Val::Req),
            ("no-target-directory", 'T', Val::No),
            ("update", 'u', Val::No),
            ("verbose", 'v', Val::No),
        ];
        let (opts, mut ops) = match getopt(args, "bfint:uvS:TZ", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "mv", &e, 1),
        };
        let verbose = opts.iter().any(|o| o.0 == 'v');
        let no_clobber = opts.iter().any(|o| o.0 == 'n');
        let no_target = opts.iter().any(|o| o.0 == 'T');
        let tdir = opts.iter().find(|o| o.0 == 't').and_then(|o| o.1.clone());
        if ops.is_empty() {
            return usage(ctx, "mv", "missing file operand", 1);
        }
        let dest = match tdir {
            Some(t) => t,
            None if ops.len() == 1 => {
                let only = ops.first().cloned().unwrap_or_default();
                return usage(
                    ctx,
                    "mv",
                    &format!("missing destination file operand after {}", sq(&only)),
                    1,
                );
            }
            None => ops.pop().unwrap_or_default(),
        };
        let dest_is_dir = !no_target
            && ctx
                .fs
                .stat(ctx.cwd, &dest)
                .map(|m| m.is_dir())
                .unwrap_or(false);
        if ops.len() > 1 && !dest_is_dir {
            ctx.error("mv", &format!("target {} is not a directory", sq(&dest)));
            return 1;
        }
        let mut status = 0;
        let fctx = ctx.fs_ctx();
        for src in &ops {
            if let Err(e) = ctx.fs.lstat(ctx.cwd, src) {
                ctx.error("mv", &format!("cannot stat {}: {e}", sq(src)));
                status = 1;
                continue;
            }
            let target = if dest_is_dir {
                let b = basename(src);
                if dest.ends_with('/') {
                    format!("{dest}{b}")
                } else {
                    format!("{dest}/{b}")
                }
            } else {
                dest.clone()
            };
            if normalize(ctx.cwd, src) == normalize(ctx.cwd, &target) {
                ctx.error(
                    "mv",
                    &format!("{} and {} are the same file", sq(src), sq(&target)),
                );
                status = 1;
                continue;
            }
            if no_clobber && ctx.fs.lstat(ctx.cwd, &target).is_ok() {
                continue;
            }
            match ctx.fs.rename(ctx.cwd, src, &target, &fctx) {
                Ok(()) => {
                    if verbose {
                        ctx.stdout
                            .line(&format!("renamed {} -> {}", sq(src), sq(&target)));
                    }
                }
                Err(miragepot_vfs::FsError::InvalidArgument) => {
                    ctx.error(
                        "mv",
                        &format!(
                            "cannot move {} to a subdirectory of itself, {}",
                            sq(src),
                            sq(&target)
                        ),
                    );
                    status = 1;
                }
                Err(e) => {
                    ctx.error(
                        "mv",
                        &format!("cannot move {} to {}: {e}", sq(src), sq(&target)),
                    );
                    status = 1;
                }
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
    fn moves() {
        let p = Persona::debian12();
        let mut fs = p.new_fs();
        run_in(&p, &mut fs, "mkdir", &["/tmp/w"], "/", b"");
        run_in(&p, &mut fs, "touch", &["/tmp/f"], "/", b"");
        let r = run_in(&p, &mut fs, "mv", &["-v", "f", "w"], "/tmp", b"");
        assert_eq!(r.stdout, "renamed 'f' -> 'w/f'\n");
        assert!(fs.exists("/", "/tmp/w/f") && !fs.exists("/", "/tmp/f"));
        let r = run_in(&p, &mut fs, "mv", &["w/f", "/nope/x"], "/tmp", b"");
        assert_eq!(
            r.stderr,
            "mv: cannot move 'w/f' to '/nope/x': No such file or directory\n"
        );
        let r = run("mv", &["/nonexistent", "/tmp/q"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "mv: cannot stat '/nonexistent': No such file or directory\n",
                1
            )
        );
        assert_eq!(
            run("mv", &[], "/", b"").stderr,
            "mv: missing file operand\nTry 'mv --help' for more information.\n"
        );
    }
}
