//! From an address's accumulated state to its assessment: signals, intent, sophistication,
//! bot or human, risk and the recommended action. The rules are listed in the module doc of
//! [`super`]; the thresholds are the constants here and the fields of
//! [`super::ProfileConfig`].

use miragepot_event::{IpAssessment, RiskBand};
use time::OffsetDateTime;

use super::ProfileConfig;
use super::hassh::{is_interactive_family, is_library_family};
use super::state::{IpState, millis};
use super::window::{WINDOW_SECS, median};

/// Least attempts before the shape of the credentials (guessing, spraying, root share) counts.
const MIN_SHAPE_ATTEMPTS: u32 = 5;
/// Least distinct pairs for credential stuffing.
const STUFFING_PAIRS: u32 = 10;
/// High velocity: attempts per minute over the last hour's attempts...
const VELOCITY_PER_MIN: u64 = 20;
/// ...counted over at least this many attempts,
const VELOCITY_MIN_ATTEMPTS: usize = 10;
/// ...or this many sessions in the last minute.
const VELOCITY_SESSIONS_PER_MIN: u32 = 10;

/// Velocity figures of an address.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Velocity {
    /// Attempts per minute over the attempts of the last hour (of the latest 64).
    pub attempts_per_min: Option<u64>,
    /// Median gap between those attempts, in ms.
    pub median_gap_ms: Option<u64>,
    /// Median delay from login to the first command, in ms.
    pub first_command_ms: Option<u64>,
    /// How many attempts the rate was computed over.
    pub over: usize,
}

/// The velocity of `ip` at `now`.
pub fn velocity(ip: &IpState, now: OffsetDateTime) -> Velocity {
    let now_ms = millis(now);
    let times: Vec<i64> = ip
        .recent_attempts
        .since(now_ms.saturating_sub(WINDOW_SECS[1].saturating_mul(1000)))
        .into_iter()
        .filter(|&t| t <= now_ms)
        .collect();
    let gaps: Vec<i64> = times
        .windows(2)
        .filter_map(|w| Some(w.get(1)?.saturating_sub(*w.first()?)))
        .collect();
    let span: i64 = gaps.iter().sum();
    let rate = match (gaps.len(), span) {
        (0, _) => None,
        (n, 0) => Some(u64::try_from(n).unwrap_or(u64::MAX).saturating_mul(60)),
        (n, s) => {
            let n = i64::try_from(n).unwrap_or(i64::MAX);
            u64::try_from(n.saturating_mul(60_000) / s).ok()
        }
    };
    Velocity {
        attempts_per_min: rate,
        median_gap_ms: median(gaps).and_then(|g| u64::try_from(g).ok()),
        first_command_ms: median(ip.first_command_ms.values()).and_then(|g| u64::try_from(g).ok()),
        over: times.len(),
    }
}

/// `a / b ≥ num / den` without division.
fn share_at_least(a: u32, b: u32, num: u64, den: u64) -> bool {
    b > 0 && u64::from(a) * den >= u64::from(b) * num
}

/// Whether the address looks like a bot. Points for a human: 3 per typed session, 1 for a
/// pty, 1 for an interactive client family; for a bot: 3 per pasted session, 2 for exec
/// requests, 2 for a library family, and a prior of 2 (most traffic is bots). Ties are bots.
pub fn is_bot(ip: &IpState) -> bool {
    let fam = ip.family.unwrap_or("");
    let human = ip
        .typed_sessions
        .saturating_mul(3)
        .saturating_add(u32::from(ip.pty_sessions > 0))
        .saturating_add(u32::from(is_interactive_family(fam)));
    let bot = ip
        .pasted_sessions
        .saturating_mul(3)
        .saturating_add(2 * u32::from(ip.exec_sessions > 0))
        .saturating_add(2 * u32::from(is_library_family(fam)))
        .saturating_add(2);
    bot >= human
}

/// The signals that fire for `ip` at `now`, in a fixed order.
pub fn signals(ip: &IpState, now: OffsetDateTime, cfg: &ProfileConfig) -> Vec<&'static str> {
    let [m, h, _] = ip.windows.counts(now.unix_timestamp());
    let n = cfg.brute_force_failures.max(1);
    let users = ip.users.distinct();
    let passwords = ip.passwords.distinct();
    let pairs = ip.pairs.distinct();
    let pw = ip.password_attempts;
    let vel = velocity(ip, now);
    let mut out = Vec::new();
    let mut fire = |on: bool, name: &'static str| {
        if on {
            out.push(name);
        }
    };
    fire(
        m.failures >= n || h.failures >= n.saturating_mul(4),
        "brute_force",
    );
    fire(
        pw >= MIN_SHAPE_ATTEMPTS && passwords >= 5 && passwords >= users.saturating_mul(3),
        "password_guessing",
    );
    fire(
        pw >= MIN_SHAPE_ATTEMPTS && users >= 5 && users >= passwords.saturating_mul(3),
        "password_spraying",
    );
    // Each pair tried about once (tracked tries ≤ 1.5 × distinct) and at least half of the
    // password attempts from the default list.
    let tracked = ip.pairs.tracked();
    fire(
        pairs >= STUFFING_PAIRS
            && users >= 2
            && u64::from(tracked) * 2 <= u64::from(pairs) * 3
            && share_at_least(ip.default_attempts, pw, 1, 2),
        "credential_stuffing",
    );
    fire(ip.default_successes > 0, "default_account");
    fire(
        ip.attempts >= MIN_SHAPE_ATTEMPTS && share_at_least(ip.root_attempts, ip.attempts, 1, 2),
        "root_targeting",
    );
    fire(ip.credential_checks > 0, "credential_check_only");
    fire(ip.direct_tcpip > 0 || ip.flags.proxy, "proxy_abuse");
    let fast = vel.over >= VELOCITY_MIN_ATTEMPTS
        && vel.attempts_per_min.is_some_and(|r| r >= VELOCITY_PER_MIN);
    fire(
        fast || m.sessions >= VELOCITY_SESSIONS_PER_MIN,
        "high_velocity",
    );
    fire(
        ip.noauth_closed > 0 && share_at_least(ip.noauth_closed, ip.closed, 1, 2),
        "scanner",
    );
    fire(
        ip.flags.ingress || ip.downloads > 0 || ip.uploads > 0 || ip.executed > 0,
        "downloads",
    );
    fire(ip.flags.persistence, "persistence");
    fire(ip.honeytokens > 0, "honeytoken");
    fire(ip.flags.miner, "miner");
    fire(ip.flags.botnet, "botnet");
    fire(ip.flags.evasive, "evasion");
    fire(ip.flags.destructive, "destructive");
    fire(ip.sensors.len() >= 2, "multi_sensor");
    out
}

