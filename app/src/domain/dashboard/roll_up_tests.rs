//! The roll-up's rules, by example and as properties: every panel of one dashboard counts the
//! same records, so the status filter, the status chart, the semáforo and the overdue list agree.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;
use crate::domain::board::{BarrierStatus, BarrierType, CommitmentStatus};

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

fn naming(row: CommitmentRow, institutions: &str) -> CommitmentRow {
    CommitmentRow {
        institutions: institutions.into(),
        ..row
    }
}

fn dashboard(query: DashboardQuery, rows: &ScopeRows, today: NaiveDate) -> Dashboard {
    let filters = query.validate().unwrap();
    roll_up(query, &filters, "Bosa".into(), rows, today)
}

fn points(dash: &Dashboard, key: &str) -> Vec<(String, f64)> {
    dash.chart(key).unwrap().points.clone()
}

#[test]
fn the_vencido_filter_finds_the_overdue_commitments_whatever_was_typed() {
    use CommitmentStatus::*;
    let rows = ScopeRows {
        commitments: vec![
            commitment(1, "Subred Sur", Some("2026-11-10"), Pendiente),
            commitment(1, "EPS Capital", Some("2026-11-15"), EnProgreso),
            // Typed "Vencido", but its date has not come (or it has none): not overdue.
            commitment(2, "Subred Sur", Some("2026-12-20"), Vencido),
            commitment(2, "Hospital", None, Vencido),
            // Done late is done.
            commitment(3, "Subred Sur", Some("2026-11-01"), Cumplido),
        ],
        ..ScopeRows::default()
    };
    let today = d("2026-11-23");
    let all = dashboard(DashboardQuery::default(), &rows, today);
    assert_eq!(all.overdue.len(), 2);
    assert_eq!(
        points(&all, "compromisos-estado"),
        vec![
            ("Pendiente".to_owned(), 2.0),
            ("Cumplido".to_owned(), 1.0),
            ("Vencido".to_owned(), 2.0),
        ]
    );
    let overdue = DashboardQuery {
        estado: "vencido".into(),
        ..DashboardQuery::default()
    };
    let dash = dashboard(overdue, &rows, today);
    assert_eq!(dash.commitments, 2);
    assert_eq!(dash.overdue, all.overdue);
    assert_eq!(
        points(&dash, "compromisos-semaforo"),
        vec![("Vencido".to_owned(), 2.0)]
    );
    assert_eq!(
        points(&dash, "compromisos-estado"),
        vec![("Vencido".to_owned(), 2.0)]
    );
    let pending = DashboardQuery {
        estado: "pendiente".into(),
        ..DashboardQuery::default()
    };
    let dash = dashboard(pending, &rows, today);
    assert_eq!(
        dash.commitments, 2,
        "the two typed Vencido that are not late"
    );
    assert!(dash.overdue.is_empty());
    assert_eq!(
        dash.overdue_table().empty,
        "No hay compromisos vencidos con estos filtros."
    );
    // A barrier status narrows barriers, not commitments.
    let open = DashboardQuery {
        estado: "abierta".into(),
        ..DashboardQuery::default()
    };
    assert_eq!(dashboard(open, &rows, today).commitments, 5);
}

fn barrier(seq: i64, status: BarrierStatus) -> BarrierRow {
    BarrierRow {
        session_id: seq,
        session_date: d("2026-11-01") + chrono::Days::new(seq as u64),
        mesa_code: "local-07".into(),
        mesa_name: "Mesa Local de APS Bosa".into(),
        record_id: format!("b{seq}"),
        kind: BarrierType::Administrativa,
        description: "Demora".into(),
        territory: "Bosa".into(),
        institution: "Subred Sur".into(),
        status,
        assets: Vec::new(),
        severity: 3,
    }
}

