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

use miragepot_vfs::{Ctx, Fs};
use time::OffsetDateTime;

use crate::env::Env;
use crate::output::Output;
use crate::persona::{Persona, User};

mod arch;
mod base64;
mod basename;
mod cat;
mod chmod;
mod chown;
mod clear;
mod cp;
mod cut;
mod date;
mod df;
mod dirname;
mod du;
mod echo;
mod env;
mod falsecmd;
mod find;
mod free;
mod grep;
mod groups;
mod hashsum;
mod head;
mod hostname;
mod id;
mod last;
mod ln;
mod ls;
mod md5sum;
mod mkdir;
mod mv;
mod nproc;
mod printenv;
mod printf;
mod ps;
mod pwd;
mod readlink;
mod realpath;
mod regex;
mod rm;
mod rmdir;
mod seq;
mod sha1sum;
mod sha256sum;
mod sleep;
mod sort;
mod stat;
mod tail;
mod tee;
mod touch;
mod tr;
mod truecmd;
mod tty;
mod uname;
mod uniq;
mod uptime;
mod users;
mod util;
mod w;
mod wc;
mod which;
mod who;
mod whoami;
mod yes;

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
}

impl CmdCtx<'_> {
    /// The vfs acting context: the user's ids and the current time.
    pub fn fs_ctx(&self) -> Ctx {
        Ctx {
            uid: self.user.uid,
            gid: self.user.gid,
            now: self.now.unix_timestamp(),
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
    &mkdir::Mkdir,
    &mv::Mv,
    &rm::Rm,
    &rmdir::Rmdir,
    &touch::Touch,
    &whoami::Whoami,
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
mod tests {
    use super::*;

    #[test]
    fn names_and_paths_are_unique_and_exist_in_the_persona() {
        let persona = Persona::debian12();
        let mut names = std::collections::HashSet::new();
        let mut paths = std::collections::HashSet::new();
        let fs = persona.new_fs();
        for c in COMMANDS {
            assert!(
                names.insert(c.name()),
                "duplicate command name {}",
                c.name()
            );
            assert!(!c.paths().is_empty(), "{} has no path", c.name());
            for p in c.paths() {
                assert!(paths.insert(*p), "duplicate path {p}");
                assert!(
                    fs.exists("/", p),
                    "{} path {p} missing from the persona",
                    c.name()
                );
            }
        }
    }

    #[test]
    fn no_command_panics_on_odd_arguments() {
        let odd: &[&[&str]] = &[
            &[],
            &[""],
            &["-"],
            &["--"],
            &["-n", "99999999999999999999"],
            &["-c", "-1"],
            &["%", "%*.*d", "\\", "[", "\\("],
            &["-k", "0,", "-t", ""],
            &["\u{0}", "\u{fffd}é", "/etc/../.."],
            &["-w", "-1", "/dev/zero"],
            &["/proc", "/nonexistent/x"],
        ];
        let persona = Persona::debian12();
        for c in COMMANDS {
            for args in odd {
                let mut fs = persona.new_fs();
                let r =
                    testutil::run_in(&persona, &mut fs, c.name(), args, "/", b"a b\n\xff\x00c\n");
                assert!(r.code >= 0, "{} {:?}", c.name(), args);
            }
        }
    }
}
