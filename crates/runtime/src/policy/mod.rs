//! The access policy: who gets in, who is refused at accept, and who gets blocked.
//!
//! Three modes (`auth.mode`):
//! - `high`: every password is accepted and blocking is suspended (high interaction);
//! - `low`: every login is rejected and recorded; after `max_failures` failed passwords an
//!   address is blocked for `block_ttl` and its connections are dropped at accept;
//! - `hybrid`: as `low`, but bait credentials and per-user rules (accept the k-th attempt,
//!   or a password regex) let the attacker in silently, lifting a strike block.
//!
//! Every login decision carries the rule that made it (the `rule` of `auth_attempt`). The
//! accept loop asks [`Access::admit`] before anything else: blocklist (not in `high`), then
//! the per-address rate, then the per-address cap on concurrent sessions. Per-address state
//! is bounded (`max_tracked_ips`); a refusal flood is reported at most once a second per
//! address, the rest counted.
//!
//! Time comes in as arguments (`Instant` for rates, wall time for block expiry), so the
//! decisions are testable without sleeping. `sync` keeps the blocklist and the store in step.

pub mod blocklist;
pub mod rate;
pub mod sync;

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use miragepot_event::{BlockSource, EventKind, IpBlocked, IpUnblocked, RefuseReason};
use miragepot_store::BlockRow;
use regex::Regex;
use time::OffsetDateTime;

use self::blocklist::Blocklist;
use self::rate::{Bucket, RateConfig};
use crate::lock;

/// `auth.mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMode {
    /// Every password accepted; blocking suspended.
    High,
    /// Every login rejected; strikes lead to blocks.
    Low,
    /// As `Low`, with bait credentials and per-user rules that let attackers in.
    Hybrid,
}

impl AuthMode {
    /// The config name.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMode::High => "high",
            AuthMode::Low => "low",
            AuthMode::Hybrid => "hybrid",
        }
    }
}

/// A per-user rule of `hybrid` mode (`[[auth.rules]]`).
#[derive(Debug, Clone)]
pub struct UserRule {
    /// The username it applies to; `*` is any.
    pub user: String,
    /// Accept from this password attempt of the address (for this user) on, 1-based.
    pub accept_attempt: Option<u32>,
    /// Accept a password this regex matches.
    pub password: Option<Regex>,
}

/// The policy's settings.
#[derive(Debug, Clone)]
pub struct PolicyConfig {
    /// The mode.
    pub mode: AuthMode,
    /// Failed passwords from one address before it is blocked (`low`, `hybrid`).
    pub max_failures: u32,
    /// How long a strike or profile block lasts; zero lasts until unblocked.
    pub block_ttl: Duration,
    /// `user:password` pairs that get in (`hybrid`).
    pub bait: Vec<(String, String)>,
    /// Per-user rules (`hybrid`).
    pub rules: Vec<UserRule>,
    /// Block an address when its behaviour profile recommends `block` (not in `high`).
    pub block_on_profile: bool,
    /// Concurrent sessions per address.
    pub max_sessions_per_ip: usize,
    /// Connection rate per address.
    pub rate: RateConfig,
    /// Addresses whose counters are kept; past it, idle ones are forgotten.
    pub max_tracked_ips: usize,
    /// Whether operator logs show passwords (`log.show_passwords`); events always keep them.
    pub show_passwords: bool,
}

impl Default for PolicyConfig {
    fn default() -> Self {
        PolicyConfig {
            mode: AuthMode::High,
            max_failures: 5,
            block_ttl: Duration::from_secs(3600),
            bait: Vec::new(),
            rules: Vec::new(),
            block_on_profile: true,
            max_sessions_per_ip: 8,
            rate: RateConfig {
                per_sec: 10.0,
                burst: 30,
            },
            max_tracked_ips: 100_000,
            show_passwords: false,
        }
    }
}

/// A password as operator logs show it: `<redacted>` unless `log.show_passwords` is on.
#[derive(Debug, Clone, Copy)]
pub struct Shown<'a>(&'a str, bool);

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.1 {
            write!(f, "{:?}", self.0)
        } else {
            f.write_str("<redacted>")
        }
    }
}

