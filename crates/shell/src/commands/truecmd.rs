//! `true`: do nothing, successfully (`--help`/`--version` alone are answered, as coreutils).

use super::util::sole_help_version;
use super::{CmdCtx, Command};

/// `true`.
pub struct True;

impl Command for True {
    fn name(&self) -> &'static str {
        "true"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/true"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        sole_help_version(ctx, "true", args).unwrap_or(0)
    }
}
