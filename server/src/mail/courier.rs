//! The courier: one task per process that hands queued messages to the SMTP server, one at a
//! time, in the order they fell due. The order of writes is what makes "never sent twice"
//! hold across a crash: a row is claimed (`enviando`) before the SMTP exchange and marked
//! `enviado` after it; a claim found later whose process is gone may have been delivered, so it
//! turns `incierto` for the administrator rather than being sent again.

use std::sync::Arc;
use std::time::Duration;

use app::domain::bogota;
use app::domain::mail::{MAX_ATTEMPTS, retry_at};
use chrono::{NaiveDate, Timelike, Utc};
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::{Inner, MailConfig, MailError, Postman, bogota_today};
use crate::store::ClaimedMail;

/// How often the courier looks for messages that fell due (a retry) when nothing wakes it.
const ROUND: Duration = Duration::from_secs(15);

pub(super) struct Courier {
    inner: Arc<Inner>,
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// This process among the servers sharing the database.
    instance: String,
    send_timeout: Duration,
    reminder_hour: u32,
}

/// What became of one sending.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    Sent,
    /// Not delivered for a passing reason (server down, 4xx): try again later.
    Retry(String),
    /// Refused for good (5xx, an address the message cannot carry).
    Failed(String),
}

fn verdict(result: Result<(), lettre::transport::smtp::Error>) -> Verdict {
    match result {
        Ok(()) => Verdict::Sent,
        Err(error) if error.is_permanent() => {
            Verdict::Failed(format!("el servidor de correo lo rechazó: {error}"))
        }
        Err(error) => Verdict::Retry(format!(
            "no se pudo entregar al servidor de correo: {error}"
        )),
    }
}

/// The message as the SMTP server receives it.
fn message(from: &Mailbox, mail: &ClaimedMail) -> Result<Message, String> {
    let to = mail
        .recipient_email
        .parse()
        .map(|address| Mailbox::new(Some(mail.recipient_name.clone()), address))
        .map_err(|_| format!("la dirección «{}» no es válida", mail.recipient_email))?;
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
            let content_type = ContentType::parse(&file.content_type).unwrap_or(
                ContentType::parse("application/octet-stream").map_err(|e| e.to_string())?,
            );
            parts = parts.singlepart(
                Attachment::new(file.file_name.clone()).body(file.data.clone(), content_type),
            );
        }
        builder.multipart(parts)
    };
    built.map_err(|error| format!("el mensaje no se pudo componer: {error}"))
}

impl Courier {
    pub(super) fn new(
        inner: Arc<Inner>,
        config: &MailConfig,
        from: Mailbox,
    ) -> Result<Self, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&config.smtp_url)
            .map_err(MailError::SmtpUrl)?
            .timeout(Some(config.send_timeout))
            .build();
        Ok(Self {
            inner,
            transport,
            from,
            instance: crate::identity::secrets::new_secret(),
            send_timeout: config.send_timeout,
            reminder_hour: config.reminder_hour,
        })
    }

    pub(super) fn spawn(self) {
        tokio::spawn(self.run());
    }

    async fn run(self) {
        let postman = Postman {
            inner: Some(self.inner.clone()),
        };
        let mut reminded_on: Option<NaiveDate> = None;
        loop {
            self.abandon_stale().await;
            reminded_on = self.remind(&postman, reminded_on).await;
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
                "mail interrupted by a process that stopped: marked uncertain"
            ),
            Err(error) => tracing::error!(%error, "could not look for interrupted mail"),
        }
    }

    /// Queues the day's reminders once a day, from the reminder hour; returns the day done.
    async fn remind(&self, postman: &Postman, done: Option<NaiveDate>) -> Option<NaiveDate> {
        let today = bogota_today();
        let hour = Utc::now().with_timezone(&bogota()).hour();
        if done == Some(today) || hour < self.reminder_hour {
            return done;
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

    /// Sends everything due now, one message at a time.
    async fn drain(&self) {
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
            let verdict = match message(&self.from, &claimed) {
                Ok(message) => verdict(self.transport.send(message).await.map(|_| ())),
                Err(reason) => Verdict::Failed(reason),
            };
            let store = &self.inner.store;
            let written = match &verdict {
                Verdict::Sent => store.mark_mail_sent(claimed.id, Utc::now()).await,
                Verdict::Retry(reason) if claimed.attempts < MAX_ATTEMPTS => {
                    let at = retry_at(Utc::now(), claimed.attempts);
                    store.mark_mail_unsent(claimed.id, reason, Some(at)).await
                }
                Verdict::Retry(reason) | Verdict::Failed(reason) => {
                    store.mark_mail_unsent(claimed.id, reason, None).await
                }
            };
            if let Err(error) = written {
                // The row stays `enviando` and turns `incierto` later: never sent twice.
                tracing::error!(%error, mail = claimed.id, "could not record a mail's sending");
                return;
            }
            match verdict {
                Verdict::Sent => {}
                Verdict::Failed(_) => tracing::warn!(mail = claimed.id, ?verdict, "mail refused"),
                Verdict::Retry(_) => {
                    tracing::warn!(mail = claimed.id, ?verdict, "mail not delivered");
                    // the server is likely down: wait for the next round instead of trying
                    // (and failing) every message now
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
