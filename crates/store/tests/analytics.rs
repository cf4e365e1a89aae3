//! The dashboard's analytics on real databases (SQLite, and PostgreSQL when
//! `MIRAGEPOT_TEST_POSTGRES_URL` is set): the overview counters, the histogram, top-N from
//! `tallies`, campaigns and the funnel.

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
    overview_counts_the_window,
    histogram_buckets_sessions,
    top_ranks_tallied_values,
    top_of_a_window_matches_a_full_count,
    campaigns_group_command_hashes_across_addresses,
    funnel_counts_each_step,
);

mod cases {
    use miragepot_event::{AuthMethod, Event, EventKind};
    use miragepot_store::{BlockRow, StoreError, TopKind, TopRow};

    use crate::dash_support::*;
    use crate::support::{Sess, TestDb, at, auth, cmd, start};

    const HOUR_MS: i64 = 3_600_000;

    pub async fn overview_counts_the_window(db: &TestDb) {
        let old = sess_from(0, "198.51.100.1");
        let w1 = sess_from(1000, "203.0.113.1");
        let w2 = sess_from(2000, "203.0.113.1");
        let w3 = sess_from(3000, "203.0.113.2");
        let refused = EventKind::ConnectionRefused(miragepot_event::ConnectionRefused {
            reason: miragepot_event::RefuseReason::Blocked,
            rule: "block:strikes".into(),
            suppressed: 0,
        });
        let events = vec![
            old.ev(0, start()),
            old.ev(1, auth("root", "x", true)),
            old.ev(2, cmd("id")),
            old.ev(3, download("http://x/y")),
            old.ev(4, token()),
            old.ev(5, blocked("198.51.100.1")),
            w1.ev(1000, start()),
            w1.ev(1001, auth("root", "x", false)),
            w1.ev(1002, auth("root", "y", true)),
            w1.ev(1003, cmd("id")),
            w1.ev(1004, cmd("w")),
            w1.ev(1005, download("http://x/y")),
            w1.ev(1006, token()),
            w1.ev(1010, blocked("203.0.113.1")),
            w1.ev(1011, blocked("203.0.113.1")),
            w2.ev(2000, start()),
            w2.ev(2001, auth("a", "1", false)),
            w2.ev(2002, auth("a", "2", false)),
            w2.ev(2003, auth("a", "3", false)),
            w3.ev(3000, start()),
            w3.ev(3001, blocked("203.0.113.99")),
            sess_from(3500, "192.0.2.9").ev(3500, refused),
        ];
        db.store.insert_batch(&events).await.unwrap();
        let block = |ip: &str, ms: i64| BlockRow {
            ip: ip.parse().unwrap(),
            source: "operator".into(),
            reason: "test".into(),
            created: at(ms),
            expires: None,
        };
        for b in [
            block("203.0.113.1", 1500),
            block("192.0.2.50", 1500),
            block("192.0.2.51", 0),
        ] {
            db.store.put_block(&b).await.unwrap();
        }
        // A hand-edited ip_blocked row that is not JSON is ignored, not an error.
        sqlx::query(
            "INSERT INTO events (id, ts, ts_us, sensor, session, src_ip, src_port, type, data) \
             VALUES ('bad', '2024-05-01T12:00:00Z', $1, 's1', $2, '192.0.2.7', 1, 'ip_blocked', '{x')",
        )
        .bind(us(3600))
        .bind(w3.id.to_string())
        .execute(db.store.pool())
        .await
        .unwrap();
        let o = db.store.overview(us(1000)).await.unwrap();
        assert_eq!(
            o,
            miragepot_store::Overview {
                sessions: 3,
                login_attempts: 5,
                logins: 1,
                unique_ips: 2,
                commands: 2,
                downloads: 1,
                tokens_touched: 1,
                blocked_ips: 3,
            }
        );
        let all = db.store.overview(0).await.unwrap();
        assert_eq!(
            (all.sessions, all.login_attempts, all.logins, all.unique_ips),
            (4, 6, 2, 3)
        );
        assert_eq!(
            (
                all.commands,
                all.downloads,
                all.tokens_touched,
                all.blocked_ips
            ),
            (3, 2, 2, 5)
        );
        assert_eq!(
            db.store.overview(us(10_000)).await.unwrap(),
            Default::default()
        );
    }

