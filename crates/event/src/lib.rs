//! The one catalogue of what miragepot can say about an attacker.
//!
//! Every act the honeypot observes becomes an [`Event`]: an envelope with a UUIDv7 id, a
//! timestamp, the sensor name, the session id and the attacker's address, plus an
//! [`EventKind`], a closed, serde-tagged enum (`"type": "auth_attempt"`, ...). Nothing else in
//! the workspace invents event shapes; sinks serialise these values as they are.
//!
//! # Layout
//! - [`Event`], [`EventId`], [`SessionId`]: the envelope and its id newtypes.
//! - [`EventKind`]: the catalogue. `docs/events.md` documents every variant, and a test in
//!   this crate fails when a variant is missing there.
//! - [`samples`]: one sample of every kind, for the tests of sinks and stores.
//! - [`access`]: the payloads of the access-policy events (`connection_refused`, ...).
//! - [`detection`]: the payloads of the detection events (`technique`, `ioc`, ...).
//! - [`llm`]: the payloads of the LLM fallback's events (`llm_call`, `llm_analysis`).
//!
//! Design choice: variants carry typed fields, never a bag of strings (vector's `Event` enum,
//! not beelzebub's flat tracer struct). Adding a field is backwards compatible for readers
//! that ignore unknown fields; renaming a tag is not, so tags are stable once shipped.
#![deny(missing_docs)]

pub mod access;
pub mod detection;
pub mod llm;
pub mod samples;

use std::fmt;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

pub use access::{
    BlockSource, ConnectionRefused, IpBlocked, IpUnblocked, LimitHit, LimitKind, RefuseReason,
};
pub use detection::{
    Confidence, DelayApplied, InjectionAttempt, InputStats, Ioc, IocKind, IpAssessment,
    PlantedToken, RiskBand, SessionSummary, StageReached, TechniqueHit, TokenAction, TokenKind,
    TokenReused, TokenTouched,
};
pub use llm::{LlmAnalysis, LlmAskKind, LlmCall, LlmVerdict, Recommendation, Sophistication};

/// A unique, time-ordered event id (UUIDv7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EventId(pub Uuid);

impl EventId {
    /// A fresh UUIDv7 id for an event created at `ts`.
    pub fn new_at(ts: OffsetDateTime) -> Self {
        EventId(uuid_v7_at(ts))
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The id of one attacker connection (UUIDv7, so ids sort by start time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SessionId(pub Uuid);

impl SessionId {
    /// A fresh session id for a connection accepted at `ts`.
    pub fn new_at(ts: OffsetDateTime) -> Self {
        SessionId(uuid_v7_at(ts))
    }

    /// The short form used in file names and operator logs (the full simple hex).
    pub fn simple(&self) -> String {
        self.0.simple().to_string()
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

fn uuid_v7_at(ts: OffsetDateTime) -> Uuid {
    let nanos = ts.unix_timestamp_nanos();
    let secs = u64::try_from(nanos.div_euclid(1_000_000_000)).unwrap_or(0);
    let sub = u32::try_from(nanos.rem_euclid(1_000_000_000)).unwrap_or(0);
    Uuid::new_v7(uuid::Timestamp::from_unix(uuid::NoContext, secs, sub))
}

/// One thing the honeypot observed, with its envelope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Unique id (UUIDv7).
    pub id: EventId,
    /// When it happened (UTC, RFC 3339 with sub-second precision).
    #[serde(with = "time::serde::rfc3339")]
    pub ts: OffsetDateTime,
    /// The sensor that saw it (config `sensor.name`).
    pub sensor: String,
    /// The session it belongs to.
    pub session: SessionId,
    /// The attacker's address.
    pub src_ip: IpAddr,
    /// The attacker's source port.
    pub src_port: u16,
    /// The event this one was derived from (detections point at their evidence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caused_by: Option<EventId>,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}

impl Event {
    /// The stable `snake_case` tag of this event's kind (the `type` field in JSON).
    pub fn type_name(&self) -> &'static str {
        self.kind.type_name()
    }
}

/// The protocol front an attacker came in through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    /// SSH (the `ssh` front).
    Ssh,
    /// Telnet (planned).
    Telnet,
}

/// How a command line reached the shell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputMode {
    /// Typed into an interactive shell (pty or not).
    Interactive,
    /// Sent as an SSH `exec` request (`ssh host 'cmd'`).
    Exec,
}

/// How an uploaded file arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UploadVia {
    /// The SFTP subsystem.
    Sftp,
    /// The legacy `scp -t` sink protocol.
    Scp,
}

/// Authentication method of an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    /// `none` (clients probe with it first).
    None,
    /// `password`.
    Password,
    /// `publickey` (offer or signed attempt).
    Publickey,
    /// `keyboard-interactive`.
    KeyboardInteractive,
}

