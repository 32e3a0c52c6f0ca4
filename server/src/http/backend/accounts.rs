//! People, sign-in, guest links and the audit log, through the UI's [`Accounts`] port. Every
//! administrative act asks the policy first and is written to the audit log after.

use app::domain::SessionStatus;
use app::domain::board::BoardRole;
use app::domain::identity::{
    Account, AccountRequest, AuditEntry, AuditQuery, Invitation, MesaRole,
};
use app::domain::policy::{Act, Target};
use app::error::AppError;
use app::ssr::{Accounts, RequestContext, SetCookie};
use async_trait::async_trait;
use chrono::Utc;

use super::StoreBackend;
use super::access::require;
use crate::auth::{Claims, Role, new_nonce};
use crate::identity::{
    INVITATION_COOKIE, SESSION_COOKIE, SignInError, account_key, invitation_key, web_session_key,
};
use crate::store::NewInvitation;
use crate::sync::close;

/// A guest link lasts, unless asked otherwise, until the end of its session's day: twelve hours
/// after the session's start (or from now, if it already started).
const DEFAULT_GUEST_HOURS: i64 = 12;
/// What the projector's QR code is recorded as (it is one link per session, reused).
const PROJECTOR: &str = "proyector";
/// At most this many audit entries per page (the CSV export takes the same filter).
pub const AUDIT_PAGE: i64 = 500;

impl From<SignInError> for AppError {
    fn from(error: SignInError) -> Self {
        match error {
            SignInError::BadCredentials | SignInError::LinkInvalid => {
                AppError::Unauthorized(error.to_string())
            }
            SignInError::Throttled(_) => AppError::TooManyAttempts(error.to_string()),
            SignInError::Inactive => AppError::Forbidden(error.to_string()),
            SignInError::WrongCurrentPassword => {
                let mut fields = app::domain::FieldErrors::default();
                fields.add("current", error.to_string());
                AppError::Fields(fields)
            }
            SignInError::Fields(fields) => AppError::Fields(fields),
            SignInError::Store(error) => error.into(),
            SignInError::Hash(error) => {
                tracing::error!(%error, "password hashing failed");
                AppError::Internal("no se pudo guardar la contraseña".into())
            }
        }
    }
}

impl StoreBackend {
    fn signed_in(cx: &RequestContext) -> Result<&app::domain::identity::Person, AppError> {
        cx.actor
            .person
            .as_ref()
            .ok_or_else(|| AppError::Unauthorized("Inicie sesión para ver su cuenta.".into()))
    }

    /// A session's invitation as a token (the same claims always sign to the same token).
    fn invitation_token(&self, invitation: &Invitation, exp: i64) -> String {
        let role = match invitation.role {
            BoardRole::Coordinador => Role::Coordinador,
            BoardRole::Participante => Role::Participante,
            BoardRole::Observador => Role::Observador,
        };
        self.identity.signer().sign(&Claims {
            session: invitation.session.unwrap_or(0),
            role,
            exp,
            nonce: invitation.nonce.clone(),
            name: invitation.name.clone(),
            mesa: None,
        })
    }

    async fn guest_link(
        &self,
        cx: &RequestContext,
        session: i64,
        role: BoardRole,
        name: Option<&str>,
        exp: i64,
        created_by: &str,
    ) -> Result<Invitation, AppError> {
        let (stored, _) = self.session_place(session).await?;
        let nonce = new_nonce();
        self.store
            .record_invitation(
                &NewInvitation {
                    nonce: &nonce,
                    session: Some(session),
                    mesa: &stored.mesa_code,
                    role,
                    name,
                    expires_at: exp,
                    created_by,
                },
                Utc::now(),
            )
            .await?;
        let mut invitation = self
            .store
            .invitation(&nonce, Utc::now().timestamp())
            .await?
            .ok_or_else(|| AppError::Internal("la invitación no quedó registrada".into()))?;
        let token = self.invitation_token(&invitation, exp);
        invitation.link = Some(format!("{}/sesiones/{session}?token={token}", cx.origin));
        Ok(invitation)
    }
}

