//! Expansion, redirection and control-flow details checked against bash 5.2 output.

use super::tests::T;

fn out(line: &str) -> String {
    T::new().out(line)
}

#[test]
fn word_splitting_and_quoting() {
    assert_eq!(
        out("x='  a   b  '; printf '<%s>' $x \"$x\"; echo"),
        "<a><b><  a   b  >\n"
    );
    assert_eq!(out("IFS=:; x=a::b; printf '<%s>' $x; echo"), "<a><><b>\n");
    assert_eq!(
        out("IFS=' :'; x=' a : b '; printf '<%s>' $x; echo"),
        "<a><b>\n"
    );
    assert_eq!(
        out("set -- 'a b' c; printf '<%s>' \"$@\" \"$*\" $@; echo"),
        "<a b><c><a b c><a><b><c>\n"
    );
    assert_eq!(
        out("set --; printf '<%s>' \"$@\"; echo \"[$#]\""),
        "<>[0]\n"
    );
    assert_eq!(
        out("set --; for a in \"$@\"; do echo x; done; echo \"[$#]\""),
        "[0]\n"
    );
    assert_eq!(out("e=''; printf '<%s>' $e \"$e\" ''; echo"), "<><>\n");
    assert_eq!(out("echo \"a\"'b'$'c\\td'\\ e"), "abc\td e\n");
    assert_eq!(out("echo $'\\x41\\102\\u263A'"), "AB\u{263a}\n");
}

#[test]
fn parameter_operators() {
    assert_eq!(
        out("a=(x y z w); echo ${a[@]:1:2} ${#a[1]} ${a[*]: -1}"),
        "y z 1 w\n"
    );
    assert_eq!(
        out("s=abcabc; echo ${s/b/-} ${s//b/-} ${s/#a/^} ${s/%c/$} ${s#*b} ${s##*b}"),
        "a-cabc a-ca-c ^bcabc abcab$ cabc c\n"
    );
    assert_eq!(
        out("s=file.tar.gz; echo ${s%.*} ${s%%.*} ${#s}"),
        "file.tar file 11\n"
    );
    assert_eq!(out("u=; echo ${u:-d} ${u-n} ${u:+a} ${u+b}"), "d b\n");
    assert_eq!(out("echo ${z:=set}; echo $z"), "set\nset\n");
    assert_eq!(
        out("x=hello; echo ${x@Q} ${x@U} ${x^} ${x:1} ${x:1:-1}"),
        "'hello' HELLO Hello ello ell\n"
    );
    assert_eq!(out("v=x; x=1; echo ${!v} ${!PAT*}"), "1 PATH\n");
}

#[test]
fn arithmetic_details() {
    assert_eq!(
        out("echo $((7/2)) $((-7%3)) $((2**62*2)) $((1<<63)) $((~0)) $((!5))"),
        "3 -1 -9223372036854775808 -9223372036854775808 -1 0\n"
    );
    assert_eq!(
        out("x=3; echo $((x+=2, x*2)) $x $((x++)) $x $((--x))"),
        "10 5 5 6 5\n"
    );
    assert_eq!(out("a=b; b=c; c=7; echo $((a + 1))"), "8\n");
    assert_eq!(out("(( 0 )); echo $?; (( 2 )); echo $?"), "1\n0\n");
    let (_, err, st) = T::new().run("echo $((2**-1))");
    assert_eq!(
        (err.as_str(), st),
        (
            "bash: line 1: 2**-1: exponent less than 0 (error token is \"1\")\n",
            1
        )
    );
    let (_, err, _) = T::new().run("a=a; echo $((a))");
    assert!(err.contains("expression recursion level exceeded"), "{err}");
}

#[test]
fn redirections_and_heredocs() {
    let mut t = T::new();
    assert_eq!(
        t.out("cd /tmp; echo a >f; echo b >>f; cat f; cat <f | wc -l"),
        "a\nb\n2\n"
    );
    assert_eq!(t.out("cat <<-EOF\n\t\tx\n\tEOF\necho y"), "x\ny\n");
    assert_eq!(
        t.out("x=1; cat <<EOF\n$x \\$x $(echo s) $((x+1))\nEOF"),
        "1 $x s 2\n"
    );
    assert_eq!(t.out("read -r a b <<< 'p q r'; echo \"$b|$a\""), "q r|p\n");
    assert_eq!(
        t.run("{ echo o; echo e >&2; } 2>&1 >/dev/null | cat"),
        ("e\n".into(), String::new(), 0)
    );
    assert_eq!(
        t.run("echo x 3>&1 1>&2 2>&3"),
        (String::new(), "x\n".into(), 0)
    );
    assert_eq!(t.run("echo x >&-"), (String::new(), String::new(), 0));
    assert_eq!(
        t.out("exec 3>/tmp/fd3; echo via3 >&3; cat /tmp/fd3"),
        "via3\n"
    );
    assert_eq!(
        t.run("echo x > /dev/tcp/192.0.2.1/80").1,
        "bash: line 1: connect: Connection refused\nbash: line 1: /dev/tcp/192.0.2.1/80: Connection refused\n"
    );
    assert_eq!(
        t.out("x=$(cat < /dev/zero | head -c 3 | wc -c); echo $x"),
        "3\n"
    );
}

#[test]
fn control_flow_edges() {
    assert_eq!(
        out("for i in 1 2 3; do for j in a b; do [ $j = b ] && break 2; echo $i$j; done; done"),
        "1a\n"
    );
    assert_eq!(out("f() { return 4; echo no; }; f; echo $?"), "4\n");
    assert_eq!(out("f() { (exit 5); echo $?; }; f"), "5\n");
    assert_eq!(
        out("x=0; while :; do x=$((x+1)); [ $x -ge 3 ] && break; done; echo $x"),
        "3\n"
    );
    assert_eq!(
        out("case 'a b' in 'a b') echo quoted;; esac; case x in [[:alpha:]]) echo class;; esac"),
        "quoted\nclass\n"
    );
    assert_eq!(
        out("set -e; f() { false; echo inside; }; f || echo handled; echo end"),
        "inside\nend\n"
    );
    assert_eq!(out("set -e; false; echo never"), "");
    assert_eq!(out("! true; echo $?; true | false; echo $?"), "1\n1\n");
    assert_eq!(out("trap 'echo bye' EXIT; echo main"), "main\nbye\n");
    assert_eq!(
        out("x=out; f() { local x=in; unset x; echo ${x-unset}; }; f; echo $x"),
        "unset\nout\n"
    );
}
