//! The accept loop and per-connection task.
//!
//! We own the loop (not russh's `run_on_socket`) so that: the connection cap is checked
//! before anything else; the banner goes out at once and the client's identification line
//! is judged as OpenSSH judges it; the login grace time and idle timeout apply; and a slow,
//! stuck or malformed client only ever occupies its own task.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use miragepot_event::{
    ConnectionRefused, EndReason, EventKind, LimitKind, Protocol, RefuseReason, SessionContext,
    SessionId,
};
use miragepot_runtime::policy::{IpSlot, Refusal};
use miragepot_runtime::{ConnectionLimiter, Services, SessionDriver};
use russh::keys::{Algorithm, EcdsaCurve, HashAlg, PrivateKey};
use russh::server::Config;
use russh::{MethodKind, MethodSet, Preferred, SshId, cipher, compression, kex, mac};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::handler::{ConnState, SharedConn, SshHandler, lock};
use crate::ident::{IdentOutcome, OPENSSH_BANNER, read_client_ident};
use crate::killable::Killable;
use crate::tap::KexTap;

/// Settings of the SSH front.
#[derive(Debug, Clone)]
pub struct SshConfig {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Concurrent connections allowed; past it, new connections are closed at once.
    pub max_connections: usize,
    /// Time allowed from connect to successful login (sshd `LoginGraceTime`).
    pub login_grace: Duration,
    /// Time without traffic after which a connection is closed.
    pub idle_timeout: Duration,
    /// Longest session, from accept (0: no limit).
    pub max_session: Duration,
    /// Failed authentications before disconnect (sshd `MaxAuthTries`).
    pub max_auth_tries: usize,
    /// Delay before a failed password answer (sshd with PAM: about 2.2 s).
    pub auth_failure_delay: Duration,
}

impl Default for SshConfig {
    fn default() -> Self {
        SshConfig {
            listen: SocketAddr::from(([0, 0, 0, 0], 2222)),
            max_connections: 1024,
            login_grace: Duration::from_secs(120),
            idle_timeout: Duration::from_secs(600),
            max_session: Duration::from_secs(3600),
            max_auth_tries: 6,
            auth_failure_delay: Duration::from_millis(2200),
        }
    }
}

/// OpenSSH 9.2p1's lists, in its order, without what russh lacks (sntrup761 KEX: see
/// `docs/fingerprint.md`).
fn preferred() -> Preferred {
    Preferred {
        kex: vec![
            kex::CURVE25519,
            kex::CURVE25519_PRE_RFC_8731,
            kex::ECDH_SHA2_NISTP256,
            kex::ECDH_SHA2_NISTP384,
            kex::ECDH_SHA2_NISTP521,
            kex::DH_GEX_SHA256,
            kex::DH_G16_SHA512,
            kex::DH_G18_SHA512,
            kex::DH_G14_SHA256,
            kex::EXTENSION_OPENSSH_STRICT_KEX_AS_SERVER,
        ]
        .into(),
        key: vec![
            Algorithm::Rsa {
                hash: Some(HashAlg::Sha512),
            },
            Algorithm::Rsa {
                hash: Some(HashAlg::Sha256),
            },
            Algorithm::Ecdsa {
                curve: EcdsaCurve::NistP256,
            },
            Algorithm::Ed25519,
        ]
        .into(),
        host_key_certificates: Vec::new().into(),
        cipher: vec![
            cipher::CHACHA20_POLY1305,
            cipher::AES_128_CTR,
            cipher::AES_192_CTR,
            cipher::AES_256_CTR,
            cipher::AES_128_GCM,
            cipher::AES_256_GCM,
        ]
        .into(),
        mac: vec![
            mac::HMAC_SHA256_ETM,
            mac::HMAC_SHA512_ETM,
            mac::HMAC_SHA1_ETM,
            mac::HMAC_SHA256,
            mac::HMAC_SHA512,
            mac::HMAC_SHA1,
        ]
        .into(),
        compression: vec![compression::NONE, compression::ZLIB_LEGACY].into(),
    }
}

/// The SSH front, ready to serve.
pub struct SshFront {
    cfg: SshConfig,
    russh: Arc<Config>,
    services: Arc<Services>,
    limiter: ConnectionLimiter,
}

impl SshFront {
    /// Builds the front from its settings, host keys and the shared services.
    pub fn new(cfg: SshConfig, keys: Vec<PrivateKey>, services: Arc<Services>) -> Self {
        let russh = Config {
            server_id: SshId::Standard(OPENSSH_BANNER.into()),
            methods: MethodSet::from(&[MethodKind::PublicKey, MethodKind::Password][..]),
            auth_rejection_time: cfg.auth_failure_delay,
            auth_rejection_time_initial: Some(Duration::ZERO),
            keys,
            max_auth_attempts: cfg.max_auth_tries,
            inactivity_timeout: Some(cfg.idle_timeout),
            preferred: preferred(),
            nodelay: true,
            channel_buffer_size: 16,
            event_buffer_size: 8,
            ..Config::default()
        };
        let limiter = ConnectionLimiter::new(cfg.max_connections);
        SshFront {
            cfg,
            russh: Arc::new(russh),
            services,
            limiter,
        }
    }

