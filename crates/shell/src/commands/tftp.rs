//! `tftp` (tftp-hpa 5.2): `tftp HOST [PORT] -c get FILE [LOCAL]` and the interactive mode
//! fed from stdin (`tftp> ` prompts, `get`, `put`, `quit`, ...), all simulated.
//!
//! tftp-hpa parses its own options: `-4 -6 -v -l -m MODE -R A:B -V -c`; anything else
//! (busybox's `-g -r FILE`, `--help`) prints the usage line on stderr with status 64. A
//! successful `get` writes the file silently (`-v` adds the transfer lines); an address
//! that does not answer leaves the empty file and `Transfer timed out.`; a name that does
//! not resolve prints tftp-hpa's `Error:`/`unknown host` lines. tftp-hpa exits 0 either way.

use super::download::{self, Attempt, Reach};
use super::{CmdCtx, Command};

/// `tftp`.
pub struct Tftp;

const USAGE: &str = "Usage: tftp [-4][-6][-v][-l][-m mode] [host [port]] [-c command]\n";

/// Session state: the peer and the flags.
struct Session {
    host: Option<String>,
    port: u16,
    verbose: bool,
    mode: String,
}

impl Command for Tftp {
    fn name(&self) -> &'static str {
        "tftp"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/tftp"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let mut s = Session {
            host: None,
            port: 69,
            verbose: false,
            mode: "octet".into(),
        };
        let mut peer: Vec<String> = Vec::new();
        let mut command: Option<Vec<String>> = None;
        let mut i = 1;
        while let Some(a) = args.get(i) {
            if a.starts_with('-') && a.len() > 1 {
                let body: Vec<char> = a.chars().skip(1).collect();
                let mut j = 0;
                while let Some(&c) = body.get(j) {
                    match c {
                        '4' | '6' | 'l' => {}
                        'v' => s.verbose = true,
                        'c' => {
                            command = Some(Vec::new());
                        }
                        'V' => {
                            ctx.stdout.write_str("tftp-hpa 5.2, without readline\n");
                            return 0;
                        }
                        'm' | 'R' => {
                            let rest: String = body.get(j + 1..).unwrap_or(&[]).iter().collect();
                            let v = if rest.is_empty() {
                                i += 1;
                                match args.get(i) {
                                    Some(v) => v.clone(),
                                    None => return usage(ctx, 64),
                                }
                            } else {
                                rest
                            };
                            if c == 'm' {
                                s.mode = v;
                            }
                            break;
                        }
                        'h' => return usage(ctx, 0),
                        _ => return usage(ctx, 64),
                    }
                    j += 1;
                }
                i += 1;
                if command.is_some() {
                    command = Some(args.get(i..).unwrap_or(&[]).to_vec());
                    break;
                }
                continue;
            }
            peer.push(a.clone());
            i += 1;
        }
        if peer.len() > 2 {
            return usage(ctx, 64);
        }
        if let Some(p) = peer.get(1) {
            match p.parse::<u16>() {
                Ok(n) if n > 0 => s.port = n,
                _ => {
                    ctx.stdout.write_str(&format!("{p}: bad port number\n"));
                    return 0;
                }
            }
        }
        let mut input = String::from_utf8_lossy(ctx.stdin).into_owned();
        let mut lines: Vec<String> = input.lines().take(200).map(str::to_string).collect();
        input.clear();
        lines.reverse();
        if let Some(h) = peer.first() {
            connect(ctx, &mut s, h);
        } else if command.is_some() {
            // No host on the command line: tftp-hpa asks for one.
            ctx.stdout.write_str("(to) ");
            match lines.pop() {
                Some(h) => connect(ctx, &mut s, h.trim()),
                None => return 0,
            }
        }
        if let Some(words) = command {
            execute(ctx, &mut s, &words);
            return 0;
        }
        loop {
            ctx.stdout.write_str("tftp> ");
            let Some(line) = lines.pop() else {
                return 0;
            };
            let words: Vec<String> = line.split_whitespace().map(str::to_string).collect();
            if matches!(words.first().map(String::as_str), Some("quit" | "q")) {
                return 0;
            }
            execute(ctx, &mut s, &words);
        }
    }
}

fn usage(ctx: &mut CmdCtx<'_>, code: i32) -> i32 {
    ctx.stderr.write_str(USAGE);
    code
}

