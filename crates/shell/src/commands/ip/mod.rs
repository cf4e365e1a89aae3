//! `ip` (iproute2 6.1.0): show the persona's interfaces, addresses, routes and neighbours
//! from [`crate::machine::Machine`].
//!
//! Emulated: global options `-4`, `-6`, `-f FAMILY`, `-br[ief]`, `-o[neline]`, `-s[tats]`,
//! `-d`, `-c[olor]`, `-h`, `-r`, `-N`, `-a`, `-V[ersion]` (unknown ones: `Option "-x" is
//! unknown, try "ip -help".`), objects matched by prefix as `ip` does (`a`, `addr`, `l`,
//! `r`, `n`, ...): `address`/`link` (`show [dev] NAME`), `route` (`show`, `get ADDR`),
//! `neigh`. Changes (`add`, `del`, `set`, `flush`, ...) are refused with `RTNETLINK answers:
//! Operation not permitted` for non-root users and succeed silently for root (`ip route
//! add` is remembered and listed for the session). Known gaps: `-j` JSON (plain text is
//! printed), per-object `help` texts, objects other than the four above (they print the
//! `ip` usage).

use super::{CmdCtx, Command, help};
use crate::machine::{Iface, Machine, parse_v4, v4};

/// `ip`.
pub struct Ip;

#[derive(Default)]
struct Opts {
    family: Option<u8>,
    brief: bool,
    oneline: bool,
    stats: bool,
}

/// `matches()` of iproute2: `arg` is a non-empty prefix of `word`.
fn matches(arg: &str, word: &str) -> bool {
    !arg.is_empty() && word.starts_with(arg)
}

const OBJECTS: &[&str] = &[
    "address",
    "addrlabel",
    "maddress",
    "route",
    "rule",
    "neighbor",
    "neighbour",
    "ntable",
    "ntbl",
    "link",
    "l2tp",
    "fou",
    "ila",
    "macsec",
    "tunnel",
    "tuntap",
    "tap",
    "token",
    "tcpmetrics",
    "monitor",
    "xfrm",
    "mroute",
    "mrule",
    "netns",
    "netconf",
    "vrf",
    "sr",
    "nexthop",
    "mptcp",
    "ioam",
    "help",
    "stats",
    "amt",
];

impl Command for Ip {
    fn name(&self) -> &'static str {
        "ip"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/ip"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let mut o = Opts::default();
        let mut rest = args.get(1..).unwrap_or(&[]);
        while let Some((first, tail)) = rest.split_first() {
            if !first.starts_with('-') || first == "-" {
                break;
            }
            let opt = first
                .strip_prefix('-')
                .filter(|s| s.starts_with('-'))
                .unwrap_or(first);
            let mut tail = tail;
            if opt == "-4" {
                o.family = Some(4);
            } else if opt == "-6" {
                o.family = Some(6);
            } else if matches(opt, "-family") {
                let Some((f, t)) = tail.split_first() else {
                    return usage(ctx);
                };
                o.family = match f.as_str() {
                    "inet" => Some(4),
                    "inet6" => Some(6),
                    _ => None,
                };
                tail = t;
            } else if matches(opt, "-stats") || matches(opt, "-statistics") {
                o.stats = true;
            } else if matches(opt, "-oneline") {
                o.oneline = true;
            } else if matches(opt, "-Version") {
                ctx.stdout.line("ip utility, iproute2-6.1.0, libbpf 1.1.2");
                return 0;
            } else if matches(opt, "-help") {
                return usage(ctx);
            } else if matches(opt, "-brief") {
                o.brief = true;
            } else if [
                "-human",
                "-human-readable",
                "-iec",
                "-details",
                "-resolve",
                "-timestamp",
                "-tshort",
                "-Numeric",
                "-all",
                "-json",
                "-pretty",
                "-force",
                "-echo",
            ]
            .iter()
            .any(|w| matches(opt, w))
                || opt.starts_with("-c")
                || opt == "-0"
            {
            } else {
                ctx.stderr
                    .line(&format!("Option \"{opt}\" is unknown, try \"ip -help\"."));
                return 255;
            }
            rest = tail;
        }
        let Some((obj, sub)) = rest.split_first() else {
            return usage(ctx);
        };
        let Some(object) = OBJECTS.iter().find(|w| matches(obj, w)) else {
            ctx.stderr
                .line(&format!("Object \"{obj}\" is unknown, try \"ip help\"."));
            return 255;
        };
        let up = ctx.now.unix_timestamp() - ctx.persona.boot_time;
        let m = Machine::of(ctx.persona, up);
        match *object {
            "address" => addr(ctx, &m, &o, sub, "address", true),
            "link" => addr(ctx, &m, &o, sub, "link", false),
            "route" => route(ctx, &m, &o, sub),
            "neighbor" | "neighbour" => neigh(ctx, &m, &o, sub),
            _ => usage(ctx),
        }
    }
}

