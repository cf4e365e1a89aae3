//! `[llm]`: the LLM fallback's configuration, building its service for `serve`, and what
//! `miragepot check` reports about the backend.
//!
//! The default backend is `none`: the honeypot answers every program it does not emulate
//! deterministically and never opens a connection to a model. With `ollama` or `openai` the
//! service is built at start; a backend that does not answer is reported and serving goes on
//! (the breaker keeps calls to it rare, and every question falls back).

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Result, bail};
use miragepot_llm::{BackendConfig, BackendKind};
use miragepot_runtime::llm::cache::AnswerCache;
use miragepot_runtime::llm::{LlmService, LlmSettings};
use miragepot_shell::Persona;
use miragepot_store::Store;
use serde::Deserialize;

use crate::config::Config;

/// `[llm]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LlmSection {
    /// `none`, `ollama` or `openai`.
    pub backend: BackendKind,
    /// Base URL; empty: `http://127.0.0.1:11434` (ollama) or `http://127.0.0.1:8080/v1`
    /// (openai).
    pub url: String,
    /// Model; empty: `qwen2.5:1.5b` (ollama). Required for openai.
    pub model: String,
    /// Name of the environment variable holding the API key (openai), or empty.
    pub api_key_env: String,
    /// TCP/TLS connect timeout.
    pub connect_timeout_ms: u64,
    /// Deadline of one question, waiting for a call slot included.
    pub timeout_ms: u64,
    /// Calls in flight at once.
    pub max_concurrent: usize,
    /// Calls one address may cause per minute (0: unlimited).
    pub per_ip_per_minute: u32,
    /// Consecutive failures that pause calls.
    pub breaker_failures: u32,
    /// How long calls stay paused.
    pub breaker_cooldown_secs: u64,
    /// Largest answer shown.
    pub max_answer_bytes: usize,
    /// Recent commands (with outputs) in the prompt.
    pub recent_commands: usize,
    /// Answers kept in memory (all are kept in the store).
    pub cache_entries: usize,
    /// Largest response body read from the server.
    pub max_body_bytes: usize,
    /// Ask the model for a verdict on every closed session (`llm_analysis`).
    pub analysis: bool,
    /// Let a `block` verdict block the address (needs `analysis`; not in `auth.mode = high`).
    pub analysis_policy: bool,
}

impl Default for LlmSection {
    fn default() -> Self {
        LlmSection {
            backend: BackendKind::None,
            url: String::new(),
            model: String::new(),
            api_key_env: String::new(),
            connect_timeout_ms: 1000,
            timeout_ms: 10_000,
            max_concurrent: 4,
            per_ip_per_minute: 20,
            breaker_failures: 3,
            breaker_cooldown_secs: 30,
            max_answer_bytes: 8000,
            recent_commands: 5,
            cache_entries: 10_000,
            max_body_bytes: 256 * 1024,
            analysis: false,
            analysis_policy: false,
        }
    }
}

impl LlmSection {
    /// Checks values serde cannot.
    pub fn validate(&self) -> Result<()> {
        if self.backend == BackendKind::Openai && self.model.trim().is_empty() {
            bail!("llm.model must be set for backend openai");
        }
        if self.timeout_ms == 0 || self.connect_timeout_ms == 0 || self.max_concurrent == 0 {
            bail!(
                "llm.timeout_ms, llm.connect_timeout_ms and llm.max_concurrent must be at least 1"
            );
        }
        if self.max_answer_bytes == 0 || self.max_body_bytes < 1024 {
            bail!("llm.max_answer_bytes must be at least 1 and llm.max_body_bytes at least 1024");
        }
        if self.backend != BackendKind::None {
            miragepot_llm::http::Url::parse(&self.url())
                .map_err(|e| anyhow::anyhow!("llm.url: {e}"))?;
        }
        Ok(())
    }

    /// The base URL in force.
    pub fn url(&self) -> String {
        match (self.url.is_empty(), self.backend) {
            (false, _) => self.url.clone(),
            (true, BackendKind::Ollama) => "http://127.0.0.1:11434".into(),
            (true, BackendKind::Openai) => "http://127.0.0.1:8080/v1".into(),
            (true, BackendKind::None) => String::new(),
        }
    }

