//! `test`, `[` and `[[ ]]`: file tests against the VFS (`-e -f -d -x -r -w -s -L -h -b -c
//! -p -S -u -g -k -O -G -N`), string and integer comparisons, `-v`, `-o`, `-t`, pattern
//! matching (`[[ x == a* ]]`) and regular expressions (`=~`, setting `BASH_REMATCH`).
//!
//! Known limits: `-N` is "modified after last access" from VFS times; `-t FD` is true for
//! descriptors 0-2 only in a pty session when they are not redirected.

use std::collections::BTreeMap;

use brush_parser::ast::{
    BinaryPredicate as BP, ExtendedTestExpr as X, TestExpr as TE, UnaryPredicate as UP,
};
use miragepot_vfs::FileType;

use super::redirect::can_access;
use super::{Ctl, Interp, Io, Res, Sink, pattern, regex};

fn parse_int(s: &str) -> Option<i64> {
    let t = s.trim();
    let (neg, d) = match t.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    if d.is_empty() || !d.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let v: i64 = d.parse().ok()?;
    Some(if neg { -v } else { v })
}

impl Interp {
    fn unary(&mut self, io: &Io, p: &UP, s: &str) -> bool {
        let cwd = self.st.cwd.clone();
        let stat = || self.fs.stat(&cwd, s);
        let (uid, gid) = (self.user.uid, self.user.gid);
        match p {
            UP::StringHasZeroLength => s.is_empty(),
            UP::StringHasNonZeroLength => !s.is_empty(),
            UP::ShellVariableIsSetAndAssigned => self.var_is_set(s),
            UP::ShellVariableIsSetAndNameRef => false,
            UP::ShellOptionEnabled => {
                let o = &self.st.opts;
                match s {
                    "errexit" => o.errexit,
                    "xtrace" => o.xtrace,
                    "nounset" => o.nounset,
                    "noglob" => o.noglob,
                    "pipefail" => o.pipefail,
                    "noclobber" => o.noclobber,
                    "braceexpand" | "hashall" | "interactive-comments" => true,
                    "emacs" | "history" | "monitor" | "histexpand" => self.interactive,
                    _ => false,
                }
            }
            UP::FdIsOpenTerminal => match s.trim().parse::<usize>() {
                Ok(0) => self.session.tty.is_some() && io.stdin.is_none(),
                Ok(n @ 1..=2) => {
                    self.session.tty.is_some()
                        && matches!(
                            io.fds.get(n).copied().flatten(),
                            Some(Sink::Out | Sink::Err)
                        )
                }
                _ => false,
            },
            UP::FileExistsAndIsSymlink => self
                .fs
                .lstat(&cwd, s)
                .map(|m| m.kind == FileType::Symlink)
                .unwrap_or(false),
            _ => {
                if s.is_empty() {
                    return false;
                }
                let Ok(m) = stat() else { return false };
                match p {
                    UP::FileExists => true,
                    UP::FileExistsAndIsBlockSpecialFile => m.kind == FileType::BlockDevice,
                    UP::FileExistsAndIsCharSpecialFile => m.kind == FileType::CharDevice,
                    UP::FileExistsAndIsDir => m.is_dir(),
                    UP::FileExistsAndIsRegularFile => m.kind == FileType::File,
                    UP::FileExistsAndIsSetgid => m.mode & 0o2000 != 0,
                    UP::FileExistsAndHasStickyBit => m.mode & 0o1000 != 0,
                    UP::FileExistsAndIsFifo => m.kind == FileType::Fifo,
                    UP::FileExistsAndIsSocket => m.kind == FileType::Socket,
                    UP::FileExistsAndIsReadable => can_access(&m, uid, gid, 4),
                    UP::FileExistsAndIsWritable => can_access(&m, uid, gid, 2),
                    UP::FileExistsAndIsExecutable => can_access(&m, uid, gid, 1),
                    UP::FileExistsAndIsNotZeroLength => m.size > 0,
                    UP::FileExistsAndIsSetuid => m.mode & 0o4000 != 0,
                    UP::FileExistsAndOwnedByEffectiveGroupId => m.gid == gid,
                    UP::FileExistsAndOwnedByEffectiveUserId => m.uid == uid,
                    UP::FileExistsAndModifiedSinceLastRead => m.mtime > m.atime,
                    _ => false,
                }
            }
        }
    }

