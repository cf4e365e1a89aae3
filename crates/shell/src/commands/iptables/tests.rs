//! Tests of the parent module, against captures of the real tool.

use crate::commands::SysState;
use crate::commands::sysinfo_test::{root, run_as, user};

const EMPTY: &str = "Chain INPUT (policy ACCEPT)
target     prot opt source               destination         

Chain FORWARD (policy ACCEPT)
target     prot opt source               destination         

Chain OUTPUT (policy ACCEPT)
target     prot opt source               destination         
";

#[test]
fn lists_the_default_policy() {
    assert_eq!(root("iptables", &["-L"]).stdout, EMPTY);
    assert_eq!(root("iptables", &["-L", "-n"]).stdout, EMPTY);
    assert_eq!(
        root("iptables", &["-S"]).stdout,
        "-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n"
    );
    assert_eq!(
        root("iptables", &["-V"]).stdout,
        "iptables v1.8.9 (nf_tables)\n"
    );
    let r = root("iptables", &["-L", "-v"]);
    assert!(r.stdout.starts_with("Chain INPUT (policy ACCEPT 0 packets, 0 bytes)\n pkts bytes target     prot opt in     out     source               destination         \n"));
}

#[test]
fn rules_persist_in_the_session() {
    let mut sys = SysState::default();
    for a in [
        &["-A", "INPUT", "-p", "tcp", "--dport", "22", "-j", "DROP"][..],
        &["-I", "INPUT", "-s", "1.2.3.4", "-j", "ACCEPT"],
        &["-P", "FORWARD", "DROP"],
        &["-N", "blk"],
    ] {
        let r = run_as("root", &mut sys, "iptables", a);
        assert_eq!((r.stderr.as_str(), r.code), ("", 0), "{a:?}");
    }
    let r = run_as("root", &mut sys, "iptables", &["-L", "INPUT"]);
    assert_eq!(
        r.stdout,
        "Chain INPUT (policy ACCEPT)\ntarget     prot opt source               destination         \nACCEPT     all  --  1.2.3.4              anywhere            \nDROP       tcp  --  anywhere             anywhere             tcp dpt:ssh\n"
    );
    let r = run_as(
        "root",
        &mut sys,
        "iptables",
        &["-nL", "INPUT", "--line-numbers"],
    );
    assert!(
        r.stdout.contains(
            "\n2    DROP       6    --  0.0.0.0/0            0.0.0.0/0            tcp dpt:22\n"
        ),
        "{}",
        r.stdout
    );
    let r = run_as("root", &mut sys, "iptables", &["-S"]);
    assert_eq!(
        r.stdout,
        "-P INPUT ACCEPT\n-P FORWARD DROP\n-P OUTPUT ACCEPT\n-N blk\n-A INPUT -s 1.2.3.4/32 -j ACCEPT\n-A INPUT -p tcp -m tcp --dport 22 -j DROP\n"
    );
    let r = run_as("root", &mut sys, "iptables", &["-L", "blk"]);
    assert_eq!(
        r.stdout,
        "Chain blk (0 references)\ntarget     prot opt source               destination         \n"
    );
    run_as("root", &mut sys, "iptables", &["-F"]);
    run_as("root", &mut sys, "iptables", &["-X"]);
    let r = run_as("root", &mut sys, "iptables", &["-L", "blk"]);
    assert_eq!(
        (r.stderr.as_str(), r.code),
        ("iptables: No chain/target/match by that name.\n", 1)
    );
}

#[test]
fn state_lives_in_the_session() {
    let r = crate::commands::testutil::run("iptables", &["-N", "f2b"], "/", b"");
    assert!(r.notes.is_empty());
    let filter = r
        .sys
        .netfilter
        .v4
        .iter()
        .find(|t| t.name == "filter")
        .unwrap();
    assert!(
        filter
            .chains
            .iter()
            .any(|c| c.name == "f2b" && c.policy.is_none())
    );
    assert!(r.sys.netfilter.v6.is_empty());
}

#[test]
fn errors() {
    let r = user("iptables", &["-L"]);
    assert_eq!(
        r.stderr,
        "iptables v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)\n"
    );
    assert_eq!(r.code, 4);
    let r = root("iptables", &["--bogus"]);
    assert_eq!(
        r.stderr,
        "iptables v1.8.9 (nf_tables): unknown option \"--bogus\"\nTry `iptables -h' or 'iptables --help' for more information.\n"
    );
    assert_eq!(r.code, 2);
    let r = root("iptables", &[]);
    assert!(
        r.stderr
            .starts_with("iptables v1.8.9 (nf_tables): no command specified\n")
    );
    let r = root("iptables", &["-t", "foo", "-L"]);
    assert_eq!(r.code, 3);
    let r = root("ip6tables", &["-L", "-n"]);
    assert_eq!(r.stdout, EMPTY);
}
