//! `uniq`: report or omit repeated lines (coreutils 9.1).
//!
//! Emulated: `-c` (`%7d ` counts), `-d`, `-u`, `-i`, `-f N`, `-s N`, `-w N`, input and
//! output file operands, GNU errors. No gaps known for the emulated options.

use miragepot_vfs::WriteMode;

use super::util::{IGNORED, Val, getopt, q, read_input, usage};
use super::{CmdCtx, Command};

/// `uniq`.
pub struct Uniq;

impl Command for Uniq {
    fn name(&self) -> &'static str {
        "uniq"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/uniq"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("count", 'c', Val::No),
            ("repeated", 'd', Val::No),
            ("all-repeated", 'D', Val::Opt),
            ("group", IGNORED, Val::Opt),
            ("unique", 'u', Val::No),
            ("ignore-case", 'i', Val::No),
            ("skip-fields", 'f', Val::Req),
            ("skip-chars", 's', Val::Req),
            ("check-chars", 'w', Val::Req),
            ("zero-terminated", 'z', Val::No),
        ];
        let (opts, ops) = match getopt(args, "cdDuif:s:w:z", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "uniq", &e, 1),
        };
        let (mut count, mut dup, mut uniq, mut icase) = (false, false, false, false);
        let (mut skip_f, mut skip_c, mut check) = (0usize, 0usize, usize::MAX);
        for (c, v) in opts {
            let num = |v: &Option<String>| {
                v.as_deref()
                    .and_then(|s| s.parse::<u64>().ok())
                    .map(|n| usize::try_from(n).unwrap_or(usize::MAX))
            };
            match c {
                'c' => count = true,
                'd' => dup = true,
                'u' => uniq = true,
                'i' => icase = true,
                'f' | 's' | 'w' => {
                    let Some(n) = num(&v) else {
                        let what = match c {
                            'f' => "number of fields to skip",
                            's' => "number of bytes to skip",
                            _ => "number of bytes to compare",
                        };
                        ctx.error(
                            "uniq",
                            &format!("{}: invalid {what}", v.unwrap_or_default()),
                        );
                        return 1;
                    };
                    match c {
                        'f' => skip_f = n,
                        's' => skip_c = n,
                        _ => check = n,
                    }
                }
                _ => {}
            }
        }
        if ops.len() > 2 {
            let extra = ops.get(2).cloned().unwrap_or_default();
            return usage(ctx, "uniq", &format!("extra operand {}", q(&extra)), 1);
        }
        let input = ops.first().cloned().unwrap_or_else(|| "-".into());
        let data = match read_input(ctx, &input) {
            Ok(d) => d,
            Err(e) => {
                ctx.error("uniq", &format!("{input}: {e}"));
                return 1;
            }
        };
        let key = |l: &[u8]| -> Vec<u8> {
            let mut i = 0;
            for _ in 0..skip_f.min(l.len()) {
                while l.get(i).is_some_and(|b| *b == b' ' || *b == b'\t') {
                    i += 1;
                }
                while l.get(i).is_some_and(|b| *b != b' ' && *b != b'\t') {
                    i += 1;
                }
            }
            let s = l
                .get((i.saturating_add(skip_c)).min(l.len())..)
                .unwrap_or(&[]);
            let mut s = s.get(..check.min(s.len())).unwrap_or(s).to_vec();
            if icase {
                s.make_ascii_lowercase();
            }
            s
        };
        let body = data.strip_suffix(b"\n").unwrap_or(&data);
        let lines: Vec<&[u8]> = if data.is_empty() {
            Vec::new()
        } else {
            body.split(|&b| b == b'\n').collect()
        };
        let mut out = Vec::new();
        let mut i = 0;
        while let Some(first) = lines.get(i) {
            let k = key(first);
            let mut j = i + 1;
            while lines.get(j).is_some_and(|l| key(l) == k) {
                j += 1;
            }
            let n = j - i;
            if (!dup || n > 1) && (!uniq || n == 1) {
                if count {
                    out.extend_from_slice(format!("{n:>7} ").as_bytes());
                }
                out.extend_from_slice(first);
                out.push(b'\n');
            }
            i = j;
        }
        if let Some(o) = ops.get(1) {
            let fctx = ctx.fs_ctx();
            if let Err(e) = ctx
                .fs
                .write(ctx.cwd, o, &out, WriteMode::Truncate, 0o644, &fctx)
            {
                ctx.error("uniq", &format!("{o}: {e}"));
                return 1;
            }
            return 0;
        }
        ctx.stdout.write(&out);
        0
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn uniqs() {
        assert_eq!(
            run("uniq", &["-c"], "/", b"a\na\nb\nc\nc\nc\n").stdout,
            "      2 a\n      1 b\n      3 c\n"
        );
        assert_eq!(run("uniq", &["-d"], "/", b"a\na\nb\n").stdout, "a\n");
        assert_eq!(run("uniq", &["-u"], "/", b"a\na\nb\n").stdout, "b\n");
        assert_eq!(run("uniq", &[], "/", b"x\nx\ny\nx").stdout, "x\ny\nx\n");
        assert_eq!(run("uniq", &["-i"], "/", b"A\na\n").stdout, "A\n");
        let r = run("uniq", &["/nonexistent"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("uniq: /nonexistent: No such file or directory\n", 1)
        );
    }
}
