//! net-tools 2.10: `ifconfig`, `route` and `arp`, from [`crate::machine::Machine`] (the same
//! addresses, routes and neighbour `ip` shows).
//!
//! Emulated: `ifconfig` (all up interfaces, sorted by name), `-a`, `-s`, `IFACE`, and
//! changes (`ifconfig ens3 down`, `... 1.2.3.4 netmask ...`): `SIOCSIF...: Operation not
//! permitted` for non-root, silent for root; `route` / `route -n` / `-e`, `route add|del`
//! (`SIOCADDRT`/`SIOCDELRT: Operation not permitted` for non-root); `arp`, `arp -n`,
//! `arp -a`, `-i IFACE`, host filters, `-d`/`-s` (permission checked). `--help`/`-V` as
//! captured. Known gaps: `route -C` cache, `-A inet6`, `arp -v` trailer.

use super::{CmdCtx, Command, help};
use crate::machine::{Iface, Machine, v4};

/// `ifconfig`.
pub struct Ifconfig;
/// `route`.
pub struct Route;
/// `arp`.
pub struct Arp;

fn machine(ctx: &CmdCtx<'_>) -> Machine {
    Machine::of(
        ctx.persona,
        ctx.now.unix_timestamp() - ctx.persona.boot_time,
    )
}

/// net-tools' `print_bytes_scaled`: truncated one decimal, binary units.
fn scaled(n: u64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let (mut int, mut frac, mut u) = (n, 0, 0usize);
    while int >= 1024 && u + 1 < units.len() {
        frac = (int % 1024) * 10 / 1024;
        int /= 1024;
        u += 1;
    }
    format!("{int}.{frac} {}", units.get(u).copied().unwrap_or("B"))
}

fn block(i: &Iface) -> String {
    let mut s = if i.loopback {
        format!("{}: flags=73<UP,LOOPBACK,RUNNING>  mtu {}\n", i.name, i.mtu)
    } else {
        format!(
            "{}: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu {}\n",
            i.name, i.mtu
        )
    };
    if let Some((a, _)) = i.ipv4 {
        s.push_str(&format!(
            "        inet {}  netmask {}",
            v4(a),
            v4(i.netmask().unwrap_or([0; 4]))
        ));
        if let Some(b) = i.broadcast() {
            s.push_str(&format!("  broadcast {}", v4(b)));
        }
        s.push('\n');
    }
    for (a, p, scope) in &i.ipv6 {
        let id = match *scope {
            "host" => "0x10<host>",
            "link" => "0x20<link>",
            _ => "0x0<global>",
        };
        s.push_str(&format!("        inet6 {a}  prefixlen {p}  scopeid {id}\n"));
    }
    if i.loopback {
        s.push_str("        loop  txqueuelen 1000  (Local Loopback)\n");
    } else {
        s.push_str(&format!(
            "        ether {}  txqueuelen 1000  (Ethernet)\n",
            i.mac
        ));
    }
    s.push_str(&format!(
        "        RX packets {}  bytes {} ({})\n",
        i.rx.0,
        i.rx.1,
        scaled(i.rx.1)
    ));
    s.push_str("        RX errors 0  dropped 0  overruns 0  frame 0\n");
    s.push_str(&format!(
        "        TX packets {}  bytes {} ({})\n",
        i.tx.0,
        i.tx.1,
        scaled(i.tx.1)
    ));
    s.push_str("        TX errors 0  dropped 0 overruns 0  carrier 0  collisions 0\n\n");
    s
}

