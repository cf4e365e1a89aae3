//! Simple commands: assignments, word expansion, redirections, alias expansion, `set -x`
//! tracing, and command resolution: function → builtin → path (with `/`) → `$PATH` search.
//!
//! A file found in the VFS runs as: the emulated command from the table (by path, or by
//! name for an ELF copy of it), the interpreter itself for `bash`/`sh`/`dash`, a shell
//! script (with or without `#!`), or, for an x86-64 ELF we do not emulate, a program that
//! "runs" and prints nothing (exit 0). A non-x86-64 ELF fails with "Exec format error".
//!
//! Known limits: scripts with a non-shell interpreter (`#!/usr/bin/python3`) are treated
//! like a silent binary; `<(cmd)` arguments become `/dev/fd/63`, which cannot be read.

use brush_parser::ast::{self, AssignmentName, AssignmentValue, CommandPrefixOrSuffixItem as Item};
use miragepot_vfs::path;

use crate::commands::{self, CmdCtx, Command, MAX_NOTES};
use crate::env::Var;
use crate::output::Output;

use super::redirect::can_access;
use super::{Ctl, ErrCtx, Interp, Io, Res, Sink, Text};

/// Builtins whose prefix assignments persist (POSIX special builtins).
/// Distinct executed files kept per session.
const MAX_EXECUTED: usize = 256;

const SPECIAL: &[&str] = &[
    ":", ".", "source", "break", "continue", "eval", "exec", "exit", "export", "readonly",
    "return", "set", "shift", "times", "trap", "unset",
];

const DECLARATION: &[&str] = &["export", "declare", "typeset", "local", "readonly"];

enum Word<'a> {
    Plain(&'a str),
    Assign(&'a ast::Assignment, &'a str),
    ProcSub,
}

/// Shell quoting for `set -x` traces.
fn trace_quote(s: &str) -> String {
    if !s.is_empty()
        && !s
            .chars()
            .any(|c| c.is_whitespace() || "'\"\\$`*?[]{}()<>|&;!#~".contains(c))
    {
        s.to_string()
    } else {
        super::vars::squote_always(s)
    }
}

impl Interp {
    pub(crate) fn exec_simple(&mut self, cmd: &ast::SimpleCommand, io: &Io) -> Res<i32> {
        self.tick_command()?;
        if self.depth == 0
            && let Some(loc) = brush_parser::ast::SourceLocation::location(cmd)
        {
            self.lineno = self.line_base + loc.start.line.saturating_sub(1);
        }
        let mut assigns: Vec<&ast::Assignment> = Vec::new();
        let mut words: Vec<Word<'_>> = Vec::new();
        let mut redirs: Vec<&ast::IoRedirect> = Vec::new();
        for it in cmd.prefix.iter().flat_map(|p| p.0.iter()) {
            match it {
                Item::IoRedirect(r) => redirs.push(r),
                Item::AssignmentWord(a, _) => assigns.push(a),
                Item::Word(w) => words.push(Word::Plain(&w.value)),
                Item::ProcessSubstitution(..) => words.push(Word::ProcSub),
            }
        }
        if let Some(w) = &cmd.word_or_name {
            words.push(Word::Plain(&w.value));
        }
        for it in cmd.suffix.iter().flat_map(|p| p.0.iter()) {
            match it {
                Item::IoRedirect(r) => redirs.push(r),
                Item::AssignmentWord(a, w) => words.push(Word::Assign(a, &w.value)),
                Item::Word(w) => words.push(Word::Plain(&w.value)),
                Item::ProcessSubstitution(..) => words.push(Word::ProcSub),
            }
        }
        if let Some(st) = self.try_alias(cmd, &words, io)? {
            return Ok(st);
        }
        self.subst_status = None;
        let mut argv: Vec<String> = Vec::new();
        for w in &words {
            match w {
                Word::Plain(s) => self.expand_fields(io, s, &mut argv)?,
                Word::Assign(a, raw) => {
                    let decl = argv
                        .first()
                        .is_some_and(|c| DECLARATION.contains(&c.as_str()));
                    match (&a.name, &a.value, decl) {
                        (AssignmentName::VariableName(n), AssignmentValue::Scalar(v), true) => {
                            let v = self.expand_assign(io, &v.value)?;
                            let op = if a.append { "+=" } else { "=" };
                            argv.push(format!("{n}{op}{v}"));
                        }
                        _ => self.expand_fields(io, raw, &mut argv)?,
                    }
                }
                Word::ProcSub => argv.push("/dev/fd/63".into()),
            }
            if argv.len() > super::MAX_WORDS {
                return Err(Ctl::Stop);
            }
        }
        let scope = self.open_scope();
        let io2 = match self.apply_redirects(&redirs, io)? {
            Ok(io2) => io2,
            Err(st) => {
                self.close_scope(scope);
                self.status = st;
                return Ok(st);
            }
        };
        if argv.len() == 1
            && argv.first().is_some_and(|a| a == "exec")
            && !self.st.funcs.contains_key("exec")
        {
            if !redirs.is_empty() {
                self.sync_files();
                self.exec_io = Some(io2);
            }
            self.status = 0;
            return Ok(0);
        }
        let r = self.simple_with(&argv, &assigns, &io2);
        self.close_scope(scope);
        let st = r?;
        self.status = st;
        Ok(st)
    }

