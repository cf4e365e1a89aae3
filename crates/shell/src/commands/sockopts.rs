//! The options `ss` (iproute2 6.1.0) and `netstat` (net-tools 2.10) share, read by one
//! parser: the socket kinds (`-t -u -x -w`), `-l`, `-a`, `-n`, `-p`, `-4`, `-6`, `-h`, `-V`
//! and their long names, plus the few each has alone (`ss -s -H`, `netstat --program`).
//! Options either tool accepts without an effect here are taken from its help text, so an
//! option is refused exactly when the real tool refuses it.

use super::help;

/// Which tool is parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tool {
    /// `ss`.
    Ss,
    /// `netstat`.
    Netstat,
}

impl Tool {
    fn name(self) -> &'static str {
        match self {
            Tool::Ss => "ss",
            Tool::Netstat => "netstat",
        }
    }

    /// Letters accepted without an effect here.
    fn ignored(self) -> &'static str {
        match self {
            Tool::Ss => "eomirKZzbEOMSd0TNAfFDBQ",
            Tool::Netstat => "eWNocCFvrisgMT",
        }
    }
}

/// What the options ask for; `words` are the arguments that are not options (`ss`'s
/// filter).
#[derive(Debug, Default)]
pub(crate) struct SockOpts {
    pub tcp: bool,
    pub udp: bool,
    pub unix: bool,
    pub raw: bool,
    pub listen: bool,
    pub all: bool,
    pub numeric: bool,
    pub procs: bool,
    pub v4: bool,
    pub v6: bool,
    /// `ss -s`.
    pub summary: bool,
    /// `ss -H`.
    pub no_header: bool,
    /// A family or table asked for that the box has no sockets of (`-f netlink`, `-A dccp`).
    pub other: bool,
    pub words: Vec<String>,
}

/// The outcome of parsing.
#[derive(Debug)]
pub(crate) enum Parsed {
    /// Options to run with.
    Run(SockOpts),
    /// `-h`/`--help`.
    Help,
    /// `-V`/`--version`.
    Version,
    /// A refused option: getopt's message (`invalid option -- 'Y'`).
    Bad(String),
}

/// `-f FAMILY` (ss), `-A TABLE[,TABLE]` (ss and netstat): which sockets to show. Other
/// valued options (`-N NETNS`, `-D FILE`, `-F FILE`) are accepted as given.
fn select(o: &mut SockOpts, tool: Tool, what: char, v: &str) -> Result<(), String> {
    if !matches!(what, 'f' | 'A') {
        return Ok(());
    }
    if what == 'f' {
        match v {
            "inet" => o.v4 = true,
            "inet6" => o.v6 = true,
            "unix" => o.unix = true,
            "link" | "netlink" | "vsock" | "tipc" | "xdp" | "help" => o.other = true,
            _ => return Err(format!("\"{v}\" is invalid family")),
        }
        return Ok(());
    }
    for t in v.split(',') {
        match t {
            "all" => (o.tcp, o.udp, o.unix, o.raw) = (true, true, true, true),
            "inet" => (o.tcp, o.udp, o.raw) = (true, true, true),
            "inet6" if tool == Tool::Netstat => o.v6 = true,
            "tcp" => o.tcp = true,
            "udp" => o.udp = true,
            "raw" => o.raw = true,
            "unix" | "unix_dgram" | "unix_stream" | "unix_seqpacket" => o.unix = true,
            _ if tool == Tool::Netstat => o.other = true,
            "mptcp" | "packet" | "packet_raw" | "packet_dgram" | "netlink" | "dccp" | "sctp"
            | "vsock_stream" | "vsock_dgram" | "tipc" | "xdp" => o.other = true,
            _ => return Err(format!("\"{t}\" is illegal socket table id")),
        }
    }
    Ok(())
}

