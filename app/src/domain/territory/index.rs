//! The territories a value can be given for, and how they nest: UPZ inside a localidad, a
//! localidad inside a zona, every zona inside the district. Codes: the district `distrito`, a
//! zona `zona-norte` (as its Mesa), a localidad `01`…`20`, a UPZ as IDECA writes it (`UPZ85`,
//! `UPR4`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{DISTRICT_MESA_CODE, Localidad, ZONAS, local_mesa_code, zona_code};

code_enum! {
    /// How finely a territory (or an indicator's data) is cut.
    TerritoryLevel {
        Upz = "upz" / "UPZ",
        Localidad = "localidad" / "Localidad",
        Zona = "zona" / "Zona",
        Distrito = "distrito" / "Distrito",
    }
}

impl TerritoryLevel {
    /// Coarser levels rank higher.
    pub fn rank(self) -> u8 {
        match self {
            TerritoryLevel::Upz => 0,
            TerritoryLevel::Localidad => 1,
            TerritoryLevel::Zona => 2,
            TerritoryLevel::Distrito => 3,
        }
    }
}

/// One territory with the ones it sits in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Territory {
    pub code: String,
    pub name: String,
    pub level: TerritoryLevel,
    /// The localidad it is or sits in (UPZ, localidad).
    pub localidad: Option<String>,
    /// The zona's code it is or sits in (all but the district).
    pub zona: Option<String>,
}

impl Territory {
    /// The Mesa that answers for this territory: a UPZ's and a localidad's Mesa Local, a zona's
    /// Mesa de Coordinación Técnica, the district's Mesa.
    pub fn mesa_code(&self) -> String {
        match self.level {
            TerritoryLevel::Upz | TerritoryLevel::Localidad => {
                local_mesa_code(self.localidad.as_deref().unwrap_or_default())
            }
            TerritoryLevel::Zona => self.zona.clone().unwrap_or_default(),
            TerritoryLevel::Distrito => DISTRICT_MESA_CODE.to_owned(),
        }
    }
}

/// A UPZ (or rural UPR) as the map's geometry lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpzRef {
    pub code: String,
    pub name: String,
    pub localidad: String,
}

/// Every territory by code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TerritoryIndex {
    by_code: BTreeMap<String, Territory>,
}

impl TerritoryIndex {
    pub fn new(localidades: &[Localidad], upz: &[UpzRef]) -> Self {
        let mut by_code = BTreeMap::new();
        let mut add = |t: Territory| {
            by_code.insert(t.code.clone(), t);
        };
        add(Territory {
            code: DISTRICT_MESA_CODE.into(),
            name: "Bogotá D.C.".into(),
            level: TerritoryLevel::Distrito,
            localidad: None,
            zona: None,
        });
        for zona in ZONAS {
            add(Territory {
                code: zona_code(zona),
                name: format!("Zona {zona}"),
                level: TerritoryLevel::Zona,
                localidad: None,
                zona: Some(zona_code(zona)),
            });
        }
        for l in localidades {
            add(Territory {
                code: l.code.clone(),
                name: l.name.clone(),
                level: TerritoryLevel::Localidad,
                localidad: Some(l.code.clone()),
                zona: Some(zona_code(&l.zona)),
            });
        }
        let zona_of: BTreeMap<&str, String> = localidades
            .iter()
            .map(|l| (l.code.as_str(), zona_code(&l.zona)))
            .collect();
        for u in upz {
            add(Territory {
                code: u.code.clone(),
                name: u.name.clone(),
                level: TerritoryLevel::Upz,
                localidad: Some(u.localidad.clone()),
                zona: zona_of.get(u.localidad.as_str()).cloned(),
            });
        }
        Self { by_code }
    }

    pub fn get(&self, code: &str) -> Option<&Territory> {
        self.by_code.get(code)
    }

    /// The territory a cell names, or why not (with a suggestion for a common slip: `7` for `07`,
    /// a localidad's name, a zona's name).
    pub fn resolve(&self, cell: &str) -> Result<&Territory, String> {
        let code = cell.trim();
        if let Some(found) = self.by_code.get(code) {
            return Ok(found);
        }
        let upper = code.to_uppercase();
        if let Some(found) = self.by_code.get(&upper) {
            return Ok(found);
        }
        let hint = if code.len() == 1 && code.bytes().all(|b| b.is_ascii_digit()) {
            format!(" (¿quiso decir «0{code}»?)")
        } else if let Some(named) = self.by_name(code) {
            format!(" (¿quiso decir «{}», {}?)", named.code, named.name)
        } else {
            String::new()
        };
        Err(format!(
            "territorio «{code}» desconocido{hint}: use el código de la localidad (01 a 20), de la UPZ (UPZ85), de la zona (zona-norte) o «distrito»"
        ))
    }

