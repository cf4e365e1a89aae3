//! The shape rules (`validate/shape.rs`) on real answers of SmolLM2-135M-Instruct that the
//! phrase rules let through, and on real output that must still pass.

use super::*;
use crate::prompt::{self, Exchange, PromptContext};

/// The persona of `tests/real_model.rs`, which produced the answers below.
fn persona() -> PromptContext {
    PromptContext {
        hostname: "web-prod-02".into(),
        os: "Debian GNU/Linux 12 (bookworm)".into(),
        kernel: "6.1.0-28-amd64".into(),
        arch: "x86_64".into(),
        user: "root".into(),
        home: "/root".into(),
        cwd: "/root".into(),
        recent: vec![
            Exchange {
                command: "uname -a".into(),
                output: "Linux web-prod-02 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22) x86_64 GNU/Linux\n".into(),
            },
            Exchange {
                command: "id".into(),
                output: "uid=0(root) gid=0(root) groups=0(root)\n".into(),
            },
        ],
        ..Default::default()
    }
}

/// The verdict's reason, or `ok`, for `raw` asked as `command` (a file when empty), with the
/// persona's markers and earlier commands.
fn verdict(command: &str, raw: &str) -> &'static str {
    let p = persona();
    let markers = prompt::echo_markers(&p);
    let recent = prompt::recent_commands(&p);
    let ctx = CheckCtx {
        command,
        echo_markers: &markers,
        file: command.is_empty(),
        recent: &recent,
        ..CheckCtx::default()
    };
    match Validator::new().check(raw, &ctx) {
        Ok(_) => "ok",
        Err(r) => r.reason(),
    }
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_owned).collect()
}

