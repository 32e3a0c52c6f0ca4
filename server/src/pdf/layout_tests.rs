//! The layout with a fixed-width measure: wrapping, tables across pages, numbering.

use super::*;

/// Every character half its size wide: enough to check the flow without fonts.
struct Fixed;
impl Measure for Fixed {
    fn width(&self, text: &str, size: f32, _: Weight) -> f32 {
        text.chars().count() as f32 * size * 0.5
    }
}

fn texts(page: &Page) -> Vec<&str> {
    page.ops
        .iter()
        .filter_map(|op| match op {
            Op::Text { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

#[test]
fn text_wraps_at_spaces_and_inside_words_too_long_for_a_line() {
    let lines = wrap(
        &Fixed,
        "uno dos tres cuatro",
        10.0 * 5.0,
        10.0,
        Weight::Regular,
    );
    assert_eq!(lines, ["uno dos", "tres", "cuatro"]);
    let long = wrap(&Fixed, "abcdefghijkl", 5.0 * 5.0, 10.0, Weight::Regular);
    assert_eq!(long, ["abcde", "fghij", "kl"]);
    assert_eq!(
        wrap(&Fixed, "a\nb", 100.0, 10.0, Weight::Regular),
        ["a", "b"]
    );
}

#[test]
fn a_long_table_continues_on_new_pages_with_its_header_and_every_page_is_numbered() {
    let rows: Vec<Vec<String>> = (0..200)
        .map(|n| vec![format!("fila {n}"), "x".into()])
        .collect();
    let blocks = [
        Block::Title("Acta".into()),
        Block::Table {
            columns: vec![column("Nombre", 2.0), column("Rol", 1.0)],
            rows,
        },
    ];
    let pages = paginate(&Fixed, &blocks, "Mesa", "Acta n.º 1");
    assert!(pages.len() > 2);
    for (n, page) in pages.iter().enumerate() {
        let t = texts(page);
        assert!(t.contains(&format!("Página {} de {}", n + 1, pages.len()).as_str()));
        assert!(t.contains(&"Nombre"), "page {n} repeats the header");
        for op in &page.ops {
            if let Op::Text { y, .. } = op {
                assert!(*y <= PAGE_HEIGHT - MARGIN + 4.0, "inside the page");
            }
        }
    }
    let all: Vec<&str> = pages.iter().flat_map(texts).collect();
    for n in 0..200 {
        assert!(
            all.contains(&format!("fila {n}").as_str()),
            "row {n} printed"
        );
    }
}

#[test]
fn a_row_taller_than_a_page_is_split_and_loses_no_line() {
    let cell = (0..150)
        .map(|n| format!("l{n}"))
        .collect::<Vec<_>>()
        .join("\n");
    let blocks = [Block::Table {
        columns: vec![column("Texto", 1.0)],
        rows: vec![vec![cell]],
    }];
    let pages = paginate(&Fixed, &blocks, "", "");
    assert!(pages.len() >= 2);
    let all: Vec<&str> = pages.iter().flat_map(texts).collect();
    for n in 0..150 {
        assert!(all.contains(&format!("l{n}").as_str()));
    }
}

#[test]
fn a_header_taller_than_a_page_still_ends_and_a_long_footer_is_cut() {
    let title = (0..200)
        .map(|n| format!("h{n}"))
        .collect::<Vec<_>>()
        .join("\n");
    let blocks = [Block::Table {
        columns: vec![column(&title, 1.0)],
        rows: vec![vec!["a\nb\nc\nd".into()]],
    }];
    let footer = "Mesa ".repeat(100);
    let pages = paginate(&Fixed, &blocks, &footer, "");
    assert!(pages.len() < 50, "{} pages", pages.len());
    let all: Vec<&str> = pages.iter().flat_map(texts).collect();
    for line in ["a", "b", "c", "d"] {
        assert!(all.contains(&line), "{line} printed");
    }
    let foot = all.iter().find(|t| t.starts_with("Mesa")).unwrap();
    assert!(foot.ends_with('…'));
    assert!(Fixed.width(foot, 8.0, Weight::Regular) < CONTENT_WIDTH);
}
