//! `stat`: display file status (coreutils 9.1 default format, `Birth: -`).
//!
//! Emulated: the default multi-line format (device `fe01h/65025d`, `IO Block: 4096`, blocks
//! estimated from size), `-L`, `-t` (terse), `-c`/`--format`/`--printf` with `%n %N %s %b %B
//! %a %A %f %F %u %U %g %G %h %i %x %X %y %Y %z %Z %w %W %d %D %o %%`, `stat: cannot statx
//! 'x': No such file or directory`. Known gaps: `-f` (file system status).

use miragepot_vfs::{FileType, Meta};

use super::ls::blocks_k;
use super::util::{IGNORED, Val, getopt, group_name, sq, usage, user_name, utc};
use super::{CmdCtx, Command};

/// `stat`.
pub struct Stat;

fn ftype(m: &Meta) -> &'static str {
    match m.kind {
        FileType::Dir => "directory",
        FileType::File if m.size == 0 => "regular empty file",
        FileType::File => "regular file",
        FileType::Symlink => "symbolic link",
        FileType::CharDevice => "character special file",
        FileType::BlockDevice => "block special file",
        FileType::Fifo => "fifo",
        FileType::Socket => "socket",
    }
}

fn stamp(ts: i64) -> String {
    let t = utc(ts);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.000000000 +0000",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn format(ctx: &CmdCtx<'_>, fmt: &str, name: &str, m: &Meta, target: Option<&str>) -> String {
    let mut out = String::new();
    let mut it = fmt.chars();
    while let Some(c) = it.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let Some(s) = it.next() else {
            out.push('%');
            break;
        };
        let v = match s {
            'n' => name.to_string(),
            'N' => match target {
                Some(t) => format!("{} -> {}", sq(name), sq(t)),
                None => sq(name),
            },
            's' => m.size.to_string(),
            'b' => (blocks_k(m) * 2).to_string(),
            'B' => "512".into(),
            'o' => "4096".into(),
            'a' => format!("{:o}", m.mode & 0o7777),
            'A' => m.mode_string(),
            'f' => format!("{:x}", m.st_mode()),
            'F' => ftype(m).into(),
            'u' => m.uid.to_string(),
            'U' => user_name(ctx, m.uid),
            'g' => m.gid.to_string(),
            'G' => group_name(ctx, m.gid),
            'h' => m.nlink.to_string(),
            'i' => m.ino.to_string(),
            'd' => "65025".into(),
            'D' => "fe01".into(),
            'x' => stamp(m.atime),
            'X' => m.atime.to_string(),
            'y' => stamp(m.mtime),
            'Y' => m.mtime.to_string(),
            'z' => stamp(m.ctime),
            'Z' => m.ctime.to_string(),
            'w' => "-".into(),
            'W' => "0".into(),
            '%' => "%".into(),
            other => format!("?{other}"),
        };
        out.push_str(&v);
    }
    out
}

fn unescape(s: &str) -> String {
    super::printf::expand_escapes(s.as_bytes(), false)
        .0
        .iter()
        .map(|b| char::from(*b))
        .collect()
}

impl Command for Stat {
    fn name(&self) -> &'static str {
        "stat"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/stat"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("dereference", 'L', Val::No),
            ("file-system", 'f', Val::No),
            ("format", 'c', Val::Req),
            ("printf", 'P', Val::Req),
            ("terse", 't', Val::No),
            ("cached", IGNORED, Val::Req),
        ];
        let (opts, ops) = match getopt(args, "Ltc:f", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "stat", &e, 1),
        };
        if ops.is_empty() {
            return usage(ctx, "stat", "missing operand", 1);
        }
        let deref = opts.iter().any(|o| o.0 == 'L');
        let terse = opts.iter().any(|o| o.0 == 't');
        let custom = opts
            .iter()
            .rev()
            .find(|o| o.0 == 'c' || o.0 == 'P')
            .map(|o| (o.0, o.1.clone().unwrap_or_default()));
        let mut status = 0;
        let mut out = String::new();
        for op in &ops {
            let m = if deref {
                ctx.fs.stat(ctx.cwd, op)
            } else {
                ctx.fs.lstat(ctx.cwd, op)
            };
            let m = match m {
                Ok(m) => m,
                Err(e) => {
                    ctx.stdout.write_str(&std::mem::take(&mut out));
                    ctx.error("stat", &format!("cannot statx {}: {e}", sq(op)));
                    status = 1;
                    continue;
                }
            };
            let target = if m.kind == FileType::Symlink {
                ctx.fs.read_link(ctx.cwd, op).ok()
            } else {
                None
            };
            match &custom {
                Some(('c', f)) => {
                    out.push_str(&format(ctx, f, op, &m, target.as_deref()));
                    out.push('\n');
                }
                Some((_, f)) => out.push_str(&format(ctx, &unescape(f), op, &m, target.as_deref())),
                None if terse => {
                    out.push_str(&format(
                        ctx,
                        "%n %s %b %f %u %g %D %i %h 0 0 %X %Y %Z %W %o\n",
                        op,
                        &m,
                        None,
                    ));
                }
                None => {
                    let file = match &target {
                        Some(t) => format!("{op} -> {t}"),
                        None => op.clone(),
                    };
                    let dev = if matches!(m.kind, FileType::CharDevice | FileType::BlockDevice) {
                        format!(" Device type: {},{}", m.rdev.0, m.rdev.1)
                    } else {
                        String::new()
                    };
                    out.push_str(&format!("  File: {file}\n"));
                    out.push_str(&format!(
                        "  Size: {:<10}\tBlocks: {:<10} IO Block: 4096   {}\n",
                        m.size,
                        blocks_k(&m) * 2,
                        ftype(&m)
                    ));
                    let dev_line = format!(
                        "Device: fe01h/65025d\tInode: {:<11} Links: {:<5}{dev}",
                        m.ino, m.nlink
                    );
                    out.push_str(dev_line.trim_end());
                    out.push('\n');
                    out.push_str(&format!(
                        "Access: ({:04o}/{})  Uid: ({:>5}/{:>8})   Gid: ({:>5}/{:>8})\n",
                        m.mode & 0o7777,
                        m.mode_string(),
                        m.uid,
                        user_name(ctx, m.uid),
                        m.gid,
                        group_name(ctx, m.gid)
                    ));
                    out.push_str(&format!(
                        "Access: {}\nModify: {}\nChange: {}\n Birth: -\n",
                        stamp(m.atime),
                        stamp(m.mtime),
                        stamp(m.ctime)
                    ));
                }
            }
        }
        ctx.stdout.write_str(&out);
        status
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn stats() {
        let r = run(
            "stat",
            &["-c", "%s %n %a %A %U %G %F", "/etc/hostname"],
            "/",
            b"",
        );
        assert_eq!(
            r.stdout,
            "12 /etc/hostname 644 -rw-r--r-- root root regular file\n"
        );
        let r = run("stat", &["/bin"], "/", b"");
        assert!(r.stdout.starts_with("  File: /bin -> usr/bin\n  Size: 7         \tBlocks: 0          IO Block: 4096   symbolic link\nDevice: fe01h/65025d\tInode: "), "{}", r.stdout);
        assert!(r.stdout.contains(
            "Access: (0777/lrwxrwxrwx)  Uid: (    0/    root)   Gid: (    0/    root)\n"
        ));
        assert!(r.stdout.ends_with(" Birth: -\n"));
        let r = run("stat", &["/nonexistent"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "stat: cannot statx '/nonexistent': No such file or directory\n",
                1
            )
        );
    }
}
