//! Passwords: argon2id hashing with the OWASP parameters, and the rules a new
//! password must meet.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::{AppError, FieldError};

/// Shortest password accepted, in characters.
pub const MIN_LENGTH: usize = 12;
/// Longest password accepted, in bytes (hashing cost must stay bounded).
pub const MAX_BYTES: usize = 1024;

/// Passwords people choose most often that are long enough to pass the length rule.
const COMMON: &str = include_str!("common-passwords.txt");

/// argon2id, m = 19 MiB, t = 2, p = 1 (the OWASP recommendation).
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("constant argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Why a new password is refused, if it is.
pub fn check_new_password(password: &str, email: &str) -> Result<(), FieldError> {
    let refuse = |message: &str| Err(FieldError::new("password", message));
    if password.chars().count() < MIN_LENGTH {
        return refuse("The password must have at least 12 characters.");
    }
    if password.len() > MAX_BYTES {
        return refuse("The password must be at most 1024 bytes long.");
    }
    let lowered = password.to_lowercase();
    if COMMON.lines().any(|common| common.trim() == lowered) {
        return refuse("This password is too common; choose another.");
    }
    if !email.is_empty() && lowered.contains(&email.to_lowercase()) {
        return refuse("The password must not contain your e-mail address.");
    }
    Ok(())
}

/// Hashes a password off the async workers (it takes tens of milliseconds on purpose).
pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::internal(format!("hashing: {e}")))
    })
    .await
    .map_err(|e| AppError::internal(format!("hashing task: {e}")))?
}

/// Checks a password against a stored hash off the async workers. With no stored hash
/// (unknown account, or an invited user with no password yet) a dummy hash is checked
/// instead, so the answer takes the same time either way.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.to_string());
        let parsed = PasswordHash::new(&stored).map_err(|e| AppError::internal(format!("stored hash: {e}")))?;
        let matches = argon2().verify_password(password.as_bytes(), &parsed).is_ok();
        Ok(known && matches)
    })
    .await
    .map_err(|e| AppError::internal(format!("hashing task: {e}")))?
}

/// A hash of a random password, made with the same parameters as real ones.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Jx4rJ3M3Y2l8H6CwqXoWuV0tJpP4u0r2dGq1lqYxq3M";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_common_and_email_passwords_are_refused() {
        assert!(check_new_password("short", "a@b.coop").is_err());
        assert!(check_new_password("password1234", "a@b.coop").is_err());
        assert!(check_new_password("my-a@b.coop-pass", "a@b.coop").is_err());
        assert!(check_new_password(&"x".repeat(MAX_BYTES + 1), "a@b.coop").is_err());
        assert!(check_new_password("correct horse battery", "a@b.coop").is_ok());
    }

    #[test]
    fn twelve_characters_count_as_characters_not_bytes() {
        assert!(check_new_password("ééééééééééé", "").is_err());
        assert!(check_new_password("éléphant-vert", "").is_ok());
    }

    #[tokio::test]
    async fn the_dummy_hash_costs_what_a_real_one_does() {
        // An unknown e-mail verifies against the dummy hash: same algorithm, version,
        // memory, passes, lanes and output length as a stored hash, so the same work.
        let real = hash("correct horse battery".into()).await.unwrap();
        let (real, dummy) = (
            PasswordHash::new(&real).unwrap(),
            PasswordHash::new(DUMMY_HASH).unwrap(),
        );
        assert_eq!(dummy.algorithm, real.algorithm);
        assert_eq!(dummy.version, real.version);
        assert_eq!(dummy.params, real.params);
        assert_eq!(dummy.hash.unwrap().len(), real.hash.unwrap().len());
        assert_eq!(dummy.salt.unwrap().len(), real.salt.unwrap().len());
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let hashed = hash("correct horse battery".into()).await.unwrap();
        assert!(hashed.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("correct horse battery".into(), Some(hashed.clone()))
            .await
            .unwrap());
        assert!(!verify("wrong horse battery".into(), Some(hashed)).await.unwrap());
        assert!(!verify("anything at all".into(), None).await.unwrap());
    }
}
