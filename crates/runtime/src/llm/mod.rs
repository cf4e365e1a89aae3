//! The LLM fallback service: settles the questions the shell cannot answer itself, without
//! ever making a session wait past a deadline.
//!
//! A session's shell holds a line that needs an answer ([`miragepot_shell::Ask`]); the front
//! spawns [`LlmService::resolve`] off its protocol loop and hands the result back to the
//! session. Before any call: the injection guard (the detection crate's detector over the
//! typed line and the request; recent commands that match are left out of the prompt), the
//! per-address budget, the circuit breaker and a global limit on calls in flight. A call has a
//! connect timeout and a deadline (the backend's), and its answer must pass the validator
//! ([`miragepot_llm::validate`]). Anything else ends in [`Resolution::Fallback`]: the shell
//! prints what it prints without an LLM. Every outcome becomes an `llm_call` event.
//!
//! Accepted answers go into the [`cache::AnswerCache`] (after the session has checked that
//! the paths they show exist), which the shell reads directly on later lines.

mod analysis;
pub mod cache;

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use miragepot_detect::session::Rules;
use miragepot_event::{LlmAskKind, LlmCall, LlmVerdict};
use miragepot_llm::prompt::{Exchange, PromptContext, PromptLimits, Query};
use miragepot_llm::validate::{CheckCtx, Validator};
use miragepot_llm::{Backend, BackendKind};
use miragepot_shell::{Ask, AskKind, Persona, Resolution};
use tokio::sync::Semaphore;

use crate::lock;
use crate::policy::rate::{Bucket, RateConfig};
use cache::AnswerCache;

/// Limits and switches of the fallback (`[llm]` in the configuration).
#[derive(Debug, Clone, PartialEq)]
pub struct LlmSettings {
    /// Calls in flight at once, over all sessions.
    pub max_concurrent: usize,
    /// Calls one address may cause per minute (0: no limit).
    pub per_ip_per_minute: u32,
    /// Consecutive failures that open the circuit breaker.
    pub breaker_failures: u32,
    /// How long an open breaker stops calls.
    pub breaker_cooldown: Duration,
    /// Deadline of one call, waiting for a slot included.
    pub deadline: Duration,
    /// Largest answer shown (bytes).
    pub max_answer_bytes: usize,
    /// Recent commands (with outputs) put in the prompt.
    pub recent: usize,
    /// Answers kept in memory.
    pub cache_entries: usize,
    /// Ask for a verdict on every closed session that ran commands.
    pub analysis: bool,
    /// Let a `block` verdict block the address.
    pub analysis_policy: bool,
}

impl Default for LlmSettings {
    fn default() -> Self {
        LlmSettings {
            max_concurrent: 4,
            per_ip_per_minute: 20,
            breaker_failures: 3,
            breaker_cooldown: Duration::from_secs(30),
            deadline: Duration::from_secs(10),
            max_answer_bytes: 8000,
            recent: 5,
            cache_entries: 10_000,
            analysis: false,
            analysis_policy: false,
        }
    }
}

/// A held line's question with what the prompt needs to know of its session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// The question.
    pub ask: Ask,
    /// The attacker's address (for the budget).
    pub ip: IpAddr,
    /// The login name.
    pub user: String,
    /// The user's home.
    pub home: String,
    /// Recent commands and their outputs, oldest first.
    pub recent: Vec<(String, String)>,
}

/// How a question was settled.
#[derive(Debug, Clone, PartialEq)]
pub struct Settled {
    /// The question.
    pub ask: Ask,
    /// What the shell shows.
    pub resolution: Resolution,
    /// The `llm_call` event.
    pub call: LlmCall,
    /// Absolute paths the answer shows, for the session's filesystem check.
    pub paths: Vec<String>,
}

/// Counters for `stats.json`.
#[derive(Debug, Default)]
pub struct LlmCounters {
    /// Calls made to the backend.
    pub calls: AtomicU64,
    /// Answers accepted.
    pub accepted: AtomicU64,
    /// Answers rejected by the validator or the filesystem check.
    pub rejected: AtomicU64,
    /// Calls that failed.
    pub failed: AtomicU64,
    /// Questions settled without a call (guard, budget, breaker, busy, disabled).
    pub skipped: AtomicU64,
    /// Questions the injection guard stopped.
    pub injection: AtomicU64,
    /// Times the breaker opened.
    pub breaker_opened: AtomicU64,
}

