//! The russh handler for one connection: auth, channels and requests, mapped onto the
//! session's [`SessionDriver`].
//!
//! Behaviour follows Debian 12's sshd (`../shared/reference/sshd_config.reference`):
//! `publickey,password` are offered; public keys are always refused; passwords follow the
//! access policy ([`miragepot_runtime::policy::Access`]); `direct-tcpip`, `tcpip-forward`, streamlocal, X11 and agent forwarding are
//! recorded and refused the way sshd refuses them with forwarding disabled (channel open
//! failure "administratively prohibited: open failed", request failure). `env` requests
//! are recorded, and only `LANG` and `LC_*` reach the shell (`AcceptEnv LANG LC_*`).
//!
//! Every call into the driver returns at once (the shell is pure), so no handler method
//! waits on anything but russh itself and the pacing timer; a line held for the LLM is
//! settled in its own task ([`crate::ask`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use miragepot_event::{AuthMethod, EndReason, EventKind, ForwardKind};
use miragepot_runtime::policy::{Access, Verdict, refused_method_rule};
use miragepot_runtime::{Output, SessionDriver};
use russh::keys::HashAlg;
use russh::server::{Auth, Msg, Session};
use russh::{Channel, ChannelId, ChannelOpenFailure};

/// Connection state shared between the handler, the connection task and SFTP tasks.
#[derive(Debug, Default)]
pub struct ConnState {
    /// The session, until the connection task takes it to finish it.
    pub driver: Option<Box<SessionDriver>>,
    /// Whether a login succeeded.
    pub authenticated: bool,
    /// Set when the shell ended the session.
    pub end_reason: Option<EndReason>,
    /// The running session's handle, to disconnect from inside auth callbacks.
    pub handle: Option<russh::server::Handle>,
    /// Set while a task settles an LLM question ([`crate::ask`]): input and EOFs wait in
    /// `deferred` so the task's output and theirs reach the client in order.
    pub llm_busy: bool,
    /// Input that arrived while `llm_busy` (bounded by [`crate::ask::MAX_DEFERRED`]).
    pub deferred: std::collections::VecDeque<(ChannelId, crate::ask::Deferred)>,
    /// Bytes held in `deferred`.
    pub deferred_bytes: usize,
}

/// Shared handle to [`ConnState`].
pub type SharedConn = Arc<Mutex<ConnState>>;

/// Locks the connection state; a poisoned lock (a panic elsewhere) still yields the state.
pub fn lock(conn: &SharedConn) -> std::sync::MutexGuard<'_, ConnState> {
    conn.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The per-connection russh handler.
pub struct SshHandler {
    pub(crate) conn: SharedConn,
    pub(crate) access: Arc<Access>,
    pub(crate) peer: std::net::IpAddr,
    /// Session channels not yet bound to a shell, exec or subsystem.
    pub(crate) channels: HashMap<ChannelId, Channel<Msg>>,
    pub(crate) pty_channels: Vec<ChannelId>,
    /// Channels running the legacy `scp -t` sink.
    pub(crate) scp: HashMap<ChannelId, crate::sftp::ScpSink>,
    /// The username of the first auth request; sshd refuses to let it change.
    pub(crate) first_user: Option<String>,
    /// Output bytes handed to russh per channel since the client last had nothing queued
    /// (a Vec: a session has one or two channels, and an empty Vec costs no allocation).
    pub(crate) backlog: Vec<(ChannelId, usize)>,
}

/// Output a channel may have queued for a client that does not read.
const MAX_BACKLOG: usize = 2 << 20;

impl SshHandler {
    fn with_driver<R>(&self, f: impl FnOnce(&mut SessionDriver) -> R) -> Option<R> {
        let mut st = lock(&self.conn);
        st.driver.as_deref_mut().map(f)
    }

    fn emit(&self, kind: EventKind) {
        self.with_driver(|d| d.emit(kind));
    }

    /// sshd ends the connection when a later auth request names another user:
    /// `Change of username or service not allowed: (root,ssh-connection) -> (x,ssh-connection)`.
    /// Returns false (and starts the disconnect) on such a change.
    fn same_user(&mut self, user: &str) -> bool {
        let first = self.first_user.get_or_insert_with(|| user.to_string());
        if first == user {
            return true;
        }
        let msg = format!(
            "Change of username or service not allowed: ({first},ssh-connection) -> ({user},ssh-connection)"
        );
        let handle = lock(&self.conn).handle.clone();
        if let Some(h) = handle {
            tokio::spawn(async move {
                let _ = h
                    .disconnect(russh::Disconnect::ProtocolError, msg, String::new())
                    .await;
            });
        }
        false
    }

