//! Random secrets handed to people (cookies, setup links, access tokens) and how they are kept:
//! only a SHA-256 of each is stored, so a copy of the database opens nothing. Passwords are
//! different: slow argon2id hashes, because people choose them.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// 32 random bytes, URL-safe.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database keeps of a secret.
pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[derive(Debug, thiserror::Error)]
#[error("no se pudo proteger la contraseña: {0}")]
pub struct HashError(String);

/// argon2id with the crate's defaults (19 MiB, 2 passes: OWASP's recommendation).
pub fn hash_password(password: &str) -> Result<String, HashError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| HashError(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// Whether `password` matches the stored hash; a hash that does not parse matches nothing.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// Spent on a sign-in for an unknown e-mail, so its answer takes as long as a wrong password's
/// and does not tell which e-mails have accounts.
pub fn waste_a_verification(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash_password("contraseña-que-nadie-usa").unwrap_or_default());
    let _ = verify_password(password, dummy);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_and_hashes_differ() {
        let first = hash_password("una clave larga").unwrap();
        let second = hash_password("una clave larga").unwrap();
        assert_ne!(first, second, "salted");
        assert!(first.starts_with("$argon2id$"));
        assert!(verify_password("una clave larga", &first));
        assert!(!verify_password("otra clave larga", &first));
        assert!(!verify_password("una clave larga", "no es un hash"));
    }

    #[test]
    fn secrets_are_random_and_digested() {
        let secret = new_secret();
        assert_eq!(secret.len(), 43);
        assert_ne!(secret, new_secret());
        assert_eq!(digest(&secret).len(), 64);
        assert_ne!(digest(&secret), secret);
    }
}
