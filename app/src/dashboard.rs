//! Management dashboards ("tableros de gestión"): the scope and filters a dashboard URL carries,
//! and the pure roll-up of projected board records into its panels. The server fetches the rows
//! in scope; everything computed from them is here, unit-tested.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::board::{BarrierStatus, BarrierType, CommitmentStatus, Semaforo, semaforo};

/// Which Mesas a dashboard covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    Distrito,
    /// A zone by name ("Sur Occidente"): its zonal Mesa and its localidades' Mesas.
    Zona(String),
    /// One Mesa by code.
    Mesa(String),
}

impl Scope {
    /// `distrito`, `zona:Sur Occidente`, `mesa:local-07` (what the URL carries).
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        match raw.split_once(':') {
            None if raw.is_empty() || raw == "distrito" => Some(Self::Distrito),
            Some(("zona", name)) if !name.trim().is_empty() => Some(Self::Zona(name.trim().into())),
            Some(("mesa", code)) if !code.trim().is_empty() => Some(Self::Mesa(code.trim().into())),
            _ => None,
        }
    }

    pub fn code(&self) -> String {
        match self {
            Self::Distrito => "distrito".into(),
            Self::Zona(name) => format!("zona:{name}"),
            Self::Mesa(code) => format!("mesa:{code}"),
        }
    }
}

/// The filters of a dashboard, as typed in its URL. Empty (or absent) means "all".
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct DashboardQuery {
    pub ambito: String,
    pub desde: String,
    pub hasta: String,
    pub tipo: String,
    pub institucion: String,
    pub estado: String,
}

/// A validated query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filters {
    pub scope: Scope,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub barrier_type: Option<BarrierType>,
    pub institution: Option<String>,
    /// A commitment or barrier status code.
    pub status: Option<String>,
}

