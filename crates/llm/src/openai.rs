//! The OpenAI-compatible backend: `POST {base}/chat/completions` and `GET {base}/models`
//! (llama.cpp server, vLLM, LM Studio, OpenAI).
//!
//! Design: one HTTP request per call through [`crate::http`], with the configured connect
//! timeout, deadline and body cap, and `Authorization: Bearer` when a key is configured. Typed
//! structs decode the answer: empty `choices` or a null `content` is [`LlmError::Decode`];
//! `usage` and `model` are optional (the configured model stands in). The probe accepts the
//! llama.cpp habit of listing the model file's path as its id.
//!
//! Known limits: no streaming, no retries, no tool calls; only the first choice is read.

use serde::{Deserialize, Serialize};

use crate::backend::{Backend, BackendConfig, BackendKind, Probe};
use crate::http::{self, Url};
use crate::ollama::{decode_error, lenient_count};
use crate::{ChatMessage, ChatRequest, Completion, LlmError};

/// A client for an OpenAI-compatible server.
#[derive(Clone)]
pub struct OpenAi {
    cfg: BackendConfig,
    base: Url,
}

impl std::fmt::Debug for OpenAi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The API key stays out of logs.
        f.debug_struct("OpenAi")
            .field("base", &self.base.to_string())
            .field("model", &self.cfg.model)
            .field("api_key", &self.cfg.api_key.as_ref().map(|_| "<set>"))
            .finish()
    }
}

#[derive(Serialize)]
struct ChatBody<'a> {
    model: &'a str,
    messages: &'a [ChatMessage],
    max_tokens: u32,
    temperature: f32,
    stream: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_format: Option<ResponseFormat>,
}

#[derive(Serialize)]
struct ResponseFormat {
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Deserialize)]
struct ChatAnswer {
    #[serde(default)]
    model: Option<String>,
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<Usage>,
}

#[derive(Deserialize)]
struct Choice {
    message: AnswerMessage,
}

#[derive(Deserialize)]
struct AnswerMessage {
    #[serde(default)]
    content: Option<String>,
}

#[derive(Deserialize)]
struct Usage {
    #[serde(default, deserialize_with = "lenient_count")]
    prompt_tokens: Option<u32>,
    #[serde(default, deserialize_with = "lenient_count")]
    completion_tokens: Option<u32>,
}

#[derive(Deserialize)]
struct Models {
    data: Vec<ModelEntry>,
}

#[derive(Deserialize)]
struct ModelEntry {
    id: String,
    #[serde(default)]
    owned_by: Option<String>,
    #[serde(default)]
    meta: Option<serde_json::Value>,
}

impl ModelEntry {
    /// llama.cpp serves one model file whatever the request names, and says so by its
    /// `owned_by`, its `meta` block or a file path as the id.
    fn llama_cpp_like(&self) -> bool {
        self.owned_by.as_deref() == Some("llamacpp")
            || self.meta.is_some()
            || self.id.contains('/')
            || self.id.ends_with(".gguf")
    }

    fn matches(&self, want: &str) -> bool {
        let id = self.id.as_str();
        !want.is_empty()
            && (id == want
                || id.ends_with(want)
                || id.strip_suffix(".gguf").is_some_and(|s| s.ends_with(want)))
    }
}

impl OpenAi {
    /// A client for `cfg` (whose `base_url` must parse, else [`LlmError::Config`]).
    pub fn new(cfg: BackendConfig) -> Result<OpenAi, LlmError> {
        let base = Url::parse(&cfg.base_url)?;
        Ok(OpenAi { cfg, base })
    }

