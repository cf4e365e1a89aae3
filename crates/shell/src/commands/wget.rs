//! `wget` (GNU Wget 1.21.3): simulated retrieval of HTTP(S) and FTP URLs into the VFS.
//!
//! The log goes to stderr as the real tool writes it: the dot progress of a non-tty stderr
//! (exec sessions) or the final frame of the bar in a pty session; `-q`, `-nv`, `-o`/`-a`
//! log files, `-O file`/`-O -`, `-P dir`, `-c`, `-b`, name collisions (`x.1`), several URLs,
//! the errors (refused, unresolvable, bad URL, 404) with wget's exit codes. Every documented
//! long option is accepted (the table is read from the real `--help` text). The remote side
//! comes from `download`.

use super::download::{self, Attempt, Reach, Url, UrlError};
use super::util::{Bad, IGNORED, Val, getopt, print_help, print_version};
use super::{CmdCtx, Command, help};

mod progress;

use progress::{bar, dots, human_readable, human_time, retr_rate};

/// `wget`.
pub struct Wget;

const USAGE: &str = "Usage: wget [OPTION]... [URL]...\n\nTry `wget --help' for more options.\n";

/// Keys of long-only options handled here.
const NO_VERBOSE: char = '\u{e201}';
const NO_CLOBBER: char = '\u{e202}';

/// The long options, read once from the real `--help` text (`--name=ARG` takes a value).
fn long_table() -> &'static [(&'static str, char, Val)] {
    static TABLE: std::sync::OnceLock<Vec<(&'static str, char, Val)>> = std::sync::OnceLock::new();
    TABLE.get_or_init(read_long_table)
}

fn read_long_table() -> Vec<(&'static str, char, Val)> {
    let text = help::help("wget").unwrap_or("");
    let mut table: Vec<(&'static str, char, Val)> = Vec::new();
    let mut rest = text;
    while let Some(pos) = rest.find("--") {
        let after = rest.get(pos + 2..).unwrap_or("");
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .unwrap_or(after.len());
        let name = after.get(..end).unwrap_or("");
        rest = after.get(end..).unwrap_or("");
        if name.len() < 2 || name == "help" || name == "version" {
            continue;
        }
        if table.iter().any(|(n, _, _)| *n == name) {
            continue;
        }
        let val = if rest.starts_with('=') {
            Val::Req
        } else {
            Val::No
        };
        let key = match name {
            "output-document" => 'O',
            "quiet" => 'q',
            "directory-prefix" => 'P',
            "continue" => 'c',
            "background" => 'b',
            "verbose" => 'v',
            "no-verbose" => NO_VERBOSE,
            "no-clobber" => NO_CLOBBER,
            "output-file" => 'o',
            "append-output" => 'a',
            _ => IGNORED,
        };
        table.push((name, key, val));
    }
    table
}

/// What to do, from the options.
#[derive(Default)]
struct Opts {
    quiet: bool,
    brief: bool,
    output: Option<String>,
    prefix: Option<String>,
    cont: bool,
    no_clobber: bool,
    background: bool,
    log: Option<(String, bool)>,
}

impl Command for Wget {
    fn name(&self) -> &'static str {
        "wget"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/wget"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = long_table();
        let short = "46bcdEFhHkKLmNpqrSvVxa:A:B:D:e:i:I:l:n:o:O:P:Q:R:t:T:U:w:X:Y:";
        let (opts, urls) = match getopt(args, short, long) {
            Ok(x) => x,
            Err(Bad::Help) => return print_help(ctx, "wget"),
            Err(Bad::Version) => return print_version(ctx, "wget"),
            Err(Bad::Msg(m)) => {
                ctx.error("wget", &m);
                ctx.stderr.write_str(USAGE);
                return 2;
            }
        };
        let mut o = Opts::default();
        for (k, v) in opts {
            match (k, v) {
                ('h', _) => return print_help(ctx, "wget"),
                ('V', _) => return print_version(ctx, "wget"),
                ('q', _) => o.quiet = true,
                ('v', _) => (o.quiet, o.brief) = (false, false),
                ('n', Some(v)) if v.contains('v') => o.brief = true,
                ('n', Some(v)) if v.contains('c') => o.no_clobber = true,
                (NO_VERBOSE, _) => o.brief = true,
                (NO_CLOBBER, _) => o.no_clobber = true,
                ('O', v) => o.output = v,
                ('P', v) => o.prefix = v,
                ('c', _) => o.cont = true,
                ('b', _) => o.background = true,
                ('o', Some(f)) => o.log = Some((f, false)),
                ('a', Some(f)) => o.log = Some((f, true)),
                _ => {}
            }
        }
        if urls.is_empty() {
            ctx.stderr.write_str("wget: missing URL\n");
            ctx.stderr.write_str(USAGE);
            return 1;
        }
        if o.background && o.log.is_none() {
            let pid = 2000 + ctx.rng.below(30_000);
            ctx.stdout.write_str(&format!(
                "Continuing in background, pid {pid}.\nOutput will be written to {}.\n",
                quote(ctx, "wget-log")
            ));
            o.log = Some(("wget-log".into(), false));
        }
        let mut log = String::new();
        let mut status = 0;
        let mut elapsed = 0u64;
        let mut fetched = Vec::new();
        let mut output_started = false;
        let n = urls.len();
        for url in urls.iter().take(64) {
            let (st, got) = retrieve(ctx, &o, url, &mut log, &mut elapsed, &mut output_started);
            if let Some(g) = got {
                fetched.push(g);
            }
            status = match (status, st) {
                (0 | 1, b) if b != 0 => b,
                (a, 0 | 1) => a,
                (a, b) => a.min(b),
            };
        }
        if n > 1 && !o.quiet && fetched.iter().any(|f| f.0 > 0) {
            let bytes: u64 = fetched.iter().map(|f| f.0).sum();
            let secs: f64 = fetched.iter().map(|f| f.1).sum();
            log.push_str(&format!(
                "FINISHED --{}--\nTotal wall clock time: {}\nDownloaded: {} files, {} in {} ({})\n",
                download::stamp(ctx, elapsed),
                human_time(elapsed as f64 / 1000.0),
                fetched.len(),
                human_readable(bytes),
                human_time(secs),
                retr_rate(bytes, secs)
            ));
        }
        download::pace(ctx, elapsed);
        match o.log {
            Some((f, append)) => {
                let fctx = ctx.fs_ctx();
                let how = if append {
                    miragepot_vfs::WriteMode::Append
                } else {
                    miragepot_vfs::WriteMode::Truncate
                };
                if let Err(e) = ctx.fs.write(ctx.cwd, &f, log.as_bytes(), how, 0o644, &fctx) {
                    ctx.stderr.write_str(&format!("{f}: {e}\n"));
                    return 3;
                }
            }
            None => ctx.stderr.write_str(&log),
        }
        status
    }
}

/// `‘x’` in a UTF-8 locale, `'x'` otherwise (gnulib `quote`).
fn quote(ctx: &CmdCtx<'_>, s: &str) -> String {
    let lang = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|v| ctx.env.get(v).filter(|x| !x.is_empty()))
        .unwrap_or("");
    let l = lang.to_ascii_lowercase();
    if l.contains("utf-8") || l.contains("utf8") {
        format!("\u{2018}{s}\u{2019}")
    } else {
        format!("'{s}'")
    }
}