    pub async fn histogram_buckets_sessions(db: &TestDb) {
        let events: Vec<Event> = [0, 100, 1500, 1600, 1700, 5000]
            .into_iter()
            .map(|ms| Sess::new(at(ms)).ev(ms, start()))
            .collect();
        db.store.insert_batch(&events).await.unwrap();
        let second = 1_000_000;
        assert_eq!(
            db.store.sessions_histogram(us(0), second).await.unwrap(),
            vec![(us(0), 2), (us(1000), 3), (us(5000), 1)]
        );
        assert_eq!(
            db.store.sessions_histogram(us(1000), second).await.unwrap(),
            vec![(us(1000), 3), (us(5000), 1)]
        );
        assert_eq!(
            db.store
                .sessions_histogram(us(0), 10 * second)
                .await
                .unwrap(),
            vec![(us(0), 6)]
        );
        assert!(
            db.store
                .sessions_histogram(us(9000), second)
                .await
                .unwrap()
                .is_empty()
        );
        for bad in [0, -5] {
            let err = db.store.sessions_histogram(0, bad).await.unwrap_err();
            assert!(matches!(err, StoreError::InvalidArgument { .. }), "{err}");
        }
    }

    pub async fn top_ranks_tallied_values(db: &TestDb) {
        let a = sess_from(0, "203.0.113.1");
        let b = sess_from(10, "203.0.113.2");
        let late = sess_from(2 * HOUR_MS, "203.0.113.3");
        let pubkey = EventKind::AuthAttempt {
            method: AuthMethod::Publickey,
            username: "git".into(),
            password: None,
            key_fingerprint: Some("SHA256:x".into()),
            success: false,
            rule: None,
        };
        let long = "x".repeat(2000);
        let mut events = vec![
            a.ev(0, start()),
            b.ev(10, start()),
            a.ev(1, version("SSH-2.0-Go")),
            b.ev(11, version("SSH-2.0-Go")),
            a.ev(2, kex("h1")),
            b.ev(12, kex("h1")),
            a.ev(3, auth("root", "123456", false)),
            a.ev(4, auth("root", "123456", false)),
            b.ev(13, auth("root", "123456", false)),
            b.ev(14, auth("root", "admin", false)),
            b.ev(15, auth("admin", "admin", false)),
            b.ev(16, auth("admin", "admin\0", true)),
            b.ev(17, pubkey),
            a.ev(20, cmd("uname -a")),
            a.ev(21, cmd("  uname -a  ")),
            b.ev(22, cmd("uname -a")),
            b.ev(23, cmd("uname -a")),
            b.ev(24, cmd(&long)),
            a.ev(25, technique("T1105", "Ingress Tool Transfer")),
            b.ev(26, technique("T1105", "Ingress Tool Transfer")),
            a.ev(27, download("http://x/u1")),
            b.ev(28, download("http://x/u1")),
            late.ev(2 * HOUR_MS, auth("root", "123456", false)),
        ];
        for i in 0..6 {
            events.push(late.ev(2 * HOUR_MS + 1 + i, auth("late", "pw", false)));
        }
        db.store.insert_batch(&events).await.unwrap();
        let top = |k: TopKind, since: Option<i64>, limit: u32| async move {
            db.store.top(k, since, limit).await.unwrap()
        };
        assert_eq!(
            top(TopKind::Usernames, None, 10).await,
            vec![
                row("late", "", 6),
                row("root", "", 5),
                row("admin", "", 2),
                row("git", "", 1)
            ]
        );
        assert_eq!(top(TopKind::Usernames, None, 2).await.len(), 2);
        // A window counts whole hours: since T0 + 10 ms still counts T0's hour in full.
        assert_eq!(top(TopKind::Usernames, Some(us(10)), 10).await.len(), 4);
        let hour2 = hour_start_us() + 2 * HOUR_MS * 1000;
        assert_eq!(
            top(TopKind::Usernames, Some(hour2 + 5), 10).await,
            vec![row("late", "", 6), row("root", "", 1)]
        );
        assert!(
            top(TopKind::Usernames, Some(hour2 + HOUR_MS * 1000), 10)
                .await
                .is_empty()
        );
        assert_eq!(
            top(TopKind::Passwords, None, 10).await,
            vec![
                row("pw", "", 6),
                row("123456", "", 4),
                row("admin", "", 2),
                row("admin\u{FFFD}", "", 1)
            ]
        );
        assert_eq!(
            top(TopKind::Pairs, None, 3).await,
            vec![
                row("late", "pw", 6),
                row("root", "123456", 4),
                row("admin", "admin", 1)
            ]
        );
        let commands = top(TopKind::Commands, None, 10).await;
        assert_eq!(commands[0], row("uname -a", "", 4), "lines are trimmed");
        assert_eq!(commands[1].value, "x".repeat(512), "capped at 512 bytes");
        assert_eq!(
            top(TopKind::SrcIps, None, 10).await,
            vec![row("203.0.113.1", "", 1), row("203.0.113.2", "", 1)]
        );
        assert_eq!(top(TopKind::Hassh, None, 10).await, vec![row("h1", "", 2)]);
        assert_eq!(
            top(TopKind::ClientVersions, None, 10).await,
            vec![row("SSH-2.0-Go", "", 2)]
        );
        assert_eq!(
            top(TopKind::DownloadUrls, None, 10).await,
            vec![row("http://x/u1", "", 2)]
        );
        assert!(
            top(TopKind::DownloadHashes, None, 10).await.is_empty(),
            "downloads carry no sha256 yet"
        );
        assert_eq!(
            top(TopKind::Techniques, None, 10).await,
            vec![row("T1105", "Ingress Tool Transfer", 2)]
        );
        assert_eq!(
            top(TopKind::Usernames, None, 100_000).await.len(),
            4,
            "a huge limit is capped"
        );
    }

