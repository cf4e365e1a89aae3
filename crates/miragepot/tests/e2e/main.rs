//! End-to-end tests: the real `miragepot` binary on 127.0.0.1:0, driven by the real OpenSSH
//! client (`ssh` exec and `ssh -tt` pty, `sftp`, `scp -O`) and by a Rust SSH client (russh),
//! then the events checked in SQLite and in the JSON log.

// Test code: a failed expectation should panic with its message, and driving the real
// binary and the OpenSSH client takes processes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::disallowed_methods,
    clippy::disallowed_types
)]

mod abuse;
mod detect;
mod llm;
mod policy;
mod util;
mod web;

use std::sync::Arc;
use std::time::Duration;

use russh::ChannelMsg;
use util::{Server, ssh_cmd, ssh_exec, ssh_pty};

const BOT_ONE_LINER: &str = "cd ~ && rm -rf .ssh && mkdir .ssh && echo \"ssh-rsa AAAAB3NzaC1yc2EAAAABJQAAAQEArDp4cun2lhr4KUhBGE7VvAcwdli2a8dbnrTOrbMz1+5O73fcBOx8NVbUT0bUanUV9tJ2/9p7+vD0EpZ3Tz/+0kX34uAx1RV/75GVOmNx+9EuWOnvNoaJe0QXxziIg9eLBHpgLMuakb5+BgTFB+rKJAw9u9FSTDengvS8hX1kNFS4Mjux0hJOK8rvcEmPecjdySYMb66nylAKGwCEE6WEQHmd1mUPgHwGQ0hWCwsQk13yCGPK5w6hYp5zYkFnvlC8hGmd4Ww+u97k6pfTGTUbJk14ujvcD9iUKQTTWYYjIIu5PmUux5bsZ0R4WFwdIe6+i6rBLAsPKgAySVKPRK+oRw== mdrfckr\">>.ssh/authorized_keys && chmod -R go= ~/.ssh && cd ~";

#[test]
fn exec_commands_answer_like_debian() {
    let mut s = Server::start();
    let (out, err, code) = ssh_exec(&s, "uname -a");
    assert_eq!(code, 0, "stderr: {err}");
    assert!(
        out.starts_with("Linux web-prod-02 6.1.0-41-amd64 #1 SMP PREEMPT_DYNAMIC Debian"),
        "{out}"
    );
    assert!(out.trim_end().ends_with("x86_64 GNU/Linux"), "{out}");

    let (out, _, code) = ssh_exec(&s, "cd /tmp; echo hi > a; cat a");
    assert_eq!((out.as_str(), code), ("hi\n", 0));

    let (out, _, code) = ssh_exec(&s, "ls -la /etc");
    assert_eq!(code, 0);
    assert!(out.starts_with("total "), "{out}");
    let cols = |l: &str| l.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    assert!(
        out.lines().any(|l| {
            let c = cols(l);
            c.len() == 9
                && c[0] == "-rw-r--r--"
                && c[1] == "1"
                && c[2] == "root"
                && c[8] == "passwd"
        }),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("drwxr-xr-x") && l.ends_with(" ssh")),
        "{out}"
    );

    let (out, err, code) = ssh_exec(&s, "lockr -ia .ssh");
    assert_eq!(
        (out.as_str(), err.as_str(), code),
        ("", "bash: line 1: lockr: command not found\n", 127)
    );

    let (out, err, code) = ssh_exec(&s, BOT_ONE_LINER);
    assert_eq!((out.as_str(), err.as_str(), code), ("", "", 0));

    s.stop();
    let events = s.json_events();
    let inputs: Vec<&str> = events
        .iter()
        .filter(|e| e["type"] == "command_input")
        .map(|e| e["input"].as_str().unwrap())
        .collect();
    assert!(inputs.contains(&"uname -a"));
    assert!(inputs.contains(&BOT_ONE_LINER));
    let not_found = events
        .iter()
        .find(|e| e["type"] == "command_result" && e["input"] == "lockr -ia .ssh")
        .expect("command_result for lockr");
    assert_eq!(not_found["exit_code"], 127);
    assert_eq!(
        not_found["output"],
        "bash: line 1: lockr: command not found\n"
    );
    // The bot's authorized_keys was captured as an artifact.
    let written = events
        .iter()
        .find(|e| e["type"] == "file_written" && e["path"] == "/root/.ssh/authorized_keys")
        .expect("file_written for authorized_keys");
    let sha = written["sha256"].as_str().unwrap();
    let stored = std::fs::read(s.data.path().join("artifacts").join(sha)).expect("artifact stored");
    assert!(String::from_utf8_lossy(&stored).contains("mdrfckr"));
}

