//! Indicators as a STIX 2.1 bundle: one `identity` for miragepot and one `indicator` per
//! indicator that STIX patterning can express.
//!
//! # Choices
//! - **Deterministic ids**, so a re-export of the same indicator updates the object a
//!   platform (MISP, OpenCTI) already holds instead of duplicating it: `indicator--<uuid>`
//!   where the UUID is the first 16 bytes of SHA-256 over a miragepot namespace, the kind
//!   and the value, with the version nibble set to 5 and the RFC 4122 variant bits, like a
//!   UUIDv5 (the workspace's `uuid` has no `v5` feature, and SHA-256 is already here). The
//!   identity's id is derived the same way, and the bundle's from the export time and its
//!   indicators' ids.
//! - **Versioning**: an indicator's `created` is its first sighting (stable across
//!   re-exports), `modified` the export time given (never before `created`), `valid_from`
//!   the first sighting. The identity is fixed (`created` = `modified` = the Unix epoch) so it
//!   never gets a new version. Timestamps are UTC with millisecond precision.
//! - **Patterns** quote every value as a STIX string literal, escaping `\` and `'`
//!   ([`escape_literal`]); nothing from the attacker is ever outside the quotes.
//! - Kinds with no STIX object (`ssh-key`, an unparsed `ip`) and a `host-port` whose port is
//!   not a number are left out of the bundle; the CSV keeps them.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Indicator, kind};
use crate::timefmt;

/// The name of the identity that creates the objects.
const IDENTITY_NAME: &str = "miragepot";

/// A STIX 2.1 bundle of `indicators`, produced at `created` (the export time).
pub fn stix_bundle(indicators: &[Indicator], created: OffsetDateTime) -> Value {
    let identity = format!("identity--{}", stable_uuid(&["identity", IDENTITY_NAME]));
    let mut objects = vec![identity_object(&identity)];
    let mut ids = vec![timefmt::iso_millis(created)];
    for indicator in indicators {
        let Some(pattern) = pattern(indicator) else {
            continue;
        };
        let id = indicator_id(&indicator.kind, &indicator.value);
        ids.push(id.clone());
        let first = indicator.first_seen;
        let modified = if created > first { created } else { first };
        let mut o = Map::new();
        o.insert("type".into(), "indicator".into());
        o.insert("spec_version".into(), "2.1".into());
        o.insert("id".into(), id.into());
        o.insert("created_by_ref".into(), identity.clone().into());
        o.insert("created".into(), timefmt::iso_millis(first).into());
        o.insert("modified".into(), timefmt::iso_millis(modified).into());
        o.insert(
            "name".into(),
            format!("{}: {}", indicator.kind, indicator.value).into(),
        );
        o.insert(
            "description".into(),
            format!(
                "Seen by miragepot in {} session(s): {}.",
                indicator.sessions.len(),
                indicator.context
            )
            .into(),
        );
        o.insert(
            "indicator_types".into(),
            Value::Array(vec!["malicious-activity".into()]),
        );
        o.insert("pattern".into(), pattern.into());
        o.insert("pattern_type".into(), "stix".into());
        o.insert("pattern_version".into(), "2.1".into());
        o.insert("valid_from".into(), timefmt::iso_millis(first).into());
        o.insert(
            "labels".into(),
            Value::Array(vec!["miragepot".into(), indicator.kind.clone().into()]),
        );
        objects.push(Value::Object(o));
    }
    let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut bundle = Map::new();
    bundle.insert("type".into(), "bundle".into());
    bundle.insert(
        "id".into(),
        format!("bundle--{}", stable_uuid(&id_refs)).into(),
    );
    bundle.insert("objects".into(), Value::Array(objects));
    Value::Object(bundle)
}

fn identity_object(id: &str) -> Value {
    let epoch = timefmt::iso_millis(OffsetDateTime::UNIX_EPOCH);
    let mut o = Map::new();
    o.insert("type".into(), "identity".into());
    o.insert("spec_version".into(), "2.1".into());
    o.insert("id".into(), id.into());
    o.insert("created".into(), epoch.clone().into());
    o.insert("modified".into(), epoch.into());
    o.insert("name".into(), IDENTITY_NAME.into());
    o.insert(
        "description".into(),
        "miragepot SSH honeypot sensor network".into(),
    );
    o.insert("identity_class".into(), "system".into());
    Value::Object(o)
}

/// The deterministic STIX id of an indicator (`indicator--<uuid>`), from its kind and value.
pub fn indicator_id(kind: &str, value: &str) -> String {
    format!("indicator--{}", stable_uuid(&["indicator", kind, value]))
}

/// The STIX pattern for an indicator, or `None` when its kind has no STIX object.
pub fn pattern(indicator: &Indicator) -> Option<String> {
    let v = escape_literal(&indicator.value);
    let p = match indicator.kind.as_str() {
        kind::IPV4 => format!("[ipv4-addr:value = '{v}']"),
        kind::IPV6 => format!("[ipv6-addr:value = '{v}']"),
        kind::URL => format!("[url:value = '{v}']"),
        kind::DOMAIN => format!("[domain-name:value = '{v}']"),
        kind::FILE_SHA256 => format!("[file:hashes.'SHA-256' = '{v}']"),
        kind::FILE_NAME => format!("[file:name = '{v}']"),
        kind::HOST_PORT => {
            let hp = indicator
                .value
                .split_once("://")
                .map_or(indicator.value.as_str(), |(_, rest)| rest);
            let (host, port) = hp.rsplit_once(':')?;
            let port: u16 = port.parse().ok()?;
            let host = host.trim_start_matches('[').trim_end_matches(']');
            if host.is_empty() {
                return None;
            }
            format!(
                "[network-traffic:dst_ref.value = '{}' AND network-traffic:dst_port = {port}]",
                escape_literal(host)
            )
        }
        _ => return None,
    };
    Some(p)
}

/// Escapes a value for a STIX pattern string literal (`'…'`): `\` becomes `\\` and `'`
/// becomes `\'`.
pub fn escape_literal(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if c == '\\' || c == '\'' {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A UUID with version 5 and RFC 4122 variant bits over SHA-256 of a miragepot namespace and
/// `parts` (each length-prefixed, so no two part lists hash alike).
fn stable_uuid(parts: &[&str]) -> Uuid {
    let mut h = Sha256::new();
    h.update(b"miragepot-export/stix/v1");
    for part in parts {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    let digest = h.finalize();
    let mut bytes = [0u8; 16];
    for (b, d) in bytes.iter_mut().zip(digest.iter()) {
        *b = *d;
    }
    if let Some(b) = bytes.get_mut(6) {
        *b = (*b & 0x0f) | 0x50;
    }
    if let Some(b) = bytes.get_mut(8) {
        *b = (*b & 0x3f) | 0x80;
    }
    Uuid::from_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_escaping() {
        assert_eq!(escape_literal(r"a'b\c"), r"a\'b\\c");
    }

    #[test]
    fn stable_uuid_has_version_and_variant() {
        let u = stable_uuid(&["indicator", "url", "http://x/"]);
        assert_eq!(u.get_version_num(), 5);
        assert_eq!(u.get_variant(), uuid::Variant::RFC4122);
        assert_eq!(u, stable_uuid(&["indicator", "url", "http://x/"]));
        assert_ne!(u, stable_uuid(&["indicator", "url", "http://y/"]));
    }
}
