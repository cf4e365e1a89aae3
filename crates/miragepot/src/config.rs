//! The configuration file: one TOML file, every key optional, unknown keys an error that
//! names the key, and `MIRAGEPOT_<SECTION>_<KEY>` environment overrides.
//!
//! `config/miragepot.example.toml` documents every key with its default; a test checks that
//! it parses and equals the defaults, so the two cannot drift apart.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

/// The whole configuration.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// `[sensor]`.
    pub sensor: SensorConfig,
    /// `[ssh]`.
    pub ssh: SshSection,
    /// `[auth]`.
    pub auth: AuthSection,
    /// `[limits]`.
    pub limits: LimitsSection,
    /// `[persona]`.
    pub persona: PersonaSection,
    /// `[shell]`.
    pub shell: ShellSection,
    /// `[store]`.
    pub store: StoreSection,
    /// `[log]`.
    pub log: LogSection,
    /// `[recording]`.
    pub recording: RecordingSection,
    /// `[bus]`.
    pub bus: BusSection,
    /// `[detect]`.
    pub detect: DetectSection,
    /// `[sandbox]`.
    pub sandbox: SandboxSection,
    /// `[llm]`.
    pub llm: crate::llm::LlmSection,
    /// `[web]`.
    pub web: crate::web::WebSection,
}

/// `[sandbox]`: how the serving process restricts itself (Linux).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SandboxSection {
    /// Landlock (file access beneath the data directory only) and seccomp (no exec, no
    /// ptrace) once the listener is bound.
    pub enabled: bool,
    /// When started as root, switch to this uid after binding (0: stay root).
    pub drop_uid: u32,
    /// The gid to switch to with `drop_uid` (0: the same number as `drop_uid`).
    pub drop_gid: u32,
}

impl Default for SandboxSection {
    fn default() -> Self {
        SandboxSection {
            enabled: true,
            drop_uid: 0,
            drop_gid: 0,
        }
    }
}

/// `[sensor]`: who this sensor is and where it keeps its files.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SensorConfig {
    /// Name stamped on every event.
    pub name: String,
    /// Data directory: host keys, database, logs, recordings, artifacts.
    pub data_dir: PathBuf,
}

impl Default for SensorConfig {
    fn default() -> Self {
        SensorConfig {
            name: "miragepot".into(),
            data_dir: PathBuf::from("./data"),
        }
    }
}

/// `[ssh]`: the SSH front.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SshSection {
    /// Whether the SSH front runs.
    pub enabled: bool,
    /// Listen address.
    pub listen: SocketAddr,
    /// Concurrent connections before new ones are dropped.
    pub max_connections: usize,
    /// Seconds from connect to login before disconnect (sshd LoginGraceTime).
    pub login_grace_secs: u64,
    /// Seconds without traffic before disconnect.
    pub idle_timeout_secs: u64,
    /// Failed authentications before disconnect (sshd MaxAuthTries).
    pub max_auth_tries: usize,
    /// Milliseconds before answering a failed password.
    pub auth_failure_delay_ms: u64,
}

impl Default for SshSection {
    fn default() -> Self {
        SshSection {
            enabled: true,
            listen: SocketAddr::from(([0, 0, 0, 0], 2222)),
            max_connections: 1024,
            login_grace_secs: 120,
            idle_timeout_secs: 600,
            max_auth_tries: 6,
            auth_failure_delay_ms: 2200,
        }
    }
}

/// `auth.mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthModeName {
    /// Every password accepted; blocking suspended.
    High,
    /// Every login rejected and recorded; strikes block.
    Low,
    /// As `low`, but bait credentials and rules let attackers in.
    Hybrid,
}

/// One `[[auth.rules]]` entry (hybrid mode).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthRuleSection {
    /// Username it applies to; `*` for any.
    pub user: String,
    /// Accept from this password attempt of an address on (0: off).
    pub accept_attempt: u32,
    /// Accept passwords this regex matches (empty: off).
    pub password_regex: String,
}

impl Default for AuthRuleSection {
    fn default() -> Self {
        AuthRuleSection {
            user: "*".into(),
            accept_attempt: 0,
            password_regex: String::new(),
        }
    }
}

/// `[auth]`: who gets in, and who gets blocked.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthSection {
    /// `high`, `low` or `hybrid`.
    pub mode: AuthModeName,
    /// Failed passwords from one address before it is blocked (low, hybrid; 0: never).
    pub max_failures: u32,
    /// How long strike and profile blocks last, in seconds (0: until unblocked).
    pub block_ttl_secs: u64,
    /// `user:password` pairs that get in (hybrid).
    pub bait: Vec<String>,
    /// Per-user rules (hybrid).
    pub rules: Vec<AuthRuleSection>,
    /// Block an address when its behaviour profile recommends it (low, hybrid).
    pub block_on_profile: bool,
}

