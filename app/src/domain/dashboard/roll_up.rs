//! The pure roll-up of projected board records into a dashboard's panels.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{
    AttendanceRow, BarrierRow, CommitmentRow, Dashboard, DashboardQuery, Filters, NO_DATE,
    OverdueRow, Scope, ScopeRows, Series, StatusFilter, Tone, fold, institutions, semaforo_legend,
};
use crate::domain::board::{CommitmentStatus, Semaforo};

/// Counts items per name (an item may name several, each counted once), names compared as
/// [`fold`] does; most first, then by name. A name is shown as it is most often spelled (ties: the
/// first in alphabetical order), so the result does not depend on the rows' order.
/// «Severidad 4 de 5».
fn severity_label(severity: u8) -> String {
    format!("Severidad {severity} de 5")
}

fn count_by<T>(items: &[T], names: impl Fn(&T) -> Vec<String>) -> Vec<(String, f64)> {
    let mut counts: BTreeMap<String, (f64, BTreeMap<String, usize>)> = BTreeMap::new();
    for item in items {
        for name in names(item) {
            let (count, spellings) = counts.entry(fold(&name)).or_default();
            *count += 1.0;
            *spellings.entry(name).or_default() += 1;
        }
    }
    let mut out: Vec<(String, f64)> = counts
        .into_values()
        .map(|(count, spellings)| {
            let label = spellings
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(name, _)| name.clone())
                .unwrap_or_default();
            (label, count)
        })
        .collect();
    out.sort_by(|a, b| {
        b.1.partial_cmp(&a.1)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.0.cmp(&b.0))
    });
    out
}

/// A free-text field as one name, or `missing` when nothing was typed.
fn or_missing(text: &str, missing: &str) -> Vec<String> {
    let text = text.trim();
    vec![if text.is_empty() { missing } else { text }.to_owned()]
}

/// Counts per code, in the code's own order, leaving out those with none.
fn count_codes<T, C: Copy + PartialEq>(
    items: &[T],
    all: &[C],
    code: impl Fn(&T) -> C,
    label: impl Fn(C) -> &'static str,
) -> Vec<(String, f64)> {
    all.iter()
        .map(|c| {
            let n = items.iter().filter(|i| code(i) == *c).count();
            (label(*c).to_owned(), n as f64)
        })
        .filter(|(_, n)| *n > 0.0)
        .collect()
}

