//! E-mail: convocatorias, reminders and the approved acta, through a durable queue in the
//! database (`docs/mail.md`). The [`Postman`] queues (the backend calls it after the act it
//! announces, and the daily reminder round); the courier (`courier.rs`) sends through SMTP with
//! `lettre`. Nothing is queued when no SMTP server is configured, so configuring one later does
//! not flood people with old news. The texts are in `letters.rs`, the reminder days in
//! `reminders.rs`, both pure.

mod courier;
pub mod letters;
pub mod recipient;
pub mod reminders;
mod verdict;

use std::sync::Arc;
use std::time::Duration;

use app::domain::{Session, bogota};
use chrono::{NaiveDate, Utc};
use lettre::message::Mailbox;
use tokio::sync::Notify;

use crate::store::{NewMail, Store, StoreError};
use letters::{ApprovedActa, Convening};
use recipient::Recipient;
use reminders::{OpenCommitment, Reminder};

/// How Sala sends mail (`sala serve --smtp-url … --mail-from …`).
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// `smtp://host:25`, `smtp://user:password@host:587?tls=required`, `smtps://host:465`.
    pub smtp_url: String,
    /// The sender as people read it: `Sala situacional <sala@subred.gov.co>`.
    pub from: String,
    /// `https://sala.example`, for the links in the messages.
    pub origin: String,
    /// How long one SMTP exchange may take; a claim older than twice this belongs to a dead
    /// process.
    pub send_timeout: Duration,
    /// Days before the due date when a commitment's responsible person is reminded.
    pub reminder_days: Vec<i64>,
    /// From which hour (Bogotá) the day's reminders go out.
    pub reminder_hour: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("la URL del servidor de correo no es válida: {0}")]
    SmtpUrl(#[source] lettre::transport::smtp::Error),
    #[error(
        "la dirección del remitente «{0}» no es válida (use p. ej. «Sala <sala@entidad.gov.co>»)"
    )]
    From(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("no se pudo generar el PDF del acta para el correo: {0}")]
    Pdf(#[from] crate::pdf::PdfError),
    #[error("la preparación del PDF del acta se interrumpió")]
    Interrupted,
}

struct Inner {
    store: Store,
    origin: String,
    sender: String,
    reminder_days: Vec<i64>,
    /// Rung after queueing, so the courier sends at once instead of at its next round.
    wake: Notify,
}

/// The queueing side of the mail; `Postman::default()` is mail not configured.
#[derive(Clone, Default)]
pub struct Postman {
    inner: Option<Arc<Inner>>,
}

/// Starts the courier for `config` and returns the postman that feeds it.
pub fn start(store: Store, config: MailConfig) -> Result<Postman, MailError> {
    let from: Mailbox = config
        .from
        .parse()
        .map_err(|_| MailError::From(config.from.clone()))?;
    let inner = Arc::new(Inner {
        store,
        origin: config.origin.trim_end_matches('/').to_owned(),
        sender: from.to_string(),
        reminder_days: config.reminder_days.clone(),
        wake: Notify::new(),
    });
    courier::Courier::new(inner.clone(), &config, from)?.spawn();
    Ok(Postman { inner: Some(inner) })
}

/// The address of `text` when it is one (a member's contact may be a phone number).
fn address(text: &str) -> Option<String> {
    let text = text.trim();
    text.parse::<lettre::Address>().ok().map(|a| a.to_string())
}

impl Postman {
    /// Who the mail comes from, or `None` when mail is not configured.
    pub fn sender(&self) -> Option<&str> {
        self.inner.as_ref().map(|i| i.sender.as_str())
    }

    /// Lets the courier look at the queue now (a message was sent again by hand).
    pub fn wake(&self) {
        if let Some(inner) = &self.inner {
            inner.wake.notify_one();
        }
    }

    /// The people of a Mesa one can write to: the active accounts with a role on it and the
    /// sitting members whose contact is an e-mail address; one entry per address.
    pub async fn recipients_of(store: &Store, mesa: &str) -> Result<Vec<Recipient>, StoreError> {
        let mut people: Vec<Recipient> = Vec::new();
        let mut add = |name: &str, email: Option<String>| {
            if let Some(email) = email
                && !people.iter().any(|p| p.email.eq_ignore_ascii_case(&email))
            {
                people.push(Recipient {
                    name: name.trim().to_owned(),
                    email,
                });
            }
        };
        for account in store.list_accounts().await? {
            if account.active && account.roles.iter().any(|g| g.mesa == mesa) {
                add(&account.name, address(&account.email));
            }
        }
        for member in store.members_of(mesa).await? {
            add(&member.name, member.contact.as_deref().and_then(address));
        }
        Ok(people)
    }

