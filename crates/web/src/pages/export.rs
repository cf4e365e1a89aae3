//! Evidence to take away, per session and for a filtered list: the plain transcript, our
//! JSON, Cowrie-compatible JSON lines, the asciicast recording (one session), and the IOC
//! list as CSV and as a STIX 2.1 bundle. The formats are `miragepot-export`'s; this module
//! loads the sessions and sets download headers.
//!
//! A list export takes at most [`MAX_SESSIONS`] sessions of the filter, in the list's order,
//! and says so in `X-Miragepot-Truncated` when there were more.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use miragepot_event::{Event, SessionId};
use miragepot_export::{SessionExport, cowrie, ioc, json, transcript};
use time::OffsetDateTime;

use super::session::{parse_id, stored_row};
use crate::query::FilterForm;
use crate::{AppState, WebError};

/// Sessions in one list export at most.
pub(crate) const MAX_SESSIONS: u32 = 1000;

/// One loaded session.
struct Loaded {
    id: SessionId,
    events: Vec<Event>,
    tags: Vec<String>,
}

impl Loaded {
    fn export(&self) -> SessionExport<'_> {
        SessionExport::new(self.id, &self.events, &self.tags)
    }
}

fn attachment(body: Vec<u8>, mime: &'static str, filename: &str) -> Response {
    let mut resp = body.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

/// The body of `format` over `sessions`; `None` for an unknown format.
fn render(format: &str, sessions: &[Loaded], stem: &str) -> Option<Response> {
    let exports: Vec<SessionExport<'_>> = sessions.iter().map(Loaded::export).collect();
    Some(match format {
        "txt" => {
            let text: Vec<String> = exports.iter().map(transcript::render).collect();
            attachment(
                text.join("\n\n").into_bytes(),
                "text/plain; charset=utf-8",
                &format!("{stem}.txt"),
            )
        }
        "json" => attachment(
            json::sessions(exports.iter()).into_bytes(),
            "application/x-ndjson",
            &format!("{stem}.jsonl"),
        ),
        "cowrie" => {
            let lines: String = exports.iter().map(cowrie::session_lines).collect();
            attachment(
                lines.into_bytes(),
                "application/x-ndjson",
                &format!("{stem}.cowrie.json"),
            )
        }
        "ioc.csv" => attachment(
            ioc::csv(&ioc::collect(&exports)).into_bytes(),
            "text/csv; charset=utf-8",
            &format!("{stem}.iocs.csv"),
        ),
        "stix" => {
            let bundle = ioc::stix_bundle(&ioc::collect(&exports), OffsetDateTime::now_utc());
            attachment(
                serde_json::to_vec_pretty(&bundle).unwrap_or_default(),
                "application/json",
                &format!("{stem}.stix.json"),
            )
        }
        _ => return None,
    })
}

/// `GET /sessions/{id}/export/{format}`.
pub(crate) async fn one(
    State(state): State<Arc<AppState>>,
    Path((id, format)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    stored_row(&state, id).await?;
    if format == "cast" {
        let mut resp = super::stream::cast(State(state), Path(id.to_string())).await?;
        if let Ok(v) = HeaderValue::from_str(&format!(
            "attachment; filename=\"session-{}.cast\"",
            id.simple()
        )) {
            resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
        }
        return Ok(resp);
    }
    let loaded = [Loaded {
        id,
        events: state.store.session_events(id).await?,
        tags: state.store.tags_of(id).await?,
    }];
    render(&format, &loaded, &format!("session-{}", id.simple())).ok_or(WebError::NotFound)
}

/// `GET /export/{format}?<sessions list filters>`.
pub(crate) async fn many(
    State(state): State<Arc<AppState>>,
    Path(format): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    if !["txt", "json", "cowrie", "ioc.csv", "stix"].contains(&format.as_str()) {
        return Err(WebError::NotFound);
    }
    let form = FilterForm::parse(raw.as_deref())?;
    let filter = form.filter(OffsetDateTime::now_utc())?;
    let total = state.store.count_sessions(&filter).await?;
    let rows = state.store.list_sessions(&filter, MAX_SESSIONS, 0).await?;
    let ids: Vec<SessionId> = rows.iter().map(|r| r.session).collect();
    let mut tags = state.store.tags_for(&ids).await?;
    let mut loaded = Vec::with_capacity(ids.len());
    for id in ids {
        loaded.push(Loaded {
            id,
            events: state.store.session_events(id).await?,
            tags: tags.remove(&id).unwrap_or_default(),
        });
    }
    let stamp = OffsetDateTime::now_utc().unix_timestamp();
    let mut resp =
        render(&format, &loaded, &format!("sessions-{stamp}")).ok_or(WebError::NotFound)?;
    if total > u64::from(MAX_SESSIONS)
        && let Ok(v) = HeaderValue::from_str(&format!("{MAX_SESSIONS} of {total}"))
    {
        resp.headers_mut().insert("x-miragepot-truncated", v);
    }
    Ok(resp)
}
