//! Scheduling a session, correcting it while it is still *programada* (date, time, place, mode;
//! a new date is a rescheduling and needs a reason) and cancelling it with a reason. A date in the
//! past or more than two years ahead is usually a typo, so it asks for confirmation first.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::model::Session;
use super::session::{FieldErrors, SessionMode, SessionStatus};
use super::time::{format_bogota, parse_when};

pub const MAX_PLACE_LEN: usize = 200;
pub const MAX_REASON_LEN: usize = 500;
/// Further ahead than this is more likely a mistyped year than a plan.
const FAR_AHEAD_DAYS: i64 = 2 * 365;

/// A scheduling request as typed by a person (form or CLI), before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScheduleRequest {
    pub mesa: String,
    pub at: String,
    pub place: String,
    pub mode: String,
    /// The person confirmed a date in the past or far ahead.
    pub confirmed: bool,
}

/// A validated session to create. Only [`ScheduleRequest::validate`] builds one, so the store never
/// sees unchecked input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSession {
    mesa_code: String,
    scheduled_at: DateTime<Utc>,
    place: String,
    mode: SessionMode,
}

impl NewSession {
    pub fn mesa_code(&self) -> &str {
        &self.mesa_code
    }
    pub fn scheduled_at(&self) -> DateTime<Utc> {
        self.scheduled_at
    }
    pub fn place(&self) -> &str {
        &self.place
    }
    pub fn mode(&self) -> SessionMode {
        self.mode
    }
}

/// Why `at` deserves a second look, if it does.
pub fn unusual_date(at: DateTime<Utc>, now: DateTime<Utc>) -> Option<String> {
    if at < now {
        Some(format!("La fecha {} ya pasó.", format_bogota(at)))
    } else if at > now + Duration::days(FAR_AHEAD_DAYS) {
        Some(format!(
            "La fecha {} está a más de dos años.",
            format_bogota(at)
        ))
    } else {
        None
    }
}

/// The date, place and mode of a form, each error under its field's name.
fn when_place_mode(
    at: &str,
    place: &str,
    mode: &str,
    errors: &mut FieldErrors,
) -> Option<(DateTime<Utc>, String, SessionMode)> {
    let scheduled_at = parse_when(at).map_err(|m| errors.add("at", m)).ok();
    let place = place.trim();
    if place.chars().count() > MAX_PLACE_LEN {
        errors.add(
            "place",
            format!("El lugar admite máximo {MAX_PLACE_LEN} caracteres."),
        );
    }
    let mode = SessionMode::parse(mode.trim());
    if mode.is_none() {
        errors.add(
            "mode",
            "Modalidad no válida: use presencial, virtual o mixta.",
        );
    }
    Some((scheduled_at?, place.to_owned(), mode?))
}

fn confirm_unusual(
    at: DateTime<Utc>,
    now: DateTime<Utc>,
    confirmed: bool,
    errors: &mut FieldErrors,
) {
    if let Some(why) = unusual_date(at, now).filter(|_| !confirmed) {
        errors.add(
            "confirm",
            format!("{why} Si es correcta, marque «Confirmo la fecha» y envíe de nuevo."),
        );
    }
}

/// A reason as typed: required, trimmed, bounded.
fn reason(input: &str, what: &str, errors: &mut FieldErrors) -> String {
    let reason = input.trim();
    if reason.is_empty() {
        errors.add("reason", format!("Indique el motivo {what}."));
    } else if reason.chars().count() > MAX_REASON_LEN {
        errors.add(
            "reason",
            format!("El motivo admite máximo {MAX_REASON_LEN} caracteres."),
        );
    }
    reason.to_owned()
}

impl ScheduleRequest {
    pub fn validate(&self, now: DateTime<Utc>) -> Result<NewSession, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mesa_code = self.mesa.trim();
        if mesa_code.is_empty() {
            errors.add("mesa", "Indique la Mesa.");
        }
        let fields = when_place_mode(&self.at, &self.place, &self.mode, &mut errors);
        if let Some((at, ..)) = &fields {
            confirm_unusual(*at, now, self.confirmed, &mut errors);
        }
        match fields {
            Some((scheduled_at, place, mode)) if errors.is_empty() => Ok(NewSession {
                mesa_code: mesa_code.to_owned(),
                scheduled_at,
                place,
                mode,
            }),
            _ => Err(errors),
        }
    }
}

/// A correction of a scheduled session as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionEdit {
    pub at: String,
    pub place: String,
    pub mode: String,
    /// Required when the date changes (a rescheduling).
    pub reason: String,
    pub confirmed: bool,
}

/// A validated correction; only [`SessionEdit::validate`] builds one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionChanges {
    pub scheduled_at: DateTime<Utc>,
    pub place: String,
    pub mode: SessionMode,
    /// The date it had, when this correction moves it.
    pub rescheduled_from: Option<DateTime<Utc>>,
    pub reason: Option<String>,
}

/// Only a session that has not started can be corrected or cancelled.
fn still_scheduled(current: &Session, errors: &mut FieldErrors) {
    if current.status != SessionStatus::Programada {
        errors.add(
            "session",
            format!(
                "La sesión {} está {}: solo una sesión programada se puede corregir o cancelar.",
                current.seq,
                current.status.label().to_lowercase()
            ),
        );
    }
}

