//! Abuse and crash safety, on loopback, bounded and self-stopping: `kill -9` under load and
//! a clean restart that keeps every committed event; a 10 MiB exec line; a fork-bomb line;
//! a client that never reads its output; and many half-open connections. After each, the
//! server still answers and every finished session's events are complete in the store.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use russh::ChannelMsg;

use super::util::Server;
use super::{Client, connect, exec};

async fn store_of(s: &Server) -> miragepot_store::Store {
    miragepot_store::Store::open(&s.db_url()).await.unwrap()
}

/// (session_start, session_end) counts in the JSON log.
fn json_session_counts(evs: &[serde_json::Value]) -> (usize, usize) {
    let count = |ty: &str| evs.iter().filter(|e| e["type"] == ty).count();
    (count("session_start"), count("session_end"))
}

/// (session_start, session_end) counts in the store, and sessions with a start but no end.
fn store_completeness(s: &Server) -> (usize, usize, i64) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = store_of(s).await;
        let starts = store
            .events_by_type("session_start", 100_000)
            .await
            .unwrap()
            .len();
        let ends = store
            .events_by_type("session_end", 100_000)
            .await
            .unwrap()
            .len();
        let open: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE ended_us IS NULL")
            .fetch_one(store.pool())
            .await
            .unwrap();
        store.close().await;
        (starts, ends, open)
    })
}

async fn event_ids(store: &miragepot_store::Store) -> Vec<String> {
    sqlx::query_scalar::<_, String>("SELECT id FROM events")
        .fetch_all(store.pool())
        .await
        .unwrap()
}

#[test]
fn kill_9_under_load_loses_no_committed_event_and_the_store_reopens_clean() {
    let mut s = Server::start_with(&[("MIRAGEPOT_STORE_BATCH_DELAY_MS", "20")]);
    let stop = Arc::new(AtomicBool::new(false));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let load = {
        let (addr, stop) = (s.addr, Arc::clone(&stop));
        rt.spawn(async move {
            let mut n = 0u32;
            while !stop.load(Ordering::Relaxed) && n < 400 {
                let cfg = Arc::new(russh::client::Config::default());
                let Ok(mut h) = russh::client::connect(cfg, addr, Client).await else {
                    break;
                };
                if !h
                    .authenticate_password("root", "x")
                    .await
                    .is_ok_and(|r| r.success())
                {
                    break;
                }
                // The server may die mid-command: nothing here may panic.
                let Ok(mut ch) = h.channel_open_session().await else {
                    break;
                };
                if ch.exec(true, format!("echo load-{n}; id")).await.is_err() {
                    break;
                }
                while let Ok(Some(_)) =
                    tokio::time::timeout(Duration::from_secs(5), ch.wait()).await
                {}
                n += 1;
            }
            n
        })
    };
    // Let the load run, then read what the store has committed (the acknowledged events).
    rt.block_on(async { tokio::time::sleep(Duration::from_millis(1500)).await });
    let acknowledged = rt.block_on(async {
        let store = store_of(&s).await;
        let ids = event_ids(&store).await;
        store.close().await;
        ids
    });
    assert!(
        acknowledged.len() > 20,
        "the load ran: {}",
        acknowledged.len()
    );
    // kill -9 mid-load.
    let mut child = s.child.take().unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    let sessions = rt.block_on(load).unwrap();
    assert!(sessions > 3);
    // Restart on the same data dir: it opens clean and serves.
    s.restart_with(&[]);
    let (out, _, code) = rt.block_on(async {
        let h = connect(&s).await;
        exec(&h, "echo after-restart").await
    });
    assert_eq!((out.as_str(), code), ("after-restart\n", Some(0)));
    s.stop();
    rt.block_on(async {
        let store = store_of(&s).await;
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(check, "ok");
        let now: std::collections::HashSet<String> = event_ids(&store).await.into_iter().collect();
        let lost: Vec<&String> = acknowledged
            .iter()
            .filter(|id| !now.contains(*id))
            .collect();
        assert!(lost.is_empty(), "{} committed events lost", lost.len());
        assert!(now.len() > acknowledged.len());
        store.close().await;
    });
}

