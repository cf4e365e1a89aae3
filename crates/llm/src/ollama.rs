//! The Ollama backend: `POST {base}/api/chat` (non-streaming) and `GET {base}/api/tags`.
//!
//! Design: one HTTP request per call through [`crate::http`], with the configured connect
//! timeout, deadline and body cap; the JSON is (de)serialised with typed structs, so any body
//! that is not Ollama's documented shape is [`LlmError::Decode`]. Token counts are optional and
//! a malformed count is dropped rather than failing a good answer.
//!
//! Known limits: no streaming, no retries (the runtime decides), no `keep_alive` or other
//! Ollama options beyond `temperature` and `num_predict`.

use serde::{Deserialize, Serialize};

use crate::backend::{Backend, BackendConfig, BackendKind, Probe};
use crate::http::{self, Url};
use crate::{ChatMessage, ChatRequest, Completion, LlmError};

/// A client for an Ollama server.
#[derive(Debug, Clone)]
pub struct Ollama {
    cfg: BackendConfig,
    base: Url,
}

#[derive(Serialize)]
struct ChatBody<'a> {
    model: &'a str,
    messages: &'a [ChatMessage],
    stream: bool,
    options: Options,
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<&'static str>,
}

#[derive(Serialize)]
struct Options {
    temperature: f32,
    num_predict: u32,
}

#[derive(Deserialize)]
struct ChatAnswer {
    #[serde(default)]
    model: Option<String>,
    message: AnswerMessage,
    #[serde(default)]
    done: Option<bool>,
    #[serde(default, deserialize_with = "lenient_count")]
    prompt_eval_count: Option<u32>,
    #[serde(default, deserialize_with = "lenient_count")]
    eval_count: Option<u32>,
}

#[derive(Deserialize)]
struct AnswerMessage {
    content: String,
}

#[derive(Deserialize)]
struct Tags {
    models: Vec<TagModel>,
}

#[derive(Deserialize)]
struct TagModel {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    model: Option<String>,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: serde_json::Value,
}

/// A token count: a non-negative integer that fits `u32`, else `None`.
pub(crate) fn lenient_count<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<u32>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(v.and_then(|v| v.as_u64())
        .and_then(|n| u32::try_from(n).ok()))
}

/// [`LlmError::Decode`] for a body that did not parse, naming the server's own `error`
/// field when it has one.
pub(crate) fn decode_error(body: &[u8], err: &serde_json::Error) -> LlmError {
    if let Ok(e) = serde_json::from_slice::<ErrorBody>(body) {
        let text = match &e.error {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Object(o) => match o.get("message") {
                Some(serde_json::Value::String(s)) => s.clone(),
                _ => e.error.to_string(),
            },
            other => other.to_string(),
        };
        let text: String = text.chars().take(200).collect();
        return LlmError::Decode(format!("server error: {text}"));
    }
    LlmError::Decode(err.to_string())
}

impl Ollama {
    /// A client for `cfg` (whose `base_url` must parse, else [`LlmError::Config`]).
    pub fn new(cfg: BackendConfig) -> Result<Ollama, LlmError> {
        let base = Url::parse(&cfg.base_url)?;
        Ok(Ollama { cfg, base })
    }

    async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<&[u8]>,
    ) -> Result<http::Response, LlmError> {
        let headers: &[(&str, &str)] = if body.is_some() {
            &[
                ("Content-Type", "application/json"),
                ("Accept", "application/json"),
            ]
        } else {
            &[("Accept", "application/json")]
        };
        http::request(
            method,
            &self.base.join(path),
            headers,
            body,
            self.cfg.connect_timeout,
            self.cfg.deadline,
            self.cfg.max_body_bytes,
        )
        .await
    }

    fn has_model(&self, tags: &Tags) -> bool {
        let want = self.cfg.model.as_str();
        let same = |name: &str| {
            name == want
                || name.strip_suffix(":latest") == Some(want)
                || want.strip_suffix(":latest") == Some(name)
        };
        tags.models
            .iter()
            .flat_map(|m| [m.name.as_deref(), m.model.as_deref()])
            .flatten()
            .any(same)
    }
}

#[async_trait::async_trait]
impl Backend for Ollama {
    fn kind(&self) -> BackendKind {
        BackendKind::Ollama
    }

    fn model(&self) -> &str {
        &self.cfg.model
    }

    async fn chat(&self, req: &ChatRequest) -> Result<Completion, LlmError> {
        let body = ChatBody {
            model: &self.cfg.model,
            messages: &req.messages,
            stream: false,
            options: Options {
                temperature: req.temperature,
                num_predict: req.max_tokens,
            },
            format: req.json.then_some("json"),
        };
        let body = serde_json::to_vec(&body)
            .map_err(|e| LlmError::Config(format!("request JSON: {e}")))?;
        let resp = self.call("POST", "/api/chat", Some(&body)).await?;
        if !resp.is_success() {
            return Err(resp.status_error());
        }
        let answer: ChatAnswer =
            serde_json::from_slice(&resp.body).map_err(|e| decode_error(&resp.body, &e))?;
        if answer.done == Some(false) {
            return Err(LlmError::Decode("the answer is marked not done".into()));
        }
        Ok(Completion {
            text: answer.message.content,
            model: answer
                .model
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| self.cfg.model.clone()),
            prompt_tokens: answer.prompt_eval_count,
            completion_tokens: answer.eval_count,
        })
    }

    async fn probe(&self) -> Probe {
        let base = &self.base;
        let model = &self.cfg.model;
        let resp = match self.call("GET", "/api/tags", None).await {
            Ok(resp) => resp,
            Err(e) => {
                return Probe {
                    reachable: false,
                    model_found: None,
                    message: format!("cannot reach ollama at {base}: {e}"),
                };
            }
        };
        if !resp.is_success() {
            return Probe {
                reachable: true,
                model_found: None,
                message: format!(
                    "ollama at {base} answers /api/tags with {}",
                    resp.status_error()
                ),
            };
        }
        let tags: Tags = match serde_json::from_slice(&resp.body) {
            Ok(tags) => tags,
            Err(e) => {
                return Probe {
                    reachable: true,
                    model_found: None,
                    message: format!(
                        "{base} answers, but /api/tags is not ollama's model list: {}",
                        decode_error(&resp.body, &e)
                    ),
                };
            }
        };
        let found = self.has_model(&tags);
        let message = if found {
            format!("ollama at {base} answers; model {model} is installed")
        } else {
            format!(
                "ollama at {base} answers; model {model} is not installed (ollama pull {model})"
            )
        };
        Probe {
            reachable: true,
            model_found: Some(found),
            message,
        }
    }
}
