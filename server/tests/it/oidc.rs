//! Sign-in with OpenID Connect against a real provider (`tools/oidc/provider.mjs`): discovery,
//! the browser's trip through the provider's login and consent pages, and the code exchange with
//! every check `OidcClient::finish` promises.

use sala::oidc::{OidcClient, OidcError, PendingSignIn, email_for_linking};

use crate::common::oidc::{Account, ProviderOptions, TestProvider, sign_in};

const ANA: Account = Account {
    sub: "ana-1",
    email: "Ana.Perez@Uni.edu.co",
    email_verified: true,
    name: "Ana Pérez",
};

const BETO: Account = Account {
    sub: "beto-2",
    email: "beto@correo.example",
    email_verified: false,
    name: "Beto Ruiz",
};

async fn provider(options: ProviderOptions) -> Option<(TestProvider, OidcClient)> {
    let provider = TestProvider::start(&[ANA, BETO], options).await?;
    let client = OidcClient::discover(provider.config())
        .await
        .expect("discovery");
    Some((provider, client))
}

/// The same pending sign-in after a trip through JSON with `field` changed, as a row the caller
/// stored could come back.
fn altered(pending: &PendingSignIn, field: &str, value: serde_json::Value) -> PendingSignIn {
    let mut json = serde_json::to_value(pending).expect("pending as JSON");
    assert!(json.get(field).is_some(), "no field {field} in {json}");
    json[field] = value;
    serde_json::from_value(json).expect("pending from JSON")
}

fn assert_ana(identity: &sala::oidc::VerifiedIdentity, provider: &TestProvider) {
    assert_eq!(identity.issuer, provider.issuer);
    assert_eq!(identity.subject, "ana-1");
    assert_eq!(identity.email.as_deref(), Some("Ana.Perez@Uni.edu.co"));
    assert!(identity.email_verified);
    assert_eq!(identity.name.as_deref(), Some("Ana Pérez"));
    assert_eq!(
        email_for_linking(identity).expect("verified e-mail"),
        "ana.perez@uni.edu.co"
    );
}

#[tokio::test]
async fn a_person_signs_in_with_code_and_pkce() {
    let Some((provider, client)) = provider(ProviderOptions::default()).await else {
        return;
    };
    let (url, pending) = client.begin();
    let query: std::collections::HashMap<String, String> = reqwest::Url::parse(&url)
        .expect("authorize URL")
        .query_pairs()
        .into_owned()
        .collect();
    assert!(
        url.starts_with(&format!("{}/auth?", provider.issuer)),
        "{url}"
    );
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["scope"], "openid email profile");
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["state"], pending.state());

    // A JSON round trip, as the caller stores it between the two requests.
    let pending: PendingSignIn =
        serde_json::from_str(&serde_json::to_string(&pending).unwrap()).unwrap();
    let callback = sign_in(&url, ANA.sub).await;
    assert_eq!(callback.state, pending.state());
    // Spawned: the callback handler will run it on a multi-threaded runtime.
    let identity = tokio::spawn(async move {
        client
            .finish(pending, &callback.code, &callback.state)
            .await
    })
    .await
    .unwrap()
    .expect("sign-in finished");
    // By default this provider sends e-mail and name through UserInfo only, as the spec says for
    // the code flow.
    assert_ana(&identity, &provider);
}

#[tokio::test]
async fn claims_in_the_id_token_are_read_from_it() {
    let options = ProviderOptions {
        claims_in_id_token: true,
        ..Default::default()
    };
    let Some((provider, client)) = provider(options).await else {
        return;
    };
    let (url, pending) = client.begin();
    let callback = sign_in(&url, ANA.sub).await;
    let identity = client
        .finish(pending, &callback.code, &callback.state)
        .await
        .expect("sign-in finished");
    assert_ana(&identity, &provider);
}

