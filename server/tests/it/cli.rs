//! The `sala` binary as officials and operators use it: scripting sessions, bad input, a port in
//! use, an unreachable database, and graceful shutdown.

use std::net::TcpListener;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::binary::{free_port, sala};

fn run(command: &mut Command) -> Output {
    command.output().expect("run sala")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn sessions_are_scripted_as_json() {
    let dir = tempfile::tempdir().unwrap();
    for (month, expected_seq) in [("01", 1), ("02", 2)] {
        let output = run(sala(dir.path()).args([
            "session",
            "create",
            "--mesa",
            "local-01",
            "--at",
            &format!("2027-{month}-15T09:00:00-05:00"),
            "--place",
            "Alcaldía Local de Usaquén",
            "--mode",
            "mixta",
            "--format",
            "json",
        ]));
        assert!(output.status.success(), "{}", stderr(&output));
        let session: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(session["seq"], expected_seq);
        assert!(session["id"].as_i64().is_some());
        assert_eq!(session["mode"], "mixta");
    }
    let output =
        run(sala(dir.path()).args(["session", "list", "--mesa", "local-01", "--format", "json"]));
    assert!(output.status.success(), "{}", stderr(&output));
    let sessions: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(sessions.as_array().unwrap().len(), 2);

    let output = run(sala(dir.path()).args(["session", "list"]));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("local-01") && text.contains("Alcaldía Local de Usaquén"),
        "{text}"
    );
    assert!(
        dir.path().join("sala.db").exists(),
        "the default database lives in the data dir"
    );
}

#[test]
fn bad_input_exits_non_zero_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let unknown = run(sala(dir.path()).args([
        "session",
        "create",
        "--mesa",
        "local-99",
        "--at",
        "2027-01-15T09:00:00Z",
    ]));
    assert!(!unknown.status.success());
    assert!(
        stderr(&unknown).contains("No existe la Mesa «local-99»"),
        "{}",
        stderr(&unknown)
    );

    let bad_date = run(sala(dir.path()).args([
        "session",
        "create",
        "--mesa",
        "local-01",
        "--at",
        "15/01/2027",
    ]));
    assert!(!bad_date.status.success());
    assert!(
        stderr(&bad_date).contains("Fecha no válida"),
        "{}",
        stderr(&bad_date)
    );

    let bad_mode = run(sala(dir.path()).args([
        "session",
        "create",
        "--mesa",
        "local-01",
        "--at",
        "2027-01-15T09:00:00Z",
        "--mode",
        "hibrida",
    ]));
    assert!(!bad_mode.status.success());
    assert!(
        stderr(&bad_mode).contains("Modalidad no válida"),
        "{}",
        stderr(&bad_mode)
    );

    let listed = run(sala(dir.path()).args(["session", "list", "--format", "json"]));
    assert_eq!(
        String::from_utf8_lossy(&listed.stdout).trim(),
        "[]",
        "nothing half-created"
    );
}

#[test]
fn serve_refuses_bad_urls_unreachable_databases_and_busy_ports() {
    let dir = tempfile::tempdir().unwrap();
    let bad_url =
        run(sala(dir.path()).args(["serve", "--database-url", "mysql://root:hunter2@db/sala"]));
    assert!(!bad_url.status.success());
    let message = stderr(&bad_url);
    assert!(
        message.contains("no soportada") && !message.contains("hunter2"),
        "{message}"
    );

    let unreachable = run(sala(dir.path()).args([
        "serve",
        "--database-url",
        &format!("postgres://sala:secret@127.0.0.1:{}/sala", free_port()),
    ]));
    assert!(!unreachable.status.success());
    let message = stderr(&unreachable);
    assert!(
        message.contains("no se pudo conectar") && !message.contains("secret"),
        "{message}"
    );

    let busy = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap().to_string();
    let in_use = run(sala(dir.path()).args(["serve", "--addr", &addr]));
    assert!(!in_use.status.success());
    assert!(
        stderr(&in_use).contains(&format!("no se pudo escuchar en {addr}")),
        "{}",
        stderr(&in_use)
    );
}

#[test]
fn help_documents_every_command() {
    let output = run(Command::new(env!("CARGO_BIN_EXE_sala")).arg("--help"));
    let help = String::from_utf8_lossy(&output.stdout);
    for word in ["serve", "session", "--log-format"] {
        assert!(help.contains(word), "{word} missing from:\n{help}");
    }
    let output = run(Command::new(env!("CARGO_BIN_EXE_sala")).args(["serve", "--help"]));
    let help = String::from_utf8_lossy(&output.stdout);
    for word in [
        "--addr",
        "SALA_ADDR",
        "--database-url",
        "DATABASE_URL",
        "--data-dir",
        "SALA_DATA_DIR",
    ] {
        assert!(help.contains(word), "{word} missing from:\n{help}");
    }
}

