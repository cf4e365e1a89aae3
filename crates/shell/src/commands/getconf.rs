//! `getconf` (glibc 2.36): configuration values. The table is this machine's `getconf -a`
//! captured (`help/getconf.all`), with the values that depend on the hardware and limits
//! replaced by the persona's (CPUs, memory pages, caches, process and file limits).
//!
//! Emulated: `getconf NAME [PATH]`, `getconf -a [PATH]`, `-v SPEC` accepted, the usage and
//! `Unrecognized variable` errors (status 2), `--help`, `--version`.

use super::{CmdCtx, Command, help};
use crate::persona::Persona;

/// `getconf`.
pub struct Getconf;

/// The value of `name` for the persona, if it differs from the captured one.
fn value(p: &Persona, name: &str) -> Option<String> {
    let pages = p.mem_total_kb / 4;
    Some(match name {
        "_NPROCESSORS_CONF" | "_NPROCESSORS_ONLN" => p.cpu_count.to_string(),
        "_PHYS_PAGES" => pages.to_string(),
        "_AVPHYS_PAGES" => (pages * 41 / 100).to_string(),
        "CHILD_MAX" | "_POSIX_CHILD_MAX" | "SIGQUEUE_MAX" => (p.mem_total_kb / 261).to_string(),
        "OPEN_MAX" | "_POSIX_OPEN_MAX" => "1024".into(),
        "LEVEL1_ICACHE_ASSOC" => "8".into(),
        "LEVEL2_CACHE_ASSOC" => "16".into(),
        "LEVEL3_CACHE_SIZE" => (36_608u64 * 1024).to_string(),
        "LEVEL3_CACHE_ASSOC" => "11".into(),
        _ => return None,
    })
}

fn table(p: &Persona) -> Vec<(String, String)> {
    help::help("getconf-all")
        .unwrap_or("")
        .lines()
        .map(|l| {
            let (n, v) = l.split_once(' ').unwrap_or((l, ""));
            let v = value(p, n).unwrap_or_else(|| v.trim_start().to_string());
            (n.to_string(), v)
        })
        .collect()
}

fn usage(ctx: &mut CmdCtx<'_>) -> i32 {
    ctx.stderr.write_str("Usage: getconf [-v specification] variable_name [pathname]\n       getconf -a [pathname]\n");
    2
}

impl Command for Getconf {
    fn name(&self) -> &'static str {
        "getconf"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/getconf"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let mut rest: &[String] = args.get(1..).unwrap_or(&[]);
        match rest.first().map(String::as_str) {
            Some("--help") => {
                ctx.stdout.write_str(help::help("getconf").unwrap_or(""));
                return 0;
            }
            Some("--version") => {
                ctx.stdout.write_str(help::version("getconf").unwrap_or(""));
                return 0;
            }
            Some("-v") => rest = rest.get(2..).unwrap_or(&[]),
            Some(v) if v.starts_with("-v") => rest = rest.get(1..).unwrap_or(&[]),
            _ => {}
        }
        let t = table(ctx.persona);
        match rest {
            [a, ..] if a == "-a" => {
                if rest.len() > 2 {
                    return usage(ctx);
                }
                let mut out = String::new();
                for (n, v) in &t {
                    out.push_str(&format!("{n:<35}{v}\n"));
                }
                ctx.stdout.write_str(&out);
                0
            }
            [name] | [name, _] => {
                let key = name
                    .strip_prefix("_POSIX_")
                    .filter(|k| *k == "PATH_MAX")
                    .unwrap_or(name);
                match t.iter().find(|(n, _)| n == key || n == name) {
                    Some((_, v)) => {
                        ctx.stdout.line(v);
                        0
                    }
                    None => {
                        ctx.stderr
                            .line(&format!("getconf: Unrecognized variable `{name}'"));
                        2
                    }
                }
            }
            _ => usage(ctx),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn values() {
        assert_eq!(run("getconf", &["LONG_BIT"], "/", b"").stdout, "64\n");
        assert_eq!(run("getconf", &["PAGESIZE"], "/", b"").stdout, "4096\n");
        assert_eq!(
            run("getconf", &["_NPROCESSORS_ONLN"], "/", b"").stdout,
            "2\n"
        );
        assert_eq!(
            run("getconf", &["GNU_LIBC_VERSION"], "/", b"").stdout,
            "glibc 2.36\n"
        );
        let r = run("getconf", &["FOO"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("getconf: Unrecognized variable `FOO'\n", 2)
        );
        let r = run("getconf", &[], "/", b"");
        assert_eq!(r.code, 2);
        let a = run("getconf", &["-a"], "/", b"").stdout;
        assert!(a.starts_with("LINK_MAX                           65000\n"));
        assert!(a.contains("\n_NPROCESSORS_ONLN                  2\n"));
        assert_eq!(a.lines().count(), 320);
    }
}
