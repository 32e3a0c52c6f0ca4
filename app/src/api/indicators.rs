//! Server functions for the territory's indicators: the catalogue, one indicator's detail, and
//! an upload's preview, application or discarding.

use leptos::prelude::*;

use crate::domain::indicators::import::{ImportPreview, ImportSummary};
use crate::domain::indicators::{IndicatorCatalogue, IndicatorDetail};
use crate::domain::situation::{KeyIndicator, SituationQuery, SituationView};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::{indicators, request_context};

#[cfg(feature = "ssr")]
use super::respond;

#[server(endpoint = "indicator_catalogue")]
pub async fn fetch_indicator_catalogue() -> Result<IndicatorCatalogue, AppError> {
    respond(indicators()?.indicator_catalogue(&request_context()).await)
}

#[server(endpoint = "indicator_detail")]
pub async fn fetch_indicator_detail(
    code: String,
    territory: String,
) -> Result<IndicatorDetail, AppError> {
    respond(
        indicators()?
            .indicator_detail(&request_context(), code, territory)
            .await,
    )
}

#[server(endpoint = "import_preview")]
pub async fn fetch_import_preview(id: i64) -> Result<ImportPreview, AppError> {
    respond(indicators()?.import_preview(&request_context(), id).await)
}

#[server(endpoint = "apply_import")]
pub async fn apply_import(id: i64) -> Result<ImportSummary, AppError> {
    respond(indicators()?.apply_import(&request_context(), id).await)
}

#[server(endpoint = "discard_import")]
pub async fn discard_import(id: i64) -> Result<(), AppError> {
    respond(indicators()?.discard_import(&request_context(), id).await)
}

#[server(endpoint = "indicator_choices")]
pub async fn fetch_indicator_choices() -> Result<Vec<(String, String)>, AppError> {
    respond(indicators()?.indicator_choices(&request_context()).await)
}

#[server(endpoint = "indicator_figures")]
pub async fn fetch_indicator_figures(
    mesa: String,
    territory: String,
    codes: Vec<String>,
) -> Result<Vec<KeyIndicator>, AppError> {
    respond(
        indicators()?
            .indicator_figures(&request_context(), mesa, territory, codes)
            .await,
    )
}

#[server(endpoint = "situation")]
pub async fn fetch_situation(
    mesa: String,
    query: SituationQuery,
) -> Result<SituationView, AppError> {
    respond(
        indicators()?
            .situation(&request_context(), mesa, query)
            .await,
    )
}
