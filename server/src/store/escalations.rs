//! Escalations: created toward the sending Mesa's parent, decided and answered by the receiving
//! Mesa, and answered back down the chain (a district answer also answers the zonal escalation it
//! continues). Every change is a conditional update on the status it was decided from, so two
//! coordinators acting at once act once.

use app::domain::MesaRef;
use app::domain::escalation::{
    Escalation, EscalationAction, EscalationStatus, already_escalated, open_escalation,
};
use chrono::{DateTime, NaiveDate, Utc};

use super::error::{Result, StoreError};
use super::rows::{parse_timestamp, timestamp};
use super::{Engine, Store};

const COLUMNS: &str = "e.id, e.parent_id, e.session_id, e.barrier_id, e.barrier,
     e.from_mesa, f.name AS from_name, f.level AS from_level,
     e.to_mesa, t.name AS to_name, t.level AS to_level, e.reason, e.answer_by, e.escalated_by,
     e.escalated_at, e.status, e.decided_by, e.decided_at, e.decision_note, e.response,
     e.responded_by, e.responded_at";
const FROM: &str =
    "FROM escalations e JOIN mesas f ON f.code = e.from_mesa JOIN mesas t ON t.code = e.to_mesa";

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    parent_id: Option<i64>,
    session_id: i64,
    barrier_id: String,
    barrier: String,
    from_mesa: String,
    from_name: String,
    from_level: String,
    to_mesa: String,
    to_name: String,
    to_level: String,
    reason: String,
    answer_by: String,
    escalated_by: String,
    escalated_at: String,
    status: String,
    decided_by: Option<String>,
    decided_at: Option<String>,
    decision_note: Option<String>,
    response: Option<String>,
    responded_by: Option<String>,
    responded_at: Option<String>,
}

fn level(raw: &str) -> Result<app::domain::Level> {
    app::domain::Level::parse(raw).ok_or_else(|| StoreError::Corrupt(format!("nivel «{raw}»")))
}

impl TryFrom<Row> for Escalation {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        let optional_time = |v: Option<String>| v.as_deref().map(parse_timestamp).transpose();
        Ok(Escalation {
            id: r.id,
            parent_id: r.parent_id,
            session_id: r.session_id,
            barrier_id: r.barrier_id,
            barrier: r.barrier,
            from_mesa: MesaRef {
                code: r.from_mesa,
                name: r.from_name,
                level: level(&r.from_level)?,
            },
            to_mesa: MesaRef {
                code: r.to_mesa,
                name: r.to_name,
                level: level(&r.to_level)?,
            },
            reason: r.reason,
            answer_by: NaiveDate::parse_from_str(&r.answer_by, "%Y-%m-%d")
                .map_err(|_| StoreError::Corrupt(format!("fecha «{}»", r.answer_by)))?,
            escalated_by: r.escalated_by,
            escalated_at: parse_timestamp(&r.escalated_at)?,
            status: EscalationStatus::parse(&r.status)
                .ok_or_else(|| StoreError::Corrupt(format!("estado «{}»", r.status)))?,
            decided_by: r.decided_by,
            decided_at: optional_time(r.decided_at)?,
            decision_note: r.decision_note,
            response: r.response,
            responded_by: r.responded_by,
            responded_at: optional_time(r.responded_at)?,
        })
    }
}

/// What a new escalation carries.
pub struct NewEscalation<'a> {
    pub parent_id: Option<i64>,
    pub session_id: i64,
    pub barrier_id: &'a str,
    pub barrier: &'a str,
    pub from_mesa: &'a str,
    pub reason: &'a str,
    pub answer_by: NaiveDate,
    pub by: &'a str,
}

impl Store {
    async fn escalations_where(&self, condition: &str, binds: &[&str]) -> Result<Vec<Escalation>> {
        let sql = format!("SELECT {COLUMNS} {FROM} WHERE {condition} ORDER BY e.id");
        let mut query = sqlx::query_as::<_, Row>(&sql);
        for b in binds {
            query = query.bind(*b);
        }
        query
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(Escalation::try_from)
            .collect()
    }

