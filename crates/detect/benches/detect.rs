//! Throughput of the per-line detectors together (normalise, threat score, ATT&CK rules,
//! prompt injection) over the real attacker corpus, in lines per second on one core; and of
//! the whole per-session analysis (also IOCs, tokens, stages) fed `command_input` events.
//!
//! `cargo bench -p miragepot-detect --bench detect`
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::sync::Arc;

use divan::Bencher;
use divan::counter::ItemsCount;
use miragepot_detect::normalize::normalize;
use miragepot_detect::session::{Rules, SessionAnalysis};
use miragepot_event::{EventKind, InputMode, SessionContext, SessionId};
use time::OffsetDateTime;

#[path = "../src/corpus_load.rs"]
mod corpus_load;

fn main() {
    divan::main();
}

/// Score, ATT&CK and injection on every corpus line.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn score_attack_injection(bencher: Bencher) {
    let rules = Rules::builtin().unwrap();
    let lines = corpus_load::lines();
    bencher.counter(ItemsCount::new(lines.len())).bench(|| {
        let mut n = 0u64;
        for l in &lines {
            let norm = normalize(divan::black_box(l));
            n += u64::from(rules.threat.score(&norm.text).score);
            n += rules.attack.matches(&norm.text).count() as u64;
            n += u64::from(rules.injection.check(l).is_some());
        }
        n
    });
}

/// The whole session analysis, one session per corpus sequence.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn session_analysis(bencher: Bencher) {
    let rules = Arc::new(Rules::builtin().unwrap());
    let sessions: Vec<Vec<String>> = corpus_load::sessions()
        .iter()
        .map(corpus_load::commands)
        .collect();
    let lines: usize = sessions.iter().map(Vec::len).sum();
    let ctx = SessionContext {
        sensor: "b".into(),
        session: SessionId::new_at(OffsetDateTime::UNIX_EPOCH),
        src_ip: "198.51.100.1".parse().unwrap(),
        src_port: 1,
    };
    bencher.counter(ItemsCount::new(lines)).bench(|| {
        let mut n = 0usize;
        for s in &sessions {
            let mut a = SessionAnalysis::new(Arc::clone(&rules), Vec::new());
            for l in s {
                let score = a.score(l);
                let ev = ctx.event(
                    OffsetDateTime::UNIX_EPOCH,
                    EventKind::CommandInput {
                        input: l.clone(),
                        mode: InputMode::Exec,
                        threat_score: score.score,
                        threat_rules: score.rules,
                    },
                );
                n += a.observe(&ev).len();
            }
        }
        n
    });
}
