//! `ls`: list directory contents (coreutils 9.1, `LC_ALL=C.UTF-8` byte-order sorting).
//!
//! Emulated: `-l -a -A -h -d -R -1 -C -x -t -S -U -r -i -n -s -F -g -o`, `--color[=WHEN]`
//! (no color unless asked, `auto` colors on a terminal), the column layout of GNU
//! (vertical, tab stops of 8, for `ctx.session.cols`) when a terminal is attached, else one
//! name per line; `total N` in 1K blocks, recent/old date formats (6 months), owner and
//! group names from the persona, `name -> target` for symlinks, `maj, min` for devices,
//! shell-style quoting of odd names on a terminal, errors with exit status 2.
//! Known gaps: block counts are estimated from sizes (4K granularity), `-m`, `--sort`,
//! `--time-style` and `LS_COLORS` are not emulated; display width assumes one column per char.

use miragepot_vfs::{FileType, Meta};

use super::util::{Val, getopt, group_name, human, month_abbr, sq, usage, user_name, utc};
use super::{CmdCtx, Command};

/// `ls`.
pub struct Ls;

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Sort {
    #[default]
    Name,
    Time,
    Size,
    None,
}

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Layout {
    #[default]
    Columns,
    Across,
    One,
    Long,
}

#[derive(Default)]
struct Opts {
    layout: Layout,
    all: bool,
    almost: bool,
    human: bool,
    dir: bool,
    recursive: bool,
    sort: Sort,
    reverse: bool,
    inode: bool,
    numeric: bool,
    classify: bool,
    color: bool,
    blocks: bool,
    no_owner: bool,
    no_group: bool,
    tty: bool,
}

struct Item {
    name: String,
    path: String,
    meta: Meta,
    target: Option<String>,
}

const NODE_CAP: usize = 50_000;

