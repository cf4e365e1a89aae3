//! `df`: report file system space usage (coreutils 9.1), from the persona's mounts.
//!
//! Emulated: the default table (`udev`, `tmpfs` on `/run`, `/dev/vda1` on `/`, `/dev/shm`,
//! `/run/lock`, `/dev/vda15` on `/boot/efi`, `/run/user/0`), `-h`, `-H` (as `-h`), `-k`,
//! `-m`, `-T`, `-a`/`-l`/`-x` accepted, file operands selecting the mount that holds them.
//! GNU column widths (minimum 14 for Filesystem, 5 for numbers). Known gaps: `-i` inodes,
//! `--output` (its fields are checked, the default columns shown), `-B`.

use miragepot_vfs::path::{is_within, normalize};

use super::util::{IGNORED, Val, getopt, human, q, sq, usage};
use super::{CmdCtx, Command};

/// `df`.
pub struct Df;

/// (source, type, 1K blocks, used KiB, available KiB, mount point)
fn mounts(ctx: &CmdCtx<'_>) -> Vec<(&'static str, &'static str, u64, u64, u64, &'static str)> {
    let (root_total, root_used) = ctx.persona.root_fs_kb;
    let root_avail = root_total
        .saturating_sub(root_used)
        .saturating_sub(root_total / 20);
    let shm = ctx.persona.mem_total_kb / 2;
    vec![
        ("udev", "devtmpfs", 1_989_312, 0, 1_989_312, "/dev"),
        ("tmpfs", "tmpfs", 402_564, 1_164, 401_400, "/run"),
        ("/dev/vda1", "ext4", root_total, root_used, root_avail, "/"),
        ("tmpfs", "tmpfs", shm, 0, shm, "/dev/shm"),
        ("tmpfs", "tmpfs", 5_120, 0, 5_120, "/run/lock"),
        ("/dev/vda15", "vfat", 126_678, 10_900, 115_778, "/boot/efi"),
        ("tmpfs", "tmpfs", 402_560, 0, 402_560, "/run/user/0"),
    ]
}

/// Key of `--output`.
const OUTPUT: char = '\u{e000}';

