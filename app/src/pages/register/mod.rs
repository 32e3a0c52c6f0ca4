//! The register of a territory's social assets and teams (`/activos?territorio=07`): what is
//! there, the forms that add or correct one entry, and the file upload (a plain multipart post,
//! which works before the page's script arrives). `forms.rs` holds the forms; `outcome.rs` the
//! page a file's upload ends on.

mod forms;
mod outcome;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

pub use outcome::RegisterImportPage;

use super::common::{ErrorNotice, bump_on_success, on_success};
use crate::api::codec::page_data;
use crate::api::register::{RemoveAsset, RemoveTeam, SaveAsset, SaveTeam, fetch_register};
use crate::domain::assets::{AssetRow, RegisterView, TeamRow};
use forms::{AssetForm, TeamForm, UploadForm};

#[component]
pub fn RegisterPage() -> impl IntoView {
    let params = use_query_map();
    let territory = move || params.read().get("territorio").unwrap_or_default();
    let refused = move || params.read().get("error").filter(|e| !e.is_empty());
    // The page's actions outlive the lists they reload, so a form's outcome stays on screen.
    let actions = Actions::new();
    let register = page_data(
        move || (territory(), actions.saved.get()),
        |(t, _)| fetch_register(t),
    );
    view! {
        <Title text="Activos sociales y equipos · Sala situacional" />
        <h1>"Activos sociales y equipos del territorio"</h1>
        <p class="lead">
            "Las organizaciones, instituciones, equipamientos, programas y redes con que cuenta el territorio, y los equipos que trabajan en él. Las barreras nombran los activos que movilizan; los compromisos, el activo que los cumple."
        </p>
        {move || refused().map(|reason| view! {
            <div class="notice notice--error" role="alert" data-upload-error><p>{reason}</p></div>
        })}
        <Suspense fallback=|| view! { <p>"Cargando el registro…"</p> }>
            {move || Suspend::new(async move {
                match register.await {
                    Ok(view) => view! { <Registry view actions /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// What the page's forms and buttons do, and the entry being corrected.
#[derive(Clone, Copy)]
struct Actions {
    save_asset: ServerAction<SaveAsset>,
    save_team: ServerAction<SaveTeam>,
    remove_asset: ServerAction<RemoveAsset>,
    remove_team: ServerAction<RemoveTeam>,
    correcting: RwSignal<Option<AssetRow>>,
    correcting_team: RwSignal<Option<TeamRow>>,
    /// Counts successful writes: the lists reload after each.
    saved: RwSignal<u32>,
}

impl Actions {
    fn new() -> Self {
        let actions = Self {
            save_asset: ServerAction::new(),
            save_team: ServerAction::new(),
            remove_asset: ServerAction::new(),
            remove_team: ServerAction::new(),
            correcting: RwSignal::new(None),
            correcting_team: RwSignal::new(None),
            saved: RwSignal::new(0),
        };
        bump_on_success(actions.save_asset.value().into(), actions.saved);
        bump_on_success(actions.save_team.value().into(), actions.saved);
        bump_on_success(actions.remove_asset.value().into(), actions.saved);
        bump_on_success(actions.remove_team.value().into(), actions.saved);
        on_success(actions.save_asset.value().into(), move || {
            actions.correcting.set(None)
        });
        on_success(actions.save_team.value().into(), move || {
            actions.correcting_team.set(None)
        });
        actions
    }
}

#[component]
fn Registry(view: RegisterView, actions: Actions) -> impl IntoView {
    let RegisterView {
        territory,
        territory_name,
        assets,
        teams,
        can_manage,
        shows_contacts,
        choices,
        localidades,
    } = view;
    let options = choices
        .into_iter()
        .map(|(code, name)| {
            let selected = code == territory;
            view! { <option value=code selected=selected>{name}</option> }
        })
        .collect_view();
    let Actions {
        save_asset,
        save_team,
        remove_asset,
        remove_team,
        correcting,
        correcting_team,
        ..
    } = actions;
    view! {
        <form class="form form--row" method="get" action="/activos" data-form="territorio">
            <label class="field" for="territorio"><span>"Territorio"</span>
                <select id="territorio" name="territorio" onchange="this.form.submit()">{options}</select>
            </label>
            <noscript><button type="submit" class="button button--quiet">"Ver"</button></noscript>
        </form>
        <section aria-labelledby="activos">
            <h2 id="activos">{format!("Activos de {territory_name} ({})", assets.len())}</h2>
            <AssetTable assets shows_contacts can_manage correcting remove=remove_asset />
        </section>
        <section aria-labelledby="equipos">
            <h2 id="equipos">{format!("Equipos que trabajan en {territory_name} ({})", teams.len())}</h2>
            <TeamTable teams shows_contacts can_manage correcting=correcting_team remove=remove_team />
        </section>
        {can_manage.then(|| view! {
            <div class="register-forms">
                <AssetForm localidades=localidades.clone() correcting action=save_asset />
                <TeamForm correcting=correcting_team action=save_team />
            </div>
            <UploadForm />
        })}
        {(!shows_contacts).then(|| view! {
            <p class="muted">"Los contactos institucionales se muestran a las personas con cuenta en Sala."</p>
        })}
    }
}

/// Removing asks twice: the first press only opens the confirmation (boards keep the code, but
/// the register loses the entry).
#[component]
fn ConfirmRemove(children: Children) -> impl IntoView {
    view! {
        <details class="confirm">
            <summary class="button button--quiet">"Retirar"</summary>
            <p class="muted">"¿Retirar del registro? Los tableros que lo nombran conservan su código."</p>
            {children()}
        </details>
    }
}

#[component]
fn AssetTable(
    assets: Vec<AssetRow>,
    shows_contacts: bool,
    can_manage: bool,
    correcting: RwSignal<Option<AssetRow>>,
    remove: ServerAction<RemoveAsset>,
) -> impl IntoView {
    if assets.is_empty() {
        return view! {
            <p class="empty" data-empty>"Aún no hay activos registrados en este territorio."</p>
        }
        .into_any();
    }
    let rows = assets
        .into_iter()
        .map(|row| {
            let asset = row.asset.clone();
            let place = match &row.upz_name {
                Some(upz) => format!("{} · UPZ {upz}", row.localidad_name),
                None => row.localidad_name.clone(),
            };
            let point = asset
                .point
                .map(|p| format!("{:.4}, {:.4}", p.lat, p.lon))
                .unwrap_or_else(|| "—".into());
            let code = asset.code.clone();
            let edit = row.clone();
            view! {
                <tr data-asset=asset.code.clone()>
                    <td><strong>{asset.name.clone()}</strong><span class="muted code-tag">{asset.code.clone()}</span></td>
                    <td>{asset.kind.label_short()}</td>
                    <td>{asset.offer.clone()}</td>
                    <td>{place}</td>
                    <td>{point}</td>
                    {shows_contacts.then(|| view! { <td>{asset.contact.clone()}</td> })}
                    {can_manage.then(|| view! {
                        <td class="actions">
                            <a href="#form-activo" class="button button--quiet"
                                on:click=move |_| correcting.set(Some(edit.clone()))>"Corregir"</a>
                            <ConfirmRemove>
                                <ActionForm action=remove attr:class="inline-form" attr:data-form="retirar-activo">
                                    <input type="hidden" name="code" value=code />
                                    <button type="submit" class="button button--danger">"Sí, retirarlo"</button>
                                </ActionForm>
                            </ConfirmRemove>
                        </td>
                    })}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="scroll-x" tabindex="0"><table class="table" data-assets>
            <thead><tr>
                <th>"Activo"</th><th>"Tipo"</th><th>"Qué ofrece"</th><th>"Dónde"</th><th>"Ubicación (lat, lon)"</th>
                {shows_contacts.then(|| view! { <th>"Contacto institucional"</th> })}
                {can_manage.then(|| view! { <th><span class="visually-hidden">"Acciones"</span></th> })}
            </tr></thead>
            <tbody>{rows}</tbody>
        </table></div>
        <p class="form-alert" role="alert">{move || remove.value().get().and_then(|r| r.err()).map(|e| e.to_string())}</p>
    }
    .into_any()
}

#[component]
fn TeamTable(
    teams: Vec<TeamRow>,
    shows_contacts: bool,
    can_manage: bool,
    correcting: RwSignal<Option<TeamRow>>,
    remove: ServerAction<RemoveTeam>,
) -> impl IntoView {
    if teams.is_empty() {
        return view! {
            <p class="empty" data-empty>"Aún no hay equipos registrados en este territorio."</p>
        }
        .into_any();
    }
    let rows = teams
        .into_iter()
        .map(|row| {
            let team = row.team.clone();
            let code = team.code.clone();
            let edit = row.clone();
            view! {
                <tr data-team=team.code.clone()>
                    <td><strong>{team.name.clone()}</strong></td>
                    <td>{team.kind.label()}</td>
                    <td>{team.institution.clone()}</td>
                    <td>{row.coverage_names.join(", ")}</td>
                    {shows_contacts.then(|| view! { <td>{team.contact.clone()}</td> })}
                    {can_manage.then(|| view! {
                        <td class="actions">
                            <a href="#form-equipo" class="button button--quiet"
                                on:click=move |_| correcting.set(Some(edit.clone()))>"Corregir"</a>
                            <ConfirmRemove>
                                <ActionForm action=remove attr:class="inline-form" attr:data-form="retirar-equipo">
                                    <input type="hidden" name="code" value=code />
                                    <button type="submit" class="button button--danger">"Sí, retirarlo"</button>
                                </ActionForm>
                            </ConfirmRemove>
                        </td>
                    })}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="scroll-x" tabindex="0"><table class="table" data-teams>
            <thead><tr>
                <th>"Equipo"</th><th>"Tipo"</th><th>"Institución"</th><th>"Cobertura"</th>
                {shows_contacts.then(|| view! { <th>"Contacto institucional"</th> })}
                {can_manage.then(|| view! { <th><span class="visually-hidden">"Acciones"</span></th> })}
            </tr></thead>
            <tbody>{rows}</tbody>
        </table></div>
    }
    .into_any()
}
