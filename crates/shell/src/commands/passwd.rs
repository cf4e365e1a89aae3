//! Passwords as shadow 4.13 with PAM changes them on Debian 12: `passwd` (reads the new
//! password twice from standard input as PAM's text conversation does, `-l -u -d -S -e`,
//! `passwd user`) and `chpasswd` (`user:password` lines, `-e`). The new hash lands in the
//! session's `/etc/shadow`.

use super::accounts::{self, Accounts};
use super::useradd::shadow_usage;
use super::util::{Bad, Val, getopt};
use super::{CmdCtx, Command};

/// Standard input as lines, consumed one by one as PAM's conversation reads them.
pub(crate) struct StdinLines<'a> {
    rest: &'a [u8],
}

impl<'a> StdinLines<'a> {
    /// Lines of `stdin`.
    pub(crate) fn new(stdin: &'a [u8]) -> Self {
        StdinLines { rest: stdin }
    }

    /// The next line without its newline, or `None` at end of input.
    pub(crate) fn next_line(&mut self) -> Option<String> {
        if self.rest.is_empty() {
            return None;
        }
        let (line, rest) = match self.rest.iter().position(|&b| b == b'\n') {
            Some(i) => (self.rest.get(..i)?, self.rest.get(i + 1..)?),
            None => (self.rest, &[][..]),
        };
        self.rest = rest;
        Some(String::from_utf8_lossy(line).chars().take(4096).collect())
    }
}

/// PAM's new-password dialogue (`New password: `, `Retype new password: `) over `lines`;
/// on success stores the hash. Returns passwd's status.
pub(crate) fn new_password_dialogue(
    ctx: &mut CmdCtx<'_>,
    user: &str,
    lines: &mut StdinLines<'_>,
) -> i32 {
    ctx.stderr.write_str("New password: ");
    let Some(first) = lines.next_line() else {
        ctx.stderr.write_str("\n");
        return token_error(ctx);
    };
    if first.is_empty() {
        ctx.stderr.line("No password has been supplied.");
        return token_error(ctx);
    }
    ctx.stderr.write_str("Retype new password: ");
    let Some(second) = lines.next_line() else {
        ctx.stderr.write_str("\n");
        return token_error(ctx);
    };
    if first != second {
        ctx.stderr.line("Sorry, passwords do not match.");
        return token_error(ctx);
    }
    let hash = accounts::hash_password(user, &first);
    accounts::set_shadow_hash(ctx, user, &hash);
    ctx.stderr.line("passwd: password updated successfully");
    0
}

fn token_error(ctx: &mut CmdCtx<'_>) -> i32 {
    ctx.stderr
        .line("passwd: Authentication token manipulation error");
    ctx.stderr.line("passwd: password unchanged");
    10
}

/// `passwd`.
pub struct Passwd;

