//! Where an act lands, as the policy needs it (the Mesa, the Mesas above it, whether it
//! publishes its actas), and the one call every backend method makes before acting.

use app::domain::dashboard::{DashboardQuery, Scope};
use app::domain::policy::{self, Act, Place, Target};
use app::domain::{DISTRICT_MESA_CODE, Session, zona_code};
use app::error::AppError;
use app::ssr::RequestContext;

use super::StoreBackend;
use crate::store::Store;

/// A Mesa's place in the territory, owned (the policy borrows it).
pub(crate) struct MesaPlace {
    pub mesa: String,
    pub ancestors: Vec<String>,
    pub publishes_actas: bool,
}

impl MesaPlace {
    fn place(&self) -> Place<'_> {
        Place {
            mesa: &self.mesa,
            ancestors: &self.ancestors,
            publishes_actas: self.publishes_actas,
        }
    }

    pub fn mesa(&self) -> Target<'_> {
        Target::Mesa(self.place())
    }

    pub fn session(&self, id: i64) -> Target<'_> {
        Target::Session {
            place: self.place(),
            id,
        }
    }
}

/// Where `mesa` sits: the Mesas above it and whether it publishes its actas.
pub(crate) async fn place_of(store: &Store, mesa: &str) -> Result<MesaPlace, AppError> {
    let publishes_actas = store.publishes_actas(mesa).await?;
    let ancestors = store
        .parents_of(mesa)
        .await?
        .into_iter()
        .map(|parent| parent.code)
        .collect();
    Ok(MesaPlace {
        mesa: mesa.to_owned(),
        ancestors,
        publishes_actas,
    })
}

/// The name a backend act is signed with (the acta, a ballot, an evidence file): the person's,
/// or the name an invitation's holder gave.
pub(super) fn signature(cx: &RequestContext) -> String {
    cx.actor
        .display_name()
        .map_or_else(|| cx.actor.principal(), str::to_owned)
}

impl StoreBackend {
    pub(super) async fn place_of(&self, mesa: &str) -> Result<MesaPlace, AppError> {
        place_of(&self.store, mesa).await
    }

    /// `act` on the Mesa `mesa`, which must exist (an unknown Mesa is 404 before any 403).
    pub(super) async fn require_on_mesa(
        &self,
        cx: &RequestContext,
        act: Act,
        mesa: &str,
    ) -> Result<(), AppError> {
        self.store.get_mesa(mesa).await?;
        require(cx, act, &self.place_of(mesa).await?.mesa())
    }

    /// The session and where it sits.
    pub(super) async fn session_place(&self, id: i64) -> Result<(Session, MesaPlace), AppError> {
        let session = self.store.get_session(id).await?;
        let place = self.place_of(&session.mesa_code).await?;
        Ok((session, place))
    }
}

/// A dashboard reads its scope's Mesa: the district's, a zone's, or one Mesa's (a role on a Mesa
/// reads the dashboards of the Mesas below it, as it reads their boards). A scope that does not
/// parse is left to the dashboard's own validation, which says what is wrong with it.
pub(crate) async fn require_dashboard(
    store: &Store,
    cx: &RequestContext,
    query: &DashboardQuery,
) -> Result<(), AppError> {
    let mesa = match Scope::parse(&query.ambito) {
        Some(Scope::Distrito) => DISTRICT_MESA_CODE.to_owned(),
        Some(Scope::Zona(name)) => zona_code(&name),
        Some(Scope::Mesa(code)) => code,
        None => return Ok(()),
    };
    let place = place_of(store, &mesa).await?;
    require(cx, Act::ReadBoard, &place.mesa())
}

/// Asks the policy; a refusal becomes 401 (nobody known) or 403 (not allowed).
pub(crate) fn require(cx: &RequestContext, act: Act, target: &Target) -> Result<(), AppError> {
    policy::decide(&cx.actor, act, target).map_err(AppError::from)
}

/// Whether the policy allows it (for what a page shows).
pub(super) fn may(cx: &RequestContext, act: Act, target: &Target) -> bool {
    policy::allowed(&cx.actor, act, target)
}
