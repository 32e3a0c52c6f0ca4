//! One entry of the register checked, whether it comes from the page's form or from a row of a
//! file: the same rules and the same Spanish reasons, each tied to the column (form field) it is
//! about.

use serde::{Deserialize, Serialize};

use super::{Asset, AssetKind, Point, Team, TeamKind};
use crate::domain::{TerritoryIndex, TerritoryLevel};

/// Columns of an asset, as a file's header and the form's fields name them.
pub mod asset_column {
    pub const CODE: &str = "codigo";
    pub const NAME: &str = "nombre";
    pub const KIND: &str = "tipo";
    pub const OFFER: &str = "oferta";
    pub const LOCALIDAD: &str = "localidad";
    pub const UPZ: &str = "upz";
    pub const LON: &str = "longitud";
    pub const LAT: &str = "latitud";
    pub const CONTACT: &str = "contacto_institucional";
}

/// Columns of a team.
pub mod team_column {
    pub const CODE: &str = "codigo";
    pub const NAME: &str = "nombre";
    pub const KIND: &str = "tipo_equipo";
    pub const INSTITUTION: &str = "institucion";
    pub const COVERAGE: &str = "cobertura";
    pub const CONTACT: &str = "contacto_institucional";
}

/// Where Bogotá is, with a margin: a point outside is a typo (or longitude and latitude swapped).
const LON_RANGE: std::ops::RangeInclusive<f64> = -74.50..=-73.90;
const LAT_RANGE: std::ops::RangeInclusive<f64> = 3.70..=4.90;
const MAX_NAME: usize = 200;
const MAX_OFFER: usize = 1_000;
const MAX_CONTACT: usize = 200;
const MAX_CODE: usize = 60;

/// What is wrong with one field of an entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryProblem {
    /// The column's (form field's) name, from [`asset_column`] or [`team_column`].
    pub column: String,
    pub reason: String,
}

fn problem(column: &str, reason: impl Into<String>) -> EntryProblem {
    EntryProblem {
        column: column.to_owned(),
        reason: reason.into(),
    }
}

/// An asset as typed, every field as text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AssetDraft {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub offer: String,
    pub localidad: String,
    pub upz: String,
    pub lon: String,
    pub lat: String,
    pub contact: String,
}

/// A team as typed; coverage is a list of territory codes separated by `;` or `,`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TeamDraft {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub institution: String,
    pub coverage: String,
    pub contact: String,
}

impl AssetDraft {
    pub fn check(&self, index: &TerritoryIndex) -> Result<Asset, Vec<EntryProblem>> {
        use asset_column as col;
        let mut problems = Vec::new();
        let name = required_text(&self.name, col::NAME, MAX_NAME, &mut problems);
        let offer = bounded_text(&self.offer, col::OFFER, MAX_OFFER, &mut problems);
        let contact = bounded_text(&self.contact, col::CONTACT, MAX_CONTACT, &mut problems);
        let kind = parse_kind(&self.kind, AssetKind::ALL, AssetKind::label, |k| k.code())
            .map_err(|reason| problems.push(problem(col::KIND, reason)))
            .ok();
        let (localidad, upz) = place(index, &self.localidad, &self.upz, &mut problems);
        let point = point(&self.lon, &self.lat, &mut problems);
        let code = code_or_derived(&self.code, &localidad, &name, col::CODE, &mut problems);
        match kind {
            Some(kind) if problems.is_empty() => Ok(Asset {
                code,
                name,
                kind,
                offer,
                localidad,
                upz,
                point,
                contact,
            }),
            _ => Err(problems),
        }
    }
}

impl TeamDraft {
    pub fn check(&self, index: &TerritoryIndex) -> Result<Team, Vec<EntryProblem>> {
        use team_column as col;
        let mut problems = Vec::new();
        let name = required_text(&self.name, col::NAME, MAX_NAME, &mut problems);
        let institution =
            required_text(&self.institution, col::INSTITUTION, MAX_NAME, &mut problems);
        let contact = bounded_text(&self.contact, col::CONTACT, MAX_CONTACT, &mut problems);
        let kind = parse_kind(&self.kind, TeamKind::ALL, TeamKind::label, |k| k.code())
            .map_err(|reason| problems.push(problem(col::KIND, reason)))
            .ok();
        let coverage = coverage(index, &self.coverage, &mut problems);
        let first = coverage.first().cloned().unwrap_or_default();
        let code = code_or_derived(&self.code, &first, &name, col::CODE, &mut problems);
        match kind {
            Some(kind) if problems.is_empty() => Ok(Team {
                code,
                name,
                kind,
                institution,
                coverage,
                contact,
            }),
            _ => Err(problems),
        }
    }
}