impl Command for Ls {
    fn name(&self) -> &'static str {
        "ls"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/ls"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("all", 'a', Val::No),
            ("almost-all", 'A', Val::No),
            ("human-readable", 'h', Val::No),
            ("directory", 'd', Val::No),
            ("recursive", 'R', Val::No),
            ("reverse", 'r', Val::No),
            ("inode", 'i', Val::No),
            ("numeric-uid-gid", 'n', Val::No),
            ("classify", 'F', Val::Opt),
            ("color", 'c', Val::Opt),
            ("colour", 'c', Val::Opt),
            ("size", 's', Val::No),
        ];
        let (opts, mut ops) = match getopt(args, "aAhdR1CxtSUrinsFlgoGLf", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "ls", &e, 2),
        };
        let tty = ctx.session.tty.is_some();
        let mut o = Opts {
            tty,
            layout: if tty { Layout::Columns } else { Layout::One },
            ..Opts::default()
        };
        for (c, v) in opts {
            match c {
                'a' => o.all = true,
                'A' => o.almost = true,
                'f' => (o.all, o.sort) = (true, Sort::None),
                'h' => o.human = true,
                'd' => o.dir = true,
                'R' => o.recursive = true,
                '1' => o.layout = Layout::One,
                'C' => o.layout = Layout::Columns,
                'x' => o.layout = Layout::Across,
                'l' => o.layout = Layout::Long,
                'g' => (o.layout, o.no_owner) = (Layout::Long, true),
                'o' => (o.layout, o.no_group) = (Layout::Long, true),
                'n' => (o.layout, o.numeric) = (Layout::Long, true),
                't' => o.sort = Sort::Time,
                'S' => o.sort = Sort::Size,
                'U' => o.sort = Sort::None,
                'r' => o.reverse = true,
                'i' => o.inode = true,
                's' => o.blocks = true,
                'F' => o.classify = true,
                'c' => {
                    o.color = match v.as_deref() {
                        None | Some("always" | "yes" | "force") => true,
                        Some("never" | "no" | "none") => false,
                        Some("auto" | "tty" | "if-tty") => tty,
                        Some(w) => {
                            ctx.error("ls", &format!("invalid argument '{w}' for '--color'"));
                            ctx.stderr.line("Valid arguments are:\n  - 'always', 'yes', 'force'\n  - 'never', 'no', 'none'\n  - 'auto', 'tty', 'if-tty'");
                            return usage(ctx, "ls", "", 2).min(2);
                        }
                    }
                }
                _ => {}
            }
        }
        if ops.is_empty() {
            ops.push(".".into());
        }
        let mut status = 0;
        let mut files = Vec::new();
        let mut dirs = Vec::new();
        let follow = !(o.dir || o.layout == Layout::Long || o.classify);
        for op in &ops {
            let fctx_meta = if follow {
                ctx.fs
                    .stat(ctx.cwd, op)
                    .or_else(|_| ctx.fs.lstat(ctx.cwd, op))
            } else {
                ctx.fs.lstat(ctx.cwd, op)
            };
            match fctx_meta {
                Err(e) => {
                    ctx.error("ls", &format!("cannot access {}: {e}", sq(op)));
                    status = 2;
                }
                Ok(meta) => {
                    let item = make_item(ctx, op.clone(), op.clone(), meta);
                    if item.meta.is_dir() && !o.dir {
                        dirs.push(item);
                    } else {
                        files.push(item);
                    }
                }
            }
        }
        sort_items(&mut files, &o);
        sort_items(&mut dirs, &o);
        let mut out = String::new();
        let mut first = true;
        if !files.is_empty() {
            render(ctx, &o, &files, false, &mut out);
            first = false;
        }
        let show_header = ops.len() > 1 || o.recursive;
        let mut budget = NODE_CAP;
        let mut stack: Vec<Item> = dirs.into_iter().rev().collect();
        while let Some(d) = stack.pop() {
            if ctx.stdout.len() + out.len() > (1 << 22) || budget == 0 {
                break;
            }
            let fctx = ctx.fs_ctx();
            let entries = match ctx.fs.read_dir(ctx.cwd, &d.path, &fctx) {
                Ok(e) => e,
                Err(e) => {
                    ctx.stdout.write_str(&std::mem::take(&mut out));
                    ctx.error("ls", &format!("cannot open directory {}: {e}", sq(&d.name)));
                    status = 2;
                    continue;
                }
            };
            if show_header {
                if !first {
                    out.push('\n');
                }
                out.push_str(&d.name);
                out.push_str(":\n");
            }
            first = false;
            let mut items = Vec::new();
            if o.all {
                for n in [".", ".."] {
                    let p = format!("{}/{n}", d.path);
                    if let Ok(m) = ctx.fs.stat(ctx.cwd, &p) {
                        items.push(make_item(ctx, n.into(), p, m));
                    }
                }
            }
            for e in entries.into_iter().take(budget) {
                if e.name.starts_with('.') && !(o.all || o.almost) {
                    continue;
                }
                let p = join(&d.path, &e.name);
                items.push(make_item(ctx, e.name, p, e.meta));
            }
            budget = budget.saturating_sub(items.len());
            sort_items(&mut items, &o);
            render(ctx, &o, &items, true, &mut out);
            if o.recursive {
                for it in items.iter().rev() {
                    if it.meta.is_dir() && it.name != "." && it.name != ".." {
                        let m = it.meta.clone();
                        stack.push(Item {
                            name: join(&d.name, &it.name),
                            path: it.path.clone(),
                            meta: m,
                            target: None,
                        });
                    }
                }
            }
        }
        ctx.stdout.write_str(&out);
        status
    }
}

fn join(dir: &str, name: &str) -> String {
    if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

fn make_item(ctx: &CmdCtx<'_>, name: String, path: String, meta: Meta) -> Item {
    let target = if meta.kind == FileType::Symlink {
        ctx.fs.read_link(ctx.cwd, &path).ok()
    } else {
        None
    };
    Item {
        name,
        path,
        meta,
        target,
    }
}

fn sort_items(items: &mut [Item], o: &Opts) {
    match o.sort {
        Sort::None => {}
        Sort::Name => items.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes())),
        Sort::Time => items.sort_by(|a, b| {
            b.meta
                .mtime
                .cmp(&a.meta.mtime)
                .then_with(|| a.name.as_bytes().cmp(b.name.as_bytes()))
        }),
        Sort::Size => items.sort_by(|a, b| {
            b.meta
                .size
                .cmp(&a.meta.size)
                .then_with(|| a.name.as_bytes().cmp(b.name.as_bytes()))
        }),
    }
    if o.reverse && o.sort != Sort::None {
        items.reverse();
    }
}

