//! The dashboard's session queries on real databases (SQLite, and PostgreSQL when
//! `MIRAGEPOT_TEST_POSTGRES_URL` is set): the columns derived from detection events,
//! [`Store::list_sessions`] order, paging and every [`SessionFilter`] field, CIDR ranges,
//! LIKE escaping, and idempotent retries.

// Test code: clippy.toml allows these in `#[test]` fns, and the helpers here are test code too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[allow(dead_code, unused_imports)]
#[macro_use]
mod support;
#[allow(dead_code)]
mod dash_support;

use support::TestDb;

both_backends!(
    session_row_has_dashboard_columns,
    stage_and_techniques_merge_across_batches,
    retried_batches_count_once,
    list_orders_by_risk_then_newest_and_pages,
    list_caps_the_page,
    filters_select_by_every_field,
    like_wildcards_in_filters_are_literal,
    command_filter_survives_rows_that_are_not_json,
    too_many_session_ids_is_an_error,
);

#[test]
fn stages_match_the_detector() {
    let names: Vec<&str> = miragepot_detect::stage::Tactic::ALL
        .iter()
        .map(|t| t.name())
        .collect();
    assert_eq!(names, miragepot_store::STAGES);
}

mod cases {
    use miragepot_event::{EndReason, Event, SessionId};
    use miragepot_store::{SessionFilter, StoreError};

    use crate::dash_support::*;
    use crate::support::{Sess, TestDb, at, auth, cmd, end, start};

    /// The ids `f` lists (sorted) and checks that `count_sessions` agrees.
    async fn ids(db: &TestDb, f: &SessionFilter) -> Vec<SessionId> {
        let rows = db.store.list_sessions(f, 500, 0).await.unwrap();
        let n = db.store.count_sessions(f).await.unwrap();
        assert_eq!(
            n,
            rows.len() as u64,
            "count_sessions vs list_sessions for {f:?}"
        );
        let mut ids: Vec<_> = rows.into_iter().map(|r| r.session).collect();
        ids.sort();
        ids
    }

    fn sorted(mut v: Vec<SessionId>) -> Vec<SessionId> {
        v.sort();
        v
    }

    pub async fn session_row_has_dashboard_columns(db: &TestDb) {
        let s = sess_from(0, "203.0.113.9");
        db.store
            .insert_batch(&[
                s.ev(0, start()),
                s.ev(1, auth("root", "toor", true)),
                s.ev(2, cmd("wget http://x/y")),
                s.ev(3, technique("T1105", "Ingress Tool Transfer")),
                s.ev(4, technique("T1059.004", "Unix Shell")),
                s.ev(5, technique("T1105", "Ingress Tool Transfer")),
                s.ev(6, stage("execution")),
                s.ev(7, stage("persistence")),
                s.ev(8, download("http://x/y")),
                s.ev(9, download("http://x/z")),
                s.ev(10, token()),
                s.ev(11, end(EndReason::ClientClosed)),
                s.ev(12, summary(80, Some("persistence"), 1, Some("h1"))),
            ])
            .await
            .unwrap();
        let r = db.store.session_row(s.id).await.unwrap().unwrap();
        assert_eq!(r.techniques, ["T1059.004", "T1105"]);
        assert_eq!(r.stage.as_deref(), Some("persistence"));
        assert_eq!((r.downloads, r.tokens), (2, 1));
        assert_eq!(r.risk_score, Some(80));
        assert_eq!(r.risk_band.as_deref(), Some("critical"));
        assert_eq!(r.command_hash.as_deref(), Some("h1"));
        assert_eq!((r.commands, r.auth_attempts), (1, 1));
        // The stored forms: ids between commas, the address as a 128-bit hex key.
        let (techniques, key): (String, String) =
            sqlx::query_as("SELECT techniques, ip_key FROM sessions WHERE session = $1")
                .bind(s.id.to_string())
                .fetch_one(db.store.pool())
                .await
                .unwrap();
        assert_eq!(techniques, ",T1059.004,T1105,");
        assert_eq!(key, "00000000000000000000ffffcb007109");

        // No commands: the summary's hash is not a campaign key.
        let quiet = sess_from(100, "2001:db8::1");
        db.store
            .insert_batch(&[
                quiet.ev(100, start()),
                quiet.ev(101, summary(5, None, 0, Some("e3b0"))),
            ])
            .await
            .unwrap();
        let r = db.store.session_row(quiet.id).await.unwrap().unwrap();
        assert_eq!(r.command_hash, None);
        assert_eq!(r.risk_band.as_deref(), Some("low"));
        assert!(r.techniques.is_empty() && r.stage.is_none());
        let unknown = SessionId::new_at(at(5));
        assert_eq!(db.store.session_row(unknown).await.unwrap(), None);
    }

