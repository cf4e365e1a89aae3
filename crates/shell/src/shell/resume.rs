//! Holding a line for the LLM fallback, and finishing it once the runtime has an answer.
//!
//! See [`crate::ask`] for the whole exchange. Here: [`Shell::hold`] parks the line, the input
//! after it and how it was running; [`Shell::resume`] records the resolution, runs the line
//! again with the clock it first had, finishes it as its mode would have (prompt, exit
//! status), and then feeds what arrived meanwhile.

use std::sync::Arc;

use time::OffsetDateTime;

use super::{Cont, Held, Mode, Shell, Step};
use crate::ask::{Ask, Oracle, Resolution};

/// Appends `more` to `step`.
fn merge(step: &mut Step, more: Step) {
    step.out.extend_from_slice(&more.out);
    step.err.extend_from_slice(&more.err);
    step.observations.extend(more.observations);
    step.exit = more.exit.or(step.exit);
    step.pace_ms = step.pace_ms.saturating_add(more.pace_ms);
    step.ask = more.ask;
}

impl Shell {
    /// Turns the LLM fallback on for this session: lines that need it are held and returned
    /// as [`Step::ask`], answered first from `oracle` (the shared cache).
    pub fn set_oracle(&mut self, oracle: Arc<dyn Oracle>) {
        self.interp.set_oracle(oracle);
    }

    /// Whether a line waits for [`Shell::resume`].
    pub fn is_held(&self) -> bool {
        self.held.is_some()
    }

    /// The line waiting for an LLM answer, if any (a session that ends meanwhile still
    /// reports what was typed).
    pub fn held_line(&self) -> Option<&str> {
        self.held.as_ref().map(|h| h.line.as_str())
    }

    /// The first of `paths` (absolute) this session's filesystem does not have: an answer
    /// that shows it as present would contradict the box.
    pub fn missing_path(&self, paths: &[String]) -> Option<String> {
        self.interp.first_missing(paths)
    }

    pub(super) fn hold(
        &mut self,
        mut ask: Ask,
        line: String,
        cont: Cont,
        rest: &[u8],
        now: OffsetDateTime,
        step: &mut Step,
    ) {
        self.held_asks = self.held_asks.saturating_add(1);
        ask.input = line.chars().take(8192).collect();
        self.held = Some(Held {
            key: ask.key.clone(),
            line,
            cont,
            now,
            input: rest.to_vec(),
            eof: false,
        });
        step.ask = Some(ask);
    }

    /// What follows a finished line in each mode.
    pub(super) fn after(&mut self, cont: Cont, step: &mut Step) {
        match cont {
            Cont::Pty => {
                self.finish(step);
                if !self.exited {
                    self.prompt(&mut step.out, false);
                }
            }
            Cont::Pipe | Cont::Eof => self.finish(step),
            Cont::Exec => {
                let status = self.interp.status;
                self.exec_done(status, step);
            }
        }
    }

    /// Settles the held line's question and finishes it, then goes on with the input that
    /// came meanwhile. The result may hold again (the next question of the line, or of a
    /// later one).
    pub fn resume(&mut self, resolution: Resolution, now: OffsetDateTime) -> Step {
        let mut step = Step::default();
        let Some(held) = self.held.take() else {
            return step;
        };
        if let Some(l) = self.interp.llm.as_mut() {
            l.settle(held.key.clone(), resolution);
        }
        self.interp.now = held.now;
        match self.run(&held.line, held.now, &mut step) {
            Ok(_) => self.after(held.cont, &mut step),
            Err(ask) => {
                self.hold(ask, held.line, held.cont, &held.input, held.now, &mut step);
                if let Some(h) = self.held.as_mut() {
                    h.eof = held.eof;
                }
                return step;
            }
        }
        if held.cont == Cont::Eof && !self.exited {
            merge(&mut step, self.eof(now));
            return step;
        }
        let queued = !held.input.is_empty() || self.mode == Mode::Pipe;
        if queued && !self.exited {
            merge(&mut step, self.feed(&held.input, now));
        }
        if held.eof {
            match self.held.as_mut() {
                Some(h) => h.eof = true,
                None => merge(&mut step, self.eof(now)),
            }
        }
        step
    }
}
