//! `seq`: print a sequence of numbers (coreutils 9.1).
//!
//! Emulated: `LAST`, `FIRST LAST`, `FIRST INCR LAST` with integers or decimals (the output
//! precision follows the operands), `-s SEP`, `-w` (equal width), `-f FMT` (`%g`/`%f`/`%e`
//! style), GNU errors. Output stops at the stdout cap.

use super::printf::fmt_float;
use super::util::{Val, getopt, q, usage};
use super::{CmdCtx, Command};

/// `seq`.
pub struct Seq;

fn decimals(s: &str) -> usize {
    s.split_once('.').map_or(0, |(_, d)| {
        d.chars().take_while(char::is_ascii_digit).count()
    })
}

impl Command for Seq {
    fn name(&self) -> &'static str {
        "seq"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/seq"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        // Negative numbers are operands, not options.
        let argv: Vec<String> = args
            .iter()
            .map(|a| {
                if a.len() > 1
                    && a.starts_with('-')
                    && a.as_bytes()
                        .get(1)
                        .is_some_and(|b| b.is_ascii_digit() || *b == b'.')
                {
                    format!("\u{1}{a}")
                } else {
                    a.clone()
                }
            })
            .collect();
        let long = [
            ("separator", 's', Val::Req),
            ("equal-width", 'w', Val::No),
            ("format", 'f', Val::Req),
        ];
        let (opts, ops) = match getopt(&argv, "s:wf:", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "seq", &e, 1),
        };
        let ops: Vec<String> = ops
            .into_iter()
            .map(|o| o.trim_start_matches('\u{1}').to_string())
            .collect();
        let sep = opts
            .iter()
            .find(|o| o.0 == 's')
            .and_then(|o| o.1.clone())
            .unwrap_or_else(|| "\n".into());
        let width = opts.iter().any(|o| o.0 == 'w');
        let fmt = opts.iter().find(|o| o.0 == 'f').and_then(|o| o.1.clone());
        if ops.is_empty() {
            return usage(ctx, "seq", "missing operand", 1);
        }
        if ops.len() > 3 {
            let extra = ops.get(3).cloned().unwrap_or_default();
            return usage(ctx, "seq", &format!("extra operand {}", q(&extra)), 1);
        }
        let mut nums = Vec::new();
        for o in &ops {
            match o.trim().parse::<f64>() {
                Ok(v) if !v.is_nan() => nums.push(v),
                _ => {
                    return usage(
                        ctx,
                        "seq",
                        &format!("invalid floating point argument: {}", q(o)),
                        1,
                    );
                }
            }
        }
        let (first, incr, last) = match nums.as_slice() {
            [l] => (1.0, 1.0, *l),
            [f, l] => (*f, 1.0, *l),
            [f, i, l] => (*f, *i, *l),
            _ => (1.0, 1.0, 0.0),
        };
        if incr == 0.0 {
            return usage(
                ctx,
                "seq",
                &format!(
                    "invalid Zero increment value: {}",
                    q(ops.get(1).map_or("0", |s| s.as_str()))
                ),
                1,
            );
        }
        let prec = ops
            .iter()
            .take(if ops.len() == 3 { 2 } else { 1 })
            .map(|s| decimals(s))
            .max()
            .unwrap_or(0)
            .max(if ops.len() == 1 {
                0
            } else {
                decimals(ops.first().map_or("", |s| s.as_str()))
            });
        let render = |v: f64| -> String {
            if let Some(f) = &fmt
                && let Some((pre, rest)) = f.split_once('%')
            {
                let conv = rest
                    .chars()
                    .find(|c| c.is_ascii_alphabetic())
                    .unwrap_or('g');
                let spec_len = rest.find(conv).map_or(0, |i| i + 1);
                let p: usize = rest
                    .split_once('.')
                    .and_then(|(_, r)| {
                        r.trim_end_matches(|c: char| c.is_ascii_alphabetic())
                            .parse()
                            .ok()
                    })
                    .unwrap_or(6);
                return format!(
                    "{pre}{}{}",
                    fmt_float(v, conv as u8, p, false),
                    rest.get(spec_len..).unwrap_or("")
                );
            }
            format!("{v:.prec$}")
        };
        let w = if width {
            render(first).len().max(render(last).len())
        } else {
            0
        };
        let mut out = String::new();
        let mut i: u64 = 0;
        loop {
            let v = first + incr * i as f64;
            if (incr > 0.0 && v > last + 1e-12)
                || (incr < 0.0 && v < last - 1e-12)
                || !v.is_finite()
            {
                break;
            }
            if i > 0 {
                out.push_str(&sep);
            }
            let s = render(v);
            if width && !s.starts_with('-') {
                out.push_str(&format!("{s:0>w$}"));
            } else {
                out.push_str(&s);
            }
            i += 1;
            if out.len() > 1 << 16 {
                ctx.stdout.write_str(&std::mem::take(&mut out));
                if ctx.stdout.is_full() {
                    return 0;
                }
            }
        }
        if i > 0 {
            out.push('\n');
        }
        ctx.stdout.write_str(&out);
        0
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    fn s(args: &[&str]) -> String {
        run("seq", args, "/", b"").stdout
    }

    #[test]
    fn sequences() {
        assert_eq!(s(&["3"]), "1\n2\n3\n");
        assert_eq!(s(&["1", "0.5", "2"]), "1.0\n1.5\n2.0\n");
        assert_eq!(s(&["-s,", "3"]), "1,2,3\n");
        assert_eq!(s(&["5", "-2", "1"]), "5\n3\n1\n");
        assert_eq!(s(&["-w", "8", "10"]), "08\n09\n10\n");
        assert_eq!(s(&["-3", "-1"]), "-3\n-2\n-1\n");
        assert_eq!(s(&["0"]), "");
        let r = run("seq", &["x"], "/", b"");
        assert_eq!(
            r.stderr,
            "seq: invalid floating point argument: \u{2018}x\u{2019}\nTry 'seq --help' for more information.\n"
        );
        assert!(run("seq", &["99999999999999999999"], "/", b"").stdout.len() > 1000);
    }
}
