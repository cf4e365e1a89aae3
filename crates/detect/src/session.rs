//! [`SessionAnalysis`]: every detector, run over one session's events as they happen.
//!
//! The runtime owns one per session. It asks [`SessionAnalysis::score`] for a command line's
//! threat score before it builds the `command_input` event (the score is logged on that
//! event and picks the tarpit band), then passes each event it publishes to
//! [`SessionAnalysis::observe`], which returns the detections that event gives rise to:
//! techniques (each once per session), new attack stages, first-seen IOCs, honeytoken
//! touches and injection attempts. The caller links them to their evidence with
//! `caused_by`. When the session closes, [`SessionAnalysis::summary`] sums it up.
//! `miragepot reanalyze` runs the same code over stored events.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;

use miragepot_event::{
    AuthMethod, Confidence, Event, EventKind, ForwardKind, InjectionAttempt, InputStats, Ioc,
    IocKind, RiskBand, SessionSummary, StageReached, TechniqueHit, TokenKind,
};
use sha2::{Digest, Sha256};

use crate::DetectError;
use crate::attack::AttackTable;
use crate::injection::InjectionDetector;
use crate::ioc::{self, Indicator};
use crate::normalize::{Normalized, cap, normalize};
use crate::stage::{StageTracker, Tactic};
use crate::tarpit::Tarpit;
use crate::threat::{ThreatScore, ThreatTable};
use crate::tokens::{Honeytoken, TokenWatch};

/// Distinct IOCs one session reports, at most.
pub const MAX_IOCS: usize = 512;
/// Input gaps kept for the typing-rhythm median.
const MAX_GAPS: usize = 2048;

/// The compiled rule sets, shared by every session.
#[derive(Debug)]
pub struct Rules {
    /// Threat scores.
    pub threat: ThreatTable,
    /// ATT&CK rules.
    pub attack: AttackTable,
    /// Tarpit bands.
    pub tarpit: Tarpit,
    /// Prompt-injection patterns.
    pub injection: InjectionDetector,
}

impl Rules {
    /// The built-in rules.
    pub fn builtin() -> Result<Rules, DetectError> {
        Rules::new(ThreatTable::builtin()?, Tarpit::default())
    }

    /// The built-in ATT&CK and injection rules with an operator's threat table and bands.
    pub fn new(threat: ThreatTable, tarpit: Tarpit) -> Result<Rules, DetectError> {
        Ok(Rules {
            threat,
            attack: AttackTable::builtin()?,
            tarpit,
            injection: InjectionDetector::new()?,
        })
    }
}

/// One session's detector state.
#[derive(Debug)]
pub struct SessionAnalysis {
    rules: Arc<Rules>,
    stage: StageTracker,
    techniques: BTreeMap<String, (Tactic, Confidence)>,
    iocs: HashSet<(IocKind, String)>,
    watch: TokenWatch,
    touched: BTreeSet<TokenKind>,
    last: Option<(String, Normalized, ThreatScore)>,
    commands: u32,
    max_threat: u32,
    total_threat: u32,
    delay_ms: u64,
    downloads: u32,
    injections: u32,
    login_attempts: u32,
    login: Option<(String, Option<String>)>,
    executed: bool,
    command_hash: Sha256,
    input_hash: Sha256,
    input: InputStats,
    last_input_ms: Option<u64>,
    gaps: Vec<u64>,
}

impl SessionAnalysis {
    /// A session that received `tokens` (empty when honeytokens are off).
    pub fn new(rules: Arc<Rules>, tokens: Vec<Honeytoken>) -> Self {
        SessionAnalysis {
            rules,
            stage: StageTracker::default(),
            techniques: BTreeMap::new(),
            iocs: HashSet::new(),
            watch: TokenWatch::new(tokens),
            touched: BTreeSet::new(),
            last: None,
            commands: 0,
            max_threat: 0,
            total_threat: 0,
            delay_ms: 0,
            downloads: 0,
            injections: 0,
            login_attempts: 0,
            login: None,
            executed: false,
            command_hash: Sha256::new(),
            input_hash: Sha256::new(),
            input: InputStats::default(),
            last_input_ms: None,
            gaps: Vec::new(),
        }
    }