/// Retrieves one URL: appends to the log, saves or prints the body, records the attempt.
/// Returns wget's status and, when fetched, (bytes, seconds).
fn retrieve(
    ctx: &mut CmdCtx<'_>,
    o: &Opts,
    raw: &str,
    log: &mut String,
    elapsed: &mut u64,
    output_started: &mut bool,
) -> (i32, Option<(u64, f64)>) {
    let verbose = !o.quiet && !o.brief;
    let url = match download::parse_url(raw, &["http", "https", "ftp"]) {
        Ok(u) => u,
        Err(e) => {
            let msg = match e {
                UrlError::Scheme(s) => format!("Unsupported scheme {}", quote(ctx, &s)),
                UrlError::Host => "Invalid host name".into(),
                UrlError::Port => "Bad port number".into(),
            };
            if !o.quiet {
                log.push_str(&format!("{raw}: {msg}.\n"));
            }
            note(ctx, raw, "", 0, None, None, "bad_url");
            return (1, None);
        }
    };
    let shown = url.display();
    if verbose {
        log.push_str(&format!(
            "--{}--  {shown}\n",
            download::stamp(ctx, *elapsed)
        ));
        if url.scheme == "ftp" {
            let first = match (&o.output, url.file_name()) {
                (Some(f), _) if f == "-" => "STDOUT".to_string(),
                (Some(f), _) => f.clone(),
                (None, "") => ".listing".to_string(),
                (None, n) => n.to_string(),
            };
            log.push_str(&format!("           => {}\n", quote(ctx, &first)));
        }
    }
    let ip_literal = download::ipv4(&url.host).is_some();
    let Some(ip) = download::resolve(&url.host) else {
        *elapsed += download::dns_ms(&url.host);
        if verbose {
            log.push_str(&format!(
                "Resolving {h} ({h})... failed: Name or service not known.\n",
                h = url.host
            ));
        }
        if !o.quiet {
            log.push_str(&format!(
                "wget: unable to resolve host address {}\n",
                quote(ctx, &url.host)
            ));
        }
        note(ctx, raw, &url.host, url.port, None, None, "dns_failed");
        return (4, None);
    };
    *elapsed += download::dns_ms(&url.host);
    let connecting = if ip_literal {
        format!("Connecting to {}:{}... ", url.host, url.port)
    } else {
        if verbose {
            log.push_str(&format!("Resolving {h} ({h})... {ip}\n", h = url.host));
        }
        format!(
            "Connecting to {h} ({h})|{ip}|:{}... ",
            url.port,
            h = url.host
        )
    };
    let lat = download::latency_ms(&ip);
    *elapsed += lat;
    if download::exhausted(ctx, *elapsed) {
        if verbose {
            log.push_str(&connecting);
        }
        if !o.quiet {
            log.push_str("failed: Connection timed out.\n");
        }
        note(ctx, raw, &url.host, url.port, None, None, "refused");
        return (4, None);
    }
    if download::reach(&ip, url.port) == Reach::Refused {
        if verbose {
            log.push_str(&connecting);
        }
        if !o.quiet {
            log.push_str("failed: Connection refused.\n");
        }
        note(ctx, raw, &url.host, url.port, None, None, "refused");
        return (4, None);
    }
    let remote = download::fetch(&url);
    *elapsed += lat * 2;
    let ftp = url.scheme == "ftp";
    let name = match url.file_name() {
        "" if ftp => ".listing".to_string(),
        "" => "index.html".to_string(),
        n => n.to_string(),
    };
    if verbose {
        log.push_str(&connecting);
        log.push_str("connected.\n");
    }
    if remote.status != 200 {
        if ftp {
            if verbose {
                log.push_str(&ftp_preamble(ctx, &url, &name));
            }
            if !o.quiet {
                log.push_str(&format!("No such file {}.\n\n", quote(ctx, &name)));
            }
            note(ctx, raw, &url.host, url.port, None, None, "http_error");
            return (8, None);
        }
        if verbose {
            log.push_str("HTTP request sent, awaiting response... 404 Not Found\n");
        }
        if !o.quiet {
            log.push_str(&format!(
                "{} ERROR 404: Not Found.\n\n",
                download::stamp(ctx, *elapsed)
            ));
        }
        note(ctx, raw, &url.host, url.port, None, None, "http_error");
        return (8, None);
    }
    let to_stdout = o.output.as_deref() == Some("-");
    let target = match (&o.output, &o.prefix) {
        (Some(f), _) => f.clone(),
        (None, Some(p)) => format!("{}/{name}", p.trim_end_matches('/')),
        (None, None) => name.clone(),
    };
    let len = remote.body.len() as u64;
    // Existing file: `-c` with the whole file already there, `-nc`, or a fresh `.N` name.
    let mut local = target.clone();
    if o.output.is_none() {
        let existing = ctx.fs.stat(ctx.cwd, &target).ok().map(|m| m.size);
        if let Some(size) = existing {
            if o.cont && size >= len {
                if verbose {
                    log.push_str(if ftp {
                        ""
                    } else {
                        "HTTP request sent, awaiting response... 416 Requested Range Not Satisfiable\n"
                    });
                    log.push_str("\n    The file is already fully retrieved; nothing to do.\n\n");
                }
                return (0, None);
            }
            if o.no_clobber {
                if !o.quiet {
                    log.push_str(&format!(
                        "File {} already there; not retrieving.\n\n",
                        quote(ctx, &target)
                    ));
                }
                return (1, None);
            }
            if !o.cont {
                local = (1..1000)
                    .map(|i| format!("{target}.{i}"))
                    .find(|c| !ctx.fs.exists(ctx.cwd, c))
                    .unwrap_or_else(|| format!("{target}.1000"));
            }
        }
    }
    let shown_local = if to_stdout { "STDOUT" } else { local.as_str() };
    let qlocal = quote(ctx, shown_local);
    if verbose {
        if ftp {
            let pre = ftp_preamble(ctx, &url, &name);
            // `=> ‘file’` follows the first line.
            log.push_str(&pre);
            log.push_str(&format!(
                "Length: {}{} (unauthoritative)\n",
                len,
                paren_human(len)
            ));
        } else {
            log.push_str("HTTP request sent, awaiting response... 200 OK\n");
            log.push_str(&format!(
                "Length: {len}{} [{}]\n",
                paren_human(len),
                remote.content_type()
            ));
            log.push_str(&format!("Saving to: {qlocal}\n"));
        }
    }
    let secs = remote.secs();
    let write = if to_stdout {
        ctx.stdout.write(&remote.body);
        Ok(String::from("-"))
    } else if o.output.is_some() && *output_started {
        let fctx = ctx.fs_ctx();
        ctx.fs
            .write(
                ctx.cwd,
                &local,
                &remote.body,
                miragepot_vfs::WriteMode::Append,
                0o644,
                &fctx,
            )
            .map(|()| ctx.fs.canonicalize(ctx.cwd, &local).unwrap_or_default())
    } else {
        if let Some(p) = &o.prefix {
            mkdir_p(ctx, p);
        }
        download::save(ctx, &local, &remote.body)
    };
    *output_started = true;
    let dest = match write {
        Ok(d) => d,
        Err(e) => {
            if !o.quiet {
                log.push_str(&format!("{local}: {e}\n"));
                log.push_str(&format!("Cannot write to {qlocal} ({e}).\n"));
            }
            note(ctx, raw, &url.host, url.port, None, None, "refused");
            return (3, None);
        }
    };
    if verbose {
        if ctx.session.tty.is_some() && o.log.is_none() {
            log.push('\n');
            log.push_str(&bar(&name, len, secs, ctx.session.cols));
            log.push_str("\n\n");
        } else {
            log.push_str(&dots(len, secs));
        }
    }
    *elapsed += (secs * 1000.0) as u64;
    let end = download::stamp(ctx, *elapsed);
    let rate = retr_rate(len, secs);
    if verbose {
        if ftp {
            log.push_str(&format!("{end} ({rate}) - {qlocal} saved [{len}]\n\n"));
        } else if to_stdout {
            log.push_str(&format!(
                "{end} ({rate}) - written to stdout [{len}/{len}]\n\n"
            ));
        } else {
            log.push_str(&format!(
                "{end} ({rate}) - {qlocal} saved [{len}/{len}]\n\n"
            ));
        }
    } else if o.brief {
        let shown_file = if to_stdout { "-" } else { local.as_str() };
        if ftp {
            log.push_str(&format!(
                "{end} URL: {shown} [{len}] -> \"{shown_file}\" [1]\n"
            ));
        } else {
            log.push_str(&format!(
                "{end} URL:{shown} [{len}/{len}] -> \"{shown_file}\" [1]\n"
            ));
        }
    }
    let outcome = if to_stdout { "stdout" } else { "saved" };
    let destination = (!to_stdout).then_some(dest);
    note(
        ctx,
        raw,
        &url.host,
        url.port,
        destination,
        Some(len),
        outcome,
    );
    (0, Some((len, secs)))
}

