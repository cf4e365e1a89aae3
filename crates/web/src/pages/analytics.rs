//! Analytics: top usernames, passwords, pairs, commands, addresses, HASSH values, client
//! versions, download URLs and hashes and techniques (from the store's hourly tallies),
//! campaigns (one command-sequence hash from several addresses), the stage funnel, and the
//! analysts' tags. `app.js` draws the funnel and the top lists as charts from
//! `/api/analytics`; the tables are the same data for reading and copying.

use std::sync::Arc;

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use miragepot_store::TopKind;
use serde::Serialize;
use time::OffsetDateTime;

use super::Nav;
use crate::auth::Analyst;
use crate::query::{RANGES, range_start};
use crate::views::{form_pairs, render, url_component, when};
use crate::{AppState, WebError};

/// Rows per top list.
const TOP: u32 = 10;

/// One top list.
#[derive(Debug, Serialize)]
pub(crate) struct TopList {
    pub kind: &'static str,
    pub title: &'static str,
    /// The sessions filter key a value links to (`user`, `cmd`, ...), if any.
    pub filter: Option<&'static str>,
    pub rows: Vec<(String, String, u64)>,
}

/// One campaign row.
#[derive(Debug, Serialize)]
pub(crate) struct CampaignRow {
    pub command_hash: String,
    pub sessions: u64,
    pub ips: u64,
    pub first: String,
    pub last: String,
    pub sample: String,
}

/// The analytics page's data.
#[derive(Debug, Serialize)]
pub(crate) struct AnalyticsData {
    pub range: String,
    pub tops: Vec<TopList>,
    pub campaigns: Vec<CampaignRow>,
    pub funnel: Vec<(&'static str, u64)>,
    pub tags: Vec<(String, u64)>,
}

fn describe(kind: TopKind) -> (&'static str, Option<&'static str>) {
    match kind {
        TopKind::Usernames => ("Usernames", Some("user")),
        TopKind::Passwords => ("Passwords", Some("pass")),
        TopKind::Pairs => ("Username / password pairs", None),
        TopKind::Commands => ("Commands", Some("cmd")),
        TopKind::SrcIps => ("Source addresses", Some("ip")),
        TopKind::Hassh => ("HASSH", Some("hassh")),
        TopKind::ClientVersions => ("Client versions", Some("client")),
        TopKind::DownloadUrls => ("Download URLs", None),
        TopKind::DownloadHashes => ("Download SHA-256", None),
        TopKind::Techniques => ("ATT&CK techniques", Some("technique")),
    }
}

fn micros_to_time(us: i64) -> String {
    miragepot_store::from_micros(us)
        .map(when)
        .unwrap_or_default()
}

pub(crate) async fn data(state: &AppState, range: &str) -> Result<AnalyticsData, WebError> {
    let since = range_start(range, OffsetDateTime::now_utc())?;
    let mut tops = Vec::new();
    for kind in TopKind::all() {
        let (title, filter) = describe(kind);
        let rows = state
            .store
            .top(kind, since, TOP)
            .await?
            .into_iter()
            .map(|r| (r.value, r.value2, r.count))
            .collect();
        tops.push(TopList {
            kind: kind.as_str(),
            title,
            filter,
            rows,
        });
    }
    let campaigns = state
        .store
        .campaigns(since, 20)
        .await?
        .into_iter()
        .map(|c| CampaignRow {
            command_hash: c.command_hash,
            sessions: c.sessions,
            ips: c.ips,
            first: micros_to_time(c.first_us),
            last: micros_to_time(c.last_us),
            sample: c.sample.to_string(),
        })
        .collect();
    let f = state.store.funnel(since).await?;
    let funnel = vec![
        ("connected", f.connected),
        ("tried a login", f.tried_login),
        ("logged in", f.logged_in),
        ("ran commands", f.ran_commands),
        ("downloaded", f.downloaded),
        ("touched a honeytoken", f.touched_token),
        ("persistence or beyond", f.persisted),
    ];
    let tags = state.store.all_tags().await?;
    Ok(AnalyticsData {
        range: range.to_string(),
        tops,
        campaigns,
        funnel,
        tags,
    })
}

fn range_of(raw: Option<&str>) -> String {
    form_pairs(raw.unwrap_or("").as_bytes())
        .into_iter()
        .find(|(k, _)| k == "range")
        .map_or_else(|| "7d".to_string(), |(_, v)| v)
}

#[derive(Template)]
#[template(path = "analytics.html")]
struct AnalyticsPage {
    nav: Nav,
    d: AnalyticsData,
    ranges: Vec<&'static str>,
}

impl AnalyticsPage {
    /// The sessions list filtered on one value.
    fn link(&self, key: &str, value: &str) -> String {
        format!(
            "/sessions?range={}&{key}={}",
            url_component(&self.d.range),
            url_component(value)
        )
    }
}

pub(crate) async fn page(
    State(state): State<Arc<AppState>>,
    Extension(analyst): Extension<Analyst>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let d = data(&state, &range_of(raw.as_deref())).await?;
    Ok(render(&AnalyticsPage {
        nav: Nav::new(&analyst, "analytics"),
        d,
        ranges: RANGES.iter().map(|(r, _)| *r).collect(),
    })?
    .into_response())
}

pub(crate) async fn api(
    State(state): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Json<AnalyticsData>, WebError> {
    Ok(Json(data(&state, &range_of(raw.as_deref())).await?))
}
