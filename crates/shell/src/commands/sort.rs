//! `sort`: sort lines of text (coreutils 9.1, `LC_ALL=C.UTF-8`: byte order).
//!
//! Emulated: `-n -h -g -r -u -f -b -k POS1[,POS2] -t SEP -o FILE -s -V`(as `-n`-ish), several
//! inputs and `-`, the last-resort whole-line comparison, `sort: cannot read: x: ...` with
//! exit status 2. Known gaps: per-key option letters (`-k2n`) apply globally; `-M` month
//! sort and `-R` are not emulated (`-R` keeps input order).

use std::cmp::Ordering;

use miragepot_vfs::WriteMode;

use super::util::{IGNORED, Val, argmatch, getopt, or_stdin, read_input, usage};
use super::{CmdCtx, Command};

/// `sort`.
pub struct Sort;

#[derive(Default, Clone, Copy)]
struct Keys {
    numeric: bool,
    human: bool,
    fold: bool,
    blanks: bool,
}

fn key_of<'a>(line: &'a [u8], k: &(usize, usize, usize, usize), sep: Option<u8>) -> &'a [u8] {
    let (f1, c1, f2, c2) = *k;
    let fields: Vec<(usize, usize)> = match sep {
        Some(s) => {
            let mut v = Vec::new();
            let mut start = 0;
            for (i, &b) in line.iter().enumerate() {
                if b == s {
                    v.push((start, i));
                    start = i + 1;
                }
            }
            v.push((start, line.len()));
            v
        }
        None => {
            let mut v = Vec::new();
            let mut i = 0;
            while i < line.len() {
                let start = i;
                while line.get(i).is_some_and(|b| *b == b' ' || *b == b'\t') {
                    i += 1;
                }
                while line.get(i).is_some_and(|b| *b != b' ' && *b != b'\t') {
                    i += 1;
                }
                v.push((start, i));
            }
            v
        }
    };
    let begin = match fields.get(f1.saturating_sub(1)) {
        Some((s, e)) => (s + c1.saturating_sub(1)).min(*e),
        None => return &[],
    };
    let end = if f2 == 0 {
        line.len()
    } else {
        match fields.get(f2 - 1) {
            Some((s, e)) => {
                if c2 == 0 {
                    *e
                } else {
                    (s + c2).min(*e)
                }
            }
            None => line.len(),
        }
    };
    line.get(begin..end.max(begin)).unwrap_or(&[])
}

fn num_prefix(s: &[u8], human: bool) -> f64 {
    let t = String::from_utf8_lossy(s);
    let t = t.trim_start();
    let end = t
        .char_indices()
        .find(|(i, c)| !(c.is_ascii_digit() || *c == '.' || (*i == 0 && *c == '-')))
        .map(|(i, _)| i)
        .unwrap_or(t.len());
    let v: f64 = t.get(..end).unwrap_or("").parse().unwrap_or(0.0);
    if !human {
        return v;
    }
    let mult = match t.get(end..).and_then(|r| r.chars().next()) {
        Some('K' | 'k') => 1e3,
        Some('M') => 1e6,
        Some('G') => 1e9,
        Some('T') => 1e12,
        Some('P') => 1e15,
        Some('E') => 1e18,
        _ => 1.0,
    };
    v * mult
}

/// Key of `--sort=WORD`.
const SORT: char = '\u{e000}';

