//! Builtin dispatch and the builtins that steer the shell: `cd`, `pwd`, `echo`, `exit`,
//! `logout`, `return`, `break`, `continue`, `command`, `type`, `builtin`, `hash`.
//! Texts and exit codes follow bash 5.2 (`bash: cd: /nope: No such file or directory`).
//!
//! Known limits: no `CDPATH`; `cd -P` resolves symlinks but `-e`/`-@` are ignored; `hash -p`
//! and `type -f` are accepted without their special meaning.

use miragepot_vfs::{FsError, path};

use super::redirect::can_access;
use super::{Ctl, Interp, Io, Res, Text};

/// bash's builtins, as `enable -a` lists them.
pub(crate) const BUILTINS: &[&str] = &[
    ".",
    ":",
    "[",
    "alias",
    "bg",
    "bind",
    "break",
    "builtin",
    "caller",
    "cd",
    "command",
    "compgen",
    "complete",
    "compopt",
    "continue",
    "declare",
    "dirs",
    "disown",
    "echo",
    "enable",
    "eval",
    "exec",
    "exit",
    "export",
    "false",
    "fc",
    "fg",
    "getopts",
    "hash",
    "help",
    "history",
    "jobs",
    "kill",
    "let",
    "local",
    "logout",
    "mapfile",
    "popd",
    "printf",
    "pushd",
    "pwd",
    "read",
    "readarray",
    "readonly",
    "return",
    "set",
    "shift",
    "shopt",
    "source",
    "suspend",
    "test",
    "times",
    "trap",
    "true",
    "type",
    "typeset",
    "ulimit",
    "umask",
    "unalias",
    "unset",
    "wait",
];

/// Reserved words (`type if` says "shell keyword").
pub(crate) const KEYWORDS: &[&str] = &[
    "if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while", "until", "do",
    "done", "in", "function", "time", "{", "}", "!", "[[", "]]", "coproc",
];

impl Interp {
    /// Runs `name` if it is a builtin; `None` otherwise.
    pub(crate) fn run_builtin(&mut self, name: &str, argv: &[String], io: &Io) -> Res<Option<i32>> {
        let st = match name {
            ":" | "true" => 0,
            "false" => 1,
            "echo" => self.builtin_echo(io, argv),
            "printf" => self.builtin_printf(io, argv)?,
            "cd" => self.builtin_cd(io, argv)?,
            "pwd" => self.builtin_pwd(io, argv),
            "exit" => return self.builtin_exit(io, argv).map(Some),
            "logout" => {
                if self.login && self.shells.is_empty() && self.depth == 0 {
                    return self.builtin_exit(io, argv).map(Some);
                }
                self.error(io, "logout: not login shell: use `exit'");
                1
            }
            "return" => {
                if self.func_depth == 0 && self.source_depth == 0 {
                    self.error(
                        io,
                        "return: can only `return' from a function or sourced script",
                    );
                    return Ok(Some(2));
                }
                let n = match argv.get(1) {
                    Some(a) => match a.parse::<i64>() {
                        Ok(n) => (n & 0xff) as i32,
                        Err(_) => {
                            self.error(io, &format!("return: {a}: numeric argument required"));
                            2
                        }
                    },
                    None => self.status,
                };
                return Err(Ctl::Return(n));
            }
            "break" | "continue" => {
                if self.loop_depth == 0 {
                    self.error(
                        io,
                        &format!("{name}: only meaningful in a `for', `while', or `until' loop"),
                    );
                    return Ok(Some(0));
                }
                let n = match argv.get(1) {
                    Some(a) => match a.parse::<i64>() {
                        Ok(n) if n >= 1 => n.min(i64::from(self.loop_depth)) as u32,
                        Ok(n) => {
                            self.error(io, &format!("{name}: {n}: loop count out of range"));
                            return Ok(Some(1));
                        }
                        Err(_) => {
                            self.error(io, &format!("{name}: {a}: numeric argument required"));
                            return Ok(Some(1));
                        }
                    },
                    None => 1,
                };
                return Err(if name == "break" {
                    Ctl::Break(n)
                } else {
                    Ctl::Continue(n)
                });
            }
            "export" | "declare" | "typeset" | "local" | "readonly" => {
                self.builtin_declare(io, argv)?
            }
            "unset" => self.builtin_unset(io, argv)?,
            "test" | "[" => self.builtin_test(io, argv),
            "eval" => {
                let text = argv.get(1..).unwrap_or(&[]).join(" ");
                if text.trim().is_empty() {
                    0
                } else {
                    self.run_text(&text, io, Text::Nested)?
                }
            }
            "source" | "." => self.builtin_source(io, argv)?,
            "exec" => return self.builtin_exec(io, argv).map(Some),
            "command" => self.builtin_command(io, argv)?,
            "type" => self.builtin_type(io, argv),
            "builtin" => match argv.get(1) {
                None => 0,
                Some(b) => match self.run_builtin(b, argv.get(1..).unwrap_or(&[]), io)? {
                    Some(st) => st,
                    None => {
                        self.error(io, &format!("builtin: {b}: not a shell builtin"));
                        1
                    }
                },
            },
            "hash" => self.builtin_hash(io, argv),
            _ => match self.run_misc(name, argv, io)? {
                Some(st) => st,
                None => return Ok(None),
            },
        };
        Ok(Some(st))
    }

