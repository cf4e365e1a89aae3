//! Session helpers the [`Shell`](crate::shell::Shell) needs from the interpreter: Tab
//! completion (command names, VFS paths), history recording with `HISTCONTROL`, leaving a
//! nested interactive shell on `^D`, and creating a made-up user's home directory.
//!
//! Known limits: completion does not look inside quotes or complete variables (`$HO<Tab>`),
//! user names (`~ro<Tab>`) or command options.

use miragepot_vfs::{Ctx, path};

use crate::tty::Completer;

use super::Interp;

/// Completion candidates returned at most.
const MAX_CANDIDATES: usize = 2000;

impl Interp {
    /// Command-name candidates for the first word of a line.
    pub(crate) fn complete_command(&self, prefix: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut add = |s: &str| {
            if s.starts_with(prefix) && out.len() < MAX_CANDIDATES {
                out.push(s.to_string());
            }
        };
        for b in super::builtins::BUILTINS
            .iter()
            .chain(super::builtins::KEYWORDS)
        {
            add(b);
        }
        for f in self.st.funcs.keys().chain(self.st.aliases.keys()) {
            add(f);
        }
        let ctx = self.fs_ctx();
        let path_var = self.st.env.get("PATH").unwrap_or("").to_string();
        for dir in path_var.split(':').filter(|d| !d.is_empty()) {
            if let Ok(entries) = self.fs.read_dir(&self.st.cwd, dir, &ctx) {
                for e in entries {
                    if e.name.starts_with(prefix) && !e.meta.is_dir() && e.meta.mode & 0o111 != 0 {
                        add(&e.name);
                    }
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Path candidates for a word (directories end in `/`).
    pub(crate) fn complete_path(&self, word: &str) -> Vec<String> {
        let (dir_part, name_prefix) = match word.rfind('/') {
            Some(i) => (
                word.get(..=i).unwrap_or(""),
                word.get(i + 1..).unwrap_or(""),
            ),
            None => ("", word),
        };
        let home = self.st.env.get("HOME").unwrap_or("/").to_string();
        let lookup = if let Some(rest) = dir_part.strip_prefix("~/") {
            path::child(&home, rest)
        } else if dir_part == "~" {
            home
        } else if dir_part.is_empty() {
            ".".to_string()
        } else {
            dir_part.to_string()
        };
        let ctx: Ctx = self.fs_ctx();
        let Ok(entries) = self.fs.read_dir(&self.st.cwd, &lookup, &ctx) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for e in entries {
            if !e.name.starts_with(name_prefix)
                || (e.name.starts_with('.') && !name_prefix.starts_with('.'))
            {
                continue;
            }
            let full = format!("{dir_part}{}", e.name);
            let is_dir = self
                .fs
                .stat(&self.st.cwd, &path::child(&lookup, &e.name))
                .map(|m| m.is_dir())
                .unwrap_or(false);
            out.push(if is_dir { format!("{full}/") } else { full });
            if out.len() >= MAX_CANDIDATES {
                break;
            }
        }
        out
    }

    /// Records an executed interactive line like bash's history list.
    pub(crate) fn add_history(&mut self, line: &str) {
        let ctl = self.st.env.get("HISTCONTROL").unwrap_or("").to_string();
        let ignore_space = ctl.contains("ignorespace") || ctl.contains("ignoreboth");
        let ignore_dups = ctl.contains("ignoredups") || ctl.contains("ignoreboth");
        if line.trim().is_empty() || (ignore_space && line.starts_with(' ')) {
            return;
        }
        if ignore_dups && self.history.last().is_some_and(|l| l == line) {
            return;
        }
        self.history.push(line.to_string());
        while self.history.len() > self.limits.max_history.max(1) {
            self.history.remove(0);
            self.hist_dropped += 1;
        }
    }

    /// `^D` in a nested interactive shell: back to the outer one. `false` at the top.
    pub(crate) fn leave_nested(&mut self) -> bool {
        match self.shells.pop() {
            Some((state, err, interactive)) => {
                self.st = state;
                self.err = err;
                self.interactive = interactive;
                true
            }
            None => false,
        }
    }

    /// Makes sure the user's home directory exists (a made-up login has none).
    pub(crate) fn ensure_home(&mut self) {
        if self.fs.exists("/", &self.user.home) {
            return;
        }
        let root = Ctx {
            uid: 0,
            gid: 0,
            now: self.now.unix_timestamp(),
        };
        if self
            .fs
            .create_dir("/", &self.user.home, 0o755, &root)
            .is_ok()
        {
            let (uid, gid) = (self.user.uid, self.user.gid);
            let home = self.user.home.clone();
            let _ = self
                .fs
                .set_owner("/", &home, Some(uid), Some(gid), true, &root);
            self.st.cwd = home;
        }
    }
}

/// Tab completion: command names for the first word, VFS paths otherwise.
pub(crate) struct Completions<'a> {
    pub(crate) interp: &'a Interp,
}

impl Completer for Completions<'_> {
    fn complete(&self, line: &str) -> Vec<String> {
        let word_start = line
            .rfind(|c: char| c.is_whitespace() || ";|&<>(".contains(c))
            .map(|i| i + 1)
            .unwrap_or(0);
        let word = line.get(word_start..).unwrap_or("");
        let before = line.get(..word_start).unwrap_or("").trim_end();
        let first = before.is_empty() || before.ends_with(['|', ';', '&', '(']);
        if first && !word.contains('/') {
            return self.interp.complete_command(word);
        }
        self.interp.complete_path(word)
    }
}
