//! The live hub: one task reads the runtime's event broadcast and keeps what the dashboard
//! shows about now: the sessions that are running, a re-broadcast that session pages and the
//! live list subscribe to, and the counters behind `/metrics`.
//!
//! The broadcast is lossy by design (the honeypot never waits for the dashboard): when the
//! hub falls behind it counts the missed events in `lagged`. A running session whose
//! `session_end` was missed is dropped after [`STALE_AFTER`] without events, and pages also
//! drop a live entry the store already shows as ended. Tables are bounded.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use miragepot_event::{Event, EventKind, SessionId};
use serde::Serialize;
use time::OffsetDateTime;
use tokio::sync::broadcast;

/// A live session without any event for this long is dropped (its end was missed).
const STALE_AFTER: Duration = Duration::from_secs(3600);
/// Live sessions kept at most.
const MAX_LIVE: usize = 20_000;
/// Distinct label values kept per labelled counter (techniques, verdicts, reasons).
const MAX_LABELS: usize = 512;
/// Upper bounds of the LLM latency histogram, in seconds.
pub(crate) const LATENCY_BUCKETS: &[f64] = &[0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// What the dashboard knows about a running session.
#[derive(Debug, Clone, Serialize)]
pub struct LiveSession {
    /// The session.
    pub session: SessionId,
    /// The attacker's address.
    pub src_ip: IpAddr,
    /// The attacker's port.
    pub src_port: u16,
    /// When it started.
    #[serde(with = "time::serde::rfc3339")]
    pub started: OffsetDateTime,
    /// The username that got in, once one did.
    pub username: Option<String>,
    /// Commands so far.
    pub commands: u64,
    /// The last command line.
    pub last_command: Option<String>,
    /// The client's identification line.
    pub client_version: Option<String>,
    #[serde(skip)]
    seen: Option<Instant>,
}

/// Counters of events seen since start, for `/metrics`.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub events: AtomicU64,
    pub lagged: AtomicU64,
    pub sessions: AtomicU64,
    pub logins_ok: AtomicU64,
    pub logins_failed: AtomicU64,
    pub commands: AtomicU64,
    pub downloads: AtomicU64,
    pub tokens: AtomicU64,
    pub blocks: AtomicU64,
    pub labelled: Mutex<Labelled>,
}

/// Counters with a label, and the LLM latency histogram.
#[derive(Debug, Default)]
pub(crate) struct Labelled {
    pub techniques: HashMap<String, u64>,
    pub llm_calls: HashMap<String, u64>,
    pub refused: HashMap<String, u64>,
    pub llm_latency: Vec<u64>,
    pub llm_latency_sum_ms: u64,
    pub llm_latency_count: u64,
}

fn bump(map: &mut HashMap<String, u64>, key: &str) {
    if let Some(n) = map.get_mut(key) {
        *n += 1;
    } else if map.len() < MAX_LABELS {
        map.insert(key.to_string(), 1);
    } else {
        *map.entry("other".to_string()).or_insert(0) += 1;
    }
}

/// The hub. Shared by every handler.
#[derive(Debug)]
pub struct LiveHub {
    live: Mutex<HashMap<SessionId, LiveSession>>,
    tx: broadcast::Sender<Arc<Event>>,
    pub(crate) counters: Counters,
}

impl Default for LiveHub {
    fn default() -> Self {
        LiveHub::new()
    }
}

impl LiveHub {
    /// An empty hub.
    pub fn new() -> LiveHub {
        let (tx, _) = broadcast::channel(1024);
        LiveHub {
            live: Mutex::new(HashMap::new()),
            tx,
            counters: Counters::default(),
        }
    }

