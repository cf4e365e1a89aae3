//! `unzip` (Info-ZIP UnZip 6.00, Debian 6.0-28) over real zip archives in the VFS: extract
//! (with the `replace X? [y]es, [n]o, [A]ll, [N]one, [r]ename:` prompt answered from stdin,
//! `-o`, `-n`, `-u`, `-f`, `-j`, `-d DIR`), `-l` and `-v` listings, `-t`, `-p`/`-c` to
//! stdout, `-z`, `-P` (traditional PKWARE encryption), `-x` exclusions and member
//! patterns, and `-Z` (ZipInfo's default listing and `-1`).
//!
//! Options are read letter by letter as `uz_opts()` reads them (`--help` is `-h` with two
//! negations, `--version` sets `-n` and `-o`), with the same checks and usage screen.
//! Messages go where UnZip sends them: errors to stderr, except under `-t`, where
//! everything goes to stdout. Texts and exit codes were captured from Debian's unzip on
//! this kind of machine (see `tests/fixtures/unzip/README.md`).
//!
//! Bounded: the archive read is capped ([`MAX_READ`]), a member expands to at most the
//! room left in the session's overlay (and [`MAX_READ`]); past that, extraction stops with
//! UnZip's disk-full question, as on a full disk. Stdout is capped as every command's is.
//! Known gaps: the archive name is not a wildcard, methods other than stored and deflate
//! are reported as not supported, and stdout and stderr are not interleaved.

mod archive;
mod extract;
mod listing;
mod write;

use super::util::MAX_READ;
use super::{CmdCtx, Command};

/// `unzip`.
pub struct Unzip;

impl Command for Unzip {
    fn name(&self) -> &'static str {
        "unzip"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/unzip"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        if args.get(1).is_some_and(|a| a.starts_with("-Z")) {
            return listing::zipinfo(ctx, args.get(1..).unwrap_or(&[]));
        }
        run(ctx, args.get(1..).unwrap_or(&[]))
    }
}

const USAGE: &str = include_str!("../help/unzip.help");
const USAGE_LONG: &str = include_str!("../help/unzip.hhelp");
const VERSION: &str = include_str!("../help/unzip.version");

/// UnZip's exit codes (`unzip.h`).
pub(super) mod pk {
    pub const WARN: i32 = 1;
    pub const ERR: i32 = 2;
    pub const BADERR: i32 = 3;
    /// What a failed password prompt leaves (no terminal to ask on).
    pub const MEM2: i32 = 5;
    pub const NOZIP: i32 = 9;
    pub const PARAM: i32 = 10;
    pub const FIND: i32 = 11;
    pub const DISK: i32 = 50;
    pub const UNSUP: i32 = 81;
    pub const BADPWD: i32 = 82;
}

/// What `uz_opts()` leaves in `uO`.
#[derive(Debug, Default)]
pub(super) struct Opts {
    /// `-l` adds one, `-v` makes it 2 (listing; 2 and more is the verbose format).
    pub vflag: u32,
    /// `-c` or `-p`: extract to stdout.
    pub cflag: bool,
    /// `-q` adds one, `-p` adds 999.
    pub qflag: u32,
    /// `-t`.
    pub tflag: bool,
    /// `-z`.
    pub zflag: bool,
    /// `-o`.
    pub overwrite_all: bool,
    /// `-n`.
    pub overwrite_none: bool,
    /// `-f`.
    pub fflag: bool,
    /// `-u` (also set by `-f`).
    pub uflag: bool,
    /// `-j`.
    pub jflag: bool,
    /// `-C`.
    pub case_insensitive: bool,
    /// `-D`: do not restore timestamps.
    pub no_times: bool,
    /// `-K`: keep setuid/setgid/sticky bits.
    pub keep_suid: bool,
    /// `-d DIR`.
    pub exdir: Option<String>,
    /// `-P PASSWORD`.
    pub password: Option<String>,
}

impl Opts {
    /// Whether files are written to disk (not listed, tested or piped).
    pub fn extracting(&self) -> bool {
        !(self.cflag || self.tflag || self.vflag > 0 || self.zflag)
    }
}

/// Writes an error or warning: stderr, or stdout under `-t` (UnZip's `Info(slide, 0x401)`).
pub(super) fn say_err(ctx: &mut CmdCtx<'_>, o: &Opts, s: &str) {
    if o.tflag {
        ctx.stdout.write_str(s);
    } else {
        ctx.stderr.write_str(s);
    }
}

/// Prints the usage screen: stdout, or stderr for an error (stdout again under `-t`).
fn usage(ctx: &mut CmdCtx<'_>, o: &Opts, error: bool) -> i32 {
    if error && !o.tflag {
        ctx.stderr.write_str(USAGE);
        pk::PARAM
    } else {
        ctx.stdout.write_str(USAGE);
        if error { pk::PARAM } else { 0 }
    }
}

