//! Diagonal hatching for regions without data: white with grey lines reads as "no value" in print,
//! on a projector and to colour-blind readers, where a pale fill would pass for the lowest class.

/// A line segment in pixels.
pub type Segment = [(f64, f64); 2];

/// Lines rising to the right at 45° (`x + y = (k + ½)·spacing` in pixels), clipped to the rings by
/// the even-odd rule, so holes stay clear. The lines sit on one grid for the whole picture, and
/// pieces that meet end to end (across a border two hatched regions share) are joined: the pattern
/// runs on unbroken, in few segments.
pub fn hatch(rings: &[Vec<(f64, f64)>], spacing: f64) -> Vec<Segment> {
    if spacing <= 0.0 || !spacing.is_finite() {
        return Vec::new();
    }
    // each line's crossings with the rings, as (x along the line, y)
    let mut lines: std::collections::BTreeMap<i64, Vec<(f64, f64)>> = Default::default();
    for ring in rings {
        let n = ring.len();
        for i in 0..n {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            if a == b {
                continue;
            }
            let (sa, sb) = (a.0 + a.1, b.0 + b.1);
            let first = ((sa.min(sb) / spacing) - 0.5).ceil() as i64;
            let last = ((sa.max(sb) / spacing) - 0.5).floor() as i64;
            for k in first..=last {
                let c = (k as f64 + 0.5) * spacing;
                // half-open, so a vertex exactly on a line counts once
                if (sa <= c) == (sb <= c) {
                    continue;
                }
                let t = (c - sa) / (sb - sa);
                lines
                    .entry(k)
                    .or_default()
                    .push((a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1)));
            }
        }
    }
    let mut segments: Vec<Segment> = Vec::new();
    for mut crossings in lines.into_values() {
        crossings.sort_by(|p, q| p.0.total_cmp(&q.0));
        let start = segments.len();
        for pair in crossings.chunks_exact(2) {
            let (from, to) = (pair[0], pair[1]);
            match segments[start..].last_mut() {
                Some(prev) if (prev[1].0 - from.0).abs() < 1e-6 => prev[1] = to,
                _ => segments.push([from, to]),
            }
        }
    }
    segments.retain(|[a, b]| (a.0 - b.0).abs() > 1e-9);
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x: f64, y: f64, side: f64) -> Vec<(f64, f64)> {
        vec![(x, y), (x + side, y), (x + side, y + side), (x, y + side)]
    }

    /// Even-odd containment, strict enough for the segments' interior points.
    fn inside(p: (f64, f64), rings: &[Vec<(f64, f64)>]) -> bool {
        let mut inside = false;
        for ring in rings {
            for i in 0..ring.len() {
                let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
                if (a.1 > p.1) != (b.1 > p.1) && p.0 < a.0 + (p.1 - a.1) / (b.1 - a.1) * (b.0 - a.0)
                {
                    inside = !inside;
                }
            }
        }
        inside
    }

    fn samples(s: &Segment) -> impl Iterator<Item = (f64, f64)> + '_ {
        (1..10).map(move |i| {
            let t = i as f64 / 10.0;
            (
                s[0].0 + t * (s[1].0 - s[0].0),
                s[0].1 + t * (s[1].1 - s[0].1),
            )
        })
    }

    #[test]
    fn segments_lie_inside_a_square_and_cover_it() {
        let rings = vec![square(0.0, 0.0, 10.0)];
        let segments = hatch(&rings, 2.0);
        // lines x + y = 1, 3, …, 19 all cross the square
        assert_eq!(segments.len(), 10);
        for s in &segments {
            for (x, y) in [s[0], s[1]] {
                assert!((-1e-9..=10.0 + 1e-9).contains(&x), "{s:?}");
                assert!((-1e-9..=10.0 + 1e-9).contains(&y), "{s:?}");
                assert!(
                    ((x + y) / 2.0 - 0.5).fract().abs() < 1e-9,
                    "on the grid: {s:?}"
                );
            }
            assert!(samples(s).all(|p| inside(p, &rings)), "{s:?}");
            assert!(s[1].0 > s[0].0 && s[1].1 < s[0].1, "rising to the right");
        }
        let length: f64 = segments
            .iter()
            .map(|[a, b]| ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt())
            .sum();
        // (1 + 3 + … + 9) · 2 · √2: the lines' lengths inside the square
        assert!((length - 50.0 * 2.0_f64.sqrt()).abs() < 1e-9, "{length}");
    }

    #[test]
    fn a_hole_is_left_clear() {
        let hole = square(3.0, 3.0, 4.0);
        let rings = vec![square(0.0, 0.0, 10.0), hole.clone()];
        let segments = hatch(&rings, 1.0);
        assert!(!segments.is_empty());
        for s in &segments {
            assert!(
                samples(s).all(|p| !inside(p, std::slice::from_ref(&hole))),
                "inside the hole: {s:?}"
            );
            assert!(samples(s).all(|p| inside(p, &rings)), "{s:?}");
        }
        // a line through the hole comes in two pieces
        let through: Vec<_> = segments
            .iter()
            .filter(|[a, _]| (a.0 + a.1 - 10.5).abs() < 1e-9)
            .collect();
        assert_eq!(through.len(), 2, "{through:?}");
    }

    #[test]
    fn neighbours_hatch_as_one_and_nothing_is_degenerate() {
        // two squares sharing an edge: each line crosses the border once, unbroken
        let rings = vec![square(0.0, 0.0, 10.0), square(10.0, 0.0, 10.0)];
        let joined = hatch(&rings, 2.0);
        let whole = hatch(
            &[vec![(0.0, 0.0), (20.0, 0.0), (20.0, 10.0), (0.0, 10.0)]],
            2.0,
        );
        assert_eq!(joined.len(), whole.len());
        for (a, b) in joined.iter().zip(&whole) {
            assert!((a[0].0 - b[0].0).abs() < 1e-9 && (a[1].0 - b[1].0).abs() < 1e-9);
        }
        assert!(hatch(&[vec![(0.0, 0.0), (5.0, 5.0)]], 1.0).is_empty());
        assert!(hatch(&rings, 0.0).is_empty());
        assert!(hatch(&[], 3.0).is_empty());
    }
}
