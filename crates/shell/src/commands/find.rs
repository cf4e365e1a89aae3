//! `find`: search for files in a directory hierarchy (findutils 4.9) over the VFS.
//!
//! Emulated: start paths (default `.`), tests `-name -iname -path -wholename -type
//! [fdlcbps] -maxdepth -mindepth -size [+-]N[ckMG] -perm [-/]MODE -user -group -uid -gid
//! -newer -mtime -mmin -empty -readable -executable -true -false`, operators `! -not -a -and
//! -o -or ( )`, actions `-print -print0 -delete -ls -quit`; `-exec`/`-execdir`/`-ok`
//! consume their arguments up to `;`/`+` and run nothing (nothing is executed here).
//! Errors `find: ‘x’: No such file or directory`. Walks are bounded by a node cap.
//! `-help`/`-version` (also with two dashes) print as they are parsed.
//! Known gaps: `-regex`, `-printf`, `-prune`, `-samefile`.

use miragepot_vfs::{FileType, Meta};

use super::chmod::parse_mode;
use super::ls::{blocks_k, ls_time};
use super::util::{Bad, group_name, print_help, print_version, q, user_name};
use super::{CmdCtx, Command};

/// `find`.
pub struct Find;

#[derive(Debug, Clone)]
enum E {
    Name(String, bool),
    Path(String),
    Type(char),
    Size(i8, u64, u64),
    Perm(char, u32),
    Uid(u32),
    Gid(u32),
    Newer(i64),
    Mtime(i8, i64, i64),
    Empty,
    Exec,
    True,
    False,
    Print(bool),
    Delete,
    Ls,
    Quit,
    Not(Box<E>),
    And(Box<E>, Box<E>),
    Or(Box<E>, Box<E>),
}

/// A shell glob (`*`, `?`, `[...]`) match.
pub(crate) fn glob(p: &[char], s: &[char]) -> bool {
    match p.split_first() {
        None => s.is_empty(),
        Some(('*', rest)) => (0..=s.len()).any(|i| glob(rest, s.get(i..).unwrap_or(&[]))),
        Some(('?', rest)) => !s.is_empty() && glob(rest, s.get(1..).unwrap_or(&[])),
        Some(('[', rest)) => {
            let Some(end) = rest.iter().skip(1).position(|c| *c == ']').map(|i| i + 1) else {
                return s.first() == Some(&'[') && glob(rest, s.get(1..).unwrap_or(&[]));
            };
            let Some(&c) = s.first() else { return false };
            let set = rest.get(..end).unwrap_or(&[]);
            let (neg, set) = match set.split_first() {
                Some(('!' | '^', r)) => (true, r),
                _ => (false, set),
            };
            let mut hit = false;
            let mut i = 0;
            while let Some(&a) = set.get(i) {
                if set.get(i + 1) == Some(&'-') && set.get(i + 2).is_some() {
                    let b = set.get(i + 2).copied().unwrap_or(a);
                    hit |= a <= c && c <= b;
                    i += 3;
                } else {
                    hit |= a == c;
                    i += 1;
                }
            }
            hit != neg
                && glob(
                    rest.get(end + 1..).unwrap_or(&[]),
                    s.get(1..).unwrap_or(&[]),
                )
        }
        Some((c, rest)) => s.first() == Some(c) && glob(rest, s.get(1..).unwrap_or(&[])),
    }
}

fn signed(s: &str) -> (i8, &str) {
    match s.as_bytes().first() {
        Some(b'+') => (1, s.get(1..).unwrap_or("")),
        Some(b'-') => (-1, s.get(1..).unwrap_or("")),
        _ => (0, s),
    }
}

struct P<'a> {
    toks: &'a [String],
    i: usize,
    has_action: bool,
    maxdepth: Option<usize>,
    mindepth: usize,
    /// `-help`/`-version` seen: parsing stopped to print it.
    exit: Option<Bad>,
}

