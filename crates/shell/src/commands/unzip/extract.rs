//! One archive through `unzip`: open it, then extract, test (`-t`) or pipe (`-p`, `-c`) the
//! selected members, or hand it to the listing. Extraction writes through the VFS: member
//! names lose their leading `/` and their `..` components (with UnZip's warnings), existing
//! files are asked about (`replace X? ...`, answers read from stdin a line at a time, at
//! most nine bytes per read as `fgets` into UnZip's ten-byte buffer), symbolic links are
//! made last, and a write the overlay refuses (full) stops with UnZip's disk-full question.

use super::archive::{self, Member, Zip};
use super::{Job, Opts, listing, pk, say_err, shown};
use crate::commands::CmdCtx;
use crate::commands::util::MAX_READ;

pub(super) const EOCD_TEXT: &str = "  End-of-central-directory signature not found.  Either this file is not\n  a zipfile, or it constitutes one disk of a multi-part archive.  In the\n  latter case the central directory and zipfile comment will be found on\n  the last disk(s) of this archive.\n";
const BAD_CENTRAL: &str = "  (please check that you have transferred or created the zipfile in the\n  appropriate BINARY mode and that you have compiled UnZip properly)\n";
/// Steps a member pattern may take (shell-style matching).
const MATCH_BUDGET: u64 = 100_000;

/// Opens the archive and does what the options ask. Returns UnZip's exit status.
pub(super) fn process(ctx: &mut CmdCtx<'_>, o: &mut Opts, job: &Job<'_>) -> i32 {
    let Ok(zip) = archive::open(job.data) else {
        if o.qflag == 0 {
            ctx.stdout.line(&format!("Archive:  {}", job.found));
        } else {
            say_err(ctx, o, &format!("[{}]\n", job.found));
        }
        say_err(ctx, o, EOCD_TEXT);
        if job.exec {
            say_err(ctx, o, &maybe_exe(job.found));
        }
        if o.qflag <= 2 {
            let n = job.zipname;
            say_err(
                ctx,
                o,
                &format!(
                    "unzip:  cannot find zipfile directory in one of {n} or\n        {n}.zip, and cannot find {n}.ZIP, period.\n"
                ),
            );
        }
        return pk::NOZIP;
    };
    if o.qflag == 0 {
        ctx.stdout.line(&format!("Archive:  {}", job.found));
    }
    let mut rc = 0;
    if zip.extra_bytes > 0 {
        let n = zip.extra_bytes;
        let s = if n == 1 { "" } else { "s" };
        say_err(
            ctx,
            o,
            &format!(
                "warning [{}]:  {n} extra byte{s} at beginning or within zipfile\n  (attempting to process anyway)\n",
                job.found
            ),
        );
        rc = pk::WARN;
    }
    if (o.qflag == 0 || o.zflag) && !zip.comment.is_empty() {
        ctx.stdout.write(&zip.comment);
        ctx.stdout.write_str("\n");
    }
    if o.zflag {
        return rc;
    }
    if zip.total == 0 && zip.members.is_empty() {
        say_err(
            ctx,
            o,
            &format!("warning [{}]:  zipfile is empty\n", job.found),
        );
        return rc.max(pk::WARN);
    }
    if o.vflag > 0 {
        return rc.max(listing::list(ctx, o, job, &zip));
    }
    if let Some(n) = zip.bad_central {
        say_err(ctx, o, &central_error(n));
        rc = rc.max(pk::BADERR);
    }
    let mut run = Run::new(ctx, o);
    if o.extracting()
        && let Some(dir) = o.exdir.clone()
        && !zip.members.is_empty()
        && let Err(e) = super::write::make_exdir(ctx, &dir)
    {
        say_err(
            ctx,
            o,
            &format!("checkdir:  cannot create extraction directory: {dir}\n           {e}\n"),
        );
        return rc.max(pk::ERR);
    }
    let mut matched = vec![false; job.include.len()];
    let mut xmatched = vec![false; job.exclude.len()];
    for (idx, m) in zip.members.iter().enumerate() {
        if !selected(o, job, &m.name, &mut matched, &mut xmatched) {
            continue;
        }
        let st = run.member(ctx, o, job, &zip, idx, m);
        rc = rc.max(st);
        if run.stop || (o.cflag && ctx.stdout.is_full()) {
            break;
        }
    }
    for (spec, hit) in job.include.iter().zip(&matched) {
        if !hit {
            say_err(ctx, o, &format!("caution: filename not matched:  {spec}\n"));
            rc = rc.max(pk::FIND);
        }
    }
    for (spec, hit) in job.exclude.iter().zip(&xmatched) {
        if !hit {
            say_err(
                ctx,
                o,
                &format!("caution: excluded filename not matched:  {spec}\n"),
            );
        }
    }
    if run.eof_warn {
        rc = rc.max(pk::WARN);
    }
    if run.stop {
        return rc;
    }
    run.finish(ctx, o);
    if o.tflag && o.qflag < 2 {
        let name = job.found;
        if run.test_errors || rc > pk::WARN && rc != pk::UNSUP && rc != pk::BADPWD {
            say_err(
                ctx,
                o,
                &format!("At least one error was detected in {name}.\n"),
            );
        } else if job.all() && run.skipped == 0 {
            say_err(
                ctx,
                o,
                &format!("No errors detected in compressed data of {name}.\n"),
            );
        } else {
            let n = run.tested;
            let s = if n == 1 { "" } else { "s" };
            say_err(
                ctx,
                o,
                &format!("No errors detected in {name} for the {n} file{s} tested.\n"),
            );
            if run.skipped > 0 {
                let k = run.skipped;
                let s = if k == 1 { "" } else { "s" };
                say_err(
                    ctx,
                    o,
                    &format!(
                        "{k} file{s} skipped because of unsupported compression or encoding.\n"
                    ),
                );
            }
        }
    }
    rc
}

