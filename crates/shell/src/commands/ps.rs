//! `ps`: report a snapshot of the processes (procps-ng 4.0.2 formats).
//!
//! Shows the persona's background processes plus this session's `sshd: user@pts/0`, `-bash`
//! and the `ps` itself (pids derived from the login time; `ps` gets a fresh one each run).
//! Emulated: default (this terminal's processes), `aux`/`ax`/`-e`/`-A`, `-f`/`-ef`, `-u USER`,
//! `u` (user format), column widths of procps 4.0.2, START/STIME as `HH:MM` today, `MonDD`
//! this year, else the year; processes killed in the session disappear and the ones started
//! in it (`nohup x &`) appear (`sysmodel`); `--help [section]`, `--version`/`-V`/`V`, and the `error: ...`
//! answers to unknown options. Known gaps: `-o`, `--sort`, `-p`, `f` (forest) are ignored,
//! missing option values are not diagnosed.

use super::util::{month_abbr, print_version, utc};
use super::{CmdCtx, Command, help};
use crate::persona::Process;

/// `ps`.
pub struct Ps;

struct Row {
    p: Process,
    tty: String,
    start: i64,
}

/// This session's processes: sshd (session), bash, and `extra` (the running command).
pub(crate) fn session_processes(ctx: &mut CmdCtx<'_>, extra: &str) -> Vec<(Process, String, i64)> {
    let login = ctx.session.login_time;
    let base = super::sysmodel::session_base(login);
    let tty = ctx.session.tty.clone().unwrap_or_else(|| "?".into());
    let user = ctx.user.name.clone();
    let mk = |pid, ppid, user: &str, vsz, rss, stat: &str, cmd: String| Process {
        pid,
        ppid,
        user: user.to_string(),
        rss_kb: rss,
        vsz_kb: vsz,
        stat: stat.into(),
        start_after_boot: 0,
        cpu_secs: 0,
        cmd,
    };
    let own = base + 30 + u32::try_from(ctx.rng.below(400)).unwrap_or(0);
    vec![
        (
            mk(
                base,
                472,
                "root",
                17_952,
                11_140,
                "Ss",
                format!("sshd: {user}@{tty}"),
            ),
            "?".into(),
            login,
        ),
        (
            mk(base + 9, base, &user, 7_236, 4_000, "Ss", "-bash".into()),
            tty.clone(),
            login,
        ),
        (
            mk(own, base + 9, &user, 11_084, 4_420, "R+", extra.to_string()),
            tty,
            ctx.now.unix_timestamp(),
        ),
    ]
}

use super::sysmodel::comm;

fn start_str(start: i64, now: i64, wide: bool) -> String {
    let t = utc(start);
    let n = utc(now);
    if now - start < 86_400 && t.day() == n.day() {
        format!("{:02}:{:02}", t.hour(), t.minute())
    } else if t.year() == n.year() {
        format!("{}{:02}", month_abbr(t), t.day())
    } else if wide {
        format!("{:>5}", t.year())
    } else {
        t.year().to_string()
    }
}

/// procps' long options that take a value, with the error when it is missing.
const LONG_VALUE: &[(&str, &str)] = &[
    ("Group", "list of real groups must follow --Group"),
    ("User", "list of real users must follow --User"),
    ("cols", COLS),
    ("columns", COLS),
    ("format", "format specification must follow --format"),
    ("group", "list of effective groups must follow --group"),
    ("lines", ROWS),
    ("pid", "list of process IDs must follow --pid"),
    ("ppid", "list of process IDs must follow --ppid"),
    ("quick-pid", "List of process IDs must follow --quick-pid."),
    ("rows", ROWS),
    ("sid", "some sid thing(s) must follow --sid"),
    ("sort", "long sort specification must follow --sort"),
    ("tty", "list of ttys must follow --tty"),
    ("user", "list of effective users must follow --user"),
    ("width", COLS),
];
const COLS: &str = "number of columns must follow --cols, --width, or --columns";
const ROWS: &str = "number of rows must follow --rows or --lines";
/// procps' long options without a value.
const LONG_FLAG: &[&str] = &[
    "context",
    "cumulative",
    "deselect",
    "forest",
    "header",
    "headers",
    "heading",
    "headings",
    "info",
    "no-header",
    "no-headers",
    "no-heading",
    "no-headings",
    "noheader",
    "noheaders",
    "noheading",
    "noheadings",
];
/// Letters procps 4.0.2 rejects after `-` (SysV) and without a dash (BSD).
const SYSV_BAD: &str = "bikzBDEIJKQRWY";
const BSD_BAD: &str = "bdiyzABCDEFGIJKNPQRWY";
/// Letters that take a value (the rest of the word, or the next word).
const SYSV_VALUE: &str = "CGgoOpqstUu";
const BSD_VALUE: &str = "kOopqtU";

