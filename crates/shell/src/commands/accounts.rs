//! The session's accounts as the VFS holds them: `/etc/passwd`, `/etc/group` and
//! `/etc/shadow` are the source of truth (so `useradd` shows in `id`, `ls -l` and `cat`),
//! with the persona's accounts as the fallback when a file is missing or unreadable.
//!
//! Parsing is bounded (at most [`MAX_BYTES`] per file, [`MAX_LINES`] lines) and skips
//! garbage lines. Writers rewrite a whole file as root, keeping its mode and owner.

use miragepot_vfs::{Ctx, Fs, WriteMode};
use sha2::{Digest, Sha256};

use super::CmdCtx;
use crate::persona::{Group, Persona, User, parse_group, parse_passwd};

/// At most this many bytes of an account file are read.
pub(crate) const MAX_BYTES: usize = 1 << 20;
/// At most this many lines of an account file are parsed.
pub(crate) const MAX_LINES: usize = 10_000;

/// Users and groups as the session sees them now.
#[derive(Debug, Clone)]
pub(crate) struct Accounts {
    /// `/etc/passwd` entries.
    pub users: Vec<User>,
    /// `/etc/group` entries.
    pub groups: Vec<Group>,
}

fn root_ctx(now: i64) -> Ctx {
    Ctx {
        uid: 0,
        gid: 0,
        now,
    }
}

/// The text of an account file (bounded), if readable.
pub(crate) fn read_text(fs: &Fs, path: &str) -> Option<String> {
    let c = fs.read("/", path, &root_ctx(0), MAX_BYTES).ok()?;
    let text = String::from_utf8_lossy(&c);
    Some(
        text.split_inclusive('\n')
            .take(MAX_LINES)
            .collect::<String>(),
    )
}

impl Accounts {
    /// Reads the accounts from `fs`, falling back to the persona's.
    pub(crate) fn load(fs: &Fs, persona: &Persona) -> Accounts {
        let users = read_text(fs, "/etc/passwd")
            .map(|t| parse_passwd(&t))
            .unwrap_or_else(|| persona.users.clone());
        let groups = read_text(fs, "/etc/group")
            .map(|t| parse_group(&t))
            .unwrap_or_else(|| persona.groups.clone());
        Accounts { users, groups }
    }

    /// The accounts a command sees.
    pub(crate) fn of(ctx: &CmdCtx<'_>) -> Accounts {
        Accounts::load(ctx.fs, ctx.persona)
    }

    /// Runs `f` on the accounts a command sees, parsing the files once per session while
    /// they are the base image's (the common case: lookups by `ls -l`, `ps`, `stat`).
    pub(crate) fn with<R>(ctx: &CmdCtx<'_>, f: impl FnOnce(&Accounts) -> R) -> R {
        let pristine = ctx.fs.is_pristine("/etc/passwd") && ctx.fs.is_pristine("/etc/group");
        if pristine {
            f(ctx
                .sys
                .base_accounts
                .get_or_init(|| Accounts::load(ctx.fs, ctx.persona)))
        } else {
            f(&Accounts::of(ctx))
        }
    }

    /// A user by name.
    pub(crate) fn user(&self, name: &str) -> Option<&User> {
        self.users.iter().find(|u| u.name == name)
    }

    /// A user by uid.
    pub(crate) fn user_by_uid(&self, uid: u32) -> Option<&User> {
        self.users.iter().find(|u| u.uid == uid)
    }

    /// A user by name, or by number as `id 1000` accepts.
    pub(crate) fn user_or_uid(&self, s: &str) -> Option<&User> {
        self.user(s)
            .or_else(|| s.parse().ok().and_then(|u| self.user_by_uid(u)))
    }

    /// A group by gid.
    pub(crate) fn group_by_gid(&self, gid: u32) -> Option<&Group> {
        self.groups.iter().find(|g| g.gid == gid)
    }

    /// A group by name.
    pub(crate) fn group(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.name == name)
    }

    /// A group by name or number.
    pub(crate) fn group_or_gid(&self, s: &str) -> Option<&Group> {
        self.group(s)
            .or_else(|| s.parse().ok().and_then(|g| self.group_by_gid(g)))
    }

    /// The groups of a user: primary first, then supplementary, as `id` lists them.
    pub(crate) fn groups_of(&self, user: &User) -> Vec<&Group> {
        let mut out: Vec<&Group> = self.group_by_gid(user.gid).into_iter().collect();
        for g in &self.groups {
            if g.gid != user.gid && g.members.iter().any(|m| m == &user.name) {
                out.push(g);
            }
        }
        out
    }

    /// The next free id at or above 1000 (useradd's UID_MIN), among users or groups.
    pub(crate) fn next_id(&self, groups: bool) -> u32 {
        let used: Vec<u32> = if groups {
            self.groups.iter().map(|g| g.gid).collect()
        } else {
            self.users.iter().map(|u| u.uid).collect()
        };
        let top = used
            .iter()
            .copied()
            .filter(|&i| (1000..60000).contains(&i))
            .max()
            .map_or(1000, |m| m + 1);
        if top < 60000 {
            top
        } else {
            (1000..60000).find(|i| !used.contains(i)).unwrap_or(60000)
        }
    }
}

