//! `awk` (mawk 1.3.4 20200120, Debian 12's `/usr/bin/awk`): a small awk interpreter.
//!
//! Emulated: `-F sep` (single character, or an ERE such as `[ :]`), `-v var=val`,
//! `-f progfile`, `-W version`, `--`; `var=value` operands between files; BEGIN/END,
//! pattern-action items (regex, expression and range patterns), `print`/`printf` (with
//! `> file`, `>> file`, `| "cmd"`), fields (`$0`, `$NF`, assignment rebuilding `$0` with
//! OFS), NR/NF/FNR/FS/OFS/ORS/RS/FILENAME/SUBSEP/RSTART/RLENGTH/ENVIRON, associative arrays,
//! `in`, `delete`, control flow, user functions and the usual built-ins (`builtins.rs`).
//! Numbers print as mawk does (integers within an int as `%d`, others through `%.6g`).
//! Syntax errors read `mawk: line 1: syntax error at or near }` with status 2. Running
//! time, array sizes and string lengths are bounded (`eval.rs`). Not emulated: `getline`
//! (reads as 0), `RS` other than a newline or the empty paragraph mode.

mod builtins;
mod eval;
mod lex;
mod parse;
mod value;

use super::util::read_input;
use super::{CmdCtx, Command};
use eval::Interp;
use miragepot_vfs::WriteMode;
use value::Val;

/// `awk`.
pub struct Awk;

impl Command for Awk {
    fn name(&self) -> &'static str {
        "awk"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/mawk"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        run(ctx, args)
    }
}

fn err(ctx: &mut CmdCtx<'_>, msg: &str) -> i32 {
    ctx.stderr.write_str("mawk: ");
    ctx.stderr.line(msg);
    2
}

