//! Acceptances: real Debian 12 outputs and files pass unchanged (modulo line endings), with
//! earlier commands given for the replay rule, and the paths they show are found.

use super::*;

/// (command, output); an empty command means a file's content.
const GOOD: &[(&str, &str)] = &[
    (
        "lsof -i",
        "COMMAND   PID     USER   FD   TYPE DEVICE SIZE/OFF NODE NAME\nsshd      612     root    3u  IPv4  17419      0t0  TCP *:ssh (LISTEN)\nnginx     845     root    6u  IPv4  18211      0t0  TCP *:http (LISTEN)\n",
    ),
    (
        "uptime",
        " 14:02:11 up 12 days,  3:41,  1 user,  load average: 0.08, 0.03, 0.01\n",
    ),
    (
        "ip -br a",
        "lo               UNKNOWN        127.0.0.1/8 ::1/128 \neth0             UP             10.0.2.15/24 fe80::a00:27ff:fe4e:66a1/64 \n",
    ),
    (
        "systemctl status nginx",
        "\u{25cf} nginx.service - A high performance web server and a reverse proxy server\n     Loaded: loaded (/lib/systemd/system/nginx.service; enabled; preset: enabled)\n     Active: active (running) since Mon 2024-03-04 09:12:01 UTC; 2 days ago\n       Docs: man:nginx(8)\n   Main PID: 845 (nginx)\n      Tasks: 3 (limit: 2301)\n     Memory: 4.1M\n        CPU: 1.203s\n     CGroup: /system.slice/nginx.service\n             \u{251c}\u{2500}845 \"nginx: master process /usr/sbin/nginx -g daemon on; master_process on;\"\n             \u{2514}\u{2500}846 \"nginx: worker process\"\n",
    ),
    ("nginx -v", "nginx version: nginx/1.22.1\n"),
    (
        "",
        "user www-data;\nworker_processes auto;\npid /run/nginx.pid;\n\nhttp {\n\tsendfile on;\n\t##\n\t# Gzip Settings\n\t##\n\n\tgzip on;\n\n\t# gzip_vary on;\n\t# Note: You should disable gzip for SSL traffic.\n\t# See: https://bugs.debian.org/773332\n\tinclude /etc/nginx/conf.d/*.conf;\n}\n",
    ),
    (
        "dpkg -s nginx",
        "Package: nginx\nStatus: install ok installed\nPriority: optional\nSection: httpd\nInstalled-Size: 1210\nMaintainer: Debian Nginx Maintainers <pkg-nginx-maintainers@alioth-lists.debian.net>\nArchitecture: amd64\nVersion: 1.22.1-9\nDepends: nginx-common (= 1.22.1-9), libc6 (>= 2.34), libcrypt1 (>= 1:4.1.0), libpcre2-8-0 (>= 10.22), libssl3 (>= 3.0.0), zlib1g (>= 1:1.1.4)\nDescription: small, powerful, scalable web/proxy server\n Nginx (\"engine X\") is a high-performance web and reverse proxy server\n created by Igor Sysoev. It can be used both as a standalone web server\n and as a proxy to reduce the load on back-end HTTP or mail servers.\nHomepage: https://nginx.org\n",
    ),
    (
        "ps -o pid,cmd -C assistant-server",
        "    PID CMD\n   1021 /opt/assistant/bin/assistant-server --config /etc/assistant/config.yml\n",
    ),
    (
        "uname -a",
        "Linux web-01 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01) x86_64 GNU/Linux\n",
    ),
    (
        "df -h",
        "Filesystem      Size  Used Avail Use% Mounted on\nudev            965M     0  965M   0% /dev\ntmpfs           197M  604K  197M   1% /run\n/dev/sda1        20G  3.1G   16G  17% /\ntmpfs           984M     0  984M   0% /dev/shm\n",
    ),
    (
        "free -h",
        "               total        used        free      shared  buff/cache   available\nMem:           1.9Gi       412Mi       1.1Gi       2.0Mi       573Mi       1.5Gi\nSwap:          975Mi          0B       975Mi\n",
    ),
    (
        "crontab -l",
        "# Edit this file to introduce tasks to be run by cron.\n#\n# Each task to run has to be defined through a single line\n# indicating with different fields when the task will be run\n# and what command to run for the task\n#\n# Notice that tasks will be started based on the cron's system\n# daemon's notion of time and timezones.\n#\n# For example, you can run a backup of all your user accounts\n# at 5 a.m every week with:\n# 0 5 * * 1 tar -zcf /var/backups/home.tgz /home/\n#\n# m h  dom mon dow   command\n",
    ),
    (
        "",
        "# This is the sshd server system-wide configuration file.  See\n# sshd_config(5) for more information.\n\nInclude /etc/ssh/sshd_config.d/*.conf\n\n#PermitRootLogin prohibit-password\nKbdInteractiveAuthentication no\nUsePAM yes\nX11Forwarding yes\nPrintMotd no\nAcceptEnv LANG LC_*\nSubsystem\tsftp\t/usr/lib/openssh/sftp-server\n",
    ),
    (
        "gcc --version",
        "gcc (Debian 12.2.0-14) 12.2.0\nCopyright (C) 2022 Free Software Foundation, Inc.\nThis is free software; see the source for copying conditions.  There is NO\nwarranty; not even for MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.\n\n",
    ),
    ("python3 --version", "Python 3.11.2\n"),
    (
        "openssl version",
        "OpenSSL 3.0.11 19 Sep 2023 (Library: OpenSSL 3.0.11 19 Sep 2023)\n",
    ),
    (
        "lscpu",
        "Architecture:            x86_64\n  CPU op-mode(s):        32-bit, 64-bit\n  Address sizes:         39 bits physical, 48 bits virtual\n  Byte Order:            Little Endian\nCPU(s):                  2\n  On-line CPU(s) list:   0,1\nVendor ID:               GenuineIntel\n  Model name:            Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz\n",
    ),
    (
        "ss -tlnp",
        "State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\nLISTEN 0      511          0.0.0.0:80        0.0.0.0:*    users:((\"nginx\",pid=846,fd=6),(\"nginx\",pid=845,fd=6))\nLISTEN 0      128          0.0.0.0:22        0.0.0.0:*    users:((\"sshd\",pid=612,fd=3))\n",
    ),
    (
        "docker ps",
        "CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n",
    ),
    (
        "mysql --version",
        "mysql  Ver 15.1 Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64) using  EditLine wrapper\n",
    ),
    (
        "",
        "APP_ENV=production\nDB_HOST=127.0.0.1\nDB_PASSWORD=Summer2023!\nOPENAI_API_KEY=sk-proj-3f9a1c0b7e2d4f6a8b9c0d1e2f3a4b5c\n",
    ),
    (
        "",
        "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\nHOME_URL=\"https://www.debian.org/\"\nSUPPORT_URL=\"https://www.debian.org/support\"\nBUG_REPORT_URL=\"https://bugs.debian.org/\"\n",
    ),
    (
        "last -n 2",
        "root     pts/0        203.0.113.7      Mon Mar  4 09:12   still logged in\nroot     pts/0        203.0.113.7      Sun Mar  3 18:40 - 19:02  (00:22)\n\nwtmp begins Fri Mar  1 10:00:01 2024\n",
    ),
    (
        "getent passwd www-data",
        "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n",
    ),
    (
        "sudo -l",
        "Matching Defaults entries for root on web-01:\n    env_reset, mail_badpass, secure_path=/usr/local/sbin\\:/usr/local/bin\\:/usr/sbin\\:/usr/bin\\:/sbin\\:/bin, use_pty\n\nUser root may run the following commands on web-01:\n    (ALL : ALL) ALL\n",
    ),
    (
        "lsb_release -a",
        "No LSB modules are available.\nDistributor ID:\tDebian\nDescription:\tDebian GNU/Linux 12 (bookworm)\nRelease:\t12\nCodename:\tbookworm\n",
    ),
    (
        "",
        "# deploy-tool\n\nSmall helper to ship the site.\n\nNote: run it as root, it writes to /var/www.\n\n```sh\n./deploy.sh --prod\n```\n\nSee CHANGELOG for details.\n",
    ),
    ("git check-ignore -v x", "**/node_modules/**\n*.log\n"),
    (
        "hostnamectl",
        " Static hostname: web-01\n       Icon name: computer-vm\n         Chassis: vm \u{1f5b4}\n      Machine ID: 6c0f4f7d3b8a4e2c9d1e0f2a3b4c5d6e\n         Boot ID: 0a1b2c3d4e5f60718293a4b5c6d7e8f9\n  Virtualization: kvm\nOperating System: Debian GNU/Linux 12 (bookworm)\n          Kernel: Linux 6.1.0-18-amd64\n    Architecture: x86-64\n",
    ),
    (
        "apt list --installed nginx",
        "Listing... Done\nnginx/stable,now 1.22.1-9 amd64 [installed]\n",
    ),
    (
        "w",
        " 14:05:33 up 12 days,  3:44,  1 user,  load average: 0.00, 0.01, 0.00\nUSER     TTY      FROM             LOGIN@   IDLE   JCPU   PCPU WHAT\nroot     pts/0    203.0.113.7      09:12    0.00s  0.04s  0.00s w\n",
    ),
    (
        "ssh -V",
        "OpenSSH_9.2p1 Debian-2+deb12u2, OpenSSL 3.0.11 19 Sep 2023\n",
    ),
    (
        "wifi-status",
        "wlan0: wifi cannot be enabled: rfkill is active\n",
    ),
    (
        "bash ./x",
        "bash: ./x: cannot execute binary file: Exec format error\n",
    ),
    (
        "curl -sI http://localhost",
        "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Wed, 06 Mar 2024 14:05:33 GMT\r\nContent-Type: text/html\r\nContent-Length: 615\r\n\r\n",
    ),
    (
        "pip3 list",
        "Package    Version\n---------- -------\nopenai     1.13.3\nrequests   2.28.1\n",
    ),
    (
        "lsns",
        "        NS TYPE   NPROCS   PID USER             COMMAND\n4026531834 time      98     1 root             /sbin/init\n4026531835 cgroup    98     1 root             /sbin/init\n4026531836 pid       98     1 root             /sbin/init\n4026531837 user      98     1 root             /sbin/init\n4026531838 uts       95     1 root             /sbin/init\n4026531839 ipc       98     1 root             /sbin/init\n4026531840 net       98     1 root             /sbin/init\n4026531841 mnt       91     1 root             /sbin/init\n4026532211 mnt        1   402 root             \u{2514}\u{2500}/lib/systemd/systemd-udevd\n4026532212 uts        1   402 root             \u{2514}\u{2500}/lib/systemd/systemd-udevd\n4026532213 mnt        1   587 systemd-timesync /lib/systemd/systemd-timesyncd\n4026532214 uts        1   587 systemd-timesync /lib/systemd/systemd-timesyncd\n",
    ),
    (
        "timedatectl",
        "               Local time: Wed 2024-03-06 14:05:33 UTC\n           Universal time: Wed 2024-03-06 14:05:33 UTC\n                 RTC time: Wed 2024-03-06 14:05:33\n                Time zone: Etc/UTC (UTC, +0000)\nSystem clock synchronized: yes\n              NTP service: active\n          RTC in local TZ: no\n",
    ),
    (
        "loginctl",
        "SESSION  UID USER SEAT TTY\n      3    0 root      pts/0\n\n1 sessions listed.\n",
    ),
    (
        "namei /etc/passwd",
        "f: /etc/passwd\n d /\n d etc\n - passwd\n",
    ),
    (
        "fuser -v /",
        "                     USER        PID ACCESS COMMAND\n/:                   root     kernel mount /\n                     root          1 .rc.. systemd\n                     root          2 .rc.. kthreadd\n                     root          3 .rc.. rcu_gp\n                     root          4 .rc.. rcu_par_gp\n                     root          5 .rc.. slub_flushwq\n                     root          6 .rc.. netns\n                     root          8 .rc.. kworker/0:0H-events_highpri\n                     root         10 .rc.. mm_percpu_wq\n                     root         11 .rc.. rcu_tasks_kthread\n                     root         12 .rc.. rcu_tasks_rude_kthread\n                     root         13 .rc.. rcu_tasks_trace_kthread\n                     root         14 .rc.. ksoftirqd/0\n",
    ),
    (
        "systemd-analyze",
        "Startup finished in 2.261s (kernel) + 5.713s (userspace) = 7.975s \ngraphical.target reached after 5.694s in userspace.\n",
    ),
    (
        "lsof -i -n",
        "COMMAND   PID     USER   FD   TYPE DEVICE SIZE/OFF NODE NAME\nsystemd     1     root   48u  IPv4  15020      0t0  TCP *:ssh (LISTEN)\nsshd      612     root    3u  IPv4  17419      0t0  TCP *:ssh (LISTEN)\nsshd      612     root    4u  IPv6  17421      0t0  TCP *:ssh (LISTEN)\nnginx     845     root    6u  IPv4  18211      0t0  TCP *:http (LISTEN)\nnginx     845     root    7u  IPv6  18212      0t0  TCP *:http (LISTEN)\nnginx     846 www-data    6u  IPv4  18211      0t0  TCP *:http (LISTEN)\nnginx     846 www-data    7u  IPv6  18212      0t0  TCP *:http (LISTEN)\nnginx     847 www-data    6u  IPv4  18211      0t0  TCP *:http (LISTEN)\nnginx     847 www-data    7u  IPv6  18212      0t0  TCP *:http (LISTEN)\nexim4     903 Debian-exim    4u  IPv4  19001      0t0  TCP 127.0.0.1:smtp (LISTEN)\nexim4     903 Debian-exim    5u  IPv6  19002      0t0  TCP [::1]:smtp (LISTEN)\nsshd     2210     root    4u  IPv4  41230      0t0  TCP 10.0.2.15:ssh->203.0.113.7:52344 (ESTABLISHED)\nsshd     2231     root    4u  IPv4  41299      0t0  TCP 10.0.2.15:ssh->203.0.113.7:52360 (ESTABLISHED)\n",
    ),
    (
        "dmesg",
        "[    0.000000] Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)\n[    0.000000] Command line: BOOT_IMAGE=/boot/vmlinuz-6.1.0-18-amd64 root=UUID=3f1c2b9e-5d2a-4c1e-9b7a-0e6f4d2c8a11 ro quiet\n[    0.000000] BIOS-provided physical RAM map:\n[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n[    0.000000] BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved\n[    0.000000] BIOS-e820: [mem 0x00000000000f0000-0x00000000000fffff] reserved\n[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x000000007ffdffff] usable\n[    0.000000] BIOS-e820: [mem 0x000000007ffe0000-0x000000007fffffff] reserved\n[    0.000000] NX (Execute Disable) protection: active\n[    0.000000] SMBIOS 2.8 present.\n[    0.000000] DMI: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014\n[    0.000000] Hypervisor detected: KVM\n[    0.000000] kvm-clock: Using msrs 4b564d01 and 4b564d00\n[    1.512210] EXT4-fs (sda1): mounted filesystem with ordered data mode. Quota mode: none.\n[    2.001337] systemd[1]: systemd 252.22-1~deb12u1 running in system mode\n",
    ),
    (
        "",
        "# Network services, Internet style\n#\n# Updated from https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.xhtml .\n#\n# New ports will be added on request if they have been officially assigned\n# by IANA and used in the real-world or are needed by a debian package.\n# If you need a huge list of used numbers please install the nmap package.\n\ntcpmux\t\t1/tcp\t\t\t\t# TCP port service multiplexer\necho\t\t7/tcp\necho\t\t7/udp\ndiscard\t\t9/tcp\t\tsink null\ndiscard\t\t9/udp\t\tsink null\nsystat\t\t11/tcp\t\tusers\ndaytime\t\t13/tcp\ndaytime\t\t13/udp\nnetstat\t\t15/tcp\nqotd\t\t17/tcp\t\tquote\nchargen\t\t19/tcp\t\tttytst source\nchargen\t\t19/udp\t\tttytst source\nftp-data\t20/tcp\nftp\t\t21/tcp\nfsp\t\t21/udp\t\tfspd\nssh\t\t22/tcp\t\t\t\t# SSH Remote Login Protocol\ntelnet\t\t23/tcp\nsmtp\t\t25/tcp\t\tmail\ntime\t\t37/tcp\t\ttimserver\ntime\t\t37/udp\t\ttimserver\nwhois\t\t43/tcp\t\tnicname\n",
    ),
    (
        "ps aux",
        "USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\nroot           1  0.0  0.6 167744 12104 ?        Ss   Mar04   0:03 /sbin/init\nroot           2  0.0  0.0      0     0 ?        S    Mar04   0:00 [kthreadd]\nroot           3  0.0  0.0      0     0 ?        I<   Mar04   0:00 [rcu_gp]\nroot           4  0.0  0.0      0     0 ?        I<   Mar04   0:00 [rcu_par_gp]\nroot           5  0.0  0.0      0     0 ?        I<   Mar04   0:00 [slub_flushwq]\nroot           6  0.0  0.0      0     0 ?        I<   Mar04   0:00 [netns]\nroot          10  0.0  0.0      0     0 ?        I<   Mar04   0:00 [mm_percpu_wq]\nroot          11  0.0  0.0      0     0 ?        I    Mar04   0:00 [rcu_tasks_kthread]\nroot          14  0.0  0.0      0     0 ?        S    Mar04   0:01 [ksoftirqd/0]\nroot          15  0.0  0.0      0     0 ?        I    Mar04   0:12 [rcu_preempt]\nroot         612  0.0  0.4  15432  9012 ?        Ss   Mar04   0:00 sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups\nroot         845  0.0  0.1  10356  1612 ?        Ss   Mar04   0:00 nginx: master process /usr/sbin/nginx -g daemon on; master_process on;\nwww-data     846  0.0  0.3  11012  6144 ?        S    Mar04   0:04 nginx: worker process\nwww-data     847  0.0  0.3  11012  6144 ?        S    Mar04   0:04 nginx: worker process\n",
    ),
    (
        "",
        "/var/log/nginx/*.log {\n\tdaily\n\tmissingok\n\trotate 14\n\tcompress\n\tdelaycompress\n\tnotifempty\n\tcreate 0640 www-data adm\n\tsharedscripts\n\tprerotate\n\t\tif [ -d /etc/logrotate.d/httpd-prerotate ]; then \\\n\t\t\trun-parts /etc/logrotate.d/httpd-prerotate; \\\n\t\tfi \\\n\tendscript\n\tpostrotate\n\t\tinvoke-rc.d nginx rotate >/dev/null 2>&1\n\tendscript\n}\n",
    ),
    (
        "",
        "Document: nano\nTitle: The GNU nano editor\nAuthor: Chris Allegretta, Benno Schulenberg and others\nAbstract: This manual documents GNU nano, a small and friendly text\n editor that aims to be easy to use.\nSection: Editors\n\nFormat: HTML\nIndex: /usr/share/doc/nano/nano.html\nFiles: /usr/share/doc/nano/nano.html\n",
    ),
    (
        "history",
        "    1  uname -a\n    2  id\n    3  cd /var/www\n    4  ls\n    5  history\n",
    ),
    (
        "tail -n 3 /root/.bash_history",
        "cd /var/www\nsudo systemctl reload nginx\nls -la\n",
    ),
];

