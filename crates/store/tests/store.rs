//! The store test suite, on real databases: every case in `cases` runs against a temp-file
//! SQLite (module `sqlite`) and, when `MIRAGEPOT_TEST_POSTGRES_URL` is set, against
//! PostgreSQL in a schema of its own (module `postgres`). Backend-specific checks (file
//! mode, WAL) are in `sqlite_only`.

// Test code: clippy.toml allows these in `#[test]` fns, and the helpers here are test code too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[macro_use]
mod support;

use support::TestDb;

both_backends!(
    dollar_placeholders_bind_by_number,
    migrations_are_idempotent,
    every_kind_round_trips,
    duplicate_ids_are_ignored,
    session_row_is_derived,
    session_row_survives_out_of_order_batches,
    sessions_page_newest_first,
    writer_batches_and_flushes_on_close,
    writer_flushes_after_max_delay,
    writer_counts_a_lost_batch,
    corrupted_rows_are_skipped,
    blocks_replace_expire_and_purge,
    retention_purges_old_events_and_ended_sessions,
    refused_connections_make_no_session_row,
);

mod cases {
    use std::time::Duration;

    use miragepot_event::{EndReason, Event, EventKind};
    use miragepot_store::{Backend, Store, WriterStats, run_writer};
    use sqlx::Row;

    use crate::support::{Sess, TestDb, at, auth, cmd, end, every_kind, start};

    pub async fn dollar_placeholders_bind_by_number(db: &TestDb) {
        // `$2` before `$1`, and `$1` twice: SQLite must bind by number, not by position.
        let row = sqlx::query("SELECT $2 || $1 || $1 AS s")
            .bind("a")
            .bind("b")
            .fetch_one(db.store.pool())
            .await
            .unwrap();
        assert_eq!(row.get::<String, _>("s"), "baa");
    }

    pub async fn blocks_replace_expire_and_purge(db: &TestDb) {
        use miragepot_store::BlockRow;
        let now = at(1_000_000);
        // The table keeps microseconds.
        let us = |ms: i64| {
            let t = at(ms);
            t.replace_nanosecond(t.nanosecond() / 1000 * 1000).unwrap()
        };
        let row = |ip: &str, source: &str, expires: Option<i64>| BlockRow {
            ip: ip.parse().unwrap(),
            source: source.into(),
            reason: format!("{source} test"),
            created: us(0),
            expires: expires.map(us),
        };
        let forever = row("203.0.113.9", "operator", None);
        let lapsed = row("198.51.100.7", "strikes", Some(999_999));
        let v6 = row("2001:db8::1", "profile", Some(2_000_000));
        for b in [&forever, &lapsed, &v6] {
            db.store.put_block(b).await.unwrap();
        }
        assert_eq!(
            db.store.active_blocks(now).await.unwrap(),
            vec![v6.clone(), forever.clone()],
            "ordered by created_us, then ip"
        );
        // Blocking again replaces the row.
        let renewed = BlockRow {
            expires: Some(us(5_000_000)),
            reason: "again".into(),
            ..lapsed.clone()
        };
        db.store.put_block(&renewed).await.unwrap();
        assert_eq!(db.store.active_blocks(now).await.unwrap().len(), 3);
        assert!(db.store.delete_block(forever.ip).await.unwrap());
        assert!(!db.store.delete_block(forever.ip).await.unwrap());
        assert_eq!(
            db.store.purge_expired_blocks(at(2_000_000)).await.unwrap(),
            1,
            "the v6 block lapsed at 2,000,000"
        );
        assert_eq!(db.store.active_blocks(at(0)).await.unwrap(), vec![renewed]);
        // A hand-edited row that does not decode is skipped and counted.
        sqlx::query("INSERT INTO blocks (ip, source, reason, created_us) VALUES ('not-an-ip', 'operator', 'x', 0)")
            .execute(db.store.pool())
            .await
            .unwrap();
        assert_eq!(db.store.active_blocks(at(0)).await.unwrap().len(), 1);
        assert_eq!(db.store.skipped_rows(), 1);
    }

