//! Tests of the session driver: pacing and the events made from shell observations.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use miragepot_event::{EventKind, Protocol};
use miragepot_shell::{Persona, ShellLimits};

use super::{DataDirs, Services, SessionDriver};
use crate::Pipeline;

fn driver(pacing: bool, dir: &std::path::Path) -> (SessionDriver, Pipeline) {
    driver_with(pacing, dir, None)
}

fn detection() -> Arc<crate::Detection> {
    use miragepot_detect::profile::{ProfileBook, ProfileConfig};
    Arc::new(crate::Detection {
        rules: Arc::new(miragepot_detect::session::Rules::builtin().unwrap()),
        tarpit: false,
        token_key: Some(b"test key".to_vec()),
        tokens: std::sync::Mutex::new(miragepot_detect::tokens::TokenIndex::new(100)),
        profiles: std::sync::Mutex::new(ProfileBook::new(ProfileConfig::default())),
        session_logs: None,
        published: std::sync::Mutex::new(std::collections::HashMap::new()),
    })
}

fn driver_with(
    pacing: bool,
    dir: &std::path::Path,
    detection: Option<Arc<crate::Detection>>,
) -> (SessionDriver, Pipeline) {
    driver_limited(pacing, dir, detection, crate::SessionLimits::default())
}

pub(crate) fn driver_limited(
    pacing: bool,
    dir: &std::path::Path,
    detection: Option<Arc<crate::Detection>>,
    limits: crate::SessionLimits,
) -> (SessionDriver, Pipeline) {
    let (bus, pipeline) = Pipeline::start(Vec::new(), 1024, 16);
    let services = Arc::new(Services {
        sensor: "t".into(),
        persona: Arc::new(Persona::debian12()),
        bus,
        dirs: DataDirs::under(dir.to_path_buf()),
        shell_limits: ShellLimits::default(),
        record: false,
        pacing,
        max_recording_bytes: 1 << 20,
        detection,
        access: crate::policy::Access::new(Default::default()),
        limits,
        llm: None,
        tty: Default::default(),
    });
    let peer = "203.0.113.9:40000".parse().unwrap();
    let local = "10.0.3.17:22".parse().unwrap();
    (
        SessionDriver::new(services, peer, local, Protocol::Ssh),
        pipeline,
    )
}

#[tokio::test]
async fn pacing_delays_output_only_when_on() {
    let dir = tempfile::tempdir().unwrap();
    let (mut on, _p1) = driver(true, dir.path());
    let out = on.exec("echo hi");
    assert_eq!(out.out, b"hi\n");
    let t = Persona::debian12().timing;
    let ms = u64::try_from(out.delay.as_millis()).unwrap();
    assert!((t.line_min_ms..=t.line_max_ms).contains(&ms), "{ms}");

    let (mut off, _p2) = driver(false, dir.path());
    let out = off.exec("echo hi");
    assert_eq!(out.out, b"hi\n");
    assert!(out.delay.is_zero());
}

#[tokio::test]
async fn unknown_commands_become_events() {
    let dir = tempfile::tempdir().unwrap();
    let (mut d, _p) = driver(false, dir.path());
    let mut live = d.services().bus.subscribe();
    let out = d.exec("lockr -ia .ssh; /usr/bin/lsof");
    assert_eq!(out.err, b"bash: line 1: lockr: command not found\n");
    let mut unknown = Vec::new();
    while let Ok(ev) = live.try_recv() {
        if let EventKind::CommandUnknown { name, installed } = &ev.kind {
            unknown.push((name.clone(), *installed));
        }
    }
    // Events reach subscribers through the dispatcher task: give it a moment.
    if unknown.is_empty() {
        for _ in 0..100 {
            tokio::task::yield_now().await;
            while let Ok(ev) = live.try_recv() {
                if let EventKind::CommandUnknown { name, installed } = &ev.kind {
                    unknown.push((name.clone(), *installed));
                }
            }
            if unknown.len() >= 2 {
                break;
            }
        }
    }
    assert_eq!(
        unknown,
        vec![
            ("lockr".to_string(), false),
            ("/usr/bin/lsof".to_string(), true)
        ]
    );
}

#[tokio::test]
async fn a_dropped_script_that_runs_is_kept_even_after_rm() {
    let dir = tempfile::tempdir().unwrap();
    let (mut d, _p) = driver(false, dir.path());
    let mut live = d.services().bus.subscribe();
    let out = d
        .exec("cd /tmp; printf 'echo pwned\\n' > x.sh; sh x.sh; chmod +x x.sh; ./x.sh; rm -f x.sh");
    assert_eq!(out.out, b"pwned\npwned\n");
    d.finish(miragepot_event::EndReason::ClientClosed).await;
    let mut executed = Vec::new();
    for _ in 0..200 {
        while let Ok(ev) = live.try_recv() {
            if let EventKind::FileExecuted { path, size, sha256 } = &ev.kind {
                executed.push((path.clone(), *size, sha256.clone()));
            }
        }
        tokio::task::yield_now().await;
    }
    // Same content twice: reported once.
    assert_eq!(executed.len(), 1, "{executed:?}");
    let (path, size, sha) = &executed[0];
    assert_eq!(path, "/tmp/x.sh");
    assert_eq!(*size, 11);
    let kept = std::fs::read(dir.path().join("artifacts").join(sha)).unwrap();
    assert_eq!(kept, b"echo pwned\n");
}