    pub async fn stage_and_techniques_merge_across_batches(db: &TestDb) {
        let s = Sess::new(at(0));
        let row = || async { db.store.session_row(s.id).await.unwrap().unwrap() };
        db.store
            .insert_batch(&[
                s.ev(0, start()),
                s.ev(1, stage("discovery")),
                s.ev(2, technique("T1105", "x")),
            ])
            .await
            .unwrap();
        assert_eq!(row().await.stage.as_deref(), Some("discovery"));
        // An earlier stage in kill-chain order never moves the furthest stage back.
        db.store
            .insert_batch(&[
                s.ev(3, stage("execution")),
                s.ev(4, technique("T1059.004", "y")),
            ])
            .await
            .unwrap();
        let r = row().await;
        assert_eq!(r.stage.as_deref(), Some("discovery"));
        assert_eq!(r.techniques, ["T1059.004", "T1105"]);
        db.store
            .insert_batch(&[s.ev(5, summary(60, Some("impact"), 0, None))])
            .await
            .unwrap();
        let r = row().await;
        assert_eq!(r.stage.as_deref(), Some("impact"));
        assert_eq!(
            (r.risk_score, r.risk_band.as_deref()),
            (Some(60), Some("high"))
        );
        // A later summary replaces the risk; the stage stays the furthest.
        db.store
            .insert_batch(&[s.ev(6, summary(20, Some("execution"), 0, None))])
            .await
            .unwrap();
        let r = row().await;
        assert_eq!(
            (r.risk_score, r.stage.as_deref()),
            (Some(20), Some("impact"))
        );
    }

    pub async fn retried_batches_count_once(db: &TestDb) {
        use miragepot_store::TopKind;
        let s = Sess::new(at(0));
        let batch = vec![
            s.ev(0, start()),
            s.ev(1, auth("root", "x", false)),
            s.ev(2, cmd("id")),
            s.ev(3, download("http://x/y")),
            s.ev(4, token()),
            s.ev(5, technique("T1105", "Ingress Tool Transfer")),
        ];
        db.store.insert_batch(&batch).await.unwrap();
        db.store.insert_batch(&batch).await.unwrap(); // a retried batch
        let mut again = batch[2..].to_vec(); // a partial overlap, with a duplicate inside
        again.push(batch[3].clone());
        again.push(s.ev(6, download("http://x/y")));
        db.store.insert_batch(&again).await.unwrap();

        let r = db.store.session_row(s.id).await.unwrap().unwrap();
        assert_eq!(
            (r.downloads, r.tokens, r.commands, r.auth_attempts),
            (2, 1, 1, 1)
        );
        assert_eq!(r.techniques, ["T1105"]);
        let top = |k| async move { db.store.top(k, None, 10).await.unwrap() };
        assert_eq!(top(TopKind::Usernames).await[0].count, 1);
        assert_eq!(top(TopKind::Commands).await[0].count, 1);
        assert_eq!(top(TopKind::Techniques).await[0].count, 1);
        assert_eq!(
            top(TopKind::DownloadUrls).await[0].count,
            2,
            "two download events"
        );
        assert_eq!(top(TopKind::SrcIps).await[0].count, 1);
    }

    pub async fn list_orders_by_risk_then_newest_and_pages(db: &TestDb) {
        // (start ms, risk): riskiest first, unscored last, newest first among equals.
        let plan = [
            (0, Some(50)),
            (1000, Some(90)),
            (2000, Some(50)),
            (3000, None),
            (4000, None),
            (500, Some(0)),
        ];
        let mut events = Vec::new();
        let mut ids = Vec::new();
        for (ms, risk) in plan {
            let s = Sess::new(at(ms));
            events.push(s.ev(ms, start()));
            if let Some(r) = risk {
                events.push(s.ev(ms + 1, summary(r, None, 0, None)));
            }
            ids.push(s.id);
        }
        db.store.insert_batch(&events).await.unwrap();
        let want = vec![ids[1], ids[2], ids[0], ids[5], ids[4], ids[3]];
        let all = SessionFilter::default();
        let listed: Vec<_> = db
            .store
            .list_sessions(&all, 100, 0)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.session)
            .collect();
        assert_eq!(listed, want);
        let mut paged = Vec::new();
        for offset in [0, 2, 4, 6] {
            let page = db.store.list_sessions(&all, 2, offset).await.unwrap();
            assert!(page.len() <= 2);
            paged.extend(page.into_iter().map(|r| r.session));
        }
        assert_eq!(paged, want);
        assert!(db.store.list_sessions(&all, 0, 0).await.unwrap().is_empty());
        assert!(
            db.store
                .list_sessions(&all, 10, u64::MAX)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(db.store.count_sessions(&all).await.unwrap(), 6);
    }

