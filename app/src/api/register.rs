//! Server functions for the register of social assets and territorial teams.

use leptos::prelude::*;

use crate::domain::assets::RegisterView;
use crate::domain::assets::import::{RegisterImport, RegisterSummary};
#[cfg(feature = "ssr")]
use crate::domain::assets::{AssetDraft, TeamDraft};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::{register, request_context};

#[cfg(feature = "ssr")]
use super::respond;

#[server(endpoint = "register")]
pub async fn fetch_register(territory: String) -> Result<RegisterView, AppError> {
    respond(register()?.register(&request_context(), territory).await)
}

/// The asset form's fields, flat as `ActionForm` posts them; an empty `code` adds a new asset.
#[server(endpoint = "save_asset")]
pub async fn save_asset(
    code: String,
    name: String,
    kind: String,
    offer: String,
    localidad: String,
    upz: String,
    lon: String,
    lat: String,
    contact: String,
) -> Result<RegisterSummary, AppError> {
    let draft = AssetDraft {
        code,
        name,
        kind,
        offer,
        localidad,
        upz,
        lon,
        lat,
        contact,
    };
    respond(register()?.save_asset(&request_context(), draft).await)
}

#[server(endpoint = "save_team")]
pub async fn save_team(
    code: String,
    name: String,
    kind: String,
    institution: String,
    coverage: String,
    contact: String,
) -> Result<RegisterSummary, AppError> {
    let draft = TeamDraft {
        code,
        name,
        kind,
        institution,
        coverage,
        contact,
    };
    respond(register()?.save_team(&request_context(), draft).await)
}

#[server(endpoint = "remove_asset")]
pub async fn remove_asset(code: String) -> Result<(), AppError> {
    respond(register()?.remove_asset(&request_context(), code).await)
}

#[server(endpoint = "remove_team")]
pub async fn remove_team(code: String) -> Result<(), AppError> {
    respond(register()?.remove_team(&request_context(), code).await)
}

#[server(endpoint = "register_import")]
pub async fn fetch_register_import(id: i64) -> Result<RegisterImport, AppError> {
    respond(register()?.register_import(&request_context(), id).await)
}

#[server(endpoint = "asset_choices")]
pub async fn fetch_asset_choices(mesa: String) -> Result<Vec<(String, String)>, AppError> {
    respond(register()?.asset_choices(&request_context(), mesa).await)
}
