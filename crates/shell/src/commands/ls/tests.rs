use crate::commands::testutil::{run, run_in};
use crate::persona::Persona;

fn setup() -> (Persona, miragepot_vfs::Fs) {
    let p = Persona::debian12();
    let mut fs = p.new_fs();
    for (cmd, args) in [
        ("mkdir", vec!["-p", "/tmp/d/sub"]),
        ("touch", vec!["/tmp/d/a b", "/tmp/d/old"]),
        ("touch", vec!["-d", "2020-01-02 03:04", "/tmp/d/old"]),
        ("ln", vec!["-s", "/etc/passwd", "/tmp/d/lnk"]),
        ("chmod", vec!["755", "/tmp/d/a b"]),
    ] {
        run_in(&p, &mut fs, cmd, &args, "/", b"");
    }
    (p, fs)
}

#[test]
fn long_format() {
    let (p, mut fs) = setup();
    let r = run_in(&p, &mut fs, "ls", &["-l", "/tmp/d"], "/", b"");
    assert_eq!(
        r.stdout,
        "total 4\n-rwxr-xr-x 1 root root    0 Nov 21 13:00 'a b'\nlrwxrwxrwx 1 root root   11 Nov 21 13:00  lnk -> /etc/passwd\n-rw-r--r-- 1 root root    0 Jan  2  2020  old\ndrwxr-xr-x 2 root root 4096 Nov 21 13:00  sub\n"
    );
    let r = run_in(&p, &mut fs, "ls", &["-F", "/tmp/d"], "/", b"");
    assert_eq!(r.stdout, "'a b'*\t lnk@   old   sub/\n");
    let r = run_in(&p, &mut fs, "ls", &["-R", "/tmp/d"], "/", b"");
    assert_eq!(
        r.stdout,
        "/tmp/d:\n'a b'   lnk   old   sub\n\n/tmp/d/sub:\n"
    );
}

