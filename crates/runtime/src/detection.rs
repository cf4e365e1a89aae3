//! The live detection stage: the shared state the `detect` crate's detectors need across
//! sessions, and the per-session glue in [`SessionDetect`].
//!
//! Per session, a [`SessionAnalysis`] sees every event the session publishes and returns
//! detections, which are published right after their evidence with `caused_by` set. Across
//! sessions, a [`TokenIndex`] finds honeytoken values again (`token_reused`) and a
//! [`ProfileBook`] keeps per-address behaviour profiles; both are bounded and behind short
//! mutex sections that never await. The tarpit's delay is returned to the front, which waits
//! on a timer: a tarpitted session holds no thread.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use miragepot_detect::SessionAnalysis;
use miragepot_detect::profile::ProfileBook;
use miragepot_detect::session::Rules;
use miragepot_detect::tokens::{Honeytoken, TokenIndex};
use miragepot_event::{DelayApplied, Event, EventKind, TokenReused};

use crate::lock;

/// What every session's detectors share.
#[derive(Debug)]
pub struct Detection {
    /// Compiled rules.
    pub rules: Arc<Rules>,
    /// Whether the tarpit delays answers.
    pub tarpit: bool,
    /// The key honeytokens are derived from; `None` plants no tokens.
    pub token_key: Option<Vec<u8>>,
    /// Token values of all sessions, for `token_reused`.
    pub tokens: Mutex<TokenIndex>,
    /// Per-address behaviour profiles.
    pub profiles: Mutex<ProfileBook>,
    /// Where `session_<id>.json` files go (`data/logs`); `None` writes none.
    pub session_logs: Option<PathBuf>,
    /// The last assessment published per address, so `ip_profile` is only published when it
    /// changes (a brute-force flood would otherwise publish one per connection).
    pub published: Mutex<HashMap<IpAddr, String>>,
}

impl Detection {
    /// Remembers tokens planted in `session` (also when loading old sessions at start).
    pub fn remember_tokens(
        &self,
        session: miragepot_event::SessionId,
        planted: &[miragepot_event::PlantedToken],
    ) {
        lock(&self.tokens).insert(session, planted);
    }

    /// The behaviour profiles (for the assessment at session end and for reports).
    pub fn profiles(&self) -> MutexGuard<'_, ProfileBook> {
        lock(&self.profiles)
    }

    /// Whether `a` differs from the assessment last published for `ip` (intent, action,
    /// band, sophistication and signals compared); remembers it when it does.
    pub fn is_new_assessment(&self, ip: IpAddr, a: &miragepot_event::IpAssessment) -> bool {
        let key = format!(
            "{}|{}|{}|{}|{}",
            a.intent,
            a.action,
            a.risk_band.as_str(),
            a.sophistication,
            a.signals.join(",")
        );
        let cap = lock(&self.profiles).config().max_ips;
        let mut seen = lock(&self.published);
        if seen.get(&ip) == Some(&key) {
            return false;
        }
        if seen.len() >= cap {
            seen.clear();
        }
        seen.insert(ip, key);
        true
    }
}

/// One session's detection state.
#[derive(Debug)]
pub struct SessionDetect {
    shared: Arc<Detection>,
    analysis: SessionAnalysis,
}

impl SessionDetect {
    /// Starts the analysis of a session.
    pub fn new(shared: Arc<Detection>) -> Self {
        let analysis = SessionAnalysis::new(Arc::clone(&shared.rules), Vec::new());
        SessionDetect { shared, analysis }
    }

    /// The shared state.
    pub fn shared(&self) -> &Arc<Detection> {
        &self.shared
    }

    /// The analysis.
    pub fn analysis(&mut self) -> &mut SessionAnalysis {
        &mut self.analysis
    }

    /// The session's decoys for a user whose home is `home` (none without a key).
    pub fn mint_tokens(
        &mut self,
        session: miragepot_event::SessionId,
        home: &str,
    ) -> Vec<Honeytoken> {
        let Some(key) = self.shared.token_key.as_deref() else {
            return Vec::new();
        };
        let tokens = miragepot_detect::tokens::mint(key, session, home);
        self.analysis.set_tokens(tokens.clone());
        tokens
    }

