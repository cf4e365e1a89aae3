//! The declaration builtins: `export`, `readonly`, `declare`/`typeset`, `local` (flags
//! `-a -A -i -r -x -g -p -f -F`, `+x`), and `unset`. Listings use bash's `declare -x
//! NAME="value"` format.
//!
//! Known limits: `-l -u -n -t` attributes are accepted and ignored.

use super::vars::{VarErr, squote, valid_name};
use super::{Ctl, Interp, Io, Res};

impl Interp {
    /// Splits `NAME=VALUE` / `NAME+=VALUE` / `NAME`.
    fn split_assign(arg: &str) -> (&str, Option<&str>, bool) {
        match arg.find('=') {
            Some(i) => {
                let (n, v) = (arg.get(..i).unwrap_or(""), arg.get(i + 1..).unwrap_or(""));
                match n.strip_suffix('+') {
                    Some(n) => (n, Some(v), true),
                    None => (n, Some(v), false),
                }
            }
            None => (arg, None, false),
        }
    }

    /// `export`, `readonly`, `declare`, `typeset`, `local`.
    pub(crate) fn builtin_declare(&mut self, io: &Io, argv: &[String]) -> Res<i32> {
        let cmd = argv.first().map(String::as_str).unwrap_or("declare");
        let mut flags = String::new();
        let mut unflags = String::new();
        let mut names = Vec::new();
        let mut opts_done = false;
        for a in argv.iter().skip(1) {
            if !opts_done && a == "--" {
                opts_done = true;
            } else if !opts_done && a.len() > 1 && (a.starts_with('-') || a.starts_with('+')) {
                let body = a.get(1..).unwrap_or("");
                let dst = if a.starts_with('-') {
                    &mut flags
                } else {
                    &mut unflags
                };
                for c in body.chars() {
                    if !"aAfFgilnprtuxI".contains(c) {
                        let msg = format!("{cmd}: -{c}: invalid option");
                        self.error(io, &msg);
                        let usage = match cmd {
                            "export" => {
                                "export: usage: export [-fn] [name[=value] ...] or export -p"
                            }
                            "readonly" => {
                                "readonly: usage: readonly [-aAf] [name[=value] ...] or readonly -p"
                            }
                            "local" => "local: usage: local [option] name[=value] ...",
                            _ => {
                                "declare: usage: declare [-aAfFgiIlnrtux] [name[=value] ...] or declare -p [name ...]"
                            }
                        };
                        self.emit_str(io, 2, &format!("{usage}\n"));
                        return Ok(2);
                    }
                    dst.push(c);
                }
            } else {
                opts_done = true;
                names.push(a.clone());
            }
        }
        match cmd {
            "export" if flags.contains('n') => unflags.push('x'),
            "export" => flags.push('x'),
            "readonly" => flags.push('r'),
            "local" if self.func_depth == 0 || self.st.locals.is_empty() => {
                self.error(io, "local: can only be used in a function");
                return Ok(1);
            }
            _ => {}
        }
        let local = cmd == "local"
            || (matches!(cmd, "declare" | "typeset")
                && self.func_depth > 0
                && !flags.contains('g'));
        if flags.contains('f') || flags.contains('F') {
            return Ok(self.print_functions(io, &names, flags.contains('F')));
        }
        if names.is_empty() {
            self.list_declared(io, cmd, &flags);
            return Ok(0);
        }
        let mut status = 0;
        for arg in names {
            let (name, value, append) = Self::split_assign(&arg);
            let name = name.to_string();
            if !valid_name(&name) {
                self.error(io, &format!("{cmd}: `{arg}': not a valid identifier"));
                status = 1;
                continue;
            }
            if flags.contains('p') {
                match self.declare_line(&name) {
                    Some(l) => self.emit_str(io, 1, &format!("{l}\n")),
                    None => {
                        self.error(io, &format!("{cmd}: {name}: not found"));
                        status = 1;
                    }
                }
                continue;
            }
            if local {
                self.make_local(&name);
            }
            if let Some(v) = value {
                let v = if append {
                    format!("{}{v}", self.get_var(&name).unwrap_or_default())
                } else {
                    v.to_string()
                };
                if flags.contains('a') || flags.contains('A') {
                    let items = parse_array_literal(&v);
                    match self.set_array(&name, items, append) {
                        Ok(()) => {}
                        Err(VarErr::Readonly) => {
                            self.error(io, &format!("{name}: readonly variable"));
                            status = 1;
                            continue;
                        }
                        Err(VarErr::Cap) => return Err(Ctl::Stop),
                    }
                } else if !self.assign(io, &name, &v)? {
                    status = 1;
                    continue;
                }
            } else if (flags.contains('a') || flags.contains('A'))
                && !self.st.arrays.contains_key(&name)
            {
                if self.set_array(&name, Vec::new(), false) == Err(VarErr::Cap) {
                    return Err(Ctl::Stop);
                }
            } else if local && !self.var_is_set(&name) {
                self.st.env.set(&name, "");
                self.st.env.unset(&name);
            }
            if flags.contains('x') {
                self.st.env.mark_exported(&name);
            }
            if unflags.contains('x')
                && let Some(v) = self.st.env.get(&name).map(str::to_string)
            {
                self.st.env.unset(&name);
                self.st.env.set(&name, &v);
            }
            if flags.contains('r') {
                self.st.readonly.insert(name.clone());
            }
            if flags.contains('i') {
                self.st.integers.insert(name.clone());
                if let Some(v) = self.st.env.get(&name).map(str::to_string) {
                    let _ = self.set_var(&name, &v);
                }
            }
        }
        Ok(status)
    }

