//! The courier: one task per process that hands queued messages to the SMTP server, one at a
//! time, in the order they fell due. The order of writes is what makes "never sent twice"
//! hold across a crash: a row is claimed (`enviando`) before the SMTP exchange and marked
//! `enviado` after it; a claim found later whose process is gone may have been delivered, so it
//! turns `incierto` for the administrator rather than being sent again.

use std::sync::Arc;
use std::time::Duration;

use app::domain::bogota;
use app::domain::mail::{MAX_ATTEMPTS, RETENTION_DAYS, retry_at};
use chrono::{NaiveDate, Timelike, Utc};
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::verdict::{Undelivered, Verdict, verdict};
use super::{Inner, MailConfig, MailError, Postman, bogota_today};
use crate::store::ClaimedMail;

/// How often the courier looks for messages that fell due (a retry) when nothing wakes it.
const ROUND: Duration = Duration::from_secs(15);

pub(super) struct Courier {
    inner: Arc<Inner>,
    smtp_url: String,
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// This process among the servers sharing the database.
    instance: String,
    /// The most one hand-over may take, connection included (lettre's own timeout covers only
    /// connecting).
    send_timeout: Duration,
    reminder_hour: u32,
}

fn transport(
    smtp_url: &str,
    send_timeout: Duration,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, MailError> {
    Ok(AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
        .map_err(MailError::SmtpUrl)?
        // connecting gets half the budget: a refused connection is a retry, not a doubt
        .timeout(Some((send_timeout / 2).max(Duration::from_secs(1))))
        .build())
}

/// The message as the SMTP server receives it.
fn message(from: &Mailbox, mail: &ClaimedMail) -> Result<Message, Undelivered> {
    let to = mail
        .recipient_email
        .parse()
        .map(|address| Mailbox::new(Some(mail.recipient_name.clone()), address))
        .map_err(|_| Undelivered::BadAddress(mail.recipient_email.clone()))?;
    let builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .message_id(Some(mail.message_id.clone()));
    let text = SinglePart::plain(mail.body.clone());
    let built = if mail.attachments.is_empty() {
        builder.singlepart(text)
    } else {
        let mut parts = MultiPart::mixed().singlepart(text);
        for file in &mail.attachments {
            let content_type = ContentType::parse(&file.content_type)
                .or_else(|_| ContentType::parse("application/octet-stream"))
                .map_err(|error| Undelivered::Unbuildable(error.to_string()))?;
            parts = parts.singlepart(
                Attachment::new(file.file_name.clone()).body(file.data.clone(), content_type),
            );
        }
        builder.multipart(parts)
    };
    built.map_err(|error| Undelivered::Unbuildable(error.to_string()))
}

impl Courier {
    pub(super) fn new(
        inner: Arc<Inner>,
        config: &MailConfig,
        from: Mailbox,
    ) -> Result<Self, MailError> {
        Ok(Self {
            inner,
            smtp_url: config.smtp_url.clone(),
            transport: transport(&config.smtp_url, config.send_timeout)?,
            from,
            instance: crate::identity::secrets::new_secret(),
            send_timeout: config.send_timeout,
            reminder_hour: config.reminder_hour,
        })
    }

    pub(super) fn spawn(self) {
        tokio::spawn(self.run());
    }

    async fn run(mut self) {
        let postman = Postman {
            inner: Some(self.inner.clone()),
        };
        let mut daily_done: Option<NaiveDate> = None;
        loop {
            self.abandon_stale().await;
            daily_done = self.daily(&postman, daily_done).await;
            self.drain().await;
            tokio::select! {
                () = self.inner.wake.notified() => {}
                () = tokio::time::sleep(ROUND) => {}
            }
        }
    }

    async fn abandon_stale(&self) {
        let stale_before = Utc::now()
            - chrono::Duration::from_std(self.send_timeout * 2).unwrap_or(chrono::Duration::MAX);
        match self
            .inner
            .store
            .abandon_stale_claims(&self.instance, stale_before)
            .await
        {
            Ok(0) => {}
            Ok(count) => tracing::warn!(
                count,
                "mail whose sending was interrupted or never recorded: marked uncertain"
            ),
            Err(error) => tracing::error!(%error, "could not look for interrupted mail"),
        }
    }

    /// Once a day, from the reminder hour: queues the day's reminders and forgets old mail.
    /// Returns the day done.
    async fn daily(&self, postman: &Postman, done: Option<NaiveDate>) -> Option<NaiveDate> {
        let today = bogota_today();
        let hour = Utc::now().with_timezone(&bogota()).hour();
        if done == Some(today) || hour < self.reminder_hour {
            return done;
        }
        let before = Utc::now() - chrono::Duration::days(RETENTION_DAYS);
        match self.inner.store.purge_mail(before).await {
            Ok(0) => {}
            Ok(count) => tracing::info!(count, "old mail forgotten"),
            Err(error) => tracing::error!(%error, "could not forget old mail"),
        }
        match postman.queue_reminders(today).await {
            Ok(count) => {
                tracing::info!(count, %today, "reminders queued");
                Some(today)
            }
            Err(error) => {
                tracing::error!(%error, "could not queue today's reminders");
                done
            }
        }
    }

    /// Hands one message to the SMTP server, within the send timeout.
    async fn hand_over(&mut self, claimed: &ClaimedMail) -> Verdict {
        let message = match message(&self.from, claimed) {
            Ok(message) => message,
            Err(reason) => return Verdict::Failed(reason),
        };
        match tokio::time::timeout(self.send_timeout, self.transport.send(message)).await {
            Ok(result) => verdict(result.map(|_| ())),
            Err(_) => {
                // The abandoned exchange's connection must not be reused half-way through a
                // message: a new transport (a new pool) for the next one.
                match transport(&self.smtp_url, self.send_timeout) {
                    Ok(fresh) => self.transport = fresh,
                    Err(error) => tracing::error!(%error, "could not renew the SMTP transport"),
                }
                Verdict::Uncertain(Undelivered::TimedOut {
                    seconds: self.send_timeout.as_secs(),
                })
            }
        }
    }

    /// Sends everything due now, one message at a time.
    async fn drain(&mut self) {
        loop {
            let claimed = match self
                .inner
                .store
                .claim_mail(&self.instance, Utc::now())
                .await
            {
                Ok(Some(mail)) => mail,
                Ok(None) => return,
                Err(error) => {
                    tracing::error!(%error, "could not read the mail queue");
                    return;
                }
            };
            let verdict = self.hand_over(&claimed).await;
            let (store, me) = (&self.inner.store, self.instance.as_str());
            let written = match &verdict {
                Verdict::Sent => store.mark_mail_sent(claimed.id, me, Utc::now()).await,
                Verdict::Retry(reason) if claimed.attempts < MAX_ATTEMPTS => {
                    let at = retry_at(Utc::now(), claimed.attempts);
                    let reason = reason.to_string();
                    store
                        .mark_mail_unsent(claimed.id, me, &reason, Some(at))
                        .await
                }
                Verdict::Retry(reason) | Verdict::Failed(reason) => {
                    store
                        .mark_mail_unsent(claimed.id, me, &reason.to_string(), None)
                        .await
                }
                Verdict::Uncertain(reason) => {
                    store
                        .mark_mail_uncertain(claimed.id, me, &reason.to_string())
                        .await
                }
            };
            match written {
                Ok(true) => {}
                // the administrator discarded it meanwhile: what happened is logged below
                Ok(false) => tracing::warn!(
                    mail = claimed.id,
                    ?verdict,
                    "a mail changed hands while it was being sent"
                ),
                Err(error) => {
                    // The row stays `enviando`; the next round marks it `incierto`: never
                    // sent twice.
                    tracing::error!(%error, mail = claimed.id, "could not record a mail's sending");
                    return;
                }
            }
            match verdict {
                Verdict::Sent => {}
                Verdict::Failed(_) | Verdict::Uncertain(_) => {
                    tracing::warn!(mail = claimed.id, ?verdict, "mail not delivered")
                }
                Verdict::Retry(_) => {
                    tracing::warn!(mail = claimed.id, ?verdict, "mail not delivered, for now");
                    // the server is likely down or refusing Sala: wait for the next round
                    // instead of trying (and failing) every message now
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MailAttachment;

    fn claimed(email: &str, attachments: Vec<MailAttachment>) -> ClaimedMail {
        ClaimedMail {
            id: 1,
            recipient_name: "Ana Pérez".into(),
            recipient_email: email.into(),
            subject: "Convocatoria: sesión 3 · mié 2 dic 2026".into(),
            body: "Hola, Ana:\n\nSe convoca…".into(),
            message_id: "<abc@sala-situacional>".into(),
            attempts: 1,
            attachments,
        }
    }

    #[test]
    fn a_message_carries_its_id_subject_and_attachments() {
        let from: Mailbox = "Sala <sala@example.org>".parse().unwrap();
        let mail = claimed(
            "ana@example.org",
            vec![MailAttachment {
                file_name: "sesion.ics".into(),
                content_type: "text/calendar; charset=utf-8; method=PUBLISH".into(),
                data: b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".to_vec(),
            }],
        );
        let text = String::from_utf8(message(&from, &mail).unwrap().formatted()).unwrap();
        assert!(text.contains("Message-ID: <abc@sala-situacional>"));
        assert!(text.contains("<ana@example.org>"));
        assert!(text.contains("Subject: "));
        assert!(text.contains("filename=\"sesion.ics\""));
        assert!(text.contains("method=PUBLISH"));
    }

    #[test]
    fn a_bad_address_fails_for_good() {
        let from: Mailbox = "Sala <sala@example.org>".parse().unwrap();
        assert!(message(&from, &claimed("no es un correo", Vec::new())).is_err());
    }
}
