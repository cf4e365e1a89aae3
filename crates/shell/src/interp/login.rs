//! Logging in: the account (a persona user, or a made-up one with uid 1001 and
//! `/home/NAME`), the environment sshd + PAM + bash build on Debian 12 (`SSH_CLIENT`,
//! `XDG_*`, `TERM`, `PS1` from `/etc/bash.bashrc` or the colour prompt of `/etc/skel`), the
//! error style of each mode, and two helpers for the session layer: which exec requests just
//! start a shell, and how multi-line commands are stored in the history.
//!
//! Known limits: `~/.bashrc` and `~/.profile` are not executed; their effects that matter
//! (prompt, `HISTCONTROL`, the `ls` alias of non-root users) are applied directly.

use std::sync::Arc;

use time::OffsetDateTime;

use crate::commands::SessionInfo;
use crate::env::Env;
use crate::persona::{Persona, User};
use crate::shell::{Mode, SessionConfig};

use super::{ErrCtx, ErrName, Interp};

pub(crate) fn make_user(persona: &Persona, name: &str) -> User {
    match persona.user(name) {
        Some(u) => u.clone(),
        None => User {
            name: name.to_string(),
            uid: 1001,
            gid: 1001,
            gecos: String::new(),
            home: format!("/home/{name}"),
            shell: "/bin/bash".into(),
        },
    }
}

/// `Some(is_dash)` when an exec line just starts a shell reading stdin (`sh`, `bash -s`,
/// `exec /bin/bash -i`).
pub(crate) fn bare_shell(line: &str) -> Option<bool> {
    let mut words = line.split_whitespace().peekable();
    if words.peek() == Some(&"exec") {
        words.next();
    }
    let name = miragepot_vfs::path::basename(words.next()?);
    let dash = match name {
        "sh" | "dash" => true,
        "bash" | "rbash" => false,
        _ => return None,
    };
    for w in words {
        let ok = matches!(
            w,
            "-" | "-s"
                | "-i"
                | "-l"
                | "-x"
                | "-e"
                | "--login"
                | "--noprofile"
                | "--norc"
                | "-is"
                | "-si"
                | "-il"
                | "-li"
        );
        if !ok {
            return None;
        }
    }
    Some(dash)
}

/// A multi-line command as bash's `cmdhist` stores it: lines joined with `; `, or a space
/// after words that need no separator (`then`, `do`, `{`, `|`, ...).
pub(crate) fn history_line(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            let last = out.split_whitespace().last().unwrap_or("");
            let bare = matches!(last, "then" | "do" | "else" | "{" | "(")
                || out.ends_with(['|', '&', ';', '('])
                || out.ends_with("&&");
            out.push_str(if bare { " " } else { "; " });
        }
        out.push_str(line);
    }
    out
}

/// The interpreter for a new login.
pub(crate) fn login(persona: Arc<Persona>, cfg: &SessionConfig, now: OffsetDateTime) -> Interp {
    let user = make_user(&persona, &cfg.user);
    let mut env = Env::login(&user, &persona);
    let port = cfg.src_port;
    env.export("SSH_CLIENT", &format!("{} {port} 22", cfg.src_ip));
    env.export(
        "SSH_CONNECTION",
        &format!("{} {port} {} 22", cfg.src_ip, persona.ipv4),
    );
    env.export("XDG_SESSION_TYPE", "tty");
    env.export("XDG_SESSION_CLASS", "user");
    env.export("XDG_SESSION_ID", &(3 + cfg.seed % 40).to_string());
    env.export("XDG_RUNTIME_DIR", &format!("/run/user/{}", user.uid));
    env.export(
        "DBUS_SESSION_BUS_ADDRESS",
        &format!("unix:path=/run/user/{}/bus", user.uid),
    );
    env.set("PS1", "${debian_chroot:+($debian_chroot)}\\u@\\h:\\w\\$ ");
    for (k, v) in &cfg.env {
        if k == "LANG" || k.starts_with("LC_") {
            env.export(k, v);
        }
    }
    let (tty, cols, rows) = match &cfg.mode {
        Mode::Pty { term, cols, rows } => {
            env.export("TERM", term);
            env.export("SSH_TTY", "/dev/pts/0");
            env.set("COLUMNS", &cols.to_string());
            env.set("LINES", &rows.to_string());
            if user.uid != 0 {
                env.set("HISTCONTROL", "ignoreboth");
                if term == "xterm-color" || term.ends_with("-256color") {
                    env.set("PS1", "\\[\\e]0;${debian_chroot:+($debian_chroot)}\\u@\\h: \\w\\a\\]${debian_chroot:+($debian_chroot)}\\[\\033[01;32m\\]\\u@\\h\\[\\033[00m\\]:\\[\\033[01;34m\\]\\w\\[\\033[00m\\]\\$ ");
                }
            }
            (Some("pts/0".to_string()), *cols, *rows)
        }
        _ => (None, 80, 24),
    };
    let session = SessionInfo {
        tty,
        src_ip: cfg.src_ip.clone(),
        src_port: cfg.src_port,
        login_time: now.unix_timestamp(),
        cols,
        rows,
    };
    let (err, interactive) = match cfg.mode {
        Mode::Pty { .. } => (
            ErrName {
                name: "-bash".into(),
                ctx: ErrCtx::Interactive,
            },
            true,
        ),
        Mode::Exec => (
            ErrName {
                name: "bash".into(),
                ctx: ErrCtx::CString,
            },
            false,
        ),
        Mode::Pipe => (
            ErrName {
                name: "-bash".into(),
                ctx: ErrCtx::Lines,
            },
            false,
        ),
    };
    let mut interp = Interp::new(
        persona,
        user,
        env,
        session,
        cfg.limits,
        cfg.seed,
        now,
        interactive,
        err,
    );
    interp.login = cfg.mode != Mode::Exec;
    interp.final_line = cfg.mode == Mode::Exec;
    if interp.user.uid != 0 && interactive {
        interp
            .st
            .aliases
            .insert("ls".into(), "ls --color=auto".into());
    }
    interp.ensure_home();
    interp
}
