//! Shell variables on top of [`Env`](crate::env::Env): dynamic ones (`$RANDOM`,
//! `$SECONDS`, `$LINENO`), read-only ones, function-local scopes, indexed arrays, and the
//! builtins that manage them (`export`, `local`, `declare`/`typeset`, `readonly`, `unset`).
//!
//! Known limits: associative arrays are stored as indexed ones (string keys that are not
//! numbers evaluate arithmetically, as bash does for `-a`); `declare -i/-l/-u/-n` attributes
//! are accepted and ignored; arrays are never local.

use std::collections::BTreeMap;

use crate::env::Var;

use super::{Ctl, Interp, Io, Res};

/// Why an assignment failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VarErr {
    Readonly,
    Cap,
}

/// Whether `s` is a valid variable name.
pub(crate) fn valid_name(s: &str) -> bool {
    let mut cs = s.chars();
    matches!(cs.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && cs.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// Quotes a value the way `declare -p` and `set` print it.
pub(crate) fn dquote(v: &str) -> String {
    let mut s = String::with_capacity(v.len() + 2);
    s.push('"');
    for c in v.chars() {
        if matches!(c, '"' | '\\' | '$' | '`') {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('"');
    s
}

/// Quotes a value the way `set` and `${x@Q}` print it (single quotes when needed).
pub(crate) fn squote(v: &str) -> String {
    if !v.is_empty()
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:=@%+,".contains(c))
    {
        return v.to_string();
    }
    format!("'{}'", v.replace('\'', "'\\''"))
}

/// Always single-quotes (`${x@Q}`).
pub(crate) fn squote_always(v: &str) -> String {
    format!("'{}'", v.replace('\'', "'\\''"))
}

impl Interp {
    /// Sets the variables bash defines itself at startup.
    pub(crate) fn init_vars(&mut self) {
        let uid = self.user.uid.to_string();
        let e = &mut self.st.env;
        for (k, v) in [
            ("UID", uid.as_str()),
            ("EUID", uid.as_str()),
            ("PPID", "1"),
            ("BASH", "/bin/bash"),
            ("BASH_VERSION", "5.2.15(1)-release"),
            ("HOSTTYPE", "x86_64"),
            ("OSTYPE", "linux-gnu"),
            ("MACHTYPE", "x86_64-pc-linux-gnu"),
            ("OPTIND", "1"),
            ("OPTERR", "1"),
            ("PS2", "> "),
            ("PS4", "+ "),
            ("HISTSIZE", "500"),
            ("HISTFILESIZE", "500"),
            (
                "SHELLOPTS",
                "braceexpand:emacs:hashall:histexpand:history:interactive-comments:monitor",
            ),
            (
                "BASHOPTS",
                "checkwinsize:cmdhist:complete_fullquote:expand_aliases:extquote:force_fignore:globasciiranges:globskipdots:hostcomplete:interactive_comments:login_shell:patsub_replacement:progcomp:promptvars:sourcepath",
            ),
        ] {
            if e.get(k).is_none() {
                e.set(k, v);
            }
        }
        let home = self.user.home.clone();
        self.st
            .env
            .set("HISTFILE", &format!("{home}/.bash_history"));
        let ver: BTreeMap<i64, String> = ["5", "2", "15", "1", "release", "x86_64-pc-linux-gnu"]
            .iter()
            .enumerate()
            .map(|(i, s)| (i as i64, s.to_string()))
            .collect();
        self.st.arrays.insert("BASH_VERSINFO".into(), ver);
        let groups: BTreeMap<i64, String> = self
            .persona
            .groups_of(&self.user)
            .iter()
            .enumerate()
            .map(|(i, g)| (i as i64, g.gid.to_string()))
            .collect();
        self.st.arrays.insert("GROUPS".into(), groups);
        for r in [
            "UID",
            "EUID",
            "PPID",
            "SHELLOPTS",
            "BASHOPTS",
            "BASH_VERSINFO",
        ] {
            self.st.readonly.insert(r.into());
        }
    }

    /// A variable's value (dynamic variables included); arrays give element 0.
    pub(crate) fn get_var(&mut self, name: &str) -> Option<String> {
        match name {
            "RANDOM" => return Some(self.rng.below(32768).to_string()),
            "SRANDOM" => return Some((self.rng.next_u64() as u32).to_string()),
            "SECONDS" => return Some((self.now - self.start).whole_seconds().max(0).to_string()),
            "EPOCHSECONDS" => return Some(self.now.unix_timestamp().to_string()),
            "EPOCHREALTIME" => {
                return Some(format!(
                    "{}.{:06}",
                    self.now.unix_timestamp(),
                    self.now.microsecond()
                ));
            }
            "LINENO" => return Some(self.lineno.to_string()),
            "BASHPID" => return Some(self.pid.to_string()),
            "HISTCMD" => return Some((self.history.len() + self.hist_dropped + 1).to_string()),
            "BASH_SUBSHELL" => return Some("0".into()),
            "FUNCNAME" if !self.funcnames.is_empty() => return self.funcnames.last().cloned(),
            _ => {}
        }
        if let Some(a) = self.st.arrays.get(name) {
            return a.get(&0).cloned();
        }
        self.st.env.get(name).map(str::to_string)
    }

    /// Whether a variable is set (arrays count).
    pub(crate) fn var_is_set(&self, name: &str) -> bool {
        self.st.env.get(name).is_some() || self.st.arrays.contains_key(name)
    }

    fn var_room(&self, name: &str) -> Result<(), VarErr> {
        if self.var_is_set(name) {
            return Ok(());
        }
        if self.st.env.len() + self.st.arrays.len() >= self.limits.max_vars {
            return Err(VarErr::Cap);
        }
        Ok(())
    }

    /// Assigns a scalar (or element 0 of an array).
    pub(crate) fn set_var(&mut self, name: &str, value: &str) -> Result<(), VarErr> {
        if self.st.readonly.contains(name) {
            return Err(VarErr::Readonly);
        }
        let computed;
        let value = if self.st.integers.contains(name) {
            computed = self.arith_eval(value).unwrap_or(0).to_string();
            computed.as_str()
        } else {
            value
        };
        self.var_room(name)?;
        if let Some(a) = self.st.arrays.get_mut(name) {
            a.insert(0, value.to_string());
            return Ok(());
        }
        if self.st.opts.allexport {
            self.st.env.export(name, value);
        } else {
            self.st.env.set(name, value);
        }
        Ok(())
    }

    /// Assigns and reports errors like bash (`bash: x: readonly variable`). A cap stops the
    /// line. Returns whether it worked.
    pub(crate) fn assign(&mut self, io: &Io, name: &str, value: &str) -> Res<bool> {
        match self.set_var(name, value) {
            Ok(()) => Ok(true),
            Err(VarErr::Readonly) => {
                self.error(io, &format!("{name}: readonly variable"));
                Ok(false)
            }
            Err(VarErr::Cap) => Err(Ctl::Stop),
        }
    }

    /// Assigns one array element.
    pub(crate) fn set_elem(&mut self, name: &str, idx: i64, value: &str) -> Result<(), VarErr> {
        if self.st.readonly.contains(name) {
            return Err(VarErr::Readonly);
        }
        self.var_room(name)?;
        let scalar = self.st.env.get(name).map(str::to_string);
        let a = self.st.arrays.entry(name.to_string()).or_default();
        if let Some(s) = scalar {
            a.entry(0).or_insert(s);
        }
        if a.len() >= self.limits.max_vars && !a.contains_key(&idx) {
            return Err(VarErr::Cap);
        }
        a.insert(idx, value.to_string());
        self.st.env.unset(name);
        Ok(())
    }

    /// Replaces a whole array (`a=(x y z)`), or appends with `a+=(...)`.
    pub(crate) fn set_array(
        &mut self,
        name: &str,
        items: Vec<(Option<i64>, String)>,
        append: bool,
    ) -> Result<(), VarErr> {
        if self.st.readonly.contains(name) {
            return Err(VarErr::Readonly);
        }
        self.var_room(name)?;
        let mut arr = if append {
            self.st.arrays.get(name).cloned().unwrap_or_default()
        } else {
            BTreeMap::new()
        };
        if append
            && arr.is_empty()
            && let Some(s) = self.st.env.get(name)
        {
            arr.insert(0, s.to_string());
        }
        let mut next = arr.keys().next_back().map(|k| k + 1).unwrap_or(0);
        for (k, v) in items {
            let k = k.unwrap_or(next);
            if arr.len() >= self.limits.max_vars {
                return Err(VarErr::Cap);
            }
            arr.insert(k, v);
            next = k + 1;
        }
        self.st.env.unset(name);
        self.st.arrays.insert(name.to_string(), arr);
        Ok(())
    }

    /// Element values of an array (or the scalar as a one-element list).
    pub(crate) fn array_values(&mut self, name: &str) -> Vec<String> {
        if let Some(a) = self.st.arrays.get(name) {
            return a.values().cloned().collect();
        }
        self.get_var(name).into_iter().collect()
    }

    /// Unsets a variable or array; `false` when it is read-only.
    pub(crate) fn unset_var(&mut self, name: &str) -> bool {
        if self.st.readonly.contains(name) {
            return false;
        }
        self.st.env.unset(name);
        self.st.arrays.remove(name);
        true
    }

    /// Makes `name` local to the running function (saving its outer value).
    pub(crate) fn make_local(&mut self, name: &str) {
        let old = self
            .st
            .env
            .all()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone());
        if let Some(frame) = self.st.locals.last_mut()
            && !frame.iter().any(|(n, _)| n == name)
        {
            frame.push((name.to_string(), old));
        }
    }

    /// Restores the variables a function made local.
    pub(crate) fn pop_locals(&mut self) {
        if let Some(frame) = self.st.locals.pop() {
            for (name, old) in frame.into_iter().rev() {
                match old {
                    Some(Var { value, exported }) => {
                        if exported {
                            self.st.env.export(&name, &value);
                        } else {
                            self.st.env.unset(&name);
                            self.st.env.set(&name, &value);
                        }
                    }
                    None => self.st.env.unset(&name),
                }
            }
        }
    }

    /// `declare -p`-style line for one variable.
    pub(crate) fn declare_line(&self, name: &str) -> Option<String> {
        let ro = self.st.readonly.contains(name);
        if let Some(a) = self.st.arrays.get(name) {
            let items: Vec<String> = a
                .iter()
                .map(|(k, v)| format!("[{k}]={}", dquote(v)))
                .collect();
            let flags = if ro { "-ar" } else { "-a" };
            return Some(format!("declare {flags} {name}=({})", items.join(" ")));
        }
        let v = self
            .st
            .env
            .all()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())?;
        let mut flags = String::new();
        if ro {
            flags.push('r');
        }
        if v.exported {
            flags.push('x');
        }
        let flags = if flags.is_empty() {
            "--".to_string()
        } else {
            format!("-{flags}")
        };
        Some(format!("declare {flags} {name}={}", dquote(&v.value)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_quoting() {
        assert!(valid_name("a_1"));
        assert!(!valid_name("1a"));
        assert!(!valid_name(""));
        assert_eq!(dquote("a\"b$"), "\"a\\\"b\\$\"");
        assert_eq!(squote("it's"), "'it'\\''s'");
        assert_eq!(squote("plain"), "plain");
    }
}
