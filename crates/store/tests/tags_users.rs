//! Analysts' tags on sessions and the dashboard's analyst accounts, on real databases
//! (SQLite, and PostgreSQL when `MIRAGEPOT_TEST_POSTGRES_URL` is set): bounds, errors,
//! sorting, and the bulk reads the session list uses.

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

use support::TestDb;

both_backends!(
    tags_add_list_and_remove,
    tags_are_bounded,
    tags_for_reads_many_sessions,
    users_round_trip,
    invalid_users_are_refused_or_not_found,
);

mod cases {
    use miragepot_event::SessionId;
    use miragepot_store::{MAX_TAGS_PER_SESSION, StoreError};

    use crate::support::{Sess, TestDb, at, start};

    /// Stores `n` sessions (one `session_start` each) and returns their ids.
    async fn sessions(db: &TestDb, n: i64) -> Vec<SessionId> {
        let all: Vec<Sess> = (0..n).map(|i| Sess::new(at(i))).collect();
        let events: Vec<_> = all.iter().zip(0..).map(|(s, i)| s.ev(i, start())).collect();
        db.store.insert_batch(&events).await.unwrap();
        all.iter().map(|s| s.id).collect()
    }

    pub async fn tags_add_list_and_remove(db: &TestDb) {
        let ids = sessions(db, 3).await;
        let (a, b, c) = (ids[0], ids[1], ids[2]);
        db.store.add_tag(a, "  miner ").await.unwrap();
        db.store.add_tag(a, "miner").await.unwrap(); // again: a no-op
        db.store.add_tag(a, "Follow-up").await.unwrap();
        db.store.add_tag(b, "miner").await.unwrap();
        db.store.add_tag(b, "dé jà").await.unwrap();
        assert_eq!(db.store.tags_of(a).await.unwrap(), ["Follow-up", "miner"]);
        assert!(db.store.tags_of(c).await.unwrap().is_empty());
        assert_eq!(
            db.store.all_tags().await.unwrap(),
            vec![
                ("Follow-up".to_owned(), 1),
                ("dé jà".to_owned(), 1),
                ("miner".to_owned(), 2)
            ]
        );
        assert!(db.store.remove_tag(a, " miner").await.unwrap());
        assert!(!db.store.remove_tag(a, "miner").await.unwrap());
        assert!(!db.store.remove_tag(a, "").await.unwrap());
        assert!(!db.store.remove_tag(c, "miner").await.unwrap());
        assert_eq!(db.store.tags_of(a).await.unwrap(), ["Follow-up"]);
        let unknown = SessionId::new_at(at(99));
        let err = db.store.add_tag(unknown, "x").await.unwrap_err();
        assert!(
            matches!(err, StoreError::UnknownSession { session } if session == unknown),
            "{err}"
        );
    }

    pub async fn tags_are_bounded(db: &TestDb) {
        let s = sessions(db, 1).await[0];
        let long_ok = "é".repeat(64);
        db.store.add_tag(s, &long_ok).await.unwrap();
        for bad in ["", "   ", "bell\u{7}", "new\nline", &"x".repeat(65)] {
            let err = db.store.add_tag(s, bad).await.unwrap_err();
            assert!(
                matches!(err, StoreError::InvalidTag { .. }),
                "{bad:?}: {err}"
            );
        }
        for i in 1..MAX_TAGS_PER_SESSION {
            db.store.add_tag(s, &format!("t{i:02}")).await.unwrap();
        }
        assert_eq!(
            db.store.tags_of(s).await.unwrap().len(),
            MAX_TAGS_PER_SESSION
        );
        let err = db.store.add_tag(s, "one-too-many").await.unwrap_err();
        assert!(matches!(err, StoreError::InvalidTag { .. }), "{err}");
        // A tag it already has is still fine, and removing one makes room.
        db.store.add_tag(s, "t01").await.unwrap();
        assert!(db.store.remove_tag(s, "t01").await.unwrap());
        db.store.add_tag(s, "one-more").await.unwrap();
        assert_eq!(
            db.store.tags_of(s).await.unwrap().len(),
            MAX_TAGS_PER_SESSION
        );
        // Hostile text is a value, never SQL.
        assert!(
            db.store
                .remove_tag(s, "'; DELETE FROM session_tags; --")
                .await
                .is_ok()
        );
        assert_eq!(
            db.store.tags_of(s).await.unwrap().len(),
            MAX_TAGS_PER_SESSION
        );
    }

    pub async fn tags_for_reads_many_sessions(db: &TestDb) {
        let ids = sessions(db, 4).await;
        db.store.add_tag(ids[0], "b").await.unwrap();
        db.store.add_tag(ids[0], "a").await.unwrap();
        db.store.add_tag(ids[3], "c").await.unwrap();
        // More ids than one query takes, most of them unknown.
        let mut asked: Vec<SessionId> = (100..1300).map(|i| SessionId::new_at(at(i))).collect();
        asked.extend(&ids);
        let map = db.store.tags_for(&asked).await.unwrap();
        assert_eq!(map.len(), 2, "untagged sessions are absent");
        assert_eq!(map[&ids[0]], ["a", "b"]);
        assert_eq!(map[&ids[3]], ["c"]);
        assert!(db.store.tags_for(&[]).await.unwrap().is_empty());
    }

    pub async fn users_round_trip(db: &TestDb) {
        let hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";
        assert_eq!(db.store.user_count().await.unwrap(), 0);
        assert!(db.store.list_users().await.unwrap().is_empty());
        db.store.put_user("admin", hash).await.unwrap();
        assert_eq!(
            db.store.user_hash("admin").await.unwrap().as_deref(),
            Some(hash)
        );
        db.store.put_user("admin", "$argon2id$new").await.unwrap();
        assert_eq!(
            db.store.user_hash("admin").await.unwrap().as_deref(),
            Some("$argon2id$new")
        );
        db.store.put_user("Bob", hash).await.unwrap();
        db.store.put_user("ana lyst", hash).await.unwrap();
        assert_eq!(db.store.user_count().await.unwrap(), 3);
        assert_eq!(
            db.store.list_users().await.unwrap(),
            ["Bob", "admin", "ana lyst"]
        );
        assert_eq!(
            db.store.user_hash("bob").await.unwrap(),
            None,
            "case-sensitive"
        );
        assert!(db.store.delete_user("Bob").await.unwrap());
        assert!(!db.store.delete_user("Bob").await.unwrap());
        assert_eq!(db.store.user_count().await.unwrap(), 2);
    }

    pub async fn invalid_users_are_refused_or_not_found(db: &TestDb) {
        let hash = "$argon2id$v=19$x";
        for bad in [
            "",
            " admin",
            "admin ",
            "nul\0",
            "new\nline",
            &"u".repeat(65),
        ] {
            let err = db.store.put_user(bad, hash).await.unwrap_err();
            assert!(
                matches!(err, StoreError::InvalidUser { .. }),
                "{bad:?}: {err}"
            );
            // What a login form may send: not found, never an error.
            assert_eq!(db.store.user_hash(bad).await.unwrap(), None);
            assert!(!db.store.delete_user(bad).await.unwrap());
        }
        for bad in ["", "has space", "tab\t", &"h".repeat(1025)] {
            let err = db.store.put_user("admin", bad).await.unwrap_err();
            assert!(
                matches!(err, StoreError::InvalidUser { .. }),
                "{bad:?}: {err}"
            );
        }
        assert_eq!(db.store.user_count().await.unwrap(), 0);
        assert_eq!(db.store.user_hash("' OR '1'='1").await.unwrap(), None);
    }
}
