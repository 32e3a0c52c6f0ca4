//! The register of social assets and teams against the real server, on SQLite and on
//! PostgreSQL: the example files load whole and a second time change nothing; a file with
//! mistakes is refused whole with every line; contacts are for signed-in people only; a
//! coordination writes its own localidad only; the page's form leads to the upload's outcome.

use serde_json::{Value, json};

use crate::common::TestServer;
use crate::indicators::on_postgres;

const ASSETS: &[u8] = include_bytes!("../../../docs/examples/activos-ejemplo.csv");
const TEAMS: &[u8] = include_bytes!("../../../docs/examples/equipos-ejemplo.csv");
const MISTAKES: &[u8] = include_bytes!("../../../docs/examples/activos-con-errores.csv");

/// Loads `body` as the file `name`: the status and the outcome.
async fn upload(server: &TestServer, token: &str, name: &str, body: &[u8]) -> (u16, Value) {
    let response = server
        .client
        .post(server.url(&format!("/activos/cargas?archivo={name}")))
        .bearer_auth(token)
        .body(body.to_vec())
        .send()
        .await
        .expect("POST file");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn names(register: &Value, list: &str, field: &str) -> Vec<String> {
    register[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row[field]["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn files_load_whole_and_once(server: &TestServer, engine: &str) {
    let admin = server.district_reader().await;
    let (status, outcome) = upload(server, &admin, "activos-ejemplo.csv", ASSETS).await;
    assert_eq!(status, 201, "{engine}: {outcome}");
    assert_eq!(
        outcome["outcome"]["Saved"]["assets_added"], 6,
        "{engine}: {outcome}"
    );
    let (_, outcome) = upload(server, &admin, "equipos-ejemplo.csv", TEAMS).await;
    assert_eq!(
        outcome["outcome"]["Saved"]["teams_added"], 3,
        "{engine}: {outcome}"
    );
    // The same file again changes nothing.
    let (_, again) = upload(server, &admin, "activos-ejemplo.csv", ASSETS).await;
    assert_eq!(
        again["outcome"]["Saved"],
        json!({"assets_added": 0, "assets_updated": 0, "teams_added": 0, "teams_updated": 0, "unchanged": 6}),
        "{engine}"
    );

    let bosa = server
        .get_json_as("/api/v1/activos?territorio=07", &admin)
        .await;
    assert_eq!(names(&bosa, "assets", "asset").len(), 4, "{engine}: {bosa}");
    let jac_row = bosa["assets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["asset"]["name"].as_str().unwrap().starts_with("Junta"))
        .unwrap();
    let jac = &jac_row["asset"];
    assert_eq!(
        jac["code"],
        "07-junta-de-accion-comunal-san-bernardino-ejemplo"
    );
    assert_eq!(jac["upz"], "UPZ85");
    assert_eq!(jac["point"]["lat"], 4.6183);
    assert_eq!(jac_row["upz_name"], "Bosa Central");
    assert_eq!(jac["contact"], "jac.sanbernardino@example.org");
    // Bosa's teams: the extramural team of its UPZ and the social integration team.
    assert_eq!(names(&bosa, "teams", "team").len(), 2, "{engine}: {bosa}");
    assert!(bosa["can_manage"].as_bool().unwrap());
    let zone = server
        .get_json_as("/api/v1/activos?territorio=zona-sur-occidente", &admin)
        .await;
    assert!(
        names(&zone, "assets", "asset").len() >= 6,
        "{engine}: a zona holds its localidades"
    );

    // A file with mistakes writes nothing and names every line.
    let (status, refused) = upload(server, &admin, "activos-con-errores.csv", MISTAKES).await;
    assert_eq!(status, 201);
    let problems = refused["outcome"]["Refused"].as_array().unwrap();
    let lines: Vec<i64> = problems
        .iter()
        .map(|p| p["line"].as_i64().unwrap())
        .collect();
    for line in 2..=7 {
        assert!(
            lines.contains(&line),
            "{engine}: line {line}: {problems:#?}"
        );
    }
    assert!(lines.contains(&9), "the repeated code, at its second line");
    assert!(!lines.contains(&8), "line 8 alone is right");
    let after = server
        .get_json_as("/api/v1/activos?territorio=07", &admin)
        .await;
    assert_eq!(
        names(&after, "assets", "asset").len(),
        4,
        "{engine}: nothing was written"
    );
    // Broken bytes are one clear problem.
    let (_, broken) = upload(server, &admin, "roto.xlsx", b"PK\x03\x04no es un zip").await;
    assert!(
        broken["outcome"]["Refused"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("no se pudo leer"),
        "{broken}"
    );
}

#[tokio::test]
async fn files_on_sqlite() {
    let server = TestServer::start().await;
    files_load_whole_and_once(&server, "SQLite").await;
}

#[tokio::test]
async fn files_on_postgres() {
    on_postgres(async |server| files_load_whole_and_once(server, "PostgreSQL").await).await;
}

async fn post_as(server: &TestServer, path: &str, token: &str, body: Value) -> (u16, Value) {
    let response = server
        .client
        .post(server.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("POST");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_coordination_writes_its_own_localidad_and_contacts_stay_private() {
    let server = TestServer::start().await;
    let bosa = server.coordinator("bosa@sala.local", "local-07").await;
    let asset = json!({"name": "Salón comunal La Libertad", "kind": "equipamiento", "localidad": "07",
        "upz": "UPZ85", "lon": "-74.19", "lat": "4.61", "contact": "salon@example.org"});
    let (status, saved) = post_as(&server, "/api/v1/activos", &bosa, asset.clone()).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["assets_added"], 1);
    // Kennedy is not Bosa's.
    let mut kennedy = asset.clone();
    kennedy["localidad"] = json!("08");
    kennedy["upz"] = json!("");
    let (status, refusal) = post_as(&server, "/api/v1/activos", &bosa, kennedy).await;
    assert_eq!(status, 403, "{refusal}");
    assert!(
        refusal["error"].as_str().unwrap().contains("Kennedy"),
        "{refusal}"
    );
    // A file with one Kennedy row writes nothing.
    let (status, _) = upload(&server, &bosa, "activos-ejemplo.csv", ASSETS).await;
    assert_eq!(status, 403);
    // Each problem is named by its field.
    let mut wrong = asset.clone();
    wrong["lon"] = json!("-74,19");
    let (status, fields) = post_as(&server, "/api/v1/activos", &bosa, wrong).await;
    assert_eq!(status, 422, "{fields}");
    assert!(fields.to_string().contains("longitud"), "{fields}");
    // A correction keeps the code.
    let code = "07-salon-comunal-la-libertad";
    let mut corrected = asset.clone();
    corrected["code"] = json!(code);
    corrected["offer"] = json!("Salón y cocina");
    let (_, saved) = post_as(&server, "/api/v1/activos", &bosa, corrected).await;
    assert_eq!(saved["assets_updated"], 1, "{saved}");

    // An invitation (the room's projector) reads the register but not its contacts.
    let guest = crate::common::coordination("local-07");
    let seen = server
        .get_json_as("/api/v1/activos?territorio=07", &guest)
        .await;
    assert_eq!(seen["assets"][0]["asset"]["offer"], "Salón y cocina");
    assert_eq!(seen["assets"][0]["asset"]["contact"], "");
    assert_eq!(seen["shows_contacts"], false);
    let (status, _) = server.get_text("/api/v1/activos?territorio=07").await;
    assert_eq!(status, 401, "nobody known reads nothing");
    // Teams: coverage across UPZ of Bosa, written by Bosa.
    let team = json!({"name": "EBEI 9", "kind": "basico_extramural", "institution": "Subred Sur Occidente", "coverage": "UPZ85; UPZ86"});
    let (status, saved) = post_as(&server, "/api/v1/equipos", &bosa, team).await;
    assert_eq!(status, 200, "{saved}");
    let outside = json!({"name": "EBEI 10", "kind": "basico_extramural", "institution": "Subred", "coverage": "UPZ85; 08"});
    let (status, _) = post_as(&server, "/api/v1/equipos", &bosa, outside).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn the_pages_form_loads_a_file_and_shows_its_outcome() {
    let server = TestServer::start().await;
    let admin = server.district_reader().await;
    let response = server
        .post_file_form(
            "/activos/importar",
            &admin,
            "archivo",
            "activos-con-errores.csv",
            MISTAKES,
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/activos/cargas/"), "{location}");
    let (status, page) = server.get_page_as(&location, &admin).await;
    assert_eq!(status, 200);
    assert!(page.contains("No se guardó nada"), "{page}");
    assert!(page.contains("«biblioteca» no es un tipo conocido"));
    // The register page lists what was loaded.
    upload(&server, &admin, "activos-ejemplo.csv", ASSETS).await;
    let (status, page) = server.get_page_as("/activos?territorio=07", &admin).await;
    assert_eq!(status, 200);
    assert!(page.contains("Red de Mujeres de Bosa (ejemplo)"), "{page}");
    let (status, template) = server
        .get_text("/activos/archivos/plantilla-activos.csv")
        .await;
    assert_eq!(status, 200);
    assert!(template.contains("nombre;tipo;localidad"), "{template}");
}

#[tokio::test]
async fn a_barrier_names_its_assets_and_the_dashboard_lists_them_beside_it() {
    use app::domain::board::{BARRIERS, COMMITMENTS, Field, put_record};
    use sala::sync::protocol;
    use std::time::Duration;
    use yrs::Transact;

    let server = TestServer::start().await;
    let admin = server.district_reader().await;
    upload(&server, &admin, "activos-ejemplo.csv", ASSETS).await;
    let jac = "07-junta-de-accion-comunal-san-bernardino-ejemplo";
    let red = "07-red-de-mujeres-de-bosa-ejemplo";
    // The board offers Bosa's assets, not Kennedy's.
    let session = server.started_session("local-07", "2026-11-20T09:00").await;
    let token = crate::common::invitation(session, sala::auth::Role::Participante, 3600);
    let mut client = server
        .board_client(session, sala::auth::Role::Participante)
        .await;
    let update = {
        let mut txn = client.doc.transact_mut();
        put_record(
            &mut txn,
            BARRIERS,
            "b1",
            &[
                (
                    "description",
                    Field::Text("Gestantes sin transporte a controles".into()),
                ),
                ("status", Field::Text("abierta".into())),
                ("assets", Field::Text(format!("{jac},{red}"))),
                ("severity", Field::Number(5.0)),
            ],
            "Ana",
            1.0,
        );
        put_record(
            &mut txn,
            COMMITMENTS,
            "c1",
            &[
                (
                    "description",
                    Field::Text("Jornada de controles en el salón comunal".into()),
                ),
                ("asset", Field::Text(jac.into())),
            ],
            "Ana",
            1.0,
        );
        txn.encode_update_v1()
    };
    client.send(protocol::update(&update)).await.unwrap();
    tokio::time::timeout(Duration::from_secs(10), client.sync())
        .await
        .unwrap()
        .unwrap();

    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    let panel = loop {
        let data = server
            .get_json_as("/api/v1/tablero?ambito=mesa:local-07", &admin)
            .await;
        let named = data["assets"]
            .as_array()
            .map(|all| {
                all.iter()
                    .any(|a| !a["barriers"].as_array().unwrap().is_empty())
            })
            .unwrap_or(false);
        if named || tokio::time::Instant::now() > deadline {
            break if data["assets"].is_null() {
                data
            } else {
                data["assets"].clone()
            };
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let codes: Vec<&str> = panel
        .as_array()
        .unwrap_or_else(|| panic!("the dashboard has its assets: {panel}"))
        .iter()
        .map(|a| a["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes.len(),
        4,
        "Bosa's four assets, not Kennedy's: {panel:#}"
    );
    assert!(
        codes[..2].contains(&jac) && codes[..2].contains(&red),
        "mobilised first: {codes:?}"
    );
    assert_eq!(
        panel[0]["barriers"][0]["description"],
        "Gestantes sin transporte a controles"
    );
    // Its severity reaches the dashboard (and the situation room's bars).
    let data = server
        .get_json_as("/api/v1/tablero?ambito=mesa:local-07", &admin)
        .await;
    let severity = data["charts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "barreras-severidad")
        .unwrap();
    assert_eq!(severity["points"][0][0], "Severidad 5 de 5", "{severity}");
    let choices = server
        .get_json_as("/api/v1/activos?territorio=07", &token)
        .await;
    assert_eq!(choices["assets"].as_array().unwrap().len(), 4);

    // The acta keeps the assets' names.
    client.close().await;
    let (status, body) = server
        .client
        .post(server.url(&format!("/api/v1/sessions/{session}/cerrar")))
        .bearer_auth(crate::common::invitation(
            session,
            sala::auth::Role::Coordinador,
            3600,
        ))
        .send()
        .await
        .map(|r| (r.status().as_u16(), r))
        .unwrap();
    assert!(status < 300, "closing: {status} {:?}", body.text().await);
    let (status, acta) = server
        .get_text_as(&format!("/sesiones/{session}/acta.md"), &admin)
        .await;
    assert_eq!(status, 200, "{acta}");
    assert!(
        acta.contains("activos movilizados: Junta de Acción Comunal San Bernardino (ejemplo), Red de Mujeres de Bosa (ejemplo)"),
        "{acta}"
    );
    assert!(
        acta.contains("| Junta de Acción Comunal San Bernardino (ejemplo) |"),
        "{acta}"
    );
}