impl Command for Df {
    fn name(&self) -> &'static str {
        "df"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/df"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("all", 'a', Val::No),
            ("block-size", 'B', Val::Req),
            ("inodes", 'i', Val::No),
            ("human-readable", 'h', Val::No),
            ("si", 'H', Val::No),
            ("local", 'l', Val::No),
            ("output", OUTPUT, Val::Opt),
            ("portability", 'P', Val::No),
            ("print-type", 'T', Val::No),
            ("sync", IGNORED, Val::No),
            ("no-sync", IGNORED, Val::No),
            ("total", 'X', Val::No),
            ("type", 't', Val::Req),
            ("exclude-type", 'x', Val::Req),
        ];
        let (opts, ops) = match getopt(args, "aB:iF:hHklmPTt:vx:", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "df", &e, 1),
        };
        // --output=FIELDS is checked as df does, then has no effect on the columns.
        let fields = [
            "source", "fstype", "itotal", "iused", "iavail", "ipcent", "size", "used", "avail",
            "pcent", "file", "target",
        ];
        let mut used = Vec::new();
        for f in opts
            .iter()
            .filter(|o| o.0 == OUTPUT)
            .filter_map(|o| o.1.as_deref())
        {
            for field in f.split(',') {
                let problem = if !fields.contains(&field) {
                    "unknown"
                } else if used.contains(&field) {
                    "used more than once"
                } else {
                    used.push(field);
                    continue;
                };
                let msg = format!("option --output: field {} {problem}", q(field));
                return usage(ctx, "df", &msg, 1);
            }
        }
        let has = |c| opts.iter().any(|o: &(char, Option<String>)| o.0 == c);
        let (hum, typ, mega) = (has('h') || has('H'), has('T'), has('m'));
        let mut rows = mounts(ctx);
        let mut status = 0;
        if !ops.is_empty() {
            let mut sel = Vec::new();
            for op in &ops {
                if let Err(e) = ctx.fs.stat(ctx.cwd, op) {
                    ctx.error("df", &format!("{}: {e}", sq(op)));
                    status = 1;
                    continue;
                }
                let p = normalize(ctx.cwd, op);
                let best = rows
                    .iter()
                    .filter(|r| is_within(&p, r.5))
                    .max_by_key(|r| r.5.len())
                    .copied();
                if let Some(b) = best {
                    sel.push(b);
                }
            }
            rows = sel;
        }
        let size_hdr = if hum {
            "Size"
        } else if mega {
            "1M-blocks"
        } else {
            "1K-blocks"
        };
        let fmt = |kb: u64| {
            if hum {
                if kb == 0 {
                    "0".to_string()
                } else {
                    human(kb * 1024)
                }
            } else if mega {
                kb.div_ceil(1024).to_string()
            } else {
                kb.to_string()
            }
        };
        let mut table: Vec<Vec<String>> = vec![{
            let mut h = vec!["Filesystem".to_string()];
            if typ {
                h.push("Type".into());
            }
            h.extend(
                [
                    size_hdr,
                    "Used",
                    if hum { "Avail" } else { "Available" },
                    "Use%",
                    "Mounted on",
                ]
                .map(String::from),
            );
            h
        }];
        for (src, t, total, used, avail, mnt) in &rows {
            let pct = if used + avail == 0 {
                "-".to_string()
            } else {
                format!("{}%", (used * 100).div_ceil(used + avail))
            };
            let mut r = vec![src.to_string()];
            if typ {
                r.push(t.to_string());
            }
            r.extend([fmt(*total), fmt(*used), fmt(*avail), pct, mnt.to_string()]);
            table.push(r);
        }
        let ncol = table.first().map_or(0, Vec::len);
        let mins: Vec<usize> = (0..ncol)
            .map(|i| {
                if i == 0 {
                    14
                } else if i + 1 == ncol {
                    0
                } else if i + 2 == ncol {
                    4
                } else {
                    5
                }
            })
            .collect();
        let widths: Vec<usize> = (0..ncol)
            .map(|i| {
                table
                    .iter()
                    .map(|r| r.get(i).map_or(0, |s| s.len()))
                    .max()
                    .unwrap_or(0)
                    .max(mins.get(i).copied().unwrap_or(0))
            })
            .collect();
        let mut out = String::new();
        for r in &table {
            let mut cells = Vec::new();
            for (i, c) in r.iter().enumerate() {
                let w = widths.get(i).copied().unwrap_or(0);
                let left = i == 0 || (typ && i == 1) || i + 1 == ncol;
                if i + 1 == ncol {
                    cells.push(c.clone());
                } else if left {
                    cells.push(format!("{c:<w$}"));
                } else {
                    cells.push(format!("{c:>w$}"));
                }
            }
            out.push_str(&cells.join(" "));
            out.push('\n');
        }
        ctx.stdout.write_str(&out);
        status
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn table() {
        let r = run("df", &[], "/", b"");
        let lines: Vec<&str> = r.stdout.lines().collect();
        assert_eq!(
            lines.first().copied(),
            Some("Filesystem     1K-blocks    Used Available Use% Mounted on")
        );
        assert_eq!(
            lines.get(3).copied(),
            Some("/dev/vda1       20466256 3912108  15530836  21% /")
        );
        assert_eq!(lines.len(), 8);
        let r = run("df", &["-h", "/"], "/", b"");
        assert_eq!(
            r.stdout,
            "Filesystem      Size  Used Avail Use% Mounted on\n/dev/vda1        20G  3.8G   15G  21% /\n"
        );
        assert!(run("df", &["-T"], "/", b"").stdout.starts_with("Filesystem     Type     1K-blocks    Used Available Use% Mounted on\nudev           devtmpfs   1989312       0   1989312   0% /dev\n"));
    }
}
