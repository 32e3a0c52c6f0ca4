//! Who is asking, as the server establishes it: a person's web session (cookie), an invitation
//! (cookie, `Authorization: Bearer` or `?token=`), or a personal access token. The result is an
//! [`Actor`]; what it may do is `app::domain::policy`'s business, not this module's.

mod accounts;
pub mod secrets;
mod sso;
pub mod throttle;

use std::sync::Arc;

use app::domain::identity::{Actor, Guest, GuestScope, Person};
use chrono::Utc;

use crate::auth::{Signer, TokenError};
use crate::store::{Store, StoreError};
use throttle::Throttle;

pub use accounts::{SignInError, SignedIn};
pub use sso::{SingleSignOn, SsoError};

/// The person's web session.
pub const SESSION_COOKIE: &str = "sala_sesion";
/// The last invitation link opened in this browser (a guest has no account).
pub const INVITATION_COOKIE: &str = "sala_invitacion";
/// Personal access tokens start with this, so a bearer is told apart from an invitation.
pub const ACCESS_TOKEN_PREFIX: &str = "sala_pat_";
/// Setup and reset links stay valid this long.
pub const SETUP_LINK_SECS: i64 = 24 * 3600;
/// A web session's `last_seen_at` is written at most this often (not on every request).
const TOUCH_EVERY_SECS: i64 = 60;

#[derive(Clone)]
pub struct IdentityConfig {
    /// A web session unused this long ends.
    pub idle_secs: i64,
    /// A web session ends this long after sign-in, used or not.
    pub absolute_secs: i64,
    /// Served over https: cookies get `Secure` and responses HSTS.
    pub https: bool,
    /// `https://sala.example.org`: links Sala hands out start with it (else the request's host).
    pub public_url: Option<String>,
    /// Sign-in with the institutions' identity provider, when configured.
    pub sso: Option<SingleSignOn>,
}

impl Default for IdentityConfig {
    fn default() -> Self {
        Self {
            idle_secs: 12 * 3600,
            absolute_secs: 7 * 24 * 3600,
            https: false,
            public_url: None,
            sso: None,
        }
    }
}

/// What a request presented, before anything was checked.
#[derive(Debug, Default)]
pub struct Presented<'a> {
    pub session_cookie: Option<&'a str>,
    /// An explicit token (bearer or `?token=`) wins over the invitation cookie.
    pub token: Option<&'a str>,
    pub invitation_cookie: Option<&'a str>,
}

/// What the server established about a request.
#[derive(Debug, Clone, Default)]
pub struct Established {
    pub actor: Actor,
    /// The digest of the web session's cookie, to end it at sign-out.
    pub web_session: Option<String>,
    /// A token that was presented and refused (expired, revoked, forged): the request is
    /// anonymous, and a caller that needs it says why.
    pub refused_token: Option<TokenError>,
}

impl Established {
    /// The keys under which this request's sockets are found when its credential ends.
    pub fn socket_keys(&self) -> Vec<Arc<str>> {
        let mut keys: Vec<Arc<str>> = Vec::new();
        if let Some(person) = &self.actor.person {
            keys.push(account_key(person.account).into());
        }
        if let Some(hash) = &self.web_session {
            keys.push(web_session_key(hash).into());
        }
        if let Some(guest) = &self.actor.guest {
            keys.push(invitation_key(&guest.nonce).into());
        }
        keys
    }
}

pub fn account_key(account: i64) -> String {
    format!("cuenta:{account}")
}
pub fn web_session_key(hash: &str) -> String {
    format!("sesion-web:{hash}")
}
pub fn invitation_key(nonce: &str) -> String {
    format!("invitacion:{nonce}")
}

/// The identity service: cheap to clone.
#[derive(Clone)]
pub struct Identity {
    store: Store,
    signer: Signer,
    config: Arc<IdentityConfig>,
    throttle: Arc<Throttle>,
}

impl Identity {
    pub fn new(store: Store, signer: Signer, config: IdentityConfig) -> Self {
        Self {
            store,
            signer,
            config: Arc::new(config),
            throttle: Arc::new(Throttle::default()),
        }
    }

    pub fn config(&self) -> &IdentityConfig {
        &self.config
    }

    pub fn signer(&self) -> &Signer {
        &self.signer
    }

