//! Shared engine of `md5sum`, `sha1sum` and `sha256sum` (coreutils 9.1): hashing files and
//! stdin, `-c` checking, `--tag`, `-b`/`-t` accepted. SHA-1 is implemented here (no extra
//! dependency); MD5 and SHA-256 use the `md-5` and `sha2` crates.

use md5::Md5;
use sha2::{Digest, Sha256};

use super::CmdCtx;
use super::util::{IGNORED, Val, getopt, or_stdin, read_input, usage};

/// Which digest.
#[derive(Clone, Copy)]
pub(crate) enum Algo {
    Md5,
    Sha1,
    Sha256,
}

impl Algo {
    fn name(self) -> &'static str {
        match self {
            Algo::Md5 => "md5sum",
            Algo::Sha1 => "sha1sum",
            Algo::Sha256 => "sha256sum",
        }
    }

    fn tag(self) -> &'static str {
        match self {
            Algo::Md5 => "MD5",
            Algo::Sha1 => "SHA1",
            Algo::Sha256 => "SHA256",
        }
    }

    fn hex(self, data: &[u8]) -> String {
        match self {
            Algo::Md5 => hex::encode(Md5::digest(data)),
            Algo::Sha1 => hex::encode(sha1(data)),
            Algo::Sha256 => hex::encode(Sha256::digest(data)),
        }
    }
}

/// SHA-1 (FIPS 180-4).
pub(crate) fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    let mut msg = data.to_vec();
    let bits = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bits.to_be_bytes());
    for block in msg.chunks_exact(64) {
        let mut w = [0u32; 80];
        for (i, word) in block.chunks_exact(4).enumerate() {
            if let (Some(slot), Ok(b)) = (w.get_mut(i), <[u8; 4]>::try_from(word)) {
                *slot = u32::from_be_bytes(b);
            }
        }
        for i in 16..80 {
            let v = w.get(i - 3).copied().unwrap_or(0)
                ^ w.get(i - 8).copied().unwrap_or(0)
                ^ w.get(i - 14).copied().unwrap_or(0)
                ^ w.get(i - 16).copied().unwrap_or(0);
            if let Some(slot) = w.get_mut(i) {
                *slot = v.rotate_left(1);
            }
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, wi) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 20];
    for (chunk, v) in out.chunks_exact_mut(4).zip(h) {
        chunk.copy_from_slice(&v.to_be_bytes());
    }
    out
}

/// Runs `md5sum`/`sha1sum`/`sha256sum`.
pub(crate) fn run(ctx: &mut CmdCtx<'_>, args: &[String], algo: Algo) -> i32 {
    let name = algo.name();
    let long = [
        ("binary", 'b', Val::No),
        ("check", 'c', Val::No),
        ("ignore-missing", IGNORED, Val::No),
        ("quiet", 'q', Val::No),
        ("status", 's', Val::No),
        ("warn", 'w', Val::No),
        ("strict", 'S', Val::No),
        ("tag", 'T', Val::No),
        ("text", 't', Val::No),
        ("zero", 'z', Val::No),
    ];
    let (opts, ops) = match getopt(args, "cbtwz", &long) {
        Ok(x) => x,
        Err(e) => return usage(ctx, name, &e, 1),
    };
    let has = |c| opts.iter().any(|o: &(char, Option<String>)| o.0 == c);
    let mut status = 0;
    let mut out = String::new();
    if has('c') {
        let (quiet, silent) = (has('q'), has('s'));
        let mut failed = 0;
        for f in or_stdin(&ops) {
            let list = match read_input(ctx, &f) {
                Ok(d) => d,
                Err(e) => {
                    ctx.error(name, &format!("{f}: {e}"));
                    status = 1;
                    continue;
                }
            };
            for line in String::from_utf8_lossy(&list).lines() {
                let Some((sum, file)) = line.split_once("  ").or_else(|| line.split_once(" *"))
                else {
                    continue;
                };
                match read_input(ctx, file) {
                    Ok(d) => {
                        if algo.hex(&d).eq_ignore_ascii_case(sum) {
                            if !quiet && !silent {
                                out.push_str(&format!("{file}: OK\n"));
                            }
                        } else {
                            failed += 1;
                            if !silent {
                                out.push_str(&format!("{file}: FAILED\n"));
                            }
                        }
                    }
                    Err(e) => {
                        ctx.error(name, &format!("{file}: {e}"));
                        out.push_str(&format!("{file}: FAILED open or read\n"));
                        failed += 1;
                    }
                }
            }
        }
        ctx.stdout.write_str(&out);
        if failed > 0 {
            if !silent {
                let s = if failed == 1 { "" } else { "s" };
                ctx.error(
                    name,
                    &format!("WARNING: {failed} computed checksum{s} did NOT match"),
                );
            }
            status = 1;
        }
        return status;
    }
    for f in or_stdin(&ops) {
        match read_input(ctx, &f) {
            Ok(d) => {
                if has('T') {
                    out.push_str(&format!("{} ({f}) = {}\n", algo.tag(), algo.hex(&d)));
                } else {
                    out.push_str(&format!("{}  {f}\n", algo.hex(&d)));
                }
            }
            Err(e) => {
                ctx.stdout.write_str(&std::mem::take(&mut out));
                ctx.error(name, &format!("{f}: {e}"));
                status = 1;
            }
        }
    }
    ctx.stdout.write_str(&out);
    status
}
