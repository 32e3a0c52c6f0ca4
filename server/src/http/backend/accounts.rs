//! People, sign-in and the audit log, through the UI's [`Accounts`] port (guest links are in
//! `guests.rs`). Every
//! administrative act asks the policy first and is written to the audit log after.

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
use crate::identity::{
    INVITATION_COOKIE, SESSION_COOKIE, SignInError, account_key, web_session_key,
};
use crate::sync::close;

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

    async fn calendar_feeds(
        &self,
        cx: &RequestContext,
    ) -> Result<Vec<app::domain::identity::CalendarFeed>, AppError> {
        let person = Self::signed_in(cx)?;
        Ok(self.store.calendar_feeds_of(person.account).await?)
    }

    async fn create_calendar_feed(
        &self,
        cx: &RequestContext,
        mesa: Option<String>,
    ) -> Result<String, AppError> {
        let person = Self::signed_in(cx)?;
        self.new_calendar_feed(cx, person, mesa).await
    }

    async fn revoke_calendar_feed(&self, cx: &RequestContext, id: i64) -> Result<(), AppError> {
        let person = Self::signed_in(cx)?;
        self.store
            .revoke_calendar_feed(person.account, id, Utc::now())
            .await?;
        self.audit(cx, "calendario revocado", &person.email, &id.to_string())
            .await;
        Ok(())
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
        self.session_invitations(cx, session).await
    }

    async fn create_invitation(
        &self,
        cx: &RequestContext,
        session: i64,
        role: String,
        name: String,
        hours: Option<i64>,
    ) -> Result<Invitation, AppError> {
        self.new_guest_link(cx, session, role, name, hours).await
    }

    async fn revoke_invitation(
        &self,
        cx: &RequestContext,
        session: i64,
        nonce: String,
    ) -> Result<(), AppError> {
        self.revoke_guest_link(cx, session, nonce).await
    }

    async fn projector_join(
        &self,
        cx: &RequestContext,
        session: i64,
    ) -> Result<(String, String), AppError> {
        self.projector_code(cx, session).await
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
