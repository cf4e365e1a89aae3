//! Live tests against this machine's OpenSSH client: its KEXINIT and HASSH as our parser
//! sees them, and a full key exchange through our ident reader, `KexTap` and russh.
//! They start the real `ssh` binary, so they live here (integration tests), never in `src/`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::disallowed_methods,
    clippy::disallowed_types
)]

/// Kills the child process when the test ends, however it ends.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The measured HASSH of Debian 12's OpenSSH 9.2p1 client
/// (measured_clients_2026.jsonl).
const OPENSSH_92_HASSH: &str = "472b5de333ad665af5cbf10ff892c4df";

/// Captures the KEXINIT of this machine's `ssh` client and checks its
/// HASSH (skipped when no `ssh` binary is installed).
#[test]
#[allow(clippy::disallowed_types, clippy::disallowed_methods)]
fn real_openssh_client_kexinit() {
    use std::io::{Read, Write};
    use std::time::{Duration, Instant};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port().to_string();
    let child = std::process::Command::new("ssh")
        .args([
            "-F",
            "/dev/null",
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=no",
        ])
        .args([
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "ConnectTimeout=5",
        ])
        .args(["-p", &port, "-l", "hasshtest", "127.0.0.1", "true"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    let Ok(child) = child else {
        eprintln!("no ssh client installed; skipped");
        return;
    };
    let _guard = KillOnDrop(child);
    listener.set_nonblocking(true).expect("nonblocking");
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut stream = loop {
        match listener.accept() {
            Ok((s, _)) => break s,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => panic!("accept: {e}"),
        }
    };
    stream.set_nonblocking(false).expect("blocking");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    stream
        .write_all(format!("{}\r\n", miragepot_ssh::ident::OPENSSH_BANNER).as_bytes())
        .expect("banner");
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let (line, kex) = loop {
        let n = stream.read(&mut chunk).expect("read");
        assert!(n > 0, "ssh closed early");
        buf.extend_from_slice(&chunk[..n]);
        assert!(buf.len() < 64 * 1024);
        if let miragepot_ssh::ident::Classification::Valid { line, consumed } =
            miragepot_ssh::ident::classify(&buf)
            && let Some((kex, _)) = miragepot_ssh::kexinit::parse_packet(&buf[consumed..])
        {
            break (String::from_utf8_lossy(&line).into_owned(), kex);
        }
    };
    eprintln!("{line}: hassh {} ({})", kex.hassh(), kex.hassh_algorithms());
    assert!(kex.cookie_ok);
    assert!(!kex.first_kex_follows);
    assert!(kex.kex.iter().any(|k| k == "ext-info-c"));
    if line.starts_with("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12") {
        assert_eq!(kex.hassh(), OPENSSH_92_HASSH);
    } else {
        assert_eq!(kex.hassh().len(), 32);
    }
}

struct RejectAll;

impl russh::server::Handler for RejectAll {
    type Error = russh::Error;
}

/// End to end: our banner + ident reader + KexTap + real russh server,
/// with this machine's OpenSSH client (skipped when `ssh` is missing).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[allow(clippy::disallowed_types, clippy::disallowed_methods)]
async fn russh_behind_tap_with_real_openssh_client() {
    use miragepot_ssh::ident::{IdentOutcome, OPENSSH_BANNER, read_client_ident, replay_for_russh};
    use miragepot_ssh::tap::KexTap;
    use std::sync::Arc;
    use std::time::{Duration, Instant};
    use tokio::io::AsyncWriteExt;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port().to_string();
    let child = std::process::Command::new("ssh")
        .args(["-vvv", "-F", "/dev/null", "-o", "BatchMode=yes"])
        .args([
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
        ])
        .args([
            "-o",
            "GlobalKnownHostsFile=/dev/null",
            "-o",
            "ConnectTimeout=5",
        ])
        .args([
            "-o",
            "PubkeyAuthentication=no",
            "-o",
            "PasswordAuthentication=no",
        ])
        .args(["-o", "KbdInteractiveAuthentication=no"])
        .args(["-p", &port, "-l", "taptest", "127.0.0.1", "true"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let Ok(child) = child else {
        eprintln!("no ssh client installed; skipped");
        return;
    };
    let mut guard = KillOnDrop(child);

    let (mut stream, _) = tokio::time::timeout(Duration::from_secs(10), listener.accept())
        .await
        .expect("ssh connects")
        .expect("accept");
    let banner = format!("{OPENSSH_BANNER}\r\n");
    stream.write_all(banner.as_bytes()).await.expect("banner");
    let outcome = tokio::time::timeout(Duration::from_secs(10), read_client_ident(&mut stream))
        .await
        .expect("ident in time")
        .expect("ident io");
    let IdentOutcome::Valid { line, rest } = outcome else {
        panic!("client id rejected: {outcome:?}");
    };
    let (tap, rx) = KexTap::new(stream, replay_for_russh(&line, &rest), banner.len());

    let key = russh::keys::PrivateKey::random(
        &mut russh::keys::key::safe_rng(),
        russh::keys::Algorithm::Ed25519,
    )
    .expect("key");
    let config = Arc::new(russh::server::Config {
        server_id: russh::SshId::Standard(OPENSSH_BANNER.into()),
        keys: vec![key],
        auth_rejection_time: Duration::from_millis(10),
        inactivity_timeout: Some(Duration::from_secs(10)),
        ..Default::default()
    });
    let running = russh::server::run_stream(config, tap, RejectAll)
        .await
        .expect("russh accepts the replayed id");
    let kex = tokio::time::timeout(Duration::from_secs(10), rx)
        .await
        .expect("kexinit in time")
        .expect("kexinit delivered");
    let session = tokio::time::timeout(Duration::from_secs(15), running).await;

    // Collect the client's verdict.
    let deadline = Instant::now() + Duration::from_secs(15);
    while guard.0.try_wait().expect("wait").is_none() {
        assert!(Instant::now() < deadline, "ssh did not finish");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut log = String::new();
    if let Some(mut err) = guard.0.stderr.take() {
        use std::io::Read;
        err.read_to_string(&mut log).expect("stderr");
    }
    let remote =
        "Remote protocol version 2.0, remote software version OpenSSH_9.2p1 Debian-2+deb12u10";
    assert_eq!(log.matches(remote).count(), 1, "{log}");
    assert!(
        log.contains("SSH2_MSG_NEWKEYS received"),
        "kex completed: {log}"
    );
    assert!(log.contains("Permission denied"), "reached auth: {log}");
    assert!(session.is_ok(), "russh session ended");
    assert_eq!(kex.hassh().len(), 32);
    if line.starts_with("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12") {
        assert_eq!(kex.hassh(), OPENSSH_92_HASSH);
    }
}
