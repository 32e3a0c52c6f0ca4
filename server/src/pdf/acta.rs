//! The acta as a PDF: the same record the page and the Markdown show (header, attendance,
//! agenda, follow-up, barriers, agreements, commitments with their semáforo, observations and
//! answers, corrections, approval and digest), on numbered A4 pages.

use app::domain::board::acta::Acta;
use app::domain::board::evidence::carrier_label;
use app::domain::board::quorum;
use app::domain::format_day;

use super::PdfError;
use super::layout::{Block, Weight, column, paginate, paragraph};
use super::render::{Metrics, render};

fn or_dash(text: &str) -> String {
    if text.trim().is_empty() {
        "—".to_owned()
    } else {
        text.trim().to_owned()
    }
}

fn heading(title: &str, count: Option<usize>) -> Block {
    Block::Heading(match count {
        Some(n) => format!("{title} ({n})"),
        None => title.to_owned(),
    })
}

/// The acta's blocks, in the order the page shows them.
pub fn acta_blocks(acta: &Acta) -> Vec<Block> {
    let b = &acta.board;
    let q = quorum(b.members_present(), acta.members);
    let mut blocks = vec![
        Block::Title(acta.title()),
        Block::Paragraph {
            text: acta.cycle.status_line(),
            weight: Weight::Bold,
            indent: 0.0,
        },
        Block::Table {
            columns: vec![column("", 1.0), column("", 3.0)],
            rows: [
                ("Mesa", acta.mesa_name.clone()),
                ("Sesión", acta.session_seq.to_string()),
                ("Fecha", acta.held_at.clone()),
                ("Lugar", or_dash(&acta.place)),
                ("Modalidad", acta.mode.clone()),
                ("Cierre", acta.closed_at.clone()),
                ("Quórum", q.describe()),
            ]
            .into_iter()
            .map(|(k, v)| vec![k.to_owned(), v])
            .collect(),
        },
    ];

    blocks.push(heading("Asistencia", Some(b.attendance.len())));
    if b.attendance.is_empty() {
        blocks.push(Block::Note("Sin asistentes registrados.".into()));
    } else {
        blocks.push(Block::Table {
            columns: vec![
                column("Nombre", 3.0),
                column("Institución", 3.0),
                column("Sector", 2.0),
                column("Rol", 2.0),
                column("Modalidad", 1.6),
            ],
            rows: b
                .attendance
                .iter()
                .map(|a| {
                    vec![
                        a.name.clone(),
                        or_dash(&a.institution),
                        or_dash(&a.sector),
                        a.role.label().to_owned(),
                        a.mode.label().to_owned(),
                    ]
                })
                .collect(),
        });
    }

    blocks.push(heading("Orden del día", None));
    if b.agenda.is_empty() {
        blocks.push(Block::Note("Sin puntos registrados.".into()));
    }
    for (n, item) in b.agenda.iter().enumerate() {
        let presenter = if item.presenter.trim().is_empty() {
            String::new()
        } else {
            format!(" · presenta {}", item.presenter.trim())
        };
        blocks.push(Block::Paragraph {
            text: format!(
                "{}. {} — {}{presenter}",
                n + 1,
                item.title.trim(),
                item.status.label()
            ),
            weight: Weight::Bold,
            indent: 0.0,
        });
        if !item.notes.trim().is_empty() {
            blocks.push(Block::Paragraph {
                text: item.notes.trim().to_owned(),
                weight: Weight::Regular,
                indent: 14.0,
            });
        }
    }

    if !b.followups.is_empty() {
        blocks.push(heading(
            "Seguimiento de compromisos anteriores",
            Some(b.followups.len()),
        ));
        blocks.push(Block::Table {
            columns: vec![
                column("Compromiso", 4.0),
                column("Sesión", 1.0),
                column("Responsable", 2.5),
                column("Estado", 1.8),
                column("Avance", 3.5),
            ],
            rows: b
                .followups
                .iter()
                .map(|f| {
                    vec![
                        f.description.clone(),
                        f.origin_seq.to_string(),
                        or_dash(&f.responsible),
                        f.status.label().to_owned(),
                        or_dash(&f.note),
                    ]
                })
                .collect(),
        });
    }

    blocks.push(heading("Barreras", Some(b.barriers.len())));
    if b.barriers.is_empty() {
        blocks.push(Block::Note("No se registraron barreras.".into()));
    } else {
        blocks.push(Block::Table {
            columns: vec![
                column("Barrera", 5.0),
                column("Tipo", 2.0),
                column("Territorio", 2.0),
                column("Responsable", 2.2),
                column("Sev.", 0.8),
                column("Estado", 1.6),
            ],
            rows: b
                .barriers
                .iter()
                .map(|x| {
                    let mut text = x.description.trim().to_owned();
                    if !x.route.is_empty() {
                        text.push_str(&format!("\nRuta o programa: {}", x.route));
                    }
                    if !x.population.is_empty() {
                        text.push_str(&format!("\nPoblación: {}", x.population));
                    }
                    if !x.assets.is_empty() {
                        text.push_str(&format!(
                            "\nActivos movilizados: {}",
                            acta.assets.list(&x.assets)
                        ));
                    }
                    vec![
                        text,
                        x.kind.label().to_owned(),
                        or_dash(format!("{} {}", x.localidad, x.upz).trim()),
                        or_dash(&x.institution),
                        format!("{}/5", x.severity),
                        x.status.label().to_owned(),
                    ]
                })
                .collect(),
        });
    }

    blocks.push(heading("Acuerdos", Some(b.agreements.len())));
    if b.agreements.is_empty() {
        blocks.push(Block::Note("No se registraron acuerdos.".into()));
    }
    for (n, a) in b.agreements.iter().enumerate() {
        let decided = if a.outcome.is_empty() {
            format!("decisión por {}", a.method.label().to_lowercase())
        } else {
            a.outcome.clone()
        };
        blocks.push(paragraph(format!(
            "{}. {} ({decided})",
            n + 1,
            a.statement.trim(),
        )));
    }

    blocks.push(heading("Compromisos", Some(b.commitments.len())));
    if b.commitments.is_empty() {
        blocks.push(Block::Note("No se registraron compromisos.".into()));
    } else {
        blocks.push(Block::Table {
            columns: vec![
                column("Compromiso", 4.5),
                column("Responsable", 2.2),
                column("Institución", 2.2),
                column("Fecha límite", 1.7),
                column("Estado", 1.6),
                column("Semáforo", 1.4),
            ],
            rows: b
                .commitments
                .iter()
                .map(|c| {
                    let mut text = c.description.trim().to_owned();
                    if let Some(code) = c.asset.as_deref() {
                        text.push_str(&format!("\nActivo: {}", acta.assets.name(code)));
                    }
                    vec![
                        text,
                        or_dash(&c.responsible),
                        or_dash(&c.institutions),
                        c.due.map_or("—".to_owned(), format_day),
                        c.status.label().to_owned(),
                        c.semaforo(acta.closed_on)
                            .map_or("—", |s| s.label())
                            .to_owned(),
                    ]
                })
                .collect(),
        });
    }

    if !acta.evidence.is_empty() {
        blocks.push(heading("Evidencias", Some(acta.evidence.len())));
        blocks.push(Block::Table {
            columns: vec![
                column("Registro", 4.0),
                column("Archivo", 4.0),
                column("Tipo y tamaño", 2.2),
                column("Adjuntada por", 2.4),
            ],
            rows: acta
                .evidence
                .iter()
                .map(|e| {
                    vec![
                        carrier_label(&acta.board, e),
                        // The digest's head identifies the file; the Markdown acta has it whole.
                        format!(
                            "{}\nSHA-256 {}…",
                            e.file_name,
                            e.sha256.chars().take(16).collect::<String>()
                        ),
                        format!("{} · {}", e.type_label, e.size_label()),
                        e.uploaded_by.clone(),
                    ]
                })
                .collect(),
        });
    }

    cycle_blocks(acta, &mut blocks);
    blocks
}

