//! The indicators' catalogue and values, and the uploads they came from. An upload is kept as
//! it arrived (a preview reads it again against what is stored now); applying it writes, in one
//! transaction, only what is new or different, so the same file twice changes nothing.

use std::collections::BTreeMap;

use app::domain::TerritoryLevel;
use app::domain::format_bogota;
use app::domain::indicators::import::{
    ImportPlan, ImportRecord, ImportStatus, ImportSummary, IndicatorValue, StagedImport,
    StoredFile, compare,
};
use app::domain::indicators::{Direction, Indicator, Period};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::{Any, Transaction};

use super::Store;
use super::error::{Result, StoreError};
use super::rows::{parse_timestamp, timestamp};

/// Rows per multi-row INSERT: 8 bound values each, well under both engines' limits.
const BATCH: usize = 500;

#[derive(sqlx::FromRow)]
struct IndicatorRow {
    code: String,
    name: String,
    definition: String,
    numerator: String,
    denominator: String,
    unit: String,
    factor: f64,
    direction: String,
    goal: Option<f64>,
    goal_period: Option<String>,
    source: String,
    disaggregation: String,
}

impl TryFrom<IndicatorRow> for Indicator {
    type Error = StoreError;
    fn try_from(row: IndicatorRow) -> Result<Self> {
        let corrupt = |what: &str, value: &str| StoreError::Corrupt(format!("{what} «{value}»"));
        Ok(Indicator {
            direction: Direction::parse(&row.direction)
                .ok_or_else(|| corrupt("sentido", &row.direction))?,
            disaggregation: TerritoryLevel::parse(&row.disaggregation)
                .ok_or_else(|| corrupt("desagregación", &row.disaggregation))?,
            goal_period: row
                .goal_period
                .as_deref()
                .map(|p| Period::parse(p).map_err(|_| corrupt("periodo", p)))
                .transpose()?,
            code: row.code,
            name: row.name,
            definition: row.definition,
            numerator: row.numerator,
            denominator: row.denominator,
            unit: row.unit,
            factor: row.factor,
            goal: row.goal,
            source: row.source,
        })
    }
}

/// How many imports were applied, and when the latest was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorsVersion {
    applied: i64,
    latest: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ValueRow {
    indicator_code: String,
    territory_code: String,
    period: String,
    numerator: Option<f64>,
    denominator: Option<f64>,
    value: f64,
}

impl TryFrom<ValueRow> for IndicatorValue {
    type Error = StoreError;
    fn try_from(row: ValueRow) -> Result<Self> {
        Ok(IndicatorValue {
            period: Period::parse(&row.period)
                .map_err(|_| StoreError::Corrupt(format!("periodo «{}»", row.period)))?,
            indicator: row.indicator_code,
            territory: row.territory_code,
            numerator: row.numerator,
            denominator: row.denominator,
            value: row.value,
        })
    }
}

#[derive(sqlx::FromRow)]
struct ImportRow {
    id: i64,
    file_name: String,
    data: Vec<u8>,
    mapping_name: Option<String>,
    mapping_data: Option<Vec<u8>>,
    uploaded_by: String,
    uploaded_at: String,
    status: String,
    summary: Option<String>,
}

fn parse_status(value: &str) -> Result<ImportStatus> {
    ImportStatus::parse(value).ok_or_else(|| StoreError::Corrupt(format!("estado «{value}»")))
}

fn parse_summary(value: Option<&str>) -> Result<Option<ImportSummary>> {
    value
        .map(|text| {
            serde_json::from_str(text)
                .map_err(|_| StoreError::Corrupt("resumen de importación".into()))
        })
        .transpose()
}

const INDICATOR_COLUMNS: &str = "code, name, definition, numerator, denominator, unit, factor,
     direction, goal, goal_period, source, disaggregation";

