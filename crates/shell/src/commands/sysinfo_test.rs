//! Test helper for the system-information tools: run a command as any persona user, with a
//! session state carried from one command to the next (`iptables -A` then `iptables -L`).

use super::SysState;
use super::testutil::{Ran, run_session, shared_persona};

/// Runs `name args...` as `user` with the session state `sys`, on a pty.
pub fn run_as(user: &str, sys: &mut SysState, name: &str, args: &[&str]) -> Ran {
    let persona = shared_persona();
    let mut fs = persona.new_fs();
    let state = std::mem::take(sys);
    let r = run_session(
        persona,
        &mut fs,
        user,
        state,
        name,
        args,
        "/",
        b"",
        true,
        Some("pts/0"),
    );
    *sys = r.sys.clone();
    r
}

/// Runs as root with a fresh state.
pub fn root(name: &str, args: &[&str]) -> Ran {
    run_as("root", &mut SysState::default(), name, args)
}

/// Runs as the regular user `debian` with a fresh state.
pub fn user(name: &str, args: &[&str]) -> Ran {
    run_as("debian", &mut SysState::default(), name, args)
}
