//! The LLM fallback: what the shell asks a language model when it has no answer of its own.
//!
//! The shell answers everything it can itself; only a command that is installed on the persona
//! but not emulated, or a file the persona lists without content, reaches this crate. Here we
//! build the prompt (persona facts, recent commands, and the attacker's text fenced as untrusted
//! data), call a backend with hard timeouts and a size cap, and validate the answer before the
//! runtime may show it. Everything that can fail returns an [`LlmError`]; the caller then prints
//! the deterministic answer.
//!
//! # Layout
//! - [`backend`]: the [`Backend`] trait, its configuration, and the `none` backend.
//! - [`http`]: a small HTTP/1.1 client (plain TCP or TLS) with connect timeout, deadline and a
//!   cap on the response body.
//! - [`ollama`] and [`openai`]: the two wire formats (`POST /api/chat`,
//!   `POST /v1/chat/completions`).
//! - [`prompt`]: the system prompt and the fenced request.
//! - [`validate`]: the checks an answer must pass (no chatty or AI-revealing text, no echo of
//!   the prompt, size cap), and the paths it shows, for the caller's filesystem check.
//! - [`analysis`]: the optional session-end analysis (a JSON verdict, checked against its schema).
#![deny(missing_docs)]

pub mod analysis;
pub mod backend;
pub mod http;
pub mod ollama;
pub mod openai;
pub mod prompt;
pub mod validate;

pub use backend::{Backend, BackendConfig, BackendKind, Probe, build};

/// Who says a chat message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Instructions.
    System,
    /// The question.
    User,
    /// A model answer (used for few-shot examples).
    Assistant,
}

/// One chat message.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChatMessage {
    /// Who says it.
    pub role: Role,
    /// The text.
    pub content: String,
}

/// A chat completion request, independent of the wire format.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatRequest {
    /// The conversation: system prompt first.
    pub messages: Vec<ChatMessage>,
    /// Cap on generated tokens.
    pub max_tokens: u32,
    /// Sampling temperature.
    pub temperature: f32,
    /// Ask the server for a JSON object (Ollama `format: "json"`, OpenAI
    /// `response_format: {"type": "json_object"}`).
    pub json: bool,
}

/// A backend's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// The generated text, as the server sent it (not yet validated).
    pub text: String,
    /// The model that answered, as the server names it.
    pub model: String,
    /// Prompt tokens, when the server reports them.
    pub prompt_tokens: Option<u32>,
    /// Generated tokens, when the server reports them.
    pub completion_tokens: Option<u32>,
}

/// Why a call gave no usable completion. Each variant has a short stable name
/// ([`LlmError::reason`]) for events and counters.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    /// The configuration cannot be used (bad URL, unknown scheme, missing key variable).
    #[error("bad LLM configuration: {0}")]
    Config(String),
    /// The backend is `none`.
    #[error("no LLM backend is configured")]
    Disabled,
    /// No TCP (or TLS) connection within the connect timeout, or it was refused.
    #[error("cannot connect to {addr}: {detail}")]
    Connect {
        /// host:port.
        addr: String,
        /// What failed.
        detail: String,
    },
    /// The whole call took longer than its deadline.
    #[error("no answer within {ms} ms")]
    Timeout {
        /// The deadline.
        ms: u64,
    },
    /// The server answered with a non-2xx status.
    #[error("HTTP status {status}: {body}")]
    Status {
        /// The status code.
        status: u16,
        /// The start of the body (at most 200 bytes, lossy).
        body: String,
    },
    /// The response body was larger than the cap.
    #[error("response body over {limit} bytes")]
    TooLarge {
        /// The cap.
        limit: usize,
    },
    /// The connection broke or the HTTP framing was invalid.
    #[error("HTTP protocol error: {0}")]
    Protocol(String),
    /// The body was not the JSON shape the API documents.
    #[error("unexpected response: {0}")]
    Decode(String),
}

impl LlmError {
    /// A short stable name: `config`, `disabled`, `connect`, `timeout`, `status`,
    /// `too_large`, `protocol` or `decode`.
    pub fn reason(&self) -> &'static str {
        match self {
            LlmError::Config(_) => "config",
            LlmError::Disabled => "disabled",
            LlmError::Connect { .. } => "connect",
            LlmError::Timeout { .. } => "timeout",
            LlmError::Status { .. } => "status",
            LlmError::TooLarge { .. } => "too_large",
            LlmError::Protocol(_) => "protocol",
            LlmError::Decode(_) => "decode",
        }
    }
}
