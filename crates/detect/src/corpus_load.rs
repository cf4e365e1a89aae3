//! The real attacker corpus (`crates/shell/tests/corpus/sessions.jsonl.gz`, 16,473 command
//! sequences from public honeypot logs), read for the detect crate's corpus tests and
//! benches. One reader, included by path where needed.
#![allow(dead_code, clippy::expect_used)]

use std::io::Read;

/// Every sequence of the corpus, as its JSON object (`commands`, `mode`, `count`, ...).
pub fn sessions() -> Vec<serde_json::Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shell/tests/corpus/sessions.jsonl.gz"
    );
    let file = std::fs::File::open(path).expect("corpus file");
    let mut text = String::new();
    flate2::read::GzDecoder::new(file)
        .read_to_string(&mut text)
        .expect("gunzip corpus");
    text.lines()
        .map(|l| serde_json::from_str(l).expect("corpus line"))
        .collect()
}

/// The command lines of one sequence.
pub fn commands(session: &serde_json::Value) -> Vec<String> {
    session["commands"]
        .as_array()
        .map(|c| {
            c.iter()
                .filter_map(|l| l.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Every command line of the corpus, in order.
pub fn lines() -> Vec<String> {
    sessions().iter().flat_map(commands).collect()
}
