//! The downloadable template: an XLSX with the catalogue sheet, the values sheet and a sheet of
//! instructions (which the import skips), and the same two layouts as CSV. The column lists are
//! the import's own constants, so the template cannot drift from what is read.

use app::domain::indicators::import::{
    CATALOGUE_OPTIONAL, CATALOGUE_REQUIRED, VALUES_OPTIONAL, VALUES_REQUIRED,
};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// The catalogue's columns, in the template's order.
pub fn catalogue_columns() -> Vec<&'static str> {
    let mut columns: Vec<&str> = CATALOGUE_REQUIRED[..2].to_vec();
    columns.extend(["definicion", "numerador", "denominador"]);
    columns.extend([CATALOGUE_REQUIRED[2], "factor", CATALOGUE_REQUIRED[3]]);
    columns.extend(["meta", "periodo_meta", "fuente", CATALOGUE_REQUIRED[4]]);
    debug_assert_eq!(
        columns.len(),
        CATALOGUE_REQUIRED.len() + CATALOGUE_OPTIONAL.len()
    );
    columns
}

pub fn values_columns() -> Vec<&'static str> {
    VALUES_REQUIRED
        .iter()
        .chain(&VALUES_OPTIONAL)
        .copied()
        .collect()
}

/// What each column means, for the instructions sheet and the README.
const HELP: [(&str, &str); 18] = [
    ("Hoja «indicadores»", "Una fila por indicador del catálogo."),
    (
        "codigo",
        "Código corto y estable: letras sin tilde, números, - _ . (p. ej. MI-01).",
    ),
    ("nombre", "Nombre del indicador."),
    (
        "definicion, numerador, denominador",
        "Texto: qué mide y cómo se calcula. Sin denominador, el indicador es un conteo.",
    ),
    (
        "unidad",
        "En qué se expresa: «%», «por 1.000 nacidos vivos», «casos».",
    ),
    (
        "factor",
        "El valor es numerador ÷ denominador × factor (100, 1000, 100000). Vacío = 1.",
    ),
    ("sentido", "«mayor es mejor» o «menor es mejor»."),
    (
        "meta, periodo_meta",
        "Meta opcional y el periodo para el que se fijó.",
    ),
    (
        "fuente",
        "De dónde viene el dato (p. ej. Observatorio de Salud de Bogotá, SaluData).",
    ),
    (
        "desagregacion",
        "El nivel más fino que da la fuente: upz, localidad, zona o distrito.",
    ),
    (
        "Hoja «valores»",
        "Una fila por indicador, territorio y periodo.",
    ),
    ("indicador", "El código del catálogo."),
    (
        "territorio",
        "Localidad 01 a 20, UPZ (UPZ85, UPR4), zona (zona-norte, zona-sur, zona-centro-oriente, zona-sur-occidente) o «distrito».",
    ),
    (
        "periodo",
        "202601 (mes), 2026Q1 (trimestre), 2026 (año) o una fecha 2026-01-31 (su mes).",
    ),
    (
        "numerador, denominador",
        "Preferibles: con ellos Sala suma zonas y distrito. Números con punto decimal, sin separador de miles.",
    ),
    (
        "valor",
        "Opcional si hay numerador y denominador (se calcula y se compara). Solo valor = tasa: no se puede sumar a zona ni distrito.",
    ),
    (
        "Privacidad",
        "Solo datos agregados: el archivo no puede tener documentos ni nombres de personas u hogares.",
    ),
    (
        "Repetir",
        "Volver a cargar el mismo archivo no cambia nada; una fila corregida reemplaza la anterior.",
    ),
];

pub fn workbook() -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    for (name, columns) in [
        ("indicadores", catalogue_columns()),
        ("valores", values_columns()),
    ] {
        let sheet = book.add_worksheet().set_name(name)?;
        for (col, column) in columns.iter().enumerate() {
            sheet.write_string_with_format(0, col as u16, *column, &bold)?;
            sheet.set_column_width(col as u16, 18)?;
        }
        // Codes and periods as text, so a spreadsheet keeps «07» and «202601» as written.
        if name == "valores" {
            sheet.set_column_format(0, &text)?;
            sheet.set_column_format(1, &text)?;
            sheet.set_column_format(2, &text)?;
        }
    }
    let help = book.add_worksheet().set_name("instrucciones")?;
    help.write_string_with_format(0, 0, "Cómo llenar esta plantilla", &bold)?;
    for (row, (what, how)) in HELP.iter().enumerate() {
        help.write_string_with_format(row as u32 + 2, 0, *what, &bold)?;
        help.write_string(row as u32 + 2, 1, *how)?;
    }
    help.set_column_width(0, 34)?;
    help.set_column_width(1, 110)?;
    book.save_to_buffer()
}

/// A CSV template (UTF-8 with a byte-order mark, `;`, as a Spanish spreadsheet opens it).
pub fn csv(columns: &[&str]) -> String {
    format!("\u{feff}{}\r\n", columns.join(";"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheets::read_sheets;
    use app::domain::indicators::import::{SheetKind, sheet_kind};

    #[test]
    fn the_template_reads_back_as_the_layouts_the_import_knows() {
        let sheets = read_sheets("plantilla.xlsx", &workbook().unwrap()).unwrap();
        let kinds: Vec<Option<SheetKind>> = sheets.iter().map(sheet_kind).collect();
        assert_eq!(
            kinds,
            [Some(SheetKind::Catalogue), Some(SheetKind::Values), None]
        );
        assert_eq!(sheets[0].header.len(), 12);
        let csv = read_sheets("valores.csv", csv(&values_columns()).as_bytes()).unwrap();
        assert_eq!(sheet_kind(&csv[0]), Some(SheetKind::Values));
    }
}
