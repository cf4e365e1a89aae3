//! `ps`: report a snapshot of the processes (procps-ng 4.0.2 formats).
//!
//! Shows the persona's background processes plus this session's `sshd: user@pts/0`, `-bash`
//! and the `ps` itself (pids derived from the login time; `ps` gets a fresh one each run).
//! Emulated: default (this terminal's processes), `aux`/`ax`/`-e`/`-A`, `-f`/`-ef`, `-u USER`,
//! `u` (user format), column widths of procps 4.0.2, START/STIME as `HH:MM` today, `MonDD`
//! this year, else the year. Known gaps: `-o`, `--sort`, `-p`, `f` (forest) are ignored.

use super::util::{month_abbr, utc};
use super::{CmdCtx, Command};
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
    let base = 1000 + u32::try_from(login.rem_euclid(2000)).unwrap_or(0);
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

fn comm(cmd: &str) -> String {
    if let Some(k) = cmd.strip_prefix('[').and_then(|c| c.strip_suffix(']')) {
        return k.to_string();
    }
    if cmd.starts_with("sshd:") {
        return "sshd".into();
    }
    let cmd = cmd.trim_start_matches('-');
    let first = cmd.split_whitespace().next().unwrap_or(cmd);
    let b = first.rsplit('/').next().unwrap_or(first);
    b.chars().take(15).collect()
}

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

impl Command for Ps {
    fn name(&self) -> &'static str {
        "ps"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/ps"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
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
        let boot = ctx.persona.boot_time;
        let mut rows: Vec<Row> = ctx
            .persona
            .processes
            .iter()
            .map(|p| Row {
                p: p.clone(),
                tty: if p.cmd.contains("agetty") {
                    "tty1".into()
                } else {
                    "?".into()
                },
                start: boot + p.start_after_boot,
            })
            .collect();
        let me = args.join(" ");
        for (p, tty, start) in session_processes(ctx, &me) {
            rows.push(Row { p, tty, start });
        }
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
