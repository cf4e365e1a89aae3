//! Prompt-injection detection: every command line an attacker types is checked here before
//! anything of it could reach an LLM (the fallback for commands the shell emulator cannot
//! answer), for attempts to talk to or subvert that LLM hidden in shell input.
//!
//! A line is looked at the way a model would read it, not the way it is spelled:
//! - [`normalize`]: zero-width and control characters removed, NFKC, lowercase, confusables
//!   mapped to Latin (UTS-39 skeleton: Cyrillic `іgnore` is `ignore`), whitespace collapsed;
//! - the shell view: quotes, backslash escapes (`\t`, `\n`) and `$IFS` undone, so
//!   `echo -e "ignore\nprevious"` and `ig''nore` read as words;
//! - payloads decoded one level: backslash escapes, `%XX`, base64 and hex runs
//!   ([`InjectionHit::decoded`] says when only those matched).
//!
//! The patterns (`injection/patterns.rs`) are one [`regex::RegexSet`], so a clean line costs
//! one scan; pure-ASCII lines skip the Unicode work and lines with nothing encoded in them
//! skip decoding. Work per line is bounded: only the first [`MAX_LINE_BYTES`] are read and at
//! most [`MAX_PAYLOADS`] decoded payloads are matched.

use std::collections::HashSet;
use std::fmt;

use regex::{Regex, RegexSet, RegexSetBuilder};

use crate::DetectError;

mod decode;
mod fold;
mod patterns;

#[cfg(test)]
mod corpus_tests;
#[cfg(test)]
mod tests;

pub use fold::normalize;
use patterns::Pattern;

/// How much of a line is looked at; the rest is ignored.
pub const MAX_LINE_BYTES: usize = 8 * 1024;

/// How many decoded payloads (escapes, url-encoding, base64 and hex runs) of one line are
/// matched at most.
pub const MAX_PAYLOADS: usize = 8;

/// Appended to the set, never matches (a character before the start of the text), and
/// starts with a class no literal prefilter can cover. Without it the regex engine builds an
/// Aho-Corasick prefilter from the hundreds of literal prefixes of the table, and that
/// prefilter is slower than the set's lazy DFA alone: on the corpus, `is_match` took twice
/// as long with it. Its index is past the table, so it can never be reported.
const NO_PREFILTER: &str = r"[\s\S]\A";

/// Compiled size limit for the pattern set (the default 10 MiB is tight for 100+ patterns
/// with bounded gaps such as `.{0,80}`).
const SET_SIZE_LIMIT: usize = 64 << 20;

/// The prompt-injection detector. Built once, shared (Send + Sync), cheap to call per line.
pub struct InjectionDetector {
    set: RegexSet,
    patterns: Vec<Pattern>,
}

/// What [`InjectionDetector::check`] found in a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InjectionHit {
    /// Ids of the patterns that matched, in table order (`role.ignore_previous`, ...).
    pub patterns: Vec<String>,
    /// Their categories, each once, in table order (`role_override`, `delimiter`,
    /// `jailbreak`, `prompt_leak`, `tool_abuse`, `obfuscation`, `multi_language`).
    pub categories: Vec<String>,
    /// True when nothing matched the line itself, only text decoded from it (base64, hex,
    /// `\x` escapes, url-encoding).
    pub decoded: bool,
}

impl InjectionDetector {
    /// The detector with the built-in pattern sets.
    ///
    /// # Errors
    /// [`DetectError::Pattern`] or [`DetectError::Table`] if the built-in table is broken,
    /// which its tests rule out.
    pub fn new() -> Result<InjectionDetector, DetectError> {
        InjectionDetector::build(patterns::PATTERNS)
    }

    /// Checks the table (ids unique and non-empty, categories known) and compiles it.
    fn build(table: &[Pattern]) -> Result<InjectionDetector, DetectError> {
        let mut seen = HashSet::new();
        for p in table {
            if p.id.is_empty() || p.regex.is_empty() {
                return Err(DetectError::Table(format!(
                    "injection pattern {:?}: empty id or regex",
                    p.id
                )));
            }
            if !seen.insert(p.id) {
                return Err(DetectError::Table(format!(
                    "injection pattern {}: duplicate id",
                    p.id
                )));
            }
            if !patterns::CATEGORIES.contains(&p.category) {
                return Err(DetectError::Table(format!(
                    "injection pattern {}: unknown category {:?}",
                    p.id, p.category
                )));
            }
        }
        let regexes = table.iter().map(|p| ascii_word_boundaries(p.regex));
        let set = RegexSetBuilder::new(regexes.chain([NO_PREFILTER.to_owned()]))
            .size_limit(SET_SIZE_LIMIT)
            .build()
            .map_err(|err| blame(table, err))?;
        Ok(InjectionDetector {
            set,
            patterns: table.to_vec(),
        })
    }

