//! Reporting periods in the notation health information systems write (DHIS2: `202601` a month,
//! `2026Q1` a quarter, `2026` a year), plus ISO dates (`2026-01-15`, `2026-01`), which name the
//! month that contains them. The canonical form stored and shown is DHIS2's.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A month, quarter or year.
/// Ordered chronologically: by start, then the shorter first (January, Q1, then the year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Period {
    Month { year: u16, month: u8 },
    Quarter { year: u16, quarter: u8 },
    Year { year: u16 },
}

/// Why a period cell was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error(
        "periodo «{0}» no reconocido: use 202601 (mes), 2026Q1 (trimestre), 2026 (año) o una fecha 2026-01-31"
    )]
    Unrecognised(String),
    #[error("periodo «{0}»: el mes debe estar entre 01 y 12")]
    Month(String),
    #[error("periodo «{0}»: el trimestre debe estar entre Q1 y Q4")]
    Quarter(String),
    #[error("periodo «{0}»: el año debe estar entre 1900 y 2100")]
    Year(String),
    #[error("periodo «{0}»: la fecha no existe")]
    Day(String),
}

const YEARS: std::ops::RangeInclusive<u16> = 1900..=2100;

fn digits(text: &str) -> Option<u16> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn days_in(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

impl Period {
    /// Parses a cell (surrounding blanks ignored; `q` or `Q`; a spreadsheet's `2026.0` year too).
    pub fn parse(cell: &str) -> Result<Self, PeriodError> {
        let text = cell.trim();
        let bad = || PeriodError::Unrecognised(text.to_owned());
        let year_of = |y: &str| {
            let year = digits(y).ok_or_else(bad)?;
            if YEARS.contains(&year) {
                Ok(year)
            } else {
                Err(PeriodError::Year(text.to_owned()))
            }
        };
        let month_of = |year: u16, m: &str| {
            let month = digits(m).ok_or_else(bad)?;
            if (1..=12).contains(&month) {
                Ok(Period::Month {
                    year,
                    month: month as u8,
                })
            } else {
                Err(PeriodError::Month(text.to_owned()))
            }
        };
        let plain = text.strip_suffix(".0").unwrap_or(text);
        if let Some((y, q)) = text.split_once(['Q', 'q']) {
            let year = year_of(y)?;
            return match digits(q) {
                Some(quarter @ 1..=4) if q.len() == 1 => Ok(Period::Quarter {
                    year,
                    quarter: quarter as u8,
                }),
                Some(_) => Err(PeriodError::Quarter(text.to_owned())),
                None => Err(bad()),
            };
        }
        if let Some((y, rest)) = text.split_once('-') {
            if y.len() != 4 {
                return Err(bad());
            }
            let year = year_of(y)?;
            return match rest.split_once('-') {
                None if rest.len() == 2 => month_of(year, rest),
                Some((m, d)) if m.len() == 2 && d.len() == 2 => {
                    let Period::Month { month, .. } = month_of(year, m)? else {
                        return Err(bad());
                    };
                    match digits(d) {
                        Some(day) if day >= 1 && day <= u16::from(days_in(year, month)) => {
                            Ok(Period::Month { year, month })
                        }
                        Some(_) => Err(PeriodError::Day(text.to_owned())),
                        None => Err(bad()),
                    }
                }
                _ => Err(bad()),
            };
        }
        match plain.len() {
            4 => Ok(Period::Year {
                year: year_of(plain)?,
            }),
            6 => {
                let year = year_of(&plain[..4])?;
                month_of(year, &plain[4..])
            }
            _ => Err(bad()),
        }
    }

    /// The DHIS2 form: `202601`, `2026Q1`, `2026`.
    pub fn code(self) -> String {
        self.to_string()
    }

    pub fn year(self) -> u16 {
        match self {
            Period::Month { year, .. } | Period::Quarter { year, .. } | Period::Year { year } => {
                year
            }
        }
    }

    /// First month of the period (1–12), and how many months it lasts.
    fn span(self) -> (u8, u8) {
        match self {
            Period::Month { month, .. } => (month, 1),
            Period::Quarter { quarter, .. } => (quarter * 3 - 2, 3),
            Period::Year { .. } => (1, 12),
        }
    }

    /// What people read: «ene 2026», «2026 T1», «2026».
    pub fn label(self) -> String {
        const MONTHS: [&str; 12] = [
            "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic",
        ];
        match self {
            Period::Month { year, month } => {
                format!("{} {year}", MONTHS[usize::from(month.clamp(1, 12) - 1)])
            }
            Period::Quarter { year, quarter } => format!("{year} T{quarter}"),
            Period::Year { year } => year.to_string(),
        }
    }

    /// The kind of period, for grouping a trend (a month's series is not mixed with years').
    pub fn kind(self) -> PeriodKind {
        match self {
            Period::Month { .. } => PeriodKind::Month,
            Period::Quarter { .. } => PeriodKind::Quarter,
            Period::Year { .. } => PeriodKind::Year,
        }
    }

    fn sort_key(self) -> (u16, u8, u8) {
        let (start, length) = self.span();
        (self.year(), start, length)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum PeriodKind {
    Month,
    Quarter,
    Year,
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Period::Month { year, month } => write!(f, "{year}{month:02}"),
            Period::Quarter { year, quarter } => write!(f, "{year}Q{quarter}"),
            Period::Year { year } => write!(f, "{year}"),
        }
    }
}

impl Ord for Period {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn dhis2_notation_and_iso_dates() {
        let month = Period::Month {
            year: 2026,
            month: 1,
        };
        assert_eq!(Period::parse("202601"), Ok(month));
        assert_eq!(Period::parse(" 2026-01 "), Ok(month));
        assert_eq!(Period::parse("2026-01-31"), Ok(month));
        assert_eq!(
            Period::parse("2026Q3"),
            Ok(Period::Quarter {
                year: 2026,
                quarter: 3
            })
        );
        assert_eq!(
            Period::parse("2026q1").map(Period::code),
            Ok("2026Q1".into())
        );
        assert_eq!(Period::parse("2025"), Ok(Period::Year { year: 2025 }));
        assert_eq!(Period::parse("2025.0"), Ok(Period::Year { year: 2025 }));
    }

    #[test]
    fn each_mistake_has_its_reason() {
        assert!(matches!(
            Period::parse("202613"),
            Err(PeriodError::Month(_))
        ));
        assert!(matches!(
            Period::parse("2026Q5"),
            Err(PeriodError::Quarter(_))
        ));
        assert!(matches!(Period::parse("1850"), Err(PeriodError::Year(_))));
        assert!(matches!(
            Period::parse("2026-02-30"),
            Err(PeriodError::Day(_))
        ));
        assert_eq!(
            Period::parse("2024-02-29").map(Period::code),
            Ok("202402".into())
        );
        for bad in ["", "enero", "26", "01/2026", "2026-1", "2026Q", "2026-01-1"] {
            assert!(
                matches!(Period::parse(bad), Err(PeriodError::Unrecognised(_))),
                "{bad}"
            );
        }
        let message = Period::parse("enero").unwrap_err().to_string();
        assert!(message.contains("2026Q1"), "{message}");
    }

    #[test]
    fn chronological_order_puts_shorter_periods_first() {
        let mut periods: Vec<Period> = ["2026", "202602", "2025Q4", "2026Q1", "202601"]
            .into_iter()
            .map(|p| Period::parse(p).unwrap())
            .collect();
        periods.sort();
        let codes: Vec<String> = periods.into_iter().map(Period::code).collect();
        assert_eq!(codes, ["2025Q4", "202601", "2026Q1", "2026", "202602"]);
        assert_eq!(Period::parse("202603").unwrap().label(), "mar 2026");
        assert_eq!(Period::parse("2026Q2").unwrap().label(), "2026 T2");
    }

    proptest! {
        #[test]
        fn the_canonical_code_parses_back(year in 1900u16..=2100, month in 1u8..=12, quarter in 1u8..=4) {
            for period in [Period::Month { year, month }, Period::Quarter { year, quarter }, Period::Year { year }] {
                prop_assert_eq!(Period::parse(&period.code()), Ok(period));
            }
        }
    }
}
