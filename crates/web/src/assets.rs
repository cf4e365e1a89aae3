//! The static files, embedded in the binary: our stylesheet and script, and the vendored
//! htmx, uPlot and asciinema-player (versions and checksums in `assets/vendor/VERSIONS.md`,
//! fetched by `scripts/web-assets.sh`).
//!
//! Served without a login (they hold no data) with a content hash as `ETag` and a day of
//! caching; unknown names get 404.

use std::sync::Arc;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};

use crate::AppState;

/// One embedded file.
struct Asset {
    name: &'static str,
    mime: &'static str,
    body: &'static [u8],
}

/// Every file under `/static/`.
const ASSETS: &[Asset] = &[
    Asset {
        name: "favicon.svg",
        mime: "image/svg+xml",
        body: include_bytes!("../static/favicon.svg"),
    },
    Asset {
        name: "app.css",
        mime: "text/css; charset=utf-8",
        body: include_bytes!("../static/app.css"),
    },
    Asset {
        name: "app.js",
        mime: "text/javascript; charset=utf-8",
        body: include_bytes!("../static/app.js"),
    },
    Asset {
        name: "htmx.min.js",
        mime: "text/javascript; charset=utf-8",
        body: include_bytes!("../assets/vendor/htmx.min.js"),
    },
    Asset {
        name: "uPlot.iife.min.js",
        mime: "text/javascript; charset=utf-8",
        body: include_bytes!("../assets/vendor/uPlot.iife.min.js"),
    },
    Asset {
        name: "uPlot.min.css",
        mime: "text/css; charset=utf-8",
        body: include_bytes!("../assets/vendor/uPlot.min.css"),
    },
    Asset {
        name: "asciinema-player.min.js",
        mime: "text/javascript; charset=utf-8",
        body: include_bytes!("../assets/vendor/asciinema-player.min.js"),
    },
    Asset {
        name: "asciinema-player.css",
        mime: "text/css; charset=utf-8",
        body: include_bytes!("../assets/vendor/asciinema-player.css"),
    },
];

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/static/{name}", get(serve))
}

fn etag(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    format!("\"{}\"", hex::encode(digest.get(..12).unwrap_or(&[])))
}

async fn serve(Path(name): Path<String>, headers: HeaderMap) -> Response {
    let Some(asset) = ASSETS.iter().find(|a| a.name == name) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let tag = etag(asset.body);
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == tag);
    let mut resp = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, asset.mime)], asset.body).into_response()
    };
    if let Ok(v) = HeaderValue::from_str(&tag) {
        resp.headers_mut().insert(header::ETAG, v);
    }
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=86400"),
    );
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_bodies_present() {
        for (i, a) in ASSETS.iter().enumerate() {
            assert!(!a.body.is_empty(), "{} is empty", a.name);
            assert!(ASSETS.iter().skip(i + 1).all(|b| b.name != a.name));
        }
    }
}
