//! The payloads of the access-policy events: who was refused at accept, which addresses were
//! blocked or let back in, and which per-session limit a session reached.
//!
//! Login decisions themselves are `auth_attempt` events, whose `rule` names the policy rule
//! that decided them.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Why a connection was dropped at accept, before a byte was sent (as sshd drops
/// connections past `MaxStartups` or `PerSourceMaxStartups`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefuseReason {
    /// The address is on the blocklist.
    Blocked,
    /// The address already holds its share of concurrent sessions.
    PerIpLimit,
    /// The address opens connections faster than its rate allows.
    RateLimit,
    /// The sensor holds its global maximum of concurrent connections.
    ConnectionLimit,
}

impl RefuseReason {
    /// The stable `snake_case` name.
    pub fn as_str(self) -> &'static str {
        match self {
            RefuseReason::Blocked => "blocked",
            RefuseReason::PerIpLimit => "per_ip_limit",
            RefuseReason::RateLimit => "rate_limit",
            RefuseReason::ConnectionLimit => "connection_limit",
        }
    }
}

/// A connection dropped at accept. Floods are summarised: an address gets at most one such
/// event per second, and `suppressed` counts its refusals since the previous one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectionRefused {
    /// Why.
    pub reason: RefuseReason,
    /// The rule or limit that refused it (`block:strikes`, `limits.max_sessions_per_ip=8`).
    pub rule: String,
    /// Refusals of this address not reported since its previous `connection_refused`.
    pub suppressed: u64,
}

/// What put an address on the blocklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockSource {
    /// Too many failed logins (`auth.max_failures`).
    Strikes,
    /// The behaviour profile recommended `block` (`auth.block_on_profile`).
    Profile,
    /// An operator (`miragepot block`).
    Operator,
}

impl BlockSource {
    /// The stable `snake_case` name (also the `source` column of the `blocks` table).
    pub fn as_str(self) -> &'static str {
        match self {
            BlockSource::Strikes => "strikes",
            BlockSource::Profile => "profile",
            BlockSource::Operator => "operator",
        }
    }

    /// Parses [`BlockSource::as_str`]'s names.
    pub fn parse(s: &str) -> Option<BlockSource> {
        match s {
            "strikes" => Some(BlockSource::Strikes),
            "profile" => Some(BlockSource::Profile),
            "operator" => Some(BlockSource::Operator),
            _ => None,
        }
    }
}

/// The access policy blocked an address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IpBlocked {
    /// The address (also the envelope's `src_ip` when a session caused it).
    pub ip: IpAddr,
    /// What made the block.
    pub source: BlockSource,
    /// The rule (`auth.max_failures=5`, `profile:block`).
    pub rule: String,
    /// Why, in words.
    pub reason: String,
    /// When it lapses; absent when it lasts until unblocked.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub expires: Option<OffsetDateTime>,
}

/// An address's block was lifted by the policy itself (a bait credential let it in).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IpUnblocked {
    /// The address.
    pub ip: IpAddr,
    /// The rule that lifted it (`hybrid:bait`).
    pub rule: String,
}

/// A per-session limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitKind {
    /// `limits.max_session_secs`: the session was ended.
    SessionTime,
    /// `limits.max_commands`: the session was ended.
    Commands,
    /// `limits.max_input_bytes`: the session was ended.
    InputBytes,
    /// `limits.max_command_secs`: the command's wait was cut short.
    CommandTime,
}

/// A session reached one of its limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LimitHit {
    /// Which limit.
    pub limit: LimitKind,
    /// Its configured value (seconds, commands or bytes).
    pub value: u64,
}
