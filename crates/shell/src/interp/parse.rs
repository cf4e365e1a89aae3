//! Safe wrappers around `brush-parser`, and bash's syntax-error messages.
//!
//! Every call into the parser runs inside `catch_unwind`: the parser has a few `unwrap`s on
//! odd input (huge numbers in `{1..N}` or `~+N`), and a panic there must become a syntax
//! error, never a dead session. Stack depth is not handled here: callers run the
//! [`super::prescan`] caps first.
//!
//! Known limits: the "near unexpected token" text is recovered from the token at the error
//! position, which matches bash for the common cases (`)`, `;;`, `fi`, `done`, `|`, `&&`)
//! but not every corner of bash's grammar.

use std::panic::{AssertUnwindSafe, catch_unwind};

use brush_parser::ast;
use brush_parser::word::{BraceExpressionOrText, WordPieceWithSource};
use brush_parser::{ParseError, Parser, ParserOptions, Token, TokenizerError};

use super::prescan;

/// Parser options: bash defaults for a non-interactive `bash -c` (no extglob).
pub(crate) fn options() -> ParserOptions {
    ParserOptions {
        enable_extended_globbing: false,
        ..ParserOptions::default()
    }
}

/// Options for assignment values: `~` also expands after `:` (PATH=~/bin:~/x).
pub(crate) fn assign_options() -> ParserOptions {
    ParserOptions {
        tilde_expansion_after_colon: true,
        ..options()
    }
}

/// Why a program did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SyntaxError {
    /// `syntax error near unexpected token `X'`.
    Near { token: String, line: usize },
    /// `syntax error: unexpected end of file`.
    Eof { line: usize },
    /// `unexpected EOF while looking for matching `"'`.
    Matching { ch: char, line: usize },
    /// A here-document is missing its terminator: the tags still awaited.
    HereDoc { tags: Vec<String> },
}

impl SyntaxError {
    /// The message after the `bash: -c: line N: ` prefix.
    pub(crate) fn message(&self) -> String {
        match self {
            SyntaxError::Near { token, .. } => {
                format!("syntax error near unexpected token `{token}'")
            }
            SyntaxError::Eof { .. } => "syntax error: unexpected end of file".into(),
            SyntaxError::Matching { ch, .. } => {
                format!("unexpected EOF while looking for matching `{ch}'")
            }
            SyntaxError::HereDoc { .. } => "syntax error: unexpected end of file".into(),
        }
    }

    /// The line the error is reported at (1-based).
    pub(crate) fn line(&self) -> usize {
        match self {
            SyntaxError::Near { line, .. }
            | SyntaxError::Eof { line }
            | SyntaxError::Matching { line, .. } => *line,
            SyntaxError::HereDoc { .. } => 1,
        }
    }

    /// Whether bash echoes the offending line after the message (`bash: -c: line 1: `cmd'`).
    pub(crate) fn echoes_line(&self) -> bool {
        matches!(self, SyntaxError::Near { .. })
    }
}

fn eof_line(text: &str) -> usize {
    text.trim_end_matches('\n').lines().count().max(1) + 1
}

fn last_line(text: &str) -> usize {
    text.trim_end_matches('\n').lines().count().max(1)
}

/// Parses a whole program.
///
/// The parser backtracks exponentially on some unterminated nestings (`( ( ( ...` or nested
/// `case` without `esac`), so unbalanced input is diagnosed by the linear reserved-word scan
/// and never reaches it.
pub(crate) fn program(text: &str) -> Result<ast::Program, SyntaxError> {
    match prescan::keyword_scan(text) {
        prescan::Scan::Unexpected(token, line) => return Err(SyntaxError::Near { token, line }),
        prescan::Scan::DanglingRedirect => {
            return Err(SyntaxError::Near {
                token: "newline".into(),
                line: last_line(text),
            });
        }
        prescan::Scan::Open => {
            return Err(SyntaxError::Eof {
                line: eof_line(text),
            });
        }
        prescan::Scan::Complete | prescan::Scan::Untokenizable => {}
    }
    let opts = options();
    let res = catch_unwind(AssertUnwindSafe(|| {
        let mut p = Parser::new(std::io::BufReader::new(text.as_bytes()), &opts);
        p.parse_program()
    }));
    match res {
        Ok(Ok(p)) => Ok(p),
        Ok(Err(e)) => Err(classify(text, &e)),
        Err(_) => Err(SyntaxError::Eof {
            line: eof_line(text),
        }),
    }
}

