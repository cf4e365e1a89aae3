//! `echo`: `/usr/bin/echo` (coreutils 9.1; bash's builtin `echo` lives in the interpreter).
//!
//! Emulated: leading option words made only of `n`, `e`, `E` letters (`-n`, `-e`, `-neE`),
//! `-e` escapes (`\a \b \c \e \f \n \r \t \v \\ \0NNN \xHH`), `\c` stopping all output,
//! `--` printed, `--help`/`--version` only as the sole argument.
//! Known gap: `\uHHHH`/`\UHHHHHHHH` are expanded (bash does, coreutils does not).

use super::printf::expand_escapes;
use super::util::sole_help_version;
use super::{CmdCtx, Command};

/// `echo`.
pub struct Echo;

impl Command for Echo {
    fn name(&self) -> &'static str {
        "echo"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/echo"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        if let Some(code) = sole_help_version(ctx, "echo", args) {
            return code;
        }
        let mut newline = true;
        let mut escapes = false;
        let mut words = args.get(1..).unwrap_or(&[]);
        while let Some((first, rest)) = words.split_first() {
            let Some(flags) = first.strip_prefix('-') else {
                break;
            };
            if flags.is_empty() || !flags.chars().all(|c| matches!(c, 'n' | 'e' | 'E')) {
                break;
            }
            for c in flags.chars() {
                match c {
                    'n' => newline = false,
                    'e' => escapes = true,
                    _ => escapes = false,
                }
            }
            words = rest;
        }
        let mut out = Vec::new();
        for (i, w) in words.iter().enumerate() {
            if i > 0 {
                out.push(b' ');
            }
            if escapes {
                let (bytes, stop) = expand_escapes(w.as_bytes(), true);
                out.extend_from_slice(&bytes);
                if stop {
                    ctx.stdout.write(&out);
                    return 0;
                }
            } else {
                out.extend_from_slice(w.as_bytes());
            }
        }
        if newline {
            out.push(b'\n');
        }
        ctx.stdout.write(&out);
        0
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    fn e(args: &[&str]) -> String {
        run("echo", args, "/", b"").stdout
    }

    #[test]
    fn echoes_like_bash() {
        assert_eq!(
            e(&["-e", "a\\tb\\x41\\101\\0101\\u00e9\\cZZ"]),
            "a\tbA\\101Aé"
        );
        assert_eq!(e(&["-n", "-e", "x\\n"]), "x\n");
        assert_eq!(e(&["-nx", "a"]), "-nx a\n");
        assert_eq!(e(&["--", "a"]), "-- a\n");
        assert_eq!(e(&["-e", "\\x", "\\q"]), "\\x \\q\n");
        assert_eq!(e(&[]), "\n");
        assert_eq!(e(&["a\\tb"]), "a\\tb\n");
        assert_eq!(e(&["-"]), "-\n");
    }
}
