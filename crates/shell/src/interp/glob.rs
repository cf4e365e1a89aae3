//! Pathname expansion (`*.txt`, `/etc/*/conf`, `[ab]?`) against the session's VFS.
//!
//! The pattern is split on `/`; literal components are appended as they are, pattern
//! components list the directory and match names (hidden names only when the component
//! starts with a literal `.`; never `.` or `..`). Results are sorted byte-wise, as bash does
//! in the C.UTF-8 locale. Directory reads and matches are charged to the line's step budget
//! and the result count is capped at [`MAX_WORDS`].
//!
//! Known limits: no `globstar` (`**`), `dotglob`, `nullglob` or `nocaseglob`.

use miragepot_vfs::path;

use super::{Ctl, Interp, MAX_WORDS, Res, pattern};

impl Interp {
    /// Expands a glob pattern; an empty result means "no match" (the word stays literal).
    pub(crate) fn glob(&mut self, pat: &str) -> Res<Vec<String>> {
        let absolute = pat.starts_with('/');
        let trailing_slash = pat.ends_with('/') && pat.len() > 1;
        let comps: Vec<&str> = pat.split('/').filter(|c| !c.is_empty()).collect();
        // Each candidate: (display path, absolute path).
        let mut cands: Vec<(String, String)> = vec![if absolute {
            ("/".to_string(), "/".to_string())
        } else {
            (String::new(), self.st.cwd.clone())
        }];
        let ctx = self.fs_ctx();
        let last = comps.len().saturating_sub(1);
        for (i, comp) in comps.iter().enumerate() {
            let mut next = Vec::new();
            if !pattern::has_glob(comp) {
                let lit = pattern::unescape(comp);
                for (disp, abs) in cands {
                    let d = if disp.is_empty() || disp.ends_with('/') {
                        format!("{disp}{lit}")
                    } else {
                        format!("{disp}/{lit}")
                    };
                    next.push((d, path::child(&abs, &lit)));
                }
            } else {
                let compiled = pattern::compile(comp);
                let show_hidden = comp.starts_with('.') || comp.starts_with("\\.");
                for (disp, abs) in cands {
                    let Ok(entries) = self.fs.read_dir("/", &abs, &ctx) else {
                        continue;
                    };
                    self.budget.steps += entries.len() as u64;
                    let mut names: Vec<String> = entries.into_iter().map(|e| e.name).collect();
                    names.sort();
                    for name in names {
                        if name.starts_with('.') && !show_hidden {
                            continue;
                        }
                        let chars: Vec<char> = name.chars().collect();
                        let mut b = self.steps_left();
                        let before = b;
                        let hit = pattern::matches(&compiled, &chars, &mut b);
                        self.charge_steps(before, b);
                        match hit {
                            None => return Err(Ctl::Stop),
                            Some(false) => continue,
                            Some(true) => {}
                        }
                        let d = if disp.is_empty() || disp.ends_with('/') {
                            format!("{disp}{name}")
                        } else {
                            format!("{disp}/{name}")
                        };
                        next.push((d, path::child(&abs, &name)));
                        if next.len() > MAX_WORDS {
                            return Err(Ctl::Stop);
                        }
                    }
                }
            }
            // Intermediate components must be directories.
            if i < last {
                next.retain(|(_, abs)| self.fs.stat("/", abs).map(|m| m.is_dir()).unwrap_or(false));
            }
            cands = next;
            if self.steps_left() == 0 {
                return Err(Ctl::Stop);
            }
        }
        let mut out: Vec<String> = cands
            .into_iter()
            .filter(|(_, abs)| {
                if trailing_slash {
                    self.fs.stat("/", abs).map(|m| m.is_dir()).unwrap_or(false)
                } else {
                    self.fs.lstat("/", abs).is_ok()
                }
            })
            .map(|(d, _)| if trailing_slash { format!("{d}/") } else { d })
            .collect();
        out.sort();
        Ok(out)
    }
}
