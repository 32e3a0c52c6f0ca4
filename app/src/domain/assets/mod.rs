//! The territory's social assets (activos sociales, comunitarios e institucionales) and the teams
//! that work in it, as a Mesa registers them: what each is, what it offers, where it is and whom
//! to reach. Boards name them (the assets a barrier mobilises, the asset a commitment's delivery
//! rests on), the local dashboard lists them beside those barriers and the maps place them.
//! Pure: `validate` checks one entry (a form's or a file row's alike), `import` a whole file.

pub mod import;
mod validate;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use validate::*;

code_enum! {
    /// What kind of asset it is (the guideline's activos sociales, comunitarios e institucionales).
    AssetKind {
        OrganizacionComunitaria = "organizacion_comunitaria" / "Organización comunitaria",
        InstitucionEducativa = "institucion_educativa" / "Institución educativa",
        ServicioSalud = "servicio_salud" / "Servicio de salud",
        Equipamiento = "equipamiento" / "Equipamiento (salón comunal, parque, biblioteca)",
        Programa = "programa" / "Programa o servicio social",
        Red = "red" / "Red (de apoyo, de mujeres, de jóvenes…)",
        Otro = "otro" / "Otro",
    }
}

code_enum! {
    /// Whose team it is.
    TeamKind {
        BasicoExtramural = "basico_extramural" / "Equipo básico extramural",
        OtroSector = "otro_sector" / "Equipo de otro sector",
        Comunitario = "comunitario" / "Equipo comunitario",
    }
}

/// A place on the map, WGS 84 degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub lon: f64,
    pub lat: f64,
}

/// One registered asset. `code` is its stable key: boards refer to it, and re-importing a file
/// updates the asset with the same code instead of adding another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Asset {
    pub code: String,
    pub name: String,
    pub kind: AssetKind,
    pub offer: String,
    /// The localidad's code, `01` … `20`.
    pub localidad: String,
    /// A UPZ of that localidad, as IDECA writes it (`UPZ85`).
    pub upz: Option<String>,
    pub point: Option<Point>,
    /// An institutional contact (an office's phone or mailbox), never a person's own. Shown to
    /// signed-in people only.
    pub contact: String,
}

/// A team working in the territory, with the localidades and UPZ it covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Team {
    pub code: String,
    pub name: String,
    pub kind: TeamKind,
    pub institution: String,
    /// Territory codes: localidades (`07`) or UPZ (`UPZ85`), in the order given.
    pub coverage: Vec<String>,
    pub contact: String,
}

impl Team {
    /// The localidades it works in (a UPZ counts for its localidad).
    pub fn localidades(&self, index: &crate::domain::TerritoryIndex) -> Vec<String> {
        let mut found: Vec<String> = self
            .coverage
            .iter()
            .filter_map(|code| index.get(code))
            .filter_map(|t| t.localidad.clone())
            .collect();
        found.sort();
        found.dedup();
        found
    }
}

/// What a page shows of an asset: the register's entry with the names people read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssetRow {
    pub asset: Asset,
    pub localidad_name: String,
    pub upz_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamRow {
    pub team: Team,
    /// Coverage as people read it: `Bosa`, `UPZ Bosa Central (Bosa)`.
    pub coverage_names: Vec<String>,
}

/// The register of one territory (a localidad, a zona's localidades, or the district), as the
/// assets page shows it. Contacts are blank unless the reader may see them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegisterView {
    /// The territory shown (`07`, `zona-sur`, `distrito`) and its name.
    pub territory: String,
    pub territory_name: String,
    pub assets: Vec<AssetRow>,
    pub teams: Vec<TeamRow>,
    /// The reader may add and correct entries here (and import files).
    pub can_manage: bool,
    pub shows_contacts: bool,
    /// The territories the page can switch to, `(code, name)`: the district, the zonas, the
    /// localidades.
    pub choices: Vec<(String, String)>,
    /// The localidades an entry may be written in here, `(code, name)`.
    pub localidades: Vec<(String, String)>,
}

/// The names of the assets a board names, by code, as the register had them (an acta keeps the
/// names of its closing day). A code not in it shows as itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetNames(pub std::collections::BTreeMap<String, String>);

impl AssetNames {
    pub fn name(&self, code: &str) -> String {
        self.0.get(code).cloned().unwrap_or_else(|| code.to_owned())
    }

    /// `«JAC San Bernardino», «Colegio …»`, or empty.
    pub fn list(&self, codes: &[String]) -> String {
        codes
            .iter()
            .map(|code| self.name(code))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The codes a board's barriers and commitments name.
    pub fn codes_on(board: &crate::domain::board::BoardView) -> Vec<String> {
        let mut codes: Vec<String> = board
            .barriers
            .iter()
            .flat_map(|b| b.assets.iter().cloned())
            .chain(board.commitments.iter().filter_map(|c| c.asset.clone()))
            .collect();
        codes.sort();
        codes.dedup();
        codes
    }
}

/// An asset as a board's card offers it: code and a label that says where it is.
pub fn asset_choice(asset: &Asset) -> (String, String) {
    (
        asset.code.clone(),
        format!("{} · {}", asset.name, asset.kind.label_short()),
    )
}

impl AssetKind {
    /// The label without its examples, for tight places (chips, map legends).
    pub fn label_short(self) -> &'static str {
        let label = self.label();
        label.split(" (").next().unwrap_or(label)
    }
}
