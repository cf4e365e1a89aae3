//! `iptables` and `ip6tables` (1.8.9, nf_tables backend): a per-session rule set kept in
//! [`super::SysState`], so that `-A`/`-I`/`-D`/`-F`/`-X`/`-N`/`-P` change what `-L`/`-S`
//! list later in the session. Nothing touches a real firewall.
//!
//! Emulated: `-t filter|nat|mangle|raw|security`, `-L [CHAIN]` with `-n`, `-v`, `-x`,
//! `--line-numbers`, `-S [CHAIN]`, `-A`, `-I [N]`, `-D` (by rule or number), `-F`, `-X`,
//! `-N`, `-P`, `-Z`, `-C`, `-E`, rule options `-p`, `-s`, `-d`, `-i`, `-o`, `-j`, `-g`, `-m`,
//! `--dport`, `--sport`, `--dports`, `--state`, `--ctstate`, `--to-destination`,
//! `--to-source`, `--reject-with`, `-w`; `-V`, `-h`. Non-root users get the nf_tables
//! permission error (status 4). 1.8.9 prints protocol numbers with `-n` (a known
//! regression of that release, kept). Known gaps: negation (`!`) is accepted and ignored,
//! other match extensions are listed by name only.

mod rules;

use super::{CmdCtx, Command};
pub use rules::Netfilter;
use rules::{Rule, Table};

/// `iptables`.
pub struct Iptables;
/// `ip6tables`.
pub struct Ip6tables;

impl Command for Iptables {
    fn name(&self) -> &'static str {
        "iptables"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/sbin/iptables"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        run(ctx, args, false)
    }
}

impl Command for Ip6tables {
    fn name(&self) -> &'static str {
        "ip6tables"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/sbin/ip6tables"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        run(ctx, args, true)
    }
}

/// A parsed command line.
#[derive(Default)]
struct Line {
    cmd: Option<char>,
    chain: Option<String>,
    extra: Vec<String>,
    table: String,
    numeric: bool,
    verbose: bool,
    exact: bool,
    line_numbers: bool,
    rule: Rule,
}

struct Fail(String, i32);

fn prog(v6: bool) -> &'static str {
    if v6 { "ip6tables" } else { "iptables" }
}

fn param(v6: bool, msg: &str) -> Fail {
    let p = prog(v6);
    Fail(
        format!(
            "{p} v1.8.9 (nf_tables): {msg}\nTry `{p} -h' or '{p} --help' for more information.\n"
        ),
        2,
    )
}

/// The long options and the short letter each stands for (`\0`: rule options with a value).
const LONG: &[(&str, char)] = &[
    ("append", 'A'),
    ("check", 'C'),
    ("delete", 'D'),
    ("insert", 'I'),
    ("replace", 'R'),
    ("list", 'L'),
    ("list-rules", 'S'),
    ("flush", 'F'),
    ("zero", 'Z'),
    ("new-chain", 'N'),
    ("new", 'N'),
    ("delete-chain", 'X'),
    ("policy", 'P'),
    ("rename-chain", 'E'),
    ("protocol", 'p'),
    ("proto", 'p'),
    ("source", 's'),
    ("src", 's'),
    ("destination", 'd'),
    ("dst", 'd'),
    ("in-interface", 'i'),
    ("out-interface", 'o'),
    ("jump", 'j'),
    ("goto", 'g'),
    ("match", 'm'),
    ("numeric", 'n'),
    ("table", 't'),
    ("verbose", 'v'),
    ("wait", 'w'),
    ("wait-interval", 'W'),
    ("exact", 'x'),
    ("line-numbers", '0'),
    ("fragment", 'f'),
    ("version", 'V'),
    ("help", 'h'),
    ("ipv4", '4'),
    ("ipv6", '6'),
    ("set-counters", 'c'),
    ("modprobe", 'M'),
];

