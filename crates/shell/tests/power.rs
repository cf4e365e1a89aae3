//! `reboot` and friends end the session the way a real box drops the connection: nothing
//! more runs, nothing more is printed (no `logout`, no prompt), from any depth of subshell
//! or nested shell. Scheduled shutdowns and refusals leave the session open.

// Test code: a failed expectation should panic with its message.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::{Arc, OnceLock};

use miragepot_shell::{Mode, Persona, SessionConfig, Shell, ShellLimits};
use time::OffsetDateTime;

fn persona() -> Arc<Persona> {
    static P: OnceLock<Arc<Persona>> = OnceLock::new();
    Arc::clone(P.get_or_init(|| Arc::new(Persona::debian12())))
}

fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_763_730_000).unwrap()
}

fn shell(user: &str, mode: Mode) -> Shell {
    let cfg = SessionConfig {
        user: user.into(),
        mode,
        src_ip: "203.0.113.9".into(),
        src_port: 50022,
        env: vec![],
        seed: 7,
        limits: ShellLimits::default(),
    };
    Shell::new(persona(), cfg, now())
}

fn pty(user: &str) -> Shell {
    let mut sh = shell(
        user,
        Mode::Pty {
            term: "xterm".into(),
            cols: 80,
            rows: 24,
        },
    );
    sh.start(now());
    sh
}

#[test]
fn an_exec_line_stops_at_reboot() {
    for line in [
        "echo a; reboot; echo b",
        "echo a; (reboot; echo c); echo b",
        "echo a; bash -c 'shutdown -r now; echo c'; echo b",
        "echo a; /sbin/poweroff | cat; echo b",
        "echo a; for i in 1 2; do /usr/sbin/halt; echo $i; done",
        "echo a; systemctl reboot && echo b",
    ] {
        let mut sh = shell("root", Mode::Exec);
        let step = sh.exec(line, now());
        assert_eq!(String::from_utf8_lossy(&step.out), "a\n", "{line}");
        assert_eq!(String::from_utf8_lossy(&step.err), "", "{line}");
        assert_eq!(step.exit, Some(0), "{line}");
        assert!(sh.exited(), "{line}");
    }
}

#[test]
fn an_interactive_session_drops_without_logout_or_prompt() {
    let mut sh = pty("root");
    let step = sh.feed(b"echo up\r", now());
    assert!(String::from_utf8_lossy(&step.out).contains("up\r\n"));
    let step = sh.feed(b"reboot\r", now());
    let out = String::from_utf8_lossy(&step.out).into_owned();
    assert!(sh.exited());
    assert_eq!(step.exit, Some(0));
    assert!(!out.contains("logout"), "{out:?}");
    assert!(!out.contains("root@"), "{out:?}");
    // Nothing runs afterwards.
    let step = sh.feed(b"echo still here\r", now());
    assert!(step.out.is_empty());
}

#[test]
fn a_scheduled_shutdown_keeps_the_session() {
    let mut sh = pty("root");
    let step = sh.feed(b"shutdown -r +5 maintenance\r", now());
    let out = String::from_utf8_lossy(&step.out).into_owned();
    assert!(
        out.contains(
            "Reboot scheduled for Fri 2025-11-21 13:05:00 UTC, use 'shutdown -c' to cancel.\r\n"
        ),
        "{out:?}"
    );
    assert!(!sh.exited());
    let step = sh.feed(
        b"shutdown --show; shutdown -c; shutdown --show; echo rc=$?\r",
        now(),
    );
    let out = String::from_utf8_lossy(&step.out).into_owned();
    assert!(
        out.contains("Reboot scheduled for Fri 2025-11-21 13:05:00 UTC, use 'shutdown -c' to cancel.\r\nNo scheduled shutdown.\r\nrc=1\r\n"),
        "{out:?}"
    );
    assert!(!sh.exited());
}

#[test]
fn a_user_is_refused_and_stays() {
    let mut sh = shell("debian", Mode::Exec);
    let step = sh.exec("reboot; /sbin/reboot; echo rc=$?", now());
    assert_eq!(String::from_utf8_lossy(&step.out), "rc=1\n");
    assert_eq!(
        String::from_utf8_lossy(&step.err),
        "bash: line 1: reboot: command not found\nCall to Reboot failed: Access denied\n"
    );
    assert_eq!(step.exit, Some(0));
}
