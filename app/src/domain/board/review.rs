//! Review of a board after the session: what changed between two moments, in words, so leaders
//! can read a timeline of who added or changed what, and step through the board's history.

use serde::{Deserialize, Serialize};

use super::{BoardRecord, BoardView, Stamp, excerpt};

/// One line of the timeline: after `step` stored updates the board looked like this change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// How many stored updates to replay to see the board right after this change.
    pub step: usize,
    /// When it was stored (RFC 3339, UTC).
    pub at: String,
    pub who: String,
    pub what: String,
    /// Groups consecutive edits of one record by one person (typing is many updates).
    #[serde(skip)]
    pub key: String,
}

/// What one session recorded about a carried-over commitment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommitmentReview {
    pub session_id: i64,
    pub session_seq: i64,
    pub held_at: chrono::DateTime<chrono::Utc>,
    pub status: super::CommitmentStatus,
    pub note: String,
    pub reviewed_by: String,
}

/// A commitment's life across sessions: where it was agreed and every review since.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommitmentHistory {
    pub mesa_code: String,
    pub origin_session: i64,
    pub origin_seq: i64,
    pub commitment: super::Commitment,
    pub reviews: Vec<CommitmentReview>,
}

impl CommitmentHistory {
    /// How many later sessions it was carried into.
    pub fn carry_overs(&self) -> usize {
        self.reviews.len()
    }

    /// Its status now: the latest review's, or the one it was agreed with.
    pub fn current_status(&self) -> super::CommitmentStatus {
        self.reviews
            .last()
            .map_or(self.commitment.status, |r| r.status)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardHistory {
    pub steps: usize,
    pub timeline: Vec<TimelineEntry>,
    /// The Mesa's registered members that quorum is counted against: the acta's count once the
    /// session is closed (so the review and the acta agree), today's count before.
    #[serde(default)]
    pub members: usize,
}

struct Item<'a> {
    kind: &'static str,
    id: &'a str,
    label: String,
    stamp: &'a Stamp,
    /// Everything that can change, to notice an edit.
    fingerprint: String,
}

fn items(b: &BoardView) -> Vec<Item<'_>> {
    fn of<R: BoardRecord + std::fmt::Debug>(records: &[R]) -> impl Iterator<Item = Item<'_>> {
        records.iter().map(|r| Item {
            kind: R::NOUN,
            id: r.id(),
            label: r.summary().to_owned(),
            stamp: r.stamp(),
            // The stamp alone is not an edit (removing a record first stamps who removes it).
            fingerprint: format!("{:?}", r.unstamped()),
        })
    }
    of(&b.agenda)
        .chain(of(&b.barriers))
        .chain(of(&b.agreements))
        .chain(of(&b.commitments))
        .chain(of(&b.attendance))
        .collect()
}

fn quoted(label: &str) -> String {
    let short = excerpt(label, 60);
    if short.is_empty() {
        "(sin texto)".into()
    } else {
        format!("«{short}»")
    }
}

/// The changes from `before` to `after`: (who, what, grouping key).
pub fn changes(before: &BoardView, after: &BoardView) -> Vec<(String, String, String)> {
    let old = items(before);
    let new = items(after);
    let mut out = Vec::new();
    let who = |s: &str| {
        if s.is_empty() {
            "Alguien".to_owned()
        } else {
            s.to_owned()
        }
    };
    for item in &new {
        match old.iter().find(|o| o.id == item.id) {
            None => out.push((
                who(&item.stamp.created_by),
                format!("agregó {} {}", item.kind, quoted(&item.label)),
                format!("{}:{}", item.id, item.stamp.created_by),
            )),
            Some(o) if o.fingerprint != item.fingerprint => out.push((
                who(&item.stamp.updated_by),
                format!("modificó {} {}", item.kind, quoted(&item.label)),
                format!("{}:{}", item.id, item.stamp.updated_by),
            )),
            Some(_) => {}
        }
    }
    for item in &old {
        if !new.iter().any(|n| n.id == item.id) {
            out.push((
                who(&item.stamp.deleted_by),
                format!("eliminó {} {}", item.kind, quoted(&item.label)),
                format!("{}:eliminado", item.id),
            ));
        }
    }
    if before.current_item != after.current_item
        && let Some(current) = after
            .current_item
            .as_deref()
            .and_then(|id| after.agenda_item(id))
    {
        out.push((
            "Facilitación".to_owned(),
            format!("pasó al punto {}", quoted(&current.title)),
            format!("actual:{}", current.id),
        ));
    }
    out
}

/// Who sent a stored update, as the server knew it from the socket's credential (stored as JSON
/// beside the update). `name` is the account's or the invitation's; an invitation without a name
/// leaves it to the document's claim, marked as unverified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sender {
    pub name: Option<String>,
    /// `cuenta 7`, `invitación de participante`.
    pub via: String,
}

impl Sender {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// What the review says for a change the document attributes to `claimed`.
    pub fn describe(&self, claimed: &str) -> String {
        match &self.name {
            Some(name) => format!("{name} ({})", self.via),
            None => format!("{claimed} ({}; nombre no verificado)", self.via),
        }
    }
}

