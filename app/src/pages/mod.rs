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
use leptos_meta::{MetaTags, provide_meta_context};
use leptos_router::{
    Lazy, LazyRoute, SsrMode,
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

use crate::api::codec::page_data;

pub fn shell(options: LeptosOptions) -> impl IntoView {
    content_security_policy();
    // In the shell, not in `App`: the bundle's directory is named by its content hash
    // (`xtask`), which only the server knows; the body the browser hydrates never names it.
    let stylesheet = format!("/{}/sala.css", options.site_pkg_dir);
    view! {
        <!DOCTYPE html>
        <html lang="es">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="stylesheet" href=stylesheet />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
                // Keeps the board's page and assets available offline (network first, cache as
                // fallback); edits made offline live in localStorage until the socket returns.
                // Registered once the page has loaded: on mobile data the worker's own fetches
                // must not compete with the page's first download.
                <script nonce=leptos::nonce::use_nonce()>
                    "if ('serviceWorker' in navigator) { addEventListener('load', () => navigator.serviceWorker.register('/sw.js').catch(() => {})); }"
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

/// The pages, grouped into wasm modules of their own (split points, `xtask`): the browser
/// downloads a group only when it shows one of its pages, so the home page never loads the
/// board's CRDT. A split point per page made ~770 modules (one per set of pages sharing code),
/// far too many requests on mobile data; eight groups make a few dozen. The group functions name
/// the modules (`xtask/src/budget.rs` weighs them).
#[derive(Clone, Copy)]
enum Page {
    Home,
    Privacy,
    Mesa,
    Acta,
    Commitment,
    BarrierChain,
    Session,
    Projector,
    Review,
    Dashboard,
    Situation,
    Indicators,
    Indicator,
    Import,
    Register,
    RegisterImport,
    SignIn,
    Setup,
    Account,
    People,
    Audit,
    Mail,
}

/// The home page and the privacy notice: what a first visit shows.
#[leptos::lazy]
fn home_pages(page: Page) -> AnyView {
    match page {
        Page::Home => view! { <HomePage /> }.into_any(),
        Page::Privacy => view! { <PrivacyPage /> }.into_any(),
        _ => view! { <NotFound /> }.into_any(),
    }
}

/// A Mesa's page: its chain, members and sessions, and the forms to schedule them.
#[leptos::lazy]
fn mesa_pages(page: Page) -> AnyView {
    match page {
        Page::Mesa => view! { <MesaPage /> }.into_any(),
        _ => view! { <NotFound /> }.into_any(),
    }
}

/// A Mesa's records: actas, the review of a past board, commitments followed across sessions,
/// escalated barriers.
#[leptos::lazy]
fn record_pages(page: Page) -> AnyView {
    match page {
        Page::Acta => view! { <ActaPage /> }.into_any(),
        Page::Review => view! { <ReviewPage /> }.into_any(),
        Page::Commitment => view! { <CommitmentPage /> }.into_any(),
        Page::BarrierChain => view! { <BarrierChainPage /> }.into_any(),
        _ => view! { <NotFound /> }.into_any(),
    }
}

/// The live board, where a meeting is typed (with yrs).
#[leptos::lazy]
fn board_pages(page: Page) -> AnyView {
    match page {
        Page::Session => view! { <SessionPage /> }.into_any(),
        _ => view! { <NotFound /> }.into_any(),
    }
}

/// The projector: the live board, read-only, for the room's screen (its own module: it needs
/// none of the board's forms).
#[leptos::lazy]
fn projector_pages(page: Page) -> AnyView {
    match page {
        Page::Projector => view! { <ProjectorPage /> }.into_any(),
        _ => view! { <NotFound /> }.into_any(),
    }
}

/// The district's management dashboard.
#[leptos::lazy]
fn dashboard_pages(page: Page) -> AnyView {
    match page {
        Page::Dashboard => view! { <DashboardPage /> }.into_any(),
        _ => view! { <NotFound /> }.into_any(),
    }
}

/// The territory: situation room, indicators and their imports, the register of assets.
#[leptos::lazy]
fn territory_pages(page: Page) -> AnyView {
    match page {
        Page::Situation => view! { <SituationPage /> }.into_any(),
        Page::Indicators => view! { <IndicatorsPage /> }.into_any(),
        Page::Indicator => view! { <IndicatorPage /> }.into_any(),
        Page::Import => view! { <ImportPage /> }.into_any(),
        Page::Register => view! { <RegisterPage /> }.into_any(),
        Page::RegisterImport => view! { <RegisterImportPage /> }.into_any(),
        _ => view! { <NotFound /> }.into_any(),
    }
}

/// Signing in, one's account and the administration.
#[leptos::lazy]
fn account_pages(page: Page) -> AnyView {
    match page {
        Page::SignIn => view! { <SignInPage /> }.into_any(),
        Page::Setup => view! { <SetupPage /> }.into_any(),
        Page::Account => view! { <AccountPage /> }.into_any(),
        Page::People => view! { <PeoplePage /> }.into_any(),
        Page::Audit => view! { <AuditPage /> }.into_any(),
        Page::Mail => view! { <MailPage /> }.into_any(),
        _ => view! { <NotFound /> }.into_any(),
    }
}

/// Routes whose views come from one group's module. `preload` fetches the module while the
/// route's data loads; hydration waits for it, so the page hydrates in one pass (without it the
/// router found the module missing and the server's HTML mismatched).
macro_rules! lazy_pages {
    ($group:ident, $preload:ident: $($route:ident => $page:ident),+ $(,)?) => {
        $(
            struct $route;

            impl LazyRoute for $route {
                fn data() -> Self {
                    Self
                }

                async fn view(_this: Self) -> AnyView {
                    let view = $group(Page::$page).await;
                    common::mark_interactive();
                    view
                }

                async fn preload() {
                    #[cfg(target_arch = "wasm32")]
                    $preload().await;
                }
            }
        )+
    };
}

lazy_pages!(home_pages, __preload_home_pages: HomeRoute => Home, PrivacyRoute => Privacy);
lazy_pages!(mesa_pages, __preload_mesa_pages: MesaRoute => Mesa);
lazy_pages!(record_pages, __preload_record_pages:
    ActaRoute => Acta,
    ReviewRoute => Review,
    CommitmentRoute => Commitment,
    BarrierChainRoute => BarrierChain,
);
lazy_pages!(board_pages, __preload_board_pages: SessionRoute => Session);
lazy_pages!(projector_pages, __preload_projector_pages: ProjectorRoute => Projector);
lazy_pages!(dashboard_pages, __preload_dashboard_pages: DashboardRoute => Dashboard);
lazy_pages!(territory_pages, __preload_territory_pages:
    SituationRoute => Situation,
    IndicatorsRoute => Indicators,
    IndicatorRoute => Indicator,
    ImportRoute => Import,
    RegisterRoute => Register,
    RegisterImportRoute => RegisterImport,
);
lazy_pages!(account_pages, __preload_account_pages:
    SignInRoute => SignIn,
    SetupRoute => Setup,
    AccountRoute => Account,
    PeopleRoute => People,
    AuditRoute => Audit,
    MailRoute => Mail,
);

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
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
                    <Route path=path!("/") view={Lazy::<HomeRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/mesas/:code") view={Lazy::<MesaRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/tablero") view={Lazy::<DashboardRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/indicadores") view={Lazy::<IndicatorsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/activos") view={Lazy::<RegisterRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/activos/cargas/:id") view={Lazy::<RegisterImportRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/sala/:mesa") view={Lazy::<SituationRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/indicadores/importaciones/:id") view={Lazy::<ImportRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/indicadores/:code") view={Lazy::<IndicatorRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/barreras/:session/:barrier") view={Lazy::<BarrierChainRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/compromisos/:session/:id") view={Lazy::<CommitmentRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/sesiones/:id") view={Lazy::<SessionRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/sesiones/:id/proyector") view={Lazy::<ProjectorRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/sesiones/:id/acta") view={Lazy::<ActaRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/sesiones/:id/revision") view={Lazy::<ReviewRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/entrar") view={Lazy::<SignInRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/configurar") view={Lazy::<SetupRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/cuenta") view={Lazy::<AccountRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/admin/personas") view={Lazy::<PeopleRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/admin/auditoria") view={Lazy::<AuditRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/admin/correo") view={Lazy::<MailRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/privacidad") view={Lazy::<PrivacyRoute>::new()} ssr=SsrMode::Async />
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
    let me = page_data(
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
