//! Per-address behaviour profiles over sliding windows, HASSH families, and the behaviour
//! report (`miragepot report`).
//!
//! A [`ProfileBook`] is fed every event of every session ([`ProfileBook::observe`], in time
//! order per session) and keeps a bounded state per source address: counts over 1 minute,
//! 1 hour and 1 day, capped tallies of the usernames, passwords and pairs tried, a ring of
//! recent attempt times, and flags set by the detections. [`ProfileBook::assess`] turns that
//! into an [`IpAssessment`] at a given time. Nothing reads a clock: time is each event's
//! `ts` and the `now` argument, so the same events always give the same assessment.
//!
//! # Bounds
//! At most [`ProfileConfig::max_ips`] addresses; a new address evicts the least recently seen
//! one ([`ProfileBook::evicted`] counts them). Per address: 32 usernames (64 characters
//! each), 64 passwords and 128 pairs (as hashes; further values count as overflow), 64
//! attempt times, about 100 window buckets, 64 technique ids, 8 sensors. At most 65,536
//! open sessions (the oldest go first).
//!
//! # Signals
//! | signal | fires when |
//! | --- | --- |
//! | `brute_force` | failed logins ≥ `brute_force_failures` (5) in the last minute, or ≥ 4× that (20) in the last hour |
//! | `password_guessing` | ≥ 5 password attempts, ≥ 5 distinct passwords and ≥ 3× as many passwords as usernames |
//! | `password_spraying` | ≥ 5 password attempts, ≥ 5 distinct usernames and ≥ 3× as many usernames as passwords |
//! | `credential_stuffing` | ≥ 10 distinct pairs over ≥ 2 usernames, each pair tried ≤ 1.5 times on average, ≥ half the password attempts from the default list |
//! | `default_account` | a login succeeded with a pair of [`ProfileConfig::default_credentials`] |
//! | `root_targeting` | ≥ 5 attempts, ≥ half of them as `root` |
//! | `credential_check_only` | a session logged in and ended without a command or forward request |
//! | `proxy_abuse` | a `direct-tcpip` request (or T1090/T1572) |
//! | `high_velocity` | ≥ 20 attempts/min over ≥ 10 attempts of the last hour, or ≥ 10 sessions in the last minute |
//! | `scanner` | at least half of its ended sessions (and at least one) made no login attempt |
//! | `downloads` | a download, upload or file run, T1105, or a `wget`/`curl`/`tftp`/`ftpget` line |
//! | `persistence` | a persistence technique (TA0003, T1098, T1053, T1136, T1546, T1543, T1037) |
//! | `honeytoken` | a decoy secret touched or reused |
//! | `miner` | T1496 or miner keywords (`xmrig`, `stratum+tcp`, `--donate-level`, ...) |
//! | `botnet` | T1584.005 or Mirai markers (`/bin/busybox ECCHI`, `mirai`) |
//! | `evasion` | T1497, T1070, T1489, T1562, T1564, T1036, `chattr`, or such keywords |
//! | `destructive` | T1485 or `rm -rf /`, `mkfs.`, `dd … of=/dev/sd…` |
//! | `multi_sensor` | seen by two or more sensors |
//!
//! Login attempts are those of any method but `none`; the credential shapes count over
//! everything the book holds for the address, the brute-force and velocity rules over the
//! windows.
//!
//! # Intent, sophistication, bot
//! Intent is the first that applies of: `destructive` (T1485), `miner_deployer`,
//! `botnet_enrolment`, `dropper` (a payload came in and commands ran), `persistence_only`
//! (persistence without any of the former), `proxy_abuser`, `interactive` (commands, human),
//! `recon_only` (commands, bot), `credential_validator` (got in, ran nothing),
//! `brute_forcer` (attempts, never in), `scanner` (no attempt). Sophistication: 0 no
//! command, 1 scripted commands, 2 payload fetched and run, 3 evasive, 4 human. Bot or
//! human: points for typed sessions (small reads 80–1500 ms apart, or backspaces), a pty
//! and an interactive client (OpenSSH, PuTTY) against pasted sessions (whole lines per
//! read), exec requests, a library client (Go, libssh, paramiko, ...) and a prior of 2;
//! ties are bots.
//!
//! # Risk and action
//! Risk is a weighted sum capped at 100: credential attacks +10 each (at most +20),
//! `high_velocity` +5, `scanner` +5, a successful login +20, any command +5, each
//! high-confidence technique +10 (at most +40), `downloads` +20, `persistence` +15,
//! `evasion` +10, `proxy_abuse` +15, `miner` or `botnet` +10, `destructive` +20,
//! `multi_sensor` +10, `honeytoken` +40 and at least 75 (critical). It halves for each full
//! day since the address was last seen. The action is `block` when risk ≥
//! [`ProfileConfig::block_risk`] or `brute_force` fired and no login ever succeeded;
//! `deceive` when risk ≥ [`ProfileConfig::deceive_risk`] or a login succeeded (keep it
//! talking to the honeypot); `observe` otherwise.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use miragepot_event::{Event, EventKind, IpAssessment, SessionId};
use time::OffsetDateTime;