#[derive(Debug, Default)]
struct Breaker {
    failures: u32,
    open_until: Option<Instant>,
    probing: bool,
}

/// Addresses with a budget bucket; past it the table starts over (all buckets full again).
const MAX_BUDGETS: usize = 10_000;

/// The fallback service, shared by all sessions.
#[derive(Debug)]
pub struct LlmService {
    backend: Arc<dyn Backend>,
    settings: LlmSettings,
    cache: Arc<AnswerCache>,
    guard: Arc<Rules>,
    validator: Validator,
    slots: Semaphore,
    budgets: Mutex<HashMap<IpAddr, Bucket>>,
    breaker: Mutex<Breaker>,
    base: PromptContext,
    limits: PromptLimits,
    /// What happened so far.
    pub counters: LlmCounters,
}

fn skipped(reason: &str) -> (LlmVerdict, Option<String>) {
    (LlmVerdict::Skipped, Some(reason.to_string()))
}

impl LlmService {
    /// A service calling `backend` for `persona`, answering first from `cache`, with `guard`
    /// as the injection detector.
    pub fn new(
        backend: Arc<dyn Backend>,
        settings: LlmSettings,
        persona: &Persona,
        cache: Arc<AnswerCache>,
        guard: Arc<Rules>,
    ) -> LlmService {
        let base = PromptContext {
            hostname: persona.hostname.clone(),
            os: persona.os_pretty_name.clone(),
            kernel: persona.kernel_release.clone(),
            arch: persona.machine.clone(),
            packages: persona.packages.iter().map(|p| p.name.clone()).collect(),
            ..PromptContext::default()
        };
        let limits = PromptLimits {
            recent: settings.recent,
            ..PromptLimits::default()
        };
        LlmService {
            slots: Semaphore::new(settings.max_concurrent.max(1)),
            backend,
            settings,
            cache,
            guard,
            validator: Validator::new(),
            budgets: Mutex::new(HashMap::new()),
            breaker: Mutex::new(Breaker::default()),
            base,
            limits,
            counters: LlmCounters::default(),
        }
    }

    /// The response cache (the shell's oracle).
    pub fn cache(&self) -> &Arc<AnswerCache> {
        &self.cache
    }

    /// The backend.
    pub fn backend(&self) -> &Arc<dyn Backend> {
        &self.backend
    }

    /// The settings.
    pub fn settings(&self) -> &LlmSettings {
        &self.settings
    }

    fn over_budget(&self, ip: IpAddr) -> bool {
        let per_min = self.settings.per_ip_per_minute;
        let cfg = RateConfig {
            per_sec: f64::from(per_min) / 60.0,
            burst: per_min,
        };
        let now = Instant::now();
        let mut b = lock(&self.budgets);
        if b.len() >= MAX_BUDGETS && !b.contains_key(&ip) {
            b.clear();
        }
        !b.entry(ip)
            .or_insert_with(|| Bucket::full(&cfg, now))
            .take(&cfg, now)
    }

    /// Whether the breaker lets a call through now (one probe after the cooldown).
    fn breaker_allows(&self) -> bool {
        let mut b = lock(&self.breaker);
        match b.open_until {
            Some(t) if Instant::now() < t => false,
            Some(_) if b.probing => false,
            Some(_) => {
                b.probing = true;
                true
            }
            None => true,
        }
    }

    fn breaker_result(&self, ok: bool) {
        let mut b = lock(&self.breaker);
        b.probing = false;
        if ok {
            b.failures = 0;
            b.open_until = None;
            return;
        }
        b.failures = b.failures.saturating_add(1);
        if b.failures >= self.settings.breaker_failures.max(1) {
            if b.open_until.is_none_or(|t| Instant::now() >= t) {
                self.counters.breaker_opened.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(
                    failures = b.failures,
                    cooldown_s = self.settings.breaker_cooldown.as_secs(),
                    "LLM backend failing: calls paused."
                );
            }
            b.open_until = Some(Instant::now() + self.settings.breaker_cooldown);
        }
    }

