//! A Mesa: who sits on it, its sessions, and the forms to schedule a session and add a member.
//!
//! The forms live outside the part of the page that reloads after each action, so a validation
//! error never wipes what the person typed.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::common::{ErrorNotice, FieldError, SessionLink, StatusBadge};
use crate::api::{AddMember, ScheduleSession, fetch_mesa_detail};
use crate::domain::{Member, MesaDetail, Session, SessionMode, format_bogota};
use crate::error::AppError;

#[component]
pub fn MesaPage() -> impl IntoView {
    let params = use_params_map();
    let code = Signal::derive(move || params.read().get("code").unwrap_or_default());
    let schedule = ServerAction::<ScheduleSession>::new();
    let add_member = ServerAction::<AddMember>::new();
    let detail = Resource::new(
        move || {
            (
                code.get(),
                schedule.version().get(),
                add_member.version().get(),
            )
        },
        |(code, _, _)| fetch_mesa_detail(code),
    );
    view! {
        <div class="page page--mesa">
            <div class="page__main">
                <Transition fallback=|| view! { <p>"Cargando Mesa…"</p> }>
                    {move || Suspend::new(async move {
                        match detail.await {
                            Ok(detail) => view! { <MesaOverview detail /> }.into_any(),
                            Err(error) => view! { <ErrorNotice error /> }.into_any(),
                        }
                    })}
                </Transition>
            </div>
            <aside class="page__aside">
                <ScheduleForm mesa=code action=schedule />
                <MemberForm mesa=code action=add_member />
            </aside>
        </div>
    }
}

#[component]
fn MesaOverview(detail: MesaDetail) -> impl IntoView {
    let MesaDetail {
        mesa,
        parents,
        children,
        members,
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
            <SessionTable sessions=upcoming empty="No hay sesiones programadas." id="tabla-proximas" />
        </section>
        <section aria-labelledby="sesiones-anteriores">
            <h2 id="sesiones-anteriores">"Sesiones anteriores"</h2>
            <SessionTable sessions=past empty="Aún no hay sesiones anteriores." id="tabla-anteriores" />
        </section>
        <section aria-labelledby="integrantes">
            <h2 id="integrantes">"Integrantes"</h2>
            <MemberTable members />
        </section>
        {children}
    }
}