/// A forwarding or agent request kind, all refused as OpenSSH does with forwarding disabled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ForwardKind {
    /// `direct-tcpip` channel (`ssh -L`, or a proxy through the box).
    DirectTcpip,
    /// `tcpip-forward` global request (`ssh -R`).
    TcpipForward,
    /// `x11-req` channel request (`ssh -X`).
    X11,
    /// `auth-agent-req@openssh.com` (`ssh -A`).
    Agent,
    /// `direct-streamlocal@openssh.com` (a Unix socket forward).
    Streamlocal,
}

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// The client closed the connection.
    ClientClosed,
    /// The shell exited (`exit`, `logout`, end of an exec).
    ShellExit,
    /// Too many failed authentications.
    AuthFailures,
    /// The login grace time ran out before authentication.
    LoginGraceTimeout,
    /// No traffic for the idle timeout.
    IdleTimeout,
    /// The client's identification string was malformed.
    BadIdentification,
    /// A protocol error (malformed packet, failed key exchange).
    ProtocolError,
    /// The server shut down.
    ServerShutdown,
    /// The connection cap was reached; the connection was dropped at accept.
    ConnectionLimit,
    /// A per-session limit ended it (a `limit_hit` event names which).
    LimitReached,
}

/// Everything the honeypot can observe. The `type` tag is stable; see `docs/events.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum EventKind {
    /// A TCP connection was accepted.
    SessionStart {
        /// The front that accepted it.
        protocol: Protocol,
        /// Local address the attacker connected to.
        dst_ip: IpAddr,
        /// Local port the attacker connected to.
        dst_port: u16,
    },
    /// The connection closed.
    SessionEnd {
        /// Why it ended.
        reason: EndReason,
        /// Wall time from accept to close, in milliseconds.
        duration_ms: u64,
    },
    /// The client's identification line (`SSH-2.0-...`), as sent, without CR LF.
    ClientVersion {
        /// The line, lossily decoded to UTF-8.
        version: String,
    },
    /// The client's KEXINIT: HASSH and the raw algorithm lists as sent.
    ClientKex {
        /// HASSH: md5 hex of `kex;enc;mac;cmp` (client to server lists).
        hassh: String,
        /// The string HASSH was computed from.
        hassh_algorithms: String,
        /// Key exchange algorithms.
        kex_algorithms: Vec<String>,
        /// Host key algorithms.
        host_key_algorithms: Vec<String>,
        /// Ciphers, client to server.
        encryption_algorithms: Vec<String>,
        /// MACs, client to server.
        mac_algorithms: Vec<String>,
        /// Compression, client to server.
        compression_algorithms: Vec<String>,
    },
    /// One authentication attempt.
    AuthAttempt {
        /// Method used.
        method: AuthMethod,
        /// Username as sent.
        username: String,
        /// Password as sent (password attempts only). Always kept: this is the evidence.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        password: Option<String>,
        /// SHA256 fingerprint of the offered public key (publickey attempts only).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key_fingerprint: Option<String>,
        /// Whether the attempt was accepted.
        success: bool,
        /// The access-policy rule that decided it (`high:accept_any`, `low:reject`,
        /// `hybrid:bait`, `hybrid:rule[0]:attempt`, `publickey:refused`, ...).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rule: Option<String>,
    },
    /// A pseudo-terminal was requested.
    PtyRequest {
        /// `TERM` value.
        term: String,
        /// Columns.
        cols: u32,
        /// Rows.
        rows: u32,
    },
    /// The terminal was resized.
    WindowChange {
        /// Columns.
        cols: u32,
        /// Rows.
        rows: u32,
    },
    /// An environment variable was sent by the client.
    EnvRequest {
        /// Variable name.
        name: String,
        /// Variable value.
        value: String,
    },
    /// An interactive shell was started.
    ShellStart {
        /// Whether a pty was allocated for it.
        pty: bool,
    },
    /// A command line was received (typed at the prompt or sent by exec).
    CommandInput {
        /// The line, as the shell saw it.
        input: String,
        /// How it arrived.
        mode: InputMode,
        /// Threat score of the line (the sum of the matched rules' weights; see `detect`).
        #[serde(default)]
        threat_score: u32,
        /// Ids of the threat rules that matched.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        threat_rules: Vec<String>,
    },
    /// A command line finished.
    CommandResult {
        /// The line.
        input: String,
        /// What the shell printed (stdout and stderr as the attacker saw them), capped.
        output: String,
        /// Exit status (`$?`).
        exit_code: i32,
        /// Whether `output` was cut at the cap.
        output_truncated: bool,
    },
    /// A command name the shell could not run: absent from the box (`command not found`), or
    /// installed on the box but not emulated.
    CommandUnknown {
        /// The name as typed (`lockr`, `/tmp/x`).
        name: String,
        /// Whether the persona has the program (it exists in `$PATH` or at the path given).
        installed: bool,
    },
    /// A download attempt. Nothing is fetched: the tool's output and the file are simulated.
    Download {
        /// The tool (`wget`, `curl`, `tftp`, `ftpget`, `scp`, `busybox wget`).
        tool: String,
        /// The URL as the tool understood it (`http://203.0.113.5/x.sh`, `tftp://h/f`).
        url: String,
        /// Host name or address.
        host: String,
        /// Port.
        port: u16,
        /// Where the file landed in the fake filesystem, when it was saved to a file.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        destination: Option<String>,
        /// Size of the simulated file in bytes, when the transfer "succeeded".
        #[serde(default, skip_serializing_if = "Option::is_none")]
        size: Option<u64>,
        /// `saved`, `stdout` (printed), `refused`, `dns_failed`, `bad_url` or `http_error`.
        outcome: String,
    },
    /// A file the session wrote was run (`./x`, `sh x.sh`, `. x`).
    FileExecuted {
        /// Absolute path in the fake filesystem.
        path: String,
        /// Size in bytes.
        size: u64,
        /// SHA-256 of the content at the time it ran, hex; the bytes are kept under
        /// `data/artifacts/` even when the file is deleted afterwards.
        sha256: String,
    },
    /// A file was written in the session's filesystem (closed, or at session end).
    FileWritten {
        /// Absolute path in the fake filesystem.
        path: String,
        /// Size in bytes.
        size: u64,
        /// SHA-256 of the content, hex; the bytes are kept under `data/artifacts/`.
        sha256: String,
    },
    /// A file was uploaded over SFTP or scp.
    FileUploaded {
        /// Absolute path in the fake filesystem.
        path: String,
        /// Size in bytes.
        size: u64,
        /// SHA-256 of the content, hex; the bytes are kept under `data/artifacts/`.
        sha256: String,
        /// The protocol used.
        via: UploadVia,
    },
    /// A forwarding request, recorded and refused.
    ForwardRequest {
        /// What was asked for.
        kind: ForwardKind,
        /// Target or bind host, when the request names one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        host: Option<String>,
        /// Target or bind port, when the request names one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        port: Option<u32>,
        /// Originator host (direct-tcpip only).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        origin_host: Option<String>,
        /// Originator port (direct-tcpip only).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        origin_port: Option<u32>,
    },
    /// A channel request the honeypot does not serve (subsystem other than sftp, signal, ...).
    ChannelRequest {
        /// Request name (`subsystem:foo`, `signal:INT`, `break`, ...).
        request: String,
        /// Whether it was accepted.
        accepted: bool,
    },
    /// A terminal recording was closed and written.
    SessionRecordingClosed {
        /// Path of the asciicast v2 file, relative to the data dir.
        path: String,
        /// Size of the file in bytes.
        size: u64,
        /// Recorded duration in milliseconds.
        duration_ms: u64,
    },
    /// Detection: a MITRE ATT&CK technique.
    Technique(TechniqueHit),
    /// Detection: the session reached a new attack stage.
    AttackStage(StageReached),
    /// Detection: an indicator of compromise, first seen in this session.
    Ioc(Ioc),
    /// The decoy secrets planted in this session's filesystem.
    HoneytokenPlanted {
        /// The tokens.
        tokens: Vec<PlantedToken>,
    },
    /// Detection: a decoy secret of this session was read, searched, copied or sent off.
    HoneytokenTouched(TokenTouched),
    /// Detection: a decoy secret of an earlier session was used again.
    TokenReused(TokenReused),
    /// Detection: a command line matched the prompt-injection patterns.
    InjectionAttempt(InjectionAttempt),
    /// The tarpit delayed a command's answer.
    DelayApplied(DelayApplied),
    /// Detection: the summary of a closed session.
    SessionSummary(SessionSummary),
    /// Detection: the behaviour assessment of the attacker's address after a session.
    IpProfile(IpAssessment),
    /// A connection was dropped at accept by the access policy or a cap.
    ConnectionRefused(ConnectionRefused),
    /// The access policy blocked an address.
    IpBlocked(IpBlocked),
    /// The access policy lifted an address's block.
    IpUnblocked(IpUnblocked),
    /// A session reached a per-session limit.
    LimitHit(LimitHit),
    /// The LLM fallback was asked for a command's output or a file's text.
    LlmCall(LlmCall),
    /// The LLM's verdict on a closed session (optional).
    LlmAnalysis(LlmAnalysis),
}

