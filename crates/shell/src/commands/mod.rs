//! The command table: every program the fake box can run, one unit struct per file.
//!
//! [`COMMANDS`] is a visible const table (ripgrep's `FLAGS` pattern). Each entry implements
//! [`Command`]: its name, the paths it lives at in the persona, and `run`, which gets a narrow
//! [`CmdCtx`] (filesystem, environment, cwd, user, stdin, stdout/stderr, clock, rng) and never
//! the connection. Shell builtins that change shell state (`cd`, `export`, `exit`, ...) live
//! in the interpreter, not here.
//!
//! Each command's tests sit at the bottom of its own file. Output formats and error texts
//! follow GNU coreutils on Debian 12, checked against this machine's own tools.
//!
//! Options go through `util::getopt` (GNU getopt_long: permutation, abbreviations,
//! glibc's error texts), which answers `--help` and `--version` for every tool with the
//! real texts kept as data in `help/` (`help.rs`); `util::usage` prints them, or the error
//! and its `Try '... --help'` line. Tools that are not GNU (procps, hostname, ncurses
//! `clear`, debianutils `which`) answer in their own way. The tests in `tests.rs`
//! check every command against answers captured from the real tools.

use miragepot_vfs::{Ctx, Fs};
use time::OffsetDateTime;

use crate::env::Env;
use crate::output::Output;
use crate::persona::{Persona, User};

pub use state::SysState;

mod arch;
mod awk;
mod base64;
mod basename;
mod cal;
mod cat;
mod chmod;
mod chown;
mod clear;
mod cp;
mod curl;
mod cut;
mod date;
mod dd;
mod df;
mod dirname;
mod dmesg;
mod dmidecode;
mod download;
mod du;
mod echo;
mod env;
mod falsecmd;
mod file;
mod find;
mod free;
mod getconf;
mod getent;
mod grep;
mod groups;
mod hashsum;
mod head;
mod help;
mod hexdump;
mod hostname;
mod hwinfo;
mod id;
mod ip;
mod iptables;
mod killcmds;
mod last;
mod lastlog;
mod ln;
mod locale;
mod ls;
mod lsblk;
mod lscpu;
mod md5sum;
mod mkdir;
mod mount;
mod mv;
mod nc;
mod netstat;
mod nettools;
mod nproc;
mod od;
mod ping;
mod power;
mod printenv;
mod printf;
mod procmatch;
mod ps;
mod pwd;
mod readlink;
mod realpath;
mod regex;
mod rm;
mod rmdir;
mod scp;
mod sed;
mod seq;
mod sha1sum;
mod sha256sum;
mod sleep;
mod sockopts;
mod sort;
mod ss;
mod ssfilter;
mod stat;
mod state;
mod strings;
#[cfg(test)]
pub(crate) mod sysinfo_test;
pub(crate) mod sysmodel;
mod systemctl;
mod tail;
mod tar;
mod tee;
mod tftp;
mod top;
mod touch;
mod tr;
mod truecmd;
mod tty;
mod uname;
mod uniq;
mod unzip;
mod uptime;
mod users;
mod util;
mod w;
mod wc;
mod wget;
mod which;
mod who;
mod whoami;
mod xargs;
mod yes;
pub(crate) use help::{help as help_text, version as version_text};
pub(crate) use sysmodel::{
    KillOutcome as SignalOutcome, send_signal, session_base as sysmodel_session_base,
};
// admin: accounts, privilege, cron, packages, archives, interpreters.
pub(crate) mod accounts;
mod adduser;
mod apt;
mod chattr;
mod crontab;
mod gzip;
mod minieval;
mod pager;
mod passwd;
mod python;
mod useradd;
mod usermod;

/// One program of the fake system.
pub trait Command: Sync {
    /// The name it is invoked by (`ls`).
    fn name(&self) -> &'static str;
    /// Absolute paths of its binary in the persona (`/usr/bin/ls`). Tests check each exists.
    fn paths(&self) -> &'static [&'static str];
    /// Runs it. `args[0]` is the name as invoked. Returns the exit status.
    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32;
}

/// Everything a command may touch. It is deliberately narrow: no connection, no shell state
/// beyond the environment and cwd, no host I/O.
pub struct CmdCtx<'a> {
    /// The session's filesystem.
    pub fs: &'a mut Fs,
    /// Shell variables (exported or not).
    pub env: &'a mut Env,
    /// Working directory (absolute, canonical).
    pub cwd: &'a str,
    /// Who is running the command.
    pub user: &'a User,
    /// The persona (hostname, kernel, users, processes, ...).
    pub persona: &'a Persona,
    /// Standard input (the previous pipeline stage, a redirect or a here-doc).
    pub stdin: &'a [u8],
    /// Standard output.
    pub stdout: &'a mut Output,
    /// Standard error.
    pub stderr: &'a mut Output,
    /// The current time.
    pub now: OffsetDateTime,
    /// Deterministic randomness (seeded per session).
    pub rng: &'a mut Rng,
    /// Facts about the session (tty, client address, terminal size).
    pub session: &'a SessionInfo,
    /// Whether standard output is the session's terminal: true only when the command writes
    /// straight to the pty, false in pipes, redirections, command substitution and exec-mode
    /// sessions. `ls` uses it for columns, quoting and `--color=auto`, as GNU's `isatty(1)`.
    pub stdout_is_tty: bool,
    /// Observations for the runtime (downloads, ...). Use [`CmdCtx::note`], which bounds them.
    pub notes: &'a mut Vec<crate::Observation>,
    /// Session-scoped system state (processes started and killed, simulated time).
    pub sys: &'a mut SysState,
}

