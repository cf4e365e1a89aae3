//! `unzip` against answers captured from Debian's unzip 6.0 on the fixtures in
//! `tests/fixtures/unzip/` (`expected.json`: per case, a fresh directory holding every
//! fixture, `bad.txt` and `dir/`, then steps with their stdin, stdout, stderr and status),
//! plus what the filesystem holds afterwards, the caps, and a non-root user.

use miragepot_vfs::{Ctx, Fs, Limits, WriteMode};
use serde::Deserialize;

use super::super::testutil::{Ran, run_in, run_session, shared_persona};

const DIR: &str = "/tmp/w";

const FIXTURES: &[(&str, &[u8])] = &[
    (
        "a.zip",
        include_bytes!("../../../tests/fixtures/unzip/a.zip"),
    ),
    (
        "badcen.zip",
        include_bytes!("../../../tests/fixtures/unzip/badcen.zip"),
    ),
    (
        "badcrc.zip",
        include_bytes!("../../../tests/fixtures/unzip/badcrc.zip"),
    ),
    (
        "badinf.zip",
        include_bytes!("../../../tests/fixtures/unzip/badinf.zip"),
    ),
    (
        "badloc.zip",
        include_bytes!("../../../tests/fixtures/unzip/badloc.zip"),
    ),
    (
        "bomb.zip",
        include_bytes!("../../../tests/fixtures/unzip/bomb.zip"),
    ),
    (
        "comment.zip",
        include_bytes!("../../../tests/fixtures/unzip/comment.zip"),
    ),
    (
        "empty22.zip",
        include_bytes!("../../../tests/fixtures/unzip/empty22.zip"),
    ),
    (
        "enc.zip",
        include_bytes!("../../../tests/fixtures/unzip/enc.zip"),
    ),
    (
        "evil.zip",
        include_bytes!("../../../tests/fixtures/unzip/evil.zip"),
    ),
    (
        "link.zip",
        include_bytes!("../../../tests/fixtures/unzip/link.zip"),
    ),
    (
        "meth.zip",
        include_bytes!("../../../tests/fixtures/unzip/meth.zip"),
    ),
    (
        "sfx.zip",
        include_bytes!("../../../tests/fixtures/unzip/sfx.zip"),
    ),
    (
        "ut.zip",
        include_bytes!("../../../tests/fixtures/unzip/ut.zip"),
    ),
];

fn root() -> Ctx {
    Ctx {
        uid: 0,
        gid: 0,
        now: 1_763_730_000,
    }
}

/// A session filesystem with the fixtures in [`DIR`], under `limits`.
fn fs_with(limits: Limits) -> Fs {
    let mut fs = Fs::new(shared_persona().base.clone(), limits);
    let c = root();
    fs.create_dir("/", DIR, 0o755, &c).expect("dir");
    fs.create_dir(DIR, "dir", 0o755, &c).expect("dir");
    fs.write(
        DIR,
        "bad.txt",
        b"not a zip file\n",
        WriteMode::Truncate,
        0o644,
        &c,
    )
    .expect("bad.txt");
    for (name, bytes) in FIXTURES {
        fs.write(DIR, name, bytes, WriteMode::Truncate, 0o644, &c)
            .expect("fixture");
    }
    fs
}

fn unzip(fs: &mut Fs, args: &[&str], stdin: &[u8]) -> Ran {
    run_in(shared_persona(), fs, "unzip", args, DIR, stdin)
}

fn read(fs: &Fs, p: &str) -> Vec<u8> {
    fs.read(DIR, p, &root(), 1 << 24)
        .map(|c| c.into_owned())
        .unwrap_or_default()
}

#[derive(Deserialize)]
struct Case {
    case: String,
    steps: Vec<Step>,
}

#[derive(Deserialize)]
struct Step {
    #[serde(default)]
    write: Option<String>,
    #[serde(default)]
    content: String,
    #[serde(default)]
    args: Vec<String>,
    #[serde(default)]
    stdin: String,
    #[serde(default)]
    stdout: String,
    #[serde(default)]
    stderr: String,
    #[serde(default)]
    status: i32,
}

