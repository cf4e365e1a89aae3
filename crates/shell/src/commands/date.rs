//! `date`: print or set the system date and time (coreutils 9.1; the persona's zone is UTC).
//!
//! Emulated: the default format `Fri Nov 21 12:34:56 UTC 2025`, `+FORMAT` with `%a %A %b %B
//! %h %c %C %d %D %e %F %H %I %j %k %l %m %M %n %N %p %P %r %R %s %S %t %T %u %U %w %x %X %y
//! %Y %z %:z %Z %%` and `-`/`_`/`0` padding flags, `-u`, `-d STRING` (see
//! `util::parse_date`), `-r FILE`, `-R`, `-I`, `-s`/setting (root: accepted and ignored,
//! prints the date). Known gaps: `%G %V %W` week numbers, free-form date strings.

use time::OffsetDateTime;

use super::util::{IGNORED, Val, getopt, month_abbr, parse_date, q, sq, usage, utc, weekday_abbr};
use super::{CmdCtx, Command};

/// `date`.
pub struct Date;

const LONG_DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const LONG_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Formats `t` with a strftime-style format.
pub(crate) fn strftime(fmt: &str, t: OffsetDateTime) -> String {
    let mut out = String::new();
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut pad: Option<char> = None;
        while let Some(&f) = chars.peek() {
            if matches!(f, '-' | '_' | '0' | '^' | '#') {
                pad = Some(f);
                chars.next();
            } else {
                break;
            }
        }
        let Some(spec) = chars.next() else {
            out.push('%');
            break;
        };
        let num = |v: i64, w: usize, def: char| -> String {
            match pad.unwrap_or(def) {
                '-' => v.to_string(),
                '_' => format!("{v:>w$}"),
                _ => format!("{v:0w$}"),
            }
        };
        let h12 = match t.hour() % 12 {
            0 => 12,
            h => h,
        };
        let s = match spec {
            'a' => weekday_abbr(t).to_string(),
            'A' => LONG_DAYS
                .get(usize::from(t.weekday().number_days_from_monday()))
                .copied()
                .unwrap_or("")
                .to_string(),
            'b' | 'h' => month_abbr(t).to_string(),
            'B' => LONG_MONTHS
                .get(usize::from(u8::from(t.month())).saturating_sub(1))
                .copied()
                .unwrap_or("")
                .to_string(),
            'c' => strftime("%a %b %e %H:%M:%S %Y", t),
            'C' => num(i64::from(t.year()) / 100, 2, '0'),
            'd' => num(i64::from(t.day()), 2, '0'),
            'D' | 'x' => strftime("%m/%d/%y", t),
            'e' => num(i64::from(t.day()), 2, '_'),
            'F' => strftime("%Y-%m-%d", t),
            'H' => num(i64::from(t.hour()), 2, '0'),
            'I' => num(i64::from(h12), 2, '0'),
            'j' => num(i64::from(t.ordinal()), 3, '0'),
            'k' => num(i64::from(t.hour()), 2, '_'),
            'l' => num(i64::from(h12), 2, '_'),
            'm' => num(i64::from(u8::from(t.month())), 2, '0'),
            'M' => num(i64::from(t.minute()), 2, '0'),
            'n' => "\n".into(),
            'N' => "000000000".into(),
            'p' => {
                if t.hour() < 12 {
                    "AM".into()
                } else {
                    "PM".into()
                }
            }
            'P' => {
                if t.hour() < 12 {
                    "am".into()
                } else {
                    "pm".into()
                }
            }
            'r' => strftime("%I:%M:%S %p", t),
            'R' => strftime("%H:%M", t),
            's' => t.unix_timestamp().to_string(),
            'S' => num(i64::from(t.second()), 2, '0'),
            't' => "\t".into(),
            'T' | 'X' => strftime("%H:%M:%S", t),
            'u' => i64::from(t.weekday().number_from_monday()).to_string(),
            'w' => i64::from(t.weekday().number_days_from_sunday()).to_string(),
            'U' => num(
                (i64::from(t.ordinal()) + 6 - i64::from(t.weekday().number_days_from_sunday())) / 7,
                2,
                '0',
            ),
            'y' => num(i64::from(t.year()) % 100, 2, '0'),
            'Y' => t.year().to_string(),
            'z' => "+0000".into(),
            ':' => {
                if chars.peek() == Some(&'z') {
                    chars.next();
                }
                "+00:00".into()
            }
            'Z' => "UTC".into(),
            '%' => "%".into(),
            other => format!("%{other}"),
        };
        out.push_str(&s);
    }
    out
}

