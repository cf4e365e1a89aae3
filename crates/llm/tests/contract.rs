//! Contract tests for the Ollama and OpenAI-compatible backends against a scripted local HTTP
//! server: the request each sends, the answers each accepts, and that every failure (slow,
//! silent, huge, truncated, malformed) comes back as the right [`LlmError`] within the deadline.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::time::{Duration, Instant};

use miragepot_llm::{BackendConfig, BackendKind, LlmError, build};
use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn normal_answer_and_request_shape() {
    for kind in KINDS {
        let (server, task) = answer(response(200, &good_body(kind))).await;
        let done = backend(kind, &server, 5000)
            .chat(&request(false))
            .await
            .unwrap();
        assert_eq!(done.text, "total 0\n");
        assert_eq!(done.model, served_model(kind));
        assert_eq!(
            (done.prompt_tokens, done.completion_tokens),
            (Some(42), Some(7))
        );

        let req = task.await.unwrap();
        assert_eq!(req.method, "POST");
        assert_eq!(
            req.header("host"),
            Some(server.trim_start_matches("http://"))
        );
        assert_eq!(req.header("connection"), Some("close"));
        assert_eq!(req.header("content-type"), Some("application/json"));
        assert_eq!(
            req.header("content-length"),
            Some(req.body.len().to_string().as_str())
        );
        let j = req.json();
        assert_eq!(j["model"], MODEL);
        assert_eq!(j["stream"], false);
        assert_eq!(j["messages"][0]["role"], "system");
        assert_eq!(j["messages"][0]["content"], "You are a Linux shell.");
        assert_eq!(j["messages"][1]["role"], "user");
        assert_eq!(j["messages"][1]["content"], "ls -la /srv");
        match kind {
            BackendKind::Ollama => {
                assert_eq!(req.path, "/api/chat");
                assert_eq!(j["options"]["temperature"], 0.25);
                assert_eq!(j["options"]["num_predict"], 64);
                assert!(j.get("format").is_none());
                assert_eq!(req.header("authorization"), None);
            }
            _ => {
                assert_eq!(req.path, "/v1/chat/completions");
                assert_eq!(j["max_tokens"], 64);
                assert_eq!(j["temperature"], 0.25);
                assert!(j.get("response_format").is_none());
                assert_eq!(req.header("authorization"), Some("Bearer sk-test"));
            }
        }
    }
}

#[tokio::test]
async fn json_mode_asks_for_a_json_object() {
    for kind in KINDS {
        let (server, task) = answer(response(200, &good_body(kind))).await;
        let mut cfg = config(kind, &server, 5000);
        cfg.api_key = None;
        build(&cfg).unwrap().chat(&request(true)).await.unwrap();
        let req = task.await.unwrap();
        let j = req.json();
        match kind {
            BackendKind::Ollama => assert_eq!(j["format"], "json"),
            _ => assert_eq!(
                j["response_format"],
                serde_json::json!({"type": "json_object"})
            ),
        }
        assert_eq!(req.header("authorization"), None, "{kind:?}");
    }
}

#[tokio::test]
async fn optional_fields_may_be_missing() {
    let cases = [
        (
            BackendKind::Ollama,
            serde_json::json!({"message": {"role": "assistant", "content": "x"}}),
        ),
        (
            BackendKind::Ollama,
            serde_json::json!({"message": {"content": "x"}, "eval_count": -3}),
        ),
        (
            BackendKind::Openai,
            serde_json::json!({"choices": [{"message": {"content": "x"}}]}),
        ),
        (
            BackendKind::Openai,
            serde_json::json!({"choices": [{"message": {"content": "x"}}], "usage": null}),
        ),
    ];
    for (kind, body) in cases {
        let (server, _task) = answer(response(200, &serde_json::to_vec(&body).unwrap())).await;
        let done = backend(kind, &server, 5000)
            .chat(&request(false))
            .await
            .unwrap();
        assert_eq!(done.text, "x");
        assert_eq!(
            done.model, MODEL,
            "{kind:?}: the configured model stands in"
        );
        assert_eq!((done.prompt_tokens, done.completion_tokens), (None, None));
    }
}

#[tokio::test]
async fn chunked_and_unframed_answers() {
    for kind in KINDS {
        for script in [
            chunked(&good_body(kind), 7),
            response_to_eof(&good_body(kind)),
        ] {
            let (server, _task) = answer(script).await;
            let done = backend(kind, &server, 5000)
                .chat(&request(false))
                .await
                .unwrap();
            assert_eq!(done.text, "total 0\n", "{kind:?}");
            assert_eq!(done.completion_tokens, Some(7));
        }
    }
}