    fn simple_with(&mut self, argv: &[String], assigns: &[&ast::Assignment], io: &Io) -> Res<i32> {
        if argv.is_empty() {
            for a in assigns {
                if !self.do_assignment(io, a, false)? {
                    return Err(if self.interactive {
                        Ctl::Abort(1)
                    } else {
                        Ctl::Exit(1)
                    });
                }
            }
            return Ok(self.subst_status.unwrap_or(0));
        }
        let name = argv.first().cloned().unwrap_or_default();
        let special = SPECIAL.contains(&name.as_str());
        let mut saved: Vec<(String, Option<Var>)> = Vec::new();
        for a in assigns {
            if !special && let AssignmentName::VariableName(n) = &a.name {
                let old = self
                    .st
                    .env
                    .all()
                    .find(|(k, _)| k == n)
                    .map(|(_, v)| v.clone());
                saved.push((n.clone(), old));
            }
            self.do_assignment(io, a, !special)?;
        }
        if self.st.opts.xtrace {
            let ps4 = self.get_var("PS4").unwrap_or_else(|| "+ ".into());
            let line: Vec<String> = argv.iter().map(|a| trace_quote(a)).collect();
            self.emit_str(io, 2, &format!("{ps4}{}\n", line.join(" ")));
        }
        let r = self.run_argv(argv, io);
        for (n, old) in saved.into_iter().rev() {
            match old {
                Some(v) if v.exported => self.st.env.export(&n, &v.value),
                Some(v) => {
                    self.st.env.unset(&n);
                    self.st.env.set(&n, &v.value);
                }
                None => self.st.env.unset(&n),
            }
        }
        if let Some(last) = argv.last() {
            self.st.env.unset("_");
            self.st.env.set("_", last);
        }
        r
    }

    /// Performs `NAME=value` / `NAME+=value` / `NAME=(...)` / `NAME[i]=v`.
    fn do_assignment(&mut self, io: &Io, a: &ast::Assignment, export: bool) -> Res<bool> {
        match (&a.name, &a.value) {
            (AssignmentName::VariableName(n), AssignmentValue::Scalar(w)) => {
                let mut v = self.expand_assign(io, &w.value)?;
                if a.append && self.st.integers.contains(n) {
                    let old = self.get_var(n).unwrap_or_default();
                    v = format!(
                        "({}) + ({v})",
                        if old.is_empty() { "0" } else { old.as_str() }
                    );
                } else if a.append {
                    v = format!("{}{v}", self.get_var(n).unwrap_or_default());
                }
                if self.st.opts.xtrace {
                    let ps4 = self.get_var("PS4").unwrap_or_else(|| "+ ".into());
                    self.emit_str(io, 2, &format!("{ps4}{n}={}\n", trace_quote(&v)));
                }
                if !self.assign(io, n, &v)? {
                    return Ok(false);
                }
                if export {
                    self.st.env.mark_exported(n);
                }
                Ok(true)
            }
            (AssignmentName::ArrayElementName(n, idx), AssignmentValue::Scalar(w)) => {
                let i = match self.arith_expand_eval(io, idx, None)? {
                    Ok(i) => i,
                    Err(()) => return Ok(false),
                };
                let mut v = self.expand_assign(io, &w.value)?;
                if a.append {
                    let old = self
                        .st
                        .arrays
                        .get(n)
                        .and_then(|m| m.get(&i))
                        .cloned()
                        .unwrap_or_default();
                    v = format!("{old}{v}");
                }
                {
                    let r = self.set_elem(n, i, &v);
                    self.elem_result(io, n, r)
                }
            }
            (AssignmentName::VariableName(n), AssignmentValue::Array(items)) => {
                let mut vals = Vec::new();
                for (k, w) in items {
                    let key = match k {
                        Some(k) => match self.arith_expand_eval(io, &k.value, None)? {
                            Ok(i) => Some(i),
                            Err(()) => return Ok(false),
                        },
                        None => None,
                    };
                    let mut fields = Vec::new();
                    self.expand_fields(io, &w.value, &mut fields)?;
                    if key.is_some() {
                        vals.push((key, fields.join(" ")));
                    } else {
                        vals.extend(fields.into_iter().map(|f| (None, f)));
                    }
                }
                {
                    let r = self.set_array(n, vals, a.append);
                    self.elem_result(io, n, r)
                }
            }
            (AssignmentName::ArrayElementName(n, _), AssignmentValue::Array(_)) => {
                self.error(io, &format!("{n}: cannot assign list to array member"));
                Ok(false)
            }
        }
    }

