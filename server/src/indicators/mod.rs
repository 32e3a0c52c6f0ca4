//! Indicator imports end to end, for the UI, the JSON routes and the CLI alike: an upload is
//! kept, read into sheets, checked as a whole against the catalogue and the territories
//! (`app::domain::indicators::import`, pure), previewed, and applied in one transaction or not at
//! all. Reading and checking a large file is CPU work: it runs on the blocking pool.

pub mod cache;
pub mod template;

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};

use app::domain::indicators::Indicator;
use app::domain::indicators::import::{
    ERRORS_SHOWN, ImportPlan, ImportPreview, ImportSummary, StagedImport, StoredFile, plan_import,
};
use app::domain::parse_territories;
use app::domain::sheet::RowError;
use app::domain::{TerritoryIndex, UpzRef};
use chrono::Utc;

use crate::sheets::{FileError, read_sheets};
use crate::store::{IndicatorsVersion, Store, StoreError};

/// Largest file accepted (an XLSX of 100,000 rows is about 3 MB; a CSV about 4 MB).
pub const MAX_UPLOAD_BYTES: usize = 24 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "el archivo tiene {count} errores; corríjalos y cárguelo de nuevo (nada se importó). Primero: {first}"
    )]
    Invalid { count: usize, first: RowError },
    #[error("el archivo pesa más de {} MB: divídalo en varios", MAX_UPLOAD_BYTES / 1024 / 1024)]
    TooLarge,
    #[error("el archivo «{0}» está vacío")]
    Empty(String),
    #[error("la revisión del archivo se interrumpió; intente de nuevo")]
    Interrupted,
}

/// Every territory a value can name: the project's localidades and the given UPZ (the map's).
pub fn territory_index(upz: &[UpzRef]) -> Result<TerritoryIndex, StoreError> {
    // The project's own copy, also checked by the store's seed and by a unit test.
    let localidades = parse_territories(crate::store::TERRITORIES_CSV)?;
    Ok(TerritoryIndex::new(&localidades, upz))
}

/// Bogotá's territories: localidades, zonas, the district and the UPZ of the shipped map. Both
/// sources are compiled in (and checked by unit tests), so this is built once and cannot fail at
/// run time; were it ever broken, the log says so and values naming them are refused.
pub fn bogota() -> Arc<TerritoryIndex> {
    static INDEX: std::sync::OnceLock<Arc<TerritoryIndex>> = std::sync::OnceLock::new();
    INDEX
        .get_or_init(|| match upz_refs().and_then(|upz| territory_index(&upz)) {
            Ok(index) => Arc::new(index),
            Err(error) => {
                tracing::error!(%error, "the compiled-in territories do not parse");
                Arc::new(TerritoryIndex::default())
            }
        })
        .clone()
}

/// The UPZ (and rural UPR) of the shipped map, with the localidad each belongs to.
fn upz_refs() -> Result<Vec<UpzRef>, StoreError> {
    let regions = crate::maps::regions(crate::maps::MapLayer::Upz)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(regions
        .iter()
        .map(|r| UpzRef {
            code: r.code.clone(),
            name: r.name.clone(),
            localidad: r.localidad.clone(),
        })
        .collect())
}

/// A file read and checked; a file that cannot be read is one error of the plan.
fn plan_files(
    file: &StoredFile,
    mapping: Option<&StoredFile>,
    catalogue: &BTreeMap<String, Indicator>,
    territories: &TerritoryIndex,
) -> ImportPlan {
    let as_error = |name: &str, error: FileError| ImportPlan {
        errors: vec![RowError {
            sheet: name.to_owned(),
            line: 0,
            column: None,
            reason: error.to_string(),
        }],
        ..ImportPlan::default()
    };
    let sheets = match read_sheets(&file.name, &file.data) {
        Ok(sheets) => sheets,
        Err(error) => return as_error(&file.name, error),
    };
    let mapping_sheet = match mapping.map(|m| read_sheets(&m.name, &m.data)) {
        None => None,
        Some(Ok(mut sheets)) => Some(sheets.remove(0)),
        Some(Err(error)) => return as_error(mapping.map_or("", |m| &m.name), error),
    };
    plan_import(&sheets, mapping_sheet.as_ref(), catalogue, territories)
}

/// Plans kept for their previews: reading and checking a large file takes seconds, and a preview
/// is viewed again (a reload, the *Importar* button).
const PLANS_KEPT: usize = 4;

/// A plan holds for its upload as long as no import changed the catalogue it was checked with.
type KeptPlan = (i64, IndicatorsVersion, Arc<ImportPlan>);

/// The import service over the store.
#[derive(Clone)]
pub struct Imports {
    store: Store,
    territories: Arc<TerritoryIndex>,
    plans: Arc<Mutex<VecDeque<KeptPlan>>>,
}

impl Imports {
    pub fn new(store: Store, territories: Arc<TerritoryIndex>) -> Self {
        Self {
            store,
            territories,
            plans: Arc::default(),
        }
    }

    fn kept_plan(&self, id: i64, version: &IndicatorsVersion) -> Option<Arc<ImportPlan>> {
        let plans = self
            .plans
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        plans
            .iter()
            .find(|(kept, at, _)| *kept == id && at == version)
            .map(|(_, _, plan)| plan.clone())
    }

