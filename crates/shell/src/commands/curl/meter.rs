//! curl's progress meter (lib/progress.c of 7.88.1) and the response headers it shows.

use super::super::CmdCtx;
use super::super::download::{Kind, Remote};

/// The two header lines of the meter.
pub(super) const HEADER: &str = "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n                                 Dload  Upload   Total   Spent    Left  Speed\n";

/// One meter line's values.
#[derive(Default)]
pub(super) struct Frame {
    pub total: u64,
    pub received: u64,
    pub speed: u64,
    pub total_secs: u64,
    pub spent_secs: u64,
    pub left_secs: u64,
}

/// curl's `max5data`: a size in five columns.
fn max5(n: u64) -> String {
    const K: u64 = 1024;
    const M: u64 = 1024 * 1024;
    if n < 100_000 {
        format!("{n:5}")
    } else if n < 10_000 * K {
        format!("{:4}k", n / K)
    } else if n < 100 * M {
        format!("{:2}.{}M", n / M, (n % M) / (M / 10))
    } else if n < 10_000 * M {
        format!("{:4}M", n / M)
    } else {
        format!("{:4}G", n / (1024 * M))
    }
}

/// curl's `time2str`: `--:--:--` or ` H:MM:SS`.
fn time2str(s: u64) -> String {
    if s == 0 {
        return "--:--:--".into();
    }
    let h = s / 3600;
    if h <= 99 {
        format!("{h:2}:{:02}:{:02}", (s % 3600) / 60, s % 60)
    } else {
        format!("{:3}d {:02}h", h / 24, h % 24)
    }
}

/// One meter line, starting with `\r`, without a newline.
pub(super) fn line(f: &Frame) -> String {
    let pct = |part: u64| part.saturating_mul(100).checked_div(f.total).unwrap_or(0);
    format!(
        "\r{:3} {}  {:3} {}  {:3} {}  {}  {} {} {} {} {}",
        pct(f.received),
        max5(f.total),
        pct(f.received),
        max5(f.received),
        0,
        max5(0),
        max5(f.speed),
        max5(0),
        time2str(f.total_secs),
        time2str(f.spent_secs),
        time2str(f.left_secs),
        max5(f.speed)
    )
}

/// The lines after the first: one a second while the body arrives, the final one, `\n`.
pub(super) fn finish(size: u64, secs: f64) -> String {
    let secs = secs.max(0.001);
    let speed = (size as f64 / secs) as u64;
    let total_secs = secs as u64;
    let mut out = String::new();
    for t in 1..=total_secs.min(60) {
        if t as f64 >= secs {
            break;
        }
        let received = ((size as f64) * t as f64 / secs) as u64;
        out.push_str(&line(&Frame {
            total: size,
            received,
            speed,
            total_secs,
            spent_secs: t,
            left_secs: total_secs.saturating_sub(t),
        }));
    }
    out.push_str(&line(&Frame {
        total: size,
        received: size,
        speed,
        total_secs,
        spent_secs: total_secs,
        left_secs: 0,
    }));
    out.push('\n');
    out
}

/// The response headers (CRLF lines, blank line last) of a stock nginx.
pub(super) fn headers(ctx: &CmdCtx<'_>, r: &Remote, _agent: bool) -> String {
    let t = ctx.now;
    let date = format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        super::super::util::weekday_abbr(t),
        t.day(),
        super::super::util::month_abbr(t),
        t.year(),
        t.hour(),
        t.minute(),
        t.second()
    );
    let status = if r.status == 200 {
        "200 OK"
    } else {
        "404 Not Found"
    };
    let ctype = match r.kind {
        Kind::Index if r.status == 200 => "text/html; charset=utf-8",
        _ => r.content_type(),
    };
    format!(
        "HTTP/1.1 {status}\r\nServer: nginx/1.18.0\r\nDate: {date}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: keep-alive\r\nAccept-Ranges: bytes\r\n\r\n",
        r.body.len()
    )
}
