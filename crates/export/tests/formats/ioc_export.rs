//! IOC collection, RFC 4180 CSV (read back by a strict parser here) and the STIX 2.1 bundle.

use miragepot_event::{Event, SessionContext};
use miragepot_export::{SessionExport, ioc};
use serde_json::Value;
use time::Duration;
use uuid::Uuid;

use crate::fixtures::*;

/// A strict RFC 4180 reader: CRLF records, quoted fields with doubled quotes.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if at_start => {
                quoted = true;
                at_start = false;
            }
            '"' => panic!("bare quote in unquoted field {field:?}"),
            ',' => {
                row.push(std::mem::take(&mut field));
                at_start = true;
            }
            '\r' => {
                assert_eq!(chars.next(), Some('\n'), "CR must start CRLF");
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
                at_start = true;
            }
            '\n' => panic!("bare LF outside quotes"),
            _ => {
                field.push(c);
                at_start = false;
            }
        }
    }
    assert!(!quoted, "unterminated quote");
    assert!(field.is_empty() && row.is_empty(), "last record lacks CRLF");
    rows
}

fn neutralised(v: &str) -> String {
    if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{v}")
    } else {
        v.to_string()
    }
}

fn all_indicators() -> (Vec<(SessionContext, Vec<Event>)>, Vec<ioc::Indicator>) {
    let sessions = both();
    let exports: Vec<SessionExport<'_>> = sessions
        .iter()
        .map(|(c, e)| SessionExport::new(c.session, e, &[]))
        .collect();
    let indicators = ioc::collect(&exports);
    (sessions, indicators)
}

#[test]
fn ioc_collect_gathers_and_dedupes() {
    let (sessions, inds) = all_indicators();
    let find = |kind: &str, value: &str| {
        inds.iter()
            .find(|i| i.kind == kind && i.value == value)
            .unwrap_or_else(|| panic!("missing {kind} {value}"))
    };
    let src = find("ipv4-addr", "203.0.113.9");
    assert_eq!(src.sessions, vec![sessions[0].0.session]);
    assert_eq!(src.context, "attacker source address");
    find("ipv4-addr", "198.51.100.23");
    let url = find("url", "http://evil.example/a'b\\c?x=<script>&y=\"z\"");
    assert_eq!(url.context, "download url; ioc event: url");
    find("domain-name", "evil.example");
    find("ipv6-addr", "2001:db8::5");
    find("ipv4-addr", "198.51.100.7");
    find("url", "http://203.0.113.5/x");
    find("file-sha256", &"cd".repeat(32));
    find("file-sha256", &"33".repeat(32));
    find("file-name", FORMULA);
    find("ip", "not an ip, \"really\"");
    find("host-port", "pool.evil'\\.example:3333");
    find("ssh-key", "SHA256:+abc");
    assert!(
        !inds.iter().any(|i| i.value == "11".repeat(32)),
        "a simulated download's hash is no indicator"
    );
    let mut keys: Vec<(&str, &str)> = inds.iter().map(|i| (&*i.kind, &*i.value)).collect();
    let n = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), n, "deduplicated");
    assert!(inds.windows(2).all(|w| w[0].first_seen <= w[1].first_seen));
    assert!(inds.iter().all(|i| i.first_seen <= i.last_seen));
}

#[test]
fn ioc_csv_round_trips_and_neutralises_formulas() {
    let (_, inds) = all_indicators();
    let text = ioc::csv(&inds);
    let rows = parse_csv(&text);
    assert_eq!(
        rows[0],
        vec![
            "type",
            "value",
            "first_seen",
            "last_seen",
            "sessions",
            "context"
        ]
    );
    assert_eq!(rows.len(), inds.len() + 1);
    for (row, i) in rows[1..].iter().zip(&inds) {
        assert_eq!(row.len(), 6);
        assert_eq!(row[0], i.kind);
        assert_eq!(row[1], neutralised(&i.value));
        let sessions: Vec<String> = i.sessions.iter().map(|s| s.to_string()).collect();
        assert_eq!(row[4], sessions.join(" "));
        assert_eq!(row[5], i.context);
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "formula cell {cell:?}"
            );
        }
    }
    assert!(rows.iter().any(|r| r[1] == format!("'{FORMULA}")));
    assert!(rows.iter().any(|r| r[1] == "'@evil\texample\r\n"));
}

// ---------------------------------------------------------------------------------------
// IOC: STIX

