//! Indicators of compromise gathered over sessions, exported as CSV or a STIX 2.1 bundle.
//!
//! [`collect`] gathers, per session: the attacker's source address; every `ioc` event the
//! detectors emitted (url, ip, domain, filename, sha256, ssh key, host:port); each download's
//! URL and host; and each uploaded file's SHA-256. Indicators are deduplicated on
//! `(kind, value)`: the first and last sighting, the sessions and the contexts are merged.
//!
//! # Choices
//! - Values are kept exactly as seen, never normalised (no lower-casing, no URL parsing),
//!   except that an address is printed in its canonical form (`::ffff:203.0.113.9` is
//!   `203.0.113.9`, as a feed expects). An `ip` event whose value does not parse as an
//!   address keeps kind [`kind::IP_UNPARSED`] rather than being guessed at.
//! - A download's file hash is **not** an indicator: nothing is fetched, the file is the
//!   persona's simulated content, and its hash would be a false indicator. Uploaded files
//!   are real attacker bytes, so their hashes are.
//! - `context` is built from fixed phrases only (`download url`, `uploaded over scp`, ...),
//!   so it is bounded and carries no attacker text.
//! - [`csv`] is RFC 4180 (CRLF, fields with a comma, quote, CR or LF quoted, quotes doubled)
//!   and neutralises formula injection: a cell starting with `=`, `+`, `-`, `@`, TAB or CR
//!   gets a leading `'` (OWASP's advice), so a spreadsheet shows it as text.
//! - [`stix_bundle`] (in `ioc/stix.rs`) writes STIX 2.1 with deterministic ids.

mod stix;

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use miragepot_event::{EventKind, IocKind, SessionId, UploadVia};
use serde::Serialize;
use time::OffsetDateTime;

use crate::{SessionExport, timefmt};

pub use stix::{indicator_id, pattern, stix_bundle};

/// The `kind` names of indicators (STIX cyber-observable names where one exists).
pub mod kind {
    /// An IPv4 address.
    pub const IPV4: &str = "ipv4-addr";
    /// An IPv6 address.
    pub const IPV6: &str = "ipv6-addr";
    /// An `ip` IOC event whose value is not an address (kept, not guessed at).
    pub const IP_UNPARSED: &str = "ip";
    /// A URL.
    pub const URL: &str = "url";
    /// A host name.
    pub const DOMAIN: &str = "domain-name";
    /// The SHA-256 of a file.
    pub const FILE_SHA256: &str = "file-sha256";
    /// A file name.
    pub const FILE_NAME: &str = "file-name";
    /// An SSH public key's `SHA256:` fingerprint.
    pub const SSH_KEY: &str = "ssh-key";
    /// A `host:port` (mining pool, C2).
    pub const HOST_PORT: &str = "host-port";
}

/// One indicator of compromise, merged over every session that showed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Indicator {
    /// What it is: one of the names in [`kind`].
    pub kind: String,
    /// The value as seen.
    pub value: String,
    /// The first sighting.
    #[serde(with = "time::serde::rfc3339")]
    pub first_seen: OffsetDateTime,
    /// The last sighting.
    #[serde(with = "time::serde::rfc3339")]
    pub last_seen: OffsetDateTime,
    /// The sessions that showed it, sorted.
    pub sessions: Vec<SessionId>,
    /// Where it was seen (`attacker source address; download url`), fixed phrases only.
    pub context: String,
}

#[derive(Default)]
struct Sightings {
    first: Option<OffsetDateTime>,
    last: Option<OffsetDateTime>,
    sessions: BTreeSet<SessionId>,
    contexts: BTreeSet<&'static str>,
}

