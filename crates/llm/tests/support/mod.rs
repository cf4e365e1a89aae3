//! A scripted HTTP server for the contract tests: each test says what the server does with
//! its one connection (answer, stall, drop, send junk), and gets back what the client sent.

use std::future::Future;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

mod backends;
pub use backends::*;

/// What the client sent.
#[derive(Debug, Clone, Default)]
pub struct Captured {
    /// `GET`, `POST`.
    pub method: String,
    /// The request target.
    pub path: String,
    /// Header names (lowercased) and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body (by `Content-Length`).
    pub body: Vec<u8>,
}

impl Captured {
    /// The first header named `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }
}

/// Reads one request (head and `Content-Length` body). `None` when the client went away.
pub async fn read_request(stream: &mut TcpStream) -> Option<Captured> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let path = first.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .map_or(0, |(_, v)| v.parse().unwrap_or(0));
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Captured {
        method,
        path,
        headers,
        body,
    })
}

/// Starts a server for one connection, handled by `script`. Returns the `http://127.0.0.1:PORT`
/// base and the task, whose output is the script's.
pub async fn serve<F, Fut, T>(script: F) -> (String, JoinHandle<T>)
where
    F: FnOnce(TcpStream) -> Fut + Send + 'static,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        script(stream).await
    });
    (base, task)
}

/// A server that reads the request, writes `response` (ignoring write errors: the client
/// may hang up first), and closes. The task yields the request.
pub async fn answer(response: Vec<u8>) -> (String, JoinHandle<Captured>) {
    serve(move |mut s| async move {
        let req = read_request(&mut s).await.unwrap_or_default();
        let _ = s.write_all(&response).await;
        let _ = s.shutdown().await;
        req
    })
    .await
}

/// Like [`answer`], but waits `delay` before answering.
pub async fn answer_after(delay: Duration, response: Vec<u8>) -> (String, JoinHandle<Captured>) {
    serve(move |mut s| async move {
        let req = read_request(&mut s).await.unwrap_or_default();
        tokio::time::sleep(delay).await;
        let _ = s.write_all(&response).await;
        req
    })
    .await
}

/// A complete response with `Content-Length`.
pub fn response(status: u16, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// A 200 response framed by the end of the connection (no length).
pub fn response_to_eof(body: &[u8]) -> Vec<u8> {
    let mut out = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n".to_vec();
    out.extend_from_slice(body);
    out
}

/// A 200 response with `body` in chunks of `size` bytes, an extension on the first chunk
/// and a trailer.
pub fn chunked(body: &[u8], size: usize) -> Vec<u8> {
    let mut out =
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            .to_vec();
    for (i, part) in body.chunks(size).enumerate() {
        let ext = if i == 0 { ";note=\"first\"" } else { "" };
        out.extend_from_slice(format!("{:x}{ext}\r\n", part.len()).as_bytes());
        out.extend_from_slice(part);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\nX-Trailer: done\r\n\r\n");
    out
}

/// A base URL where nothing listens (a port bound, then let go).
pub async fn refused_base() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}