/// Rewrites an account file line by line as root: `edit` maps each line to its
/// replacement (or `None` to drop it); `extra` lines are appended. Keeps mode and owner.
pub(crate) fn rewrite(
    ctx: &mut CmdCtx<'_>,
    path: &str,
    mut edit: impl FnMut(&str) -> Option<String>,
    extra: &[String],
) -> bool {
    let now = ctx.now.unix_timestamp();
    let old = read_text(ctx.fs, path).unwrap_or_default();
    let mut out = String::new();
    for line in old.lines() {
        if let Some(l) = edit(line) {
            out.push_str(&l);
            out.push('\n');
        }
    }
    for l in extra {
        out.push_str(l);
        out.push('\n');
    }
    write_as_root(ctx.fs, path, out.as_bytes(), now)
}

/// Writes a whole file as root (mode 0644 when new).
pub(crate) fn write_as_root(fs: &mut Fs, path: &str, data: &[u8], now: i64) -> bool {
    fs.write("/", path, data, WriteMode::Truncate, 0o644, &root_ctx(now))
        .is_ok()
}

/// Replaces field `idx` (0-based) of `name`'s line in a colon-separated file.
pub(crate) fn set_field(
    ctx: &mut CmdCtx<'_>,
    path: &str,
    name: &str,
    idx: usize,
    val: &str,
) -> bool {
    let mut found = false;
    let ok = rewrite(
        ctx,
        path,
        |l| {
            let mut f: Vec<String> = l.split(':').map(str::to_string).collect();
            if f.first().map(String::as_str) == Some(name) && f.len() > idx {
                if let Some(slot) = f.get_mut(idx) {
                    *slot = val.to_string();
                }
                found = true;
                return Some(f.join(":"));
            }
            Some(l.to_string())
        },
        &[],
    );
    ok && found
}

/// A field of `name`'s line in a colon-separated file.
pub(crate) fn get_field(fs: &Fs, path: &str, name: &str, idx: usize) -> Option<String> {
    let text = read_text(fs, path)?;
    text.lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.first() == Some(&name))
        .and_then(|f| f.get(idx).map(|s| s.to_string()))
}

/// Days since the epoch, the unit of `/etc/shadow`'s change dates.
pub(crate) fn days(ctx: &CmdCtx<'_>) -> i64 {
    ctx.now.unix_timestamp().div_euclid(86_400)
}

const CRYPT64: &[u8] = b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

fn crypt64(bytes: &[u8], n: usize) -> String {
    bytes
        .iter()
        .cycle()
        .take(n)
        .map(|b| char::from(CRYPT64.get(usize::from(b & 63)).copied().unwrap_or(b'.')))
        .collect()
}

/// A yescrypt-looking `/etc/shadow` hash (`$y$j9T$<salt>$<hash>`), derived deterministically
/// from the user and the password (it is not a real yescrypt: nothing checks it).
pub(crate) fn hash_password(user: &str, password: &str) -> String {
    let salt = Sha256::digest(format!("salt:{user}:{password}").as_bytes());
    let mut h = Sha256::new();
    h.update(salt);
    h.update(password.as_bytes());
    let a = h.finalize();
    let b = Sha256::digest(a);
    let mut all = a.to_vec();
    all.extend_from_slice(&b);
    format!("$y$j9T${}${}", crypt64(&salt, 22), crypt64(&all, 43))
}

/// Sets `name`'s password hash in `/etc/shadow` (and the change date); false if no line.
pub(crate) fn set_shadow_hash(ctx: &mut CmdCtx<'_>, name: &str, hash: &str) -> bool {
    let day = days(ctx).to_string();
    let mut found = false;
    let ok = rewrite(
        ctx,
        "/etc/shadow",
        |l| {
            let mut f: Vec<String> = l.split(':').map(str::to_string).collect();
            if f.first().map(String::as_str) == Some(name) && f.len() >= 3 {
                if let Some(s) = f.get_mut(1) {
                    *s = hash.to_string();
                }
                if let Some(s) = f.get_mut(2) {
                    s.clone_from(&day);
                }
                found = true;
                return Some(f.join(":"));
            }
            Some(l.to_string())
        },
        &[],
    );
    ok && found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::testutil::shared_persona;

    #[test]
    fn loads_from_the_vfs_and_skips_garbage() {
        let p = shared_persona();
        let mut fs = p.new_fs();
        let a = Accounts::load(&fs, p);
        assert!(a.user("root").is_some());
        assert_eq!(a.user_by_uid(1000).map(|u| u.name.as_str()), Some("debian"));
        write_as_root(
            &mut fs,
            "/etc/passwd",
            b"root:x:0:0:root:/root:/bin/bash\ngarbage\n::::\nbob:x:1001:1001::/home/bob:/bin/sh\n",
            0,
        );
        let a = Accounts::load(&fs, p);
        assert_eq!(a.users.len(), 2);
        assert_eq!(a.user_or_uid("1001").map(|u| u.name.as_str()), Some("bob"));
        assert_eq!(a.next_id(false), 1002);
    }

    #[test]
    fn hashes_are_deterministic_and_shaped_like_yescrypt() {
        let h = hash_password("root", "pw");
        assert_eq!(h, hash_password("root", "pw"));
        assert_ne!(h, hash_password("root", "pw2"));
        let parts: Vec<&str> = h.split('$').collect();
        assert_eq!(parts.len(), 5);
        assert_eq!((parts[1], parts[2]), ("y", "j9T"));
        assert_eq!((parts[3].len(), parts[4].len()), (22, 43));
    }
}
