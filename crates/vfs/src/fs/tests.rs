//! Tests for the copy-on-write overlay.

use std::sync::Arc;

use super::*;
use crate::BaseBuilder;

fn base() -> Arc<BaseImage> {
    let mut b = BaseBuilder::new(1_000);
    b.dir("/etc", 0o755, 0, 0)
        .file(
            "/etc/passwd",
            0o644,
            0,
            0,
            b"root:x:0:0:root:/root:/bin/bash\n",
        )
        .file("/etc/shadow", 0o640, 0, 42, b"root:*:1::::::\n")
        .dir("/usr/bin", 0o755, 0, 0)
        .file("/usr/bin/ls", 0o755, 0, 0, b"\x7fELF")
        .symlink("/bin", "usr/bin")
        .dir("/tmp", 0o1777, 0, 0)
        .dir("/root", 0o700, 0, 0)
        .dir("/home/user", 0o755, 1000, 1000)
        .symlink("/loop", "/loop")
        .char_device("/dev/null", 0o666, 1, 3);
    Arc::new(b.build())
}

const ROOT: Ctx = Ctx {
    uid: 0,
    gid: 0,
    now: 5_000,
};
const USER: Ctx = Ctx {
    uid: 1000,
    gid: 1000,
    now: 5_000,
};

fn fs() -> Fs {
    Fs::new(base(), Limits::default())
}

fn read(fs: &Fs, p: &str) -> Vec<u8> {
    fs.read("/", p, &ROOT, usize::MAX).unwrap().into_owned()
}

#[test]
fn follows_symlinks_and_dotdot() {
    let fs = fs();
    assert_eq!(fs.canonicalize("/", "/bin/ls").unwrap(), "/usr/bin/ls");
    assert_eq!(
        fs.canonicalize("/tmp", "../usr/../etc/./passwd").unwrap(),
        "/etc/passwd"
    );
    assert_eq!(fs.lstat("/", "/bin").unwrap().kind, FileType::Symlink);
    assert_eq!(fs.stat("/", "/bin").unwrap().kind, FileType::Dir);
    assert_eq!(fs.stat("/", "/loop"), Err(FsError::TooManyLinks));
    assert_eq!(fs.stat("/", "/etc/passwd/x"), Err(FsError::NotADirectory));
    assert_eq!(fs.stat("/", "/etc/passwd/"), Err(FsError::NotADirectory));
    assert_eq!(fs.stat("/", "/nope/x"), Err(FsError::NotFound));
    assert_eq!(fs.read_link("/", "/bin").unwrap(), "usr/bin");
}

#[test]
fn writes_stay_in_the_session() {
    let mut a = fs();
    let b = fs();
    a.write("/tmp", "x", b"hi\n", WriteMode::Truncate, 0o644, &ROOT)
        .unwrap();
    a.write("/tmp", "x", b"there\n", WriteMode::Append, 0o644, &ROOT)
        .unwrap();
    assert_eq!(read(&a, "/tmp/x"), b"hi\nthere\n");
    assert_eq!(b.stat("/", "/tmp/x"), Err(FsError::NotFound));
    let names: Vec<_> = a
        .read_dir("/", "/tmp", &ROOT)
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(names, vec!["x"]);
    assert_eq!(a.stat("/", "/tmp/x").unwrap().size, 9);
    assert_eq!(a.written_files().count(), 1);
}

#[test]
fn write_through_symlink_and_to_devices() {
    let mut a = fs();
    a.write(
        "/",
        "/bin/newtool",
        b"#!/bin/sh\n",
        WriteMode::Truncate,
        0o755,
        &ROOT,
    )
    .unwrap();
    assert!(a.exists("/", "/usr/bin/newtool"));
    a.write("/", "/dev/null", b"gone", WriteMode::Truncate, 0o644, &ROOT)
        .unwrap();
    assert_eq!(a.stat("/", "/dev/null").unwrap().size, 0);
    assert_eq!(
        a.write("/", "/proc/x", b"", WriteMode::Truncate, 0o644, &ROOT),
        Err(FsError::NotFound)
    );
    assert_eq!(
        a.write("/", "/etc", b"", WriteMode::Truncate, 0o644, &ROOT),
        Err(FsError::IsADirectory)
    );
}