impl P<'_> {
    fn next(&mut self) -> Option<String> {
        let t = self.toks.get(self.i).cloned();
        self.i += 1;
        t
    }

    fn or(&mut self, ctx: &CmdCtx<'_>) -> Result<E, String> {
        let mut l = self.and(ctx)?;
        while matches!(
            self.toks.get(self.i).map(String::as_str),
            Some("-o" | "-or")
        ) {
            self.i += 1;
            let r = self.and(ctx)?;
            l = E::Or(Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn and(&mut self, ctx: &CmdCtx<'_>) -> Result<E, String> {
        let mut l = self.unary(ctx)?;
        loop {
            match self.toks.get(self.i).map(String::as_str) {
                None | Some("-o" | "-or" | ")") => return Ok(l),
                Some("-a" | "-and") => self.i += 1,
                _ => {}
            }
            let r = self.unary(ctx)?;
            l = E::And(Box::new(l), Box::new(r));
        }
    }

    fn unary(&mut self, ctx: &CmdCtx<'_>) -> Result<E, String> {
        match self.toks.get(self.i).map(String::as_str) {
            Some("!" | "-not") => {
                self.i += 1;
                Ok(E::Not(Box::new(self.unary(ctx)?)))
            }
            Some("(") => {
                self.i += 1;
                let e = self.or(ctx)?;
                if self.next().as_deref() != Some(")") {
                    return Err("invalid expression; you have too many '('".into());
                }
                Ok(e)
            }
            _ => self.primary(ctx),
        }
    }

    fn arg(&mut self, name: &str) -> Result<String, String> {
        self.next()
            .ok_or_else(|| format!("missing argument to `{name}'"))
    }

    fn primary(&mut self, ctx: &CmdCtx<'_>) -> Result<E, String> {
        let t = self.next().ok_or("invalid expression")?;
        Ok(match t.as_str() {
            "-name" | "-iname" => E::Name(self.arg(&t)?, t == "-iname"),
            "-path" | "-wholename" | "-ipath" => E::Path(self.arg(&t)?),
            "-type" | "-xtype" => {
                let v = self.arg(&t)?;
                match v.as_str() {
                    "f" | "d" | "l" | "c" | "b" | "p" | "s" => {
                        E::Type(v.chars().next().unwrap_or('f'))
                    }
                    _ => return Err(format!("Unknown argument to -type: {v}")),
                }
            }
            "-maxdepth" | "-mindepth" => {
                let v = self.arg(&t)?;
                let n: usize = v.parse().map_err(|_| {
                    format!(
                        "Expected a positive decimal integer argument to {t}, but got {}",
                        q(&v)
                    )
                })?;
                if t == "-maxdepth" {
                    self.maxdepth = Some(n);
                } else {
                    self.mindepth = n;
                }
                E::True
            }
            "-size" => {
                let v = self.arg(&t)?;
                let (sign, body) = signed(&v);
                let (num, unit) = match body.char_indices().last() {
                    Some((i, c)) if c.is_ascii_alphabetic() => (body.get(..i).unwrap_or(""), c),
                    _ => (body, 'b'),
                };
                let mult = match unit {
                    'c' => 1,
                    'w' => 2,
                    'b' => 512,
                    'k' => 1024,
                    'M' => 1 << 20,
                    'G' => 1 << 30,
                    _ => return Err(format!("invalid -size type `{unit}'")),
                };
                let n: u64 = num
                    .parse()
                    .map_err(|_| format!("Invalid argument `{v}' to -size"))?;
                E::Size(sign, n, mult)
            }
            "-perm" => {
                let v = self.arg(&t)?;
                let (kind, body) = match v.as_bytes().first() {
                    Some(b'-') => ('-', v.get(1..).unwrap_or("")),
                    Some(b'/') => ('/', v.get(1..).unwrap_or("")),
                    _ => ('=', v.as_str()),
                };
                let m = parse_mode(body, 0, 0).ok_or_else(|| format!("invalid mode {}", q(&v)))?;
                E::Perm(kind, m)
            }
            "-user" | "-uid" => {
                let v = self.arg(&t)?;
                let id = ctx
                    .persona
                    .user(&v)
                    .map(|u| u.uid)
                    .or_else(|| v.parse().ok());
                E::Uid(id.ok_or_else(|| format!("{} is not the name of a known user", q(&v)))?)
            }
            "-group" | "-gid" => {
                let v = self.arg(&t)?;
                let id = ctx
                    .persona
                    .groups
                    .iter()
                    .find(|g| g.name == v)
                    .map(|g| g.gid)
                    .or_else(|| v.parse().ok());
                E::Gid(id.ok_or_else(|| format!("{} is not the name of an existing group", q(&v)))?)
            }
            "-newer" => {
                let v = self.arg(&t)?;
                let m = ctx
                    .fs
                    .stat(ctx.cwd, &v)
                    .map_err(|e| format!("{}: {e}", q(&v)))?;
                E::Newer(m.mtime)
            }
            "-mtime" | "-mmin" | "-atime" | "-ctime" | "-amin" | "-cmin" => {
                let v = self.arg(&t)?;
                let (sign, body) = signed(&v);
                let n: i64 = body
                    .parse()
                    .map_err(|_| format!("invalid argument `{v}' to `{t}'"))?;
                let unit = if t.ends_with("min") { 60 } else { 86_400 };
                E::Mtime(sign, n.clamp(-(1 << 40), 1 << 40), unit)
            }
            "-empty" => E::Empty,
            "-true" | "-readable" | "-writable" | "-executable" | "-xdev" | "-mount" | "-depth"
            | "-follow" | "-noleaf" => E::True,
            "-false" => E::False,
            "-print" | "-print0" => {
                self.has_action = true;
                E::Print(t == "-print0")
            }
            "-delete" => {
                self.has_action = true;
                E::Delete
            }
            "-ls" => {
                self.has_action = true;
                E::Ls
            }
            "-quit" => E::Quit,
            "-exec" | "-execdir" | "-ok" | "-okdir" => {
                self.has_action = true;
                loop {
                    match self.next().as_deref() {
                        Some(";" | "+") => break,
                        Some(_) => {}
                        None => return Err(format!("missing argument to `{t}'")),
                    }
                }
                E::Exec
            }
            "-help" | "--help" | "-version" | "--version" => {
                self.exit = Some(if t.ends_with("help") {
                    Bad::Help
                } else {
                    Bad::Version
                });
                return Err(String::new());
            }
            other if other.starts_with('-') => return Err(format!("unknown predicate `{other}'")),
            other => return Err(format!("paths must precede expression: `{other}'")),
        })
    }
}

struct Walk<'c, 'a> {
    ctx: &'c mut CmdCtx<'a>,
    budget: usize,
    quit: bool,
    out: String,
    deletes: Vec<String>,
}

impl Walk<'_, '_> {
    fn eval(&mut self, e: &E, path: &str, m: &Meta) -> bool {
        let now = self.ctx.now.unix_timestamp();
        match e {
            E::Name(p, icase) => {
                let base = path
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .unwrap_or(path);
                let base = if base.is_empty() { "/" } else { base };
                let (p, b) = if *icase {
                    (p.to_lowercase(), base.to_lowercase())
                } else {
                    (p.clone(), base.to_string())
                };
                glob(
                    &p.chars().collect::<Vec<_>>(),
                    &b.chars().collect::<Vec<_>>(),
                )
            }
            E::Path(p) => glob(
                &p.chars().collect::<Vec<_>>(),
                &path.chars().collect::<Vec<_>>(),
            ),
            E::Type(c) => m.kind.ls_char() == if *c == 'f' { '-' } else { *c },
            E::Size(sign, n, mult) => {
                let units = m.size.div_ceil(*mult);
                match sign {
                    1 => units > *n,
                    -1 => units < *n,
                    _ => units == *n,
                }
            }
            E::Perm(kind, mode) => match kind {
                '-' => m.mode & mode == *mode,
                '/' => *mode == 0 || m.mode & mode != 0,
                _ => m.mode & 0o7777 == *mode,
            },
            E::Uid(u) => m.uid == *u,
            E::Gid(g) => m.gid == *g,
            E::Newer(t) => m.mtime > *t,
            E::Mtime(sign, n, unit) => {
                let age = (now - m.mtime).max(0) / unit;
                match sign {
                    1 => age > *n,
                    -1 => age < *n,
                    _ => age == *n,
                }
            }
            E::Empty => match m.kind {
                FileType::Dir => {
                    let fctx = self.ctx.fs_ctx();
                    self.ctx
                        .fs
                        .read_dir(self.ctx.cwd, path, &fctx)
                        .is_ok_and(|v| v.is_empty())
                }
                FileType::File => m.size == 0,
                _ => false,
            },
            E::Exec | E::True => true,
            E::False => false,
            E::Print(nul) => {
                self.out.push_str(path);
                self.out.push(if *nul { '\0' } else { '\n' });
                true
            }
            E::Delete => {
                self.deletes.push(path.to_string());
                true
            }
            E::Ls => {
                let line = format!(
                    "{:>9} {:>6} {} {:>3} {:<8} {:<8} {:>8} {} {}\n",
                    m.ino,
                    blocks_k(m),
                    m.mode_string(),
                    m.nlink,
                    user_name(self.ctx, m.uid),
                    group_name(self.ctx, m.gid),
                    m.size,
                    ls_time(m.mtime, now),
                    path
                );
                self.out.push_str(&line);
                true
            }
            E::Quit => {
                self.quit = true;
                true
            }
            E::Not(x) => !self.eval(x, path, m),
            E::And(a, b) => self.eval(a, path, m) && self.eval(b, path, m),
            E::Or(a, b) => self.eval(a, path, m) || self.eval(b, path, m),
        }
    }
}

impl Command for Find {
    fn name(&self) -> &'static str {
        "find"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/find"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let rest: Vec<String> = args.iter().skip(1).cloned().collect();
        let split = rest
            .iter()
            .position(|a| a.starts_with('-') || a == "(" || a == "!")
            .unwrap_or(rest.len());
        let (starts, expr) = rest.split_at(split);
        let mut p = P {
            toks: expr,
            i: 0,
            has_action: false,
            maxdepth: None,
            mindepth: 0,
            exit: None,
        };
        let e = if expr.is_empty() {
            E::True
        } else {
            match p.or(ctx) {
                Ok(e) if p.i >= expr.len() => e,
                Ok(_) => {
                    ctx.error("find", "invalid expression; you have used a binary operator ')' with nothing before it.");
                    return 1;
                }
                Err(msg) => {
                    return match p.exit {
                        Some(Bad::Version) => print_version(ctx, "find"),
                        Some(_) => print_help(ctx, "find"),
                        None => {
                            ctx.error("find", &msg);
                            1
                        }
                    };
                }
            }
        };
        let e = if p.has_action {
            e
        } else {
            E::And(Box::new(e), Box::new(E::Print(false)))
        };
        let starts: Vec<String> = if starts.is_empty() {
            vec![".".into()]
        } else {
            starts.to_vec()
        };
        let (maxdepth, mindepth) = (p.maxdepth, p.mindepth);
        let mut w = Walk {
            ctx,
            budget: 50_000,
            quit: false,
            out: String::new(),
            deletes: Vec::new(),
        };
        let mut status = 0;
        for s in &starts {
            let Ok(m) = w.ctx.fs.lstat(w.ctx.cwd, s) else {
                w.ctx.stdout.write_str(&std::mem::take(&mut w.out));
                w.ctx
                    .error("find", &format!("{}: No such file or directory", q(s)));
                status = 1;
                continue;
            };
            let mut stack: Vec<(String, Meta, usize)> = vec![(s.clone(), m, 0)];
            while let Some((path, m, depth)) = stack.pop() {
                if w.quit || w.budget == 0 || w.out.len() > 1 << 22 {
                    break;
                }
                w.budget -= 1;
                if depth >= mindepth {
                    w.eval(&e, &path, &m);
                }
                if m.kind == FileType::Dir && maxdepth.is_none_or(|d| depth < d) {
                    let fctx = w.ctx.fs_ctx();
                    match w.ctx.fs.read_dir(w.ctx.cwd, &path, &fctx) {
                        Ok(entries) => {
                            for en in entries.into_iter().rev() {
                                let child = if path.ends_with('/') {
                                    format!("{path}{}", en.name)
                                } else {
                                    format!("{path}/{}", en.name)
                                };
                                stack.push((child, en.meta, depth + 1));
                            }
                        }
                        Err(err) => {
                            w.ctx.stdout.write_str(&std::mem::take(&mut w.out));
                            w.ctx.error("find", &format!("{}: {err}", q(&path)));
                            status = 1;
                        }
                    }
                }
            }
        }
        let out = std::mem::take(&mut w.out);
        w.ctx.stdout.write_str(&out);
        let fctx = w.ctx.fs_ctx();
        for d in w.deletes.iter().rev() {
            let res = match w.ctx.fs.lstat(w.ctx.cwd, d) {
                Ok(m) if m.is_dir() => w.ctx.fs.remove_dir(w.ctx.cwd, d, &fctx),
                Ok(_) => w.ctx.fs.remove_file(w.ctx.cwd, d, &fctx),
                Err(_) => Ok(()),
            };
            if let Err(err) = res {
                w.ctx
                    .error("find", &format!("cannot delete {}: {err}", q(d)));
                status = 1;
            }
        }
        status
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run, run_in};
    use crate::persona::Persona;

    #[test]
    fn finds() {
        let p = Persona::debian12();
        let mut fs = p.new_fs();
        run_in(&p, &mut fs, "mkdir", &["-p", "/tmp/d/sub"], "/", b"");
        run_in(
            &p,
            &mut fs,
            "touch",
            &["/tmp/d/a.txt", "/tmp/d/sub/b.txt", "/tmp/d/c.sh"],
            "/",
            b"",
        );
        assert_eq!(
            run_in(&p, &mut fs, "find", &["/tmp/d"], "/", b"").stdout,
            "/tmp/d\n/tmp/d/a.txt\n/tmp/d/c.sh\n/tmp/d/sub\n/tmp/d/sub/b.txt\n"
        );
        assert_eq!(
            run_in(&p, &mut fs, "find", &[".", "-name", "*.txt"], "/tmp/d", b"").stdout,
            "./a.txt\n./sub/b.txt\n"
        );
        assert_eq!(
            run_in(&p, &mut fs, "find", &["/tmp/d", "-type", "d"], "/", b"").stdout,
            "/tmp/d\n/tmp/d/sub\n"
        );
        assert_eq!(
            run_in(
                &p,
                &mut fs,
                "find",
                &[
                    "/tmp/d",
                    "-maxdepth",
                    "1",
                    "-type",
                    "f",
                    "!",
                    "-name",
                    "*.sh"
                ],
                "/",
                b""
            )
            .stdout,
            "/tmp/d/a.txt\n"
        );
        assert_eq!(
            run_in(
                &p,
                &mut fs,
                "find",
                &["/tmp/d", "-name", "*.sh", "-exec", "rm", "{}", ";"],
                "/",
                b""
            )
            .stdout,
            ""
        );
        run_in(
            &p,
            &mut fs,
            "find",
            &["/tmp/d", "-name", "*.txt", "-delete"],
            "/",
            b"",
        );
        assert!(!fs.exists("/", "/tmp/d/sub/b.txt") && fs.exists("/", "/tmp/d/c.sh"));
        let r = run("find", &["/nonexistent"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            (
                "find: \u{2018}/nonexistent\u{2019}: No such file or directory\n",
                1
            )
        );
        assert!(run("find", &["/etc", "-perm", "-4000"], "/", b"").code == 0);
        assert!(
            run("find", &["/", "-name", "passwd", "-type", "f"], "/", b"")
                .stdout
                .contains("/etc/passwd\n")
        );
    }
}
