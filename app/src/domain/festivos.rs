//! Colombia's public holidays (festivos) and working days, computed rather than listed so that
//! they hold for any year: the fixed ones, the ones Ley 51 de 1983 (Ley Emiliani) moves to the
//! following Monday, and those that follow Easter (Jueves and Viernes Santo, and Ascensión,
//! Corpus Christi and Sagrado Corazón, moved to Monday). An acta's observation period and a
//! series of sessions count with these.

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// Every festivo of `year`, in order, with its name.
pub fn festivos(year: i32) -> Vec<(NaiveDate, &'static str)> {
    let day = |month, day| NaiveDate::from_ymd_opt(year, month, day);
    let mut out: Vec<(NaiveDate, &'static str)> = Vec::new();
    for (month, d, name) in [
        (1, 1, "Año Nuevo"),
        (5, 1, "Día del Trabajo"),
        (7, 20, "Día de la Independencia"),
        (8, 7, "Batalla de Boyacá"),
        (12, 8, "Inmaculada Concepción"),
        (12, 25, "Navidad"),
    ] {
        out.extend(day(month, d).map(|date| (date, name)));
    }
    for (month, d, name) in [
        (1, 6, "Reyes Magos"),
        (3, 19, "San José"),
        (6, 29, "San Pedro y San Pablo"),
        (8, 15, "Asunción de la Virgen"),
        (10, 12, "Día de la Raza"),
        (11, 1, "Todos los Santos"),
        (11, 11, "Independencia de Cartagena"),
    ] {
        out.extend(day(month, d).map(|date| (next_monday(date), name)));
    }
    if let Some(easter) = easter_sunday(year) {
        let shifted = |days: i64| easter.checked_add_signed(chrono::Duration::days(days));
        out.extend(shifted(-3).map(|d| (d, "Jueves Santo")));
        out.extend(shifted(-2).map(|d| (d, "Viernes Santo")));
        // Thursday 39, 60 and Friday 68 days after Easter, each moved to the Monday after
        out.extend(shifted(43).map(|d| (d, "Ascensión del Señor")));
        out.extend(shifted(64).map(|d| (d, "Corpus Christi")));
        out.extend(shifted(71).map(|d| (d, "Sagrado Corazón")));
    }
    out.sort();
    out
}

/// The festivo on `date`, if it is one.
pub fn festivo(date: NaiveDate) -> Option<&'static str> {
    festivos(date.year())
        .into_iter()
        .find(|(d, _)| *d == date)
        .map(|(_, name)| name)
}

/// Monday to Friday and not a festivo.
pub fn is_working_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && festivo(date).is_none()
}

/// The date `n` working days after `from` (not counting `from` itself): five working days after
/// a Friday closing end on the next Friday, or later when a festivo falls between.
pub fn add_working_days(from: NaiveDate, n: u32) -> NaiveDate {
    let mut date = from;
    let mut left = n;
    while left > 0 {
        match date.checked_add_days(Days::new(1)) {
            Some(next) => date = next,
            None => break,
        }
        if is_working_day(date) {
            left -= 1;
        }
    }
    date
}

/// The day itself if it is a Monday, else the Monday after (Ley Emiliani).
fn next_monday(date: NaiveDate) -> NaiveDate {
    let ahead = (7 - date.weekday().num_days_from_monday()) % 7;
    date.checked_add_days(Days::new(u64::from(ahead)))
        .unwrap_or(date)
}

/// Easter Sunday of the Gregorian calendar (the anonymous algorithm, Meeus/Jones/Butcher).
fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_festivos_of_2026_are_the_eighteen_of_the_official_calendar() {
        let dates: Vec<String> = festivos(2026)
            .iter()
            .map(|(date, _)| date.to_string())
            .collect();
        assert_eq!(
            dates,
            [
                "2026-01-01",
                "2026-01-12",
                "2026-03-23",
                "2026-04-02",
                "2026-04-03",
                "2026-05-01",
                "2026-05-18",
                "2026-06-08",
                "2026-06-15",
                "2026-06-29",
                "2026-07-20",
                "2026-08-07",
                "2026-08-17",
                "2026-10-12",
                "2026-11-02",
                "2026-11-16",
                "2026-12-08",
                "2026-12-25",
            ]
        );
        assert_eq!(festivo(d("2026-01-12")), Some("Reyes Magos"));
    }

    #[test]
    fn easter_and_the_holidays_that_follow_it_move_with_the_year() {
        assert_eq!(easter_sunday(2025), Some(d("2025-04-20")));
        assert_eq!(easter_sunday(2027), Some(d("2027-03-28")));
        let named = |year, name| {
            festivos(year)
                .into_iter()
                .find(|(_, n)| *n == name)
                .map(|(date, _)| date)
        };
        assert_eq!(named(2025, "Ascensión del Señor"), Some(d("2025-06-02")));
        assert_eq!(named(2025, "Corpus Christi"), Some(d("2025-06-23")));
        assert_eq!(named(2025, "Sagrado Corazón"), Some(d("2025-06-30")));
        // a holiday already on a Monday stays there
        assert_eq!(named(2026, "Día de la Raza"), Some(d("2026-10-12")));
        assert_eq!(festivos(2027).len(), 18);
    }

    #[test]
    fn working_days_skip_weekends_and_festivos() {
        // closing on Friday 2026-12-04: Monday 7, Tuesday 8 is a festivo, then 9, 10, 11, 14
        assert_eq!(add_working_days(d("2026-12-04"), 5), d("2026-12-14"));
        assert_eq!(add_working_days(d("2026-11-23"), 5), d("2026-11-30"));
        assert_eq!(add_working_days(d("2026-11-23"), 0), d("2026-11-23"));
        assert!(!is_working_day(d("2026-12-08")));
        assert!(!is_working_day(d("2026-12-05")));
        assert!(is_working_day(d("2026-12-09")));
    }
}