    fn file_cmp(&mut self, p: &BP, a: &str, b: &str) -> bool {
        let cwd = self.st.cwd.clone();
        let ma = self.fs.stat(&cwd, a).ok();
        let mb = self.fs.stat(&cwd, b).ok();
        match p {
            BP::FilesReferToSameDeviceAndInodeNumbers => match (ma, mb) {
                (Some(_), Some(_)) => {
                    self.fs.canonicalize(&cwd, a).ok() == self.fs.canonicalize(&cwd, b).ok()
                }
                _ => false,
            },
            BP::LeftFileIsNewerOrExistsWhenRightDoesNot => match (ma, mb) {
                (Some(x), Some(y)) => x.mtime > y.mtime,
                (Some(_), None) => true,
                _ => false,
            },
            _ => match (ma, mb) {
                (Some(x), Some(y)) => x.mtime < y.mtime,
                (None, Some(_)) => true,
                _ => false,
            },
        }
    }

    /// `test` / `[`.
    pub(crate) fn builtin_test(&mut self, io: &Io, argv: &[String]) -> i32 {
        let name = argv.first().map(String::as_str).unwrap_or("test");
        let mut args: Vec<String> = argv.get(1..).unwrap_or(&[]).to_vec();
        if name == "[" {
            if args.last().map(String::as_str) != Some("]") {
                self.error(io, "[: missing `]'");
                return 2;
            }
            args.pop();
        }
        let parsed = std::panic::catch_unwind(|| brush_parser::test_command::parse(&args))
            .ok()
            .and_then(Result::ok);
        let Some(expr) = parsed else {
            let msg = match args.len() {
                n if n > 4 => "too many arguments".to_string(),
                _ => match args.first() {
                    Some(a) if a.starts_with('-') && args.len() == 2 => {
                        format!("{a}: unary operator expected")
                    }
                    _ => format!(
                        "{}: binary operator expected",
                        args.get(1).map(String::as_str).unwrap_or("")
                    ),
                },
            };
            self.error(io, &format!("{name}: {msg}"));
            return 2;
        };
        match self.eval_test(io, &expr) {
            Ok(true) => 0,
            Ok(false) => 1,
            Err(msg) => {
                self.error(io, &format!("{name}: {msg}"));
                2
            }
        }
    }

    fn eval_test(&mut self, io: &Io, e: &TE) -> Result<bool, String> {
        Ok(match e {
            TE::False => false,
            TE::Literal(s) => !s.is_empty(),
            TE::And(a, b) => self.eval_test(io, a)? && self.eval_test(io, b)?,
            TE::Or(a, b) => self.eval_test(io, a)? || self.eval_test(io, b)?,
            TE::Not(a) => !self.eval_test(io, a)?,
            TE::Parenthesized(a) => self.eval_test(io, a)?,
            TE::UnaryTest(p, s) => self.unary(io, p, s),
            TE::BinaryTest(p, a, b) => match p {
                BP::StringExactlyMatchesString | BP::StringExactlyMatchesPattern => a == b,
                BP::StringDoesNotExactlyMatchString | BP::StringDoesNotExactlyMatchPattern => {
                    a != b
                }
                BP::LeftSortsBeforeRight => a < b,
                BP::LeftSortsAfterRight => a > b,
                BP::ArithmeticEqualTo
                | BP::ArithmeticNotEqualTo
                | BP::ArithmeticLessThan
                | BP::ArithmeticLessThanOrEqualTo
                | BP::ArithmeticGreaterThan
                | BP::ArithmeticGreaterThanOrEqualTo => {
                    let x =
                        parse_int(a).ok_or_else(|| format!("{a}: integer expression expected"))?;
                    let y =
                        parse_int(b).ok_or_else(|| format!("{b}: integer expression expected"))?;
                    int_cmp(p, x, y)
                }
                BP::StringMatchesRegex | BP::StringContainsSubstring => a.contains(b.as_str()),
                _ => self.file_cmp(p, a, b),
            },
        })
    }

