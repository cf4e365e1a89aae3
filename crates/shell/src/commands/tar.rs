//! `tar` (GNU tar 1.34): create, list and extract real ustar archives (optionally gzip'd)
//! over the session's filesystem, so `tar czf x.tgz dir` makes a file that `tar tzf` lists
//! and `tar xzf` unpacks, and a dropped archive can be unpacked. Bounded: archives and their
//! decompressed bytes are capped, names with `..` are refused as GNU tar refuses them.

use miragepot_vfs::{FileType, WriteMode, path};

use super::gzip::{gunzip_bytes, gzip_bytes};
use super::util::{user_name, ymd_hm};
use super::{CmdCtx, Command};

/// `tar`.
pub struct Tar;

const TRY: &str = "Try 'tar --help' or 'tar --usage' for more information.";
/// Largest archive read or written, in bytes.
const MAX_ARCHIVE: usize = 16 << 20;
/// Most members handled in one run.
const MAX_MEMBERS: usize = 10_000;

#[derive(Default)]
struct Opts {
    mode: Option<char>,
    gzip: bool,
    verbose: bool,
    file: Option<String>,
    dir: Option<String>,
    operands: Vec<String>,
}

impl Command for Tar {
    fn name(&self) -> &'static str {
        "tar"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/tar"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let o = match parse(args) {
            Ok(o) => o,
            Err(msg) => {
                ctx.stderr.line(&format!("tar: {msg}"));
                ctx.stderr.line(TRY);
                return if msg.starts_with("Old option") { 2 } else { 64 };
            }
        };
        match o.mode {
            Some('h') => return super::util::print_help(ctx, "tar"),
            Some('V') => return super::util::print_version(ctx, "tar"),
            Some('u') => {
                ctx.stdout.line("Usage: tar [OPTION...] [FILE]...");
                return 0;
            }
            _ => {}
        }
        let cwd = match &o.dir {
            Some(d) => path::normalize(ctx.cwd, d),
            None => ctx.cwd.to_string(),
        };
        match o.mode {
            Some('c') => create(ctx, &o, &cwd),
            Some(m) => read_archive(ctx, &o, &cwd, m == 'x'),
            None => {
                ctx.stderr.line(
                    "tar: You must specify one of the '-Acdtrux', '--delete' or '--test-label' options",
                );
                ctx.stderr.line(TRY);
                2
            }
        }
    }
}

fn parse(args: &[String]) -> Result<Opts, String> {
    let mut o = Opts::default();
    let mut rest: Vec<String> = args.iter().skip(1).cloned().collect();
    // Old style: a first word without a dash is a bundle of letters.
    if let Some(first) = rest.first().cloned()
        && !first.starts_with('-')
    {
        rest.remove(0);
        let mut i = 0;
        for c in first.chars() {
            if c == 'f' || c == 'C' {
                if i >= rest.len() {
                    return Err(format!("Old option '{c}' requires an argument."));
                }
                let v = rest.remove(i);
                set_value(&mut o, c, v);
                i = 0;
            } else {
                set_flag(&mut o, c)?;
            }
        }
    }
    let mut it = rest.into_iter();
    while let Some(a) = it.next() {
        if let Some(long) = a.strip_prefix("--") {
            let (name, val) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            match name {
                "create" => o.mode = Some('c'),
                "extract" | "get" => o.mode = Some('x'),
                "list" => o.mode = Some('t'),
                "gzip" | "gunzip" => o.gzip = true,
                "verbose" => o.verbose = true,
                "file" | "directory" => {
                    let v = val
                        .or_else(|| it.next())
                        .ok_or_else(|| format!("option '--{name}' requires an argument"))?;
                    set_value(&mut o, if name == "file" { 'f' } else { 'C' }, v);
                }
                "help" => o.mode = Some('h'),
                "version" => o.mode = Some('V'),
                "usage" => o.mode = Some('u'),
                _ if documented_long(name) => {}
                _ => return Err(format!("unrecognized option '{a}'")),
            }
        } else if a.len() > 1 && a.starts_with('-') {
            let letters: Vec<char> = a.chars().skip(1).collect();
            for (i, c) in letters.iter().enumerate() {
                if *c == 'f' || *c == 'C' {
                    let tail: String = letters.iter().skip(i + 1).collect();
                    let v = if tail.is_empty() {
                        it.next()
                            .ok_or_else(|| format!("option requires an argument -- '{c}'"))?
                    } else {
                        tail
                    };
                    set_value(&mut o, *c, v);
                    break;
                }
                set_flag(&mut o, *c)?;
            }
        } else {
            o.operands.push(a);
        }
    }
    Ok(o)
}

