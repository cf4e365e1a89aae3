//! The shell as a command: `bash`/`sh`/`dash` with `-c`, a script file, or stdin, and
//! `source`/`.`. All of them run through this interpreter, bounded by
//! `ShellLimits::max_call_depth`.
//!
//! An interactive `bash` or `sh` typed at the prompt (no arguments, no piped input) starts a
//! nested shell: `SHLVL` goes up, the prompt changes for `sh`, and `exit` returns to the
//! outer shell instead of closing the session.
//!
//! Known limits: option letters other than `-c -s -i -l -e -x` are accepted and ignored;
//! `--rcfile`/`--init-file` are ignored; dash's own messages are used only for "not found",
//! syntax errors and missing files.

use miragepot_vfs::path;

use super::{ErrCtx, ErrName, Interp, Io, Res, Text};

impl Interp {
    /// `bash ...` / `sh ...` (`dash` is true for dash).
    pub(crate) fn run_shell(&mut self, dash: bool, argv: &[String], io: &Io) -> Res<i32> {
        let invoked = argv
            .first()
            .map(|a| path::basename(a).to_string())
            .unwrap_or_else(|| "bash".into());
        let shell_name = if dash {
            invoked.clone()
        } else {
            "bash".to_string()
        };
        let mut i = 1;
        let mut cmd: Option<String> = None;
        let mut want_c = false;
        let mut xtrace = false;
        let mut errexit = false;
        while let Some(a) = argv.get(i) {
            if a == "--" || a == "-" {
                i += 1;
                break;
            }
            if let Some(long) = a.strip_prefix("--") {
                if dash {
                    self.error(io, "Illegal option --");
                    return Ok(2);
                }
                match long {
                    "version" => {
                        self.emit_str(io, 1, "GNU bash, version 5.2.15(1)-release (x86_64-pc-linux-gnu)\nCopyright (C) 2022 Free Software Foundation, Inc.\nLicense GPLv3+: GNU GPL version 3 or later <http://gnu.org/licenses/gpl.html>\n\nThis is free software; you are free to change and redistribute it.\nThere is NO WARRANTY, to the extent permitted by law.\n");
                        return Ok(0);
                    }
                    "help" => {
                        self.emit_str(io, 1, "GNU bash, version 5.2.15(1)-release-(x86_64-pc-linux-gnu)\nUsage:\tbash [GNU long option] [option] ...\n\tbash [GNU long option] [option] script-file ...\n");
                        return Ok(0);
                    }
                    "rcfile" | "init-file" => i += 1,
                    _ => {}
                }
                i += 1;
                continue;
            }
            if (a.starts_with('-') || a.starts_with('+')) && a.len() > 1 {
                for c in a.chars().skip(1) {
                    match c {
                        'c' => want_c = true,
                        'x' => xtrace = true,
                        'e' => errexit = true,
                        'o' | 'O' => i += 1,
                        _ => {}
                    }
                }
                i += 1;
                continue;
            }
            break;
        }
        let rest: Vec<String> = argv.get(i..).unwrap_or(&[]).to_vec();
        let mut rest = rest.into_iter();
        if want_c {
            match rest.next() {
                Some(c) => cmd = Some(c),
                None => {
                    if dash {
                        self.emit_str(
                            io,
                            2,
                            &format!("{shell_name}: 0: -c requires an argument\n"),
                        );
                    } else {
                        self.emit_str(io, 2, "bash: -c: option requires an argument\n");
                    }
                    return Ok(2);
                }
            }
        }
        let rest: Vec<String> = rest.collect();
        if let Some(c) = cmd {
            let name = rest.first().cloned().unwrap_or_else(|| shell_name.clone());
            let args = rest.get(1..).unwrap_or(&[]).to_vec();
            return self.with_opts(xtrace, errexit, |s| {
                s.run_child_shell(&c, &name, dash, true, &args, io)
            });
        }
        if let Some(file) = rest.first() {
            let ctx = self.fs_ctx();
            let cwd = self.st.cwd.clone();
            let canon = self
                .fs
                .canonicalize(&cwd, file)
                .unwrap_or_else(|_| miragepot_vfs::path::normalize(&cwd, file));
            self.note_executed(&cwd, file, &canon);
            let content = match self.fs.read(&cwd, file, &ctx, 1 << 20) {
                Ok(c) => super::expand::bytes_to_string(&c),
                Err(e) => {
                    if dash {
                        let e = if e == miragepot_vfs::FsError::NotFound {
                            "No such file".to_string()
                        } else {
                            e.to_string()
                        };
                        self.emit_str(
                            io,
                            2,
                            &format!("{shell_name}: 0: cannot open {file}: {e}\n"),
                        );
                        return Ok(2);
                    }
                    self.emit_str(io, 2, &format!("bash: {file}: {e}\n"));
                    return Ok(if e == miragepot_vfs::FsError::IsADirectory {
                        126
                    } else {
                        127
                    });
                }
            };
            let args = rest.get(1..).unwrap_or(&[]).to_vec();
            return self.with_opts(xtrace, errexit, |s| {
                s.run_child_shell(&content, file, dash, false, &args, io)
            });
        }
        if io.stdin.is_some() {
            let data = self.take_stdin(io);
            let text = super::expand::bytes_to_string(&data);
            return self.with_opts(xtrace, errexit, |s| {
                s.run_child_shell(&text, &shell_name, dash, false, &[], io)
            });
        }
        if self.interactive && self.depth == 0 && self.func_depth == 0 {
            self.shells
                .push((self.st.clone(), self.err.clone(), self.interactive));
            let lvl = self
                .get_var("SHLVL")
                .and_then(|v| v.parse::<i64>().ok())
                .unwrap_or(1)
                + 1;
            self.st.env.export("SHLVL", &lvl.to_string());
            self.st.arg0 = shell_name.clone();
            if dash {
                self.err = ErrName {
                    name: shell_name,
                    ctx: ErrCtx::Dash,
                };
                self.st.funcs.clear();
                self.st.aliases.clear();
            } else {
                self.err = ErrName {
                    name: "bash".into(),
                    ctx: ErrCtx::Interactive,
                };
            }
        }
        Ok(0)
    }