    /// `[[ expr ]]`.
    pub(crate) fn ext_test(&mut self, io: &Io, e: &X) -> Res<i32> {
        match self.eval_ext(io, e)? {
            Some(true) => Ok(0),
            Some(false) => Ok(1),
            None => Ok(2),
        }
    }

    fn eval_ext(&mut self, io: &Io, e: &X) -> Res<Option<bool>> {
        Ok(Some(match e {
            X::And(a, b) => {
                if self.eval_ext(io, a)? != Some(true) {
                    return Ok(Some(false));
                }
                self.eval_ext(io, b)? == Some(true)
            }
            X::Or(a, b) => {
                if self.eval_ext(io, a)? == Some(true) {
                    return Ok(Some(true));
                }
                self.eval_ext(io, b)? == Some(true)
            }
            X::Not(a) => match self.eval_ext(io, a)? {
                Some(v) => !v,
                None => return Ok(None),
            },
            X::Parenthesized(a) => return self.eval_ext(io, a),
            X::UnaryTest(p, w) => {
                let s = self.expand_string(io, &w.value)?;
                self.unary(io, p, &s)
            }
            X::BinaryTest(p, l, r) => {
                let a = self.expand_string(io, &l.value)?;
                match p {
                    BP::StringExactlyMatchesPattern | BP::StringDoesNotExactlyMatchPattern => {
                        let pat = self.expand_pattern(io, &r.value)?;
                        let mut b = self.steps_left();
                        let before = b;
                        let m = pattern::fnmatch(&pat, &a, &mut b);
                        self.charge_steps(before, b);
                        let m = m.ok_or(Ctl::Stop)?;
                        if matches!(p, BP::StringExactlyMatchesPattern) {
                            m
                        } else {
                            !m
                        }
                    }
                    BP::StringMatchesRegex | BP::StringContainsSubstring => {
                        let re = self.expand_string(io, &r.value)?;
                        let mut b = self.steps_left();
                        let before = b;
                        let res = regex::search(&re, &a, &mut b);
                        self.charge_steps(before, b);
                        match res {
                            Err(regex::Error::Budget) => return Err(Ctl::Stop),
                            Err(regex::Error::Syntax) => return Ok(None),
                            Ok(None) => {
                                self.st
                                    .arrays
                                    .insert("BASH_REMATCH".into(), BTreeMap::new());
                                false
                            }
                            Ok(Some(groups)) => {
                                let arr: BTreeMap<i64, String> = groups
                                    .into_iter()
                                    .enumerate()
                                    .map(|(i, g)| (i as i64, g.unwrap_or_default()))
                                    .collect();
                                self.st.arrays.insert("BASH_REMATCH".into(), arr);
                                true
                            }
                        }
                    }
                    BP::ArithmeticEqualTo
                    | BP::ArithmeticNotEqualTo
                    | BP::ArithmeticLessThan
                    | BP::ArithmeticLessThanOrEqualTo
                    | BP::ArithmeticGreaterThan
                    | BP::ArithmeticGreaterThanOrEqualTo => {
                        let b = self.expand_string(io, &r.value)?;
                        let x = match self.arith_eval(&a) {
                            Ok(v) => v,
                            Err(m) => {
                                self.error(io, &m);
                                return Ok(None);
                            }
                        };
                        let y = match self.arith_eval(&b) {
                            Ok(v) => v,
                            Err(m) => {
                                self.error(io, &m);
                                return Ok(None);
                            }
                        };
                        int_cmp(p, x, y)
                    }
                    _ => {
                        let b = self.expand_string(io, &r.value)?;
                        match p {
                            BP::StringExactlyMatchesString => a == b,
                            BP::StringDoesNotExactlyMatchString => a != b,
                            BP::LeftSortsBeforeRight => a < b,
                            BP::LeftSortsAfterRight => a > b,
                            _ => self.file_cmp(p, &a, &b),
                        }
                    }
                }
            }
        }))
    }
}

fn int_cmp(p: &BP, x: i64, y: i64) -> bool {
    match p {
        BP::ArithmeticEqualTo => x == y,
        BP::ArithmeticNotEqualTo => x != y,
        BP::ArithmeticLessThan => x < y,
        BP::ArithmeticLessThanOrEqualTo => x <= y,
        BP::ArithmeticGreaterThan => x > y,
        _ => x >= y,
    }
}
