//! Writing one member to the VFS for `unzip`: the name mapped as UnZip's `mapname()` maps
//! it (no leading `/`, no `..`, `-j` keeps the last component), missing parent
//! directories made silently, the `replace X?` question for existing files, the mode and
//! time from the archive, and the disk-full question when the overlay is full.

use miragepot_vfs::{FsError, WriteMode, path};

use super::archive::{self, Member};
use super::extract::{Run, verb};
use super::{Opts, pk, say_err, shown};
use crate::commands::CmdCtx;
use crate::commands::util::MAX_READ;

const EOF_NONE: &str = " NULL\n(EOF or read error, treating as \"[N]one\" ...)\n";

/// Creates the `-d` directory when missing (one level, as UnZip does).
pub(super) fn make_exdir(ctx: &mut CmdCtx<'_>, dir: &str) -> Result<(), FsError> {
    let fctx = ctx.fs_ctx();
    match ctx.fs.stat(ctx.cwd, dir) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(FsError::AlreadyExists),
        Err(_) => ctx.fs.create_dir(ctx.cwd, dir, 0o755, &fctx),
    }
}

/// Reads one answer from stdin as `fgets(buf, 10, stdin)`: up to nine bytes or a line.
pub(super) fn fgets(stdin: &[u8], pos: &mut usize) -> Option<String> {
    let rest = stdin.get(*pos..).filter(|r| !r.is_empty())?;
    let mut n = rest.len().min(9);
    if let Some(nl) = rest.iter().take(9).position(|&b| b == b'\n') {
        n = nl + 1;
    }
    *pos += n;
    Some(String::from_utf8_lossy(rest.get(..n).unwrap_or(rest)).into_owned())
}

/// A member name mapped for extraction: relative, without `.` and `..` components.
struct Mapped {
    name: String,
    stripped_abs: bool,
    skipped_dotdot: bool,
}

fn map_name(m: &Member, junk: bool) -> Mapped {
    // Archives made on MS-DOS/Windows (host 0) may use backslashes.
    let raw = if m.host == 0 {
        m.name.replace('\\', "/")
    } else {
        m.name.clone()
    };
    let mut parts = Vec::new();
    let mut skipped_dotdot = false;
    for c in raw.split('/') {
        match c {
            "" | "." => {}
            ".." => skipped_dotdot = true,
            _ => parts.push(c),
        }
    }
    if junk {
        let keep = if m.is_dir() { None } else { parts.pop() };
        parts = keep.into_iter().collect();
    }
    Mapped {
        name: parts.join("/"),
        stripped_abs: raw.starts_with('/'),
        skipped_dotdot,
    }
}

/// The permission bits to give: the archive's for Unix-made entries (no set-id or sticky
/// bits unless `-K`), else 0644 for files and 0755 for directories (umask 022).
fn mode_of(m: &Member, keep_suid: bool, dir: bool) -> u32 {
    let mask = if keep_suid { 0o7777 } else { 0o777 };
    if m.host == 3 && m.external >> 16 != 0 {
        m.unix_mode() & mask
    } else if dir {
        0o755
    } else {
        0o644
    }
}

/// Room left in the session's overlay, in bytes.
fn room(ctx: &CmdCtx<'_>) -> usize {
    ctx.fs
        .limits()
        .max_overlay_bytes
        .saturating_sub(ctx.fs.overlay_bytes())
}

/// Makes the missing directories above `target`; on failure prints UnZip's `checkdir`
/// error and returns the status.
fn make_parents(ctx: &mut CmdCtx<'_>, o: &Opts, target: &str, member: &str) -> Result<(), i32> {
    let mut chain = Vec::new();
    let mut d = path::dirname(target);
    while d != "." && d != "/" && ctx.fs.lstat(ctx.cwd, &d).is_err() && chain.len() < 4096 {
        let up = path::dirname(&d);
        chain.push(d);
        d = up;
    }
    let fctx = ctx.fs_ctx();
    for dir in chain.into_iter().rev() {
        if let Err(e) = ctx.fs.create_dir(ctx.cwd, &dir, 0o755, &fctx) {
            say_err(
                ctx,
                o,
                &format!(
                    "checkdir error:  cannot create {dir}\n                 {e}\n                 unable to process {}.\n",
                    shown(member)
                ),
            );
            return Err(pk::DISK);
        }
    }
    Ok(())
}

