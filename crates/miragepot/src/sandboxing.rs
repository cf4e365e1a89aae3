//! The `[sandbox]` section turned into a [`SandboxConfig`]: which paths the serving process
//! keeps, and whom it becomes.
//!
//! Writable: the data directory, plus the directories of the SQLite file and the JSON log
//! when the configuration puts them elsewhere (created here, since Landlock grants access
//! only to paths that exist). Readable: the configuration file (SIGHUP reads it again),
//! `/dev/urandom` (SQLite seeds its PRNG from it) and, for a PostgreSQL store or an LLM
//! server named by host name, the resolver files a host name needs. Nothing else on the host.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use miragepot_runtime::sandbox::{self, SandboxConfig, SandboxReport};

use crate::config::Config;

/// Files a PostgreSQL host name is resolved with.
const RESOLVER_FILES: &[&str] = &[
    "/etc/hosts",
    "/etc/resolv.conf",
    "/etc/nsswitch.conf",
    "/etc/host.conf",
    "/etc/gai.conf",
];

/// Whether the LLM backend is reached by a host name (which needs the resolver files).
fn llm_by_name(cfg: &Config) -> bool {
    if cfg.llm.backend == miragepot_llm::BackendKind::None {
        return false;
    }
    miragepot_llm::http::Url::parse(&cfg.llm.url()).is_ok_and(|u| {
        u.host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_err()
    })
}

/// The sandbox settings for `cfg`, creating the writable directories.
pub fn sandbox_config(cfg: &Config, config_file: Option<&Path>) -> Result<SandboxConfig> {
    let data = cfg.sensor.data_dir.clone();
    let mut writable = vec![data.clone()];
    let mut extra = Vec::new();
    if let Some(db) = miragepot_store::sqlite_file(&cfg.store_url())
        .and_then(|p| p.parent().map(Path::to_path_buf))
    {
        extra.push(db);
    }
    if cfg.log.json
        && let Some(dir) = cfg.json_path().parent()
    {
        extra.push(dir.to_path_buf());
    }
    for dir in extra {
        let dir = if dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            dir
        };
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        if !dir.starts_with(&data) {
            writable.push(dir);
        }
    }
    let mut readable = vec![PathBuf::from("/dev/urandom")];
    readable.extend(config_file.map(Path::to_path_buf));
    let pg_store = miragepot_store::Backend::from_url(&cfg.store_url())
        .is_ok_and(|b| b == miragepot_store::Backend::Postgres);
    if pg_store || llm_by_name(cfg) {
        readable.extend(RESOLVER_FILES.iter().map(PathBuf::from));
    }
    let uid = (cfg.sandbox.drop_uid != 0).then_some(cfg.sandbox.drop_uid);
    let gid = (cfg.sandbox.drop_gid != 0).then_some(cfg.sandbox.drop_gid);
    Ok(SandboxConfig {
        enabled: cfg.sandbox.enabled,
        writable,
        readable,
        uid,
        gid,
    })
}

/// Restricts the serving process; logs and returns what is in force.
pub fn apply(cfg: &Config, config_file: Option<&Path>) -> Result<SandboxReport> {
    let sc = sandbox_config(cfg, config_file)?;
    let report = sandbox::apply(&sc)?;
    if cfg.sandbox.enabled {
        for (name, layer) in [
            ("user", &report.user),
            ("landlock", &report.landlock),
            ("seccomp", &report.seccomp),
        ] {
            if matches!(layer, sandbox::Layer::Unavailable(_)) {
                tracing::warn!(layer = name, state = %layer, "Sandbox layer not in force; serving without it.");
            } else {
                tracing::info!(layer = name, state = %layer, "Sandbox.");
            }
        }
    } else {
        tracing::warn!("Sandbox off (sandbox.enabled = false).");
    }
    Ok(report)
}

/// One line for `miragepot check`: what `serve` would put in force on this kernel.
pub fn describe(cfg: &Config) -> String {
    if !cfg.sandbox.enabled {
        return "off (sandbox.enabled = false)".into();
    }
    let (landlock, seccomp) = sandbox::probe();
    let user = match cfg.sandbox.drop_uid {
        0 => "stays".to_string(),
        uid => format!("drops root to uid {uid}"),
    };
    format!("landlock {landlock}; seccomp {seccomp}; user {user}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolver_files_for_an_llm_server_named_by_host_name() {
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = Config::default();
        cfg.sensor.data_dir = dir.path().to_path_buf();
        assert!(!llm_by_name(&cfg), "backend none connects nowhere");
        cfg.llm.backend = miragepot_llm::BackendKind::Ollama;
        assert!(!llm_by_name(&cfg), "the default URL is an address");
        cfg.llm.url = "http://[::1]:11434".into();
        assert!(!llm_by_name(&cfg));
        cfg.llm.url = "https://api.example.com/v1".into();
        assert!(llm_by_name(&cfg));
        let sb = sandbox_config(&cfg, None).unwrap();
        assert!(sb.readable.contains(&PathBuf::from("/etc/resolv.conf")));
    }

    #[test]
    fn sqlite_paths() {
        let file = miragepot_store::sqlite_file;
        assert_eq!(
            file("sqlite:///var/lib/m/x.db?mode=rwc"),
            Some(PathBuf::from("/var/lib/m/x.db"))
        );
        assert_eq!(file("sqlite::memory:"), None);
        assert_eq!(file("postgres://h/db"), None);
        // The short form the store also accepts.
        assert_eq!(file("sqlite:data/x.db"), Some(PathBuf::from("data/x.db")));
    }
}