#[test]
fn interactive_pty_session_is_recorded() {
    let mut s = Server::start();
    let out = ssh_pty(&s, "uname -a\ncd /tmp\necho hi > a\ncat a\npwd\nexit\n");
    assert!(
        out.contains("Debian GNU/Linux comes with ABSOLUTELY NO WARRANTY"),
        "{out}"
    );
    assert!(out.contains("root@web-prod-02:~# "), "{out}");
    assert!(out.contains("root@web-prod-02:/tmp# "), "{out}");
    assert!(out.contains("\rhi\r\n"), "{out}");
    assert!(out.contains("logout"), "{out}");
    s.stop();
    let events = s.json_events();
    assert!(
        events
            .iter()
            .any(|e| e["type"] == "pty_request" && e["cols"].as_u64().unwrap() > 0)
    );
    assert!(
        events
            .iter()
            .any(|e| e["type"] == "shell_start" && e["pty"] == true)
    );
    let cat = events
        .iter()
        .find(|e| e["type"] == "command_result" && e["input"] == "cat a")
        .expect("cat a result");
    assert_eq!(cat["output"], "hi\n");
    assert_eq!(cat["exit_code"], 0);
    let rec = events
        .iter()
        .find(|e| e["type"] == "session_recording_closed")
        .expect("recording");
    let path = s.data.path().join(rec["path"].as_str().unwrap());
    let cast = std::fs::read_to_string(path).unwrap();
    let header: serde_json::Value = serde_json::from_str(cast.lines().next().unwrap()).unwrap();
    assert_eq!(header["version"], 2);
    assert!(cast.contains("ABSOLUTELY NO WARRANTY"));
}

#[test]
fn sftp_and_scp_uploads_land_in_the_session_and_the_artifact_store() {
    let mut s = Server::start();
    let local = s.data.path().join("payload.bin");
    let payload: Vec<u8> = (0..50_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&local, &payload).unwrap();
    let batch = s.data.path().join("batch.txt");
    std::fs::write(
        &batch,
        format!("put {} /tmp/payload.bin\nls -l /tmp\n", local.display()),
    )
    .unwrap();
    let mut sftp = std::process::Command::new("sftp");
    let ssh = ssh_cmd(&s, "root", "123456");
    // Reuse the ssh options (askpass and all) for sftp.
    for (k, v) in ssh.get_envs() {
        if let Some(v) = v {
            sftp.env(k, v);
        }
    }
    let args: Vec<String> = ssh
        .get_args()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let port = s.port().to_string();
    // sftp -b turns BatchMode on, which disables password prompts; an earlier -o wins.
    let mut opts: Vec<String> = vec!["-o".into(), "BatchMode=no".into()];
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-o" | "-F" => {
                opts.push(args[i].clone());
                opts.push(args[i + 1].clone());
                i += 2;
            }
            "-p" => i += 2,
            _ => i += 1,
        }
    }
    let out = sftp
        .args(&opts)
        .args(["-P", &port, "-b"])
        .arg(&batch)
        .arg("root@127.0.0.1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "sftp failed: {stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("payload.bin"), "{stdout}");

    let mut scp = std::process::Command::new("scp");
    for (k, v) in ssh.get_envs() {
        if let Some(v) = v {
            scp.env(k, v);
        }
    }
    let out = scp
        .args(&opts)
        .args(["-O", "-P", &port])
        .arg(&local)
        .arg("root@127.0.0.1:/tmp/via-scp.bin")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "scp failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    s.stop();

    let sha = miragepot_runtime::artifacts::ArtifactStore::hash(&payload);
    let events = s.json_events();
    for (path, via) in [("/tmp/payload.bin", "sftp"), ("/tmp/via-scp.bin", "scp")] {
        let up = events
            .iter()
            .find(|e| e["type"] == "file_uploaded" && e["path"] == path)
            .unwrap_or_else(|| panic!("no file_uploaded for {path}"));
        assert_eq!(up["sha256"], sha.as_str());
        assert_eq!(up["size"], payload.len() as u64);
        assert_eq!(up["via"], via);
    }
    assert_eq!(
        std::fs::read(s.data.path().join("artifacts").join(&sha)).unwrap(),
        payload
    );
}

struct Client;

