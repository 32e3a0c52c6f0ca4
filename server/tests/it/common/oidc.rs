//! A real OpenID Connect provider for the sign-in tests: `node tools/oidc/provider.mjs`
//! (panva's certified `oidc-provider`) on 127.0.0.1, and a browser that walks its pages.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub const CLIENT_ID: &str = "sala-test";
pub const CLIENT_SECRET: &str = "sala-test-secret-that-is-long-enough";
/// Nothing listens here: the browser stops at the redirect, as a test of the real callback would
/// hand it to Sala instead.
pub const REDIRECT_URL: &str = "http://127.0.0.1:9/oidc/callback";

/// One account the provider knows (`sub` is also what the login form takes).
#[derive(serde::Serialize, Clone)]
pub struct Account {
    pub sub: &'static str,
    pub email: &'static str,
    pub email_verified: bool,
    pub name: &'static str,
}

#[derive(Default, Clone, Copy)]
pub struct ProviderOptions {
    /// `None`: any free port.
    pub port: Option<u16>,
    /// Email and name in the ID token as well as in UserInfo.
    pub claims_in_id_token: bool,
}

/// The provider process, killed on drop.
pub struct TestProvider {
    pub issuer: String,
    pub port: u16,
    child: Child,
}

fn tools_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace above server/")
        .join("tools/oidc")
}

impl TestProvider {
    /// Starts the provider, or `None` (with a note) when its npm packages are not installed,
    /// unless `SALA_REQUIRE_OIDC=1` (as in `make test` and CI), where that is a failure.
    pub async fn start(accounts: &[Account], options: ProviderOptions) -> Option<Self> {
        let dir = tools_dir();
        if !dir.join("node_modules/oidc-provider").is_dir() {
            assert!(
                std::env::var("SALA_REQUIRE_OIDC").as_deref() != Ok("1"),
                "SALA_REQUIRE_OIDC=1 but {}/node_modules is missing: run `npm ci` there \
                 (`make test-rust` does)",
                dir.display()
            );
            eprintln!(
                "tools/oidc/node_modules missing: skipping this OpenID Connect test \
                 (`cd tools/oidc && npm ci` to run it)"
            );
            return None;
        }
        let mut child = Command::new("node")
            .arg("provider.mjs")
            .current_dir(&dir)
            .env("OIDC_PORT", options.port.unwrap_or(0).to_string())
            .env("OIDC_CLIENT_ID", CLIENT_ID)
            .env("OIDC_CLIENT_SECRET", CLIENT_SECRET)
            .env("OIDC_REDIRECT_URI", REDIRECT_URL)
            .env(
                "OIDC_ACCOUNTS",
                serde_json::to_string(accounts).expect("accounts as JSON"),
            )
            .env(
                "OIDC_CLAIMS_IN_ID_TOKEN",
                if options.claims_in_id_token { "1" } else { "0" },
            )
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("run `node` (is Node.js installed?)");

        // Its warnings and errors go to the test's captured output, shown when a test fails.
        let stderr = child.stderr.take().expect("piped stderr");
        tokio::spawn(async move {
            let mut lines = BufReader::new(stderr).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                eprintln!("[oidc-provider] {line}");
            }
        });
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
        let issuer = tokio::time::timeout(Duration::from_secs(30), async {
            while let Some(line) = stdout.next_line().await.expect("provider's stdout") {
                if let Some(issuer) = line.strip_prefix("listening ") {
                    return issuer.to_owned();
                }
                eprintln!("[oidc-provider] {line}");
            }
            panic!("provider.mjs exited before listening (its stderr is above)");
        })
        .await
        .expect("provider.mjs listening within 30 s");
        tokio::spawn(async move {
            while let Ok(Some(line)) = stdout.next_line().await {
                eprintln!("[oidc-provider] {line}");
            }
        });
        let port = reqwest::Url::parse(&issuer)
            .ok()
            .and_then(|url| url.port())
            .expect("issuer with a port");
        Some(Self {
            issuer,
            port,
            child,
        })
    }

    pub fn config(&self) -> sala::oidc::OidcConfig {
        sala::oidc::OidcConfig {
            issuer: self.issuer.clone(),
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
            redirect_url: REDIRECT_URL.into(),
        }
    }

    /// Stops the process and waits until it is gone, so its port is free again.
    pub async fn stop(mut self) {
        self.child.kill().await.expect("kill provider");
    }
}

/// What the provider sent the browser back to Sala with.
#[derive(Debug)]
pub struct Callback {
    pub code: String,
    pub state: String,
}

/// A person in a browser: opens `authorize_url`, signs in as `login` on the provider's login
/// page, confirms the consent page, and is redirected to [`REDIRECT_URL`], where this stops.
pub async fn sign_in(authorize_url: &str, login: &str) -> Callback {
    let browser = reqwest::Client::builder()
        // The provider ties the interaction to its cookies.
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::custom(|attempt| {
            if attempt.url().as_str().starts_with(REDIRECT_URL) {
                attempt.stop()
            } else if attempt.previous().len() > 10 {
                attempt.error("too many redirects")
            } else {
                attempt.follow()
            }
        }))
        .timeout(Duration::from_secs(30))
        .build()
        .expect("browser");
    let mut response = browser
        .get(authorize_url)
        .send()
        .await
        .expect("GET authorize");
    for _ in 0..5 {
        if response.status().is_redirection() {
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .expect("redirect with a Location")
                .to_owned();
            assert!(location.starts_with(REDIRECT_URL), "{location}");
            let url = reqwest::Url::parse(&location).expect("callback URL");
            let param = |name: &str| {
                url.query_pairs()
                    .find(|(key, _)| key == name)
                    .map(|(_, value)| value.into_owned())
                    .unwrap_or_else(|| panic!("no `{name}` in {location}"))
            };
            return Callback {
                code: param("code"),
                state: param("state"),
            };
        }
        let page_url = response.url().clone();
        let status = response.status();
        let page = response.text().await.expect("page");
        assert!(status.is_success(), "{status} at {page_url}: {page}");
        let action = attribute_after(&page, "<form", "action").expect("a form on the page");
        let prompt = attribute_after(&page, "name=\"prompt\"", "value").expect("a prompt");
        let form: Vec<(&str, &str)> = match prompt.as_str() {
            "login" => vec![("prompt", "login"), ("login", login), ("password", "any")],
            "consent" => vec![("prompt", "consent")],
            other => panic!("unexpected prompt {other} at {page_url}"),
        };
        let target = page_url.join(&action).expect("form action URL");
        response = browser
            .post(target)
            .form(&form)
            .send()
            .await
            .expect("POST form");
    }
    panic!("no redirect to {REDIRECT_URL} after login and consent");
}

/// The value of `attribute` in the first tag from `marker` on (the dev pages are simple HTML).
fn attribute_after(page: &str, marker: &str, attribute: &str) -> Option<String> {
    let from = &page[page.find(marker)?..];
    let tag = &from[..from.find('>')?];
    let start = tag.find(&format!("{attribute}=\""))? + attribute.len() + 2;
    let value = &tag[start..start + tag[start..].find('"')?];
    Some(value.replace("&amp;", "&"))
}
