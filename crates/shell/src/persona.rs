//! A persona: the machine the attacker believes they are on, as data.
//!
//! The default is `debian12`: Debian 12 (bookworm) on amd64 with OpenSSH 9.2p1. Its
//! filesystem comes from a manifest made from a real Debian 12 root
//! (`scripts/persona/build-debian12.sh`), embedded at build time; this module adds what a
//! running machine has on top (hostname, `/etc/shadow`, `/proc`, `/dev`, a regular user) and
//! exposes the facts commands print (kernel, CPU, memory, users, processes, packages).
//!
//! The base image is built once per persona and shared by every session through an `Arc`.

use std::sync::Arc;

use miragepot_vfs::{BaseBuilder, BaseImage, Fs, Limits};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/persona_debian12.rs"));
}

/// A user account (a line of `/etc/passwd`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Login name.
    pub name: String,
    /// User id.
    pub uid: u32,
    /// Primary group id.
    pub gid: u32,
    /// GECOS field.
    pub gecos: String,
    /// Home directory.
    pub home: String,
    /// Login shell.
    pub shell: String,
}

/// A group (a line of `/etc/group`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Group name.
    pub name: String,
    /// Group id.
    pub gid: u32,
    /// Supplementary members.
    pub members: Vec<String>,
}

/// A process the persona shows in `ps` and `top`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Process {
    /// Process id.
    pub pid: u32,
    /// Parent process id.
    pub ppid: u32,
    /// Owner name.
    pub user: String,
    /// Resident memory in KiB.
    pub rss_kb: u64,
    /// Virtual memory in KiB.
    pub vsz_kb: u64,
    /// `ps` STAT column.
    pub stat: String,
    /// Seconds after boot it started.
    pub start_after_boot: i64,
    /// Accumulated CPU seconds.
    pub cpu_secs: u64,
    /// Full command line (`[kthreadd]` for kernel threads).
    pub cmd: String,
}

/// An installed package (`dpkg -l`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// Package name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Architecture.
    pub arch: String,
    /// Short description.
    pub description: String,
}

/// Operator overrides of the persona (from the config file).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonaOverrides {
    /// Hostname instead of the persona's default.
    pub hostname: Option<String>,
}

/// The machine, as data.
#[derive(Debug, Clone)]
pub struct Persona {
    /// Persona id (`debian12`).
    pub name: String,
    /// Hostname (`uname -n`).
    pub hostname: String,
    /// Kernel release (`uname -r`).
    pub kernel_release: String,
    /// Kernel version (`uname -v`).
    pub kernel_version: String,
    /// Machine (`uname -m`).
    pub machine: String,
    /// `PRETTY_NAME` of `/etc/os-release`.
    pub os_pretty_name: String,
    /// CPU model name.
    pub cpu_model: String,
    /// Number of CPUs.
    pub cpu_count: u32,
    /// Total memory in KiB.
    pub mem_total_kb: u64,
    /// Boot time, unix seconds.
    pub boot_time: i64,
    /// Main IPv4 address.
    pub ipv4: String,
    /// Main interface name.
    pub iface: String,
    /// MAC address of the main interface.
    pub mac: String,
    /// Root filesystem size in 1K blocks, and used blocks.
    pub root_fs_kb: (u64, u64),
    /// Accounts.
    pub users: Vec<User>,
    /// Groups.
    pub groups: Vec<Group>,
    /// Background processes.
    pub processes: Vec<Process>,
    /// Installed packages.
    pub packages: Vec<Package>,
    /// The shared base filesystem.
    pub base: Arc<BaseImage>,
    /// Caps for each session's overlay.
    pub fs_limits: Limits,
    /// How long command lines take (pacing).
    pub timing: crate::timing::Timing,
}

const KERNEL_RELEASE: &str = "6.1.0-41-amd64";
const KERNEL_VERSION: &str = "#1 SMP PREEMPT_DYNAMIC Debian 6.1.158-1 (2025-11-09)";
const CPU_MODEL: &str = "Intel(R) Xeon(R) Gold 6248R CPU @ 3.00GHz";
const IMAGE_TIME: i64 = 1_747_000_000;

