//! Keeping the dashboard's derived data right over time, on real databases (SQLite, and
//! PostgreSQL when `MIRAGEPOT_TEST_POSTGRES_URL` is set): retention of tags and tallies, the
//! one-time backfill job, and (module `upgrade`) a database left at migration 3 by an older
//! build, which gets its dashboard columns, tallies and command text on open.

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
    retention_purges_tags_and_tallies,
    backfill_rebuilds_what_it_derives,
);

mod cases {
    use miragepot_event::{EndReason, Event};
    use miragepot_store::{SessionFilter, Store, TopKind, TopRow};

    use crate::dash_support::*;
    use crate::support::{Sess, TestDb, at, auth, cmd, end, start};

    const HOUR_MS: i64 = 3_600_000;

    pub async fn retention_purges_tags_and_tallies(db: &TestDb) {
        let old = Sess::new(at(0));
        let new = Sess::new(at(2 * HOUR_MS));
        db.store
            .insert_batch(&[
                old.ev(0, start()),
                old.ev(1, auth("old", "x", false)),
                old.ev(2, end(EndReason::ClientClosed)),
                new.ev(2 * HOUR_MS, start()),
                new.ev(2 * HOUR_MS + 1, auth("new", "x", false)),
            ])
            .await
            .unwrap();
        db.store.add_tag(old.id, "gone").await.unwrap();
        db.store.add_tag(new.id, "kept").await.unwrap();
        let (events, sessions) = db.store.purge_before(at(2 * HOUR_MS)).await.unwrap();
        assert_eq!((events, sessions), (3, 1));
        assert_eq!(
            db.store.all_tags().await.unwrap(),
            vec![("kept".to_owned(), 1)]
        );
        assert_eq!(
            db.store.top(TopKind::Usernames, None, 10).await.unwrap(),
            vec![row("new", "", 1)],
            "the tallies of hours before the cutoff's hour are gone"
        );
    }

    /// A few sessions touching every derived column and tally kind.
    pub fn rich_events() -> Vec<Event> {
        let a = sess_from(0, "203.0.113.9");
        let b = sess_from(HOUR_MS, "2001:db8::1");
        vec![
            a.ev(0, start()),
            a.ev(1, version("SSH-2.0-Go")),
            a.ev(2, kex("h1")),
            a.ev(3, auth("root", "toor", true)),
            a.ev(4, cmd("wget http://x/y")),
            a.ev(5, download("http://x/y")),
            a.ev(6, technique("T1105", "Ingress Tool Transfer")),
            a.ev(7, stage("command_and_control")),
            a.ev(8, token()),
            a.ev(9, summary(70, Some("command_and_control"), 1, Some("h1"))),
            b.ev(HOUR_MS, start()),
            b.ev(HOUR_MS + 1, auth("admin", "admin", false)),
            b.ev(HOUR_MS + 2, technique("T1110.001", "Password Guessing")),
            b.ev(HOUR_MS + 3, summary(20, Some("credential_access"), 0, None)),
        ]
    }

    /// Everything the dashboard derives, read back.
    pub async fn snapshot(
        store: &Store,
    ) -> (Vec<miragepot_store::SessionRow>, Vec<Vec<TopRow>>, u64) {
        let rows = store
            .list_sessions(&SessionFilter::default(), 100, 0)
            .await
            .unwrap();
        let mut tops = Vec::new();
        for k in TopKind::all() {
            tops.push(store.top(k, None, 100).await.unwrap());
        }
        let f = SessionFilter {
            ip: Some("203.0.113.0/24".parse().unwrap()),
            ..SessionFilter::default()
        };
        (rows, tops, store.count_sessions(&f).await.unwrap())
    }

