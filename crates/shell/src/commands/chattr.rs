//! `chattr` and `lsattr` (e2fsprogs 1.47.0): ext4 attribute flags kept per session in
//! [`SysState::attrs`](super::SysState) (`chattr -ia .ssh`, `chattr +i file`, `lsattr`
//! with `-d -a -R`). Files start with only `e` (extents), as on the persona's ext4 root.
//! Known gap: the immutable flag does not make other commands refuse writes.

use miragepot_vfs::FileType;

use super::{CmdCtx, Command};

/// The flag letters in the order `lsattr` prints them.
const FLAGS: &str = "suSDiadAcEjItTeCxFNPVm";
/// Letters `chattr` accepts.
const SETTABLE: &str = "aAcCdDeijPsStTuFxm";
const CHATTR_USAGE: &str =
    "Usage: chattr [-RVf] [-+=aAcCdDeijPsStTuFx] [-p project] [-v version] files...\n";
/// At most this many files are visited by one `-R` run.
const MAX_VISIT: usize = 10_000;

fn bit(c: char) -> u32 {
    FLAGS.find(c).map_or(0, |i| 1u32 << i)
}

fn default_bits() -> u32 {
    bit('e')
}

/// Why a path has no flags (`Operation not supported`), or its canonical path and inode.
fn target(ctx: &CmdCtx<'_>, path: &str) -> Result<(String, u64), &'static str> {
    let m = ctx
        .fs
        .lstat(ctx.cwd, path)
        .map_err(|_| "No such file or directory")?;
    let canon = ctx
        .fs
        .canonicalize(ctx.cwd, path)
        .unwrap_or_else(|_| path.to_string());
    let special = !matches!(m.kind, FileType::File | FileType::Dir);
    let pseudo = ["/proc", "/sys", "/dev", "/run"]
        .iter()
        .any(|p| canon == *p || canon.starts_with(&format!("{p}/")));
    if special || pseudo {
        return Err("Operation not supported");
    }
    Ok((canon, m.ino))
}

fn flags_of(ctx: &CmdCtx<'_>, canon: &str, ino: u64) -> u32 {
    match ctx.sys.attrs.get(canon) {
        Some((i, b)) if *i == ino => *b,
        _ => default_bits(),
    }
}

fn render(bits: u32) -> String {
    FLAGS
        .chars()
        .enumerate()
        .map(|(i, c)| if bits & (1 << i) != 0 { c } else { '-' })
        .collect()
}

/// `chattr`.
pub struct Chattr;

impl Command for Chattr {
    fn name(&self) -> &'static str {
        "chattr"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/chattr"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let (mut add, mut del, mut set) = (0u32, 0u32, None::<u32>);
        let (mut recurse, mut quiet) = (false, false);
        let mut files = Vec::new();
        let mut it = args.iter().skip(1);
        let mut saw_mode = false;
        while let Some(a) = it.next() {
            let mut chars = a.chars();
            match chars.next() {
                Some(op @ ('+' | '=')) | Some(op @ '-') if !files.is_empty() || a.len() > 1 => {
                    let rest = chars.as_str();
                    if op == '-' && rest.chars().all(|c| "RVf".contains(c)) && !rest.is_empty() {
                        recurse |= rest.contains('R');
                        quiet |= rest.contains('f');
                        continue;
                    }
                    if op == '-' && (rest == "p" || rest == "v") {
                        let v = it.next().cloned().unwrap_or_default();
                        if v.parse::<u64>().is_err() {
                            let what = if rest == "p" { "project" } else { "version" };
                            ctx.stderr.line(&format!("chattr: bad {what} - {v}\n"));
                            ctx.stderr.write_str(CHATTR_USAGE);
                            return 1;
                        }
                        continue;
                    }
                    let mut bits = 0;
                    for c in rest.chars() {
                        if !SETTABLE.contains(c) {
                            ctx.stderr.write_str(CHATTR_USAGE);
                            return 1;
                        }
                        bits |= bit(c);
                    }
                    saw_mode = true;
                    match op {
                        '+' => add |= bits,
                        '-' => del |= bits,
                        _ => set = Some(set.unwrap_or(0) | bits),
                    }
                }
                _ => files.push(a.clone()),
            }
        }
        if !saw_mode {
            ctx.stderr.line("Must use '-v', =, - or +");
            return 1;
        }
        if files.is_empty() {
            ctx.stderr.write_str(CHATTR_USAGE);
            return 1;
        }
        let mut status = 0;
        let mut visited = 0;
        for f in &files {
            let mut stack = vec![f.clone()];
            while let Some(p) = stack.pop() {
                visited += 1;
                if visited > MAX_VISIT {
                    break;
                }
                let (canon, ino) = match target(ctx, &p) {
                    Ok(x) => x,
                    Err(e) => {
                        if !quiet {
                            let verb = if e.starts_with("No such") {
                                "trying to stat"
                            } else {
                                "reading flags on"
                            };
                            ctx.error("chattr", &format!("{e} while {verb} {p}"));
                        }
                        status = 1;
                        continue;
                    }
                };
                if ctx.user.uid != 0 {
                    if !quiet {
                        ctx.error(
                            "chattr",
                            &format!("Operation not permitted while setting flags on {p}"),
                        );
                    }
                    status = 1;
                    continue;
                }
                let old = flags_of(ctx, &canon, ino);
                let new = match set {
                    Some(s) => s | (old & bit('e')),
                    None => (old | add) & !del,
                };
                ctx.sys.attrs.insert(canon.clone(), (ino, new));
                if recurse && ctx.fs.stat(ctx.cwd, &p).is_ok_and(|m| m.is_dir()) {
                    let fctx = ctx.fs_ctx();
                    if let Ok(entries) = ctx.fs.read_dir(ctx.cwd, &p, &fctx) {
                        for e in entries.iter().rev() {
                            stack.push(format!("{}/{}", p.trim_end_matches('/'), e.name));
                        }
                    }
                }
            }
        }
        status
    }
}

