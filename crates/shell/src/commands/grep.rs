//! `grep`: print lines that match patterns (GNU grep 3.8).
//!
//! Emulated: BRE (default), `-E`, `-F`, `-P` (read as ERE), `-e PAT` (several), `-f FILE`,
//! `-i -y -v -c -n -l -L -q -s -w -x -o -h -H -m N -r -R -a -b`, `--color` (accepted, never
//! colors), `--include`/`--exclude` globs (`*.ext` style), file name prefixes, `-r` walking
//! the VFS (bounded), `grep: d: Is a directory`, `grep: f: binary file matches` (stderr),
//! exit status 0/1/2. The matcher is [`super::regex`]. Known gaps: context options
//! (`-A -B -C`) print only the matching lines; matching is leftmost-first, not POSIX
//! leftmost-longest.

use miragepot_vfs::FileType;

use super::regex::Regex;
use super::util::{Val, getopt, print_help, print_version, read_input};
use super::{CmdCtx, Command};

/// `grep`.
pub struct Grep;

#[derive(Default)]
struct G {
    invert: bool,
    count: bool,
    number: bool,
    files_with: bool,
    files_without: bool,
    quiet: bool,
    silent: bool,
    word: bool,
    line: bool,
    only: bool,
    with_name: Option<bool>,
    max: Option<u64>,
    recursive: bool,
    byte_offset: bool,
    text: bool,
    include: Vec<String>,
    exclude: Vec<String>,
}

fn glob(pat: &str, name: &str) -> bool {
    match pat.split_once('*') {
        None => pat == name,
        Some((a, b)) => {
            name.len() >= a.len() + b.len()
                && name.starts_with(a)
                && glob_rest(b, name.get(a.len()..).unwrap_or(""))
        }
    }
}

fn glob_rest(pat: &str, name: &str) -> bool {
    if !pat.contains('*') {
        return name.ends_with(pat);
    }
    (0..=name.len())
        .filter(|i| name.is_char_boundary(*i))
        .any(|i| glob(pat, name.get(i..).unwrap_or("")))
}

// Keys of grep's long-only options.
const HELP: char = '\u{e000}';
const BINARY_FILES: char = '\u{e001}';
const COLOR: char = '\u{e002}';
const EXCLUDE: char = '\u{e003}';
const EXCLUDE_FROM: char = '\u{e004}';
const EXCLUDE_DIR: char = '\u{e005}';
const GROUP_SEP: char = '\u{e006}';
const INCLUDE: char = '\u{e007}';
const NO_IGNORE_CASE: char = '\u{e008}';
const LABEL: char = '\u{e009}';
const LINE_BUFFERED: char = '\u{e00a}';