/// What the policy says of a login.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// Let the attacker in.
    pub accept: bool,
    /// The rule that decided (`auth_attempt.rule`).
    pub rule: String,
    /// Events the decision caused (`ip_blocked`, `ip_unblocked`), for the session to emit.
    pub events: Vec<EventKind>,
}

/// A refused connection.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    /// Why.
    pub reason: RefuseReason,
    /// The rule or limit.
    pub rule: String,
    /// `Some(suppressed)` when this refusal should be reported as an event (at most once a
    /// second per address), with the count of refusals not reported since the last one.
    pub report: Option<u64>,
}

/// Counters of what the policy did, for `stats.json`.
#[derive(Debug, Default)]
pub struct PolicyCounters {
    /// Connections refused because the address is blocked.
    pub refused_blocked: AtomicU64,
    /// Connections refused at the per-address cap.
    pub refused_per_ip: AtomicU64,
    /// Connections refused by the per-address rate.
    pub refused_rate: AtomicU64,
    /// Blocks made by strikes or profiles.
    pub blocks_made: AtomicU64,
    /// Blocks lifted by bait credentials or rules.
    pub blocks_lifted: AtomicU64,
    /// Store writes of the blocklist that failed (retried at the next sync).
    pub store_errors: AtomicU64,
    /// Addresses forgotten because `max_tracked_ips` was reached.
    pub ips_evicted: AtomicU64,
    /// Per-session limits reached, by kind (`limit_hit` events).
    pub limit_hits: [AtomicU64; 4],
}

impl PolicyCounters {
    /// The counters as JSON.
    pub fn snapshot(&self) -> serde_json::Value {
        let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
        serde_json::json!({
            "refused_blocked": g(&self.refused_blocked),
            "refused_per_ip": g(&self.refused_per_ip),
            "refused_rate": g(&self.refused_rate),
            "blocks_made": g(&self.blocks_made),
            "blocks_lifted": g(&self.blocks_lifted),
            "store_errors": g(&self.store_errors),
            "ips_evicted": g(&self.ips_evicted),
            "limit_hits": {
                "session_time": g(&self.limit_hits[0]),
                "commands": g(&self.limit_hits[1]),
                "input_bytes": g(&self.limit_hits[2]),
                "command_time": g(&self.limit_hits[3]),
            },
        })
    }