/// Splits a STIX pattern into its text outside string literals (each literal replaced by
/// `''`) and the unescaped literals, failing on a malformed literal.
fn scan_pattern(p: &str) -> (String, Vec<String>) {
    let mut skeleton = String::new();
    let mut literals = Vec::new();
    let mut chars = p.chars();
    while let Some(c) = chars.next() {
        if c != '\'' {
            assert_ne!(c, '\\', "backslash outside a literal in {p}");
            skeleton.push(c);
            continue;
        }
        let mut lit = String::new();
        loop {
            match chars.next().expect("unterminated literal") {
                '\\' => match chars.next() {
                    Some(e @ ('\\' | '\'')) => lit.push(e),
                    other => panic!("bad escape {other:?} in {p}"),
                },
                '\'' => break,
                ch => lit.push(ch),
            }
        }
        skeleton.push_str("''");
        literals.push(lit);
    }
    (skeleton, literals)
}

fn is_stix_id(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix)
        .and_then(|u| Uuid::parse_str(u).ok())
        .is_some_and(|u| u.get_variant() == uuid::Variant::RFC4122)
}

#[test]
fn stix_bundle_is_well_formed_and_deterministic() {
    let (_, inds) = all_indicators();
    let created = base_time() + Duration::days(1);
    let bundle = ioc::stix_bundle(&inds, created);
    assert_eq!(bundle["type"], "bundle");
    assert!(is_stix_id(bundle["id"].as_str().unwrap(), "bundle--"));
    let objects = bundle["objects"].as_array().unwrap();
    let identity = &objects[0];
    assert_eq!(identity["type"], "identity");
    assert_eq!(identity["spec_version"], "2.1");
    assert!(is_stix_id(identity["id"].as_str().unwrap(), "identity--"));

    let skipped = inds
        .iter()
        .filter(|i| i.kind == "ssh-key" || i.kind == "ip")
        .count();
    assert_eq!(objects.len() - 1, inds.len() - skipped);
    for o in &objects[1..] {
        assert_eq!(o["type"], "indicator");
        assert_eq!(o["spec_version"], "2.1");
        assert_eq!(o["pattern_type"], "stix");
        assert_eq!(
            o["indicator_types"],
            serde_json::json!(["malicious-activity"])
        );
        assert_eq!(o["created_by_ref"], identity["id"]);
        let id = o["id"].as_str().unwrap();
        assert!(is_stix_id(id, "indicator--"), "{id}");
        let u = Uuid::parse_str(&id["indicator--".len()..]).unwrap();
        assert_eq!(u.get_version_num(), 5);
        for key in ["created", "modified", "valid_from"] {
            let ts = o[key].as_str().unwrap();
            assert!(ts.len() == 24 && ts.ends_with('Z'), "{key} {ts}");
        }
        assert!(o["modified"].as_str().unwrap() >= o["created"].as_str().unwrap());
        assert!(o["labels"].as_array().unwrap().len() == 2);

        let kind = o["labels"][1].as_str().unwrap();
        let ind = inds
            .iter()
            .find(|i| ioc::indicator_id(&i.kind, &i.value) == id)
            .unwrap();
        assert_eq!(ind.kind, kind);
        let (skeleton, literals) = scan_pattern(o["pattern"].as_str().unwrap());
        let expected = match kind {
            "ipv4-addr" => "[ipv4-addr:value = '']",
            "ipv6-addr" => "[ipv6-addr:value = '']",
            "url" => "[url:value = '']",
            "domain-name" => "[domain-name:value = '']",
            "file-sha256" => "[file:hashes.''SHA-256'' = '']",
            "file-name" => "[file:name = '']",
            "host-port" => {
                "[network-traffic:dst_ref.value = '' AND network-traffic:dst_port = 3333]"
            }
            other => panic!("unexpected kind {other}"),
        };
        // `'SHA-256'` is itself a quoted path component.
        assert_eq!(skeleton, expected.replace("''SHA-256''", "''"));
        let value = literals.last().unwrap();
        if kind == "host-port" {
            assert_eq!(value, "pool.evil'\\.example");
        } else {
            assert_eq!(value, &ind.value);
        }
    }

    // Re-exporting later keeps the indicator ids; only `modified` moves.
    let later = ioc::stix_bundle(&inds, created + Duration::days(3));
    let ids = |b: &Value| -> Vec<Value> {
        b["objects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].clone())
            .collect()
    };
    assert_eq!(ids(&bundle), ids(&later));
    assert_ne!(bundle["id"], later["id"]);
    assert_eq!(bundle, ioc::stix_bundle(&inds, created));
}