/// Match and target options taking a value, kept on the rule.
const EXT: &[&str] = &[
    "dport",
    "sport",
    "destination-port",
    "source-port",
    "dports",
    "sports",
    "state",
    "ctstate",
    "to-destination",
    "to-source",
    "to-ports",
    "to",
    "reject-with",
    "icmp-type",
    "log-prefix",
    "log-level",
    "limit",
    "limit-burst",
    "comment",
    "set-mark",
    "mark",
    "tcp-flags",
    "syn",
    "uid-owner",
    "string",
    "algo",
    "name",
    "seconds",
    "hitcount",
    "set",
    "update",
    "rcheck",
    "connlimit-above",
    "mac-source",
    "src-range",
    "dst-range",
    "match-set",
    "set-xmark",
];

fn parse(args: &[String], v6: bool) -> Result<Line, Fail> {
    let mut l = Line {
        table: "filter".into(),
        ..Line::default()
    };
    let mut it = args.iter().skip(1).peekable();
    while let Some(a) = it.next() {
        if a == "!" {
            continue;
        }
        let (key, inline): (char, Option<String>) = if let Some(long) = a.strip_prefix("--") {
            let (name, val) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            if let Some((_, k)) = LONG.iter().find(|(n, _)| *n == name) {
                (*k, val)
            } else if let Some(e) = EXT.iter().find(|e| **e == name) {
                if ["syn", "update", "rcheck", "set"].contains(e) && val.is_none() {
                    l.rule.ext.push((e.to_string(), String::new()));
                    continue;
                }
                let v = match val.or_else(|| it.next().cloned()) {
                    Some(v) => v,
                    None => {
                        return Err(param(
                            v6,
                            &format!("option \"--{name}\" requires an argument"),
                        ));
                    }
                };
                l.rule.ext.push((e.to_string(), v));
                continue;
            } else {
                return Err(param(v6, &format!("unknown option \"{a}\"")));
            }
        } else if let Some(s) = a.strip_prefix('-').filter(|s| !s.is_empty()) {
            let mut ch = s.chars();
            let c = ch.next().unwrap_or('?');
            let rest: String = ch.collect();
            if !"ACDIRLSFZNXPEpsdiojgmntvwWxfVhc46".contains(c) {
                return Err(param(v6, &format!("unknown option \"{a}\"")));
            }
            if "nvxf46".contains(c) && !rest.is_empty() {
                // Bundled flags: `-nvL`.
                let mut again = vec![format!("-{c}")];
                again.extend(rest.chars().map(|r| format!("-{r}")));
                let mut full = vec![String::new()];
                full.extend(again);
                full.extend(it.cloned());
                let sub = parse(&full, v6)?;
                return Ok(merge(l, sub));
            }
            (c, (!rest.is_empty()).then_some(rest))
        } else {
            l.extra.push(a.clone());
            continue;
        };
        let mut val = |what: &str| -> Result<String, Fail> {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| param(v6, &format!("option \"{a}\" requires an argument{what}")))
        };
        match key {
            'A' | 'C' | 'D' | 'I' | 'R' | 'L' | 'S' | 'F' | 'Z' | 'N' | 'X' | 'P' | 'E' => {
                if l.cmd.is_some() {
                    return Err(param(v6, "Cannot use multiple commands"));
                }
                l.cmd = Some(key);
                let needs = "ACDIRNPE".contains(key);
                let chain = if needs {
                    Some(val("")?)
                } else {
                    inline
                        .clone()
                        .or_else(|| it.next_if(|n| !n.starts_with('-')).cloned())
                };
                l.chain = chain;
            }
            'p' => l.rule.proto = Some(val("")?.to_ascii_lowercase()),
            's' => l.rule.src = Some(val("")?),
            'd' => l.rule.dst = Some(val("")?),
            'i' => l.rule.iif = Some(val("")?),
            'o' => l.rule.oif = Some(val("")?),
            'j' | 'g' => l.rule.target = Some(val("")?),
            'm' => l.rule.modules.push(val("")?),
            't' => l.table = val("")?,
            'c' => {
                val("")?;
                it.next();
            }
            'w' | 'W' if inline.is_none() => {
                it.next_if(|n| n.parse::<u64>().is_ok());
            }
            'n' => l.numeric = true,
            'v' => l.verbose = true,
            'x' => l.exact = true,
            '0' => l.line_numbers = true,
            'V' => l.cmd = Some('V'),
            'h' => l.cmd = Some('h'),
            _ => {}
        }
    }
    Ok(l)
}

