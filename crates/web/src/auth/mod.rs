//! Who may see the dashboard: login sessions, CSRF tokens, the failed-login limiter, and the
//! middleware that refuses every route without a login.
//!
//! A login is a random 256-bit token in an `HttpOnly; SameSite=Strict` cookie (`Secure` when
//! configured), kept in memory with an absolute and an idle lifetime (a restart logs
//! everyone out). Each login has its own CSRF token; every request that changes something
//! (any method but GET and HEAD) must carry it in the `X-CSRF-Token` header or a `csrf` form
//! field. Failed logins are limited per client address and in total. Tables are bounded: the
//! oldest login or limiter entry is dropped first.

mod login;
pub mod password;

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use crate::{AppState, WebConfig};

pub(crate) use login::{protected_routes, routes};

/// Logins kept at most (the oldest goes first).
const MAX_LOGINS: usize = 1024;
/// Client addresses the failed-login limiter remembers at most.
const MAX_LIMITER_ENTRIES: usize = 10_000;
/// Failed logins from all addresses together per minute before every login is refused.
const MAX_FAILURES_PER_MINUTE: u32 = 60;
/// The largest form body read to find a CSRF field.
const MAX_FORM_BYTES: usize = 64 * 1024;
/// The login cookie.
pub(crate) const COOKIE: &str = "mp_session";

/// The analyst behind a request (inserted by [`require_login`]).
#[derive(Debug, Clone)]
pub struct Analyst {
    /// The username.
    pub user: String,
    /// This login's CSRF token (put into forms and the `X-CSRF-Token` header).
    pub csrf: String,
}

#[derive(Debug)]
struct Login {
    analyst: Analyst,
    created: Instant,
    seen: Instant,
}

#[derive(Debug, Default)]
struct Failures {
    per_ip: HashMap<IpAddr, (Instant, u32)>,
    global: (Option<Instant>, u32),
}

/// Logins and the failed-login limiter.
pub(crate) struct Auth {
    logins: Mutex<HashMap<String, Login>>,
    failures: Mutex<Failures>,
    session_ttl: Duration,
    idle_ttl: Duration,
    max_failures: u32,
    window: Duration,
    secure: bool,
}

/// A fresh random token (256 bits, hex).
pub(crate) fn token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// Equality that takes the same time wherever the strings differ.
pub(crate) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The value of cookie `name` in `headers`.
pub(crate) fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

impl Auth {
    pub(crate) fn new(cfg: &WebConfig) -> Auth {
        Auth {
            logins: Mutex::new(HashMap::new()),
            failures: Mutex::new(Failures::default()),
            session_ttl: cfg.session_ttl,
            idle_ttl: cfg.idle_ttl,
            max_failures: cfg.max_login_failures.max(1),
            window: cfg.login_window,
            secure: cfg.cookie_secure,
        }
    }

    /// Starts a login for `user`; returns its cookie token.
    pub(crate) fn start(&self, user: &str) -> String {
        let token = token();
        let now = Instant::now();
        let Ok(mut logins) = self.logins.lock() else {
            return token;
        };
        logins.retain(|_, l| self.alive(l, now));
        if logins.len() >= MAX_LOGINS
            && let Some(oldest) = logins
                .iter()
                .min_by_key(|(_, l)| l.seen)
                .map(|(k, _)| k.clone())
        {
            logins.remove(&oldest);
        }
        logins.insert(
            token.clone(),
            Login {
                analyst: Analyst {
                    user: user.to_string(),
                    csrf: self::token(),
                },
                created: now,
                seen: now,
            },
        );
        token
    }

    fn alive(&self, l: &Login, now: Instant) -> bool {
        now.duration_since(l.created) < self.session_ttl
            && now.duration_since(l.seen) < self.idle_ttl
    }

    /// The analyst of a login token, refreshing its idle time.
    pub(crate) fn check(&self, token: &str) -> Option<Analyst> {
        let now = Instant::now();
        let mut logins = self.logins.lock().ok()?;
        let alive = logins.get(token).is_some_and(|l| self.alive(l, now));
        if !alive {
            logins.remove(token);
            return None;
        }
        let login = logins.get_mut(token)?;
        login.seen = now;
        Some(login.analyst.clone())
    }

    /// Ends a login.
    pub(crate) fn end(&self, token: &str) {
        if let Ok(mut logins) = self.logins.lock() {
            logins.remove(token);
        }
    }

