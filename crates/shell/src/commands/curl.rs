//! `curl` (7.88.1): simulated transfers of HTTP(S), FTP and TFTP URLs (and `file://` from
//! the VFS).
//!
//! The body goes to stdout (refused with curl's binary-output warning when that is the
//! terminal), `-o file`, `-O` (remote name), `--output-dir`, `--create-dirs`; the progress
//! meter on stderr whenever the body does not go to the terminal, unless `-s` (`-S` shows
//! errors again); `-f`, `-I`/`-i` headers, `-v`, `-w` (a few variables), and the options bots
//! use (`-L -k -A -H -d -x -m -u -X -b -e ...`) are accepted. Errors are curl's: `(1)`
//! protocol, `(3)` bad URL, `(6)` resolve, `(7)` connect, `(22)` HTTP error, `(23)` write.
//! Option errors: `option -x: requires parameter`, `option --x: is unknown`, status 2.

mod meter;

use super::download::{self, Attempt, Reach, UrlError};
use super::{CmdCtx, Command, util};

/// `curl`.
pub struct Curl;

const TRY: &str = "curl: try 'curl --help' or 'curl --manual' for more information\n";

/// Short options: letter, long name, whether it takes a value.
const SHORT: &[(char, &str, bool)] = &[
    ('#', "progress-bar", false),
    ('0', "http1.0", false),
    ('1', "tlsv1", false),
    ('2', "sslv2", false),
    ('3', "sslv3", false),
    ('4', "ipv4", false),
    ('6', "ipv6", false),
    ('a', "append", false),
    ('A', "user-agent", true),
    ('b', "cookie", true),
    ('B', "use-ascii", false),
    ('c', "cookie-jar", true),
    ('C', "continue-at", true),
    ('d', "data", true),
    ('D', "dump-header", true),
    ('e', "referer", true),
    ('E', "cert", true),
    ('f', "fail", false),
    ('F', "form", true),
    ('g', "globoff", false),
    ('G', "get", false),
    ('h', "help", false),
    ('H', "header", true),
    ('i', "include", false),
    ('I', "head", false),
    ('j', "junk-session-cookies", false),
    ('J', "remote-header-name", false),
    ('k', "insecure", false),
    ('K', "config", true),
    ('l', "list-only", false),
    ('L', "location", false),
    ('m', "max-time", true),
    ('M', "manual", false),
    ('n', "netrc", false),
    ('N', "no-buffer", false),
    ('o', "output", true),
    ('O', "remote-name", false),
    ('p', "proxytunnel", false),
    ('P', "ftp-port", true),
    ('q', "disable", false),
    ('Q', "quote", true),
    ('r', "range", true),
    ('R', "remote-time", false),
    ('s', "silent", false),
    ('S', "show-error", false),
    ('t', "telnet-option", true),
    ('T', "upload-file", true),
    ('u', "user", true),
    ('U', "proxy-user", true),
    ('v', "verbose", false),
    ('V', "version", false),
    ('w', "write-out", true),
    ('x', "proxy", true),
    ('X', "request", true),
    ('y', "speed-time", true),
    ('Y', "speed-limit", true),
    ('z', "time-cond", true),
    ('Z', "parallel", false),
];

/// Long-only options and whether they take a value.
const LONG: &[(&str, bool)] = &[
    ("compressed", false),
    ("connect-timeout", true),
    ("create-dirs", false),
    ("data-ascii", true),
    ("data-binary", true),
    ("data-raw", true),
    ("data-urlencode", true),
    ("fail-with-body", false),
    ("fail-early", false),
    ("http1.1", false),
    ("http2", false),
    ("interface", true),
    ("keepalive-time", true),
    ("limit-rate", true),
    ("max-filesize", true),
    ("max-redirs", true),
    ("noproxy", true),
    ("output-dir", true),
    ("pass", true),
    ("path-as-is", false),
    ("post301", false),
    ("proto", true),
    ("proto-redir", true),
    ("raw", false),
    ("remote-name-all", false),
    ("resolve", true),
    ("retry", true),
    ("retry-delay", true),
    ("retry-max-time", true),
    ("retry-connrefused", false),
    ("retry-all-errors", false),
    ("socks5", true),
    ("socks5-hostname", true),
    ("ssl", false),
    ("tlsv1.2", false),
    ("tlsv1.3", false),
    ("tcp-nodelay", false),
    ("unix-socket", true),
    ("url", true),
    ("cacert", true),
    ("capath", true),
    ("ciphers", true),
    ("key", true),
    ("dns-servers", true),
    ("stderr", true),
    ("trace", true),
    ("trace-ascii", true),
    ("local-port", true),
    ("ftp-pasv", false),
    ("anyauth", false),
    ("basic", false),
    ("digest", false),
    ("ntlm", false),
    ("no-keepalive", false),
    ("no-progress-meter", false),
    ("no-sessionid", false),
    ("xattr", false),
];

