//! HASSH families: which SSH client library or program a client fingerprint belongs to.
//!
//! The seed labels are `data/known_hassh.csv` (58 rows: measured captures and the values
//! salesforce/hassh published), embedded at build time. A HASSH found there gives the family
//! of its banner; an unknown HASSH falls back to keywords of the client's identification
//! line. The HASSH wins over the banner when both are known: a banner is one free-text line
//! any bot can set, the key-exchange lists are what the library really sends.

use std::sync::OnceLock;

/// The embedded seed table (`hassh,client_banner,client_build,source,hasshAlgorithms`).
const KNOWN_HASSH_CSV: &str = include_str!("../../data/known_hassh.csv");

/// Banner keywords, in the order they are tried (`libssh2` before `libssh`), on the lowercased
/// software part of the identification line.
const BANNER_KEYWORDS: &[(&str, &str)] = &[
    ("openssh", "openssh"),
    ("libssh2", "libssh2"),
    ("libssh", "libssh"),
    ("paramiko", "paramiko"),
    ("asyncssh", "asyncssh"),
    ("putty", "putty"),
    ("plink", "putty"),
    ("winscp", "putty"),
    ("dropbear", "dropbear"),
    ("thrussh", "russh"),
    ("russh", "russh"),
    ("net::ssh", "net-ssh"),
    ("net-ssh", "net-ssh"),
    ("jsch", "jsch"),
    ("renci", "renci"),
    ("sshnet", "renci"),
    ("cyberduck", "cyberduck"),
    ("sshj", "sshj"),
    ("sshd-core", "mina-sshd"),
    ("apache-sshd", "mina-sshd"),
    ("twisted", "twisted"),
    ("conch", "twisted"),
    ("zgrab", "zgrab"),
    ("nmap", "nmap"),
];

/// Families that are libraries or scanners, driven by programs rather than typed into.
const LIBRARY_FAMILIES: &[&str] = &[
    "libssh",
    "libssh2",
    "paramiko",
    "asyncssh",
    "go",
    "dropbear",
    "russh",
    "net-ssh",
    "jsch",
    "renci",
    "sshj",
    "mina-sshd",
    "twisted",
    "zgrab",
    "nmap",
];

/// The family of a client: from the known HASSH table first, then from keywords of its
/// identification line (`SSH-2.0-libssh2_1.10.0` → `libssh2`). `None` when neither tells.
pub fn hassh_family(hassh: &str, client_version: Option<&str>) -> Option<&'static str> {
    let key = hassh.trim().to_ascii_lowercase();
    let table = known_table();
    if let Ok(i) = table.binary_search_by(|(h, _)| (*h).cmp(key.as_str()))
        && let Some((_, family)) = table.get(i)
    {
        return Some(family);
    }
    client_version.and_then(banner_family)
}

/// Whether a family is a library or scanner (a program drives it), as opposed to the
/// interactive clients people type into (`openssh`, `putty`).
pub fn is_library_family(family: &str) -> bool {
    LIBRARY_FAMILIES.contains(&family)
}

/// Whether a family is an interactive client a person is likely to use.
pub fn is_interactive_family(family: &str) -> bool {
    matches!(family, "openssh" | "putty")
}

/// The family named by an identification line, from keywords of its software part.
pub fn banner_family(version: &str) -> Option<&'static str> {
    let lower = version.trim().to_ascii_lowercase();
    let software = lower
        .strip_prefix("ssh-2.0-")
        .or_else(|| lower.strip_prefix("ssh-1.99-"))
        .unwrap_or(&lower);
    if let Some((_, family)) = BANNER_KEYWORDS.iter().find(|(k, _)| software.contains(k)) {
        return Some(family);
    }
    let after_go = software.strip_prefix("go")?;
    match after_go.chars().next() {
        None | Some('_' | '-' | ' ' | '/') => Some("go"),
        Some(_) => None,
    }
}

/// `(hassh, family)` pairs of the seed table, sorted by HASSH, rows without a family left out.
fn known_table() -> &'static [(&'static str, &'static str)] {
    static TABLE: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut rows: Vec<(&'static str, &'static str)> = known_rows()
            .filter_map(|(hassh, banner)| Some((hassh, banner_family(banner)?)))
            .collect();
        rows.sort_unstable();
        rows.dedup_by(|a, b| a.0 == b.0);
        rows
    })
}

/// `(hassh, client_banner)` of every data row of the seed table.
pub(crate) fn known_rows() -> impl Iterator<Item = (&'static str, &'static str)> {
    KNOWN_HASSH_CSV.lines().skip(1).filter_map(|line| {
        let (hassh, rest) = line.split_once(',')?;
        let banner = first_field(rest);
        (hassh.len() == 32).then_some((hassh, banner))
    })
}

