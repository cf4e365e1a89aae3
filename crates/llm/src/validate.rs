//! The checks an LLM answer must pass before the terminal may show it.
//!
//! # Design
//! [`Validator::check`] first cleans the answer: line endings unified, control and invisible
//! characters dropped (colour escapes included), leading and trailing blank lines trimmed, a
//! code fence wrapping the whole answer removed (with or without a language tag; an opening
//! fence without its closing one, as a cut-off answer ends, too), a whole one-line answer in
//! single backticks unwrapped, and for commands `**bold**` markers around words removed, an
//! echoed command line (`$ nginx -v`, `root@host:~# nginx -v`) dropped from the top and a shell
//! prompt dropped from the bottom. Then it rejects, in this order:
//! 1. [`Reject::Empty`]: nothing left;
//! 2. [`Reject::TooLarge`]: more than [`CheckCtx::max_bytes`];
//! 3. [`Reject::PromptEcho`]: one of the prompt's echo markers, or two 6-word runs of them;
//! 4. [`Reject::FenceLeak`]: the untrusted-block markers;
//! 5. [`Reject::AiDisclosure`], [`Reject::Refusal`], [`Reject::Chatty`]: a phrase of the
//!    table in `validate/phrases.rs` (most severe kind first, then the earliest);
//! 6. [`Reject::Markup`]: a code fence left inside a command's output.
//!
//! Phrases are matched on a normalised copy (lowercase, curly quotes folded to straight ones,
//! runs of blanks collapsed) at word boundaries (except CJK phrases and stems such as
//! `simulat`). Each phrase says where it counts: anywhere (unambiguous: "as an ai",
//! "i'm sorry", "language model"), at the start of a line (ambiguous in real output: "note:",
//! "sure", "here is", "assistant:", so `# Note: ...` in a config file passes), or at the start
//! of the answer only. Leading markup (`*`, `>`, `-`, quotes, brackets, emoji) is skipped
//! before a line-start match, `#` is not. For a file, line-start phrases only count on the
//! first and last line: prose inside a file (a README, notes) is legitimate.
//!
//! # Empty answers
//! An empty answer is a distinct rejection, not an acceptance: for a command the prompt tells
//! the model to output nothing when the program prints nothing, so the caller may show
//! nothing ([`Reject::silent_ok`] says when); for a file, empty content is never taken
//! (the listing shows a size), the caller falls back to its deterministic answer.
//!
//! # Limits
//! A phrase table cannot catch every paraphrase, and may reject rare genuine output (git's
//! `Note: switching to ...`, `apt-get -s` saying "This is only a simulation"): a false
//! rejection only costs the deterministic fallback. The output is not checked for being
//! right, only for not being chat; [`shown_paths`] lets the caller check the paths it shows.

#[cfg(test)]
mod garbage_tests;
#[cfg(test)]
mod good_tests;
mod paths;
mod phrases;
#[cfg(test)]
mod tests;

pub use paths::shown_paths;

use std::collections::HashSet;

use phrases::{At, Kind, PHRASES};

/// Default cap on an answer, in bytes.
pub const DEFAULT_MAX_BYTES: usize = 8000;

/// Checks answers; build once ([`Validator::new`]) and share.
#[derive(Debug, Clone)]
pub struct Validator {
    phrases: Vec<Compiled>,
}

#[derive(Debug, Clone)]
struct Compiled {
    text: String,
    kind: Kind,
    at: At,
    start_boundary: bool,
    end_boundary: bool,
}

/// An answer that passed: cleaned, with `\n` line endings, ending in `\n`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// The text to show (the caller turns `\n` into CRLF).
    pub text: String,
}

/// Why an answer was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Reject {
    /// Nothing left after cleaning (see [`Reject::silent_ok`]).
    #[error("empty answer")]
    Empty,
    /// Chat filler ("Sure! Here's the output", "Note: ...").
    #[error("chatty answer ({phrase:?})")]
    Chatty {
        /// The matched phrase, normalised.
        phrase: String,
    },
    /// The answer says it comes from an AI.
    #[error("answer discloses an AI ({phrase:?})")]
    AiDisclosure {
        /// The matched phrase, normalised.
        phrase: String,
    },
    /// An apology or a refusal.
    #[error("refusal ({phrase:?})")]
    Refusal {
        /// The matched phrase, normalised.
        phrase: String,
    },
    /// The answer repeats the system prompt.
    #[error("answer echoes the prompt")]
    PromptEcho,
    /// The answer contains the untrusted-block markers.
    #[error("answer contains the fence markers")]
    FenceLeak,
    /// Larger than the cap.
    #[error("answer of {bytes} bytes over the {limit} byte cap")]
    TooLarge {
        /// The answer's size.
        bytes: usize,
        /// The cap.
        limit: usize,
    },
    /// Markdown left in a command's output (a code fence).
    #[error("markdown in the answer")]
    Markup,
}

