//! The in-memory blocklist and its exports.
//!
//! The store's `blocks` table is the source of truth (it survives restarts and is where
//! `miragepot block`/`unblock` write); this is the copy the accept loop reads. Entries made
//! here (strike and profile blocks) are written to the store by the policy's sync task and
//! are kept across a reload until they are, so a reload never drops a fresh block.
//!
//! Exports, for firewalls and ban tools: a plain list (one address per line), an nftables
//! file defining the sets `miragepot_v4` and `miragepot_v6` with per-element timeouts, and
//! fail2ban-style `Ban` lines that log watchers already parse.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::net::IpAddr;

use miragepot_store::BlockRow;
use time::OffsetDateTime;
use time::macros::format_description;

/// One entry, with whether the store has it yet.
#[derive(Debug, Clone)]
struct Entry {
    row: BlockRow,
    persisted: bool,
}

/// Blocked addresses.
#[derive(Debug, Default)]
pub struct Blocklist {
    entries: HashMap<IpAddr, Entry>,
    /// Deletions not yet applied to the store: a reload must not bring them back.
    deleting: HashSet<IpAddr>,
}

impl Blocklist {
    /// The block in force for `ip` at `now`, if any.
    pub fn get(&self, ip: IpAddr, now: OffsetDateTime) -> Option<&BlockRow> {
        self.entries
            .get(&ip)
            .map(|e| &e.row)
            .filter(|r| r.active_at(now))
    }

    /// Adds (or replaces) a block made here; it is marked for writing to the store.
    pub fn insert_local(&mut self, row: BlockRow) {
        self.deleting.remove(&row.ip);
        self.entries.insert(
            row.ip,
            Entry {
                row,
                persisted: false,
            },
        );
    }

    /// Removes the block of `ip` here, and marks the deletion for the store.
    pub fn remove_local(&mut self, ip: IpAddr) -> Option<BlockRow> {
        let e = self.entries.remove(&ip)?;
        self.deleting.insert(ip);
        Some(e.row)
    }

    /// The store now has `row` (the same block, not a newer one for the same address).
    pub fn mark_persisted(&mut self, row: &BlockRow) {
        if let Some(e) = self.entries.get_mut(&row.ip).filter(|e| e.row == *row) {
            e.persisted = true;
        }
    }

    /// The store no longer has `ip`'s block.
    pub fn mark_deleted(&mut self, ip: IpAddr) {
        self.deleting.remove(&ip);
    }

    /// Replaces the contents with the store's active rows, keeping local blocks not yet
    /// written and leaving out deletions not yet applied. Returns the addresses that were
    /// blocked before and are not now (an operator unblocked them, or they lapsed).
    pub fn replace(&mut self, rows: Vec<BlockRow>, now: OffsetDateTime) -> Vec<IpAddr> {
        let mut next: HashMap<IpAddr, Entry> = rows
            .into_iter()
            .filter(|r| !self.deleting.contains(&r.ip))
            .map(|row| {
                (
                    row.ip,
                    Entry {
                        row,
                        persisted: true,
                    },
                )
            })
            .collect();
        for (ip, e) in &self.entries {
            if !e.persisted && e.row.active_at(now) {
                next.insert(*ip, e.clone());
            }
        }
        let gone = self
            .entries
            .keys()
            .filter(|ip| !next.contains_key(ip))
            .copied()
            .collect();
        self.entries = next;
        gone
    }

    /// Active blocks at `now`, sorted by address (exports are stable).
    pub fn active(&self, now: OffsetDateTime) -> Vec<BlockRow> {
        let mut v: Vec<BlockRow> = self
            .entries
            .values()
            .map(|e| e.row.clone())
            .filter(|r| r.active_at(now))
            .collect();
        v.sort_by_key(|r| r.ip);
        v
    }

    /// Blocks made here that the store does not have yet.
    pub fn unpersisted(&self) -> Vec<BlockRow> {
        self.entries
            .values()
            .filter(|e| !e.persisted)
            .map(|e| e.row.clone())
            .collect()
    }

    /// Deletions the store has not had yet.
    pub fn pending_deletes(&self) -> Vec<IpAddr> {
        self.deleting.iter().copied().collect()
    }
}

/// One address per line, sorted.
pub fn export_plain(rows: &[BlockRow]) -> String {
    let mut ips: Vec<IpAddr> = rows.iter().map(|r| r.ip).collect();
    ips.sort();
    let mut out = String::new();
    for ip in ips {
        let _ = writeln!(out, "{ip}");
    }
    out
}

