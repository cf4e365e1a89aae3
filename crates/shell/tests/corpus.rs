//! Corpus coverage: every session of the shared attacker corpus (`tests/corpus/`, 16,473
//! distinct command sequences from public Cowrie logs) runs through the pure shell, exec
//! sessions over `Shell::exec` and the rest through a pty, keystroke by keystroke.
//!
//! It fails on a panic, on a hang (a watchdog stops the process when one line runs past
//! 20 s), on a cap breach (output past the per-line cap, overlay past its byte cap), and on
//! any command name answered `command not found` that `docs/coverage.md` does not list as
//! absent on Debian 12. With `MIRAGEPOT_CORPUS_REPORT=1` it prints every unknown name with
//! its count, including programs that exist on the persona but are not emulated.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use miragepot_shell::{Observation, Persona, Shell, ShellLimits};

#[path = "corpus/load.rs"]
mod load;

use load::{Session, load};

/// Names `docs/coverage.md` lists under "Absent on Debian 12" (backticked, comma separated).
fn absent_names() -> BTreeSet<String> {
    let doc = include_str!("../../../docs/coverage.md");
    let section = doc
        .split("## Absent on Debian 12")
        .nth(1)
        .expect("coverage.md has an 'Absent on Debian 12' section");
    let section = section.split("\n## ").next().unwrap_or("");
    // Only the list items hold names; an item runs on over indented lines.
    let mut items = String::new();
    let mut in_item = false;
    for line in section.lines() {
        if line.starts_with("- ") {
            in_item = true;
        } else if !line.starts_with("  ") {
            in_item = false;
        }
        if in_item {
            items.push_str(line);
            items.push('\n');
        }
    }
    items
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// A system path (`/bin/busybox`) is judged by its base name; attacker paths are not judged,
/// nor are words that cannot be a program name (`Host:`, binary junk from a broken loader).
fn judged_name(name: &str) -> Option<&str> {
    let plausible = |n: &str| {
        !n.is_empty()
            && n.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._+-".contains(&b))
    };
    if !name.contains('/') {
        return Some(name).filter(|n| plausible(n));
    }
    let dirs = [
        "/bin/",
        "/sbin/",
        "/usr/bin/",
        "/usr/sbin/",
        "/usr/local/bin/",
    ];
    dirs.iter()
        .find_map(|d| name.strip_prefix(d))
        .filter(|rest| plausible(rest))
}

fn limits() -> ShellLimits {
    ShellLimits::default()
}

#[derive(Default)]
struct Tally {
    lines: u64,
    unknown: BTreeMap<(String, bool), u64>,
    breaches: Vec<String>,
    peak_overlay: usize,
}

fn check_step(tally: &mut Tally, shell: &Shell, line: &str, obs: &[Observation]) {
    tally.lines += 1;
    for o in obs {
        match o {
            Observation::CommandUnknown { name, installed } => {
                *tally.unknown.entry((name.clone(), *installed)).or_default() += 1;
            }
            Observation::CommandResult { output, .. }
                if output.len() > limits().max_output_bytes + 4096 =>
            {
                tally
                    .breaches
                    .push(format!("output {} bytes for {line:?}", output.len()));
            }
            _ => {}
        }
    }
    let overlay = shell.overlay_bytes();
    tally.peak_overlay = tally.peak_overlay.max(overlay);
}

fn run_session(
    persona: &Arc<Persona>,
    s: &Session,
    seed: u64,
    tally: &mut Tally,
    beat: &AtomicU64,
) {
    load::replay(persona, s, seed, |shell, line, step| {
        beat.fetch_add(1, Ordering::Relaxed);
        check_step(tally, shell, line, &step.observations);
    });
}

#[test]
fn corpus_runs_clean_and_every_missing_name_is_documented() {
    let sessions = load();
    assert!(sessions.len() > 16_000, "corpus has {}", sessions.len());
    let persona = Arc::new(Persona::debian12());

    // Watchdog: the shell is synchronous, so a hang shows as a heartbeat that stops moving.
    let beat = Arc::new(AtomicU64::new(0));
    let current = Arc::new(Mutex::new(String::new()));
    {
        let beat = Arc::clone(&beat);
        let current = Arc::clone(&current);
        std::thread::spawn(move || {
            let mut last = u64::MAX;
            loop {
                std::thread::sleep(Duration::from_secs(20));
                let now = beat.load(Ordering::Relaxed);
                if now == last {
                    let at = current.lock().map(|c| c.clone()).unwrap_or_default();
                    eprintln!("HANG: no progress for 20 s in session {at}");
                    std::process::exit(101);
                }
                last = now;
            }
        });
    }

    let started = Instant::now();
    let mut tally = Tally::default();
    let mut slowest: Vec<(Duration, usize)> = Vec::new();
    for (i, s) in sessions.iter().enumerate() {
        if let Ok(mut c) = current.lock() {
            *c = format!("#{i}: {:?}", s.commands);
        }
        let t = Instant::now();
        run_session(&persona, s, i as u64, &mut tally, &beat);
        slowest.push((t.elapsed(), i));
    }
    slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
    let elapsed = started.elapsed();
    eprintln!(
        "corpus: {} sessions, {} lines in {:.1?} ({:.0} lines/s), peak overlay {} bytes",
        sessions.len(),
        tally.lines,
        elapsed,
        tally.lines as f64 / elapsed.as_secs_f64().max(1e-9),
        tally.peak_overlay
    );

    let absent = absent_names();
    // A name the persona has in a standard PATH directory was "not found" only because the
    // session changed PATH (`export PATH=`); that is bash's answer, not a coverage gap.
    let fs = persona.new_fs();
    let on_box = |n: &str| {
        [
            "/usr/local/bin/",
            "/usr/bin/",
            "/usr/sbin/",
            "/bin/",
            "/sbin/",
        ]
        .iter()
        .any(|d| fs.exists("/", &format!("{d}{n}")))
    };
    let mut undocumented: BTreeMap<String, u64> = BTreeMap::new();
    for ((name, installed), n) in &tally.unknown {
        if *installed {
            continue;
        }
        if let Some(base) = judged_name(name)
            && !absent.contains(base)
            && !on_box(base)
        {
            *undocumented.entry(base.to_string()).or_default() += n;
        }
    }
    if std::env::var_os("MIRAGEPOT_CORPUS_REPORT").is_some() {
        let mut all: Vec<_> = tally.unknown.iter().collect();
        all.sort_by(|a, b| b.1.cmp(a.1));
        for ((name, installed), n) in all {
            let how = if *installed { "installed" } else { "missing" };
            eprintln!("{n:>7}  {how:<9}  {name}");
        }
        for (d, i) in slowest.iter().take(15) {
            let cmds: String = format!("{:?}", sessions[*i].commands)
                .chars()
                .take(300)
                .collect();
            eprintln!("slow {d:>10.2?}  #{i}  {cmds}");
        }
    }
    assert!(
        tally.breaches.is_empty(),
        "cap breaches: {:?}",
        tally.breaches
    );
    assert!(
        undocumented.is_empty(),
        "command not found for names not listed as absent in docs/coverage.md: {undocumented:?}"
    );
}
