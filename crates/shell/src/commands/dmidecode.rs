//! `dmidecode` (3.4): the SMBIOS tables SeaBIOS gives a QEMU i440FX guest, sized from the
//! persona (one processor entry per CPU socket, the memory size).
//!
//! Emulated: the full dump, `-t TYPE` (names `bios`, `system`, `baseboard`, `chassis`,
//! `processor`, `memory`, `cache`, ... or numbers), `-s KEYWORD` (with the keyword list on
//! a bad one), `-q`, `--version`, `-h`. Non-root users get the permission errors of
//! `/sys/firmware/dmi/tables` and `/dev/mem` (status 1).

use super::{CmdCtx, Command};
use crate::machine::{BIOS_VERSION, Machine, QEMU_MACHINE};

/// `dmidecode`.
pub struct Dmidecode;

/// (type, handle, text after the handle line)
fn tables(m: &Machine) -> Vec<(u8, String)> {
    let mut t = vec![
        (
            0,
            format!(
                "Handle 0x0000, DMI type 0, 24 bytes\nBIOS Information\n\tVendor: SeaBIOS\n\tVersion: {BIOS_VERSION}\n\tRelease Date: 04/01/2014\n\tAddress: 0xE8000\n\tRuntime Size: 96 kB\n\tROM Size: 64 kB\n\tCharacteristics:\n\t\tBIOS characteristics not supported\n\t\tTargeted content distribution is supported\n\tBIOS Revision: 0.0\n"
            ),
        ),
        (
            1,
            format!(
                "Handle 0x0100, DMI type 1, 27 bytes\nSystem Information\n\tManufacturer: QEMU\n\tProduct Name: Standard PC (i440FX + PIIX, 1996)\n\tVersion: {QEMU_MACHINE}\n\tSerial Number: Not Specified\n\tUUID: {}\n\tWake-up Type: Power Switch\n\tSKU Number: Not Specified\n\tFamily: Not Specified\n",
                m.uuid
            ),
        ),
        (
            3,
            format!(
                "Handle 0x0300, DMI type 3, 22 bytes\nChassis Information\n\tManufacturer: QEMU\n\tType: Other\n\tLock: Not Present\n\tVersion: {QEMU_MACHINE}\n\tSerial Number: Not Specified\n\tAsset Tag: Not Specified\n\tBoot-up State: Safe\n\tPower Supply State: Safe\n\tThermal State: Safe\n\tSecurity Status: Unknown\n\tOEM Information: 0x00000000\n\tHeight: Unspecified\n\tNumber Of Power Cords: Unspecified\n\tContained Elements: 0\n\tSKU Number: Not Specified\n"
            ),
        ),
    ];
    for i in 0..m.cpus.min(64) {
        t.push((4, format!("Handle 0x{:04X}, DMI type 4, 42 bytes\nProcessor Information\n\tSocket Designation: CPU {i}\n\tType: Central Processor\n\tFamily: Other\n\tManufacturer: QEMU\n\tID: 57 06 05 00 FF FB 8B 0F\n\tVersion: {QEMU_MACHINE}\n\tVoltage: Unknown\n\tExternal Clock: Unknown\n\tMax Speed: 2000 MHz\n\tCurrent Speed: 2000 MHz\n\tStatus: Populated, Enabled\n\tUpgrade: Other\n\tL1 Cache Handle: Not Provided\n\tL2 Cache Handle: Not Provided\n\tL3 Cache Handle: Not Provided\n\tSerial Number: Not Specified\n\tAsset Tag: Not Specified\n\tPart Number: Not Specified\n\tCore Count: 1\n\tCore Enabled: 1\n\tThread Count: 1\n\tCharacteristics: None\n", 0x400 + i)));
    }
    let gb = m.mem_kb.div_ceil(1 << 20);
    t.push((16, format!("Handle 0x1000, DMI type 16, 23 bytes\nPhysical Memory Array\n\tLocation: Other\n\tUse: System Memory\n\tError Correction Type: Multi-bit ECC\n\tMaximum Capacity: {gb} GB\n\tError Information Handle: Not Provided\n\tNumber Of Devices: 1\n")));
    t.push((17, format!("Handle 0x1100, DMI type 17, 40 bytes\nMemory Device\n\tArray Handle: 0x1000\n\tError Information Handle: Not Provided\n\tTotal Width: Unknown\n\tData Width: Unknown\n\tSize: {gb} GB\n\tForm Factor: DIMM\n\tSet: None\n\tLocator: DIMM 0\n\tBank Locator: Not Specified\n\tType: RAM\n\tType Detail: Other\n\tSpeed: Unknown\n\tManufacturer: QEMU\n\tSerial Number: Not Specified\n\tAsset Tag: Not Specified\n\tPart Number: Not Specified\n\tRank: Unknown\n\tConfigured Memory Speed: Unknown\n\tMinimum Voltage: Unknown\n\tMaximum Voltage: Unknown\n\tConfigured Voltage: Unknown\n")));
    t.push((19, "Handle 0x1300, DMI type 19, 31 bytes\nMemory Array Mapped Address\n\tStarting Address: 0x00000000000\n\tEnding Address: 0x000BFFFFFFF\n\tRange Size: 3 GB\n\tPhysical Array Handle: 0x1000\n\tPartition Width: 1\n".into()));
    if gb > 3 {
        t.push((19, format!("Handle 0x1301, DMI type 19, 31 bytes\nMemory Array Mapped Address\n\tStarting Address: 0x00100000000\n\tEnding Address: 0x{:011X}\n\tRange Size: {} GB\n\tPhysical Array Handle: 0x1000\n\tPartition Width: 1\n", (1u64 << 32) + ((gb - 3) << 30) - 1, gb - 3)));
    }
    t.push((32, "Handle 0x2000, DMI type 32, 11 bytes\nSystem Boot Information\n\tStatus: No errors detected\n".into()));
    t.push((
        127,
        "Handle 0x7F00, DMI type 127, 4 bytes\nEnd Of Table\n".into(),
    ));
    t
}

