//! Invitations: signed tokens that say who may join which session's board, in which role, until
//! when. `base64url(json claims) "." base64url(HMAC-SHA256(secret, json claims))`; verification is
//! constant-time (`hmac`'s `verify_slice`) and happens at the HTTP upgrade, before any frame.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

const SECRET_FILE: &str = "secret.key";
const MIN_SECRET_BYTES: usize = 32;

/// What a person may do on a board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Coordina la reunión: la inicia y la cierra, marca el punto actual y decide los escalamientos.
    Coordinador,
    /// Escribe en el tablero y escala barreras.
    Participante,
    /// Solo lee: el proyector y quienes revisan.
    Observador,
}

impl Role {
    /// The same role as the pages and the policy name it.
    pub fn board_role(self) -> app::domain::board::BoardRole {
        use app::domain::board::BoardRole;
        match self {
            Role::Coordinador => BoardRole::Coordinador,
            Role::Participante => BoardRole::Participante,
            Role::Observador => BoardRole::Observador,
        }
    }

    pub fn allows(self, act: app::domain::policy::Act) -> bool {
        app::domain::policy::allows(self.board_role(), act)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Coordinador => "coordinador",
            Role::Participante => "participante",
            Role::Observador => "observador",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Session id (`/sync/{session}`).
    pub session: i64,
    pub role: Role,
    /// Expiry, seconds since the Unix epoch.
    pub exp: i64,
    /// Makes every invitation unique, so one can be told apart from another in logs.
    pub nonce: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A Mesa-wide invitation (session 0): its coordination decides the escalations the Mesa
    /// received from its page, between sessions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mesa: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("falta el token de invitación")]
    Missing,
    #[error("token de invitación mal formado")]
    Malformed,
    #[error("la firma del token no es válida")]
    BadSignature,
    #[error("la invitación venció")]
    Expired,
    #[error("la invitación fue revocada por la coordinación de la Mesa")]
    Revoked,
    #[error("no se pudo comprobar la invitación; intente de nuevo")]
    Unavailable,
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("SALA_SECRET debe tener al menos {MIN_SECRET_BYTES} caracteres")]
    TooShort,
    #[error(
        "el secreto en {path} es inválido (menos de {MIN_SECRET_BYTES} caracteres): corríjalo o bórrelo para generar uno nuevo (las invitaciones emitidas dejarán de valer)"
    )]
    Invalid { path: String },
    #[error("no se pudo leer o crear el secreto en {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// Signs and verifies invitations with the server's secret.
#[derive(Clone)]
pub struct Signer {
    key: Vec<u8>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(..)")
    }
}

impl Signer {
    pub fn new(key: impl Into<Vec<u8>>) -> Self {
        Self { key: key.into() }
    }

    /// The secret from `SALA_SECRET`, else from `<data_dir>/secret.key`, generated (32 random
    /// bytes, hex, mode 0600) on first start. The CLI and the server read the same file.
    pub fn load_or_create(data_dir: &Path, env_secret: Option<&str>) -> Result<Self, SecretError> {
        if let Some(secret) = env_secret.filter(|s| !s.is_empty()) {
            if secret.len() < MIN_SECRET_BYTES {
                return Err(SecretError::TooShort);
            }
            return Ok(Self::new(secret.as_bytes()));
        }
        let path = data_dir.join(SECRET_FILE);
        let io = |source| SecretError::Io {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read_to_string(&path) {
            Ok(existing) => return Self::from_file_contents(&existing, &path),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(io(error)),
        }
        std::fs::create_dir_all(data_dir).map_err(io)?;
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let secret = hex::encode(bytes);
        // Written whole to a private temporary file, then linked into place: another process
        // (the CLI beside the server) sees either no secret or the complete one. If it linked
        // first, both use its secret.
        let temporary = data_dir.join(format!(".{SECRET_FILE}.{}", new_nonce()));
        write_private(&temporary, &secret).map_err(io)?;
        let linked = std::fs::hard_link(&temporary, &path);
        let _ = std::fs::remove_file(&temporary);
        match linked {
            Ok(()) => Ok(Self::new(secret.into_bytes())),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                let existing = std::fs::read_to_string(&path).map_err(io)?;
                Self::from_file_contents(&existing, &path)
            }
            Err(error) => Err(io(error)),
        }
    }

    fn from_file_contents(contents: &str, path: &Path) -> Result<Self, SecretError> {
        let secret = contents.trim();
        if secret.len() < MIN_SECRET_BYTES {
            return Err(SecretError::Invalid {
                path: path.display().to_string(),
            });
        }
        Ok(Self::new(secret.as_bytes()))
    }

