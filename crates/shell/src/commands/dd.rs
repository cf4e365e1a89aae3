//! `dd` (coreutils 9.1): convert and copy a file.
//!
//! Emulated operands: `if= of= bs= ibs= obs= count= skip= seek= conv= status= iflag=
//! oflag=` (size suffixes `c w b K kB M MB G GB`, `AxB` products), `conv=notrunc`,
//! `iflag=skip_bytes,count_bytes`, `status=none|noxfer|progress`. The `N+M records in/out`
//! and `bytes (… kB, … KiB) copied, T s, R MB/s` lines read as GNU prints them (the time is
//! simulated). `/dev/zero` and `/dev/urandom` are endless sources; `/proc/self/exe` is dd's
//! own binary (synthesized ELF content). Data kept in memory or written is capped.

use miragepot_vfs::WriteMode;

use super::printf::fmt_float;
use super::util::{q, sq};
use super::{CmdCtx, Command};

/// `dd`.
pub struct Dd;

/// Bytes of data actually produced at most (the statistics still count the whole copy).
const MAX_DATA: u64 = 4 << 20;
/// Bytes an endless source (without `count=`) delivers before dd stops.
const MAX_ENDLESS: u64 = 1 << 30;

fn parse_size(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let mut total: u64 = 1;
    for part in s.split('x') {
        let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
        if digits.is_empty() {
            return None;
        }
        let n: u64 = digits.parse().ok()?;
        let mult: u64 = match part.get(digits.len()..).unwrap_or("") {
            "" | "c" => 1,
            "w" => 2,
            "b" => 512,
            "K" | "k" | "KiB" => 1 << 10,
            "kB" | "KB" => 1000,
            "M" | "MiB" => 1 << 20,
            "MB" => 1_000_000,
            "G" | "GiB" => 1 << 30,
            "GB" => 1_000_000_000,
            "T" | "TiB" => 1 << 40,
            "TB" => 1_000_000_000_000,
            _ => return None,
        };
        total = total.saturating_mul(n.saturating_mul(mult));
    }
    Some(total)
}

/// `3.0 kB` / `2.9 KiB` as dd's byte counts read.
fn human(n: u64, base: f64, units: &[&str]) -> String {
    let mut v = n as f64;
    let mut u = 0;
    while v >= base && u + 1 < units.len() {
        v /= base;
        u += 1;
    }
    let unit = units.get(u).copied().unwrap_or("B");
    if u == 0 {
        return format!("{n} {unit}");
    }
    if v < 10.0 {
        let s = format!("{v:.1}");
        if s == "10.0" {
            return format!("10 {unit}");
        }
        format!("{s} {unit}")
    } else {
        format!("{v:.0} {unit}")
    }
}

/// The transfer rate: one decimal below 100, SI units.
fn rate(bytes: u64, secs: f64) -> String {
    if bytes == 0 {
        return "0.0 kB/s".into();
    }
    let mut v = bytes as f64 / secs;
    let units = ["B", "kB", "MB", "GB", "TB"];
    let mut u = 0;
    while v >= 1000.0 && u + 1 < units.len() {
        v /= 1000.0;
        u += 1;
    }
    let unit = units.get(u).copied().unwrap_or("B");
    let s = format!("{v:.1}");
    if s.len() > 4 {
        format!("{v:.0} {unit}/s")
    } else {
        format!("{s} {unit}/s")
    }
}

enum Source {
    Data(Vec<u8>),
    Zero,
    Random,
}