const KEYWORDS: &[&str] = &[
    "bios-vendor",
    "bios-version",
    "bios-release-date",
    "bios-revision",
    "firmware-revision",
    "system-manufacturer",
    "system-product-name",
    "system-version",
    "system-serial-number",
    "system-uuid",
    "system-sku-number",
    "system-family",
    "baseboard-manufacturer",
    "baseboard-product-name",
    "baseboard-version",
    "baseboard-serial-number",
    "baseboard-asset-tag",
    "chassis-manufacturer",
    "chassis-type",
    "chassis-version",
    "chassis-serial-number",
    "chassis-asset-tag",
    "processor-family",
    "processor-manufacturer",
    "processor-version",
    "processor-frequency",
];

fn keyword(m: &Machine, k: &str) -> Vec<String> {
    let one = |s: &str| vec![s.to_string()];
    let per_cpu = |s: &str| (0..m.cpus.min(64)).map(|_| s.to_string()).collect();
    match k {
        "bios-vendor" => one("SeaBIOS"),
        "bios-version" => one(BIOS_VERSION),
        "bios-release-date" => one("04/01/2014"),
        "bios-revision" => one("0.0"),
        "system-manufacturer" | "chassis-manufacturer" => one("QEMU"),
        "system-product-name" => one("Standard PC (i440FX + PIIX, 1996)"),
        "system-version" | "chassis-version" => one(QEMU_MACHINE),
        "system-serial-number"
        | "system-sku-number"
        | "system-family"
        | "chassis-serial-number"
        | "chassis-asset-tag" => one("Not Specified"),
        "system-uuid" => one(m.uuid),
        "chassis-type" => one("Other"),
        "processor-family" => per_cpu("Other"),
        "processor-manufacturer" => per_cpu("QEMU"),
        "processor-version" => per_cpu(QEMU_MACHINE),
        "processor-frequency" => per_cpu("2000 MHz"),
        _ => Vec::new(),
    }
}

fn types_of(name: &str) -> Option<Vec<u8>> {
    Some(match name {
        "bios" => vec![0, 13],
        "system" => vec![1, 12, 15, 23, 32],
        "baseboard" => vec![2, 10, 41],
        "chassis" => vec![3],
        "processor" => vec![4],
        "memory" => vec![5, 6, 16, 17],
        "cache" => vec![7],
        "connector" => vec![8],
        "slot" => vec![9],
        n => n
            .split(',')
            .map(|x| x.trim().parse::<u8>().ok())
            .collect::<Option<Vec<u8>>>()?,
    })
}

fn keyword_list(ctx: &mut CmdCtx<'_>, head: &str) -> i32 {
    ctx.stderr.line(head);
    ctx.stderr.line("Valid string keywords are:");
    for k in KEYWORDS {
        ctx.stderr.line(&format!("  {k}"));
    }
    2
}

