//! A relay that misbehaves, against the real courier and a real SMTP server: one that hangs in
//! the middle of a message, and one that refuses Sala's own account.

use std::time::{Duration, Instant};

use app::domain::mail::{MailState, OutboxEntry};
use chrono::Utc;
use sala::store::Store;

use super::mail;
use crate::common::smtp::{SinkOptions, SmtpSink};
use crate::common::sqlite_store;

fn config(sink: &SmtpSink, send_timeout: Duration) -> sala::mail::MailConfig {
    sala::mail::MailConfig {
        smtp_url: sink.url(),
        from: "Sala situacional <sala@sala.test>".into(),
        origin: "http://sala.test".into(),
        send_timeout,
        reminder_days: sala::mail::reminders::DEFAULT_DAYS_BEFORE.to_vec(),
        // no reminder round during the test (it would only add reminders of nothing)
        reminder_hour: 24,
    }
}

/// Waits until `done` holds for the queue's entries (at most 30 s) and returns them.
async fn until(store: &Store, done: impl Fn(&[OutboxEntry]) -> bool) -> Vec<OutboxEntry> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let entries = store.mail_entries(50).await.unwrap();
        if done(&entries) {
            return entries;
        }
        assert!(
            Instant::now() < deadline,
            "the queue stayed at {entries:#?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn state_of(entries: &[OutboxEntry], subject_ends: &str) -> MailState {
    entries
        .iter()
        .find(|e| e.subject.ends_with(subject_ends))
        .map(|e| e.state)
        .unwrap_or_else(|| panic!("no mail {subject_ends} in {entries:#?}"))
}

/// The relay takes the first message's data and never answers. After the send timeout the
/// message is `incierto` (it may have arrived), never sent again on its own; the next message
/// goes out on a fresh connection, whole.
#[tokio::test]
async fn a_relay_that_hangs_leaves_the_message_uncertain_and_the_queue_moving() {
    let Some(sink) = SmtpSink::start(SinkOptions {
        stall_first: 1,
        ..Default::default()
    })
    .await
    else {
        return;
    };
    let (store, _dir) = sqlite_store().await;
    let now = Utc::now();
    store
        .enqueue_mail(&mail("primero", "ana@x.co"), now)
        .await
        .unwrap();
    store
        .enqueue_mail(&mail("segundo", "luis@x.co"), now)
        .await
        .unwrap();
    let _postman = sala::mail::start(store.clone(), config(&sink, Duration::from_secs(2)))
        .expect("mail configured");

    let entries = until(&store, |e| {
        e.iter()
            .all(|m| matches!(m.state, MailState::Enviado | MailState::Incierto))
    })
    .await;
    assert_eq!(state_of(&entries, "primero"), MailState::Incierto);
    assert_eq!(state_of(&entries, "segundo"), MailState::Enviado);
    let uncertain = entries.iter().find(|e| e.subject.ends_with("primero"));
    let reason = uncertain
        .and_then(|e| e.last_error.clone())
        .unwrap_or_default();
    assert!(
        reason.contains("no terminó de responder en 2 s"),
        "{reason}"
    );
    let arrived = sink.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(arrived.len(), 1);
    assert_eq!(arrived[0]["subject"], "Convocatoria segundo");
    assert!(
        arrived[0]["body"]
            .as_str()
            .is_some_and(|b| b.starts_with("Hola")),
        "the second message is not mixed with the first: {:#?}",
        arrived[0]
    );
    // Several rounds later the uncertain one is still where the administrator left it.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let entries = store.mail_entries(50).await.unwrap();
    assert_eq!(state_of(&entries, "primero"), MailState::Incierto);
    assert_eq!(sink.mails().len(), 1);
}

/// The relay refuses Sala's login (535): that is Sala's problem, not the message's. Nothing is
/// failed for good; the first message waits for a retry with the reason in Spanish, and the
/// others were not tried against a server that refuses everything.
#[tokio::test]
async fn a_relay_refusing_sala_fails_no_message_for_good() {
    let Some(sink) = SmtpSink::start(SinkOptions {
        refuse_sender: "535 5.7.8 Credenciales inválidas",
        ..Default::default()
    })
    .await
    else {
        return;
    };
    let (store, _dir) = sqlite_store().await;
    let now = Utc::now();
    for key in ["uno", "dos", "tres"] {
        store
            .enqueue_mail(&mail(key, &format!("{key}@x.co")), now)
            .await
            .unwrap();
    }
    let _postman = sala::mail::start(store.clone(), config(&sink, Duration::from_secs(5)))
        .expect("mail configured");

    let entries = until(&store, |e| e.iter().any(|m| m.last_error.is_some())).await;
    assert!(
        entries.iter().all(|m| m.state == MailState::Pendiente),
        "{entries:#?}"
    );
    let tried = entries
        .iter()
        .find(|m| m.last_error.is_some())
        .expect("one tried");
    assert_eq!(tried.attempts, 1);
    let reason = tried.last_error.clone().unwrap_or_default();
    assert!(
        reason.starts_with("El servidor de correo no aceptó a Sala (código 535"),
        "{reason}"
    );
    assert!(reason.contains("Credenciales inválidas"), "{reason}");
    assert!(tried.next_attempt_at > Utc::now(), "it waits for its retry");
    assert_eq!(
        entries.iter().filter(|m| m.attempts == 0).count(),
        2,
        "the rest wait untried"
    );
    assert!(sink.mails().is_empty());
}
