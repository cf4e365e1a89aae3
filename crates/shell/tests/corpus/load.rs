//! Loads the shared attacker corpus (`sessions.jsonl.gz` next to this file); used by the
//! coverage test and the throughput benchmark.

use std::io::Read;
use std::sync::Arc;

use miragepot_shell::{Mode, Persona, SessionConfig, Shell, ShellLimits, Step};
use serde::Deserialize;
use time::OffsetDateTime;

/// One distinct command sequence of the corpus.
#[derive(Deserialize)]
pub struct Session {
    /// `exec`, `interactive` or `telnet`.
    pub mode: String,
    /// The account that logged in.
    #[serde(default)]
    pub username: String,
    /// The command lines in order.
    pub commands: Vec<String>,
}

/// Every session of the corpus.
pub fn load() -> Vec<Session> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/sessions.jsonl.gz"
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

/// Plays `s` through a fresh shell as the attacker did: exec sessions line by line over
/// `Shell::exec` (one shell, like exec channels of one connection), the rest typed into a
/// pty. `each` sees the shell after every line, the line and its step.
pub fn replay(
    persona: &Arc<Persona>,
    s: &Session,
    seed: u64,
    mut each: impl FnMut(&Shell, &str, &Step),
) {
    let now = OffsetDateTime::from_unix_timestamp(1_763_730_000).expect("time");
    let user = if persona.user(&s.username).is_some() {
        s.username.clone()
    } else {
        "root".into()
    };
    let exec = s.mode == "exec";
    let mode = if exec {
        Mode::Exec
    } else {
        Mode::Pty {
            term: "xterm".into(),
            cols: 80,
            rows: 24,
        }
    };
    let cfg = SessionConfig {
        user,
        mode,
        src_ip: "203.0.113.9".into(),
        src_port: 40000,
        env: vec![],
        seed,
        limits: ShellLimits::default(),
    };
    let mut shell = Shell::new(Arc::clone(persona), cfg, now);
    shell.start(now);
    for (i, line) in s.commands.iter().enumerate() {
        let t = now + time::Duration::seconds(i64::try_from(i).unwrap_or(0));
        let step = if exec {
            shell.exec(line, t)
        } else {
            let mut keys = line.replace('\n', "\r");
            keys.push('\r');
            shell.feed(keys.as_bytes(), t)
        };
        each(&shell, line, &step);
        if shell.exited() {
            break;
        }
    }
}