impl Command for Passwd {
    fn name(&self) -> &'static str {
        "passwd"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/passwd"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("all", 'a', Val::No),
            ("delete", 'd', Val::No),
            ("expire", 'e', Val::No),
            ("keep-tokens", 'k', Val::No),
            ("inactive", 'i', Val::Req),
            ("lock", 'l', Val::No),
            ("mindays", 'n', Val::Req),
            ("quiet", 'q', Val::No),
            ("repository", 'r', Val::Req),
            ("root", 'R', Val::Req),
            ("prefix", 'P', Val::Req),
            ("status", 'S', Val::No),
            ("unlock", 'u', Val::No),
            ("warndays", 'w', Val::Req),
            ("maxdays", 'x', Val::Req),
        ];
        let (opts, ops) = match getopt(args, "adehi:kln:qr:R:P:Suw:x:", &long) {
            Ok(x) => x,
            Err(e) => return shadow_usage(ctx, "passwd", &e, 6),
        };
        let has = |c: char| opts.iter().any(|o| o.0 == c);
        if has('h') {
            return shadow_usage(ctx, "passwd", &Bad::Help, 0);
        }
        if ops.len() > 1 {
            ctx.stderr.write_str(super::useradd::shadow_help("passwd"));
            return 6;
        }
        let acc = Accounts::of(ctx);
        let name = ops
            .first()
            .cloned()
            .unwrap_or_else(|| ctx.user.name.clone());
        if acc.user(&name).is_none() {
            ctx.error("passwd", &format!("user '{name}' does not exist"));
            return 1;
        }
        if ctx.user.uid != 0 && name != ctx.user.name {
            ctx.error(
                "passwd",
                &format!("You may not view or modify password information for {name}."),
            );
            return 1;
        }
        let admin = ['l', 'u', 'd', 'e', 'n', 'x', 'w', 'i'];
        if ctx.user.uid != 0 && opts.iter().any(|o| admin.contains(&o.0)) {
            ctx.error("passwd", "Permission denied.");
            return 1;
        }
        let hash = accounts::get_field(ctx.fs, "/etc/shadow", &name, 1).unwrap_or_default();
        if has('S') {
            let status = if hash.starts_with('!') {
                "L"
            } else if hash.is_empty() {
                "NP"
            } else {
                "P"
            };
            let day = accounts::get_field(ctx.fs, "/etc/shadow", &name, 2)
                .and_then(|d| d.parse::<i64>().ok())
                .map_or_else(
                    || "01/01/1970".to_string(),
                    |d| {
                        let t = super::util::utc(d.saturating_mul(86_400));
                        format!("{:02}/{:02}/{}", u8::from(t.month()), t.day(), t.year())
                    },
                );
            let f = |i| accounts::get_field(ctx.fs, "/etc/shadow", &name, i).unwrap_or_default();
            let num = |s: String, d: &str| if s.is_empty() { d.to_string() } else { s };
            ctx.stdout.line(&format!(
                "{name} {status} {day} {} {} {} {}",
                num(f(3), "0"),
                num(f(4), "99999"),
                num(f(5), "7"),
                num(f(6), "-1")
            ));
            return 0;
        }
        let new_hash = if has('l') {
            Some(format!("!{hash}"))
        } else if has('u') {
            Some(hash.trim_start_matches('!').to_string())
        } else if has('d') {
            Some(String::new())
        } else {
            None
        };
        if let Some(h) = new_hash {
            accounts::set_field(ctx, "/etc/shadow", &name, 1, &h);
            ctx.stdout.line("passwd: password changed.");
            return 0;
        }
        if has('e') {
            accounts::set_field(ctx, "/etc/shadow", &name, 2, "0");
            ctx.stdout.line("passwd: password changed.");
            return 0;
        }
        if opts.iter().any(|o| ['n', 'x', 'w', 'i'].contains(&o.0)) {
            for (c, idx) in [('n', 3), ('x', 4), ('w', 5), ('i', 6)] {
                if let Some(v) = opts
                    .iter()
                    .rev()
                    .find(|o| o.0 == c)
                    .and_then(|o| o.1.clone())
                {
                    accounts::set_field(ctx, "/etc/shadow", &name, idx, &v);
                }
            }
            ctx.stdout.line("passwd: password changed.");
            return 0;
        }
        let stdin = ctx.stdin;
        let mut lines = StdinLines::new(stdin);
        if ctx.user.uid != 0 {
            ctx.stdout.line(&format!("Changing password for {name}."));
            ctx.stderr.write_str("Current password: ");
            let _ = lines.next_line();
            ctx.stderr.write_str("\n");
            ctx.stderr
                .line("passwd: Authentication token manipulation error");
            ctx.stderr.line("passwd: password unchanged");
            return 10;
        }
        new_password_dialogue(ctx, &name, &mut lines)
    }
}

/// `chpasswd`.
pub struct Chpasswd;