/// Allocated size in 1K blocks (estimated: 4K granularity, nothing for links and devices).
pub(crate) fn blocks_k(m: &Meta) -> u64 {
    match m.kind {
        FileType::File | FileType::Dir => m.size.div_ceil(4096) * 4,
        _ => 0,
    }
}

fn needs_quote(s: &str) -> bool {
    s.is_empty()
        || s.chars()
            .any(|c| c.is_control() || " \t'\"$`\\!*?[]{}()<>|&;#~=%^".contains(c))
}

fn indicator(m: &Meta) -> &'static str {
    match m.kind {
        FileType::Dir => "/",
        FileType::Symlink => "@",
        FileType::Fifo => "|",
        FileType::Socket => "=",
        FileType::File if m.mode & 0o111 != 0 => "*",
        _ => "",
    }
}

fn color_of(m: &Meta) -> Option<&'static str> {
    match m.kind {
        FileType::Dir if m.mode & 0o1002 == 0o1002 => Some("30;42"),
        FileType::Dir => Some("01;34"),
        FileType::Symlink => Some("01;36"),
        FileType::CharDevice | FileType::BlockDevice => Some("40;33;01"),
        FileType::File if m.mode & 0o4000 != 0 => Some("37;41"),
        FileType::File if m.mode & 0o111 != 0 => Some("01;32"),
        _ => None,
    }
}

/// The name as displayed (quoted, colored, with indicator) and its visible width.
fn display(o: &Opts, it: &Item, pad_quote: bool, long: bool) -> (String, usize) {
    let quoted = o.tty && needs_quote(&it.name);
    let shown = if quoted {
        sq(&it.name)
    } else {
        it.name.clone()
    };
    let lead = if pad_quote && !quoted { " " } else { "" };
    let ind = if o.classify && !(long && it.meta.kind == FileType::Symlink) {
        indicator(&it.meta)
    } else {
        ""
    };
    let width = lead.len() + shown.chars().count() + ind.len();
    let body = match color_of(&it.meta).filter(|_| o.color) {
        Some(c) => format!("\x1b[{c}m{shown}\x1b[0m"),
        None => shown,
    };
    (format!("{lead}{body}{ind}"), width)
}

