//! awk's built-in functions: string functions (`length`, `substr`, `index`, `split`, `sub`,
//! `gsub`, `match`, `sprintf`, `tolower`, `toupper`), arithmetic, `rand`/`srand`, and
//! `system`/`close`/`fflush`.

use super::eval::Interp;
use super::parse::Expr;
use super::value::{Val, sprintf};

pub(super) fn call(it: &mut Interp<'_, '_>, name: &str, args: &[Expr]) -> Val {
    let arg = |it: &mut Interp<'_, '_>, i: usize| -> Val {
        match args.get(i) {
            Some(e) => it.eval(e),
            None => Val::Uninit,
        }
    };
    match name {
        "length" => {
            if let Some(Expr::Var(n)) = args.first()
                && let Some(len) = it.array_len(n)
            {
                return Val::Num(len as f64);
            }
            let s = match args.first() {
                Some(_) => {
                    let v = arg(it, 0);
                    it.str_of(&v)
                }
                None => it.record(),
            };
            Val::Num(s.len() as f64)
        }
        "substr" => {
            let v = arg(it, 0);
            let s: Vec<char> = it.str_of(&v).chars().collect();
            let len = s.len() as f64;
            let m = round(arg(it, 1).num());
            let n = if args.len() > 2 {
                round(arg(it, 2).num())
            } else {
                f64::INFINITY
            };
            let start = m.max(1.0);
            let end = (m + n).min(len + 1.0);
            if end <= start || start.is_nan() || end.is_nan() {
                return Val::Str(String::new());
            }
            let (a, b) = (start as usize - 1, end as usize - 1);
            Val::Str(s.get(a..b).unwrap_or(&[]).iter().collect())
        }
        "index" => {
            let s = arg(it, 0);
            let s = it.str_of(&s);
            let t = arg(it, 1);
            let t = it.str_of(&t);
            Val::Num(
                s.find(&t)
                    .map(|i| s.get(..i).unwrap_or("").chars().count() + 1)
                    .unwrap_or(0) as f64,
            )
        }
        "split" => {
            let s = arg(it, 0);
            let s = it.str_of(&s);
            let fs = match args.get(2) {
                Some(Expr::Ere(re)) => re.clone(),
                Some(e) => {
                    let v = it.eval(e);
                    it.str_of(&v)
                }
                None => it.var_str("FS"),
            };
            let parts = it.split_with(&s, &fs);
            let n = parts.len();
            if let Some(Expr::Var(a)) = args.get(1) {
                it.fill_array(a, parts);
            }
            Val::Num(n as f64)
        }
        "sub" | "gsub" => {
            let Some(re_e) = args.first() else {
                return Val::Num(0.0);
            };
            let pat = it.pattern(re_e);
            let repl = arg(it, 1);
            let repl = it.str_of(&repl);
            let target = args
                .get(2)
                .cloned()
                .unwrap_or(Expr::Field(Box::new(Expr::Num(0.0))));
            let cur = it.eval(&target);
            let cur = it.str_of(&cur);
            let Some(re) = it.compiled(&pat) else {
                return Val::Num(0.0);
            };
            let (out, n) = substitute(&re, &cur, &repl, name == "gsub");
            if n > 0 {
                it.store(&target, Val::Str(out));
            }
            Val::Num(n as f64)
        }
        "match" => {
            let s = arg(it, 0);
            let s = it.str_of(&s);
            let pat = match args.get(1) {
                Some(e) => it.pattern(e),
                None => String::new(),
            };
            let t: Vec<char> = s.chars().collect();
            let found = it
                .compiled(&pat)
                .and_then(|re| re.find_at(&t, 0, &|_, _| true));
            let (st, len) = match found {
                Some((a, b)) => ((a + 1) as f64, (b - a) as f64),
                None => (0.0, -1.0),
            };
            it.set_rstart(st, len);
            Val::Num(st)
        }
        "sprintf" => {
            let vals: Vec<Val> = (0..args.len()).map(|i| arg(it, i)).collect();
            let fmt = vals.first().map(|v| it.str_of(v)).unwrap_or_default();
            let conv = it.var_str("CONVFMT");
            Val::Str(sprintf(&fmt, vals.get(1..).unwrap_or(&[]), &conv))
        }
        "tolower" | "toupper" => {
            let v = arg(it, 0);
            let s = it.str_of(&v);
            Val::Str(if name == "tolower" {
                s.to_lowercase()
            } else {
                s.to_uppercase()
            })
        }
        "int" => Val::Num(arg(it, 0).num().trunc()),
        "sqrt" => Val::Num(arg(it, 0).num().sqrt()),
        "exp" => Val::Num(arg(it, 0).num().exp()),
        "log" => Val::Num(arg(it, 0).num().ln()),
        "sin" => Val::Num(arg(it, 0).num().sin()),
        "cos" => Val::Num(arg(it, 0).num().cos()),
        "atan2" => {
            let y = arg(it, 0).num();
            Val::Num(y.atan2(arg(it, 1).num()))
        }
        "rand" => Val::Num(it.next_rand()),
        "srand" => {
            let s = if args.is_empty() {
                it.ctx.now.unix_timestamp() as f64
            } else {
                arg(it, 0).num()
            };
            Val::Num(it.reseed(s))
        }
        "system" => {
            let v = arg(it, 0);
            let cmd = it.str_of(&v);
            Val::Num(f64::from(crate::commands::xargs::run_line(
                it.ctx, &cmd, b"", "sh",
            )))
        }
        "close" | "fflush" => {
            for a in 0..args.len() {
                arg(it, a);
            }
            Val::Num(0.0)
        }
        _ => Val::Uninit,
    }
}

/// Rounds half away from zero, as mawk's `d_to_I` after adding .5.
fn round(x: f64) -> f64 {
    if x.is_nan() { x } else { x.round() }
}

/// `sub`/`gsub` on `s`: the result and the number of replacements.
pub(super) fn substitute(
    re: &crate::commands::regex::Regex,
    s: &str,
    repl: &str,
    global: bool,
) -> (String, usize) {
    let t: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut pos = 0;
    let mut n = 0;
    let mut last_end: Option<usize> = None;
    while pos <= t.len() {
        let Some((a, b)) = re.find_at(&t, pos, &|_, _| true) else {
            break;
        };
        out.extend(t.get(pos..a).unwrap_or(&[]).iter());
        if a == b && last_end == Some(a) {
            // No empty match right after the previous match.
            if let Some(c) = t.get(a) {
                out.push(*c);
            }
            pos = a + 1;
            continue;
        }
        let matched: String = t.get(a..b).unwrap_or(&[]).iter().collect();
        let mut rc = repl.chars().peekable();
        while let Some(c) = rc.next() {
            match c {
                '\\' if matches!(rc.peek(), Some('&' | '\\')) => {
                    if let Some(x) = rc.next() {
                        out.push(x);
                    }
                }
                '&' => out.push_str(&matched),
                c => out.push(c),
            }
        }
        n += 1;
        if out.len() > 4 << 20 {
            break;
        }
        if a == b {
            if let Some(c) = t.get(a) {
                out.push(*c);
            }
            pos = a + 1;
        } else {
            pos = b;
        }
        last_end = Some(b);
        if !global {
            break;
        }
    }
    out.extend(t.get(pos.min(t.len())..).unwrap_or(&[]).iter());
    (out, n)
}
