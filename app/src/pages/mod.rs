//! Pages and the shell around them. Every route renders completely on the server (`SsrMode::Async`)
//! so the HTML is final before hydration: no loading flashes and no layout shift on a projector.

mod account;
mod acta;
pub(crate) mod board;
mod common;
mod dashboard;
mod escalations;
mod event_stream;
mod guests;
mod home;
mod indicators;
mod mesa;
mod records;
mod register;
mod session;
mod situation;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

use account::{AccountPage, AuditPage, MailPage, PeoplePage, PrivacyPage, SetupPage, SignInPage};
use acta::ActaPage;
use common::NotFound;
use dashboard::DashboardPage;
use home::HomePage;
use indicators::{ImportPage, IndicatorPage, IndicatorsPage};
use mesa::MesaPage;
use records::{BarrierChainPage, CommitmentPage, ProjectorPage, ReviewPage};
use register::{RegisterImportPage, RegisterPage};
use session::SessionPage;
use situation::SituationPage;

pub fn shell(options: LeptosOptions) -> impl IntoView {
    content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="es">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
                // Keeps the board's page and assets available offline (network first, cache as
                // fallback); edits made offline live in localStorage until the socket returns.
                <script nonce=leptos::nonce::use_nonce()>
                    "if ('serviceWorker' in navigator) { navigator.serviceWorker.register('/sw.js').catch(() => {}); }"
                </script>
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The page's Content-Security-Policy: scripts only with this response's nonce (Leptos puts it on
/// its hydration and resource scripts) and what they load (`'strict-dynamic'`: the wasm glue);
/// WebAssembly may compile; everything else from this site only. Style attributes stay allowed
/// (the board colours presence markers with validated `#rrggbb` values).
fn content_security_policy() {
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) {
        let policy = format!(
            "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
             style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
             worker-src 'self'; manifest-src 'self'; frame-ancestors 'none'; object-src 'none'; \
             base-uri 'none'; form-action 'self'"
        );
        if let Ok(value) = http::HeaderValue::from_str(&policy) {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Effects run only in the browser, after hydration: the attribute tells people's assistive
    // tools and our end-to-end tests that the page is interactive.
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Stylesheet id="leptos" href="/pkg/sala.css" />
        <Router>
            <a class="skip-link" href="#contenido">
                "Saltar al contenido"
            </a>
            <header class="topbar">
                <a class="brand" href="/">
                    "Sala situacional"
                </a>
                <span class="tagline">"Modelo MAS Bienestar · Bogotá D.C."</span>
                <nav class="topnav" aria-label="Principal">
                    <a href="/">"Mesas"</a>
                    <a href="/tablero">"Tablero de gestión"</a>
                    <a href="/indicadores">"Indicadores"</a>
                    <a href="/activos">"Activos"</a>
                    <WhoAmI />
                </nav>
            </header>
            <main id="contenido" tabindex="-1">
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/mesas/:code") view=MesaPage ssr=SsrMode::Async />
                    <Route path=path!("/tablero") view=DashboardPage ssr=SsrMode::Async />
                    <Route path=path!("/indicadores") view=IndicatorsPage ssr=SsrMode::Async />
                    <Route path=path!("/activos") view=RegisterPage ssr=SsrMode::Async />
                    <Route path=path!("/activos/cargas/:id") view=RegisterImportPage ssr=SsrMode::Async />
                    <Route path=path!("/sala/:mesa") view=SituationPage ssr=SsrMode::Async />
                    <Route path=path!("/indicadores/importaciones/:id") view=ImportPage ssr=SsrMode::Async />
                    <Route path=path!("/indicadores/:code") view=IndicatorPage ssr=SsrMode::Async />
                    <Route path=path!("/barreras/:session/:barrier") view=BarrierChainPage ssr=SsrMode::Async />
                    <Route path=path!("/compromisos/:session/:id") view=CommitmentPage ssr=SsrMode::Async />
                    <Route path=path!("/sesiones/:id") view=SessionPage ssr=SsrMode::Async />
                    <Route path=path!("/sesiones/:id/proyector") view=ProjectorPage ssr=SsrMode::Async />
                    <Route path=path!("/sesiones/:id/acta") view=ActaPage ssr=SsrMode::Async />
                    <Route path=path!("/sesiones/:id/revision") view=ReviewPage ssr=SsrMode::Async />
                    <Route path=path!("/entrar") view=SignInPage ssr=SsrMode::Async />
                    <Route path=path!("/configurar") view=SetupPage ssr=SsrMode::Async />
                    <Route path=path!("/cuenta") view=AccountPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/personas") view=PeoplePage ssr=SsrMode::Async />
                    <Route path=path!("/admin/auditoria") view=AuditPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/correo") view=MailPage ssr=SsrMode::Async />
                    <Route path=path!("/privacidad") view=PrivacyPage ssr=SsrMode::Async />
                </Routes>
            </main>
            <footer class="footer">
                <a href="/privacidad">"Aviso de privacidad"</a>
                " · Sala situacional · Modelo MAS Bienestar"
            </footer>
        </Router>
    }
}

/// The signed-in person's name (to their account) or *Entrar*.
#[component]
fn WhoAmI() -> impl IntoView {
    // Asked again after each navigation: signing in or out changes it without a page load.
    let location = leptos_router::hooks::use_location();
    let me = Resource::new(
        move || location.pathname.get(),
        |_| crate::api::accounts::fetch_whoami(),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                // One element either way: its attributes and text follow who is signed in.
                let (href, text, state) = match me.await {
                    Ok(Some(name)) => ("/cuenta", name, "dentro"),
                    _ => ("/entrar", "Entrar".to_owned(), "fuera"),
                };
                view! { <a href=href data-whoami=state>{text}</a> }
            })}
        </Suspense>
    }
}
