//! Evidence files: in the store on both engines (bytes kept whole with their digest, listed,
//! removed), in a SQLite backup, and on the real server — attached by a writer of an open board
//! as the body of a request, refused by content, size, record and role in Spanish, served as an
//! attachment only to readers of the board, frozen into the acta when the session closes.

use app::domain::{ScheduleRequest, parse_when};
use sala::store::{NewEvidence, Store, StoreError};

fn now() -> chrono::DateTime<chrono::Utc> {
    parse_when("2026-12-04T10:00").unwrap()
}

const PDF: &[u8] =
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n";

async fn session(store: &Store) -> i64 {
    let request = ScheduleRequest {
        mesa: "local-05".into(),
        at: "2026-12-04T09:00".into(),
        place: "Alcaldía Local".into(),
        mode: "presencial".into(),
        confirmed: true,
    };
    store
        .create_session(&request.validate(now()).unwrap(), now())
        .await
        .unwrap()
        .id
}

fn file<'a>(session_id: i64, data: &'a [u8]) -> NewEvidence<'a> {
    NewEvidence {
        session_id,
        record_root: "commitments",
        record_id: "c1",
        file_name: "Acta de visita.pdf",
        content_type: "application/pdf",
        type_label: "PDF",
        sha256: "00",
        data,
        uploaded_by: "Luis Gómez",
    }
}

async fn files_keep_their_bytes_and_go_when_removed(store: Store) {
    let session = session(&store).await;
    let other = session + 1_000;
    // Every byte value, and more than one page of the database.
    let data: Vec<u8> = (0..300_000u32).map(|n| (n % 251) as u8).collect();
    let id = store
        .add_evidence(&file(session, &data), now())
        .await
        .unwrap();
    let second = store
        .add_evidence(&file(session, PDF), now())
        .await
        .unwrap();
    let listed = store.evidence_of_session(session).await.unwrap();
    assert_eq!(
        listed.iter().map(|e| e.id).collect::<Vec<_>>(),
        [id, second]
    );
    assert_eq!(listed[0].size, 300_000);
    let (evidence, bytes) = store.evidence_file(session, id).await.unwrap();
    assert_eq!(evidence.file_name, "Acta de visita.pdf");
    assert_eq!(bytes, data);
    // Another session's number does not reach it.
    assert!(matches!(
        store.evidence_file(other, id).await,
        Err(StoreError::UnknownEvidence(_))
    ));
    store.remove_evidence(session, id).await.unwrap();
    assert!(matches!(
        store.evidence_file(session, id).await,
        Err(StoreError::UnknownEvidence(_))
    ));
    assert!(matches!(
        store.remove_evidence(session, id).await,
        Err(StoreError::UnknownEvidence(_))
    ));
    assert_eq!(store.evidence_of_session(session).await.unwrap().len(), 1);
}

crate::on_both_engines!(files_keep_their_bytes_and_go_when_removed);

#[tokio::test]
async fn a_sqlite_backup_holds_the_files() {
    let (store, dir) = crate::common::sqlite_store().await;
    let session = session(&store).await;
    let id = store
        .add_evidence(&file(session, PDF), now())
        .await
        .unwrap();
    let to = dir.path().join("respaldo.db");
    sala::store::backup::backup_sqlite(&dir.path().join("sala.db"), &to)
        .await
        .unwrap();
    store.remove_evidence(session, id).await.unwrap();
    let url = format!("sqlite://{}", to.display());
    let target = sala::store::DatabaseTarget::resolve(Some(&url), dir.path()).unwrap();
    let restored = Store::open(&target).await.unwrap();
    let (_, bytes) = restored.evidence_file(session, id).await.unwrap();
    assert_eq!(bytes, PDF);
}

