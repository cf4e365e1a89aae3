//! The access policy end to end: each auth mode with real clients from distinct loopback
//! addresses (127.0.0.2, .3, ...: Linux routes all of 127/8 to lo), strike blocks and their
//! TTL, bait credentials, operator block/unblock through the CLI while the server runs, a
//! restart keeping blocks, per-address caps, session limits, SIGHUP and password redaction.

use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use russh::ChannelMsg;

use super::Client;
use super::util::{Server, ssh_cmd};

/// A russh client connection from source address `src`; an error when the server closes
/// the connection before the SSH handshake (a refusal at accept).
pub(crate) async fn connect_from(
    s: &Server,
    src: &str,
) -> Result<russh::client::Handle<Client>, String> {
    let sock = tokio::net::TcpSocket::new_v4().map_err(|e| e.to_string())?;
    sock.bind(format!("{src}:0").parse().unwrap())
        .map_err(|e| e.to_string())?;
    let stream = sock.connect(s.addr).await.map_err(|e| e.to_string())?;
    let cfg = Arc::new(russh::client::Config::default());
    tokio::time::timeout(
        Duration::from_secs(10),
        russh::client::connect_stream(cfg, stream, Client),
    )
    .await
    .map_err(|_| "handshake timed out".to_string())?
    .map_err(|e| e.to_string())
}

async fn password(h: &mut russh::client::Handle<Client>, user: &str, pw: &str) -> bool {
    h.authenticate_password(user, pw)
        .await
        .map(|r| r.success())
        .unwrap_or(false)
}

/// Polls until `f` is true (the server's blocklist sync runs every second in these tests).
async fn eventually(what: &str, mut f: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !f().await {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn events_of<'a>(evs: &'a [serde_json::Value], ty: &str) -> Vec<&'a serde_json::Value> {
    evs.iter().filter(|e| e["type"] == ty).collect()
}

#[test]
fn low_mode_blocks_after_the_strike_limit_until_the_ttl_lapses() {
    let mut s = Server::start_with(&[
        ("MIRAGEPOT_AUTH_MODE", "low"),
        ("MIRAGEPOT_AUTH_MAX_FAILURES", "3"),
        ("MIRAGEPOT_AUTH_BLOCK_TTL_SECS", "3"),
        ("MIRAGEPOT_LIMITS_BLOCK_SYNC_SECS", "1"),
    ]);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let mut h = connect_from(&s, "127.0.0.2")
            .await
            .expect("first connection");
        for pw in ["123456", "root", "password"] {
            assert!(
                !password(&mut h, "root", pw).await,
                "low mode lets nobody in"
            );
        }
        let blocked_at = Instant::now();
        assert!(
            connect_from(&s, "127.0.0.2").await.is_err(),
            "blocked after 3 failures"
        );
        assert!(
            connect_from(&s, "127.0.0.3").await.is_ok(),
            "other addresses still connect"
        );
        // The real OpenSSH client sees the connection closed, as sshd past MaxStartups.
        let out = ssh_cmd(&s, "root", "x")
            .args(["-b", "127.0.0.2"])
            .arg("true")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(255));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("Connection closed") || err.contains("Connection reset"),
            "{err}"
        );
        let (plain, _, ok) = s.cli(&["blocks", "--format", "plain"]);
        assert!(ok);
        assert_eq!(plain, "127.0.0.2\n");
        // The TTL lapses: the address connects again.
        eventually("the block lapses", async || {
            connect_from(&s, "127.0.0.2").await.is_ok()
        })
        .await;
        assert!(blocked_at.elapsed() >= Duration::from_secs(2));
    });
    drop(rt);
    s.stop();
    let evs = s.json_events();
    let blocked = events_of(&evs, "ip_blocked");
    assert_eq!(blocked.len(), 1, "{blocked:?}");
    assert_eq!(blocked[0]["ip"], "127.0.0.2");
    assert_eq!(blocked[0]["source"], "strikes");
    assert_eq!(blocked[0]["rule"], "auth.max_failures=3");
    let refused = events_of(&evs, "connection_refused");
    assert!(!refused.is_empty());
    assert!(refused.iter().all(|e| e["src_ip"] == "127.0.0.2"
        && e["reason"] == "blocked"
        && e["rule"] == "block:strikes"));
    let rules: Vec<&str> = events_of(&evs, "auth_attempt")
        .iter()
        .filter(|e| e["method"] == "password")
        .map(|e| e["rule"].as_str().unwrap())
        .collect();
    assert!(
        rules.len() >= 3 && rules.iter().all(|r| *r == "low:reject"),
        "{rules:?}"
    );
}

