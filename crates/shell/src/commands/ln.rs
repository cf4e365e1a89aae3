//! `ln`: make links (coreutils 9.1).
//!
//! Emulated: symbolic links (`-s`), `-f`, `-n`, `-v`, `-T`, `-t DIR`, linking into a
//! directory, the one-operand form (link in the cwd). A hard link is a copy (the VFS has no
//! hard-link identity). GNU errors (`failed to create symbolic link 'x': File exists`).

use miragepot_vfs::path::basename;

use super::cp::{CopyOpts, copy_main};
use super::util::{Val, getopt, sq, usage};
use super::{CmdCtx, Command};

/// `ln`.
pub struct Ln;

impl Command for Ln {
    fn name(&self) -> &'static str {
        "ln"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/ln"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("backup", 'b', Val::Opt),
            ("directory", 'F', Val::No),
            ("no-dereference", 'n', Val::No),
            ("no-target-directory", 'T', Val::No),
            ("force", 'f', Val::No),
            ("interactive", 'i', Val::No),
            ("suffix", 'S', Val::Req),
            ("target-directory", 't', Val::Req),
            ("logical", 'L', Val::No),
            ("physical", 'P', Val::No),
            ("relative", 'r', Val::No),
            ("symbolic", 's', Val::No),
            ("verbose", 'v', Val::No),
        ];
        let (opts, mut ops) = match getopt(args, "bdfinrst:vFLPS:T", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "ln", &e, 1),
        };
        let has = |c| opts.iter().any(|o: &(char, Option<String>)| o.0 == c);
        let (symbolic, force, verbose, no_target) =
            (has('s'), has('f'), has('v'), has('T') || has('n'));
        let tdir = opts.iter().find(|o| o.0 == 't').and_then(|o| o.1.clone());
        if ops.is_empty() {
            return usage(ctx, "ln", "missing file operand", 1);
        }
        let dest = match tdir {
            Some(t) => t,
            None if ops.len() == 1 => ".".to_string(),
            None => ops.pop().unwrap_or_default(),
        };
        let dest_is_dir = ctx
            .fs
            .stat(ctx.cwd, &dest)
            .map(|m| m.is_dir())
            .unwrap_or(false)
            && !(no_target
                && ctx
                    .fs
                    .lstat(ctx.cwd, &dest)
                    .map(|m| m.kind == miragepot_vfs::FileType::Symlink)
                    .unwrap_or(false));
        if ops.len() > 1 && !dest_is_dir {
            ctx.error("ln", &format!("target {} is not a directory", sq(&dest)));
            return 1;
        }
        let mut status = 0;
        let fctx = ctx.fs_ctx();
        for target in &ops {
            let link = if dest_is_dir {
                let b = basename(target);
                if dest == "." {
                    b.to_string()
                } else if dest.ends_with('/') {
                    format!("{dest}{b}")
                } else {
                    format!("{dest}/{b}")
                }
            } else {
                dest.clone()
            };
            if force && ctx.fs.lstat(ctx.cwd, &link).is_ok_and(|m| !m.is_dir()) {
                let _ = ctx.fs.remove_file(ctx.cwd, &link, &fctx);
            }
            if symbolic {
                match ctx.fs.symlink(ctx.cwd, target, &link, &fctx) {
                    Ok(()) => {
                        if verbose {
                            ctx.stdout.line(&format!("{} -> {}", sq(&link), sq(target)));
                        }
                    }
                    Err(e) => {
                        ctx.error(
                            "ln",
                            &format!("failed to create symbolic link {}: {e}", sq(&link)),
                        );
                        status = 1;
                    }
                }
                continue;
            }
            match ctx.fs.stat(ctx.cwd, target) {
                Err(e) => {
                    ctx.error("ln", &format!("failed to access {}: {e}", sq(target)));
                    status = 1;
                    continue;
                }
                Ok(m) if m.is_dir() => {
                    ctx.error(
                        "ln",
                        &format!("{}: hard link not allowed for directory", sq(target)),
                    );
                    status = 1;
                    continue;
                }
                Ok(_) => {}
            }
            if ctx.fs.lstat(ctx.cwd, &link).is_ok() {
                ctx.error(
                    "ln",
                    &format!(
                        "failed to create hard link {} => {}: File exists",
                        sq(&link),
                        sq(target)
                    ),
                );
                status = 1;
                continue;
            }
            let o = CopyOpts {
                recursive: false,
                preserve: true,
                no_deref: false,
                verbose: false,
                no_clobber: false,
            };
            if copy_main(ctx, "ln", std::slice::from_ref(target), &link, true, &o) != 0 {
                status = 1;
            } else if verbose {
                ctx.stdout.line(&format!("{} => {}", sq(&link), sq(target)));
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
    fn links() {
        let p = Persona::debian12();
        let mut fs = p.new_fs();
        let r = run_in(&p, &mut fs, "ln", &["-sv", "/x", "/tmp/l"], "/", b"");
        assert_eq!(r.stdout, "'/tmp/l' -> '/x'\n");
        assert_eq!(fs.read_link("/", "/tmp/l").ok().as_deref(), Some("/x"));
        let r = run_in(&p, &mut fs, "ln", &["-s", "/y", "/tmp/l"], "/", b"");
        assert_eq!(
            r.stderr,
            "ln: failed to create symbolic link '/tmp/l': File exists\n"
        );
        assert_eq!(
            run_in(&p, &mut fs, "ln", &["-sf", "/y", "/tmp/l"], "/", b"").code,
            0
        );
        assert_eq!(fs.read_link("/", "/tmp/l").ok().as_deref(), Some("/y"));
        assert_eq!(
            run_in(&p, &mut fs, "ln", &["/etc/hostname", "/tmp/h"], "/", b"").code,
            0
        );
        assert!(fs.exists("/", "/tmp/h"));
        let r = run("ln", &["-s", "a", "/nope/b"], "/", b"");
        assert_eq!(
            r.stderr,
            "ln: failed to create symbolic link '/nope/b': No such file or directory\n"
        );
        assert_eq!(
            run("ln", &[], "/", b"").stderr,
            "ln: missing file operand\nTry 'ln --help' for more information.\n"
        );
    }
}
