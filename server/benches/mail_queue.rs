//! The mail queue's throughput: `cargo bench -p sala --bench mail_queue` queues 1,000 messages
//! (a convocatoria's size, one with a 60 KB PDF in ten) into a SQLite file, then lets one
//! courier send them all to a real SMTP server on this machine (`tools/smtp/sink.py`, Python's
//! aiosmtpd, which parses every message and writes it to disk), and prints both rates. The
//! numbers are kept in `docs/benchmarks.md`.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use app::domain::mail::{MailKind, MailState};
use chrono::Utc;
use sala::store::{DatabaseTarget, MailAttachment, NewMail, Store};

const MAILS: usize = 1_000;

fn message(n: usize) -> NewMail {
    let attachment = if n.is_multiple_of(10) {
        MailAttachment {
            file_name: "acta-local-07-4.pdf".into(),
            content_type: "application/pdf".into(),
            data: (0..60_000u32).map(|i| (i % 251) as u8).collect(),
        }
    } else {
        MailAttachment {
            file_name: "sesion.ics".into(),
            content_type: "text/calendar; charset=utf-8; method=PUBLISH".into(),
            data: "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
                .repeat(20)
                .into_bytes(),
        }
    };
    NewMail {
        dedupe_key: format!("bench:{n}"),
        kind: MailKind::Convocatoria,
        recipient_name: format!("Persona {n}"),
        recipient_email: format!("persona{n}@entidad.gov.co"),
        subject: format!("Convocatoria: Mesa Local de Bosa, sesión {n} · mar 12 ene 2027, 09:00"),
        body: "Hola:\n\nSe convoca a la sesión de la Mesa Local de Bosa.\n".repeat(15),
        attachments: vec![attachment],
        replaces_for_session: None,
    }
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out = dir.path().join("mails");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tools/smtp/sink.py");
    let mut sink = Command::new("python3")
        .arg(script)
        .args(["--port", &port.to_string()])
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 tools/smtp/sink.py (make smtp-sink installs aiosmtpd)");
    {
        use std::io::BufRead;
        let mut line = String::new();
        std::io::BufReader::new(sink.stdout.take().expect("its output"))
            .read_line(&mut line)
            .expect("the sink starts");
        assert!(line.starts_with("listo"), "{line}");
    }

    let target = DatabaseTarget::resolve(None, dir.path()).expect("a SQLite file");
    let store = Store::open(&target).await.expect("the store");
    let started = Instant::now();
    for n in 0..MAILS {
        store
            .enqueue_mail(&message(n), Utc::now())
            .await
            .expect("queued");
    }
    let queued = started.elapsed();

    let started = Instant::now();
    let _postman = sala::mail::start(
        store.clone(),
        sala::mail::MailConfig {
            smtp_url: format!("smtp://127.0.0.1:{port}"),
            from: "Sala situacional <sala@sala.test>".into(),
            origin: "http://127.0.0.1".into(),
            send_timeout: Duration::from_secs(30),
            reminder_days: vec![7, 1],
            // no daily round (reminders, forgetting old mail) during the measure
            reminder_hour: 24,
        },
    )
    .expect("mail configured");
    loop {
        let counts = store.mail_counts().await.expect("counts");
        if counts == vec![(MailState::Enviado, MAILS as i64)] {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(600), "{counts:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let sent = started.elapsed();
    let received = std::fs::read_dir(&out).expect("the mails").count();
    let _ = sink.kill();
    let _ = sink.wait();
    assert_eq!(
        received, MAILS,
        "every message reached the SMTP server once"
    );
    println!(
        "queue {MAILS} messages: {:.0} ms ({:.0} per second)",
        queued.as_secs_f64() * 1000.0,
        MAILS as f64 / queued.as_secs_f64()
    );
    println!(
        "send {MAILS} messages to aiosmtpd (one courier, pooled connection): {:.1} s ({:.0} per second)",
        sent.as_secs_f64(),
        MAILS as f64 / sent.as_secs_f64()
    );
}
