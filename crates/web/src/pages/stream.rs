//! The session page's streams: the recorded asciicast file, the live terminal feed for the
//! player (Server-Sent Events in the form asciinema-player's `eventsource` driver reads), and
//! the live timeline (each new event of the session as a JSON timeline row).
//!
//! The player's SSE protocol (asciinema-player 3.17, see `assets/vendor/VERSIONS.md`): a
//! reset `{"cols","rows","time","init"}` first (the screen so far as `init`), then asciicast
//! v2 event arrays with absolute times; resizes as `{"cols","rows"}` objects (the v2
//! `"COLSxROWS"` string would crash the player); an SSE event named `done` at the end.

use std::path::{Component, Path as FsPath};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use miragepot_event::{EventKind, SessionId};
use tokio::sync::{broadcast, mpsc};

use super::session::parse_id;
use super::timeline::row_of;
use crate::{AppState, WebError};

/// The longest recording file served (the recorder's cap keeps files far below this).
const MAX_CAST_BYTES: u64 = 256 << 20;
/// Terminal output sent to a late viewer as the starting screen, at most (the tail).
const MAX_INIT_BYTES: usize = 256 << 10;
/// SSE messages queued for one viewer before the stream is cut.
const VIEWER_QUEUE: usize = 256;

/// The recording's path relative to the data directory, from its `session_recording_closed`
/// event, if it is a plain relative path under `recordings/`.
fn recording_path(events: &[miragepot_event::Event]) -> Option<String> {
    events.iter().rev().find_map(|e| match &e.kind {
        EventKind::SessionRecordingClosed { path, .. } => {
            let p = FsPath::new(path);
            let plain = p.components().all(|c| matches!(c, Component::Normal(_)));
            (plain && p.starts_with("recordings")).then(|| path.clone())
        }
        _ => None,
    })
}

/// `GET /sessions/{id}/cast`: the asciicast v2 file.
pub(crate) async fn cast(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let events = state.store.session_events(id).await?;
    let rel = recording_path(&events).ok_or(WebError::NotFound)?;
    let path = state.cfg.data_dir.join(rel);
    let meta = tokio::fs::metadata(&path)
        .await
        .map_err(|_| WebError::NotFound)?;
    if !meta.is_file() || meta.len() > MAX_CAST_BYTES {
        return Err(WebError::NotFound);
    }
    let body = tokio::fs::read(&path)
        .await
        .map_err(|_| WebError::NotFound)?;
    let mut resp = body.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-asciicast"),
    );
    Ok(resp)
}

/// The reset message for a viewer joining now: size from the header, the output so far (its
/// tail) as `init`, and the stream time of the last line.
fn reset_message(so_far: &[u8]) -> String {
    let text = String::from_utf8_lossy(so_far);
    let mut lines = text.lines();
    let header: serde_json::Value = lines
        .next()
        .and_then(|l| serde_json::from_str(l).ok())
        .unwrap_or_default();
    let mut cols = header.get("width").and_then(|v| v.as_u64()).unwrap_or(80);
    let mut rows = header.get("height").and_then(|v| v.as_u64()).unwrap_or(24);
    let mut init = String::new();
    let mut time = 0.0;
    for line in lines {
        let Ok(serde_json::Value::Array(ev)) = serde_json::from_str::<serde_json::Value>(line)
        else {
            continue;
        };
        if let Some(t) = ev.first().and_then(|v| v.as_f64()) {
            time = t;
        }
        match (ev.get(1).and_then(|v| v.as_str()), ev.get(2)) {
            (Some("o"), Some(serde_json::Value::String(data))) => init.push_str(data),
            (Some("r"), Some(serde_json::Value::String(size))) => {
                if let Some((c, r)) = size.split_once('x')
                    && let (Ok(c), Ok(r)) = (c.parse(), r.parse())
                {
                    (cols, rows) = (c, r);
                }
            }
            _ => {}
        }
    }
    if init.len() > MAX_INIT_BYTES {
        let mut cut = init.len() - MAX_INIT_BYTES;
        while !init.is_char_boundary(cut) {
            cut += 1;
        }
        init = init.split_off(cut);
    }
    serde_json::json!({"cols": cols, "rows": rows, "time": time, "init": init}).to_string()
}

/// One recorded line as the player's driver wants it (`None` for lines it cannot use).
fn player_line(line: &str) -> Option<String> {
    let serde_json::Value::Array(mut ev) = serde_json::from_str(line).ok()? else {
        return None;
    };
    if ev.len() != 3 {
        return None;
    }
    if ev.get(1).and_then(|v| v.as_str()) == Some("r") {
        let size = ev.get(2).and_then(|v| v.as_str())?.to_string();
        let (c, r) = size.split_once('x')?;
        let (c, r): (u64, u64) = (c.parse().ok()?, r.parse().ok()?);
        if let Some(slot) = ev.get_mut(2) {
            *slot = serde_json::json!({"cols": c, "rows": r});
        }
    }
    Some(serde_json::Value::Array(ev).to_string())
}

/// A stream that ends when its sender is dropped (a minimal `Stream` over an mpsc).
mod tokio_stream_shim {
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use axum::response::sse::Event;

    /// Adapts an mpsc receiver of SSE events to `futures::Stream`.
    pub(crate) struct Receiver(pub tokio::sync::mpsc::Receiver<Event>);

