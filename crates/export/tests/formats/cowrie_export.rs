//! Cowrie JSON lines: well-formed, shared attributes, id and field mapping, omissions.

use std::net::IpAddr;

use miragepot_event::samples;
use miragepot_export::{SessionExport, cowrie};
use serde_json::Value;

use crate::fixtures::*;

fn cowrie_lines(export: &SessionExport<'_>) -> Vec<Value> {
    let text = cowrie::session_lines(export);
    assert!(text.is_empty() || text.ends_with('\n'));
    text.lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("each Cowrie line is JSON"))
        .collect()
}

fn is_cowrie_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 27
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'.'
        && b[26] == b'Z'
        && s[20..26].bytes().all(|c| c.is_ascii_digit())
}

#[test]
fn cowrie_lines_are_json_with_shared_attributes_and_known_ids() {
    let tags = tags();
    for (c, events) in both() {
        let export = SessionExport::new(c.session, &events, &tags);
        let lines = cowrie_lines(&export);
        assert!(!lines.is_empty());
        for l in &lines {
            let id = l["eventid"].as_str().unwrap();
            assert!(cowrie::EVENT_IDS.contains(&id), "unknown eventid {id}");
            assert!(l["message"].is_string(), "{id} has a message");
            assert_eq!(l["sensor"], "sensor-1");
            assert!(is_cowrie_timestamp(l["timestamp"].as_str().unwrap()), "{l}");
            let s = l["session"].as_str().unwrap();
            assert_eq!(s.len(), 12);
            assert!(
                s.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            );
            assert!(c.session.simple().ends_with(s));
            let ip: IpAddr = l["src_ip"].as_str().unwrap().parse().unwrap();
            assert_eq!(ip, c.src_ip.to_canonical());
            assert_eq!(l["src_port"], 51514);
            assert_eq!(l["protocol"], "ssh");
        }
        assert_eq!(lines[0]["eventid"], "cowrie.session.connect");
        assert_eq!(lines[0]["dst_ip"], lines[1]["dst_ip"]);
    }
}

fn ids(lines: &[Value]) -> Vec<&str> {
    lines
        .iter()
        .map(|l| l["eventid"].as_str().unwrap())
        .collect()
}

#[test]
fn cowrie_maps_every_kind_it_has_an_id_for() {
    let (c, events) = sample_session();
    let export = SessionExport::new(c.session, &events, &[]);
    let lines = cowrie_lines(&export);
    assert_eq!(
        ids(&lines),
        vec![
            "cowrie.session.connect",
            "cowrie.session.closed",
            "cowrie.client.version",
            "cowrie.client.kex",
            "cowrie.login.success",
            "cowrie.client.size",
            "cowrie.client.var",
            "cowrie.command.input",
            "cowrie.command.failed",
            "cowrie.session.file_download",
            "cowrie.session.file_download",
            "cowrie.session.file_upload",
            "cowrie.direct-tcpip.request",
            "cowrie.log.closed",
        ]
    );
    let kex = &lines[3];
    assert_eq!(kex["hassh"], "ec7378c1a92f5a8dde7e8b7a1ddf33d1");
    assert_eq!(
        kex["hasshAlgorithms"],
        "curve25519-sha256;aes128-ctr;hmac-sha2-256;none"
    );
    assert_eq!(
        kex["kexAlgs"],
        serde_json::json!(["curve25519-sha256", "ext-info-c"])
    );
    assert_eq!(kex["keyAlgs"], serde_json::json!([]));
    assert_eq!(kex["encCS"], serde_json::json!(["aes128-ctr"]));
    assert_eq!(kex["macCS"], serde_json::json!(["hmac-sha2-256"]));
    assert_eq!(kex["compCS"], serde_json::json!(["none"]));
    let closed = &lines[1];
    assert_eq!(closed["duration"], 0.005);
    assert_eq!(closed["duration_ms"], 5);
    assert_eq!(closed["message"], "Connection lost after 0.0 seconds");
    let download = &lines[9];
    assert_eq!(download["url"], "http://198.51.100.7/bins.sh");
    assert_eq!(download["destfile"], "/tmp/bins.sh");
    assert!(
        download.get("shasum").is_none(),
        "a simulated file has no hash"
    );
    // every_kind's file_written (/tmp/.x/a) is not where the download saved (/tmp/bins.sh):
    // it is the attacker's own content, a redirect capture with outfile and shasum, no url.
    let written = &lines[10];
    assert_eq!(written["destfile"], "/tmp/.x/a");
    assert_eq!(written["shasum"], "ab".repeat(32));
    assert_eq!(written["outfile"], format!("artifacts/{}", "ab".repeat(32)));
    assert!(written.get("url").is_none());
    let upload = &lines[11];
    assert_eq!(upload["filename"], "b");
    assert_eq!(upload["shasum"], "cd".repeat(32));
    assert_eq!(upload["outfile"], format!("artifacts/{}", "cd".repeat(32)));
    assert_eq!(upload["destfile"], "/tmp/b");
    let fwd = &lines[12];
    assert_eq!(fwd["dst_ip"], "example.org");
    assert_eq!(fwd["dst_port"], 443);
    assert_eq!(fwd["orig_ip"], "127.0.0.1");
    assert_eq!(fwd["orig_port"], 5555);
    assert_eq!(fwd["src_ip"], "203.0.113.9", "src_ip stays the real peer");
    assert_eq!(lines[13]["ttylog"], "recordings/x.cast");
    assert_eq!(lines[13]["size"], 10);
    assert_eq!(lines[13]["duration_ms"], 1);
}

