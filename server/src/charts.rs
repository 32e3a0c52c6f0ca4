//! Dashboard charts, drawn on the server with plotters as SVG: crisp on a projector, light on a
//! phone, and readable by screen readers (a `<title>` and a `<desc>` with every number). A chart
//! whose bars have several colours (the semáforo) draws its legend under them, so the PNG on a
//! slide explains itself; one with no points says so in a sentence.

use app::domain::dashboard::{Series, Tone, decimal};
use plotters::prelude::*;
use plotters::style::FontStyle;

#[derive(Debug, thiserror::Error)]
#[error("no se pudo dibujar el gráfico: {0}")]
pub struct ChartError(pub(crate) String);

const WIDTH: u32 = 880;
const ROW: u32 = 44;
const TOP: u32 = 60;
const LABEL_X: i32 = 16;
const BAR_X: i32 = 330;
const LEGEND_ROW: u32 = 34;
const LEGEND_GAP: u32 = 16;
const INK: RGBColor = RGBColor(0x14, 0x21, 0x2b);
/// Bars drawn at most (the rest add up to *Otros*): a PNG's buffer is width × height × 3 bytes,
/// so this bounds what one image costs (880 × 1,400 px, 3.7 MB, with a full legend).
pub const MAX_BARS: usize = 25;

/// Each tone's colour (`0xRRGGBB`) and its name for a screen reader. The page's style declares the
/// same colours as `--tone-<code>` (a test below checks both agree); the semáforo's are the hues
/// of its badges on the board, strong enough for a bar on white.
fn palette(tone: Tone) -> (u32, &'static str) {
    match tone {
        Tone::Brand => (0x0b4f6c, "azul"),
        Tone::Vencido => (0xb91c1c, "rojo"),
        Tone::PorVencer => (0xd97706, "ámbar"),
        Tone::AlDia => (0x15803d, "verde"),
        Tone::Cerrado => (0x64748b, "gris"),
        Tone::SinFecha => (0xcbd5e1, "gris claro"),
    }
}

fn colour(tone: Tone) -> RGBColor {
    let (hex, _) = palette(tone);
    RGBColor((hex >> 16) as u8, (hex >> 8) as u8, hex as u8)
}

fn short(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_owned()
    } else {
        let cut: String = label.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn bars_end(series: &Series) -> u32 {
    TOP + series.points.len().max(1) as u32 * ROW + 20
}

/// A legend is drawn when there are bars to explain.
fn legend_rows(series: &Series) -> u32 {
    if series.points.is_empty() {
        0
    } else {
        series.legend.len() as u32
    }
}

fn size(series: &Series) -> (u32, u32) {
    let legend = match legend_rows(series) {
        0 => 0,
        rows => LEGEND_GAP + rows * LEGEND_ROW,
    };
    (WIDTH, bars_end(series) + legend)
}

/// What an empty chart says (its series' sentence, or a plain one).
fn empty_sentence(series: &Series) -> String {
    if series.empty.is_empty() {
        "No hay datos con estos filtros.".to_owned()
    } else {
        series.empty.clone()
    }
}

/// The embedded DejaVu fonts, registered once: PNG text needs the glyphs, and SVG text is laid out
/// with the same metrics.
pub(crate) fn fonts() -> Result<(), ChartError> {
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
            empty_sentence(series),
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
        let bar = [(BAR_X, y + 2), (BAR_X + width, y + ROW as i32 - 8)];
        swatch(&root, bar, series.tone(i)).map_err(|e| fail(&e))?;
        root.draw(&Text::new(
            decimal(*value),
            (BAR_X + width + 8, y + 7),
            label.clone(),
        ))
        .map_err(|e| fail(&e))?;
    }
    if legend_rows(series) > 0 {
        let top = bars_end(series) as i32;
        root.draw(&PathElement::new(
            vec![(LABEL_X, top), (WIDTH as i32 - LABEL_X, top)],
            RGBColor(0xcd, 0xd6, 0xdd).stroke_width(1),
        ))
        .map_err(|e| fail(&e))?;
        let strong = ("sans-serif", 19)
            .into_font()
            .style(FontStyle::Bold)
            .color(&INK);
        let plain = ("sans-serif", 19).into_font().color(&INK);
        for (i, entry) in series.legend.iter().enumerate() {
            let y = top + LEGEND_GAP as i32 + i as i32 * LEGEND_ROW as i32;
            swatch(
                &root,
                [(LABEL_X, y + 2), (LABEL_X + 22, y + 24)],
                entry.tone,
            )
            .map_err(|e| fail(&e))?;
            root.draw(&Text::new(
                entry.label.clone(),
                (LABEL_X + 34, y + 3),
                strong.clone(),
            ))
            .map_err(|e| fail(&e))?;
            root.draw(&Text::new(
                format!("— {}", entry.meaning),
                (LABEL_X + 170, y + 3),
                plain.clone(),
            ))
            .map_err(|e| fail(&e))?;
        }
    }
    root.present().map_err(|e| fail(&e))
}

/// A filled box in a tone's colour; the palest one gets an outline, so it shows on white.
fn swatch<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    corners: [(i32, i32); 2],
    tone: Tone,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.draw(&Rectangle::new(corners, colour(tone).filled()))?;
    if tone == Tone::SinFecha {
        root.draw(&Rectangle::new(corners, INK.stroke_width(1)))?;
    }
    Ok(())
}