fn set_flag(o: &mut Opts, c: char) -> Result<(), String> {
    match c {
        'c' | 'x' | 't' => o.mode = Some(c),
        'z' => o.gzip = true,
        'v' => o.verbose = true,
        _ if documented_short(c) => {}
        _ => return Err(format!("invalid option -- '{c}'")),
    }
    Ok(())
}

/// Long options of the real tar's `--help`: accepted (and ignored unless handled above).
fn documented_long(name: &str) -> bool {
    let text = super::help::help("tar").unwrap_or_default();
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .any(|w| w.strip_prefix("--") == Some(name))
}

/// Short options of the real tar's `--help` (`  -k, --keep-old-files`).
fn documented_short(c: char) -> bool {
    let text = super::help::help("tar").unwrap_or_default();
    text.lines().any(|l| {
        let b = l.trim_start();
        let mut ch = b.chars();
        ch.next() == Some('-') && ch.next() == Some(c) && matches!(ch.next(), Some(',' | ' '))
    })
}

fn set_value(o: &mut Opts, c: char, v: String) {
    if c == 'f' {
        o.file = Some(v);
    } else {
        o.dir = Some(v);
    }
}

/// One member to write: archive name, metadata, content or link target.
struct Member {
    name: String,
    kind: u8,
    mode: u32,
    uid: u32,
    gid: u32,
    mtime: i64,
    data: Vec<u8>,
    link: String,
}

fn create(ctx: &mut CmdCtx<'_>, o: &Opts, cwd: &str) -> i32 {
    if o.operands.is_empty() {
        ctx.stderr
            .line("tar: Cowardly refusing to create an empty archive");
        ctx.stderr.line(TRY);
        return 2;
    }
    let fctx = ctx.fs_ctx();
    let mut members = Vec::new();
    let mut failed = false;
    let mut warned = false;
    let mut total = 0usize;
    for op in &o.operands {
        let name = op.trim_start_matches('/');
        if name.len() != op.len() && !warned {
            ctx.stderr
                .line("tar: Removing leading `/' from member names");
            warned = true;
        }
        let mut stack = vec![(op.clone(), name.to_string())];
        while let Some((src, name)) = stack.pop() {
            if members.len() >= MAX_MEMBERS || total > MAX_ARCHIVE {
                break;
            }
            let meta = match ctx.fs.lstat(cwd, &src) {
                Ok(m) => m,
                Err(e) => {
                    ctx.stderr.line(&format!("tar: {src}: Cannot stat: {e}"));
                    failed = true;
                    continue;
                }
            };
            let mut m = Member {
                name: name.clone(),
                kind: b'0',
                mode: meta.mode & 0o7777,
                uid: meta.uid,
                gid: meta.gid,
                mtime: meta.mtime,
                data: Vec::new(),
                link: String::new(),
            };
            match meta.kind {
                FileType::Dir => {
                    m.kind = b'5';
                    m.name = format!("{}/", name.trim_end_matches('/'));
                    if let Ok(mut entries) = ctx.fs.read_dir(cwd, &src, &fctx) {
                        entries.sort_by(|a, b| b.name.cmp(&a.name));
                        for e in entries {
                            let child = format!("{}/{}", src.trim_end_matches('/'), e.name);
                            let cname = format!("{}/{}", name.trim_end_matches('/'), e.name);
                            stack.push((child, cname));
                        }
                    }
                }
                FileType::Symlink => {
                    m.kind = b'2';
                    m.link = ctx.fs.read_link(cwd, &src).unwrap_or_default();
                }
                FileType::File => match ctx.fs.read(cwd, &src, &fctx, MAX_ARCHIVE) {
                    Ok(b) => m.data = b.into_owned(),
                    Err(e) => {
                        ctx.stderr.line(&format!("tar: {src}: Cannot open: {e}"));
                        failed = true;
                        continue;
                    }
                },
                _ => continue,
            }
            total = total.saturating_add(m.data.len() + 512);
            if o.verbose {
                ctx.stdout.line(&m.name);
            }
            members.push(m);
        }
    }
    let mut archive = Vec::new();
    for m in &members {
        if m.name.len() > 99 {
            ctx.stderr.line(&format!(
                "tar: {}: file name is too long (max 99); not dumped",
                m.name
            ));
            failed = true;
            continue;
        }
        archive.extend_from_slice(&header(ctx, m));
        archive.extend_from_slice(&m.data);
        archive.resize(archive.len().div_ceil(512) * 512, 0);
    }
    archive.resize(archive.len() + 1024, 0);
    archive.resize(archive.len().div_ceil(10_240) * 10_240, 0);
    let out = if o.gzip {
        let mtime = u32::try_from(ctx.now.unix_timestamp()).unwrap_or(0);
        gzip_bytes(&archive, None, mtime, 6)
    } else {
        archive
    };
    match &o.file {
        Some(f) if f != "-" => {
            if let Err(e) = ctx
                .fs
                .write(cwd, f, &out, WriteMode::Truncate, 0o644, &fctx)
            {
                ctx.stderr.line(&format!("tar: {f}: Cannot open: {e}"));
                ctx.stderr
                    .line("tar: Error is not recoverable: exiting now");
                return 2;
            }
        }
        _ => ctx.stdout.write(&out),
    }
    if failed {
        ctx.stderr
            .line("tar: Exiting with failure status due to previous errors");
        return 2;
    }
    0
}