impl Default for AuthSection {
    fn default() -> Self {
        AuthSection {
            mode: AuthModeName::High,
            max_failures: 5,
            block_ttl_secs: 3600,
            bait: Vec::new(),
            rules: Vec::new(),
            block_on_profile: true,
        }
    }
}

/// `[limits]`: per-address and per-session limits.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsSection {
    /// Concurrent sessions per address.
    pub max_sessions_per_ip: usize,
    /// New connections per address per second (0: no limit).
    pub connections_per_ip_per_sec: f64,
    /// Connections an address may open in a burst.
    pub connection_burst: u32,
    /// Longest session, in seconds (0: no limit).
    pub max_session_secs: u64,
    /// Command lines per session (0: no limit).
    pub max_commands: u64,
    /// Bytes of input per session (0: no limit).
    pub max_input_bytes: u64,
    /// Longest wait before one command's answer, in seconds (0: no limit).
    pub max_command_secs: u64,
    /// Addresses whose counters are kept.
    pub max_tracked_ips: usize,
    /// Seconds between re-reads of the store's blocklist.
    pub block_sync_secs: u64,
}

impl Default for LimitsSection {
    fn default() -> Self {
        LimitsSection {
            max_sessions_per_ip: 8,
            connections_per_ip_per_sec: 10.0,
            connection_burst: 30,
            max_session_secs: 3600,
            max_commands: 1000,
            max_input_bytes: 16 << 20,
            max_command_secs: 30,
            max_tracked_ips: 100_000,
            block_sync_secs: 5,
        }
    }
}

/// `[persona]`: what machine attackers see.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PersonaSection {
    /// Persona id (only `debian12` ships).
    pub name: String,
    /// Hostname override (empty: the persona's own).
    pub hostname: String,
}

impl Default for PersonaSection {
    fn default() -> Self {
        PersonaSection {
            name: "debian12".into(),
            hostname: String::new(),
        }
    }
}

/// `[shell]`: caps on what one session can make the emulator do.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ShellSection {
    /// Longest command line accepted (bytes).
    pub max_line_bytes: usize,
    /// Output kept per command line (bytes).
    pub max_output_bytes: usize,
    /// History entries kept.
    pub max_history: usize,
    /// Loop iterations per command line.
    pub max_loop_iterations: u64,
    /// Bytes a session's filesystem overlay may hold.
    pub max_overlay_bytes: usize,
    /// Entries a session's filesystem overlay may hold.
    pub max_fs_entries: usize,
    /// Whether output waits as long as the persona says the command took (downloads take
    /// time in proportion to size). Off makes every answer immediate (tests).
    pub pacing: bool,
}

impl Default for ShellSection {
    fn default() -> Self {
        ShellSection {
            max_line_bytes: 64 * 1024,
            max_output_bytes: 1024 * 1024,
            max_history: 1000,
            max_loop_iterations: 10_000,
            max_overlay_bytes: 64 * 1024 * 1024,
            max_fs_entries: 20_000,
            pacing: true,
        }
    }
}

/// `[store]`: the event database.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StoreSection {
    /// `sqlite://PATH` or `postgres://...`; empty means `sqlite://<data_dir>/miragepot.db`.
    pub url: String,
    /// Events per transaction.
    pub batch_size: usize,
    /// Longest wait before a partial batch is written (ms).
    pub batch_delay_ms: u64,
    /// Delete events older than this many days (0: keep everything).
    pub retention_days: u64,
}

impl Default for StoreSection {
    fn default() -> Self {
        StoreSection {
            url: String::new(),
            batch_size: 500,
            batch_delay_ms: 200,
            retention_days: 0,
        }
    }
}

/// `[log]`: operator logs and the JSON event log.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogSection {
    /// Operator log filter (`info`, `debug`, `miragepot_ssh=debug`, ...).
    pub level: String,
    /// Whether events are also written as JSON lines.
    pub json: bool,
    /// JSON log path; empty means `<data_dir>/log/miragepot.json`.
    pub json_path: String,
    /// Show passwords in operator logs (the event store always keeps them).
    pub show_passwords: bool,
    /// Rotate the JSON log past this many bytes (0: never by size).
    pub rotate_bytes: u64,
    /// Rotate the JSON log after this many hours (0: never by age).
    pub rotate_hours: u64,
    /// Delete rotated JSON logs and per-session files after this many days (0: keep).
    pub retention_days: u64,
    /// Rotated JSON logs kept at most (0: no count limit).
    pub keep_files: usize,
}

