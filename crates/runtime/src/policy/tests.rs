//! Tests of the access policy: modes, strikes and blocks, bait and rules, per-address caps
//! and rates, refusal throttling and the bound on tracked addresses. Time is passed in.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use miragepot_event::{BlockSource, EventKind, RefuseReason};
use time::OffsetDateTime;

use super::rate::RateConfig;
use super::*;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn wall(secs: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_800_000_000 + secs).unwrap()
}

fn cfg(mode: AuthMode) -> PolicyConfig {
    PolicyConfig {
        mode,
        rate: RateConfig {
            per_sec: 0.0,
            burst: 0,
        },
        ..PolicyConfig::default()
    }
}

#[test]
fn high_accepts_everything_and_never_blocks() {
    let a = Access::new(cfg(AuthMode::High));
    let t = Instant::now();
    for i in 0..20 {
        let v = a.password(ip("192.0.2.1"), "root", &format!("p{i}"), t, wall(0));
        assert!(v.accept);
        assert_eq!(v.rule, "high:accept_any");
        assert!(v.events.is_empty());
    }
    assert!(!a.is_blocked(ip("192.0.2.1"), wall(0)));
    assert!(
        a.profile_block(ip("192.0.2.1"), "brute_forcer", wall(0))
            .is_none()
    );
}

#[test]
fn low_rejects_and_blocks_after_the_strike_limit_until_the_ttl() {
    let a = Access::new(cfg(AuthMode::Low));
    let (t, x) = (Instant::now(), ip("192.0.2.7"));
    for i in 1..=4 {
        let v = a.password(x, "root", "123456", t, wall(i));
        assert_eq!((v.accept, v.rule.as_str()), (false, "low:reject"));
        assert!(v.events.is_empty(), "attempt {i}");
        assert!(a.admit(x, t, wall(i)).is_ok());
    }
    let v = a.password(x, "admin", "admin", t, wall(5));
    assert!(!v.accept);
    match v.events.as_slice() {
        [EventKind::IpBlocked(b)] => {
            assert_eq!((b.ip, b.source), (x, BlockSource::Strikes));
            assert_eq!(b.rule, "auth.max_failures=5");
            assert_eq!(b.expires, Some(wall(5 + 3600)));
        }
        other => panic!("{other:?}"),
    }
    let r = a.admit(x, t, wall(6)).unwrap_err();
    assert_eq!(r.reason, RefuseReason::Blocked);
    assert_eq!(r.rule, "block:strikes");
    assert!(
        a.admit(ip("192.0.2.8"), t, wall(6)).is_ok(),
        "only that address"
    );
    // The TTL passes: admitted again.
    assert!(a.admit(x, t, wall(5 + 3601)).is_ok());
}

#[test]
fn hybrid_bait_and_rules_get_in_and_lift_a_strike_block() {
    let mut c = cfg(AuthMode::Hybrid);
    c.bait = vec![("root".into(), "1234".into())];
    c.rules = vec![
        UserRule {
            user: "admin".into(),
            accept_attempt: Some(3),
            password: None,
        },
        UserRule {
            user: "*".into(),
            accept_attempt: None,
            password: Some(regex::Regex::new("^letmein[0-9]+$").unwrap()),
        },
    ];
    let a = Access::new(c);
    let (t, x) = (Instant::now(), ip("198.51.100.3"));
    let v = a.password(x, "root", "wrong", t, wall(0));
    assert_eq!((v.accept, v.rule.as_str()), (false, "hybrid:reject"));
    let v = a.password(x, "root", "1234", t, wall(0));
    assert_eq!((v.accept, v.rule.as_str()), (true, "hybrid:bait"));
    assert!(v.events.is_empty(), "no block to lift");
    // admin gets in on its third attempt, whatever the password.
    assert!(!a.password(x, "admin", "a", t, wall(1)).accept);
    assert!(!a.password(x, "admin", "b", t, wall(1)).accept);
    let v = a.password(x, "admin", "c", t, wall(1));
    assert_eq!(
        (v.accept, v.rule.as_str()),
        (true, "hybrid:rule[0]:attempt")
    );
    let v = a.password(ip("198.51.100.4"), "oracle", "letmein42", t, wall(1));
    assert_eq!(
        (v.accept, v.rule.as_str()),
        (true, "hybrid:rule[1]:password_regex")
    );
    // Five failures block; the bait still gets in and lifts the block.
    let y = ip("198.51.100.9");
    let blocked = (0..5)
        .flat_map(|i| a.password(y, "root", &format!("x{i}"), t, wall(2)).events)
        .count();
    assert_eq!(blocked, 1);
    assert!(a.admit(y, t, wall(3)).is_err());
    let v = a.password(y, "root", "1234", t, wall(3));
    assert!(v.accept);
    assert!(
        matches!(v.events.as_slice(), [EventKind::IpUnblocked(u)] if u.ip == y && u.rule == "hybrid:bait")
    );
    assert!(a.admit(y, t, wall(3)).is_ok());
    let lifted = a.with_blocks(|b| b.pending_deletes());
    assert_eq!(lifted, vec![y], "the store is told");
}

