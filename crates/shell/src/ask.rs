//! The shell's side of the LLM fallback: what it may ask, and how an answer comes back.
//!
//! The shell never waits. Two things can only be answered by a language model: a program the
//! persona has installed (an x86-64 ELF in the filesystem) that the command table does not
//! emulate, and the text of a persona file listed without content. For either, the shell
//! first looks in the session's own answers and then in the shared [`Oracle`] (the runtime's
//! response cache). On a miss it puts the line back as if it had never run (the interpreter is
//! restored from a snapshot taken before the line) and returns the [`Ask`] in
//! [`Step::ask`](crate::Step::ask). The runtime resolves it, with its timeouts, and calls
//! [`Shell::resume`](crate::Shell::resume) with an answer or [`Resolution::Fallback`]; the
//! line then runs again and finds its answer, or prints what it printed without an LLM.
//!
//! Design choice: a snapshot is taken only for lines whose words name such a program or file
//! (a few `stat`s per word), so ordinary lines cost nothing, and the rerun with the same clock
//! and seed gives the same bytes. A key names what an answer depends on: the program and its
//! arguments, the working directory, and the state of the files the arguments name.
//!
//! Known limits: the pre-check reads the words of the line as typed, so a program reached only
//! through an expansion (`$(echo nginx) -v`) or a file read through a glob is answered without
//! the LLM. At most [`MAX_ASKS_PER_LINE`] asks are made for one line.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use sha2::Digest;

use crate::commands;
use crate::interp::{Interp, Io};

/// Asks one command line may make; later misses in it print the deterministic answer.
pub const MAX_ASKS_PER_LINE: u32 = 3;

/// Answers a session remembers for itself (beyond that, only the shared cache).
const MAX_LOCAL: usize = 256;

/// Words of a line the pre-check looks at.
const MAX_WORDS: usize = 64;

/// Largest persona file (manifest size) whose text may be generated.
pub const MAX_FILE_SIZE: u64 = 64 * 1024;

/// Answers already accepted, shared by every session of a persona (the runtime's response
/// cache). Lookups must be cheap: they happen while a line runs.
pub trait Oracle: Send + Sync + fmt::Debug {
    /// The accepted answer for `key`, if there is one.
    fn answer(&self, key: &str) -> Option<Arc<str>>;
}

/// A question only an LLM can answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ask {
    /// What the answer depends on, as one string (the cache key before hashing).
    pub key: String,
    /// The question.
    pub kind: AskKind,
    /// The working directory when it was asked.
    pub cwd: String,
    /// The whole command line as typed (for the injection guard).
    pub input: String,
}

/// What is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AskKind {
    /// What `line` prints: a persona program the shell does not emulate.
    Command {
        /// The program's name.
        program: String,
        /// The normalised command (program name and arguments, quoted where needed).
        line: String,
    },
    /// The text of a persona file listed without content.
    File {
        /// Canonical absolute path.
        path: String,
        /// Its size in the manifest.
        size: u64,
    },
}

/// How an [`Ask`] was settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// Show this (validated) text.
    Answer(Arc<str>),
    /// Print what the shell prints without an LLM.
    Fallback,
}

/// Where an answer shown without a new call came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerSource {
    /// The shared response cache.
    Cache,
    /// An answer this session already had.
    Session,
}

#[derive(Debug, Clone)]
struct Local {
    res: Resolution,
    /// Just resolved: its use by the rerun is the call the runtime already reported.
    fresh: bool,
}

/// Per-session LLM state inside the interpreter.
#[derive(Debug, Clone)]
pub(crate) struct LlmState {
    oracle: Arc<dyn Oracle>,
    local: HashMap<String, Local>,
    /// The first unanswered question of the running line.
    pub miss: Option<Ask>,
    /// Whether the running line may still ask.
    pub may_ask: bool,
}

impl LlmState {
    pub(crate) fn new(oracle: Arc<dyn Oracle>) -> LlmState {
        LlmState {
            oracle,
            local: HashMap::new(),
            miss: None,
            may_ask: true,
        }
    }

    /// Remembers how `key` was settled (bounded: past the cap, only answers replace).
    pub(crate) fn settle(&mut self, key: String, res: Resolution) {
        if self.local.len() >= MAX_LOCAL && !self.local.contains_key(&key) {
            if matches!(res, Resolution::Fallback) {
                return;
            }
            let old = self
                .local
                .iter()
                .find(|(_, l)| matches!(l.res, Resolution::Fallback))
                .map(|(k, _)| k.clone());
            match old {
                Some(k) => {
                    self.local.remove(&k);
                }
                None => return,
            }
        }
        self.local.insert(key, Local { res, fresh: true });
    }
}