#[tokio::test]
async fn slow_answer_times_out() {
    for kind in KINDS {
        let (server, _task) =
            answer_after(Duration::from_secs(3), response(200, &good_body(kind))).await;
        let err = chat_fails(kind, &server, 300, |e| {
            matches!(e, LlmError::Timeout { .. })
        })
        .await;
        assert!(matches!(err, LlmError::Timeout { ms: 300 }));
        assert_eq!(err.reason(), "timeout");
    }
}

#[tokio::test]
async fn silent_server_times_out() {
    for kind in KINDS {
        let (server, _task) = serve(|s| async move {
            tokio::time::sleep(Duration::from_secs(5)).await;
            drop(s);
        })
        .await;
        chat_fails(kind, &server, 300, |e| {
            matches!(e, LlmError::Timeout { ms: 300 })
        })
        .await;
    }
}

#[tokio::test]
async fn trickling_server_times_out() {
    // One byte every 50 ms: each read makes progress, the deadline still holds.
    for kind in KINDS {
        let (server, _task) = serve(|mut s| async move {
            read_request(&mut s).await;
            for b in b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"
                .iter()
                .cycle()
                .take(200)
            {
                if s.write_all(&[*b]).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
        .await;
        chat_fails(kind, &server, 300, |e| {
            matches!(e, LlmError::Timeout { .. })
        })
        .await;
    }
}

#[tokio::test]
async fn error_status_keeps_the_start_of_the_body() {
    for kind in KINDS {
        let body = format!("model crashed: {}", "x".repeat(400));
        let (server, _task) = answer(response(500, body.as_bytes())).await;
        let err = chat_fails(kind, &server, 1000, |e| {
            matches!(e, LlmError::Status { .. })
        })
        .await;
        let LlmError::Status { status, body } = err else {
            unreachable!()
        };
        assert_eq!(status, 500);
        assert!(body.starts_with("model crashed: xxx"));
        assert_eq!(body.len(), 200);
    }
}

#[tokio::test]
async fn garbage_json_is_a_decode_error() {
    for kind in KINDS {
        for body in [
            &b"this is not json"[..],
            b"{\"message\": ",
            b"\xff\xfe",
            b"",
        ] {
            let (server, _task) = answer(response(200, body)).await;
            chat_fails(kind, &server, 1000, |e| matches!(e, LlmError::Decode(_))).await;
        }
    }
}

#[tokio::test]
async fn wrong_shape_is_a_decode_error() {
    let cases = [
        (BackendKind::Ollama, serde_json::json!({"foo": 1})),
        (
            BackendKind::Ollama,
            serde_json::json!({"message": {"content": 5}}),
        ),
        (
            BackendKind::Ollama,
            serde_json::json!({"message": {"content": "x"}, "done": false}),
        ),
        (BackendKind::Ollama, serde_json::json!([1, 2, 3])),
        (
            BackendKind::Ollama,
            serde_json::json!({"error": "model 'x' not found"}),
        ),
        (BackendKind::Openai, serde_json::json!({"choices": []})),
        (
            BackendKind::Openai,
            serde_json::json!({"choices": [{"message": {"content": null}}]}),
        ),
        (
            BackendKind::Openai,
            serde_json::json!({"choices": [{"text": "x"}]}),
        ),
        (BackendKind::Openai, serde_json::json!({"object": "list"})),
        (
            BackendKind::Openai,
            serde_json::json!({"error": {"message": "quota exceeded"}}),
        ),
        (BackendKind::Openai, good_body_as_value(BackendKind::Ollama)),
        (BackendKind::Ollama, good_body_as_value(BackendKind::Openai)),
    ];
    for (kind, body) in cases {
        let (server, _task) = answer(response(200, &serde_json::to_vec(&body).unwrap())).await;
        let err = chat_fails(kind, &server, 1000, |e| matches!(e, LlmError::Decode(_))).await;
        if body.get("error").is_some() {
            let text = err.to_string();
            assert!(
                text.contains("not found") || text.contains("quota"),
                "{text}"
            );
        }
    }
}

#[tokio::test]
async fn huge_body_is_too_large() {
    let huge = vec![b'a'; 5 * 1024 * 1024];
    for kind in KINDS {
        for script in [
            response(200, &huge),
            response_to_eof(&huge),
            response(500, &huge),
        ] {
            let (server, _task) = answer(script).await;
            let err = chat_fails(kind, &server, 1000, |e| {
                matches!(e, LlmError::TooLarge { .. })
            })
            .await;
            assert!(matches!(err, LlmError::TooLarge { limit: CAP }));
        }
    }
}

#[tokio::test]
async fn huge_chunked_body_is_too_large() {
    let huge = vec![b'a'; 5 * 1024 * 1024];
    for kind in KINDS {
        // Many chunks that add up past the cap, and one chunk that announces 5 MiB.
        for size in [64 * 1024, huge.len()] {
            let (server, _task) = answer(chunked(&huge, size)).await;
            chat_fails(kind, &server, 1000, |e| {
                matches!(e, LlmError::TooLarge { limit: CAP })
            })
            .await;
        }
    }
}

#[tokio::test]
async fn dropped_mid_body_is_a_protocol_error() {
    for kind in KINDS {
        let full = response(200, &good_body(kind));
        let cut_chunked = chunked(&good_body(kind), 16);
        for script in [
            full[..full.len() - 10].to_vec(),
            cut_chunked[..cut_chunked.len() - 30].to_vec(),
        ] {
            let (server, _task) = answer(script).await;
            chat_fails(kind, &server, 1000, |e| matches!(e, LlmError::Protocol(_))).await;
        }
    }
}

#[tokio::test]
async fn closed_before_any_response_is_a_protocol_error() {
    for kind in KINDS {
        let (server, _task) = serve(|mut s| async move {
            read_request(&mut s).await;
        })
        .await;
        let err = chat_fails(kind, &server, 1000, |e| matches!(e, LlmError::Protocol(_))).await;
        assert!(err.to_string().contains("before any response"), "{err}");
        // Closed without even reading the request.
        let (server, _task) = serve(|s| async move { drop(s) }).await;
        chat_fails(kind, &server, 1000, |e| matches!(e, LlmError::Protocol(_))).await;
    }
}

#[tokio::test]
async fn over_long_head_is_a_protocol_error() {
    for kind in KINDS {
        let mut head = b"HTTP/1.1 200 OK\r\n".to_vec();
        while head.len() < 64 * 1024 {
            head.extend_from_slice(
                format!("X-Pad-{}: {}\r\n", head.len(), "p".repeat(4000)).as_bytes(),
            );
        }
        let (server, _task) = answer(head).await;
        let err = chat_fails(kind, &server, 1000, |e| matches!(e, LlmError::Protocol(_))).await;
        assert!(err.to_string().contains("head over"), "{err}");
        // Not HTTP at all.
        let (server, _task) = answer(b"SSH-2.0-OpenSSH_9.6\r\n\r\n".to_vec()).await;
        chat_fails(kind, &server, 1000, |e| matches!(e, LlmError::Protocol(_))).await;
    }
}

#[tokio::test]
async fn connect_refused_is_a_connect_error() {
    for kind in KINDS {
        let server = refused_base().await;
        let err = chat_fails(kind, &server, 1000, |e| {
            matches!(e, LlmError::Connect { .. })
        })
        .await;
        assert_eq!(err.reason(), "connect");
    }
}

#[tokio::test]
async fn tls_to_a_plain_server_is_a_connect_error() {
    for kind in KINDS {
        let (server, _task) = serve(|mut s| async move {
            let mut hello = [0u8; 512];
            let _ = s.read(&mut hello).await;
            let _ = s
                .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                .await;
        })
        .await;
        let server = server.replace("http://", "https://");
        chat_fails(kind, &server, 1000, |e| {
            matches!(e, LlmError::Connect { .. })
        })
        .await;
        // A TLS server that never finishes the handshake: the connect timeout (500 ms) or the
        // deadline, whichever is first.
        let (server, _task) = serve(|s| async move {
            tokio::time::sleep(Duration::from_secs(5)).await;
            drop(s);
        })
        .await;
        let server = server.replace("http://", "https://");
        chat_fails(kind, &server, 1000, |e| {
            matches!(e, LlmError::Connect { .. })
        })
        .await;
    }
}

#[tokio::test]
async fn bad_base_url_is_a_config_error() {
    for kind in KINDS {
        for url in [
            "",
            "127.0.0.1:11434",
            "ftp://h",
            "http://h:99999",
            "http://[::1",
        ] {
            let cfg = BackendConfig {
                kind,
                base_url: url.into(),
                ..BackendConfig::default()
            };
            assert!(
                matches!(build(&cfg), Err(LlmError::Config(_))),
                "{kind:?} {url:?}"
            );
        }
        let b = backend(kind, "http://[::1]:8080", 1000);
        assert_eq!((b.kind(), b.model()), (kind, MODEL));
    }
}

async fn probe(
    kind: BackendKind,
    status: u16,
    body: serde_json::Value,
) -> (miragepot_llm::Probe, Captured) {
    let (server, task) = answer(response(status, &serde_json::to_vec(&body).unwrap())).await;
    let p = backend(kind, &server, 1000).probe().await;
    (p, task.await.unwrap())
}

#[tokio::test]
async fn ollama_probe() {
    let list = |names: &[&str]| {
        let models: Vec<_> = names
            .iter()
            .map(|n| serde_json::json!({"name": n, "model": n, "size": 1}))
            .collect();
        serde_json::json!({ "models": models })
    };
    let (p, req) = probe(BackendKind::Ollama, 200, list(&["llama3:latest", MODEL])).await;
    assert_eq!(
        (req.method.as_str(), req.path.as_str()),
        ("GET", "/api/tags")
    );
    assert!(p.reachable && p.model_found == Some(true), "{p:?}");
    assert!(
        p.message.contains("is installed") && p.message.contains("http://127.0.0.1:"),
        "{}",
        p.message
    );

    let (p, _) = probe(BackendKind::Ollama, 200, list(&["qwen2.5:1.5b:latest"])).await;
    assert_eq!(p.model_found, Some(true));

    let (p, _) = probe(BackendKind::Ollama, 200, list(&["llama3:latest"])).await;
    assert_eq!((p.reachable, p.model_found), (true, Some(false)));
    assert!(
        p.message
            .contains("not installed (ollama pull qwen2.5:1.5b)"),
        "{}",
        p.message
    );

    let (p, _) = probe(BackendKind::Ollama, 200, serde_json::json!({"data": []})).await;
    assert_eq!((p.reachable, p.model_found), (true, None));

    let (p, _) = probe(BackendKind::Ollama, 404, serde_json::json!({})).await;
    assert_eq!((p.reachable, p.model_found), (true, None));

    let mut cfg = config(BackendKind::Ollama, "http://127.0.0.1:1", 1000);
    cfg.model = "llama3".into();
    let (server, _task) = answer(response(
        200,
        &serde_json::to_vec(&list(&["llama3:latest"])).unwrap(),
    ))
    .await;
    cfg.base_url = server;
    assert_eq!(build(&cfg).unwrap().probe().await.model_found, Some(true));
}

#[tokio::test]
async fn openai_probe() {
    let list = |ids: &[&str], owner: &str| {
        let data: Vec<_> = ids
            .iter()
            .map(|id| serde_json::json!({"id": id, "object": "model", "owned_by": owner}))
            .collect();
        serde_json::json!({ "object": "list", "data": data })
    };
    let (p, req) = probe(BackendKind::Openai, 200, list(&["gpt-x", MODEL], "me")).await;
    assert_eq!(
        (req.method.as_str(), req.path.as_str()),
        ("GET", "/v1/models")
    );
    assert_eq!(req.header("authorization"), Some("Bearer sk-test"));
    assert!(p.reachable && p.model_found == Some(true), "{p:?}");

    // llama.cpp lists the model file's path.
    let (p, _) = probe(
        BackendKind::Openai,
        200,
        list(&["/models/qwen2.5:1.5b"], "llamacpp"),
    )
    .await;
    assert_eq!(p.model_found, Some(true), "{p:?}");
    let (p, _) = probe(
        BackendKind::Openai,
        200,
        list(&["/models/qwen2.5:1.5b.gguf"], "llamacpp"),
    )
    .await;
    assert_eq!(p.model_found, Some(true), "{p:?}");
    let (p, _) = probe(
        BackendKind::Openai,
        200,
        list(&["/models/phi-3-q4.gguf"], "llamacpp"),
    )
    .await;
    assert_eq!((p.reachable, p.model_found), (true, Some(false)));
    assert!(p.message.contains("/models/phi-3-q4.gguf"), "{}", p.message);

    let (p, _) = probe(BackendKind::Openai, 200, list(&["gpt-x", "gpt-y"], "me")).await;
    assert_eq!(p.model_found, Some(false));
    assert!(p.message.contains("gpt-x, gpt-y"), "{}", p.message);

    let (p, _) = probe(
        BackendKind::Openai,
        401,
        serde_json::json!({"error": "no key"}),
    )
    .await;
    assert_eq!((p.reachable, p.model_found), (true, None));
    assert!(
        p.message.contains("401") && p.message.contains("API key"),
        "{}",
        p.message
    );

    let (p, _) = probe(BackendKind::Openai, 200, serde_json::json!({"models": []})).await;
    assert_eq!((p.reachable, p.model_found), (true, None));
}

#[tokio::test]
async fn probe_of_a_down_server() {
    for kind in KINDS {
        let server = refused_base().await;
        let start = Instant::now();
        let p = backend(kind, &server, 1000).probe().await;
        assert!(start.elapsed() < Duration::from_secs(2));
        assert_eq!((p.reachable, p.model_found), (false, None));
        assert!(p.message.starts_with("cannot reach"), "{}", p.message);
        assert!(
            p.message.contains(server.trim_start_matches("http://")),
            "{}",
            p.message
        );

        let (server, _task) = serve(|s| async move {
            tokio::time::sleep(Duration::from_secs(5)).await;
            drop(s);
        })
        .await;
        let p = backend(kind, &server, 300).probe().await;
        assert!(
            !p.reachable && p.message.contains("no answer within 300 ms"),
            "{}",
            p.message
        );
    }
}
