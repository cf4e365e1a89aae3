//! `[web]`: the analyst dashboard's configuration, and starting it with `serve`.
//!
//! The dashboard runs on a thread of its own with its own one-thread runtime and its own
//! store pool: however hard analysts (or a scraper) load it, the honeypot's sessions keep
//! their thread and their writer connections. Its listener is bound before the sandbox
//! closes, like the SSH one. On the first start, when the store has no analyst, an `admin`
//! with a random password is created and the password printed once.

use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use miragepot_event::{Event, SessionId};
use miragepot_runtime::BusStats;
use miragepot_runtime::recording::TtyHub;
use miragepot_store::Store;
use miragepot_web::{Dashboard, Metric, MetricKind, StatsSource, TtyFeed, TtySource, WebConfig};
use serde::Deserialize;
use tokio::sync::{broadcast, watch};

use crate::config::Config;

/// `[web]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebSection {
    /// Serve the dashboard with the honeypot.
    pub enabled: bool,
    /// Where it listens. Keep it on loopback (or a management network) and put TLS in front.
    pub listen: SocketAddr,
    /// Mark the login cookie `Secure` (set this when a TLS proxy serves the dashboard).
    pub cookie_secure: bool,
    /// How long a login lasts at most, in hours.
    pub session_hours: u64,
    /// How long a login lasts without a request, in minutes.
    pub idle_minutes: u64,
    /// Failed logins one client address may make in `login_window_secs`.
    pub max_login_failures: u32,
    /// The window of `max_login_failures`.
    pub login_window_secs: u64,
    /// Name of an environment variable holding a bearer token for `/metrics` (for a
    /// Prometheus scraper); empty: only a logged-in analyst can read it.
    pub metrics_token_env: String,
}

impl Default for WebSection {
    fn default() -> Self {
        WebSection {
            enabled: true,
            listen: SocketAddr::from(([127, 0, 0, 1], 8000)),
            cookie_secure: false,
            session_hours: 12,
            idle_minutes: 120,
            max_login_failures: 5,
            login_window_secs: 600,
            metrics_token_env: String::new(),
        }
    }
}

impl WebSection {
    /// Checks values serde cannot.
    pub fn validate(&self) -> Result<()> {
        if self.session_hours == 0 || self.idle_minutes == 0 || self.login_window_secs == 0 {
            bail!(
                "web.session_hours, web.idle_minutes and web.login_window_secs must be at least 1"
            );
        }
        if self.max_login_failures == 0 {
            bail!("web.max_login_failures must be at least 1");
        }
        if self.metrics_token_env.starts_with("MIRAGEPOT_") {
            bail!(
                "web.metrics_token_env must not start with MIRAGEPOT_ (those are configuration overrides)"
            );
        }
        Ok(())
    }

    fn web_config(&self, cfg: &Config) -> WebConfig {
        let metrics_token = (!self.metrics_token_env.is_empty())
            .then(|| std::env::var(&self.metrics_token_env).ok())
            .flatten()
            .filter(|t| !t.trim().is_empty());
        WebConfig {
            data_dir: cfg.sensor.data_dir.clone(),
            listen: self.listen,
            cookie_secure: self.cookie_secure,
            session_ttl: Duration::from_secs(self.session_hours.saturating_mul(3600)),
            idle_ttl: Duration::from_secs(self.idle_minutes.saturating_mul(60)),
            metrics_token,
            max_login_failures: self.max_login_failures,
            login_window: Duration::from_secs(self.login_window_secs),
        }
    }
}

/// Binds the dashboard's listener (before the sandbox), when the dashboard is on.
pub fn bind(cfg: &Config) -> Result<Option<std::net::TcpListener>> {
    if !cfg.web.enabled {
        return Ok(None);
    }
    let l = std::net::TcpListener::bind(cfg.web.listen)
        .with_context(|| format!("cannot listen on {} (web.listen)", cfg.web.listen))?;
    l.set_nonblocking(true)
        .context("cannot set the dashboard listener non-blocking")?;
    Ok(Some(l))
}

/// Creates the first analyst when there is none, printing the password once.
pub async fn first_admin(store: &Store) -> Result<()> {
    if let Some(password) = miragepot_web::auth::password::ensure_admin(store)
        .await
        .context("cannot create the first dashboard analyst")?
    {
        println!(
            "miragepot: dashboard analyst created: user {} password {password} (shown once; change it with `miragepot user passwd {}`)",
            miragepot_web::auth::password::ADMIN,
            miragepot_web::auth::password::ADMIN
        );
    }
    Ok(())
}

