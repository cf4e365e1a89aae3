//! Cheap checks run on every line before the parser sees it.
//!
//! `brush-parser` is recursive: a line like `$($($(...)))` nested thousands deep, or a few
//! hundred nested `if`s, would overflow the stack of the task running the session. So each
//! line first goes through an iterative scan that refuses (as a bash syntax error) lines
//! longer than [`ShellLimits::max_line_bytes`](crate::shell::ShellLimits) or nested deeper
//! than `max_nesting` (quotes, parentheses, braces, `$(`, backticks, and reserved-word
//! blocks such as `if`/`case`/`do`).
//!
//! The token scan also tells an interactive session whether a line that failed to parse
//! "at end of input" is merely unfinished (open `if`, trailing `|`) and should get a `> `
//! continuation prompt, or is wrong (`fi` with no `if`).
//!
//! Known limits: the character scan is an approximation of bash's lexer (it does not know
//! here-document bodies, so quotes inside them may count as nesting); it only ever errs
//! towards counting more depth, never less.

use brush_parser::Token;

use super::parse::{self, SyntaxError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Single,
    Ansi,
    Double,
    Back,
    Paren,
    Brace,
}

/// Refuses over-long or over-nested input. The error is reported like a bash syntax error.
pub(crate) fn check(text: &str, max_bytes: usize, max_nesting: usize) -> Result<(), SyntaxError> {
    if text.len() > max_bytes {
        return Err(SyntaxError::Eof { line: 1 });
    }
    char_depth(text, max_nesting)?;
    let (_, depth, at) = scan_tokens(text);
    if depth > max_nesting {
        return Err(SyntaxError::Near { token: at, line: 1 });
    }
    Ok(())
}

fn char_depth(text: &str, max: usize) -> Result<(), SyntaxError> {
    let b = text.as_bytes();
    let mut stack: Vec<Ctx> = Vec::new();
    let mut i = 0usize;
    let mut line = 1usize;
    while let Some(&c) = b.get(i) {
        let next = b.get(i + 1).copied();
        let top = stack.last().copied();
        let mut push = None;
        if c == b'\n' {
            line += 1;
        }
        match top {
            Some(Ctx::Single) => {
                if c == b'\'' {
                    stack.pop();
                }
            }
            Some(Ctx::Ansi) => match c {
                b'\\' => i += 1,
                b'\'' => {
                    stack.pop();
                }
                _ => {}
            },
            Some(Ctx::Double) => match c {
                b'\\' => i += 1,
                b'"' => {
                    stack.pop();
                }
                b'$' if next == Some(b'(') => {
                    push = Some(Ctx::Paren);
                    i += 1;
                }
                b'$' if next == Some(b'{') => {
                    push = Some(Ctx::Brace);
                    i += 1;
                }
                b'`' => push = Some(Ctx::Back),
                _ => {}
            },
            _ => match c {
                b'\\' => i += 1,
                b'`' if top == Some(Ctx::Back) => {
                    stack.pop();
                }
                b'`' => push = Some(Ctx::Back),
                b'\'' => push = Some(Ctx::Single),
                b'"' => push = Some(Ctx::Double),
                b'$' if next == Some(b'\'') => {
                    push = Some(Ctx::Ansi);
                    i += 1;
                }
                b'(' => push = Some(Ctx::Paren),
                b'{' => push = Some(Ctx::Brace),
                b')' if top == Some(Ctx::Paren) => {
                    stack.pop();
                }
                b'}' if top == Some(Ctx::Brace) => {
                    stack.pop();
                }
                _ => {}
            },
        }
        if let Some(p) = push {
            stack.push(p);
            if stack.len() > max {
                let token = match p {
                    Ctx::Single | Ctx::Ansi => "'",
                    Ctx::Double => "\"",
                    Ctx::Back => "`",
                    Ctx::Paren => "(",
                    Ctx::Brace => "{",
                };
                return Err(SyntaxError::Near {
                    token: token.into(),
                    line,
                });
            }
        }
        i += 1;
    }
    Ok(())
}

/// What the reserved-word scan found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Scan {
    /// Balanced (any parse error is something else).
    Complete,
    /// Something is still open (`if` without `fi`, trailing `|`): more input could finish it.
    Open,
    /// A closer with no opener (`fi`, `done`, `}`), with its line.
    Unexpected(String, usize),
    /// A redirection operator with no target at the end.
    DanglingRedirect,
    /// The text does not tokenize.
    Untokenizable,
}

/// Scans reserved words and operators for balance.
pub(crate) fn keyword_scan(text: &str) -> Scan {
    scan_tokens(text).0
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    If,
    Case,
    Loop,
    Brace,
    Paren,
}

fn is_redirect_op(op: &str) -> bool {
    matches!(
        op,
        "<" | ">" | ">>" | "<<" | "<<-" | "<<<" | ">&" | "<&" | "&>" | "&>>" | ">|" | "<>"
    )
}

