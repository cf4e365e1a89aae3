//! The access policy from the configuration, and the operator's blocklist commands:
//! `miragepot block IP [--ttl SECS] [--reason TEXT]`, `miragepot unblock IP` and
//! `miragepot blocks [--format table|plain|nft|fail2ban]`.
//!
//! The commands work on the store's `blocks` table, so they need no running server and
//! survive restarts; a running sensor picks a change up at its next blocklist sync
//! (`limits.block_sync_secs`, or at once on SIGHUP).

use std::net::IpAddr;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use miragepot_runtime::SessionLimits;
use miragepot_runtime::policy::blocklist::{export_fail2ban, export_nft, export_plain};
use miragepot_runtime::policy::rate::RateConfig;
use miragepot_runtime::policy::{AuthMode, PolicyConfig, UserRule};
use miragepot_store::BlockRow;
use time::OffsetDateTime;

use crate::config::{AuthModeName, Config};
use crate::offline::with_store;

/// The policy settings the configuration asks for.
pub fn policy_config(cfg: &Config) -> Result<PolicyConfig> {
    let mut rules = Vec::new();
    for (i, r) in cfg.auth.rules.iter().enumerate() {
        let password = if r.password_regex.is_empty() {
            None
        } else {
            Some(
                regex::Regex::new(&r.password_regex)
                    .with_context(|| format!("auth.rules[{i}].password_regex"))?,
            )
        };
        rules.push(UserRule {
            user: r.user.clone(),
            accept_attempt: (r.accept_attempt > 0).then_some(r.accept_attempt),
            password,
        });
    }
    Ok(PolicyConfig {
        mode: match cfg.auth.mode {
            AuthModeName::High => AuthMode::High,
            AuthModeName::Low => AuthMode::Low,
            AuthModeName::Hybrid => AuthMode::Hybrid,
        },
        max_failures: cfg.auth.max_failures,
        block_ttl: Duration::from_secs(cfg.auth.block_ttl_secs),
        bait: cfg
            .auth
            .bait
            .iter()
            .filter_map(|c| c.split_once(':'))
            .map(|(u, p)| (u.to_string(), p.to_string()))
            .collect(),
        rules,
        block_on_profile: cfg.auth.block_on_profile,
        max_sessions_per_ip: cfg.limits.max_sessions_per_ip,
        rate: RateConfig {
            per_sec: cfg.limits.connections_per_ip_per_sec,
            burst: cfg.limits.connection_burst,
        },
        max_tracked_ips: cfg.limits.max_tracked_ips,
        show_passwords: cfg.log.show_passwords,
    })
}

/// The per-session limits the configuration asks for.
pub fn session_limits(cfg: &Config) -> SessionLimits {
    SessionLimits {
        max_commands: cfg.limits.max_commands,
        max_input_bytes: cfg.limits.max_input_bytes,
        max_command_time: Duration::from_secs(cfg.limits.max_command_secs),
    }
}

/// One line for `miragepot check`.
pub fn describe(cfg: &Config) -> String {
    let a = &cfg.auth;
    let l = &cfg.limits;
    let mode = match a.mode {
        AuthModeName::High => "high (any password accepted, blocking suspended)".to_string(),
        AuthModeName::Low => format!(
            "low (every login rejected; block after {} failures for {} s)",
            a.max_failures, a.block_ttl_secs
        ),
        AuthModeName::Hybrid => format!(
            "hybrid ({} bait credentials, {} rules; block after {} failures for {} s)",
            a.bait.len(),
            a.rules.len(),
            a.max_failures,
            a.block_ttl_secs
        ),
    };
    format!(
        "{mode}\nlimits:        {} sessions and {}/s (burst {}) per address; sessions {} s, {} commands, {} input bytes; {} s per command",
        l.max_sessions_per_ip,
        l.connections_per_ip_per_sec,
        l.connection_burst,
        l.max_session_secs,
        l.max_commands,
        l.max_input_bytes,
        l.max_command_secs
    )
}

/// `--format` of `miragepot blocks`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BlocksFormat {
    /// Columns for people.
    Table,
    /// One address per line.
    Plain,
    /// An nftables file (sets `miragepot_v4`, `miragepot_v6`).
    Nft,
    /// fail2ban-style `Ban` lines.
    Fail2ban,
}

fn parse_ip(ip: &str) -> Result<IpAddr> {
    ip.trim()
        .parse()
        .with_context(|| format!("{ip:?} is not an IPv4 or IPv6 address"))
}

/// `miragepot block IP`.
pub fn block(cfg: &Config, ip: &str, ttl_secs: Option<u64>, reason: Option<String>) -> Result<()> {
    let ip = parse_ip(ip)?;
    let now = OffsetDateTime::now_utc();
    let expires = match ttl_secs {
        None | Some(0) => None,
        Some(s) => {
            let d = time::Duration::seconds(i64::try_from(s).unwrap_or(i64::MAX));
            match now.checked_add(d) {
                Some(t) => Some(t),
                None => bail!("--ttl {s}: too far in the future"),
            }
        }
    };
    let row = BlockRow {
        ip,
        source: "operator".into(),
        reason: reason.unwrap_or_else(|| "blocked by an operator".into()),
        created: now,
        expires,
    };
    with_store(cfg, async |store| Ok(store.put_block(&row).await?))?;
    match expires {
        Some(e) => println!("blocked {ip} until {}", rfc3339(e)),
        None => println!("blocked {ip} until unblocked"),
    }
    Ok(())
}

/// `miragepot unblock IP`.
pub fn unblock(cfg: &Config, ip: &str) -> Result<()> {
    let ip = parse_ip(ip)?;
    let found = with_store(cfg, async |store| Ok(store.delete_block(ip).await?))?;
    if !found {
        bail!("{ip} is not blocked");
    }
    println!("unblocked {ip}");
    Ok(())
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// `miragepot blocks`.
pub fn blocks(cfg: &Config, format: BlocksFormat) -> Result<()> {
    let now = OffsetDateTime::now_utc();
    let rows = with_store(cfg, async |store| Ok(store.active_blocks(now).await?))?;
    let text = match format {
        BlocksFormat::Plain => export_plain(&rows),
        BlocksFormat::Nft => export_nft(&rows, now),
        BlocksFormat::Fail2ban => export_fail2ban(&rows),
        BlocksFormat::Table => table(&rows),
    };
    print!("{text}");
    Ok(())
}

fn table(rows: &[BlockRow]) -> String {
    let mut out = format!(
        "{:<40} {:<9} {:<21} {:<21} {}\n",
        "ADDRESS", "SOURCE", "SINCE", "UNTIL", "REASON"
    );
    for r in rows {
        out.push_str(&format!(
            "{:<40} {:<9} {:<21} {:<21} {}\n",
            r.ip.to_string(),
            r.source,
            rfc3339(r.created.replace_nanosecond(0).unwrap_or(r.created)),
            r.expires.map_or("-".into(), |e| rfc3339(
                e.replace_nanosecond(0).unwrap_or(e)
            )),
            r.reason.escape_debug()
        ));
    }
    out.push_str(&format!("{} blocked\n", rows.len()));
    out
}