    /// The prompt context of `p`, without recent lines the guard flags.
    fn context(&self, p: &Pending) -> PromptContext {
        let recent = p
            .recent
            .iter()
            .filter(|(cmd, out)| {
                self.guard.injection.check(cmd).is_none()
                    && self.guard.injection.check(out).is_none()
            })
            .map(|(command, output)| Exchange {
                command: command.clone(),
                output: output.clone(),
            })
            .collect();
        PromptContext {
            user: p.user.clone(),
            home: p.home.clone(),
            cwd: p.ask.cwd.clone(),
            recent,
            ..self.base.clone()
        }
    }

    /// Settles `p`: a validated answer, or the fallback with its reason.
    pub async fn resolve(&self, p: Pending) -> Settled {
        let started = Instant::now();
        let (kind, request, query) = match &p.ask.kind {
            AskKind::Command { line, .. } => (
                LlmAskKind::Command,
                line.clone(),
                Query::Command { line: line.clone() },
            ),
            AskKind::File { path, size } => (
                LlmAskKind::File,
                path.clone(),
                Query::File {
                    path: path.clone(),
                    size_hint: *size,
                },
            ),
        };
        let mut call = LlmCall {
            ask: kind,
            request: request.clone(),
            cwd: p.ask.cwd.clone(),
            backend: self.backend.kind().as_str().to_string(),
            model: self.backend.model().to_string(),
            latency_ms: 0,
            prompt_tokens: None,
            completion_tokens: None,
            cache_hit: false,
            verdict: LlmVerdict::Skipped,
            reason: None,
            answer_bytes: 0,
        };
        let (resolution, paths) = self.decide(&p, &query, &request, &mut call).await;
        call.latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let counter = match call.verdict {
            LlmVerdict::Accepted | LlmVerdict::Cached => &self.counters.accepted,
            LlmVerdict::Rejected => &self.counters.rejected,
            LlmVerdict::Failed => &self.counters.failed,
            LlmVerdict::Skipped => &self.counters.skipped,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        Settled {
            ask: p.ask,
            resolution,
            call,
            paths,
        }
    }

    /// One call to the backend within the breaker, a call slot and the deadline (the wait for
    /// the slot included). `Err` carries the `llm_call` verdict and reason of a call that gave
    /// no completion: `skipped` (`circuit_open`, `busy`) or `failed` (`timeout`, the error's
    /// reason).
    async fn call(
        &self,
        req: &miragepot_llm::ChatRequest,
    ) -> Result<miragepot_llm::Completion, (LlmVerdict, Option<String>)> {
        if !self.breaker_allows() {
            return Err(skipped("circuit_open"));
        }
        let started = Instant::now();
        let permit = tokio::time::timeout(self.settings.deadline, self.slots.acquire()).await;
        let Ok(Ok(_permit)) = permit else {
            lock(&self.breaker).probing = false;
            return Err(skipped("busy"));
        };
        let left = self.settings.deadline.saturating_sub(started.elapsed());
        self.counters.calls.fetch_add(1, Ordering::Relaxed);
        match tokio::time::timeout(left, self.backend.chat(req)).await {
            Ok(Ok(c)) => {
                self.breaker_result(true);
                Ok(c)
            }
            Ok(Err(e)) => {
                self.breaker_result(false);
                tracing::debug!(error = %e, "LLM call failed.");
                Err((LlmVerdict::Failed, Some(e.reason().to_string())))
            }
            Err(_) => {
                self.breaker_result(false);
                Err((LlmVerdict::Failed, Some("timeout".into())))
            }
        }
    }

    async fn decide(
        &self,
        p: &Pending,
        query: &Query,
        request: &str,
        call: &mut LlmCall,
    ) -> (Resolution, Vec<String>) {
        let fallback = |call: &mut LlmCall, (verdict, reason): (LlmVerdict, Option<String>)| {
            call.verdict = verdict;
            call.reason = reason;
            (Resolution::Fallback, Vec::new())
        };
        if self.backend.kind() == BackendKind::None {
            return fallback(call, skipped("disabled"));
        }
        if self.guard.injection.check(&p.ask.input).is_some()
            || self.guard.injection.check(request).is_some()
        {
            self.counters.injection.fetch_add(1, Ordering::Relaxed);
            return fallback(call, skipped("injection"));
        }
        if self.settings.per_ip_per_minute > 0 && self.over_budget(p.ip) {
            return fallback(call, skipped("budget"));
        }
        let ctx = self.context(p);
        let req = miragepot_llm::prompt::request(&ctx, query, &self.limits);
        let answer = match self.call(&req).await {
            Ok(c) => c,
            Err(outcome) => return fallback(call, outcome),
        };
        call.model = answer.model.clone();
        call.prompt_tokens = answer.prompt_tokens;
        call.completion_tokens = answer.completion_tokens;
        let markers = miragepot_llm::prompt::echo_markers(&ctx);
        let file = matches!(query, Query::File { .. });
        let check = CheckCtx {
            command: request,
            echo_markers: &markers,
            max_bytes: self.settings.max_answer_bytes,
            file,
            recent: &miragepot_llm::prompt::recent_commands(&ctx),
        };
        let text = match self.validator.check(&answer.text, &check) {
            Ok(c) => c.text,
            Err(r) if r.silent_ok(&check) => String::new(),
            Err(r) => {
                tracing::debug!(reason = r.reason(), "LLM answer rejected.");
                return fallback(call, (LlmVerdict::Rejected, Some(r.reason().to_string())));
            }
        };
        let text = miragepot_llm::validate::to_pty(&text);
        let paths = if file {
            Vec::new()
        } else {
            miragepot_llm::validate::shown_paths(&text)
        };
        call.verdict = LlmVerdict::Accepted;
        call.answer_bytes = text.len() as u64;
        (Resolution::Answer(Arc::from(text)), paths)
    }

    /// Keeps an accepted answer in the cache (the session has checked its paths).
    pub fn accept(&self, s: &Settled) {
        let Resolution::Answer(text) = &s.resolution else {
            return;
        };
        let now = time::OffsetDateTime::now_utc();
        let kind = match s.ask.kind {
            AskKind::Command { .. } => "command",
            AskKind::File { .. } => "file",
        };
        self.cache.insert(miragepot_store::CacheRow {
            key: cache::cache_key(self.cache.persona(), &s.ask.key),
            persona: self.cache.persona().to_string(),
            kind: kind.into(),
            request: s.call.request.clone(),
            cwd: s.ask.cwd.clone(),
            answer: text.to_string(),
            backend: s.call.backend.clone(),
            model: s.call.model.clone(),
            created: now,
            last_used: now,
            hits: 0,
        });
    }

    /// The last check of an answer, against the filesystem of the shell that asked: an answer
    /// showing a path that shell does not have becomes the fallback (`rejected`,
    /// `vfs_contradiction`); one that passes is kept in the cache.
    pub fn check_and_keep(&self, settled: &mut Settled, shell: &miragepot_shell::Shell) {
        if !matches!(settled.resolution, Resolution::Answer(_)) {
            return;
        }
        if let Some(missing) = shell.missing_path(&settled.paths) {
            tracing::debug!(path = %missing, "LLM answer shows a path the session does not have.");
            settled.resolution = Resolution::Fallback;
            settled.call.verdict = LlmVerdict::Rejected;
            settled.call.reason = Some("vfs_contradiction".into());
            settled.call.answer_bytes = 0;
            self.counters.accepted.fetch_sub(1, Ordering::Relaxed);
            self.counters.rejected.fetch_add(1, Ordering::Relaxed);
            return;
        }
        self.accept(settled);
    }

    /// Counters as JSON for `stats.json`.
    pub fn stats(&self) -> serde_json::Value {
        let c = &self.counters;
        let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
        serde_json::json!({
            "backend": self.backend.kind().as_str(),
            "model": self.backend.model(),
            "calls": g(&c.calls),
            "accepted": g(&c.accepted),
            "rejected": g(&c.rejected),
            "failed": g(&c.failed),
            "skipped": g(&c.skipped),
            "injection_blocked": g(&c.injection),
            "breaker_opened": g(&c.breaker_opened),
            "cache_entries": self.cache.len(),
            "cache_hits": g(&self.cache.hit_count),
            "cache_writes_dropped": g(&self.cache.dropped),
        })
    }
}

#[cfg(test)]
mod tests;
