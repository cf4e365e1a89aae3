//! `file` (file 5.44): determine file type from the VFS content.
//!
//! Recognised: ELF (64-bit x86-64 pie executables and shared objects, with a BuildID
//! derived from the content), shell/Python/Perl scripts by their `#!` line, ASCII and
//! UTF-8 text (CRLF, no line terminators, very long lines), empty files, data, directories
//! (`sticky, directory`), symlinks (`symbolic link to T`, followed with `-L`), devices,
//! missing files (`cannot open `x' (No such file or directory)`). Options: `-b`, `-L`,
//! `-h`, `-i`/`--mime`, `--mime-type`, `-F SEP`, `-N`; names padded as file pads them.

use miragepot_vfs::FileType;
use sha2::{Digest, Sha256};

use super::util::{IGNORED, Val, getopt, read_input};
use super::{CmdCtx, Command};

/// `file`.
pub struct File;

/// Bytes of a file looked at.
const LOOK: usize = 1 << 20;

impl Command for File {
    fn name(&self) -> &'static str {
        "file"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/file"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("apple", IGNORED, Val::No),
            ("extension", IGNORED, Val::No),
            ("mime-encoding", 'E', Val::No),
            ("mime-type", 'T', Val::No),
            ("brief", 'b', Val::No),
            ("checking-printout", 'c', Val::No),
            ("exclude", 'e', Val::Req),
            ("exclude-quiet", IGNORED, Val::Req),
            ("files-from", 'f', Val::Req),
            ("separator", 'F', Val::Req),
            ("mime", 'i', Val::No),
            ("keep-going", 'k', Val::No),
            ("list", 'l', Val::No),
            ("dereference", 'L', Val::No),
            ("magic-file", 'm', Val::Req),
            ("no-dereference", 'h', Val::No),
            ("no-buffer", 'n', Val::No),
            ("no-pad", 'N', Val::No),
            ("print0", '0', Val::No),
            ("preserve-date", 'p', Val::No),
            ("parameter", 'P', Val::Req),
            ("raw", 'r', Val::No),
            ("special-files", 's', Val::No),
            ("uncompress", 'z', Val::No),
            ("uncompress-noreport", 'Z', Val::No),
            ("compile", 'C', Val::No),
            ("debug", 'd', Val::No),
            ("no-sandbox", 'S', Val::No),
        ];
        let (opts, ops) = match getopt(args, "bcCdEe:f:F:hikLlm:nNpP:rsSvzZ0", &long) {
            Ok(x) => x,
            Err(super::util::Bad::Help) => return super::util::print_help(ctx, "file"),
            Err(super::util::Bad::Version) => return super::util::print_version(ctx, "file"),
            Err(e) => {
                ctx.error("file", e.text());
                ctx.stderr
                    .write_str(super::help::help("file.usage").unwrap_or(""));
                return 1;
            }
        };
        let (mut brief, mut follow, mut mime, mut mime_type, mut pad) =
            (false, false, false, false, true);
        let mut sep = ":".to_string();
        for (c, v) in opts {
            match c {
                'b' => brief = true,
                'L' => follow = true,
                'h' => follow = false,
                'i' => mime = true,
                'T' => mime_type = true,
                'N' => pad = false,
                'F' => sep = v.unwrap_or_default(),
                'v' => return super::util::print_version(ctx, "file"),
                _ => {}
            }
        }
        if ops.is_empty() {
            ctx.stderr
                .write_str(super::help::help("file.usage").unwrap_or(""));
            return 1;
        }
        let width = ops.iter().map(|o| o.chars().count()).max().unwrap_or(0) + sep.chars().count();
        for f in &ops {
            let (desc, mtype) = describe(ctx, f, follow);
            let text = if mime || mime_type {
                if mime_type {
                    mtype.split(';').next().unwrap_or("").to_string()
                } else {
                    mtype
                }
            } else {
                desc
            };
            if brief {
                ctx.stdout.line(&text);
            } else {
                let head = format!("{f}{sep}");
                let w = if pad { width } else { 0 };
                ctx.stdout.line(&format!("{head:<w$} {text}"));
            }
        }
        0
    }
}

