//! `systemctl` (systemd 252) and `service` (init-system-helpers 1.65.2) over the shared
//! process model: a unit is active while its main pid lives; `stop` kills the main pid
//! (so `ps`, `ss` and `netstat` agree), `start` brings it back.
//!
//! Emulated: `status UNIT...`, `is-active`, `is-enabled`, `list-units [--type=service]`
//! (one frame, as with `--no-pager`), `start`/`stop`/`restart`/`reload`/`enable`/`disable`
//! for known units (root: silent; others: polkit's refusal), the errors for unknown units;
//! `service X status|start|stop|restart`, `service --status-all`. Never pages, never waits.

use super::util::utc;
use super::{CmdCtx, Command, help};

/// A unit of the persona: name, aliases, description, main pid, docs.
struct Unit {
    name: &'static str,
    alias: &'static str,
    desc: &'static str,
    pid: u32,
    docs: &'static [&'static str],
}

const UNITS: &[Unit] = &[
    Unit {
        name: "cron.service",
        alias: "cron",
        desc: "Regular background program processing daemon",
        pid: 445,
        docs: &["man:cron(8)"],
    },
    Unit {
        name: "getty@tty1.service",
        alias: "getty@tty1",
        desc: "Getty on tty1",
        pid: 471,
        docs: &["man:agetty(8)", "man:systemd-getty-generator(8)"],
    },
    Unit {
        name: "rsyslog.service",
        alias: "rsyslog",
        desc: "System Logging Service",
        pid: 447,
        docs: &[
            "man:rsyslogd(8)",
            "man:rsyslog.conf(5)",
            "https://www.rsyslog.com/doc/",
        ],
    },
    Unit {
        name: "ssh.service",
        alias: "sshd",
        desc: "OpenBSD Secure Shell server",
        pid: 472,
        docs: &["man:sshd(8)", "man:sshd_config(5)"],
    },
    Unit {
        name: "systemd-journald.service",
        alias: "systemd-journald",
        desc: "Journal Service",
        pid: 221,
        docs: &["man:systemd-journald.service(8)", "man:journald.conf(5)"],
    },
    Unit {
        name: "systemd-logind.service",
        alias: "systemd-logind",
        desc: "User Login Management",
        pid: 450,
        docs: &[
            "man:sd-login(3)",
            "man:systemd-logind.service(8)",
            "man:logind.conf(5)",
            "man:org.freedesktop.login1(5)",
        ],
    },
    Unit {
        name: "systemd-timesyncd.service",
        alias: "systemd-timesyncd",
        desc: "Network Time Synchronization",
        pid: 402,
        docs: &["man:systemd-timesyncd.service(8)"],
    },
    Unit {
        name: "systemd-udevd.service",
        alias: "systemd-udevd",
        desc: "Rule-based Manager for Device Events and Files",
        pid: 248,
        docs: &["man:systemd-udevd.service(8)", "man:udev(7)"],
    },
];

/// `x` → `x.service`, as systemctl completes a bare name.
fn unit_name(arg: &str) -> String {
    if arg.contains('.') {
        arg.to_string()
    } else {
        format!("{arg}.service")
    }
}

fn find(arg: &str) -> Option<&'static Unit> {
    let n = unit_name(arg);
    UNITS
        .iter()
        .find(|u| u.name == n || format!("{}.service", u.alias) == n)
}

fn ago(secs: i64) -> String {
    let d = secs / 86_400;
    if d >= 7 {
        let (w, d) = (d / 7, d % 7);
        let ws = format!("{w} week{}", if w == 1 { "" } else { "s" });
        if d == 0 {
            format!("{ws} ago")
        } else {
            format!("{ws} {d} day{} ago", if d == 1 { "" } else { "s" })
        }
    } else if d > 0 {
        format!(
            "{d} day{} {}h ago",
            if d == 1 { "" } else { "s" },
            secs % 86_400 / 3600
        )
    } else if secs >= 3600 {
        format!("{}h {}min ago", secs / 3600, secs % 3600 / 60)
    } else if secs >= 60 {
        format!("{}min {}s ago", secs / 60, secs % 60)
    } else {
        format!("{}s ago", secs.max(0))
    }
}

