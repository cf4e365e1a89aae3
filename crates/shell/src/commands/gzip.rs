//! `gzip`, `gunzip` and `zcat` (gzip 1.12) with real deflate (the `flate2` crate) over VFS
//! files: compress in place to `FILE.gz` (name and mtime in the header, the original
//! removed unless `-k`), `-d`, `-c`, `-k`, `-f`, `-q`, levels `-1`..`-9`, standard input to
//! standard output, and gzip's messages for missing files, wrong suffixes and data that is
//! not gzip. Output is bounded by the VFS's read cap.

use std::io::{Read, Write};

use flate2::{Compression, GzBuilder, read::MultiGzDecoder};
use miragepot_vfs::{WriteMode, path};

use super::util::{MAX_READ, read_input};
use super::{CmdCtx, Command};

/// `gzip`.
pub struct Gzip;
/// `gunzip`.
pub struct Gunzip;
/// `zcat`.
pub struct Zcat;

impl Command for Gzip {
    fn name(&self) -> &'static str {
        "gzip"
    }
    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/gzip"]
    }
    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        run(ctx, args, "gzip", false, false)
    }
}

impl Command for Gunzip {
    fn name(&self) -> &'static str {
        "gunzip"
    }
    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/gunzip"]
    }
    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        run(ctx, args, "gunzip", true, false)
    }
}

impl Command for Zcat {
    fn name(&self) -> &'static str {
        "zcat"
    }
    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/zcat"]
    }
    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        run(ctx, args, "zcat", true, true)
    }
}

/// Decompresses gzip data (all members), at most [`MAX_READ`] bytes.
pub(crate) fn gunzip_bytes(data: &[u8]) -> Result<Vec<u8>, &'static str> {
    if data.len() < 2 || data.get(..2) != Some(&[0x1f, 0x8b][..]) {
        return Err("not in gzip format");
    }
    let mut out = Vec::new();
    let limit = u64::try_from(MAX_READ).unwrap_or(u64::MAX);
    MultiGzDecoder::new(data)
        .take(limit)
        .read_to_end(&mut out)
        .map_err(|_| "unexpected end of file")?;
    Ok(out)
}

/// Compresses `data` as gzip with the original `name` and `mtime` in the header.
pub(crate) fn gzip_bytes(data: &[u8], name: Option<&str>, mtime: u32, level: u32) -> Vec<u8> {
    let mut b = GzBuilder::new().mtime(mtime).operating_system(3);
    if let Some(n) = name {
        b = b.filename(n.as_bytes());
    }
    let mut enc = b.write(Vec::new(), Compression::new(level));
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}

fn run(
    ctx: &mut CmdCtx<'_>,
    args: &[String],
    name: &str,
    mut decompress: bool,
    mut to_stdout: bool,
) -> i32 {
    let (mut keep, mut force, mut quiet, mut level) = (false, false, false, 6u32);
    let mut files = Vec::new();
    let mut done = false;
    for a in args.iter().skip(1) {
        if done || a == "-" || !a.starts_with('-') {
            files.push(a.clone());
            continue;
        }
        if a == "--" {
            done = true;
            continue;
        }
        if let Some(long) = a.strip_prefix("--") {
            match long {
                "help" => {
                    ctx.stdout.write_str(match name {
                        "gunzip" => include_str!("adminhelp/gunzip.help"),
                        "zcat" => include_str!("adminhelp/zcat.help"),
                        _ => include_str!("adminhelp/gzip.help"),
                    });
                    return 0;
                }
                "version" => {
                    match name {
                        "gzip" => ctx.stdout.write_str(include_str!("adminhelp/gzip.version")),
                        "gunzip" => ctx
                            .stdout
                            .write_str(include_str!("adminhelp/gunzip.version")),
                        _ => {
                            let v = include_str!("adminhelp/gunzip.version");
                            ctx.stdout.write_str("zcat");
                            ctx.stdout.write_str(v.strip_prefix("gunzip").unwrap_or(v));
                        }
                    }
                    return 0;
                }
                "decompress" | "uncompress" => decompress = true,
                "stdout" | "to-stdout" => to_stdout = true,
                "keep" => keep = true,
                "force" => force = true,
                "quiet" | "silent" => quiet = true,
                "best" => level = 9,
                "fast" => level = 1,
                "name" | "no-name" | "verbose" | "recursive" | "test" | "list" | "synchronous"
                | "rsyncable" | "ascii" => {}
                _ => {
                    ctx.error("gzip", &format!("unrecognized option '{a}'"));
                    ctx.stderr.line("Try `gzip --help' for more information.");
                    return 1;
                }
            }
            continue;
        }
        for c in a.chars().skip(1) {
            match c {
                'd' => decompress = true,
                'c' => to_stdout = true,
                'k' => keep = true,
                'f' => force = true,
                'q' => quiet = true,
                '1'..='9' => level = c.to_digit(10).unwrap_or(6),
                'n' | 'N' | 'v' | 'r' | 't' | 'l' | 'a' => {}
                _ => {
                    ctx.error("gzip", &format!("invalid option -- '{c}'"));
                    ctx.stderr.line("Try `gzip --help' for more information.");
                    return 1;
                }
            }
        }
    }
    if files.is_empty() {
        files.push("-".into());
    }
    let mut status = 0;
    for f in &files {
        let st = one(
            ctx,
            f,
            decompress,
            to_stdout || f == "-",
            keep,
            force,
            quiet,
            level,
        );
        status = status.max(st);
    }
    status
}

