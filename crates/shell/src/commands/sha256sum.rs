//! `sha256sum`: compute and check SHA256 message digests (coreutils 9.1); see [`super::hashsum`].

use super::hashsum::{Algo, run};
use super::{CmdCtx, Command};

/// `sha256sum`.
pub struct Sha256sum;

impl Command for Sha256sum {
    fn name(&self) -> &'static str {
        "sha256sum"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/sha256sum"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        run(ctx, args, Algo::Sha256)
    }
}