    pub async fn list_caps_the_page(db: &TestDb) {
        let events: Vec<Event> = (0..510).map(|i| Sess::new(at(i)).ev(i, start())).collect();
        db.store.insert_batch(&events).await.unwrap();
        let f = SessionFilter::default();
        assert_eq!(
            db.store.list_sessions(&f, 10_000, 0).await.unwrap().len(),
            500
        );
        assert_eq!(
            db.store.list_sessions(&f, 10_000, 500).await.unwrap().len(),
            10
        );
        assert_eq!(db.store.count_sessions(&f).await.unwrap(), 510);
    }

    pub async fn filters_select_by_every_field(db: &TestDb) {
        let a = sess_from(0, "203.0.113.9");
        let b = sess_from(1000, "10.1.2.3");
        let c = sess_from(2000, "2001:db8::5");
        let d = sess_from(3000, "2001:db8:1::9");
        let e = sess_from(4000, "::ffff:10.9.9.9");
        let events = vec![
            a.ev(0, start()),
            a.ev(1, kex("aaaa")),
            a.ev(2, version("SSH-2.0-OpenSSH_8.9")),
            a.ev(3, auth("root", "toor", true)),
            a.ev(4, cmd("wget http://x/100%.sh")),
            a.ev(5, cmd("uname -a")),
            a.ev(6, technique("T1105", "Ingress Tool Transfer")),
            a.ev(7, technique("T1059.004", "Unix Shell")),
            a.ev(8, download("http://x/100%.sh")),
            a.ev(9, summary(80, Some("persistence"), 2, Some("h1"))),
            on_sensor(b.ev(1000, start()), "s2"),
            on_sensor(b.ev(1001, kex("bbbb")), "s2"),
            on_sensor(b.ev(1002, version("SSH-2.0-libssh2_1.10")), "s2"),
            on_sensor(b.ev(1003, auth("admin", "admin", true)), "s2"),
            on_sensor(b.ev(1004, cmd("echo 1000")), "s2"),
            on_sensor(b.ev(1005, cmd("a_b")), "s2"),
            on_sensor(
                b.ev(1006, technique("T1110.001", "Password Guessing")),
                "s2",
            ),
            on_sensor(b.ev(1007, token()), "s2"),
            on_sensor(
                b.ev(1008, summary(30, Some("execution"), 2, Some("h2"))),
                "s2",
            ),
            c.ev(2000, start()),
            c.ev(2001, kex("aaaa")),
            c.ev(2002, version("SSH-2.0-Go")),
            c.ev(2003, auth("root", "nope", false)),
            c.ev(2004, technique("T11050", "Not a sub-technique")),
            on_sensor(d.ev(3000, start()), "s3"),
            on_sensor(d.ev(3001, auth("root", "123456", true)), "s3"),
            on_sensor(d.ev(3002, cmd(r"cat C:\temp")), "s3"),
            on_sensor(d.ev(3003, cmd("AXB")), "s3"),
            on_sensor(d.ev(3004, download("http://y/z")), "s3"),
            on_sensor(d.ev(3005, download("http://y/w")), "s3"),
            on_sensor(d.ev(3006, summary(10, None, 2, Some("h3"))), "s3"),
            e.ev(4000, start()),
        ];
        db.store.insert_batch(&events).await.unwrap();
        db.store.add_tag(a.id, "miner").await.unwrap();
        db.store.add_tag(b.id, "follow-up").await.unwrap();
        let (a, b, c, d, e) = (a.id, b.id, c.id, d.id, e.id);
        let all = sorted(vec![a, b, c, d, e]);
        let f = SessionFilter::default;
        let text = |s: &str| Some(s.to_owned());
        let ip = |s: &str| Some(s.parse().unwrap());

        assert_eq!(ids(db, &f()).await, all);
        let cases: Vec<(SessionFilter, Vec<SessionId>)> = vec![
            (
                SessionFilter {
                    since_us: Some(us(1000)),
                    ..f()
                },
                vec![b, c, d, e],
            ),
            (
                SessionFilter {
                    until_us: Some(us(2000)),
                    ..f()
                },
                vec![a, b],
            ),
            (
                SessionFilter {
                    since_us: Some(us(1000)),
                    until_us: Some(us(2000)),
                    ..f()
                },
                vec![b],
            ),
            (
                SessionFilter {
                    ip: ip("203.0.113.9"),
                    ..f()
                },
                vec![a],
            ),
            (
                SessionFilter {
                    ip: ip("10.0.0.0/8"),
                    ..f()
                },
                vec![b, e],
            ),
            (
                SessionFilter {
                    ip: ip("10.9.9.9"),
                    ..f()
                },
                vec![e],
            ),
            (
                SessionFilter {
                    ip: ip("2001:db8::/32"),
                    ..f()
                },
                vec![c, d],
            ),
            (
                SessionFilter {
                    ip: ip("2001:db8::/48"),
                    ..f()
                },
                vec![c],
            ),
            (
                SessionFilter {
                    ip: ip("0.0.0.0/0"),
                    ..f()
                },
                vec![a, b, e],
            ),
            (
                SessionFilter {
                    ip: ip("::/0"),
                    ..f()
                },
                all.clone(),
            ),
            (
                SessionFilter {
                    ip: ip("198.51.100.0/24"),
                    ..f()
                },
                vec![],
            ),
            (
                SessionFilter {
                    username: text("root"),
                    ..f()
                },
                vec![a, d],
            ),
            (
                SessionFilter {
                    username: text("  "),
                    ..f()
                },
                all.clone(),
            ),
            (
                SessionFilter {
                    password: text("toor"),
                    ..f()
                },
                vec![a],
            ),
            (
                SessionFilter {
                    command: text("UNAME"),
                    ..f()
                },
                vec![a],
            ),
            (
                SessionFilter {
                    command: text(" 1000 "),
                    ..f()
                },
                vec![b],
            ),
            (
                SessionFilter {
                    technique: text("T1105"),
                    ..f()
                },
                vec![a],
            ),
            (
                SessionFilter {
                    technique: text("t1110"),
                    ..f()
                },
                vec![b],
            ),
            (
                SessionFilter {
                    technique: text("T1110.001"),
                    ..f()
                },
                vec![b],
            ),
            (
                SessionFilter {
                    technique: text("T1110.002"),
                    ..f()
                },
                vec![],
            ),
            (
                SessionFilter {
                    technique: text("T1059"),
                    ..f()
                },
                vec![a],
            ),
            (
                SessionFilter {
                    technique: text("T11050"),
                    ..f()
                },
                vec![c],
            ),
            (
                SessionFilter {
                    stage: text("persistence"),
                    ..f()
                },
                vec![a],
            ),
            (
                SessionFilter {
                    risk_band: text("critical"),
                    ..f()
                },
                vec![a],
            ),
            (
                SessionFilter {
                    risk_band: text("LOW"),
                    ..f()
                },
                vec![d],
            ),
            (
                SessionFilter {
                    tag: text("miner"),
                    ..f()
                },
                vec![a],
            ),
            (
                SessionFilter {
                    tag: text("nope"),
                    ..f()
                },
                vec![],
            ),
            (
                SessionFilter {
                    hassh: text("aaaa"),
                    ..f()
                },
                vec![a, c],
            ),
            (
                SessionFilter {
                    client_version: text("openssh"),
                    ..f()
                },
                vec![a],
            ),
            (
                SessionFilter {
                    client_version: text("SSH"),
                    ..f()
                },
                vec![a, b, c],
            ),
            (
                SessionFilter {
                    has_download: Some(true),
                    ..f()
                },
                vec![a, d],
            ),
            (
                SessionFilter {
                    has_download: Some(false),
                    ..f()
                },
                vec![b, c, e],
            ),
            (
                SessionFilter {
                    has_token: Some(true),
                    ..f()
                },
                vec![b],
            ),
            (
                SessionFilter {
                    has_token: Some(false),
                    ..f()
                },
                vec![a, c, d, e],
            ),
            (
                SessionFilter {
                    sensor: text("s1"),
                    ..f()
                },
                vec![a, c, e],
            ),
            (
                SessionFilter {
                    sessions: Some(vec![a, c]),
                    ..f()
                },
                vec![a, c],
            ),
            (
                SessionFilter {
                    sessions: Some(vec![]),
                    ..f()
                },
                vec![],
            ),
            (
                SessionFilter {
                    exclude: vec![a, e],
                    ..f()
                },
                vec![b, c, d],
            ),
            (
                SessionFilter {
                    sensor: text("s1"),
                    hassh: text("aaaa"),
                    has_download: Some(false),
                    ..f()
                },
                vec![c],
            ),
            (
                SessionFilter {
                    sessions: Some(vec![a, b, c]),
                    exclude: vec![b],
                    username: text("root"),
                    ..f()
                },
                vec![a],
            ),
        ];
        for (filter, want) in cases {
            assert_eq!(ids(db, &filter).await, sorted(want), "{filter:?}");
        }
    }

