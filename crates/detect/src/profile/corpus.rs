//! The profile book over the real attacker corpus (`crates/shell/tests/corpus/`): every
//! command sequence becomes one synthetic session, so the book sees about 16,000 sessions
//! and 214,000 command lines from 3,000 addresses, and must neither panic nor lose count.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};

use miragepot_event::{
    AuthMethod, EndReason, Event, EventKind, InputMode, Protocol, SessionContext, SessionId,
};
use serde_json::Value;
use time::Duration;

use super::tests::t0;
use super::{ProfileBook, ProfileConfig, report_json, report_markdown};

/// Addresses the sequences are spread over (about five sessions each).
const ADDRESSES: usize = 3_000;

fn corpus() -> Vec<Value> {
    crate::corpus_load::sessions()
}

fn addr(i: usize) -> IpAddr {
    let n = u32::try_from(i % ADDRESSES).unwrap();
    IpAddr::V4(Ipv4Addr::from(0x0a00_0000 | n))
}

/// Session `i` of the corpus as events: start, banner, one accepted login, a shell for
/// the interactive ones, one `command_input` per line, end.
fn events_of(i: usize, s: &Value) -> Vec<Event> {
    let start = t0() + Duration::seconds(i64::try_from(i).unwrap());
    let ctx = SessionContext {
        sensor: format!("sensor{}", (i / ADDRESSES) % 2),
        session: SessionId::new_at(start),
        src_ip: addr(i),
        src_port: 40_000,
    };
    let mode = s["mode"].as_str().unwrap_or("telnet");
    let version = match mode {
        "exec" => "SSH-2.0-Go",
        "interactive" => "SSH-2.0-PuTTY_Release_0.78",
        _ => "SSH-2.0-libssh_0.9.6",
    };
    let input_mode = if mode == "exec" {
        InputMode::Exec
    } else {
        InputMode::Interactive
    };
    let mut kinds = vec![
        EventKind::SessionStart {
            protocol: Protocol::Ssh,
            dst_ip: "192.0.2.1".parse().unwrap(),
            dst_port: 22,
        },
        EventKind::ClientVersion {
            version: version.into(),
        },
        EventKind::AuthAttempt {
            method: AuthMethod::Password,
            username: s["username"].as_str().unwrap_or("root").into(),
            password: s["password"].as_str().map(str::to_string),
            key_fingerprint: None,
            success: true,
            rule: None,
        },
    ];
    if mode != "exec" {
        kinds.push(EventKind::ShellStart { pty: true });
    }
    for line in s["commands"].as_array().into_iter().flatten() {
        kinds.push(EventKind::CommandInput {
            input: line.as_str().unwrap_or("").into(),
            mode: input_mode,
            threat_score: 0,
            threat_rules: vec![],
        });
    }
    kinds.push(EventKind::SessionEnd {
        reason: EndReason::ClientClosed,
        duration_ms: 0,
    });
    kinds
        .into_iter()
        .enumerate()
        .map(|(j, k)| ctx.event(start + Duration::microseconds(i64::try_from(j).unwrap()), k))
        .collect()
}

#[test]
fn the_attacker_corpus_profiles_without_panics_or_lost_counts() {
    let corpus = corpus();
    assert!(corpus.len() > 16_000, "{}", corpus.len());
    let events: Vec<Event> = corpus
        .iter()
        .enumerate()
        .flat_map(|(i, s)| events_of(i, s))
        .collect();
    let commands = events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::CommandInput { .. }))
        .count();
    assert!(commands > 200_000, "{commands}");

    let mut book = ProfileBook::new(ProfileConfig::default());
    for e in &events {
        book.observe(e);
    }
    let now = events.iter().map(|e| e.ts).max().unwrap() + Duration::seconds(1);
    let ips = book.ips();
    assert_eq!(ips.len(), ADDRESSES.min(corpus.len()));
    assert_eq!(book.evicted(), 0);

    let mut sessions = 0u64;
    let mut attempts = 0u64;
    let mut intents: BTreeMap<String, u32> = BTreeMap::new();
    let mut levels: BTreeMap<u8, u32> = BTreeMap::new();
    let mut default_logins = 0;
    for ip in &ips {
        let a = book.assess(*ip, now).expect("held address");
        assert!(a.risk_score <= 100);
        assert!(a.sophistication <= 4);
        assert!(a.sessions[0] <= a.sessions[1] && a.sessions[1] <= a.sessions[2]);
        sessions += u64::from(a.sessions[2]);
        attempts += u64::from(a.attempts[2]);
        *intents.entry(a.intent.clone()).or_default() += 1;
        *levels.entry(a.sophistication).or_default() += 1;
        default_logins += usize::from(a.signals.iter().any(|s| s == "default_account"));
        assert!(
            a.signals.iter().any(|s| s == "multi_sensor"),
            "two sensors alternate"
        );
    }
    // Every session and login falls inside the day window.
    assert_eq!(sessions, corpus.len() as u64);
    assert_eq!(attempts, corpus.len() as u64);
    // The corpus is dominated by Mirai-style busybox loaders.
    assert!(
        intents.get("botnet_enrolment").copied().unwrap_or(0) > ADDRESSES as u32 / 2,
        "{intents:?}"
    );
    assert!(default_logins > 0);
    assert!(levels.len() >= 2, "{levels:?}");

    let j = report_json(&book, now);
    assert_eq!(j["profiles"].as_array().unwrap().len(), ips.len());
    let md = report_markdown(&book, now);
    assert_eq!(
        md.lines().filter(|l| l.starts_with("| 10.")).count(),
        ips.len()
    );

    // The same stream through a book ten times too small stays within its bound.
    let mut small = ProfileBook::new(ProfileConfig {
        max_ips: 300,
        ..ProfileConfig::default()
    });
    for e in &events {
        small.observe(e);
    }
    assert_eq!(small.ips().len(), 300);
    assert!(small.evicted() >= (ADDRESSES - 300) as u64);
    for ip in small.ips() {
        assert!(small.assess(ip, now).is_some());
    }
}