    /// The threshold search over the all-time leaders gives what summing every hour of the
    /// window gives: windows whose leaders are the all-time ones, windows whose leaders are
    /// new (a burst in the last hours), and a window with nothing but the long tail, which
    /// the search cannot settle (a window of one-off values) and sums in full.
    pub async fn top_of_a_window_matches_a_full_count(db: &TestDb) {
        use std::collections::BTreeMap;
        let hours = 48i64;
        let mut events = Vec::new();
        let mut seen: Vec<(i64, String)> = Vec::new();
        let mut x = 12345u64;
        let mut next = || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            x >> 33
        };
        for h in 0..hours {
            let s = sess_from(h * HOUR_MS, "203.0.113.7");
            events.push(s.ev(h * HOUR_MS, start()));
            for i in 0..200 {
                // A skewed head (p00..p29, p00 most common) and, before the last hours, a
                // long tail of one-off values.
                let r = next() % 1000;
                let user = if h >= hours - 3 && i < 40 {
                    format!("burst{}", i % 7)
                } else if r < 700 {
                    format!("p{:02}", (r * r) / 16_400)
                } else if h < hours - 4 {
                    format!("tail{h:02}-{i:03}")
                } else {
                    format!("late{h:02}-{i:03}")
                };
                let at_ms = h * HOUR_MS + 1 + i;
                events.push(s.ev(at_ms, auth(&user, "pw", false)));
                seen.push((h, user));
            }
        }
        for chunk in events.chunks(1000) {
            db.store.insert_batch(chunk).await.unwrap();
        }
        let expect = |from: i64, limit: usize| {
            let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
            for (h, u) in &seen {
                if *h >= from {
                    *counts.entry(u.as_str()).or_default() += 1;
                }
            }
            let mut rows: Vec<TopRow> = counts.into_iter().map(|(u, c)| row(u, "", c)).collect();
            rows.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
            rows.truncate(limit);
            rows
        };
        let hour0 = hour_start_us();
        for (from, limit) in [
            (0, 10),
            (0, 40),
            (24, 10),
            (hours - 3, 10),
            (hours - 1, 5),
            (hours - 2, 400),
        ] {
            let since = hour0 + from * HOUR_MS * 1000;
            assert_eq!(
                db.store
                    .top(TopKind::Usernames, Some(since), limit)
                    .await
                    .unwrap(),
                expect(from, limit as usize),
                "window from hour {from}, top {limit}"
            );
        }
        assert_eq!(
            db.store.top(TopKind::Usernames, None, 25).await.unwrap(),
            expect(0, 25)
        );
        assert_eq!(
            db.store
                .top(TopKind::Usernames, Some(hour0 + hours * HOUR_MS * 1000), 10)
                .await
                .unwrap(),
            vec![]
        );
    }

    pub async fn campaigns_group_command_hashes_across_addresses(db: &TestDb) {
        let mut events = Vec::new();
        let mut by_hash: Vec<(&str, Vec<miragepot_event::SessionId>)> = Vec::new();
        let plan: [(&str, &[(i64, &str)]); 4] = [
            (
                "ha",
                &[(0, "192.0.2.1"), (100, "192.0.2.2"), (200, "192.0.2.2")],
            ),
            ("hb", &[(300, "192.0.2.3"), (400, "192.0.2.3")]),
            (
                "hc",
                &[
                    (1000, "192.0.2.4"),
                    (1100, "192.0.2.5"),
                    (1200, "192.0.2.6"),
                ],
            ),
            ("hd", &[(2000, "192.0.2.7"), (2100, "192.0.2.8")]),
        ];
        for (hash, sessions) in plan {
            let mut ids = Vec::new();
            for (ms, ip) in sessions {
                let s = sess_from(*ms, ip);
                events.push(s.ev(*ms, start()));
                // hd's sessions ran no command: their hash is no campaign key.
                let commands = if hash == "hd" { 0 } else { 1 };
                events.push(s.ev(ms + 1, summary(10, None, commands, Some(hash))));
                ids.push(s.id);
            }
            by_hash.push((hash, ids));
        }
        db.store.insert_batch(&events).await.unwrap();
        let got = db.store.campaigns(None, 10).await.unwrap();
        assert_eq!(
            got.iter()
                .map(|c| (c.command_hash.as_str(), c.sessions, c.ips))
                .collect::<Vec<_>>(),
            vec![("hc", 3, 3), ("ha", 3, 2)]
        );
        let ha = &got[1];
        assert_eq!((ha.first_us, ha.last_us), (us(0), us(200)));
        assert!(by_hash[0].1.contains(&ha.sample));
        assert!(by_hash[2].1.contains(&got[0].sample));
        // Since 150 ms, ha has one address left.
        let recent = db.store.campaigns(Some(us(150)), 10).await.unwrap();
        assert_eq!(
            recent
                .iter()
                .map(|c| c.command_hash.as_str())
                .collect::<Vec<_>>(),
            ["hc"]
        );
        assert_eq!(db.store.campaigns(None, 1).await.unwrap().len(), 1);
        // The campaign's sessions are one filter away.
        assert!(
            db.store
                .campaigns(Some(us(5000)), 10)
                .await
                .unwrap()
                .is_empty()
        );
    }

    pub async fn funnel_counts_each_step(db: &TestDb) {
        let s: Vec<Sess> = (0..6).map(|i| Sess::new(at(1000 + i))).collect();
        let old = Sess::new(at(0));
        let events = vec![
            s[0].ev(1000, start()),
            s[1].ev(1001, start()),
            s[1].ev(1010, auth("root", "x", false)),
            s[2].ev(1002, start()),
            s[2].ev(1010, auth("root", "x", true)),
            s[2].ev(1011, cmd("wget x")),
            s[2].ev(1012, download("http://x")),
            s[2].ev(1013, token()),
            s[2].ev(1014, stage("persistence")),
            s[3].ev(1003, start()),
            s[3].ev(1010, auth("root", "x", true)),
            s[3].ev(1011, cmd("id")),
            s[3].ev(1012, stage("discovery")),
            s[4].ev(1004, start()),
            s[4].ev(1010, auth("root", "x", true)),
            s[4].ev(1011, stage("execution")),
            s[5].ev(1005, start()),
            old.ev(0, start()),
            old.ev(1, auth("root", "x", true)),
            old.ev(2, cmd("id")),
            old.ev(3, download("http://x")),
            old.ev(4, token()),
            old.ev(5, stage("impact")),
        ];
        db.store.insert_batch(&events).await.unwrap();
        let f = db.store.funnel(Some(us(1000))).await.unwrap();
        assert_eq!(
            f,
            miragepot_store::Funnel {
                connected: 6,
                tried_login: 4,
                logged_in: 3,
                ran_commands: 2,
                downloaded: 1,
                touched_token: 1,
                persisted: 2,
            }
        );
        let all = db.store.funnel(None).await.unwrap();
        assert_eq!(
            (
                all.connected,
                all.logged_in,
                all.persisted,
                all.touched_token
            ),
            (7, 4, 3, 2)
        );
        assert_eq!(
            db.store.funnel(Some(us(99_999))).await.unwrap(),
            Default::default()
        );
    }
}
