//! The persona's hardware and network as one model: network interfaces, routes, the ARP
//! neighbour, block devices, PCI and USB devices, DMI (SMBIOS) data and CPU topology of a
//! KVM/QEMU virtual machine. Every system-information tool (`ip`, `ifconfig`, `route`, `arp`,
//! `lsblk`, `lspci`, `lsusb`, `lscpu`, `dmidecode`, `dmesg`, `hostname -I`) derives its output
//! from [`Machine::of`], so they agree with each other and with the persona's `/proc` files
//! and `df`.

use crate::persona::Persona;

/// An IPv4 address as four octets.
pub type V4 = [u8; 4];

/// A network interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Iface {
    /// Interface index (`1: lo:`).
    pub index: u32,
    /// Name (`ens3`).
    pub name: String,
    /// Predictable alternative name (`enp0s3`), if any.
    pub altname: Option<String>,
    /// True for the loopback device.
    pub loopback: bool,
    /// MTU.
    pub mtu: u32,
    /// Queueing discipline.
    pub qdisc: &'static str,
    /// MAC address, lowercase colon form.
    pub mac: String,
    /// IPv4 address and prefix length.
    pub ipv4: Option<(V4, u8)>,
    /// IPv6 addresses: (address text, prefix, scope: `host`/`link`/`global`).
    pub ipv6: Vec<(String, u8, &'static str)>,
    /// Received packets and bytes.
    pub rx: (u64, u64),
    /// Transmitted packets and bytes.
    pub tx: (u64, u64),
}

impl Iface {
    /// The IPv4 netmask.
    pub fn netmask(&self) -> Option<V4> {
        self.ipv4.map(|(_, p)| mask(p))
    }

    /// The IPv4 broadcast address (none for loopback).
    pub fn broadcast(&self) -> Option<V4> {
        if self.loopback {
            return None;
        }
        self.ipv4.map(|(a, p)| {
            let m = u32::from_be_bytes(mask(p));
            (u32::from_be_bytes(a) | !m).to_be_bytes()
        })
    }

    /// The IPv4 network address.
    pub fn network(&self) -> Option<V4> {
        self.ipv4
            .map(|(a, p)| (u32::from_be_bytes(a) & u32::from_be_bytes(mask(p))).to_be_bytes())
    }
}

/// A netmask of `prefix` bits.
pub fn mask(prefix: u8) -> V4 {
    let p = u32::from(prefix.min(32));
    let m = if p == 0 { 0 } else { u32::MAX << (32 - p) };
    m.to_be_bytes()
}

/// Dotted-quad text.
pub fn v4(a: V4) -> String {
    let [x, y, z, w] = a;
    format!("{x}.{y}.{z}.{w}")
}

/// Parses a dotted quad.
pub fn parse_v4(s: &str) -> Option<V4> {
    let mut out = [0u8; 4];
    let mut parts = s.split('.');
    for o in &mut out {
        *o = parts.next()?.parse().ok()?;
    }
    if parts.next().is_some() {
        return None;
    }
    Some(out)
}

/// A block device or partition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Kernel name (`vda1`).
    pub name: &'static str,
    /// Major and minor numbers.
    pub majmin: (u32, u32),
    /// Size in bytes.
    pub bytes: u64,
    /// `disk` or `part`.
    pub kind: &'static str,
    /// Mount point, if mounted.
    pub mount: Option<&'static str>,
    /// Filesystem type, version, UUID.
    pub fs: Option<(&'static str, &'static str, &'static str)>,
}

/// A PCI device: slot, class, vendor and device text as `lspci` prints them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pci {
    /// `00:03.0`.
    pub slot: &'static str,
    /// Class name (`Ethernet controller`).
    pub class: &'static str,
    /// Class id.
    pub class_id: u16,
    /// Vendor and device name.
    pub name: &'static str,
    /// Vendor:device ids.
    pub ids: (u16, u16),
    /// Revision, if shown.
    pub rev: Option<u8>,
    /// Kernel driver in use.
    pub driver: Option<&'static str>,
}

/// A USB device: bus, device number, id and name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usb {
    /// Bus number.
    pub bus: u32,
    /// Device number.
    pub dev: u32,
    /// Vendor id.
    pub vendor: u16,
    /// Product id.
    pub product: u16,
    /// Vendor and product text.
    pub name: &'static str,
}

