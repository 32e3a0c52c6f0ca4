//! How long the acta's PDF takes to make, for a typical session and for a long one. `cargo bench
//! -p sala --bench acta_pdf` prints the median and 95th percentile of 30 renders of each, with
//! the pages and bytes; the numbers are kept in `docs/benchmarks.md`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use app::domain::board::acta::Acta;
use app::domain::board::{
    AGREEMENTS, ATTENDANCE, BARRIERS, BoardView, COMMITMENTS, Field, put_record,
};
use chrono::NaiveDate;
use yrs::{Doc, Transact};

const RENDERS: usize = 30;

/// A session with `n` barriers, `n` agreements, `n` commitments and `2n` attendees.
fn acta(n: usize) -> Acta {
    let doc = Doc::new();
    {
        let mut txn = doc.transact_mut();
        let text = |s: String| Field::Text(s);
        for i in 0..n {
            put_record(
                &mut txn,
                BARRIERS,
                &format!("b{i}"),
                &[
                    (
                        "description",
                        text(format!(
                            "Barrera {i}: las citas de control quedan a dos horas de la vereda y no hay transporte"
                        )),
                    ),
                    ("institution", text("Subred Sur".into())),
                ],
                "Ana",
                i as f64,
            );
            put_record(&mut txn, AGREEMENTS, &format!("a{i}"), &[
                ("statement", text(format!("Acuerdo {i}: brigada mensual con la EPS en el salón comunal"))),
                ("outcome", text("Votación: aprobado · 9 a favor, 2 en contra, 1 abstención · 12 de 15 integrantes · hay quórum".into())),
            ], "Ana", i as f64);
            put_record(
                &mut txn,
                COMMITMENTS,
                &format!("c{i}"),
                &[
                    (
                        "description",
                        text(format!(
                            "Compromiso {i}: convocar a la EPS y a la Subred a la brigada"
                        )),
                    ),
                    ("responsible", text("Luis Gómez".into())),
                    ("institutions", text("EPS Sanitas".into())),
                    ("due", text("2026-12-20".into())),
                ],
                "Ana",
                i as f64,
            );
        }
        for i in 0..2 * n {
            put_record(
                &mut txn,
                ATTENDANCE,
                &format!("p{i}"),
                &[
                    ("name", text(format!("Integrante número {i}"))),
                    ("institution", text("Junta de Acción Comunal".into())),
                    ("role", text("titular".into())),
                ],
                "Ana",
                i as f64,
            );
        }
    }
    let closed_on = NaiveDate::from_ymd_opt(2026, 12, 4).expect("a date");
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
        members: 2 * n,
        board: BoardView::read(&doc.transact()),
        assets: Default::default(),
        cycle: app::domain::board::approval::ActaCycle::draft(closed_on),
        evidence: Vec::new(),
    }
}

fn main() -> Result<(), sala::pdf::PdfError> {
    println!("{RENDERS} renders each (after one to warm up): median, p95, size");
    for (label, n) in [
        ("typical session (10 of each)", 10),
        ("long session (100 of each)", 100),
    ] {
        let acta = acta(n);
        let bytes = sala::pdf::acta_pdf(&acta)?.len();
        let mut times: Vec<Duration> = Vec::with_capacity(RENDERS);
        for _ in 0..RENDERS {
            let start = Instant::now();
            black_box(sala::pdf::acta_pdf(black_box(&acta))?);
            times.push(start.elapsed());
        }
        times.sort();
        println!(
            "{label}: median {:.1} ms, p95 {:.1} ms, {} KiB",
            times[RENDERS / 2].as_secs_f64() * 1e3,
            times[RENDERS * 95 / 100].as_secs_f64() * 1e3,
            bytes / 1024
        );
    }
    Ok(())
}