impl Command for Ifconfig {
    fn name(&self) -> &'static str {
        "ifconfig"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/sbin/ifconfig"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let m = machine(ctx);
        let mut short = false;
        let mut rest: Vec<&String> = Vec::new();
        for a in args.iter().skip(1) {
            match a.as_str() {
                "-a" | "-v" => {}
                "-s" => short = true,
                "--help" | "-h" | "-?" => {
                    ctx.stdout.write_str(help::help("ifconfig").unwrap_or(""));
                    ctx.stderr
                        .write_str(help::help("ifconfig-hw").unwrap_or(""));
                    return 0;
                }
                "--version" | "-V" => {
                    ctx.stdout
                        .write_str(help::version("ifconfig").unwrap_or(""));
                    return 0;
                }
                o if o.starts_with('-') && rest.is_empty() => {
                    ctx.stderr
                        .line(&format!("ifconfig: option `{o}' not recognised."));
                    ctx.stderr
                        .line("ifconfig: `--help' gives usage information.");
                    return 1;
                }
                _ => rest.push(a),
            }
        }
        let mut ifaces: Vec<&Iface> = m.ifaces.iter().collect();
        ifaces.sort_by(|a, b| a.name.cmp(&b.name));
        if let Some(name) = rest.first() {
            let Some(i) = m.ifaces.iter().find(|i| &&i.name == name) else {
                ctx.stderr.line(&format!(
                    "{name}: error fetching interface information: Device not found"
                ));
                return 1;
            };
            if rest.len() > 1 {
                if ctx.user.uid != 0 {
                    let what = match rest.get(1).map(|s| s.as_str()) {
                        Some("up" | "down" | "promisc" | "-promisc" | "arp" | "-arp") => {
                            "SIOCSIFFLAGS"
                        }
                        Some("mtu") => "SIOCSIFMTU",
                        Some("netmask") => "SIOCSIFNETMASK",
                        Some("hw") => "SIOCSIFHWADDR",
                        _ => "SIOCSIFADDR",
                    };
                    ctx.stderr.line(&format!("{what}: Operation not permitted"));
                    return 1;
                }
                return 0;
            }
            ifaces = vec![i];
        }
        if short {
            ctx.stdout.line(
                "Iface      MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg",
            );
            for i in ifaces {
                let flg = if i.loopback { "LRU" } else { "BMRU" };
                ctx.stdout.line(&format!(
                    "{:<15} {:>5} {:>8} {:>6} {:>6} {:<6} {:>8} {:>6} {:>6} {:>6} {flg}",
                    i.name, i.mtu, i.rx.0, 0, 0, 0, i.tx.0, 0, 0, 0
                ));
            }
            return 0;
        }
        for i in ifaces {
            ctx.stdout.write_str(&block(i));
        }
        0
    }
}

impl Command for Route {
    fn name(&self) -> &'static str {
        "route"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/sbin/route"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let (mut numeric, mut extend) = (false, 0);
        let mut rest = Vec::new();
        for a in args.iter().skip(1) {
            let longs = [
                ("--numeric", 'n'),
                ("--extend", 'e'),
                ("--verbose", 'v'),
                ("--fib", 'F'),
                ("--cache", 'C'),
                ("--help", 'h'),
                ("--version", 'V'),
                ("--inet", '4'),
                ("--inet6", '6'),
            ];
            let letters: Vec<char> = if let Some((_, c)) = longs.iter().find(|(l, _)| l == a) {
                vec![*c]
            } else if a.starts_with("--") {
                ctx.stderr
                    .line(&format!("route: unrecognized option '{a}'"));
                return route_usage(ctx);
            } else if let Some(s) = a.strip_prefix('-').filter(|s| !s.is_empty()) {
                s.chars().collect()
            } else {
                rest.push(a.clone());
                continue;
            };
            for c in letters {
                match c {
                    'n' | 'N' => numeric = true,
                    'e' => extend += 1,
                    'v' | 'F' | 'C' | '4' | '6' => {}
                    'h' => return route_usage(ctx),
                    'V' => {
                        ctx.stdout.write_str(help::version("route").unwrap_or(""));
                        return 0;
                    }
                    other => {
                        ctx.stderr
                            .line(&format!("route: invalid option -- '{other}'"));
                        return route_usage(ctx);
                    }
                }
            }
        }
        if let Some(cmd) = rest.first() {
            let op = match cmd.as_str() {
                "add" => "SIOCADDRT",
                "del" => "SIOCDELRT",
                "flush" => return 0,
                _ => {
                    if ["inet", "inet6"].contains(&cmd.as_str()) {
                        ""
                    } else {
                        return route_usage(ctx);
                    }
                }
            };
            if !op.is_empty() {
                if ctx.user.uid != 0 {
                    ctx.stderr.line(&format!("{op}: Operation not permitted"));
                    return 7;
                }
                return 0;
            }
        }
        let m = machine(ctx);
        let Some(eth) = m.eth() else {
            return 0;
        };
        let net = v4(eth.network().unwrap_or([0; 4]));
        let mask = v4(eth.netmask().unwrap_or([0; 4]));
        let dflt = if numeric { "0.0.0.0" } else { "default" };
        let rows = [
            (dflt, v4(m.gateway), "0.0.0.0".to_string(), "UG"),
            (net.as_str(), "0.0.0.0".into(), mask, "U"),
        ];
        ctx.stdout.line("Kernel IP routing table");
        if extend > 0 {
            ctx.stdout.line(
                "Destination     Gateway         Genmask         Flags   MSS Window  irtt Iface",
            );
        } else {
            ctx.stdout.line(
                "Destination     Gateway         Genmask         Flags Metric Ref    Use Iface",
            );
        }
        for (d, g, k, f) in rows {
            let line = if extend > 0 {
                format!(
                    "{d:<15} {g:<15} {k:<15} {f:<5} {:>5} {:<6} {:>5} {}",
                    0, 0, 0, eth.name
                )
            } else {
                format!(
                    "{d:<15} {g:<15} {k:<15} {f:<5} {:<6} {:<2} {:>7} {}",
                    0, 0, 0, eth.name
                )
            };
            ctx.stdout.line(&line);
        }
        0
    }
}

