//! Evidence files: their bytes and what is known of them, in one row (both engines), so what
//! the database's backup holds is what the boards and actas list.

use app::domain::board::evidence::Evidence;
use chrono::{DateTime, Utc};

use super::Store;
use super::error::{Result, StoreError};
use super::rows::{parse_timestamp, timestamp};

/// A file as it arrives, already checked (type sniffed, digest taken).
#[derive(Debug, Clone)]
pub struct NewEvidence<'a> {
    pub session_id: i64,
    pub record_root: &'a str,
    pub record_id: &'a str,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub type_label: &'a str,
    pub sha256: &'a str,
    pub data: &'a [u8],
    pub uploaded_by: &'a str,
}

#[derive(sqlx::FromRow)]
struct EvidenceRow {
    id: i64,
    session_id: i64,
    record_root: String,
    record_id: String,
    file_name: String,
    content_type: String,
    type_label: String,
    size: i64,
    sha256: String,
    uploaded_by: String,
    uploaded_at: String,
}

const COLUMNS: &str = "id, session_id, record_root, record_id, file_name, content_type, type_label,
    size, sha256, uploaded_by, uploaded_at";

impl TryFrom<EvidenceRow> for Evidence {
    type Error = StoreError;
    fn try_from(row: EvidenceRow) -> Result<Self> {
        Ok(Evidence {
            uploaded_at: parse_timestamp(&row.uploaded_at)?,
            id: row.id,
            session_id: row.session_id,
            record_root: row.record_root,
            record_id: row.record_id,
            file_name: row.file_name,
            content_type: row.content_type,
            type_label: row.type_label,
            size: u64::try_from(row.size).unwrap_or(0),
            sha256: row.sha256,
            uploaded_by: row.uploaded_by,
        })
    }
}

impl Store {
    pub async fn add_evidence(&self, file: &NewEvidence<'_>, now: DateTime<Utc>) -> Result<i64> {
        let size = i64::try_from(file.data.len()).unwrap_or(i64::MAX);
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO evidence_files (session_id, record_root, record_id, file_name,
                 content_type, type_label, size, sha256, data, uploaded_by, uploaded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(file.session_id)
        .bind(file.record_root)
        .bind(file.record_id)
        .bind(file.file_name)
        .bind(file.content_type)
        .bind(file.type_label)
        .bind(size)
        .bind(file.sha256)
        .bind(file.data)
        .bind(file.uploaded_by)
        .bind(timestamp(now))
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    /// The session's evidence, in the order it was attached (no bytes).
    pub async fn evidence_of_session(&self, session_id: i64) -> Result<Vec<Evidence>> {
        let rows: Vec<EvidenceRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM evidence_files WHERE session_id = $1 ORDER BY id"
        ))
        .bind(session_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(Evidence::try_from).collect()
    }

    /// One file with its bytes, if it belongs to `session_id`.
    pub async fn evidence_file(&self, session_id: i64, id: i64) -> Result<(Evidence, Vec<u8>)> {
        let row: Option<EvidenceRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM evidence_files WHERE session_id = $1 AND id = $2"
        ))
        .bind(session_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let evidence = Evidence::try_from(row.ok_or(StoreError::UnknownEvidence(id))?)?;
        // Removed between the two reads: as gone as if it never was.
        let data: Option<(Vec<u8>,)> =
            sqlx::query_as("SELECT data FROM evidence_files WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        let (data,) = data.ok_or(StoreError::UnknownEvidence(id))?;
        Ok((evidence, data))
    }

    /// Removes a file attached by mistake (its bytes go too: it may be personal data).
    pub async fn remove_evidence(&self, session_id: i64, id: i64) -> Result<Evidence> {
        let mut tx = self.pool.begin().await?;
        let row: Option<EvidenceRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM evidence_files WHERE session_id = $1 AND id = $2"
        ))
        .bind(session_id)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let evidence = Evidence::try_from(row.ok_or(StoreError::UnknownEvidence(id))?)?;
        sqlx::query("DELETE FROM evidence_files WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(evidence)
    }
}