/// A horizontal bar chart: one bar per category, its value at the end of the bar.
pub fn bar_chart_svg(series: &Series) -> Result<String, ChartError> {
    fonts()?;
    let series = &series.capped(MAX_BARS);
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
    let series = &series.capped(MAX_BARS);
    let (width, height) = size(series);
    let mut pixels = vec![0u8; (width * height * 3) as usize];
    draw(
        BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area(),
        series,
    )?;
    encode_png(width, height, pixels)
}

/// RGB pixels as a PNG file.
pub(crate) fn encode_png(width: u32, height: u32, pixels: Vec<u8>) -> Result<Vec<u8>, ChartError> {
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
        empty_sentence(series)
    } else {
        let values = series
            .points
            .iter()
            .map(|(k, v)| format!("{k}: {} {}", decimal(*v), series.unit))
            .collect::<Vec<_>>()
            .join("; ");
        let legend = series
            .legend
            .iter()
            .map(|e| format!("{} ({}): {}", e.label, palette(e.tone).1, e.meaning))
            .collect::<Vec<_>>();
        if legend.is_empty() {
            values
        } else {
            format!("{values}. Colores: {}.", legend.join("; "))
        }
    };
    splice_head(svg, &image_head("c", &series.title, &desc))
}

/// ` role="img"` with a `<title>` and a `<desc>` (ids `{id}-t`, `{id}-d`), for [`splice_head`].
pub(crate) fn image_head(id: &str, title: &str, desc: &str) -> String {
    format!(
        " role=\"img\" aria-labelledby=\"{id}-t {id}-d\"><title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        escape(title),
        escape(desc)
    )
}

/// The SVG with `head` put where its opening `<svg …>` tag closes: `head` starts with the
/// attributes to add, then `>` and the first children (a screen reader announces the first
/// `<title>`). Unchanged if there is no such tag.
pub(crate) fn splice_head(svg: String, head: &str) -> String {
    match svg
        .find("<svg")
        .and_then(|start| svg[start..].find('>').map(|end| start + end))
    {
        Some(end) => format!("{}{head}{}", &svg[..end], &svg[end + 1..]),
        None => svg,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::dashboard::semaforo_legend;

    fn series(points: Vec<(String, f64)>) -> Series {
        Series {
            key: "compromisos-institucion".into(),
            title: "Compromisos por institución".into(),
            unit: "compromisos".into(),
            points,
            tones: Vec::new(),
            legend: Vec::new(),
            empty: "No hay compromisos con estos filtros.".into(),
        }
    }

    #[test]
    fn bars_labels_and_numbers_are_in_the_svg() {
        let series = series(vec![
            ("Subred Sur <Bosa>".into(), 3.0),
            ("EPS Capital Salud".into(), 1.5),
        ]);
        let svg = bar_chart_svg(&series).unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("<title id=\"c-t\">Compromisos por institución</title>"));
        assert!(svg.contains(
            "Subred Sur &lt;Bosa&gt;: 3 compromisos; EPS Capital Salud: 1,5 compromisos"
        ));
        assert!(svg.contains("EPS Capital Salud"));
        assert_eq!(svg.matches("<rect").count(), 3, "background and two bars");
        let empty = Series {
            points: vec![],
            ..series
        };
        let svg = bar_chart_svg(&empty).unwrap();
        assert_eq!(
            svg.matches("No hay compromisos con estos filtros.").count(),
            2,
            "drawn, and in the description"
        );
    }

    #[test]
    fn the_semaforo_chart_is_in_its_colours_with_a_legend() {
        let chart = Series {
            tones: vec![Tone::Vencido, Tone::AlDia, Tone::SinFecha],
            legend: semaforo_legend(),
            ..series(vec![
                ("Vencido".into(), 2.0),
                ("Al día".into(), 1.0),
                ("Sin fecha".into(), 1.0),
            ])
        };
        let svg = bar_chart_svg(&chart).unwrap().to_lowercase();
        for tone in [Tone::Vencido, Tone::AlDia, Tone::SinFecha] {
            let fill = format!("fill=\"#{:06x}\"", palette(tone).0);
            assert!(svg.matches(&fill).count() >= 2, "bar and legend: {fill}");
        }
        assert!(svg.contains(&format!("fill=\"#{:06x}\"", palette(Tone::PorVencer).0)));
        assert!(svg.contains("pasó la fecha límite sin cumplirse"));
        assert!(svg.contains("colores: vencido (rojo): pasó la fecha límite sin cumplirse"));
        let (_, plain_height) = size(&series(chart.points.clone()));
        assert_eq!(size(&chart).1, plain_height + LEGEND_GAP + 5 * LEGEND_ROW);
        assert!(bar_chart_png(&chart).unwrap().starts_with(b"\x89PNG"));
    }

    /// The page's legend swatches and table marks use the charts' colours.
    #[test]
    fn the_page_style_declares_the_same_colours() {
        let style = include_str!("../../style/main.css");
        for tone in Tone::ALL {
            let declared = format!("--tone-{}: #{:06x};", tone.code(), palette(tone).0);
            assert!(
                style.contains(&declared),
                "style/main.css lacks «{declared}»"
            );
        }
    }
}