    /// Watches `tokens` (planted when the session's shell started) from now on.
    pub fn set_tokens(&mut self, tokens: Vec<Honeytoken>) {
        self.watch = TokenWatch::new(tokens);
    }

    /// The shared rules.
    pub fn rules(&self) -> &Arc<Rules> {
        &self.rules
    }

    /// The session's planted tokens.
    pub fn tokens(&self) -> &[Honeytoken] {
        self.watch.tokens()
    }

    /// The threat score of a command line (remembered for the `observe` that follows).
    pub fn score(&mut self, line: &str) -> ThreatScore {
        if let Some((_, _, s)) = self.last.as_ref().filter(|(l, _, _)| l == line) {
            return s.clone();
        }
        let n = normalize(line);
        let s = self.rules.threat.score(&n.text);
        self.last = Some((line.to_string(), n, s.clone()));
        s
    }

    /// Raw attacker bytes on a shell channel (or an exec line), `at_ms` after the session
    /// started: the input-stream campaign key and the typing rhythm.
    pub fn input(&mut self, bytes: &[u8], at_ms: u64) {
        self.input_hash.update(bytes);
        self.input.writes = self.input.writes.saturating_add(1);
        self.input.bytes = self.input.bytes.saturating_add(bytes.len() as u64);
        let bs = bytes.iter().filter(|&&b| b == 0x7f || b == 0x08).count();
        self.input.backspaces = self
            .input
            .backspaces
            .saturating_add(u32::try_from(bs).unwrap_or(u32::MAX));
        if let Some(prev) = self.last_input_ms.filter(|_| self.gaps.len() < MAX_GAPS) {
            self.gaps.push(at_ms.saturating_sub(prev));
        }
        self.last_input_ms = Some(at_ms);
    }

    /// The detections `ev` gives rise to, in the order they should be published.
    pub fn observe(&mut self, ev: &Event) -> Vec<EventKind> {
        let mut out = Vec::new();
        match &ev.kind {
            EventKind::AuthAttempt {
                method,
                username,
                password,
                success,
                ..
            } => {
                // `none` and public-key offers are how clients probe; they guess nothing.
                let guess = matches!(
                    method,
                    AuthMethod::Password | AuthMethod::KeyboardInteractive
                );
                if !guess && !*success {
                    return out;
                }
                self.login_attempts = self.login_attempts.saturating_add(1);
                if *success {
                    let default = password.as_deref().is_some_and(|p| {
                        crate::profile::DEFAULT_CREDENTIALS
                            .iter()
                            .any(|(u, dp)| u == username && *dp == p)
                    });
                    if self.login.is_none() {
                        self.login = Some((username.clone(), password.clone()));
                    }
                    let evidence = format!("login as {username}");
                    if default {
                        self.technique(
                            &mut out,
                            "T1078.001",
                            "Valid Accounts: Default Accounts",
                            Tactic::InitialAccess,
                            Confidence::High,
                            "T1078.001.default",
                            &evidence,
                        );
                    } else {
                        self.technique(
                            &mut out,
                            "T1078.003",
                            "Valid Accounts: Local Accounts",
                            Tactic::InitialAccess,
                            Confidence::Medium,
                            "T1078.003.login",
                            &evidence,
                        );
                    }
                } else {
                    let evidence = format!("failed login as {username}");
                    self.technique(
                        &mut out,
                        "T1110.001",
                        "Brute Force: Password Guessing",
                        Tactic::CredentialAccess,
                        Confidence::Medium,
                        "T1110.001.failed_login",
                        &evidence,
                    );
                }
            }
            EventKind::CommandInput { input, .. } => self.command(input, &mut out),
            EventKind::CommandResult { input, output, .. } => {
                for t in self.watch.on_output(input, output) {
                    self.token_touched(t, &mut out);
                }
            }
            EventKind::Download {
                url, destination, ..
            } => {
                self.downloads = self.downloads.saturating_add(1);
                self.technique(
                    &mut out,
                    "T1105",
                    "Ingress Tool Transfer",
                    Tactic::CommandAndControl,
                    Confidence::High,
                    "T1105.download",
                    url,
                );
                let mut found = ioc::from_line(url);
                if let Some(name) = destination.as_deref().and_then(ioc::file_name) {
                    found.push(Indicator {
                        kind: IocKind::Filename,
                        value: name.to_string(),
                    });
                }
                self.iocs(found, &mut out);
            }
            EventKind::FileExecuted { path, sha256, .. } => {
                self.executed = true;
                self.technique(
                    &mut out,
                    "T1059.004",
                    "Command and Scripting Interpreter: Unix Shell",
                    Tactic::Execution,
                    Confidence::High,
                    "T1059.004.dropped_file",
                    path,
                );
                self.file_iocs(path, sha256, &mut out);
            }
            EventKind::FileWritten { path, sha256, .. } => self.file_iocs(path, sha256, &mut out),
            EventKind::FileUploaded { path, sha256, .. } => {
                self.technique(
                    &mut out,
                    "T1105",
                    "Ingress Tool Transfer",
                    Tactic::CommandAndControl,
                    Confidence::High,
                    "T1105.upload",
                    path,
                );
                self.file_iocs(path, sha256, &mut out);
            }
            EventKind::ForwardRequest {
                kind: ForwardKind::DirectTcpip,
                host,
                port,
                ..
            } => {
                let target = format!("{}:{}", host.as_deref().unwrap_or("?"), port.unwrap_or(0));
                self.technique(
                    &mut out,
                    "T1090",
                    "Proxy",
                    Tactic::CommandAndControl,
                    Confidence::High,
                    "T1090.direct_tcpip",
                    &format!("direct-tcpip to {target}"),
                );
                if host.is_some() {
                    self.iocs(
                        vec![Indicator {
                            kind: IocKind::HostPort,
                            value: target,
                        }],
                        &mut out,
                    );
                }
            }
            EventKind::DelayApplied(d) => self.delay_ms = self.delay_ms.saturating_add(d.delay_ms),
            _ => {}
        }
        out
    }