    /// Records a forwarding request (always refused by the caller).
    fn forward(
        &self,
        kind: ForwardKind,
        host: Option<String>,
        port: Option<u32>,
        origin_host: Option<String>,
        origin_port: Option<u32>,
    ) {
        self.emit(EventKind::ForwardRequest {
            kind,
            host,
            port,
            origin_host,
            origin_port,
        });
    }

    /// Records an exec line the shell does not run itself (the scp sink).
    pub(crate) fn emit_input(&self, line: &str) {
        self.emit(EventKind::CommandInput {
            input: line.to_string(),
            mode: miragepot_event::InputMode::Exec,
            threat_score: 0,
            threat_rules: Vec::new(),
        });
    }

    /// A client that stops reading leaves our output queued in russh (its window is shut).
    /// Past [`MAX_BACKLOG`] bytes queued on a channel, further output is dropped (counted in
    /// the log) until the client reads again, so such a client holds a bounded amount of
    /// memory. A client cannot tell: it is not reading.
    fn bound_backlog(&mut self, channel: ChannelId, out: &mut Output, session: &Session) {
        let i = match self.backlog.iter().position(|(c, _)| *c == channel) {
            Some(i) => i,
            None => {
                self.backlog.push((channel, 0));
                self.backlog.len() - 1
            }
        };
        let Some((_, queued)) = self.backlog.get_mut(i) else {
            return;
        };
        if !session.has_pending_data(channel) {
            *queued = 0;
        }
        let n = out.out.len() + out.err.len();
        if *queued + n > MAX_BACKLOG {
            tracing::debug!(?channel, bytes = n, "Client not reading: output dropped.");
            out.out.clear();
            out.err.clear();
        } else {
            *queued += n;
        }
    }

    /// Sends a shell's answer, first waiting as long as the persona says it took (pacing).
    /// The wait is a timer on this connection's task: it costs no thread.
    async fn send(
        &mut self,
        channel: ChannelId,
        mut out: Output,
        session: &mut Session,
    ) -> Result<(), russh::Error> {
        if !out.delay.is_zero() {
            tokio::time::sleep(out.delay).await;
        }
        self.bound_backlog(channel, &mut out, session);
        if !out.out.is_empty() {
            session.data(channel, out.out)?;
        }
        if !out.err.is_empty() {
            session.extended_data(channel, 1, out.err)?;
        }
        if let Some(code) = out.exit {
            session.exit_status_request(channel, u32::try_from(code & 0xff).unwrap_or(255))?;
            session.eof(channel)?;
            session.close(channel)?;
            let mut st = lock(&self.conn);
            st.end_reason.get_or_insert(EndReason::ShellExit);
        }
        if let Some(reason) = out.end {
            // A limit ended the session (it overrides an earlier exec's exit): sshd's
            // answer to a killed session is the connection closing.
            lock(&self.conn).end_reason = Some(reason);
            session.disconnect(russh::Disconnect::ByApplication, "", "")?;
        } else if let Some(pending) = out.ask {
            lock(&self.conn).llm_busy = true;
            crate::ask::spawn(Arc::clone(&self.conn), channel, pending);
        }
        Ok(())
    }
}

/// sshd's answer to a channel it will not open: "administratively prohibited: open failed".
fn open_failed() -> ChannelOpenFailure {
    ChannelOpenFailure::Other {
        code: 1,
        reason: "open failed".into(),
    }
}

/// A rejection that keeps offering `publickey,password`, as sshd does after every failure
/// (russh would otherwise drop the method that just failed from the list).
fn reject() -> Auth {
    Auth::Reject {
        proceed_with_methods: Some(russh::MethodSet::from(
            &[russh::MethodKind::PublicKey, russh::MethodKind::Password][..],
        )),
        partial_success: false,
    }
}

impl russh::server::Handler for SshHandler {
    type Error = russh::Error;

    async fn auth_none(&mut self, user: &str) -> Result<Auth, Self::Error> {
        self.same_user(user);
        self.emit(EventKind::AuthAttempt {
            method: AuthMethod::None,
            username: user.to_string(),
            password: None,
            key_fingerprint: None,
            success: false,
            rule: Some(refused_method_rule("none")),
        });
        Ok(reject())
    }

