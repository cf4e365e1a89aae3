//! Server-side cost of an LLM answer shown from the response cache (the issue's target:
//! at most 1 ms per cache hit), next to an ordinary emulated command.
//!
//! - `shell_*`: one line fed to a pty [`Shell`] of the debian12 persona whose oracle is an
//!   [`AnswerCache`] holding the answer of `lsof -i` (plus 10,000 other answers, a full
//!   cache at the default size): `lsof -i` (cache hit: the line runs on a snapshot, the
//!   oracle answers, answer and prompt are printed) against `uname -a` (emulated, no LLM).
//! - `*_first_line`: the same lines as the first of a new shell (steady state above: the
//!   shell has run thousands of lines, its history is full).
//! - `oracle_answer`: [`AnswerCache::answer`] alone (hash of the key, map lookup, hit count).
//! - `driver_*`: the same two lines through the whole [`SessionDriver`] (detection on,
//!   events published to a bus with no sinks, the `llm_call` event of the hit included), as
//!   an SSH front calls it for a shell channel's data; pacing off.
//!
//! `cargo bench -p miragepot-runtime --bench llm_cache`
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

use std::sync::{Arc, OnceLock};

use divan::Bencher;
use miragepot_event::Protocol;
use miragepot_runtime::llm::cache::{AnswerCache, cache_key};
use miragepot_runtime::llm::{LlmService, LlmSettings};
use miragepot_runtime::{DataDirs, Detection, Pipeline, Services, SessionDriver, SessionLimits};
use miragepot_shell::{Mode, Oracle, Persona, SessionConfig, Shell, ShellLimits};
use miragepot_store::CacheRow;
use time::OffsetDateTime;

fn main() {
    divan::main();
}

/// A plausible `lsof -i` answer (about 900 bytes, 10 lines).
const LSOF: &str = "\
COMMAND    PID     USER   FD   TYPE DEVICE SIZE/OFF NODE NAME
systemd      1     root   45u  IPv6  14211      0t0  TCP *:ssh (LISTEN)
sshd       612     root    3u  IPv4  17021      0t0  TCP *:ssh (LISTEN)
sshd       612     root    4u  IPv6  17023      0t0  TCP *:ssh (LISTEN)
nginx      701     root    6u  IPv4  18102      0t0  TCP *:http (LISTEN)
nginx      702 www-data    6u  IPv4  18102      0t0  TCP *:http (LISTEN)
mariadbd   744    mysql   21u  IPv4  18544      0t0  TCP localhost:mysql (LISTEN)
chronyd    455  _chrony    5u  IPv4  16011      0t0  UDP localhost:323
chronyd    455  _chrony    6u  IPv6  16012      0t0  UDP localhost:323
sshd      1893     root    4u  IPv4  31337      0t0  TCP web-prod-02:ssh->203.0.113.9:50022 (ESTABLISHED)
";

/// Answers in the cache besides `lsof -i` (the default `llm.cache_entries` is 10,000).
const OTHER_ENTRIES: usize = 9_999;

fn persona() -> Arc<Persona> {
    static P: OnceLock<Arc<Persona>> = OnceLock::new();
    Arc::clone(P.get_or_init(|| Arc::new(Persona::debian12())))
}

fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_763_730_000).unwrap()
}

fn pty_shell(oracle: Arc<dyn Oracle>) -> Shell {
    let cfg = SessionConfig {
        user: "root".into(),
        mode: Mode::Pty {
            term: "xterm".into(),
            cols: 200,
            rows: 24,
        },
        src_ip: "203.0.113.9".into(),
        src_port: 50022,
        env: vec![],
        seed: 7,
        limits: ShellLimits::default(),
    };
    let mut sh = Shell::new(persona(), cfg, now());
    sh.set_oracle(oracle);
    sh.start(now());
    sh
}

/// The shell's key material for `lsof -i` in `/root`, as a session would ask it.
fn lsof_material() -> &'static str {
    static K: OnceLock<String> = OnceLock::new();
    K.get_or_init(|| {
        let p = persona();
        let empty = Arc::new(AnswerCache::new(&p.name, 10));
        let mut sh = pty_shell(empty);
        let step = sh.feed(b"lsof -i\r", now());
        step.ask
            .expect("lsof is installed but not emulated: asked")
            .key
    })
}

fn row(persona: &str, material: &str, request: &str, answer: &str) -> CacheRow {
    CacheRow {
        key: cache_key(persona, material),
        persona: persona.to_string(),
        kind: "command".into(),
        request: request.into(),
        cwd: "/root".into(),
        answer: answer.into(),
        backend: "openai".into(),
        model: "bench".into(),
        created: now(),
        last_used: now(),
        hits: 0,
    }
}

/// A full cache (no writer task: `insert` only fills the map) with the answer of `lsof -i`.
fn cache() -> Arc<AnswerCache> {
    let p = persona();
    let cache = Arc::new(AnswerCache::new(&p.name, OTHER_ENTRIES + 1));
    let answer = miragepot_llm::validate::to_pty(LSOF);
    cache.insert(row(&p.name, lsof_material(), "lsof -i", &answer));
    for i in 0..OTHER_ENTRIES {
        let material = format!("cmd\x1flsof -p {i}\x1f/root\x1f");
        cache.insert(row(
            &p.name,
            &material,
            &format!("lsof -p {i}"),
            "COMMAND\n",
        ));
    }
    assert_eq!(cache.len(), OTHER_ENTRIES + 1);
    cache
}