#[allow(clippy::too_many_arguments)]
fn one(
    ctx: &mut CmdCtx<'_>,
    f: &str,
    decompress: bool,
    to_stdout: bool,
    keep: bool,
    force: bool,
    quiet: bool,
    level: u32,
) -> i32 {
    let shown = if f == "-" { "stdin" } else { f };
    if !decompress && to_stdout && ctx.stdout_is_tty && !force {
        ctx.stderr
            .line("gzip: compressed data not written to a terminal. Use -f to force compression.");
        ctx.stderr.line("For help, type: gzip -h");
        return 1;
    }
    let mut src = f.to_string();
    if decompress && f != "-" && !f.ends_with(".gz") && !f.ends_with(".tgz") && !f.ends_with(".z") {
        if ctx.fs.exists(ctx.cwd, &format!("{f}.gz")) {
            src = format!("{f}.gz");
        } else if ctx.fs.exists(ctx.cwd, f) {
            if !quiet {
                ctx.error("gzip", &format!("{f}: unknown suffix -- ignored"));
            }
            return 2;
        } else {
            ctx.error("gzip", &format!("{f}.gz: No such file or directory"));
            return 1;
        }
    }
    if !decompress && f != "-" && f.ends_with(".gz") && !to_stdout {
        if !quiet {
            ctx.error("gzip", &format!("{f} already has .gz suffix -- unchanged"));
        }
        return 2;
    }
    let meta = ctx.fs.stat(ctx.cwd, &src).ok();
    if meta.as_ref().is_some_and(|m| m.is_dir()) {
        if !quiet {
            ctx.error("gzip", &format!("{src} is a directory -- ignored"));
        }
        return 2;
    }
    let data = match read_input(ctx, &src) {
        Ok(d) => d,
        Err(e) => {
            ctx.error("gzip", &format!("{src}: {e}"));
            return 1;
        }
    };
    let out = if decompress {
        match gunzip_bytes(&data) {
            Ok(d) => d,
            Err(e) => {
                if f == "-" {
                    ctx.stderr.line("");
                }
                ctx.error("gzip", &format!("{shown}: {e}"));
                return 1;
            }
        }
    } else {
        let mtime = meta
            .as_ref()
            .map_or(0, |m| u32::try_from(m.mtime).unwrap_or(0));
        let base = (f != "-").then(|| path::basename(f).to_string());
        gzip_bytes(&data, base.as_deref(), mtime, level)
    };
    if to_stdout {
        ctx.stdout.write(&out);
        return 0;
    }
    let dst = if decompress {
        src.strip_suffix(".gz")
            .or_else(|| src.strip_suffix(".z"))
            .map(str::to_string)
            .unwrap_or_else(|| format!("{}.tar", src.trim_end_matches(".tgz")))
    } else {
        format!("{src}.gz")
    };
    if ctx.fs.exists(ctx.cwd, &dst) && !force {
        ctx.error("gzip", &format!("{dst} already exists;\tnot overwritten"));
        return 2;
    }
    let fctx = ctx.fs_ctx();
    let mode = meta.as_ref().map_or(0o644, |m| m.mode & 0o7777);
    if let Err(e) = ctx
        .fs
        .write(ctx.cwd, &dst, &out, WriteMode::Truncate, mode, &fctx)
    {
        ctx.error("gzip", &format!("{dst}: {e}"));
        return 1;
    }
    if let Some(m) = &meta {
        let _ = ctx.fs.set_times(ctx.cwd, &dst, m.atime, m.mtime, &fctx);
    }
    if !keep {
        let _ = ctx.fs.remove_file(ctx.cwd, &src, &fctx);
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::testutil::{run, run_in, run_piped, shared_persona};

    #[test]
    fn round_trip_in_place() {
        let p = shared_persona();
        let mut fs = p.new_fs();
        run_in(p, &mut fs, "cp", &["/etc/hostname", "/tmp/h"], "/", b"");
        let r = run_in(p, &mut fs, "gzip", &["/tmp/h"], "/", b"");
        assert_eq!((r.stderr.as_str(), r.code), ("", 0));
        assert!(!fs.exists("/", "/tmp/h"));
        let r = run_in(p, &mut fs, "zcat", &["/tmp/h.gz"], "/", b"");
        assert_eq!(r.stdout, "web-prod-02\n");
        let r = run_in(p, &mut fs, "gunzip", &["/tmp/h.gz"], "/", b"");
        assert_eq!(r.code, 0);
        let r = run_in(p, &mut fs, "cat", &["/tmp/h"], "/", b"");
        assert_eq!(r.stdout, "web-prod-02\n");
    }

    #[test]
    fn header_and_errors() {
        let gz = gzip_bytes(b"hi\n", Some("g.txt"), 0x6b01_aa23, 6);
        assert_eq!(&gz[..10], &[0x1f, 0x8b, 8, 8, 0x23, 0xaa, 1, 0x6b, 0, 3]);
        assert_eq!(gunzip_bytes(&gz).unwrap(), b"hi\n");
        let r = run("gzip", &["-d", "nosuch.gz"], "/tmp", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("gzip: nosuch.gz: No such file or directory\n", 1)
        );
        let r = run("gzip", &["nosuch"], "/tmp", b"");
        assert_eq!(r.stderr, "gzip: nosuch: No such file or directory\n");
        let r = run_piped("gzip", &["-d"], "/", b"x\n");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("\ngzip: stdin: not in gzip format\n", 1)
        );
        let r = run("gzip", &[], "/", b"x");
        assert_eq!(r.code, 1);
    }
}
