//! The LLM response cache table (`llm_cache`, migration 3) on real databases: every case in
//! `cases` runs against a temp-file SQLite (module `sqlite`) and, when
//! `MIRAGEPOT_TEST_POSTGRES_URL` is set, against PostgreSQL in a schema of its own (module
//! `postgres`). Module `upgrade` checks that a database left at migration 2 by an older
//! build is migrated to 3 on open, keeping its rows.

// Test code: clippy.toml allows these in `#[test]` fns, and the helpers here are test code too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

// Shared with tests/store.rs, which uses the event builders this file does not.
#[allow(dead_code, unused_imports)]
#[macro_use]
mod support;

use support::TestDb;

both_backends!(
    answers_round_trip,
    put_replaces_the_row,
    list_is_most_recent_first_by_persona_with_limit,
    prefix_lookup_is_hex_only,
    touch_adds_hits_and_moves_last_used_forward,
    delete_and_count,
    cache_survives_reopening,
    corrupted_rows_are_skipped,
);

mod cases {
    use miragepot_store::{Backend, CacheRow};
    use time::OffsetDateTime;

    use crate::support::{TestDb, at};

    /// `T0 + ms`, truncated to the microseconds the table keeps.
    pub fn us(ms: i64) -> OffsetDateTime {
        let t = at(ms);
        t.replace_nanosecond(t.nanosecond() / 1000 * 1000).unwrap()
    }

    /// A 64-hex-digit key starting with `prefix` (padded with `0`).
    pub fn key(prefix: &str) -> String {
        format!("{prefix:0<64}")
    }

    /// A row for `key` in `persona`, created at `T0` and last used at `T0 + used_ms`.
    pub fn row(key: &str, persona: &str, used_ms: i64) -> CacheRow {
        CacheRow {
            key: key.to_owned(),
            persona: persona.to_owned(),
            kind: "command".to_owned(),
            request: "uname -a".to_owned(),
            cwd: "/root".to_owned(),
            answer: "Linux web01 5.15.0-91-generic #101-Ubuntu SMP x86_64 GNU/Linux\n".to_owned(),
            backend: "ollama".to_owned(),
            model: "qwen2.5:7b".to_owned(),
            created: us(0),
            last_used: us(used_ms),
            hits: 0,
        }
    }

    pub async fn answers_round_trip(db: &TestDb) {
        let unicode = CacheRow {
            answer: "ls: impossible d'accéder à 'тест': Aucun fichier 🙂\n日本語\t'\"; DROP TABLE llm_cache; --".into(),
            request: "ls тест".into(),
            cwd: "/home/пользователь".into(),
            hits: 7,
            ..row(&key("a1"), "debian-web", 5)
        };
        let multi_line = CacheRow {
            kind: "file".into(),
            request: "/etc/passwd".into(),
            answer: "root:x:0:0:root:/root:/bin/bash\r\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n\n\nlast line without newline".into(),
            ..row(&key("b2"), "debian-web", 6)
        };
        let big_answer: String = (0..8000u32)
            .map(|i| char::from(b'a' + u8::try_from(i % 26).unwrap()))
            .collect();
        assert_eq!(big_answer.len(), 8000);
        let big = CacheRow {
            answer: big_answer,
            hits: u64::try_from(i64::MAX).unwrap(),
            ..row(&key("c3"), "centos-db", 7)
        };
        let old = CacheRow {
            created: OffsetDateTime::UNIX_EPOCH,
            last_used: OffsetDateTime::UNIX_EPOCH,
            ..row(&key("d4"), "centos-db", 0)
        };
        for r in [&unicode, &multi_line, &big, &old] {
            db.store.put_llm_answer(r).await.unwrap();
        }
        for r in [&unicode, &multi_line, &big, &old] {
            assert_eq!(db.store.llm_answer(&r.key).await.unwrap().as_ref(), Some(r));
        }
        assert_eq!(db.store.llm_answer(&key("ff")).await.unwrap(), None);
        assert_eq!(db.store.llm_answer("").await.unwrap(), None);

        // Sub-microsecond digits are dropped, not rounded.
        let precise = CacheRow {
            created: at(1),
            last_used: at(2),
            ..row(&key("e5"), "p", 0)
        };
        db.store.put_llm_answer(&precise).await.unwrap();
        let back = db.store.llm_answer(&precise.key).await.unwrap().unwrap();
        assert_eq!((back.created, back.last_used), (us(1), us(2)));

        // NUL (not storable in PostgreSQL TEXT) becomes U+FFFD, on both backends alike.
        let nul = CacheRow {
            answer: "a\0b".into(),
            request: "printf '\\0'\0".into(),
            ..row(&key("f6"), "p", 0)
        };
        db.store.put_llm_answer(&nul).await.unwrap();
        let back = db.store.llm_answer(&nul.key).await.unwrap().unwrap();
        assert_eq!(back.answer, "a\u{FFFD}b");
        assert_eq!(back.request, "printf '\\0'\u{FFFD}");
        assert_eq!(db.store.skipped_rows(), 0);
    }