fn wait_for_health(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::{Read, Write};
            let _ = stream.write_all(b"GET /healthz HTTP/1.0\r\n\r\n");
            let mut body = String::new();
            let _ = stream.read_to_string(&mut body);
            if body.ends_with("ok") {
                return;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("server did not become healthy on port {port}");
}

#[test]
fn cli_writes_while_the_server_runs_and_sigterm_stops_it_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut server = sala(dir.path())
        .args([
            "serve",
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--log-format",
            "json",
        ])
        // Request spans are debug-level: a token must not show even there.
        .env("RUST_LOG", "info,tower_http=debug,sala=debug")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_health(port);

    let output = run(sala(dir.path()).args([
        "session",
        "create",
        "--mesa",
        "zona-sur",
        "--at",
        "2027-03-01T08:00:00-05:00",
        "--format",
        "json",
    ]));
    assert!(output.status.success(), "{}", stderr(&output));
    let created: Value = serde_json::from_slice(&output.stdout).unwrap();

    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    use std::io::{Read, Write};
    stream
        .write_all(b"GET /api/v1/sessions?mesa=zona-sur HTTP/1.0\r\n\r\n")
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(
        response.contains(&format!("\"id\":{}", created["id"])),
        "{response}"
    );

    // An invitation in the address is never written to the logs.
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .write_all(
            format!(
                "GET /sesiones/{}?token=NO-DEBE-VERSE-EN-LOS-REGISTROS HTTP/1.0\r\n\r\n",
                created["id"]
            )
            .as_bytes(),
        )
        .unwrap();
    let mut page = String::new();
    stream.read_to_string(&mut page).unwrap();
    assert!(
        page.to_lowercase().contains("referrer-policy: no-referrer"),
        "{page}"
    );

    let pid = server.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = server.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "server ignored SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        status.success(),
        "graceful shutdown exits 0, got {status:?}"
    );
    let mut logs = String::new();
    server
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut logs)
        .unwrap();
    assert!(
        logs.lines()
            .any(|l| l.starts_with('{') && l.contains("Sala detenida")),
        "{logs}"
    );
    assert!(
        logs.contains("/sesiones/"),
        "the request was logged: {logs}"
    );
    assert!(!logs.contains("NO-DEBE-VERSE"), "{logs}");
}