const MUST_GIVE_EXDIR: &str = "error:  must specify directory to which to extract with -d option\n";
const ONLY_ONE_EXDIR: &str = "error:  -d option used more than once (only one exdir allowed)\n";

/// The value of `-d`/`-P`: the rest of the word or the next argument, which may not start
/// with `-`.
fn opt_value(rest: &str, args: &[String], i: &mut usize) -> Option<String> {
    if !rest.is_empty() {
        return Some(rest.to_string());
    }
    *i += 1;
    args.get(*i).filter(|v| !v.starts_with('-')).cloned()
}

fn run(ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
    let mut o = Opts::default();
    let (mut error, mut negative, mut showhelp) = (false, 0u32, 0u8);
    let (mut overwrite_all, mut aflag) = (0u32, 0u32);
    let mut i = 0;
    while let Some(a) = args.get(i).filter(|a| a.starts_with('-')) {
        let chars: Vec<char> = a.chars().skip(1).collect();
        let mut k = 0;
        while let Some(&c) = chars.get(k) {
            k += 1;
            let neg = negative > 0;
            match c {
                '-' => negative += 1,
                'd' | 'P' => {
                    let rest: String = chars.get(k..).unwrap_or(&[]).iter().collect();
                    let (msg, already) = if c == 'd' {
                        (MUST_GIVE_EXDIR, o.exdir.is_some())
                    } else {
                        (
                            "error:  must give decryption password with -P option\n",
                            o.password.is_some(),
                        )
                    };
                    if neg {
                        say_err(ctx, &o, msg);
                        return pk::PARAM;
                    }
                    if already && c == 'd' {
                        say_err(ctx, &o, ONLY_ONE_EXDIR);
                        return pk::PARAM;
                    }
                    let Some(v) = opt_value(&rest, args, &mut i) else {
                        say_err(ctx, &o, msg);
                        return pk::PARAM;
                    };
                    if c == 'd' {
                        o.exdir = Some(v);
                    } else if !already {
                        o.password = Some(v);
                    }
                    break;
                }
                'h' => {
                    if showhelp == 0 {
                        showhelp = if chars.get(k) == Some(&'h') { 2 } else { 1 };
                    }
                }
                'v' => {
                    o.vflag = if neg {
                        o.vflag.saturating_sub(negative)
                    } else if o.vflag > 0 {
                        o.vflag + 1
                    } else {
                        2
                    };
                }
                'l' => {
                    o.vflag = if neg {
                        o.vflag.saturating_sub(negative)
                    } else {
                        o.vflag + 1
                    }
                }
                'q' => {
                    o.qflag = if neg {
                        o.qflag.saturating_sub(negative)
                    } else {
                        o.qflag + 1
                    }
                }
                'p' => {
                    o.cflag = !neg;
                    o.qflag = if neg {
                        o.qflag.saturating_sub(999)
                    } else {
                        o.qflag + 999
                    };
                }
                'o' => {
                    overwrite_all = if neg {
                        overwrite_all.saturating_sub(negative)
                    } else {
                        overwrite_all + 1
                    };
                }
                'a' => {
                    aflag = if neg {
                        aflag.saturating_sub(negative)
                    } else {
                        aflag + 1
                    }
                }
                'c' => o.cflag = !neg,
                't' => o.tflag = !neg,
                'z' => o.zflag = !neg,
                'n' => o.overwrite_none = !neg,
                'f' => (o.fflag, o.uflag) = (!neg, !neg),
                'u' => o.uflag = !neg,
                'j' => o.jflag = !neg,
                'C' => o.case_insensitive = !neg,
                'D' => o.no_times = !neg,
                'K' => o.keep_suid = !neg,
                'b' => aflag = if neg { aflag } else { 0 },
                'B' | 'e' | 'F' | 'L' | 'M' | 'T' | 'U' | 'V' | 'W' | 'X' | 'x' | ':' | '^' => {}
                'Z' => {
                    say_err(
                        ctx,
                        &o,
                        "error:  -Z must be first option for ZipInfo mode (check UNZIP variable?)\n",
                    );
                    error = true;
                }
                _ => error = true,
            }
            // A letter with a negated form uses the negation up; `e`, `h`, `x`, `F`, `Z` and
            // unknown letters leave it for the next one, as in `uz_opts()`.
            if neg && "acbBCDfjKlLMnopqtTuUvVWXz:^".contains(c) {
                negative = 0;
            }
        }
        i += 1;
    }
    o.overwrite_all = overwrite_all > 0;
    let _ = aflag;
    let rest = args.get(i..).unwrap_or(&[]);
    if showhelp > 0 {
        ctx.stdout
            .write_str(if showhelp == 2 { USAGE_LONG } else { USAGE });
        return 0;
    }
    if (o.cflag && (o.tflag || o.uflag)) || (o.tflag && o.uflag) || (o.fflag && o.overwrite_none) {
        say_err(
            ctx,
            &o,
            "error:  -fn or any combination of -c, -l, -p, -t, -u and -v options invalid\n",
        );
        error = true;
    }
    if o.overwrite_all && o.overwrite_none {
        say_err(ctx, &o, "caution:  both -n and -o specified; ignoring -o\n");
        o.overwrite_all = false;
    }
    let Some((zipname, specs)) = rest.split_first().filter(|_| !error) else {
        if rest.is_empty() && o.vflag >= 2 {
            ctx.stdout.write_str(VERSION);
            return 0;
        }
        return usage(ctx, &o, error || !args.is_empty());
    };
    // After the archive: member patterns, `-x` and its exclusions, and `-d DIR` anywhere.
    let (mut include, mut exclude, mut in_x) = (Vec::new(), Vec::new(), false);
    let mut j = 0;
    while let Some(a) = specs.get(j) {
        if let Some(rest) = a.strip_prefix("-d") {
            if o.exdir.is_some() {
                say_err(ctx, &o, ONLY_ONE_EXDIR);
                return pk::PARAM;
            }
            let Some(v) = (if rest.is_empty() {
                j += 1;
                specs.get(j).cloned()
            } else {
                Some(rest.to_string())
            }) else {
                say_err(ctx, &o, MUST_GIVE_EXDIR);
                return pk::PARAM;
            };
            o.exdir = Some(v);
        } else if a == "-x" && !in_x {
            in_x = true;
        } else if in_x {
            exclude.push(a.clone());
        } else {
            include.push(a.clone());
        }
        j += 1;
    }
    if o.exdir.is_some() && !o.extracting() {
        say_err(ctx, &o, "caution:  not extracting; -d ignored\n");
    }
    let Some(found) = find_archive(ctx, zipname) else {
        if o.qflag <= 2 {
            say_err(
                ctx,
                &o,
                &format!(
                    "unzip:  cannot find or open {zipname}, {zipname}.zip or {zipname}.ZIP.\n"
                ),
            );
        }
        return pk::NOZIP;
    };
    let job = Job {
        zipname,
        found: &found.name,
        data: &found.data,
        exec: found.exec,
        include: &include,
        exclude: &exclude,
    };
    extract::process(ctx, &mut o, &job)
}

