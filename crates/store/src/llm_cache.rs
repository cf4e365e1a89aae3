//! The persistent LLM response cache: one `llm_cache` row per answer an LLM backend gave
//! for a command line or a file path, so a sensor restart (or another sensor on the same
//! PostgreSQL) does not pay for the same answer twice.
//!
//! # Design
//! - The key is computed by the caller (the SHA-256, lowercase hex, of its key material:
//!   persona, kind, request, cwd, ...); the store never interprets it, nor `kind`. The other
//!   columns are kept so an operator can see what a key stands for (`miragepot llm cache`).
//! - [`Store::put_llm_answer`] is an upsert on the key: a new answer replaces the whole row,
//!   hit count included (set to [`CacheRow::hits`]).
//! - The sensor serves hits from memory and flushes the counts now and then with
//!   [`Store::touch_llm_answers`], one transaction per flush. `last_used` never moves
//!   backwards and `hits` saturates at `i64::MAX` instead of overflowing.
//! - Times are unix microseconds (sub-microsecond digits are dropped on write).
//! - A row that fails to decode (a hand-edited time out of range, a negative hit count, a
//!   mistyped column on loosely typed SQLite) is skipped, logged and counted in
//!   [`Store::skipped_rows`], never a panic or a failed query.
//!
//! # Limits
//! - PostgreSQL `TEXT` cannot hold NUL, so NUL in any text column becomes U+FFFD on BOTH
//!   backends (the same answer reads back the same everywhere).
//! - [`Store::llm_answers_by_prefix`] compares `substr(key, ...)`: a full scan, fine for a
//!   cache of thousands of rows, which is what it is for.

use sqlx::Row;
use sqlx::any::AnyRow;
use time::OffsetDateTime;

use crate::write::micros;
use crate::{Store, StoreError};

/// One cached LLM answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheRow {
    /// SHA-256 (lowercase hex) of the key material, computed by the caller.
    pub key: String,
    /// The persona (fake host profile) the answer was generated for.
    pub persona: String,
    /// What was asked: `command` (a command line's output) or `file` (a file's content).
    pub kind: String,
    /// The normalised command line or the file path.
    pub request: String,
    /// The working directory the request was made in.
    pub cwd: String,
    /// The answer itself (terminal output or file content).
    pub answer: String,
    /// The LLM backend that produced it (`ollama`, `openai`, ...).
    pub backend: String,
    /// The model that produced it.
    pub model: String,
    /// When the answer was stored.
    pub created: OffsetDateTime,
    /// When it was last served.
    pub last_used: OffsetDateTime,
    /// How many times it was served from the cache.
    pub hits: u64,
}

/// The columns every `SELECT` reads, in [`CacheRow`] order (a macro, for `concat!`).
macro_rules! columns {
    () => {
        "key, persona, kind, request, cwd, answer, backend, model, created_us, last_used_us, hits"
    };
}

const UPSERT: &str = "INSERT INTO llm_cache (key, persona, kind, request, cwd, answer, \
    backend, model, created_us, last_used_us, hits) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
    ON CONFLICT (key) DO UPDATE SET persona = excluded.persona, kind = excluded.kind, \
    request = excluded.request, cwd = excluded.cwd, answer = excluded.answer, \
    backend = excluded.backend, model = excluded.model, created_us = excluded.created_us, \
    last_used_us = excluded.last_used_us, hits = excluded.hits";

/// Adds `$2` (>= 0) hits, saturating at `i64::MAX`, and moves `last_used_us` forward to `$3`.
const TOUCH: &str = "UPDATE llm_cache SET \
    hits = CASE WHEN hits > 9223372036854775807 - $2 THEN 9223372036854775807 \
        ELSE hits + $2 END, \
    last_used_us = CASE WHEN last_used_us > $3 THEN last_used_us ELSE $3 END \
    WHERE key = $1";

const DELETE: &str = "DELETE FROM llm_cache WHERE key = $1";
const COUNT: &str = "SELECT COUNT(*) FROM llm_cache";

const SELECT_BY_KEY: &str = concat!("SELECT ", columns!(), " FROM llm_cache WHERE key = $1");
const SELECT_RECENT: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM llm_cache ORDER BY last_used_us DESC, key ASC LIMIT $1"
);
const SELECT_RECENT_OF: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM llm_cache WHERE persona = $1 ORDER BY last_used_us DESC, key ASC LIMIT $2"
);
/// `$1` is a validated hex prefix: it is compared, never used as a pattern.
const SELECT_BY_PREFIX: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM llm_cache WHERE substr(key, 1, length($1)) = $1 ORDER BY key ASC LIMIT $2"
);

impl Store {
    /// Stores `row`, replacing any answer with the same key (every column, `hits` included:
    /// the stored count becomes `row.hits`).
    pub async fn put_llm_answer(&self, row: &CacheRow) -> Result<(), StoreError> {
        sqlx::query(UPSERT)
            .bind(clean(&row.key))
            .bind(clean(&row.persona))
            .bind(clean(&row.kind))
            .bind(clean(&row.request))
            .bind(clean(&row.cwd))
            .bind(clean(&row.answer))
            .bind(clean(&row.backend))
            .bind(clean(&row.model))
            .bind(micros(row.created))
            .bind(micros(row.last_used))
            .bind(count_to_db(row.hits))
            .execute(&self.pool)
            .await
            .map_err(StoreError::query("put_llm_answer"))?;
        Ok(())
    }