fn stamp(t: i64) -> String {
    let d = utc(t);
    let wd = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let w = wd
        .get(usize::from(d.weekday().number_days_from_monday()))
        .copied()
        .unwrap_or("Mon");
    format!(
        "{w} {}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
        d.year(),
        u8::from(d.month()),
        d.day(),
        d.hour(),
        d.minute(),
        d.second()
    )
}

fn status(ctx: &mut CmdCtx<'_>, u: &Unit) -> i32 {
    let now = ctx.now.unix_timestamp();
    let proc_ = ctx.persona.processes.iter().find(|p| p.pid == u.pid);
    let alive = !ctx.sys.killed.contains(&u.pid) && proc_.is_some();
    let since = ctx.persona.boot_time + proc_.map_or(0, |p| p.start_after_boot);
    let file = if u.name.starts_with("getty@") {
        "getty@.service"
    } else {
        u.name
    };
    let mut s = format!(
        "{} {} - {}\n     Loaded: loaded (/lib/systemd/system/{file}; enabled; preset: enabled)\n",
        if alive { "●" } else { "○" },
        u.name,
        u.desc
    );
    if alive {
        s.push_str(&format!(
            "     Active: active (running) since {}; {}\n",
            stamp(since),
            ago(now - since)
        ));
    } else {
        s.push_str(&format!(
            "     Active: inactive (dead) since {}; {}\n",
            stamp(now),
            ago(0)
        ));
    }
    for (i, d) in u.docs.iter().enumerate() {
        s.push_str(if i == 0 {
            "       Docs: "
        } else {
            "             "
        });
        s.push_str(d);
        s.push('\n');
    }
    if let (true, Some(p)) = (alive, proc_) {
        let comm = super::sysmodel::comm(&p.cmd);
        s.push_str(&format!("   Main PID: {} ({comm})\n      Tasks: 1 (limit: 4671)\n     Memory: {:.1}M\n        CPU: {}.{:03}s\n     CGroup: /system.slice/{}\n             └─{} {}\n",
            p.pid, p.rss_kb as f64 / 1024.0, p.cpu_secs, (p.pid * 131) % 1000, u.name, p.pid,
            if p.cmd.contains(' ') && !p.cmd.starts_with('/') { format!("\"{}\"", p.cmd) } else { p.cmd.clone() }));
    }
    ctx.stdout.write_str(&s);
    if alive { 0 } else { 3 }
}

fn list_units(ctx: &mut CmdCtx<'_>) -> i32 {
    let live: Vec<&Unit> = UNITS
        .iter()
        .filter(|u| !ctx.sys.killed.contains(&u.pid))
        .collect();
    let w = live.iter().map(|u| u.name.len()).max().unwrap_or(4).max(4);
    let mut s = format!("  {:<w$} LOAD   ACTIVE SUB     DESCRIPTION\n", "UNIT");
    for u in &live {
        s.push_str(&format!(
            "  {:<w$} loaded active running {}\n",
            u.name, u.desc
        ));
    }
    s.push_str(&format!("\nLOAD   = Reflects whether the unit definition was properly loaded.\nACTIVE = The high-level unit activation state, i.e. generalization of SUB.\nSUB    = The low-level unit activation state, values depend on unit type.\n{} loaded units listed. Pass --all to see loaded but inactive units, too.\nTo show all installed unit files use 'systemctl list-unit-files'.\n", live.len()));
    ctx.stdout.write_str(&s);
    0
}