impl Command for Dd {
    fn name(&self) -> &'static str {
        "dd"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/dd"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let mut ops = Vec::new();
        for a in args.iter().skip(1) {
            match a.as_str() {
                "--help" => return super::util::print_help(ctx, "dd"),
                "--version" => return super::util::print_version(ctx, "dd"),
                "--" => continue,
                s if s.starts_with("--") => {
                    return super::util::usage(ctx, "dd", &format!("unrecognized option '{s}'"), 1);
                }
                s if s.starts_with('-') && s.len() > 1 => {
                    let c = s.chars().nth(1).unwrap_or('-');
                    return super::util::usage(ctx, "dd", &format!("invalid option -- '{c}'"), 1);
                }
                _ => ops.push(a.clone()),
            }
        }
        let (mut inf, mut outf) = (None::<String>, None::<String>);
        let (mut ibs, mut obs) = (512u64, 512u64);
        let (mut count, mut skip, mut seek) = (None::<u64>, 0u64, 0u64);
        let (mut notrunc, mut status) = (false, 2);
        let (mut count_bytes, mut skip_bytes) = (false, false);
        for op in &ops {
            let Some((k, v)) = op.split_once('=') else {
                return super::util::usage(
                    ctx,
                    "dd",
                    &format!("unrecognized operand {}", q(op)),
                    1,
                );
            };
            let num = |ctx: &mut CmdCtx<'_>, min1: bool| -> Option<u64> {
                match parse_size(v) {
                    Some(n) if !(min1 && n == 0) => Some(n),
                    _ => {
                        ctx.error("dd", &format!("invalid number: {}", q(v)));
                        None
                    }
                }
            };
            match k {
                "if" => inf = Some(v.to_string()),
                "of" => outf = Some(v.to_string()),
                "bs" => match num(ctx, true) {
                    Some(n) => (ibs, obs) = (n, n),
                    None => return 1,
                },
                "ibs" => match num(ctx, true) {
                    Some(n) => ibs = n,
                    None => return 1,
                },
                "obs" => match num(ctx, true) {
                    Some(n) => obs = n,
                    None => return 1,
                },
                "cbs" => {
                    if num(ctx, true).is_none() {
                        return 1;
                    }
                }
                "count" => match num(ctx, false) {
                    Some(n) => count = Some(n),
                    None => return 1,
                },
                "skip" | "iseek" => match num(ctx, false) {
                    Some(n) => skip = n,
                    None => return 1,
                },
                "seek" | "oseek" => match num(ctx, false) {
                    Some(n) => seek = n,
                    None => return 1,
                },
                "conv" | "iflag" | "oflag" => {
                    for w in v.split(',') {
                        let known: &[&str] = match k {
                            "conv" => &[
                                "ascii",
                                "ebcdic",
                                "ibm",
                                "block",
                                "unblock",
                                "lcase",
                                "ucase",
                                "sparse",
                                "swab",
                                "sync",
                                "excl",
                                "nocreat",
                                "notrunc",
                                "noerror",
                                "fdatasync",
                                "fsync",
                            ],
                            _ => &[
                                "append",
                                "direct",
                                "directory",
                                "dsync",
                                "sync",
                                "fullblock",
                                "nonblock",
                                "noatime",
                                "nocache",
                                "noctty",
                                "nofollow",
                                "count_bytes",
                                "skip_bytes",
                                "seek_bytes",
                            ],
                        };
                        if !known.contains(&w) {
                            let what = if k == "conv" {
                                "conversion"
                            } else {
                                "input flag"
                            };
                            let what = if k == "oflag" { "output flag" } else { what };
                            return super::util::usage(
                                ctx,
                                "dd",
                                &format!("invalid {what}: {}", q(w)),
                                1,
                            );
                        }
                        match w {
                            "notrunc" => notrunc = true,
                            "count_bytes" => count_bytes = true,
                            "skip_bytes" => skip_bytes = true,
                            _ => {}
                        }
                    }
                }
                "status" => {
                    status = match v {
                        "none" => 0,
                        "noxfer" => 1,
                        "progress" => 2,
                        _ => {
                            return super::util::usage(
                                ctx,
                                "dd",
                                &format!("invalid status level: {}", q(v)),
                                1,
                            );
                        }
                    }
                }
                _ => {
                    return super::util::usage(
                        ctx,
                        "dd",
                        &format!("unrecognized operand {}", q(op)),
                        1,
                    );
                }
            }
        }
        let src = match inf.as_deref() {
            None | Some("-") | Some("/dev/stdin") => Source::Data(ctx.stdin.to_vec()),
            Some(p) => {
                let canon = ctx.fs.canonicalize(ctx.cwd, p).unwrap_or_default();
                match canon.as_str() {
                    "/dev/zero" => Source::Zero,
                    "/dev/urandom" | "/dev/random" => Source::Random,
                    _ => {
                        let path = if p == "/proc/self/exe"
                            || canon == "/usr/bin/bash" && p.starts_with("/proc/self")
                        {
                            "/usr/bin/dd"
                        } else {
                            p
                        };
                        if ctx.fs.stat(ctx.cwd, path).is_ok_and(|m| m.is_dir()) {
                            ctx.error("dd", &format!("error reading {}: Is a directory", sq(p)));
                            self.stats(ctx, status, 0, 0, 0, 0, 0);
                            return 1;
                        }
                        let fctx = ctx.fs_ctx();
                        match ctx.fs.read(ctx.cwd, path, &fctx, super::util::MAX_READ) {
                            Ok(b) => Source::Data(b.into_owned()),
                            Err(e) => {
                                ctx.error("dd", &format!("failed to open {}: {e}", sq(p)));
                                return 1;
                            }
                        }
                    }
                }
            }
        };
        // Input offset and the bytes the copy takes.
        let start = if skip_bytes {
            skip
        } else {
            skip.saturating_mul(ibs)
        };
        let avail = match &src {
            Source::Data(d) => (d.len() as u64).saturating_sub(start),
            _ => u64::MAX,
        };
        let want = match count {
            Some(c) if count_bytes => c,
            Some(c) => c.saturating_mul(ibs),
            None => u64::MAX,
        };
        let mut total = avail.min(want);
        if total == u64::MAX || (total > MAX_ENDLESS && count.is_none()) {
            total = MAX_ENDLESS;
        }
        let (full_in, part_in) = (total / ibs, u64::from(total % ibs != 0));
        let (full_out, part_out) = (total / obs, u64::from(total % obs != 0));
        let keep = total.min(MAX_DATA) as usize;
        let data: Vec<u8> = match &src {
            Source::Data(d) => {
                let a = usize::try_from(start).unwrap_or(usize::MAX).min(d.len());
                d.get(a..a.saturating_add(keep).min(d.len()))
                    .unwrap_or(&[])
                    .to_vec()
            }
            Source::Zero => vec![0; keep],
            Source::Random => (0..keep).map(|_| ctx.rng.next_u64() as u8).collect(),
        };
        match outf.as_deref() {
            None | Some("-") | Some("/dev/stdout") => ctx.stdout.write(&data),
            Some("/dev/null") => {}
            Some("/dev/stderr") => ctx.stderr.write(&data),
            Some(p) => {
                let fctx = ctx.fs_ctx();
                let off = usize::try_from(seek.saturating_mul(obs)).unwrap_or(usize::MAX);
                let mut content = if seek > 0 || notrunc {
                    ctx.fs
                        .read(ctx.cwd, p, &fctx, super::util::MAX_READ)
                        .map(|c| c.into_owned())
                        .unwrap_or_default()
                } else {
                    Vec::new()
                };
                if off <= MAX_DATA as usize {
                    if content.len() < off {
                        content.resize(off, 0);
                    }
                    let end = off + data.len();
                    if content.len() < end {
                        content.resize(end, 0);
                    }
                    if let Some(slot) = content.get_mut(off..end) {
                        slot.copy_from_slice(&data);
                    }
                    if !notrunc {
                        content.truncate(end);
                    }
                }
                if let Err(e) =
                    ctx.fs
                        .write(ctx.cwd, p, &content, WriteMode::Truncate, 0o644, &fctx)
                {
                    ctx.error("dd", &format!("failed to open {}: {e}", sq(p)));
                    return 1;
                }
            }
        }
        self.stats(ctx, status, full_in, part_in, full_out, part_out, total);
        0
    }
}