mod assess;
pub mod hassh;
pub mod report;
mod state;
mod window;

pub use hassh::hassh_family;
pub use report::{report_json, report_markdown};

use state::{IpState, SessState};

/// Open sessions tracked at once; the oldest (by UUIDv7 id) go first.
const MAX_OPEN_SESSIONS: usize = 65_536;

/// Vendor and IoT default credentials, and the top of the common leak lists. A login with
/// one is the `default_account` signal here and technique T1078.001 in [`crate::session`].
pub const DEFAULT_CREDENTIALS: &[(&str, &str)] = &[
    ("root", "raspberry"),
    ("ftpuser", "ftpuser"),
    ("admin", "admin"),
    ("admin", ""),
    ("admin", "password"),
    ("admin", "1234"),
    ("admin", "12345"),
    ("admin", "123456"),
    ("admin", "admin123"),
    ("admin", "changeme"),
    ("root", "root"),
    ("root", ""),
    ("root", "toor"),
    ("root", "1234"),
    ("root", "12345"),
    ("root", "123456"),
    ("root", "password"),
    ("root", "admin"),
    ("root", "default"),
    ("root", "pass"),
    ("root", "vizxv"),
    ("root", "xc3511"),
    ("root", "888888"),
    ("root", "xmhdipc"),
    ("root", "juantech"),
    ("root", "54321"),
    ("root", "anko"),
    ("root", "7ujMko0admin"),
    ("root", "hi3518"),
    ("root", "klv123"),
    ("root", "Zte521"),
    ("root", "realtek"),
    ("root", "00000000"),
    ("root", "1111"),
    ("root", "ikwb"),
    ("root", "dreambox"),
    ("root", "system"),
    ("root", "calvin"),
    ("support", "support"),
    ("user", "user"),
    ("user", "1"),
    ("user", "password"),
    ("guest", "guest"),
    ("guest", "12345"),
    ("ubnt", "ubnt"),
    ("pi", "raspberry"),
    ("oracle", "oracle"),
    ("test", "test"),
    ("ftp", "ftp"),
    ("postgres", "postgres"),
    ("mysql", "mysql"),
    ("administrator", "1234"),
    ("service", "service"),
    ("supervisor", "supervisor"),
    ("tech", "tech"),
    ("default", "default"),
    ("vagrant", "vagrant"),
    ("ubuntu", "ubuntu"),
    ("hadoop", "hadoop"),
    ("git", "git"),
    ("nagios", "nagios"),
    ("cisco", "cisco"),
    ("666666", "666666"),
    ("888888", "888888"),
];

/// Thresholds and bounds of the behaviour profiles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileConfig {
    /// Addresses kept at most (default 100,000); the least recently seen go first.
    pub max_ips: usize,
    /// Brute force: at least this many failed logins in one minute, or four times as many
    /// in one hour (default 5, so 5/min or 20/h).
    pub brute_force_failures: u32,
    /// Risk at or above which the action is `block` (default 75).
    pub block_risk: u8,
    /// Risk at or above which the action is `deceive` (default 40).
    pub deceive_risk: u8,
    /// `(username, password)` pairs that count as vendor defaults (default: the built-in
    /// list, `admin:admin`, `root:root`, `support:support`, `user:1`, `ubnt:ubnt`, ...).
    pub default_credentials: Vec<(String, String)>,
}