/// Extracts one member (its data already decrypted, still compressed) to disk.
pub(super) fn extract(
    run: &mut Run,
    ctx: &mut CmdCtx<'_>,
    o: &mut Opts,
    m: &Member,
    raw: &[u8],
) -> i32 {
    let mapped = map_name(m, o.jflag);
    let mut rc = 0;
    if mapped.stripped_abs {
        say_err(
            ctx,
            o,
            &format!(
                "warning:  stripped absolute path spec from {}\n",
                shown(&m.name)
            ),
        );
        rc = pk::WARN;
    }
    if mapped.skipped_dotdot {
        if o.qflag == 0 {
            ctx.stdout.line(&format!(
                "warning:  skipped \"../\" path component(s) in {}",
                shown(&m.name)
            ));
        }
        rc = pk::WARN;
    }
    if mapped.name.is_empty() {
        return rc;
    }
    let target = format!("{}{}", run.prefix, mapped.name);
    let fctx = ctx.fs_ctx();
    if m.is_dir() {
        if ctx.fs.lstat(ctx.cwd, &target).is_err() {
            if let Err(st) = make_parents(ctx, o, &target, &m.name) {
                return rc.max(st);
            }
            if let Err(e) = ctx.fs.create_dir(ctx.cwd, &target, 0o755, &fctx) {
                say_err(
                    ctx,
                    o,
                    &format!(
                        "checkdir error:  cannot create {target}\n                 {e}\n                 unable to process {}.\n",
                        shown(&m.name)
                    ),
                );
                return rc.max(pk::DISK);
            }
            if o.qflag == 0 {
                ctx.stdout
                    .line(&format!("   creating: {}/", shown(&target)));
            }
        }
        run.dirs
            .push((target, mode_of(m, o.keep_suid, true), m.mtime()));
        return rc;
    }
    if let Err(st) = make_parents(ctx, o, &target, &m.name) {
        return rc.max(st);
    }
    let Some(target) = ask_replace(run, ctx, o, m, target) else {
        return rc;
    };
    let disp = shown(&target);
    let msg = format!("{}: {disp:<22}  ", verb(m));
    if m.is_symlink() {
        let e = archive::expand(raw, m.method, 4096);
        let link = e.map(|e| String::from_utf8_lossy(&e.bytes).into_owned());
        let link = link.unwrap_or_default();
        if o.qflag == 0 {
            ctx.stdout
                .line(&format!("    linking: {disp:<22}  -> {link} "));
        }
        run.links.push((disp, target, link));
        return rc;
    }
    if ctx.fs.lstat(ctx.cwd, &target).is_ok() {
        let _ = ctx.fs.remove_file(ctx.cwd, &target, &fctx);
    }
    let mode = mode_of(m, o.keep_suid, false);
    let cap = run.budget.min(MAX_READ).min(room(ctx));
    let data = match archive::expand(raw, m.method, cap) {
        Ok(e) => e,
        Err(_) => {
            if o.qflag == 0 {
                ctx.stdout.write_str(&msg);
            }
            run.inflate_error(ctx, o, &disp);
            let _ = ctx
                .fs
                .write(ctx.cwd, &target, &[], WriteMode::Truncate, mode, &fctx);
            return rc.max(pk::ERR);
        }
    };
    run.budget = run.budget.saturating_sub(data.bytes.len());
    let written = if data.cut {
        Err(FsError::NoSpace)
    } else {
        ctx.fs.write(
            ctx.cwd,
            &target,
            &data.bytes,
            WriteMode::Truncate,
            mode,
            &fctx,
        )
    };
    match written {
        Ok(()) => {}
        Err(FsError::NoSpace) => {
            if o.qflag == 0 {
                ctx.stdout.write_str(&msg);
            }
            return rc.max(disk_full(run, ctx, o, m, &target, &data.bytes, mode));
        }
        Err(e) => {
            say_err(
                ctx,
                o,
                &format!("error:  cannot create {disp}\n        {e}\n"),
            );
            return rc.max(pk::DISK);
        }
    }
    let _ = ctx.fs.set_mode(ctx.cwd, &target, mode, &fctx);
    if !o.no_times {
        let t = m.mtime();
        let _ = ctx.fs.set_times(ctx.cwd, &target, t, t, &fctx);
    }
    if o.qflag == 0 {
        ctx.stdout.write_str(&msg);
    }
    let crc = archive::crc32(&data.bytes);
    if crc != m.crc {
        run.bad_crc(ctx, o, &disp, crc, m.crc);
        return rc.max(pk::ERR);
    }
    if o.qflag == 0 {
        ctx.stdout.write_str("\n");
    }
    rc
}

