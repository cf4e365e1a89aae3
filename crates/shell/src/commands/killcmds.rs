//! `/usr/bin/kill` (procps-ng 4.0.2), `killall` (psmisc 23.6) and `pkill` (procps-ng 4.0.2)
//! over the shared process model (`sysmodel`): what they kill disappears from `ps`, `top`,
//! `ss` and `netstat` for the rest of the session.
//!
//! bash's builtin `kill` (in the interpreter) is what `kill PID` usually runs; this is the
//! binary (`/usr/bin/kill`, `env kill`). Emulated: `-SIG`, `-s SIG`, `-l [SIG]`, `-L`,
//! `--help`, `--version`; killall `-9`/`-SIG`, `-s`, `-u`, `-q`, `-e`, `-I`, `-v`, `-l`,
//! `-r` (regex names); pkill `-9`/`-SIG`, `--signal`, `-f`, `-u`, `-x`, `-i`, `-e`, its
//! pattern an extended regex (`procmatch`).

use super::procmatch::{Sel, compile, matches};
use super::sysmodel::{self, KillOutcome};
use super::{CmdCtx, Command, help};

/// Signal names, numbered from 1.
pub(crate) const SIGNALS: &[&str] = &[
    "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
    "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG",
    "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "POLL", "PWR", "SYS",
];

/// A signal by number or name (`9`, `KILL`, `SIGKILL`, `kill`).
pub(crate) fn signal(s: &str) -> Option<usize> {
    if let Ok(n) = s.parse::<usize>() {
        return (n <= 64).then_some(n);
    }
    let up = s.to_ascii_uppercase();
    let up = up.strip_prefix("SIG").unwrap_or(&up);
    SIGNALS.iter().position(|x| *x == up).map(|i| i + 1)
}

fn own_pids(ctx: &CmdCtx<'_>) -> Vec<u32> {
    let b = sysmodel::session_base(ctx.session.login_time);
    vec![b, b + 9]
}

fn send(ctx: &mut CmdCtx<'_>, pid: u32, sig: usize) -> KillOutcome {
    let own = own_pids(ctx);
    let (name, uid) = (ctx.user.name.clone(), ctx.user.uid);
    sysmodel::send_signal(ctx.persona, ctx.sys, &name, uid, pid, sig, &own)
}

/// `/usr/bin/kill`.
pub struct Kill;

impl Command for Kill {
    fn name(&self) -> &'static str {
        "kill"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/kill"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let me = args.first().cloned().unwrap_or_else(|| "kill".into());
        let usage = |ctx: &mut CmdCtx<'_>| {
            ctx.stderr.write_str(help::help("kill").unwrap_or_default());
            1
        };
        let mut sig = 15;
        let mut pids = Vec::new();
        let mut it = args.iter().skip(1);
        while let Some(a) = it.next() {
            if !pids.is_empty() || a == "-" || !a.starts_with('-') {
                pids.push(a.clone());
                continue;
            }
            match a.as_str() {
                "--" => {
                    pids.extend(it.by_ref().cloned());
                    break;
                }
                "-h" | "--help" => {
                    ctx.stdout.write_str(help::help("kill").unwrap_or_default());
                    return 0;
                }
                "-V" | "--version" => {
                    ctx.stdout
                        .write_str(help::version("kill").unwrap_or_default());
                    return 0;
                }
                "-L" | "--table" => {
                    let mut s = String::new();
                    for (i, n) in SIGNALS.iter().enumerate() {
                        if (i + 1) % 7 == 0 {
                            s.push_str(&format!("{:>2} {n}\n", i + 1));
                        } else {
                            s.push_str(&format!("{:>2} {n:<8}", i + 1));
                        }
                    }
                    s.push('\n');
                    ctx.stdout.write_str(&s);
                    return 0;
                }
                "-l" | "--list" => {
                    return match it.next() {
                        None => {
                            let (a, b) = SIGNALS.split_at(16);
                            ctx.stdout.line(&a.join(" "));
                            ctx.stdout.line(&b.join(" "));
                            0
                        }
                        Some(s) => match (s.parse::<usize>().ok(), signal(s)) {
                            (Some(n), _) => {
                                let name = SIGNALS.get(n.wrapping_sub(1)).copied().unwrap_or("");
                                ctx.stdout.line(name);
                                0
                            }
                            (None, Some(n)) => {
                                ctx.stdout.line(&n.to_string());
                                0
                            }
                            (None, None) => {
                                ctx.error(&me, &format!("unknown signal name {s}"));
                                1
                            }
                        },
                    };
                }
                "-s" | "--signal" | "-q" | "--queue" => {
                    let v = it.next();
                    if a == "-s" || a == "--signal" {
                        sig = v.and_then(|v| signal(v)).unwrap_or(15);
                    }
                }
                _ => {
                    let spec = a.trim_start_matches('-');
                    match signal(spec) {
                        Some(n) => sig = n,
                        None => {
                            let c: String = spec.chars().take(1).collect();
                            let c = if a.starts_with("--") { "\0".into() } else { c };
                            ctx.error(&me, &format!("invalid argument {c}"));
                            ctx.stderr.write_str(help::help("kill").unwrap_or_default());
                            return 1;
                        }
                    }
                }
            }
        }
        if pids.is_empty() {
            return usage(ctx);
        }
        let mut st = 0;
        for p in pids.iter().take(4096) {
            let Ok(pid) = p.parse::<u32>() else {
                ctx.error(&me, &format!("failed to parse argument: '{p}'"));
                st = 1;
                continue;
            };
            match send(ctx, pid, sig) {
                KillOutcome::Sent => {}
                KillOutcome::NoSuch => {
                    ctx.error(&me, &format!("({pid}): No such process"));
                    st = 1;
                }
                KillOutcome::NotPermitted => {
                    ctx.error(&me, &format!("({pid}): Operation not permitted"));
                    st = 1;
                }
            }
        }
        st
    }
}

