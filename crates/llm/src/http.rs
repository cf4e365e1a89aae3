//! A small HTTP/1.1 client, used only to talk to the LLM server the operator configured.
//!
//! Design: one request per connection (`Connection: close`), over plain TCP or TLS (rustls with
//! the `ring` provider and the compiled-in `webpki-roots` trust anchors: nothing is read from the
//! host's certificate store). The connect (and TLS handshake) has its own timeout, and
//! [`tokio::time::timeout`] wraps the whole exchange, so every call returns within its
//! deadline whatever the server does. The response head is capped at [`MAX_HEAD`] bytes and the
//! body at the caller's cap, checked as soon as a length is known or a read crosses it: the
//! client never buffers more than the cap plus one read. Bodies are framed by
//! `Content-Length`, `Transfer-Encoding: chunked` (extensions and trailers are read and
//! dropped) or the end of the connection. Nothing here panics on any input.
//!
//! Known limits: no proxies, no redirects, no keep-alive, no compression (we send no
//! `Accept-Encoding`, and a compressed answer is a protocol error), no client certificates,
//! no query strings or user info in URLs. Host names are resolved by the system resolver.
//! Over TLS, a body framed by the end of the connection must end with a TLS `close_notify`;
//! a bare TCP close there is a protocol error (a truncation cannot be told from the end).

use std::fmt;
use std::net::Ipv6Addr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::LlmError;

/// Cap on the response head (status line and headers), and on chunked trailers.
pub const MAX_HEAD: usize = 16 * 1024;
/// Cap on one chunk-size line (with its extensions).
const MAX_CHUNK_LINE: usize = 4096;
/// Bytes asked of the socket per read.
const READ_SIZE: usize = 8192;

/// `http` or `https`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// Plain TCP.
    Http,
    /// TLS.
    Https,
}

/// A parsed `http://` or `https://` URL, without query, fragment or user info.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    /// The scheme.
    pub scheme: Scheme,
    /// Host name or IP address (an IPv6 address without its brackets).
    pub host: String,
    /// The port (80 or 443 when the URL names none).
    pub port: u16,
    /// The path, starting with `/`, or empty for the root.
    pub path: String,
}

impl Url {
    /// Parses `url`. Any input that is not a usable absolute HTTP(S) URL is
    /// [`LlmError::Config`].
    pub fn parse(url: &str) -> Result<Url, LlmError> {
        let bad = |why: &str| LlmError::Config(format!("bad URL {url:?}: {why}"));
        let url_t = url.trim();
        let (scheme, rest) = match url_t.split_once("://") {
            Some((s, r)) if s.eq_ignore_ascii_case("http") => (Scheme::Http, r),
            Some((s, r)) if s.eq_ignore_ascii_case("https") => (Scheme::Https, r),
            _ => return Err(bad("it must start with http:// or https://")),
        };
        if rest.contains(['?', '#']) {
            return Err(bad("query strings and fragments are not supported"));
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        if authority.contains('@') {
            return Err(bad("user info is not supported"));
        }
        if !path.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(bad("the path has spaces, control or non-ASCII characters"));
        }
        let default_port = match scheme {
            Scheme::Http => 80,
            Scheme::Https => 443,
        };
        let (host, port) = if let Some(inner) = authority.strip_prefix('[') {
            let (addr, after) = inner
                .split_once(']')
                .ok_or_else(|| bad("unclosed [ in the host"))?;
            addr.parse::<Ipv6Addr>()
                .map_err(|_| bad("not an IPv6 address between [ ]"))?;
            let port = match after {
                "" => None,
                p => Some(p.strip_prefix(':').ok_or_else(|| bad("junk after ]"))?),
            };
            (addr, port)
        } else {
            match authority.split_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            }
        };
        let valid_host = |h: &str| {
            h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b':'))
        };
        if host.is_empty() || !valid_host(host) {
            return Err(bad("missing or invalid host"));
        }
        let port = match port {
            None => default_port,
            Some(p) => match p.parse::<u16>() {
                Ok(n) if n > 0 && p.bytes().all(|b| b.is_ascii_digit()) => n,
                _ => return Err(bad("invalid port")),
            },
        };
        Ok(Url {
            scheme,
            host: host.to_string(),
            port,
            path: path.to_string(),
        })
    }

    /// This URL with `suffix` (which starts with `/`) appended to the path, a trailing `/` of
    /// the path dropped first.
    pub fn join(&self, suffix: &str) -> Url {
        let mut out = self.clone();
        out.path = format!("{}{suffix}", self.path.trim_end_matches('/'));
        out
    }

    /// `host` or `host:port` (the port only when not the scheme's default), IPv6 in brackets:
    /// the `Host` header.
    pub fn authority(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        match (self.scheme, self.port) {
            (Scheme::Http, 80) | (Scheme::Https, 443) => host,
            (_, port) => format!("{host}:{port}"),
        }
    }

    fn target(&self) -> &str {
        if self.path.is_empty() {
            "/"
        } else {
            &self.path
        }
    }
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = match self.scheme {
            Scheme::Http => "http",
            Scheme::Https => "https",
        };
        write!(
            f,
            "{scheme}://{}{}",
            self.authority(),
            self.path.trim_end_matches('/')
        )
    }
}