/// The machine: what the hardware and network tools show.
#[derive(Debug, Clone)]
pub struct Machine {
    /// `lo` then the ethernet interface.
    pub ifaces: Vec<Iface>,
    /// Default gateway.
    pub gateway: V4,
    /// MAC of the gateway (the one ARP neighbour).
    pub gateway_mac: String,
    /// Block devices, disk first.
    pub blocks: Vec<Block>,
    /// Size of the disk in bytes.
    pub disk_bytes: u64,
    /// CPUs.
    pub cpus: u32,
    /// CPU model name.
    pub cpu_model: String,
    /// Memory in KiB.
    pub mem_kb: u64,
    /// SMBIOS system UUID.
    pub uuid: &'static str,
}

/// The QEMU i440FX machine type the DMI tables name.
pub const QEMU_MACHINE: &str = "pc-i440fx-7.2";
/// SeaBIOS version of the DMI tables.
pub const BIOS_VERSION: &str = "1.16.2-debian-1.16.2-1";
/// Root filesystem UUID (as in `/proc/cmdline`).
pub const ROOT_UUID: &str = "8c1f2d3e-4b5a-4c6d-9e7f-0a1b2c3d4e5f";

/// PCI devices of the VM: i440FX chipset, virtio network (slot 3, hence `ens3`), block and
/// balloon devices.
pub const PCI: &[Pci] = &[
    Pci {
        slot: "00:00.0",
        class: "Host bridge",
        class_id: 0x0600,
        name: "Intel Corporation 440FX - 82441FX PMC [Natoma]",
        ids: (0x8086, 0x1237),
        rev: Some(2),
        driver: None,
    },
    Pci {
        slot: "00:01.0",
        class: "ISA bridge",
        class_id: 0x0601,
        name: "Intel Corporation 82371SB PIIX3 ISA [Natoma/Triton II]",
        ids: (0x8086, 0x7000),
        rev: None,
        driver: None,
    },
    Pci {
        slot: "00:01.1",
        class: "IDE interface",
        class_id: 0x0101,
        name: "Intel Corporation 82371SB PIIX3 IDE [Natoma/Triton II]",
        ids: (0x8086, 0x7010),
        rev: None,
        driver: Some("ata_piix"),
    },
    Pci {
        slot: "00:01.2",
        class: "USB controller",
        class_id: 0x0c03,
        name: "Intel Corporation 82371SB PIIX3 USB [Natoma/Triton II]",
        ids: (0x8086, 0x7020),
        rev: Some(1),
        driver: Some("uhci_hcd"),
    },
    Pci {
        slot: "00:01.3",
        class: "Bridge",
        class_id: 0x0680,
        name: "Intel Corporation 82371AB/EB/MB PIIX4 ACPI",
        ids: (0x8086, 0x7113),
        rev: Some(3),
        driver: Some("piix4_smbus"),
    },
    Pci {
        slot: "00:02.0",
        class: "VGA compatible controller",
        class_id: 0x0300,
        name: "Cirrus Logic GD 5446",
        ids: (0x1013, 0x00b8),
        rev: None,
        driver: Some("cirrus"),
    },
    Pci {
        slot: "00:03.0",
        class: "Ethernet controller",
        class_id: 0x0200,
        name: "Red Hat, Inc. Virtio network device",
        ids: (0x1af4, 0x1000),
        rev: None,
        driver: Some("virtio-pci"),
    },
    Pci {
        slot: "00:04.0",
        class: "SCSI storage controller",
        class_id: 0x0100,
        name: "Red Hat, Inc. Virtio block device",
        ids: (0x1af4, 0x1001),
        rev: None,
        driver: Some("virtio-pci"),
    },
    Pci {
        slot: "00:05.0",
        class: "Unclassified device [00ff]",
        class_id: 0x00ff,
        name: "Red Hat, Inc. Virtio memory balloon",
        ids: (0x1af4, 0x1002),
        rev: None,
        driver: Some("virtio-pci"),
    },
];

/// USB devices: the UHCI root hub and QEMU's tablet.
pub const USB: &[Usb] = &[
    Usb {
        bus: 1,
        dev: 2,
        vendor: 0x0627,
        product: 0x0001,
        name: "Adomax Technology Co., Ltd QEMU USB Tablet",
    },
    Usb {
        bus: 1,
        dev: 1,
        vendor: 0x1d6b,
        product: 0x0001,
        name: "Linux Foundation 1.1 root hub",
    },
];

const GIB: u64 = 1 << 30;
const MIB: u64 = 1 << 20;
const SECTOR: u64 = 512;