impl Reject {
    /// A short stable name: `empty`, `chatty`, `ai_disclosure`, `refusal`, `prompt_echo`,
    /// `fence_leak`, `too_large` or `markup`.
    pub fn reason(&self) -> &'static str {
        match self {
            Reject::Empty => "empty",
            Reject::Chatty { .. } => "chatty",
            Reject::AiDisclosure { .. } => "ai_disclosure",
            Reject::Refusal { .. } => "refusal",
            Reject::PromptEcho => "prompt_echo",
            Reject::FenceLeak => "fence_leak",
            Reject::TooLarge { .. } => "too_large",
            Reject::Markup => "markup",
        }
    }

    /// Whether the caller may show nothing instead: an empty answer for a command (many
    /// programs print nothing); never for a file.
    pub fn silent_ok(&self, ctx: &CheckCtx<'_>) -> bool {
        matches!(self, Reject::Empty) && !ctx.file
    }
}

/// What the validator needs to know about the question.
#[derive(Debug, Clone, Copy)]
pub struct CheckCtx<'a> {
    /// The command line asked about (empty for a file).
    pub command: &'a str,
    /// From [`crate::prompt::echo_markers`].
    pub echo_markers: &'a [String],
    /// Cap on the cleaned answer, in bytes ([`DEFAULT_MAX_BYTES`]).
    pub max_bytes: usize,
    /// The question was a file's content.
    pub file: bool,
}

impl Default for CheckCtx<'_> {
    fn default() -> Self {
        CheckCtx {
            command: "",
            echo_markers: &[],
            max_bytes: DEFAULT_MAX_BYTES,
            file: false,
        }
    }
}

impl Default for Validator {
    fn default() -> Self {
        Self::new()
    }
}

impl Validator {
    /// Compiles the phrase table.
    pub fn new() -> Validator {
        let phrases = PHRASES
            .iter()
            .map(|p| {
                let text = normalise_line(p.text);
                let start_boundary = text
                    .chars()
                    .next()
                    .is_some_and(|c| is_word(c) && !is_cjk(c));
                let end_boundary = !p.stem
                    && text
                        .chars()
                        .next_back()
                        .is_some_and(|c| is_word(c) && !is_cjk(c));
                Compiled {
                    text,
                    kind: p.kind,
                    at: p.at,
                    start_boundary,
                    end_boundary,
                }
            })
            .filter(|p| !p.text.is_empty())
            .collect();
        Validator { phrases }
    }

    /// How many phrases the table holds.
    pub fn phrase_count(&self) -> usize {
        self.phrases.len()
    }

    /// Cleans `raw` and checks it; see the module documentation for the rules.
    pub fn check(&self, raw: &str, ctx: &CheckCtx<'_>) -> Result<Checked, Reject> {
        // Bound the work before cleaning: the cleaned text can only be smaller.
        let hard_cap = ctx.max_bytes.saturating_mul(4).max(4096);
        if raw.len() > hard_cap {
            return Err(Reject::TooLarge {
                bytes: raw.len(),
                limit: ctx.max_bytes,
            });
        }
        let lines = clean(raw, ctx);
        let text = lines.join("\n");
        if text.trim().is_empty() {
            return Err(Reject::Empty);
        }
        if text.len() > ctx.max_bytes {
            return Err(Reject::TooLarge {
                bytes: text.len(),
                limit: ctx.max_bytes,
            });
        }
        let norm: Vec<String> = lines.iter().map(|l| normalise_line(l)).collect();
        let joined = norm.join(" ");
        if echoes(&joined, ctx.echo_markers) {
            return Err(Reject::PromptEcho);
        }
        if ["<<<untrusted", "untrusted_terminal_input", "<<<end id="]
            .iter()
            .any(|m| joined.contains(m))
        {
            return Err(Reject::FenceLeak);
        }
        if let Some(reject) = self.phrase_reject(&norm, &joined, ctx.file) {
            return Err(reject);
        }
        if !ctx.file && lines.iter().any(|l| l.trim_start().starts_with("```")) {
            return Err(Reject::Markup);
        }
        Ok(Checked {
            text: to_pty(&text),
        })
    }

