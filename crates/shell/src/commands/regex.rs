//! A small backtracking regex engine for `grep` (and anything else that needs one).
//!
//! Supports POSIX basic (BRE) and extended (ERE) syntax as GNU grep reads it: literals, `.`,
//! bracket expressions with ranges and `[:classes:]`, anchors `^ $`, groups, alternation
//! (`\|` in BRE, `|` in ERE), repetition `* + ? {m,n}` (`\+ \? \{m,n\}` in BRE), back
//! references `\1`-`\9`, and GNU's `\< \> \b \B \w \W \s \S`. Matching is leftmost-first
//! with greedy repetition (not POSIX leftmost-longest) and is bounded by a step budget, so a
//! pathological pattern gives up (no match) instead of hanging. No regex crate is used.

/// One element of a compiled pattern.
#[derive(Debug, Clone)]
enum Node {
    Lit(char),
    Any,
    Class(Vec<ClassItem>, bool),
    Bol,
    Eol,
    WordB,
    NotWordB,
    WordStart,
    WordEnd,
    Group(Vec<Vec<Node>>, usize),
    Rep(Box<Node>, u32, Option<u32>),
    Backref(usize),
}

#[derive(Debug, Clone)]
enum ClassItem {
    Ch(char),
    Range(char, char),
    Named(String),
}

/// A compiled pattern.
#[derive(Debug, Clone)]
pub(crate) struct Regex {
    alts: Vec<Vec<Node>>,
    groups: usize,
    icase: bool,
}

const STEP_LIMIT: u64 = 2_000_000;