    /// The answer stored under `key`, if any (and if it decodes).
    pub async fn llm_answer(&self, key: &str) -> Result<Option<CacheRow>, StoreError> {
        const OP: &str = "llm_answer";
        let row = sqlx::query(SELECT_BY_KEY)
            .bind(key.to_owned())
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::query(OP))?;
        Ok(row.and_then(|row| self.decode_cache_row(OP, &row)))
    }

    /// Up to `limit` answers, most recently used first (ties by key), of one persona or of
    /// all: what the sensor loads at start to warm its in-memory cache, and what
    /// `miragepot llm cache list` shows.
    pub async fn llm_answers(
        &self,
        persona: Option<&str>,
        limit: u32,
    ) -> Result<Vec<CacheRow>, StoreError> {
        const OP: &str = "llm_answers";
        let query = match persona {
            Some(p) => sqlx::query(SELECT_RECENT_OF).bind(p.to_owned()),
            None => sqlx::query(SELECT_RECENT),
        };
        let rows = query
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::query(OP))?;
        Ok(self.decode_cache_rows(OP, &rows))
    }

    /// Up to `limit` answers whose key starts with `key_prefix`, in key order: for
    /// `miragepot llm cache show/delete` with a short key, as git takes short hashes.
    ///
    /// The prefix must be non-empty hexadecimal (case does not matter: it is lower-cased,
    /// as keys are lowercase hex); anything else (a LIKE wildcard `%` or `_`, a space, ...)
    /// matches nothing.
    pub async fn llm_answers_by_prefix(
        &self,
        key_prefix: &str,
        limit: u32,
    ) -> Result<Vec<CacheRow>, StoreError> {
        const OP: &str = "llm_answers_by_prefix";
        if key_prefix.is_empty() || !key_prefix.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(SELECT_BY_PREFIX)
            .bind(key_prefix.to_ascii_lowercase())
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::query(OP))?;
        Ok(self.decode_cache_rows(OP, &rows))
    }

    /// Records cache hits served from memory: for each `(key, n, last_used)`, adds `n` to
    /// the key's hit count (saturating) and moves its `last_used` forward to `last_used`
    /// (never back). All in ONE transaction: on error none is applied. Keys that are no
    /// longer stored (deleted meanwhile) are ignored.
    pub async fn touch_llm_answers(
        &self,
        hits: &[(String, u64, OffsetDateTime)],
    ) -> Result<(), StoreError> {
        const OP: &str = "touch_llm_answers";
        if hits.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await.map_err(StoreError::query(OP))?;
        for (key, n, last_used) in hits {
            sqlx::query(TOUCH)
                .bind(key.clone())
                .bind(count_to_db(*n))
                .bind(micros(*last_used))
                .execute(&mut *tx)
                .await
                .map_err(StoreError::query(OP))?;
        }
        tx.commit().await.map_err(StoreError::query(OP))
    }

    /// Removes the answer stored under `key`; returns whether there was one.
    pub async fn delete_llm_answer(&self, key: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(DELETE)
            .bind(key.to_owned())
            .execute(&self.pool)
            .await
            .map_err(StoreError::query("delete_llm_answer"))?;
        Ok(done.rows_affected() > 0)
    }

    /// The number of stored answers (rows that would not decode included).
    pub async fn count_llm_answers(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar(COUNT)
            .fetch_one(&self.pool)
            .await
            .map_err(StoreError::query("count_llm_answers"))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Decodes `rows`, skipping (and counting) those that do not decode.
    fn decode_cache_rows(&self, op: &'static str, rows: &[AnyRow]) -> Vec<CacheRow> {
        rows.iter()
            .filter_map(|row| self.decode_cache_row(op, row))
            .collect()
    }

    /// Decodes one row, or skips (and counts) it.
    fn decode_cache_row(&self, op: &'static str, row: &AnyRow) -> Option<CacheRow> {
        match cache_row(row) {
            Ok(r) => Some(r),
            Err(e) => {
                let key = get::<String>(row, "key").unwrap_or_else(|_| "?".to_owned());
                self.skip_row(op, &key, &e);
                None
            }
        }
    }
}

fn cache_row(row: &AnyRow) -> Result<CacheRow, String> {
    let hits = get::<i64>(row, "hits")?;
    Ok(CacheRow {
        key: get(row, "key")?,
        persona: get(row, "persona")?,
        kind: get(row, "kind")?,
        request: get(row, "request")?,
        cwd: get(row, "cwd")?,
        answer: get(row, "answer")?,
        backend: get(row, "backend")?,
        model: get(row, "model")?,
        created: time_col(row, "created_us")?,
        last_used: time_col(row, "last_used_us")?,
        hits: u64::try_from(hits).map_err(|e| format!("hits: {hits}: {e}"))?,
    })
}

/// A column, with the column name in the error.
fn get<'r, T>(row: &'r AnyRow, col: &'static str) -> Result<T, String>
where
    T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    row.try_get::<T, _>(col).map_err(|e| format!("{col}: {e}"))
}

/// A unix-microseconds column as a time.
fn time_col(row: &AnyRow, col: &'static str) -> Result<OffsetDateTime, String> {
    let us = get::<i64>(row, col)?;
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(us) * 1000)
        .map_err(|e| format!("{col}: {us}: {e}"))
}

/// A count as a `BIGINT`, saturating at `i64::MAX`.
fn count_to_db(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// PostgreSQL `TEXT` cannot hold NUL: it becomes U+FFFD (on both backends, for one result).
fn clean(s: &str) -> String {
    s.replace('\0', "\u{FFFD}")
}