    pub async fn retention_purges_old_events_and_ended_sessions(db: &TestDb) {
        let old = Sess::new(at(0));
        let open = Sess::new(at(10));
        let new = Sess::new(at(1_000_000));
        db.store
            .insert_batch(&[
                old.ev(0, start()),
                old.ev(5, cmd("id")),
                old.ev(9, end(EndReason::ClientClosed)),
                open.ev(10, start()),
                new.ev(1_000_000, start()),
                new.ev(1_000_001, cmd("uname -a")),
            ])
            .await
            .unwrap();
        let (events, sessions) = db.store.purge_before(at(500_000)).await.unwrap();
        assert_eq!(
            (events, sessions),
            (4, 1),
            "the still-open session keeps its row"
        );
        assert_eq!(db.store.count_events().await.unwrap(), 2);
        assert!(db.store.session_events(old.id).await.unwrap().is_empty());
        assert_eq!(db.store.session_events(new.id).await.unwrap().len(), 2);
        let rows = db.store.sessions(10, 0).await.unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(db.store.purge_before(at(500_000)).await.unwrap(), (0, 0));
    }

    pub async fn refused_connections_make_no_session_row(db: &TestDb) {
        let refused = Sess::new(at(0));
        let kind = EventKind::ConnectionRefused(miragepot_event::ConnectionRefused {
            reason: miragepot_event::RefuseReason::Blocked,
            rule: "block:strikes".into(),
            suppressed: 3,
        });
        db.store.insert_batch(&[refused.ev(0, kind)]).await.unwrap();
        assert_eq!(
            db.store.count_events().await.unwrap(),
            1,
            "the event is kept"
        );
        assert!(db.store.sessions(10, 0).await.unwrap().is_empty());
    }

    pub async fn migrations_are_idempotent(db: &TestDb) {
        let s = Sess::new(at(0));
        db.store.insert_batch(&[s.ev(0, start())]).await.unwrap();
        let again = db.reopen().await;
        let third = db.reopen().await;
        assert_eq!(again.backend(), db.store.backend());
        assert_eq!(again.count_events().await.unwrap(), 1);
        assert_eq!(third.sessions(10, 0).await.unwrap().len(), 1);
        let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
            .fetch_one(again.pool())
            .await
            .unwrap();
        assert_eq!(
            applied, 8,
            "init, blocks, llm_cache, dashboard, json_text_parallel, analytics_speed, command_text, \
             tallies_clustered"
        );
        again.close().await;
        third.close().await;
    }