    /// The connection limiter (for status reporting).
    pub fn limiter(&self) -> &ConnectionLimiter {
        &self.limiter
    }

    /// Accepts connections until `shutdown` turns true, then ends every session and waits
    /// for all of them to finish (each flushes its events).
    pub async fn serve(
        self: Arc<Self>,
        listener: TcpListener,
        mut shutdown: watch::Receiver<bool>,
    ) {
        let mut tasks = JoinSet::new();
        loop {
            tokio::select! {
                _ = shutdown.changed() => break,
                Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
                acc = listener.accept() => {
                    let (stream, peer) = match acc {
                        Ok(x) => x,
                        Err(e) => {
                            tracing::warn!(error = %e, "Accept failed.");
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            continue;
                        }
                    };
                    let Some((permit, slot)) = self.admit(peer) else {
                        // Closed before a byte is sent, as sshd drops past MaxStartups.
                        drop(stream);
                        continue;
                    };
                    let front = Arc::clone(&self);
                    let sd = shutdown.clone();
                    tasks.spawn(async move {
                        front.connection(stream, peer, sd).await;
                        drop(slot);
                        drop(permit);
                    });
                }
            }
        }
        drop(listener);
        while tasks.join_next().await.is_some() {}
    }

    /// The global cap, then the access policy (blocklist, per-address rate and cap). A
    /// refusal is counted, and reported as `connection_refused` at most once a second per
    /// address.
    fn admit(&self, peer: SocketAddr) -> Option<(tokio::sync::OwnedSemaphorePermit, IpSlot)> {
        let access = &self.services.access;
        let now = Instant::now();
        let refusal = match self.limiter.try_acquire() {
            None => Refusal {
                reason: RefuseReason::ConnectionLimit,
                rule: format!("ssh.max_connections={}", self.cfg.max_connections),
                report: access.note_refusal(peer.ip(), now),
            },
            Some(permit) => match access.admit(peer.ip(), now, time::OffsetDateTime::now_utc()) {
                Ok(slot) => return Some((permit, slot)),
                Err(r) => r,
            },
        };
        if let Some(suppressed) = refusal.report {
            let ts = time::OffsetDateTime::now_utc();
            let ctx = SessionContext {
                sensor: self.services.sensor.clone(),
                session: SessionId::new_at(ts),
                src_ip: peer.ip(),
                src_port: peer.port(),
            };
            let kind = EventKind::ConnectionRefused(ConnectionRefused {
                reason: refusal.reason,
                rule: refusal.rule,
                suppressed,
            });
            self.services.bus.publish(ctx.event(ts, kind));
        }
        None
    }

