//! `tee`: read standard input and write it to standard output and files (coreutils 9.1).
//!
//! Emulated: files in the VFS (created `0644`), `-a` (append), `-i`/`-p` accepted, errors
//! `tee: x: No such file or directory` with exit 1 (the other outputs still get the data).

use miragepot_vfs::WriteMode;

use super::util::{Val, getopt, usage};
use super::{CmdCtx, Command};

/// `tee`.
pub struct Tee;

impl Command for Tee {
    fn name(&self) -> &'static str {
        "tee"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/tee"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("append", 'a', Val::No),
            ("ignore-interrupts", 'i', Val::No),
            ("output-error", 'p', Val::Opt),
        ];
        let (opts, ops) = match getopt(args, "aip", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "tee", &e, 1),
        };
        let how = if opts.iter().any(|o| o.0 == 'a') {
            WriteMode::Append
        } else {
            WriteMode::Truncate
        };
        let data = ctx.stdin.to_vec();
        let fctx = ctx.fs_ctx();
        let mut status = 0;
        for f in &ops {
            if f == "-" {
                ctx.stdout.write(&data);
                continue;
            }
            if let Err(e) = ctx.fs.write(ctx.cwd, f, &data, how, 0o644, &fctx) {
                ctx.error("tee", &format!("{f}: {e}"));
                status = 1;
            }
        }
        ctx.stdout.write(&data);
        status
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run, run_in};
    use crate::persona::Persona;

    #[test]
    fn writes() {
        let p = Persona::debian12();
        let mut fs = p.new_fs();
        let r = run_in(&p, &mut fs, "tee", &["/tmp/a"], "/", b"x\n");
        assert_eq!(r.stdout, "x\n");
        run_in(&p, &mut fs, "tee", &["-a", "/tmp/a"], "/", b"y\n");
        assert_eq!(
            run_in(&p, &mut fs, "cat", &["/tmp/a"], "/", b"").stdout,
            "x\ny\n"
        );
        let r = run("tee", &["/nope/x"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("tee: /nope/x: No such file or directory\n", 1)
        );
    }
}