/// (command or "" for a file, raw answer, reason). In the first run, eleven were accepted
/// before the shape rules (all but `pmap`, `findmnt`, `hostnamectl`, `networkctl`, `lsipc`,
/// `localectl`, `iconv`); the rest were already rejected and stay so.
const REAL_GARBAGE: &[(&str, &str, &str)] = &[
    (
        "pmap 1",
        "# /proc/sys/kernel/pmap -a\nroot=0x2f84c3d1\n```",
        "markup",
    ),
    ("findmnt", "sudo rm -R *\n```", "markup"),
    (
        "lsns",
        "lsns\n# ls -l /var/log/xz.1234567890-vbcrfkjhgwcqmccnacdnaa-sdfiabcdrbcaaa-rbaa-tbbcbbcda-yahoo\n# ls -l /var/log/xz.1234567890-vbcrfkjhgwcqmccnacdnaa-sdfiabcdrbcaaa-rbaa-tbbcbbcda-yahoo\n# ls -l /var/log/xz.1234567890-vbcrfkjhgwcqmccnacdnaa-sdfiabcdrbcaaa-rbaa-tbbcbbcda-yahoo\n# ls -l /var/log/xz.1234567890-vbcrfkjhgwcqmccnacdnaa-sdfiabcdrbcaaa-rbaa-tbbcbbcda-yahoo\n# ls -l /var/log/xz.1234567890-vbcrfkjhgwcqmccnacdnaa-sdfiabcdrbcaaa-rbaa-tbbcbbcda-yahoo\n# ls -l /var/log/xz.1234567890-vbcrfkjhgwcqmccnacdnaa-sdfiabcdrbcaaa-rbaa-tbbcbbcda-yahoo\n# ls -l /var/log/xz.1234567890-vbcrfkjhgwcqmccnacdnaa-sdfiabcdrbcaaa-rbaa-tbbcbbcda-yahoo\n# ls -l /var/log/xz.1234567890-vbcrfkjhgwcqmccnacdnaa-sdfiabcdrbcaaa-rbaa",
        "command_echo",
    ),
    (
        "lsipc",
        "sudo lsipc\n# sudo lsofath -l /dev/sda1 (to list files)\n```",
        "markup",
    ),
    (
        "slabtop -o",
        "slabtop -o\n# suse-lithium-2.0.14 (LTS) 3.6.7.8 (Debian GNU/Linux 20.04.0-59A) x86_64 GNU/Linux\n# id\nuid=0(root) gid=0(root) groups=0(root)\n<ID>s:13.0.7.1 (LTS) 3.2.1.0-SNAPSHOT-Debian-5.4.8-6 (Debian GNU/Linux 20.04.0-59A) x86_64 GNU/Linux\n# id\nuid=0(root) gid=0(root) groups=0(root)\n<ID>s:13.0.7.1 (LTS) 3.2.1.0-SNAPSHOT-Debian-5.4.8-6 (Debbian 5.4.8-6) x86_64 GNU/Linux\n# id\nuid=0(root) gid=0(root) groups=0(root)\n<ID>s:13.0.7.1 (LTS) 3.2.1.0-SNAPSHOT-Debian-5.4.8-6 (Debbian 5.4.8-6) x86_64 GNU/Linux\n# id\nuid=0(root) gid=0(root) groups=0(root)\n<ID>s:13.0.7.1 (LTS) 3.2.1.0-SNAPSHOT-Debian-5.4.8-6 (Debbian 5.4.8-6) x86_64 GNU/Linux\n# id\nuid=0(root) gid=0(root) groups=0(root)\n<ID>s:13.0.7.1 (LTS) 3.2.1.0-SNAPSHOT-Debian-5.4.8-6 (Debbian 5.4.8-6) x86_64 GNU/Linux\n# id\nuid=0(root)",
        "replay",
    ),
    (
        "systemd-analyze",
        "systemd-analyze\nSystem.net.sockets: 1024 bytes used\nSystem.Net.Sockets: 368 bytes used\nSystem.Net.Sockets: 579 bytes used\nSystem.Net.Sockets: 368 bytes used\nSystem.NetworkServiceClient: 1024 bytes used\nSystem.NullReferenceException: 1024 bytes used\nSystem.Runtime.InteropServices.WindowsNativeExceptions: 1024 bytes used\nSystem.Runtime.InteropServices.WindowsNativeExceptions: 368 bytes used\nSystem.Net.Sockets: 579 bytes used\nSystem.net.NullReferenceException: 1024 bytes used\nSystem.Runtime.Serialization.BinaryException: 1024 bytes used\nSystem.Runtime.InteropServices.WindowsNativeExceptions: 368 bytes used\nSystem.Net.Sockets: 579 bytes used\nSystem.net.NullReferenceException: 1024 bytes used\nSystem.Runtime.Serialization.BinaryException: 1024 bytes used\nSystem.Runtime.InteropServices.WindowsNativeExceptions: 368 bytes used\nSystem.Net.Sockets: 579 bytes used\nSystem.net.NullReferenceException: 1024 bytes used\nSystem.Runtime.Serialization.BinaryException: 1024 bytes used\nSystem.Runtime.InteropServices.WindowsNativeExceptions: 368 bytes used\nSystem.Net.Sockets: 579 bytes used\nSystem.net.NullReferenceException: 1024 bytes used\nSystem.Runtime.Serialization.BinaryException: 1024 bytes used\nSystem.Runtime.InteropServices.WindowsNativeExceptions: 368 bytes used\nSystem.Net.Sockets: 579 bytes used\nSystem.net.NullReferenceException: 1024 bytes used\nSystem.runtime.LocalApplicationContextException: 1024 bytes used\nSystem.Runtime.InteropServices.WindowsNativeExceptions: 368 bytes used\nSystem.Net.Sockets: 579 bytes used\nSystem.net.NullReferenceException: 1024",
        "repetitive",
    ),
    (
        "systemd-cgls",
        "systemd-cgls\nSystems.Cfg: 1024 (32)\n#define SYSTEM_DNS_FLAG_NO_ALLOC  0x80000000\n#include <sys/socket.h>\n#include <unistd.h>\n#include <netinet/inv6001.h>\n#include <arpa/inet.h>\n#define SOCK_NONE  0xfffffff8\n#define SOCK_ERROR  0x42424242\n#define SOCK_ALLOC   0x7cdeccd3\n#define SOCK_DNS     0x16b5e9ab\n#define SOCK_NONE        0xfffffff8\n#define SOCK_ERROR      0x42424242\n#define SOCK_ALLOC       0x7cdeccd3\n#define SOCK_DNS     0x16b5e9ab\n#define SOCK_NONE        0xfffffff8\n#define SOCK_ERROR      0x42424242\n#define SOCK_ALLOC       0x7cdeccd3\n#define SOCK_DNS     0x16b5e9ab\n#define SOCK_NONE        0xfffffff8\n#define SOCK_ERROR      0x42424242\n#define SOCK_ALLOC       0x7cdeccd3\n#define SOCK_DNS     0x16b5e9ab\n#define SOCK_NONE        0xfffffff8\n#define SOCK_ERROR      0x42424242\n#define SOCK_ALLOC       0x7cdeccd3\n#define SOCK_DNS     0x16b5e9ab\n#define SOCK_NONE        0xfffffff8\n#define SOCK_ERROR      0x42424242\n#define SOCK_ALLOC       0x7cdeccd3\n#define SOCK_DNS     0x16b5e9ab\n#define SOCK_NONE",
        "repetitive",
    ),
    (
        "hostnamectl",
        "web-prod-02 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2023-07-25) x86_64 GNU/Linux\n# id\nuid=0(root) gid=0(root) groups=0(root)\n<<<END id=1c55321d515cb930>>>\n\nCommand run on this terminal; print exactly what it prints here:\n```bash\nsudo systemctl list-service -A web-prod-02\n```",
        "prompt_echo",
    ),
    (
        "localectl",
        "sudo curl -L https://www.reddit.com/r/python35/babylonian-fantasy/21748069\n```",
        "markup",
    ),
    (
        "timedatectl",
        "sudo systemctl -A tcpipd\n# to remove the \"t\" prefix, use sudo:\nsudo rm -R *.service | wget https://www.ubuntu-debian.org/downloads/2019-03-25/ubuntu-debian-2019-4.6.7-amd64.tar.xz > /mnt/system/tftp\nsudo rm -R *.service | wget https://www.ubuntu-debian.org/downloads/2018-3/ubuntu-debian-2019-5.7.16-amd64.tar.xz > /mnt/system/tftp\nsudo rm -R *.service | wget https://www.ubuntu-debian.org/downloads/2018-3/ubuntu-debian-2019-5.7.16-amd64.tar.xz > /mnt/system/tftp\nsudo rm -R *.service | wget https://www.ubuntu-debian.org/downloads/2018-3/ubuntu-debian-2019-5.7.16-amd64.tar.xz > /mnt/system/tftp\nsudo rm -R *.service | wget https://www.ubuntu-debian.org/downloads/2018-3/ubuntu-debian-2019-5.7.16-amd64.tar.xz > /mnt/system/tftp\nsudo rm -R *.service | wget https://www.ubuntu-debian.org/downloads/2018-3/ubuntu-debian-2019-5.7.16-amd64.tar.xz > /mnt/system/tftp\nsudo rm -R *.service | wget https://www.ubuntu-debian.org/downloads/2018-3/ubuntu-debian-2019-5.7.16-amd64.tar.xz > /mnt/system/tftp\nsudo rm -",
        "command_echo",
    ),
    (
        "loginctl",
        "# ls -l /var/log/web-prod-02\nbash: *** [1.4.3] 2022-08-27T16:59:57+00:00[1.4.3]: Permission denied to execute command `ls` on system with uid=5 and gid=0 (root)\n# ls -l /var/log/web-prod-02\nbash: *** [1.4.3] 2022-08-27T16:59:57+00:00[1.4.3]: Permission denied to execute command `ls` on system with uid=5 and gid=0 (root)\n# ls -l /var/log/web-prod-02\nbash: *** [1.4.3] 2022-08-27T16:59:57+00:00[1.4.3]: Permission denied to execute command `ls` on system with uid=5 and gid=0 (root)\n# ls -l /var/log/web-prod-02\nbash: *** [1.4.3] 2022-08-27T16:59:57+00:00[1.4.3]: Permission denied to execute command `ls` on system with uid=5 and gid=0 (root)\n# ls -l /var/log/web-prod-02\nbash: *** [1.4.3] 2022-08-27T16:59:57+00:00[1.4.3]: Permission denied to execute command `ls` on system with uid=5 and gid=0 (root)\n# ls -l /var/log/web-prod-02\nbash: *** [1.4.3] 2022-08-27T16:59:57+00:00[1.4.3]: Permission denied to execute command `ls` on system with uid=5 and gid=0 (root)\n# ls -l /var/log/web-prod-02\nbash: *** [",
        "command_echo",
    ),
    (
        "networkctl",
        "netstat -t slapd on this machine; print the netblocks available:\n<<<UNTRUSTED_TERMINAL_INPUT id=2f418306c5b97aab>>\ntcpdump -n 1 on this machine; capture output to file: /var/log/net.d/net-udp-trap.out\n<<<END id=2f418306c5b97aab>>>\n\nCommand run on this terminal; print the netblocks available:\n<<<UNTRUSTED_TERMINAL_INPUT id=eaebecedccdaad>/var/log/net.d/net-udp-trap.out>>\n# 1024 bytes of data in 59 seconds\n```",
        "prompt_echo",
    ),
    (
        "fuser -v /",
        "sudo\n# /bin/bash -c \"echo \"${1} &lt;$2&gt;\" | sudoers -u user-name=user_name| sudo sed 's/-\\d+/g', \"-a,v\", \"/usr/local/etc/sudoers.sh --adduser=\"\n#  # Add the user's name to the command line arguments for sudoers.bash\n#   sudo /bin/bash -c \"echo \"${1} &lt;$2&gt;\" | sudoers -u user-name=user_name| sudo sed 's/-\\d+/g', \"-a,v\", \"/usr/local/etc/sudoers.sh --adduser=\"\n#   # Add the user's name to the command line arguments for sudoers.bash\n#  # This is a Bash shell command that allows you to add users names to your command line arguments when using sudo commands.\n#   sudo /bin/bash -c \"echo \"${1} &lt;$2&gt;\" | sudoers -u user-name=user_name| sudo sed 's/-\\d+/g', \"-a,v\", \"/usr/local/etc/sudoers.sh --adduser=\"\n#   # This is a Bash shell command that allows you to add users names to your command line arguments when using sudo commands.\n#  # This is a Bash shell command that allows you to set the user's name as an alias for the user who created it, which can be used by other users to create aliases with their own username.\n#   sudo /bin/bash -c \"echo \"${1} &lt;$2&gt;\" | sudoers -u user-name=user_name| sudo sed 's/-\\d+/g', \"-a,v\", \"/usr/local/etc/sudoers.sh --adduser=\"\n#   # This is a Bash shell command that allows you to set the user's name as an alias for the user who created it, which can be used by other users to create aliases with their own username.\n#  # This is a Bash shell command that allows you to set the user's name as an alias for the user who created it, which can be used by other users to create aliases with their own username.\n#   sudo /bin/bash -c",
        "command_echo",
    ),
    (
        "namei /etc/passwd",
        "sudo ls -l /etc/passwd\n# list all users (root)\n# uid=0(root) gid=0(root) groups=0(root)\n# # List user processes with pid 123456789:\n# #  1. sudo ls -l /proc/who | grep -i '^[+]*'\n# #  2. sudo ls -l /sys/kernel/system/kern/user_processes/x86_64-linux-gnueabhi/30759148 (2) \n# #  3. sudo ls -L | grep '^[+]*'\n# #  4. sudo ls /proc/who | grep '-i'\n# #  5. sudo ls -l /sys/kernel/system/kern/user_processes/x86_64-linux-gnueabhi/30759148 (2) \n# #  6. sudo ls -L | grep '^[+]*'\n# #  7. sudo ls /proc/who | grep '-i'\n# #  8. sudo ls -l /sys/kernel/system/kern/user_processes/x86_64-linux-gnueabhi/30759148 (2) \n# #  9. sudo ls -L | grep '^[+]*'\n# #  10. sudo ls /proc/who | grep '-i'\n# #  11. sudo ls -l /sys/kernel/system/kern/user_processes/x86_64-linux-gnueabhi/30759148 (2) \n# #  12. sudo ls -L | grep '^[+]*'\n# #  13. sudo ls /proc/who | grep '-i'\n# #  14. sudo ls -l /sys/kernel/system/kern/user_processes/x86_64-linux-gnueabhi/30759148 (2) \n# #  15. sudo ls -L | grep '^[+]*'",
        "command_echo",
    ),
    (
        "iconv -l | head",
        "wget -b https://www.reddit.com/r/linux-ubuntu12/\n```",
        "markup",
    ),
    (
        "",
        "sudo nano /etc/nano.d\n# remove the file to prevent damage if you're using sudo\nrm -r /etc/nano.d\n```",
        "markup",
    ),
    (
        "",
        "http-server 2.0.14 (2023-08-27)\n# xhostx: http://localhost:9567/\n# nslatsnareserver: no-cache-on-scale,no-log-binmode,no-log-file-location=relpath_default,no-log-off\n# nsswitch.local: no-interactive-shells,no-containers,no-shadow-enabled,no-rmemcheck,no-rmserver,no-tls-server,no-varnish2015,no-xen-backends,no-xeni-backend\n# nslatsnareserver: no-cache-on-scale,no-log-binmode,no-log-file-location=relpath_default,no-rmemcheck,no-rmserver,no-tls-server,no-varnish2015,no-xen-backends\n# nslatsnareserver: no-cache-on-scale,no-log-binmode,no-log-file-location=relpath_default,no-rmemcheck,no-rmserver,no-tls-server,no-varnish2015,no-xen-backends\n# nslatsnareserver: no-cache-on-scale,no-log-binmode,no-log-file-location=relpath_default,no-rmemcheck,no-rmserver,no-tls-server,no-varnish2015,no-xen-backends\n# nslatsnareserver: no-cache-on-scale,no-log-binmode,no-log-file-location=relpath_default,no-rmemcheck,no-rmserver,no-tls-server,no-varnish2015,no-xen-backends\n# nslatsnareserver: no-cache-on-scale,no-log-binmode,no-log-file-location=relpath_default,no-rmemcheck,no-rmserver,no-tls-server,no-varnish2015,no-xen-backends\n# nslatsnareserver",
        "repetitive",
    ),
    (
        "",
        "nginx 2.0.15 (bookworm)\n# id\nuid=0(root) gid=0(root) groups=0(root)\n```",
        "markup",
    ),
    // A second run, with the transcript behind shell prompts: the model now imitates
    // prompt lines; `loginctl` was accepted before the prose phrases and the prompt-line rule.
    (
        "lsipc",
        "web-prod-02 6.1.0-28:34.7.5.Final\nroot@web-prod-02:~# lsipc\nlsipc /var/log/apache2 -l | grep \"^(.*) (*.{n}): (.*)$\"\n```",
        "markup",
    ),
    (
        "slabtop -o",
        "slabtop -o\nSOLAR: 1.0.23-4 (2022-06-29)\nsudo su SOLAR\n# sudo lsbump --set=58700,28; sslvp /dev/null; rm -RW-rw-rw-s<SOLAR> 1  2023-06-24 19:11 solar.net\nsudo su SOLAR\n# sudo lsbump --set=58700,28; sslvp /dev/null; rm -RW-rw-s<SOLAR> 1  2023-06-24 19:11 solar.net\nsudo su SOLAR\n# sudo lsbump --set=58700,28; sslvp /dev/null; rm -RW-rw-s<SOLAR> 1  2023-06-24 19:11 solar.net\nsudo su SOLAR\n# sudo lsbump --set=58700,28; sslvp /dev/null; rm -RW-rw-s<SOLAR> 1  2023-06-24 19:11 solar.net\nsudo su SOLAR\n# sudo lsbump --set=58700,28; sslvp /dev/null; rm -RW-rw-s<SOLAR> 1  2023-06-24 19:11 solar.net\nsudo su SOLAR\n# sudo lsbump --set=58700,28; sslvp /dev/null; rm -RW-rw-s<SOLAR> 1  2023-06-24 19:11 solar.net\nsudo su SOLAR\n# sudo lsbump --set=58700,28; sslvp /dev/null; rm -RW-rw-s<SOLAR> 1  2023-06-24 19:1",
        "repetitive",
    ),
    (
        "systemd-analyze",
        "systemd-analyze\nSystem.gettopps -h systemd-analyze\nSystem.gettopps -H systemd-analyze\nSystem.gettopps -S systemd-analyze\nSystem.gettopps -T systemd-analyze\nSystem.gettopps -V systemd-analyze\nsystemctl list --user=root\nsystemctl ls /proc/sys/kernel/execveinvokelinux_process_runvfs 2018-05-30 17:49:56.000000000+x86_64 -S systemd-analyze\nsystemctl ls /proc/sys/kernel/execveinvokelinux_process_runvfs 2018-05-30 17:49:56.000000000+x86_64 -S systemd-analyze\nsystemctl ls /proc/sys/kernel/execveinvokelinux_process_runvfs 2018-05-30 17:49:56.000000000+x86_64 -S systemd-analyze\nsystemctl ls /proc/sys/kernel/execveinvokelinux_process_runvfs 2018-05-30 17:49:56.000000000+x86_64 -S systemd-analyze\nsystemctl ls /proc/sys/kernel/execveinvokelinux_process_runvfs 2018-05-30 17:49:56.000000000+x86_64 -S systemd-analyze\nsystemctl ls /proc/sys/kernel/execveinvokelinux_process_runvfs 2018-05-30 17:49:56.000000000+x86_64 -S systemd-analyze\nsystemctl ls /proc/sys/kernel/execveinvokelinux_process_runvfs 2018-05-30 17:4",
        "repetitive",
    ),
    (
        "systemd-cgls",
        "systemd-cgls\nSystems.bash: No such command: /bin/sh\nSystems.bash: No such file or directory: systemd-cgls\nSystems.bash: No such device: /run/local/lib/systemd/systemd-troubleshooter\nSystems.bash: No such service: /usr/lib/systemd/systemd-troubleshooter\nSystems.bash: No such file or directory: systemd-cgls\nSystems.bash: No such device: /run/local/lib/systemd/systemd-troubleshooter\nSystems.bash: No such service: /usr/lib/systemd/systemd-troubleshooter\nSystems.bash: No such file or directory: /bin/sh\nSystems.bash: No such device: /run/local/lib/systemd/systemd-troubleshooter\nSystems.bash: No such service: /usr/lib/systemd/systemd-troubleshooter\nSystems.bash: No such file or directory: systemd-cgls\nSystems.bash: No such device: /run/local/lib/systemd/systemd-troubleshooter\nSystems.bash: No such service: /usr/lib/systemd/systemd-troubleshooter\nSystems.bash: No such file or directory: systemd-cgls\nSystems.bash: No such device: /run/local/lib/systemd/systemd-troubleshooter\nSystems.bash: No such service: /usr/lib/systemd/systemd-troubleshooter\nSystems.bash: No such file or directory: systemd-cgls\nSystems.bash: No such device: /run/local/lib/systemd/systemd-troubleshooter\nSystems.bash: No such service: /usr/lib/systemd/systemd-troubleshooter\nSystems.bash: No such file or directory: systemd-cgls\nSystems.bash: No such device: /run/local/lib/systemd/systemd-troubleshooter\nSystems.bash: No such service: /usr/lib/system",
        "repetitive",
    ),
    (
        "hostnamectl",
        "ubuntu-20.15.3_64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.11-1 (2023-09-28) x86_64 GNU/Linux\nroot@web-prod-02:~# uname -a\nlinux ubuntu-20.15.3-7ubuntu1.4.2-x86_64-grub-local-xenial-freetest 20.15.3-7ubuntu1.4.2-x86_64-gnome-x11-linux-x86_64-amd64 Ubuntu 20.15.3 (2023-09-28) x86_64 GNU/Linux\nroot@web-prod-02:~# id\nuid=0(root) gid=0(root) groups=0(root)\n<ID>  uid=1,gid=1 (xenial),group=xenial,user=xenial,home=xenial,usersetup=xenial-x86_64-xampp-xeml-xzw203\n<ID>  uid=1,gid=2 (xelon),group=xelon-x86_64-xampp-xeml-xzw203\n<ID>  uid=2,gid=5 (xelon) xelon-x86_64-xampp-xeml-xzw203\n</ID>\nroot@web-prod-02:~# id\nuid=1,gid=2 (xelon),group=xelon-x86_64-xampp-xeml-xzw203\n<ID>  uid=2,gid=5 (xelon) xelon-x86_64-xampp-xeml-xzw203\n</ID>",
        "replay",
    ),
    (
        "localectl",
        "web-prod-02 6.1.0-28:3\nroot@web-prod-02:~# ls -l /var/log/httpd/5.4.7/xenial_server.sock | grep \"^[a-zA-Z0-9.-]+\" | sort -n 10 > /dev/null\nroot@web-prod-02:~# ls -l /var/log/httpd/5.4.7/xenial_server.sock | grep \"^[a-zA-Z0-9.-]+\" | sort -n 10 > /dev/null\nroot@web-prod-02:~# ls -l /var/log/httpd/5.4.7/xenial_server.sock | grep \"^[a-zA-Z0-9.-]+\" | sort -n 10 > /dev/null\nroot@web-prod-02:~# ls -l /var/log/httpd/5.4.7/xenial_server.sock | grep \"^[a-zA-Z0-9.-]+\" | sort -n 10 > /dev/null\nroot@web-prod-02:~# ls -l /var/log/httpd/5.4.7/xenial_server.sock | grep \"^[a-zA-Z0-9.-]+\" | sort -n 10 > /dev/null\nroot@web-prod-02:~# ls -l /var/log/httpd/5.4.7/xenial_server.sock | grep \"^[a-zA-Z0-9.-]+\" | sort -n 10 > /dev/null\nroot@web-prod-02:~# ls -l /var/log/httpd/5.4.7/xenial_server.sock | grep \"^[a-zA-Z0-9.-]+\" | sort -n 10 > /dev/null\nroot@web-prod-02:~# ls -l /var/log/httpd/5.4.7/xenial_",
        "command_echo",
    ),
    (
        "loginctl",
        "web-prod-02 750d6f4cbebb40c0\nroot@web-prod-02:~# ls -l /var/log/apache2.1/http_statuses | grep \"^[A-Fa-f0-9]{8}| [A-Fa-f0-9]{32m\"\n\nThis is a command that prints the HTTP status of each server running on this machine, which includes both the server's IP address and port. It uses the `ls` command to list all the servers running on this machine, and it also lists the server's IP addresses and ports.",
        "chatty",
    ),
    (
        "pstree",
        "web-prod-02 6.1.0-28:39:45\nroot@web-prod-02:~# ls -l /var/log/httpd | grep -i 'pstree'\n```",
        "markup",
    ),
    (
        "namei /etc/passwd",
        "web-prod-02 6.1.0-28:3\nsystemd-setup-xenial -D systemctl daemon -A /etc/sysconfig/netdarma, netadmin, syslogd, sudo, vfstools, vfsdaemachine, vgdm, vgs, vtgid, vsgroup, vvgrp\nsystemd-setup-xenial -D systemctl daemon -A /etc/sysconfig/netgroup, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser\nsystemd-setup-xenial -D systemctl daemon -A /etc/sysconfig/netgroup, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser\nsystemd-setup-xenial -D systemctl daemon -A /etc/sysconfig/netgroup, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser\nsystemd-setup-xenial -D systemctl daemon -A /etc/sysconfig/netgroup, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser\nsystemd-setup-xenial -D systemctl daemon -A /etc/sysconfig/netgroup, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser\nsystemd-setup-xenial -D systemctl daemon -A /etc/sysconfig/netgroup, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser, netuser\nsystemd-setup-xenial -D systemctl daemon -A /etc/sysconfig/netgroup, netuser, netuser, netuser, netuser",
        "repetitive",
    ),
    (
        "iconv -l | head",
        "https://www.reddit.com/r/linux-users/comments/2f8jc3d1/\nThe user is using the command `iconv -l | head` to convert a file containing ASCII characters into a hexadecimal string that can be used for encoding and decoding. The output of this command contains only the ASCII characters, which is why it appears as \"4be2b97bdc1e11c2\" when displayed on screen.",
        "chatty",
    ),
];

