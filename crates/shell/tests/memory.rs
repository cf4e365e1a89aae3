//! Heap cost of a session, measured with dhat's counting allocator (not timed, so exact and
//! repeatable): an idle interactive shell, and the first file write in a session. Cowrie
//! deep-copies its whole filesystem on the first write (7.6 MiB); our overlay must stay
//! under 64 KiB for it. Run with `--nocapture` to see the figures.

// Test code: a failed expectation should panic with its message.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;

use miragepot_shell::{Mode, Persona, SessionConfig, Shell, ShellLimits};
use time::OffsetDateTime;

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

fn cfg(mode: Mode) -> SessionConfig {
    SessionConfig {
        user: "root".into(),
        mode,
        src_ip: "203.0.113.9".into(),
        src_port: 40000,
        env: Vec::new(),
        seed: 7,
        limits: ShellLimits::default(),
    }
}

#[test]
fn idle_shell_and_first_write_are_small() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let persona = Arc::new(Persona::debian12());
    let now = OffsetDateTime::from_unix_timestamp(1_763_730_000).unwrap();

    let before = dhat::HeapStats::get().curr_bytes;
    let mut shell = Shell::new(
        Arc::clone(&persona),
        cfg(Mode::Pty {
            term: "xterm".into(),
            cols: 80,
            rows: 24,
        }),
        now,
    );
    let start = shell.start(now);
    drop(start);
    let idle = dhat::HeapStats::get().curr_bytes - before;

    let before_write = dhat::HeapStats::get().curr_bytes;
    let step = shell.feed(b"echo hello > /tmp/a\r", now);
    drop(step);
    let write = dhat::HeapStats::get()
        .curr_bytes
        .saturating_sub(before_write);
    assert!(shell.overlay_bytes() > 0);

    let mut exec = Shell::new(Arc::clone(&persona), cfg(Mode::Exec), now);
    let before_exec = dhat::HeapStats::get().curr_bytes;
    drop(exec.exec("cd /tmp; echo hi > a; cat a", now));
    let exec_write = dhat::HeapStats::get()
        .curr_bytes
        .saturating_sub(before_exec);

    eprintln!(
        "idle pty shell: {idle} bytes; first write (pty): {write} bytes; first write (exec): {exec_write} bytes"
    );
    dhat::assert!(idle <= 48 * 1024, "idle shell holds {idle} bytes");
    dhat::assert!(write <= 64 * 1024, "first write costs {write} bytes");
    dhat::assert!(
        exec_write <= 64 * 1024,
        "first exec write costs {exec_write} bytes"
    );
    drop(shell);
    drop(exec);
}
