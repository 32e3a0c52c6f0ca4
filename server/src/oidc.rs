//! Sign-in with an institution's OpenID Connect provider: the authorization code flow with PKCE,
//! as a relying party with a client secret. No HTTP framework here: the caller keeps the
//! [`PendingSignIn`] between [`OidcClient::begin`] and [`OidcClient::finish`] (in the database,
//! hence serde) and decides what a [`VerifiedIdentity`] may do.
//!
//! What is checked, and where: `state` and the age of the pending sign-in here, before the code is
//! spent; PKCE by the provider at the token endpoint; the ID token's signature, issuer, audience,
//! expiry and nonce by `openidconnect`; `at_hash` here.

use std::error::Error as StdError;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreClientAuthMethod, CoreErrorResponseType,
    CoreProviderMetadata, CoreUserInfoClaims,
};
use openidconnect::url::Host;
use openidconnect::{
    AccessTokenHash, AuthType, AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret,
    CsrfToken, DiscoveryError, EndpointMaybeSet, EndpointNotSet, EndpointSet, HttpClientError,
    IssuerUrl, JsonWebKeySet, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, RequestTokenError, Scope, SignatureVerificationError, SigningError,
    StandardErrorResponse, TokenResponse, UserInfoError,
};
use serde::{Deserialize, Serialize};

/// How long a person has between being sent to the provider and coming back.
pub const SIGN_IN_TTL_SECS: i64 = 10 * 60;

/// What the provider and the operator agreed on when the client was registered.
#[derive(Clone)]
pub struct OidcConfig {
    /// Exactly as the provider publishes it in its discovery document (a trailing `/` counts:
    /// the ID token's `iss` must equal it byte for byte).
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// Sala's callback, as registered with the provider.
    pub redirect_url: String,
}

impl std::fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("redirect_url", &self.redirect_url)
            .finish_non_exhaustive()
    }
}

/// Who the provider says signed in, after every check passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedIdentity {
    pub issuer: String,
    /// Stable per issuer: `(issuer, subject)` is the key that identifies a person, not the e-mail.
    pub subject: String,
    pub email: Option<String>,
    /// `false` when the provider said nothing about it.
    pub email_verified: bool,
    pub name: Option<String>,
}

/// What must be kept server-side from [`OidcClient::begin`] until the callback, and used once:
/// delete it when the callback arrives, whatever [`OidcClient::finish`] answers.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingSignIn {
    state: String,
    nonce: String,
    pkce_verifier: String,
    /// Unix seconds.
    created_at: i64,
}

impl PendingSignIn {
    /// The `state` the provider will send back: the key to find this sign-in on the callback.
    pub fn state(&self) -> &str {
        &self.state
    }

    pub fn created_at(&self) -> i64 {
        self.created_at
    }

    /// Past [`SIGN_IN_TTL_SECS`] at `now` (Unix seconds): [`OidcClient::finish`] refuses it, and
    /// the caller may delete it.
    pub fn is_expired(&self, now: i64) -> bool {
        now.saturating_sub(self.created_at) > SIGN_IN_TTL_SECS
    }
}

impl std::fmt::Debug for PendingSignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingSignIn")
            .field("state", &self.state)
            .field("created_at", &self.created_at)
            .finish_non_exhaustive()
    }
}

type HttpError = HttpClientError<reqwest::Error>;
type TokenError = RequestTokenError<HttpError, StandardErrorResponse<CoreErrorResponseType>>;

