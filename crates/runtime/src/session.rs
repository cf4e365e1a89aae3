//! [`SessionDriver`]: one attacker connection's state, between a front and the pure shell.
//!
//! A front calls the driver for everything that happens on its connection (auth attempts,
//! pty and env requests, shell/exec, bytes typed, window changes) and writes back the bytes
//! the driver returns. The driver owns the session's [`Shell`] (created on the first shell or
//! exec request, with the authenticated user), maps the shell's observations to events,
//! records the terminal, and on [`SessionDriver::finish`] stores the files the attacker wrote
//! and closes the session with `session_end`.
//!
//! The driver does no waiting of its own: every call returns at once, so a front may call it
//! from its protocol handler. Slow work (writing artifacts and the recording) happens in
//! `finish`, once per session.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use miragepot_event::{
    EndReason, Event, EventKind, InputMode, Protocol, SessionContext, SessionId, UploadVia,
};
use miragepot_shell::{Mode, Observation, Persona, SessionConfig, Shell, ShellLimits, Step};
use miragepot_vfs::{Ctx, Fs};
use time::OffsetDateTime;

use crate::artifacts::ArtifactStore;
pub use crate::artifacts::DataDirs;
use crate::bus::EventBus;
use crate::detection::{Detection, SessionDetect};
use crate::recording::Recorder;

/// What every session of a front shares: configuration and the event bus.
#[derive(Debug)]
pub struct Services {
    /// Sensor name stamped on every event.
    pub sensor: String,
    /// The persona sessions see.
    pub persona: Arc<Persona>,
    /// The event bus.
    pub bus: EventBus,
    /// The data directory layout.
    pub dirs: DataDirs,
    /// Shell caps.
    pub shell_limits: ShellLimits,
    /// Whether pty sessions are recorded.
    pub record: bool,
    /// Whether output waits for the time the persona says a command line took.
    pub pacing: bool,
    /// Cap on one recording's size.
    pub max_recording_bytes: usize,
    /// The detection stage; `None` runs no detectors.
    pub detection: Option<Arc<Detection>>,
    /// The access policy (auth decisions, blocks, per-address caps).
    pub access: Arc<crate::policy::Access>,
    /// Per-session limits.
    pub limits: crate::session_limits::SessionLimits,
    /// The LLM fallback; `None` answers every unknown program deterministically.
    pub llm: Option<Arc<crate::llm::LlmService>>,
    /// Live views of the running sessions' recordings (the dashboard's player).
    pub tty: Arc<crate::recording::TtyHub>,
}

/// Bytes for the front to send back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    /// Terminal bytes (pty) or stdout (exec).
    pub out: Vec<u8>,
    /// Stderr (exec and non-pty shells only).
    pub err: Vec<u8>,
    /// Set when the shell or exec finished: its exit status.
    pub exit: Option<i32>,
    /// How long the front waits before sending this (pacing; zero when it is off).
    pub delay: std::time::Duration,
    /// Set when a per-session limit ended the session: the front closes the connection.
    pub end: Option<EndReason>,
    /// Set when the shell holds a line for the LLM fallback: the front settles it off its
    /// protocol loop ([`crate::llm::LlmService::resolve`]) and passes the result to
    /// [`SessionDriver::resume`]. The session shows nothing more until then.
    pub ask: Option<crate::llm::Pending>,
}

#[derive(Debug, Clone)]
pub(crate) struct PtyInfo {
    term: String,
    cols: u32,
    rows: u32,
}

/// One connection's session.
pub struct SessionDriver {
    pub(crate) services: Arc<Services>,
    pub(crate) ctx: SessionContext,
    pub(crate) started: Instant,
    pub(crate) start_ts: OffsetDateTime,
    pub(crate) user: String,
    pub(crate) pty: Option<PtyInfo>,
    pub(crate) env: Vec<(String, String)>,
    pub(crate) shell: Option<Shell>,
    pub(crate) recorder: Option<Recorder>,
    pub(crate) input_mode: InputMode,
    pub(crate) uploads: Vec<(String, String, u64)>,
    /// Bytes of files that ran (sha256, content), kept until `finish` stores them.
    pub(crate) executed: Vec<(String, Vec<u8>)>,
    pub(crate) executed_bytes: usize,
    /// The session's detectors.
    pub(crate) detect: Option<SessionDetect>,
    /// Honeytoken files planted (path, sha256), not reported as written unless changed.
    pub(crate) planted: Vec<(String, String)>,
    /// Whether the shell exists but its honeytokens are not planted yet.
    pub(crate) tokens_pending: bool,
    /// Per-command records for `session_<id>.json`.
    pub(crate) log: crate::session_log::CommandLog,
    /// What the session used of its limits.
    pub(crate) usage: crate::session_limits::Usage,
    /// The last commands and their outputs, for the LLM's prompt.
    pub(crate) recent: std::collections::VecDeque<(String, String)>,
}

