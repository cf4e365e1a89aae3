//! `base64`: encode or decode base64 data (coreutils 9.1).
//!
//! Emulated: encoding with `-w COLS` wrapping (76 by default, 0 = none), `-d` decoding
//! (newlines ignored, `-i` also skips other garbage), `base64: invalid input` with exit 1
//! (printing what decoded before the error), files and `-`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::util::{Val, getopt, q, read_input, usage};
use super::{CmdCtx, Command};

/// `base64`.
pub struct Base64;

impl Command for Base64 {
    fn name(&self) -> &'static str {
        "base64"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/base64"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("decode", 'd', Val::No),
            ("wrap", 'w', Val::Req),
            ("ignore-garbage", 'i', Val::No),
        ];
        let (opts, ops) = match getopt(args, "dw:i", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "base64", &e, 1),
        };
        let mut decode = false;
        let mut garbage = false;
        let mut wrap = 76usize;
        for (c, v) in opts {
            match c {
                'd' => decode = true,
                'i' => garbage = true,
                'w' => {
                    let v = v.unwrap_or_default();
                    match v.parse::<u64>() {
                        Ok(n) => wrap = usize::try_from(n).unwrap_or(usize::MAX),
                        Err(_) => {
                            ctx.error("base64", &format!("invalid wrap size: {}", q(&v)));
                            return 1;
                        }
                    }
                }
                _ => {}
            }
        }
        if ops.len() > 1 {
            let extra = ops.get(1).cloned().unwrap_or_default();
            return usage(ctx, "base64", &format!("extra operand {}", q(&extra)), 1);
        }
        let f = ops.first().cloned().unwrap_or_else(|| "-".into());
        let data = match read_input(ctx, &f) {
            Ok(d) => d,
            Err(e) => {
                ctx.error("base64", &format!("{f}: {e}"));
                return 1;
            }
        };
        if decode {
            let clean: Vec<u8> = data
                .iter()
                .copied()
                .filter(|b| {
                    if garbage {
                        b.is_ascii_alphanumeric() || b"+/=".contains(b)
                    } else {
                        *b != b'\n'
                    }
                })
                .collect();
            // Decode whole quads while they are valid, as GNU prints up to the error.
            let mut out = Vec::new();
            for chunk in clean.chunks(4) {
                let mut c = chunk.to_vec();
                if c.len() < 4 && !c.is_empty() && c.iter().all(|b| *b != b'=') {
                    c.resize(4, b'=');
                }
                match STANDARD.decode(&c) {
                    Ok(d) => out.extend(d),
                    Err(_) => {
                        ctx.stdout.write(&out);
                        ctx.error("base64", "invalid input");
                        return 1;
                    }
                }
            }
            ctx.stdout.write(&out);
            return 0;
        }
        let enc = STANDARD.encode(&data);
        let mut out = String::with_capacity(enc.len() + enc.len() / 76 + 1);
        if wrap == 0 {
            out.push_str(&enc);
        } else {
            for (i, ch) in enc.as_bytes().chunks(wrap).enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                out.push_str(&String::from_utf8_lossy(ch));
            }
            if !enc.is_empty() {
                out.push('\n');
            }
        }
        ctx.stdout.write_str(&out);
        0
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn codes() {
        assert_eq!(run("base64", &[], "/", b"hello").stdout, "aGVsbG8=\n");
        assert_eq!(run("base64", &["-d"], "/", b"aGVsbG8=\n").stdout, "hello");
        assert_eq!(
            run(
                "base64",
                &["-w", "20"],
                "/",
                b"root:x:0:0:root:/root:/bin/bash"
            )
            .stdout
            .lines()
            .next(),
            Some("cm9vdDp4OjA6MDpyb290")
        );
        let r = run("base64", &["-d"], "/", b"!!\n");
        assert_eq!((r.stderr.as_str(), r.code), ("base64: invalid input\n", 1));
        assert_eq!(
            run("base64", &[], "/", &[0u8; 100])
                .stdout
                .lines()
                .next()
                .map(str::len),
            Some(76)
        );
    }
}
