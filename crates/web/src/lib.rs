//! The analyst dashboard and its JSON API: server-rendered pages (askama, autoescaped) over
//! the event store, with the live event broadcast for what is happening now.
//!
//! The web never names a front or the runtime: it reads the store (its own connection pool,
//! so dashboard queries never take the sensor's writer connections), a
//! `broadcast::Receiver<Arc<Event>>` of accepted events, and two small traits the binary
//! implements ([`TtySource`] for live terminal output, [`StatsSource`] for pipeline
//! counters). The binary runs it on a runtime of its own thread, so a heavy dashboard user
//! costs the honeypot's sessions no time on their thread.
//!
//! Everything the dashboard shows came from an attacker. Pages are askama templates, which
//! escape every value; scripts come only from `/static` (embedded in the binary) under a CSP
//! without `unsafe-inline`, and data reaches scripts through `/api` as JSON, never inlined.
//!
//! # Layout
//! - [`Dashboard`], [`WebConfig`] (this file): construction, the router, serving.
//! - `auth`: analyst passwords (argon2), login sessions, CSRF, the failed-login limiter, and
//!   the middleware that refuses every route without a session.
//! - `security`: response headers (CSP and friends). `assets`: the embedded static files.
//! - `live`: the hub fed by the event broadcast (live sessions, per-session streams, counters).
//! - `metrics`: `/metrics` for Prometheus.
//! - `query`: URL query strings to store filters. `pages/*`: one module per page, each with
//!   a data function shared by its HTML handler and its `/api` twin (`api`).
//! - `error`: [`WebError`].
#![deny(missing_docs)]

mod api;
mod assets;
pub mod auth;
mod error;
mod live;
mod metrics;
mod pages;
mod query;
mod security;
mod views;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use miragepot_event::{Event, SessionId};
use miragepot_store::Store;
use tokio::net::TcpListener;
use tokio::sync::{broadcast, watch};

pub use error::WebError;
pub use live::LiveHub;
pub use metrics::{Metric, MetricKind};

/// Dashboard settings (the `[web]` section, resolved by the binary).
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The sensor's data directory (recordings are read from its `recordings/`).
    pub data_dir: std::path::PathBuf,
    /// Where the dashboard listens (127.0.0.1:8000 by default).
    pub listen: SocketAddr,
    /// Mark cookies `Secure` (set when the dashboard is served behind TLS).
    pub cookie_secure: bool,
    /// How long a login lasts at most.
    pub session_ttl: Duration,
    /// How long a login lasts without a request.
    pub idle_ttl: Duration,
    /// A bearer token that also opens `/metrics` (for a Prometheus scraper); `None` means
    /// only a logged-in analyst can read it.
    pub metrics_token: Option<String>,
    /// Failed logins one client address may make in `login_window` before it is refused.
    pub max_login_failures: u32,
    /// The window of `max_login_failures`.
    pub login_window: Duration,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            data_dir: std::path::PathBuf::from("data"),
            listen: SocketAddr::from(([127, 0, 0, 1], 8000)),
            cookie_secure: false,
            session_ttl: Duration::from_secs(12 * 3600),
            idle_ttl: Duration::from_secs(2 * 3600),
            metrics_token: None,
            max_login_failures: 5,
            login_window: Duration::from_secs(600),
        }
    }
}

/// A live terminal feed: the asciicast recording so far and the lines that follow.
pub struct TtyFeed {
    /// The asciicast v2 text recorded so far (header line first), possibly cut at a cap.
    pub so_far: Vec<u8>,
    /// Further asciicast event lines (`[time, "o", data]`), as they are recorded.
    pub rx: broadcast::Receiver<Arc<str>>,
}

/// Where live terminal output comes from (the runtime's recorders, wired by the binary).
pub trait TtySource: Send + Sync {
    /// The feed of a running session, `None` when it is not running or not recorded.
    fn subscribe(&self, session: SessionId) -> Option<TtyFeed>;
}

/// Pipeline and process figures for `/metrics` that only the binary can read.
pub trait StatsSource: Send + Sync {
    /// The current values.
    fn metrics(&self) -> Vec<Metric>;
}

/// Shared state of every handler.
pub(crate) struct AppState {
    pub cfg: WebConfig,
    pub store: Store,
    pub hub: Arc<LiveHub>,
    pub auth: auth::Auth,
    pub tty: Option<Arc<dyn TtySource>>,
    pub stats: Option<Arc<dyn StatsSource>>,
}

/// The dashboard: state plus the router over it.
#[derive(Clone)]
pub struct Dashboard {
    state: Arc<AppState>,
}

impl Dashboard {
    /// Builds the dashboard and starts its live hub on the current runtime.
    pub fn new(
        cfg: WebConfig,
        store: Store,
        events: broadcast::Receiver<Arc<Event>>,
        tty: Option<Arc<dyn TtySource>>,
        stats: Option<Arc<dyn StatsSource>>,
    ) -> Dashboard {
        let hub = Arc::new(LiveHub::new());
        tokio::spawn(Arc::clone(&hub).run(events));
        let auth = auth::Auth::new(&cfg);
        Dashboard {
            state: Arc::new(AppState {
                cfg,
                store,
                hub,
                auth,
                tty,
                stats,
            }),
        }
    }

    /// The live hub (for tests and the binary's own figures).
    pub fn hub(&self) -> &Arc<LiveHub> {
        &self.state.hub
    }

    /// Every route, behind the login and the security headers.
    pub fn router(&self) -> Router {
        let state = Arc::clone(&self.state);
        let protected = pages::routes()
            .merge(api::routes())
            .merge(metrics::routes())
            .merge(auth::protected_routes())
            .route_layer(axum::middleware::from_fn_with_state(
                Arc::clone(&state),
                auth::require_login,
            ));
        Router::new()
            .merge(protected)
            .merge(auth::routes())
            .merge(assets::routes())
            .fallback(auth::not_found)
            .layer(axum::middleware::from_fn(security::headers))
            .with_state(state)
    }

    /// Serves until `stop` turns true; requests in flight finish first.
    pub async fn serve(
        self,
        listener: TcpListener,
        mut stop: watch::Receiver<bool>,
    ) -> std::io::Result<()> {
        let app = self
            .router()
            .into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                while !*stop.borrow() {
                    if stop.changed().await.is_err() {
                        break;
                    }
                }
            })
            .await
    }
}