/// Output bytes a `command_result` event keeps (the attacker's terminal gets all of it, up
/// to `shell.max_output_bytes`, and a pty session's recording has it). Events travel through
/// the bus and both sinks: a megabyte per event from a `seq 1 100000` loop would multiply.
const MAX_EVENT_OUTPUT: usize = 64 << 10;

/// Bytes of executed files one session may hold for storing at its end; past it the
/// `file_executed` event is still emitted but the content is not kept.
const MAX_EXECUTED_BYTES: usize = 16 << 20;

impl std::fmt::Debug for SessionDriver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionDriver")
            .field("session", &self.ctx.session)
            .finish()
    }
}

/// Whether a chunk of input only leaves the shell (`exit`, `logout`, Ctrl-D): nothing can
/// read a honeytoken, so none is planted for it (thousands of bots end idle sessions so).
fn is_bare_exit(bytes: &[u8]) -> bool {
    let line = bytes.trim_ascii();
    matches!(line, b"exit" | b"logout" | b"\x04")
}

pub(crate) fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

impl SessionDriver {
    /// Starts a session for a connection from `peer` to `local`, emitting `session_start`.
    pub fn new(
        services: Arc<Services>,
        peer: SocketAddr,
        local: SocketAddr,
        protocol: Protocol,
    ) -> Self {
        let start_ts = now();
        let ctx = SessionContext {
            sensor: services.sensor.clone(),
            session: SessionId::new_at(start_ts),
            src_ip: peer.ip(),
            src_port: peer.port(),
        };
        let d = SessionDriver {
            services: Arc::clone(&services),
            ctx,
            started: Instant::now(),
            start_ts,
            user: "root".into(),
            pty: None,
            env: Vec::new(),
            shell: None,
            recorder: None,
            input_mode: InputMode::Interactive,
            uploads: Vec::new(),
            executed: Vec::new(),
            executed_bytes: 0,
            detect: services.detection.clone().map(SessionDetect::new),
            planted: Vec::new(),
            tokens_pending: false,
            log: crate::session_log::CommandLog::default(),
            usage: Default::default(),
            recent: std::collections::VecDeque::new(),
        };
        let mut d = d;
        d.emit(EventKind::SessionStart {
            protocol,
            dst_ip: local.ip(),
            dst_port: local.port(),
        });
        d
    }

    /// The session id.
    pub fn id(&self) -> SessionId {
        self.ctx.session
    }

    /// The envelope builder for this session's events.
    pub fn context(&self) -> &SessionContext {
        &self.ctx
    }

    /// Publishes an event of this session, stamped now, and the detections it gives rise to.
    pub fn emit(&mut self, kind: EventKind) -> crate::EventId {
        let ev = self.ctx.event(now(), kind);
        self.publish(ev)
    }

    /// Publishes a prepared event, then its detections (each with `caused_by` set to it).
    pub fn publish(&mut self, event: Event) -> crate::EventId {
        let id = event.id;
        let found = match self.detect.as_mut() {
            Some(d) => d.detections(&event),
            None => Vec::new(),
        };
        self.services.bus.publish(event);
        for kind in found {
            self.publish_linked(kind, id);
        }
        id
    }

    /// Publishes a detection linked to `cause` (detections are not analysed again, except a
    /// tarpit delay, which the summary sums).
    pub(crate) fn publish_linked(&mut self, kind: EventKind, cause: crate::EventId) {
        self.publish_linked_id(kind, cause);
    }

