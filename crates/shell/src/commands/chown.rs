//! `chown`: change file owner and group (coreutils 9.1).
//!
//! Emulated: `OWNER`, `OWNER:GROUP`, `OWNER:` (login group), `:GROUP`, `OWNER.GROUP`, names
//! from the persona or numeric ids, `-R`, `-v`, `-c`, `-f`, `-h`; only root may change
//! ownership (`Operation not permitted` otherwise). Known gaps: `--from`, `--reference`.

use miragepot_vfs::path::child;

use super::chmod::is_root;
use super::util::{IGNORED, Val, getopt, q, sq, usage};
use super::{CmdCtx, Command};

/// `chown`.
pub struct Chown;

/// Resolves `user[:group]`; the error is GNU's message.
fn parse_spec(ctx: &CmdCtx<'_>, spec: &str) -> Result<(Option<u32>, Option<u32>), String> {
    let (u, g) = match spec.split_once(':').or_else(|| spec.split_once('.')) {
        Some((u, g)) => (u, Some(g)),
        None => (spec, None),
    };
    let uid = if u.is_empty() {
        None
    } else if let Some(user) = ctx.persona.user(u) {
        Some(user.uid)
    } else if let Ok(n) = u.parse::<u32>() {
        Some(n)
    } else {
        return Err(format!("invalid user: {}", q(spec)));
    };
    let gid = match g {
        None => None,
        Some("") => match uid.and_then(|id| ctx.persona.user_by_uid(id)) {
            Some(user) => Some(user.gid),
            None if uid.is_none() => None,
            None => return Err(format!("invalid spec: {}", q(spec))),
        },
        Some(g) => match ctx.persona.groups.iter().find(|x| x.name == g) {
            Some(x) => Some(x.gid),
            None => match g.parse::<u32>() {
                Ok(n) => Some(n),
                Err(_) => return Err(format!("invalid group: {}", q(spec))),
            },
        },
    };
    Ok((uid, gid))
}

// Keys of chown's long-only options.
const DEREFERENCE: char = '\u{e000}';
const NO_PRESERVE_ROOT: char = '\u{e001}';
const PRESERVE_ROOT: char = '\u{e002}';
const REFERENCE: char = '\u{e003}';

impl Command for Chown {
    fn name(&self) -> &'static str {
        "chown"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/chown"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("recursive", 'R', Val::No),
            ("changes", 'c', Val::No),
            ("dereference", DEREFERENCE, Val::No),
            ("from", IGNORED, Val::Req),
            ("no-dereference", 'h', Val::No),
            ("no-preserve-root", NO_PRESERVE_ROOT, Val::No),
            ("preserve-root", PRESERVE_ROOT, Val::No),
            ("quiet", 'f', Val::No),
            ("silent", 'f', Val::No),
            ("reference", REFERENCE, Val::Req),
            ("verbose", 'v', Val::No),
        ];
        let (opts, ops) = match getopt(args, "RvcfhHLP", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "chown", &e, 1),
        };
        let has = |c| opts.iter().any(|o: &(char, Option<String>)| o.0 == c);
        let (recursive, verbose, quiet, nofollow) =
            (has('R'), has('v') || has('c'), has('f'), has('h'));
        let mut ops = ops;
        // --reference=RFILE: RFILE's owner and group stand in for the OWNER operand.
        if let Some(r) = opts.iter().rev().find(|o| o.0 == REFERENCE) {
            let rfile = r.1.clone().unwrap_or_default();
            match ctx.fs.stat(ctx.cwd, &rfile) {
                Ok(m) => ops.insert(0, format!("{}:{}", m.uid, m.gid)),
                Err(e) => {
                    let msg = format!("failed to get attributes of {}: {e}", sq(&rfile));
                    ctx.error("chown", &msg);
                    return 1;
                }
            }
        }
        let preserve_root = opts
            .iter()
            .rev()
            .find_map(|o| match o.0 {
                PRESERVE_ROOT => Some(true),
                NO_PRESERVE_ROOT => Some(false),
                _ => None,
            })
            .unwrap_or(false);
        let Some((spec, files)) = ops.split_first() else {
            return usage(ctx, "chown", "missing operand", 1);
        };
        if files.is_empty() {
            return usage(
                ctx,
                "chown",
                &format!("missing operand after {}", q(spec)),
                1,
            );
        }
        let (uid, gid) = match parse_spec(ctx, spec) {
            Ok(x) => x,
            Err(e) => {
                ctx.error("chown", &e);
                return 1;
            }
        };
        if recursive && preserve_root && files.iter().any(|f| is_root(ctx, f)) {
            ctx.error("chown", "it is dangerous to operate recursively on '/'");
            ctx.error("chown", "use --no-preserve-root to override this failsafe");
            return 1;
        }
        let mut status = 0;
        let mut budget = 50_000usize;
        for f in files {
            let mut stack = vec![(f.clone(), true)];
            while let Some((path, top)) = stack.pop() {
                if budget == 0 {
                    break;
                }
                budget -= 1;
                let meta = match ctx.fs.lstat(ctx.cwd, &path) {
                    Ok(m) => m,
                    Err(e) => {
                        if !quiet {
                            ctx.error("chown", &format!("cannot access {}: {e}", sq(&path)));
                        }
                        status = 1;
                        continue;
                    }
                };
                let fctx = ctx.fs_ctx();
                let follow = top && !nofollow;
                match ctx.fs.set_owner(ctx.cwd, &path, uid, gid, follow, &fctx) {
                    Ok(()) => {
                        if verbose {
                            ctx.stdout
                                .line(&format!("changed ownership of {} to {spec}", sq(&path)));
                        }
                    }
                    Err(e) => {
                        if !quiet {
                            ctx.error(
                                "chown",
                                &format!("changing ownership of {}: {e}", sq(&path)),
                            );
                        }
                        status = 1;
                    }
                }
                if recursive
                    && meta.is_dir()
                    && let Ok(entries) = ctx.fs.read_dir(ctx.cwd, &path, &fctx)
                {
                    for e in entries.into_iter().rev() {
                        stack.push((child(&path, &e.name), false));
                    }
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
    fn changes_owner() {
        let p = Persona::debian12();
        let mut fs = p.new_fs();
        run_in(&p, &mut fs, "touch", &["/tmp/f"], "/", b"");
        assert_eq!(
            run_in(&p, &mut fs, "chown", &["debian:debian", "/tmp/f"], "/", b"").code,
            0
        );
        assert_eq!(
            fs.stat("/", "/tmp/f").map(|m| (m.uid, m.gid)).ok(),
            Some((1000, 1000))
        );
        run_in(&p, &mut fs, "chown", &["0", "/tmp/f"], "/", b"");
        assert_eq!(
            fs.stat("/", "/tmp/f").map(|m| (m.uid, m.gid)).ok(),
            Some((0, 1000))
        );
        let r = run("chown", &["bob", "/tmp"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("chown: invalid user: \u{2018}bob\u{2019}\n", 1)
        );
        let r = run("chown", &["root", "/nonexistent"], "/", b"");
        assert_eq!(
            r.stderr,
            "chown: cannot access '/nonexistent': No such file or directory\n"
        );
        assert_eq!(
            run("chown", &[], "/", b"").stderr,
            "chown: missing operand\nTry 'chown --help' for more information.\n"
        );
    }
}
