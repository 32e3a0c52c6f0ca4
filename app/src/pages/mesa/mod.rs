//! A Mesa: who sits on it, its sessions, and the forms to schedule and correct sessions and to add,
//! correct and remove members.
//!
//! The page reloads its data only after a successful action (`saved`), so a refused submission
//! never wipes what the person typed, and a successful one leaves a fresh, empty form. An unknown
//! Mesa shows only the error, no forms.

mod agenda;
mod members;
mod series;
mod sessions;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::common::{ErrorNotice, bump_on_success};
use super::escalations::{EscalationInbox, InboxContext};
use crate::api::codec::page_data;
use crate::api::{AddMember, ScheduleSeries, ScheduleSession, fetch_mesa_detail};
use crate::domain::MesaDetail;
use agenda::StandingAgendaForm;
use members::{MemberForm, MemberTable};
use series::SeriesForm;
use sessions::{ScheduleForm, SessionTable};

#[component]
pub fn MesaPage() -> impl IntoView {
    let params = use_params_map();
    let code = Signal::derive(move || params.read().get("code").unwrap_or_default());

    let saved = RwSignal::new(0u32);
    let schedule = ServerAction::<ScheduleSession>::new();
    let series = ServerAction::<ScheduleSeries>::new();
    let add_member = ServerAction::<AddMember>::new();
    bump_on_success(schedule.value().into(), saved);
    bump_on_success(series.value().into(), saved);
    bump_on_success(add_member.value().into(), saved);
    let detail = page_data(
        move || (code.get(), saved.get()),
        move |(code, _)| fetch_mesa_detail(code),
    );
    view! {
        <Transition fallback=|| view! { <p>"Cargando Mesa…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => {
                        let powers = detail.powers;
                        let publishes = detail.publishes_actas;
                        let mail_enabled = detail.mail_enabled;
                        view! {
                        <div class="page page--mesa">
                            <div class="page__main">
                                <MesaOverview detail saved />
                                {powers.read_boards.then(|| view! {
                                    <section aria-labelledby="escalamientos-mesa" class="escalations">
                                        <h2 id="escalamientos-mesa">"Escalamientos"</h2>
                                        <EscalationInbox inbox=InboxContext {
                                            mesa: code,
                                            session: None,
                                            by: Signal::stored(String::new()),
                                            active: Signal::stored(true),
                                            refresh: RwSignal::new(0),
                                        } />
                                    </section>
                                })}
                            </div>
                            <aside class="page__aside">
                                {(!powers.signed_in).then(|| view! {
                                    <section class="card" data-sign-in-hint>
                                        <h2>"¿Coordina o integra esta Mesa?"</h2>
                                        <p>"Inicie sesión para programar sesiones, gestionar integrantes y ver los tableros."</p>
                                        <a class="button" href=move || format!("/entrar?siguiente=/mesas/{}", code.get())>"Iniciar sesión"</a>
                                    </section>
                                })}
                                {powers.schedule.then(|| view! {
                                    <MailNotice enabled=mail_enabled />
                                    <ScheduleForm mesa=code action=schedule />
                                    <SeriesForm mesa=code action=series />
                                    <StandingAgendaForm mesa=code />
                                    <PublishActas mesa=code publishes />
                                })}
                                {powers.manage_members.then(|| view! { <MemberForm mesa=code action=add_member /> })}
                            </aside>
                        </div>
                        }
                        .into_any()
                    }
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn MesaOverview(detail: MesaDetail, saved: RwSignal<u32>) -> impl IntoView {
    let MesaDetail {
        mesa,
        parents,
        children,
        members,
        former_members,
        contacts_visible,
        powers,
        publishes_actas: _,
        mail_enabled: _,
        upcoming,
        past,
    } = detail;
    let territory = match (&mesa.localidad_name, &mesa.zona) {
        (Some(localidad), Some(zona)) => format!("Localidad {localidad} · Zona {zona}"),
        (None, Some(zona)) => format!("Zona {zona}"),
        _ => "Bogotá D.C.".to_owned(),
    };
    let crumbs = parents
        .into_iter()
        .rev()
        .map(|p| {
            view! {
                <li>
                    <a href=format!("/mesas/{}", p.code)>{p.name}</a>
                </li>
            }
        })
        .collect_view();
    let children = (!children.is_empty()).then(|| {
        view! {
            <section aria-labelledby="mesas-a-cargo">
                <h2 id="mesas-a-cargo">"Mesas que escalan a esta"</h2>
                <ul class="inline-list">
                    {children
                        .into_iter()
                        .map(|c| view! { <li><a href=format!("/mesas/{}", c.code)>{c.name}</a></li> })
                        .collect_view()}
                </ul>
            </section>
        }
    });
    view! {
        <Title text=format!("{} · Sala situacional", mesa.name) />
        <nav aria-label="Ruta de escalamiento" class="breadcrumbs">
            <ol>
                <li>
                    <a href="/">"Mesas"</a>
                </li>
                {crumbs}
                <li aria-current="page">{mesa.name.clone()}</li>
            </ol>
        </nav>
        <h1>{mesa.name.clone()}</h1>
        <p class="lead">{format!("{} · {}", mesa.level.label(), territory)}</p>
        <section aria-labelledby="sesiones-proximas">
            <h2 id="sesiones-proximas">"Próximas sesiones"</h2>
            <SessionTable sessions=upcoming empty="No hay sesiones programadas." id="tabla-proximas" saved
                editable=powers.schedule />
        </section>
        <section aria-labelledby="sesiones-anteriores">
            <h2 id="sesiones-anteriores">"Sesiones anteriores"</h2>
            <SessionTable sessions=past empty="Aún no hay sesiones anteriores." id="tabla-anteriores" saved
                editable=powers.schedule />
        </section>
        <section aria-labelledby="integrantes">
            <h2 id="integrantes">"Integrantes"</h2>
            <MemberTable members former=former_members contacts_visible saved editable=powers.manage_members />
        </section>
        {children}
    }
}

/// Tells whoever schedules whether the Mesa hears of it by mail.
#[component]
fn MailNotice(enabled: bool) -> impl IntoView {
    let text = if enabled {
        "Al programar una sesión, cambiar su fecha, lugar o modalidad, o cancelarla, Sala envía \
         la convocatoria por correo (con su archivo de calendario) a los integrantes con correo \
         y a las cuentas de la Mesa."
    } else {
        "El correo no está configurado en este servidor: no se enviarán convocatorias ni \
         recordatorios. Avise a los integrantes por otro medio (o pida a la administración \
         configurar --smtp-url)."
    };
    view! {
        <p class=if enabled { "notice notice--ok" } else { "notice notice--warning" } data-mail-enabled=enabled.to_string()>
            {text}
        </p>
    }
}

/// Whether signed-out visitors may read the Mesa's closed actas (personal data stays out of
/// actas, but publishing is the coordination's decision; off by default).
#[component]
fn PublishActas(mesa: Signal<String>, publishes: bool) -> impl IntoView {
    let toggle = ServerAction::<crate::api::accounts::SetPublishesActas>::new();
    let now = move || match toggle.value().get() {
        Some(Ok(published)) => published,
        _ => publishes,
    };
    view! {
        <section class="card" aria-labelledby="publicar-actas" data-publish-actas=move || now().to_string()>
            <h2 id="publicar-actas">"Actas públicas"</h2>
            <p>{move || if now() {
                "Las actas cerradas de esta Mesa se pueden leer sin iniciar sesión."
            } else {
                "Solo quienes tienen un rol en esta Mesa (o encima de ella) leen sus actas."
            }}</p>
            <ActionForm action=toggle attr:class="inline-form">
                <input type="hidden" name="mesa" value=move || mesa.get() />
                <input type="hidden" name="publish" value=move || (!now()).to_string() />
                <button type="submit" class="button button--quiet" disabled=move || toggle.pending().get()>
                    {move || if now() { "Dejar de publicar las actas" } else { "Publicar las actas cerradas" }}
                </button>
            </ActionForm>
            <p class="form-alert" role="alert">{move || match toggle.value().get() {
                Some(Err(error)) => error.to_string(),
                _ => String::new(),
            }}</p>
        </section>
    }
}