impl Persona {
    /// The default persona with default settings.
    pub fn debian12() -> Persona {
        Persona::debian12_with(&PersonaOverrides::default())
    }

    /// The default persona with operator overrides.
    pub fn debian12_with(o: &PersonaOverrides) -> Persona {
        let hostname = o
            .hostname
            .clone()
            .unwrap_or_else(|| "web-prod-02".to_string());
        let mut p = Persona {
            name: "debian12".into(),
            hostname,
            kernel_release: KERNEL_RELEASE.into(),
            kernel_version: KERNEL_VERSION.into(),
            machine: "x86_64".into(),
            os_pretty_name: "Debian GNU/Linux 12 (bookworm)".into(),
            cpu_model: CPU_MODEL.into(),
            cpu_count: 2,
            mem_total_kb: 4_025_628,
            boot_time: 1_762_031_112,
            ipv4: "10.0.3.17".into(),
            iface: "ens3".into(),
            mac: "52:54:00:8a:3c:71".into(),
            root_fs_kb: (20_466_256, 3_912_108),
            users: Vec::new(),
            groups: Vec::new(),
            processes: Vec::new(),
            packages: parse_packages(embedded::PACKAGES),
            base: Arc::new(BaseBuilder::new(IMAGE_TIME).build()),
            fs_limits: Limits::default(),
            timing: crate::timing::Timing::DEBIAN12,
        };
        p.processes = default_processes();
        let image = BaseImage::from_manifest(embedded::MANIFEST, &|path| {
            embedded::FILES
                .iter()
                .find(|(p, _)| *p == path)
                .map(|(_, b)| Arc::from(*b))
        })
        .unwrap_or_else(|_| BaseBuilder::new(IMAGE_TIME).build());
        let mut b = BaseBuilder::from_image(image, IMAGE_TIME);
        p.add_runtime_files(&mut b);
        p.base = Arc::new(b.build());
        p
    }

