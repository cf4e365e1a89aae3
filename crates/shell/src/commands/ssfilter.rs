//! `ss` filters (iproute2 6.1.0): `state NAME` and `exclude NAME` words first, then an
//! expression of `sport`/`dport` comparisons (`= == eq != ne < lt <= le > gt >= ge`, a port
//! as `:22`, `22` or a service name from the box's `/etc/services`) and `src`/`dst` host
//! conditions (`ADDR[/LEN][:PORT]`, `:PORT`, `*:PORT`), joined by `and`/`&&`/`&`,
//! `or`/`||`/`|` or juxtaposition (and), negated by `not`/`!`, grouped by `(` `)`. As in
//! ss's grammar, `(`, `)` and `!` are words of their own and the joins apply left to right.
//! Errors are ss's: the bison complaint with the usage, an address or port it cannot read,
//! a wrong state name.

use super::sysmodel::Sock;

/// TCP states, as ss numbers them (bit positions).
/// `ESTAB`.
pub(crate) const ESTABLISHED: u32 = 1 << 1;
const SYN_SENT: u32 = 1 << 2;
const SYN_RECV: u32 = 1 << 3;
const FIN_WAIT1: u32 = 1 << 4;
const FIN_WAIT2: u32 = 1 << 5;
const TIME_WAIT: u32 = 1 << 6;
/// `UNCONN` (UDP listeners).
pub(crate) const CLOSE: u32 = 1 << 7;
const CLOSE_WAIT: u32 = 1 << 8;
const LAST_ACK: u32 = 1 << 9;
/// `LISTEN`.
pub(crate) const LISTEN: u32 = 1 << 10;
const CLOSING: u32 = 1 << 11;
/// Every state.
pub(crate) const ALL: u32 = (1 << 12) - 2;
/// ss's default without `-a`/`-l`: connected sockets.
pub(crate) const CONNECTED: u32 = ALL & !(LISTEN | CLOSE);

/// Why a filter was refused (each prints its own message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FilterError {
    /// `state NAME` with an unknown name.
    WrongState(String),
    /// `state` with nothing after it.
    Incomplete,
    /// The grammar refused it.
    Syntax,
    /// A word that is not an address.
    Prefix(String),
    /// A port that is neither a number nor a service.
    Port(String),
}

impl FilterError {
    /// The message on stderr (ss adds its usage after the syntax error) and the status.
    pub(crate) fn message(&self) -> (String, i32) {
        match self {
            FilterError::WrongState(s) => (format!("ss: wrong state name: {s}\n"), 255),
            FilterError::Incomplete => (
                "Command line is not complete. Try option \"help\"\n".into(),
                255,
            ),
            FilterError::Syntax => (
                "ss: bison bellows (while parsing filter): \"syntax error!\" Sorry.\n".into(),
                255,
            ),
            FilterError::Prefix(w) => (
                format!(
                    "Error: an inet prefix is expected rather than \"{w}\".\nCannot parse dst/src address.\n"
                ),
                1,
            ),
            FilterError::Port(p) => (
                format!(
                    "Error: \"{p}\" does not look like a port.\nCannot parse dst/src address.\n"
                ),
                1,
            ),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// An address with a prefix length (bytes of an IPv4 or IPv6 address).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Prefix {
    bytes: Vec<u8>,
    len: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    /// `sport`/`dport` (`local`: sport) compared with a port.
    Port {
        local: bool,
        op: Op,
        port: u32,
    },
    /// `src`/`dst` host condition: an address prefix (`None`: any) and a port.
    Host {
        local: bool,
        addr: Option<Prefix>,
        port: Option<u32>,
    },
}

/// A parsed filter.
#[derive(Debug, Default)]
pub(crate) struct Filter {
    /// The states asked for with `state`/`exclude` (`None`: the options decide).
    pub states: Option<u32>,
    expr: Option<Expr>,
}

/// A state name as `state NAME` takes it.
fn state_bits(name: &str) -> Option<u32> {
    Some(match name {
        "all" => ALL,
        "connected" => CONNECTED,
        "synchronized" => CONNECTED & !SYN_SENT,
        "bucket" => SYN_RECV | TIME_WAIT,
        "big" => ALL & !(SYN_RECV | TIME_WAIT),
        "established" => ESTABLISHED,
        "syn-sent" => SYN_SENT,
        "syn-recv" => SYN_RECV,
        "fin-wait-1" => FIN_WAIT1,
        "fin-wait-2" => FIN_WAIT2,
        "time-wait" => TIME_WAIT,
        "closed" | "unconnected" => CLOSE,
        "close-wait" => CLOSE_WAIT,
        "last-ack" => LAST_ACK,
        "listening" | "listen" => LISTEN,
        "closing" => CLOSING,
        _ => return None,
    })
}

/// Parses the words after the options. `service` maps a TCP service name to its port.
pub(crate) fn parse(
    words: &[String],
    service: &dyn Fn(&str) -> Option<u16>,
) -> Result<Filter, FilterError> {
    let mut f = Filter::default();
    let mut i = 0;
    while let Some(w) = words.get(i).map(String::as_str) {
        let exclude = match w {
            "state" => false,
            "exclude" | "excl" => true,
            _ => break,
        };
        let name = words.get(i + 1).ok_or(FilterError::Incomplete)?;
        let bits = state_bits(name).ok_or_else(|| FilterError::WrongState(name.clone()))?;
        f.states = Some(match (f.states, exclude) {
            (None, false) => bits,
            (Some(s), false) => s | bits,
            (s, true) => s.unwrap_or(ALL) & !bits,
        });
        i += 2;
    }
    let tokens: Vec<&str> = words
        .get(i..)
        .unwrap_or(&[])
        .iter()
        .flat_map(|w| w.split_whitespace())
        .take(4096)
        .collect();
    if !tokens.is_empty() {
        let mut p = Parser {
            t: &tokens,
            i: 0,
            service,
            depth: 0,
        };
        let e = p.list()?;
        if p.i < tokens.len() {
            return Err(FilterError::Syntax);
        }
        f.expr = Some(e);
    }
    Ok(f)
}

struct Parser<'a> {
    t: &'a [&'a str],
    i: usize,
    service: &'a dyn Fn(&str) -> Option<u16>,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&'a str> {
        self.t.get(self.i).copied()
    }