impl Command for Dmidecode {
    fn name(&self) -> &'static str {
        "dmidecode"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/sbin/dmidecode"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let (mut kw, mut types, mut quiet) = (None::<String>, None::<Vec<u8>>, false);
        let mut it = args.iter().skip(1);
        while let Some(a) = it.next() {
            let (opt, inline) = match a.split_once('=') {
                Some((o, v)) if a.starts_with("--") => (o.to_string(), Some(v.to_string())),
                _ => (a.clone(), None),
            };
            match opt.as_str() {
                "-V" | "--version" => {
                    ctx.stdout.line("3.4");
                    return 0;
                }
                "-h" | "--help" => {
                    ctx.stdout.write_str("Usage: dmidecode [OPTIONS]\nOptions are:\n -d, --dev-mem FILE     Read memory from device FILE (default: /dev/mem)\n -h, --help             Display this help text and exit\n -q, --quiet            Less verbose output\n     --no-quirks        Decode everything without quirks\n -s, --string KEYWORD   Only display the value of the given DMI string\n -t, --type TYPE        Only display the entries of given type\n -H, --handle HANDLE    Only display the entry of given handle\n -u, --dump             Do not decode the entries\n     --dump-bin FILE    Dump the DMI data to a binary file\n     --from-dump FILE   Read the DMI data from a binary file\n     --no-sysfs         Do not attempt to read DMI data from sysfs files\n     --oem-string N     Only display the value of the given OEM string\n -V, --version          Display the version and exit\n");
                    return 0;
                }
                "-q" | "--quiet" => quiet = true,
                "-s" | "--string" => {
                    let Some(v) = inline.or_else(|| it.next().cloned()) else {
                        ctx.stderr
                            .line("dmidecode: option requires an argument -- 's'");
                        return keyword_list(ctx, "String keyword expected");
                    };
                    if !KEYWORDS.contains(&v.as_str()) {
                        return keyword_list(ctx, &format!("Invalid string keyword: {v}"));
                    }
                    kw = Some(v);
                }
                "-t" | "--type" => {
                    let Some(v) = inline.or_else(|| it.next().cloned()) else {
                        ctx.stderr
                            .line("dmidecode: option requires an argument -- 't'");
                        ctx.stderr.line("Type number or keyword expected");
                        return 2;
                    };
                    match types_of(&v) {
                        Some(t) => types.get_or_insert_with(Vec::new).extend(t),
                        None => {
                            ctx.stderr.line(&format!("Invalid type keyword: {v}"));
                            ctx.stderr.line("Valid type keywords are:\n  bios\n  system\n  baseboard\n  chassis\n  processor\n  memory\n  cache\n  connector\n  slot");
                            return 2;
                        }
                    }
                }
                "-u" | "--dump" | "--no-sysfs" | "--no-quirks" => {}
                "-d" | "--dev-mem" | "-H" | "--handle" | "--oem-string" | "--dump-bin"
                | "--from-dump" => {
                    it.next();
                }
                o if o.starts_with("--") => {
                    ctx.stderr
                        .line(&format!("dmidecode: unrecognized option '{o}'"));
                    return 2;
                }
                o => {
                    let c = o.chars().nth(1).unwrap_or('-');
                    ctx.stderr
                        .line(&format!("dmidecode: invalid option -- '{c}'"));
                    return 2;
                }
            }
        }
        if ctx.user.uid != 0 {
            ctx.stderr.write_str("/sys/firmware/dmi/tables/smbios_entry_point: Permission denied\nScanning /dev/mem for entry point.\n/dev/mem: Permission denied\n");
            return 1;
        }
        let m = Machine::of(ctx.persona, 0);
        if let Some(k) = kw {
            for v in keyword(&m, &k) {
                ctx.stdout.line(&v);
            }
            return 0;
        }
        let all = tables(&m);
        let mut out = String::new();
        if !quiet {
            out.push_str("# dmidecode 3.4\nGetting SMBIOS data from sysfs.\nSMBIOS 2.8 present.\n");
            if types.is_none() {
                out.push_str(&format!(
                    "{} structures occupying {} bytes.\nTable at 0x000F5990.\n",
                    all.len(),
                    310 + 52 * all.len()
                ));
            }
            out.push('\n');
        }
        let mut first = true;
        for (ty, text) in &all {
            if types.as_ref().is_some_and(|t| !t.contains(ty)) || (quiet && *ty == 127) {
                continue;
            }
            if !first {
                out.push('\n');
            }
            first = false;
            out.push_str(text);
        }
        if !first {
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
    fn keywords_types_permissions() {
        assert_eq!(
            root("dmidecode", &["-s", "system-manufacturer"]).stdout,
            "QEMU\n"
        );
        assert_eq!(
            root("dmidecode", &["-s", "system-product-name"]).stdout,
            "Standard PC (i440FX + PIIX, 1996)\n"
        );
        assert_eq!(
            root("dmidecode", &["-s", "processor-version"]).stdout,
            "pc-i440fx-7.2\npc-i440fx-7.2\n"
        );
        let r = root("dmidecode", &["-s", "foo"]);
        assert!(r.stderr.starts_with(
            "Invalid string keyword: foo\nValid string keywords are:\n  bios-vendor\n"
        ));
        let r = root("dmidecode", &["-t", "system"]);
        assert!(r.stdout.starts_with("# dmidecode 3.4\nGetting SMBIOS data from sysfs.\nSMBIOS 2.8 present.\n\nHandle 0x0100, DMI type 1, 27 bytes\nSystem Information\n\tManufacturer: QEMU\n"));
        assert!(
            r.stdout
                .ends_with("System Boot Information\n\tStatus: No errors detected\n\n")
        );
        let full = root("dmidecode", &[]).stdout;
        assert!(full.contains("\tSize: 4 GB\n"));
        assert!(full.ends_with("End Of Table\n\n"));
        let r = user("dmidecode", &[]);
        assert_eq!(r.code, 1);
        assert!(
            r.stderr
                .starts_with("/sys/firmware/dmi/tables/smbios_entry_point: Permission denied\n")
        );
    }
}
