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
}

/// Runs `name args...` as root in `cwd` with `stdin`, on a fresh filesystem.
pub fn run(name: &str, args: &[&str], cwd: &str, stdin: &[u8]) -> Ran {
    let persona = Persona::debian12();
    let mut fs = persona.new_fs();
    run_in(&persona, &mut fs, name, args, cwd, stdin)
}

/// Runs a command against a given filesystem (to chain commands in one test).
pub fn run_in(
    persona: &Persona,
    fs: &mut miragepot_vfs::Fs,
    name: &str,
    args: &[&str],
    cwd: &str,
    stdin: &[u8],
) -> Ran {
    let user = persona.user("root").cloned().expect("root user");
    let mut env = Env::login(&user, persona);
    let mut out = Output::new(1 << 20);
    let mut err = Output::new(1 << 20);
    let mut rng = Rng::new(1);
    let session = SessionInfo {
        tty: Some("pts/0".into()),
        src_ip: "203.0.113.9".into(),
        login_time: 1_763_700_000,
        cols: 80,
        rows: 24,
    };
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
    };
    let code = cmd.run(&mut ctx, &argv);
    Ran {
        stdout: String::from_utf8_lossy(out.as_bytes()).into_owned(),
        stderr: String::from_utf8_lossy(err.as_bytes()).into_owned(),
        code,
    }
}
