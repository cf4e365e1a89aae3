//! Tests: sessions recorded from the real bash (`golden`), per-feature checks, robustness.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use super::golden::CASES;
use super::*;

struct NoComp;
impl Completer for NoComp {
    fn complete(&self, _: &str) -> Vec<String> {
        Vec::new()
    }
}

/// `compgen -c` of the recording bash (PATH held only `cat` and `ls`).
const COMMANDS: &str = "! ./ : [ [[ ]] alias bg bind break builtin caller case cat cd command \
    compgen complete compopt continue coproc declare dirs disown do done echo elif else enable \
    esac eval exec exit export false fc fg fi for function getopts hash help history if in jobs \
    kill let local logout ls mapfile popd printf pushd pwd read readarray readonly return select \
    set shift shopt source suspend test then time times trap true type typeset ulimit umask \
    unalias unset until wait while { }";

/// Bash's completion in the recording directory: commands for the first word (falling back
/// to directories), file names otherwise.
struct BashLike;

impl BashLike {
    fn files(word: &str) -> Vec<String> {
        let (dir, base) = match word.rfind('/') {
            Some(i) => (&word[..=i], &word[i + 1..]),
            None => ("", word),
        };
        let names: Vec<String> = match dir {
            "" => [
                "alpha",
                "alpine",
                "beta",
                "delta",
                "gamma_long_name_file",
                "alps/",
                "many/",
                "hundred/",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            "many/" => (1..=150).map(|i| format!("f{i}")).collect(),
            "hundred/" => (1..=100).map(|i| format!("h{i}")).collect(),
            _ => Vec::new(),
        };
        names
            .into_iter()
            .filter(|n| n.starts_with(base))
            .map(|n| format!("{dir}{n}"))
            .collect()
    }
}

impl Completer for BashLike {
    fn complete(&self, before: &str) -> Vec<String> {
        let start = before.rfind([' ', '\t']).map_or(0, |i| i + 1);
        let word = &before[start..];
        let command_word = before[..start].trim().is_empty();
        if command_word && !word.contains('/') {
            let c: Vec<String> = COMMANDS
                .split_whitespace()
                .filter(|c| c.starts_with(word))
                .map(str::to_owned)
                .collect();
            if !c.is_empty() {
                return c;
            }
        }
        let f = Self::files(word);
        if command_word {
            f.into_iter().filter(|n| n.ends_with('/')).collect()
        } else {
            f
        }
    }
}

fn esc(b: &[u8]) -> String {
    b.iter()
        .map(|&c| {
            if (0x20..0x7f).contains(&c) {
                (c as char).to_string()
            } else {
                format!("\\x{c:02x}")
            }
        })
        .collect()
}

fn ed() -> LineEditor {
    let mut e = LineEditor::new(4096, 100);
    e.set_prompt("$ ");
    e
}

/// Feeds `input` and returns (echo, events).
fn run(e: &mut LineEditor, input: &[u8]) -> (Vec<u8>, Vec<EditEvent>) {
    let mut out = Vec::new();
    let ev = e.feed(input, &BashLike, &mut out);
    (out, ev)
}

/// Replays every recorded session through the editor, the way the shell drives it: after a
/// line it records history and prints the next prompt; the shell's part of the recording
/// (from `ESC[?2004l` after Enter up to the next `ESC[?2004h` + prompt) is skipped.
#[test]
fn golden_sessions_match_bash() {
    let mut failures = Vec::new();
    for case in CASES {
        let mut e = LineEditor::new(4096, 500);
        e.set_width(case.cols);
        e.set_height(case.rows);
        e.set_prompt(case.prompt);
        let reprompt = [b"\x1b[?2004h".as_slice(), case.prompt.as_bytes()].concat();
        'steps: for (si, (step, want)) in case.steps.iter().enumerate() {
            let mut pos = 0usize;
            let mut rest: &[u8] = step;
            loop {
                let mut o = Vec::new();
                let (n, ev) = e.feed_partial(rest, &BashLike, &mut o);
                rest = &rest[n..];
                if want.get(pos..pos + o.len()) != Some(&o[..]) {
                    failures.push(format!(
                        "{} step {si} ({}): got {} want {}",
                        case.name,
                        esc(step),
                        esc(&o),
                        esc(&want[pos.min(want.len())..])
                    ));
                    break 'steps;
                }
                pos += o.len();
                match ev {
                    Some(EditEvent::Line(l)) => {
                        let tail = &want[pos..];
                        assert!(tail.starts_with(b"\x1b[?2004l\r"), "{}", case.name);
                        let p = tail
                            .windows(reprompt.len())
                            .position(|w| w == &reprompt[..])
                            .unwrap();
                        pos += p + reprompt.len();
                        e.push_history(&l);
                        e.set_prompt(case.prompt);
                    }
                    Some(EditEvent::Interrupt) => {
                        assert!(want[pos..].starts_with(&reprompt), "{}", case.name);
                        pos += reprompt.len();
                        e.set_prompt(case.prompt);
                    }
                    Some(EditEvent::Eof) => break 'steps,
                    None => {}
                }
                if rest.is_empty() {
                    break;
                }
            }
            if pos != want.len() {
                failures.push(format!(
                    "{} step {si} ({}): missing {}",
                    case.name,
                    esc(step),
                    esc(&want[pos..])
                ));
                break;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn enter_emits_line_and_crlf() {
    let mut e = ed();
    let (out, ev) = run(&mut e, b"echo hi\r");
    assert_eq!(ev, vec![EditEvent::Line("echo hi".into())]);
    assert_eq!(out, b"echo hi\r\n");
    // \n alone is Enter too; \r\n counts once
    let (_, ev) = run(&mut e, b"a\nb\r\nc\r");
    let lines = ["a", "b", "c"].map(|s| EditEvent::Line(s.into()));
    assert_eq!(ev, lines.to_vec());
    let (_, ev) = run(&mut e, b"\r");
    assert_eq!(ev, vec![EditEvent::Line(String::new())]);
    // a \n arriving in the next read after \r is still the same Enter
    let (_, ev) = run(&mut e, b"x\r");
    assert_eq!(ev.len(), 1);
    let (out, ev) = run(&mut e, b"\n");
    assert!(ev.is_empty() && out.is_empty());
}

#[test]
fn backspace_and_bell() {
    let mut e = ed();
    assert_eq!(run(&mut e, b"\x7f").0, b"\x07");
    assert_eq!(run(&mut e, b"ab").0, b"ab");
    assert_eq!(run(&mut e, b"\x08").0, b"\x08\x1b[K");
    assert_eq!(run(&mut e, b"\x1b[D").0, b"\x08");
    // readline rewrites the tail here rather than inserting (no blank after the cursor)
    assert_eq!(run(&mut e, b"X").0, b"Xa\x08");
}

#[test]
fn interrupt_and_eof() {
    let mut e = ed();
    let (out, ev) = run(&mut e, b"abc\x03");
    assert_eq!(ev, vec![EditEvent::Interrupt]);
    assert_eq!(out, b"abc^C\x1b[?2004l\r\x1b[?2004h\x1b[?2004l\r\r\n");
    e.set_prompt("$ ");
    let (out, ev) = run(&mut e, b"\x04");
    assert_eq!(ev, vec![EditEvent::Eof]);
    assert!(out.is_empty());
    // ^D on a non-empty line deletes under the cursor
    let mut e = ed();
    let (out, ev) = run(&mut e, b"ab\x01\x04");
    assert!(ev.is_empty());
    assert_eq!(out, b"ab\x08\x08\x1b[1Pb\x08");
    // ^C interrupts even inside an escape sequence or a paste
    let (_, ev) = run(&mut e, b"\x1b[\x03");
    assert_eq!(ev, vec![EditEvent::Interrupt]);
    let (_, ev) = run(&mut e, b"\x1b[200~abc\x03");
    assert_eq!(ev, vec![EditEvent::Interrupt]);
    let (out, ev) = run(&mut e, b"z");
    assert!(ev.is_empty());
    assert_eq!(out, b"z");
}

#[test]
fn escape_sequences_split_anywhere() {
    let inputs: [&[u8]; 6] = [
        b"abc\x1b[D\x1b[D\x1b[3~X\x1bOH\x1b[1;5C\x1b[4~\r",
        b"one two\x1bb\x1bd\x1b\x7fq\x1b[200~pa\x09st\x1b[201~\x1b[Ax\r",
        "h\u{e9}llo \u{65e5}\u{672c}\x1b[D\u{20ac}\r".as_bytes(),
        b"ls -la\x12l\x1b[C\r",
        b"\x1b[15~\x1b[Z\x1b\x1bx\x18a\r",
        b"a\x1b1\x1b2x\x1b[D\x1f\r",
    ];
    for input in inputs {
        let mut whole = ed();
        let (want_out, want_ev) = run(&mut whole, input);
        for cut in 0..input.len() {
            let mut e = ed();
            let (mut out, mut ev) = run(&mut e, &input[..cut]);
            let (o2, e2) = run(&mut e, &input[cut..]);
            out.extend(o2);
            ev.extend(e2);
            assert_eq!(ev, want_ev, "cut at {cut} of {}", esc(input));
            assert_eq!(esc(&out), esc(&want_out), "cut at {cut} of {}", esc(input));
        }
        // and byte by byte
        let mut e = ed();
        let mut evs = Vec::new();
        for b in input {
            evs.extend(run(&mut e, std::slice::from_ref(b)).1);
        }
        assert_eq!(evs, want_ev);
    }
}

#[test]
fn paste_with_several_lines_submits_each() {
    let mut e = ed();
    let (out, ev) = run(&mut e, b"\x1b[200~echo one\r\necho two\nfoo\x1b[201~");
    assert_eq!(
        ev,
        vec![
            EditEvent::Line("echo one".into()),
            EditEvent::Line("echo two".into())
        ]
    );
    // each line is highlighted, then drawn plain when accepted, like bash
    assert!(out.starts_with(b"\x1b[7mecho one\x1b[27m\r\x1b[C\x1b[Cecho one\r\n"));
    assert!(out.ends_with(b"\x1b[7mfoo\x1b[27m"));
    let (_, ev) = run(&mut e, b"\r");
    assert_eq!(ev, vec![EditEvent::Line("foo".into())]);
    // control characters other than TAB are dropped from pastes, invalid UTF-8 too
    let (_, ev) = run(&mut e, b"\x1b[200~a\x01\tb\xff\xc3\x1b[x\x1b[201~\r");
    assert_eq!(ev, vec![EditEvent::Line("a\tb[x".into())]);
}

#[test]
fn feed_partial_stops_after_each_event() {
    let mut e = ed();
    let input = b"ls\rpwd\rwho";
    let mut out = Vec::new();
    let (n, ev) = e.feed_partial(input, &NoComp, &mut out);
    assert_eq!((n, ev), (3, Some(EditEvent::Line("ls".into()))));
    assert_eq!(out, b"ls\r\n");
    e.set_prompt("# ");
    out.clear();
    let (n2, ev) = e.feed_partial(&input[n..], &NoComp, &mut out);
    assert_eq!((n2, ev), (4, Some(EditEvent::Line("pwd".into()))));
    out.clear();
    let (n3, ev) = e.feed_partial(&input[n + n2..], &NoComp, &mut out);
    assert_eq!((n3, ev, out), (3, None, b"who".to_vec()));
}

#[test]
fn typeahead_is_drawn_after_the_new_prompt() {
    let mut e = ed();
    let (_, ev) = run(&mut e, b"ls\rpw");
    assert_eq!(ev.len(), 1);
    e.set_prompt("root@debian:~# ");
    let (out, _) = run(&mut e, b"");
    assert_eq!(out, b"pw");
    let (_, ev) = run(&mut e, b"d\r");
    assert_eq!(ev, vec![EditEvent::Line("pwd".into())]);
}

#[test]
fn line_cap_rings_and_drops() {
    let mut e = LineEditor::new(8, 10);
    e.set_prompt("$ ");
    let (out, _) = run(&mut e, b"0123456789");
    assert_eq!(out, b"\x0701234567");
    let (out, _) = run(&mut e, "\u{e9}".as_bytes());
    assert_eq!(out, b"\x07");
    let (_, ev) = run(&mut e, &[b'x'; 100_000]);
    assert!(ev.is_empty());
    let (_, ev) = run(&mut e, b"\x7f\x7f\xc3\xa9\r");
    assert_eq!(ev, vec![EditEvent::Line("012345\u{e9}".into())]);
    // a huge paste cannot grow the buffer either
    let mut big = b"\x1b[200~".to_vec();
    big.extend(std::iter::repeat_n(b'y', 1 << 20));
    big.extend(b"\x1b[201~\r");
    let (_, ev) = run(&mut e, &big);
    assert_eq!(ev, vec![EditEvent::Line("yyyyyyyy".into())]);
}

#[test]
fn history_ignoreboth_and_cap() {
    let mut e = LineEditor::new(100, 3);
    for l in ["ls", "ls", " secret", "", "pwd", "id", "ls", "uname -a"] {
        e.push_history(l);
    }
    let h: Vec<&str> = e.history().collect();
    assert_eq!(h, ["id", "ls", "uname -a"]);
    e.set_prompt("$ ");
    let (_, ev) = run(&mut e, b"\x1b[A\x1b[A\r");
    assert_eq!(ev, vec![EditEvent::Line("ls".into())]);
    let mut none = LineEditor::new(100, 0);
    none.push_history("ls");
    assert_eq!(none.history().count(), 0);
}

#[test]
fn history_navigation_keeps_edits_until_accept() {
    let mut e = ed();
    e.push_history("echo one");
    e.push_history("echo two");
    e.set_prompt("$ ");
    let (out, _) = run(&mut e, b"x\x1b[A\x7f");
    assert_eq!(out, b"x\x08echo two\x08\x1b[K");
    let (_, _) = run(&mut e, b"\x1b[A\x1b[B");
    let (out, _) = run(&mut e, b"\x1b[B");
    // back on the typed line
    assert_eq!(out, b"\r\x1b[C\x1b[Cx\x1b[K");
    let (_, ev) = run(&mut e, b"\x1b[A\r");
    assert_eq!(ev, vec![EditEvent::Line("echo tw".into())]);
    e.push_history("echo tw");
    e.set_prompt("$ ");
    // after accepting, the edited entry is back to what was run
    let (_, ev) = run(&mut e, b"\x1b[A\x1b[A\r");
    assert_eq!(ev, vec![EditEvent::Line("echo two".into())]);
}

#[test]
fn completion_single_prefix_and_listing() {
    let mut e = ed();
    assert_eq!(run(&mut e, b"ech\t").0, b"echo ");
    let (_, ev) = run(&mut e, b"\x15cat al\t");
    assert!(ev.is_empty());
    let (out, _) = run(&mut e, b"\t\t");
    assert_eq!(
        out,
        b"\x07\r\nalpha   alpine  alps/   \r\n$ cat alp".as_slice()
    );
    // directories end in '/' and get no space
    assert_eq!(run(&mut e, b"s\t").0, b"s/");
    // the completer can name a word after a break character
    struct Eq;
    impl Completer for Eq {
        fn complete(&self, before: &str) -> Vec<String> {
            assert_eq!(before, "x --file=/et");
            vec!["/etc/".into()]
        }
    }
    let mut e = ed();
    let mut out = Vec::new();
    e.feed(b"x --file=/et\t", &Eq, &mut out);
    assert_eq!(out, b"x --file=/etc/");
}

#[test]
fn prompt_with_colours_is_reprinted_raw() {
    let mut e = LineEditor::new(100, 10);
    let prompt = "\x1b]0;t\x07\x01\x1b[01;32m\x02u@h\x01\x1b[00m\x02:~$ ";
    e.set_prompt(prompt);
    let (out, _) = run(&mut e, b"ls\x01");
    // the cursor moves over the visible prompt only ("u@h:~$ " is 7 columns)
    assert_eq!(out, b"ls\x08\x08");
    let (out, _) = run(&mut e, b"\x0c");
    assert_eq!(
        out,
        b"\x1b[H\x1b[2J\x1b]0;t\x07\x1b[01;32mu@h\x1b[00m:~$ ls\x08\x08".as_slice()
    );
}

#[test]
fn misc_api() {
    let mut e = ed();
    e.set_width(0);
    e.set_height(0);
    e.set_continuation(true);
    let (_, _) = run(&mut e, b"abc");
    e.clear_line();
    let (out, ev) = run(&mut e, b"d\r");
    assert_eq!(out, b"d\r\n");
    assert_eq!(ev, vec![EditEvent::Line("d".into())]);
}

/// xorshift64*: deterministic noise.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

#[test]
fn random_bytes_never_panic() {
    struct Many;
    impl Completer for Many {
        fn complete(&self, before: &str) -> Vec<String> {
            let n = before.len() % 150;
            (0..n).map(|i| format!("w{i}\u{65e5}")).collect()
        }
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    // weighted towards the bytes that drive the editor
    let interesting: &[u8] = b"\x1b[O~;0123456789ABCDHFPZ\x7f\x08\x01\x02\x03\x04\x05\x06\x0b\x0c\
        \x0e\x0f\x10\x12\x14\x15\x16\x17\x18\x19\x1d\x1f\t\r\n yqn-.#_\xc3\xa9\xe6\x97\xa5\xff\x80";
    for round in 0..4u64 {
        let mut e = LineEditor::new(256, 20);
        e.set_width([80, 13, 1, 200][round as usize]);
        e.set_height([24, 3, 1, 50][round as usize]);
        e.set_prompt(if round % 2 == 0 {
            "$ "
        } else {
            "\x1b[1mroot@h:~# \x1b[0m"
        });
        let mut total = 0usize;
        while total < 100_000 {
            let len = (rng.next() % 40) as usize + 1;
            let chunk: Vec<u8> = (0..len)
                .map(|_| {
                    let r = rng.next();
                    if r.is_multiple_of(3) {
                        r.to_le_bytes()[1]
                    } else {
                        interesting[(r >> 8) as usize % interesting.len()]
                    }
                })
                .collect();
            total += len;
            let mut out = Vec::new();
            let events = e.feed(&chunk, &Many, &mut out);
            for ev in events {
                if let EditEvent::Line(l) = ev {
                    assert!(l.len() <= 256);
                    e.push_history(&l);
                }
                e.set_prompt("$ ");
            }
            if rng.next().is_multiple_of(97) {
                e.set_width((rng.next() % 300) as u32);
            }
        }
    }
}