    pub async fn backfill_rebuilds_what_it_derives(db: &TestDb) {
        db.store.insert_batch(&rich_events()).await.unwrap();
        let before = snapshot(&db.store).await;
        assert_eq!(before.2, 1);
        assert!(
            before
                .0
                .iter()
                .any(|r| r.risk_score.is_some() && !r.techniques.is_empty())
        );
        // Back to how a pre-0004 database looks, with the job queued.
        for sql in [
            "UPDATE sessions SET ip_key = NULL, techniques = '', stage = NULL, downloads = 0, \
             tokens = 0, risk_score = NULL, risk_band = NULL, command_hash = NULL",
            "DELETE FROM tallies",
            "DELETE FROM tally_totals",
            "INSERT INTO store_jobs (name) VALUES ('dashboard_backfill')",
        ] {
            sqlx::query(sql).execute(db.store.pool()).await.unwrap();
        }
        assert_ne!(snapshot(&db.store).await, before);
        let reopened = db.reopen().await;
        assert_eq!(snapshot(&reopened).await, before);
        let jobs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM store_jobs")
            .fetch_one(reopened.pool())
            .await
            .unwrap();
        assert_eq!(jobs, 0);
        reopened.close().await;
        // Done once: opening again adds nothing.
        let again = db.reopen().await;
        assert_eq!(snapshot(&again).await, before);
        again.close().await;
    }
}

mod upgrade {
    use miragepot_store::{Backend, SessionFilter, Store, TopKind};
    use sqlx::migrate::{Migration, MigrationType, Migrator};
    use sqlx::{AssertSqlSafe, Connection, SqlSafeStr};

    use crate::cases::{rich_events as rich, snapshot as snap};
    use crate::support::{PG_ENV, TestDb};

