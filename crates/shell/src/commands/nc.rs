//! `nc` (netcat-openbsd 1.219, also `netcat` and `nc.openbsd`): simulated connections.
//!
//! `nc HOST PORT` sends stdin to a port that answers and returns as if the peer closed;
//! `-z` scans ports and ranges (`-v` reports `succeeded!` or `Connection refused`); `-l`
//! returns at once (`-v` prints the `Listening on` line); unknown names fail with the
//! getaddrinfo text; options it lacks (`-e`, `-c`) print glibc's message and the usage, as
//! the OpenBSD netcat does. Nothing ever waits.

use super::download::{self, Reach};
use super::util::{Bad, getopt_stop};
use super::{CmdCtx, Command};

/// `nc`.
pub struct Nc;

const USAGE: &str = "usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]\n\t  [-m minttl] [-O length] [-P proxy_username] [-p source_port]\n\t  [-q seconds] [-s sourceaddr] [-T keyword] [-V rtable] [-W recvlimit]\n\t  [-w timeout] [-X proxy_protocol] [-x proxy_address[:port]]\n\t  [destination] [port]\n";

/// Most ports one scan tries.
const MAX_PORTS: usize = 200;

impl Command for Nc {
    fn name(&self) -> &'static str {
        "nc"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/nc.openbsd"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        // Messages carry the name it was run as (`nc`, `netcat`), as getprogname() gives.
        let prog = args
            .first()
            .map(|a| a.rsplit('/').next().unwrap_or(a).to_string())
            .unwrap_or_else(|| "nc".into());
        let short = "46bCDdFhklNnrStUuvZzI:i:M:m:O:P:p:q:s:T:V:W:w:X:x:";
        let (opts, ops) = match getopt_stop(args, short, None, "h") {
            Ok(x) => x,
            Err(Bad::Msg(m)) => {
                ctx.error(&prog, &m);
                ctx.stderr.write_str(USAGE);
                return 1;
            }
            Err(_) => return 1,
        };
        let has = |c: char| opts.iter().any(|o| o.0 == c);
        if has('h') {
            ctx.stderr
                .write_str("OpenBSD netcat (Debian patchlevel 1.219-1)\n");
            ctx.stderr.write_str(USAGE);
            return 1;
        }
        let verbose = has('v');
        let udp = has('u');
        if has('l') {
            let port = opts
                .iter()
                .find(|o| o.0 == 'p')
                .and_then(|o| o.1.clone())
                .or_else(|| ops.last().cloned());
            let Some(port) = port else {
                ctx.stderr.write_str(USAGE);
                return 1;
            };
            if port.parse::<u16>().is_err() {
                ctx.stderr
                    .write_str(&format!("{prog}: port number invalid: {port}\n"));
                return 1;
            }
            if verbose {
                ctx.stderr
                    .write_str(&format!("Listening on 0.0.0.0 {port}\n"));
            }
            return 0;
        }
        let (host, ports) = match ops.as_slice() {
            [h, p, ..] => (h, p),
            _ => {
                ctx.stderr.write_str(USAGE);
                return 1;
            }
        };
        let list = match ports_of(ports) {
            Some(l) => l,
            None => {
                ctx.stderr
                    .write_str(&format!("{prog}: port range not valid: {ports}\n"));
                return 1;
            }
        };
        let Some(ip) = download::resolve(host) else {
            download::pace(ctx, download::dns_ms(host));
            ctx.stderr.write_str(&format!(
                "{prog}: getaddrinfo for host \"{host}\" port {}: Name or service not known\n",
                list.first().copied().unwrap_or(0)
            ));
            return 1;
        };
        let proto = if udp { "udp" } else { "tcp" };
        let mut status = 1;
        for port in list {
            download::pace(ctx, download::latency_ms(&ip));
            if udp || download::reach(&ip, port) == Reach::Open {
                status = 0;
                if verbose {
                    ctx.stderr.write_str(&format!(
                        "Connection to {host} {port} port [{proto}/{}] succeeded!\n",
                        service(port)
                    ));
                }
                if !has('z') {
                    // The peer reads stdin and closes without a word.
                    return 0;
                }
            } else if verbose {
                ctx.stderr.write_str(&format!(
                    "{prog}: connect to {host} port {port} ({proto}) failed: Connection refused\n"
                ));
            }
        }
        status
    }
}

/// `80`, `20-25`; `None` when not a port or range.
fn ports_of(s: &str) -> Option<Vec<u16>> {
    let (lo, hi) = match s.split_once('-') {
        Some((a, b)) => (a.parse::<u16>().ok()?, b.parse::<u16>().ok()?),
        None => {
            let p = s.parse::<u16>().ok()?;
            (p, p)
        }
    };
    let (lo, hi) = (lo.min(hi), lo.max(hi));
    if lo == 0 {
        return None;
    }
    Some((lo..=hi).take(MAX_PORTS).collect())
}

/// The `/etc/services` name of a TCP port, `*` when it has none.
fn service(port: u16) -> &'static str {
    match port {
        21 => "ftp",
        22 => "ssh",
        23 => "telnet",
        25 => "smtp",
        53 => "domain",
        80 => "http",
        110 => "pop3",
        143 => "imap2",
        443 => "https",
        3306 => "mysql",
        5432 => "postgresql",
        6379 => "redis",
        8080 => "http-alt",
        _ => "*",
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn scans_and_connects() {
        let r = run("nc", &["-zv", "198.51.100.7", "22"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "Connection to 198.51.100.7 22 port [tcp/ssh] succeeded!\n",
                0
            )
        );
        let r = run("nc", &["-zv", "127.0.0.1", "79-80"], "/", b"");
        assert_eq!(
            r.stderr,
            "nc: connect to 127.0.0.1 port 79 (tcp) failed: Connection refused\nnc: connect to 127.0.0.1 port 80 (tcp) failed: Connection refused\n"
        );
        assert_eq!(r.code, 1);
        let r = run("nc", &["127.0.0.1", "4444"], "/", b"x");
        assert_eq!((r.stderr.as_str(), r.code), ("", 1));
        let r = run(
            "nc",
            &["198.51.100.7", "80"],
            "/",
            b"GET / HTTP/1.0\r\n\r\n",
        );
        assert_eq!(r.code, 0);
    }

    #[test]
    fn errors_and_listen() {
        let r = run("nc", &[], "/", b"");
        assert_eq!((r.stderr.as_str(), r.code), (super::USAGE, 1));
        let r = run("nc", &["1.2.3.4", "4444", "-e", "/bin/sh"], "/", b"");
        assert!(
            r.stderr
                .starts_with("nc: invalid option -- 'e'\nusage: nc ")
        );
        let r = run("nc", &["nosuch", "80"], "/", b"");
        assert_eq!(
            r.stderr,
            "nc: getaddrinfo for host \"nosuch\" port 80: Name or service not known\n"
        );
        let r = run("nc", &["-lvp", "4444"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("Listening on 0.0.0.0 4444\n", 0)
        );
    }
}
