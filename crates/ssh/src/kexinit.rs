//! Parsing the client's plaintext `SSH_MSG_KEXINIT` and computing HASSH.
//!
//! Purpose: HASSH (Salesforce) fingerprints an SSH client implementation by
//! `md5("kex;enc_c2s;mac_c2s;comp_c2s")` over the name-lists of its first
//! KEXINIT, exactly as sent.  The KEXINIT travels in the first binary packet,
//! before any encryption, so [`crate::tap`] hands us its raw bytes.
//!
//! Design: [`parse_packet`] is total (never panics, no indexing) and bounded:
//! a packet longer than [`MAX_PACKET`] bytes, a padding length that leaves no
//! payload, a message other than KEXINIT (20) or any truncated field yields
//! `None`.  It is deliberately lenient about what does not affect the
//! fingerprint: padding shorter than 4 bytes or not a block multiple, and
//! trailing payload bytes after the reserved field, are accepted (the
//! client's tool is still worth fingerprinting; russh rejects such packets
//! itself).  Name-lists are split on `,` keeping empty entries, so joining
//! reproduces the bytes as sent; an empty list becomes an empty `Vec`.
//!
//! Known limits: names that are not UTF-8 are converted lossily, so the
//! HASSH of such (non-conforming) clients differs from an md5 of the raw
//! bytes.
use md5::{Digest, Md5};

/// Largest packet accepted (the `uint32` length field plus body).
pub const MAX_PACKET: usize = 35_000;

/// `SSH_MSG_KEXINIT`.
pub const MSG_KEXINIT: u8 = 20;

/// The algorithm proposal of one KEXINIT.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KexInit {
    /// The 16-byte cookie is present and not one repeated byte (all zero
    /// cookies are typical of crude scanners).
    pub cookie_ok: bool,
    /// `kex_algorithms`.
    pub kex: Vec<String>,
    /// `server_host_key_algorithms`.
    pub host_key: Vec<String>,
    /// `encryption_algorithms_client_to_server`.
    pub enc_c2s: Vec<String>,
    /// `encryption_algorithms_server_to_client`.
    pub enc_s2c: Vec<String>,
    /// `mac_algorithms_client_to_server`.
    pub mac_c2s: Vec<String>,
    /// `mac_algorithms_server_to_client`.
    pub mac_s2c: Vec<String>,
    /// `compression_algorithms_client_to_server`.
    pub comp_c2s: Vec<String>,
    /// `compression_algorithms_server_to_client`.
    pub comp_s2c: Vec<String>,
    /// `languages_client_to_server`.
    pub lang_c2s: Vec<String>,
    /// `languages_server_to_client`.
    pub lang_s2c: Vec<String>,
    /// `first_kex_packet_follows`.
    pub first_kex_follows: bool,
}

impl KexInit {
    /// The HASSH input: `kex;enc_c2s;mac_c2s;comp_c2s`, each list
    /// comma-joined as sent.
    pub fn hassh_algorithms(&self) -> String {
        [&self.kex, &self.enc_c2s, &self.mac_c2s, &self.comp_c2s]
            .iter()
            .map(|l| l.join(","))
            .collect::<Vec<_>>()
            .join(";")
    }

    /// HASSH: lowercase hex md5 of [`Self::hassh_algorithms`].
    pub fn hassh(&self) -> String {
        hex::encode(Md5::digest(self.hassh_algorithms().as_bytes()))
    }

    /// HASSHServer-style input for the server direction lists
    /// (`kex;enc_s2c;mac_s2c;comp_s2c`).
    pub fn hassh_server_algorithms(&self) -> String {
        [&self.kex, &self.enc_s2c, &self.mac_s2c, &self.comp_s2c]
            .iter()
            .map(|l| l.join(","))
            .collect::<Vec<_>>()
            .join(";")
    }

    /// Parses a KEXINIT payload (starting with the message byte 20).
    pub fn from_payload(payload: &[u8]) -> Option<Self> {
        let mut r = Reader(payload);
        if r.u8()? != MSG_KEXINIT {
            return None;
        }
        let cookie = r.take(16)?;
        let cookie_ok = cookie
            .split_first()
            .is_some_and(|(first, tail)| tail.iter().any(|b| b != first));
        let mut lists: [Vec<String>; 10] = Default::default();
        for list in &mut lists {
            *list = name_list(r.string()?);
        }
        let first_kex_follows = r.u8()? != 0;
        let _reserved = r.u32()?;
        let [
            kex,
            host_key,
            enc_c2s,
            enc_s2c,
            mac_c2s,
            mac_s2c,
            comp_c2s,
            comp_s2c,
            lang_c2s,
            lang_s2c,
        ] = lists;
        Some(Self {
            cookie_ok,
            kex,
            host_key,
            enc_c2s,
            enc_s2c,
            mac_c2s,
            mac_s2c,
            comp_c2s,
            comp_s2c,
            lang_c2s,
            lang_s2c,
            first_kex_follows,
        })
    }
}