    fn command(&mut self, input: &str, out: &mut Vec<EventKind>) {
        let score = self.score(input);
        let Some((_, norm, _)) = self.last.take() else {
            return;
        };
        self.commands = self.commands.saturating_add(1);
        self.max_threat = self.max_threat.max(score.score);
        self.total_threat = self.total_threat.saturating_add(score.score);
        let flat: Vec<&str> = input.split_whitespace().collect();
        self.command_hash.update(flat.join(" ").as_bytes());
        self.command_hash.update(b"\n");

        let evidence = cap(input, 512);
        self.technique(
            out,
            "T1059.004",
            "Command and Scripting Interpreter: Unix Shell",
            Tactic::Execution,
            Confidence::Medium,
            "T1059.004.session",
            evidence,
        );
        let rules = Arc::clone(&self.rules);
        for r in rules.attack.matches(&norm.text) {
            self.technique(
                out,
                &r.technique,
                &r.name,
                r.tactic,
                r.confidence,
                &r.id,
                evidence,
            );
        }
        self.iocs(ioc::from_line(input), out);
        if norm.decoded {
            let decoded: String = norm.text.lines().skip(1).collect::<Vec<_>>().join("\n");
            self.iocs(ioc::from_line(&decoded), out);
        }
        for t in self.watch.on_input(input) {
            self.token_touched(t, out);
        }
        if let Some(hit) = rules.injection.check(input) {
            self.injections = self.injections.saturating_add(1);
            out.push(EventKind::InjectionAttempt(InjectionAttempt {
                patterns: hit.patterns,
                categories: hit.categories,
                decoded: hit.decoded,
            }));
        }
        self.last = Some((input.to_string(), norm, score));
    }

    /// IOCs inside a file the attacker wrote, ran or uploaded (URLs and hosts of a dropped
    /// script). Binary files and bytes past the first 256 KiB are skipped.
    pub fn artifact(&mut self, bytes: &[u8]) -> Vec<EventKind> {
        let mut out = Vec::new();
        let head = bytes.get(..bytes.len().min(256 * 1024)).unwrap_or(&[]);
        let Ok(text) = std::str::from_utf8(head) else {
            return out;
        };
        if text.contains('\0') {
            return out;
        }
        for line in text.lines() {
            self.iocs(ioc::from_line(line), &mut out);
        }
        out
    }