#[test]
fn answers_as_the_real_unzip() {
    let cases: Vec<Case> =
        serde_json::from_str(include_str!("../../../tests/fixtures/unzip/expected.json"))
            .expect("expected.json");
    assert!(cases.len() > 30);
    let mut failures = Vec::new();
    for case in &cases {
        let mut fs = fs_with(Limits::default());
        for step in &case.steps {
            if let Some(p) = &step.write {
                fs.write(
                    DIR,
                    p,
                    step.content.as_bytes(),
                    WriteMode::Truncate,
                    0o644,
                    &root(),
                )
                .expect("write");
                continue;
            }
            let args: Vec<&str> = step.args.iter().map(String::as_str).collect();
            let r = unzip(&mut fs, &args, step.stdin.as_bytes());
            let got = (r.stdout.as_str(), r.stderr.as_str(), r.code);
            let want = (step.stdout.as_str(), step.stderr.as_str(), step.status);
            if got != want {
                failures.push(format!(
                    "[{}] unzip {:?} <<< {:?}\n  got  {got:?}\n  want {want:?}",
                    case.case, step.args, step.stdin
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn extracted_files_have_the_archive_content_modes_and_times() {
    let mut fs = fs_with(Limits::default());
    assert_eq!(unzip(&mut fs, &["-q", "a.zip"], b"").code, 0);
    assert_eq!(read(&fs, "run.sh"), b"#!/bin/sh\necho pwned\n");
    assert_eq!(read(&fs, "d/hello.txt"), b"hello world\n");
    let nums: String = (1..=300).map(|n| format!("{n}\n")).collect();
    assert_eq!(read(&fs, "d/nums.txt"), nums.as_bytes());
    let run = fs.stat(DIR, "run.sh").expect("run.sh");
    assert_eq!((run.mode & 0o7777, run.mtime), (0o755, 1_741_064_768));
    let d = fs.stat(DIR, "d").expect("d");
    assert!(d.is_dir());
    assert_eq!((d.mode & 0o7777, d.mtime), (0o755, 1_741_064_768));
    assert_eq!(fs.stat(DIR, "d/empty").expect("empty").size, 0);
    // The UT extra field carries the exact second.
    assert_eq!(
        unzip(&mut fs, &["-o", "-q", "ut.zip", "-d", "u"], b"").code,
        0
    );
    assert_eq!(fs.stat(DIR, "u/run.sh").expect("u").mtime, 1_741_064_767);
    // -D leaves the time of extraction.
    assert_eq!(unzip(&mut fs, &["-qD", "a.zip", "-d", "nt"], b"").code, 0);
    assert_eq!(fs.stat(DIR, "nt/run.sh").expect("nt").mtime, 1_763_730_000);
}

#[test]
fn answers_change_what_is_written() {
    let mut fs = fs_with(Limits::default());
    unzip(&mut fs, &["-q", "a.zip"], b"");
    let c = root();
    fs.write(DIR, "run.sh", b"mine\n", WriteMode::Truncate, 0o644, &c)
        .expect("w");
    unzip(&mut fs, &["a.zip"], b"n\nN\n");
    assert_eq!(read(&fs, "run.sh"), b"mine\n");
    unzip(&mut fs, &["a.zip"], b"");
    assert_eq!(read(&fs, "run.sh"), b"mine\n");
    unzip(&mut fs, &["a.zip"], b"r\nother.sh\nN\n");
    assert_eq!(read(&fs, "other.sh"), b"#!/bin/sh\necho pwned\n");
    assert_eq!(read(&fs, "run.sh"), b"mine\n");
    unzip(&mut fs, &["a.zip"], b"y\nN\n");
    assert_eq!(read(&fs, "run.sh"), b"#!/bin/sh\necho pwned\n");
}

#[test]
fn names_never_leave_the_target_directory() {
    let mut fs = fs_with(Limits::default());
    let r = unzip(&mut fs, &["evil.zip"], b"");
    assert_eq!(r.code, 1);
    assert_eq!(read(&fs, "tmp/evil.sh"), b"evil\n");
    assert_eq!(read(&fs, "etc/cron.d/x"), b"* * * * * root id\n");
    assert!(!fs.exists("/", "/tmp/evil.sh"));
    assert!(!fs.exists("/", "/etc/cron.d/x"));
    // A link in the archive is made last: a later member cannot write through it.
    let r = unzip(&mut fs, &["-q", "link.zip", "-d", "l"], b"");
    assert_eq!(r.code, 0);
    assert_eq!(fs.read_link(DIR, "l/link").expect("link"), "d/hello.txt");
}

#[test]
fn the_right_password_decrypts() {
    let mut fs = fs_with(Limits::default());
    assert_eq!(
        unzip(&mut fs, &["-q", "-P", "secret", "enc.zip", "-d", "e"], b"").code,
        0
    );
    assert_eq!(read(&fs, "e/run.sh"), b"#!/bin/sh\necho pwned\n");
    assert_eq!(
        unzip(&mut fs, &["-q", "-P", "nope", "enc.zip", "-d", "f"], b"").code,
        82
    );
    assert!(!fs.exists(DIR, "f/run.sh"));
}

#[test]
fn a_full_overlay_stops_extraction_with_the_disk_full_question() {
    let limits = Limits {
        max_overlay_bytes: 200_000,
        ..Limits::default()
    };
    let mut fs = fs_with(limits);
    let r = unzip(&mut fs, &["bomb.zip"], b"");
    assert_eq!(
        r.stdout,
        "Archive:  bomb.zip\n  inflating: zeros                   "
    );
    assert_eq!(
        r.stderr,
        "\nzeros:  write error (disk full?).  Continue? (y/n/^C) \nwarning:  zeros is probably truncated\n"
    );
    assert_eq!(r.code, 50);
    assert!(fs.overlay_bytes() <= 200_000);
    assert!(!fs.exists(DIR, "a_small"));
    let kept = fs.stat(DIR, "zeros").expect("zeros").size;
    assert!(kept > 0 && kept < 300_000, "{kept}");
    // `y` goes on with the next member; the cut one fails its CRC.
    let r = unzip(&mut fs, &["-o", "bomb.zip"], b"y\n");
    assert_eq!(
        r.stdout,
        "Archive:  bomb.zip\n  inflating: zeros                    extracting: a_small                 \n"
    );
    assert!(
        r.stderr
            .starts_with("\nzeros:  write error (disk full?).  Continue? (y/n/^C)  bad CRC "),
        "{}",
        r.stderr
    );
    assert!(r.stderr.ends_with("  (should be f6b2e2fb)\n"));
    assert_eq!(r.code, 2);
    assert_eq!(read(&fs, "a_small"), b"small\n");
}

/// A zip of one deflated member of `n` zero bytes (made here, not checked in).
fn zeros_zip(n: usize) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![0u8; 1 << 16];
    let mut left = n;
    let mut crc = flate2::Crc::new();
    while left > 0 {
        let k = left.min(chunk.len());
        enc.write_all(&chunk[..k]).expect("deflate");
        crc.update(&chunk[..k]);
        left -= k;
    }
    let body = enc.finish().expect("deflate");
    let name = b"big";
    let mut z = Vec::new();
    let head = |sig: &[u8], z: &mut Vec<u8>| {
        z.extend_from_slice(sig);
        z.extend_from_slice(&[20, 0]);
    };
    head(b"PK\x03\x04", &mut z);
    z.extend_from_slice(&[0, 0, 8, 0, 0, 0, 0x21, 0]);
    z.extend_from_slice(&crc.sum().to_le_bytes());
    z.extend_from_slice(&(body.len() as u32).to_le_bytes());
    z.extend_from_slice(&(n as u32).to_le_bytes());
    z.extend_from_slice(&(name.len() as u16).to_le_bytes());
    z.extend_from_slice(&[0, 0]);
    z.extend_from_slice(name);
    z.extend_from_slice(&body);
    let cd = z.len();
    head(b"PK\x01\x02", &mut z);
    z.extend_from_slice(&[20, 0, 0, 0, 8, 0, 0, 0, 0x21, 0]);
    z.extend_from_slice(&crc.sum().to_le_bytes());
    z.extend_from_slice(&(body.len() as u32).to_le_bytes());
    z.extend_from_slice(&(n as u32).to_le_bytes());
    z.extend_from_slice(&(name.len() as u16).to_le_bytes());
    z.extend_from_slice(&[0; 12]);
    z.extend_from_slice(&0u32.to_le_bytes());
    z.extend_from_slice(name);
    let cd_len = z.len() - cd;
    z.extend_from_slice(b"PK\x05\x06\0\0\0\0\x01\0\x01\0");
    z.extend_from_slice(&(cd_len as u32).to_le_bytes());
    z.extend_from_slice(&(cd as u32).to_le_bytes());
    z.extend_from_slice(&[0, 0]);
    z
}

#[test]
fn a_zip_bomb_is_cut_at_the_caps() {
    let bomb = zeros_zip(100 << 20);
    assert!(bomb.len() < 1 << 20);
    let mut fs = fs_with(Limits::default());
    fs.write(DIR, "bomb2.zip", &bomb, WriteMode::Truncate, 0o644, &root())
        .expect("bomb");
    let r = unzip(&mut fs, &["-l", "bomb2.zip"], b"");
    assert!(
        r.stdout.contains("104857600  1980-01-01 00:00   big\n"),
        "{}",
        r.stdout
    );
    let r = unzip(&mut fs, &["bomb2.zip"], b"");
    assert_eq!(r.code, 50, "{}", r.stderr);
    assert!(r.stderr.contains("big:  write error (disk full?)"));
    assert!(fs.overlay_bytes() <= Limits::default().max_overlay_bytes);
    assert!(fs.stat(DIR, "big").expect("big").size <= 16 << 20);
    let r = unzip(&mut fs, &["-p", "bomb2.zip"], b"");
    assert!(r.stdout.len() <= 1 << 20);
    let r = unzip(&mut fs, &["-t", "bomb2.zip"], b"");
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn a_user_cannot_write_where_the_box_forbids_it() {
    let persona = shared_persona();
    let mut fs = fs_with(Limits::default());
    let sys = super::super::SysState::default();
    let r = run_session(
        persona,
        &mut fs,
        "debian",
        sys,
        "unzip",
        &["/tmp/w/a.zip"],
        "/etc",
        b"",
        true,
        Some("pts/0"),
    );
    assert_eq!(r.stdout, "Archive:  /tmp/w/a.zip\n");
    assert_eq!(
        r.stderr,
        "error:  cannot create run.sh\n        Permission denied\n\
         checkdir error:  cannot create d\n                 Permission denied\n                 unable to process d/.\n\
         checkdir error:  cannot create d\n                 Permission denied\n                 unable to process d/nums.txt.\n\
         checkdir error:  cannot create d\n                 Permission denied\n                 unable to process d/empty.\n\
         checkdir error:  cannot create d\n                 Permission denied\n                 unable to process d/hello.txt.\n"
    );
    assert_eq!(r.code, 50);
    assert!(!fs.exists("/", "/etc/run.sh"));
}