    /// Runs a builtin for a program path the command table does not emulate
    /// (`/usr/bin/echo`, `/usr/bin/[`), so that common coreutils still answer.
    pub(crate) fn builtin_fallback(
        &mut self,
        base: &str,
        argv: &[String],
        io: &Io,
    ) -> Res<Option<i32>> {
        match base {
            "echo" | "printf" | "true" | "false" | "pwd" | "test" | "[" | "kill" => {
                self.run_builtin(base, argv, io)
            }
            _ => Ok(None),
        }
    }

    fn builtin_echo(&mut self, io: &Io, argv: &[String]) -> i32 {
        let mut newline = true;
        let mut escapes = false;
        let mut i = 1;
        while let Some(a) = argv.get(i) {
            let Some(flags) = a.strip_prefix('-') else {
                break;
            };
            if flags.is_empty() || !flags.chars().all(|c| matches!(c, 'n' | 'e' | 'E')) {
                break;
            }
            for c in flags.chars() {
                match c {
                    'n' => newline = false,
                    'e' => escapes = true,
                    _ => escapes = false,
                }
            }
            i += 1;
        }
        let mut out: Vec<u8> = Vec::new();
        for (k, a) in argv.iter().skip(i).enumerate() {
            if k > 0 {
                out.push(b' ');
            }
            if escapes {
                let (bytes, stop) = super::printf::escapes(a, super::printf::EscMode::Echo);
                out.extend_from_slice(&bytes);
                if stop {
                    self.emit(io, 1, &out);
                    return 0;
                }
            } else {
                out.extend_from_slice(a.as_bytes());
            }
        }
        if newline {
            out.push(b'\n');
        }
        self.emit(io, 1, &out);
        0
    }

    fn builtin_pwd(&mut self, io: &Io, argv: &[String]) -> i32 {
        let physical = argv.iter().skip(1).any(|a| a == "-P");
        let cwd = self.st.cwd.clone();
        let p = if physical {
            self.fs.canonicalize("/", &cwd).unwrap_or(cwd)
        } else {
            cwd
        };
        self.emit_str(io, 1, &format!("{p}\n"));
        0
    }