/// The overlay is full: keep what fits, then ask UnZip's question. `y` goes on to the next
/// member (this one fails its CRC); anything else, or no answer, stops the run.
fn disk_full(
    run: &mut Run,
    ctx: &mut CmdCtx<'_>,
    o: &Opts,
    m: &Member,
    target: &str,
    data: &[u8],
    mode: u32,
) -> i32 {
    let fctx = ctx.fs_ctx();
    let fits = room(ctx).saturating_sub(4096).min(data.len());
    let mut kept = data.get(..fits).unwrap_or(&[]);
    if ctx
        .fs
        .write(ctx.cwd, target, kept, WriteMode::Truncate, mode, &fctx)
        .is_err()
    {
        kept = &[];
        let _ = ctx
            .fs
            .write(ctx.cwd, target, kept, WriteMode::Truncate, mode, &fctx);
    }
    let disp = shown(target);
    let lead = if o.qflag == 0 { "\n" } else { "" };
    ctx.stderr.write_str(&format!(
        "{lead}{disp}:  write error (disk full?).  Continue? (y/n/^C) "
    ));
    match fgets(ctx.stdin, &mut run.pos) {
        Some(a) if a.starts_with('y') => {
            run.bad_crc(ctx, o, &disp, archive::crc32(kept), m.crc);
            pk::ERR
        }
        _ => {
            ctx.stderr
                .write_str(&format!("\nwarning:  {disp} is probably truncated\n"));
            run.stop = true;
            pk::DISK
        }
    }
}

/// Asks `replace X?` until answered; returns the path to write, or `None` to skip it. Also
/// applies `-n`, `-o`, `-u` and `-f`. An answer of `r` asks for a new name and starts over
/// with it; no answer at all (end of stdin) is `[N]one`, with a warning status.
fn ask_replace(
    run: &mut Run,
    ctx: &mut CmdCtx<'_>,
    o: &mut Opts,
    m: &Member,
    mut target: String,
) -> Option<String> {
    'startover: loop {
        let Ok(meta) = ctx.fs.lstat(ctx.cwd, &target) else {
            return (!o.fflag).then_some(target);
        };
        if (o.uflag && meta.mtime >= m.mtime()) || o.overwrite_none {
            return None;
        }
        if o.overwrite_all {
            return Some(target);
        }
        loop {
            ctx.stderr.write_str(&format!(
                "replace {}? [y]es, [n]o, [A]ll, [N]one, [r]ename: ",
                shown(&target)
            ));
            let Some(ans) = fgets(ctx.stdin, &mut run.pos) else {
                ctx.stderr.write_str(EOF_NONE);
                o.overwrite_none = true;
                o.overwrite_all = false;
                run.eof_warn = true;
                return None;
            };
            match ans.chars().next().unwrap_or('\n') {
                'r' | 'R' => loop {
                    ctx.stderr.write_str("new name: ");
                    let Some(n) = fgets(ctx.stdin, &mut run.pos) else {
                        break;
                    };
                    let n = n.strip_suffix('\n').unwrap_or(&n);
                    if !n.is_empty() {
                        target = n.to_string();
                        continue 'startover;
                    }
                },
                'A' => {
                    o.overwrite_all = true;
                    o.overwrite_none = false;
                    return Some(target);
                }
                'y' | 'Y' => return Some(target),
                'N' => {
                    o.overwrite_none = true;
                    o.overwrite_all = false;
                    return None;
                }
                'n' => return None,
                c => {
                    let said = if c == '\n' || c == '\r' {
                        "{ENTER}".to_string()
                    } else {
                        ans.strip_suffix('\n').unwrap_or(&ans).to_string()
                    };
                    ctx.stderr
                        .write_str(&format!("error:  invalid response [{said}]\n"));
                }
            }
        }
    }
}
