//! A Mesa's recurring sessions, as a secretary says them: «el primer martes de cada mes a las
//! 9:00, hasta diciembre». The dates are computed here, pure; a date that falls on a Colombian
//! festivo is skipped and said so, never moved silently.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use serde::{Deserialize, Serialize};

use super::{FieldErrors, NewSession, ScheduleRequest, Session, festivo};

/// More sessions than this in one series is a typing mistake (two years of weekly sessions).
pub const MAX_OCCURRENCES: usize = 104;

/// A series may reach this far ahead (as a single date, further is usually a mistyped year).
const FAR_AHEAD_DAYS: i64 = 2 * 365;

code_enum!(
    /// Which of the month's weekdays.
    Ordinal {
        Primero = "1" / "primer",
        Segundo = "2" / "segundo",
        Tercero = "3" / "tercer",
        Cuarto = "4" / "cuarto",
        Ultimo = "ultimo" / "último",
    }
);

/// How often.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Repeat {
    /// The `ordinal` `weekday` of every month.
    Monthly { ordinal: Ordinal, weekday: Weekday },
    /// Every `every` weeks on `weekday`.
    Weekly { every: u32, weekday: Weekday },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Series {
    pub repeat: Repeat,
    /// Bogotá local time of each session.
    pub time: NaiveTime,
    pub from: NaiveDate,
    pub until: NaiveDate,
}

/// One date of the series: a session, or a festivo it skips.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SeriesDate {
    Session(NaiveDate),
    Skipped { date: NaiveDate, festivo: String },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeriesError {
    #[error("La fecha final es anterior a la inicial.")]
    Backwards,
    #[error("La serie tendría más de {MAX_OCCURRENCES} sesiones: acorte el periodo.")]
    TooMany,
    #[error("Cada cuántas semanas: entre 1 y 4.")]
    Every,
    #[error("En ese periodo no cae ninguna fecha de la serie.")]
    Empty,
}

/// Spanish weekday names, as the series is said.
pub fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "lunes",
        Weekday::Tue => "martes",
        Weekday::Wed => "miércoles",
        Weekday::Thu => "jueves",
        Weekday::Fri => "viernes",
        Weekday::Sat => "sábado",
        Weekday::Sun => "domingo",
    }
}

/// The `ordinal` `weekday` of the month of `year`/`month`.
fn nth_weekday(year: i32, month: u32, ordinal: Ordinal, weekday: Weekday) -> Option<NaiveDate> {
    let n = match ordinal {
        Ordinal::Primero => 1,
        Ordinal::Segundo => 2,
        Ordinal::Tercero => 3,
        Ordinal::Cuarto => 4,
        Ordinal::Ultimo => {
            let next = if month == 12 {
                NaiveDate::from_ymd_opt(year + 1, 1, 1)?
            } else {
                NaiveDate::from_ymd_opt(year, month + 1, 1)?
            };
            let last = next.pred_opt()?;
            let back =
                (7 + last.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
            return Some(last - Duration::days(i64::from(back)));
        }
    };
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, n)
}

