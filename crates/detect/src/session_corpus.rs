//! Every detector over the whole attacker corpus: no panic, every session analysed, and the
//! technique counts printed (`--nocapture`) for the closing note. Each corpus sequence is one
//! session with an accepted login and one `command_input` per line.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::sync::Arc;

use miragepot_event::{AuthMethod, EventKind, InputMode, SessionContext, SessionId};
use time::OffsetDateTime;

use crate::session::{Rules, SessionAnalysis};

#[test]
fn the_corpus_runs_through_every_detector() {
    let rules = Arc::new(Rules::builtin().unwrap());
    let sessions = crate::corpus_load::sessions();
    let mut per_technique: BTreeMap<String, (String, u64, u64)> = BTreeMap::new();
    let (mut lines, mut scored, mut delayed, mut iocs, mut injections) =
        (0u64, 0u64, 0u64, 0u64, 0u64);
    let mut bands: BTreeMap<&str, u64> = BTreeMap::new();
    for (i, s) in sessions.iter().enumerate() {
        let t0 = OffsetDateTime::UNIX_EPOCH + time::Duration::seconds(i as i64);
        let ctx = SessionContext {
            sensor: "corpus".into(),
            session: SessionId::new_at(t0),
            src_ip: "198.51.100.1".parse().unwrap(),
            src_port: 1,
        };
        let tokens = crate::tokens::mint(b"corpus key", ctx.session, "/root");
        let mut a = SessionAnalysis::new(Arc::clone(&rules), tokens);
        let weight = s["count"].as_u64().unwrap_or(1);
        let mut found = Vec::new();
        found.extend(a.observe(&ctx.event(
            t0,
            EventKind::AuthAttempt {
                method: AuthMethod::Password,
                username: "root".into(),
                password: Some("admin".into()),
                key_fingerprint: None,
                success: true,
                rule: None,
            },
        )));
        for line in crate::corpus_load::commands(s) {
            lines += 1;
            let score = a.score(&line);
            if score.score > 0 {
                scored += 1;
            }
            if rules.tarpit.delay(score.score, 0.5).is_some() {
                delayed += 1;
            }
            found.extend(a.observe(&ctx.event(
                t0,
                EventKind::CommandInput {
                    input: line,
                    mode: InputMode::Exec,
                    threat_score: score.score,
                    threat_rules: score.rules,
                },
            )));
        }
        for k in &found {
            match k {
                EventKind::Technique(t) => {
                    let e =
                        per_technique
                            .entry(t.technique.clone())
                            .or_insert((t.name.clone(), 0, 0));
                    e.1 += 1;
                    e.2 += weight;
                }
                EventKind::Ioc(_) => iocs += 1,
                EventKind::InjectionAttempt(_) => injections += 1,
                _ => {}
            }
        }
        let summary = a.summary(1000);
        *bands.entry(summary.risk_band.as_str()).or_default() += 1;
    }
    let mut rows: Vec<_> = per_technique.iter().collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.1.1));
    println!("| technique | name | sequences | sessions (weighted by count) |\n|---|---|---|---|");
    for (id, (name, n, w)) in &rows {
        println!("| {id} | {name} | {n} | {w} |");
    }
    println!(
        "{} sequences, {lines} lines: {scored} scored > 0, {delayed} in a tarpit band, {iocs} IOCs, {injections} injection hits; risk bands {bands:?}",
        sessions.len()
    );
    assert!(sessions.len() > 16_000);
    // Every corpus session logs in and runs commands.
    assert_eq!(per_technique["T1059.004"].1, sessions.len() as u64);
    // Floors from the corpus itself (grep counts of sequences with the telltale text:
    // `/bin/busybox XXXX` 16,002, `ps` 2,757, `history -c` 12, `authorized_keys` 6,
    // `xmrig|miner` 2).
    for (t, floor) in [
        ("T1584.005", 16_000),
        ("T1105", 10_000),
        ("T1057", 2_700),
        ("T1082", 50),
        ("T1070.003", 12),
        ("T1098.004", 6),
        ("T1496", 2),
    ] {
        let n = per_technique.get(t).map_or(0, |r| r.1);
        assert!(n >= floor, "{t}: {n} sequences, expected at least {floor}");
    }
    assert_eq!(
        injections, 0,
        "attacker shell lines are not prompt injections"
    );
}