struct Parser<'a> {
    s: &'a [char],
    i: usize,
    ere: bool,
    groups: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }

    fn peek2(&self) -> Option<char> {
        self.s.get(self.i + 1).copied()
    }

    fn at_alt_end(&self) -> bool {
        match (self.peek(), self.peek2()) {
            (None, _) => true,
            (Some('|'), _) if self.ere => true,
            (Some(')'), _) if self.ere => true,
            (Some('\\'), Some('|' | ')')) if !self.ere => true,
            _ => false,
        }
    }

    fn alts(&mut self) -> Result<Vec<Vec<Node>>, String> {
        let mut alts = vec![self.seq()?];
        loop {
            match (self.peek(), self.peek2()) {
                (Some('|'), _) if self.ere => self.i += 1,
                (Some('\\'), Some('|')) if !self.ere => self.i += 2,
                _ => break,
            }
            alts.push(self.seq()?);
        }
        Ok(alts)
    }

    fn seq(&mut self) -> Result<Vec<Node>, String> {
        let mut seq: Vec<Node> = Vec::new();
        let start = self.i;
        while !self.at_alt_end() {
            let c = self.peek().unwrap_or('\0');
            let node = match c {
                '^' if self.ere || self.i == start => {
                    self.i += 1;
                    Node::Bol
                }
                '$' => {
                    self.i += 1;
                    if self.ere || self.at_alt_end() {
                        Node::Eol
                    } else {
                        Node::Lit('$')
                    }
                }
                '.' => {
                    self.i += 1;
                    Node::Any
                }
                '[' => self.bracket()?,
                '*' if seq.is_empty() => {
                    self.i += 1;
                    Node::Lit('*')
                }
                '*' | '+' | '?' | '{' if self.ere => {
                    if seq.is_empty() {
                        self.i += 1;
                        Node::Lit(c)
                    } else {
                        self.repeat(&mut seq)?;
                        continue;
                    }
                }
                '*' => {
                    self.repeat(&mut seq)?;
                    continue;
                }
                '(' if self.ere => {
                    self.i += 1;
                    self.group()?
                }
                '\\' => {
                    let n = self.peek2().ok_or("Trailing backslash")?;
                    if !self.ere && matches!(n, '+' | '?' | '{') && !seq.is_empty() {
                        self.repeat(&mut seq)?;
                        continue;
                    }
                    self.i += 2;
                    match n {
                        '(' if !self.ere => self.group()?,
                        '<' => Node::WordStart,
                        '>' => Node::WordEnd,
                        'b' => Node::WordB,
                        'B' => Node::NotWordB,
                        'w' => Node::Class(
                            vec![ClassItem::Named("alnum".into()), ClassItem::Ch('_')],
                            false,
                        ),
                        'W' => Node::Class(
                            vec![ClassItem::Named("alnum".into()), ClassItem::Ch('_')],
                            true,
                        ),
                        's' => Node::Class(vec![ClassItem::Named("space".into())], false),
                        'S' => Node::Class(vec![ClassItem::Named("space".into())], true),
                        '1'..='9' => {
                            let k = usize::from(n as u8 - b'0');
                            if k > self.groups {
                                return Err("Invalid back reference".into());
                            }
                            Node::Backref(k)
                        }
                        other => Node::Lit(other),
                    }
                }
                _ => {
                    self.i += 1;
                    Node::Lit(c)
                }
            };
            seq.push(node);
        }
        Ok(seq)
    }

    fn group(&mut self) -> Result<Node, String> {
        self.groups += 1;
        let idx = self.groups;
        let alts = self.alts()?;
        match (self.peek(), self.peek2()) {
            (Some(')'), _) if self.ere => self.i += 1,
            (Some('\\'), Some(')')) if !self.ere => self.i += 2,
            _ => return Err("Unmatched ( or \\(".into()),
        }
        Ok(Node::Group(alts, idx))
    }

    fn repeat(&mut self, seq: &mut Vec<Node>) -> Result<(), String> {
        if !self.ere && self.peek() == Some('\\') {
            self.i += 1;
        }
        let c = self.peek().unwrap_or('*');
        self.i += 1;
        let (min, max) = match c {
            '*' => (0, None),
            '+' => (1, None),
            '?' => (0, Some(1)),
            _ => {
                let mut num = String::new();
                while let Some(d) = self.peek().filter(|d| d.is_ascii_digit() || *d == ',') {
                    num.push(d);
                    self.i += 1;
                }
                if !self.ere && self.peek() == Some('\\') {
                    self.i += 1;
                }
                if self.peek() != Some('}') {
                    return Err("Unmatched \\{".into());
                }
                self.i += 1;
                let parse = |s: &str| {
                    s.parse::<u32>()
                        .map_err(|_| "Invalid content of \\{\\}".to_string())
                };
                match num.split_once(',') {
                    None => {
                        let n = parse(&num)?;
                        (n, Some(n))
                    }
                    Some((a, b)) => {
                        let a = if a.is_empty() { 0 } else { parse(a)? };
                        let b = if b.is_empty() { None } else { Some(parse(b)?) };
                        if b.is_some_and(|b| b < a) || a > 1000 {
                            return Err("Invalid content of \\{\\}".into());
                        }
                        (a, b)
                    }
                }
            }
        };
        let last = seq.pop().ok_or("Invalid preceding regular expression")?;
        seq.push(Node::Rep(Box::new(last), min, max));
        Ok(())
    }

    fn bracket(&mut self) -> Result<Node, String> {
        self.i += 1;
        let neg = self.peek() == Some('^');
        if neg {
            self.i += 1;
        }
        let mut items = Vec::new();
        let mut first = true;
        loop {
            let c = self.peek().ok_or("Unmatched [, [^, [:, [., or [=")?;
            if c == ']' && !first {
                self.i += 1;
                break;
            }
            first = false;
            if c == '[' && self.peek2() == Some(':') {
                let rest: String = self.s.get(self.i + 2..).unwrap_or(&[]).iter().collect();
                if let Some(end) = rest.find(":]") {
                    let name = rest.get(..end).unwrap_or("").to_string();
                    self.i += 2 + name.chars().count() + 2;
                    items.push(ClassItem::Named(name));
                    continue;
                }
            }
            self.i += 1;
            if self.peek() == Some('-') && self.peek2().is_some_and(|n| n != ']') {
                let hi = self.peek2().unwrap_or(c);
                self.i += 2;
                items.push(ClassItem::Range(c, hi));
            } else {
                items.push(ClassItem::Ch(c));
            }
        }
        Ok(Node::Class(items, neg))
    }
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
        _ => false,
    }
}