    fn next(&mut self) -> Option<&'a str> {
        let t = self.t.get(self.i).copied();
        self.i += 1;
        t
    }

    /// `exprlist`: expressions joined left to right.
    fn list(&mut self) -> Result<Expr, FilterError> {
        let mut left = self.expr()?;
        loop {
            let or = match self.peek() {
                None | Some(")") => return Ok(left),
                Some("or" | "||" | "|") => true,
                Some("and" | "&&" | "&") => false,
                Some(_) => {
                    let right = self.expr()?;
                    left = Expr::And(Box::new(left), Box::new(right));
                    continue;
                }
            };
            self.i += 1;
            let right = self.expr()?;
            left = if or {
                Expr::Or(Box::new(left), Box::new(right))
            } else {
                Expr::And(Box::new(left), Box::new(right))
            };
        }
    }

    fn expr(&mut self) -> Result<Expr, FilterError> {
        self.depth += 1;
        if self.depth > 64 {
            return Err(FilterError::Syntax);
        }
        let r = self.expr_inner();
        self.depth -= 1;
        r
    }

    fn expr_inner(&mut self) -> Result<Expr, FilterError> {
        let word = self.next().ok_or(FilterError::Syntax)?;
        match word {
            "(" => {
                let e = self.list()?;
                if self.next() != Some(")") {
                    return Err(FilterError::Syntax);
                }
                Ok(e)
            }
            "!" | "not" => Ok(Expr::Not(Box::new(self.expr()?))),
            "sport" | "dport" => {
                let op = match self.peek() {
                    Some("=" | "==" | "eq") => Some(Op::Eq),
                    Some("!=" | "ne" | "neq") => Some(Op::Ne),
                    Some("<" | "lt") => Some(Op::Lt),
                    Some("<=" | "le") => Some(Op::Le),
                    Some(">" | "gt") => Some(Op::Gt),
                    Some(">=" | "ge") => Some(Op::Ge),
                    _ => None,
                };
                if op.is_some() {
                    self.i += 1;
                }
                let v = self.next().ok_or(FilterError::Syntax)?;
                let port = self.port(v.strip_prefix('*').unwrap_or(v))?;
                Ok(Expr::Port {
                    local: word == "sport",
                    op: op.unwrap_or(Op::Eq),
                    port,
                })
            }
            "src" | "dst" => {
                let v = self.next().ok_or(FilterError::Syntax)?;
                let (addr, port) = self.hostcond(v)?;
                Ok(Expr::Host {
                    local: word == "src",
                    addr,
                    port,
                })
            }
            ")" | "or" | "||" | "|" | "and" | "&&" | "&" | "=" | "==" | "!=" | "<" | ">" | "<="
            | ">=" => Err(FilterError::Syntax),
            other => {
                // A bare word is read as an address; one that reads is still not an
                // expression on its own.
                self.hostcond(other)?;
                Err(FilterError::Syntax)
            }
        }
    }

    /// `:22`, `22`, `:ssh`.
    fn port(&self, v: &str) -> Result<u32, FilterError> {
        let v = v.strip_prefix(':').unwrap_or(v);
        if let Ok(n) = v.parse::<u32>() {
            return Ok(n);
        }
        (self.service)(v)
            .map(u32::from)
            .ok_or_else(|| FilterError::Port(v.to_string()))
    }

    /// `ADDR[/LEN][:PORT]`, `[ADDR6]:PORT`, `:PORT`, `*:PORT`, `*`.
    fn hostcond(&self, v: &str) -> Result<(Option<Prefix>, Option<u32>), FilterError> {
        let (host, port) = if let Some(rest) = v.strip_prefix('[') {
            match rest.split_once(']') {
                Some((h, tail)) => (h, tail.strip_prefix(':')),
                None => (rest, None),
            }
        } else if v.matches(':').count() > 1 {
            (v, None)
        } else {
            match v.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (v, None),
            }
        };
        let addr = match host {
            "" | "*" => None,
            h => Some(prefix(h).ok_or_else(|| FilterError::Prefix(h.to_string()))?),
        };
        let port = match port {
            None | Some("*") => None,
            Some(p) => Some(self.port(p)?),
        };
        Ok((addr, port))
    }
}

