//! `free`: display amount of free and used memory (procps-ng 4.0.2), from the persona's
//! `/proc/meminfo` figures.
//!
//! Emulated: `-k` (default), `-m`, `-g`, `-b`, `-h` (`Gi`/`Mi`), `--si`-less binary units,
//! `-t` total line, `-w` accepted, procps' option errors (the whole usage on stderr).
//! Swap is zero as on a small cloud VM. Known gaps: `-s`/`-c` print once (no repeating);
//! `--tera`/`--peta`/`--si` show gigabytes.

use super::util::{Val, getopt_stop, print_version, usage_full};
use super::{CmdCtx, Command, help};

/// `free`.
pub struct Free;

fn human(kb: u64) -> String {
    let mut v = kb as f64 * 1024.0;
    let units = ["B", "Ki", "Mi", "Gi", "Ti", "Pi"];
    let mut i = 0;
    while v >= 1024.0 && i + 1 < units.len() {
        v /= 1024.0;
        i += 1;
    }
    let u = units.get(i).copied().unwrap_or("B");
    if i == 0 {
        format!("{}{u}", v as u64)
    } else if v < 10.0 {
        format!("{v:.1}{u}")
    } else {
        format!("{}{u}", v.round() as u64)
    }
}

impl Command for Free {
    fn name(&self) -> &'static str {
        "free"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/free"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("bytes", 'b', Val::No),
            ("kilo", 'k', Val::No),
            ("mega", 'm', Val::No),
            ("giga", 'g', Val::No),
            ("tera", 'g', Val::No),
            ("peta", 'g', Val::No),
            ("kibi", 'k', Val::No),
            ("mebi", 'm', Val::No),
            ("gibi", 'g', Val::No),
            ("tebi", 'g', Val::No),
            ("pebi", 'g', Val::No),
            ("human", 'h', Val::No),
            ("si", 'S', Val::No),
            ("lohi", 'l', Val::No),
            ("total", 't', Val::No),
            ("committed", 'v', Val::No),
            ("seconds", 's', Val::Req),
            ("count", 'c', Val::Req),
            ("wide", 'w', Val::No),
        ];
        let (opts, ops) = match getopt_stop(args, "bkmghltvc:ws:V", Some(&long), "V") {
            Ok(x) => x,
            Err(e) => return usage_full(ctx, "free", &e),
        };
        if !ops.is_empty() {
            ctx.stderr.write_str(help::help("free").unwrap_or_default());
            return 1;
        }
        let mut unit: Option<u32> = Some(0);
        let mut total_line = false;
        for (c, v) in opts {
            match c {
                'V' => return print_version(ctx, "free"),
                'k' => unit = Some(0),
                'm' => unit = Some(1),
                'g' => unit = Some(2),
                'b' => unit = Some(u32::MAX),
                'h' => unit = None,
                't' => total_line = true,
                's' => {
                    let v = v.unwrap_or_default();
                    let msg = match v.parse::<f64>() {
                        Err(_) => format!("seconds argument failed: '{v}': Invalid argument"),
                        Ok(n) if n <= 0.0 => {
                            format!("seconds argument `{v}' is not positive number")
                        }
                        Ok(_) => continue,
                    };
                    ctx.error("free", &msg);
                    return 1;
                }
                'c' => {
                    let v = v.unwrap_or_default();
                    let msg = match v.parse::<u64>() {
                        Err(_) => format!("failed to parse count argument: '{v}'"),
                        Ok(0) => format!(
                            "failed to parse count argument: '{v}': Numerical result out of range"
                        ),
                        Ok(_) => continue,
                    };
                    ctx.error("free", &msg);
                    return 1;
                }
                _ => {}
            }
        }
        let t = ctx.persona.mem_total_kb;
        let free = t * 41 / 100;
        let buffers = t / 50;
        let cache = t * 31 / 100 + t / 40;
        let shared = 1204;
        let avail = t * 78 / 100;
        let used = t.saturating_sub(free + buffers + cache);
        let f = |kb: u64| match unit {
            None => human(kb),
            Some(u32::MAX) => (kb * 1024).to_string(),
            Some(p) => (kb >> (10 * p)).to_string(),
        };
        let mut out = format!(
            "{:<8}{:>12}{:>12}{:>12}{:>12}{:>12}{:>12}\n",
            "", "total", "used", "free", "shared", "buff/cache", "available"
        );
        out.push_str(&format!(
            "{:<8}{:>12}{:>12}{:>12}{:>12}{:>12}{:>12}\n",
            "Mem:",
            f(t),
            f(used),
            f(free),
            f(shared),
            f(buffers + cache),
            f(avail)
        ));
        out.push_str(&format!(
            "{:<8}{:>12}{:>12}{:>12}\n",
            "Swap:",
            f(0),
            f(0),
            f(0)
        ));
        if total_line {
            out.push_str(&format!(
                "{:<8}{:>12}{:>12}{:>12}\n",
                "Total:",
                f(t),
                f(used),
                f(free)
            ));
        }
        ctx.stdout.write_str(&out);
        0
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn shows_memory() {
        let r = run("free", &[], "/", b"");
        assert_eq!(
            r.stdout,
            "               total        used        free      shared  buff/cache   available\nMem:         4025628      946025     1650507        1204     1429096     3139989\nSwap:              0           0           0\n"
        );
        let r = run("free", &["-h"], "/", b"");
        assert!(r.stdout.contains("\nMem:           3.8Gi       924Mi       1.6Gi       1.2Mi       1.4Gi       3.0Gi\nSwap:             0B          0B          0B\n"), "{}", r.stdout);
        assert!(
            run("free", &["-m"], "/", b"")
                .stdout
                .contains("Mem:            3931")
        );
    }
}
