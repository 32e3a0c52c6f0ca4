//! What an evidence file is, decided from its bytes: the types the Mesas' procedures name as
//! evidence (a PDF, a photo, an office document). Anything else — an executable, a web page, a
//! script renamed `acta.pdf` — is refused, whatever its name says.

/// A recognised type: its MIME type (served back with the file) and what people call it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileType {
    pub mime: &'static str,
    pub label: &'static str,
}

type Matcher = fn(&[u8]) -> bool;

/// Checked in this order: the office formats before anything generic (an OOXML file is a zip,
/// a legacy one a compound file).
const ACCEPTED: [(Matcher, &str, &str); 16] = [
    (infer::archive::is_pdf, "application/pdf", "PDF"),
    (infer::image::is_jpeg, "image/jpeg", "Imagen JPEG"),
    (infer::image::is_png, "image/png", "Imagen PNG"),
    (infer::image::is_gif, "image/gif", "Imagen GIF"),
    (infer::image::is_webp, "image/webp", "Imagen WebP"),
    (infer::image::is_heif, "image/heif", "Imagen HEIC"),
    (
        infer::doc::is_docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Documento de Word (DOCX)",
    ),
    (
        infer::doc::is_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Hoja de cálculo (XLSX)",
    ),
    (
        infer::doc::is_pptx,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "Presentación (PPTX)",
    ),
    (
        infer::doc::is_doc,
        "application/msword",
        "Documento de Word (DOC)",
    ),
    (
        infer::doc::is_xls,
        "application/vnd.ms-excel",
        "Hoja de cálculo (XLS)",
    ),
    (
        infer::doc::is_ppt,
        "application/vnd.ms-powerpoint",
        "Presentación (PPT)",
    ),
    (
        infer::odf::is_odt,
        "application/vnd.oasis.opendocument.text",
        "Documento OpenDocument (ODT)",
    ),
    (
        infer::odf::is_ods,
        "application/vnd.oasis.opendocument.spreadsheet",
        "Hoja OpenDocument (ODS)",
    ),
    (
        infer::odf::is_odp,
        "application/vnd.oasis.opendocument.presentation",
        "Presentación OpenDocument (ODP)",
    ),
    (infer::image::is_avif, "image/avif", "Imagen AVIF"),
];

/// The file's type, or `None` when it is none Sala keeps as evidence.
pub fn sniff(bytes: &[u8]) -> Option<FileType> {
    ACCEPTED
        .iter()
        .find(|(matches, _, _)| matches(bytes))
        .map(|(_, mime, label)| FileType { mime, label })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_documents_are_recognised_by_content() {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        workbook
            .add_worksheet()
            .write_string(0, 0, "Lista firmada")
            .unwrap();
        let xlsx = workbook.save_to_buffer().unwrap();
        assert_eq!(sniff(&xlsx).unwrap().label, "Hoja de cálculo (XLSX)");
        assert_eq!(
            sniff(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj").unwrap().mime,
            "application/pdf"
        );
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
        assert_eq!(sniff(png).unwrap().mime, "image/png");
        assert_eq!(
            sniff(b"\xff\xd8\xff\xe0\0\x10JFIF\0").unwrap().mime,
            "image/jpeg"
        );
    }

    #[test]
    fn other_files_are_refused_whatever_their_name() {
        for bytes in [
            &b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff"[..],
            b"<!doctype html><script>alert(1)</script>",
            b"\x7fELF\x02\x01\x01\0",
            b"#!/bin/sh\nrm -rf /\n",
            b"Nombre,Cedula\nAna,123\n",
            b"PK\x03\x04 a plain zip",
            b"",
        ] {
            assert_eq!(sniff(bytes), None, "{:?}", String::from_utf8_lossy(bytes));
        }
    }
}
