//! Server functions for the register of social assets and territorial teams.

use leptos::prelude::*;

use crate::domain::assets::import::{RegisterImport, RegisterSummary};
use crate::domain::assets::{AssetDraft, RegisterView, TeamDraft};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::{register, request_context};

#[cfg(feature = "ssr")]
use super::respond;

#[server(endpoint = "register")]
pub async fn fetch_register(territory: String) -> Result<RegisterView, AppError> {
    respond(register()?.register(&request_context(), territory).await)
}

#[server(endpoint = "save_asset")]
pub async fn save_asset(draft: AssetDraft) -> Result<RegisterSummary, AppError> {
    respond(register()?.save_asset(&request_context(), draft).await)
}

#[server(endpoint = "save_team")]
pub async fn save_team(draft: TeamDraft) -> Result<RegisterSummary, AppError> {
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
