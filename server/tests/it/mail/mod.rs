//! The mail queue in the store, on both engines: idempotent queueing, one sender per message,
//! retries, a dead sender's claim turning uncertain, the administrator's retry and discard, a
//! session's revisions. `cycle.rs` runs the whole cycle against a real SMTP server (Python's
//! aiosmtpd, started by the test); `relay.rs` a relay that hangs or refuses Sala; `crash.rs`
//! kills the real binary while it sends.

mod crash;
mod cycle;
mod relay;

use app::domain::ScheduleRequest;
use app::domain::mail::{MailKind, MailState};
use chrono::{Duration as Days, Utc};
use sala::store::{MailAttachment, NewMail, Store};

fn mail(key: &str, email: &str) -> NewMail {
    NewMail {
        dedupe_key: key.into(),
        kind: MailKind::Convocatoria,
        recipient_name: "Ana Pérez".into(),
        recipient_email: email.into(),
        subject: format!("Convocatoria {key}"),
        body: "Hola".into(),
        attachments: vec![MailAttachment {
            file_name: "sesion.ics".into(),
            content_type: "text/calendar".into(),
            data: b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".to_vec(),
        }],
        replaces_for_session: None,
    }
}

async fn queueing_is_idempotent_and_keeps_attachments_whole(store: Store) {
    let now = Utc::now();
    assert!(
        store
            .enqueue_mail(&mail("k1", "ana@x.co"), now)
            .await
            .unwrap()
    );
    assert!(
        !store
            .enqueue_mail(&mail("k1", "ana@x.co"), now)
            .await
            .unwrap()
    );
    let mut pdf = mail("k2", "luis@x.co");
    pdf.attachments[0].data = (0..=255u8).cycle().take(300_000).collect();
    assert!(store.enqueue_mail(&pdf, now).await.unwrap());
    let first = store.claim_mail("a", now).await.unwrap().unwrap();
    assert_eq!(first.recipient_email, "ana@x.co");
    assert_eq!(first.attempts, 1);
    assert!(first.message_id.ends_with("@sala-situacional>"));
    let second = store.claim_mail("a", now).await.unwrap().unwrap();
    assert_eq!(second.attachments[0].data, pdf.attachments[0].data);
    assert!(store.claim_mail("a", now).await.unwrap().is_none());
    let counts = store.mail_counts().await.unwrap();
    assert_eq!(counts, vec![(MailState::Enviando, 2)]);
}

async fn each_message_is_claimed_by_one_sender(store: Store) {
    let now = Utc::now();
    for n in 0..30 {
        store
            .enqueue_mail(&mail(&format!("k{n}"), "ana@x.co"), now)
            .await
            .unwrap();
    }
    let senders = (0..3).map(|s| {
        let store = store.clone();
        tokio::spawn(async move {
            let mut mine = Vec::new();
            while let Some(m) = store
                .claim_mail(&format!("s{s}"), Utc::now())
                .await
                .unwrap()
            {
                mine.push(m.id);
            }
            mine
        })
    });
    let mut all: Vec<i64> = Vec::new();
    for sender in senders {
        all.extend(sender.await.unwrap());
    }
    all.sort();
    let len = all.len();
    all.dedup();
    assert_eq!(len, 30, "every message claimed");
    assert_eq!(all.len(), 30, "no message claimed twice");
}