#[tokio::test]
async fn honeytokens_are_planted_at_the_first_input_and_not_reported_as_attacker_files() {
    let dir = tempfile::tempdir().unwrap();
    let (mut d, _p) = driver_with(false, dir.path(), Some(detection()));
    let mut live = d.services().bus.subscribe();
    d.pty_request("xterm", 80, 24);
    d.start_shell();
    assert!(
        !d.tokens_pending || d.planted.is_empty(),
        "nothing planted while idle"
    );
    assert!(d.planted.is_empty());
    d.data(b"ls -la ~/.aws; cat /var/www/html/wp-config.php | grep DB_USER\r");
    assert_eq!(d.planted.len(), 6);
    let out = d.data(b"ls -l /var/www/html/wp-config.php\r");
    let text = String::from_utf8_lossy(&out.out);
    assert!(text.contains("-rw-r----- 1 www-data www-data"), "{text}");
    // The attacker changes one token file: only that one is an attacker file.
    d.data(b"echo x >> ~/.env\r");
    d.finish(miragepot_event::EndReason::ClientClosed).await;
    let mut written = Vec::new();
    let mut planted = 0;
    for _ in 0..200 {
        while let Ok(ev) = live.try_recv() {
            match &ev.kind {
                EventKind::FileWritten { path, .. } => written.push(path.clone()),
                EventKind::HoneytokenPlanted { tokens } => planted = tokens.len(),
                _ => {}
            }
        }
        tokio::task::yield_now().await;
    }
    assert_eq!(planted, 6);
    assert_eq!(written, vec!["/root/.env".to_string()]);
}

#[tokio::test]
async fn a_session_file_is_written_only_for_a_session_that_ran_commands() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    let shared = || {
        let mut d = Arc::into_inner(detection()).unwrap();
        d.session_logs = Some(logs.clone());
        Some(Arc::new(d))
    };
    let login = |d: &mut SessionDriver| {
        d.emit(EventKind::AuthAttempt {
            method: miragepot_event::AuthMethod::Password,
            username: "root".into(),
            password: Some("x".into()),
            key_fingerprint: None,
            success: true,
            rule: None,
        });
    };
    let (mut idle, _p1) = driver_with(false, dir.path(), shared());
    login(&mut idle);
    idle.finish(miragepot_event::EndReason::ClientClosed).await;
    assert!(!logs.exists(), "a bare login writes no session file");

    let (mut busy, _p2) = driver_with(false, dir.path(), shared());
    login(&mut busy);
    busy.exec("uname -a");
    let id = busy.id();
    busy.finish(miragepot_event::EndReason::ClientClosed).await;
    let file = logs.join(format!("session_{}.json", id.simple()));
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    assert_eq!(doc["commands"][0]["command"], "uname -a");
    assert_eq!(std::fs::read_dir(&logs).unwrap().count(), 1);
}

#[tokio::test]
async fn a_session_that_only_exits_plants_no_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let (mut d, _p) = driver_with(false, dir.path(), Some(detection()));
    d.pty_request("xterm", 80, 24);
    d.start_shell();
    d.data(b"exit\r");
    assert!(d.planted.is_empty());
    let (mut d, _p) = driver_with(false, dir.path(), Some(detection()));
    d.pty_request("xterm", 80, 24);
    d.start_shell();
    d.data(b"e");
    assert_eq!(d.planted.len(), 6, "a typed command may read them");
}

#[tokio::test]
async fn a_command_result_event_keeps_the_first_64_kib_of_output() {
    let dir = tempfile::tempdir().unwrap();
    let (mut d, _p) = driver(false, dir.path());
    let mut live = d.services().bus.subscribe();
    let out = d.exec("seq 1 100000");
    assert_eq!(out.out.len(), 588_895, "the attacker gets all of it");
    let mut found = None;
    for _ in 0..100 {
        tokio::task::yield_now().await;
        while let Ok(ev) = live.try_recv() {
            if let EventKind::CommandResult {
                output,
                output_truncated,
                ..
            } = &ev.kind
            {
                found = Some((output.len(), *output_truncated));
            }
        }
        if found.is_some() {
            break;
        }
    }
    assert_eq!(found, Some((64 << 10, true)));
}