impl russh::client::Handler for Client {
    type Error = russh::Error;
    async fn check_server_key(
        &mut self,
        _key: &russh::keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

async fn connect(s: &Server) -> russh::client::Handle<Client> {
    let cfg = Arc::new(russh::client::Config::default());
    let mut h = russh::client::connect(cfg, s.addr, Client)
        .await
        .expect("connect");
    let auth = h
        .authenticate_password("root", "hunter2")
        .await
        .expect("auth");
    assert!(auth.success());
    h
}

/// A session channel with an 80x24 xterm pty and a shell (no replies awaited).
async fn pty_shell(h: &russh::client::Handle<Client>) -> russh::Channel<russh::client::Msg> {
    let ch = h.channel_open_session().await.expect("session channel");
    ch.request_pty(false, "xterm", 80, 24, 0, 0, &[])
        .await
        .expect("pty");
    ch.request_shell(false).await.expect("shell");
    ch
}

async fn exec(h: &russh::client::Handle<Client>, cmd: &str) -> (String, String, Option<u32>) {
    let mut ch = h.channel_open_session().await.expect("session channel");
    ch.exec(true, cmd).await.expect("exec");
    let (mut out, mut err, mut code) = (Vec::new(), Vec::new(), None);
    while let Some(msg) = tokio::time::timeout(Duration::from_secs(10), ch.wait())
        .await
        .expect("timely answer")
    {
        match msg {
            ChannelMsg::Data { data } => out.extend_from_slice(&data),
            ChannelMsg::ExtendedData { data, ext: 1 } => err.extend_from_slice(&data),
            ChannelMsg::ExitStatus { exit_status } => code = Some(exit_status),
            _ => {}
        }
    }
    (
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
        code,
    )
}

#[test]
fn parallel_sessions_are_isolated_and_forwarding_is_refused() {
    let mut s = Server::start();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let (a, b) = tokio::join!(connect(&s), connect(&s));
        let (_, _, code) = exec(&a, "echo secret-a > /tmp/mine; mkdir /tmp/dir-a").await;
        assert_eq!(code, Some(0));
        let (_, _, code) = exec(&b, "echo secret-b > /tmp/mine").await;
        assert_eq!(code, Some(0));
        assert_eq!(exec(&a, "cat /tmp/mine").await.0, "secret-a\n");
        assert_eq!(exec(&b, "cat /tmp/mine").await.0, "secret-b\n");
        let (out, err, code) = exec(&b, "ls /tmp/dir-a").await;
        assert_eq!(out, "");
        assert_eq!(
            err,
            "ls: cannot access '/tmp/dir-a': No such file or directory\n"
        );
        assert_eq!(code, Some(2));
        let fwd = a
            .channel_open_direct_tcpip("example.org", 80, "10.9.8.7", 4444)
            .await;
        assert!(fwd.is_err(), "direct-tcpip must be refused");
        let tcpip = a.tcpip_forward("0.0.0.0", 8080).await;
        assert!(tcpip.is_err(), "tcpip-forward must be refused");
    });
    drop(rt);
    s.stop();
    let events = s.json_events();
    let fwd = events
        .iter()
        .find(|e| e["type"] == "forward_request" && e["kind"] == "direct_tcpip")
        .expect("forward event");
    assert_eq!(fwd["host"], "example.org");
    assert_eq!(fwd["port"], 80);
    assert!(
        events
            .iter()
            .any(|e| e["type"] == "forward_request" && e["kind"] == "tcpip_forward")
    );
    let pw: Vec<_> = events
        .iter()
        .filter(|e| e["type"] == "auth_attempt" && e["password"] == "hunter2")
        .collect();
    assert_eq!(pw.len(), 2);
    assert!(
        pw.iter()
            .all(|e| e["success"] == true && e["username"] == "root")
    );
}

#[test]
fn malformed_identification_is_answered_like_openssh() {
    use std::io::{Read, Write};
    let mut s = Server::start();
    for (probe, reply) in [
        (
            &b"GET / HTTP/1.0\r\n\r\n"[..],
            "Invalid SSH identification string.",
        ),
        (
            &b"SSH-1.5-Old\r\n"[..],
            "Protocol major versions differ.\r\n",
        ),
    ] {
        let mut c = std::net::TcpStream::connect(s.addr).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        c.write_all(probe).unwrap();
        let mut got = Vec::new();
        let _ = c.read_to_end(&mut got);
        let text = String::from_utf8_lossy(&got);
        assert!(
            text.starts_with("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\r\n"),
            "{text:?}"
        );
        assert!(text.contains(reply), "{text:?}");
    }
    s.stop();
    let events = s.json_events();
    assert!(
        events
            .iter()
            .any(|e| e["type"] == "client_version" && e["version"] == "GET / HTTP/1.0")
    );
    assert!(
        events
            .iter()
            .any(|e| e["type"] == "session_end" && e["reason"] == "bad_identification")
    );
}