impl Machine {
    /// The machine of a persona. `uptime_secs` grows the interface counters.
    pub fn of(p: &Persona, uptime_secs: i64) -> Machine {
        let up = u64::try_from(uptime_secs.max(0)).unwrap_or(0);
        let ip = parse_v4(&p.ipv4).unwrap_or([10, 0, 3, 17]);
        let [a, b, c, _] = ip;
        let gateway = [a, b, c, 1];
        let iface_num: String = p.iface.chars().filter(char::is_ascii_digit).collect();
        let altname = (p.iface.starts_with("ens") && !iface_num.is_empty())
            .then(|| format!("enp0s{iface_num}"));
        let lo_pk = 9_312 + up / 7;
        let lo = Iface {
            index: 1,
            name: "lo".into(),
            altname: None,
            loopback: true,
            mtu: 65536,
            qdisc: "noqueue",
            mac: "00:00:00:00:00:00".into(),
            ipv4: Some(([127, 0, 0, 1], 8)),
            ipv6: vec![("::1".into(), 128, "host")],
            rx: (lo_pk, lo_pk * 89),
            tx: (lo_pk, lo_pk * 89),
        };
        let eth = Iface {
            index: 2,
            name: p.iface.clone(),
            altname,
            loopback: false,
            mtu: 1500,
            qdisc: "pfifo_fast",
            mac: p.mac.clone(),
            ipv4: Some((ip, 24)),
            ipv6: vec![(link_local(&p.mac), 64, "link")],
            rx: (184_220 + up * 3, 201_337_418 + up * 2_113),
            tx: (97_431 + up * 2, 18_722_906 + up * 611),
        };
        // Debian cloud image layout: vda14 BIOS boot, vda15 EFI, vda1 root to the end.
        let (root_total_kb, _) = p.root_fs_kb;
        let disk_bytes = (root_total_kb * 1024).div_ceil(20 * GIB).max(1) * 20 * GIB;
        let root_start = 262_144 * SECTOR;
        let blocks = vec![
            Block {
                name: "vda",
                majmin: (254, 0),
                bytes: disk_bytes,
                kind: "disk",
                mount: None,
                fs: None,
            },
            Block {
                name: "vda1",
                majmin: (254, 1),
                bytes: disk_bytes.saturating_sub(root_start + 34 * SECTOR),
                kind: "part",
                mount: Some("/"),
                fs: Some(("ext4", "1.0", ROOT_UUID)),
            },
            Block {
                name: "vda14",
                majmin: (254, 14),
                bytes: 3 * MIB,
                kind: "part",
                mount: None,
                fs: None,
            },
            Block {
                name: "vda15",
                majmin: (254, 15),
                bytes: 124 * MIB,
                kind: "part",
                mount: Some("/boot/efi"),
                fs: Some(("vfat", "FAT16", "2A1B-3C4D")),
            },
        ];
        Machine {
            ifaces: vec![lo, eth],
            gateway,
            gateway_mac: "52:54:00:1b:4e:90".into(),
            blocks,
            disk_bytes,
            cpus: p.cpu_count,
            cpu_model: p.cpu_model.clone(),
            mem_kb: p.mem_total_kb,
            uuid: "6b3e1f2a-9c4d-4e8b-a1f0-3d2c5b7e9a14",
        }
    }

    /// The ethernet interface.
    pub fn eth(&self) -> Option<&Iface> {
        self.ifaces.iter().find(|i| !i.loopback)
    }

    /// An interface by name.
    pub fn iface(&self, name: &str) -> Option<&Iface> {
        self.ifaces
            .iter()
            .find(|i| i.name == name || i.altname.as_deref() == Some(name))
    }
}

/// The EUI-64 IPv6 link-local address of a MAC (`fe80::5054:ff:fe8a:3c71`).
pub fn link_local(mac: &str) -> String {
    let b: Vec<u8> = mac
        .split(':')
        .filter_map(|h| u8::from_str_radix(h, 16).ok())
        .collect();
    let [m0, m1, m2, m3, m4, m5] = <[u8; 6]>::try_from(b).unwrap_or([0x52, 0x54, 0, 0, 0, 1]);
    let g = [
        u16::from_be_bytes([m0 ^ 2, m1]),
        u16::from_be_bytes([m2, 0xff]),
        u16::from_be_bytes([0xfe, m3]),
        u16::from_be_bytes([m4, m5]),
    ];
    format!("fe80::{:x}:{:x}:{:x}:{:x}", g[0], g[1], g[2], g[3])
}

