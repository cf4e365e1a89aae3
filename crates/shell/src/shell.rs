//! The session-facing shell: what the SSH layer drives.
//!
//! A [`Shell`] is one login. In [`Mode::Pty`] it greets like Debian 12 (kernel line, motd,
//! `Last login:`), prints bash's prompt, feeds keystrokes through the readline-compatible
//! [`LineEditor`](crate::tty::LineEditor), asks for `> ` continuation lines while a command
//! is unfinished, and translates `\n` to `\r\n`. In [`Mode::Pipe`] (no pty, no command) lines
//! come from stdin with no echo or prompt. [`Mode::Exec`] runs one `ssh host CMD` line like
//! `bash -c`. Every line run yields an `Observation::CommandInput` and, once finished, an
//! `Observation::CommandResult` with what was shown (capped by [`ShellLimits`]).
//!
//! Sans-I/O: the clock comes in as `now`, randomness from `SessionConfig::seed`.
//!
//! Known limits: commands cannot read the terminal (a bare `cat` returns at once); in pipe
//! mode commands do not see the rest of stdin; nested interactive `bash`/`sh` keep one
//! history.

use std::sync::Arc;

use time::OffsetDateTime;

use crate::Observation;
use crate::ask::{Ask, MAX_ASKS_PER_LINE};
use crate::commands::Rng;
use crate::interp::{ErrCtx, ErrName, Interp, parse, prescan};
use crate::persona::Persona;
use crate::tty::{EditEvent, LineEditor};

/// How the client is attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// An interactive terminal.
    Pty {
        /// `TERM` from the pty request.
        term: String,
        /// Columns.
        cols: u32,
        /// Rows.
        rows: u32,
    },
    /// `ssh host CMD`: one command line, no terminal.
    Exec,
    /// A shell without a pty: no echo, no prompt, lines from stdin.
    Pipe,
}

/// Caps on what one session may make the shell do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShellLimits {
    /// Longest command line accepted (longer ones are a syntax error).
    pub max_line_bytes: usize,
    /// Deepest nesting of quotes, parentheses, braces, substitutions and blocks.
    pub max_nesting: usize,
    /// Output shown per command line.
    pub max_output_bytes: usize,
    /// History entries kept.
    pub max_history: usize,
    /// Loop iterations per command line.
    pub max_loop_iterations: u64,
    /// Simple commands per command line.
    pub max_commands_per_line: u64,
    /// Depth of `sh -c`, `source`, functions, subshells and `$( )`.
    pub max_call_depth: usize,
    /// Shell variables (and array elements, functions, aliases) per session.
    pub max_vars: usize,
}

impl Default for ShellLimits {
    fn default() -> Self {
        ShellLimits {
            max_line_bytes: 64 * 1024,
            max_nesting: 64,
            max_output_bytes: 1 << 20,
            max_history: 1000,
            max_loop_iterations: 10_000,
            max_commands_per_line: 10_000,
            max_call_depth: 32,
            max_vars: 4096,
        }
    }
}

/// How a session starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionConfig {
    /// Login name: a persona account, or a made-up user (uid 1001, `/home/NAME`).
    pub user: String,
    /// Terminal, exec or pipe.
    pub mode: Mode,
    /// Client address.
    pub src_ip: String,
    /// Client port.
    pub src_port: u16,
    /// Environment from SSH `env` requests; only `LANG` and `LC_*` are accepted.
    pub env: Vec<(String, String)>,
    /// Seed for everything random in the session.
    pub seed: u64,
    /// Caps.
    pub limits: ShellLimits,
}

/// What the shell produced for one call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Step {
    /// Pty: terminal bytes (echo, output with `\r\n`, prompt). Exec/pipe: stdout.
    pub out: Vec<u8>,
    /// Exec/pipe: stderr (pty: empty, stderr is in `out`).
    pub err: Vec<u8>,
    /// Lines run and their results.
    pub observations: Vec<Observation>,
    /// Set when the session is over: its exit status.
    pub exit: Option<i32>,
    /// Simulated time the commands of this step took (downloads, pings), in milliseconds.
    /// The runtime delays the output by it when pacing is on.
    pub pace_ms: u64,
    /// Set when a line needs the LLM fallback: the shell holds that line (and any input that
    /// follows) until [`Shell::resume`] settles the question.
    pub ask: Option<Ask>,
}

/// One login shell.
pub struct Shell {
    interp: Interp,
    mode: Mode,
    editor: Option<LineEditor>,
    pending: String,
    pipe_buf: Vec<u8>,
    pipe_lines: usize,
    seed: u64,
    /// Jitter for pacing, apart from the commands' generator so outputs do not depend on it.
    pace_rng: Rng,
    exited: bool,
    /// The line waiting for an LLM answer.
    held: Option<Held>,
    /// Asks made for the held line so far.
    held_asks: u32,
}

