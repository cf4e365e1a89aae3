//! Shared helpers for the commands: a small GNU-style option parser, file reading with
//! `-` for stdin, GNU quoting of names in messages, number parsing and time formatting.

use miragepot_vfs::FsError;
use time::OffsetDateTime;

use super::{CmdCtx, help};

/// Largest file a command reads into memory at once.
pub(crate) const MAX_READ: usize = 16 << 20;

/// How a long option takes a value.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Val {
    /// No value.
    No,
    /// Required (`--lines=3` or `--lines 3`).
    Req,
    /// Optional, only as `--color=auto`.
    Opt,
}

/// A parsed option: its key (the short letter, or the long option's key) and its value.
pub(crate) type Opt = (char, Option<String>);

/// Why option parsing stopped early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Bad {
    /// A bad option: the message GNU prints after `name: `.
    Msg(String),
    /// `--help` (or a unique prefix of it): print the help and exit.
    Help,
    /// `--version`: print the version and exit.
    Version,
}

impl Bad {
    /// The error text (empty for `Help`/`Version`).
    pub(crate) fn text(&self) -> &str {
        match self {
            Bad::Msg(m) => m,
            Bad::Help | Bad::Version => "",
        }
    }
}

impl std::fmt::Display for Bad {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.text())
    }
}

/// What [`usage`] accepts: a plain message or a [`Bad`] from the option parser.
pub(crate) trait UsageMsg {
    /// The message, or the `--help`/`--version` request.
    fn usage_msg(&self) -> Result<&str, &Bad>;
}

impl UsageMsg for str {
    fn usage_msg(&self) -> Result<&str, &Bad> {
        Ok(self)
    }
}

impl UsageMsg for String {
    fn usage_msg(&self) -> Result<&str, &Bad> {
        Ok(self)
    }
}

impl UsageMsg for Bad {
    fn usage_msg(&self) -> Result<&str, &Bad> {
        match self {
            Bad::Msg(m) => Ok(m),
            other => Err(other),
        }
    }
}

/// Key for options that are accepted and have no effect here. Unlike other shared keys,
/// two such options still make an abbreviation ambiguous, as they do in GNU's tables.
pub(crate) const IGNORED: char = '\u{e100}';

/// Key of the implicit `--help` long option.
const HELP_KEY: char = '\u{1}';
/// Key of the implicit `--version` long option.
const VERSION_KEY: char = '\u{2}';

/// GNU getopt_long with permutation: options may follow operands until `--`.
///
/// `short` lists letters, a letter followed by `:` takes a value (`::`: an optional value,
/// attached to the letter). `long` maps names to a key
/// and a value kind; `--help` and `--version` are implicit (as in every GNU tool) and stop
/// parsing with [`Bad::Help`]/[`Bad::Version`]. Long options may be abbreviated to a unique
/// prefix. Errors come back as the message GNU prints after `name: `.
pub(crate) fn getopt(
    args: &[String],
    short: &str,
    long: &[(&str, char, Val)],
) -> Result<(Vec<Opt>, Vec<String>), Bad> {
    parse_opts(args, short, Some(long), true, "")
}

/// [`getopt`] that stops at the first operand (a `+` optstring: `env`).
pub(crate) fn getopt_posix(
    args: &[String],
    short: &str,
    long: &[(&str, char, Val)],
) -> Result<(Vec<Opt>, Vec<String>), Bad> {
    parse_opts(args, short, Some(long), false, "")
}

/// [`getopt`] for tools that act on some options as soon as they are read (procps' `-V`,
/// `last -h`): parsing ends right after a short option listed in `stop`, which is then the
/// last option returned (later bad options are never seen, as with the real tools). With
/// `long` `None` it is plain getopt: `--help` reads as the letters `-`, `h`, ...
pub(crate) fn getopt_stop(
    args: &[String],
    short: &str,
    long: Option<&[(&str, char, Val)]>,
    stop: &str,
) -> Result<(Vec<Opt>, Vec<String>), Bad> {
    parse_opts(args, short, long, true, stop)
}

