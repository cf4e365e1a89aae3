//! The bash interpreter: executes `brush-parser` ASTs against the session's in-memory state.
//!
//! Nothing here runs on the host. "Processes" are function calls: a pipeline runs its stages
//! one after another, each stage's stdout captured into a buffer that becomes the next
//! stage's stdin; a subshell is a snapshot of [`State`] restored afterwards. Output goes
//! through [`Sink`]s (the line's stdout/stderr, a capture buffer, a file being written, or
//! nothing) so redirections and `$(...)` compose.
//!
//! Every line runs under [`ShellLimits`]: simple commands, loop iterations, pattern-matching
//! steps, output bytes, call depth and execution nesting are all counted, and hitting a cap
//! stops the line ([`Ctl::Stop`]) without a panic or a hang.
//!
//! Known limits: commands never read the terminal (stdin is empty unless piped or
//! redirected); background jobs run to completion at once; `exec >file` lasts until the end
//! of the line; arrays are indexed only (`declare -A` is accepted but behaves as indexed).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use brush_parser::ast;
use miragepot_vfs::{Ctx, Fs};
use time::OffsetDateTime;

use crate::commands::{Rng, SessionInfo};
use crate::env::{Env, Var};
use crate::persona::{Persona, User};
use crate::shell::ShellLimits;

mod arith;
mod builtins;
pub(crate) mod complete;
mod declare;
mod exec;
mod expand;
mod glob;
mod io;
pub(crate) mod login;
mod misc;
mod params;
mod paramval;
pub(crate) mod parse;
pub(crate) mod pattern;
pub(crate) mod prescan;
mod printf;
mod privilege;
pub(crate) mod prompt;
mod read;
mod redirect;
mod regex;
mod run;
mod setopt;
mod shellcmd;
mod signals;
mod simple;
mod test;
mod typecmd;
mod vars;
mod wrappers;

/// Non-local control flow out of a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ctl {
    /// `break N`.
    Break(u32),
    /// `continue N`.
    Continue(u32),
    /// `return N`.
    Return(i32),
    /// `exit N` (ends the current shell or subshell).
    Exit(i32),
    /// An expansion error: the current line (or subshell) is abandoned with this status.
    Abort(i32),
    /// A cap was hit: the whole line stops, through every subshell.
    Stop,
}

/// What kind of text [`Interp::run_text`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Text {
    /// The session's own command line (pty, pipe or exec).
    Line,
    /// A script (`bash FILE`, `sh -c`, `source`): read line by line.
    Script,
    /// `eval`, `$(...)`, an alias or a trap: part of the caller's line.
    Nested,
}

/// Result of executing something: a status, or control flow.
pub(crate) type Res<T> = Result<T, Ctl>;

/// Where a file descriptor's bytes go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sink {
    /// The line's standard output.
    Out,
    /// The line's standard error.
    Err,
    /// Discarded (`/dev/null`).
    Null,
    /// A capture buffer (pipeline stage, command substitution), by index.
    Buf(usize),
    /// A file being written, by index.
    File(usize),
}

/// The file descriptors a command runs with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Io {
    /// Output descriptors 0..=9 (index 0 is unused).
    pub fds: [Option<Sink>; 10],
    /// Standard input: an index into the input stack, or nothing (empty).
    pub stdin: Option<usize>,
}

impl Io {
    /// The top-level descriptors: stdout and stderr to the line's output.
    pub(crate) fn top() -> Io {
        let mut fds = [None; 10];
        fds[1] = Some(Sink::Out);
        fds[2] = Some(Sink::Err);
        Io { fds, stdin: None }
    }
}

/// Bytes a command can read, with a read position (`read` consumes line by line).
#[derive(Debug, Clone, Default)]
pub(crate) struct Input {
    pub data: Vec<u8>,
    pub pos: usize,
}

/// A file opened for writing by a redirection; flushed when its scope ends.
#[derive(Debug, Clone)]
pub(crate) struct OpenFile {
    pub path: String,
    pub data: Vec<u8>,
}

/// What one command line printed.
#[derive(Debug, Clone, Default)]
pub(crate) struct LineOut {
    /// Standard output.
    pub stdout: Vec<u8>,
    /// Standard error.
    pub stderr: Vec<u8>,
    /// Both, interleaved as printed, capped.
    pub shown: Vec<u8>,
    /// Whether `shown` hit the cap.
    pub truncated: bool,
}

/// `set -o` options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Opts {
    pub errexit: bool,
    pub xtrace: bool,
    pub nounset: bool,
    pub noglob: bool,
    pub noclobber: bool,
    pub pipefail: bool,
    pub allexport: bool,
    pub verbose: bool,
    pub noexec: bool,
}

/// The part of the shell a subshell copies and throws away.
#[derive(Debug, Clone)]
pub(crate) struct State {
    pub env: Env,
    pub arrays: BTreeMap<String, BTreeMap<i64, String>>,
    pub funcs: BTreeMap<String, Arc<ast::FunctionBody>>,
    pub aliases: BTreeMap<String, String>,
    pub readonly: BTreeSet<String>,
    pub positional: Vec<String>,
    pub arg0: String,
    pub cwd: String,
    pub opts: Opts,
    pub traps: BTreeMap<String, String>,
    pub umask: u32,
    pub integers: BTreeSet<String>,
    pub locals: Vec<Vec<(String, Option<Var>)>>,
}