/// An address (`10.0.3.17`, `10.0.0.0/8`, `::1`) as bytes and a prefix length.
fn prefix(s: &str) -> Option<Prefix> {
    let (a, len) = match s.split_once('/') {
        Some((a, l)) => (a, Some(l.parse::<u32>().ok()?)),
        None => (s, None),
    };
    let bytes: Vec<u8> = if let Ok(v4) = a.parse::<std::net::Ipv4Addr>() {
        v4.octets().to_vec()
    } else {
        a.parse::<std::net::Ipv6Addr>().ok()?.octets().to_vec()
    };
    let max = u32::try_from(bytes.len() * 8).unwrap_or(128);
    let len = len.unwrap_or(max);
    (len <= max).then_some(Prefix { bytes, len })
}

fn in_prefix(p: &Prefix, addr: &str) -> bool {
    let Some(a) = prefix(addr) else {
        return false;
    };
    if a.bytes.len() != p.bytes.len() {
        return false;
    }
    let mut left = p.len;
    for (x, y) in p.bytes.iter().zip(&a.bytes) {
        if left == 0 {
            break;
        }
        let bits = left.min(8);
        let mask = 0xffu8 << (8 - bits);
        if x & mask != y & mask {
            return false;
        }
        left -= bits;
    }
    true
}

fn eval(e: &Expr, s: &Sock) -> bool {
    match e {
        Expr::And(a, b) => eval(a, s) && eval(b, s),
        Expr::Or(a, b) => eval(a, s) || eval(b, s),
        Expr::Not(a) => !eval(a, s),
        Expr::Port { local, op, port } => {
            let have = if *local {
                u32::from(s.local.1)
            } else {
                u32::from(s.peer.1.unwrap_or(0))
            };
            match op {
                Op::Eq => have == *port,
                Op::Ne => have != *port,
                Op::Lt => have < *port,
                Op::Le => have <= *port,
                Op::Gt => have > *port,
                Op::Ge => have >= *port,
            }
        }
        Expr::Host { local, addr, port } => {
            let (a, p) = if *local {
                (s.local.0.as_str(), Some(s.local.1))
            } else {
                (s.peer.0.as_str(), s.peer.1)
            };
            addr.as_ref().is_none_or(|pre| in_prefix(pre, a))
                && port.is_none_or(|want| u32::from(p.unwrap_or(0)) == want)
        }
    }
}

impl Filter {
    /// Whether the socket passes the expression (states are checked by the caller).
    pub(crate) fn keeps(&self, s: &Sock) -> bool {
        self.expr.as_ref().is_none_or(|e| eval(e, s))
    }
}

#[cfg(test)]
mod tests;
