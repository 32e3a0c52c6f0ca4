//! Boards projected into relational rows for the dashboards. A session's rows are rewritten in one
//! transaction from its whole board (delete, then insert): idempotent, and a record removed from
//! the board disappears from its projection.

use app::domain::board::{BarrierStatus, BarrierType, BoardView, CommitmentStatus};
use app::domain::dashboard::{
    AgreementRow, AttendanceRow, BarrierRow, CommitmentRow, Scope, ScopeRows,
};
use app::domain::{Level, Mesa, Session, SessionStatus, bogota};
use chrono::NaiveDate;

use super::Store;
use super::error::{Result, StoreError};

/// A `proj_commitments` row: session, record, description, institutions, responsible, due, status.
type CommitmentTuple = (i64, String, String, String, String, Option<String>, String);

impl Store {
    /// Replaces the projection of `session`'s board with `board`.
    pub async fn project_board(&self, session: &Session, board: &BoardView) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        for table in [
            "proj_commitments",
            "proj_barriers",
            "proj_agreements",
            "proj_attendance",
        ] {
            sqlx::query(&format!("DELETE FROM {table} WHERE session_id = $1"))
                .bind(session.id)
                .execute(&mut *tx)
                .await?;
        }
        for c in &board.commitments {
            sqlx::query(
                "INSERT INTO proj_commitments
                 (session_id, record_id, mesa_code, description, institutions, responsible, due, status)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(session.id)
            .bind(&c.id)
            .bind(&session.mesa_code)
            .bind(&c.description)
            .bind(&c.institutions)
            .bind(&c.responsible)
            .bind(c.due.map(|d| d.to_string()))
            .bind(c.status.code())
            .execute(&mut *tx)
            .await?;
        }
        for b in &board.barriers {
            let territory = format!("{} {}", b.localidad.trim(), b.upz.trim());
            sqlx::query(
                "INSERT INTO proj_barriers
                 (session_id, record_id, mesa_code, kind, description, territory, institution, status,
                  assets, severity)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(session.id)
            .bind(&b.id)
            .bind(&session.mesa_code)
            .bind(b.kind.code())
            .bind(&b.description)
            .bind(territory.trim())
            .bind(&b.institution)
            .bind(b.status.code())
            .bind(b.assets.join(","))
            .bind(i64::from(b.severity))
            .execute(&mut *tx)
            .await?;
        }
        for a in &board.agreements {
            sqlx::query(
                "INSERT INTO proj_agreements (session_id, record_id, mesa_code, statement)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(session.id)
            .bind(&a.id)
            .bind(&session.mesa_code)
            .bind(&a.statement)
            .execute(&mut *tx)
            .await?;
        }
        for a in &board.attendance {
            sqlx::query(
                "INSERT INTO proj_attendance (session_id, record_id, mesa_code, sector)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(session.id)
            .bind(&a.id)
            .bind(&session.mesa_code)
            .bind(&a.sector)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The Mesas a scope covers, and how to name it.
    pub async fn scope_mesas(&self, scope: &Scope) -> Result<(String, Vec<Mesa>)> {
        let all = self.list_mesas().await?;
        Ok(match scope {
            Scope::Distrito => ("Distrito (todas las Mesas)".into(), all),
            Scope::Zona(name) => {
                let mesas: Vec<Mesa> = all
                    .into_iter()
                    .filter(|m| m.level != Level::Distrital && m.zona.as_deref() == Some(name))
                    .collect();
                if mesas.is_empty() {
                    return Err(StoreError::UnknownMesa(format!("zona {name}")));
                }
                (format!("Zona {name}"), mesas)
            }
            Scope::Mesa(code) => {
                let mesa = self.get_mesa(code).await?;
                (mesa.name.clone(), vec![mesa])
            }
        })
    }

    /// Every projected record of the given Mesas, with its session's date (Bogotá calendar).
    pub async fn scope_rows(&self, mesas: &[Mesa]) -> Result<ScopeRows> {
        let mut rows = ScopeRows::default();
        for mesa in mesas {
            let sessions = self.list_sessions(Some(&mesa.code)).await?;
            let session = |id: i64| sessions.iter().find(|s| s.id == id);
            // What was prepared on the board of a session that was then cancelled never happened.
            let cancelled =
                |id: i64| session(id).is_some_and(|s| s.status == SessionStatus::Cancelada);
            let date = |id: i64| {
                session(id)
                    .map(|s| s.scheduled_at.with_timezone(&bogota()).date_naive())
                    .unwrap_or(NaiveDate::MIN)
            };
            let commitments: Vec<CommitmentTuple> = sqlx::query_as(
                "SELECT session_id, record_id, description, institutions, responsible, due, status
                     FROM proj_commitments WHERE mesa_code = $1 ORDER BY session_id, record_id",
            )
            .bind(&mesa.code)
            .fetch_all(&self.pool)
            .await?;
            for (session_id, record_id, description, institutions, responsible, due, status) in
                commitments
            {
                if cancelled(session_id) {
                    continue;
                }
                rows.commitments.push(CommitmentRow {
                    session_id,
                    session_seq: session(session_id).map_or(0, |s| s.seq),
                    session_date: date(session_id),
                    mesa_code: mesa.code.clone(),
                    mesa_name: mesa.name.clone(),
                    record_id,
                    description,
                    institutions,
                    responsible,
                    due: due.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
                    status: CommitmentStatus::parse(&status).unwrap_or(CommitmentStatus::Pendiente),
                });
            }
            let barriers: Vec<BarrierProjection> = sqlx::query_as(
                "SELECT session_id, record_id, kind, description, territory, institution, status,
                            assets, severity
                     FROM proj_barriers WHERE mesa_code = $1 ORDER BY session_id, record_id",
            )
            .bind(&mesa.code)
            .fetch_all(&self.pool)
            .await?;
            for BarrierProjection {
                session_id,
                record_id,
                kind,
                description,
                territory,
                institution,
                status,
                assets,
                severity,
            } in barriers
            {
                if cancelled(session_id) {
                    continue;
                }
                rows.barriers.push(BarrierRow {
                    session_id,
                    session_date: date(session_id),
                    mesa_code: mesa.code.clone(),
                    mesa_name: mesa.name.clone(),
                    record_id,
                    kind: BarrierType::parse(&kind).unwrap_or(BarrierType::Otra),
                    description,
                    territory,
                    institution,
                    status: BarrierStatus::parse(&status).unwrap_or(BarrierStatus::Abierta),
                    assets: assets
                        .split(',')
                        .filter(|c| !c.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    severity: u8::try_from(severity.clamp(1, 5)).unwrap_or(3),
                });
            }
            // Agreements carry their session's date, so the period filter narrows them too.
            let agreements: Vec<(i64,)> = sqlx::query_as(
                "SELECT session_id FROM proj_agreements WHERE mesa_code = $1
                 ORDER BY session_id, record_id",
            )
            .bind(&mesa.code)
            .fetch_all(&self.pool)
            .await?;
            for (session_id,) in agreements {
                if cancelled(session_id) {
                    continue;
                }
                rows.agreements.push(AgreementRow {
                    session_id,
                    session_date: date(session_id),
                    mesa_code: mesa.code.clone(),
                });
            }
            let attendance: Vec<(i64, String)> = sqlx::query_as(
                "SELECT session_id, sector FROM proj_attendance WHERE mesa_code = $1
                 ORDER BY session_id, record_id",
            )
            .bind(&mesa.code)
            .fetch_all(&self.pool)
            .await?;
            for (session_id, sector) in attendance {
                if cancelled(session_id) {
                    continue;
                }
                rows.attendance.push(AttendanceRow {
                    session_id,
                    session_date: date(session_id),
                    mesa_code: mesa.code.clone(),
                    sector,
                });
            }
        }
        Ok(rows)
    }
}

#[derive(sqlx::FromRow)]
struct BarrierProjection {
    session_id: i64,
    record_id: String,
    kind: String,
    description: String,
    territory: String,
    institution: String,
    status: String,
    assets: String,
    severity: i64,
}