/// `connect HOST`: tftp-hpa resolves the name at once.
fn connect(ctx: &mut CmdCtx<'_>, s: &mut Session, host: &str) {
    if download::resolve(host).is_some() {
        s.host = Some(host.to_string());
    } else {
        ctx.stdout.write_str(&format!(
            "Error: Name or service not known\n{host}: unknown host\n"
        ));
        s.host = None;
    }
}

/// Runs one tftp command.
fn execute(ctx: &mut CmdCtx<'_>, s: &mut Session, words: &[String]) {
    let Some(cmd) = words.first() else {
        return;
    };
    let args = words.get(1..).unwrap_or(&[]);
    match cmd.as_str() {
        "get" => match args {
            [] => getusage(ctx),
            [remote, local] => get(ctx, s, remote, local),
            files => {
                for f in files.iter().take(32) {
                    let local = f.rsplit('/').next().unwrap_or(f);
                    get(ctx, s, f, local);
                }
            }
        },
        "put" => {
            if args.is_empty() {
                ctx.stdout.write_str("usage: put local-file remote-file\n");
            } else if s.host.is_none() {
                ctx.stdout.write_str("No target machine specified.\n");
            }
        }
        "connect" => match args.first() {
            Some(h) => connect(ctx, s, h),
            None => ctx.stdout.write_str("usage: connect host-name [port]\n"),
        },
        "verbose" => {
            s.verbose = !s.verbose;
            let st = if s.verbose { "on" } else { "off" };
            ctx.stdout.write_str(&format!("Verbose mode {st}.\n"));
        }
        "binary" | "octet" => s.mode = "octet".into(),
        "ascii" | "netascii" => s.mode = "netascii".into(),
        "mode" => match args.first() {
            Some(m) => s.mode = m.clone(),
            None => ctx
                .stdout
                .write_str(&format!("Using {} mode to transfer files.\n", s.mode)),
        },
        "status" => {
            match &s.host {
                Some(h) => ctx.stdout.write_str(&format!("Connected to {h}.\n")),
                None => ctx.stdout.write_str("Not connected.\n"),
            }
            ctx.stdout.write_str(&format!(
                "Mode: {} Verbose: {} Tracing: off Literal: off\nRexmt-interval: 5 seconds, Max-timeout: 25 seconds\n",
                s.mode,
                if s.verbose { "on" } else { "off" }
            ));
        }
        "quit" | "q" | "trace" | "literal" | "rexmt" | "timeout" => {}
        _ => ctx.stdout.write_str("?Invalid command\n"),
    }
}

/// tftp-hpa's `getusage`.
fn getusage(ctx: &mut CmdCtx<'_>) {
    ctx.stdout.write_str(
        "usage: get host:file host:file ... file, or\n       get file file ... file if connected\n",
    );
}

