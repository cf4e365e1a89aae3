//! Checks on the shape of a cleaned answer rather than its words: fences a file answer leaves
//! open, replays of the transcript, a shell command where output should be, and loops.
//!
//! Small models that lose track of the task write one of a few shapes: a command line
//! (`sudo rm -R *`, `# ls -l /var/log`) instead of its output, the prompt's transcript again
//! (`# id` then `uid=0(root) ...`), a prompt line and a next command after some output
//! (`root@web-01:~# ls -l /var/log`), the same line or the same few lines over and over until
//! the token cap, or markdown closed by a fence nothing opened. Real terminal output has none
//! of these shapes often, and where it legitimately repeats (filters such as
//! `grep name /proc/cpuinfo`, `cut -d: -f7 /etc/passwd`) the repetition rules stand aside.

use super::clean::{echoes_command, prompt_shaped};

/// The same block of up to this many lines repeated [`MIN_REPEATS`] times in a row is a loop.
const MAX_PERIOD: usize = 8;
/// How many times in a row a block must appear to count as a loop.
const MIN_REPEATS: usize = 4;
/// The distinct-line ratio applies from this many content lines on.
const RATIO_MIN_LINES: usize = 12;

/// Words that start a command line an answer should not begin with after a `# ` sigil (the
/// sigil alone reads as a comment, so the word must be a command, not prose: `# see "man
/// logrotate"` is a real first line).
const SHELL_WORDS: &[&str] = &[
    "apt",
    "apt-get",
    "bash",
    "cat",
    "cd",
    "chmod",
    "chown",
    "cp",
    "crontab",
    "curl",
    "dpkg",
    "echo",
    "grep",
    "id",
    "ifconfig",
    "journalctl",
    "ls",
    "mkdir",
    "mv",
    "nano",
    "nc",
    "netstat",
    "perl",
    "ps",
    "python",
    "python3",
    "rm",
    "scp",
    "sh",
    "ssh",
    "su",
    "sudo",
    "systemctl",
    "tar",
    "uname",
    "useradd",
    "vi",
    "vim",
    "wget",
    "whoami",
];

/// Line starts that are a shell command on their own.
const COMMAND_STARTS: &[&str] = &[
    "sudo ", "bash -c", "sh -c", "cd ", "rm ", "wget ", "curl ", "ls -",
];

/// Commands whose output is some file's lines (a script, a shell history can start with
/// `sudo apt update`): the command-echo rule stands aside for them.
const VIEWERS: &[&str] = &[
    "cat", "tac", "head", "tail", "less", "more", "nl", "grep", "egrep", "fgrep", "zcat",
    "strings", "sed", "awk", "history",
];

/// Commands whose output may repeat lines verbatim: the repetition rules stand aside.
const FILTERS: &[&str] = &[
    "grep", "egrep", "fgrep", "awk", "gawk", "mawk", "cut", "sed", "sort", "tr", "yes", "seq",
    "for", "while", "until", "xargs", "watch", "ps", "echo", "printf", "cat", "head", "tail",
    "uniq", "strings", "tac", "vmstat", "iostat", "mpstat", "sar",
];

/// A file answer whose fences do not pair up: a lone fence nothing opened or nothing closes
/// (the model wrote markdown around part of the content). Balanced fences pass, a README
/// ending on its code block too.
pub(super) fn file_fences_unbalanced(lines: &[String]) -> bool {
    lines.iter().filter(|l| is_fence(l)).count() % 2 == 1
}

pub(super) fn is_fence(line: &str) -> bool {
    line.trim_start().starts_with("```")
}

/// The answer replays an earlier exchange: a line is one of the `recent` command lines behind
/// a shell prompt or a bare `#`/`$` sigil (`root@web-01:~# id`, `# id`) and output follows it
/// (a next non-blank line that is not a comment); for a command that does not print a file's
/// lines (a shell history holds earlier commands bare), a first line that is an earlier
/// command bare, followed by more lines, too.
pub(super) fn replays(lines: &[String], recent: &[String], command: &str, file: bool) -> bool {
    let recent: Vec<&str> = recent
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    if recent.is_empty() {
        return false;
    }
    let asked = command.trim();
    let bare_ok = !file && !prints_file_lines(command);
    lines.iter().enumerate().any(|(i, line)| {
        let t = line.trim();
        let followed = lines
            .iter()
            .skip(i + 1)
            .map(|l| l.trim())
            .find(|l| !l.is_empty())
            .is_some_and(|l| !l.starts_with('#'));
        followed
            && recent.iter().any(|c| {
                (t != *c && echoes_command(t, c))
                    || (bare_ok && i == 0 && t == *c && *c != asked && c.len() >= 2)
            })
    })
}