/// `killall`.
pub struct Killall;

impl Command for Killall {
    fn name(&self) -> &'static str {
        "killall"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/killall"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let mut sel = Sel::default();
        let mut it = args.iter().skip(1);
        let usage = |ctx: &mut CmdCtx<'_>| {
            ctx.stderr
                .write_str(help::help("killall").unwrap_or_default());
            1
        };
        while let Some(a) = it.next() {
            if !a.starts_with('-') || a == "-" {
                sel.names.push(a.clone());
                continue;
            }
            match a.as_str() {
                "--" => sel.names.extend(it.by_ref().cloned()),
                "--help" | "-h" => return usage(ctx),
                "-V" | "--version" => {
                    ctx.stderr
                        .write_str(help::version("killall").unwrap_or_default());
                    return 0;
                }
                "-l" | "--list" => {
                    let (a, b) = SIGNALS.split_at(16);
                    ctx.stdout.line(&a.join(" "));
                    ctx.stdout.line(&b.join(" "));
                    return 0;
                }
                "-s" | "--signal" | "-u" | "--user" | "-n" | "--ns" | "-o" | "--older-than"
                | "-y" | "--younger-than" | "-Z" | "--context" => {
                    let Some(v) = it.next() else {
                        return usage(ctx);
                    };
                    match a.as_str() {
                        "-s" | "--signal" => match signal(v) {
                            Some(n) => sel.sig = Some(n),
                            None => {
                                ctx.stderr.line(&format!(
                                    "{v}: unknown signal; killall -l lists signals."
                                ));
                                return 1;
                            }
                        },
                        "-u" | "--user" => {
                            if ctx.persona.user(v).is_none() {
                                ctx.stderr.line(&format!("Cannot find user {v}"));
                                return 1;
                            }
                            sel.user = Some(v.clone());
                        }
                        _ => {}
                    }
                }
                "--exact" => sel.exact = true,
                "--ignore-case" => sel.icase = true,
                "--quiet" => sel.quiet = true,
                "--verbose" => sel.verbose = true,
                "--regexp" => sel.regex = true,
                "--process-group" | "--interactive" | "--wait" => {}
                s if s.starts_with("--") => return usage(ctx),
                s => {
                    let body = s.trim_start_matches('-');
                    if let Some(n) = signal(body)
                        .filter(|_| body.chars().all(|c| c.is_ascii_digit()) || body.len() > 1)
                    {
                        sel.sig = Some(n);
                        continue;
                    }
                    for c in body.chars() {
                        match c {
                            'e' => sel.exact = true,
                            'I' => sel.icase = true,
                            'q' => sel.quiet = true,
                            'v' => sel.verbose = true,
                            'r' => sel.regex = true,
                            'g' | 'i' | 'w' => {}
                            _ => {
                                ctx.stderr.line(&format!(
                                    "{body}: unknown signal; killall -l lists signals."
                                ));
                                return 1;
                            }
                        }
                    }
                }
            }
        }
        if sel.names.is_empty() {
            return usage(ctx);
        }
        let sig = sel.sig.unwrap_or(15);
        let names = std::mem::take(&mut sel.names);
        // psmisc compiles every pattern before it signals anything.
        if sel.regex
            && let Some(bad) = names.iter().find(|n| compile(n, sel.icase, false).is_err())
        {
            ctx.stderr
                .line(&format!("killall: Bad regular expression: {bad}"));
            return 1;
        }
        let mut st = 0;
        for name in names.iter().take(256) {
            let found = matches(ctx, &sel, name, true).unwrap_or_default();
            let mut killed = 0;
            for (pid, comm) in &found {
                match send(ctx, *pid, sig) {
                    KillOutcome::Sent => {
                        killed += 1;
                        if sel.verbose {
                            ctx.stderr
                                .line(&format!("Killed {comm}({pid}) with signal {sig}"));
                        }
                    }
                    KillOutcome::NotPermitted => {
                        if !sel.quiet {
                            ctx.stderr
                                .line(&format!("{comm}({pid}): Operation not permitted"));
                        }
                    }
                    KillOutcome::NoSuch => {}
                }
            }
            if killed == 0 {
                if found.is_empty() && !sel.quiet {
                    ctx.stderr.line(&format!("{name}: no process found"));
                }
                st = 1;
            }
        }
        st
    }
}