#[test]
fn invitations_are_signed_for_one_session_role_and_lifetime() {
    use sala::auth::{Role, Signer};
    let dir = tempfile::tempdir().unwrap();
    let created = run(sala(dir.path()).args([
        "session",
        "create",
        "--mesa",
        "local-07",
        "--at",
        "2027-03-10T09:00:00-05:00",
        "--format",
        "json",
    ]));
    assert!(created.status.success(), "{}", stderr(&created));
    let session = serde_json::from_slice::<Value>(&created.stdout).unwrap()["id"]
        .as_i64()
        .unwrap();

    let secret = "una-clave-de-prueba-suficientemente-larga";
    let output = run(sala(dir.path()).env("SALA_SECRET", secret).args([
        "invite",
        "--session",
        &session.to_string(),
        "--role",
        "observador",
        "--name",
        "Proyector sala 2",
        "--ttl",
        "2h",
        "--public-url",
        "https://sala.example.org/",
        "--format",
        "json",
    ]));
    assert!(output.status.success(), "{}", stderr(&output));
    let invitation: Value = serde_json::from_slice(&output.stdout).unwrap();
    let token = invitation["token"].as_str().unwrap();
    assert_eq!(invitation["session"], session);
    assert_eq!(invitation["role"], "observador");
    assert_eq!(
        invitation["url"],
        format!("https://sala.example.org/sesiones/{session}?token={token}")
    );
    assert_eq!(
        invitation["sync_url"],
        format!("wss://sala.example.org/sync/{session}?token={token}")
    );
    let expires_at =
        chrono::DateTime::parse_from_rfc3339(invitation["expires_at"].as_str().unwrap()).unwrap();
    let now = chrono::Utc::now().timestamp();
    assert!((expires_at.timestamp() - (now + 2 * 3600)).abs() < 60);

    let claims = Signer::new(secret.as_bytes()).verify(token, now).unwrap();
    assert_eq!(claims.session, session);
    assert_eq!(claims.role, Role::Observador);
    assert_eq!(claims.exp, expires_at.timestamp());
    assert_eq!(claims.name.as_deref(), Some("Proyector sala 2"));
    assert!(
        Signer::new(b"otra-clave-otra-clave-otra-clave".to_vec())
            .verify(token, now)
            .is_err(),
        "only the secret that signed it accepts it"
    );

    // Without SALA_SECRET the secret is generated into the data dir, where the server reads it.
    let output = run(sala(dir.path()).env_remove("SALA_SECRET").args([
        "invite",
        "--session",
        &session.to_string(),
        "--role",
        "participante",
        "--format",
        "json",
    ]));
    assert!(output.status.success(), "{}", stderr(&output));
    let invitation: Value = serde_json::from_slice(&output.stdout).unwrap();
    let from_file = Signer::load_or_create(dir.path(), None).unwrap();
    let claims = from_file
        .verify(invitation["token"].as_str().unwrap(), now)
        .unwrap();
    assert_eq!(claims.role, Role::Participante);
    assert_eq!(claims.name, None);
    assert!(
        (claims.exp - (now + 12 * 3600)).abs() < 60,
        "12 h by default"
    );

    for (args, expected) in [
        (vec!["--role", "observador", "--ttl", "doce"], "duración"),
        (vec!["--role", "jefe"], "jefe"),
    ] {
        let output = run(sala(dir.path())
            .env_remove("SALA_SECRET")
            .args(["invite", "--session", &session.to_string()])
            .args(args));
        assert!(!output.status.success());
        assert!(
            stderr(&output).to_lowercase().contains(expected),
            "{}",
            stderr(&output)
        );
    }
    let output = run(sala(dir.path()).env_remove("SALA_SECRET").args([
        "invite",
        "--session",
        "999999",
        "--role",
        "observador",
    ]));
    assert!(!output.status.success());
    assert!(stderr(&output).contains("999999"), "{}", stderr(&output));

    // Text output speaks Bogotá time, as the pages write it.
    let listed = run(sala(dir.path()).args(["session", "list", "--mesa", "local-07"]));
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(listed.contains("FECHA (BOGOTÁ)"), "{listed}");
    assert!(listed.contains("mié 10 mar 2027, 09:00"), "{listed}");
    let text = run(sala(dir.path()).env("SALA_SECRET", secret).args([
        "invite",
        "--mesa",
        "local-07",
        "--seq",
        "1",
        "--role",
        "observador",
    ]));
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("(hora de Bogotá)"), "{text}");

    // The Mesa page's "Sesión 1" is enough: --mesa and --seq name the same session.
    let by_seq = run(sala(dir.path()).env("SALA_SECRET", secret).args([
        "invite",
        "--mesa",
        "local-07",
        "--seq",
        "1",
        "--role",
        "coordinador",
        "--format",
        "json",
    ]));
    assert!(by_seq.status.success(), "{}", stderr(&by_seq));
    let by_seq: Value = serde_json::from_slice(&by_seq.stdout).unwrap();
    assert_eq!(by_seq["session"], session);
    let missing = run(sala(dir.path()).env("SALA_SECRET", secret).args([
        "invite",
        "--mesa",
        "local-07",
        "--seq",
        "9",
        "--role",
        "coordinador",
    ]));
    assert!(!missing.status.success());
    assert!(
        stderr(&missing).contains("no tiene sesión 9"),
        "{}",
        stderr(&missing)
    );

    // Without --seq it is the Mesa's own invitation (to decide escalations from its page).
    let mesa = run(sala(dir.path()).env("SALA_SECRET", secret).args([
        "invite",
        "--mesa",
        "zona-sur",
        "--role",
        "coordinador",
        "--format",
        "json",
    ]));
    assert!(mesa.status.success(), "{}", stderr(&mesa));
    let mesa: Value = serde_json::from_slice(&mesa.stdout).unwrap();
    let token = mesa["token"].as_str().unwrap();
    assert!(
        mesa["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/mesas/zona-sur?token={token}"))
    );
    let claims = Signer::new(secret.as_bytes()).verify(token, now).unwrap();
    assert_eq!(claims.mesa.as_deref(), Some("zona-sur"));
    assert_eq!(claims.session, 0, "a Mesa invitation opens no board");

    // Its help is in Spanish, roles included.
    let help = run(sala(dir.path()).args(["invite", "--help"]));
    let help = String::from_utf8_lossy(&help.stdout);
    for words in ["Coordina la reunión", "Solo lee", "Número de la sesión"] {
        assert!(help.contains(words), "{words} missing from:\n{help}");
    }
}
