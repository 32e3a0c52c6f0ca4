//! Series dates, festivos skipped, requests validated.

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

fn request() -> SeriesRequest {
    SeriesRequest {
        mesa: "local-07".into(),
        repeat: "mensual".into(),
        ordinal: "2".into(),
        every: String::new(),
        weekday: "martes".into(),
        time: "09:00".into(),
        from: "2026-12-01".into(),
        until: "2027-03-31".into(),
        place: "Alcaldía Local".into(),
        mode: "presencial".into(),
    }
}

#[test]
fn a_request_plans_its_sessions_at_bogota_time_and_lists_the_festivos_it_skips() {
    let now = super::super::parse_when("2026-11-30T10:00").unwrap();
    let planned = request().validate(now).unwrap();
    let at: Vec<String> = planned
        .sessions
        .iter()
        .map(|s| super::super::format_bogota(s.scheduled_at()))
        .collect();
    assert_eq!(planned.sessions.len(), 3, "{at:?}");
    assert!(
        at[0].contains("12 ene 2027") && at[0].contains("9:00"),
        "{at:?}"
    );
    assert_eq!(planned.skipped.len(), 1);
    assert_eq!(planned.skipped[0].date, day(2026, 12, 8));
    assert!(
        planned
            .description
            .starts_with("El segundo martes de cada mes a las 9:00")
    );

    let mut wrong = request();
    wrong.weekday = "martis".into();
    wrong.time = "9".into();
    wrong.from = "2026-11-01".into();
    wrong.mode = "telepatía".into();
    let errors = wrong.validate(now).unwrap_err();
    for field in ["weekday", "time", "from"] {
        assert!(errors.get(field).is_some(), "{field}: {errors:?}");
    }
    let mut bad_mode = request();
    bad_mode.mode = "telepatía".into();
    assert!(bad_mode.validate(now).unwrap_err().get("mode").is_some());
    let mut weekly = request();
    weekly.repeat = "semanal".into();
    weekly.every = "cada".into();
    assert!(weekly.validate(now).unwrap_err().get("every").is_some());
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

#[test]
fn a_series_starting_in_the_past_or_reaching_years_ahead_is_refused() {
    let now = super::super::parse_when("2026-11-30T10:00").unwrap(); // a Monday
    let mut today = request();
    today.repeat = "semanal".into();
    today.every = "1".into();
    today.weekday = "lunes".into();
    today.from = "2026-11-30".into();
    let errors = today.validate(now).unwrap_err();
    assert!(
        errors.get("from").is_some_and(|m| m.contains("ya pasó")),
        "{errors:?}"
    );
    today.time = "11:00".into();
    assert!(today.validate(now).is_ok(), "later today is fine");

    let mut far = request();
    far.until = "2029-01-31".into();
    assert!(far.validate(now).unwrap_err().get("until").is_some());
    let mut absurd = request();
    absurd.until = "+200000-01-01".into();
    assert!(absurd.validate(now).is_err(), "refused, no panic");
}
