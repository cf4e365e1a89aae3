//! Unit tests for the URL parser, the request head and the response framing.

use super::*;

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

#[test]
fn parses_urls() {
    let u = url("http://127.0.0.1:11434");
    assert_eq!(
        (u.scheme, u.host.as_str(), u.port, u.path.as_str()),
        (Scheme::Http, "127.0.0.1", 11434, "")
    );
    let u = url(" HTTPS://api.example.com/v1/ ");
    assert_eq!(
        (u.scheme, u.host.as_str(), u.port, u.path.as_str()),
        (Scheme::Https, "api.example.com", 443, "/v1/")
    );
    assert_eq!(u.join("/chat/completions").path, "/v1/chat/completions");
    assert_eq!(u.to_string(), "https://api.example.com/v1");
    assert_eq!(url("http://localhost").port, 80);
    assert_eq!(url("http://h/").target(), "/");
    let v6 = url("http://[::1]:8080/v1");
    assert_eq!((v6.host.as_str(), v6.port), ("::1", 8080));
    assert_eq!(v6.authority(), "[::1]:8080");
    assert_eq!(url("https://[fe80::1]").authority(), "[fe80::1]");
    assert_eq!(url("http://h:8080").authority(), "h:8080");
    assert_eq!(url("https://h:443").authority(), "h");
}

#[test]
fn rejects_bad_urls() {
    for bad in [
        "",
        "   ",
        "127.0.0.1:11434",
        "ftp://h",
        "http://",
        "http:///path",
        "http://:80",
        "http://h:",
        "http://h:0",
        "http://h:65536",
        "http://h:-1",
        "http://h:+80",
        "http://h:8o",
        "http://u:p@h",
        "http://h/a b",
        "http://h/a\r\nX: y",
        "http://h?q=1",
        "http://h/#f",
        "http://[::1",
        "http://[zz]:80",
        "http://[::1]x",
        "http://h h",
        "http://hé/",
        "http://h/é",
        "http://[::1]:",
        "http://h:1:2",
    ] {
        assert!(
            matches!(Url::parse(bad), Err(LlmError::Config(_))),
            "{bad:?}"
        );
    }
}

#[test]
fn rejects_header_injection() {
    let u = url("http://h");
    assert!(request_head("GET", &u, &[("X", "a\r\nEvil: 1")], None).is_err());
    assert!(request_head("GET", &u, &[("X: y", "a")], None).is_err());
    assert!(request_head("G T", &u, &[], None).is_err());
    let head = request_head("POST", &u, &[("A", "b")], Some(b"xyz")).unwrap();
    assert_eq!(
        String::from_utf8(head).unwrap(),
        "POST / HTTP/1.1\r\nHost: h\r\nConnection: close\r\nA: b\r\nContent-Length: 3\r\n\r\n"
    );
}

async fn decode(raw: &[u8], max: usize) -> Result<Vec<u8>, LlmError> {
    read_chunked(&mut Input::new(raw), max).await
}

#[tokio::test]
async fn decodes_chunked() {
    assert_eq!(
        decode(b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", 100)
            .await
            .unwrap(),
        b"hello world"
    );
    let ext = b"5;name=\"v;x\"\r\nhello\r\nA ; e\r\n0123456789\r\n0;last\r\nX-T: 1\r\nY: 2\r\n\r\n";
    assert_eq!(decode(ext, 100).await.unwrap(), b"hello0123456789");
    assert_eq!(decode(b"3\nabc\n0\n\n", 100).await.unwrap(), b"abc");
    assert_eq!(decode(b"0\r\n\r\n", 0).await.unwrap(), b"");
}

#[tokio::test]
async fn rejects_bad_chunked() {
    for raw in [
        &b"zz\r\nhello\r\n0\r\n\r\n"[..],
        b"\r\nhi\r\n0\r\n\r\n",
        b"-5\r\nhello\r\n0\r\n\r\n",
        b"+5\r\nhello\r\n0\r\n\r\n",
        b"0x5\r\nhello\r\n0\r\n\r\n",
        b"5 5\r\nhello\r\n",
        b"ffffffffffffffffff\r\n",
        b";x\r\n",
        b"\xff\xfe\r\n",
        b"5\r\nhelloXX\r\n0\r\n\r\n",
        b"5\r\nhel",
        b"5\r\nhello",
        b"5\r\nhello\r\n",
        b"5\r\nhello\r\n0\r\n",
        b"",
        b"5\r\nhello\r\n0\r\nTrailer: cut",
    ] {
        let got = decode(raw, 1 << 20).await;
        assert!(
            matches!(got, Err(LlmError::Protocol(_))),
            "{:?}: {got:?}",
            String::from_utf8_lossy(raw)
        );
    }
    let long_line = vec![b'1'; MAX_CHUNK_LINE + 10];
    assert!(matches!(
        decode(&long_line, 100).await,
        Err(LlmError::Protocol(_))
    ));
}

#[tokio::test]
async fn caps_chunked_body() {
    assert!(matches!(
        decode(b"5\r\nhello\r\n0\r\n\r\n", 4).await,
        Err(LlmError::TooLarge { limit: 4 })
    ));
    let two = b"3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n";
    assert!(matches!(
        decode(two, 5).await,
        Err(LlmError::TooLarge { .. })
    ));
    assert_eq!(decode(two, 6).await.unwrap(), b"abcdef");
    // A huge announced size fails before any data is read.
    assert!(matches!(
        decode(b"fffffffffffffff\r\n", 100).await,
        Err(LlmError::TooLarge { .. })
    ));
}

#[tokio::test]
async fn reads_heads() {
    let ok = |raw: &'static [u8], max| async move { read_response(Input::new(raw), max).await };
    let r = ok(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiEXTRA", 10)
        .await
        .unwrap();
    assert_eq!((r.status, r.body.as_slice()), (200, &b"hi"[..]));
    let r = ok(
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 No\r\n\r\ngone",
        10,
    )
    .await
    .unwrap();
    assert_eq!((r.status, r.body.as_slice()), (404, &b"gone"[..]));
    let r = ok(b"HTTP/1.1 204 No\r\nContent-Length: 5\r\n\r\n", 10)
        .await
        .unwrap();
    assert!(r.body.is_empty());
    for bad in [
        &b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"[..],
        b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n",
        b"SSH-2.0-OpenSSH\r\n\r\n",
        b"HTTP/1.1 200",
        b"",
    ] {
        assert!(
            matches!(ok(bad, 10).await, Err(LlmError::Protocol(_))),
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
    let big = ok(
        b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
        10,
    )
    .await;
    assert!(matches!(
        big,
        Err(LlmError::Protocol(_) | LlmError::TooLarge { .. })
    ));
    assert!(matches!(
        ok(b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n", 10).await,
        Err(LlmError::TooLarge { .. })
    ));
    assert!(matches!(
        ok(b"HTTP/1.1 200 OK\r\n\r\n01234567890", 10).await,
        Err(LlmError::TooLarge { .. })
    ));
}

#[test]
fn tls_config_builds_from_the_compiled_in_roots() {
    let config = tls_config().unwrap();
    assert_eq!(config.alpn_protocols, vec![b"http/1.1".to_vec()]);
    assert!(!webpki_roots::TLS_SERVER_ROOTS.is_empty());
}
