//! `true`: do nothing, successfully.

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

    fn run(&self, _ctx: &mut CmdCtx<'_>, _args: &[String]) -> i32 {
        0
    }
}
