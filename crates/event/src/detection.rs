//! Payloads of the detection events: what the `detect` crate concludes from other events.
//!
//! Detections are new events linked to their evidence through [`crate::Event::caused_by`];
//! they never rewrite the events they were derived from. Each payload here is the body of
//! one [`crate::EventKind`] variant (`technique`, `attack_stage`, `ioc`, ...), flattened into
//! the event's JSON object next to the `type` tag.

use serde::{Deserialize, Serialize};

use crate::SessionId;

/// How sure a detector is of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// A weak hint (a name that is often benign).
    Low,
    /// A typical pattern of the technique.
    Medium,
    /// Unambiguous evidence.
    High,
}

/// A display band for risk and threat values (MiragePot's `risk_level`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskBand {
    /// 0–24.
    Low,
    /// 25–49.
    Medium,
    /// 50–74.
    High,
    /// 75–100.
    Critical,
}

impl RiskBand {
    /// The band of a 0–100 risk score.
    pub fn of(score: u8) -> RiskBand {
        match score {
            0..=24 => RiskBand::Low,
            25..=49 => RiskBand::Medium,
            50..=74 => RiskBand::High,
            _ => RiskBand::Critical,
        }
    }

    /// The stable name (`low`, `medium`, `high`, `critical`).
    pub fn as_str(self) -> &'static str {
        match self {
            RiskBand::Low => "low",
            RiskBand::Medium => "medium",
            RiskBand::High => "high",
            RiskBand::Critical => "critical",
        }
    }
}

/// A MITRE ATT&CK technique seen in the session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TechniqueHit {
    /// Technique id (`T1105`, `T1070.003`).
    pub technique: String,
    /// Technique name (`Ingress Tool Transfer`).
    pub name: String,
    /// Tactic id (`TA0011`).
    pub tactic_id: String,
    /// Tactic name in snake case (`command_and_control`).
    pub tactic: String,
    /// How sure the rule is.
    pub confidence: Confidence,
    /// The rule that matched (stable id, for tuning).
    pub rule: String,
    /// The text that matched (a command line or event summary, capped).
    pub evidence: String,
}

/// The session reached a tactic it had not reached before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageReached {
    /// The tactic reached (`persistence`).
    pub stage: String,
    /// Its ATT&CK id (`TA0003`).
    pub tactic_id: String,
    /// The furthest stage in kill-chain order so far.
    pub furthest: String,
    /// Every stage reached so far, in kill-chain order.
    pub stages: Vec<String>,
}

/// The kind of an indicator of compromise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IocKind {
    /// A URL (`http://203.0.113.5/x.sh`).
    Url,
    /// An IPv4 or IPv6 address named in a command or URL.
    Ip,
    /// A host name named in a URL or as a tool's target.
    Domain,
    /// A file name an attacker fetched, wrote or ran.
    Filename,
    /// The SHA-256 of a file the attacker wrote, ran, fetched or uploaded.
    Sha256,
    /// An SSH public key written to `authorized_keys` (its `SHA256:` fingerprint).
    SshKey,
    /// A `host:port` of a mining pool or C2 (`stratum+tcp://…`, `nc host port`).
    HostPort,
}

/// One indicator of compromise, first seen in this session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ioc {
    /// What it is.
    pub ioc: IocKind,
    /// The value as seen.
    pub value: String,
    /// The value made safe to paste (`hxxp://203.0.113[.]5/x.sh`).
    pub defanged: String,
}

/// The kind of a planted decoy secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// `~/.aws/credentials` key id and secret.
    AwsKey,
    /// A database password in `.env`.
    DotenvPassword,
    /// `~/.ssh/id_rsa`.
    SshPrivateKey,
    /// A password in a `.bash_history` line.
    HistoryPassword,
    /// `DB_PASSWORD` of `wp-config.php`.
    WordpressDbPassword,
    /// The bearer token of `~/.kube/config`.
    KubeToken,
}

/// One decoy secret planted in a session's filesystem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlantedToken {
    /// What it is.
    pub token: TokenKind,
    /// The file it is in.
    pub path: String,
    /// The secret value (unique to the session).
    pub value: String,
}

/// What the attacker did with a decoy secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenAction {
    /// Printed it (`cat`, `less`, `head`...).
    Read,
    /// Found it with a search (`grep -r`, `find -exec`).
    Search,
    /// Copied or moved the file.
    Copy,
    /// Sent it off the box or encoded it for that (`curl -d`, `nc`, `base64`, `scp`).
    Exfiltrate,
    /// Used the secret in a command (`mysql -p'…'`, `sshpass -p …`, `aws configure`).
    Use,
}