#[test]
fn hostile_input_is_bounded_and_the_server_keeps_serving() {
    let mut s = Server::start();
    let pid = s.child.as_ref().unwrap().id();
    let rt = tokio::runtime::Runtime::new().unwrap();
    // The baseline: RSS after one ordinary session.
    rt.block_on(async {
        let h = connect(&s).await;
        exec(&h, "uname -a").await
    });
    let baseline = rss_kib(pid);
    rt.block_on(async {
        let h = connect(&s).await;
        // A 10 MiB exec request is past SSH's packet limit (256 KiB, as in OpenSSH): that
        // connection is dropped, nothing else is touched.
        let huge = format!("echo {}", "A".repeat(10 << 20));
        let ch = h.channel_open_session().await.unwrap();
        let _ = ch.exec(true, huge.as_bytes()).await;
        let deadline = Instant::now() + Duration::from_secs(10);
        while !h.is_closed() && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(h.is_closed(), "an oversized packet ends that connection");
        eprintln!("RSS after the oversized packet: {}", rss_kib(pid));
        let h = connect(&s).await;
        // A 10 MiB line typed into a pty: the line editor keeps its cap, then answers.
        let mut ch = super::pty_shell(&h).await;
        let chunk = vec![b'B'; 1 << 20];
        let writer = ch.make_writer();
        let feed = tokio::spawn(async move {
            use tokio::io::AsyncWriteExt;
            let mut w = writer;
            for _ in 0..10 {
                if w.write_all(&chunk).await.is_err() {
                    return;
                }
            }
            let _ = w.write_all(b"\recho pty-alive\r").await;
        });
        let mut seen = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            match tokio::time::timeout(Duration::from_secs(5), ch.wait()).await {
                Ok(Some(ChannelMsg::Data { data })) => {
                    seen.extend_from_slice(&data);
                    if seen.windows(12).any(|w| w == b"\rpty-alive\r\n") {
                        break;
                    }
                    if seen.len() > (1 << 20) {
                        seen.drain(..seen.len() - 64);
                    }
                }
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            }
        }
        let _ = feed.await;
        eprintln!("RSS after the 10 MiB pty line: {}", rss_kib(pid));
        assert!(
            seen.windows(12).any(|w| w == b"\rpty-alive\r\n"),
            "the shell answered after a 10 MiB line; saw {} bytes ending {:?}",
            seen.len(),
            String::from_utf8_lossy(&seen[seen.len().saturating_sub(300)..])
        );
        // A fork bomb is a function that calls itself: the emulator's caps end it.
        let started = Instant::now();
        let (_, _, code) = exec(&h, ":(){ :|:& };:").await;
        assert!(code.is_some());
        assert!(started.elapsed() < Duration::from_secs(10));
        // Still serving.
        let h = connect(&s).await;
        let (out, _, _) = exec(&h, "echo alive").await;
        assert_eq!(out, "alive\n");
    });
    // A client that never reads: a pty session flooded with output it does not take.
    rt.block_on(async {
        let h = connect(&s).await;
        let ch = super::pty_shell(&h).await;
        for _ in 0..50 {
            let _ = ch
                .data(&b"cat /usr/share/common-licenses/GPL-3; seq 1 100000\r"[..])
                .await;
        }
        // Never read `ch`; another client is served meanwhile.
        let h2 = connect(&s).await;
        let (out, _, _) = exec(&h2, "echo other-session").await;
        assert_eq!(out, "other-session\n");
        eprintln!("RSS with a client that never reads: {}", rss_kib(pid));
        drop(ch);
    });
    // Half-open connections from one address: TCP connects that never send a byte. The
    // per-address cap (8) admits a few and drops the rest at accept; a slowloris sends its
    // identification line a byte at a time. Another address still logs in at once.
    let (idle, admitted) = rt.block_on(async {
        let mut idle = Vec::new();
        for _ in 0..1000 {
            let sock = tokio::net::TcpSocket::new_v4().unwrap();
            sock.bind("127.0.0.20:0".parse().unwrap()).unwrap();
            if let Ok(c) = sock.connect(s.addr).await {
                idle.push(c);
            }
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        // The admitted ones got the banner; the refused ones were closed.
        let mut admitted = 0;
        for c in &idle {
            let mut buf = [0u8; 64];
            if let Ok(Ok(n)) =
                tokio::time::timeout(Duration::from_millis(20), c.peek(&mut buf)).await
                && n > 0
                && buf.starts_with(b"SSH-2.0-OpenSSH_9.2p1")
            {
                admitted += 1;
            }
        }
        (idle, admitted)
    });
    assert!(
        (1..=8).contains(&admitted),
        "{admitted} half-open connections admitted"
    );
    let mut slow = std::net::TcpStream::connect(s.addr).unwrap();
    for b in b"SSH-2.0-" {
        slow.write_all(&[*b]).unwrap();
    }
    let (out, _, _) = rt.block_on(async {
        let mut h = super::policy::connect_from(&s, "127.0.0.21").await.unwrap();
        assert!(
            h.authenticate_password("root", "x")
                .await
                .unwrap()
                .success()
        );
        exec(&h, "echo through").await
    });
    assert_eq!(out, "through\n");
    drop(idle);
    drop(slow);
    // Everything closed: memory is back near the baseline. (Before output to a client that
    // does not read was bounded, and events kept a command's whole output, this grew past
    // 100 MiB and kept growing with each line.)
    std::thread::sleep(Duration::from_millis(500));
    let after = rss_kib(pid);
    assert!(
        after < baseline + 40 * 1024,
        "RSS {baseline} KiB before the abuse, {after} KiB after"
    );
    eprintln!("RSS {baseline} KiB before the abuse, {after} KiB after");
    drop(rt);
    let stderr = s.stop();
    assert!(!stderr.contains("panicked"), "{stderr}");
    // Every session that started also ended, in the JSON log.
    let evs = s.json_events();
    let (started, ended) = json_session_counts(&evs);
    assert_eq!(started, ended, "every session is complete");
    assert_eq!(
        store_completeness(&s),
        (started, ended, 0),
        "and so in the store"
    );
    assert!(started >= 6, "{started}");
    assert!(
        evs.iter()
            .any(|e| e["type"] == "connection_refused" && e["reason"] == "per_ip_limit"),
        "the half-open flood was refused past the per-address cap"
    );
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap()
}