/// `pkill`.
pub struct Pkill;

impl Command for Pkill {
    fn name(&self) -> &'static str {
        "pkill"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/pkill"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let mut sel = Sel::default();
        let mut it = args.iter().skip(1);
        let try_help = |ctx: &mut CmdCtx<'_>| {
            ctx.stderr.line("Try `pkill --help' for more information.");
            2
        };
        let mut first = true;
        while let Some(a) = it.next() {
            let was_first = first;
            first = false;
            if !a.starts_with('-') || a == "-" {
                sel.names.push(a.clone());
                continue;
            }
            let (long, inline) = match a.strip_prefix("--").map(|l| l.split_once('=')) {
                Some(Some((n, v))) => (Some(n), Some(v.to_string())),
                Some(None) => (a.strip_prefix("--"), None),
                None => (None, None),
            };
            if let Some(l) = long {
                if l.is_empty() {
                    sel.names.extend(it.by_ref().cloned());
                    break;
                }
                match l {
                    "help" => {
                        ctx.stdout
                            .write_str(help::help("pkill").unwrap_or_default());
                        return 0;
                    }
                    "version" => {
                        ctx.stdout
                            .write_str(help::version("pkill").unwrap_or_default());
                        return 0;
                    }
                    "full" => sel.full = true,
                    "count" | "ignore-ancestors" | "logpidfile" => {}
                    "exact" => sel.exact = true,
                    "ignore-case" => sel.icase = true,
                    "echo" => sel.verbose = true,
                    "signal" | "euid" | "uid" | "group" | "parent" | "pgroup" | "session"
                    | "terminal" | "pidfile" | "ns" | "nslist" | "cgroup" | "older" | "queue" => {
                        let v = inline.or_else(|| it.next().cloned());
                        let Some(v) = v else {
                            ctx.stderr
                                .line(&format!("pkill: option '--{l}' requires an argument"));
                            return try_help(ctx);
                        };
                        if !apply_value(
                            ctx,
                            &mut sel,
                            if l == "signal" { 's' } else { 'u' },
                            &v,
                            l == "signal" || l == "euid" || l == "uid",
                        ) {
                            return 2;
                        }
                    }
                    _ if [
                        "inverse",
                        "newest",
                        "oldest",
                        "logpidfile",
                        "require-handler",
                        "runstates",
                        "env",
                    ]
                    .contains(&l) => {}
                    _ => {
                        ctx.stderr
                            .line(&format!("pkill: unrecognized option '{a}'"));
                        ctx.stderr
                            .write_str(help::help("pkill").unwrap_or_default());
                        return 2;
                    }
                }
                continue;
            }
            let body = a.trim_start_matches('-');
            if was_first && let Some(n) = signal(body) {
                sel.sig = Some(n);
                continue;
            }
            for (i, c) in body.char_indices() {
                match c {
                    'f' => sel.full = true,
                    'x' => sel.exact = true,
                    'i' => sel.icase = true,
                    'e' => sel.verbose = true,
                    'c' | 'n' | 'o' | 'v' | 'r' | 'A' | 'H' | 'L' => {}
                    'h' => {
                        ctx.stdout
                            .write_str(help::help("pkill").unwrap_or_default());
                        return 0;
                    }
                    'V' => {
                        ctx.stdout
                            .write_str(help::version("pkill").unwrap_or_default());
                        return 0;
                    }
                    'u' | 'U' | 'g' | 'G' | 'P' | 's' | 't' | 'F' | 'q' | 'O' => {
                        let rest = body.get(i + c.len_utf8()..).unwrap_or("");
                        let v = if rest.is_empty() {
                            it.next().cloned()
                        } else {
                            Some(rest.to_string())
                        };
                        let Some(v) = v else {
                            ctx.stderr
                                .line(&format!("pkill: option requires an argument -- '{c}'"));
                            return try_help(ctx);
                        };
                        if matches!(c, 'u' | 'U') && !apply_value(ctx, &mut sel, 'u', &v, true) {
                            return 2;
                        }
                        break;
                    }
                    _ => {
                        ctx.stderr.line(&format!("pkill: invalid option -- '{c}'"));
                        ctx.stderr
                            .write_str(help::help("pkill").unwrap_or_default());
                        return 2;
                    }
                }
            }
        }
        if sel.names.len() > 1 {
            ctx.stderr.line("pkill: only one pattern can be provided");
            return try_help(ctx);
        }
        let pat = sel.names.first().cloned();
        if pat.is_none() && sel.user.is_none() {
            ctx.stderr.line("pkill: no matching criteria specified");
            return try_help(ctx);
        }
        let found = match matches(ctx, &sel, pat.as_deref().unwrap_or(""), false) {
            Ok(f) => f,
            Err(msg) => {
                ctx.stderr.line(&format!("pkill: regex error: {msg}"));
                return 2;
            }
        };
        let sig = sel.sig.unwrap_or(15);
        let mut any = false;
        for (pid, comm) in found {
            match send(ctx, pid, sig) {
                KillOutcome::Sent => {
                    any = true;
                    if sel.verbose {
                        ctx.stdout.line(&format!("{comm} killed (pid {pid})"));
                    }
                }
                KillOutcome::NotPermitted => {
                    ctx.stderr.line(&format!(
                        "pkill: killing pid {pid} failed: Operation not permitted"
                    ));
                }
                KillOutcome::NoSuch => {}
            }
        }
        i32::from(!any)
    }
}