#[component]
fn SessionTable(sessions: Vec<Session>, empty: &'static str, id: &'static str) -> impl IntoView {
    if sessions.is_empty() {
        return view! { <p class="muted" id=id>{empty}</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table id=id>
                <thead>
                    <tr>
                        <th scope="col">"Sesión"</th>
                        <th scope="col">"Lugar"</th>
                        <th scope="col">"Modalidad"</th>
                        <th scope="col">"Estado"</th>
                    </tr>
                </thead>
                <tbody>
                    {sessions
                        .into_iter()
                        .map(|s| {
                            let place = if s.place.is_empty() { "—".to_owned() } else { s.place.clone() };
                            view! {
                                <tr data-session=s.id>
                                    <td data-label="Sesión">
                                        <SessionLink session=s.clone() />
                                    </td>
                                    <td data-label="Lugar">{place}</td>
                                    <td data-label="Modalidad">{s.mode.label()}</td>
                                    <td data-label="Estado">
                                        <StatusBadge status=s.status />
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn MemberTable(members: Vec<Member>) -> impl IntoView {
    if members.is_empty() {
        return view! {
            <p class="muted">"Aún no hay integrantes registrados. Agréguelos con el formulario."</p>
        }
        .into_any();
    }
    view! {
        <div class="table-wrap">
            <table>
                <thead>
                    <tr>
                        <th scope="col">"Nombre"</th>
                        <th scope="col">"Rol en la Mesa"</th>
                        <th scope="col">"Institución"</th>
                        <th scope="col">"Sector"</th>
                        <th scope="col">"Contacto"</th>
                    </tr>
                </thead>
                <tbody>
                    {members
                        .into_iter()
                        .map(|m| {
                            view! {
                                <tr>
                                    <td data-label="Nombre">{m.name}</td>
                                    <td data-label="Rol">{m.role}</td>
                                    <td data-label="Institución">{m.institution}</td>
                                    <td data-label="Sector">{m.sector}</td>
                                    <td data-label="Contacto">
                                        {m.contact.unwrap_or_else(|| "—".into())}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// The message for `field`, once the last submission came back with field errors.
fn field_message<T: Clone + Send + Sync + 'static>(
    result: Signal<Option<Result<T, AppError>>>,
    field: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || {
        result.get().and_then(|r| r.err()).and_then(|e| {
            e.field_errors()
                .and_then(|f| f.get(field).map(str::to_owned))
        })
    })
}

/// An error that belongs to no field (unknown Mesa, server unreachable).
fn general_message<T: Clone + Send + Sync + 'static>(
    result: Signal<Option<Result<T, AppError>>>,
) -> Signal<Option<String>> {
    Signal::derive(move || match result.get() {
        Some(Err(e)) if e.field_errors().is_none() => Some(e.to_string()),
        _ => None,
    })
}

#[component]
fn ScheduleForm(mesa: Signal<String>, action: ServerAction<ScheduleSession>) -> impl IntoView {
    let result: Signal<Option<Result<Session, AppError>>> = action.value().into();
    let created = move || {
        result.get().and_then(|r| r.ok()).map(|s| {
            format!(
                "Sesión {} programada: {}.",
                s.seq,
                format_bogota(s.scheduled_at)
            )
        })
    };
    view! {
        <section class="panel" aria-labelledby="programar">
            <h2 id="programar">"Programar sesión"</h2>
            <ActionForm action=action attr:class="form" attr:id="form-programar">
                <input type="hidden" name="mesa" value=move || mesa.get() />
                <div class="field">
                    <label for="at">"Fecha y hora (hora de Bogotá)"</label>
                    <input id="at" name="at" type="datetime-local" required aria-describedby="at-error" />
                    <FieldError id="at-error" message=field_message(result, "at") />
                </div>
                <div class="field">
                    <label for="place">"Lugar"</label>
                    <input
                        id="place"
                        name="place"
                        type="text"
                        maxlength="200"
                        autocomplete="off"
                        placeholder="Ej.: Auditorio de la Alcaldía Local"
                        aria-describedby="place-error"
                    />
                    <FieldError id="place-error" message=field_message(result, "place") />
                </div>
                <div class="field">
                    <label for="mode">"Modalidad"</label>
                    <select id="mode" name="mode" aria-describedby="mode-error">
                        {SessionMode::ALL
                            .into_iter()
                            .map(|m| view! { <option value=m.as_str()>{m.label()}</option> })
                            .collect_view()}
                    </select>
                    <FieldError id="mode-error" message=field_message(result, "mode") />
                </div>
                <FieldError id="mesa-error" message=field_message(result, "mesa") />
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    "Programar sesión"
                </button>
                <p class="form-status" role="status">{created}</p>
                <p class="form-alert" role="alert">{move || general_message(result).get()}</p>
            </ActionForm>
        </section>
    }
}

#[component]
fn MemberForm(mesa: Signal<String>, action: ServerAction<AddMember>) -> impl IntoView {
    let result: Signal<Option<Result<Member, AppError>>> = action.value().into();
    let added = move || {
        result
            .get()
            .and_then(|r| r.ok())
            .map(|m| format!("{} fue agregado(a) a la Mesa.", m.name))
    };
    let field =
        move |name: &'static str, label: &'static str, error_id: &'static str, required: bool| {
            view! {
                <div class="field">
                    <label for=format!("member-{name}")>{label}</label>
                    <input
                        id=format!("member-{name}")
                        name=name
                        type="text"
                        maxlength="200"
                        required=required
                        aria-describedby=error_id
                    />
                    <FieldError id=error_id message=field_message(result, name) />
                </div>
            }
        };
    view! {
        <section class="panel" aria-labelledby="agregar-integrante">
            <h2 id="agregar-integrante">"Agregar integrante"</h2>
            <ActionForm action=action attr:class="form" attr:id="form-integrante">
                <input type="hidden" name="mesa" value=move || mesa.get() />
                {field("name", "Nombre", "member-name-error", true)}
                {field("role", "Rol en la Mesa (ej.: líder local APS, delegado EPS)", "member-role-error", true)}
                {field("institution", "Institución", "member-institution-error", true)}
                {field("sector", "Sector", "member-sector-error", true)}
                {field("contact", "Contacto (opcional)", "member-contact-error", false)}
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    "Agregar integrante"
                </button>
                <p class="form-status" role="status">{added}</p>
                <p class="form-alert" role="alert">{move || general_message(result).get()}</p>
            </ActionForm>
        </section>
    }
}
