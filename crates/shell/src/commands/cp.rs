//! `cp`: copy files and directories (coreutils 9.1).
//!
//! Emulated: `-r -R -a -p -d -P -L -f -i -n -v -u -T -t DIR`, copying into a directory,
//! recursive copies (symlinks inside trees stay symlinks), `-p`/`-a` keeping mode, owner
//! and times (new files otherwise get the source mode minus umask 022), GNU error texts.
//! Copies are bounded by a node cap and the VFS overlay caps (`No space left on device`).
//! Known gaps: hard links are not preserved, `--backup` and sparse handling are ignored.

use miragepot_vfs::path::{basename, child, is_within, normalize};
use miragepot_vfs::{FileType, FsError, Meta, WriteMode};

use super::util::{IGNORED, MAX_READ, Val, getopt, sq, usage};
use super::{CmdCtx, Command};

/// `cp`.
pub struct Cp;

#[derive(Clone, Copy)]
pub(crate) struct CopyOpts {
    pub recursive: bool,
    pub preserve: bool,
    pub no_deref: bool,
    pub verbose: bool,
    pub no_clobber: bool,
}

/// Key of `--parents` (accepted, no effect).
const PARENTS: char = '\u{e000}';

impl Command for Cp {
    fn name(&self) -> &'static str {
        "cp"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/cp"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("archive", 'a', Val::No),
            ("attributes-only", IGNORED, Val::No),
            ("backup", 'b', Val::Opt),
            ("copy-contents", IGNORED, Val::No),
            ("dereference", 'L', Val::No),
            ("force", 'f', Val::No),
            ("interactive", 'i', Val::No),
            ("link", 'l', Val::No),
            ("no-clobber", 'n', Val::No),
            ("no-dereference", 'P', Val::No),
            ("no-preserve", IGNORED, Val::Req),
            ("no-target-directory", 'T', Val::No),
            ("one-file-system", 'x', Val::No),
            ("parents", PARENTS, Val::No),
            ("path", PARENTS, Val::No),
            ("preserve", 'p', Val::Opt),
            ("recursive", 'R', Val::No),
            ("remove-destination", IGNORED, Val::No),
            ("sparse", IGNORED, Val::Req),
            ("reflink", IGNORED, Val::Opt),
            ("strip-trailing-slashes", IGNORED, Val::No),
            ("suffix", 'S', Val::Req),
            ("symbolic-link", 's', Val::No),
            ("target-directory", 't', Val::Req),
            ("update", 'u', Val::No),
            ("verbose", 'v', Val::No),
            ("context", 'Z', Val::Opt),
        ];
        let (opts, mut ops) = match getopt(args, "abdfHilLnprst:uvxPRS:TZ", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "cp", &e, 1),
        };
        let mut o = CopyOpts {
            recursive: false,
            preserve: false,
            no_deref: false,
            verbose: false,
            no_clobber: false,
        };
        let mut target_dir = None;
        let mut no_target = false;
        for (c, v) in opts {
            match c {
                'r' | 'R' => o.recursive = true,
                'a' => (o.recursive, o.preserve, o.no_deref) = (true, true, true),
                'p' => o.preserve = true,
                'd' | 'P' => o.no_deref = true,
                'L' => o.no_deref = false,
                'v' => o.verbose = true,
                'n' => o.no_clobber = true,
                't' => target_dir = v,
                'T' => no_target = true,
                _ => {}
            }
        }
        if ops.is_empty() {
            return usage(ctx, "cp", "missing file operand", 1);
        }
        let dest = match target_dir {
            Some(t) => t,
            None => {
                if ops.len() == 1 {
                    let only = ops.first().cloned().unwrap_or_default();
                    return usage(
                        ctx,
                        "cp",
                        &format!("missing destination file operand after {}", sq(&only)),
                        1,
                    );
                }
                ops.pop().unwrap_or_default()
            }
        };
        copy_main(ctx, "cp", &ops, &dest, no_target, &o)
    }
}