    fn add_runtime_files(&mut self, b: &mut BaseBuilder) {
        let passwd_base = embedded::FILES
            .iter()
            .find(|(p, _)| *p == "/etc/passwd")
            .map(|(_, c)| String::from_utf8_lossy(c).into_owned())
            .unwrap_or_else(|| "root:x:0:0:root:/root:/bin/bash\n".into());
        let mut passwd = passwd_base;
        if !passwd.contains("\ndebian:") {
            passwd.push_str("debian:x:1000:1000:Debian,,,:/home/debian:/bin/bash\n");
        }
        self.users = parse_passwd(&passwd);
        let group_base = embedded::FILES
            .iter()
            .find(|(p, _)| *p == "/etc/group")
            .map(|(_, c)| String::from_utf8_lossy(c).into_owned())
            .unwrap_or_else(|| "root:x:0:\n".into());
        let mut group = group_base;
        if !group.contains("\ndebian:") {
            group = group.replace("\nsudo:x:27:\n", "\nsudo:x:27:debian\n");
            group.push_str("debian:x:1000:\n");
        }
        self.groups = parse_group(&group);
        let shadow: String = self
            .users
            .iter()
            .map(|u| match u.name.as_str() {
                "root" => "root:$y$j9T$Xk3pWm1qR8sT0vYz2bC4d.$hJ8kLmN0pQ2rS4tU6vW8xY0zA1bC3dE5fG7hI9jK1l2:20148:0:99999:7:::\n".to_string(),
                "debian" => "debian:$y$j9T$a1B2c3D4e5F6g7H8i9J0k.$Lm2No4Pq6Rs8Tu0Vw2Xy4Za6Bc8De0Fg2Hi4Jk6Lm8:20148:0:99999:7:::\n".to_string(),
                n => format!("{n}:*:20148:0:99999:7:::\n"),
            })
            .collect();
        let gshadow: String = self
            .groups
            .iter()
            .map(|g| format!("{}:*::{}\n", g.name, g.members.join(",")))
            .collect();
        b.file("/etc/passwd", 0o644, 0, 0, passwd.as_bytes())
            .file("/etc/group", 0o644, 0, 0, group.as_bytes())
            .file("/etc/shadow", 0o640, 0, 42, shadow.as_bytes())
            .file("/etc/gshadow", 0o640, 0, 42, gshadow.as_bytes())
            .file("/etc/hostname", 0o644, 0, 0, format!("{}\n", self.hostname).as_bytes())
            .file("/etc/hosts", 0o644, 0, 0, self.hosts_file().as_bytes())
            .file("/etc/machine-id", 0o444, 0, 0, b"5f1c0e9b8a7d4c3e9f2a1b0c9d8e7f60\n")
            .dir("/home/debian", 0o755, 1000, 1000)
            .file("/home/debian/.bashrc", 0o644, 1000, 1000, file_or(b"/etc/skel/.bashrc"))
            .file("/home/debian/.profile", 0o644, 1000, 1000, file_or(b"/etc/skel/.profile"))
            .dir("/", 0o755, 0, 0)
            .dir("/root", 0o700, 0, 0)
            .dir("/root/.ssh", 0o700, 0, 0)
            .dir("/tmp", 0o1777, 0, 0)
            .dir("/var/tmp", 0o1777, 0, 0)
            .dir("/run", 0o755, 0, 0)
            .dir("/run/sshd", 0o755, 0, 0)
            .dir("/dev", 0o755, 0, 0)
            .dir("/dev/pts", 0o755, 0, 0)
            .dir("/dev/shm", 0o1777, 0, 0)
            .char_device("/dev/null", 0o666, 1, 3)
            .char_device("/dev/zero", 0o666, 1, 5)
            .char_device("/dev/full", 0o666, 1, 7)
            .char_device("/dev/random", 0o666, 1, 8)
            .char_device("/dev/urandom", 0o666, 1, 9)
            .char_device("/dev/tty", 0o666, 5, 0)
            .char_device("/dev/ptmx", 0o666, 5, 2)
            .symlink("/dev/stdin", "/proc/self/fd/0")
            .symlink("/dev/stdout", "/proc/self/fd/1")
            .symlink("/dev/stderr", "/proc/self/fd/2")
            .symlink("/dev/fd", "/proc/self/fd")
            .dir("/proc", 0o555, 0, 0)
            .dir("/sys", 0o555, 0, 0)
            .file("/proc/cpuinfo", 0o444, 0, 0, self.cpuinfo().as_bytes())
            .file("/proc/meminfo", 0o444, 0, 0, self.meminfo().as_bytes())
            .file("/proc/version", 0o444, 0, 0, self.proc_version().as_bytes())
            .file("/proc/mounts", 0o444, 0, 0, self.mounts().as_bytes())
            .file("/proc/cmdline", 0o444, 0, 0, format!("BOOT_IMAGE=/boot/vmlinuz-{KERNEL_RELEASE} root=UUID=8c1f2d3e-4b5a-4c6d-9e7f-0a1b2c3d4e5f ro quiet\n").as_bytes())
            .file("/proc/loadavg", 0o444, 0, 0, b"0.08 0.03 0.01 1/112 4821\n")
            .file("/proc/filesystems", 0o444, 0, 0, b"nodev\tsysfs\nnodev\ttmpfs\nnodev\tbdev\nnodev\tproc\nnodev\tcgroup\nnodev\tcgroup2\nnodev\tdevtmpfs\nnodev\tdebugfs\nnodev\tsecurityfs\nnodev\tsockfs\nnodev\tpipefs\nnodev\tramfs\nnodev\tdevpts\n\text3\n\text2\n\text4\nnodev\tmqueue\n")
            .dir("/proc/self", 0o555, 0, 0)
            .symlink("/proc/self/exe", "/usr/bin/bash")
            .dir("/proc/self/fd", 0o500, 0, 0)
            .file("/proc/self/mounts", 0o444, 0, 0, self.mounts().as_bytes());
    }

