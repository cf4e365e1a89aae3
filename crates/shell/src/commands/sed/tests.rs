//! sed tests against captures from GNU sed.

use crate::commands::testutil::{run, run_in, shared_persona};

// Captured from GNU sed 4.9 on Debian 12.
const CASES: &[(&[&str], &str, &str, &str, i32)] = &[
    (&["s/a/b/"], "aaa\nxa\n", "baa\nxb\n", "", 0),
    (&["s/a/b/g"], "aaa\n", "bbb\n", "", 0),
    (&["-n", "s/b/X/p;s/X/&&/gp"], "abc\n", "aXc\naXXc\n", "", 0),
    (&["s|/usr|/opt|"], "/usr/bin\n", "/opt/bin\n", "", 0),
    (&["-n", "2,3p;$="], "l1\nl2\nl3\nl4\n", "l2\nl3\n4\n", "", 0),
    (
        &["2a\\\nhello"],
        "l1\nl2\nl3\n",
        "l1\nl2\nhello\nl3\n",
        "",
        0,
    ),
    (&["1i foo"], "l1\nl2\n", "foo\nl1\nl2\n", "", 0),
    (&["s/\\./-/2"], "a.b.c\n", "a.b-c\n", "", 0),
    (&["-E", "s/(a)(b)/\\2\\1/"], "abc\n", "bac\n", "", 0),
    (&["s/\\(a\\)\\(b\\)/\\2\\1/"], "abc\n", "bac\n", "", 0),
    (&["s/a/x/I"], "Abc\n", "xbc\n", "", 0),
    (&["$!d"], "a\nb\n", "b\n", "", 0),
    (&["/b/,$d"], "a\nb\nc\n", "a\n", "", 0),
    (&["y/lo/01/"], "hello\n", "he001\n", "", 0),
    (&["s/a/x\\ny/"], "a\n", "x\ny\n", "", 0),
    (&["="], "a\nb\n", "1\na\n2\nb\n", "", 0),
    (&["1c\\changed"], "x\ny\n", "changed\ny\n", "", 0),
    (&["a  two  spaces"], "x\n", "x\ntwo  spaces\n", "", 0),
    (&["p"], "a", "a\na", "", 0),
    (&["-n", "/re/p"], "re1\nno\nre2\n", "re1\nre2\n", "", 0),
    (&["2q"], "1\n2\n3\n", "1\n2\n", "", 0),
    (&["2Q"], "1\n2\n3\n", "1\n", "", 0),
    (&["-e", "s/a/b/", "-e", "s/b/c/"], "a\n", "c\n", "", 0),
    (&["1d;s/x/y/"], "x\nx\n", "y\n", "", 0),
    (&["-n", "1!G;h;$p"], "1\n2\n3\n", "3\n2\n1\n", "", 0),
    (&["N;s/\\n/,/"], "1\n2\n3\n", "1,2\n3\n", "", 0),
    (&["/^#/d;/^$/d"], "# c\n\nkey=v\n", "key=v\n", "", 0),
    (&["s/[[:space:]]*$//"], "a  \n", "a\n", "", 0),
    (&["0~2d"], "1\n2\n3\n4\n", "1\n3\n", "", 0),
    (&["2,+1d"], "1\n2\n3\n4\n", "1\n4\n", "", 0),
    (&["/2/,/3/!d"], "1\n2\n3\n4\n", "2\n3\n", "", 0),
    (&["s/x*/-/g"], "abc\n", "-a-b-c-\n", "", 0),
    (&["s/b*/-/g"], "abc\n", "-a-c-\n", "", 0),
    (&["-n", "$p"], "1\n2\n", "2\n", "", 0),
    (&["{p;p}"], "a\n", "a\na\na\n", "", 0),
    (&["/a/{s/a/b/;p}"], "a\nc\n", "b\nb\nc\n", "", 0),
    (&[":a;s/aa/a/;ta"], "aaaa\n", "a\n", "", 0),
    (&["s/a/b/;T;s/b/c/"], "a\nx\n", "c\nx\n", "", 0),
    (
        &["s/a/b"],
        "a\n",
        "",
        "sed: -e expression #1, char 5: unterminated `s' command\n",
        1,
    ),
    (
        &["s/a/b/q"],
        "a\n",
        "",
        "sed: -e expression #1, char 7: unknown option to `s'\n",
        1,
    ),
    (
        &["k"],
        "a\n",
        "",
        "sed: -e expression #1, char 1: unknown command: `k'\n",
        1,
    ),
    (
        &["/x/"],
        "a\n",
        "",
        "sed: -e expression #1, char 3: missing command\n",
        1,
    ),
    (
        &["1,"],
        "a\n",
        "",
        "sed: -e expression #1, char 2: unexpected `,'\n",
        1,
    ),
    (
        &["y/ab/c/"],
        "a\n",
        "",
        "sed: -e expression #1, char 7: strings for `y' command are different lengths\n",
        1,
    ),
    (
        &["a"],
        "a\n",
        "",
        "sed: -e expression #1, char 1: expected \\ after `a', `c' or `i'\n",
        1,
    ),
    (
        &["b foo"],
        "a\n",
        "",
        "sed: can't find label for jump to `foo'\n",
        4,
    ),
    (
        &["}"],
        "a\n",
        "",
        "sed: -e expression #1, char 1: unexpected `}'\n",
        1,
    ),
    (
        &["{p"],
        "a\n",
        "",
        "sed: -e expression #1, char 0: unmatched `{'\n",
        1,
    ),
    (
        &["s/\\(a/x/"],
        "a\n",
        "",
        "sed: -e expression #1, char 8: Unmatched ( or \\(\n",
        1,
    ),
    (
        &["s/a/\\1/"],
        "a\n",
        "",
        "sed: -e expression #1, char 7: invalid reference \\1 on `s' command's RHS\n",
        1,
    ),
    (
        &["-n"],
        "a\n",
        "",
        "Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n\n  -n, --quiet, --silent\n                 suppress automatic printing of pattern space\n      --debug\n                 annotate program execution\n  -e script, --expression=script\n                 add the script to the commands to be executed\n  -f script-file, --file=script-file\n                 add the contents of script-file to the commands to be executed\n  --follow-symlinks\n                 follow symlinks when processing in place\n  -i[SUFFIX], --in-place[=SUFFIX]\n                 edit files in place (makes backup if SUFFIX supplied)\n  -l N, --line-length=N\n                 specify the desired line-wrap length for the `l' command\n  --posix\n                 disable all GNU extensions.\n  -E, -r, --regexp-extended\n                 use extended regular expressions in the script\n                 (for portability use POSIX -E).\n  -s, --separate\n                 consider files as separate rather than as a single,\n                 continuous long stream.\n      --sandbox\n                 operate in sandbox mode (disable e/r/w commands).\n  -u, --unbuffered\n                 load minimal amounts of data from the input files and flush\n                 the output buffers more often\n  -z, --null-data\n                 separate lines by NUL characters\n      --help     display this help and exit\n      --version  output version information and exit\n\nIf no -e, --expression, -f, or --file option is given, then the first\nnon-option argument is taken as the sed script to interpret.  All\nremaining arguments are names of input files; if no input files are\nspecified, then the standard input is read.\n\nGNU sed home page: <https://www.gnu.org/software/sed/>.\nGeneral help using GNU software: <https://www.gnu.org/gethelp/>.\n",
        1,
    ),
    (
        &["p", "/nonexistent"],
        "a\n",
        "",
        "sed: can't read /nonexistent: No such file or directory\n",
        2,
    ),
    (&["s/^/> /"], "a\nb\n", "> a\n> b\n", "", 0),
    (&["s/.*/\"&\"/"], "a b\n", "\"a b\"\n", "", 0),
    (&["-z", "s/\\n/,/g"], "a\nb\n", "a,b,", "", 0),
    (&["l"], "a\tb\\\n", "a\\tb\\\\$\na\tb\\\n", "", 0),
    (&["s/a/b/w /dev/stdout"], "a\n", "b\nb\n", "", 0),
    (&["-s", "$p"], "1\n2\n", "1\n2\n2\n", "", 0),
];

