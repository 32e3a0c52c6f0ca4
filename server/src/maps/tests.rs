//! The shipped shapes (counts, rings, a consistent topology) and what a drawn map says.

use std::collections::{HashMap, HashSet};

use super::*;

/// Points on the files' 1e-5° grid, as integers, so topology is checked exactly.
type P = (i64, i64);

fn grid([lon, lat]: LonLat) -> P {
    let (x, y) = (lon * 1e5, lat * 1e5);
    assert!(
        (x - x.round()).abs() < 1e-6 && (y - y.round()).abs() < 1e-6,
        "off the grid: {lon}, {lat}"
    );
    (x.round() as i64, y.round() as i64)
}

/// A region's rings on the grid, open (without the closing point).
fn rings(region: &Region) -> Vec<Vec<P>> {
    region
        .rings()
        .map(|ring| ring[..ring.len() - 1].iter().map(|&p| grid(p)).collect())
        .collect()
}

fn area2(ring: &[P]) -> i128 {
    (0..ring.len())
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
            i128::from(a.0) * i128::from(b.1) - i128::from(b.0) * i128::from(a.1)
        })
        .sum()
}

fn orient(a: P, b: P, c: P) -> i128 {
    let v = i128::from(b.0 - a.0) * i128::from(c.1 - a.1)
        - i128::from(b.1 - a.1) * i128::from(c.0 - a.0);
    v.signum()
}

/// Even-odd containment, strict: a point on a ring is not inside.
fn strictly_inside(p: P, rings: &[Vec<P>]) -> bool {
    let mut inside = false;
    for ring in rings {
        for i in 0..ring.len() {
            let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
            let between = |u: i64, v: i64, w: i64| u.min(v) <= w && w <= u.max(v);
            if orient(a, b, p) == 0 && between(a.0, b.0, p.0) && between(a.1, b.1, p.1) {
                return false;
            }
            if (a.1 > p.1) != (b.1 > p.1) && (orient(a, b, p) > 0) == (b.1 > a.1) {
                inside = !inside;
            }
        }
    }
    inside
}

/// Each directed edge of a layer, with the region it belongs to.
fn edges(regions: &[Region]) -> Vec<(P, P, &str)> {
    let mut out = Vec::new();
    for region in regions {
        for ring in rings(region) {
            for i in 0..ring.len() {
                out.push((ring[i], ring[(i + 1) % ring.len()], region.code.as_str()));
            }
        }
    }
    out
}

/// Every ring closed (the parser's check), with three distinct points and an area; exteriors
/// counter-clockwise and holes clockwise; every edge in at most two rings, in opposite
/// directions (neighbours walk a shared border each their own way).
fn check_rings_and_edges(regions: &[Region]) -> HashMap<(P, P), Vec<(bool, String)>> {
    for region in regions {
        for polygon in &region.polygons {
            for (k, ring) in std::iter::once(&polygon.exterior)
                .chain(&polygon.holes)
                .enumerate()
            {
                assert!(ring.len() >= 4 && ring.first() == ring.last());
                let open: Vec<P> = ring[..ring.len() - 1].iter().map(|&p| grid(p)).collect();
                assert!(open.iter().collect::<HashSet<_>>().len() >= 3);
                assert!((area2(&open) > 0) == (k == 0), "{} ring {k}", region.code);
            }
        }
    }
    let mut by_edge: HashMap<(P, P), Vec<(bool, String)>> = HashMap::new();
    for (a, b, code) in edges(regions) {
        let key = if a < b { (a, b) } else { (b, a) };
        by_edge
            .entry(key)
            .or_default()
            .push((a < b, code.to_owned()));
    }
    for (edge, users) in &by_edge {
        assert!(users.len() <= 2, "{edge:?} in {users:?}");
        if let [(d1, c1), (d2, c2)] = &users[..] {
            assert!(d1 != d2 && c1 != c2, "{edge:?} in {users:?}");
        }
    }
    by_edge
}

/// What `scripts/simplify-geometry.py` printed from the source: the localidades that share a
/// border.
const NEIGHBOURS: &str = "01-02 01-11 02-03 02-12 02-13 03-04 03-13 03-14 03-15 03-17 04-05 \
    04-15 04-18 05-06 05-18 05-19 05-20 06-08 06-15 06-16 06-18 06-19 07-08 07-19 08-09 08-16 \
    08-19 09-10 09-13 09-16 10-11 10-12 10-13 11-12 12-13 13-14 13-16 14-15 14-16 15-16 15-18";

#[test]
fn the_localidades_are_the_twenty_with_their_project_names() {
    let localidades = regions(MapLayer::Localidades).unwrap();
    let csv = include_str!("../../data/bogota_territorios.csv");
    let names: Vec<(String, String)> = csv
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut fields = line.split(',');
            Some((fields.next()?.to_owned(), fields.next()?.to_owned()))
        })
        .collect();
    assert_eq!(names.len(), 20);
    let shipped: Vec<(String, String)> = localidades
        .iter()
        .map(|r| (r.code.clone(), r.name.clone()))
        .collect();
    assert_eq!(shipped, names);
    assert!(localidades.iter().all(|r| r.localidad == r.code));
}

