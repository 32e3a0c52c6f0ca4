//! A new board's standing agenda: the Mesa's *orden del día tipo* written as agenda points after
//! the ones Sala adds itself (the acta's approval at 0.5, the follow-up at 1), in their order.
//! Each point is a plain record the Mesa edits, moves or removes like any other.

use app::domain::agenda_template::TemplatePoint;
use app::domain::board::records::agenda;
use app::domain::board::{AGENDA, AgendaStatus, Field, put_record};

/// Who a seeded point is by, as the board shows it.
pub const AUTHOR: &str = "Sala (orden del día tipo)";

pub fn put_standing_agenda(txn: &mut yrs::TransactionMut, points: &[TemplatePoint], now_ms: f64) {
    for (n, point) in points.iter().enumerate() {
        let mut fields = vec![
            (agenda::TITLE.name, Field::Text(point.title.clone())),
            (agenda::NOTES.name, Field::Text(String::new())),
            (agenda::PRESENTER.name, Field::Text(String::new())),
            (
                agenda::STATUS.name,
                Field::Text(AgendaStatus::Pendiente.code().into()),
            ),
            (agenda::POSITION.name, Field::Number(2.0 + n as f64)),
        ];
        if let Some(minutes) = point.minutes {
            fields.push((agenda::MINUTES.name, Field::Number(f64::from(minutes))));
        }
        put_record(
            txn,
            AGENDA,
            yrs::uuid_v4().as_ref(),
            &fields,
            AUTHOR,
            now_ms,
        );
    }
}

#[cfg(test)]
mod tests {
    use app::domain::agenda_template::parse_template;
    use app::domain::board::BoardView;
    use chrono::Utc;
    use yrs::updates::decoder::Decode;
    use yrs::{Doc, Transact, Update};

    use crate::store::CarriedOver;

    #[test]
    fn a_new_board_starts_with_the_follow_up_then_the_standing_agenda() {
        let carried = CarriedOver {
            agenda_template: parse_template("Informe de la EPS (15 min)\nVarios").unwrap(),
            ..Default::default()
        };
        let update = crate::sync::followup::seed_update(&carried, Utc::now());
        let doc = Doc::new();
        doc.transact_mut()
            .apply_update(Update::decode_v1(&update).unwrap())
            .unwrap();
        let view = BoardView::read(&doc.transact());
        let mut agenda: Vec<(f64, String, u32)> = view
            .agenda
            .iter()
            .map(|a| (a.position, a.title.clone(), a.minutes))
            .collect();
        agenda.sort_by(|a, b| a.0.total_cmp(&b.0));
        let titles: Vec<&str> = agenda.iter().map(|a| a.1.as_str()).collect();
        assert_eq!(
            titles,
            ["Seguimiento de compromisos", "Informe de la EPS", "Varios"]
        );
        assert_eq!(agenda[1].2, 15);
    }

    #[test]
    fn a_follow_up_removed_and_restored_does_not_repeat_the_standing_agenda() {
        let carried = CarriedOver {
            agenda_template: parse_template("Informe de la EPS\nVarios").unwrap(),
            ..Default::default()
        };
        let doc = Doc::new();
        let seed = crate::sync::followup::seed_update(&carried, Utc::now());
        doc.transact_mut()
            .apply_update(Update::decode_v1(&seed).unwrap())
            .unwrap();
        let follow_up = BoardView::read(&doc.transact())
            .agenda
            .into_iter()
            .find(|a| a.title == "Seguimiento de compromisos")
            .unwrap();
        app::domain::board::edit::remove_record(
            &mut doc.transact_mut(),
            app::domain::board::AGENDA,
            &follow_up.id,
        );
        assert!(crate::sync::followup::refresh(&doc, &carried, Utc::now()).is_some());
        let mut titles: Vec<String> = BoardView::read(&doc.transact())
            .agenda
            .into_iter()
            .map(|a| a.title)
            .collect();
        titles.sort();
        assert_eq!(
            titles,
            ["Informe de la EPS", "Seguimiento de compromisos", "Varios"]
        );
    }
}
