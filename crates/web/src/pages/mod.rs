//! The HTML pages. Each page module has a data function (shared with its `/api` twin in
//! `crate::api`) and a handler that renders that data with an askama template.
//!
//! Templates get attacker text as plain strings and askama escapes it; nothing here builds
//! HTML by hand.

pub(crate) mod analytics;
pub(crate) mod attackers;
pub(crate) mod export;
pub(crate) mod overview;
pub(crate) mod session;
pub(crate) mod sessions;
pub(crate) mod stream;
pub(crate) mod timeline;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;
use crate::auth::Analyst;

/// What the page frame (`base.html`) needs: who is logged in, the CSRF token for forms and
/// htmx requests, and which tab is active.
#[derive(Debug, Clone)]
pub(crate) struct Nav {
    pub user: String,
    pub csrf: String,
    pub tab: &'static str,
}

impl Nav {
    pub(crate) fn new(analyst: &Analyst, tab: &'static str) -> Nav {
        Nav {
            user: analyst.user.clone(),
            csrf: analyst.csrf.clone(),
            tab,
        }
    }
}

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(overview::page))
        .route("/sessions", get(sessions::page))
        .route("/sessions/{id}", get(session::page))
        .route("/sessions/{id}/cast", get(stream::cast))
        .route("/sessions/{id}/live", get(stream::live_tty))
        .route("/sessions/{id}/events", get(stream::live_events))
        .route("/sessions/{id}/tags", post(session::add_tag))
        .route("/sessions/{id}/tags/remove", post(session::remove_tag))
        .route("/sessions/{id}/export/{format}", get(export::one))
        .route("/export/{format}", get(export::many))
        .route("/attackers/{ip}", get(attackers::page))
        .route("/attackers/{ip}/block", post(attackers::block))
        .route("/attackers/{ip}/unblock", post(attackers::unblock))
        .route("/analytics", get(analytics::page))
}
