//! Building the detection stage from the configuration, and the token key.
//!
//! The token key (`data/token.key`, 32 random bytes, mode 0600) is what every session's
//! honeytokens are derived from. It is created on the first start and kept, like the host
//! keys: a restart must recognise tokens planted before it. At start the index of token
//! values is refilled from the `honeytoken_planted` events in the store, so `token_reused`
//! links sessions across restarts too.

use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use miragepot_detect::profile::{ProfileBook, ProfileConfig};
use miragepot_detect::tokens::TokenIndex;
use miragepot_event::EventKind;
use miragepot_runtime::{DataDirs, Detection};
use miragepot_store::Store;

use crate::config::Config;

/// Token values per planted session (the index holds this many per session).
const TOKENS_PER_SESSION: usize = 6;

/// Reads the token key under `data_dir`; `None` when there is none yet.
pub fn read_token_key(data_dir: &Path) -> Result<Option<Vec<u8>>> {
    let path = data_dir.join("token.key");
    match std::fs::read(&path) {
        Ok(bytes) if bytes.len() >= 32 => Ok(Some(bytes)),
        Ok(_) => anyhow::bail!(
            "{}: too short to be a token key (want 32 bytes)",
            path.display()
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Reads the token key under `data_dir`, creating it (0600) when missing.
pub fn token_key(data_dir: &Path) -> Result<Vec<u8>> {
    let path = data_dir.join("token.key");
    if let Some(key) = read_token_key(data_dir)? {
        return Ok(key);
    }
    let key: [u8; 32] = rand::random();
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    use std::io::Write;
    let mut f = opts
        .open(&path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    f.write_all(&key)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(key.to_vec())
}

/// The detection stage for `serve`, with the token index refilled from `store`.
pub async fn detection(cfg: &Config, store: &Store) -> Result<Option<Arc<Detection>>> {
    if !cfg.detect.enabled {
        return Ok(None);
    }
    let rules = cfg.detect_rules()?;
    let token_key = if cfg.detect.honeytokens {
        Some(token_key(&cfg.sensor.data_dir)?)
    } else {
        None
    };
    let mut index = TokenIndex::new(cfg.detect.max_token_values);
    let sessions =
        u32::try_from(cfg.detect.max_token_values / TOKENS_PER_SESSION).unwrap_or(u32::MAX);
    match store.events_by_type("honeytoken_planted", sessions).await {
        Ok(events) => {
            // Newest first from the store; insert oldest first so the newest survive the cap.
            for ev in events.iter().rev() {
                if let EventKind::HoneytokenPlanted { tokens } = &ev.kind {
                    index.insert(ev.session, tokens);
                }
            }
            tracing::info!(values = index.len(), "Honeytoken index loaded.");
        }
        Err(e) => {
            tracing::warn!(error = %e, "Cannot load planted honeytokens; reuse of older tokens goes unseen.")
        }
    }
    let profiles = ProfileBook::new(ProfileConfig {
        max_ips: cfg.detect.max_profiled_ips,
        ..ProfileConfig::default()
    });
    Ok(Some(Arc::new(Detection {
        rules: Arc::new(rules),
        tarpit: cfg.detect.tarpit,
        token_key,
        tokens: Mutex::new(index),
        profiles: Mutex::new(profiles),
        session_logs: cfg
            .detect
            .session_files
            .then(|| DataDirs::under(cfg.sensor.data_dir.clone()).session_logs),
        published: Mutex::new(std::collections::HashMap::new()),
    })))
}
