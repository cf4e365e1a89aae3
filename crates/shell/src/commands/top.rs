//! `top` (procps-ng 4.0.2): one frame in batch format, then it returns (never waits for keys).
//!
//! The frame comes from the shared process model (`sysmodel`): killed processes are gone,
//! started ones are there; the header's uptime is `uptime`'s, memory is `free`'s. Emulated:
//! `-b`, `-n N` (one frame is printed whatever N), `-d`, `-p PID,...`, `-u USER`, `-c`
//! (full command lines), `-w COLS`, `-h`, `-v`/`-V`. Rows are sorted by %CPU, then pid.

use super::sysmodel::{self, ProcRow};
use super::{CmdCtx, Command, help};

/// `top`.
pub struct Top;

fn mib(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

fn row(r: &ProcRow, cpu: f64, mem_total: u64, full: bool, width: usize) -> String {
    let p = &r.p;
    let (pr, ni) = if p.stat.contains('<') {
        ("0".to_string(), -20)
    } else if p.stat.contains('N') {
        ("39".to_string(), 19)
    } else {
        ("20".to_string(), 0)
    };
    let shr = p.rss_kb * 55 / 100;
    let state = p.stat.chars().next().unwrap_or('S');
    let hund = (p.pid * 37) % 100;
    let hund = if p.cpu_secs == 0 { hund % 7 } else { hund };
    let time = format!("{}:{:02}.{:02}", p.cpu_secs / 60, p.cpu_secs % 60, hund);
    let mem = p.rss_kb as f64 * 100.0 / mem_total.max(1) as f64;
    let user: String = if p.user.chars().count() > 8 {
        p.user.chars().take(7).chain(['+']).collect()
    } else {
        p.user.clone()
    };
    let head = format!(
        "{:>5} {:<8}  {:>2} {:>3} {:>7} {:>6} {:>6} {} {:>5.1} {:>5.1} {:>9} ",
        p.pid, user, pr, ni, p.vsz_kb, p.rss_kb, shr, state, cpu, mem, time
    );
    let name = if full {
        p.cmd.clone()
    } else {
        sysmodel::comm(&p.cmd)
    };
    let room = width.saturating_sub(head.len()).max(1);
    let name = if name.chars().count() > room {
        name.chars().take(room - 1).chain(['+']).collect()
    } else {
        name
    };
    format!("{head}{name}\n")
}

impl Command for Top {
    fn name(&self) -> &'static str {
        "top"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/top"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let (mut full, mut width) = (false, 80usize);
        let mut pids: Option<Vec<u32>> = None;
        let mut user: Option<String> = None;
        let mut it = args.iter().skip(1);
        while let Some(a) = it.next() {
            if let Some(l) = a.strip_prefix("--") {
                let name = l.split('=').next().unwrap_or(l);
                let known = help::help("top").is_some_and(|h| {
                    h.contains(&format!("--{name} "))
                        || h.contains(&format!("--{name}\n"))
                        || h.contains(&format!("--{name},"))
                });
                if name == "help" {
                    ctx.stdout.write_str(help::help("top").unwrap_or_default());
                    return 0;
                }
                if name == "version" {
                    ctx.stdout
                        .write_str(help::version("top").unwrap_or_default());
                    return 0;
                }
                if !known || name.is_empty() {
                    ctx.stderr.line(&format!("top: unrecognized option '{a}'"));
                    return 0;
                }
                continue;
            }
            let Some(body) = a.strip_prefix('-') else {
                continue;
            };
            for (i, c) in body.char_indices() {
                match c {
                    'h' => {
                        ctx.stdout.write_str(help::help("top").unwrap_or_default());
                        return 0;
                    }
                    'v' | 'V' => {
                        ctx.stdout
                            .write_str(help::version("top").unwrap_or_default());
                        return 0;
                    }
                    'c' => full = !full,
                    'b' | 'H' | 'i' | 'S' | 'e' | '1' => {}
                    'd' | 'n' | 'p' | 'u' | 'U' | 'w' | 'o' | 'O' | 'E' | 'F' | 's' => {
                        let rest = body.get(i + 1..).unwrap_or("");
                        let v = if rest.is_empty() {
                            it.next().cloned()
                        } else {
                            Some(rest.to_string())
                        };
                        let Some(v) = v else {
                            if c == 'w' {
                                break;
                            }
                            ctx.stderr
                                .line(&format!("top: option requires an argument -- '{c}'"));
                            return 0;
                        };
                        match c {
                            'w' => width = v.parse().unwrap_or(80).clamp(80, 512),
                            'p' => {
                                pids = Some(
                                    v.split(',').filter_map(|x| x.trim().parse().ok()).collect(),
                                )
                            }
                            'u' | 'U' => user = Some(v),
                            _ => {}
                        }
                        break;
                    }
                    _ if help::help("top").is_some_and(|h| h.contains(&format!(" -{c},"))) => {}
                    _ => {
                        ctx.stderr.line(&format!("top: invalid option -- '{c}'"));
                        return 0;
                    }
                }
            }
        }
        let mut rows = sysmodel::all_processes(ctx, "top");
        let now = ctx.now.unix_timestamp();
        let me = rows
            .iter()
            .rev()
            .find(|r| r.p.cmd == "top")
            .map(|r| r.p.pid);
        if let Some(ps) = &pids {
            rows.retain(|r| ps.contains(&r.p.pid));
        }
        if let Some(u) = &user {
            rows.retain(|r| &r.p.user == u || r.p.user.starts_with(u.as_str()) && u.len() > 8);
        }
        let total = rows.len();
        let running = rows.iter().filter(|r| r.p.stat.starts_with('R')).count();
        let mem_total = ctx.persona.mem_total_kb;
        let t = mem_total;
        let free = t * 41 / 100;
        let buffcache = t / 50 + t * 31 / 100 + t / 40;
        let used = t.saturating_sub(free + buffcache);
        let avail = t * 78 / 100;
        let mut out = format!("top -{}\n", super::uptime::uptime_line(ctx));
        out.push_str(&format!(
            "Tasks: {total:>3} total, {running:>3} running, {:>3} sleeping,   0 stopped,   0 zombie\n",
            total - running
        ));
        out.push_str(
            "%Cpu(s):  0.0 us,  3.1 sy,  0.0 ni, 96.9 id,  0.0 wa,  0.0 hi,  0.0 si,  0.0 st \n",
        );
        out.push_str(&format!(
            "MiB Mem : {:>8.1} total, {:>8.1} free, {:>8.1} used, {:>8.1} buff/cache     \n",
            mib(t),
            mib(free),
            mib(used),
            mib(buffcache)
        ));
        out.push_str(&format!(
            "MiB Swap: {:>8.1} total, {:>8.1} free, {:>8.1} used. {:>8.1} avail Mem \n\n",
            0.0,
            0.0,
            0.0,
            mib(avail)
        ));
        out.push_str(
            "  PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND\n",
        );
        let cpu_of = |r: &ProcRow| -> f64 {
            if Some(r.p.pid) == me {
                6.2
            } else {
                let up = (now - r.start).max(1) as f64;
                let v = r.p.cpu_secs as f64 * 100.0 / up;
                if v >= 0.05 { v } else { 0.0 }
            }
        };
        let mut scored: Vec<(f64, ProcRow)> = rows.into_iter().map(|r| (cpu_of(&r), r)).collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.p.pid.cmp(&b.1.p.pid)));
        for (cpu, r) in &scored {
            out.push_str(&row(r, *cpu, mem_total, full, width));
        }
        ctx.stdout.write_str(&out);
        0
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn one_batch_frame() {
        let r = run("top", &["-b", "-n", "1"], "/", b"");
        let lines: Vec<&str> = r.stdout.lines().collect();
        assert_eq!(
            lines[0],
            "top - 13:00:00 up 19 days, 15:54,  1 user,  load average: 0.08, 0.03, 0.01"
        );
        assert!(
            lines[1].starts_with(
                "Tasks:  34 total,   1 running,  33 sleeping,   0 stopped,   0 zombie"
            ),
            "{}",
            lines[1]
        );
        assert_eq!(
            lines[3],
            "MiB Mem :   3931.3 total,   1611.8 free,    923.9 used,   1395.6 buff/cache     "
        );
        assert_eq!(
            lines[4],
            "MiB Swap:      0.0 total,      0.0 free,      0.0 used.   3066.4 avail Mem "
        );
        assert_eq!(lines[5], "");
        assert_eq!(
            lines[6],
            "  PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND"
        );
        assert!(
            lines[7].ends_with(" R   6.2   0.1   0:00.01 top"),
            "{}",
            lines[7]
        );
        assert!(
            r.stdout.contains(
                "\n    1 root      20   0  167780  12964   7130 S   0.0   0.3   0:41.37 systemd\n"
            ) || r.stdout.contains("    1 root      20   0  167780  12964"),
            "{}",
            r.stdout
        );
        assert!(
            r.stdout
                .contains(" 0 -20       0      0      0 I   0.0   0.0   0:00.0")
        );
        assert_eq!(
            run("top", &[], "/", b"").stdout.lines().count(),
            lines.len()
        );
    }
}
