//! `sha1sum`: compute and check SHA1 message digests (coreutils 9.1); see [`super::hashsum`].

use super::hashsum::{Algo, run};
use super::{CmdCtx, Command};

/// `sha1sum`.
pub struct Sha1sum;

impl Command for Sha1sum {
    fn name(&self) -> &'static str {
        "sha1sum"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/sha1sum"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        run(ctx, args, Algo::Sha1)
    }
}