#[test]
fn operator_blocks_are_not_lifted_by_bait() {
    let mut c = cfg(AuthMode::Hybrid);
    c.bait = vec![("root".into(), "1234".into())];
    let a = Access::new(c);
    let (t, x) = (Instant::now(), ip("203.0.113.5"));
    a.with_blocks(|b| {
        b.replace(
            vec![miragepot_store::BlockRow {
                ip: x,
                source: "operator".into(),
                reason: "seen in a report".into(),
                created: wall(0),
                expires: None,
            }],
            wall(0),
        )
    });
    assert_eq!(a.admit(x, t, wall(1)).unwrap_err().rule, "block:operator");
    let v = a.password(x, "root", "1234", t, wall(1));
    assert!(v.accept && v.events.is_empty());
    assert!(a.admit(x, t, wall(1)).is_err());
}

#[test]
fn profile_blocks_follow_the_policy() {
    let mut c = cfg(AuthMode::Low);
    c.block_ttl = Duration::ZERO;
    let a = Access::new(c.clone());
    let x = ip("192.0.2.50");
    match a.profile_block(x, "brute_forcer", wall(0)) {
        Some(EventKind::IpBlocked(b)) => {
            assert_eq!(b.source, BlockSource::Profile);
            assert_eq!(b.expires, None, "ttl 0 lasts until unblocked");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        a.profile_block(x, "brute_forcer", wall(1)).is_none(),
        "already blocked"
    );
    c.block_on_profile = false;
    a.set_config(c);
    assert!(
        a.profile_block(ip("192.0.2.51"), "scanner", wall(0))
            .is_none()
    );
}

#[test]
fn per_ip_cap_and_rate_refuse_and_are_throttled_in_reports() {
    let mut c = cfg(AuthMode::High);
    c.max_sessions_per_ip = 2;
    let a = Access::new(c.clone());
    let (t, x) = (Instant::now(), ip("192.0.2.9"));
    let s1 = a.admit(x, t, wall(0)).unwrap();
    let _s2 = a.admit(x, t, wall(0)).unwrap();
    let r = a.admit(x, t, wall(0)).unwrap_err();
    assert_eq!(r.reason, RefuseReason::PerIpLimit);
    assert_eq!(r.rule, "limits.max_sessions_per_ip=2");
    assert_eq!(r.report, Some(0), "the first refusal is reported");
    for _ in 0..5 {
        assert_eq!(a.admit(x, t, wall(0)).unwrap_err().report, None);
    }
    let later = t + Duration::from_millis(1500);
    assert_eq!(a.admit(x, later, wall(1)).unwrap_err().report, Some(5));
    assert!(
        a.admit(ip("192.0.2.10"), t, wall(0)).is_ok(),
        "other addresses go on"
    );
    drop(s1);
    assert!(a.admit(x, later, wall(1)).is_ok(), "a slot came free");

    c.max_sessions_per_ip = 100;
    c.rate = RateConfig {
        per_sec: 1.0,
        burst: 3,
    };
    let a = Access::new(c);
    let y = ip("192.0.2.11");
    let slots: Vec<_> = (0..3).map(|_| a.admit(y, t, wall(0)).unwrap()).collect();
    let r = a.admit(y, t, wall(0)).unwrap_err();
    assert_eq!(r.reason, RefuseReason::RateLimit);
    assert!(a.admit(y, t + Duration::from_secs(1), wall(1)).is_ok());
    assert_eq!(
        a.counters
            .refused_rate
            .load(std::sync::atomic::Ordering::Relaxed),
        1
    );
    drop(slots);
}

#[test]
fn tracked_addresses_are_bounded() {
    let mut c = cfg(AuthMode::Low);
    c.max_tracked_ips = 100;
    let a = Access::new(c);
    let t = Instant::now();
    let held = a.admit(ip("10.0.0.1"), t, wall(0)).unwrap();
    for i in 0..5000u32 {
        let x = IpAddr::from(std::net::Ipv4Addr::from(0x0b00_0000 + i));
        let _ = a.password(
            x,
            "root",
            "x",
            t + Duration::from_micros(u64::from(i)),
            wall(0),
        );
        assert!(a.tracked_ips() <= 100);
    }
    assert!(
        a.counters
            .ips_evicted
            .load(std::sync::atomic::Ordering::Relaxed)
            > 0
    );
    // The address with a live connection was never forgotten: its slot still counts.
    drop(held);
    assert!(a.tracked_ips() <= 100);
}

#[test]
fn passwords_are_redacted_in_operator_logs_unless_asked() {
    let a = Access::new(cfg(AuthMode::High));
    assert_eq!(a.shown("hunter2").to_string(), "<redacted>");
    a.set_config(PolicyConfig {
        show_passwords: true,
        ..cfg(AuthMode::High)
    });
    assert_eq!(a.shown("hunter2").to_string(), "\"hunter2\"");
}
