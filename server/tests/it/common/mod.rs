//! Helpers shared by the integration tests: real databases and a real server on a random port.

pub mod binary;
mod forms;
pub mod oidc;
pub mod smtp;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};

use sala::http::{self, AppState};
use sala::store::{DatabaseTarget, Store};
use sqlx::Connection;
use tempfile::TempDir;

/// A store on a fresh SQLite file; the folder lives as long as the returned guard.
pub async fn sqlite_store() -> (Store, TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let target = DatabaseTarget::resolve(None, dir.path()).expect("sqlite target");
    let store = Store::open(&target).await.expect("open sqlite store");
    (store, dir)
}

/// A fresh PostgreSQL database, dropped by [`PostgresDb::drop_database`].
pub struct PostgresDb {
    pub store: Store,
    admin_url: String,
    name: String,
}

impl PostgresDb {
    /// The database's name (the suite makes each one fresh).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its URL, with the admin role's credentials (for a `sala` process of its own).
    pub fn url(&self) -> String {
        let base = self
            .admin_url
            .rsplit_once('/')
            .map_or(self.admin_url.as_str(), |(base, _)| base);
        format!("{base}/{}", self.name)
    }

    pub async fn drop_database(self) {
        self.store.close().await;
        let mut admin = sqlx::PgConnection::connect(&self.admin_url)
            .await
            .expect("admin connection");
        // FORCE ends the test's own connections, but an autovacuum worker (the superuser's) on
        // the just-filled database cannot be ended by this role: wait for it to finish.
        let drop = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
        for attempt in 0.. {
            match sqlx::query(&drop).execute(&mut admin).await {
                Ok(_) => return,
                Err(sqlx::Error::Database(e))
                    if e.code().as_deref() == Some("42501") && attempt < 40 =>
                {
                    tokio::time::sleep(std::time::Duration::from_millis(250)).await;
                }
                Err(error) => panic!("drop test database: {error}"),
            }
        }
    }
}

/// `SALA_TEST_POSTGRES_URL` names a role allowed to create databases (`make test` starts one).
/// Without it the PostgreSQL half of the suite is skipped, unless `SALA_REQUIRE_POSTGRES=1`
/// (as in `make test` and CI), where a missing server is a failure, not a silent pass.
pub async fn postgres_db() -> Option<PostgresDb> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let Ok(admin_url) = std::env::var("SALA_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var("SALA_REQUIRE_POSTGRES").as_deref() != Ok("1"),
            "SALA_REQUIRE_POSTGRES=1 but SALA_TEST_POSTGRES_URL is not set"
        );
        eprintln!("SALA_TEST_POSTGRES_URL not set: skipping the PostgreSQL run of this test");
        return None;
    };
    let name = format!(
        "sala_test_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    let mut admin = sqlx::PgConnection::connect(&admin_url)
        .await
        .expect("connect to SALA_TEST_POSTGRES_URL");
    sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .execute(&mut admin)
        .await
        .expect("drop stale test database");
    // PostgreSQL refuses concurrent CREATE DATABASE from one template ("source database is being
    // accessed by other users") now and then when many tests start at once: try again.
    let mut attempt = 0;
    loop {
        match sqlx::query(&format!("CREATE DATABASE \"{name}\""))
            .execute(&mut admin)
            .await
        {
            Ok(_) => break,
            Err(error) if attempt < 10 => {
                attempt += 1;
                eprintln!("CREATE DATABASE {name} failed ({error}); retrying");
                tokio::time::sleep(std::time::Duration::from_millis(100 * attempt)).await;
            }
            Err(error) => panic!("create test database: {error}"),
        }
    }
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url.as_str(), |(base, _)| base);
    let url = format!("{base}/{name}");
    let target = DatabaseTarget::resolve(Some(&url), std::path::Path::new(".")).expect("pg target");
    let store = Store::open(&target).await.expect("open postgres store");
    Some(PostgresDb {
        store,
        admin_url,
        name,
    })
}