impl Store {
    /// Keeps an upload for its preview; returns its id.
    pub async fn stage_import(
        &self,
        file: &StoredFile,
        mapping: Option<&StoredFile>,
        uploaded_by: &str,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let digest = hex::encode(Sha256::digest(&file.data));
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO indicator_imports (file_name, sha256, data, mapping_name, mapping_data,
                                            uploaded_by, uploaded_at, status)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'vista_previa') RETURNING id",
        )
        .bind(&file.name)
        .bind(digest)
        .bind(&file.data)
        .bind(mapping.map(|m| m.name.clone()))
        .bind(mapping.map(|m| m.data.clone()))
        .bind(uploaded_by)
        .bind(timestamp(now))
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    pub async fn staged_import(&self, id: i64) -> Result<StagedImport> {
        let row: ImportRow = sqlx::query_as(
            "SELECT id, file_name, data, mapping_name, mapping_data, uploaded_by, uploaded_at,
                    status, summary
             FROM indicator_imports WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::UnknownImport(id))?;
        Ok(StagedImport {
            id: row.id,
            file: StoredFile {
                name: row.file_name,
                data: row.data,
            },
            mapping: match (row.mapping_name, row.mapping_data) {
                (Some(name), Some(data)) => Some(StoredFile { name, data }),
                _ => None,
            },
            uploaded_by: row.uploaded_by,
            uploaded_at: format_bogota(parse_timestamp(&row.uploaded_at)?),
            status: parse_status(&row.status)?,
            summary: parse_summary(row.summary.as_deref())?,
        })
    }

    /// The latest uploads, newest first.
    pub async fn recent_imports(&self, limit: i64) -> Result<Vec<ImportRecord>> {
        let rows: Vec<(i64, String, String, String, String, Option<String>)> = sqlx::query_as(
            "SELECT id, file_name, uploaded_by, uploaded_at, status, summary
             FROM indicator_imports ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, file_name, uploaded_by, at, status, summary)| {
                Ok(ImportRecord {
                    id,
                    file_name,
                    uploaded_by,
                    uploaded_at: format_bogota(parse_timestamp(&at)?),
                    status: parse_status(&status)?,
                    summary: parse_summary(summary.as_deref())?,
                })
            })
            .collect()
    }

    pub async fn discard_import(&self, id: i64) -> Result<()> {
        let done = sqlx::query(
            "UPDATE indicator_imports SET status = 'descartada', data = $1, mapping_data = NULL
             WHERE id = $2 AND status = 'vista_previa'",
        )
        .bind(Vec::<u8>::new())
        .bind(id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            self.staged_import(id).await?;
            return Err(StoreError::ImportNotPending(id));
        }
        Ok(())
    }

    pub async fn indicator_catalogue(&self) -> Result<BTreeMap<String, Indicator>> {
        catalogue(&mut *self.pool.acquire().await?).await
    }

    /// Every value of one indicator.
    pub async fn indicator_values(&self, indicator: &str) -> Result<Vec<IndicatorValue>> {
        values_of(&mut *self.pool.acquire().await?, indicator).await
    }

    /// Every value of every indicator (what the pages' cache holds).
    pub async fn all_indicator_values(&self) -> Result<Vec<IndicatorValue>> {
        let rows: Vec<ValueRow> = sqlx::query_as(
            "SELECT indicator_code, territory_code, period, numerator, denominator, value
             FROM indicator_values",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(IndicatorValue::try_from).collect()
    }

    /// Changes whenever an import is applied: the only way indicators and values are written.
    pub async fn indicators_version(&self) -> Result<IndicatorsVersion> {
        let (applied, latest): (i64, Option<String>) = sqlx::query_as(
            "SELECT COUNT(*), MAX(applied_at) FROM indicator_imports WHERE status = 'importada'",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(IndicatorsVersion { applied, latest })
    }

    /// What applying `plan` would change now (reads only).
    pub async fn summarise_plan(&self, plan: &ImportPlan) -> Result<ImportSummary> {
        let mut connection = self.pool.acquire().await?;
        let catalogue = catalogue(&mut connection).await?;
        let stored = stored_values(&mut connection, plan).await?;
        Ok(compare(plan, &catalogue, &stored).summary)
    }

    /// Applies a checked plan for upload `id`, in one transaction: the upload is claimed (two
    /// people pressing *Importar* import once), then only new or different rows are written.
    pub async fn apply_import(
        &self,
        id: i64,
        plan: &ImportPlan,
        now: DateTime<Utc>,
    ) -> Result<ImportSummary> {
        let mut tx = self.pool.begin().await?;
        let claimed = sqlx::query(
            "UPDATE indicator_imports SET status = 'importada', applied_at = $1
             WHERE id = $2 AND status = 'vista_previa'",
        )
        .bind(timestamp(now))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() == 0 {
            drop(tx);
            self.staged_import(id).await?;
            return Err(StoreError::ImportNotPending(id));
        }
        let catalogue = catalogue(&mut tx).await?;
        let stored = stored_values(&mut tx, plan).await?;
        let changes = compare(plan, &catalogue, &stored);
        let at = timestamp(now);
        for indicator in &changes.indicators {
            upsert_indicator(&mut tx, indicator, &at).await?;
        }
        for batch in changes.values.chunks(BATCH) {
            upsert_values(&mut tx, batch, id, &at).await?;
        }
        let summary = serde_json::to_string(&changes.summary)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        sqlx::query("UPDATE indicator_imports SET summary = $1 WHERE id = $2")
            .bind(summary)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(changes.summary)
    }
}

async fn catalogue(connection: &mut sqlx::AnyConnection) -> Result<BTreeMap<String, Indicator>> {
    let rows: Vec<IndicatorRow> = sqlx::query_as(&format!(
        "SELECT {INDICATOR_COLUMNS} FROM indicators ORDER BY code"
    ))
    .fetch_all(&mut *connection)
    .await?;
    rows.into_iter()
        .map(|row| Indicator::try_from(row).map(|i| (i.code.clone(), i)))
        .collect()
}

async fn values_of(
    connection: &mut sqlx::AnyConnection,
    indicator: &str,
) -> Result<Vec<IndicatorValue>> {
    let rows: Vec<ValueRow> = sqlx::query_as(
        "SELECT indicator_code, territory_code, period, numerator, denominator, value
         FROM indicator_values WHERE indicator_code = $1",
    )
    .bind(indicator)
    .fetch_all(&mut *connection)
    .await?;
    rows.into_iter().map(IndicatorValue::try_from).collect()
}

/// The stored values of the indicators a plan touches, by key.
async fn stored_values(
    connection: &mut sqlx::AnyConnection,
    plan: &ImportPlan,
) -> Result<BTreeMap<(String, String, Period), IndicatorValue>> {
    let mut codes: Vec<&str> = plan.values.iter().map(|v| v.indicator.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    let mut stored = BTreeMap::new();
    for code in codes {
        for value in values_of(connection, code).await? {
            stored.insert(value.key(), value);
        }
    }
    Ok(stored)
}

async fn upsert_indicator(
    tx: &mut Transaction<'_, Any>,
    indicator: &Indicator,
    at: &str,
) -> Result<()> {
    sqlx::query(&format!(
        "INSERT INTO indicators ({INDICATOR_COLUMNS}, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, definition = excluded.definition,
             numerator = excluded.numerator, denominator = excluded.denominator,
             unit = excluded.unit, factor = excluded.factor, direction = excluded.direction,
             goal = excluded.goal, goal_period = excluded.goal_period, source = excluded.source,
             disaggregation = excluded.disaggregation, updated_at = excluded.updated_at"
    ))
    .bind(&indicator.code)
    .bind(&indicator.name)
    .bind(&indicator.definition)
    .bind(&indicator.numerator)
    .bind(&indicator.denominator)
    .bind(&indicator.unit)
    .bind(indicator.factor)
    .bind(indicator.direction.code())
    .bind(indicator.goal)
    .bind(indicator.goal_period.map(Period::code))
    .bind(&indicator.source)
    .bind(indicator.disaggregation.code())
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn upsert_values(
    tx: &mut Transaction<'_, Any>,
    values: &[&IndicatorValue],
    import: i64,
    at: &str,
) -> Result<()> {
    let rows: Vec<String> = (0..values.len())
        .map(|i| {
            let n = i * 8;
            format!(
                "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                n + 1,
                n + 2,
                n + 3,
                n + 4,
                n + 5,
                n + 6,
                n + 7,
                n + 8
            )
        })
        .collect();
    let sql = format!(
        "INSERT INTO indicator_values (indicator_code, territory_code, period, numerator,
                                       denominator, value, import_id, updated_at)
         VALUES {}
         ON CONFLICT (indicator_code, territory_code, period) DO UPDATE SET
             numerator = excluded.numerator, denominator = excluded.denominator,
             value = excluded.value, import_id = excluded.import_id,
             updated_at = excluded.updated_at",
        rows.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for value in values {
        query = query
            .bind(value.indicator.clone())
            .bind(value.territory.clone())
            .bind(value.period.code())
            .bind(value.numerator)
            .bind(value.denominator)
            .bind(value.value)
            .bind(import)
            .bind(at.to_owned());
    }
    query.execute(&mut **tx).await?;
    Ok(())
}