/// One archive to work on.
pub(super) struct Job<'a> {
    /// The name as given (for the "cannot find" messages).
    pub zipname: &'a str,
    /// The name of the file found (`x`, `x.zip` or `x.ZIP`).
    pub found: &'a str,
    /// Its bytes.
    pub data: &'a [u8],
    /// Whether the file is executable by its owner.
    pub exec: bool,
    /// Member patterns (all members when empty).
    pub include: &'a [String],
    /// Patterns after `-x`.
    pub exclude: &'a [String],
}

impl Job<'_> {
    /// Whether every member is wanted (no patterns at all).
    pub fn all(&self) -> bool {
        self.include.is_empty() && self.exclude.is_empty()
    }
}

/// An archive file found and read.
pub(super) struct Found {
    /// The name it was found under.
    pub name: String,
    /// Its bytes (capped).
    pub data: Vec<u8>,
    /// Whether its owner may execute it (UnZip then says it may be a plain executable).
    pub exec: bool,
}

/// Finds `NAME`, `NAME.zip` or `NAME.ZIP` as a regular file and reads it (capped).
pub(super) fn find_archive(ctx: &CmdCtx<'_>, name: &str) -> Option<Found> {
    let fctx = ctx.fs_ctx();
    for cand in [
        name.to_string(),
        format!("{name}.zip"),
        format!("{name}.ZIP"),
    ] {
        if let Ok(meta) = ctx.fs.stat(ctx.cwd, &cand)
            && !meta.is_dir()
            && let Ok(b) = ctx.fs.read(ctx.cwd, &cand, &fctx, MAX_READ)
        {
            return Some(Found {
                name: cand,
                data: b.into_owned(),
                exec: meta.mode & 0o100 != 0,
            });
        }
    }
    None
}

/// A member name as UnZip shows it: control characters as `^X`.
pub(super) fn shown(name: &str) -> String {
    let mut s = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            '\u{0}'..='\u{1f}' => {
                s.push('^');
                s.push(char::from(c as u8 + 64));
            }
            '\u{7f}' => s.push_str("^?"),
            _ => s.push(c),
        }
    }
    s
}

#[cfg(test)]
mod tests;
