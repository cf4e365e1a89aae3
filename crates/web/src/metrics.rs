//! `/metrics`: the Prometheus text format (version 0.0.4). Counters come from the live hub
//! (events seen since this process started); pipeline figures (events dropped at the bus,
//! sink lag, ...) come from the binary through [`crate::StatsSource`].
//!
//! Reachable with a login or with the configured bearer token (for a scraper).

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::AppState;
use crate::live::LATENCY_BUCKETS;

/// The kind of a metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricKind {
    /// Only goes up (reset at restart).
    Counter,
    /// Goes up and down.
    Gauge,
}

/// One unlabelled value from a [`crate::StatsSource`].
#[derive(Debug, Clone)]
pub struct Metric {
    /// The full name (`miragepot_events_dropped_total`).
    pub name: &'static str,
    /// The help line.
    pub help: &'static str,
    /// Counter or gauge.
    pub kind: MetricKind,
    /// The value.
    pub value: f64,
}

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/metrics", get(metrics))
}

/// A label value escaped for the text format (`\`, `"` and newlines).
fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn head(out: &mut String, name: &str, help: &str, kind: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

fn simple(out: &mut String, name: &str, help: &str, kind: &str, value: f64) {
    head(out, name, help, kind);
    let _ = writeln!(out, "{name} {value}");
}

/// The whole exposition.
pub(crate) fn render(state: &AppState) -> String {
    let c = &state.hub.counters;
    let mut out = String::with_capacity(4096);
    let load = |a: &std::sync::atomic::AtomicU64| a.load(Ordering::Relaxed) as f64;
    simple(
        &mut out,
        "miragepot_sessions_total",
        "Sessions started.",
        "counter",
        load(&c.sessions),
    );
    head(
        &mut out,
        "miragepot_logins_total",
        "Login attempts by result.",
        "counter",
    );
    let _ = writeln!(
        out,
        "miragepot_logins_total{{result=\"success\"}} {}",
        load(&c.logins_ok)
    );
    let _ = writeln!(
        out,
        "miragepot_logins_total{{result=\"failure\"}} {}",
        load(&c.logins_failed)
    );
    for (name, help, v) in [
        (
            "miragepot_commands_total",
            "Command lines received.",
            &c.commands,
        ),
        (
            "miragepot_downloads_total",
            "Download attempts.",
            &c.downloads,
        ),
        (
            "miragepot_honeytokens_touched_total",
            "Honeytoken touches.",
            &c.tokens,
        ),
        (
            "miragepot_blocks_total",
            "Addresses blocked by the policy.",
            &c.blocks,
        ),
        (
            "miragepot_events_total",
            "Events seen by the dashboard.",
            &c.events,
        ),
        (
            "miragepot_web_events_missed_total",
            "Events the dashboard missed because it fell behind the broadcast.",
            &c.lagged,
        ),
    ] {
        simple(&mut out, name, help, "counter", load(v));
    }
    simple(
        &mut out,
        "miragepot_live_sessions",
        "Sessions running now.",
        "gauge",
        state.hub.live_sessions().len() as f64,
    );
    if let Ok(l) = c.labelled.lock() {
        for (name, help, key, map) in [
            (
                "miragepot_techniques_total",
                "ATT&CK techniques detected.",
                "technique",
                &l.techniques,
            ),
            (
                "miragepot_llm_calls_total",
                "LLM fallback calls by verdict.",
                "verdict",
                &l.llm_calls,
            ),
            (
                "miragepot_connections_refused_total",
                "Connections refused at accept, by reason (one event per address per second).",
                "reason",
                &l.refused,
            ),
        ] {
            head(&mut out, name, help, "counter");
            let mut rows: Vec<_> = map.iter().collect();
            rows.sort();
            for (k, v) in rows {
                let _ = writeln!(out, "{name}{{{key}=\"{}\"}} {v}", label(k));
            }
        }
        let name = "miragepot_llm_latency_seconds";
        head(
            &mut out,
            name,
            "LLM call latency (calls made).",
            "histogram",
        );
        for (i, bound) in LATENCY_BUCKETS.iter().enumerate() {
            let n = l.llm_latency.get(i).copied().unwrap_or(0);
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {n}");
        }
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {}", l.llm_latency_count);
        let _ = writeln!(out, "{name}_sum {}", l.llm_latency_sum_ms as f64 / 1000.0);
        let _ = writeln!(out, "{name}_count {}", l.llm_latency_count);
    }
    if let Some(stats) = &state.stats {
        for m in stats.metrics() {
            let kind = match m.kind {
                MetricKind::Counter => "counter",
                MetricKind::Gauge => "gauge",
            };
            simple(&mut out, m.name, m.help, kind, m.value);
        }
    }
    out
}

async fn metrics(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        render(&state),
    )
}

#[cfg(test)]
mod tests {
    use super::label;

    #[test]
    fn labels_are_escaped() {
        assert_eq!(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
