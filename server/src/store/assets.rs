//! The register of social assets and territorial teams. Saving writes, in one transaction, only
//! what is new or different, so the same file twice changes nothing.

use std::collections::BTreeMap;

use app::domain::assets::import::{RegisterImport, RegisterOutcome, RegisterSummary};
use app::domain::assets::{Asset, AssetKind, Point, Team, TeamKind};
use app::domain::format_bogota;
use chrono::{DateTime, Utc};
use sqlx::{Any, Transaction};

use super::Store;
use super::error::{Result, StoreError};
use super::rows::{parse_timestamp, timestamp};

const ASSET_COLUMNS: &str = "code, name, kind, offer, localidad, upz, lon, lat, contact";
const TEAM_COLUMNS: &str = "code, name, kind, institution, coverage, contact";

#[derive(sqlx::FromRow)]
struct AssetRow {
    code: String,
    name: String,
    kind: String,
    offer: String,
    localidad: String,
    upz: Option<String>,
    lon: Option<f64>,
    lat: Option<f64>,
    contact: String,
}

impl TryFrom<AssetRow> for Asset {
    type Error = StoreError;
    fn try_from(row: AssetRow) -> Result<Self> {
        Ok(Asset {
            kind: AssetKind::parse(&row.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("tipo de activo «{}»", row.kind)))?,
            point: row.lon.zip(row.lat).map(|(lon, lat)| Point { lon, lat }),
            code: row.code,
            name: row.name,
            offer: row.offer,
            localidad: row.localidad,
            upz: row.upz,
            contact: row.contact,
        })
    }
}

#[derive(sqlx::FromRow)]
struct TeamRow {
    code: String,
    name: String,
    kind: String,
    institution: String,
    coverage: String,
    contact: String,
}

impl TryFrom<TeamRow> for Team {
    type Error = StoreError;
    fn try_from(row: TeamRow) -> Result<Self> {
        Ok(Team {
            kind: TeamKind::parse(&row.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("tipo de equipo «{}»", row.kind)))?,
            coverage: row
                .coverage
                .split(';')
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect(),
            code: row.code,
            name: row.name,
            institution: row.institution,
            contact: row.contact,
        })
    }
}

impl Store {
    /// Every asset, by localidad then name.
    pub async fn assets(&self) -> Result<Vec<Asset>> {
        all_assets(&mut *self.pool.acquire().await?).await
    }

    pub async fn asset(&self, code: &str) -> Result<Option<Asset>> {
        let row: Option<AssetRow> = sqlx::query_as(&format!(
            "SELECT {ASSET_COLUMNS} FROM social_assets WHERE code = $1"
        ))
        .bind(code)
        .fetch_optional(&self.pool)
        .await?;
        row.map(Asset::try_from).transpose()
    }

    /// Every team, by name.
    pub async fn teams(&self) -> Result<Vec<Team>> {
        all_teams(&mut *self.pool.acquire().await?).await
    }

    pub async fn team(&self, code: &str) -> Result<Option<Team>> {
        let row: Option<TeamRow> = sqlx::query_as(&format!(
            "SELECT {TEAM_COLUMNS} FROM territory_teams WHERE code = $1"
        ))
        .bind(code)
        .fetch_optional(&self.pool)
        .await?;
        row.map(Team::try_from).transpose()
    }

