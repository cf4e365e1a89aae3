//! `ls` option parsing: GNU ls 9.1's option table and the checks of option values.

use super::{Hidden, Indicator, Layout, Opts, Quoting, Sort, TimeField, TimeStyle};
use crate::commands::CmdCtx;
use crate::commands::util::{Val, argmatch, getopt, q, to_usize, usage};

// Keys of the long-only options.
const FULL_TIME: char = '\u{e000}';
const GROUP_DIRS: char = '\u{e001}';
const FILE_TYPE: char = '\u{e002}';
const SI: char = '\u{e003}';
const DEREF_DIR: char = '\u{e004}';
const HIDE: char = '\u{e005}';
const INDICATOR: char = '\u{e006}';
const QUOTING: char = '\u{e007}';
const FORMAT: char = '\u{e008}';
const SHOW_CONTROL: char = '\u{e009}';
const SORT: char = '\u{e00a}';
const TIME: char = '\u{e00b}';
const TIME_STYLE: char = '\u{e00c}';
const ZERO: char = '\u{e00d}';
const COLOR: char = '\u{e00e}';
const HYPERLINK: char = '\u{e00f}';
const BLOCK_SIZE: char = '\u{e010}';
const AUTHOR: char = '\u{e011}';

/// GNU ls 9.1's long options, in its table order (which ambiguity messages follow).
const LONG: &[(&str, char, Val)] = &[
    ("all", 'a', Val::No),
    ("escape", 'b', Val::No),
    ("directory", 'd', Val::No),
    ("dired", 'D', Val::No),
    ("full-time", FULL_TIME, Val::No),
    ("group-directories-first", GROUP_DIRS, Val::No),
    ("human-readable", 'h', Val::No),
    ("inode", 'i', Val::No),
    ("kibibytes", 'k', Val::No),
    ("numeric-uid-gid", 'n', Val::No),
    ("no-group", 'G', Val::No),
    ("hide-control-chars", 'q', Val::No),
    ("reverse", 'r', Val::No),
    ("size", 's', Val::No),
    ("width", 'w', Val::Req),
    ("almost-all", 'A', Val::No),
    ("ignore-backups", 'B', Val::No),
    ("classify", 'F', Val::Opt),
    ("file-type", FILE_TYPE, Val::No),
    ("si", SI, Val::No),
    ("dereference-command-line", 'H', Val::No),
    (
        "dereference-command-line-symlink-to-dir",
        DEREF_DIR,
        Val::No,
    ),
    ("hide", HIDE, Val::Req),
    ("ignore", 'I', Val::Req),
    ("indicator-style", INDICATOR, Val::Req),
    ("dereference", 'L', Val::No),
    ("literal", 'N', Val::No),
    ("quote-name", 'Q', Val::No),
    ("quoting-style", QUOTING, Val::Req),
    ("recursive", 'R', Val::No),
    ("format", FORMAT, Val::Req),
    ("show-control-chars", SHOW_CONTROL, Val::No),
    ("sort", SORT, Val::Req),
    ("tabsize", 'T', Val::Req),
    ("time", TIME, Val::Req),
    ("time-style", TIME_STYLE, Val::Req),
    ("zero", ZERO, Val::No),
    ("color", COLOR, Val::Opt),
    ("hyperlink", HYPERLINK, Val::Opt),
    ("block-size", BLOCK_SIZE, Val::Req),
    ("context", 'Z', Val::No),
    ("author", AUTHOR, Val::No),
];

const WHEN: &[&[&str]] = &[
    &["always", "yes", "force"],
    &["never", "no", "none"],
    &["auto", "tty", "if-tty"],
];

