//! Our events as Cowrie JSON lines, for tooling built on `cowrie.json` (T-Pot's Logstash and
//! Kibana, DShield-style scripts, ELK/Splunk/Sentinel content, cowrie-json parsers).
//!
//! The event ids, field names and message strings follow `shared/design/cowrie-events.md`
//! (read from Cowrie's own source). One line is one compact JSON object.
//!
//! # Choices
//! - **`session`**: Cowrie's key is 12 lowercase hex characters. It is the last 12 hex digits
//!   of our session UUID ([`session_id`]): in a UUIDv7 those are random bits (the first ones
//!   are the timestamp, which would collide for sessions opened in the same millisecond), so
//!   the mapping is deterministic and, like Cowrie's `uuid4().hex[:12]`, 48 random bits. The
//!   full id is **not** added as an extra field: the schema doc does not say consumers
//!   tolerate fields it does not list. It stays recoverable, since the 12 characters are the
//!   suffix of our id's simple form.
//! - **Connection fields**: `src_ip` and `src_port` are on every line and, in
//!   [`session_lines`], so are `protocol`, `dst_ip` and `dst_port` from `session_start`
//!   (HEAD's form; a 2.x reader such as T-Pot's Logstash indexes them as extra columns and
//!   loses nothing). `src_ip` is always the real peer (an IPv4-mapped IPv6 address is shown
//!   as IPv4, as Cowrie does).
//! - **Durations**: `session.closed` and `log.closed` carry both `duration` (float seconds,
//!   the 2.x form T-Pot and DShield-era parsers read; a float, not 2.9's `"12.3"` string,
//!   because T-Pot converts the field to a number anyway) and HEAD's `duration_ms`, as the
//!   doc allows.
//! - **`direct-tcpip.request`**: HEAD's `orig_ip`/`orig_port` for the claimed originator;
//!   2.x's form overwrote `src_ip` with it, which would lose the real attacker address.
//! - **Downloads**: nothing is fetched (the file is simulated), so `file_download` has `url`
//!   and `destfile` but no `outfile`/`shasum`: a hash of our own made-up content would be a
//!   false indicator in every feed these lines reach. A failed attempt is
//!   `file_download.failed` with `error` set to our outcome (`dns_failed`, ...). A file the
//!   attacker wrote (`echo … > ~/.ssh/authorized_keys`, our `file_written`) is a
//!   `file_download` without `url`, as Cowrie logs redirect captures; [`session_lines`]
//!   skips the `file_written` of a path a download saved, since that content is simulated.
//! - **Public keys**: a `publickey` attempt is `client.fingerprint` (2.x form) with our
//!   `SHA256:` fingerprint (Cowrie's is MD5 colon hex; we have no key type, so the message
//!   leaves it out), plus `login.success` when accepted. `none` probes are not logged, as in
//!   Cowrie.
//!
//! # Omitted (no Cowrie equivalent)
//! `window_change`, `shell_start`, `command_result`, `file_executed`, `forward_request` other
//! than `direct_tcpip`, `channel_request`, every detection (`technique`, `attack_stage`,
//! `ioc`, `honeytoken_planted`, `honeytoken_touched`, `token_reused`, `injection_attempt`,
//! `session_summary`, `ip_profile`), `delay_applied`, the access-policy events
//! (`connection_refused`, `ip_blocked`, `ip_unblocked`, `limit_hit`) and the LLM events.
//! `cowrie.session.params` is not emitted (we record no `arch`), nor `langCS` in
//! `client.kex` (we do not keep the language lists), nor `duplicate`, nor `log.closed`'s
//! `shasum` (our recording is an asciicast, not a ttylog of input only).

use std::collections::BTreeSet;
use std::net::IpAddr;

use miragepot_event::{AuthMethod, Event, EventKind, ForwardKind, SessionId, UploadVia};
use serde_json::{Map, Value};

use crate::{SessionExport, protocol_name, timefmt};

/// Every `eventid` this module emits.
pub const EVENT_IDS: &[&str] = &[
    "cowrie.session.connect",
    "cowrie.client.version",
    "cowrie.client.kex",
    "cowrie.client.fingerprint",
    "cowrie.client.size",
    "cowrie.client.var",
    "cowrie.login.success",
    "cowrie.login.failed",
    "cowrie.command.input",
    "cowrie.command.failed",
    "cowrie.session.file_download",
    "cowrie.session.file_download.failed",
    "cowrie.session.file_upload",
    "cowrie.direct-tcpip.request",
    "cowrie.log.closed",
    "cowrie.session.closed",
];