impl Command for Grep {
    fn name(&self) -> &'static str {
        "grep"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/grep"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        // grep 3.8's table, in its order (ambiguity messages follow it).
        let long = [
            ("basic-regexp", 'G', Val::No),
            ("extended-regexp", 'E', Val::No),
            ("fixed-regexp", 'F', Val::No),
            ("fixed-strings", 'F', Val::No),
            ("perl-regexp", 'P', Val::No),
            ("after-context", 'A', Val::Req),
            ("before-context", 'B', Val::Req),
            ("binary-files", BINARY_FILES, Val::Req),
            ("byte-offset", 'b', Val::No),
            ("context", 'C', Val::Req),
            ("color", COLOR, Val::Opt),
            ("colour", COLOR, Val::Opt),
            ("count", 'c', Val::No),
            ("devices", 'D', Val::Req),
            ("directories", 'd', Val::Req),
            ("dereference-recursive", 'R', Val::No),
            ("exclude", EXCLUDE, Val::Req),
            ("exclude-from", EXCLUDE_FROM, Val::Req),
            ("exclude-dir", EXCLUDE_DIR, Val::Req),
            ("file", 'f', Val::Req),
            ("files-with-matches", 'l', Val::No),
            ("files-without-match", 'L', Val::No),
            ("group-separator", GROUP_SEP, Val::Req),
            // grep reads all options before acting on these: `--help -V` shows the version.
            ("help", HELP, Val::No),
            ("include", INCLUDE, Val::Req),
            ("ignore-case", 'i', Val::No),
            ("no-ignore-case", NO_IGNORE_CASE, Val::No),
            ("initial-tab", 'T', Val::No),
            ("label", LABEL, Val::Req),
            ("line-buffered", LINE_BUFFERED, Val::No),
            ("line-number", 'n', Val::No),
            ("line-regexp", 'x', Val::No),
            ("max-count", 'm', Val::Req),
            ("no-filename", 'h', Val::No),
            ("no-group-separator", GROUP_SEP, Val::No),
            ("no-messages", 's', Val::No),
            ("null", 'Z', Val::No),
            ("null-data", 'z', Val::No),
            ("only-matching", 'o', Val::No),
            ("quiet", 'q', Val::No),
            ("recursive", 'r', Val::No),
            ("regexp", 'e', Val::Req),
            ("invert-match", 'v', Val::No),
            ("silent", 'q', Val::No),
            ("text", 'a', Val::No),
            ("binary", 'U', Val::No),
            ("unix-byte-offsets", 'u', Val::No),
            ("version", 'V', Val::No),
            ("with-filename", 'H', Val::No),
            ("word-regexp", 'w', Val::No),
        ];
        let (opts, mut ops) = match getopt(
            args,
            "0123456789A:B:C:D:EFGHIPTUVX:abcd:e:f:hiLlm:noqRrsuvwxyZz",
            &long,
        ) {
            Ok(x) => x,
            Err(e) => {
                ctx.error("grep", e.text());
                ctx.stderr
                    .line("Usage: grep [OPTION]... PATTERNS [FILE]...");
                ctx.stderr.line("Try 'grep --help' for more information.");
                return 2;
            }
        };
        if opts.iter().any(|o| o.0 == 'V') {
            return print_version(ctx, "grep");
        }
        if opts.iter().any(|o| o.0 == HELP) {
            return print_help(ctx, "grep");
        }
        let mut g = G::default();
        let (mut ere, mut fixed, mut icase) = (false, false, false);
        let mut pats: Vec<String> = Vec::new();
        let mut have_pat = false;
        for (c, v) in opts {
            match c {
                'E' | 'P' => (ere, fixed) = (true, false),
                'F' => fixed = true,
                'G' => (ere, fixed) = (false, false),
                'e' => {
                    have_pat = true;
                    pats.extend(v.unwrap_or_default().split('\n').map(str::to_string));
                }
                'f' => {
                    have_pat = true;
                    let f = v.unwrap_or_default();
                    match read_input(ctx, &f) {
                        Ok(d) => {
                            pats.extend(String::from_utf8_lossy(&d).lines().map(str::to_string))
                        }
                        Err(e) => {
                            ctx.error("grep", &format!("{f}: {e}"));
                            return 2;
                        }
                    }
                }
                'i' | 'y' => icase = true,
                NO_IGNORE_CASE => icase = false,
                'v' => g.invert = true,
                'w' => g.word = true,
                'x' => g.line = true,
                'c' => g.count = true,
                'l' => g.files_with = true,
                'L' => g.files_without = true,
                'o' => g.only = true,
                'q' => g.quiet = true,
                's' => g.silent = true,
                'b' => g.byte_offset = true,
                'H' => g.with_name = Some(true),
                'h' => g.with_name = Some(false),
                'n' => g.number = true,
                'r' | 'R' => g.recursive = true,
                'a' => g.text = true,
                INCLUDE => g.include.push(v.unwrap_or_default()),
                EXCLUDE => g.exclude.push(v.unwrap_or_default()),
                'm' => {
                    g.max = v
                        .and_then(|s| s.parse::<i64>().ok())
                        .map(|n| u64::try_from(n).unwrap_or(u64::MAX))
                }
                _ => {}
            }
        }
        if !have_pat {
            if ops.is_empty() {
                ctx.stderr
                    .line("Usage: grep [OPTION]... PATTERNS [FILE]...");
                ctx.stderr.line("Try 'grep --help' for more information.");
                return 2;
            }
            let p = ops.remove(0);
            pats.extend(p.split('\n').map(str::to_string));
        }
        let mut res = Vec::new();
        for p in &pats {
            if fixed {
                res.push(Regex::literal(p, icase));
            } else {
                match Regex::new(p, ere, icase) {
                    Ok(r) => res.push(r),
                    Err(e) => {
                        ctx.error("grep", &e);
                        return 2;
                    }
                }
            }
        }
        if ops.is_empty() {
            ops.push(if g.recursive { ".".into() } else { "-".into() });
        }
        let implicit_dot = g.recursive && args.iter().skip(1).all(|a| a != ".") && ops == ["."];
        let show_name = g.with_name.unwrap_or(ops.len() > 1 || g.recursive);
        let mut matched_any = false;
        let mut error = false;
        let mut files: Vec<(String, String)> = Vec::new();
        let mut budget = 20_000usize;
        for op in &ops {
            if op != "-" && g.recursive {
                collect(
                    ctx,
                    op,
                    if implicit_dot { "" } else { op },
                    &g,
                    &mut files,
                    &mut budget,
                    true,
                );
            } else {
                files.push((op.clone(), op.clone()));
            }
        }
        for (path, shown) in files {
            if ctx.stdout.is_full() {
                break;
            }
            let shown = if path == "-" {
                "(standard input)".to_string()
            } else {
                shown
            };
            if path != "-" {
                match ctx.fs.stat(ctx.cwd, &path) {
                    Ok(m) if m.is_dir() => {
                        if !g.recursive && !g.silent {
                            ctx.error("grep", &format!("{shown}: Is a directory"));
                            error = true;
                        }
                        continue;
                    }
                    _ => {}
                }
            }
            let data = match read_input(ctx, &path) {
                Ok(d) => d,
                Err(e) => {
                    if !g.silent {
                        ctx.error("grep", &format!("{shown}: {e}"));
                    }
                    error = true;
                    continue;
                }
            };
            let n = grep_one(ctx, &g, &res, &data, &shown, show_name);
            if n > 0 {
                matched_any = true;
                if g.quiet {
                    return 0;
                }
            }
        }
        if error && !(g.quiet && matched_any) {
            2
        } else if matched_any {
            0
        } else {
            1
        }
    }
}

