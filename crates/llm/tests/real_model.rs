//! The real-model test: asks a real OpenAI-compatible server (scripts/test-real-llm.sh starts
//! llama.cpp's Python server with SmolLM2-135M-Instruct) for 20 commands a Debian 12 machine
//! has but the shell does not emulate, and for a few files, runs every answer through the
//! [`Validator`], and prints one line per ask and a tally of the verdicts.
//!
//! It asserts only what must hold whatever the model says: every call ends within its
//! deadline (plus slack), every ask gets exactly one verdict, and the server answered at least
//! once. How many answers pass is printed, not asserted: a 135M model is chatty and out of
//! character most of the time, which is what makes it a good test of the validator.
//!
//! Skipped (with a notice) unless `MIRAGEPOT_TEST_LLM_URL` is set; `MIRAGEPOT_TEST_LLM_MODEL`
//! names the model, and `MIRAGEPOT_TEST_LLM_FULL=1` also prints every raw answer in full.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use miragepot_llm::prompt::{self, Exchange, PromptContext, PromptLimits, Query};
use miragepot_llm::validate::{CheckCtx, Validator};
use miragepot_llm::{BackendConfig, BackendKind, build};

/// Deadline of one call: generous, the model runs on a small CPU.
const DEADLINE: Duration = Duration::from_secs(30);
/// How much later than the deadline a call may return before the test fails.
const SLACK: Duration = Duration::from_secs(5);

/// Installed on the Debian 12 persona, not emulated by the shell.
const COMMANDS: [&str; 20] = [
    "lsof -i",
    "pmap 1",
    "lslogins",
    "findmnt",
    "lsns",
    "lsipc",
    "lsmem",
    "slabtop -o",
    "systemd-analyze",
    "systemd-cgls",
    "hostnamectl",
    "localectl",
    "timedatectl",
    "loginctl",
    "busctl list",
    "networkctl",
    "pstree",
    "fuser -v /",
    "namei /etc/passwd",
    "iconv -l | head",
];

/// Files the persona lists without content, with the size the listing shows.
const FILES: [(&str, u64); 3] = [
    ("/usr/share/doc-base/nano.nano", 346),
    ("/etc/exim4/exim4.conf.template", 84_739),
    ("/etc/logrotate.d/nginx", 329),
];

const PACKAGES: [&str; 34] = [
    "adduser",
    "apt",
    "base-files",
    "bash",
    "bsdutils",
    "ca-certificates",
    "coreutils",
    "cron",
    "curl",
    "dbus",
    "dpkg",
    "e2fsprogs",
    "exim4-base",
    "exim4-config",
    "exim4-daemon-light",
    "findutils",
    "grep",
    "gzip",
    "iproute2",
    "libc-bin",
    "logrotate",
    "lsof",
    "nano",
    "nginx",
    "openssh-server",
    "procps",
    "psmisc",
    "rsyslog",
    "sudo",
    "systemd",
    "systemd-sysv",
    "tar",
    "util-linux",
    "vim-tiny",
];

fn persona() -> PromptContext {
    PromptContext {
        hostname: "web-prod-02".into(),
        os: "Debian GNU/Linux 12 (bookworm)".into(),
        kernel: "6.1.0-28-amd64".into(),
        arch: "x86_64".into(),
        user: "root".into(),
        home: "/root".into(),
        cwd: "/root".into(),
        packages: PACKAGES.iter().map(|p| (*p).to_owned()).collect(),
        recent: vec![
            Exchange {
                command: "uname -a".into(),
                output: "Linux web-prod-02 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22) x86_64 GNU/Linux\n".into(),
            },
            Exchange {
                command: "id".into(),
                output: "uid=0(root) gid=0(root) groups=0(root)\n".into(),
            },
        ],
    }
}

