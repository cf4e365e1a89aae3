//! A session's events as timeline rows: one line of text per event, an optional detail
//! (a command's output, shown collapsed), the threat score and its colour, the tarpit
//! delay, and links for techniques.
//!
//! Rows hold plain text; the template escapes it. Long attacker strings are cut here so a
//! page stays bounded (the exports keep everything).

use miragepot_event::{Event, EventKind};
use serde::Serialize;

use crate::views::{attack_url, clock, threat_class};

/// Longest text shown in a row's title.
const MAX_TITLE: usize = 400;
/// Longest detail (command output) shown on the page.
const MAX_DETAIL: usize = 16 * 1024;

/// One row of the timeline.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Row {
    /// `12:00:01.123`.
    pub time: String,
    /// The event type (`command_input`).
    pub kind: &'static str,
    /// A short class for styling: `auth`, `command`, `output`, `detect`, `file`, `net`,
    /// `session`, `policy`, `llm`.
    pub group: &'static str,
    /// One line of text.
    pub title: String,
    /// The command's output or other long text, shown collapsed.
    pub detail: Option<String>,
    /// The line's threat score (commands), with its colour class.
    pub score: Option<(u32, &'static str)>,
    /// Tarpit delay in ms (`delay_applied`).
    pub delay_ms: Option<u64>,
    /// An ATT&CK technique id and its page.
    pub link: Option<(String, String)>,
}

fn cut(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes)", s.get(..end).unwrap_or(""), s.len())
}

/// The serde tag of a unit enum value (`ssh`, `client_closed`, `password`).
pub(crate) fn name<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

fn row(ev: &Event, group: &'static str, title: String) -> Row {
    Row {
        time: clock(ev.ts),
        kind: ev.type_name(),
        group,
        title: cut(&title, MAX_TITLE),
        detail: None,
        score: None,
        delay_ms: None,
        link: None,
    }
}

/// The row of one event.
pub(crate) fn row_of(ev: &Event) -> Row {
    match &ev.kind {
        EventKind::SessionStart {
            protocol,
            dst_ip,
            dst_port,
        } => row(
            ev,
            "session",
            format!(
                "{} connection from {}:{} to {dst_ip}:{dst_port}",
                name(protocol),
                ev.src_ip,
                ev.src_port
            ),
        ),
        EventKind::SessionEnd {
            reason,
            duration_ms,
        } => row(
            ev,
            "session",
            format!(
                "session ended ({}) after {}",
                name(reason),
                crate::views::duration_ms(i64::try_from(*duration_ms).unwrap_or(i64::MAX))
            ),
        ),
        EventKind::ClientVersion { version } => row(ev, "net", format!("client version {version}")),
        EventKind::ClientKex { hassh, .. } => row(ev, "net", format!("client HASSH {hassh}")),
        EventKind::AuthAttempt {
            method,
            username,
            password,
            key_fingerprint,
            success,
            ..
        } => {
            let cred = match (password, key_fingerprint) {
                (Some(p), _) => format!("{username} / {p}"),
                (None, Some(k)) => format!("{username} key {k}"),
                _ => username.clone(),
            };
            let verdict = if *success { "accepted" } else { "failed" };
            row(
                ev,
                "auth",
                format!("login {verdict} ({}): {cred}", name(method)),
            )
        }
        EventKind::CommandInput {
            input,
            threat_score,
            ..
        } => {
            let mut r = row(ev, "command", format!("$ {input}"));
            r.score = Some((*threat_score, threat_class(u64::from(*threat_score))));
            r
        }
        EventKind::CommandResult {
            output,
            exit_code,
            output_truncated,
            ..
        } => {
            let lines = output.lines().count();
            let cut_note = if *output_truncated { ", cut" } else { "" };
            let mut r = row(
                ev,
                "output",
                format!("exit {exit_code}, {lines} lines of output{cut_note}"),
            );
            if !output.is_empty() {
                r.detail = Some(cut(output, MAX_DETAIL));
            }
            r
        }
        EventKind::DelayApplied(d) => {
            let mut r = row(
                ev,
                "policy",
                format!(
                    "tarpit held the answer {} ms (score {})",
                    d.delay_ms, d.score
                ),
            );
            r.delay_ms = Some(d.delay_ms);
            r
        }
        EventKind::Technique(t) => {
            let mut r = row(
                ev,
                "detect",
                format!(
                    "{} {} ({}, {} confidence): {}",
                    t.technique,
                    t.name,
                    t.tactic,
                    name(&t.confidence),
                    t.evidence
                ),
            );
            r.link = attack_url(&t.technique).map(|u| (t.technique.clone(), u));
            r
        }
        EventKind::AttackStage(s) => row(
            ev,
            "detect",
            format!("stage reached: {} (furthest {})", s.stage, s.furthest),
        ),
        EventKind::Download { tool, url, .. } => {
            row(ev, "file", format!("download with {tool}: {url}"))
        }
        EventKind::HoneytokenTouched(t) => row(
            ev,
            "detect",
            format!(
                "HONEYTOKEN {} {} at {}: {}",
                name(&t.token),
                name(&t.action),
                t.path,
                t.evidence
            ),
        ),
        EventKind::SessionSummary(s) => row(
            ev,
            "session",
            format!(
                "summary: risk {} ({}), {} commands, max threat {}, stage {}",
                s.risk_score,
                s.risk_band.as_str(),
                s.commands,
                s.max_threat,
                s.stage.as_deref().unwrap_or("-")
            ),
        ),
        _ => {
            // Every other kind: its type and its fields as compact JSON.
            let json = serde_json::to_value(&ev.kind)
                .ok()
                .and_then(|v| match v {
                    serde_json::Value::Object(mut m) => {
                        m.remove("type");
                        Some(serde_json::Value::Object(m).to_string())
                    }
                    _ => None,
                })
                .unwrap_or_default();
            let group = match ev.type_name() {
                "llm_call" | "llm_analysis" => "llm",
                "ip_blocked" | "ip_unblocked" | "limit_hit" | "connection_refused" => "policy",
                "ioc" | "injection_attempt" | "token_reused" | "honeytoken_planted"
                | "ip_profile" => "detect",
                "file_written" | "file_uploaded" | "file_executed" => "file",
                _ => "net",
            };
            row(ev, group, format!("{} {json}", ev.type_name()))
        }
    }
}
