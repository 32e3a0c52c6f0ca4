//! Server functions for people: signing in and out, setup links, one's own account, the
//! administration of people and roles, guest links and the audit log.

use leptos::prelude::*;

use crate::domain::identity::{Account, AuditEntry, AuditQuery, Invitation};
#[cfg(feature = "ssr")]
use crate::domain::identity::{AccountRequest, MesaRole};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::{accounts, request_context, set_cookie};

#[cfg(feature = "ssr")]
use super::respond;

/// Signs in and sends the browser on to `next` (a path of this site) or the home page.
#[server(endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    #[server(default)] next: String,
) -> Result<(), AppError> {
    let cookie = respond(
        accounts()?
            .sign_in(&request_context(), email, password)
            .await,
    )?;
    set_cookie(&cookie);
    leptos_axum::redirect(&crate::domain::identity::safe_next_path(&next));
    Ok(())
}

/// The signed-in person's name, if anyone is signed in.
#[server(endpoint = "whoami")]
pub async fn fetch_whoami() -> Result<Option<String>, AppError> {
    Ok(request_context().actor.person.map(|person| person.name))
}

/// The single sign-on button's text, if Sala has an identity provider.
#[server(endpoint = "single_sign_on")]
pub async fn fetch_single_sign_on() -> Result<Option<String>, AppError> {
    Ok(accounts()?.single_sign_on().await)
}

#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    for cookie in respond(accounts()?.sign_out(&request_context()).await)? {
        set_cookie(&cookie);
    }
    leptos_axum::redirect("/entrar?salida=1");
    Ok(())
}

#[server(endpoint = "setup_link_owner")]
pub async fn fetch_setup_link_owner(secret: String) -> Result<String, AppError> {
    respond(accounts()?.setup_link_owner(secret).await)
}

#[server(endpoint = "complete_setup")]
pub async fn complete_setup(
    secret: String,
    password: String,
    repeat: String,
) -> Result<(), AppError> {
    let cookie = respond(accounts()?.complete_setup(secret, password, repeat).await)?;
    set_cookie(&cookie);
    leptos_axum::redirect("/cuenta?bienvenida=1");
    Ok(())
}

#[server(endpoint = "my_account")]
pub async fn fetch_my_account() -> Result<Account, AppError> {
    respond(accounts()?.my_account(&request_context()).await)
}

#[server(endpoint = "update_my_account")]
pub async fn update_my_account(
    name: String,
    institution: String,
    sector: String,
    #[server(default)] phone: String,
) -> Result<Account, AppError> {
    let request = AccountRequest {
        email: String::new(),
        name,
        institution,
        sector,
        phone,
    };
    respond(
        accounts()?
            .update_my_account(&request_context(), request)
            .await,
    )
}

#[server(endpoint = "change_password")]
pub async fn change_password(
    current: String,
    password: String,
    repeat: String,
) -> Result<(), AppError> {
    respond(
        accounts()?
            .change_password(&request_context(), current, password, repeat)
            .await,
    )
}

#[server(endpoint = "access_tokens")]
pub async fn fetch_access_tokens() -> Result<Vec<crate::domain::identity::AccessToken>, AppError> {
    respond(accounts()?.access_tokens(&request_context()).await)
}

/// Returns the token itself: the only time it is shown.
#[server(endpoint = "mint_access_token")]
pub async fn mint_access_token(label: String) -> Result<String, AppError> {
    respond(
        accounts()?
            .mint_access_token(&request_context(), label)
            .await,
    )
}

#[server(endpoint = "revoke_access_token")]
pub async fn revoke_access_token(id: i64) -> Result<(), AppError> {
    respond(
        accounts()?
            .revoke_access_token(&request_context(), id)
            .await,
    )
}

#[server(endpoint = "calendar_feeds")]
pub async fn fetch_calendar_feeds() -> Result<Vec<crate::domain::identity::CalendarFeed>, AppError>
{
    respond(accounts()?.calendar_feeds(&request_context()).await)
}

/// `mesa` empty: one's own sessions and commitments. Returns the feed's URL, shown once.
#[server(endpoint = "create_calendar_feed")]
pub async fn create_calendar_feed(#[server(default)] mesa: String) -> Result<String, AppError> {
    let mesa = (!mesa.trim().is_empty()).then_some(mesa);
    respond(
        accounts()?
            .create_calendar_feed(&request_context(), mesa)
            .await,
    )
}

