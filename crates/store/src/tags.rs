//! Analysts' tags on sessions (`session_tags`): free-form labels such as `miner` or
//! `follow-up`, searchable with [`crate::SessionFilter::tag`].
//!
//! # Design
//! - A tag is trimmed, then must be 1 to [`MAX_TAG_CHARS`] characters with no control
//!   character; a session holds at most [`MAX_TAGS_PER_SESSION`]. Anything else is
//!   [`StoreError::InvalidTag`]. Tags are case-sensitive.
//! - Only a stored session can be tagged ([`StoreError::UnknownSession`]), so every tag row
//!   has its session; the retention job deletes the tags of the sessions it purges.
//! - The count check and the insert are ONE statement (`INSERT ... SELECT ... WHERE count <
//!   limit`), so concurrent adds cannot push a session past its limit by much (on
//!   PostgreSQL's read committed, two adds racing at the limit may both pass).
//! - Lists are sorted in Rust (byte order), the same on both backends whatever the
//!   database collation.

use std::collections::HashMap;

use miragepot_event::SessionId;
use sqlx::Row;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::dashboard::count;
use crate::write::{micros, placeholders};
use crate::{Store, StoreError};

/// The longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 64;
/// The most tags one session may hold.
pub const MAX_TAGS_PER_SESSION: usize = 32;
/// Sessions per `IN (...)` in [`Store::tags_for`].
const READ_CHUNK: usize = 500;

/// Inserts `($1, $2)` unless the session is unknown or full (`$4` tags) or has the tag.
const ADD: &str = "INSERT INTO session_tags (session, tag, created_us) \
    SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM sessions WHERE session = $1) \
    AND (SELECT COUNT(*) FROM session_tags WHERE session = $1) < $4 \
    ON CONFLICT (session, tag) DO NOTHING";
const HAS_TAG: &str = "SELECT COUNT(*) AS n FROM session_tags WHERE session = $1 AND tag = $2";
const HAS_SESSION: &str = "SELECT COUNT(*) AS n FROM sessions WHERE session = $1";
const REMOVE: &str = "DELETE FROM session_tags WHERE session = $1 AND tag = $2";
const TAGS_OF: &str = "SELECT tag FROM session_tags WHERE session = $1";
const ALL_TAGS: &str = "SELECT tag, COUNT(*) AS n FROM session_tags GROUP BY tag";

/// The tag as stored: trimmed and checked.
fn checked(tag: &str) -> Result<String, StoreError> {
    let tag = tag.trim();
    let chars = tag.chars().count();
    if chars == 0 {
        return Err(StoreError::InvalidTag { reason: "empty" });
    }
    if chars > MAX_TAG_CHARS {
        return Err(StoreError::InvalidTag {
            reason: "longer than 64 characters",
        });
    }
    if tag.chars().any(char::is_control) {
        return Err(StoreError::InvalidTag {
            reason: "holds a control character",
        });
    }
    Ok(tag.to_owned())
}

impl Store {
    /// Tags `session` with `tag` (trimmed); tagging twice is a no-op.
    ///
    /// Errors: [`StoreError::InvalidTag`] for an empty, over-long or unprintable tag or a
    /// session that already holds [`MAX_TAGS_PER_SESSION`] tags;
    /// [`StoreError::UnknownSession`] when the session is not stored.
    pub async fn add_tag(&self, session: SessionId, tag: &str) -> Result<(), StoreError> {
        const OP: &str = "add_tag";
        let tag = checked(tag)?;
        let id = session.to_string();
        let done = sqlx::query(ADD)
            .bind(id.clone())
            .bind(tag.clone())
            .bind(micros(OffsetDateTime::now_utc()))
            .bind(i64::try_from(MAX_TAGS_PER_SESSION).unwrap_or(i64::MAX))
            .execute(&self.pool)
            .await
            .map_err(StoreError::query(OP))?;
        if done.rows_affected() > 0 {
            return Ok(());
        }
        // Nothing inserted: already there, no such session, or full.
        let one = |sql: &'static str| sqlx::query(sql).bind(id.clone());
        let has_tag = one(HAS_TAG)
            .bind(tag)
            .fetch_one(&self.pool)
            .await
            .map_err(StoreError::query(OP))?;
        if count(&has_tag, "n") > 0 {
            return Ok(());
        }
        let has_session = one(HAS_SESSION)
            .fetch_one(&self.pool)
            .await
            .map_err(StoreError::query(OP))?;
        if count(&has_session, "n") == 0 {
            return Err(StoreError::UnknownSession { session });
        }
        Err(StoreError::InvalidTag {
            reason: "the session already has 32 tags",
        })
    }

    /// Removes `tag` (trimmed) from `session`; returns whether it was there.
    pub async fn remove_tag(&self, session: SessionId, tag: &str) -> Result<bool, StoreError> {
        let Ok(tag) = checked(tag) else {
            return Ok(false); // never stored
        };
        let done = sqlx::query(REMOVE)
            .bind(session.to_string())
            .bind(tag)
            .execute(&self.pool)
            .await
            .map_err(StoreError::query("remove_tag"))?;
        Ok(done.rows_affected() > 0)
    }

    /// The tags of `session`, sorted.
    pub async fn tags_of(&self, session: SessionId) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(TAGS_OF)
            .bind(session.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::query("tags_of"))?;
        let mut tags: Vec<String> = rows
            .iter()
            .filter_map(|r| r.try_get::<String, _>("tag").ok())
            .collect();
        tags.sort();
        Ok(tags)
    }

    /// The tags of each of `sessions` that has any, sorted (untagged sessions are absent
    /// from the map): for a page of the session list.
    pub async fn tags_for(
        &self,
        sessions: &[SessionId],
    ) -> Result<HashMap<SessionId, Vec<String>>, StoreError> {
        const OP: &str = "tags_for";
        let mut out: HashMap<SessionId, Vec<String>> = HashMap::new();
        for chunk in sessions.chunks(READ_CHUNK) {
            let sql = format!(
                "SELECT session, tag FROM session_tags WHERE session IN ({})",
                placeholders(chunk.len(), self.backend)
            );
            // Built from numbers only: no input reaches the SQL text.
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for s in chunk {
                q = q.bind(s.to_string());
            }
            let rows = q
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::query(OP))?;
            for row in &rows {
                let (Ok(session), Ok(tag)) = (
                    row.try_get::<String, _>("session"),
                    row.try_get::<String, _>("tag"),
                ) else {
                    continue;
                };
                if let Ok(uuid) = Uuid::parse_str(&session) {
                    out.entry(SessionId(uuid)).or_default().push(tag);
                }
            }
        }
        for tags in out.values_mut() {
            tags.sort();
        }
        Ok(out)
    }

    /// Every tag in use with the number of sessions holding it, sorted by tag.
    pub async fn all_tags(&self) -> Result<Vec<(String, u64)>, StoreError> {
        let rows = sqlx::query(ALL_TAGS)
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::query("all_tags"))?;
        let mut tags: Vec<(String, u64)> = rows
            .iter()
            .filter_map(|r| Some((r.try_get::<String, _>("tag").ok()?, count(r, "n"))))
            .collect();
        tags.sort();
        Ok(tags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_checked() {
        assert_eq!(checked("  miner ").unwrap(), "miner");
        assert_eq!(checked(&"é".repeat(64)).unwrap().chars().count(), 64);
        for bad in ["", "   ", "a\u{0}b", "tab\there", &"x".repeat(65)] {
            assert!(
                matches!(checked(bad), Err(StoreError::InvalidTag { .. })),
                "{bad:?}"
            );
        }
    }
}
