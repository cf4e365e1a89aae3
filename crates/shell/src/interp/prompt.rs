//! Prompts and login banners: `PS1` escapes (`\u \h \w \$ \t \[ \]` ...), the Debian 12
//! message of the day as sshd + PAM print it, the deterministic `Last login:` line, and the
//! `[1]+  Done` job notices bash prints before a prompt.
//!
//! Known limits: `\D{format}` supports the common `strftime` letters only; `\j` counts
//! nothing (jobs finish at once); times are UTC.

use time::OffsetDateTime;

use super::{ErrCtx, Interp};

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

fn month(t: &OffsetDateTime) -> &'static str {
    MONTHS
        .get(usize::from(u8::from(t.month())).saturating_sub(1))
        .copied()
        .unwrap_or("Jan")
}

fn weekday(t: &OffsetDateTime) -> &'static str {
    DAYS.get(usize::from(t.weekday().number_days_from_monday()))
        .copied()
        .unwrap_or("Mon")
}

/// `ctime`-style date: `Wed Nov 19 08:14:02 2025` (day padded with a space).
pub(crate) fn ctime(t: &OffsetDateTime) -> String {
    format!(
        "{} {} {:>2} {:02}:{:02}:{:02} {}",
        weekday(t),
        month(t),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.year()
    )
}

fn strftime(t: &OffsetDateTime, fmt: &str) -> String {
    let mut s = String::new();
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            s.push(c);
            continue;
        }
        match chars.next() {
            Some('H') => s.push_str(&format!("{:02}", t.hour())),
            Some('M') => s.push_str(&format!("{:02}", t.minute())),
            Some('S') => s.push_str(&format!("{:02}", t.second())),
            Some('d') => s.push_str(&format!("{:02}", t.day())),
            Some('m') => s.push_str(&format!("{:02}", u8::from(t.month()))),
            Some('Y') => s.push_str(&t.year().to_string()),
            Some('y') => s.push_str(&format!("{:02}", t.year() % 100)),
            Some('b') => s.push_str(month(t)),
            Some('a') => s.push_str(weekday(t)),
            Some('T') => s.push_str(&format!(
                "{:02}:{:02}:{:02}",
                t.hour(),
                t.minute(),
                t.second()
            )),
            Some('F') => s.push_str(&format!(
                "{}-{:02}-{:02}",
                t.year(),
                u8::from(t.month()),
                t.day()
            )),
            Some('s') => s.push_str(&t.unix_timestamp().to_string()),
            Some(o) => {
                s.push('%');
                s.push(o);
            }
            None => s.push('%'),
        }
    }
    s
}

/// Job notices: `[1]+  Done                    sleep 1`.
pub(crate) fn format_done(done: &[(usize, i32, String)]) -> String {
    let mut s = String::new();
    let n = done.len();
    for (i, (job, st, cmd)) in done.iter().enumerate() {
        let mark = if i + 1 == n {
            '+'
        } else if i + 2 == n {
            '-'
        } else {
            ' '
        };
        let status = if *st == 0 {
            "Done".to_string()
        } else {
            format!("Exit {st}")
        };
        s.push_str(&format!("[{job}]{mark}  {status:<24}{cmd}\n"));
    }
    s
}

impl Interp {
    /// The prompt to print now: `PS1` (or dash's `# `) expanded.
    pub(crate) fn prompt(&mut self) -> String {
        if self.err.ctx == ErrCtx::Dash {
            return if self.user.uid == 0 {
                "# ".into()
            } else {
                "$ ".into()
            };
        }
        let ps1 = self.get_var("PS1").unwrap_or_default();
        self.expand_prompt(&ps1)
    }

    /// The continuation prompt (`PS2`).
    pub(crate) fn prompt2(&mut self) -> String {
        if self.err.ctx == ErrCtx::Dash {
            return "> ".into();
        }
        let ps2 = self.get_var("PS2").unwrap_or_default();
        self.expand_prompt(&ps2)
    }

