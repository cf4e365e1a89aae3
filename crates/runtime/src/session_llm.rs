//! The session's side of the LLM fallback: what the prompt learns of the session, the
//! `llm_call` events, and finishing a held line with the service's answer.
//!
//! The shell holds a line that needs an answer and the driver returns it as
//! [`Output::ask`]; the front resolves it off its protocol loop and calls
//! [`SessionDriver::resume`]. Here the answer gets its last check, against this session's
//! filesystem (an answer showing a path the box does not have would contradict it), is
//! cached when it passes, and the shell finishes the line.

use miragepot_event::{EventKind, LlmAskKind, LlmCall, LlmVerdict};
use miragepot_shell::{AnswerSource, Ask, AskKind};

use crate::llm::{Pending, Settled};
use crate::session::{Output, SessionDriver, now};

/// Output bytes of one recent command kept for the prompt.
const RECENT_OUTPUT: usize = 512;

impl SessionDriver {
    /// Keeps `line` and its output for the prompt (the last `llm.recent`).
    pub(crate) fn remember(&mut self, line: &str, output: &str) {
        let Some(llm) = &self.services.llm else {
            return;
        };
        let keep = llm.settings().recent;
        if keep == 0 {
            return;
        }
        while self.recent.len() >= keep {
            self.recent.pop_front();
        }
        let mut cut = output.len().min(RECENT_OUTPUT);
        while !output.is_char_boundary(cut) {
            cut -= 1;
        }
        let out = output.get(..cut).unwrap_or_default().to_string();
        self.recent
            .push_back((line.chars().take(1024).collect(), out));
    }

    /// The `llm_call` event of an answer shown from the cache or the session.
    pub(crate) fn cached_call(&self, ask: Ask, source: AnswerSource) -> EventKind {
        let (kind, request) = match ask.kind {
            AskKind::Command { line, .. } => (LlmAskKind::Command, line),
            AskKind::File { path, .. } => (LlmAskKind::File, path),
        };
        let (backend, model) = match &self.services.llm {
            Some(l) => (
                l.backend().kind().as_str().to_string(),
                l.backend().model().to_string(),
            ),
            None => ("none".into(), String::new()),
        };
        EventKind::LlmCall(LlmCall {
            ask: kind,
            request,
            cwd: ask.cwd,
            backend,
            model,
            latency_ms: 0,
            prompt_tokens: None,
            completion_tokens: None,
            cache_hit: true,
            verdict: LlmVerdict::Cached,
            reason: match source {
                AnswerSource::Cache => None,
                AnswerSource::Session => Some("session".into()),
            },
            answer_bytes: 0,
        })
    }

    /// What the service needs to settle `ask` for this session.
    pub(crate) fn pending(&self, ask: Ask) -> Pending {
        let home = self
            .services
            .persona
            .user(&self.user)
            .map_or_else(|| format!("/home/{}", self.user), |u| u.home.clone());
        Pending {
            ask,
            ip: self.ctx.src_ip,
            user: self.user.clone(),
            home,
            recent: self.recent.iter().cloned().collect(),
        }
    }

    /// Finishes the held line with `settled` (after checking the paths its answer shows
    /// against this session's filesystem), emitting its `llm_call`.
    pub fn resume(&mut self, mut settled: Settled) -> Output {
        let Some(shell) = self.shell.as_mut() else {
            return Output::default();
        };
        if let Some(llm) = &self.services.llm {
            llm.check_and_keep(&mut settled, shell);
        }
        let step = shell.resume(settled.resolution, now());
        self.emit(EventKind::LlmCall(settled.call));
        self.handle(step)
    }
}
