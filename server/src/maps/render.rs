//! The scene drawn with plotters, once for any backend: SVG for pages, a bitmap for PNG downloads.

use std::collections::HashSet;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::MapError;
use super::geometry::Rect;
use super::hatch::hatch;
use super::scene::{CAPTION, LABEL, MARGIN, Panel, SMALL, Scene, TITLE, font};

type Drawn<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

const INK: RGBColor = RGBColor(0x14, 0x21, 0x2b);
const MUTED: RGBColor = RGBColor(0x4b, 0x55, 0x63);
/// Borders: dark enough to part two hatched regions, thin enough not to darken small ones.
const BORDER: RGBColor = RGBColor(0x5b, 0x67, 0x70);
const HATCH: RGBColor = RGBColor(0x8a, 0x94, 0x9c);
const FRAME: RGBColor = RGBColor(0xcd, 0xd6, 0xdd);

/// `#rrggbb` as a colour (the palette's are checked by a test; anything else draws grey).
pub fn hex(colour: &str) -> RGBColor {
    let rgb = colour
        .strip_prefix('#')
        .and_then(|h| u32::from_str_radix(h, 16).ok())
        .unwrap_or(0x80_80_80);
    RGBColor((rgb >> 16) as u8, (rgb >> 8) as u8, rgb as u8)
}

/// Whole pixels, without repeats: what both backends draw, and what the SVG's links outline.
pub fn pixels(ring: &[(f64, f64)]) -> Vec<(i32, i32)> {
    let mut out: Vec<(i32, i32)> = Vec::with_capacity(ring.len());
    for &(x, y) in ring {
        let p = (x.round() as i32, y.round() as i32);
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    out
}

/// A ring's border as runs of segments, leaving out the pieces along the window's edge, which
/// are where clipping cut the region and not a border.
pub fn border_runs(ring: &[(f64, f64)], w: Rect) -> Vec<Vec<(f64, f64)>> {
    let near = |a: f64, b: f64| (a - b).abs() < 1e-6;
    let on_edge = |a: (f64, f64), b: (f64, f64)| {
        (near(a.0, w.x) && near(b.0, w.x))
            || (near(a.0, w.x + w.w) && near(b.0, w.x + w.w))
            || (near(a.1, w.y) && near(b.1, w.y))
            || (near(a.1, w.y + w.h) && near(b.1, w.y + w.h))
    };
    let n = ring.len();
    // start after a cut, so no run wraps around the ring's first point
    let start = (0..n)
        .find(|&i| on_edge(ring[i], ring[(i + 1) % n]))
        .map_or(0, |i| i + 1);
    let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut run: Vec<(f64, f64)> = Vec::new();
    for k in 0..n {
        let (a, b) = (ring[(start + k) % n], ring[(start + k + 1) % n]);
        if on_edge(a, b) {
            if run.len() > 1 {
                runs.push(std::mem::take(&mut run));
            }
            run.clear();
        } else {
            if run.is_empty() {
                run.push(a);
            }
            run.push(b);
        }
    }
    if run.len() > 1 {
        runs.push(run);
    }
    runs
}

/// The parts of a polyline whose segments are not in `drawn` yet (which then holds them).
pub fn unseen(line: &[(i32, i32)], drawn: &mut HashSet<[(i32, i32); 2]>) -> Vec<Vec<(i32, i32)>> {
    let mut parts: Vec<Vec<(i32, i32)>> = Vec::new();
    let mut part: Vec<(i32, i32)> = Vec::new();
    for pair in line.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if drawn.insert(if a < b { [a, b] } else { [b, a] }) {
            if part.is_empty() {
                part.push(a);
            }
            part.push(b);
        } else if !part.is_empty() {
            parts.push(std::mem::take(&mut part));
        }
    }
    if !part.is_empty() {
        parts.push(part);
    }
    parts
}

pub fn draw<DB: DrawingBackend>(root: DrawingArea<DB, Shift>, scene: &Scene) -> Result<(), MapError>
where
    DB::ErrorType: 'static,
{
    draw_all(&root, scene).map_err(|e| MapError::Draw(e.to_string()))?;
    root.present().map_err(|e| MapError::Draw(e.to_string()))
}

fn draw_all<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, scene: &Scene) -> Drawn<DB> {
    root.fill(&WHITE)?;
    let text = |size: (u32, u32), bold: bool, colour: &RGBColor| font(size.0, bold).color(colour);
    for (i, line) in scene.title.iter().enumerate() {
        let y = MARGIN as i32 + i as i32 * TITLE.1 as i32;
        root.draw(&Text::new(
            line.clone(),
            (MARGIN as i32, y),
            text(TITLE, true, &INK),
        ))?;
    }
    for panel in &scene.panels {
        draw_panel(root, panel)?;
    }

    let (x, mut y) = (scene.legend_at.0 as i32, scene.legend_at.1 as i32);
    for line in &scene.unit {
        root.draw(&Text::new(line.clone(), (x, y), text(CAPTION, true, &INK)))?;
        y += CAPTION.1 as i32;
    }
    y += 8;
    for entry in &scene.legend {
        let swatch = [(x, y + 4), (x + 34, y + 28)];
        match entry.fill {
            Some(fill) => root.draw(&Rectangle::new(swatch, hex(fill).filled()))?,
            None => {
                let [(x0, y0), (x1, y1)] = swatch.map(|(a, b)| (f64::from(a), f64::from(b)));
                let square = vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1)];
                for [a, b] in hatch(&[square], 5.0) {
                    root.draw(&PathElement::new(
                        vec![pixel(a), pixel(b)],
                        HATCH.stroke_width(1),
                    ))?;
                }
            }
        }
        root.draw(&Rectangle::new(swatch, BORDER.stroke_width(1)))?;
        root.draw(&Text::new(
            entry.label.clone(),
            (x + 44, y + 4),
            text(LABEL, false, &INK),
        ))?;
        y += LABEL.1 as i32;
    }

    for (i, line) in scene.attribution.iter().enumerate() {
        let y = scene.attribution_y as i32 + i as i32 * SMALL.1 as i32;
        root.draw(&Text::new(
            line.clone(),
            (MARGIN as i32, y),
            text(SMALL, false, &MUTED),
        ))?;
    }
    Ok(())
}

