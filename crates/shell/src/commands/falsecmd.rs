//! `false`: do nothing, unsuccessfully (`--help`/`--version` alone print, and still fail).

use super::util::sole_help_version;
use super::{CmdCtx, Command};

/// `false`.
pub struct False;

impl Command for False {
    fn name(&self) -> &'static str {
        "false"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/false"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        sole_help_version(ctx, "false", args).unwrap_or(1)
    }
}
