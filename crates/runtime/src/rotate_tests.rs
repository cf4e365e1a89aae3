//! Tests of the rotating log file: size and age rotation, retention, and a full disk
//! (`/dev/full` behind a symlink answers every write with `ENOSPC`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant, SystemTime};

use super::*;

/// Wall time and monotonic time, now.
fn clocks() -> (SystemTime, Instant) {
    (
        SystemTime::from(time::OffsetDateTime::now_utc()),
        Instant::now(),
    )
}

fn policy(max_bytes: u64, max_age: u64, keep: usize) -> RotatePolicy {
    RotatePolicy {
        max_bytes,
        max_age: Duration::from_secs(max_age),
        retention: Duration::from_secs(3600),
        keep,
    }
}

fn rotated(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("m.json."))
        .collect();
    v.sort();
    v
}

#[test]
fn rotates_by_size_and_keeps_whole_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.json");
    let mut f =
        RotatingFile::open(path.clone(), policy(100, 0, 10), SystemTime::UNIX_EPOCH).unwrap();
    let (now, mono) = clocks();
    let line = [b'x'; 59].iter().chain(b"\n").copied().collect::<Vec<u8>>();
    for _ in 0..3 {
        assert_eq!(f.write(&line, now, mono), Written::Ok);
    }
    // 60 + 60 > 100: each line after the first starts a new file.
    assert_eq!(rotated(dir.path()).len(), 2, "{:?}", rotated(dir.path()));
    assert_eq!(std::fs::read(&path).unwrap(), line);
    assert!(
        rotated(dir.path())[0].starts_with("m.json.2"),
        "named by UTC time"
    );
}

#[test]
fn rotates_by_age_and_prunes_past_the_count() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.json");
    let mut f = RotatingFile::open(path.clone(), policy(0, 60, 2), SystemTime::UNIX_EPOCH).unwrap();
    let (t0, mono) = clocks();
    for i in 0..5u64 {
        let now = t0 + Duration::from_secs(61 * i);
        assert_eq!(f.write(format!("{i}\n").as_bytes(), now, mono), Written::Ok);
    }
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "4\n");
    assert_eq!(rotated(dir.path()).len(), 2, "only the newest two are kept");
}

#[test]
fn prune_deletes_past_the_retention() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.json");
    let (now, _) = clocks();
    for (name, age) in [
        ("m.json.old", 7200),
        ("m.json.new", 60),
        ("other.json.old", 7200),
    ] {
        let f = std::fs::File::create(dir.path().join(name)).unwrap();
        f.set_modified(now - Duration::from_secs(age)).unwrap();
    }
    assert_eq!(prune(&path, &policy(0, 0, 0), now).unwrap(), 1);
    assert_eq!(rotated(dir.path()), vec!["m.json.new".to_string()]);
    assert!(dir.path().join("other.json.old").exists(), "not ours");
}

#[cfg(unix)]
#[test]
fn a_full_disk_drops_and_retries_then_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.json");
    std::os::unix::fs::symlink("/dev/full", &path).unwrap();
    let mut f =
        RotatingFile::open(path.clone(), policy(1 << 20, 0, 10), SystemTime::UNIX_EPOCH).unwrap();
    let (now, t0) = clocks();
    assert_eq!(f.write(b"a\n", now, t0), Written::Dropped, "ENOSPC");
    assert_eq!(
        f.write(b"b\n", now, t0 + Duration::from_secs(1)),
        Written::Dropped,
        "not retried before RETRY_EVERY"
    );
    // The disk has room again.
    std::fs::remove_file(&path).unwrap();
    std::fs::write(&path, b"").unwrap();
    assert_eq!(
        f.write(b"c\n", now, t0 + RETRY_EVERY + Duration::from_millis(1)),
        Written::Ok
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "c\n");
}

#[test]
fn a_batch_is_split_between_lines_at_the_size_bound() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.json");
    let mut f =
        RotatingFile::open(path.clone(), policy(100, 0, 10), SystemTime::UNIX_EPOCH).unwrap();
    let (now, mono) = clocks();
    let line = |c: u8| [c; 29].iter().chain(b"\n").copied().collect::<Vec<u8>>();
    let batch: Vec<u8> = b"abcde".iter().flat_map(|&c| line(c)).collect();
    assert_eq!(f.write(&batch, now, mono), Written::Ok);
    let names = rotated(dir.path());
    assert_eq!(names.len(), 1, "{names:?}");
    let first = std::fs::read(dir.path().join(&names[0])).unwrap();
    assert_eq!(first, [line(b'a'), line(b'b'), line(b'c')].concat());
    assert_eq!(
        std::fs::read(&path).unwrap(),
        [line(b'd'), line(b'e')].concat()
    );
    // A single line longer than the bound gets a file of its own.
    let long = [b'z'; 250]
        .iter()
        .chain(b"\n")
        .copied()
        .collect::<Vec<u8>>();
    assert_eq!(f.write(&long, now, mono), Written::Ok);
    assert_eq!(std::fs::read(&path).unwrap(), long);
}