fn parse_opts(
    args: &[String],
    short: &str,
    long: Option<&[(&str, char, Val)]>,
    permute: bool,
    stop: &str,
) -> Result<(Vec<Opt>, Vec<String>), Bad> {
    let implicit = [
        ("help", HELP_KEY, Val::No),
        ("version", VERSION_KEY, Val::No),
    ];
    let table: Option<Vec<(&str, char, Val)>> = long.map(|l| {
        let mut t = l.to_vec();
        for i in implicit {
            if !t.iter().any(|(n, _, _)| *n == i.0) {
                t.push(i);
            }
        }
        t
    });
    let mut opts = Vec::new();
    let mut operands = Vec::new();
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        if a == "--" {
            operands.extend(it.by_ref().cloned());
            break;
        }
        if let (Some(body), Some(table)) = (a.strip_prefix("--"), table.as_deref()) {
            let (name, value) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let exact = table.iter().find(|(n, _, _)| *n == name);
            let cands: Vec<_> = table
                .iter()
                .filter(|(n, _, _)| n.starts_with(name))
                .collect();
            let found = match (exact, cands.as_slice()) {
                (Some(e), _) => e,
                (None, []) => return Err(Bad::Msg(format!("unrecognized option '{a}'"))),
                (None, [one, rest @ ..])
                    if one.1 != IGNORED && rest.iter().all(|c| (c.1, c.2) == (one.1, one.2)) =>
                {
                    one
                }
                (None, all) => {
                    // glibc lists the first match and the matches that differ from it.
                    let first = all.first().map(|c| (c.1, c.2));
                    let list: Vec<String> = all
                        .iter()
                        .enumerate()
                        .filter(|(i, c)| *i == 0 || c.1 == IGNORED || Some((c.1, c.2)) != first)
                        .map(|(_, c)| format!("'--{}'", c.0))
                        .collect();
                    return Err(Bad::Msg(format!(
                        "option '{a}' is ambiguous; possibilities: {}",
                        list.join(" ")
                    )));
                }
            };
            let (full, key, kind) = *found;
            match (kind, value) {
                (Val::No, Some(_)) => {
                    return Err(Bad::Msg(format!(
                        "option '--{full}' doesn't allow an argument"
                    )));
                }
                (Val::No, None) if key == HELP_KEY => return Err(Bad::Help),
                (Val::No, None) if key == VERSION_KEY => return Err(Bad::Version),
                (Val::No, None) | (Val::Opt, None) => opts.push((key, None)),
                (_, Some(v)) => opts.push((key, Some(v))),
                (Val::Req, None) => match it.next() {
                    Some(v) => opts.push((key, Some(v.clone()))),
                    None => {
                        return Err(Bad::Msg(format!("option '--{full}' requires an argument")));
                    }
                },
            }
            if stop.contains(key) {
                return Ok((opts, operands));
            }
            continue;
        }
        if a.len() > 1 && a.starts_with('-') {
            let body: Vec<char> = a.chars().skip(1).collect();
            let mut i = 0;
            while let Some(&c) = body.get(i) {
                let pos = short.find(c).filter(|_| c != ':');
                let Some(pos) = pos else {
                    return Err(Bad::Msg(format!("invalid option -- '{c}'")));
                };
                let after = short.get(pos + c.len_utf8()..).unwrap_or("");
                if after.starts_with("::") {
                    // An optional value: only the rest of this word (`-I`, `-Iseconds`).
                    let rest: String = body.get(i + 1..).unwrap_or(&[]).iter().collect();
                    opts.push((c, Some(rest).filter(|r| !r.is_empty())));
                    break;
                }
                if after.starts_with(':') {
                    let rest: String = body.get(i + 1..).unwrap_or(&[]).iter().collect();
                    if !rest.is_empty() {
                        opts.push((c, Some(rest)));
                    } else if let Some(v) = it.next() {
                        opts.push((c, Some(v.clone())));
                    } else {
                        return Err(Bad::Msg(format!("option requires an argument -- '{c}'")));
                    }
                    break;
                }
                opts.push((c, None));
                if stop.contains(c) {
                    return Ok((opts, operands));
                }
                i += 1;
            }
            continue;
        }
        operands.push(a.clone());
        if !permute {
            operands.extend(it.by_ref().cloned());
            break;
        }
    }
    Ok((opts, operands))
}

