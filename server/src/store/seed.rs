//! Seeds Bogotá's territory and its 25 Mesas from the project's own copy of the territory file.
//! Idempotent upserts: every start re-applies the file, so a corrected name reaches the database.

use app::domain::{mesa_plan, parse_territories};

use super::Store;
use super::error::Result;

pub const TERRITORIES_CSV: &str = include_str!("../../data/bogota_territorios.csv");

impl Store {
    pub async fn seed(&self) -> Result<()> {
        let localidades = parse_territories(TERRITORIES_CSV)?;
        let mut tx = self.pool.begin().await?;
        for localidad in &localidades {
            sqlx::query(
                "INSERT INTO zonas (name, subred) VALUES ($1, $2)
                 ON CONFLICT (name) DO UPDATE SET subred = excluded.subred",
            )
            .bind(&localidad.zona)
            .bind(&localidad.subred)
            .execute(&mut *tx)
            .await?;
        }
        for localidad in &localidades {
            sqlx::query(
                "INSERT INTO localidades (code, name, zona) VALUES ($1, $2, $3)
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name, zona = excluded.zona",
            )
            .bind(&localidad.code)
            .bind(&localidad.name)
            .bind(&localidad.zona)
            .execute(&mut *tx)
            .await?;
        }
        // Parents come before children in the plan, so the self-reference is always satisfied.
        for (position, mesa) in mesa_plan(&localidades).into_iter().enumerate() {
            sqlx::query(
                "INSERT INTO mesas (code, name, level, parent_code, zona, localidad_code, position)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level,
                     parent_code = excluded.parent_code, zona = excluded.zona,
                     localidad_code = excluded.localidad_code, position = excluded.position",
            )
            .bind(&mesa.code)
            .bind(&mesa.name)
            .bind(mesa.level.as_str())
            .bind(&mesa.parent_code)
            .bind(&mesa.zona)
            .bind(&mesa.localidad_code)
            .bind(position as i64)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