/// Expands the escapes of a `-v` value or `-F` separator.
fn unescape(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c == '\\' && i + 1 < chars.len() {
            let (t, used) = lex::escape(&chars, i + 1);
            out.push_str(&t);
            i += 1 + used;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn is_assignment(s: &str) -> Option<(&str, &str)> {
    let (name, val) = s.split_once('=')?;
    let ok = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    ok.then_some((name, val))
}

fn run(ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
    let mut fs: Option<String> = None;
    let mut assigns: Vec<(String, String)> = Vec::new();
    let mut progfiles: Vec<String> = Vec::new();
    let mut i = 1;
    while let Some(a) = args.get(i) {
        if a == "--" {
            i += 1;
            break;
        }
        if !a.starts_with('-') || a == "-" {
            break;
        }
        let opt = a.get(1..2).unwrap_or("");
        let attached = a.get(2..).unwrap_or("");
        let value = |i: &mut usize| -> Option<String> {
            if attached.is_empty() {
                *i += 1;
                args.get(*i).cloned()
            } else {
                Some(attached.to_string())
            }
        };
        match opt {
            "F" | "v" | "f" | "W" => {
                let Some(v) = value(&mut i) else {
                    return err(ctx, &format!("option -{opt} lacks argument"));
                };
                match opt {
                    "F" => fs = Some(v),
                    "v" => match is_assignment(&v) {
                        Some((n, val)) => assigns.push((n.to_string(), val.to_string())),
                        None => return err(ctx, &format!("improper assignment: -v {v}")),
                    },
                    "f" => progfiles.push(v),
                    _ => {
                        let w = v.to_ascii_lowercase();
                        if w.starts_with('v') {
                            ctx.stdout
                                .write_str(super::help::version("awk").unwrap_or(""));
                            return 0;
                        }
                        if w.starts_with('u') || w.starts_with('h') {
                            ctx.stdout
                                .write_str(super::help::help("awk.usage").unwrap_or(""));
                            return 0;
                        }
                    }
                }
            }
            _ => return err(ctx, &format!("not an option: {a}")),
        }
        i += 1;
    }
    let mut rest: Vec<String> = args.get(i..).unwrap_or(&[]).to_vec();
    let src = if progfiles.is_empty() {
        if rest.is_empty() {
            ctx.stderr
                .write_str(super::help::help("awk.usage").unwrap_or(""));
            return 0;
        }
        rest.remove(0)
    } else {
        let mut s = String::new();
        for f in &progfiles {
            match read_input(ctx, f) {
                Ok(b) => {
                    s.push_str(&String::from_utf8_lossy(&b));
                    s.push('\n');
                }
                Err(_) => return err(ctx, &format!("couldn't open file {f}")),
            }
        }
        s
    };
    let prog = match lex::lex(&src).and_then(parse::parse) {
        Ok(p) => p,
        Err(e) => return err(ctx, &e),
    };
    let mut it = Interp::new(ctx, &prog);
    if let Some(f) = fs {
        let f = unescape(&f);
        it.set_var("FS", Val::Str(if f == "t" { "t".into() } else { f }));
    }
    for (n, v) in assigns {
        it.set_var(&n, Val::StrNum(unescape(&v)));
    }
    let mut go = it.run_begin();
    if go && it.needs_input() {
        let files: Vec<String> = if rest.iter().any(|a| is_assignment(a).is_none()) {
            rest
        } else {
            let mut r = rest;
            r.push("-".into());
            r
        };
        let mut nr = 0f64;
        'files: for f in files {
            if let Some((n, v)) = is_assignment(&f) {
                it.set_var(n, Val::StrNum(unescape(v)));
                continue;
            }
            let data = match read_input(it.ctx, &f) {
                Ok(d) => d,
                Err(_) => {
                    it.run_end_output();
                    let code = err(
                        it.ctx,
                        &format!("cannot open {f} (No such file or directory)"),
                    );
                    return code;
                }
            };
            it.set_var(
                "FILENAME",
                Val::Str(if f == "-" { String::new() } else { f.clone() }),
            );
            let text = String::from_utf8_lossy(&data).into_owned();
            let rs = it.var_str("RS");
            let records: Vec<&str> = if rs.is_empty() {
                text.split("\n\n")
                    .map(|r| r.trim_matches('\n'))
                    .filter(|r| !r.is_empty())
                    .collect()
            } else {
                let sep = rs.chars().next().unwrap_or('\n');
                let mut v: Vec<&str> = text.split(sep).collect();
                if v.last() == Some(&"") {
                    v.pop();
                }
                v
            };
            let mut fnr = 0f64;
            for r in records {
                nr += 1.0;
                fnr += 1.0;
                it.set_var("NR", Val::Num(nr));
                it.set_var("FNR", Val::Num(fnr));
                it.set_record(r);
                if !it.run_record() {
                    go = false;
                    break 'files;
                }
                nr = it.var_num("NR");
            }
        }
    }
    let _ = go;
    if !it.stopped {
        it.run_end();
    }
    it.run_end_output();
    it.exit_code
}

impl Interp<'_, '_> {
    fn var_num(&mut self, name: &str) -> f64 {
        value::str_to_num(&self.var_str(name))
    }

    /// Writes `print > file` outputs to the filesystem and runs `print | cmd` pipes.
    fn run_end_output(&mut self) {
        let files = std::mem::take(&mut self.files);
        for (name, append, bytes) in files {
            let fctx = self.ctx.fs_ctx();
            let how = if append {
                WriteMode::Append
            } else {
                WriteMode::Truncate
            };
            if self
                .ctx
                .fs
                .write(self.ctx.cwd, &name, &bytes, how, 0o644, &fctx)
                .is_err()
            {
                let msg = format!("cannot open \"{name}\" for output");
                err(self.ctx, &msg);
            }
        }
        let pipes = std::mem::take(&mut self.pipes);
        for (cmd, bytes) in pipes {
            super::xargs::run_line(self.ctx, &cmd, &bytes, "sh");
        }
    }
}

#[cfg(test)]
mod tests;