/// What was running when a line was held, so [`Shell::resume`] can finish it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cont {
    Pty,
    Pipe,
    Eof,
    Exec,
}

/// A line held for an LLM answer.
#[derive(Debug)]
struct Held {
    key: String,
    line: String,
    cont: Cont,
    now: OffsetDateTime,
    /// Input that arrived after the line (bounded by [`MAX_HELD_INPUT`]).
    input: Vec<u8>,
    eof: bool,
}

/// Input kept while a line waits for the LLM; more is dropped (a client typing ahead this
/// much while one command runs is a paste bomb).
const MAX_HELD_INPUT: usize = 1 << 20;

const PASTE_ON: &[u8] = b"\x1b[?2004h";
const PASTE_OFF: &[u8] = b"\x1b[?2004l\r";

/// `\n` → `\r\n` (an existing `\r\n` stays).
fn crlf(b: &[u8], out: &mut Vec<u8>) {
    let mut prev = 0u8;
    for &c in b {
        if c == b'\n' && prev != b'\r' {
            out.push(b'\r');
        }
        out.push(c);
        prev = c;
    }
}

impl Shell {
    /// A new session for `cfg.user` on `persona`.
    pub fn new(persona: Arc<Persona>, cfg: SessionConfig, now: OffsetDateTime) -> Shell {
        let interp = crate::interp::login::login(persona, &cfg, now);
        let editor = match &cfg.mode {
            Mode::Pty { cols, rows, .. } => {
                let mut e = LineEditor::new(cfg.limits.max_line_bytes, cfg.limits.max_history);
                e.set_width(*cols);
                e.set_height(*rows);
                Some(e)
            }
            _ => None,
        };
        Shell {
            interp,
            mode: cfg.mode,
            editor,
            pending: String::new(),
            pipe_buf: Vec::new(),
            pipe_lines: 0,
            seed: cfg.seed,
            pace_rng: Rng::new(cfg.seed ^ 0x7061_6365),
            exited: false,
            held: None,
            held_asks: 0,
        }
    }

    /// Starts an interactive session: the pty greeting and first prompt (pipe: nothing).
    pub fn start(&mut self, now: OffsetDateTime) -> Step {
        let mut step = Step::default();
        self.interp.now = now;
        if let Mode::Pty { .. } = self.mode {
            let banner = self.interp.motd(self.seed);
            crlf(banner.as_bytes(), &mut step.out);
            self.prompt(&mut step.out, false);
        }
        step
    }

    fn prompt(&mut self, out: &mut Vec<u8>, continuation: bool) {
        let done = std::mem::replace(
            &mut self.interp.jobs_ready,
            std::mem::take(&mut self.interp.done_jobs),
        );
        if !done.is_empty() && !continuation {
            crlf(crate::interp::prompt::format_done(&done).as_bytes(), out);
        }
        let p = if continuation {
            self.interp.prompt2()
        } else {
            self.interp.prompt()
        };
        let shown: String = p.chars().filter(|c| *c != '\x01' && *c != '\x02').collect();
        out.extend_from_slice(PASTE_ON);
        crlf(shown.as_bytes(), out);
        if let Some(e) = self.editor.as_mut() {
            e.set_prompt(&shown);
            e.set_continuation(continuation);
        }
    }

