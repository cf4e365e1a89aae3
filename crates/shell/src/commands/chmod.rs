//! `chmod`: change file mode bits (coreutils 9.1).
//!
//! Emulated: octal modes and symbolic lists (`u+x,go-w,a=r`, `+X`, `u=g`, `+t`, `+s`, with
//! the umask 022 applied when no `ugoa` is given), `-R`, `-v`, `-c`, `-f`, the
//! `mode of 'x' changed from 0755 (rwxr-xr-x) to 0600 (rw-------)` messages and the GNU
//! errors. Known gaps: `--reference` is not supported.

use miragepot_vfs::path::child;
use miragepot_vfs::{FileType, Meta};

use super::util::{Val, getopt, q, sq, usage};
use super::{CmdCtx, Command};

/// `chmod`.
pub struct Chmod;

/// Applies a mode spec (octal or symbolic) to `old`; `None` if the spec is invalid.
/// `is_dir` decides `X`.
pub(crate) fn parse_mode(spec: &str, old: u32, is_dir_bits: u32) -> Option<u32> {
    if !spec.is_empty() && spec.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        let v = u32::from_str_radix(spec, 8).ok()?;
        if v > 0o7777 {
            return None;
        }
        // GNU keeps the setuid/setgid bits of directories for short octal modes.
        let keep = if is_dir_bits != 0 && spec.len() < 5 {
            old & 0o6000 & !v
        } else {
            0
        };
        return Some(v | if spec.len() <= 3 { keep } else { 0 });
    }
    let umask = 0o022;
    let mut mode = old;
    for clause in spec.split(',') {
        let b = clause.as_bytes();
        let mut i = 0;
        let mut who = 0u32;
        while let Some(&c) = b.get(i) {
            match c {
                b'u' => who |= 0o4700,
                b'g' => who |= 0o2070,
                b'o' => who |= 0o1007,
                b'a' => who |= 0o7777,
                _ => break,
            }
            i += 1;
        }
        let masked = who == 0;
        if masked {
            who = 0o7777;
        }
        b.get(i)?;
        while let Some(&op) = b.get(i) {
            if !matches!(op, b'+' | b'-' | b'=') {
                return None;
            }
            i += 1;
            let mut bits = 0u32;
            match b.get(i) {
                Some(&c @ (b'u' | b'g' | b'o')) => {
                    let src = match c {
                        b'u' => (mode >> 6) & 7,
                        b'g' => (mode >> 3) & 7,
                        _ => mode & 7,
                    };
                    bits = src << 6 | src << 3 | src;
                    i += 1;
                }
                _ => {
                    while let Some(&c) = b.get(i) {
                        match c {
                            b'r' => bits |= 0o444,
                            b'w' => bits |= 0o222,
                            b'x' => bits |= 0o111,
                            b'X' => {
                                if is_dir_bits != 0 || mode & 0o111 != 0 {
                                    bits |= 0o111;
                                }
                            }
                            b's' => bits |= 0o6000,
                            b't' => bits |= 0o1000,
                            _ => break,
                        }
                        i += 1;
                    }
                }
            }
            let mut eff = bits & who;
            if masked {
                eff &= !umask;
            }
            match op {
                b'+' => mode |= eff,
                b'-' => mode &= !eff,
                _ => {
                    let clear = who & !(if is_dir_bits != 0 { 0o6000 } else { 0 });
                    mode = (mode & !clear) | eff;
                }
            }
        }
    }
    Some(mode & 0o7777)
}

fn describe(mode: u32) -> String {
    let m = Meta {
        kind: FileType::File,
        mode,
        uid: 0,
        gid: 0,
        size: 0,
        mtime: 0,
        atime: 0,
        ctime: 0,
        nlink: 1,
        ino: 0,
        rdev: (0, 0),
    };
    format!("{mode:04o} ({})", m.mode_string().get(1..).unwrap_or(""))
}

// Keys of chmod's long-only options.
const NO_PRESERVE_ROOT: char = '\u{e000}';
const PRESERVE_ROOT: char = '\u{e001}';
const REFERENCE: char = '\u{e002}';

/// Whether `f` names the root directory.
pub(crate) fn is_root(ctx: &CmdCtx<'_>, f: &str) -> bool {
    ctx.fs.canonicalize(ctx.cwd, f).is_ok_and(|p| p == "/")
}

