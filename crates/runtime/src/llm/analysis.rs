//! The optional session-end analysis (`llm.analysis`): the model reads a closed session's
//! summary and returns a verdict, checked against its schema, stored as an `llm_analysis`
//! event linked to the `session_summary`, and acted on by the access policy only when
//! `llm.analysis_policy` allows it (and never in `auth.mode = "high"`).
//!
//! It runs inside the session's finish, after the connection is gone, so no attacker waits
//! for it; it is bounded by the same deadline, slots and breaker as every other call, and a
//! failure or an invalid verdict is logged and leaves the heuristic profile as it stands.

use std::sync::atomic::Ordering;
use std::time::Instant;

use miragepot_event::LlmAnalysis;
use miragepot_llm::analysis::{SessionSummary, parse, request};

use super::LlmService;

impl LlmService {
    /// Asks the model for its verdict on `summary`; `None` when analysis is off, the call
    /// fails or the answer does not fit the schema.
    pub async fn analyse(&self, summary: &SessionSummary) -> Option<LlmAnalysis> {
        if !self.settings.analysis || self.backend.kind() == miragepot_llm::BackendKind::None {
            return None;
        }
        let started = Instant::now();
        let answer = self.call(&request(summary)).await.ok()?;
        match parse(&answer.text) {
            Ok(a) => Some(LlmAnalysis {
                intent: a.intent,
                sophistication: a.sophistication,
                recommendation: a.recommendation,
                rationale: a.rationale,
                model: answer.model,
                latency_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                applied: false,
            }),
            Err(e) => {
                self.counters.rejected.fetch_add(1, Ordering::Relaxed);
                tracing::debug!(reason = e.reason(), "Session analysis rejected.");
                None
            }
        }
    }
}
