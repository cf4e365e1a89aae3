//! Pure exporters from one session's stored events: what the dashboard's export buttons (and
//! later a CLI) hand to an analyst, a ticket, a SIEM or a threat-intel platform.
//!
//! Every function here takes events already read from the store and returns a `String` or a
//! [`serde_json::Value`]: no I/O, no clock, no randomness, so the same events always export to
//! the same bytes. Everything in an export came from an attacker, so nothing is interpreted or
//! executed, and each format is built to stay well-formed whatever the bytes: JSON and CSV are
//! escaped by construction, the plain-text transcript shows terminal control characters
//! escaped, and STIX patterns quote their string literals.
//!
//! # Layout
//! - [`SessionExport`]: the input, one session's events in time order plus its tags.
//! - [`transcript`]: a plain-text transcript an analyst can read or attach to a ticket.
//! - [`json`]: our own lossless format (`miragepot-session`, version 1), one object per session
//!   and JSON lines for a list; it round-trips back into [`Event`]s.
//! - [`cowrie`]: the same session as Cowrie JSON lines (`cowrie.session.connect`, ...), for
//!   T-Pot, DShield-style tooling, ELK/Splunk content and cowrie-json parsers.
//! - [`ioc`]: indicators of compromise gathered over sessions, as RFC 4180 CSV (formula cells
//!   neutralised) or a STIX 2.1 bundle with deterministic ids.
//! - `timefmt` (private): UTC timestamp renderings shared by the formats.
//!
//! Design choice: one module per format, each a set of free functions over borrowed events
//! (rustls-style sans-I/O), so a caller decides where the bytes go and tests need no fixtures
//! beyond [`miragepot_event::samples`]. Known limit: a session is exported from the events it
//! has; derived values (duration, credentials) fall back to the `session_summary` when the
//! raw events are missing, and are left out when neither has them.
#![deny(missing_docs)]

pub mod cowrie;
pub mod ioc;
pub mod json;
mod timefmt;
pub mod transcript;

use std::net::{IpAddr, SocketAddr};

use miragepot_event::{Event, EventKind, SessionId, SessionSummary};
use time::OffsetDateTime;

/// One session's stored events, as the exporters take them.
#[derive(Debug, Clone, Copy)]
pub struct SessionExport<'a> {
    /// The session's id.
    pub session: SessionId,
    /// Its events, in time order (as the store returns them).
    pub events: &'a [Event],
    /// Tags the operator or the dashboard attached to the session.
    pub tags: &'a [String],
}

impl<'a> SessionExport<'a> {
    /// Wraps a session's events and tags.
    pub fn new(session: SessionId, events: &'a [Event], tags: &'a [String]) -> Self {
        SessionExport {
            session,
            events,
            tags,
        }
    }

    /// The sensor that recorded the session (from the first event's envelope).
    pub fn sensor(&self) -> Option<&'a str> {
        self.events.first().map(|e| e.sensor.as_str())
    }

    /// The attacker's address and port (from the first event's envelope).
    pub fn source(&self) -> Option<SocketAddr> {
        self.events
            .first()
            .map(|e| SocketAddr::new(e.src_ip, e.src_port))
    }

    /// The local address and port the attacker connected to, and the protocol name, from the
    /// `session_start` event.
    pub fn destination(&self) -> Option<(IpAddr, u16, &'static str)> {
        self.events.iter().find_map(|e| match &e.kind {
            EventKind::SessionStart {
                protocol,
                dst_ip,
                dst_port,
            } => Some((*dst_ip, *dst_port, protocol_name(*protocol))),
            _ => None,
        })
    }

    /// When the first event happened.
    pub fn start(&self) -> Option<OffsetDateTime> {
        self.events.iter().map(|e| e.ts).min()
    }

    /// When the last event happened.
    pub fn end(&self) -> Option<OffsetDateTime> {
        self.events.iter().map(|e| e.ts).max()
    }

    /// The session's duration in milliseconds: from `session_end`, else from the
    /// `session_summary`, else the span between the first and the last event.
    pub fn duration_ms(&self) -> Option<u64> {
        let ended = self.events.iter().rev().find_map(|e| match &e.kind {
            EventKind::SessionEnd { duration_ms, .. } => Some(*duration_ms),
            _ => None,
        });
        ended
            .or_else(|| self.summary().map(|s| s.duration_ms))
            .or_else(|| {
                let span = self.end()? - self.start()?;
                u64::try_from(span.whole_milliseconds()).ok()
            })
    }

    /// The session's `session_summary`, when it was closed and summarised.
    pub fn summary(&self) -> Option<&'a SessionSummary> {
        self.events.iter().rev().find_map(|e| match &e.kind {
            EventKind::SessionSummary(s) => Some(s),
            _ => None,
        })
    }
}

/// The stable name of a protocol front (`ssh`, `telnet`), as Cowrie's `protocol` field has it.
pub(crate) fn protocol_name(protocol: miragepot_event::Protocol) -> &'static str {
    match protocol {
        miragepot_event::Protocol::Ssh => "ssh",
        miragepot_event::Protocol::Telnet => "telnet",
    }
}
