//! The situation room of a Mesa (`/sala/{mesa}`): its territory's map coloured by a chosen
//! indicator or by the Mesas' own records, its key indicators with trend and semáforo, and its
//! barriers, overdue commitments and escalations, on one screen. This is the view model and
//! the rules that choose what it shows; the server fills it, the page draws it.

use serde::{Deserialize, Serialize};

use super::Territory;
use super::dashboard::Dashboard;
use super::indicators::{GoalStatus, ShownFigure};

/// Key indicators shown at most (the guideline's sala shows a handful, not a catalogue).
pub const KEY_INDICATORS: usize = 6;

/// The query of a situation page: `?capa=indicador:MI-01|barreras|vencidos`, `?modo=proyector`
/// or `?modo=kiosco&cada=20`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SituationQuery {
    #[serde(default)]
    pub capa: String,
    #[serde(default)]
    pub modo: String,
    #[serde(default)]
    pub cada: String,
}

/// What colours the map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MapLayerChoice {
    Indicator(String),
    /// Open (not yet resolved) barriers per localidad, from the boards.
    OpenBarriers,
    /// Overdue commitments per localidad, from the boards.
    OverdueCommitments,
}

impl MapLayerChoice {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "barreras" => Some(Self::OpenBarriers),
            "vencidos" => Some(Self::OverdueCommitments),
            other => other
                .strip_prefix("indicador:")
                .filter(|code| !code.trim().is_empty())
                .map(|code| Self::Indicator(code.trim().to_owned())),
        }
    }

    pub fn code(&self) -> String {
        match self {
            Self::Indicator(code) => format!("indicador:{code}"),
            Self::OpenBarriers => "barreras".into(),
            Self::OverdueCommitments => "vencidos".into(),
        }
    }
}

/// How the page is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SituationMode {
    /// A desk or a phone: everything, stacked on a narrow screen.
    Screen,
    /// The room's projector: larger type, no navigation.
    Projector,
    /// Unattended: one panel at a time, rotating every `seconds`.
    Kiosk { seconds: u32 },
}

/// Shortest and longest rotation (a panel must be readable, and the room must see them all).
pub const KIOSK_SECONDS: std::ops::RangeInclusive<u32> = 5..=300;
pub const KIOSK_DEFAULT_SECONDS: u32 = 20;

impl SituationQuery {
    pub fn mode(&self) -> SituationMode {
        match self.modo.trim() {
            "proyector" => SituationMode::Projector,
            "kiosco" => SituationMode::Kiosk {
                seconds: self
                    .cada
                    .trim()
                    .parse::<u32>()
                    .map(|s| s.clamp(*KIOSK_SECONDS.start(), *KIOSK_SECONDS.end()))
                    .unwrap_or(KIOSK_DEFAULT_SECONDS),
            },
            _ => SituationMode::Screen,
        }
    }
}

/// One of the key indicators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyIndicator {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub figure: ShownFigure,
}

/// One territory on the map, for the table beside it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapRow {
    pub code: String,
    pub name: String,
    pub value: Option<f64>,
    pub shown: String,
    /// Its Mesa's page in the situation room.
    pub href: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SituationView {
    pub mesa_code: String,
    pub mesa_name: String,
    pub territory: Territory,
    pub layer: Option<MapLayerChoice>,
    /// (code, label) of every layer the map can show.
    pub layers: Vec<(String, String)>,
    pub map_title: String,
    pub map_svg: String,
    pub map_rows: Vec<MapRow>,
    pub key_indicators: Vec<KeyIndicator>,
    /// The Mesa's management dashboard (its scope): barriers, overdue commitments, escalations.
    pub dashboard: Dashboard,
}

/// The key indicators of a territory: those with a figure, the ones off their goal first, then
/// in catalogue order; at most [`KEY_INDICATORS`].
pub fn choose_key_indicators(mut candidates: Vec<KeyIndicator>) -> Vec<KeyIndicator> {
    let rank = |status: GoalStatus| match status {
        GoalStatus::NoCumple => 0,
        GoalStatus::Cerca => 1,
        GoalStatus::Cumple => 2,
        GoalStatus::SinMeta => 3,
    };
    candidates.retain(|k| k.figure.value.is_some());
    // A stable sort keeps the catalogue's order within a status.
    candidates.sort_by_key(|k| rank(k.figure.status));
    candidates.truncate(KEY_INDICATORS);
    candidates
}

