//! Guest links, for a session's coordination: made (participant or observer, optional name,
//! expiry), listed with their uses, revoked (with their live sockets), and the projector's one
//! participant link per session drawn as a QR code.

use app::domain::SessionStatus;
use app::domain::board::BoardRole;
use app::domain::identity::Invitation;
use app::domain::policy::Act;
use app::error::AppError;
use app::ssr::RequestContext;
use chrono::Utc;

use super::StoreBackend;
use super::access::require;
use crate::auth::{Claims, Role, new_nonce};
use crate::identity::invitation_key;
use crate::store::NewInvitation;
use crate::sync::close;

/// A guest link lasts, unless asked otherwise, until the end of its session's day: twelve hours
/// after the session's start (or from now, if it already started).
const DEFAULT_GUEST_HOURS: i64 = 12;
/// What the projector's QR code is recorded as (it is one link per session, reused).
const PROJECTOR: &str = "proyector";

impl StoreBackend {
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

    pub(super) async fn session_invitations(
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

    pub(super) async fn new_guest_link(
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

    pub(super) async fn revoke_guest_link(
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

    pub(super) async fn projector_code(
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
}
