//! The dashboard's analysts (`users`): a username and a password hash each.
//!
//! # Design
//! - The store keeps the hash as given (a PHC string made by the web crate) and never sees
//!   a password; verifying is the caller's business.
//! - A username is 1 to [`MAX_USERNAME_CHARS`] characters, without control characters or
//!   edge spaces; a hash is 1 to [`MAX_HASH_BYTES`] bytes of printable ASCII. Storing
//!   anything else is [`StoreError::InvalidUser`]. Lookups with a name that could never be
//!   stored (what a login form may send) simply find nothing, never an error.
//! - [`Store::list_users`] sorts in Rust (byte order), the same on both backends.

use sqlx::Row;
use time::OffsetDateTime;

use crate::dashboard::count;
use crate::write::micros;
use crate::{Store, StoreError};

/// The longest username, in characters.
pub const MAX_USERNAME_CHARS: usize = 64;
/// The longest password hash, in bytes.
pub const MAX_HASH_BYTES: usize = 1024;

const UPSERT: &str = "INSERT INTO users (username, password_hash, created_us) \
    VALUES ($1, $2, $3) ON CONFLICT (username) DO UPDATE SET \
    password_hash = excluded.password_hash";
const HASH: &str = "SELECT password_hash FROM users WHERE username = $1";
const DELETE: &str = "DELETE FROM users WHERE username = $1";
const LIST: &str = "SELECT username FROM users";
const COUNT: &str = "SELECT COUNT(*) AS n FROM users";

/// Why `username` cannot be stored, if it cannot.
fn username_problem(username: &str) -> Option<&'static str> {
    let chars = username.chars().count();
    if chars == 0 {
        Some("empty username")
    } else if chars > MAX_USERNAME_CHARS {
        Some("username longer than 64 characters")
    } else if username.chars().any(char::is_control) {
        Some("username holds a control character")
    } else if username.trim() != username {
        Some("username starts or ends with a space")
    } else {
        None
    }
}

impl Store {
    /// Stores analyst `username` with `password_hash`, replacing the hash of an existing
    /// one (which keeps its creation time).
    pub async fn put_user(&self, username: &str, password_hash: &str) -> Result<(), StoreError> {
        if let Some(reason) = username_problem(username) {
            return Err(StoreError::InvalidUser { reason });
        }
        if password_hash.is_empty()
            || password_hash.len() > MAX_HASH_BYTES
            || !password_hash.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(StoreError::InvalidUser {
                reason: "password hash is not 1 to 1024 printable ASCII characters",
            });
        }
        sqlx::query(UPSERT)
            .bind(username.to_owned())
            .bind(password_hash.to_owned())
            .bind(micros(OffsetDateTime::now_utc()))
            .execute(&self.pool)
            .await
            .map_err(StoreError::query("put_user"))?;
        Ok(())
    }

    /// The password hash of analyst `username`, if there is one.
    pub async fn user_hash(&self, username: &str) -> Result<Option<String>, StoreError> {
        if username_problem(username).is_some() {
            return Ok(None);
        }
        let row = sqlx::query(HASH)
            .bind(username.to_owned())
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::query("user_hash"))?;
        Ok(row.and_then(|r| r.try_get::<String, _>("password_hash").ok()))
    }

    /// Removes analyst `username`; returns whether there was one.
    pub async fn delete_user(&self, username: &str) -> Result<bool, StoreError> {
        if username_problem(username).is_some() {
            return Ok(false);
        }
        let done = sqlx::query(DELETE)
            .bind(username.to_owned())
            .execute(&self.pool)
            .await
            .map_err(StoreError::query("delete_user"))?;
        Ok(done.rows_affected() > 0)
    }

    /// Every analyst's username, sorted.
    pub async fn list_users(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(LIST)
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::query("list_users"))?;
        let mut names: Vec<String> = rows
            .iter()
            .filter_map(|r| r.try_get::<String, _>("username").ok())
            .collect();
        names.sort();
        Ok(names)
    }

    /// The number of analysts.
    pub async fn user_count(&self) -> Result<u64, StoreError> {
        let row = sqlx::query(COUNT)
            .fetch_one(&self.pool)
            .await
            .map_err(StoreError::query("user_count"))?;
        Ok(count(&row, "n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_checked() {
        assert_eq!(username_problem("admin"), None);
        assert_eq!(username_problem("Ana Lyst"), None);
        for bad in ["", " admin", "admin ", "a\0b", "a\nb", &"x".repeat(65)] {
            assert!(username_problem(bad).is_some(), "{bad:?}");
        }
    }
}
