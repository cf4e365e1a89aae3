//! `lsblk` (util-linux 2.38.1): the persona's virtio disk `vda` and its partitions from
//! [`crate::machine::Machine`], sized so the root partition holds the filesystem `df` shows.
//!
//! Emulated: the default tree, `-f`, `-l`, `-r`, `-n`, `-d`, `-b`, `-p`, `-a`, `-o LIST`
//! (NAME, KNAME, PATH, MAJ:MIN, RM, SIZE, RO, TYPE, MOUNTPOINT(S), FSTYPE, FSVER, LABEL,
//! UUID, FSAVAIL, FSUSE%, FSSIZE, FSUSED, MODEL, SERIAL, VENDOR, ROTA, TRAN, PARTUUID),
//! `-O`-less, device operands (`lsblk /dev/vda1`, `not a block device`, status 32).
//! Known gaps: `-J`/`-P`/`-y` print the plain table, `-t`, `-m`, `-S` columns.

use super::util::{Val, getopt, usage};
use super::{CmdCtx, Command};
use crate::machine::{Block, Machine, size_human};

/// `lsblk`.
pub struct Lsblk;

/// (name, right-aligned, width hint)
const COLS: &[(&str, bool, usize)] = &[
    ("NAME", false, 0),
    ("KNAME", false, 0),
    ("PATH", false, 0),
    ("MAJ:MIN", false, 6),
    ("RM", true, 1),
    ("SIZE", true, 5),
    ("RO", true, 1),
    ("TYPE", false, 4),
    ("MOUNTPOINT", false, 0),
    ("MOUNTPOINTS", false, 0),
    ("FSTYPE", false, 0),
    ("FSVER", false, 0),
    ("LABEL", false, 0),
    ("UUID", false, 36),
    ("FSAVAIL", true, 5),
    ("FSUSE%", true, 3),
    ("FSSIZE", true, 5),
    ("FSUSED", true, 5),
    ("MODEL", false, 0),
    ("SERIAL", false, 0),
    ("VENDOR", false, 0),
    ("ROTA", true, 1),
    ("TRAN", false, 0),
    ("PARTUUID", false, 36),
];

