//! `ss` (iproute2 6.1.0) over the shared socket model (`sysmodel`): sshd's listeners and
//! the attacker's own connection, gone once their process is killed.
//!
//! Emulated: `-t`, `-u`, `-x`, `-w`, `-l`, `-a`, `-n`, `-p`, `-4`, `-6`, `-s`, `-f`, `-A`,
//! `-e`/`-o`/`-m`/`-i`/`-r` (accepted), `-H`, `-h`, `-V` (options shared with `netstat` in
//! `sockopts`), and filters (`state listening`, `sport = :22`, `( dport = :443 or ... )`,
//! `src 10.0.0.0/8`, in `ssfilter`); a single state leaves the State column out. Columns are
//! sized to their content as ss does when stdout is not a terminal (on a terminal too; the
//! real ss spreads them to the width).

use super::sockopts::{self, Parsed, Tool};
use super::ssfilter::{self, FilterError};
use super::sysmodel::{self, Sock};
use super::{CmdCtx, Command, help};

/// TCP service names and ports from the box's `/etc/services`.
fn services(ctx: &CmdCtx<'_>) -> Vec<(String, u16)> {
    let fctx = ctx.fs_ctx();
    let Ok(text) = ctx.fs.read("/", "/etc/services", &fctx, 1 << 16) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for line in String::from_utf8_lossy(&text).lines() {
        let line = line.split('#').next().unwrap_or("");
        let mut f = line.split_whitespace();
        let (Some(name), Some(spec)) = (f.next(), f.next()) else {
            continue;
        };
        let Some(port) = spec.strip_suffix("/tcp").and_then(|p| p.parse().ok()) else {
            continue;
        };
        out.push((name.to_string(), port));
        out.extend(f.map(|alias| (alias.to_string(), port)));
    }
    out
}

/// `ss`.
pub struct Ss;

fn service(port: u16, numeric: bool) -> String {
    match port {
        22 if !numeric => "ssh".into(),
        p => p.to_string(),
    }
}

/// Renders rows the way ss's compact renderer does: each column as wide as its widest
/// cell, `ldelim` before every column but the first.
fn render(cols: &[(bool, &str)], rows: &[Vec<String>], header: bool) -> String {
    let n = cols.len();
    let mut w = vec![0usize; n];
    for (i, (_, h)) in cols.iter().enumerate() {
        let mut max = if header { h.chars().count() } else { 0 };
        for r in rows {
            max = max.max(r.get(i).map_or(0, |c| c.chars().count()));
        }
        if let Some(x) = w.get_mut(i) {
            *x = max;
        }
    }
    let delim = |i: usize, hdr: &str| -> &'static str {
        if i == 0 || matches!(hdr, "Port" | "Process") {
            ""
        } else {
            " "
        }
    };
    let mut out = String::new();
    let mut line = |cells: Vec<String>| {
        for (i, ((right, h), c)) in cols.iter().zip(cells).enumerate() {
            let width = w.get(i).copied().unwrap_or(0);
            if width == 0 {
                continue;
            }
            out.push_str(delim(i, h));
            if *right {
                out.push_str(&format!("{c:>width$}"));
            } else {
                out.push_str(&format!("{c:<width$}"));
            }
        }
        out.push('\n');
    };
    if header {
        line(cols.iter().map(|(_, h)| h.to_string()).collect());
    }
    for r in rows {
        line(r.clone());
    }
    out
}