#[test]
fn hybrid_bait_lets_a_blocked_attacker_in_silently() {
    let mut s = Server::start_with(&[
        ("MIRAGEPOT_AUTH_MODE", "hybrid"),
        ("MIRAGEPOT_AUTH_MAX_FAILURES", "2"),
        ("MIRAGEPOT_AUTH_BAIT", "[\"admin:admin\"]"),
        ("MIRAGEPOT_LIMITS_BLOCK_SYNC_SECS", "1"),
    ]);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let mut h = connect_from(&s, "127.0.0.4").await.unwrap();
        assert!(!password(&mut h, "admin", "1234").await);
        assert!(!password(&mut h, "admin", "12345").await);
        assert!(connect_from(&s, "127.0.0.4").await.is_err(), "blocked");
        // Still on the open connection, the bait gets in and lifts the block.
        assert!(password(&mut h, "admin", "admin").await);
    });
    drop(rt);
    // The real client from the same address now logs in with the bait and gets a shell.
    let out = ssh_cmd(&s, "admin", "admin")
        .args(["-b", "127.0.0.4"])
        .arg("id -un; hostname")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "admin\nweb-prod-02\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    s.stop();
    let evs = s.json_events();
    let unblocked = events_of(&evs, "ip_unblocked");
    assert_eq!(unblocked.len(), 1);
    assert_eq!(unblocked[0]["rule"], "hybrid:bait");
    let ok: Vec<&str> = events_of(&evs, "auth_attempt")
        .iter()
        .filter(|e| e["success"] == true)
        .map(|e| e["rule"].as_str().unwrap())
        .collect();
    assert_eq!(ok, vec!["hybrid:bait", "hybrid:bait"]);
    let (table, _, _) = s.cli(&["blocks"]);
    assert!(table.ends_with("0 blocked\n"), "{table}");
}

