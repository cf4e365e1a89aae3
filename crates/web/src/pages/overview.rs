//! The overview: counters for the last hour, day and week (sessions, logins, addresses,
//! commands, downloads, honeytokens touched, blocks), the sessions-over-time chart (drawn by
//! `app.js` from `/api/histogram`), the running sessions and the riskiest sessions of the day.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use miragepot_store::{Overview, SessionFilter, micros};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::Nav;
use super::sessions::ListRow;
use crate::auth::Analyst;
use crate::live::LiveSession;
use crate::query::range_start;
use crate::views::render;
use crate::{AppState, WebError};

/// One window's counters (serialized flat: `{label, sessions, logins, ...}`).
#[derive(Debug, Serialize)]
pub(crate) struct Window {
    pub label: &'static str,
    #[serde(flatten)]
    pub counts: Overview,
}

/// The overview's data.
#[derive(Debug, Serialize)]
pub(crate) struct OverviewData {
    pub windows: Vec<Window>,
    pub live: Vec<LiveSession>,
    pub riskiest: Vec<ListRow>,
}

pub(crate) async fn data(state: &AppState) -> Result<OverviewData, WebError> {
    let now = OffsetDateTime::now_utc();
    let mut windows = Vec::new();
    for label in ["1h", "24h", "7d"] {
        let since = range_start(label, now)?.unwrap_or(0);
        windows.push(Window {
            label,
            counts: state.store.overview(since).await?,
        });
    }
    let day = SessionFilter {
        since_us: range_start("24h", now)?,
        ..SessionFilter::default()
    };
    let riskiest = state
        .store
        .list_sessions(&day, 10, 0)
        .await?
        .iter()
        .map(|r| ListRow::of(r, state.hub.is_live(r.session), Vec::new()))
        .collect();
    let mut live = state.hub.live_sessions();
    live.truncate(50);
    Ok(OverviewData {
        windows,
        live,
        riskiest,
    })
}

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage {
    nav: Nav,
    d: OverviewData,
}

pub(crate) async fn page(
    State(state): State<Arc<AppState>>,
    Extension(analyst): Extension<Analyst>,
) -> Result<Response, WebError> {
    let d = data(&state).await?;
    Ok(render(&OverviewPage {
        nav: Nav::new(&analyst, "overview"),
        d,
    })?
    .into_response())
}

pub(crate) async fn api(
    State(state): State<Arc<AppState>>,
) -> Result<Json<OverviewData>, WebError> {
    Ok(Json(data(&state).await?))
}

#[derive(Deserialize)]
pub(crate) struct HistogramQuery {
    range: Option<String>,
}

/// Sessions per bucket: `{ "bucket_s": 3600, "points": [[unix_s, count], ...] }`, with
/// empty buckets filled so the chart's x axis is even.
#[derive(Debug, Serialize)]
pub(crate) struct Histogram {
    pub range: String,
    pub bucket_s: i64,
    pub points: Vec<(i64, u64)>,
}

pub(crate) async fn histogram(
    State(state): State<Arc<AppState>>,
    Query(q): Query<HistogramQuery>,
) -> Result<Json<Histogram>, WebError> {
    let range = q.range.unwrap_or_else(|| "7d".into());
    let now = OffsetDateTime::now_utc();
    let since = range_start(&range, now)?.unwrap_or(now_minus_days(now, 30));
    let span_s = (micros(now) - since) / 1_000_000;
    let bucket_s: i64 = match span_s {
        s if s <= 7200 => 60,
        s if s <= 172_800 => 900,
        s if s <= 1_209_600 => 3600,
        _ => 6 * 3600,
    };
    let bucket_us = bucket_s * 1_000_000;
    let start = since - since.rem_euclid(bucket_us);
    let got = state.store.sessions_histogram(start, bucket_us).await?;
    let mut points = Vec::new();
    let mut t = start;
    let mut it = got.into_iter().peekable();
    while t <= micros(now) && points.len() < 10_000 {
        let mut n = 0;
        while let Some((b, c)) = it.peek().copied() {
            if b < t {
                it.next();
            } else if b == t {
                n = c;
                it.next();
                break;
            } else {
                break;
            }
        }
        points.push((t / 1_000_000, n));
        t += bucket_us;
    }
    Ok(Json(Histogram {
        range,
        bucket_s,
        points,
    }))
}

fn now_minus_days(now: OffsetDateTime, days: i64) -> i64 {
    micros(now) - days * 86_400 * 1_000_000
}