/// Parsed options.
#[derive(Default)]
struct Opts {
    silent: bool,
    show_error: bool,
    fail: bool,
    head: bool,
    include: bool,
    verbose: bool,
    bar: bool,
    no_meter: bool,
    create_dirs: bool,
    remote_all: bool,
    out_dir: Option<String>,
    write_out: Option<String>,
    agent: Option<String>,
    /// `-o FILE` / `-O` in order (`None` for `-O`).
    outputs: Vec<Option<String>>,
    urls: Vec<String>,
}

/// Parses curl's command line. `Err` carries curl's message (or `help`/`version`).
fn parse(args: &[String]) -> Result<Opts, String> {
    let mut o = Opts::default();
    let mut it = args.iter().skip(1);
    let apply = |o: &mut Opts, name: &str, val: Option<String>| -> Result<(), String> {
        match name {
            "help" => return Err("help".into()),
            "manual" => return Err("manual".into()),
            "version" => return Err("version".into()),
            "silent" => o.silent = true,
            "show-error" => o.show_error = true,
            "fail" | "fail-with-body" => o.fail = true,
            "head" => o.head = true,
            "include" => o.include = true,
            "verbose" => o.verbose = true,
            "progress-bar" => o.bar = true,
            "no-progress-meter" => o.no_meter = true,
            "create-dirs" => o.create_dirs = true,
            "remote-name-all" => o.remote_all = true,
            "output-dir" => o.out_dir = val,
            "write-out" => o.write_out = val,
            "user-agent" => o.agent = val,
            "output" => o.outputs.push(val),
            "remote-name" => o.outputs.push(None),
            "url" => o.urls.extend(val),
            _ => {}
        }
        Ok(())
    };
    while let Some(a) = it.next() {
        if let Some(body) = a.strip_prefix("--") {
            let plain = body.strip_prefix("no-").unwrap_or(body);
            let takes = SHORT
                .iter()
                .find(|s| s.1 == body)
                .map(|s| s.2)
                .or_else(|| LONG.iter().find(|l| l.0 == body).map(|l| l.1));
            let takes = match takes {
                Some(t) => t,
                None => match SHORT
                    .iter()
                    .find(|s| s.1 == plain && !s.2)
                    .map(|s| s.2)
                    .or_else(|| LONG.iter().find(|l| l.0 == plain && !l.1).map(|l| l.1))
                {
                    // `--no-silent` and friends switch a flag off.
                    Some(_) => continue,
                    None => return Err(format!("option {a}: is unknown")),
                },
            };
            let val = if takes {
                match it.next() {
                    Some(v) => Some(v.clone()),
                    None => return Err(format!("option {a}: requires parameter")),
                }
            } else {
                None
            };
            apply(&mut o, body, val)?;
            continue;
        }
        if a.len() > 1 && a.starts_with('-') {
            let chars: Vec<char> = a.chars().skip(1).collect();
            let mut i = 0;
            while let Some(&c) = chars.get(i) {
                let Some(&(_, name, takes)) = SHORT.iter().find(|s| s.0 == c) else {
                    return Err(format!("option -{c}: is unknown"));
                };
                if takes {
                    let rest: String = chars.get(i + 1..).unwrap_or(&[]).iter().collect();
                    let val = if !rest.is_empty() {
                        rest
                    } else if let Some(v) = it.next() {
                        v.clone()
                    } else {
                        return Err(format!("option -{c}: requires parameter"));
                    };
                    apply(&mut o, name, Some(val))?;
                    break;
                }
                apply(&mut o, name, None)?;
                i += 1;
            }
            continue;
        }
        o.urls.push(a.clone());
    }
    Ok(o)
}