impl Command for Chpasswd {
    fn name(&self) -> &'static str {
        "chpasswd"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/sbin/chpasswd"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("crypt-method", 'c', Val::Req),
            ("encrypted", 'e', Val::No),
            ("md5", 'm', Val::No),
            ("root", 'R', Val::Req),
            ("prefix", 'P', Val::Req),
            ("sha-rounds", 's', Val::Req),
        ];
        let (opts, ops) = match getopt(args, "c:ehmR:P:s:", &long) {
            Ok(x) => x,
            Err(e) => return shadow_usage(ctx, "chpasswd", &e, 2),
        };
        if opts.iter().any(|o| o.0 == 'h') {
            return shadow_usage(ctx, "chpasswd", &Bad::Help, 0);
        }
        if !ops.is_empty() {
            ctx.stderr
                .write_str(super::useradd::shadow_help("chpasswd"));
            return 2;
        }
        let encrypted = opts.iter().any(|o| o.0 == 'e');
        let stdin = ctx.stdin;
        let mut lines = StdinLines::new(stdin);
        let mut status = 0;
        let mut n = 0u32;
        while let Some(line) = lines.next_line() {
            n += 1;
            if n > 10_000 {
                break;
            }
            let line = line.trim_end_matches('\r');
            let Some((user, pass)) = line.split_once(':') else {
                ctx.error("chpasswd", &format!("line {n}: missing new password"));
                status = 1;
                continue;
            };
            let known = Accounts::of(ctx).user(user).is_some();
            if !known || ctx.user.uid != 0 {
                ctx.error(
                    "chpasswd",
                    &format!("(user {user}) pam_chauthtok() failed, error:"),
                );
                ctx.stderr.line("Authentication token manipulation error");
                ctx.error(
                    "chpasswd",
                    &format!("(line {n}, user {user}) password not changed"),
                );
                status = 1;
                continue;
            }
            let hash = if encrypted {
                pass.to_string()
            } else {
                accounts::hash_password(user, pass)
            };
            accounts::set_shadow_hash(ctx, user, &hash);
        }
        status
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::accounts::hash_password;
    use crate::commands::testutil::{run, run_in, shared_persona};

    #[test]
    fn chpasswd_updates_shadow() {
        let p = shared_persona();
        let mut fs = p.new_fs();
        let r = run_in(p, &mut fs, "chpasswd", &[], "/", b"root:hunter2\n");
        assert_eq!((r.stderr.as_str(), r.code), ("", 0));
        let r = run_in(p, &mut fs, "grep", &["^root:", "/etc/shadow"], "/", b"");
        let h = hash_password("root", "hunter2");
        assert!(r.stdout.starts_with(&format!("root:{h}:")), "{}", r.stdout);
        let r = run_in(p, &mut fs, "chpasswd", &[], "/", b"nopass\nghost:x\n");
        assert_eq!(
            r.stderr,
            "chpasswd: line 1: missing new password\nchpasswd: (user ghost) pam_chauthtok() failed, error:\nAuthentication token manipulation error\nchpasswd: (line 2, user ghost) password not changed\n"
        );
        assert_eq!(r.code, 1);
        let r = run_in(p, &mut fs, "chpasswd", &["-e"], "/", b"debian:$6$abc\n");
        assert_eq!(r.code, 0);
        let r = run_in(p, &mut fs, "grep", &["^debian:", "/etc/shadow"], "/", b"");
        assert!(r.stdout.starts_with("debian:$6$abc:"));
    }

    #[test]
    fn passwd_dialogue() {
        let p = shared_persona();
        let mut fs = p.new_fs();
        let r = run_in(p, &mut fs, "passwd", &[], "/", b"x\nx\n");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "New password: Retype new password: passwd: password updated successfully\n",
                0
            )
        );
        let r = run_in(p, &mut fs, "grep", &["^root:", "/etc/shadow"], "/", b"");
        assert!(
            r.stdout
                .starts_with(&format!("root:{}:", hash_password("root", "x")))
        );
        let r = run("passwd", &["root"], "/", b"a\nb\n");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "New password: Retype new password: Sorry, passwords do not match.\npasswd: Authentication token manipulation error\npasswd: password unchanged\n",
                10
            )
        );
        let r = run("passwd", &[], "/", b"");
        assert_eq!(r.code, 10);
        let r = run_in(p, &mut fs, "passwd", &["-l", "debian"], "/", b"");
        assert_eq!(
            (r.stdout.as_str(), r.code),
            ("passwd: password changed.\n", 0)
        );
        let r = run_in(p, &mut fs, "passwd", &["-S", "debian"], "/", b"");
        assert!(r.stdout.starts_with("debian L "), "{}", r.stdout);
        let r = run("passwd", &["ghost"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("passwd: user 'ghost' does not exist\n", 1)
        );
    }
}
