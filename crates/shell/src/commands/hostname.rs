//! `hostname`: show the system's host name (net-tools/hostname 3.23 on Debian).
//!
//! Emulated: plain, `-s`, `-f`/`--fqdn`, `-d`, `-i` (`127.0.1.1`, from `/etc/hosts`), `-I`
//! (all addresses, trailing space), and setting a name as root (accepted silently, not
//! applied; non-root gets `you must be root to change the host name`), `-V`, and the usage
//! on stdout with status 255 for `--help` and bad options, as the real tool.

use super::util::{Val, getopt_stop, print_help, print_version};
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
        let long = [
            ("domain", 'd', Val::No),
            ("boot", 'b', Val::No),
            ("file", 'F', Val::Req),
            ("fqdn", 'f', Val::No),
            ("all-fqdns", 'A', Val::No),
            ("help", 'h', Val::No),
            ("long", 'f', Val::No),
            ("short", 's', Val::No),
            ("version", 'V', Val::No),
            ("verbose", 'v', Val::No),
            ("alias", 'a', Val::No),
            ("ip-address", 'i', Val::No),
            ("all-ip-addresses", 'I', Val::No),
            ("nis", 'y', Val::No),
            ("yp", 'y', Val::No),
        ];
        let (opts, ops) = match getopt_stop(args, "aAdfbF:h?iIsVvy", Some(&long), "h?V") {
            Ok(x) => x,
            Err(e) => {
                // The message from getopt, then the usage on stdout and exit(-1).
                ctx.error("hostname", e.text());
                return help_255(ctx);
            }
        };
        let host = ctx.persona.hostname.clone();
        let short = host.split('.').next().unwrap_or(&host).to_string();
        let mut out = host.clone();
        let mut set = !ops.is_empty();
        for (c, _) in opts {
            match c {
                'h' | '?' => return help_255(ctx),
                'V' => return print_version(ctx, "hostname"),
                's' => out = short.clone(),
                'f' | 'A' => out = host.clone(),
                'd' | 'a' => out = String::new(),
                'i' => out = "127.0.1.1".into(),
                'I' => out = format!("{} ", ctx.persona.ipv4),
                'F' => set = true,
                'y' => {
                    ctx.error("hostname", "Local domain name not set");
                    return 1;
                }
                _ => {}
            }
        }
        if set {
            if ctx.user.uid != 0 {
                ctx.error("hostname", "you must be root to change the host name");
                return 1;
            }
            return 0;
        }
        ctx.stdout.line(&out);
        0
    }
}

/// The usage on stdout with status 255, as hostname's `usage()` does (even for `--help`).
fn help_255(ctx: &mut CmdCtx<'_>) -> i32 {
    print_help(ctx, "hostname");
    255
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