    /// Adds or updates the given entries (by code) in one transaction.
    pub async fn save_register(
        &self,
        assets: &[Asset],
        teams: &[Team],
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<RegisterSummary> {
        let mut tx = self.pool.begin().await?;
        let at = timestamp(now);
        let mut summary = RegisterSummary::default();
        let stored: BTreeMap<String, Asset> = all_assets(&mut tx)
            .await?
            .into_iter()
            .map(|a| (a.code.clone(), a))
            .collect();
        for asset in assets {
            match stored.get(&asset.code) {
                Some(same) if same == asset => summary.unchanged += 1,
                Some(_) => {
                    summary.assets_updated += 1;
                    upsert_asset(&mut tx, asset, by, &at).await?;
                }
                None => {
                    summary.assets_added += 1;
                    upsert_asset(&mut tx, asset, by, &at).await?;
                }
            }
        }
        let stored: BTreeMap<String, Team> = all_teams(&mut tx)
            .await?
            .into_iter()
            .map(|t| (t.code.clone(), t))
            .collect();
        for team in teams {
            match stored.get(&team.code) {
                Some(same) if same == team => summary.unchanged += 1,
                Some(_) => {
                    summary.teams_updated += 1;
                    upsert_team(&mut tx, team, by, &at).await?;
                }
                None => {
                    summary.teams_added += 1;
                    upsert_team(&mut tx, team, by, &at).await?;
                }
            }
        }
        tx.commit().await?;
        Ok(summary)
    }

    /// Removes an asset from the register (boards that named it keep its code and say it is no
    /// longer registered). Returns whether it existed.
    pub async fn remove_asset(&self, code: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM social_assets WHERE code = $1")
            .bind(code)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    pub async fn remove_team(&self, code: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM territory_teams WHERE code = $1")
            .bind(code)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}

async fn all_assets(connection: &mut sqlx::AnyConnection) -> Result<Vec<Asset>> {
    let rows: Vec<AssetRow> = sqlx::query_as(&format!(
        "SELECT {ASSET_COLUMNS} FROM social_assets ORDER BY localidad, name, code"
    ))
    .fetch_all(&mut *connection)
    .await?;
    rows.into_iter().map(Asset::try_from).collect()
}

async fn all_teams(connection: &mut sqlx::AnyConnection) -> Result<Vec<Team>> {
    let rows: Vec<TeamRow> = sqlx::query_as(&format!(
        "SELECT {TEAM_COLUMNS} FROM territory_teams ORDER BY name, code"
    ))
    .fetch_all(&mut *connection)
    .await?;
    rows.into_iter().map(Team::try_from).collect()
}

async fn upsert_asset(tx: &mut Transaction<'_, Any>, a: &Asset, by: &str, at: &str) -> Result<()> {
    sqlx::query(&format!(
        "INSERT INTO social_assets ({ASSET_COLUMNS}, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind,
             offer = excluded.offer, localidad = excluded.localidad, upz = excluded.upz,
             lon = excluded.lon, lat = excluded.lat, contact = excluded.contact,
             updated_by = excluded.updated_by, updated_at = excluded.updated_at"
    ))
    .bind(&a.code)
    .bind(&a.name)
    .bind(a.kind.code())
    .bind(&a.offer)
    .bind(&a.localidad)
    .bind(a.upz.as_deref())
    .bind(a.point.map(|p| p.lon))
    .bind(a.point.map(|p| p.lat))
    .bind(&a.contact)
    .bind(by)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn upsert_team(tx: &mut Transaction<'_, Any>, t: &Team, by: &str, at: &str) -> Result<()> {
    sqlx::query(&format!(
        "INSERT INTO territory_teams ({TEAM_COLUMNS}, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind,
             institution = excluded.institution, coverage = excluded.coverage,
             contact = excluded.contact, updated_by = excluded.updated_by,
             updated_at = excluded.updated_at"
    ))
    .bind(&t.code)
    .bind(&t.name)
    .bind(t.kind.code())
    .bind(&t.institution)
    .bind(t.coverage.join(";"))
    .bind(&t.contact)
    .bind(by)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// Keeps what loading a file did (or why it wrote nothing); returns its id.
    pub async fn record_register_import(
        &self,
        file_name: &str,
        by: &str,
        outcome: &RegisterOutcome,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let outcome =
            serde_json::to_string(outcome).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO register_imports (file_name, uploaded_by, uploaded_at, outcome)
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(file_name)
        .bind(by)
        .bind(timestamp(now))
        .bind(outcome)
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    pub async fn register_import(&self, id: i64) -> Result<Option<RegisterImport>> {
        let row: Option<(i64, String, String, String, String)> = sqlx::query_as(
            "SELECT id, file_name, uploaded_by, uploaded_at, outcome FROM register_imports
             WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(id, file_name, uploaded_by, uploaded_at, outcome)| {
            Ok(RegisterImport {
                id,
                file_name,
                uploaded_by,
                uploaded_at: format_bogota(parse_timestamp(&uploaded_at)?),
                outcome: serde_json::from_str(&outcome)
                    .map_err(|e| StoreError::Corrupt(format!("importación {id}: {e}")))?,
            })
        })
        .transpose()
    }
}