fn route_usage(ctx: &mut CmdCtx<'_>) -> i32 {
    ctx.stdout.write_str(help::help("route").unwrap_or(""));
    ctx.stderr.write_str(help::help("route-af").unwrap_or(""));
    0
}

impl Command for Arp {
    fn name(&self) -> &'static str {
        "arp"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/sbin/arp"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let (mut bsd, mut dev, mut change) = (false, None::<String>, None::<char>);
        let mut hosts = Vec::new();
        let mut it = args.iter().skip(1);
        let longs = [
            ("--set", 's'),
            ("--delete", 'd'),
            ("--verbose", 'v'),
            ("--numeric", 'n'),
            ("--device", 'i'),
            ("--use-device", 'D'),
            ("--protocol", 'A'),
            ("--file", 'f'),
            ("--help", 'h'),
            ("--version", 'V'),
            ("--display", 'a'),
            ("--hw-type", 'H'),
        ];
        while let Some(a) = it.next() {
            let letters: Vec<char> = if let Some((_, c)) = longs.iter().find(|(l, _)| l == a) {
                vec![*c]
            } else if a.starts_with("--") {
                return arp_usage(ctx, &format!("arp: unrecognized option '{a}'"));
            } else if let Some(s) = a.strip_prefix('-').filter(|s| !s.is_empty()) {
                s.chars().collect()
            } else {
                hosts.push(a.clone());
                continue;
            };
            for c in letters {
                match c {
                    'a' => bsd = true,
                    'e' | 'n' | 'v' | 'D' => {}
                    'i' => dev = it.next().cloned(),
                    'A' | 'p' | 'H' | 't' => {
                        it.next();
                    }
                    's' | 'd' | 'f' => change = Some(c),
                    'h' => {
                        ctx.stdout.write_str(help::help("arp").unwrap_or(""));
                        ctx.stderr.write_str(help::help("arp-hw").unwrap_or(""));
                        return 0;
                    }
                    'V' => {
                        ctx.stdout.write_str(help::version("arp").unwrap_or(""));
                        return 0;
                    }
                    other => return arp_usage(ctx, &format!("arp: invalid option -- '{other}'")),
                }
            }
        }
        if change.is_some() {
            if ctx.user.uid != 0 {
                ctx.stderr.line("SIOCSARP: Operation not permitted");
                return 1;
            }
            return 0;
        }
        let m = machine(ctx);
        let Some(eth) = m.eth() else {
            return 0;
        };
        let gw = v4(m.gateway);
        let hit = dev.as_deref().is_none_or(|d| d == eth.name) && hosts.iter().all(|h| *h == gw);
        if !hit {
            ctx.stdout.line("arp: in 1 entries no match found.");
            return 0;
        }
        if bsd {
            ctx.stdout.line(&format!(
                "? ({gw}) at {} [ether] on {}",
                m.gateway_mac, eth.name
            ));
        } else {
            ctx.stdout.line(
                "Address                  HWtype  HWaddress           Flags Mask            Iface",
            );
            ctx.stdout.line(&format!(
                "{gw:<24} ether   {}   C                     {}",
                m.gateway_mac, eth.name
            ));
        }
        0
    }
}

