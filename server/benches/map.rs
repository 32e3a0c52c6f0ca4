//! How long a territory map takes to draw (target: under 50 ms, so a page or a download never
//! waits on it). `cargo bench -p sala --bench map` prints the median and 95th percentile of 200
//! renders of each layer as SVG and as PNG; the numbers are kept in `docs/benchmarks.md`.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use sala::maps::{
    Choropleth, MapError, MapLayer, MapPoint, choropleth_png, choropleth_svg, regions,
};

const RENDERS: usize = 200;

fn measure(
    render: impl Fn() -> Result<usize, MapError>,
) -> Result<(Duration, Duration, usize), MapError> {
    let bytes = render()?; // warm: fonts and shapes load once
    let mut times: Vec<Duration> = (0..RENDERS)
        .map(|_| {
            let start = Instant::now();
            let out = black_box(render());
            (start.elapsed(), out)
        })
        .map(|(time, out)| out.map(|_| time))
        .collect::<Result<_, _>>()?;
    times.sort();
    Ok((times[RENDERS / 2], times[RENDERS * 95 / 100], bytes))
}

fn main() -> Result<(), MapError> {
    let format = |v: f64| format!("{v:.1}").replace('.', ",");
    let href = |code: &str| Some(format!("/indicadores?territorio={code}"));
    let points: Vec<MapPoint> = (0..10)
        .map(|i| MapPoint {
            lon: -74.15 + f64::from(i) * 0.01,
            lat: 4.55 + f64::from(i) * 0.02,
            label: format!("Sede {i}"),
        })
        .collect();
    println!("{RENDERS} renders each (after one to warm up): median, p95, output size");
    for layer in [MapLayer::Localidades, MapLayer::Upz] {
        // every region but one in eight has a value: classes, colours and some hatching
        let values: BTreeMap<String, f64> = regions(layer)?
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 8 != 3)
            .map(|(i, r)| (r.code.clone(), (i * 37 % 23) as f64 * 1.7))
            .collect();
        let map = Choropleth {
            layer,
            title: "Razón de mortalidad materna, 2025",
            unit: "por 100.000 nacidos vivos",
            values: &values,
            format: &format,
            points: &points,
            href: Some(&href),
        };
        let svg = measure(|| choropleth_svg(&map).map(|s| s.len()))?;
        let png = measure(|| choropleth_png(&map).map(|p| p.len()))?;
        for (kind, (median, p95, bytes)) in [("SVG", svg), ("PNG", png)] {
            println!(
                "{layer:?} {kind}: median {:.1} ms, p95 {:.1} ms, {} KiB",
                median.as_secs_f64() * 1e3,
                p95.as_secs_f64() * 1e3,
                bytes / 1024
            );
        }
    }
    Ok(())
}
