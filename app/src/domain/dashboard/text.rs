//! How a dashboard reads and writes the words and numbers people typed: several institutions in
//! one field, two spellings of one name, and numbers as Spanish writes them.

/// The institutions one field names, separated by `;` or `,` ("Subred Sur; EPS Capital Salud"):
/// trimmed, inner spaces collapsed, each once (compared as [`fold`] does), in the order written.
pub fn institutions(field: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for name in field.split([';', ',']) {
        let name = collapse(name);
        if name.is_empty() {
            continue;
        }
        let key = fold(&name);
        if !seen.contains(&key) {
            seen.push(key);
            out.push(name);
        }
    }
    out
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The key two spellings of one name share: lower case, without accents, spaces collapsed
/// ("Secretaría  de Salud" and "secretaria de salud" are one institution).
pub fn fold(name: &str) -> String {
    collapse(name)
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'á' | 'à' | 'ä' | 'â' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            other => other,
        })
        .collect()
}

/// A number as Spanish writes it: a decimal comma, at most two decimals, no trailing zeros
/// (`12`, `33,3`, `0,25`).
pub fn decimal(value: f64) -> String {
    decimal_point(value).replace('.', ",")
}

/// The same number with a decimal point, for files read by programs rather than people.
pub fn decimal_point(value: f64) -> String {
    let fixed = format!("{value:.2}");
    let trimmed = if fixed.contains('.') {
        fixed.trim_end_matches('0').trim_end_matches('.')
    } else {
        &fixed
    };
    if trimmed == "-0" {
        "0".to_owned()
    } else {
        trimmed.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn one_field_names_each_institution_once() {
        assert_eq!(
            institutions(" Subred Sur;EPS Capital Salud ,  Secretaría   de Salud;;"),
            vec!["Subred Sur", "EPS Capital Salud", "Secretaría de Salud"]
        );
        assert_eq!(
            institutions("Subred Sur; subred  sur; SUBRED SUR"),
            vec!["Subred Sur"]
        );
        assert!(institutions(" ; , ").is_empty());
        assert_eq!(
            fold("Secretaría  de Integración"),
            "secretaria de integracion"
        );
    }

    #[test]
    fn numbers_are_written_with_a_decimal_comma() {
        assert_eq!(decimal(12.0), "12");
        assert_eq!(decimal(33.3), "33,3");
        assert_eq!(decimal(2.0 / 3.0), "0,67");
        assert_eq!(decimal(-0.001), "0");
        assert_eq!(decimal(1500.5), "1500,5");
        assert_eq!(decimal_point(1500.5), "1500.5");
    }

    proptest! {
        /// However the names are separated and spaced, the field names them, once each.
        #[test]
        fn any_separators_give_back_the_names(
            names in proptest::collection::vec("[A-Za-zÁÉÍÓÚáéíóúñ]{1,8}( [A-Za-z]{1,8}){0,2}", 0..6),
            separators in proptest::collection::vec(prop_oneof![Just(";"), Just(","), Just(" ; "), Just(",  "), Just(";;")], 6),
        ) {
            let mut field = String::from("  ");
            for (i, name) in names.iter().enumerate() {
                field.push_str(name);
                field.push_str(separators[i % separators.len()]);
            }
            let mut expected: Vec<String> = Vec::new();
            for name in &names {
                if !expected.iter().any(|e| fold(e) == fold(name)) {
                    expected.push(name.clone());
                }
            }
            prop_assert_eq!(institutions(&field), expected);
        }

        /// A decimal written with a comma reads back as the number, to two decimals.
        #[test]
        fn decimals_read_back(value in -1.0e6f64..1.0e6) {
            let written = decimal(value);
            prop_assert!(!written.contains('.'));
            let read: f64 = written.replace(',', ".").parse().unwrap();
            prop_assert!((read - value).abs() <= 0.005 + 1e-9, "{} → {}", value, written);
        }
    }
}