impl Command for Date {
    fn name(&self) -> &'static str {
        "date"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/date"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("date", 'd', Val::Req),
            ("debug", IGNORED, Val::No),
            ("file", 'f', Val::Req),
            ("iso-8601", 'I', Val::Opt),
            ("reference", 'r', Val::Req),
            ("resolution", IGNORED, Val::No),
            ("rfc-email", 'R', Val::No),
            ("rfc-822", 'R', Val::No),
            ("rfc-2822", 'R', Val::No),
            ("rfc-3339", 'T', Val::Req),
            ("set", 's', Val::Req),
            ("uct", 'u', Val::No),
            ("utc", 'u', Val::No),
            ("universal", 'u', Val::No),
        ];
        let (opts, ops) = match getopt(args, "d:f:I::r:Rs:u", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "date", &e, 1),
        };
        let now = ctx.now.unix_timestamp();
        let mut when = now;
        let mut fmt = "%a %b %e %H:%M:%S %Z %Y".to_string();
        for (c, v) in &opts {
            let v = v.clone().unwrap_or_default();
            match c {
                'd' => match parse_date(&v, now) {
                    Some(t) => when = t,
                    None => {
                        ctx.error("date", &format!("invalid date {}", q(&v)));
                        return 1;
                    }
                },
                'r' => match ctx.fs.stat(ctx.cwd, &v) {
                    Ok(m) => when = m.mtime,
                    Err(e) => {
                        ctx.error("date", &format!("{}: {e}", sq(&v)));
                        return 1;
                    }
                },
                'R' => fmt = "%a, %d %b %Y %H:%M:%S +0000".into(),
                'I' => {
                    fmt = match v.as_str() {
                        "hours" => "%Y-%m-%dT%H+00:00",
                        "minutes" => "%Y-%m-%dT%H:%M+00:00",
                        "seconds" => "%Y-%m-%dT%H:%M:%S+00:00",
                        _ => "%Y-%m-%d",
                    }
                    .into()
                }
                's' => {
                    if ctx.user.uid != 0 {
                        ctx.error("date", "cannot set date: Operation not permitted");
                    }
                    if let Some(t) = parse_date(&v, now) {
                        when = t;
                    }
                }
                _ => {}
            }
        }
        for op in &ops {
            if let Some(f) = op.strip_prefix('+') {
                fmt = f.to_string();
            } else if ctx.user.uid != 0 {
                ctx.error("date", "cannot set date: Operation not permitted");
                return 1;
            } else {
                ctx.error("date", &format!("invalid date {}", q(op)));
                return 1;
            }
        }
        let line = strftime(&fmt, utc(when));
        ctx.stdout.line(&line);
        0
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn formats() {
        assert_eq!(
            run("date", &[], "/", b"").stdout,
            "Fri Nov 21 13:00:00 UTC 2025\n"
        );
        assert_eq!(
            run("date", &["-u", "-d", "@0"], "/", b"").stdout,
            "Thu Jan  1 00:00:00 UTC 1970\n"
        );
        assert_eq!(
            run("date", &["+%Y-%m-%d %H:%M:%S %s %a %b %j %Z %F %T %D %e|%A %B %p %I %u %w %y %C %z %k %l %n%t%%"], "/", b"").stdout,
            "2025-11-21 13:00:00 1763730000 Fri Nov 325 UTC 2025-11-21 13:00:00 11/21/25 21|Friday November PM 01 5 5 25 20 +0000 13  1 \n\t%\n"
        );
        assert_eq!(run("date", &["+%Q"], "/", b"").stdout, "%Q\n");
        let r = run("date", &["-d", "foo"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("date: invalid date \u{2018}foo\u{2019}\n", 1)
        );
    }
}
