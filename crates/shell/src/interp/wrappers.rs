//! `nohup` and `timeout` (coreutils 9.1) as interpreter-level wrappers, since they run
//! another program: their command goes through the interpreter's own program lookup
//! (`$PATH`, the command table, scripts). Also records the processes a line starts in the
//! background (`./x &`, `nohup ./x &`) in the session's `SysState`, so `ps` and `top` show
//! them until they are killed.
//!
//! `nohup` answers as coreutils does for the terminal/non-terminal cases (`ignoring input
//! and appending output to 'nohup.out'`, `$HOME/nohup.out` when the cwd is not writable).
//! `timeout` never waits: it runs the command and returns its status (124 for a `sleep`
//! longer than the limit). Known gaps: `-k` and `-s` are parsed but nothing is signalled.

use super::{Interp, Io, Res, Sink};
use crate::commands::{help_text, version_text};
use crate::persona::Process;

/// Programs that keep running when started in the background (so `ps` lists them).
const LINGERING: &[&str] = &[
    "sleep", "perl", "python", "python3", "sh", "bash", "yes", "ping", "nc", "tail",
];

/// At most this many started processes are remembered per session.
const MAX_STARTED: usize = 64;

impl Interp {
    /// Runs `argv` as `nohup` or `timeout` when `canon` is one of them.
    pub(crate) fn run_wrapper(
        &mut self,
        canon: &str,
        argv: &[String],
        io: &Io,
    ) -> Res<Option<i32>> {
        match canon {
            "/usr/bin/nohup" => self.nohup(argv, io).map(Some),
            "/usr/bin/timeout" => self.timeout(argv, io).map(Some),
            _ => Ok(None),
        }
    }

    /// GNU's answers to `--help`, `--version` and bad options; `Some(status)` when handled.
    fn wrapper_option(&mut self, name: &str, a: &str, io: &Io) -> Option<i32> {
        if let Some(l) = a.strip_prefix("--").filter(|l| !l.is_empty()) {
            if "help".starts_with(l) {
                self.emit_str(io, 1, help_text(name).unwrap_or_default());
                return Some(0);
            }
            if "version".starts_with(l) {
                self.emit_str(io, 1, version_text(name).unwrap_or_default());
                return Some(0);
            }
            self.emit_str(
                io,
                2,
                &format!(
                    "{name}: unrecognized option '{a}'\nTry '{name} --help' for more information.\n"
                ),
            );
            return Some(125);
        }
        None
    }

    /// Whether `cmd` can be run; prints coreutils' `failed to run command` otherwise.
    fn wrapper_found(&mut self, name: &str, cmd: &str, io: &Io) -> Option<i32> {
        let found = if cmd.contains('/') {
            self.fs.exists(&self.st.cwd, cmd)
        } else {
            self.path_lookup(cmd).is_some()
        };
        if found {
            return None;
        }
        self.emit_str(
            io,
            2,
            &format!("{name}: failed to run command '{cmd}': No such file or directory\n"),
        );
        Some(127)
    }

    fn nohup(&mut self, argv: &[String], io: &Io) -> Res<i32> {
        let mut rest = argv.get(1..).unwrap_or(&[]);
        if let Some(a) = rest.first() {
            if a == "--" {
                rest = rest.get(1..).unwrap_or(&[]);
            } else if let Some(st) = self.wrapper_option("nohup", a, io) {
                return Ok(st);
            } else if let Some(c) = a.strip_prefix('-').and_then(|b| b.chars().next()) {
                self.emit_str(
                    io,
                    2,
                    &format!(
                        "nohup: invalid option -- '{c}'\nTry 'nohup --help' for more information.\n"
                    ),
                );
                return Ok(125);
            }
        }
        let Some(cmd) = rest.first() else {
            self.emit_str(
                io,
                2,
                "nohup: missing operand\nTry 'nohup --help' for more information.\n",
            );
            return Ok(125);
        };
        let tty = self.session.tty.is_some();
        let ignoring_input = tty && io.stdin.is_none();
        let out_tty = tty && io.fds[1] == Some(Sink::Out);
        let err_tty = tty && io.fds[2] == Some(Sink::Err);
        let mut io2 = io.clone();
        if ignoring_input && !out_tty && !err_tty {
            self.emit_str(io, 2, "nohup: ignoring input\n");
        }
        if out_tty {
            let home = self.get_var("HOME").unwrap_or_else(|| "/".into());
            let (sink, shown) = match self.open_output("nohup.out", true, io) {
                Ok(s) => (s, "nohup.out".to_string()),
                Err(_) => {
                    let p = format!("{}/nohup.out", home.trim_end_matches('/'));
                    match self.open_output(&p, true, io) {
                        Ok(s) => (s, p),
                        Err(_) => {
                            self.emit_str(
                                io,
                                2,
                                &format!("nohup: failed to open '{p}': Permission denied\n"),
                            );
                            return Ok(125);
                        }
                    }
                }
            };
            let what = if ignoring_input {
                "ignoring input and appending output to"
            } else {
                "appending output to"
            };
            self.emit_str(io, 2, &format!("nohup: {what} '{shown}'\n"));
            io2.fds[1] = Some(sink);
        }
        if err_tty {
            io2.fds[2] = io2.fds[1];
            if !out_tty {
                let what = if ignoring_input {
                    "ignoring input and redirecting stderr to stdout"
                } else {
                    "redirecting stderr to stdout"
                };
                self.emit_str(io, 2, &format!("nohup: {what}\n"));
            }
        }
        if ignoring_input {
            io2.stdin = None;
        }
        if let Some(st) = self.wrapper_found("nohup", cmd, io) {
            return Ok(st);
        }
        self.run_program(rest, &io2)
    }