    async fn auth_password(&mut self, user: &str, password: &str) -> Result<Auth, Self::Error> {
        let verdict = if self.same_user(user) {
            self.access.password(
                self.peer,
                user,
                password,
                std::time::Instant::now(),
                time::OffsetDateTime::now_utc(),
            )
        } else {
            Verdict {
                accept: false,
                rule: "username_change".into(),
                events: Vec::new(),
            }
        };
        let ok = verdict.accept;
        tracing::debug!(ip = %self.peer, user, password = %self.access.shown(password),
            accepted = ok, rule = %verdict.rule, "Password login.");
        self.emit(EventKind::AuthAttempt {
            method: AuthMethod::Password,
            username: user.to_string(),
            password: Some(password.to_string()),
            key_fingerprint: None,
            success: ok,
            rule: Some(verdict.rule),
        });
        for kind in verdict.events {
            self.emit(kind);
        }
        if ok {
            let mut st = lock(&self.conn);
            st.authenticated = true;
            if let Some(d) = st.driver.as_mut() {
                d.set_user(user);
            }
            Ok(Auth::Accept)
        } else {
            Ok(reject())
        }
    }

    async fn auth_publickey_offered(
        &mut self,
        user: &str,
        offer: russh::server::PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        self.same_user(user);
        self.emit(EventKind::AuthAttempt {
            method: AuthMethod::Publickey,
            username: user.to_string(),
            password: None,
            key_fingerprint: Some(offer.public_key.fingerprint(HashAlg::Sha256).to_string()),
            success: false,
            rule: Some(refused_method_rule("publickey")),
        });
        Ok(reject())
    }