fn pixel((x, y): (f64, f64)) -> (i32, i32) {
    (x.round() as i32, y.round() as i32)
}

fn draw_panel<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, panel: &Panel) -> Drawn<DB> {
    if let Some((x, y, caption)) = panel.caption {
        root.draw(&Text::new(
            caption,
            (x as i32, y as i32),
            font(SMALL.0, true).color(&MUTED),
        ))?;
        let w = panel.window;
        root.draw(&Rectangle::new(
            [
                pixel((w.x - 4.0, w.y - 4.0)),
                pixel((w.x + w.w + 4.0, w.y + w.h + 4.0)),
            ],
            FRAME.stroke_width(1),
        ))?;
    }
    for shape in &panel.shapes {
        let fill = shape.fill.map_or(WHITE, hex);
        for piece in &shape.pieces {
            root.draw(&Polygon::new(pixels(&piece.exterior), fill.filled()))?;
            for hole in &piece.holes {
                root.draw(&Polygon::new(pixels(hole), WHITE.filled()))?;
            }
        }
    }
    for [a, b] in &panel.hatch {
        root.draw(&PathElement::new(
            vec![pixel(*a), pixel(*b)],
            HATCH.stroke_width(1),
        ))?;
    }
    // a border two regions share is drawn once: half the SVG's lines, and no doubled ink
    let mut drawn: HashSet<[(i32, i32); 2]> = HashSet::new();
    for shape in &panel.shapes {
        for piece in &shape.pieces {
            for ring in std::iter::once(&piece.exterior).chain(&piece.holes) {
                for run in border_runs(ring, panel.window) {
                    for part in unseen(&pixels(&run), &mut drawn) {
                        root.draw(&PathElement::new(part, BORDER.stroke_width(1)))?;
                    }
                }
            }
        }
    }
    if let Some(extent) = panel.extent {
        root.draw(&Rectangle::new(
            [
                pixel((extent.x, extent.y)),
                pixel((extent.x + extent.w, extent.y + extent.h)),
            ],
            INK.stroke_width(2),
        ))?;
    }
    for marker in &panel.markers {
        root.draw(&Circle::new(pixel(marker.at), 6, WHITE.filled()))?;
        root.draw(&Circle::new(pixel(marker.at), 4, INK.filled()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::maps::geometry::clip_ring;

    #[test]
    fn a_clipped_ring_keeps_its_border_but_not_the_cut() {
        let window = Rect {
            x: 0.0,
            y: 0.0,
            w: 10.0,
            h: 10.0,
        };
        // a square sticking out below the window
        let ring = clip_ring(&[(2.0, 5.0), (8.0, 5.0), (8.0, 15.0), (2.0, 15.0)], window);
        assert_eq!(ring.len(), 4);
        assert!(
            ring.iter()
                .all(|&(x, y)| (0.0..=10.0).contains(&x) && (0.0..=10.0).contains(&y))
        );
        let runs = border_runs(&ring, window);
        assert_eq!(runs.len(), 1, "{runs:?}");
        assert_eq!(
            runs[0].len(),
            4,
            "three sides, the cut along y = 10 left out: {runs:?}"
        );
        assert!(clip_ring(&[(20.0, 20.0), (30.0, 20.0), (30.0, 30.0)], window).is_empty());
        let inside = [(1.0, 1.0), (4.0, 1.0), (4.0, 4.0)];
        assert_eq!(clip_ring(&inside, window), inside.to_vec());
        assert_eq!(
            border_runs(&inside, window),
            vec![vec![(1.0, 1.0), (4.0, 1.0), (4.0, 4.0), (1.0, 1.0)]]
        );
    }

    #[test]
    fn a_shared_border_is_drawn_once() {
        let mut drawn = HashSet::new();
        assert_eq!(unseen(&[(0, 0), (5, 0), (5, 5)], &mut drawn).len(), 1);
        // the neighbour walks the same border the other way, then goes on
        let parts = unseen(&[(5, 5), (5, 0), (9, 0), (9, 9)], &mut drawn);
        assert_eq!(parts, vec![vec![(5, 0), (9, 0), (9, 9)]]);
        assert_eq!(hex("#2c7fb8"), RGBColor(0x2c, 0x7f, 0xb8));
        assert_eq!(hex("no"), RGBColor(0x80, 0x80, 0x80));
        assert_eq!(
            pixels(&[(0.4, 0.4), (0.6, 0.6), (1.2, 0.9)]),
            vec![(0, 0), (1, 1)]
        );
    }
}
