//! `ls` and `dir`: list directory contents (coreutils 9.1, `LC_ALL=C.UTF-8` byte-order
//! sorting). `dir` is the same program with columns and `-b` escapes as its defaults.
//!
//! Every option of GNU ls 9.1 is accepted (same short letters and long names, so unknown
//! ones are refused exactly as GNU does). Emulated: `-l -g -o -n -G --author -Z`, `-a -A -B
//! -I --hide`, `-h --si -k --block-size -s -i`, `-d -R -L -H`, layouts `-1 -C -x -m
//! --format` (GNU's vertical column algorithm with tab stops, for the terminal width, `-w`,
//! `$COLUMNS` or 80; one name per line when stdout is not a terminal), sorting `-t -S -U -X
//! -v -f -r --sort --group-directories-first`, times `-c -u --time --time-style
//! --full-time` (recent/old formats: six months), indicators `-F -p --file-type
//! --indicator-style`, quoting `-N -Q -b -q --quoting-style` (shell-escape quoting on a
//! terminal), `--color[=WHEN]` (no color unless asked, `auto` on a terminal), `--zero`,
//! owner and group names from the persona, `name -> target` for symlinks, `maj, min` for
//! devices, errors with exit status 2 (1 for bad `--sort=`-style words, as GNU).
//! Known gaps: block counts are estimated from sizes (4K granularity), `--dired`,
//! `--hyperlink` and `LS_COLORS` have no effect, `-v` is a plain natural sort, display
//! width assumes one column per char.

mod format;
mod options;

use std::cmp::Ordering;

use miragepot_vfs::{FileType, Meta};

use super::util::sq;
use super::{CmdCtx, Command};
pub(crate) use format::{blocks_k, ls_time};

/// `ls`.
pub struct Ls;

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Sort {
    #[default]
    Name,
    Time,
    Size,
    None,
    Extension,
    Version,
    Width,
}

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Layout {
    #[default]
    Columns,
    Across,
    One,
    Long,
    Commas,
}

/// Which entries are left out: dot files (default), only `.` and `..` (`-A`), none (`-a`).
#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Hidden {
    #[default]
    Dots,
    Almost,
    All,
}

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Indicator {
    #[default]
    None,
    Slash,
    FileType,
    Classify,
}

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum TimeField {
    #[default]
    Modify,
    Access,
    Change,
    Birth,
}

#[derive(Default, Clone, PartialEq, Eq)]
enum TimeStyle {
    #[default]
    Locale,
    FullIso,
    LongIso,
    Iso,
    /// `+FORMAT` (recent and old formats, split at a newline).
    Custom(String, String),
}

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Quoting {
    #[default]
    Literal,
    /// shell-escape: quoted only when needed.
    Shell,
    ShellAlways,
    C,
    Escape,
}

#[derive(Default)]
struct Opts {
    /// `ls` or `dir`, for messages.
    prog: &'static str,
    layout: Layout,
    hidden: Hidden,
    /// `Some(1024)` for `-h`, `Some(1000)` for `--si`.
    human: Option<u64>,
    /// `--block-size`: the unit and the suffix to print.
    block_size: Option<(u64, String)>,
    dir: bool,
    recursive: bool,
    sort: Sort,
    reverse: bool,
    group_dirs: bool,
    inode: bool,
    numeric: bool,
    indicator: Indicator,
    color: bool,
    blocks: bool,
    no_owner: bool,
    no_group: bool,
    author: bool,
    context: bool,
    quoting: Quoting,
    hide_control: bool,
    time: TimeField,
    time_style: TimeStyle,
    /// Line width for the column formats (0: unlimited).
    width: usize,
    tabsize: usize,
    ignore: Vec<Vec<char>>,
    hide: Vec<Vec<char>>,
    deref: bool,
    deref_cmdline: bool,
    zero: bool,
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
        match options::parse(ctx, args, "ls") {
            Ok((o, ops)) => list(ctx, &o, ops),
            Err(code) => code,
        }
    }
}

/// `dir`: GNU's `ls -C -b` (the same program, another default format and quoting).
pub struct Dir;

impl Command for Dir {
    fn name(&self) -> &'static str {
        "dir"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/dir"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        match options::parse(ctx, args, "dir") {
            Ok((o, ops)) => list(ctx, &o, ops),
            Err(code) => code,
        }
    }
}