fn bounded_text(raw: &str, column: &str, max: usize, problems: &mut Vec<EntryProblem>) -> String {
    let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() > max {
        problems.push(problem(
            column,
            format!(
                "tiene {} caracteres; el máximo es {max}",
                text.chars().count()
            ),
        ));
    }
    text
}

fn required_text(raw: &str, column: &str, max: usize, problems: &mut Vec<EntryProblem>) -> String {
    let text = bounded_text(raw, column, max, problems);
    if text.is_empty() {
        problems.push(problem(column, "está vacío y es obligatorio"));
    }
    text
}

/// A kind by its code or by its label, however it is written (`Red`, `red`, `RED`).
fn parse_kind<K: Copy>(
    raw: &str,
    all: &[K],
    label: fn(K) -> &'static str,
    code: fn(K) -> &'static str,
) -> Result<K, String> {
    let wanted = crate::domain::fold(raw.trim());
    let short = |k: K| crate::domain::fold(label(k).split(" (").next().unwrap_or_default());
    all.iter()
        .copied()
        .find(|k| {
            code(*k) == raw.trim()
                || crate::domain::fold(label(*k)) == wanted
                || short(*k) == wanted
        })
        .ok_or_else(|| {
            let known: Vec<&str> = all.iter().map(|k| code(*k)).collect();
            if raw.trim().is_empty() {
                format!("está vacío; use uno de: {}", known.join(", "))
            } else {
                format!(
                    "«{}» no es un tipo conocido; use uno de: {}",
                    raw.trim(),
                    known.join(", ")
                )
            }
        })
}

/// The localidad (required) and its optional UPZ; a UPZ alone tells its localidad.
fn place(
    index: &TerritoryIndex,
    localidad: &str,
    upz: &str,
    problems: &mut Vec<EntryProblem>,
) -> (String, Option<String>) {
    use asset_column as col;
    let upz = match upz.trim() {
        "" => None,
        raw => match index.resolve(raw) {
            Ok(t) if t.level == TerritoryLevel::Upz => Some(t.clone()),
            Ok(t) => {
                problems.push(problem(
                    col::UPZ,
                    format!("«{raw}» es {}, no una UPZ", t.name),
                ));
                None
            }
            Err(reason) => {
                problems.push(problem(col::UPZ, reason));
                None
            }
        },
    };
    let localidad = match localidad.trim() {
        "" => match &upz {
            Some(u) => u.localidad.clone().unwrap_or_default(),
            None => {
                problems.push(problem(
                    col::LOCALIDAD,
                    "está vacía: use el código de la localidad (01 a 20)",
                ));
                String::new()
            }
        },
        raw => match index.resolve(raw) {
            Ok(t) if t.level == TerritoryLevel::Localidad => t.code.clone(),
            Ok(t) => {
                problems.push(problem(
                    col::LOCALIDAD,
                    format!(
                        "«{raw}» es {}, no una localidad: use su código (01 a 20)",
                        t.name
                    ),
                ));
                String::new()
            }
            Err(reason) => {
                problems.push(problem(col::LOCALIDAD, reason));
                String::new()
            }
        },
    };
    if let Some(u) = &upz
        && !localidad.is_empty()
        && u.localidad.as_deref() != Some(localidad.as_str())
    {
        problems.push(problem(
            col::UPZ,
            format!(
                "la UPZ {} ({}) no está en la localidad {localidad}",
                u.code, u.name
            ),
        ));
    }
    (localidad, upz.map(|u| u.code))
}

