//! Dashboards against the real server: a commitment written to a board over the Yjs protocol is
//! projected, pushed to open dashboards (server-sent events), and present in the JSON, the chart
//! SVG, the CSV and the XLSX export; the CSV reads back as a Spanish spreadsheet reads it.

use std::io::Read;
use std::time::Duration;

use crate::common::TestServer;
use app::domain::board::{COMMITMENTS, Field, put_record};
use sala::auth::Role;
use sala::sync::client::SyncClient;
use sala::sync::protocol;
use tokio::time::timeout;
use yrs::Transact;

const WAIT: Duration = Duration::from_secs(10);

fn token(session: i64, role: Role) -> String {
    crate::common::invitation(session, role, 3600)
}

#[tokio::test]
async fn a_commitment_on_a_board_reaches_every_dashboard_view() {
    let server = TestServer::start().await;
    let reader = server.district_reader().await;
    // Dashboards are read by those who read their scope's boards.
    let (status, _) = server
        .get_text("/api/v1/tablero?ambito=mesa:local-07")
        .await;
    assert_eq!(status, 401);
    let local = crate::common::coordination("local-07");
    let (status, _) = server
        .get_text_as("/api/v1/tablero?ambito=mesa:local-07", &local)
        .await;
    assert_eq!(status, 200, "a Mesa's coordination reads its dashboard");
    let (status, _) = server
        .get_text_as("/api/v1/tablero?ambito=zona:Sur%20Occidente", &local)
        .await;
    assert_eq!(status, 403, "not its zone's");
    let session = server.started_session("local-07", "2026-11-02T09:00").await;

    // A zonal dashboard listening for changes (Bosa is in Sur Occidente).
    let mut events = server
        .client
        .get(server.url("/tablero/eventos?ambito=zona:Sur%20Occidente"))
        .bearer_auth(&reader)
        .send()
        .await
        .unwrap();
    assert_eq!(events.status(), 200);
    // A dashboard of another zone must not hear about it.
    let mut elsewhere = server
        .client
        .get(server.url("/tablero/eventos?ambito=zona:Norte"))
        .bearer_auth(&reader)
        .send()
        .await
        .unwrap();

    let url = format!(
        "ws://{}/sync/{session}?token={}",
        server.addr,
        token(session, Role::Participante)
    );
    let mut client = SyncClient::connect(&url, 77).await.unwrap();
    timeout(WAIT, client.sync()).await.unwrap().unwrap();
    let update = {
        let mut txn = client.doc.transact_mut();
        put_record(
            &mut txn,
            COMMITMENTS,
            "0c0c0c0c-0000-4000-8000-000000000001",
            &[
                (
                    "description",
                    Field::Text("Jornada de afiliación en Bosa Centro".into()),
                ),
                ("institutions", Field::Text("Subred Sur Occidente".into())),
                ("responsible", Field::Text("Ana Pérez".into())),
                ("due", Field::Text("2026-11-10".into())),
                ("status", Field::Text("pendiente".into())),
            ],
            "Ana Pérez (Subred Sur Occidente)",
            1.0,
        );
        txn.encode_update_v1()
    };
    client.send(protocol::update(&update)).await.unwrap();

    let pushed = timeout(WAIT, async {
        let mut seen = String::new();
        while let Some(chunk) = events.chunk().await.unwrap() {
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if seen.contains("event: cambio") {
                return seen;
            }
        }
        seen
    })
    .await
    .expect("the dashboard is told in time");
    assert!(pushed.contains(&format!("data: {session}")), "{pushed}");
    let quiet = timeout(Duration::from_millis(500), async {
        loop {
            match elsewhere.chunk().await {
                Ok(Some(chunk)) if String::from_utf8_lossy(&chunk).contains("cambio") => {
                    return true;
                }
                Ok(Some(_)) => continue,
                _ => return false,
            }
        }
    })
    .await;
    assert!(
        quiet.is_err() || quiet == Ok(false),
        "other zones are not told"
    );

    let data = server
        .get_json_as("/api/v1/tablero?ambito=mesa:local-07", &reader)
        .await;
    assert_eq!(data["commitments"], 1, "{data}");
    assert_eq!(
        data["overdue"][0]["description"],
        "Jornada de afiliación en Bosa Centro"
    );
    assert!(data["overdue"][0]["days_late"].as_i64().unwrap() > 0);

    let (status, csv) = server
        .get_text_as(
            "/tablero/datos/compromisos-institucion.csv?ambito=mesa:local-07",
            &reader,
        )
        .await;
    assert_eq!(status, 200);
    assert!(csv.contains("Subred Sur Occidente;1\r\n"), "{csv}");
    let (status, svg) = server
        .get_text_as(
            "/tablero/graficos/compromisos-institucion.svg?ambito=distrito",
            &reader,
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        svg.starts_with("<svg") && svg.contains("Subred Sur Occidente"),
        "{svg}"
    );

    let png = server
        .client
        .get(server.url("/tablero/graficos/compromisos-institucion.png?ambito=mesa:local-07"))
        .bearer_auth(&reader)
        .send()
        .await
        .unwrap();
    assert_eq!(png.headers()["content-type"], "image/png");
    assert!(png.bytes().await.unwrap().starts_with(b"\x89PNG"));

    let xlsx = server
        .client
        .get(server.url("/tablero/exportar.xlsx?ambito=zona:Sur%20Occidente"))
        .bearer_auth(&reader)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx.to_vec())).expect("a zip");
    let mut strings = String::new();
    archive
        .by_name("xl/sharedStrings.xml")
        .expect("shared strings")
        .read_to_string(&mut strings)
        .unwrap();
    assert!(
        strings.contains("Jornada de afiliación en Bosa Centro"),
        "{strings}"
    );

    // Bad filters are refused clearly; unknown charts are 404.
    let (status, message) = server
        .get_text_as("/api/v1/tablero?ambito=mesa:local-07&desde=ayer", &reader)
        .await;
    assert_eq!(status, 409);
    assert!(message.contains("AAAA-MM-DD"), "{message}");
    let (status, _) = server
        .get_text_as("/tablero/graficos/no-existe.svg", &reader)
        .await;
    assert_eq!(status, 404);
    let (status, html) = server
        .get_text_as("/tablero?ambito=mesa:local-07", &reader)
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("Jornada de afiliación en Bosa Centro"));
    client.close().await;
}

