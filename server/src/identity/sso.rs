//! Single sign-on: the provider is discovered on first use (an identity provider that is down
//! must not keep Sala from starting), and a verified identity signs in the Sala account it is
//! linked to, or, the first time, the account with the same verified e-mail.

use std::sync::Arc;

use tokio::sync::OnceCell;

use super::{Identity, SignedIn};
use crate::oidc::{OidcClient, OidcConfig, OidcError, VerifiedIdentity, email_for_linking};
use crate::store::StoreError;

/// The configured provider.
#[derive(Clone)]
pub struct SingleSignOn {
    config: OidcConfig,
    /// What the sign-in page's button says ("Entrar con la cuenta de la Subred").
    pub label: String,
    client: Arc<OnceCell<OidcClient>>,
}

/// Why a single sign-on did not sign anyone in (each has its own sentence on the sign-in page).
#[derive(Debug, thiserror::Error)]
pub enum SsoError {
    #[error(transparent)]
    Provider(#[from] OidcError),
    #[error(
        "No hay ninguna cuenta de Sala con el correo {0}: pida a la administración que la cree."
    )]
    NoAccount(String),
    #[error("Esta cuenta está desactivada: hable con la administración de Sala.")]
    Inactive,
    #[error("El inicio de sesión venció o ya se usó: intente de nuevo.")]
    UnknownState,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SsoError {
    /// The code the sign-in page turns into its sentence.
    pub fn code(&self) -> &'static str {
        match self {
            SsoError::Provider(OidcError::EmailNotConfirmed) => "correo-sin-verificar",
            SsoError::Provider(OidcError::Expired) | SsoError::UnknownState => "vencido",
            SsoError::Provider(_) | SsoError::Store(_) => "fallo",
            SsoError::NoAccount(_) => "sin-cuenta",
            SsoError::Inactive => "desactivada",
        }
    }
}

impl SingleSignOn {
    pub fn new(config: OidcConfig, label: String) -> Self {
        Self {
            config,
            label,
            client: Arc::new(OnceCell::new()),
        }
    }

    /// The provider's client, discovering it the first time (and again after a failure).
    pub async fn client(&self) -> Result<&OidcClient, OidcError> {
        self.client
            .get_or_try_init(|| OidcClient::discover(self.config.clone()))
            .await
    }
}

impl Identity {
    /// Signs in whoever the provider vouched for.
    pub async fn sign_in_verified(
        &self,
        verified: &VerifiedIdentity,
    ) -> Result<SignedIn, SsoError> {
        let subject = format!("{}|{}", verified.issuer, verified.subject);
        let stored = match self.store.account_by_subject(&subject).await? {
            Some(stored) => stored,
            None => {
                // First sign-in: link by e-mail, only when the provider confirmed it.
                let email = email_for_linking(verified)?;
                let stored = self
                    .store
                    .account_by_email(&email)
                    .await?
                    .ok_or(SsoError::NoAccount(email))?;
                self.store.link_subject(stored.account.id, &subject).await?;
                stored
            }
        };
        if !stored.account.active {
            return Err(SsoError::Inactive);
        }
        let (set_cookie, _) = self.start_web_session(stored.account.id).await?;
        Ok(SignedIn {
            set_cookie,
            account: stored.account,
        })
    }
}
