//! The mail queue (migration 15, `docs/mail.md`): queueing is idempotent by a dedupe key,
//! claiming is one conditional `UPDATE` (two senders never hold the same row), and a claim
//! whose process died turns `incierto` instead of being sent again.

use app::domain::mail::{MailKind, MailState, OutboxEntry, masked_address};
use chrono::{DateTime, TimeZone, Utc};
use sha2::{Digest, Sha256};

use super::Store;
use super::error::{Result, StoreError};

/// A message to queue for one recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMail {
    pub dedupe_key: String,
    pub kind: MailKind,
    pub recipient_name: String,
    pub recipient_email: String,
    pub subject: String,
    pub body: String,
    pub attachments: Vec<MailAttachment>,
    /// A convocatoria of this session: it replaces the same person's older ones not yet
    /// delivered, so an outdated date never arrives after the current one.
    pub replaces_for_session: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailAttachment {
    pub file_name: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

/// A claimed message, ready to hand to the SMTP server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedMail {
    pub id: i64,
    pub recipient_name: String,
    pub recipient_email: String,
    pub subject: String,
    pub body: String,
    /// Stable across attempts, so a recipient's mail program can tell a resend.
    pub message_id: String,
    pub attempts: i64,
    pub attachments: Vec<MailAttachment>,
}