/// The error for a short option given without its value (`ps -p`), when procps has one.
fn missing_value(c: char, dash: &str) -> Option<String> {
    let what = match (c, dash) {
        ('o', _) => "format specification must follow",
        ('p', _) => "list of process IDs must follow",
        ('q', _) => return Some(format!("List of process IDs must follow {dash}q.")),
        ('O', _) => "format or sort specification must follow",
        ('C', "-") => "list of command names must follow",
        ('G', "-") => "list of real groups must follow",
        ('U', "-") => "list of real users must follow",
        ('U', _) => "list of users must follow",
        ('k', "") => return Some("long sort specification must follow 'k'".into()),
        _ => return None,
    };
    Some(format!("{what} {dash}{c}"))
}

/// ps's `--help [section]`, `--version`/`-V`/`V`, and its errors for unknown options
/// (`error: ...` and the short usage on stderr, status 1). `None` when ps should run.
fn check_options(ctx: &mut CmdCtx<'_>, args: &[String]) -> Option<i32> {
    let mut it = args.iter().skip(1).peekable();
    while let Some(a) = it.next() {
        let err = if let Some(long) = a.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            if name == "help" {
                let section = inline.or_else(|| it.peek().map(|s| s.as_str()));
                let page = match section.unwrap_or("") {
                    "simple" | "s" => "ps-simple",
                    "list" | "l" => "ps-list",
                    "output" | "o" => "ps-output",
                    "threads" | "t" => "ps-threads",
                    "misc" | "m" => "ps-misc",
                    "all" | "a" => "ps-all",
                    _ => "ps",
                };
                ctx.stdout.write_str(help::help(page).unwrap_or_default());
                return Some(0);
            }
            if name == "version" {
                return Some(print_version(ctx, "ps"));
            }
            if let Some((_, missing)) = LONG_VALUE.iter().find(|(n, _)| *n == name) {
                if inline.is_none() && it.next().is_none() {
                    ctx.stderr.line(&format!("error: {missing}"));
                    ctx.stderr.write_str(help::help("ps").unwrap_or_default());
                    return Some(1);
                }
                continue;
            }
            if LONG_FLAG.contains(&name) || long.is_empty() {
                continue;
            }
            "error: unknown gnu long option".to_string()
        } else {
            let (letters, bad, takes, msg) = match a.strip_prefix('-') {
                Some(l) => (l, SYSV_BAD, SYSV_VALUE, "error: unsupported SysV option"),
                None => (
                    a.as_str(),
                    BSD_BAD,
                    BSD_VALUE,
                    "error: unsupported option (BSD syntax)",
                ),
            };
            let mut found = None;
            for (i, c) in letters.char_indices() {
                if c == 'V' {
                    return Some(print_version(ctx, "ps"));
                }
                if bad.contains(c) {
                    found = Some(msg.to_string());
                    break;
                }
                if takes.contains(c) {
                    let dash = if a.starts_with('-') { "-" } else { "" };
                    if letters.get(i + 1..).is_some_and(str::is_empty)
                        && it.next().is_none()
                        && let Some(m) = missing_value(c, dash)
                    {
                        found = Some(format!("error: {m}"));
                    }
                    break;
                }
                if c.is_ascii_digit() || c == ',' {
                    break;
                }
            }
            match found {
                Some(m) => m,
                None => continue,
            }
        };
        ctx.stderr.line(&err);
        ctx.stderr.write_str(help::help("ps").unwrap_or_default());
        return Some(1);
    }
    None
}