mod over_http {
    use app::domain::board::COMMITMENTS;
    use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE, COOKIE, ORIGIN};
    use sha2::{Digest, Sha256};

    use super::PDF;
    use crate::common::TestServer;
    use crate::identity::{Browser, person_named};

    async fn commitment(server: &TestServer, session: i64) {
        let fields: &[(&str, &str)] = &[
            ("description", "Visita a la vereda El Destino"),
            ("responsible", "Luis Gómez"),
        ];
        server
            .write_board(session, &[(COMMITMENTS, "c1", fields)])
            .await;
    }

    async fn upload(
        server: &TestServer,
        who: &Browser,
        session: i64,
        query: &str,
        body: &[u8],
    ) -> (u16, serde_json::Value) {
        let mut request = server
            .client
            .post(server.url(&format!("/sesiones/{session}/evidencias?{query}")))
            .header(ORIGIN, format!("http://{}", server.addr))
            .body(body.to_vec());
        if !who.cookie.is_empty() {
            request = request.header(COOKIE, &who.cookie);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or_default())
    }

    #[tokio::test]
    async fn writers_attach_readers_download_and_the_acta_keeps_the_list() {
        let limits = sala::http::HttpLimits {
            evidence_bytes: 64 * 1024,
            ..Default::default()
        };
        let server = TestServer::start_with_http(limits).await;
        let session = server.started_session("local-07", "2026-11-20T09:00").await;
        commitment(&server, session).await;
        let luis = person_named(
            &server,
            "luis@eps.co",
            "Luis Gómez",
            false,
            &[("local-07", "integrante")],
        )
        .await;
        let olga = person_named(
            &server,
            "olga@x.co",
            "Olga Ríos",
            false,
            &[("local-07", "observador")],
        )
        .await;
        let lejos = person_named(
            &server,
            "lejos@x.co",
            "Otro Lejos",
            false,
            &[("local-02", "integrante")],
        )
        .await;
        let nobody = Browser {
            cookie: String::new(),
        };
        let to_c1 = "registro=commitments&id=c1&archivo=C%3A%5Cfotos%5CActa%20visita.pdf";

        let (status, body) = upload(&server, &luis, session, to_c1, PDF).await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["file_name"], "Acta visita.pdf");
        assert_eq!(body["type_label"], "PDF");
        assert_eq!(body["sha256"], hex::encode(Sha256::digest(PDF)));
        let id = body["id"].as_i64().unwrap();

        // Refused, each with its reason in Spanish.
        let exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0";
        let (status, body) = upload(
            &server,
            &luis,
            session,
            "registro=commitments&id=c1&archivo=acta.pdf",
            exe,
        )
        .await;
        assert_eq!(status, 409);
        assert!(
            body["error"].as_str().unwrap().contains("por su contenido"),
            "{body}"
        );
        let heavy = [PDF, &vec![b' '; 70 * 1024]].concat();
        let (status, body) = upload(&server, &luis, session, to_c1, &heavy).await;
        assert_eq!(status, 413);
        assert_eq!(
            body["error"],
            "El archivo pesa más de 64 KiB, el máximo por archivo."
        );
        let (status, _) =
            upload(&server, &luis, session, "registro=commitments&id=nada", PDF).await;
        assert_eq!(status, 409);
        let (status, _) = upload(&server, &luis, session, "registro=barriers&id=c1", PDF).await;
        assert_eq!(status, 409);
        let (status, _) = upload(&server, &olga, session, to_c1, PDF).await;
        assert_eq!(status, 403);
        let (status, _) = upload(&server, &nobody, session, to_c1, PDF).await;
        assert_eq!(status, 401);

        // Readers of the board download it, as an attachment of the type its content showed.
        let path = format!("/sesiones/{session}/evidencias/{id}");
        let response = server
            .client
            .get(server.url(&path))
            .header(COOKIE, &olga.cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()[CONTENT_TYPE], "application/pdf");
        assert!(
            response.headers()[CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .starts_with("attachment;")
        );
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        assert_eq!(response.bytes().await.unwrap().as_ref(), PDF);
        assert_eq!(nobody.get(&server, &path).await.0, 401);
        assert_eq!(lejos.get(&server, &path).await.0, 403);

        // A second one, removed as a mistake; only writers remove.
        let (_, body) = upload(&server, &luis, session, to_c1, PDF).await;
        let mistake = body["id"].as_i64().unwrap().to_string();
        let s = session.to_string();
        let (status, _) = olga
            .call(
                &server,
                "remove_evidence",
                &[("session", &s), ("id", &mistake)],
            )
            .await;
        assert_eq!(status, 403);
        let (status, body) = luis
            .call(
                &server,
                "remove_evidence",
                &[("session", &s), ("id", &mistake)],
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = olga
            .call(&server, "evidence_of_session", &[("session", &s)])
            .await;
        assert_eq!(status, 200);
        let listed: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap();
        assert_eq!(listed.len(), 1);

        // Closing freezes the list into the acta; nothing more is attached.
        let ana = person_named(
            &server,
            "ana@subred.gov.co",
            "Ana Pérez",
            false,
            &[("local-07", "coordinador")],
        )
        .await;
        let (status, body) = ana
            .call(
                &server,
                "change_session_status",
                &[("id", &s), ("action", "cerrar")],
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let acta = server.store.acta(session).await.unwrap().unwrap();
        assert_eq!(acta.evidence.len(), 1);
        let markdown = acta.markdown();
        assert!(markdown.contains("Acta visita.pdf"), "{markdown}");
        assert!(markdown.contains(&hex::encode(Sha256::digest(PDF))));
        assert!(markdown.contains("Compromiso: Visita a la vereda El Destino"));
        let (status, body) = upload(&server, &luis, session, to_c1, PDF).await;
        assert_eq!(status, 409);
        assert!(
            body["error"]
                .as_str()
                .unwrap()
                .contains("ya no admite cambios"),
            "{body}"
        );
    }
}
