//! One model of the box's processes and sockets, shared by `ps`, `top`, `kill`, `pkill`,
//! `killall`, `ss`, `netstat` and `systemctl`, so that they always agree.
//!
//! Processes: the persona's background processes, minus the pids killed in this session
//! (`ctx.sys.killed`), plus this session's own (`sshd: user@pts/0`, `-bash`, the running
//! command) and those the attacker started (`ctx.sys.started`, e.g. `nohup ./x &`).
//! Sockets: only what the persona's processes actually own: sshd's listeners on
//! `0.0.0.0:22` and `[::]:22` (gone once the listener is killed) and the attacker's own
//! established connection to port 22, owned by the session's sshd.

use super::{CmdCtx, SysState};
use crate::persona::{Persona, Process};

/// A process as the viewers show it.
#[derive(Debug, Clone)]
pub(crate) struct ProcRow {
    /// The process.
    pub p: Process,
    /// Its terminal (`?` when none).
    pub tty: String,
    /// Start time, unix seconds.
    pub start: i64,
}

/// The first pid of this session's processes (its sshd), derived from the login time.
pub(crate) fn session_base(login: i64) -> u32 {
    1000 + u32::try_from(login.rem_euclid(2000)).unwrap_or(0)
}

/// Whether `p` is a kernel thread (`[kthreadd]` and its children): they ignore signals.
pub(crate) fn is_kernel_thread(p: &Process) -> bool {
    p.pid == 2 || p.ppid == 2
}

/// The name the kernel knows a process by (`comm`, 15 characters at most).
pub(crate) fn comm(cmd: &str) -> String {
    if let Some(k) = cmd.strip_prefix('[').and_then(|c| c.strip_suffix(']')) {
        return k.to_string();
    }
    if cmd.starts_with("sshd:") {
        return "sshd".into();
    }
    let cmd = cmd.trim_start_matches('-');
    let first = cmd.split_whitespace().next().unwrap_or(cmd);
    let b = first.rsplit('/').next().unwrap_or(first);
    b.chars().take(15).collect()
}

/// Persona processes still alive in this session, then the ones the attacker started.
pub(crate) fn background(persona: &Persona, sys: &SysState) -> Vec<ProcRow> {
    let boot = persona.boot_time;
    let mut rows: Vec<ProcRow> = persona
        .processes
        .iter()
        .filter(|p| !sys.killed.contains(&p.pid))
        .map(|p| ProcRow {
            p: p.clone(),
            tty: if p.cmd.contains("agetty") {
                "tty1".into()
            } else {
                "?".into()
            },
            start: boot + p.start_after_boot,
        })
        .collect();
    rows.extend(
        sys.started
            .iter()
            .filter(|p| !sys.killed.contains(&p.pid))
            .map(|p| ProcRow {
                p: p.clone(),
                tty: "?".into(),
                start: boot + p.start_after_boot,
            }),
    );
    rows
}

/// Every process: [`background`] plus this session's sshd, bash and the running `me`.
pub(crate) fn all_processes(ctx: &mut CmdCtx<'_>, me: &str) -> Vec<ProcRow> {
    let mut rows = background(ctx.persona, ctx.sys);
    let mut own: Vec<ProcRow> = super::ps::session_processes(ctx, me)
        .into_iter()
        .map(|(p, tty, start)| ProcRow { p, tty, start })
        .collect();
    own.retain(|r| !ctx.sys.killed.contains(&r.p.pid));
    // Started processes belong after the session's shell, in pid order.
    let started: Vec<ProcRow> = rows.iter().filter(|r| r.p.pid > 999).cloned().collect();
    rows.retain(|r| r.p.pid <= 999);
    rows.extend(own);
    rows.extend(started);
    rows.sort_by_key(|r| r.p.pid);
    rows
}

/// What sending a signal to a pid does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KillOutcome {
    /// Delivered (recorded in `killed` when the signal ends the process).
    Sent,
    /// No such process.
    NoSuch,
    /// Not the caller's process.
    NotPermitted,
}

/// Signals whose default action leaves the process alive.
const HARMLESS: &[usize] = &[0, 17, 18, 19, 20, 21, 22, 23, 28];