fn arp_usage(ctx: &mut CmdCtx<'_>, msg: &str) -> i32 {
    ctx.stderr.line(msg);
    ctx.stderr.write_str(help::help("arp").unwrap_or(""));
    ctx.stderr.write_str(help::help("arp-hw").unwrap_or(""));
    3
}

#[cfg(test)]
mod tests {
    use crate::commands::sysinfo_test::{root, user};

    #[test]
    fn ifconfig_blocks() {
        let r = root("ifconfig", &[]);
        assert!(r.stdout.starts_with("ens3: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1500\n        inet 10.0.3.17  netmask 255.255.255.0  broadcast 10.0.3.255\n        inet6 fe80::5054:ff:fe8a:3c71  prefixlen 64  scopeid 0x20<link>\n        ether 52:54:00:8a:3c:71  txqueuelen 1000  (Ethernet)\n        RX packets "), "{}", r.stdout);
        assert!(r.stdout.contains("\n\nlo: flags=73<UP,LOOPBACK,RUNNING>  mtu 65536\n        inet 127.0.0.1  netmask 255.0.0.0\n        inet6 ::1  prefixlen 128  scopeid 0x10<host>\n        loop  txqueuelen 1000  (Local Loopback)\n"));
        assert!(r.stdout.ends_with("collisions 0\n\n"));
        let r = root("ifconfig", &["eth0"]);
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "eth0: error fetching interface information: Device not found\n",
                1
            )
        );
        let r = user("ifconfig", &["ens3", "down"]);
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("SIOCSIFFLAGS: Operation not permitted\n", 1)
        );
        let r = root("ifconfig", &["-Y"]);
        assert_eq!(
            r.stderr,
            "ifconfig: option `-Y' not recognised.\nifconfig: `--help' gives usage information.\n"
        );
        assert!(
            root("ifconfig", &["-s"])
                .stdout
                .contains("\nlo              65536 ")
        );
        assert_eq!(super::scaled(173_726_783), "165.6 MiB");
        assert_eq!(super::scaled(322_707), "315.1 KiB");
        assert_eq!(super::scaled(0), "0.0 B");
    }

    #[test]
    fn route_and_arp() {
        assert_eq!(
            root("route", &["-n"]).stdout,
            "Kernel IP routing table\nDestination     Gateway         Genmask         Flags Metric Ref    Use Iface\n0.0.0.0         10.0.3.1        0.0.0.0         UG    0      0        0 ens3\n10.0.3.0        0.0.0.0         255.255.255.0   U     0      0        0 ens3\n"
        );
        assert!(root("route", &[]).stdout.contains(
            "\ndefault         10.0.3.1        0.0.0.0         UG    0      0        0 ens3\n"
        ));
        assert_eq!(
            root("arp", &["-a"]).stdout,
            "? (10.0.3.1) at 52:54:00:1b:4e:90 [ether] on ens3\n"
        );
        assert_eq!(
            root("arp", &["-n"]).stdout,
            "Address                  HWtype  HWaddress           Flags Mask            Iface\n10.0.3.1                 ether   52:54:00:1b:4e:90   C                     ens3\n"
        );
        assert_eq!(
            root("arp", &["-i", "lo"]).stdout,
            "arp: in 1 entries no match found.\n"
        );
        let r = user("route", &["add", "default", "gw", "1.2.3.4"]);
        assert_eq!(r.stderr, "SIOCADDRT: Operation not permitted\n");
    }
}
