//! Throughput of the pure shell over the shared attacker corpus (divan).
//!
//! `cargo bench -p miragepot-shell --bench corpus` replays every corpus session (16,473) and
//! reports lines per second; before the timed runs it prints the line count and the peak
//! overlay bytes any one session reached (the memory a session's writes cost).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Arc, OnceLock};

use divan::counter::ItemsCount;
use miragepot_shell::Persona;

#[path = "../tests/corpus/load.rs"]
mod load;

fn corpus() -> &'static (Arc<Persona>, Vec<load::Session>, usize) {
    static C: OnceLock<(Arc<Persona>, Vec<load::Session>, usize)> = OnceLock::new();
    C.get_or_init(|| {
        let persona = Arc::new(Persona::debian12());
        let sessions = load::load();
        let mut lines = 0usize;
        let mut peak = 0usize;
        for (i, s) in sessions.iter().enumerate() {
            load::replay(&persona, s, i as u64, |shell, _, _| {
                lines += 1;
                peak = peak.max(shell.overlay_bytes());
            });
        }
        eprintln!(
            "corpus: {} sessions, {lines} lines, peak overlay {peak} bytes in one session",
            sessions.len()
        );
        (persona, sessions, lines)
    })
}

fn main() {
    corpus();
    divan::main();
}

/// Every session of the corpus, start to end.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn whole_corpus(bencher: divan::Bencher) {
    let (persona, sessions, lines) = corpus();
    bencher.counter(ItemsCount::new(*lines)).bench(|| {
        for (i, s) in sessions.iter().enumerate() {
            load::replay(persona, s, i as u64, |_, _, _| {});
        }
    });
}
