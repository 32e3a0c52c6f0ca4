//! A Mesa's recurring sessions, as a secretary says them: «el primer martes de cada mes a las
//! 9:00, hasta diciembre». The dates are computed here, pure; a date that falls on a Colombian
//! festivo is skipped and said so, never moved silently.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

use super::festivo;

/// More sessions than this in one series is a typing mistake (two years of weekly sessions).
pub const MAX_OCCURRENCES: usize = 104;

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
                    day += Duration::weeks(i64::from(every));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn series(repeat: Repeat, from: NaiveDate, until: NaiveDate) -> Series {
        Series {
            repeat,
            time: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            from,
            until,
        }
    }

    #[test]
    fn the_first_tuesday_of_every_month_skips_festivos_and_says_which() {
        let s = series(
            Repeat::Monthly {
                ordinal: Ordinal::Primero,
                weekday: Weekday::Tue,
            },
            day(2026, 12, 1),
            day(2027, 12, 31),
        );
        let dates = s.dates().unwrap();
        assert_eq!(dates.len(), 13, "December to December");
        assert_eq!(dates[0], SeriesDate::Session(day(2026, 12, 1)));
        assert_eq!(dates[1], SeriesDate::Session(day(2027, 1, 5)));
        assert!(dates.iter().all(|d| match d {
            SeriesDate::Session(d) | SeriesDate::Skipped { date: d, .. } =>
                d.weekday() == Weekday::Tue && d.day() <= 7,
        }));
        // Tuesday 8 December 2026 (Inmaculada Concepción) is the second Tuesday: a series on
        // second Tuesdays skips it and names it.
        let second = series(
            Repeat::Monthly {
                ordinal: Ordinal::Segundo,
                weekday: Weekday::Tue,
            },
            day(2026, 12, 1),
            day(2027, 1, 31),
        );
        let dates = second.dates().unwrap();
        assert!(
            matches!(&dates[0], SeriesDate::Skipped { date, festivo } if *date == day(2026, 12, 8) && festivo.contains("Inmaculada")),
            "{dates:?}"
        );
        assert_eq!(dates[1], SeriesDate::Session(day(2027, 1, 12)));
        assert_eq!(
            s.describe(),
            "El primer martes de cada mes a las 9:00, del mar 1 dic 2026 al vie 31 dic 2027"
        );
    }

    #[test]
    fn last_weekdays_and_every_other_week() {
        let last = series(
            Repeat::Monthly {
                ordinal: Ordinal::Ultimo,
                weekday: Weekday::Fri,
            },
            day(2027, 1, 1),
            day(2027, 3, 31),
        );
        let dates: Vec<_> = last.dates().unwrap();
        assert_eq!(
            dates,
            [
                SeriesDate::Session(day(2027, 1, 29)),
                SeriesDate::Session(day(2027, 2, 26)),
                SeriesDate::Skipped {
                    date: day(2027, 3, 26),
                    festivo: festivo(day(2027, 3, 26)).unwrap().to_owned()
                },
            ],
            "Viernes Santo 2027 is 26 March"
        );
        let fortnightly = series(
            Repeat::Weekly {
                every: 2,
                weekday: Weekday::Wed,
            },
            day(2027, 2, 1),
            day(2027, 3, 1),
        );
        assert_eq!(
            fortnightly.dates().unwrap(),
            [
                SeriesDate::Session(day(2027, 2, 3)),
                SeriesDate::Session(day(2027, 2, 17)),
            ]
        );
    }

    #[test]
    fn mistakes_are_refused_in_spanish() {
        let weekly = |every| Repeat::Weekly {
            every,
            weekday: Weekday::Mon,
        };
        assert_eq!(
            series(weekly(1), day(2027, 2, 1), day(2027, 1, 1)).dates(),
            Err(SeriesError::Backwards)
        );
        assert_eq!(
            series(weekly(1), day(2027, 1, 1), day(2030, 1, 1)).dates(),
            Err(SeriesError::TooMany)
        );
        assert_eq!(
            series(weekly(9), day(2027, 1, 1), day(2027, 3, 1)).dates(),
            Err(SeriesError::Every)
        );
        assert_eq!(
            series(weekly(1), day(2027, 1, 5), day(2027, 1, 6)).dates(),
            Err(SeriesError::Empty)
        );
    }
}