    /// Whether `ip` may try to log in now (its failures and the global rate are under their
    /// limits). Returns the seconds to wait otherwise.
    pub(crate) fn may_try(&self, ip: IpAddr) -> Result<(), u64> {
        let now = Instant::now();
        let Ok(f) = self.failures.lock() else {
            return Err(60);
        };
        if let (Some(start), n) = f.global
            && now.duration_since(start) < Duration::from_secs(60)
            && n >= MAX_FAILURES_PER_MINUTE
        {
            return Err(60u64
                .saturating_sub(now.duration_since(start).as_secs())
                .max(1));
        }
        match f.per_ip.get(&ip) {
            Some((start, n))
                if now.duration_since(*start) < self.window && *n >= self.max_failures =>
            {
                let left = self.window.saturating_sub(now.duration_since(*start));
                Err(left.as_secs().max(1))
            }
            _ => Ok(()),
        }
    }

    /// Counts a failed login from `ip`.
    pub(crate) fn failed(&self, ip: IpAddr) {
        let now = Instant::now();
        let Ok(mut f) = self.failures.lock() else {
            return;
        };
        f.global = match f.global {
            (Some(start), n) if now.duration_since(start) < Duration::from_secs(60) => {
                (Some(start), n.saturating_add(1))
            }
            _ => (Some(now), 1),
        };
        let window = self.window;
        if f.per_ip.len() >= MAX_LIMITER_ENTRIES {
            f.per_ip
                .retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        if f.per_ip.len() >= MAX_LIMITER_ENTRIES {
            return; // every entry is fresh: the global limit still applies
        }
        let entry = f.per_ip.entry(ip).or_insert((now, 0));
        if now.duration_since(entry.0) >= window {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
    }

    /// Forgets `ip`'s failures (after a successful login).
    pub(crate) fn succeeded(&self, ip: IpAddr) {
        if let Ok(mut f) = self.failures.lock() {
            f.per_ip.remove(&ip);
        }
    }

    /// The `Set-Cookie` value for a login token (`None` clears the cookie).
    pub(crate) fn set_cookie(&self, token: Option<&str>) -> String {
        let secure = if self.secure { "; Secure" } else { "" };
        match token {
            Some(t) => format!(
                "{COOKIE}={t}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
                self.session_ttl.as_secs()
            ),
            None => format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}"),
        }
    }

    pub(crate) fn secure(&self) -> bool {
        self.secure
    }
}

/// Whether a refused request should be sent to the login page (a browser asking for a
/// page) rather than answered 401 (scripts, the API, forms).
fn wants_page(req: &Request) -> bool {
    req.method() == Method::GET
        && !req.uri().path().starts_with("/api/")
        && req.uri().path() != "/metrics"
        && req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("text/html"))
}

fn refuse(req: &Request) -> Response {
    if wants_page(req) {
        let next = req
            .uri()
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_string();
        let target = format!("/login?next={}", crate::views::url_component(&next));
        return Redirect::to(&target).into_response();
    }
    (
        StatusCode::UNAUTHORIZED,
        axum::Json(serde_json::json!({"error": "login required", "status": 401})),
    )
        .into_response()
}

fn bearer_ok(state: &AppState, req: &Request) -> bool {
    let Some(expected) = state.cfg.metrics_token.as_deref() else {
        return false;
    };
    req.uri().path() == "/metrics"
        && req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|t| !expected.is_empty() && same(t.trim(), expected))
}

/// Refuses a request without a live login (or, for `/metrics`, the metrics token), and any
/// state-changing request without the login's CSRF token.
pub(crate) async fn require_login(
    State(state): State<Arc<AppState>>,
    mut req: Request,
    next: Next,
) -> Response {
    if bearer_ok(&state, &req) {
        return next.run(req).await;
    }
    let analyst = cookie(req.headers(), COOKIE).and_then(|t| state.auth.check(t));
    let Some(analyst) = analyst else {
        return refuse(&req);
    };
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let (parts, body) = req.into_parts();
        let header_token = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
            return crate::WebError::bad("body", "too large").into_response();
        };
        let form_token = form_field(&bytes, "csrf");
        let ok = header_token
            .or(form_token)
            .is_some_and(|t| same(&t, &analyst.csrf));
        if !ok {
            return crate::WebError::Csrf.into_response();
        }
        req = Request::from_parts(parts, Body::from(bytes));
    }
    req.extensions_mut().insert(analyst);
    next.run(req).await
}

/// The first value of `name` in an `application/x-www-form-urlencoded` body.
fn form_field(body: &[u8], name: &str) -> Option<String> {
    crate::views::form_pairs(body)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// Unknown paths: 401 without a login (nothing answers without one), 404 with.
pub(crate) async fn not_found(State(state): State<Arc<AppState>>, req: Request) -> Response {
    let logged_in = cookie(req.headers(), COOKIE).and_then(|t| state.auth.check(t));
    if logged_in.is_none() {
        return refuse(&req);
    }
    crate::WebError::NotFound.into_response()
}
