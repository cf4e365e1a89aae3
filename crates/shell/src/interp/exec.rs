//! Executing the AST: lists (`;`, `&`), and-or lists, pipelines, compound commands (`if`,
//! `for`, `while`, `until`, `case`, `{ }`, `( )`, `(( ))`, `[[ ]]`) and function
//! definitions. Simple commands are in [`super::simple`].
//!
//! A pipeline runs its stages in order, each in a subshell, the captured stdout of one
//! becoming the stdin of the next. `cmd &` runs at once (printing `[1] PID` when
//! interactive) and is reported `Done` before a later prompt.
//!
//! Known limits: no real concurrency (`yes | head` works because output is capped, not
//! because `head` closes the pipe); `coproc` runs its command like `&`; `select` is not
//! supported by the parser.

use std::sync::Arc;

use brush_parser::ast::{self, CaseItemPostAction, CompoundCommand as CC, SeparatorOperator};

use super::{Ctl, Interp, Io, Res, Sink, pattern};

impl Interp {
    /// Runs a parsed text. With `per_line`, an expansion error (`$((1/0))`, assignment to a
    /// read-only variable) abandons only its own line, as bash does when reading a script.
    pub(crate) fn exec_program(&mut self, p: &ast::Program, io: &Io, per_line: bool) -> Res<i32> {
        let mut st = self.status;
        for cc in &p.complete_commands {
            st = match self.exec_list(cc, io) {
                Err(Ctl::Abort(s)) if per_line => {
                    self.status = s;
                    s
                }
                r => r?,
            };
        }
        Ok(st)
    }

    pub(crate) fn exec_list(&mut self, l: &ast::CompoundList, io: &Io) -> Res<i32> {
        let mut st = self.status;
        let top = *io == Io::top();
        for ast::CompoundListItem(aol, sep) in &l.0 {
            let redirected = if top { self.exec_io.clone() } else { None };
            let io = redirected.as_ref().unwrap_or(io);
            st = match sep {
                SeparatorOperator::Sequence => self.exec_andor(aol, io)?,
                SeparatorOperator::Async => self.exec_async(aol, io)?,
            };
        }
        Ok(st)
    }

    fn exec_async(&mut self, aol: &ast::AndOrList, io: &Io) -> Res<i32> {
        let pid = self.spawn_pid();
        self.last_bg = Some(pid);
        let text = aol.to_string();
        self.note_started(pid, &text);
        if self.interactive && self.func_depth == 0 && self.depth == 0 {
            self.job_count += 1;
            let n = self.job_count;
            self.emit_str(io, 2, &format!("[{n}] {pid}\n"));
        }
        let mut bio = io.clone();
        bio.stdin = None;
        let r = self.subshell(|s| s.exec_andor(aol, &bio));
        let st = r?;
        if self.interactive && self.func_depth == 0 && self.depth == 0 {
            let n = self.job_count;
            self.done_jobs.push((n, st, text));
        }
        self.status = 0;
        Ok(0)
    }

    fn exec_andor(&mut self, aol: &ast::AndOrList, io: &Io) -> Res<i32> {
        let last_idx = aol.additional.len();
        let mut ran_last = last_idx == 0;
        let mut bang = aol.first.bang;
        self.cond_depth += u32::from(last_idx > 0);
        let first = self.exec_pipeline(&aol.first, io);
        self.cond_depth -= u32::from(last_idx > 0);
        let mut st = first?;
        for (i, ao) in aol.additional.iter().enumerate() {
            let is_last = i + 1 == last_idx;
            let (run, p) = match ao {
                ast::AndOr::And(p) => (st == 0, p),
                ast::AndOr::Or(p) => (st != 0, p),
            };
            if run {
                self.cond_depth += u32::from(!is_last);
                let r = self.exec_pipeline(p, io);
                self.cond_depth -= u32::from(!is_last);
                st = r?;
                ran_last = is_last;
                bang = p.bang;
            }
        }
        if st != 0 && ran_last && !bang && self.st.opts.errexit && self.cond_depth == 0 {
            return Err(Ctl::Exit(st));
        }
        Ok(st)
    }

