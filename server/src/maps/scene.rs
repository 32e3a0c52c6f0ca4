//! Everything a map shows, laid out in pixels before anything is drawn: the PNG, the SVG and the
//! SVG's links are all made from one scene, so a link covers exactly the region it names.
//!
//! The layout is for a projector: 18 of the 20 localidades are urban and small, and Sumapaz alone
//! is larger than all of them, so the main panel shows the urban area (every UPZ, and the
//! localidades down to the southern edge of the last UPZ) as large as the picture allows, cut at
//! that edge, and an inset beside the legend shows the whole district (Sumapaz and the rural south
//! of Usme and Ciudad Bolívar) with the main panel's extent outlined.

use app::domain::map::{Classes, legend_labels, palette, quantile_classes};
use plotters::style::{FontDesc, FontStyle, IntoFont};

use super::geometry::{Bounds, LonLat, Projection, Rect, Region, clip_ring, regions};
use super::hatch::{Segment, hatch};
use super::{Choropleth, MapError, MapLayer};

pub const WIDTH: u32 = 900;
pub const HEIGHT: u32 = 1000;
pub const MARGIN: f64 = 16.0;
/// Classes a map asks for (fewer when fewer values differ).
pub const CLASSES: usize = 5;
pub const HATCH_SPACING: f64 = 7.0;
/// Font sizes and line heights: the legend as large as its column allows, since a phone shows the
/// picture at under half size.
pub const TITLE: (u32, u32) = (30, 36);
pub const CAPTION: (u32, u32) = (22, 27);
pub const LABEL: (u32, u32) = (23, 34);
pub const SMALL: (u32, u32) = (15, 19);
const COLUMN_GAP: f64 = 24.0;
/// The main panel never takes more of the width than this, so the legend keeps its column.
const MAIN_MAX_WIDTH: f64 = 600.0;

/// A region's part as drawn in a panel: its rings in pixels, cut to the panel's window.
pub struct Piece {
    pub exterior: Vec<(f64, f64)>,
    pub holes: Vec<Vec<(f64, f64)>>,
}

pub struct Shape<'a> {
    pub region: &'a Region,
    /// `#rrggbb` of its class, or `None`: *sin dato*.
    pub fill: Option<&'static str>,
    /// What its link says: "Santa Fe: 12,3 por 1.000 nacidos vivos".
    pub title: String,
    pub pieces: Vec<Piece>,
}

pub struct Marker<'a> {
    pub at: (f64, f64),
    pub label: &'a str,
}

pub struct Panel<'a> {
    /// The window shapes are cut to.
    pub window: Rect,
    /// Regions with holes first: a hole is painted white, then whatever lies in it on top.
    pub shapes: Vec<Shape<'a>>,
    pub hatch: Vec<Segment>,
    pub markers: Vec<Marker<'a>>,
    /// In the inset: where the main panel is.
    pub extent: Option<Rect>,
    /// Text above the panel (the inset's caption).
    pub caption: Option<(f64, f64, &'static str)>,
}

pub struct LegendEntry {
    pub fill: Option<&'static str>,
    pub label: String,
}

pub struct Scene<'a> {
    pub title: Vec<String>,
    pub panels: Vec<Panel<'a>>,
    pub legend_at: (f64, f64),
    /// The legend's caption, in lines.
    pub unit: Vec<String>,
    pub legend: Vec<LegendEntry>,
    pub attribution: Vec<String>,
    pub attribution_y: f64,
    /// For the description: the classes' ranges, each value and what has none.
    pub summary: String,
}

pub const SIN_DATO: &str = "Sin dato";
const INSET_CAPTION: &str = "Todo el Distrito Capital";

pub fn attribution(layer: MapLayer) -> &'static str {
    match layer {
        MapLayer::Localidades => {
            "Límites de localidades: Secretaría Distrital de Planeación – IDECA, «Localidad. \
             Bogotá D.C.», Datos Abiertos Bogotá (datosabiertos.bogota.gov.co), licencia CC BY-SA 4.0."
        }
        MapLayer::Upz => {
            "UPZ: Secretaría Distrital de Planeación – IDECA, «Unidad de Planeamiento Zonal. \
             Bogotá D.C.», Datos Abiertos Bogotá (datosabiertos.bogota.gov.co), licencia CC BY-SA 4.0."
        }
    }
}

pub fn font(size: u32, bold: bool) -> FontDesc<'static> {
    let font = ("sans-serif", size).into_font();
    if bold {
        font.style(FontStyle::Bold)
    } else {
        font
    }
}