    /// [`SessionDriver::publish_linked`], returning the new event's id.
    pub(crate) fn publish_linked_id(
        &mut self,
        kind: EventKind,
        cause: crate::EventId,
    ) -> crate::EventId {
        let mut ev = self.ctx.event(now(), kind);
        ev.caused_by = Some(cause);
        if let Some(d) = self.detect.as_mut() {
            if matches!(ev.kind, EventKind::DelayApplied(_)) {
                d.analysis().observe(&ev);
            }
            d.profile(&ev);
        }
        let id = ev.id;
        self.services.bus.publish(ev);
        id
    }

    /// Sets the user the shell runs as (after a successful login).
    pub fn set_user(&mut self, name: &str) {
        self.user = name.to_string();
    }

    /// A pty was requested.
    pub fn pty_request(&mut self, term: &str, cols: u32, rows: u32) {
        self.emit(EventKind::PtyRequest {
            term: term.to_string(),
            cols,
            rows,
        });
        self.pty = Some(PtyInfo {
            term: term.to_string(),
            cols,
            rows,
        });
    }

    /// An environment variable was sent.
    pub fn env_request(&mut self, name: &str, value: &str) {
        self.emit(EventKind::EnvRequest {
            name: name.to_string(),
            value: value.to_string(),
        });
        if self.env.len() < 64 {
            self.env.push((name.to_string(), value.to_string()));
        }
    }

    /// The terminal was resized.
    pub fn window_change(&mut self, cols: u32, rows: u32) {
        self.emit(EventKind::WindowChange { cols, rows });
        if let Some(s) = self.shell.as_mut() {
            s.resize(cols, rows);
        }
        if let Some(r) = self.recorder.as_mut() {
            r.resize(cols, rows);
        }
        if let Some(p) = self.pty.as_mut() {
            p.cols = cols;
            p.rows = rows;
        }
    }

    /// A shell for the session's user. Its honeytokens are planted when the attacker first
    /// sends something ([`SessionDriver::plant_tokens`]), so an idle session costs nothing
    /// for them.
    fn make_shell(&mut self, mode: Mode) -> Shell {
        self.tokens_pending = self.detect.is_some();
        self.bare_shell(mode)
    }

    /// Plants this session's honeytokens into its shell's filesystem, once, before the first
    /// input reaches it (`honeytoken_planted` says which).
    fn plant_tokens(&mut self) {
        if !std::mem::take(&mut self.tokens_pending) {
            return;
        }
        let user = self.services.persona.user(&self.user).cloned();
        let (uid, gid, home) = user.as_ref().map_or((0, 0, "/root".to_string()), |u| {
            (u.uid, u.gid, u.home.clone())
        });
        let session = self.ctx.session;
        let tokens = match self.detect.as_mut() {
            Some(d) => d.mint_tokens(session, &home),
            None => Vec::new(),
        };
        let Some(shell) = self.shell.as_mut().filter(|_| !tokens.is_empty()) else {
            return;
        };
        // Files look a few weeks old; the age is fixed per session.
        let age = 20 + i64::from(session.0.as_bytes().last().copied().unwrap_or(0) % 40);
        let written = crate::detection::plant(
            shell.fs_mut(),
            &tokens,
            uid,
            gid,
            now().unix_timestamp(),
            age,
        );
        let planted: Vec<_> = tokens.iter().map(|t| t.planted()).collect();
        if let Some(d) = self.detect.as_ref() {
            d.shared().remember_tokens(session, &planted);
        }
        self.planted = written;
        self.emit(EventKind::HoneytokenPlanted { tokens: planted });
    }

    fn bare_shell(&self, mode: Mode) -> Shell {
        let cfg = SessionConfig {
            user: self.user.clone(),
            mode,
            src_ip: self.ctx.src_ip.to_string(),
            src_port: self.ctx.src_port,
            env: self.env.clone(),
            seed: rand::random(),
            limits: self.services.shell_limits,
        };
        let mut shell = Shell::new(Arc::clone(&self.services.persona), cfg, now());
        if let Some(llm) = &self.services.llm {
            shell.set_oracle(Arc::clone(llm.cache()) as Arc<dyn miragepot_shell::Oracle>);
        }
        shell
    }