/// `get REMOTE LOCAL`.
fn get(ctx: &mut CmdCtx<'_>, s: &Session, remote: &str, local: &str) {
    let (host, file) = match (remote.split_once(':'), &s.host) {
        (Some((h, f)), _) if !h.is_empty() => (h.to_string(), f.to_string()),
        (_, Some(h)) => (h.clone(), remote.to_string()),
        (_, None) => {
            getusage(ctx);
            return;
        }
    };
    let local = if local.contains(':') {
        file.rsplit('/').next().unwrap_or(&file).to_string()
    } else {
        local.to_string()
    };
    let url_text = format!("tftp://{host}:{}/{}", s.port, file.trim_start_matches('/'));
    let url = download::parse_url(&url_text, &["tftp"]);
    let ip = download::resolve(&host);
    let note = |ctx: &mut CmdCtx<'_>, dest: Option<String>, size, outcome: &str| {
        download::note(
            ctx,
            Attempt {
                tool: "tftp",
                url: &url_text,
                host: &host,
                port: s.port,
                destination: dest,
                size,
                outcome,
            },
        );
    };
    let (Ok(url), Some(ip)) = (url, ip) else {
        ctx.stdout.write_str(&format!(
            "Error: Name or service not known\n{host}: unknown host\n"
        ));
        note(ctx, None, None, "dns_failed");
        return;
    };
    // tftp-hpa creates the local file before the first packet.
    let dest = match download::save(ctx, &local, b"") {
        Ok(d) => d,
        Err(e) => {
            ctx.stderr.write_str(&format!("tftp: {local}: {e}\n"));
            return;
        }
    };
    if s.verbose {
        ctx.stdout.write_str(&format!(
            "getting from {host}:{file} to {local} [{}]\n",
            s.mode
        ));
    }
    if download::exhausted(ctx, 0) || download::reach(&ip, s.port) == Reach::Refused {
        download::pace(ctx, 25_000);
        ctx.stderr.write_str("Transfer timed out.\n");
        note(ctx, Some(dest), None, "refused");
        return;
    }
    let r = download::fetch(&url);
    if r.status != 200 {
        download::pace(ctx, download::latency_ms(&ip));
        ctx.stderr.write_str("Error code 1: File not found\n");
        note(ctx, Some(dest), None, "http_error");
        return;
    }
    // TFTP moves 512 bytes per round trip.
    let blocks = r.body.len() as u64 / 512 + 1;
    let ms = blocks.saturating_mul(download::latency_ms(&ip).max(1));
    download::pace(ctx, ms);
    match download::save(ctx, &local, &r.body) {
        Ok(d) => {
            if s.verbose {
                let secs = ms as f64 / 1000.0;
                let bits = (r.body.len() as f64 * 8.0 / secs.max(0.001)) as u64;
                ctx.stdout.write_str(&format!(
                    "Received {} bytes in {secs:.1} seconds [{bits} bit/s]\n",
                    r.body.len()
                ));
            }
            note(ctx, Some(d), Some(r.body.len() as u64), "saved");
        }
        Err(e) => {
            ctx.stderr.write_str(&format!("tftp: {local}: {e}\n"));
            note(ctx, None, None, "refused");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::Observation;
    use crate::commands::testutil::{run, run_exec, shared_persona};

    #[test]
    fn get_saves_silently() {
        let mut fs = shared_persona().new_fs();
        let r = run_exec(
            shared_persona(),
            &mut fs,
            "tftp",
            &["198.51.100.7", "-c", "get", "x86"],
            "/tmp",
            b"",
        );
        assert_eq!((r.stdout.as_str(), r.stderr.as_str(), r.code), ("", "", 0));
        let d = match &r.notes[0] {
            Observation::Download(d) => d.clone(),
            o => panic!("{o:?}"),
        };
        assert_eq!((d.tool.as_str(), d.port), ("tftp", 69));
        assert_eq!(d.destination.as_deref(), Some("/tmp/x86"));
        let m = fs.stat("/", "/tmp/x86").unwrap();
        assert_eq!(Some(m.size), d.size);
        assert!(r.sys.pace_ms > 0);
    }

    #[test]
    fn busybox_syntax_and_errors() {
        for args in [&["-g", "-r", "x86", "1.2.3.4"][..], &["--help"], &["-Y"]] {
            let r = run("tftp", args, "/tmp", b"");
            assert_eq!((r.stderr.as_str(), r.code), (super::USAGE, 64), "{args:?}");
            assert!(r.notes.is_empty());
        }
        let r = run("tftp", &["-V"], "/", b"");
        assert_eq!(r.stdout, "tftp-hpa 5.2, without readline\n");
        let r = run("tftp", &["-c", "get", "x"], "/tmp", b"");
        assert_eq!((r.stdout.as_str(), r.code), ("(to) ", 0));
        let r = run("tftp", &["10.0.0.1", "-c", "get", "x"], "/tmp", b"");
        assert_eq!(r.stderr, "Transfer timed out.\n");
        let r = run("tftp", &["nosuch", "-c", "get", "x"], "/tmp", b"");
        assert_eq!(
            r.stdout,
            "Error: Name or service not known\nnosuch: unknown host\nusage: get host:file host:file ... file, or\n       get file file ... file if connected\n"
        );
        let r = run(
            "tftp",
            &["198.51.100.7"],
            "/tmp",
            b"status\nget bins.sh\nquit\n",
        );
        assert_eq!(
            r.stdout,
            "tftp> Connected to 198.51.100.7.\nMode: octet Verbose: off Tracing: off Literal: off\nRexmt-interval: 5 seconds, Max-timeout: 25 seconds\ntftp> tftp> "
        );
        assert_eq!(r.notes.len(), 1);
    }
}