/// Runs a systemctl verb on unit arguments; the exit status.
fn verb(ctx: &mut CmdCtx<'_>, verb: &str, units: &[String]) -> i32 {
    match verb {
        "reboot" => super::power::power_now(ctx, super::power::Action::Reboot),
        "poweroff" => super::power::power_now(ctx, super::power::Action::Poweroff),
        "halt" => super::power::power_now(ctx, super::power::Action::Halt),
        "status" => {
            let mut st = 0;
            for (i, a) in units.iter().enumerate().take(64) {
                if i > 0 {
                    ctx.stdout.write_str("\n");
                }
                match find(a) {
                    Some(u) => st = st.max(status(ctx, u)),
                    None => {
                        ctx.stderr
                            .line(&format!("Unit {} could not be found.", unit_name(a)));
                        st = 4;
                    }
                }
            }
            if units.is_empty() {
                ctx.stdout.write_str(&format!("● {}\n    State: running\n    Units: 231 loaded (incl. loaded aliases)\n     Jobs: 0 queued\n   Failed: 0 units\n    Since: {}; {}\n  systemd: 252.38-1~deb12u1\n   CGroup: /\n", ctx.persona.hostname, stamp(ctx.persona.boot_time), ago(ctx.now.unix_timestamp() - ctx.persona.boot_time)));
            }
            st
        }
        "is-active" => {
            let mut st = 0;
            for a in units.iter().take(64) {
                let on = find(a).is_some_and(|u| !ctx.sys.killed.contains(&u.pid));
                ctx.stdout.line(if on { "active" } else { "inactive" });
                if !on {
                    st = 3;
                }
            }
            st
        }
        "is-enabled" => {
            let mut st = 0;
            for a in units.iter().take(64) {
                if find(a).is_some() {
                    ctx.stdout.line("enabled");
                } else {
                    ctx.stderr.line(&format!(
                        "Failed to get unit file state for {}: No such file or directory",
                        unit_name(a)
                    ));
                    st = 1;
                }
            }
            st
        }
        "start" | "stop" | "restart" | "reload" | "enable" | "disable" | "try-restart"
        | "reload-or-restart" | "mask" | "unmask" | "kill" => {
            if units.is_empty() {
                ctx.stderr.line("Too few arguments.");
                return 1;
            }
            for a in units.iter().take(64) {
                let n = unit_name(a);
                let Some(u) = find(a) else {
                    let why = if verb == "stop" {
                        "not loaded"
                    } else {
                        "not found"
                    };
                    if matches!(verb, "enable" | "disable" | "mask" | "unmask") {
                        ctx.stderr.line(&format!(
                            "Failed to {verb} unit: Unit file {n} does not exist."
                        ));
                        return 1;
                    }
                    ctx.stderr
                        .line(&format!("Failed to {verb} {n}: Unit {n} {why}."));
                    return 5;
                };
                if ctx.user.uid != 0 {
                    ctx.stderr.line(&format!("Failed to {verb} {}: Interactive authentication required.\nSee system logs and 'systemctl status {}' for details.", u.name, u.name));
                    return 4;
                }
                match verb {
                    "stop" | "kill" if ctx.sys.killed.len() < 4096 => {
                        ctx.sys.killed.insert(u.pid);
                    }
                    "start" | "restart" | "reload-or-restart" => {
                        ctx.sys.killed.remove(&u.pid);
                    }
                    _ => {}
                }
            }
            0
        }
        "list-units" | "" => list_units(ctx),
        "daemon-reload" => 0,
        _ => {
            ctx.stderr.line(&format!("Unknown command verb {verb}."));
            1
        }
    }
}

/// `systemctl`.
pub struct Systemctl;

impl Command for Systemctl {
    fn name(&self) -> &'static str {
        "systemctl"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/systemctl"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        // systemctl acts on the name it was run as (`/sbin/reboot` is a link to it).
        let argv0 = args
            .first()
            .map_or("", |a| miragepot_vfs::path::basename(a));
        if let Some(c) = super::by_name(argv0)
            .filter(|c| ["reboot", "poweroff", "halt", "shutdown"].contains(&c.name()))
        {
            return c.run(ctx, args);
        }
        let mut words = Vec::new();
        for a in args.iter().skip(1) {
            if let Some(l) = a.strip_prefix("--") {
                let name = l.split('=').next().unwrap_or(l);
                match name {
                    "help" => {
                        ctx.stdout
                            .write_str(help::help("systemctl").unwrap_or_default());
                        return 0;
                    }
                    "version" => {
                        ctx.stdout
                            .write_str(help::version("systemctl").unwrap_or_default());
                        return 0;
                    }
                    _ if !name.is_empty()
                        && help::help("systemctl")
                            .is_some_and(|h| h.contains(&format!("--{name}"))) => {}
                    _ => {
                        ctx.stderr
                            .line(&format!("systemctl: unrecognized option '{a}'"));
                        return 1;
                    }
                }
            } else if let Some(body) = a.strip_prefix('-').filter(|b| !b.is_empty()) {
                for c in body.chars() {
                    if c == 'h' {
                        ctx.stdout
                            .write_str(help::help("systemctl").unwrap_or_default());
                        return 0;
                    }
                    if !help::help("systemctl").is_some_and(|h| {
                        h.contains(&format!("-{c},")) || h.contains(&format!("-{c} "))
                    }) {
                        ctx.stderr
                            .line(&format!("systemctl: invalid option -- '{c}'"));
                        return 1;
                    }
                }
            } else {
                words.push(a.clone());
            }
        }
        let v = words.first().cloned().unwrap_or_default();
        verb(ctx, &v, words.get(1..).unwrap_or(&[]))
    }
}

