//! `rm`: remove files or directories (coreutils 9.1).
//!
//! Emulated: `-f -r -R -d -v -i -I` (interactive prompts are not asked: it just removes),
//! `--no-preserve-root`; the `/` failsafe text; whole trees are removed with one
//! `Fs::remove_tree` (O(1) in the base). With `--no-preserve-root`, `rm -rf /` removes each
//! top-level entry except the kernel filesystems: `/proc` and `/sys` report
//! `Read-only file system`, `/dev/pts` and `/dev/shm` `Device or resource busy`.
//! Known gaps: `-v` on a tree lists only the directory itself, not each file in it.

use miragepot_vfs::FsError;
use miragepot_vfs::path::{child, normalize};

use super::util::{Val, getopt, sq, usage};
use super::{CmdCtx, Command};

/// `rm`.
pub struct Rm;

struct Flags {
    force: bool,
    recursive: bool,
    dir: bool,
    verbose: bool,
}

impl Command for Rm {
    fn name(&self) -> &'static str {
        "rm"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/rm"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("force", 'f', Val::No),
            ("recursive", 'r', Val::No),
            ("dir", 'd', Val::No),
            ("verbose", 'v', Val::No),
            ("interactive", 'i', Val::Opt),
            ("no-preserve-root", 'N', Val::No),
            ("preserve-root", 'P', Val::Opt),
            ("one-file-system", 'O', Val::No),
        ];
        let (opts, ops) = match getopt(args, "fiIrRdv", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "rm", &e, 1),
        };
        let mut f = Flags {
            force: false,
            recursive: false,
            dir: false,
            verbose: false,
        };
        let mut preserve_root = true;
        for (c, _) in opts {
            match c {
                'f' => f.force = true,
                'r' | 'R' => f.recursive = true,
                'd' => f.dir = true,
                'v' => f.verbose = true,
                'N' => preserve_root = false,
                'P' => preserve_root = true,
                _ => {}
            }
        }
        if ops.is_empty() {
            if f.force {
                return 0;
            }
            return usage(ctx, "rm", "missing operand", 1);
        }
        let mut status = 0;
        for op in &ops {
            let base = op.trim_end_matches('/').rsplit('/').next().unwrap_or("");
            if matches!(base, "." | "..") {
                ctx.error(
                    "rm",
                    &format!(
                        "refusing to remove '.' or '..' directory: skipping {}",
                        sq(op)
                    ),
                );
                status = 1;
                continue;
            }
            let full = normalize(ctx.cwd, op);
            if full == "/" && f.recursive {
                if preserve_root {
                    ctx.error("rm", "it is dangerous to operate recursively on '/'");
                    ctx.error("rm", "use --no-preserve-root to override this failsafe");
                    status = 1;
                } else if !remove_root(ctx, &f) {
                    status = 1;
                }
                continue;
            }
            if !remove_one(ctx, op, &f) {
                status = 1;
            }
        }
        status
    }
}

/// Removes one operand; false on error (already reported).
fn remove_one(ctx: &mut CmdCtx<'_>, op: &str, f: &Flags) -> bool {
    let fctx = ctx.fs_ctx();
    let meta = match ctx.fs.lstat(ctx.cwd, op) {
        Ok(m) => m,
        Err(FsError::NotFound) if f.force => return true,
        Err(e) => {
            ctx.error("rm", &format!("cannot remove {}: {e}", sq(op)));
            return false;
        }
    };
    let full = normalize(ctx.cwd, op);
    if meta.is_dir() {
        if f.recursive {
            if matches!(full.as_str(), "/proc" | "/sys" | "/dev")
                || full.starts_with("/proc/")
                || full.starts_with("/sys/")
            {
                return remove_kernel_tree(ctx, op, &full, f);
            }
            return match ctx.fs.remove_tree(ctx.cwd, op, &fctx) {
                Ok(()) => {
                    if f.verbose {
                        ctx.stdout.line(&format!("removed directory {}", sq(op)));
                    }
                    true
                }
                Err(e) => {
                    ctx.error("rm", &format!("cannot remove {}: {e}", sq(op)));
                    false
                }
            };
        }
        if f.dir {
            return match ctx.fs.remove_dir(ctx.cwd, op, &fctx) {
                Ok(()) => {
                    if f.verbose {
                        ctx.stdout.line(&format!("removed directory {}", sq(op)));
                    }
                    true
                }
                Err(e) => {
                    ctx.error("rm", &format!("cannot remove {}: {e}", sq(op)));
                    false
                }
            };
        }
        ctx.error("rm", &format!("cannot remove {}: Is a directory", sq(op)));
        return false;
    }
    match ctx.fs.remove_file(ctx.cwd, op, &fctx) {
        Ok(()) => {
            if f.verbose {
                ctx.stdout.line(&format!("removed {}", sq(op)));
            }
            true
        }
        Err(e) => {
            ctx.error("rm", &format!("cannot remove {}: {e}", sq(op)));
            false
        }
    }
}

