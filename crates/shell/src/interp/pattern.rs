//! Shell pattern matching (`fnmatch`): `*`, `?`, `[...]` with ranges, negation (`!`/`^`)
//! and POSIX classes (`[:alpha:]`), backslash escapes.
//!
//! Used by `case`, `[[ == ]]`, `${x#pat}`-style operators and pathname expansion. Matching
//! is the classic single-backtrack-point algorithm, O(len(text) × len(pattern)), and every
//! step is charged to a budget so an attacker cannot make one line spin.
//!
//! Known limits: no extglob (`@(a|b)`), no collating symbols or equivalence classes, and
//! ranges compare code points (bash in the C.UTF-8 locale does the same).

/// One element of a compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Pat {
    Lit(char),
    Any,
    Star,
    Class { neg: bool, items: Vec<Item> },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Item {
    Ch(char),
    Range(char, char),
    Named(String),
}

fn named(name: &str, c: char) -> bool {
    match name {
        "alpha" => c.is_alphabetic(),
        "digit" => c.is_ascii_digit(),
        "alnum" => c.is_alphanumeric(),
        "upper" => c.is_uppercase(),
        "lower" => c.is_lowercase(),
        "space" => c.is_whitespace(),
        "blank" => c == ' ' || c == '\t',
        "punct" => c.is_ascii_punctuation(),
        "xdigit" => c.is_ascii_hexdigit(),
        "cntrl" => c.is_control(),
        "print" => !c.is_control(),
        "graph" => !c.is_control() && c != ' ',
        "word" => c.is_alphanumeric() || c == '_',
        _ => false,
    }
}

impl Pat {
    fn matches(&self, c: char) -> bool {
        match self {
            Pat::Lit(l) => *l == c,
            Pat::Any => true,
            Pat::Star => true,
            Pat::Class { neg, items } => {
                let hit = items.iter().any(|i| match i {
                    Item::Ch(x) => *x == c,
                    Item::Range(a, b) => *a <= c && c <= *b,
                    Item::Named(n) => named(n, c),
                });
                hit != *neg
            }
        }
    }
}

/// Compiles a pattern. An unterminated `[` is a literal `[`.
pub(crate) fn compile(pat: &str) -> Vec<Pat> {
    let chars: Vec<char> = pat.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' => {
                match chars.get(i + 1) {
                    Some(&n) => out.push(Pat::Lit(n)),
                    None => out.push(Pat::Lit('\\')),
                }
                i += 2;
            }
            '*' => {
                if out.last() != Some(&Pat::Star) {
                    out.push(Pat::Star);
                }
                i += 1;
            }
            '?' => {
                out.push(Pat::Any);
                i += 1;
            }
            '[' => match class(&chars, i + 1) {
                Some((p, next)) => {
                    out.push(p);
                    i = next;
                }
                None => {
                    out.push(Pat::Lit('['));
                    i += 1;
                }
            },
            _ => {
                out.push(Pat::Lit(c));
                i += 1;
            }
        }
    }
    out
}

fn class(chars: &[char], mut i: usize) -> Option<(Pat, usize)> {
    let mut neg = false;
    if matches!(chars.get(i), Some('!' | '^')) {
        neg = true;
        i += 1;
    }
    let mut items = Vec::new();
    let mut first = true;
    loop {
        let c = *chars.get(i)?;
        if c == ']' && !first {
            return Some((Pat::Class { neg, items }, i + 1));
        }
        first = false;
        if c == '[' && chars.get(i + 1) == Some(&':') {
            let rest: String = chars.get(i + 2..)?.iter().collect();
            if let Some(end) = rest.find(":]") {
                items.push(Item::Named(rest.get(..end)?.to_string()));
                i += 2 + rest.get(..end)?.chars().count() + 2;
                continue;
            }
        }
        let c = if c == '\\' {
            i += 1;
            *chars.get(i)?
        } else {
            c
        };
        if chars.get(i + 1) == Some(&'-') && chars.get(i + 2).is_some_and(|&n| n != ']') {
            let hi = *chars.get(i + 2)?;
            items.push(Item::Range(c, hi));
            i += 3;
        } else {
            items.push(Item::Ch(c));
            i += 1;
        }
    }
}

/// Whether a pattern string contains an unescaped glob character.
pub(crate) fn has_glob(pat: &str) -> bool {
    let mut esc = false;
    for c in pat.chars() {
        if esc {
            esc = false;
            continue;
        }
        match c {
            '\\' => esc = true,
            '*' | '?' | '[' => return true,
            _ => {}
        }
    }
    false
}

/// Escapes glob characters so the text matches itself literally.
pub(crate) fn escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            s.push('\\');
        }
        s.push(c);
    }
    s
}

/// Removes backslash escapes (a pattern that matched nothing is used literally).
pub(crate) fn unescape(pat: &str) -> String {
    let mut s = String::with_capacity(pat.len());
    let mut esc = false;
    for c in pat.chars() {
        if !esc && c == '\\' {
            esc = true;
            continue;
        }
        esc = false;
        s.push(c);
    }
    s
}

/// Whole-string match. `None` when the budget ran out.
pub(crate) fn matches(p: &[Pat], s: &[char], budget: &mut u64) -> Option<bool> {
    let (mut pi, mut si) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        *budget = budget.checked_sub(1)?;
        if let (Some(pe), Some(&sc)) = (p.get(pi), s.get(si)) {
            if *pe == Pat::Star {
                star = Some((pi, si));
                pi += 1;
                continue;
            }
            if pe.matches(sc) {
                pi += 1;
                si += 1;
                continue;
            }
        }
        match star {
            Some((sp, ss)) => {
                pi = sp + 1;
                si = ss + 1;
                star = Some((sp, ss + 1));
            }
            None => return Some(false),
        }
    }
    while p.get(pi) == Some(&Pat::Star) {
        pi += 1;
    }
    Some(pi == p.len())
}