#[test]
fn operator_blocks_reach_a_running_server_survive_a_restart_and_lift() {
    let env = [
        ("MIRAGEPOT_AUTH_MODE", "low"),
        ("MIRAGEPOT_LIMITS_BLOCK_SYNC_SECS", "1"),
    ];
    let mut s = Server::start_with(&env);
    let rt = tokio::runtime::Runtime::new().unwrap();
    assert!(rt.block_on(connect_from(&s, "127.0.0.5")).is_ok());
    let (out, err, ok) = s.cli(&["block", "127.0.0.5", "--reason", "from the report"]);
    assert!(ok, "{err}");
    assert_eq!(out, "blocked 127.0.0.5 until unblocked\n");
    let (_, err, ok) = s.cli(&["block", "not-an-ip"]);
    assert!(!ok && err.contains("not an IPv4 or IPv6 address"), "{err}");
    rt.block_on(eventually(
        "the running server drops 127.0.0.5",
        async || connect_from(&s, "127.0.0.5").await.is_err(),
    ));
    let exports = s.data.path().join("blocklist");
    assert_eq!(
        std::fs::read_to_string(exports.join("blocklist.txt")).unwrap(),
        "127.0.0.5\n"
    );
    assert!(
        std::fs::read_to_string(exports.join("blocklist.nft"))
            .unwrap()
            .contains("elements = { 127.0.0.5 }")
    );
    assert!(
        std::fs::read_to_string(exports.join("blocklist.fail2ban"))
            .unwrap()
            .ends_with("NOTICE  [miragepot-ssh] Ban 127.0.0.5\n")
    );
    let (table, _, _) = s.cli(&["blocks"]);
    assert!(
        table.contains("127.0.0.5")
            && table.contains("operator")
            && table.contains("from the report"),
        "{table}"
    );

    // A restart keeps the block, from the first connection on.
    s.restart_with(&env);
    assert!(rt.block_on(connect_from(&s, "127.0.0.5")).is_err());
    // High mode suspends blocking.
    s.restart_with(&[("MIRAGEPOT_AUTH_MODE", "high")]);
    assert!(rt.block_on(connect_from(&s, "127.0.0.5")).is_ok());
    s.restart_with(&env);
    let (out, _, ok) = s.cli(&["unblock", "127.0.0.5"]);
    assert!(ok);
    assert_eq!(out, "unblocked 127.0.0.5\n");
    let (_, err, ok) = s.cli(&["unblock", "127.0.0.5"]);
    assert!(!ok && err.contains("127.0.0.5 is not blocked"), "{err}");
    rt.block_on(eventually("the unblock reaches the server", async || {
        connect_from(&s, "127.0.0.5").await.is_ok()
    }));
    drop(rt);
    s.stop();
    assert_eq!(
        std::fs::read_to_string(exports.join("blocklist.txt")).unwrap(),
        ""
    );
}

#[test]
fn per_address_caps_refuse_only_that_address() {
    let mut s = Server::start_with(&[
        ("MIRAGEPOT_LIMITS_MAX_SESSIONS_PER_IP", "2"),
        ("MIRAGEPOT_LIMITS_CONNECTIONS_PER_IP_PER_SEC", "0.5"),
        ("MIRAGEPOT_LIMITS_CONNECTION_BURST", "4"),
    ]);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let a = connect_from(&s, "127.0.0.6").await.unwrap();
        let b = connect_from(&s, "127.0.0.6").await.unwrap();
        assert!(
            connect_from(&s, "127.0.0.6").await.is_err(),
            "third session"
        );
        assert!(
            connect_from(&s, "127.0.0.7").await.is_ok(),
            "another address"
        );
        drop(a);
        // The slot comes free when the server sees the close; the burst (4) has one left.
        eventually("a slot comes free", async || {
            connect_from(&s, "127.0.0.6").await.is_ok()
        })
        .await;
        drop(b);
        // The burst is spent now: the rate refuses even with free slots.
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(connect_from(&s, "127.0.0.6").await.is_err(), "rate limit");
    });
    drop(rt);
    s.stop();
    let evs = s.json_events();
    let reasons: Vec<&str> = events_of(&evs, "connection_refused")
        .iter()
        .map(|e| e["reason"].as_str().unwrap())
        .collect();
    assert!(reasons.contains(&"per_ip_limit"), "{reasons:?}");
    assert!(reasons.contains(&"rate_limit"), "{reasons:?}");
    let stats = s.stats();
    assert!(
        stats["policy"]["refused_per_ip"].as_u64().unwrap() >= 1,
        "{stats}"
    );
    assert!(
        stats["policy"]["refused_rate"].as_u64().unwrap() >= 1,
        "{stats}"
    );
    // The server ran sandboxed.
    let seccomp = stats["sandbox"]["seccomp"].as_str().unwrap();
    assert!(seccomp.starts_with("enforced"), "{stats}");
}