/// Words in lines no wider than `width` pixels (a word longer than that gets a line of its own),
/// measured with the embedded font; at most `max` lines, the last one cut with "…".
pub fn wrap(text: &str, font: &FontDesc, width: f64, max: usize) -> Vec<String> {
    let fits = |line: &str| {
        font.box_size(line)
            .map_or(true, |(w, _)| f64::from(w) <= width)
    };
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if fits(&format!("{line} {word}")) => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    if lines.len() > max {
        lines.truncate(max);
        if let Some(last) = lines.last_mut() {
            while !last.is_empty() && !fits(&format!("{last}…")) {
                last.pop();
            }
            last.push('…');
        }
    }
    lines
}

/// The urban area: the localidades down to the southern edge of the UPZ (the rural UPR and
/// Sumapaz are left to the inset).
fn urban_bounds(localidades: &[Region]) -> Result<Bounds, MapError> {
    let upz = regions(MapLayer::Upz)?;
    let urban = upz.iter().filter(|r| r.code.starts_with("UPZ"));
    let south = Bounds::of(urban.flat_map(|r| r.rings().flatten()))
        .ok_or_else(|| MapError::Geometry("no hay UPZ".into()))?
        .south;
    let points = localidades
        .iter()
        .flat_map(|r| r.rings().flatten())
        .filter(|p| p[1] >= south);
    Bounds::of(points).ok_or_else(|| MapError::Geometry("no hay localidades".into()))
}

fn pixels(projection: &Projection, ring: &[LonLat]) -> Vec<(f64, f64)> {
    // the closing point is implicit from here on
    let open = &ring[..ring.len().saturating_sub(1)];
    open.iter().map(|&p| projection.point(p)).collect()
}

/// How a region is painted and named: its class's colour (`None`: *sin dato*) and its link's text.
type Paint<'p> = dyn Fn(&Region) -> (Option<&'static str>, String) + 'p;

/// The regions as seen through one projection and window, with the hatching and the points.
fn panel<'a>(
    map: &Choropleth<'a>,
    all: &'a [Region],
    projection: &Projection,
    window: Rect,
    paint: &Paint,
) -> Panel<'a> {
    let cut = |ring: &[LonLat]| clip_ring(&pixels(projection, ring), window);
    let mut shapes: Vec<Shape> = all
        .iter()
        .filter_map(|region| {
            let pieces: Vec<Piece> = region
                .polygons
                .iter()
                .filter_map(|p| {
                    let exterior = cut(&p.exterior);
                    let holes = p.holes.iter().map(|h| cut(h)).filter(|h| !h.is_empty());
                    (!exterior.is_empty()).then(|| Piece {
                        exterior,
                        holes: holes.collect(),
                    })
                })
                .collect();
            let (fill, title) = paint(region);
            (!pieces.is_empty()).then_some(Shape {
                region,
                fill,
                title,
                pieces,
            })
        })
        .collect();
    shapes.sort_by_key(|s| s.pieces.iter().all(|p| p.holes.is_empty()));
    let unknown: Vec<Vec<(f64, f64)>> = shapes
        .iter()
        .filter(|s| s.fill.is_none())
        .flat_map(|s| &s.pieces)
        .flat_map(|p| std::iter::once(&p.exterior).chain(&p.holes))
        .cloned()
        .collect();
    let markers = map
        .points
        .iter()
        .map(|p| Marker {
            at: projection.point([p.lon, p.lat]),
            label: &p.label,
        })
        .filter(|m| inside(m.at, window))
        .collect();
    Panel {
        window,
        shapes,
        hatch: hatch(&unknown, HATCH_SPACING),
        markers,
        extent: None,
        caption: None,
    }
}

impl<'a> Scene<'a> {
    pub fn build(map: &Choropleth<'a>, all: &'a [Region]) -> Result<Scene<'a>, MapError> {
        let localidades = regions(MapLayer::Localidades)?;
        let urban = urban_bounds(localidades)?.padded(0.01);
        let district = Bounds::of_regions(localidades)
            .ok_or_else(|| MapError::Geometry("no hay localidades".into()))?
            .padded(0.01);

        let value = |r: &Region| map.values.get(&r.code).copied().filter(|v| v.is_finite());
        let known: Vec<f64> = all.iter().filter_map(value).collect();
        let classes = quantile_classes(&known, CLASSES);
        let colours = palette(classes.as_ref().map_or(1, Classes::len));
        let paint = |r: &Region| match (value(r), &classes) {
            (Some(v), Some(classes)) => (
                Some(colours[classes.class_of(v)]),
                format!("{}: {} {}", r.name, (map.format)(v), map.unit),
            ),
            _ => (None, format!("{}: {}", r.name, SIN_DATO.to_lowercase())),
        };