    fn exec_pipeline(&mut self, p: &ast::Pipeline, io: &Io) -> Res<i32> {
        let n = p.seq.len();
        let mut st;
        if n == 1 {
            let cmd = p.seq.first().ok_or(Ctl::Stop)?;
            st = self.exec_command(cmd, io)?;
        } else {
            let base = self.inputs.len();
            let mut stdin = io.stdin;
            let mut worst = 0;
            st = 0;
            for (i, cmd) in p.seq.iter().enumerate() {
                self.tick_command()?;
                let mut sio = io.clone();
                sio.stdin = stdin;
                if i + 1 < n {
                    let b = self.push_buf();
                    sio.fds[1] = Some(Sink::Buf(b));
                    let r = self.subshell(|s| s.exec_command(cmd, &sio));
                    let data = self.pop_buf(b);
                    st = r?;
                    stdin = Some(self.push_input(data));
                } else {
                    st = self.subshell(|s| s.exec_command(cmd, &sio))?;
                }
                if st != 0 {
                    worst = st;
                }
            }
            self.inputs.truncate(base);
            if self.st.opts.pipefail {
                st = worst;
            }
        }
        if p.bang {
            st = i32::from(st == 0);
        }
        if let Some(t) = &p.timed {
            let s = if t.is_posix_output() {
                "real 0.00\nuser 0.00\nsys 0.00\n"
            } else {
                "\nreal\t0m0.001s\nuser\t0m0.000s\nsys\t0m0.000s\n"
            };
            self.emit_str(io, 2, s);
        }
        self.status = st;
        Ok(st)
    }

    pub(crate) fn exec_command(&mut self, c: &ast::Command, io: &Io) -> Res<i32> {
        match c {
            ast::Command::Simple(s) => self.exec_simple(s, io),
            ast::Command::Compound(cc, redirs) => {
                self.enter()?;
                let r = self.with_redirects(redirs.as_ref(), io, |s, io2| s.exec_compound(cc, io2));
                self.leave();
                r
            }
            ast::Command::Function(f) => {
                let name = f.fname.value.clone();
                if self.st.funcs.len() >= self.limits.max_vars && !self.st.funcs.contains_key(&name)
                {
                    return Err(Ctl::Stop);
                }
                self.st.funcs.insert(name, Arc::new(f.body.clone()));
                self.status = 0;
                Ok(0)
            }
            ast::Command::ExtendedTest(e, redirs) => {
                self.tick_command()?;
                let r = self.with_redirects(redirs.as_ref(), io, |s, io2| s.ext_test(io2, &e.expr));
                let st = r?;
                self.status = st;
                Ok(st)
            }
        }
    }

    /// Applies a redirect list around `f`, then closes it.
    pub(crate) fn with_redirects<F>(
        &mut self,
        redirs: Option<&ast::RedirectList>,
        io: &Io,
        f: F,
    ) -> Res<i32>
    where
        F: FnOnce(&mut Interp, &Io) -> Res<i32>,
    {
        let Some(list) = redirs else {
            return f(self, io);
        };
        let items: Vec<&ast::IoRedirect> = list.0.iter().collect();
        let scope = self.open_scope();
        let io2 = match self.apply_redirects(&items, io)? {
            Ok(io2) => io2,
            Err(st) => {
                self.close_scope(scope);
                self.status = st;
                return Ok(st);
            }
        };
        let r = f(self, &io2);
        self.close_scope(scope);
        r
    }

    fn loop_body(&mut self, body: &ast::CompoundList, io: &Io, st: &mut i32) -> Res<bool> {
        self.loop_depth += 1;
        let r = self.exec_list(body, io);
        self.loop_depth -= 1;
        match r {
            Ok(s) => {
                *st = s;
                Ok(true)
            }
            Err(Ctl::Break(n)) => {
                if n > 1 {
                    Err(Ctl::Break(n - 1))
                } else {
                    Ok(false)
                }
            }
            Err(Ctl::Continue(n)) => {
                if n > 1 {
                    Err(Ctl::Continue(n - 1))
                } else {
                    Ok(true)
                }
            }
            Err(e) => Err(e),
        }
    }

    fn condition(&mut self, l: &ast::CompoundList, io: &Io) -> Res<i32> {
        self.cond_depth += 1;
        let r = self.exec_list(l, io);
        self.cond_depth -= 1;
        r
    }

    fn exec_compound(&mut self, cc: &CC, io: &Io) -> Res<i32> {
        let st = match cc {
            CC::BraceGroup(b) => self.exec_list(&b.list, io)?,
            CC::Subshell(s) => self.subshell(|sh| sh.exec_list(&s.list, io))?,
            CC::IfClause(c) => {
                if self.condition(&c.condition, io)? == 0 {
                    self.exec_list(&c.then, io)?
                } else {
                    let mut st = 0;
                    for e in c.elses.iter().flatten() {
                        match &e.condition {
                            Some(cond) => {
                                if self.condition(cond, io)? == 0 {
                                    st = self.exec_list(&e.body, io)?;
                                    break;
                                }
                            }
                            None => {
                                st = self.exec_list(&e.body, io)?;
                                break;
                            }
                        }
                    }
                    st
                }
            }
            CC::WhileClause(w) => self.exec_while(w, false, io)?,
            CC::UntilClause(w) => self.exec_while(w, true, io)?,
            CC::ForClause(f) => self.exec_for(f, io)?,
            CC::ArithmeticForClause(f) => self.exec_arith_for(f, io)?,
            CC::CaseClause(c) => self.exec_case(c, io)?,
            CC::Arithmetic(a) => {
                self.tick_command()?;
                match self.arith_expand_eval(io, &a.expr.value, Some("(("))? {
                    Ok(v) => i32::from(v == 0),
                    Err(()) => 1,
                }
            }
            CC::Coprocess(c) => {
                let pid = self.spawn_pid();
                self.last_bg = Some(pid);
                self.subshell(|s| s.exec_command(&c.body, io))?;
                0
            }
        };
        self.status = st;
        Ok(st)
    }

