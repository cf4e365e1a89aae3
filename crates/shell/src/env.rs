//! Shell variables: values, the export flag, and the login environment bash builds.

use std::collections::BTreeMap;

use crate::persona::{Persona, User};

/// One shell variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Var {
    /// Its value.
    pub value: String,
    /// Whether child processes see it (`export`).
    pub exported: bool,
}

/// The shell's variables, sorted by name (as `set` and `env` list them... mostly).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Env {
    vars: BTreeMap<String, Var>,
}

impl Env {
    /// The environment a login shell of `user` starts with on the persona.
    pub fn login(user: &User, persona: &Persona) -> Env {
        let mut env = Env::default();
        let path = if user.uid == 0 {
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        } else {
            "/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games"
        };
        for (k, v) in [
            ("HOME", user.home.as_str()),
            ("USER", user.name.as_str()),
            ("LOGNAME", user.name.as_str()),
            ("SHELL", user.shell.as_str()),
            ("PATH", path),
            ("PWD", user.home.as_str()),
            ("LANG", "C.UTF-8"),
            ("SHLVL", "1"),
            ("MOTD_SHOWN", "pam"),
        ] {
            env.export(k, v);
        }
        env.export("MAIL", &format!("/var/mail/{}", user.name));
        env.set("HOSTNAME", &persona.hostname);
        // Debian's skeleton .bashrc prompt; `\$` shows `#` for root and `$` otherwise.
        env.set("PS1", "\\u@\\h:\\w\\$ ");
        env.set("IFS", " \t\n");
        env
    }

    /// A variable's value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(|v| v.value.as_str())
    }

    /// Sets a variable, keeping its export flag.
    pub fn set(&mut self, name: &str, value: &str) {
        match self.vars.get_mut(name) {
            Some(v) => v.value = value.to_string(),
            None => {
                self.vars.insert(
                    name.to_string(),
                    Var {
                        value: value.to_string(),
                        exported: false,
                    },
                );
            }
        }
    }

    /// Sets and exports a variable.
    pub fn export(&mut self, name: &str, value: &str) {
        self.vars.insert(
            name.to_string(),
            Var {
                value: value.to_string(),
                exported: true,
            },
        );
    }

    /// Marks an existing (or empty) variable exported.
    pub fn mark_exported(&mut self, name: &str) {
        self.vars
            .entry(name.to_string())
            .or_insert_with(|| Var {
                value: String::new(),
                exported: true,
            })
            .exported = true;
    }

    /// Removes a variable.
    pub fn unset(&mut self, name: &str) {
        self.vars.remove(name);
    }

    /// Exported variables, sorted by name (what `env` prints).
    pub fn exported(&self) -> impl Iterator<Item = (&str, &str)> {
        self.vars
            .iter()
            .filter(|(_, v)| v.exported)
            .map(|(k, v)| (k.as_str(), v.value.as_str()))
    }

    /// All variables, sorted by name (what `set` prints).
    pub fn all(&self) -> impl Iterator<Item = (&str, &Var)> {
        self.vars.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Number of variables (bounded by the interpreter's caps).
    pub fn len(&self) -> usize {
        self.vars.len()
    }

    /// Whether there are no variables.
    pub fn is_empty(&self) -> bool {
        self.vars.is_empty()
    }
}