    fn elem_result(&mut self, io: &Io, n: &str, r: Result<(), super::vars::VarErr>) -> Res<bool> {
        match r {
            Ok(()) => Ok(true),
            Err(super::vars::VarErr::Readonly) => {
                self.error(io, &format!("{n}: readonly variable"));
                Ok(false)
            }
            Err(super::vars::VarErr::Cap) => Err(Ctl::Stop),
        }
    }

    /// Interactive alias expansion of the command word: the alias text replaces it and the
    /// result is parsed again.
    fn try_alias(
        &mut self,
        cmd: &ast::SimpleCommand,
        words: &[Word<'_>],
        io: &Io,
    ) -> Res<Option<i32>> {
        if !self.interactive || self.st.aliases.is_empty() || cmd.prefix.is_some() {
            return Ok(None);
        }
        let Some(Word::Plain(first)) = words.first() else {
            return Ok(None);
        };
        let Some(value) = self.st.aliases.get(*first).cloned() else {
            return Ok(None);
        };
        if self.expanding_aliases.iter().any(|a| a == first) {
            return Ok(None);
        }
        let full = cmd.to_string();
        let rest = full.strip_prefix(*first).unwrap_or("");
        let text = format!("{value}{rest}");
        self.expanding_aliases.push((*first).to_string());
        let r = self.run_text(&text, io, Text::Nested);
        self.expanding_aliases.pop();
        r.map(Some)
    }

    /// Runs an expanded command line: function, builtin, or program.
    pub(crate) fn run_argv(&mut self, argv: &[String], io: &Io) -> Res<i32> {
        let Some(name) = argv.first() else {
            return Ok(0);
        };
        if let Some(body) = self.st.funcs.get(name).cloned() {
            return self.call_function(name, &body, argv, io);
        }
        if let Some(st) = self.run_builtin(name, argv, io)? {
            return Ok(st);
        }
        self.run_program(argv, io)
    }

    /// Finds `name` in `$PATH`: the first executable regular file.
    pub(crate) fn path_lookup(&mut self, name: &str) -> Option<String> {
        let path_var = self.get_var("PATH").unwrap_or_default();
        let ctx_uid = (self.user.uid, self.user.gid);
        for dir in path_var.split(':') {
            let dir = if dir.is_empty() { "." } else { dir };
            let cand = path::child(dir, name);
            if let Ok(m) = self.fs.stat(&self.st.cwd, &cand)
                && !m.is_dir()
                && can_access(&m, ctx_uid.0, ctx_uid.1, 1)
            {
                return Some(cand);
            }
        }
        None
    }

    /// Runs something that is not a function or builtin.
    pub(crate) fn run_program(&mut self, argv: &[String], io: &Io) -> Res<i32> {
        let Some(name) = argv.first().cloned() else {
            return Ok(0);
        };
        if name.contains('/') {
            return self.run_path(&name, &name, argv, io);
        }
        let hashed = self.hash.get(&name).map(|(p, _)| p.clone());
        let found = match hashed {
            Some(p) if self.fs.exists(&self.st.cwd, &p) => Some(p),
            _ => self.path_lookup(&name),
        };
        match found {
            Some(p) => {
                let e = self.hash.entry(name.clone()).or_insert((p.clone(), 0));
                e.1 += 1;
                self.run_path(&name, &p, argv, io)
            }
            None => {
                self.note_unknown(&name, false);
                if name.is_empty() {
                    self.error(io, ": command not found");
                } else if self.err.ctx == ErrCtx::Dash {
                    self.error(io, &format!("{name}: not found"));
                } else {
                    self.error(io, &format!("{name}: command not found"));
                }
                Ok(127)
            }
        }
    }

    /// Runs the file at `p` (reported as `display` in errors).
    fn run_path(&mut self, display: &str, p: &str, argv: &[String], io: &Io) -> Res<i32> {
        let cwd = self.st.cwd.clone();
        let meta = match self.fs.stat(&cwd, p) {
            Ok(m) => m,
            Err(e) => {
                self.note_unknown(display, false);
                let code = if e == miragepot_vfs::FsError::NotFound {
                    127
                } else {
                    126
                };
                self.error(io, &format!("{display}: {e}"));
                return Ok(code);
            }
        };
        if meta.is_dir() {
            self.error(io, &format!("{display}: Is a directory"));
            return Ok(126);
        }
        if !can_access(&meta, self.user.uid, self.user.gid, 1) {
            self.error(io, &format!("{display}: Permission denied"));
            return Ok(126);
        }
        let abs = path::normalize(&cwd, p);
        let canon = self
            .fs
            .canonicalize(&cwd, p)
            .unwrap_or_else(|_| abs.clone());
        self.note_executed(&cwd, p, &canon);
        if let Some(st) = self.run_wrapper(&canon, argv, io)? {
            return Ok(st);
        }
        if let Some(st) = self.run_privileged(&canon, argv, io)? {
            return Ok(st);
        }
        if let Some(c) = commands::by_path(&abs).or_else(|| commands::by_path(&canon)) {
            return self.run_table(c, argv, io, &abs);
        }
        match canon.as_str() {
            "/usr/bin/bash" | "/usr/bin/rbash" => return self.run_shell(false, argv, io),
            "/usr/bin/dash" => return self.run_shell(true, argv, io),
            _ => {}
        }
        let ctx = self.fs_ctx();
        let head = match self.fs.read(&cwd, p, &ctx, 64) {
            Ok(h) => h.into_owned(),
            Err(e) => {
                self.error(io, &format!("{display}: {e}"));
                return Ok(126);
            }
        };
        if head.starts_with(b"\x7fELF") {
            let base = path::basename(&canon).to_string();
            if let Some(c) = commands::by_name(&base) {
                return self.run_table(c, argv, io, &abs);
            }
            if head.get(18..20) == Some(&[0x3e, 0][..]) {
                if let Some(st) = self.llm_command(&canon, argv, io) {
                    return Ok(st);
                }
                self.note_unknown(display, true);
                return Ok(0);
            }
            self.error(
                io,
                &format!("{display}: cannot execute binary file: Exec format error"),
            );
            return Ok(126);
        }
        if let Some(st) = self.builtin_fallback(path::basename(&canon), argv, io)? {
            return Ok(st);
        }
        self.run_script_file(display, &abs, argv, io)
    }

    /// Records a command that could not be run (bounded: the first 64 per line).
    pub(crate) fn note_unknown(&mut self, name: &str, installed: bool) {
        if self.notes.len() < MAX_NOTES {
            self.notes.push(crate::Observation::CommandUnknown {
                name: name.chars().take(256).collect(),
                installed,
            });
        }
    }

    /// Records a run of a file the session wrote (once per content), keeping its bytes.
    pub(crate) fn note_executed(&mut self, cwd: &str, p: &str, canon: &str) {
        use sha2::Digest;
        if self.notes.len() >= MAX_NOTES || self.executed.len() >= MAX_EXECUTED {
            return;
        }
        let Some(bytes) = self.fs.written_content(cwd, p) else {
            return;
        };
        let sha256 = hex::encode(sha2::Sha256::digest(bytes));
        if !self.executed.insert(sha256.clone()) {
            return;
        }
        let bytes = bytes.to_vec();
        self.notes.push(crate::Observation::FileExecuted {
            path: canon.to_string(),
            sha256,
            bytes,
        });
    }

    /// Runs a command from the table with the session's context.
    pub(crate) fn run_table(
        &mut self,
        c: &'static dyn Command,
        argv: &[String],
        io: &Io,
        path: &str,
    ) -> Res<i32> {
        self.sync_files();
        let stdin = self.take_stdin(io);
        let cap_for = |s: Option<Sink>, me: &Interp| match s {
            Some(Sink::Out | Sink::Err) => me.output_room(),
            Some(Sink::Null) | None => 1 << 16,
            _ => me.limits.max_output_bytes.saturating_mul(4).max(1 << 16),
        };
        let mut out = Output::new(cap_for(io.fds[1], self));
        let mut err = Output::new(cap_for(io.fds[2], self));
        self.st.env.export("_", path);
        // Stdout is the session's terminal only for an unredirected command in a pty session.
        let stdout_is_tty = matches!(io.fds[1], Some(Sink::Out)) && self.session.tty.is_some();
        let session = self.session.clone();
        let status = {
            let mut ctx = CmdCtx {
                fs: &mut self.fs,
                env: &mut self.st.env,
                cwd: &self.st.cwd,
                user: &self.user,
                persona: &self.persona,
                stdin: &stdin,
                stdout: &mut out,
                stderr: &mut err,
                now: self.now,
                rng: &mut self.rng,
                session: &session,
                stdout_is_tty,
                notes: &mut self.notes,
                sys: &mut self.sys,
            };
            c.run(&mut ctx, argv)
        };
        self.emit(io, 1, out.as_bytes());
        self.emit(io, 2, err.as_bytes());
        if self.sys.halted {
            // The machine is going down: sshd dies with it, so the session ends here, through
            // every subshell and nested shell, with nothing more printed.
            self.exited = Some(status);
            return Err(Ctl::Stop);
        }
        Ok(status)
    }

    /// Runs a shell script file (from `./x.sh` or a `$PATH` hit) in a child shell.
    fn run_script_file(&mut self, display: &str, abs: &str, argv: &[String], io: &Io) -> Res<i32> {
        self.sync_files();
        let ctx = self.fs_ctx();
        let content = match self.fs.read("/", abs, &ctx, 1 << 20) {
            Ok(c) => super::expand::bytes_to_string(&c),
            Err(e) => {
                self.error(io, &format!("{display}: {e}"));
                return Ok(126);
            }
        };
        let mut dash = false;
        if let Some(first) = content.lines().next().and_then(|l| l.strip_prefix("#!")) {
            let mut parts = first.split_whitespace();
            let prog = parts.next().unwrap_or("");
            let arg = parts.next().unwrap_or("");
            let base = path::basename(prog);
            let shell = match (base, arg) {
                ("bash" | "rbash", _) => Some(false),
                ("sh" | "dash", _) => Some(true),
                ("env", "bash") => Some(false),
                ("env", "sh" | "dash") => Some(true),
                _ => None,
            };
            match shell {
                Some(d) => dash = d,
                None => {
                    if prog.is_empty() || !self.fs.exists("/", prog) {
                        self.error(
                            io,
                            &format!(
                                "{display}: {prog}: bad interpreter: No such file or directory"
                            ),
                        );
                        return Ok(126);
                    }
                    return Ok(0);
                }
            }
        }
        self.run_child_shell(
            &content,
            display,
            dash,
            false,
            argv.get(1..).unwrap_or(&[]),
            io,
        )
    }

    /// Runs `text` as a new shell process: exported variables only, no functions or
    /// aliases, its own `$0` and positional parameters, errors named after `name`.
    pub(crate) fn run_child_shell(
        &mut self,
        text: &str,
        name: &str,
        dash: bool,
        cstring: bool,
        args: &[String],
        io: &Io,
    ) -> Res<i32> {
        let saved_err = self.err.clone();
        let saved_inter = self.interactive;
        let saved_line = (self.lineno, self.line_base);
        let name = name.to_string();
        let args = args.to_vec();
        let r = self.subshell(|s| {
            let exported: Vec<(String, String)> =
                s.st.env
                    .exported()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
            let mut env = crate::env::Env::default();
            for (k, v) in exported {
                env.export(&k, &v);
            }
            let lvl = env
                .get("SHLVL")
                .and_then(|v| v.parse::<i64>().ok())
                .unwrap_or(0)
                + 1;
            env.export("SHLVL", &lvl.to_string());
            env.set("IFS", " \t\n");
            env.set("PS4", "+ ");
            s.st.env = env;
            s.st.funcs.clear();
            s.st.aliases.clear();
            s.st.arrays.clear();
            s.st.locals.clear();
            s.st.readonly.clear();
            s.st.positional = args;
            s.st.arg0 = name.clone();
            s.st.opts = super::Opts::default();
            if let Some((x, e)) = s.pending_opts.take() {
                s.st.opts.xtrace = x;
                s.st.opts.errexit = e;
            }
            s.interactive = false;
            s.func_depth = 0;
            s.loop_depth = 0;
            s.line_base = 1;
            s.lineno = 1;
            s.err = super::ErrName {
                name,
                ctx: if dash {
                    ErrCtx::Dash
                } else if cstring {
                    ErrCtx::CString
                } else {
                    ErrCtx::Lines
                },
            };
            s.init_vars();
            s.run_text(text, io, Text::Script)
        });
        self.err = saved_err;
        self.interactive = saved_inter;
        (self.lineno, self.line_base) = saved_line;
        r
    }
}
