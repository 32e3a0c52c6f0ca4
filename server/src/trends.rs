//! An indicator's trend as a line chart drawn by plotters (SVG for pages, PNG for slides): the
//! territory, its zona and the district, one line each, over the periods, with the goal as a
//! dashed line. Each line has its own colour *and* marker, so the chart reads in grey too; a
//! period without a value breaks the line instead of inventing one.

use app::domain::indicators::{Trend, format_value};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

use crate::charts::{ChartError, encode_png, fonts};

const WIDTH: u32 = 880;
const HEIGHT: u32 = 460;
const INK: RGBColor = RGBColor(0x14, 0x21, 0x2b);
/// The territory (brand), its zona (orange) and the district (grey): distinguishable with any
/// colour vision, and by marker.
const LINES: [RGBColor; 3] = [
    RGBColor(0x0b, 0x4f, 0x6c),
    RGBColor(0xd9, 0x77, 0x06),
    RGBColor(0x64, 0x74, 0x8b),
];
const GOAL: RGBColor = RGBColor(0x15, 0x80, 0x3d);

/// What a trend chart shows.
pub struct TrendChart<'a> {
    pub title: &'a str,
    pub unit: &'a str,
    pub trend: &'a Trend,
}

fn fail(error: impl std::fmt::Display) -> ChartError {
    ChartError(error.to_string())
}

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    chart: &TrendChart,
) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(fail)?;
    let trend = chart.trend;
    let labels: Vec<String> = trend.periods.iter().map(|p| p.label()).collect();
    let values = trend
        .lines
        .iter()
        .flat_map(|(_, _, points)| points.iter().flatten().copied())
        .chain(trend.goal);
    let top = values.fold(0.0_f64, f64::max).max(1.0) * 1.15;
    let (plot, legend) = root.split_vertically(HEIGHT - 70);
    let mut context = ChartBuilder::on(&plot)
        .caption(
            chart.title,
            ("sans-serif", 24)
                .into_font()
                .style(FontStyle::Bold)
                .color(&INK),
        )
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(70)
        .build_cartesian_2d(-0.5..(labels.len().max(1) as f64 - 0.5), 0.0..top)
        .map_err(fail)?;
    let step = labels.len().div_ceil(12).max(1);
    context
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(labels.len().max(1))
        .x_label_formatter(&|x| {
            let i = x.round() as usize;
            if (x - x.round()).abs() < 1e-6 && i.is_multiple_of(step) {
                labels.get(i).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .y_label_formatter(&|y| format_value(*y))
        .y_desc(chart.unit)
        .label_style(("sans-serif", 15).into_font().color(&INK))
        .axis_desc_style(("sans-serif", 15).into_font().color(&INK))
        .draw()
        .map_err(fail)?;
    if let Some(goal) = trend.goal {
        let end = labels.len().max(1) as f64 - 0.5;
        context
            .draw_series(DashedLineSeries::new(
                [(-0.5, goal), (end, goal)],
                8,
                6,
                GOAL.stroke_width(2),
            ))
            .map_err(fail)?;
    }
    for (i, (_, _, points)) in trend.lines.iter().enumerate() {
        let colour = LINES[i % LINES.len()];
        // Consecutive periods with a value are joined; a gap breaks the line.
        let mut run: Vec<(f64, f64)> = Vec::new();
        let mut runs = Vec::new();
        for (x, point) in points.iter().enumerate() {
            match point {
                Some(y) => run.push((x as f64, *y)),
                None if !run.is_empty() => runs.push(std::mem::take(&mut run)),
                None => {}
            }
        }
        if !run.is_empty() {
            runs.push(run);
        }
        for run in &runs {
            context
                .draw_series(LineSeries::new(run.iter().copied(), colour.stroke_width(3)))
                .map_err(fail)?;
            let size = 6;
            match i {
                0 => context
                    .draw_series(run.iter().map(|p| Circle::new(*p, size, colour.filled())))
                    .map(|_| ()),
                1 => context
                    .draw_series(
                        run.iter()
                            .map(|p| TriangleMarker::new(*p, size + 1, colour.filled())),
                    )
                    .map(|_| ()),
                _ => context
                    .draw_series(
                        run.iter()
                            .map(|p| Cross::new(*p, size, colour.stroke_width(3))),
                    )
                    .map(|_| ()),
            }
            .map_err(fail)?;
        }
    }
    // The legend under the plot: a swatch of each line's colour, then its name.
    let label = ("sans-serif", 17).into_font().color(&INK);
    let mut x = 24;
    let entries = trend
        .lines
        .iter()
        .enumerate()
        .map(|(i, (_, name, _))| (LINES[i % LINES.len()], name.clone()))
        .chain(
            trend
                .goal
                .map(|g| (GOAL, format!("Meta ({})", format_value(g)))),
        );
    for (colour, name) in entries {
        legend
            .draw(&Rectangle::new([(x, 22), (x + 26, 30)], colour.filled()))
            .map_err(fail)?;
        legend
            .draw(&Text::new(name.clone(), (x + 34, 16), label.clone()))
            .map_err(fail)?;
        x += 34 + 11 * name.chars().count() as i32 + 30;
    }
    root.present().map_err(fail)?;
    Ok(())
}

/// A sentence with every number, for screen readers.
fn describe(chart: &TrendChart) -> String {
    let trend = chart.trend;
    let mut parts = Vec::new();
    for (_, name, points) in &trend.lines {
        let values: Vec<String> = trend
            .periods
            .iter()
            .zip(points)
            .map(|(p, v)| {
                format!(
                    "{}: {}",
                    p.label(),
                    v.map(format_value).unwrap_or_else(|| "sin dato".into())
                )
            })
            .collect();
        parts.push(format!("{name}: {}", values.join(", ")));
    }
    if let Some(goal) = trend.goal {
        parts.push(format!("meta {}", format_value(goal)));
    }
    format!("{} ({}). {}.", chart.title, chart.unit, parts.join(". "))
}

pub fn trend_svg(chart: &TrendChart) -> Result<String, ChartError> {
    fonts()?;
    let mut svg = String::new();
    draw(
        SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area(),
        chart,
    )?;
    let head = crate::charts::image_head("tendencia", chart.title, &describe(chart));
    Ok(crate::charts::splice_head(svg, &head))
}

pub fn trend_png(chart: &TrendChart) -> Result<Vec<u8>, ChartError> {
    fonts()?;
    let mut pixels = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    draw(
        BitMapBackend::with_buffer(&mut pixels, (WIDTH, HEIGHT)).into_drawing_area(),
        chart,
    )?;
    encode_png(WIDTH, HEIGHT, pixels)
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::indicators::Period;

    fn trend() -> Trend {
        Trend {
            periods: vec![Period::Year { year: 2024 }, Period::Year { year: 2025 }],
            lines: vec![
                ("07".into(), "Bosa".into(), vec![Some(9.5), Some(8.25)]),
                (
                    "zona-sur-occidente".into(),
                    "Zona Sur Occidente".into(),
                    vec![None, Some(7.0)],
                ),
                (
                    "distrito".into(),
                    "Bogotá D.C.".into(),
                    vec![Some(8.0), Some(7.5)],
                ),
            ],
            goal: Some(8.0),
        }
    }

    #[test]
    fn the_svg_names_every_line_and_number() {
        let trend = trend();
        let chart = TrendChart {
            title: "Mortalidad infantil · Bosa",
            unit: "por 1.000 nacidos vivos",
            trend: &trend,
        };
        let svg = trend_svg(&chart).unwrap();
        for needle in [
            "Bosa: 2024: 9,5, 2025: 8,25",
            "Zona Sur Occidente: 2024: sin dato",
            "meta 8",
            "Meta (8)",
            "role=\"img\"",
        ] {
            assert!(svg.contains(needle), "missing {needle}");
        }
        let png = trend_png(&chart).unwrap();
        assert!(png.starts_with(b"\x89PNG"));
    }

    #[test]
    fn an_empty_trend_still_draws() {
        let empty = Trend {
            periods: vec![],
            lines: vec![],
            goal: None,
        };
        let chart = TrendChart {
            title: "Sin datos",
            unit: "%",
            trend: &empty,
        };
        assert!(trend_svg(&chart).unwrap().contains("Sin datos"));
    }
}
