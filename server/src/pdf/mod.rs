//! PDF documents the server prints: the acta. Built in two steps, each testable alone: the
//! document as blocks, laid out into pages ([`layout`], pure), then drawn ([`render`], krilla).

mod acta;
pub mod layout;
mod render;

pub use acta::acta_pdf;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("las fuentes del PDF no se pudieron leer")]
    Font,
    #[error("el tamaño de página no es válido")]
    Geometry,
    #[error("no se pudo generar el PDF: {0:?}")]
    Render(krilla::error::KrillaError),
}