/// Splits a name-list, keeping empty entries so that joining is lossless.
fn name_list(raw: &[u8]) -> Vec<String> {
    if raw.is_empty() {
        return Vec::new();
    }
    raw.split(|&b| b == b',')
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .collect()
}

/// Minimal bounds-checked big-endian reader.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, tail) = self.0.split_at_checked(n)?;
        self.0 = tail;
        Some(head)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1)?.first().copied()
    }
    fn u32(&mut self) -> Option<u32> {
        let b: [u8; 4] = self.take(4)?.try_into().ok()?;
        Some(u32::from_be_bytes(b))
    }
    fn string(&mut self) -> Option<&'a [u8]> {
        let n = usize::try_from(self.u32()?).ok()?;
        self.take(n)
    }
}

/// What [`packet_status`] found at the start of a byte stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PacketStatus {
    /// Not enough bytes yet; at least this many are needed in total.
    NeedBytes(usize),
    /// A complete packet of this many bytes (length field included).
    Complete(usize),
    /// The length field is impossible (0 or more than [`MAX_PACKET`]).
    Invalid,
}

/// Looks at the packet framing only (used by the tap to wait for a whole
/// packet without parsing it repeatedly).
pub fn packet_status(buf: &[u8]) -> PacketStatus {
    let Some(len) = buf.get(..4).and_then(|b| <[u8; 4]>::try_from(b).ok()) else {
        return PacketStatus::NeedBytes(4);
    };
    let Ok(len) = usize::try_from(u32::from_be_bytes(len)) else {
        return PacketStatus::Invalid;
    };
    if !(2..=MAX_PACKET - 4).contains(&len) {
        return PacketStatus::Invalid;
    }
    let total = len + 4;
    if buf.len() < total {
        PacketStatus::NeedBytes(total)
    } else {
        PacketStatus::Complete(total)
    }
}

