//! `hostname`: show the system's host name (net-tools/hostname 3.23 on Debian).
//!
//! Emulated: plain, `-s`, `-f`/`--fqdn`, `-d`, `-i` (`127.0.1.1`, from `/etc/hosts`), `-I`
//! (all addresses, trailing space), and setting a name as root (accepted silently, not
//! applied; non-root gets `you must be root to change the host name`).

use super::{CmdCtx, Command};

/// `hostname`.
pub struct Hostname;

impl Command for Hostname {
    fn name(&self) -> &'static str {
        "hostname"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/hostname"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let host = ctx.persona.hostname.clone();
        let short = host.split('.').next().unwrap_or(&host).to_string();
        let mut out = host.clone();
        for a in args.iter().skip(1) {
            match a.as_str() {
                "-s" | "--short" => out = short.clone(),
                "-f" | "--fqdn" | "--long" | "-A" | "--all-fqdns" => out = host.clone(),
                "-d" | "--domain" => out = String::new(),
                "-i" | "--ip-address" => out = "127.0.1.1".into(),
                "-I" | "--all-ip-addresses" => {
                    ctx.stdout.line(&format!("{} ", ctx.persona.ipv4));
                    return 0;
                }
                "-b" | "-v" | "--boot" | "--verbose" => {}
                s if s.starts_with('-') => {
                    ctx.stderr.line(&format!(
                        "hostname: invalid option -- '{}'",
                        s.trim_start_matches('-').chars().next().unwrap_or('-')
                    ));
                    ctx.stderr.line(
                        "Usage: hostname [-b] {hostname|-F file}         set host name (from file)",
                    );
                    return 1;
                }
                _ => {
                    if ctx.user.uid != 0 {
                        ctx.stderr
                            .line("hostname: you must be root to change the host name");
                        return 1;
                    }
                    return 0;
                }
            }
        }
        ctx.stdout.line(&out);
        0
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn names() {
        assert_eq!(run("hostname", &[], "/", b"").stdout, "web-prod-02\n");
        assert_eq!(run("hostname", &["-I"], "/", b"").stdout, "10.0.3.17 \n");
        assert_eq!(run("hostname", &["-i"], "/", b"").stdout, "127.0.1.1\n");
        let r = run("hostname", &["newname"], "/", b"");
        assert_eq!((r.stdout.as_str(), r.code), ("", 0));
    }
}