#[test]
fn the_period_narrows_every_panel_agreements_and_escalations_included() {
    use CommitmentStatus::*;
    let rows = ScopeRows {
        commitments: vec![
            commitment(1, "Subred Sur", Some("2026-11-10"), Pendiente),
            commitment(5, "Subred Sur", Some("2026-11-10"), Pendiente),
        ],
        barriers: vec![
            barrier(1, BarrierStatus::Abierta),
            barrier(5, BarrierStatus::Abierta),
        ],
        agreements: (1..=6)
            .map(|seq| AgreementRow {
                session_id: seq,
                session_date: d("2026-11-01") + chrono::Days::new(seq as u64),
                mesa_code: "local-07".into(),
            })
            .collect(),
        attendance: vec![
            AttendanceRow {
                session_id: 1,
                session_date: d("2026-11-02"),
                mesa_code: "local-07".into(),
                sector: "Salud".into(),
            },
            AttendanceRow {
                session_id: 5,
                session_date: d("2026-11-06"),
                mesa_code: "local-07".into(),
                sector: "salud".into(),
            },
        ],
    };
    let query = DashboardQuery {
        desde: "2026-11-04".into(),
        hasta: "2026-11-30".into(),
        ..DashboardQuery::default()
    };
    let filters = query.validate().unwrap();
    let mut dash = roll_up(query, &filters, "Bosa".into(), &rows, d("2026-11-23"));
    assert_eq!(
        (
            dash.commitments,
            dash.barriers,
            dash.agreements,
            dash.attendance
        ),
        (1, 1, 4, 1)
    );
    assert_eq!(dash.overdue.len(), 1);
    let wait = |sent: &str| EscalationWait {
        session_id: 1,
        barrier_id: "b1".into(),
        barrier: "Demora".into(),
        from_mesa: "Bosa".into(),
        to_mesa: "Sur Occidente".into(),
        status: "Enviado".into(),
        answer_by: d("2026-12-10"),
        sent: d(sent),
        days_waiting: 1,
        overdue: false,
    };
    dash.add_escalations(vec![wait("2026-11-03"), wait("2026-11-20")], &filters);
    assert_eq!(dash.escalations.len(), 1);
    assert_eq!(dash.escalations[0].sent, d("2026-11-20"));
    // Without a period, everything (and two spellings of one sector are one sector).
    let all = dashboard(DashboardQuery::default(), &rows, d("2026-11-23"));
    assert_eq!((all.agreements, all.attendance), (6, 2));
    assert_eq!(
        points(&all, "asistencia-sector"),
        vec![("Salud".to_owned(), 2.0)]
    );
}

#[test]
fn several_institutions_in_one_field_count_for_each() {
    use CommitmentStatus::*;
    let base = |seq| commitment(seq, "x", Some("2026-11-10"), Pendiente);
    let rows = ScopeRows {
        commitments: vec![
            naming(base(1), "Subred Sur; EPS Capital Salud"),
            naming(base(2), "subred  sur, Secretaría de Salud"),
            naming(base(3), "Subred Sur"),
            naming(base(4), " ; "),
        ],
        ..ScopeRows::default()
    };
    let today = d("2026-11-23");
    let dash = dashboard(DashboardQuery::default(), &rows, today);
    assert_eq!(
        points(&dash, "compromisos-institucion"),
        vec![
            ("Subred Sur".to_owned(), 3.0),
            ("EPS Capital Salud".to_owned(), 1.0),
            ("Secretaría de Salud".to_owned(), 1.0),
            ("Sin institución".to_owned(), 1.0),
        ]
    );
    assert_eq!(
        dash.overdue
            .iter()
            .find(|o| o.institutions.contains("EPS"))
            .map(|o| o.institutions.as_str()),
        Some("Subred Sur; EPS Capital Salud")
    );
    let health = DashboardQuery {
        institucion: "secretaria de salud".into(),
        ..DashboardQuery::default()
    };
    assert_eq!(dashboard(health, &rows, today).commitments, 1);
}