/// Rolls the rows in scope up into the dashboard's panels, as of `today` (Bogotá calendar): the
/// semáforo, the derived *Vencido* and "days late" move with the date, with no edit needed. Every
/// panel counts the same records: those of sessions in the period, narrowed by the other filters
/// where a record has the field (institution and status for commitments and barriers, type for
/// barriers).
pub fn roll_up(
    query: DashboardQuery,
    filters: &Filters,
    scope_label: String,
    rows: &ScopeRows,
    today: NaiveDate,
) -> Dashboard {
    let commitments: Vec<&CommitmentRow> = rows
        .commitments
        .iter()
        .filter(|c| filters.in_period(c.session_date))
        .filter(|c| filters.institution_matches(&c.institutions))
        .filter(|c| match filters.status {
            Some(StatusFilter::Commitment(wanted)) => c.status_on(today) == wanted,
            _ => true,
        })
        .collect();
    let barriers: Vec<&BarrierRow> = rows
        .barriers
        .iter()
        .filter(|b| filters.in_period(b.session_date))
        .filter(|b| filters.institution_matches(&b.institution))
        .filter(|b| filters.barrier_type.is_none_or(|t| t == b.kind))
        .filter(|b| match filters.status {
            Some(StatusFilter::Barrier(wanted)) => b.status == wanted,
            _ => true,
        })
        .collect();
    let agreements = rows
        .agreements
        .iter()
        .filter(|a| filters.in_period(a.session_date))
        .count();
    let attendance: Vec<&AttendanceRow> = rows
        .attendance
        .iter()
        .filter(|a| filters.in_period(a.session_date))
        .collect();

    let by_status = count_codes(
        &commitments,
        CommitmentStatus::ALL,
        |c| c.status_on(today),
        CommitmentStatus::label,
    );
    let lights = [
        Some(Semaforo::Vencido),
        Some(Semaforo::PorVencer),
        Some(Semaforo::AlDia),
        Some(Semaforo::Cerrado),
        None,
    ];
    let (by_light, light_tones): (Vec<(String, f64)>, Vec<Tone>) = lights
        .iter()
        .map(|light| {
            let n = commitments
                .iter()
                .filter(|c| c.light(today) == *light)
                .count();
            let label = light.map_or(NO_DATE, Semaforo::label);
            ((label.to_owned(), n as f64), Tone::of(*light))
        })
        .filter(|((_, n), _)| *n > 0.0)
        .unzip();
    let by_institution = count_by(&commitments, |c| {
        let names = institutions(&c.institutions);
        if names.is_empty() {
            vec!["Sin institución".to_owned()]
        } else {
            names
        }
    });
    // Compliance per session: done over all, per session in time order.
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
    let barriers_by_type = count_by(&barriers, |b| vec![b.kind.label().to_owned()]);
    let barriers_by_territory = count_by(&barriers, |b| or_missing(&b.territory, &b.mesa_name));
    let barriers_by_status = count_by(&barriers, |b| vec![b.status.label().to_owned()]);
    let mut barriers_by_severity = count_by(&barriers, |b| vec![severity_label(b.severity)]);
    // The scale's order (most severe first), not the counts'.
    barriers_by_severity.sort_by(|a, b| b.0.cmp(&a.0));
    let attendance_by_sector = count_by(&attendance, |a| or_missing(&a.sector, "Sin sector"));
    let mut overdue: Vec<OverdueRow> = commitments
        .iter()
        .filter(|c| c.light(today) == Some(Semaforo::Vencido))
        .filter_map(|c| {
            let due = c.due?;
            Some(OverdueRow {
                description: c.description.clone(),
                institutions: institutions(&c.institutions).join("; "),
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
    let series = |key: &str, title: &str, unit: &str, none: &str, points| Series {
        key: key.into(),
        title: title.into(),
        unit: unit.into(),
        points,
        tones: Vec::new(),
        legend: Vec::new(),
        empty: query.nothing(none),
    };
    let semaforo_chart = Series {
        tones: light_tones,
        legend: semaforo_legend(),
        ..series(
            "compromisos-semaforo",
            "Compromisos por semáforo",
            "compromisos",
            "compromisos",
            by_light,
        )
    };
    let charts = vec![
        series(
            "compromisos-estado",
            "Compromisos por estado",
            "compromisos",
            "compromisos",
            by_status,
        ),
        semaforo_chart,
        series(
            "compromisos-institucion",
            "Compromisos por institución",
            "compromisos",
            "compromisos",
            by_institution,
        ),
        series(
            "cumplimiento-sesion",
            "Cumplimiento por sesión",
            "% cumplidos",
            "sesiones con compromisos",
            compliance,
        ),
        series(
            "barreras-tipo",
            "Barreras por tipo",
            "barreras",
            "barreras",
            barriers_by_type,
        ),
        series(
            "barreras-territorio",
            "Barreras por territorio",
            "barreras",
            "barreras",
            barriers_by_territory,
        ),
        series(
            "barreras-estado",
            "Barreras por estado",
            "barreras",
            "barreras",
            barriers_by_status,
        ),
        series(
            "barreras-severidad",
            "Barreras por severidad",
            "barreras",
            "barreras",
            barriers_by_severity,
        ),
        series(
            "asistencia-sector",
            "Asistencia por sector",
            "asistentes",
            "asistentes registrados",
            attendance_by_sector,
        ),
    ];
    Dashboard {
        query,
        scope_label,
        today,
        commitments: commitments.len(),
        barriers: barriers.len(),
        agreements,
        attendance: attendance.len(),
        charts,
        overdue,
        escalations: Vec::new(),
        assets: Vec::new(),
    }
}