/// `service`.
pub struct Service;

const INITD: &[(&str, u32)] = &[
    ("cron", 445),
    ("dbus", 0),
    ("exim4", 0),
    ("hwclock.sh", 0),
    ("kmod", 0),
    ("procps", 0),
    ("ssh", 472),
    ("sudo", 0),
];

impl Command for Service {
    fn name(&self) -> &'static str {
        "service"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/sbin/service"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let Some(first) = args.get(1) else {
            ctx.stderr
                .write_str(help::help("service").unwrap_or_default());
            return 1;
        };
        match first.as_str() {
            "--help" | "-h" => {
                ctx.stderr
                    .write_str(help::help("service").unwrap_or_default());
                return 0;
            }
            "--version" => {
                ctx.stderr.line("service ver. 1.65.2");
                return 0;
            }
            "--status-all" => {
                for (n, pid) in INITD {
                    let on = *pid != 0 && !ctx.sys.killed.contains(pid);
                    ctx.stdout
                        .line(&format!(" [ {} ]  {n}", if on { '+' } else { '-' }));
                }
                return 0;
            }
            _ => {}
        }
        if find(first).is_none() && !INITD.iter().any(|(n, _)| n == first) {
            ctx.stderr.line(&format!("{first}: unrecognized service"));
            return 1;
        }
        let Some(action) = args.get(2) else {
            ctx.stderr
                .write_str(help::help("service").unwrap_or_default());
            return 1;
        };
        if find(first).is_none() {
            return 0;
        }
        verb(ctx, action, std::slice::from_ref(first))
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn status_and_verbs() {
        let r = run("systemctl", &["status", "sshd"], "/", b"");
        assert!(r.stdout.starts_with("● ssh.service - OpenBSD Secure Shell server\n     Loaded: loaded (/lib/systemd/system/ssh.service; enabled; preset: enabled)\n     Active: active (running) since Sat 2025-11-01 21:05:17 UTC; 2 weeks 5 days ago\n"), "{}", r.stdout);
        assert!(r.stdout.contains("   Main PID: 472 (sshd)\n"));
        let r = run("systemctl", &["stop", "ssh"], "/", b"");
        assert_eq!((r.code, r.stderr.as_str()), (0, ""));
        assert!(r.sys.killed.contains(&472));
        let r = run("systemctl", &["stop", "x"], "/", b"");
        assert_eq!(
            (r.code, r.stderr.as_str()),
            (5, "Failed to stop x.service: Unit x.service not loaded.\n")
        );
        let r = run("systemctl", &["list-units", "--type=service"], "/", b"");
        assert!(r.stdout.starts_with("  UNIT                      LOAD   ACTIVE SUB     DESCRIPTION\n  cron.service              loaded active running Regular background program processing daemon\n"), "{}", r.stdout);
        let r = run("service", &["--status-all"], "/", b"");
        assert!(r.stdout.starts_with(" [ + ]  cron\n [ - ]  dbus\n"));
        let r = run("service", &["foo", "status"], "/", b"");
        assert_eq!(
            (r.code, r.stderr.as_str()),
            (1, "foo: unrecognized service\n")
        );
    }
}
