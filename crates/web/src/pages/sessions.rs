//! The sessions list: riskiest first, then newest, with running sessions pinned on top
//! (a live badge), the filter form, and server-side paging (the store sorts and pages on
//! indexed columns, so a million sessions cost the same as a thousand).

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use miragepot_event::SessionId;
use miragepot_store::{SessionFilter, SessionRow};
use serde::Serialize;
use time::OffsetDateTime;

use super::Nav;
use crate::auth::Analyst;
use crate::query::{FilterForm, RANGES};
use crate::views::{band_class, duration_ms, render, when};
use crate::{AppState, WebError};

/// One row of the list.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ListRow {
    pub id: String,
    pub live: bool,
    pub started: String,
    pub duration: String,
    pub src_ip: String,
    pub sensor: String,
    pub username: Option<String>,
    pub password: Option<String>,
    pub login_success: bool,
    pub client_version: Option<String>,
    pub hassh: Option<String>,
    pub commands: i64,
    pub auth_attempts: i64,
    pub risk_score: Option<i64>,
    pub risk_band: Option<String>,
    pub band_class: &'static str,
    pub stage: Option<String>,
    pub techniques: Vec<String>,
    pub downloads: i64,
    pub tokens: i64,
    pub tags: Vec<String>,
}

impl ListRow {
    pub(crate) fn of(r: &SessionRow, live: bool, tags: Vec<String>) -> ListRow {
        let end = r.ended_at.unwrap_or_else(OffsetDateTime::now_utc);
        let ms = i64::try_from((end - r.started_at).whole_milliseconds()).unwrap_or(0);
        ListRow {
            id: r.session.to_string(),
            live,
            started: when(r.started_at),
            duration: duration_ms(ms),
            src_ip: r.src_ip.to_string(),
            sensor: r.sensor.clone(),
            username: r.username.clone(),
            password: r.password.clone(),
            login_success: r.login_success,
            client_version: r.client_version.clone(),
            hassh: r.hassh.clone(),
            commands: r.commands,
            auth_attempts: r.auth_attempts,
            risk_score: r.risk_score,
            risk_band: r.risk_band.clone(),
            band_class: band_class(r.risk_band.as_deref()),
            stage: r.stage.clone(),
            techniques: r.techniques.iter().take(6).cloned().collect(),
            downloads: r.downloads,
            tokens: r.tokens,
            tags,
        }
    }
}

/// The list's data.
#[derive(Debug, Serialize)]
pub(crate) struct SessionsData {
    pub live: Vec<ListRow>,
    pub rows: Vec<ListRow>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    pub per: u32,
    pub filters: std::collections::BTreeMap<String, String>,
}

/// The filtered page of sessions, with the running ones that match pinned first (on the
/// first page).
pub(crate) async fn data(state: &AppState, form: &FilterForm) -> Result<SessionsData, WebError> {
    let filter: SessionFilter = form.filter(OffsetDateTime::now_utc())?;
    let live_ids: Vec<SessionId> = state
        .hub
        .live_sessions()
        .iter()
        .map(|s| s.session)
        .collect();
    let mut pinned_rows = Vec::new();
    if !live_ids.is_empty() && form.page == 1 {
        let f = SessionFilter {
            sessions: Some(live_ids.clone()),
            ..filter.clone()
        };
        for r in state.store.list_sessions(&f, 500, 0).await? {
            if r.ended_at.is_some() {
                state.hub.forget(r.session);
            } else {
                pinned_rows.push(r);
            }
        }
    }
    let main = SessionFilter {
        exclude: pinned_rows.iter().map(|r| r.session).collect(),
        ..filter
    };
    let total = state.store.count_sessions(&main).await?;
    let rows = state
        .store
        .list_sessions(&main, form.per, form.offset())
        .await?;
    let ids: Vec<SessionId> = pinned_rows.iter().chain(&rows).map(|r| r.session).collect();
    let mut tags: HashMap<SessionId, Vec<String>> = state.store.tags_for(&ids).await?;
    let mut take = |id: &SessionId| tags.remove(id).unwrap_or_default();
    let live = pinned_rows
        .iter()
        .map(|r| ListRow::of(r, true, take(&r.session)))
        .collect();
    let rows = rows
        .iter()
        .map(|r| ListRow::of(r, false, take(&r.session)))
        .collect();
    Ok(SessionsData {
        live,
        rows,
        total,
        page: form.page,
        pages: total.div_ceil(u64::from(form.per)).max(1),
        per: form.per,
        filters: form.fields.clone(),
    })
}

#[derive(Template)]
#[template(path = "sessions.html")]
struct SessionsPage {
    nav: Nav,
    d: SessionsData,
    form: FilterForm,
    ranges: Vec<&'static str>,
    prev: Option<String>,
    next: Option<String>,
    export_query: String,
    error: Option<String>,
}

impl SessionsPage {
    fn field(&self, key: &str) -> String {
        self.form.get(key).unwrap_or("").to_string()
    }

    fn selected(&self, key: &str, value: &str) -> bool {
        self.form
            .get(key)
            .unwrap_or(if key == "range" { "all" } else { "" })
            == value
    }
}

pub(crate) async fn page(
    State(state): State<Arc<AppState>>,
    Extension(analyst): Extension<Analyst>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let form = FilterForm::parse(raw.as_deref())?;
    let (d, error) = match data(&state, &form).await {
        Ok(d) => (d, None),
        Err(WebError::BadRequest { what, reason }) => (
            SessionsData {
                live: Vec::new(),
                rows: Vec::new(),
                total: 0,
                page: 1,
                pages: 1,
                per: form.per,
                filters: form.fields.clone(),
            },
            Some(format!("{what}: {reason}")),
        ),
        Err(e) => return Err(e),
    };
    let link = |p: u64| format!("/sessions?{}", form.query_with(&[("page", p.to_string())]));
    let prev = (d.page > 1).then(|| link(d.page - 1));
    let next = (d.page < d.pages).then(|| link(d.page + 1));
    Ok(render(&SessionsPage {
        nav: Nav::new(&analyst, "sessions"),
        export_query: form.query_with(&[]),
        ranges: RANGES.iter().map(|(r, _)| *r).collect(),
        form,
        prev,
        next,
        d,
        error,
    })?
    .into_response())
}

/// The `/api/sessions` twin (same query parameters).
pub(crate) async fn api(
    State(state): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Json<SessionsData>, WebError> {
    let form = FilterForm::parse(raw.as_deref())?;
    Ok(Json(data(&state, &form).await?))
}