    pub async fn put_replaces_the_row(db: &TestDb) {
        let first = CacheRow {
            hits: 12,
            ..row(&key("aa"), "debian-web", 10)
        };
        db.store.put_llm_answer(&first).await.unwrap();
        let second = CacheRow {
            answer: "a different answer\n".into(),
            backend: "openai".into(),
            model: "gpt-4o-mini".into(),
            created: us(100),
            last_used: us(100),
            hits: 0,
            ..first.clone()
        };
        db.store.put_llm_answer(&second).await.unwrap();
        assert_eq!(
            db.store.llm_answer(&first.key).await.unwrap(),
            Some(second.clone())
        );
        assert_eq!(db.store.count_llm_answers().await.unwrap(), 1);
        // Every column is replaced, persona and request included.
        let moved = CacheRow {
            persona: "centos-db".into(),
            kind: "file".into(),
            request: "/etc/hostname".into(),
            cwd: "/".into(),
            hits: 3,
            ..second
        };
        db.store.put_llm_answer(&moved).await.unwrap();
        assert_eq!(
            db.store.llm_answers(None, 10).await.unwrap(),
            vec![moved.clone()]
        );
        assert!(
            db.store
                .llm_answers(Some("debian-web"), 10)
                .await
                .unwrap()
                .is_empty()
        );
    }

    pub async fn list_is_most_recent_first_by_persona_with_limit(db: &TestDb) {
        let rows = [
            row(&key("01"), "web", 30),
            row(&key("02"), "db", 50),
            row(&key("03"), "web", 10),
            row(&key("04"), "web", 40),
            row(&key("05"), "db", 20),
            row(&key("00"), "web", 40), // same last_used as 04: ties go by key
        ];
        // Inserted in an order unrelated to either.
        for i in [2, 5, 0, 4, 1, 3] {
            db.store.put_llm_answer(&rows[i]).await.unwrap();
        }
        let keys = |list: Vec<CacheRow>| list.into_iter().map(|r| r.key).collect::<Vec<_>>();
        let want = |idx: &[usize]| idx.iter().map(|&i| rows[i].key.clone()).collect::<Vec<_>>();

        assert_eq!(
            keys(db.store.llm_answers(None, 100).await.unwrap()),
            want(&[1, 5, 3, 0, 4, 2])
        );
        assert_eq!(
            keys(db.store.llm_answers(Some("web"), 100).await.unwrap()),
            want(&[5, 3, 0, 2])
        );
        assert_eq!(
            keys(db.store.llm_answers(Some("db"), 100).await.unwrap()),
            want(&[1, 4])
        );
        assert_eq!(
            keys(db.store.llm_answers(None, 2).await.unwrap()),
            want(&[1, 5])
        );
        assert_eq!(
            keys(db.store.llm_answers(Some("web"), 1).await.unwrap()),
            want(&[5])
        );
        assert!(db.store.llm_answers(None, 0).await.unwrap().is_empty());
        assert!(
            db.store
                .llm_answers(Some("nope"), 10)
                .await
                .unwrap()
                .is_empty()
        );
        // A persona is matched exactly, never as a pattern.
        assert!(
            db.store
                .llm_answers(Some("%"), 10)
                .await
                .unwrap()
                .is_empty()
        );
        // Full rows come back, not just keys.
        assert_eq!(
            db.store.llm_answers(Some("db"), 1).await.unwrap(),
            vec![rows[1].clone()]
        );
    }

