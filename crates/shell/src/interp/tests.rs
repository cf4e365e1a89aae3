//! Unit tests of the interpreter through the public [`Shell`] API.

use std::sync::{Arc, OnceLock};

use time::OffsetDateTime;

use crate::Observation;
use crate::persona::Persona;
use crate::shell::{Mode, SessionConfig, Shell, ShellLimits};

/// The shared debian12 persona.
pub(crate) fn persona_arc() -> Arc<Persona> {
    persona()
}

fn persona() -> Arc<Persona> {
    static P: OnceLock<Arc<Persona>> = OnceLock::new();
    Arc::clone(P.get_or_init(|| Arc::new(Persona::debian12())))
}

pub(crate) fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_763_730_000).expect("time")
}

pub(crate) fn cfg(mode: Mode, limits: ShellLimits) -> SessionConfig {
    SessionConfig {
        user: "root".into(),
        mode,
        src_ip: "203.0.113.9".into(),
        src_port: 50022,
        env: vec![],
        seed: 7,
        limits,
    }
}

/// An exec-mode shell (state kept across `run` calls).
pub(crate) struct T(pub Shell);

impl T {
    pub(crate) fn new() -> T {
        T(Shell::new(
            persona(),
            cfg(Mode::Exec, ShellLimits::default()),
            now(),
        ))
    }

    pub(crate) fn with_limits(l: ShellLimits) -> T {
        T(Shell::new(persona(), cfg(Mode::Exec, l), now()))
    }

    /// Runs a line: (stdout, stderr, status).
    pub(crate) fn run(&mut self, line: &str) -> (String, String, i32) {
        let s = self.0.exec(line, now());
        (
            String::from_utf8_lossy(&s.out).into_owned(),
            String::from_utf8_lossy(&s.err).into_owned(),
            s.exit.unwrap_or(-1),
        )
    }

    /// Stdout of a line.
    pub(crate) fn out(&mut self, line: &str) -> String {
        self.run(line).0
    }
}

#[test]
fn shell_is_send() {
    fn is_send<T: Send>() {}
    is_send::<Shell>();
}

#[test]
fn observations_wrap_each_line() {
    let mut sh = Shell::new(persona(), cfg(Mode::Exec, ShellLimits::default()), now());
    let s = sh.exec("echo hi; echo err >&2", now());
    assert_eq!(s.out, b"hi\n");
    assert_eq!(s.err, b"err\n");
    assert_eq!(s.exit, Some(0));
    assert_eq!(
        s.observations.first(),
        Some(&Observation::CommandInput {
            line: "echo hi; echo err >&2".into()
        })
    );
    match s.observations.get(1) {
        Some(Observation::CommandResult {
            output,
            truncated,
            exit_code,
            ..
        }) => {
            assert_eq!(output, b"hi\nerr\n");
            assert!(!truncated);
            assert_eq!(*exit_code, 0);
        }
        other => panic!("unexpected {other:?}"),
    }
    let s = sh.exec("   ", now());
    assert!(s.observations.is_empty());
}

/// A pty session (80x24, xterm-256color), started.
pub(crate) fn pty(user: &str) -> (Shell, String) {
    let mut c = cfg(
        Mode::Pty {
            term: "xterm-256color".into(),
            cols: 80,
            rows: 24,
        },
        ShellLimits::default(),
    );
    c.user = user.into();
    let mut sh = Shell::new(persona(), c, now());
    let s = sh.start(now());
    (sh, String::from_utf8_lossy(&s.out).into_owned())
}

/// Types `keys` and returns the terminal bytes as a string.
pub(crate) fn type_keys(sh: &mut Shell, keys: &str) -> String {
    String::from_utf8_lossy(&sh.feed(keys.as_bytes(), now()).out).into_owned()
}
