//! Per-session limits: commands, input bytes and the wait of one command.
//!
//! A session that sends more than `max_input_bytes` or runs `max_commands` command lines is
//! ended: the driver emits `limit_hit` and returns an [`Output`] with `end` set, and the
//! front closes the channel and the connection (`session_end` reason `limit_reached`). A
//! command whose answer would wait longer than `max_command_time` (pacing of a simulated
//! download, the tarpit, later an LLM) waits only that long, with a `limit_hit`, and the
//! session goes on. The session-time limit is the front's (it owns the connection's timers).

use std::time::Duration;

use miragepot_event::{EndReason, EventKind, LimitHit, LimitKind};

use crate::session::{Output, SessionDriver};

/// The limits, from `[limits]`. Zero turns a limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    /// Command lines per session.
    pub max_commands: u64,
    /// Bytes of input (shell data and exec lines) per session.
    pub max_input_bytes: u64,
    /// Longest wait before one command's answer.
    pub max_command_time: Duration,
}

impl Default for SessionLimits {
    fn default() -> Self {
        SessionLimits {
            max_commands: 1000,
            max_input_bytes: 16 << 20,
            max_command_time: Duration::from_secs(30),
        }
    }
}

/// What a session used.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Usage {
    pub(crate) commands: u64,
    pub(crate) input_bytes: u64,
    /// Set once a limit ended the session: later input is ignored.
    pub(crate) ended: bool,
}

impl SessionDriver {
    /// Emits `limit_hit` and counts it (`stats.json`, `policy.limit_hits`).
    pub fn limit_hit(&mut self, limit: LimitKind, value: u64) {
        self.services.access.counters.limit_hit(limit);
        self.emit(EventKind::LimitHit(LimitHit { limit, value }));
    }

    fn ended_output(&mut self, limit: LimitKind, value: u64) -> Output {
        self.limit_hit(limit, value);
        self.usage.ended = true;
        Output {
            exit: Some(255),
            end: Some(EndReason::LimitReached),
            ..Output::default()
        }
    }

    /// Counts `n` bytes of input; an `Output` that ends the session when it is over the
    /// limit (or when a limit already ended it: nothing more reaches the shell).
    pub(crate) fn count_input(&mut self, n: usize) -> Option<Output> {
        if self.usage.ended {
            return Some(Output {
                end: Some(EndReason::LimitReached),
                ..Output::default()
            });
        }
        let max = self.services.limits.max_input_bytes;
        self.usage.input_bytes = self.usage.input_bytes.saturating_add(n as u64);
        (max > 0 && self.usage.input_bytes > max)
            .then(|| self.ended_output(LimitKind::InputBytes, max))
    }

    /// Applies the command-count and command-time limits to an answer.
    pub(crate) fn apply_limits(&mut self, mut out: Output) -> Output {
        let limits = self.services.limits;
        if !limits.max_command_time.is_zero() && out.delay > limits.max_command_time {
            out.delay = limits.max_command_time;
            let secs = limits.max_command_time.as_secs();
            self.limit_hit(LimitKind::CommandTime, secs);
        }
        if limits.max_commands > 0
            && self.usage.commands >= limits.max_commands
            && !self.usage.ended
        {
            let ended = self.ended_output(LimitKind::Commands, limits.max_commands);
            out.exit = out.exit.or(ended.exit);
            out.end = ended.end;
        }
        out
    }
}

#[cfg(test)]
#[path = "session_limits_tests.rs"]
mod tests;