/// Parses the options into [`Opts`] and the operands; `Err` carries the exit status after
/// the error was printed. `prog` is `ls`, or `dir` (GNU's `ls -C -b`: columns and escapes
/// whatever stdout is).
pub(super) fn parse(
    ctx: &mut CmdCtx<'_>,
    args: &[String],
    prog: &'static str,
) -> Result<(Opts, Vec<String>), i32> {
    let (opts, ops) = getopt(args, "abcdfghiklmnopqrstuvw:xABCDFGHI:LNQRST:UXZ1", LONG)
        .map_err(|e| usage(ctx, prog, &e, 2))?;
    let tty = ctx.stdout_is_tty;
    let dir = prog == "dir";
    let columns = if tty || dir {
        Layout::Columns
    } else {
        Layout::One
    };
    let mut o = Opts {
        prog,
        layout: columns,
        quoting: if dir {
            Quoting::Escape
        } else if tty {
            Quoting::Shell
        } else {
            Quoting::Literal
        },
        hide_control: tty && !dir,
        tabsize: 8,
        ..Opts::default()
    };
    let mut width: Option<usize> = None;
    let mut format_set = false;
    let mut sort_set = false;
    let mut time_style: Option<String> = None;
    let when = |ctx: &mut CmdCtx<'_>, opt: &str, v: Option<&str>| match v {
        None => Ok(true),
        Some(v) => match argmatch(ctx, prog, opt, v, WHEN) {
            Some(0) => Ok(true),
            Some(1) => Ok(false),
            Some(_) => Ok(tty),
            None => Err(1),
        },
    };
    for (c, v) in opts {
        let v = v.as_deref();
        match c {
            'a' => o.hidden = Hidden::All,
            'A' => o.hidden = Hidden::Almost,
            'b' => o.quoting = Quoting::Escape,
            'c' => o.time = TimeField::Change,
            'u' => o.time = TimeField::Access,
            'd' => o.dir = true,
            'f' => {
                (o.hidden, o.sort, sort_set) = (Hidden::All, Sort::None, true);
                if o.layout == Layout::Long {
                    o.layout = columns;
                }
                (o.blocks, o.color) = (false, false);
            }
            'F' if when(ctx, "--classify", v)? => o.indicator = Indicator::Classify,
            'p' => o.indicator = Indicator::Slash,
            FILE_TYPE => o.indicator = Indicator::FileType,
            INDICATOR => {
                let groups: &[&[&str]] = &[&["none"], &["slash"], &["file-type"], &["classify"]];
                o.indicator =
                    match argmatch(ctx, prog, "--indicator-style", v.unwrap_or(""), groups) {
                        Some(0) => Indicator::None,
                        Some(1) => Indicator::Slash,
                        Some(2) => Indicator::FileType,
                        Some(_) => Indicator::Classify,
                        None => return Err(1),
                    };
            }
            'g' => (o.layout, o.no_owner, format_set) = (Layout::Long, true, true),
            'o' => (o.layout, o.no_group, format_set) = (Layout::Long, true, true),
            'n' => (o.layout, o.numeric, format_set) = (Layout::Long, true, true),
            'l' => (o.layout, format_set) = (Layout::Long, true),
            'G' => o.no_group = true,
            AUTHOR => o.author = true,
            'Z' => o.context = true,
            'h' => (o.human, o.block_size) = (Some(1024), None),
            SI => (o.human, o.block_size) = (Some(1000), None),
            'k' => (o.human, o.block_size) = (None, None),
            BLOCK_SIZE => {
                let v = v.unwrap_or("");
                let Some(bs) = block_size(v) else {
                    ctx.error(prog, &format!("invalid --block-size argument '{v}'"));
                    return Err(2);
                };
                (o.human, o.block_size) = (None, Some(bs));
            }
            'i' => o.inode = true,
            's' => o.blocks = true,
            'r' => o.reverse = true,
            'R' => o.recursive = true,
            '1' if o.layout != Layout::Long => (o.layout, format_set) = (Layout::One, true),
            'C' => (o.layout, format_set) = (Layout::Columns, true),
            'x' => (o.layout, format_set) = (Layout::Across, true),
            'm' => (o.layout, format_set) = (Layout::Commas, true),
            FORMAT => {
                let groups: &[&[&str]] = &[
                    &["verbose", "long"],
                    &["commas"],
                    &["horizontal", "across"],
                    &["vertical"],
                    &["single-column"],
                ];
                o.layout = match argmatch(ctx, prog, "--format", v.unwrap_or(""), groups) {
                    Some(0) => Layout::Long,
                    Some(1) => Layout::Commas,
                    Some(2) => Layout::Across,
                    Some(3) => Layout::Columns,
                    Some(_) => Layout::One,
                    None => return Err(1),
                };
                format_set = true;
            }
            't' => (o.sort, sort_set) = (Sort::Time, true),
            'S' => (o.sort, sort_set) = (Sort::Size, true),
            'U' => (o.sort, sort_set) = (Sort::None, true),
            'X' => (o.sort, sort_set) = (Sort::Extension, true),
            'v' => (o.sort, sort_set) = (Sort::Version, true),
            SORT => {
                let groups: &[&[&str]] = &[
                    &["none"],
                    &["time"],
                    &["size"],
                    &["extension"],
                    &["version"],
                    &["width"],
                ];
                o.sort = match argmatch(ctx, prog, "--sort", v.unwrap_or(""), groups) {
                    Some(0) => Sort::None,
                    Some(1) => Sort::Time,
                    Some(2) => Sort::Size,
                    Some(3) => Sort::Extension,
                    Some(4) => Sort::Version,
                    Some(_) => Sort::Width,
                    None => return Err(1),
                };
                sort_set = true;
            }
            GROUP_DIRS => o.group_dirs = true,
            TIME => {
                let groups: &[&[&str]] = &[
                    &["atime", "access", "use"],
                    &["ctime", "status"],
                    &["birth", "creation"],
                ];
                o.time = match argmatch(ctx, prog, "--time", v.unwrap_or(""), groups) {
                    Some(0) => TimeField::Access,
                    Some(1) => TimeField::Change,
                    Some(_) => TimeField::Birth,
                    None => return Err(1),
                };
            }
            TIME_STYLE => time_style = v.map(str::to_string),
            FULL_TIME => {
                (o.layout, format_set) = (Layout::Long, true);
                time_style = Some("full-iso".into());
            }
            'N' => o.quoting = Quoting::Literal,
            'Q' => o.quoting = Quoting::C,
            'q' => o.hide_control = true,
            SHOW_CONTROL => o.hide_control = false,
            QUOTING => {
                let groups: &[&[&str]] = &[
                    &["literal"],
                    &["shell"],
                    &["shell-always"],
                    &["shell-escape"],
                    &["shell-escape-always"],
                    &["c"],
                    &["c-maybe"],
                    &["escape"],
                    &["locale"],
                    &["clocale"],
                ];
                o.quoting = match argmatch(ctx, prog, "--quoting-style", v.unwrap_or(""), groups) {
                    Some(0) => Quoting::Literal,
                    Some(1 | 3 | 6) => Quoting::Shell,
                    Some(2 | 4) => Quoting::ShellAlways,
                    Some(7) => Quoting::Escape,
                    Some(_) => Quoting::C,
                    None => return Err(1),
                };
            }
            'w' => {
                let v = v.unwrap_or("");
                match v.parse::<u64>() {
                    Ok(n) => width = Some(to_usize(n)),
                    Err(_) => {
                        ctx.error(prog, &format!("invalid line width: {}", q(v)));
                        return Err(2);
                    }
                }
            }
            'T' => {
                let v = v.unwrap_or("");
                match v.parse::<u64>() {
                    Ok(n) => o.tabsize = to_usize(n),
                    Err(_) => {
                        ctx.error(prog, &format!("invalid tab size: {}", q(v)));
                        return Err(2);
                    }
                }
            }
            'B' => o.ignore.extend([vec!['*', '~'], vec!['.', '*', '~']]),
            'I' => o.ignore.push(v.unwrap_or("").chars().collect()),
            HIDE => o.hide.push(v.unwrap_or("").chars().collect()),
            'L' => o.deref = true,
            'H' => o.deref_cmdline = true,
            COLOR => o.color = when(ctx, "--color", v)?,
            HYPERLINK => {
                when(ctx, "--hyperlink", v)?;
            }
            ZERO => {
                o.zero = true;
                o.hide_control = false;
                o.color = false;
                o.quoting = Quoting::Literal;
                if !format_set {
                    o.layout = Layout::One;
                }
            }
            _ => {}
        }
    }
    if o.layout == Layout::Long {
        o.time_style = parse_time_style(ctx, time_style.as_deref(), prog)?;
    }
    if !sort_set && o.layout != Layout::Long && o.time != TimeField::Modify {
        o.sort = Sort::Time;
    }
    o.width = width.unwrap_or_else(|| {
        let columns = ctx
            .env
            .exported()
            .find(|(k, _)| *k == "COLUMNS")
            .and_then(|(_, v)| v.parse::<usize>().ok())
            .filter(|n| *n > 0);
        match (tty, columns) {
            (true, _) => usize::try_from(ctx.session.cols).unwrap_or(80),
            (false, Some(c)) => c,
            (false, None) => 80,
        }
    });
    Ok((o, ops))
}

