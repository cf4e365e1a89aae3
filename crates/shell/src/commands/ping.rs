//! `ping` (iputils 20221126): simulated echo requests with deterministic round-trip times.
//!
//! `-c N` (at most 20), `-w DEADLINE`, `-i`, `-s SIZE`, `-q`, `-n`, `-4`, `-t`, `-W` and the
//! other iputils flags are accepted. Without `-c` it stops after 4 replies, printing the
//! statistics as after Ctrl-C (it never hangs). Private and loopback-less addresses get no
//! answer (100% loss, status 1); unknown names fail as iputils does (status 2). The time the
//! pings take is added to the session's pace.

use super::download;
use super::util::{Bad, getopt};
use super::{CmdCtx, Command};

/// `ping`.
pub struct Ping;

/// Most echo requests one call sends.
const MAX_COUNT: u64 = 20;

impl Command for Ping {
    fn name(&self) -> &'static str {
        "ping"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/ping"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let short = "46aAbBCdDfhLnOqrRUvVc:e:F:i:I:l:m:M:N:p:Q:s:S:t:T:w:W:";
        let (opts, ops) = match super::util::getopt_stop(args, short, None, "hV") {
            Ok(x) => x,
            Err(Bad::Msg(m)) => {
                ctx.error("ping", &m);
                ctx.stderr.write_str(USAGE);
                return 2;
            }
            Err(_) => return 2,
        };
        let _ = getopt;
        let mut count: Option<u64> = None;
        let mut quiet = false;
        let mut size = 56u64;
        for (k, v) in &opts {
            let v = v.as_deref().unwrap_or("");
            match k {
                'h' => {
                    ctx.stdout.write_str(USAGE);
                    return 2;
                }
                'V' => {
                    ctx.stdout.write_str("ping from iputils 20221126\nlibcap: yes, IDN: yes, NLS: yes, error.h: yes, getrandom(): yes, __fpending(): yes\n");
                    return 0;
                }
                'q' => quiet = true,
                'c' | 'w' => match v.parse::<u64>() {
                    Ok(n) if n > 0 => {
                        count = Some(count.map_or(n, |c: u64| c.min(n)));
                    }
                    _ => {
                        let what = if *k == 'c' { "count" } else { "deadline" };
                        ctx.stderr.write_str(&format!(
                            "ping: invalid argument: '{v}': out of range: 1 <= value <= 9223372036854775807\n"
                        ));
                        let _ = what;
                        return 1;
                    }
                },
                's' => match v.parse::<u64>() {
                    Ok(n) if n <= 65507 => size = n,
                    _ => {
                        ctx.stderr.write_str(&format!(
                            "ping: invalid argument: '{v}': out of range: 0 <= value <= 2147483647\n"
                        ));
                        return 1;
                    }
                },
                _ => {}
            }
        }
        let Some(host) = ops.last() else {
            ctx.stderr
                .write_str("ping: usage error: Destination address required\n");
            return 1;
        };
        let Some(ip) = download::resolve(host) else {
            download::pace(ctx, download::dns_ms(host));
            ctx.stderr
                .write_str(&format!("ping: {host}: Name or service not known\n"));
            return 2;
        };
        let n = count.unwrap_or(4).min(MAX_COUNT);
        let loopback = ip.starts_with("127.");
        let answers = loopback || download::reach(&ip, 80) == download::Reach::Open;
        let answers = answers && !(ip.starts_with("10.") || ip.starts_with("192.168."));
        ctx.stdout.write_str(&format!(
            "PING {host} ({ip}) {size}({}) bytes of data.\n",
            size + 28
        ));
        let base_us = if loopback {
            30
        } else {
            download::latency_ms(&ip) * 1000
        };
        let ttl = if loopback {
            64
        } else {
            [45u64, 49, 52, 54, 56, 113, 116, 117, 118, 241, 243, 50]
                .get((base_us / 1000 % 12) as usize)
                .copied()
                .unwrap_or(54)
        };
        let shown = if download::ipv4(host).is_some() {
            ip.clone()
        } else {
            format!("{host} ({ip})")
        };
        let mut rtts = Vec::new();
        for seq in 1..=n {
            if !answers {
                continue;
            }
            // Deterministic jitter of up to ±8%.
            let j = (seq * 2_654_435_761 + base_us) % 17;
            let us = base_us + base_us * j / 100 - base_us * 8 / 100 + 7;
            rtts.push(us);
            if !quiet {
                ctx.stdout.write_str(&format!(
                    "{} bytes from {shown}: icmp_seq={seq} ttl={ttl} time={} ms\n",
                    size + 8,
                    fmt_ms(us)
                ));
            }
        }
        let time_ms = (n - 1) * 1000 + if answers { base_us / 1000 + 3 } else { 40 };
        download::pace(ctx, time_ms);
        let got = rtts.len() as u64;
        ctx.stdout.write_str(&format!(
            "\n--- {host} ping statistics ---\n{n} packets transmitted, {got} received, {}% packet loss, time {time_ms}ms\n",
            (n - got) * 100 / n
        ));
        if got == 0 {
            return 1;
        }
        let min = rtts.iter().min().copied().unwrap_or(0);
        let max = rtts.iter().max().copied().unwrap_or(0);
        let avg = rtts.iter().sum::<u64>() / got;
        let mean_sq = rtts.iter().map(|x| (x * x) as f64).sum::<f64>() / got as f64;
        let mdev = (mean_sq - (avg * avg) as f64).max(0.0).sqrt() as u64;
        let f = |us: u64| format!("{}.{:03}", us / 1000, us % 1000);
        ctx.stdout.write_str(&format!(
            "rtt min/avg/max/mdev = {}/{}/{}/{} ms\n",
            f(min),
            f(avg),
            f(max),
            f(mdev)
        ));
        0
    }
}

