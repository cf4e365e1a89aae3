//! Every command against the answers captured from the real tools: names and paths,
//! `--help`, `--version` and bad options, documented options, option errors, odd arguments.

use super::*;

#[test]
fn names_and_paths_are_unique_and_exist_in_the_persona() {
    let persona = Persona::debian12();
    let mut names = std::collections::HashSet::new();
    let mut paths = std::collections::HashSet::new();
    let fs = persona.new_fs();
    for c in COMMANDS {
        assert!(
            names.insert(c.name()),
            "duplicate command name {}",
            c.name()
        );
        assert!(!c.paths().is_empty(), "{} has no path", c.name());
        for p in c.paths() {
            assert!(paths.insert(*p), "duplicate path {p}");
            assert!(
                fs.exists("/", p),
                "{} path {p} missing from the persona",
                c.name()
            );
        }
    }
}

#[test]
fn no_command_panics_on_odd_arguments() {
    let odd: &[&[&str]] = &[
        &[],
        &[""],
        &["-"],
        &["--"],
        &["-n", "99999999999999999999"],
        &["-c", "-1"],
        &["%", "%*.*d", "\\", "[", "\\("],
        &["-k", "0,", "-t", ""],
        &["\u{0}", "\u{fffd}é", "/etc/../.."],
        &["-w", "-1", "/dev/zero"],
        &["/proc", "/nonexistent/x"],
    ];
    let persona = Persona::debian12();
    for c in COMMANDS {
        for args in odd {
            let mut fs = persona.new_fs();
            let r = testutil::run_in(&persona, &mut fs, c.name(), args, "/", b"a b\n\xff\x00c\n");
            assert!(r.code >= 0, "{} {:?}", c.name(), args);
        }
    }
}

/// First two lines of stdout, of stderr, and the exit status.
type Answer = (&'static str, &'static str, i32);

