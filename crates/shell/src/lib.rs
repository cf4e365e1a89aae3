//! The bash emulator: a believable Debian 12 shell that never runs anything on the host.
//!
//! It is sans-I/O (rustls's rule): it takes bytes or command lines plus the current time and
//! returns a [`Step`] of output bytes, [`Observation`]s and an optional exit status. It never
//! waits, never touches the host's files or network, and the same input with the same seed and
//! clock gives the same bytes, which makes it testable with golden transcripts and fuzzable.
//!
//! # Layout
//! - [`persona`]: the machine as data (hostname, kernel, users, processes, filesystem).
//! - [`env`]: shell variables.
//! - [`output`]: capped output buffers.
//! - [`ask`]: the LLM fallback's questions and answers ([`Step::ask`], [`Shell::resume`]).
//! - [`commands`]: the command table, one unit struct per file.
//! - [`shell`]: the session-facing shell (modes, prompt, observations) over the private
//!   `interp` module, the bash interpreter.
#![deny(missing_docs)]

pub mod ask;
pub mod commands;
pub mod env;
mod interp;
pub mod machine;
pub mod output;
pub mod persona;
pub mod shell;
pub mod timing;
pub mod tty;

pub use ask::{AnswerSource, Ask, AskKind, Oracle, Resolution};
pub use commands::{COMMANDS, CmdCtx, Command, Rng, SessionInfo, SysState};
pub use output::Output;
pub use persona::{Persona, PersonaOverrides, User};
pub use shell::{Mode, SessionConfig, Shell, ShellLimits, Step};

/// Something the shell saw that the runtime turns into an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Observation {
    /// A command line was received.
    CommandInput {
        /// The line.
        line: String,
    },
    /// A command line finished.
    CommandResult {
        /// The line.
        line: String,
        /// Everything it printed (stdout and stderr, in order as shown), capped.
        output: Vec<u8>,
        /// Whether `output` was cut at the cap.
        truncated: bool,
        /// `$?` after the line.
        exit_code: i32,
    },
    /// A command name the shell could not run: not on the box, or installed but not emulated.
    CommandUnknown {
        /// The name as typed.
        name: String,
        /// Whether the persona has the program.
        installed: bool,
    },
    /// An answer of the LLM fallback was shown without a new call (from the shared cache or
    /// from this session's earlier answer).
    LlmAnswer {
        /// What was asked.
        ask: Ask,
        /// Where the answer came from.
        source: AnswerSource,
    },
    /// A simulated download (nothing is fetched).
    Download(Download),
    /// A file the session wrote was run (`./x`, `sh x.sh`): its bytes at that moment, so the
    /// artifact survives a later `rm`.
    FileExecuted {
        /// Absolute path.
        path: String,
        /// SHA-256 of `bytes`, hex.
        sha256: String,
        /// The content.
        bytes: Vec<u8>,
    },
}

/// One download attempt, as the tool understood it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    /// `wget`, `curl`, `tftp`, `ftpget`, `scp`, `busybox wget`.
    pub tool: String,
    /// The URL.
    pub url: String,
    /// Host name or address.
    pub host: String,
    /// Port.
    pub port: u16,
    /// Path of the saved file in the session's filesystem.
    pub destination: Option<String>,
    /// Size of the simulated file, when the transfer succeeded.
    pub size: Option<u64>,
    /// `saved`, `stdout`, `refused`, `dns_failed`, `bad_url` or `http_error`.
    pub outcome: String,
}