    fn by_name(&self, name: &str) -> Option<&Territory> {
        let wanted = crate::domain::fold(name);
        self.by_code
            .values()
            .find(|t| crate::domain::fold(&t.name) == wanted)
    }

    /// The localidades of a zona, or every localidad for the district.
    pub fn localidades_in(&self, code: &str) -> Vec<&Territory> {
        let Some(outer) = self.get(code) else {
            return Vec::new();
        };
        self.by_code
            .values()
            .filter(|t| t.level == TerritoryLevel::Localidad)
            .filter(|t| match outer.level {
                TerritoryLevel::Distrito => true,
                TerritoryLevel::Zona => t.zona == outer.zona,
                _ => false,
            })
            .collect()
    }

    /// The UPZ (and rural UPR) of a localidad.
    pub fn upz_in(&self, localidad: &str) -> Vec<&Territory> {
        self.by_code
            .values()
            .filter(|t| t.level == TerritoryLevel::Upz && t.localidad.as_deref() == Some(localidad))
            .collect()
    }

    /// The localidades' codes a territory holds: a localidad's (or a UPZ's) own, a zona's, or
    /// every one for the district.
    pub fn localidad_codes(&self, territory: &Territory) -> Vec<String> {
        match territory.level {
            TerritoryLevel::Localidad | TerritoryLevel::Upz => {
                territory.localidad.iter().cloned().collect()
            }
            _ => self
                .localidades_in(&territory.code)
                .into_iter()
                .map(|t| t.code.clone())
                .collect(),
        }
    }

    pub fn all(&self) -> impl Iterator<Item = &Territory> {
        self.by_code.values()
    }

    /// The territory a Mesa answers for (`local-07` → `07`, `zona-sur` → itself, `distrito`).
    pub fn of_mesa(&self, mesa_code: &str) -> Option<&Territory> {
        let code = mesa_code.strip_prefix("local-").unwrap_or(mesa_code);
        self.get(code).filter(|t| t.level != TerritoryLevel::Upz)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::parse_territories;

    pub(crate) fn bogota() -> TerritoryIndex {
        let localidades = parse_territories(include_str!(
            "../../../../server/data/bogota_territorios.csv"
        ))
        .expect("project territories");
        let upz = [
            ("UPZ85", "Bosa Central", "07"),
            ("UPZ84", "Bosa Occidental", "07"),
            ("UPZ1", "Paseo de los Libertadores", "01"),
        ]
        .map(|(code, name, localidad)| UpzRef {
            code: code.into(),
            name: name.into(),
            localidad: localidad.into(),
        });
        TerritoryIndex::new(&localidades, &upz)
    }

    #[test]
    fn territories_nest_and_answer_to_their_mesa() {
        let index = bogota();
        let bosa_central = index.resolve("upz85").unwrap();
        assert_eq!(bosa_central.level, TerritoryLevel::Upz);
        assert_eq!(bosa_central.zona.as_deref(), Some("zona-sur-occidente"));
        assert_eq!(bosa_central.mesa_code(), "local-07");
        assert_eq!(index.resolve("zona-sur").unwrap().mesa_code(), "zona-sur");
        assert_eq!(index.resolve("distrito").unwrap().mesa_code(), "distrito");
        assert_eq!(index.localidades_in("distrito").len(), 20);
        assert_eq!(index.localidades_in("zona-norte").len(), 6);
        assert_eq!(index.of_mesa("local-07").unwrap().name, "Bosa");
        let codes = |code: &str| index.localidad_codes(index.get(code).unwrap());
        assert_eq!(codes("07"), ["07"]);
        assert_eq!(codes("UPZ85"), ["07"]);
        assert_eq!(codes("zona-norte").len(), 6);
        assert_eq!(codes("distrito").len(), 20);
    }

    #[test]
    fn unknown_territories_say_what_was_meant() {
        let index = bogota();
        let error = index.resolve("7").unwrap_err();
        assert!(error.contains("«07»"), "{error}");
        let error = index.resolve("Ciudad Bolivar").unwrap_err();
        assert!(error.contains("«19»"), "{error}");
        assert!(index.resolve("99").unwrap_err().contains("desconocido"));
    }
}
