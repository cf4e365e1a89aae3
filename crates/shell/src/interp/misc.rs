//! The remaining builtins: `alias`, `unalias`, `history`, `help`, `enable`, `set`, `shift`,
//! `read`, `mapfile`, `getopts`, `let`, `jobs`, `wait`, `kill`, `disown`, `trap`, `times`,
//! `ulimit`, `umask`, `shopt`, `dirs`/`pushd`/`popd`, and job-control stubs. Output formats
//! are copied from bash 5.2 on Debian 12.
//!
//! Known limits: traps are stored and listed but only `EXIT` ever runs; `read -t/-n/-s`
//! are accepted but reading is line-based; the directory stack holds only `$PWD`; `kill`
//! succeeds for persona processes and ends the session for `kill -9 $$`/`-HUP $$`.

use super::{Ctl, Interp, Io, Res};

const HELP: &str = include_str!("help.txt");

impl Interp {
    /// Dispatches the builtins of this module.
    pub(crate) fn run_misc(&mut self, name: &str, argv: &[String], io: &Io) -> Res<Option<i32>> {
        let args: Vec<String> = argv.get(1..).unwrap_or(&[]).to_vec();
        let st = match name {
            "alias" => self.builtin_alias(io, &args),
            "unalias" => {
                let mut st = 0;
                for a in &args {
                    if a == "-a" {
                        self.st.aliases.clear();
                    } else if self.st.aliases.remove(a).is_none() {
                        self.error(io, &format!("unalias: {a}: not found"));
                        st = 1;
                    }
                }
                st
            }
            "history" => self.builtin_history(io, &args),
            "help" => self.builtin_help(io, &args),
            "enable" => {
                let mut s = String::new();
                if args.is_empty() || args.iter().any(|a| a.starts_with("-a")) {
                    for b in super::builtins::BUILTINS {
                        s.push_str(&format!("enable {b}\n"));
                    }
                }
                self.emit_str(io, 1, &s);
                0
            }
            "set" => self.builtin_set(io, &args)?,
            "shift" => {
                let n = match args.first() {
                    None => 1,
                    Some(a) => match a.parse::<usize>() {
                        Ok(n) => n,
                        Err(_) => {
                            self.error(io, &format!("shift: {a}: numeric argument required"));
                            return Ok(Some(1));
                        }
                    },
                };
                if n > self.st.positional.len() {
                    1
                } else {
                    self.st.positional.drain(..n);
                    0
                }
            }
            "read" => self.builtin_read(io, &args)?,
            "mapfile" | "readarray" => {
                let strip = args.iter().any(|a| a == "-t");
                let var = args
                    .iter()
                    .rev()
                    .find(|a| !a.starts_with('-'))
                    .cloned()
                    .unwrap_or_else(|| "MAPFILE".into());
                let data = self.take_stdin(io);
                let text = super::expand::bytes_to_string(&data);
                let items: Vec<(Option<i64>, String)> = text
                    .split_inclusive('\n')
                    .map(|l| {
                        (
                            None,
                            if strip {
                                l.trim_end_matches('\n').to_string()
                            } else {
                                l.to_string()
                            },
                        )
                    })
                    .collect();
                if self.set_array(&var, items, false).is_err() {
                    return Err(Ctl::Stop);
                }
                0
            }
            "getopts" => self.builtin_getopts(io, &args)?,
            "let" => {
                if args.is_empty() {
                    self.error(io, "let: expression expected");
                    return Ok(Some(1));
                }
                let mut last = 0;
                for a in &args {
                    match self.arith_expand_eval(io, a, Some("let"))? {
                        Ok(v) => last = v,
                        Err(()) => return Ok(Some(1)),
                    }
                }
                i32::from(last == 0)
            }
            "jobs" => {
                let mut done = std::mem::take(&mut self.jobs_ready);
                done.append(&mut self.done_jobs);
                let s = super::prompt::format_done(&done);
                self.emit_str(io, 1, &s);
                0
            }
            "wait" | "caller" | "fc" | "complete" | "compopt" | "times" | "disown" | "suspend"
            | "fg" | "bg" | "bind" | "compgen" => self.job_stubs(name, io, &args),
            "kill" => self.builtin_kill(io, &args)?,
            "trap" => self.builtin_trap(io, &args),
            "ulimit" => {
                let s = match args.first().map(String::as_str) {
                    Some("-a") => {
                        "real-time non-blocking time  (microseconds, -R) unlimited\ncore file size              (blocks, -c) 0\ndata seg size               (kbytes, -d) unlimited\nscheduling priority                 (-e) 0\nfile size                   (blocks, -f) unlimited\npending signals                     (-i) 15595\nmax locked memory           (kbytes, -l) 502864\nmax memory size             (kbytes, -m) unlimited\nopen files                          (-n) 1024\npipe size                (512 bytes, -p) 8\nPOSIX message queues         (bytes, -q) 819200\nreal-time priority                  (-r) 0\nstack size                  (kbytes, -s) 8192\ncpu time                   (seconds, -t) unlimited\nmax user processes                  (-u) 15595\nvirtual memory              (kbytes, -v) unlimited\nfile locks                          (-x) unlimited\n"
                    }
                    Some("-n") => "1024\n",
                    Some("-u" | "-i") => "15595\n",
                    Some("-s") => "8192\n",
                    Some("-c") => "0\n",
                    Some(a) if !a.starts_with('-') => "",
                    _ => "unlimited\n",
                };
                self.emit_str(io, 1, s);
                0
            }
            "umask" => {
                match args.first().map(String::as_str) {
                    None => {
                        let s = format!("{:04o}\n", self.st.umask);
                        self.emit_str(io, 1, &s);
                    }
                    Some("-S") => {
                        let m = !self.st.umask & 0o777;
                        let part = |b: u32| {
                            let mut s = String::new();
                            if b & 4 != 0 {
                                s.push('r');
                            }
                            if b & 2 != 0 {
                                s.push('w');
                            }
                            if b & 1 != 0 {
                                s.push('x');
                            }
                            s
                        };
                        let s = format!(
                            "u={},g={},o={}\n",
                            part(m >> 6 & 7),
                            part(m >> 3 & 7),
                            part(m & 7)
                        );
                        self.emit_str(io, 1, &s);
                    }
                    Some(m) => match u32::from_str_radix(m, 8) {
                        Ok(v) if v <= 0o777 => self.st.umask = v,
                        _ => {
                            self.error(io, &format!("umask: {m}: octal number out of range"));
                            return Ok(Some(1));
                        }
                    },
                }
                0
            }
            "shopt" => self.builtin_shopt(io, &args),
            "dirs" | "pushd" | "popd" => {
                if name == "pushd" {
                    if let Some(d) = args.first() {
                        let r = self.run_builtin("cd", &["cd".to_string(), d.clone()], io)?;
                        if r != Some(0) {
                            return Ok(Some(1));
                        }
                    }
                } else if name == "popd" {
                    self.error(io, "popd: directory stack empty");
                    return Ok(Some(1));
                }
                let home = self.get_var("HOME").unwrap_or_default();
                let cwd = self.st.cwd.clone();
                let shown = match cwd.strip_prefix(&home) {
                    Some(rest)
                        if !home.is_empty() && (rest.is_empty() || rest.starts_with('/')) =>
                    {
                        format!("~{rest}")
                    }
                    _ => cwd,
                };
                self.emit_str(io, 1, &format!("{shown}\n"));
                0
            }
            _ => return Ok(None),
        };
        Ok(Some(st))
    }

