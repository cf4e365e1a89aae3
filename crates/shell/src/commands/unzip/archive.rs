//! Zip archive reading for `unzip`: the end-of-central-directory record (and its Zip64
//! form), the central directory, local headers and member data, stored or deflated (the
//! `flate2` crate, as `gzip` uses). Everything works on bytes already read from the VFS;
//! expanding a member takes a byte cap from the caller, so a zip bomb stops at the cap.

use std::io::Read;

use flate2::{Crc, read::DeflateDecoder};

/// Most central-directory entries read from one archive (a classic zip's own limit).
const MAX_ENTRIES: u64 = 65_535;

/// One central-directory entry.
#[derive(Debug, Clone)]
pub(super) struct Member {
    /// The stored name, as UTF-8 (lossy).
    pub name: String,
    /// General-purpose flags (bit 0: encrypted; bits 1-2: deflate level).
    pub flags: u16,
    /// Compression method (0 stored, 8 deflate, ...).
    pub method: u16,
    /// MS-DOS date (high 16 bits) and time (low 16 bits).
    pub dos: u32,
    /// CRC-32 of the uncompressed data.
    pub crc: u32,
    /// Compressed size.
    pub csize: u64,
    /// Uncompressed size.
    pub usize: u64,
    /// The host system that made the entry (3 is Unix).
    pub host: u8,
    /// "Version made by", low byte (30 is 3.0).
    pub made_by: u8,
    /// Internal attributes (bit 0: text).
    pub internal: u16,
    /// External attributes (Unix mode in the high 16 bits for Unix hosts).
    pub external: u32,
    /// Offset of the local header, as stored.
    pub offset: u64,
    /// Modification time from an extended-timestamp ("UT") extra field.
    pub ut_mtime: Option<i64>,
    /// Whether the entry has an extra field.
    pub has_extra: bool,
}

impl Member {
    /// Whether the entry names a directory.
    pub fn is_dir(&self) -> bool {
        self.name.ends_with('/') || (self.unix_mode() & 0o170_000) == 0o040_000
    }

    /// Whether the entry is a Unix symbolic link.
    pub fn is_symlink(&self) -> bool {
        (self.unix_mode() & 0o170_000) == 0o120_000
    }

    /// The Unix mode stored for Unix-made entries (0 otherwise).
    pub fn unix_mode(&self) -> u32 {
        if self.host == 3 {
            self.external >> 16
        } else {
            0
        }
    }

    /// Whether the data is encrypted.
    pub fn encrypted(&self) -> bool {
        self.flags & 1 != 0
    }

    /// The modification time, unix seconds: the UT field's, else the DOS time read as UTC
    /// (the persona's zone).
    pub fn mtime(&self) -> i64 {
        self.ut_mtime.unwrap_or_else(|| dos_to_unix(self.dos))
    }
}

/// An opened archive.
#[derive(Debug)]
pub(super) struct Zip {
    /// The entries read from the central directory, in order.
    pub members: Vec<Member>,
    /// The archive comment.
    pub comment: Vec<u8>,
    /// Bytes found before the archive proper (a self-extractor stub); offsets are shifted.
    pub extra_bytes: u64,
    /// 1-based number of the central header that was missing, when the directory is cut.
    pub bad_central: Option<usize>,
    /// Number of entries the end record announces.
    pub total: u64,
}

/// Why an archive could not be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OpenError {
    /// No end-of-central-directory record: not a zip (or one disk of a split archive).
    NoEnd,
}

/// The deflate stream of a member is corrupt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct InflateError;

fn u16_at(d: &[u8], at: usize) -> Option<u16> {
    let b = d.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([*b.first()?, *b.get(1)?]))
}

fn u32_at(d: &[u8], at: usize) -> Option<u32> {
    let b = d.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes(b.try_into().ok()?))
}