impl Command for Ss {
    fn name(&self) -> &'static str {
        "ss"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/ss"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let usage = help::help("ss").unwrap_or_default();
        let o = match sockopts::parse(args, Tool::Ss) {
            Parsed::Run(o) => o,
            Parsed::Help => {
                ctx.stdout.write_str(usage);
                return 0;
            }
            Parsed::Version => {
                ctx.stdout
                    .write_str(help::version("ss").unwrap_or_default());
                return 0;
            }
            Parsed::Bad(msg) => {
                ctx.stderr.line(&format!("ss: {msg}"));
                ctx.stderr.write_str(usage);
                return 255;
            }
        };
        let services = services(ctx);
        let lookup = |name: &str| services.iter().find(|(n, _)| n == name).map(|(_, p)| *p);
        let filter = match ssfilter::parse(&o.words, &lookup) {
            Ok(f) => f,
            Err(e) => {
                let (msg, code) = e.message();
                ctx.stderr.write_str(&msg);
                if e == FilterError::Syntax {
                    ctx.stderr.write_str(usage);
                }
                return code;
            }
        };
        let (tcp, udp, unix, raw) = (o.tcp, o.udp, o.unix, o.raw);
        let (listen, all, numeric, procs, summary, header) =
            (o.listen, o.all, o.numeric, o.procs, o.summary, !o.no_header);
        let (v4, v6) = (o.v4, o.v6);
        let socks = sysmodel::sockets(ctx);
        if summary {
            let tcp4 = socks.iter().filter(|s| !s.v6).count();
            let tcp6 = socks.len() - tcp4;
            let estab = socks.iter().filter(|s| !s.listen).count();
            let t = socks.len();
            ctx.stdout.write_str(&format!(
                "Total: {}\nTCP:   {t} (estab {estab}, closed 0, orphaned 0, timewait 0)\n\nTransport Total     IP        IPv6\nRAW\t  0         0         0        \nUDP\t  0         0         0        \nTCP\t  {t:<9} {tcp4:<9} {tcp6:<9}\nINET\t  {t:<9} {tcp4:<9} {tcp6:<9}\nFRAG\t  0         0         0        \n\n",
                96 + t
            ));
            return 0;
        }
        let kinds = [tcp, udp, unix, raw, o.other]
            .iter()
            .filter(|k| **k)
            .count();
        let show_tcp = tcp || kinds == 0;
        let netid = kinds != 1;
        let is_root = ctx.user.uid == 0;
        let states = filter.states.unwrap_or(if all {
            ssfilter::ALL
        } else if listen {
            ssfilter::LISTEN | ssfilter::CLOSE
        } else {
            ssfilter::CONNECTED
        });
        let state_of = |s: &Sock| {
            if s.listen {
                ssfilter::LISTEN
            } else {
                ssfilter::ESTABLISHED
            }
        };
        let rows: Vec<Vec<String>> = socks
            .iter()
            .filter(|_| show_tcp)
            .filter(|s| states & state_of(s) != 0)
            .filter(|s| v4 == v6 || s.v6 == v6)
            .filter(|s| filter.keeps(s))
            .map(|s: &Sock| {
                let proc_col = if procs && (is_root) {
                    format!(
                        " users:((\"{}\",pid={},fd={}))",
                        sysmodel::comm(&s.cmd),
                        s.pid,
                        s.fd
                    )
                } else {
                    String::new()
                };
                let bracket = |a: &str| {
                    if a.contains(':') {
                        format!("[{a}]:")
                    } else {
                        format!("{a}:")
                    }
                };
                vec![
                    "tcp".into(),
                    if s.listen { "LISTEN" } else { "ESTAB" }.into(),
                    s.recv_q.to_string(),
                    s.send_q.to_string(),
                    bracket(&s.local.0),
                    service(s.local.1, numeric),
                    bracket(&s.peer.0),
                    s.peer.1.map_or_else(|| "*".into(), |p| service(p, numeric)),
                    proc_col,
                ]
            })
            .collect();
        let mut cols: Vec<(bool, &str)> = vec![
            (false, "Netid"),
            (false, "State"),
            (false, "Recv-Q"),
            (false, "Send-Q"),
            (true, "Local Address:"),
            (false, "Port"),
            (true, "Peer Address:"),
            (false, "Port"),
            (false, "Process"),
        ];
        let mut rows = rows;
        // One state asked for: ss leaves the State column out.
        if states.count_ones() == 1 {
            cols.remove(1);
            for r in &mut rows {
                r.remove(1);
            }
        }
        if !netid {
            cols.remove(0);
            for r in &mut rows {
                r.remove(0);
            }
        }
        ctx.stdout.write_str(&render(&cols, &rows, header));
        0
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn listeners_and_connection() {
        let r = run("ss", &["-tan"], "/", b"");
        assert_eq!(
            r.stdout,
            "State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n\
LISTEN 0      128          0.0.0.0:22        0.0.0.0:*           \n\
LISTEN 0      128             [::]:22           [::]:*           \n\
ESTAB  0      0          10.0.3.17:22    203.0.113.9:50022       \n"
        );
        let r = run("ss", &["-tulpn"], "/", b"");
        assert_eq!(
            r.stdout,
            "Netid State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess                       \n\
tcp   LISTEN 0      128          0.0.0.0:22        0.0.0.0:*    users:((\"sshd\",pid=472,fd=3))\n\
tcp   LISTEN 0      128             [::]:22           [::]:*    users:((\"sshd\",pid=472,fd=4))\n"
        );
        let r = run("ss", &["-s"], "/", b"");
        assert!(
            r.stdout
                .starts_with("Total: 99\nTCP:   3 (estab 1, closed 0, orphaned 0, timewait 0)\n")
        );
    }

