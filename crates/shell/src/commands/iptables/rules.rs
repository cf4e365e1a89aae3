//! The session's netfilter rule set (tables, chains, rules) and its two printed forms:
//! `iptables -L` (columns of `print_rule_details` in xtables 1.8.9) and `iptables -S`.

/// Rule sets of `iptables` and `ip6tables` for one session (empty until first used).
#[derive(Debug, Default, Clone)]
pub struct Netfilter {
    /// IPv4 tables.
    pub v4: Vec<Table>,
    /// IPv6 tables.
    pub v6: Vec<Table>,
}

/// A table (`filter`, `nat`, ...).
#[derive(Debug, Clone)]
pub struct Table {
    /// Name.
    pub name: &'static str,
    /// Built-in chains first, then user chains.
    pub chains: Vec<Chain>,
}

/// A chain.
#[derive(Debug, Clone)]
pub struct Chain {
    /// Name.
    pub name: String,
    /// Policy of a built-in chain; `None` for a user chain.
    pub policy: Option<String>,
    /// Rules in order.
    pub rules: Vec<Rule>,
}

/// A rule.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Rule {
    /// `-p`.
    pub proto: Option<String>,
    /// `-s`.
    pub src: Option<String>,
    /// `-d`.
    pub dst: Option<String>,
    /// `-i`.
    pub iif: Option<String>,
    /// `-o`.
    pub oif: Option<String>,
    /// `-m` modules.
    pub modules: Vec<String>,
    /// Extension options (`--dport 22`).
    pub ext: Vec<(String, String)>,
    /// `-j`/`-g`.
    pub target: Option<String>,
}

impl Rule {
    /// Adds what a later part of a bundled command line set.
    pub fn merge(&mut self, o: Rule) {
        self.proto = self.proto.take().or(o.proto);
        self.src = self.src.take().or(o.src);
        self.dst = self.dst.take().or(o.dst);
        self.iif = self.iif.take().or(o.iif);
        self.oif = self.oif.take().or(o.oif);
        self.target = self.target.take().or(o.target);
        self.modules.extend(o.modules);
        self.ext.extend(o.ext);
    }

    fn ext(&self, names: &[&str]) -> Option<&str> {
        self.ext
            .iter()
            .find(|(n, _)| names.contains(&n.as_str()))
            .map(|(_, v)| v.as_str())
    }

    /// The rule as `-S` prints it after `-A CHAIN`.
    pub fn spec(&self) -> String {
        let mut s = String::new();
        if let Some(a) = &self.src {
            s.push_str(&format!(" -s {}", with_mask(a)));
        }
        if let Some(a) = &self.dst {
            s.push_str(&format!(" -d {}", with_mask(a)));
        }
        if let Some(i) = &self.iif {
            s.push_str(&format!(" -i {i}"));
        }
        if let Some(o) = &self.oif {
            s.push_str(&format!(" -o {o}"));
        }
        if let Some(p) = self.proto.as_deref().filter(|p| *p != "all") {
            s.push_str(&format!(" -p {p}"));
        }
        let ports = self.ext(&["sport", "source-port"]).is_some()
            || self.ext(&["dport", "destination-port"]).is_some();
        let proto = self.proto.clone().unwrap_or_default();
        let mut mods: Vec<String> = self.modules.clone();
        if ports && !mods.contains(&proto) && (proto == "tcp" || proto == "udp") {
            mods.insert(0, proto.clone());
        }
        for m in &mods {
            s.push_str(&format!(" -m {m}"));
            if m == &proto {
                if let Some(p) = self.ext(&["sport", "source-port"]) {
                    s.push_str(&format!(" --sport {p}"));
                }
                if let Some(p) = self.ext(&["dport", "destination-port"]) {
                    s.push_str(&format!(" --dport {p}"));
                }
            }
            for (n, v) in &self.ext {
                let owner = match n.as_str() {
                    "dports" | "sports" => "multiport",
                    "state" => "state",
                    "ctstate" => "conntrack",
                    "comment" => "comment",
                    "limit" | "limit-burst" => "limit",
                    _ => "",
                };
                if owner == m {
                    s.push_str(&format!(" --{n} {v}"));
                }
            }
        }
        if let Some(t) = &self.target {
            s.push_str(&format!(" -j {t}"));
            for (n, v) in &self.ext {
                if [
                    "to-destination",
                    "to-source",
                    "to-ports",
                    "reject-with",
                    "log-prefix",
                ]
                .contains(&n.as_str())
                {
                    s.push_str(&format!(" --{n} {v}"));
                }
            }
        }
        s
    }