#[test]
fn real_garbage_is_rejected() {
    let mut failures = Vec::new();
    for (command, raw, want) in REAL_GARBAGE {
        let got = verdict(command, raw);
        if got != *want {
            failures.push(format!("{command:?} {raw:?}: want {want}, got {got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(REAL_GARBAGE.len() >= 28);
}

#[test]
fn a_file_must_not_open_or_close_on_a_fence() {
    // A lone trailing fence nothing opened, a lone fence inside, an odd count.
    assert_eq!(verdict("", "rm -r /etc/nano.d\n```"), "markup");
    assert_eq!(verdict("", "a\n```\nb"), "markup");
    assert_eq!(verdict("", "Document: nano\n```\nx\n```\n```\ny"), "markup");
    // A lone leading one once the wrapping fence is gone.
    assert_eq!(verdict("", "```\n```\nDocument: nano\n```"), "markup");
    // An unclosed opener alone is dropped by the cleaner.
    assert_eq!(verdict("", "```\nDocument: nano"), "ok");
    // Wrapped whole, or balanced inside (a README may end on its code block): fine.
    assert_eq!(verdict("", "```\nDocument: nano\n```"), "ok");
    assert_eq!(verdict("", "# Tool\n\n```sh\nmake\n```\n\nDone."), "ok");
    assert_eq!(verdict("", "# Tool\n\n```sh\nmake\n```"), "ok");
}

#[test]
fn replays_of_the_transcript_are_rejected() {
    let logrotate = "nginx 2.0.15 (bookworm)\n# id\nuid=0(root) gid=0(root) groups=0(root)";
    assert_eq!(verdict("", logrotate), "replay");
    assert_eq!(
        verdict(
            "lsns",
            "root@web-prod-02:~# id\nuid=0(root) gid=0(root) groups=0(root)"
        ),
        "replay"
    );
    assert_eq!(
        verdict(
            "lsns",
            "uname -a\nLinux web-prod-02 6.1.0-28-amd64 x86_64 GNU/Linux"
        ),
        "replay"
    );
    assert_eq!(
        verdict("lsmem", "$ uname -a\nLinux web-prod-02 6.1.0-28-amd64"),
        "replay"
    );
    // Nothing after it, or a comment after it: a comment line in a file.
    assert_eq!(
        verdict("", "/var/log/nginx/*.log {\n\tdaily\n}\n# id"),
        "ok"
    );
    assert_eq!(verdict("", "# id\n# the id of the site\nsite=1"), "ok");
    // A history shows earlier commands bare.
    assert_eq!(
        verdict("tail -n 3 /root/.bash_history", "uname -a\nid\nlsns"),
        "ok"
    );
    // Without the earlier commands the rule has nothing to go on.
    let v = Validator::new();
    let bare = CheckCtx {
        file: true,
        ..CheckCtx::default()
    };
    assert!(v.check(logrotate, &bare).is_ok());
}

#[test]
fn a_command_line_instead_of_output_is_rejected() {
    let cases = [
        ("timedatectl", "sudo systemctl -A tcpipd", "sudo"),
        ("fuser -v /", "sudo\n# add users", "sudo"),
        ("lsns", "# ls -l /var/log/web-prod-02", "ls"),
        ("lsipc", "sudo lsipc", "sudo"),
        ("lslogins", "bash -c \"ls /var/log\"", "bash"),
        ("findmnt", "cd /tmp && ls", "cd"),
        ("pstree", "wget -b https://example.com/x", "wget"),
        ("localectl", "curl -L https://example.com", "curl"),
        ("lsmem", "ls -l /var/log", "ls"),
        ("lsmem", "$ /usr/bin/python3 x.py", "python3"),
        ("lsmem", "root@web-prod-02:~# rm -rf /", "rm"),
        ("lsmem", "[root@web-prod-02 ~]# apt update", "apt"),
        ("lsmem", "rm -rf /tmp/x", "rm"),
    ];
    let v = Validator::new();
    for (command, raw, word) in cases {
        let ctx = CheckCtx {
            command,
            ..CheckCtx::default()
        };
        assert_eq!(
            v.check(raw, &ctx),
            Err(Reject::CommandEcho {
                word: word.to_owned()
            }),
            "{raw:?}"
        );
    }
    // A prompt line with a command after the output: the model plays on.
    let ctx = CheckCtx {
        command: "loginctl",
        ..CheckCtx::default()
    };
    assert_eq!(
        v.check(
            "web-prod-02 750d6f4cbebb40c0\nroot@web-prod-02:~# ls -l /var/log/apache2.1/http_statuses",
            &ctx
        ),
        Err(Reject::CommandEcho {
            word: "ls".to_owned()
        })
    );
    // The asked command uses the word; a viewer prints a script or a history; prose comments.
    for (command, raw) in [
        ("sudo -l", "sudo: a password is required"),
        (
            "curl -s http://localhost/x.sh",
            "curl -fsSL https://get.example/x | sh",
        ),
        ("bash -c 'sh -c id'", "sh -c id"),
        ("tail -n 2 deploy.sh", "cd /var/www\nrm -rf cache"),
        ("cat ~/.bash_history", "sudo apt update\nls -la"),
        (
            "logrotate -d /etc/logrotate.conf",
            "# see \"man logrotate\" for details",
        ),
        ("mount", "# /etc/fstab: static file system information."),
        (
            "iptables-save",
            "# Generated by iptables-save v1.8.9 on Mon Mar  4 09:12:01 2024",
        ),
        ("lsmem", "$5 per month"),
        ("lsmem", "root@web-prod-02:~#"),
        (
            "mailq",
            "admin@example.com # primary\nops@example.com # backup",
        ),
    ] {
        let ctx = CheckCtx {
            command,
            ..CheckCtx::default()
        };
        assert!(v.check(raw, &ctx).is_ok(), "{command:?}: {raw:?}");
    }
    // Files are exempt: a history or a script starts with a command.
    assert_eq!(verdict("", "sudo apt update\nls -la"), "ok");
}

#[test]
fn loops_are_repetitive() {
    let ls = "# ls -l /var/log/xz.1234567890-vbcrfkjhgwcqmccnacdnaa\n".repeat(4);
    assert!(shape::repetitive(&lines(&ls), "lsns", false));
    // Blocks of two and three lines, blanks inside lines collapsed.
    let two =
        "bash: Permission denied\nfoo  bar\n".repeat(3) + "bash: Permission denied\nfoo bar\n";
    assert!(shape::repetitive(&lines(&two), "loginctl", false));
    let three = "# id\nuid=0(root)\n<ID>s:13.0.7.1\n".repeat(4);
    assert!(shape::repetitive(&lines(&three), "slabtop -o", false));
    // Three times is not a loop yet.
    let thrice = "a line\n".repeat(3) + "another line\n";
    assert!(!shape::repetitive(&lines(&thrice), "x", false));
    // Few distinct lines, in no periodic order.
    let order = [0, 1, 2, 0, 2, 1, 0, 1, 2, 2, 0, 1, 1];
    let words = ["alpha beta", "gamma delta", "epsilon zeta"];
    let mixed: Vec<String> = order
        .iter()
        .filter_map(|&i| words.get(i))
        .map(|w| (*w).to_owned())
        .collect();
    let keys = mixed.clone();
    assert!((1..=8).all(|p| !shape::periodic_run(&keys, p)));
    assert!(shape::repetitive(&mixed, "x", false));
    // Twelve lines, a quarter distinct: not below the bar.
    assert!(!shape::repetitive(&mixed[..12], "x", false));
    // Comments do not count toward the ratio.
    let comments: Vec<String> = mixed.iter().map(|l| format!("# {l}")).collect();
    assert!(!shape::repetitive(&comments, "x", true));
}

#[test]
fn real_output_that_repeats_passes() {
    let cases: Vec<(&str, String)> = vec![
        (
            "grep name /proc/cpuinfo",
            "model name\t: Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz\n".repeat(8),
        ),
        (
            "cat /proc/cpuinfo | grep MHz",
            "cpu MHz\t\t: 2399.998\n".repeat(6),
        ),
        (
            "cut -d: -f7 /etc/passwd",
            "/bin/bash\n".to_owned() + &"/usr/sbin/nologin\n".repeat(20),
        ),
        ("ps -eo user", "USER\n".to_owned() + &"root\n".repeat(30)),
        (
            "vmstat 1 5",
            "procs -----------memory---------- ---swap-- -----io---- -system-- ------cpu-----\n r  b   swpd   free   buff  cache   si   so    bi    bo   in   cs us sy id wa st\n".to_owned()
                + &" 0  0      0 812344  41236 612872    0    0     0     0   21   38  0  0 100  0  0\n".repeat(5),
        ),
        (
            "hexdump -C /dev/zero",
            "00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n*\n00000400\n".to_owned(),
        ),
        (
            "",
            "#\n#\n#\n#\n# /etc/sysctl.conf - Configuration file for setting system variables\n#\n#\n#\n###################################################################\n###################################################################\n###################################################################\n###################################################################\n#net.ipv4.ip_forward=1\n".to_owned(),
        ),
        (
            "neofetch",
            "+----------------+\n|                |\n|                |\n|                |\n|                |\n+----------------+\n".to_owned(),
        ),
        ("", cpuinfo(6)),
        ("", json_list(10)),
    ];
    for (command, text) in &cases {
        assert_eq!(verdict(command, text), "ok", "{command:?}: {text}");
    }
}

/// `/proc/cpuinfo` of `n` CPUs (short flags).
fn cpuinfo(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "processor\t: {i}\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 79\nmodel name\t: Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz\nstepping\t: 1\nmicrocode\t: 0xb000040\ncpu MHz\t\t: 2399.998\ncache size\t: 35840 KB\nphysical id\t: 0\nsiblings\t: {n}\ncore id\t\t: {i}\ncpu cores\t: {n}\napicid\t\t: {i}\ninitial apicid\t: {i}\nfpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: 13\nwp\t\t: yes\nflags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr\nbugs\t\t: cpu_meltdown spectre_v1 spectre_v2\nbogomips\t: 4799.99\nclflush size\t: 64\ncache_alignment\t: 64\naddress sizes\t: 46 bits physical, 48 bits virtual\npower management:\n\n"
            )
        })
        .collect()
}

/// A JSON array of `n` small objects.
fn json_list(n: usize) -> String {
    let items: Vec<String> = (0..n)
        .map(|i| format!("  {{\n    \"name\": \"site{i}\",\n    \"enabled\": true\n  }}"))
        .collect();
    format!("[\n{}\n]\n", items.join(",\n"))
}

#[test]
fn the_request_wording_is_an_echo() {
    for raw in [
        "Command run on this terminal; print exactly what it prints here:\nlsns",
        "File on this machine (about 329 bytes); print only its content:\n/etc/logrotate.d/nginx",
        "Earlier on this terminal (oldest first):\n# id",
        "Terminal state:\nuser: root",
        "uid=0(root)\n[output cut]",
    ] {
        assert_eq!(verdict("lsns", raw), "prompt_echo", "{raw:?}");
        assert_eq!(verdict("", raw), "prompt_echo", "{raw:?}");
    }
}