    pub async fn every_kind_round_trips(db: &TestDb) {
        let s = Sess::new(at(0));
        let mut events: Vec<Event> = every_kind()
            .into_iter()
            .zip(0..)
            .map(|(k, i)| s.ev(i * 10, k))
            .collect();
        events[4].caused_by = Some(events[3].id);
        db.store.insert_batch(&events).await.unwrap();

        assert_eq!(db.store.session_events(s.id).await.unwrap(), events);
        assert_eq!(db.store.count_events().await.unwrap(), events.len() as u64);
        for (ev, name) in events.iter().zip(EventKind::TYPE_NAMES) {
            assert_eq!(
                db.store.events_by_type(name, 10).await.unwrap(),
                vec![ev.clone()]
            );
        }
        assert!(
            db.store
                .events_by_type("no_such_type", 10)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(db.store.skipped_rows(), 0);
    }

    pub async fn duplicate_ids_are_ignored(db: &TestDb) {
        let s = Sess::new(at(0));
        let batch = vec![
            s.ev(0, start()),
            s.ev(1, auth("root", "x", false)),
            s.ev(2, cmd("id")),
        ];
        db.store.insert_batch(&batch).await.unwrap();
        db.store.insert_batch(&batch).await.unwrap(); // a retried batch
        let mut with_dup = vec![s.ev(3, cmd("w"))];
        with_dup.push(with_dup[0].clone()); // a duplicate inside one batch
        with_dup.push(batch[1].clone());
        db.store.insert_batch(&with_dup).await.unwrap();

        assert_eq!(db.store.count_events().await.unwrap(), 4);
        assert_eq!(db.store.session_events(s.id).await.unwrap().len(), 4);
        let rows = db.store.sessions(10, 0).await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].commands, rows[0].auth_attempts), (2, 1));
        db.store.insert_batch(&[]).await.unwrap();
    }

    pub async fn session_row_is_derived(db: &TestDb) {
        let s = Sess::new(at(0));
        let kinds = every_kind();
        let events = vec![
            s.ev(0, start()),
            s.ev(1, kinds[2].clone()), // client_version
            s.ev(2, kinds[3].clone()), // client_kex
            s.ev(3, auth("admin", "admin", false)),
            s.ev(4, kinds[4].clone()), // successful auth, password with NUL
            s.ev(5, auth("other", "late", true)),
            s.ev(6, cmd("id")),
            s.ev(7, cmd("uname -a")),
            s.ev(8, end(EndReason::ShellExit)),
        ];
        db.store.insert_batch(&events).await.unwrap();
        let rows = db.store.sessions(10, 0).await.unwrap();
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert_eq!(r.session, s.id);
        assert_eq!(
            (r.sensor.as_str(), r.src_ip, r.src_port),
            ("s1", s.ip, 40000)
        );
        assert_eq!(r.protocol.as_deref(), Some("ssh"));
        assert_eq!(r.started_at, at(0));
        assert_eq!(r.ended_at, Some(at(8)));
        assert_eq!(r.end_reason.as_deref(), Some("shell_exit"));
        assert_eq!(r.username.as_deref(), Some("root"));
        // NUL (not storable in PostgreSQL TEXT) becomes U+FFFD in the summary only...
        assert_eq!(
            r.password.as_deref(),
            Some("hunter2\u{FFFD}évil'; DROP TABLE events; --")
        );
        // ... the event keeps it exactly.
        assert_eq!(db.store.session_events(s.id).await.unwrap()[4], events[4]);
        assert!(r.login_success);
        assert_eq!(
            r.client_version.as_deref(),
            Some("SSH-2.0-OpenSSH_9.2p1 Debian-2")
        );
        assert_eq!(r.hassh.as_deref(), Some("ec7378c1a92f5a8dde7e8b7a1ddf33d1"));
        assert_eq!((r.commands, r.auth_attempts), (2, 3));
        // No detection events: the dashboard columns keep their defaults (tests/dashboard.rs
        // covers them).
        assert_eq!((r.risk_score, r.risk_band.as_deref()), (None, None));
        assert_eq!(
            (r.stage.as_deref(), r.command_hash.as_deref()),
            (None, None)
        );
        assert!(r.techniques.is_empty());
        assert_eq!((r.downloads, r.tokens), (0, 0));
    }

    pub async fn session_row_survives_out_of_order_batches(db: &TestDb) {
        // Session A: later events in one batch, its start (and handshake) in the next.
        let a = Sess::new(at(0));
        db.store
            .insert_batch(&[
                a.ev(50, cmd("id")),
                a.ev(40, auth("root", "toor", true)),
                a.ev(90, end(EndReason::ClientClosed)),
            ])
            .await
            .unwrap();
        let rows = db.store.sessions(10, 0).await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].protocol, None);
        assert_eq!(
            rows[0].started_at,
            at(40),
            "provisional start: earliest event"
        );
        assert_eq!(rows[0].ended_at, Some(at(90)));
        assert!(rows[0].login_success);

        db.store
            .insert_batch(&[
                a.ev(30, auth("root", "123456", false)),
                a.ev(0, start()),
                a.ev(10, every_kind()[2].clone()),
            ])
            .await
            .unwrap();
        let r = &db.store.sessions(10, 0).await.unwrap()[0];
        assert_eq!(r.protocol.as_deref(), Some("ssh"));
        assert_eq!(r.started_at, at(0));
        assert_eq!(r.ended_at, Some(at(90)));
        assert_eq!(r.end_reason.as_deref(), Some("client_closed"));
        assert_eq!(
            (r.username.as_deref(), r.password.as_deref()),
            (Some("root"), Some("toor"))
        );
        assert_eq!((r.commands, r.auth_attempts), (1, 2));
        assert!(r.client_version.is_some());
        let ts: Vec<_> = db
            .store
            .session_events(a.id)
            .await
            .unwrap()
            .iter()
            .map(|e| e.ts)
            .collect();
        assert_eq!(ts, vec![at(0), at(10), at(30), at(40), at(50), at(90)]);

        // Session B: one batch, fully reversed.
        let b = Sess::new(at(1000));
        let mut events = vec![
            b.ev(1000, start()),
            b.ev(1001, auth("pi", "raspberry", true)),
            b.ev(1002, cmd("ls")),
            b.ev(1003, end(EndReason::IdleTimeout)),
        ];
        events.reverse();
        db.store.insert_batch(&events).await.unwrap();
        let r = &db.store.sessions(1, 0).await.unwrap()[0];
        assert_eq!(r.session, b.id);
        assert_eq!((r.started_at, r.ended_at), (at(1000), Some(at(1003))));
        assert_eq!(r.username.as_deref(), Some("pi"));
        assert_eq!((r.commands, r.auth_attempts), (1, 1));
    }

    pub async fn sessions_page_newest_first(db: &TestDb) {
        let sessions: Vec<Sess> = (0..7).map(|i| Sess::new(at(i * 1000))).collect();
        // Insert in a scrambled order, one batch per session.
        for i in [3, 0, 6, 1, 5, 2, 4] {
            let s = &sessions[i];
            let t = i as i64 * 1000;
            db.store
                .insert_batch(&[s.ev(t, start()), s.ev(t + 1, cmd("id"))])
                .await
                .unwrap();
        }
        let mut paged = Vec::new();
        for offset in [0, 3, 6, 9] {
            let page = db.store.sessions(3, offset).await.unwrap();
            assert!(page.len() <= 3);
            paged.extend(page.into_iter().map(|r| r.session));
        }
        let newest_first: Vec<_> = sessions.iter().rev().map(|s| s.id).collect();
        assert_eq!(paged, newest_first);
        assert!(db.store.sessions(0, 0).await.unwrap().is_empty());
    }

    pub async fn writer_batches_and_flushes_on_close(db: &TestDb) {
        const N: usize = 10_000;
        let (tx, rx) = tokio::sync::mpsc::channel(256);
        let writer = tokio::spawn(run_writer(
            db.store.clone(),
            rx,
            500,
            Duration::from_secs(3600), // only size and close may flush
        ));
        let sessions: Vec<Sess> = (0..10).map(|i| Sess::new(at(i))).collect();
        for i in 0..N {
            let s = &sessions[i % sessions.len()];
            let kind = if i < sessions.len() {
                start()
            } else {
                cmd("x")
            };
            tx.send(s.ev(i as i64, kind)).await.unwrap();
        }
        drop(tx);
        let stats = writer.await.unwrap();
        assert_eq!(stats.written, N as u64);
        assert_eq!(stats.failed, 0);
        assert!(stats.batches >= (N / 500) as u64, "{stats:?}");
        assert_eq!(db.store.count_events().await.unwrap(), N as u64);
        let rows = db.store.sessions(100, 0).await.unwrap();
        assert_eq!(rows.len(), 10);
        assert_eq!(
            rows.iter().map(|r| r.commands).sum::<i64>(),
            (N - 10) as i64
        );
    }

    pub async fn writer_flushes_after_max_delay(db: &TestDb) {
        let (tx, rx) = tokio::sync::mpsc::channel(16);
        let writer = tokio::spawn(run_writer(
            db.store.clone(),
            rx,
            1000,
            Duration::from_millis(50),
        ));
        let s = Sess::new(at(0));
        for i in 0..3 {
            tx.send(s.ev(i, cmd("x"))).await.unwrap();
        }
        let mut waited = Duration::ZERO;
        while db.store.count_events().await.unwrap() < 3 {
            assert!(
                waited < Duration::from_secs(10),
                "writer did not flush on its timer"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
            waited += Duration::from_millis(20);
        }
        drop(tx);
        assert_eq!(
            writer.await.unwrap(),
            WriterStats {
                written: 3,
                batches: 1,
                failed: 0
            }
        );
    }

    pub async fn writer_counts_a_lost_batch(db: &TestDb) {
        let closed = db.reopen().await;
        closed.close().await; // every insert now fails
        let (tx, rx) = tokio::sync::mpsc::channel(16);
        let s = Sess::new(at(0));
        tx.send(s.ev(0, start())).await.unwrap();
        tx.send(s.ev(1, cmd("id"))).await.unwrap();
        drop(tx);
        let stats = run_writer(closed, rx, 10, Duration::from_millis(10)).await;
        assert_eq!(
            stats,
            WriterStats {
                written: 0,
                batches: 0,
                failed: 2
            }
        );
        assert_eq!(db.store.count_events().await.unwrap(), 0);
    }

    pub async fn corrupted_rows_are_skipped(db: &TestDb) {
        let s = Sess::new(at(0));
        let events = vec![s.ev(0, start()), s.ev(20, cmd("id"))];
        db.store.insert_batch(&events).await.unwrap();
        raw_event(&db.store, "bad-json", &s, 10, "command_input", "{not json").await;
        raw_event(
            &db.store,
            "wrong-shape",
            &s,
            11,
            "command_input",
            r#"{"type":"nope"}"#,
        )
        .await;

        assert_eq!(db.store.session_events(s.id).await.unwrap(), events);
        assert_eq!(db.store.skipped_rows(), 2);
        let by_type = db.store.events_by_type("command_input", 10).await.unwrap();
        assert_eq!(by_type, vec![events[1].clone()]);
        assert_eq!(db.store.skipped_rows(), 4);
        assert_eq!(db.store.count_events().await.unwrap(), 4);

        // A sessions row with an unparsable address and one with a bad time.
        sqlx::query(
            "INSERT INTO sessions (session, sensor, src_ip, src_port, started_at, started_us) \
             VALUES ($1, 's1', 'not-an-ip', 1, '2024-01-01T00:00:00Z', 1), \
                    ($2, 's1', '192.0.2.1', 1, 'yesterday', 2)",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(uuid::Uuid::now_v7().to_string())
        .execute(db.store.pool())
        .await
        .unwrap();
        let rows = db.store.sessions(10, 0).await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].session, s.id);
        assert_eq!(db.store.skipped_rows(), 6);
        if db.store.backend() == Backend::Sqlite {
            // SQLite is loosely typed: a BLOB in `data` is skipped too.
            sqlx::query("UPDATE events SET data = X'FF00' WHERE id = $1")
                .bind(events[0].id.to_string())
                .execute(db.store.pool())
                .await
                .unwrap();
            assert_eq!(
                db.store.session_events(s.id).await.unwrap(),
                vec![events[1].clone()]
            );
        }
    }

    /// Inserts an event row by hand, bypassing the store's encoding.
    async fn raw_event(store: &Store, id: &str, s: &Sess, ms: i64, ty: &str, data: &str) {
        sqlx::query(
            "INSERT INTO events (id, ts, ts_us, sensor, session, src_ip, src_port, type, data) \
             VALUES ($1, '2024-05-01T12:00:00Z', $2, 's1', $3, '192.0.2.7', 40000, $4, $5)",
        )
        .bind(id)
        .bind((at(ms).unix_timestamp_nanos() / 1000) as i64)
        .bind(s.id.to_string())
        .bind(ty)
        .bind(data)
        .execute(store.pool())
        .await
        .unwrap();
    }
}

