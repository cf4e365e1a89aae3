//! `du`: estimate file space usage (coreutils 9.1) over the VFS.
//!
//! Emulated: per-directory totals (post-order), `-s`, `-a`, `-h`, `-k`, `-m`, `-c`,
//! `-d N`/`--max-depth`, `-b`/`--apparent-size` (bytes), errors with exit 1. Block usage is
//! estimated from sizes (4K granularity, see `ls::blocks_k`); entries are visited in name
//! order (real `du` uses directory order). Walks are bounded by a node cap.

use miragepot_vfs::FileType;

use super::ls::blocks_k;
use super::util::{IGNORED, Val, getopt, human, sq, usage};
use super::{CmdCtx, Command};

/// `du`.
pub struct Du;

struct Opts {
    all: bool,
    max_depth: Option<usize>,
    human: bool,
    mega: bool,
    bytes: bool,
}

fn show(o: &Opts, k: u64, bytes: u64) -> String {
    if o.bytes {
        bytes.to_string()
    } else if o.human {
        if k == 0 { "0".into() } else { human(k * 1024) }
    } else if o.mega {
        k.div_ceil(1024).to_string()
    } else {
        k.to_string()
    }
}

/// Returns (KiB, bytes) of the tree and appends its lines.
fn walk(
    ctx: &CmdCtx<'_>,
    path: &str,
    depth: usize,
    o: &Opts,
    out: &mut String,
    budget: &mut usize,
) -> (u64, u64) {
    if *budget == 0 {
        return (0, 0);
    }
    *budget -= 1;
    let Ok(m) = ctx.fs.lstat(ctx.cwd, path) else {
        return (0, 0);
    };
    let mut k = blocks_k(&m);
    let mut b = m.size;
    if m.kind == FileType::Dir {
        let fctx = ctx.fs_ctx();
        match ctx.fs.read_dir(ctx.cwd, path, &fctx) {
            Ok(entries) => {
                for e in entries {
                    let p = if path.ends_with('/') {
                        format!("{path}{}", e.name)
                    } else {
                        format!("{path}/{}", e.name)
                    };
                    let (ck, cb) = walk(ctx, &p, depth + 1, o, out, budget);
                    k += ck;
                    b += cb;
                }
            }
            Err(e) => out.push_str(&format!(
                "\u{0}du: cannot read directory {}: {e}\n",
                sq(path)
            )),
        }
    }
    let print =
        (m.kind == FileType::Dir || o.all || depth == 0) && o.max_depth.is_none_or(|d| depth <= d);
    if print {
        out.push_str(&format!("{}\t{path}\n", show(o, k, b)));
    }
    (k, b)
}

/// Key of `--si`.
const SI: char = '\u{e000}';

impl Command for Du {
    fn name(&self) -> &'static str {
        "du"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/du"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        // du 9.1's table, in its order (ambiguity messages follow it).
        let long = [
            ("all", 'a', Val::No),
            ("apparent-size", 'A', Val::No),
            ("block-size", 'B', Val::Req),
            ("bytes", 'b', Val::No),
            ("count-links", 'l', Val::No),
            ("dereference", 'L', Val::No),
            ("dereference-args", 'D', Val::No),
            ("exclude", IGNORED, Val::Req),
            ("exclude-from", 'X', Val::Req),
            ("files0-from", IGNORED, Val::Req),
            ("human-readable", 'h', Val::No),
            ("inodes", IGNORED, Val::No),
            ("si", SI, Val::No),
            ("max-depth", 'd', Val::Req),
            ("null", '0', Val::No),
            ("no-dereference", 'P', Val::No),
            ("one-file-system", 'x', Val::No),
            ("separate-dirs", 'S', Val::No),
            ("summarize", 's', Val::No),
            ("total", 'c', Val::No),
            ("threshold", 't', Val::Req),
            ("time", IGNORED, Val::Opt),
            ("time-style", IGNORED, Val::Req),
        ];
        let (opts, mut ops) = match getopt(args, "0abd:chHklmst:xB:DLPSX:", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "du", &e, 1),
        };
        let has = |c| opts.iter().any(|o: &(char, Option<String>)| o.0 == c);
        let mut o = Opts {
            all: has('a'),
            max_depth: None,
            human: has('h') || has(SI),
            mega: has('m'),
            bytes: has('b'),
        };
        if has('s') {
            o.max_depth = Some(0);
        }
        if let Some(d) = opts.iter().find(|x| x.0 == 'd').and_then(|x| x.1.clone()) {
            match d.parse::<usize>() {
                Ok(n) => o.max_depth = Some(n),
                Err(_) => {
                    ctx.error(
                        "du",
                        &format!("invalid maximum depth {}", super::util::q(&d)),
                    );
                    return 1;
                }
            }
        }
        if ops.is_empty() {
            ops.push(".".into());
        }
        let mut status = 0;
        let (mut tk, mut tb) = (0, 0);
        let mut budget = 50_000usize;
        for op in &ops {
            if let Err(e) = ctx.fs.lstat(ctx.cwd, op) {
                ctx.error("du", &format!("cannot access {}: {e}", sq(op)));
                status = 1;
                continue;
            }
            let mut out = String::new();
            let (k, b) = walk(ctx, op, 0, &o, &mut out, &mut budget);
            tk += k;
            tb += b;
            for line in out.lines() {
                if let Some(err) = line.strip_prefix('\u{0}') {
                    ctx.stderr.line(err);
                    status = 1;
                } else {
                    ctx.stdout.line(line);
                }
            }
        }
        if has('c') {
            ctx.stdout.line(&format!("{}\ttotal", show(&o, tk, tb)));
        }
        status
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run, run_in};
    use crate::persona::Persona;

    #[test]
    fn sizes() {
        let p = Persona::debian12();
        let mut fs = p.new_fs();
        run_in(&p, &mut fs, "mkdir", &["-p", "/tmp/d/sub"], "/", b"");
        run_in(&p, &mut fs, "tee", &["/tmp/d/f1"], "/", b"x");
        assert_eq!(
            run_in(&p, &mut fs, "du", &["/tmp/d"], "/", b"").stdout,
            "4\t/tmp/d/sub\n12\t/tmp/d\n"
        );
        assert_eq!(
            run_in(&p, &mut fs, "du", &["-sh", "/tmp/d"], "/", b"").stdout,
            "12K\t/tmp/d\n"
        );
        assert_eq!(
            run_in(&p, &mut fs, "du", &["-a", "/tmp/d"], "/", b"").stdout,
            "4\t/tmp/d/f1\n4\t/tmp/d/sub\n12\t/tmp/d\n"
        );
        let r = run("du", &["/nonexistent"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "du: cannot access '/nonexistent': No such file or directory\n",
                1
            )
        );
    }
}