fn merge(mut a: Line, b: Line) -> Line {
    a.numeric |= b.numeric;
    a.verbose |= b.verbose;
    a.exact |= b.exact;
    a.line_numbers |= b.line_numbers;
    a.cmd = a.cmd.or(b.cmd);
    a.chain = a.chain.or(b.chain);
    a.extra.extend(b.extra);
    if b.table != "filter" {
        a.table = b.table;
    }
    a.rule.merge(b.rule);
    a
}

fn run(ctx: &mut CmdCtx<'_>, args: &[String], v6: bool) -> i32 {
    let p = prog(v6);
    let l = match parse(args, v6) {
        Ok(l) => l,
        Err(Fail(msg, code)) => {
            ctx.stderr.write_str(&msg);
            return code;
        }
    };
    match l.cmd {
        Some('V') => {
            ctx.stdout.line(&format!("{p} v1.8.9 (nf_tables)"));
            return 0;
        }
        Some('h') => {
            ctx.stdout.write_str(&rules::help(p));
            return 0;
        }
        None => {
            ctx.stderr.write_str(&param(v6, "no command specified").0);
            return 2;
        }
        Some(_) => {}
    }
    if ctx.user.uid != 0 {
        ctx.stderr.line(&format!(
            "{p} v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)"
        ));
        return 4;
    }
    let nf = &mut ctx.sys.netfilter;
    let tables = if v6 { &mut nf.v6 } else { &mut nf.v4 };
    if tables.is_empty() {
        *tables = rules::default_tables();
    }
    let Some(table) = tables.iter_mut().find(|t| t.name == l.table) else {
        ctx.stderr.line(&format!(
            "{p} v1.8.9 (nf_tables): table '{}' does not exist\nPerhaps {p} or your kernel needs to be upgraded.",
            l.table
        ));
        return 3;
    };
    match exec(table, &l, v6) {
        Ok(out) => {
            ctx.stdout.write_str(&out);
            0
        }
        Err(Fail(msg, code)) => {
            ctx.stderr.write_str(&msg);
            code
        }
    }
}

fn nochain() -> Fail {
    Fail("iptables: No chain/target/match by that name.\n".into(), 1)
}