/// The description and the MIME type of one operand.
fn describe(ctx: &mut CmdCtx<'_>, f: &str, follow: bool) -> (String, String) {
    let meta = if follow {
        ctx.fs.stat(ctx.cwd, f)
    } else {
        ctx.fs.lstat(ctx.cwd, f)
    };
    let meta = match meta {
        Ok(m) => m,
        Err(e) => {
            return (format!("cannot open `{f}' ({e})"), "cannot open".into());
        }
    };
    match meta.kind {
        FileType::Dir => {
            let d = if meta.mode & 0o1000 != 0 {
                "sticky, directory"
            } else {
                "directory"
            };
            return (d.into(), "inode/directory; charset=binary".into());
        }
        FileType::Symlink => {
            let t = ctx.fs.read_link(ctx.cwd, f).unwrap_or_default();
            return (
                format!("symbolic link to {t}"),
                "inode/symlink; charset=binary".into(),
            );
        }
        FileType::CharDevice => {
            let (a, b) = meta.rdev;
            return (
                format!("character special ({a}/{b})"),
                "inode/chardevice; charset=binary".into(),
            );
        }
        FileType::BlockDevice => {
            let (a, b) = meta.rdev;
            return (
                format!("block special ({a}/{b})"),
                "inode/blockdevice; charset=binary".into(),
            );
        }
        FileType::Fifo => {
            return (
                "fifo (named pipe)".into(),
                "inode/fifo; charset=binary".into(),
            );
        }
        FileType::Socket => return ("socket".into(), "inode/socket; charset=binary".into()),
        FileType::File => {}
    }
    let data = match read_input(ctx, f) {
        Ok(d) => d,
        Err(e) => return (format!("cannot open `{f}' ({e})"), "cannot open".into()),
    };
    let data = data.get(..LOOK.min(data.len())).unwrap_or(&[]);
    let canon = ctx
        .fs
        .canonicalize(ctx.cwd, f)
        .unwrap_or_else(|_| f.to_string());
    classify(data, &canon)
}

/// Classifies content; `path` only tells shared objects from executables.
pub(crate) fn classify(data: &[u8], path: &str) -> (String, String) {
    if data.is_empty() {
        return ("empty".into(), "inode/x-empty; charset=binary".into());
    }
    if data.starts_with(b"\x7fELF") {
        return elf(data, path);
    }
    if data.starts_with(b"\x1f\x8b") {
        return (
            "gzip compressed data".into(),
            "application/gzip; charset=binary".into(),
        );
    }
    if data.starts_with(b"PK\x03\x04") {
        return (
            "Zip archive data".into(),
            "application/zip; charset=binary".into(),
        );
    }
    let text = std::str::from_utf8(data).ok().filter(|s| {
        s.chars()
            .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t' | '\x0c' | '\x1b' | '\x08'))
    });
    let Some(s) = text else {
        return (
            "data".into(),
            "application/octet-stream; charset=binary".into(),
        );
    };
    let ascii = s.is_ascii();
    let (enc, charset) = if ascii {
        ("ASCII text", "us-ascii")
    } else {
        ("Unicode text, UTF-8 text", "utf-8")
    };
    let first = s.lines().next().unwrap_or("");
    let interp = first.strip_prefix("#!").map(|l| {
        let mut w = l.split_whitespace();
        let prog = w.next().unwrap_or("");
        let base = prog.rsplit('/').next().unwrap_or(prog);
        if base == "env" {
            w.next().unwrap_or("").to_string()
        } else {
            base.to_string()
        }
    });
    let mut extras = Vec::new();
    let longest = s
        .split('\n')
        .map(|l| l.trim_end_matches('\r').chars().count())
        .max()
        .unwrap_or(0);
    if longest > 300 {
        extras.push(format!("with very long lines ({longest})"));
    }
    if s.contains("\r\n") {
        extras.push("with CRLF line terminators".into());
    } else if !s.contains('\n') {
        extras.push("with no line terminators".into());
    }
    let (mut desc, mtype) = match interp.as_deref() {
        Some("sh" | "dash") => (
            format!("POSIX shell script, {enc} executable"),
            "text/x-shellscript",
        ),
        Some("bash") => (
            format!("Bourne-Again shell script, {enc} executable"),
            "text/x-shellscript",
        ),
        Some(p) if p.starts_with("python") => (
            format!("Python script, {enc} executable"),
            "text/x-script.python",
        ),
        Some("perl") => ("Perl script text executable".to_string(), "text/x-perl"),
        Some(p) if !p.is_empty() => (format!("a {p} script, {enc} executable"), "text/plain"),
        _ => (enc.to_string(), "text/plain"),
    };
    for e in extras {
        desc.push_str(", ");
        desc.push_str(&e);
    }
    (desc, format!("{mtype}; charset={charset}"))
}