/// Appends the changes of one step, folding a run of edits to the same record by the same
/// person into its latest entry (one line per burst of typing, not per keystroke). `author` is
/// who sent the step, as the server recorded it from the socket's credential: when known it is
/// the one named, whatever the document's `createdBy`/`updatedBy` claim (any writer can type
/// any name there); older steps and foreign writes fall back to the document's word.
pub fn push_changes(
    timeline: &mut Vec<TimelineEntry>,
    step: usize,
    at: &str,
    author: Option<&str>,
    before: &BoardView,
    after: &BoardView,
) {
    let sender = author.map(|raw| {
        serde_json::from_str::<Sender>(raw).unwrap_or_else(|_| Sender {
            name: Some(raw.to_owned()),
            via: "registrado por el servidor".into(),
        })
    });
    for (claimed, what, key) in changes(before, after) {
        let (who, key) = match &sender {
            Some(sender) => {
                let who = sender.describe(&claimed);
                let key = format!("{key}|{who}");
                (who, key)
            }
            None => (claimed, key),
        };
        if let Some(last) = timeline.last_mut()
            && last.key == key
        {
            last.step = step;
            last.at = at.to_owned();
            if !what.starts_with("modificó") || !last.what.starts_with("agregó") {
                last.what = what;
            } else {
                // "agregó" then edits: keep saying it was added, with its final text.
                last.what = what.replacen("modificó", "agregó", 1);
            }
            continue;
        }
        timeline.push(TimelineEntry {
            step,
            at: at.to_owned(),
            who,
            what,
            key,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::{AgendaItem, AgendaStatus};
    use super::*;

    fn item(id: &str, title: &str, by: &str) -> AgendaItem {
        AgendaItem {
            id: id.into(),
            title: title.into(),
            notes: String::new(),
            presenter: String::new(),
            minutes: 10,
            status: AgendaStatus::Pendiente,
            position: 1.0,
            stamp: Stamp {
                created_by: by.into(),
                updated_by: by.into(),
                ..Stamp::default()
            },
        }
    }

    #[test]
    fn the_server_recorded_author_is_named_whatever_the_document_claims() {
        let empty = BoardView::default();
        let mut claimed = empty.clone();
        claimed
            .agenda
            .push(item("a", "Salud mental", "Alcalde Mayor"));
        let mut edited = claimed.clone();
        edited.agenda[0].title = "Salud mental en colegios".into();
        let ana = Sender {
            name: Some("Ana Pérez".into()),
            via: "cuenta 3".into(),
        }
        .to_json();
        let unnamed = Sender {
            name: None,
            via: "invitación de participante".into(),
        }
        .to_json();
        let mut timeline = Vec::new();
        push_changes(&mut timeline, 1, "t1", Some(&ana), &empty, &claimed);
        // Another sender continuing the same record is a line of their own; an invitation
        // without a name leaves the document's claim, marked as unverified.
        push_changes(&mut timeline, 2, "t2", Some(&unnamed), &claimed, &edited);
        let lines: Vec<_> = timeline
            .iter()
            .map(|e| (e.who.as_str(), e.what.as_str()))
            .collect();
        assert_eq!(
            lines,
            [
                ("Ana Pérez (cuenta 3)", "agregó el punto «Salud mental»"),
                (
                    "Alcalde Mayor (invitación de participante; nombre no verificado)",
                    "modificó el punto «Salud mental en colegios»"
                ),
            ]
        );
    }

    #[test]
    fn typing_folds_into_one_entry_and_removals_are_told() {
        let empty = BoardView::default();
        let mut one = empty.clone();
        one.agenda.push(item("a", "Sal", "Ana"));
        let mut two = one.clone();
        two.agenda[0].title = "Salud mental".into();
        let mut three = two.clone();
        three.agenda[0].stamp.updated_by = "Luis".into();
        three.agenda[0].minutes = 20;
        // Removing first stamps who removes it: not an edit of its own.
        let mut stamped = three.clone();
        stamped.agenda[0].stamp.deleted_by = "Marta".into();
        let mut timeline = Vec::new();
        push_changes(&mut timeline, 1, "t1", None, &empty, &one);
        push_changes(&mut timeline, 2, "t2", None, &one, &two);
        push_changes(&mut timeline, 3, "t3", None, &two, &three);
        push_changes(&mut timeline, 4, "t4", None, &three, &stamped);
        push_changes(&mut timeline, 5, "t5", None, &stamped, &empty);
        // A board from before `deletedBy` does not know.
        push_changes(&mut timeline, 6, "t6", None, &empty, &three);
        push_changes(&mut timeline, 7, "t7", None, &three, &empty);
        let lines: Vec<_> = timeline
            .iter()
            .map(|e| (e.step, e.who.as_str(), e.what.as_str()))
            .collect();
        assert_eq!(
            lines,
            [
                (2, "Ana", "agregó el punto «Salud mental»"),
                (3, "Luis", "modificó el punto «Salud mental»"),
                (5, "Marta", "eliminó el punto «Salud mental»"),
                (6, "Ana", "agregó el punto «Salud mental»"),
                (7, "Alguien", "eliminó el punto «Salud mental»"),
            ]
        );
    }
}