fn usage(ctx: &mut CmdCtx<'_>) -> i32 {
    ctx.stderr.write_str(help::help("ip").unwrap_or(""));
    255
}

fn denied(ctx: &mut CmdCtx<'_>) -> i32 {
    if ctx.user.uid != 0 {
        ctx.stderr
            .line("RTNETLINK answers: Operation not permitted");
        return 2;
    }
    0
}

fn unknown_cmd(ctx: &mut CmdCtx<'_>, cmd: &str, obj: &str) -> i32 {
    ctx.stderr.line(&format!(
        "Command \"{cmd}\" is unknown, try \"ip {obj} help\"."
    ));
    255
}

/// The device a `show` selects (`dev NAME` or a bare name), checked to exist.
fn select_dev<'m>(
    ctx: &mut CmdCtx<'_>,
    m: &'m Machine,
    args: &[String],
) -> Result<Option<&'m Iface>, i32> {
    let keywords = [
        "up",
        "primary",
        "secondary",
        "dynamic",
        "permanent",
        "tentative",
        "deprecated",
        "temporary",
    ];
    let mut it = args.iter();
    let mut name = None;
    while let Some(a) = it.next() {
        if a == "dev" {
            name = it.next();
        } else if ["scope", "to", "label", "type", "master", "vrf", "group"].contains(&a.as_str()) {
            it.next();
        } else if !keywords.contains(&a.as_str()) {
            name = Some(a);
        }
    }
    let Some(n) = name else {
        return Ok(None);
    };
    match m.iface(n) {
        Some(i) => Ok(Some(i)),
        None => {
            ctx.stderr.line(&format!("Device \"{n}\" does not exist."));
            Err(1)
        }
    }
}

fn flags(i: &Iface) -> &'static str {
    if i.loopback {
        "<LOOPBACK,UP,LOWER_UP>"
    } else {
        "<BROADCAST,MULTICAST,UP,LOWER_UP>"
    }
}

fn state(i: &Iface) -> &'static str {
    if i.loopback { "UNKNOWN" } else { "UP" }
}