    /// An interactive shell was requested: returns the motd and prompt (pty), or nothing.
    pub fn start_shell(&mut self) -> Output {
        let pty = self.pty.clone();
        self.emit(EventKind::ShellStart { pty: pty.is_some() });
        self.input_mode = InputMode::Interactive;
        let mode = match &pty {
            Some(p) => Mode::Pty {
                term: p.term.clone(),
                cols: p.cols,
                rows: p.rows,
            },
            None => Mode::Pipe,
        };
        let mut shell = self.make_shell(mode);
        if let (Some(p), true) = (&pty, self.services.record) {
            let rec = Recorder::new(
                p.cols,
                p.rows,
                &p.term,
                self.start_ts.unix_timestamp(),
                self.services.max_recording_bytes,
            );
            self.services.tty.register(self.ctx.session, &rec);
            self.recorder = Some(rec);
        }
        let step = shell.start(now());
        self.shell = Some(shell);
        self.handle(step)
    }

    /// Bytes from the client on the shell channel.
    pub fn data(&mut self, bytes: &[u8]) -> Output {
        if let Some(out) = self.count_input(bytes.len()) {
            return out;
        }
        if let Some(r) = self.recorder.as_mut() {
            r.input(bytes);
        }
        self.note_input(bytes);
        if !is_bare_exit(bytes) {
            self.plant_tokens();
        }
        let Some(shell) = self.shell.as_mut() else {
            return Output::default();
        };
        let step = shell.feed(bytes, now());
        self.handle(step)
    }

    /// The client closed stdin of a pty-less shell: bash reaches end of input and exits.
    pub fn stdin_eof(&mut self) -> Output {
        let Some(shell) = self.shell.as_mut() else {
            return Output::default();
        };
        let step = shell.eof(now());
        self.handle(step)
    }

    /// An exec request: runs `command` like a typed line and returns its output and status.
    pub fn exec(&mut self, command: &str) -> Output {
        if let Some(out) = self.count_input(command.len()) {
            return out;
        }
        self.input_mode = InputMode::Exec;
        self.note_input(command.as_bytes());
        if self.shell.is_none() {
            let shell = self.make_shell(Mode::Exec);
            self.shell = Some(shell);
        }
        self.plant_tokens();
        let Some(shell) = self.shell.as_mut() else {
            return Output::default();
        };
        let step = shell.exec(command, now());
        self.handle(step)
    }

    fn note_input(&mut self, bytes: &[u8]) {
        let at = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        if let Some(d) = self.detect.as_mut() {
            d.analysis().input(bytes, at);
        }
    }

    /// Publishes a command line with its threat score, and applies the tarpit: returns the
    /// delay it chose.
    pub(crate) fn command_input(&mut self, line: String) -> std::time::Duration {
        let score = match self.detect.as_mut() {
            Some(d) => d.analysis().score(&line),
            None => Default::default(),
        };
        self.usage.commands += 1;
        self.log.input(now(), &line, score.score);
        let id = self.emit(EventKind::CommandInput {
            input: line,
            mode: self.input_mode,
            threat_score: score.score,
            threat_rules: score.rules,
        });
        let delay = self
            .detect
            .as_ref()
            .and_then(|d| d.tarpit(score.score, rand::random::<f64>()));
        match delay {
            Some(d) => {
                let ms = d.delay_ms;
                self.log.delay(ms);
                self.publish_linked(EventKind::DelayApplied(d), id);
                std::time::Duration::from_millis(ms)
            }
            None => std::time::Duration::ZERO,
        }
    }