    impl futures_core::Stream for Receiver {
        type Item = Result<Event, std::convert::Infallible>;
        fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            self.0.poll_recv(cx).map(|o| o.map(Ok))
        }
    }
}

fn sse(rx: mpsc::Receiver<SseEvent>) -> Response {
    Sse::new(tokio_stream_shim::Receiver(rx))
        .keep_alive(
            KeepAlive::new()
                .interval(Duration::from_secs(15))
                .text("keep-alive"),
        )
        .into_response()
}

/// `GET /sessions/{id}/live`: the running session's terminal for the player.
pub(crate) async fn live_tty(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id: SessionId = parse_id(&id)?;
    let (tx, rx) = mpsc::channel(VIEWER_QUEUE);
    let feed = state.tty.as_ref().and_then(|t| t.subscribe(id));
    tokio::spawn(async move {
        let Some(mut feed) = feed else {
            let _ = tx
                .send(SseEvent::default().data(r#"{"state":"offline"}"#))
                .await;
            let _ = tx.send(SseEvent::default().event("done").data("{}")).await;
            return;
        };
        if tx
            .send(SseEvent::default().data(reset_message(&feed.so_far)))
            .await
            .is_err()
        {
            return;
        }
        drop(std::mem::take(&mut feed.so_far));
        loop {
            match feed.rx.recv().await {
                Ok(line) => {
                    if let Some(msg) = player_line(&line)
                        && tx.try_send(SseEvent::default().data(msg)).is_err()
                    {
                        return; // the viewer is gone or too slow: end its stream
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => return,
                Err(broadcast::error::RecvError::Closed) => {
                    let _ = tx.send(SseEvent::default().event("done").data("{}")).await;
                    return;
                }
            }
        }
    });
    Ok(sse(rx))
}

/// `GET /sessions/{id}/events`: each new event of the session as a timeline row (JSON),
/// until it ends (an SSE event named `end`).
pub(crate) async fn live_events(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id: SessionId = parse_id(&id)?;
    let mut events = state.hub.subscribe();
    let (tx, rx) = mpsc::channel(VIEWER_QUEUE);
    let live = state.hub.is_live(id);
    tokio::spawn(async move {
        if !live {
            let _ = tx.send(SseEvent::default().event("end").data("{}")).await;
            return;
        }
        loop {
            match events.recv().await {
                Ok(ev) if ev.session == id => {
                    let ended = matches!(ev.kind, EventKind::SessionEnd { .. });
                    let Ok(json) = serde_json::to_string(&row_of(&ev)) else {
                        continue;
                    };
                    if tx.try_send(SseEvent::default().data(json)).is_err() {
                        return;
                    }
                    if ended {
                        let _ = tx.send(SseEvent::default().event("end").data("{}")).await;
                        return;
                    }
                }
                Ok(_) => {
                    if tx.is_closed() {
                        return;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    let _ = tx.try_send(SseEvent::default().event("lagged").data("{}"));
                }
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    });
    Ok(sse(rx))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_carries_size_time_and_screen() {
        let cast = "{\"version\":2,\"width\":100,\"height\":30}\n[0.5,\"o\",\"root@h:~# \"]\n[1.0,\"i\",\"ls\\r\"]\n[1.25,\"o\",\"ls\\r\\n\"]\n[2.0,\"r\",\"120x40\"]\n";
        let v: serde_json::Value = serde_json::from_str(&reset_message(cast.as_bytes())).unwrap();
        assert_eq!(v["cols"], 120);
        assert_eq!(v["rows"], 40);
        assert_eq!(v["time"], 2.0);
        assert_eq!(v["init"], "root@h:~# ls\r\n");
    }

    #[test]
    fn resizes_become_objects() {
        assert_eq!(
            player_line("[2.5,\"r\",\"100x30\"]").unwrap(),
            "[2.5,\"r\",{\"cols\":100,\"rows\":30}]"
        );
        assert_eq!(player_line("[1,\"o\",\"x\"]").unwrap(), "[1,\"o\",\"x\"]");
        assert!(player_line("garbage").is_none());
        assert!(player_line("[2.5,\"r\",\"big\"]").is_none());
    }

    #[test]
    fn recording_paths_stay_under_recordings() {
        use miragepot_event::{Event, EventId};
        let ev = |path: &str| Event {
            id: EventId(uuid::Uuid::nil()),
            ts: time::OffsetDateTime::UNIX_EPOCH,
            sensor: "s".into(),
            session: SessionId(uuid::Uuid::nil()),
            src_ip: std::net::IpAddr::from([127, 0, 0, 1]),
            src_port: 1,
            caused_by: None,
            kind: EventKind::SessionRecordingClosed {
                path: path.into(),
                size: 1,
                duration_ms: 1,
            },
        };
        assert_eq!(
            recording_path(&[ev("recordings/x.cast")]).as_deref(),
            Some("recordings/x.cast")
        );
        assert!(recording_path(&[ev("../etc/passwd")]).is_none());
        assert!(recording_path(&[ev("/etc/passwd")]).is_none());
        assert!(recording_path(&[ev("recordings/../../x")]).is_none());
        assert!(recording_path(&[ev("logs/x")]).is_none());
    }
}
