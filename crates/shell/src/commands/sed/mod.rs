//! `sed` (GNU sed 4.9): the stream editor.
//!
//! Emulated: `-n`, `-e` (several), `-f`, `-E`/`-r`, `-i[SUFFIX]` (in place over VFS files,
//! keeping mode and owner, optional backup), `-s`, `-z`; addresses (`N`, `$`, `/re/`,
//! `\cREc`, `first~step`, ranges, `addr,+N`, `!`); commands `s` (flags `g p N I w`, `&` and
//! `\1`..`\9`), `y`, `p P d D q Q a i c = n N h H g G x b t T : { } r w z l F`; GNU's
//! error texts (`-e expression #1, char 5: unterminated `s' command`, `can't read x: No such
//! file or directory`). Work is bounded by a step budget.

mod exec;
mod parse;

use miragepot_vfs::WriteMode;

use super::util::{IGNORED, Val, getopt, read_input, usage};
use super::{CmdCtx, Command};

/// `sed`.
pub struct Sed;

impl Command for Sed {
    fn name(&self) -> &'static str {
        "sed"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/sed"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("quiet", 'n', Val::No),
            ("silent", 'n', Val::No),
            ("debug", IGNORED, Val::No),
            ("expression", 'e', Val::Req),
            ("file", 'f', Val::Req),
            ("follow-symlinks", IGNORED, Val::No),
            ("in-place", 'i', Val::Opt),
            ("line-length", 'l', Val::Req),
            ("posix", IGNORED, Val::No),
            ("regexp-extended", 'E', Val::No),
            ("separate", 's', Val::No),
            ("sandbox", IGNORED, Val::No),
            ("unbuffered", 'u', Val::No),
            ("null-data", 'z', Val::No),
            ("zero-terminated", 'z', Val::No),
        ];
        let (opts, mut ops) = match getopt(args, "ne:f:i::l:Erszu", &long) {
            Ok(x) => x,
            Err(e) => return bad_usage(ctx, &e),
        };
        let mut quiet = false;
        let mut ere = false;
        let mut separate = false;
        let mut zero = false;
        let mut in_place: Option<String> = None;
        let mut scripts: Vec<String> = Vec::new();
        for (c, v) in &opts {
            match c {
                'n' => quiet = true,
                'E' | 'r' => ere = true,
                's' => separate = true,
                'z' => zero = true,
                'i' => {
                    in_place = Some(v.clone().unwrap_or_default());
                    separate = true;
                }
                _ => {}
            }
        }
        for (c, v) in opts {
            match c {
                'e' => scripts.push(v.unwrap_or_default()),
                'f' => {
                    let f = v.unwrap_or_default();
                    match read_input(ctx, &f) {
                        Ok(b) => {
                            let s = String::from_utf8_lossy(&b);
                            scripts.push(s.strip_suffix('\n').unwrap_or(&s).to_string());
                        }
                        Err(e) => {
                            ctx.error("sed", &format!("couldn't open file {f}: {e}"));
                            return 1;
                        }
                    }
                }
                _ => {}
            }
        }
        if scripts.is_empty() {
            if ops.is_empty() {
                return bad_usage(ctx, &super::util::Bad::Msg(String::new()));
            }
            scripts.push(ops.remove(0));
        }
        let mut prog = Vec::new();
        for (n, s) in scripts.iter().enumerate() {
            if let Err((ch, msg)) = parse::parse(s, ere, &mut prog) {
                ctx.error(
                    "sed",
                    &format!("-e expression #{}, char {ch}: {msg}", n + 1),
                );
                return 1;
            }
        }
        for c in &prog {
            if let parse::Kind::Branch(_, l) = &c.kind
                && !l.is_empty()
                && !prog
                    .iter()
                    .any(|d| matches!(d.kind, parse::Kind::Label) && d.label == *l)
            {
                ctx.error("sed", &format!("can't find label for jump to `{l}'"));
                return 4;
            }
        }
        let sep = if zero { b'\0' } else { b'\n' };
        if let Some(suffix) = in_place {
            if ops.is_empty() {
                ctx.error("sed", "no input files");
                return 1;
            }
            let mut status = 0;
            for f in &ops {
                let fctx = ctx.fs_ctx();
                let meta = match ctx.fs.stat(ctx.cwd, f) {
                    Ok(m) => m,
                    Err(e) => {
                        ctx.error("sed", &format!("can't read {f}: {e}"));
                        status = 2;
                        continue;
                    }
                };
                if meta.is_dir() {
                    ctx.error("sed", &format!("couldn't edit {f}: not a regular file"));
                    status = 4;
                    continue;
                }
                let data = match read_input(ctx, f) {
                    Ok(d) => d,
                    Err(e) => {
                        ctx.error("sed", &format!("can't read {f}: {e}"));
                        status = 2;
                        continue;
                    }
                };
                let mut out = Vec::new();
                let mut run = exec::Run::new(&prog, quiet, sep);
                let code = run.go(ctx, &[(f.clone(), data.clone())], &mut out);
                if !suffix.is_empty() {
                    let bak = if suffix.contains('*') {
                        let base = f.rsplit('/').next().unwrap_or(f);
                        let b = suffix.replace('*', base);
                        match f.rfind('/') {
                            Some(k) if !b.contains('/') => {
                                format!("{}/{b}", f.get(..k).unwrap_or(""))
                            }
                            _ => b,
                        }
                    } else {
                        format!("{f}{suffix}")
                    };
                    let _ = ctx.fs.write(
                        ctx.cwd,
                        &bak,
                        &data,
                        WriteMode::Truncate,
                        meta.mode & 0o7777,
                        &fctx,
                    );
                }
                if let Err(e) = ctx.fs.write(
                    ctx.cwd,
                    f,
                    &out,
                    WriteMode::Truncate,
                    meta.mode & 0o7777,
                    &fctx,
                ) {
                    ctx.error("sed", &format!("couldn't open temporary file {f}: {e}"));
                    status = 4;
                }
                if let Some(c) = code {
                    return c;
                }
            }
            return status;
        }
        let files = if ops.is_empty() {
            vec!["-".to_string()]
        } else {
            ops
        };
        let mut inputs = Vec::new();
        let mut status = 0;
        for f in &files {
            if f != "-" && ctx.fs.stat(ctx.cwd, f).is_ok_and(|m| m.is_dir()) {
                ctx.error("sed", &format!("read error on {f}: Is a directory"));
                status = 4;
                continue;
            }
            match read_input(ctx, f) {
                Ok(d) => inputs.push((f.clone(), d)),
                Err(e) => {
                    ctx.error("sed", &format!("can't read {f}: {e}"));
                    status = status.max(2);
                }
            }
        }
        let mut out = Vec::new();
        let code = if separate {
            let mut last = None;
            for inp in inputs {
                let mut run = exec::Run::new(&prog, quiet, sep);
                last = run.go(ctx, &[inp], &mut out);
                if last.is_some() {
                    break;
                }
            }
            last
        } else {
            let mut run = exec::Run::new(&prog, quiet, sep);
            run.go(ctx, &inputs, &mut out)
        };
        ctx.stdout.write(&out);
        code.unwrap_or(status)
    }
}

/// GNU sed prints its whole usage on stderr after a bad option (status 1).
fn bad_usage(ctx: &mut CmdCtx<'_>, e: &super::util::Bad) -> i32 {
    match e {
        super::util::Bad::Msg(m) => {
            if !m.is_empty() {
                ctx.error("sed", m);
            }
            let text = super::help::help("sed").unwrap_or("");
            ctx.stderr.write_str(
                text.strip_suffix("E-mail bug reports to: <bug-sed@gnu.org>.\n")
                    .unwrap_or(text),
            );
            1
        }
        other => usage(ctx, "sed", other, 1),
    }
}

#[cfg(test)]
mod tests;