impl Default for LogSection {
    fn default() -> Self {
        LogSection {
            level: "info".into(),
            json: true,
            json_path: String::new(),
            show_passwords: false,
            rotate_bytes: 100 << 20,
            rotate_hours: 24,
            retention_days: 30,
            keep_files: 60,
        }
    }
}

/// `[recording]`: asciicast recordings of pty sessions.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RecordingSection {
    /// Whether pty sessions are recorded.
    pub enabled: bool,
    /// Largest recording kept per session (bytes).
    pub max_bytes: usize,
    /// Delete recordings after this many days (0: keep).
    pub retention_days: u64,
    /// Delete the oldest recordings while they hold more than this (0: no limit).
    pub max_total_bytes: u64,
}

impl Default for RecordingSection {
    fn default() -> Self {
        RecordingSection {
            enabled: true,
            max_bytes: 4 * 1024 * 1024,
            retention_days: 90,
            max_total_bytes: 10 << 30,
        }
    }
}

/// `[bus]`: the event pipeline's queues.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BusSection {
    /// Events the bus holds before dropping (and counting) new ones.
    pub capacity: usize,
    /// Events each sink's queue holds.
    pub sink_capacity: usize,
}

impl Default for BusSection {
    fn default() -> Self {
        BusSection {
            capacity: 65_536,
            sink_capacity: 4096,
        }
    }
}

/// `[detect]`: threat scores, tarpit, honeytokens, behaviour profiles.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DetectSection {
    /// Run the detectors live (techniques, IOCs, tokens, summaries, profiles).
    pub enabled: bool,
    /// Slow down answers to threatening commands (the tarpit).
    pub tarpit: bool,
    /// Tarpit bands; empty means the built-in ones (40/80/120).
    pub tarpit_bands: Vec<miragepot_detect::tarpit::Band>,
    /// Start from the built-in threat rules.
    pub default_threat_rules: bool,
    /// Threat rules to add; one with a built-in id replaces it, weight 0 drops it.
    pub threat_rules: Vec<miragepot_detect::threat::ThreatRuleSpec>,
    /// Plant per-session decoy secrets.
    pub honeytokens: bool,
    /// Write `data/logs/session_<id>.json` for every session.
    pub session_files: bool,
    /// Addresses the behaviour profiles keep (least recently seen are dropped).
    pub max_profiled_ips: usize,
    /// Honeytoken values remembered for `token_reused`.
    pub max_token_values: usize,
}

impl Default for DetectSection {
    fn default() -> Self {
        DetectSection {
            enabled: true,
            tarpit: true,
            tarpit_bands: Vec::new(),
            default_threat_rules: true,
            threat_rules: Vec::new(),
            honeytokens: true,
            session_files: true,
            max_profiled_ips: 100_000,
            max_token_values: 600_000,
        }
    }
}