/// `word` as the shell would pass it, for words with no expansion: quotes removed. `None`
/// for a word the pre-check cannot read without expanding it.
fn literal(word: &str) -> Option<String> {
    if word.contains(['$', '`', '*', '?', '[', '{', '~']) {
        return None;
    }
    let mut out = String::with_capacity(word.len());
    let mut quote: Option<char> = None;
    let mut chars = word.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None | Some('"'), '\\') => out.push(chars.next()?),
            _ => out.push(c),
        }
    }
    Some(out)
}

/// The words of a line, split at blanks and operators (`;|&<>()`), quotes kept.
fn words(line: &str) -> Vec<&str> {
    line.split(|c: char| c.is_whitespace() || ";|&<>()".contains(c))
        .filter(|w| !w.is_empty())
        .take(MAX_WORDS)
        .collect()
}

/// `arg` quoted the way `printf %q` would show it, when it needs quoting.
fn shell_quote(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%^".contains(c));
    if plain {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

/// Whether a persona file without content is worth a generated text: not a program, small,
/// and not a binary format by its name.
pub fn text_candidate(path: &str, size: u64) -> bool {
    const BINARY: &[&str] = &[
        ".gz", ".xz", ".bz2", ".zst", ".zip", ".deb", ".so", ".a", ".o", ".mo", ".pyc", ".png",
        ".jpg", ".gif", ".ico", ".db", ".cache", ".bin", ".dat", ".pf2", ".ttf", ".otf", ".pcf",
        ".gpg", ".kbx", ".sqlite", ".mgc", ".pack", ".idx", ".wasm", ".jar", ".class",
    ];
    let lower = path.to_ascii_lowercase();
    size <= MAX_FILE_SIZE
        && !BINARY.iter().any(|ext| lower.ends_with(ext))
        && !lower.contains(".so.")
        && !lower.contains("ssh_host_")
        && ![".key", "_key", ".pem", ".crt"]
            .iter()
            .any(|ext| lower.ends_with(ext))
        && !lower.starts_with("/usr/share/locale/")
        && !lower.starts_with("/usr/lib/locale/")
        && !lower.starts_with("/var/lib/dpkg/info/")
        && !lower.starts_with("/proc/")
        && !lower.starts_with("/sys/")
}

impl Interp {
    /// Turns the LLM fallback on, answering from `oracle` first.
    pub(crate) fn set_oracle(&mut self, oracle: Arc<dyn Oracle>) {
        self.llm = Some(LlmState::new(oracle));
    }

    /// Starts a line: no miss yet, and whether it may ask.
    pub(crate) fn llm_line(&mut self, may_ask: bool) {
        if let Some(l) = self.llm.as_mut() {
            l.miss = None;
            l.may_ask = may_ask;
        }
    }

    /// The answer for `key`, from this session or the shared cache; on a miss the first one
    /// of the line is kept as the question to ask.
    fn llm_lookup(&mut self, key: &str, ask: impl FnOnce() -> Ask) -> Option<Arc<str>> {
        let l = self.llm.as_mut()?;
        if let Some(local) = l.local.get_mut(key) {
            return match &local.res {
                Resolution::Answer(text) => {
                    let text = Arc::clone(text);
                    if std::mem::replace(&mut local.fresh, false) {
                        return Some(text);
                    }
                    self.note_llm(ask(), AnswerSource::Session);
                    Some(text)
                }
                Resolution::Fallback => None,
            };
        }
        if let Some(text) = l.oracle.answer(key) {
            self.note_llm(ask(), AnswerSource::Cache);
            return Some(text);
        }
        if l.may_ask && l.miss.is_none() {
            l.miss = Some(ask());
        }
        None
    }

    fn note_llm(&mut self, ask: Ask, source: AnswerSource) {
        if self.notes.len() < 64 {
            self.notes
                .push(crate::Observation::LlmAnswer { ask, source });
        }
    }

    /// The key of running `canon` with `argv`: program, arguments, cwd, and the state of
    /// every argument that names a file.
    fn command_key(&self, canon: &str, argv: &[String]) -> (String, String, String) {
        let program = miragepot_vfs::path::basename(canon).to_string();
        let mut line = program.clone();
        let mut states = String::new();
        for arg in argv.iter().skip(1).take(MAX_WORDS) {
            line.push(' ');
            line.push_str(&shell_quote(arg));
            if arg.starts_with('-') || arg.is_empty() {
                continue;
            }
            let Ok(meta) = self.fs.stat(&self.st.cwd, arg) else {
                continue;
            };
            let state = match self.fs.written_content(&self.st.cwd, arg) {
                Some(bytes) => hex::encode(sha2::Sha256::digest(bytes)),
                None => format!("{:?}:{}:{}", meta.kind, meta.size, meta.mtime),
            };
            states.push_str(&format!("{arg}={state};"));
        }
        let key = format!("cmd\x1f{line}\x1f{}\x1f{states}", self.st.cwd);
        (key, program, line)
    }

    /// Runs an installed program the table does not emulate through the LLM's answer, when
    /// there is one. `None`: no answer (the caller prints the deterministic one).
    pub(crate) fn llm_command(&mut self, canon: &str, argv: &[String], io: &Io) -> Option<i32> {
        self.llm.as_ref()?;
        let (key, program, line) = self.command_key(canon, argv);
        let cwd = self.st.cwd.clone();
        let k = key.clone();
        let text = self.llm_lookup(&key, move || Ask {
            key: k,
            kind: AskKind::Command { program, line },
            cwd,
            input: String::new(),
        })?;
        self.emit(io, 1, text.as_bytes());
        Some(0)
    }

    /// Whether a word of `line` names a program only the LLM can answer (the line then runs
    /// on a snapshot).
    pub(crate) fn may_need_llm(&mut self, line: &str) -> bool {
        if self.llm.is_none() {
            return false;
        }
        for w in words(line) {
            let Some(w) = literal(w) else { continue };
            if w.starts_with('-') || w.contains('=') || commands::by_name(&w).is_some() {
                continue;
            }
            let path = if w.contains('/') {
                Some(w)
            } else {
                self.path_lookup(&w)
            };
            let Some(path) = path else { continue };
            if self.fs.synthetic(&self.st.cwd, &path) == Some(true) {
                let canon = self
                    .fs
                    .canonicalize(&self.st.cwd, &path)
                    .unwrap_or_default();
                if commands::by_path(&canon).is_none() {
                    return true;
                }
            }
        }
        false
    }

    /// Gives every persona file without content that `line` names its generated text, from
    /// this session's answers or the cache. Returns the first file still unanswered.
    pub(crate) fn llm_files(&mut self, line: &str) -> Option<Ask> {
        self.llm.as_ref()?;
        for w in words(line) {
            let Some(w) = literal(w) else { continue };
            if w.starts_with('-') || self.fs.synthetic(&self.st.cwd, &w) != Some(false) {
                continue;
            }
            let Ok(canon) = self.fs.canonicalize(&self.st.cwd, &w) else {
                continue;
            };
            let size = self.fs.stat("/", &canon).map(|m| m.size).unwrap_or(0);
            if !text_candidate(&canon, size) {
                continue;
            }
            let key = format!("file\x1f{canon}");
            let (k, c) = (key.clone(), canon.clone());
            let cwd = self.st.cwd.clone();
            if let Some(text) = self.llm_lookup(&key, move || Ask {
                key: k,
                kind: AskKind::File { path: c, size },
                cwd,
                input: String::new(),
            }) {
                let bytes: Arc<[u8]> = Arc::from(text.as_bytes());
                let _ = self.fs.fill_generated("/", &canon, bytes);
            }
            if let Some(ask) = self.llm.as_mut().and_then(|l| l.miss.take()) {
                return Some(ask);
            }
        }
        None
    }

    /// The first of `paths` (absolute) that this session's filesystem does not have.
    pub(crate) fn first_missing(&self, paths: &[String]) -> Option<String> {
        paths
            .iter()
            .find(|p| !self.fs.exists("/", p) && !self.fs.exists("/", p.trim_end_matches('/')))
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_words() {
        assert_eq!(literal("'ng'inx").as_deref(), Some("nginx"));
        assert_eq!(literal(r#""a b"\c"#).as_deref(), Some("a bc"));
        assert_eq!(literal("$HOME"), None);
        assert_eq!(literal("*.conf"), None);
        assert_eq!(literal("x\\"), None);
    }

    #[test]
    fn quoting_and_candidates() {
        assert_eq!(shell_quote("-v"), "-v");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert!(text_candidate("/etc/nginx/nginx.conf", 1500));
        assert!(!text_candidate("/usr/lib/x.so.1", 100));
        assert!(!text_candidate("/usr/share/doc/x/changelog.gz", 100));
        assert!(!text_candidate("/etc/big.conf", MAX_FILE_SIZE + 1));
        assert_eq!(words("a|b; c >d"), vec!["a", "b", "c", "d"]);
    }
}
