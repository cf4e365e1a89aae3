//! `reboot`, `poweroff`, `halt` and `shutdown`: systemd 252's `systemctl` under those names
//! (symlinks to `/bin/systemctl` on Debian 12), and the `systemctl reboot|poweroff|halt`
//! verbs.
//!
//! As root an immediate action (`reboot`, `shutdown -r now`, `halt -f`, ...) takes the
//! machine down: nothing is printed and the session ends (the interpreter sees
//! [`SysState::halted`](super::SysState) and drops the connection like sshd dying would). A
//! `shutdown` with a time (none means `+1`) is scheduled instead: `Shutdown scheduled for
//! <date>, use 'shutdown -c' to cancel.` on stderr, from the session's clock; `shutdown -c`
//! cancels quietly and `--show` shows it. `-w`/`-k` only pretend.
//!
//! Other users are refused by logind. The persona has no polkit, so logind answers
//! `Access denied` (sd-bus's text for `EACCES`): `Call to Reboot failed: Access denied`,
//! `Failed to schedule shutdown: Access denied`, and `Need to be root.` for `-f`. The message
//! formats are the strings of Debian 12's systemctl 252 binary; the `Access denied` part
//! follows from systemd 252's source (polkit absent), not from a capture.

use super::util::{Bad, Val, getopt, utc, weekday_abbr};
use super::{CmdCtx, Command, help};

/// What the machine is asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `halt`.
    Halt,
    /// `poweroff`.
    Poweroff,
    /// `reboot`.
    Reboot,
}

impl Action {
    /// logind's method name (`Call to Reboot failed`).
    fn method(self) -> &'static str {
        match self {
            Action::Halt => "Halt",
            Action::Poweroff => "PowerOff",
            Action::Reboot => "Reboot",
        }
    }

    /// How a scheduled action is announced.
    fn pretty(self) -> &'static str {
        match self {
            Action::Halt | Action::Poweroff => "Shutdown",
            Action::Reboot => "Reboot",
        }
    }
}

/// `reboot`.
pub struct Reboot;
/// `poweroff`.
pub struct Poweroff;
/// `halt`.
pub struct Halt;
/// `shutdown`.
pub struct Shutdown;

impl Command for Reboot {
    fn name(&self) -> &'static str {
        "reboot"
    }
    fn paths(&self) -> &'static [&'static str] {
        &["/usr/sbin/reboot"]
    }
    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        halt_cmd(ctx, args, "reboot", Action::Reboot)
    }
}

impl Command for Poweroff {
    fn name(&self) -> &'static str {
        "poweroff"
    }
    fn paths(&self) -> &'static [&'static str] {
        &["/usr/sbin/poweroff"]
    }
    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        halt_cmd(ctx, args, "poweroff", Action::Poweroff)
    }
}

impl Command for Halt {
    fn name(&self) -> &'static str {
        "halt"
    }
    fn paths(&self) -> &'static [&'static str] {
        &["/usr/sbin/halt"]
    }
    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        halt_cmd(ctx, args, "halt", Action::Halt)
    }
}

impl Command for Shutdown {
    fn name(&self) -> &'static str {
        "shutdown"
    }
    fn paths(&self) -> &'static [&'static str] {
        &["/usr/sbin/shutdown"]
    }
    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        shutdown_cmd(ctx, args)
    }
}

/// The help text; on a terminal systemd highlights the summary line and links the man page.
fn print_help(ctx: &mut CmdCtx<'_>, name: &str) -> i32 {
    let text = help::help(name).unwrap_or_default();
    if !ctx.stdout_is_tty {
        ctx.stdout.write_str(text);
        return 0;
    }
    let man = if name == "shutdown" {
        "shutdown"
    } else {
        "halt"
    };
    for (i, line) in text.lines().enumerate() {
        if i == 2 {
            ctx.stdout.line(&format!("\x1b[0;1;39m{line}\x1b[0m"));
        } else if let Some(rest) = line.strip_prefix(&format!("See the {man}(8) man page")) {
            ctx.stdout.line(&format!(
                "See the \x1b]8;;man:{man}(8)\x07{man}(8) man page\x1b]8;;\x07{rest}"
            ));
        } else {
            ctx.stdout.line(line);
        }
    }
    0
}

/// getopt's complaint, after the name as invoked (`/sbin/reboot: invalid option -- 'Y'`).
fn bad_option(ctx: &mut CmdCtx<'_>, args: &[String], bad: &Bad) -> i32 {
    let argv0 = args.first().map(String::as_str).unwrap_or("reboot");
    let msg = match bad {
        Bad::Msg(m) => m.clone(),
        // The parser knows `--version`; these programs do not.
        _ => {
            let given = args
                .iter()
                .skip(1)
                .find(|a| a.starts_with("--v"))
                .map_or("--version", String::as_str);
            format!("unrecognized option '{given}'")
        }
    };
    ctx.stderr.line(&format!("{argv0}: {msg}"));
    1
}

/// Does `action` now: as root the machine goes down (the session ends), others are refused.
pub(crate) fn power_now(ctx: &mut CmdCtx<'_>, action: Action) -> i32 {
    if ctx.user.uid != 0 {
        ctx.stderr.line(&format!(
            "Call to {} failed: Access denied",
            action.method()
        ));
        return 1;
    }
    ctx.sys.halted = true;
    0
}