/// A complete response: any status, 2xx or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The body, de-chunked, at most the caller's cap.
    pub body: Vec<u8>,
}

impl Response {
    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// [`LlmError::Status`] with the first 200 bytes of the body (lossy UTF-8).
    pub fn status_error(&self) -> LlmError {
        let start = self.body.get(..200).unwrap_or(&self.body);
        LlmError::Status {
            status: self.status,
            body: String::from_utf8_lossy(start).into_owned(),
        }
    }
}

/// Sends one request and reads the whole response.
///
/// `headers` come after `Host` and `Connection: close`; `Content-Length` is added when there
/// is a `body`. The connect (TCP and TLS) must finish within `connect_timeout`
/// ([`LlmError::Connect`]), the whole call within `deadline` ([`LlmError::Timeout`]). A body
/// over `max_body` is [`LlmError::TooLarge`]; broken framing or connections are
/// [`LlmError::Protocol`]. Non-2xx statuses are returned as a [`Response`].
pub async fn request(
    method: &str,
    url: &Url,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
    connect_timeout: Duration,
    deadline: Duration,
    max_body: usize,
) -> Result<Response, LlmError> {
    let head = request_head(method, url, headers, body)?;
    let call = async {
        let tcp = connect_tcp(url, connect_timeout).await?;
        match url.scheme {
            Scheme::Http => exchange(tcp, &head, body, max_body).await,
            Scheme::Https => {
                let tls = connect_tls(url, tcp, connect_timeout).await?;
                exchange(tls, &head, body, max_body).await
            }
        }
    };
    match tokio::time::timeout(deadline, call).await {
        Ok(result) => result,
        Err(_) => Err(LlmError::Timeout {
            ms: u64::try_from(deadline.as_millis()).unwrap_or(u64::MAX),
        }),
    }
}