#[test]
fn good_answers_pass_unchanged() {
    let v = Validator::new();
    let persona = crate::prompt::PromptContext {
        hostname: "web-01".into(),
        os: "Debian GNU/Linux 12 (bookworm)".into(),
        user: "root".into(),
        ..Default::default()
    };
    let markers = crate::prompt::echo_markers(&persona);
    // Earlier commands a replay would repeat: real output does not look like a replay.
    let recent: Vec<String> = ["uname -a", "id", "cd /var/www", "ls", "sudo -l"]
        .iter()
        .map(|c| (*c).to_owned())
        .collect();
    let mut failures = Vec::new();
    for (command, text) in GOOD {
        let ctx = CheckCtx {
            command,
            echo_markers: &markers,
            file: command.is_empty(),
            recent: &recent,
            ..CheckCtx::default()
        };
        match v.check(text, &ctx) {
            Ok(c) if c.text == to_pty(text) => {}
            Ok(c) => failures.push(format!("{command:?}: changed to {:?}", c.text)),
            Err(r) => failures.push(format!("{command:?}: rejected: {r}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(GOOD.len() >= 50);
}

#[test]
fn to_pty_normalises_line_endings() {
    assert_eq!(to_pty(""), "");
    assert_eq!(to_pty("\n\n \n"), "");
    assert_eq!(to_pty("a"), "a\n");
    assert_eq!(to_pty("a\r\nb\rc\n"), "a\nb\nc\n");
    assert_eq!(to_pty("a  \n\n\t\n"), "a  \n");
    assert_eq!(to_pty("\n\na\n"), "\n\na\n");
    assert_eq!(to_pty("a\n\nb"), "a\n\nb\n");
}

#[test]
fn shown_paths_finds_present_paths() {
    let cases: &[(&str, &[&str])] = &[
        (
            "     Loaded: loaded (/lib/systemd/system/nginx.service; enabled; preset: enabled)",
            &["/lib/systemd/system/nginx.service"],
        ),
        (
            "ls: cannot access '/root/x': No such file or directory",
            &[],
        ),
        (
            "nginx: [emerg] open() \"/etc/nginx/x.conf\" failed (2: No such file or directory)",
            &[],
        ),
        ("grep: /etc/foo: does not exist", &[]),
        (
            "see http://example.com/foo/bar and /etc/nginx/nginx.conf.",
            &["/etc/nginx/nginx.conf"],
        ),
        (
            "PATH=/usr/local/bin:/usr/bin:/bin",
            &["/usr/local/bin", "/usr/bin", "/bin"],
        ),
        (
            "/proc/cpuinfo /tmp/x /dev/sda1 /run/sshd.pid /sys/class /procfs/x",
            &["/procfs/x"],
        ),
        (
            "/etc/passwd:root:x:0:0:root:/root:/bin/bash",
            &["/etc/passwd", "/root", "/bin/bash"],
        ),
        (
            "~/x and ${HOME}/y and 1/2 and / and // and host:/srv/z",
            &[],
        ),
        ("# comment about /etc/foo", &[]),
        ("#!/bin/bash", &["/bin/bash"]),
        ("     CGroup: /system.slice/nginx.service", &[]),
        (
            "log: '/var/log/nginx/access.log', dir /etc/nginx/ (x=/opt/app)",
            &["/var/log/nginx/access.log", "/etc/nginx", "/opt/app"],
        ),
        (
            "ExecStart=/usr/sbin/nginx -g 'daemon on;'",
            &["/usr/sbin/nginx"],
        ),
        (
            "/usr/bin/python3 /usr/bin/python3 /usr/bin/python3.11",
            &["/usr/bin/python3", "/usr/bin/python3.11"],
        ),
        (
            "drwxr-xr-x 2 root root 4096 Mar  4 09:12 /var/www/html",
            &["/var/www/html"],
        ),
        (
            "user@host /home/user/.ssh/id_ed25519.pub \u{00e9}/x",
            &["/home/user/.ssh/id_ed25519.pub"],
        ),
    ];
    for (text, want) in cases {
        assert_eq!(
            shown_paths(text),
            want.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>(),
            "{text:?}"
        );
    }
    let many: String = (0..40).map(|i| format!("/srv/f{i}\n")).collect();
    let got = shown_paths(&many);
    assert_eq!(got.len(), 32);
    assert_eq!(got.first().map(String::as_str), Some("/srv/f0"));
}
