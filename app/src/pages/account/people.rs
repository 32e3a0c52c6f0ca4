//! The district administration's page: people, their roles per Mesa, activation and setup links.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::accounts::{CreatePerson, GrantRole, ResetLink, SetActive, fetch_people};
use crate::api::codec::page_data;
use crate::api::fetch_mesa_summaries;
use crate::domain::MesaSummary;
use crate::domain::identity::{Account, MesaRole};
use crate::error::AppError;
use crate::pages::common::{
    ErrorNotice, FieldError, bump_on_success, clear_on_success, field_message, general_message,
};

#[component]
pub fn PeoplePage() -> impl IntoView {
    let saved = RwSignal::new(0u32);
    let create = ServerAction::<CreatePerson>::new();
    bump_on_success(create.value().into(), saved);
    let people = page_data(move || saved.get(), |_| fetch_people());
    let mesas = page_data(|| (), |_| fetch_mesa_summaries());
    view! {
        <Title text="Personas y roles · Sala situacional" />
        <h1>"Personas y roles"</h1>
        <div class="page page--mesa">
            <div class="page__main">
                <Suspense fallback=|| view! { <p>"Cargando…"</p> }>
                    {move || Suspend::new(async move {
                        match (people.await, mesas.await) {
                            (Ok(people), Ok(mesas)) => view! { <PeopleTable people mesas saved /> }.into_any(),
                            (Err(error), _) | (_, Err(error)) => view! { <ErrorNotice error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </div>
            <aside class="page__aside">
                <NewPerson create />
            </aside>
        </div>
    }
    .into_any()
}

/// A setup link, shown once, to hand over by a channel of the administrator's choice.
#[component]
fn SetupLink(link: String) -> impl IntoView {
    let attr = link.clone();
    view! {
        <div class="notice" role="status" data-setup-link=attr>
            <p>"Entréguele este enlace (vale 24 horas y sirve una sola vez) para que establezca su contraseña:"</p>
            <p><code class="link-text">{link}</code></p>
        </div>
    }
    .into_any()
}

#[component]
fn NewPerson(create: ServerAction<CreatePerson>) -> impl IntoView {
    let result: Signal<Option<Result<String, AppError>>> = create.value().into();
    let form = NodeRef::new();
    clear_on_success(result, form, None);
    view! {
        <section class="panel" aria-labelledby="nueva-persona">
            <h2 id="nueva-persona">"Agregar persona"</h2>
            <ActionForm action=create node_ref=form attr:class="form" attr:data-form="nueva-persona">
                <div class="field">
                    <label for="person-email">"Correo electrónico"</label>
                    <input id="person-email" name="email" type="email" required aria-describedby="person-email-error" />
                    <FieldError id="person-email-error" message=field_message(result, "email") />
                </div>
                <div class="field">
                    <label for="person-name">"Nombre"</label>
                    <input id="person-name" name="name" required aria-describedby="person-name-error" />
                    <FieldError id="person-name-error" message=field_message(result, "name") />
                </div>
                <div class="field">
                    <label for="person-institution">"Institución"</label>
                    <input id="person-institution" name="institution" />
                </div>
                <div class="field">
                    <label for="person-sector">"Sector"</label>
                    <input id="person-sector" name="sector" />
                </div>
                <div class="field">
                    <label for="person-phone">"Teléfono (opcional)"</label>
                    <input id="person-phone" name="phone" type="tel" aria-describedby="person-phone-error" />
                    <FieldError id="person-phone-error" message=field_message(result, "phone") />
                </div>
                <label class="check"><input type="checkbox" name="admin" value="si" /><span>"Administración distrital"</span></label>
                <button type="submit" class="button" disabled=move || create.pending().get()>"Agregar persona"</button>
                <p class="form-alert" role="alert">{move || general_message(result, &["email", "name", "phone"]).get()}</p>
            </ActionForm>
            {move || result.get().and_then(Result::ok).map(|link| view! { <SetupLink link /> })}
        </section>
    }
    .into_any()
}

#[component]
fn PeopleTable(
    people: Vec<Account>,
    mesas: Vec<MesaSummary>,
    saved: RwSignal<u32>,
) -> impl IntoView {
    let mesas = StoredValue::new(mesas);
    view! {
        <div class="table-wrap" role="region" aria-label="Personas" tabindex="0">
            <table id="tabla-personas">
                <thead>
                    <tr>
                        <th scope="col">"Persona"</th>
                        <th scope="col">"Roles"</th>
                        <th scope="col">"Acciones"</th>
                    </tr>
                </thead>
                <tbody>
                    {people.into_iter().map(|person| view! { <PersonRow person mesas saved /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn PersonRow(
    person: Account,
    mesas: StoredValue<Vec<MesaSummary>>,
    saved: RwSignal<u32>,
) -> impl IntoView {
    let grant = ServerAction::<GrantRole>::new();
    let active = ServerAction::<SetActive>::new();
    let reset = ServerAction::<ResetLink>::new();
    bump_on_success(grant.value().into(), saved);
    bump_on_success(active.value().into(), saved);
    let granted: Signal<Option<Result<Account, AppError>>> = grant.value().into();
    let toggled: Signal<Option<Result<Account, AppError>>> = active.value().into();
    let id = person.id;
    let mesa_name = |code: &str| {
        mesas.with_value(|all| {
            all.iter()
                .find(|m| m.mesa.code == code)
                .map(|m| m.mesa.name.clone())
                .unwrap_or_else(|| code.to_owned())
        })
    };
    let roles = person
        .roles
        .iter()
        .map(|r| {
            let text = format!("{} · {}", mesa_name(&r.mesa), r.role.label());
            view! { <li data-role-on=r.mesa.clone()>{text}</li> }
        })
        .collect_view();
    let about = [
        person.email.as_str(),
        person.institution.as_str(),
        if person.admin {
            "administración distrital"
        } else {
            ""
        },
        if person.active { "" } else { "desactivada" },
        if person.has_password {
            ""
        } else {
            "aún sin contraseña"
        },
    ]
    .into_iter()
    .filter(|part| !part.is_empty())
    .collect::<Vec<_>>()
    .join(" · ");
    view! {
        <tr data-person=person.email.clone() class:person--inactive=!person.active>
            <td data-label="Persona">
                <strong>{person.name.clone()}</strong>
                <p class="muted">{about}</p>
            </td>
            <td data-label="Roles"><ul>{roles}</ul></td>
            <td data-label="Acciones">
                <ActionForm action=grant attr:class="form form--row" attr:data-form="asignar-rol">
                    <input type="hidden" name="account" value=id />
                    <label class="visually-hidden" for=format!("mesa-{id}")>"Mesa"</label>
                    <select id=format!("mesa-{id}") name="mesa">
                        {mesas.get_value().into_iter().map(|m| view! { <option value=m.mesa.code.clone()>{m.mesa.name}</option> }).collect_view()}
                    </select>
                    <label class="visually-hidden" for=format!("role-{id}")>"Rol"</label>
                    <select id=format!("role-{id}") name="role">
                        {MesaRole::ALL.iter().map(|r| view! { <option value=r.code()>{r.label()}</option> }).collect_view()}
                        <option value="">"Quitar el rol"</option>
                    </select>
                    <button type="submit" class="button button--quiet" disabled=move || grant.pending().get()>"Asignar"</button>
                </ActionForm>
                <p class="form-alert" role="alert">{move || general_message(granted, &[]).get()}</p>
                <div class="card-actions">
                    <ActionForm action=active attr:class="inline-form">
                        <input type="hidden" name="account" value=id />
                        <input type="hidden" name="active" value=(!person.active).to_string() />
                        <button type="submit" class="button button--quiet" data-action=if person.active { "desactivar" } else { "activar" }>
                            {if person.active { "Desactivar" } else { "Reactivar" }}
                        </button>
                    </ActionForm>
                    <ActionForm action=reset attr:class="inline-form">
                        <input type="hidden" name="account" value=id />
                        <button type="submit" class="button button--quiet" data-action="enlace-clave">"Enlace para nueva contraseña"</button>
                    </ActionForm>
                </div>
                <p class="form-alert" role="alert">{move || general_message(toggled, &[]).get()}</p>
                {move || match reset.value().get() {
                    Some(Ok(link)) => view! { <SetupLink link /> }.into_any(),
                    Some(Err(error)) => view! { <p class="form-alert" role="alert">{error.to_string()}</p> }.into_any(),
                    None => ().into_any(),
                }}
            </td>
        </tr>
    }
    .into_any()
}
