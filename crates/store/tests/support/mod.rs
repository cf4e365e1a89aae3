//! Test databases and event builders shared by the store test suite.
//!
//! [`TestDb::sqlite`] is a fresh file in a temp dir. [`TestDb::postgres`] is a fresh schema
//! (`mp_test_<uuid>`) in the database named by `MIRAGEPOT_TEST_POSTGRES_URL`; the store
//! connects with `options=-c search_path=<schema>`, so its tables (and sqlx's migration
//! table) live there, and parallel tests or reruns never see each other's rows. The schema
//! is dropped by [`TestDb::finish`].

/// Generates, in the calling test file, one `#[tokio::test]` per backend for each case in `cases`.
macro_rules! both_backends {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    let db = super::TestDb::sqlite().await;
                    super::cases::$case(&db).await;
                    db.finish().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $case() {
                    let Some(db) = super::TestDb::postgres().await else { return };
                    super::cases::$case(&db).await;
                    db.finish().await;
                }
            )*
        }
    };
}

use std::net::IpAddr;
use std::time::Duration;

use miragepot_event::{
    AuthMethod, EndReason, Event, EventId, EventKind, InputMode, Protocol, SessionId,
};
use miragepot_store::Store;
use sqlx::{AssertSqlSafe, Connection};
use time::OffsetDateTime;
use time::macros::datetime;

/// The env var naming the PostgreSQL test database.
pub const PG_ENV: &str = "MIRAGEPOT_TEST_POSTGRES_URL";

/// A store on a throwaway database.
pub struct TestDb {
    /// The open store.
    pub store: Store,
    /// The URL it was opened with (for reopening).
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, schema: String },
}

impl TestDb {
    /// A new SQLite file `events.db` in a new temp dir.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("events.db").display());
        let store = Store::open(&url).await.unwrap();
        TestDb {
            store,
            url,
            cleanup: Cleanup::Sqlite(dir),
        }
    }

    /// A new schema in the PostgreSQL test database, or `None` (with a notice) if
    /// `MIRAGEPOT_TEST_POSTGRES_URL` is unset.
    pub async fn postgres() -> Option<TestDb> {
        sqlx::any::install_default_drivers();
        let Ok(admin_url) = std::env::var(PG_ENV) else {
            eprintln!("MIRAGEPOT_TEST_POSTGRES_URL unset: skipping PostgreSQL store tests");
            return None;
        };
        let schema = format!("mp_test_{}", uuid::Uuid::now_v7().simple());
        admin(&admin_url, &format!("CREATE SCHEMA {schema}")).await;
        let sep = if admin_url.contains('?') { '&' } else { '?' };
        let url = format!("{admin_url}{sep}options=-c%20search_path%3D{schema}");
        let store = Store::open(&url).await.unwrap();
        Some(TestDb {
            store,
            url,
            cleanup: Cleanup::Postgres { admin_url, schema },
        })
    }

    /// Opens a second store on the same database.
    pub async fn reopen(&self) -> Store {
        Store::open(&self.url).await.unwrap()
    }

    /// Closes the store and removes the database (temp dir or schema).
    pub async fn finish(self) {
        self.store.close().await;
        match self.cleanup {
            Cleanup::Sqlite(dir) => drop(dir),
            Cleanup::Postgres { admin_url, schema } => {
                admin(&admin_url, &format!("DROP SCHEMA {schema} CASCADE")).await;
            }
        }
    }
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

/// A fixed base time with sub-microsecond digits (checks RFC 3339 round trips).
pub const T0: OffsetDateTime = datetime!(2024-05-01 12:00:00.123456789 UTC);

/// `T0 + ms`.
pub fn at(ms: i64) -> OffsetDateTime {
    T0 + Duration::from_millis(u64::try_from(ms).unwrap())
}

/// Builds events for one session from `192.0.2.7:40000` on sensor `s1`.
pub struct Sess {
    /// The session id.
    pub id: SessionId,
    /// The attacker's address.
    pub ip: IpAddr,
}

impl Sess {
    /// A new session whose id is stamped `ts`.
    pub fn new(ts: OffsetDateTime) -> Sess {
        Sess {
            id: SessionId::new_at(ts),
            ip: "192.0.2.7".parse().unwrap(),
        }
    }

    /// An event of this session at `T0 + ms`.
    pub fn ev(&self, ms: i64, kind: EventKind) -> Event {
        let ts = at(ms);
        Event {
            id: EventId::new_at(ts),
            ts,
            sensor: "s1".into(),
            session: self.id,
            src_ip: self.ip,
            src_port: 40000,
            caused_by: None,
            kind,
        }
    }
}

/// `session_start` over SSH.
pub fn start() -> EventKind {
    EventKind::SessionStart {
        protocol: Protocol::Ssh,
        dst_ip: "10.0.0.1".parse().unwrap(),
        dst_port: 22,
    }
}

/// `session_end`.
pub fn end(reason: EndReason) -> EventKind {
    EventKind::SessionEnd {
        reason,
        duration_ms: 1500,
    }
}

/// A password `auth_attempt`.
pub fn auth(user: &str, pass: &str, success: bool) -> EventKind {
    EventKind::AuthAttempt {
        method: AuthMethod::Password,
        username: user.into(),
        password: Some(pass.into()),
        key_fingerprint: None,
        success,
        rule: None,
    }
}

/// A `command_input`.
pub fn cmd(line: &str) -> EventKind {
    EventKind::CommandInput {
        input: line.into(),
        mode: InputMode::Interactive,
        threat_score: 0,
        threat_rules: Vec::new(),
    }
}

/// One sample of every kind, in `EventKind::TYPE_NAMES` order.
#[allow(unused_imports)]
pub use miragepot_event::samples::every_kind;
