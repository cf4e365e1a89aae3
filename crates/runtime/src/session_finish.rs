//! The end of a session: artifacts, the recording, the summary and `session_end`.
//!
//! [`SessionDriver::finish`] runs once per session, after the connection is gone. It stores
//! the files the attacker wrote or ran (content-addressed), writes the terminal recording,
//! then sums the session up: the `session_summary` detection, the attacker address's
//! `ip_profile` (when the assessment changed), and, for a session that ran commands, the
//! per-session JSON file `data/logs/session_<id>.json`. `session_end`
//! is always the session's last event.

use miragepot_event::{EndReason, EventKind};

use crate::artifacts::ArtifactStore;
use crate::session::{SessionDriver, now};

impl SessionDriver {
    /// Ends the session: stores written files as artifacts, writes the recording, and emits
    /// `file_written` events, `session_recording_closed` and finally `session_end`.
    pub async fn finish(mut self, reason: EndReason) {
        let store = ArtifactStore::new(self.services.dirs.artifacts.clone());
        for (sha, bytes) in std::mem::take(&mut self.executed) {
            if let Err(e) = store.put_hashed(&sha, &bytes).await {
                tracing::error!(error = %e, "Cannot store an artifact.");
            }
        }
        // A line still waiting for the LLM never ran, but it was typed: report it.
        if let Some(line) = self.shell.as_ref().and_then(|s| s.held_line()) {
            let line = line.to_string();
            self.command_input(line);
        }
        if let Some(shell) = self.shell.take() {
            for (path, bytes) in shell.written_files() {
                let sha = ArtifactStore::hash(&bytes);
                if self.uploads.iter().any(|(p, s, _)| p == &path && s == &sha)
                    || self.planted.iter().any(|(p, s)| p == &path && s == &sha)
                {
                    continue;
                }
                if let Err(e) = store.put_hashed(&sha, &bytes).await {
                    tracing::error!(error = %e, "Cannot store an artifact.");
                }
                let id = self.emit(EventKind::FileWritten {
                    path,
                    size: bytes.len() as u64,
                    sha256: sha,
                });
                self.artifact_iocs(&bytes, id);
            }
        }
        if let Some(rec) = self.recorder.take() {
            self.services.tty.unregister(self.ctx.session);
            let duration_ms = rec.duration_ms();
            let size = rec.len() as u64;
            let chunks = rec.into_chunks();
            let name = format!("{}.cast", self.ctx.session.simple());
            let path = self.services.dirs.recordings.join(&name);
            match crate::fsio::write_chunks(path.clone(), chunks).await {
                Ok(()) => {
                    self.emit(EventKind::SessionRecordingClosed {
                        path: format!("recordings/{name}"),
                        size,
                        duration_ms,
                    });
                }
                Err(e) => {
                    tracing::error!(path = %path.display(), error = %e, "Cannot write a recording.")
                }
            }
        }
        let duration_ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.summarise(duration_ms).await;
        self.emit(EventKind::SessionEnd {
            reason,
            duration_ms,
        });
    }

    /// Publishes the IOCs inside a file's bytes, linked to the event about the file.
    pub(crate) fn artifact_iocs(&mut self, bytes: &[u8], cause: crate::EventId) {
        let found = match self.detect.as_mut() {
            Some(d) => d.analysis().artifact(bytes),
            None => return,
        };
        for kind in found {
            self.publish_linked(kind, cause);
        }
    }

    async fn summarise(&mut self, duration_ms: u64) {
        let Some(detect) = self.detect.as_mut() else {
            return;
        };
        let shared = std::sync::Arc::clone(detect.shared());
        let ip = self.ctx.src_ip;
        // Credential attacks show across sessions: the address's profile names them.
        let assessment = shared.profiles().assess(ip, now());
        let found = match assessment.as_ref() {
            Some(a) => detect.analysis().profile_signals(&a.signals),
            None => Vec::new(),
        };
        let summary = detect.analysis().summary(duration_ms);
        let id = self.emit(EventKind::SessionSummary(summary.clone()));
        for kind in found {
            self.publish_linked(kind, id);
        }
        if summary.commands > 0 {
            self.llm_analysis(&summary, assessment.as_ref(), id).await;
        }
        // The profile recommends a block: the policy decides whether to make one.
        let block = assessment
            .as_ref()
            .filter(|a| a.action == "block")
            .and_then(|a| self.services.access.profile_block(ip, &a.intent, now()));
        if let Some(kind) = block {
            self.emit(kind);
        }
        if let Some(a) = assessment.filter(|a| shared.is_new_assessment(ip, a)) {
            self.emit(EventKind::IpProfile(a));
        }
        // The per-session file is for sessions that did something once in: a file per bare
        // login would double the cost of a login, and logins and guesses are in the store.
        let acted = summary.commands > 0 || !self.uploads.is_empty();
        let dir = shared.session_logs.as_ref().filter(|_| acted);
        if let Some(dir) = dir {
            let doc = self.log.document(&self.ctx, self.start_ts, now(), &summary);
            let path = dir.join(format!("session_{}.json", self.ctx.session.simple()));
            let res = crate::fsio::write_file(path.clone(), doc.to_string().into_bytes());
            if let Err(e) = res.await {
                tracing::error!(path = %path.display(), error = %e, "Cannot write a session file.");
            }
        }
    }
}

impl SessionDriver {
    /// The LLM's verdict on this session (`llm.analysis`), linked to its summary; a `block`
    /// becomes a block only when `llm.analysis_policy` allows it.
    async fn llm_analysis(
        &mut self,
        summary: &miragepot_event::SessionSummary,
        assessment: Option<&miragepot_event::IpAssessment>,
        summary_id: crate::EventId,
    ) {
        let Some(llm) = self.services.llm.clone().filter(|l| l.settings().analysis) else {
            return;
        };
        let input = miragepot_llm::analysis::SessionSummary {
            session: self.ctx.session.simple().to_string(),
            src_ip: self.ctx.src_ip.to_string(),
            duration_secs: summary.duration_ms / 1000,
            login: summary.login.as_ref().map(|(u, _)| u.clone()),
            commands: self.log.commands(50),
            techniques: summary.techniques.clone(),
            downloads: Vec::new(),
            profile: assessment.map(|a| a.intent.clone()),
            threat_score: summary.max_threat,
        };
        let Some(mut verdict) = llm.analyse(&input).await else {
            return;
        };
        let block = (llm.settings().analysis_policy
            && verdict.recommendation == miragepot_event::Recommendation::Block)
            .then(|| {
                self.services.access.recommended_block(
                    self.ctx.src_ip,
                    "llm:analysis",
                    format!("LLM analysis: {}", verdict.intent),
                    now(),
                )
            })
            .flatten();
        verdict.applied = block.is_some();
        let id = self.publish_linked_id(EventKind::LlmAnalysis(verdict), summary_id);
        if let Some(kind) = block {
            self.publish_linked(kind, id);
        }
    }
}