/// A GNU-format (`ustar  `) header block for `m`.
fn header(ctx: &CmdCtx<'_>, m: &Member) -> [u8; 512] {
    let mut h = [0u8; 512];
    let mut put = |at: usize, s: &[u8]| {
        for (i, b) in s.iter().enumerate() {
            if let Some(slot) = h.get_mut(at + i) {
                *slot = *b;
            }
        }
    };
    put(0, m.name.as_bytes());
    put(100, format!("{:07o}", m.mode).as_bytes());
    put(108, format!("{:07o}", m.uid).as_bytes());
    put(116, format!("{:07o}", m.gid).as_bytes());
    put(124, format!("{:011o}", m.data.len()).as_bytes());
    put(136, format!("{:011o}", m.mtime.max(0)).as_bytes());
    put(148, b"        ");
    put(156, &[m.kind]);
    put(157, m.link.as_bytes());
    put(257, b"ustar  \0");
    put(265, user_name(ctx, m.uid).as_bytes());
    put(297, super::util::group_name(ctx, m.gid).as_bytes());
    let sum: u32 = h.iter().map(|b| u32::from(*b)).sum();
    let ck = format!("{sum:06o}\0 ");
    for (i, b) in ck.bytes().enumerate() {
        if let Some(slot) = h.get_mut(148 + i) {
            *slot = b;
        }
    }
    h
}

fn field(h: &[u8], from: usize, len: usize) -> String {
    let f = h.get(from..from + len).unwrap_or(&[]);
    let end = f.iter().position(|b| *b == 0).unwrap_or(f.len());
    String::from_utf8_lossy(f.get(..end).unwrap_or(&[])).into_owned()
}

fn octal(h: &[u8], from: usize, len: usize) -> u64 {
    u64::from_str_radix(field(h, from, len).trim(), 8).unwrap_or(0)
}

