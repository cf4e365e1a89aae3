//! `sudo` (1.9.13p3) and `su` (util-linux 2.38.1): they run another command line, so they
//! live next to the interpreter rather than in the command table. As root they run the
//! command (`sudo cmd`, `sudo -u user cmd`, `su user -c cmd`), list the root policy
//! (`sudo -l`) and treat a new interactive shell (`sudo -i`, `sudo su`, `su -`) as bash does
//! a nested shell in exec mode: nothing runs and it returns. Other users are asked for a
//! password that never matches: without a terminal `sudo` refuses as the real one does.

use super::{Interp, Io, Res};
use crate::commands::accounts::Accounts;
use crate::persona::User;

const SUDO_USAGE: &str = "usage: sudo -h | -K | -k | -V\nusage: sudo -v [-ABkNnS] [-g group] [-h host] [-p prompt] [-u user]\nusage: sudo -l [-ABkNnS] [-g group] [-h host] [-p prompt] [-U user] [-u user] [command [arg ...]]\nusage: sudo [-ABbEHkNnPS] [-r role] [-t type] [-C num] [-D directory] [-g group] [-h host] [-p prompt] [-R directory] [-T timeout] [-u user] [VAR=value] [-i | -s] [command [arg ...]]\nusage: sudo -e [-ABkNnS] [-r role] [-t type] [-C num] [-D directory] [-g group] [-h host] [-p prompt] [-R directory] [-T timeout] [-u user] file ...\n";
const SUDO_VERSION: &str = "Sudo version 1.9.13p3\nSudoers policy plugin version 1.9.13p3\nSudoers file grammar version 50\nSudoers I/O plugin version 1.9.13p3\nSudoers audit plugin version 1.9.13p3\n";
const SU_HELP: &str = include_str!("../commands/adminhelp/su.help");

impl Interp {
    /// Runs `sudo`/`su` when `canon` is one of them; `None` for anything else.
    pub(crate) fn run_privileged(
        &mut self,
        canon: &str,
        argv: &[String],
        io: &Io,
    ) -> Res<Option<i32>> {
        match canon {
            "/usr/bin/sudo" => self.sudo(argv, io).map(Some),
            "/usr/bin/su" => self.su(argv, io).map(Some),
            _ => Ok(None),
        }
    }

