//! A Mesa's standing agenda (*orden del día tipo*): the points every new session of the Mesa
//! starts with, after «Aprobación del acta anterior» and «Seguimiento a compromisos», which Sala
//! adds itself. Written as one point per line, optionally ending in its minutes («Informe de la
//! EPS (15 min)»); pure, so what a line means is tested here.

use serde::{Deserialize, Serialize};

use super::session::FieldErrors;

pub const MAX_POINTS: usize = 30;
pub const MAX_TITLE_CHARS: usize = 200;

/// One point of the standing agenda.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplatePoint {
    pub title: String,
    pub minutes: Option<u32>,
}

/// Reads one line: «Informe de la EPS (15 min)» is 15 minutes; «(15)» alone is not a duration.
fn point(line: &str) -> Option<TemplatePoint> {
    let line = line.trim().trim_start_matches(['-', '*', '·', '•']).trim();
    if line.is_empty() {
        return None;
    }
    let timed = line.strip_suffix(')').and_then(|rest| {
        let (title, inside) = rest.rsplit_once('(')?;
        let minutes = inside
            .trim()
            .strip_suffix("min")
            .or_else(|| inside.trim().strip_suffix("minutos"))?
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|m| (1..=600).contains(m))?;
        let title = title.trim();
        (!title.is_empty()).then(|| TemplatePoint {
            title: title.to_owned(),
            minutes: Some(minutes),
        })
    });
    Some(timed.unwrap_or_else(|| TemplatePoint {
        title: line.to_owned(),
        minutes: None,
    }))
}

/// The points of `text`, one per non-blank line; errors under the field `agenda`.
pub fn parse_template(text: &str) -> Result<Vec<TemplatePoint>, FieldErrors> {
    let points: Vec<TemplatePoint> = text.lines().filter_map(point).collect();
    let mut errors = FieldErrors::default();
    if points.len() > MAX_POINTS {
        errors.add(
            "agenda",
            format!("Máximo {MAX_POINTS} puntos (hay {}).", points.len()),
        );
    }
    if let Some(long) = points
        .iter()
        .position(|p| p.title.chars().count() > MAX_TITLE_CHARS)
    {
        errors.add(
            "agenda",
            format!(
                "El punto {} pasa de {MAX_TITLE_CHARS} caracteres: escriba el detalle en la sesión.",
                long + 1
            ),
        );
    }
    if errors.is_empty() {
        Ok(points)
    } else {
        Err(errors)
    }
}

/// The text a form shows for `points` (what [`parse_template`] reads back the same).
pub fn template_text(points: &[TemplatePoint]) -> String {
    points
        .iter()
        .map(|p| match p.minutes {
            Some(m) => format!("{} ({m} min)", p.title),
            None => p.title.clone(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_point_per_line_with_optional_minutes() {
        let points = parse_template(
            "  Informe de la EPS (15 min)\n\n- Barreras de acceso\n• Varios (5 minutos)\nCasos (urgentes)\nPlan (0 min)\n",
        )
        .unwrap();
        let read: Vec<(&str, Option<u32>)> = points
            .iter()
            .map(|p| (p.title.as_str(), p.minutes))
            .collect();
        assert_eq!(
            read,
            vec![
                ("Informe de la EPS", Some(15)),
                ("Barreras de acceso", None),
                ("Varios", Some(5)),
                ("Casos (urgentes)", None),
                ("Plan (0 min)", None),
            ]
        );
        assert_eq!(parse_template(&template_text(&points)).unwrap(), points);
        assert!(parse_template("  \n \n").unwrap().is_empty());
    }

    #[test]
    fn too_many_or_too_long_points_are_refused_in_spanish() {
        let many = (0..31)
            .map(|n| format!("Punto {n}"))
            .collect::<Vec<_>>()
            .join("\n");
        let errors = parse_template(&many).unwrap_err();
        assert_eq!(errors.get("agenda"), Some("Máximo 30 puntos (hay 31)."));
        let long = format!("Bienvenida\n{}", "x".repeat(201));
        let errors = parse_template(&long).unwrap_err();
        assert!(
            errors
                .get("agenda")
                .unwrap()
                .starts_with("El punto 2 pasa de 200")
        );
    }
}
