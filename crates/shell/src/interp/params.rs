//! Parameter expansion: `$x`, `${x:-y}`, `${#x}`, `${x%pat}`, `${x/a/b}`, `${x^^}`,
//! `${x:1:2}`, `${!x}`, `${a[@]}`, `$@`/`$*`, special parameters, and `set -u`.
//!
//! Known limits: the `@P` transform returns the value unchanged; `@a` reports only `a`/`r`/`x`;
//! case-modification patterns (`${x^^[ab]}`) are matched character by character.

use brush_parser::word::{
    Parameter, ParameterExpr as PE, ParameterTestType, ParameterTransformOp as TO,
    SubstringMatchKind,
};

use super::expand::Frag;
use super::paramval::{PVal, param_name};
use super::pattern::{self, Replace, Trim};
use super::{Ctl, ErrCtx, Interp, Io, Res};

fn upper_first(s: &str) -> String {
    let mut cs = s.chars();
    match cs.next() {
        Some(c) => c.to_uppercase().chain(cs).collect(),
        None => String::new(),
    }
}

fn lower_first(s: &str) -> String {
    let mut cs = s.chars();
    match cs.next() {
        Some(c) => c.to_lowercase().chain(cs).collect(),
        None => String::new(),
    }
}

impl Interp {
    fn unbound(&mut self, io: &Io, p: &Parameter) -> Res<()> {
        self.error(io, &format!("{}: unbound variable", param_name(p)));
        Err(self.expansion_fatal())
    }

    /// How a fatal expansion error ends things: the line when interactive, the shell
    /// otherwise (`bash -c` exits 127, a script or stdin shell 1).
    pub(crate) fn expansion_fatal(&self) -> Ctl {
        match self.err.ctx {
            ErrCtx::Interactive => Ctl::Abort(1),
            ErrCtx::CString => Ctl::Exit(127),
            _ => Ctl::Exit(1),
        }
    }

    fn push_val(&mut self, v: PVal, in_dq: bool, frags: &mut Vec<Frag>) {
        match v {
            PVal::Unset => {
                if in_dq {
                    frags.push(Frag::Quoted(String::new()));
                }
            }
            PVal::Str(s) => frags.push(if in_dq { Frag::Quoted(s) } else { Frag::Exp(s) }),
            PVal::List(items, concat) => {
                if concat && in_dq {
                    let sep = match self.get_var("IFS") {
                        None => " ".to_string(),
                        Some(ifs) => ifs.chars().next().map(String::from).unwrap_or_default(),
                    };
                    frags.push(Frag::Quoted(items.join(&sep)));
                    return;
                }
                if in_dq {
                    self.saw_at = true;
                }
                for (i, it) in items.into_iter().enumerate() {
                    if i > 0 {
                        frags.push(Frag::Break);
                    }
                    frags.push(if in_dq {
                        Frag::Quoted(it)
                    } else {
                        Frag::Exp(it)
                    });
                }
            }
        }
    }

    fn map_val(
        &mut self,
        v: PVal,
        f: &mut dyn FnMut(&mut Interp, &str) -> Option<String>,
    ) -> Res<PVal> {
        Ok(match v {
            PVal::Unset => PVal::Unset,
            PVal::Str(s) => PVal::Str(f(self, &s).ok_or(Ctl::Stop)?),
            PVal::List(items, c) => {
                let mut out = Vec::with_capacity(items.len());
                for it in items {
                    out.push(f(self, &it).ok_or(Ctl::Stop)?);
                }
                PVal::List(out, c)
            }
        })
    }

    fn opt_word(&mut self, io: &Io, w: &Option<String>) -> Res<String> {
        match w {
            Some(w) => self.expand_string(io, w),
            None => Ok(String::new()),
        }
    }

    fn opt_pattern(&mut self, io: &Io, w: &Option<String>) -> Res<String> {
        match w {
            Some(w) => self.expand_pattern(io, w),
            None => Ok(String::new()),
        }
    }