#[test]
fn errors_devices_and_columns() {
    let r = run("ls", &["/nope", "/etc/hostname"], "/", b"");
    assert_eq!(
        r.stderr,
        "ls: cannot access '/nope': No such file or directory\n"
    );
    assert_eq!((r.stdout.as_str(), r.code), ("/etc/hostname\n", 2));
    let r = run("ls", &["-l", "/dev/null", "/dev/zero"], "/", b"");
    assert!(
        r.stdout.starts_with("crw-rw-rw- 1 root root 1, 3 "),
        "{}",
        r.stdout
    );
    let r = run("ls", &["-ld", "/tmp"], "/", b"");
    assert!(r.stdout.starts_with("drwxrwxrwt "), "{}", r.stdout);
    let r = run("ls", &["/"], "/", b"");
    assert!(
        r.stdout.starts_with("bin   dev  home  lib64\tmnt"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.lines().all(|l| l.len() < 80));
    let r = run("ls", &["-z"], "/", b"");
    assert_eq!(
        (r.stderr.as_str(), r.code),
        (
            "ls: invalid option -- 'z'\nTry 'ls --help' for more information.\n",
            2
        )
    );
    let r = run("ls", &["-a", "/root"], "/", b"");
    assert!(
        r.stdout.starts_with(".  ..  .bashrc\t.profile"),
        "{}",
        r.stdout
    );
}

#[test]
fn gnu_options_and_their_errors() {
    let (p, mut fs) = setup();
    let mut ls = |args: &[&str]| run_in(&p, &mut fs, "ls", args, "/", b"");
    assert_eq!(ls(&["-m", "/tmp/d"]).stdout, "'a b', lnk, old, sub\n");
    assert_eq!(ls(&["-1", "-N", "/tmp/d"]).stdout, "a b\nlnk\nold\nsub\n");
    assert_eq!(ls(&["-Q", "-1", "/tmp/d/old"]).stdout, "\"/tmp/d/old\"\n");
    assert_eq!(
        ls(&["-p", "-I", "o*", "/tmp/d"]).stdout,
        "'a b'   lnk   sub/\n"
    );
    assert_eq!(
        ls(&["-x", "--sort=size", "-r", "/tmp/d"]).stdout,
        " old  'a b'   lnk   sub\n"
    );
    assert_eq!(
        ls(&["-ld", "--time-style=long-iso", "/tmp/d/old"]).stdout,
        "-rw-r--r-- 1 root root 0 2020-01-02 03:04 /tmp/d/old\n"
    );
    assert_eq!(
        ls(&["-ldZ", "--author", "--full-time", "/tmp/d/old"]).stdout,
        "-rw-r--r-- 1 root root root ? 0 2020-01-02 03:04:00.000000000 +0000 /tmp/d/old\n"
    );
    assert_eq!(ls(&["-sd", "--si", "/tmp/d"]).stdout, "4.1k /tmp/d\n");
    assert_eq!(
        ls(&["-sd", "--block-size=M", "/tmp/d"]).stdout,
        "1M /tmp/d\n"
    );
    let r = ls(&["--sort=foo", "/"]);
    assert_eq!(
        (r.stderr.as_str(), r.code),
        (
            "ls: invalid argument ‘foo’ for ‘--sort’\nValid arguments are:\n  - ‘none’\n  - ‘time’\n  - ‘size’\n  - ‘extension’\n  - ‘version’\n  - ‘width’\nTry 'ls --help' for more information.\n",
            1
        )
    );
    let r = ls(&["--color=a", "/"]);
    assert!(
        r.stderr
            .starts_with("ls: ambiguous argument ‘a’ for ‘--color’\n")
    );
    assert_eq!(r.code, 1);
    let r = ls(&["--h"]);
    assert_eq!(
        r.stderr,
        "ls: option '--h' is ambiguous; possibilities: '--human-readable' '--hide-control-chars' '--hide' '--hyperlink' '--help'\nTry 'ls --help' for more information.\n"
    );
    let r = ls(&["--colour"]);
    assert_eq!(
        r.stderr.lines().next(),
        Some("ls: unrecognized option '--colour'")
    );
    assert_eq!(ls(&["-w", "x"]).stderr, "ls: invalid line width: ‘x’\n");
    assert_eq!(
        ls(&["--block-size=0"]).stderr,
        "ls: invalid --block-size argument '0'\n"
    );
    let r = ls(&["-l", "--time-style=x", "/"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("ls: invalid argument ‘x’ for ‘time style’\n")
    );
    let r = ls(&["-l", "--he"]);
    assert!(r.stdout.starts_with("Usage: ls [OPTION]... [FILE]...\n"));
    assert_eq!(
        ls(&["--vers"]).stdout.lines().next(),
        Some("ls (GNU coreutils) 9.1")
    );
}

#[test]
fn not_a_terminal() {
    use crate::commands::testutil::run_piped;
    // One name per line, no quoting, `auto` color off, as `ls | cat`.
    let r = run_piped("ls", &["--color=auto", "/"], "/", b"");
    assert!(r.stdout.starts_with("bin\nboot\ndev\n"), "{}", r.stdout);
    let r = run_piped("ls", &["-C", "-w", "30", "/"], "/", b"");
    assert!(r.stdout.lines().all(|l| l.len() < 30), "{}", r.stdout);
    assert!(r.stdout.lines().count() > 3);
}

/// `dir` is `ls -C -b` whatever stdout is: columns and backslash escapes in a pipe too
/// (captured from coreutils 9.1's `dir | cat`).
#[test]
fn dir_lists_in_columns_with_escapes() {
    use crate::commands::testutil::run_piped;
    let p = Persona::debian12();
    let mut fs = p.new_fs();
    run_in(&p, &mut fs, "mkdir", &["/tmp/e"], "/", b"");
    let names = [
        "a b", "c\td", "e", "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta",
        "iota", "kappa", "lambda",
    ];
    run_in(&p, &mut fs, "touch", &names, "/tmp/e", b"");
    let piped = |fs: &mut miragepot_vfs::Fs, args: &[&str]| {
        let sys = crate::commands::SysState::default();
        crate::commands::testutil::run_session(
            &p,
            fs,
            "root",
            sys,
            "dir",
            args,
            "/tmp/e",
            b"",
            false,
            Some("pts/0"),
        )
    };
    let r = piped(&mut fs, &["-w", "30"]);
    assert_eq!(
        r.stdout,
        "a\\ b   delta\tgamma\ttheta\nalpha  e\tiota\tzeta\nbeta   epsilon\tkappa\nc\\td   eta\tlambda\n"
    );
    let r = piped(&mut fs, &["-x", "-w", "30"]);
    assert_eq!(
        r.stdout,
        "a\\ b   alpha  beta     c\\td\ndelta  e      epsilon  eta\ngamma  iota   kappa    lambda\ntheta  zeta\n"
    );
    let r = piped(&mut fs, &["-m"]);
    assert_eq!(
        r.stdout,
        "a\\ b, alpha, beta, c\\td, delta, e, epsilon, eta, gamma, iota, kappa, lambda,\ntheta, zeta\n"
    );
    let r = piped(&mut fs, &["-N", "a b", "e"]);
    assert_eq!(r.stdout, "a b  e\n");
    let r = run_piped("dir", &["/nosuch"], "/", b"");
    assert_eq!(
        (r.stderr.as_str(), r.code),
        (
            "dir: cannot access '/nosuch': No such file or directory\n",
            2
        )
    );
}
