//! `type`, `command` and `hash`: how a name resolves (alias, keyword, function, builtin,
//! file in `$PATH`), printed in bash's words, and the command hash table.
//!
//! Known limits: `type -f` does not skip functions; `hash -p/-d/-t` are not supported.

use miragepot_vfs::path;

use super::builtins::{BUILTINS, KEYWORDS};
use super::redirect::can_access;
use super::{Interp, Io, Res};

/// What a name resolves to, for `type` and `command -v`.
enum Kind {
    Alias(String),
    Keyword,
    Function,
    Builtin,
    File(String),
}

impl Interp {
    fn resolve(&mut self, name: &str, all: bool) -> Vec<Kind> {
        let mut out = Vec::new();
        if let Some(a) = self.st.aliases.get(name) {
            out.push(Kind::Alias(a.clone()));
        }
        if KEYWORDS.contains(&name) {
            out.push(Kind::Keyword);
        }
        if self.st.funcs.contains_key(name) {
            out.push(Kind::Function);
        }
        if BUILTINS.contains(&name) {
            out.push(Kind::Builtin);
        }
        if name.contains('/') {
            if let Ok(m) = self.fs.stat(&self.st.cwd, name)
                && !m.is_dir()
                && can_access(&m, self.user.uid, self.user.gid, 1)
            {
                out.push(Kind::File(name.to_string()));
            }
        } else if all {
            let path_var = self.get_var("PATH").unwrap_or_default();
            for dir in path_var.split(':') {
                let cand = path::child(if dir.is_empty() { "." } else { dir }, name);
                if let Ok(m) = self.fs.stat(&self.st.cwd, &cand)
                    && !m.is_dir()
                    && can_access(&m, self.user.uid, self.user.gid, 1)
                {
                    out.push(Kind::File(cand));
                }
            }
        } else if let Some(p) = self.path_lookup(name) {
            out.push(Kind::File(p));
        }
        out
    }

    pub(crate) fn builtin_type(&mut self, io: &Io, argv: &[String]) -> i32 {
        let mut flags = String::new();
        let mut names = Vec::new();
        for a in argv.iter().skip(1) {
            if names.is_empty() && a.starts_with('-') && a.len() > 1 {
                flags.push_str(a.get(1..).unwrap_or(""));
            } else {
                names.push(a.clone());
            }
        }
        let mut status = 0;
        let mut out = String::new();
        for n in names {
            let kinds = self.resolve(&n, flags.contains('a'));
            let kinds: Vec<Kind> = if flags.contains('P') {
                kinds
                    .into_iter()
                    .filter(|k| matches!(k, Kind::File(_)))
                    .collect()
            } else {
                kinds
            };
            if kinds.is_empty() {
                status = 1;
                if !flags.contains('t') && !flags.contains('p') && !flags.contains('P') {
                    self.error(io, &format!("type: {n}: not found"));
                }
                continue;
            }
            let take = if flags.contains('a') { kinds.len() } else { 1 };
            for k in kinds.into_iter().take(take) {
                let line = if flags.contains('t') {
                    match k {
                        Kind::Alias(_) => "alias".into(),
                        Kind::Keyword => "keyword".into(),
                        Kind::Function => "function".into(),
                        Kind::Builtin => "builtin".into(),
                        Kind::File(_) => "file".into(),
                    }
                } else if flags.contains('p') || flags.contains('P') {
                    match k {
                        Kind::File(p) => p,
                        _ => continue,
                    }
                } else {
                    match k {
                        Kind::Alias(v) => format!("{n} is aliased to `{v}'"),
                        Kind::Keyword => format!("{n} is a shell keyword"),
                        Kind::Function => {
                            let body = self
                                .st
                                .funcs
                                .get(&n)
                                .map(|b| b.0.to_string())
                                .unwrap_or_default();
                            format!("{n} is a function\n{n} () \n{body}")
                        }
                        Kind::Builtin => format!("{n} is a shell builtin"),
                        Kind::File(p) => {
                            if self.hash.get(&n).is_some_and(|(h, _)| *h == p) {
                                format!("{n} is hashed ({p})")
                            } else {
                                format!("{n} is {p}")
                            }
                        }
                    }
                };
                out.push_str(&line);
                out.push('\n');
            }
        }
        self.emit_str(io, 1, &out);
        status
    }

    pub(crate) fn builtin_command(&mut self, io: &Io, argv: &[String]) -> Res<i32> {
        let mut i = 1;
        let mut v = false;
        let mut big_v = false;
        while let Some(a) = argv.get(i) {
            match a.as_str() {
                "-v" => v = true,
                "-V" => big_v = true,
                "-p" | "-pv" | "-vp" => v |= a.contains('v'),
                "--" => {
                    i += 1;
                    break;
                }
                _ => break,
            }
            i += 1;
        }
        let rest = argv.get(i..).unwrap_or(&[]);
        let Some(name) = rest.first() else {
            return Ok(0);
        };
        if big_v {
            let mut args = vec!["type".to_string()];
            args.extend(rest.iter().cloned());
            return Ok(self.builtin_type(io, &args));
        }
        if v {
            let mut status = 0;
            for n in rest {
                match self.resolve(n, false).into_iter().next() {
                    Some(Kind::Alias(a)) => self.emit_str(
                        io,
                        1,
                        &format!("alias {n}={}\n", super::vars::squote_always(&a)),
                    ),
                    Some(Kind::File(p)) => self.emit_str(io, 1, &format!("{p}\n")),
                    Some(_) => self.emit_str(io, 1, &format!("{n}\n")),
                    None => status = 1,
                }
            }
            return Ok(status);
        }
        if let Some(st) = self.run_builtin(name, rest, io)? {
            return Ok(st);
        }
        self.run_program(rest, io)
    }

    pub(crate) fn builtin_hash(&mut self, io: &Io, argv: &[String]) -> i32 {
        let args: Vec<&String> = argv.iter().skip(1).collect();
        if args.iter().any(|a| a.as_str() == "-r") {
            self.hash.clear();
            return 0;
        }
        if args.is_empty() {
            if self.hash.is_empty() {
                self.emit_str(io, 1, "hash: hash table empty\n");
                return 0;
            }
            let mut s = String::from("hits\tcommand\n");
            for (hits, p) in self.hash.values().map(|(p, h)| (h, p)) {
                s.push_str(&format!("{hits:>4}\t{p}\n"));
            }
            self.emit_str(io, 1, &s);
            return 0;
        }
        let mut status = 0;
        for n in args.into_iter().filter(|a| !a.starts_with('-')) {
            if BUILTINS.contains(&n.as_str()) {
                continue;
            }
            match self.path_lookup(n) {
                Some(p) => {
                    self.hash.insert(n.clone(), (p, 0));
                }
                None => {
                    self.error(io, &format!("hash: {n}: not found"));
                    status = 1;
                }
            }
        }
        status
    }
}
