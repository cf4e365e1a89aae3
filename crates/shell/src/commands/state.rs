//! Per-session system state that several commands share, so that what one command changes
//! the others agree with for the rest of the session: processes the attacker started or
//! killed (`ps`, `top`, `kill`, `ss`, `netstat`) and the simulated time commands spend.

use std::collections::{BTreeMap, BTreeSet};

use crate::persona::Process;

/// Session-scoped system state (one per shell, never shared between sessions).
#[derive(Debug, Default, Clone)]
pub struct SysState {
    /// The accounts parsed from the base image's `/etc/passwd` and `/etc/group`, while the
    /// session has not changed them (`ls -l` names every entry's owner and group).
    pub(crate) base_accounts: std::sync::OnceLock<super::accounts::Accounts>,
    /// Persona pids killed in this session: hidden from every process and socket view.
    pub killed: BTreeSet<u32>,
    /// Processes started in this session (`nohup ./x &`), shown by `ps` and `top`.
    pub started: Vec<Process>,
    /// Simulated time the current command line spent (downloads, `ping`), in milliseconds.
    /// The runtime delays the line's output by it when pacing is on.
    pub pace_ms: u64,
    /// Routes `ip route add` added in this session (root only), as `ip route` lists them.
    pub routes_added: Vec<String>,
    /// The session's `iptables`/`ip6tables` rule set.
    pub netfilter: super::iptables::Netfilter,
    /// ext4 attribute flags changed by `chattr` this session, by canonical path: the inode
    /// they were set on and the flag bits (`lsattr` order); a new inode at the path starts over.
    pub attrs: BTreeMap<String, (u64, u32)>,
    /// The machine is going down (`reboot`, `shutdown now` as root): the session ends after
    /// the command that set it, whatever shell or subshell ran it.
    pub halted: bool,
    /// A shutdown scheduled with `shutdown TIME`: what, and when (unix seconds).
    pub shutdown_at: Option<(super::power::Action, i64)>,
}
