//! `lspci` (pciutils 3.9.0) and `lsusb` (usbutils 014): the QEMU/KVM guest's PCI and USB
//! devices from [`crate::machine`].
//!
//! Emulated: `lspci` default, `-n`, `-nn`, `-k`, `-s SLOT`, `-d VENDOR:DEVICE` (other
//! display switches accepted), `--version`; `lsusb` default, `-t`, `-s`, `-d`, `-V`, `-h`.
//! Known gaps: `lspci -v`/`-vv` detail blocks and `lsusb -v` descriptors print the plain
//! list.

use super::{CmdCtx, Command};
use crate::machine::{PCI, Pci, USB};

/// `lspci`.
pub struct Lspci;
/// `lsusb`.
pub struct Lsusb;

const LSPCI_USAGE: &str = "Usage: lspci [<switches>]

Basic display modes:
-mm\t\tProduce machine-readable output (single -m for an obsolete format)
-t\t\tShow bus tree

Display options:
-v\t\tBe verbose (-vv or -vvv for higher verbosity)
-k\t\tShow kernel drivers handling each device
-x\t\tShow hex-dump of the standard part of the config space
-xxx\t\tShow hex-dump of the whole config space (dangerous; root only)
-xxxx\t\tShow hex-dump of the 4096-byte extended config space (root only)
-b\t\tBus-centric view (addresses and IRQ's as seen by the bus)
-D\t\tAlways show domain numbers
-P\t\tDisplay bridge path in addition to bus and device number
-PP\t\tDisplay bus path in addition to bus and device number

Resolving of device ID's to names:
-n\t\tShow numeric ID's
-nn\t\tShow both textual and numeric ID's (names & numbers)
-q\t\tQuery the PCI ID database for unknown ID's via DNS
-qq\t\tAs above, but re-query locally cached entries
-Q\t\tQuery the PCI ID database for all ID's via DNS

Selection of devices:
-s [[[[<domain>]:]<bus>]:][<slot>][.[<func>]]\tShow only devices in selected slots
-d [<vendor>]:[<device>][:<class>]\t\tShow only devices with specified ID's

Other options:
-i <file>\tUse specified ID database instead of /usr/share/misc/pci.ids.gz
-p <file>\tLook up kernel modules in a given file instead of default modules.dep
-M\t\tEnable `bus mapping' mode (dangerous; root only)

PCI access options:
-A <method>\tUse the specified PCI access method (see `-A help' for a list)
-O <par>=<val>\tSet PCI access parameter (see `-O help' for a list)
-G\t\tEnable PCI access debugging
-H <mode>\tUse direct hardware access (<mode> = 1 or 2)
-F <file>\tRead PCI configuration dump from a given file
";

fn bad_lspci(ctx: &mut CmdCtx<'_>, msg: &str) -> i32 {
    ctx.stderr.line(&format!("lspci: {msg}"));
    ctx.stderr.write_str(LSPCI_USAGE);
    1
}

fn pci_line(d: &Pci, numeric: u8, domain: bool) -> String {
    let slot = if domain {
        format!("0000:{}", d.slot)
    } else {
        d.slot.to_string()
    };
    let rev = d.rev.map(|r| format!(" (rev {r:02x})")).unwrap_or_default();
    let (v, p) = d.ids;
    match numeric {
        0 => format!("{slot} {}: {}{rev}", d.class, d.name),
        1 => format!("{slot} {:04x}: {v:04x}:{p:04x}{rev}", d.class_id),
        _ => {
            let class = d.class.split(" [").next().unwrap_or(d.class);
            format!(
                "{slot} {class} [{:04x}]: {} [{v:04x}:{p:04x}]{rev}",
                d.class_id, d.name
            )
        }
    }
}

impl Command for Lspci {
    fn name(&self) -> &'static str {
        "lspci"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/lspci"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        if args.len() == 2 && args.get(1).is_some_and(|a| a == "--version") {
            ctx.stdout.line("lspci version 3.9.0");
            return 0;
        }
        let (mut numeric, mut kernel, mut domain) = (0u8, false, false);
        let (mut slot, mut ids) = (None::<String>, None::<String>);
        let mut it = args.iter().skip(1);
        while let Some(a) = it.next() {
            if let Some(long) = a.strip_prefix("--") {
                if long.is_empty() {
                    break;
                }
                return bad_lspci(ctx, &format!("unrecognized option '{a}'"));
            }
            let Some(letters) = a.strip_prefix('-').filter(|s| !s.is_empty()) else {
                return bad_lspci(ctx, &format!("invalid option -- '{a}'"));
            };
            let chars: Vec<char> = letters.chars().collect();
            for (i, c) in chars.iter().enumerate() {
                let takes = "sdiApOHF".contains(*c);
                if takes {
                    let rest: String = chars.iter().skip(i + 1).collect();
                    let val = if rest.is_empty() {
                        it.next().cloned()
                    } else {
                        Some(rest)
                    };
                    let Some(val) = val else {
                        return bad_lspci(ctx, &format!("option requires an argument -- '{c}'"));
                    };
                    match c {
                        's' => slot = Some(val),
                        'd' => ids = Some(val),
                        _ => {}
                    }
                    break;
                }
                match c {
                    'n' => numeric = numeric.saturating_add(1),
                    'k' => kernel = true,
                    'D' => domain = true,
                    'm' | 't' | 'v' | 'x' | 'b' | 'P' | 'q' | 'Q' | 'M' | 'G' => {}
                    other => return bad_lspci(ctx, &format!("invalid option -- '{other}'")),
                }
            }
        }
        let mut out = String::new();
        for d in PCI {
            if let Some(s) = &slot {
                let s = s.trim_start_matches("0000:");
                if !d.slot.ends_with(s) && !d.slot.starts_with(s) {
                    continue;
                }
            }
            if let Some(want) = &ids {
                let mut parts = want.split(':');
                let v = parts.next().unwrap_or("");
                let p = parts.next().unwrap_or("");
                let ok_v = v.is_empty() || u16::from_str_radix(v, 16).ok() == Some(d.ids.0);
                let ok_p = p.is_empty() || u16::from_str_radix(p, 16).ok() == Some(d.ids.1);
                if !(ok_v && ok_p) {
                    continue;
                }
            }
            out.push_str(&pci_line(d, numeric, domain));
            out.push('\n');
            if kernel && let Some(drv) = d.driver {
                out.push_str(&format!("\tKernel driver in use: {drv}\n"));
            }
        }
        ctx.stdout.write_str(&out);
        0
    }
}

const LSUSB_USAGE: &str = "Usage: lsusb [options]...
List USB devices
  -v, --verbose
      Increase verbosity (show descriptors)
  -s [[bus]:][devnum]
      Show only devices with specified device and/or
      bus numbers (in decimal)
  -d vendor:[product]
      Show only devices with the specified vendor and
      product ID numbers (in hexadecimal)
  -D device
      Selects which device lsusb will examine
  -t, --tree
      Dump the physical USB device hierarchy as a tree
  -V, --version
      Show version of program
  -h, --help
      Show usage and help
";

impl Command for Lsusb {
    fn name(&self) -> &'static str {
        "lsusb"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/lsusb"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        use super::util::{Val, getopt};
        let long = [
            ("verbose", 'v', Val::No),
            ("tree", 't', Val::No),
            ("version", 'V', Val::No),
            ("help", 'h', Val::No),
        ];
        let (opts, _ops) = match getopt(args, "D:vtd:s:hV", &long) {
            Ok(x) => x,
            Err(super::util::Bad::Help) => {
                ctx.stdout.write_str(LSUSB_USAGE);
                return 0;
            }
            Err(super::util::Bad::Version) => {
                ctx.stdout.line("lsusb (usbutils) 014");
                return 0;
            }
            Err(e) => {
                ctx.error("lsusb", e.text());
                ctx.stderr.write_str(LSUSB_USAGE);
                return 1;
            }
        };
        let mut tree = false;
        let (mut sel_s, mut sel_d) = (None::<String>, None::<String>);
        for (c, v) in opts {
            match c {
                'h' => {
                    ctx.stdout.write_str(LSUSB_USAGE);
                    return 0;
                }
                'V' => {
                    ctx.stdout.line("lsusb (usbutils) 014");
                    return 0;
                }
                't' => tree = true,
                's' => sel_s = v,
                'd' => sel_d = v,
                _ => {}
            }
        }
        if tree {
            ctx.stdout.write_str("/:  Bus 01.Port 1: Dev 1, Class=root_hub, Driver=uhci_hcd/2p, 12M\n    |__ Port 1: Dev 2, If 0, Class=Human Interface Device, Driver=usbhid, 12M\n");
            return 0;
        }
        let mut any = false;
        for u in USB {
            if let Some(s) = &sel_s {
                let (b, d) = s.split_once(':').unwrap_or(("", s));
                if (!b.is_empty() && b.parse::<u32>().ok() != Some(u.bus))
                    || (!d.is_empty() && d.parse::<u32>().ok() != Some(u.dev))
                {
                    continue;
                }
            }
            if let Some(d) = &sel_d {
                let (v, p) = d.split_once(':').unwrap_or((d, ""));
                if u16::from_str_radix(v, 16).ok() != Some(u.vendor)
                    || (!p.is_empty() && u16::from_str_radix(p, 16).ok() != Some(u.product))
                {
                    continue;
                }
            }
            any = true;
            ctx.stdout.line(&format!(
                "Bus {:03} Device {:03}: ID {:04x}:{:04x} {}",
                u.bus, u.dev, u.vendor, u.product, u.name
            ));
        }
        i32::from(!any)
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn lspci() {
        let r = run("lspci", &[], "/", b"");
        assert!(r.stdout.starts_with(
            "00:00.0 Host bridge: Intel Corporation 440FX - 82441FX PMC [Natoma] (rev 02)\n"
        ));
        assert!(
            r.stdout
                .contains("\n00:03.0 Ethernet controller: Red Hat, Inc. Virtio network device\n")
        );
        assert_eq!(
            run("lspci", &["-nn", "-s", "00:03.0"], "/", b"").stdout,
            "00:03.0 Ethernet controller [0200]: Red Hat, Inc. Virtio network device [1af4:1000]\n"
        );
        assert_eq!(
            run("lspci", &["-n", "-s", "00:00.0"], "/", b"").stdout,
            "00:00.0 0600: 8086:1237 (rev 02)\n"
        );
        assert_eq!(
            run("lspci", &["--version"], "/", b"").stdout,
            "lspci version 3.9.0\n"
        );
    }

    #[test]
    fn lsusb() {
        assert_eq!(
            run("lsusb", &[], "/", b"").stdout,
            "Bus 001 Device 002: ID 0627:0001 Adomax Technology Co., Ltd QEMU USB Tablet\nBus 001 Device 001: ID 1d6b:0001 Linux Foundation 1.1 root hub\n"
        );
        assert_eq!(
            run("lsusb", &["-d", "1d6b:"], "/", b"").stdout,
            "Bus 001 Device 001: ID 1d6b:0001 Linux Foundation 1.1 root hub\n"
        );
        assert_eq!(run("lsusb", &["-d", "dead:"], "/", b"").code, 1);
    }
}
