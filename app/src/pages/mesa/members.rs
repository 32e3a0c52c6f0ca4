//! A Mesa's members: the table (with *Corregir* and *Retirar de la Mesa* per member), the members
//! who left (their names stay in past actas), and the form to add one.

use leptos::prelude::*;

use crate::api::{AddMember, RemoveMember, UpdateMember};
use crate::domain::{Member, SECTORS, Seat};
use crate::error::AppError;
use crate::pages::common::{
    FieldError, bump_on_success, clear_on_success, field_message, general_message,
};

const FIELDS: &[&str] = &["name", "institution", "sector", "role", "seat", "contact"];

#[component]
pub fn MemberTable(
    members: Vec<Member>,
    former: Vec<Member>,
    contacts_visible: bool,
    saved: RwSignal<u32>,
    /// The reader may correct and remove members (the Mesa's coordination).
    editable: bool,
) -> impl IntoView {
    let former = (!former.is_empty()).then(|| {
        view! {
            <details class="former-members">
                <summary>{format!("Retirados de la Mesa ({})", former.len())}</summary>
                <ul>
                    {former.into_iter().map(|m| view! {
                        <li data-former-member=m.id>
                            {format!("{} · {} · retirado(a) el {}", m.name, m.institution,
                                m.removed_on.map(crate::domain::format_day).unwrap_or_default())}
                        </li>
                    }).collect_view()}
                </ul>
            </details>
        }
    });
    if members.is_empty() {
        return view! {
            <p class="muted">"Aún no hay integrantes registrados."</p>
            {former}
        }
        .into_any();
    }
    view! {
        <div class="table-wrap" role="region" aria-label="Integrantes" tabindex="0">
            <table id="tabla-integrantes">
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
                    {members.into_iter().map(|m| view! { <MemberRow member=m contacts_visible saved editable /> }).collect_view()}
                </tbody>
            </table>
        </div>
        {former}
    }
    .into_any()
}

#[component]
fn MemberRow(
    member: Member,
    contacts_visible: bool,
    saved: RwSignal<u32>,
    editable: bool,
) -> impl IntoView {
    let update = ServerAction::<UpdateMember>::new();
    let remove = ServerAction::<RemoveMember>::new();
    bump_on_success(update.value().into(), saved);
    bump_on_success(remove.value().into(), saved);
    let (fold, edit_form, remove_form) = (NodeRef::new(), NodeRef::new(), NodeRef::new());
    clear_on_success(update.value().into(), edit_form, Some(fold));
    clear_on_success(remove.value().into(), remove_form, Some(fold));
    let updated: Signal<Option<Result<Member, AppError>>> = update.value().into();
    let removed: Signal<Option<Result<Member, AppError>>> = remove.value().into();
    let id = member.id;
    let shown = member.clone();
    view! {
        <tr data-member=id>
            <td data-label="Nombre">
                <span data-member-name>{shown.name.clone()}</span>
                <details class="row-edit" data-corrections=format!("member-{id}") node_ref=fold
                    hidden=!editable>
                    <summary class="button button--quiet">"Corregir o retirar"</summary>
                    <ActionForm action=update node_ref=edit_form attr:class="form" attr:data-form="corregir-integrante">
                        <input type="hidden" name="id" value=id />
                        <MemberFields prefix=format!("edit-member-{id}") result=updated member=Some(member)
                            show_contact=contacts_visible />
                        <button type="submit" class="button" disabled=move || update.pending().get()>"Guardar cambios"</button>
                        <p class="form-alert" role="alert">{move || general_message(updated, FIELDS).get()}</p>
                    </ActionForm>
                    <ActionForm action=remove node_ref=remove_form attr:class="form form--danger" attr:data-form="retirar-integrante">
                        <input type="hidden" name="id" value=id />
                        <p class="muted">"Quien se retira deja de contar para el quórum; las actas anteriores conservan su nombre."</p>
                        <button type="submit" class="button button--danger" disabled=move || remove.pending().get()>
                            "Retirar de la Mesa"
                        </button>
                        <p class="form-alert" role="alert">{move || general_message(removed, &[]).get()}</p>
                    </ActionForm>
                </details>
            </td>
            <td data-label="Rol">{format!("{} · {}", shown.role, shown.seat.label())}</td>
            <td data-label="Institución">{shown.institution}</td>
            <td data-label="Sector">{shown.sector}</td>
            <td data-label="Contacto">
                {match (contacts_visible, shown.contact) {
                    (true, Some(contact)) => contact,
                    (true, None) => "—".into(),
                    (false, _) => "Solo para la coordinación".into(),
                }}
            </td>
        </tr>
    }
}