impl Config {
    /// Loads `path` (or the defaults when `None`) and applies `MIRAGEPOT_*` overrides from
    /// `env`. Unknown keys, in the file or the environment, are errors naming the key.
    pub fn load(path: Option<&Path>, env: &BTreeMap<String, String>) -> Result<Config> {
        let text = match path {
            Some(p) => std::fs::read_to_string(p)
                .with_context(|| format!("cannot read config file {}", p.display()))?,
            None => String::new(),
        };
        let mut table: toml::Table = toml::from_str(&text).with_context(|| {
            format!(
                "invalid TOML in {}",
                path.map_or("<defaults>".into(), |p| p.display().to_string())
            )
        })?;
        for (name, value) in env {
            let Some(rest) = name.strip_prefix("MIRAGEPOT_") else {
                continue;
            };
            if rest == "CONFIG" || rest.starts_with("TEST_") {
                continue;
            }
            let Some((section, key)) = rest.split_once('_') else {
                bail!("environment variable {name}: expected MIRAGEPOT_<SECTION>_<KEY>");
            };
            let (section, key) = (section.to_ascii_lowercase(), key.to_ascii_lowercase());
            let parsed: toml::Value = toml::from_str::<toml::Table>(&format!("v = {value}"))
                .ok()
                .and_then(|mut t| t.remove("v"))
                .unwrap_or_else(|| toml::Value::String(value.clone()));
            let entry = table
                .entry(section.clone())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            match entry {
                toml::Value::Table(t) => {
                    t.insert(key, parsed);
                }
                _ => bail!("environment variable {name}: [{section}] is not a section"),
            }
        }
        let cfg: Config = toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| {
                anyhow::anyhow!("invalid configuration: {}", e.message())
            })?;
        cfg.validate()?;
        Ok(cfg)
    }

    /// Checks values serde cannot.
    pub fn validate(&self) -> Result<()> {
        if self.sensor.name.trim().is_empty() {
            bail!("sensor.name must not be empty");
        }
        if self.persona.name != "debian12" {
            bail!(
                "persona.name: unknown persona {:?} (available: debian12)",
                self.persona.name
            );
        }
        for c in &self.auth.bait {
            if !c.contains(':') {
                bail!("auth.bait: {c:?} is not user:password");
            }
        }
        for (i, r) in self.auth.rules.iter().enumerate() {
            if r.accept_attempt == 0 && r.password_regex.is_empty() {
                bail!("auth.rules[{i}]: set accept_attempt or password_regex");
            }
            if !r.password_regex.is_empty() {
                regex::Regex::new(&r.password_regex)
                    .map_err(|e| anyhow::anyhow!("auth.rules[{i}].password_regex: {e}"))?;
            }
        }
        let rate = self.limits.connections_per_ip_per_sec;
        if !rate.is_finite() || rate < 0.0 {
            bail!("limits.connections_per_ip_per_sec must be 0 or more");
        }
        if self.limits.max_sessions_per_ip == 0 || self.limits.block_sync_secs == 0 {
            bail!("limits.max_sessions_per_ip and limits.block_sync_secs must be at least 1");
        }
        if self.ssh.max_connections == 0 || self.bus.capacity == 0 || self.bus.sink_capacity == 0 {
            bail!("ssh.max_connections, bus.capacity and bus.sink_capacity must be at least 1");
        }
        self.detect_rules()?;
        self.llm.validate()?;
        self.web.validate()?;
        if !self.store.url.is_empty() {
            miragepot_store::Backend::from_url(&self.store.url)
                .map_err(|e| anyhow::anyhow!("store.url: {e}"))?;
        }
        Ok(())
    }

    /// The detection rules the `[detect]` section asks for, compiled.
    pub fn detect_rules(&self) -> Result<miragepot_detect::session::Rules> {
        use miragepot_detect::tarpit::Tarpit;
        let threat = miragepot_detect::threat::ThreatTable::new(
            self.detect.default_threat_rules,
            &self.detect.threat_rules,
        )
        .map_err(|e| anyhow::anyhow!("detect.threat_rules: {e}"))?;
        let tarpit = if self.detect.tarpit_bands.is_empty() {
            Tarpit::default()
        } else {
            Tarpit::new(self.detect.tarpit_bands.clone())
                .map_err(|e| anyhow::anyhow!("detect.tarpit_bands: {e}"))?
        };
        miragepot_detect::session::Rules::new(threat, tarpit)
            .map_err(|e| anyhow::anyhow!("built-in detection rules: {e}"))
    }

    /// The store URL in force.
    pub fn store_url(&self) -> String {
        if self.store.url.is_empty() {
            format!(
                "sqlite://{}",
                self.sensor.data_dir.join("miragepot.db").display()
            )
        } else {
            self.store.url.clone()
        }
    }

    /// The JSON log's rotation.
    pub fn rotate_policy(&self) -> miragepot_runtime::rotate::RotatePolicy {
        let day = 24 * 3600;
        miragepot_runtime::rotate::RotatePolicy {
            max_bytes: self.log.rotate_bytes,
            max_age: std::time::Duration::from_secs(self.log.rotate_hours.saturating_mul(3600)),
            retention: std::time::Duration::from_secs(self.log.retention_days.saturating_mul(day)),
            keep: self.log.keep_files,
        }
    }

    /// The retention job's rules.
    pub fn retention(&self) -> miragepot_runtime::housekeeping::Retention {
        use miragepot_runtime::housekeeping::{DirRetention, Retention};
        use std::time::Duration;
        let days = |d: u64| Duration::from_secs(d.saturating_mul(24 * 3600));
        let dirs = miragepot_runtime::DataDirs::under(self.sensor.data_dir.clone());
        Retention {
            interval: Duration::from_secs(3600),
            dirs: vec![
                DirRetention {
                    dir: dirs.recordings,
                    max_age: days(self.recording.retention_days),
                    max_bytes: self.recording.max_total_bytes,
                },
                DirRetention {
                    dir: dirs.session_logs,
                    max_age: days(self.log.retention_days),
                    max_bytes: 0,
                },
            ],
            json_log: self
                .log
                .json
                .then(|| (self.json_path(), self.rotate_policy())),
            store_max_age: days(self.store.retention_days),
        }
    }

    /// The JSON log path in force.
    pub fn json_path(&self) -> PathBuf {
        if self.log.json_path.is_empty() {
            self.sensor.data_dir.join("log").join("miragepot.json")
        } else {
            PathBuf::from(&self.log.json_path)
        }
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