fn collect(
    ctx: &CmdCtx<'_>,
    path: &str,
    shown: &str,
    g: &G,
    out: &mut Vec<(String, String)>,
    budget: &mut usize,
    top: bool,
) {
    if *budget == 0 {
        return;
    }
    *budget -= 1;
    let meta = if top {
        ctx.fs.stat(ctx.cwd, path)
    } else {
        ctx.fs.lstat(ctx.cwd, path)
    };
    match meta {
        Ok(m) if m.is_dir() => {
            let fctx = ctx.fs_ctx();
            for e in ctx.fs.read_dir(ctx.cwd, path, &fctx).unwrap_or_default() {
                let p = if path.ends_with('/') {
                    format!("{path}{}", e.name)
                } else {
                    format!("{path}/{}", e.name)
                };
                let s = if shown.is_empty() {
                    e.name.clone()
                } else if shown.ends_with('/') {
                    format!("{shown}{}", e.name)
                } else {
                    format!("{shown}/{}", e.name)
                };
                collect(ctx, &p, &s, g, out, budget, false);
            }
        }
        Ok(m)
            if m.kind == FileType::Symlink
                || matches!(m.kind, FileType::CharDevice | FileType::BlockDevice) => {}
        _ => {
            let name = shown.rsplit('/').next().unwrap_or(shown);
            if !top && !g.include.is_empty() && !g.include.iter().any(|p| glob(p, name)) {
                return;
            }
            if !top && g.exclude.iter().any(|p| glob(p, name)) {
                return;
            }
            out.push((path.to_string(), shown.to_string()));
        }
    }
}

