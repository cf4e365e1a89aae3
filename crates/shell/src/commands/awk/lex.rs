//! The awk lexer: program text to tokens, with mawk's line numbers for error messages.
//!
//! A `/` starts a regular expression unless the previous token ends an operand (a name,
//! number, string, `)`, `]`, `$`-less field, `++`/`--`), where it is division.

/// One token.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    Num(f64),
    Str(String),
    Ere(String),
    Name(String),
    /// A user function name directly followed by `(`.
    FuncName(String),
    Builtin(String),
    Kw(&'static str),
    Op(&'static str),
    Newline,
    Eof,
}

impl Tok {
    /// The text mawk shows in `syntax error at or near X`.
    pub(super) fn shown(&self) -> String {
        match self {
            Tok::Num(n) => super::value::num_to_str(*n, "%.6g"),
            Tok::Str(s) => format!("\"{s}\""),
            Tok::Ere(s) => format!("/{s}/"),
            Tok::Name(s) | Tok::FuncName(s) | Tok::Builtin(s) => s.clone(),
            Tok::Kw(s) | Tok::Op(s) => (*s).to_string(),
            Tok::Newline => "end of line".into(),
            Tok::Eof => "end of file".into(),
        }
    }
}

const KEYWORDS: &[&str] = &[
    "BEGIN", "END", "function", "func", "if", "else", "while", "for", "do", "break", "continue",
    "next", "nextfile", "exit", "return", "delete", "in", "getline", "print", "printf",
];

const BUILTINS: &[&str] = &[
    "length", "substr", "index", "split", "sub", "gsub", "match", "sprintf", "sin", "cos", "atan2",
    "exp", "log", "sqrt", "int", "rand", "srand", "tolower", "toupper", "system", "close",
    "fflush",
];

const OPS: &[&str] = &[
    "+=", "-=", "*=", "/=", "%=", "^=", "**=", "==", "<=", ">=", "!=", "++", "--", "&&", "||",
    ">>", "!~", "**", "{", "}", "(", ")", "[", "]", ";", ",", "+", "-", "*", "/", "%", "^", "!",
    ">", "<", "|", "?", ":", "~", "$", "=",
];

/// Tokens with their line numbers, or mawk's error text.
pub(super) fn lex(src: &str) -> Result<Vec<(Tok, usize)>, String> {
    let s: Vec<char> = src.chars().collect();
    let mut out: Vec<(Tok, usize)> = Vec::new();
    let mut i = 0;
    let mut line = 1;
    while let Some(&c) = s.get(i) {
        let prev_operand = matches!(
            out.last().map(|t| &t.0),
            Some(Tok::Num(_) | Tok::Str(_) | Tok::Name(_) | Tok::Ere(_))
                | Some(Tok::Op(")" | "]" | "++" | "--" | "$"))
                | Some(Tok::Builtin(_))
        );
        match c {
            ' ' | '\t' | '\r' => i += 1,
            '\\' if s.get(i + 1) == Some(&'\n') => {
                i += 2;
                line += 1;
            }
            '\n' => {
                out.push((Tok::Newline, line));
                line += 1;
                i += 1;
            }
            '#' => {
                while s.get(i).is_some_and(|&c| c != '\n') {
                    i += 1;
                }
            }
            '"' => {
                i += 1;
                let mut v = String::new();
                loop {
                    match s.get(i) {
                        None | Some('\n') => {
                            return Err(format!("line {line}: runaway string constant \"{v} ..."));
                        }
                        Some('"') => break,
                        Some('\\') => {
                            i += 1;
                            let (ch, used) = escape(&s, i);
                            v.push_str(&ch);
                            i += used;
                            continue;
                        }
                        Some(&ch) => v.push(ch),
                    }
                    i += 1;
                }
                i += 1;
                out.push((Tok::Str(v), line));
            }
            '/' if !prev_operand => {
                i += 1;
                let mut v = String::new();
                let mut in_br = false;
                loop {
                    match s.get(i) {
                        None | Some('\n') => {
                            return Err(format!(
                                "line {line}: runaway regular expression /{} ...",
                                v.chars().take(10).collect::<String>()
                            ));
                        }
                        Some('/') if !in_br => break,
                        Some('[') => {
                            in_br = true;
                            v.push('[');
                            if s.get(i + 1) == Some(&']') {
                                v.push(']');
                                i += 1;
                            }
                        }
                        Some(']') => {
                            in_br = false;
                            v.push(']');
                        }
                        Some('\\') => {
                            match s.get(i + 1) {
                                Some('/') => v.push('/'),
                                Some('t') => v.push('\t'),
                                Some('n') => v.push('\n'),
                                Some(&o) => {
                                    v.push('\\');
                                    v.push(o);
                                }
                                None => v.push('\\'),
                            }
                            i += 1;
                        }
                        Some(&ch) => v.push(ch),
                    }
                    i += 1;
                }
                i += 1;
                out.push((Tok::Ere(v), line));
            }
            c if c.is_ascii_digit()
                || (c == '.' && s.get(i + 1).is_some_and(char::is_ascii_digit)) =>
            {
                let st = i;
                if c == '0' && matches!(s.get(i + 1), Some('x' | 'X')) {
                    i += 2;
                    while s.get(i).is_some_and(char::is_ascii_hexdigit) {
                        i += 1;
                    }
                } else {
                    while s.get(i).is_some_and(|c| c.is_ascii_digit() || *c == '.') {
                        i += 1;
                    }
                    if matches!(s.get(i), Some('e' | 'E')) {
                        let mut j = i + 1;
                        if matches!(s.get(j), Some('+' | '-')) {
                            j += 1;
                        }
                        if s.get(j).is_some_and(char::is_ascii_digit) {
                            i = j;
                            while s.get(i).is_some_and(char::is_ascii_digit) {
                                i += 1;
                            }
                        }
                    }
                }
                let text: String = s.get(st..i).unwrap_or(&[]).iter().collect();
                out.push((Tok::Num(super::value::str_to_num(&text)), line));
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let st = i;
                while s
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
                {
                    i += 1;
                }
                let w: String = s.get(st..i).unwrap_or(&[]).iter().collect();
                let tok = if let Some(k) = KEYWORDS.iter().find(|k| **k == w) {
                    Tok::Kw(k)
                } else if BUILTINS.contains(&w.as_str()) {
                    Tok::Builtin(w)
                } else if s.get(i) == Some(&'(') {
                    Tok::FuncName(w)
                } else {
                    Tok::Name(w)
                };
                out.push((tok, line));
            }
            _ => {
                let rest: String = s
                    .get(i..(i + 3).min(s.len()))
                    .unwrap_or(&[])
                    .iter()
                    .collect();
                let Some(op) = OPS.iter().find(|o| rest.starts_with(**o)) else {
                    return Err(format!("line {line}: syntax error at or near {c}"));
                };
                i += op.chars().count();
                out.push((Tok::Op(op), line));
            }
        }
        if out.len() > 100_000 {
            return Err(format!("line {line}: program too long"));
        }
    }
    // mawk reads the program as if it ended with a newline.
    if out.last().map(|t| &t.0) != Some(&Tok::Newline) {
        out.push((Tok::Newline, line));
        line += 1;
    }
    out.push((Tok::Eof, line));
    Ok(out)
}

/// An escape after `\` in a string: the text and how many chars it used.
pub(super) fn escape(s: &[char], i: usize) -> (String, usize) {
    let Some(&c) = s.get(i) else {
        return ("\\".into(), 0);
    };
    let simple = match c {
        'n' => Some('\n'),
        't' => Some('\t'),
        'r' => Some('\r'),
        '\\' => Some('\\'),
        '"' => Some('"'),
        '/' => Some('/'),
        'a' => Some('\x07'),
        'b' => Some('\x08'),
        'f' => Some('\x0c'),
        'v' => Some('\x0b'),
        _ => None,
    };
    if let Some(ch) = simple {
        return (ch.to_string(), 1);
    }
    if c.is_digit(8) {
        let mut v = 0u32;
        let mut n = 0;
        while n < 3 && s.get(i + n).is_some_and(|d| d.is_digit(8)) {
            v = v * 8 + s.get(i + n).and_then(|d| d.to_digit(8)).unwrap_or(0);
            n += 1;
        }
        return (char::from_u32(v & 0xff).unwrap_or('?').to_string(), n);
    }
    (format!("\\{c}"), 1)
}
