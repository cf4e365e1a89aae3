//! `netstat` (net-tools 2.10) over the shared socket model (`sysmodel`): the same sockets
//! `ss` shows, gone once their process is killed.
//!
//! Emulated: `-t`, `-u`, `-x`, `-w`, `-l`, `-a`, `-n`, `-p`, `-e` (accepted), `-W`, `-4`,
//! `-6`, `-A FAMILY`, `-h`, `-V` (options shared with `ss` in `sockopts`), and the
//! UNIX-socket section when no protocol is chosen. Known gaps:
//! `-r`, `-i`, `-s` and `-c` print the socket listing too.

use super::sockopts::{self, Parsed, Tool};
use super::sysmodel::{self, ProcRow};
use super::{CmdCtx, Command, help};

/// `netstat`.
pub struct Netstat;

/// `pid/name` as netstat builds it from `/proc/PID/cmdline` (19 characters at most).
fn prog(pid: u32, cmd: &str) -> String {
    let name = if cmd.starts_with('/') {
        let first = cmd.split(' ').next().unwrap_or(cmd);
        first.rsplit('/').next().unwrap_or(first)
    } else {
        cmd
    };
    format!("{pid}/{name}").chars().take(19).collect()
}

/// UNIX sockets of the live persona processes: (pid, flags, type, state, inode, path).
const UNIX: &[(u32, &str, &str, &str, u32, &str)] = &[
    (
        1,
        "[ ACC ]",
        "STREAM",
        "LISTENING",
        13_452,
        "/run/systemd/private",
    ),
    (
        1,
        "[ ACC ]",
        "STREAM",
        "LISTENING",
        13_460,
        "/run/systemd/userdb/io.systemd.DynamicUser",
    ),
    (
        1,
        "[ ACC ]",
        "SEQPACKET",
        "LISTENING",
        13_466,
        "/run/udev/control",
    ),
    (
        221,
        "[ ACC ]",
        "STREAM",
        "LISTENING",
        13_474,
        "/run/systemd/journal/stdout",
    ),
    (
        221,
        "[ ]",
        "DGRAM",
        "",
        13_478,
        "/run/systemd/journal/socket",
    ),
    (
        221,
        "[ ]",
        "DGRAM",
        "",
        13_480,
        "/run/systemd/journal/dev-log",
    ),
    (1, "[ ]", "DGRAM", "", 13_449, "/run/systemd/notify"),
    (450, "[ ]", "STREAM", "CONNECTED", 15_112, ""),
    (447, "[ ]", "DGRAM", "CONNECTED", 15_230, ""),
    (402, "[ ]", "STREAM", "CONNECTED", 15_301, ""),
];

