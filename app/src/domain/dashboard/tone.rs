//! The colours a chart's bars may take, and the legend that says what they mean. Which colour a
//! tone is belongs to whoever draws it (the server's charts, the page's style); both take it from
//! the tone's code.

use serde::{Deserialize, Serialize};

use crate::domain::board::Semaforo;

/// How a bar is coloured: the brand colour, or one of the semáforo's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Tone {
    Brand,
    AlDia,
    PorVencer,
    Vencido,
    Cerrado,
    /// A commitment without a due date has no light.
    SinFecha,
}

impl Tone {
    pub const ALL: [Tone; 6] = [
        Tone::Brand,
        Tone::AlDia,
        Tone::PorVencer,
        Tone::Vencido,
        Tone::Cerrado,
        Tone::SinFecha,
    ];

    /// `vencido`, … (the semáforo's codes), `marca`, `sin_fecha`: CSS classes and data attributes.
    pub fn code(self) -> &'static str {
        match self {
            Tone::Brand => "marca",
            Tone::SinFecha => "sin_fecha",
            Tone::AlDia => Semaforo::AlDia.code(),
            Tone::PorVencer => Semaforo::PorVencer.code(),
            Tone::Vencido => Semaforo::Vencido.code(),
            Tone::Cerrado => Semaforo::Cerrado.code(),
        }
    }

    /// The tone of a commitment's light (none: no due date).
    pub fn of(light: Option<Semaforo>) -> Self {
        match light {
            None => Tone::SinFecha,
            Some(Semaforo::AlDia) => Tone::AlDia,
            Some(Semaforo::PorVencer) => Tone::PorVencer,
            Some(Semaforo::Vencido) => Tone::Vencido,
            Some(Semaforo::Cerrado) => Tone::Cerrado,
        }
    }
}

/// One line of a chart's legend: a colour, its name and what it means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegendEntry {
    pub tone: Tone,
    pub label: String,
    pub meaning: String,
}

/// What the label of a commitment without a due date says, on the chart and in its table.
pub const NO_DATE: &str = "Sin fecha";

/// The semáforo's legend, every light in the chart's order, whether or not a bar has it: the
/// legend explains the rule, and the rule is the same on every dashboard.
pub fn semaforo_legend() -> Vec<LegendEntry> {
    let entry = |tone, label: &str, meaning: &str| LegendEntry {
        tone,
        label: label.into(),
        meaning: meaning.into(),
    };
    vec![
        entry(
            Tone::Vencido,
            Semaforo::Vencido.label(),
            "pasó la fecha límite sin cumplirse",
        ),
        entry(
            Tone::PorVencer,
            Semaforo::PorVencer.label(),
            "vence en los próximos 7 días",
        ),
        entry(
            Tone::AlDia,
            Semaforo::AlDia.label(),
            "vence en más de 7 días",
        ),
        entry(
            Tone::Cerrado,
            Semaforo::Cerrado.label(),
            "cumplido o cancelado",
        ),
        entry(Tone::SinFecha, NO_DATE, "no tiene fecha límite"),
    ]
}