/// Shared by `cp` and `ln` (hard links are copies): copies each source to `dest`.
pub(crate) fn copy_main(
    ctx: &mut CmdCtx<'_>,
    name: &str,
    srcs: &[String],
    dest: &str,
    no_target: bool,
    o: &CopyOpts,
) -> i32 {
    let dest_is_dir = !no_target
        && ctx
            .fs
            .stat(ctx.cwd, dest)
            .map(|m| m.is_dir())
            .unwrap_or(false);
    if srcs.len() > 1 && !dest_is_dir {
        ctx.error(name, &format!("target {} is not a directory", sq(dest)));
        return 1;
    }
    let mut status = 0;
    let mut budget = 20_000usize;
    for src in srcs {
        let meta = if o.no_deref {
            ctx.fs.lstat(ctx.cwd, src)
        } else {
            ctx.fs.stat(ctx.cwd, src)
        };
        let meta = match meta {
            Ok(m) => m,
            Err(e) => {
                ctx.error(name, &format!("cannot stat {}: {e}", sq(src)));
                status = 1;
                continue;
            }
        };
        let target = if dest_is_dir {
            let b = basename(src);
            if dest.ends_with('/') {
                format!("{dest}{b}")
            } else {
                format!("{dest}/{b}")
            }
        } else {
            dest.to_string()
        };
        if meta.is_dir() && !o.recursive {
            ctx.error(
                name,
                &format!("-r not specified; omitting directory {}", sq(src)),
            );
            status = 1;
            continue;
        }
        let (fs_src, fs_dst) = (normalize(ctx.cwd, src), normalize(ctx.cwd, &target));
        if fs_src == fs_dst
            || ctx.fs.canonicalize(ctx.cwd, src).ok() == ctx.fs.canonicalize(ctx.cwd, &target).ok()
        {
            ctx.error(
                name,
                &format!("{} and {} are the same file", sq(src), sq(&target)),
            );
            status = 1;
            continue;
        }
        if meta.is_dir() && is_within(&fs_dst, &fs_src) {
            ctx.error(
                name,
                &format!(
                    "cannot copy a directory, {}, into itself, {}",
                    sq(src),
                    sq(&target)
                ),
            );
            status = 1;
            continue;
        }
        if !copy_tree(ctx, name, src, &target, meta, o, &mut budget) {
            status = 1;
        }
    }
    status
}

fn copy_tree(
    ctx: &mut CmdCtx<'_>,
    name: &str,
    src: &str,
    dst: &str,
    meta: Meta,
    o: &CopyOpts,
    budget: &mut usize,
) -> bool {
    if *budget == 0 {
        ctx.error(
            name,
            &format!(
                "cannot create regular file {}: {}",
                sq(dst),
                FsError::NoSpace
            ),
        );
        return false;
    }
    *budget -= 1;
    let fctx = ctx.fs_ctx();
    let mode = if o.preserve {
        meta.mode
    } else {
        meta.mode & !0o022
    };
    let res = match meta.kind {
        FileType::Dir => {
            let r = match ctx.fs.stat(ctx.cwd, dst) {
                Ok(m) if m.is_dir() => Ok(()),
                Ok(_) => {
                    ctx.error(
                        name,
                        &format!(
                            "cannot overwrite non-directory {} with directory {}",
                            sq(dst),
                            sq(src)
                        ),
                    );
                    return false;
                }
                Err(_) => ctx.fs.create_dir(ctx.cwd, dst, mode, &fctx),
            };
            if let Err(e) = r {
                ctx.error(name, &format!("cannot create directory {}: {e}", sq(dst)));
                return false;
            }
            if o.verbose {
                ctx.stdout.line(&format!("{} -> {}", sq(src), sq(dst)));
            }
            let mut ok = true;
            let entries = ctx.fs.read_dir(ctx.cwd, src, &fctx).unwrap_or_default();
            for e in entries {
                let (s, d) = (child_of(src, &e.name), child(dst, &e.name));
                let m = if e.meta.kind == FileType::Symlink && !o.no_deref {
                    ctx.fs.lstat(ctx.cwd, &s).unwrap_or(e.meta)
                } else {
                    e.meta
                };
                ok &= copy_tree(
                    ctx,
                    name,
                    &s,
                    &d,
                    m,
                    &CopyOpts {
                        no_deref: true,
                        ..*o
                    },
                    budget,
                );
            }
            finish(ctx, dst, &meta, o);
            return ok;
        }
        FileType::Symlink => {
            let t = ctx.fs.read_link(ctx.cwd, src).unwrap_or_default();
            if ctx.fs.lstat(ctx.cwd, dst).is_ok() && !o.no_clobber {
                let _ = ctx.fs.remove_file(ctx.cwd, dst, &fctx);
            }
            ctx.fs.symlink(ctx.cwd, &t, dst, &fctx)
        }
        _ => {
            if o.no_clobber && ctx.fs.exists(ctx.cwd, dst) {
                return true;
            }
            match ctx.fs.read(ctx.cwd, src, &fctx, MAX_READ) {
                Ok(data) => {
                    let data = data.into_owned();
                    ctx.fs
                        .write(ctx.cwd, dst, &data, WriteMode::Truncate, mode, &fctx)
                }
                Err(e) => {
                    ctx.error(name, &format!("cannot open {} for reading: {e}", sq(src)));
                    return false;
                }
            }
        }
    };
    match res {
        Ok(()) => {
            finish(ctx, dst, &meta, o);
            if o.verbose {
                ctx.stdout.line(&format!("{} -> {}", sq(src), sq(dst)));
            }
            true
        }
        Err(e) => {
            let what = if meta.kind == FileType::Symlink {
                "cannot create symbolic link"
            } else {
                "cannot create regular file"
            };
            ctx.error(name, &format!("{what} {}: {e}", sq(dst)));
            false
        }
    }
}