    async fn auth_keyboard_interactive<'a>(
        &'a mut self,
        user: &str,
        _submethods: &str,
        _response: Option<russh::server::Response<'a>>,
    ) -> Result<Auth, Self::Error> {
        self.emit(EventKind::AuthAttempt {
            method: AuthMethod::KeyboardInteractive,
            username: user.to_string(),
            password: None,
            key_fingerprint: None,
            success: false,
            rule: Some(refused_method_rule("keyboard_interactive")),
        });
        Ok(reject())
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: russh::server::ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.channels.len() >= 10 {
            // sshd's MaxSessions default.
            reply.reject(open_failed()).await;
            return Ok(());
        }
        self.channels.insert(channel.id(), channel);
        reply.accept().await;
        Ok(())
    }

    async fn channel_open_direct_tcpip(
        &mut self,
        _channel: Channel<Msg>,
        host: &str,
        port: u32,
        origin_host: &str,
        origin_port: u32,
        reply: russh::server::ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.forward(
            ForwardKind::DirectTcpip,
            Some(host.to_string()),
            Some(port),
            Some(origin_host.to_string()),
            Some(origin_port),
        );
        reply.reject(open_failed()).await;
        Ok(())
    }

    async fn channel_open_direct_streamlocal(
        &mut self,
        _channel: Channel<Msg>,
        socket_path: &str,
        reply: russh::server::ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.forward(
            ForwardKind::Streamlocal,
            Some(socket_path.to_string()),
            None,
            None,
            None,
        );
        reply.reject(open_failed()).await;
        Ok(())
    }

    async fn channel_open_x11(
        &mut self,
        _channel: Channel<Msg>,
        origin_host: &str,
        origin_port: u32,
        reply: russh::server::ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.forward(
            ForwardKind::X11,
            None,
            None,
            Some(origin_host.to_string()),
            Some(origin_port),
        );
        reply.reject(open_failed()).await;
        Ok(())
    }

    async fn tcpip_forward(
        &mut self,
        address: &str,
        port: &mut u32,
        _session: &mut Session,
    ) -> Result<bool, Self::Error> {
        self.forward(
            ForwardKind::TcpipForward,
            Some(address.to_string()),
            Some(*port),
            None,
            None,
        );
        Ok(false)
    }

    async fn x11_request(
        &mut self,
        channel: ChannelId,
        _single: bool,
        _proto: &str,
        _cookie: &str,
        screen: u32,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.forward(ForwardKind::X11, None, Some(screen), None, None);
        session.channel_failure(channel)
    }

    async fn agent_request(
        &mut self,
        _channel: ChannelId,
        _session: &mut Session,
    ) -> Result<bool, Self::Error> {
        self.forward(ForwardKind::Agent, None, None, None, None);
        Ok(false)
    }

    async fn pty_request(
        &mut self,
        channel: ChannelId,
        term: &str,
        cols: u32,
        rows: u32,
        _pw: u32,
        _ph: u32,
        _modes: &[(russh::Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let term = term.chars().take(64).collect::<String>();
        // A client whose own stdin is no terminal (`ssh -tt` from a script) sends 0x0; the
        // kernel's pty then reports 0 columns and programs fall back to 80x24.
        let (cols, rows) = (
            if cols == 0 { 80 } else { cols },
            if rows == 0 { 24 } else { rows },
        );
        self.with_driver(|d| d.pty_request(&term, cols.clamp(1, 1000), rows.clamp(1, 1000)));
        self.pty_channels.push(channel);
        session.channel_success(channel)
    }

    async fn env_request(
        &mut self,
        channel: ChannelId,
        name: &str,
        value: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let accepted = name == "LANG" || name.starts_with("LC_");
        let (name, value) = (name.to_string(), value.to_string());
        self.with_driver(|d| {
            if accepted {
                d.env_request(&name, &value);
            } else {
                d.emit(EventKind::EnvRequest {
                    name: name.clone(),
                    value: value.clone(),
                });
            }
        });
        // sshd answers env requests without asking for a reply; when one is asked, it
        // reports failure for names outside AcceptEnv.
        if accepted {
            session.channel_success(channel)
        } else {
            session.channel_failure(channel)
        }
    }

    async fn window_change_request(
        &mut self,
        _channel: ChannelId,
        cols: u32,
        rows: u32,
        _pw: u32,
        _ph: u32,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        let (cols, rows) = (
            if cols == 0 { 80 } else { cols },
            if rows == 0 { 24 } else { rows },
        );
        self.with_driver(|d| d.window_change(cols.clamp(1, 1000), rows.clamp(1, 1000)));
        Ok(())
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.channels.remove(&channel);
        session.channel_success(channel)?;
        let out = self.with_driver(|d| d.start_shell()).unwrap_or_default();
        self.send(channel, out, session).await
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.channels.remove(&channel);
        session.channel_success(channel)?;
        let line = String::from_utf8_lossy(data).into_owned();
        if line.starts_with("scp ") && line.contains(" -t") {
            // Legacy scp upload sink; see sftp.rs.
            return crate::sftp::start_scp_sink(self, channel, &line, session);
        }
        let mut out = self.with_driver(|d| d.exec(&line)).unwrap_or_default();
        if out.exit.is_none() && out.ask.is_none() {
            out.exit = Some(0);
        }
        self.send(channel, out, session).await
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        if name == "sftp"
            && let Some(ch) = self.channels.remove(&channel)
        {
            session.channel_success(channel)?;
            crate::sftp::spawn_sftp(Arc::clone(&self.conn), ch);
            return Ok(());
        }
        self.emit(EventKind::ChannelRequest {
            request: format!("subsystem:{name}"),
            accepted: false,
        });
        session.channel_failure(channel)
    }

    async fn data(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        if crate::sftp::scp_data(self, channel, data, session)? {
            return Ok(());
        }
        if crate::ask::defer(
            &self.conn,
            channel,
            crate::ask::Deferred::Data(data.to_vec()),
        ) {
            return Ok(());
        }
        let out = self.with_driver(|d| d.data(data)).unwrap_or_default();
        self.send(channel, out, session).await
    }

    async fn channel_eof(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        if crate::sftp::scp_eof(self, channel, session)? {
            return Ok(());
        }
        // EOF on a non-pty shell's stdin: bash reaches end of input and exits.
        if !self.pty_channels.contains(&channel) {
            if crate::ask::defer(&self.conn, channel, crate::ask::Deferred::Eof) {
                return Ok(());
            }
            let out = self
                .with_driver(SessionDriver::stdin_eof)
                .unwrap_or_default();
            if out.exit.is_some() {
                return self.send(channel, out, session).await;
            }
        }
        Ok(())
    }

    async fn signal(
        &mut self,
        _channel: ChannelId,
        signal: russh::Sig,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.emit(EventKind::ChannelRequest {
            request: format!("signal:{signal:?}"),
            accepted: false,
        });
        Ok(())
    }
}