    fn with_opts<F>(&mut self, xtrace: bool, errexit: bool, f: F) -> Res<i32>
    where
        F: FnOnce(&mut Interp) -> Res<i32>,
    {
        if !xtrace && !errexit {
            return f(self);
        }
        let saved = self.st.opts;
        self.pending_opts = Some((xtrace, errexit));
        let r = f(self);
        self.pending_opts = None;
        self.st.opts = saved;
        r
    }

    /// `source FILE [ARGS]` / `. FILE [ARGS]`: runs a VFS file in the current shell.
    pub(crate) fn builtin_source(&mut self, io: &Io, argv: &[String]) -> Res<i32> {
        let name = argv.first().map(String::as_str).unwrap_or("source");
        let Some(file) = argv.get(1) else {
            self.error(io, &format!("{name}: filename argument required"));
            self.emit_str(
                io,
                2,
                &format!("{name}: usage: {name} filename [arguments]\n"),
            );
            return Ok(2);
        };
        let cwd = self.st.cwd.clone();
        let mut target = None;
        if !file.contains('/') {
            let path_var = self.get_var("PATH").unwrap_or_default();
            for dir in path_var.split(':') {
                let cand = path::child(if dir.is_empty() { "." } else { dir }, file);
                if self.fs.stat(&cwd, &cand).is_ok_and(|m| !m.is_dir()) {
                    target = Some(cand);
                    break;
                }
            }
        }
        let target = target.unwrap_or_else(|| file.clone());
        self.sync_files();
        let canon = self
            .fs
            .canonicalize(&cwd, &target)
            .unwrap_or_else(|_| miragepot_vfs::path::normalize(&cwd, &target));
        self.note_executed(&cwd, &target, &canon);
        let ctx = self.fs_ctx();
        let content = match self.fs.stat(&cwd, &target) {
            Ok(m) if m.is_dir() => {
                self.error(io, &format!("{name}: {file}: is a directory"));
                return Ok(1);
            }
            _ => match self.fs.read(&cwd, &target, &ctx, 1 << 20) {
                Ok(c) => super::expand::bytes_to_string(&c),
                Err(e) => {
                    self.error(io, &format!("{file}: {e}"));
                    return Ok(1);
                }
            },
        };
        self.depth += 1;
        if self.depth > self.limits.max_call_depth {
            self.depth -= 1;
            return Err(super::Ctl::Stop);
        }
        let args: Option<Vec<String>> = if argv.len() > 2 {
            Some(argv.get(2..).unwrap_or(&[]).to_vec())
        } else {
            None
        };
        let saved_pos = args.map(|a| std::mem::replace(&mut self.st.positional, a));
        let saved_err = self.err.clone();
        let saved_line = (self.lineno, self.line_base);
        if !self.interactive {
            self.err = ErrName {
                name: file.clone(),
                ctx: ErrCtx::Lines,
            };
        }
        self.source_depth += 1;
        let r = self.run_text(&content, io, Text::Script);
        self.source_depth -= 1;
        self.err = saved_err;
        (self.lineno, self.line_base) = saved_line;
        if let Some(p) = saved_pos {
            self.st.positional = p;
        }
        self.depth -= 1;
        match r {
            Err(super::Ctl::Return(s)) => Ok(s),
            other => other,
        }
    }
}
