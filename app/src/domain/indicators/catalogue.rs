//! What an indicator is: its definition, how its value is computed from numerator and
//! denominator (× factor), which way is better, and its goal. The semáforo compares a value with
//! the goal in the indicator's direction.

use serde::{Deserialize, Serialize};

use super::Period;
use crate::domain::territory::TerritoryLevel;

code_enum! {
    /// Which way is better.
    Direction {
        HigherIsBetter = "mayor" / "Mayor es mejor",
        LowerIsBetter = "menor" / "Menor es mejor",
    }
}

/// One indicator of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    /// Short and stable, as the source writes it (`MM-01`, `cobertura_vacunacion`).
    pub code: String,
    pub name: String,
    pub definition: String,
    /// What is counted above the line (text, as the source defines it).
    pub numerator: String,
    /// What it is divided by; empty for a count (casos, personas), whose value is the numerator.
    pub denominator: String,
    /// What the value is in: «por 1.000 nacidos vivos», «%», «casos».
    pub unit: String,
    /// The value is numerator ÷ denominator × factor (100 for a percentage, 1,000, 100,000…).
    pub factor: f64,
    pub direction: Direction,
    pub goal: Option<f64>,
    /// The period the goal is set for (informative: the semáforo uses the goal for any period).
    pub goal_period: Option<Period>,
    pub source: String,
    /// The finest level the source gives it for.
    pub disaggregation: TerritoryLevel,
}

impl Indicator {
    /// A count has no denominator: its value is the numerator, and it adds up as is.
    pub fn is_count(&self) -> bool {
        self.denominator.trim().is_empty()
    }

    /// numerator ÷ denominator × factor (the count itself for a count); `None` for a zero
    /// denominator.
    pub fn compute(&self, numerator: f64, denominator: Option<f64>) -> Option<f64> {
        if self.is_count() {
            return Some(numerator);
        }
        match denominator {
            Some(d) if d != 0.0 => Some(numerator / d * self.factor),
            _ => None,
        }
    }

    pub fn status(&self, value: f64) -> GoalStatus {
        GoalStatus::of(value, self.goal, self.direction)
    }
}

code_enum! {
    /// The semáforo against the goal.
    GoalStatus {
        Cumple = "cumple" / "Cumple la meta",
        Cerca = "cerca" / "Cerca de la meta",
        NoCumple = "no_cumple" / "No cumple la meta",
        SinMeta = "sin_meta" / "Sin meta",
    }
}

/// How far from the goal still counts as *cerca*: a tenth of the goal.
pub const NEAR_GOAL: f64 = 0.10;

impl GoalStatus {
    /// Meets the goal in its direction; within a tenth of it is *cerca*; beyond, *no cumple*.
    pub fn of(value: f64, goal: Option<f64>, direction: Direction) -> Self {
        let Some(goal) = goal else {
            return GoalStatus::SinMeta;
        };
        let margin = goal.abs() * NEAR_GOAL;
        let (meets, near) = match direction {
            Direction::HigherIsBetter => (value >= goal, value >= goal - margin),
            Direction::LowerIsBetter => (value <= goal, value <= goal + margin),
        };
        if meets {
            GoalStatus::Cumple
        } else if near {
            GoalStatus::Cerca
        } else {
            GoalStatus::NoCumple
        }
    }

    /// The board's semáforo colours, so a red here means what a red means everywhere.
    pub fn tone(self) -> crate::domain::dashboard::Tone {
        use crate::domain::dashboard::Tone;
        match self {
            GoalStatus::Cumple => Tone::AlDia,
            GoalStatus::Cerca => Tone::PorVencer,
            GoalStatus::NoCumple => Tone::Vencido,
            GoalStatus::SinMeta => Tone::Cerrado,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn mortality() -> Indicator {
        Indicator {
            code: "MI-01".into(),
            name: "Mortalidad infantil".into(),
            definition: "Muertes de menores de un año por cada 1.000 nacidos vivos".into(),
            numerator: "Muertes de menores de 1 año".into(),
            denominator: "Nacidos vivos".into(),
            unit: "por 1.000 nacidos vivos".into(),
            factor: 1000.0,
            direction: Direction::LowerIsBetter,
            goal: Some(8.0),
            goal_period: Some(Period::Year { year: 2026 }),
            source: "Datos de ejemplo".into(),
            disaggregation: TerritoryLevel::Localidad,
        }
    }

    #[test]
    fn value_is_numerator_over_denominator_times_factor() {
        let mi = mortality();
        assert_eq!(mi.compute(9.0, Some(1000.0)), Some(9.0));
        assert_eq!(mi.compute(9.0, Some(0.0)), None);
        let count = Indicator {
            denominator: " ".into(),
            ..mortality()
        };
        assert!(count.is_count());
        assert_eq!(count.compute(42.0, None), Some(42.0));
    }

    #[test]
    fn the_semaforo_reads_the_direction() {
        let lower = Direction::LowerIsBetter;
        assert_eq!(GoalStatus::of(7.5, Some(8.0), lower), GoalStatus::Cumple);
        assert_eq!(GoalStatus::of(8.5, Some(8.0), lower), GoalStatus::Cerca);
        assert_eq!(GoalStatus::of(9.0, Some(8.0), lower), GoalStatus::NoCumple);
        let higher = Direction::HigherIsBetter;
        assert_eq!(GoalStatus::of(95.0, Some(95.0), higher), GoalStatus::Cumple);
        assert_eq!(GoalStatus::of(90.0, Some(95.0), higher), GoalStatus::Cerca);
        assert_eq!(
            GoalStatus::of(80.0, Some(95.0), higher),
            GoalStatus::NoCumple
        );
        assert_eq!(GoalStatus::of(80.0, None, higher), GoalStatus::SinMeta);
    }
}