    fn keep_plan(&self, id: i64, version: IndicatorsVersion, plan: Arc<ImportPlan>) {
        let mut plans = self
            .plans
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        plans.retain(|(kept, _, _)| *kept != id);
        if plans.len() == PLANS_KEPT {
            plans.pop_front();
        }
        plans.push_back((id, version, plan));
    }

    pub fn territories(&self) -> &TerritoryIndex {
        &self.territories
    }

    /// The same index, for work moved to the blocking pool.
    pub fn territories_shared(&self) -> Arc<TerritoryIndex> {
        self.territories.clone()
    }

    /// Keeps an upload for its preview.
    pub async fn stage(
        &self,
        file: StoredFile,
        mapping: Option<StoredFile>,
        uploaded_by: &str,
    ) -> Result<i64, ImportError> {
        for f in std::iter::once(&file).chain(&mapping) {
            if f.data.len() > MAX_UPLOAD_BYTES {
                return Err(ImportError::TooLarge);
            }
            if f.data.iter().all(u8::is_ascii_whitespace) {
                return Err(ImportError::Empty(f.name.clone()));
            }
        }
        Ok(self
            .store
            .stage_import(&file, mapping.as_ref(), uploaded_by, Utc::now())
            .await?)
    }

    /// The staged upload read and checked against what is stored now (or the same plan, kept
    /// since no import was applied).
    pub async fn plan(&self, id: i64) -> Result<(StagedImport, Arc<ImportPlan>), ImportError> {
        let version = self.store.indicators_version().await?;
        let staged = self.store.staged_import(id).await?;
        if let Some(plan) = self.kept_plan(id, &version) {
            return Ok((staged, plan));
        }
        let catalogue = self.store.indicator_catalogue().await?;
        let (file, mapping) = (staged.file.clone(), staged.mapping.clone());
        let territories = self.territories.clone();
        let plan = tokio::task::spawn_blocking(move || {
            plan_files(&file, mapping.as_ref(), &catalogue, &territories)
        })
        .await
        .map_err(|_| ImportError::Interrupted)?;
        let plan = Arc::new(plan);
        self.keep_plan(id, version, plan.clone());
        Ok((staged, plan))
    }

    pub async fn preview(&self, id: i64) -> Result<ImportPreview, ImportError> {
        let (staged, plan) = self.plan(id).await?;
        let summary = match staged.summary {
            Some(applied) => applied,
            None => self.store.summarise_plan(&plan).await?,
        };
        Ok(preview_of(&staged, &plan, summary))
    }

    /// Applies the upload if the whole file is right; nothing is written otherwise.
    pub async fn apply(&self, id: i64) -> Result<ImportSummary, ImportError> {
        let (_, plan) = self.plan(id).await?;
        self.apply_planned(id, &plan).await
    }

    /// Applies a plan just made for upload `id` (after the caller checked who may write it).
    pub async fn apply_planned(
        &self,
        id: i64,
        plan: &ImportPlan,
    ) -> Result<ImportSummary, ImportError> {
        if let Some(first) = plan.errors.first() {
            return Err(ImportError::Invalid {
                count: plan.errors.len(),
                first: first.clone(),
            });
        }
        Ok(self.store.apply_import(id, plan, Utc::now()).await?)
    }
}

fn preview_of(staged: &StagedImport, plan: &ImportPlan, summary: ImportSummary) -> ImportPreview {
    let mut territories: Vec<&str> = plan.values.iter().map(|v| v.territory.as_str()).collect();
    territories.sort_unstable();
    territories.dedup();
    let mut periods: Vec<_> = plan.values.iter().map(|v| v.period).collect();
    periods.sort();
    periods.dedup();
    ImportPreview {
        id: staged.id,
        file_name: staged.file.name.clone(),
        mapping_name: staged.mapping.as_ref().map(|m| m.name.clone()),
        uploaded_by: staged.uploaded_by.clone(),
        uploaded_at: staged.uploaded_at.clone(),
        status: staged.status,
        summary,
        errors: plan.errors.iter().take(ERRORS_SHOWN).cloned().collect(),
        error_count: plan.errors.len(),
        sample: plan.values.iter().take(20).cloned().collect(),
        indicators: plan.indicators.clone(),
        territories: territories.len(),
        periods: periods.into_iter().map(|p| p.code()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use app::domain::TerritoryLevel;

    #[test]
    fn every_territory_of_the_map_is_known() {
        let index = super::bogota();
        let count = |level| index.all().filter(|t| t.level == level).count();
        assert_eq!(count(TerritoryLevel::Localidad), 20);
        assert_eq!(count(TerritoryLevel::Zona), 4);
        assert_eq!(count(TerritoryLevel::Upz), 116, "112 UPZ and 4 UPR");
        let bosa_central = index.get("UPZ85").expect("UPZ85");
        assert_eq!(bosa_central.localidad.as_deref(), Some("07"));
        assert_eq!(bosa_central.zona.as_deref(), Some("zona-sur-occidente"));
    }
}