    /// Counts a per-session limit reached.
    pub fn limit_hit(&self, limit: miragepot_event::LimitKind) {
        use miragepot_event::LimitKind;
        let i = match limit {
            LimitKind::SessionTime => 0,
            LimitKind::Commands => 1,
            LimitKind::InputBytes => 2,
            LimitKind::CommandTime => 3,
        };
        if let Some(c) = self.limit_hits.get(i) {
            c.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Usernames whose attempts are counted per address (for `accept_attempt` rules).
const MAX_USERS_PER_IP: usize = 16;

#[derive(Debug)]
struct IpState {
    failures: u32,
    attempts: Vec<(String, u32)>,
    live: u32,
    bucket: Bucket,
    last_seen: Instant,
    /// When the last refusal event went out, and refusals since.
    reported: Option<Instant>,
    unreported: u64,
}

#[derive(Debug, Default)]
struct State {
    ips: HashMap<IpAddr, IpState>,
    blocks: Blocklist,
}

/// The shared policy of one sensor.
#[derive(Debug)]
pub struct Access {
    cfg: Mutex<Arc<PolicyConfig>>,
    state: Mutex<State>,
    /// What it did.
    pub counters: PolicyCounters,
    /// Wakes the sync task when a block was made or lifted here.
    pub(crate) changed: tokio::sync::Notify,
}

/// Held by an admitted connection; releases its per-address slot when dropped.
#[derive(Debug)]
pub struct IpSlot {
    access: Arc<Access>,
    ip: IpAddr,
}

impl Drop for IpSlot {
    fn drop(&mut self) {
        let mut st = lock(&self.access.state);
        if let Some(s) = st.ips.get_mut(&self.ip) {
            s.live = s.live.saturating_sub(1);
        }
    }
}

impl Access {
    /// A policy with `cfg` and an empty blocklist (the sync task loads the stored one).
    pub fn new(cfg: PolicyConfig) -> Arc<Access> {
        Arc::new(Access {
            cfg: Mutex::new(Arc::new(cfg)),
            state: Mutex::default(),
            counters: PolicyCounters::default(),
            changed: tokio::sync::Notify::new(),
        })
    }

    /// The settings in force.
    pub fn config(&self) -> Arc<PolicyConfig> {
        Arc::clone(&lock(&self.cfg))
    }

    /// Replaces the settings (SIGHUP). Counters and blocks are kept.
    pub fn set_config(&self, cfg: PolicyConfig) {
        *lock(&self.cfg) = Arc::new(cfg);
    }

    /// `password` for an operator log line (redacted unless `show_passwords`).
    pub fn shown<'a>(&self, password: &'a str) -> Shown<'a> {
        Shown(password, lock(&self.cfg).show_passwords)
    }

    /// Decides whether a new connection from `ip` may proceed. On `Ok`, the slot must live
    /// as long as the connection.
    pub fn admit(
        self: &Arc<Self>,
        ip: IpAddr,
        now: Instant,
        wall: OffsetDateTime,
    ) -> Result<IpSlot, Refusal> {
        let cfg = self.config();
        let mut st = lock(&self.state);
        if cfg.mode != AuthMode::High
            && let Some(b) = st.blocks.get(ip, wall)
        {
            let rule = format!("block:{}", b.source);
            self.counters
                .refused_blocked
                .fetch_add(1, Ordering::Relaxed);
            let report = refusal_report(&mut st, &cfg, ip, now, &self.counters);
            return Err(Refusal {
                reason: RefuseReason::Blocked,
                rule,
                report,
            });
        }
        let s = ip_state(&mut st, &cfg, ip, now, &self.counters);
        s.last_seen = now;
        let refused = if !s.bucket.take(&cfg.rate, now) {
            self.counters.refused_rate.fetch_add(1, Ordering::Relaxed);
            Some((
                RefuseReason::RateLimit,
                format!("limits.connections_per_ip_per_sec={}", cfg.rate.per_sec),
            ))
        } else if s.live as usize >= cfg.max_sessions_per_ip {
            self.counters.refused_per_ip.fetch_add(1, Ordering::Relaxed);
            Some((
                RefuseReason::PerIpLimit,
                format!("limits.max_sessions_per_ip={}", cfg.max_sessions_per_ip),
            ))
        } else {
            s.live += 1;
            None
        };
        match refused {
            None => Ok(IpSlot {
                access: Arc::clone(self),
                ip,
            }),
            Some((reason, rule)) => {
                let report = refusal_report(&mut st, &cfg, ip, now, &self.counters);
                Err(Refusal {
                    reason,
                    rule,
                    report,
                })
            }
        }
    }

    /// A refusal made outside the policy (the global connection cap), throttled the same way.
    pub fn note_refusal(&self, ip: IpAddr, now: Instant) -> Option<u64> {
        let cfg = self.config();
        let mut st = lock(&self.state);
        refusal_report(&mut st, &cfg, ip, now, &self.counters)
    }

    /// Judges a password login of `user` from `ip`.
    pub fn password(
        &self,
        ip: IpAddr,
        user: &str,
        password: &str,
        now: Instant,
        wall: OffsetDateTime,
    ) -> Verdict {
        let cfg = self.config();
        let mut verdict = Verdict {
            accept: false,
            rule: String::new(),
            events: Vec::new(),
        };
        if cfg.mode == AuthMode::High {
            verdict.accept = true;
            verdict.rule = "high:accept_any".into();
            return verdict;
        }
        let mut st = lock(&self.state);
        let s = ip_state(&mut st, &cfg, ip, now, &self.counters);
        s.last_seen = now;
        let attempt = count_attempt(s, user);
        if cfg.mode == AuthMode::Hybrid
            && let Some(rule) = hybrid_rule(&cfg, user, password, attempt)
        {
            s.failures = 0;
            verdict.accept = true;
            verdict.rule = rule;
            let lifted = st
                .blocks
                .get(ip, wall)
                .is_some_and(|b| b.source != BlockSource::Operator.as_str());
            if lifted {
                st.blocks.remove_local(ip);
                self.counters.blocks_lifted.fetch_add(1, Ordering::Relaxed);
                verdict.events.push(EventKind::IpUnblocked(IpUnblocked {
                    ip,
                    rule: verdict.rule.clone(),
                }));
                self.changed.notify_one();
            }
            return verdict;
        }
        verdict.rule = format!("{}:reject", cfg.mode.as_str());
        s.failures = s.failures.saturating_add(1);
        if cfg.max_failures > 0 && s.failures >= cfg.max_failures {
            s.failures = 0;
            let reason = format!("{} failed logins", cfg.max_failures);
            let rule = format!("auth.max_failures={}", cfg.max_failures);
            if let Some(ev) =
                self.block_locked(&mut st, &cfg, ip, BlockSource::Strikes, rule, reason, wall)
            {
                verdict.events.push(ev);
            }
        }
        verdict
    }

    /// The behaviour profile of `ip` recommends `block`: blocks it when the policy allows
    /// (not in `high`, `block_on_profile` on, not already blocked).
    pub fn profile_block(
        &self,
        ip: IpAddr,
        intent: &str,
        wall: OffsetDateTime,
    ) -> Option<EventKind> {
        if !self.config().block_on_profile {
            return None;
        }
        self.recommended_block(
            ip,
            "profile:block",
            format!("behaviour profile: {intent}"),
            wall,
        )
    }

    /// Blocks `ip` because an assessment (the behaviour profile, or the LLM's session
    /// analysis when `llm.analysis_policy` allows) recommends it; never in `high` mode, and
    /// not over an existing block. Returns the `ip_blocked` event.
    pub fn recommended_block(
        &self,
        ip: IpAddr,
        rule: &str,
        reason: String,
        wall: OffsetDateTime,
    ) -> Option<EventKind> {
        let cfg = self.config();
        if cfg.mode == AuthMode::High {
            return None;
        }
        let mut st = lock(&self.state);
        if st.blocks.get(ip, wall).is_some() {
            return None;
        }
        self.block_locked(
            &mut st,
            &cfg,
            ip,
            BlockSource::Profile,
            rule.to_string(),
            reason,
            wall,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn block_locked(
        &self,
        st: &mut State,
        cfg: &PolicyConfig,
        ip: IpAddr,
        source: BlockSource,
        rule: String,
        reason: String,
        wall: OffsetDateTime,
    ) -> Option<EventKind> {
        // The store keeps microseconds: the copy here is the same value.
        let wall = wall
            .replace_nanosecond(wall.nanosecond() / 1000 * 1000)
            .unwrap_or(wall);
        let expires = (!cfg.block_ttl.is_zero())
            .then(|| time::Duration::try_from(cfg.block_ttl).ok())
            .flatten()
            .and_then(|d| wall.checked_add(d));
        st.blocks.insert_local(BlockRow {
            ip,
            source: source.as_str().into(),
            reason: reason.clone(),
            created: wall,
            expires,
        });
        self.counters.blocks_made.fetch_add(1, Ordering::Relaxed);
        self.changed.notify_one();
        tracing::info!(%ip, source = source.as_str(), %reason, "Address blocked.");
        Some(EventKind::IpBlocked(IpBlocked {
            ip,
            source,
            rule,
            reason,
            expires,
        }))
    }

    /// The blocks in force at `now`, sorted by address.
    pub fn blocks(&self, now: OffsetDateTime) -> Vec<BlockRow> {
        lock(&self.state).blocks.active(now)
    }

    /// Whether `ip` is blocked at `now` (whatever the mode).
    pub fn is_blocked(&self, ip: IpAddr, now: OffsetDateTime) -> bool {
        lock(&self.state).blocks.get(ip, now).is_some()
    }

    /// Runs `f` on the blocklist (the sync task).
    pub(crate) fn with_blocks<R>(&self, f: impl FnOnce(&mut Blocklist) -> R) -> R {
        f(&mut lock(&self.state).blocks)
    }

    /// Forgets the strikes of addresses no longer blocked (an operator unblocked them).
    pub(crate) fn forgive(&self, ips: &[IpAddr]) {
        let mut st = lock(&self.state);
        for ip in ips {
            if let Some(s) = st.ips.get_mut(ip) {
                s.failures = 0;
            }
        }
    }

    /// Addresses with counters kept.
    pub fn tracked_ips(&self) -> usize {
        lock(&self.state).ips.len()
    }
}

/// The address's state, made on first sight. At the cap, addresses without a live
/// connection are forgotten first (oldest half), so the map never grows past it.
fn ip_state<'a>(
    st: &'a mut State,
    cfg: &PolicyConfig,
    ip: IpAddr,
    now: Instant,
    counters: &PolicyCounters,
) -> &'a mut IpState {
    if !st.ips.contains_key(&ip) && st.ips.len() >= cfg.max_tracked_ips.max(1) {
        let mut idle: Vec<(Instant, IpAddr)> = st
            .ips
            .iter()
            .filter(|(_, s)| s.live == 0)
            .map(|(ip, s)| (s.last_seen, *ip))
            .collect();
        idle.sort_unstable();
        let drop_n = (idle.len() / 2).max(1).min(idle.len());
        for (_, old) in idle.iter().take(drop_n) {
            st.ips.remove(old);
        }
        counters
            .ips_evicted
            .fetch_add(drop_n as u64, Ordering::Relaxed);
    }
    st.ips.entry(ip).or_insert_with(|| IpState {
        failures: 0,
        attempts: Vec::new(),
        live: 0,
        bucket: Bucket::full(&cfg.rate, now),
        last_seen: now,
        reported: None,
        unreported: 0,
    })
}

/// Counts a password attempt for `user`; returns its 1-based number for this address.
fn count_attempt(s: &mut IpState, user: &str) -> u32 {
    if let Some((_, n)) = s.attempts.iter_mut().find(|(u, _)| u == user) {
        *n = n.saturating_add(1);
        return *n;
    }
    if s.attempts.len() < MAX_USERS_PER_IP {
        s.attempts.push((user.to_string(), 1));
    }
    1
}

/// The `hybrid` rule that lets this login in, if any.
fn hybrid_rule(cfg: &PolicyConfig, user: &str, password: &str, attempt: u32) -> Option<String> {
    if cfg.bait.iter().any(|(u, p)| u == user && p == password) {
        return Some("hybrid:bait".into());
    }
    for (i, r) in cfg.rules.iter().enumerate() {
        if r.user != "*" && r.user != user {
            continue;
        }
        if r.accept_attempt.is_some_and(|k| attempt >= k) {
            return Some(format!("hybrid:rule[{i}]:attempt"));
        }
        if r.password.as_ref().is_some_and(|re| re.is_match(password)) {
            return Some(format!("hybrid:rule[{i}]:password_regex"));
        }
    }
    None
}

/// Whether this refusal of `ip` is reported (at most once a second per address); counts it
/// otherwise.
fn refusal_report(
    st: &mut State,
    cfg: &PolicyConfig,
    ip: IpAddr,
    now: Instant,
    counters: &PolicyCounters,
) -> Option<u64> {
    let s = ip_state(st, cfg, ip, now, counters);
    s.last_seen = now;
    let due = s
        .reported
        .is_none_or(|t| now.saturating_duration_since(t) >= Duration::from_secs(1));
    if due {
        s.reported = Some(now);
        Some(std::mem::take(&mut s.unreported))
    } else {
        s.unreported = s.unreported.saturating_add(1);
        None
    }
}

/// The rule for methods that never get in.
pub fn refused_method_rule(method: &str) -> String {
    format!("{method}:refused")
}

#[cfg(test)]
mod tests;