    pub async fn prefix_lookup_is_hex_only(db: &TestDb) {
        let abc1 = row(&key("abc1"), "p", 1);
        let abc2 = row(&key("abc2"), "p", 2);
        let abd = row(&key("abd"), "p", 3);
        let other = row(&key("0bc"), "p", 4);
        for r in [&abd, &other, &abc2, &abc1] {
            db.store.put_llm_answer(r).await.unwrap();
        }
        let keys = |list: Vec<CacheRow>| list.into_iter().map(|r| r.key).collect::<Vec<_>>();
        let by = async |prefix: &str, limit: u32| {
            keys(db.store.llm_answers_by_prefix(prefix, limit).await.unwrap())
        };
        assert_eq!(
            by("ab", 10).await,
            vec![abc1.key.clone(), abc2.key.clone(), abd.key.clone()],
            "key order"
        );
        assert_eq!(
            by("abc", 10).await,
            vec![abc1.key.clone(), abc2.key.clone()]
        );
        assert_eq!(
            by("ABC", 10).await,
            vec![abc1.key.clone(), abc2.key.clone()]
        );
        assert_eq!(by("abc2", 10).await, vec![abc2.key.clone()]);
        assert_eq!(by(&abd.key, 10).await, vec![abd.key.clone()]);
        assert_eq!(by("ab", 1).await, vec![abc1.key.clone()]);
        assert_eq!(by("0", 10).await, vec![other.key.clone()]);
        assert!(by("ab", 0).await.is_empty());
        assert!(by("abe", 10).await.is_empty());
        assert!(
            by(&format!("{}0", abd.key), 10).await.is_empty(),
            "longer than any key"
        );
        // Not hex: LIKE wildcards (which would match as patterns), empty, spaces, quotes.
        for bad in [
            "%", "_", "ab%", "a_c", "a%", "%c", "", " ", "ab ", "g", "abc'", "ab\\", "ａｂ",
        ] {
            assert!(by(bad, 10).await.is_empty(), "prefix {bad:?} matched");
        }
        assert_eq!(db.store.skipped_rows(), 0);
    }

    pub async fn touch_adds_hits_and_moves_last_used_forward(db: &TestDb) {
        let a = row(&key("a"), "p", 10);
        let b = CacheRow {
            hits: 5,
            ..row(&key("b"), "p", 20)
        };
        db.store.put_llm_answer(&a).await.unwrap();
        db.store.put_llm_answer(&b).await.unwrap();
        db.store.touch_llm_answers(&[]).await.unwrap();

        db.store
            .touch_llm_answers(&[
                (a.key.clone(), 3, us(100)),
                (b.key.clone(), 1, us(50)),
                (key("dead"), 9, us(100)),  // deleted meanwhile: ignored
                (a.key.clone(), 2, us(90)), // the same key twice in one flush
            ])
            .await
            .unwrap();
        let got = db.store.llm_answer(&a.key).await.unwrap().unwrap();
        assert_eq!((got.hits, got.last_used), (5, us(100)));
        assert_eq!(got.created, a.created, "created is kept");
        assert_eq!(got.answer, a.answer);
        let got = db.store.llm_answer(&b.key).await.unwrap().unwrap();
        assert_eq!((got.hits, got.last_used), (6, us(50)));
        assert_eq!(db.store.count_llm_answers().await.unwrap(), 2);
        assert_eq!(
            db.store
                .llm_answers(None, 10)
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.key)
                .collect::<Vec<_>>(),
            vec![a.key.clone(), b.key.clone()]
        );

        // last_used never moves back; zero hits still moves it forward.
        db.store
            .touch_llm_answers(&[(a.key.clone(), 1, us(1)), (b.key.clone(), 0, us(200))])
            .await
            .unwrap();
        let got = db.store.llm_answer(&a.key).await.unwrap().unwrap();
        assert_eq!((got.hits, got.last_used), (6, us(100)));
        let got = db.store.llm_answer(&b.key).await.unwrap().unwrap();
        assert_eq!((got.hits, got.last_used), (6, us(200)));