/// Prints `name: msg` and the `Try 'name --help'` line; returns `code`. Given
/// [`Bad::Help`]/[`Bad::Version`] it prints the tool's help or version instead.
pub(crate) fn usage<M: UsageMsg + ?Sized>(
    ctx: &mut CmdCtx<'_>,
    name: &str,
    msg: &M,
    code: i32,
) -> i32 {
    match msg.usage_msg() {
        Ok(m) => {
            ctx.error(name, m);
            ctx.stderr
                .line(&format!("Try '{name} --help' for more information."));
            code
        }
        Err(Bad::Version) => print_version(ctx, name),
        Err(_) => print_help(ctx, name),
    }
}

/// The procps/util-linux way: `name: msg` then the whole usage text on stderr, status 1.
pub(crate) fn usage_full(ctx: &mut CmdCtx<'_>, name: &str, bad: &Bad) -> i32 {
    match bad {
        Bad::Msg(m) => {
            ctx.error(name, m);
            ctx.stderr.write_str(help::help(name).unwrap_or(""));
            1
        }
        Bad::Help => print_help(ctx, name),
        Bad::Version => print_version(ctx, name),
    }
}

/// Prints `name --help` on stdout; returns its status (1 for `false`, else 0).
pub(crate) fn print_help(ctx: &mut CmdCtx<'_>, name: &str) -> i32 {
    ctx.stdout.write_str(help::help(name).unwrap_or(""));
    i32::from(name == "false")
}

/// Prints `name --version` on stdout; returns its status (1 for `false`, else 0).
pub(crate) fn print_version(ctx: &mut CmdCtx<'_>, name: &str) -> i32 {
    ctx.stdout.write_str(help::version(name).unwrap_or(""));
    i32::from(name == "false")
}

/// `--help`/`--version` as the only argument (coreutils `echo`, `printf`, `true`, `false`).
pub(crate) fn sole_help_version(ctx: &mut CmdCtx<'_>, name: &str, args: &[String]) -> Option<i32> {
    match args {
        [_, a] if a == "--help" => Some(print_help(ctx, name)),
        [_, a] if a == "--version" => Some(print_version(ctx, name)),
        _ => None,
    }
}

/// GNU argmatch for `--option=WORD`: `value` or an unambiguous prefix of a word of one of
/// `groups` (the words of a group are synonyms). Returns the group's index; otherwise prints
/// GNU's `invalid argument`/`ambiguous argument` message with the valid words and the
/// `Try` line, and returns `None`.
pub(crate) fn argmatch(
    ctx: &mut CmdCtx<'_>,
    name: &str,
    option: &str,
    value: &str,
    groups: &[&[&str]],
) -> Option<usize> {
    if let Some(i) = groups.iter().position(|g| g.contains(&value)) {
        return Some(i);
    }
    let hits: Vec<usize> = (0..groups.len())
        .filter(|i| {
            groups
                .get(*i)
                .is_some_and(|g| g.iter().any(|w| w.starts_with(value)))
        })
        .collect();
    let what = match hits.as_slice() {
        [one] => return Some(*one),
        [] => "invalid",
        _ => "ambiguous",
    };
    ctx.error(
        name,
        &format!("{what} argument {} for {}", q(value), q(option)),
    );
    ctx.stderr.line("Valid arguments are:");
    for g in groups {
        let words: Vec<String> = g.iter().map(|w| q(w)).collect();
        ctx.stderr.line(&format!("  - {}", words.join(", ")));
    }
    ctx.stderr
        .line(&format!("Try '{name} --help' for more information."));
    None
}

/// GNU `quote()` in a UTF-8 locale: ‘name’.
pub(crate) fn q(s: &str) -> String {
    format!("\u{2018}{s}\u{2019}")
}

/// GNU `quoteaf()` (shell-escape quoting, always quoted in messages): 'name'.
pub(crate) fn sq(s: &str) -> String {
    if s.contains('\'') {
        format!("\"{s}\"")
    } else {
        format!("'{s}'")
    }
}

/// Reads an input operand: `-` is stdin, anything else a file in the VFS.
pub(crate) fn read_input(ctx: &CmdCtx<'_>, path: &str) -> Result<Vec<u8>, FsError> {
    if path == "-" {
        return Ok(ctx.stdin.to_vec());
    }
    let fctx = ctx.fs_ctx();
    ctx.fs
        .read(ctx.cwd, path, &fctx, MAX_READ)
        .map(|c| c.into_owned())
}