fn render(ctx: &CmdCtx<'_>, o: &Opts, items: &[Item], is_dir: bool, out: &mut String) {
    let pad_quote = o.tty && items.iter().any(|i| needs_quote(&i.name));
    let ino_w = if o.inode {
        items
            .iter()
            .map(|i| i.meta.ino.to_string().len())
            .max()
            .unwrap_or(0)
    } else {
        0
    };
    let blk = |m: &Meta| {
        if o.human {
            human(blocks_k(m) * 1024)
        } else {
            blocks_k(m).to_string()
        }
    };
    let blk_w = if o.blocks {
        items.iter().map(|i| blk(&i.meta).len()).max().unwrap_or(0)
    } else {
        0
    };
    if is_dir && (o.layout == Layout::Long || o.blocks) {
        let total: u64 = items.iter().map(|i| blocks_k(&i.meta)).sum();
        let t = if o.human {
            human(total * 1024)
        } else {
            total.to_string()
        };
        out.push_str(&format!("total {t}\n"));
    }
    let prefix = |it: &Item| {
        let mut p = String::new();
        if o.inode {
            p.push_str(&format!("{:>ino_w$} ", it.meta.ino));
        }
        if o.blocks {
            p.push_str(&format!("{:>blk_w$} ", blk(&it.meta)));
        }
        p
    };
    if o.layout == Layout::Long {
        let owner = |m: &Meta| {
            if o.numeric {
                m.uid.to_string()
            } else {
                user_name(ctx, m.uid)
            }
        };
        let group = |m: &Meta| {
            if o.numeric {
                m.gid.to_string()
            } else {
                group_name(ctx, m.gid)
            }
        };
        let is_dev = |m: &Meta| matches!(m.kind, FileType::CharDevice | FileType::BlockDevice);
        let maj_w = items
            .iter()
            .filter(|i| is_dev(&i.meta))
            .map(|i| i.meta.rdev.0.to_string().len())
            .max();
        let min_w = items
            .iter()
            .filter(|i| is_dev(&i.meta))
            .map(|i| i.meta.rdev.1.to_string().len())
            .max()
            .unwrap_or(0);
        let size = |m: &Meta| match (is_dev(m), maj_w) {
            (true, Some(w)) => format!("{:>w$}, {:>min_w$}", m.rdev.0, m.rdev.1),
            _ if o.human => human(m.size),
            _ => m.size.to_string(),
        };
        let link_w = items
            .iter()
            .map(|i| i.meta.nlink.to_string().len())
            .max()
            .unwrap_or(1);
        let own_w = items
            .iter()
            .map(|i| owner(&i.meta).chars().count())
            .max()
            .unwrap_or(0);
        let grp_w = items
            .iter()
            .map(|i| group(&i.meta).chars().count())
            .max()
            .unwrap_or(0);
        let size_w = items.iter().map(|i| size(&i.meta).len()).max().unwrap_or(0);
        let now = ctx.now.unix_timestamp();
        for it in items {
            let m = &it.meta;
            out.push_str(&prefix(it));
            out.push_str(&format!("{} {:>link_w$} ", m.mode_string(), m.nlink));
            if !o.no_owner {
                out.push_str(&format!("{:<own_w$} ", owner(m)));
            }
            if !o.no_group {
                out.push_str(&format!("{:<grp_w$} ", group(m)));
            }
            out.push_str(&format!("{:>size_w$} {} ", size(m), ls_time(m.mtime, now)));
            out.push_str(&display(o, it, pad_quote, true).0);
            if let Some(t) = &it.target {
                out.push_str(" -> ");
                out.push_str(t);
            }
            out.push('\n');
        }
        return;
    }
    let cells: Vec<(String, usize)> = items
        .iter()
        .map(|it| {
            let p = prefix(it);
            let (d, w) = display(o, it, pad_quote, false);
            (format!("{p}{d}"), w + p.len())
        })
        .collect();
    if o.layout == Layout::One {
        for (c, _) in &cells {
            out.push_str(c);
            out.push('\n');
        }
        return;
    }
    columns(
        &cells,
        usize::try_from(ctx.session.cols).unwrap_or(80).max(1),
        o.layout == Layout::Across,
        out,
    );
}

/// GNU's `ls -C`/`-x` layout: the most columns whose line stays under the width.
fn columns(cells: &[(String, usize)], width: usize, across: bool, out: &mut String) {
    let n = cells.len();
    if n == 0 {
        return;
    }
    let max_cols = (width / 3).clamp(1, n);
    let mut best: (usize, Vec<usize>) = (1, vec![cells.iter().map(|c| c.1).max().unwrap_or(0)]);
    for cols in (1..=max_cols).rev() {
        let rows = n.div_ceil(cols);
        let mut widths = vec![0usize; cols];
        for (i, (_, w)) in cells.iter().enumerate() {
            let col = if across { i % cols } else { i / rows };
            let real = w + if col + 1 == cols { 0 } else { 2 };
            if let Some(slot) = widths.get_mut(col) {
                *slot = (*slot).max(real).max(3);
            }
        }
        let total: usize = widths.iter().sum();
        if total < width || cols == 1 {
            best = (cols, widths);
            break;
        }
    }
    let (cols, widths) = best;
    let rows = n.div_ceil(cols);
    for r in 0..rows {
        let mut pos = 0usize;
        let mut col = 0usize;
        loop {
            let idx = if across {
                r * cols + col
            } else {
                r + col * rows
            };
            let Some((text, w)) = cells.get(idx) else {
                break;
            };
            out.push_str(text);
            let cw = widths.get(col).copied().unwrap_or(0);
            let next = if across {
                r * cols + col + 1
            } else {
                idx + rows
            };
            if col + 1 >= cols || next >= n {
                break;
            }
            let (mut from, to) = (pos + w, pos + cw);
            while from < to {
                if to / 8 > (from + 1) / 8 {
                    out.push('\t');
                    from += 8 - from % 8;
                } else {
                    out.push(' ');
                    from += 1;
                }
            }
            pos += cw;
            col += 1;
        }
        out.push('\n');
    }
}