/// The first CSV field of `s` (quoted or not), without its quotes. Doubled quotes inside a
/// quoted field are left as they are: no banner in the table has one.
fn first_field(s: &str) -> &str {
    match s.strip_prefix('"') {
        Some(quoted) => quoted.split('"').next().unwrap_or(""),
        None => s.split(',').next().unwrap_or(""),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    /// The family each banner of the seed table should get, written out by hand from the
    /// banners' product names (not through the keyword table under test).
    fn expected(banner: &str) -> Option<&'static str> {
        let by_prefix: &[(&str, &str)] = &[
            ("SSH-2.0-OpenSSH_", "openssh"),
            ("SSH-2.0-libssh2_", "libssh2"),
            ("SSH-2.0-paramiko_", "paramiko"),
            ("SSH-2.0-AsyncSSH_", "asyncssh"),
            ("SSH-2.0-PuTTY_", "putty"),
            ("SSH-2.0-dropbear_", "dropbear"),
            ("Powershell Renci.SshNet", "renci"),
            ("Ruby/Net::SSH_", "net-ssh"),
            ("CyberDuck ", "cyberduck"),
        ];
        if banner == "SSH-2.0-Go" {
            return Some("go");
        }
        by_prefix
            .iter()
            .find(|(p, _)| banner.starts_with(p))
            .map(|(_, f)| *f)
    }

    #[test]
    fn every_row_of_the_seed_table_gets_its_family() {
        let rows: Vec<_> = known_rows().collect();
        assert_eq!(rows.len(), 58, "the seed table has 58 rows");
        let mut checked = 0;
        for (hassh, banner) in rows {
            let want = expected(banner);
            assert!(want.is_some(), "no clear family written down for {banner}");
            assert_eq!(hassh_family(hassh, None), want, "{hassh} {banner}");
            // Upper case and surrounding blanks are the same value.
            let upper = format!(" {} ", hassh.to_ascii_uppercase());
            assert_eq!(hassh_family(&upper, None), want);
            checked += 1;
        }
        assert_eq!(checked, 58);
    }

    #[test]
    fn known_hassh_wins_over_a_spoofed_banner() {
        // Go x/crypto measured HASSH, with a banner claiming OpenSSH.
        let fam = hassh_family(
            "4e066189c3bbeec38c99b1855113733a",
            Some("SSH-2.0-OpenSSH_8.9p1 Ubuntu-3"),
        );
        assert_eq!(fam, Some("go"));
    }

    #[test]
    fn unknown_hassh_falls_back_to_the_banner() {
        let unknown = "00000000000000000000000000000000";
        let cases = [
            ("SSH-2.0-libssh_0.9.6", Some("libssh")),
            ("SSH-2.0-libssh2_1.11.0", Some("libssh2")),
            ("SSH-2.0-libssh-0.6.3", Some("libssh")),
            ("SSH-2.0-Go", Some("go")),
            ("SSH-2.0-Go_1.21", Some("go")),
            ("SSH-2.0-JSCH-0.1.54", Some("jsch")),
            ("SSH-2.0-russh_0.40.2", Some("russh")),
            ("SSH-2.0-Renci.SshNet.SshClient.0.0.1", Some("renci")),
            ("SSH-2.0-Ruby/Net::SSH_7.2.0 x86_64-linux", Some("net-ssh")),
            ("SSH-2.0-PuTTY_Release_0.81", Some("putty")),
            ("SSH-2.0-WinSCP_release_6.1", Some("putty")),
            ("SSH-2.0-dropbear_2022.83", Some("dropbear")),
            ("SSH-2.0-paramiko_3.4.0", Some("paramiko")),
            ("SSH-2.0-AsyncSSH_2.14.2", Some("asyncssh")),
            ("SSH-2.0-OpenSSH_9.6", Some("openssh")),
            ("SSH-2.0-ZGrab ZGrab SSH Survey", Some("zgrab")),
            ("SSH-2.0-Gossamer", None),
            ("SSH-2.0-HELLO", None),
            ("", None),
        ];
        for (banner, want) in cases {
            assert_eq!(hassh_family(unknown, Some(banner)), want, "{banner}");
        }
        assert_eq!(hassh_family(unknown, None), None);
        assert_eq!(hassh_family("", None), None);
    }

    #[test]
    fn library_and_interactive_families() {
        assert!(is_library_family("go"));
        assert!(is_library_family("libssh2"));
        assert!(!is_library_family("openssh"));
        assert!(is_interactive_family("putty"));
        assert!(!is_interactive_family("paramiko"));
    }
}
