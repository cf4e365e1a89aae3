//! Backend-side helpers for the contract tests: configs, requests, good answers, and a
//! check that a failing call fails fast with the expected error.

use std::sync::Arc;
use std::time::{Duration, Instant};

use miragepot_llm::{
    Backend, BackendConfig, BackendKind, ChatMessage, ChatRequest, LlmError, Role, build,
};

/// Both wire formats.
pub const KINDS: [BackendKind; 2] = [BackendKind::Ollama, BackendKind::Openai];
/// The configured model.
pub const MODEL: &str = "qwen2.5:1.5b";
/// The body cap.
pub const CAP: usize = 256 * 1024;

/// A config for `kind` against `server` (`http://127.0.0.1:PORT`); OpenAI gets `/v1/` and a key.
pub fn config(kind: BackendKind, server: &str, deadline_ms: u64) -> BackendConfig {
    let base_url = match kind {
        BackendKind::Openai => format!("{server}/v1/"),
        _ => server.to_string(),
    };
    BackendConfig {
        kind,
        base_url,
        model: MODEL.into(),
        api_key: (kind == BackendKind::Openai).then(|| "sk-test".to_string()),
        connect_timeout: Duration::from_millis(500),
        deadline: Duration::from_millis(deadline_ms),
        max_body_bytes: CAP,
    }
}

/// The backend for [`config`].
pub fn backend(kind: BackendKind, server: &str, deadline_ms: u64) -> Arc<dyn Backend> {
    build(&config(kind, server, deadline_ms)).unwrap()
}

/// A two-message request.
pub fn request(json: bool) -> ChatRequest {
    ChatRequest {
        messages: vec![
            ChatMessage {
                role: Role::System,
                content: "You are a Linux shell.".into(),
            },
            ChatMessage {
                role: Role::User,
                content: "ls -la /srv".into(),
            },
        ],
        max_tokens: 64,
        temperature: 0.25,
        json,
    }
}

/// A good answer in `kind`'s format: "total 0\n", 42 prompt and 7 completion tokens.
pub fn good_body(kind: BackendKind) -> Vec<u8> {
    let v = match kind {
        BackendKind::Ollama => serde_json::json!({
            "model": "qwen2.5:1.5b", "created_at": "2024-01-01T00:00:00Z",
            "message": {"role": "assistant", "content": "total 0\n"},
            "done": true, "done_reason": "stop", "prompt_eval_count": 42, "eval_count": 7
        }),
        _ => serde_json::json!({
            "id": "chatcmpl-1", "object": "chat.completion", "model": "qwen-served",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "total 0\n"},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 42, "completion_tokens": 7, "total_tokens": 49}
        }),
    };
    serde_json::to_vec(&v).unwrap()
}

/// The model name [`good_body`] reports.
pub fn served_model(kind: BackendKind) -> &'static str {
    if kind == BackendKind::Ollama {
        MODEL
    } else {
        "qwen-served"
    }
}

/// Runs one chat against `server` and checks it fails as `want` says, within 2 s.
pub async fn chat_fails(
    kind: BackendKind,
    server: &str,
    deadline_ms: u64,
    want: fn(&LlmError) -> bool,
) -> LlmError {
    let b = backend(kind, server, deadline_ms);
    let start = Instant::now();
    let got = b.chat(&request(false)).await;
    let took = start.elapsed();
    assert!(took < Duration::from_secs(2), "{kind:?}: took {took:?}");
    let err = got.expect_err("the call should fail");
    assert!(want(&err), "{kind:?}: unexpected error {err:?}");
    err
}

/// [`good_body`] as JSON.
pub fn good_body_as_value(kind: BackendKind) -> serde_json::Value {
    serde_json::from_slice(&good_body(kind)).unwrap()
}
