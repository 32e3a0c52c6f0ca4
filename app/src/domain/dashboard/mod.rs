//! Management dashboards ("tableros de gestión"): the scope and filters a dashboard URL carries,
//! and the pure roll-up of projected board records into its panels. The server fetches the rows
//! in scope; everything computed from them is here, unit-tested.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::board::{BarrierStatus, BarrierType, CommitmentStatus, Semaforo, semaforo};

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
    pub status: Option<StatusFilter>,
}

/// The status asked for: a commitment's status narrows the commitments, a barrier's the barriers
/// (the codes of the two never overlap).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    Commitment(CommitmentStatus),
    Barrier(BarrierStatus),
}

impl Filters {
    /// A record of a session held on `date` is in the period (both ends included).
    pub fn in_period(&self, date: NaiveDate) -> bool {
        self.from.is_none_or(|from| date >= from) && self.to.is_none_or(|to| date <= to)
    }

    /// One of the institutions a field names (see [`institutions`]) contains the one asked for,
    /// compared without case or accents.
    pub fn institution_matches(&self, field: &str) -> bool {
        self.institution.as_deref().is_none_or(|wanted| {
            let wanted = fold(wanted);
            institutions(field)
                .iter()
                .any(|name| fold(name).contains(&wanted))
        })
    }
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
            code => Some(
                CommitmentStatus::parse(code)
                    .map(StatusFilter::Commitment)
                    .or_else(|| BarrierStatus::parse(code).map(StatusFilter::Barrier))
                    .ok_or_else(|| format!("estado desconocido «{code}»"))?,
            ),
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

    /// Something besides the scope narrows what the dashboard counts.
    pub fn is_narrowed(&self) -> bool {
        [
            &self.desde,
            &self.hasta,
            &self.tipo,
            &self.institucion,
            &self.estado,
        ]
        .iter()
        .any(|v| !v.trim().is_empty())
    }