/// Observations and answers, corrections, approval and digest.
fn cycle_blocks(acta: &Acta, blocks: &mut Vec<Block>) {
    let cycle = &acta.cycle;
    blocks.push(heading(
        "Observaciones al borrador",
        Some(cycle.observations.len()),
    ));
    if cycle.observations.is_empty() {
        blocks.push(Block::Note("No se recibieron observaciones.".into()));
    }
    for o in &cycle.observations {
        blocks.push(Block::Paragraph {
            text: format!("{}. {} ({})", o.id, o.author, o.at),
            weight: Weight::Bold,
            indent: 0.0,
        });
        blocks.push(Block::Paragraph {
            text: o.text.clone(),
            weight: Weight::Regular,
            indent: 14.0,
        });
        if let Some(answer) = &o.answer {
            blocks.push(Block::Paragraph {
                text: format!(
                    "Respuesta de {} ({}): {}",
                    answer.by, answer.at, answer.text
                ),
                weight: Weight::Regular,
                indent: 28.0,
            });
        }
    }
    if !cycle.corrections.is_empty() {
        blocks.push(heading(
            "Correcciones al borrador",
            Some(cycle.corrections.len()),
        ));
        blocks.push(Block::Table {
            columns: vec![
                column("Campo", 1.6),
                column("Decía", 3.0),
                column("Dice", 3.0),
                column("Quién", 1.8),
                column("Cuándo", 1.8),
            ],
            rows: cycle
                .corrections
                .iter()
                .map(|c| {
                    vec![
                        c.label.clone(),
                        c.before.clone(),
                        c.after.clone(),
                        c.by.clone(),
                        c.at.clone(),
                    ]
                })
                .collect(),
        });
    }
    blocks.push(heading("Aprobación", None));
    match &cycle.approval {
        Some(approval) => {
            blocks.push(paragraph(approval.describe()));
            blocks.push(Block::Space(4.0));
            blocks.push(Block::Paragraph {
                text: "Huella SHA-256 del acta aprobada:".into(),
                weight: Weight::Bold,
                indent: 0.0,
            });
            blocks.push(paragraph(approval.digest.clone()));
        }
        None => blocks.push(paragraph(cycle.status_line())),
    }
}

/// The acta as a PDF file.
pub fn acta_pdf(acta: &Acta) -> Result<Vec<u8>, PdfError> {
    let metrics = Metrics::get()?;
    let footer = format!(
        "{} · Acta n.º {} · {}",
        acta.mesa_name,
        acta.number,
        acta.cycle.state().label()
    );
    let pages = paginate(metrics, &acta_blocks(acta), &footer, &acta.title());
    render(&pages, &acta.title())
}

#[cfg(test)]
#[path = "acta_tests.rs"]
mod tests;
