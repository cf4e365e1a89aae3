//! `reboot`, `poweroff`, `halt` and `shutdown` as root and as another user. The test clock
//! is Fri 2025-11-21 13:00:00 UTC.

use super::super::SysState;
use super::super::testutil::{Ran, run, run_piped, run_session, shared_persona};

fn as_user(user: &str, name: &str, args: &[&str]) -> Ran {
    let p = shared_persona();
    let mut fs = p.new_fs();
    let sys = SysState::default();
    run_session(
        p,
        &mut fs,
        user,
        sys,
        name,
        args,
        "/",
        b"",
        true,
        Some("pts/0"),
    )
}

#[test]
fn root_takes_the_machine_down_without_a_word() {
    let cases: &[(&str, &[&str])] = &[
        ("reboot", &[]),
        ("poweroff", &[]),
        ("halt", &[]),
        ("reboot", &["-f"]),
        ("reboot", &["now"]),
        ("halt", &["-p"]),
        ("shutdown", &["now"]),
        ("shutdown", &["-r", "now"]),
        ("shutdown", &["-h", "now"]),
        ("shutdown", &["-r", "+0"]),
        ("systemctl", &["reboot"]),
        ("systemctl", &["poweroff"]),
    ];
    for (name, args) in cases {
        let r = run(name, args, "/", b"");
        let got = (r.stdout.as_str(), r.code, r.sys.halted);
        assert_eq!(got, ("", 0, true), "{name} {args:?}: {}", r.stderr);
        if *name != "shutdown" {
            assert_eq!(r.stderr, "", "{name} {args:?}");
        }
    }
    // `-w` only writes the wtmp record, `-k` only warns: the machine stays up.
    for (name, args) in [("reboot", ["-w"]), ("shutdown", ["-k"])] {
        let r = run(name, &args, "/", b"");
        assert_eq!((r.code, r.sys.halted), (0, false), "{name} {args:?}");
    }
}

#[test]
fn shutdown_with_a_time_is_scheduled_from_the_session_clock() {
    let cases: &[(&[&str], &str)] = &[
        (&[], "Shutdown scheduled for Fri 2025-11-21 13:01:00 UTC"),
        (
            &["-r", "+5"],
            "Reboot scheduled for Fri 2025-11-21 13:05:00 UTC",
        ),
        (
            &["-H", "+1h"],
            "Shutdown scheduled for Fri 2025-11-21 14:00:00 UTC",
        ),
        (
            &["-h", "23:30"],
            "Shutdown scheduled for Fri 2025-11-21 23:30:00 UTC",
        ),
        (
            &["10:00", "bye"],
            "Shutdown scheduled for Sat 2025-11-22 10:00:00 UTC",
        ),
        (
            &["-k", "+2"],
            "Shutdown scheduled for Fri 2025-11-21 13:02:00 UTC",
        ),
    ];
    for (args, want) in cases {
        let r = run("shutdown", args, "/", b"");
        assert_eq!(
            (r.stdout.as_str(), r.stderr.as_str(), r.code, r.sys.halted),
            (
                "",
                format!("{want}, use 'shutdown -c' to cancel.\n").as_str(),
                0,
                false
            ),
            "{args:?}"
        );
    }
    let r = run("shutdown", &["-r", "+5"], "/", b"");
    assert_eq!(
        r.sys.shutdown_at,
        Some((super::Action::Reboot, 1_763_730_300))
    );
    let r = run("shutdown", &["-c"], "/", b"");
    assert_eq!((r.stdout.as_str(), r.stderr.as_str(), r.code), ("", "", 0));
    let r = run("shutdown", &["--show"], "/", b"");
    assert_eq!((r.stderr.as_str(), r.code), ("No scheduled shutdown.\n", 1));
    let r = run("shutdown", &["soon"], "/", b"");
    assert_eq!(
        (r.stderr.as_str(), r.code),
        ("Failed to parse time specification: soon\n", 1)
    );
}

#[test]
fn other_users_are_refused_by_logind() {
    let cases: &[(&str, &[&str], &str, i32)] = &[
        ("reboot", &[], "Call to Reboot failed: Access denied\n", 1),
        (
            "poweroff",
            &[],
            "Call to PowerOff failed: Access denied\n",
            1,
        ),
        ("halt", &[], "Call to Halt failed: Access denied\n", 1),
        (
            "shutdown",
            &["now"],
            "Call to PowerOff failed: Access denied\n",
            1,
        ),
        (
            "shutdown",
            &["-r", "now"],
            "Call to Reboot failed: Access denied\n",
            1,
        ),
        (
            "shutdown",
            &[],
            "Failed to schedule shutdown: Access denied\n",
            1,
        ),
        ("reboot", &["-f"], "Need to be root.\n", 1),
        ("shutdown", &["-c"], "", 0),
        (
            "systemctl",
            &["reboot"],
            "Call to Reboot failed: Access denied\n",
            1,
        ),
    ];
    for (name, args, err, code) in cases {
        let r = as_user("debian", name, args);
        assert_eq!(
            (r.stdout.as_str(), r.stderr.as_str(), r.code, r.sys.halted),
            ("", *err, *code, false),
            "{name} {args:?}"
        );
    }
}

#[test]
fn options_are_parsed_as_systemd_parses_them() {
    let r = run_piped("reboot", &["--help"], "/", b"");
    assert_eq!(r.stdout, include_str!("../help/reboot.help"));
    let r = run("shutdown", &["--help"], "/", b"");
    assert!(
        r.stdout
            .contains("\x1b[0;1;39mShut down the system.\x1b[0m\n")
    );
    assert!(r.stdout.ends_with(
        "See the \x1b]8;;man:shutdown(8)\x07shutdown(8) man page\x1b]8;;\x07 for details.\n"
    ));
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "reboot",
            &["--bogus"],
            "reboot: unrecognized option '--bogus'\n",
        ),
        ("halt", &["--vers"], "halt: unrecognized option '--vers'\n"),
        ("shutdown", &["-Y"], "shutdown: invalid option -- 'Y'\n"),
        (
            "shutdown",
            &["-t"],
            "shutdown: option requires an argument -- 't'\n",
        ),
        ("poweroff", &["x"], "Too many arguments.\n"),
        ("reboot", &["a", "b"], "Too many arguments.\n"),
    ];
    for (name, args, err) in cases {
        let r = run(name, args, "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code, r.sys.halted),
            (*err, 1, false),
            "{name} {args:?}"
        );
    }
}