        // Hit counts saturate instead of overflowing the BIGINT.
        let max = u64::try_from(i64::MAX).unwrap();
        db.store
            .touch_llm_answers(&[(a.key.clone(), u64::MAX, us(300))])
            .await
            .unwrap();
        db.store
            .touch_llm_answers(&[(a.key.clone(), 10, us(301))])
            .await
            .unwrap();
        let got = db.store.llm_answer(&a.key).await.unwrap().unwrap();
        assert_eq!((got.hits, got.last_used), (max, us(301)));
        assert_eq!(db.store.skipped_rows(), 0);
    }

    pub async fn delete_and_count(db: &TestDb) {
        assert_eq!(db.store.count_llm_answers().await.unwrap(), 0);
        assert!(!db.store.delete_llm_answer(&key("a")).await.unwrap());
        for (i, k) in ["a", "b", "c"].into_iter().enumerate() {
            db.store
                .put_llm_answer(&row(&key(k), "p", i64::try_from(i).unwrap()))
                .await
                .unwrap();
        }
        assert_eq!(db.store.count_llm_answers().await.unwrap(), 3);
        assert!(db.store.delete_llm_answer(&key("b")).await.unwrap());
        assert!(!db.store.delete_llm_answer(&key("b")).await.unwrap());
        assert!(
            !db.store.delete_llm_answer("b").await.unwrap(),
            "no prefix match"
        );
        assert!(!db.store.delete_llm_answer("%").await.unwrap());
        assert_eq!(db.store.count_llm_answers().await.unwrap(), 2);
        assert_eq!(db.store.llm_answer(&key("b")).await.unwrap(), None);
        assert!(db.store.llm_answer(&key("a")).await.unwrap().is_some());
    }

    pub async fn cache_survives_reopening(db: &TestDb) {
        let a = CacheRow {
            hits: 4,
            ..row(&key("5e"), "web", 10)
        };
        db.store.put_llm_answer(&a).await.unwrap();
        db.store
            .touch_llm_answers(&[(a.key.clone(), 1, us(20))])
            .await
            .unwrap();
        db.store.close().await;

        let again = db.reopen().await;
        let want = CacheRow {
            hits: 5,
            last_used: us(20),
            ..a
        };
        assert_eq!(
            again.llm_answer(&want.key).await.unwrap(),
            Some(want.clone())
        );
        assert_eq!(
            again.llm_answers(Some("web"), 10).await.unwrap(),
            vec![want]
        );
        assert_eq!(again.count_llm_answers().await.unwrap(), 1);
        again.close().await;
    }

    pub async fn corrupted_rows_are_skipped(db: &TestDb) {
        let good = row(&key("600d"), "p", 10);
        db.store.put_llm_answer(&good).await.unwrap();
        // Hand-edited rows: a time out of `OffsetDateTime`'s range either way, a negative
        // hit count.
        for (k, created, used, hits) in [
            (key("bad1"), i64::MAX, 0, 0),
            (key("bad2"), 0, i64::MIN, 0),
            (key("bad3"), 0, 5, -1),
        ] {
            raw_row(db, &k, created, used, hits).await;
        }
        assert_eq!(db.store.count_llm_answers().await.unwrap(), 4);
        assert_eq!(
            db.store.llm_answers(None, 10).await.unwrap(),
            vec![good.clone()]
        );
        assert_eq!(db.store.skipped_rows(), 3);
        assert_eq!(
            db.store.llm_answers(Some("p"), 10).await.unwrap(),
            vec![good.clone()]
        );
        assert_eq!(db.store.skipped_rows(), 6);
        assert_eq!(db.store.llm_answer(&key("bad1")).await.unwrap(), None);
        assert_eq!(db.store.skipped_rows(), 7);
        assert_eq!(
            db.store.llm_answers_by_prefix("ba", 10).await.unwrap(),
            vec![]
        );
        assert_eq!(db.store.skipped_rows(), 10);
        // A bad row can still be touched and deleted.
        db.store
            .touch_llm_answers(&[(key("bad3"), 1, us(20))])
            .await
            .unwrap();
        assert_eq!(
            db.store
                .llm_answer(&key("bad3"))
                .await
                .unwrap()
                .map(|r| r.hits),
            Some(0),
            "-1 + 1"
        );
        assert!(db.store.delete_llm_answer(&key("bad1")).await.unwrap());

        if db.store.backend() == Backend::Sqlite {
            // SQLite is loosely typed: text in a BIGINT column, a BLOB (not UTF-8) in a TEXT
            // column, a fractional hit count.
            for (k, set) in [
                ("bad4", "created_us = 'yesterday'"),
                ("bad5", "answer = X'FF00'"),
                ("bad7", "hits = 1.5"),
            ] {
                raw_row(db, &key(k), 0, 0, 0).await;
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "UPDATE llm_cache SET {set} WHERE key = $1"
                )))
                .bind(key(k))
                .execute(db.store.pool())
                .await
                .unwrap();
            }
            let before = db.store.skipped_rows();
            let all = db.store.llm_answers(None, 100).await.unwrap();
            let keys: Vec<_> = all.iter().map(|r| r.key.as_str()).collect();
            assert!(keys.contains(&good.key.as_str()), "{keys:?}");
            for k in ["bad4", "bad5", "bad7"] {
                assert!(!keys.contains(&key(k).as_str()), "{k} was not skipped");
            }
            assert_eq!(
                db.store.skipped_rows() - before,
                3 + 1,
                "bad2 is still there"
            );
        }
    }

    /// Inserts a cache row by hand, bypassing the store's encoding.
    async fn raw_row(db: &TestDb, key: &str, created_us: i64, last_used_us: i64, hits: i64) {
        sqlx::query(
            "INSERT INTO llm_cache (key, persona, kind, request, cwd, answer, backend, model, \
             created_us, last_used_us, hits) \
             VALUES ($1, 'p', 'command', 'id', '/', 'uid=0(root)', 'ollama', 'm', $2, $3, $4)",
        )
        .bind(key)
        .bind(created_us)
        .bind(last_used_us)
        .bind(hits)
        .execute(db.store.pool())
        .await
        .unwrap();
    }
}

