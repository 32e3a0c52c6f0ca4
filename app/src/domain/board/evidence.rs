//! Evidence files: the acta de visita, the signed list or the photo that shows a commitment was
//! kept. A commitment on its board and its review in a later session's follow-up carry them.
//! The bytes live in the database (so backups hold them); what is typed here is what the board,
//! the acta and its PDF show of each. Which types are accepted is decided by the server from
//! the file's content (`server/src/evidence.rs`), never from its name.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::records::{commitment, followup};

/// The record kinds that carry evidence.
pub const CARRIERS: [&str; 2] = [commitment::ROOT, followup::ROOT];

/// Longest file name kept (the rest is cut, the extension kept).
pub const MAX_NAME_CHARS: usize = 120;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub id: i64,
    pub session_id: i64,
    /// `commitments` or `followups`.
    pub record_root: String,
    pub record_id: String,
    pub file_name: String,
    /// As the content showed it to be.
    pub content_type: String,
    /// What people call the type («PDF», «Imagen JPEG», «Hoja de cálculo (XLSX)»).
    pub type_label: String,
    pub size: u64,
    /// SHA-256 of the bytes (hex), printed on the acta.
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
}

impl Evidence {
    /// Where it downloads (always as an attachment).
    pub fn href(&self) -> String {
        format!("/sesiones/{}/evidencias/{}", self.session_id, self.id)
    }

    /// «2,4 MiB», «350 KiB», «12 bytes».
    pub fn size_label(&self) -> String {
        size_label(self.size)
    }

    pub fn is_on(&self, root: &str, record: &str) -> bool {
        self.record_root == root && self.record_id == record
    }
}

/// What the acta names the record an evidence file is on: the commitment, or its review.
pub fn carrier_label(board: &super::BoardView, evidence: &Evidence) -> String {
    let text = if evidence.record_root == followup::ROOT {
        board
            .followups
            .iter()
            .find(|f| f.id == evidence.record_id)
            .map(|f| format!("Seguimiento: {}", f.description))
    } else {
        board
            .commitments
            .iter()
            .find(|c| c.id == evidence.record_id)
            .map(|c| format!("Compromiso: {}", c.description))
    };
    super::excerpt(
        &text.unwrap_or_else(|| "(registro retirado)".to_owned()),
        80,
    )
}

pub fn size_label(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64).replace('.', ",")
    } else if bytes >= KIB {
        format!("{} KiB", bytes.div_ceil(KIB))
    } else {
        format!("{bytes} bytes")
    }
}

/// Why an evidence file is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvidenceError {
    #[error("Las evidencias se adjuntan a un compromiso o a su seguimiento.")]
    NotACarrier,
    #[error("Ese compromiso o seguimiento no está en el tablero.")]
    UnknownRecord,
    #[error("El archivo está vacío.")]
    Empty,
    #[error("El archivo pesa {size}; el máximo es {max} por archivo.")]
    TooLarge { size: String, max: String },
    #[error(
        "Ese archivo no es un PDF, una imagen (JPEG, PNG, GIF, WebP, HEIC) ni un documento de oficina (Word, Excel, PowerPoint, OpenDocument): Sala lo reconoce por su contenido, no por su nombre."
    )]
    Unsupported,
    #[error("El tablero ya no admite cambios: las evidencias se adjuntan mientras está abierto.")]
    BoardClosed,
}

/// Checks where a file goes and how big it is (its type is the server's to sniff).
pub fn check_upload(root: &str, size: usize, max: usize) -> Result<(), EvidenceError> {
    if !CARRIERS.contains(&root) {
        return Err(EvidenceError::NotACarrier);
    }
    if size == 0 {
        return Err(EvidenceError::Empty);
    }
    if size > max {
        return Err(EvidenceError::TooLarge {
            size: size_label(size as u64),
            max: size_label(max as u64),
        });
    }
    Ok(())
}

/// The name a file is kept under: its last path component (browsers on Windows send the whole
/// path), without control characters or quotes, at most [`MAX_NAME_CHARS`] with the extension
/// kept; «evidencia» when nothing is left.
pub fn safe_file_name(given: &str) -> String {
    let base = given.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | '|' | '*' | '?' | ':'))
        .collect();
    let clean = clean.trim().trim_start_matches('.').trim();
    if clean.is_empty() {
        return "evidencia".to_owned();
    }
    if clean.chars().count() <= MAX_NAME_CHARS {
        return clean.to_owned();
    }
    let (stem, extension) = match clean.rsplit_once('.') {
        Some((stem, ext)) if ext.chars().count() <= 8 => (stem, format!(".{ext}")),
        _ => (clean, String::new()),
    };
    let keep = MAX_NAME_CHARS - extension.chars().count();
    format!("{}{extension}", stem.chars().take(keep).collect::<String>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_their_path_and_what_a_header_cannot_carry() {
        assert_eq!(
            safe_file_name(r"C:\Users\ana\Acta visita.pdf"),
            "Acta visita.pdf"
        );
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(
            safe_file_name("lista \"firmada\"\n.pdf"),
            "lista firmada.pdf"
        );
        assert_eq!(safe_file_name("   "), "evidencia");
        assert_eq!(safe_file_name(".bashrc"), "bashrc");
        let long = format!("{}.xlsx", "á".repeat(300));
        let kept = safe_file_name(&long);
        assert_eq!(kept.chars().count(), MAX_NAME_CHARS);
        assert!(kept.ends_with(".xlsx"));
    }

    #[test]
    fn uploads_go_to_commitments_and_reviews_within_the_size() {
        assert_eq!(check_upload("commitments", 10, 100), Ok(()));
        assert_eq!(check_upload("followups", 100, 100), Ok(()));
        assert_eq!(
            check_upload("barriers", 10, 100),
            Err(EvidenceError::NotACarrier)
        );
        assert_eq!(
            check_upload("commitments", 0, 100),
            Err(EvidenceError::Empty)
        );
        assert_eq!(
            check_upload("commitments", 11 * 1024 * 1024, 10 * 1024 * 1024)
                .unwrap_err()
                .to_string(),
            "El archivo pesa 11,0 MiB; el máximo es 10,0 MiB por archivo."
        );
        assert_eq!(size_label(1500), "2 KiB");
        assert_eq!(size_label(12), "12 bytes");
    }
}
