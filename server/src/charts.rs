//! Dashboard charts, drawn on the server with plotters as SVG: crisp on a projector, light on a
//! phone, and readable by screen readers (a `<title>` and a `<desc>` with every number).

use app::domain::dashboard::Series;
use plotters::prelude::*;
use plotters::style::FontStyle;

#[derive(Debug, thiserror::Error)]
#[error("no se pudo dibujar el gráfico: {0}")]
pub struct ChartError(String);

const WIDTH: u32 = 880;
const ROW: u32 = 44;
const TOP: u32 = 60;
const LABEL_X: i32 = 16;
const BAR_X: i32 = 330;
const BRAND: RGBColor = RGBColor(0x0b, 0x4f, 0x6c);
const INK: RGBColor = RGBColor(0x14, 0x21, 0x2b);

fn number(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

fn short(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_owned()
    } else {
        let cut: String = label.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn size(series: &Series) -> (u32, u32) {
    let rows = series.points.len().max(1) as u32;
    (WIDTH, TOP + rows * ROW + 20)
}

/// The embedded DejaVu fonts, registered once: PNG text needs the glyphs, and SVG text is laid out
/// with the same metrics.
fn fonts() -> Result<(), ChartError> {
    static REGISTERED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        let regular: &'static [u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
        let bold: &'static [u8] = include_bytes!("../assets/fonts/DejaVuSans-Bold.ttf");
        plotters::style::register_font("sans-serif", FontStyle::Normal, regular).is_ok()
            && plotters::style::register_font("sans-serif", FontStyle::Bold, bold).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(ChartError("no se pudo cargar la tipografía".into()))
    }
}

/// Draws the chart on any plotters backend (SVG for pages, bitmap for PNG downloads).
fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, plotters::coord::Shift>,
    series: &Series,
) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    let fail = |e: &dyn std::fmt::Display| ChartError(e.to_string());
    root.fill(&WHITE).map_err(|e| fail(&e))?;
    let title = ("sans-serif", 28)
        .into_font()
        .style(FontStyle::Bold)
        .color(&INK);
    let label = ("sans-serif", 21).into_font().color(&INK);
    root.draw(&Text::new(series.title.clone(), (LABEL_X, 14), title))
        .map_err(|e| fail(&e))?;
    if series.points.is_empty() {
        root.draw(&Text::new(
            "Sin datos para estos filtros".to_owned(),
            (LABEL_X, TOP as i32 + 6),
            label.clone(),
        ))
        .map_err(|e| fail(&e))?;
    }
    let max = series
        .points
        .iter()
        .map(|(_, v)| *v)
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let span = (WIDTH as i32 - BAR_X - 70) as f64;
    for (i, (name, value)) in series.points.iter().enumerate() {
        let y = (TOP + i as u32 * ROW) as i32;
        root.draw(&Text::new(short(name, 32), (LABEL_X, y + 7), label.clone()))
            .map_err(|e| fail(&e))?;
        let width = ((value / max) * span).round().max(2.0) as i32;
        root.draw(&Rectangle::new(
            [(BAR_X, y + 2), (BAR_X + width, y + ROW as i32 - 8)],
            BRAND.filled(),
        ))
        .map_err(|e| fail(&e))?;
        root.draw(&Text::new(
            number(*value),
            (BAR_X + width + 8, y + 7),
            label.clone(),
        ))
        .map_err(|e| fail(&e))?;
    }
    root.present().map_err(|e| fail(&e))
}

/// A horizontal bar chart: one bar per category, its value at the end of the bar.
pub fn bar_chart_svg(series: &Series) -> Result<String, ChartError> {
    fonts()?;
    let mut svg = String::new();
    draw(
        SVGBackend::with_string(&mut svg, size(series)).into_drawing_area(),
        series,
    )?;
    Ok(accessible(svg, series))
}

/// The same chart as a PNG image (for slides and documents).
pub fn bar_chart_png(series: &Series) -> Result<Vec<u8>, ChartError> {
    fonts()?;
    let (width, height) = size(series);
    let mut pixels = vec![0u8; (width * height * 3) as usize];
    draw(
        BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area(),
        series,
    )?;
    let image = image::RgbImage::from_raw(width, height, pixels)
        .ok_or_else(|| ChartError("imagen de tamaño inesperado".into()))?;
    let mut png = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| ChartError(e.to_string()))?;
    Ok(png)
}

/// Adds `role="img"`, a `<title>` and a `<desc>` listing every value.
fn accessible(svg: String, series: &Series) -> String {
    let desc = if series.points.is_empty() {
        "Sin datos".to_owned()
    } else {
        series
            .points
            .iter()
            .map(|(k, v)| format!("{k}: {} {}", number(*v), series.unit))
            .collect::<Vec<_>>()
            .join("; ")
    };
    match svg
        .find("<svg")
        .and_then(|start| svg[start..].find('>').map(|end| start + end))
    {
        Some(end) => format!(
            "{} role=\"img\" aria-labelledby=\"t d\"><title id=\"t\">{}</title><desc id=\"d\">{}</desc>{}",
            &svg[..end],
            escape(&series.title),
            escape(&desc),
            &svg[end + 1..]
        ),
        None => svg,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_labels_and_numbers_are_in_the_svg() {
        let series = Series {
            key: "compromisos-institucion".into(),
            title: "Compromisos por institución".into(),
            unit: "compromisos".into(),
            points: vec![
                ("Subred Sur <Bosa>".into(), 3.0),
                ("EPS Capital Salud".into(), 1.0),
            ],
        };
        let svg = bar_chart_svg(&series).unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("<title id=\"t\">Compromisos por institución</title>"));
        assert!(
            svg.contains(
                "Subred Sur &lt;Bosa&gt;: 3 compromisos; EPS Capital Salud: 1 compromisos"
            )
        );
        assert!(svg.contains("EPS Capital Salud"));
        assert_eq!(svg.matches("<rect").count(), 3, "background and two bars");
        let empty = Series {
            points: vec![],
            ..series
        };
        assert!(
            bar_chart_svg(&empty)
                .unwrap()
                .contains("Sin datos para estos filtros")
        );
    }
}