/// The operands, or `-` when there are none.
pub(crate) fn or_stdin(ops: &[String]) -> Vec<String> {
    if ops.is_empty() {
        vec!["-".to_string()]
    } else {
        ops.to_vec()
    }
}

/// A unix time as a UTC date-time (the persona's zone is UTC).
pub(crate) fn utc(ts: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(ts).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// English month abbreviations.
pub(crate) const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// English weekday abbreviations, Monday first (as `time::Weekday::number_days_from_monday`).
pub(crate) const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// `Nov`.
pub(crate) fn month_abbr(t: OffsetDateTime) -> &'static str {
    MONTHS
        .get(usize::from(u8::from(t.month())).saturating_sub(1))
        .copied()
        .unwrap_or("Jan")
}

/// `Fri`.
pub(crate) fn weekday_abbr(t: OffsetDateTime) -> &'static str {
    WEEKDAYS
        .get(usize::from(t.weekday().number_days_from_monday()))
        .copied()
        .unwrap_or("Mon")
}

/// `2025-11-21 12:00` (who, last-style stamps).
pub(crate) fn ymd_hm(ts: i64) -> String {
    let t = utc(ts);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// `12:34:56`.
pub(crate) fn hms(ts: i64) -> String {
    let t = utc(ts);
    format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())
}

/// The name of a uid, or the number.
pub(crate) fn user_name(ctx: &CmdCtx<'_>, uid: u32) -> String {
    super::accounts::Accounts::with(ctx, |a| a.user_by_uid(uid).map(|u| u.name.clone()))
        .unwrap_or_else(|| uid.to_string())
}

/// The name of a gid, or the number.
pub(crate) fn group_name(ctx: &CmdCtx<'_>, gid: u32) -> String {
    super::accounts::Accounts::with(ctx, |a| a.group_by_gid(gid).map(|g| g.name.clone()))
        .unwrap_or_else(|| gid.to_string())
}

/// Human-readable size as `ls -h`/`du -h`/`df -h` print it (powers of 1024, one decimal
/// below 10, rounded up).
pub(crate) fn human(n: u64) -> String {
    human_base(n, false)
}

/// Human-readable size in powers of 1024 (`K M G …`) or, with `si`, of 1000 (`k M G …`,
/// `ls --si`): one decimal below 10, rounded up, as GNU prints them.
pub(crate) fn human_base(n: u64, si: bool) -> String {
    let (base, units) = if si {
        (1000.0, ["k", "M", "G", "T", "P", "E", "Z", "Y"])
    } else {
        (1024.0, ["K", "M", "G", "T", "P", "E", "Z", "Y"])
    };
    if (n as f64) < base {
        return n.to_string();
    }
    let mut v = n as f64;
    let mut unit = "";
    for u in units {
        v /= base;
        unit = u;
        if v < base {
            break;
        }
    }
    if v < 10.0 {
        let r = (v * 10.0).ceil() / 10.0;
        if r >= 10.0 {
            format!("{}{unit}", r as u64)
        } else {
            format!("{r:.1}{unit}")
        }
    } else {
        format!("{}{unit}", v.ceil() as u64)
    }
}

/// Parses a count like `10`, `+5`, `2K`, `1M`, `3kB` (head/tail/split style suffixes).
/// Huge values saturate at `u64::MAX`.
pub(crate) fn parse_count(s: &str) -> Option<u64> {
    let digits_end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, suf) = s.split_at(digits_end);
    if num.is_empty() {
        return None;
    }
    let n: u64 = num.parse().unwrap_or(u64::MAX);
    let mult: u64 = match suf {
        "" => 1,
        "b" => 512,
        "kB" => 1000,
        "K" | "KiB" => 1024,
        "MB" => 1000 * 1000,
        "M" | "MiB" => 1 << 20,
        "GB" => 1000 * 1000 * 1000,
        "G" | "GiB" => 1 << 30,
        "T" | "TiB" => 1 << 40,
        _ => return None,
    };
    Some(n.saturating_mul(mult))
}

