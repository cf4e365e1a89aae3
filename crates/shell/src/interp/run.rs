//! Running text: a command line, `eval`, `sh -c`, a script or `$(...)` goes through the
//! prescan caps, the parser and the executor here; syntax errors and runtime errors get
//! bash's prefixes for the way this shell was started (`-bash: `, `bash: line 1: `,
//! `bash: -c: line 1: `, `sh: 1: `).
//!
//! Known limits: line numbers inside `eval`/`$(...)` texts are those of the outer line.

use time::OffsetDateTime;

use super::{Budget, Ctl, ErrCtx, Interp, Io, LineOut, MAX_NEST, Res, Sink, Text, parse, prescan};

impl Interp {
    /// Runs one command line (a pty line, a pipe line, or an exec request) and returns `$?`.
    /// Output is left in `self.out`.
    pub(crate) fn run_line(&mut self, text: &str, now: OffsetDateTime) -> i32 {
        self.now = now;
        self.budget = Budget::default();
        self.out = LineOut::default();
        self.inputs.clear();
        self.bufs.clear();
        self.files.clear();
        self.depth = 0;
        self.nest = 0;
        let io = Io::top();
        let mut r = self.run_text(text, &io, Text::Line);
        if (self.final_line || matches!(r, Err(Ctl::Exit(_))))
            && let Some(trap) = self.st.traps.remove("EXIT")
        {
            self.status = match r {
                Ok(s) | Err(Ctl::Exit(s)) => s,
                _ => self.status,
            };
            let keep = r;
            let _ = self.run_text(&trap, &io, Text::Nested);
            r = keep;
        }
        self.flush_files_from(0);
        if let Some(e) = &self.exec_io {
            let persistent = e
                .fds
                .iter()
                .all(|f| matches!(f, None | Some(Sink::Out | Sink::Err | Sink::Null)));
            if !persistent || e.stdin.is_some() {
                self.exec_io = None;
            }
        }
        let st = match r {
            Ok(s) | Err(Ctl::Return(s)) | Err(Ctl::Abort(s)) => s,
            Err(Ctl::Break(_)) | Err(Ctl::Continue(_)) => self.status,
            Err(Ctl::Exit(s)) => {
                self.do_exit(s);
                s
            }
            Err(Ctl::Stop) => self.status,
        };
        self.status = st;
        st
    }

    /// `exit` at this level: leaves a nested `bash`/`sh`, or ends the session.
    pub(crate) fn do_exit(&mut self, s: i32) {
        if let Some((state, err, interactive)) = self.shells.pop() {
            self.st = state;
            self.err = err;
            self.interactive = interactive;
            self.status = s;
        } else {
            self.exited = Some(s);
        }
    }

    /// Prescans, parses and runs a piece of shell text (a line, `eval`, `sh -c`, a script,
    /// `$(...)`). `top` marks the session's own line, whose syntax errors end a pipe-mode
    /// shell like bash's.
    pub(crate) fn run_text(&mut self, text: &str, io: &Io, kind: Text) -> Res<i32> {
        self.enter()?;
        let r = self.run_text_inner(text, io, kind);
        self.leave();
        r
    }

    fn run_text_inner(&mut self, text: &str, io: &Io, kind: Text) -> Res<i32> {
        let max_nesting = self
            .limits
            .max_nesting
            .min(MAX_NEST.saturating_sub(self.nest).max(4));
        let parsed = prescan::check(text, self.limits.max_line_bytes, max_nesting)
            .and_then(|()| parse::program(text));
        let program = match parsed {
            Ok(p) => p,
            Err(parse::SyntaxError::HereDoc { tags }) => {
                let tags = if tags.iter().all(|t| t.is_empty()) {
                    parse::heredoc_tags(text)
                } else {
                    tags
                };
                let mut fixed = text.to_string();
                for t in &tags {
                    let tag = t.trim_matches(|c| c == '\'' || c == '"');
                    let line = text.lines().count().max(1);
                    self.syntax_warn(
                        io,
                        line,
                        &format!(
                            "warning: here-document at line 1 delimited by end-of-file (wanted `{tag}')"
                        ),
                    );
                    fixed.push('\n');
                    fixed.push_str(tag);
                }
                fixed.push('\n');
                match parse::program(&fixed) {
                    Ok(p) => p,
                    Err(e) => return self.syntax_error(text, &e, io, kind == Text::Line),
                }
            }
            Err(e) => return self.syntax_error(text, &e, io, kind == Text::Line),
        };
        self.exec_program(&program, io, kind != Text::Nested)
    }

    fn syntax_warn(&mut self, io: &Io, line: usize, msg: &str) {
        self.lineno = self.line_base + line.saturating_sub(1);
        let p = self.prefix();
        self.emit_str(io, 2, &format!("{p}{msg}\n"));
    }

    fn syntax_error(&mut self, text: &str, e: &parse::SyntaxError, io: &Io, top: bool) -> Res<i32> {
        let line = e.line();
        if self.err.ctx == ErrCtx::Dash {
            let msg = match e {
                parse::SyntaxError::Near { token, .. } => {
                    let t = if token == "newline" {
                        "newline".to_string()
                    } else {
                        token.clone()
                    };
                    format!("Syntax error: \"{t}\" unexpected")
                }
                parse::SyntaxError::Matching { .. } => {
                    "Syntax error: Unterminated quoted string".into()
                }
                _ => "Syntax error: end of file unexpected".into(),
            };
            let p = self.syntax_prefix(line);
            self.emit_str(io, 2, &format!("{p}{msg}\n"));
        } else {
            let p = self.syntax_prefix(line);
            let mut s = format!("{p}{}\n", e.message());
            if e.echoes_line() && self.err.ctx != ErrCtx::Interactive {
                let src = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
                s.push_str(&format!("{p}`{src}'\n"));
            }
            self.emit_str(io, 2, &s);
        }
        self.status = 2;
        if top && self.err.ctx != ErrCtx::Interactive {
            return Err(Ctl::Exit(2));
        }
        Ok(2)
    }

    /// Prefix of a syntax error: `-bash: `, `bash: -c: line 1: `, `f.sh: line 3: `.
    pub(crate) fn syntax_prefix(&self, line: usize) -> String {
        let n = &self.err.name;
        match self.err.ctx {
            ErrCtx::Interactive => format!("{n}: "),
            ErrCtx::CString => format!("{n}: -c: line {line}: "),
            ErrCtx::Lines => format!("{n}: line {line}: "),
            ErrCtx::Dash => format!("{n}: {line}: "),
        }
    }

    /// Prefix of a runtime error: `-bash: `, `bash: line 1: `, `sh: 1: `.
    pub(crate) fn prefix(&self) -> String {
        let n = &self.err.name;
        let l = self.lineno;
        match self.err.ctx {
            ErrCtx::Interactive => format!("{n}: "),
            ErrCtx::CString if self.func_depth > 0 => format!("environment: line {l}: "),
            ErrCtx::CString | ErrCtx::Lines => format!("{n}: line {l}: "),
            ErrCtx::Dash => format!("{n}: {l}: "),
        }
    }

    /// Prints `PREFIX msg\n` on the given io's stderr.
    pub(crate) fn error(&mut self, io: &Io, msg: &str) {
        let s = format!("{}{msg}\n", self.prefix());
        self.emit_str(io, 2, &s);
    }
}