async fn failures_wait_their_turn_and_dead_claims_turn_uncertain(store: Store) {
    let now = Utc::now();
    store
        .enqueue_mail(&mail("k1", "ana@x.co"), now)
        .await
        .unwrap();
    let claimed = store.claim_mail("a", now).await.unwrap().unwrap();
    assert!(
        store
            .mark_mail_unsent(
                claimed.id,
                "a",
                "451 intente más tarde",
                Some(now + Days::minutes(1)),
            )
            .await
            .unwrap()
    );
    assert!(
        store.claim_mail("a", now).await.unwrap().is_none(),
        "not before its time"
    );
    let again = store
        .claim_mail("a", now + Days::minutes(2))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.attempts, 2);
    // Another sender leaves a fresh claim alone, and may not settle it.
    assert_eq!(
        store.abandon_stale_claims("b", now).await.unwrap(),
        0,
        "a live sender's claim"
    );
    assert!(!store.mark_mail_sent(claimed.id, "b", now).await.unwrap());
    // The process holding it dies: its old claim turns uncertain and is never picked up again
    // on its own.
    assert_eq!(
        store
            .abandon_stale_claims("b", now + Days::hours(1))
            .await
            .unwrap(),
        1
    );
    let entry = store.mail_entry(claimed.id).await.unwrap().unwrap();
    assert_eq!(entry.state, MailState::Incierto);
    assert!(
        store
            .claim_mail("b", now + Days::hours(2))
            .await
            .unwrap()
            .is_none()
    );
    // A sending judged abandoned that did get through is recorded as sent (not resent later).
    assert!(store.mark_mail_sent(claimed.id, "a", now).await.unwrap());
    assert_eq!(
        store.mail_entry(claimed.id).await.unwrap().unwrap().state,
        MailState::Enviado
    );

    // A sender's own claim still `enviando` between two sendings was never recorded: uncertain.
    store
        .enqueue_mail(&mail("k3", "ana@x.co"), now)
        .await
        .unwrap();
    let orphan = store.claim_mail("a", now).await.unwrap().unwrap();
    assert_eq!(store.abandon_stale_claims("a", now).await.unwrap(), 1);
    // The administrator checked it did not arrive: a full new round of tries.
    assert!(
        store
            .set_mail_by_admin(orphan.id, MailState::Pendiente, now)
            .await
            .unwrap()
    );
    let resent = store.claim_mail("b", now).await.unwrap().unwrap();
    assert_eq!(resent.attempts, 1);
    assert!(
        store
            .mark_mail_unsent(resent.id, "b", "550 no existe", None)
            .await
            .unwrap()
    );
    let failed = store.mail_entry(resent.id).await.unwrap().unwrap();
    assert_eq!(failed.state, MailState::Fallido);
    assert_eq!(failed.last_error.as_deref(), Some("550 no existe"));
    assert_eq!(
        failed.recipient, "Ana Pérez <a•••@x.co>",
        "the address masked"
    );
    assert!(
        store
            .set_mail_by_admin(resent.id, MailState::Descartado, now)
            .await
            .unwrap()
    );
    // A timed-out sending waits for the administrator too.
    store
        .enqueue_mail(&mail("k4", "ana@x.co"), now)
        .await
        .unwrap();
    let slow = store.claim_mail("b", now).await.unwrap().unwrap();
    assert!(
        store
            .mark_mail_uncertain(slow.id, "b", "no terminó de responder")
            .await
            .unwrap()
    );
    assert_eq!(
        store.mail_entry(slow.id).await.unwrap().unwrap().state,
        MailState::Incierto
    );
    // a sent message is neither resent nor discarded
    store
        .enqueue_mail(&mail("k2", "ana@x.co"), now)
        .await
        .unwrap();
    let sent = store.claim_mail("b", now).await.unwrap().unwrap();
    assert!(store.mark_mail_sent(sent.id, "b", now).await.unwrap());
    assert!(
        !store
            .set_mail_by_admin(sent.id, MailState::Pendiente, now)
            .await
            .unwrap()
    );
    assert!(
        !store
            .set_mail_by_admin(sent.id, MailState::Descartado, now)
            .await
            .unwrap()
    );
}

/// A convocatoria of `session` at `revision` for `email`.
fn convocatoria(session: i64, revision: i64, email: &str) -> NewMail {
    NewMail {
        replaces_for_session: Some(session),
        ..mail(&format!("convocatoria:{session}:{revision}:{email}"), email)
    }
}