/// The intent class: the first that applies of destructive, miner_deployer,
/// botnet_enrolment, dropper, persistence_only, proxy_abuser, interactive, recon_only,
/// credential_validator, brute_forcer, scanner.
pub fn intent(ip: &IpState, bot: bool, sig: &[&str]) -> &'static str {
    let f = ip.flags;
    let ingress = sig.contains(&"downloads");
    if f.destructive {
        "destructive"
    } else if f.miner {
        "miner_deployer"
    } else if f.botnet {
        "botnet_enrolment"
    } else if ingress && ip.commands > 0 {
        "dropper"
    } else if f.persistence {
        "persistence_only"
    } else if sig.contains(&"proxy_abuse") {
        "proxy_abuser"
    } else if ip.commands > 0 && !bot {
        "interactive"
    } else if ip.commands > 0 {
        "recon_only"
    } else if ip.successes > 0 {
        "credential_validator"
    } else if ip.attempts > 0 {
        "brute_forcer"
    } else {
        "scanner"
    }
}

/// 0 no commands, 1 scripted commands, 2 a payload fetched (or uploaded) and run or
/// followed by more commands, 3 evasive (anti-honeypot checks, wiping, `chattr`, competitor
/// killing), 4 a human at the keyboard.
pub fn sophistication(ip: &IpState, bot: bool) -> u8 {
    let ingress = ip.flags.ingress || ip.downloads > 0 || ip.uploads > 0;
    if ip.commands == 0 {
        0
    } else if !bot {
        4
    } else if ip.flags.evasive {
        3
    } else if ip.executed > 0 || (ingress && ip.commands >= 2) {
        2
    } else {
        1
    }
}

/// The risk score: the weighted sum of the table in [`super`]'s doc, capped at 100, halved
/// for each full day since the address was last seen.
pub fn risk(ip: &IpState, sig: &[&str], now: OffsetDateTime) -> u8 {
    let on = |name: &str| sig.contains(&name);
    let mut score: u32 = 0;
    let mut add = |cond: bool, w: u32| {
        if cond {
            score = score.saturating_add(w);
        }
    };
    let cred_attacks = [
        "brute_force",
        "password_guessing",
        "password_spraying",
        "credential_stuffing",
    ]
    .iter()
    .filter(|s| on(s))
    .count();
    add(
        true,
        (u32::try_from(cred_attacks).unwrap_or(0) * 10).min(20),
    );
    add(on("high_velocity"), 5);
    add(on("scanner"), 5);
    add(ip.successes > 0, 20);
    add(ip.commands > 0, 5);
    let high = ip.techniques.iter().filter(|(_, h)| *h).count();
    add(
        true,
        (u32::try_from(high).unwrap_or(u32::MAX).saturating_mul(10)).min(40),
    );
    add(on("downloads"), 20);
    add(on("persistence"), 15);
    add(on("evasion"), 10);
    add(on("proxy_abuse"), 15);
    add(on("miner") || on("botnet"), 10);
    add(on("destructive"), 20);
    add(on("multi_sensor"), 10);
    if on("honeytoken") {
        score = score.saturating_add(40).max(75);
    }
    let score = score.min(100);
    let idle_days = (now - ip.last_seen).whole_days().clamp(0, 7);
    let score = score >> u32::try_from(idle_days).unwrap_or(7);
    u8::try_from(score).unwrap_or(100)
}

/// `block` when risk ≥ `block_risk` or a brute force never got in; `deceive` when risk ≥
/// `deceive_risk` or a login succeeded; `observe` otherwise.
pub fn action(ip: &IpState, risk: u8, sig: &[&str], cfg: &ProfileConfig) -> &'static str {
    if risk >= cfg.block_risk || (sig.contains(&"brute_force") && ip.successes == 0) {
        "block"
    } else if risk >= cfg.deceive_risk || ip.successes > 0 {
        "deceive"
    } else {
        "observe"
    }
}

/// The full assessment of `ip` at `now`.
pub fn assess(ip: &IpState, now: OffsetDateTime, cfg: &ProfileConfig) -> IpAssessment {
    let sig = signals(ip, now, cfg);
    let bot = is_bot(ip);
    let risk_score = risk(ip, &sig, now);
    let counts = ip.windows.counts(now.unix_timestamp());
    IpAssessment {
        intent: intent(ip, bot, &sig).to_string(),
        sophistication: sophistication(ip, bot),
        risk_score,
        risk_band: RiskBand::of(risk_score),
        action: action(ip, risk_score, &sig, cfg).to_string(),
        signals: sig.iter().map(|s| (*s).to_string()).collect(),
        bot,
        hassh_family: ip.family.map(str::to_string),
        attempts: counts.map(|c| c.attempts),
        sessions: counts.map(|c| c.sessions),
    }
}