#[test]
fn localidades_share_their_borders_exactly() {
    let localidades = regions(MapLayer::Localidades).unwrap();
    let by_edge = check_rings_and_edges(localidades);

    // neighbours are those of the source, and share whole edges, vertex for vertex
    let mut neighbours: Vec<String> = by_edge
        .values()
        .filter(|users| users.len() == 2)
        .map(|users| {
            let mut pair = [users[0].1.as_str(), users[1].1.as_str()];
            pair.sort();
            pair.join("-")
        })
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    neighbours.sort();
    assert_eq!(
        neighbours.join(" "),
        NEIGHBOURS.split_whitespace().collect::<Vec<_>>().join(" ")
    );

    // no vertex of one localidad inside another (no overlap)
    let all: Vec<(String, Vec<Vec<P>>)> = localidades
        .iter()
        .map(|r| (r.code.clone(), rings(r)))
        .collect();
    for (code, own) in &all {
        for (other, theirs) in &all {
            if code != other {
                let inside = own.iter().flatten().find(|&&p| strictly_inside(p, theirs));
                assert!(inside.is_none(), "{code} has {inside:?} inside {other}");
            }
        }
    }

    // no two edges cross (they meet only at shared vertices)
    let edges = edges(localidades);
    for (i, &(a, b, _)) in edges.iter().enumerate() {
        for &(c, d, _) in &edges[i + 1..] {
            let proper =
                orient(a, b, c) * orient(a, b, d) < 0 && orient(c, d, a) * orient(c, d, b) < 0;
            assert!(!proper, "{a:?}-{b:?} crosses {c:?}-{d:?}");
        }
    }

    // the edges used once are the district's outline: one loop, enclosing exactly the sum of
    // the localidades' areas, so there is no gap (a gap would be a second loop, a hole)
    let outline: HashMap<P, P> = by_edge
        .iter()
        .filter(|(_, users)| users.len() == 1)
        .map(|(&(a, b), users)| if users[0].0 { (a, b) } else { (b, a) })
        .collect();
    let start = *outline.keys().min().unwrap();
    let mut loop_ = vec![start];
    while let Some(&next) = outline.get(loop_.last().unwrap()) {
        if next == start {
            break;
        }
        loop_.push(next);
        assert!(loop_.len() <= outline.len());
    }
    assert_eq!(loop_.len(), outline.len(), "one outline");
    let sum: i128 = all.iter().flat_map(|(_, r)| r).map(|r| area2(r)).sum();
    assert_eq!(area2(&loop_), sum);
}

#[test]
fn santa_fe_has_la_candelaria_as_its_only_hole() {
    let localidades = regions(MapLayer::Localidades).unwrap();
    let find = |code: &str| localidades.iter().find(|r| r.code == code).unwrap();
    let (santa_fe, candelaria) = (find("03"), find("17"));
    assert_eq!(santa_fe.polygons.len(), 1);
    assert_eq!(santa_fe.polygons[0].holes.len(), 1);
    let hole: Vec<P> = rings(santa_fe)[1].iter().rev().copied().collect();
    let exterior = &rings(candelaria)[0];
    assert_eq!(hole.len(), exterior.len());
    let shift = exterior.iter().position(|&p| p == hole[0]).unwrap();
    let rotated: Vec<P> = exterior[shift..]
        .iter()
        .chain(&exterior[..shift])
        .copied()
        .collect();
    assert_eq!(hole, rotated, "the same ring, walked the other way");
    let others = localidades.iter().filter(|r| r.code != "03");
    assert!(others.flat_map(|r| &r.polygons).all(|p| p.holes.is_empty()));
}

#[test]
fn the_upz_layer_has_112_upz_and_4_upr_each_in_a_localidad() {
    let upz = regions(MapLayer::Upz).unwrap();
    let codes: HashSet<&str> = upz.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes.len(), upz.len(), "one region per code");
    assert_eq!(
        upz.iter().filter(|r| r.code.starts_with("UPZ")).count(),
        112
    );
    let upr: Vec<&str> = upz
        .iter()
        .filter(|r| r.code.starts_with("UPR"))
        .map(|r| r.code.as_str())
        .collect();
    assert_eq!(upr, ["UPR1", "UPR3", "UPR4", "UPR5"]);
    let localidades: HashSet<&str> = regions(MapLayer::Localidades)
        .unwrap()
        .iter()
        .map(|r| r.code.as_str())
        .collect();
    assert!(
        upz.iter()
            .all(|r| localidades.contains(r.localidad.as_str()))
    );
    let of = |code: &str| upz.iter().find(|r| r.code == code).unwrap();
    for (code, name, localidad) in [
        ("UPZ94", "La Candelaria", "17"),
        ("UPZ85", "Bosa Central", "07"),
        ("UPZ104", "Parque Simón Bolívar - CAN", "13"),
        ("UPR4", "UPR Río Blanco", "20"),
        ("UPR5", "UPR Río Sumapaz", "20"),
    ] {
        assert_eq!(
            (of(code).name.as_str(), of(code).localidad.as_str()),
            (name, localidad)
        );
    }
    // the two UPZ the source splits in two features are one region each
    assert_eq!(of("UPZ52").polygons.len(), 2);
    assert_eq!(of("UPZ60").polygons.len(), 2);
    check_rings_and_edges(upz);
}

#[test]
fn a_broken_file_is_an_error_not_a_panic() {
    for (text, expected) in [
        ("{}", "missing field"),
        (
            r#"{"features":[{"properties":{"code":"01","name":"A","localidad":"01"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,1]]]}}]}"#,
            "01: un anillo con menos de cuatro puntos",
        ),
        (
            r#"{"features":[{"properties":{"code":"01","name":"A","localidad":"01"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}}]}"#,
            "01: un anillo abierto",
        ),
    ] {
        let error = geometry::parse(text).unwrap_err();
        assert!(error.contains(expected), "{error}");
    }
    let error = MapError::Geometry("x".into());
    assert_eq!(
        error.to_string(),
        "la geometría de los territorios es inválida: x"
    );
}
