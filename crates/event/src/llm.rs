//! The payloads of the LLM fallback's events: each question put to the model (or answered
//! from its cache, or refused before any call), and the optional session-end analysis.

use serde::{Deserialize, Serialize};

/// What was asked of the LLM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LlmAskKind {
    /// The output of a command the persona has installed but the shell does not emulate.
    Command,
    /// The text of a persona file listed without content.
    File,
}

/// Where an answer came from, or why there was none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LlmVerdict {
    /// The model answered and the answer passed validation: it was shown and cached.
    Accepted,
    /// Answered from the response cache (or the session's earlier answer): no call.
    Cached,
    /// The model answered but validation rejected the answer (`reason` says why); the
    /// deterministic answer was shown.
    Rejected,
    /// The call failed (timeout, connection, HTTP status, bad body); the deterministic answer
    /// was shown.
    Failed,
    /// No call was made (injection guard, budget, circuit breaker, no backend); the
    /// deterministic answer was shown.
    Skipped,
}

impl LlmVerdict {
    /// The stable `snake_case` name.
    pub fn as_str(self) -> &'static str {
        match self {
            LlmVerdict::Accepted => "accepted",
            LlmVerdict::Cached => "cached",
            LlmVerdict::Rejected => "rejected",
            LlmVerdict::Failed => "failed",
            LlmVerdict::Skipped => "skipped",
        }
    }
}

/// One question of the LLM fallback and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LlmCall {
    /// Command output or file text.
    pub ask: LlmAskKind,
    /// The normalised command, or the file's path.
    pub request: String,
    /// Working directory when asked.
    pub cwd: String,
    /// `ollama`, `openai` or `none`.
    pub backend: String,
    /// The model (as the server named it when it answered).
    pub model: String,
    /// Wall time of the call in milliseconds (0 when no call was made).
    pub latency_ms: u64,
    /// Prompt tokens, when the server reports them.
    pub prompt_tokens: Option<u32>,
    /// Generated tokens, when the server reports them.
    pub completion_tokens: Option<u32>,
    /// Whether the answer came from the cache (`hit`) or needed a call (`miss`).
    pub cache_hit: bool,
    /// The outcome.
    pub verdict: LlmVerdict,
    /// Why the deterministic answer was shown instead: `injection`, `budget`,
    /// `circuit_open`, `busy`, `disabled`, `timeout`, `connect`, `status`, `too_large`,
    /// `protocol`, `decode`, a validator reason (`chatty`, `ai_disclosure`, `prompt_echo`,
    /// `too_large`, `empty`, …) or `vfs_contradiction`.
    pub reason: Option<String>,
    /// Bytes of the answer shown (0 on fallback).
    pub answer_bytes: u64,
}

/// How skilled the session's attacker looked to the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sophistication {
    /// Scripted or clumsy.
    Low,
    /// Competent.
    Medium,
    /// Careful, hands-on, evasive.
    High,
}

impl Sophistication {
    /// `low`, `medium` or `high`.
    pub fn as_str(self) -> &'static str {
        match self {
            Sophistication::Low => "low",
            Sophistication::Medium => "medium",
            Sophistication::High => "high",
        }
    }
}

/// What the model recommends doing with the address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recommendation {
    /// Keep watching.
    Observe,
    /// Keep it engaged with deception.
    Deceive,
    /// Block it.
    Block,
}

impl Recommendation {
    /// `observe`, `deceive` or `block`.
    pub fn as_str(self) -> &'static str {
        match self {
            Recommendation::Observe => "observe",
            Recommendation::Deceive => "deceive",
            Recommendation::Block => "block",
        }
    }
}

/// The model's verdict on a closed session (optional, `llm.analysis = true`), linked to its
/// `session_summary`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LlmAnalysis {
    /// What the attacker was after, in a few words.
    pub intent: String,
    /// How skilled.
    pub sophistication: Sophistication,
    /// What to do with the address.
    pub recommendation: Recommendation,
    /// Why, in a sentence or two.
    pub rationale: String,
    /// The model that answered.
    pub model: String,
    /// Wall time of the call in milliseconds.
    pub latency_ms: u64,
    /// Whether the access policy acted on the recommendation (`llm.analysis_policy`).
    pub applied: bool,
}