/// `/proc`, `/sys`, `/dev`: entries of the kernel filesystems resist, the rest of `/dev` goes.
fn remove_kernel_tree(ctx: &mut CmdCtx<'_>, shown: &str, full: &str, f: &Flags) -> bool {
    let root = miragepot_vfs::Ctx {
        uid: 0,
        ..ctx.fs_ctx()
    };
    let fctx = ctx.fs_ctx();
    let entries = ctx.fs.read_dir("/", full, &root).unwrap_or_default();
    let prefix = shown.trim_end_matches('/');
    for e in entries.iter().take(200) {
        let p = child(full, &e.name);
        let shown_child = format!("{prefix}/{}", e.name);
        let err = if full == "/dev" {
            if e.name == "pts" || e.name == "shm" {
                Some(FsError::Busy)
            } else {
                ctx.fs.remove_tree("/", &p, &fctx).err()
            }
        } else {
            Some(FsError::ReadOnly)
        };
        match err {
            Some(e) => ctx.error("rm", &format!("cannot remove {}: {e}", sq(&shown_child))),
            None if f.verbose => ctx.stdout.line(&format!("removed {}", sq(&shown_child))),
            None => {}
        }
    }
    if full == "/dev" {
        ctx.error(
            "rm",
            &format!("cannot remove {}: Device or resource busy", sq(shown)),
        );
    }
    false
}

/// `rm -rf --no-preserve-root /`.
fn remove_root(ctx: &mut CmdCtx<'_>, f: &Flags) -> bool {
    let root = miragepot_vfs::Ctx {
        uid: 0,
        ..ctx.fs_ctx()
    };
    let entries = ctx.fs.read_dir("/", "/", &root).unwrap_or_default();
    let mut ok = true;
    for e in entries {
        ok &= remove_one(ctx, &format!("/{}", e.name), f);
    }
    ok
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run, run_in};
    use crate::persona::Persona;

    #[test]
    fn removes_and_refuses() {
        let p = Persona::debian12();
        let mut fs = p.new_fs();
        run_in(&p, &mut fs, "mkdir", &["-p", "/tmp/w/a/b"], "/", b"");
        run_in(&p, &mut fs, "touch", &["/tmp/w/f"], "/", b"");
        let r = run_in(&p, &mut fs, "rm", &["-v", "w/f"], "/tmp", b"");
        assert_eq!(r.stdout, "removed 'w/f'\n");
        let r = run_in(&p, &mut fs, "rm", &["/tmp/w"], "/", b"");
        assert_eq!(r.stderr, "rm: cannot remove '/tmp/w': Is a directory\n");
        assert_eq!(
            run_in(&p, &mut fs, "rm", &["-r", "/tmp/w"], "/", b"").code,
            0
        );
        assert!(!fs.exists("/", "/tmp/w"));
        let r = run("rm", &["/nonexistent"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "rm: cannot remove '/nonexistent': No such file or directory\n",
                1
            )
        );
        assert_eq!(run("rm", &["-rf", "/nonexistent"], "/", b"").code, 0);
        let r = run("rm", &["-rf", "/"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe\n",
                1
            )
        );
        assert_eq!(
            run("rm", &[], "/", b"").stderr,
            "rm: missing operand\nTry 'rm --help' for more information.\n"
        );
    }

    #[test]
    fn no_preserve_root_wipes_but_kernel_fs() {
        let p = Persona::debian12();
        let mut fs = p.new_fs();
        let r = run_in(
            &p,
            &mut fs,
            "rm",
            &["-rf", "--no-preserve-root", "/"],
            "/",
            b"",
        );
        assert_eq!(r.code, 1);
        assert!(
            r.stderr
                .contains("rm: cannot remove '/proc/cpuinfo': Read-only file system\n"),
            "{}",
            r.stderr
        );
        assert!(
            r.stderr
                .contains("rm: cannot remove '/dev/pts': Device or resource busy\n")
        );
        assert!(!fs.exists("/", "/etc/passwd") && !fs.exists("/", "/usr"));
        assert!(fs.exists("/", "/proc/cpuinfo"));
    }
}