fn read_archive(ctx: &mut CmdCtx<'_>, o: &Opts, cwd: &str, extract: bool) -> i32 {
    let fctx = ctx.fs_ctx();
    let raw = match &o.file {
        Some(f) if f != "-" => match ctx.fs.read(ctx.cwd, f, &fctx, MAX_ARCHIVE) {
            Ok(b) => b.into_owned(),
            Err(e) => {
                let who = if o.gzip { "tar (child)" } else { "tar" };
                ctx.stderr.line(&format!("{who}: {f}: Cannot open: {e}"));
                ctx.stderr
                    .line(&format!("{who}: Error is not recoverable: exiting now"));
                if o.gzip {
                    ctx.stderr.line("tar: Child returned status 2");
                    ctx.stderr
                        .line("tar: Error is not recoverable: exiting now");
                }
                return 2;
            }
        },
        _ => ctx.stdin.to_vec(),
    };
    let data = if o.gzip {
        match gunzip_bytes(&raw) {
            Ok(d) => d,
            Err(msg) => {
                ctx.stderr.line("");
                ctx.stderr.line(&format!("gzip: stdin: {msg}"));
                ctx.stderr.line("tar: Child returned status 1");
                ctx.stderr
                    .line("tar: Error is not recoverable: exiting now");
                return 2;
            }
        }
    } else {
        raw
    };
    let mut at = 0usize;
    let mut count = 0usize;
    let mut failed = false;
    while let Some(h) = data.get(at..at + 512) {
        if h.iter().all(|b| *b == 0) {
            break;
        }
        if field(h, 257, 5) != "ustar" {
            if count == 0 {
                ctx.stderr
                    .line("tar: This does not look like a tar archive");
                ctx.stderr
                    .line("tar: Exiting with failure status due to previous errors");
                return 2;
            }
            break;
        }
        count += 1;
        let size = usize::try_from(octal(h, 124, 12)).unwrap_or(usize::MAX);
        let name = field(h, 0, 100);
        let kind = h.get(156).copied().unwrap_or(b'0');
        let mode = u32::try_from(octal(h, 100, 8)).unwrap_or(0o644) & 0o7777;
        let body_at = at + 512;
        let body = data
            .get(body_at..body_at.saturating_add(size))
            .unwrap_or(&[]);
        at = body_at.saturating_add(size.div_ceil(512).saturating_mul(512));
        if count > MAX_MEMBERS {
            break;
        }
        if o.verbose && !extract {
            let owner = format!("{}/{}", field(h, 265, 32), field(h, 297, 32));
            let w = 19usize.saturating_sub(owner.len() + 1).max(1);
            let ftype = match kind {
                b'5' => FileType::Dir,
                b'2' => FileType::Symlink,
                _ => FileType::File,
            };
            let meta_mode = mode_string(ftype, mode);
            let mtime = i64::try_from(octal(h, 136, 12)).unwrap_or(0);
            let link = if kind == b'2' {
                format!(" -> {}", field(h, 157, 100))
            } else {
                String::new()
            };
            ctx.stdout.line(&format!(
                "{meta_mode} {owner} {size:>w$} {} {name}{link}",
                ymd_hm(mtime)
            ));
        } else if o.verbose || !extract {
            ctx.stdout.line(&name);
        }
        if !extract {
            continue;
        }
        if name.split('/').any(|c| c == "..") {
            ctx.stderr
                .line(&format!("tar: {name}: Member name contains '..'"));
            failed = true;
            continue;
        }
        let target = name
            .trim_start_matches('/')
            .trim_end_matches('/')
            .to_string();
        if target.is_empty() {
            continue;
        }
        make_parents(ctx, cwd, &target);
        let res = match kind {
            b'5' => match ctx.fs.create_dir(cwd, &target, mode, &fctx) {
                Err(miragepot_vfs::FsError::AlreadyExists) => Ok(()),
                r => r,
            },
            b'2' => ctx.fs.symlink(cwd, &field(h, 157, 100), &target, &fctx),
            _ => ctx
                .fs
                .write(cwd, &target, body, WriteMode::Truncate, mode, &fctx)
                .and_then(|()| ctx.fs.set_mode(cwd, &target, mode, &fctx)),
        };
        if let Err(e) = res {
            ctx.stderr.line(&format!("tar: {target}: Cannot open: {e}"));
            failed = true;
        }
    }
    if failed {
        ctx.stderr
            .line("tar: Exiting with failure status due to previous errors");
        return 2;
    }
    0
}

/// `drwxr-xr-x` for a member's type and permission bits.
fn mode_string(kind: FileType, mode: u32) -> String {
    let mut s = String::with_capacity(10);
    s.push(match kind {
        FileType::Dir => 'd',
        FileType::Symlink => 'l',
        _ => '-',
    });
    for shift in [6u32, 3, 0] {
        let bits = (mode >> shift) & 7;
        s.push(if bits & 4 != 0 { 'r' } else { '-' });
        s.push(if bits & 2 != 0 { 'w' } else { '-' });
        s.push(if bits & 1 != 0 { 'x' } else { '-' });
    }
    s
}

