//! Lexical path helpers: joining a path onto a working directory and normalising `.` and
//! `..` without looking at the filesystem. Symlink-aware resolution lives in [`crate::fs`].

/// Joins `path` onto `cwd` (when relative) and normalises it lexically: repeated slashes,
/// `.` and `..` are removed; `..` at the root stays at the root. The result is absolute and
/// has no trailing slash (except `/` itself).
pub fn normalize(cwd: &str, path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let full_iter = if path.starts_with('/') {
        path.split('/').chain("".split('/'))
    } else {
        cwd.split('/').chain(path.split('/'))
    };
    for comp in full_iter {
        match comp {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    join_parts(&parts)
}

/// Builds `/a/b/c` from components.
pub fn join_parts(parts: &[&str]) -> String {
    if parts.is_empty() {
        return "/".to_string();
    }
    let mut s = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for p in parts {
        s.push('/');
        s.push_str(p);
    }
    s
}

/// Appends one name to an absolute directory path.
pub fn child(dir: &str, name: &str) -> String {
    if dir == "/" {
        format!("/{name}")
    } else {
        format!("{dir}/{name}")
    }
}

/// Splits an absolute canonical path into (parent, name). The root has no parent.
pub fn split(path: &str) -> Option<(&str, &str)> {
    if path == "/" || !path.starts_with('/') {
        return None;
    }
    let idx = path.rfind('/')?;
    let name = path.get(idx + 1..)?;
    let parent = if idx == 0 { "/" } else { path.get(..idx)? };
    Some((parent, name))
}

/// The last component of a path as `basename` prints it.
pub fn basename(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return if path.is_empty() { "" } else { "/" };
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}

/// The directory part of a path as `dirname` prints it.
pub fn dirname(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return if path.starts_with('/') {
            "/".into()
        } else {
            ".".into()
        };
    }
    match trimmed.rfind('/') {
        None => ".".into(),
        Some(i) => {
            let d = trimmed.get(..i).unwrap_or("").trim_end_matches('/');
            if d.is_empty() { "/".into() } else { d.into() }
        }
    }
}

/// Whether `path` is `dir` or lies beneath it (both canonical).
pub fn is_within(path: &str, dir: &str) -> bool {
    if dir == "/" {
        return true;
    }
    path == dir || (path.starts_with(dir) && path.as_bytes().get(dir.len()) == Some(&b'/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes() {
        assert_eq!(normalize("/root", "a/b"), "/root/a/b");
        assert_eq!(normalize("/root", "../etc//passwd"), "/etc/passwd");
        assert_eq!(normalize("/", "../../.."), "/");
        assert_eq!(normalize("/tmp", "/usr/./bin/"), "/usr/bin");
        assert_eq!(normalize("/tmp", ""), "/tmp");
    }

    #[test]
    fn splits_and_names() {
        assert_eq!(split("/a/b"), Some(("/a", "b")));
        assert_eq!(split("/a"), Some(("/", "a")));
        assert_eq!(split("/"), None);
        assert_eq!(basename("/usr/bin/"), "bin");
        assert_eq!(basename("/"), "/");
        assert_eq!(dirname("/usr/bin/ls"), "/usr/bin");
        assert_eq!(dirname("ls"), ".");
        assert_eq!(dirname("/ls"), "/");
        assert!(is_within("/a/b", "/a"));
        assert!(!is_within("/ab", "/a"));
    }
}
