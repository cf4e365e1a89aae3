//! Which processes a `pkill` pattern or `killall` name selects. `pkill PATTERN` and
//! `killall -r PATTERN` are POSIX extended regexes as glibc's `regcomp(REG_EXTENDED)` takes
//! them, searched (unanchored) in the process name (`comm`, 15 characters) or, with
//! `pkill -f`, the whole command line; `pkill -x` anchors as procps does (`^(PATTERN)$`).
//! glibc refuses a few patterns GNU grep takes (a leading `*`, `+`, `?` or `{`) and takes a
//! stray `)` as a literal, so patterns are checked here with glibc's messages first, then
//! compiled with the crate's engine (`regex.rs`), which also bounds the matching work.

use super::CmdCtx;
use super::regex::Regex;
use super::sysmodel;

/// Matching options shared by `killall` and `pkill`.
#[derive(Default)]
pub(crate) struct Sel {
    pub sig: Option<usize>,
    pub user: Option<String>,
    pub full: bool,
    pub exact: bool,
    pub icase: bool,
    pub quiet: bool,
    pub verbose: bool,
    /// `killall -r`: names are regexes.
    pub regex: bool,
    pub names: Vec<String>,
}

const CLASSES: &[&str] = &[
    "alpha", "upper", "lower", "digit", "xdigit", "space", "print", "punct", "graph", "cntrl",
    "blank", "alnum",
];

/// Checks `pat` as glibc's `regcomp` (extended syntax) would, returning glibc's message for
/// what it refuses, and the pattern rewritten for the crate's engine (a stray `)` escaped).
pub(crate) fn glibc_ere(pat: &str) -> Result<String, &'static str> {
    let chars: Vec<char> = pat.chars().collect();
    let mut out = String::with_capacity(pat.len());
    let mut depth = 0usize;
    // At the start of an expression a repetition operator has nothing to repeat.
    let mut at_start = true;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' => {
                let n = chars.get(i + 1).ok_or("Trailing backslash")?;
                out.push(c);
                out.push(*n);
                i += 2;
                at_start = false;
                continue;
            }
            '*' | '+' | '?' | '{' if at_start => {
                return Err("Invalid preceding regular expression");
            }
            '(' => {
                depth += 1;
                at_start = true;
                out.push(c);
                i += 1;
                continue;
            }
            '|' => {
                at_start = true;
                out.push(c);
                i += 1;
                continue;
            }
            ')' if depth == 0 => out.push_str("\\)"),
            ')' => {
                depth -= 1;
                out.push(c);
            }
            '[' => {
                let end = bracket_end(&chars, i)?;
                out.extend(chars.get(i..end).unwrap_or(&[]));
                i = end;
                at_start = false;
                continue;
            }
            _ => out.push(c),
        }
        at_start = false;
        i += 1;
    }
    if depth > 0 {
        return Err("Unmatched ( or \\(");
    }
    Ok(out)
}

/// The index just past the bracket expression opening at `i`, checking class names and
/// ranges as glibc does.
fn bracket_end(chars: &[char], i: usize) -> Result<usize, &'static str> {
    if i + 1 >= chars.len() {
        return Err("Invalid regular expression");
    }
    let mut j = i + 1;
    if chars.get(j) == Some(&'^') {
        j += 1;
    }
    let mut first = true;
    let mut prev: Option<char> = None;
    loop {
        let Some(&c) = chars.get(j) else {
            return Err("Unmatched [, [^, [:, [., or [=");
        };
        if c == ']' && !first {
            return Ok(j + 1);
        }
        first = false;
        if c == '[' && matches!(chars.get(j + 1), Some(':' | '.' | '=')) {
            let kind = chars.get(j + 1).copied().unwrap_or(':');
            let rest: String = chars.get(j + 2..).unwrap_or(&[]).iter().collect();
            let Some(len) = rest.find(&format!("{kind}]")) else {
                return Err("Unmatched [, [^, [:, [., or [=");
            };
            let name = rest.get(..len).unwrap_or("");
            if kind == ':' && !CLASSES.contains(&name) {
                return Err("Invalid character class name");
            }
            j += 2 + name.chars().count() + 2;
            prev = None;
            continue;
        }
        if c == '-'
            && let (Some(lo), Some(&hi)) = (prev, chars.get(j + 1))
            && hi != ']'
        {
            if hi < lo {
                return Err("Invalid range end");
            }
            j += 2;
            prev = None;
            continue;
        }
        prev = Some(c);
        j += 1;
    }
}

/// Compiles a process pattern (`anchor`: `pkill -x`).
pub(crate) fn compile(pat: &str, icase: bool, anchor: bool) -> Result<Regex, String> {
    let ere = glibc_ere(pat).map_err(str::to_string)?;
    let ere = if anchor { format!("^({ere})$") } else { ere };
    Regex::new(&ere, true, icase)
}