/// Convenience: match a text against a pattern string.
pub(crate) fn fnmatch(pat: &str, text: &str, budget: &mut u64) -> Option<bool> {
    let p = compile(pat);
    let s: Vec<char> = text.chars().collect();
    matches(&p, &s, budget)
}

/// Which end `${x#p}`-style removal works on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trim {
    ShortPrefix,
    LongPrefix,
    ShortSuffix,
    LongSuffix,
}

/// `${x#p}`, `${x##p}`, `${x%p}`, `${x%%p}`.
pub(crate) fn trim(text: &str, pat: &str, how: Trim, budget: &mut u64) -> Option<String> {
    let p = compile(pat);
    let s: Vec<char> = text.chars().collect();
    let n = s.len();
    let collect = |v: &[char]| v.iter().collect::<String>();
    match how {
        Trim::ShortPrefix | Trim::LongPrefix => {
            let order: Box<dyn Iterator<Item = usize>> = if how == Trim::ShortPrefix {
                Box::new(0..=n)
            } else {
                Box::new((0..=n).rev())
            };
            for k in order {
                if matches(&p, s.get(..k)?, budget)? {
                    return Some(collect(s.get(k..)?));
                }
            }
        }
        Trim::ShortSuffix | Trim::LongSuffix => {
            let order: Box<dyn Iterator<Item = usize>> = if how == Trim::ShortSuffix {
                Box::new((0..=n).rev())
            } else {
                Box::new(0..=n)
            };
            for k in order {
                if matches(&p, s.get(k..)?, budget)? {
                    return Some(collect(s.get(..k)?));
                }
            }
        }
    }
    Some(text.to_string())
}

/// Where `${x/p/r}` replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replace {
    First,
    All,
    Prefix,
    Suffix,
}

/// `${x/p/r}`, `${x//p/r}`, `${x/#p/r}`, `${x/%p/r}`: longest match at the earliest place.
pub(crate) fn replace(
    text: &str,
    pat: &str,
    rep: &str,
    how: Replace,
    budget: &mut u64,
) -> Option<String> {
    let p = compile(pat);
    let s: Vec<char> = text.chars().collect();
    let n = s.len();
    if p.is_empty() {
        return Some(text.to_string());
    }
    let longest_at = |i: usize, budget: &mut u64, to_end: bool| -> Option<Option<usize>> {
        let ends: Box<dyn Iterator<Item = usize>> = if to_end {
            Box::new(std::iter::once(n))
        } else {
            Box::new((i..=n).rev())
        };
        for e in ends {
            if matches(&p, s.get(i..e)?, budget)? {
                return Some(Some(e));
            }
        }
        Some(None)
    };
    let mut out = String::new();
    match how {
        Replace::Prefix => match longest_at(0, budget, false)? {
            Some(e) => {
                out.push_str(rep);
                out.extend(s.get(e..)?.iter());
            }
            None => return Some(text.to_string()),
        },
        Replace::Suffix => {
            for i in 0..=n {
                if longest_at(i, budget, true)?.is_some() {
                    out.extend(s.get(..i)?.iter());
                    out.push_str(rep);
                    return Some(out);
                }
            }
            return Some(text.to_string());
        }
        Replace::First | Replace::All => {
            let mut i = 0;
            let mut done = false;
            while i < n {
                if !done
                    && let Some(e) = longest_at(i, budget, false)?
                    && e > i
                {
                    out.push_str(rep);
                    i = e;
                    if how == Replace::First {
                        done = true;
                    }
                    continue;
                }
                out.push(*s.get(i)?);
                i += 1;
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, s: &str) -> bool {
        fnmatch(p, s, &mut 1_000_000).unwrap_or(false)
    }

    #[test]
    fn globbing() {
        assert!(m("*.txt", "a.txt"));
        assert!(!m("*.txt", "a.txd"));
        assert!(m("a?c", "abc"));
        assert!(m("[a-c]x", "bx"));
        assert!(m("[!a-c]x", "dx"));
        assert!(m("[[:digit:]]*", "1abc"));
        assert!(m("\\*", "*"));
        assert!(!m("\\*", "a"));
        assert!(m("[", "["));
        assert!(m("*a*b*c*", "xxaxxbxxcxx"));
        assert!(m("", ""));
        assert!(!m("", "a"));
    }

    #[test]
    fn trims_and_replaces() {
        let b = &mut 1_000_000;
        assert_eq!(
            trim("a.b.c", "*.", Trim::ShortPrefix, b).as_deref(),
            Some("b.c")
        );
        assert_eq!(
            trim("a.b.c", "*.", Trim::LongPrefix, b).as_deref(),
            Some("c")
        );
        assert_eq!(
            trim("a.b.c", ".*", Trim::ShortSuffix, b).as_deref(),
            Some("a.b")
        );
        assert_eq!(
            trim("a.b.c", ".*", Trim::LongSuffix, b).as_deref(),
            Some("a")
        );
        assert_eq!(
            replace("aXbXc", "X", "-", Replace::First, b).as_deref(),
            Some("a-bXc")
        );
        assert_eq!(
            replace("aXbXc", "X", "-", Replace::All, b).as_deref(),
            Some("a-b-c")
        );
        assert_eq!(
            replace("abc", "a", "z", Replace::Prefix, b).as_deref(),
            Some("zbc")
        );
        assert_eq!(
            replace("abc", "c", "z", Replace::Suffix, b).as_deref(),
            Some("abz")
        );
        assert!(trim(&"a".repeat(5000), "*b", Trim::LongPrefix, &mut 1000).is_none());
    }
}
