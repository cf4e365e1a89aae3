//! One process model across tools, through the public `Shell`: what `kill`, `killall` or
//! `systemctl stop` end disappears from `ps`, `top`, `ss` and `netstat` alike, and what the
//! attacker starts in the background shows up in `ps` until it is killed.

// Test code: a failed expectation should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use miragepot_shell::{Mode, Persona, SessionConfig, Shell, ShellLimits};
use time::OffsetDateTime;

fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_763_730_000).expect("time")
}

fn shell(user: &str) -> Shell {
    let cfg = SessionConfig {
        user: user.into(),
        mode: Mode::Exec,
        src_ip: "198.51.100.7".into(),
        src_port: 41234,
        env: vec![],
        seed: 3,
        limits: ShellLimits::default(),
    };
    Shell::new(Arc::new(Persona::debian12()), cfg, now())
}

fn run(sh: &mut Shell, line: &str) -> (String, String) {
    let step = sh.exec(line, now());
    (
        String::from_utf8_lossy(&step.out).into_owned(),
        String::from_utf8_lossy(&step.err).into_owned(),
    )
}

#[test]
fn killing_sshd_removes_it_everywhere() {
    let mut sh = shell("root");
    let (ps, _) = run(&mut sh, "ps aux");
    let sshd = ps
        .lines()
        .find(|l| l.contains("[listener]"))
        .and_then(|l| l.split_whitespace().nth(1))
        .expect("sshd in ps")
        .to_string();
    let (ss, _) = run(&mut sh, "ss -tlpn");
    assert!(ss.contains(&format!("pid={sshd},")), "{ss}");
    let (ns, _) = run(&mut sh, "netstat -tlpn");
    assert!(ns.contains(&format!("{sshd}/sshd")), "{ns}");
    let (est, _) = run(&mut sh, "ss -tn");
    assert!(est.contains("198.51.100.7:41234"), "{est}");

    let (out, err) = run(&mut sh, &format!("kill -9 {sshd}; echo $?"));
    assert_eq!((out.as_str(), err.as_str()), ("0\n", ""));
    let (ps, _) = run(&mut sh, "ps aux");
    assert!(!ps.contains("[listener]"), "{ps}");
    let (top, _) = run(&mut sh, "top -b -n 1");
    assert!(
        !top.lines()
            .any(|l| l.trim_start().starts_with(&format!("{sshd} "))),
        "{top}"
    );
    let (ss, _) = run(&mut sh, "ss -tlpn");
    assert!(!ss.contains("sshd"), "{ss}");
    let (ns, _) = run(&mut sh, "netstat -tlpn");
    assert!(!ns.contains("sshd"), "{ns}");
    // The attacker's own connection survives the listener, as on a real box.
    let (est, _) = run(&mut sh, "ss -tn");
    assert!(est.contains("198.51.100.7:41234"), "{est}");
    let (_, err) = run(&mut sh, &format!("kill {sshd}"));
    assert_eq!(
        err,
        format!("bash: line 1: kill: ({sshd}) - No such process\n")
    );
    let (st, _) = run(&mut sh, "systemctl is-active ssh");
    assert_eq!(st, "inactive\n");
}

#[test]
fn systemctl_stop_and_killall_agree_with_ps() {
    let mut sh = shell("root");
    run(&mut sh, "systemctl stop cron");
    let (ps, _) = run(&mut sh, "ps -ef");
    assert!(!ps.contains("/usr/sbin/cron"), "{ps}");
    let (out, err) = run(&mut sh, "killall cron; echo $?");
    assert_eq!(
        (out.as_str(), err.as_str()),
        ("1\n", "cron: no process found\n")
    );
    run(&mut sh, "systemctl start cron");
    let (ps, _) = run(&mut sh, "ps -ef");
    assert!(ps.contains("/usr/sbin/cron"), "{ps}");
    let (out, _) = run(
        &mut sh,
        "killall -9 rsyslogd; echo $?; ps -e | grep -c rsyslogd",
    );
    assert!(out.starts_with("0\n"), "{out}");
    assert!(out.ends_with("0\n"), "{out}");
}

#[test]
fn background_programs_show_until_killed() {
    let mut sh = shell("root");
    run(&mut sh, "echo 'sleep 1' > /tmp/x; chmod +x /tmp/x");
    run(&mut sh, "nohup /tmp/x > /dev/null 2>&1 &");
    let (ps, _) = run(&mut sh, "ps aux");
    let line = ps
        .lines()
        .find(|l| l.ends_with(" /tmp/x"))
        .expect("started in ps");
    let pid = line.split_whitespace().nth(1).unwrap().to_string();
    let (top, _) = run(&mut sh, "top -b -n 1");
    assert!(top.contains(&format!("\n{pid:>5} root")), "{top}");
    let (out, _) = run(&mut sh, &format!("kill -9 {pid}; echo $?"));
    assert_eq!(out, "0\n");
    let (ps, _) = run(&mut sh, "ps aux");
    assert!(!ps.contains(" /tmp/x"), "{ps}");
}

#[test]
fn non_root_cannot_kill_root_processes() {
    let mut sh = shell("debian");
    let (_, err) = run(&mut sh, "kill -9 472");
    assert_eq!(err, "bash: line 1: kill: (472) - Operation not permitted\n");
    let (_, err) = run(&mut sh, "systemctl stop ssh");
    assert!(
        err.starts_with("Failed to stop ssh.service: Interactive authentication required."),
        "{err}"
    );
    let (ss, _) = run(&mut sh, "ss -tln");
    assert!(ss.contains("0.0.0.0:22"), "{ss}");
}