    fn exec_while(&mut self, w: &ast::WhileOrUntilClauseCommand, until: bool, io: &Io) -> Res<i32> {
        let mut st = 0;
        loop {
            self.tick_loop()?;
            let c = self.condition(&w.0, io)?;
            if (c == 0) == until {
                break;
            }
            if !self.loop_body(&w.1.list, io, &mut st)? {
                break;
            }
        }
        Ok(st)
    }

    fn exec_for(&mut self, f: &ast::ForClauseCommand, io: &Io) -> Res<i32> {
        let values = match &f.values {
            Some(words) => {
                let ws: Vec<&str> = words.iter().map(|w| w.value.as_str()).collect();
                self.expand_words(io, &ws)?
            }
            None => self.st.positional.clone(),
        };
        let mut st = 0;
        for v in values {
            self.tick_loop()?;
            if !self.assign(io, &f.variable_name, &v)? {
                st = 1;
                break;
            }
            if !self.loop_body(&f.body.list, io, &mut st)? {
                break;
            }
        }
        Ok(st)
    }

    fn exec_arith_for(&mut self, f: &ast::ArithmeticForClauseCommand, io: &Io) -> Res<i32> {
        let mut st = 0;
        if let Some(init) = &f.initializer
            && self
                .arith_expand_eval(io, &init.value, Some("(("))
                .map(|r| r.is_err())?
        {
            return Ok(1);
        }
        loop {
            self.tick_loop()?;
            if let Some(c) = &f.condition {
                match self.arith_expand_eval(io, &c.value, Some("(("))? {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(()) => return Ok(1),
                }
            }
            if !self.loop_body(&f.body.list, io, &mut st)? {
                break;
            }
            if let Some(u) = &f.updater
                && self
                    .arith_expand_eval(io, &u.value, Some("(("))
                    .map(|r| r.is_err())?
            {
                return Ok(1);
            }
        }
        Ok(st)
    }

    fn exec_case(&mut self, c: &ast::CaseClauseCommand, io: &Io) -> Res<i32> {
        let word = self.expand_string(io, &c.value.value)?;
        let text: Vec<char> = word.chars().collect();
        let mut st = 0;
        let mut fall = false;
        let mut i = 0;
        while let Some(item) = c.cases.get(i) {
            i += 1;
            let mut hit = fall;
            if !hit {
                for p in &item.patterns {
                    let pat = self.expand_pattern(io, &p.value)?;
                    let compiled = pattern::compile(&pat);
                    let mut b = self.steps_left();
                    let before = b;
                    let m = pattern::matches(&compiled, &text, &mut b);
                    self.charge_steps(before, b);
                    if m.ok_or(Ctl::Stop)? {
                        hit = true;
                        break;
                    }
                }
            }
            if !hit {
                continue;
            }
            if let Some(cmd) = &item.cmd {
                st = self.exec_list(cmd, io)?;
            }
            match item.post_action {
                CaseItemPostAction::ExitCase => break,
                CaseItemPostAction::UnconditionallyExecuteNextCaseItem => fall = true,
                CaseItemPostAction::ContinueEvaluatingCases => fall = false,
            }
        }
        Ok(st)
    }

    /// Calls a shell function with `args` as its positional parameters.
    pub(crate) fn call_function(
        &mut self,
        name: &str,
        body: &ast::FunctionBody,
        argv: &[String],
        io: &Io,
    ) -> Res<i32> {
        self.depth += 1;
        if self.depth > self.limits.max_call_depth {
            self.depth -= 1;
            self.error(
                io,
                &format!(
                    "{name}: maximum function nesting level exceeded ({})",
                    self.limits.max_call_depth
                ),
            );
            return Err(Ctl::Abort(1));
        }
        let saved = std::mem::replace(
            &mut self.st.positional,
            argv.iter().skip(1).cloned().collect(),
        );
        self.st.locals.push(Vec::new());
        self.func_depth += 1;
        self.funcnames.push(name.to_string());
        let redirs = body.1.as_ref();
        let r = self.enter().and_then(|()| {
            let r = self.with_redirects(redirs, io, |s, io2| s.exec_compound(&body.0, io2));
            self.leave();
            r
        });
        self.func_depth -= 1;
        self.funcnames.pop();
        self.pop_locals();
        self.st.positional = saved;
        self.depth -= 1;
        match r {
            Ok(s) | Err(Ctl::Return(s)) => {
                self.status = s;
                Ok(s)
            }
            Err(e) => Err(e),
        }
    }
}