#[test]
fn a_server_started_as_root_drops_to_the_configured_user() {
    if !running_as_root() {
        eprintln!("not root: the drop-root test is skipped");
        return;
    }
    let mut s = Server::start_with(&[("MIRAGEPOT_SANDBOX_DROP_UID", "65534")]);
    let out = ssh_cmd(&s, "root", "x")
        .arg("echo still-serving")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "still-serving\n");
    let pid = s.child.as_ref().unwrap().id();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let uid_line = status.lines().find(|l| l.starts_with("Uid:")).unwrap();
    assert_eq!(
        uid_line.split_whitespace().skip(1).collect::<Vec<_>>(),
        vec!["65534"; 4],
        "{uid_line}"
    );
    s.stop();
    use std::os::unix::fs::MetadataExt;
    let db = std::fs::metadata(s.data.path().join("miragepot.db")).unwrap();
    assert_eq!(db.uid(), 65534);
    let stats = s.stats();
    assert_eq!(stats["sandbox"]["user"], "enforced (uid 65534, gid 65534)");
    assert!(s.json_events().iter().any(|e| e["type"] == "command_input"));
}

fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find(|l| l.starts_with("Uid:"))
        .is_some_and(|l| l.split_whitespace().nth(2) == Some("0"))
}

/// Reads a pty session until the server closes it; returns what it printed.
async fn pty_until_closed(ch: &mut russh::Channel<russh::client::Msg>) -> Vec<u8> {
    let mut out = Vec::new();
    while let Ok(Some(msg)) = tokio::time::timeout(Duration::from_secs(10), ch.wait()).await {
        if let ChannelMsg::Data { data } = msg {
            out.extend_from_slice(&data);
        }
    }
    out
}

#[test]
fn session_limits_end_sessions_with_an_event() {
    let mut s = Server::start_with(&[
        ("MIRAGEPOT_LIMITS_MAX_SESSION_SECS", "1"),
        ("MIRAGEPOT_LIMITS_MAX_INPUT_BYTES", "100000"),
        ("MIRAGEPOT_LIMITS_MAX_COMMANDS", "3"),
    ]);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        // An idle shell is ended at max_session_secs.
        let mut h = connect_from(&s, "127.0.0.8").await.unwrap();
        assert!(password(&mut h, "root", "x").await);
        let mut ch = super::pty_shell(&h).await;
        let started = Instant::now();
        pty_until_closed(&mut ch).await;
        assert!(started.elapsed() < Duration::from_secs(8));
        // A paste past max_input_bytes ends the session before the shell sees it.
        let mut h = connect_from(&s, "127.0.0.9").await.unwrap();
        assert!(password(&mut h, "root", "x").await);
        let mut ch = super::pty_shell(&h).await;
        let _ = ch.data(&vec![b'A'; 150_000][..]).await;
        pty_until_closed(&mut ch).await;
        // Exec sessions count command lines across the connection.
        let h = connect_from(&s, "127.0.0.10").await.unwrap();
        let mut h = h;
        assert!(password(&mut h, "root", "x").await);
        for i in 0..3 {
            let (out, _, _) = super::exec(&h, &format!("echo {i}")).await;
            assert_eq!(out, format!("{i}\n"));
        }
        assert!(h.channel_open_session().await.is_err() || h.is_closed());
    });
    drop(rt);
    s.stop();
    let evs = s.json_events();
    let hits: Vec<(String, String, u64)> = events_of(&evs, "limit_hit")
        .iter()
        .map(|e| {
            (
                e["src_ip"].as_str().unwrap().to_string(),
                e["limit"].as_str().unwrap().to_string(),
                e["value"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(
        hits.contains(&("127.0.0.8".into(), "session_time".into(), 1)),
        "{hits:?}"
    );
    assert!(
        hits.contains(&("127.0.0.9".into(), "input_bytes".into(), 100_000)),
        "{hits:?}"
    );
    assert!(
        hits.contains(&("127.0.0.10".into(), "commands".into(), 3)),
        "{hits:?}"
    );
    let stats = s.stats();
    let counted = &stats["policy"]["limit_hits"];
    assert_eq!(counted["session_time"], 1, "{stats}");
    assert_eq!(counted["input_bytes"], 1, "{stats}");
    assert_eq!(counted["commands"], 1, "{stats}");
    for ip in ["127.0.0.8", "127.0.0.9", "127.0.0.10"] {
        let end = evs
            .iter()
            .find(|e| e["type"] == "session_end" && e["src_ip"] == ip)
            .unwrap_or_else(|| panic!("no session_end for {ip}"));
        assert_eq!(end["reason"], "limit_reached", "{ip}");
    }
}

#[test]
fn sighup_reloads_the_policy_and_passwords_stay_out_of_operator_logs() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("miragepot.toml");
    std::fs::write(&cfg, "[auth]\nmode = \"high\"\n").unwrap();
    let cfg_s = cfg.to_str().unwrap();
    let mut s = Server::start_with(&[
        ("MIRAGEPOT_CONFIG", cfg_s),
        ("MIRAGEPOT_LOG_LEVEL", "info,miragepot_ssh=debug"),
    ]);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let mut h = connect_from(&s, "127.0.0.11").await.unwrap();
        assert!(password(&mut h, "root", "s3cr3t-Passw0rd").await);
    });
    std::fs::write(&cfg, "[auth]\nmode = \"low\"\n").unwrap();
    s.signal("HUP");
    rt.block_on(eventually("SIGHUP switches to low mode", async || {
        let Ok(mut h) = connect_from(&s, "127.0.0.12").await else {
            return false;
        };
        !password(&mut h, "root", "s3cr3t-Passw0rd").await
    }));
    // A file that does not load keeps the policy in force.
    std::fs::write(&cfg, "[auth]\nmode = \"open\"\n").unwrap();
    s.signal("HUP");
    std::thread::sleep(Duration::from_millis(300));
    rt.block_on(async {
        let mut h = connect_from(&s, "127.0.0.13").await.unwrap();
        assert!(!password(&mut h, "root", "x").await, "still low");
    });
    drop(rt);
    let stderr = s.stop();
    assert!(stderr.contains("SIGHUP: policy reloaded"), "{stderr}");
    assert!(
        stderr.contains("SIGHUP: configuration not reloaded"),
        "{stderr}"
    );
    assert!(stderr.contains("<redacted>"), "{stderr}");
    assert!(!stderr.contains("s3cr3t-Passw0rd"), "{stderr}");
    let evs = s.json_events();
    assert!(
        events_of(&evs, "auth_attempt")
            .iter()
            .any(|e| e["password"] == "s3cr3t-Passw0rd"),
        "the evidence keeps it"
    );
}

