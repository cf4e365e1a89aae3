//! The JSON API under `/api/`: every page's data, from the same functions the pages render
//! (documented in `docs/api.md`). Behind the same login as the pages; requests that change
//! something are the pages' forms, which also accept the `X-CSRF-Token` header.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Extension, Json, Router};
use miragepot_event::Event;
use serde_json::json;

use crate::auth::Analyst;
use crate::live::LiveSession;
use crate::pages::{analytics, attackers, overview, session, sessions};
use crate::{AppState, WebError};

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/me", get(me))
        .route("/api/overview", get(overview::api))
        .route("/api/histogram", get(overview::histogram))
        .route("/api/live", get(live))
        .route("/api/sessions", get(sessions::api))
        .route("/api/sessions/{id}", get(session::api))
        .route("/api/sessions/{id}/events", get(events))
        .route("/api/attackers/{ip}", get(attackers::api))
        .route("/api/analytics", get(analytics::api))
        .route("/api/tags", get(tags))
}

async fn me(Extension(analyst): Extension<Analyst>) -> Json<serde_json::Value> {
    Json(json!({ "user": analyst.user, "csrf": analyst.csrf }))
}

async fn live(State(state): State<Arc<AppState>>) -> Json<Vec<LiveSession>> {
    Json(state.hub.live_sessions())
}

/// Every stored event of a session, as in `docs/events.md`.
async fn events(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Json<Vec<Event>>, WebError> {
    let id = session::parse_id(&id)?;
    session::stored_row(&state, id).await?;
    Ok(Json(state.store.session_events(id).await?))
}

async fn tags(State(state): State<Arc<AppState>>) -> Result<Json<serde_json::Value>, WebError> {
    let tags = state.store.all_tags().await?;
    Ok(Json(json!(
        tags.into_iter()
            .map(|(tag, sessions)| json!({"tag": tag, "sessions": sessions}))
            .collect::<Vec<_>>()
    )))
}
