//! A Mesa's standing agenda (migration 15): read when a session is scheduled (its board starts
//! with these points), replaced whole by its coordination.

use app::domain::agenda_template::TemplatePoint;
use chrono::{DateTime, Utc};

use super::Store;
use super::error::{Result, StoreError};
use super::rows::timestamp;

impl Store {
    /// The Mesa's standing agenda; empty when it has none.
    pub async fn agenda_template(&self, mesa_code: &str) -> Result<Vec<TemplatePoint>> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT points FROM agenda_templates WHERE mesa_code = $1")
                .bind(mesa_code)
                .fetch_optional(&self.pool)
                .await?;
        match row {
            None => Ok(Vec::new()),
            Some((points,)) => serde_json::from_str(&points).map_err(|e| {
                StoreError::Corrupt(format!("orden del día tipo de {mesa_code}: {e}"))
            }),
        }
    }

    /// Replaces the Mesa's standing agenda (an empty list removes it).
    pub async fn set_agenda_template(
        &self,
        mesa_code: &str,
        points: &[TemplatePoint],
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.get_mesa(mesa_code).await?;
        if points.is_empty() {
            sqlx::query("DELETE FROM agenda_templates WHERE mesa_code = $1")
                .bind(mesa_code)
                .execute(&self.pool)
                .await?;
            return Ok(());
        }
        let json =
            serde_json::to_string(points).map_err(|e| StoreError::Corrupt(format!("JSON: {e}")))?;
        sqlx::query(
            "INSERT INTO agenda_templates (mesa_code, points, updated_by, updated_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (mesa_code) DO UPDATE
             SET points = excluded.points, updated_by = excluded.updated_by,
                 updated_at = excluded.updated_at",
        )
        .bind(mesa_code)
        .bind(json)
        .bind(by)
        .bind(timestamp(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