fn elf(data: &[u8], path: &str) -> (String, String) {
    let class = if data.get(4) == Some(&1) {
        "32-bit"
    } else {
        "64-bit"
    };
    let endian = if data.get(5) == Some(&2) {
        "MSB"
    } else {
        "LSB"
    };
    let etype = data.get(16).copied().unwrap_or(0);
    let base = path.rsplit('/').next().unwrap_or(path);
    let shared = base.contains(".so");
    let kind = match etype {
        1 => "relocatable",
        2 => "executable",
        3 if shared => "shared object",
        3 => "pie executable",
        4 => "core file",
        _ => "executable",
    };
    let digest = Sha256::digest(data.get(..4096.min(data.len())).unwrap_or(&[]));
    let id: String = hex::encode(digest).chars().take(40).collect();
    let interp = if shared {
        ""
    } else {
        ", interpreter /lib64/ld-linux-x86-64.so.2"
    };
    let desc = format!(
        "ELF {class} {endian} {kind}, x86-64, version 1 (SYSV), dynamically linked{interp}, BuildID[sha1]={id}{}, stripped",
        if shared { "" } else { ", for GNU/Linux 3.2.0" }
    );
    let m = if shared {
        "application/x-sharedlib"
    } else {
        "application/x-pie-executable"
    };
    (desc, format!("{m}; charset=binary"))
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run, run_in, shared_persona};

    #[test]
    fn describes_like_file_5_44() {
        let r = run("file", &["/bin/ls"], "/", b"");
        assert!(r.stdout.starts_with("/bin/ls: symbolic link to") || r.stdout.starts_with("/bin/ls: ELF 64-bit LSB pie executable, x86-64, version 1 (SYSV), dynamically linked, interpreter /lib64/ld-linux-x86-64.so.2, BuildID[sha1]="), "{}", r.stdout);
        let r = run("file", &["/usr/bin/ls"], "/", b"");
        assert!(r.stdout.starts_with("/usr/bin/ls: ELF 64-bit LSB pie executable, x86-64, version 1 (SYSV), dynamically linked, interpreter /lib64/ld-linux-x86-64.so.2, BuildID[sha1]="));
        assert!(r.stdout.ends_with(", for GNU/Linux 3.2.0, stripped\n"));
        let r = run(
            "file",
            &[
                "/bin",
                "/tmp",
                "/etc",
                "/etc/passwd",
                "nonexist",
                "/dev/null",
            ],
            "/",
            b"",
        );
        assert_eq!(
            r.stdout,
            "/bin:        symbolic link to usr/bin\n/tmp:        sticky, directory\n/etc:        directory\n/etc/passwd: ASCII text\nnonexist:    cannot open `nonexist' (No such file or directory)\n/dev/null:   character special (1/3)\n"
        );
        assert_eq!(
            run("file", &["-b", "/etc/passwd"], "/", b"").stdout,
            "ASCII text\n"
        );
        assert_eq!(
            run("file", &["-L", "/bin"], "/", b"").stdout,
            "/bin: directory\n"
        );
        let r = run("file", &[], "/", b"");
        assert_eq!(r.code, 1);
        assert!(r.stderr.starts_with("Usage: file [-bcCdEhikLlNnprsSvzZ0]"));
        let p = shared_persona();
        let mut fs = p.new_fs();
        for (content, want) in [
            (
                "#!/bin/sh\necho\n",
                "POSIX shell script, ASCII text executable",
            ),
            (
                "#!/bin/bash\necho\n",
                "Bourne-Again shell script, ASCII text executable",
            ),
            (
                "#!/usr/bin/env python3\nprint(1)\n",
                "Python script, ASCII text executable",
            ),
            ("héllo\n", "Unicode text, UTF-8 text"),
            ("a\r\nb\r\n", "ASCII text, with CRLF line terminators"),
            ("abc", "ASCII text, with no line terminators"),
            ("", "empty"),
            ("\u{0}\u{1}\u{2}", "data"),
        ] {
            run_in(p, &mut fs, "tee", &["/tmp/f"], "/", content.as_bytes());
            assert_eq!(
                run_in(p, &mut fs, "file", &["-b", "/tmp/f"], "/", b"").stdout,
                format!("{want}\n")
            );
        }
    }
}