/// The note for an executable that is not an archive.
pub(super) fn maybe_exe(name: &str) -> String {
    format!("note:  {name} may be a plain executable, not an archive\n")
}

/// UnZip's message for a central directory cut short at entry `n`.
pub(super) fn central_error(n: usize) -> String {
    format!("error:  expected central file header signature not found (file #{n}).\n{BAD_CENTRAL}")
}

/// Whether a member is selected by the patterns (marking the patterns that matched).
pub(super) fn selected(
    o: &Opts,
    job: &Job<'_>,
    name: &str,
    matched: &mut [bool],
    xmatched: &mut [bool],
) -> bool {
    let fold = |s: &str| {
        if o.case_insensitive {
            s.to_lowercase()
        } else {
            s.to_string()
        }
    };
    let name = fold(name);
    let hit = |pat: &str| {
        let mut budget = MATCH_BUDGET;
        crate::interp::pattern::fnmatch(&fold(pat), &name, &mut budget).unwrap_or(false)
    };
    let mut take = job.include.is_empty();
    for (spec, seen) in job.include.iter().zip(matched.iter_mut()) {
        if hit(spec) {
            *seen = true;
            take = true;
        }
    }
    if !take {
        return false;
    }
    for (spec, seen) in job.exclude.iter().zip(xmatched.iter_mut()) {
        if hit(spec) {
            *seen = true;
            take = false;
        }
    }
    take
}

/// State across the members of one archive.
pub(super) struct Run {
    /// Where stdin answers are read from.
    pub pos: usize,
    /// `-t`: members tested.
    pub tested: usize,
    /// `-t`: members skipped (unsupported method).
    pub skipped: usize,
    /// `-t`: whether a member failed.
    pub test_errors: bool,
    /// Whether a `replace` question met the end of stdin (a warning).
    pub eof_warn: bool,
    /// Directories to give their mode and time at the end.
    pub dirs: Vec<(String, u32, i64)>,
    /// Symbolic links made at the end: shown name, path, target.
    pub links: Vec<(String, String, String)>,
    /// Bytes members may still expand to (the overlay's size, once per run).
    pub budget: usize,
    /// Set when the disk-full question was answered no: nothing more is done.
    pub stop: bool,
    /// `-d DIR` without its trailing slashes, plus `/`, or empty.
    pub prefix: String,
}

impl Run {
    fn new(ctx: &CmdCtx<'_>, o: &Opts) -> Run {
        let prefix = match &o.exdir {
            Some(d) if o.extracting() => format!("{}/", d.trim_end_matches('/')),
            _ => String::new(),
        };
        Run {
            pos: 0,
            tested: 0,
            skipped: 0,
            test_errors: false,
            eof_warn: false,
            dirs: Vec::new(),
            links: Vec::new(),
            budget: ctx.fs.limits().max_overlay_bytes,
            stop: false,
            prefix,
        }
    }

    /// Handles one selected member; returns its status.
    fn member(
        &mut self,
        ctx: &mut CmdCtx<'_>,
        o: &mut Opts,
        job: &Job<'_>,
        zip: &Zip,
        idx: usize,
        m: &Member,
    ) -> i32 {
        let name = shown(&m.name);
        if m.method != 0 && m.method != 8 {
            say_err(
                ctx,
                o,
                &format!(
                    "   skipping: {name:<22}  `{}' method not supported\n",
                    listing::method_name(m.method)
                ),
            );
            self.skipped += 1;
            return pk::UNSUP;
        }
        let raw = match archive::raw_data(job.data, zip, m) {
            Ok(r) => r,
            Err(off) => {
                say_err(
                    ctx,
                    o,
                    &format!(
                        "file #{}:  bad zipfile offset (local header sig):  {off}\n",
                        idx + 1
                    ),
                );
                self.test_errors = true;
                return pk::ERR;
            }
        };
        let plain;
        let raw = if m.encrypted() {
            let Some(pw) = o.password.clone() else {
                say_err(
                    ctx,
                    o,
                    &format!("   skipping: {name:<22}  unable to get password\n"),
                );
                self.test_errors = true;
                return pk::MEM2;
            };
            let Some(p) = archive::decrypt(raw, &pw, m) else {
                say_err(
                    ctx,
                    o,
                    &format!("   skipping: {name:<22}  incorrect password\n"),
                );
                self.test_errors = true;
                return pk::BADPWD;
            };
            plain = p;
            &plain[..]
        } else {
            raw
        };
        if o.tflag {
            return self.test(ctx, o, m, &name, raw);
        }
        if o.cflag {
            return self.pipe(ctx, o, m, &name, raw);
        }
        super::write::extract(self, ctx, o, m, raw)
    }