#[test]
fn the_semaforo_chart_carries_its_colours_and_legend() {
    use CommitmentStatus::*;
    let rows = ScopeRows {
        commitments: vec![
            commitment(1, "A", Some("2026-11-10"), Pendiente),
            commitment(1, "B", Some("2027-01-10"), Pendiente),
            commitment(2, "C", None, Pendiente),
        ],
        ..ScopeRows::default()
    };
    let dash = dashboard(DashboardQuery::default(), &rows, d("2026-11-23"));
    let chart = dash.chart("compromisos-semaforo").unwrap();
    let labels: Vec<&str> = chart.points.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(labels, ["Vencido", "Al día", "Sin fecha"]);
    assert_eq!(chart.tones, [Tone::Vencido, Tone::AlDia, Tone::SinFecha]);
    assert_eq!(chart.legend.len(), 5, "the whole rule, every light");
    assert_eq!(chart.table().tone(0), Some(Tone::Vencido));
    // Other charts are of one colour, without a legend.
    let status = dash.chart("compromisos-estado").unwrap();
    assert!(status.legend.is_empty() && status.table().tone(0).is_none());
}

#[test]
fn empty_panels_say_so_in_a_sentence() {
    let dash = dashboard(
        DashboardQuery::default(),
        &ScopeRows::default(),
        d("2026-11-23"),
    );
    for chart in &dash.charts {
        assert!(chart.points.is_empty());
        assert!(
            chart.empty.starts_with("Aún no hay ") && chart.empty.ends_with(" en este ámbito."),
            "{}",
            chart.empty
        );
    }
    assert_eq!(
        dash.no_escalations(),
        "Aún no hay escalamientos esperando respuesta en este ámbito."
    );
    let narrowed = DashboardQuery {
        tipo: "administrativa".into(),
        ..DashboardQuery::default()
    };
    let dash = dashboard(narrowed, &ScopeRows::default(), d("2026-11-23"));
    assert_eq!(
        dash.chart("barreras-tipo").unwrap().empty,
        "No hay barreras con estos filtros."
    );
}

const INSTITUTIONS: [&str; 5] = [
    "Subred Sur",
    "subred sur",
    "EPS Capital Salud",
    "Secretaría de Salud",
    "",
];

fn any_commitment() -> impl Strategy<Value = CommitmentRow> {
    (
        0i64..20,
        proptest::option::of(0u64..60),
        proptest::sample::select(CommitmentStatus::ALL),
        proptest::collection::vec(proptest::sample::select(INSTITUTIONS.to_vec()), 0..3),
        prop_oneof![Just("; "), Just(","), Just(" , ")],
    )
        .prop_map(|(seq, due, status, names, separator)| CommitmentRow {
            due: due.map(|days| d("2026-11-01") + chrono::Days::new(days)),
            institutions: names.join(separator),
            ..commitment(seq, "x", None, status)
        })
}

fn total(points: &[(String, f64)]) -> f64 {
    points.iter().map(|(_, n)| n).sum()
}

fn count(points: &[(String, f64)], label: &str) -> f64 {
    points
        .iter()
        .find(|(l, _)| l == label)
        .map_or(0.0, |(_, n)| *n)
}

