//! The session page: a header (address, credentials, client, HASSH and family, duration,
//! risk, stage, tags), the timeline of every event, and the terminal replay (the recorded
//! asciicast, or the live feed while the session runs). Also the tag forms.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form, Json};
use miragepot_event::{Event, EventKind, SessionId};
use miragepot_store::SessionRow;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::Nav;
use super::timeline::{Row, row_of};
use crate::auth::Analyst;
use crate::views::{band_class, duration_ms, render, when};
use crate::{AppState, WebError};

/// Timeline rows shown at most (a session with more shows the first ones and says so;
/// exports hold everything).
const MAX_ROWS: usize = 5000;

/// Everything the session page shows.
#[derive(Debug, Serialize)]
pub(crate) struct SessionData {
    pub id: String,
    pub src_ip: String,
    pub src_port: u16,
    pub sensor: String,
    pub started: String,
    pub ended: Option<String>,
    pub duration: String,
    pub end_reason: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub login_success: bool,
    pub auth_attempts: i64,
    pub commands: i64,
    pub client_version: Option<String>,
    pub hassh: Option<String>,
    pub hassh_family: Option<String>,
    pub risk_score: Option<i64>,
    pub risk_band: Option<String>,
    pub stage: Option<String>,
    pub techniques: Vec<(String, Option<String>)>,
    pub downloads: i64,
    pub tokens: i64,
    pub tags: Vec<String>,
    pub live: bool,
    pub has_recording: bool,
    pub rows: Vec<Row>,
    pub rows_cut: usize,
}

/// Parses a session id from a path.
pub(crate) fn parse_id(s: &str) -> Result<SessionId, WebError> {
    uuid::Uuid::parse_str(s)
        .map(SessionId)
        .map_err(|_| WebError::NotFound)
}

/// The stored row of session `id`, or 404 (an unknown or malformed id alike).
pub(crate) async fn stored_row(state: &AppState, id: SessionId) -> Result<SessionRow, WebError> {
    state.store.session_row(id).await?.ok_or(WebError::NotFound)
}

fn summary_family(events: &[Event]) -> Option<String> {
    events.iter().rev().find_map(|e| match &e.kind {
        EventKind::IpProfile(p) => p.hassh_family.clone(),
        _ => None,
    })
}

/// The page's data.
pub(crate) async fn data(state: &AppState, id: SessionId) -> Result<SessionData, WebError> {
    let row = stored_row(state, id).await?;
    let events = state.store.session_events(id).await?;
    let tags = state.store.tags_of(id).await?;
    let mut live = state.hub.is_live(id);
    if live && row.ended_at.is_some() {
        state.hub.forget(id);
        live = false;
    }
    let mut family = summary_family(&events);
    if family.is_none()
        && let Ok(Some(ev)) = state
            .store
            .latest_event_of_ip(row.src_ip, "ip_profile")
            .await
    {
        family = summary_family(std::slice::from_ref(&ev));
    }
    let has_recording = events
        .iter()
        .any(|e| matches!(e.kind, EventKind::SessionRecordingClosed { .. }));
    let end = row.ended_at.unwrap_or_else(OffsetDateTime::now_utc);
    let ms = i64::try_from((end - row.started_at).whole_milliseconds()).unwrap_or(0);
    let rows: Vec<Row> = events.iter().take(MAX_ROWS).map(row_of).collect();
    Ok(SessionData {
        id: id.to_string(),
        src_ip: row.src_ip.to_string(),
        src_port: row.src_port,
        sensor: row.sensor.clone(),
        started: when(row.started_at),
        ended: row.ended_at.map(when),
        duration: duration_ms(ms),
        end_reason: row.end_reason.clone(),
        username: row.username.clone(),
        password: row.password.clone(),
        login_success: row.login_success,
        auth_attempts: row.auth_attempts,
        commands: row.commands,
        client_version: row.client_version.clone(),
        hassh: row.hassh.clone(),
        hassh_family: family,
        risk_score: row.risk_score,
        risk_band: row.risk_band.clone(),
        stage: row.stage.clone(),
        techniques: row
            .techniques
            .iter()
            .map(|t| (t.clone(), crate::views::attack_url(t)))
            .collect(),
        downloads: row.downloads,
        tokens: row.tokens,
        tags,
        live,
        has_recording,
        rows_cut: events.len().saturating_sub(MAX_ROWS),
        rows,
    })
}

#[derive(Template)]
#[template(path = "session.html")]
struct SessionPage {
    nav: Nav,
    s: SessionData,
    id: String,
    tags: Vec<String>,
    error: Option<String>,
}

impl SessionPage {
    fn band(&self) -> &'static str {
        band_class(self.s.risk_band.as_deref())
    }
}

pub(crate) async fn page(
    State(state): State<Arc<AppState>>,
    Extension(analyst): Extension<Analyst>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let s = data(&state, id).await?;
    Ok(render(&SessionPage {
        nav: Nav::new(&analyst, "sessions"),
        id: s.id.clone(),
        tags: s.tags.clone(),
        error: None,
        s,
    })?
    .into_response())
}

/// The `/api/sessions/{id}` twin.
pub(crate) async fn api(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Json<SessionData>, WebError> {
    let id = parse_id(&id)?;
    Ok(Json(data(&state, id).await?))
}

#[derive(Deserialize)]
pub(crate) struct TagForm {
    tag: String,
}

#[derive(Template)]
#[template(path = "tags.html")]
struct TagsFragment {
    nav: Nav,
    id: String,
    tags: Vec<String>,
    error: Option<String>,
}

async fn tags_answer(
    state: &AppState,
    analyst: &Analyst,
    id: SessionId,
    headers: &HeaderMap,
    error: Option<String>,
) -> Result<Response, WebError> {
    if headers.contains_key("hx-request") {
        let tags = state.store.tags_of(id).await?;
        let frag = TagsFragment {
            nav: Nav::new(analyst, "sessions"),
            id: id.to_string(),
            tags,
            error,
        };
        return Ok(render(&frag)?.into_response());
    }
    if let Some(e) = error {
        return Err(WebError::bad("tag", e));
    }
    Ok(Redirect::to(&format!("/sessions/{id}")).into_response())
}

pub(crate) async fn add_tag(
    State(state): State<Arc<AppState>>,
    Extension(analyst): Extension<Analyst>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<TagForm>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    stored_row(&state, id).await?;
    let error = match state.store.add_tag(id, &form.tag).await {
        Ok(()) => {
            tracing::info!(user = %analyst.user, session = %id, "Tag added.");
            None
        }
        Err(miragepot_store::StoreError::InvalidTag { reason }) => Some(reason.to_string()),
        Err(e) => return Err(e.into()),
    };
    tags_answer(&state, &analyst, id, &headers, error).await
}

pub(crate) async fn remove_tag(
    State(state): State<Arc<AppState>>,
    Extension(analyst): Extension<Analyst>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<TagForm>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    state.store.remove_tag(id, &form.tag).await?;
    tracing::info!(user = %analyst.user, session = %id, "Tag removed.");
    tags_answer(&state, &analyst, id, &headers, None).await
}
