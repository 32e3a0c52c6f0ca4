//! The real binary killed with SIGKILL while it sends: no message is delivered twice.

use std::collections::HashMap;
use std::time::Duration;

use app::domain::mail::MailState;
use chrono::Utc;
use sala::store::Store;

use super::mail;
use crate::common::binary::{free_port, sala, serve_with, wait_healthy};
use crate::common::smtp::{SinkOptions, SmtpSink};

/// The real binary sends 120 queued messages through a slow relay and is killed with SIGKILL
/// three times while it does. Every message arrives once at most; every one marked sent
/// arrived exactly once; the few a kill caught mid-sending are `incierto`, never resent.
#[tokio::test]
async fn sigkill_while_sending_never_delivers_a_message_twice() {
    const MAILS: usize = 120;
    let Some(sink) = SmtpSink::start(SinkOptions {
        delay_ms: 25,
        ..Default::default()
    })
    .await
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let target = sala::store::DatabaseTarget::resolve(None, dir.path()).unwrap();
    let store = Store::open(&target).await.unwrap();
    let now = Utc::now();
    for n in 0..MAILS {
        store
            .enqueue_mail(&mail(&format!("k{n}"), &format!("persona{n}@x.co")), now)
            .await
            .unwrap();
    }
    store.close().await;
    let start = || {
        let port = free_port();
        let smtp = sink.url();
        // a one-second SMTP timeout, so a dead run's claims turn uncertain in 2 s
        let options = [
            "--smtp-url",
            smtp.as_str(),
            "--mail-from",
            "Sala <sala@sala.test>",
            "--mail-send-timeout-secs",
            "1",
        ];
        (serve_with(sala(dir.path()), port, &options), port)
    };
    for kill in 1..=3 {
        let (mut server, port) = start();
        wait_healthy(port).await;
        let goal = kill * MAILS / 4;
        sink.wait_for(goal, Duration::from_secs(60)).await;
        server.kill().unwrap(); // SIGKILL
        server.wait().unwrap();
    }
    let (mut server, port) = start();
    wait_healthy(port).await;
    // The last run sends the rest; claims left by the killed runs turn uncertain after twice
    // the send timeout (2 s here).
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let store = loop {
        let store = Store::connect(&target).await.unwrap();
        let counts = store.mail_counts().await.unwrap();
        let open = counts
            .iter()
            .any(|(s, _)| matches!(s, MailState::Pendiente | MailState::Enviando));
        if !open {
            break store;
        }
        store.close().await;
        assert!(
            std::time::Instant::now() < deadline,
            "queue not drained: {counts:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.kill().unwrap();
    server.wait().unwrap();

    // by subject: each message's is its own (the queue shows addresses masked)
    let mut arrived: HashMap<String, usize> = HashMap::new();
    for m in sink.mails() {
        *arrived
            .entry(m["subject"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    let entries = store.mail_entries(1000).await.unwrap();
    assert_eq!(entries.len(), MAILS);
    let mut uncertain = 0;
    for entry in &entries {
        let email = &entry.subject;
        let times = arrived.get(email).copied().unwrap_or(0);
        match entry.state {
            MailState::Enviado => assert_eq!(times, 1, "{email} marked sent"),
            MailState::Incierto => {
                uncertain += 1;
                assert!(times <= 1, "{email} uncertain but delivered {times} times");
            }
            other => panic!("{email} ended {other:?}"),
        }
    }
    assert!(
        uncertain <= 3,
        "at most one in flight per kill: {uncertain}"
    );
    assert!(
        arrived.values().all(|&n| n == 1),
        "no message twice: {arrived:?}"
    );
    store.close().await;
}