/// A database created by a build that knew migrations 1 and 2 only.
mod upgrade {
    use miragepot_store::{Backend, BlockRow, Store};
    use sqlx::migrate::{Migration, MigrationType, Migrator};
    use sqlx::{AssertSqlSafe, Connection, SqlSafeStr};

    use crate::cases::{key, row, us};
    use crate::support::PG_ENV;

    /// Migrations 1 and 2 exactly as the store embeds them (same SQL, so same checksums).
    fn v2_migrator(backend: Backend) -> Migrator {
        let list: [(i64, &str, &'static str); 2] = match backend {
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

    /// Brings the empty database at `url` to migration 2, stores a block in it, then opens
    /// it with the store (which applies migration 3) and checks both tables.
    async fn v2_database_migrates_to_v3(url: &str, backend: Backend) {
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
        v2_migrator(backend).run(&mut conn).await.unwrap();
        let block = BlockRow {
            ip: "203.0.113.9".parse().unwrap(),
            source: "operator".into(),
            reason: "kept across the upgrade".into(),
            created: us(0),
            expires: None,
        };
        sqlx::query("INSERT INTO blocks (ip, source, reason, created_us) VALUES ($1, $2, $3, $4)")
            .bind(block.ip.to_string())
            .bind(block.source.clone())
            .bind(block.reason.clone())
            .bind((block.created.unix_timestamp_nanos() / 1000) as i64)
            .execute(&mut conn)
            .await
            .unwrap();
        assert!(
            sqlx::query("SELECT COUNT(*) FROM llm_cache")
                .fetch_one(&mut conn)
                .await
                .is_err(),
            "no llm_cache table at version 2"
        );
        conn.close().await.unwrap();

        let store = Store::open(url).await.unwrap();
        let versions: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations ORDER BY version")
                .fetch_all(store.pool())
                .await
                .unwrap();
        assert_eq!(
            versions,
            vec![1, 2, 3, 4, 5, 6, 7, 8],
            "3 to 8 applied on open"
        );
        assert_eq!(store.active_blocks(us(1)).await.unwrap(), vec![block]);
        assert_eq!(store.count_llm_answers().await.unwrap(), 0);
        let answer = row(&key("ab"), "p", 1);
        store.put_llm_answer(&answer).await.unwrap();
        assert_eq!(
            store.llm_answer(&answer.key).await.unwrap(),
            Some(answer.clone())
        );
        store.close().await;
        // Opening again applies nothing new.
        let again = Store::open(url).await.unwrap();
        assert_eq!(again.llm_answers(None, 10).await.unwrap(), vec![answer]);
        again.close().await;
    }

    #[tokio::test]
    async fn sqlite_v2_database_migrates_to_v3() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.db");
        std::fs::File::create(&path).unwrap();
        v2_database_migrates_to_v3(&format!("sqlite://{}", path.display()), Backend::Sqlite).await;
    }

    /// The same on a fresh PostgreSQL schema, made and dropped the way `TestDb` does it.
    #[tokio::test]
    async fn postgres_v2_database_migrates_to_v3() {
        sqlx::any::install_default_drivers();
        let Ok(admin_url) = std::env::var(PG_ENV) else {
            eprintln!("MIRAGEPOT_TEST_POSTGRES_URL unset: skipping PostgreSQL store tests");
            return;
        };
        let schema = format!("mp_test_{}", uuid::Uuid::now_v7().simple());
        admin(&admin_url, &format!("CREATE SCHEMA {schema}")).await;
        let sep = if admin_url.contains('?') { '&' } else { '?' };
        let url = format!("{admin_url}{sep}options=-c%20search_path%3D{schema}");
        v2_database_migrates_to_v3(&url, Backend::Postgres).await;
        admin(&admin_url, &format!("DROP SCHEMA {schema} CASCADE")).await;
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