/// Sends `sig` to `pid` as the user `uid`/`user`, recording a death in `sys.killed`.
/// Pid 1 and kernel threads survive every signal (the kernel protects them); pids of the
/// session (`own`) are the caller's own processes.
pub(crate) fn send_signal(
    persona: &Persona,
    sys: &mut SysState,
    user: &str,
    uid: u32,
    pid: u32,
    sig: usize,
    own: &[u32],
) -> KillOutcome {
    if sys.killed.contains(&pid) {
        return KillOutcome::NoSuch;
    }
    let owner = persona
        .processes
        .iter()
        .chain(sys.started.iter())
        .find(|p| p.pid == pid)
        .map(|p| (p.user.clone(), is_kernel_thread(p)));
    let (owner, kthread) = match owner {
        Some(o) => o,
        None if own.contains(&pid) => (user.to_string(), false),
        None => return KillOutcome::NoSuch,
    };
    if uid != 0 && owner != user {
        return KillOutcome::NotPermitted;
    }
    if pid != 1 && !kthread && !HARMLESS.contains(&sig) && sys.killed.len() < 4096 {
        sys.killed.insert(pid);
    }
    KillOutcome::Sent
}

/// A socket of the model.
#[derive(Debug, Clone)]
pub(crate) struct Sock {
    /// IPv6 (`tcp6`).
    pub v6: bool,
    /// Listening (else established).
    pub listen: bool,
    /// Receive and send queues.
    pub recv_q: u32,
    /// Send queue (the backlog for a listener).
    pub send_q: u32,
    /// Local address (without brackets) and port.
    pub local: (String, u16),
    /// Peer address and port (`None`: `*`).
    pub peer: (String, Option<u16>),
    /// Owning pid.
    pub pid: u32,
    /// The owner's full command line.
    pub cmd: String,
    /// File descriptor in the owner.
    pub fd: u32,
}

/// The sockets the live processes own: sshd's listeners and this session's connection.
pub(crate) fn sockets(ctx: &CmdCtx<'_>) -> Vec<Sock> {
    let mut out = Vec::new();
    let sys = &*ctx.sys;
    let persona = ctx.persona;
    if let Some(sshd) = persona
        .processes
        .iter()
        .find(|p| p.cmd.starts_with("sshd: /usr/sbin/sshd") && !sys.killed.contains(&p.pid))
    {
        for (v6, addr, fd) in [(false, "0.0.0.0", 3), (true, "::", 4)] {
            out.push(Sock {
                v6,
                listen: true,
                recv_q: 0,
                send_q: 128,
                local: (addr.into(), 22),
                peer: (addr.into(), None),
                pid: sshd.pid,
                cmd: sshd.cmd.clone(),
                fd,
            });
        }
    }
    let login = ctx.session.login_time;
    let pid = session_base(login);
    let src = ctx.session.src_ip.trim();
    if !sys.killed.contains(&pid) && !src.is_empty() {
        let v6 = src.contains(':');
        let local = if v6 {
            "fe80::5054:ff:fe8a:3c71".to_string()
        } else {
            persona.ipv4.clone()
        };
        let tty = ctx.session.tty.clone().unwrap_or_else(|| "notty".into());
        out.push(Sock {
            v6,
            listen: false,
            recv_q: 0,
            send_q: 0,
            local: (local, 22),
            peer: (src.to_string(), Some(ctx.session.src_port)),
            pid,
            cmd: format!("sshd: {}@{tty}", ctx.user.name),
            fd: 4,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::testutil::shared_persona;

    #[test]
    fn init_and_kernel_threads_survive() {
        let p = shared_persona();
        let mut sys = SysState::default();
        assert_eq!(
            send_signal(p, &mut sys, "root", 0, 1, 9, &[]),
            KillOutcome::Sent
        );
        assert_eq!(
            send_signal(p, &mut sys, "root", 0, 2, 9, &[]),
            KillOutcome::Sent
        );
        assert!(sys.killed.is_empty());
        assert_eq!(
            send_signal(p, &mut sys, "root", 0, 472, 0, &[]),
            KillOutcome::Sent
        );
        assert!(sys.killed.is_empty());
        assert_eq!(
            send_signal(p, &mut sys, "debian", 1000, 472, 9, &[]),
            KillOutcome::NotPermitted
        );
        assert_eq!(
            send_signal(p, &mut sys, "root", 0, 472, 9, &[]),
            KillOutcome::Sent
        );
        assert!(sys.killed.contains(&472));
        assert_eq!(
            send_signal(p, &mut sys, "root", 0, 472, 9, &[]),
            KillOutcome::NoSuch
        );
        assert_eq!(
            send_signal(p, &mut sys, "root", 0, 99_999, 9, &[]),
            KillOutcome::NoSuch
        );
        assert!(background(p, &sys).iter().all(|r| r.p.pid != 472));
    }
}