    fn sudo(&mut self, argv: &[String], io: &Io) -> Res<i32> {
        let mut i = 1;
        let (mut list, mut shell, mut stdin_pw, mut non_inter) = (false, false, false, false);
        let mut target = "root".to_string();
        while let Some(a) = argv.get(i) {
            if a == "--" {
                i += 1;
                break;
            }
            if !a.starts_with('-') || a.len() < 2 {
                break;
            }
            if let Some(long) = a.strip_prefix("--") {
                match long {
                    "help" => {
                        self.emit_str(
                            io,
                            1,
                            &format!("sudo - execute a command as another user\n\n{SUDO_USAGE}"),
                        );
                        return Ok(0);
                    }
                    "version" => {
                        self.emit_str(io, 1, SUDO_VERSION);
                        return Ok(0);
                    }
                    "list" => list = true,
                    "login" | "shell" => shell = true,
                    "stdin" => stdin_pw = true,
                    "non-interactive" => non_inter = true,
                    l if l.starts_with("user=") => {
                        target = l.trim_start_matches("user=").to_string()
                    }
                    "user" => {
                        i += 1;
                        target = argv.get(i).cloned().unwrap_or_default();
                    }
                    "preserve-env" | "set-home" | "reset-timestamp" | "background" => {}
                    _ => {
                        self.emit_str(
                            io,
                            2,
                            &format!("sudo: unrecognized option '{a}'\n{SUDO_USAGE}"),
                        );
                        return Ok(1);
                    }
                }
                i += 1;
                continue;
            }
            let mut chars = a.chars().skip(1).peekable();
            while let Some(c) = chars.next() {
                match c {
                    'l' => list = true,
                    'i' | 's' => shell = true,
                    'S' => stdin_pw = true,
                    'n' => non_inter = true,
                    'V' => {
                        self.emit_str(io, 1, SUDO_VERSION);
                        return Ok(0);
                    }
                    'h' => {
                        self.emit_str(
                            io,
                            1,
                            &format!("sudo - execute a command as another user\n\n{SUDO_USAGE}"),
                        );
                        return Ok(0);
                    }
                    'k' | 'K' | 'E' | 'H' | 'b' | 'P' | 'A' | 'B' | 'v' => {}
                    'u' | 'g' | 'p' | 'C' | 'D' | 'r' | 't' | 'T' | 'R' | 'U' => {
                        let rest: String = chars.by_ref().collect();
                        let val = if rest.is_empty() {
                            i += 1;
                            argv.get(i).cloned().unwrap_or_default()
                        } else {
                            rest
                        };
                        if c == 'u' {
                            target = val;
                        }
                    }
                    _ => {
                        self.emit_str(
                            io,
                            2,
                            &format!("sudo: invalid option -- '{c}'\n{SUDO_USAGE}"),
                        );
                        return Ok(1);
                    }
                }
            }
            i += 1;
        }
        let cmd: Vec<String> = argv.get(i..).unwrap_or(&[]).to_vec();
        if cmd.is_empty() && !list && !shell {
            self.emit_str(io, 2, SUDO_USAGE);
            return Ok(1);
        }
        if self.user.uid != 0 {
            return Ok(self.sudo_password(io, stdin_pw, non_inter));
        }
        let host = self.persona.hostname.clone();
        if list {
            let name = self.user.name.clone();
            self.emit_str(io, 1, &format!("Matching Defaults entries for {name} on {host}:\n    env_reset, mail_badpass, secure_path=/usr/local/sbin\\:/usr/local/bin\\:/usr/sbin\\:/usr/bin\\:/sbin\\:/bin, use_pty\n\nUser {name} may run the following commands on {host}:\n    (ALL : ALL) ALL\n"));
            return Ok(0);
        }
        let acc = Accounts::load(&self.fs, &self.persona);
        let Some(user) = acc.user_or_uid(target.trim_start_matches('#')).cloned() else {
            self.emit_str(io, 2, &format!("sudo: unknown user {target}\nsudo: error initializing audit plugin sudoers_audit\n"));
            return Ok(1);
        };
        if cmd.is_empty() {
            return Ok(0);
        }
        if let Some(name) = cmd.first()
            && !name.contains('/')
            && self.path_lookup(name).is_none()
        {
            self.emit_str(io, 2, &format!("sudo: {name}: command not found\n"));
            return Ok(1);
        }
        self.as_user(user, |s| s.run_program(&cmd, io))
    }

    fn sudo_password(&mut self, io: &Io, stdin_pw: bool, non_inter: bool) -> i32 {
        if non_inter {
            self.emit_str(io, 2, "sudo: a password is required\n");
            return 1;
        }
        if !stdin_pw && self.session.tty.is_none() {
            self.emit_str(io, 2, "sudo: a terminal is required to read the password; either use the -S option to read from standard input or configure an askpass helper\nsudo: a password is required\n");
            return 1;
        }
        let input = if stdin_pw {
            self.take_stdin(io)
        } else {
            Vec::new()
        };
        let mut lines = input.split(|&b| b == b'\n');
        let prompt = format!("[sudo] password for {}: ", self.user.name);
        for attempt in 0..3 {
            self.emit_str(io, 2, &prompt);
            if lines.next().is_none_or(<[u8]>::is_empty) && attempt == 0 {
                self.emit_str(
                    io,
                    2,
                    "\nsudo: no password was provided\nsudo: a password is required\n",
                );
                return 1;
            }
            self.emit_str(io, 2, "\n");
            if attempt < 2 {
                self.emit_str(io, 2, "Sorry, try again.\n");
            }
        }
        self.emit_str(io, 2, "sudo: 3 incorrect password attempts\n");
        1
    }