fn classify(text: &str, e: &ParseError) -> SyntaxError {
    match e {
        ParseError::ParsingNear(pos) => {
            let token = token_at(text, pos.index).unwrap_or_else(|| "newline".into());
            SyntaxError::Near {
                token,
                line: pos.line,
            }
        }
        ParseError::ParsingAtEndOfInput => match prescan::keyword_scan(text) {
            prescan::Scan::Unexpected(token, line) => SyntaxError::Near { token, line },
            prescan::Scan::DanglingRedirect => SyntaxError::Near {
                token: "newline".into(),
                line: last_line(text),
            },
            _ => SyntaxError::Eof {
                line: eof_line(text),
            },
        },
        ParseError::Tokenizing { inner, .. } => tokenizer_error(text, inner),
    }
}

fn tokenizer_error(text: &str, inner: &TokenizerError) -> SyntaxError {
    let line = last_line(text);
    let ch = match inner {
        TokenizerError::UnterminatedSingleQuote(_) | TokenizerError::UnterminatedAnsiCQuote(_) => {
            '\''
        }
        TokenizerError::UnterminatedDoubleQuote(_) => '"',
        TokenizerError::UnterminatedBackquote(_) => '`',
        TokenizerError::UnterminatedVariable => '}',
        TokenizerError::UnterminatedCommandSubstitution
        | TokenizerError::UnterminatedExpansion
        | TokenizerError::UnterminatedExtendedGlob(_) => ')',
        TokenizerError::UnterminatedHereDocuments(tags, _) => {
            let tags = tags.split(", ").map(|t| t.trim().to_string()).collect();
            return SyntaxError::HereDoc { tags };
        }
        _ => {
            return SyntaxError::Eof {
                line: eof_line(text),
            };
        }
    };
    SyntaxError::Matching { ch, line }
}

/// Whether more input could finish `text` (interactive continuation with `> `).
pub(crate) fn is_incomplete(text: &str) -> bool {
    match prescan::keyword_scan(text) {
        prescan::Scan::Open => true,
        prescan::Scan::Untokenizable => {
            let r = catch_unwind(AssertUnwindSafe(|| brush_parser::tokenize_str(text)));
            matches!(r, Ok(Err(e)) if e.is_incomplete())
        }
        _ => false,
    }
}

/// The tokens of `text`, or `None` when it does not tokenize.
pub(crate) fn tokens(text: &str) -> Option<Vec<Token>> {
    catch_unwind(AssertUnwindSafe(|| brush_parser::tokenize_str(text)))
        .ok()?
        .ok()
}

fn token_at(text: &str, index: usize) -> Option<String> {
    let toks = tokens(text)?;
    let t = toks
        .iter()
        .find(|t| token_loc(t).is_some_and(|(start, _)| start == index))?;
    let s = t.to_str();
    Some(if s == "\n" {
        "newline".into()
    } else {
        s.to_string()
    })
}

/// Start index and 1-based line of a token.
pub(crate) fn token_loc(t: &Token) -> Option<(usize, usize)> {
    let span = match t {
        Token::Operator(_, s) | Token::Word(_, s) => s,
    };
    Some((span.start.index, span.start.line))
}

/// Splits a word into pieces.
pub(crate) fn word(text: &str, assignment: bool) -> Option<Vec<WordPieceWithSource>> {
    let mut opts = if assignment {
        assign_options()
    } else {
        options()
    };
    if text.contains('~') && has_long_number(text) {
        opts.tilde_expansion_at_word_start = false;
        opts.tilde_expansion_after_colon = false;
    }
    catch_unwind(AssertUnwindSafe(|| brush_parser::word::parse(text, &opts)))
        .ok()?
        .ok()
}

/// Splits a here-document body into pieces (quotes are literal).
pub(crate) fn heredoc(text: &str) -> Option<Vec<WordPieceWithSource>> {
    let opts = options();
    catch_unwind(AssertUnwindSafe(|| {
        brush_parser::word::parse_heredoc(text, &opts)
    }))
    .ok()?
    .ok()
}

/// Brace-expansion structure of a word (`None`: no brace expression).
pub(crate) fn braces(text: &str) -> Option<Vec<BraceExpressionOrText>> {
    if !text.contains('{') || has_long_number(text) {
        return None;
    }
    let opts = options();
    catch_unwind(AssertUnwindSafe(|| {
        brush_parser::word::parse_brace_expansions(text, &opts)
    }))
    .ok()?
    .ok()?
}

