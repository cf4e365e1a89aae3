//! The attacker page of one address: its latest behaviour profile (`ip_profile`: intent,
//! signals such as brute force, spraying, stuffing, velocity and root targeting,
//! sophistication, risk), its sessions, and block / unblock buttons.
//!
//! A block made here is an operator row in the store's `blocks` table; the sensor's block
//! sync reads it (every `limits.block_sync_secs`), so every sensor on the same store applies it.

use std::net::IpAddr;
use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Json};
use miragepot_event::{EventKind, IpAssessment};
use miragepot_store::{BlockRow, IpRange, SessionFilter};
use serde::Serialize;
use time::OffsetDateTime;

use super::Nav;
use super::sessions::ListRow;
use crate::auth::Analyst;
use crate::views::{band_class, render, when};
use crate::{AppState, WebError};

/// Sessions listed on the page at most.
const MAX_SESSIONS: u32 = 200;

/// The block in force on the address.
#[derive(Debug, Serialize)]
pub(crate) struct BlockView {
    pub source: String,
    pub reason: String,
    pub created: String,
    pub expires: Option<String>,
}

/// The attacker page's data.
#[derive(Debug, Serialize)]
pub(crate) struct AttackerData {
    pub ip: String,
    pub profile: Option<IpAssessment>,
    pub profile_at: Option<String>,
    pub band_class: &'static str,
    pub sessions: Vec<ListRow>,
    pub total_sessions: u64,
    pub block: Option<BlockView>,
}

fn parse_ip(s: &str) -> Result<IpAddr, WebError> {
    s.parse().map_err(|_| WebError::NotFound)
}

pub(crate) async fn data(state: &AppState, ip: IpAddr) -> Result<AttackerData, WebError> {
    let latest = state.store.latest_event_of_ip(ip, "ip_profile").await?;
    let (profile, profile_at) = match latest {
        Some(ev) => match ev.kind {
            EventKind::IpProfile(p) => (Some(p), Some(when(ev.ts))),
            _ => (None, None),
        },
        None => (None, None),
    };
    let range: IpRange = ip
        .to_string()
        .parse()
        .map_err(|e: miragepot_store::StoreError| WebError::bad("ip", e.to_string()))?;
    let filter = SessionFilter {
        ip: Some(range),
        ..SessionFilter::default()
    };
    let total_sessions = state.store.count_sessions(&filter).await?;
    let rows = state.store.list_sessions(&filter, MAX_SESSIONS, 0).await?;
    let sessions = rows
        .iter()
        .map(|r| ListRow::of(r, state.hub.is_live(r.session), Vec::new()))
        .collect();
    let block = state
        .store
        .active_blocks(OffsetDateTime::now_utc())
        .await?
        .into_iter()
        .find(|b| b.ip == ip)
        .map(|b| BlockView {
            source: b.source,
            reason: b.reason,
            created: when(b.created),
            expires: b.expires.map(when),
        });
    Ok(AttackerData {
        ip: ip.to_string(),
        band_class: band_class(profile.as_ref().map(|p| p.risk_band.as_str())),
        profile,
        profile_at,
        sessions,
        total_sessions,
        block,
    })
}

#[derive(Template)]
#[template(path = "attacker.html")]
struct AttackerPage {
    nav: Nav,
    d: AttackerData,
}

pub(crate) async fn page(
    State(state): State<Arc<AppState>>,
    Extension(analyst): Extension<Analyst>,
    Path(ip): Path<String>,
) -> Result<Response, WebError> {
    let d = data(&state, parse_ip(&ip)?).await?;
    Ok(render(&AttackerPage {
        nav: Nav::new(&analyst, "sessions"),
        d,
    })?
    .into_response())
}

pub(crate) async fn api(
    State(state): State<Arc<AppState>>,
    Path(ip): Path<String>,
) -> Result<Json<AttackerData>, WebError> {
    Ok(Json(data(&state, parse_ip(&ip)?).await?))
}

pub(crate) async fn block(
    State(state): State<Arc<AppState>>,
    Extension(analyst): Extension<Analyst>,
    Path(ip): Path<String>,
) -> Result<Response, WebError> {
    let ip = parse_ip(&ip)?;
    state
        .store
        .put_block(&BlockRow {
            ip,
            source: "operator".into(),
            reason: format!("dashboard: blocked by {}", analyst.user),
            created: OffsetDateTime::now_utc(),
            expires: None,
        })
        .await?;
    tracing::info!(user = %analyst.user, ip = %ip, "Address blocked from the dashboard.");
    Ok(Redirect::to(&format!("/attackers/{ip}")).into_response())
}

pub(crate) async fn unblock(
    State(state): State<Arc<AppState>>,
    Extension(analyst): Extension<Analyst>,
    Path(ip): Path<String>,
) -> Result<Response, WebError> {
    let ip = parse_ip(&ip)?;
    state.store.delete_block(ip).await?;
    tracing::info!(user = %analyst.user, ip = %ip, "Address unblocked from the dashboard.");
    Ok(Redirect::to(&format!("/attackers/{ip}")).into_response())
}