    /// Runs one complete command line, recording observations. `Err`: the line needs an LLM
    /// answer first, and the shell is as if it had not run.
    fn run(&mut self, line: &str, now: OffsetDateTime, step: &mut Step) -> Result<i32, Ask> {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            return Ok(self.interp.status);
        }
        let may_ask = self.held_asks < MAX_ASKS_PER_LINE;
        self.interp.llm_line(may_ask);
        if let Some(ask) = self.interp.llm_files(line) {
            return Err(ask);
        }
        let snapshot = (may_ask && self.interp.may_need_llm(line))
            .then(|| (self.interp.clone(), self.pace_rng.clone()));
        self.interp.sys.pace_ms = 0;
        let status = self.interp.run_line(line, now);
        if let Some((interp, rng)) = snapshot
            && let Some(ask) = self.interp.llm.as_mut().and_then(|l| l.miss.take())
        {
            self.interp = interp;
            self.pace_rng = rng;
            return Err(ask);
        }
        self.held_asks = 0;
        step.observations.push(Observation::CommandInput {
            line: line.to_string(),
        });
        step.observations.append(&mut self.interp.notes);
        let timing = self.interp.persona.timing;
        let delay = timing.line_delay(self.interp.sys.pace_ms, &mut self.pace_rng);
        step.pace_ms = step.pace_ms.saturating_add(delay).min(timing.line_cap_ms);
        let out = std::mem::take(&mut self.interp.out);
        match self.mode {
            Mode::Pty { .. } => crlf(&out.shown, &mut step.out),
            _ => {
                step.out.extend_from_slice(&out.stdout);
                step.err.extend_from_slice(&out.stderr);
            }
        }
        step.observations.push(Observation::CommandResult {
            line: line.to_string(),
            output: out.shown,
            truncated: out.truncated,
            exit_code: status,
        });
        Ok(status)
    }

    fn finish(&mut self, step: &mut Step) {
        if let Some(code) = self.interp.exited {
            self.exited = true;
            step.exit = Some(code);
        }
    }

    /// Bytes typed into the pty (or piped into a pty-less shell).
    pub fn feed(&mut self, input: &[u8], now: OffsetDateTime) -> Step {
        let mut step = Step::default();
        if let Some(h) = self.held.as_mut() {
            let room = MAX_HELD_INPUT.saturating_sub(h.input.len());
            h.input
                .extend_from_slice(input.get(..room.min(input.len())).unwrap_or(&[]));
            return step;
        }
        if self.exited {
            step.exit = self.interp.exited;
            return step;
        }
        self.interp.now = now;
        match self.mode {
            Mode::Pty { .. } => self.feed_pty(input, now, &mut step),
            Mode::Pipe => self.feed_pipe(input, now, &mut step),
            Mode::Exec => {}
        }
        step
    }

    fn feed_pty(&mut self, input: &[u8], now: OffsetDateTime, step: &mut Step) {
        let mut rest = input;
        while !rest.is_empty() && !self.exited {
            let Some(editor) = self.editor.as_mut() else {
                return;
            };
            let comp = crate::interp::complete::Completions {
                interp: &self.interp,
            };
            let (n, ev) = editor.feed_partial(rest, &comp, &mut step.out);
            rest = rest.get(n..).unwrap_or(&[]);
            match ev {
                None => {
                    if n == 0 {
                        break;
                    }
                }
                Some(EditEvent::Line(l)) => {
                    step.out.extend_from_slice(PASTE_OFF);
                    let text = if self.pending.is_empty() {
                        l
                    } else {
                        format!("{}\n{l}", self.pending)
                    };
                    let small = text.len() <= self.interp.limits.max_line_bytes
                        && prescan::check(
                            &text,
                            self.interp.limits.max_line_bytes,
                            self.interp.limits.max_nesting,
                        )
                        .is_ok();
                    if small && parse::is_incomplete(&text) {
                        self.pending = text;
                        self.prompt(&mut step.out, true);
                        continue;
                    }
                    self.pending.clear();
                    let hist = crate::interp::login::history_line(&text);
                    if let Some(e) = self.editor.as_mut() {
                        e.push_history(&text);
                    }
                    self.interp.add_history(&hist);
                    match self.run(&text, now, step) {
                        Ok(_) => self.after(Cont::Pty, step),
                        Err(ask) => {
                            self.hold(ask, text, Cont::Pty, rest, now, step);
                            return;
                        }
                    }
                }
                Some(EditEvent::Interrupt) => {
                    self.pending.clear();
                    self.interp.status = 130;
                    self.prompt(&mut step.out, false);
                }
                Some(EditEvent::Eof) => {
                    step.out.extend_from_slice(PASTE_OFF);
                    self.pending.clear();
                    if self.interp.leave_nested() {
                        step.out.extend_from_slice(b"exit\r\n");
                        self.prompt(&mut step.out, false);
                    } else {
                        step.out.extend_from_slice(b"logout\r\n");
                        self.interp.exited = Some(self.interp.status);
                        self.finish(step);
                    }
                }
            }
        }
    }

    fn feed_pipe(&mut self, input: &[u8], now: OffsetDateTime, step: &mut Step) {
        self.pipe_buf.extend_from_slice(input);
        while let Some(pos) = self.pipe_buf.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.pipe_buf.drain(..=pos).collect();
            let line =
                String::from_utf8_lossy(line.get(..line.len().saturating_sub(1)).unwrap_or(&[]))
                    .into_owned();
            if self.pipe_line(line, now, step, Cont::Pipe) || self.exited {
                return;
            }
        }
        if self.pipe_buf.len() > self.interp.limits.max_line_bytes {
            let line = String::from_utf8_lossy(&std::mem::take(&mut self.pipe_buf)).into_owned();
            self.pipe_line(line, now, step, Cont::Pipe);
        }
    }

    /// Runs one line of a pty-less shell; true when it was held for the LLM.
    fn pipe_line(
        &mut self,
        line: String,
        now: OffsetDateTime,
        step: &mut Step,
        cont: Cont,
    ) -> bool {
        self.pipe_lines += 1;
        let text = if self.pending.is_empty() {
            line
        } else {
            format!("{}\n{line}", self.pending)
        };
        let small = text.len() <= self.interp.limits.max_line_bytes;
        if small && parse::is_incomplete(&text) {
            self.pending = text;
            return false;
        }
        let first = self.pipe_lines + 1 - text.lines().count().max(1);
        self.interp.line_base = first;
        self.pending.clear();
        match self.run(&text, now, step) {
            Ok(_) => {
                self.finish(step);
                false
            }
            Err(ask) => {
                self.hold(ask, text, cont, &[], now, step);
                true
            }
        }
    }

    /// End of input on a pty-less shell (the client closed stdin): runs what is pending and
    /// ends the session with `$?`.
    pub fn eof(&mut self, now: OffsetDateTime) -> Step {
        let mut step = Step::default();
        if let Some(h) = self.held.as_mut() {
            h.eof = true;
            return step;
        }
        if self.exited {
            step.exit = self.interp.exited;
            return step;
        }
        if !self.pipe_buf.is_empty() {
            let line = String::from_utf8_lossy(&std::mem::take(&mut self.pipe_buf)).into_owned();
            if self.pipe_line(line, now, &mut step, Cont::Eof) {
                return step;
            }
        }
        if !self.pending.is_empty() && !self.exited {
            let text = std::mem::take(&mut self.pending);
            self.interp.line_base = self.pipe_lines;
            match self.run(&text, now, &mut step) {
                Ok(_) => self.finish(&mut step),
                Err(ask) => {
                    self.hold(ask, text, Cont::Eof, &[], now, &mut step);
                    return step;
                }
            }
        }
        if !self.exited {
            self.interp.exited = Some(self.interp.status);
            self.finish(&mut step);
        }
        step
    }

    /// An SSH exec request: runs the whole line, then the session is over. A bare shell
    /// (`ssh host sh`, `bash -s`) instead keeps the session open and runs the lines that
    /// follow on stdin (pipe mode), until [`Shell::eof`].
    pub fn exec(&mut self, line: &str, now: OffsetDateTime) -> Step {
        let mut step = Step::default();
        if self.mode == Mode::Exec
            && let Some(dash) = crate::interp::login::bare_shell(line)
        {
            step.observations.push(Observation::CommandInput {
                line: line.to_string(),
            });
            step.observations.push(Observation::CommandResult {
                line: line.to_string(),
                output: Vec::new(),
                truncated: false,
                exit_code: 0,
            });
            self.mode = Mode::Pipe;
            self.interp.final_line = false;
            self.interp.err = if dash {
                ErrName {
                    name: "sh".into(),
                    ctx: ErrCtx::Dash,
                }
            } else {
                ErrName {
                    name: "bash".into(),
                    ctx: ErrCtx::Lines,
                }
            };
            return step;
        }
        if self.held.is_some() {
            return step;
        }
        self.interp.exited = None;
        let status = if line.trim().is_empty() {
            0
        } else {
            self.interp.line_base = 1;
            match self.run(line, now, &mut step) {
                Ok(s) => s,
                Err(ask) => {
                    self.hold(ask, line.to_string(), Cont::Exec, &[], now, &mut step);
                    return step;
                }
            }
        };
        self.exec_done(status, &mut step);
        step
    }

    fn exec_done(&mut self, status: i32, step: &mut Step) {
        let code = self.interp.exited.unwrap_or(status);
        self.interp.exited = Some(code);
        self.exited = true;
        step.exit = Some(code);
    }

    /// The terminal was resized.
    pub fn resize(&mut self, cols: u32, rows: u32) {
        if let Some(e) = self.editor.as_mut() {
            e.set_width(cols);
            e.set_height(rows);
        }
        self.interp.session.cols = cols;
        self.interp.session.rows = rows;
        self.interp.st.env.set("COLUMNS", &cols.to_string());
        self.interp.st.env.set("LINES", &rows.to_string());
        if let Mode::Pty {
            cols: c, rows: r, ..
        } = &mut self.mode
        {
            *c = cols;
            *r = rows;
        }
    }

    /// Files the session wrote, with their bytes (artifacts).
    pub fn written_files(&self) -> Vec<(String, Vec<u8>)> {
        self.interp
            .fs
            .written_files()
            .map(|(p, b)| (p.to_string(), b.to_vec()))
            .collect()
    }

    /// Bytes held by the session's filesystem overlay.
    pub fn overlay_bytes(&self) -> usize {
        self.interp.fs.overlay_bytes()
    }

    /// The session's filesystem, for file transfer (SFTP, scp) into the same session.
    pub fn fs_mut(&mut self) -> &mut miragepot_vfs::Fs {
        &mut self.interp.fs
    }

    /// The working directory.
    pub fn cwd(&self) -> &str {
        &self.interp.st.cwd
    }

    /// Whether the session is over.
    pub fn exited(&self) -> bool {
        self.exited
    }
}

mod resume;