/// Records a wget attempt.
fn note(
    ctx: &mut CmdCtx<'_>,
    url: &str,
    host: &str,
    port: u16,
    destination: Option<String>,
    size: Option<u64>,
    outcome: &str,
) {
    download::note(
        ctx,
        Attempt {
            tool: "wget",
            url,
            host,
            port,
            destination,
            size,
            outcome,
        },
    );
}

/// The FTP dialogue wget logs before the transfer.
fn ftp_preamble(ctx: &CmdCtx<'_>, url: &Url, name: &str) -> String {
    let dir = url.path.rsplit_once('/').map_or("", |(d, _)| d);
    let cwd = if dir.is_empty() {
        "==> CWD not needed.\n".to_string()
    } else {
        format!("==> CWD (1) {dir} ... done.\n")
    };
    let _ = ctx;
    format!(
        "Logging in as anonymous ... Logged in!\n==> SYST ... done.    ==> PWD ... done.\n==> TYPE I ... done.  {cwd}==> SIZE {name} ... {}\n==> PASV ... done.    ==> RETR {name} ... done.\n",
        download::fetch(url).body.len()
    )
}

/// Creates `-P`'s directory and its parents.
fn mkdir_p(ctx: &mut CmdCtx<'_>, dir: &str) {
    let fctx = ctx.fs_ctx();
    let abs = miragepot_vfs::path::normalize(ctx.cwd, dir);
    let mut cur = String::new();
    for part in abs.split('/').filter(|p| !p.is_empty()).take(64) {
        cur.push('/');
        cur.push_str(part);
        if !ctx.fs.exists("/", &cur) {
            let _ = ctx.fs.create_dir("/", &cur, 0o755, &fctx);
        }
    }
}

/// ` (1.2K)` for lengths of 1024 and more.
fn paren_human(n: u64) -> String {
    if n >= 1024 {
        format!(" ({})", human_readable(n))
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests;