    /// Formats and messages follow iproute2 6.1.0 on Debian 12: one state asked for drops the
    /// State column; an empty result keeps the header.
    #[test]
    fn filters_select_and_refuse_as_ss_does() {
        let cases: &[(&[&str], &str, &str, i32)] = &[
            (
                &["-tan", "state", "listening"],
                "Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n\
0      128          0.0.0.0:22        0.0.0.0:*          \n\
0      128             [::]:22           [::]:*          \n",
                "",
                0,
            ),
            (
                &[
                    "-tn",
                    "state",
                    "established",
                    "( dport = :ssh or sport = :ssh )",
                ],
                "Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n\
0      0          10.0.3.17:22    203.0.113.9:50022       \n",
                "",
                0,
            ),
            (
                &["-tan", "sport", "=", ":443"],
                "State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n",
                "",
                0,
            ),
            (
                &["-tan", "exclude", "listening"],
                "State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n\
ESTAB 0      0          10.0.3.17:22    203.0.113.9:50022       \n",
                "",
                0,
            ),
            (
                &["-tln", "src", "0.0.0.0/0"],
                "State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n\
LISTEN 0      128          0.0.0.0:22        0.0.0.0:*          \n",
                "",
                0,
            ),
            (
                &["-tan", "state", "bogus"],
                "",
                "ss: wrong state name: bogus\n",
                255,
            ),
            (
                &["-tan", "foo"],
                "",
                "Error: an inet prefix is expected rather than \"foo\".\nCannot parse dst/src address.\n",
                1,
            ),
            (
                &["-tan", "state"],
                "",
                "Command line is not complete. Try option \"help\"\n",
                255,
            ),
        ];
        for (args, out, err, code) in cases {
            let r = run("ss", args, "/", b"");
            assert_eq!(
                (r.stdout.as_str(), r.stderr.as_str(), r.code),
                (*out, *err, *code),
                "{args:?}"
            );
        }
        let r = run("ss", &["-tan", "(", "sport", "=", ":22"], "/", b"");
        assert_eq!(r.code, 255);
        assert!(r.stderr.starts_with(
            "ss: bison bellows (while parsing filter): \"syntax error!\" Sorry.\nUsage: ss [ OPTIONS ]\n"
        ));
        let r = run("ss", &["-tn", "-f", "bogus"], "/", b"");
        assert_eq!(r.code, 255);
        assert!(
            r.stderr
                .starts_with("ss: \"bogus\" is invalid family\nUsage: ss")
        );
        let r = run("ss", &["-tn", "-f", "inet"], "/", b"");
        assert!(
            r.stdout
                .ends_with("ESTAB 0      0          10.0.3.17:22    203.0.113.9:50022       \n")
        );
    }
}