/// Where we say an artifact is kept, relative to the data dir (`data/artifacts/<sha256>`).
const ARTIFACTS: &str = "artifacts/";

/// Cowrie's 12-hex-character session key for one of our sessions: the last 12 hex digits of
/// its UUID (see the module doc).
pub fn session_id(session: SessionId) -> String {
    format!("{:012x}", session.0.as_u128() & 0xffff_ffff_ffff)
}

/// The Cowrie lines for one event (none for kinds Cowrie has no id for). Connection fields
/// other than `src_ip`/`src_port` are only known from `session_start`, so prefer
/// [`session_lines`] for a whole session.
pub fn events(event: &Event) -> Vec<Value> {
    lines(event, &Conn::of(std::slice::from_ref(event)))
}

/// A whole session as Cowrie JSON lines, each ending in `\n`.
pub fn session_lines(export: &SessionExport<'_>) -> String {
    let conn = Conn::of(export.events);
    let simulated: BTreeSet<&str> = export
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Download {
                destination: Some(path),
                outcome,
                ..
            } if outcome == "saved" => Some(path.as_str()),
            _ => None,
        })
        .collect();
    let mut out = String::new();
    for event in export.events {
        if let EventKind::FileWritten { path, .. } = &event.kind
            && simulated.contains(path.as_str())
        {
            continue;
        }
        for line in lines(event, &conn) {
            out.push_str(&line.to_string());
            out.push('\n');
        }
    }
    out
}

/// What `session_start` told us about the connection.
#[derive(Default)]
struct Conn {
    protocol: Option<&'static str>,
    dst_ip: Option<IpAddr>,
    dst_port: Option<u16>,
}

impl Conn {
    fn of(events: &[Event]) -> Conn {
        events
            .iter()
            .find_map(|e| match &e.kind {
                EventKind::SessionStart {
                    protocol,
                    dst_ip,
                    dst_port,
                } => Some(Conn {
                    protocol: Some(protocol_name(*protocol)),
                    dst_ip: Some(dst_ip.to_canonical()),
                    dst_port: Some(*dst_port),
                }),
                _ => None,
            })
            .unwrap_or_default()
    }
}

/// A line under construction: the shared attributes, then the event's own fields.
struct Line(Map<String, Value>);

impl Line {
    fn new(event: &Event, conn: &Conn, eventid: &str, message: Option<String>) -> Line {
        let mut map = Map::new();
        map.insert("eventid".into(), Value::from(eventid));
        if let Some(message) = message {
            map.insert("message".into(), Value::from(message));
        }
        map.insert("sensor".into(), Value::from(event.sensor.as_str()));
        map.insert(
            "timestamp".into(),
            Value::from(timefmt::iso_micros(event.ts)),
        );
        map.insert("session".into(), Value::from(session_id(event.session)));
        map.insert(
            "src_ip".into(),
            Value::from(event.src_ip.to_canonical().to_string()),
        );
        map.insert("src_port".into(), Value::from(event.src_port));
        if let Some(protocol) = conn.protocol {
            map.insert("protocol".into(), Value::from(protocol));
        }
        if let Some(ip) = conn.dst_ip {
            map.insert("dst_ip".into(), Value::from(ip.to_string()));
        }
        if let Some(port) = conn.dst_port {
            map.insert("dst_port".into(), Value::from(port));
        }
        Line(map)
    }

    fn with(mut self, key: &str, value: impl Into<Value>) -> Line {
        self.0.insert(key.into(), value.into());
        self
    }

    fn done(self) -> Value {
        Value::Object(self.0)
    }
}

fn seconds(ms: u64) -> f64 {
    ms as f64 / 1000.0
}

fn strings(list: &[String]) -> Value {
    Value::Array(list.iter().map(|s| Value::from(s.as_str())).collect())
}

fn basename(path: &str) -> &str {
    match path.rsplit_once('/') {
        Some((_, name)) if !name.is_empty() => name,
        _ => path,
    }
}

