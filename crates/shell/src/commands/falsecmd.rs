//! `false`: do nothing, unsuccessfully.

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

    fn run(&self, _ctx: &mut CmdCtx<'_>, _args: &[String]) -> i32 {
        1
    }
}