impl Default for ProfileConfig {
    fn default() -> Self {
        ProfileConfig {
            max_ips: 100_000,
            brute_force_failures: 5,
            block_risk: 75,
            deceive_risk: 40,
            default_credentials: DEFAULT_CREDENTIALS
                .iter()
                .map(|(u, p)| ((*u).to_string(), (*p).to_string()))
                .collect(),
        }
    }
}

/// Behaviour state of every recently seen address, bounded.
#[derive(Debug, Clone)]
pub struct ProfileBook {
    cfg: ProfileConfig,
    /// Hashes of the default pairs, sorted.
    defaults: Vec<u64>,
    ips: HashMap<IpAddr, IpState>,
    /// `(last seen ns, touch sequence)` → address, oldest first.
    lru: BTreeMap<(i128, u64), IpAddr>,
    seq: u64,
    sessions: BTreeMap<SessionId, SessState>,
    evicted: u64,
}

impl ProfileBook {
    /// An empty book.
    pub fn new(cfg: ProfileConfig) -> Self {
        let mut defaults: Vec<u64> = cfg
            .default_credentials
            .iter()
            .map(|(u, p)| window::fnv1a(&[u, p]))
            .collect();
        defaults.sort_unstable();
        defaults.dedup();
        ProfileBook {
            cfg,
            defaults,
            ips: HashMap::new(),
            lru: BTreeMap::new(),
            seq: 0,
            sessions: BTreeMap::new(),
            evicted: 0,
        }
    }

    /// The configuration in use.
    pub fn config(&self) -> &ProfileConfig {
        &self.cfg
    }

    /// Takes one event into account. `ip_profile` events (this module's own output) are
    /// ignored.
    pub fn observe(&mut self, ev: &Event) {
        if matches!(ev.kind, EventKind::IpProfile(_)) {
            return;
        }
        self.seq = self.seq.wrapping_add(1);
        let ip = ev.src_ip;
        if !self.ips.contains_key(&ip) {
            while self.ips.len() >= self.cfg.max_ips.max(1) {
                let Some((_, old)) = self.lru.pop_first() else {
                    break;
                };
                self.ips.remove(&old);
                self.evicted = self.evicted.saturating_add(1);
            }
        }
        let seq = self.seq;
        let st = self
            .ips
            .entry(ip)
            .or_insert_with(|| IpState::new(ev.ts, (ev.ts.unix_timestamp_nanos(), seq)));
        self.lru.remove(&st.lru_key);
        st.first_seen = st.first_seen.min(ev.ts);
        st.last_seen = st.last_seen.max(ev.ts);
        st.lru_key = (st.last_seen.unix_timestamp_nanos(), seq);
        self.lru.insert(st.lru_key, ip);

        let known = self.sessions.remove(&ev.session);
        let track = known.is_some() || state::opens_session(&ev.kind);
        let mut sess = known.unwrap_or_default();
        let ended = state::apply(st, &mut sess, ev, &self.defaults);
        if track && !ended {
            self.sessions.insert(ev.session, sess);
            while self.sessions.len() > MAX_OPEN_SESSIONS {
                self.sessions.pop_first();
            }
        }
    }

    /// The assessment of `ip` at `now`, `None` for an address the book does not hold.
    pub fn assess(&self, ip: IpAddr, now: OffsetDateTime) -> Option<IpAssessment> {
        self.ips.get(&ip).map(|s| assess::assess(s, now, &self.cfg))
    }

    /// Every address held, sorted.
    pub fn ips(&self) -> Vec<IpAddr> {
        let mut v: Vec<IpAddr> = self.ips.keys().copied().collect();
        v.sort_unstable();
        v
    }

    /// How many addresses were evicted to keep the bound.
    pub fn evicted(&self) -> u64 {
        self.evicted
    }

    /// The state held for `ip` (for the report).
    pub(crate) fn state(&self, ip: IpAddr) -> Option<&IpState> {
        self.ips.get(&ip)
    }

    /// Open sessions tracked (for the bound tests).
    #[cfg(test)]
    pub(crate) fn open_sessions(&self) -> usize {
        self.sessions.len()
    }
}

#[cfg(test)]
mod corpus;
#[cfg(test)]
mod tests;