/// A coordinate in degrees with a point as decimal separator (negative for the longitude).
fn degrees(raw: &str, column: &str, problems: &mut Vec<EntryProblem>) -> Option<f64> {
    let raw = raw.trim();
    if raw.contains(',') {
        problems.push(problem(
            column,
            format!("«{raw}» usa coma decimal; escriba el número con punto (-74.1234)"),
        ));
        return None;
    }
    match raw.parse::<f64>() {
        Ok(n) if n.is_finite() => Some(n),
        _ => {
            problems.push(problem(
                column,
                format!("«{raw}» no es un número de grados"),
            ));
            None
        }
    }
}

fn point(lon: &str, lat: &str, problems: &mut Vec<EntryProblem>) -> Option<Point> {
    use asset_column as col;
    match (lon.trim().is_empty(), lat.trim().is_empty()) {
        (true, true) => return None,
        (false, true) => {
            problems.push(problem(col::LAT, "falta: dé longitud y latitud, o ninguna"));
            return None;
        }
        (true, false) => {
            problems.push(problem(col::LON, "falta: dé longitud y latitud, o ninguna"));
            return None;
        }
        (false, false) => {}
    }
    let (lon, lat) = (
        degrees(lon, col::LON, problems)?,
        degrees(lat, col::LAT, problems)?,
    );
    if LAT_RANGE.contains(&lon) && LON_RANGE.contains(&lat) {
        problems.push(problem(
            col::LON,
            "longitud y latitud parecen invertidas: en Bogotá la longitud es cerca de -74 y la latitud cerca de 4.6",
        ));
        return None;
    }
    let mut inside = true;
    if !LON_RANGE.contains(&lon) {
        problems.push(problem(
            col::LON,
            format!("{lon} queda fuera de Bogotá (entre -74.5 y -73.9)"),
        ));
        inside = false;
    }
    if !LAT_RANGE.contains(&lat) {
        problems.push(problem(
            col::LAT,
            format!("{lat} queda fuera de Bogotá (entre 3.7 y 4.9)"),
        ));
        inside = false;
    }
    inside.then_some(Point { lon, lat })
}

/// The territories a team covers: localidades or UPZ, each once.
fn coverage(index: &TerritoryIndex, raw: &str, problems: &mut Vec<EntryProblem>) -> Vec<String> {
    let mut codes: Vec<String> = Vec::new();
    for part in raw
        .split([';', ',', '|'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match index.resolve(part) {
            Ok(t) if matches!(t.level, TerritoryLevel::Localidad | TerritoryLevel::Upz) => {
                if !codes.contains(&t.code) {
                    codes.push(t.code.clone());
                }
            }
            Ok(t) => problems.push(problem(
                team_column::COVERAGE,
                format!(
                    "«{part}» es {}: escriba sus localidades (01 a 20) o UPZ",
                    t.name
                ),
            )),
            Err(reason) => problems.push(problem(team_column::COVERAGE, reason)),
        }
    }
    if codes.is_empty() && raw.trim().is_empty() {
        problems.push(problem(
            team_column::COVERAGE,
            "está vacía: escriba las localidades o UPZ que cubre, separadas por «;» (07; UPZ85)",
        ));
    }
    codes
}

/// The code given, or one made from the territory and the name (`07-jac-san-bernardino`), so
/// re-importing a file without codes updates the same entries.
fn code_or_derived(
    raw: &str,
    territory: &str,
    name: &str,
    column: &str,
    problems: &mut Vec<EntryProblem>,
) -> String {
    let raw = raw.trim();
    if raw.is_empty() {
        let slug = slug(name);
        let mut code = if territory.is_empty() {
            slug
        } else {
            format!("{}-{slug}", territory.to_lowercase())
        };
        code.truncate(MAX_CODE);
        return code.trim_end_matches('-').to_owned();
    }
    let valid = raw.len() <= MAX_CODE
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !valid {
        problems.push(problem(
            column,
            format!(
                "«{raw}» no sirve de código: hasta {MAX_CODE} letras sin tilde, números, «-» o «_»"
            ),
        ));
    }
    raw.to_owned()
}

/// Lower case ASCII words joined by `-`.
pub fn slug(text: &str) -> String {
    let folded = crate::domain::fold(text);
    let mut out = String::new();
    for c in folded.chars().map(|c| if c == 'ñ' { 'n' } else { c }) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}
