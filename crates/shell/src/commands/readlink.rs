//! `readlink`: print resolved symbolic links or canonical file names (coreutils 9.1).
//!
//! Emulated: plain (the link's target; exit 1 silently for non-links), `-f` (canonical,
//! the last component may be missing), `-e` (all must exist), `-m` (lexical), `-n`, `-q`,
//! `-s`, `-v`. Shared with `realpath` through [`resolve`].

use miragepot_vfs::path::{child, normalize, split};

use super::util::{Val, getopt, usage};
use super::{CmdCtx, Command};

/// `readlink`.
pub struct Readlink;

/// How strictly a path must exist when canonicalized.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// `-e`: every component must exist.
    Existing,
    /// `-f`: all but the last component must exist.
    Parent,
    /// `-m`: nothing needs to exist.
    Missing,
}

/// Canonicalizes `p` per `mode`; the error is the strerror text.
pub(crate) fn resolve(ctx: &CmdCtx<'_>, p: &str, mode: Mode) -> Result<String, String> {
    match ctx.fs.canonicalize(ctx.cwd, p) {
        Ok(c) => Ok(c),
        Err(e) => match mode {
            Mode::Existing => Err(e.to_string()),
            Mode::Missing => Ok(normalize(ctx.cwd, p)),
            Mode::Parent => {
                let full = normalize(ctx.cwd, p);
                let Some((parent, name)) = split(&full) else {
                    return Err(e.to_string());
                };
                match ctx.fs.canonicalize("/", parent) {
                    Ok(pc) if ctx.fs.stat("/", &pc).is_ok_and(|m| m.is_dir()) => {
                        Ok(child(&pc, name))
                    }
                    Ok(_) => Err("Not a directory".into()),
                    Err(e2) => Err(e2.to_string()),
                }
            }
        },
    }
}

impl Command for Readlink {
    fn name(&self) -> &'static str {
        "readlink"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/readlink"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("canonicalize", 'f', Val::No),
            ("canonicalize-existing", 'e', Val::No),
            ("canonicalize-missing", 'm', Val::No),
            ("no-newline", 'n', Val::No),
            ("quiet", 'q', Val::No),
            ("silent", 's', Val::No),
            ("verbose", 'v', Val::No),
            ("zero", 'z', Val::No),
        ];
        let (opts, ops) = match getopt(args, "femnqsvz", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "readlink", &e, 1),
        };
        if ops.is_empty() {
            return usage(ctx, "readlink", "missing operand", 1);
        }
        let has = |c| opts.iter().any(|o: &(char, Option<String>)| o.0 == c);
        let mode = if has('e') {
            Some(Mode::Existing)
        } else if has('m') {
            Some(Mode::Missing)
        } else if has('f') {
            Some(Mode::Parent)
        } else {
            None
        };
        let verbose = has('v');
        let end = if has('z') {
            "\0"
        } else if has('n') && ops.len() == 1 {
            ""
        } else {
            "\n"
        };
        let mut status = 0;
        for op in &ops {
            let r = match mode {
                Some(m) => resolve(ctx, op, m),
                None => ctx.fs.read_link(ctx.cwd, op).map_err(|e| e.to_string()),
            };
            match r {
                Ok(s) => ctx.stdout.write_str(&format!("{s}{end}")),
                Err(e) => {
                    if verbose {
                        ctx.error("readlink", &format!("{op}: {e}"));
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
        assert_eq!(run("readlink", &["/bin"], "/", b"").stdout, "usr/bin\n");
        assert_eq!(
            run("readlink", &["-f", "/bin/ls"], "/", b"").stdout,
            "/usr/bin/ls\n"
        );
        assert_eq!(
            run("readlink", &["-f", "/nonexistent"], "/", b"").stdout,
            "/nonexistent\n"
        );
        assert_eq!(run("readlink", &["/etc/hostname"], "/", b"").code, 1);
    }
}