    /// The match text at the end of an `-L` line (with its leading space).
    fn matches(&self, numeric: bool) -> String {
        let mut s = String::new();
        let proto = self.proto.clone().unwrap_or_default();
        let sp = self.ext(&["sport", "source-port"]);
        let dp = self.ext(&["dport", "destination-port"]);
        if sp.is_some() || dp.is_some() || self.modules.contains(&proto) && !proto.is_empty() {
            s.push_str(&format!(" {proto}"));
            if let Some(p) = sp {
                s.push_str(&format!(" spt:{}", port(p, numeric)));
            }
            if let Some(p) = dp {
                s.push_str(&format!(" dpt:{}", port(p, numeric)));
            }
        }
        for (n, v) in &self.ext {
            match n.as_str() {
                "dports" | "sports" => {
                    let list: Vec<String> = v.split(',').map(|p| port(p, numeric)).collect();
                    s.push_str(&format!(" multiport {n} {}", list.join(",")));
                }
                "state" => s.push_str(&format!(" state {v}")),
                "ctstate" => s.push_str(&format!(" ctstate {v}")),
                "comment" => s.push_str(&format!(" /* {v} */")),
                "to-destination" | "to-source" => s.push_str(&format!(" to:{v}")),
                _ => {}
            }
        }
        if self.target.as_deref() == Some("REJECT") {
            let with = self
                .ext(&["reject-with"])
                .unwrap_or("icmp-port-unreachable");
            s.push_str(&format!(" reject-with {with}"));
        }
        s
    }
}

fn with_mask(a: &str) -> String {
    if a.contains('/') {
        a.to_string()
    } else if a.contains(':') {
        format!("{a}/128")
    } else {
        format!("{a}/32")
    }
}

fn port(p: &str, numeric: bool) -> String {
    if numeric {
        return p.to_string();
    }
    let name = match p {
        "20" => "ftp-data",
        "21" => "ftp",
        "22" => "ssh",
        "23" => "telnet",
        "25" => "smtp",
        "53" => "domain",
        "80" => "http",
        "110" => "pop3",
        "123" => "ntp",
        "143" => "imap2",
        "443" => "https",
        "3306" => "mysql",
        "5432" => "postgresql",
        "8080" => "http-alt",
        _ => p,
    };
    name.to_string()
}

fn proto_col(p: Option<&str>, numeric: bool) -> String {
    let p = p.unwrap_or("all");
    if !numeric {
        return p.to_string();
    }
    match p {
        "all" => "0",
        "icmp" => "1",
        "tcp" => "6",
        "udp" => "17",
        "icmpv6" | "ipv6-icmp" => "58",
        other => other,
    }
    .to_string()
}

/// xtables' `xtables_print_num` (counters are always 0 here): exact in `width` columns,
/// else in 5.
fn num(n: u64, exact: bool, width: usize) -> String {
    if exact {
        format!("{n:>width$} ")
    } else {
        format!("{n:>5} ")
    }
}

fn chain(name: &str, policy: Option<&str>) -> Chain {
    Chain {
        name: name.into(),
        policy: policy.map(String::from),
        rules: Vec::new(),
    }
}

/// The tables of a fresh nf_tables host, all policies ACCEPT.
pub fn default_tables() -> Vec<Table> {
    let mk = |name: &'static str, chains: &[&str]| Table {
        name,
        chains: chains.iter().map(|c| chain(c, Some("ACCEPT"))).collect(),
    };
    vec![
        mk("filter", &["INPUT", "FORWARD", "OUTPUT"]),
        mk("nat", &["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"]),
        mk(
            "mangle",
            &["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
        ),
        mk("raw", &["PREROUTING", "OUTPUT"]),
        mk("security", &["INPUT", "FORWARD", "OUTPUT"]),
    ]
}