    /// Migrations 1 to 3 exactly as the store embeds them (same SQL, so same checksums).
    fn v3_migrator(backend: Backend) -> Migrator {
        let list: [(i64, &str, &'static str); 3] = match backend {
            Backend::Sqlite => [
                (
                    1,
                    "init",
                    include_str!("../migrations/sqlite/0001_init.sql"),
                ),
                (
                    2,
                    "blocks",
                    include_str!("../migrations/sqlite/0002_blocks.sql"),
                ),
                (
                    3,
                    "llm_cache",
                    include_str!("../migrations/sqlite/0003_llm_cache.sql"),
                ),
            ],
            Backend::Postgres => [
                (
                    1,
                    "init",
                    include_str!("../migrations/postgres/0001_init.sql"),
                ),
                (
                    2,
                    "blocks",
                    include_str!("../migrations/postgres/0002_blocks.sql"),
                ),
                (
                    3,
                    "llm_cache",
                    include_str!("../migrations/postgres/0003_llm_cache.sql"),
                ),
            ],
        };
        Migrator::with_migrations(
            list.into_iter()
                .map(|(version, description, sql)| {
                    Migration::new(
                        version,
                        description.into(),
                        MigrationType::Simple,
                        sql.into_sql_str(),
                        false,
                    )
                })
                .collect(),
        )
    }

    /// Fills the v3 database at `url` with `rich()`'s events and the `sessions` rows a v3
    /// build derived from them (copied from a current store's rows), then opens it with the
    /// store and checks the dashboard sees what a current store derives.
    async fn v3_database_gets_backfilled(url: &str, backend: Backend, reference: &TestDb) {
        sqlx::any::install_default_drivers();
        reference.store.insert_batch(&rich()).await.unwrap();
        let want = snap(&reference.store).await;

        let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
        v3_migrator(backend).run(&mut conn).await.unwrap();
        #[allow(clippy::type_complexity)]
        let events: Vec<(
            String,
            String,
            i64,
            String,
            String,
            String,
            i32,
            String,
            String,
        )> = sqlx::query_as(
            "SELECT id, ts, ts_us, sensor, session, src_ip, src_port, type, data FROM events",
        )
        .fetch_all(reference.store.pool())
        .await
        .unwrap();
        for e in events {
            sqlx::query(
                "INSERT INTO events (id, ts, ts_us, sensor, session, src_ip, src_port, type, data) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(e.0)
            .bind(e.1)
            .bind(e.2)
            .bind(e.3)
            .bind(e.4)
            .bind(e.5)
            .bind(e.6)
            .bind(e.7)
            .bind(e.8)
            .execute(&mut conn)
            .await
            .unwrap();
        }
        let v3_columns = "session, sensor, src_ip, src_port, protocol, started_at, started_us, \
            ended_at, ended_us, end_reason, username, password, login_success, client_version, \
            hassh, commands, auth_attempts";
        let rows = sqlx::query(AssertSqlSafe(format!("SELECT {v3_columns} FROM sessions")))
            .fetch_all(reference.store.pool())
            .await
            .unwrap();
        for r in rows {
            use sqlx::Row;
            let mut q = sqlx::query(AssertSqlSafe(format!(
                "INSERT INTO sessions ({v3_columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
                 $10, $11, $12, $13, $14, $15, $16, $17)"
            )));
            q = q
                .bind(r.get::<String, _>(0))
                .bind(r.get::<String, _>(1))
                .bind(r.get::<String, _>(2));
            q = q
                .bind(r.get::<i32, _>(3))
                .bind(r.get::<Option<String>, _>(4))
                .bind(r.get::<String, _>(5));
            q = q
                .bind(r.get::<i64, _>(6))
                .bind(r.get::<Option<String>, _>(7))
                .bind(r.get::<Option<i64>, _>(8));
            q = q
                .bind(r.get::<Option<String>, _>(9))
                .bind(r.get::<Option<String>, _>(10));
            q = q
                .bind(r.get::<Option<String>, _>(11))
                .bind(r.get::<i32, _>(12));
            q = q
                .bind(r.get::<Option<String>, _>(13))
                .bind(r.get::<Option<String>, _>(14));
            q = q.bind(r.get::<i64, _>(15)).bind(r.get::<i64, _>(16));
            q.execute(&mut conn).await.unwrap();
        }
        conn.close().await.unwrap();

        let store = Store::open(url).await.unwrap();
        let versions: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations ORDER BY version")
                .fetch_all(store.pool())
                .await
                .unwrap();
        assert_eq!(versions, vec![1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(snap(&store).await, want);
        assert_eq!(
            store
                .top(TopKind::Techniques, None, 10)
                .await
                .unwrap()
                .len(),
            2
        );
        let f = SessionFilter {
            technique: Some("T1110".into()),
            ..SessionFilter::default()
        };
        assert_eq!(store.count_sessions(&f).await.unwrap(), 1);
        // Migration 7 filled the command text as the writer does.
        let texts = "SELECT session, command_text FROM sessions ORDER BY session";
        let got: Vec<(String, String)> =
            sqlx::query_as(texts).fetch_all(store.pool()).await.unwrap();
        let want: Vec<(String, String)> = sqlx::query_as(texts)
            .fetch_all(reference.store.pool())
            .await
            .unwrap();
        assert_eq!(got, want);
        assert!(got.iter().any(|(_, t)| t == "\nwget http://x/y"), "{got:?}");
        let f = SessionFilter {
            command: Some("WGET".into()),
            ..SessionFilter::default()
        };
        assert_eq!(store.count_sessions(&f).await.unwrap(), 1);
        store.close().await;
    }

    #[tokio::test]
    async fn sqlite_v3_database_is_backfilled() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        std::fs::File::create(&path).unwrap();
        let reference = TestDb::sqlite().await;
        v3_database_gets_backfilled(
            &format!("sqlite://{}", path.display()),
            Backend::Sqlite,
            &reference,
        )
        .await;
        reference.finish().await;
    }

    #[tokio::test]
    async fn postgres_v3_database_is_backfilled() {
        sqlx::any::install_default_drivers();
        let Ok(admin_url) = std::env::var(PG_ENV) else {
            eprintln!("MIRAGEPOT_TEST_POSTGRES_URL unset: skipping PostgreSQL store tests");
            return;
        };
        let Some(reference) = TestDb::postgres().await else {
            return;
        };
        let schema = format!("mp_test_{}", uuid::Uuid::now_v7().simple());
        admin(&admin_url, &format!("CREATE SCHEMA {schema}")).await;
        let sep = if admin_url.contains('?') { '&' } else { '?' };
        let url = format!("{admin_url}{sep}options=-c%20search_path%3D{schema}");
        v3_database_gets_backfilled(&url, Backend::Postgres, &reference).await;
        admin(&admin_url, &format!("DROP SCHEMA {schema} CASCADE")).await;
        reference.finish().await;
    }

    /// Runs one statement on its own connection to `url`.
    async fn admin(url: &str, sql: &str) {
        let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
        sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
    }
}