/// Parses `args` (`args[0]` is the name) the way `tool` does.
pub(crate) fn parse(args: &[String], tool: Tool) -> Parsed {
    let text = help::help(tool.name()).unwrap_or_default();
    let mut o = SockOpts::default();
    // Letters and long names that take a value, and what they are: `f` family, `A` table,
    // anything else accepted and ignored (`-N NETNS`, `-D FILE`, `-F FILE`).
    let (valued, long_valued): (&str, &[(&str, char)]) = match tool {
        Tool::Ss => (
            "NfADF",
            &[
                ("net", 'N'),
                ("family", 'f'),
                ("query", 'A'),
                ("socket", 'A'),
                ("diag", 'D'),
                ("filter", 'F'),
            ],
        ),
        Tool::Netstat => ("A", &[("protocol", 'A')]),
    };
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        if let Some(l) = a.strip_prefix("--") {
            let (name, inline) = match l.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (l, None),
            };
            if let Some((_, key)) = long_valued.iter().find(|(n, _)| *n == name) {
                let Some(v) = inline.or_else(|| it.next().cloned()) else {
                    return Parsed::Bad(format!("option '--{name}' requires an argument"));
                };
                if let Err(m) = select(&mut o, tool, *key, &v) {
                    return Parsed::Bad(m);
                }
                continue;
            }
            match (name, tool) {
                ("help", _) => return Parsed::Help,
                ("version", _) => return Parsed::Version,
                ("tcp", _) => o.tcp = true,
                ("udp", _) => o.udp = true,
                ("unix", _) => o.unix = true,
                ("raw", _) => o.raw = true,
                ("listening", _) => o.listen = true,
                ("all", _) => o.all = true,
                ("numeric", _) => o.numeric = true,
                ("processes", Tool::Ss) | ("program", Tool::Netstat) => o.procs = true,
                ("summary", Tool::Ss) => o.summary = true,
                ("no-header", Tool::Ss) => o.no_header = true,
                ("ipv4", Tool::Ss) => o.v4 = true,
                ("ipv6", Tool::Ss) => o.v6 = true,
                _ if !name.is_empty() && text.contains(&format!("--{name}")) => {}
                _ => return Parsed::Bad(format!("unrecognized option '{a}'")),
            }
            continue;
        }
        let Some(body) = a.strip_prefix('-').filter(|b| !b.is_empty()) else {
            o.words.push(a.clone());
            continue;
        };
        for (i, c) in body.char_indices() {
            if valued.contains(c) {
                let rest = body.get(i + c.len_utf8()..).unwrap_or("");
                let v = if rest.is_empty() {
                    it.next().cloned()
                } else {
                    Some(rest.to_string())
                };
                let Some(v) = v else {
                    return Parsed::Bad(format!("option requires an argument -- '{c}'"));
                };
                if let Err(m) = select(&mut o, tool, c, &v) {
                    return Parsed::Bad(m);
                }
                break;
            }
            match c {
                't' => o.tcp = true,
                'u' => o.udp = true,
                'x' => o.unix = true,
                'w' => o.raw = true,
                'l' => o.listen = true,
                'a' => o.all = true,
                'n' => o.numeric = true,
                'p' => o.procs = true,
                '4' => o.v4 = true,
                '6' => o.v6 = true,
                'h' => return Parsed::Help,
                'V' => return Parsed::Version,
                's' if tool == Tool::Ss => o.summary = true,
                'H' if tool == Tool::Ss => o.no_header = true,
                _ if tool.ignored().contains(c) => {}
                _ if text.contains(&format!(" -{c},")) => {}
                _ => return Parsed::Bad(format!("invalid option -- '{c}'")),
            }
        }
    }
    Parsed::Run(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        line.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn both_tools_read_the_shared_letters_alike() {
        for tool in [Tool::Ss, Tool::Netstat] {
            let Parsed::Run(o) = parse(&words("x -tulpn -4"), tool) else {
                panic!("{tool:?}");
            };
            assert!(o.tcp && o.udp && o.listen && o.procs && o.numeric && o.v4);
            assert!(!o.all && !o.unix && !o.summary);
            assert!(
                matches!(parse(&words("x -Y"), tool), Parsed::Bad(m) if m == "invalid option -- 'Y'")
            );
            assert!(matches!(
                parse(&words("x --tcp --help"), tool),
                Parsed::Help
            ));
        }
        let Parsed::Run(o) = parse(&words("ss -sH state listening"), Tool::Ss) else {
            panic!("ss");
        };
        assert!(o.summary && o.no_header);
        assert_eq!(o.words, ["state", "listening"]);
        // Letters only one of them has.
        assert!(matches!(
            parse(&words("netstat -H"), Tool::Netstat),
            Parsed::Bad(_)
        ));
        assert!(matches!(parse(&words("ss -W"), Tool::Ss), Parsed::Bad(_)));
        assert!(
            matches!(parse(&words("netstat --program"), Tool::Netstat), Parsed::Run(o) if o.procs)
        );
        assert!(matches!(
            parse(&words("ss --program"), Tool::Ss),
            Parsed::Bad(_)
        ));
    }
}
