//! `cal` (ncal 12.1.8, `/usr/bin/cal -> ncal` on Debian 12): display a calendar.
//!
//! Emulated: the current month (from the session clock), `cal MONTH YEAR`, `cal YEAR`
//! (twelve months, three a row), `-y`, `-3`, `-1`. Output is what `cal` prints when stdout
//! is not a terminal (no highlighted day), lines padded as ncal pads them. Errors as ncal
//! (`cal: 13 is neither a month number (1..12) nor a name`, status 64).

use super::{CmdCtx, Command};

/// `cal`.
pub struct Cal;

const MONTHS: [&str; 12] = [
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

fn leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in(y: i32, m: u32) -> u32 {
    match m {
        2 if leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Day of week of the 1st (0 = Sunday), proleptic Gregorian (Sakamoto).
fn first_weekday(y: i32, m: u32) -> u32 {
    const T: [i32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let y = if m < 3 { y - 1 } else { y };
    let t = T.get(m as usize - 1).copied().unwrap_or(0);
    ((y + y / 4 - y / 100 + y / 400 + t + 1).rem_euclid(7)) as u32
}

/// One month as 8 lines of 20 characters (title, weekdays, six weeks).
fn month_block(y: i32, m: u32, with_year: bool) -> Vec<String> {
    let name = MONTHS.get(m as usize - 1).copied().unwrap_or("");
    let title = if with_year {
        format!("{name} {y}")
    } else {
        name.to_string()
    };
    let left = (20usize.saturating_sub(title.len())) / 2;
    let mut out = vec![
        format!("{:left$}{title:<w$}", "", w = 20 - left),
        "Su Mo Tu We Th Fr Sa".to_string(),
    ];
    let mut cells: Vec<String> = vec!["  ".into(); first_weekday(y, m) as usize];
    for d in 1..=days_in(y, m) {
        cells.push(format!("{d:>2}"));
    }
    for week in 0..6 {
        let row: Vec<String> = (0..7)
            .map(|i| {
                cells
                    .get(week * 7 + i)
                    .cloned()
                    .unwrap_or_else(|| "  ".into())
            })
            .collect();
        out.push(row.join(" "));
    }
    out
}

fn print_month(ctx: &mut CmdCtx<'_>, y: i32, m: u32) {
    for l in month_block(y, m, true) {
        ctx.stdout.line(&format!("{l}  "));
    }
}

fn print_row(ctx: &mut CmdCtx<'_>, blocks: &[Vec<String>]) {
    for i in 0..8 {
        let line: String = blocks
            .iter()
            .map(|b| format!("{}  ", b.get(i).cloned().unwrap_or_default()))
            .collect();
        ctx.stdout.line(&line);
    }
}

fn print_year(ctx: &mut CmdCtx<'_>, y: i32) {
    ctx.stdout.line(&format!("{:>32}", y));
    for row in 0..4u32 {
        let blocks: Vec<Vec<String>> = (1..=3)
            .map(|k| month_block(y, row * 3 + k, false))
            .collect();
        print_row(ctx, &blocks);
        if row < 3 {
            ctx.stdout.line("");
        }
    }
}

fn bad(ctx: &mut CmdCtx<'_>, msg: &str) -> i32 {
    ctx.stderr.write_str("cal: ");
    ctx.stderr.line(msg);
    64
}

impl Command for Cal {
    fn name(&self) -> &'static str {
        "cal"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/ncal"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let (mut year_mode, mut three) = (false, false);
        let mut ops = Vec::new();
        for a in args.iter().skip(1) {
            if let Some(flags) = a.strip_prefix('-').filter(|f| !f.is_empty()) {
                for c in flags.chars() {
                    match c {
                        'y' => year_mode = true,
                        '3' => three = true,
                        '1' | 'h' | 'b' | 'C' | 'j' | 'J' | 'p' | 'w' | 'e' | 'o' | 'S' | 'M' => {}
                        _ => {
                            ctx.stderr.line(&format!("cal: invalid option -- '{c}'"));
                            ctx.stderr
                                .write_str(super::help::help("cal.usage").unwrap_or(""));
                            return 64;
                        }
                    }
                }
            } else {
                ops.push(a.clone());
            }
        }
        let (ny, nm) = (ctx.now.year(), u32::from(u8::from(ctx.now.month())));
        let year_of = |s: &str| s.parse::<i32>().ok().filter(|y| (1..=9999).contains(y));
        match ops.as_slice() {
            [] => {
                if year_mode {
                    print_year(ctx, ny);
                } else if three {
                    let prev = if nm == 1 { (ny - 1, 12) } else { (ny, nm - 1) };
                    let next = if nm == 12 { (ny + 1, 1) } else { (ny, nm + 1) };
                    let blocks: Vec<Vec<String>> = [prev, (ny, nm), next]
                        .iter()
                        .map(|(y, m)| month_block(*y, *m, true))
                        .collect();
                    print_row(ctx, &blocks);
                } else {
                    print_month(ctx, ny, nm);
                }
                0
            }
            [y] => {
                let Ok(n) = y.parse::<i64>() else {
                    return bad(ctx, &format!("not a valid year {y}"));
                };
                let Some(y) = year_of(y) else {
                    return bad(ctx, &format!("year `{n}' not in range 1..9999"));
                };
                print_year(ctx, y);
                0
            }
            [m, y] => {
                let month = m
                    .parse::<u32>()
                    .ok()
                    .filter(|m| (1..=12).contains(m))
                    .or_else(|| {
                        let l = m.to_lowercase();
                        (l.len() >= 3)
                            .then(|| {
                                MONTHS
                                    .iter()
                                    .position(|n| n.to_lowercase().starts_with(&l))
                                    .map(|i| i as u32 + 1)
                            })
                            .flatten()
                    });
                let Some(month) = month else {
                    return bad(
                        ctx,
                        &format!("{m} is neither a month number (1..12) nor a name"),
                    );
                };
                let Ok(n) = y.parse::<i64>() else {
                    return bad(ctx, &format!("not a valid year {y}"));
                };
                let Some(y) = year_of(y) else {
                    return bad(ctx, &format!("year `{n}' not in range 1..9999"));
                };
                print_month(ctx, y, month);
                0
            }
            _ => {
                ctx.stderr
                    .write_str(super::help::help("cal.usage").unwrap_or(""));
                64
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn prints_months_like_ncal() {
        // The test clock is 2025-11-21.
        let r = run("cal", &[], "/", b"");
        assert_eq!(
            r.stdout,
            "   November 2025      \nSu Mo Tu We Th Fr Sa  \n                   1  \n 2  3  4  5  6  7  8  \n 9 10 11 12 13 14 15  \n16 17 18 19 20 21 22  \n23 24 25 26 27 28 29  \n30                    \n"
        );
        assert_eq!(
            run("cal", &["1", "2024"], "/", b"").stdout,
            "    January 2024      \nSu Mo Tu We Th Fr Sa  \n    1  2  3  4  5  6  \n 7  8  9 10 11 12 13  \n14 15 16 17 18 19 20  \n21 22 23 24 25 26 27  \n28 29 30 31           \n                      \n"
        );
        let y = run("cal", &["2024"], "/", b"").stdout;
        let lines: Vec<&str> = y.lines().collect();
        assert_eq!(lines[0], "                            2024");
        assert_eq!(
            lines[1],
            "      January               February               March          "
        );
        assert_eq!(
            lines[3],
            "    1  2  3  4  5  6               1  2  3                  1  2  "
        );
        assert_eq!(
            lines[8],
            "                                            31                    "
        );
        assert_eq!(lines[9], "");
        let r = run("cal", &["13", "2024"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("cal: 13 is neither a month number (1..12) nor a name\n", 64)
        );
        let r = run("cal", &["x"], "/", b"");
        assert_eq!(r.stderr, "cal: not a valid year x\n");
        let r = run("cal", &["0"], "/", b"");
        assert_eq!(r.stderr, "cal: year `0' not in range 1..9999\n");
    }
}
