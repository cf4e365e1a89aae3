//! The LLM fallback's exchange with the shell: a line that needs an answer is held and
//! returned as `Step::ask`, input typed meanwhile waits, and `resume` finishes the line the way
//! its mode would (prompt, exit status, the next lines), from an answer or the deterministic
//! fallback. Answers are found again in the session and in the shared cache (the oracle).

// Test code: a failed expectation should panic with its message.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use miragepot_shell::{
    AnswerSource, AskKind, Mode, Observation, Oracle, Persona, Resolution, SessionConfig, Shell,
    ShellLimits, Step,
};
use time::OffsetDateTime;

#[derive(Debug, Default)]
struct Cache(Mutex<HashMap<String, Arc<str>>>);

impl Oracle for Cache {
    fn answer(&self, key: &str) -> Option<Arc<str>> {
        self.0.lock().unwrap().get(key).cloned()
    }
}

fn persona() -> Arc<Persona> {
    static P: OnceLock<Arc<Persona>> = OnceLock::new();
    Arc::clone(P.get_or_init(|| Arc::new(Persona::debian12())))
}

fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_763_730_000).unwrap()
}

fn shell(mode: Mode, cache: &Arc<Cache>) -> Shell {
    let cfg = SessionConfig {
        user: "root".into(),
        mode,
        src_ip: "203.0.113.9".into(),
        src_port: 50022,
        env: vec![],
        seed: 7,
        limits: ShellLimits::default(),
    };
    let mut sh = Shell::new(persona(), cfg, now());
    sh.set_oracle(Arc::clone(cache) as Arc<dyn Oracle>);
    sh.start(now());
    sh
}

fn pty(cache: &Arc<Cache>) -> Shell {
    shell(
        Mode::Pty {
            term: "xterm".into(),
            cols: 200,
            rows: 24,
        },
        cache,
    )
}

fn text(step: &Step) -> String {
    String::from_utf8_lossy(&step.out).into_owned()
}

fn answer(s: &str) -> Resolution {
    Resolution::Answer(Arc::from(s))
}

const LSOF: &str = "COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME\nsshd 612 root 3u IPv4 17021 0t0 TCP *:ssh (LISTEN)\n";

fn results(step: &Step) -> Vec<(String, String)> {
    step.observations
        .iter()
        .filter_map(|o| match o {
            Observation::CommandResult { line, output, .. } => {
                Some((line.clone(), String::from_utf8_lossy(output).into_owned()))
            }
            _ => None,
        })
        .collect()
}

fn llm_notes(step: &Step) -> Vec<AnswerSource> {
    step.observations
        .iter()
        .filter_map(|o| match o {
            Observation::LlmAnswer { source, .. } => Some(*source),
            _ => None,
        })
        .collect()
}

#[test]
fn a_pty_line_is_held_then_finished_with_the_answer() {
    let cache = Arc::new(Cache::default());
    let mut sh = pty(&cache);
    let step = sh.feed(b"lsof -i\r", now());
    let ask = step
        .ask
        .clone()
        .expect("lsof is installed but not emulated");
    assert_eq!(
        ask.kind,
        AskKind::Command {
            program: "lsof".into(),
            line: "lsof -i".into()
        }
    );
    assert_eq!(ask.cwd, "/root");
    assert!(step.observations.is_empty(), "{:?}", step.observations);
    assert!(!text(&step).contains("root@"), "no prompt while held");
    assert!(sh.is_held());
    // Typed ahead while the answer is pending: kept, not run yet.
    assert_eq!(sh.feed(b"echo after\r", now()), Step::default());

    let step = sh.resume(answer(LSOF), now());
    assert!(step.ask.is_none());
    let out = text(&step);
    assert!(out.contains("sshd 612 root 3u IPv4"), "{out}");
    assert!(
        out.contains("echo after\r\n\x1b[?2004l\rafter\r\n"),
        "queued input ran after: {out}"
    );
    let res = results(&step);
    assert_eq!(res.len(), 2);
    assert_eq!(res[0], ("lsof -i".to_string(), LSOF.to_string()));
    assert_eq!(res[1].1, "after\n");
    assert!(
        llm_notes(&step).is_empty(),
        "the fresh answer is the call itself"
    );
    assert!(
        !step
            .observations
            .iter()
            .any(|o| matches!(o, Observation::CommandUnknown { .. }))
    );

    // The same question again in this session: no new ask, noted as a session answer.
    let step = sh.feed(b"lsof -i | grep -c sshd\r", now());
    assert!(step.ask.is_none());
    assert!(
        text(&step).contains("\x1b[?2004l\r1\r\n"),
        "{}",
        text(&step)
    );
    assert_eq!(llm_notes(&step), vec![AnswerSource::Session]);
    // Another argument, another question.
    let step = sh.feed(b"lsof -n\r", now());
    assert!(step.ask.is_some());
}