/// The command word of a shell command where a command answer's output should be: a first
/// line that is a shell command (`sudo ls -l /etc/passwd`, a lone `sudo`, `# ls -l /var/log`,
/// `$ wget ...`, `root@web-01:~# rm ...`) whose word the asked command does not use, or a
/// later line that is a shell prompt with a command (`root@web-01:~# ls -l /var/log`: the
/// model plays on past its answer; the cleaner already dropped an echo of the asked command
/// from the top). Commands that print a file's lines are exempt.
pub(super) fn command_echo<'l>(lines: &'l [String], command: &str) -> Option<&'l str> {
    if prints_file_lines(command) {
        return None;
    }
    let asked: Vec<&str> = command
        .split_whitespace()
        .map(|w| basename(w.trim_matches(['\'', '"', '`', '(', ')'])))
        .collect();
    let first = lines
        .first()
        .and_then(|l| shell_command_word(l))
        .filter(|w| !asked.contains(w));
    first.or_else(|| lines.iter().skip(1).find_map(|l| prompt_command_word(l)))
}

/// The command prints some file's lines: a viewer (`cat`, `tail`, `grep`...) or a history.
fn prints_file_lines(command: &str) -> bool {
    VIEWERS.contains(&first_word(command)) || command.contains("history")
}

pub(super) fn shell_command_word(line: &str) -> Option<&str> {
    let t = line.trim();
    if t == "sudo" {
        return Some("sudo");
    }
    if COMMAND_STARTS.iter().any(|s| t.starts_with(s)) {
        return t.split_whitespace().next();
    }
    if let Some(rest) = t.strip_prefix("$ ") {
        let word = rest
            .split_whitespace()
            .next()
            .filter(|w| command_shaped(w))?;
        return Some(basename(word));
    }
    if let Some(rest) = t.strip_prefix("# ") {
        let word = rest.split_whitespace().next()?;
        return SHELL_WORDS.contains(&word).then_some(word);
    }
    prompt_command_word(t)
}

/// The command word of a shell prompt line with a command: `root@web-01:~# ls -la`,
/// `[root@web-01 ~]$ id`.
fn prompt_command_word(line: &str) -> Option<&str> {
    let t = line.trim();
    let cut = t.find(['#', '$'])?;
    let (prompt, rest) = (t.get(..cut)?, t.get(cut + 1..)?);
    let prompt = prompt.trim_end();
    // `user@host:path` or `[user@host path]`: an e-mail address before a `#` is not a prompt.
    let shaped = prompt_shaped(prompt) && (prompt.contains(':') || prompt.starts_with('['));
    if !shaped || !rest.starts_with(' ') {
        return None;
    }
    let word = rest
        .split_whitespace()
        .next()
        .filter(|w| command_shaped(w))?;
    Some(basename(word))
}

/// A command name or path: `ls`, `apt-get`, `/bin/bash`, `./x.sh`.
fn command_shaped(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_lowercase() || c == '/' || c == '.')
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
}

fn basename(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

/// The first word of `command` past a leading `sudo`, as a base name.
fn first_word(command: &str) -> &str {
    let mut words = command.split_whitespace();
    let first = words.next().unwrap_or("");
    let word = if first == "sudo" {
        words.next().unwrap_or("")
    } else {
        first
    };
    basename(word)
}

/// The answer loops: a block of 1 to [`MAX_PERIOD`] lines holding a letter or digit repeats
/// [`MIN_REPEATS`] times in a row (blanks inside a line collapsed), or an answer of
/// [`RATIO_MIN_LINES`] or more content lines (not blank, not a `#`, `;` or `//` comment,
/// holding a letter or digit) has fewer than a quarter of them distinct. Filter commands
/// (pipes, command lists, `grep`, `cut`, `ps`...) are exempt: their output repeats lines.
pub(super) fn repetitive(lines: &[String], command: &str, file: bool) -> bool {
    if !file && is_filter(command) {
        return false;
    }
    let keys: Vec<String> = lines.iter().map(|l| collapse(l)).collect();
    if (1..=MAX_PERIOD).any(|p| periodic_run(&keys, p)) {
        return true;
    }
    let content: Vec<&String> = keys
        .iter()
        .filter(|k| {
            !k.is_empty()
                && !k.starts_with(['#', ';'])
                && !k.starts_with("//")
                && k.chars().any(char::is_alphanumeric)
        })
        .collect();
    if content.len() < RATIO_MIN_LINES {
        return false;
    }
    let mut distinct: Vec<&String> = content.clone();
    distinct.sort_unstable();
    distinct.dedup();
    distinct.len() * 4 < content.len()
}

/// Whether some block of `period` lines, one of them holding a letter or digit, repeats
/// [`MIN_REPEATS`] times in a row.
pub(super) fn periodic_run(keys: &[String], period: usize) -> bool {
    let need = period * (MIN_REPEATS - 1);
    let mut run = 0usize;
    for (j, pair) in keys.iter().zip(keys.iter().skip(period)).enumerate() {
        if pair.0 != pair.1 {
            run = 0;
            continue;
        }
        run += 1;
        if run >= need {
            let start = j + 1 - need;
            let block = keys.get(start..start + period).unwrap_or(&[]);
            if block.iter().any(|k| k.chars().any(char::is_alphanumeric)) {
                return true;
            }
        }
    }
    false
}

/// `line` trimmed with its runs of blanks collapsed to one space.
fn collapse(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_filter(command: &str) -> bool {
    command.contains(['|', ';']) || command.contains("&&") || FILTERS.contains(&first_word(command))
}
