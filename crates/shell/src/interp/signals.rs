//! Signals and traps: `kill` (signal names and numbers, `kill -l`, the persona's
//! processes through the shared process model, which records what dies; `kill -9 $$` ends
//! the session) and `trap` (stored and listed; only `EXIT`
//! runs).
//!
//! Known limits: no signal is ever delivered to anything; traps other than `EXIT` never fire.

use super::{Ctl, Interp, Io, Res};
use crate::commands::SignalOutcome;

pub(crate) const SIGNALS: &[&str] = &[
    "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
    "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG",
    "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "POLL", "PWR", "SYS",
];

pub(crate) fn signal_num(s: &str) -> Option<usize> {
    let s = s.trim_start_matches('-');
    if let Ok(n) = s.parse::<usize>() {
        return (n <= 64).then_some(n);
    }
    let s = s.to_ascii_uppercase();
    let s = s.strip_prefix("SIG").unwrap_or(&s);
    SIGNALS.iter().position(|x| *x == s).map(|i| i + 1)
}

impl Interp {
    pub(crate) fn builtin_kill(&mut self, io: &Io, args: &[String]) -> Res<i32> {
        if args.is_empty() {
            self.emit_str(io, 2, "kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n");
            return Ok(2);
        }
        if args.first().is_some_and(|a| a == "-l" || a == "-L") {
            if let Some(s) = args.get(1) {
                match s
                    .parse::<usize>()
                    .ok()
                    .and_then(|n| SIGNALS.get(n.wrapping_sub(1)))
                {
                    Some(name) => self.emit_str(io, 1, &format!("{name}\n")),
                    None => match signal_num(s) {
                        Some(n) => self.emit_str(io, 1, &format!("{n}\n")),
                        None => {
                            self.error(io, &format!("kill: {s}: invalid signal specification"));
                            return Ok(1);
                        }
                    },
                }
                return Ok(0);
            }
            let mut s = String::new();
            for (i, name) in SIGNALS.iter().enumerate() {
                let n = i + 1;
                s.push_str(&format!("{n:>2}) SIG{name}"));
                s.push(if n % 5 == 0 { '\n' } else { '\t' });
            }
            s.push('\n');
            self.emit_str(io, 1, &s);
            return Ok(0);
        }
        let mut sig = 15;
        let mut pids = Vec::new();
        let mut i = 0;
        while let Some(a) = args.get(i) {
            if a == "-s" || a == "-n" {
                sig = args.get(i + 1).and_then(|s| signal_num(s)).unwrap_or(15);
                i += 2;
                continue;
            }
            if let Some(spec) = a.strip_prefix('-').filter(|_| pids.is_empty()) {
                match signal_num(spec) {
                    Some(n) => sig = n,
                    None => {
                        self.error(io, &format!("kill: {spec}: invalid signal specification"));
                        return Ok(1);
                    }
                }
            } else {
                pids.push(a.clone());
            }
            i += 1;
        }
        let mut st = 0;
        for p in pids {
            let Ok(pid) = p.parse::<u32>() else {
                self.error(
                    io,
                    &format!("kill: {p}: arguments must be process or job IDs"),
                );
                st = 1;
                continue;
            };
            if pid == self.pid {
                if sig == 9 || sig == 1 {
                    return Err(Ctl::Exit(128 + sig as i32));
                }
                continue;
            }
            let base = crate::commands::sysmodel_session_base(self.session.login_time);
            let own: Vec<u32> = [Some(base), Some(base + 9), self.last_bg]
                .into_iter()
                .flatten()
                .collect();
            let (name, uid) = (self.user.name.clone(), self.user.uid);
            match crate::commands::send_signal(
                &self.persona,
                &mut self.sys,
                &name,
                uid,
                pid,
                sig,
                &own,
            ) {
                SignalOutcome::Sent => {}
                SignalOutcome::NoSuch => {
                    self.error(io, &format!("kill: ({pid}) - No such process"));
                    st = 1;
                }
                SignalOutcome::NotPermitted => {
                    self.error(io, &format!("kill: ({pid}) - Operation not permitted"));
                    st = 1;
                }
            }
        }
        Ok(st)
    }

    pub(crate) fn builtin_trap(&mut self, io: &Io, args: &[String]) -> i32 {
        let list = |me: &Interp, only: &[String]| -> String {
            let wanted: Vec<String> = only
                .iter()
                .filter_map(|s| {
                    if s == "EXIT" || s == "0" {
                        Some("EXIT".to_string())
                    } else {
                        signal_num(s)
                            .and_then(|n| SIGNALS.get(n - 1))
                            .map(|n| format!("SIG{n}"))
                    }
                })
                .collect();
            me.st
                .traps
                .iter()
                .filter(|(sig, _)| wanted.is_empty() || wanted.contains(sig))
                .map(|(sig, cmd)| format!("trap -- {} {sig}\n", super::vars::squote_always(cmd)))
                .collect()
        };
        match args.first().map(String::as_str) {
            None | Some("-p") => {
                let s = list(self, args.get(1..).unwrap_or(&[]));
                self.emit_str(io, 1, &s);
                0
            }
            Some("-l") => self.builtin_kill(io, &["-l".to_string()]).unwrap_or(0),
            Some(action) => {
                let sigs = args.get(1..).unwrap_or(&[]);
                let mut st = 0;
                for s in sigs {
                    let name = if s == "EXIT" || s == "0" {
                        Some("EXIT".to_string())
                    } else if matches!(s.as_str(), "ERR" | "DEBUG" | "RETURN") {
                        Some(s.clone())
                    } else {
                        signal_num(s)
                            .and_then(|n| SIGNALS.get(n - 1))
                            .map(|n| format!("SIG{n}"))
                    };
                    match name {
                        Some(n) => {
                            if action == "-" {
                                self.st.traps.remove(&n);
                            } else {
                                self.st.traps.insert(n, action.to_string());
                            }
                        }
                        None => {
                            self.error(io, &format!("trap: {s}: invalid signal specification"));
                            st = 1;
                        }
                    }
                }
                st
            }
        }
    }
}
