//! Analyst passwords: argon2id hashes (PHC strings) in the store's `users` table, random
//! passwords for new accounts, and the first-start admin.
//!
//! Hashing costs tens of milliseconds of CPU on purpose; callers on the async runtime run it
//! with `spawn_blocking`. A check against a user that does not exist still hashes once, so
//! the answer time does not tell which usernames exist.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use miragepot_store::Store;

use crate::WebError;

/// The first analyst, created on the first start.
pub const ADMIN: &str = "admin";

/// Characters of generated passwords (no look-alikes: 0/O, 1/l/I).
const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A random password of 20 characters (about 117 bits).
pub fn random_password() -> String {
    (0..20)
        .map(|_| {
            let i = rand::random::<usize>() % ALPHABET.len();
            char::from(ALPHABET.get(i).copied().unwrap_or(b'x'))
        })
        .collect()
}

/// The argon2id PHC string of `password`, with a fresh random salt.
pub fn hash_password(password: &str) -> Result<String, WebError> {
    let salt_bytes: [u8; 16] = rand::random();
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| WebError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| WebError::Hash(e.to_string()))
}

/// Whether `password` matches `phc` (a malformed stored hash never matches).
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash that matches no password, checked when the user does not exist so a wrong
/// username costs the same time as a wrong password.
fn decoy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$7W8b7PZ5RkRj2mC9Kx0mJ6cYl4dAZ1G5m3N1p1qV0kM"
}

/// Checks `username`/`password` against the store (off the async threads).
pub async fn check_login(store: &Store, username: &str, password: &str) -> Result<bool, WebError> {
    let stored = store.user_hash(username).await?;
    let known = stored.is_some();
    let phc = stored.unwrap_or_else(|| decoy_hash().to_string());
    let password = password.to_string();
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &phc))
        .await
        .map_err(|e| WebError::Hash(e.to_string()))?;
    Ok(known && ok)
}

/// Creates the `admin` analyst with a random password when the store has no analyst yet,
/// returning the password (to print once); `None` when analysts exist.
pub async fn ensure_admin(store: &Store) -> Result<Option<String>, WebError> {
    if store.user_count().await? > 0 {
        return Ok(None);
    }
    let password = random_password();
    let phc = {
        let password = password.clone();
        tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|e| WebError::Hash(e.to_string()))??
    };
    store.put_user(ADMIN, &phc).await?;
    Ok(Some(password))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_then_verify() {
        let phc = hash_password("correct horse").unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &phc));
        assert!(!verify_password("correct horsE", &phc));
        assert!(!verify_password("x", "not a phc string"));
        assert!(!verify_password("", decoy_hash()));
    }

    #[test]
    fn random_passwords_differ_and_use_the_alphabet() {
        let a = random_password();
        let b = random_password();
        assert_eq!(a.len(), 20);
        assert_ne!(a, b);
        assert!(a.bytes().all(|c| ALPHABET.contains(&c)));
    }
}