    /// `-t` for one member.
    fn test(&mut self, ctx: &mut CmdCtx<'_>, o: &Opts, m: &Member, name: &str, raw: &[u8]) -> i32 {
        self.tested += 1;
        if o.qflag == 0 {
            ctx.stdout.write_str(&format!("    testing: {name:<22}  "));
        }
        let cap = self.budget.min(MAX_READ);
        let got = archive::expand(raw, m.method, cap);
        let st = match got {
            Err(_) => {
                self.inflate_error(ctx, o, name);
                pk::ERR
            }
            Ok(e) => {
                self.budget = self.budget.saturating_sub(e.bytes.len());
                // Past the cap the data is not checked (it is not kept either).
                if e.cut || archive::crc32(&e.bytes) == m.crc {
                    if o.qflag == 0 {
                        ctx.stdout.write_str(" OK\n");
                    }
                    0
                } else {
                    self.bad_crc(ctx, o, name, archive::crc32(&e.bytes), m.crc);
                    pk::ERR
                }
            }
        };
        if st != 0 {
            self.test_errors = true;
        }
        st
    }

    /// `-p` and `-c` for one member.
    fn pipe(&mut self, ctx: &mut CmdCtx<'_>, o: &Opts, m: &Member, name: &str, raw: &[u8]) -> i32 {
        if m.is_dir() && o.qflag > 0 {
            return 0;
        }
        if o.qflag == 0 {
            ctx.stdout
                .write_str(&format!("{}: {name:<22}  \n", verb(m)));
        }
        let cap = self.budget.min(MAX_READ);
        match archive::expand(raw, m.method, cap) {
            Err(_) => {
                self.inflate_error(ctx, o, name);
                pk::ERR
            }
            Ok(e) => {
                self.budget = self.budget.saturating_sub(e.bytes.len());
                ctx.stdout.write(&e.bytes);
                if o.qflag == 0 {
                    ctx.stdout.write_str("\n");
                }
                let crc = archive::crc32(&e.bytes);
                if !e.cut && crc != m.crc {
                    self.bad_crc(ctx, o, name, crc, m.crc);
                    return pk::ERR;
                }
                0
            }
        }
    }

    /// ` bad CRC ...` after an unfinished line, or the whole line when quiet.
    pub(super) fn bad_crc(&self, ctx: &mut CmdCtx<'_>, o: &Opts, name: &str, got: u32, want: u32) {
        let tail = format!(" bad CRC {got:08x}  (should be {want:08x})\n");
        if o.qflag == 0 {
            say_err(ctx, o, &tail);
        } else {
            say_err(ctx, o, &format!("{name:<22} {tail}"));
        }
    }

    /// The message for a corrupt deflate stream.
    pub(super) fn inflate_error(&self, ctx: &mut CmdCtx<'_>, o: &Opts, name: &str) {
        if o.qflag == 0 {
            say_err(ctx, o, "\n  error:  invalid compressed data to inflate\n");
        } else {
            say_err(
                ctx,
                o,
                &format!("  error:  invalid compressed data to inflate {name}\n"),
            );
        }
    }

    /// Directory attributes and the deferred symbolic links.
    fn finish(&mut self, ctx: &mut CmdCtx<'_>, o: &Opts) {
        let fctx = ctx.fs_ctx();
        if !self.links.is_empty() && o.qflag == 0 {
            ctx.stdout.line("finishing deferred symbolic links:");
        }
        for (disp, at, target) in std::mem::take(&mut self.links) {
            if ctx.fs.lstat(ctx.cwd, &at).is_ok() {
                let _ = ctx.fs.remove_file(ctx.cwd, &at, &fctx);
            }
            let _ = ctx.fs.symlink(ctx.cwd, &target, &at, &fctx);
            if o.qflag == 0 {
                ctx.stdout.line(&format!("  {disp:<22} -> {target}"));
            }
        }
        for (dir, mode, mtime) in std::mem::take(&mut self.dirs).into_iter().rev() {
            let _ = ctx.fs.set_mode(ctx.cwd, &dir, mode, &fctx);
            if !o.no_times {
                let _ = ctx.fs.set_times(ctx.cwd, &dir, mtime, mtime, &fctx);
            }
        }
    }
}

/// ` extracting` for stored data, `  inflating` for deflated.
pub(super) fn verb(m: &Member) -> &'static str {
    if m.method == 0 {
        " extracting"
    } else {
        "  inflating"
    }
}
