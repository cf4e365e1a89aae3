//! Tests of the parent module, against captures of the real tool.

use crate::commands::sysinfo_test::{root, user};

const ADDR: &str = "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever
    inet6 ::1/128 scope host 
       valid_lft forever preferred_lft forever
2: ens3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast state UP group default qlen 1000
    link/ether 52:54:00:8a:3c:71 brd ff:ff:ff:ff:ff:ff
    altname enp0s3
    inet 10.0.3.17/24 brd 10.0.3.255 scope global ens3
       valid_lft forever preferred_lft forever
    inet6 fe80::5054:ff:fe8a:3c71/64 scope link 
       valid_lft forever preferred_lft forever
";

#[test]
fn addresses() {
    for a in [&["a"][..], &["addr"], &["address", "show"], &["a", "s"]] {
        assert_eq!(root("ip", a).stdout, ADDR);
    }
    assert_eq!(
        root("ip", &["-br", "a"]).stdout,
        "lo               UNKNOWN        127.0.0.1/8 ::1/128 \nens3             UP             10.0.3.17/24 fe80::5054:ff:fe8a:3c71/64 \n"
    );
    let r = root("ip", &["-4", "a", "show", "ens3"]);
    assert_eq!(
        r.stdout,
        "2: ens3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast state UP group default qlen 1000\n    inet 10.0.3.17/24 brd 10.0.3.255 scope global ens3\n       valid_lft forever preferred_lft forever\n"
    );
    let r = root("ip", &["a", "show", "dev", "eth0"]);
    assert_eq!(
        (r.stderr.as_str(), r.code),
        ("Device \"eth0\" does not exist.\n", 1)
    );
    let r = root("ip", &["-o", "-4", "a"]);
    assert_eq!(
        r.stdout.lines().nth(1),
        Some(
            "2: ens3    inet 10.0.3.17/24 brd 10.0.3.255 scope global ens3\\       valid_lft forever preferred_lft forever"
        )
    );
}

#[test]
fn links_routes_neighbours() {
    let r = root("ip", &["link"]);
    assert!(r.stdout.contains("2: ens3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast state UP mode DEFAULT group default qlen 1000\n    link/ether 52:54:00:8a:3c:71 brd ff:ff:ff:ff:ff:ff\n    altname enp0s3\n"));
    assert_eq!(
        root("ip", &["r"]).stdout,
        "default via 10.0.3.1 dev ens3 \n10.0.3.0/24 dev ens3 proto kernel scope link src 10.0.3.17 \n"
    );
    assert_eq!(
        root("ip", &["n"]).stdout,
        "10.0.3.1 dev ens3 lladdr 52:54:00:1b:4e:90 REACHABLE \n"
    );
    assert_eq!(
        root("ip", &["route", "get", "8.8.8.8"]).stdout,
        "8.8.8.8 via 10.0.3.1 dev ens3 src 10.0.3.17 uid 0 \n    cache \n"
    );
    let s = root("ip", &["-s", "link", "show", "lo"]).stdout;
    assert!(
        s.contains("    RX:  bytes packets errors dropped  missed   mcast           \n"),
        "{s}"
    );
}

#[test]
fn errors_and_permissions() {
    let r = root("ip", &["foo"]);
    assert_eq!(
        (r.stderr.as_str(), r.code),
        ("Object \"foo\" is unknown, try \"ip help\".\n", 255)
    );
    let r = root("ip", &["--version"]);
    assert_eq!(
        r.stderr,
        "Option \"-version\" is unknown, try \"ip -help\".\n"
    );
    assert_eq!(
        root("ip", &["-V"]).stdout,
        "ip utility, iproute2-6.1.0, libbpf 1.1.2\n"
    );
    let r = root("ip", &["addr", "foo"]);
    assert_eq!(
        r.stderr,
        "Command \"foo\" is unknown, try \"ip address help\".\n"
    );
    let r = user("ip", &["link", "set", "ens3", "down"]);
    assert_eq!(
        (r.stderr.as_str(), r.code),
        ("RTNETLINK answers: Operation not permitted\n", 2)
    );
    let r = root("ip", &["route", "add", "10.9.0.0/16", "via", "10.0.3.1"]);
    assert_eq!((r.stdout.as_str(), r.code), ("", 0));
    let r = root("ip", &[]);
    assert!(r.stderr.starts_with("Usage: ip [ OPTIONS ] OBJECT"));
    assert_eq!(r.code, 255);
}