    /// The model in force.
    pub fn model(&self) -> String {
        match (self.model.is_empty(), self.backend) {
            (true, BackendKind::Ollama) => "qwen2.5:1.5b".into(),
            _ => self.model.clone(),
        }
    }

    /// The client's configuration (the API key read from its variable now).
    pub fn backend_config(&self) -> BackendConfig {
        let api_key = (!self.api_key_env.is_empty())
            .then(|| std::env::var(&self.api_key_env).ok())
            .flatten()
            .filter(|k| !k.is_empty());
        BackendConfig {
            kind: self.backend,
            base_url: self.url(),
            model: self.model(),
            api_key,
            connect_timeout: Duration::from_millis(self.connect_timeout_ms),
            deadline: Duration::from_millis(self.timeout_ms),
            max_body_bytes: self.max_body_bytes,
        }
    }

    /// The service's limits.
    pub fn settings(&self) -> LlmSettings {
        LlmSettings {
            max_concurrent: self.max_concurrent,
            per_ip_per_minute: self.per_ip_per_minute,
            breaker_failures: self.breaker_failures,
            breaker_cooldown: Duration::from_secs(self.breaker_cooldown_secs),
            deadline: Duration::from_millis(self.timeout_ms),
            max_answer_bytes: self.max_answer_bytes,
            recent: self.recent_commands,
            cache_entries: self.cache_entries,
            analysis: self.analysis,
            analysis_policy: self.analysis_policy,
        }
    }
}

/// The service for `serve`, with its cache loaded from `store` and its writer started;
/// `None` when the backend is `none`. `rules` are the detection rules already compiled for
/// the sensor (their injection detector is the guard); `None` compiles them here.
pub async fn service(
    cfg: &Config,
    persona: &Persona,
    store: &Store,
    rules: Option<Arc<miragepot_detect::session::Rules>>,
) -> Result<Option<(Arc<LlmService>, tokio::task::JoinHandle<()>)>> {
    let s = &cfg.llm;
    if s.backend == BackendKind::None {
        return Ok(None);
    }
    let backend =
        miragepot_llm::build(&s.backend_config()).map_err(|e| anyhow::anyhow!("llm: {e}"))?;
    let cache = Arc::new(AnswerCache::new(&persona.name, s.cache_entries));
    match cache.load(store).await {
        Ok(n) => tracing::info!(answers = n, "LLM response cache loaded."),
        Err(e) => tracing::warn!(error = %e, "LLM response cache not loaded; starting empty."),
    }
    let writer = cache.spawn_writer(store.clone());
    let rules = match rules {
        Some(r) => r,
        None => Arc::new(cfg.detect_rules()?),
    };
    let service = LlmService::new(backend, s.settings(), persona, cache, rules);
    tracing::info!(
        backend = s.backend.as_str(),
        url = %s.url(),
        model = %s.model(),
        "LLM fallback on."
    );
    Ok(Some((Arc::new(service), writer)))
}

/// The `llm:` line of `miragepot check`: the backend, whether it answers, whether it has the
/// model. Never fails: an unreachable backend is reported, and serving would go on.
pub fn describe(cfg: &Config) -> String {
    let s = &cfg.llm;
    if s.backend == BackendKind::None {
        return "off (backend none: unknown programs get deterministic answers)".into();
    }
    let head = format!("{} at {} model {}", s.backend.as_str(), s.url(), s.model());
    let backend = match miragepot_llm::build(&s.backend_config()) {
        Ok(b) => b,
        Err(e) => return format!("{head}: {e}"),
    };
    let probe = crate::offline::runtime().map(|rt| rt.block_on(backend.probe()));
    match probe {
        Ok(p) => {
            let verdict = match (p.reachable, p.model_found) {
                (true, Some(true)) => "answers, model present",
                (true, Some(false)) => "answers, MODEL MISSING",
                (true, None) => "answers",
                (false, _) => "NOT REACHABLE (serving goes on; every question falls back)",
            };
            format!("{head}: {verdict}; {}", p.message)
        }
        Err(e) => format!("{head}: {e}"),
    }
}