/// An nftables file: `table inet miragepot` with the sets `miragepot_v4` and `miragepot_v6`
/// (flag `timeout`; a block with an end gets the seconds it has left). Load it with
/// `nft -f`, and drop from the sets in your own chain:
/// `ip saddr @miragepot_v4 drop`.
pub fn export_nft(rows: &[BlockRow], now: OffsetDateTime) -> String {
    let mut out = String::from(
        "# miragepot blocklist (generated; `nft -f` this file)\n\
         table inet miragepot {\n",
    );
    for (name, kind, v4) in [
        ("miragepot_v4", "ipv4_addr", true),
        ("miragepot_v6", "ipv6_addr", false),
    ] {
        let mut elems: Vec<(IpAddr, Option<i64>)> = rows
            .iter()
            .filter(|r| r.ip.is_ipv4() == v4)
            .map(|r| (r.ip, r.expires.map(|e| (e - now).whole_seconds().max(1))))
            .collect();
        elems.sort();
        let _ = write!(
            out,
            "    set {name} {{\n        type {kind}\n        flags timeout\n"
        );
        if !elems.is_empty() {
            let list: Vec<String> = elems
                .iter()
                .map(|(ip, left)| match left {
                    Some(s) => format!("{ip} timeout {s}s"),
                    None => ip.to_string(),
                })
                .collect();
            let _ = writeln!(out, "        elements = {{ {} }}", list.join(", "));
        }
        out.push_str("    }\n");
    }
    out.push_str("}\n");
    out
}

/// fail2ban-style lines, one `Ban` per address in the order blocks were made:
/// `2026-11-21 12:00:01,000 fail2ban.actions [miragepot]: NOTICE  [miragepot-ssh] Ban 203.0.113.9`.
pub fn export_fail2ban(rows: &[BlockRow]) -> String {
    let fmt =
        format_description!("[year]-[month]-[day] [hour]:[minute]:[second],[subsecond digits:3]");
    let mut sorted: Vec<&BlockRow> = rows.iter().collect();
    sorted.sort_by_key(|r| (r.created, r.ip));
    let mut out = String::new();
    for r in sorted {
        let ts = r.created.format(&fmt).unwrap_or_default();
        let _ = writeln!(
            out,
            "{ts} fail2ban.actions [miragepot]: NOTICE  [miragepot-ssh] Ban {}",
            r.ip
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(ip: &str, created: i64, expires: Option<i64>) -> BlockRow {
        BlockRow {
            ip: ip.parse().unwrap(),
            source: "strikes".into(),
            reason: "test".into(),
            created: OffsetDateTime::from_unix_timestamp(created).unwrap(),
            expires: expires.map(|e| OffsetDateTime::from_unix_timestamp(e).unwrap()),
        }
    }

    #[test]
    fn a_reload_keeps_unwritten_blocks_and_pending_deletions() {
        let now = OffsetDateTime::from_unix_timestamp(1000).unwrap();
        let mut b = Blocklist::default();
        let fresh = row("192.0.2.1", 990, Some(5000));
        b.insert_local(fresh.clone());
        let stored = row("192.0.2.2", 900, None);
        let gone = b.replace(vec![stored.clone()], now);
        assert!(gone.is_empty());
        assert!(b.get(fresh.ip, now).is_some(), "not yet in the store, kept");
        // The bait let .2 in: deleted here, not yet in the store; a reload must not revive it.
        b.remove_local(stored.ip);
        b.mark_persisted(&fresh);
        let gone = b.replace(vec![stored.clone()], now);
        assert_eq!(
            gone,
            vec![fresh.ip],
            "written, then unblocked by an operator"
        );
        assert!(b.get(stored.ip, now).is_none());
        b.mark_deleted(stored.ip);
        b.replace(vec![stored.clone()], now);
        assert!(
            b.get(stored.ip, now).is_some(),
            "blocked again by an operator"
        );
        // Lapsed blocks are not in force.
        b.insert_local(row("192.0.2.3", 10, Some(20)));
        assert!(b.get("192.0.2.3".parse().unwrap(), now).is_none());
        assert_eq!(b.active(now).len(), 1);
    }

    #[test]
    fn exports() {
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let rows = vec![
            row("203.0.113.9", 1_799_999_000, None),
            row("2001:db8::1", 1_799_999_500, Some(1_800_003_600)),
            row("198.51.100.7", 1_799_998_000, Some(1_800_000_060)),
        ];
        assert_eq!(
            export_plain(&rows),
            "198.51.100.7\n203.0.113.9\n2001:db8::1\n"
        );
        let nft = export_nft(&rows, now);
        assert!(
            nft.contains("elements = { 198.51.100.7 timeout 60s, 203.0.113.9 }"),
            "{nft}"
        );
        assert!(
            nft.contains("elements = { 2001:db8::1 timeout 3600s }"),
            "{nft}"
        );
        assert_eq!(nft.matches('{').count(), nft.matches('}').count());
        let empty = export_nft(&[], now);
        assert!(
            !empty.contains("elements"),
            "nft rejects an empty element list"
        );
        let f2b = export_fail2ban(&rows);
        let lines: Vec<&str> = f2b.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(
            lines[0],
            "2027-01-15 07:26:40,000 fail2ban.actions [miragepot]: NOTICE  [miragepot-ssh] Ban 198.51.100.7"
        );
    }
}