/// The first `n` chars of `text`, escaped onto one line.
fn preview(text: &str, n: usize) -> String {
    let head: String = text.chars().take(n).collect();
    let more = if text.chars().count() > n { "…" } else { "" };
    format!("\"{}\"{more}", head.escape_debug())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_model_answers_through_the_validator() {
    let Ok(url) = std::env::var("MIRAGEPOT_TEST_LLM_URL") else {
        println!("skipped: set MIRAGEPOT_TEST_LLM_URL (scripts/test-real-llm.sh)");
        return;
    };
    let model = std::env::var("MIRAGEPOT_TEST_LLM_MODEL").unwrap_or_default();
    let full = std::env::var("MIRAGEPOT_TEST_LLM_FULL").is_ok_and(|v| v == "1");
    let backend = build(&BackendConfig {
        kind: BackendKind::Openai,
        base_url: url.clone(),
        model: model.clone(),
        api_key: None,
        connect_timeout: Duration::from_secs(1),
        deadline: DEADLINE,
        max_body_bytes: 256 * 1024,
    })
    .expect("backend from MIRAGEPOT_TEST_LLM_URL");
    let probe = backend.probe().await;
    println!("server {url} model {model:?}: {}", probe.message);

    let ctx = persona();
    let limits = PromptLimits::default();
    let markers = prompt::echo_markers(&ctx);
    let recent = prompt::recent_commands(&ctx);
    let validator = Validator::new();

    let queries: Vec<Query> = COMMANDS
        .iter()
        .map(|c| Query::Command {
            line: (*c).to_owned(),
        })
        .chain(FILES.iter().map(|(path, size)| Query::File {
            path: (*path).to_owned(),
            size_hint: *size,
        }))
        .collect();

    let mut accepted = 0usize;
    let mut accepted_commands = 0usize;
    let mut rejected: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut failed: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut answered = 0usize;
    let mut slowest = Duration::ZERO;
    let mut total_time = Duration::ZERO;
    let started = Instant::now();

    println!();
    println!(
        "{:<40} {:>7}  {:<34} raw answer (first 80 chars)",
        "ask", "ms", "verdict"
    );
    for query in &queries {
        let (label, command, file) = match query {
            Query::Command { line } => (line.clone(), line.as_str(), false),
            Query::File { path, .. } => (format!("file {path}"), "", true),
        };
        let req = prompt::request(&ctx, query, &limits);
        let t0 = Instant::now();
        let result = backend.chat(&req).await;
        let took = t0.elapsed();
        slowest = slowest.max(took);
        total_time += took;
        assert!(
            took <= DEADLINE + SLACK,
            "{label}: the call took {took:?}, past the {DEADLINE:?} deadline"
        );
        let check = CheckCtx {
            command,
            echo_markers: &markers,
            max_bytes: 8000,
            file,
            recent: &recent,
        };
        let (verdict, raw) = match &result {
            Err(e) => {
                *failed.entry(e.reason()).or_default() += 1;
                (format!("failed:{} ({e})", e.reason()), String::new())
            }
            Ok(done) => {
                answered += 1;
                match validator.check(&done.text, &check) {
                    Ok(_) => {
                        accepted += 1;
                        if !file {
                            accepted_commands += 1;
                        }
                        ("accepted".to_owned(), done.text.clone())
                    }
                    Err(r) => {
                        *rejected.entry(r.reason()).or_default() += 1;
                        let detail = match r.reason() {
                            "chatty" | "ai_disclosure" | "refusal" => {
                                let s = r.to_string();
                                s.find('(')
                                    .map(|i| format!(" {}", &s[i..]))
                                    .unwrap_or_default()
                            }
                            "empty" if r.silent_ok(&check) => " (silent ok)".to_owned(),
                            _ => String::new(),
                        };
                        (
                            format!("rejected:{}{detail}", r.reason()),
                            done.text.clone(),
                        )
                    }
                }
            }
        };
        println!(
            "{label:<40} {:>7}  {verdict:<34} {}",
            took.as_millis(),
            preview(&raw, 80)
        );
        if full && !raw.is_empty() {
            println!("----- raw answer ({} bytes) -----", raw.len());
            println!("{}", raw.trim_end());
            println!("-----");
        }
    }

    let n_rejected: usize = rejected.values().sum();
    let n_failed: usize = failed.values().sum();
    let by_reason = |m: &BTreeMap<&str, usize>| {
        let mut v: Vec<(&str, usize)> = m.iter().map(|(k, n)| (*k, *n)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v.iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!();
    println!(
        "tally of {} asks ({} commands, {} files): accepted {accepted}, rejected {n_rejected} [{}], failed {n_failed} [{}]",
        queries.len(),
        COMMANDS.len(),
        FILES.len(),
        by_reason(&rejected),
        by_reason(&failed),
    );
    println!(
        "commands accepted {accepted_commands} of {}; time {:.1} s in calls, mean {} ms, slowest {} ms (wall {:.1} s)",
        COMMANDS.len(),
        total_time.as_secs_f64(),
        total_time.as_millis() / queries.len().max(1) as u128,
        slowest.as_millis(),
        started.elapsed().as_secs_f64(),
    );

    assert_eq!(
        accepted + n_rejected + n_failed,
        queries.len(),
        "every ask gets exactly one verdict"
    );
    assert!(
        answered >= 1,
        "the server at {url} never answered: failures [{}]",
        by_reason(&failed)
    );
}