/// util-linux's human size (`lsblk`): binary units, one decimal below 10 (`19.9G`, `124M`).
pub fn size_human(bytes: u64) -> String {
    let units = ["B", "K", "M", "G", "T", "P"];
    let mut exp = 0usize;
    let mut v = bytes;
    while v >= 1024 && exp + 1 < units.len() {
        v /= 1024;
        exp += 1;
    }
    let unit = units.get(exp).copied().unwrap_or("B");
    if exp == 0 {
        return format!("{bytes}{unit}");
    }
    let div = 1u64 << (10 * exp);
    let whole = bytes / div;
    let frac = ((bytes % div) * 10 + div / 2) / div;
    let (whole, frac) = if frac >= 10 {
        (whole + 1, 0)
    } else {
        (whole, frac)
    };
    if frac == 0 {
        format!("{whole}{unit}")
    } else {
        format!("{whole}.{frac}{unit}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_from_the_persona() {
        let p = crate::commands::testutil::shared_persona();
        let m = Machine::of(p, 3600);
        let e = m.eth().unwrap();
        assert_eq!(e.name, "ens3");
        assert_eq!(e.altname.as_deref(), Some("enp0s3"));
        assert_eq!(v4(e.ipv4.unwrap().0), p.ipv4);
        assert_eq!(e.broadcast(), Some([10, 0, 3, 255]));
        assert_eq!(e.netmask(), Some([255, 255, 255, 0]));
        assert_eq!(link_local("52:54:00:8a:3c:71"), "fe80::5054:ff:fe8a:3c71");
        assert_eq!(m.disk_bytes, 20 * GIB);
        assert_eq!(size_human(m.disk_bytes), "20G");
        assert_eq!(size_human(m.blocks[1].bytes), "19.9G");
        assert_eq!(size_human(124 * MIB), "124M");
        // The root partition holds the filesystem `df` reports.
        assert!(m.blocks[1].bytes >= p.root_fs_kb.0 * 1024);
    }

    #[test]
    fn tools_agree() {
        use crate::commands::sysinfo_test::root;
        let ip = root("ip", &["-4", "-o", "a", "show", "ens3"]).stdout;
        let from_ip = ip
            .split_whitespace()
            .nth(3)
            .unwrap()
            .split('/')
            .next()
            .unwrap()
            .to_string();
        let ifc = root("ifconfig", &["ens3"]).stdout;
        let from_ifconfig = ifc
            .lines()
            .nth(1)
            .unwrap()
            .split_whitespace()
            .nth(1)
            .unwrap()
            .to_string();
        let from_hostname = root("hostname", &["-I"]).stdout.trim().to_string();
        assert_eq!(from_ip, "10.0.3.17");
        assert_eq!(from_ip, from_ifconfig);
        assert_eq!(from_ip, from_hostname);
        let route = root("route", &["-n"]).stdout;
        let gw = route
            .lines()
            .nth(2)
            .unwrap()
            .split_whitespace()
            .nth(1)
            .unwrap()
            .to_string();
        assert!(
            root("ip", &["r"])
                .stdout
                .starts_with(&format!("default via {gw} dev ens3"))
        );
        assert!(root("arp", &["-n"]).stdout.contains(&gw));
        // lsblk's root partition holds df's root filesystem; the EFI partition its vfat.
        let df = root("df", &["-k"]).stdout;
        let kb = |mnt: &str| -> u64 {
            let l = df
                .lines()
                .find(|l| l.ends_with(&format!(" {mnt}")))
                .unwrap();
            l.split_whitespace().nth(1).unwrap().parse().unwrap()
        };
        let lsblk = root("lsblk", &["-b", "-l", "-n", "-o", "NAME,SIZE"]).stdout;
        let bytes = |name: &str| -> u64 {
            let l = lsblk
                .lines()
                .find(|l| l.starts_with(&format!("{name} ")))
                .unwrap();
            l.split_whitespace().nth(1).unwrap().parse().unwrap()
        };
        let root_part = bytes("vda1");
        assert!(root_part >= kb("/") * 1024 && root_part < kb("/") * 1024 * 21 / 20);
        assert!(bytes("vda15") >= kb("/boot/efi") * 1024);
        assert!(bytes("vda") >= root_part + bytes("vda14") + bytes("vda15"));
        // CPUs: lscpu, nproc, getconf and /proc/cpuinfo.
        let n = root("nproc", &[]).stdout;
        assert_eq!(root("getconf", &["_NPROCESSORS_ONLN"]).stdout, n);
        assert_eq!(p_cpus().to_string() + "\n", n);
    }

    fn p_cpus() -> usize {
        crate::commands::testutil::shared_persona()
            .cpuinfo()
            .lines()
            .filter(|l| l.starts_with("processor"))
            .count()
    }
}
