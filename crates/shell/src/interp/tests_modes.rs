//! Mode-specific behaviour: error prefixes per mode (pty `-bash: `, exec `bash: line N: `,
//! pipe `-bash: line N: `, `sh -c` dash style), syntax errors, login banner, exit paths.

use crate::Observation;
use crate::shell::{Mode, Shell, ShellLimits};

use super::tests::{T, cfg, now, persona_arc, pty, type_keys};

fn pipe() -> Shell {
    Shell::new(
        persona_arc(),
        cfg(Mode::Pipe, ShellLimits::default()),
        now(),
    )
}

#[test]
fn exec_errors_look_like_bash_dash_c() {
    let mut t = T::new();
    assert_eq!(
        t.run("echo )"),
        (
            String::new(),
            "bash: -c: line 1: syntax error near unexpected token `)'\nbash: -c: line 1: `echo )'\n".into(),
            2
        )
    );
    assert_eq!(
        t.run("if true; then").1,
        "bash: -c: line 2: syntax error: unexpected end of file\n"
    );
    assert_eq!(
        t.run("echo \"abc").1,
        "bash: -c: line 1: unexpected EOF while looking for matching `\"'\n"
    );
    assert_eq!(
        t.run("nosuch").1,
        "bash: line 1: nosuch: command not found\n"
    );
    assert_eq!(
        t.run("echo a\nnosuch").1,
        "bash: line 2: nosuch: command not found\n"
    );
    assert_eq!(
        t.run("logout").1,
        "bash: line 1: logout: not login shell: use `exit'\n"
    );
    assert_eq!(t.run("sh -c 'nosuch'").1, "sh: 1: nosuch: not found\n");
    assert_eq!(
        t.run("sh -c 'echo )'").1,
        "sh: 1: Syntax error: \")\" unexpected\n"
    );
    assert_eq!(
        t.run("bash -c 'echo )'").1.lines().next(),
        Some("bash: -c: line 1: syntax error near unexpected token `)'")
    );
    assert_eq!(t.run("exit 300").2, 44);
    assert_eq!(
        t.run("echo $((1/0)); echo after"),
        (
            String::new(),
            "bash: line 1: 1/0: division by 0 (error token is \"0\")\n".into(),
            1
        )
    );
    assert_eq!(t.run("cat <<EOF\nhello").0, "hello\n");
}

#[test]
fn pty_errors_look_like_a_login_shell() {
    let (mut sh, banner) = pty("root");
    assert!(banner.starts_with("Linux web-prod-02 6.1.0-41-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.158-1 (2025-11-09) x86_64\r\n\r\nThe programs included"));
    assert!(banner.contains("\r\nLast login: "));
    assert!(banner.ends_with("\x1b[?2004hroot@web-prod-02:~# "));
    let out = type_keys(&mut sh, "nosuch\r");
    assert!(
        out.contains("\r-bash: nosuch: command not found\r\n"),
        "{out:?}"
    );
    let out = type_keys(&mut sh, "echo )\r");
    assert!(
        out.contains("\r-bash: syntax error near unexpected token `)'\r\n"),
        "{out:?}"
    );
    let out = type_keys(&mut sh, "echo $((1/0)); echo no\r");
    assert!(
        out.contains("-bash: 1/0: division by 0 (error token is \"0\")\r\n"),
        "{out:?}"
    );
    assert!(!out.contains("\rno\r\n"), "{out:?}");
    let out = type_keys(&mut sh, "echo ${x:?}; echo no\r");
    assert!(
        out.contains("-bash: x: parameter null or not set\r\n"),
        "{out:?}"
    );
    let out = type_keys(&mut sh, "logout\r");
    assert!(out.ends_with("logout\r\n"), "{out:?}");
    assert!(sh.exited());
}

#[test]
fn pty_continuation_interrupt_and_eof() {
    let (mut sh, _) = pty("root");
    let out = type_keys(&mut sh, "echo 'a\r");
    assert!(out.ends_with("\x1b[?2004h> "), "{out:?}");
    let out = type_keys(&mut sh, "b'\r");
    assert!(out.contains("a\r\nb\r\n"), "{out:?}");
    let out = type_keys(&mut sh, "for i in 1\r\x03");
    assert!(out.ends_with("root@web-prod-02:~# "), "{out:?}");
    let out = type_keys(&mut sh, "echo $?\r");
    assert!(out.contains("\r130\r\n"), "{out:?}");
    let s = sh.feed(b"false\r\x04", now());
    assert_eq!(s.exit, Some(1));
    assert!(String::from_utf8_lossy(&s.out).ends_with("logout\r\n"));
}

#[test]
fn pty_nested_shells_and_kill() {
    let (mut sh, _) = pty("root");
    let out = type_keys(&mut sh, "bash\r");
    assert!(out.ends_with("root@web-prod-02:~# "));
    let out = type_keys(&mut sh, "echo $SHLVL; exit\r");
    assert!(out.contains("2\r\nexit\r\n"), "{out:?}");
    assert!(!sh.exited());
    let out = type_keys(&mut sh, "sh\r");
    assert!(out.ends_with("# "), "{out:?}");
    let s = sh.feed(b"\x04", now());
    assert!(String::from_utf8_lossy(&s.out).ends_with("root@web-prod-02:~# "));
    let s = sh.feed(b"kill -9 $$\r", now());
    assert_eq!(s.exit, Some(137));
}