    fn hosts_file(&self) -> String {
        format!(
            "127.0.0.1\tlocalhost\n127.0.1.1\t{h}.localdomain\t{h}\n\n# The following lines are desirable for IPv6 capable hosts\n::1     localhost ip6-localhost ip6-loopback\nff02::1 ip6-allnodes\nff02::2 ip6-allrouters\n",
            h = self.hostname
        )
    }

    /// `/proc/version`.
    pub fn proc_version(&self) -> String {
        format!(
            "Linux version {} (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) {}\n",
            self.kernel_release, self.kernel_version
        )
    }

    /// `/proc/mounts`.
    pub fn mounts(&self) -> String {
        "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n\
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n\
udev /dev devtmpfs rw,nosuid,relatime,size=1989312k,nr_inodes=497328,mode=755,inode64 0 0\n\
devpts /dev/pts devpts rw,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=000 0 0\n\
tmpfs /run tmpfs rw,nosuid,nodev,noexec,relatime,size=402564k,mode=755,inode64 0 0\n\
/dev/vda1 / ext4 rw,relatime,discard,errors=remount-ro 0 0\n\
securityfs /sys/kernel/security securityfs rw,nosuid,nodev,noexec,relatime 0 0\n\
tmpfs /dev/shm tmpfs rw,nosuid,nodev,inode64 0 0\n\
tmpfs /run/lock tmpfs rw,nosuid,nodev,noexec,relatime,size=5120k,inode64 0 0\n\
cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate,memory_recursiveprot 0 0\n\
/dev/vda15 /boot/efi vfat rw,relatime,fmask=0022,dmask=0022,codepage=437,iocharset=ascii,shortname=mixed,utf8,errors=remount-ro 0 0\n\
tmpfs /run/user/0 tmpfs rw,nosuid,nodev,relatime,size=402560k,nr_inodes=100640,mode=700,inode64 0 0\n"
            .to_string()
    }

    /// `/proc/cpuinfo`.
    pub fn cpuinfo(&self) -> String {
        let mut s = String::new();
        for i in 0..self.cpu_count {
            s.push_str(&format!(
                "processor\t: {i}\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 85\nmodel name\t: {}\nstepping\t: 7\nmicrocode\t: 0x5003604\ncpu MHz\t\t: 2992.968\ncache size\t: 36608 KB\nphysical id\t: {i}\nsiblings\t: 1\ncore id\t\t: 0\ncpu cores\t: 1\napicid\t\t: {i}\ninitial apicid\t: {i}\nfpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: 13\nwp\t\t: yes\nflags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ss syscall nx pdpe1gb rdtscp lm constant_tsc arch_perfmon rep_good nopl xtopology cpuid tsc_known_freq pni pclmulqdq ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand hypervisor lahf_lm abm 3dnowprefetch cpuid_fault invpcid_single ssbd ibrs ibpb stibp ibrs_enhanced fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid mpx avx512f avx512dq rdseed adx smap clflushopt clwb avx512cd avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves arat pku ospke avx512_vnni md_clear arch_capabilities\nvmx flags\t: vnmi preemption_timer invvpid ept_x_only ept_ad ept_1gb flexpriority tsc_offset vtpr mtf vapic ept vpid unrestricted_guest shadow_vmcs pml\nbugs\t\t: spectre_v1 spectre_v2 spec_store_bypass swapgs taa mmio_stale_data retbleed eibrs_pbrsb gds bhi\nbogomips\t: 5985.93\nclflush size\t: 64\ncache_alignment\t: 64\naddress sizes\t: 46 bits physical, 48 bits virtual\npower management:\n\n",
                self.cpu_model
            ));
        }
        s
    }

    /// `/proc/meminfo` (the first lines `free` and bots read).
    pub fn meminfo(&self) -> String {
        let t = self.mem_total_kb;
        let free = t * 41 / 100;
        let avail = t * 78 / 100;
        let cached = t * 31 / 100;
        format!(
            "MemTotal:       {t:>8} kB\nMemFree:        {free:>8} kB\nMemAvailable:   {avail:>8} kB\nBuffers:        {b:>8} kB\nCached:         {cached:>8} kB\nSwapCached:            0 kB\nActive:         {act:>8} kB\nInactive:       {inact:>8} kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\nDirty:                48 kB\nShmem:              1204 kB\nSReclaimable:     {sr:>6} kB\nHugePages_Total:       0\nHugepagesize:       2048 kB\n",
            b = t / 50,
            act = t * 22 / 100,
            inact = t * 27 / 100,
            sr = t / 40,
        )
    }

