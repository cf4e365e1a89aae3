//! `getent` (glibc 2.36): entries of the session's account and host databases, read from
//! the session's own `/etc` files so that `useradd` and `chpasswd` show up at once.

use super::accounts::read_text;
use super::util::{Val, getopt};
use super::{CmdCtx, Command};

/// `getent`.
pub struct Getent;

const TRY: &str = "Try `getent --help' or `getent --usage' for more information.";

/// Databases glibc knows; the ones without a file here answer "not found" (exit 2).
const KNOWN: &[&str] = &[
    "ahosts",
    "ahostsv4",
    "ahostsv6",
    "aliases",
    "ethers",
    "group",
    "gshadow",
    "hosts",
    "initgroups",
    "netgroup",
    "networks",
    "passwd",
    "protocols",
    "rpc",
    "services",
    "shadow",
];

impl Command for Getent {
    fn name(&self) -> &'static str {
        "getent"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/getent"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("service", 's', Val::Req),
            ("no-idn", 'i', Val::No),
            ("no-addrconfig", 'A', Val::No),
            ("usage", 'u', Val::No),
            ("help", '?', Val::No),
            ("version", 'V', Val::No),
        ];
        let (opts, ops) = match getopt(args, "s:iA?V", &long) {
            Ok(x) => x,
            Err(e) => {
                ctx.error("getent", e.text());
                ctx.stderr.line(TRY);
                return 64;
            }
        };
        let has = |c: char| opts.iter().any(|o| o.0 == c);
        if has('?') {
            return super::util::print_help(ctx, "getent");
        }
        if has('V') {
            return super::util::print_version(ctx, "getent");
        }
        if has('u') {
            ctx.stdout.write_str(concat!(
                "Usage: getent [-Ai?V] [-s CONFIG] [--no-addrconfig] [--no-idn]\n",
                "            [--service=CONFIG] [--help] [--usage] [--version]\n",
                "            database [key ...]\n"
            ));
            return 0;
        }
        let Some((db, keys)) = ops.split_first() else {
            ctx.error("getent", "wrong number of arguments");
            ctx.stderr.line(TRY);
            return 1;
        };
        if !KNOWN.contains(&db.as_str()) {
            ctx.stderr.line(&format!("Unknown database: {db}"));
            ctx.stderr.line(TRY);
            return 1;
        }
        let file = match db.as_str() {
            "passwd" => "/etc/passwd",
            "group" => "/etc/group",
            "shadow" => "/etc/shadow",
            "gshadow" => "/etc/gshadow",
            "hosts" | "ahosts" | "ahostsv4" => "/etc/hosts",
            "services" => "/etc/services",
            "protocols" => "/etc/protocols",
            "networks" => "/etc/networks",
            _ => return 2,
        };
        // Shadow files are readable by root only; getent then finds nothing.
        let private = matches!(db.as_str(), "shadow" | "gshadow");
        if private && ctx.user.uid != 0 {
            return if keys.is_empty() { 0 } else { 2 };
        }
        let text = read_text(ctx.fs, file).unwrap_or_default();
        let entries: Vec<Entry> = text.lines().filter_map(|l| Entry::parse(db, l)).collect();
        if keys.is_empty() {
            for e in &entries {
                ctx.stdout.line(&e.shown);
            }
            return 0;
        }
        let mut status = 0;
        for key in keys {
            match entries.iter().find(|e| e.matches(db, key)) {
                Some(e) => ctx.stdout.line(&e.shown),
                None => status = 2,
            }
        }
        status
    }
}

/// One database line: its keys and how getent prints it.
struct Entry {
    keys: Vec<String>,
    id: Option<String>,
    shown: String,
}

impl Entry {
    fn parse(db: &str, line: &str) -> Option<Entry> {
        let line = line.split('#').next().unwrap_or("").trim_end();
        if line.trim().is_empty() {
            return None;
        }
        match db {
            "passwd" | "group" | "shadow" | "gshadow" => {
                let mut f = line.split(':');
                let name = f.next()?.to_string();
                let id = if matches!(db, "passwd" | "group") {
                    f.nth(1).map(str::to_string)
                } else {
                    None
                };
                Some(Entry {
                    keys: vec![name],
                    id,
                    shown: line.to_string(),
                })
            }
            "hosts" | "ahosts" | "ahostsv4" => {
                let mut f = line.split_whitespace();
                let addr = f.next()?;
                let names: Vec<String> = f.map(str::to_string).collect();
                if names.is_empty() {
                    return None;
                }
                Some(Entry {
                    shown: format!("{addr:<15} {}", names.join(" ")),
                    keys: names,
                    id: Some(addr.to_string()),
                })
            }
            _ => {
                let mut f = line.split_whitespace();
                let name = f.next()?.to_string();
                Some(Entry {
                    keys: vec![name],
                    id: None,
                    shown: line.to_string(),
                })
            }
        }
    }

    fn matches(&self, db: &str, key: &str) -> bool {
        if self.keys.iter().any(|k| k == key) {
            return true;
        }
        match db {
            "passwd" | "group" => {
                self.id.as_deref() == Some(key) && key.bytes().all(|b| b.is_ascii_digit())
            }
            "hosts" | "ahosts" | "ahostsv4" => self.id.as_deref() == Some(key),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{run, run_in, shared_persona};

    #[test]
    fn answers_from_the_session_files() {
        let r = run("getent", &["passwd", "0", "root"], "/", b"");
        assert_eq!(
            (r.stdout.as_str(), r.code),
            (
                "root:x:0:0:root:/root:/bin/bash\nroot:x:0:0:root:/root:/bin/bash\n",
                0
            )
        );
        let r = run("getent", &["passwd", "nosuch"], "/", b"");
        assert_eq!((r.stdout.as_str(), r.code), ("", 2));
        let r = run("getent", &["group", "0"], "/", b"");
        assert_eq!(r.stdout, "root:x:0:\n");
        let r = run("getent", &["hosts", "localhost"], "/", b"");
        assert_eq!(r.stdout, "127.0.0.1       localhost\n");
    }

    #[test]
    fn errors_as_glibc() {
        let r = run("getent", &[], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "getent: wrong number of arguments\nTry `getent --help' or `getent --usage' for more information.\n",
                1
            )
        );
        let r = run("getent", &["foo"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "Unknown database: foo\nTry `getent --help' or `getent --usage' for more information.\n",
                1
            )
        );
    }

    #[test]
    fn sees_users_added_in_the_session() {
        let p = shared_persona();
        let mut fs = p.new_fs();
        let r = run_in(p, &mut fs, "useradd", &["-m", "bob"], "/", b"");
        assert_eq!(r.code, 0, "{}", r.stderr);
        let r = run_in(p, &mut fs, "getent", &["passwd", "bob"], "/", b"");
        assert_eq!(r.code, 0);
        assert!(
            r.stdout.starts_with("bob:x:1001:1001::/home/bob:"),
            "{}",
            r.stdout
        );
    }
}