    fn su(&mut self, argv: &[String], io: &Io) -> Res<i32> {
        let mut i = 1;
        let mut command: Option<String> = None;
        let mut login = false;
        let mut names = Vec::new();
        while let Some(a) = argv.get(i) {
            match a.as_str() {
                "-" | "-l" | "--login" => login = true,
                "-c" | "--command" => {
                    i += 1;
                    command = argv.get(i).cloned();
                    if command.is_none() {
                        self.emit_str(io, 2, "su: option requires an argument -- 'c'\nTry 'su --help' for more information.\n");
                        return Ok(1);
                    }
                }
                "-s"
                | "--shell"
                | "-g"
                | "--group"
                | "-G"
                | "--supp-group"
                | "-w"
                | "--whitelist-environment" => i += 1,
                "-m" | "-p" | "--preserve-environment" | "-f" | "-P" | "--pty" => {}
                "-h" | "--help" => {
                    self.emit_str(io, 1, SU_HELP);
                    return Ok(0);
                }
                "-V" | "--version" => {
                    self.emit_str(io, 1, "su from util-linux 2.38.1\n");
                    return Ok(0);
                }
                s if s.starts_with("--command=") => {
                    command = Some(s.trim_start_matches("--command=").to_string());
                }
                s if s.starts_with("-c") => command = Some(s.get(2..).unwrap_or("").to_string()),
                s if s.starts_with("--") => {
                    self.emit_str(
                        io,
                        2,
                        &format!(
                            "su: unrecognized option '{s}'\nTry 'su --help' for more information.\n"
                        ),
                    );
                    return Ok(1);
                }
                s if s.starts_with('-') => {
                    let c = s.chars().nth(1).unwrap_or('-');
                    self.emit_str(
                        io,
                        2,
                        &format!(
                            "su: invalid option -- '{c}'\nTry 'su --help' for more information.\n"
                        ),
                    );
                    return Ok(1);
                }
                s => names.push(s.to_string()),
            }
            i += 1;
        }
        let target = names.first().cloned().unwrap_or_else(|| "root".into());
        let acc = Accounts::load(&self.fs, &self.persona);
        let Some(user) = acc.user(&target).cloned() else {
            self.emit_str(io, 2, &format!("su: user {target} does not exist or the user entry does not contain all the required fields\n"));
            return Ok(1);
        };
        if self.user.uid != 0 {
            let _ = self.take_stdin(io);
            self.emit_str(io, 2, "Password: ");
            self.emit_str(io, 2, "su: Authentication failure\n");
            return Ok(1);
        }
        let Some(cmd) = command else {
            return Ok(0);
        };
        let _ = login;
        let shell_args: Vec<String> = names.get(1..).unwrap_or(&[]).to_vec();
        self.as_user(user, |s| {
            s.run_child_shell(&cmd, "bash", false, true, &shell_args, io)
        })
    }

    /// Runs `f` as `user` (ids, `USER`, `LOGNAME`, `HOME`), then switches back.
    fn as_user(&mut self, user: User, f: impl FnOnce(&mut Self) -> Res<i32>) -> Res<i32> {
        if user.uid == self.user.uid && user.name == self.user.name {
            return f(self);
        }
        let saved_vars: Vec<(&str, Option<String>)> = ["USER", "LOGNAME", "HOME"]
            .iter()
            .map(|k| (*k, self.st.env.get(k).map(str::to_string)))
            .collect();
        self.st.env.export("USER", &user.name);
        self.st.env.export("LOGNAME", &user.name);
        self.st.env.export("HOME", &user.home);
        let saved = std::mem::replace(&mut self.user, user);
        let r = f(self);
        self.user = saved;
        for (k, v) in saved_vars {
            if let Some(v) = v {
                self.st.env.export(k, &v);
            }
        }
        r
    }
}