    async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<&[u8]>,
    ) -> Result<http::Response, LlmError> {
        let auth = self
            .cfg
            .api_key
            .as_deref()
            .filter(|k| !k.is_empty())
            .map(|k| format!("Bearer {k}"));
        let mut headers = vec![("Accept", "application/json")];
        if body.is_some() {
            headers.push(("Content-Type", "application/json"));
        }
        if let Some(auth) = &auth {
            headers.push(("Authorization", auth.as_str()));
        }
        http::request(
            method,
            &self.base.join(path),
            &headers,
            body,
            self.cfg.connect_timeout,
            self.cfg.deadline,
            self.cfg.max_body_bytes,
        )
        .await
    }
}

#[async_trait::async_trait]
impl Backend for OpenAi {
    fn kind(&self) -> BackendKind {
        BackendKind::Openai
    }

    fn model(&self) -> &str {
        &self.cfg.model
    }

    async fn chat(&self, req: &ChatRequest) -> Result<Completion, LlmError> {
        let body = ChatBody {
            model: &self.cfg.model,
            messages: &req.messages,
            max_tokens: req.max_tokens,
            temperature: req.temperature,
            stream: false,
            response_format: req.json.then_some(ResponseFormat {
                kind: "json_object",
            }),
        };
        let body = serde_json::to_vec(&body)
            .map_err(|e| LlmError::Config(format!("request JSON: {e}")))?;
        let resp = self.call("POST", "/chat/completions", Some(&body)).await?;
        if !resp.is_success() {
            return Err(resp.status_error());
        }
        let answer: ChatAnswer =
            serde_json::from_slice(&resp.body).map_err(|e| decode_error(&resp.body, &e))?;
        let choice = answer
            .choices
            .into_iter()
            .next()
            .ok_or_else(|| LlmError::Decode("the answer has no choices".into()))?;
        let text = choice
            .message
            .content
            .ok_or_else(|| LlmError::Decode("the first choice has no content".into()))?;
        let usage = answer.usage.unwrap_or(Usage {
            prompt_tokens: None,
            completion_tokens: None,
        });
        Ok(Completion {
            text,
            model: answer
                .model
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| self.cfg.model.clone()),
            prompt_tokens: usage.prompt_tokens,
            completion_tokens: usage.completion_tokens,
        })
    }

    async fn probe(&self) -> Probe {
        let base = &self.base;
        let model = &self.cfg.model;
        let resp = match self.call("GET", "/models", None).await {
            Ok(resp) => resp,
            Err(e) => {
                return Probe {
                    reachable: false,
                    model_found: None,
                    message: format!("cannot reach the OpenAI-compatible server at {base}: {e}"),
                };
            }
        };
        if !resp.is_success() {
            let hint = if matches!(resp.status, 401 | 403) {
                " (check the API key)"
            } else {
                ""
            };
            return Probe {
                reachable: true,
                model_found: None,
                message: format!("{base} answers /models with {}{hint}", resp.status_error()),
            };
        }
        let models: Models = match serde_json::from_slice(&resp.body) {
            Ok(models) => models,
            Err(e) => {
                return Probe {
                    reachable: true,
                    model_found: None,
                    message: format!(
                        "{base} answers, but /models is not an OpenAI model list: {}",
                        decode_error(&resp.body, &e)
                    ),
                };
            }
        };
        if models.data.iter().any(|m| m.matches(model)) {
            return Probe {
                reachable: true,
                model_found: Some(true),
                message: format!("{base} answers; model {model} is available"),
            };
        }
        let mut ids: Vec<String> = models.data.iter().take(10).map(|m| m.id.clone()).collect();
        if models.data.len() > ids.len() {
            ids.push("...".into());
        }
        let ids = if ids.is_empty() {
            "none".to_string()
        } else {
            ids.join(", ")
        };
        let message = match models.data.as_slice() {
            [only] if only.llama_cpp_like() => format!(
                "{base} answers; it serves only {} (llama.cpp-like), not model {model}: set the model to that id",
                only.id
            ),
            _ => format!("{base} answers; model {model} is not available (available: {ids})"),
        };
        Probe {
            reachable: true,
            model_found: Some(false),
            message,
        }
    }
}