impl Table {
    /// `-L` of one chain (by index) or all.
    pub fn list(
        &self,
        only: Option<usize>,
        numeric: bool,
        verbose: bool,
        exact: bool,
        lines: bool,
    ) -> String {
        let mut out = String::new();
        for (i, c) in self.chains.iter().enumerate() {
            if only.is_some_and(|o| o != i) {
                continue;
            }
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&format!("Chain {}", c.name));
            match &c.policy {
                Some(p) if verbose => out.push_str(&format!(" (policy {p} 0 packets, 0 bytes)\n")),
                Some(p) => out.push_str(&format!(" (policy {p})\n")),
                None => {
                    let refs = self
                        .chains
                        .iter()
                        .flat_map(|c| &c.rules)
                        .filter(|r| r.target.as_deref() == Some(c.name.as_str()))
                        .count();
                    out.push_str(&format!(" ({refs} references)\n"));
                }
            }
            if lines {
                out.push_str("num  ");
            }
            if verbose {
                out.push_str(if exact {
                    "    pkts      bytes "
                } else {
                    " pkts bytes "
                });
            }
            out.push_str("target     prot opt");
            if verbose {
                out.push_str(" in     out    ");
            }
            out.push_str(" source               destination         \n");
            for (n, r) in c.rules.iter().enumerate() {
                if lines {
                    out.push_str(&format!("{:<4} ", n + 1));
                }
                if verbose {
                    out.push_str(&num(0, exact, 8));
                    out.push_str(&num(0, exact, 10));
                }
                out.push_str(&format!(
                    "{:<9}  {:<4} -- ",
                    r.target.as_deref().unwrap_or(""),
                    proto_col(r.proto.as_deref(), numeric)
                ));
                if verbose {
                    let any = if numeric { "*" } else { "any" };
                    out.push_str(&format!(
                        " {:<6} {:<6} ",
                        r.iif.as_deref().unwrap_or(any),
                        r.oif.as_deref().unwrap_or(any)
                    ));
                }
                let anywhere = if numeric { "0.0.0.0/0" } else { "anywhere" };
                let addr = |a: &Option<String>| match a.as_deref() {
                    None => anywhere.to_string(),
                    Some(a) if a.ends_with("/32") => a.trim_end_matches("/32").to_string(),
                    Some(a) => a.to_string(),
                };
                out.push_str(&format!(" {:<19}  {:<19} ", addr(&r.src), addr(&r.dst)));
                out.push_str(&r.matches(numeric));
                out.push('\n');
            }
        }
        out
    }

    /// `-S` of one chain (by index) or all.
    pub fn save(&self, only: Option<usize>) -> String {
        let mut out = String::new();
        let sel = |i: usize| only.is_none_or(|o| o == i);
        for (i, c) in self.chains.iter().enumerate().filter(|(i, _)| sel(*i)) {
            match &c.policy {
                Some(p) => out.push_str(&format!("-P {} {p}\n", c.name)),
                None => out.push_str(&format!("-N {}\n", c.name)),
            }
            let _ = i;
        }
        for (_, c) in self.chains.iter().enumerate().filter(|(i, _)| sel(*i)) {
            for r in &c.rules {
                out.push_str(&format!("-A {}{}\n", c.name, r.spec()));
            }
        }
        out
    }
}

/// `iptables -h`.
pub fn help(p: &str) -> String {
    format!(
        "{p} v1.8.9 (nf_tables)

Usage: {p} -[ACD] chain rule-specification [options]
       {p} -I chain [rulenum] rule-specification [options]
       {p} -R chain rulenum rule-specification [options]
       {p} -D chain rulenum [options]
       {p} -[LS] [chain [rulenum]] [options]
       {p} -[FZ] [chain] [options]
       {p} -[NX] chain
       {p} -E old-chain-name new-chain-name
       {p} -P chain target [options]
       {p} -h (print this help information)

Commands:
Either long or short options are allowed.
  --append  -A chain\t\tAppend to chain
  --check   -C chain\t\tCheck for the existence of a rule
  --delete  -D chain\t\tDelete matching rule from chain
  --delete  -D chain rulenum
\t\t\t\tDelete rule rulenum (1 = first) from chain
  --insert  -I chain [rulenum]
\t\t\t\tInsert in chain as rulenum (default 1=first)
  --replace -R chain rulenum
\t\t\t\tReplace rule rulenum (1 = first) in chain
  --list    -L [chain [rulenum]]
\t\t\t\tList the rules in a chain or all chains
  --list-rules -S [chain [rulenum]]
\t\t\t\tPrint the rules in a chain or all chains
  --flush   -F [chain]\t\tDelete all rules in  chain or all chains
  --zero    -Z [chain [rulenum]]
\t\t\t\tZero counters in chain or all chains
  --new     -N chain\t\tCreate a new user-defined chain
  --delete-chain
\t    -X [chain]\t\tDelete a user-defined chain
  --policy  -P chain target
\t\t\t\tChange policy on chain to target
  --rename-chain
\t    -E old-chain new-chain
\t\t\t\tChange chain name, (moving any references)

Options:
    --ipv4\t-4\t\tNothing (line is ignored by ip6tables-restore)
    --ipv6\t-6\t\tError (line is ignored by iptables-restore)
[!] --protocol\t-p proto\tprotocol: by number or name, eg. `tcp'
[!] --source\t-s address[/mask][...]
\t\t\t\tsource specification
[!] --destination -d address[/mask][...]
\t\t\t\tdestination specification
[!] --in-interface -i input name[+]
\t\t\t\tnetwork interface name ([+] for wildcard)
 --jump\t-j target
\t\t\t\ttarget for rule (may load target extension)
  --goto      -g chain
\t\t\t       jump to chain with no return
  --match\t-m match
\t\t\t\textended match (may load extension)
  --numeric\t-n\t\tnumeric output of addresses and ports
[!] --out-interface -o output name[+]
\t\t\t\tnetwork interface name ([+] for wildcard)
  --table\t-t table\ttable to manipulate (default: `filter')
  --verbose\t-v\t\tverbose mode
  --wait\t-w [seconds]\tmaximum wait to acquire xtables lock before give up
  --line-numbers\t\tprint line numbers when listing
  --exact\t-x\t\texpand numbers (display exact values)
[!] --fragment\t-f\t\tmatch second or further fragments only
  --modprobe=<command>\t\ttry to insert modules using this command
  --set-counters -c PKTS BYTES\tset the counter during insert/append
[!] --version\t-V\t\tprint package version.
"
    )
}
