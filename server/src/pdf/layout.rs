//! Page layout for the documents Sala prints, pure: headings, paragraphs and tables flow into A4
//! pages as drawing operations, text wrapped by measuring it with the fonts that will draw it.
//! Tables repeat their header on every page they continue on; page numbers are added once the
//! number of pages is known.

/// A4 in PDF points.
pub const PAGE_WIDTH: f32 = 595.28;
pub const PAGE_HEIGHT: f32 = 841.89;
/// About 2 cm, as Colombian official documents use.
pub const MARGIN: f32 = 56.0;
const TOP: f32 = MARGIN;
/// Room kept at the bottom for the footer.
const BOTTOM: f32 = PAGE_HEIGHT - MARGIN - 18.0;
const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;

const BODY: f32 = 9.5;
const TABLE_BODY: f32 = 8.5;
const TABLE_HEAD: f32 = 8.0;
const CELL_PAD: f32 = 3.0;
const FOOTER: f32 = 8.0;

fn line_height(size: f32) -> f32 {
    size * 1.3
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

/// How wide a text is when drawn: the fonts' advances, in points.
pub trait Measure {
    fn width(&self, text: &str, size: f32, weight: Weight) -> f32;
}

/// One thing drawn on a page. `y` grows downwards from the page's top; a text's `y` is its
/// baseline.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        weight: Weight,
        text: String,
    },
    /// A horizontal hairline.
    Rule { x: f32, y: f32, width: f32 },
    /// A light grey band (a table's header).
    Shade {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
    },
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub ops: Vec<Op>,
}

/// A table column: its title and its share of the width.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub title: String,
    pub share: f32,
}

pub fn column(title: &str, share: f32) -> Column {
    Column {
        title: title.to_owned(),
        share,
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Title(String),
    Heading(String),
    Paragraph {
        text: String,
        weight: Weight,
        indent: f32,
    },
    /// Small grey text (a note under a heading, an empty section).
    Note(String),
    Table {
        columns: Vec<Column>,
        rows: Vec<Vec<String>>,
    },
    Space(f32),
}

pub fn paragraph(text: impl Into<String>) -> Block {
    Block::Paragraph {
        text: text.into(),
        weight: Weight::Regular,
        indent: 0.0,
    }
}

/// Splits `text` into lines no wider than `width`: at spaces where it can, inside a word that
/// alone is too wide. Line breaks in the text are kept.
pub fn wrap(m: &impl Measure, text: &str, width: f32, size: f32, weight: Weight) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if m.width(&candidate, size, weight) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // a word wider than the line is cut where it must be
            for c in word.chars() {
                line.push(c);
                if m.width(&line, size, weight) > width && line.chars().count() > 1 {
                    line.pop();
                    lines.push(std::mem::replace(&mut line, c.to_string()));
                }
            }
        }
        lines.push(line);
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

/// Lays `blocks` out into pages. `footer` is the text at the foot of every page, beside its
/// number; `running` heads every page after the first.
pub fn paginate(m: &impl Measure, blocks: &[Block], footer: &str, running: &str) -> Vec<Page> {
    let mut flow = Flow {
        m,
        pages: vec![Page::default()],
        y: TOP,
        running,
    };
    for block in blocks {
        flow.block(block);
    }
    let total = flow.pages.len();
    for (n, page) in flow.pages.iter_mut().enumerate() {
        let y = PAGE_HEIGHT - MARGIN + 4.0;
        page.ops.push(Op::Rule {
            x: MARGIN,
            y: y - FOOTER - 2.0,
            width: CONTENT_WIDTH,
        });
        let number = format!("Página {} de {}", n + 1, total);
        let number_width = m.width(&number, FOOTER, Weight::Regular);
        // a long Mesa name is cut short of the page number, not drawn over it
        let room = CONTENT_WIDTH - number_width - 12.0;
        page.ops.push(text_op(
            MARGIN,
            y,
            FOOTER,
            Weight::Regular,
            &fit_line(m, footer, room, FOOTER),
        ));
        let x = PAGE_WIDTH - MARGIN - number_width;
        page.ops
            .push(text_op(x, y, FOOTER, Weight::Regular, &number));
    }
    flow.pages
}

/// `text` on one line of `width`, ended with «…» where it had to be cut.
fn fit_line(m: &impl Measure, text: &str, width: f32, size: f32) -> String {
    if m.width(text, size, Weight::Regular) <= width {
        return text.to_owned();
    }
    let mut line = String::new();
    for c in text.chars() {
        line.push(c);
        if m.width(&format!("{line}…"), size, Weight::Regular) > width {
            line.pop();
            break;
        }
    }
    format!("{}…", line.trim_end())
}

fn text_op(x: f32, y: f32, size: f32, weight: Weight, text: &str) -> Op {
    Op::Text {
        x,
        y,
        size,
        weight,
        text: text.to_owned(),
    }
}

struct Flow<'a, M> {
    m: &'a M,
    pages: Vec<Page>,
    y: f32,
    running: &'a str,
}

