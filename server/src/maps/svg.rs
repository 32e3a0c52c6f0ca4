//! What plotters' SVG cannot say: a link and a name on every region, as a transparent copy of its
//! outline made from the same scene (so it covers exactly what is drawn), a name on every point,
//! and the title and description a screen reader reads.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};

use super::Choropleth;
use super::render::pixels;
use super::scene::{Scene, Shape};

pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// The region's outline as one path (holes included: filled even-odd, a hole is not a link to
/// the region around it).
fn path_data(shape: &Shape) -> String {
    let mut d = String::new();
    for piece in &shape.pieces {
        for ring in std::iter::once(&piece.exterior).chain(&piece.holes) {
            for (i, (x, y)) in pixels(ring).into_iter().enumerate() {
                let _ = write!(d, "{}{x},{y}", if i == 0 { "M" } else { " " });
            }
            d.push('Z');
        }
    }
    d
}

/// Ids unique to this map, so two maps on one page keep their own title and description.
fn id(map: &Choropleth, scene: &Scene) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (map.title, map.unit, &scene.summary).hash(&mut hasher);
    format!("mapa-{:012x}", hasher.finish() & 0xffff_ffff_ffff)
}

pub fn finish(svg: String, map: &Choropleth, scene: &Scene) -> String {
    let mut links = 0;
    let mut overlay = String::from("<g class=\"sala-map__regions\">");
    // a region the main panel shows is linked from the inset too, for the mouse, but announced
    // and reached by keyboard once
    let main: HashSet<&str> = scene.panels.first().map_or_else(HashSet::new, |p| {
        p.shapes.iter().map(|s| s.region.code.as_str()).collect()
    });
    for (i, panel) in scene.panels.iter().enumerate() {
        for shape in &panel.shapes {
            let again = i > 0 && main.contains(shape.region.code.as_str());
            let hidden = if again {
                " tabindex=\"-1\" aria-hidden=\"true\""
            } else {
                ""
            };
            let d = path_data(shape);
            let title = escape(&shape.title);
            let attrs = format!("d=\"{d}\" fill=\"#000\" fill-opacity=\"0\" fill-rule=\"evenodd\"");
            match map.href.and_then(|href| href(&shape.region.code)) {
                Some(url) => {
                    links += 1;
                    // `_top`: a map shown through `<object>` opens the page, not itself
                    let _ = write!(
                        overlay,
                        "<a href=\"{}\" target=\"_top\"{hidden}><title>{title}</title><path {attrs}/></a>",
                        escape(&url)
                    );
                }
                None => {
                    let _ = write!(
                        overlay,
                        "<path {attrs}{hidden}><title>{title}</title></path>"
                    );
                }
            }
        }
        for marker in &panel.markers {
            let (x, y) = (marker.at.0.round(), marker.at.1.round());
            let _ = write!(
                overlay,
                "<circle cx=\"{x}\" cy=\"{y}\" r=\"8\" fill=\"#000\" fill-opacity=\"0\"><title>{}</title></circle>",
                escape(marker.label)
            );
        }
    }
    overlay.push_str("</g>");

    let id = id(map, scene);
    let role = if links == 0 { " role=\"img\"" } else { "" };
    let head = format!(
        " class=\"sala-map\"{role} aria-labelledby=\"{id}-t {id}-d\"><title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>\
         <style>.sala-map a:hover path,.sala-map a:focus path{{fill-opacity:.18}}</style>",
        escape(map.title),
        escape(&scene.summary)
    );
    let svg = crate::charts::splice_head(svg, &head);
    match svg.rfind("</svg>") {
        Some(close) => format!("{}{overlay}{}", &svg[..close], &svg[close..]),
        None => svg,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use app::domain::map::{legend_labels, quantile_classes};

    use super::super::scene::{self, attribution};
    use super::super::*;
    use super::escape;

    fn decimal(v: f64) -> String {
        format!("{v:.1}").replace('.', ",")
    }

    fn values(layer: MapLayer, every: usize) -> BTreeMap<String, f64> {
        regions(layer)
            .unwrap()
            .iter()
            .enumerate()
            .filter(|(i, _)| i % every != 0)
            .map(|(i, r)| (r.code.clone(), i as f64 * 1.5))
            .collect()
    }

    #[test]
    fn the_svg_names_every_region_links_it_and_credits_the_source() {
        let values = values(MapLayer::Localidades, 7);
        let points = [MapPoint {
            lon: -74.0726,
            lat: 4.5981,
            label: "USS <Centro> & \"Santa Clara\"".into(),
        }];
        let href =
            |code: &str| (code != "20").then(|| format!("/indicadores?localidad={code}&año=2025"));
        let map = Choropleth {
            layer: MapLayer::Localidades,
            title: "Mortalidad <infantil>",
            unit: "por 1.000 nacidos vivos",
            values: &values,
            format: &decimal,
            points: &points,
            href: Some(&href),
        };
        let svg = choropleth_svg(&map).unwrap();
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        for region in regions(MapLayer::Localidades).unwrap() {
            let title = match values.get(&region.code) {
                Some(v) => format!(
                    "<title>{}: {} por 1.000 nacidos vivos</title>",
                    region.name,
                    decimal(*v)
                ),
                None => format!("<title>{}: sin dato</title>", region.name),
            };
            assert!(svg.contains(&title), "{title}");
        }
        // drawn in lines at the bottom, and whole in the description
        assert!(svg.contains("Límites de localidades: Secretaría Distrital de Planeación"));
        assert!(svg.contains(&format!(
            "Fuente: {}</desc>",
            attribution(MapLayer::Localidades)
        )));
        assert!(svg.contains("licencia CC BY-SA 4.0."));
        assert!(svg.contains("Sin dato"), "the legend's swatch");
        let known: Vec<f64> = values.values().copied().collect();
        let classes = quantile_classes(&known, scene::CLASSES).unwrap();
        assert_eq!(classes.len(), 5);
        for label in legend_labels(&classes, &decimal) {
            assert!(
                svg.contains(&format!(">\n{}\n</text>", escape(&label))),
                "{label}"
            );
        }
        assert!(
            svg.contains(">\n&gt; 6,0 – 13,5\n</text>"),
            "a legend limit"
        );
        assert!(svg.contains(
            r#"<a href="/indicadores?localidad=03&amp;año=2025" target="_top"><title>Santa Fe: "#
        ));
        assert!(!svg.contains("localidad=20"), "Sumapaz has no link");
        // each link once for the keyboard: Santa Fe's second (in the inset) is hidden
        let santa_fe = r#"<a href="/indicadores?localidad=03&amp;año=2025" target="_top""#;
        assert_eq!(svg.matches(santa_fe).count(), 2);
        assert_eq!(
            svg.matches(&format!("{santa_fe} tabindex=\"-1\" aria-hidden=\"true\">"))
                .count(),
            1
        );
        assert!(svg.contains("<title>USS &lt;Centro&gt; &amp; &quot;Santa Clara&quot;</title>"));
        assert!(svg.contains(">Mortalidad &lt;infantil&gt;</title>"));
        assert!(
            !svg.contains("role=\"img\""),
            "links inside are not one image"
        );
        // Santa Fe's link has its hole, so La Candelaria's link is reached inside it
        let santa_fe = svg.split("localidad=03&amp;").nth(1).unwrap();
        let d = santa_fe
            .split(" d=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert_eq!(d.matches('M').count(), 2, "{d}");
    }

    /// The maps credit their source in the words `server/assets/geo/SOURCE.md` gives.
    #[test]
    fn the_attribution_is_the_one_the_source_asks_for() {
        let source = include_str!("../../assets/geo/SOURCE.md");
        let quoted: String = source
            .lines()
            .filter_map(|line| line.strip_prefix("> "))
            .collect::<Vec<_>>()
            .join(" ");
        for layer in [MapLayer::Localidades, MapLayer::Upz] {
            assert!(
                quoted.contains(attribution(layer)),
                "{}",
                attribution(layer)
            );
        }
    }

    #[test]
    fn a_map_without_data_says_so() {
        let empty = BTreeMap::new();
        let map = Choropleth {
            layer: MapLayer::Upz,
            title: "Cobertura de vacunación",
            unit: "%",
            values: &empty,
            format: &decimal,
            points: &[],
            href: None,
        };
        let svg = choropleth_svg(&map).unwrap();
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("No hay datos para este mapa."));
        assert!(svg.contains("<title>UPR Río Sumapaz: sin dato</title>"));
        assert!(svg.contains("licencia CC BY-SA 4.0."));
        assert!(!svg.contains("<a "));
        let png = choropleth_png(&map).unwrap();
        assert!(png.starts_with(b"\x89PNG"));
    }

    #[test]
    fn the_upz_map_draws_as_png_and_svg() {
        let values = values(MapLayer::Upz, 5);
        let map = Choropleth {
            layer: MapLayer::Upz,
            title: "Bajo peso al nacer",
            unit: "% de nacidos vivos",
            values: &values,
            format: &decimal,
            points: &[],
            href: None,
        };
        let svg = choropleth_svg(&map).unwrap();
        assert!(svg.contains("<title>Bosa Central: "));
        assert!(svg.contains("UPZ: Secretaría Distrital de Planeación"));
        assert!(choropleth_png(&map).unwrap().starts_with(b"\x89PNG"));
    }
}