#[test]
fn answers_like_gnu_sed() {
    let mut fails = Vec::new();
    for (args, stdin, out, err, code) in CASES {
        let r = run("sed", args, "/", stdin.as_bytes());
        if (r.stdout.as_str(), r.stderr.as_str(), r.code) != (*out, *err, *code) {
            fails.push(format!(
                "{args:?}: got {:?}, want {:?}",
                (r.stdout, r.stderr, r.code),
                (out, err, code)
            ));
        }
    }
    assert!(fails.is_empty(), "{}", fails.join("\n"));
}

#[test]
fn edits_in_place_keeping_mode() {
    let p = shared_persona();
    let mut fs = p.new_fs();
    let r = run_in(
        p,
        &mut fs,
        "sed",
        &["-i.bak", "s/^root:/toor:/", "/etc/passwd"],
        "/",
        b"",
    );
    assert_eq!((r.stdout.as_str(), r.stderr.as_str(), r.code), ("", "", 0));
    let r = run_in(p, &mut fs, "head", &["-c", "5", "/etc/passwd"], "/", b"");
    assert_eq!(r.stdout, "toor:");
    let r = run_in(
        p,
        &mut fs,
        "head",
        &["-c", "5", "/etc/passwd.bak"],
        "/",
        b"",
    );
    assert_eq!(r.stdout, "root:");
    let r = run_in(
        p,
        &mut fs,
        "stat",
        &["-c", "%a %U", "/etc/passwd"],
        "/",
        b"",
    );
    // uid 0 is now called toor: names come from the session's /etc/passwd.
    assert_eq!(r.stdout, "644 toor\n");
    let r = run_in(p, &mut fs, "sed", &["-i", "s/a/b/"], "/", b"");
    assert_eq!((r.stderr.as_str(), r.code), ("sed: no input files\n", 1));
    let r = run_in(p, &mut fs, "sed", &["p", "/tmp"], "/", b"");
    assert_eq!(
        (r.stderr.as_str(), r.code),
        ("sed: read error on /tmp: Is a directory\n", 4)
    );
    let r = run_in(p, &mut fs, "sed", &[":a;ba"], "/", b"x\n");
    assert_eq!(r.code, 0);
}
