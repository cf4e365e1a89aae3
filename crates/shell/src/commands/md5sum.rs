//! `md5sum`: compute and check MD5 message digests (coreutils 9.1); see [`super::hashsum`].

use super::hashsum::{Algo, run};
use super::{CmdCtx, Command};

/// `md5sum`.
pub struct Md5sum;

impl Command for Md5sum {
    fn name(&self) -> &'static str {
        "md5sum"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/md5sum"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        run(ctx, args, Algo::Md5)
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run, run_in};
    use crate::persona::Persona;

    #[test]
    fn digests() {
        assert_eq!(
            run("md5sum", &[], "/", b"hi").stdout,
            "49f68a5c8493ec2c0bf489821c21fc3b  -\n"
        );
        assert_eq!(
            run("sha1sum", &[], "/", b"hi").stdout,
            "c22b5f9178342609428d6f51b2c5af4c0bde6a42  -\n"
        );
        assert_eq!(
            run("sha1sum", &[], "/", b"").stdout,
            "da39a3ee5e6b4b0d3255bfef95601890afd80709  -\n"
        );
        assert_eq!(
            run("sha256sum", &[], "/", b"hi").stdout,
            "8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4  -\n"
        );
        let r = run("md5sum", &["/nope"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("md5sum: /nope: No such file or directory\n", 1)
        );
        let p = Persona::debian12();
        let mut fs = p.new_fs();
        let sums = run_in(&p, &mut fs, "md5sum", &["/etc/hostname"], "/", b"").stdout;
        let r = run_in(&p, &mut fs, "md5sum", &["-c"], "/", sums.as_bytes());
        assert_eq!((r.stdout.as_str(), r.code), ("/etc/hostname: OK\n", 0));
    }
}