#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("La configuración de OIDC no es válida ({setting}): {source}")]
    InvalidSetting {
        setting: &'static str,
        source: openidconnect::url::ParseError,
    },
    #[error("El emisor OIDC debe usar https (http solo se acepta en esta misma máquina): {issuer}")]
    InsecureIssuer { issuer: String },
    #[error("No se pudo preparar el cliente HTTP: {}", chain(.0))]
    HttpClient(#[source] reqwest::Error),
    #[error("El proveedor de identidad no respondió: {}", describe_http(.0))]
    Unreachable(#[source] HttpError),
    #[error("La configuración publicada por el proveedor de identidad no es válida: {}", chain(.0))]
    Discovery(#[source] DiscoveryError<HttpError>),
    #[error("El proveedor de identidad no admite el flujo de código: no publica token_endpoint.")]
    NoTokenEndpoint,
    #[error("La respuesta del proveedor no corresponde a este inicio de sesión (state).")]
    StateMismatch,
    #[error("El inicio de sesión tardó más de 10 minutos; vuelva a intentarlo.")]
    Expired,
    #[error("El proveedor de identidad rechazó el código de autorización: {0}")]
    CodeRefused(StandardErrorResponse<CoreErrorResponseType>),
    #[error("El proveedor de identidad respondió algo inesperado al canjear el código: {}", chain(.0))]
    TokenResponse(#[source] TokenError),
    #[error("El proveedor de identidad no entregó un ID token.")]
    NoIdToken,
    #[error("El ID token del proveedor de identidad no es válido: {}", chain(.0))]
    InvalidIdToken(#[source] ClaimsVerificationError),
    #[error("No se pudo comprobar el at_hash del ID token: {0}")]
    AccessTokenHash(#[source] SigningError),
    #[error("El ID token no corresponde al token de acceso entregado (at_hash).")]
    AccessTokenMismatch,
    #[error("El proveedor de identidad no entregó los datos de la persona: {}", chain(.0))]
    UserInfo(#[source] UserInfoError<HttpError>),
    #[error(
        "El proveedor de identidad no confirmó su correo electrónico, así que no se puede vincular a una cuenta."
    )]
    EmailNotConfirmed,
}

/// The client's type once discovery gave an authorization and a token endpoint (the UserInfo
/// endpoint is optional in the spec).
type DiscoveredClient = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
    EndpointMaybeSet,
>;

/// One per provider, built once at startup; cheap to share behind an `Arc`.
pub struct OidcClient {
    http: reqwest::Client,
    config: OidcConfig,
    redirect: RedirectUrl,
    metadata: CoreProviderMetadata,
    /// Swapped when the provider rotates its signing keys (see [`OidcClient::refresh_keys`]).
    client: RwLock<Arc<DiscoveredClient>>,
}

impl OidcClient {
    /// Reads the provider's discovery document and signing keys.
    pub async fn discover(config: OidcConfig) -> Result<Self, OidcError> {
        let issuer =
            IssuerUrl::new(config.issuer.clone()).map_err(|source| OidcError::InvalidSetting {
                setting: "issuer",
                source,
            })?;
        // The spec requires https; plain http is only tolerable when nothing leaves the machine
        // (development and the tests' provider).
        if issuer.url().scheme() != "https" && !is_loopback(issuer.url()) {
            return Err(OidcError::InsecureIssuer {
                issuer: config.issuer,
            });
        }
        let redirect = RedirectUrl::new(config.redirect_url.clone()).map_err(|source| {
            OidcError::InvalidSetting {
                setting: "redirect_url",
                source,
            }
        })?;
        let http = reqwest::Client::builder()
            // openidconnect's advice against SSRF: a provider (or whoever answers for it) must not
            // be able to bounce our requests to another host.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            // The person is waiting on the callback page.
            .timeout(Duration::from_secs(15))
            // Some providers sit behind firewalls that refuse requests without one.
            .user_agent(concat!("sala/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(OidcError::HttpClient)?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &http)
            .await
            .map_err(discovery_error)?;
        let client = build_client(&config, &redirect, metadata.clone())?;
        Ok(Self {
            http,
            config,
            redirect,
            metadata,
            client: RwLock::new(Arc::new(client)),
        })
    }

    /// URL to send the browser to, and what must be kept server-side until the callback.
    pub fn begin(&self) -> (String, PendingSignIn) {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = self
            .current()
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        let pending = PendingSignIn {
            state: state.into_secret(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.into_secret(),
            created_at: chrono::Utc::now().timestamp(),
        };
        (url.into(), pending)
    }

    /// Exchanges the code (checking state, PKCE verifier, nonce, ID-token signature/audience/expiry)
    /// and reads e-mail and name from the ID token, or from UserInfo where the ID token lacks them.
    pub async fn finish(
        &self,
        pending: PendingSignIn,
        code: &str,
        returned_state: &str,
    ) -> Result<VerifiedIdentity, OidcError> {
        // Both before the code is spent: a callback that belongs to another sign-in (login CSRF)
        // or a stale one must not reach the provider.
        if pending.state != returned_state {
            return Err(OidcError::StateMismatch);
        }
        if pending.is_expired(chrono::Utc::now().timestamp()) {
            return Err(OidcError::Expired);
        }
        let mut client = self.current();
        let token = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier))
            .request_async(&self.http)
            .await
            .map_err(token_error)?;
        let id_token = token.id_token().ok_or(OidcError::NoIdToken)?;
        let nonce = Nonce::new(pending.nonce);
        let first = id_token.claims(&client.id_token_verifier(), &nonce);
        let claims = match first {
            Err(ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            )) => {
                // The provider rotated its keys since discovery. The token came straight from
                // the token endpoint, not through the browser, so refetching cannot be triggered
                // by a forger.
                client = self.refresh_keys().await?;
                id_token.claims(&client.id_token_verifier(), &nonce)
            }
            other => other,
        }
        .map_err(OidcError::InvalidIdToken)?;

        if let Some(expected) = claims.access_token_hash() {
            let verifier = client.id_token_verifier();
            let signature =
                |e| OidcError::InvalidIdToken(ClaimsVerificationError::SignatureVerification(e));
            let alg = id_token.signing_alg().map_err(signature)?;
            let key = id_token.signing_key(&verifier).map_err(signature)?;
            let actual = AccessTokenHash::from_token(token.access_token(), alg, key)
                .map_err(OidcError::AccessTokenHash)?;
            if actual != *expected {
                return Err(OidcError::AccessTokenMismatch);
            }
        }

        let mut email = claims.email().map(|e| e.as_str().to_owned());
        let mut email_verified = claims.email_verified().unwrap_or(false);
        let mut name = claims
            .name()
            .and_then(|n| n.get(None).or_else(|| n.iter().next().map(|(_, v)| v)))
            .map(|n| n.as_str().to_owned());
        // In the code flow the spec sends scope claims to UserInfo, not necessarily in the ID
        // token: many providers put them in both, some (this certified one by default) only in
        // UserInfo.
        if email.is_none() || name.is_none() {
            // `expected_subject`: UserInfo about someone else would be a substitution attack.
            if let Ok(request) =
                client.user_info(token.access_token().clone(), Some(claims.subject().clone()))
            {
                let info: CoreUserInfoClaims =
                    request
                        .request_async(&self.http)
                        .await
                        .map_err(|e| match e {
                            UserInfoError::Request(e) => OidcError::Unreachable(e),
                            e => OidcError::UserInfo(e),
                        })?;
                if email.is_none() {
                    // The flag only means something next to the address it came with.
                    email = info.email().map(|e| e.as_str().to_owned());
                    email_verified = info.email_verified().unwrap_or(false);
                }
                if name.is_none() {
                    name = info
                        .name()
                        .and_then(|n| n.get(None).or_else(|| n.iter().next().map(|(_, v)| v)))
                        .map(|n| n.as_str().to_owned());
                }
            }
        }

        Ok(VerifiedIdentity {
            issuer: claims.issuer().as_str().to_owned(),
            subject: claims.subject().as_str().to_owned(),
            email,
            email_verified,
            name,
        })
    }

    fn current(&self) -> Arc<DiscoveredClient> {
        // A poisoned lock still holds a whole client: the swap is a single assignment.
        Arc::clone(&self.client.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// Refetches the signing keys from the discovered `jwks_uri` and swaps the client.
    async fn refresh_keys(&self) -> Result<Arc<DiscoveredClient>, OidcError> {
        let jwks = JsonWebKeySet::fetch_async(self.metadata.jwks_uri(), &self.http)
            .await
            .map_err(discovery_error)?;
        let client = Arc::new(build_client(
            &self.config,
            &self.redirect,
            self.metadata.clone().set_jwks(jwks),
        )?);
        *self.client.write().unwrap_or_else(|p| p.into_inner()) = Arc::clone(&client);
        Ok(client)
    }
}

/// The address to link an account by: only one the provider says it verified, lower-cased so
/// `Ana@Uni.edu.co` and `ana@uni.edu.co` are one person.
pub fn email_for_linking(identity: &VerifiedIdentity) -> Result<String, OidcError> {
    match identity.email.as_deref().map(str::trim) {
        Some(email) if identity.email_verified && !email.is_empty() => Ok(email.to_lowercase()),
        _ => Err(OidcError::EmailNotConfirmed),
    }
}

fn build_client(
    config: &OidcConfig,
    redirect: &RedirectUrl,
    metadata: CoreProviderMetadata,
) -> Result<DiscoveredClient, OidcError> {
    let token_url = metadata
        .token_endpoint()
        .cloned()
        .ok_or(OidcError::NoTokenEndpoint)?;
    // Basic is the spec's default; a provider that lists only `client_secret_post` gets that.
    let auth_type = match metadata.token_endpoint_auth_methods_supported() {
        Some(methods)
            if !methods.contains(&CoreClientAuthMethod::ClientSecretBasic)
                && methods.contains(&CoreClientAuthMethod::ClientSecretPost) =>
        {
            AuthType::RequestBody
        }
        _ => AuthType::BasicAuth,
    };
    Ok(CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(config.client_id.clone()),
        Some(ClientSecret::new(config.client_secret.clone())),
    )
    .set_token_uri(token_url)
    .set_redirect_uri(redirect.clone())
    .set_auth_type(auth_type))
}

fn is_loopback(url: &openidconnect::url::Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

fn discovery_error(error: DiscoveryError<HttpError>) -> OidcError {
    match error {
        DiscoveryError::Request(e) => OidcError::Unreachable(e),
        e => OidcError::Discovery(e),
    }
}

fn token_error(error: TokenError) -> OidcError {
    match error {
        RequestTokenError::Request(e) => OidcError::Unreachable(e),
        RequestTokenError::ServerResponse(e) => OidcError::CodeRefused(e),
        e => OidcError::TokenResponse(e),
    }
}

/// An error and its causes on one line: the top-level messages of these libraries ("Request
/// failed", "client error") say nothing without their sources.
fn chain(error: &(dyn StdError + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.ends_with(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

fn describe_http(error: &HttpError) -> String {
    match error {
        HttpClientError::Reqwest(e) => chain(e.as_ref()),
        e => chain(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(email: Option<&str>, email_verified: bool) -> VerifiedIdentity {
        VerifiedIdentity {
            issuer: "https://idp.uni.edu.co".into(),
            subject: "248289761001".into(),
            email: email.map(Into::into),
            email_verified,
            name: Some("Ana Pérez".into()),
        }
    }

    #[test]
    fn a_verified_email_links_lower_cased() {
        assert_eq!(
            email_for_linking(&identity(Some(" Ana.Perez@Uni.EDU.co "), true)).unwrap(),
            "ana.perez@uni.edu.co"
        );
    }

    #[test]
    fn an_unverified_missing_or_empty_email_does_not_link() {
        for (email, verified) in [
            (Some("ana@uni.edu.co"), false),
            (None, true),
            (None, false),
            (Some("  "), true),
        ] {
            let error = email_for_linking(&identity(email, verified)).unwrap_err();
            assert!(matches!(error, OidcError::EmailNotConfirmed), "{email:?}");
            assert!(error.to_string().contains("no confirmó su correo"));
        }
    }

    #[test]
    fn a_pending_sign_in_expires_after_ten_minutes() {
        let pending = PendingSignIn {
            state: "s".into(),
            nonce: "n".into(),
            pkce_verifier: "v".into(),
            created_at: 1_000,
        };
        assert!(!pending.is_expired(1_000 + SIGN_IN_TTL_SECS));
        assert!(pending.is_expired(1_000 + SIGN_IN_TTL_SECS + 1));
        assert!(!format!("{pending:?}").contains("pkce_verifier"));
    }

    /// Axum handlers need it.
    #[allow(dead_code)]
    fn finish_is_send(client: &OidcClient, pending: PendingSignIn) {
        fn send<T: Send>(_: T) {}
        send(client.finish(pending, "", ""));
    }

    #[test]
    fn only_loopback_issuers_may_use_plain_http() {
        for (url, loopback) in [
            ("http://127.0.0.1:8080", true),
            ("http://[::1]:8080", true),
            ("http://localhost", true),
            ("http://idp.uni.edu.co", false),
            ("http://10.0.0.1", false),
        ] {
            let url = openidconnect::url::Url::parse(url).unwrap();
            assert_eq!(is_loopback(&url), loopback, "{url}");
        }
    }
}