fn millis(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

fn instant(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    id: i64,
    kind: String,
    recipient_name: String,
    recipient_email: String,
    subject: String,
    state: String,
    attempts: i64,
    last_error: Option<String>,
    created_ms: i64,
    next_attempt_ms: i64,
    claimed_ms: Option<i64>,
    sent_ms: Option<i64>,
}

fn state_of(code: &str) -> Result<MailState> {
    MailState::parse(code).ok_or_else(|| StoreError::Corrupt(format!("estado de correo «{code}»")))
}

impl Store {
    /// Queues `mail` unless a message with its dedupe key exists; `true` when it was queued.
    pub async fn enqueue_mail(&self, mail: &NewMail, now: DateTime<Utc>) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let message_id = format!(
            "<{}@sala-situacional>",
            hex::encode(&Sha256::digest(mail.dedupe_key.as_bytes())[..16])
        );
        let inserted: Option<(i64,)> = sqlx::query_as(
            "INSERT INTO mail_outbox (dedupe_key, kind, recipient_name, recipient_email, subject,
                 body, message_id, state, attempts, next_attempt_ms, created_ms, session_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'pendiente', 0, $8, $8, $9)
             ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
        )
        .bind(&mail.dedupe_key)
        .bind(mail.kind.code())
        .bind(&mail.recipient_name)
        .bind(&mail.recipient_email)
        .bind(&mail.subject)
        .bind(&mail.body)
        .bind(&message_id)
        .bind(millis(now))
        .bind(mail.replaces_for_session)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((id,)) = inserted else {
            return Ok(false);
        };
        if let Some(session) = mail.replaces_for_session {
            sqlx::query(
                "UPDATE mail_outbox SET state = 'descartado',
                     last_error = 'Reemplazado por un aviso más reciente de la misma sesión.'
                 WHERE session_id = $1 AND lower(recipient_email) = lower($2) AND id <> $3
                   AND state IN ('pendiente', 'fallido', 'incierto')",
            )
            .bind(session)
            .bind(&mail.recipient_email)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        for (position, file) in mail.attachments.iter().enumerate() {
            let sha256 = hex::encode(Sha256::digest(&file.data));
            sqlx::query(
                "INSERT INTO mail_files (sha256, data) VALUES ($1, $2)
                 ON CONFLICT (sha256) DO NOTHING",
            )
            .bind(&sha256)
            .bind(&file.data)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO mail_attachments (mail_id, position, file_name, content_type, sha256)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(i64::try_from(position).unwrap_or(i64::MAX))
            .bind(&file.file_name)
            .bind(&file.content_type)
            .bind(&sha256)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Takes the oldest message due by `now` for `sender` (this process), or `None`. The outer
    /// `state = 'pendiente'` is re-checked by the engine on the row it updates, so of two
    /// senders racing for one row only one gets it. The claim and the read of its attachments
    /// are one transaction: a failed read leaves the message waiting, not claimed. On
    /// PostgreSQL the candidate row is locked and others' locked rows are skipped, so a sender
    /// that loses a race takes the next message instead of finding none and idling a round.
    pub async fn claim_mail(
        &self,
        sender: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<ClaimedMail>> {
        let skip_locked = if self.engine == super::Engine::Postgres {
            " FOR UPDATE SKIP LOCKED"
        } else {
            ""
        };
        let mut tx = self.pool.begin().await?;
        let claimed: Option<(i64, String, String, String, String, String, i64)> =
            sqlx::query_as(&format!(
                "UPDATE mail_outbox SET state = 'enviando', claimed_by = $1, claimed_ms = $2,
                     attempts = attempts + 1
                 WHERE id = (SELECT id FROM mail_outbox
                             WHERE state = 'pendiente' AND next_attempt_ms <= $2
                             ORDER BY next_attempt_ms, id LIMIT 1{skip_locked})
                   AND state = 'pendiente'
                 RETURNING id, recipient_name, recipient_email, subject, body, message_id,
                     attempts"
            ))
            .bind(sender)
            .bind(millis(now))
            .fetch_optional(&mut *tx)
            .await?;
        let Some((id, recipient_name, recipient_email, subject, body, message_id, attempts)) =
            claimed
        else {
            return Ok(None);
        };
        let files: Vec<(String, String, Vec<u8>)> = sqlx::query_as(
            "SELECT a.file_name, a.content_type, f.data
             FROM mail_attachments a JOIN mail_files f ON f.sha256 = a.sha256
             WHERE a.mail_id = $1 ORDER BY a.position",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(ClaimedMail {
            id,
            recipient_name,
            recipient_email,
            subject,
            body,
            message_id,
            attempts,
            attachments: files
                .into_iter()
                .map(|(file_name, content_type, data)| MailAttachment {
                    file_name,
                    content_type,
                    data,
                })
                .collect(),
        }))
    }

    /// The SMTP server accepted the message `sender` claimed. Also from `incierto`: a claim
    /// judged abandoned that did get through is recorded as sent, not resent. `false` when the
    /// row was no longer this sender's (the administrator discarded it meanwhile).
    pub async fn mark_mail_sent(&self, id: i64, sender: &str, now: DateTime<Utc>) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE mail_outbox SET state = 'enviado', sent_ms = $2, last_error = NULL
             WHERE id = $1 AND claimed_by = $3 AND state IN ('enviando', 'incierto')",
        )
        .bind(id)
        .bind(millis(now))
        .bind(sender)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The message `sender` claimed was not delivered: try again at `retry_at`, or give up when
    /// `None`. `false` when the row was no longer in this sender's hands.
    pub async fn mark_mail_unsent(
        &self,
        id: i64,
        sender: &str,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<bool> {
        let (state, next) = match retry_at {
            Some(at) => (MailState::Pendiente, millis(at)),
            None => (MailState::Fallido, 0),
        };
        self.settle_claim(id, sender, state, error, next).await
    }

    /// The SMTP exchange of a message `sender` claimed ended without an answer (it timed
    /// out): it may have been delivered, so it waits for the administrator.
    pub async fn mark_mail_uncertain(&self, id: i64, sender: &str, error: &str) -> Result<bool> {
        self.settle_claim(id, sender, MailState::Incierto, error, 0)
            .await
    }

    async fn settle_claim(
        &self,
        id: i64,
        sender: &str,
        state: MailState,
        error: &str,
        next_attempt_ms: i64,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE mail_outbox SET state = $2, last_error = $3, next_attempt_ms = $4
             WHERE id = $1 AND claimed_by = $5 AND state = 'enviando'",
        )
        .bind(id)
        .bind(state.code())
        .bind(error)
        .bind(next_attempt_ms)
        .bind(sender)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Claims left behind turn `incierto`: every claim of `sender` itself (its courier sends
    /// one message at a time and calls this between two, so one of its own still `enviando` is
    /// a sending whose outcome was never written) and other processes' older than
    /// `stale_before` (a live one finishes within its send timeout). Returns how many.
    pub async fn abandon_stale_claims(
        &self,
        sender: &str,
        stale_before: DateTime<Utc>,
    ) -> Result<u64> {
        let done = sqlx::query(
            "UPDATE mail_outbox SET state = 'incierto',
                 last_error = 'El envío se interrumpió (el servidor se detuvo o no pudo anotar el \
                     resultado): quizá llegó.'
             WHERE state = 'enviando' AND (claimed_by = $1 OR claimed_ms < $2)",
        )
        .bind(sender)
        .bind(millis(stale_before))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// Forgets messages sent or discarded before `before`, and the attachments no message
    /// carries any more (the queue is not an archive of people's addresses). Returns how many.
    pub async fn purge_mail(&self, before: DateTime<Utc>) -> Result<u64> {
        let mut tx = self.pool.begin().await?;
        let old = "SELECT id FROM mail_outbox
                   WHERE state IN ('enviado', 'descartado') AND created_ms < $1";
        sqlx::query(&format!(
            "DELETE FROM mail_attachments WHERE mail_id IN ({old})"
        ))
        .bind(millis(before))
        .execute(&mut *tx)
        .await?;
        let done = sqlx::query(&format!("DELETE FROM mail_outbox WHERE id IN ({old})"))
            .bind(millis(before))
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "DELETE FROM mail_files
             WHERE sha256 NOT IN (SELECT sha256 FROM mail_attachments)",
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }

    /// The administrator sends a stopped message again (now) or discards it; `false` when its
    /// state does not allow it (it was sent or is being sent meanwhile).
    pub async fn set_mail_by_admin(
        &self,
        id: i64,
        to: MailState,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let allowed: Vec<&str> = MailState::ALL
            .iter()
            .filter(|s| match to {
                MailState::Pendiente => s.may_retry(),
                MailState::Descartado => s.may_discard(),
                _ => false,
            })
            .map(|s| s.code())
            .collect();
        let Some(current) = self.mail_entry(id).await? else {
            return Err(StoreError::UnknownMail(id));
        };
        if !allowed.contains(&current.state.code()) {
            return Ok(false);
        }
        let done = sqlx::query(
            "UPDATE mail_outbox SET state = $2, next_attempt_ms = $3, attempts = $4
             WHERE id = $1 AND state = $5",
        )
        .bind(id)
        .bind(to.code())
        .bind(millis(now))
        // a message sent again by hand gets its full round of tries
        .bind(if to == MailState::Pendiente {
            0
        } else {
            current.attempts
        })
        .bind(current.state.code())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn mail_entry(&self, id: i64) -> Result<Option<OutboxEntry>> {
        let rows = self.mail_entries_where("WHERE id = $1", id).await?;
        Ok(rows.into_iter().next())
    }

    /// The latest `limit` messages, newest first.
    pub async fn mail_entries(&self, limit: i64) -> Result<Vec<OutboxEntry>> {
        self.mail_entries_where("ORDER BY id DESC LIMIT $1", limit)
            .await
    }

    /// The entries `tail` selects, their attachments' names read in one more query (not one
    /// per row). Addresses are shown masked: the administrator needs to know whom a message
    /// was for, not their contact (which only the Mesa's coordination sees).
    async fn mail_entries_where(&self, tail: &str, value: i64) -> Result<Vec<OutboxEntry>> {
        let rows: Vec<EntryRow> = sqlx::query_as(&format!(
            "SELECT id, kind, recipient_name, recipient_email, subject, state, attempts,
                 last_error, created_ms, next_attempt_ms, claimed_ms, sent_ms
             FROM mail_outbox {tail}"
        ))
        .bind(value)
        .fetch_all(&self.pool)
        .await?;
        let files: Vec<(i64, String)> = sqlx::query_as(&format!(
            "SELECT mail_id, file_name FROM mail_attachments
             WHERE mail_id IN (SELECT id FROM mail_outbox {tail})
             ORDER BY mail_id, position"
        ))
        .bind(value)
        .fetch_all(&self.pool)
        .await?;
        let mut entries = Vec::with_capacity(rows.len());
        for row in rows {
            let attachments = files
                .iter()
                .filter(|(mail, _)| *mail == row.id)
                .map(|(_, name)| name.clone())
                .collect();
            entries.push(OutboxEntry {
                id: row.id,
                kind: MailKind::parse(&row.kind)
                    .ok_or_else(|| StoreError::Corrupt(format!("tipo de correo «{}»", row.kind)))?,
                recipient: format!(
                    "{} <{}>",
                    row.recipient_name,
                    masked_address(&row.recipient_email)
                ),
                subject: row.subject,
                state: state_of(&row.state)?,
                attempts: row.attempts,
                last_error: row.last_error,
                created_at: instant(row.created_ms),
                next_attempt_at: instant(row.next_attempt_ms),
                last_attempt_at: row.claimed_ms.map(instant),
                sent_at: row.sent_ms.map(instant),
                attachments,
            });
        }
        Ok(entries)
    }

    /// How many messages stand in each state (states with none are left out).
    pub async fn mail_counts(&self) -> Result<Vec<(MailState, i64)>> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT state, COUNT(*) FROM mail_outbox GROUP BY state")
                .fetch_all(&self.pool)
                .await?;
        let mut counts = Vec::with_capacity(rows.len());
        for (state, count) in rows {
            counts.push((state_of(&state)?, count));
        }
        counts.sort_by_key(|(state, _)| MailState::ALL.iter().position(|s| s == state));
        Ok(counts)
    }
}