    pub(crate) fn handle(&mut self, step: Step) -> Output {
        let mut tarpit = std::time::Duration::ZERO;
        for obs in step.observations {
            let kind = match obs {
                Observation::CommandInput { line } => {
                    tarpit += self.command_input(line);
                    continue;
                }
                Observation::CommandResult {
                    line,
                    output,
                    truncated,
                    exit_code,
                } => {
                    let cut = output.len() > MAX_EVENT_OUTPUT;
                    let kept = output.get(..MAX_EVENT_OUTPUT).unwrap_or(&output);
                    let output = String::from_utf8_lossy(kept).into_owned();
                    self.log.result(&output, exit_code);
                    self.remember(&line, &output);
                    EventKind::CommandResult {
                        input: line,
                        output,
                        exit_code,
                        output_truncated: truncated || cut,
                    }
                }
                Observation::CommandUnknown { name, installed } => {
                    EventKind::CommandUnknown { name, installed }
                }
                Observation::LlmAnswer { ask, source } => self.cached_call(ask, source),
                Observation::FileExecuted {
                    path,
                    sha256,
                    bytes,
                } => {
                    let size = bytes.len() as u64;
                    let id = self.emit(EventKind::FileExecuted {
                        path: path.clone(),
                        size,
                        sha256: sha256.clone(),
                    });
                    self.artifact_iocs(&bytes, id);
                    if self.executed_bytes.saturating_add(bytes.len()) <= MAX_EXECUTED_BYTES {
                        self.executed_bytes += bytes.len();
                        self.executed.push((sha256, bytes));
                    } else {
                        tracing::warn!(%path, size, "Executed file not kept: session budget spent.");
                    }
                    continue;
                }
                Observation::Download(d) => EventKind::Download {
                    tool: d.tool,
                    url: d.url,
                    host: d.host,
                    port: d.port,
                    destination: d.destination,
                    size: d.size,
                    outcome: d.outcome,
                },
            };
            self.emit(kind);
        }
        if let Some(r) = self.recorder.as_mut() {
            r.output(&step.out);
        }
        let pace = if self.services.pacing {
            std::time::Duration::from_millis(step.pace_ms)
        } else {
            std::time::Duration::ZERO
        };
        // Several tarpitted lines in one read (a pasted script) wait at most twice the
        // longest band.
        let cap = self
            .detect
            .as_ref()
            .map_or(0, |d| d.shared().rules.tarpit.max_ms().saturating_mul(2));
        let delay = pace + tarpit.min(std::time::Duration::from_millis(cap));
        let ask = step.ask.map(|a| self.pending(a));
        let out = Output {
            out: step.out,
            err: step.err,
            exit: step.exit,
            delay,
            end: None,
            ask,
        };
        self.apply_limits(out)
    }

    /// Runs `f` on the session's filesystem (SFTP), creating the shell state if needed.
    pub fn with_fs<R>(&mut self, f: impl FnOnce(&mut Fs, &Ctx) -> R) -> R {
        if self.shell.is_none() {
            let shell = self.make_shell(Mode::Exec);
            self.shell = Some(shell);
        }
        self.plant_tokens();
        let persona = Arc::clone(&self.services.persona);
        let user = persona.user(&self.user).cloned();
        let ctx = Ctx {
            uid: user.as_ref().map_or(0, |u| u.uid),
            gid: user.as_ref().map_or(0, |u| u.gid),
            now: now().unix_timestamp(),
        };
        match self.shell.as_mut() {
            Some(shell) => f(shell.fs_mut(), &ctx),
            None => f(&mut persona.new_fs(), &ctx),
        }
    }

    /// The user's home directory (SFTP's starting directory).
    pub fn home(&self) -> String {
        self.services
            .persona
            .user(&self.user)
            .map_or_else(|| "/root".into(), |u| u.home.clone())
    }

    /// An upload finished: stores its bytes (whose sha256 [`SessionDriver::note_upload`]
    /// returned) and emits `file_uploaded`.
    pub async fn file_uploaded(
        services: &Arc<Services>,
        ctx: &SessionContext,
        path: &str,
        bytes: &[u8],
        sha256: String,
        via: UploadVia,
    ) {
        let store = ArtifactStore::new(services.dirs.artifacts.clone());
        if let Err(e) = store.put_hashed(&sha256, bytes).await {
            tracing::error!(error = %e, "Cannot store an uploaded artifact.");
        }
        services.bus.publish(ctx.event(
            now(),
            EventKind::FileUploaded {
                path: path.to_string(),
                size: bytes.len() as u64,
                sha256,
                via,
            },
        ));
    }

    /// Notes that `path` was uploaded (so `finish` does not report it again as written) and
    /// returns the content's sha256.
    pub fn note_upload(&mut self, path: &str, bytes: &[u8]) -> String {
        let sha = ArtifactStore::hash(bytes);
        if self.uploads.len() < 10_000 {
            self.uploads
                .push((path.to_string(), sha.clone(), bytes.len() as u64));
        }
        sha
    }

    /// The shared services (for tasks a front spawns, such as SFTP).
    pub fn services(&self) -> &Arc<Services> {
        &self.services
    }
}

#[cfg(test)]
#[path = "session_tests.rs"]
pub(crate) mod tests;