/// Applies `-s SIG` or `-u USER` for pkill; false (after the error) when invalid.
fn apply_value(ctx: &mut CmdCtx<'_>, sel: &mut Sel, what: char, v: &str, check: bool) -> bool {
    if what == 's' {
        match signal(v) {
            Some(n) => sel.sig = Some(n),
            None => {
                ctx.stderr.line(&format!("pkill: Unknown signal \"{v}\"."));
                return false;
            }
        }
    } else if check {
        let name = ctx
            .persona
            .user(v)
            .or_else(|| v.parse().ok().and_then(|u| ctx.persona.user_by_uid(u)))
            .map(|u| u.name.clone());
        match name {
            Some(n) => sel.user = Some(n),
            None => {
                ctx.stderr.line(&format!("pkill: invalid user name: {v}"));
                return false;
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn kill_binary() {
        let r = run("kill", &["-9", "472"], "/", b"");
        assert_eq!((r.code, r.stderr.as_str()), (0, ""));
        assert!(r.sys.killed.contains(&472));
        assert!(r.notes.is_empty(), "killing is not an observation");
        let r = run("kill", &["99999"], "/", b"");
        assert_eq!(
            (r.code, r.stderr.as_str()),
            (1, "kill: (99999): No such process\n")
        );
        let r = run("kill", &["abc"], "/", b"");
        assert_eq!(r.stderr, "kill: failed to parse argument: 'abc'\n");
        let r = run("kill", &["-l"], "/", b"");
        assert!(r.stdout.starts_with(
            "HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM STKFLT\nCHLD "
        ));
        assert_eq!(run("kill", &["-l", "9"], "/", b"").stdout, "KILL\n");
        let r = run("kill", &["-L"], "/", b"");
        assert!(
            r.stdout.starts_with(
                " 1 HUP      2 INT      3 QUIT     4 ILL      5 TRAP     6 ABRT     7 BUS\n 8 FPE "
            ),
            "{:?}",
            r.stdout
        );
        let r = run("kill", &["-9", "1"], "/", b"");
        assert!(r.code == 0 && r.sys.killed.is_empty());
    }

    #[test]
    fn killall_and_pkill() {
        let r = run("killall", &["-9", "perl"], "/", b"");
        assert_eq!((r.code, r.stderr.as_str()), (1, "perl: no process found\n"));
        let r = run("killall", &["-q", "xmrig"], "/", b"");
        assert_eq!((r.code, r.stderr.as_str()), (1, ""));
        let r = run("killall", &["-9", "cron"], "/", b"");
        assert_eq!(r.code, 0);
        assert!(r.sys.killed.contains(&445));
        let r = run("killall", &["-u", "nobodyx", "foo"], "/", b"");
        assert_eq!(
            (r.code, r.stderr.as_str()),
            (1, "Cannot find user nobodyx\n")
        );
        let r = run("pkill", &["-9", "xmrig"], "/", b"");
        assert_eq!((r.code, r.stderr.as_str()), (1, ""));
        let r = run("pkill", &["-f", "rsyslogd -n"], "/", b"");
        assert_eq!(r.code, 0);
        assert!(r.sys.killed.contains(&447));
        let r = run("pkill", &[], "/", b"");
        assert_eq!(r.code, 2);
        assert_eq!(
            r.stderr,
            "pkill: no matching criteria specified\nTry `pkill --help' for more information.\n"
        );
        let r = run("pkill", &["-KILL", "sshd"], "/", b"");
        assert!(r.sys.killed.contains(&472));
    }
}
