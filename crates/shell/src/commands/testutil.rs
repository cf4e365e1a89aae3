//! Test helper: run one command against a fresh debian12 session filesystem.

use super::{CmdCtx, Rng, SessionInfo, by_name};
use crate::env::Env;
use crate::output::Output;
use crate::persona::Persona;

/// What a command printed and returned.
pub struct Ran {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
    /// Observations the command made.
    pub notes: Vec<crate::Observation>,
    /// Session state after the command.
    pub sys: super::SysState,
}

/// Runs `name args...` as root in `cwd` with `stdin`, on a fresh filesystem.
pub fn run(name: &str, args: &[&str], cwd: &str, stdin: &[u8]) -> Ran {
    let persona = shared_persona();
    let mut fs = persona.new_fs();
    run_in(persona, &mut fs, name, args, cwd, stdin)
}

/// [`run`] with stdout not a terminal (a pipe or a redirection).
pub fn run_piped(name: &str, args: &[&str], cwd: &str, stdin: &[u8]) -> Ran {
    let persona = shared_persona();
    let mut fs = persona.new_fs();
    run_full(persona, &mut fs, name, args, cwd, stdin, false)
}

/// The debian12 persona. Building it is the slow part and it never changes, so tests share
/// one.
pub fn shared_persona() -> &'static Persona {
    static PERSONA: std::sync::OnceLock<Persona> = std::sync::OnceLock::new();
    PERSONA.get_or_init(Persona::debian12)
}

/// Runs a command against a given filesystem (to chain commands in one test), its stdout
/// the session's terminal.
pub fn run_in(
    persona: &Persona,
    fs: &mut miragepot_vfs::Fs,
    name: &str,
    args: &[&str],
    cwd: &str,
    stdin: &[u8],
) -> Ran {
    run_full(persona, fs, name, args, cwd, stdin, true)
}

/// Runs a command as in an exec session: no terminal at all (stdout and stderr are pipes).
pub fn run_exec(
    persona: &Persona,
    fs: &mut miragepot_vfs::Fs,
    name: &str,
    args: &[&str],
    cwd: &str,
    stdin: &[u8],
) -> Ran {
    let sys = super::SysState::default();
    run_session(
        persona, fs, "root", sys, name, args, cwd, stdin, false, None,
    )
}

fn run_full(
    persona: &Persona,
    fs: &mut miragepot_vfs::Fs,
    name: &str,
    args: &[&str],
    cwd: &str,
    stdin: &[u8],
    stdout_is_tty: bool,
) -> Ran {
    let sys = super::SysState::default();
    run_session(
        persona,
        fs,
        "root",
        sys,
        name,
        args,
        cwd,
        stdin,
        stdout_is_tty,
        Some("pts/0"),
    )
}

/// Runs a command as `user` with the session state `sys` (returned in [`Ran::sys`]), in a
/// session with terminal `tty` (`None`: no pty).
#[allow(clippy::too_many_arguments)]
pub fn run_session(
    persona: &Persona,
    fs: &mut miragepot_vfs::Fs,
    user: &str,
    mut sys: super::SysState,
    name: &str,
    args: &[&str],
    cwd: &str,
    stdin: &[u8],
    stdout_is_tty: bool,
    tty: Option<&str>,
) -> Ran {
    let user = persona.user(user).cloned().expect("persona user");
    let mut env = Env::login(&user, persona);
    let mut out = Output::new(1 << 20);
    let mut err = Output::new(1 << 20);
    let mut rng = Rng::new(1);
    let session = SessionInfo {
        tty: tty.map(str::to_string),
        src_ip: "203.0.113.9".into(),
        src_port: 50022,
        login_time: 1_763_700_000,
        cols: 80,
        rows: 24,
    };
    let mut notes = Vec::new();
    let cmd = by_name(name).expect("command exists");
    let mut argv = vec![name.to_string()];
    argv.extend(args.iter().map(|s| s.to_string()));
    let mut ctx = CmdCtx {
        fs,
        env: &mut env,
        cwd,
        user: &user,
        persona,
        stdin,
        stdout: &mut out,
        stderr: &mut err,
        now: time::OffsetDateTime::from_unix_timestamp(1_763_730_000).expect("time"),
        rng: &mut rng,
        session: &session,
        stdout_is_tty,
        notes: &mut notes,
        sys: &mut sys,
    };
    let code = cmd.run(&mut ctx, &argv);
    Ran {
        stdout: String::from_utf8_lossy(out.as_bytes()).into_owned(),
        stderr: String::from_utf8_lossy(err.as_bytes()).into_owned(),
        code,
        notes,
        sys,
    }
}