    fn builtin_cd(&mut self, io: &Io, argv: &[String]) -> Res<i32> {
        let mut physical = false;
        let mut ops: Vec<&String> = Vec::new();
        let mut opts_done = false;
        for a in argv.iter().skip(1) {
            if !opts_done && a == "--" {
                opts_done = true;
            } else if !opts_done
                && a.starts_with('-')
                && a.len() > 1
                && a.chars().skip(1).all(|c| "LPe@".contains(c))
            {
                physical |= a.contains('P');
            } else {
                opts_done = true;
                ops.push(a);
            }
        }
        if ops.len() > 1 {
            self.error(io, "cd: too many arguments");
            return Ok(1);
        }
        let mut print = false;
        let target = match ops.first() {
            None => match self.get_var("HOME") {
                Some(h) => h,
                None => {
                    self.error(io, "cd: HOME not set");
                    return Ok(1);
                }
            },
            Some(t) if t.as_str() == "-" => match self.get_var("OLDPWD") {
                Some(o) if !o.is_empty() => {
                    print = true;
                    o
                }
                _ => {
                    self.error(io, "cd: OLDPWD not set");
                    return Ok(1);
                }
            },
            Some(t) => (*t).clone(),
        };
        if target.is_empty() {
            return Ok(0);
        }
        let cwd = self.st.cwd.clone();
        let logical = path::normalize(&cwd, &target);
        let meta = match self.fs.stat("/", &logical) {
            Ok(m) => m,
            Err(e) => {
                let e = if e == FsError::NotFound && self.fs.stat(&cwd, &target).is_ok() {
                    FsError::NotADirectory
                } else {
                    e
                };
                self.error(io, &format!("cd: {target}: {e}"));
                return Ok(1);
            }
        };
        if !meta.is_dir() {
            self.error(io, &format!("cd: {target}: Not a directory"));
            return Ok(1);
        }
        if !can_access(&meta, self.user.uid, self.user.gid, 1) {
            self.error(io, &format!("cd: {target}: Permission denied"));
            return Ok(1);
        }
        let new = if physical {
            self.fs.canonicalize("/", &logical).unwrap_or(logical)
        } else {
            logical
        };
        self.st.env.export("OLDPWD", &cwd);
        self.st.env.export("PWD", &new);
        self.st.cwd = new.clone();
        if print {
            self.emit_str(io, 1, &format!("{new}\n"));
        }
        Ok(0)
    }

    fn builtin_exit(&mut self, io: &Io, argv: &[String]) -> Res<i32> {
        if self.interactive && self.depth == 0 {
            let word = if self.shells.is_empty() && self.login {
                "logout"
            } else {
                "exit"
            };
            self.emit_str(io, 2, &format!("{word}\n"));
        }
        if argv.len() > 2 {
            self.error(
                io,
                &format!(
                    "{}: too many arguments",
                    argv.first().map(String::as_str).unwrap_or("exit")
                ),
            );
            return Ok(1);
        }
        let n = match argv.get(1) {
            None => self.status,
            Some(a) => match a.trim().parse::<i64>() {
                Ok(n) => (n & 0xff) as i32,
                Err(_) => {
                    self.error(io, &format!("exit: {a}: numeric argument required"));
                    2
                }
            },
        };
        Err(Ctl::Exit(n))
    }

    fn builtin_exec(&mut self, io: &Io, argv: &[String]) -> Res<i32> {
        let args = argv.get(1..).unwrap_or(&[]);
        let args: Vec<String> = args
            .iter()
            .skip_while(|a| a.starts_with('-') && a.len() > 1)
            .cloned()
            .collect();
        let Some(name) = args.first() else {
            return Ok(0);
        };
        if self.interactive
            && args.len() == 1
            && matches!(path::basename(name), "bash" | "sh" | "dash" | "rbash")
        {
            return Ok(0);
        }
        let found = name.contains('/')
            || self.path_lookup(name).is_some()
            || super::builtins::BUILTINS.contains(&name.as_str());
        if !found {
            self.error(io, &format!("exec: {name}: not found"));
            if self.interactive {
                return Ok(127);
            }
            return Err(Ctl::Exit(127));
        }
        let st = self.run_argv(&args, io)?;
        Err(Ctl::Exit(st))
    }
}