fn make_parents(ctx: &mut CmdCtx<'_>, cwd: &str, target: &str) {
    let fctx = ctx.fs_ctx();
    let mut acc = String::new();
    let parts: Vec<&str> = target.split('/').collect();
    for part in parts.iter().take(parts.len().saturating_sub(1)) {
        if !acc.is_empty() {
            acc.push('/');
        }
        acc.push_str(part);
        if !ctx.fs.exists(cwd, &acc) {
            let _ = ctx.fs.create_dir(cwd, &acc, 0o755, &fctx);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{run_in, shared_persona};

    #[test]
    fn creates_lists_and_extracts_a_gzip_archive() {
        let p = shared_persona();
        let mut fs = p.new_fs();
        let r = run_in(p, &mut fs, "mkdir", &["-p", "/tmp/d/s"], "/tmp", b"");
        assert_eq!(r.code, 0);
        let r = run_in(p, &mut fs, "tee", &["/tmp/d/a"], "/tmp", b"hi\n");
        assert_eq!(r.code, 0);
        let r = run_in(p, &mut fs, "tar", &["czf", "x.tgz", "d"], "/tmp", b"");
        assert_eq!((r.stderr.as_str(), r.code), ("", 0));
        let r = run_in(p, &mut fs, "tar", &["tzf", "x.tgz"], "/tmp", b"");
        assert_eq!(r.stdout, "d/\nd/a\nd/s/\n");
        let r = run_in(p, &mut fs, "rm", &["-rf", "d"], "/tmp", b"");
        assert_eq!(r.code, 0);
        let r = run_in(p, &mut fs, "tar", &["-xzvf", "x.tgz"], "/tmp", b"");
        assert_eq!((r.stdout.as_str(), r.code), ("d/\nd/a\nd/s/\n", 0));
        let r = run_in(p, &mut fs, "cat", &["d/a"], "/tmp", b"");
        assert_eq!(r.stdout, "hi\n");
        let r = run_in(p, &mut fs, "tar", &["tvzf", "x.tgz"], "/tmp", b"");
        let first = r.stdout.lines().nth(1).unwrap_or("").to_string();
        assert!(
            first.starts_with("-rw-r--r-- root/root         3 "),
            "{first}"
        );
        assert!(first.ends_with(" d/a"), "{first}");
    }

    #[test]
    fn errors_as_gnu_tar() {
        let p = shared_persona();
        let mut fs = p.new_fs();
        let r = run_in(p, &mut fs, "tar", &["xzf", "missing.tgz"], "/tmp", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "tar (child): missing.tgz: Cannot open: No such file or directory\ntar (child): Error is not recoverable: exiting now\ntar: Child returned status 2\ntar: Error is not recoverable: exiting now\n",
                2
            )
        );
        let r = run_in(p, &mut fs, "tar", &["cf", "y.tar"], "/tmp", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "tar: Cowardly refusing to create an empty archive\nTry 'tar --help' or 'tar --usage' for more information.\n",
                2
            )
        );
        let r = run_in(p, &mut fs, "tar", &["xf"], "/tmp", b"");
        assert_eq!(
            r.stderr,
            "tar: Old option 'f' requires an argument.\nTry 'tar --help' or 'tar --usage' for more information.\n"
        );
        let r = run_in(p, &mut fs, "tee", &["n.tgz"], "/tmp", b"notgz\n");
        assert_eq!(r.code, 0);
        let r = run_in(p, &mut fs, "tar", &["xzf", "n.tgz"], "/tmp", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "\ngzip: stdin: not in gzip format\ntar: Child returned status 1\ntar: Error is not recoverable: exiting now\n",
                2
            )
        );
        let r = run_in(p, &mut fs, "tar", &["czf", "w.tgz", "nosuch"], "/tmp", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "tar: nosuch: Cannot stat: No such file or directory\ntar: Exiting with failure status due to previous errors\n",
                2
            )
        );
    }
}