/// `u64` to `usize`, saturating.
pub(crate) fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// Parses the date strings `touch -d` and `date -d` accept here: `@N`, `now`, `today`,
/// `yesterday`, `tomorrow`, `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]` (or with `T`), `N
/// (seconds|minutes|hours|days|weeks) ago`. Times are UTC.
pub(crate) fn parse_date(s: &str, now: i64) -> Option<i64> {
    let s = s.trim();
    if let Some(n) = s.strip_prefix('@') {
        return n
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|v| v.unsigned_abs() < 1 << 40);
    }
    match s {
        "now" | "today" | "" => return Some(now),
        "yesterday" => return Some(now - 86_400),
        "tomorrow" => return Some(now + 86_400),
        _ => {}
    }
    let words: Vec<&str> = s.split_whitespace().collect();
    if let [n, unit, rest @ ..] = words.as_slice()
        && let Ok(n) = n.parse::<i64>()
    {
        let mult = match unit.trim_end_matches('s') {
            "second" | "sec" => 1,
            "minute" | "min" => 60,
            "hour" => 3600,
            "day" => 86_400,
            "week" => 604_800,
            _ => 0,
        };
        if mult != 0 && n.unsigned_abs() < 1 << 30 {
            let ago = rest.first() == Some(&"ago");
            return Some(if ago { now - n * mult } else { now + n * mult });
        }
    }
    let (date, time) = match s.split_once([' ', 'T']) {
        Some((d, t)) => (d, t.trim()),
        None => (s, "00:00:00"),
    };
    let mut dp = date.splitn(3, '-').map(|x| x.parse::<i64>().ok());
    let (y, m, d) = (dp.next()??, dp.next()??, dp.next()??);
    let mut tp = time.splitn(3, ':').map(|x| x.parse::<i64>().ok());
    let hh = tp.next()??;
    let mm = tp.next().unwrap_or(Some(0))?;
    let ss = tp.next().unwrap_or(Some(0))?;
    let month = time::Month::try_from(u8::try_from(m).ok()?).ok()?;
    let date = time::Date::from_calendar_date(i32::try_from(y).ok()?, month, u8::try_from(d).ok()?)
        .ok()?;
    let t = time::Time::from_hms(
        u8::try_from(hh).ok()?,
        u8::try_from(mm).ok()?,
        u8::try_from(ss).ok()?,
    )
    .ok()?;
    Some(
        time::PrimitiveDateTime::new(date, t)
            .assume_utc()
            .unix_timestamp(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn getopt_permutes_and_bundles() {
        let (o, ops) = getopt(
            &a(&["x", "-ln3", "f", "--all", "--", "-z"]),
            "aln:",
            &[("all", 'a', Val::No)],
        )
        .unwrap_or_default();
        assert_eq!(o, vec![('l', None), ('n', Some("3".into())), ('a', None)]);
        assert_eq!(ops, a(&["f", "-z"]));
        assert_eq!(
            getopt(&a(&["x", "-q"]), "a", &[]).err(),
            Some(Bad::Msg("invalid option -- 'q'".into()))
        );
        let long = [("hide", 'H', Val::Req), ("human", 'h', Val::No)];
        assert_eq!(getopt(&a(&["x", "--he"]), "", &long).err(), Some(Bad::Help));
        assert_eq!(
            getopt(&a(&["x", "--v"]), "", &long).err(),
            Some(Bad::Version)
        );
        assert_eq!(
            getopt(&a(&["x", "--h"]), "", &long).err(),
            Some(Bad::Msg(
                "option '--h' is ambiguous; possibilities: '--hide' '--human' '--help'".into()
            ))
        );
        assert_eq!(
            getopt(&a(&["x", "-q", "--help"]), "", &long).err(),
            Some(Bad::Msg("invalid option -- 'q'".into()))
        );
        let (o, ops) = getopt_posix(&a(&["x", "-i", "ls", "-l"]), "i", &[]).unwrap_or_default();
        assert_eq!((o.len(), ops), (1, a(&["ls", "-l"])));
        assert_eq!(
            getopt_stop(&a(&["x", "--help"]), "x", None, "").err(),
            Some(Bad::Msg("invalid option -- '-'".into()))
        );
        let (o, _) = getopt_stop(&a(&["x", "-xV", "-Y"]), "xV", None, "V").unwrap_or_default();
        assert_eq!(o, vec![('x', None), ('V', None)]);
        assert_eq!(human(4096), "4.0K");
        assert_eq!(human(151_344), "148K");
        assert_eq!(parse_count("99999999999999999999999"), Some(u64::MAX));
    }
}