fn u64_at(d: &[u8], at: usize) -> Option<u64> {
    let b = d.get(at..at.checked_add(8)?)?;
    Some(u64::from_le_bytes(b.try_into().ok()?))
}

fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// Finds the end record and reads the central directory.
pub(super) fn open(data: &[u8]) -> Result<Zip, OpenError> {
    let last = data.len().checked_sub(22).ok_or(OpenError::NoEnd)?;
    let first = last.saturating_sub(0xffff);
    let eocd = (first..=last)
        .rev()
        .find(|&i| data.get(i..i + 4) == Some(b"PK\x05\x06"))
        .ok_or(OpenError::NoEnd)?;
    let mut total = u64::from(u16_at(data, eocd + 10).unwrap_or(0));
    let mut cd_size = u64::from(u32_at(data, eocd + 12).unwrap_or(0));
    let mut cd_offset = u64::from(u32_at(data, eocd + 16).unwrap_or(0));
    let clen = usize::from(u16_at(data, eocd + 20).unwrap_or(0));
    let comment = data
        .get(eocd + 22..(eocd + 22 + clen).min(data.len()))
        .unwrap_or(&[])
        .to_vec();
    let mut end_at = eocd;
    // Zip64: the locator sits just before the end record and points at the Zip64 record.
    if let Some(loc) = eocd.checked_sub(20)
        && data.get(loc..loc + 4) == Some(b"PK\x06\x07")
        && let Some(rec) = u64_at(data, loc + 8).map(to_usize)
        && data.get(rec..rec.saturating_add(4)) == Some(b"PK\x06\x06")
    {
        total = u64_at(data, rec + 32).unwrap_or(total);
        cd_size = u64_at(data, rec + 40).unwrap_or(cd_size);
        cd_offset = u64_at(data, rec + 48).unwrap_or(cd_offset);
        end_at = rec;
    }
    // Where the directory really starts; the difference is a prepended stub.
    let real = (end_at as u64).saturating_sub(cd_size);
    let extra_bytes = real.saturating_sub(cd_offset);
    let mut at = to_usize(cd_offset.saturating_add(extra_bytes));
    let mut members = Vec::new();
    let mut bad_central = None;
    // Zip64 counts are 64-bit; past this many entries the rest are left unread.
    for j in 0..total.min(MAX_ENTRIES) {
        if data.get(at..at.saturating_add(4)) != Some(b"PK\x01\x02") {
            bad_central = Some(to_usize(j) + 1);
            break;
        }
        let Some((m, next)) = central_entry(data, at) else {
            bad_central = Some(to_usize(j) + 1);
            break;
        };
        members.push(m);
        at = next;
    }
    Ok(Zip {
        members,
        comment,
        extra_bytes,
        bad_central,
        total,
    })
}

