//! URL query strings to store filters: the sessions list's filter form, time ranges and
//! paging. Parsing is total: an unknown key is ignored, a bad value is a 400 that names the
//! parameter, and every text value is bounded.

use std::collections::BTreeMap;

use miragepot_store::{IpRange, SessionFilter, micros};
use serde::Serialize;
use time::OffsetDateTime;

use crate::WebError;
use crate::views::{form_pairs, url_component};

/// Longest accepted filter value.
const MAX_VALUE: usize = 512;
/// Rows per page by default and at most.
pub(crate) const PER_PAGE: u32 = 50;
const MAX_PER_PAGE: u32 = 200;

/// The time ranges offered everywhere, with their length in seconds (`all` has none).
pub(crate) const RANGES: &[(&str, Option<i64>)] = &[
    ("1h", Some(3600)),
    ("24h", Some(86_400)),
    ("7d", Some(7 * 86_400)),
    ("30d", Some(30 * 86_400)),
    ("all", None),
];

/// The microsecond timestamp a range starts at (`None` for `all`).
pub(crate) fn range_start(range: &str, now: OffsetDateTime) -> Result<Option<i64>, WebError> {
    let secs = RANGES
        .iter()
        .find(|(name, _)| *name == range)
        .ok_or_else(|| WebError::bad("range", "use 1h, 24h, 7d, 30d or all"))?
        .1;
    Ok(secs.map(|s| micros(now) - s * 1_000_000))
}

/// The filter form's fields, as typed (echoed back into the form and into links).
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct FilterForm {
    pub fields: BTreeMap<String, String>,
    pub page: u64,
    pub per: u32,
}

/// The keys of the filter form, in display order.
const FILTER_KEYS: &[&str] = &[
    "range",
    "ip",
    "user",
    "pass",
    "cmd",
    "technique",
    "stage",
    "risk",
    "tag",
    "hassh",
    "client",
    "download",
    "token",
    "sensor",
];

impl FilterForm {
    /// Reads the form from a raw query string.
    pub(crate) fn parse(raw: Option<&str>) -> Result<FilterForm, WebError> {
        let mut form = FilterForm {
            page: 1,
            per: PER_PAGE,
            ..FilterForm::default()
        };
        for (k, v) in form_pairs(raw.unwrap_or("").as_bytes()) {
            let v = v.trim().to_string();
            if v.is_empty() {
                continue;
            }
            if v.len() > MAX_VALUE {
                return Err(WebError::bad("query", "a value is longer than 512 bytes"));
            }
            match k.as_str() {
                "page" => {
                    form.page = v
                        .parse::<u64>()
                        .ok()
                        .filter(|p| *p >= 1 && *p <= 1_000_000)
                        .ok_or_else(|| WebError::bad("page", "a page number"))?;
                }
                "per" => {
                    form.per = v
                        .parse::<u32>()
                        .ok()
                        .filter(|p| (1..=MAX_PER_PAGE).contains(p))
                        .ok_or_else(|| WebError::bad("per", "1 to 200 rows"))?;
                }
                key if FILTER_KEYS.contains(&key) => {
                    form.fields.insert(k, v);
                }
                _ => {}
            }
        }
        Ok(form)
    }

    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.fields.get(key).map(String::as_str)
    }

    /// The store filter these fields ask for.
    pub(crate) fn filter(&self, now: OffsetDateTime) -> Result<SessionFilter, WebError> {
        let text = |k: &str| self.get(k).map(str::to_string);
        let yes_no = |k: &'static str| -> Result<Option<bool>, WebError> {
            match self.get(k) {
                None | Some("any") => Ok(None),
                Some("yes") => Ok(Some(true)),
                Some("no") => Ok(Some(false)),
                Some(_) => Err(WebError::bad(k, "yes, no or any")),
            }
        };
        let ip = match self.get("ip") {
            Some(s) => Some(
                s.parse::<IpRange>()
                    .map_err(|e| WebError::bad("ip", e.to_string()))?,
            ),
            None => None,
        };
        if let Some(b) = self.get("risk")
            && !["low", "medium", "high", "critical"].contains(&b)
        {
            return Err(WebError::bad("risk", "low, medium, high or critical"));
        }
        Ok(SessionFilter {
            since_us: range_start(self.get("range").unwrap_or("all"), now)?,
            ip,
            username: text("user"),
            password: text("pass"),
            command: text("cmd"),
            technique: text("technique"),
            stage: text("stage"),
            risk_band: text("risk"),
            tag: text("tag"),
            hassh: text("hassh"),
            client_version: text("client"),
            has_download: yes_no("download")?,
            has_token: yes_no("token")?,
            sensor: text("sensor"),
            ..SessionFilter::default()
        })
    }

    /// The query string of these fields with `extra` pairs (already plain values).
    pub(crate) fn query_with(&self, extra: &[(&str, String)]) -> String {
        let mut parts: Vec<String> = self
            .fields
            .iter()
            .map(|(k, v)| format!("{}={}", url_component(k), url_component(v)))
            .collect();
        for (k, v) in extra {
            parts.push(format!("{}={}", url_component(k), url_component(v)));
        }
        parts.join("&")
    }

    /// The row offset of the page.
    pub(crate) fn offset(&self) -> u64 {
        (self.page.saturating_sub(1)).saturating_mul(u64::from(self.per))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fields_and_rejects_bad_values() {
        let f =
            FilterForm::parse(Some("ip=10.0.0.0%2F8&user=root&page=2&junk=1&risk=high")).unwrap();
        assert_eq!(f.get("user"), Some("root"));
        assert_eq!(f.page, 2);
        assert_eq!(f.offset(), 50);
        let filter = f.filter(OffsetDateTime::now_utc()).unwrap();
        assert!(filter.ip.is_some());
        assert_eq!(filter.risk_band.as_deref(), Some("high"));
        assert!(FilterForm::parse(Some("page=0")).is_err());
        assert!(FilterForm::parse(Some("per=10000")).is_err());
        let bad_ip = FilterForm::parse(Some("ip=not-an-ip")).unwrap();
        assert!(bad_ip.filter(OffsetDateTime::now_utc()).is_err());
        let bad_range = FilterForm::parse(Some("range=2y")).unwrap();
        assert!(bad_range.filter(OffsetDateTime::now_utc()).is_err());
        assert!(
            FilterForm::parse(Some("download=maybe"))
                .unwrap()
                .filter(OffsetDateTime::now_utc())
                .is_err()
        );
    }

    #[test]
    fn query_strings_are_encoded() {
        let f = FilterForm::parse(Some("cmd=%3Cscript%3E%26x")).unwrap();
        assert_eq!(
            f.query_with(&[("page", "3".into())]),
            "cmd=%3Cscript%3E%26x&page=3"
        );
    }
}