/// The dashboard scope a Mesa's situation room shows: a zonal Mesa's covers its localidades.
pub fn dashboard_scope(mesa: &str) -> super::dashboard::Scope {
    use super::dashboard::Scope;
    if mesa == super::DISTRICT_MESA_CODE {
        return Scope::Distrito;
    }
    match super::ZONAS.iter().find(|z| super::zona_code(z) == mesa) {
        Some(zona) => Scope::Zona((*zona).to_owned()),
        None => Scope::Mesa(mesa.to_owned()),
    }
}

/// A Mesa's management dashboard, in the scope its situation room shows (a zonal Mesa's covers
/// its localidades; the district's is the whole dashboard).
pub fn dashboard_href(mesa: &str) -> String {
    match dashboard_scope(mesa) {
        super::dashboard::Scope::Distrito => "/tablero".into(),
        scope => format!("/tablero?ambito={}", scope.code().replace(' ', "%20")),
    }
}

/// The situation room's address for a Mesa.
pub fn situation_href(mesa: &str) -> String {
    format!("/sala/{mesa}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: &str, status: GoalStatus, value: Option<f64>) -> KeyIndicator {
        KeyIndicator {
            code: code.into(),
            name: code.into(),
            unit: "%".into(),
            figure: ShownFigure {
                period: "2025".into(),
                value,
                shown: String::new(),
                note: String::new(),
                status,
            },
        }
    }

    #[test]
    fn the_ones_off_their_goal_come_first_and_empty_ones_never() {
        let chosen = choose_key_indicators(vec![
            key("a", GoalStatus::Cumple, Some(1.0)),
            key("b", GoalStatus::NoCumple, Some(1.0)),
            key("c", GoalStatus::SinMeta, None),
            key("d", GoalStatus::Cerca, Some(1.0)),
            key("e", GoalStatus::NoCumple, Some(1.0)),
        ]);
        let codes: Vec<&str> = chosen.iter().map(|k| k.code.as_str()).collect();
        assert_eq!(codes, ["b", "e", "d", "a"]);
        let many = (0..10)
            .map(|i| key(&i.to_string(), GoalStatus::Cumple, Some(1.0)))
            .collect();
        assert_eq!(choose_key_indicators(many).len(), KEY_INDICATORS);
    }

    #[test]
    fn layers_and_modes_read_from_the_query() {
        assert_eq!(
            MapLayerChoice::parse("indicador:MI-01"),
            Some(MapLayerChoice::Indicator("MI-01".into()))
        );
        assert_eq!(
            MapLayerChoice::parse("barreras").unwrap().code(),
            "barreras"
        );
        assert_eq!(MapLayerChoice::parse("indicador:"), None);
        let kiosk = |cada: &str| SituationQuery {
            modo: "kiosco".into(),
            cada: cada.into(),
            ..Default::default()
        };
        assert_eq!(kiosk("").mode(), SituationMode::Kiosk { seconds: 20 });
        assert_eq!(kiosk("1").mode(), SituationMode::Kiosk { seconds: 5 });
        assert_eq!(kiosk("9999").mode(), SituationMode::Kiosk { seconds: 300 });
        assert_eq!(SituationQuery::default().mode(), SituationMode::Screen);
    }

    #[test]
    fn a_zonal_mesa_looks_at_its_zone() {
        use crate::domain::dashboard::Scope;
        assert_eq!(dashboard_scope("distrito"), Scope::Distrito);
        assert_eq!(
            dashboard_scope("zona-sur-occidente"),
            Scope::Zona("Sur Occidente".into())
        );
        assert_eq!(dashboard_scope("local-07"), Scope::Mesa("local-07".into()));
        assert_eq!(dashboard_href("local-07"), "/tablero?ambito=mesa:local-07");
        assert_eq!(
            dashboard_href("zona-centro-oriente"),
            "/tablero?ambito=zona:Centro%20Oriente"
        );
        assert_eq!(dashboard_href("distrito"), "/tablero");
    }
}