fn exec(t: &mut Table, l: &Line, v6: bool) -> Result<String, Fail> {
    let cmd = l.cmd.unwrap_or('L');
    let chain = l.chain.clone().unwrap_or_default();
    let builtin_targets = [
        "ACCEPT",
        "DROP",
        "RETURN",
        "REJECT",
        "LOG",
        "DNAT",
        "SNAT",
        "MASQUERADE",
        "REDIRECT",
        "MARK",
        "CONNMARK",
        "NOTRACK",
        "CT",
        "TCPMSS",
        "NFLOG",
        "NFQUEUE",
        "TPROXY",
    ];
    if "ACIR".contains(cmd) {
        let target = l.rule.target.clone().unwrap_or_default();
        if !target.is_empty()
            && !builtin_targets.contains(&target.as_str())
            && !t.chains.iter().any(|c| c.name == target)
        {
            return Err(param(
                v6,
                &format!("Couldn't load target `{target}':No such file or directory\n"),
            ));
        }
    }
    match cmd {
        'L' | 'S' | 'F' | 'Z' if l.chain.is_none() => {
            let out = match cmd {
                'L' => t.list(None, l.numeric, l.verbose, l.exact, l.line_numbers),
                'S' => t.save(None),
                'F' => {
                    t.chains.iter_mut().for_each(|c| c.rules.clear());
                    String::new()
                }
                _ => String::new(),
            };
            Ok(out)
        }
        'X' if l.chain.is_none() => {
            t.chains.retain(|c| c.policy.is_some());
            Ok(String::new())
        }
        'N' => {
            if t.chains.iter().any(|c| c.name == chain) {
                return Err(Fail("iptables: Chain already exists.\n".into(), 1));
            }
            if t.chains.len() < 256 {
                t.chains.push(rules::Chain {
                    name: chain.chars().take(28).collect(),
                    policy: None,
                    rules: Vec::new(),
                });
            }
            Ok(String::new())
        }
        _ => {
            let Some(idx) = t.chains.iter().position(|c| c.name == chain) else {
                return Err(nochain());
            };
            match cmd {
                'L' => Ok(t.list(Some(idx), l.numeric, l.verbose, l.exact, l.line_numbers)),
                'S' => Ok(t.save(Some(idx))),
                'F' => {
                    if let Some(c) = t.chains.get_mut(idx) {
                        c.rules.clear();
                    }
                    Ok(String::new())
                }
                'Z' => Ok(String::new()),
                'X' => {
                    let in_use = t.chains.iter().any(|c| {
                        c.rules
                            .iter()
                            .any(|r| r.target.as_deref() == Some(chain.as_str()))
                    });
                    match t.chains.get(idx) {
                        Some(c) if c.policy.is_some() => Err(Fail(
                            "iptables: Invalid argument. Run `dmesg' for more information.\n"
                                .into(),
                            1,
                        )),
                        Some(c) if !c.rules.is_empty() || in_use => {
                            Err(Fail("iptables: Directory not empty.\n".into(), 1))
                        }
                        _ => {
                            t.chains.remove(idx);
                            Ok(String::new())
                        }
                    }
                }
                'P' => {
                    let pol = l.extra.first().cloned().unwrap_or_default();
                    let Some(c) = t.chains.get_mut(idx).filter(|c| c.policy.is_some()) else {
                        return Err(Fail("iptables: Bad built-in chain name.\n".into(), 1));
                    };
                    if pol != "ACCEPT" && pol != "DROP" {
                        return Err(Fail(
                            "iptables: Bad policy name. Run `dmesg' for more information.\n".into(),
                            1,
                        ));
                    }
                    c.policy = Some(pol);
                    Ok(String::new())
                }
                'E' => {
                    let new = l.extra.first().cloned().unwrap_or_default();
                    if let Some(c) = t.chains.get_mut(idx) {
                        c.name = new;
                    }
                    Ok(String::new())
                }
                'A' | 'I' | 'R' => {
                    let Some(c) = t.chains.get_mut(idx) else {
                        return Err(nochain());
                    };
                    let num = l.extra.first().and_then(|n| n.parse::<usize>().ok());
                    if c.rules.len() >= 1024 {
                        return Err(Fail("iptables: Memory allocation problem.\n".into(), 1));
                    }
                    let rule = l.rule.clone();
                    match cmd {
                        'A' => c.rules.push(rule),
                        'I' => {
                            let at = num.unwrap_or(1).saturating_sub(1);
                            if at > c.rules.len() {
                                return Err(Fail(
                                    "iptables: Index of insertion too big.\n".into(),
                                    1,
                                ));
                            }
                            c.rules.insert(at, rule);
                        }
                        _ => match num
                            .and_then(|n| n.checked_sub(1))
                            .and_then(|i| c.rules.get_mut(i))
                        {
                            Some(slot) => *slot = rule,
                            None => {
                                return Err(Fail(
                                    "iptables: Index of replacement too big.\n".into(),
                                    1,
                                ));
                            }
                        },
                    }
                    Ok(String::new())
                }
                'D' | 'C' => {
                    let Some(c) = t.chains.get_mut(idx) else {
                        return Err(nochain());
                    };
                    let pos = match l.extra.first().and_then(|n| n.parse::<usize>().ok()) {
                        Some(n) => n.checked_sub(1).filter(|i| *i < c.rules.len()),
                        None => c.rules.iter().position(|r| r.spec() == l.rule.spec()),
                    };
                    match (pos, cmd) {
                        (Some(i), 'D') => {
                            c.rules.remove(i);
                            Ok(String::new())
                        }
                        (Some(_), _) => Ok(String::new()),
                        (None, 'D')
                            if l.extra.first().is_some_and(|n| n.parse::<usize>().is_ok()) =>
                        {
                            Err(Fail("iptables: Index of deletion too big.\n".into(), 1))
                        }
                        (None, _) => Err(Fail(
                            "iptables: Bad rule (does a matching rule exist in that chain?).\n"
                                .into(),
                            1,
                        )),
                    }
                }
                _ => Ok(String::new()),
            }
        }
    }
}

#[cfg(test)]
mod tests;
