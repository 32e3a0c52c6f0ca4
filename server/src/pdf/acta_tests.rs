//! The acta's PDF: every part of the record printed, on numbered pages, fonts embedded.

use app::domain::board::approval::{ActaCycle, Approval, ApprovalMethod, Observation};
use app::domain::board::{BARRIERS, BoardView, COMMITMENTS, Field, put_record};
use chrono::NaiveDate;
use yrs::{Doc, Transact};

use super::*;
use crate::pdf::layout::{Op, Page};

fn acta(barriers: usize) -> Acta {
    let doc = Doc::new();
    {
        let mut txn = doc.transact_mut();
        for n in 0..barriers {
            put_record(
                &mut txn,
                BARRIERS,
                &format!("b{n:03}"),
                &[(
                    "description",
                    Field::Text(format!(
                        "Barrera {n}: sin transporte a las citas de control"
                    )),
                )],
                "Ana",
                n as f64,
            );
        }
        put_record(
            &mut txn,
            COMMITMENTS,
            "c",
            &[
                ("description", Field::Text("Brigada en Bosa".into())),
                ("due", Field::Text("2026-11-20".into())),
            ],
            "Ana",
            1.0,
        );
    }
    let closed_on = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
    Acta {
        number: 7,
        session_id: 3,
        session_seq: 4,
        mesa_code: "local-07".into(),
        mesa_name: "Mesa Local de Bosa".into(),
        held_at: "4 dic 2026, 9:00".into(),
        closed_at: "4 dic 2026, 12:00".into(),
        closed_on,
        place: "Alcaldía Local".into(),
        mode: "Presencial".into(),
        members: 5,
        board: BoardView::read(&doc.transact()),
        assets: Default::default(),
        cycle: ActaCycle {
            observations: vec![Observation {
                id: 1,
                author: "Luis Gómez".into(),
                text: "Falta la tilde.".into(),
                at: "5 dic 2026".into(),
                answer: None,
            }],
            approval: Some(Approval {
                method: ApprovalMethod::Coordinacion,
                in_session: None,
                decided_by: None,
                by: "Ana".into(),
                at: "15 dic 2026".into(),
                digest: "ab".repeat(32),
            }),
            ..ActaCycle::draft(closed_on)
        },
        evidence: vec![app::domain::board::evidence::Evidence {
            id: 1,
            session_id: 7,
            record_root: "commitments".into(),
            record_id: "c1".into(),
            file_name: "Acta de visita Usme.pdf".into(),
            content_type: "application/pdf".into(),
            type_label: "PDF".into(),
            size: 250_000,
            sha256: "cd".repeat(32),
            uploaded_by: "Luis Gómez".into(),
            uploaded_at: chrono::DateTime::UNIX_EPOCH,
        }],
    }
}

fn texts(pages: &[Page]) -> String {
    pages
        .iter()
        .flat_map(|p| &p.ops)
        .filter_map(|op| match op {
            Op::Text { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect::<Vec<_>>()
        // a wrapped line continues after a space
        .join(" ")
}

#[test]
fn the_pdf_holds_the_record_the_cycle_and_the_digest_on_numbered_pages() {
    let acta = acta(120);
    let metrics = Metrics::get().unwrap();
    let pages = paginate(metrics, &acta_blocks(&acta), "pie", &acta.title());
    assert!(pages.len() >= 3, "120 barriers need pages: {}", pages.len());
    let all = texts(&pages);
    for expected in [
        "Acta n.º 7 · Mesa Local de Bosa",
        "Barreras (120)",
        "Barrera 119: sin transporte a las citas de control",
        "Brigada en Bosa",
        "Vencido",
        "Falta la tilde.",
        "Evidencias (1)",
        "Acta de visita Usme.pdf",
        "Huella SHA-256 del acta aprobada:",
        &"ab".repeat(32),
        &format!("Página {} de {}", pages.len(), pages.len()),
    ] {
        assert!(all.contains(expected), "«{expected}» is printed");
    }
    let pdf = acta_pdf(&acta).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.len() > 10_000, "fonts embedded: {} bytes", pdf.len());
}
