//! Tests of `wget`: log texts, files created, observations and errors.

use crate::Observation;
use crate::commands::testutil::{run_in, run_piped, shared_persona};

fn downloads(notes: &[Observation]) -> Vec<(String, String, Option<u64>, Option<String>)> {
    notes
        .iter()
        .filter_map(|o| match o {
            Observation::Download(d) => Some((
                d.tool.clone(),
                d.outcome.clone(),
                d.size,
                d.destination.clone(),
            )),
            _ => None,
        })
        .collect()
}

/// Runs with stderr not a terminal (as in an exec session) in `/tmp`.
fn exec(fs: &mut miragepot_vfs::Fs, args: &[&str]) -> crate::commands::testutil::Ran {
    crate::commands::testutil::run_exec(shared_persona(), fs, "wget", args, "/tmp", b"")
}

#[test]
fn saves_a_script_with_the_dot_log() {
    let mut fs = shared_persona().new_fs();
    let r = exec(&mut fs, &["http://198.51.100.7/bins.sh"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let d = downloads(&r.notes);
    let size = d[0].2.unwrap();
    assert_eq!(d[0].0, "wget");
    assert_eq!(d[0].1, "saved");
    assert_eq!(d[0].3.as_deref(), Some("/tmp/bins.sh"));
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(
        lines[0],
        "--2025-11-21 13:00:00--  http://198.51.100.7/bins.sh"
    );
    assert_eq!(lines[1], "Connecting to 198.51.100.7:80... connected.");
    assert_eq!(lines[2], "HTTP request sent, awaiting response... 200 OK");
    let human = if size >= 1024 {
        format!(" ({:.1}K)", size as f64 / 1024.0)
    } else {
        String::new()
    };
    assert_eq!(
        lines[3],
        format!("Length: {size}{human} [application/x-sh]")
    );
    assert_eq!(lines[4], "Saving to: \u{2018}bins.sh\u{2019}");
    assert_eq!(lines[5], "");
    assert!(lines[6].starts_with("     0K "), "{}", r.stderr);
    assert_eq!(lines[6].find("100%"), Some(62), "{}", lines[6]);
    assert_eq!(lines[7], "");
    assert!(lines[8].starts_with("2025-11-21 13:00:00 ("));
    assert!(lines[8].ends_with(&format!(" - \u{2018}bins.sh\u{2019} saved [{size}/{size}]")));
    assert!(r.stderr.ends_with("]\n\n"));
    assert!(r.sys.pace_ms > 0);
    let meta = fs.stat("/", "/tmp/bins.sh").unwrap();
    assert_eq!((meta.size, meta.mode & 0o777, meta.uid), (size, 0o644, 0));
    let body = fs
        .read(
            "/",
            "/tmp/bins.sh",
            &miragepot_vfs::Ctx {
                uid: 0,
                gid: 0,
                now: 0,
            },
            1 << 20,
        )
        .unwrap();
    assert!(body.starts_with(b"#!/bin/sh\n"));
    // The same URL again: same size, saved as bins.sh.1.
    let r2 = exec(&mut fs, &["-nv", "198.51.100.7/bins.sh"]);
    let d2 = downloads(&r2.notes);
    assert_eq!(d2[0].2, Some(size));
    assert_eq!(d2[0].3.as_deref(), Some("/tmp/bins.sh.1"));
    assert_eq!(
        r2.stderr,
        format!(
            "2025-11-21 13:00:00 URL:http://198.51.100.7/bins.sh [{size}/{size}] -> \"bins.sh.1\" [1]\n"
        )
    );
}

#[test]
fn big_binaries_have_rows_of_dots_and_names_resolve() {
    let mut fs = shared_persona().new_fs();
    let r = exec(&mut fs, &["http://dl.example.com/x86_64"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("Resolving dl.example.com (dl.example.com)... ")
    );
    assert!(
        r.stderr
            .contains("Connecting to dl.example.com (dl.example.com)|")
    );
    assert!(r.stderr.contains("|:80... connected.\n"));
    assert!(r.stderr.contains("[application/octet-stream]\n"));
    let rows: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.ends_with("K ..........") || l.contains("K .......... "))
        .collect();
    assert!(!rows.is_empty());
    assert!(
        r.stderr
            .contains("\n     0K .......... .......... .......... .......... .......... "),
        "{}",
        r.stderr
    );
    let b = fs
        .read(
            "/",
            "/tmp/x86_64",
            &miragepot_vfs::Ctx {
                uid: 0,
                gid: 0,
                now: 0,
            },
            1 << 20,
        )
        .unwrap();
    assert_eq!(&b[..4], b"\x7fELF");
    assert_eq!(&b[18..20], &[0x3e, 0]);
}

#[test]
fn output_document_prefix_and_quiet() {
    let mut fs = shared_persona().new_fs();
    let r = exec(
        &mut fs,
        &["-q", "-O", "/tmp/a", "http://198.51.100.7/bins.sh"],
    );
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert!(fs.exists("/", "/tmp/a"));
    let r = exec(&mut fs, &["-qO-", "http://198.51.100.7/bins.sh"]);
    assert!(r.stdout.starts_with("#!/bin/sh\n"));
    assert_eq!(downloads(&r.notes)[0].1, "stdout");
    let r = exec(&mut fs, &["-O", "-", "http://198.51.100.7/bins.sh"]);
    assert!(r.stderr.contains("Saving to: \u{2018}STDOUT\u{2019}\n"));
    assert!(r.stderr.contains(" - written to stdout ["));
    let r = exec(
        &mut fs,
        &[
            "-q",
            "-P",
            "/tmp/d/e",
            "--no-check-certificate",
            "-t",
            "3",
            "-T",
            "5",
            "-U",
            "x",
            "https://198.51.100.7/bins.sh",
        ],
    );
    assert_eq!(r.code, 0);
    assert!(fs.exists("/", "/tmp/d/e/bins.sh"));
    let r = exec(
        &mut fs,
        &["-c", "-P", "/tmp/d/e", "https://198.51.100.7/bins.sh"],
    );
    assert!(
        r.stderr
            .contains("The file is already fully retrieved; nothing to do.")
    );
    assert!(!fs.exists("/", "/tmp/d/e/bins.sh.1"));
}

#[test]
fn errors_read_like_wget() {
    let mut fs = shared_persona().new_fs();
    let r = exec(&mut fs, &[]);
    assert_eq!(
        (r.stderr.as_str(), r.code),
        (
            "wget: missing URL\nUsage: wget [OPTION]... [URL]...\n\nTry `wget --help' for more options.\n",
            1
        )
    );
    let r = exec(&mut fs, &["http://127.0.0.1:8080/x"]);
    assert_eq!(
        r.stderr,
        "--2025-11-21 13:00:00--  http://127.0.0.1:8080/x\nConnecting to 127.0.0.1:8080... failed: Connection refused.\n"
    );
    assert_eq!(r.code, 4);
    assert_eq!(downloads(&r.notes)[0].1, "refused");
    let r = exec(&mut fs, &["http://nosuch.invalid/x"]);
    assert_eq!(
        r.stderr,
        "--2025-11-21 13:00:00--  http://nosuch.invalid/x\nResolving nosuch.invalid (nosuch.invalid)... failed: Name or service not known.\nwget: unable to resolve host address \u{2018}nosuch.invalid\u{2019}\n"
    );
    assert_eq!(
        (r.code, downloads(&r.notes)[0].1.as_str()),
        (4, "dns_failed")
    );
    let r = exec(
        &mut fs,
        &[
            "foo://x/y",
            "http://",
            "http://a:99999/",
            "tftp://1.2.3.4/x",
        ],
    );
    assert_eq!(
        r.stderr,
        "foo://x/y: Unsupported scheme \u{2018}foo\u{2019}.\nhttp://: Invalid host name.\nhttp://a:99999/: Bad port number.\ntftp://1.2.3.4/x: Unsupported scheme \u{2018}tftp\u{2019}.\n"
    );
    assert_eq!(r.code, 1);
    assert_eq!(downloads(&r.notes)[0].1, "bad_url");
    let r = exec(&mut fs, &["-Y"]);
    assert_eq!(
        r.stderr,
        "wget: option requires an argument -- 'Y'\nUsage: wget [OPTION]... [URL]...\n\nTry `wget --help' for more options.\n"
    );
    assert_eq!(r.code, 2);
}

#[test]
fn several_urls_and_404() {
    let mut fs = shared_persona().new_fs();
    // Find a URL the model answers with 404 and check the log and status.
    let missing = (0..200)
        .map(|i| format!("http://198.51.100.7/f{i}"))
        .find(|u| {
            let url = crate::commands::download::parse_url(u, &["http"]).unwrap();
            crate::commands::download::fetch(&url).status == 404
        })
        .unwrap();
    let r = exec(&mut fs, &[&missing, "http://198.51.100.7/bins.sh"]);
    assert!(r.stderr.contains("HTTP request sent, awaiting response... 404 Not Found\n2025-11-21 13:00:00 ERROR 404: Not Found.\n\n"));
    assert!(r.stderr.contains("FINISHED --2025-11-21 13:00:0"));
    assert!(r.stderr.contains("Downloaded: 1 files, "));
    assert_eq!(r.code, 8);
    let d = downloads(&r.notes);
    assert_eq!((d[0].1.as_str(), d[1].1.as_str()), ("http_error", "saved"));
}

#[test]
fn ftp_and_piped_log() {
    let mut fs = shared_persona().new_fs();
    let r = exec(&mut fs, &["ftp://198.51.100.7/pub/x86"]);
    assert!(r.stderr.contains("           => \u{2018}x86\u{2019}\nConnecting to 198.51.100.7:21... connected.\nLogging in as anonymous ... Logged in!\n==> SYST ... done.    ==> PWD ... done.\n==> TYPE I ... done.  ==> CWD (1) /pub ... done.\n"), "{}", r.stderr);
    let r = run_piped("wget", &["--help"], "/", b"");
    assert!(
        r.stdout
            .starts_with("GNU Wget 1.21.3, a non-interactive network retriever.\n")
    );
    let mut fs2 = shared_persona().new_fs();
    let r = run_in(
        shared_persona(),
        &mut fs2,
        "wget",
        &["-b", "http://198.51.100.7/bins.sh"],
        "/tmp",
        b"",
    );
    assert!(r.stdout.starts_with("Continuing in background, pid "));
    assert!(fs2.exists("/", "/tmp/wget-log") && fs2.exists("/", "/tmp/bins.sh"));
}

#[test]
fn helpers_format_like_wget() {
    use super::progress::{human_readable, print_decimal};
    assert_eq!(human_readable(1234), "1.2K");
    assert_eq!(human_readable(45_678), "45K");
    assert_eq!(human_readable(900 * 1024), "900K");
    assert_eq!(human_readable(2_000_000), "1.9M");
    assert_eq!(print_decimal(0.06), "0.06");
    assert_eq!(print_decimal(0.5), "0.5");
    assert_eq!(print_decimal(1.23), "1.2");
    assert_eq!(print_decimal(12.3), "12");
    assert_eq!(print_decimal(0.0001), "0");
}

#[test]
fn the_bar_on_a_terminal() {
    assert_eq!(
        super::progress::bar("bins.sh", 547, 0.0001, 80),
        "bins.sh             100%[===================>]     547  --.-KB/s    in 0s      "
    );
    assert_eq!(
        super::progress::bar("wget-1.21.tar.gz", 4_949_000, 2.4, 80),
        "wget-1.21.tar.gz    100%[===================>]   4.72M  1.97MB/s    in 2.4s    "
    );
}