fn is_word(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || c == '_')
}

struct St {
    caps: Vec<Option<(usize, usize)>>,
    steps: u64,
}

type Cont<'k> = dyn FnMut(usize, &mut St) -> bool + 'k;

impl Regex {
    /// Compiles `pat`; `ere` selects extended syntax. The error is grep's message.
    pub(crate) fn new(pat: &str, ere: bool, icase: bool) -> Result<Regex, String> {
        let chars: Vec<char> = pat.chars().collect();
        let mut p = Parser {
            s: &chars,
            i: 0,
            ere,
            groups: 0,
        };
        let alts = p.alts()?;
        if p.i < chars.len() {
            return Err("Unmatched ) or \\)".into());
        }
        Ok(Regex {
            alts,
            groups: p.groups,
            icase,
        })
    }

    /// A pattern matching `lit` literally (`grep -F`).
    pub(crate) fn literal(lit: &str, icase: bool) -> Regex {
        Regex {
            alts: vec![lit.chars().map(Node::Lit).collect()],
            groups: 0,
            icase,
        }
    }

    fn eq(&self, a: char, b: char) -> bool {
        a == b || (self.icase && a.to_lowercase().eq(b.to_lowercase()))
    }

    fn single(&self, n: &Node, c: char) -> bool {
        match n {
            Node::Lit(l) => self.eq(*l, c),
            Node::Any => true,
            Node::Class(items, neg) => {
                let hit = |c: char| {
                    items.iter().any(|it| match it {
                        ClassItem::Ch(x) => *x == c,
                        ClassItem::Range(a, b) => *a <= c && c <= *b,
                        ClassItem::Named(n) => named(n, c),
                    })
                };
                let m = hit(c)
                    || (self.icase && (c.to_lowercase().any(&hit) || c.to_uppercase().any(&hit)));
                m != *neg
            }
            _ => false,
        }
    }

