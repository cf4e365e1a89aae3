//! Shell options: `set` (flags, `-o name`, `set -o`/`set +o` listings, positional
//! parameters, the variable listing) and `shopt` (bash 5.2's option table and defaults).
//!
//! Known limits: only `-e -x -u -f -C -a -v -n` and `pipefail` change behaviour; other
//! options are accepted and listed with their default value.

use super::vars::squote;
use super::{Interp, Io, Res};

const SET_O: &[&str] = &[
    "allexport",
    "braceexpand",
    "emacs",
    "errexit",
    "errtrace",
    "functrace",
    "hashall",
    "histexpand",
    "history",
    "ignoreeof",
    "interactive-comments",
    "keyword",
    "monitor",
    "noclobber",
    "noexec",
    "noglob",
    "nolog",
    "notify",
    "nounset",
    "onecmd",
    "physical",
    "pipefail",
    "posix",
    "privileged",
    "verbose",
    "vi",
    "xtrace",
];

const SHOPT_ON: &[&str] = &[
    "checkwinsize",
    "cmdhist",
    "complete_fullquote",
    "extquote",
    "force_fignore",
    "globasciiranges",
    "globskipdots",
    "hostcomplete",
    "interactive_comments",
    "patsub_replacement",
    "progcomp",
    "promptvars",
    "sourcepath",
];

const SHOPT_OFF: &[&str] = &[
    "autocd",
    "assoc_expand_once",
    "cdable_vars",
    "cdspell",
    "checkhash",
    "checkjobs",
    "compat31",
    "compat32",
    "compat40",
    "compat41",
    "compat42",
    "compat43",
    "compat44",
    "direxpand",
    "dirspell",
    "dotglob",
    "execfail",
    "expand_aliases",
    "extdebug",
    "extglob",
    "failglob",
    "globstar",
    "gnu_errfmt",
    "histappend",
    "histreedit",
    "histverify",
    "huponexit",
    "inherit_errexit",
    "lastpipe",
    "lithist",
    "localvar_inherit",
    "localvar_unset",
    "login_shell",
    "mailwarn",
    "no_empty_cmd_completion",
    "nocaseglob",
    "nocasematch",
    "noexpand_translation",
    "nullglob",
    "restricted_shell",
    "shift_verbose",
    "varredir_close",
    "xpg_echo",
];

impl Interp {
    fn opt_flag(&mut self, name: &str) -> Option<&mut bool> {
        let o = &mut self.st.opts;
        Some(match name {
            "errexit" | "e" => &mut o.errexit,
            "xtrace" | "x" => &mut o.xtrace,
            "nounset" | "u" => &mut o.nounset,
            "noglob" | "f" => &mut o.noglob,
            "noclobber" | "C" => &mut o.noclobber,
            "pipefail" => &mut o.pipefail,
            "allexport" | "a" => &mut o.allexport,
            "verbose" | "v" => &mut o.verbose,
            "noexec" | "n" => &mut o.noexec,
            _ => return None,
        })
    }

    pub(crate) fn opt_value(&self, name: &str) -> bool {
        let o = &self.st.opts;
        match name {
            "errexit" => o.errexit,
            "xtrace" => o.xtrace,
            "nounset" => o.nounset,
            "noglob" => o.noglob,
            "noclobber" => o.noclobber,
            "pipefail" => o.pipefail,
            "allexport" => o.allexport,
            "verbose" => o.verbose,
            "noexec" => o.noexec,
            "braceexpand" | "hashall" | "interactive-comments" => true,
            "emacs" | "history" | "monitor" | "histexpand" => self.interactive,
            _ => false,
        }
    }