/// A run of more than 18 digits overflows the parser's `i64` (and it unwraps).
fn has_long_number(text: &str) -> bool {
    let mut run = 0usize;
    for b in text.bytes() {
        if b.is_ascii_digit() {
            run += 1;
            if run > 18 {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

/// Parses an arithmetic expression; `Err` is bash's message tail (`syntax error: operand
/// expected (error token is "+ ")`) without the expression prefix.
pub(crate) fn arith(text: &str) -> Result<ast::ArithmeticExpr, String> {
    let res = catch_unwind(AssertUnwindSafe(|| brush_parser::arithmetic::parse(text)));
    match res {
        Ok(Ok(e)) => Ok(e),
        Ok(Err(e)) => Err(arith_error(text, &format!("{e:?}"))),
        Err(_) => Err(format!(
            "syntax error in expression (error token is \"{}\")",
            text.trim()
        )),
    }
}

/// Rebuilds bash's diagnostic from the parser's failure offset (found in its `Debug` text).
fn arith_error(text: &str, debug: &str) -> String {
    let offset = debug
        .split("offset: ")
        .nth(1)
        .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|d| d.parse::<usize>().ok())
        .unwrap_or(0)
        .min(text.len());
    for word in text.split(|c: char| !c.is_ascii_alphanumeric() && c != '#' && c != '@' && c != '_')
    {
        let bad_octal = word.len() > 1
            && word.starts_with('0')
            && !word.starts_with("0x")
            && !word.starts_with("0X")
            && word.chars().all(|c| c.is_ascii_digit())
            && word.contains(['8', '9']);
        let bad_base = word.split_once('#').is_some_and(|(b, d)| {
            let base: u32 = b.parse().unwrap_or(0);
            (2..=36).contains(&base) && d.chars().any(|c| c.to_digit(36).is_none_or(|v| v >= base))
        });
        if bad_octal || bad_base {
            return format!("value too great for base (error token is \"{word}\")");
        }
    }
    let rest = text.get(offset..).unwrap_or("");
    if rest.trim().is_empty() {
        let trimmed = text.trim_end();
        let tok_start = trimmed
            .char_indices()
            .rev()
            .take_while(|(_, c)| !c.is_whitespace() && !c.is_ascii_alphanumeric() && *c != ')')
            .last()
            .map(|(i, _)| i)
            .unwrap_or(trimmed.len());
        let tok = text.get(tok_start..).unwrap_or("");
        return format!("syntax error: operand expected (error token is \"{tok}\")");
    }
    let r = rest.trim_start();
    if r.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
        format!("syntax error in expression (error token is \"{r}\")")
    } else if r.starts_with(')') {
        format!("syntax error: invalid arithmetic operator (error token is \"{r}\")")
    } else {
        format!("syntax error: operand expected (error token is \"{r}\")")
    }
}

/// Here-document delimiters named in `text` (`<<EOF`, `<<-'END'`).
pub(crate) fn heredoc_tags(text: &str) -> Vec<String> {
    let mut tags = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("<<") {
        let after = rest.get(i + 2..).unwrap_or("");
        if after.starts_with('<') {
            rest = after.get(1..).unwrap_or("");
            continue;
        }
        let after = after.strip_prefix('-').unwrap_or(after).trim_start();
        let tag: String = after
            .chars()
            .take_while(|c| !c.is_whitespace() && !";|&<>()".contains(*c))
            .filter(|c| *c != '\'' && *c != '"')
            .collect();
        if !tag.is_empty() {
            tags.push(tag);
        }
        rest = after;
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_match_bash() {
        assert_eq!(
            program("echo )").err().map(|e| e.message()),
            Some("syntax error near unexpected token `)'".into())
        );
        assert_eq!(
            program("fi").err().map(|e| e.message()),
            Some("syntax error near unexpected token `fi'".into())
        );
        assert_eq!(
            program("if true; then").err(),
            Some(SyntaxError::Eof { line: 2 })
        );
        assert_eq!(
            program("echo \"abc").err(),
            Some(SyntaxError::Matching { ch: '"', line: 1 })
        );
        assert_eq!(
            program("echo >").err().map(|e| e.message()),
            Some("syntax error near unexpected token `newline'".into())
        );
    }

    #[test]
    fn incomplete_detection() {
        for s in [
            "if true; then",
            "echo 'a",
            "ls |",
            "cat <<EOF",
            "for x in a; do",
            "{ echo",
        ] {
            assert!(is_incomplete(s), "{s}");
        }
        for s in ["echo hi", "fi", "echo )", "done"] {
            assert!(!is_incomplete(s), "{s}");
        }
    }

    #[test]
    fn parser_panics_become_errors() {
        assert!(braces("{1..99999999999999999999999}").is_none());
        let _ = word("~+99999999999999999999999", false);
        let _ = program("echo ~+99999999999999999999999");
    }
}