impl Command for Lsblk {
    fn name(&self) -> &'static str {
        "lsblk"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/lsblk"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("noempty", 'A', Val::No),
            ("discard", 'D', Val::No),
            ("dedup", 'E', Val::Req),
            ("include", 'I', Val::Req),
            ("json", 'J', Val::No),
            ("merge", 'M', Val::No),
            ("output-all", 'O', Val::No),
            ("pairs", 'P', Val::No),
            ("scsi", 'S', Val::No),
            ("tree", 'T', Val::Opt),
            ("all", 'a', Val::No),
            ("bytes", 'b', Val::No),
            ("nodeps", 'd', Val::No),
            ("exclude", 'e', Val::Req),
            ("fs", 'f', Val::No),
            ("ascii", 'i', Val::No),
            ("list", 'l', Val::No),
            ("noheadings", 'n', Val::No),
            ("output", 'o', Val::Req),
            ("paths", 'p', Val::No),
            ("raw", 'r', Val::No),
            ("inverse", 's', Val::No),
            ("topology", 't', Val::No),
            ("width", 'w', Val::Req),
            ("sort", 'x', Val::Req),
            ("shell", 'y', Val::No),
            ("zoned", 'z', Val::No),
            ("sysroot", '\u{e001}', Val::Req),
            ("help", 'h', Val::No),
            ("version", 'V', Val::No),
            ("perms", 'm', Val::No),
        ];
        let (opts, ops) = match getopt(args, "AabdDE:e:fhJlnMmo:OpPiI:rstVST::w:x:yz", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "lsblk", &e, 1),
        };
        let has = |c: char| opts.iter().any(|o| o.0 == c);
        if has('h') {
            return super::util::print_help(ctx, "lsblk");
        }
        if has('V') {
            return super::util::print_version(ctx, "lsblk");
        }
        let mut cols: Vec<String> = if has('f') {
            "NAME,FSTYPE,FSVER,LABEL,UUID,FSAVAIL,FSUSE%,MOUNTPOINTS"
        } else {
            "NAME,MAJ:MIN,RM,SIZE,RO,TYPE,MOUNTPOINTS"
        }
        .split(',')
        .map(String::from)
        .collect();
        for (c, v) in &opts {
            if *c == 'o' {
                let v = v.clone().unwrap_or_default();
                let list = match v.strip_prefix('+') {
                    Some(r) => r,
                    None => {
                        cols.clear();
                        v.as_str()
                    }
                };
                for name in list.split(',').filter(|s| !s.is_empty()) {
                    let up = name.to_ascii_uppercase();
                    if !COLS.iter().any(|(n, ..)| *n == up) {
                        ctx.error("lsblk", &format!("unknown column: {name}"));
                        return 1;
                    }
                    if cols.len() < 64 {
                        cols.push(up);
                    }
                }
            }
        }
        let up = ctx.now.unix_timestamp() - ctx.persona.boot_time;
        let m = Machine::of(ctx.persona, up);
        let mut sel: Vec<&Block> = Vec::new();
        let mut status = 0;
        for op in &ops {
            let name = op.strip_prefix("/dev/").unwrap_or(op);
            match m.blocks.iter().find(|b| b.name == name) {
                Some(b) => sel.push(b),
                None => {
                    ctx.error("lsblk", &format!("{op}: not a block device"));
                    status = 32;
                }
            }
        }
        if !ops.is_empty() && sel.is_empty() {
            return status;
        }
        let list = has('l') || has('r') || has('P') || has('y');
        let raw = has('r');
        let (bytes, paths, nodeps) = (has('b'), has('p'), has('d'));
        let disk_only = ops.is_empty() || sel.iter().any(|b| b.kind == "disk");
        let rows: Vec<(&Block, String)> = m
            .blocks
            .iter()
            .filter(|b| !(nodeps && b.kind == "part"))
            .filter(|b| {
                ops.is_empty()
                    || sel.iter().any(|s| s.name == b.name)
                    || (disk_only && b.kind == "part" && sel.iter().any(|s| s.kind == "disk"))
            })
            .map(|b| {
                let last = m
                    .blocks
                    .iter()
                    .rposition(|x| x.kind == "part")
                    .is_some_and(|i| m.blocks.get(i).is_some_and(|x| x.name == b.name));
                let shown_as_child = b.kind == "part"
                    && !list
                    && (ops.is_empty() || sel.iter().any(|s| s.kind == "disk"));
                let prefix = if shown_as_child {
                    if last { "└─" } else { "├─" }
                } else {
                    ""
                };
                let name = if paths {
                    format!("/dev/{}", b.name)
                } else {
                    b.name.to_string()
                };
                (b, format!("{prefix}{name}"))
            })
            .collect();
        let df = |b: &Block| -> Option<(u64, u64)> {
            let (t, u) = match b.mount? {
                "/" => ctx.persona.root_fs_kb,
                _ => (126_678, 10_900),
            };
            let avail = if b.mount == Some("/") {
                t.saturating_sub(u).saturating_sub(t / 20)
            } else {
                t.saturating_sub(u)
            };
            Some((t * 1024, avail * 1024))
        };
        let size = |n: u64| if bytes { n.to_string() } else { size_human(n) };
        let cell = |b: &Block, tree_name: &str, col: &str| -> String {
            let fs = b.fs;
            match col {
                "NAME" => tree_name.to_string(),
                "KNAME" => b.name.into(),
                "PATH" => format!("/dev/{}", b.name),
                "MAJ:MIN" => format!("{}:{}", b.majmin.0, b.majmin.1),
                "RM" | "RO" => "0".into(),
                "ROTA" => "1".into(),
                "SIZE" => size(b.bytes),
                "TYPE" => b.kind.into(),
                "MOUNTPOINT" | "MOUNTPOINTS" => b.mount.unwrap_or("").into(),
                "FSTYPE" => fs.map_or("", |f| f.0).into(),
                "FSVER" => fs.map_or("", |f| f.1).into(),
                "UUID" => fs.map_or("", |f| f.2).into(),
                "VENDOR" if b.kind == "disk" => "0x1af4".into(),
                "PARTUUID" if b.kind == "part" => {
                    format!("5e7a3b1c-0d2f-4a8e-9b6c-1f3e5d7a9c{:02}", b.majmin.1)
                }
                "FSAVAIL" => df(b).map_or(String::new(), |(_, a)| size(a)),
                "FSSIZE" => df(b).map_or(String::new(), |(t, _)| size(t)),
                "FSUSED" => df(b).map_or(String::new(), |(t, a)| size(t - a.min(t))),
                "FSUSE%" => df(b).map_or(String::new(), |(t, a)| {
                    let used = if b.mount == Some("/") {
                        ctx.persona.root_fs_kb.1 * 1024
                    } else {
                        t - a.min(t)
                    };
                    format!("{}%", (used * 100 + t / 2) / t.max(1))
                }),
                _ => String::new(),
            }
        };
        let mut table: Vec<Vec<String>> = Vec::new();
        if !has('n') {
            table.push(cols.clone());
        }
        for (b, name) in &rows {
            table.push(cols.iter().map(|c| cell(b, name, c)).collect());
        }
        let mut out = String::new();
        if raw {
            for r in &table {
                out.push_str(&r.join(" "));
                out.push('\n');
            }
            ctx.stdout.write_str(&out);
            return status;
        }
        let spec: Vec<(bool, usize)> = cols
            .iter()
            .map(|c| {
                COLS.iter()
                    .find(|(n, ..)| n == c)
                    .map_or((false, 0), |(_, r, h)| (*r, *h))
            })
            .collect();
        let data_w: Vec<usize> = (0..cols.len())
            .map(|i| {
                table
                    .iter()
                    .map(|r| r.get(i).map_or(0, |s| s.chars().count()))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let hinted: Vec<usize> = data_w
            .iter()
            .zip(&spec)
            .map(|(w, (_, h))| (*w).max(*h))
            .collect();
        let total: usize = hinted.iter().sum::<usize>() + cols.len();
        let widths = if total > 80 { data_w } else { hinted };
        for r in &table {
            let mut line = String::new();
            for (i, c) in r.iter().enumerate() {
                let w = widths.get(i).copied().unwrap_or(0);
                let right = spec.get(i).is_some_and(|s| s.0);
                if i > 0 {
                    line.push(' ');
                }
                if i + 1 == r.len() && !right {
                    line.push_str(c);
                } else if right {
                    line.push_str(&format!("{c:>w$}"));
                } else {
                    let pad = w.saturating_sub(c.chars().count());
                    line.push_str(c);
                    line.push_str(&" ".repeat(pad));
                }
            }
            out.push_str(&line);
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
    fn tree() {
        assert_eq!(
            run("lsblk", &[], "/", b"").stdout,
            "NAME    MAJ:MIN RM  SIZE RO TYPE MOUNTPOINTS
vda     254:0    0   20G  0 disk 
├─vda1  254:1    0 19.9G  0 part /
├─vda14 254:14   0    3M  0 part 
└─vda15 254:15   0  124M  0 part /boot/efi
"
        );
    }

    #[test]
    fn fs_and_options() {
        let r = run("lsblk", &["-f"], "/", b"");
        assert!(
            r.stdout.contains(
                "├─vda1  ext4   1.0         8c1f2d3e-4b5a-4c6d-9e7f-0a1b2c3d4e5f   14.8G    19% /\n"
            ),
            "{}",
            r.stdout
        );
        assert_eq!(
            run("lsblk", &["-dno", "NAME,SIZE"], "/", b"").stdout,
            "vda   20G\n"
        );
        let r = run("lsblk", &["/dev/sdz"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("lsblk: /dev/sdz: not a block device\n", 32)
        );
        let r = run("lsblk", &["-o", "FOO"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("lsblk: unknown column: FOO\n", 1)
        );
        assert_eq!(
            run("lsblk", &["-l", "-n", "-o", "NAME", "/dev/vda1"], "/", b"").stdout,
            "vda1\n"
        );
    }
}