    /// The most severe, then earliest, phrase match.
    fn phrase_reject(&self, norm: &[String], joined: &str, file: bool) -> Option<Reject> {
        let non_empty: Vec<usize> = (0..norm.len())
            .filter(|&i| norm.get(i).is_some_and(|l| !l.is_empty()))
            .collect();
        let first = non_empty.first().copied();
        let last = non_empty.last().copied();
        let mut offsets = Vec::with_capacity(norm.len());
        let mut off = 0usize;
        for l in norm {
            offsets.push(off);
            off += l.len() + 1;
        }
        let mut best: Option<(Kind, usize, &Compiled)> = None;
        for p in &self.phrases {
            let pos = match p.at {
                At::Anywhere => find_word(joined, p),
                At::LineStart | At::AnswerStart => norm.iter().enumerate().find_map(|(i, l)| {
                    let allowed = match p.at {
                        At::AnswerStart => Some(i) == first,
                        _ => !file || Some(i) == first || Some(i) == last,
                    };
                    (allowed && starts_with_phrase(l, p))
                        .then(|| offsets.get(i).copied().unwrap_or(0))
                }),
            };
            if let Some(pos) = pos {
                let better = match best {
                    None => true,
                    Some((k, bpos, _)) => {
                        (p.kind.severity(), std::cmp::Reverse(pos))
                            > (k.severity(), std::cmp::Reverse(bpos))
                    }
                };
                if better {
                    best = Some((p.kind, pos, p));
                }
            }
        }
        best.map(|(kind, _, p)| {
            let phrase = p.text.clone();
            match kind {
                Kind::AiDisclosure => Reject::AiDisclosure { phrase },
                Kind::Refusal => Reject::Refusal { phrase },
                Kind::Chatty => Reject::Chatty { phrase },
            }
        })
    }
}

/// The cleaning steps of the module documentation, as lines.
fn clean(raw: &str, ctx: &CheckCtx<'_>) -> Vec<String> {
    let text: String = raw
        .replace("\r\n", "\n")
        .chars()
        .map(|c| if c == '\r' { '\n' } else { c })
        .filter(|&c| {
            !((c.is_control() && c != '\n' && c != '\t') || crate::prompt::is_invisible(c))
        })
        .collect();
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    trim_blank(&mut lines);
    unwrap_fence(&mut lines);
    trim_blank(&mut lines);
    if let [only] = lines.as_mut_slice() {
        let t = only.trim();
        if t.len() >= 3 && t.starts_with('`') && t.ends_with('`') {
            let inner = t.trim_matches('`');
            if !inner.contains('`') && t.len() == inner.len() + 2 {
                *only = inner.to_owned();
            }
        }
    }
    if !ctx.file {
        for l in lines.iter_mut() {
            if l.contains("**") {
                *l = strip_bold(l);
            }
        }
        if lines
            .first()
            .is_some_and(|l| echoes_command(l, ctx.command))
        {
            lines.remove(0);
        }
        if lines.len() > 1 && lines.last().is_some_and(|l| is_prompt_line(l)) {
            lines.pop();
        }
    }
    trim_blank(&mut lines);
    lines
}

fn trim_blank(lines: &mut Vec<String>) {
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    let lead = lines.iter().take_while(|l| l.trim().is_empty()).count();
    lines.drain(..lead);
}

/// Removes a code fence wrapping the whole answer (or an opening fence never closed).
fn unwrap_fence(lines: &mut Vec<String>) {
    let opens = lines.first().is_some_and(|l| {
        let t = l.trim();
        t.strip_prefix("```").is_some_and(|tag| {
            tag.len() <= 24
                && tag
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '_' | '.'))
        })
    });
    if !opens {
        return;
    }
    let is_close = |l: &String| l.trim() == "```";
    let closes = lines.len() > 1 && lines.last().is_some_and(is_close);
    let inner_fences = lines
        .iter()
        .skip(1)
        .filter(|l| l.trim_start().starts_with("```"))
        .count();
    if closes {
        lines.pop();
        lines.remove(0);
    } else if inner_fences == 0 {
        lines.remove(0);
    }
}

/// `**word**` → `word` when the inside reads as words (no `/`, `*` or backtick, starts and
/// ends with a non-blank, holds a letter): `**/node_modules/**` stays.
fn strip_bold(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = rest.find("**") {
        let (before, after_open) = (
            rest.get(..start).unwrap_or(""),
            rest.get(start + 2..).unwrap_or(""),
        );
        let Some(end) = after_open.find("**") else {
            break;
        };
        let inner = after_open.get(..end).unwrap_or("");
        let words = !inner.is_empty()
            && inner.len() <= 80
            && !inner.starts_with(char::is_whitespace)
            && !inner.ends_with(char::is_whitespace)
            && inner.chars().any(char::is_alphabetic)
            && !inner.contains(['/', '*', '`']);
        out.push_str(before);
        if words {
            out.push_str(inner);
            rest = after_open.get(end + 2..).unwrap_or("");
        } else {
            out.push_str("**");
            rest = after_open;
        }
    }
    out.push_str(rest);
    out
}

