//! A small POSIX-ERE engine for `[[ str =~ re ]]`: literals, `.`, `[...]` (ranges, `^`
//! negation, `[:class:]`), `^`, `$`, groups, `|`, `*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`,
//! plus the GNU escapes `\w \s \d`.
//!
//! It compiles to a Pike VM (no recursion on the input, work charged to a step budget), so
//! hostile patterns cannot hang the session. Each start position is tried left to right and
//! the longest match there wins, like POSIX; captures come from the first thread to reach
//! that length.
//!
//! Known limits: no back-references, no collating elements; sub-match positions may differ
//! from glibc's in ambiguous cases.

/// Why a regex did not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Error {
    Syntax,
    Budget,
}

#[derive(Debug, Clone)]
enum Node {
    Char(char),
    Any,
    Class(Vec<(char, char)>, Vec<String>, bool),
    Bol,
    Eol,
    Group(Box<Node>, usize),
    Alt(Vec<Node>),
    Concat(Vec<Node>),
    Repeat(Box<Node>, u32, Option<u32>),
}

#[derive(Debug, Clone)]
enum Inst {
    Char(char),
    Any,
    Class(Vec<(char, char)>, Vec<String>, bool),
    Bol,
    Eol,
    Save(usize),
    Split(usize, usize),
    Jmp(usize),
    Match,
}

const MAX_PROG: usize = 20_000;

struct Parser<'a> {
    s: &'a [char],
    i: usize,
    groups: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }

    fn alt(&mut self) -> Result<Node, Error> {
        self.depth += 1;
        if self.depth > 64 {
            return Err(Error::Syntax);
        }
        let mut alts = vec![self.concat()?];
        while self.peek() == Some('|') {
            self.i += 1;
            alts.push(self.concat()?);
        }
        self.depth -= 1;
        Ok(if alts.len() == 1 {
            alts.pop().unwrap_or(Node::Concat(Vec::new()))
        } else {
            Node::Alt(alts)
        })
    }

    fn concat(&mut self) -> Result<Node, Error> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            items.push(self.repeats(atom)?);
        }
        Ok(Node::Concat(items))
    }

    fn number(&mut self) -> Option<u32> {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        self.s
            .get(start..self.i)?
            .iter()
            .collect::<String>()
            .parse()
            .ok()
    }

    fn repeats(&mut self, mut atom: Node) -> Result<Node, Error> {
        loop {
            let (min, max) = match self.peek() {
                Some('*') => (0, None),
                Some('+') => (1, None),
                Some('?') => (0, Some(1)),
                Some('{') => {
                    let save = self.i;
                    self.i += 1;
                    let Some(lo) = self.number() else {
                        self.i = save;
                        return Ok(atom);
                    };
                    let hi = if self.peek() == Some(',') {
                        self.i += 1;
                        self.number()
                    } else {
                        Some(lo)
                    };
                    if self.peek() != Some('}') || lo > 255 || hi.is_some_and(|h| h > 255 || h < lo)
                    {
                        return Err(Error::Syntax);
                    }
                    (lo, hi)
                }
                _ => return Ok(atom),
            };
            self.i += 1;
            atom = Node::Repeat(Box::new(atom), min, max);
        }
    }

    fn atom(&mut self) -> Result<Node, Error> {
        let c = self.peek().ok_or(Error::Syntax)?;
        self.i += 1;
        Ok(match c {
            '.' => Node::Any,
            '^' => Node::Bol,
            '$' => Node::Eol,
            '(' => {
                self.groups += 1;
                let g = self.groups;
                let inner = self.alt()?;
                if self.peek() != Some(')') {
                    return Err(Error::Syntax);
                }
                self.i += 1;
                Node::Group(Box::new(inner), g)
            }
            '[' => self.class()?,
            '\\' => {
                let e = self.peek().ok_or(Error::Syntax)?;
                self.i += 1;
                match e {
                    'w' => Node::Class(Vec::new(), vec!["word".into()], false),
                    'W' => Node::Class(Vec::new(), vec!["word".into()], true),
                    's' => Node::Class(Vec::new(), vec!["space".into()], false),
                    'S' => Node::Class(Vec::new(), vec!["space".into()], true),
                    'd' => Node::Class(vec![('0', '9')], Vec::new(), false),
                    other => Node::Char(other),
                }
            }
            '*' | '+' | '?' => return Err(Error::Syntax),
            other => Node::Char(other),
        })
    }

    fn class(&mut self) -> Result<Node, Error> {
        let mut neg = false;
        if self.peek() == Some('^') {
            neg = true;
            self.i += 1;
        }
        let mut ranges = Vec::new();
        let mut named = Vec::new();
        let mut first = true;
        loop {
            let c = self.peek().ok_or(Error::Syntax)?;
            if c == ']' && !first {
                self.i += 1;
                break;
            }
            first = false;
            if c == '[' && self.s.get(self.i + 1) == Some(&':') {
                let rest: String = self.s.get(self.i + 2..).unwrap_or(&[]).iter().collect();
                if let Some(end) = rest.find(":]") {
                    let name = rest.get(..end).unwrap_or("").to_string();
                    self.i += 2 + name.chars().count() + 2;
                    named.push(name);
                    continue;
                }
            }
            self.i += 1;
            if self.peek() == Some('-') && self.s.get(self.i + 1).is_some_and(|n| *n != ']') {
                let hi = *self.s.get(self.i + 1).ok_or(Error::Syntax)?;
                self.i += 2;
                ranges.push((c, hi));
            } else {
                ranges.push((c, c));
            }
        }
        Ok(Node::Class(ranges, named, neg))
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
        "word" => c.is_alphanumeric() || c == '_',
        _ => false,
    }
}

