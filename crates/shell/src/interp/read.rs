//! Builtins that read input or parse options: `read` (line splitting on `$IFS`, `-r`,
//! `-a`, `-d`, `-p`) and `getopts`.
//!
//! Known limits: `read -t`, `-n`, `-N`, `-s`, `-u` are accepted and ignored; reading is
//! from the command's stdin only (a pty session's terminal reads as end of input).

use super::vars::valid_name;
use super::{Ctl, Interp, Io, Res};

impl Interp {
    pub(crate) fn builtin_read(&mut self, io: &Io, args: &[String]) -> Res<i32> {
        let mut raw = false;
        let mut array: Option<String> = None;
        let mut delim = '\n';
        let mut names = Vec::new();
        let mut i = 0;
        while let Some(a) = args.get(i) {
            match a.as_str() {
                "-r" => raw = true,
                "-a" => {
                    array = args.get(i + 1).cloned();
                    i += 1;
                }
                "-d" => {
                    delim = args
                        .get(i + 1)
                        .and_then(|d| d.chars().next())
                        .unwrap_or('\0');
                    i += 1;
                }
                "-p" => {
                    if self.session.tty.is_some() && io.stdin.is_none() {
                        let p = args.get(i + 1).cloned().unwrap_or_default();
                        self.emit_str(io, 2, &p);
                    }
                    i += 1;
                }
                "-t" | "-n" | "-N" | "-u" | "-i" => i += 1,
                s if s.starts_with('-') && s.len() > 1 => raw |= s.contains('r'),
                _ => names.push(a.clone()),
            }
            i += 1;
        }
        let Some(inp) = io.stdin.and_then(|k| self.inputs.get_mut(k)) else {
            return Ok(1);
        };
        let rest = inp.data.get(inp.pos..).unwrap_or(&[]);
        if rest.is_empty() {
            return Ok(1);
        }
        let mut line = Vec::new();
        let mut k = 0;
        let mut found = false;
        while let Some(&b) = rest.get(k) {
            k += 1;
            if !raw && b == b'\\' {
                match rest.get(k) {
                    Some(b'\n') => {
                        k += 1;
                        continue;
                    }
                    Some(&n) => {
                        line.push(n);
                        k += 1;
                        continue;
                    }
                    None => continue,
                }
            }
            if u32::from(b) == delim as u32 {
                found = true;
                break;
            }
            line.push(b);
        }
        inp.pos += k;
        let text = super::expand::bytes_to_string(&line);
        let ifs = self.get_var("IFS").unwrap_or_else(|| " \t\n".into());
        if let Some(arr) = array {
            let items = text
                .split(|c| ifs.contains(c))
                .filter(|s| !s.is_empty())
                .map(|s| (None, s.to_string()))
                .collect();
            if self.set_array(&arr, items, false).is_err() {
                return Err(Ctl::Stop);
            }
            return Ok(i32::from(!found));
        }
        if names.is_empty() {
            self.assign(io, "REPLY", &text)?;
            return Ok(i32::from(!found));
        }
        let mut remaining = text
            .trim_start_matches(|c| ifs.contains(c) && " \t\n".contains(c))
            .to_string();
        let count = names.len();
        for (n_i, name) in names.iter().enumerate() {
            if !valid_name(name) {
                self.error(io, &format!("read: `{name}': not a valid identifier"));
                return Ok(1);
            }
            let value = if n_i + 1 == count {
                remaining
                    .trim_end_matches(|c| ifs.contains(c) && " \t\n".contains(c))
                    .to_string()
            } else {
                let end = remaining
                    .find(|c| ifs.contains(c))
                    .unwrap_or(remaining.len());
                let v = remaining.get(..end).unwrap_or("").to_string();
                let after = remaining.get(end..).unwrap_or("");
                let mut after =
                    after.trim_start_matches(|c| ifs.contains(c) && " \t\n".contains(c));
                if let Some(c) = after
                    .chars()
                    .next()
                    .filter(|c| ifs.contains(*c) && !" \t\n".contains(*c))
                {
                    after = after
                        .get(c.len_utf8()..)
                        .unwrap_or("")
                        .trim_start_matches(|c| ifs.contains(c) && " \t\n".contains(c));
                }
                remaining = after.to_string();
                v
            };
            self.assign(io, name, &value)?;
        }
        Ok(i32::from(!found))
    }

    pub(crate) fn builtin_getopts(&mut self, io: &Io, args: &[String]) -> Res<i32> {
        let (Some(spec), Some(var)) = (args.first(), args.get(1)) else {
            self.emit_str(io, 2, "getopts: usage: getopts optstring name [arg ...]\n");
            return Ok(2);
        };
        let params: Vec<String> = if args.len() > 2 {
            args.get(2..).unwrap_or(&[]).to_vec()
        } else {
            self.st.positional.clone()
        };
        let silent = spec.starts_with(':');
        let optind = self
            .get_var("OPTIND")
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(1)
            .max(1);
        if optind == 1 && self.optpos == 0 {
            self.optpos = 1;
        }
        let Some(cur) = params.get(optind - 1) else {
            self.assign(io, var, "?")?;
            self.optpos = 0;
            return Ok(1);
        };
        if !cur.starts_with('-') || cur == "-" || cur == "--" {
            if cur == "--" {
                self.assign(io, "OPTIND", &(optind + 1).to_string())?;
            }
            self.assign(io, var, "?")?;
            self.optpos = 0;
            return Ok(1);
        }
        let pos = self.optpos.max(1);
        let chars: Vec<char> = cur.chars().collect();
        let c = chars.get(pos).copied().unwrap_or('?');
        let (mut next_ind, mut next_pos) = if pos + 1 >= chars.len() {
            (optind + 1, 1)
        } else {
            (optind, pos + 1)
        };
        let takes = spec
            .find(c)
            .is_some_and(|i| spec.get(i + 1..).is_some_and(|r| r.starts_with(':')));
        if !spec.contains(c) || c == ':' {
            if silent {
                self.assign(io, "OPTARG", &c.to_string())?;
            } else {
                let pre = self.err.name.clone();
                self.emit_str(io, 2, &format!("{pre}: illegal option -- {c}\n"));
                self.unset_var("OPTARG");
            }
            self.assign(io, var, "?")?;
        } else if takes {
            let arg = if pos + 1 < chars.len() {
                Some(
                    chars
                        .get(pos + 1..)
                        .unwrap_or(&[])
                        .iter()
                        .collect::<String>(),
                )
            } else {
                next_ind = optind + 2;
                params.get(optind).cloned()
            };
            next_pos = 1;
            if pos + 1 < chars.len() {
                next_ind = optind + 1;
            }
            match arg {
                Some(a) => {
                    self.assign(io, "OPTARG", &a)?;
                    self.assign(io, var, &c.to_string())?;
                }
                None => {
                    if !silent {
                        let pre = self.err.name.clone();
                        self.emit_str(
                            io,
                            2,
                            &format!("{pre}: option requires an argument -- {c}\n"),
                        );
                    }
                    self.assign(io, var, if silent { ":" } else { "?" })?;
                }
            }
        } else {
            self.unset_var("OPTARG");
            self.assign(io, var, &c.to_string())?;
        }
        self.optpos = next_pos;
        self.assign(io, "OPTIND", &next_ind.to_string())?;
        Ok(0)
    }
}