#[test]
fn fallback_prints_the_deterministic_answer_and_is_not_asked_again() {
    let cache = Arc::new(Cache::default());
    let mut sh = pty(&cache);
    let mut plain = {
        let cfg = SessionConfig {
            user: "root".into(),
            mode: Mode::Exec,
            src_ip: "203.0.113.9".into(),
            src_port: 50022,
            env: vec![],
            seed: 7,
            limits: ShellLimits::default(),
        };
        Shell::new(persona(), cfg, now())
    };
    let expected = plain.exec("lsof -i; echo $?", now());
    assert!(sh.feed(b"lsof -i; echo $?\r", now()).ask.is_some());
    let step = sh.resume(Resolution::Fallback, now());
    assert!(step.ask.is_none());
    assert_eq!(results(&step)[0].1, String::from_utf8_lossy(&expected.out));
    assert!(step.observations.iter().any(|o| matches!(
        o,
        Observation::CommandUnknown {
            installed: true,
            ..
        }
    )));
    assert!(sh.feed(b"lsof -i\r", now()).ask.is_none());
}

#[test]
fn the_shared_cache_answers_without_an_ask() {
    let cache = Arc::new(Cache::default());
    let mut first = pty(&cache);
    let ask = first.feed(b"lsof -i\r", now()).ask.unwrap();
    cache
        .0
        .lock()
        .unwrap()
        .insert(ask.key.clone(), Arc::from(LSOF));
    let mut second = pty(&cache);
    let step = second.feed(b"lsof -i\r", now());
    assert!(step.ask.is_none());
    assert!(text(&step).contains("sshd 612"));
    assert_eq!(llm_notes(&step), vec![AnswerSource::Cache]);
    // The key depends on the working directory.
    let step = second.feed(b"cd /tmp; lsof -i\r", now());
    let other = step.ask.expect("another cwd is another question");
    assert_ne!(other.key, ask.key);
    assert_eq!(other.cwd, "/tmp");
}

#[test]
fn the_line_runs_once_its_side_effects_are_not_doubled() {
    let cache = Arc::new(Cache::default());
    let mut sh = pty(&cache);
    assert!(
        sh.feed(b"echo x >> /tmp/log; lsof; echo y >> /tmp/log\r", now())
            .ask
            .is_some()
    );
    sh.resume(answer("COMMAND\n"), now());
    let step = sh.feed(b"cat /tmp/log; history | tail -n 3\r", now());
    let out = text(&step);
    assert!(out.contains("x\r\ny\r\n"), "{out}");
    assert_eq!(out.matches("lsof").count(), 1, "one history entry: {out}");
}

#[test]
fn exec_and_pipe_modes_finish_after_the_answer() {
    let cache = Arc::new(Cache::default());
    let mut sh = shell(Mode::Exec, &cache);
    let step = sh.exec("lsof -i | head -n 1", now());
    assert!(step.ask.is_some() && step.exit.is_none());
    let step = sh.resume(answer(LSOF), now());
    assert_eq!(step.exit, Some(0));
    assert_eq!(
        text(&step),
        "COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME\n"
    );

    let mut sh = shell(Mode::Pipe, &cache);
    let step = sh.feed(b"echo before\nlsof -n\necho after\n", now());
    assert_eq!(text(&step), "before\n");
    assert!(step.ask.is_some());
    assert_eq!(sh.eof(now()), Step::default(), "end of input waits too");
    let step = sh.resume(answer("x\n"), now());
    assert_eq!(text(&step), "x\nafter\n");
    assert_eq!(step.exit, Some(0), "the held end of input ends the shell");
}

#[test]
fn a_file_listed_without_content_gets_its_text_once() {
    let cache = Arc::new(Cache::default());
    let mut sh = pty(&cache);
    let path = "/usr/share/doc-base/nano.nano";
    let step = sh.feed(format!("cat {path}\r").as_bytes(), now());
    let ask = step.ask.expect("a text file without content");
    assert!(matches!(&ask.kind, AskKind::File { path: p, .. } if p == path));
    let step = sh.resume(answer("Document: nano\nTitle: The nano editor\n"), now());
    assert!(text(&step).contains("Document: nano\r\nTitle: The nano editor\r\n"));
    let step = sh.feed(format!("wc -c {path}; ls -l {path}\r").as_bytes(), now());
    let out = text(&step);
    assert!(out.contains(&format!("38 {path}")), "{out}");
    assert!(out.contains(" 38 "), "ls agrees: {out}");
    assert!(
        sh.written_files().is_empty(),
        "generated text is not an artifact"
    );
}

#[test]
fn one_line_asks_at_most_three_times() {
    let cache = Arc::new(Cache::default());
    let mut sh = pty(&cache);
    let mut step = sh.feed(b"lsof; pmap 1; lslogins; findmnt; echo end\r", now());
    let mut asks = 0;
    while step.ask.is_some() {
        asks += 1;
        step = sh.resume(answer(&format!("answer{asks}\n")), now());
    }
    assert_eq!(asks, 3);
    let out = text(&step);
    assert!(out.contains("answer1") && out.contains("answer3") && out.contains("end"));
}

#[test]
fn without_an_oracle_nothing_is_asked_and_missing_paths_are_found() {
    let cfg = SessionConfig {
        user: "root".into(),
        mode: Mode::Exec,
        src_ip: "203.0.113.9".into(),
        src_port: 50022,
        env: vec![],
        seed: 7,
        limits: ShellLimits::default(),
    };
    let mut sh = Shell::new(persona(), cfg, now());
    assert!(
        sh.missing_path(&["/etc/passwd".into(), "/etc/nginx/nginx.conf".into()])
            .as_deref()
            == Some("/etc/nginx/nginx.conf")
    );
    let step = sh.exec("lsof -i", now());
    assert!(step.ask.is_none());
    assert_eq!(step.exit, Some(0));
}