#[async_trait]
impl Accounts for StoreBackend {
    async fn sign_in(
        &self,
        cx: &RequestContext,
        email: String,
        password: String,
    ) -> Result<SetCookie, AppError> {
        let signed_in = self.identity.sign_in(&email, &password, &cx.client).await?;
        let who = RequestContext {
            actor: app::domain::identity::Actor {
                person: Some(signed_in.account.person()),
                guest: None,
            },
            ..cx.clone()
        };
        self.audit(&who, "inicio de sesión", &signed_in.account.email, "")
            .await;
        Ok(SetCookie(signed_in.set_cookie))
    }

    async fn single_sign_on(&self) -> Option<String> {
        self.identity
            .config()
            .sso
            .as_ref()
            .map(|sso| sso.label.clone())
    }

    async fn sign_out(&self, cx: &RequestContext) -> Result<Vec<SetCookie>, AppError> {
        if let Some(hash) = &cx.web_session {
            self.identity.sign_out(hash).await?;
            self.sockets
                .close(&web_session_key(hash), close::CREDENTIAL_ENDED);
            self.audit(cx, "cierre de sesión", "", "").await;
        }
        Ok(vec![
            SetCookie(self.identity.clear_cookie(SESSION_COOKIE)),
            SetCookie(self.identity.clear_cookie(INVITATION_COOKIE)),
        ])
    }

    async fn setup_link_owner(&self, secret: String) -> Result<String, AppError> {
        Ok(self.identity.setup_link_account(&secret).await?.name)
    }

    async fn complete_setup(
        &self,
        secret: String,
        password: String,
        repeated: String,
    ) -> Result<SetCookie, AppError> {
        let signed_in = self
            .identity
            .complete_setup(&secret, &password, &repeated)
            .await?;
        let who = RequestContext {
            actor: app::domain::identity::Actor {
                person: Some(signed_in.account.person()),
                guest: None,
            },
            ..Default::default()
        };
        self.audit(&who, "contraseña establecida", &signed_in.account.email, "")
            .await;
        Ok(SetCookie(signed_in.set_cookie))
    }

    async fn my_account(&self, cx: &RequestContext) -> Result<Account, AppError> {
        let person = Self::signed_in(cx)?;
        Ok(self.store.account(person.account).await?.account)
    }

    async fn update_my_account(
        &self,
        cx: &RequestContext,
        mut request: AccountRequest,
    ) -> Result<Account, AppError> {
        let person = Self::signed_in(cx)?;
        // The e-mail is how one signs in: only the administration changes it.
        request.email = person.email.clone();
        let updated = self
            .store
            .update_profile(person.account, &request.validate()?)
            .await?;
        self.audit(cx, "datos personales corregidos", &updated.email, "")
            .await;
        Ok(updated)
    }

    async fn change_password(
        &self,
        cx: &RequestContext,
        current: String,
        password: String,
        repeated: String,
    ) -> Result<(), AppError> {
        let person = Self::signed_in(cx)?;
        self.identity
            .change_password(person.account, &current, &password, &repeated)
            .await?;
        self.audit(cx, "contraseña cambiada", &person.email, "")
            .await;
        Ok(())
    }

    async fn access_tokens(
        &self,
        cx: &RequestContext,
    ) -> Result<Vec<app::domain::identity::AccessToken>, AppError> {
        let person = Self::signed_in(cx)?;
        Ok(self
            .store
            .access_tokens_of(person.account)
            .await?
            .into_iter()
            .map(|t| app::domain::identity::AccessToken {
                id: t.id,
                label: t.label,
                created_at: t.created_at,
                last_used_at: t.last_used_at,
                revoked: t.revoked,
            })
            .collect())
    }

    async fn mint_access_token(
        &self,
        cx: &RequestContext,
        label: String,
    ) -> Result<String, AppError> {
        let person = Self::signed_in(cx)?;
        let label = label.trim();
        if label.is_empty() || label.chars().count() > 80 {
            let mut fields = app::domain::FieldErrors::default();
            fields.add(
                "label",
                "Nombre el token (para qué script es), hasta 80 caracteres.",
            );
            return Err(AppError::Fields(fields));
        }
        let (_, token) = self
            .identity
            .mint_access_token(person.account, label)
            .await?;
        self.audit(cx, "token de acceso creado", &person.email, label)
            .await;
        Ok(token)
    }