    pub(crate) fn builtin_set(&mut self, io: &Io, args: &[String]) -> Res<i32> {
        if args.is_empty() {
            let mut s = String::new();
            let names: Vec<String> = self.st.env.all().map(|(k, _)| k.to_string()).collect();
            for n in names {
                if let Some(v) = self.st.env.get(&n) {
                    s.push_str(&format!("{n}={}\n", squote(v)));
                }
            }
            self.emit_str(io, 1, &s);
            return Ok(0);
        }
        let mut i = 0;
        while let Some(a) = args.get(i) {
            if a == "--" {
                self.st.positional = args.get(i + 1..).unwrap_or(&[]).to_vec();
                return Ok(0);
            }
            let on = a.starts_with('-');
            if !(on || a.starts_with('+')) || a.len() < 2 {
                if a == "-" {
                    self.st.opts.xtrace = false;
                    self.st.opts.verbose = false;
                    i += 1;
                    continue;
                }
                self.st.positional = args.get(i..).unwrap_or(&[]).to_vec();
                return Ok(0);
            }
            let flags = a.get(1..).unwrap_or("");
            if flags == "o" {
                match args.get(i + 1) {
                    None => {
                        let mut s = String::new();
                        for o in SET_O {
                            let v = self.opt_value(o);
                            if on {
                                s.push_str(&format!("{o:<15}\t{}\n", if v { "on" } else { "off" }));
                            } else {
                                s.push_str(&format!("set {}o {o}\n", if v { '-' } else { '+' }));
                            }
                        }
                        self.emit_str(io, 1, &s);
                        return Ok(0);
                    }
                    Some(name) => {
                        match self.opt_flag(name) {
                            Some(f) => *f = on,
                            None if SET_O.contains(&name.as_str()) => {}
                            None => {
                                self.error(io, &format!("set: {name}: invalid option name"));
                                return Ok(1);
                            }
                        }
                        i += 2;
                        continue;
                    }
                }
            }
            for c in flags.chars() {
                match self.opt_flag(&c.to_string()) {
                    Some(f) => *f = on,
                    None if "bhkmpBEHPT".contains(c) => {}
                    None => {
                        self.error(
                            io,
                            &format!("set: {}{c}: invalid option", if on { '-' } else { '+' }),
                        );
                        self.emit_str(io, 2, "set: usage: set [-abefhkmnptuvxBCEHPT] [-o option-name] [--] [-] [arg ...]\n");
                        return Ok(2);
                    }
                }
            }
            i += 1;
        }
        Ok(0)
    }

    pub(crate) fn builtin_shopt(&mut self, io: &Io, args: &[String]) -> i32 {
        let set = args.iter().any(|a| a == "-s");
        let unset = args.iter().any(|a| a == "-u");
        let quiet = args.iter().any(|a| a == "-q");
        let names: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
        let (login, interactive) = (self.login, self.interactive);
        let state = |n: &str| -> Option<bool> {
            if SHOPT_ON.contains(&n) {
                Some(true)
            } else if SHOPT_OFF.contains(&n) {
                Some(n == "login_shell" && login || n == "expand_aliases" && interactive)
            } else {
                None
            }
        };
        let mut out = String::new();
        let mut st = 0;
        if names.is_empty() {
            let mut all: Vec<&str> = SHOPT_ON.iter().chain(SHOPT_OFF.iter()).copied().collect();
            all.sort();
            for n in all {
                let v = state(n).unwrap_or(false);
                if (set && !v) || (unset && v) {
                    continue;
                }
                out.push_str(&format!("{n:<15}\t{}\n", if v { "on" } else { "off" }));
            }
        } else {
            for n in names {
                match state(n) {
                    None => {
                        self.error(io, &format!("shopt: {n}: invalid shell option name"));
                        st = 1;
                    }
                    Some(v) => {
                        if !set && !unset {
                            if !quiet {
                                out.push_str(&format!(
                                    "{n:<15}\t{}\n",
                                    if v { "on" } else { "off" }
                                ));
                            }
                            if !v {
                                st = 1;
                            }
                        }
                    }
                }
            }
        }
        self.emit_str(io, 1, &out);
        st
    }
}
