//! What is still open on a board when the coordination goes to close it (agenda items not
//! treated, commitments without responsible or due date, barriers without type or responsible
//! institution): shown before the
//! session is closed into its acta, so the secretary can go back and complete it.

use super::{AgendaStatus, BarrierType, BoardRecord, BoardView, excerpt};

/// One line per thing left open, in board order; empty when the board is complete.
pub fn still_open(board: &BoardView) -> Vec<String> {
    let name = |text: &str, none: &str| {
        let short = excerpt(text, 60);
        if short.is_empty() {
            none.to_owned()
        } else {
            format!("«{short}»")
        }
    };
    let mut open = Vec::new();
    for item in &board.agenda {
        if item.status != AgendaStatus::Tratado {
            open.push(format!(
                "El punto {} está {}.",
                name(&item.title, "sin tema"),
                item.status.label().to_lowercase()
            ));
        }
    }
    for c in board.commitments.iter().filter(|c| c.has_content()) {
        let what = name(&c.description, "sin descripción");
        if c.responsible.trim().is_empty() {
            open.push(format!("El compromiso {what} no tiene responsable."));
        }
        if c.due.is_none() {
            open.push(format!("El compromiso {what} no tiene fecha límite."));
        }
    }
    for b in board.barriers.iter().filter(|b| b.has_content()) {
        if b.kind == BarrierType::SinTipo {
            open.push(format!(
                "La barrera {} no tiene tipo.",
                name(&b.description, "sin descripción")
            ));
        }
        if b.institution.trim().is_empty() {
            open.push(format!(
                "La barrera {} no tiene institución responsable.",
                name(&b.description, "sin descripción")
            ));
        }
    }
    open
}

#[cfg(test)]
mod tests {
    use yrs::{Doc, Transact};

    use super::super::{AGENDA, BARRIERS, COMMITMENTS, Field, put_record};
    use super::*;

    #[test]
    fn lists_untreated_items_and_incomplete_commitments_and_barriers() {
        let doc = Doc::new();
        {
            let mut txn = doc.transact_mut();
            let text = |s: &str| Field::Text(s.into());
            put_record(
                &mut txn,
                AGENDA,
                "a1",
                &[("title", text("Seguimiento")), ("status", text("tratado"))],
                "Ana",
                1.0,
            );
            put_record(
                &mut txn,
                AGENDA,
                "a2",
                &[
                    ("title", text("Salud mental")),
                    ("status", text("en_curso")),
                ],
                "Ana",
                2.0,
            );
            put_record(
                &mut txn,
                COMMITMENTS,
                "c1",
                &[
                    ("description", text("Brigada en Bosa")),
                    ("responsible", text("Ana")),
                    ("due", text("2030-01-01")),
                ],
                "Ana",
                3.0,
            );
            put_record(
                &mut txn,
                COMMITMENTS,
                "c2",
                &[("description", text("Visitas"))],
                "Ana",
                4.0,
            );
            put_record(
                &mut txn,
                COMMITMENTS,
                "c3",
                &[("description", text(""))],
                "Ana",
                5.0,
            );
            put_record(
                &mut txn,
                BARRIERS,
                "b1",
                &[("description", text("Sin transporte"))],
                "Ana",
                6.0,
            );
            put_record(
                &mut txn,
                BARRIERS,
                "b2",
                &[
                    ("description", text("Citas lejanas")),
                    ("type", text("sin_tipo")),
                    ("institution", text("Subred Sur")),
                ],
                "Ana",
                7.0,
            );
        }
        let board = BoardView::read(&doc.transact());
        assert_eq!(
            still_open(&board),
            [
                "El punto «Salud mental» está en curso.",
                "El compromiso «Visitas» no tiene responsable.",
                "El compromiso «Visitas» no tiene fecha límite.",
                "La barrera «Sin transporte» no tiene institución responsable.",
                "La barrera «Citas lejanas» no tiene tipo.",
            ]
        );
        assert!(still_open(&BoardView::default()).is_empty());
    }
}