    fn timeout(&mut self, argv: &[String], io: &Io) -> Res<i32> {
        let mut i = 1;
        while let Some(a) = argv.get(i) {
            if a == "--" {
                i += 1;
                break;
            }
            if !a.starts_with('-') || a == "-" {
                break;
            }
            match a.as_str() {
                "-s" | "-k" | "--signal" | "--kill-after" => i += 2,
                "-v" | "--verbose" | "--foreground" | "--preserve-status" => i += 1,
                s if s.starts_with("--signal=") || s.starts_with("--kill-after=") => i += 1,
                s if (s.starts_with("-s") || s.starts_with("-k")) && s.len() > 2 => i += 1,
                _ => {
                    if let Some(st) = self.wrapper_option("timeout", a, io) {
                        return Ok(st);
                    }
                    let c = a.chars().nth(1).unwrap_or('-');
                    self.emit_str(io, 2, &format!("timeout: invalid option -- '{c}'\nTry 'timeout --help' for more information.\n"));
                    return Ok(125);
                }
            }
        }
        let rest = argv.get(i..).unwrap_or(&[]);
        let (Some(dur), Some(cmd)) = (rest.first(), rest.get(1)) else {
            let msg = match rest.first() {
                Some(d) => format!("timeout: missing operand after '{d}'"),
                None => "timeout: missing operand".into(),
            };
            self.emit_str(
                io,
                2,
                &format!("{msg}\nTry 'timeout --help' for more information.\n"),
            );
            return Ok(125);
        };
        let Some(limit) = parse_duration(dur) else {
            self.emit_str(io, 2, &format!("timeout: invalid time interval '{dur}'\nTry 'timeout --help' for more information.\n"));
            return Ok(125);
        };
        if let Some(st) = self.wrapper_found("timeout", cmd, io) {
            return Ok(st);
        }
        let cmdline = rest.get(1..).unwrap_or(&[]);
        if cmd == "sleep"
            && limit > 0.0
            && let Some(s) = cmdline.get(1).and_then(|s| parse_duration(s))
            && s > limit
        {
            return Ok(124);
        }
        self.run_program(cmdline, io)
    }

    /// Remembers a background job as a running process when it is a program that keeps
    /// running (a path like `./xmrig`, or `sleep`, `perl`, ...), for `ps` and `top`.
    pub(crate) fn note_started(&mut self, pid: u32, text: &str) {
        let words: Vec<&str> = text
            .split_whitespace()
            .take_while(|w| {
                !w.contains('>') && !w.contains('<') && *w != "|" && *w != "&&" && *w != ";"
            })
            .skip_while(|w| matches!(*w, "nohup" | "setsid" | "exec"))
            .collect();
        let Some(first) = words.first() else { return };
        let base = first.rsplit('/').next().unwrap_or(first);
        if !(first.contains('/') || LINGERING.contains(&base))
            || self.sys.started.len() >= MAX_STARTED
        {
            return;
        }
        let cmd: String = words.join(" ").chars().take(512).collect();
        let since_boot = self.now.unix_timestamp() - self.persona.boot_time;
        self.sys.started.push(Process {
            pid,
            ppid: 1,
            user: self.user.name.clone(),
            rss_kb: 2_000 + u64::from(pid % 3000),
            vsz_kb: 8_000 + u64::from(pid % 7000),
            stat: "S".into(),
            start_after_boot: since_boot,
            cpu_secs: 0,
            cmd,
        });
    }
}

/// coreutils' duration: a non-negative number with an optional `s`, `m`, `h` or `d`.
fn parse_duration(s: &str) -> Option<f64> {
    let (num, mul) = match s.chars().last()? {
        's' => (s.get(..s.len() - 1)?, 1.0),
        'm' => (s.get(..s.len() - 1)?, 60.0),
        'h' => (s.get(..s.len() - 1)?, 3600.0),
        'd' => (s.get(..s.len() - 1)?, 86_400.0),
        _ => (s, 1.0),
    };
    let v: f64 = num.parse().ok()?;
    (v >= 0.0 && v.is_finite() && !num.starts_with('+')).then_some(v * mul)
}