impl Command for Chmod {
    fn name(&self) -> &'static str {
        "chmod"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/chmod"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        // A mode like `-w` or `-x` is not an option.
        let (mode_arg, rest): (Option<String>, Vec<String>) = {
            let pos = args.iter().skip(1).position(|a| {
                a.len() > 1
                    && a.starts_with('-')
                    && a.get(1..).is_some_and(|r| {
                        r.chars().all(|c| "rwxXstugo".contains(c)) && !r.contains('R') && r != "v"
                    })
            });
            match pos {
                Some(p) => {
                    let mut v = args.to_vec();
                    let m = v.remove(p + 1);
                    (Some(m), v)
                }
                None => (None, args.to_vec()),
            }
        };
        let long = [
            ("changes", 'c', Val::No),
            ("recursive", 'R', Val::No),
            ("no-preserve-root", NO_PRESERVE_ROOT, Val::No),
            ("preserve-root", PRESERVE_ROOT, Val::No),
            ("quiet", 'f', Val::No),
            ("reference", REFERENCE, Val::Req),
            ("silent", 'f', Val::No),
            ("verbose", 'v', Val::No),
        ];
        let (opts, mut ops) = match getopt(&rest, "Rvcf", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "chmod", &e, 1),
        };
        let has = |c| opts.iter().any(|o| o.0 == c);
        let (recursive, verbose, changes, quiet) = (has('R'), has('v'), has('c'), has('f'));
        if let Some(m) = mode_arg {
            ops.insert(0, m);
        }
        // --reference=RFILE: RFILE's mode stands in for the MODE operand.
        if let Some(r) = opts.iter().rev().find(|o| o.0 == REFERENCE) {
            let rfile = r.1.clone().unwrap_or_default();
            match ctx.fs.stat(ctx.cwd, &rfile) {
                Ok(m) => ops.insert(0, format!("{:o}", m.mode & 0o7777)),
                Err(e) => {
                    let msg = format!("failed to get attributes of {}: {e}", sq(&rfile));
                    ctx.error("chmod", &msg);
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
            return usage(ctx, "chmod", "missing operand", 1);
        };
        if files.is_empty() {
            return usage(
                ctx,
                "chmod",
                &format!("missing operand after {}", q(spec)),
                1,
            );
        }
        if parse_mode(spec, 0o644, 0).is_none() {
            return usage(ctx, "chmod", &format!("invalid mode: {}", q(spec)), 1);
        }
        if recursive && preserve_root && files.iter().any(|f| is_root(ctx, f)) {
            ctx.error("chmod", "it is dangerous to operate recursively on '/'");
            ctx.error("chmod", "use --no-preserve-root to override this failsafe");
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
                let meta = match if top {
                    ctx.fs.stat(ctx.cwd, &path)
                } else {
                    ctx.fs.lstat(ctx.cwd, &path)
                } {
                    Ok(m) => m,
                    Err(e) => {
                        if !quiet {
                            ctx.error("chmod", &format!("cannot access {}: {e}", sq(&path)));
                        }
                        status = 1;
                        continue;
                    }
                };
                if meta.kind == FileType::Symlink {
                    continue;
                }
                let new =
                    parse_mode(spec, meta.mode, u32::from(meta.is_dir())).unwrap_or(meta.mode);
                let fctx = ctx.fs_ctx();
                match ctx.fs.set_mode(ctx.cwd, &path, new, &fctx) {
                    Ok(()) => {
                        if (verbose || changes) && new != meta.mode {
                            ctx.stdout.line(&format!(
                                "mode of {} changed from {} to {}",
                                sq(&path),
                                describe(meta.mode),
                                describe(new)
                            ));
                        } else if verbose {
                            ctx.stdout.line(&format!(
                                "mode of {} retained as {}",
                                sq(&path),
                                describe(new)
                            ));
                        }
                    }
                    Err(e) => {
                        if !quiet {
                            ctx.error(
                                "chmod",
                                &format!("changing permissions of {}: {e}", sq(&path)),
                            );
                        }
                        status = 1;
                    }
                }
                if recursive && meta.is_dir() {
                    let fctx = ctx.fs_ctx();
                    if let Ok(entries) = ctx.fs.read_dir(ctx.cwd, &path, &fctx) {
                        for e in entries.into_iter().rev() {
                            let p = if path.ends_with('/') {
                                format!("{path}{}", e.name)
                            } else {
                                child(&path, &e.name)
                            };
                            stack.push((p, false));
                        }
                    }
                }
            }
        }
        status
    }
}

#[cfg(test)]
mod tests {
    use super::parse_mode;
    use crate::commands::testutil::{run, run_in};
    use crate::persona::Persona;

    #[test]
    fn modes() {
        assert_eq!(parse_mode("755", 0o644, 0), Some(0o755));
        assert_eq!(parse_mode("u+x,go-w,a=r", 0o600, 0), Some(0o444));
        assert_eq!(parse_mode("+w", 0o444, 0), Some(0o644));
        assert_eq!(parse_mode("+s", 0o444, 0), Some(0o6444));
        assert_eq!(parse_mode("go=u", 0o640, 0), Some(0o666));
        assert_eq!(parse_mode("7777x", 0o644, 0), None);
        assert_eq!(parse_mode("+X", 0o644, 1), Some(0o755));
    }

    #[test]
    fn changes_files() {
        let p = Persona::debian12();
        let mut fs = p.new_fs();
        run_in(&p, &mut fs, "touch", &["/tmp/h"], "/", b"");
        run_in(&p, &mut fs, "chmod", &["755", "/tmp/h"], "/", b"");
        let r = run_in(&p, &mut fs, "chmod", &["-v", "600", "/tmp/h"], "/", b"");
        assert_eq!(
            r.stdout,
            "mode of '/tmp/h' changed from 0755 (rwxr-xr-x) to 0600 (rw-------)\n"
        );
        run_in(&p, &mut fs, "chmod", &["-x", "/tmp/h"], "/", b"");
        assert_eq!(
            run_in(&p, &mut fs, "chmod", &["+x", "/tmp/h"], "/", b"").code,
            0
        );
        assert_eq!(fs.stat("/", "/tmp/h").map(|m| m.mode).ok(), Some(0o711));
        let r = run("chmod", &["7777x", "a"], "/", b"");
        assert_eq!(
            r.stderr,
            "chmod: invalid mode: \u{2018}7777x\u{2019}\nTry 'chmod --help' for more information.\n"
        );
        let r = run("chmod", &["755", "/nonexistent"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "chmod: cannot access '/nonexistent': No such file or directory\n",
                1
            )
        );
        assert_eq!(
            run("chmod", &["755"], "/", b"").stderr,
            "chmod: missing operand after \u{2018}755\u{2019}\nTry 'chmod --help' for more information.\n"
        );
    }
}