    /// Reads `rx` until the bus closes.
    pub async fn run(self: Arc<Self>, mut rx: broadcast::Receiver<Arc<Event>>) {
        loop {
            match rx.recv().await {
                Ok(ev) => self.observe(ev),
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    self.counters.lagged.fetch_add(n, Ordering::Relaxed);
                    tracing::warn!(missed = n, "Dashboard fell behind the event broadcast.");
                }
                Err(broadcast::error::RecvError::Closed) => break,
            }
        }
    }

    /// Takes one event into the live state and passes it on to subscribers.
    pub fn observe(&self, ev: Arc<Event>) {
        self.count(&ev);
        if let Ok(mut live) = self.live.lock() {
            let now = Instant::now();
            match &ev.kind {
                EventKind::SessionStart { .. } => {
                    if live.len() >= MAX_LIVE {
                        live.retain(|_, s| s.seen.is_some_and(|t| now - t < STALE_AFTER));
                    }
                    if live.len() < MAX_LIVE {
                        live.insert(
                            ev.session,
                            LiveSession {
                                session: ev.session,
                                src_ip: ev.src_ip,
                                src_port: ev.src_port,
                                started: ev.ts,
                                username: None,
                                commands: 0,
                                last_command: None,
                                client_version: None,
                                seen: Some(now),
                            },
                        );
                    }
                }
                EventKind::SessionEnd { .. } => {
                    live.remove(&ev.session);
                }
                kind => {
                    if let Some(s) = live.get_mut(&ev.session) {
                        s.seen = Some(now);
                        match kind {
                            EventKind::AuthAttempt {
                                username,
                                success: true,
                                ..
                            } => s.username = Some(username.clone()),
                            EventKind::CommandInput { input, .. } => {
                                s.commands += 1;
                                s.last_command = Some(input.chars().take(200).collect());
                            }
                            EventKind::ClientVersion { version } => {
                                s.client_version = Some(version.clone());
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
        let _ = self.tx.send(ev);
    }

    fn count(&self, ev: &Event) {
        let c = &self.counters;
        c.events.fetch_add(1, Ordering::Relaxed);
        let one = |a: &AtomicU64| {
            a.fetch_add(1, Ordering::Relaxed);
        };
        match &ev.kind {
            EventKind::SessionStart { .. } => one(&c.sessions),
            EventKind::AuthAttempt { success: true, .. } => one(&c.logins_ok),
            EventKind::AuthAttempt { success: false, .. } => one(&c.logins_failed),
            EventKind::CommandInput { .. } => one(&c.commands),
            EventKind::Download { .. } => one(&c.downloads),
            EventKind::HoneytokenTouched(_) => one(&c.tokens),
            EventKind::IpBlocked(_) => one(&c.blocks),
            EventKind::Technique(t) => {
                if let Ok(mut l) = c.labelled.lock() {
                    bump(&mut l.techniques, &t.technique);
                }
            }
            EventKind::ConnectionRefused(r) => {
                if let Ok(mut l) = c.labelled.lock() {
                    bump(&mut l.refused, r.reason.as_str());
                }
            }
            EventKind::LlmCall(call) => {
                if let Ok(mut l) = c.labelled.lock() {
                    bump(&mut l.llm_calls, call.verdict.as_str());
                    if !call.cache_hit && call.latency_ms > 0 {
                        let secs = call.latency_ms as f64 / 1000.0;
                        if l.llm_latency.len() != LATENCY_BUCKETS.len() {
                            l.llm_latency = vec![0; LATENCY_BUCKETS.len()];
                        }
                        for (i, bound) in LATENCY_BUCKETS.iter().enumerate() {
                            if secs <= *bound
                                && let Some(n) = l.llm_latency.get_mut(i)
                            {
                                *n += 1;
                            }
                        }
                        l.llm_latency_sum_ms += call.latency_ms;
                        l.llm_latency_count += 1;
                    }
                }
            }
            _ => {}
        }
    }

    /// The running sessions, newest first.
    pub fn live_sessions(&self) -> Vec<LiveSession> {
        let now = Instant::now();
        let Ok(mut live) = self.live.lock() else {
            return Vec::new();
        };
        live.retain(|_, s| s.seen.is_some_and(|t| now - t < STALE_AFTER));
        let mut out: Vec<LiveSession> = live.values().cloned().collect();
        out.sort_by_key(|s| std::cmp::Reverse(s.started));
        out
    }

    /// Whether `session` is running.
    pub fn is_live(&self, session: SessionId) -> bool {
        self.live.lock().is_ok_and(|l| l.contains_key(&session))
    }

    /// Forgets a session the store shows as ended (its end event was missed here).
    pub(crate) fn forget(&self, session: SessionId) {
        if let Ok(mut l) = self.live.lock() {
            l.remove(&session);
        }
    }

    /// Every event from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.tx.subscribe()
    }
}