/// `Nov 21 12:34` for recent times, `Jan  2  2020` for older or future ones.
pub(crate) fn ls_time(t: i64, now: i64) -> String {
    let d = utc(t);
    let recent = t > now - 31_556_952 / 2 && t <= now;
    if recent {
        format!(
            "{} {:>2} {:02}:{:02}",
            month_abbr(d),
            d.day(),
            d.hour(),
            d.minute()
        )
    } else {
        format!("{} {:>2}  {}", month_abbr(d), d.day(), d.year())
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run, run_in};
    use crate::persona::Persona;

    fn setup() -> (Persona, miragepot_vfs::Fs) {
        let p = Persona::debian12();
        let mut fs = p.new_fs();
        for (cmd, args) in [
            ("mkdir", vec!["-p", "/tmp/d/sub"]),
            ("touch", vec!["/tmp/d/a b", "/tmp/d/old"]),
            ("touch", vec!["-d", "2020-01-02 03:04", "/tmp/d/old"]),
            ("ln", vec!["-s", "/etc/passwd", "/tmp/d/lnk"]),
            ("chmod", vec!["755", "/tmp/d/a b"]),
        ] {
            run_in(&p, &mut fs, cmd, &args, "/", b"");
        }
        (p, fs)
    }

    #[test]
    fn long_format() {
        let (p, mut fs) = setup();
        let r = run_in(&p, &mut fs, "ls", &["-l", "/tmp/d"], "/", b"");
        assert_eq!(
            r.stdout,
            "total 4\n-rwxr-xr-x 1 root root    0 Nov 21 13:00 'a b'\nlrwxrwxrwx 1 root root   11 Nov 21 13:00  lnk -> /etc/passwd\n-rw-r--r-- 1 root root    0 Jan  2  2020  old\ndrwxr-xr-x 2 root root 4096 Nov 21 13:00  sub\n"
        );
        let r = run_in(&p, &mut fs, "ls", &["-F", "/tmp/d"], "/", b"");
        assert_eq!(r.stdout, "'a b'*\t lnk@   old   sub/\n");
        let r = run_in(&p, &mut fs, "ls", &["-R", "/tmp/d"], "/", b"");
        assert_eq!(
            r.stdout,
            "/tmp/d:\n'a b'   lnk   old   sub\n\n/tmp/d/sub:\n"
        );
    }

    #[test]
    fn errors_devices_and_columns() {
        let r = run("ls", &["/nope", "/etc/hostname"], "/", b"");
        assert_eq!(
            r.stderr,
            "ls: cannot access '/nope': No such file or directory\n"
        );
        assert_eq!((r.stdout.as_str(), r.code), ("/etc/hostname\n", 2));
        let r = run("ls", &["-l", "/dev/null", "/dev/zero"], "/", b"");
        assert!(
            r.stdout.starts_with("crw-rw-rw- 1 root root 1, 3 "),
            "{}",
            r.stdout
        );
        let r = run("ls", &["-ld", "/tmp"], "/", b"");
        assert!(r.stdout.starts_with("drwxrwxrwt "), "{}", r.stdout);
        let r = run("ls", &["/"], "/", b"");
        assert!(
            r.stdout.starts_with("bin   dev  home  lib64\tmnt"),
            "{}",
            r.stdout
        );
        assert!(r.stdout.lines().all(|l| l.len() < 80));
        let r = run("ls", &["-z"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "ls: invalid option -- 'z'\nTry 'ls --help' for more information.\n",
                2
            )
        );
        let r = run("ls", &["-a", "/root"], "/", b"");
        assert!(
            r.stdout.starts_with(".  ..  .bashrc\t.profile"),
            "{}",
            r.stdout
        );
    }
}