    async fn connection(
        &self,
        mut stream: TcpStream,
        peer: SocketAddr,
        mut shutdown: watch::Receiver<bool>,
    ) {
        let local = stream.local_addr().unwrap_or(self.cfg.listen);
        let _ = stream.set_nodelay(true);
        // Boxed: a local of 3 KiB would stay in the connection task's state for the whole
        // session, even after it moved into the shared state.
        let mut driver = Box::new(SessionDriver::new(
            Arc::clone(&self.services),
            peer,
            local,
            Protocol::Ssh,
        ));
        let mut banner = OPENSSH_BANNER.as_bytes().to_vec();
        banner.extend_from_slice(b"\r\n");
        // sshd re-executes itself for every connection before it speaks: about 15 ms on the
        // reference host. Answering in 0.1 ms would single us out.
        tokio::time::sleep(Duration::from_micros(
            12_000 + rand::random::<u64>() % 6_000,
        ))
        .await;
        if stream.write_all(&banner).await.is_err() {
            Box::pin(driver.finish(EndReason::ClientClosed)).await;
            return;
        }
        // Large, short-lived futures (reading the id line, starting russh, finishing the
        // session) are boxed so that the connection task, which lives as long as the session,
        // stays small: dhat showed 15 KiB per idle session before.
        let ident = tokio::time::timeout(
            self.cfg.login_grace,
            Box::pin(read_client_ident(&mut stream)),
        )
        .await;
        let (line, replay) = match ident {
            Err(_) => {
                Box::pin(driver.finish(EndReason::LoginGraceTimeout)).await;
                return;
            }
            Ok(Err(_)) | Ok(Ok(IdentOutcome::Closed)) => {
                Box::pin(driver.finish(EndReason::ClientClosed)).await;
                return;
            }
            Ok(Ok(IdentOutcome::Rejected { reply, reset, line })) => {
                driver.emit(EventKind::ClientVersion { version: line });
                let _ = stream.write_all(reply).await;
                if reset {
                    // Close with RST, as sshd's close with unread input does.
                    let _ = stream.set_zero_linger();
                }
                drop(stream);
                Box::pin(driver.finish(EndReason::BadIdentification)).await;
                return;
            }
            Ok(Ok(IdentOutcome::Valid { line, rest })) => {
                let replay = crate::ident::replay_for_russh(&line, &rest);
                (line, replay)
            }
        };
        driver.emit(EventKind::ClientVersion { version: line });
        // sshd sends its KEXINIT about 10 ms after the client's line (privilege separation
        // set-up); russh would answer at once.
        tokio::time::sleep(Duration::from_micros(8_000 + rand::random::<u64>() % 5_000)).await;
        let ctx = driver.context().clone();
        let bus = self.services.bus.clone();
        let conn: SharedConn = Arc::new(Mutex::new(ConnState {
            driver: Some(driver),
            ..ConnState::default()
        }));
        let (stream, kill) = Killable::new(stream);
        let (tap, kex_rx) = KexTap::new(stream, replay, banner.len());
        drop(banner);
        tokio::spawn(async move {
            if let Ok(k) = kex_rx.await {
                let kind = EventKind::ClientKex {
                    hassh: k.hassh(),
                    hassh_algorithms: k.hassh_algorithms(),
                    kex_algorithms: k.kex,
                    host_key_algorithms: k.host_key,
                    encryption_algorithms: k.enc_c2s,
                    mac_algorithms: k.mac_c2s,
                    compression_algorithms: k.comp_c2s,
                };
                bus.publish(ctx.event(time::OffsetDateTime::now_utc(), kind));
            }
        });
        let handler = SshHandler {
            conn: Arc::clone(&conn),
            access: Arc::clone(&self.services.access),
            peer: peer.ip(),
            channels: Default::default(),
            pty_channels: Vec::new(),
            scp: Default::default(),
            first_user: None,
            backlog: Vec::new(),
        };
        let started = Box::pin(russh::server::run_stream(
            Arc::clone(&self.russh),
            tap,
            handler,
        ))
        .await;
        let reason = match started {
            Err(_) => Some(EndReason::ProtocolError),
            Ok(running) => {
                let handle = running.handle();
                lock(&conn).handle = Some(handle.clone());
                // One timer for both deadlines (login grace, then the session-time limit):
                // it lives as long as the session, and every byte of it is per session.
                let start = tokio::time::Instant::now();
                let max_session = self.cfg.max_session;
                let mut grace_at = Some(start + self.cfg.login_grace);
                let mut session_at = (!max_session.is_zero()).then(|| start + max_session);
                let next = |a: Option<tokio::time::Instant>, b: Option<tokio::time::Instant>| {
                    a.into_iter().chain(b).min()
                };
                let timer = tokio::time::sleep_until(
                    next(grace_at, session_at).unwrap_or(start + self.cfg.login_grace),
                );
                tokio::pin!(timer);
                tokio::pin!(running);
                loop {
                    tokio::select! {
                        _ = &mut timer, if grace_at.is_some() || session_at.is_some() => {
                            let now = tokio::time::Instant::now();
                            if grace_at.is_some_and(|t| t <= now) {
                                grace_at = None;
                                if !lock(&conn).authenticated {
                                    lock(&conn).end_reason.get_or_insert(EndReason::LoginGraceTimeout);
                                    let _ = handle.disconnect(russh::Disconnect::ByApplication, String::new(), String::new()).await;
                                }
                            }
                            if session_at.is_some_and(|t| t <= now) {
                                session_at = None;
                                {
                                    let mut st = lock(&conn);
                                    st.end_reason.get_or_insert(EndReason::LimitReached);
                                    if let Some(d) = st.driver.as_mut() {
                                        d.limit_hit(LimitKind::SessionTime, max_session.as_secs());
                                    }
                                }
                                let _ = handle.disconnect(russh::Disconnect::ByApplication, String::new(), String::new()).await;
                            }
                            if let Some(t) = next(grace_at, session_at) {
                                timer.as_mut().reset(t);
                            }
                        }
                        res = &mut running => {
                            break match res {
                                Ok(()) => None,
                                Err(_) => Some(EndReason::ProtocolError),
                            };
                        }
                        _ = shutdown.changed() => {
                            // sshd's session process, on SIGTERM, logs "Received signal 15;
                            // terminating." and exits without a disconnect message: the
                            // client prints "Connection to HOST closed by remote host." So
                            // the stream is cut, and russh ends the session and closes it.
                            lock(&conn).end_reason.get_or_insert(EndReason::ServerShutdown);
                            kill.trigger();
                            let _ = tokio::time::timeout(Duration::from_secs(2), &mut running).await;
                            break None;
                        }
                    }
                }
            }
        };
        let (driver, end) = {
            let mut st = lock(&conn);
            (
                st.driver.take(),
                st.end_reason.or(reason).unwrap_or(EndReason::ClientClosed),
            )
        };
        if let Some(d) = driver {
            Box::pin(d.finish(end)).await;
        }
    }
}