/// Parses the central header at `at`; returns it and where the next one starts.
fn central_entry(d: &[u8], at: usize) -> Option<(Member, usize)> {
    let made = u16_at(d, at + 4)?;
    let flags = u16_at(d, at + 8)?;
    let method = u16_at(d, at + 10)?;
    let time = u16_at(d, at + 12)?;
    let date = u16_at(d, at + 14)?;
    let crc = u32_at(d, at + 16)?;
    let mut csize = u64::from(u32_at(d, at + 20)?);
    let mut usize_ = u64::from(u32_at(d, at + 24)?);
    let nlen = usize::from(u16_at(d, at + 28)?);
    let elen = usize::from(u16_at(d, at + 30)?);
    let clen = usize::from(u16_at(d, at + 32)?);
    let internal = u16_at(d, at + 36)?;
    let external = u32_at(d, at + 38)?;
    let mut offset = u64::from(u32_at(d, at + 42)?);
    let name_at = at + 46;
    let name = String::from_utf8_lossy(d.get(name_at..name_at + nlen)?).into_owned();
    let extra = d.get(name_at + nlen..name_at + nlen + elen).unwrap_or(&[]);
    let mut ut_mtime = None;
    let mut i = 0;
    while let (Some(id), Some(len)) = (u16_at(extra, i), u16_at(extra, i + 2)) {
        let body = extra.get(i + 4..i + 4 + usize::from(len)).unwrap_or(&[]);
        match id {
            0x5455 if body.first().is_some_and(|f| f & 1 != 0) => {
                ut_mtime = u32_at(body, 1).map(|t| i64::from(t as i32));
            }
            0x0001 => {
                // Zip64 extended information: only the fields that overflowed, in order.
                let mut k = 0;
                for field in [&mut usize_, &mut csize, &mut offset] {
                    if *field == 0xffff_ffff {
                        if let Some(v) = u64_at(body, k) {
                            *field = v;
                        }
                        k += 8;
                    }
                }
            }
            _ => {}
        }
        i += 4 + usize::from(len);
    }
    let member = Member {
        name,
        flags,
        method,
        dos: (u32::from(date) << 16) | u32::from(time),
        crc,
        csize,
        usize: usize_,
        host: (made >> 8) as u8,
        made_by: (made & 0xff) as u8,
        internal,
        external,
        offset,
        ut_mtime,
        has_extra: elen > 0,
    };
    Some((member, name_at + nlen + elen + clen))
}

/// The raw (compressed) bytes of a member, found through its local header; `Err` with the
/// stated offset when no local header is there.
pub(super) fn raw_data<'a>(data: &'a [u8], zip: &Zip, m: &Member) -> Result<&'a [u8], u64> {
    let at = to_usize(m.offset.saturating_add(zip.extra_bytes));
    if data.get(at..at.saturating_add(4)) != Some(b"PK\x03\x04") {
        return Err(m.offset);
    }
    let nlen = usize::from(u16_at(data, at + 26).unwrap_or(0));
    let elen = usize::from(u16_at(data, at + 28).unwrap_or(0));
    let start = at.saturating_add(30 + nlen + elen).min(data.len());
    let end = start.saturating_add(to_usize(m.csize)).min(data.len());
    Ok(data.get(start..end).unwrap_or(&[]))
}

/// Expanded member data: at most `cap` bytes, and whether there was more.
pub(super) struct Expanded {
    /// The bytes (cut at the cap).
    pub bytes: Vec<u8>,
    /// Whether the data went on past the cap.
    pub cut: bool,
}

/// Expands stored or deflated data, keeping at most `cap` bytes.
pub(super) fn expand(raw: &[u8], method: u16, cap: usize) -> Result<Expanded, InflateError> {
    if method == 0 {
        let bytes = raw.get(..cap.min(raw.len())).unwrap_or(raw).to_vec();
        return Ok(Expanded {
            cut: raw.len() > cap,
            bytes,
        });
    }
    let mut bytes = Vec::new();
    let limit = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
    DeflateDecoder::new(raw)
        .take(limit)
        .read_to_end(&mut bytes)
        .map_err(|_| InflateError)?;
    let cut = bytes.len() > cap;
    bytes.truncate(cap);
    Ok(Expanded { bytes, cut })
}

/// CRC-32 of `data`, as zip stores it.
pub(super) fn crc32(data: &[u8]) -> u32 {
    let mut c = Crc::new();
    c.update(data);
    c.sum()
}

