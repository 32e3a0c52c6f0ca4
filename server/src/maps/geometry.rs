//! The territories' shapes: Sala's simplified copies of the official layers
//! (`server/assets/geo`, made by `scripts/simplify-geometry.py`), embedded in the binary and read
//! once into typed regions; the projection from longitude/latitude to pixels; clipping a ring to a
//! rectangle.

use std::sync::OnceLock;

use serde::Deserialize;

use super::{MapError, MapLayer};

/// A point as GeoJSON writes it: `[longitude, latitude]`.
pub type LonLat = [f64; 2];

/// One part of a region: its outer ring and its holes (La Candelaria inside Santa Fe), each closed
/// (last point = first).
#[derive(Debug, Clone, PartialEq)]
pub struct Polygon {
    pub exterior: Vec<LonLat>,
    pub holes: Vec<Vec<LonLat>>,
}

/// A localidad, UPZ or UPR.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    /// `"01"`…`"20"` for a localidad; `"UPZ85"`, `"UPR4"` for the UPZ layer.
    pub code: String,
    /// Its display name ("La Candelaria", "Bosa Central").
    pub name: String,
    /// The localidad it belongs to (its own code for a localidad; for a UPZ, the one holding most
    /// of its area).
    pub localidad: String,
    pub polygons: Vec<Polygon>,
}

impl Region {
    pub fn rings(&self) -> impl Iterator<Item = &Vec<LonLat>> {
        self.polygons
            .iter()
            .flat_map(|p| std::iter::once(&p.exterior).chain(&p.holes))
    }
}

#[derive(Deserialize)]
struct Collection {
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    properties: Properties,
    geometry: Geometry,
}

#[derive(Deserialize)]
struct Properties {
    code: String,
    name: String,
    localidad: String,
}

#[derive(Deserialize)]
#[serde(tag = "type", content = "coordinates")]
enum Geometry {
    Polygon(Vec<Vec<LonLat>>),
    MultiPolygon(Vec<Vec<Vec<LonLat>>>),
}

const LOCALIDADES: &str = include_str!("../../assets/geo/localidades.geojson");
const UPZ: &str = include_str!("../../assets/geo/upz.geojson");

/// The regions of a layer, read from the embedded file on first use.
pub fn regions(layer: MapLayer) -> Result<&'static [Region], MapError> {
    static LOADED: [OnceLock<Result<Vec<Region>, String>>; 2] = [OnceLock::new(), OnceLock::new()];
    let (cell, text) = match layer {
        MapLayer::Localidades => (&LOADED[0], LOCALIDADES),
        MapLayer::Upz => (&LOADED[1], UPZ),
    };
    cell.get_or_init(|| parse(text))
        .as_deref()
        .map_err(|e| MapError::Geometry(e.clone()))
}