impl EventKind {
    /// Every `type` tag, in catalogue order. `docs/events.md` must document each one.
    pub const TYPE_NAMES: &'static [&'static str] = &[
        "session_start",
        "session_end",
        "client_version",
        "client_kex",
        "auth_attempt",
        "pty_request",
        "window_change",
        "env_request",
        "shell_start",
        "command_input",
        "command_result",
        "command_unknown",
        "download",
        "file_executed",
        "file_written",
        "file_uploaded",
        "forward_request",
        "channel_request",
        "session_recording_closed",
        "technique",
        "attack_stage",
        "ioc",
        "honeytoken_planted",
        "honeytoken_touched",
        "token_reused",
        "injection_attempt",
        "delay_applied",
        "session_summary",
        "ip_profile",
        "connection_refused",
        "ip_blocked",
        "ip_unblocked",
        "limit_hit",
        "llm_call",
        "llm_analysis",
    ];

    /// The stable `snake_case` tag of this kind.
    pub fn type_name(&self) -> &'static str {
        match self {
            EventKind::SessionStart { .. } => "session_start",
            EventKind::SessionEnd { .. } => "session_end",
            EventKind::ClientVersion { .. } => "client_version",
            EventKind::ClientKex { .. } => "client_kex",
            EventKind::AuthAttempt { .. } => "auth_attempt",
            EventKind::PtyRequest { .. } => "pty_request",
            EventKind::WindowChange { .. } => "window_change",
            EventKind::EnvRequest { .. } => "env_request",
            EventKind::ShellStart { .. } => "shell_start",
            EventKind::CommandInput { .. } => "command_input",
            EventKind::CommandResult { .. } => "command_result",
            EventKind::CommandUnknown { .. } => "command_unknown",
            EventKind::Download { .. } => "download",
            EventKind::FileExecuted { .. } => "file_executed",
            EventKind::FileWritten { .. } => "file_written",
            EventKind::FileUploaded { .. } => "file_uploaded",
            EventKind::ForwardRequest { .. } => "forward_request",
            EventKind::ChannelRequest { .. } => "channel_request",
            EventKind::SessionRecordingClosed { .. } => "session_recording_closed",
            EventKind::Technique(_) => "technique",
            EventKind::AttackStage(_) => "attack_stage",
            EventKind::Ioc(_) => "ioc",
            EventKind::HoneytokenPlanted { .. } => "honeytoken_planted",
            EventKind::HoneytokenTouched(_) => "honeytoken_touched",
            EventKind::TokenReused(_) => "token_reused",
            EventKind::InjectionAttempt(_) => "injection_attempt",
            EventKind::DelayApplied(_) => "delay_applied",
            EventKind::SessionSummary(_) => "session_summary",
            EventKind::IpProfile(_) => "ip_profile",
            EventKind::ConnectionRefused(_) => "connection_refused",
            EventKind::IpBlocked(_) => "ip_blocked",
            EventKind::IpUnblocked(_) => "ip_unblocked",
            EventKind::LimitHit(_) => "limit_hit",
            EventKind::LlmCall(_) => "llm_call",
            EventKind::LlmAnalysis(_) => "llm_analysis",
        }
    }
}

/// Builds events for one session: it holds the envelope fields that never change.
#[derive(Debug, Clone)]
pub struct SessionContext {
    /// Sensor name.
    pub sensor: String,
    /// Session id.
    pub session: SessionId,
    /// Attacker address.
    pub src_ip: IpAddr,
    /// Attacker port.
    pub src_port: u16,
}

impl SessionContext {
    /// Wraps `kind` in an envelope stamped `ts`.
    pub fn event(&self, ts: OffsetDateTime, kind: EventKind) -> Event {
        Event {
            id: EventId::new_at(ts),
            ts,
            sensor: self.sensor.clone(),
            session: self.session,
            src_ip: self.src_ip,
            src_port: self.src_port,
            caused_by: None,
            kind,
        }
    }
}

#[cfg(test)]
mod tests;