    fn job_stubs(&mut self, name: &str, io: &Io, args: &[String]) -> i32 {
        match name {
            "times" => {
                self.emit_str(io, 1, "0m0.004s 0m0.001s\n0m0.000s 0m0.000s\n");
                0
            }
            "fg" | "bg" => {
                let msg = if self.interactive {
                    format!("{name}: current: no such job")
                } else {
                    format!("{name}: no job control")
                };
                self.error(io, &msg);
                1
            }
            "disown" if args.is_empty() => {
                self.error(io, "disown: current: no such job");
                1
            }
            "suspend" => {
                self.error(io, "suspend: cannot suspend a login shell");
                1
            }
            "bind" if !self.interactive => {
                self.error(io, "bind: warning: line editing not enabled");
                0
            }
            "caller" => 1,
            "compgen" => {
                if args.first().is_some_and(|a| a == "-b") {
                    let s: String = super::builtins::BUILTINS
                        .iter()
                        .map(|b| format!("{b}\n"))
                        .collect();
                    self.emit_str(io, 1, &s);
                } else if args.first().is_some_and(|a| a == "-c") {
                    let mut names: Vec<String> = super::builtins::BUILTINS
                        .iter()
                        .map(|s| s.to_string())
                        .collect();
                    names.extend(self.st.funcs.keys().cloned());
                    names.extend(
                        crate::commands::COMMANDS
                            .iter()
                            .map(|c| c.name().to_string()),
                    );
                    let s: String = names.iter().map(|b| format!("{b}\n")).collect();
                    self.emit_str(io, 1, &s);
                }
                0
            }
            _ => 0,
        }
    }