#[server(endpoint = "revoke_calendar_feed")]
pub async fn revoke_calendar_feed(id: i64) -> Result<(), AppError> {
    respond(
        accounts()?
            .revoke_calendar_feed(&request_context(), id)
            .await,
    )
}

#[server(endpoint = "people")]
pub async fn fetch_people() -> Result<Vec<Account>, AppError> {
    respond(accounts()?.people(&request_context()).await)
}

/// Creates a person and returns their setup link (to hand over by a channel of one's choice).
#[server(endpoint = "create_person")]
pub async fn create_person(
    email: String,
    name: String,
    #[server(default)] institution: String,
    #[server(default)] sector: String,
    #[server(default)] phone: String,
    #[server(default)] admin: Option<String>,
) -> Result<String, AppError> {
    let request = AccountRequest {
        email,
        name,
        institution,
        sector,
        phone,
    };
    let admin = admin.as_deref().is_some_and(|v| !v.is_empty());
    let (_, link) = respond(
        accounts()?
            .create_person(&request_context(), request, admin)
            .await,
    )?;
    Ok(link)
}

/// `role` empty removes the person's role on the Mesa.
#[server(endpoint = "grant_role")]
pub async fn grant_role(account: i64, mesa: String, role: String) -> Result<Account, AppError> {
    respond(
        async {
            let role = match role.trim() {
                "" => None,
                code => Some(
                    MesaRole::parse(code)
                        .ok_or_else(|| AppError::Conflict(format!("Rol desconocido «{code}».")))?,
                ),
            };
            accounts()?
                .grant_role(&request_context(), account, mesa, role)
                .await
        }
        .await,
    )
}

#[server(endpoint = "set_active")]
pub async fn set_active(account: i64, active: bool) -> Result<Account, AppError> {
    respond(
        accounts()?
            .set_active(&request_context(), account, active)
            .await,
    )
}

#[server(endpoint = "reset_link")]
pub async fn reset_link(account: i64) -> Result<String, AppError> {
    respond(accounts()?.reset_link(&request_context(), account).await)
}

#[server(endpoint = "invitations")]
pub async fn fetch_invitations(session: i64) -> Result<Vec<Invitation>, AppError> {
    respond(accounts()?.invitations(&request_context(), session).await)
}

#[server(endpoint = "create_invitation")]
pub async fn create_invitation(
    session: i64,
    role: String,
    #[server(default)] name: String,
    #[server(default)] hours: String,
) -> Result<Invitation, AppError> {
    respond(
        async {
            let hours = match hours.trim() {
                "" => None,
                raw => Some(
                    raw.parse::<i64>()
                        .ok()
                        .filter(|h| (1..=24 * 60).contains(h))
                        .ok_or_else(|| {
                            AppError::Conflict("La vigencia va de 1 a 1440 horas.".into())
                        })?,
                ),
            };
            accounts()?
                .create_invitation(&request_context(), session, role, name, hours)
                .await
        }
        .await,
    )
}

#[server(endpoint = "revoke_invitation")]
pub async fn revoke_invitation(session: i64, nonce: String) -> Result<(), AppError> {
    respond(
        accounts()?
            .revoke_invitation(&request_context(), session, nonce)
            .await,
    )
}

/// `(svg, link)` of the projector's "join from your phone" code.
#[server(endpoint = "projector_join")]
pub async fn fetch_projector_join(session: i64) -> Result<(String, String), AppError> {
    respond(
        accounts()?
            .projector_join(&request_context(), session)
            .await,
    )
}

#[server(endpoint = "audit")]
pub async fn fetch_audit(query: AuditQuery) -> Result<Vec<AuditEntry>, AppError> {
    respond(accounts()?.audit(&request_context(), query).await)
}

#[server(endpoint = "set_publishes_actas")]
/// Returns the setting as it now is.
pub async fn set_publishes_actas(mesa: String, publish: bool) -> Result<bool, AppError> {
    respond(
        accounts()?
            .set_publishes_actas(&request_context(), mesa, publish)
            .await,
    )?;
    Ok(publish)
}