/// Per command, captured on Debian 12 with `LANG=C.UTF-8`: the answers to `--help`,
/// `--version`, `-Y` and `--bogus-option`.
#[rustfmt::skip]
const OPTION_ANSWERS: &[(&str, [Answer; 4])] = &[
    ("arch", [("Usage: arch [OPTION]...\nPrint machine architecture.", "", 0), ("arch (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "arch: invalid option -- 'Y'\nTry 'arch --help' for more information.", 1), ("", "arch: unrecognized option '--bogus-option'\nTry 'arch --help' for more information.", 1)]),
    ("base64", [("Usage: base64 [OPTION]... [FILE]\nBase64 encode or decode FILE, or standard input, to standard output.", "", 0), ("base64 (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "base64: invalid option -- 'Y'\nTry 'base64 --help' for more information.", 1), ("", "base64: unrecognized option '--bogus-option'\nTry 'base64 --help' for more information.", 1)]),
    ("basename", [("Usage: basename NAME [SUFFIX]\n  or:  basename OPTION... NAME...", "", 0), ("basename (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "basename: invalid option -- 'Y'\nTry 'basename --help' for more information.", 1), ("", "basename: unrecognized option '--bogus-option'\nTry 'basename --help' for more information.", 1)]),
    ("cat", [("Usage: cat [OPTION]... [FILE]...\nConcatenate FILE(s) to standard output.", "", 0), ("cat (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "cat: invalid option -- 'Y'\nTry 'cat --help' for more information.", 1), ("", "cat: unrecognized option '--bogus-option'\nTry 'cat --help' for more information.", 1)]),
    ("chmod", [("Usage: chmod [OPTION]... MODE[,MODE]... FILE...\n  or:  chmod [OPTION]... OCTAL-MODE FILE...", "", 0), ("chmod (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "chmod: invalid option -- 'Y'\nTry 'chmod --help' for more information.", 1), ("", "chmod: unrecognized option '--bogus-option'\nTry 'chmod --help' for more information.", 1)]),
    ("chown", [("Usage: chown [OPTION]... [OWNER][:[GROUP]] FILE...\n  or:  chown [OPTION]... --reference=RFILE FILE...", "", 0), ("chown (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "chown: invalid option -- 'Y'\nTry 'chown --help' for more information.", 1), ("", "chown: unrecognized option '--bogus-option'\nTry 'chown --help' for more information.", 1)]),
    ("clear", [("", "clear: invalid option -- '-'\nUsage: clear [options]", 1), ("", "clear: invalid option -- '-'\nUsage: clear [options]", 1), ("", "clear: invalid option -- 'Y'\nUsage: clear [options]", 1), ("", "clear: invalid option -- '-'\nUsage: clear [options]", 1)]),
    ("cp", [("Usage: cp [OPTION]... [-T] SOURCE DEST\n  or:  cp [OPTION]... SOURCE... DIRECTORY", "", 0), ("cp (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "cp: invalid option -- 'Y'\nTry 'cp --help' for more information.", 1), ("", "cp: unrecognized option '--bogus-option'\nTry 'cp --help' for more information.", 1)]),
    ("cut", [("Usage: cut OPTION... [FILE]...\nPrint selected parts of lines from each FILE to standard output.", "", 0), ("cut (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "cut: invalid option -- 'Y'\nTry 'cut --help' for more information.", 1), ("", "cut: unrecognized option '--bogus-option'\nTry 'cut --help' for more information.", 1)]),
    ("date", [("Usage: date [OPTION]... [+FORMAT]\n  or:  date [-u|--utc|--universal] [MMDDhhmm[[CC]YY][.ss]]", "", 0), ("date (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "date: invalid option -- 'Y'\nTry 'date --help' for more information.", 1), ("", "date: unrecognized option '--bogus-option'\nTry 'date --help' for more information.", 1)]),
    ("df", [("Usage: df [OPTION]... [FILE]...\nShow information about the file system on which each FILE resides,", "", 0), ("df (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "df: invalid option -- 'Y'\nTry 'df --help' for more information.", 1), ("", "df: unrecognized option '--bogus-option'\nTry 'df --help' for more information.", 1)]),
    ("dirname", [("Usage: dirname [OPTION] NAME...\nOutput each NAME with its last non-slash component and trailing slashes", "", 0), ("dirname (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "dirname: invalid option -- 'Y'\nTry 'dirname --help' for more information.", 1), ("", "dirname: unrecognized option '--bogus-option'\nTry 'dirname --help' for more information.", 1)]),
    ("du", [("Usage: du [OPTION]... [FILE]...\n  or:  du [OPTION]... --files0-from=F", "", 0), ("du (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "du: invalid option -- 'Y'\nTry 'du --help' for more information.", 1), ("", "du: unrecognized option '--bogus-option'\nTry 'du --help' for more information.", 1)]),
    ("echo", [("Usage: echo [SHORT-OPTION]... [STRING]...\n  or:  echo LONG-OPTION", "", 0), ("echo (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("-Y\n", "", 0), ("--bogus-option\n", "", 0)]),
    ("env", [("Usage: env [OPTION]... [-] [NAME=VALUE]... [COMMAND [ARG]...]\nSet each NAME to VALUE in the environment and run COMMAND.", "", 0), ("env (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "env: invalid option -- 'Y'\nTry 'env --help' for more information.", 125), ("", "env: unrecognized option '--bogus-option'\nTry 'env --help' for more information.", 125)]),
    ("false", [("Usage: false [ignored command line arguments]\n  or:  false OPTION", "", 1), ("false (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 1), ("", "", 1), ("", "", 1)]),
    ("find", [("Usage: find [-H] [-L] [-P] [-Olevel] [-D debugopts] [path...] [expression]\n", "", 0), ("find (GNU findutils) 4.9.0\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "find: unknown predicate `-Y'\n", 1), ("", "find: unknown predicate `--bogus-option'\n", 1)]),
    ("free", [("\nUsage:", "", 0), ("free from procps-ng 4.0.2\n", "", 0), ("", "free: invalid option -- 'Y'\n", 1), ("", "free: unrecognized option '--bogus-option'\n", 1)]),
    ("grep", [("Usage: grep [OPTION]... PATTERNS [FILE]...\nSearch for PATTERNS in each FILE.", "", 0), ("grep (GNU grep) 3.8\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "grep: invalid option -- 'Y'\nUsage: grep [OPTION]... PATTERNS [FILE]...", 2), ("", "grep: unrecognized option '--bogus-option'\nUsage: grep [OPTION]... PATTERNS [FILE]...", 2)]),
    ("groups", [("Usage: groups [OPTION]... [USERNAME]...\nPrint group memberships for each USERNAME or, if no USERNAME is specified, for", "", 0), ("groups (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "groups: invalid option -- 'Y'\nTry 'groups --help' for more information.", 1), ("", "groups: unrecognized option '--bogus-option'\nTry 'groups --help' for more information.", 1)]),
    ("head", [("Usage: head [OPTION]... [FILE]...\nPrint the first 10 lines of each FILE to standard output.", "", 0), ("head (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "head: invalid option -- 'Y'\nTry 'head --help' for more information.", 1), ("", "head: unrecognized option '--bogus-option'\nTry 'head --help' for more information.", 1)]),
    ("hostname", [("Usage: hostname [-b] {hostname|-F file}         set host name (from file)\n       hostname [-a|-A|-d|-f|-i|-I|-s|-y]       display formatted name", "", 255), ("hostname 3.23\n", "", 0), ("Usage: hostname [-b] {hostname|-F file}         set host name (from file)\n       hostname [-a|-A|-d|-f|-i|-I|-s|-y]       display formatted name", "hostname: invalid option -- 'Y'\n", 255), ("Usage: hostname [-b] {hostname|-F file}         set host name (from file)\n       hostname [-a|-A|-d|-f|-i|-I|-s|-y]       display formatted name", "hostname: unrecognized option '--bogus-option'\n", 255)]),
    ("id", [("Usage: id [OPTION]... [USER]...\nPrint user and group information for each specified USER,", "", 0), ("id (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "id: invalid option -- 'Y'\nTry 'id --help' for more information.", 1), ("", "id: unrecognized option '--bogus-option'\nTry 'id --help' for more information.", 1)]),
    ("last", [("\nUsage:", "", 0), ("last from util-linux 2.38.1\n", "", 0), ("", "last: invalid option -- 'Y'\nTry 'last --help' for more information.", 1), ("", "last: unrecognized option '--bogus-option'\nTry 'last --help' for more information.", 1)]),
    ("ln", [("Usage: ln [OPTION]... [-T] TARGET LINK_NAME\n  or:  ln [OPTION]... TARGET", "", 0), ("ln (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "ln: invalid option -- 'Y'\nTry 'ln --help' for more information.", 1), ("", "ln: unrecognized option '--bogus-option'\nTry 'ln --help' for more information.", 1)]),
    ("ls", [("Usage: ls [OPTION]... [FILE]...\nList information about the FILEs (the current directory by default).", "", 0), ("ls (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "ls: invalid option -- 'Y'\nTry 'ls --help' for more information.", 2), ("", "ls: unrecognized option '--bogus-option'\nTry 'ls --help' for more information.", 2)]),
    ("md5sum", [("Usage: md5sum [OPTION]... [FILE]...\nPrint or check MD5 (128-bit) checksums.", "", 0), ("md5sum (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "md5sum: invalid option -- 'Y'\nTry 'md5sum --help' for more information.", 1), ("", "md5sum: unrecognized option '--bogus-option'\nTry 'md5sum --help' for more information.", 1)]),
    ("mkdir", [("Usage: mkdir [OPTION]... DIRECTORY...\nCreate the DIRECTORY(ies), if they do not already exist.", "", 0), ("mkdir (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "mkdir: invalid option -- 'Y'\nTry 'mkdir --help' for more information.", 1), ("", "mkdir: unrecognized option '--bogus-option'\nTry 'mkdir --help' for more information.", 1)]),
    ("mv", [("Usage: mv [OPTION]... [-T] SOURCE DEST\n  or:  mv [OPTION]... SOURCE... DIRECTORY", "", 0), ("mv (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "mv: invalid option -- 'Y'\nTry 'mv --help' for more information.", 1), ("", "mv: unrecognized option '--bogus-option'\nTry 'mv --help' for more information.", 1)]),
    ("nproc", [("Usage: nproc [OPTION]...\nPrint the number of processing units available to the current process,", "", 0), ("nproc (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "nproc: invalid option -- 'Y'\nTry 'nproc --help' for more information.", 1), ("", "nproc: unrecognized option '--bogus-option'\nTry 'nproc --help' for more information.", 1)]),
    ("printenv", [("Usage: printenv [OPTION]... [VARIABLE]...\nPrint the values of the specified environment VARIABLE(s).", "", 0), ("printenv (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "printenv: invalid option -- 'Y'\nTry 'printenv --help' for more information.", 2), ("", "printenv: unrecognized option '--bogus-option'\nTry 'printenv --help' for more information.", 2)]),
    ("printf", [("Usage: printf FORMAT [ARGUMENT]...\n  or:  printf OPTION", "", 0), ("printf (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("-Y", "", 0), ("--bogus-option", "", 0)]),
    ("ps", [("\nUsage:", "", 0), ("ps from procps-ng 4.0.2\n", "", 0), ("", "error: unsupported SysV option\n", 1), ("", "error: unknown gnu long option\n", 1)]),
    ("pwd", [("Usage: pwd [OPTION]...\nPrint the full filename of the current working directory.", "", 0), ("pwd (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "pwd: invalid option -- 'Y'\nTry 'pwd --help' for more information.", 1), ("", "pwd: unrecognized option '--bogus-option'\nTry 'pwd --help' for more information.", 1)]),
    ("readlink", [("Usage: readlink [OPTION]... FILE...\nPrint value of a symbolic link or canonical file name", "", 0), ("readlink (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "readlink: invalid option -- 'Y'\nTry 'readlink --help' for more information.", 1), ("", "readlink: unrecognized option '--bogus-option'\nTry 'readlink --help' for more information.", 1)]),
    ("realpath", [("Usage: realpath [OPTION]... FILE...\nPrint the resolved absolute file name;", "", 0), ("realpath (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "realpath: invalid option -- 'Y'\nTry 'realpath --help' for more information.", 1), ("", "realpath: unrecognized option '--bogus-option'\nTry 'realpath --help' for more information.", 1)]),
    ("rm", [("Usage: rm [OPTION]... [FILE]...\nRemove (unlink) the FILE(s).", "", 0), ("rm (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "rm: invalid option -- 'Y'\nTry 'rm --help' for more information.", 1), ("", "rm: unrecognized option '--bogus-option'\nTry 'rm --help' for more information.", 1)]),
    ("rmdir", [("Usage: rmdir [OPTION]... DIRECTORY...\nRemove the DIRECTORY(ies), if they are empty.", "", 0), ("rmdir (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "rmdir: invalid option -- 'Y'\nTry 'rmdir --help' for more information.", 1), ("", "rmdir: unrecognized option '--bogus-option'\nTry 'rmdir --help' for more information.", 1)]),
    ("seq", [("Usage: seq [OPTION]... LAST\n  or:  seq [OPTION]... FIRST LAST", "", 0), ("seq (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "seq: invalid option -- 'Y'\nTry 'seq --help' for more information.", 1), ("", "seq: unrecognized option '--bogus-option'\nTry 'seq --help' for more information.", 1)]),
    ("sha1sum", [("Usage: sha1sum [OPTION]... [FILE]...\nPrint or check SHA1 (160-bit) checksums.", "", 0), ("sha1sum (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "sha1sum: invalid option -- 'Y'\nTry 'sha1sum --help' for more information.", 1), ("", "sha1sum: unrecognized option '--bogus-option'\nTry 'sha1sum --help' for more information.", 1)]),
    ("sha256sum", [("Usage: sha256sum [OPTION]... [FILE]...\nPrint or check SHA256 (256-bit) checksums.", "", 0), ("sha256sum (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "sha256sum: invalid option -- 'Y'\nTry 'sha256sum --help' for more information.", 1), ("", "sha256sum: unrecognized option '--bogus-option'\nTry 'sha256sum --help' for more information.", 1)]),
    ("sleep", [("Usage: sleep NUMBER[SUFFIX]...\n  or:  sleep OPTION", "", 0), ("sleep (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "sleep: invalid option -- 'Y'\nTry 'sleep --help' for more information.", 1), ("", "sleep: unrecognized option '--bogus-option'\nTry 'sleep --help' for more information.", 1)]),
    ("sort", [("Usage: sort [OPTION]... [FILE]...\n  or:  sort [OPTION]... --files0-from=F", "", 0), ("sort (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "sort: invalid option -- 'Y'\nTry 'sort --help' for more information.", 2), ("", "sort: unrecognized option '--bogus-option'\nTry 'sort --help' for more information.", 2)]),
    ("stat", [("Usage: stat [OPTION]... FILE...\nDisplay file or file system status.", "", 0), ("stat (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "stat: invalid option -- 'Y'\nTry 'stat --help' for more information.", 1), ("", "stat: unrecognized option '--bogus-option'\nTry 'stat --help' for more information.", 1)]),
    ("tail", [("Usage: tail [OPTION]... [FILE]...\nPrint the last 10 lines of each FILE to standard output.", "", 0), ("tail (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "tail: invalid option -- 'Y'\nTry 'tail --help' for more information.", 1), ("", "tail: unrecognized option '--bogus-option'\nTry 'tail --help' for more information.", 1)]),
    ("tee", [("Usage: tee [OPTION]... [FILE]...\nCopy standard input to each FILE, and also to standard output.", "", 0), ("tee (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "tee: invalid option -- 'Y'\nTry 'tee --help' for more information.", 1), ("", "tee: unrecognized option '--bogus-option'\nTry 'tee --help' for more information.", 1)]),
    ("touch", [("Usage: touch [OPTION]... FILE...\nUpdate the access and modification times of each FILE to the current time.", "", 0), ("touch (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "touch: invalid option -- 'Y'\nTry 'touch --help' for more information.", 1), ("", "touch: unrecognized option '--bogus-option'\nTry 'touch --help' for more information.", 1)]),
    ("tr", [("Usage: tr [OPTION]... STRING1 [STRING2]\nTranslate, squeeze, and/or delete characters from standard input,", "", 0), ("tr (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "tr: invalid option -- 'Y'\nTry 'tr --help' for more information.", 1), ("", "tr: unrecognized option '--bogus-option'\nTry 'tr --help' for more information.", 1)]),
    ("true", [("Usage: true [ignored command line arguments]\n  or:  true OPTION", "", 0), ("true (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "", 0), ("", "", 0)]),
    ("tty", [("Usage: tty [OPTION]...\nPrint the file name of the terminal connected to standard input.", "", 0), ("tty (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "tty: invalid option -- 'Y'\nTry 'tty --help' for more information.", 2), ("", "tty: unrecognized option '--bogus-option'\nTry 'tty --help' for more information.", 2)]),
    ("uname", [("Usage: uname [OPTION]...\nPrint certain system information.  With no OPTION, same as -s.", "", 0), ("uname (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "uname: invalid option -- 'Y'\nTry 'uname --help' for more information.", 1), ("", "uname: unrecognized option '--bogus-option'\nTry 'uname --help' for more information.", 1)]),
    ("uniq", [("Usage: uniq [OPTION]... [INPUT [OUTPUT]]\nFilter adjacent matching lines from INPUT (or standard input),", "", 0), ("uniq (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "uniq: invalid option -- 'Y'\nTry 'uniq --help' for more information.", 1), ("", "uniq: unrecognized option '--bogus-option'\nTry 'uniq --help' for more information.", 1)]),
    ("uptime", [("\nUsage:", "", 0), ("uptime from procps-ng 4.0.2\n", "", 0), ("", "uptime: invalid option -- 'Y'\n", 1), ("", "uptime: unrecognized option '--bogus-option'\n", 1)]),
    ("users", [("Usage: users [OPTION]... [FILE]\nOutput who is currently logged in according to FILE.", "", 0), ("users (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "users: invalid option -- 'Y'\nTry 'users --help' for more information.", 1), ("", "users: unrecognized option '--bogus-option'\nTry 'users --help' for more information.", 1)]),
    ("w", [("\nUsage:", "", 0), ("w from procps-ng 4.0.2\n", "", 0), ("", "w: invalid option -- 'Y'\n", 1), ("", "w: unrecognized option '--bogus-option'\n", 1)]),
    ("wc", [("Usage: wc [OPTION]... [FILE]...\n  or:  wc [OPTION]... --files0-from=F", "", 0), ("wc (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "wc: invalid option -- 'Y'\nTry 'wc --help' for more information.", 1), ("", "wc: unrecognized option '--bogus-option'\nTry 'wc --help' for more information.", 1)]),
    ("which", [("Usage: /usr/bin/which [-a] args\n", "Illegal option --\n", 2), ("Usage: /usr/bin/which [-a] args\n", "Illegal option --\n", 2), ("Usage: /usr/bin/which [-a] args\n", "Illegal option -Y\n", 2), ("Usage: /usr/bin/which [-a] args\n", "Illegal option --\n", 2)]),
    ("who", [("Usage: who [OPTION]... [ FILE | ARG1 ARG2 ]\nPrint information about users who are currently logged in.", "", 0), ("who (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "who: invalid option -- 'Y'\nTry 'who --help' for more information.", 1), ("", "who: unrecognized option '--bogus-option'\nTry 'who --help' for more information.", 1)]),
    ("whoami", [("Usage: whoami [OPTION]...\nPrint the user name associated with the current effective user ID.", "", 0), ("whoami (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "whoami: invalid option -- 'Y'\nTry 'whoami --help' for more information.", 1), ("", "whoami: unrecognized option '--bogus-option'\nTry 'whoami --help' for more information.", 1)]),
    ("yes", [("Usage: yes [STRING]...\n  or:  yes OPTION", "", 0), ("yes (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "yes: invalid option -- 'Y'\nTry 'yes --help' for more information.", 1), ("", "yes: unrecognized option '--bogus-option'\nTry 'yes --help' for more information.", 1)]),
    ("kill", [("\nUsage:", "", 0), ("kill from procps-ng 4.0.2\n", "", 0), ("", "kill: invalid argument Y\n", 1), ("", "kill: invalid argument \0\n", 1)]),
    ("killall", [("", "Usage: killall [OPTION]... [--] NAME...\n       killall -l, --list", 1), ("", "killall (PSmisc) 23.6\nCopyright (C) 1993-2022 Werner Almesberger and Craig Small", 0), ("", "Y: unknown signal; killall -l lists signals.\n", 1), ("", "Usage: killall [OPTION]... [--] NAME...\n       killall -l, --list", 1)]),
    ("pkill", [("\nUsage:", "", 0), ("pkill from procps-ng 4.0.2\n", "", 0), ("", "pkill: invalid option -- 'Y'\n", 2), ("", "pkill: unrecognized option '--bogus-option'\n", 2)]),
    ("top", [("\nUsage:", "", 0), ("top from procps-ng 4.0.2\n", "", 0), ("", "top: invalid option -- 'Y'\n", 0), ("", "top: unrecognized option '--bogus-option'\n", 0)]),
    ("ss", [("Usage: ss [ OPTIONS ]\n       ss [ OPTIONS ] [ FILTER ]", "", 0), ("ss utility, iproute2-6.1.0\n", "", 0), ("", "ss: invalid option -- 'Y'\nUsage: ss [ OPTIONS ]", 255), ("", "ss: unrecognized option '--bogus-option'\nUsage: ss [ OPTIONS ]", 255)]),
    ("netstat", [("usage: netstat [-vWeenNcCF] [<Af>] -r         netstat {-V|--version|-h|--help}\n       netstat [-vWnNcaeol] [<Socket> ...]", "    inet (DARPA Internet) inet6 (IPv6) ax25 (AMPR AX.25) \n    netrom (AMPR NET/ROM) rose (AMPR ROSE) ipx (Novell IPX) ", 0), ("net-tools 2.10\nFred Baumgarten, Alan Cox, Bernd Eckenfels, Phil Blundell, Tuan Hoang, Brian Micek and others", "", 0), ("", "netstat: invalid option -- 'Y'\nusage: netstat [-vWeenNcCF] [<Af>] -r         netstat {-V|--version|-h|--help}", 3), ("", "netstat: unrecognized option '--bogus-option'\nusage: netstat [-vWeenNcCF] [<Af>] -r         netstat {-V|--version|-h|--help}", 3)]),
    ("systemctl", [("systemctl [OPTIONS...] COMMAND ...\n", "", 0), ("systemd 252 (252.38-1~deb12u1)\n+PAM +AUDIT +SELINUX +APPARMOR +IMA +SMACK +SECCOMP +GCRYPT -GNUTLS +OPENSSL +ACL +BLKID +CURL +ELFUTILS +FIDO2 +IDN2 -IDN +IPTC +KMOD +LIBCRYPTSETUP +LIBFDISK +PCRE2 -PWQUALITY +P11KIT +QRENCODE +TPM2 +BZIP2 +LZ4 +XZ +ZLIB +ZSTD -BPF_FRAMEWORK -XKBCOMMON +UTMP +SYSVINIT default-hierarchy=unified", "", 0), ("", "systemctl: invalid option -- 'Y'\n", 1), ("", "systemctl: unrecognized option '--bogus-option'\n", 1)]),
    ("service", [("", "Usage: service < option > | --status-all | [ service_name [ command | --full-restart ] ]\n", 0), ("", "service ver. 1.65.2\n", 0), ("", "-Y: unrecognized service\n", 1), ("", "--bogus-option: unrecognized service\n", 1)]),
    ("ip", [("", "Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n       ip [ -force ] -batch filename", 255), ("", "Option \"-version\" is unknown, try \"ip -help\".\n", 255), ("", "Option \"-Y\" is unknown, try \"ip -help\".\n", 255), ("", "Option \"-bogus-option\" is unknown, try \"ip -help\".\n", 255)]),
    ("ifconfig", [("Usage:\n  ifconfig [-a] [-v] [-s] <interface> [[<AF>] <address>]", "    loop (Local Loopback) slip (Serial Line IP) cslip (VJ Serial Line IP) \n    slip6 (6-bit Serial Line IP) cslip6 (VJ 6-bit Serial Line IP) adaptive (Adaptive Serial Line IP) ", 0), ("net-tools 2.10\n", "", 0), ("", "ifconfig: option `-Y' not recognised.\nifconfig: `--help' gives usage information.", 1), ("", "ifconfig: option `--bogus-option' not recognised.\nifconfig: `--help' gives usage information.", 1)]),
    ("route", [("Usage: route [-nNvee] [-FC] [<AF>]           List kernel routing tables\n       route [-v] [-FC] {add|del|flush} ...  Modify routing table for AF.", "    inet (DARPA Internet) inet6 (IPv6) ax25 (AMPR AX.25) \n    netrom (AMPR NET/ROM) rose (AMPR ROSE) ipx (Novell IPX) ", 0), ("net-tools 2.10\n+NEW_ADDRT +RTF_IRTT +RTF_REJECT +I18N +SELINUX", "", 0), ("Usage: route [-nNvee] [-FC] [<AF>]           List kernel routing tables\n       route [-v] [-FC] {add|del|flush} ...  Modify routing table for AF.", "route: invalid option -- 'Y'\n    inet (DARPA Internet) inet6 (IPv6) ax25 (AMPR AX.25) ", 0), ("Usage: route [-nNvee] [-FC] [<AF>]           List kernel routing tables\n       route [-v] [-FC] {add|del|flush} ...  Modify routing table for AF.", "route: unrecognized option '--bogus-option'\n    inet (DARPA Internet) inet6 (IPv6) ax25 (AMPR AX.25) ", 0)]),
    ("arp", [("Usage:\n  arp [-vn]  [<HW>] [-i <if>] [-a] [<hostname>]             <-Display ARP cache", "    ash (Ash) ether (Ethernet) ax25 (AMPR AX.25) \n    netrom (AMPR NET/ROM) rose (AMPR ROSE) arcnet (ARCnet) ", 0), ("net-tools 2.10\n+I18N +SELINUX", "", 0), ("", "arp: invalid option -- 'Y'\nUsage:", 3), ("", "arp: unrecognized option '--bogus-option'\nUsage:", 3)]),
    ("lscpu", [("\nUsage:", "", 0), ("lscpu from util-linux 2.38.1\n", "", 0), ("", "lscpu: invalid option -- 'Y'\nTry 'lscpu --help' for more information.", 1), ("", "lscpu: unrecognized option '--bogus-option'\nTry 'lscpu --help' for more information.", 1)]),
    ("lsblk", [("\nUsage:", "", 0), ("lsblk from util-linux 2.38.1\n", "", 0), ("", "lsblk: invalid option -- 'Y'\nTry 'lsblk --help' for more information.", 1), ("", "lsblk: unrecognized option '--bogus-option'\nTry 'lsblk --help' for more information.", 1)]),
    ("dmesg", [("\nUsage:", "", 0), ("dmesg from util-linux 2.38.1\n", "", 0), ("", "dmesg: invalid option -- 'Y'\nTry 'dmesg --help' for more information.", 1), ("", "dmesg: unrecognized option '--bogus-option'\nTry 'dmesg --help' for more information.", 1)]),
    ("mount", [("\nUsage:", "", 0), ("mount from util-linux 2.38.1 (libmount 2.38.1: selinux, smack, btrfs, verity, namespaces, assert, debug)\n", "", 0), ("", "mount: invalid option -- 'Y'\nTry 'mount --help' for more information.", 1), ("", "mount: unrecognized option '--bogus-option'\nTry 'mount --help' for more information.", 1)]),
    ("lastlog", [("Usage: lastlog [options]\n", "", 0), ("Usage: lastlog [options]\n", "lastlog: unrecognized option '--version'\n", 1), ("Usage: lastlog [options]\n", "lastlog: invalid option -- 'Y'\n", 1), ("Usage: lastlog [options]\n", "lastlog: unrecognized option '--bogus-option'\n", 1)]),
    ("tar", [("Usage: tar [OPTION...] [FILE]...\nGNU 'tar' saves many files together into a single tape or disk archive, and can", "", 0), ("tar (GNU tar) 1.34\nCopyright (C) 2021 Free Software Foundation, Inc.", "", 0), ("", "tar: invalid option -- 'Y'\nTry 'tar --help' or 'tar --usage' for more information.", 64), ("", "tar: unrecognized option '--bogus-option'\nTry 'tar --help' or 'tar --usage' for more information.", 64)]),
    ("getent", [("Usage: getent [OPTION...] database [key ...]\nGet entries from administrative database.", "", 0), ("getent (Debian GLIBC 2.36-9+deb12u14) 2.36\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "getent: invalid option -- 'Y'\nTry `getent --help' or `getent --usage' for more information.", 64), ("", "getent: unrecognized option '--bogus-option'\nTry `getent --help' or `getent --usage' for more information.", 64)]),
    ("getconf", [("Usage: getconf [-v SPEC] VAR\n  or:  getconf [-v SPEC] PATH_VAR PATH", "", 0), ("getconf (Debian GLIBC 2.36-9+deb12u14) 2.36\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "getconf: Unrecognized variable `-Y'\n", 2), ("", "getconf: Unrecognized variable `--bogus-option'\n", 2)]),
    ("locale", [("Usage: locale [OPTION...] NAME\n  or:  locale [OPTION...] [-a|-m]", "", 0), ("locale (Debian GLIBC 2.36-9+deb12u14) 2.36\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "locale: invalid option -- 'Y'\nTry `locale --help' or `locale --usage' for more information.", 64), ("", "locale: unrecognized option '--bogus-option'\nTry `locale --help' or `locale --usage' for more information.", 64)]),
    ("iptables", [("iptables v1.8.9 (nf_tables)\n", "", 0), ("iptables v1.8.9 (nf_tables)\n", "", 0), ("", "iptables v1.8.9 (nf_tables): unknown option \"-Y\"\nTry `iptables -h' or 'iptables --help' for more information.", 2), ("", "iptables v1.8.9 (nf_tables): unknown option \"--bogus-option\"\nTry `iptables -h' or 'iptables --help' for more information.", 2)]),
    ("ip6tables", [("ip6tables v1.8.9 (nf_tables)\n", "", 0), ("ip6tables v1.8.9 (nf_tables)\n", "", 0), ("", "ip6tables v1.8.9 (nf_tables): unknown option \"-Y\"\nTry `ip6tables -h' or 'ip6tables --help' for more information.", 2), ("", "ip6tables v1.8.9 (nf_tables): unknown option \"--bogus-option\"\nTry `ip6tables -h' or 'ip6tables --help' for more information.", 2)]),
    ("lspci", [("", "lspci: unrecognized option '--help'\nUsage: lspci [<switches>]", 1), ("lspci version 3.9.0\n", "", 0), ("", "lspci: invalid option -- 'Y'\nUsage: lspci [<switches>]", 1), ("", "lspci: unrecognized option '--bogus-option'\nUsage: lspci [<switches>]", 1)]),
    ("lsusb", [("Usage: lsusb [options]...\nList USB devices", "", 0), ("lsusb (usbutils) 014\n", "", 0), ("", "lsusb: invalid option -- 'Y'\nUsage: lsusb [options]...", 1), ("", "lsusb: unrecognized option '--bogus-option'\nUsage: lsusb [options]...", 1)]),
    ("dmidecode", [("Usage: dmidecode [OPTIONS]\nOptions are:", "", 0), ("3.4\n", "", 0), ("", "dmidecode: invalid option -- 'Y'\n", 2), ("", "dmidecode: unrecognized option '--bogus-option'\n", 2)]),
    // admin
    ("useradd", [("Usage: useradd [options] LOGIN\n       useradd -D", "", 0), ("", "useradd: unrecognized option '--version'\nUsage: useradd [options] LOGIN", 2), ("", "useradd: invalid option -- 'Y'\nUsage: useradd [options] LOGIN", 2), ("", "useradd: unrecognized option '--bogus-option'\nUsage: useradd [options] LOGIN", 2)]),
    ("groupadd", [("Usage: groupadd [options] GROUP\n", "", 0), ("", "groupadd: unrecognized option '--version'\nUsage: groupadd [options] GROUP", 2), ("", "groupadd: invalid option -- 'Y'\nUsage: groupadd [options] GROUP", 2), ("", "groupadd: unrecognized option '--bogus-option'\nUsage: groupadd [options] GROUP", 2)]),
    ("usermod", [("Usage: usermod [options] LOGIN\n", "", 0), ("", "usermod: unrecognized option '--version'\nUsage: usermod [options] LOGIN", 2), ("", "usermod: invalid option -- 'Y'\nUsage: usermod [options] LOGIN", 2), ("", "usermod: unrecognized option '--bogus-option'\nUsage: usermod [options] LOGIN", 2)]),
    ("userdel", [("Usage: userdel [options] LOGIN\n", "", 0), ("", "userdel: unrecognized option '--version'\nUsage: userdel [options] LOGIN", 2), ("", "userdel: invalid option -- 'Y'\nUsage: userdel [options] LOGIN", 2), ("", "userdel: unrecognized option '--bogus-option'\nUsage: userdel [options] LOGIN", 2)]),
    ("passwd", [("Usage: passwd [options] [LOGIN]\n", "", 0), ("", "passwd: unrecognized option '--version'\nUsage: passwd [options] [LOGIN]", 6), ("", "passwd: invalid option -- 'Y'\nUsage: passwd [options] [LOGIN]", 6), ("", "passwd: unrecognized option '--bogus-option'\nUsage: passwd [options] [LOGIN]", 6)]),
    ("chpasswd", [("Usage: chpasswd [options]\n", "", 0), ("", "chpasswd: unrecognized option '--version'\nUsage: chpasswd [options]", 2), ("", "chpasswd: invalid option -- 'Y'\nUsage: chpasswd [options]", 2), ("", "chpasswd: unrecognized option '--bogus-option'\nUsage: chpasswd [options]", 2)]),
    ("adduser", [("adduser [--uid id] [--firstuid id] [--lastuid id]\n        [--gid id] [--firstgid id] [--lastgid id] [--ingroup group]", "", 0), ("adduser version 3.134\n", "", 0), ("adduser [--uid id] [--firstuid id] [--lastuid id]\n        [--gid id] [--firstgid id] [--lastgid id] [--ingroup group]", "Unknown option: y\n", 1), ("adduser [--uid id] [--firstuid id] [--lastuid id]\n        [--gid id] [--firstgid id] [--lastgid id] [--ingroup group]", "Unknown option: bogus-option\n", 1)]),
    ("crontab", [("", "crontab: unrecognized option '--help'\ncrontab: usage error: unrecognized option", 1), ("", "crontab: unrecognized option '--version'\ncrontab: usage error: unrecognized option", 1), ("", "crontab: invalid option -- 'Y'\ncrontab: usage error: unrecognized option", 1), ("", "crontab: unrecognized option '--bogus-option'\ncrontab: usage error: unrecognized option", 1)]),
    ("chattr", [("", "Usage: chattr [-RVf] [-+=aAcCdDeijPsStTuFx] [-p project] [-v version] files...\n", 1), ("", "Usage: chattr [-RVf] [-+=aAcCdDeijPsStTuFx] [-p project] [-v version] files...\n", 1), ("", "Usage: chattr [-RVf] [-+=aAcCdDeijPsStTuFx] [-p project] [-v version] files...\n", 1), ("", "Usage: chattr [-RVf] [-+=aAcCdDeijPsStTuFx] [-p project] [-v version] files...\n", 1)]),
    ("lsattr", [("", "lsattr: invalid option -- '-'\nUsage: lsattr [-RVadlpv] [files...]", 1), ("", "lsattr: invalid option -- '-'\nUsage: lsattr [-RVadlpv] [files...]", 1), ("", "lsattr: invalid option -- 'Y'\nUsage: lsattr [-RVadlpv] [files...]", 1), ("", "lsattr: invalid option -- '-'\nUsage: lsattr [-RVadlpv] [files...]", 1)]),
    ("apt", [("apt 2.6.1 (amd64)\nUsage: apt [options] command", "", 0), ("apt 2.6.1 (amd64)\n", "", 0), ("", "\u{1b}[1;31mE: \u{1b}[0mCommand line option 'Y' [from -Y] is not understood in combination with the other options.\u{1b}[0m\n", 100), ("", "\u{1b}[1;31mE: \u{1b}[0mCommand line option --bogus-option is not boolean\u{1b}[0m\n", 100)]),
    ("apt-get", [("apt 2.6.1 (amd64)\nUsage: apt-get [options] command", "", 0), ("apt 2.6.1 (amd64)\nSupported modules:", "", 0), ("", "E: Command line option 'Y' [from -Y] is not understood in combination with the other options.\n", 100), ("", "E: Command line option --bogus-option is not boolean\n", 100)]),
    ("dpkg", [("Usage: dpkg [<option>...] <command>\n", "", 0), ("Debian 'dpkg' package management program version 1.21.22 (amd64).\nThis is free software; see the GNU General Public License version 2 or", "", 0), ("", "dpkg: error: unknown option -Y\n", 2), ("", "dpkg: error: unknown option --bogus-option\n", 2)]),
    ("python3", [("usage: python3 [option] ... [-c cmd | -m mod | file | -] [arg] ...\nOptions (and corresponding environment variables):", "", 0), ("Python 3.11.2\n", "", 0), ("", "Unknown option: -Y\nusage: python3 [option] ... [-c cmd | -m mod | file | -] [arg] ...", 2), ("", "unknown option --bogus-option\nusage: python3 [option] ... [-c cmd | -m mod | file | -] [arg] ...", 2)]),
    ("perl", [("\nUsage: perl [switches] [--] [programfile] [arguments]", "", 0), ("\nThis is perl 5, version 36, subversion 0 (v5.36.0) built for x86_64-linux-gnu-thread-multi", "", 0), ("", "Unrecognized switch: -Y  (-h will show valid options).\n", 25), ("", "Unrecognized switch: --bogus-option  (-h will show valid options).\n", 25)]),
    ("less", [("\n                   S\u{8}SU\u{8}UM\u{8}MM\u{8}MA\u{8}AR\u{8}RY\u{8}Y O\u{8}OF\u{8}F L\u{8}LE\u{8}ES\u{8}SS\u{8}S C\u{8}CO\u{8}OM\u{8}MM\u{8}MA\u{8}AN\u{8}ND\u{8}DS\u{8}S", "", 0), ("less 590 (GNU regular expressions)\nCopyright (C) 1984-2021  Mark Nudelman", "", 0), ("", "There is no -Y option (\"less --help\" for help)\n", 0), ("", "There is no bogus-option option (\"less --help\" for help)\n", 0)]),
    ("more", [("\nUsage:", "", 0), ("more from util-linux 2.38.1\n", "", 0), ("", "more: invalid option -- 'Y'\nTry 'more --help' for more information.", 1), ("", "more: unrecognized option '--bogus-option'\nTry 'more --help' for more information.", 1)]),
    ("vim.tiny", [("VIM - Vi IMproved 9.0 (2022 Jun 28, compiled Feb 16 2025 05:23:41)\n", "", 0), ("VIM - Vi IMproved 9.0 (2022 Jun 28, compiled Feb 16 2025 05:23:41)\nIncluded patches: 1-1378, 1499, 1532, 1848, 1858, 1873, 1969, 2142", "", 0), ("", "VIM - Vi IMproved 9.0 (2022 Jun 28, compiled Feb 16 2025 05:23:41)\nUnknown option argument: \"-Y\"", 1), ("", "VIM - Vi IMproved 9.0 (2022 Jun 28, compiled Feb 16 2025 05:23:41)\nUnknown option argument: \"--bogus-option\"", 1)]),
    ("nano", [("Usage: nano [OPTIONS] [[+LINE[,COLUMN]] FILE]...\n", "", 0), (" GNU nano, version 7.2\n (C) 2023 the Free Software Foundation and various contributors", "", 0), ("", "nano: invalid option -- 'Y'\nType 'nano -h' for a list of available options.", 1), ("", "nano: unrecognized option '--bogus-option'\nType 'nano -h' for a list of available options.", 1)]),
    ("gzip", [("Usage: gzip [OPTION]... [FILE]...\nCompress or uncompress FILEs (by default, compress FILES in-place).", "", 0), ("gzip 1.12\nCopyright (C) 2018 Free Software Foundation, Inc.", "", 0), ("", "gzip: invalid option -- 'Y'\nTry `gzip --help' for more information.", 1), ("", "gzip: unrecognized option '--bogus-option'\nTry `gzip --help' for more information.", 1)]),
    ("gunzip", [("Usage: /usr/bin/gunzip [OPTION]... [FILE]...\nUncompress FILEs (by default, in-place).", "", 0), ("gunzip (gzip) 1.12\nCopyright (C) 2007, 2011-2018 Free Software Foundation, Inc.", "", 0), ("", "gzip: invalid option -- 'Y'\nTry `gzip --help' for more information.", 1), ("", "gzip: unrecognized option '--bogus-option'\nTry `gzip --help' for more information.", 1)]),
    ("zcat", [("Usage: /usr/bin/zcat [OPTION]... [FILE]...\nUncompress FILEs to standard output.", "", 0), ("zcat (gzip) 1.12\nCopyright (C) 2007, 2011-2018 Free Software Foundation, Inc.", "", 0), ("", "gzip: invalid option -- 'Y'\nTry `gzip --help' for more information.", 1), ("", "gzip: unrecognized option '--bogus-option'\nTry `gzip --help' for more information.", 1)]),
    ("wget", [("GNU Wget 1.21.3, a non-interactive network retriever.\nUsage: wget [OPTION]... [URL]...", "", 0), ("GNU Wget 1.21.3 built on linux-gnu.\n", "", 0), ("", "wget: option requires an argument -- 'Y'\nUsage: wget [OPTION]... [URL]...", 2), ("", "wget: unrecognized option '--bogus-option'\nUsage: wget [OPTION]... [URL]...", 2)]),
    ("curl", [("Usage: curl [options...] <url>\n -d, --data <data>          HTTP POST data", "", 0), ("curl 7.88.1 (x86_64-pc-linux-gnu) libcurl/7.88.1 OpenSSL/3.0.19 zlib/1.2.13 brotli/1.0.9 zstd/1.5.4 libidn2/2.3.3 libpsl/0.21.2 (+libidn2/2.3.3) libssh2/1.10.0 nghttp2/1.52.0 librtmp/2.3 OpenLDAP/2.5.13\nRelease-Date: 2023-02-20, security patched: 7.88.1-10+deb12u15", "", 0), ("", "curl: option -Y: requires parameter\ncurl: try 'curl --help' or 'curl --manual' for more information", 2), ("", "curl: option --bogus-option: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information", 2)]),
    ("tftp", [("", "Usage: tftp [-4][-6][-v][-l][-m mode] [host [port]] [-c command]\n", 64), ("", "Usage: tftp [-4][-6][-v][-l][-m mode] [host [port]] [-c command]\n", 64), ("", "Usage: tftp [-4][-6][-v][-l][-m mode] [host [port]] [-c command]\n", 64), ("", "Usage: tftp [-4][-6][-v][-l][-m mode] [host [port]] [-c command]\n", 64)]),
    ("nc", [("", "nc: invalid option -- '-'\nusage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]", 1), ("", "nc: invalid option -- '-'\nusage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]", 1), ("", "nc: invalid option -- 'Y'\nusage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]", 1), ("", "nc: invalid option -- '-'\nusage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]", 1)]),
    ("ping", [("", "ping: invalid option -- '-'\n", 2), ("", "ping: invalid option -- '-'\n", 2), ("", "ping: invalid option -- 'Y'\n", 2), ("", "ping: invalid option -- '-'\n", 2)]),
    ("scp", [("", "scp: unknown option -- -\r\nusage: scp [-346ABCOpqRrsTv] [-c cipher] [-D sftp_server_path] [-F ssh_config]", 1), ("", "scp: unknown option -- -\r\nusage: scp [-346ABCOpqRrsTv] [-c cipher] [-D sftp_server_path] [-F ssh_config]", 1), ("", "scp: unknown option -- Y\r\nusage: scp [-346ABCOpqRrsTv] [-c cipher] [-D sftp_server_path] [-F ssh_config]", 1), ("", "scp: unknown option -- -\r\nusage: scp [-346ABCOpqRrsTv] [-c cipher] [-D sftp_server_path] [-F ssh_config]", 1)]),
    ("awk", [("", "mawk: not an option: --help\n", 2), ("", "mawk: not an option: --version\n", 2), ("", "mawk: not an option: -Y\n", 2), ("", "mawk: not an option: --bogus-option\n", 2)]),
    ("xargs", [("Usage: xargs [OPTION]... COMMAND [INITIAL-ARGS]...\nRun COMMAND with arguments INITIAL-ARGS and more arguments read from input.", "", 0), ("xargs (GNU findutils) 4.9.0\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "xargs: invalid option -- 'Y'\nTry 'xargs --help' for more information.", 1), ("", "xargs: unrecognized option '--bogus-option'\nTry 'xargs --help' for more information.", 1)]),
    ("sed", [("Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n", "", 0), ("sed (GNU sed) 4.9\nPackaged by Debian", "", 0), ("", "sed: invalid option -- 'Y'\nUsage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...", 1), ("", "sed: unrecognized option '--bogus-option'\nUsage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...", 1)]),
    ("dd", [("Usage: dd [OPERAND]...\n  or:  dd OPTION", "", 0), ("dd (coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "dd: invalid option -- 'Y'\nTry 'dd --help' for more information.", 1), ("", "dd: unrecognized option '--bogus-option'\nTry 'dd --help' for more information.", 1)]),
    ("file", [("Usage: file [OPTION...] [FILE...]\nDetermine type of FILEs.", "", 0), ("file-5.44\nmagic file from /etc/magic:/usr/share/misc/magic", "", 0), ("", "file: invalid option -- 'Y'\nUsage: file [-bcCdEhikLlNnprsSvzZ0] [--apple] [--extension] [--mime-encoding]", 1), ("", "file: unrecognized option '--bogus-option'\nUsage: file [-bcCdEhikLlNnprsSvzZ0] [--apple] [--extension] [--mime-encoding]", 1)]),
    ("od", [("Usage: od [OPTION]... [FILE]...\n  or:  od [-abcdfilosx]... [FILE] [[+]OFFSET[.][b]]", "", 0), ("od (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "od: invalid option -- 'Y'\nTry 'od --help' for more information.", 1), ("", "od: unrecognized option '--bogus-option'\nTry 'od --help' for more information.", 1)]),
    ("hexdump", [("\nUsage:", "", 0), ("hexdump from util-linux 2.38.1\n", "", 0), ("", "hexdump: invalid option -- 'Y'\nTry 'hexdump --help' for more information.", 1), ("", "hexdump: unrecognized option '--bogus-option'\nTry 'hexdump --help' for more information.", 1)]),
    ("strings", [("Usage: strings [option(s)] [file(s)]\n Display printable strings in [file(s)] (stdin by default)", "", 0), ("GNU strings (GNU Binutils for Debian) 2.40\nCopyright (C) 2023 Free Software Foundation, Inc.", "", 0), ("", "strings: invalid option -- 'Y'\nUsage: strings [option(s)] [file(s)]", 1), ("", "strings: unrecognized option '--bogus-option'\nUsage: strings [option(s)] [file(s)]", 1)]),
    ("unzip", [("UnZip 6.00 of 20 April 2009, by Debian. Original by Info-ZIP.\n", "", 0), ("", "caution:  both -n and -o specified; ignoring -o\nUnZip 6.00 of 20 April 2009, by Debian. Original by Info-ZIP.", 10), ("", "UnZip 6.00 of 20 April 2009, by Debian. Original by Info-ZIP.\n", 10), ("error:  -fn or any combination of -c, -l, -p, -t, -u and -v options invalid\ncaution:  both -n and -o specified; ignoring -o", "", 10)]),
    ("dir", [("Usage: dir [OPTION]... [FILE]...\nList information about the FILEs (the current directory by default).", "", 0), ("dir (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.", "", 0), ("", "dir: invalid option -- 'Y'\nTry 'dir --help' for more information.", 2), ("", "dir: unrecognized option '--bogus-option'\nTry 'dir --help' for more information.", 2)]),
    ("reboot", [("reboot [OPTIONS...] [ARG]\n", "", 0), ("", "reboot: unrecognized option '--version'\n", 1), ("", "reboot: invalid option -- 'Y'\n", 1), ("", "reboot: unrecognized option '--bogus-option'\n", 1)]),
    ("poweroff", [("poweroff [OPTIONS...]\n", "", 0), ("", "poweroff: unrecognized option '--version'\n", 1), ("", "poweroff: invalid option -- 'Y'\n", 1), ("", "poweroff: unrecognized option '--bogus-option'\n", 1)]),
    ("halt", [("halt [OPTIONS...]\n", "", 0), ("", "halt: unrecognized option '--version'\n", 1), ("", "halt: invalid option -- 'Y'\n", 1), ("", "halt: unrecognized option '--bogus-option'\n", 1)]),
    ("shutdown", [("shutdown [OPTIONS...] [TIME] [WALL...]\n", "", 0), ("", "shutdown: unrecognized option '--version'\n", 1), ("", "shutdown: invalid option -- 'Y'\n", 1), ("", "shutdown: unrecognized option '--bogus-option'\n", 1)]),
    ("cal", [("", "cal: invalid option -- '-'\nUsage: cal [general options] [-jy] [[month] year]", 64), ("", "cal: invalid option -- '-'\nUsage: cal [general options] [-jy] [[month] year]", 64), ("", "cal: invalid option -- 'Y'\nUsage: cal [general options] [-jy] [[month] year]", 64), ("", "cal: invalid option -- '-'\nUsage: cal [general options] [-jy] [[month] year]", 64)]),
];

/// Runs a command on a fresh filesystem of `persona` (building the persona is the slow part).
fn run_with(persona: &Persona, name: &str, args: &[&str], cwd: &str) -> testutil::Ran {
    let mut fs = persona.new_fs();
    testutil::run_in(persona, &mut fs, name, args, cwd, b"")
}

fn first_lines(s: &str) -> String {
    s.split('\n').take(2).collect::<Vec<_>>().join("\n")
}

#[test]
fn help_version_and_bad_options_answer_like_the_real_tools() {
    assert_eq!(OPTION_ANSWERS.len(), COMMANDS.len());
    let persona = testutil::shared_persona();
    let mut failures = Vec::new();
    for (name, answers) in OPTION_ANSWERS {
        let args = ["--help", "--version", "-Y", "--bogus-option"];
        for (arg, (out, err, code)) in args.iter().zip(answers) {
            let r = run_with(persona, name, &[arg], "/");
            let got = (first_lines(&r.stdout), first_lines(&r.stderr), r.code);
            if got != (out.to_string(), err.to_string(), *code) {
                failures.push(format!(
                    "{name} {arg}: got {got:?}, want {:?}",
                    (out, err, code)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn help_and_version_texts_are_whole() {
    for (name, arg, text) in [
        ("ls", "--help", help::help("ls")),
        ("ps", "--help", help::help("ps")),
        ("free", "--version", help::version("free")),
    ] {
        let r = testutil::run(name, &[arg], "/", b"");
        assert_eq!(Some(r.stdout.as_str()), text);
    }
    let r = testutil::run("ls", &["--help"], "/", b"");
    assert_eq!(r.stdout.len(), 7800);
    assert!(
        r.stdout
            .ends_with("or available locally via: info '(coreutils) ls invocation'\n")
    );
    let r = testutil::run("ps", &["--help", "o"], "/", b"");
    assert_eq!(Some(r.stdout.as_str()), help::help("ps-output"));
    let r = testutil::run("free", &["-Y"], "/", b"");
    assert_eq!(
        r.stderr,
        format!(
            "free: invalid option -- 'Y'\n{}",
            help::help("free").unwrap_or_default()
        )
    );
    let r = testutil::run("echo", &["--help", "x"], "/", b"");
    assert_eq!(r.stdout, "--help x\n");
    let r = testutil::run("sleep", &["1", "--help"], "/", b"");
    assert!(r.stdout.starts_with("Usage: sleep NUMBER[SUFFIX]...\n"));
    let r = testutil::run("which", &["--", "-Y"], "/", b"");
    assert_eq!((r.stderr.as_str(), r.code), ("", 1));
    let r = testutil::run("hostname", &["-s", "-V"], "/", b"");
    assert_eq!((r.stdout.as_str(), r.code), ("hostname 3.23\n", 0));
    let r = testutil::run("grep", &["--help", "-V"], "/", b"");
    assert!(r.stdout.starts_with("grep (GNU grep) 3.8\n"));
    let r = testutil::run("find", &["/", "-name", "x", "-version"], "/", b"");
    assert!(r.stdout.starts_with("find (GNU findutils) 4.9.0\n"));
}
/// Every option the real `--help` lists is accepted: none is refused as unknown.
#[test]
fn every_documented_option_is_accepted() {
    let persona = Persona::debian12();
    let mut refused = Vec::new();
    for c in COMMANDS {
        let Some(text) = help::help(c.name()) else {
            continue;
        };
        let mut fs = persona.new_fs();
        let mut seen = std::collections::BTreeSet::new();
        let mut check = |opt: String| {
            if !seen.insert(opt.clone()) {
                return;
            }
            // In /tmp, so that `grep -r` has little to walk.
            let args = [opt.as_str(), "/dev/null"];
            let r = testutil::run_in(&persona, &mut fs, c.name(), &args, "/tmp", b"");
            if ["unrecognized option", "invalid option", "ambiguous"]
                .iter()
                .any(|m| r.stderr.contains(m))
            {
                refused.push(format!("{} {opt}", c.name()));
            }
        };
        for word in text.split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '-')) {
            if word.len() > 2 && word.starts_with("--") && !word.starts_with("---") {
                check(word.to_string());
            }
        }
        // Short options at the start of a help line (`  -a, --all`), not ranges (`-M`).
        for line in text.lines() {
            let body = line.trim_start();
            let mut chars = body.chars();
            if line.len() - body.len() <= 8
                && chars.next() == Some('-')
                && let Some(l) = chars
                    .next()
                    .filter(|l| l.is_ascii_lowercase() || "ABCDEFGHIJKLNOPQRSTUVWXYZ0".contains(*l))
                && matches!(chars.next(), Some(',') | None)
            {
                check(format!("-{l}"));
            }
        }
    }
    assert!(refused.is_empty(), "{}", refused.join("\n"));
}

/// Option errors captured on Debian 12 (`LANG=C.UTF-8`): the command line, the first two
/// lines of stderr and the status.
#[rustfmt::skip]
const OPTION_ERRORS: &[(&str, &str, i32)] = &[
    ("cp --p", "cp: option '--p' is ambiguous; possibilities: '--parents' '--preserve'\nTry 'cp --help' for more information.", 1),
    ("du --s", "du: option '--s' is ambiguous; possibilities: '--si' '--separate-dirs' '--summarize'\nTry 'du --help' for more information.", 1),
    ("cat --s", "cat: option '--s' is ambiguous; possibilities: '--squeeze-blank' '--show-nonprinting' '--show-ends' '--show-tabs' '--show-all'\nTry 'cat --help' for more information.", 1),
    ("stat --f", "stat: option '--f' is ambiguous; possibilities: '--file-system' '--format'\nTry 'stat --help' for more information.", 1),
    ("md5sum --t", "md5sum: option '--t' is ambiguous; possibilities: '--tag' '--text'\nTry 'md5sum --help' for more information.", 1),
    ("sort --sort=x", "sort: invalid argument ‘x’ for ‘--sort’\nValid arguments are:", 1),
    ("sort --c", "sort: option '--c' is ambiguous; possibilities: '--check' '--compress-program'\nTry 'sort --help' for more information.", 2),
    ("df --output=x", "df: option --output: field ‘x’ unknown\nTry 'df --help' for more information.", 1),
    ("df --output=source,source", "df: option --output: field ‘source’ used more than once\nTry 'df --help' for more information.", 1),
    ("ps --sort", "error: long sort specification must follow --sort\n", 1),
    ("ps -p", "error: list of process IDs must follow -p\n", 1),
    ("ps Y", "error: unsupported option (BSD syntax)\n", 1),
    ("ps --hel", "error: unknown gnu long option\n", 1),
    ("ps -Y", "error: unsupported SysV option\n", 1),
    ("grep --co", "grep: option '--co' is ambiguous; possibilities: '--context' '--color' '--colour' '--count'\nUsage: grep [OPTION]... PATTERNS [FILE]...", 2),
    ("grep -Y", "grep: invalid option -- 'Y'\nUsage: grep [OPTION]... PATTERNS [FILE]...", 2),
    ("id --g", "id: option '--g' is ambiguous; possibilities: '--group' '--groups'\nTry 'id --help' for more information.", 1),
    ("env --u", "env: option '--unset' requires an argument\nTry 'env --help' for more information.", 125),
    ("cut --c", "cut: option '--c' is ambiguous; possibilities: '--characters' '--complement'\nTry 'cut --help' for more information.", 1),
    ("ln --s", "ln: option '--s' is ambiguous; possibilities: '--suffix' '--symbolic'\nTry 'ln --help' for more information.", 1),
    ("mv --s", "mv: option '--s' is ambiguous; possibilities: '--strip-trailing-slashes' '--suffix'\nTry 'mv --help' for more information.", 1),
    ("tail --s", "tail: option '--s' is ambiguous; possibilities: '--silent' '--sleep-interval'\nTry 'tail --help' for more information.", 1),
    ("uniq --s", "uniq: option '--s' is ambiguous; possibilities: '--skip-fields' '--skip-chars'\nTry 'uniq --help' for more information.", 1),
    ("head --l", "head: option '--lines' requires an argument\nTry 'head --help' for more information.", 1),
    ("nproc --ignore=x", "nproc: invalid number: ‘x’", 1),
    ("date -I -Y", "date: invalid option -- 'Y'\nTry 'date --help' for more information.", 1),
    ("free --s", "free: option '--s' is ambiguous; possibilities: '--si' '--seconds'\n", 1),
    ("free -s x", "free: seconds argument failed: 'x': Invalid argument", 1),
    ("free -c 0", "free: failed to parse count argument: '0': Numerical result out of range", 1),
    ("last --h", "last: option '--h' is ambiguous; possibilities: '--help' '--hostlast'\nTry 'last --help' for more information.", 1),
    ("hostname --f", "hostname: option '--f' is ambiguous; possibilities: '--file' '--fqdn'", 255),
    ("hostname -F", "hostname: option requires an argument -- 'F'", 255),
    ("clear -T", "clear: option requires an argument -- 'T'\nUsage: clear [options]", 1),
    ("which -a -s ls", "Illegal option -s", 2),
    ("tr --c", "tr: missing operand\nTry 'tr --help' for more information.", 1),
    ("seq --f", "seq: option '--format' requires an argument\nTry 'seq --help' for more information.", 1),
    ("touch --t", "touch: option '--time' requires an argument\nTry 'touch --help' for more information.", 1),
    ("chmod --re", "chmod: option '--re' is ambiguous; possibilities: '--recursive' '--reference'\nTry 'chmod --help' for more information.", 1),
    ("printf", "printf: missing operand\nTry 'printf --help' for more information.", 1),
    ("pwd --bogus", "pwd: unrecognized option '--bogus'\nTry 'pwd --help' for more information.", 1),
    ("tty x", "tty: extra operand ‘x’\nTry 'tty --help' for more information.", 2),
    ("w -l", "w: invalid option -- 'l'\n", 1),
    ("uptime x", "\nUsage:", 1),
    ("ls --sort=foo", "ls: invalid argument ‘foo’ for ‘--sort’\nValid arguments are:", 1),
    ("ls --color=a", "ls: ambiguous argument ‘a’ for ‘--color’\nValid arguments are:", 1),
    ("ls -w x", "ls: invalid line width: ‘x’", 2),
    ("ls --block-size=0", "ls: invalid --block-size argument '0'", 2),
    ("ls --quoting-style=x", "ls: invalid argument ‘x’ for ‘--quoting-style’\nValid arguments are:", 1),
    ("ls --time=x", "ls: invalid argument ‘x’ for ‘--time’\nValid arguments are:", 1),
    ("ls --format=x", "ls: invalid argument ‘x’ for ‘--format’\nValid arguments are:", 1),
    ("ls --indicator-style=x", "ls: invalid argument ‘x’ for ‘--indicator-style’\nValid arguments are:", 1),
];

#[test]
fn option_errors_read_like_the_real_tools() {
    let persona = testutil::shared_persona();
    let mut failures = Vec::new();
    for (line, err, code) in OPTION_ERRORS {
        let words: Vec<&str> = line.split(' ').collect();
        let Some((name, args)) = words.split_first() else {
            continue;
        };
        let r = run_with(persona, name, args, "/tmp");
        let got = (first_lines(r.stderr.trim_end_matches('\n')), r.code);
        if got != (err.to_string(), *code) {
            failures.push(format!("{line}: got {got:?}, want {:?}", (err, code)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