    /// A fresh session filesystem over the shared base.
    pub fn new_fs(&self) -> Fs {
        Fs::new(Arc::clone(&self.base), self.fs_limits)
    }

    /// An account by name.
    pub fn user(&self, name: &str) -> Option<&User> {
        self.users.iter().find(|u| u.name == name)
    }

    /// An account by uid.
    pub fn user_by_uid(&self, uid: u32) -> Option<&User> {
        self.users.iter().find(|u| u.uid == uid)
    }

    /// A group by gid.
    pub fn group_by_gid(&self, gid: u32) -> Option<&Group> {
        self.groups.iter().find(|g| g.gid == gid)
    }

    /// The groups a user belongs to: primary first, then supplementary, as `id` lists them.
    pub fn groups_of(&self, user: &User) -> Vec<&Group> {
        let mut out: Vec<&Group> = self.group_by_gid(user.gid).into_iter().collect();
        for g in &self.groups {
            if g.gid != user.gid && g.members.iter().any(|m| m == &user.name) {
                out.push(g);
            }
        }
        out
    }
}

fn file_or(path: &[u8]) -> &'static [u8] {
    let p = String::from_utf8_lossy(path);
    embedded::FILES
        .iter()
        .find(|(f, _)| *f == p)
        .map(|(_, b)| *b)
        .unwrap_or(b"")
}

/// Parses `/etc/passwd` text; malformed lines are skipped.
pub fn parse_passwd(text: &str) -> Vec<User> {
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            if f.len() != 7 {
                return None;
            }
            Some(User {
                name: f.first()?.to_string(),
                uid: f.get(2)?.parse().ok()?,
                gid: f.get(3)?.parse().ok()?,
                gecos: f.get(4)?.to_string(),
                home: f.get(5)?.to_string(),
                shell: f.get(6)?.to_string(),
            })
        })
        .collect()
}

/// Parses `/etc/group` text; malformed lines are skipped.
pub fn parse_group(text: &str) -> Vec<Group> {
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            if f.len() != 4 {
                return None;
            }
            Some(Group {
                name: f.first()?.to_string(),
                gid: f.get(2)?.parse().ok()?,
                members: f
                    .get(3)?
                    .split(',')
                    .filter(|m| !m.is_empty())
                    .map(str::to_string)
                    .collect(),
            })
        })
        .collect()
}

fn parse_packages(text: &str) -> Vec<Package> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| {
            let mut f = l.splitn(4, '\t');
            Some(Package {
                name: f.next()?.to_string(),
                version: f.next()?.to_string(),
                arch: f.next()?.to_string(),
                description: f.next().unwrap_or("").to_string(),
            })
        })
        .collect()
}

