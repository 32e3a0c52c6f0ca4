//! Dashboards against the real server: a commitment written to a board over the Yjs protocol is
//! projected, pushed to open dashboards (server-sent events), and present in the JSON, the chart
//! SVG, the CSV and the XLSX export.

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
    let session = server.started_session("local-07", "2026-11-02T09:00").await;

    // A zonal dashboard listening for changes (Bosa is in Sur Occidente).
    let mut events = server
        .client
        .get(server.url("/tablero/eventos?ambito=zona:Sur%20Occidente"))
        .send()
        .await
        .unwrap();
    assert_eq!(events.status(), 200);
    // A dashboard of another zone must not hear about it.
    let mut elsewhere = server
        .client
        .get(server.url("/tablero/eventos?ambito=zona:Norte"))
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
        .get_json("/api/v1/tablero?ambito=mesa:local-07")
        .await;
    assert_eq!(data["commitments"], 1, "{data}");
    assert_eq!(
        data["overdue"][0]["description"],
        "Jornada de afiliación en Bosa Centro"
    );
    assert!(data["overdue"][0]["days_late"].as_i64().unwrap() > 0);

    let (status, csv) = server
        .get_text("/tablero/datos/compromisos-institucion.csv?ambito=mesa:local-07")
        .await;
    assert_eq!(status, 200);
    assert!(csv.contains("Subred Sur Occidente,1\r\n"), "{csv}");
    let (status, svg) = server
        .get_text("/tablero/graficos/compromisos-institucion.svg?ambito=distrito")
        .await;
    assert_eq!(status, 200);
    assert!(
        svg.starts_with("<svg") && svg.contains("Subred Sur Occidente"),
        "{svg}"
    );

    let png = server
        .client
        .get(server.url("/tablero/graficos/compromisos-institucion.png?ambito=mesa:local-07"))
        .send()
        .await
        .unwrap();
    assert_eq!(png.headers()["content-type"], "image/png");
    assert!(png.bytes().await.unwrap().starts_with(b"\x89PNG"));

    let xlsx = server
        .client
        .get(server.url("/tablero/exportar.xlsx?ambito=zona:Sur%20Occidente"))
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
        .get_text("/api/v1/tablero?ambito=mesa:local-07&desde=ayer")
        .await;
    assert_eq!(status, 409);
    assert!(message.contains("AAAA-MM-DD"), "{message}");
    let (status, _) = server.get_text("/tablero/graficos/no-existe.svg").await;
    assert_eq!(status, 404);
    let (status, html) = server.get_text("/tablero?ambito=mesa:local-07").await;
    assert_eq!(status, 200);
    assert!(html.contains("Jornada de afiliación en Bosa Centro"));
    client.close().await;
}