#[test]
fn a_100_mib_paste_ends_at_a_session_limit_and_memory_stays_bounded() {
    // Defaults: 1,000 commands or 16 MiB of input, whichever comes first.
    let mut s = Server::start();
    let pid = s.child.as_ref().unwrap().id();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let before = rss_kib(pid);
    let sent = rt.block_on(async {
        let h = connect(&s).await;
        let ch = super::pty_shell(&h).await;
        let mut w = ch.make_writer();
        let line: Vec<u8> = b"echo pasted-line-of-a-script-0123456789abcdef\r".repeat(1000);
        let mut sent = 0usize;
        let deadline = Instant::now() + Duration::from_secs(120);
        use tokio::io::AsyncWriteExt;
        while sent < 100 << 20 && Instant::now() < deadline {
            match tokio::time::timeout(Duration::from_secs(10), w.write_all(&line)).await {
                Ok(Ok(())) => sent += line.len(),
                _ => break,
            }
        }
        sent
    });
    assert!(
        sent < 100 << 20,
        "the server stopped taking input ({sent} bytes sent)"
    );
    let after = rss_kib(pid);
    assert!(
        after < before + 64 * 1024,
        "RSS grew from {before} KiB to {after} KiB"
    );
    // Still serving.
    let (out, _, _) = rt.block_on(async {
        let h = connect(&s).await;
        exec(&h, "echo fine").await
    });
    assert_eq!(out, "fine\n");
    drop(rt);
    s.stop();
    let evs = s.json_events();
    assert!(
        evs.iter().any(|e| e["type"] == "limit_hit"
            && (e["limit"] == "commands" || e["limit"] == "input_bytes")),
        "a limit_hit"
    );
    assert!(
        evs.iter()
            .any(|e| e["type"] == "session_end" && e["reason"] == "limit_reached")
    );
    let (started, ended) = json_session_counts(&evs);
    assert_eq!(started, ended);
    assert_eq!(store_completeness(&s), (started, ended, 0));
}

