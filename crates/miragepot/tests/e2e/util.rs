//! Test harness: runs the real `miragepot` binary on 127.0.0.1:0 with a temporary data dir,
//! and drives it with the real OpenSSH client and a Rust SSH client (russh).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Host keys generated once per test binary (RSA 3072 generation is slow in debug builds).
fn shared_hostkeys() -> &'static Path {
    static KEYS: OnceLock<PathBuf> = OnceLock::new();
    KEYS.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("miragepot-test-keys-{}", std::process::id()));
        miragepot_ssh::hostkeys::load_or_create(&dir).expect("host keys");
        dir
    })
}

/// A running server.
pub struct Server {
    pub child: Option<Child>,
    pub addr: SocketAddr,
    /// The dashboard's base URL (`http://127.0.0.1:PORT`) when it is enabled.
    pub web: Option<String>,
    /// The first analyst's password, printed once at the first start.
    pub admin_password: Option<String>,
    pub data: tempfile::TempDir,
    pub stderr: Option<std::thread::JoinHandle<String>>,
}

impl Server {
    pub fn start() -> Server {
        Self::start_with(&[])
    }

    pub fn start_with(extra_env: &[(&str, &str)]) -> Server {
        let data = tempfile::tempdir().expect("tempdir");
        let keys = data.path().join("hostkeys");
        std::fs::create_dir_all(&keys).unwrap();
        for e in std::fs::read_dir(shared_hostkeys()).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), keys.join(e.file_name())).unwrap();
        }
        let (child, started, stderr) = spawn(data.path(), extra_env);
        Server {
            child: Some(child),
            addr: started.addr,
            web: started.web,
            admin_password: started.admin_password,
            data,
            stderr: Some(stderr),
        }
    }

    /// Stops the server (SIGTERM, checked) and starts it again on the same data dir with
    /// `extra_env`; returns the first run's stderr.
    pub fn restart_with(&mut self, extra_env: &[(&str, &str)]) -> String {
        // After a kill -9 (the child taken) there is nothing to stop.
        let stderr = if self.child.is_some() {
            self.stop()
        } else {
            String::new()
        };
        let (child, started, err) = spawn(self.data.path(), extra_env);
        self.child = Some(child);
        self.addr = started.addr;
        self.web = started.web;
        self.stderr = Some(err);
        stderr
    }

    /// Runs a `miragepot` subcommand on this server's data dir; returns (stdout, stderr, ok).
    pub fn cli(&self, args: &[&str]) -> (String, String, bool) {
        cli_in(self.data.path(), args, &[])
    }

    /// Sends `signal` (`HUP`, ...) to the server.
    pub fn signal(&self, signal: &str) {
        let pid = self.child.as_ref().expect("running").id().to_string();
        assert!(
            Command::new("kill")
                .args([&format!("-{signal}"), &pid])
                .status()
                .unwrap()
                .success()
        );
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// SIGTERM, then wait: the server must flush every event and exit 0.
    pub fn stop(&mut self) -> String {
        let mut child = self.child.take().expect("running");
        let pid = child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            assert!(
                Instant::now() < deadline,
                "server did not stop after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        let stderr = self
            .stderr
            .take()
            .map(|h| h.join().unwrap())
            .unwrap_or_default();
        assert!(status.success(), "server exited with {status}: {stderr}");
        stderr
    }

    /// Every event of the JSON log.
    pub fn json_events(&self) -> Vec<serde_json::Value> {
        let text = std::fs::read_to_string(self.data.path().join("log/miragepot.json"))
            .unwrap_or_default();
        text.lines()
            .map(|l| serde_json::from_str(l).expect("valid JSON line"))
            .collect()
    }

    /// The server's `stats.json` (written every 10 s and at shutdown).
    pub fn stats(&self) -> serde_json::Value {
        let text =
            std::fs::read_to_string(self.data.path().join("stats.json")).expect("stats.json");
        serde_json::from_str(&text).expect("valid stats.json")
    }

    pub fn db_url(&self) -> String {
        format!(
            "sqlite://{}",
            self.data.path().join("miragepot.db").display()
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// What `serve` printed at start.
struct Started {
    addr: SocketAddr,
    web: Option<String>,
    admin_password: Option<String>,
}

/// Starts `miragepot serve` on `data` with `extra_env`; waits for its listening lines. The
/// dashboard is off unless `extra_env` turns it on (`MIRAGEPOT_WEB_ENABLED=true`), and then
/// listens on an ephemeral port.
fn spawn(
    data: &Path,
    extra_env: &[(&str, &str)],
) -> (Child, Started, std::thread::JoinHandle<String>) {
    let web_on = extra_env
        .iter()
        .any(|(k, v)| *k == "MIRAGEPOT_WEB_ENABLED" && *v == "true");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_miragepot"));
    cmd.arg("serve")
        .env("MIRAGEPOT_WEB_ENABLED", "false")
        .env("MIRAGEPOT_WEB_LISTEN", "127.0.0.1:0")
        .env("MIRAGEPOT_SSH_LISTEN", "127.0.0.1:0")
        .env("MIRAGEPOT_SENSOR_DATA_DIR", data)
        .env("MIRAGEPOT_SENSOR_NAME", "e2e")
        .env("MIRAGEPOT_SSH_AUTH_FAILURE_DELAY_MS", "100")
        .env("MIRAGEPOT_LOG_LEVEL", "warn")
        .env_remove("MIRAGEPOT_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn miragepot");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let mut err = child.stderr.take().unwrap();
    let stderr = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let mut started = Started {
        addr: SocketAddr::from(([0, 0, 0, 0], 0)),
        web: None,
        admin_password: None,
    };
    let mut ssh = false;
    while !ssh || (web_on && started.web.is_none()) {
        let Some(Ok(line)) = lines.next() else {
            let _ = child.kill();
            panic!(
                "server stopped printing: {}",
                stderr.join().unwrap_or_default()
            );
        };
        if let Some(a) = line.strip_prefix("miragepot: SSH listening on ") {
            started.addr = a.parse().unwrap();
            ssh = true;
        } else if let Some(u) = line.strip_prefix("miragepot: dashboard on ") {
            started.web = Some(u.to_string());
        } else if let Some(rest) =
            line.strip_prefix("miragepot: dashboard analyst created: user admin password ")
        {
            started.admin_password = rest.split_whitespace().next().map(str::to_string);
        } else {
            panic!("unexpected line: {line}");
        }
    }
    std::thread::spawn(move || for _ in lines {});
    (child, started, stderr)
}

fn askpass(dir: &Path, password: &str) -> PathBuf {
    let p = dir.join(format!("askpass-{}.sh", password.len()));
    std::fs::write(&p, format!("#!/bin/sh\nprintf '%s\\n' '{password}'\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    p
}

/// An OpenSSH `ssh` command for this server, logging in with a password via SSH_ASKPASS.
pub fn ssh_cmd(server: &Server, user: &str, password: &str) -> Command {
    let mut c = Command::new("ssh");
    c.env("SSH_ASKPASS", askpass(server.data.path(), password))
        .env("SSH_ASKPASS_REQUIRE", "force")
        .env("DISPLAY", ":0")
        .args([
            "-F",
            "/dev/null",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "LogLevel=ERROR",
            "-o",
            "PreferredAuthentications=password",
            "-o",
            "PubkeyAuthentication=no",
            "-o",
            "NumberOfPasswordPrompts=1",
            "-o",
            "ConnectTimeout=10",
            "-p",
        ])
        .arg(server.port().to_string())
        .arg(format!("{user}@127.0.0.1"));
    c
}

/// Runs a `miragepot` subcommand on the data dir `data` with `env` added; returns (stdout,
/// stderr, ok).
pub fn cli_in(data: &Path, args: &[&str], env: &[(&str, &str)]) -> (String, String, bool) {
    let out = Command::new(env!("CARGO_BIN_EXE_miragepot"))
        .args(args)
        .env("MIRAGEPOT_SENSOR_DATA_DIR", data)
        .env("MIRAGEPOT_LOG_LEVEL", "warn")
        .env_remove("MIRAGEPOT_CONFIG")
        .envs(env.iter().copied())
        .output()
        .expect("run miragepot");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.success(),
    )
}

/// Runs `ssh host 'cmd'` (exec) and returns (stdout, stderr, exit code).
pub fn ssh_exec(server: &Server, cmd: &str) -> (String, String, i32) {
    let out = ssh_cmd(server, "root", "123456")
        .arg(cmd)
        .stdin(Stdio::null())
        .output()
        .expect("run ssh");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// Runs an interactive session with a remote pty (`ssh -tt`), typing `input`.
pub fn ssh_pty(server: &Server, input: &str) -> String {
    let mut child = ssh_cmd(server, "root", "123456")
        .arg("-tt")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ssh");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_string();
    let writer = std::thread::spawn(move || {
        // Give the shell time to print its prompt, then type line by line.
        std::thread::sleep(Duration::from_millis(500));
        for line in input.split_inclusive('\n') {
            stdin
                .write_all(line.replace('\n', "\r").as_bytes())
                .unwrap();
            stdin.flush().unwrap();
            std::thread::sleep(Duration::from_millis(150));
        }
        stdin
    });
    let out = child.wait_with_output().expect("ssh output");
    drop(writer.join());
    String::from_utf8_lossy(&out.stdout).into_owned()
}