#[test]
fn the_json_log_rotates_without_losing_or_splitting_a_line() {
    let mut s = Server::start_with(&[("MIRAGEPOT_LOG_ROTATE_BYTES", "4000")]);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        for i in 0..12 {
            let mut h = connect_from(&s, "127.0.0.14").await.unwrap();
            assert!(password(&mut h, "root", "x").await);
            let (out, _, _) = super::exec(&h, &format!("echo round-{i}")).await;
            assert_eq!(out, format!("round-{i}\n"));
            // Let the sink write between rounds, so the file grows in steps.
            tokio::time::sleep(Duration::from_millis(120)).await;
        }
    });
    drop(rt);
    s.stop();
    let dir = s.data.path().join("log");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 3, "rotated: {files:?}");
    let mut ids = std::collections::HashSet::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        assert!(
            text.is_empty() || text.ends_with('\n'),
            "{f:?} ends mid-line"
        );
        for line in text.lines() {
            let ev: serde_json::Value = serde_json::from_str(line).expect("whole JSON lines");
            assert!(
                ids.insert(ev["id"].as_str().unwrap().to_string()),
                "no duplicates"
            );
        }
        if f.file_name().unwrap() != "miragepot.json" {
            assert!(std::fs::metadata(f).unwrap().len() <= 4000, "{f:?}");
        }
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let stored = rt.block_on(async {
        let store = miragepot_store::Store::open(&s.db_url()).await.unwrap();
        store.count_events().await.unwrap()
    });
    assert_eq!(
        ids.len() as u64,
        stored,
        "every stored event is in the JSON logs"
    );
}
