//! `mount` (util-linux 2.38.1): lists the persona's mounts (the same table as
//! `/proc/mounts` and `df`) and refuses or accepts mount requests without mounting anything.
//!
//! Emulated: `mount`, `mount -l`, `mount -t TYPE[,TYPE]` (listing filtered by type,
//! `no` prefix negates); requests: non-root `must be superuser to use mount.` (status 32),
//! root: `-o remount,...` of a mounted point and `--bind`/`-B` of existing paths succeed
//! silently, a missing mount point or device is reported as util-linux does (status 32),
//! other devices `special device ... does not exist`. `--help`, `-V`.

use super::util::{Val, getopt, usage};
use super::{CmdCtx, Command};

/// `mount`.
pub struct Mount;

impl Command for Mount {
    fn name(&self) -> &'static str {
        "mount"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/mount"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let n = '\u{e000}';
        let long = [
            ("all", 'a', Val::No),
            ("no-canonicalize", 'c', Val::No),
            ("fake", 'f', Val::No),
            ("fork", 'F', Val::No),
            ("fstab", 'T', Val::Req),
            ("internal-only", 'i', Val::No),
            ("show-labels", 'l', Val::No),
            ("mkdir", 'm', Val::Opt),
            ("no-mtab", 'n', Val::No),
            ("options-mode", n, Val::Req),
            ("options-source", n, Val::Req),
            ("options-source-force", n, Val::No),
            ("options", 'o', Val::Req),
            ("test-opts", 'O', Val::Req),
            ("read-only", 'r', Val::No),
            ("types", 't', Val::Req),
            ("source", n, Val::Req),
            ("target", n, Val::Req),
            ("target-prefix", n, Val::Req),
            ("verbose", 'v', Val::No),
            ("rw", 'w', Val::No),
            ("read-write", 'w', Val::No),
            ("namespace", 'N', Val::Req),
            ("help", 'h', Val::No),
            ("version", 'V', Val::No),
            ("label", 'L', Val::Req),
            ("uuid", 'U', Val::Req),
            ("bind", 'B', Val::No),
            ("move", 'M', Val::No),
            ("rbind", 'R', Val::No),
            ("make-shared", n, Val::No),
            ("make-slave", n, Val::No),
            ("make-private", n, Val::No),
            ("make-unbindable", n, Val::No),
            ("make-rshared", n, Val::No),
            ("make-rslave", n, Val::No),
            ("make-rprivate", n, Val::No),
            ("make-runbindable", n, Val::No),
        ];
        let (opts, ops) = match getopt(args, "aBcfFhilL:mMnN:o:O:rRsU:vVwt:T:", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "mount", &e, 1),
        };
        let has = |c: char| opts.iter().any(|o| o.0 == c);
        if has('h') {
            return super::util::print_help(ctx, "mount");
        }
        if has('V') {
            return super::util::print_version(ctx, "mount");
        }
        let mounts = ctx.persona.mounts();
        let options = opts
            .iter()
            .filter(|o| o.0 == 'o')
            .filter_map(|o| o.1.clone())
            .collect::<Vec<_>>()
            .join(",");
        if ops.is_empty() && !has('a') && options.is_empty() && !opts.iter().any(|o| o.0 == n) {
            let types: Option<String> = opts.iter().find(|o| o.0 == 't').and_then(|o| o.1.clone());
            let mut out = String::new();
            for l in mounts.lines() {
                let f: Vec<&str> = l.split(' ').collect();
                let (Some(src), Some(mnt), Some(fs), Some(o)) =
                    (f.first(), f.get(1), f.get(2), f.get(3))
                else {
                    continue;
                };
                if let Some(t) = &types {
                    let (neg, list) = t
                        .strip_prefix("no")
                        .map_or((false, t.as_str()), |r| (true, r));
                    if list.split(',').any(|x| x == *fs) == neg {
                        continue;
                    }
                }
                out.push_str(&format!("{src} on {mnt} type {fs} ({o})\n"));
            }
            ctx.stdout.write_str(&out);
            return 0;
        }
        if ctx.user.uid != 0 {
            let target = ops.last().cloned().unwrap_or_default();
            ctx.error(
                "mount",
                &format!("{target}: must be superuser to use mount."),
            );
            return 32;
        }
        if has('a') {
            return 0;
        }
        let target = ops.last().cloned().unwrap_or_default();
        let mounted = mounts
            .lines()
            .any(|l| l.split(' ').nth(1) == Some(target.as_str()));
        if options.split(',').any(|o| o == "remount") {
            if mounted {
                return 0;
            }
            ctx.error(
                "mount",
                &format!("{target}: mount point not mounted or bad option."),
            );
            ctx.stderr
                .line("       dmesg(1) may have more information after failed mount system call.");
            return 32;
        }
        if ops.len() < 2 {
            ctx.error("mount", &format!("{target}: can't find in /etc/fstab."));
            return 1;
        }
        let source = ops.first().cloned().unwrap_or_default();
        if !ctx.fs.exists(ctx.cwd, &target) {
            ctx.error("mount", &format!("{target}: mount point does not exist."));
            ctx.stderr
                .line("       dmesg(1) may have more information after failed mount system call.");
            return 32;
        }
        let bind = has('B') || has('R') || options.split(',').any(|o| o == "bind" || o == "rbind");
        if bind && ctx.fs.exists(ctx.cwd, &source) {
            return 0;
        }
        if !ctx.fs.exists(ctx.cwd, &source) {
            ctx.error(
                "mount",
                &format!("{target}: special device {source} does not exist."),
            );
        } else {
            ctx.error("mount", &format!("{target}: wrong fs type, bad option, bad superblock on {source}, missing codepage or helper program, or other error."));
        }
        ctx.stderr
            .line("       dmesg(1) may have more information after failed mount system call.");
        32
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::sysinfo_test::{root, user};

    #[test]
    fn lists_and_refuses() {
        let r = root("mount", &[]);
        assert!(
            r.stdout
                .starts_with("sysfs on /sys type sysfs (rw,nosuid,nodev,noexec,relatime)\n")
        );
        assert!(
            r.stdout
                .contains("\n/dev/vda1 on / type ext4 (rw,relatime,discard,errors=remount-ro)\n")
        );
        assert_eq!(
            root("mount", &["-t", "ext4"]).stdout,
            "/dev/vda1 on / type ext4 (rw,relatime,discard,errors=remount-ro)\n"
        );
        assert_eq!((root("mount", &["-o", "remount,rw", "/"]).code), 0);
        let r = root("mount", &["/dev/nope", "/mnt"]);
        assert_eq!(
            r.stderr,
            "mount: /mnt: special device /dev/nope does not exist.\n       dmesg(1) may have more information after failed mount system call.\n"
        );
        assert_eq!(r.code, 32);
        let r = user("mount", &["/dev/vdb", "/mnt"]);
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("mount: /mnt: must be superuser to use mount.\n", 32)
        );
    }
}