impl DashboardQuery {
    pub fn validate(&self) -> Result<Filters, String> {
        let scope = Scope::parse(&self.ambito)
            .ok_or_else(|| format!("ámbito desconocido «{}»", self.ambito))?;
        let date = |raw: &str, what: &str| -> Result<Option<NaiveDate>, String> {
            let raw = raw.trim();
            if raw.is_empty() {
                return Ok(None);
            }
            NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| format!("fecha «{raw}» no válida en «{what}»: use AAAA-MM-DD"))
        };
        let from = date(&self.desde, "desde")?;
        let to = date(&self.hasta, "hasta")?;
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            return Err("«desde» es posterior a «hasta»".into());
        }
        let barrier_type = match self.tipo.trim() {
            "" => None,
            code => Some(
                BarrierType::parse(code)
                    .ok_or_else(|| format!("tipo de barrera desconocido «{code}»"))?,
            ),
        };
        let status = match self.estado.trim() {
            "" => None,
            code if CommitmentStatus::parse(code).is_some()
                || BarrierStatus::parse(code).is_some() =>
            {
                Some(code.to_owned())
            }
            code => return Err(format!("estado desconocido «{code}»")),
        };
        let institution = Some(self.institucion.trim().to_owned()).filter(|s| !s.is_empty());
        Ok(Filters {
            scope,
            from,
            to,
            barrier_type,
            institution,
            status,
        })
    }

    /// The query string of this dashboard (shareable, bookmarkable).
    pub fn to_query_string(&self) -> String {
        let pairs = [
            ("ambito", &self.ambito),
            ("desde", &self.desde),
            ("hasta", &self.hasta),
            ("tipo", &self.tipo),
            ("institucion", &self.institucion),
            ("estado", &self.estado),
        ];
        pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

fn encode(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b':' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A commitment as projected from its board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommitmentRow {
    pub session_id: i64,
    pub session_seq: i64,
    pub session_date: NaiveDate,
    pub mesa_code: String,
    pub mesa_name: String,
    pub record_id: String,
    pub description: String,
    pub institutions: String,
    pub responsible: String,
    pub due: Option<NaiveDate>,
    pub status: CommitmentStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BarrierRow {
    pub session_id: i64,
    pub session_date: NaiveDate,
    pub mesa_code: String,
    pub mesa_name: String,
    pub record_id: String,
    pub kind: BarrierType,
    pub description: String,
    pub territory: String,
    pub institution: String,
    pub status: BarrierStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttendanceRow {
    pub session_id: i64,
    pub session_date: NaiveDate,
    pub mesa_code: String,
    pub sector: String,
}

/// Everything in scope, before filtering by the query's other filters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScopeRows {
    pub commitments: Vec<CommitmentRow>,
    pub barriers: Vec<BarrierRow>,
    pub agreements: usize,
    pub attendance: Vec<AttendanceRow>,
}

/// One chart's numbers: labels and counts (or percentages), in display order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub key: String,
    pub title: String,
    pub unit: String,
    pub points: Vec<(String, f64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverdueRow {
    pub description: String,
    pub institutions: String,
    pub responsible: String,
    pub mesa_name: String,
    pub due: NaiveDate,
    pub days_late: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub query: DashboardQuery,
    pub scope_label: String,
    pub today: NaiveDate,
    pub commitments: usize,
    pub barriers: usize,
    pub agreements: usize,
    pub attendance: usize,
    pub charts: Vec<Series>,
    pub overdue: Vec<OverdueRow>,
    /// Escalations received by Mesas in scope and still waiting for an answer.
    pub escalations: Vec<EscalationWait>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EscalationWait {
    pub session_id: i64,
    pub barrier_id: String,
    pub barrier: String,
    pub from_mesa: String,
    pub to_mesa: String,
    pub status: String,
    pub answer_by: NaiveDate,
    pub days_waiting: i64,
    pub overdue: bool,
}

impl Dashboard {
    pub fn chart(&self, key: &str) -> Option<&Series> {
        self.charts.iter().find(|c| c.key == key)
    }
}

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

/// One table of a dashboard: what the page shows, what its CSV holds and what its XLSX sheet
/// holds, from this one definition (columns written once).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// What the sheet is called (at most 31 characters in a workbook).
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
}

impl Cell {
    pub fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => n.to_string(),
        }
    }
}

impl Table {
    /// RFC 4180 CSV with a header line (column names in lower case, as data files name them).
    pub fn csv(&self) -> String {
        let header: Vec<String> = self.columns.iter().map(|c| c.to_lowercase()).collect();
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let mut out = csv_row(&header);
        for row in &self.rows {
            let cells: Vec<String> = row.iter().map(Cell::text).collect();
            let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
            out.push_str(&csv_row(&cells));
        }
        out
    }
}

/// The key of the overdue list among the dashboard's tables (`/tablero/datos/vencidos.csv`).
pub const OVERDUE: &str = "vencidos";

impl Series {
    /// A chart's numbers: category and value.
    pub fn table(&self) -> Table {
        Table {
            title: self.title.clone(),
            columns: vec!["Categoría".into(), self.unit.clone()],
            rows: self
                .points
                .iter()
                .map(|(label, value)| vec![Cell::Text(label.clone()), Cell::Number(*value)])
                .collect(),
        }
    }
}

impl Dashboard {
    /// Overdue commitments, most late first as rolled up.
    pub fn overdue_table(&self) -> Table {
        Table {
            title: "Compromisos vencidos".into(),
            columns: [
                "Compromiso",
                "Institución",
                "Responsable",
                "Mesa",
                "Fecha límite",
                "Días de retraso",
            ]
            .map(String::from)
            .to_vec(),
            rows: self
                .overdue
                .iter()
                .map(|o| {
                    vec![
                        Cell::Text(o.description.clone()),
                        Cell::Text(o.institutions.clone()),
                        Cell::Text(o.responsible.clone()),
                        Cell::Text(o.mesa_name.clone()),
                        Cell::Text(o.due.to_string()),
                        Cell::Number(o.days_late as f64),
                    ]
                })
                .collect(),
        }
    }

    /// A table by key: a chart's data, or [`OVERDUE`].
    pub fn table(&self, key: &str) -> Option<Table> {
        if key == OVERDUE {
            return Some(self.overdue_table());
        }
        self.chart(key).map(Series::table)
    }
}

/// A chart's numbers as CSV.
pub fn series_csv(series: &Series) -> String {
    series.table().csv()
}

/// One CSV line (RFC 4180 quoting, CRLF), for spreadsheets.
pub fn csv_row(cells: &[&str]) -> String {
    let quoted: Vec<String> = cells
        .iter()
        .map(|c| {
            if c.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                (*c).to_owned()
            }
        })
        .collect();
    format!("{}\r\n", quoted.join(","))
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
    fn scopes_and_filters_come_from_the_url_and_bad_ones_are_told() {
        assert_eq!(Scope::parse(""), Some(Scope::Distrito));
        assert_eq!(
            Scope::parse("zona:Sur Occidente"),
            Some(Scope::Zona("Sur Occidente".into()))
        );
        assert_eq!(
            Scope::parse("mesa:local-07"),
            Some(Scope::Mesa("local-07".into()))
        );
        assert_eq!(Scope::parse("planeta:marte"), None);
        let q = DashboardQuery {
            ambito: "zona:Sur Occidente".into(),
            desde: "2026-01-01".into(),
            tipo: "aseguramiento".into(),
            ..DashboardQuery::default()
        };
        let f = q.validate().unwrap();
        assert_eq!(f.barrier_type, Some(BarrierType::DeAseguramiento));
        assert_eq!(
            q.to_query_string(),
            "ambito=zona:Sur%20Occidente&desde=2026-01-01&tipo=aseguramiento"
        );
        let bad = DashboardQuery {
            desde: "2026-13-01".into(),
            ..DashboardQuery::default()
        };
        assert!(bad.validate().unwrap_err().contains("AAAA-MM-DD"));
        let reversed = DashboardQuery {
            desde: "2026-02-01".into(),
            hasta: "2026-01-01".into(),
            ..DashboardQuery::default()
        };
        assert!(reversed.validate().is_err());
        let status = DashboardQuery {
            estado: "perdido".into(),
            ..DashboardQuery::default()
        };
        assert!(status.validate().is_err());
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

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let s = Series {
            key: "k".into(),
            title: "t".into(),
            unit: "compromisos".into(),
            points: vec![
                ("Subred Sur, Bosa".into(), 2.0),
                ("EPS \"Capital\"".into(), 1.0),
            ],
        };
        assert_eq!(
            series_csv(&s),
            "categoría,compromisos\r\n\"Subred Sur, Bosa\",2\r\n\"EPS \"\"Capital\"\"\",1\r\n"
        );
    }
}