    fn seq(&self, t: &[char], seq: &[Node], i: usize, st: &mut St, k: &mut Cont<'_>) -> bool {
        let Some((first, rest)) = seq.split_first() else {
            return k(i, st);
        };
        st.steps += 1;
        if st.steps > STEP_LIMIT {
            return false;
        }
        let prev = i.checked_sub(1).and_then(|p| t.get(p)).copied();
        let cur = t.get(i).copied();
        match first {
            Node::Lit(_) | Node::Any | Node::Class(..) => {
                cur.is_some_and(|c| self.single(first, c)) && self.seq(t, rest, i + 1, st, k)
            }
            Node::Bol => i == 0 && self.seq(t, rest, i, st, k),
            Node::Eol => i == t.len() && self.seq(t, rest, i, st, k),
            Node::WordB => is_word(prev) != is_word(cur) && self.seq(t, rest, i, st, k),
            Node::NotWordB => is_word(prev) == is_word(cur) && self.seq(t, rest, i, st, k),
            Node::WordStart => !is_word(prev) && is_word(cur) && self.seq(t, rest, i, st, k),
            Node::WordEnd => is_word(prev) && !is_word(cur) && self.seq(t, rest, i, st, k),
            Node::Backref(n) => {
                let Some(Some((a, b))) = st.caps.get(*n).copied() else {
                    return false;
                };
                let len = b.saturating_sub(a);
                let ok = (0..len).all(|d| match (t.get(a + d), t.get(i + d)) {
                    (Some(x), Some(y)) => self.eq(*x, *y),
                    _ => false,
                });
                ok && self.seq(t, rest, i + len, st, k)
            }
            Node::Group(alts, idx) => {
                for alt in alts {
                    let ok = self.seq(t, alt, i, st, &mut |j, st: &mut St| {
                        let old = st.caps.get(*idx).copied().flatten();
                        if let Some(slot) = st.caps.get_mut(*idx) {
                            *slot = Some((i, j));
                        }
                        if self.seq(t, rest, j, st, k) {
                            return true;
                        }
                        if let Some(slot) = st.caps.get_mut(*idx) {
                            *slot = old;
                        }
                        false
                    });
                    if ok {
                        return true;
                    }
                }
                false
            }
            Node::Rep(node, min, max) => self.rep(t, node, *min, *max, 0, i, rest, st, k),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn rep(
        &self,
        t: &[char],
        node: &Node,
        min: u32,
        max: Option<u32>,
        count: u32,
        i: usize,
        rest: &[Node],
        st: &mut St,
        k: &mut Cont<'_>,
    ) -> bool {
        if max.is_none_or(|m| count < m) {
            let one = std::slice::from_ref(node);
            let more = self.seq(t, one, i, st, &mut |j, st: &mut St| {
                (j != i || count < min) && self.rep(t, node, min, max, count + 1, j, rest, st, k)
            });
            if more {
                return true;
            }
        }
        count >= min && self.seq(t, rest, i, st, k)
    }

    /// The first match in `t` at or after `from` with its capture groups: entry 0 is the
    /// whole match, entry `n` group `n` (`None` when it did not take part).
    pub(crate) fn captures_at(
        &self,
        t: &[char],
        from: usize,
    ) -> Option<Vec<Option<(usize, usize)>>> {
        let mut st = St {
            caps: vec![None; self.groups + 1],
            steps: 0,
        };
        for start in from..=t.len() {
            let mut found = None;
            for alt in &self.alts {
                let ok = self.seq(t, alt, start, &mut st, &mut |end, st: &mut St| {
                    let mut caps = st.caps.clone();
                    if let Some(c0) = caps.first_mut() {
                        *c0 = Some((start, end));
                    }
                    found = Some(caps);
                    true
                });
                if ok {
                    return found;
                }
                st.caps.iter_mut().for_each(|c| *c = None);
            }
            if st.steps > STEP_LIMIT {
                return None;
            }
        }
        None
    }

    /// Number of capture groups.
    pub(crate) fn groups(&self) -> usize {
        self.groups
    }

    /// The first match in `t` at or after `from`, as a char range; `accept` may reject a
    /// candidate (for `-w`/`-x`), which makes the search backtrack.
    pub(crate) fn find_at(
        &self,
        t: &[char],
        from: usize,
        accept: &dyn Fn(usize, usize) -> bool,
    ) -> Option<(usize, usize)> {
        let mut st = St {
            caps: vec![None; self.groups + 1],
            steps: 0,
        };
        for start in from..=t.len() {
            let mut found = None;
            for alt in &self.alts {
                let ok = self.seq(t, alt, start, &mut st, &mut |end, _| {
                    if accept(start, end) {
                        found = Some((start, end));
                        true
                    } else {
                        false
                    }
                });
                if ok {
                    return found;
                }
            }
            if st.steps > STEP_LIMIT {
                return None;
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::Regex;

    fn m(p: &str, ere: bool, t: &str) -> Option<(usize, usize)> {
        let chars: Vec<char> = t.chars().collect();
        Regex::new(p, ere, false)
            .ok()?
            .find_at(&chars, 0, &|_, _| true)
    }

    #[test]
    fn matches() {
        assert_eq!(m("o\\+", false, "foo"), Some((1, 3)));
        assert_eq!(m("a.b", false, "xa.b"), Some((1, 4)));
        assert_eq!(m("^root:", false, "root:x"), Some((0, 5)));
        assert_eq!(m("(abc){2}", true, "abcabc"), Some((0, 6)));
        assert_eq!(m("\\(t\\)\\1", false, "mosquitto"), Some((6, 8)));
        assert_eq!(m("[[:digit:]]\\+", false, "foo123"), Some((3, 6)));
        assert_eq!(m("x|y$", true, "ay"), Some((1, 2)));
        assert_eq!(m("[^a-c]", false, "abcd"), Some((3, 4)));
        assert_eq!(m("(a*)*b", true, &"a".repeat(40)), None);
        assert!(Regex::new("\\(", false, false).is_err());
        assert!(Regex::new("a{1", true, false).is_err());
    }
}
