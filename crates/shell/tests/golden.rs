//! Golden transcripts: each `tests/golden/*.txt` file is one session, replayed through both
//! `Shell::exec` (one exec-mode shell, state kept between lines) and a pty session fed the
//! keystrokes `LINE\r`. Both must print exactly the expected text and set the expected `$?`.
//!
//! Format: `$ command` (continued by `> more` lines, joined with newlines), then the
//! expected output lines, then `? STATUS`. Error prefixes are normalised: the pty's
//! `-bash: ` and exec's `bash: line N: ` both read `bash: `.

// Test code: a failed expectation should panic with its message.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::{Arc, OnceLock};

use miragepot_shell::{Mode, Observation, Persona, SessionConfig, Shell, ShellLimits};
use time::OffsetDateTime;

struct Case {
    cmd: String,
    expect: String,
    status: i32,
}

fn persona() -> Arc<Persona> {
    static P: OnceLock<Arc<Persona>> = OnceLock::new();
    Arc::clone(P.get_or_init(|| Arc::new(Persona::debian12())))
}

fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_763_730_000).expect("time")
}

fn config(mode: Mode) -> SessionConfig {
    SessionConfig {
        user: "root".into(),
        mode,
        src_ip: "203.0.113.9".into(),
        src_port: 50022,
        env: vec![],
        seed: 7,
        limits: ShellLimits::default(),
    }
}

fn parse(text: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut cur: Option<Case> = None;
    for line in text.lines() {
        if let Some(c) = line.strip_prefix("$ ") {
            cur = Some(Case {
                cmd: c.to_string(),
                expect: String::new(),
                status: 0,
            });
        } else if let (Some(more), Some(case)) = (line.strip_prefix("> "), cur.as_mut()) {
            if case.expect.is_empty() {
                case.cmd.push('\n');
                case.cmd.push_str(more);
            } else {
                case.expect.push_str(line);
                case.expect.push('\n');
            }
        } else if let Some(st) = line.strip_prefix("? ") {
            let mut case = cur.take().expect("? without $");
            case.status = st.trim().parse().expect("status");
            cases.push(case);
        } else if let Some(case) = cur.as_mut() {
            case.expect.push_str(line);
            case.expect.push('\n');
        }
    }
    cases
}

fn normalise(s: &str) -> String {
    let mut out = String::new();
    for line in s.split_inclusive('\n') {
        let mut l = line
            .strip_prefix('-')
            .filter(|r| r.starts_with("bash: "))
            .unwrap_or(line)
            .to_string();
        if let Some(rest) = l.strip_prefix("bash: line ")
            && let Some((n, tail)) = rest.split_once(": ")
            && n.chars().all(|c| c.is_ascii_digit())
        {
            l = format!("bash: {tail}");
        }
        out.push_str(&l);
    }
    out
}

fn result_of(obs: &[Observation]) -> Option<(String, i32)> {
    obs.iter().rev().find_map(|o| match o {
        Observation::CommandResult {
            output, exit_code, ..
        } => Some((String::from_utf8_lossy(output).into_owned(), *exit_code)),
        _ => None,
    })
}

/// The command output inside a pty step: after bash's `ESC[?2004l\r`, before the next
/// prompt's `ESC[?2004h`, without `\r`.
fn pty_output(out: &[u8]) -> String {
    let off = b"\x1b[?2004l\r";
    let on = b"\x1b[?2004h";
    let start = out
        .windows(off.len())
        .rposition(|w| w == off)
        .map(|p| p + off.len())
        .unwrap_or(0);
    let end = out
        .windows(on.len())
        .rposition(|w| w == on)
        .unwrap_or(out.len())
        .max(start);
    String::from_utf8_lossy(&out[start..end]).replace('\r', "")
}

fn run_file(name: &str, text: &str) -> Vec<String> {
    let cases = parse(text);
    assert!(!cases.is_empty(), "{name}: no cases");
    let mut failures = Vec::new();
    let mut exec = Shell::new(persona(), config(Mode::Exec), now());
    let mut pty = Shell::new(
        persona(),
        config(Mode::Pty {
            term: "xterm-256color".into(),
            cols: 200,
            rows: 50,
        }),
        now(),
    );
    pty.start(now());
    for case in &cases {
        let step = exec.exec(&case.cmd, now());
        let (out, st) = result_of(&step.observations).unwrap_or_default();
        let got = normalise(&out);
        if got != case.expect || st != case.status || step.exit != Some(case.status) {
            failures.push(format!(
                "{name}: exec `{}`\n--- want (? {})\n{}--- got (? {st}, exit {:?})\n{got}",
                case.cmd, case.status, case.expect, step.exit
            ));
        }
        let keys = format!("{}\r", case.cmd.replace('\n', "\r"));
        let step = pty.feed(keys.as_bytes(), now());
        let screen = normalise(&pty_output(&step.out));
        let (obs, st) = result_of(&step.observations).unwrap_or_default();
        let obs = normalise(&obs);
        if screen != case.expect || obs != case.expect || st != case.status {
            failures.push(format!(
                "{name}: pty `{}`\n--- want (? {})\n{}--- got (? {st})\n{screen}--- observed\n{obs}",
                case.cmd, case.status, case.expect
            ));
        }
    }
    failures
}

#[test]
fn golden_transcripts() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("golden dir")
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.file_name());
    let mut failures = Vec::new();
    let mut files = 0;
    for e in entries {
        let p = e.path();
        if p.extension().and_then(|x| x.to_str()) != Some("txt") {
            continue;
        }
        files += 1;
        let text = std::fs::read_to_string(&p).expect("read golden");
        failures.extend(run_file(&p.display().to_string(), &text));
    }
    assert!(files > 0, "no golden files");
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