/// Parses one plaintext SSH binary packet (`uint32` length, `byte`
/// padding length, payload, padding) holding `SSH_MSG_KEXINIT` (20).
/// Returns the proposal and the bytes consumed, or `None` on anything
/// malformed or incomplete.  Packets are capped at [`MAX_PACKET`] bytes.
pub fn parse_packet(buf: &[u8]) -> Option<(KexInit, usize)> {
    let PacketStatus::Complete(total) = packet_status(buf) else {
        return None;
    };
    let body = buf.get(4..total)?;
    let (&pad, rest) = body.split_first()?;
    let payload_len = rest.len().checked_sub(usize::from(pad))?;
    let payload = rest.get(..payload_len)?;
    let kex = KexInit::from_payload(payload)?;
    Some((kex, total))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sstr(out: &mut Vec<u8>, s: &[u8]) {
        out.extend_from_slice(&u32::try_from(s.len()).expect("len").to_be_bytes());
        out.extend_from_slice(s);
    }

    /// Builds a KEXINIT payload from ten name-lists.
    pub(crate) fn payload(lists: &[&str; 10], cookie: [u8; 16], follows: bool) -> Vec<u8> {
        let mut p = vec![MSG_KEXINIT];
        p.extend_from_slice(&cookie);
        for l in lists {
            sstr(&mut p, l.as_bytes());
        }
        p.push(u8::from(follows));
        p.extend_from_slice(&0u32.to_be_bytes());
        p
    }

    /// Wraps a payload as OpenSSH does (block 8, minimal padding >= 4).
    pub(crate) fn packet(payload: &[u8]) -> Vec<u8> {
        let mut pad = 8 - ((4 + 1 + payload.len()) % 8);
        if pad < 4 {
            pad += 8;
        }
        let len = u32::try_from(1 + payload.len() + pad).expect("len");
        let mut out = len.to_be_bytes().to_vec();
        out.push(u8::try_from(pad).expect("pad"));
        out.extend_from_slice(payload);
        out.extend(std::iter::repeat_n(0x5a, pad));
        out
    }

    /// The sshwire.py default client lists.
    pub(crate) const BENCH_LISTS: [&str; 10] = [
        "curve25519-sha256,curve25519-sha256@libssh.org,ext-info-c",
        "ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256",
        "aes128-ctr",
        "aes128-ctr",
        "hmac-sha2-256",
        "hmac-sha2-256",
        "none",
        "none",
        "",
        "",
    ];

    #[test]
    fn parses_bench_kexinit() {
        let mut pkt = packet(&payload(&BENCH_LISTS, [7; 16], true));
        let n = pkt.len();
        pkt.extend_from_slice(b"trailing next packet");
        let (k, used) = parse_packet(&pkt).expect("parse");
        assert_eq!(used, n);
        assert!(!k.cookie_ok, "constant cookie");
        assert!(k.first_kex_follows);
        assert_eq!(
            k.kex,
            [
                "curve25519-sha256",
                "curve25519-sha256@libssh.org",
                "ext-info-c"
            ]
        );
        assert_eq!(k.host_key.len(), 4);
        assert!(k.lang_c2s.is_empty() && k.lang_s2c.is_empty());
        assert_eq!(
            k.hassh_algorithms(),
            "curve25519-sha256,curve25519-sha256@libssh.org,ext-info-c;aes128-ctr;hmac-sha2-256;none"
        );
        assert_eq!(k.hassh().len(), 32);
    }

    /// Every HASSH in the shared reference data: build a KEXINIT carrying
    /// the listed algorithms, parse it back and compare the md5.
    #[test]
    fn known_hassh_values() {
        let mut rows: Vec<(String, String)> = Vec::new();
        if let Ok(csv) = std::fs::read_to_string("/work/shared/hassh/known_hassh.csv") {
            for line in csv.lines().skip(1) {
                // hassh,banner,build,source,"algorithms" (algorithms last, quoted)
                let Some(q) = line.rfind(",\"") else { continue };
                let hassh = line.split(',').next().unwrap_or_default().to_owned();
                let algs = line[q + 2..].trim_end_matches('"').to_owned();
                rows.push((hassh, algs));
            }
        }
        if let Ok(jsonl) = std::fs::read_to_string("/work/shared/hassh/measured_clients_2026.jsonl")
        {
            for line in jsonl.lines() {
                let field = |name: &str| {
                    let key = format!("\"{name}\": \"");
                    let at = line.find(&key)? + key.len();
                    let end = line[at..].find('"')?;
                    Some(line[at..at + end].to_owned())
                };
                if let (Some(h), Some(a)) = (field("hassh"), field("hasshAlgorithms")) {
                    rows.push((h, a));
                }
            }
        }
        // Always check at least the Debian 12 OpenSSH 9.2p1 client.
        rows.push((
            "472b5de333ad665af5cbf10ff892c4df".to_owned(),
            "sntrup761x25519-sha512,sntrup761x25519-sha512@openssh.com,curve25519-sha256,\
             curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,\
             diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,\
             diffie-hellman-group18-sha512,diffie-hellman-group14-sha256,ext-info-c,\
             kex-strict-c-v00@openssh.com;chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,\
             aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com;umac-64-etm@openssh.com,\
             umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,\
             hmac-sha1-etm@openssh.com,umac-64@openssh.com,umac-128@openssh.com,hmac-sha2-256,\
             hmac-sha2-512,hmac-sha1;none,zlib@openssh.com,zlib"
                .to_owned(),
        ));
        let mut checked = 0;
        for (hassh, algs) in &rows {
            let parts: Vec<&str> = algs.split(';').collect();
            let [kex, enc, mac, comp] = parts[..] else {
                panic!("bad row {algs}");
            };
            let lists = [kex, "ssh-ed25519", enc, enc, mac, mac, comp, comp, "", ""];
            let (k, _) = parse_packet(&packet(&payload(
                &lists,
                [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16],
                false,
            )))
            .expect("parse");
            assert!(k.cookie_ok);
            assert_eq!(&k.hassh_algorithms(), algs);
            assert_eq!(&k.hassh(), hassh, "{algs}");
            checked += 1;
        }
        assert!(checked >= 1);
    }

    #[test]
    fn rejects_malformed() {
        let good = packet(&payload(&BENCH_LISTS, [9; 16], false));
        // Every truncation is incomplete, never a panic.
        for cut in 0..good.len() {
            assert!(parse_packet(&good[..cut]).is_none(), "cut {cut}");
        }
        // Oversized and zero lengths.
        assert_eq!(
            packet_status(b"\xff\xff\xff\xf0\x00"),
            PacketStatus::Invalid
        );
        assert_eq!(
            packet_status(b"\x00\x00\x00\x00\x00"),
            PacketStatus::Invalid
        );
        assert_eq!(packet_status(b"\x00\x00"), PacketStatus::NeedBytes(4));
        // Padding larger than the body.
        let mut bad = good.clone();
        bad[4] = 250;
        assert!(parse_packet(&bad).is_none());
        // Not a KEXINIT (SERVICE_REQUEST).
        let mut svc = vec![5u8];
        sstr(&mut svc, b"ssh-userauth");
        assert!(parse_packet(&packet(&svc)).is_none());
        // Truncated KEXINIT payload inside a well-framed packet (the
        // malformed.kexinit_truncated probe).
        let p = payload(&BENCH_LISTS, [3; 16], false);
        assert!(parse_packet(&packet(&p[..40])).is_none());
        // A string length pointing past the end.
        let mut huge = vec![MSG_KEXINIT];
        huge.extend_from_slice(&[1; 16]);
        huge.extend_from_slice(&u32::MAX.to_be_bytes());
        assert!(parse_packet(&packet(&huge)).is_none());
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for len in 0..400usize {
            let mut v: Vec<u8> = Vec::with_capacity(len + 4);
            v.extend_from_slice(&u32::try_from(len).expect("len").to_be_bytes());
            for _ in 0..len {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                v.push((x >> 32) as u8);
            }
            if let Some(b) = v.get_mut(5) {
                *b = MSG_KEXINIT;
            }
            let _ = parse_packet(&v);
        }
    }
}
