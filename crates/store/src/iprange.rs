//! Addresses as sortable keys, and [`IpRange`], a CIDR block to filter sessions by.
//!
//! # Design
//! - Every address is keyed by the 32 lowercase hex digits of its 128-bit IPv6 form
//!   (`sessions.ip_key`); an IPv4 address takes its IPv4-mapped form `::ffff:a.b.c.d`, so
//!   `192.0.2.7` and `::ffff:192.0.2.7` (what a dual-stack socket reports) share one key.
//! - Fixed-width hex sorts like the number it spells, so a CIDR block is the string range
//!   `lo..=hi` ([`IpRange::keys`]): an index range scan on both backends, no IP types needed
//!   (PostgreSQL compares `ip_key` with the "C" collation, bytewise like SQLite).
//! - Parsing is lenient where it is harmless: host bits below the prefix are cleared
//!   (`10.1.2.3/8` is `10.0.0.0/8`), and a bare address is a /32 or /128.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};
use std::str::FromStr;

use crate::StoreError;

/// The longest input quoted back in an error.
const QUOTE_MAX: usize = 64;

/// The `sessions.ip_key` of `ip`: 32 lowercase hex digits of its IPv6 (or IPv4-mapped) form.
pub(crate) fn ip_key(ip: IpAddr) -> String {
    format!("{:032x}", as_u128(ip))
}

fn as_u128(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(v4) => u128::from(v4.to_ipv6_mapped()),
        IpAddr::V6(v6) => u128::from(v6),
    }
}

/// A block of addresses: one address, or a CIDR range (`10.0.0.0/8`, `2001:db8::/32`).
///
/// IPv4 blocks cover the IPv4-mapped IPv6 addresses too (the store keys both alike).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IpRange {
    network: IpAddr,
    prefix: u8,
}

impl IpRange {
    /// The block of `prefix` leading bits of `addr` (host bits cleared), or an error when
    /// `prefix` is longer than the address (32 for IPv4, 128 for IPv6).
    pub fn new(addr: IpAddr, prefix: u8) -> Result<IpRange, StoreError> {
        let max = match addr {
            IpAddr::V4(_) => 32,
            IpAddr::V6(_) => 128,
        };
        if prefix > max {
            return Err(StoreError::InvalidIpRange {
                input: format!("{addr}/{prefix}"),
                reason: "prefix longer than the address",
            });
        }
        let network = match addr {
            IpAddr::V4(v4) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
                IpAddr::V4((u32::from(v4) & mask).into())
            }
            IpAddr::V6(v6) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
                IpAddr::V6(Ipv6Addr::from(u128::from(v6) & mask))
            }
        };
        Ok(IpRange { network, prefix })
    }

    /// The first address of the block.
    pub fn network(&self) -> IpAddr {
        self.network
    }

    /// The prefix length (32 or 128 for a single address).
    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    /// The prefix length counted in the 128-bit key space (IPv4 blocks sit under
    /// `::ffff:0:0/96`).
    fn key_prefix(&self) -> u32 {
        match self.network {
            IpAddr::V4(_) => 96 + u32::from(self.prefix),
            IpAddr::V6(_) => u32::from(self.prefix),
        }
    }

    /// The lowest and highest `sessions.ip_key` in the block (both inclusive): 32 lowercase
    /// hex digits each.
    pub fn keys(&self) -> (String, String) {
        let lo = as_u128(self.network);
        let host = u128::MAX.checked_shr(self.key_prefix()).unwrap_or(0);
        (format!("{lo:032x}"), format!("{:032x}", lo | host))
    }

    /// Whether `ip` is in the block.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let (lo, hi) = self.keys();
        let key = ip_key(ip);
        lo <= key && key <= hi
    }
}

impl fmt::Display for IpRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

impl FromStr for IpRange {
    type Err = StoreError;

    /// Parses `ADDR` or `ADDR/PREFIX` (surrounding spaces ignored).
    fn from_str(s: &str) -> Result<IpRange, StoreError> {
        let text = s.trim();
        let bad = |reason| StoreError::InvalidIpRange {
            input: text.chars().take(QUOTE_MAX).collect(),
            reason,
        };
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| bad("not an IP address"))?;
        let prefix = match prefix {
            None => match addr {
                IpAddr::V4(_) => 32,
                IpAddr::V6(_) => 128,
            },
            Some(p) if !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()) => {
                p.parse().map_err(|_| bad("prefix is not a number"))?
            }
            Some(_) => return Err(bad("prefix is not a number")),
        };
        IpRange::new(addr, prefix).map_err(|_| bad("prefix longer than the address"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(s: &str) -> (String, String) {
        s.parse::<IpRange>().unwrap().keys()
    }

    #[test]
    fn v4_keys_are_mapped() {
        let ip: IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(ip_key(ip), "00000000000000000000ffffcb007109");
        let mapped: IpAddr = "::ffff:203.0.113.9".parse().unwrap();
        assert_eq!(ip_key(mapped), ip_key(ip));
        assert_eq!(keys("203.0.113.9"), (ip_key(ip), ip_key(ip)));
    }

    #[test]
    fn cidr_ranges() {
        assert_eq!(
            keys("10.0.0.0/8"),
            (
                "00000000000000000000ffff0a000000".to_owned(),
                "00000000000000000000ffff0affffff".to_owned()
            )
        );
        assert_eq!(
            keys("2001:db8::/32"),
            (
                "20010db8000000000000000000000000".to_owned(),
                "20010db8ffffffffffffffffffffffff".to_owned()
            )
        );
        assert_eq!(keys("0.0.0.0/0").0, "00000000000000000000ffff00000000");
        assert_eq!(keys("::/0").1, "f".repeat(32));
        // Host bits are cleared.
        assert_eq!(keys("10.1.2.3/8"), keys("10.0.0.0/8"));
        let r: IpRange = " 10.9.9.9/16 ".parse().unwrap();
        assert_eq!(r.to_string(), "10.9.0.0/16");
        assert!(r.contains("10.9.255.1".parse().unwrap()));
        assert!(!r.contains("10.10.0.1".parse().unwrap()));
        assert!(!r.contains("2001:db8::1".parse().unwrap()));
    }

    #[test]
    fn bad_ranges_are_errors() {
        for bad in [
            "",
            "/8",
            "10.0.0.0/",
            "10.0.0.0/33",
            "::/129",
            "10.0.0.0/+8",
            "10.0.0.0/08x",
            "10.0.0.0/9999999999999",
            "example.org",
            "10.0.0.0/8/8",
        ] {
            let err = bad.parse::<IpRange>().unwrap_err();
            assert!(
                matches!(err, StoreError::InvalidIpRange { .. }),
                "{bad}: {err}"
            );
        }
        let long = "x".repeat(10_000);
        let StoreError::InvalidIpRange { input, .. } = long.parse::<IpRange>().unwrap_err() else {
            panic!("wrong variant");
        };
        assert_eq!(input.len(), QUOTE_MAX);
    }
}