async fn a_newer_convocatoria_replaces_the_undelivered_older_one(store: Store) {
    let now = Utc::now();
    for m in [
        convocatoria(7, 0, "ana@x.co"),
        convocatoria(7, 0, "luis@x.co"),
        convocatoria(8, 0, "ana@x.co"),
    ] {
        store.enqueue_mail(&m, now).await.unwrap();
    }
    // Ana's first one fails (the relay is down for hours), Luis's goes out.
    let ana = store.claim_mail("a", now).await.unwrap().unwrap();
    store
        .mark_mail_unsent(ana.id, "a", "451", None)
        .await
        .unwrap();
    let luis = store.claim_mail("a", now).await.unwrap().unwrap();
    store.mark_mail_sent(luis.id, "a", now).await.unwrap();

    // The session moves: the new convocatoria replaces Ana's old one, not Luis's sent one nor
    // another session's.
    store
        .enqueue_mail(&convocatoria(7, 1, "ANA@x.co"), now)
        .await
        .unwrap();
    let old = store.mail_entry(ana.id).await.unwrap().unwrap();
    assert_eq!(old.state, MailState::Descartado);
    assert!(old.last_error.unwrap().contains("más reciente"));
    assert_eq!(
        store.mail_entry(luis.id).await.unwrap().unwrap().state,
        MailState::Enviado
    );
    let states: Vec<(String, MailState)> = store
        .mail_entries(10)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.subject, e.state))
        .collect();
    assert!(states.contains(&(
        "Convocatoria convocatoria:8:0:ana@x.co".into(),
        MailState::Pendiente
    )));
    assert!(states.contains(&(
        "Convocatoria convocatoria:7:1:ANA@x.co".into(),
        MailState::Pendiente
    )));
}

async fn old_mail_is_forgotten_with_its_files(store: Store) {
    let long_ago = Utc::now() - Days::days(200);
    store
        .enqueue_mail(&mail("old", "ana@x.co"), long_ago)
        .await
        .unwrap();
    let mut waiting = mail("waiting", "luis@x.co");
    waiting.attachments[0].data = b"otro archivo".to_vec();
    store.enqueue_mail(&waiting, long_ago).await.unwrap();
    let sent = store.claim_mail("a", Utc::now()).await.unwrap().unwrap();
    assert_eq!(sent.recipient_email, "ana@x.co");
    store
        .mark_mail_sent(sent.id, "a", Utc::now())
        .await
        .unwrap();

    let forgotten = store
        .purge_mail(Utc::now() - Days::days(180))
        .await
        .unwrap();
    assert_eq!(forgotten, 1, "only the sent one");
    let left = store.mail_entries(10).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].attachments, vec!["sesion.ics".to_owned()]);
    // the waiting one still carries its file whole
    let claimed = store.claim_mail("a", Utc::now()).await.unwrap().unwrap();
    assert_eq!(claimed.attachments[0].data, b"otro archivo");
}

async fn a_session_counts_its_revisions(store: Store) {
    let now = Utc::now();
    let request = ScheduleRequest {
        mesa: "local-05".into(),
        at: "2030-03-04T09:00".into(),
        place: "Alcaldía".into(),
        mode: "presencial".into(),
        confirmed: true,
    };
    let session = store
        .create_session(&request.validate(now).unwrap(), now)
        .await
        .unwrap();
    assert_eq!(session.revision, 0);
    let edit = app::domain::SessionEdit {
        at: "2030-03-05T09:00".into(),
        place: "Alcaldía".into(),
        mode: "presencial".into(),
        reason: "Paro".into(),
        confirmed: true,
    };
    let moved = store
        .update_session(session.id, &edit.validate(&session, now).unwrap())
        .await
        .unwrap();
    assert_eq!(moved.revision, 1);
    let cancelled = store
        .cancel_session(session.id, "Lluvias", now)
        .await
        .unwrap();
    assert_eq!(cancelled.revision, 2);
}

crate::on_both_engines!(
    queueing_is_idempotent_and_keeps_attachments_whole,
    each_message_is_claimed_by_one_sender,
    failures_wait_their_turn_and_dead_claims_turn_uncertain,
    a_newer_convocatoria_replaces_the_undelivered_older_one,
    old_mail_is_forgotten_with_its_files,
    a_session_counts_its_revisions,
);
