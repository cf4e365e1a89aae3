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

/// How passwords are judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AcceptMode {
    /// Every password opens the door.
    Any,
    /// Only `credentials` do.
    List,
}

/// `[auth]`: who gets in.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthSection {
    /// `any` or `list`.
    pub accept: AcceptMode,
    /// `user:password` pairs accepted when `accept = "list"`.
    pub credentials: Vec<String>,
}

impl Default for AuthSection {
    fn default() -> Self {
        AuthSection {
            accept: AcceptMode::Any,
            credentials: Vec::new(),
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
}

impl Default for StoreSection {
    fn default() -> Self {
        StoreSection {
            url: String::new(),
            batch_size: 500,
            batch_delay_ms: 200,
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
}

impl Default for LogSection {
    fn default() -> Self {
        LogSection {
            level: "info".into(),
            json: true,
            json_path: String::new(),
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
}

impl Default for RecordingSection {
    fn default() -> Self {
        RecordingSection {
            enabled: true,
            max_bytes: 4 * 1024 * 1024,
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
        if self.auth.accept == AcceptMode::List && self.auth.credentials.is_empty() {
            bail!("auth.credentials must list user:password pairs when auth.accept = \"list\"");
        }
        for c in &self.auth.credentials {
            if !c.contains(':') {
                bail!("auth.credentials: {c:?} is not user:password");
            }
        }
        if self.ssh.max_connections == 0 || self.bus.capacity == 0 || self.bus.sink_capacity == 0 {
            bail!("ssh.max_connections, bus.capacity and bus.sink_capacity must be at least 1");
        }
        self.detect_rules()?;
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
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn example_file_parses_to_the_defaults() {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/miragepot.example.toml");
        let cfg = Config::load(Some(&path), &BTreeMap::new()).unwrap();
        assert_eq!(cfg, Config::default());
    }

    #[test]
    fn unknown_keys_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        std::fs::write(&p, "[ssh]\nlisten = \"127.0.0.1:22\"\nlsten = 1\n").unwrap();
        let err = format!(
            "{:#}",
            Config::load(Some(&p), &BTreeMap::new()).unwrap_err()
        );
        assert!(err.contains("lsten"), "{err}");
        std::fs::write(&p, "[shel]\n").unwrap();
        let err = format!(
            "{:#}",
            Config::load(Some(&p), &BTreeMap::new()).unwrap_err()
        );
        assert!(err.contains("shel"), "{err}");
    }

    #[test]
    fn env_overrides_apply_and_are_checked() {
        let cfg = Config::load(
            None,
            &env(&[
                ("MIRAGEPOT_SSH_LISTEN", "127.0.0.1:2200"),
                ("MIRAGEPOT_SSH_MAX_CONNECTIONS", "7"),
                ("MIRAGEPOT_SENSOR_NAME", "s1"),
            ]),
        )
        .unwrap();
        assert_eq!(cfg.ssh.listen, "127.0.0.1:2200".parse().unwrap());
        assert_eq!(cfg.ssh.max_connections, 7);
        assert_eq!(cfg.sensor.name, "s1");
        let err = format!(
            "{:#}",
            Config::load(None, &env(&[("MIRAGEPOT_SSH_LISTN", "x")])).unwrap_err()
        );
        assert!(err.contains("listn"), "{err}");
        assert!(
            Config::load(
                None,
                &env(&[
                    ("MIRAGEPOT_CONFIG", "x"),
                    ("MIRAGEPOT_TEST_POSTGRES_URL", "y")
                ])
            )
            .is_ok()
        );
    }

    #[test]
    fn bad_values_are_clear_errors() {
        let err = format!(
            "{:#}",
            Config::load(None, &env(&[("MIRAGEPOT_STORE_URL", "mysql://x")])).unwrap_err()
        );
        assert!(err.contains("store.url"), "{err}");
        let err = format!(
            "{:#}",
            Config::load(None, &env(&[("MIRAGEPOT_AUTH_ACCEPT", "list")])).unwrap_err()
        );
        assert!(err.contains("credentials"), "{err}");
    }
}