/// Parses a layer, refusing rings a map could not draw (open, under four points, not finite).
pub(super) fn parse(text: &str) -> Result<Vec<Region>, String> {
    let collection: Collection = serde_json::from_str(text).map_err(|e| e.to_string())?;
    collection
        .features
        .into_iter()
        .map(|feature| {
            let parts = match feature.geometry {
                Geometry::Polygon(rings) => vec![rings],
                Geometry::MultiPolygon(parts) => parts,
            };
            let code = feature.properties.code;
            let polygons = parts
                .into_iter()
                .map(|mut rings| {
                    if rings.is_empty() {
                        return Err(format!("{code}: un polígono sin anillos"));
                    }
                    for ring in &rings {
                        check_ring(ring).map_err(|e| format!("{code}: {e}"))?;
                    }
                    let exterior = rings.remove(0);
                    Ok(Polygon {
                        exterior,
                        holes: rings,
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            if polygons.is_empty() {
                return Err(format!("{code}: sin polígonos"));
            }
            Ok(Region {
                code,
                name: feature.properties.name,
                localidad: feature.properties.localidad,
                polygons,
            })
        })
        .collect()
}

fn check_ring(ring: &[LonLat]) -> Result<(), &'static str> {
    if ring.len() < 4 {
        return Err("un anillo con menos de cuatro puntos");
    }
    if ring.first() != ring.last() {
        return Err("un anillo abierto");
    }
    if ring.iter().flatten().any(|c| !c.is_finite()) {
        return Err("una coordenada no numérica");
    }
    Ok(())
}

/// A longitude/latitude box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

impl Bounds {
    pub fn of<'a>(points: impl IntoIterator<Item = &'a LonLat>) -> Option<Bounds> {
        points.into_iter().fold(None, |b, &[lon, lat]| {
            Some(match b {
                None => Bounds {
                    west: lon,
                    south: lat,
                    east: lon,
                    north: lat,
                },
                Some(b) => Bounds {
                    west: b.west.min(lon),
                    south: b.south.min(lat),
                    east: b.east.max(lon),
                    north: b.north.max(lat),
                },
            })
        })
    }

    pub fn of_regions(regions: &[Region]) -> Option<Bounds> {
        Bounds::of(regions.iter().flat_map(|r| r.rings().flatten()))
    }

    /// The same box grown by a fraction of its size on every side.
    pub fn padded(self, fraction: f64) -> Bounds {
        let dx = (self.east - self.west) * fraction;
        let dy = (self.north - self.south) * fraction;
        Bounds {
            west: self.west - dx,
            south: self.south - dy,
            east: self.east + dx,
            north: self.north + dy,
        }
    }
}

/// A pixel rectangle: left, top, width, height.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// Equirectangular projection with a degree of longitude shortened by cos(latitude): at 4.6°N
/// the distortion across the district is under 0.2 %, less than a pixel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    west: f64,
    north: f64,
    kx: f64,
    scale: f64,
    x0: f64,
    y0: f64,
}

impl Projection {
    /// The projection that shows `bounds` as large as fits in `rect`, centred.
    pub fn fit(bounds: Bounds, rect: Rect) -> Projection {
        let kx = ((bounds.north + bounds.south) / 2.0).to_radians().cos();
        let width = ((bounds.east - bounds.west) * kx).max(f64::EPSILON);
        let height = (bounds.north - bounds.south).max(f64::EPSILON);
        let scale = (rect.w / width).min(rect.h / height);
        Projection {
            west: bounds.west,
            north: bounds.north,
            kx,
            scale,
            x0: rect.x + (rect.w - width * scale) / 2.0,
            y0: rect.y + (rect.h - height * scale) / 2.0,
        }
    }

    pub fn point(&self, [lon, lat]: LonLat) -> (f64, f64) {
        (
            self.x0 + (lon - self.west) * self.kx * self.scale,
            self.y0 + (self.north - lat) * self.scale,
        )
    }

    /// The pixel rectangle a box takes.
    pub fn rect(&self, b: Bounds) -> Rect {
        let (x, y) = self.point([b.west, b.north]);
        let (x1, y1) = self.point([b.east, b.south]);
        Rect {
            x,
            y,
            w: x1 - x,
            h: y1 - y,
        }
    }
}

/// A ring (in pixels) cut to a rectangle, Sutherland–Hodgman: exact for a convex window, and a
/// concave ring's pieces come back joined along the window's edge, which fills the same pixels.
/// Empty when the ring lies outside.
pub fn clip_ring(ring: &[(f64, f64)], r: Rect) -> Vec<(f64, f64)> {
    let (x1, y1) = (r.x + r.w, r.y + r.h);
    let mut out = ring.to_vec();
    out = clip_edge(&out, |p| p.0 >= r.x, |a, b| at_x(a, b, r.x));
    out = clip_edge(&out, |p| p.0 <= x1, |a, b| at_x(a, b, x1));
    out = clip_edge(&out, |p| p.1 >= r.y, |a, b| at_y(a, b, r.y));
    out = clip_edge(&out, |p| p.1 <= y1, |a, b| at_y(a, b, y1));
    if out.len() < 3 { Vec::new() } else { out }
}

/// One step of Sutherland–Hodgman: the ring cut to one side of one edge.
fn clip_edge(
    ring: &[(f64, f64)],
    inside: impl Fn((f64, f64)) -> bool,
    cross: impl Fn((f64, f64), (f64, f64)) -> (f64, f64),
) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(ring.len() + 4);
    let Some(&last) = ring.last() else {
        return out;
    };
    let mut prev = last;
    for &p in ring {
        match (inside(p), inside(prev)) {
            (true, true) => out.push(p),
            (true, false) => {
                out.push(cross(prev, p));
                out.push(p);
            }
            (false, true) => out.push(cross(prev, p)),
            (false, false) => {}
        }
        prev = p;
    }
    out
}

fn at_x(a: (f64, f64), b: (f64, f64), x: f64) -> (f64, f64) {
    let t = (x - a.0) / (b.0 - a.0);
    (x, a.1 + t * (b.1 - a.1))
}

fn at_y(a: (f64, f64), b: (f64, f64), y: f64) -> (f64, f64) {
    let t = (y - a.1) / (b.1 - a.1);
    (a.0 + t * (b.0 - a.0), y)
}