    pub async fn like_wildcards_in_filters_are_literal(db: &TestDb) {
        let lines = [
            "echo 100%",
            "echo 1000",
            "a_b",
            "AXB",
            r"type C:\temp",
            r"C:\Xtemp",
        ];
        let mut ids = Vec::new();
        let mut events = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let s = Sess::new(at(i as i64 * 10));
            events.push(s.ev(i as i64 * 10, start()));
            events.push(s.ev(i as i64 * 10 + 1, cmd(line)));
            events.push(s.ev(i as i64 * 10 + 2, version(&format!("SSH-2.0-{line}"))));
            ids.push(s.id);
        }
        db.store.insert_batch(&events).await.unwrap();
        for field in ["command", "client_version"] {
            let by = |needle: &str| {
                let mut f = SessionFilter::default();
                let v = Some(needle.to_owned());
                match field {
                    "command" => f.command = v,
                    _ => f.client_version = v,
                }
                f
            };
            assert_eq!(
                crate::cases::ids(db, &by("0%")).await,
                vec![ids[0]],
                "{field}: % is literal"
            );
            assert_eq!(
                crate::cases::ids(db, &by("%")).await,
                vec![ids[0]],
                "{field}"
            );
            assert_eq!(
                crate::cases::ids(db, &by("a_b")).await,
                vec![ids[2]],
                "{field}: _ is literal"
            );
            assert_eq!(
                crate::cases::ids(db, &by(r"C:\t")).await,
                vec![ids[4]],
                r"{field}: \ is literal"
            );
            assert_eq!(
                crate::cases::ids(db, &by("ax")).await,
                vec![ids[3]],
                "{field}: case-insensitive"
            );
        }
    }

    pub async fn command_filter_survives_rows_that_are_not_json(db: &TestDb) {
        let s = Sess::new(at(0));
        db.store
            .insert_batch(&[
                s.ev(0, start()),
                s.ev(1, cmd("uname -a")),
                s.ev(2, cmd("nul\0here")),
            ])
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO events (id, ts, ts_us, sensor, session, src_ip, src_port, type, data) \
             VALUES ('bad-json', '2024-05-01T12:00:00Z', 0, 's1', $1, '192.0.2.7', 40000, \
             'command_input', '{not json')",
        )
        .bind(s.id.to_string())
        .execute(db.store.pool())
        .await
        .unwrap();
        let f = SessionFilter {
            command: Some("uname".into()),
            ..SessionFilter::default()
        };
        assert_eq!(ids(db, &f).await, vec![s.id]);
        let f = SessionFilter {
            command: Some("nomatch".into()),
            ..SessionFilter::default()
        };
        assert!(ids(db, &f).await.is_empty());
        // A line holding NUL never fails the query (PostgreSQL text cannot hold it).
        let f = SessionFilter {
            command: Some("here".into()),
            ..SessionFilter::default()
        };
        db.store.count_sessions(&f).await.unwrap();
    }

    pub async fn too_many_session_ids_is_an_error(db: &TestDb) {
        let many: Vec<SessionId> = (0..1001).map(|i| SessionId::new_at(at(i))).collect();
        let f = SessionFilter {
            sessions: Some(many.clone()),
            ..SessionFilter::default()
        };
        let err = db.store.list_sessions(&f, 10, 0).await.unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::InvalidArgument {
                    op: "list_sessions",
                    ..
                }
            ),
            "{err}"
        );
        let f = SessionFilter {
            exclude: many[..1000].to_vec(),
            ..SessionFilter::default()
        };
        assert_eq!(db.store.count_sessions(&f).await.unwrap(), 0);
    }
}