/// Lists the operands (`.` by default) and, with `-R`, the directories below them.
fn list(ctx: &mut CmdCtx<'_>, o: &Opts, mut ops: Vec<String>) -> i32 {
    if ops.is_empty() {
        ops.push(".".into());
    }
    let mut status = 0;
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    let follow = o.deref
        || o.deref_cmdline
        || !(o.dir || o.layout == Layout::Long || o.indicator == Indicator::Classify);
    for op in &ops {
        let meta = if follow {
            ctx.fs
                .stat(ctx.cwd, op)
                .or_else(|_| ctx.fs.lstat(ctx.cwd, op))
        } else {
            ctx.fs.lstat(ctx.cwd, op)
        };
        match meta {
            Err(e) => {
                ctx.error(o.prog, &format!("cannot access {}: {e}", sq(op)));
                status = 2;
            }
            Ok(meta) => {
                let item = make_item(ctx, o, op.clone(), op.clone(), meta);
                if item.meta.is_dir() && !o.dir {
                    dirs.push(item);
                } else {
                    files.push(item);
                }
            }
        }
    }
    sort_items(&mut files, o);
    sort_items(&mut dirs, o);
    let mut out = String::new();
    let mut first = true;
    if !files.is_empty() {
        format::render(ctx, o, &files, false, &mut out);
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
                ctx.stdout.write_str(&finish(o, std::mem::take(&mut out)));
                let msg = format!("cannot open directory {}: {e}", sq(&d.name));
                ctx.error(o.prog, &msg);
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
        if o.hidden == Hidden::All {
            for n in [".", ".."] {
                let p = format!("{}/{n}", d.path);
                if let Ok(m) = ctx.fs.stat(ctx.cwd, &p) {
                    items.push(make_item(ctx, o, n.into(), p, m));
                }
            }
        }
        for e in entries.into_iter().take(budget) {
            if format::hidden(o, &e.name) {
                continue;
            }
            let p = join(&d.path, &e.name);
            let meta = if o.deref {
                ctx.fs.stat(ctx.cwd, &p).unwrap_or(e.meta)
            } else {
                e.meta
            };
            items.push(make_item(ctx, o, e.name, p, meta));
        }
        budget = budget.saturating_sub(items.len());
        sort_items(&mut items, o);
        format::render(ctx, o, &items, true, &mut out);
        if o.recursive {
            for it in items.iter().rev() {
                if it.meta.is_dir() && it.name != "." && it.name != ".." {
                    stack.push(Item {
                        name: join(&d.name, &it.name),
                        path: it.path.clone(),
                        meta: it.meta.clone(),
                        target: None,
                    });
                }
            }
        }
    }
    ctx.stdout.write_str(&finish(o, out));
    status
}

/// `--zero` ends lines with NUL.
fn finish(o: &Opts, out: String) -> String {
    if o.zero { out.replace('\n', "\0") } else { out }
}

fn join(dir: &str, name: &str) -> String {
    if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

fn make_item(ctx: &CmdCtx<'_>, o: &Opts, name: String, path: String, meta: Meta) -> Item {
    let target = if meta.kind == FileType::Symlink && o.layout == Layout::Long {
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

fn time_of(o: &Opts, m: &Meta) -> i64 {
    match o.time {
        TimeField::Modify => m.mtime,
        TimeField::Access => m.atime,
        TimeField::Change | TimeField::Birth => m.ctime,
    }
}

fn extension(name: &str) -> &str {
    name.rfind('.').and_then(|i| name.get(i..)).unwrap_or("")
}

/// A natural order: runs of digits compare as numbers (`file2` before `file10`).
fn version_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.first(), y.first()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let xe = x
                    .iter()
                    .position(|b| !b.is_ascii_digit())
                    .unwrap_or(x.len());
                let ye = y
                    .iter()
                    .position(|b| !b.is_ascii_digit())
                    .unwrap_or(y.len());
                let (xn, xr) = x.split_at(xe);
                let (yn, yr) = y.split_at(ye);
                let strip = |n: &[u8]| -> Vec<u8> {
                    n.iter().copied().skip_while(|b| *b == b'0').collect()
                };
                let (xs, ys) = (strip(xn), strip(yn));
                let ord = xs.len().cmp(&ys.len()).then_with(|| xs.cmp(&ys));
                if ord != Ordering::Equal {
                    return ord;
                }
                (x, y) = (xr, yr);
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(d);
                }
                (x, y) = (x.get(1..).unwrap_or(&[]), y.get(1..).unwrap_or(&[]));
            }
        }
    }
}

fn sort_items(items: &mut [Item], o: &Opts) {
    let by_name = |a: &Item, b: &Item| a.name.as_bytes().cmp(b.name.as_bytes());
    match o.sort {
        Sort::None => {}
        Sort::Name => items.sort_by(by_name),
        Sort::Time => items.sort_by(|a, b| {
            time_of(o, &b.meta)
                .cmp(&time_of(o, &a.meta))
                .then_with(|| by_name(a, b))
        }),
        Sort::Size => {
            items.sort_by(|a, b| b.meta.size.cmp(&a.meta.size).then_with(|| by_name(a, b)))
        }
        Sort::Extension => items.sort_by(|a, b| {
            extension(&a.name)
                .as_bytes()
                .cmp(extension(&b.name).as_bytes())
                .then_with(|| by_name(a, b))
        }),
        Sort::Version => items.sort_by(|a, b| version_cmp(&a.name, &b.name)),
        Sort::Width => items.sort_by(|a, b| {
            a.name
                .chars()
                .count()
                .cmp(&b.name.chars().count())
                .then_with(|| by_name(a, b))
        }),
    }
    if o.reverse && o.sort != Sort::None {
        items.reverse();
    }
    if o.group_dirs {
        items.sort_by_key(|i| !i.meta.is_dir());
    }
}

#[cfg(test)]
mod tests;
