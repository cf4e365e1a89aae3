//! The dashboard's session reads on real databases (SQLite, and PostgreSQL when
//! `MIRAGEPOT_TEST_POSTGRES_URL` is set): the columns derived from detection events and
//! idempotent retries, `list_sessions` order, paging and cap, and the per-address and
//! live-view event reads. The filters are in `filters.rs`.

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
    latest_event_of_ip_and_events_after,
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
    use miragepot_event::{EndReason, Event, EventKind, SessionId};
    use miragepot_store::{SessionFilter, StoreError};

    use crate::dash_support::*;
    use crate::support::{Sess, TestDb, at, auth, cmd, end, every_kind, start};

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

    pub async fn latest_event_of_ip_and_events_after(db: &TestDb) {
        let one = sess_from(0, "203.0.113.7");
        let two = sess_from(100, "203.0.113.7");
        let other = sess_from(200, "2001:db8::7");
        let profile = every_kind()
            .into_iter()
            .find(|k| matches!(k, EventKind::IpProfile(_)))
            .unwrap();
        let events = vec![
            one.ev(0, start()),
            one.ev(10, auth("root", "a", false)),
            one.ev(20, auth("root", "b", false)),
            one.ev(20, cmd("id")),
            one.ev(30, end(EndReason::ClientClosed)),
            two.ev(100, start()),
            two.ev(110, auth("root", "c", false)),
            two.ev(120, profile),
            other.ev(200, start()),
        ];
        db.store.insert_batch(&events).await.unwrap();
        let ip = "203.0.113.7".parse().unwrap();
        assert_eq!(
            db.store
                .latest_event_of_ip(ip, "auth_attempt")
                .await
                .unwrap(),
            Some(events[6].clone())
        );
        assert_eq!(
            db.store.latest_event_of_ip(ip, "ip_profile").await.unwrap(),
            Some(events[7].clone())
        );
        assert_eq!(
            db.store.latest_event_of_ip(ip, "download").await.unwrap(),
            None
        );
        let v6 = "2001:db8::7".parse().unwrap();
        assert_eq!(
            db.store
                .latest_event_of_ip(v6, "session_start")
                .await
                .unwrap(),
            Some(events[8].clone())
        );
        assert_eq!(
            db.store
                .latest_event_of_ip(v6, "auth_attempt")
                .await
                .unwrap(),
            None
        );

        let after = db.store.events_after(one.id, us(10)).await.unwrap();
        let mut want = vec![events[2].clone(), events[3].clone(), events[4].clone()];
        want.sort_by_key(|e| (e.ts, e.id));
        assert_eq!(
            after, want,
            "strictly after, in (ts, id) order, this session only"
        );
        assert!(
            db.store
                .events_after(one.id, us(30))
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(db.store.events_after(two.id, 0).await.unwrap().len(), 3);
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