/// The line repeats the command, bare or after a shell prompt.
fn echoes_command(line: &str, command: &str) -> bool {
    let cmd = command.trim();
    let line = line.trim();
    if cmd.is_empty() {
        return false;
    }
    if line == cmd {
        return true;
    }
    let Some(head) = line.strip_suffix(cmd) else {
        return false;
    };
    let head = head.trim_end();
    head.strip_suffix(['$', '#'])
        .is_some_and(|p| p.trim().is_empty() || prompt_shaped(p.trim()))
}

/// A bare shell prompt such as `root@web-01:~#` or `[root@web-01 ~]$`.
fn is_prompt_line(line: &str) -> bool {
    let t = line.trim();
    t.len() <= 120
        && t.strip_suffix(['$', '#'])
            .is_some_and(|p| prompt_shaped(p.trim_end()))
}

fn prompt_shaped(p: &str) -> bool {
    (p.contains('@') && !p.contains(char::is_whitespace))
        || (p.starts_with('[') && p.ends_with(']') && p.contains('@'))
}

/// Whether the answer repeats the prompt: a whole marker, or two 6-word runs of the markers.
fn echoes(joined: &str, markers: &[String]) -> bool {
    const RUN: usize = 6;
    let mut shingles = HashSet::new();
    for m in markers {
        let m = normalise_line(m);
        if m.len() >= 12 && joined.contains(&m) {
            return true;
        }
        let words: Vec<u64> = m.split(' ').map(word_hash).collect();
        shingles.extend(words.windows(RUN).map(window_hash));
    }
    if shingles.is_empty() {
        return false;
    }
    let words: Vec<u64> = joined.split(' ').map(word_hash).collect();
    let mut hits = HashSet::new();
    for w in words.windows(RUN).map(window_hash) {
        if shingles.contains(&w) {
            hits.insert(w);
            if hits.len() >= 2 {
                return true;
            }
        }
    }
    false
}

fn word_hash(w: &str) -> u64 {
    w.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn window_hash(ws: &[u64]) -> u64 {
    ws.iter().fold(17u64, |h, w| {
        h.rotate_left(13) ^ w.wrapping_mul(0x9e37_79b9_7f4a_7c15)
    })
}

/// Lowercase, curly quotes folded, blanks collapsed, trimmed.
fn normalise_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut blank = false;
    for c in line.chars() {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{02BC}' | '\u{2032}' | '\u{FF07}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{00AB}' | '\u{00BB}' => '"',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if c == ' ' {
            blank = !out.is_empty();
            continue;
        }
        if blank {
            out.push(' ');
            blank = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7AF}' | '\u{F900}'..='\u{FAFF}')
}

/// The first occurrence of `p` in `hay` at word boundaries.
fn find_word(hay: &str, p: &Compiled) -> Option<usize> {
    let mut from = 0;
    while let Some(rel) = hay.get(from..).and_then(|h| h.find(&p.text)) {
        let at = from + rel;
        let end = at + p.text.len();
        let before_ok = !p.start_boundary
            || !hay
                .get(..at)
                .and_then(|s| s.chars().next_back())
                .is_some_and(is_word);
        let after_ok = !p.end_boundary
            || !hay
                .get(end..)
                .and_then(|s| s.chars().next())
                .is_some_and(is_word);
        if before_ok && after_ok {
            return Some(at);
        }
        from = at + p.text.chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// Whether the normalised `line` starts with `p`, past leading markup.
fn starts_with_phrase(line: &str, p: &Compiled) -> bool {
    let t = line.trim_start_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '*' | '_' | '>' | '(' | '[' | '"' | '\'' | '-' | '•' | '¡' | '¿'
            )
            || ('\u{2600}'..='\u{27BF}').contains(&c)
            || c >= '\u{1F000}'
    });
    t.strip_prefix(p.text.as_str())
        .is_some_and(|rest| !p.end_boundary || !rest.chars().next().is_some_and(is_word))
}

/// `text` with `\n` line endings (`\r\n` and lone `\r` become `\n`), trailing blank lines
/// dropped, ending in `\n` unless empty. The caller turns `\n` into CRLF for the pty.
pub fn to_pty(text: &str) -> String {
    let unified = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut lines: Vec<&str> = unified.split('\n').collect();
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    if lines.is_empty() {
        return String::new();
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}