impl Dd {
    #[allow(clippy::too_many_arguments)]
    fn stats(
        &self,
        ctx: &mut CmdCtx<'_>,
        status: u8,
        fi: u64,
        pi: u64,
        fo: u64,
        po: u64,
        bytes: u64,
    ) {
        if status == 0 {
            return;
        }
        ctx.stderr.line(&format!("{fi}+{pi} records in"));
        ctx.stderr.line(&format!("{fo}+{po} records out"));
        if status == 1 {
            return;
        }
        // A believable duration: a little fixed cost plus about 1.5 GB/s.
        let ns = 30_000 + ctx.rng.below(40_000) + bytes / 3 * 2;
        let secs = ns as f64 / 1e9;
        let size = if bytes == 1 {
            "1 byte".to_string()
        } else if bytes < 1000 {
            format!("{bytes} bytes")
        } else {
            let si = human(bytes, 1000.0, &["B", "kB", "MB", "GB", "TB"]);
            if bytes < 1024 {
                format!("{bytes} bytes ({si})")
            } else {
                let iec = human(bytes, 1024.0, &["B", "KiB", "MiB", "GiB", "TiB"]);
                format!("{bytes} bytes ({si}, {iec})")
            }
        };
        let t = fmt_float(secs, b'g', 6, false);
        ctx.stderr
            .line(&format!("{size} copied, {t} s, {}", rate(bytes, secs)));
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    fn last(s: &str) -> String {
        let l = s.lines().last().unwrap_or("");
        // Mask the simulated time and rate.
        l.split(" copied").next().unwrap_or("").to_string()
    }

    #[test]
    fn copies_blocks_and_reports_like_gnu_dd() {
        let r = run("dd", &["if=/bin/sh", "bs=52", "count=1"], "/", b"");
        assert_eq!(r.code, 0);
        assert!(r.stdout.starts_with("\u{7f}ELF\u{2}\u{1}\u{1}"));
        assert!(
            r.stderr
                .starts_with("1+0 records in\n1+0 records out\n52 bytes copied, ")
        );
        assert!(r.stderr.ends_with(" kB/s\n") || r.stderr.ends_with(" MB/s\n"));
        let r = run("dd", &["if=/proc/self/exe", "bs=22", "count=1"], "/", b"");
        assert!(r.stdout.starts_with("\u{7f}ELF"));
        let r = run("dd", &["bs=1000", "count=3"], "/", &[0u8; 5000]);
        assert_eq!(r.stdout.len(), 3000);
        assert_eq!(last(&r.stderr), "3000 bytes (3.0 kB, 2.9 KiB)");
        let r = run("dd", &["bs=512"], "/", &[0u8; 5000]);
        assert!(r.stderr.starts_with("9+1 records in\n9+1 records out\n"));
        assert_eq!(last(&r.stderr), "5000 bytes (5.0 kB, 4.9 KiB)");
        let r = run(
            "dd",
            &["bs=1023", "count=1", "of=/dev/null"],
            "/",
            &[0u8; 5000],
        );
        assert_eq!(last(&r.stderr), "1023 bytes (1.0 kB)");
        let r = run(
            "dd",
            &["if=/dev/zero", "of=/dev/null", "bs=1M", "count=100"],
            "/",
            b"",
        );
        assert_eq!(last(&r.stderr), "104857600 bytes (105 MB, 100 MiB)");
        let r = run("dd", &["count=0"], "/", b"abc");
        assert!(r.stderr.ends_with("s, 0.0 kB/s\n"));
        let r = run("dd", &["bs=1", "count=1", "status=none"], "/", b"abc");
        assert_eq!((r.stdout.as_str(), r.stderr.as_str()), ("a", ""));
        let r = run(
            "dd",
            &["bs=100", "count=2", "skip=49", "status=noxfer"],
            "/",
            &[1u8; 5000],
        );
        assert_eq!(
            (r.stdout.len(), r.stderr.as_str()),
            (100, "1+0 records in\n1+0 records out\n")
        );
        let r = run("dd", &["if=/nonexist"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "dd: failed to open '/nonexist': No such file or directory\n",
                1
            )
        );
        let r = run("dd", &["bs=x"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("dd: invalid number: ‘x’\n", 1)
        );
        let r = run("dd", &["foo=1"], "/", b"");
        assert_eq!(
            r.stderr,
            "dd: unrecognized operand ‘foo=1’\nTry 'dd --help' for more information.\n"
        );
        let r = run("dd", &["conv=bogus"], "/", b"");
        assert_eq!(
            r.stderr,
            "dd: invalid conversion: ‘bogus’\nTry 'dd --help' for more information.\n"
        );
    }
}
