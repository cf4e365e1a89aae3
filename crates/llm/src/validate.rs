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
//! 3. [`Reject::PromptEcho`]: one of the request's echo markers (system prompt sentences and
//!    the user message's own wording, [`crate::prompt::echo_markers`]), or two 6-word runs
//!    of them;
//! 4. [`Reject::FenceLeak`]: the untrusted-block markers;
//! 5. [`Reject::AiDisclosure`], [`Reject::Refusal`], [`Reject::Chatty`]: a phrase of the
//!    table in `validate/phrases.rs` (most severe kind first, then the earliest);
//! 6. [`Reject::Markup`]: a code fence left inside a command's output; in a file, an odd
//!    number of fence lines, so a lone first or last fence (a lone trailing fence is rejected,
//!    not dropped: nothing opened it, so the model was writing markdown, and what it wrapped
//!    is not the file), while a README closing on its code block passes;
//! 7. [`Reject::Replay`]: a line is an earlier command of [`CheckCtx::recent`] behind a shell
//!    prompt or a bare `#`/`$` (`root@web-01:~# id`, `# id`) with output after it, or (for a
//!    command) the first line is an earlier command, bare, with more lines after it;
//! 8. [`Reject::CommandEcho`]: a command answer whose first line is itself a shell command
//!    (`sudo ...`, a lone `sudo`, `bash -c`, `sh -c`, `cd `, `rm `, `wget `, `curl `, `ls -`,
//!    `$ cmd`, `# cmd` with `cmd` a common command word, `user@host:~# cmd`) whose word the
//!    asked command does not use, or with a later line that is a shell prompt and a command
//!    (`root@web-01:~# ls -l`); commands printing a file's lines (`cat`, `tail`, `grep`, a
//!    history) are exempt, and so are files;
//! 9. [`Reject::Repetitive`]: a block of 1 to 8 lines repeated 4 times in a row (blanks
//!    inside lines collapsed, blocks of punctuation only exempt), or 12 or more content lines
//!    (not blank, not `#`/`;`/`//` comments) of which fewer than a quarter are distinct.
//!    Filter commands (pipes, command lists, `grep`, `cut`, `ps`, `vmstat`...) are exempt:
//!    `grep name /proc/cpuinfo` repeats a line per CPU.
//!
//! The cleaning lives in `validate/clean.rs`, the shape rules (7 to 9) in `validate/shape.rs`.
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
//! An answer cut by the token cap is not detected as such (the completion carries no finish
//! reason); a loop that ran into the cap is caught by [`Reject::Repetitive`]. Replays are only
//! found when the caller passes [`CheckCtx::recent`].

mod clean;
#[cfg(test)]
mod garbage_tests;
#[cfg(test)]
mod good_tests;
mod paths;
mod phrases;
mod shape;
#[cfg(test)]
mod shape_tests;
#[cfg(test)]
mod tests;

pub use paths::shown_paths;

use std::collections::HashSet;

use clean::clean;
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
    /// The answer repeats the request (the system prompt or the user message's wording).
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
    /// Markdown left in a command's output (a code fence), or fences in a file that do not
    /// pair up.
    #[error("markdown in the answer")]
    Markup,
    /// The answer replays an earlier command of the transcript and its output.
    #[error("answer replays an earlier command")]
    Replay,
    /// A command answer that starts with another shell command instead of output, or goes
    /// on past its output with a prompt line and a command.
    #[error("answer starts with a shell command ({word:?})")]
    CommandEcho {
        /// The command word it starts with.
        word: String,
    },
    /// The same lines over and over.
    #[error("repetitive answer")]
    Repetitive,
}

impl Reject {
    /// A short stable name: `empty`, `chatty`, `ai_disclosure`, `refusal`, `prompt_echo`,
    /// `fence_leak`, `too_large`, `markup`, `replay`, `command_echo` or `repetitive`.
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
            Reject::Replay => "replay",
            Reject::CommandEcho { .. } => "command_echo",
            Reject::Repetitive => "repetitive",
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
    /// The earlier command lines of the session the prompt showed, oldest first (for
    /// [`Reject::Replay`]; empty by default, which disables that rule).
    pub recent: &'a [String],
}

impl Default for CheckCtx<'_> {
    fn default() -> Self {
        CheckCtx {
            command: "",
            echo_markers: &[],
            max_bytes: DEFAULT_MAX_BYTES,
            file: false,
            recent: &[],
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
        let markup = if ctx.file {
            shape::file_fences_unbalanced(&lines)
        } else {
            lines.iter().any(|l| shape::is_fence(l))
        };
        if markup {
            return Err(Reject::Markup);
        }
        if shape::replays(&lines, ctx.recent, ctx.command, ctx.file) {
            return Err(Reject::Replay);
        }
        if !ctx.file
            && let Some(word) = shape::command_echo(&lines, ctx.command)
        {
            return Err(Reject::CommandEcho {
                word: word.to_owned(),
            });
        }
        if shape::repetitive(&lines, ctx.command, ctx.file) {
            return Err(Reject::Repetitive);
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
