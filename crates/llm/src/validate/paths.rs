//! The absolute paths an answer shows as present, for the caller's filesystem check.
//!
//! A path starts with `/` after a blank, a quote, a bracket, `=`, `,`, `;`, `|`, `!` or `<`/`>`
//! (so `http://x/y`, `host:/x`, `~/x` and `1/2` are not paths), continues over
//! `[A-Za-z0-9._+@:/-]`, is split at `:` (`PATH=/usr/bin:/bin`, `grep` output
//! `/etc/passwd:root:...`), and loses trailing `.,:;)'"` and `/`. Lines that say something is
//! missing ("No such file", "not found", "cannot access", "does not exist") and comment lines
//! (`#`, but not `#!`) are skipped; so are the virtual and volatile trees (`/proc`, `/sys`,
//! `/dev`, `/run`, `/tmp`) and cgroup names systemd prints (`/system.slice/...`).
//!
//! Limits: a relative path, a path with other characters (spaces, `*`) or a remote one is not
//! reported; a path in prose that does not claim presence is.

/// At most this many paths are returned.
const MAX_PATHS: usize = 32;

/// A line containing one of these (lowercase) says the path is missing.
const MISSING: &[&str] = &["no such", "not found", "cannot access", "does not exist"];

/// Trees the caller's filesystem does not hold as files.
const SKIP: &[&str] = &[
    "/proc",
    "/sys",
    "/dev",
    "/run",
    "/tmp",
    "/system.slice",
    "/user.slice",
    "/init.scope",
    "/machine.slice",
];

/// Absolute paths `text` shows as present, deduplicated in order of appearance, at most 32.
pub fn shown_paths(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with('#') && !t.starts_with("#!") {
            continue;
        }
        let lower = line.to_lowercase();
        if MISSING.iter().any(|m| lower.contains(m)) {
            continue;
        }
        for token in tokens(line) {
            for part in token.split(':').filter(|p| p.starts_with('/')) {
                let Some(path) = accept(part) else { continue };
                if !out.iter().any(|p| p == path) {
                    out.push(path.to_owned());
                    if out.len() >= MAX_PATHS {
                        return out;
                    }
                }
            }
        }
    }
    out
}

fn in_charset(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '@' | ':' | '-' | '/')
}

fn boundary(prev: Option<char>) -> bool {
    match prev {
        None => true,
        Some(c) => {
            c.is_whitespace()
                || matches!(
                    c,
                    '\'' | '"' | '`' | '(' | '[' | '{' | '<' | '>' | '=' | ',' | ';' | '|' | '!'
                )
        }
    }
}

/// The runs of path characters that start with `/` at a boundary.
fn tokens(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut prev: Option<char> = None;
    let mut start: Option<usize> = None;
    for (i, c) in line.char_indices() {
        match start {
            Some(s) if !in_charset(c) => {
                out.extend(line.get(s..i));
                start = None;
            }
            None if c == '/' && boundary(prev) => start = Some(i),
            _ => {}
        }
        prev = Some(c);
    }
    if let Some(s) = start {
        out.extend(line.get(s..));
    }
    out
}

fn accept(part: &str) -> Option<&str> {
    let p = part
        .trim_end_matches(['.', ',', ':', ';', ')', '\'', '"'])
        .trim_end_matches('/');
    let component = p.strip_prefix('/')?;
    if component.is_empty() || component.starts_with('/') {
        return None;
    }
    let skipped = SKIP.iter().any(|s| {
        p.strip_prefix(s)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    });
    (!skipped).then_some(p)
}