/// The member's inputs, shared by *Agregar integrante* and *Corregir* (prefilled).
#[component]
fn MemberFields(
    prefix: String,
    result: Signal<Option<Result<Member, AppError>>>,
    member: Option<Member>,
    /// False when this page may not read contacts: the field is left out and the stored contact
    /// kept.
    #[prop(default = true)]
    show_contact: bool,
) -> impl IntoView {
    let value = |of: fn(&Member) -> String| member.as_ref().map(of).unwrap_or_default();
    let seat = member.as_ref().map(|m| m.seat).unwrap_or(Seat::Titular);
    let text = |name: &'static str, label: &'static str, required: bool, current: String| {
        let id = format!("{prefix}-{name}");
        let error_id = format!("{id}-error");
        let list = (name == "sector").then_some("sectores");
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <input id=id.clone() name=name type="text" maxlength="200" required=required
                    value=current list=list aria-describedby=error_id.clone() />
                <FieldError id=error_id message=field_message(result, name) />
            </div>
        }
    };
    let seat_id = format!("{prefix}-seat");
    view! {
        {text("name", "Nombre", true, value(|m| m.name.clone()))}
        {text("role", "Rol en la Mesa (ej.: líder local APS, delegado EPS)", true, value(|m| m.role.clone()))}
        <div class="field">
            <label for=seat_id.clone()>"Participa como"</label>
            <select id=seat_id name="seat">
                {Seat::ALL.into_iter().map(|s| view! {
                    <option value=s.as_str() selected=s == seat>{s.label()}</option>
                }).collect_view()}
            </select>
        </div>
        {text("institution", "Institución", true, value(|m| m.institution.clone()))}
        {text("sector", "Sector", true, value(|m| m.sector.clone()))}
        {if show_contact {
            text("contact", "Contacto (opcional)", false, value(|m| m.contact.clone().unwrap_or_default())).into_any()
        } else {
            view! {
                <input type="hidden" name="keep_contact" value="si" />
                <p class="muted">"El contacto no se muestra aquí: solo la coordinación de la Mesa lo ve y lo corrige."</p>
            }.into_any()
        }}
    }
}

#[component]
pub fn MemberForm(mesa: Signal<String>, action: ServerAction<AddMember>) -> impl IntoView {
    let result: Signal<Option<Result<Member, AppError>>> = action.value().into();
    let added = move || {
        result
            .get()
            .and_then(|r| r.ok())
            .map(|m| format!("{} fue agregado(a) a la Mesa.", m.name))
    };
    let form = NodeRef::new();
    clear_on_success(result, form, None);
    view! {
        <section class="panel" aria-labelledby="agregar-integrante">
            <h2 id="agregar-integrante">"Agregar integrante"</h2>
            <ActionForm action=action node_ref=form attr:class="form" attr:id="form-integrante">
                <input type="hidden" name="mesa" value=move || mesa.get() />
                <MemberFields prefix="member".to_owned() result member=None />
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    "Agregar integrante"
                </button>
                <p class="form-status" role="status">{added}</p>
                <p class="form-alert" role="alert">{move || general_message(result, &["mesa", "name", "institution", "sector", "role", "seat", "contact"]).get()}</p>
            </ActionForm>
            <datalist id="sectores">
                {SECTORS.into_iter().map(|s| view! { <option value=s></option> }).collect_view()}
            </datalist>
        </section>
    }
}