    /// Expands one `${...}` / `$x` into fragments.
    pub(crate) fn expand_param(
        &mut self,
        io: &Io,
        pe: &PE,
        in_dq: bool,
        frags: &mut Vec<Frag>,
    ) -> Res<()> {
        let is_null = |v: &PVal, t: &ParameterTestType| match v {
            PVal::Unset => true,
            PVal::Str(s) => matches!(t, ParameterTestType::UnsetOrNull) && s.is_empty(),
            PVal::List(l, _) => {
                l.is_empty()
                    || (matches!(t, ParameterTestType::UnsetOrNull)
                        && l.iter().all(String::is_empty))
            }
        };
        let v = match pe {
            PE::Parameter {
                parameter,
                indirect,
            } => {
                let v = self.param_value(io, parameter, *indirect)?;
                if matches!(v, PVal::Unset) && self.st.opts.nounset {
                    self.unbound(io, parameter)?;
                }
                v
            }
            PE::UseDefaultValues {
                parameter,
                indirect,
                test_type,
                default_value,
            } => {
                let v = self.param_value(io, parameter, *indirect)?;
                if is_null(&v, test_type) {
                    if let Some(w) = default_value {
                        let pieces = super::parse::word(w, false).unwrap_or_default();
                        return self.expand_pieces(io, &pieces, in_dq, frags);
                    }
                    PVal::Str(String::new())
                } else {
                    v
                }
            }
            PE::AssignDefaultValues {
                parameter,
                indirect,
                test_type,
                default_value,
            } => {
                let v = self.param_value(io, parameter, *indirect)?;
                if is_null(&v, test_type) {
                    let d = self.opt_word(io, default_value)?;
                    match parameter {
                        Parameter::Named(n) => {
                            self.assign(io, n, &d)?;
                        }
                        Parameter::NamedWithIndex { name, index } => {
                            let i = self.arith_quiet(index).unwrap_or(0);
                            let _ = self.set_elem(name, i, &d);
                        }
                        p => {
                            self.error(
                                io,
                                &format!("${}: cannot assign in this way", param_name(p)),
                            );
                            return Err(Ctl::Abort(1));
                        }
                    }
                    PVal::Str(d)
                } else {
                    v
                }
            }
            PE::IndicateErrorIfNullOrUnset {
                parameter,
                indirect,
                test_type,
                error_message,
            } => {
                let v = self.param_value(io, parameter, *indirect)?;
                if is_null(&v, test_type) {
                    let msg = match error_message {
                        Some(m) if !m.is_empty() => self.opt_word(io, error_message)?,
                        _ if matches!(test_type, ParameterTestType::UnsetOrNull) => {
                            "parameter null or not set".into()
                        }
                        _ => "parameter not set".into(),
                    };
                    self.error(io, &format!("{}: {msg}", param_name(parameter)));
                    return Err(self.expansion_fatal());
                }
                v
            }
            PE::UseAlternativeValue {
                parameter,
                indirect,
                test_type,
                alternative_value,
            } => {
                let v = self.param_value(io, parameter, *indirect)?;
                if !is_null(&v, test_type)
                    && let Some(w) = alternative_value
                {
                    let pieces = super::parse::word(w, false).unwrap_or_default();
                    return self.expand_pieces(io, &pieces, in_dq, frags);
                }
                PVal::Str(String::new())
            }
            PE::ParameterLength {
                parameter,
                indirect,
            } => {
                let v = self.param_value(io, parameter, *indirect)?;
                let n = match v {
                    PVal::Unset => {
                        if self.st.opts.nounset {
                            self.unbound(io, parameter)?;
                        }
                        0
                    }
                    PVal::Str(s) => s.chars().count(),
                    PVal::List(l, _) => l.len(),
                };
                PVal::Str(n.to_string())
            }
            PE::RemoveSmallestSuffixPattern {
                parameter,
                indirect,
                pattern,
            }
            | PE::RemoveLargestSuffixPattern {
                parameter,
                indirect,
                pattern,
            }
            | PE::RemoveSmallestPrefixPattern {
                parameter,
                indirect,
                pattern,
            }
            | PE::RemoveLargestPrefixPattern {
                parameter,
                indirect,
                pattern,
            } => {
                let how = match pe {
                    PE::RemoveSmallestSuffixPattern { .. } => Trim::ShortSuffix,
                    PE::RemoveLargestSuffixPattern { .. } => Trim::LongSuffix,
                    PE::RemoveSmallestPrefixPattern { .. } => Trim::ShortPrefix,
                    _ => Trim::LongPrefix,
                };
                let v = self.param_value(io, parameter, *indirect)?;
                let pat = self.opt_pattern(io, pattern)?;
                self.map_val(v, &mut |s, text| {
                    let mut b = s.steps_left();
                    let before = b;
                    let r = pattern::trim(text, &pat, how, &mut b);
                    s.charge_steps(before, b);
                    r
                })?
            }
            PE::Substring {
                parameter,
                indirect,
                offset,
                length,
            } => {
                let v = self.param_value(io, parameter, *indirect)?;
                let off = match self.arith_expand_eval(io, &offset.value, None)? {
                    Ok(o) => o,
                    Err(()) => return Err(Ctl::Abort(1)),
                };
                let len = match length {
                    Some(l) => match self.arith_expand_eval(io, &l.value, None)? {
                        Ok(n) => Some(n),
                        Err(()) => return Err(Ctl::Abort(1)),
                    },
                    None => None,
                };
                match v {
                    PVal::Unset => PVal::Unset,
                    PVal::Str(s) => {
                        let chars: Vec<char> = s.chars().collect();
                        match slice_range(chars.len(), off, len) {
                            Some((a, b)) => {
                                PVal::Str(chars.get(a..b).unwrap_or(&[]).iter().collect())
                            }
                            None => {
                                self.error(
                                    io,
                                    &format!("{}: substring expression < 0", len.unwrap_or(0)),
                                );
                                return Err(Ctl::Abort(1));
                            }
                        }
                    }
                    PVal::List(items, c) => {
                        if let Parameter::NamedWithAllIndices { name, .. } = parameter
                            && let Some(arr) = self.st.arrays.get(name)
                        {
                            let next = arr.keys().next_back().map(|k| k + 1).unwrap_or(0);
                            let start = if off < 0 { next + off } else { off };
                            let take = match len {
                                Some(l) if l < 0 => {
                                    self.error(io, &format!("{l}: substring expression < 0"));
                                    return Err(Ctl::Abort(1));
                                }
                                Some(l) => l as usize,
                                None => usize::MAX,
                            };
                            let vals: Vec<String> = if start < 0 && off < 0 {
                                Vec::new()
                            } else {
                                arr.range(start..)
                                    .take(take)
                                    .map(|(_, v)| v.clone())
                                    .collect()
                            };
                            PVal::List(vals, c)
                        } else {
                            let is_positional = matches!(parameter, Parameter::Special(_));
                            let mut all = items;
                            if is_positional {
                                all.insert(0, self.st.arg0.clone());
                            }
                            let (a, b) = slice_range(all.len(), off, len).unwrap_or((0, 0));
                            PVal::List(all.get(a..b).unwrap_or(&[]).to_vec(), c)
                        }
                    }
                }
            }
            PE::Transform {
                parameter,
                indirect,
                op,
            } => {
                let name = param_name(parameter);
                let v = self.param_value(io, parameter, *indirect)?;
                let ro = self.st.readonly.contains(&name);
                let exported = self.st.env.exported().any(|(k, _)| k == name);
                let is_array = self.st.arrays.contains_key(&name);
                self.map_val(v, &mut |s, text| {
                    Some(match op {
                        TO::ToUpperCase => text.to_uppercase(),
                        TO::ToLowerCase => text.to_lowercase(),
                        TO::CapitalizeInitial => upper_first(text),
                        TO::Quoted => super::vars::squote_always(text),
                        TO::ExpandEscapeSequences => super::expand::ansi_c(text),
                        TO::ToAssignmentLogic => {
                            format!("{name}={}", super::vars::squote_always(text))
                        }
                        TO::ToAttributeFlags => {
                            let mut f = String::new();
                            if is_array {
                                f.push('a');
                            }
                            if ro {
                                f.push('r');
                            }
                            if exported {
                                f.push('x');
                            }
                            f
                        }
                        TO::PromptExpand => s.expand_prompt(text),
                        TO::PossiblyQuoteWithArraysExpanded { .. } => {
                            super::vars::squote_always(text)
                        }
                    })
                })?
            }
            PE::UppercaseFirstChar {
                parameter,
                indirect,
                ..
            } => {
                let v = self.param_value(io, parameter, *indirect)?;
                self.map_val(v, &mut |_, t| Some(upper_first(t)))?
            }
            PE::LowercaseFirstChar {
                parameter,
                indirect,
                ..
            } => {
                let v = self.param_value(io, parameter, *indirect)?;
                self.map_val(v, &mut |_, t| Some(lower_first(t)))?
            }
            PE::UppercasePattern {
                parameter,
                indirect,
                pattern,
            }
            | PE::LowercasePattern {
                parameter,
                indirect,
                pattern,
            } => {
                let upper = matches!(pe, PE::UppercasePattern { .. });
                let v = self.param_value(io, parameter, *indirect)?;
                let pat = self.opt_pattern(io, pattern)?;
                self.map_val(v, &mut |s, t| {
                    let mut b = s.steps_left();
                    let before = b;
                    let mut out = String::with_capacity(t.len());
                    for c in t.chars() {
                        let hit = pat.is_empty() || pattern::fnmatch(&pat, &c.to_string(), &mut b)?;
                        if hit && upper {
                            out.extend(c.to_uppercase());
                        } else if hit {
                            out.extend(c.to_lowercase());
                        } else {
                            out.push(c);
                        }
                    }
                    s.charge_steps(before, b);
                    Some(out)
                })?
            }
            PE::ReplaceSubstring {
                parameter,
                indirect,
                pattern,
                replacement,
                match_kind,
            } => {
                let v = self.param_value(io, parameter, *indirect)?;
                let pat = self.expand_pattern(io, pattern)?;
                let rep = self.opt_word(io, replacement)?;
                let how = match match_kind {
                    SubstringMatchKind::Prefix => Replace::Prefix,
                    SubstringMatchKind::Suffix => Replace::Suffix,
                    SubstringMatchKind::FirstOccurrence => Replace::First,
                    SubstringMatchKind::Anywhere => Replace::All,
                };
                self.map_val(v, &mut |s, t| {
                    let mut b = s.steps_left();
                    let before = b;
                    let r = pattern::replace(t, &pat, &rep, how, &mut b);
                    s.charge_steps(before, b);
                    r
                })?
            }
            PE::VariableNames {
                prefix,
                concatenate,
            } => {
                let mut names: Vec<String> = self
                    .st
                    .env
                    .all()
                    .map(|(k, _)| k.to_string())
                    .chain(self.st.arrays.keys().cloned())
                    .filter(|k| k.starts_with(prefix.as_str()))
                    .collect();
                names.sort();
                names.dedup();
                PVal::List(names, *concatenate)
            }
            PE::MemberKeys {
                variable_name,
                concatenate,
            } => {
                let keys = match self.st.arrays.get(variable_name) {
                    Some(a) => a.keys().map(|k| k.to_string()).collect(),
                    None if self.var_is_set(variable_name) => vec!["0".to_string()],
                    None => Vec::new(),
                };
                PVal::List(keys, *concatenate)
            }
        };
        self.push_val(v, in_dq, frags);
        Ok(())
    }
}