/// `reboot`, `poweroff` and `halt` (systemd's `halt_parse_argv` and `halt_main`).
fn halt_cmd(ctx: &mut CmdCtx<'_>, args: &[String], name: &str, mut action: Action) -> i32 {
    const HALT: char = '\u{e000}';
    const REBOOT: char = '\u{e001}';
    const NO_WALL: char = '\u{e002}';
    let long = [
        ("halt", HALT, Val::No),
        ("poweroff", 'p', Val::No),
        ("reboot", REBOOT, Val::No),
        ("force", 'f', Val::No),
        ("wtmp-only", 'w', Val::No),
        ("no-wtmp", 'd', Val::No),
        ("no-sync", 'n', Val::No),
        ("no-wall", NO_WALL, Val::No),
    ];
    let (opts, ops) = match getopt(args, "pfwdnih", &long) {
        Ok(x) => x,
        Err(Bad::Help) => return print_help(ctx, name),
        Err(e) => return bad_option(ctx, args, &e),
    };
    let (mut force, mut dry) = (false, false);
    for (c, _) in opts {
        match c {
            HALT => action = Action::Halt,
            'p' => action = Action::Poweroff,
            REBOOT => action = Action::Reboot,
            'f' => force = true,
            'w' => dry = true,
            _ => {}
        }
    }
    let allowed = usize::from(action == Action::Reboot);
    if ops.len() > allowed {
        ctx.stderr.line("Too many arguments.");
        return 1;
    }
    if force && ctx.user.uid != 0 {
        ctx.stderr.line("Need to be root.");
        return 1;
    }
    if dry {
        return 0;
    }
    power_now(ctx, action)
}

/// `shutdown [OPTIONS...] [TIME] [WALL...]` (systemd's `shutdown_parse_argv`).
fn shutdown_cmd(ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
    const HALT: char = 'H';
    const SHOW: char = '\u{e000}';
    const NO_WALL: char = '\u{e001}';
    let long = [
        ("halt", HALT, Val::No),
        ("poweroff", 'P', Val::No),
        ("reboot", 'r', Val::No),
        ("kexec", 'K', Val::No),
        ("no-wall", NO_WALL, Val::No),
        ("show", SHOW, Val::No),
    ];
    let (opts, ops) = match getopt(args, "HPrhkKat:fFc", &long) {
        Ok(x) => x,
        Err(Bad::Help) => return print_help(ctx, "shutdown"),
        Err(e) => return bad_option(ctx, args, &e),
    };
    let mut action = Action::Poweroff;
    let (mut cancel, mut show, mut dry) = (false, false, false);
    for (c, _) in opts {
        match c {
            'H' => action = Action::Halt,
            'P' => action = Action::Poweroff,
            'r' | 'K' => action = Action::Reboot,
            'h' if action != Action::Halt => action = Action::Poweroff,
            'k' => dry = true,
            'c' => cancel = true,
            SHOW => show = true,
            _ => {}
        }
    }
    let root = ctx.user.uid == 0;
    if cancel {
        // logind answers "nothing to cancel" before any permission check.
        if root {
            ctx.sys.shutdown_at = None;
        }
        return 0;
    }
    if show {
        return match ctx.sys.shutdown_at {
            Some((a, when)) => {
                ctx.stderr.line(&scheduled(a, when));
                0
            }
            None => {
                ctx.stderr.line("No scheduled shutdown.");
                1
            }
        };
    }
    let now = ctx.now.unix_timestamp();
    let when = match ops.first() {
        None => Some(now + 60),
        Some(spec) => match when_of(spec, now) {
            Ok(w) => w,
            Err(()) => {
                ctx.stderr
                    .line(&format!("Failed to parse time specification: {spec}"));
                return 1;
            }
        },
    };
    match when {
        None if dry => 0,
        None => power_now(ctx, action),
        Some(_) if !root => {
            ctx.stderr
                .line("Failed to schedule shutdown: Access denied");
            1
        }
        Some(at) => {
            if !dry {
                ctx.sys.shutdown_at = Some((action, at));
            }
            ctx.stderr.line(&scheduled(action, at));
            // `+0` is due at once: logind acts on it straight away.
            if at <= now && !dry {
                ctx.sys.halted = true;
            }
            0
        }
    }
}

/// `Reboot scheduled for Fri 2025-11-21 13:01:00 UTC, use 'shutdown -c' to cancel.`
fn scheduled(action: Action, when: i64) -> String {
    let t = utc(when);
    format!(
        "{} scheduled for {} {:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC, use 'shutdown -c' to cancel.",
        action.pretty(),
        weekday_abbr(t),
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// systemd's `parse_shutdown_time_spec`: `now` (`Ok(None)`), `+MINUTES` (or with a unit),
/// or `HH:MM` (today, else tomorrow; the persona is UTC).
fn when_of(spec: &str, now: i64) -> Result<Option<i64>, ()> {
    if spec == "now" {
        return Ok(None);
    }
    if let Some(rel) = spec.strip_prefix('+') {
        let digits = rel.find(|c: char| !c.is_ascii_digit()).unwrap_or(rel.len());
        let (num, unit) = rel.split_at(digits);
        let n: i64 = num.parse().map_err(|_| ())?;
        let secs = match unit.trim() {
            "" | "m" | "min" | "minute" | "minutes" => 60,
            "s" | "sec" | "second" | "seconds" => 1,
            "h" | "hr" | "hour" | "hours" => 3600,
            "d" | "day" | "days" => 86_400,
            _ => return Err(()),
        };
        return Ok(Some(now.saturating_add(n.saturating_mul(secs))));
    }
    let (h, m) = spec.split_once(':').ok_or(())?;
    let h: i64 = h.parse().map_err(|_| ())?;
    let m: i64 = m.parse().map_err(|_| ())?;
    if !(0..24).contains(&h) || !(0..60).contains(&m) {
        return Err(());
    }
    let mut at = now - now.rem_euclid(86_400) + h * 3600 + m * 60;
    if at < now {
        at += 86_400;
    }
    Ok(Some(at))
}

#[cfg(test)]
mod tests;