/// At most this many observations are kept per command line; more are dropped.
pub const MAX_NOTES: usize = 64;

impl CmdCtx<'_> {
    /// The vfs acting context: the user's ids and the current time.
    pub fn fs_ctx(&self) -> Ctx {
        Ctx {
            uid: self.user.uid,
            gid: self.user.gid,
            now: self.now.unix_timestamp(),
        }
    }

    /// Records an observation for the runtime (dropped past [`MAX_NOTES`] per line).
    pub fn note(&mut self, obs: crate::Observation) {
        if self.notes.len() < MAX_NOTES {
            self.notes.push(obs);
        }
    }

    /// Prints `name: msg` on stderr, the GNU error format.
    pub fn error(&mut self, name: &str, msg: &str) {
        self.stderr.write_str(name);
        self.stderr.write_str(": ");
        self.stderr.line(msg);
    }
}

/// Facts about the connection a command may show (`who`, `w`, `tty`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    /// The terminal device (`pts/0`) when a pty was allocated.
    pub tty: Option<String>,
    /// The client's address as `who` shows it.
    pub src_ip: String,
    /// The client's TCP port (`ss`, `netstat`, `$SSH_CLIENT`).
    pub src_port: u16,
    /// When the session logged in (unix seconds).
    pub login_time: i64,
    /// Terminal columns.
    pub cols: u32,
    /// Terminal rows.
    pub rows: u32,
}

/// A small deterministic PRNG (splitmix64): same seed, same bytes.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }
}

/// The table. Order does not matter; names and paths must be unique (tested).
pub const COMMANDS: &[&dyn Command] = &[
    &pwd::Pwd,
    &truecmd::True,
    &falsecmd::False,
    &echo::Echo,
    &printf::Printf,
    &cat::Cat,
    &clear::Clear,
    &sleep::Sleep,
    &basename::Basename,
    &dirname::Dirname,
    &nproc::Nproc,
    &arch::Arch,
    &tty::Tty,
    &users::Users,
    &groups::Groups,
    &date::Date,
    &seq::Seq,
    &yes::Yes,
    &tee::Tee,
    &stat::Stat,
    &readlink::Readlink,
    &realpath::Realpath,
    &du::Du,
    &last::Last,
    &lastlog::Lastlog,
    &find::Find,
    &env::Env,
    &printenv::Printenv,
    &which::Which,
    &base64::Base64,
    &md5sum::Md5sum,
    &sha1sum::Sha1sum,
    &sha256sum::Sha256sum,
    &ps::Ps,
    &free::Free,
    &df::Df,
    &uptime::Uptime,
    &w::W,
    &who::Who,
    &cut::Cut,
    &sort::Sort,
    &uniq::Uniq,
    &tr::Tr,
    &grep::Grep,
    &head::Head,
    &tail::Tail,
    &wc::Wc,
    &uname::Uname,
    &id::Id,
    &hostname::Hostname,
    &chmod::Chmod,
    &chown::Chown,
    &cp::Cp,
    &ln::Ln,
    &ls::Ls,
    &ls::Dir,
    &mkdir::Mkdir,
    &mv::Mv,
    &rm::Rm,
    &rmdir::Rmdir,
    &touch::Touch,
    &whoami::Whoami,
    &killcmds::Kill,
    &killcmds::Killall,
    &killcmds::Pkill,
    &top::Top,
    &ss::Ss,
    &netstat::Netstat,
    &systemctl::Systemctl,
    &systemctl::Service,
    &power::Reboot,
    &power::Poweroff,
    &power::Halt,
    &power::Shutdown,
    &ip::Ip,
    &iptables::Iptables,
    &iptables::Ip6tables,
    &lscpu::Lscpu,
    &lsblk::Lsblk,
    &nettools::Ifconfig,
    &nettools::Route,
    &nettools::Arp,
    &dmesg::Dmesg,
    &dmidecode::Dmidecode,
    &getconf::Getconf,
    &getent::Getent,
    &tar::Tar,
    &hwinfo::Lspci,
    &hwinfo::Lsusb,
    &locale::Locale,
    &mount::Mount,
    &useradd::Useradd,
    &useradd::Groupadd,
    &useradd::Adduser,
    &usermod::Usermod,
    &usermod::Userdel,
    &passwd::Passwd,
    &passwd::Chpasswd,
    &crontab::Crontab,
    &chattr::Chattr,
    &chattr::Lsattr,
    &apt::Apt,
    &apt::AptGet,
    &apt::Dpkg,
    &python::Python3,
    &python::Perl,
    &pager::Less,
    &pager::More,
    &pager::Vim,
    &pager::Nano,
    &gzip::Gzip,
    &gzip::Gunzip,
    &gzip::Zcat,
    &unzip::Unzip,
    &wget::Wget,
    &curl::Curl,
    &tftp::Tftp,
    &nc::Nc,
    &ping::Ping,
    &scp::Scp,
    &awk::Awk,
    &xargs::Xargs,
    &sed::Sed,
    &dd::Dd,
    &file::File,
    &od::Od,
    &hexdump::Hexdump,
    &strings::Strings,
    &cal::Cal,
];

/// Finds a command by the name it is invoked with.
pub fn by_name(name: &str) -> Option<&'static dyn Command> {
    COMMANDS.iter().copied().find(|c| c.name() == name)
}

/// Finds a command by an absolute path of its binary (`/usr/bin/ls`, `/bin/ls`).
pub fn by_path(path: &str) -> Option<&'static dyn Command> {
    COMMANDS.iter().copied().find(|c| c.paths().contains(&path))
}

#[cfg(test)]
pub(crate) mod testutil;

#[cfg(test)]
mod tests;
