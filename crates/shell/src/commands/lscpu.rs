//! `lscpu` (util-linux 2.38.1): the persona's CPUs (consistent with `/proc/cpuinfo` and
//! `nproc`: one core per socket, one socket per CPU) in a KVM guest.
//!
//! Emulated: the default summary (the sectioned tree on a terminal, the flat list in a pipe,
//! as libsmartcols does), `-e`/`--extended`, `-p`/`--parse`, `-C`/`--caches`; other
//! documented options are accepted (`-J` prints the summary as text: a known gap).

use super::util::{Val, getopt, usage};
use super::{CmdCtx, Command};
use crate::persona::Persona;

/// `lscpu`.
pub struct Lscpu;

const VULNS: &[(&str, &str)] = &[
    (
        "Gather data sampling",
        "Unknown: Dependent on hypervisor status",
    ),
    (
        "Indirect target selection",
        "Mitigation; Aligned branch/return thunks",
    ),
    ("Itlb multihit", "Not affected"),
    ("L1tf", "Not affected"),
    ("Mds", "Not affected"),
    ("Meltdown", "Not affected"),
    (
        "Mmio stale data",
        "Vulnerable: Clear CPU buffers attempted, no microcode; SMT Host state unknown",
    ),
    ("Old microcode", "Not affected"),
    ("Reg file data sampling", "Not affected"),
    ("Retbleed", "Mitigation; Enhanced IBRS"),
    ("Spec rstack overflow", "Not affected"),
    (
        "Spec store bypass",
        "Mitigation; Speculative Store Bypass disabled via prctl",
    ),
    (
        "Spectre v1",
        "Mitigation; usercopy/swapgs barriers and __user pointer sanitization",
    ),
    (
        "Spectre v2",
        "Mitigation; Enhanced / Automatic IBRS; IBPB conditional; RSB filling; PBRSB-eIBRS SW sequence; BHI SW loop, KVM SW loop",
    ),
    ("Srbds", "Not affected"),
    ("Tsa", "Not affected"),
    ("Tsx async abort", "Mitigation; TSX disabled"),
    ("Vmscape", "Not affected"),
];

/// A `/proc/cpuinfo` field of the first CPU.
fn cpuinfo(p: &Persona, key: &str) -> String {
    p.cpuinfo()
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            (k.trim_end() == key).then(|| v.trim().to_string())
        })
        .unwrap_or_default()
}

/// The online CPU list (`0,1` or `0-3`).
fn cpu_list(n: u32) -> String {
    match n {
        0 | 1 => "0".into(),
        2 => "0,1".into(),
        _ => format!("0-{}", n - 1),
    }
}

/// Sizes of the caches per instance in KiB: L1d, L1i, L2, L3.
const CACHES: [(&str, u64, &str, u32, u32); 4] = [
    ("L1d", 32, "Data", 1, 8),
    ("L1i", 32, "Instruction", 1, 8),
    ("L2", 1024, "Unified", 2, 16),
    ("L3", 36_608, "Unified", 3, 11),
];

fn kib(k: u64) -> String {
    if k >= 1024 {
        let whole = k / 1024;
        let tenth = (k % 1024 * 10 + 512) / 1024;
        if tenth == 0 {
            format!("{whole} MiB")
        } else if tenth >= 10 {
            format!("{} MiB", whole + 1)
        } else {
            format!("{whole}.{tenth} MiB")
        }
    } else {
        format!("{k} KiB")
    }
}

