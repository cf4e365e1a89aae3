//! Parameter values before any `${...}` operator: positional and special parameters
//! (`$@ $* $# $? $- $$ $! $0`), named variables, array elements (`${a[i]}`, `${a[@]}`),
//! and indirection (`${!x}`).
//!
//! Known limits: `$-` reports only the flags this emulator tracks (`e h i u x B H s c`).

use brush_parser::word::{Parameter, SpecialParameter};

use super::{Ctl, ErrCtx, Interp, Io, Res};

/// A parameter's value before the operator is applied.
#[derive(Debug, Clone)]
pub(crate) enum PVal {
    Unset,
    Str(String),
    /// `$@`, `$*`, `${a[@]}`, `${a[*]}`; `true` = joined (`*`).
    List(Vec<String>, bool),
}

pub(crate) fn param_name(p: &Parameter) -> String {
    match p {
        Parameter::Positional(n) => n.to_string(),
        Parameter::Special(s) => s.to_string(),
        Parameter::Named(n) => n.clone(),
        Parameter::NamedWithIndex { name, index } => format!("{name}[{index}]"),
        Parameter::NamedWithAllIndices { name, concatenate } => {
            format!("{name}[{}]", if *concatenate { "*" } else { "@" })
        }
    }
}

impl Interp {
    pub(crate) fn flags_string(&self) -> String {
        let o = &self.st.opts;
        let mut s = String::new();
        if o.errexit {
            s.push('e');
        }
        s.push('h');
        if self.interactive {
            s.push('i');
        }
        if o.nounset {
            s.push('u');
        }
        if o.xtrace {
            s.push('x');
        }
        s.push('B');
        if self.interactive {
            s.push('H');
            s.push('s');
        } else if self.err.ctx == ErrCtx::CString {
            s.push('c');
        }
        s
    }

    pub(crate) fn param_value(&mut self, io: &Io, p: &Parameter, indirect: bool) -> Res<PVal> {
        let v = match p {
            Parameter::Positional(n) => match self.st.positional.get((*n as usize).wrapping_sub(1))
            {
                Some(v) => PVal::Str(v.clone()),
                None => PVal::Unset,
            },
            Parameter::Special(s) => match s {
                SpecialParameter::AllPositionalParameters { concatenate } => {
                    PVal::List(self.st.positional.clone(), *concatenate)
                }
                SpecialParameter::PositionalParameterCount => {
                    PVal::Str(self.st.positional.len().to_string())
                }
                SpecialParameter::LastExitStatus => PVal::Str(self.status.to_string()),
                SpecialParameter::CurrentOptionFlags => PVal::Str(self.flags_string()),
                SpecialParameter::ProcessId => PVal::Str(self.pid.to_string()),
                SpecialParameter::LastBackgroundProcessId => match self.last_bg {
                    Some(p) => PVal::Str(p.to_string()),
                    None => PVal::Unset,
                },
                SpecialParameter::ShellName => PVal::Str(self.st.arg0.clone()),
            },
            Parameter::Named(n) => match self.get_var(n) {
                Some(v) => PVal::Str(v),
                None => PVal::Unset,
            },
            Parameter::NamedWithIndex { name, index } => {
                let idx = match self.arith_expand_eval(io, index, None)? {
                    Ok(i) => i,
                    Err(()) => return Err(Ctl::Abort(1)),
                };
                let v = self.st.arrays.get(name).map(|a| {
                    let i = if idx < 0 {
                        a.keys().next_back().map(|k| k + 1 + idx).unwrap_or(idx)
                    } else {
                        idx
                    };
                    a.get(&i).cloned()
                });
                match v {
                    Some(Some(v)) => PVal::Str(v),
                    Some(None) => PVal::Unset,
                    None if idx == 0 => self.get_var(name).map(PVal::Str).unwrap_or(PVal::Unset),
                    None => PVal::Unset,
                }
            }
            Parameter::NamedWithAllIndices { name, concatenate } => {
                if self.var_is_set(name) {
                    PVal::List(self.array_values(name), *concatenate)
                } else {
                    PVal::List(Vec::new(), *concatenate)
                }
            }
        };
        if !indirect {
            return Ok(v);
        }
        let target = match v {
            PVal::Str(s) => s,
            PVal::List(l, _) => l.join(" "),
            PVal::Unset => return Ok(PVal::Unset),
        };
        match brush_parser::word::parse_parameter(&target, &super::parse::options()) {
            Ok(p2) if !target.is_empty() => self.param_value(io, &p2, false),
            _ => {
                self.error(io, &format!("{target}: invalid indirect expansion"));
                Err(Ctl::Abort(1))
            }
        }
    }
}