impl Series {
    /// Every date from `from` to `until` (both included), festivos marked as skipped.
    pub fn dates(&self) -> Result<Vec<SeriesDate>, SeriesError> {
        if self.until < self.from {
            return Err(SeriesError::Backwards);
        }
        // more than a few years cannot fit in MAX_OCCURRENCES anyway; refusing early also
        // keeps the date arithmetic far from chrono's limits
        if self.until - self.from > Duration::days(4 * 366) {
            return Err(SeriesError::TooMany);
        }
        let mut days = Vec::new();
        match self.repeat {
            Repeat::Weekly { every, weekday } => {
                if !(1..=4).contains(&every) {
                    return Err(SeriesError::Every);
                }
                let ahead = (7 + weekday.num_days_from_monday()
                    - self.from.weekday().num_days_from_monday())
                    % 7;
                let mut day = self.from + Duration::days(i64::from(ahead));
                while day <= self.until {
                    if days.len() > MAX_OCCURRENCES {
                        return Err(SeriesError::TooMany);
                    }
                    days.push(day);
                    match day.checked_add_signed(Duration::weeks(i64::from(every))) {
                        Some(next) => day = next,
                        None => break,
                    }
                }
            }
            Repeat::Monthly { ordinal, weekday } => {
                let (mut year, mut month) = (self.from.year(), self.from.month());
                loop {
                    if let Some(day) = nth_weekday(year, month, ordinal, weekday) {
                        if day > self.until {
                            break;
                        }
                        if day >= self.from {
                            days.push(day);
                        }
                    }
                    if days.len() > MAX_OCCURRENCES {
                        return Err(SeriesError::TooMany);
                    }
                    (year, month) = if month == 12 {
                        (year + 1, 1)
                    } else {
                        (year, month + 1)
                    };
                    if NaiveDate::from_ymd_opt(year, month, 1).is_none_or(|d| d > self.until) {
                        break;
                    }
                }
            }
        }
        if days.len() > MAX_OCCURRENCES {
            return Err(SeriesError::TooMany);
        }
        if days.is_empty() {
            return Err(SeriesError::Empty);
        }
        Ok(days
            .into_iter()
            .map(|date| match festivo(date) {
                Some(name) => SeriesDate::Skipped {
                    date,
                    festivo: name.to_owned(),
                },
                None => SeriesDate::Session(date),
            })
            .collect())
    }

    /// «El primer martes de cada mes a las 9:00, del 1 dic 2026 al 15 dic 2027».
    pub fn describe(&self) -> String {
        let when = match self.repeat {
            Repeat::Monthly { ordinal, weekday } => format!(
                "El {} {} de cada mes",
                ordinal.label(),
                weekday_name(weekday)
            ),
            Repeat::Weekly { every: 1, weekday } => {
                format!("Cada {}", weekday_name(weekday))
            }
            Repeat::Weekly { every, weekday } => {
                format!("Cada {every} semanas, el {}", weekday_name(weekday))
            }
        };
        format!(
            "{when} a las {}, del {} al {}",
            self.time.format("%-H:%M"),
            super::format_day(self.from),
            super::format_day(self.until)
        )
    }
}

/// A series as the form sends it, before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SeriesRequest {
    pub mesa: String,
    /// `mensual` (with `ordinal`) or `semanal` (with `every`).
    pub repeat: String,
    pub ordinal: String,
    pub every: String,
    /// `lunes` … `domingo`, without accents.
    pub weekday: String,
    /// `HH:MM`, Bogotá.
    pub time: String,
    /// `AAAA-MM-DD`.
    pub from: String,
    pub until: String,
    pub place: String,
    pub mode: String,
}

/// A validated series: the sessions to create and the festivos it skips.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedSeries {
    pub description: String,
    pub sessions: Vec<NewSession>,
    pub skipped: Vec<SkippedDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedDate {
    pub date: NaiveDate,
    pub festivo: String,
}

/// What scheduling a series did, as the form reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduledSeries {
    pub description: String,
    pub sessions: Vec<Session>,
    pub skipped: Vec<SkippedDate>,
}

const WEEKDAY_CODES: [(&str, Weekday); 7] = [
    ("lunes", Weekday::Mon),
    ("martes", Weekday::Tue),
    ("miercoles", Weekday::Wed),
    ("jueves", Weekday::Thu),
    ("viernes", Weekday::Fri),
    ("sabado", Weekday::Sat),
    ("domingo", Weekday::Sun),
];

/// The weekdays as a form offers them: `(code, name)`.
pub fn weekday_options() -> Vec<(&'static str, &'static str)> {
    WEEKDAY_CODES
        .iter()
        .map(|(code, day)| (*code, weekday_name(*day)))
        .collect()
}