fn finish(ctx: &mut CmdCtx<'_>, dst: &str, meta: &Meta, o: &CopyOpts) {
    if o.preserve && meta.kind != FileType::Symlink {
        let fctx = ctx.fs_ctx();
        let _ = ctx.fs.set_mode(ctx.cwd, dst, meta.mode, &fctx);
        if fctx.uid == 0 {
            let _ = ctx
                .fs
                .set_owner(ctx.cwd, dst, Some(meta.uid), Some(meta.gid), true, &fctx);
        }
        let _ = ctx
            .fs
            .set_times(ctx.cwd, dst, meta.atime, meta.mtime, &fctx);
    }
}

fn child_of(dir: &str, name: &str) -> String {
    if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run, run_in};
    use crate::persona::Persona;

    #[test]
    fn copies() {
        let p = Persona::debian12();
        let mut fs = p.new_fs();
        run_in(&p, &mut fs, "mkdir", &["-p", "/tmp/w/s"], "/", b"");
        let r = run_in(
            &p,
            &mut fs,
            "cp",
            &["-v", "/etc/hostname", "w/"],
            "/tmp",
            b"",
        );
        assert_eq!(r.stdout, "'/etc/hostname' -> 'w/hostname'\n");
        assert_eq!(
            fs.read(
                "/",
                "/tmp/w/hostname",
                &miragepot_vfs::Ctx {
                    uid: 0,
                    gid: 0,
                    now: 0
                },
                100
            )
            .map(|c| c.into_owned())
            .ok(),
            Some(b"web-prod-02\n".to_vec())
        );
        let r = run_in(&p, &mut fs, "cp", &["w", "w3"], "/tmp", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("cp: -r not specified; omitting directory 'w'\n", 1)
        );
        let r = run_in(&p, &mut fs, "cp", &["-r", "w", "w2"], "/tmp", b"");
        assert_eq!(r.code, 0);
        assert!(fs.exists("/", "/tmp/w2/s") && fs.exists("/", "/tmp/w2/hostname"));
        let r = run_in(&p, &mut fs, "cp", &["-r", "w", "w/s"], "/tmp", b"");
        assert_eq!(
            r.stderr,
            "cp: cannot copy a directory, 'w', into itself, 'w/s/w'\n"
        );
        let r = run("cp", &["/nonexistent", "/tmp/"], "/", b"");
        assert_eq!(
            r.stderr,
            "cp: cannot stat '/nonexistent': No such file or directory\n"
        );
        assert_eq!(
            run("cp", &["a"], "/", b"").stderr,
            "cp: missing destination file operand after 'a'\nTry 'cp --help' for more information.\n"
        );
        assert_eq!(
            run("cp", &[], "/", b"").stderr,
            "cp: missing file operand\nTry 'cp --help' for more information.\n"
        );
    }
}