    async fn revoke_access_token(&self, cx: &RequestContext, id: i64) -> Result<(), AppError> {
        let person = Self::signed_in(cx)?;
        self.store
            .revoke_access_token(person.account, id, Utc::now())
            .await?;
        self.audit(
            cx,
            "token de acceso revocado",
            &person.email,
            &id.to_string(),
        )
        .await;
        Ok(())
    }

    async fn people(&self, cx: &RequestContext) -> Result<Vec<Account>, AppError> {
        require(cx, Act::ManagePeople, &Target::District)?;
        Ok(self.store.list_accounts().await?)
    }

    async fn create_person(
        &self,
        cx: &RequestContext,
        request: AccountRequest,
        admin: bool,
    ) -> Result<(Account, String), AppError> {
        require(cx, Act::ManagePeople, &Target::District)?;
        let account = self
            .identity
            .create_account(&request.validate()?, admin)
            .await?;
        let link = format!(
            "{}{}",
            cx.origin,
            self.identity.setup_path(account.id).await?
        );
        let what = if admin {
            "administrador creado"
        } else {
            "persona creada"
        };
        self.audit(cx, what, &account.email, &account.name).await;
        Ok((account, link))
    }

    async fn grant_role(
        &self,
        cx: &RequestContext,
        account: i64,
        mesa: String,
        role: Option<MesaRole>,
    ) -> Result<Account, AppError> {
        require(cx, Act::ManagePeople, &Target::District)?;
        let updated = match role {
            Some(role) => self.store.grant_role(account, &mesa, role).await?,
            None => self.store.revoke_role(account, &mesa).await?,
        };
        let detail = role.map_or("sin rol", MesaRole::code);
        self.audit(
            cx,
            "rol asignado",
            &format!("{} en {mesa}", updated.email),
            detail,
        )
        .await;
        Ok(updated)
    }

    async fn set_active(
        &self,
        cx: &RequestContext,
        account: i64,
        active: bool,
    ) -> Result<Account, AppError> {
        require(cx, Act::ManagePeople, &Target::District)?;
        if cx
            .actor
            .person
            .as_ref()
            .is_some_and(|p| p.account == account)
            && !active
        {
            return Err(AppError::Conflict(
                "No puede desactivar su propia cuenta: pídaselo a otra persona de la administración."
                    .into(),
            ));
        }
        let updated = self
            .store
            .set_active(account, active, Utc::now().timestamp())
            .await?;
        if !active {
            self.sockets
                .close(&account_key(account), close::CREDENTIAL_ENDED);
        }
        let what = if active {
            "persona reactivada"
        } else {
            "persona desactivada"
        };
        self.audit(cx, what, &updated.email, "").await;
        Ok(updated)
    }

    async fn reset_link(&self, cx: &RequestContext, account: i64) -> Result<String, AppError> {
        require(cx, Act::ManagePeople, &Target::District)?;
        let stored = self.store.account(account).await?;
        let link = format!("{}{}", cx.origin, self.identity.setup_path(account).await?);
        self.audit(
            cx,
            "enlace de contraseña generado",
            &stored.account.email,
            "",
        )
        .await;
        Ok(link)
    }

    async fn invitations(
        &self,
        cx: &RequestContext,
        session: i64,
    ) -> Result<Vec<Invitation>, AppError> {
        let (_, place) = self.session_place(session).await?;
        require(cx, Act::InviteGuests, &place.session(session))?;
        Ok(self
            .store
            .invitations_of_session(session, Utc::now().timestamp())
            .await?)
    }

    async fn create_invitation(
        &self,
        cx: &RequestContext,
        session: i64,
        role: String,
        name: String,
        hours: Option<i64>,
    ) -> Result<Invitation, AppError> {
        let (stored, place) = self.session_place(session).await?;
        require(cx, Act::InviteGuests, &place.session(session))?;
        let role = match BoardRole::parse(role.trim()) {
            Some(role @ (BoardRole::Participante | BoardRole::Observador)) => role,
            _ => {
                return Err(AppError::Conflict(
                    "Un enlace de invitado es de participante o de observador.".into(),
                ));
            }
        };
        if matches!(
            stored.status,
            SessionStatus::Cerrada | SessionStatus::Cancelada
        ) {
            return Err(AppError::Conflict(
                "La sesión ya terminó: no se pueden crear invitaciones.".into(),
            ));
        }
        let now = Utc::now().timestamp();
        let exp = match hours {
            Some(hours) => now + hours * 3600,
            None => stored.scheduled_at.timestamp().max(now) + DEFAULT_GUEST_HOURS * 3600,
        };
        let name = name.trim();
        let by = cx.actor.display_name().unwrap_or("coordinación").to_owned();
        let invitation = self
            .guest_link(
                cx,
                session,
                role,
                (!name.is_empty()).then_some(name),
                exp,
                &by,
            )
            .await?;
        self.audit(
            cx,
            "invitación creada",
            &format!("sesión {session}"),
            &format!("{} {}", role.code(), name),
        )
        .await;
        Ok(invitation)
    }