impl Command for Netstat {
    fn name(&self) -> &'static str {
        "netstat"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/netstat"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let usage = |ctx: &mut CmdCtx<'_>, code: i32| {
            let h = help::help("netstat").unwrap_or_default();
            if code == 0 {
                ctx.stdout.write_str(h);
            } else {
                ctx.stderr.write_str(h);
            }
            ctx.stderr.write_str(include_str!("help/netstat.afs"));
            code
        };
        let o = match sockopts::parse(args, Tool::Netstat) {
            Parsed::Run(o) => o,
            Parsed::Help => return usage(ctx, 0),
            Parsed::Version => {
                ctx.stdout
                    .write_str(help::version("netstat").unwrap_or_default());
                return 0;
            }
            Parsed::Bad(msg) => {
                ctx.stderr.line(&format!("netstat: {msg}"));
                return usage(ctx, 3);
            }
        };
        let (tcp, udp, unix, raw) = (o.tcp, o.udp, o.unix, o.raw);
        let (listen, all, numeric, procs, v4, v6) =
            (o.listen, o.all, o.numeric, o.procs, o.v4, o.v6);
        let none = !(tcp || udp || unix || raw || o.other);
        let inet = tcp || udp || raw || none;
        let what = if all {
            "servers and established"
        } else if listen {
            "only servers"
        } else {
            "w/o servers"
        };
        let is_root = ctx.user.uid == 0;
        let mut out = String::new();
        if procs && !is_root {
            out.push_str("(Not all processes could be identified, non-owned process info\n will not be shown, you would have to be root to see it all.)\n");
        }
        if inet {
            out.push_str(&format!("Active Internet connections ({what})\n"));
            out.push_str(
                "Proto Recv-Q Send-Q Local Address           Foreign Address         State      ",
            );
            out.push_str(if procs {
                " PID/Program name    \n"
            } else {
                "\n"
            });
            let socks = sysmodel::sockets(ctx);
            for s in socks.iter().filter(|_| tcp || none) {
                if !(all || s.listen == listen) || (v4 && !v6 && s.v6) || (v6 && !v4 && !s.v6) {
                    continue;
                }
                let addr = |a: &str, p: Option<u16>| {
                    let port = match p {
                        Some(22) if !numeric => "ssh".to_string(),
                        Some(p) => p.to_string(),
                        None => "*".into(),
                    };
                    if a == "::" && !numeric {
                        format!("[::]:{port}")
                    } else {
                        format!("{a}:{port}")
                    }
                };
                out.push_str(&format!(
                    "{:<5} {:>6} {:>6} {:<23} {:<23} {:<11}",
                    if s.v6 { "tcp6" } else { "tcp" },
                    s.recv_q,
                    if s.listen { 0 } else { s.send_q },
                    addr(&s.local.0, Some(s.local.1)),
                    addr(&s.peer.0, s.peer.1),
                    if s.listen { "LISTEN" } else { "ESTABLISHED" }
                ));
                if procs {
                    let p = if is_root {
                        prog(s.pid, &s.cmd)
                    } else {
                        "-".into()
                    };
                    out.push_str(&format!(" {p:<20}"));
                }
                out.push('\n');
            }
        }
        if unix || none {
            let live: Vec<ProcRow> = sysmodel::background(ctx.persona, ctx.sys);
            out.push_str(&format!("Active UNIX domain sockets ({what})\n"));
            out.push_str("Proto RefCnt Flags       Type       State         I-Node  ");
            out.push_str(if procs { " PID/Program name    " } else { "" });
            out.push_str(" Path\n");
            for (pid, flags, ty, state, inode, path) in UNIX {
                let Some(r) = live.iter().find(|r| r.p.pid == *pid) else {
                    continue;
                };
                let listening = *state == "LISTENING";
                if !(all || listening == listen) {
                    continue;
                }
                out.push_str(&format!(
                    "unix  {:<6} {:<11} {:<10} {:<13} {:<8}",
                    if listening || path.is_empty() { 2 } else { 3 },
                    flags,
                    ty,
                    state,
                    inode
                ));
                if procs {
                    let p = if is_root {
                        prog(*pid, &r.p.cmd)
                    } else {
                        "-".into()
                    };
                    out.push_str(&format!(" {p:<20}"));
                }
                out.push_str(&format!(" {path}\n"));
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
    fn tulpn_and_antp() {
        let r = run("netstat", &["-tulpn"], "/", b"");
        assert_eq!(
            r.stdout,
            "Active Internet connections (only servers)\n\
Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name    \n\
tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      472/sshd: /usr/sbin \n\
tcp6       0      0 :::22                   :::*                    LISTEN      472/sshd: /usr/sbin \n"
        );
        let r = run("netstat", &["-antp"], "/", b"");
        assert!(r.stdout.contains("\ntcp        0      0 10.0.3.17:22            203.0.113.9:50022       ESTABLISHED 1000/sshd: root@pts \n"), "{}", r.stdout);
        let r = run("netstat", &["-an"], "/", b"");
        assert!(r.stdout.contains("Active UNIX domain sockets (servers and established)\nProto RefCnt Flags       Type       State         I-Node   Path\nunix  2      [ ACC ]     STREAM     LISTENING     13452    /run/systemd/private\n"), "{}", r.stdout);
        let r = run("netstat", &["-plnt"], "/", b"");
        assert!(r.stdout.contains("LISTEN      472/sshd: /usr/sbin"));
    }

    #[test]
    fn families_and_refusals() {
        let r = run("netstat", &["-an", "-A", "inet"], "/", b"");
        assert!(
            r.stdout
                .starts_with("Active Internet connections (servers and established)\n")
        );
        assert!(!r.stdout.contains("UNIX"));
        let r = run("netstat", &["-A", "unix", "-l"], "/", b"");
        assert!(
            r.stdout
                .starts_with("Active UNIX domain sockets (only servers)\n")
        );
        let r = run("netstat", &["-H"], "/", b"");
        assert_eq!(r.code, 3);
        assert!(r.stderr.starts_with("netstat: invalid option -- 'H'\n"));
        let r = run("netstat", &["-tn", "-A"], "/", b"");
        assert!(
            r.stderr
                .starts_with("netstat: option requires an argument -- 'A'\n")
        );
    }
}
