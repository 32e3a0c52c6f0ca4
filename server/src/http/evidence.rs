//! Evidence files over HTTP: `POST /sesiones/{id}/evidencias?registro=commitments&id=…&archivo=…`
//! with the file as the body (the board's script sends it as it is, no form encoding), and
//! `GET /sesiones/{id}/evidencias/{n}`, always as an attachment with the type its content
//! showed, so a browser never renders what someone uploaded as part of Sala's pages.

use app::ssr::{EvidenceUpload, RequestContext};
use axum::Extension;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::AppState;
use super::dashboard::attachment;
use super::error::ApiError;
use app::domain::board::evidence::size_label;

#[derive(Debug, Deserialize)]
pub struct UploadQuery {
    registro: String,
    id: String,
    #[serde(default)]
    archivo: String,
}

pub async fn upload(
    State(state): State<AppState>,
    Extension(cx): Extension<RequestContext>,
    Path(session_id): Path<i64>,
    Query(query): Query<UploadQuery>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let max = state.limits.evidence_bytes;
    let too_large = || {
        ApiError::TooLarge(format!(
            "El archivo pesa más de {}, el máximo por archivo.",
            size_label(max as u64)
        ))
    };
    // The body limit turns a heavier upload away before it is read whole.
    let data = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            ApiError::BodyUnreadable
        }
    })?;
    if data.len() > max {
        return Err(too_large());
    }
    let upload = EvidenceUpload {
        record_root: query.registro,
        record_id: query.id,
        file_name: query.archivo,
        data: data.to_vec(),
    };
    let evidence = state
        .evidence
        .attach_evidence(&cx, session_id, upload, max)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(evidence)).into_response())
}

pub async fn download(
    State(state): State<AppState>,
    Extension(cx): Extension<RequestContext>,
    Path((session_id, id)): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    let (evidence, data) = state.evidence.evidence_file(&cx, session_id, id).await?;
    let mut response = data.into_response();
    let headers = response.headers_mut();
    if let Ok(value) = header::HeaderValue::from_str(&evidence.content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CONTENT_DISPOSITION, attachment(&evidence.file_name));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    // Personal data: shared caches keep none of it.
    headers.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}