impl Command for Lscpu {
    fn name(&self) -> &'static str {
        "lscpu"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/lscpu"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("all", 'a', Val::No),
            ("online", 'b', Val::No),
            ("bytes", 'B', Val::No),
            ("caches", 'C', Val::Opt),
            ("offline", 'c', Val::No),
            ("json", 'J', Val::No),
            ("extended", 'e', Val::Opt),
            ("parse", 'p', Val::Opt),
            ("sysroot", 's', Val::Req),
            ("hex", 'x', Val::No),
            ("physical", 'y', Val::No),
            ("output-all", 'O', Val::No),
            ("help", 'h', Val::No),
            ("version", 'V', Val::No),
        ];
        let (opts, ops) = match getopt(args, "abBC::ce::hJp::s:xyV", &long) {
            Ok(x) => x,
            Err(e) => return usage(ctx, "lscpu", &e, 1),
        };
        if !ops.is_empty() {
            return usage(ctx, "lscpu", "bad usage", 1);
        }
        let has = |c: char| opts.iter().any(|o| o.0 == c);
        if has('h') {
            return super::util::print_help(ctx, "lscpu");
        }
        if has('V') {
            return super::util::print_version(ctx, "lscpu");
        }
        let p = ctx.persona;
        let n = p.cpu_count.max(1);
        if has('e') {
            ctx.stdout.line("CPU NODE SOCKET CORE L1d:L1i:L2:L3 ONLINE");
            for i in 0..n {
                let c = format!("{i}:{i}:{i}:{i}");
                ctx.stdout.line(&format!(
                    "{i:>3} {:>4} {i:>6} {i:>4} {c:<13} {:>6}",
                    0, "yes"
                ));
            }
            return 0;
        }
        if has('p') {
            ctx.stdout.write_str("# The following is the parsable format, which can be fed to other\n# programs. Each different item in every column has an unique ID\n# starting usually from zero.\n# CPU,Core,Socket,Node,,L1d,L1i,L2,L3\n");
            for i in 0..n {
                ctx.stdout.line(&format!("{i},{i},{i},0,,{i},{i},{i},{i}"));
            }
            return 0;
        }
        if has('C') {
            ctx.stdout.line(
                "NAME ONE-SIZE ALL-SIZE WAYS TYPE        LEVEL  SETS PHY-LINE COHERENCY-SIZE",
            );
            for (name, size, kind, level, ways) in CACHES {
                let short = |k: u64| kib(k).replace(" MiB", "M").replace(" KiB", "K");
                let (one, all) = (short(size), short(size * u64::from(n)));
                let sets = size * 1024 / 64 / u64::from(ways);
                ctx.stdout.line(&format!("{name:<4} {one:>8} {all:>8} {ways:>4} {kind:<11} {level:>5} {sets:>5} {:>8} {:>14}", 1, 64));
            }
            return 0;
        }
        let caches: Vec<(String, String)> = CACHES
            .iter()
            .map(|(name, size, ..)| {
                let inst = if n == 1 {
                    "1 instance".to_string()
                } else {
                    format!("{n} instances")
                };
                (
                    name.to_string(),
                    format!("{} ({inst})", kib(size * u64::from(n))),
                )
            })
            .collect();
        let flags = cpuinfo(p, "flags");
        // (depth, key, value); depth 0 keys are section heads in the tree form.
        let mut rows: Vec<(usize, String, String)> = vec![
            (0, "Architecture".into(), p.machine.clone()),
            (1, "CPU op-mode(s)".into(), "32-bit, 64-bit".into()),
            (1, "Address sizes".into(), cpuinfo(p, "address sizes")),
            (1, "Byte Order".into(), "Little Endian".into()),
            (0, "CPU(s)".into(), n.to_string()),
            (1, "On-line CPU(s) list".into(), cpu_list(n)),
            (0, "Vendor ID".into(), cpuinfo(p, "vendor_id")),
            (1, "Model name".into(), p.cpu_model.clone()),
            (2, "CPU family".into(), cpuinfo(p, "cpu family")),
            (2, "Model".into(), cpuinfo(p, "model")),
            (2, "Thread(s) per core".into(), "1".into()),
            (2, "Core(s) per socket".into(), "1".into()),
            (2, "Socket(s)".into(), n.to_string()),
            (2, "Stepping".into(), cpuinfo(p, "stepping")),
            (2, "BogoMIPS".into(), cpuinfo(p, "bogomips")),
            (2, "Flags".into(), flags),
            (0, "Virtualization features".into(), String::new()),
            (1, "Hypervisor vendor".into(), "KVM".into()),
            (1, "Virtualization type".into(), "full".into()),
            (0, "Caches (sum of all)".into(), String::new()),
        ];
        for (name, v) in &caches {
            rows.push((1, name.clone(), v.clone()));
        }
        rows.push((0, "NUMA".into(), String::new()));
        rows.push((1, "NUMA node(s)".into(), "1".into()));
        rows.push((1, "NUMA node0 CPU(s)".into(), cpu_list(n)));
        rows.push((0, "Vulnerabilities".into(), String::new()));
        for (k, v) in VULNS {
            rows.push((1, k.to_string(), v.to_string()));
        }
        let tree = ctx.stdout_is_tty;
        let keys: Vec<(String, String)> = rows
            .iter()
            .filter(|(d, _, v)| tree || *d > 0 || !v.is_empty())
            .map(|(d, k, v)| {
                let key = if tree {
                    let k = if k == "NUMA node(s)" {
                        "Node(s)"
                    } else {
                        k.as_str()
                    };
                    format!("{}{k}:", "  ".repeat(*d))
                } else if k.starts_with('L') && k.len() <= 3 {
                    format!("{k} cache:")
                } else if VULNS.iter().any(|(n, _)| n == k) {
                    format!("Vulnerability {k}:")
                } else {
                    format!("{k}:")
                };
                (key, v.clone())
            })
            .collect();
        let w = keys
            .iter()
            .map(|(k, _)| k.chars().count())
            .max()
            .unwrap_or(0);
        for (k, v) in keys {
            ctx.stdout.line(&format!("{k:<w$} {v}"));
        }
        0
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run, run_piped};

    #[test]
    fn flat_in_a_pipe() {
        let r = run_piped("lscpu", &[], "/", b"");
        let lines: Vec<&str> = r.stdout.lines().collect();
        assert_eq!(lines[0], format!("{:<41}x86_64", "Architecture:"));
        assert!(lines.contains(&"CPU(s):                                  2"));
        assert!(lines.contains(
            &"Model name:                              Intel(R) Xeon(R) Gold 6248R CPU @ 3.00GHz"
        ));
        assert!(lines.contains(&"Socket(s):                               2"));
        assert!(lines.contains(&"L3 cache:                                71.5 MiB (2 instances)"));
        assert!(lines.contains(&"Hypervisor vendor:                       KVM"));
    }

    #[test]
    fn tree_on_a_terminal() {
        let r = run("lscpu", &[], "/", b"");
        assert!(
            r.stdout.starts_with(
                "Architecture:                x86_64\n  CPU op-mode(s):            32-bit, 64-bit\n"
            ),
            "{}",
            r.stdout
        );
        assert!(
            r.stdout
                .contains(&format!("\n{:<28} 6\n", "    CPU family:"))
        );
        assert!(r.stdout.contains("\nVulnerabilities:             \n"));
    }

    #[test]
    fn extended_and_parse() {
        assert_eq!(
            run("lscpu", &["-e"], "/", b"").stdout,
            "CPU NODE SOCKET CORE L1d:L1i:L2:L3 ONLINE\n  0    0      0    0 0:0:0:0          yes\n  1    0      1    1 1:1:1:1          yes\n"
        );
        assert!(run("lscpu", &["-p"], "/", b"").stdout.ends_with(
            "# CPU,Core,Socket,Node,,L1d,L1i,L2,L3\n0,0,0,0,,0,0,0,0\n1,1,1,0,,1,1,1,1\n"
        ));
    }
}