/// `lsattr`.
pub struct Lsattr;

impl Command for Lsattr {
    fn name(&self) -> &'static str {
        "lsattr"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/lsattr"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let (mut dirs, mut all, mut recurse) = (false, false, false);
        let mut files = Vec::new();
        let mut opts_done = false;
        for a in args.iter().skip(1) {
            if !opts_done && a == "--" {
                opts_done = true;
                continue;
            }
            if let Some(flags) = a.strip_prefix('-').filter(|f| !opts_done && !f.is_empty()) {
                for c in flags.chars() {
                    match c {
                        'd' => dirs = true,
                        'a' => all = true,
                        'R' => recurse = true,
                        'V' | 'l' | 'p' | 'v' => {}
                        _ => {
                            ctx.error("lsattr", &format!("invalid option -- '{c}'"));
                            ctx.stderr.line("Usage: lsattr [-RVadlpv] [files...]");
                            return 1;
                        }
                    }
                }
                continue;
            }
            files.push(a.clone());
        }
        if files.is_empty() {
            files.push(".".into());
        }
        let mut status = 0;
        let mut budget = MAX_VISIT;
        for f in &files {
            let is_dir = ctx.fs.lstat(ctx.cwd, f).is_ok_and(|m| m.is_dir());
            if is_dir && !dirs {
                list_dir(ctx, f, all, recurse, &mut budget, &mut status);
            } else {
                status |= show(ctx, f);
            }
        }
        status
    }
}

fn show(ctx: &mut CmdCtx<'_>, p: &str) -> i32 {
    match target(ctx, p) {
        Ok((canon, ino)) => {
            let bits = flags_of(ctx, &canon, ino);
            ctx.stdout.line(&format!("{} {p}", render(bits)));
            0
        }
        Err(e) if e.starts_with("No such") => {
            ctx.error("lsattr", &format!("{e} while trying to stat {p}"));
            1
        }
        Err(e) => {
            ctx.error("lsattr", &format!("{e} While reading flags on {p}"));
            1
        }
    }
}

fn list_dir(
    ctx: &mut CmdCtx<'_>,
    dir: &str,
    all: bool,
    recurse: bool,
    budget: &mut usize,
    status: &mut i32,
) {
    let fctx = ctx.fs_ctx();
    let entries = match ctx.fs.read_dir(ctx.cwd, dir, &fctx) {
        Ok(e) => e,
        Err(e) => {
            ctx.error("lsattr", &format!("{e} while opening directory {dir}"));
            *status = 1;
            return;
        }
    };
    let base = dir.trim_end_matches('/');
    let mut names: Vec<String> = entries.iter().map(|e| e.name.to_string()).collect();
    if all {
        names.insert(0, ".".into());
        names.push("..".into());
    }
    let mut subdirs = Vec::new();
    for n in names {
        if *budget == 0 {
            return;
        }
        *budget -= 1;
        if n.starts_with('.') && !all {
            continue;
        }
        let p = format!("{base}/{n}");
        let m = ctx.fs.lstat(ctx.cwd, &p);
        if m.as_ref()
            .is_ok_and(|m| !matches!(m.kind, FileType::File | FileType::Dir))
        {
            *status |= show(ctx, &p);
            continue;
        }
        *status |= show(ctx, &p);
        if recurse && m.is_ok_and(|m| m.is_dir()) && n != "." && n != ".." {
            subdirs.push(p);
        }
    }
    for d in subdirs {
        ctx.stdout.line("");
        ctx.stdout.line(&format!("{d}:"));
        list_dir(ctx, &d, all, recurse, budget, status);
        ctx.stdout.line("");
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run, run_in, shared_persona};

    #[test]
    fn flags_round_trip() {
        let p = shared_persona();
        let mut fs = p.new_fs();
        let r = run_in(p, &mut fs, "lsattr", &["/etc/passwd"], "/", b"");
        assert_eq!(r.stdout, "--------------e------- /etc/passwd\n");
        let r = run_in(p, &mut fs, "chattr", &["+ia", "/etc/passwd"], "/", b"");
        assert_eq!((r.stderr.as_str(), r.code), ("", 0));
        assert!(r.notes.is_empty());
        assert_eq!(
            r.sys
                .attrs
                .get("/etc/passwd")
                .map(|(_, bits)| super::render(*bits)),
            Some("----ia--------e-------".to_string())
        );
    }

    #[test]
    fn errors() {
        let r = run("chattr", &["+i", "/nope"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "chattr: No such file or directory while trying to stat /nope\n",
                1
            )
        );
        let r = run("chattr", &["/etc/passwd"], "/", b"");
        assert_eq!(r.stderr, "Must use '-v', =, - or +\n");
        let r = run("chattr", &["+Q", "/etc/passwd"], "/", b"");
        assert!(r.stderr.starts_with("Usage: chattr"));
        let r = run("lsattr", &["/nope"], "/", b"");
        assert_eq!(
            r.stderr,
            "lsattr: No such file or directory while trying to stat /nope\n"
        );
        let r = run("lsattr", &["/dev/null"], "/", b"");
        assert_eq!(
            r.stderr,
            "lsattr: Operation not supported While reading flags on /dev/null\n"
        );
        let r = run("lsattr", &["-d", "/root/.ssh"], "/", b"");
        assert_eq!(r.stdout, "--------------e------- /root/.ssh\n");
    }
}
