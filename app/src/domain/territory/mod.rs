//! Bogotá's territory (district → 4 zonas → 20 localidades) and the Mesas that sit on it.

use serde::{Deserialize, Serialize};

use super::model::Level;

mod index;
#[cfg(test)]
pub(crate) use index::tests as tests_support;
pub use index::*;

pub const DISTRICT_MESA_CODE: &str = "distrito";

/// One localidad as listed in the territory file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Localidad {
    /// Two digits, `01` … `20`.
    pub code: String,
    pub name: String,
    pub zona: String,
    pub subred: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TerritoryError {
    #[error("línea {line}: {message}")]
    Line { line: usize, message: String },
    #[error("el archivo de territorios no tiene encabezado")]
    Empty,
    #[error("encabezado inesperado «{0}»: se esperaba codigo_localidad,localidad,zona,subred")]
    Header(String),
}

/// The four zones of the model, in the order the district presents them.
pub const ZONAS: [&str; 4] = ["Norte", "Sur", "Centro Oriente", "Sur Occidente"];

/// Stable code of a zone: `zona-norte`, `zona-centro-oriente`, …
pub fn zona_code(zona: &str) -> String {
    format!("zona-{}", zona.trim().to_lowercase().replace(' ', "-"))
}

/// Stable code of a localidad's Mesa Local: `local-01` … `local-20`.
pub fn local_mesa_code(localidad_code: &str) -> String {
    format!("local-{localidad_code}")
}

/// Parses the territory CSV (`codigo_localidad,localidad,zona,subred`). Names contain no commas.
pub fn parse_territories(csv: &str) -> Result<Vec<Localidad>, TerritoryError> {
    let mut lines = csv
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = lines.next().ok_or(TerritoryError::Empty)?;
    let header = header.trim().trim_start_matches('\u{feff}');
    if header != "codigo_localidad,localidad,zona,subred" {
        return Err(TerritoryError::Header(header.to_owned()));
    }
    let mut out: Vec<Localidad> = Vec::new();
    for (index, raw) in lines {
        let line = index + 1;
        let bad = |message: String| TerritoryError::Line { line, message };
        let fields: Vec<&str> = raw.split(',').map(str::trim).collect();
        let [code, name, zona, subred] = fields[..] else {
            return Err(bad(format!("se esperaban 4 campos y hay {}", fields.len())));
        };
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad(format!(
                "código de localidad «{code}» no es de dos dígitos"
            )));
        }
        if name.is_empty() {
            return Err(bad("la localidad no tiene nombre".into()));
        }
        if !ZONAS.contains(&zona) {
            return Err(bad(format!("zona desconocida «{zona}»")));
        }
        if out.iter().any(|l| l.code == code) {
            return Err(bad(format!("código de localidad repetido «{code}»")));
        }
        out.push(Localidad {
            code: code.into(),
            name: name.into(),
            zona: zona.into(),
            subred: subred.into(),
        });
    }
    Ok(out)
}

/// A Mesa to seed: its code, name, level, parent and territory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MesaSeed {
    pub code: String,
    pub name: String,
    pub level: Level,
    pub parent_code: Option<String>,
    pub zona: Option<String>,
    pub localidad_code: Option<String>,
}

/// The 25 Mesas of the model: one district Mesa, one Mesa de Coordinación Técnica per zone and one
/// Mesa Local de APS per localidad, each pointing at the Mesa it escalates to.
pub fn mesa_plan(localidades: &[Localidad]) -> Vec<MesaSeed> {
    let mut plan = vec![MesaSeed {
        code: DISTRICT_MESA_CODE.into(),
        name: "Mesa Distrital MAS Bienestar".into(),
        level: Level::Distrital,
        parent_code: None,
        zona: None,
        localidad_code: None,
    }];
    plan.extend(ZONAS.iter().map(|zona| MesaSeed {
        code: zona_code(zona),
        name: format!("Mesa de Coordinación Técnica Zona {zona}"),
        level: Level::Zonal,
        parent_code: Some(DISTRICT_MESA_CODE.into()),
        zona: Some((*zona).into()),
        localidad_code: None,
    }));
    plan.extend(localidades.iter().map(|l| MesaSeed {
        code: local_mesa_code(&l.code),
        name: format!("Mesa Local de APS {}", l.name),
        level: Level::Local,
        parent_code: Some(zona_code(&l.zona)),
        zona: Some(l.zona.clone()),
        localidad_code: Some(l.code.clone()),
    }));
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOGOTA: &str = include_str!("../../../../server/data/bogota_territorios.csv");

    #[test]
    fn the_project_copy_lists_twenty_localidades_in_four_zones() {
        let all = parse_territories(BOGOTA).unwrap();
        assert_eq!(all.len(), 20);
        let bosa = all.iter().find(|l| l.code == "07").unwrap();
        assert_eq!(bosa.name, "Bosa");
        assert_eq!(bosa.zona, "Sur Occidente");
        let candelaria = all.iter().find(|l| l.code == "17").unwrap();
        assert_eq!(candelaria.name, "La Candelaria");
        for zona in ZONAS {
            assert!(all.iter().any(|l| l.zona == zona), "no localidad in {zona}");
        }
    }

    #[test]
    fn codes_are_stable() {
        assert_eq!(zona_code("Centro Oriente"), "zona-centro-oriente");
        assert_eq!(zona_code("Sur Occidente"), "zona-sur-occidente");
        assert_eq!(local_mesa_code("01"), "local-01");
    }

    #[test]
    fn every_local_mesa_reaches_the_district_through_its_zone() {
        let plan = mesa_plan(&parse_territories(BOGOTA).unwrap());
        assert_eq!(plan.len(), 25);
        let find = |code: &str| plan.iter().find(|m| m.code == code).unwrap();
        let usme = find("local-05");
        assert_eq!(usme.name, "Mesa Local de APS Usme");
        assert_eq!(usme.parent_code.as_deref(), Some("zona-sur"));
        let sur = find("zona-sur");
        assert_eq!(sur.parent_code.as_deref(), Some(DISTRICT_MESA_CODE));
        assert_eq!(find(DISTRICT_MESA_CODE).parent_code, None);
        assert_eq!(plan.iter().filter(|m| m.level == Level::Local).count(), 20);
    }

    #[test]
    fn broken_files_are_refused_with_the_line() {
        assert_eq!(parse_territories(""), Err(TerritoryError::Empty));
        assert!(matches!(
            parse_territories("a,b\n"),
            Err(TerritoryError::Header(_))
        ));
        let header = "codigo_localidad,localidad,zona,subred\n";
        let err = parse_territories(&format!("{header}01,Usaquén,Norte\n")).unwrap_err();
        assert_eq!(
            err,
            TerritoryError::Line {
                line: 2,
                message: "se esperaban 4 campos y hay 3".into()
            }
        );
        let err = parse_territories(&format!("{header}01,Usaquén,Oeste,S\n")).unwrap_err();
        assert!(err.to_string().contains("zona desconocida"), "{err}");
        let err = parse_territories(&format!("{header}01,A,Norte,S\n01,B,Norte,S\n")).unwrap_err();
        assert!(err.to_string().contains("repetido"), "{err}");
    }
}