proptest! {
    /// One dashboard never contradicts itself: its counts, the status chart, the semáforo and the
    /// overdue list count the same commitments; the *vencido* filter keeps exactly the overdue;
    /// the period filter keeps exactly the sessions in it; and the rows' order changes nothing.
    #[test]
    fn the_panels_of_a_dashboard_agree(
        commitments in proptest::collection::vec(any_commitment(), 0..25),
        today in (0u64..60).prop_map(|days| d("2026-11-01") + chrono::Days::new(days)),
        period in proptest::option::of((0u64..25, 0u64..25)),
    ) {
        let rows = ScopeRows { commitments, ..ScopeRows::default() };
        let (desde, hasta) = period.map_or((String::new(), String::new()), |(a, b)| {
            let day = |n| (d("2026-11-01") + chrono::Days::new(n)).to_string();
            (day(a.min(b)), day(a.max(b)))
        });
        let query = DashboardQuery { desde, hasta, ..DashboardQuery::default() };
        let dash = dashboard(query.clone(), &rows, today);
        let filters = query.validate().unwrap();
        let in_period = rows.commitments.iter().filter(|c| filters.in_period(c.session_date));
        prop_assert_eq!(dash.commitments, in_period.clone().count());

        let by_status = points(&dash, "compromisos-estado");
        let by_light = points(&dash, "compromisos-semaforo");
        prop_assert_eq!(total(&by_status), dash.commitments as f64);
        prop_assert_eq!(total(&by_light), dash.commitments as f64);
        prop_assert_eq!(count(&by_status, "Vencido"), dash.overdue.len() as f64);
        prop_assert_eq!(count(&by_light, "Vencido"), dash.overdue.len() as f64);
        prop_assert!(dash.overdue.iter().all(|o| o.days_late > 0));

        let names: usize = in_period
            .map(|c| institutions(&c.institutions).len().max(1))
            .sum();
        prop_assert_eq!(total(&points(&dash, "compromisos-institucion")), names as f64);

        let overdue_only = DashboardQuery { estado: "vencido".into(), ..query.clone() };
        let late = dashboard(overdue_only, &rows, today);
        prop_assert_eq!(late.commitments, dash.overdue.len());
        prop_assert_eq!(&late.overdue, &dash.overdue);

        let mut reversed = rows.clone();
        reversed.commitments.reverse();
        let again = dashboard(query, &reversed, today);
        prop_assert_eq!(&again.charts, &dash.charts);
        prop_assert_eq!(again.overdue.len(), dash.overdue.len());
    }
}

#[test]
fn assets_are_listed_beside_the_barriers_of_the_period_that_name_them() {
    use crate::domain::assets::{Asset, AssetKind};
    let asset = |code: &str, name: &str| Asset {
        code: code.into(),
        name: name.into(),
        kind: AssetKind::Red,
        offer: String::new(),
        localidad: "07".into(),
        upz: None,
        point: None,
        contact: String::new(),
    };
    let assets = [asset("a", "Biblioteca"), asset("b", "Red de mujeres")];
    let naming = |seq: i64, status: BarrierStatus, codes: &[&str]| BarrierRow {
        assets: codes.iter().map(|c| c.to_string()).collect(),
        ..barrier(seq, status)
    };
    let rows = [
        naming(1, BarrierStatus::Abierta, &["b"]),
        naming(5, BarrierStatus::Resuelta, &["b", "a"]),
        naming(6, BarrierStatus::Abierta, &["b"]),
    ];
    let query = DashboardQuery {
        desde: "2026-11-04".into(),
        ..DashboardQuery::default()
    };
    let filters = query.validate().unwrap();
    let uses = asset_uses(&assets, &rows, &filters, |a| a.localidad.clone());
    // The most mobilised first; the period drops the barrier of 2 November.
    assert_eq!(uses[0].name, "Red de mujeres");
    assert_eq!(uses[0].barriers.len(), 2);
    assert_eq!(uses[0].open_barriers(), 1);
    assert_eq!(uses[1].barriers.len(), 1);
    assert_eq!(uses[1].open_barriers(), 0);
    assert_eq!(uses[1].place, "07");
}

#[test]
fn barriers_are_counted_by_severity_most_severe_first() {
    let severe = |seq: i64, severity: u8| BarrierRow {
        severity,
        ..barrier(seq, BarrierStatus::Abierta)
    };
    let rows = ScopeRows {
        barriers: vec![severe(1, 2), severe(2, 5), severe(3, 2), severe(4, 4)],
        ..ScopeRows::default()
    };
    let query = DashboardQuery::default();
    let filters = query.validate().unwrap();
    let dash = roll_up(query, &filters, "Bosa".into(), &rows, d("2026-11-23"));
    let points = &dash.chart("barreras-severidad").unwrap().points;
    assert_eq!(
        points,
        &[
            ("Severidad 5 de 5".to_owned(), 1.0),
            ("Severidad 4 de 5".to_owned(), 1.0),
            ("Severidad 2 de 5".to_owned(), 2.0),
        ]
    );
}
