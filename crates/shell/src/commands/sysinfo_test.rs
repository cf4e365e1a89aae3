//! Test helper for the system-information tools: run a command as any persona user, with a
//! session state carried from one command to the next (`iptables -A` then `iptables -L`).

use super::{CmdCtx, Rng, SessionInfo, SysState, by_name};
use crate::env::Env;
use crate::output::Output;

/// What a command printed and returned.
pub struct Out {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

/// Runs `name args...` as `user` with the session state `sys`.
pub fn run_as(user: &str, sys: &mut SysState, name: &str, args: &[&str]) -> Out {
    let persona = super::testutil::shared_persona();
    let mut fs = persona.new_fs();
    let user = persona.user(user).cloned().expect("user");
    let mut env = Env::login(&user, persona);
    let mut out = Output::new(1 << 20);
    let mut err = Output::new(1 << 20);
    let mut rng = Rng::new(1);
    let session = SessionInfo {
        tty: Some("pts/0".into()),
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
        fs: &mut fs,
        env: &mut env,
        cwd: "/",
        user: &user,
        persona,
        stdin: b"",
        stdout: &mut out,
        stderr: &mut err,
        now: time::OffsetDateTime::from_unix_timestamp(1_763_730_000).expect("time"),
        rng: &mut rng,
        session: &session,
        stdout_is_tty: true,
        notes: &mut notes,
        sys,
    };
    let code = cmd.run(&mut ctx, &argv);
    Out {
        stdout: String::from_utf8_lossy(out.as_bytes()).into_owned(),
        stderr: String::from_utf8_lossy(err.as_bytes()).into_owned(),
        code,
    }
}

/// Runs as root with a fresh state.
pub fn root(name: &str, args: &[&str]) -> Out {
    run_as("root", &mut SysState::default(), name, args)
}

/// Runs as the regular user `debian` with a fresh state.
pub fn user(name: &str, args: &[&str]) -> Out {
    run_as("debian", &mut SysState::default(), name, args)
}