/// An unencrypted SSH packet around `payload`, with `pad` bytes of padding, the padding
/// length field set to `pad_field`.
fn packet(payload: &[u8], pad: usize, pad_field: u8) -> Vec<u8> {
    let len = 1 + payload.len() + pad;
    let mut p = (len as u32).to_be_bytes().to_vec();
    p.push(pad_field);
    p.extend_from_slice(payload);
    p.extend(std::iter::repeat_n(0u8, pad));
    p
}

#[test]
fn malformed_packets_end_only_their_own_connection() {
    use std::io::Read;
    let mut s = Server::start();
    let pid = s.child.as_ref().unwrap().id();
    let baseline = rss_kib(pid);
    let mut svc = vec![5u8];
    svc.extend_from_slice(&12u32.to_be_bytes());
    svc.extend_from_slice(b"ssh-userauth");
    let mut kexinit_cut = vec![20u8];
    kexinit_cut.extend_from_slice(&[0xAB; 16]);
    kexinit_cut.extend_from_slice(&200u32.to_be_bytes());
    kexinit_cut.extend_from_slice(b"curve25519");
    let mut rnd = 4711u64;
    let random: Vec<u8> = (0..256)
        .map(|_| {
            rnd = rnd
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (rnd >> 56) as u8
        })
        .collect();
    let probes: Vec<(&str, Vec<u8>)> = vec![
        ("random bytes", random),
        (
            "oversized length",
            [&[0xff, 0xff, 0xff, 0xf0][..], &[0u8; 60]].concat(),
        ),
        ("zero length", vec![0u8; 64]),
        ("padding longer than the packet", packet(&svc, 7, 250)),
        ("padding under 4", packet(&svc, 1, 1)),
        ("service request before kex", packet(&svc, 7, 7)),
        ("truncated kexinit", packet(&kexinit_cut, 5, 5)),
        ("10k without a newline", vec![b'x'; 10_000]),
    ];
    for (name, bytes) in &probes {
        let mut c = std::net::TcpStream::connect(s.addr).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
        let with_id = name != &"10k without a newline";
        if with_id {
            c.write_all(b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n")
                .unwrap();
        }
        let _ = c.write_all(bytes);
        let mut sink = Vec::new();
        let started = Instant::now();
        let closed = loop {
            let mut buf = [0u8; 4096];
            match c.read(&mut buf) {
                Ok(0) => break true,
                Ok(n) => sink.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break true,
                Err(_) => break false,
            }
        };
        assert!(closed, "{name}: the server kept the connection open");
        assert!(started.elapsed() < Duration::from_secs(15), "{name}");
        assert!(
            sink.starts_with(b"SSH-2.0-OpenSSH_9.2p1"),
            "{name}: banner first"
        );
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (out, _, _) = rt.block_on(async {
        let h = connect(&s).await;
        exec(&h, "echo unharmed").await
    });
    assert_eq!(out, "unharmed\n");
    let after = rss_kib(pid);
    assert!(
        after < baseline + 16 * 1024,
        "RSS {baseline} KiB, then {after} KiB"
    );
    drop(rt);
    let stderr = s.stop();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let evs = s.json_events();
    let (started, ended) = json_session_counts(&evs);
    assert_eq!((started, ended), (probes.len() + 1, probes.len() + 1));
    assert_eq!(store_completeness(&s), (started, ended, 0));
    let reasons: Vec<&str> = evs
        .iter()
        .filter(|e| e["type"] == "session_end")
        .map(|e| e["reason"].as_str().unwrap())
        .collect();
    assert!(
        reasons
            .iter()
            .filter(|r| **r == "protocol_error" || **r == "bad_identification")
            .count()
            >= probes.len() - 1,
        "{reasons:?}"
    );
}