    /// Establishes who sent a request. Storage failures make the request anonymous (logged),
    /// rather than failing pages that need no one.
    pub async fn establish(&self, presented: Presented<'_>) -> Established {
        let now = Utc::now().timestamp();
        let mut established = Established::default();
        if let Some(cookie) = presented.session_cookie.filter(|c| !c.is_empty()) {
            match self.person_of_cookie(cookie, now).await {
                Ok(Some((person, hash))) => {
                    established.actor.person = Some(person);
                    established.web_session = Some(hash);
                }
                Ok(None) => {}
                Err(error) => tracing::error!(%error, "could not read a web session"),
            }
        }
        let token = presented
            .token
            .or(presented.invitation_cookie)
            .map(str::trim)
            .filter(|t| !t.is_empty());
        if let Some(token) = token {
            if let Some(secret) = token.strip_prefix(ACCESS_TOKEN_PREFIX) {
                match self.person_of_access_token(secret).await {
                    Ok(Some(person)) if established.actor.person.is_none() => {
                        established.actor.person = Some(person)
                    }
                    Ok(Some(_)) => {}
                    Ok(None) => established.refused_token = Some(TokenError::Revoked),
                    Err(error) => tracing::error!(%error, "could not read an access token"),
                }
            } else {
                match self.guest_of_token(token, now).await {
                    Ok(guest) => established.actor.guest = Some(guest),
                    Err(refused) => established.refused_token = Some(refused),
                }
            }
        }
        established
    }

    async fn person_of_cookie(
        &self,
        cookie: &str,
        now: i64,
    ) -> Result<Option<(Person, String)>, StoreError> {
        let hash = secrets::digest(cookie);
        let Some(session) = self.store.web_session(&hash).await? else {
            return Ok(None);
        };
        let idle = now - session.last_seen_at >= self.config.idle_secs;
        let old = now - session.created_at >= self.config.absolute_secs;
        if idle || old {
            self.store.end_web_session(&hash, now).await?;
            return Ok(None);
        }
        let stored = self.store.account(session.account_id).await?;
        if !stored.account.active {
            return Ok(None);
        }
        if now - session.last_seen_at >= TOUCH_EVERY_SECS {
            self.store.touch_web_session(&hash, now).await?;
        }
        Ok(Some((stored.account.person(), hash)))
    }

    /// An invitation's holder: signature, expiry, revocation, and the Mesa it speaks for.
    pub async fn guest_of_token(&self, token: &str, now: i64) -> Result<Guest, TokenError> {
        let claims = self.signer.verify(token, now)?;
        let stored = self
            .store
            .invitation(&claims.nonce, now)
            .await
            .map_err(|_| TokenError::Unavailable)?;
        if stored.as_ref().is_some_and(|invitation| invitation.revoked) {
            return Err(TokenError::Revoked);
        }
        let (mesa, scope) = match &claims.mesa {
            Some(mesa) => (mesa.clone(), GuestScope::Mesa),
            None => {
                let session = self
                    .store
                    .get_session(claims.session)
                    .await
                    .map_err(|_| TokenError::Malformed)?;
                (session.mesa_code, GuestScope::Session(claims.session))
            }
        };
        Ok(Guest {
            nonce: claims.nonce,
            mesa,
            scope,
            role: claims.role.board_role(),
            name: claims.name,
        })
    }

    /// `(name, value)` of the web-session cookie for a new session, and its digest.
    pub async fn start_web_session(&self, account: i64) -> Result<(String, String), StoreError> {
        let secret = secrets::new_secret();
        let hash = secrets::digest(&secret);
        self.store
            .create_web_session(&hash, account, Utc::now().timestamp())
            .await?;
        Ok((self.session_cookie(&secret), hash))
    }

    /// `Set-Cookie` for the web session: never readable by scripts, not sent by other sites'
    /// forms, `Secure` over https; it lasts as long as the absolute expiry.
    pub fn session_cookie(&self, secret: &str) -> String {
        self.cookie(SESSION_COOKIE, secret, self.config.absolute_secs)
    }

    /// `Set-Cookie` for an invitation opened in this browser, for as long as it is valid.
    pub fn invitation_cookie(&self, token: &str, max_age: i64) -> String {
        self.cookie(INVITATION_COOKIE, token, max_age.max(0))
    }

    /// `Set-Cookie` that removes `name`.
    pub fn clear_cookie(&self, name: &str) -> String {
        self.cookie(name, "", 0)
    }

    fn cookie(&self, name: &str, value: &str, max_age: i64) -> String {
        cookie::Cookie::build((name.to_owned(), value.to_owned()))
            .path("/")
            .http_only(true)
            .same_site(cookie::SameSite::Lax)
            .secure(self.config.https)
            .max_age(cookie::time::Duration::seconds(max_age))
            .build()
            .to_string()
    }
}

/// The value of cookie `name` in a `Cookie` request header.
pub fn cookie_value(header: &str, name: &str) -> Option<String> {
    cookie::Cookie::split_parse(header)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name)
        .map(|cookie| cookie.value_trimmed().to_owned())
}

impl Identity {
    /// `scheme://host` of links handed out (setup links, guest links, the projector's code): the
    /// configured public URL, else the address the browser used.
    pub fn origin_of(&self, headers: &axum::http::HeaderMap) -> String {
        if let Some(url) = &self.config.public_url {
            return url.trim_end_matches('/').to_owned();
        }
        let host = headers
            .get(axum::http::header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("127.0.0.1:3000");
        let scheme = if self.config.https { "https" } else { "http" };
        format!("{scheme}://{host}")
    }
}