/// The processes of the model (not this session's shell) that `pat` selects: a regex
/// (`pkill`, `killall -r`), or for `killall` a name compared whole.
pub(crate) fn matches(
    ctx: &mut CmdCtx<'_>,
    sel: &Sel,
    pat: &str,
    killall: bool,
) -> Result<Vec<(u32, String)>, String> {
    let re = if !killall || sel.regex {
        Some(compile(pat, sel.icase, !killall && sel.exact)?)
    } else {
        None
    };
    let fold = |s: &str| {
        if sel.icase {
            s.to_lowercase()
        } else {
            s.to_string()
        }
    };
    let rows = sysmodel::background(ctx.persona, ctx.sys);
    Ok(rows
        .into_iter()
        .filter(|r| sel.user.as_ref().is_none_or(|u| &r.p.user == u))
        .filter(|r| {
            let comm = sysmodel::comm(&r.p.cmd);
            let hay = if sel.full { &r.p.cmd } else { &comm };
            match &re {
                Some(re) => {
                    let t: Vec<char> = hay.chars().collect();
                    re.find_at(&t, 0, &|_, _| true).is_some()
                }
                None => {
                    let (hay, pat) = (fold(hay), fold(pat));
                    let base = pat.rsplit('/').next().unwrap_or(&pat);
                    hay == base || (!sel.exact && base.len() > 15 && base.starts_with(&hay))
                }
            }
        })
        .map(|r| (r.p.pid, sysmodel::comm(&r.p.cmd)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// glibc's answers, captured with `pgrep PATTERN` on Debian 12.
    #[test]
    fn patterns_are_refused_as_glibc_refuses_them() {
        let cases: &[(&str, Option<&str>)] = &[
            ("[", Some("Invalid regular expression")),
            ("a[", Some("Invalid regular expression")),
            ("[a", Some("Unmatched [, [^, [:, [., or [=")),
            ("[[:alpha:]", Some("Unmatched [, [^, [:, [., or [=")),
            ("[[:foo:]]", Some("Invalid character class name")),
            ("x[b-a]", Some("Invalid range end")),
            ("(", Some("Unmatched ( or \\(")),
            ("(a", Some("Unmatched ( or \\(")),
            ("a{2,1}", Some("Invalid content of \\{\\}")),
            ("x{1", Some("Unmatched \\{")),
            ("*a", Some("Invalid preceding regular expression")),
            ("+", Some("Invalid preceding regular expression")),
            ("?a", Some("Invalid preceding regular expression")),
            ("{1}a", Some("Invalid preceding regular expression")),
            ("(*a)", Some("Invalid preceding regular expression")),
            ("a|*", Some("Invalid preceding regular expression")),
            ("\\", Some("Trailing backslash")),
            ("a**", None),
            ("a)", None),
            (")", None),
            ("a{,2}", None),
            ("ba.h|sle+p", None),
            ("[]a]", None),
            ("[^[:digit:]-]", None),
        ];
        for (pat, want) in cases {
            let got = compile(pat, false, false).err();
            assert_eq!(got.as_deref(), *want, "{pat}");
        }
    }

    #[test]
    fn a_stray_paren_is_a_literal() {
        let re = compile("a)", false, false).expect("compiles");
        let t: Vec<char> = "xa)y".chars().collect();
        assert!(re.find_at(&t, 0, &|_, _| true).is_some());
        let t: Vec<char> = "xay".chars().collect();
        assert!(re.find_at(&t, 0, &|_, _| true).is_none());
    }

    /// The persona runs `cron` (445), `rsyslogd` (447) and `sshd` (472).
    #[test]
    fn pkill_and_killall_r_take_regexes() {
        use crate::commands::testutil::run;
        let killed = |name: &str, args: &[&str]| {
            let r = run(name, args, "/", b"");
            let mut k: Vec<u32> = r.sys.killed.iter().copied().collect();
            k.sort_unstable();
            (k, r.code, r.stderr)
        };
        assert_eq!(killed("pkill", &["c.on"]), (vec![445], 0, String::new()));
        assert_eq!(
            killed("pkill", &["^(cron|rsys)"]),
            (vec![445, 447], 0, String::new())
        );
        assert_eq!(killed("pkill", &["-x", "cro"]), (vec![], 1, String::new()));
        assert_eq!(
            killed("pkill", &["-x", "cro."]),
            (vec![445], 0, String::new())
        );
        assert_eq!(
            killed("pkill", &["-i", "^CRON$"]),
            (vec![445], 0, String::new())
        );
        assert_eq!(
            killed("pkill", &["-f", "cron -f$"]),
            (vec![445], 0, String::new())
        );
        assert_eq!(
            killed("pkill", &["("]),
            (
                vec![],
                2,
                "pkill: regex error: Unmatched ( or \\(\n".to_string()
            )
        );
        assert_eq!(
            killed("killall", &["-r", "^cr"]),
            (vec![445], 0, String::new())
        );
        assert_eq!(
            killed("killall", &["-r", "-I", "^RSYSLOG"]),
            (vec![447], 0, String::new())
        );
        assert_eq!(
            killed("killall", &["--regexp", "zz+q"]),
            (vec![], 1, "zz+q: no process found\n".to_string())
        );
        assert_eq!(
            killed("killall", &["-r", "cron", "("]),
            (
                vec![],
                1,
                "killall: Bad regular expression: (\n".to_string()
            )
        );
        // Without -r a killall name is compared whole.
        assert_eq!(
            killed("killall", &["cro"]),
            (vec![], 1, "cro: no process found\n".to_string())
        );
    }
}