    async fn queue(&self, inner: &Inner, mails: Vec<NewMail>) -> Result<usize, MailError> {
        let now = Utc::now();
        let mut queued = 0;
        for mail in &mails {
            if inner.store.enqueue_mail(mail, now).await? {
                queued += 1;
            }
        }
        if queued > 0 {
            inner.wake.notify_one();
        }
        Ok(queued)
    }

    /// Announces a session scheduled, changed or cancelled to its Mesa. Returns how many
    /// messages were queued (0 without mail).
    pub async fn convene(&self, session: &Session, change: Convening) -> Result<usize, MailError> {
        let Some(inner) = &self.inner else {
            return Ok(0);
        };
        let mesa = inner.store.get_mesa(&session.mesa_code).await?;
        let calendar = letters::calendar(
            "sesion.ics",
            std::slice::from_ref(session),
            &mesa.name,
            &inner.origin,
        );
        let mails = Self::recipients_of(&inner.store, &session.mesa_code)
            .await?
            .iter()
            .map(|to| {
                letters::convocatoria(session, &mesa.name, change, to, &inner.origin, &calendar)
            })
            .collect();
        self.queue(inner, mails).await
    }

    /// Announces a series just scheduled, in one message per person.
    pub async fn convene_series(
        &self,
        sessions: &[Session],
        description: &str,
    ) -> Result<usize, MailError> {
        let (Some(inner), Some(first)) = (&self.inner, sessions.first()) else {
            return Ok(0);
        };
        let mesa = inner.store.get_mesa(&first.mesa_code).await?;
        let calendar = letters::calendar("sesiones.ics", sessions, &mesa.name, &inner.origin);
        let mails = Self::recipients_of(&inner.store, &first.mesa_code)
            .await?
            .iter()
            .filter_map(|to| {
                letters::series_convocatoria(
                    sessions,
                    description,
                    &mesa.name,
                    to,
                    &inner.origin,
                    &calendar,
                )
            })
            .collect();
        self.queue(inner, mails).await
    }

    /// Sends the approved acta of `session_id`, with its PDF, to its Mesa.
    pub async fn send_approved_acta(&self, session_id: i64) -> Result<usize, MailError> {
        let Some(inner) = &self.inner else {
            return Ok(0);
        };
        let Some(acta) = inner.store.acta(session_id).await? else {
            return Ok(0);
        };
        let Some(approval) = acta.cycle.approval.clone() else {
            return Ok(0);
        };
        let summary = ApprovedActa {
            session_id,
            number: acta.number,
            session_seq: acta.session_seq,
            mesa_code: acta.mesa_code.clone(),
            mesa_name: acta.mesa_name.clone(),
            held_at: acta.held_at.clone(),
            approval: approval.describe(),
            digest: approval.digest.clone(),
        };
        let mesa = acta.mesa_code.clone();
        let pdf = tokio::task::spawn_blocking(move || crate::pdf::acta_pdf(&acta))
            .await
            .map_err(|_| MailError::Interrupted)??;
        let mails = Self::recipients_of(&inner.store, &mesa)
            .await?
            .iter()
            .map(|to| letters::approved_acta(&summary, &pdf, to, &inner.origin))
            .collect();
        self.queue(inner, mails).await
    }

    /// Queues `today`'s reminders: every Mesa's open commitments, matched to its people.
    /// Idempotent (one per person per day by the dedupe key), so a restart repeats nothing.
    pub async fn queue_reminders(&self, today: NaiveDate) -> Result<usize, MailError> {
        let Some(inner) = &self.inner else {
            return Ok(0);
        };
        let mut commitments: Vec<(OpenCommitment, Vec<Recipient>)> = Vec::new();
        for mesa in inner.store.list_mesas().await? {
            let open = inner.store.open_commitments(&mesa.code, i64::MAX).await?;
            if open.is_empty() {
                continue;
            }
            let people = Self::recipients_of(&inner.store, &mesa.code).await?;
            for carried in open {
                let c = carried.commitment;
                let Some(due) = c.due else { continue };
                commitments.push((
                    OpenCommitment {
                        id: c.id,
                        description: c.description,
                        responsible: c.responsible,
                        due,
                        mesa_name: mesa.name.clone(),
                        session_id: carried.session_id,
                    },
                    people.clone(),
                ));
            }
        }
        let due: Vec<Reminder> = reminders::reminders(today, &commitments, &inner.reminder_days);
        let mails = due
            .iter()
            .map(|r| letters::reminder(r, today, &inner.origin))
            .collect();
        self.queue(inner, mails).await
    }
}

/// Today in Bogotá.
fn bogota_today() -> NaiveDate {
    Utc::now().with_timezone(&bogota()).date_naive()
}
