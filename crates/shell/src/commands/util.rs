//! Shared helpers for the commands: a small GNU-style option parser, file reading with
//! `-` for stdin, GNU quoting of names in messages, number parsing and time formatting.

use miragepot_vfs::FsError;
use time::OffsetDateTime;

use super::CmdCtx;

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

/// GNU getopt_long with permutation: options may follow operands until `--`.
///
/// `short` lists letters, a letter followed by `:` takes a value. `long` maps names to a key
/// and a value kind. Errors come back as the message GNU prints after `name: `.
pub(crate) fn getopt(
    args: &[String],
    short: &str,
    long: &[(&str, char, Val)],
) -> Result<(Vec<Opt>, Vec<String>), String> {
    let mut opts = Vec::new();
    let mut operands = Vec::new();
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        if a == "--" {
            operands.extend(it.by_ref().cloned());
            break;
        }
        if let Some(body) = a.strip_prefix("--") {
            let (name, value) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let exact = long.iter().find(|(n, _, _)| *n == name);
            let cands: Vec<_> = long
                .iter()
                .filter(|(n, _, _)| n.starts_with(name))
                .collect();
            let found = match (exact, cands.as_slice()) {
                (Some(e), _) => e,
                (None, [one]) => one,
                (None, []) => return Err(format!("unrecognized option '{a}'")),
                (None, _) => return Err(format!("option '{a}' is ambiguous")),
            };
            let (full, key, kind) = *found;
            match (kind, value) {
                (Val::No, Some(_)) => {
                    return Err(format!("option '--{full}' doesn't allow an argument"));
                }
                (Val::No, None) | (Val::Opt, None) => opts.push((key, None)),
                (_, Some(v)) => opts.push((key, Some(v))),
                (Val::Req, None) => match it.next() {
                    Some(v) => opts.push((key, Some(v.clone()))),
                    None => return Err(format!("option '--{full}' requires an argument")),
                },
            }
            continue;
        }
        if a.len() > 1 && a.starts_with('-') {
            let body: Vec<char> = a.chars().skip(1).collect();
            let mut i = 0;
            while let Some(&c) = body.get(i) {
                let pos = short.find(c).filter(|_| c != ':');
                let Some(pos) = pos else {
                    return Err(format!("invalid option -- '{c}'"));
                };
                let takes = short
                    .get(pos + c.len_utf8()..)
                    .is_some_and(|r| r.starts_with(':'));
                if takes {
                    let rest: String = body.get(i + 1..).unwrap_or(&[]).iter().collect();
                    if !rest.is_empty() {
                        opts.push((c, Some(rest)));
                    } else if let Some(v) = it.next() {
                        opts.push((c, Some(v.clone())));
                    } else {
                        return Err(format!("option requires an argument -- '{c}'"));
                    }
                    break;
                }
                opts.push((c, None));
                i += 1;
            }
            continue;
        }
        operands.push(a.clone());
    }
    Ok((opts, operands))
}

/// Prints `name: msg` and the `Try 'name --help'` line; returns `code`.
pub(crate) fn usage(ctx: &mut CmdCtx<'_>, name: &str, msg: &str, code: i32) -> i32 {
    ctx.error(name, msg);
    ctx.stderr
        .line(&format!("Try '{name} --help' for more information."));
    code
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
    ctx.persona
        .user_by_uid(uid)
        .map(|u| u.name.clone())
        .unwrap_or_else(|| uid.to_string())
}

/// The name of a gid, or the number.
pub(crate) fn group_name(ctx: &CmdCtx<'_>, gid: u32) -> String {
    ctx.persona
        .group_by_gid(gid)
        .map(|g| g.name.clone())
        .unwrap_or_else(|| gid.to_string())
}

/// Human-readable size as `ls -h`/`du -h`/`df -h` print it (powers of 1024, one decimal
/// below 10, rounded up).
pub(crate) fn human(n: u64) -> String {
    const UNITS: [&str; 8] = ["K", "M", "G", "T", "P", "E", "Z", "Y"];
    if n < 1024 {
        return n.to_string();
    }
    let mut v = n as f64;
    let mut unit = "";
    for u in UNITS {
        v /= 1024.0;
        unit = u;
        if v < 1024.0 {
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
            getopt(&a(&["x", "-q"]), "a", &[]).err().as_deref(),
            Some("invalid option -- 'q'")
        );
        assert_eq!(human(4096), "4.0K");
        assert_eq!(human(151_344), "148K");
        assert_eq!(parse_count("99999999999999999999999"), Some(u64::MAX));
    }
}