fn scan_tokens(text: &str) -> (Scan, usize, String) {
    let Some(toks) = parse::tokens(text) else {
        return (Scan::Untokenizable, 0, String::new());
    };
    let mut stack: Vec<Block> = Vec::new();
    let mut max_depth = 0usize;
    let mut deepest = String::new();
    let mut cmd_pos = true;
    let mut skip_words = 0usize;
    let mut fn_name = false;
    let mut last_op: Option<String> = None;
    for t in &toks {
        let line = parse::token_loc(t).map(|(_, l)| l).unwrap_or(1);
        match t {
            Token::Operator(op, _) => {
                let op = op.as_str();
                if matches!(op, "<<" | "<<-") {
                    skip_words = 3;
                }
                match op {
                    "(" => stack.push(Block::Paren),
                    ")" => match stack.last() {
                        Some(Block::Paren) => {
                            stack.pop();
                        }
                        Some(Block::Case) => {}
                        _ => return (Scan::Unexpected(")".into(), line), max_depth, deepest),
                    },
                    ";;" | ";&" | ";;&" if stack.last() != Some(&Block::Case) => {
                        return (Scan::Unexpected(op.into(), line), max_depth, deepest);
                    }
                    _ => {}
                }
                if !is_redirect_op(op) {
                    cmd_pos = true;
                }
                last_op = Some(op.to_string());
            }
            Token::Word(w, _) => {
                last_op = None;
                if skip_words > 0 {
                    skip_words -= 1;
                    continue;
                }
                let w = w.as_str();
                if !cmd_pos {
                    if fn_name {
                        fn_name = false;
                        cmd_pos = true;
                    } else if w == "esac" && stack.last() == Some(&Block::Case) {
                        stack.pop();
                        cmd_pos = true;
                    }
                    continue;
                }
                cmd_pos = false;
                let want = |b: Block| stack.last() == Some(&b);
                match w {
                    "if" => {
                        stack.push(Block::If);
                        cmd_pos = true;
                    }
                    "then" | "elif" | "else" if want(Block::If) => cmd_pos = true,
                    "fi" if want(Block::If) => {
                        stack.pop();
                        cmd_pos = true;
                    }
                    "case" => stack.push(Block::Case),
                    "esac" if want(Block::Case) => {
                        stack.pop();
                        cmd_pos = true;
                    }
                    "for" | "while" | "until" | "select" => {
                        stack.push(Block::Loop);
                        cmd_pos = w == "while" || w == "until";
                    }
                    "do" if want(Block::Loop) => cmd_pos = true,
                    "done" if want(Block::Loop) => {
                        stack.pop();
                        cmd_pos = true;
                    }
                    "{" => {
                        stack.push(Block::Brace);
                        cmd_pos = true;
                    }
                    "}" if want(Block::Brace) => {
                        stack.pop();
                        cmd_pos = true;
                    }
                    "then" | "elif" | "else" | "fi" | "esac" | "do" | "done" | "}" => {
                        return (Scan::Unexpected(w.into(), line), max_depth, deepest);
                    }
                    "!" | "time" => cmd_pos = true,
                    "function" => fn_name = true,
                    _ => {}
                }
            }
        }
        if stack.len() > max_depth {
            max_depth = stack.len();
            deepest = t.to_str().to_string();
        }
    }
    if !stack.is_empty() {
        return (Scan::Open, max_depth, deepest);
    }
    match last_op.as_deref() {
        Some("|" | "&&" | "||" | "|&") => (Scan::Open, max_depth, deepest),
        Some(op) if is_redirect_op(op) => (Scan::DanglingRedirect, max_depth, deepest),
        _ => (Scan::Complete, max_depth, deepest),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_refuse_deep_and_long_input() {
        let deep = format!("echo {}x{}", "$(echo ".repeat(100), ")".repeat(100));
        assert!(check(&deep, 65536, 64).is_err());
        let ok = format!("echo {}x{}", "$(echo ".repeat(10), ")".repeat(10));
        assert!(check(&ok, 65536, 64).is_ok());
        assert!(check(&"a".repeat(70_000), 65536, 64).is_err());
        let ifs = format!("{}true{}", "if true; then ".repeat(80), "; fi".repeat(80));
        assert!(check(&ifs, 65536, 64).is_err());
        let quotes = "\"$(".repeat(200);
        assert!(check(&quotes, 65536, 64).is_err());
    }

    #[test]
    fn keyword_balance() {
        assert_eq!(keyword_scan("if true; then"), Scan::Open);
        assert_eq!(keyword_scan("fi"), Scan::Unexpected("fi".into(), 1));
        assert_eq!(
            keyword_scan("{ echo a; } }"),
            Scan::Unexpected("}".into(), 1)
        );
        assert_eq!(
            keyword_scan("while false; do :; done done"),
            Scan::Unexpected("done".into(), 1)
        );
        assert_eq!(keyword_scan("echo fi"), Scan::Complete);
        assert_eq!(keyword_scan("ls |"), Scan::Open);
        assert_eq!(keyword_scan("case x in a) echo;; esac"), Scan::Complete);
        assert_eq!(keyword_scan("echo >"), Scan::DanglingRedirect);
        assert_eq!(keyword_scan("cat <<EOF\nif\nEOF\n"), Scan::Complete);
        for ok in [
            "function f { echo; }",
            "f() ( echo )",
            "a=(1 2 3)",
            "diff <(ls) <(ls)",
            "case x in (a|b) echo;; c) :;; esac",
            "for ((i=0;i<3;i++)); do echo; done",
            "while read x; do echo; done < f",
            "if [ x ]; then :; elif y; then :; else :; fi",
            "{ sleep 1 & }",
            "[[ ( a ) ]] && echo",
            "(( x++ ))",
            "echo fi done esac }",
            "until false; do break; done",
            "{ { echo b; } }",
            "if true; then if true; then echo x; fi fi",
        ] {
            assert_eq!(keyword_scan(ok), Scan::Complete, "{ok}");
        }
    }
}