/// `--block-size=SIZE`: `K`, `1K`, `KiB`, `KB`, `1024`, ... (the unit, and the suffix
/// printed after the numbers: only for a bare letter unit).
fn block_size(s: &str) -> Option<(u64, String)> {
    let digits = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, suf) = s.split_at(digits);
    let n: u64 = if num.is_empty() { 1 } else { num.parse().ok()? };
    let (power, base) = match suf {
        "" => (0, 1024),
        _ => {
            let letter = suf.chars().next()?;
            let p = "KMGTPEZY".find(letter.to_ascii_uppercase())?;
            let base = match suf.get(1..)? {
                "" | "iB" => 1024,
                "B" => 1000,
                _ => return None,
            };
            if letter == 'k' && base == 1024 && suf.len() == 1 {
                return None;
            }
            (u32::try_from(p).ok()? + 1, base)
        }
    };
    let unit = n.checked_mul(u64::pow(base, power))?;
    if unit == 0 {
        return None;
    }
    let suffix = if num.is_empty() {
        suf.to_string()
    } else {
        String::new()
    };
    Some((unit, suffix))
}

fn parse_time_style(ctx: &mut CmdCtx<'_>, s: Option<&str>, prog: &str) -> Result<TimeStyle, i32> {
    let Some(mut s) = s else {
        return Ok(TimeStyle::Locale);
    };
    if let Some(f) = s.strip_prefix('+') {
        let (new, old) = f.split_once('\n').unwrap_or((f, f));
        return Ok(TimeStyle::Custom(new.into(), old.into()));
    }
    while let Some(rest) = s.strip_prefix("posix-") {
        s = rest;
    }
    Ok(match s {
        "full-iso" => TimeStyle::FullIso,
        "long-iso" => TimeStyle::LongIso,
        "iso" => TimeStyle::Iso,
        "locale" => TimeStyle::Locale,
        _ => {
            ctx.error(prog, &format!("invalid argument {} for ‘time style’", q(s)));
            ctx.stderr.line(
                "Valid arguments are:\n  - [posix-]full-iso\n  - [posix-]long-iso\n  - [posix-]iso\n  - [posix-]locale\n  - +FORMAT (e.g., +%H:%M) for a 'date'-style format\nTry 'ls --help' for more information.",
            );
            return Err(2);
        }
    })
}
