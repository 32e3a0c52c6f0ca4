//! Territory maps: a choropleth of the localidades or the UPZ, drawn on the server with plotters
//! as SVG (crisp on a projector, a link on every region) or PNG (slides and documents).
//!
//! `geometry` reads the embedded shapes and projects them, `scene` lays out everything a map
//! shows, `hatch` marks the regions without data, `render` draws the scene on either backend and
//! `svg` adds what plotters' SVG lacks (links, names, the description). The classes, colours and
//! legend ranges are pure rules shared with the UI (`app::domain::map`).

mod geometry;
mod hatch;
mod render;
mod scene;
mod svg;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use plotters::prelude::*;

pub use geometry::{LonLat, Polygon, Region, regions};

#[derive(Debug, thiserror::Error)]
pub enum MapError {
    /// The embedded shapes could not be read (a broken build, checked by the tests).
    #[error("la geometría de los territorios es inválida: {0}")]
    Geometry(String),
    #[error("no se pudo dibujar el mapa: {0}")]
    Draw(String),
}

/// Which territories a map shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MapLayer {
    /// The 20 localidades, codes `"01"`…`"20"`.
    Localidades,
    /// The 112 UPZ and 4 rural UPR, codes as IDECA writes them (`"UPZ85"`, `"UPR4"`).
    Upz,
}

/// A place marked on the map (a health post, a school); its label is its name in the SVG.
#[derive(Debug, Clone, PartialEq)]
pub struct MapPoint {
    pub lon: f64,
    pub lat: f64,
    pub label: String,
}

/// What a caller asks for.
pub struct Choropleth<'a> {
    pub layer: MapLayer,
    pub title: &'a str,
    /// The legend's caption and what follows each value, e.g. "por 1.000 nacidos vivos".
    pub unit: &'a str,
    /// Region code → value; a region missing (or not a finite number) is *sin dato*.
    pub values: &'a BTreeMap<String, f64>,
    /// How numbers are written in the legend and the names (Spanish decimals are the caller's).
    pub format: &'a dyn Fn(f64) -> String,
    pub points: &'a [MapPoint],
    /// Where clicking a region goes (SVG only), by region code; `None` for no link.
    pub href: Option<&'a Href<'a>>,
}

/// A region's link from its code (`None`: that region has none).
pub type Href<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// Canvas size in pixels: about a projector's page beside the title bar; a phone shows the SVG
/// scaled down.
pub const SIZE: (u32, u32) = (scene::WIDTH, scene::HEIGHT);

fn fonts() -> Result<(), MapError> {
    crate::charts::fonts().map_err(|e| MapError::Draw(e.to_string()))
}

/// The map as SVG: a link (when `href` gives one) and a `<title>` on every region, a
/// `<title>`/`<desc>` with every value for screen readers.
pub fn choropleth_svg(map: &Choropleth) -> Result<String, MapError> {
    fonts()?;
    let scene = scene::Scene::build(map, regions(map.layer)?)?;
    let mut svg = String::new();
    render::draw(
        SVGBackend::with_string(&mut svg, SIZE).into_drawing_area(),
        &scene,
    )?;
    Ok(svg::finish(svg, map, &scene))
}

/// The same map as a PNG image.
pub fn choropleth_png(map: &Choropleth) -> Result<Vec<u8>, MapError> {
    fonts()?;
    let scene = scene::Scene::build(map, regions(map.layer)?)?;
    let (width, height) = SIZE;
    let mut pixels = vec![0u8; (width * height * 3) as usize];
    render::draw(
        BitMapBackend::with_buffer(&mut pixels, SIZE).into_drawing_area(),
        &scene,
    )?;
    crate::charts::encode_png(width, height, pixels).map_err(|e| MapError::Draw(e.to_string()))
}