/// Writes commitments to a board as a participant would: `(id, description, institutions, due,
/// status)`.
async fn write_commitments(
    server: &TestServer,
    session: i64,
    rows: &[(&str, &str, &str, &str, &str)],
) -> SyncClient {
    let url = format!(
        "ws://{}/sync/{session}?token={}",
        server.addr,
        token(session, Role::Participante)
    );
    let mut client = SyncClient::connect(&url, 78).await.unwrap();
    timeout(WAIT, client.sync()).await.unwrap().unwrap();
    let update = {
        let mut txn = client.doc.transact_mut();
        for (id, description, institutions, due, status) in rows {
            put_record(
                &mut txn,
                COMMITMENTS,
                id,
                &[
                    ("description", Field::Text((*description).into())),
                    ("institutions", Field::Text((*institutions).into())),
                    ("responsible", Field::Text("Ana Pérez".into())),
                    ("due", Field::Text((*due).into())),
                    ("status", Field::Text((*status).into())),
                ],
                "Ana Pérez (Subred Sur Occidente)",
                1.0,
            );
        }
        txn.encode_update_v1()
    };
    client.send(protocol::update(&update)).await.unwrap();
    client
}

/// Reads a CSV download as a spreadsheet in Spanish does: it must start with a UTF-8 byte-order
/// mark and separate fields with `;`.
async fn spreadsheet(server: &TestServer, path: &str) -> Vec<Vec<String>> {
    let reader = server.district_reader().await;
    let response = server
        .client
        .get(server.url(path))
        .bearer_auth(&reader)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{path}");
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let bytes = response.bytes().await.unwrap();
    let body = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .expect("a UTF-8 byte-order mark first");
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(body)
        .records()
        .map(|r| r.expect("a CSV record").iter().map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn dashboard_csv_opens_in_a_spanish_spreadsheet_and_vencido_is_derived() {
    let server = TestServer::start().await;
    let reader = server.district_reader().await;
    let session = server.started_session("local-09", "2026-11-02T09:00").await;
    let client = write_commitments(
        &server,
        session,
        &[
            (
                "0c0c0c0c-0000-4000-8000-000000000011",
                "Brigada de vacunación; barrio Tintal",
                "Subred Sur Occidente; Secretaría de Integración Social",
                "2026-11-10",
                "pendiente",
            ),
            // Typed "vencido" with a date still far ahead: not overdue.
            (
                "0c0c0c0c-0000-4000-8000-000000000012",
                "Mesa de trabajo con la EPS",
                "subred sur occidente",
                "2099-06-30",
                "vencido",
            ),
        ],
    )
    .await;
    let scope = "ambito=mesa:local-09";
    timeout(WAIT, async {
        loop {
            let data = server
                .get_json_as(&format!("/api/v1/tablero?{scope}"), &reader)
                .await;
            if data["commitments"] == 2 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await
    .expect("projected in time");

    // Two institutions in one field count once each; two spellings of one are one.
    let by_institution = spreadsheet(
        &server,
        &format!("/tablero/datos/compromisos-institucion.csv?{scope}"),
    )
    .await;
    assert_eq!(
        by_institution,
        vec![
            vec!["categoría", "compromisos"],
            vec!["Subred Sur Occidente", "2"],
            vec!["Secretaría de Integración Social", "1"],
        ]
    );
    // The vencido filter keeps the one past its date, whatever the other says it is.
    let data = server
        .get_json_as(&format!("/api/v1/tablero?{scope}&estado=vencido"), &reader)
        .await;
    assert_eq!(data["commitments"], 1, "{data}");
    let overdue = spreadsheet(
        &server,
        &format!("/tablero/datos/vencidos.csv?{scope}&estado=vencido"),
    )
    .await;
    assert_eq!(overdue.len(), 2, "{overdue:?}");
    assert_eq!(
        overdue[0],
        [
            "compromiso",
            "institución",
            "responsable",
            "Mesa",
            "fecha límite",
            "días de retraso"
        ]
    );
    assert_eq!(overdue[1][0], "Brigada de vacunación; barrio Tintal");
    assert_eq!(
        overdue[1][1],
        "Subred Sur Occidente; Secretaría de Integración Social"
    );
    assert_eq!(overdue[1][4], "2026-11-10");
    assert!(overdue[1][5].parse::<i64>().is_ok_and(|days| days > 0));
    let by_status = spreadsheet(
        &server,
        &format!("/tablero/datos/compromisos-estado.csv?{scope}"),
    )
    .await;
    assert_eq!(
        by_status[1..],
        [vec!["Pendiente", "1"], vec!["Vencido", "1"]]
    );

    // For programs: RFC 4180 with commas, no byte-order mark.
    let (status, comma) = server
        .get_text_as(
            &format!("/tablero/datos/compromisos-institucion.csv?{scope}&separador=coma"),
            &reader,
        )
        .await;
    assert_eq!(status, 200);
    assert!(comma.starts_with("categoría,compromisos\r\n"), "{comma}");
    let (status, message) = server
        .get_text_as(
            &format!("/tablero/datos/vencidos.csv?{scope}&separador=tab"),
            &reader,
        )
        .await;
    assert_eq!(status, 409);
    assert!(message.contains("punto-y-coma"), "{message}");
    client.close().await;
}