impl<M: Measure> Flow<'_, M> {
    fn ops(&mut self) -> &mut Vec<Op> {
        let last = self.pages.len() - 1;
        &mut self.pages[last].ops
    }

    fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = TOP;
        let running = fit_line(self.m, self.running, CONTENT_WIDTH, FOOTER);
        let y = self.y + FOOTER;
        self.ops()
            .push(text_op(MARGIN, y, FOOTER, Weight::Regular, &running));
        self.y += FOOTER + 12.0;
    }

    /// Starts a new page unless `height` fits below.
    fn room_for(&mut self, height: f32) {
        if self.y + height > BOTTOM {
            self.new_page();
        }
    }

    fn lines(&mut self, lines: &[String], x: f32, size: f32, weight: Weight) {
        let lh = line_height(size);
        for line in lines {
            self.room_for(lh);
            self.y += lh;
            let y = self.y - lh * 0.25;
            self.ops().push(text_op(x, y, size, weight, line));
        }
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Title(text) => {
                let lines = wrap(self.m, text, CONTENT_WIDTH, 16.0, Weight::Bold);
                self.lines(&lines, MARGIN, 16.0, Weight::Bold);
                self.y += 6.0;
            }
            Block::Heading(text) => {
                // a heading never ends a page: it keeps a few lines of what follows
                self.room_for(line_height(12.0) + 4.0 * line_height(BODY) + 8.0);
                self.y += 8.0;
                let lines = wrap(self.m, text, CONTENT_WIDTH, 12.0, Weight::Bold);
                self.lines(&lines, MARGIN, 12.0, Weight::Bold);
                self.y += 3.0;
            }
            Block::Paragraph {
                text,
                weight,
                indent,
            } => {
                let lines = wrap(self.m, text, CONTENT_WIDTH - indent, BODY, *weight);
                self.lines(&lines, MARGIN + indent, BODY, *weight);
                self.y += 2.0;
            }
            Block::Note(text) => {
                let lines = wrap(self.m, text, CONTENT_WIDTH, TABLE_BODY, Weight::Regular);
                self.lines(&lines, MARGIN, TABLE_BODY, Weight::Regular);
                self.y += 2.0;
            }
            Block::Table { columns, rows } => self.table(columns, rows),
            Block::Space(height) => self.y += height,
        }
    }

    fn widths(columns: &[Column]) -> Vec<f32> {
        let total: f32 = columns
            .iter()
            .map(|c| c.share)
            .sum::<f32>()
            .max(f32::EPSILON);
        columns
            .iter()
            .map(|c| c.share / total * CONTENT_WIDTH)
            .collect()
    }

    fn header(&mut self, columns: &[Column], widths: &[f32]) {
        let cells: Vec<Vec<String>> = columns
            .iter()
            .zip(widths)
            .map(|(c, w)| {
                wrap(
                    self.m,
                    &c.title,
                    w - 2.0 * CELL_PAD,
                    TABLE_HEAD,
                    Weight::Bold,
                )
            })
            .collect();
        let height = row_height(&cells, TABLE_HEAD);
        self.room_for(height + row_height(&[vec![String::new()]], TABLE_BODY));
        let y = self.y;
        self.ops().push(Op::Shade {
            x: MARGIN,
            y,
            width: CONTENT_WIDTH,
            height,
        });
        self.cells(&cells, widths, TABLE_HEAD, Weight::Bold);
        self.y = y + height;
    }

    fn cells(&mut self, cells: &[Vec<String>], widths: &[f32], size: f32, weight: Weight) {
        let lh = line_height(size);
        let mut x = MARGIN;
        let top = self.y + CELL_PAD;
        for (lines, w) in cells.iter().zip(widths) {
            for (n, line) in lines.iter().enumerate() {
                let y = top + lh * (n as f32 + 1.0) - lh * 0.25;
                self.ops()
                    .push(text_op(x + CELL_PAD, y, size, weight, line));
            }
            x += w;
        }
    }

    fn table(&mut self, columns: &[Column], rows: &[Vec<String>]) {
        let widths = Self::widths(columns);
        // columns without titles make a plain list of facts
        let titled = columns.iter().any(|c| !c.title.is_empty());
        if titled {
            self.header(columns, &widths);
        } else {
            self.rule();
        }
        let lh = line_height(TABLE_BODY);
        for row in rows {
            let mut cells: Vec<Vec<String>> = widths
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let text = row.get(i).map_or("", String::as_str);
                    wrap(
                        self.m,
                        text,
                        w - 2.0 * CELL_PAD,
                        TABLE_BODY,
                        Weight::Regular,
                    )
                })
                .collect();
            // whether the row already moved to a fresh page: then it is split whatever fits, so
            // the loop always makes progress
            let mut moved = false;
            loop {
                let fits = ((BOTTOM - self.y - 2.0 * CELL_PAD) / lh).floor().max(0.0) as usize;
                let needed = cells.iter().map(Vec::len).max().unwrap_or(1);
                if needed <= fits {
                    let height = row_height(&cells, TABLE_BODY);
                    self.cells(&cells, &widths, TABLE_BODY, Weight::Regular);
                    self.y += height;
                    self.rule();
                    break;
                }
                // a row taller than what is left: split it when a good part fits, else move it
                if fits >= 3 || moved {
                    let take = fits.max(1);
                    let rest: Vec<Vec<String>> = cells
                        .iter_mut()
                        .map(|lines| lines.split_off(take.min(lines.len())))
                        .collect();
                    let height = row_height(&cells, TABLE_BODY);
                    self.cells(&cells, &widths, TABLE_BODY, Weight::Regular);
                    self.y += height;
                    cells = rest;
                }
                self.new_page();
                moved = true;
                if titled {
                    self.header(columns, &widths);
                }
            }
        }
        self.y += 6.0;
    }

    fn rule(&mut self) {
        let y = self.y;
        self.ops().push(Op::Rule {
            x: MARGIN,
            y,
            width: CONTENT_WIDTH,
        });
    }
}

fn row_height(cells: &[Vec<String>], size: f32) -> f32 {
    let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
    lines as f32 * line_height(size) + 2.0 * CELL_PAD
}

#[cfg(test)]
#[path = "layout_tests.rs"]
mod tests;