impl SeriesRequest {
    /// Checks every field (each error under its name) and computes the dates; a series may
    /// not start in the past (Bogotá's today is `now`'s date there).
    pub fn validate(&self, now: DateTime<Utc>) -> Result<PlannedSeries, FieldErrors> {
        let mut errors = FieldErrors::default();
        let weekday = WEEKDAY_CODES
            .iter()
            .find(|(code, _)| *code == self.weekday.trim())
            .map(|(_, day)| *day);
        if weekday.is_none() {
            errors.add("weekday", "Elija el día de la semana.");
        }
        let repeat = match (self.repeat.trim(), weekday) {
            ("mensual", Some(weekday)) => match Ordinal::parse(self.ordinal.trim()) {
                Some(ordinal) => Some(Repeat::Monthly { ordinal, weekday }),
                None => {
                    errors.add("ordinal", "Elija cuál de los días del mes.");
                    None
                }
            },
            ("semanal", Some(weekday)) => match self.every.trim().parse::<u32>() {
                Ok(every) => Some(Repeat::Weekly { every, weekday }),
                Err(_) => {
                    errors.add("every", SeriesError::Every.to_string());
                    None
                }
            },
            ("mensual" | "semanal", None) => None,
            _ => {
                errors.add("repeat", "Elija cada cuánto se repite.");
                None
            }
        };
        let time = NaiveTime::parse_from_str(self.time.trim(), "%H:%M")
            .map_err(|_| errors.add("time", "Indique la hora (HH:MM)."))
            .ok();
        let mut day = |field: &str, text: &str| {
            NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
                .map_err(|_| errors.add(field, "Indique la fecha (AAAA-MM-DD)."))
                .ok()
        };
        let from = day("from", &self.from);
        let until = day("until", &self.until);
        let today = now.with_timezone(&super::bogota()).date_naive();
        if from.is_some_and(|from| from < today) {
            errors.add("from", "La serie no puede empezar en una fecha pasada.");
        }
        let (Some(repeat), Some(time), Some(from), Some(until)) = (repeat, time, from, until)
        else {
            return Err(errors);
        };
        let series = Series {
            repeat,
            time,
            from,
            until,
        };
        let dates = match series.dates() {
            Ok(dates) => dates,
            Err(error) => {
                let field = match error {
                    SeriesError::Every => "every",
                    _ => "until",
                };
                errors.add(field, error.to_string());
                return Err(errors);
            }
        };
        let mut sessions = Vec::new();
        let mut skipped = Vec::new();
        for date in dates {
            match date {
                SeriesDate::Skipped { date, festivo } => {
                    skipped.push(SkippedDate { date, festivo })
                }
                SeriesDate::Session(date) => {
                    let request = ScheduleRequest {
                        mesa: self.mesa.clone(),
                        at: format!("{}T{}", date.format("%Y-%m-%d"), time.format("%H:%M")),
                        place: self.place.clone(),
                        mode: self.mode.clone(),
                        // the series' own checks above stand for the single date's
                        confirmed: true,
                    };
                    match request.validate(now) {
                        Ok(session) => sessions.push(session),
                        Err(more) => {
                            for (field, message) in more.0 {
                                errors.add(&field, message);
                            }
                            return Err(errors);
                        }
                    }
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let Some(first) = sessions.first() else {
            errors.add("until", "Todas las fechas de la serie caen en festivos.");
            return Err(errors);
        };
        // today's date may already be past its hour (a series «desde hoy» at 9:00, made at 10:00)
        if first.scheduled_at() <= now {
            errors.add(
                "from",
                format!(
                    "La primera sesión de la serie ({}) ya pasó: empiece la serie después.",
                    super::format_bogota(first.scheduled_at())
                ),
            );
            return Err(errors);
        }
        // a series reaching years ahead is more likely a mistyped year than a plan
        if until > today + Duration::days(FAR_AHEAD_DAYS) {
            errors.add(
                "until",
                "La serie termina a más de dos años: revise el año o acorte el periodo.",
            );
            return Err(errors);
        }
        Ok(PlannedSeries {
            description: series.describe(),
            sessions,
            skipped,
        })
    }
}

#[cfg(test)]
#[path = "series_tests.rs"]
mod tests;