mod sqlite_only {
    use miragepot_store::{Backend, Store};

    use crate::support::{Sess, at, start};

    #[cfg(unix)]
    #[tokio::test]
    async fn new_database_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/dir/events.db");
        let store = Store::open(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        assert_eq!(store.backend(), Backend::Sqlite);
        let s = Sess::new(at(0));
        store.insert_batch(&[s.ev(0, start())]).await.unwrap();
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode();
        assert_eq!(mode(&path) & 0o777, 0o600);
        let wal = dir.path().join("sub/dir/events.db-wal");
        assert_eq!(mode(&wal) & 0o077, 0, "WAL file readable by others");
        assert_eq!(mode(&dir.path().join("sub")) & 0o777, 0o700);
        store.close().await;
    }

    #[tokio::test]
    async fn connections_use_wal_and_normal_sync() {
        let db = crate::TestDb::sqlite().await;
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(db.store.pool())
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(db.store.pool())
            .await
            .unwrap();
        assert_eq!(sync, 1, "NORMAL");
        let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(db.store.pool())
            .await
            .unwrap();
        assert_eq!(fk, 1);
        db.finish().await;
    }

    #[tokio::test]
    async fn in_memory_store_works() {
        let store = Store::open("sqlite::memory:").await.unwrap();
        let s = Sess::new(at(0));
        store.insert_batch(&[s.ev(0, start())]).await.unwrap();
        assert_eq!(store.count_events().await.unwrap(), 1);
        store.close().await;
    }

    #[tokio::test]
    async fn unknown_scheme_is_an_error() {
        let err = Store::open("mysql://localhost/x").await.unwrap_err();
        assert!(err.to_string().contains("mysql"), "{err}");
    }
}
