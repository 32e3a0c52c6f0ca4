//! Indicator imports against the real server, on SQLite and on PostgreSQL: the example file
//! imports in one go and its values reach the JSON and the drawings; a file with mistakes is
//! refused whole (every mistake reported, nothing written); the same file twice changes nothing;
//! a coordination loads its own territory only; the page's multipart form leads to a preview.

use serde_json::Value;

use crate::common::{TestServer, postgres_db};

const EXAMPLE: &[u8] = include_bytes!("../../../docs/examples/indicadores-ejemplo.xlsx");
const MISTAKES: &[u8] = include_bytes!("../../../docs/examples/valores-con-errores.csv");
const DHIS2: &[u8] = include_bytes!("../../../docs/examples/dhis2-ejemplo.csv");

/// Stages `body` as `name` with `token`; answers the status and the preview.
async fn stage(server: &TestServer, token: &str, name: &str, body: &[u8]) -> (u16, Value) {
    let response = server
        .client
        .post(server.url(&format!("/indicadores/importaciones?archivo={name}")))
        .bearer_auth(token)
        .body(body.to_vec())
        .send()
        .await
        .expect("POST upload");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON preview"))
}

async fn act(server: &TestServer, token: &str, id: i64, action: &str) -> (u16, Value) {
    let response = server
        .client
        .post(server.url(&format!("/indicadores/importaciones/{id}/{action}")))
        .bearer_auth(token)
        .send()
        .await
        .expect("POST action");
    let status = response.status().as_u16();
    let body = response.text().await.expect("body");
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

async fn example_imports_and_reaches_every_view(server: &TestServer, engine: &str) {
    let admin = server.district_reader().await;
    let (status, preview) = stage(server, &admin, "indicadores-ejemplo.xlsx", EXAMPLE).await;
    assert_eq!(status, 201, "{engine}: {preview}");
    assert_eq!(
        preview["error_count"], 0,
        "{engine}: {:#}",
        preview["errors"]
    );
    assert_eq!(preview["summary"]["indicators"]["new"], 6);
    let values = preview["summary"]["values"]["new"].as_u64().unwrap();
    assert!(values > 700, "{engine}: {values} values");
    // Nothing is stored before it is applied.
    let catalogue = server.get_json_as("/api/v1/indicadores", &admin).await;
    assert_eq!(catalogue["rows"].as_array().unwrap().len(), 0, "{engine}");

    let id = preview["id"].as_i64().unwrap();
    let (status, summary) = act(server, &admin, id, "aplicar").await;
    assert_eq!(status, 200, "{engine}: {summary}");
    assert_eq!(summary["values"]["new"].as_u64(), Some(values));
    let (status, _) = act(server, &admin, id, "aplicar").await;
    assert_eq!(status, 409, "{engine}: an upload is applied once");

    // The same file again: everything unchanged, nothing written.
    let (_, again) = stage(server, &admin, "indicadores-ejemplo.xlsx", EXAMPLE).await;
    assert_eq!(again["summary"]["values"]["new"], 0, "{engine}");
    assert_eq!(again["summary"]["values"]["changed"], 0, "{engine}");
    assert_eq!(
        again["summary"]["values"]["unchanged"].as_u64(),
        Some(values)
    );
    let (status, summary) = act(server, &admin, again["id"].as_i64().unwrap(), "aplicar").await;
    assert_eq!(status, 200);
    assert_eq!(summary["values"]["new"], 0);
    assert_eq!(summary["indicators"]["changed"], 0);

    // The catalogue and one indicator, with the roll-up from localidades.
    let catalogue = server.get_json_as("/api/v1/indicadores", &admin).await;
    let rows = catalogue["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 6);
    let mortality = rows
        .iter()
        .find(|r| r["indicator"]["code"] == "MI-01")
        .unwrap();
    assert_eq!(mortality["latest"]["period"], "2025", "{engine}");
    let detail = server
        .get_json_as("/api/v1/indicadores/MI-01?territorio=07", &admin)
        .await;
    assert_eq!(detail["territory"]["name"], "Bosa");
    let lines = detail["trend"]["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 3, "Bosa, its zone and the district");
    let district = detail["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "distrito")
        .unwrap();
    assert_eq!(
        district["figure"]["note"], "calculado con sus 20 localidades",
        "{engine}"
    );
    // Affiliation came as rates only: its district figure cannot be computed, and says why.
    let affiliation = server
        .get_json_as("/api/v1/indicadores/AFI-01", &admin)
        .await;
    assert!(affiliation["latest"].is_null(), "{engine}: {affiliation}");
    let (status, csv) = server
        .get_text_as("/indicadores/MI-01/tendencia.csv?territorio=07", &admin)
        .await;
    assert_eq!(status, 200);
    assert!(
        csv.contains("periodo;07;zona-sur-occidente;distrito;meta"),
        "{csv}"
    );
    let (status, svg) = server
        .get_text_as("/indicadores/MI-01/tendencia.svg?territorio=07", &admin)
        .await;
    assert_eq!(status, 200);
    assert!(
        svg.contains("Bosa: 2022: "),
        "the SVG describes its numbers"
    );
    // The map of the localidades carries each value, with a link to each Mesa's dashboard.
    let (status, map) = server
        .get_text_as("/indicadores/MI-01/mapa.svg", &admin)
        .await;
    assert_eq!(status, 200);
    let bosa = detail["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "07")
        .unwrap();
    let shown = bosa["figure"]["shown"].as_str().unwrap();
    assert!(
        map.contains(&format!("Bosa: {shown}")),
        "{engine}: Bosa: {shown} not on the map"
    );
    assert!(
        map.contains("/tablero?ambito=mesa:local-07"),
        "a click opens Bosa's dashboard"
    );
    assert!(map.contains("IDECA"), "the attribution is on every map");
    let png = server
        .client
        .get(server.url("/indicadores/MI-01/mapa.png"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(png.starts_with(b"\x89PNG"), "{engine}: a PNG");
    // Triple viral also came by UPZ: its page draws the UPZ, each linked to its localidad's Mesa.
    let vaccination = server
        .get_json_as("/api/v1/indicadores/VAC-TV1", &admin)
        .await;
    let upz = vaccination["upz_rows"].as_array().unwrap();
    assert_eq!(upz.len(), 17, "{engine}: the UPZ of Bosa and Kennedy");
    let (status, upz_map) = server
        .get_text_as("/indicadores/VAC-TV1/mapa-upz.svg", &admin)
        .await;
    assert_eq!(status, 200, "{engine}");
    let bosa_central = upz.iter().find(|r| r["code"] == "UPZ85").unwrap();
    assert!(
        upz_map.contains(&format!(
            "{}: {}",
            bosa_central["name"].as_str().unwrap(),
            bosa_central["figure"]["shown"].as_str().unwrap()
        )),
        "{engine}: Bosa Central's figure on the UPZ map"
    );
    assert!(upz_map.contains("/tablero?ambito=mesa:local-07"));
    assert!(upz_map.contains("sin dato"), "the UPZ without data say so");
    let (status, _) = server
        .get_text_as("/indicadores/MI-01/mapa-upz.svg", &admin)
        .await;
    assert_eq!(status, 404, "no UPZ map where no value is by UPZ");
    // The situation room of Bosa shows its key indicators and the map.
    let (status, page) = server.get_page_as("/sala/local-07", &admin).await;
    assert_eq!(status, 200, "{engine}");
    assert!(
        page.contains("data-key-indicator=\"MI-01\""),
        "{engine}: key indicator"
    );
    assert!(page.contains("Indicadores clave"));
    let (status, _) = server
        .get_page_as("/sala/local-07", &crate::common::coordination("local-08"))
        .await;
    assert_eq!(
        status, 403,
        "another Mesa's coordination does not read Bosa's room"
    );
    // Reads need someone Sala knows.
    let (status, _) = server.get_text("/api/v1/indicadores").await;
    assert_eq!(status, 401);
}

async fn a_wrong_file_changes_nothing(server: &TestServer, engine: &str) {
    let admin = server.district_reader().await;
    let (_, before) = stage(server, &admin, "indicadores-ejemplo.xlsx", EXAMPLE).await;
    act(server, &admin, before["id"].as_i64().unwrap(), "aplicar").await;
    let detail_before = server
        .get_json_as("/api/v1/indicadores/MI-01?territorio=09", &admin)
        .await;
    let (status, preview) = stage(server, &admin, "valores-con-errores.csv", MISTAKES).await;
    assert_eq!(status, 201);
    let errors = preview["errors"].as_array().unwrap();
    let lines: Vec<i64> = errors.iter().map(|e| e["line"].as_i64().unwrap()).collect();
    for line in 2..=9 {
        assert!(
            lines.contains(&line),
            "{engine}: no error at line {line}: {errors:#?}"
        );
    }
    assert!(lines.contains(&11), "the repeated key, at its second line");
    assert!(!lines.contains(&10), "line 10 alone is right");
    let (status, refusal) = act(server, &admin, preview["id"].as_i64().unwrap(), "aplicar").await;
    assert_eq!(status, 409, "{engine}: {refusal}");
    assert!(
        refusal["error"]
            .as_str()
            .unwrap()
            .contains("nada se importó")
    );
    let detail_after = server
        .get_json_as("/api/v1/indicadores/MI-01?territorio=09", &admin)
        .await;
    assert_eq!(
        detail_before, detail_after,
        "{engine}: line 10 was not written either"
    );
    // A DHIS2 set without its mapping says what is missing.
    let (_, dhis2) = stage(server, &admin, "dhis2-ejemplo.csv", DHIS2).await;
    assert!(
        dhis2["errors"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("archivo de mapeo"),
        "{dhis2}"
    );
    // Broken bytes are one clear error, not a failure.
    let (status, broken) = stage(server, &admin, "roto.xlsx", b"PK\x03\x04no es un zip").await;
    assert_eq!(status, 201);
    assert!(
        broken["errors"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("no se pudo leer la hoja de cálculo"),
        "{broken}"
    );
}

#[tokio::test]
async fn example_file_on_sqlite() {
    let server = TestServer::start().await;
    example_imports_and_reaches_every_view(&server, "SQLite").await;
}

#[tokio::test]
async fn wrong_file_on_sqlite() {
    let server = TestServer::start().await;
    a_wrong_file_changes_nothing(&server, "SQLite").await;
}

/// `run` against a server on a fresh PostgreSQL database (skipped when there is none).
pub(crate) async fn on_postgres(run: impl AsyncFnOnce(&TestServer)) {
    let Some(db) = postgres_db().await else {
        return;
    };
    let server = TestServer::start_on(
        db.store.clone(),
        tempfile::tempdir().unwrap(),
        Default::default(),
        Default::default(),
        Default::default(),
    )
    .await;
    run(&server).await;
    db.drop_database().await;
}

#[tokio::test]
async fn example_file_on_postgres() {
    on_postgres(async |server| example_imports_and_reaches_every_view(server, "PostgreSQL").await)
        .await;
}

#[tokio::test]
async fn wrong_file_on_postgres() {
    on_postgres(async |server| a_wrong_file_changes_nothing(server, "PostgreSQL").await).await;
}

#[tokio::test]
async fn a_coordination_loads_its_own_territory_only() {
    let server = TestServer::start().await;
    let admin = server.district_reader().await;
    let catalogue = "codigo;nombre;unidad;sentido;desagregacion;numerador;denominador;factor\nMI-01;Mortalidad infantil;por 1.000;menor;localidad;Muertes;Nacidos;1000\n";
    let bosa = server_person(&server).await;
    // Definitions are the district's.
    let (_, preview) = stage(&server, &bosa, "catalogo.csv", catalogue.as_bytes()).await;
    let (status, refusal) = act(&server, &bosa, preview["id"].as_i64().unwrap(), "aplicar").await;
    assert_eq!(status, 403, "{refusal}");
    let (_, preview) = stage(&server, &admin, "catalogo.csv", catalogue.as_bytes()).await;
    assert_eq!(
        act(&server, &admin, preview["id"].as_i64().unwrap(), "aplicar")
            .await
            .0,
        200
    );
    // Bosa's coordination loads Bosa's values, not Kennedy's.
    let own = "indicador;territorio;periodo;numerador;denominador\nMI-01;07;2025;90;10000\n";
    let (_, preview) = stage(&server, &bosa, "bosa.csv", own.as_bytes()).await;
    assert_eq!(
        act(&server, &bosa, preview["id"].as_i64().unwrap(), "aplicar")
            .await
            .0,
        200
    );
    let both = "indicador;territorio;periodo;numerador;denominador\nMI-01;07;2024;80;10000\nMI-01;08;2025;70;10000\n";
    let (_, preview) = stage(&server, &bosa, "ambas.csv", both.as_bytes()).await;
    let (status, refusal) = act(&server, &bosa, preview["id"].as_i64().unwrap(), "aplicar").await;
    assert_eq!(status, 403);
    assert!(
        refusal["error"].as_str().unwrap().contains("local-08"),
        "{refusal}"
    );
    let detail = server
        .get_json_as("/api/v1/indicadores/MI-01?territorio=07", &admin)
        .await;
    assert_eq!(
        detail["trend"]["periods"].as_array().unwrap().len(),
        1,
        "2024 was not written"
    );
    // An invitation (a guest on a board) loads nothing.
    let guest = crate::common::coordination("local-07");
    let (status, _) = stage(&server, &guest, "bosa.csv", own.as_bytes()).await;
    assert_eq!(status, 403);
}

async fn server_person(server: &TestServer) -> String {
    server.coordinator("bosa@sala.local", "local-07").await
}

#[tokio::test]
async fn the_pages_form_uploads_and_opens_the_preview() {
    let server = TestServer::start().await;
    let admin = server.district_reader().await;
    let boundary = "sala-prueba-limite";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"archivo\"; filename=\"indicadores-ejemplo.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(EXAMPLE);
    body.extend_from_slice(
        format!("\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"mapeo\"; filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n--{boundary}--\r\n").as_bytes(),
    );
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client
        .post(server.url("/indicadores/importar"))
        .bearer_auth(&admin)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with("/indicadores/importaciones/"),
        "{location}"
    );
    let (status, page) = server.get_page_as(&location, &admin).await;
    assert_eq!(status, 200);
    assert!(page.contains("El archivo está bien"), "{page}");
    assert!(page.contains("indicadores-ejemplo.xlsx"));
    // A form posted from another site (a sandboxed frame sends `Origin: null` too) is refused.
    let response = client
        .post(server.url("/indicadores/importar"))
        .header("origin", "null")
        .header("sec-fetch-site", "cross-site")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(format!("--{boundary}--\r\n"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    // Without a file: back to the page, saying so.
    let response = client
        .post(server.url("/indicadores/importar"))
        .bearer_auth(&admin)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(format!("--{boundary}--\r\n"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    let location = response.headers()["location"].to_str().unwrap();
    assert!(location.starts_with("/indicadores?error="), "{location}");
}