/// Greps one input; returns the number of selected lines.
fn grep_one(
    ctx: &mut CmdCtx<'_>,
    g: &G,
    res: &[Regex],
    data: &[u8],
    shown: &str,
    show_name: bool,
) -> u64 {
    let binary = !g.text && data.contains(&0);
    let mut count = 0u64;
    let mut out = String::new();
    let mut offset = 0usize;
    let body = data.strip_suffix(b"\n").unwrap_or(data);
    for (no, raw) in body.split(|&b| b == b'\n').enumerate() {
        let line_off = offset;
        offset += raw.len() + 1;
        if data.is_empty() {
            break;
        }
        if g.max.is_some_and(|m| count >= m) {
            break;
        }
        let text = String::from_utf8_lossy(raw);
        let chars: Vec<char> = text.chars().collect();
        let accept = |s: usize, e: usize| {
            if g.line {
                return s == 0 && e == chars.len();
            }
            if g.word {
                let wc = |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric() || *c == '_');
                return !wc(s.checked_sub(1).and_then(|p| chars.get(p)))
                    && !wc(chars.get(e))
                    && e > s;
            }
            true
        };
        let hit = res.iter().any(|r| r.find_at(&chars, 0, &accept).is_some());
        if hit == g.invert {
            continue;
        }
        count += 1;
        if g.quiet || g.files_with || g.files_without || g.count {
            continue;
        }
        if binary {
            continue;
        }
        let prefix = |o: &mut String, off: usize| {
            if show_name {
                o.push_str(shown);
                o.push(':');
            }
            if g.number {
                o.push_str(&format!("{}:", no + 1));
            }
            if g.byte_offset {
                o.push_str(&format!("{off}:"));
            }
        };
        if g.only && !g.invert {
            let mut from = 0;
            while from <= chars.len() {
                let best = res
                    .iter()
                    .filter_map(|r| r.find_at(&chars, from, &accept))
                    .min_by_key(|(s, e)| (*s, usize::MAX - e));
                let Some((s, e)) = best else { break };
                if e > s {
                    prefix(
                        &mut out,
                        line_off + chars.iter().take(s).map(|c| c.len_utf8()).sum::<usize>(),
                    );
                    out.extend(chars.get(s..e).unwrap_or(&[]).iter());
                    out.push('\n');
                }
                from = if e > s { e } else { s + 1 };
            }
        } else if !g.only {
            prefix(&mut out, line_off);
            out.push_str(&text);
            out.push('\n');
        }
        if out.len() > 1 << 16 {
            ctx.stdout.write_str(&std::mem::take(&mut out));
            if ctx.stdout.is_full() {
                return count;
            }
        }
    }
    ctx.stdout.write_str(&out);
    if g.quiet {
        return count;
    }
    if g.count {
        if show_name {
            ctx.stdout.line(&format!("{shown}:{count}"));
        } else {
            ctx.stdout.line(&count.to_string());
        }
    } else if (g.files_with && count > 0) || (g.files_without && count == 0) {
        ctx.stdout.line(shown);
    } else if binary && count > 0 && !g.files_with && !g.files_without {
        ctx.error("grep", &format!("{shown}: binary file matches"));
    }
    if g.files_without {
        return u64::from(count == 0);
    }
    count
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    const N: &[u8] = b"one\ntwo\nthree\nfour\nfive\n";

    fn g(args: &[&str], stdin: &[u8]) -> (String, i32) {
        let r = run("grep", args, "/", stdin);
        (r.stdout, r.code)
    }

    #[test]
    fn greps_like_gnu() {
        assert_eq!(g(&["-n", "-o", "o\\+"], N), ("1:o\n2:o\n4:o\n".into(), 0));
        assert_eq!(
            g(&["-E", "o|f", "-n"], N).0,
            "1:one\n2:two\n4:four\n5:five\n"
        );
        assert_eq!(g(&["-w", "-i", "ONE"], N).0, "one\n");
        assert_eq!(g(&["-v", "-c", "o"], N).0, "2\n");
        assert_eq!(g(&["-o", "a.b"], b"a.b axb\n").0, "a.b\naxb\n");
        assert_eq!(g(&["-oF", "a.b"], b"a.b axb\n").0, "a.b\n");
        assert_eq!(g(&["-o", "b*"], b"abc\n"), ("b\n".into(), 0));
        assert_eq!(g(&["-oE", "(abc){2}"], b"abcabc\n").0, "abcabc\n");
        assert_eq!(g(&["-o", "[[:digit:]]\\+"], b"foo123\n").0, "123\n");
        assert_eq!(g(&["-q", "zzz"], N), (String::new(), 1));
        assert_eq!(g(&["-x", "two"], N).0, "two\n");
        let r = run(
            "grep",
            &["-c", "root", "/etc/passwd", "/etc/group"],
            "/",
            b"",
        );
        assert_eq!(r.stdout, "/etc/passwd:1\n/etc/group:1\n");
        let r = run("grep", &["x", "/etc", "/nonexistent"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "grep: /etc: Is a directory\ngrep: /nonexistent: No such file or directory\n",
                2
            )
        );
        let r = run("grep", &[], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n",
                2
            )
        );
        let r = run("grep", &["a"], "/", b"a\0b\n");
        assert_eq!(
            (r.stdout.as_str(), r.stderr.as_str()),
            ("", "grep: (standard input): binary file matches\n")
        );
    }

    #[test]
    fn recursive() {
        let r = run("grep", &["-r", "web-prod", "/etc"], "/", b"");
        assert!(
            r.stdout.contains("/etc/hostname:web-prod-02\n"),
            "{}",
            r.stdout
        );
        let r = run("grep", &["-rl", "web-prod"], "/etc", b"");
        assert!(
            r.stdout.contains("hostname\n") && !r.stdout.contains("./"),
            "{}",
            r.stdout
        );
    }
}