/// How errors are prefixed, which depends on how this shell was started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ErrCtx {
    /// Interactive: `-bash: foo: command not found`.
    Interactive,
    /// `bash -c`: `bash: line 1: ...`, syntax errors `bash: -c: line 1: ...`.
    CString,
    /// Commands read from stdin or a script file: `NAME: line N: ...`.
    Lines,
    /// dash (`sh`): `sh: 1: ...`.
    Dash,
}

/// The name errors are reported under, and the style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ErrName {
    pub name: String,
    pub ctx: ErrCtx,
}

/// Per-line counters checked against [`ShellLimits`].
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Budget {
    pub commands: u64,
    pub iterations: u64,
    pub steps: u64,
}

/// Pattern-matching and globbing steps allowed per line.
pub(crate) const MAX_STEPS: u64 = 20_000_000;
/// Words one brace expansion or glob may produce.
pub(crate) const MAX_WORDS: usize = 20_000;
/// Execution nesting (compound commands, calls, substitutions) allowed at once; keeps the
/// Rust stack bounded whatever the script does. Measured in a debug build: about 12 KiB of
/// stack per level, and parsing costs about 6 KiB per level of syntactic nesting, which
/// texts parsed deep inside the interpreter get less of (see `run_text`). 100 levels fit a
/// 2 MiB thread (tokio's default) with room to spare.
pub(crate) const MAX_NEST: usize = 100;

/// The interpreter.
#[derive(Clone)]
pub(crate) struct Interp {
    pub persona: Arc<Persona>,
    pub fs: Fs,
    pub st: State,
    pub user: User,
    pub session: SessionInfo,
    pub rng: Rng,
    pub limits: ShellLimits,
    pub now: OffsetDateTime,
    pub start: OffsetDateTime,
    pub status: i32,
    pub pid: u32,
    pub next_pid: u32,
    pub last_bg: Option<u32>,
    pub history: Vec<String>,
    pub hist_dropped: usize,
    pub hash: BTreeMap<String, (String, u32)>,
    pub done_jobs: Vec<(usize, i32, String)>,
    pub jobs_ready: Vec<(usize, i32, String)>,
    pub job_count: usize,
    pub interactive: bool,
    pub login: bool,
    pub err: ErrName,
    pub lineno: usize,
    pub line_base: usize,
    pub subst_status: Option<i32>,
    pub optpos: usize,
    pub depth: usize,
    pub nest: usize,
    pub func_depth: usize,
    pub loop_depth: u32,
    pub cond_depth: u32,
    pub budget: Budget,
    pub out: LineOut,
    pub inputs: Vec<Input>,
    pub bufs: Vec<Vec<u8>>,
    pub files: Vec<OpenFile>,
    pub exited: Option<i32>,
    pub shells: Vec<(State, ErrName, bool)>,
    pub saw_at: bool,
    pub expanding_aliases: Vec<String>,
    pub exec_io: Option<Io>,
    pub funcnames: Vec<String>,
    pub final_line: bool,
    pub source_depth: u32,
    pub pending_opts: Option<(bool, bool)>,
    /// Observations made while the current line ran (unknown commands, downloads), bounded.
    pub notes: Vec<crate::Observation>,
    /// Processes started and killed, simulated time: shared by the command table.
    pub sys: crate::commands::SysState,
    /// SHA-256 of session-written files already reported as executed.
    pub executed: std::collections::BTreeSet<String>,
    /// The LLM fallback's per-session state, when it is on.
    pub llm: Option<crate::ask::LlmState>,
}