impl Command for Ps {
    fn name(&self) -> &'static str {
        "ps"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/ps"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        if let Some(code) = check_options(ctx, args) {
            return code;
        }
        let (mut all, mut user_fmt, mut full, mut bsd_x) = (false, false, false, false);
        let mut only_user: Option<String> = None;
        let mut it = args.iter().skip(1);
        while let Some(a) = it.next() {
            if let Some(dash) = a.strip_prefix('-') {
                for c in dash.chars() {
                    match c {
                        'e' | 'A' => all = true,
                        'f' | 'F' | 'l' => full = true,
                        'u' | 'U' => {
                            only_user =
                                Some(it.next().cloned().unwrap_or_else(|| ctx.user.name.clone()))
                        }
                        'a' | 'x' | 'w' | 'H' | 'o' | 'p' | 'j' | 'y' | 'N' | 'd' | '-' => {}
                        _ => {}
                    }
                }
            } else {
                for c in a.chars() {
                    match c {
                        'a' => all = true,
                        'x' => bsd_x = true,
                        'u' => user_fmt = true,
                        _ => {}
                    }
                }
            }
        }
        let all = all || bsd_x;
        let now = ctx.now.unix_timestamp();
        let me = args.join(" ");
        let rows: Vec<Row> = super::sysmodel::all_processes(ctx, &me)
            .into_iter()
            .map(|r| Row {
                p: r.p,
                tty: r.tty,
                start: r.start,
            })
            .collect();
        let mut rows = rows;
        let my_tty = ctx.session.tty.clone().unwrap_or_else(|| "?".into());
        if let Some(u) = &only_user {
            let name = ctx.persona.user(u).map(|x| x.name.clone()).or_else(|| {
                u.parse()
                    .ok()
                    .and_then(|id| ctx.persona.user_by_uid(id))
                    .map(|x| x.name.clone())
            });
            rows.retain(|r| Some(&r.p.user) == name.as_ref());
        } else if !all {
            rows.retain(|r| r.tty == my_tty && r.p.user == ctx.user.name);
        }
        let mem_total = ctx.persona.mem_total_kb.max(1) as f64;
        let mut out = String::new();
        let secs = |r: &Row| r.p.cpu_secs;
        if user_fmt {
            out.push_str(
                "USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n",
            );
            for r in &rows {
                let up = (now - r.start).max(1) as f64;
                let cpu = (secs(r) as f64 * 100.0 / up).min(99.9);
                let mem = r.p.rss_kb as f64 * 100.0 / mem_total;
                out.push_str(&format!(
                    "{:<8} {:>5} {:>4.1} {:>4.1} {:>6} {:>5} {:<8} {:<4} {:>5} {:>3}:{:02} {}\n",
                    r.p.user,
                    r.p.pid,
                    cpu,
                    mem,
                    r.p.vsz_kb,
                    r.p.rss_kb,
                    r.tty,
                    r.p.stat,
                    start_str(r.start, now, false),
                    secs(r) / 60,
                    secs(r) % 60,
                    r.p.cmd
                ));
            }
        } else if full {
            out.push_str("UID        PID  PPID  C STIME TTY          TIME CMD\n");
            for r in &rows {
                let up = (now - r.start).max(1) as u64;
                out.push_str(&format!(
                    "{:<8} {:>5} {:>5} {:>2} {:<5} {:<8} {:02}:{:02}:{:02} {}\n",
                    r.p.user,
                    r.p.pid,
                    r.p.ppid,
                    (secs(r) * 100 / up).min(99),
                    start_str(r.start, now, false),
                    r.tty,
                    secs(r) / 3600,
                    secs(r) / 60 % 60,
                    secs(r) % 60,
                    r.p.cmd
                ));
            }
        } else {
            out.push_str("  PID TTY          TIME CMD\n");
            for r in &rows {
                out.push_str(&format!(
                    "{:>5} {:<8} {:02}:{:02}:{:02} {}\n",
                    r.p.pid,
                    r.tty,
                    secs(r) / 3600,
                    secs(r) / 60 % 60,
                    secs(r) % 60,
                    comm(&r.p.cmd)
                ));
            }
        }
        ctx.stdout.write_str(&out);
        0
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn lists() {
        let r = run("ps", &[], "/", b"");
        let lines: Vec<&str> = r.stdout.lines().collect();
        assert_eq!(lines.first().copied(), Some("  PID TTY          TIME CMD"));
        assert_eq!(lines.len(), 3);
        assert!(
            lines
                .get(1)
                .is_some_and(|l| l.ends_with(" pts/0    00:00:00 bash")),
            "{:?}",
            lines
        );
        assert!(
            lines
                .get(2)
                .is_some_and(|l| l.ends_with(" pts/0    00:00:00 ps"))
        );
        let r = run("ps", &["aux"], "/", b"");
        assert!(r.stdout.starts_with("USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\nroot         1  0.0  0.3 167780 12964 ?        Ss   Nov01   0:41 /sbin/init\n"), "{}", r.stdout);
        assert!(r.stdout.contains("sshd: root@pts/0"));
        let r = run("ps", &["-ef"], "/", b"");
        assert!(r.stdout.starts_with("UID        PID  PPID  C STIME TTY          TIME CMD\nroot         1     0  0 Nov01 ?        00:00:41 /sbin/init\n"), "{}", r.stdout);
        assert!(
            run("ps", &["-u", "root"], "/", b"")
                .stdout
                .contains("kthreadd")
        );
    }
}
