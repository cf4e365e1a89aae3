//! `mkdir`: make directories (coreutils 9.1).
//!
//! Emulated: `-p` (parents, existing directories accepted), `-m MODE` (octal or symbolic),
//! `-v` (`mkdir: created directory 'x'`), GNU error texts with ‘’ quotes and exit status 1.
//! New directories get `0755` (umask 022). Known gaps: `-Z`/`--context` are ignored.

use super::chmod::parse_mode;
use super::util::{Val, getopt, q, sq, usage};
use super::{CmdCtx, Command};

/// `mkdir`.
pub struct Mkdir;

impl Command for Mkdir {
    fn name(&self) -> &'static str {
        "mkdir"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/mkdir"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("parents", 'p', Val::No),
            ("mode", 'm', Val::Req),
            ("verbose", 'v', Val::No),
            ("context", 'Z', Val::Opt),
        ];
        let (opts, ops) = match getopt(args, "pm:vZ", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "mkdir", &e, 1),
        };
        let (mut parents, mut verbose, mut mode) = (false, false, None);
        for (c, v) in opts {
            match c {
                'p' => parents = true,
                'v' => verbose = true,
                'm' => {
                    let m = v.unwrap_or_default();
                    match parse_mode(&m, 0o777, 0) {
                        Some(x) => mode = Some(x),
                        None => return usage(ctx, "mkdir", &format!("invalid mode {}", q(&m)), 1),
                    }
                }
                _ => {}
            }
        }
        if ops.is_empty() {
            return usage(ctx, "mkdir", "missing operand", 1);
        }
        let mut status = 0;
        let fctx = ctx.fs_ctx();
        for op in &ops {
            if parents {
                let absolute = op.starts_with('/');
                let comps: Vec<&str> = op.split('/').filter(|c| !c.is_empty()).collect();
                let mut shown = String::from(if absolute { "/" } else { "" });
                let mut failed = false;
                for (i, c) in comps.iter().enumerate() {
                    if !shown.is_empty() && !shown.ends_with('/') {
                        shown.push('/');
                    }
                    shown.push_str(c);
                    let last = i + 1 == comps.len();
                    match ctx.fs.stat(ctx.cwd, &shown) {
                        Ok(m) if m.is_dir() => continue,
                        Ok(_) => {
                            ctx.error(
                                "mkdir",
                                &format!("cannot create directory {}: Not a directory", q(&shown)),
                            );
                            failed = true;
                            break;
                        }
                        Err(_) => {}
                    }
                    let m = if last { mode.unwrap_or(0o755) } else { 0o755 };
                    if let Err(e) = ctx.fs.create_dir(ctx.cwd, &shown, m, &fctx) {
                        ctx.error(
                            "mkdir",
                            &format!("cannot create directory {}: {e}", q(&shown)),
                        );
                        failed = true;
                        break;
                    }
                    if verbose {
                        ctx.stdout
                            .line(&format!("mkdir: created directory {}", sq(&shown)));
                    }
                }
                if failed {
                    status = 1;
                }
                continue;
            }
            match ctx.fs.create_dir(ctx.cwd, op, mode.unwrap_or(0o755), &fctx) {
                Ok(()) => {
                    if verbose {
                        ctx.stdout
                            .line(&format!("mkdir: created directory {}", sq(op)));
                    }
                }
                Err(e) => {
                    ctx.error("mkdir", &format!("cannot create directory {}: {e}", q(op)));
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
    fn creates_and_reports() {
        let p = Persona::debian12();
        let mut fs = p.new_fs();
        let r = run_in(&p, &mut fs, "mkdir", &["-pv", "w/a/b"], "/tmp", b"");
        assert_eq!(
            r.stdout,
            "mkdir: created directory 'w'\nmkdir: created directory 'w/a'\nmkdir: created directory 'w/a/b'\n"
        );
        assert!(
            fs.stat("/", "/tmp/w/a/b")
                .map(|m| m.is_dir())
                .unwrap_or(false)
        );
        let r = run_in(&p, &mut fs, "mkdir", &["-m", "700", "/tmp/m"], "/", b"");
        assert_eq!(r.code, 0);
        assert_eq!(fs.stat("/", "/tmp/m").map(|m| m.mode).ok(), Some(0o700));
        let r = run_in(&p, &mut fs, "mkdir", &["/tmp"], "/", b"");
        assert_eq!(
            r.stderr,
            "mkdir: cannot create directory \u{2018}/tmp\u{2019}: File exists\n"
        );
        let r = run("mkdir", &["/tmp/x/y/z"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "mkdir: cannot create directory \u{2018}/tmp/x/y/z\u{2019}: No such file or directory\n",
                1
            )
        );
        assert_eq!(
            run("mkdir", &[], "/", b"").stderr,
            "mkdir: missing operand\nTry 'mkdir --help' for more information.\n"
        );
        assert_eq!(run("mkdir", &["-p", "/tmp"], "/", b"").code, 0);
    }
}
