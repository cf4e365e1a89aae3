//! Tests of the per-session limits on the driver.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use miragepot_event::{EndReason, EventKind, LimitKind};

use crate::SessionLimits;
use crate::session::tests::driver_limited;

fn limits(max_commands: u64, max_input_bytes: u64, secs: u64) -> SessionLimits {
    SessionLimits {
        max_commands,
        max_input_bytes,
        max_command_time: Duration::from_secs(secs),
    }
}

/// The `limit_hit` events published so far.
async fn hits(
    rx: &mut tokio::sync::broadcast::Receiver<std::sync::Arc<miragepot_event::Event>>,
) -> Vec<(LimitKind, u64)> {
    let mut out = Vec::new();
    for _ in 0..50 {
        tokio::task::yield_now().await;
        while let Ok(ev) = rx.try_recv() {
            if let EventKind::LimitHit(h) = &ev.kind {
                out.push((h.limit, h.value));
            }
        }
    }
    out
}

#[tokio::test]
async fn the_command_limit_ends_the_session_after_the_last_allowed_command() {
    let dir = tempfile::tempdir().unwrap();
    let (mut d, _p) = driver_limited(false, dir.path(), None, limits(2, 0, 0));
    let mut rx = d.services().bus.subscribe();
    // A command line counts once, however many commands it holds.
    let out = d.exec("echo 1; echo 2");
    assert_eq!((out.out.as_slice(), out.end), (&b"1\n2\n"[..], None));
    let out = d.exec("echo 3");
    assert_eq!(out.out, b"3\n", "the second line still answers");
    assert_eq!(out.end, Some(EndReason::LimitReached));
    let out = d.exec("echo 4");
    assert!(
        out.out.is_empty(),
        "nothing reaches the shell after the limit"
    );
    assert_eq!(out.end, Some(EndReason::LimitReached));
    assert_eq!(hits(&mut rx).await, vec![(LimitKind::Commands, 2)]);
}

#[tokio::test]
async fn the_input_limit_ends_the_session_before_the_shell_sees_the_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (mut d, _p) = driver_limited(false, dir.path(), None, limits(0, 1000, 0));
    let mut rx = d.services().bus.subscribe();
    d.start_shell();
    let out = d.data(&[b'a'; 900]);
    assert_eq!(out.end, None);
    let out = d.data(&[b'b'; 200]);
    assert_eq!(out.end, Some(EndReason::LimitReached));
    assert!(out.out.is_empty());
    assert_eq!(d.data(b"echo hi\\r").end, Some(EndReason::LimitReached));
    assert_eq!(hits(&mut rx).await, vec![(LimitKind::InputBytes, 1000)]);
}

#[tokio::test]
async fn a_long_wait_is_cut_to_the_command_time_limit() {
    let dir = tempfile::tempdir().unwrap();
    // Pacing on: `ping -c 5` takes four seconds on a real box.
    let (mut d, _p) = driver_limited(true, dir.path(), None, limits(0, 0, 1));
    let mut rx = d.services().bus.subscribe();
    let quick = d.exec("echo hi");
    assert!(quick.delay < Duration::from_secs(1));
    let out = d.exec("ping -c 5 1.1.1.1");
    assert_eq!(out.delay, Duration::from_secs(1), "{:?}", out.delay);
    assert_eq!(out.end, None, "the session goes on");
    assert_eq!(hits(&mut rx).await, vec![(LimitKind::CommandTime, 1)]);
}