    fn builtin_alias(&mut self, io: &Io, args: &[String]) -> i32 {
        let args: Vec<&String> = args.iter().filter(|a| a.as_str() != "-p").collect();
        if args.is_empty() {
            let s: String = self
                .st
                .aliases
                .iter()
                .map(|(k, v)| format!("alias {k}={}\n", super::vars::squote_always(v)))
                .collect();
            self.emit_str(io, 1, &s);
            return 0;
        }
        let mut st = 0;
        for a in args {
            match a.split_once('=') {
                Some((k, v)) => {
                    if self.st.aliases.len() < self.limits.max_vars
                        || self.st.aliases.contains_key(k)
                    {
                        self.st.aliases.insert(k.to_string(), v.to_string());
                    }
                }
                None => match self.st.aliases.get(a.as_str()) {
                    Some(v) => {
                        let s = format!("alias {a}={}\n", super::vars::squote_always(v));
                        self.emit_str(io, 1, &s);
                    }
                    None => {
                        self.error(io, &format!("alias: {a}: not found"));
                        st = 1;
                    }
                },
            }
        }
        st
    }

    fn builtin_history(&mut self, io: &Io, args: &[String]) -> i32 {
        match args.first().map(String::as_str) {
            Some("-c") => {
                self.hist_dropped += self.history.len();
                self.history.clear();
                return 0;
            }
            Some("-w" | "-a" | "-r" | "-n") => return 0,
            Some("-d") => {
                let n = args
                    .get(1)
                    .and_then(|a| a.parse::<usize>().ok())
                    .unwrap_or(0);
                let idx = n.wrapping_sub(1 + self.hist_dropped);
                if idx < self.history.len() {
                    self.history.remove(idx);
                    return 0;
                }
                self.error(
                    io,
                    &format!(
                        "history: {}: history position out of range",
                        args.get(1).map(String::as_str).unwrap_or("")
                    ),
                );
                return 1;
            }
            _ => {}
        }
        let count = match args.first() {
            Some(a) => match a.parse::<usize>() {
                Ok(n) => n,
                Err(_) => {
                    self.error(io, &format!("history: {a}: numeric argument required"));
                    return 1;
                }
            },
            None => self.history.len(),
        };
        let skip = self.history.len().saturating_sub(count);
        let mut s = String::new();
        for (i, h) in self.history.iter().enumerate().skip(skip) {
            s.push_str(&format!("{:>5}  {h}\n", i + 1 + self.hist_dropped));
        }
        self.emit_str(io, 1, &s);
        0
    }

    fn builtin_help(&mut self, io: &Io, args: &[String]) -> i32 {
        match args.first() {
            None => {
                self.emit_str(io, 1, HELP);
                0
            }
            Some(topic) => {
                let line = HELP
                    .lines()
                    .flat_map(|l| [l.get(..41).unwrap_or(l), l.get(41..).unwrap_or("")])
                    .map(str::trim)
                    .find(|l| l.split_whitespace().next() == Some(topic.as_str()));
                match line {
                    Some(l) => {
                        let s = format!("{topic}: {l}\n    Shell builtin.\n");
                        self.emit_str(io, 1, &s);
                        0
                    }
                    None => {
                        self.error(io, &format!("help: no help topics match `{topic}'.  Try `help help' or `man -k {topic}' or `info {topic}'."));
                        1
                    }
                }
            }
        }
    }
}