/// `${x:off:len}` bounds over `n` items; `None` when a negative length ends before the start.
fn slice_range(n: usize, off: i64, len: Option<i64>) -> Option<(usize, usize)> {
    let n_i = n as i64;
    let start = if off < 0 {
        (n_i + off).max(0)
    } else {
        off.min(n_i)
    };
    let start = if off < 0 && n_i + off < 0 {
        return Some((0, 0));
    } else {
        start
    };
    let end = match len {
        None => n_i,
        Some(l) if l < 0 => {
            let e = n_i + l;
            if e < start {
                return None;
            }
            e
        }
        Some(l) => (start.saturating_add(l)).min(n_i),
    };
    Some((start as usize, end.max(start) as usize))
}

#[cfg(test)]
mod tests {
    use super::slice_range;

    #[test]
    fn substring_bounds() {
        assert_eq!(slice_range(5, 1, Some(2)), Some((1, 3)));
        assert_eq!(slice_range(5, -2, None), Some((3, 5)));
        assert_eq!(slice_range(5, 10, None), Some((5, 5)));
        assert_eq!(slice_range(5, 1, Some(-1)), Some((1, 4)));
        assert_eq!(slice_range(5, 3, Some(-4)), None);
        assert_eq!(slice_range(5, -9, None), Some((0, 0)));
    }
}