#[test]
fn pipe_mode_reads_lines() {
    let mut p = pipe();
    assert!(p.start(now()).out.is_empty());
    let s = p.feed(b"echo one\nnosuch\nfor i in a b\ndo echo $i; done\n", now());
    assert_eq!(s.out, b"one\na\nb\n");
    assert_eq!(s.err, b"-bash: line 2: nosuch: command not found\n");
    assert_eq!(s.exit, None);
    let s = p.feed(b"echo partial", now());
    assert!(s.out.is_empty());
    let s = p.eof(now());
    assert_eq!(s.out, b"partial\n");
    assert_eq!(s.exit, Some(0));
    let mut p = pipe();
    let s = p.feed(b"echo )\necho never\n", now());
    assert_eq!(
        s.err,
        b"-bash: line 1: syntax error near unexpected token `)'\n-bash: line 1: `echo )'\n"
    );
    assert_eq!(s.exit, Some(2));
}

#[test]
fn session_config_is_honoured() {
    let mut c = cfg(Mode::Exec, ShellLimits::default());
    c.env = vec![
        ("LANG".into(), "fr_FR.UTF-8".into()),
        ("LC_ALL".into(), "C".into()),
        ("EVIL".into(), "x".into()),
    ];
    c.user = "alice".into();
    let mut sh = Shell::new(persona_arc(), c, now());
    let s = sh.exec(
        "echo $LANG $LC_ALL ${EVIL:-none} $HOME $(pwd) $USER; id -u",
        now(),
    );
    assert_eq!(
        String::from_utf8_lossy(&s.out),
        "fr_FR.UTF-8 C none /home/alice /home/alice alice\n1001\n"
    );
    let s = sh.exec("echo data > /tmp/drop.sh; cd /tmp", now());
    assert_eq!(s.exit, Some(0));
    assert_eq!(sh.cwd(), "/tmp");
    assert!(
        sh.written_files()
            .iter()
            .any(|(p, b)| p == "/tmp/drop.sh" && b == b"data\n")
    );
    assert!(sh.overlay_bytes() > 0);
}

#[test]
fn observations_cover_every_line_and_cap_output() {
    let limits = ShellLimits {
        max_output_bytes: 10,
        ..ShellLimits::default()
    };
    let mut p = Shell::new(
        persona_arc(),
        cfg(
            Mode::Pty {
                term: "xterm".into(),
                cols: 80,
                rows: 24,
            },
            limits,
        ),
        now(),
    );
    p.start(now());
    let s = p.feed(b"echo 0123456789abcdef\r\r  \r", now());
    let results: Vec<_> = s
        .observations
        .iter()
        .filter_map(|o| match o {
            Observation::CommandResult {
                output, truncated, ..
            } => Some((output.clone(), *truncated)),
            _ => None,
        })
        .collect();
    assert_eq!(results, vec![(b"0123456789".to_vec(), true)]);
}

#[test]
fn exec_of_a_bare_shell_reads_stdin() {
    let mut sh = Shell::new(
        persona_arc(),
        cfg(Mode::Exec, ShellLimits::default()),
        now(),
    );
    let s = sh.exec("bash -s", now());
    assert_eq!(s.exit, None);
    let s = sh.feed(b"echo from-stdin\nnosuch\n", now());
    assert_eq!(s.out, b"from-stdin\n");
    assert_eq!(s.err, b"bash: line 2: nosuch: command not found\n");
    let s = sh.eof(now());
    assert_eq!(s.exit, Some(127));
    let mut sh = Shell::new(
        persona_arc(),
        cfg(Mode::Exec, ShellLimits::default()),
        now(),
    );
    assert_eq!(sh.exec("sh", now()).exit, None);
    assert_eq!(
        sh.feed(b"nosuch\n", now()).err,
        b"sh: 1: nosuch: not found\n"
    );
    assert_eq!(sh.exec("bash -c 'echo x'", now()).exit, Some(0));
}

#[test]
fn tab_completion_knows_commands_and_paths() {
    let (mut sh, _) = pty("root");
    let out = type_keys(&mut sh, "unam\t");
    assert!(out.contains("uname "), "{out:?}");
    let out = type_keys(&mut sh, "\x15cat /etc/hostn\t");
    assert!(out.contains("ame "), "{out:?}");
    let out = type_keys(&mut sh, "\x15cd /us\t");
    assert!(out.contains("usr/"), "{out:?}");
}

#[test]
fn aliases_expand_on_interactive_lines_only() {
    let (mut sh, _) = pty("root");
    type_keys(
        &mut sh,
        "alias hi='echo hello'; alias two='echo a; echo b'\r",
    );
    let out = type_keys(&mut sh, "hi there\r");
    assert!(out.contains("\rhello there\r\n"), "{out:?}");
    let out = type_keys(&mut sh, "two\r");
    assert!(out.contains("a\r\nb\r\n"), "{out:?}");
    let out = type_keys(&mut sh, "\\hi\r");
    assert!(out.contains("-bash: hi: command not found"), "{out:?}");
    let mut t = T::new();
    assert_eq!(
        t.run("alias hi='echo hello'\nhi").1,
        "bash: line 2: hi: command not found\n"
    );
}
