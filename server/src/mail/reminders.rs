//! Which commitments to remind whom of today: those due in one of the reminder days (7 and 1 by
//! default) and those that became overdue yesterday, grouped into one reminder per person.
//! Commitments name people as typed on the board, so a person is matched by
//! [`names_person`]; pure, so the days and the grouping are tested with plain values.

use app::domain::names_person;
use chrono::NaiveDate;

use super::recipient::Recipient;

/// The reminder days when none are configured.
pub const DEFAULT_DAYS_BEFORE: [i64; 2] = [7, 1];

/// An open commitment with a due date, from some Mesa's boards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenCommitment {
    pub id: String,
    pub description: String,
    pub responsible: String,
    pub due: NaiveDate,
    pub mesa_name: String,
    pub session_id: i64,
}

/// Why a commitment is in today's reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nudge {
    DueIn(i64),
    Overdue,
}

impl Nudge {
    pub fn label(self) -> String {
        match self {
            Self::DueIn(0) => "vence hoy".into(),
            Self::DueIn(1) => "vence mañana".into(),
            Self::DueIn(days) => format!("vence en {days} días"),
            Self::Overdue => "venció ayer".into(),
        }
    }

    /// Today's nudge for a commitment due on `due`, if today is one of its days.
    pub fn of(due: NaiveDate, today: NaiveDate, days_before: &[i64]) -> Option<Self> {
        let ahead = (due - today).num_days();
        if ahead == -1 {
            Some(Self::Overdue)
        } else if ahead >= 0 && days_before.contains(&ahead) {
            Some(Self::DueIn(ahead))
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub nudge: Nudge,
    pub commitment: OpenCommitment,
}

/// One person's reminder for the day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    pub to: Recipient,
    pub items: Vec<Item>,
}

/// Today's reminders: for each commitment with a nudge today, every person of `people` it
/// names (a commitment «Ana Pérez y Luis Gómez» reminds both); one reminder per address, its
/// items overdue first, then soonest due. `people` are those of the commitment's Mesa, given
/// with it.
pub fn reminders(
    today: NaiveDate,
    commitments: &[(OpenCommitment, Vec<Recipient>)],
    days_before: &[i64],
) -> Vec<Reminder> {
    let mut out: Vec<Reminder> = Vec::new();
    for (commitment, people) in commitments {
        let Some(nudge) = Nudge::of(commitment.due, today, days_before) else {
            continue;
        };
        let mut reminded: Vec<&str> = Vec::new();
        for person in people {
            let email = person.email.as_str();
            if !names_person(&commitment.responsible, &person.name)
                || reminded.iter().any(|e| e.eq_ignore_ascii_case(email))
            {
                continue;
            }
            reminded.push(email);
            let item = Item {
                nudge,
                commitment: commitment.clone(),
            };
            match out
                .iter_mut()
                .find(|r| r.to.email.eq_ignore_ascii_case(email))
            {
                Some(existing) => existing.items.push(item),
                None => out.push(Reminder {
                    to: person.clone(),
                    items: vec![item],
                }),
            }
        }
    }
    for reminder in &mut out {
        reminder
            .items
            .sort_by_key(|i| (i.nudge != Nudge::Overdue, i.commitment.due));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, 3, d).unwrap()
    }

    fn person(name: &str, email: &str) -> Recipient {
        Recipient {
            name: name.into(),
            email: email.into(),
        }
    }

    fn commitment(id: &str, responsible: &str, due: NaiveDate) -> OpenCommitment {
        OpenCommitment {
            id: id.into(),
            description: format!("Compromiso {id}"),
            responsible: responsible.into(),
            due,
            mesa_name: "Mesa Local de Bosa".into(),
            session_id: 4,
        }
    }

    #[test]
    fn a_commitment_is_nudged_seven_days_and_one_day_before_and_the_day_after() {
        let due = day(20);
        let nudged: Vec<(u32, Nudge)> = (1..=31)
            .filter_map(|d| NaiveDate::from_ymd_opt(2027, 3, d))
            .filter_map(|today| {
                Nudge::of(due, today, &DEFAULT_DAYS_BEFORE)
                    .map(|n| (today.format("%d").to_string().parse().unwrap(), n))
            })
            .collect();
        assert_eq!(
            nudged,
            vec![
                (13, Nudge::DueIn(7)),
                (19, Nudge::DueIn(1)),
                (21, Nudge::Overdue)
            ]
        );
        assert_eq!(Nudge::of(due, day(20), &[0]), Some(Nudge::DueIn(0)));
        assert_eq!(Nudge::DueIn(1).label(), "vence mañana");
        assert_eq!(Nudge::DueIn(7).label(), "vence en 7 días");
    }

    #[test]
    fn one_reminder_per_person_listing_all_of_theirs() {
        let ana = person("Ana María Pérez", "ana@subred.gov.co");
        let luis = person("Luis Gómez", "luis@eps.co");
        let people = vec![ana.clone(), luis.clone()];
        let today = day(12);
        let commitments = vec![
            (commitment("c1", "Ana Pérez", day(19)), people.clone()),
            (
                commitment("c2", "Ana Pérez y Luis Gómez", day(13)),
                people.clone(),
            ),
            (commitment("c3", "Ana Pérez", day(11)), people.clone()),
            // not today: due in 3 days
            (commitment("c4", "Ana Pérez", day(15)), people.clone()),
            // names nobody with an address
            (commitment("c5", "Marta Ruiz", day(13)), people.clone()),
        ];
        let sent = reminders(today, &commitments, &DEFAULT_DAYS_BEFORE);
        assert_eq!(sent.len(), 2);
        assert_eq!(sent[0].to, ana);
        let ids: Vec<(&str, Nudge)> = sent[0]
            .items
            .iter()
            .map(|i| (i.commitment.id.as_str(), i.nudge))
            .collect();
        assert_eq!(
            ids,
            vec![
                ("c3", Nudge::Overdue),
                ("c2", Nudge::DueIn(1)),
                ("c1", Nudge::DueIn(7))
            ]
        );
        assert_eq!(sent[1].to, luis);
        assert_eq!(sent[1].items.len(), 1);
    }

    #[test]
    fn one_address_listed_twice_is_reminded_once() {
        // the same person as a member (contact) and as an account of the Mesa
        let people = vec![
            person("Ana Pérez", "ana@subred.gov.co"),
            person("Ana Pérez", "ANA@subred.gov.co"),
        ];
        let sent = reminders(
            day(12),
            &[(commitment("c1", "Ana Pérez", day(13)), people)],
            &DEFAULT_DAYS_BEFORE,
        );
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].items.len(), 1);
    }

    #[test]
    fn a_short_name_does_not_remind_a_longer_one() {
        let people = vec![person("Mariana López", "mariana@x.co")];
        let sent = reminders(
            day(12),
            &[(commitment("c1", "Ana", day(13)), people)],
            &DEFAULT_DAYS_BEFORE,
        );
        assert!(sent.is_empty());
    }
}