#[tokio::test]
async fn a_callback_with_another_state_is_refused_before_the_code_is_spent() {
    let Some((provider, client)) = provider(ProviderOptions::default()).await else {
        return;
    };
    let (url, pending) = client.begin();
    let callback = sign_in(&url, ANA.sub).await;
    let error = client
        .finish(pending.clone(), &callback.code, "otro-state")
        .await
        .unwrap_err();
    assert!(matches!(error, OidcError::StateMismatch), "{error:?}");
    assert_eq!(
        error.to_string(),
        "La respuesta del proveedor no corresponde a este inicio de sesión (state)."
    );
    // The code was not sent anywhere: the genuine callback still works.
    let identity = client
        .finish(pending, &callback.code, &callback.state)
        .await
        .expect("the genuine callback");
    assert_ana(&identity, &provider);
}

#[tokio::test]
async fn an_unverified_email_is_not_used_for_linking() {
    let Some((provider, client)) = provider(ProviderOptions::default()).await else {
        return;
    };
    let (url, pending) = client.begin();
    let callback = sign_in(&url, BETO.sub).await;
    let identity = client
        .finish(pending, &callback.code, &callback.state)
        .await
        .expect("sign-in finished");
    assert_eq!(identity.issuer, provider.issuer);
    assert_eq!(identity.subject, "beto-2");
    assert_eq!(identity.email.as_deref(), Some("beto@correo.example"));
    assert!(!identity.email_verified);
    assert_eq!(identity.name.as_deref(), Some("Beto Ruiz"));
    let error = email_for_linking(&identity).unwrap_err();
    assert!(matches!(error, OidcError::EmailNotConfirmed), "{error:?}");
    assert!(
        error.to_string().contains("no confirmó su correo"),
        "{error}"
    );
}

#[tokio::test]
async fn a_sign_in_older_than_ten_minutes_is_refused() {
    let Some((_provider, client)) = provider(ProviderOptions::default()).await else {
        return;
    };
    let (url, pending) = client.begin();
    let callback = sign_in(&url, ANA.sub).await;
    let eleven_minutes_ago = chrono::Utc::now().timestamp() - 11 * 60;
    let stale = altered(&pending, "created_at", eleven_minutes_ago.into());
    let error = client
        .finish(stale, &callback.code, &callback.state)
        .await
        .unwrap_err();
    assert!(matches!(error, OidcError::Expired), "{error:?}");
}

#[tokio::test]
async fn the_provider_enforces_pkce_and_the_nonce_is_checked() {
    let Some((_provider, client)) = provider(ProviderOptions::default()).await else {
        return;
    };
    // Another verifier than the challenge was made from: the provider refuses the code.
    let (url, pending) = client.begin();
    let callback = sign_in(&url, ANA.sub).await;
    let wrong_verifier = altered(&pending, "pkce_verifier", "x".repeat(64).into());
    let error = client
        .finish(wrong_verifier, &callback.code, &callback.state)
        .await
        .unwrap_err();
    assert!(matches!(error, OidcError::CodeRefused(_)), "{error:?}");
    assert!(error.to_string().contains("invalid_grant"), "{error}");

    // An ID token minted for another sign-in's nonce is refused here.
    let (url, pending) = client.begin();
    let callback = sign_in(&url, ANA.sub).await;
    let wrong_nonce = altered(&pending, "nonce", "otro-nonce".into());
    let error = client
        .finish(wrong_nonce, &callback.code, &callback.state)
        .await
        .unwrap_err();
    assert!(matches!(error, OidcError::InvalidIdToken(_)), "{error:?}");
    assert!(error.to_string().contains("nonce"), "{error}");
}

#[tokio::test]
async fn new_signing_keys_are_fetched_when_the_provider_rotates_them() {
    let Some((first, client)) = provider(ProviderOptions::default()).await else {
        return;
    };
    // The same issuer restarted: provider.mjs makes a new signing key on every start.
    let port = first.port;
    first.stop().await;
    let options = ProviderOptions {
        port: Some(port),
        ..Default::default()
    };
    let second = TestProvider::start(&[ANA, BETO], options)
        .await
        .expect("provider restarted");
    let (url, pending) = client.begin();
    let callback = sign_in(&url, ANA.sub).await;
    let identity = client
        .finish(pending, &callback.code, &callback.state)
        .await
        .expect("sign-in with the rotated key");
    assert_ana(&identity, &second);
}