    /// Checks one command line; `None` means clean.
    pub fn check(&self, line: &str) -> Option<InjectionHit> {
        let line = cap(line, MAX_LINE_BYTES);
        let mut found = Vec::new();
        let direct = self.scan(line, &mut found);
        let mut decoded = false;
        for payload in decode::payloads(line, MAX_PAYLOADS) {
            decoded |= self.scan(&payload, &mut found);
        }
        if !direct && !decoded {
            return None;
        }
        found.sort_unstable();
        found.dedup();
        let mut hit = InjectionHit {
            patterns: Vec::with_capacity(found.len()),
            categories: Vec::new(),
            decoded: !direct,
        };
        for p in found.iter().filter_map(|&i| self.patterns.get(i)) {
            hit.patterns.push(p.id.to_owned());
            if !hit.categories.iter().any(|c| c == p.category) {
                hit.categories.push(p.category.to_owned());
            }
        }
        Some(hit)
    }

    /// How many patterns the detector has.
    pub fn pattern_count(&self) -> usize {
        self.patterns.len()
    }

    /// The patterns' ids and categories, in table order.
    pub fn patterns(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        self.patterns.iter().map(|p| (p.id, p.category))
    }

    /// Matches every view of `text` and adds the indices of the patterns that matched to
    /// `found`; true if any did.
    fn scan(&self, text: &str, found: &mut Vec<usize>) -> bool {
        if text.is_ascii() {
            return self.scan_view(&fold::shell_view(text), found);
        }
        // Latin-folded and native views; with zero-width characters removed and, if there
        // are any, read as spaces too.
        let base = fold::base(text);
        let spacings: &[bool] = if fold::has_zero_width(&base) {
            &[false, true]
        } else {
            &[false]
        };
        let mut views: Vec<String> = Vec::with_capacity(2 * spacings.len());
        for &spaced in spacings {
            for skeleton in [true, false] {
                let view = fold::shell_view(&fold::fold(&base, skeleton, spaced));
                if !views.contains(&view) {
                    views.push(view);
                }
            }
        }
        let mut any = false;
        for view in &views {
            any |= self.scan_view(view, found);
        }
        any
    }

    /// Matches one view; adds the table indices that matched (never the guard) to `found`.
    fn scan_view(&self, view: &str, found: &mut Vec<usize>) -> bool {
        if !self.set.is_match(view) {
            return false;
        }
        let before = found.len();
        let table = self.patterns.len();
        found.extend(self.set.matches(view).iter().filter(|&i| i < table));
        found.len() > before
    }
}

impl fmt::Debug for InjectionDetector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InjectionDetector")
            .field("patterns", &self.patterns.len())
            .finish_non_exhaustive()
    }
}

/// `\b` in the table is an ASCII word boundary, `(?-u:\b)`. A Unicode `\b` makes the
/// regex engine's lazy DFA give up at the first non-ASCII byte and fall back to a slower
/// engine: 20 ms for an 8 KiB line of Chinese instead of tens of microseconds. Accented
/// words lose nothing: the Latin-folded view has them without accents.
fn ascii_word_boundaries(regex: &str) -> String {
    regex.replace(r"\b", r"(?-u:\b)")
}

/// Turns a set compile error into one that names the pattern at fault.
fn blame(table: &[Pattern], err: regex::Error) -> DetectError {
    for p in table {
        if let Err(source) = Regex::new(&ascii_word_boundaries(p.regex)) {
            return DetectError::Pattern {
                id: p.id.to_owned(),
                source,
            };
        }
    }
    // Every pattern compiles alone, so the set as a whole is too big.
    DetectError::Pattern {
        id: "injection.*".to_owned(),
        source: err,
    }
}

/// The first `max` bytes of `line`, cut back to a character boundary.
fn cap(line: &str, max: usize) -> &str {
    if line.len() <= max {
        return line;
    }
    let mut end = max;
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    line.get(..end).unwrap_or_default()
}