#[derive(Default)]
struct Collector(BTreeMap<(&'static str, String), Sightings>);

impl Collector {
    fn add(
        &mut self,
        kind: &'static str,
        value: &str,
        seen: (OffsetDateTime, OffsetDateTime),
        session: SessionId,
        context: &'static str,
    ) {
        if value.is_empty() {
            return;
        }
        let s = self.0.entry((kind, value.to_string())).or_default();
        s.first = Some(s.first.map_or(seen.0, |f| f.min(seen.0)));
        s.last = Some(s.last.map_or(seen.1, |l| l.max(seen.1)));
        s.sessions.insert(session);
        s.contexts.insert(context);
    }

    fn add_ip(
        &mut self,
        ip: IpAddr,
        seen: (OffsetDateTime, OffsetDateTime),
        session: SessionId,
        context: &'static str,
    ) {
        let ip = ip.to_canonical();
        let kind = if ip.is_ipv4() { kind::IPV4 } else { kind::IPV6 };
        self.add(kind, &ip.to_string(), seen, session, context);
    }

    fn add_host(
        &mut self,
        host: &str,
        seen: (OffsetDateTime, OffsetDateTime),
        session: SessionId,
        context: &'static str,
    ) {
        match host.parse::<IpAddr>() {
            Ok(ip) => self.add_ip(ip, seen, session, context),
            Err(_) => self.add(kind::DOMAIN, host, seen, session, context),
        }
    }
}

/// Gathers the indicators of `exports`, deduplicated, ordered by first sighting (then kind
/// and value).
pub fn collect(exports: &[SessionExport<'_>]) -> Vec<Indicator> {
    let mut c = Collector::default();
    for export in exports {
        let session = export.session;
        if let (Some(first), Some(start), Some(end)) =
            (export.events.first(), export.start(), export.end())
        {
            c.add_ip(
                first.src_ip,
                (start, end),
                session,
                "attacker source address",
            );
        }
        for event in export.events {
            let at = (event.ts, event.ts);
            match &event.kind {
                EventKind::Ioc(ioc) => {
                    let value = ioc.value.as_str();
                    match ioc.ioc {
                        IocKind::Url => c.add(kind::URL, value, at, session, "ioc event: url"),
                        IocKind::Ip => match value.parse::<IpAddr>() {
                            Ok(ip) => c.add_ip(ip, at, session, "ioc event: ip"),
                            Err(_) => c.add(kind::IP_UNPARSED, value, at, session, "ioc event: ip"),
                        },
                        IocKind::Domain => {
                            c.add(kind::DOMAIN, value, at, session, "ioc event: domain")
                        }
                        IocKind::Filename => {
                            c.add(kind::FILE_NAME, value, at, session, "ioc event: filename")
                        }
                        IocKind::Sha256 => {
                            c.add(kind::FILE_SHA256, value, at, session, "ioc event: sha256")
                        }
                        IocKind::SshKey => {
                            c.add(kind::SSH_KEY, value, at, session, "ioc event: ssh key")
                        }
                        IocKind::HostPort => {
                            c.add(kind::HOST_PORT, value, at, session, "ioc event: host:port")
                        }
                    }
                }
                EventKind::Download { url, host, .. } => {
                    c.add(kind::URL, url, at, session, "download url");
                    c.add_host(host, at, session, "download host");
                }
                EventKind::FileUploaded { sha256, via, .. } => {
                    let context = match via {
                        UploadVia::Sftp => "uploaded over sftp",
                        UploadVia::Scp => "uploaded over scp",
                    };
                    c.add(kind::FILE_SHA256, sha256, at, session, context);
                }
                _ => {}
            }
        }
    }
    let mut out: Vec<Indicator> =
        c.0.into_iter()
            .filter_map(|((kind, value), s)| {
                Some(Indicator {
                    kind: kind.to_string(),
                    value,
                    first_seen: s.first?,
                    last_seen: s.last?,
                    sessions: s.sessions.into_iter().collect(),
                    context: s.contexts.into_iter().collect::<Vec<_>>().join("; "),
                })
            })
            .collect();
    out.sort_by(|a, b| (a.first_seen, &a.kind, &a.value).cmp(&(b.first_seen, &b.kind, &b.value)));
    out
}

/// The CSV header line's fields.
pub const CSV_HEADER: [&str; 6] = [
    "type",
    "value",
    "first_seen",
    "last_seen",
    "sessions",
    "context",
];

/// The indicators as RFC 4180 CSV with a header line, CRLF line ends and formula cells
/// neutralised (see the module doc). `sessions` is space-separated.
pub fn csv(indicators: &[Indicator]) -> String {
    let mut out = String::new();
    row(&mut out, CSV_HEADER.iter().map(|h| (*h).to_string()));
    for i in indicators {
        let sessions: Vec<String> = i.sessions.iter().map(|s| s.to_string()).collect();
        row(
            &mut out,
            [
                i.kind.clone(),
                i.value.clone(),
                timefmt::iso_micros(i.first_seen),
                timefmt::iso_micros(i.last_seen),
                sessions.join(" "),
                i.context.clone(),
            ],
        );
    }
    out
}

fn row(out: &mut String, cells: impl IntoIterator<Item = String>) {
    for (n, cell) in cells.into_iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(&csv_cell(&cell));
    }
    out.push_str("\r\n");
}

/// One CSV cell: formula-neutralised, then quoted when RFC 4180 requires it.
pub fn csv_cell(value: &str) -> String {
    let mut cell = String::with_capacity(value.len() + 3);
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        cell.push('\'');
    }
    cell.push_str(value);
    if cell.contains([',', '"', '\r', '\n']) {
        let mut quoted = String::with_capacity(cell.len() + 2);
        quoted.push('"');
        for c in cell.chars() {
            if c == '"' {
                quoted.push('"');
            }
            quoted.push(c);
        }
        quoted.push('"');
        quoted
    } else {
        cell
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_neutralised() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(csv_cell("-1,2"), "\"'-1,2\"");
        assert_eq!(csv_cell("\rx"), "\"'\rx\"");
        assert_eq!(csv_cell("line\nbreak"), "\"line\nbreak\"");
    }
}
