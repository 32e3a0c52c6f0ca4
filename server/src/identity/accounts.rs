//! Signing in and out, first-time and reset links, passwords and personal access tokens.

use app::domain::FieldErrors;
use app::domain::identity::{Account, NewAccount, Person, validate_new_password};
use chrono::Utc;

use super::secrets::{self, HashError};
use super::throttle::RetryAfter;
use super::{ACCESS_TOKEN_PREFIX, Identity, SETUP_LINK_SECS};
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Unknown e-mail or wrong password: the same answer for both.
    #[error("Correo o contraseña incorrectos.")]
    BadCredentials,
    #[error(
        "Demasiados intentos fallidos. Espere {} segundos e intente de nuevo.",
        .0.0
    )]
    Throttled(RetryAfter),
    #[error("Esta cuenta está desactivada: hable con la administración de Sala.")]
    Inactive,
    #[error("El enlace no es válido, ya se usó o venció: pida uno nuevo a la administración.")]
    LinkInvalid,
    #[error("La contraseña actual no es correcta.")]
    WrongCurrentPassword,
    #[error("Revise los datos: {0}")]
    Fields(FieldErrors),
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<FieldErrors> for SignInError {
    fn from(errors: FieldErrors) -> Self {
        Self::Fields(errors)
    }
}

/// A successful sign-in: the cookie to set, and who.
pub struct SignedIn {
    pub set_cookie: String,
    pub account: Account,
}

impl Identity {
    /// Checks an e-mail and password. `client` is the address the attempt came from (throttled
    /// with the account); a refusal while throttled does not even look at the password.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        client: &str,
    ) -> Result<SignedIn, SignInError> {
        let email = app::domain::identity::normalise_email(email);
        let account_key = format!("cuenta:{email}");
        let client_key = format!("cliente:{client}");
        let keys = [account_key.as_str(), client_key.as_str()];
        let now_ms = Utc::now().timestamp_millis();
        self.throttle
            .check(&keys, now_ms)
            .map_err(SignInError::Throttled)?;
        let stored = self.store.account_by_email(&email).await?;
        let matches = match stored.as_ref().and_then(|s| s.password_hash.as_deref()) {
            Some(hash) => secrets::verify_password(password, hash),
            None => {
                secrets::waste_a_verification(password);
                false
            }
        };
        let Some(stored) = stored.filter(|_| matches) else {
            self.throttle.record_failure(&keys, now_ms);
            return Err(SignInError::BadCredentials);
        };
        if !stored.account.active {
            return Err(SignInError::Inactive);
        }
        let (set_cookie, _) = self.start_web_session(stored.account.id).await?;
        Ok(SignedIn {
            set_cookie,
            account: stored.account,
        })
    }

    /// Ends a web session (its sockets are closed by the caller).
    pub async fn sign_out(&self, web_session: &str) -> Result<(), StoreError> {
        self.store
            .end_web_session(web_session, Utc::now().timestamp())
            .await
    }

    /// Creates an account (no password: its holder sets one from the setup link).
    pub async fn create_account(
        &self,
        account: &NewAccount,
        admin: bool,
    ) -> Result<Account, StoreError> {
        self.store.create_account(account, admin, Utc::now()).await
    }

    /// A one-time link that lets the account's holder choose a password (first time or reset):
    /// `/configurar?clave=…`, valid 24 h. Only its digest is stored.
    pub async fn setup_path(&self, account: i64) -> Result<String, StoreError> {
        let secret = secrets::new_secret();
        self.store
            .create_setup_link(
                &secrets::digest(&secret),
                account,
                Utc::now().timestamp() + SETUP_LINK_SECS,
            )
            .await?;
        Ok(format!("/configurar?clave={secret}"))
    }

    /// Who a setup link is for, while it is valid (the page greets them by name).
    pub async fn setup_link_account(&self, secret: &str) -> Result<Account, SignInError> {
        let id = self
            .store
            .setup_link_account(&secrets::digest(secret), Utc::now().timestamp())
            .await?
            .ok_or(SignInError::LinkInvalid)?;
        Ok(self.store.account(id).await?.account)
    }

    /// Sets the password from a setup link (using it up) and signs in.
    pub async fn complete_setup(
        &self,
        secret: &str,
        password: &str,
        repeated: &str,
    ) -> Result<SignedIn, SignInError> {
        validate_new_password(password, repeated)?;
        let id = self
            .store
            .use_setup_link(&secrets::digest(secret), Utc::now().timestamp())
            .await?
            .ok_or(SignInError::LinkInvalid)?;
        let account = self.store.account(id).await?.account;
        if !account.active {
            return Err(SignInError::Inactive);
        }
        self.store
            .set_password_hash(id, &secrets::hash_password(password)?)
            .await?;
        let (set_cookie, _) = self.start_web_session(id).await?;
        Ok(SignedIn {
            set_cookie,
            account,
        })
    }

    pub async fn change_password(
        &self,
        account: i64,
        current: &str,
        password: &str,
        repeated: &str,
    ) -> Result<(), SignInError> {
        let stored = self.store.account(account).await?;
        let current_ok = stored
            .password_hash
            .as_deref()
            .is_some_and(|hash| secrets::verify_password(current, hash));
        if !current_ok {
            return Err(SignInError::WrongCurrentPassword);
        }
        validate_new_password(password, repeated)?;
        self.store
            .set_password_hash(account, &secrets::hash_password(password)?)
            .await?;
        Ok(())
    }

    /// A new personal access token for `account`: returned once, stored as a digest.
    pub async fn mint_access_token(
        &self,
        account: i64,
        label: &str,
    ) -> Result<(i64, String), StoreError> {
        let token = format!("{ACCESS_TOKEN_PREFIX}{}", secrets::new_secret());
        let id = self
            .store
            .create_access_token(&secrets::digest(&token), account, label, Utc::now())
            .await?;
        Ok((id, token))
    }

    pub(super) async fn person_of_access_token(
        &self,
        secret: &str,
    ) -> Result<Option<Person>, StoreError> {
        let token = format!("{ACCESS_TOKEN_PREFIX}{secret}");
        let Some(id) = self
            .store
            .use_access_token(&secrets::digest(&token), Utc::now())
            .await?
        else {
            return Ok(None);
        };
        let stored = self.store.account(id).await?;
        Ok(stored.account.active.then(|| stored.account.person()))
    }
}