impl Command for Curl {
    fn name(&self) -> &'static str {
        "curl"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/curl"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let o = match parse(args) {
            Ok(o) => o,
            Err(m) if m == "help" => return util::print_help(ctx, "curl"),
            Err(m) if m == "version" => return util::print_version(ctx, "curl"),
            Err(m) if m == "manual" => {
                ctx.stderr
                    .write_str("Warning: built-in manual was disabled at build-time\n");
                return 0;
            }
            Err(m) => {
                ctx.stderr.write_str(&format!("curl: {m}\n{TRY}"));
                return 2;
            }
        };
        if o.urls.is_empty() {
            ctx.stderr
                .write_str(&format!("curl: no URL specified!\n{TRY}"));
            return 2;
        }
        let mut status = 0;
        for (i, url) in o.urls.iter().take(64).enumerate() {
            let out = match o.outputs.get(i) {
                Some(x) => Some(x.clone()),
                None if o.remote_all => Some(None),
                None => None,
            };
            status = transfer(ctx, &o, url, out);
        }
        status
    }
}

/// Where one transfer's body goes.
enum Sink {
    Stdout,
    File(String),
}

/// One URL. `out`: `None` stdout, `Some(None)` the remote name, `Some(Some(f))` a file.
fn transfer(ctx: &mut CmdCtx<'_>, o: &Opts, raw: &str, out: Option<Option<String>>) -> i32 {
    let to_terminal = out.is_none() && ctx.stdout_is_tty;
    let meter = !o.silent && !o.no_meter && !to_terminal && !o.bar;
    let errors = !o.silent || o.show_error;
    let mut err = String::new();
    let fail = |ctx: &mut CmdCtx<'_>, err: &mut String, code: i32, msg: &str| {
        if errors {
            err.push_str(&format!("curl: ({code}) {msg}\n"));
        }
        ctx.stderr.write_str(err);
        code
    };
    let note = |ctx: &mut CmdCtx<'_>, host: &str, port: u16, dest, size, outcome: &str| {
        download::note(
            ctx,
            Attempt {
                tool: "curl",
                url: raw,
                host,
                port,
                destination: dest,
                size,
                outcome,
            },
        );
    };
    if let Some(path) = raw.strip_prefix("file://") {
        return match util::read_input(ctx, path) {
            Ok(b) => {
                ctx.stdout.write(&b);
                0
            }
            Err(_) => fail(ctx, &mut err, 37, &format!("Couldn't open file {path}")),
        };
    }
    let url = match download::parse_url(raw, &["http", "https", "ftp", "tftp"]) {
        Ok(u) => u,
        Err(e) => {
            note(ctx, "", 0, None, None, "bad_url");
            return match e {
                UrlError::Scheme(s) => fail(
                    ctx,
                    &mut err,
                    1,
                    &format!("Protocol \"{s}\" not supported or disabled in libcurl"),
                ),
                _ => fail(
                    ctx,
                    &mut err,
                    3,
                    "URL using bad/illegal format or missing URL",
                ),
            };
        }
    };
    if meter {
        err.push_str(meter::HEADER);
        err.push_str(&meter::line(&meter::Frame::default()));
    }
    let Some(ip) = download::resolve(&url.host) else {
        download::pace(ctx, download::dns_ms(&url.host));
        note(ctx, &url.host, url.port, None, None, "dns_failed");
        return fail(
            ctx,
            &mut err,
            6,
            &format!("Could not resolve host: {}", url.host),
        );
    };
    let lat = download::latency_ms(&ip);
    let setup_ms = download::dns_ms(&url.host) + lat;
    if o.verbose {
        err.push_str(&format!("*   Trying {ip}:{}...\n", url.port));
    }
    let timed_out = download::exhausted(ctx, 0);
    if timed_out || download::reach(&ip, url.port) == Reach::Refused {
        let setup_ms = if timed_out { 130_000 + lat } else { setup_ms };
        download::pace(ctx, setup_ms);
        note(ctx, &url.host, url.port, None, None, "refused");
        return fail(
            ctx,
            &mut err,
            7,
            &format!(
                "Failed to connect to {} port {} after {setup_ms} ms: Couldn't connect to server",
                url.host, url.port
            ),
        );
    }
    let remote = download::fetch(&url);
    let http = url.scheme.starts_with("http");
    let headers = meter::headers(ctx, &remote, o.agent.is_some());
    if o.verbose {
        err.push_str(&format!(
            "* Connected to {} ({ip}) port {} (#0)\n",
            url.host, url.port
        ));
        if http {
            let method = if o.head { "HEAD" } else { "GET" };
            err.push_str(&format!(
                "> {method} {} HTTP/1.1\r\n> Host: {}\r\n> User-Agent: {}\r\n> Accept: */*\r\n> \r\n",
                url.path,
                url.host,
                o.agent.as_deref().unwrap_or("curl/7.88.1")
            ));
            for h in headers.split_inclusive('\n') {
                err.push_str("< ");
                err.push_str(h);
            }
        }
    }
    let secs = remote.secs() + (setup_ms + lat) as f64 / 1000.0;
    download::pace(ctx, setup_ms + lat + (remote.secs() * 1000.0) as u64);
    if remote.status != 200 && o.fail && http {
        note(ctx, &url.host, url.port, None, None, "http_error");
        return fail(
            ctx,
            &mut err,
            22,
            &format!("The requested URL returned error: {}", remote.status),
        );
    }
    if remote.status != 200 && !http {
        note(ctx, &url.host, url.port, None, None, "http_error");
        let (code, msg) = if url.scheme == "ftp" {
            (78, "The file does not exist")
        } else {
            (68, "TFTP: File Not Found")
        };
        return fail(ctx, &mut err, code, msg);
    }
    let mut body: Vec<u8> = Vec::new();
    if http && (o.head || o.include) {
        body.extend_from_slice(headers.as_bytes());
    }
    if !o.head {
        body.extend_from_slice(&remote.body);
    }
    let sink = match out {
        None => Sink::Stdout,
        Some(Some(f)) if f == "-" => Sink::Stdout,
        Some(Some(f)) => Sink::File(f),
        Some(None) => {
            let name = url.file_name();
            if name.is_empty() {
                err.push_str("curl: Remote file name has no length!\n");
                note(ctx, &url.host, url.port, None, None, "bad_url");
                return fail(
                    ctx,
                    &mut err,
                    23,
                    "Failed writing received data to disk/application",
                );
            }
            Sink::File(name.to_string())
        }
    };
    let size = body.len() as u64;
    let outcome = if remote.status == 200 {
        None
    } else {
        Some("http_error")
    };
    match sink {
        Sink::Stdout => {
            if to_terminal && body.iter().take(16 * 1024).any(|b| *b == 0) {
                err.push_str("Warning: Binary output can mess up your terminal. Use \"--output -\" to tell \nWarning: curl to output it to your terminal anyway, or consider \"--output \nWarning: <FILE>\" to save to a file.\n");
                ctx.stderr.write_str(&err);
                note(ctx, &url.host, url.port, None, None, "stdout");
                return 23;
            }
            ctx.stdout.write(&body);
            note(
                ctx,
                &url.host,
                url.port,
                None,
                Some(size),
                outcome.unwrap_or("stdout"),
            );
        }
        Sink::File(f) => {
            let f = match &o.out_dir {
                Some(d) => format!("{}/{f}", d.trim_end_matches('/')),
                None => f,
            };
            if o.create_dirs {
                let parent =
                    miragepot_vfs::path::dirname(&miragepot_vfs::path::normalize(ctx.cwd, &f));
                let fctx = ctx.fs_ctx();
                let mut cur = String::new();
                for part in parent.split('/').filter(|p| !p.is_empty()).take(64) {
                    cur.push('/');
                    cur.push_str(part);
                    if !ctx.fs.exists("/", &cur) {
                        let _ = ctx.fs.create_dir("/", &cur, 0o755, &fctx);
                    }
                }
            }
            match download::save(ctx, &f, &body) {
                Ok(dest) => note(
                    ctx,
                    &url.host,
                    url.port,
                    Some(dest),
                    Some(size),
                    outcome.unwrap_or("saved"),
                ),
                Err(e) => {
                    if meter {
                        err.push('\n');
                    }
                    err.push_str(&format!("Warning: Failed to open the file {f}: {e}\n"));
                    note(ctx, &url.host, url.port, None, None, "refused");
                    return fail(ctx, &mut err, 23, "Failure writing output to destination");
                }
            }
        }
    }
    if meter {
        err.push_str(&meter::finish(size, secs));
    } else if o.bar && !o.silent {
        err.push_str(&format!("\r{} 100.0%\n", "#".repeat(72)));
    }
    if o.verbose {
        err.push_str(&format!(
            "* Connection #0 to host {} left intact\n",
            url.host
        ));
    }
    ctx.stderr.write_str(&err);
    if let Some(w) = &o.write_out {
        let s = w
            .replace("%{http_code}", &remote.status.to_string())
            .replace("%{response_code}", &remote.status.to_string())
            .replace("%{size_download}", &size.to_string())
            .replace("%{remote_ip}", &ip)
            .replace("%{url_effective}", &url.display())
            .replace("\\n", "\n");
        ctx.stdout.write_str(&s);
    }
    0
}

#[cfg(test)]
mod tests;