    /// The sentence an empty panel says about `what` ("compromisos vencidos"): that the filters
    /// leave nothing, or that nothing has been recorded yet.
    pub fn nothing(&self, what: &str) -> String {
        if self.is_narrowed() {
            format!("No hay {what} con estos filtros.")
        } else {
            format!("Aún no hay {what} en este ámbito.")
        }
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

impl CommitmentRow {
    /// Its semáforo as of `today`; none without a due date.
    pub fn light(&self, today: NaiveDate) -> Option<Semaforo> {
        self.due.map(|due| semaforo(due, self.status, today))
    }

    /// The status the dashboard counts it in. Overdue is derived, never typed: an open commitment
    /// past its due date is *Vencido* whatever was typed, and one typed *Vencido* that is not
    /// past a due date counts as *Pendiente*. So the status filter, the status chart, the
    /// semáforo and the overdue list always agree.
    pub fn status_on(&self, today: NaiveDate) -> CommitmentStatus {
        match (self.light(today), self.status) {
            (Some(Semaforo::Vencido), _) => CommitmentStatus::Vencido,
            (_, CommitmentStatus::Vencido) => CommitmentStatus::Pendiente,
            (_, typed) => typed,
        }
    }
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
    /// Codes of the register's assets mobilised for it.
    pub assets: Vec<String>,
    /// 1 (least) to 5, as the card's scale.
    pub severity: u8,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttendanceRow {
    pub session_id: i64,
    pub session_date: NaiveDate,
    pub mesa_code: String,
    pub sector: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgreementRow {
    pub session_id: i64,
    pub session_date: NaiveDate,
    pub mesa_code: String,
}

/// Everything in scope, before filtering by the query's other filters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScopeRows {
    pub commitments: Vec<CommitmentRow>,
    pub barriers: Vec<BarrierRow>,
    pub agreements: Vec<AgreementRow>,
    pub attendance: Vec<AttendanceRow>,
}

/// One chart's numbers: labels and counts (or percentages), in display order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub key: String,
    pub title: String,
    pub unit: String,
    pub points: Vec<(String, f64)>,
    /// How each point's bar is coloured, in the order of `points` (empty: all [`Tone::Brand`]).
    #[serde(default)]
    pub tones: Vec<Tone>,
    /// What its colours mean (empty: a chart of one colour needs no legend).
    #[serde(default)]
    pub legend: Vec<LegendEntry>,
    /// The sentence the panel says when it has no points.
    #[serde(default)]
    pub empty: String,
}

impl Series {
    pub fn tone(&self, point: usize) -> Tone {
        self.tones.get(point).copied().unwrap_or(Tone::Brand)
    }

    /// At most `max` bars: the `max - 1` largest stay where they were, the rest add up to one
    /// last bar, *Otros (n)*. Categories such as institutions are typed by people, so their
    /// number has no bound of its own, and a chart image's size grows with it.
    pub fn capped(&self, max: usize) -> Series {
        let max = max.max(2);
        if self.points.len() <= max {
            return self.clone();
        }
        let mut by_size: Vec<usize> = (0..self.points.len()).collect();
        by_size.sort_by(|&a, &b| {
            self.points[b]
                .1
                .partial_cmp(&self.points[a].1)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(a.cmp(&b))
        });
        let mut kept: Vec<usize> = by_size[..max - 1].to_vec();
        kept.sort_unstable();
        let rest: Vec<usize> = by_size[max - 1..].to_vec();
        let mut capped = Series {
            points: kept.iter().map(|&i| self.points[i].clone()).collect(),
            tones: if self.tones.is_empty() {
                Vec::new()
            } else {
                kept.iter().map(|&i| self.tone(i)).collect()
            },
            ..self.clone()
        };
        capped.points.push((
            format!("Otros ({})", rest.len()),
            rest.iter().map(|&i| self.points[i].1).sum(),
        ));
        if !capped.tones.is_empty() {
            capped.tones.push(Tone::Cerrado);
        }
        capped
    }
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
    /// The territory's social assets beside the barriers that mobilise them.
    #[serde(default)]
    pub assets: Vec<AssetUse>,
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
    /// When it was sent (Bogotá calendar): the period filter keeps those sent in the period.
    pub sent: NaiveDate,
    pub days_waiting: i64,
    pub overdue: bool,
}

impl Dashboard {
    pub fn chart(&self, key: &str) -> Option<&Series> {
        self.charts.iter().find(|c| c.key == key)
    }

    /// The escalations waiting for an answer, those sent in the period.
    pub fn add_escalations(&mut self, waits: Vec<EscalationWait>, filters: &Filters) {
        self.escalations = waits
            .into_iter()
            .filter(|e| filters.in_period(e.sent))
            .collect();
    }

    /// What the open escalations' panel says when it is empty.
    pub fn no_escalations(&self) -> String {
        self.query.nothing("escalamientos esperando respuesta")
    }
}

mod assets;
mod csv;
mod roll_up;
#[cfg(test)]
mod roll_up_tests;
mod table;
mod text;
mod tone;

pub use assets::{AssetBarrier, AssetUse, asset_uses};
pub use csv::{CsvFormat, CsvQuery};
pub use roll_up::roll_up;
pub use table::{Cell, Column, OVERDUE, Table};
pub use text::{decimal, decimal_point, fold, institutions};
pub use tone::{LegendEntry, NO_DATE, Tone, semaforo_legend};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_keeps_its_largest_bars_and_adds_the_rest_up_as_otros() {
        let series = Series {
            key: "x".into(),
            title: "Compromisos por institución".into(),
            unit: "compromisos".into(),
            points: (0..30)
                .map(|i| (format!("Inst {i}"), f64::from(i % 7)))
                .collect(),
            tones: Vec::new(),
            legend: Vec::new(),
            empty: String::new(),
        };
        let capped = series.capped(12);
        assert_eq!(capped.points.len(), 12);
        let total = |s: &Series| s.points.iter().map(|p| p.1).sum::<f64>();
        assert_eq!(
            total(&capped),
            total(&series),
            "nothing is lost from the total"
        );
        assert_eq!(capped.points[11].0, "Otros (19)");
        // The kept ones are the largest (every 6 and 5, the first three 4s), in their original order.
        assert!(
            capped.points[..11].iter().all(|p| p.1 >= 4.0),
            "{:?}",
            capped.points
        );
        assert_eq!(capped.points[0].0, "Inst 4", "ties go to the earlier");
        assert_eq!(series.capped(40), series, "a short chart is left alone");
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
}