fn addr(
    ctx: &mut CmdCtx<'_>,
    m: &Machine,
    o: &Opts,
    sub: &[String],
    obj: &str,
    is_addr: bool,
) -> i32 {
    let (cmd, args) = match sub.split_first() {
        Some((c, a)) => (c.as_str(), a),
        None => ("show", sub),
    };
    let show = ["show", "list", "lst"].iter().any(|w| matches(cmd, w));
    if !show {
        let change: &[&str] = if is_addr {
            &["add", "change", "chg", "replace", "delete", "flush"]
        } else {
            &["set", "add", "delete", "change"]
        };
        if change.iter().any(|w| matches(cmd, w)) {
            return denied(ctx);
        }
        return unknown_cmd(ctx, cmd, obj);
    }
    let dev = match select_dev(ctx, m, args) {
        Ok(d) => d,
        Err(c) => return c,
    };
    let mut out = String::new();
    for i in m
        .ifaces
        .iter()
        .filter(|i| dev.is_none_or(|d| d.name == i.name))
    {
        let v4s: Vec<String> = match (o.family, i.ipv4) {
            (Some(6), _) | (_, None) => Vec::new(),
            (_, Some((a, p))) => vec![format!("{}/{p}", v4(a))],
        };
        let v6s: Vec<String> = if o.family == Some(4) {
            Vec::new()
        } else {
            i.ipv6.iter().map(|(a, p, _)| format!("{a}/{p}")).collect()
        };
        if is_addr && o.family.is_some() && v4s.is_empty() && v6s.is_empty() {
            continue;
        }
        if o.brief {
            let mut line = format!("{:<16} {:<14} ", i.name, state(i));
            if is_addr {
                for a in v4s.iter().chain(&v6s) {
                    line.push_str(a);
                    line.push(' ');
                }
            } else {
                line.push_str(&format!("{} {} ", i.mac, flags(i)));
            }
            out.push_str(&line);
            out.push('\n');
            continue;
        }
        let head = format!(
            "{}: {}: {} mtu {} qdisc {} state {} {}group default qlen 1000",
            i.index,
            i.name,
            flags(i),
            i.mtu,
            i.qdisc,
            state(i),
            if is_addr { "" } else { "mode DEFAULT " }
        );
        let link = format!(
            "    link/{} {} brd {}",
            if i.loopback { "loopback" } else { "ether" },
            i.mac,
            if i.loopback {
                "00:00:00:00:00:00"
            } else {
                "ff:ff:ff:ff:ff:ff"
            }
        );
        let alt = i.altname.as_ref().map(|a| format!("    altname {a}"));
        let mut lines = Vec::new();
        if is_addr && o.oneline {
            let lft = "\\       valid_lft forever preferred_lft forever";
            if let Some((a, p)) = i.ipv4.filter(|_| !v4s.is_empty()) {
                let brd = i
                    .broadcast()
                    .map(|b| format!("brd {} ", v4(b)))
                    .unwrap_or_default();
                let scope = if i.loopback { "host" } else { "global" };
                out.push_str(&format!(
                    "{}: {}    inet {}/{p} {brd}scope {scope} {}{lft}\n",
                    i.index,
                    i.name,
                    v4(a),
                    i.name
                ));
            }
            if o.family != Some(4) {
                for (a, p, s) in &i.ipv6 {
                    out.push_str(&format!(
                        "{}: {}    inet6 {a}/{p} scope {s} {lft}\n",
                        i.index, i.name
                    ));
                }
            }
            continue;
        }
        lines.push(head);
        if !(is_addr && o.family.is_some()) {
            lines.push(link);
        }
        if o.stats && !is_addr {
            lines.extend(stats(i));
        }
        if let Some(a) = alt.filter(|_| !(is_addr && o.family.is_some())) {
            lines.push(a);
        }
        if is_addr {
            if let Some((a, p)) = i.ipv4.filter(|_| !v4s.is_empty()) {
                let brd = i
                    .broadcast()
                    .map(|b| format!("brd {} ", v4(b)))
                    .unwrap_or_default();
                let scope = if i.loopback { "host" } else { "global" };
                lines.push(format!(
                    "    inet {}/{p} {brd}scope {scope} {}",
                    v4(a),
                    i.name
                ));
                lines.push("       valid_lft forever preferred_lft forever".into());
            }
            if o.family != Some(4) {
                for (a, p, s) in &i.ipv6 {
                    lines.push(format!("    inet6 {a}/{p} scope {s} "));
                    lines.push("       valid_lft forever preferred_lft forever".into());
                }
            }
        }
        let sep = if o.oneline { "\\" } else { "\n" };
        out.push_str(&lines.join(sep));
        out.push('\n');
    }
    ctx.stdout.write_str(&out);
    0
}

/// The `-s` counters block of `ip -s link`.
fn stats(i: &Iface) -> Vec<String> {
    let (rb, rp) = (i.rx.1.to_string(), i.rx.0.to_string());
    let (tb, tp) = (i.tx.1.to_string(), i.tx.0.to_string());
    let w0 = rb.len().max(tb.len()).max(10);
    let w1 = rp.len().max(tp.len()).max(7);
    vec![
        format!(
            "    RX: {:>w$} {:>w1$} errors dropped  missed   mcast           ",
            "bytes",
            "packets",
            w = w0 - 4
        ),
        format!("    {rb:>w0$} {rp:>w1$}      0       0       0       0 "),
        format!(
            "    TX: {:>w$} {:>w1$} errors dropped carrier collsns           ",
            "bytes",
            "packets",
            w = w0 - 4
        ),
        format!("    {tb:>w0$} {tp:>w1$}      0       0       0       0 "),
    ]
}

