//! `ls` output: name quoting, indicators and colors, the long format, and the `-C`/`-x`/`-m`
//! layouts of GNU ls 9.1.

use miragepot_vfs::{FileType, Meta};

use super::{Hidden, Indicator, Item, Layout, Opts, Quoting, TimeField, TimeStyle};
use crate::commands::CmdCtx;
use crate::commands::date::strftime;
use crate::commands::util::{group_name, human_base, month_abbr, user_name, utc};

/// Allocated size in 1K blocks (estimated: 4K granularity, nothing for links and devices).
pub(crate) fn blocks_k(m: &Meta) -> u64 {
    match m.kind {
        FileType::File | FileType::Dir => m.size.div_ceil(4096) * 4,
        _ => 0,
    }
}

/// `Nov 21 12:34` for recent times, `Jan  2  2020` for older or future ones.
pub(crate) fn ls_time(t: i64, now: i64) -> String {
    let d = utc(t);
    if recent(t, now) {
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

/// Within the last six months and not in the future.
fn recent(t: i64, now: i64) -> bool {
    t > now - 31_556_952 / 2 && t <= now
}

/// A time in the chosen `--time-style`.
fn styled_time(style: &TimeStyle, t: i64, now: i64) -> String {
    let d = utc(t);
    match style {
        TimeStyle::Locale => ls_time(t, now),
        TimeStyle::FullIso => strftime("%Y-%m-%d %H:%M:%S.%N %z", d),
        TimeStyle::LongIso => strftime("%Y-%m-%d %H:%M", d),
        TimeStyle::Iso if recent(t, now) => strftime("%m-%d %H:%M", d),
        TimeStyle::Iso => strftime("%Y-%m-%d ", d),
        TimeStyle::Custom(new, _) if recent(t, now) => strftime(new, d),
        TimeStyle::Custom(_, old) => strftime(old, d),
    }
}

/// Human-readable size in powers of 1024 (`-h`) or 1000 (`--si`, lower-case `k`).
fn human_size(n: u64, base: u64) -> String {
    human_base(n, base != 1024)
}

/// A byte count as `-s`/`total`/`-l` show it under `-h`, `--si` or `--block-size`.
fn scaled(o: &Opts, bytes: u64, plain: impl Fn() -> String) -> String {
    match (&o.human, &o.block_size) {
        (Some(base), _) => human_size(bytes, *base),
        (None, Some((unit, suffix))) => format!("{}{suffix}", bytes.div_ceil((*unit).max(1))),
        (None, None) => plain(),
    }
}

fn blocks_str(o: &Opts, m: &Meta) -> String {
    scaled(o, blocks_k(m) * 1024, || blocks_k(m).to_string())
}

/// The name as `ls` shows it under the quoting style, and whether it got quoted.
fn quote_name(o: &Opts, name: &str) -> (String, bool) {
    let hide = |c: char| {
        if o.hide_control && c.is_control() {
            '?'
        } else {
            c
        }
    };
    match o.quoting {
        Quoting::Literal => (name.chars().map(hide).collect(), false),
        Quoting::Shell | Quoting::ShellAlways => {
            let special = name.is_empty()
                || name
                    .chars()
                    .any(|c| c.is_control() || " \t'\"$`\\!*?[]{}()<>|&;#~=%^".contains(c));
            if !special && o.quoting == Quoting::Shell {
                return (name.to_string(), false);
            }
            (shell_quote(name), true)
        }
        Quoting::C => (format!("\"{}\"", c_escape(name, false)), true),
        Quoting::Escape => (c_escape(name, true), false),
    }
}

/// shell-escape quoting: `'a b'`, `"it's"`, `'a'$'\n''b'`.
fn shell_quote(name: &str) -> String {
    if !name.chars().any(char::is_control) {
        return if name.contains('\'') && !name.contains(['"', '$', '`', '\\', '!']) {
            format!("\"{name}\"")
        } else {
            format!("'{}'", name.replace('\'', "'\\''"))
        };
    }
    let mut out = String::new();
    let mut run = String::new();
    for c in name.chars() {
        if c.is_control() {
            if !run.is_empty() {
                out.push_str(&format!("'{}'", run.replace('\'', "'\\''")));
                run.clear();
            }
            out.push_str(&format!("$'{}'", c_escape(&c.to_string(), false)));
        } else {
            run.push(c);
        }
    }
    if !run.is_empty() {
        out.push_str(&format!("'{}'", run.replace('\'', "'\\''")));
    }
    out
}

/// C-style escapes (`\n`, `\t`, `\"`, `\\`, `\ooo`); `escape` style also escapes spaces.
fn c_escape(name: &str, escape_style: bool) -> String {
    let mut out = String::new();
    for c in name.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0b' => out.push_str("\\v"),
            '\x0c' => out.push_str("\\f"),
            '\\' => out.push_str("\\\\"),
            '"' if !escape_style => out.push_str("\\\""),
            ' ' if escape_style => out.push_str("\\ "),
            c if c.is_control() => out.push_str(&format!("\\{:03o}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

fn indicator(o: &Opts, m: &Meta) -> &'static str {
    match (o.indicator, m.kind) {
        (Indicator::None, _) => "",
        (_, FileType::Dir) => "/",
        (Indicator::Slash, _) => "",
        (_, FileType::Symlink) => "@",
        (_, FileType::Fifo) => "|",
        (_, FileType::Socket) => "=",
        (Indicator::Classify, FileType::File) if m.mode & 0o111 != 0 => "*",
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
    let (shown, quoted) = quote_name(o, &it.name);
    let lead = if pad_quote && !quoted { " " } else { "" };
    let ind = if long && it.meta.kind == FileType::Symlink {
        ""
    } else {
        indicator(o, &it.meta)
    };
    let width = lead.len() + shown.chars().count() + ind.len();
    let body = match color_of(&it.meta).filter(|_| o.color) {
        Some(c) => format!("\x1b[{c}m{shown}\x1b[0m"),
        None => shown,
    };
    (format!("{lead}{body}{ind}"), width)
}

/// Renders one list of items (a directory's entries, or the file operands) into `out`.
pub(super) fn render(ctx: &CmdCtx<'_>, o: &Opts, items: &[Item], is_dir: bool, out: &mut String) {
    // GNU aligns unquoted names with quoted ones in the long and column formats only.
    let aligned = match o.layout {
        Layout::Long => true,
        Layout::Columns | Layout::Across => o.width > 0,
        Layout::One | Layout::Commas => false,
    };
    let pad_quote = aligned
        && matches!(o.quoting, Quoting::Shell)
        && items.iter().any(|i| quote_name(o, &i.name).1);
    let width_of = |f: &dyn Fn(&Item) -> String| items.iter().map(|i| f(i).len()).max();
    let ino_w = width_of(&|i| i.meta.ino.to_string()).unwrap_or(0);
    let blk_w = width_of(&|i| blocks_str(o, &i.meta)).unwrap_or(0);
    if is_dir && (o.layout == Layout::Long || o.blocks) {
        let total: u64 = items.iter().map(|i| blocks_k(&i.meta)).sum();
        let t = scaled(o, total * 1024, || total.to_string());
        out.push_str(&format!("total {t}\n"));
    }
    let prefix = |it: &Item| {
        let mut p = String::new();
        if o.inode {
            p.push_str(&format!("{:>ino_w$} ", it.meta.ino));
        }
        if o.blocks {
            p.push_str(&format!("{:>blk_w$} ", blocks_str(o, &it.meta)));
        }
        if o.context && o.layout != Layout::Long {
            p.push_str("? ");
        }
        p
    };
    if o.layout == Layout::Long {
        long_listing(ctx, o, items, pad_quote, &prefix, out);
        return;
    }
    let cells: Vec<(String, usize)> = items
        .iter()
        .map(|it| {
            let p = prefix(it);
            let (d, w) = display(o, it, pad_quote, false);
            (format!("{p}{d}"), w + p.chars().count())
        })
        .collect();
    match o.layout {
        Layout::One | Layout::Long => {
            for (c, _) in &cells {
                out.push_str(c);
                out.push('\n');
            }
        }
        Layout::Commas => commas(&cells, o.width, out),
        Layout::Columns | Layout::Across => {
            columns(&cells, o.width, o.tabsize, o.layout == Layout::Across, out)
        }
    }
}

fn long_listing(
    ctx: &CmdCtx<'_>,
    o: &Opts,
    items: &[Item],
    pad_quote: bool,
    prefix: &dyn Fn(&Item) -> String,
    out: &mut String,
) {
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
    let devs = || items.iter().filter(|i| is_dev(&i.meta));
    let maj_w = devs().map(|i| i.meta.rdev.0.to_string().len()).max();
    let min_w = devs()
        .map(|i| i.meta.rdev.1.to_string().len())
        .max()
        .unwrap_or(0);
    let size = |m: &Meta| match (is_dev(m), maj_w) {
        (true, Some(w)) => format!("{:>w$}, {:>min_w$}", m.rdev.0, m.rdev.1),
        _ => scaled(o, m.size, || m.size.to_string()),
    };
    let max_w = |f: &dyn Fn(&Meta) -> String| {
        items
            .iter()
            .map(|i| f(&i.meta).chars().count())
            .max()
            .unwrap_or(0)
    };
    let link_w = max_w(&|m| m.nlink.to_string());
    let own_w = max_w(&owner);
    let grp_w = max_w(&group);
    let size_w = max_w(&size);
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
        if o.author {
            out.push_str(&format!("{:<own_w$} ", owner(m)));
        }
        if o.context {
            out.push_str("? ");
        }
        let t = match o.time {
            TimeField::Modify => m.mtime,
            TimeField::Access => m.atime,
            TimeField::Change | TimeField::Birth => m.ctime,
        };
        out.push_str(&format!(
            "{:>size_w$} {} ",
            size(m),
            styled_time(&o.time_style, t, now)
        ));
        out.push_str(&display(o, it, pad_quote, true).0);
        if let Some(t) = &it.target {
            out.push_str(" -> ");
            out.push_str(&quote_name(o, t).0);
        }
        out.push('\n');
    }
}

/// `-m`: names separated by `, `, wrapped before the line would reach `width` (0: never).
fn commas(cells: &[(String, usize)], width: usize, out: &mut String) {
    let mut pos = 0usize;
    for (i, (text, w)) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
            if width == 0 || pos + w + 2 < width {
                out.push(' ');
                pos += 2;
            } else {
                out.push('\n');
                pos = 0;
            }
        }
        out.push_str(text);
        pos += w;
    }
    if !cells.is_empty() {
        out.push('\n');
    }
}

/// GNU's `ls -C`/`-x` layout: the most columns whose line stays under the width, padded
/// with tabs every `tab` columns (0: spaces only).
fn columns(cells: &[(String, usize)], width: usize, tab: usize, across: bool, out: &mut String) {
    let n = cells.len();
    if n == 0 {
        return;
    }
    let max_cols = if width == 0 {
        n
    } else {
        (width / 3).clamp(1, n)
    };
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
        if width == 0 || total < width || cols == 1 {
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
                if tab > 0 && to / tab > (from + 1) / tab {
                    out.push('\t');
                    from += tab - from % tab;
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

/// Whether a directory entry is left out of the listing (`-a`/`-A`, `-I`, `-B`, `--hide`).
pub(super) fn hidden(o: &Opts, name: &str) -> bool {
    let chars: Vec<char> = name.chars().collect();
    let matches = |pats: &[Vec<char>]| pats.iter().any(|p| crate::commands::find::glob(p, &chars));
    (name.starts_with('.') && o.hidden == Hidden::Dots)
        || matches(&o.ignore)
        || (o.hidden == Hidden::Dots && matches(&o.hide))
}