/// A decoy secret of this session was touched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenTouched {
    /// Which token.
    pub token: TokenKind,
    /// The file it lives in.
    pub path: String,
    /// What was done with it.
    pub action: TokenAction,
    /// The command line that did it (capped).
    pub evidence: String,
}

/// A decoy secret planted in an earlier session showed up again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenReused {
    /// Which token.
    pub token: TokenKind,
    /// The session that received it.
    pub planted_session: SessionId,
    /// Where it came back: `password` (a login attempt) or `command` (a command line).
    pub via: String,
}

/// A command line matched the prompt-injection patterns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InjectionAttempt {
    /// Ids of the patterns that matched.
    pub patterns: Vec<String>,
    /// Their categories (`role_override`, `delimiter`, `jailbreak`, ...).
    pub categories: Vec<String>,
    /// Whether the match was found only after decoding a payload (base64, hex, url).
    pub decoded: bool,
}

/// The tarpit slowed a command down.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelayApplied {
    /// The delay, in milliseconds.
    pub delay_ms: u64,
    /// The threat score that chose the band.
    pub score: u32,
    /// The lower bound of the band (`40`, `80`, `120`).
    pub band: u32,
}

/// Everything a closed session amounted to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSummary {
    /// Wall time from accept to close, in milliseconds.
    pub duration_ms: u64,
    /// Login attempts.
    pub login_attempts: u32,
    /// The username and password that got in, when one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login: Option<(String, Option<String>)>,
    /// Command lines received.
    pub commands: u32,
    /// The highest threat score of one line.
    pub max_threat: u32,
    /// The sum of the lines' threat scores.
    pub total_threat: u32,
    /// Total tarpit delay, in milliseconds.
    pub delay_ms: u64,
    /// Techniques seen, sorted.
    pub techniques: Vec<String>,
    /// Stages reached, in kill-chain order.
    pub stages: Vec<String>,
    /// The furthest stage reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    /// Download attempts.
    pub downloads: u32,
    /// Distinct indicators of compromise.
    pub iocs: u32,
    /// Decoy secrets touched (distinct tokens).
    pub tokens_touched: u32,
    /// Prompt-injection attempts.
    pub injections: u32,
    /// Session risk, 0–100.
    pub risk_score: u8,
    /// Its band.
    pub risk_band: RiskBand,
    /// Campaign key: SHA-256 of the ordered, whitespace-normalised command lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command_hash: Option<String>,
    /// Campaign key: SHA-256 of the raw attacker input stream (keystrokes and exec lines).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_hash: Option<String>,
    /// How the attacker's input arrived (typing rhythm, for telling humans from bots).
    #[serde(default)]
    pub input: InputStats,
}

/// The rhythm of an interactive session's input, from the shell channel's reads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputStats {
    /// Reads of attacker bytes on shell channels (a bot pasting a line is one read).
    pub writes: u32,
    /// Bytes read.
    pub bytes: u64,
    /// Backspace and DEL bytes (people correct typos, scripts do not).
    pub backspaces: u32,
    /// Median gap between reads, in milliseconds (none for fewer than two reads).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_gap_ms: Option<u64>,
}

/// What the attacker's address has done lately, and what to do about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IpAssessment {
    /// The intent class (`scanner`, `brute_forcer`, `miner_deployer`, ...).
    pub intent: String,
    /// 0 scanner, 1 scripted one-liner, 2 multi-stage script, 3 adaptive/evasive, 4 human.
    pub sophistication: u8,
    /// Risk, 0–100.
    pub risk_score: u8,
    /// Its band.
    pub risk_band: RiskBand,
    /// `observe`, `deceive` or `block`.
    pub action: String,
    /// The signals that fired (`brute_force`, `password_spraying`, `root_targeting`, ...).
    pub signals: Vec<String>,
    /// Whether the address looks like a bot rather than a human.
    pub bot: bool,
    /// The HASSH family of its latest client (`openssh`, `libssh2`, `go`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hassh_family: Option<String>,
    /// Login attempts in the last minute, hour and day.
    pub attempts: [u32; 3],
    /// Sessions in the last minute, hour and day.
    pub sessions: [u32; 3],
}