#[test]
fn remove_and_recreate() {
    let mut a = fs();
    a.remove_file("/", "/etc/passwd", &ROOT).unwrap();
    assert_eq!(a.stat("/", "/etc/passwd"), Err(FsError::NotFound));
    let names: Vec<_> = a
        .read_dir("/", "/etc", &ROOT)
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(names, vec!["shadow"]);
    a.write(
        "/",
        "/etc/passwd",
        b"new\n",
        WriteMode::Truncate,
        0o644,
        &ROOT,
    )
    .unwrap();
    assert_eq!(read(&a, "/etc/passwd"), b"new\n");
    assert_eq!(a.remove_dir("/", "/etc", &ROOT), Err(FsError::NotEmpty));
    assert_eq!(
        a.remove_file("/", "/etc", &ROOT),
        Err(FsError::IsADirectory)
    );
    a.remove_tree("/", "/etc", &ROOT).unwrap();
    assert!(!a.exists("/", "/etc/shadow"));
    a.create_dir("/", "/etc", 0o755, &ROOT).unwrap();
    assert!(
        a.read_dir("/", "/etc", &ROOT).unwrap().is_empty(),
        "new dir hides old children"
    );
    // removing a symlink removes the link only
    a.remove_file("/", "/bin", &ROOT).unwrap();
    assert!(a.exists("/", "/usr/bin/ls"));
    assert_eq!(a.remove_tree("/", "/", &ROOT), Err(FsError::Busy));
}

#[test]
fn rename_files_and_dirs() {
    let mut a = fs();
    a.rename("/", "/etc/passwd", "/tmp/p", &ROOT).unwrap();
    assert_eq!(read(&a, "/tmp/p"), b"root:x:0:0:root:/root:/bin/bash\n");
    assert!(!a.exists("/", "/etc/passwd"));
    a.rename("/", "/usr/bin", "/tmp/b", &ROOT).unwrap();
    assert!(a.exists("/", "/tmp/b/ls"));
    assert!(!a.exists("/", "/usr/bin/ls"));
    assert_eq!(
        a.rename("/", "/tmp", "/tmp/b/x", &ROOT),
        Err(FsError::InvalidArgument)
    );
}

#[test]
fn metadata_copy_up_keeps_content_shared() {
    let mut a = fs();
    let before = a.overlay_bytes();
    a.set_mode("/", "/usr/bin/ls", 0o4755, &ROOT).unwrap();
    assert_eq!(
        a.stat("/", "/usr/bin/ls").unwrap().mode_string(),
        "-rwsr-xr-x"
    );
    assert_eq!(read(&a, "/usr/bin/ls"), b"\x7fELF");
    assert!(a.overlay_bytes() - before < 200);
    a.set_owner("/", "/etc", Some(1000), None, true, &ROOT)
        .unwrap();
    assert!(
        a.exists("/", "/etc/passwd"),
        "copy-up of a dir keeps base children"
    );
    assert_eq!(a.stat("/", "/etc").unwrap().uid, 1000);
}

#[test]
fn permissions_for_non_root() {
    let mut a = fs();
    assert_eq!(
        a.read("/", "/etc/shadow", &USER, 100).unwrap_err(),
        FsError::PermissionDenied
    );
    assert_eq!(
        a.read_dir("/", "/root", &USER).unwrap_err(),
        FsError::PermissionDenied
    );
    assert_eq!(
        a.write("/", "/etc/x", b"", WriteMode::Truncate, 0o644, &USER),
        Err(FsError::PermissionDenied)
    );
    a.write(
        "/",
        "/home/user/x",
        b"ok",
        WriteMode::Truncate,
        0o644,
        &USER,
    )
    .unwrap();
    a.write("/", "/tmp/y", b"ok", WriteMode::Truncate, 0o644, &USER)
        .unwrap();
    assert_eq!(
        a.set_mode("/", "/etc/passwd", 0o777, &USER),
        Err(FsError::NotPermitted)
    );
}