fn route(ctx: &mut CmdCtx<'_>, m: &Machine, o: &Opts, sub: &[String]) -> i32 {
    let (cmd, args) = match sub.split_first() {
        Some((c, a)) => (c.as_str(), a),
        None => ("show", sub),
    };
    let Some(eth) = m.eth() else {
        return 0;
    };
    let ip = eth.ipv4.map(|(a, _)| a).unwrap_or([0; 4]);
    if matches(cmd, "get") {
        let Some(dst) = args
            .iter()
            .find(|a| !["to", "from", "iif", "oif", "mark"].contains(&a.as_str()))
        else {
            ctx.stderr.line("need at least a destination address");
            return 1;
        };
        let Some(d) = parse_v4(dst.split('/').next().unwrap_or(dst)) else {
            ctx.stderr.line(&format!(
                "Error: any valid prefix is expected rather than \"{dst}\"."
            ));
            return 1;
        };
        let uid = ctx.user.uid;
        let out = if d.first() == Some(&127) || d == ip {
            format!(
                "local {} dev lo src {} uid {uid} \n    cache <local> \n",
                v4(d),
                v4(d)
            )
        } else if eth.network().is_some_and(|n| {
            let mask = u32::from_be_bytes(eth.netmask().unwrap_or([255; 4]));
            u32::from_be_bytes(d) & mask == u32::from_be_bytes(n)
        }) {
            format!(
                "{} dev {} src {} uid {uid} \n    cache \n",
                v4(d),
                eth.name,
                v4(ip)
            )
        } else {
            format!(
                "{} via {} dev {} src {} uid {uid} \n    cache \n",
                v4(d),
                v4(m.gateway),
                eth.name,
                v4(ip)
            )
        };
        ctx.stdout.write_str(&out);
        return 0;
    }
    if [
        "add", "append", "prepend", "replace", "change", "delete", "flush",
    ]
    .iter()
    .any(|w| matches(cmd, w))
    {
        let code = denied(ctx);
        if code == 0 && matches(cmd, "add") && !args.is_empty() && ctx.sys.routes_added.len() < 64 {
            let spec: Vec<&str> = args.iter().take(16).map(String::as_str).collect();
            ctx.sys.routes_added.push(format!("{} ", spec.join(" ")));
        }
        return code;
    }
    if !["show", "list", "lst"].iter().any(|w| matches(cmd, w)) {
        return unknown_cmd(ctx, cmd, "route");
    }
    let mut out = String::new();
    if o.family == Some(6) {
        out.push_str("::1 dev lo proto kernel metric 256 pref medium\n");
        out.push_str(&format!(
            "fe80::/64 dev {} proto kernel metric 256 pref medium\n",
            eth.name
        ));
    } else {
        out.push_str(&format!(
            "default via {} dev {} \n",
            v4(m.gateway),
            eth.name
        ));
        let p = eth.ipv4.map_or(24, |(_, p)| p);
        out.push_str(&format!(
            "{}/{p} dev {} proto kernel scope link src {} \n",
            v4(eth.network().unwrap_or([0; 4])),
            eth.name,
            v4(ip)
        ));
        for r in &ctx.sys.routes_added {
            out.push_str(r);
            out.push('\n');
        }
    }
    ctx.stdout.write_str(&out);
    0
}

fn neigh(ctx: &mut CmdCtx<'_>, m: &Machine, o: &Opts, sub: &[String]) -> i32 {
    let cmd = sub.first().map_or("show", String::as_str);
    if ["add", "delete", "change", "replace", "flush"]
        .iter()
        .any(|w| matches(cmd, w))
    {
        return denied(ctx);
    }
    if !["show", "list", "lst", "get"]
        .iter()
        .any(|w| matches(cmd, w))
    {
        return unknown_cmd(ctx, cmd, "neigh");
    }
    if o.family != Some(6)
        && let Some(eth) = m.eth()
    {
        ctx.stdout.line(&format!(
            "{} dev {} lladdr {} REACHABLE ",
            v4(m.gateway),
            eth.name,
            m.gateway_mac
        ));
    }
    0
}

#[cfg(test)]
mod tests;
