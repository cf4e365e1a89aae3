//! `miragepot reanalyze` and `miragepot report`: the detectors and profiles, offline, over
//! the stored events.
//!
//! `reanalyze` runs every session's events through the current rules again (after a rule
//! change, or over events stored by an older version) and prints the detections as JSON
//! lines, with a table of the techniques found on stderr. The store is append-only and is
//! not changed. `report` feeds every stored session to the behaviour profiles and writes the
//! per-address report as `report.json` and `report.md`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use miragepot_detect::profile::{ProfileBook, ProfileConfig, report_json, report_markdown};
use miragepot_detect::session::reanalyze;
use miragepot_event::{EventKind, SessionId};
use miragepot_store::Store;

use crate::config::Config;

const PAGE: u32 = 500;

/// Every stored session id, newest first, at most `limit`.
async fn session_ids(store: &Store, limit: Option<u32>) -> Result<Vec<SessionId>> {
    let mut out = Vec::new();
    let mut offset = 0u32;
    loop {
        let page = store.sessions(PAGE, offset).await?;
        let n = page.len();
        out.extend(page.into_iter().map(|r| r.session));
        if limit.is_some_and(|l| out.len() >= l as usize) {
            out.truncate(limit.unwrap_or(0) as usize);
            break;
        }
        if n < PAGE as usize {
            break;
        }
        offset = offset.saturating_add(PAGE);
    }
    Ok(out)
}

/// `miragepot reanalyze`.
pub fn run_reanalyze(cfg: &Config, session: Option<String>, limit: Option<u32>) -> Result<()> {
    crate::offline::runtime()?.block_on(async {
        let store = crate::offline::open_store(cfg).await?;
        let rules = Arc::new(cfg.detect_rules()?);
        let key = crate::detect::read_token_key(&cfg.sensor.data_dir)?;
        let ids = match session {
            Some(s) => vec![SessionId(
                s.parse()
                    .with_context(|| format!("{s:?} is not a session id"))?,
            )],
            None => session_ids(&store, limit).await?,
        };
        let mut counts: BTreeMap<String, (String, u64)> = BTreeMap::new();
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        for id in &ids {
            let events = store.session_events(*id).await?;
            let tokens = match (&key, planted_home(&events)) {
                (Some(k), Some(home)) => miragepot_detect::tokens::mint(k, *id, &home),
                _ => Vec::new(),
            };
            for ev in reanalyze(Arc::clone(&rules), &events, tokens) {
                if let EventKind::Technique(t) = &ev.kind {
                    let e = counts
                        .entry(t.technique.clone())
                        .or_insert((t.name.clone(), 0));
                    e.1 += 1;
                }
                writeln!(out, "{}", serde_json::to_string(&ev)?)?;
            }
        }
        store.close().await;
        let mut rows: Vec<_> = counts.into_iter().collect();
        rows.sort_by(|a, b| b.1.1.cmp(&a.1.1).then(a.0.cmp(&b.0)));
        eprintln!("reanalyzed {} sessions; techniques (sessions):", ids.len());
        for (id, (name, n)) in rows {
            eprintln!("{n:>8}  {id:<10} {name}");
        }
        Ok(())
    })
}

/// The home directory a session's honeytokens were planted in (from its AWS key path).
fn planted_home(events: &[miragepot_event::Event]) -> Option<String> {
    events.iter().find_map(|e| match &e.kind {
        EventKind::HoneytokenPlanted { tokens } => tokens
            .iter()
            .find_map(|t| t.path.strip_suffix("/.aws/credentials").map(str::to_string)),
        _ => None,
    })
}

/// `miragepot report`.
pub fn run_report(cfg: &Config, out_dir: &Path) -> Result<()> {
    crate::offline::runtime()?.block_on(async {
        let store = crate::offline::open_store(cfg).await?;
        let mut book = ProfileBook::new(ProfileConfig {
            max_ips: cfg.detect.max_profiled_ips,
            ..ProfileConfig::default()
        });
        let mut ids = session_ids(&store, None).await?;
        ids.reverse(); // oldest first, so windows end at the newest event
        let mut newest = None;
        for id in &ids {
            for ev in store.session_events(*id).await? {
                newest = Some(newest.map_or(ev.ts, |n: time::OffsetDateTime| n.max(ev.ts)));
                book.observe(&ev);
            }
        }
        store.close().await;
        let now = newest.unwrap_or_else(time::OffsetDateTime::now_utc);
        std::fs::create_dir_all(out_dir)
            .with_context(|| format!("cannot create {}", out_dir.display()))?;
        let json = out_dir.join("report.json");
        let md = out_dir.join("report.md");
        std::fs::write(
            &json,
            serde_json::to_string_pretty(&report_json(&book, now))?,
        )
        .with_context(|| format!("cannot write {}", json.display()))?;
        std::fs::write(&md, report_markdown(&book, now))
            .with_context(|| format!("cannot write {}", md.display()))?;
        println!(
            "miragepot: {} sessions, {} addresses: wrote {} and {}",
            ids.len(),
            book.ips().len(),
            json.display(),
            md.display()
        );
        Ok(())
    })
}
