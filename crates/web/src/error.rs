//! [`WebError`]: what can go wrong while answering a dashboard request, and how each case
//! is shown (a status code and a short page or JSON body; details go to the operator log).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// A failed dashboard request.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// The store failed (logged; the analyst sees a 500 without details).
    #[error("store: {0}")]
    Store(#[from] miragepot_store::StoreError),
    /// A template failed to render.
    #[error("template: {0}")]
    Template(#[from] askama::Error),
    /// A request parameter was not understood.
    #[error("{what}: {reason}")]
    BadRequest {
        /// The parameter.
        what: &'static str,
        /// Why it was refused.
        reason: String,
    },
    /// Nothing by that name.
    #[error("not found")]
    NotFound,
    /// A form without the right CSRF token.
    #[error("missing or wrong CSRF token")]
    Csrf,
    /// Hashing or checking a password failed.
    #[error("password hashing: {0}")]
    Hash(String),
}

impl WebError {
    /// A bad parameter.
    pub fn bad(what: &'static str, reason: impl Into<String>) -> WebError {
        WebError::BadRequest {
            what,
            reason: reason.into(),
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            WebError::Store(_) | WebError::Template(_) | WebError::Hash(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
            WebError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Csrf => StatusCode::FORBIDDEN,
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!(error = %self, "Dashboard request failed.");
            "internal error (see the operator log)".to_string()
        } else {
            self.to_string()
        };
        let body = serde_json::json!({ "error": message, "status": status.as_u16() });
        (status, axum::Json(body)).into_response()
    }
}