impl SessionEdit {
    pub fn validate(
        &self,
        current: &Session,
        now: DateTime<Utc>,
    ) -> Result<SessionChanges, FieldErrors> {
        let mut errors = FieldErrors::default();
        still_scheduled(current, &mut errors);
        let fields = when_place_mode(&self.at, &self.place, &self.mode, &mut errors);
        // The form shows minutes: a session scheduled with seconds (API, CLI) is not moved by
        // correcting only its place.
        let minute = |at: DateTime<Utc>| at.timestamp().div_euclid(60);
        let moved = fields
            .as_ref()
            .is_some_and(|(at, ..)| minute(*at) != minute(current.scheduled_at));
        let reason = if moved {
            if let Some((at, ..)) = &fields {
                confirm_unusual(*at, now, self.confirmed, &mut errors);
            }
            Some(reason(&self.reason, "de la reprogramación", &mut errors))
        } else {
            Some(self.reason.trim().to_owned()).filter(|r| !r.is_empty())
        };
        match fields {
            Some((scheduled_at, place, mode)) if errors.is_empty() => Ok(SessionChanges {
                scheduled_at,
                place,
                mode,
                rescheduled_from: moved.then_some(current.scheduled_at),
                reason,
            }),
            _ => Err(errors),
        }
    }
}

/// Cancelling: the session keeps its number in the series, with the reason.
pub fn validate_cancellation(current: &Session, input: &str) -> Result<String, FieldErrors> {
    let mut errors = FieldErrors::default();
    still_scheduled(current, &mut errors);
    let reason = reason(input, "de la cancelación", &mut errors);
    if errors.is_empty() {
        Ok(reason)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        parse_when("2026-11-30T08:00").unwrap()
    }

    fn request(at: &str, mode: &str) -> ScheduleRequest {
        ScheduleRequest {
            mesa: "local-07".into(),
            at: at.into(),
            place: "  Salón comunal Bosa Centro ".into(),
            mode: mode.into(),
            confirmed: false,
        }
    }

    #[test]
    fn a_valid_request_is_trimmed_and_normalised_to_utc() {
        let new = request("2026-12-01T09:00", "mixta")
            .validate(now())
            .unwrap();
        assert_eq!(new.mesa_code(), "local-07");
        assert_eq!(new.place(), "Salón comunal Bosa Centro");
        assert_eq!(new.mode(), SessionMode::Mixta);
        assert_eq!(new.scheduled_at().to_rfc3339(), "2026-12-01T14:00:00+00:00");
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let mut bad = request("mañana", "hibrida");
        bad.place = "x".repeat(MAX_PLACE_LEN + 1);
        bad.mesa = " ".into();
        let errors = bad.validate(now()).unwrap_err();
        for field in ["mesa", "at", "place", "mode"] {
            assert!(
                errors.get(field).is_some(),
                "missing error for {field}: {errors}"
            );
        }
    }

    #[test]
    fn a_past_or_far_date_asks_for_confirmation_first() {
        for at in ["2026-11-29T09:00", "2028-12-05T09:00"] {
            let mut asked = request(at, "presencial");
            let errors = asked.validate(now()).unwrap_err();
            let message = errors.get("confirm").unwrap();
            assert!(message.contains("Confirmo la fecha"), "{message}");
            asked.confirmed = true;
            assert!(asked.validate(now()).is_ok(), "{at} confirmed");
        }
        assert!(
            request("2028-11-01T09:00", "virtual")
                .validate(now())
                .is_ok()
        );
    }

    fn scheduled() -> Session {
        Session {
            id: 7,
            mesa_code: "local-07".into(),
            seq: 3,
            scheduled_at: parse_when("2026-12-10T09:00").unwrap(),
            place: "Alcaldía".into(),
            mode: SessionMode::Presencial,
            status: SessionStatus::Programada,
            started_at: None,
            closed_at: None,
            rescheduled_from: None,
            change_reason: None,
            cancelled_at: None,
            revision: 0,
        }
    }

    fn edit(at: &str, reason: &str) -> SessionEdit {
        SessionEdit {
            at: at.into(),
            place: " Salón comunal ".into(),
            mode: "mixta".into(),
            reason: reason.into(),
            confirmed: false,
        }
    }

    #[test]
    fn place_and_mode_change_freely_but_a_new_date_needs_a_reason() {
        let same_day = edit("2026-12-10T09:00", "").validate(&scheduled(), now());
        let changes = same_day.unwrap();
        assert_eq!(changes.place, "Salón comunal");
        assert_eq!(changes.rescheduled_from, None);

        let errors = edit("2026-12-12T09:00", " ")
            .validate(&scheduled(), now())
            .unwrap_err();
        assert!(errors.get("reason").unwrap().contains("reprogramación"));

        let moved = edit("2026-12-12T09:00", "Paro de transporte")
            .validate(&scheduled(), now())
            .unwrap();
        assert_eq!(moved.rescheduled_from, Some(scheduled().scheduled_at));
        assert_eq!(moved.reason.as_deref(), Some("Paro de transporte"));

        let mut with_seconds = scheduled();
        with_seconds.scheduled_at += chrono::Duration::seconds(30);
        let kept = edit("2026-12-10T09:00", "").validate(&with_seconds, now());
        assert_eq!(
            kept.unwrap().rescheduled_from,
            None,
            "same minute, not moved"
        );
    }

    #[test]
    fn only_a_scheduled_session_is_corrected_or_cancelled() {
        let mut started = scheduled();
        started.status = SessionStatus::EnCurso;
        let errors = edit("2026-12-10T09:00", "")
            .validate(&started, now())
            .unwrap_err();
        assert!(errors.get("session").unwrap().contains("en curso"));
        assert!(validate_cancellation(&started, "Sin quórum").is_err());
        assert_eq!(
            validate_cancellation(&scheduled(), " Sin quórum "),
            Ok("Sin quórum".into())
        );
        let errors = validate_cancellation(&scheduled(), "").unwrap_err();
        assert!(errors.get("reason").unwrap().contains("cancelación"));
    }
}
