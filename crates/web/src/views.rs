//! Small helpers shared by the pages: rendering a template, URL and form encoding, and the
//! display forms of times, durations, risk bands and ATT&CK links.
//!
//! Templates escape what they print; these helpers only format. A value built here that
//! goes into a URL is percent-encoded here, then HTML-escaped by the template.

use askama::Template;
use axum::response::Html;
use time::OffsetDateTime;
use time::macros::format_description;

use crate::WebError;

/// Renders `t` into an HTML response.
pub(crate) fn render<T: Template>(t: &T) -> Result<Html<String>, WebError> {
    Ok(Html(t.render()?))
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
pub(crate) fn url_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes one `application/x-www-form-urlencoded` component (`+` is a space; bad `%`
/// escapes are kept as they are; invalid UTF-8 becomes U+FFFD).
pub(crate) fn form_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = bytes.get(i + 1).copied().and_then(hex_val);
                let lo = bytes.get(i + 2).copied().and_then(hex_val);
                if let (Some(h), Some(l)) = (hi, lo) {
                    out.push(h * 16 + l);
                    i += 2;
                } else {
                    out.push(b'%');
                }
            }
            _ => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The pairs of a form body or query string.
pub(crate) fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    String::from_utf8_lossy(body)
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (form_decode(k), form_decode(v))
        })
        .collect()
}

/// `2026-11-21 12:00:01` (UTC).
pub(crate) fn when(t: OffsetDateTime) -> String {
    t.format(format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second]"
    ))
    .unwrap_or_default()
}

/// `12:00:01.123` (UTC), for timeline rows.
pub(crate) fn clock(t: OffsetDateTime) -> String {
    t.format(format_description!(
        "[hour]:[minute]:[second].[subsecond digits:3]"
    ))
    .unwrap_or_default()
}

/// `3h 04m`, `2m 05s`, `850 ms`.
pub(crate) fn duration_ms(ms: i64) -> String {
    let ms = ms.max(0);
    if ms < 1000 {
        return format!("{ms} ms");
    }
    let s = ms / 1000;
    match s {
        0..60 => format!("{s}.{}s", (ms % 1000) / 100),
        60..3600 => format!("{}m {:02}s", s / 60, s % 60),
        _ => format!("{}h {:02}m", s / 3600, (s % 3600) / 60),
    }
}

/// The CSS class of a risk band (`risk-low` ... `risk-critical`, `risk-none`).
pub(crate) fn band_class(band: Option<&str>) -> &'static str {
    match band {
        Some("low") => "risk-low",
        Some("medium") => "risk-medium",
        Some("high") => "risk-high",
        Some("critical") => "risk-critical",
        _ => "risk-none",
    }
}

/// The CSS class of a threat score: green below 25, yellow below 60, red above.
pub(crate) fn threat_class(score: u64) -> &'static str {
    match score {
        0..25 => "threat-green",
        25..60 => "threat-yellow",
        _ => "threat-red",
    }
}

/// The ATT&CK page of a technique id (`T1059.004` → `.../techniques/T1059/004/`), or `None`
/// when the id is not of that shape (it is then shown without a link).
pub(crate) fn attack_url(id: &str) -> Option<String> {
    let (base, sub) = id.split_once('.').unwrap_or((id, ""));
    let well_formed = base.len() == 5
        && base.starts_with('T')
        && base.bytes().skip(1).all(|b| b.is_ascii_digit())
        && (sub.is_empty() || (sub.len() == 3 && sub.bytes().all(|b| b.is_ascii_digit())));
    if !well_formed {
        return None;
    }
    Some(if sub.is_empty() {
        format!("https://attack.mitre.org/techniques/{base}/")
    } else {
        format!("https://attack.mitre.org/techniques/{base}/{sub}/")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_round_trip() {
        let pairs = form_pairs(b"a=1&b=%3Cscript%3E+x&c&d=%zz");
        assert_eq!(
            pairs,
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "<script> x".into()),
                ("c".into(), "".into()),
                ("d".into(), "%zz".into()),
            ]
        );
        assert_eq!(form_decode(&url_component("a b/<>&=ü")), "a b/<>&=ü");
    }

    #[test]
    fn attack_links() {
        assert_eq!(
            attack_url("T1059.004").as_deref(),
            Some("https://attack.mitre.org/techniques/T1059/004/")
        );
        assert_eq!(
            attack_url("T1105").as_deref(),
            Some("https://attack.mitre.org/techniques/T1105/")
        );
        assert_eq!(attack_url("javascript:alert(1)"), None);
        assert_eq!(attack_url("T10"), None);
    }

    #[test]
    fn durations_and_classes() {
        assert_eq!(duration_ms(850), "850 ms");
        assert_eq!(duration_ms(5_400), "5.4s");
        assert_eq!(duration_ms(125_000), "2m 05s");
        assert_eq!(duration_ms(3_840_000), "1h 04m");
        assert_eq!(threat_class(10), "threat-green");
        assert_eq!(threat_class(40), "threat-yellow");
        assert_eq!(threat_class(90), "threat-red");
        assert_eq!(band_class(Some("critical")), "risk-critical");
    }
}