/// Traditional PKWARE decryption ("ZipCrypto"): returns the data after the 12-byte header,
/// or `None` when the header's check byte says the password is wrong.
pub(super) fn decrypt(raw: &[u8], password: &str, m: &Member) -> Option<Vec<u8>> {
    let mut table = [0u32; 256];
    for (n, slot) in (0u32..).zip(table.iter_mut()) {
        let mut c = n;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
        *slot = c;
    }
    let crc = |c: u32, b: u8| {
        let i = usize::from((c as u8) ^ b);
        table.get(i).copied().unwrap_or(0) ^ (c >> 8)
    };
    let mut k = [0x1234_5678u32, 0x2345_6789, 0x3456_7890];
    let update = |k: &mut [u32; 3], b: u8| {
        k[0] = crc(k[0], b);
        k[1] = k[1]
            .wrapping_add(k[0] & 0xff)
            .wrapping_mul(134_775_813)
            .wrapping_add(1);
        k[2] = crc(k[2], (k[1] >> 24) as u8);
    };
    for b in password.bytes() {
        update(&mut k, b);
    }
    let mut out = Vec::with_capacity(raw.len());
    for &c in raw {
        let t = (k[2] | 2) & 0xffff;
        let p = c ^ ((t.wrapping_mul(t ^ 1) >> 8) as u8);
        update(&mut k, p);
        out.push(p);
    }
    let want = if m.flags & 8 != 0 {
        (m.dos >> 8) as u8
    } else {
        (m.crc >> 24) as u8
    };
    (out.get(11) == Some(&want)).then(|| out.split_off(12.min(out.len())))
}

/// MS-DOS date and time (local time; the persona is UTC) to unix seconds.
pub(super) fn dos_to_unix(dos: u32) -> i64 {
    let (y, mo, d, h, mi, s) = dos_fields(dos);
    // Howard Hinnant's days-from-civil, on the clamped fields.
    let (y, m, d) = (
        i64::from(y),
        i64::from(mo.clamp(1, 12)),
        i64::from(d.max(1)),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s)
}

/// Year, month, day, hour, minute, second of an MS-DOS timestamp.
pub(super) fn dos_fields(dos: u32) -> (u32, u32, u32, u32, u32, u32) {
    (
        ((dos >> 25) & 0x7f) + 1980,
        (dos >> 21) & 0x0f,
        (dos >> 16) & 0x1f,
        (dos >> 11) & 0x1f,
        (dos >> 5) & 0x3f,
        (dos & 0x1f) * 2,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const A_ZIP: &[u8] = include_bytes!("../../../tests/fixtures/unzip/a.zip");

    #[test]
    fn reads_the_directory_of_a_real_archive() {
        let z = open(A_ZIP).expect("zip");
        let names: Vec<&str> = z.members.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(
            names,
            ["run.sh", "d/", "d/nums.txt", "d/empty", "d/hello.txt"]
        );
        assert_eq!((z.extra_bytes, z.bad_central, z.total), (0, None, 5));
        let run = &z.members[0];
        assert_eq!((run.unix_mode() & 0o7777, run.method), (0o755, 0));
        assert!(z.members[1].is_dir());
        let nums = &z.members[2];
        let raw = raw_data(A_ZIP, &z, nums).expect("data");
        let e = expand(raw, nums.method, 1 << 20).expect("inflate");
        assert_eq!((e.bytes.len(), e.cut), (1092, false));
        assert_eq!(crc32(&e.bytes), nums.crc);
        let e = expand(raw, nums.method, 100).expect("inflate");
        assert_eq!((e.bytes.len(), e.cut), (100, true));
        assert_eq!(nums.mtime(), 1_741_064_768); // 2025-03-04 05:06:08 UTC
    }

    #[test]
    fn rejects_what_is_not_a_zip() {
        for bad in [
            &b""[..],
            b"PK\x05",
            b"not a zip file at all, just some text\n",
        ] {
            assert_eq!(open(bad).err(), Some(OpenError::NoEnd));
        }
        let mut garbage = A_ZIP.to_vec();
        let j = garbage.len() - 22;
        garbage[j + 16] ^= 0x40; // central directory offset off by 64
        let z = open(&garbage).expect("end record still there");
        assert!(z.members.len() < 5 || z.extra_bytes > 0 || z.bad_central.is_some());
    }

    #[test]
    fn dos_times_decode() {
        assert_eq!(dos_fields(0x5a64_28c4), (2025, 3, 4, 5, 6, 8));
        assert_eq!(dos_to_unix(0), 315_532_800);
    }
}
