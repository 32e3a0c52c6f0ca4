//! People's text inside the acta's Markdown: shown literally, one line where a line is due.

/// People's text as Markdown shows it literally: Markdown passes HTML through, so a `<script>`
/// typed into a barrier would run wherever the acta is rendered. Entities render as the
/// characters they stand for.
pub(super) fn plain(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub(super) fn or_dash(s: &str) -> String {
    if s.trim().is_empty() {
        "—".into()
    } else {
        plain(s)
    }
}

pub(super) fn one_line(s: &str) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.is_empty() {
        "(sin texto)".into()
    } else {
        plain(&s)
    }
}

/// A Markdown table cell: one line, pipes escaped.
pub(super) fn cell(s: &str) -> String {
    if s.trim().is_empty() {
        return "—".into();
    }
    one_line(s).replace('|', "\\|")
}
