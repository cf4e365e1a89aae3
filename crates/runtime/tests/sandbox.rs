//! Proof of the self-sandbox: once sandboxed, the process cannot spawn `/bin/true` or read
//! `/etc/shadow`, and it still works in its data directory.
//!
//! The sandbox is for life, so the test runs it in a child: the test binary starts itself
//! again with `MIRAGEPOT_SANDBOX_CHILD` set, and only that child sandboxes itself.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods,
    clippy::disallowed_types
)]

use std::process::Command;

use miragepot_runtime::sandbox::{self, Layer, SandboxConfig};

const CHILD: &str = "MIRAGEPOT_SANDBOX_CHILD";
const TEST: &str = "sandboxed_process_cannot_spawn_or_read_host_files";

#[test]
fn sandboxed_process_cannot_spawn_or_read_host_files() {
    if let Ok(dir) = std::env::var(CHILD) {
        child(dir.into());
        return;
    }
    if !cfg!(target_os = "linux") {
        eprintln!("not Linux: the sandbox test is skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // Before: this process can do both (it runs as root in CI, so /etc/shadow is readable;
    // as another user only the spawn is checked).
    assert!(Command::new("/bin/true").status().unwrap().success());
    let shadow_readable = std::fs::read("/etc/shadow").is_ok();
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", TEST, "--nocapture", "--test-threads=1"])
        .env(CHILD, dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "child failed:\n{stdout}\n{stderr}");
    println!("{stdout}");
    assert!(stdout.contains("sandbox child: spawn refused"), "{stdout}");
    if shadow_readable {
        assert!(
            stdout.contains("sandbox child: /etc/shadow refused"),
            "{stdout}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("written-inside")).unwrap(),
        "ok"
    );
}

fn child(dir: std::path::PathBuf) {
    let (landlock, _) = sandbox::probe();
    let report = sandbox::apply(&SandboxConfig {
        enabled: true,
        writable: vec![dir.clone()],
        readable: Vec::new(),
        uid: None,
        gid: None,
    })
    .unwrap();
    println!("sandbox child: {report:?}");
    assert!(report.seccomp.active(), "{report:?}");
    if landlock.active() {
        assert!(report.landlock.active(), "{report:?}");
    } else {
        println!("sandbox child: this kernel has no Landlock ({landlock})");
    }
    let spawn = Command::new("/bin/true").status();
    let err = spawn.expect_err("spawning must fail once sandboxed");
    assert_eq!(err.kind(), std::io::ErrorKind::PermissionDenied, "{err}");
    println!("sandbox child: spawn refused ({err})");
    if landlock.active() {
        let err = std::fs::read("/etc/shadow").expect_err("/etc/shadow must be out of reach");
        assert_eq!(err.kind(), std::io::ErrorKind::PermissionDenied, "{err}");
        println!("sandbox child: /etc/shadow refused ({err})");
        assert!(
            std::fs::read("/etc/passwd").is_err(),
            "no host file is readable"
        );
    }
    std::fs::write(dir.join("written-inside"), "ok").unwrap();
    assert!(!matches!(report.user, Layer::Enforced(_)), "no uid asked");
}