fn default_processes() -> Vec<Process> {
    let p = |pid: u32,
             ppid: u32,
             user: &str,
             vsz: u64,
             rss: u64,
             stat: &str,
             start: i64,
             cpu: u64,
             cmd: &str| Process {
        pid,
        ppid,
        user: user.into(),
        rss_kb: rss,
        vsz_kb: vsz,
        stat: stat.into(),
        start_after_boot: start,
        cpu_secs: cpu,
        cmd: cmd.into(),
    };
    vec![
        p(1, 0, "root", 167_780, 12_964, "Ss", 0, 41, "/sbin/init"),
        p(2, 0, "root", 0, 0, "S", 0, 0, "[kthreadd]"),
        p(3, 2, "root", 0, 0, "I<", 0, 0, "[rcu_gp]"),
        p(4, 2, "root", 0, 0, "I<", 0, 0, "[rcu_par_gp]"),
        p(5, 2, "root", 0, 0, "I<", 0, 0, "[slub_flushwq]"),
        p(6, 2, "root", 0, 0, "I<", 0, 0, "[netns]"),
        p(10, 2, "root", 0, 0, "I<", 0, 0, "[mm_percpu_wq]"),
        p(11, 2, "root", 0, 0, "I", 0, 0, "[rcu_tasks_kthread]"),
        p(14, 2, "root", 0, 0, "S", 0, 3, "[ksoftirqd/0]"),
        p(15, 2, "root", 0, 0, "I", 0, 12, "[rcu_preempt]"),
        p(16, 2, "root", 0, 0, "S", 0, 0, "[migration/0]"),
        p(18, 2, "root", 0, 0, "S", 0, 0, "[cpuhp/0]"),
        p(19, 2, "root", 0, 0, "S", 0, 0, "[cpuhp/1]"),
        p(20, 2, "root", 0, 0, "S", 0, 0, "[migration/1]"),
        p(21, 2, "root", 0, 0, "S", 0, 2, "[ksoftirqd/1]"),
        p(24, 2, "root", 0, 0, "S", 0, 0, "[kdevtmpfs]"),
        p(27, 2, "root", 0, 0, "S", 0, 0, "[khungtaskd]"),
        p(28, 2, "root", 0, 0, "S", 0, 0, "[oom_reaper]"),
        p(30, 2, "root", 0, 0, "S", 0, 1, "[kcompactd0]"),
        p(31, 2, "root", 0, 0, "SN", 0, 0, "[ksmd]"),
        p(32, 2, "root", 0, 0, "SN", 0, 0, "[khugepaged]"),
        p(68, 2, "root", 0, 0, "S", 1, 0, "[kswapd0]"),
        p(182, 2, "root", 0, 0, "S", 2, 4, "[jbd2/vda1-8]"),
        p(
            221,
            1,
            "root",
            48_268,
            15_412,
            "Ss",
            3,
            9,
            "/lib/systemd/systemd-journald",
        ),
        p(
            248,
            1,
            "root",
            25_784,
            6_236,
            "Ss",
            3,
            1,
            "/lib/systemd/systemd-udevd",
        ),
        p(
            402,
            1,
            "systemd+",
            90_172,
            6_628,
            "Ssl",
            4,
            0,
            "/lib/systemd/systemd-timesyncd",
        ),
        p(
            445,
            1,
            "root",
            6_612,
            2_680,
            "Ss",
            5,
            0,
            "/usr/sbin/cron -f",
        ),
        p(
            447,
            1,
            "root",
            222_352,
            4_940,
            "Ssl",
            5,
            2,
            "/usr/sbin/rsyslogd -n -iNONE",
        ),
        p(
            450,
            1,
            "root",
            16_916,
            7_896,
            "Ss",
            5,
            1,
            "/lib/systemd/systemd-logind",
        ),
        p(
            471,
            1,
            "root",
            5_876,
            1_040,
            "Ss+",
            5,
            0,
            "/sbin/agetty -o -p -- \\u --noclear - linux",
        ),
        p(
            472,
            1,
            "root",
            15_432,
            9_052,
            "Ss",
            5,
            3,
            "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debian12_has_its_core_files() {
        let p = Persona::debian12();
        let fs = p.new_fs();
        assert!(
            fs.stat("/", "/").unwrap().mtime > 1_000_000_000,
            "/ has a real time"
        );
        for path in [
            "/etc/passwd",
            "/etc/shadow",
            "/proc/cpuinfo",
            "/dev/null",
            "/root",
            "/tmp",
        ] {
            assert!(fs.exists("/", path), "{path} missing");
        }
        assert!(p.user("root").is_some());
        assert_eq!(p.user("debian").map(|u| u.uid), Some(1000));
        assert!(p.cpuinfo().contains("model name"));
    }

    #[test]
    fn parsers_skip_garbage() {
        assert_eq!(
            parse_passwd("bad\nroot:x:0:0:root:/root:/bin/bash\nx:y:z\n").len(),
            1
        );
        assert_eq!(parse_group("root:x:0:\nbad\nsudo:x:27:a,b\n").len(), 2);
    }
}