#[test]
fn events_land_in_sqlite_with_hassh_and_credentials() {
    let mut s = Server::start();
    let (out, _, _) = ssh_exec(&s, "whoami");
    assert_eq!(out, "root\n");
    s.stop();
    let url = s.db_url();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = miragepot_store::Store::open(&url).await.unwrap();
        let sessions = store.sessions(10, 0).await.unwrap();
        assert_eq!(sessions.len(), 1);
        let row = &sessions[0];
        assert_eq!(row.username.as_deref(), Some("root"));
        assert_eq!(row.password.as_deref(), Some("123456"));
        assert!(row.login_success);
        assert!(
            row.client_version
                .as_deref()
                .unwrap_or("")
                .starts_with("SSH-2.0-OpenSSH_")
        );
        assert_eq!(row.hassh.as_deref().map(str::len), Some(32));
        assert_eq!(row.end_reason.as_deref(), Some("shell_exit"));
        let events = store.session_events(row.session).await.unwrap();
        let types: Vec<&str> = events.iter().map(|e| e.type_name()).collect();
        assert_eq!(types.first(), Some(&"session_start"));
        assert_eq!(types.last(), Some(&"session_end"));
        for t in [
            "client_version",
            "client_kex",
            "auth_attempt",
            "command_input",
            "command_result",
        ] {
            assert!(types.contains(&t), "missing {t} in {types:?}");
        }
        // The JSON log holds exactly the same events.
        let json_ids: std::collections::HashSet<String> = s
            .json_events()
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_string())
            .collect();
        for e in &events {
            assert!(json_ids.contains(&e.id.to_string()));
        }
        assert_eq!(json_ids.len(), events.len());
    });
}

#[test]
fn listed_credentials_only_and_failures_keep_offering_both_methods() {
    let mut s = Server::start_with(&[
        ("MIRAGEPOT_AUTH_MODE", "hybrid"),
        ("MIRAGEPOT_AUTH_BAIT", "[\"root:1234\"]"),
    ]);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let cfg = Arc::new(russh::client::Config::default());
        let mut h = russh::client::connect(cfg, s.addr, Client)
            .await
            .expect("connect");
        match h
            .authenticate_password("root", "wrong")
            .await
            .expect("auth")
        {
            russh::client::AuthResult::Failure {
                remaining_methods,
                partial_success,
            } => {
                assert!(!partial_success);
                let names: Vec<_> = remaining_methods.iter().collect();
                assert_eq!(
                    names,
                    vec![&russh::MethodKind::PublicKey, &russh::MethodKind::Password],
                    "sshd keeps offering publickey,password after a failure"
                );
            }
            other => panic!("wrong password accepted: {other:?}"),
        }
        assert!(
            h.authenticate_password("root", "1234")
                .await
                .expect("auth")
                .success()
        );
    });
    drop(rt);
    s.stop();
    let attempts: Vec<(String, bool, String)> = s
        .json_events()
        .iter()
        .filter(|e| e["type"] == "auth_attempt" && e["method"] == "password")
        .map(|e| {
            (
                e["password"].as_str().unwrap().to_string(),
                e["success"].as_bool().unwrap(),
                e["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        attempts,
        vec![
            ("wrong".to_string(), false, "hybrid:reject".to_string()),
            ("1234".to_string(), true, "hybrid:bait".to_string())
        ]
    );
}

#[test]
fn sigterm_ends_open_sessions_and_flushes_their_events() {
    let mut s = Server::start();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let h = rt.block_on(async {
        let h = connect(&s).await;
        let ch = h.channel_open_session().await.unwrap();
        ch.request_pty(true, "xterm", 80, 24, 0, 0, &[])
            .await
            .unwrap();
        ch.request_shell(true).await.unwrap();
        ch.data_bytes(&b"echo still-here\r"[..]).await.unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
        (h, ch)
    });
    s.stop();
    drop(h);
    drop(rt);
    let events = s.json_events();
    assert!(
        events
            .iter()
            .any(|e| e["type"] == "command_result" && e["input"] == "echo still-here")
    );
    let end = events
        .iter()
        .find(|e| e["type"] == "session_end")
        .expect("session_end flushed");
    assert_eq!(end["reason"], "server_shutdown");
    assert!(
        events
            .iter()
            .any(|e| e["type"] == "session_recording_closed")
    );
}

#[test]
fn sigterm_closes_an_openssh_session_the_way_sshd_does() {
    use std::io::Read;
    let mut s = Server::start();
    let mut child = ssh_cmd(&s, "root", "x")
        .arg("-tt")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    std::io::Write::write_all(&mut stdin, b"echo ready\r").unwrap();
    // Wait for the shell to answer, then stop the server under the open session.
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut all = Vec::new();
        let _ = stdout.read_to_end(&mut all);
        all
    });
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !s
        .json_events()
        .iter()
        .any(|e| e["type"] == "command_result" && e["input"] == "echo ready")
    {
        assert!(std::time::Instant::now() < deadline, "no answer");
        std::thread::sleep(Duration::from_millis(100));
    }
    s.stop();
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    drop(stdin);
    let _ = reader.join();
    assert_eq!(status.code(), Some(255));
    assert!(err.contains("closed by remote host"), "{err}");
    assert!(!err.contains("Received disconnect"), "{err}");
    let end = s
        .json_events()
        .into_iter()
        .find(|e| e["type"] == "session_end")
        .expect("session_end");
    assert_eq!(end["reason"], "server_shutdown");
}