#[tokio::test]
async fn an_unreachable_or_plain_http_issuer_is_refused_in_spanish() {
    let port = crate::common::binary::free_port();
    let config = |issuer: String| sala::oidc::OidcConfig {
        issuer,
        client_id: "c".into(),
        client_secret: "s".into(),
        redirect_url: "https://sala.example/oidc/callback".into(),
    };
    let error = OidcClient::discover(config(format!("http://127.0.0.1:{port}")))
        .await
        .err()
        .expect("nobody listens there");
    assert!(matches!(error, OidcError::Unreachable(_)), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with("El proveedor de identidad no respondió: "),
        "{error}"
    );
    let error = OidcClient::discover(config("http://idp.uni.edu.co".into()))
        .await
        .err()
        .expect("plain http off the machine");
    assert!(
        matches!(error, OidcError::InsecureIssuer { .. }),
        "{error:?}"
    );
}

/// The whole single sign-on on the real server: `/entrar/sso` sends the browser to the provider,
/// the provider sends it back to `/entrar/sso/respuesta`, and the person is signed in to the
/// account with their verified e-mail; an unverified or unknown e-mail is refused, saying why.
#[tokio::test]
async fn single_sign_on_links_the_account_with_the_verified_email() {
    use crate::common::oidc::REDIRECT_URL;
    let Some(provider) = TestProvider::start(&[ANA, BETO], ProviderOptions::default()).await else {
        return;
    };
    let sso = sala::identity::SingleSignOn::new(provider.config(), "Entrar con la Subred".into());
    let server = crate::common::TestServer::start_with_identity(
        sala::sync::SyncLimits::default(),
        sala::identity::IdentityConfig {
            sso: Some(sso),
            ..Default::default()
        },
    )
    .await;
    let (_, page) = server.get_text("/entrar").await;
    assert!(page.contains("Entrar con la Subred"), "the button");
    for (email, verified) in [
        ("ana.perez@uni.edu.co", true),
        ("beto@correo.example", false),
    ] {
        let request = app::domain::identity::AccountRequest {
            email: email.into(),
            name: format!("Cuenta {email} {verified}"),
            ..Default::default()
        };
        server
            .store
            .create_account(&request.validate().unwrap(), false, chrono::Utc::now())
            .await
            .unwrap();
    }
    // A browser's trip: Sala → provider → back to Sala (the redirect URL registered for the
    // test client stands for Sala's callback; its query is handed to the real route).
    let issuer = provider.issuer.clone();
    let trip = |login: &'static str| {
        let server = &server;
        let issuer = issuer.clone();
        async move {
            let start = server
                .client
                .get(server.url("/entrar/sso?siguiente=/cuenta"))
                .send()
                .await
                .unwrap();
            assert_eq!(start.status(), 303);
            let authorize = start.headers()["location"].to_str().unwrap().to_owned();
            assert!(authorize.starts_with(&issuer), "{authorize}");
            let back = sign_in(&authorize, login).await;
            let callback = format!(
                "/entrar/sso/respuesta?code={}&state={}",
                back.code, back.state
            );
            assert!(REDIRECT_URL.starts_with("http://"));
            server
                .client
                .get(server.url(&callback))
                .send()
                .await
                .unwrap()
        }
    };
    let ana = trip("ana-1").await;
    assert_eq!(ana.status(), 303);
    assert_eq!(ana.headers()["location"], "/cuenta");
    let cookie = crate::identity::cookie_from(&ana, "sala_sesion").expect("signed in");
    let (status, html) = crate::identity::Browser { cookie }
        .get(&server, "/cuenta")
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("ana.perez@uni.edu.co"), "{html}");
    let linked = server
        .store
        .account_by_subject(&format!("{}|ana-1", provider.issuer))
        .await
        .unwrap();
    assert!(linked.is_some(), "linked to the provider's subject");

    let beto = trip("beto-2").await;
    assert_eq!(
        beto.headers()["location"],
        "/entrar?sso=correo-sin-verificar"
    );
    assert!(crate::identity::cookie_from(&beto, "sala_sesion").is_none());

    // A replayed or forged callback signs nobody in.
    let forged = server
        .client
        .get(server.url("/entrar/sso/respuesta?code=x&state=nada"))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.headers()["location"], "/entrar?sso=vencido");
    provider.stop().await;
}