pub const TEST_SECRET: &str = "test-secret-test-secret-test-secret!";

/// An invitation to `session` signed with the test servers' secret, valid for `ttl` seconds
/// (negative: already expired).
pub fn invitation(session: i64, role: sala::auth::Role, ttl: i64) -> String {
    sala::auth::Signer::new(TEST_SECRET.as_bytes().to_vec()).sign(&sala::auth::Claims {
        session,
        role,
        exp: chrono::Utc::now().timestamp() + ttl,
        nonce: "n".into(),
        name: None,
        mesa: None,
    })
}

/// A Mesa-wide invitation of its coordination (`sala invite --mesa … --role coordinador`): what
/// scripts use to schedule sessions and manage members.
pub fn coordination(mesa: &str) -> String {
    sala::auth::Signer::new(TEST_SECRET.as_bytes().to_vec()).sign(&sala::auth::Claims {
        session: 0,
        role: sala::auth::Role::Coordinador,
        exp: chrono::Utc::now().timestamp() + 3600,
        nonce: format!("coordinacion-{mesa}"),
        name: Some("Coordinación de prueba".into()),
        mesa: Some(mesa.into()),
    })
}

/// A board record as a test writes it: root, id, and its fields as plain texts.
pub type PlainRecord<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);

/// The real HTTP server on 127.0.0.1:0 over a fresh SQLite store.
pub struct TestServer {
    pub addr: SocketAddr,
    pub store: Store,
    /// The server's rooms, to observe loading and eviction.
    pub sync: sala::sync::SyncHub,
    /// Its accounts and web sessions (tests make people without going through pages).
    pub identity: sala::identity::Identity,
    pub client: reqwest::Client,
    /// The whole server state (its metrics, its budgets).
    pub state: AppState,
    _dir: TempDir,
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(sala::sync::SyncLimits::default()).await
    }

    pub async fn start_with(limits: sala::sync::SyncLimits) -> Self {
        Self::start_with_identity(limits, sala::identity::IdentityConfig::default()).await
    }

    pub async fn start_with_identity(
        limits: sala::sync::SyncLimits,
        identity: sala::identity::IdentityConfig,
    ) -> Self {
        Self::start_with_all(limits, identity, http::HttpLimits::default()).await
    }

    pub async fn start_with_http(http_limits: http::HttpLimits) -> Self {
        Self::start_with_all(
            sala::sync::SyncLimits::default(),
            sala::identity::IdentityConfig::default(),
            http_limits,
        )
        .await
    }

    pub async fn start_with_all(
        limits: sala::sync::SyncLimits,
        identity: sala::identity::IdentityConfig,
        http_limits: http::HttpLimits,
    ) -> Self {
        let (store, dir) = sqlite_store().await;
        Self::start_on(store, dir, limits, identity, http_limits).await
    }

    /// A server on `store` (a SQLite file on a small disk, a PostgreSQL the test restarts).
    pub async fn start_on(
        store: Store,
        dir: TempDir,
        limits: sala::sync::SyncLimits,
        identity: sala::identity::IdentityConfig,
        http_limits: http::HttpLimits,
    ) -> Self {
        Self::start_mailing(store, dir, limits, identity, http_limits, None).await
    }

    /// A server on `store` sending mail through the SMTP server at `smtp_url` (reminders from
    /// hour 0, so the day's go out as it starts).
    pub async fn start_with_smtp(store: Store, dir: TempDir, smtp_url: &str) -> Self {
        Self::start_mailing(
            store,
            dir,
            Default::default(),
            Default::default(),
            Default::default(),
            Some(smtp_url.to_owned()),
        )
        .await
    }

    async fn start_mailing(
        store: Store,
        dir: TempDir,
        limits: sala::sync::SyncLimits,
        identity: sala::identity::IdentityConfig,
        http_limits: http::HttpLimits,
        smtp_url: Option<String>,
    ) -> Self {
        // `RUST_LOG=sala=debug cargo test …` shows the server's side of a failing test.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let options = leptos::config::LeptosOptions::builder()
            .output_name("sala")
            .site_root(dir.path().join("site").to_string_lossy().into_owned())
            .site_pkg_dir("pkg")
            .site_addr(addr)
            .env(leptos::config::Env::PROD)
            .build();
        let signer = sala::auth::Signer::new(TEST_SECRET.as_bytes().to_vec());
        let postman = match smtp_url {
            Some(smtp_url) => sala::mail::start(
                store.clone(),
                sala::mail::MailConfig {
                    smtp_url,
                    from: "Sala situacional <sala@sala.test>".into(),
                    origin: format!("http://{addr}"),
                    send_timeout: std::time::Duration::from_secs(10),
                    reminder_days: sala::mail::reminders::DEFAULT_DAYS_BEFORE.to_vec(),
                    reminder_hour: 0,
                },
            )
            .expect("mail configured"),
            None => sala::mail::Postman::default(),
        };
        let state = AppState::with_mail(
            options,
            store.clone(),
            signer,
            limits,
            true,
            identity,
            postman,
        )
        .with_http_limits(http_limits);
        let sync = state.sync.clone();
        let identity = state.identity.clone();
        let app_state = state.clone();
        tokio::spawn(http::serve(listener, state, std::future::pending()));
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // A request the server never answers fails the test instead of hanging it.
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .expect("client");
        Self {
            addr,
            store,
            sync,
            identity,
            client,
            state: app_state,
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub async fn post_json(&self, path: &str, body: serde_json::Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .expect("POST")
    }

    /// A POST with `Authorization: Bearer token`.
    pub async fn post_json_as(
        &self,
        path: &str,
        body: serde_json::Value,
        token: &str,
    ) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("POST")
    }

    /// A GET of a page as a browser that opened the invitation `token` (its cookie).
    pub async fn get_page_as(&self, path: &str, token: &str) -> (u16, String) {
        let response = self
            .client
            .get(self.url(path))
            .header("cookie", format!("sala_invitacion={token}"))
            .send()
            .await
            .expect("GET");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    /// A personal access token of a district administrator (who reads every board and
    /// dashboard), for tests that read as someone allowed to.
    pub async fn district_reader(&self) -> String {
        let request = app::domain::identity::AccountRequest {
            email: format!("lectura-{}@sala.local", self.addr.port()),
            name: "Lectura distrital".into(),
            ..Default::default()
        };
        let account = match self.store.account_by_email(&request.email).await.unwrap() {
            Some(stored) => stored.account,
            None => self
                .identity
                .create_account(&request.validate().unwrap(), true)
                .await
                .unwrap(),
        };
        self.identity
            .mint_access_token(account.id, "pruebas")
            .await
            .unwrap()
            .1
    }

    /// A page's multipart form posting one file as `field`, as a browser does (no redirects
    /// followed, so the test sees where the form sends it).
    pub async fn post_file_form(
        &self,
        path: &str,
        token: &str,
        field: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> reqwest::Response {
        let boundary = "sala-prueba-limite";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
            .post(self.url(path))
            .bearer_auth(token)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .expect("POST form")
    }

    /// A Yjs client on `session`'s board with an invitation for `role`, synced once.
    pub async fn board_client(
        &self,
        session: i64,
        role: sala::auth::Role,
    ) -> sala::sync::client::SyncClient {
        let url = format!(
            "ws://{}/sync/{session}?token={}",
            self.addr,
            invitation(session, role, 3600)
        );
        let mut client = sala::sync::client::SyncClient::connect(&url, 5)
            .await
            .expect("connect");
        tokio::time::timeout(std::time::Duration::from_secs(10), client.sync())
            .await
            .expect("synced in time")
            .expect("sync");
        client
    }

    /// Writes `records` (root, id, fields) on `session`'s board over the sync protocol, as a
    /// participant's browser would; returns once the room has stored them.
    pub async fn write_board(&self, session: i64, records: &[PlainRecord<'_>]) {
        use app::domain::board::{Field, put_record};
        use yrs::Transact;
        let mut client = self
            .board_client(session, sala::auth::Role::Participante)
            .await;
        let update = {
            let mut txn = client.doc.transact_mut();
            for (root, id, fields) in records {
                let fields: Vec<(&str, Field)> = fields
                    .iter()
                    .map(|(key, value)| (*key, Field::Text((*value).to_owned())))
                    .collect();
                put_record(&mut txn, root, id, &fields, "Ana", 1.0);
            }
            txn.encode_update_v1()
        };
        client
            .send(sala::sync::protocol::update(&update))
            .await
            .expect("update sent");
        // The room answers this round trip only after the update before it is stored.
        tokio::time::timeout(std::time::Duration::from_secs(10), client.sync())
            .await
            .expect("synced in time")
            .expect("sync");
    }

    /// A personal access token of a person who coordinates `mesa`.
    pub async fn coordinator(&self, email: &str, mesa: &str) -> String {
        let request = app::domain::identity::AccountRequest {
            email: email.into(),
            name: "Coordinación local".into(),
            ..Default::default()
        };
        let account = self
            .identity
            .create_account(&request.validate().unwrap(), false)
            .await
            .unwrap();
        self.store
            .grant_role(
                account.id,
                mesa,
                app::domain::identity::MesaRole::Coordinador,
            )
            .await
            .unwrap();
        self.identity
            .mint_access_token(account.id, "pruebas")
            .await
            .unwrap()
            .1
    }

    /// A GET with `Authorization: Bearer token`: status and body.
    pub async fn get_text_as(&self, path: &str, token: &str) -> (u16, String) {
        let response = self
            .client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("GET");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    /// A GET whose answer must be JSON, with `Authorization: Bearer token`.
    pub async fn get_json_as(&self, path: &str, token: &str) -> serde_json::Value {
        let response = self
            .client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("GET");
        response.json().await.expect("JSON body")
    }

    /// A GET whose answer must be JSON.
    pub async fn get_json(&self, path: &str) -> serde_json::Value {
        let response = self.client.get(self.url(path)).send().await.expect("GET");
        response.json().await.expect("JSON body")
    }

    /// Schedules a session of `mesa` at `at` (Bogotá time, `YYYY-MM-DDTHH:MM`).
    pub async fn schedule_session(&self, mesa: &str, at: &str) -> i64 {
        let request = app::domain::ScheduleRequest {
            mesa: mesa.into(),
            at: at.into(),
            place: String::new(),
            mode: "mixta".into(),
            confirmed: true,
        };
        let now = chrono::Utc::now();
        self.store
            .create_session_with_board(&request.validate(now).expect("valid"), now, |carried| {
                sala::sync::followup::seed_update(carried, now)
            })
            .await
            .expect("session scheduled")
            .id
    }

    /// Schedules a session and starts it.
    pub async fn started_session(&self, mesa: &str, at: &str) -> i64 {
        let id = self.schedule_session(mesa, at).await;
        self.store
            .change_session_status(id, app::domain::SessionAction::Iniciar, chrono::Utc::now())
            .await
            .expect("session started");
        id
    }

    pub async fn get_text(&self, path: &str) -> (u16, String) {
        let response = self.client.get(self.url(path)).send().await.expect("GET");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }
}

/// Runs each named `async fn(Store)` of the calling module once on SQLite and once on a real
/// PostgreSQL (skipped when none is configured, unless `SALA_REQUIRE_POSTGRES` says otherwise).
#[macro_export]
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let (store, _dir) = $crate::common::sqlite_store().await;
                    super::$name(store).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let Some(db) = $crate::common::postgres_db().await else { return };
                    super::$name(db.store.clone()).await;
                    db.drop_database().await;
                }
            )*
        }
    };
}
