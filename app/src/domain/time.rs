//! Dates as Bogotá reads them. Colombia has no daylight saving time, so a fixed UTC−05:00 offset
//! is exact and renders identically on the server and in the browser (no hydration mismatch).

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc};

pub fn bogota() -> FixedOffset {
    FixedOffset::west_opt(5 * 3600).expect("UTC-05:00 is a valid offset")
}

/// Parses an RFC 3339 instant (CLI, API) or a `datetime-local` value such as `2026-12-01T09:00`
/// (forms), which is read as Bogotá time.
pub fn parse_when(input: &str) -> Result<DateTime<Utc>, String> {
    let input = input.trim();
    if input.is_empty() {
        return Err("Indique la fecha y hora de la sesión.".into());
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(input) {
        return Ok(at.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(input, format) {
            return bogota()
                .from_local_datetime(&naive)
                .single()
                .map(|at| at.with_timezone(&Utc))
                .ok_or_else(|| "Fecha y hora inexistentes.".to_string());
        }
    }
    Err(format!(
        "Fecha no válida: «{input}». Use el formato AAAA-MM-DDTHH:MM (hora de Bogotá) o RFC 3339."
    ))
}

const WEEKDAYS: [&str; 7] = ["lun", "mar", "mié", "jue", "vie", "sáb", "dom"];
const MONTHS: [&str; 12] = [
    "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic",
];

/// `mar 1 dic 2026, 09:00` in Bogotá time.
pub fn format_bogota(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&bogota());
    format!(
        "{} {} {} {}, {:02}:{:02}",
        WEEKDAYS[local.weekday().num_days_from_monday() as usize],
        local.day(),
        MONTHS[local.month0() as usize],
        local.year(),
        local.hour(),
        local.minute()
    )
}

/// A stored RFC 3339 instant as [`format_bogota`] writes it (unchanged if it does not parse).
pub fn format_rfc3339_bogota(at: &str) -> String {
    DateTime::parse_from_rfc3339(at)
        .map(|at| format_bogota(at.with_timezone(&Utc)))
        .unwrap_or_else(|_| at.to_owned())
}

/// `mar 1 dic 2026`: a day as every page writes it (dates without a time are Bogotá days).
pub fn format_day(day: NaiveDate) -> String {
    format!(
        "{} {} {} {}",
        WEEKDAYS[day.weekday().num_days_from_monday() as usize],
        day.day(),
        MONTHS[day.month0() as usize],
        day.year()
    )
}

/// The value a `datetime-local` input shows for an instant (Bogotá time).
pub fn to_datetime_local(at: DateTime<Utc>) -> String {
    at.with_timezone(&bogota())
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_are_bogota_time() {
        let at = parse_when("2026-12-01T09:00").unwrap();
        assert_eq!(at.to_rfc3339(), "2026-12-01T14:00:00+00:00");
        assert_eq!(to_datetime_local(at), "2026-12-01T09:00");
    }

    #[test]
    fn days_read_as_in_text() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(format_day(day), "mar 1 dic 2026");
        assert_eq!(
            format_bogota(parse_when("2026-12-01T09:05").unwrap()),
            "mar 1 dic 2026, 09:05"
        );
    }

    #[test]
    fn rfc3339_keeps_its_offset() {
        let at = parse_when("2026-12-01T09:00:00-05:00").unwrap();
        assert_eq!(at, parse_when("2026-12-01T14:00:00Z").unwrap());
    }

    #[test]
    fn nonsense_is_refused_with_a_hint() {
        assert!(parse_when("").unwrap_err().contains("Indique"));
        let err = parse_when("2026-13-45").unwrap_err();
        assert!(err.contains("AAAA-MM-DDTHH:MM"), "{err}");
    }

    #[test]
    fn spanish_rendering() {
        let at = parse_when("2026-12-01T09:05").unwrap();
        assert_eq!(format_bogota(at), "mar 1 dic 2026, 09:05");
    }
}