        // title on top, attribution at the bottom, the main panel as tall as what is between
        let width = f64::from(WIDTH) - 2.0 * MARGIN;
        let title = wrap(map.title, &font(TITLE.0, true), width, 2);
        let top = MARGIN + title.len() as f64 * f64::from(TITLE.1) + 12.0;
        let attribution = wrap(attribution(map.layer), &font(SMALL.0, false), width, 3);
        let attribution_y =
            f64::from(HEIGHT) - MARGIN - attribution.len() as f64 * f64::from(SMALL.1);
        let bottom = attribution_y - 12.0;
        let kx = ((urban.north + urban.south) / 2.0).to_radians().cos();
        let aspect = (urban.east - urban.west) * kx / (urban.north - urban.south);
        let main = Projection::fit(
            urban,
            Rect {
                x: MARGIN,
                y: top,
                w: ((bottom - top) * aspect).min(MAIN_MAX_WIDTH),
                h: bottom - top,
            },
        );
        let window = main.rect(urban);

        // beside it, the legend, then the inset in what is left of the column
        let column = window.x + window.w + COLUMN_GAP;
        let column_w = f64::from(WIDTH) - MARGIN - column;
        let unit = wrap(map.unit, &font(CAPTION.0, true), column_w, 3);
        let mut legend: Vec<LegendEntry> = classes
            .as_ref()
            .map(|classes| legend_labels(classes, map.format))
            .unwrap_or_default()
            .into_iter()
            .zip(colours)
            .map(|(label, &fill)| LegendEntry {
                fill: Some(fill),
                label,
            })
            .collect();
        legend.push(LegendEntry {
            fill: None,
            label: SIN_DATO.into(),
        });
        let inset_top = top
            + unit.len() as f64 * f64::from(CAPTION.1)
            + 8.0
            + legend.len() as f64 * f64::from(LABEL.1)
            + 28.0;
        let inset_map_top = inset_top + f64::from(SMALL.1) + 6.0;
        let inset = Projection::fit(
            district,
            Rect {
                x: column,
                y: inset_map_top,
                w: column_w,
                h: bottom - inset_map_top,
            },
        );

        let mut inset_panel = panel(map, all, &inset, inset.rect(district), &paint);
        inset_panel.extent = Some(inset.rect(urban));
        inset_panel.caption = Some((column, inset_top, INSET_CAPTION));
        Ok(Scene {
            title,
            panels: vec![panel(map, all, &main, window, &paint), inset_panel],
            legend_at: (column, top),
            unit,
            legend,
            attribution,
            attribution_y,
            summary: summary(map, all, classes.as_ref(), &value),
        })
    }
}

fn inside((x, y): (f64, f64), r: Rect) -> bool {
    x >= r.x && x <= r.x + r.w && y >= r.y && y <= r.y + r.h
}

/// What a screen reader hears after the title: every value, what has none, the classes.
fn summary(
    map: &Choropleth,
    all: &[Region],
    classes: Option<&Classes>,
    value: &dyn Fn(&Region) -> Option<f64>,
) -> String {
    let known: Vec<String> = all
        .iter()
        .filter_map(|r| value(r).map(|v| format!("{}: {}", r.name, (map.format)(v))))
        .collect();
    let missing: Vec<&str> = all
        .iter()
        .filter(|r| value(r).is_none())
        .map(|r| r.name.as_str())
        .collect();
    let mut parts = Vec::new();
    if known.is_empty() {
        parts.push("No hay datos para este mapa.".to_owned());
    } else {
        parts.push(format!(
            "{} ({}): {}.",
            "Valores",
            map.unit,
            known.join("; ")
        ));
    }
    if !missing.is_empty() && !known.is_empty() {
        parts.push(format!("{SIN_DATO}: {}.", missing.join(", ")));
    }
    if let Some(classes) = classes {
        parts.push(format!(
            "Clases por cuantiles, de claro a oscuro: {}.",
            legend_labels(classes, map.format).join("; ")
        ));
    }
    if !map.points.is_empty() {
        let labels: Vec<&str> = map.points.iter().map(|p| p.label.as_str()).collect();
        parts.push(format!("Puntos: {}.", labels.join("; ")));
    }
    parts.push(format!("Fuente: {}", attribution(map.layer)));
    parts.join(" ")
}