#[test]
fn cowrie_login_success_and_failed() {
    let (c, events) = hostile_session();
    let export = SessionExport::new(c.session, &events, &[]);
    let lines = cowrie_lines(&export);
    let failed: Vec<&Value> = lines
        .iter()
        .filter(|l| l["eventid"] == "cowrie.login.failed")
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["username"], SCRIPT);
    assert_eq!(failed[0]["password"], "'\"\\\n\u{1b}[31m");
    assert_eq!(
        failed[0]["message"],
        format!("login attempt [{SCRIPT}/'\"\\\n\u{1b}[31m] failed")
    );
    let ok: Vec<&Value> = lines
        .iter()
        .filter(|l| l["eventid"] == "cowrie.login.success")
        .collect();
    assert_eq!(ok.len(), 1);
    assert_eq!(ok[0]["password"], FORMULA);
    let fp: Vec<&Value> = lines
        .iter()
        .filter(|l| l["eventid"] == "cowrie.client.fingerprint")
        .collect();
    assert_eq!(fp.len(), 1);
    assert_eq!(fp[0]["fingerprint"], "SHA256:abc\\def");
    // The simulated download's file_written is folded into the download; the attacker's own
    // authorized_keys write is a redirect capture with outfile and shasum.
    let downloads: Vec<&Value> = lines
        .iter()
        .filter(|l| l["eventid"] == "cowrie.session.file_download")
        .collect();
    assert_eq!(downloads.len(), 2);
    assert_eq!(downloads[0]["destfile"], "/tmp/a'b");
    assert_eq!(downloads[1]["destfile"], "/root/.ssh/authorized_keys");
    assert_eq!(downloads[1]["shasum"], "22".repeat(32));
    assert!(downloads[1].get("url").is_none());
    let failed_dl: Vec<&Value> = lines
        .iter()
        .filter(|l| l["eventid"] == "cowrie.session.file_download.failed")
        .collect();
    assert_eq!(failed_dl.len(), 1);
    assert_eq!(failed_dl[0]["error"], "dns_failed");
    assert_eq!(lines.last().unwrap()["duration"], 36.123);
    assert_eq!(
        lines.last().unwrap()["message"],
        "Connection lost after 36.1 seconds"
    );
}

#[test]
fn cowrie_omits_detections_and_other_unmapped_kinds() {
    let c = ctx("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "203.0.113.9");
    let omitted = [
        "window_change",
        "shell_start",
        "command_result",
        "file_executed",
        "channel_request",
        "technique",
        "attack_stage",
        "ioc",
        "honeytoken_planted",
        "honeytoken_touched",
        "token_reused",
        "injection_attempt",
        "delay_applied",
        "session_summary",
        "ip_profile",
        "connection_refused",
        "ip_blocked",
        "ip_unblocked",
        "limit_hit",
        "llm_call",
        "llm_analysis",
    ];
    for kind in samples::every_kind() {
        let name = kind.type_name();
        let lines = cowrie::events(&c.event(base_time(), kind));
        assert_eq!(omitted.contains(&name), lines.is_empty(), "{name}");
    }
}