impl Interp {
    /// A fresh interpreter for `user` on `persona`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        persona: Arc<Persona>,
        user: User,
        env: Env,
        session: SessionInfo,
        limits: ShellLimits,
        seed: u64,
        now: OffsetDateTime,
        interactive: bool,
        err: ErrName,
    ) -> Interp {
        let fs = persona.new_fs();
        let cwd = if fs
            .stat("/", &user.home)
            .map(|m| m.is_dir())
            .unwrap_or(false)
        {
            user.home.clone()
        } else {
            "/".to_string()
        };
        let pid = 1800 + (seed % 2000) as u32;
        let st = State {
            env,
            arrays: BTreeMap::new(),
            funcs: BTreeMap::new(),
            aliases: BTreeMap::new(),
            readonly: BTreeSet::new(),
            positional: Vec::new(),
            arg0: if interactive {
                "-bash".into()
            } else {
                "bash".into()
            },
            cwd,
            opts: Opts::default(),
            traps: BTreeMap::new(),
            umask: 0o022,
            integers: BTreeSet::new(),
            locals: Vec::new(),
        };
        let mut it = Interp {
            persona,
            fs,
            st,
            user,
            session,
            rng: Rng::new(seed ^ 0x5eed_0fba_5e11),
            limits,
            now,
            start: now,
            status: 0,
            pid,
            next_pid: pid + 7,
            last_bg: None,
            history: Vec::new(),
            hist_dropped: 0,
            hash: BTreeMap::new(),
            done_jobs: Vec::new(),
            jobs_ready: Vec::new(),
            job_count: 0,
            interactive,
            login: true,
            err,
            lineno: 1,
            line_base: 1,
            subst_status: None,
            optpos: 0,
            depth: 0,
            nest: 0,
            func_depth: 0,
            loop_depth: 0,
            cond_depth: 0,
            budget: Budget::default(),
            out: LineOut::default(),
            inputs: Vec::new(),
            bufs: Vec::new(),
            files: Vec::new(),
            exited: None,
            shells: Vec::new(),
            saw_at: false,
            expanding_aliases: Vec::new(),
            exec_io: None,
            funcnames: Vec::new(),
            final_line: false,
            source_depth: 0,
            pending_opts: None,
            notes: Vec::new(),
            sys: crate::commands::SysState::default(),
            executed: std::collections::BTreeSet::new(),
            llm: None,
        };
        it.init_vars();
        it
    }

    /// The vfs acting context.
    pub(crate) fn fs_ctx(&self) -> Ctx {
        Ctx {
            uid: self.user.uid,
            gid: self.user.gid,
            now: self.now.unix_timestamp(),
        }
    }

    // ---- budgets ------------------------------------------------------------------------

    /// Counts a simple command against the caps.
    pub(crate) fn tick_command(&mut self) -> Res<()> {
        self.budget.commands += 1;
        if self.budget.commands > self.limits.max_commands_per_line || self.out.truncated {
            return Err(Ctl::Stop);
        }
        Ok(())
    }

    /// Counts a loop iteration against the caps.
    pub(crate) fn tick_loop(&mut self) -> Res<()> {
        self.budget.iterations += 1;
        if self.budget.iterations > self.limits.max_loop_iterations || self.out.truncated {
            return Err(Ctl::Stop);
        }
        Ok(())
    }

    /// Pattern-matching budget left for this line.
    pub(crate) fn steps_left(&self) -> u64 {
        MAX_STEPS.saturating_sub(self.budget.steps)
    }

    /// Charges pattern-matching steps (`left` is what remains after the work).
    pub(crate) fn charge_steps(&mut self, before: u64, left: u64) {
        self.budget.steps += before.saturating_sub(left);
    }

    /// Enters one level of execution nesting (stack guard).
    pub(crate) fn enter(&mut self) -> Res<()> {
        #[cfg(test)]
        {
            let marker = 0u8;
            let sp = std::ptr::addr_of!(marker) as usize;
            STACK_PROBE.with(|c| {
                let (base, max, maxnest) = c.get();
                let base = if base == 0 || self.nest == 0 {
                    sp
                } else {
                    base
                };
                let used = base.saturating_sub(sp);
                c.set((
                    base,
                    max.max(used),
                    if used > max { self.nest } else { maxnest },
                ));
            });
        }
        if self.nest >= MAX_NEST {
            return Err(Ctl::Stop);
        }
        self.nest += 1;
        Ok(())
    }

    /// Leaves a level entered with [`Interp::enter`].
    pub(crate) fn leave(&mut self) {
        self.nest = self.nest.saturating_sub(1);
    }

    /// Runs `f` as a subshell: state changes are discarded, `exit` ends only the subshell.
    pub(crate) fn subshell<F>(&mut self, f: F) -> Res<i32>
    where
        F: FnOnce(&mut Interp) -> Res<i32>,
    {
        self.depth += 1;
        if self.depth > self.limits.max_call_depth {
            self.depth -= 1;
            return Err(Ctl::Stop);
        }
        let saved = self.st.clone();
        let saved_shells = self.shells.len();
        let (fd, ld) = (self.func_depth, self.loop_depth);
        let r = f(self);
        self.st = saved;
        self.shells.truncate(saved_shells);
        self.func_depth = fd;
        self.loop_depth = ld;
        self.depth -= 1;
        match r {
            Ok(s) => Ok(s),
            Err(Ctl::Exit(s)) | Err(Ctl::Abort(s)) | Err(Ctl::Return(s)) => Ok(s),
            Err(Ctl::Break(_)) | Err(Ctl::Continue(_)) => Ok(self.status),
            Err(Ctl::Stop) => Err(Ctl::Stop),
        }
    }

    /// A new process id (for `$!`, `[1] PID`, `$BASHPID`).
    pub(crate) fn spawn_pid(&mut self) -> u32 {
        self.next_pid += 1 + (self.rng.below(3) as u32);
        self.next_pid
    }
}

#[cfg(test)]
thread_local! {
    pub(crate) static STACK_PROBE: std::cell::Cell<(usize, usize, usize)> = const { std::cell::Cell::new((0, 0, 0)) };
}

#[cfg(test)]
pub(crate) mod tests;
#[cfg(test)]
mod tests_caps;
#[cfg(test)]
mod tests_expand;
#[cfg(test)]
mod tests_modes;
