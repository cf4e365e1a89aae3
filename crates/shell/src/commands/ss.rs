//! `ss` (iproute2 6.1.0) over the shared socket model (`sysmodel`): sshd's listeners and
//! the attacker's own connection, gone once their process is killed.
//!
//! Emulated: `-t`, `-u`, `-x`, `-w`, `-l`, `-a`, `-n`, `-p`, `-4`, `-6`, `-s`, `-e`/`-o`/`-m`
//! /`-i`/`-r` (accepted), `-H`, `-h`, `-V`; columns sized to their content as ss does when
//! stdout is not a terminal (on a terminal too; the real ss spreads them to the width).
//! Known gaps: state filters (`state established`) and address filters are ignored.

use super::sysmodel::{self, Sock};
use super::{CmdCtx, Command, help};

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
        let (mut tcp, mut udp, mut unix, mut raw) = (false, false, false, false);
        let (mut listen, mut all, mut numeric, mut procs, mut summary, mut header) =
            (false, false, false, false, false, true);
        let (mut v4, mut v6) = (false, false);
        for a in args.iter().skip(1) {
            if let Some(l) = a.strip_prefix("--") {
                match l {
                    "help" => {
                        ctx.stdout.write_str(help::help("ss").unwrap_or_default());
                        return 0;
                    }
                    "version" => {
                        ctx.stdout
                            .write_str(help::version("ss").unwrap_or_default());
                        return 0;
                    }
                    "tcp" => tcp = true,
                    "udp" => udp = true,
                    "unix" => unix = true,
                    "raw" => raw = true,
                    "listening" => listen = true,
                    "all" => all = true,
                    "numeric" => numeric = true,
                    "processes" => procs = true,
                    "summary" => summary = true,
                    "no-header" => header = false,
                    "ipv4" => v4 = true,
                    "ipv6" => v6 = true,
                    _ if help::help("ss").is_some_and(|h| {
                        h.contains(&format!("--{}", l.split('=').next().unwrap_or(l)))
                    }) && !l.is_empty() => {}
                    _ => {
                        ctx.stderr.line(&format!("ss: unrecognized option '{a}'"));
                        ctx.stderr.write_str(help::help("ss").unwrap_or_default());
                        return 255;
                    }
                }
                continue;
            }
            let Some(body) = a.strip_prefix('-') else {
                continue;
            };
            for c in body.chars() {
                match c {
                    't' => tcp = true,
                    'u' => udp = true,
                    'x' => unix = true,
                    'w' => raw = true,
                    'l' => listen = true,
                    'a' => all = true,
                    'n' => numeric = true,
                    'p' => procs = true,
                    's' => summary = true,
                    'H' => header = false,
                    '4' => v4 = true,
                    '6' => v6 = true,
                    'h' => {
                        ctx.stdout.write_str(help::help("ss").unwrap_or_default());
                        return 0;
                    }
                    'V' => {
                        ctx.stdout
                            .write_str(help::version("ss").unwrap_or_default());
                        return 0;
                    }
                    'e' | 'o' | 'm' | 'i' | 'r' | 'K' | 'Z' | 'z' | 'b' | 'E' | 'O' | 'M' | 'S'
                    | 'd' | '0' | 'T' | 'N' | 'A' | 'f' | 'F' | 'D' | 'B' | 'Q' => {}
                    _ if help::help("ss").is_some_and(|h| h.contains(&format!(" -{c},"))) => {}
                    _ => {
                        ctx.stderr.line(&format!("ss: invalid option -- '{c}'"));
                        ctx.stderr.write_str(help::help("ss").unwrap_or_default());
                        return 255;
                    }
                }
            }
        }
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
        let kinds = [tcp, udp, unix, raw].iter().filter(|k| **k).count();
        let show_tcp = tcp || kinds == 0;
        let netid = kinds != 1;
        let is_root = ctx.user.uid == 0;
        let rows: Vec<Vec<String>> = socks
            .iter()
            .filter(|_| show_tcp)
            .filter(|s| all || s.listen == listen)
            .filter(|s| v4 == v6 || s.v6 == v6)
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
}