struct Tty(Arc<TtyHub>);

impl TtySource for Tty {
    fn subscribe(&self, session: SessionId) -> Option<TtyFeed> {
        self.0
            .subscribe(session)
            .map(|(so_far, rx)| TtyFeed { so_far, rx })
    }
}

/// Pipeline figures for `/metrics`.
pub struct Stats {
    /// The bus counters.
    pub bus: Arc<BusStats>,
    /// Connections open now and refused so far, from the SSH front.
    pub connections: Box<dyn Fn() -> (usize, u64) + Send + Sync>,
}

impl StatsSource for Stats {
    fn metrics(&self) -> Vec<Metric> {
        use std::sync::atomic::Ordering::Relaxed;
        let b = &self.bus;
        let (accepted, dropped, dispatched, written, failed) = (
            b.accepted.load(Relaxed),
            b.dropped.load(Relaxed),
            b.dispatched.load(Relaxed),
            b.written.load(Relaxed),
            b.sink_failed.load(Relaxed),
        );
        let (active, refused) = (self.connections)();
        let m = |name, help, kind, value: f64| Metric {
            name,
            help,
            kind,
            value,
        };
        vec![
            m(
                "miragepot_events_accepted_total",
                "Events accepted onto the bus.",
                MetricKind::Counter,
                accepted as f64,
            ),
            m(
                "miragepot_events_dropped_total",
                "Events dropped because the bus was full.",
                MetricKind::Counter,
                dropped as f64,
            ),
            m(
                "miragepot_sink_written_total",
                "Events written by the sinks (all sinks together).",
                MetricKind::Counter,
                written as f64,
            ),
            m(
                "miragepot_sink_failed_total",
                "Events a sink could not write after retries.",
                MetricKind::Counter,
                failed as f64,
            ),
            m(
                "miragepot_sink_lag_events",
                "Events handed to sinks and not yet written.",
                MetricKind::Gauge,
                dispatched.saturating_sub(written + failed) as f64,
            ),
            m(
                "miragepot_connections_active",
                "SSH connections open now.",
                MetricKind::Gauge,
                active as f64,
            ),
            m(
                "miragepot_connections_refused_at_accept_total",
                "SSH connections refused at accept (limits and blocks).",
                MetricKind::Counter,
                refused as f64,
            ),
        ]
    }
}

/// The running dashboard.
pub struct WebHandle {
    stop: watch::Sender<bool>,
    thread: JoinHandle<()>,
    /// Where it listens.
    pub addr: SocketAddr,
}

impl WebHandle {
    /// Stops it; waits up to two seconds for requests in flight (live streams are cut).
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let thread = self.thread;
        let _ = tokio::time::timeout(
            Duration::from_secs(2),
            tokio::task::spawn_blocking(move || thread.join()),
        )
        .await;
    }
}

/// Starts the dashboard on its own thread.
pub fn start(
    cfg: &Config,
    listener: std::net::TcpListener,
    events: broadcast::Receiver<Arc<Event>>,
    tty: Arc<TtyHub>,
    stats: Stats,
) -> Result<WebHandle> {
    let addr = listener.local_addr().context("dashboard listener")?;
    let web_cfg = cfg.web.web_config(cfg);
    let store_url = cfg.store_url();
    let (stop_tx, stop_rx) = watch::channel(false);
    let thread = std::thread::Builder::new()
        .name("web".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    tracing::error!(error = %e, "Dashboard runtime failed to start.");
                    return;
                }
            };
            rt.block_on(async move {
                let store = match Store::open(&store_url).await {
                    Ok(s) => s,
                    Err(e) => {
                        tracing::error!(error = %e, "Dashboard cannot open the store.");
                        return;
                    }
                };
                let listener = match tokio::net::TcpListener::from_std(listener) {
                    Ok(l) => l,
                    Err(e) => {
                        tracing::error!(error = %e, "Dashboard listener failed.");
                        return;
                    }
                };
                let dash = Dashboard::new(
                    web_cfg,
                    store.clone(),
                    events,
                    Some(Arc::new(Tty(tty))),
                    Some(Arc::new(stats)),
                );
                if let Err(e) = dash.serve(listener, stop_rx).await {
                    tracing::error!(error = %e, "Dashboard stopped with an error.");
                }
                store.close().await;
            });
        })
        .context("cannot start the dashboard thread")?;
    Ok(WebHandle {
        stop: stop_tx,
        thread,
        addr,
    })
}