    fn list_declared(&mut self, io: &Io, cmd: &str, flags: &str) {
        let mut names: Vec<String> = self.st.env.all().map(|(k, _)| k.to_string()).collect();
        names.extend(self.st.arrays.keys().cloned());
        names.sort();
        names.dedup();
        let mut out = String::new();
        for n in names {
            let exported = self.st.env.all().any(|(k, v)| k == n && v.exported);
            let ro = self.st.readonly.contains(&n);
            let show = match cmd {
                "export" => exported,
                "readonly" => ro,
                _ if flags.contains('x') => exported,
                _ if flags.contains('r') => ro,
                _ => true,
            };
            if !show {
                continue;
            }
            if matches!(cmd, "declare" | "typeset" | "local")
                && flags.is_empty()
                && let Some(v) = self.st.env.get(&n)
            {
                out.push_str(&format!("{n}={}\n", squote(v)));
                continue;
            }
            if let Some(l) = self.declare_line(&n) {
                out.push_str(&l);
                out.push('\n');
            }
        }
        self.emit_str(io, 1, &out);
    }

    fn print_functions(&mut self, io: &Io, names: &[String], only_names: bool) -> i32 {
        let all: Vec<String> = if names.is_empty() {
            self.st.funcs.keys().cloned().collect()
        } else {
            names.to_vec()
        };
        let mut status = 0;
        let mut out = String::new();
        for n in all {
            match self.st.funcs.get(&n) {
                Some(body) => {
                    if only_names {
                        out.push_str(&format!("declare -f {n}\n"));
                    } else {
                        out.push_str(&format!("{n} () \n{}\n", body.0));
                    }
                }
                None => status = 1,
            }
        }
        self.emit_str(io, 1, &out);
        status
    }

    /// `unset [-v|-f] NAME...`.
    pub(crate) fn builtin_unset(&mut self, io: &Io, argv: &[String]) -> Res<i32> {
        let mut funcs = false;
        let mut status = 0;
        for a in argv.iter().skip(1) {
            match a.as_str() {
                "-f" => funcs = true,
                "-v" | "-n" => funcs = false,
                n => {
                    if funcs {
                        self.st.funcs.remove(n);
                    } else if !valid_name(n.split('[').next().unwrap_or(n)) {
                        self.error(io, &format!("unset: `{n}': not a valid identifier"));
                        status = 1;
                    } else if let Some((base, idx)) =
                        n.strip_suffix(']').and_then(|s| s.split_once('['))
                    {
                        let idx = self.arith_quiet(idx).unwrap_or(0);
                        if let Some(arr) = self.st.arrays.get_mut(base) {
                            arr.remove(&idx);
                        }
                    } else if !self.unset_var(n) {
                        self.error(io, &format!("unset: {n}: cannot unset: readonly variable"));
                        status = 1;
                    }
                }
            }
        }
        Ok(status)
    }
}

/// Items of `(a b [3]=c)` written in a `declare -a x=(...)` argument.
fn parse_array_literal(v: &str) -> Vec<(Option<i64>, String)> {
    let inner = v.trim();
    let inner = inner
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .unwrap_or(inner);
    inner
        .split_whitespace()
        .map(|item| {
            if let Some(rest) = item.strip_prefix('[')
                && let Some((k, val)) = rest.split_once("]=")
                && let Ok(k) = k.parse::<i64>()
            {
                return (Some(k), val.trim_matches('"').to_string());
            }
            (None, item.trim_matches('"').trim_matches('\'').to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_literals() {
        assert_eq!(parse_array_literal("(a b [5]=c)").len(), 3);
    }
}
