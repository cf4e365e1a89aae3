//! `scp` (OpenSSH 9.2p1 client) inside the shell.
//!
//! Copying from or to a remote host needs ssh, which without a terminal cannot ask about
//! the unknown host key: `Host key verification failed.` and `scp: Connection closed`
//! (or ssh's resolve/connect error first), status 1. A remote source is recorded as a
//! download attempt (`refused` / `dns_failed`). Local-to-local copies go through the VFS.
//! The server modes `-t` (sink) and `-f` (source) speak the rcp protocol over stdin/stdout,
//! for a client that pipes into the shell; the SSH layer handles real scp sessions itself.
//! OpenSSH's own messages end in `\r\n`, as its log functions write them.

use super::download::{self, Attempt, Reach};
use super::util::{Bad, getopt_stop};
use super::{CmdCtx, Command, help};

/// `scp`.
pub struct Scp;

/// A remote operand: `[user@]host:path`.
fn remote(op: &str) -> Option<(&str, &str, &str)> {
    let colon = op.find(':')?;
    let slash = op.find('/').unwrap_or(usize::MAX);
    if colon > slash || colon == 0 {
        return None;
    }
    let (hostpart, path) = op.split_at(colon);
    let path = path.get(1..).unwrap_or("");
    let (user, host) = hostpart.rsplit_once('@').unwrap_or(("", hostpart));
    Some((user, host, path))
}

impl Command for Scp {
    fn name(&self) -> &'static str {
        "scp"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/scp"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let short = "12346ABCTdfOpqRrstvc:D:F:i:J:l:o:P:S:X:";
        let (opts, ops) = match getopt_stop(args, short, None, "") {
            Ok(x) => x,
            Err(Bad::Msg(m)) => {
                let c = m.rsplit("-- ").next().unwrap_or("").trim_matches('\'');
                let text = if m.starts_with("option requires") {
                    format!("scp: option requires an argument -- {c}\r\n")
                } else {
                    format!("scp: unknown option -- {c}\r\n")
                };
                ctx.stderr.write_str(&text);
                ctx.stderr.write_str(help::help("scp.usage").unwrap_or(""));
                return 1;
            }
            Err(_) => return 1,
        };
        let has = |c: char| opts.iter().any(|o| o.0 == c);
        if has('t') {
            return sink(ctx, ops.first().map_or(".", String::as_str));
        }
        if has('f') {
            return source(ctx, &ops);
        }
        let port = opts
            .iter()
            .rev()
            .find(|o| o.0 == 'P')
            .and_then(|o| o.1.as_deref())
            .and_then(|p| p.parse::<u16>().ok())
            .unwrap_or(22);
        let Some((target, sources)) = ops.split_last().filter(|(_, s)| !s.is_empty()) else {
            ctx.stderr.write_str(help::help("scp.usage").unwrap_or(""));
            return 1;
        };
        let mut status = 0;
        for src in sources.iter().take(32) {
            let (src_remote, dst_remote) = (remote(src), remote(target));
            let Some((user, host, path)) = src_remote.or(dst_remote) else {
                status |= local_copy(ctx, src, target);
                continue;
            };
            let outcome = connect_fails(ctx, host, port);
            if src_remote.is_some() {
                let user_at = if user.is_empty() {
                    String::new()
                } else {
                    format!("{user}@")
                };
                let url = format!(
                    "scp://{user_at}{host}:{port}/{}",
                    path.trim_start_matches('/')
                );
                download::note(
                    ctx,
                    Attempt {
                        tool: "scp",
                        url: &url,
                        host,
                        port,
                        destination: None,
                        size: None,
                        outcome,
                    },
                );
            }
            status = 1;
        }
        status
    }
}