    async fn revoke_invitation(
        &self,
        cx: &RequestContext,
        session: i64,
        nonce: String,
    ) -> Result<(), AppError> {
        let (_, place) = self.session_place(session).await?;
        require(cx, Act::InviteGuests, &place.session(session))?;
        let invitation = self
            .store
            .invitation(&nonce, 0)
            .await?
            .filter(|i| i.session == Some(session))
            .ok_or_else(|| AppError::NotFound("No existe esa invitación en esta sesión.".into()))?;
        self.store.revoke_invitation(&nonce, Utc::now()).await?;
        let closed = self
            .sockets
            .close(&invitation_key(&nonce), close::CREDENTIAL_ENDED);
        tracing::info!(session, closed, "invitation revoked");
        self.audit(
            cx,
            "invitación revocada",
            &format!("sesión {session}"),
            &format!(
                "{} {}",
                invitation.role.code(),
                invitation.name.unwrap_or_default()
            ),
        )
        .await;
        Ok(())
    }

    async fn projector_join(
        &self,
        cx: &RequestContext,
        session: i64,
    ) -> Result<(String, String), AppError> {
        let (stored, place) = self.session_place(session).await?;
        require(cx, Act::InviteGuests, &place.session(session))?;
        if !stored.status.board_is_open() {
            return Err(AppError::Conflict("La sesión ya terminó.".into()));
        }
        let now = Utc::now().timestamp();
        // One link per session, reused: the code on the wall does not change when the
        // projector reloads.
        let existing = self
            .store
            .invitations_of_session(session, now)
            .await?
            .into_iter()
            .find(|i| i.created_by == PROJECTOR && !i.revoked && !i.expired);
        let link = match existing {
            Some(invitation) => {
                let exp = self.store.invitation_expiry(&invitation.nonce).await?;
                let token = self.invitation_token(&invitation, exp);
                format!("{}/sesiones/{session}?token={token}", cx.origin)
            }
            None => {
                let exp = stored.scheduled_at.timestamp().max(now) + DEFAULT_GUEST_HOURS * 3600;
                self.guest_link(cx, session, BoardRole::Participante, None, exp, PROJECTOR)
                    .await?
                    .link
                    .unwrap_or_default()
            }
        };
        let svg = qrcode::QrCode::new(link.as_bytes())
            .map_err(|e| AppError::Internal(format!("no se pudo dibujar el código QR: {e}")))?
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(320, 320)
            .quiet_zone(true)
            .build();
        Ok((svg, link))
    }

    async fn audit(
        &self,
        cx: &RequestContext,
        query: AuditQuery,
    ) -> Result<Vec<AuditEntry>, AppError> {
        require(cx, Act::ReadAudit, &Target::District)?;
        let mut fields = app::domain::FieldErrors::default();
        for (field, day) in [("desde", &query.from), ("hasta", &query.to)] {
            if !day.trim().is_empty()
                && chrono::NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d").is_err()
            {
                fields.add(field, "Use una fecha AAAA-MM-DD.");
            }
        }
        fields.into_result()?;
        Ok(self.store.audit_entries(&query, AUDIT_PAGE).await?)
    }

    async fn set_publishes_actas(
        &self,
        cx: &RequestContext,
        mesa: String,
        publish: bool,
    ) -> Result<(), AppError> {
        require(
            cx,
            Act::ScheduleSession,
            &self.place_of(&mesa).await?.mesa(),
        )?;
        self.store.set_publishes_actas(&mesa, publish).await?;
        let what = if publish {
            "actas públicas"
        } else {
            "actas reservadas"
        };
        self.audit(cx, what, &mesa, "").await;
        Ok(())
    }
}
