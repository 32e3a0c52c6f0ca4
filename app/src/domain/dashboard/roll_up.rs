//! The pure roll-up of projected board records into a dashboard's panels.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{
    AttendanceRow, BarrierRow, CommitmentRow, Dashboard, DashboardQuery, Filters, OverdueRow,
    Scope, ScopeRows, Series,
};
use crate::domain::board::{BarrierStatus, CommitmentStatus, Semaforo, semaforo};

fn in_period(date: NaiveDate, f: &Filters) -> bool {
    f.from.is_none_or(|from| date >= from) && f.to.is_none_or(|to| date <= to)
}

fn count_by<T>(items: &[T], label: impl Fn(&T) -> String) -> Vec<(String, f64)> {
    let mut counts: BTreeMap<String, f64> = BTreeMap::new();
    for item in items {
        *counts.entry(label(item)).or_default() += 1.0;
    }
    let mut out: Vec<(String, f64)> = counts.into_iter().collect();
    out.sort_by(|a, b| {
        b.1.partial_cmp(&a.1)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.0.cmp(&b.0))
    });
    out
}

/// Rolls the rows in scope up into the dashboard's panels, as of `today` (Bogotá calendar): the
/// semáforo and "days late" move with the date, with no edit needed.
pub fn roll_up(
    query: DashboardQuery,
    filters: &Filters,
    scope_label: String,
    rows: &ScopeRows,
    today: NaiveDate,
) -> Dashboard {
    let institution_matches = |text: &str| {
        filters
            .institution
            .as_deref()
            .is_none_or(|wanted| text.to_lowercase().contains(&wanted.to_lowercase()))
    };
    let commitments: Vec<&CommitmentRow> = rows
        .commitments
        .iter()
        .filter(|c| in_period(c.session_date, filters))
        .filter(|c| institution_matches(&c.institutions))
        .filter(|c| {
            filters
                .status
                .as_deref()
                .is_none_or(|s| s == c.status.code() || BarrierStatus::parse(s).is_some())
        })
        .collect();
    let barriers: Vec<&BarrierRow> = rows
        .barriers
        .iter()
        .filter(|b| in_period(b.session_date, filters))
        .filter(|b| institution_matches(&b.institution))
        .filter(|b| filters.barrier_type.is_none_or(|t| t == b.kind))
        .filter(|b| {
            filters
                .status
                .as_deref()
                .is_none_or(|s| s == b.status.code() || CommitmentStatus::parse(s).is_some())
        })
        .collect();
    let attendance: Vec<&AttendanceRow> = rows
        .attendance
        .iter()
        .filter(|a| in_period(a.session_date, filters))
        .collect();

    let light = |c: &CommitmentRow| c.due.map(|d| semaforo(d, c.status, today));
    let mut by_status = count_by(&commitments, |c| c.status.label().to_owned());
    by_status.sort_by_key(|(label, _)| {
        CommitmentStatus::ALL
            .iter()
            .position(|s| s.label() == label)
            .unwrap_or(usize::MAX)
    });
    let order = [
        Semaforo::Vencido,
        Semaforo::PorVencer,
        Semaforo::AlDia,
        Semaforo::Cerrado,
    ];
    let by_light: Vec<(String, f64)> = order
        .iter()
        .map(|s| {
            let n = commitments.iter().filter(|c| light(c) == Some(*s)).count();
            (s.label().to_owned(), n as f64)
        })
        .chain(std::iter::once((
            "Sin fecha".to_owned(),
            commitments.iter().filter(|c| c.due.is_none()).count() as f64,
        )))
        .filter(|(_, n)| *n > 0.0)
        .collect();
    let by_institution = count_by(&commitments, |c| {
        if c.institutions.trim().is_empty() {
            "Sin institución".to_owned()
        } else {
            c.institutions.trim().to_owned()
        }
    });
    // Compliance per session: done over all that were due by today, per session in time order.
    let mut sessions: BTreeMap<(NaiveDate, String, i64), (f64, f64)> = BTreeMap::new();
    for c in &commitments {
        let entry = sessions
            .entry((c.session_date, c.mesa_name.clone(), c.session_seq))
            .or_default();
        entry.1 += 1.0;
        if c.status == CommitmentStatus::Cumplido {
            entry.0 += 1.0;
        }
    }
    let compliance: Vec<(String, f64)> = sessions
        .into_iter()
        .map(|((date, mesa, seq), (done, all))| {
            let label = if matches!(filters.scope, Scope::Mesa(_)) {
                format!("Sesión {seq} ({date})")
            } else {
                format!("{mesa} · {seq} ({date})")
            };
            (
                label,
                if all > 0.0 {
                    (done / all * 100.0).round()
                } else {
                    0.0
                },
            )
        })
        .collect();
    let barriers_by_type = count_by(&barriers, |b| b.kind.label().to_owned());
    let barriers_by_territory = count_by(&barriers, |b| {
        if b.territory.trim().is_empty() {
            b.mesa_name.clone()
        } else {
            b.territory.trim().to_owned()
        }
    });
    let barriers_by_status = count_by(&barriers, |b| b.status.label().to_owned());
    let attendance_by_sector = count_by(&attendance, |a| {
        if a.sector.trim().is_empty() {
            "Sin sector".to_owned()
        } else {
            a.sector.trim().to_owned()
        }
    });
    let mut overdue: Vec<OverdueRow> = commitments
        .iter()
        .filter(|c| light(c) == Some(Semaforo::Vencido))
        .filter_map(|c| {
            let due = c.due?;
            Some(OverdueRow {
                description: c.description.clone(),
                institutions: c.institutions.clone(),
                responsible: c.responsible.clone(),
                mesa_name: c.mesa_name.clone(),
                due,
                days_late: (today - due).num_days(),
            })
        })
        .collect();
    overdue.sort_by(|a, b| {
        b.days_late
            .cmp(&a.days_late)
            .then(a.description.cmp(&b.description))
    });
    let series = |key: &str, title: &str, unit: &str, points: Vec<(String, f64)>| Series {
        key: key.into(),
        title: title.into(),
        unit: unit.into(),
        points,
    };
    Dashboard {
        query,
        scope_label,
        today,
        commitments: commitments.len(),
        barriers: barriers.len(),
        agreements: rows.agreements,
        attendance: attendance.len(),
        charts: vec![
            series(
                "compromisos-estado",
                "Compromisos por estado",
                "compromisos",
                by_status,
            ),
            series(
                "compromisos-semaforo",
                "Compromisos por semáforo",
                "compromisos",
                by_light,
            ),
            series(
                "compromisos-institucion",
                "Compromisos por institución",
                "compromisos",
                by_institution,
            ),
            series(
                "cumplimiento-sesion",
                "Cumplimiento por sesión",
                "% cumplidos",
                compliance,
            ),
            series(
                "barreras-tipo",
                "Barreras por tipo",
                "barreras",
                barriers_by_type,
            ),
            series(
                "barreras-territorio",
                "Barreras por territorio",
                "barreras",
                barriers_by_territory,
            ),
            series(
                "barreras-estado",
                "Barreras por estado",
                "barreras",
                barriers_by_status,
            ),
            series(
                "asistencia-sector",
                "Asistencia por sector",
                "asistentes",
                attendance_by_sector,
            ),
        ],
        overdue,
        escalations: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn commitment(
        seq: i64,
        institution: &str,
        due: Option<&str>,
        status: CommitmentStatus,
    ) -> CommitmentRow {
        CommitmentRow {
            session_id: seq,
            session_seq: seq,
            session_date: d("2026-11-01") + chrono::Days::new(seq as u64),
            mesa_code: "local-07".into(),
            mesa_name: "Mesa Local de APS Bosa".into(),
            record_id: format!("c{seq}{institution}"),
            description: format!("compromiso de {institution}"),
            institutions: institution.into(),
            responsible: "Ana".into(),
            due: due.map(d),
            status,
        }
    }

    #[test]
    fn panels_count_lights_overdue_days_and_compliance_as_of_today() {
        use CommitmentStatus::*;
        let rows = ScopeRows {
            commitments: vec![
                commitment(1, "Subred Sur", Some("2026-11-10"), Pendiente),
                commitment(1, "EPS Capital", Some("2026-11-30"), Cumplido),
                commitment(2, "Subred Sur", Some("2026-11-25"), EnProgreso),
                commitment(2, "Subred Sur", None, Pendiente),
            ],
            ..ScopeRows::default()
        };
        let query = DashboardQuery {
            ambito: "mesa:local-07".into(),
            ..DashboardQuery::default()
        };
        let filters = query.validate().unwrap();
        let today = d("2026-11-23");
        let dash = roll_up(query.clone(), &filters, "Bosa".into(), &rows, today);
        assert_eq!(dash.commitments, 4);
        let lights = &dash.chart("compromisos-semaforo").unwrap().points;
        assert_eq!(
            lights,
            &vec![
                ("Vencido".to_owned(), 1.0),
                ("Por vencer".to_owned(), 1.0),
                ("Cerrado".to_owned(), 1.0),
                ("Sin fecha".to_owned(), 1.0),
            ]
        );
        assert_eq!(dash.overdue.len(), 1);
        assert_eq!(dash.overdue[0].days_late, 13);
        let compliance = &dash.chart("cumplimiento-sesion").unwrap().points;
        assert_eq!(compliance[0], ("Sesión 1 (2026-11-02)".to_owned(), 50.0));
        assert_eq!(compliance[1].1, 0.0);
        let by_institution = &dash.chart("compromisos-institucion").unwrap().points;
        assert_eq!(by_institution[0], ("Subred Sur".to_owned(), 3.0));
        // A week later the second one is overdue too: nobody had to edit it.
        let later = roll_up(
            query.clone(),
            &filters,
            "Bosa".into(),
            &rows,
            d("2026-11-30"),
        );
        assert_eq!(later.overdue.len(), 2);
        // Filters narrow every panel.
        let only_eps = DashboardQuery {
            institucion: "eps".into(),
            ..query
        };
        let f = only_eps.validate().unwrap();
        assert_eq!(
            roll_up(only_eps, &f, "Bosa".into(), &rows, today).commitments,
            1
        );
    }
}