/// What ssh prints when it cannot get through; returns the observation's outcome.
fn connect_fails(ctx: &mut CmdCtx<'_>, host: &str, port: u16) -> &'static str {
    let outcome = match download::resolve(host) {
        None => {
            download::pace(ctx, download::dns_ms(host));
            ctx.stderr.write_str(&format!(
                "ssh: Could not resolve hostname {host}: Name or service not known\r\n"
            ));
            "dns_failed"
        }
        Some(ip) => {
            download::pace(ctx, download::latency_ms(&ip) * 2);
            if download::reach(&ip, port) == Reach::Refused {
                ctx.stderr.write_str(&format!(
                    "ssh: connect to host {host} port {port}: Connection refused\r\n"
                ));
            } else {
                ctx.stderr.write_str("Host key verification failed.\r\n");
            }
            "refused"
        }
    };
    ctx.stderr.write_str("scp: Connection closed\r\n");
    outcome
}

/// `scp a b` on this machine.
fn local_copy(ctx: &mut CmdCtx<'_>, src: &str, target: &str) -> i32 {
    let fctx = ctx.fs_ctx();
    let data = match ctx.fs.read(ctx.cwd, src, &fctx, super::util::MAX_READ) {
        Ok(d) => d.into_owned(),
        Err(e) => {
            ctx.stderr.write_str(&format!("scp: {src}: {e}\r\n"));
            return 1;
        }
    };
    let dest = match ctx.fs.stat(ctx.cwd, target) {
        Ok(m) if m.is_dir() => {
            let base = src.rsplit('/').next().unwrap_or(src);
            format!("{}/{base}", target.trim_end_matches('/'))
        }
        _ => target.to_string(),
    };
    match download::save(ctx, &dest, &data) {
        Ok(_) => 0,
        Err(e) => {
            ctx.stderr.write_str(&format!("scp: {dest}: {e}\r\n"));
            1
        }
    }
}

/// `scp -t DIR`: acknowledge, then take `C` records (`Cmode size name`, data, `\0`).
fn sink(ctx: &mut CmdCtx<'_>, dir: &str) -> i32 {
    ctx.stdout.write(b"\0");
    let input = ctx.stdin.to_vec();
    let mut rest: &[u8] = &input;
    let to_dir = ctx.fs.stat(ctx.cwd, dir).is_ok_and(|m| m.is_dir());
    for _ in 0..1000 {
        let Some(nl) = rest.iter().position(|b| *b == b'\n') else {
            return 0;
        };
        let line = String::from_utf8_lossy(rest.get(..nl).unwrap_or(&[])).into_owned();
        rest = rest.get(nl + 1..).unwrap_or(&[]);
        let mut words = line.splitn(3, ' ');
        let head = words.next().unwrap_or("");
        if !head.starts_with('C') {
            // `D`, `E`, `T` records: acknowledged, nothing more here.
            ctx.stdout.write(b"\0");
            continue;
        }
        let size = words
            .next()
            .and_then(|s| s.parse::<usize>().ok())
            .unwrap_or(0)
            .min(rest.len());
        let name = words.next().unwrap_or("file");
        let name = name.rsplit('/').next().unwrap_or(name);
        ctx.stdout.write(b"\0");
        let data = rest.get(..size).unwrap_or(&[]).to_vec();
        rest = rest.get(size + 1..).unwrap_or(&[]);
        let path = if to_dir {
            format!("{}/{name}", dir.trim_end_matches('/'))
        } else {
            dir.to_string()
        };
        match download::save(ctx, &path, &data) {
            Ok(_) => ctx.stdout.write(b"\0"),
            Err(e) => ctx.stdout.write_str(&format!("\x01scp: {path}: {e}\n")),
        }
    }
    0
}

/// `scp -f FILE...`: wait for the peer's `\0`, then send each file as a `C` record.
fn source(ctx: &mut CmdCtx<'_>, files: &[String]) -> i32 {
    let acks = ctx.stdin.iter().filter(|b| **b == 0).count();
    let mut used = 0;
    let mut errs = 0;
    for f in files.iter().take(64) {
        if used >= acks {
            return 1;
        }
        used += 1;
        let fctx = ctx.fs_ctx();
        match ctx.fs.read(ctx.cwd, f, &fctx, super::util::MAX_READ) {
            Ok(d) => {
                let mode = ctx.fs.stat(ctx.cwd, f).map_or(0o644, |m| m.mode & 0o7777);
                let base = f.rsplit('/').next().unwrap_or(f);
                ctx.stdout
                    .write_str(&format!("C{mode:04o} {} {base}\n", d.len()));
                if used >= acks {
                    return 1;
                }
                used += 1;
                ctx.stdout.write(&d);
                ctx.stdout.write(b"\0");
            }
            Err(e) => {
                ctx.stdout.write_str(&format!("\x01scp: {f}: {e}\n"));
                errs = 1;
            }
        }
    }
    if used >= acks && !files.is_empty() {
        return 1;
    }
    errs
}

#[cfg(test)]
mod tests {
    use crate::Observation;
    use crate::commands::testutil::{run, run_in, shared_persona};

    #[test]
    fn remote_sources_fail_without_a_terminal() {
        let r = run("scp", &["root@198.51.100.7:/tmp/x", "."], "/tmp", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "Host key verification failed.\r\nscp: Connection closed\r\n",
                1
            )
        );
        match &r.notes[0] {
            Observation::Download(d) => {
                assert_eq!((d.tool.as_str(), d.outcome.as_str()), ("scp", "refused"));
                assert_eq!(d.url, "scp://root@198.51.100.7:22/tmp/x");
            }
            o => panic!("{o:?}"),
        }
        let r = run("scp", &["-P", "2222", "u@127.0.0.1:x", "."], "/tmp", b"");
        assert_eq!(
            r.stderr,
            "ssh: connect to host 127.0.0.1 port 2222: Connection refused\r\nscp: Connection closed\r\n"
        );
        let r = run("scp", &["nosuch:x", "."], "/tmp", b"");
        assert!(
            r.stderr.starts_with(
                "ssh: Could not resolve hostname nosuch: Name or service not known\r\n"
            )
        );
        let r = run("scp", &["-Y"], "/", b"");
        assert!(
            r.stderr
                .starts_with("scp: unknown option -- Y\r\nusage: scp [-346ABCOpqRrsTv]")
        );
        assert_eq!(r.code, 1);
    }

    #[test]
    fn server_modes_and_local_copy() {
        let r = run("scp", &["-t", "/tmp"], "/", b"");
        assert_eq!((r.stdout.as_str(), r.code), ("\0", 0));
        let mut fs = shared_persona().new_fs();
        let r = run_in(
            shared_persona(),
            &mut fs,
            "scp",
            &["-t", "/tmp"],
            "/",
            b"C0644 5 up.txt\nhello\0",
        );
        assert_eq!(r.stdout, "\0\0\0");
        assert_eq!(
            fs.read(
                "/",
                "/tmp/up.txt",
                &miragepot_vfs::Ctx {
                    uid: 0,
                    gid: 0,
                    now: 0
                },
                99
            )
            .unwrap()
            .as_ref(),
            b"hello"
        );
        let r = run_in(
            shared_persona(),
            &mut fs,
            "scp",
            &["-f", "/tmp/up.txt"],
            "/",
            b"\0\0\0",
        );
        assert_eq!(r.stdout, "C0644 5 up.txt\nhello\0");
        let r = run("scp", &["-f", "/etc/hostname"], "/", b"");
        assert_eq!((r.stdout.as_str(), r.code), ("", 1));
        let r = run_in(
            shared_persona(),
            &mut fs,
            "scp",
            &["/tmp/up.txt", "/root"],
            "/",
            b"",
        );
        assert_eq!(r.code, 0);
        assert!(fs.exists("/", "/root/up.txt"));
    }
}