    /// The detections `ev` gives rise to, each linked to it.
    pub fn detections(&mut self, ev: &Event) -> Vec<EventKind> {
        let mut out = self.analysis.observe(ev);
        match &ev.kind {
            EventKind::AuthAttempt {
                password: Some(pw), ..
            } => {
                if let Some(r) = lock(&self.shared.tokens).password(pw) {
                    out.push(EventKind::TokenReused(TokenReused {
                        token: r.kind,
                        planted_session: r.session,
                        via: "password".into(),
                    }));
                }
            }
            EventKind::CommandInput { input, .. } => {
                for r in lock(&self.shared.tokens).in_line(input, ev.session) {
                    out.push(EventKind::TokenReused(TokenReused {
                        token: r.kind,
                        planted_session: r.session,
                        via: "command".into(),
                    }));
                }
            }
            _ => {}
        }
        let mut book = lock(&self.shared.profiles);
        book.observe(ev);
        out
    }

    /// Feeds a detection event (already published) to the profiles.
    pub fn profile(&self, ev: &Event) {
        lock(&self.shared.profiles).observe(ev);
    }

    /// The tarpit delay for a line of `score`, if any (`unit` in `[0, 1)` jitters it).
    pub fn tarpit(&self, score: u32, unit: f64) -> Option<DelayApplied> {
        if !self.shared.tarpit {
            return None;
        }
        let d = self.shared.rules.tarpit.delay(score, unit)?;
        Some(DelayApplied {
            delay_ms: d.ms,
            score,
            band: d.band,
        })
    }
}

/// Writes `tokens` into a session's filesystem as files owned by `uid`/`gid` (the
/// WordPress config by `www-data`), creating missing parent directories and dating them
/// `age_days` before `now`. Returns each written file's path and the sha256 of its final
/// content, so the session end does not report them as attacker files.
pub fn plant(
    fs: &mut miragepot_vfs::Fs,
    tokens: &[Honeytoken],
    uid: u32,
    gid: u32,
    now: i64,
    age_days: i64,
) -> Vec<(String, String)> {
    use miragepot_vfs::{Ctx, WriteMode};
    let root = Ctx {
        uid: 0,
        gid: 0,
        now,
    };
    let then = now - age_days * 86_400;
    let mut out = Vec::with_capacity(tokens.len());
    for t in tokens {
        let (owner, group) = if t.path.starts_with("/var/www/") {
            (33, 33)
        } else {
            (uid, gid)
        };
        let mut dir = String::new();
        let parents: Vec<&str> = t.path.split('/').filter(|p| !p.is_empty()).collect();
        for part in parents.iter().take(parents.len().saturating_sub(1)) {
            dir.push('/');
            dir.push_str(part);
            if !fs.exists("/", &dir) {
                let mode = if part.starts_with('.') { 0o700 } else { 0o755 };
                if fs.create_dir("/", &dir, mode, &root).is_err() {
                    break;
                }
                let _ = fs.set_owner("/", &dir, Some(owner), Some(group), false, &root);
                let _ = fs.set_times("/", &dir, then, then, &root);
            }
        }
        let how = if t.append {
            WriteMode::Append
        } else {
            WriteMode::Truncate
        };
        if fs
            .write("/", &t.path, t.content.as_bytes(), how, t.mode, &root)
            .is_err()
        {
            tracing::warn!(path = %t.path, "Cannot plant a honeytoken.");
            continue;
        }
        let _ = fs.set_mode("/", &t.path, t.mode, &root);
        let _ = fs.set_owner("/", &t.path, Some(owner), Some(group), true, &root);
        let _ = fs.set_times("/", &t.path, then, then, &root);
        if let Some(bytes) = fs.written_content("/", &t.path) {
            out.push((t.path.clone(), crate::artifacts::ArtifactStore::hash(bytes)));
        }
    }
    out
}