    /// Techniques the per-address profile found for this session's address (password
    /// spraying, credential stuffing, brute force): reported like any other technique.
    pub fn profile_signals(&mut self, signals: &[String]) -> Vec<EventKind> {
        let mut out = Vec::new();
        for s in signals {
            let (id, name) = match s.as_str() {
                "brute_force" | "password_guessing" => {
                    ("T1110.001", "Brute Force: Password Guessing")
                }
                "password_spraying" => ("T1110.003", "Brute Force: Password Spraying"),
                "credential_stuffing" => ("T1110.004", "Brute Force: Credential Stuffing"),
                _ => continue,
            };
            let evidence = format!("address profile: {s}");
            self.technique(
                &mut out,
                id,
                name,
                Tactic::CredentialAccess,
                Confidence::High,
                &format!("profile.{s}"),
                &evidence,
            );
        }
        out
    }

    fn token_touched(&mut self, t: miragepot_event::TokenTouched, out: &mut Vec<EventKind>) {
        self.touched.insert(t.token);
        let (id, name) = if t.token == TokenKind::SshPrivateKey {
            ("T1552.004", "Unsecured Credentials: Private Keys")
        } else {
            ("T1552.001", "Unsecured Credentials: Credentials In Files")
        };
        let evidence = t.evidence.clone();
        out.push(EventKind::HoneytokenTouched(t));
        self.technique(
            out,
            id,
            name,
            Tactic::CredentialAccess,
            Confidence::High,
            "honeytoken",
            &evidence,
        );
    }

    fn file_iocs(&mut self, path: &str, sha256: &str, out: &mut Vec<EventKind>) {
        let mut found = vec![Indicator {
            kind: IocKind::Sha256,
            value: sha256.to_string(),
        }];
        if let Some(name) = ioc::file_name(path) {
            found.push(Indicator {
                kind: IocKind::Filename,
                value: name.to_string(),
            });
        }
        self.iocs(found, out);
    }

