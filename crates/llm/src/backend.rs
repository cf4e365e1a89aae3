//! The [`Backend`] trait every LLM client implements, its configuration, and the `none`
//! backend.
//!
//! A backend turns one [`ChatRequest`] into one [`Completion`] or an [`LlmError`]; it never
//! retries and never waits past [`BackendConfig::deadline`]. Concurrency limits, budgets, the
//! circuit breaker and the response cache live in the runtime, which owns the backend.

use std::sync::Arc;
use std::time::Duration;

use crate::{ChatRequest, Completion, LlmError};

/// Which wire format a backend speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    /// No LLM: every ask falls back to the deterministic answer.
    None,
    /// Ollama's `POST /api/chat` (non-streaming).
    Ollama,
    /// Any OpenAI-compatible `POST /v1/chat/completions` (llama.cpp server, vLLM, LM Studio,
    /// OpenAI).
    Openai,
}

impl BackendKind {
    /// The config spelling: `none`, `ollama` or `openai`.
    pub fn as_str(self) -> &'static str {
        match self {
            BackendKind::None => "none",
            BackendKind::Ollama => "ollama",
            BackendKind::Openai => "openai",
        }
    }
}

/// How to reach a backend.
#[derive(Debug, Clone, PartialEq)]
pub struct BackendConfig {
    /// Wire format.
    pub kind: BackendKind,
    /// Base URL: `http://127.0.0.1:11434` (Ollama), `http://127.0.0.1:8080/v1` or
    /// `https://api.openai.com/v1` (OpenAI-compatible; the path ends before
    /// `/chat/completions`).
    pub base_url: String,
    /// Model name.
    pub model: String,
    /// Bearer token (OpenAI-compatible only), already read from the env var the config names.
    pub api_key: Option<String>,
    /// TCP (and TLS) connect timeout.
    pub connect_timeout: Duration,
    /// Deadline for the whole call, connect to last byte.
    pub deadline: Duration,
    /// Cap on the response body in bytes.
    pub max_body_bytes: usize,
}

impl Default for BackendConfig {
    fn default() -> Self {
        BackendConfig {
            kind: BackendKind::None,
            base_url: String::new(),
            model: String::new(),
            api_key: None,
            connect_timeout: Duration::from_secs(1),
            deadline: Duration::from_secs(10),
            max_body_bytes: 256 * 1024,
        }
    }
}

/// What `miragepot check` reports about a backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// Whether the server answered at all.
    pub reachable: bool,
    /// Whether the configured model is listed (`None` when the server cannot tell).
    pub model_found: Option<bool>,
    /// One line for the operator.
    pub message: String,
}

/// An LLM client.
#[async_trait::async_trait]
pub trait Backend: Send + Sync + std::fmt::Debug {
    /// `none`, `ollama` or `openai`.
    fn kind(&self) -> BackendKind;
    /// The configured model.
    fn model(&self) -> &str;
    /// One chat completion, within the configured deadline.
    async fn chat(&self, req: &ChatRequest) -> Result<Completion, LlmError>;
    /// Whether the server answers and has the model (Ollama `GET /api/tags`, OpenAI
    /// `GET /models`).
    async fn probe(&self) -> Probe;
}

/// The `none` backend: every call is [`LlmError::Disabled`].
#[derive(Debug, Default)]
pub struct NoBackend;

#[async_trait::async_trait]
impl Backend for NoBackend {
    fn kind(&self) -> BackendKind {
        BackendKind::None
    }
    fn model(&self) -> &str {
        ""
    }
    async fn chat(&self, _req: &ChatRequest) -> Result<Completion, LlmError> {
        Err(LlmError::Disabled)
    }
    async fn probe(&self) -> Probe {
        Probe {
            reachable: false,
            model_found: None,
            message: "backend none: the LLM fallback is off".into(),
        }
    }
}

/// Builds the backend `cfg` describes. Fails on a URL the HTTP client cannot use.
pub fn build(cfg: &BackendConfig) -> Result<Arc<dyn Backend>, LlmError> {
    match cfg.kind {
        BackendKind::None => Ok(Arc::new(NoBackend)),
        BackendKind::Ollama => Ok(Arc::new(crate::ollama::Ollama::new(cfg.clone())?)),
        BackendKind::Openai => Ok(Arc::new(crate::openai::OpenAi::new(cfg.clone())?)),
    }
}