    /// Expands prompt escapes, then parameters (`promptvars`). `\[`/`\]` vanish.
    pub(crate) fn expand_prompt(&mut self, ps: &str) -> String {
        let mut s = String::new();
        let mut chars = ps.chars().peekable();
        let t = self.now;
        while let Some(c) = chars.next() {
            if c != '\\' {
                s.push(c);
                continue;
            }
            let Some(e) = chars.next() else {
                s.push('\\');
                break;
            };
            match e {
                'u' => s.push_str(&self.user.name),
                'h' => s.push_str(self.persona.hostname.split('.').next().unwrap_or("")),
                'H' => s.push_str(&self.persona.hostname),
                'w' | 'W' => {
                    let home = self.st.env.get("HOME").unwrap_or("").to_string();
                    let cwd = self.st.cwd.clone();
                    let tilde = match cwd.strip_prefix(&home) {
                        Some(rest)
                            if !home.is_empty()
                                && home != "/"
                                && (rest.is_empty() || rest.starts_with('/')) =>
                        {
                            format!("~{rest}")
                        }
                        _ => cwd.clone(),
                    };
                    if e == 'w' || tilde == "~" || cwd == "/" {
                        s.push_str(&tilde);
                    } else {
                        s.push_str(miragepot_vfs::path::basename(&cwd));
                    }
                }
                '$' => s.push(if self.user.uid == 0 { '#' } else { '$' }),
                'n' => s.push('\n'),
                'r' => s.push('\r'),
                'a' => s.push('\x07'),
                'e' => s.push('\x1b'),
                's' => s.push_str("bash"),
                'v' => s.push_str("5.2"),
                'V' => s.push_str("5.2.15"),
                't' => s.push_str(&format!(
                    "{:02}:{:02}:{:02}",
                    t.hour(),
                    t.minute(),
                    t.second()
                )),
                'T' => s.push_str(&format!(
                    "{:02}:{:02}:{:02}",
                    (t.hour() + 11) % 12 + 1,
                    t.minute(),
                    t.second()
                )),
                '@' => s.push_str(&format!(
                    "{:02}:{:02} {}",
                    (t.hour() + 11) % 12 + 1,
                    t.minute(),
                    if t.hour() < 12 { "AM" } else { "PM" }
                )),
                'A' => s.push_str(&format!("{:02}:{:02}", t.hour(), t.minute())),
                'd' => s.push_str(&format!("{} {} {:02}", weekday(&t), month(&t), t.day())),
                'D' => {
                    if chars.peek() == Some(&'{') {
                        chars.next();
                        let fmt: String = chars.by_ref().take_while(|c| *c != '}').collect();
                        let fmt = if fmt.is_empty() {
                            "%H:%M:%S".to_string()
                        } else {
                            fmt
                        };
                        s.push_str(&strftime(&t, &fmt));
                    } else {
                        s.push_str("\\D");
                    }
                }
                'j' => s.push('0'),
                'l' => s.push_str(
                    self.session
                        .tty
                        .as_deref()
                        .and_then(|t| t.rsplit('/').next())
                        .unwrap_or("0"),
                ),
                '!' => s.push_str(&(self.history.len() + self.hist_dropped + 1).to_string()),
                '#' => s.push_str(&(self.history.len() + 1).to_string()),
                '[' | ']' => {}
                '\\' => s.push('\\'),
                '0'..='7' => {
                    let mut v = e.to_digit(8).unwrap_or(0);
                    for _ in 0..2 {
                        match chars.peek().and_then(|c| c.to_digit(8)) {
                            Some(d) => {
                                v = v * 8 + d;
                                chars.next();
                            }
                            None => break,
                        }
                    }
                    if let Some(ch) = char::from_u32(v) {
                        s.push(ch);
                    }
                }
                other => {
                    s.push('\\');
                    s.push(other);
                }
            }
        }
        if s.contains(['$', '`']) {
            let io = super::Io::top();
            let saved = (self.status, self.out.clone());
            let r = self.expand_string(&io, &s);
            self.status = saved.0;
            self.out = saved.1;
            if let Ok(v) = r {
                return v;
            }
        }
        s
    }

    /// The banner an interactive SSH login prints: kernel line, `/etc/motd`, last login.
    pub(crate) fn motd(&mut self, seed: u64) -> String {
        let p = &self.persona;
        let mut s = format!(
            "Linux {} {} {} {}\n",
            p.hostname, p.kernel_release, p.kernel_version, p.machine
        );
        let ctx = self.fs_ctx();
        let motd = match self.fs.read("/", "/etc/motd", &ctx, 64 * 1024) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(_) => String::new(),
        };
        s.push_str(&motd);
        let mut r = crate::commands::Rng::new(seed ^ 0x1a57_109e);
        let days = 1 + r.below(6) as i64;
        let secs = r.below(14 * 3600) as i64 + 7 * 3600;
        let when = self.start - time::Duration::days(days);
        let when = when.replace_time(time::Time::MIDNIGHT) + time::Duration::seconds(secs);
        let prefix = p.ipv4.rsplit_once('.').map(|(a, _)| a).unwrap_or("10.0.3");
        let host = 1 + r.below(9);
        s.push_str(&format!(
            "Last login: {} from {prefix}.{host}\n",
            ctime(&when)
        ));
        s
    }
}
