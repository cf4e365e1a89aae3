//! `dmesg` (util-linux 2.38.1): the kernel ring buffer of the persona's boot, a KVM/QEMU
//! guest running 6.1.0-41-amd64 (`boot.log`, filled in from the persona and
//! [`crate::machine::Machine`]: CPUs, memory, disk size, hostname).
//!
//! Emulated: `[    0.000000] ` stamps, `-t` (no stamps), `-T` (ctime from the boot time),
//! `-x` (facility/level prefix), `-k`, `-l LIST`, `-w`/`-W` (print and return), `-c`/`-C`
//! (root). Non-root users get `read kernel buffer failed: Operation not permitted` (Debian's
//! `kernel.dmesg_restrict=1`). Known gaps: `-H` colours and pager, `-d`, `-e`, `-J`.

use super::util::{Val, getopt, month_abbr, usage, utc, weekday_abbr};
use super::{CmdCtx, Command};
use crate::machine::{BIOS_VERSION, Machine, ROOT_UUID};

/// `dmesg`.
pub struct Dmesg;

/// The boot log with the persona's facts filled in: (seconds, microseconds, text).
fn log(ctx: &CmdCtx<'_>) -> Vec<(u64, u64, String)> {
    let p = ctx.persona;
    let m = Machine::of(p, 0);
    let sectors = m.disk_bytes / 512;
    let text = include_str!("boot.log")
        .replace("{KREL}", &p.kernel_release)
        .replace("{KVER}", &p.kernel_version)
        .replace("{ROOTUUID}", ROOT_UUID)
        .replace("{BIOS}", BIOS_VERSION)
        .replace("{CPUS}", &p.cpu_count.to_string())
        .replace("{CPU}", &p.cpu_model)
        .replace("{MEMT}", &(p.mem_total_kb + 168_192).to_string())
        .replace("{MEMK}", &(p.mem_total_kb - 25_604).to_string())
        .replace("{SECTORS}", &sectors.to_string())
        .replace("{DISKGB}", &sig3(m.disk_bytes as f64 / 1e9))
        .replace("{DISKGIB}", &sig3(m.disk_bytes as f64 / 1_073_741_824.0))
        .replace("{HOST}", &p.hostname);
    text.lines()
        .filter_map(|l| {
            let (ts, msg) = l.split_once(' ')?;
            let (s, us) = ts.split_once('.')?;
            Some((s.parse().ok()?, us.parse().ok()?, msg.to_string()))
        })
        .collect()
}

/// The kernel's `string_get_size`: three significant digits.
fn sig3(v: f64) -> String {
    if v < 10.0 {
        format!("{v:.2}")
    } else if v < 100.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    }
}

impl Command for Dmesg {
    fn name(&self) -> &'static str {
        "dmesg"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/dmesg"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("clear", 'C', Val::No),
            ("read-clear", 'c', Val::No),
            ("console-off", 'D', Val::No),
            ("console-on", 'E', Val::No),
            ("file", 'F', Val::Req),
            ("facility", 'f', Val::Req),
            ("human", 'H', Val::No),
            ("json", 'J', Val::No),
            ("kernel", 'k', Val::No),
            ("color", 'L', Val::Opt),
            ("level", 'l', Val::Req),
            ("console-level", 'n', Val::Req),
            ("nopager", 'P', Val::No),
            ("force-prefix", 'p', Val::No),
            ("raw", 'r', Val::No),
            ("noescape", '\u{e000}', Val::No),
            ("syslog", 'S', Val::No),
            ("buffer-size", 's', Val::Req),
            ("userspace", 'u', Val::No),
            ("follow", 'w', Val::No),
            ("follow-new", 'W', Val::No),
            ("decode", 'x', Val::No),
            ("show-delta", 'd', Val::No),
            ("reltime", 'e', Val::No),
            ("ctime", 'T', Val::No),
            ("notime", 't', Val::No),
            ("time-format", '\u{e001}', Val::Req),
            ("since", '\u{e002}', Val::Req),
            ("until", '\u{e003}', Val::Req),
            ("help", 'h', Val::No),
            ("version", 'V', Val::No),
        ];
        let (opts, ops) = match getopt(args, "CcDdEeF:f:HhJkL::l:n:iPprSs:TtuVWwx", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "dmesg", &e, 1),
        };
        let has = |c: char| opts.iter().any(|o| o.0 == c);
        if has('h') {
            return super::util::print_help(ctx, "dmesg");
        }
        if has('V') {
            return super::util::print_version(ctx, "dmesg");
        }
        if !ops.is_empty() {
            return usage(ctx, "dmesg", "bad usage", 1);
        }
        if ctx.user.uid != 0 && !has('F') {
            let what = if has('C') || has('c') {
                "klogctl"
            } else {
                "read kernel buffer"
            };
            ctx.error("dmesg", &format!("{what} failed: Operation not permitted"));
            return 1;
        }
        if let Some(f) = opts.iter().find(|o| o.0 == 'F').and_then(|o| o.1.clone()) {
            ctx.error(
                "dmesg",
                &format!("cannot open {f}: No such file or directory"),
            );
            return 1;
        }
        if has('C') || has('D') || has('E') || has('n') {
            return 0;
        }
        if has('u') && !has('k') {
            return 0;
        }
        let levels: Option<String> = opts.iter().find(|o| o.0 == 'l').and_then(|o| o.1.clone());
        if let Some(l) = &levels {
            let known = [
                "emerg", "alert", "crit", "err", "warn", "notice", "info", "debug",
            ];
            if let Some(bad) = l
                .split(',')
                .find(|x| !known.contains(&x.trim_start_matches('+').trim_end_matches('+')))
            {
                ctx.error("dmesg", &format!("unknown level '{bad}'"));
                return 1;
            }
            if !l.split(',').any(|x| x.contains("info")) {
                return 0;
            }
        }
        let boot = ctx.persona.boot_time;
        let mut out = String::new();
        for (s, us, msg) in log(ctx) {
            if has('x') {
                out.push_str("kern  :info  : ");
            }
            if has('T') {
                let t = utc(boot + i64::try_from(s).unwrap_or(0));
                out.push_str(&format!(
                    "[{} {} {:>2} {:02}:{:02}:{:02} {}] ",
                    weekday_abbr(t),
                    month_abbr(t),
                    t.day(),
                    t.hour(),
                    t.minute(),
                    t.second(),
                    t.year()
                ));
            } else if !has('t') {
                out.push_str(&format!("[{s:>5}.{us:06}] "));
            }
            out.push_str(&msg);
            out.push('\n');
        }
        ctx.stdout.write_str(&out);
        0
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::sysinfo_test::{root, user};

    #[test]
    fn boot_log() {
        let r = root("dmesg", &[]);
        assert!(r.stdout.starts_with(
            "[    0.000000] Linux version 6.1.0-41-amd64 (debian-kernel@lists.debian.org)"
        ));
        assert!(r.stdout.contains("[    0.529141] virtio_blk virtio1: [vda] 41943040 512-byte logical blocks (21.5 GB/20.0 GiB)\n"));
        assert!(r.stdout.contains("Hostname set to <web-prod-02>."));
        assert!(
            r.stdout
                .contains("DMI: QEMU Standard PC (i440FX + PIIX, 1996)")
        );
        let t = root("dmesg", &["-t"]).stdout;
        assert!(t.starts_with("Linux version "));
        let r = user("dmesg", &[]);
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "dmesg: read kernel buffer failed: Operation not permitted\n",
                1
            )
        );
        assert_eq!(root("dmesg", &["-w"]).code, 0);
    }
}