/// iputils' reply time: 3 decimals under 1 ms, 2 under 10, 1 under 100, none above.
fn fmt_ms(us: u64) -> String {
    if us >= 100_000 - 50 {
        format!("{}", (us + 500) / 1000)
    } else if us >= 10_000 - 5 {
        format!("{}.{}", (us + 50) / 1000, (us + 50) % 1000 / 100)
    } else if us >= 1000 {
        format!("{}.{:02}", (us + 5) / 1000, (us + 5) % 1000 / 10)
    } else {
        format!("{}.{:03}", us / 1000, us % 1000)
    }
}

const USAGE: &str = "\nUsage\n  ping [options] <destination>\n\nOptions:\n  <destination>      dns name or ip address\n  -a                 use audible ping\n  -A                 use adaptive ping\n  -B                 sticky source address\n  -c <count>         stop after <count> replies\n  -C                 call connect() syscall on socket creation\n  -D                 print timestamps\n  -d                 use SO_DEBUG socket option\n  -e <identifier>    define identifier for ping session, default is random for\n                     SOCK_RAW and kernel defined for SOCK_DGRAM\n                     Imply using SOCK_RAW (for IPv4 only for identifier 0)\n  -f                 flood ping\n  -h                 print help and exit\n  -I <interface>     either interface name or address\n  -i <interval>      seconds between sending each packet\n  -L                 suppress loopback of multicast packets\n  -l <preload>       send <preload> number of packages while waiting replies\n  -m <mark>          tag the packets going out\n  -M <pmtud opt>     define path MTU discovery, can be one of <do|dont|want|probe>\n  -n                 no dns name resolution\n  -O                 report outstanding replies\n  -p <pattern>       contents of padding byte\n  -q                 quiet output\n  -Q <tclass>        use quality of service <tclass> bits\n  -s <size>          use <size> as number of data bytes to be sent\n  -S <size>          use <size> as SO_SNDBUF socket option value\n  -t <ttl>           define time to live\n  -U                 print user-to-user latency\n  -v                 verbose output\n  -V                 print version and exit\n  -w <deadline>      reply wait <deadline> in seconds\n  -W <timeout>       time to wait for response\n\nIPv4 options:\n  -4                 use IPv4\n  -b                 allow pinging broadcast\n  -R                 record route\n  -T <timestamp>     define timestamp, can be one of <tsonly|tsandaddr|tsprespec>\n\nIPv6 options:\n  -6                 use IPv6\n  -F <flowlabel>     define flow label, default is random\n  -N <nodeinfo opt>  use icmp6 node info query, try <help> as argument\n\nFor more details see ping(8).\n";

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn replies_and_statistics() {
        let r = run("ping", &["-c", "3", "198.51.100.7"], "/", b"");
        assert_eq!(r.code, 0);
        let l: Vec<&str> = r.stdout.lines().collect();
        assert_eq!(
            l[0],
            "PING 198.51.100.7 (198.51.100.7) 56(84) bytes of data."
        );
        assert!(l[1].starts_with("64 bytes from 198.51.100.7: icmp_seq=1 ttl="));
        assert!(l[3].contains("icmp_seq=3 "));
        assert_eq!(l[4], "");
        assert_eq!(l[5], "--- 198.51.100.7 ping statistics ---");
        assert!(l[6].starts_with("3 packets transmitted, 3 received, 0% packet loss, time 20"));
        assert!(l[7].starts_with("rtt min/avg/max/mdev = "));
        assert_eq!(
            r.stdout,
            run("ping", &["-c", "3", "198.51.100.7"], "/", b"").stdout
        );
        assert!(r.sys.pace_ms >= 2000);
        let r = run("ping", &["example.com"], "/", b"");
        assert_eq!(r.stdout.matches("icmp_seq=").count(), 4);
        assert!(r.stdout.contains("bytes from example.com ("));
    }

    #[test]
    fn failures() {
        let r = run("ping", &["nosuchhost"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("ping: nosuchhost: Name or service not known\n", 2)
        );
        let r = run("ping", &[], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("ping: usage error: Destination address required\n", 1)
        );
        let r = run("ping", &["-c", "2", "10.1.2.3"], "/", b"");
        assert_eq!(r.code, 1);
        assert!(
            r.stdout
                .contains("2 packets transmitted, 0 received, 100% packet loss, time 1040ms\n")
        );
        assert_eq!(super::fmt_ms(11_234), "11.2");
        assert_eq!(super::fmt_ms(5_432), "5.43");
        assert_eq!(super::fmt_ms(45), "0.045");
        assert_eq!(super::fmt_ms(150_000), "150");
    }
}