fn emit(n: &Node, prog: &mut Vec<Inst>) -> Result<(), Error> {
    if prog.len() > MAX_PROG {
        return Err(Error::Syntax);
    }
    match n {
        Node::Char(c) => prog.push(Inst::Char(*c)),
        Node::Any => prog.push(Inst::Any),
        Node::Class(r, nm, neg) => prog.push(Inst::Class(r.clone(), nm.clone(), *neg)),
        Node::Bol => prog.push(Inst::Bol),
        Node::Eol => prog.push(Inst::Eol),
        Node::Group(inner, g) => {
            prog.push(Inst::Save(2 * g));
            emit(inner, prog)?;
            prog.push(Inst::Save(2 * g + 1));
        }
        Node::Concat(items) => {
            for it in items {
                emit(it, prog)?;
            }
        }
        Node::Alt(alts) => {
            let mut jumps = Vec::new();
            for (k, a) in alts.iter().enumerate() {
                if k + 1 < alts.len() {
                    let split = prog.len();
                    prog.push(Inst::Split(split + 1, 0));
                    emit(a, prog)?;
                    jumps.push(prog.len());
                    prog.push(Inst::Jmp(0));
                    let next = prog.len();
                    if let Some(Inst::Split(_, y)) = prog.get_mut(split) {
                        *y = next;
                    }
                } else {
                    emit(a, prog)?;
                }
            }
            let end = prog.len();
            for j in jumps {
                if let Some(Inst::Jmp(t)) = prog.get_mut(j) {
                    *t = end;
                }
            }
        }
        Node::Repeat(inner, min, max) => {
            for _ in 0..*min {
                emit(inner, prog)?;
            }
            match max {
                None => {
                    let l1 = prog.len();
                    prog.push(Inst::Split(l1 + 1, 0));
                    emit(inner, prog)?;
                    prog.push(Inst::Jmp(l1));
                    let l3 = prog.len();
                    if let Some(Inst::Split(_, y)) = prog.get_mut(l1) {
                        *y = l3;
                    }
                }
                Some(m) => {
                    let mut splits = Vec::new();
                    for _ in *min..*m {
                        splits.push(prog.len());
                        prog.push(Inst::Split(prog.len() + 1, 0));
                        emit(inner, prog)?;
                    }
                    let end = prog.len();
                    for s in splits {
                        if let Some(Inst::Split(_, y)) = prog.get_mut(s) {
                            *y = end;
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

type Caps = Vec<Option<usize>>;

fn add(
    prog: &[Inst],
    list: &mut Vec<(usize, Caps)>,
    seen: &mut [bool],
    pc: usize,
    caps: Caps,
    pos: usize,
    len: usize,
) {
    let mut stack = vec![(pc, caps)];
    while let Some((pc, mut caps)) = stack.pop() {
        let Some(slot) = seen.get_mut(pc) else {
            continue;
        };
        if *slot {
            continue;
        }
        *slot = true;
        match prog.get(pc) {
            Some(Inst::Jmp(t)) => stack.push((*t, caps)),
            Some(Inst::Split(a, b)) => {
                stack.push((*b, caps.clone()));
                stack.push((*a, caps));
            }
            Some(Inst::Save(n)) => {
                if let Some(c) = caps.get_mut(*n) {
                    *c = Some(pos);
                }
                stack.push((pc + 1, caps));
            }
            Some(Inst::Bol) if pos == 0 => stack.push((pc + 1, caps)),
            Some(Inst::Eol) if pos == len => stack.push((pc + 1, caps)),
            Some(Inst::Bol | Inst::Eol) => {}
            Some(_) => list.push((pc, caps)),
            None => {}
        }
    }
}

/// Searches `text` for `re`; on a match returns group 0 and each group (unset → `None`).
pub(crate) fn search(
    re: &str,
    text: &str,
    budget: &mut u64,
) -> Result<Option<Vec<Option<String>>>, Error> {
    let pat: Vec<char> = re.chars().collect();
    let mut p = Parser {
        s: &pat,
        i: 0,
        groups: 0,
        depth: 0,
    };
    let ast = p.alt()?;
    if p.i != pat.len() {
        return Err(Error::Syntax);
    }
    let ngroups = p.groups;
    let mut prog = Vec::new();
    emit(&Node::Group(Box::new(ast), 0), &mut prog)?;
    prog.push(Inst::Match);
    let s: Vec<char> = text.chars().collect();
    let n = s.len();
    for start in 0..=n {
        let mut best: Option<(usize, Caps)> = None;
        let mut clist = Vec::new();
        let mut seen = vec![false; prog.len()];
        add(
            &prog,
            &mut clist,
            &mut seen,
            0,
            vec![None; 2 * ngroups + 2],
            start,
            n,
        );
        let mut pos = start;
        while !clist.is_empty() {
            let mut nlist = Vec::new();
            let mut seen = vec![false; prog.len()];
            for (pc, caps) in clist {
                *budget = budget.checked_sub(1).ok_or(Error::Budget)?;
                let c = s.get(pos).copied();
                let ok = match (prog.get(pc), c) {
                    (Some(Inst::Match), _) => {
                        if best.as_ref().is_none_or(|(e, _)| pos > *e) {
                            best = Some((pos, caps.clone()));
                        }
                        false
                    }
                    (Some(Inst::Char(x)), Some(c)) => *x == c,
                    (Some(Inst::Any), Some(_)) => true,
                    (Some(Inst::Class(r, nm, neg)), Some(c)) => {
                        let hit = r.iter().any(|(a, b)| *a <= c && c <= *b)
                            || nm.iter().any(|x| named(x, c));
                        hit != *neg
                    }
                    _ => false,
                };
                if ok {
                    add(&prog, &mut nlist, &mut seen, pc + 1, caps, pos + 1, n);
                }
            }
            clist = nlist;
            pos += 1;
            if pos > n + 1 {
                break;
            }
        }
        if let Some((_, caps)) = best {
            let groups = (0..=ngroups)
                .map(|g| {
                    match (
                        caps.get(2 * g).copied().flatten(),
                        caps.get(2 * g + 1).copied().flatten(),
                    ) {
                        (Some(a), Some(b)) if a <= b => {
                            Some(s.get(a..b).unwrap_or(&[]).iter().collect())
                        }
                        _ => None,
                    }
                })
                .collect();
            return Ok(Some(groups));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(re: &str, t: &str) -> Option<String> {
        search(re, t, &mut 1_000_000)
            .ok()
            .flatten()
            .and_then(|g| g.into_iter().next().flatten())
    }

    #[test]
    fn matches_like_ere() {
        assert_eq!(m("^[0-9]+$", "123").as_deref(), Some("123"));
        assert_eq!(m("^[0-9]+$", "12a"), None);
        assert_eq!(m("b+", "abbbc").as_deref(), Some("bbb"));
        assert_eq!(m("(a|ab)(c|bcd)", "abcd").as_deref(), Some("abcd"));
        assert_eq!(m("x{2,3}", "xxxx").as_deref(), Some("xxx"));
        assert_eq!(m("[[:alpha:]]+", "12ab3").as_deref(), Some("ab"));
        let g = search("([a-z]+)@([a-z]+)", "mail: bob@host", &mut 100_000)
            .ok()
            .flatten();
        assert_eq!(
            g,
            Some(vec![
                Some("bob@host".into()),
                Some("bob".into()),
                Some("host".into())
            ])
        );
        assert_eq!(search("(", "x", &mut 100), Err(Error::Syntax));
        assert_eq!(
            search("(a*)*b", &"a".repeat(3000), &mut 1000),
            Err(Error::Budget)
        );
    }
}