    pub async fn escalation(&self, id: i64) -> Result<Escalation> {
        let sql = format!("SELECT {COLUMNS} {FROM} WHERE e.id = $1");
        let row: Option<Row> = sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.ok_or(StoreError::UnknownEscalation(id))?.try_into()
    }

    /// Sends the barrier to the parent of `from_mesa`.
    pub async fn create_escalation(
        &self,
        new: NewEscalation<'_>,
        now: DateTime<Utc>,
    ) -> Result<Escalation> {
        let from = self.get_mesa(new.from_mesa).await?;
        let to = from
            .parent_code
            .ok_or_else(|| StoreError::NoLevelAbove(from.name.clone()))?;
        // A barrier goes up once at a time: the first link is only written while the barrier has
        // no open one, in the same statement (SQLite serialises writers; PostgreSQL first locks
        // the session's row, so two people pressing *Escalar* at once take turns).
        let only_if_none_open = if new.parent_id.is_none() {
            "WHERE NOT EXISTS (SELECT 1 FROM escalations o WHERE o.session_id = $2
                 AND o.barrier_id = $3 AND o.parent_id IS NULL
                 AND o.status IN ('pendiente', 'aceptada', 'escalada'))"
        } else {
            ""
        };
        let mut tx = self.pool.begin().await?;
        if self.engine == Engine::Postgres {
            sqlx::query("SELECT id FROM sessions WHERE id = $1 FOR UPDATE")
                .bind(new.session_id)
                .execute(&mut *tx)
                .await?;
        }
        let inserted: Option<(i64,)> = sqlx::query_as(&format!(
            "INSERT INTO escalations (parent_id, session_id, barrier_id, barrier, from_mesa, to_mesa,
                reason, answer_by, escalated_by, escalated_at, status)
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pendiente'
             {only_if_none_open}
             RETURNING id"
        ))
        .bind(new.parent_id)
        .bind(new.session_id)
        .bind(new.barrier_id)
        .bind(new.barrier)
        .bind(new.from_mesa)
        .bind(&to)
        .bind(new.reason)
        .bind(new.answer_by.to_string())
        .bind(new.by)
        .bind(timestamp(now))
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        let Some((id,)) = inserted else {
            // Say where the open one stands.
            let chain = self.barrier_chain(new.session_id, new.barrier_id).await?;
            let message = open_escalation(&chain)
                .map(|open| already_escalated(&chain, open))
                .unwrap_or_else(|| "Esta barrera ya fue escalada: recargue la página.".into());
            return Err(StoreError::AlreadyEscalated(message));
        };
        self.escalation(id).await
    }

    /// Applies the receiving Mesa's decision. Escalating further creates the next link of the
    /// chain; answering also answers, down the chain, the escalation this one continued.
    pub async fn act_on_escalation(
        &self,
        id: i64,
        action: &EscalationAction,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<Escalation> {
        let current = self.escalation(id).await?;
        let next = current
            .status
            .after(action)
            .map_err(StoreError::EscalationTransition)?;
        if matches!(action, EscalationAction::Escalar { .. })
            && self
                .get_mesa(&current.to_mesa.code)
                .await?
                .parent_code
                .is_none()
        {
            return Err(StoreError::NoLevelAbove(current.to_mesa.name.clone()));
        }
        let at = timestamp(now);
        let updated = match action {
            EscalationAction::Responder { response } => {
                sqlx::query(
                    "UPDATE escalations SET status = $1, response = $2, responded_by = $3, responded_at = $4,
                        decided_by = COALESCE(decided_by, $3), decided_at = COALESCE(decided_at, $4)
                     WHERE id = $5 AND status = $6",
                )
                .bind(next.code())
                .bind(response)
                .bind(by)
                .bind(&at)
                .bind(id)
                .bind(current.status.code())
                .execute(&self.pool)
                .await?
            }
            EscalationAction::Devolver { reason } | EscalationAction::Escalar { reason, .. } => {
                sqlx::query(
                    "UPDATE escalations SET status = $1, decided_by = $2, decided_at = $3, decision_note = $4
                     WHERE id = $5 AND status = $6",
                )
                .bind(next.code())
                .bind(by)
                .bind(&at)
                .bind(reason)
                .bind(id)
                .bind(current.status.code())
                .execute(&self.pool)
                .await?
            }
            EscalationAction::Aceptar => {
                sqlx::query(
                    "UPDATE escalations SET status = $1, decided_by = $2, decided_at = $3
                     WHERE id = $4 AND status = $5",
                )
                .bind(next.code())
                .bind(by)
                .bind(&at)
                .bind(id)
                .bind(current.status.code())
                .execute(&self.pool)
                .await?
            }
        };
        if updated.rows_affected() != 1 {
            return Err(StoreError::ConcurrentEscalation(id));
        }
        if let EscalationAction::Escalar { reason, answer_by } = action {
            self.create_escalation(
                NewEscalation {
                    parent_id: Some(id),
                    session_id: current.session_id,
                    barrier_id: &current.barrier_id,
                    barrier: &current.barrier,
                    from_mesa: &current.to_mesa.code,
                    reason,
                    answer_by: *answer_by,
                    by,
                },
                now,
            )
            .await?;
        }
        if let (EscalationAction::Devolver { reason }, Some(parent)) = (action, current.parent_id) {
            // Returned from above: the Mesa that passed it up has it back to decide again.
            sqlx::query(
                "UPDATE escalations SET status = 'aceptada', decision_note = $1 WHERE id = $2 AND status = 'escalada'",
            )
            .bind(format!("devuelta por la {}: {reason}", current.to_mesa.name))
            .bind(parent)
            .execute(&self.pool)
            .await?;
        }
        if let (EscalationAction::Responder { response }, Some(parent)) =
            (action, current.parent_id)
        {
            // The answer flows back down the chain: each Mesa that passed it up answers with it.
            let relayed = format!("{response} (respuesta de la {})", current.to_mesa.name);
            let mut next = Some(parent);
            while let Some(link) = next {
                let relayed_here = sqlx::query(
                    "UPDATE escalations SET status = 'respondida', response = $1, responded_by = $2, responded_at = $3
                     WHERE id = $4 AND status = 'escalada'",
                )
                .bind(&relayed)
                .bind(by)
                .bind(&at)
                .bind(link)
                .execute(&self.pool)
                .await?;
                next = if relayed_here.rows_affected() == 1 {
                    self.escalation(link).await?.parent_id
                } else {
                    None
                };
            }
        }
        self.escalation(id).await
    }

    /// Escalations a Mesa received (open ones first) and sent.
    pub async fn escalations_of(&self, mesa: &str) -> Result<(Vec<Escalation>, Vec<Escalation>)> {
        self.get_mesa(mesa).await?;
        let mut received = self.escalations_where("e.to_mesa = $1", &[mesa]).await?;
        received.sort_by_key(|e| (!e.status.is_open(), e.id));
        let sent = self.escalations_where("e.from_mesa = $1", &[mesa]).await?;
        Ok((received, sent))
    }

    /// Every link of a barrier's escalation chain, oldest first.
    pub async fn barrier_chain(
        &self,
        session_id: i64,
        barrier_id: &str,
    ) -> Result<Vec<Escalation>> {
        let sql = format!(
            "SELECT {COLUMNS} {FROM} WHERE e.session_id = $1 AND e.barrier_id = $2 ORDER BY e.id"
        );
        sqlx::query_as::<_, Row>(&sql)
            .bind(session_id)
            .bind(barrier_id)
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(Escalation::try_from)
            .collect()
    }

    /// Open escalations received by any of `mesas` (for the dashboards' inbox panel).
    pub async fn open_escalations_to(&self, mesas: &[String]) -> Result<Vec<Escalation>> {
        let mut out = Vec::new();
        for mesa in mesas {
            out.extend(
                self.escalations_where("e.to_mesa = $1", &[mesa.as_str()])
                    .await?
                    .into_iter()
                    .filter(|e| e.status.is_open()),
            );
        }
        out.sort_by_key(|e| e.escalated_at);
        Ok(out)
    }
}
