//! Event builders for the dashboard tests (`dashboard.rs`, `analytics.rs`,
//! `tags_users.rs`): detection events, and sessions from a chosen address and sensor.
//! Kept apart from `support`, which `store.rs` and `llm_cache.rs` share, so helpers only
//! these files use do not show up there as dead code.

use std::net::IpAddr;

use miragepot_event::{
    BlockSource, Event, EventKind, InputStats, IpBlocked, RiskBand, SessionSummary, StageReached,
    TechniqueHit, TokenAction, TokenKind, TokenTouched,
};

use miragepot_store::TopRow;

use crate::support::{Sess, T0, at};

/// A top-N row.
pub fn row(value: &str, value2: &str, count: u64) -> TopRow {
    TopRow {
        value: value.into(),
        value2: value2.into(),
        count,
    }
}

/// `T0 + ms` in unix microseconds, the unit of every `*_us` argument.
pub fn us(ms: i64) -> i64 {
    i64::try_from(at(ms).unix_timestamp_nanos() / 1000).unwrap()
}

/// `T0`'s hour in `tallies` terms, as microseconds of its start.
pub fn hour_start_us() -> i64 {
    let t0 = i64::try_from(T0.unix_timestamp_nanos() / 1000).unwrap();
    t0.div_euclid(3_600_000_000) * 3_600_000_000
}

/// A session stamped `T0 + ms` from `ip`.
pub fn sess_from(ms: i64, ip: &str) -> Sess {
    let mut s = Sess::new(at(ms));
    s.ip = ip.parse::<IpAddr>().unwrap();
    s
}

/// `ev` moved to sensor `sensor`.
pub fn on_sensor(mut ev: Event, sensor: &str) -> Event {
    ev.sensor = sensor.into();
    ev
}

/// A `technique` detection.
pub fn technique(id: &str, name: &str) -> EventKind {
    EventKind::Technique(TechniqueHit {
        technique: id.into(),
        name: name.into(),
        tactic_id: "TA0002".into(),
        tactic: "execution".into(),
        confidence: miragepot_event::Confidence::High,
        rule: "test.rule".into(),
        evidence: "x".into(),
    })
}

/// An `attack_stage` whose furthest stage is `furthest`.
pub fn stage(furthest: &str) -> EventKind {
    EventKind::AttackStage(StageReached {
        stage: furthest.into(),
        tactic_id: "TA0000".into(),
        furthest: furthest.into(),
        stages: vec![furthest.into()],
    })
}

/// A `download` of `url`.
pub fn download(url: &str) -> EventKind {
    EventKind::Download {
        tool: "wget".into(),
        url: url.into(),
        host: "198.51.100.7".into(),
        port: 80,
        destination: Some("/tmp/x".into()),
        size: Some(10),
        outcome: "saved".into(),
    }
}

/// A `honeytoken_touched`.
pub fn token() -> EventKind {
    EventKind::HoneytokenTouched(TokenTouched {
        token: TokenKind::AwsKey,
        path: "/root/.aws/credentials".into(),
        action: TokenAction::Read,
        evidence: "cat .aws/credentials".into(),
    })
}

/// A `session_summary` with risk `risk`, furthest stage `stage`, `commands` command lines
/// and campaign key `hash`.
pub fn summary(risk: u8, stage: Option<&str>, commands: u32, hash: Option<&str>) -> EventKind {
    EventKind::SessionSummary(SessionSummary {
        duration_ms: 10,
        login_attempts: 1,
        login: None,
        commands,
        max_threat: 0,
        total_threat: 0,
        delay_ms: 0,
        techniques: Vec::new(),
        stages: stage.iter().map(|s| (*s).to_owned()).collect(),
        stage: stage.map(str::to_owned),
        downloads: 0,
        iocs: 0,
        tokens_touched: 0,
        injections: 0,
        risk_score: risk,
        risk_band: RiskBand::of(risk),
        command_hash: hash.map(str::to_owned),
        input_hash: None,
        input: InputStats::default(),
    })
}

/// A `client_kex` with HASSH `hassh`.
pub fn kex(hassh: &str) -> EventKind {
    EventKind::ClientKex {
        hassh: hassh.into(),
        hassh_algorithms: String::new(),
        kex_algorithms: Vec::new(),
        host_key_algorithms: Vec::new(),
        encryption_algorithms: Vec::new(),
        mac_algorithms: Vec::new(),
        compression_algorithms: Vec::new(),
    }
}

/// A `client_version`.
pub fn version(v: &str) -> EventKind {
    EventKind::ClientVersion { version: v.into() }
}

/// An `ip_blocked` for `ip`.
pub fn blocked(ip: &str) -> EventKind {
    EventKind::IpBlocked(IpBlocked {
        ip: ip.parse().unwrap(),
        source: BlockSource::Strikes,
        rule: "auth.max_failures=5".into(),
        reason: "5 failed logins".into(),
        expires: None,
    })
}
