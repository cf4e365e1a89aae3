//! The login page, the login form's handler and logout.
//!
//! The login form is protected against cross-site posting by a double-submit token: `GET
//! /login` sets a short-lived `mp_login` cookie (SameSite=Strict) and puts the same value in
//! the form; `POST /login` accepts only when both agree. `next` is followed only when it is a
//! path on this site.

use std::net::SocketAddr;
use std::sync::Arc;

use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use serde::Deserialize;

use super::{Analyst, COOKIE, cookie, same, token};
use crate::AppState;
use crate::views::render;

const LOGIN_COOKIE: &str = "mp_login";

/// The login form (served without a login).
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/login", get(login_page).post(login_submit))
}

/// Logout (behind the login and its CSRF check).
pub(crate) fn protected_routes() -> Router<Arc<AppState>> {
    Router::new().route("/logout", post(logout))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    csrf: &'a str,
    next: &'a str,
    error: Option<&'a str>,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// A `next` target that stays on this site (`/...` but not `//host` or `/\host`).
fn local_path(next: Option<&str>) -> &str {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.chars().any(char::is_control) =>
        {
            n
        }
        _ => "/",
    }
}

fn page(state: &AppState, next: &str, error: Option<&str>, status: StatusCode) -> Response {
    let csrf = token();
    let secure = if state.auth.secure() { "; Secure" } else { "" };
    let cookie = format!(
        "{LOGIN_COOKIE}={csrf}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=900{secure}"
    );
    match render(&LoginPage {
        csrf: &csrf,
        next,
        error,
    }) {
        Ok(html) => {
            let mut resp = (status, html).into_response();
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                resp.headers_mut().append(header::SET_COOKIE, v);
            }
            resp
        }
        Err(e) => e.into_response(),
    }
}

async fn login_page(State(state): State<Arc<AppState>>, Query(q): Query<NextQuery>) -> Response {
    page(&state, local_path(q.next.as_deref()), None, StatusCode::OK)
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    csrf: String,
    next: Option<String>,
}

async fn login_submit(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let ip = peer.ip();
    let next = local_path(form.next.as_deref()).to_string();
    let form_ok = cookie(&headers, LOGIN_COOKIE).is_some_and(|c| same(c, &form.csrf));
    if !form_ok {
        return page(
            &state,
            &next,
            Some("The form expired; please try again."),
            StatusCode::FORBIDDEN,
        );
    }
    if let Err(wait) = state.auth.may_try(ip) {
        tracing::warn!(client = %ip, "Dashboard login refused: too many failures.");
        let mut resp = page(
            &state,
            &next,
            Some("Too many failed logins; wait and try again."),
            StatusCode::TOO_MANY_REQUESTS,
        );
        if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return resp;
    }
    let username = form.username.trim();
    let ok = username.len() <= 128
        && form.password.len() <= 1024
        && crate::auth::password::check_login(&state.store, username, &form.password)
            .await
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "Dashboard login check failed.");
                false
            });
    if !ok {
        state.auth.failed(ip);
        tracing::warn!(client = %ip, "Dashboard login failed.");
        return page(
            &state,
            &next,
            Some("Wrong username or password."),
            StatusCode::UNAUTHORIZED,
        );
    }
    state.auth.succeeded(ip);
    tracing::info!(client = %ip, user = %username, "Analyst logged in.");
    let session = state.auth.start(username);
    let mut resp = Redirect::to(&next).into_response();
    for c in [
        state.auth.set_cookie(Some(&session)),
        format!("{LOGIN_COOKIE}=; Path=/login; HttpOnly; SameSite=Strict; Max-Age=0"),
    ] {
        if let Ok(v) = HeaderValue::from_str(&c) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

async fn logout(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Extension(analyst): Extension<Analyst>,
) -> Response {
    tracing::info!(user = %analyst.user, "Analyst logged out.");
    if let Some(t) = cookie(&headers, COOKIE) {
        state.auth.end(t);
    }
    let mut resp = Redirect::to("/login").into_response();
    if let Ok(v) = HeaderValue::from_str(&state.auth.set_cookie(None)) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn next_stays_on_site() {
        assert_eq!(local_path(Some("/sessions?x=1")), "/sessions?x=1");
        assert_eq!(local_path(Some("//evil.example/")), "/");
        assert_eq!(local_path(Some("/\\evil.example/")), "/");
        assert_eq!(local_path(Some("https://evil.example/")), "/");
        assert_eq!(local_path(Some("/a\r\nSet-Cookie: x")), "/");
        assert_eq!(local_path(None), "/");
    }
}