    fn mac(&self) -> HmacSha256 {
        HmacSha256::new_from_slice(&self.key).expect("HMAC accepts keys of any length")
    }

    pub fn sign(&self, claims: &Claims) -> String {
        let payload = serde_json::to_vec(claims).expect("claims serialise");
        let mut mac = self.mac();
        mac.update(&payload);
        let signature = mac.finalize().into_bytes();
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(&payload),
            URL_SAFE_NO_PAD.encode(signature)
        )
    }

    /// Checks the signature first (constant time), then the expiry against `now` (Unix seconds).
    pub fn verify(&self, token: &str, now: i64) -> Result<Claims, TokenError> {
        let token = token.trim();
        if token.is_empty() {
            return Err(TokenError::Missing);
        }
        let (payload, signature) = token.split_once('.').ok_or(TokenError::Malformed)?;
        let payload = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| TokenError::Malformed)?;
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| TokenError::Malformed)?;
        let mut mac = self.mac();
        mac.update(&payload);
        mac.verify_slice(&signature)
            .map_err(|_| TokenError::BadSignature)?;
        let claims: Claims = serde_json::from_slice(&payload).map_err(|_| TokenError::Malformed)?;
        if claims.exp <= now {
            return Err(TokenError::Expired);
        }
        Ok(claims)
    }
}

/// A fresh random nonce for a new invitation.
pub fn new_nonce() -> String {
    let mut bytes = [0u8; 12];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// `12h`, `30m`, `2d`, `45s` → seconds.
pub fn parse_ttl(input: &str) -> Result<i64, String> {
    let input = input.trim();
    let (digits, unit) = input.split_at(
        input
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(input.len()),
    );
    let amount: i64 = digits
        .parse()
        .map_err(|_| format!("duración no válida «{input}»: use p. ej. 12h, 30m, 2d"))?;
    let factor = match unit {
        "s" => 1,
        "m" => 60,
        "h" | "" => 3600,
        "d" => 86_400,
        _ => {
            return Err(format!(
                "unidad de duración desconocida «{unit}»: use s, m, h o d"
            ));
        }
    };
    if amount <= 0 {
        return Err("la duración debe ser positiva".into());
    }
    amount
        .checked_mul(factor)
        .ok_or_else(|| "duración demasiado larga".into())
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: i64) -> Claims {
        Claims {
            session: 7,
            role: Role::Participante,
            exp,
            nonce: new_nonce(),
            name: Some("Ana".into()),
            mesa: None,
        }
    }

    #[test]
    fn a_signed_token_verifies_until_it_expires() {
        let signer = Signer::new(b"0123456789abcdef0123456789abcdef".to_vec());
        let token = signer.sign(&claims(1_000));
        assert_eq!(signer.verify(&token, 999).unwrap().session, 7);
        assert_eq!(signer.verify(&token, 1_000), Err(TokenError::Expired));
    }

    #[test]
    fn tampering_and_foreign_secrets_are_refused() {
        let signer = Signer::new(b"0123456789abcdef0123456789abcdef".to_vec());
        let token = signer.sign(&claims(1_000));
        let other = Signer::new(b"fedcba9876543210fedcba9876543210".to_vec());
        assert_eq!(other.verify(&token, 0), Err(TokenError::BadSignature));

        let (_, signature) = token.split_once('.').unwrap();
        let mut forged = claims(1_000);
        forged.role = Role::Coordinador;
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&forged).unwrap());
        assert_eq!(
            signer.verify(&format!("{payload}.{signature}"), 0),
            Err(TokenError::BadSignature)
        );

        assert_eq!(signer.verify("", 0), Err(TokenError::Missing));
        assert_eq!(signer.verify("abc", 0), Err(TokenError::Malformed));
        assert_eq!(signer.verify("a.b.c", 0), Err(TokenError::Malformed));
    }

    #[test]
    fn the_secret_is_created_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = Signer::load_or_create(dir.path(), None).unwrap();
        let second = Signer::load_or_create(dir.path(), None).unwrap();
        let token = first.sign(&claims(10));
        assert!(second.verify(&token, 0).is_ok());
        assert!(matches!(
            Signer::load_or_create(dir.path(), Some("short")),
            Err(SecretError::TooShort)
        ));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(SECRET_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn ttl_units() {
        assert_eq!(parse_ttl("12h"), Ok(43_200));
        assert_eq!(parse_ttl("30m"), Ok(1_800));
        assert_eq!(parse_ttl("2d"), Ok(172_800));
        assert!(parse_ttl("0h").is_err());
        assert!(parse_ttl("12y").is_err());
        assert!(parse_ttl("mañana").is_err());
    }
}