fn request_head(
    method: &str,
    url: &Url,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> Result<Vec<u8>, LlmError> {
    let is_token = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_graphic() && b != b':');
    if !is_token(method) {
        return Err(LlmError::Config(format!("bad HTTP method {method:?}")));
    }
    let mut head = format!(
        "{method} {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
        url.target(),
        url.authority()
    );
    for (name, value) in headers {
        if !is_token(name) || value.bytes().any(|b| b.is_ascii_control() && b != b'\t') {
            return Err(LlmError::Config(format!("bad HTTP header {name:?}")));
        }
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(body) = body {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    Ok(head.into_bytes())
}

fn ms(d: Duration) -> u128 {
    d.as_millis()
}

async fn connect_tcp(url: &Url, connect_timeout: Duration) -> Result<TcpStream, LlmError> {
    let addr = url.authority();
    let fail = |detail: String| LlmError::Connect {
        addr: addr.clone(),
        detail,
    };
    match tokio::time::timeout(
        connect_timeout,
        TcpStream::connect((url.host.as_str(), url.port)),
    )
    .await
    {
        Ok(Ok(tcp)) => {
            // Only a latency hint: a failure changes nothing.
            let _ = tcp.set_nodelay(true);
            Ok(tcp)
        }
        Ok(Err(e)) => Err(fail(e.to_string())),
        Err(_) => Err(fail(format!("timed out after {} ms", ms(connect_timeout)))),
    }
}

fn tls_config() -> Result<Arc<rustls::ClientConfig>, LlmError> {
    static CONFIG: OnceLock<Result<Arc<rustls::ClientConfig>, String>> = OnceLock::new();
    let built = CONFIG.get_or_init(|| {
        let roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    });
    built
        .clone()
        .map_err(|e| LlmError::Config(format!("TLS setup: {e}")))
}

async fn connect_tls(
    url: &Url,
    tcp: TcpStream,
    connect_timeout: Duration,
) -> Result<tokio_rustls::client::TlsStream<TcpStream>, LlmError> {
    let fail = |detail: String| LlmError::Connect {
        addr: url.authority(),
        detail,
    };
    let name = rustls::pki_types::ServerName::try_from(url.host.clone())
        .map_err(|e| LlmError::Config(format!("bad TLS server name {:?}: {e}", url.host)))?;
    let connector = tokio_rustls::TlsConnector::from(tls_config()?);
    match tokio::time::timeout(connect_timeout, connector.connect(name, tcp)).await {
        Ok(Ok(tls)) => Ok(tls),
        Ok(Err(e)) => Err(fail(format!("TLS handshake: {e}"))),
        Err(_) => Err(fail(format!(
            "TLS handshake timed out after {} ms",
            ms(connect_timeout)
        ))),
    }
}

async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(
    mut io: S,
    head: &[u8],
    body: Option<&[u8]>,
    max_body: usize,
) -> Result<Response, LlmError> {
    let mut out = Vec::with_capacity(head.len().saturating_add(body.map_or(0, <[u8]>::len)));
    out.extend_from_slice(head);
    out.extend_from_slice(body.unwrap_or_default());
    let sent = async {
        io.write_all(&out).await?;
        io.flush().await
    };
    sent.await
        .map_err(|e| LlmError::Protocol(format!("sending the request: {e}")))?;
    read_response(Input::new(io), max_body).await
}

/// Buffered reading from the connection: `buf[pos..]` is read but not yet used.
struct Input<S> {
    io: S,
    buf: Vec<u8>,
    pos: usize,
}

impl<S: AsyncRead + Unpin> Input<S> {
    fn new(io: S) -> Self {
        Input {
            io,
            buf: Vec::new(),
            pos: 0,
        }
    }

    fn available(&self) -> &[u8] {
        self.buf.get(self.pos..).unwrap_or_default()
    }

    fn consume(&mut self, n: usize) {
        self.pos = self.pos.saturating_add(n).min(self.buf.len());
    }

    /// Reads once more; `Ok(0)` at the end of the stream.
    async fn fill(&mut self) -> Result<usize, LlmError> {
        if self.pos > 0 {
            self.buf.drain(..self.pos.min(self.buf.len()));
            self.pos = 0;
        }
        let mut chunk = [0u8; READ_SIZE];
        let n = self
            .io
            .read(&mut chunk)
            .await
            .map_err(|e| LlmError::Protocol(format!("reading the response: {e}")))?;
        self.buf
            .extend_from_slice(chunk.get(..n).unwrap_or_default());
        Ok(n)
    }

    /// One line without its `\n` (and `\r`); a line over `max` bytes or the end of the
    /// stream is a protocol error.
    async fn line(&mut self, max: usize, what: &str) -> Result<Vec<u8>, LlmError> {
        loop {
            let avail = self.available();
            if let Some(i) = avail.iter().position(|&b| b == b'\n') {
                let mut line = avail.get(..i).unwrap_or_default().to_vec();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                self.consume(i.saturating_add(1));
                return Ok(line);
            }
            if avail.len() > max {
                return Err(LlmError::Protocol(format!("{what} over {max} bytes")));
            }
            if self.fill().await? == 0 {
                return Err(LlmError::Protocol(format!(
                    "connection closed inside {what}"
                )));
            }
        }
    }

    /// Moves exactly `n` bytes into `out`.
    async fn take(&mut self, mut n: usize, out: &mut Vec<u8>) -> Result<(), LlmError> {
        while n > 0 {
            if self.available().is_empty() && self.fill().await? == 0 {
                return Err(LlmError::Protocol(format!(
                    "connection closed {n} bytes before the end of the body"
                )));
            }
            let avail = self.available();
            let step = avail.len().min(n);
            out.extend_from_slice(avail.get(..step).unwrap_or_default());
            self.consume(step);
            n = n.saturating_sub(step);
        }
        Ok(())
    }
}

/// How the body is delimited.
enum Framing {
    Length(usize),
    Chunked,
    ToEof,
}

async fn read_response<S: AsyncRead + Unpin>(
    mut input: Input<S>,
    max_body: usize,
) -> Result<Response, LlmError> {
    let mut interim = 0u32;
    let (status, framing) = loop {
        let (status, framing) = read_head(&mut input, max_body).await?;
        // 1xx answers (100 Continue, 103 Early Hints) come before the real one.
        if (100..200).contains(&status) && status != 101 && interim < 8 {
            interim = interim.saturating_add(1);
            continue;
        }
        break (status, framing);
    };
    if (100..200).contains(&status) {
        return Err(LlmError::Protocol(format!("unexpected status {status}")));
    }
    let body = match framing {
        _ if status == 204 || status == 304 => Vec::new(),
        Framing::Length(n) => {
            let mut body = Vec::with_capacity(n.min(READ_SIZE * 8));
            input.take(n, &mut body).await?;
            body
        }
        Framing::Chunked => read_chunked(&mut input, max_body).await?,
        Framing::ToEof => read_to_eof(&mut input, max_body).await?,
    };
    Ok(Response { status, body })
}

async fn read_head<S: AsyncRead + Unpin>(
    input: &mut Input<S>,
    max_body: usize,
) -> Result<(u16, Framing), LlmError> {
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut parsed = httparse::Response::new(&mut headers);
        let avail = input.available();
        match parsed.parse(avail) {
            Ok(httparse::Status::Complete(n)) => {
                let status = parsed.code.unwrap_or(0);
                let framing = framing(parsed.headers, max_body)?;
                input.consume(n);
                return Ok((status, framing));
            }
            Ok(httparse::Status::Partial) => {}
            Err(e) => return Err(LlmError::Protocol(format!("bad response head: {e}"))),
        }
        if avail.len() > MAX_HEAD {
            return Err(LlmError::Protocol(format!(
                "response head over {MAX_HEAD} bytes"
            )));
        }
        let was_empty = avail.is_empty();
        if input.fill().await? == 0 {
            return Err(LlmError::Protocol(if was_empty {
                "connection closed before any response".to_string()
            } else {
                "connection closed inside the response head".to_string()
            }));
        }
    }
}

fn framing(headers: &[httparse::Header<'_>], max_body: usize) -> Result<Framing, LlmError> {
    let mut length: Option<usize> = None;
    let mut chunked = false;
    for h in headers {
        let value = String::from_utf8_lossy(h.value);
        let value = value.trim();
        if h.name.eq_ignore_ascii_case("transfer-encoding") {
            for coding in value.split(',').map(str::trim).filter(|c| !c.is_empty()) {
                if coding.eq_ignore_ascii_case("chunked") {
                    chunked = true;
                } else if !coding.eq_ignore_ascii_case("identity") {
                    return Err(LlmError::Protocol(format!(
                        "unsupported transfer-encoding {coding:?}"
                    )));
                }
            }
        } else if h.name.eq_ignore_ascii_case("content-encoding")
            && !value.eq_ignore_ascii_case("identity")
        {
            return Err(LlmError::Protocol(format!(
                "unsupported content-encoding {value:?}"
            )));
        } else if h.name.eq_ignore_ascii_case("content-length") {
            let n = value
                .parse::<u64>()
                .ok()
                .filter(|_| value.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| LlmError::Protocol(format!("bad content-length {value:?}")))?;
            let n = usize::try_from(n).map_err(|_| LlmError::TooLarge { limit: max_body })?;
            if length.is_some_and(|old| old != n) {
                return Err(LlmError::Protocol(
                    "conflicting content-length headers".into(),
                ));
            }
            length = Some(n);
        }
    }
    match (chunked, length) {
        (true, _) => Ok(Framing::Chunked),
        (false, Some(n)) if n > max_body => Err(LlmError::TooLarge { limit: max_body }),
        (false, Some(n)) => Ok(Framing::Length(n)),
        (false, None) => Ok(Framing::ToEof),
    }
}

/// Parses a chunk-size line: hex digits, then optional `;extensions`.
fn chunk_size(line: &[u8]) -> Result<usize, LlmError> {
    let bad = || {
        LlmError::Protocol(format!(
            "bad chunk size {:?}",
            String::from_utf8_lossy(line)
        ))
    };
    let size = line.split(|&b| b == b';').next().unwrap_or_default();
    let size = std::str::from_utf8(size)
        .map_err(|_| bad())?
        .trim_matches([' ', '\t']);
    if size.is_empty() || size.len() > 16 || !size.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    let n = u64::from_str_radix(size, 16).map_err(|_| bad())?;
    usize::try_from(n).map_err(|_| bad())
}

async fn read_chunked<S: AsyncRead + Unpin>(
    input: &mut Input<S>,
    max_body: usize,
) -> Result<Vec<u8>, LlmError> {
    let mut body = Vec::new();
    loop {
        let size = chunk_size(&input.line(MAX_CHUNK_LINE, "a chunk-size line").await?)?;
        if size == 0 {
            break;
        }
        if body
            .len()
            .checked_add(size)
            .is_none_or(|total| total > max_body)
        {
            return Err(LlmError::TooLarge { limit: max_body });
        }
        input.take(size, &mut body).await?;
        if !input.line(MAX_CHUNK_LINE, "a chunk end").await?.is_empty() {
            return Err(LlmError::Protocol("chunk data longer than its size".into()));
        }
    }
    // Trailers, dropped; an empty line ends them.
    let mut trailer_bytes = 0usize;
    loop {
        let line = input.line(MAX_HEAD, "the chunked trailers").await?;
        if line.is_empty() {
            return Ok(body);
        }
        trailer_bytes = trailer_bytes.saturating_add(line.len());
        if trailer_bytes > MAX_HEAD {
            return Err(LlmError::Protocol(format!(
                "chunked trailers over {MAX_HEAD} bytes"
            )));
        }
    }
}

async fn read_to_eof<S: AsyncRead + Unpin>(
    input: &mut Input<S>,
    max_body: usize,
) -> Result<Vec<u8>, LlmError> {
    let mut body = Vec::new();
    loop {
        let avail = input.available();
        if body.len().saturating_add(avail.len()) > max_body {
            return Err(LlmError::TooLarge { limit: max_body });
        }
        body.extend_from_slice(avail);
        let n = avail.len();
        input.consume(n);
        if input.fill().await? == 0 {
            return Ok(body);
        }
    }
}

#[cfg(test)]
mod tests;