    fn iocs(&mut self, found: Vec<Indicator>, out: &mut Vec<EventKind>) {
        for i in found {
            if self.iocs.len() >= MAX_IOCS {
                return;
            }
            if self.iocs.insert((i.kind, i.value.clone())) {
                out.push(EventKind::Ioc(Ioc {
                    ioc: i.kind,
                    defanged: ioc::defang(i.kind, &i.value),
                    value: i.value,
                }));
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn technique(
        &mut self,
        out: &mut Vec<EventKind>,
        technique: &str,
        name: &str,
        tactic: Tactic,
        confidence: Confidence,
        rule: &str,
        evidence: &str,
    ) {
        if self.techniques.contains_key(technique) {
            return;
        }
        self.techniques
            .insert(technique.to_string(), (tactic, confidence));
        out.push(EventKind::Technique(TechniqueHit {
            technique: technique.to_string(),
            name: name.to_string(),
            tactic_id: tactic.id().to_string(),
            tactic: tactic.name().to_string(),
            confidence,
            rule: rule.to_string(),
            evidence: cap(evidence, 512).to_string(),
        }));
        if self.stage.reach(tactic) {
            let reached = self.stage.reached();
            out.push(EventKind::AttackStage(StageReached {
                stage: tactic.name().to_string(),
                tactic_id: tactic.id().to_string(),
                furthest: self.stage.furthest().unwrap_or(tactic).name().to_string(),
                stages: reached.iter().map(|t| t.name().to_string()).collect(),
            }));
        }
    }

    /// The session's risk, 0–100 (analyst.md §3's weights, per session).
    pub fn risk(&self) -> u8 {
        let reached = self.stage.reached();
        let has = |t: Tactic| reached.contains(&t);
        let mut r: u32 = 0;
        if self.login.is_some() {
            r += 20;
        }
        // Techniques past the routine of every bot (log in, run commands, look around).
        let serious = self
            .techniques
            .values()
            .filter(|(t, c)| {
                *c == Confidence::High
                    && !matches!(
                        t,
                        Tactic::Discovery
                            | Tactic::Execution
                            | Tactic::InitialAccess
                            | Tactic::CredentialAccess
                    )
            })
            .count();
        r += u32::try_from(serious)
            .unwrap_or(u32::MAX)
            .saturating_mul(10)
            .min(30);
        if self.downloads > 0 || self.executed {
            r += 20;
        }
        if has(Tactic::Persistence) {
            r += 15;
        }
        if has(Tactic::DefenseEvasion) {
            r += 10;
        }
        if has(Tactic::Impact) {
            r += 15;
        }
        if !self.touched.is_empty() {
            r += 40;
        }
        if self.injections > 0 {
            r += 10;
        }
        r += (self.max_threat / 5).min(20);
        u8::try_from(r.min(100)).unwrap_or(100)
    }

    /// The summary of the session so far.
    pub fn summary(&self, duration_ms: u64) -> SessionSummary {
        let risk = self.risk();
        let reached = self.stage.reached();
        let mut input = self.input.clone();
        let mut gaps = self.gaps.clone();
        gaps.sort_unstable();
        input.median_gap_ms = gaps
            .get(gaps.len() / 2)
            .copied()
            .filter(|_| !gaps.is_empty());
        let hex = |h: &Sha256| hex::encode(h.clone().finalize());
        SessionSummary {
            duration_ms,
            login_attempts: self.login_attempts,
            login: self.login.clone(),
            commands: self.commands,
            max_threat: self.max_threat,
            total_threat: self.total_threat,
            delay_ms: self.delay_ms,
            techniques: self.techniques.keys().cloned().collect(),
            stages: reached.iter().map(|t| t.name().to_string()).collect(),
            stage: reached.last().map(|t| t.name().to_string()),
            downloads: self.downloads,
            iocs: u32::try_from(self.iocs.len()).unwrap_or(u32::MAX),
            tokens_touched: u32::try_from(self.touched.len()).unwrap_or(u32::MAX),
            injections: self.injections,
            risk_score: risk,
            risk_band: RiskBand::of(risk),
            command_hash: (self.commands > 0).then(|| hex(&self.command_hash)),
            input_hash: (self.input.writes > 0).then(|| hex(&self.input_hash)),
            input,
        }
    }
}

#[cfg(test)]
#[path = "session_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "session_corpus.rs"]
mod corpus;

/// Whether `kind` is a detector's output (not fed to the detectors again).
pub fn is_detection(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Technique(_)
            | EventKind::AttackStage(_)
            | EventKind::Ioc(_)
            | EventKind::HoneytokenTouched(_)
            | EventKind::TokenReused(_)
            | EventKind::InjectionAttempt(_)
            | EventKind::SessionSummary(_)
            | EventKind::IpProfile(_)
    )
}

/// Runs the detectors again over one stored session (`miragepot reanalyze`): the session's
/// events in time order, the tokens it received, and its detections as new events, each
/// linked to its evidence, ending with a fresh `session_summary`.
pub fn reanalyze(rules: Arc<Rules>, events: &[Event], tokens: Vec<Honeytoken>) -> Vec<Event> {
    let mut a = SessionAnalysis::new(rules, tokens);
    let mut out = Vec::new();
    let (mut first, mut last) = (None, None);
    for ev in events {
        first.get_or_insert(ev.ts);
        last = Some(ev);
        if is_detection(&ev.kind) {
            continue;
        }
        for kind in a.observe(ev) {
            let mut d = derived(ev, kind);
            d.caused_by = Some(ev.id);
            out.push(d);
        }
    }
    if let (Some(start), Some(end)) = (first, last) {
        let ms = (end.ts - start).whole_milliseconds();
        let duration_ms = u64::try_from(ms).unwrap_or(0);
        out.push(derived(
            end,
            EventKind::SessionSummary(a.summary(duration_ms)),
        ));
    }
    out
}

/// A new event of `like`'s session, stamped with its time.
fn derived(like: &Event, kind: EventKind) -> Event {
    Event {
        id: miragepot_event::EventId::new_at(like.ts),
        ts: like.ts,
        sensor: like.sensor.clone(),
        session: like.session,
        src_ip: like.src_ip,
        src_port: like.src_port,
        caused_by: None,
        kind,
    }
}