#[test]
fn caps_give_enospc_and_are_released() {
    let mut a = Fs::new(
        base(),
        Limits {
            max_overlay_bytes: 4096,
            ..Limits::default()
        },
    );
    let big = vec![b'a'; 3000];
    a.write("/", "/tmp/a", &big, WriteMode::Truncate, 0o644, &ROOT)
        .unwrap();
    assert_eq!(
        a.write("/", "/tmp/b", &big, WriteMode::Truncate, 0o644, &ROOT),
        Err(FsError::NoSpace)
    );
    a.write("/", "/tmp/a", b"small", WriteMode::Truncate, 0o644, &ROOT)
        .unwrap();
    a.write("/", "/tmp/b", &big, WriteMode::Truncate, 0o644, &ROOT)
        .unwrap();
    let long = "a".repeat(300);
    assert_eq!(a.stat("/", &long), Err(FsError::NameTooLong));
    let mut few = Fs::new(
        base(),
        Limits {
            max_entries: 2,
            ..Limits::default()
        },
    );
    few.create_dir("/", "/tmp/1", 0o755, &ROOT).unwrap();
    few.create_dir("/", "/tmp/2", 0o755, &ROOT).unwrap();
    assert_eq!(
        few.create_dir("/", "/tmp/3", 0o755, &ROOT),
        Err(FsError::NoSpace)
    );
}

#[test]
fn synthetic_content_is_deterministic() {
    let a = synthesize(7, true, 100);
    assert_eq!(a, synthesize(7, true, 100));
    assert_eq!(a.get(..4).unwrap(), b"\x7fELF");
    assert_eq!(synthesize(7, false, 10).len(), 10);
    // A program carries the strings `strings` finds in a real one, at the same size.
    let ls = synthesize(42, true, 151_344);
    assert_eq!(ls.len(), 151_344);
    let text: Vec<String> = ls
        .split(|&b| !(0x20..0x7f).contains(&b))
        .filter(|w| w.len() >= 4)
        .map(|w| String::from_utf8_lossy(w).into_owned())
        .collect();
    for want in [
        "/lib64/ld-linux-x86-64.so.2",
        "libc.so.6",
        "GLIBC_2.34",
        "GCC: (Debian 12.2.0-14) 12.2.0",
        "__libc_start_main",
        ".shstrtab",
    ] {
        assert!(text.iter().any(|w| w == want), "{want} missing");
    }
    assert_ne!(
        text,
        {
            let other = synthesize(43, true, 151_344);
            other
                .split(|&b| !(0x20..0x7f).contains(&b))
                .filter(|w| w.len() >= 4)
                .map(|w| String::from_utf8_lossy(w).into_owned())
                .collect::<Vec<_>>()
        },
        "the symbol set depends on the program"
    );
    // Small files keep only what fits.
    assert_eq!(synthesize(42, true, 0x320).len(), 0x320);
}

#[test]
fn first_write_is_cheap() {
    let mut a = fs();
    a.write("/", "/tmp/a", b"hello\n", WriteMode::Truncate, 0o644, &ROOT)
        .unwrap();
    assert!(a.overlay_bytes() < 1024);
}

#[test]
fn pristine_until_the_path_or_a_directory_above_it_changes() {
    let mut fs = fs();
    assert!(fs.is_pristine("/etc/passwd"));
    fs.write("/", "/tmp/x", b"x", WriteMode::Truncate, 0o644, &ROOT)
        .unwrap();
    assert!(fs.is_pristine("/etc/passwd"), "an unrelated write");
    assert!(!fs.is_pristine("/tmp/x"));
    fs.set_mode("/", "/etc", 0o700, &ROOT).unwrap();
    assert!(!fs.is_pristine("/etc/passwd"), "its directory changed");
    let mut fs = self::fs();
    fs.write(
        "/",
        "/etc/passwd",
        b"a:x:0:0::/:/bin/sh\n",
        WriteMode::Append,
        0o644,
        &ROOT,
    )
    .unwrap();
    assert!(!fs.is_pristine("/etc/passwd"));
    assert!(fs.is_pristine("/etc/shadow"));
    assert!(!fs.is_pristine("relative"));
}
