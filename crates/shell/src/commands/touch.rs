//! `touch`: change file timestamps, creating missing files (coreutils 9.1).
//!
//! Emulated: `-c` (no create), `-a`, `-m`, `-d DATE` (see `util::parse_date`), `-t STAMP`
//! (`[[CC]YY]MMDDhhmm[.ss]`), `-r FILE`, `-h`; errors `touch: cannot touch 'x': ...`.
//! Known gaps: `-a`/`-m` alone still set both times (the VFS sets them together).

use miragepot_vfs::WriteMode;

use super::util::{Val, getopt, parse_date, q, sq, usage};
use super::{CmdCtx, Command};

/// `touch`.
pub struct Touch;

fn parse_stamp(s: &str, now: i64) -> Option<i64> {
    let (main, secs) = match s.split_once('.') {
        Some((m, x)) => (m, x),
        None => (s, "00"),
    };
    if !main.bytes().all(|b| b.is_ascii_digit()) || secs.len() != 2 {
        return None;
    }
    let year_now = super::util::utc(now).year();
    let (y, rest) = match main.len() {
        8 => (year_now.to_string(), main),
        10 => {
            let yy: i32 = main.get(..2)?.parse().ok()?;
            (
                (if yy < 69 { 2000 + yy } else { 1900 + yy }).to_string(),
                main.get(2..)?,
            )
        }
        12 => (main.get(..4)?.to_string(), main.get(4..)?),
        _ => return None,
    };
    let f = |a: usize| rest.get(a..a + 2);
    parse_date(
        &format!("{y}-{}-{} {}:{}:{secs}", f(0)?, f(2)?, f(4)?, f(6)?),
        now,
    )
}

impl Command for Touch {
    fn name(&self) -> &'static str {
        "touch"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/touch"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("no-create", 'c', Val::No),
            ("date", 'd', Val::Req),
            ("reference", 'r', Val::Req),
            ("no-dereference", 'h', Val::No),
            ("time", 'T', Val::Req),
        ];
        let (opts, ops) = match getopt(args, "acd:fhmr:t:", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "touch", &e, 1),
        };
        let now = ctx.now.unix_timestamp();
        let mut when = now;
        let mut no_create = false;
        for (c, v) in opts {
            let v = v.unwrap_or_default();
            match c {
                'c' => no_create = true,
                'd' => match parse_date(&v, now) {
                    Some(t) => when = t,
                    None => {
                        ctx.error("touch", &format!("invalid date format {}", q(&v)));
                        return 1;
                    }
                },
                't' => match parse_stamp(&v, now) {
                    Some(t) => when = t,
                    None => {
                        ctx.error("touch", &format!("invalid date format {}", q(&v)));
                        return 1;
                    }
                },
                'r' => match ctx.fs.stat(ctx.cwd, &v) {
                    Ok(m) => when = m.mtime,
                    Err(e) => {
                        ctx.error(
                            "touch",
                            &format!("failed to get attributes of {}: {e}", sq(&v)),
                        );
                        return 1;
                    }
                },
                _ => {}
            }
        }
        if ops.is_empty() {
            return usage(ctx, "touch", "missing file operand", 1);
        }
        let fctx = ctx.fs_ctx();
        let mut status = 0;
        for op in &ops {
            let res = if ctx.fs.exists(ctx.cwd, op) {
                ctx.fs.set_times(ctx.cwd, op, when, when, &fctx)
            } else if no_create {
                Ok(())
            } else {
                ctx.fs
                    .write(ctx.cwd, op, b"", WriteMode::Append, 0o644, &fctx)
                    .and_then(|()| ctx.fs.set_times(ctx.cwd, op, when, when, &fctx))
            };
            if let Err(e) = res {
                ctx.error("touch", &format!("cannot touch {}: {e}", sq(op)));
                status = 1;
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
    fn creates_and_sets_times() {
        let p = Persona::debian12();
        let mut fs = p.new_fs();
        assert_eq!(run_in(&p, &mut fs, "touch", &["/tmp/f"], "/", b"").code, 0);
        assert_eq!(
            fs.stat("/", "/tmp/f").map(|m| (m.size, m.mtime)).ok(),
            Some((0, 1_763_730_000))
        );
        run_in(
            &p,
            &mut fs,
            "touch",
            &["-d", "2020-01-02 03:04:05", "/tmp/f"],
            "/",
            b"",
        );
        assert_eq!(
            fs.stat("/", "/tmp/f").map(|m| m.mtime).ok(),
            Some(1_577_934_245)
        );
        run_in(
            &p,
            &mut fs,
            "touch",
            &["-t", "202001020304.05", "/tmp/f"],
            "/",
            b"",
        );
        assert_eq!(
            fs.stat("/", "/tmp/f").map(|m| m.mtime).ok(),
            Some(1_577_934_245)
        );
        assert_eq!(
            run_in(&p, &mut fs, "touch", &["-c", "/tmp/nope"], "/", b"").code,
            0
        );
        assert!(!fs.exists("/", "/tmp/nope"));
        let r = run("touch", &["/nope/x"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "touch: cannot touch '/nope/x': No such file or directory\n",
                1
            )
        );
        assert_eq!(
            run("touch", &[], "/", b"").stderr,
            "touch: missing file operand\nTry 'touch --help' for more information.\n"
        );
    }
}