fn lines(event: &Event, conn: &Conn) -> Vec<Value> {
    let line = |eventid: &str, message: Option<String>| Line::new(event, conn, eventid, message);
    let one = |l: Line| vec![l.done()];
    match &event.kind {
        EventKind::SessionStart {
            protocol,
            dst_ip,
            dst_port,
        } => {
            let src_ip = event.src_ip.to_canonical();
            let dst_ip = dst_ip.to_canonical();
            let message = format!(
                "New connection: {src_ip}:{} ({dst_ip}:{dst_port}) [session: {}]",
                event.src_port,
                session_id(event.session)
            );
            one(line("cowrie.session.connect", Some(message))
                .with("protocol", protocol_name(*protocol))
                .with("dst_ip", dst_ip.to_string())
                .with("dst_port", *dst_port))
        }
        EventKind::ClientVersion { version } => one(line(
            "cowrie.client.version",
            Some(format!("Remote SSH version: {version}")),
        )
        .with("version", version.as_str())),
        EventKind::ClientKex {
            hassh,
            hassh_algorithms,
            kex_algorithms,
            host_key_algorithms,
            encryption_algorithms,
            mac_algorithms,
            compression_algorithms,
        } => one(line(
            "cowrie.client.kex",
            Some(format!("SSH client hassh fingerprint: {hassh}")),
        )
        .with("hassh", hassh.as_str())
        .with("hasshAlgorithms", hassh_algorithms.as_str())
        .with("kexAlgs", strings(kex_algorithms))
        .with("keyAlgs", strings(host_key_algorithms))
        .with("encCS", strings(encryption_algorithms))
        .with("macCS", strings(mac_algorithms))
        .with("compCS", strings(compression_algorithms))),
        EventKind::AuthAttempt {
            method,
            username,
            password,
            key_fingerprint,
            success,
            ..
        } => match method {
            AuthMethod::None => Vec::new(),
            AuthMethod::Password | AuthMethod::KeyboardInteractive => {
                let password = password.as_deref().unwrap_or("");
                let (eventid, verb) = if *success {
                    ("cowrie.login.success", "succeeded")
                } else {
                    ("cowrie.login.failed", "failed")
                };
                let message = format!("login attempt [{username}/{password}] {verb}");
                one(line(eventid, Some(message))
                    .with("username", username.as_str())
                    .with("password", password))
            }
            AuthMethod::Publickey => {
                let fingerprint = key_fingerprint.as_deref().unwrap_or("");
                let mut out = vec![
                    line(
                        "cowrie.client.fingerprint",
                        Some(format!(
                            "public key attempt for user {username} with fingerprint {fingerprint}"
                        )),
                    )
                    .with("username", username.as_str())
                    .with("fingerprint", fingerprint)
                    .done(),
                ];
                if *success {
                    let message = format!(
                        "public key login attempt for user {username} with fingerprint {fingerprint} succeeded"
                    );
                    out.push(
                        line("cowrie.login.success", Some(message))
                            .with("username", username.as_str())
                            .with("fingerprint", fingerprint)
                            .done(),
                    );
                }
                out
            }
        },
        EventKind::PtyRequest { cols, rows, .. } => one(line(
            "cowrie.client.size",
            Some(format!("Terminal Size: {cols} {rows}")),
        )
        .with("width", *cols)
        .with("height", *rows)),
        EventKind::EnvRequest { name, value } => one(line(
            "cowrie.client.var",
            Some(format!("request_env: {name}={value}")),
        )
        .with("name", name.as_str())
        .with("value", value.as_str())),
        EventKind::CommandInput { input, .. } => {
            one(line("cowrie.command.input", Some(format!("CMD: {input}")))
                .with("input", input.as_str()))
        }
        EventKind::CommandUnknown { name, .. } => one(line(
            "cowrie.command.failed",
            Some(format!("Command not found: {name}")),
        )
        .with("input", name.as_str())),
        EventKind::Download {
            url,
            destination,
            outcome,
            ..
        } => {
            if outcome == "saved" || outcome == "stdout" {
                let destfile = destination.as_deref().unwrap_or("");
                let message = if destfile.is_empty() {
                    format!("Downloaded URL ({url})")
                } else {
                    format!("Downloaded URL ({url}) to {destfile}")
                };
                one(line("cowrie.session.file_download", Some(message))
                    .with("url", url.as_str())
                    .with("destfile", destfile))
            } else {
                let message = format!("Attempt to download file(s) from URL ({url}) failed");
                one(line("cowrie.session.file_download.failed", Some(message))
                    .with("url", url.as_str())
                    .with("error", outcome.as_str()))
            }
        }
        EventKind::FileWritten { path, sha256, .. } => {
            let outfile = format!("{ARTIFACTS}{sha256}");
            let message = format!("Saved redir contents with SHA-256 {sha256} to {outfile}");
            one(line("cowrie.session.file_download", Some(message))
                .with("outfile", outfile)
                .with("shasum", sha256.as_str())
                .with("destfile", path.as_str()))
        }
        EventKind::FileUploaded {
            path, sha256, via, ..
        } => {
            let outfile = format!("{ARTIFACTS}{sha256}");
            let filename = basename(path);
            let proto = match via {
                UploadVia::Sftp => "SFTP",
                UploadVia::Scp => "SCP",
            };
            let message = format!("{proto} Uploaded file \"{filename}\" to {outfile}");
            let l = line("cowrie.session.file_upload", Some(message))
                .with("filename", filename)
                .with("outfile", outfile)
                .with("shasum", sha256.as_str());
            match via {
                UploadVia::Scp => one(l.with("destfile", path.as_str())),
                UploadVia::Sftp => one(l),
            }
        }
        EventKind::ForwardRequest {
            kind: ForwardKind::DirectTcpip,
            host,
            port,
            origin_host,
            origin_port,
        } => {
            let dst_ip = host.as_deref().unwrap_or("");
            let dst_port = port.unwrap_or(0);
            let orig_ip = origin_host.as_deref().unwrap_or("");
            let orig_port = origin_port.unwrap_or(0);
            let message = format!(
                "direct-tcp connection request to {dst_ip}:{dst_port} from {orig_ip}:{orig_port}"
            );
            one(line("cowrie.direct-tcpip.request", Some(message))
                .with("dst_ip", dst_ip)
                .with("dst_port", dst_port)
                .with("orig_ip", orig_ip)
                .with("orig_port", orig_port))
        }
        EventKind::SessionRecordingClosed {
            path,
            size,
            duration_ms,
        } => {
            let secs = seconds(*duration_ms);
            let message = format!("Closing TTY Log: {path} after {secs:.1} seconds");
            one(line("cowrie.log.closed", Some(message))
                .with("ttylog", path.as_str())
                .with("size", *size)
                .with("duration", secs)
                .with("duration_ms", *duration_ms))
        }
        EventKind::SessionEnd { duration_ms, .. } => {
            let secs = seconds(*duration_ms);
            let message = format!("Connection lost after {secs:.1} seconds");
            one(line("cowrie.session.closed", Some(message))
                .with("duration", secs)
                .with("duration_ms", *duration_ms))
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use miragepot_event::SessionContext;
    use time::OffsetDateTime;
    use uuid::Uuid;

    use super::*;

    #[test]
    fn session_id_is_the_uuid_suffix() {
        let id = SessionId(Uuid::parse_str("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b").unwrap());
        assert_eq!(session_id(id), "0c1d2e3f4a5b");
        assert!(id.simple().ends_with(&session_id(id)));
    }

    #[test]
    fn connect_line_has_cowrie_message_and_fields() {
        let ctx = SessionContext {
            sensor: "s1".into(),
            session: SessionId(Uuid::parse_str("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b").unwrap()),
            src_ip: "::ffff:203.0.113.9".parse().unwrap(),
            src_port: 51514,
        };
        let ev = ctx.event(
            OffsetDateTime::UNIX_EPOCH,
            EventKind::SessionStart {
                protocol: miragepot_event::Protocol::Ssh,
                dst_ip: "10.0.0.1".parse().unwrap(),
                dst_port: 22,
            },
        );
        let lines = events(&ev);
        assert_eq!(lines.len(), 1);
        let l = &lines[0];
        assert_eq!(l["eventid"], "cowrie.session.connect");
        assert_eq!(
            l["message"],
            "New connection: 203.0.113.9:51514 (10.0.0.1:22) [session: 0c1d2e3f4a5b]"
        );
        assert_eq!(l["src_ip"], "203.0.113.9");
        assert_eq!(l["timestamp"], "1970-01-01T00:00:00.000000Z");
        assert_eq!(l["protocol"], "ssh");
        assert_eq!(l["dst_port"], 22);
    }
}