impl Command for Sort {
    fn name(&self) -> &'static str {
        "sort"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/sort"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("ignore-leading-blanks", 'b', Val::No),
            ("check", 'c', Val::Opt),
            ("compress-program", IGNORED, Val::Req),
            ("debug", IGNORED, Val::No),
            ("dictionary-order", 'd', Val::No),
            ("ignore-case", 'f', Val::No),
            ("files0-from", IGNORED, Val::Req),
            ("general-numeric-sort", 'g', Val::No),
            ("ignore-nonprinting", 'i', Val::No),
            ("key", 'k', Val::Req),
            ("merge", 'm', Val::No),
            ("month-sort", 'M', Val::No),
            ("numeric-sort", 'n', Val::No),
            ("human-numeric-sort", 'h', Val::No),
            ("version-sort", 'V', Val::No),
            ("random-sort", 'R', Val::No),
            ("random-source", IGNORED, Val::Req),
            ("sort", SORT, Val::Req),
            ("output", 'o', Val::Req),
            ("reverse", 'r', Val::No),
            ("stable", 's', Val::No),
            ("batch-size", IGNORED, Val::Req),
            ("buffer-size", 'S', Val::Req),
            ("field-separator", 't', Val::Req),
            ("temporary-directory", 'T', Val::Req),
            ("unique", 'u', Val::No),
            ("zero-terminated", 'z', Val::No),
            ("parallel", IGNORED, Val::Req),
        ];
        let (opts, ops) = match getopt(args, "bcCdfghik:mMno:rRsS:t:T:uVy:z", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "sort", &e, 2),
        };
        let mut k = Keys::default();
        let (mut reverse, mut unique, mut stable, mut random) = (false, false, false, false);
        let mut key: Option<(usize, usize, usize, usize)> = None;
        let mut sep = None;
        let mut output = None;
        for (c, v) in opts {
            let v = v.unwrap_or_default();
            match c {
                'n' | 'g' | 'V' => k.numeric = true,
                SORT => {
                    let words: &[&[&str]] = &[
                        &["general-numeric"],
                        &["human-numeric"],
                        &["month"],
                        &["numeric"],
                        &["random"],
                        &["version"],
                    ];
                    match argmatch(ctx, "sort", "--sort", &v, words) {
                        Some(1) => k.human = true,
                        Some(4) => random = true,
                        Some(_) => k.numeric = true,
                        // argmatch failures exit 1 in every coreutils tool.
                        None => return 1,
                    }
                }
                'h' => k.human = true,
                'r' => reverse = true,
                'u' => unique = true,
                'f' => k.fold = true,
                'b' => k.blanks = true,
                's' => stable = true,
                'R' => random = true,
                't' => {
                    if v.len() != 1 {
                        ctx.error(
                            "sort",
                            if v.is_empty() {
                                "empty tab"
                            } else {
                                "multi-character tab"
                            },
                        );
                        return 2;
                    }
                    sep = v.bytes().next();
                }
                'o' => output = Some(v),
                'k' => {
                    let spec: String = v
                        .chars()
                        .filter(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
                        .collect();
                    for ch in v.chars().filter(|c| c.is_ascii_alphabetic()) {
                        match ch {
                            'n' | 'g' => k.numeric = true,
                            'h' => k.human = true,
                            'r' => reverse = true,
                            'f' => k.fold = true,
                            _ => k.blanks = true,
                        }
                    }
                    let pos = |p: &str| -> Option<(usize, usize)> {
                        let (f, c) = p.split_once('.').unwrap_or((p, "0"));
                        Some((f.parse::<usize>().ok()?, c.parse::<usize>().unwrap_or(0)))
                    };
                    let (a, b) = spec.split_once(',').unwrap_or((&spec, ""));
                    let Some((f1, c1)) = pos(a).filter(|(f, _)| *f > 0) else {
                        ctx.error(
                            "sort",
                            &format!(
                                "invalid number at field start: invalid count at start of {}",
                                super::util::q(&v)
                            ),
                        );
                        return 2;
                    };
                    let (f2, c2) = if b.is_empty() {
                        (0, 0)
                    } else {
                        pos(b).unwrap_or((0, 0))
                    };
                    key = Some((f1, c1.max(1), f2, c2));
                }
                _ => {}
            }
        }
        let mut data = Vec::new();
        for f in or_stdin(&ops) {
            match read_input(ctx, &f) {
                Ok(mut d) => {
                    if !d.is_empty() && d.last() != Some(&b'\n') {
                        d.push(b'\n');
                    }
                    data.extend_from_slice(&d);
                }
                Err(e) => {
                    ctx.error("sort", &format!("cannot read: {f}: {e}"));
                    return 2;
                }
            }
        }
        let body = data.strip_suffix(b"\n").unwrap_or(&data);
        let mut lines: Vec<&[u8]> = if data.is_empty() {
            Vec::new()
        } else {
            body.split(|&b| b == b'\n').collect()
        };
        let keyed = |l: &'_ [u8]| -> Vec<u8> {
            let mut s = match &key {
                Some(kk) => key_of(l, kk, sep).to_vec(),
                None => l.to_vec(),
            };
            if k.blanks {
                let n = s.iter().take_while(|b| **b == b' ' || **b == b'\t').count();
                s.drain(..n);
            }
            if k.fold {
                s.make_ascii_uppercase();
            }
            s
        };
        let cmp_key = |a: &[u8], b: &[u8]| -> Ordering {
            let (ka, kb) = (keyed(a), keyed(b));
            if k.numeric || k.human {
                num_prefix(&ka, k.human)
                    .partial_cmp(&num_prefix(&kb, k.human))
                    .unwrap_or(Ordering::Equal)
            } else {
                ka.cmp(&kb)
            }
        };
        if !random {
            lines.sort_by(|a, b| {
                let o = cmp_key(a, b);
                let o = if o == Ordering::Equal && !stable && !unique {
                    a.cmp(b)
                } else {
                    o
                };
                if reverse { o.reverse() } else { o }
            });
        }
        if unique {
            lines.dedup_by(|a, b| cmp_key(a, b) == Ordering::Equal);
        }
        let mut out = Vec::with_capacity(data.len());
        for l in lines {
            out.extend_from_slice(l);
            out.push(b'\n');
        }
        if let Some(o) = output {
            let fctx = ctx.fs_ctx();
            if let Err(e) = ctx
                .fs
                .write(ctx.cwd, &o, &out, WriteMode::Truncate, 0o644, &fctx)
            {
                ctx.error("sort", &format!("open failed: {o}: {e}"));
                return 2;
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

    const S: &[u8] = b"10\n9\n2\n1k\n2M\nb\na\nB\n";

    fn s(args: &[&str], stdin: &[u8]) -> String {
        run("sort", args, "/", stdin).stdout.replace('\n', " ")
    }

    #[test]
    fn sorts_like_gnu() {
        assert_eq!(s(&[], S), "10 1k 2 2M 9 B a b ");
        assert_eq!(s(&["-n"], S), "B a b 1k 2 2M 9 10 ");
        assert_eq!(s(&["-h"], S), "B a b 2 9 10 1k 2M ");
        assert_eq!(s(&["-rn"], S), "10 9 2M 2 1k b a B ");
        assert_eq!(s(&["-k2", "-n"], b"b 2\na 10\nc 1\n"), "c 1 b 2 a 10 ");
        assert_eq!(s(&["-t:", "-k2"], b"a:3\nb:1\n"), "b:1 a:3 ");
        assert_eq!(s(&["-u"], b"x\ny\nx\n"), "x y ");
        assert_eq!(s(&[], b"B\na\nb\nA"), "A B a b ");
        let r = run("sort", &["/nonexistent"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "sort: cannot read: /nonexistent: No such file or directory\n",
                2
            )
        );
        assert_eq!(run("sort", &["-k"], "/", b"").code, 2);
    }
}