fn shell_with_cache() -> Shell {
    let mut sh = pty_shell(cache());
    let step = sh.feed(b"lsof -i\r", now());
    assert!(step.ask.is_none(), "a cache hit asks nothing");
    let out = String::from_utf8_lossy(&step.out);
    assert!(out.contains("mariadbd") && out.contains("root@"), "{out}");
    sh
}

/// `lsof -i` answered from the cache, prompt included.
#[divan::bench(sample_count = 200, sample_size = 20)]
fn shell_lsof_cache_hit(bencher: Bencher) {
    let mut sh = shell_with_cache();
    bencher.bench_local(|| sh.feed(divan::black_box(b"lsof -i\r"), now()).out.len());
}

/// `lsof -i` from the cache as the first line of a new session (short history: the snapshot
/// the line runs on is small). Building the shell is not timed.
#[divan::bench(sample_count = 200, sample_size = 5)]
fn shell_lsof_cache_hit_first_line(bencher: Bencher) {
    let cache = cache();
    bencher
        .with_inputs(|| pty_shell(Arc::clone(&cache) as Arc<dyn Oracle>))
        .bench_local_refs(|sh| sh.feed(divan::black_box(b"lsof -i\r"), now()).out.len());
}

/// `uname -a` as the first line of a new session.
#[divan::bench(sample_count = 200, sample_size = 5)]
fn shell_uname_emulated_first_line(bencher: Bencher) {
    let cache = cache();
    bencher
        .with_inputs(|| pty_shell(Arc::clone(&cache) as Arc<dyn Oracle>))
        .bench_local_refs(|sh| sh.feed(divan::black_box(b"uname -a\r"), now()).out.len());
}

/// `uname -a`, an emulated command, on the same shell.
#[divan::bench(sample_count = 200, sample_size = 20)]
fn shell_uname_emulated(bencher: Bencher) {
    let mut sh = shell_with_cache();
    let step = sh.feed(b"uname -a\r", now());
    assert!(String::from_utf8_lossy(&step.out).contains("Linux"));
    bencher.bench_local(|| sh.feed(divan::black_box(b"uname -a\r"), now()).out.len());
}

/// The cache lookup alone (key hash, map read, hit count).
#[divan::bench(sample_count = 200, sample_size = 100)]
fn oracle_answer(bencher: Bencher) {
    let cache = cache();
    let material = lsof_material();
    assert!(cache.answer(material).is_some());
    bencher.bench_local(|| cache.answer(divan::black_box(material)).map(|a| a.len()));
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap()
    })
}

fn detection() -> Arc<Detection> {
    use miragepot_detect::profile::{ProfileBook, ProfileConfig};
    Arc::new(Detection {
        rules: Arc::new(miragepot_detect::session::Rules::builtin().unwrap()),
        tarpit: false,
        token_key: Some(b"bench key".to_vec()),
        tokens: std::sync::Mutex::new(miragepot_detect::tokens::TokenIndex::new(100)),
        profiles: std::sync::Mutex::new(ProfileBook::new(ProfileConfig::default())),
        session_logs: None,
        published: std::sync::Mutex::new(std::collections::HashMap::new()),
    })
}

/// A pty session of a driver whose LLM service (backend `none`: a hit never calls it) has
/// the full cache; kept with its temp dir and pipeline.
struct Session {
    driver: SessionDriver,
    _pipeline: Pipeline,
    _dir: tempfile::TempDir,
}

fn session() -> Session {
    let _g = runtime().enter();
    let dir = tempfile::tempdir().unwrap();
    let (bus, pipeline) = Pipeline::start(Vec::new(), 4096, 16);
    let p = persona();
    let det = detection();
    let llm = LlmService::new(
        Arc::new(miragepot_llm::backend::NoBackend),
        LlmSettings::default(),
        &p,
        cache(),
        Arc::clone(&det.rules),
    );
    let services = Arc::new(Services {
        sensor: "bench".into(),
        persona: p,
        bus,
        dirs: DataDirs::under(dir.path().to_path_buf()),
        shell_limits: ShellLimits::default(),
        record: false,
        pacing: false,
        max_recording_bytes: 1 << 20,
        detection: Some(det),
        access: miragepot_runtime::policy::Access::new(Default::default()),
        limits: SessionLimits {
            max_commands: 0,
            max_input_bytes: 0,
            ..SessionLimits::default()
        },
        llm: Some(Arc::new(llm)),
        tty: Default::default(),
    });
    let mut driver = SessionDriver::new(
        services,
        "203.0.113.9:50022".parse().unwrap(),
        "10.0.3.17:22".parse().unwrap(),
        Protocol::Ssh,
    );
    driver.pty_request("xterm", 200, 24);
    driver.start_shell();
    let out = driver.data(b"lsof -i\r");
    assert!(out.ask.is_none(), "a cache hit asks nothing");
    assert!(String::from_utf8_lossy(&out.out).contains("mariadbd"));
    Session {
        driver,
        _pipeline: pipeline,
        _dir: dir,
    }
}

/// `lsof -i` from the cache through the session driver (detection, events, `llm_call`).
#[divan::bench(sample_count = 200, sample_size = 20)]
fn driver_lsof_cache_hit(bencher: Bencher) {
    let _g = runtime().enter();
    let mut s = session();
    bencher.bench_local(|| s.driver.data(divan::black_box(b"lsof -i\r")).out.len());
}

/// `uname -a` through the session driver.
#[divan::bench(sample_count = 200, sample_size = 20)]
fn driver_uname_emulated(bencher: Bencher) {
    let _g = runtime().enter();
    let mut s = session();
    bencher.bench_local(|| s.driver.data(divan::black_box(b"uname -a\r")).out.len());
}
