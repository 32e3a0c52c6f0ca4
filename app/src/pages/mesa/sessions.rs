//! A Mesa's sessions: the tables (a cancelled session stays in the series, struck through, with
//! its reason; a rescheduled one says from when), correcting or cancelling a scheduled session in
//! its row, and scheduling a new one.

use leptos::prelude::*;

use crate::api::{CancelSession, EditSession, ScheduleSession};
use crate::domain::{Session, SessionMode, SessionStatus, format_bogota, to_datetime_local};
use crate::error::AppError;
use crate::pages::common::{
    FieldError, SessionLink, StatusBadge, bump_on_success, clear_on_success, field_message,
    general_message,
};

#[component]
pub fn SessionTable(
    sessions: Vec<Session>,
    empty: &'static str,
    id: &'static str,
    saved: RwSignal<u32>,
    /// The reader may correct and cancel sessions (the Mesa's coordination).
    editable: bool,
) -> impl IntoView {
    if sessions.is_empty() {
        return view! { <p class="muted" id=id>{empty}</p> }.into_any();
    }
    view! {
        <div class="table-wrap" role="region" aria-label="Sesiones" tabindex="0">
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
                    {sessions.into_iter().map(|s| view! { <SessionRow session=s saved editable /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn SessionRow(session: Session, saved: RwSignal<u32>, editable: bool) -> impl IntoView {
    let place = if session.place.is_empty() {
        "—".to_owned()
    } else {
        session.place.clone()
    };
    let cancelled = session.status == SessionStatus::Cancelada;
    let note = match (&session.rescheduled_from, &session.change_reason, cancelled) {
        (_, Some(reason), true) => Some(format!("Cancelada: {reason}")),
        (Some(from), reason, false) => Some(match reason {
            Some(reason) => format!("Reprogramada (antes {}): {reason}", format_bogota(*from)),
            None => format!("Reprogramada (antes {})", format_bogota(*from)),
        }),
        _ => None,
    };
    let correctable = editable && session.status == SessionStatus::Programada;
    view! {
        <tr data-session=session.id class:session--cancelada=cancelled>
            <td data-label="Sesión">
                <span class="session-name"><SessionLink session=session.clone() /></span>
                {note.map(|n| view! { <p class="muted session-note" data-session-note>{n}</p> })}
                {correctable.then(|| view! { <SessionCorrections session=session.clone() saved /> })}
            </td>
            <td data-label="Lugar">{place}</td>
            <td data-label="Modalidad">{session.mode.label()}</td>
            <td data-label="Estado">
                <StatusBadge status=session.status />
            </td>
        </tr>
    }
}

/// *Corregir o reprogramar* and *Cancelar sesión*, folded away until asked for.
#[component]
fn SessionCorrections(session: Session, saved: RwSignal<u32>) -> impl IntoView {
    let edit = ServerAction::<EditSession>::new();
    let cancel = ServerAction::<CancelSession>::new();
    bump_on_success(edit.value().into(), saved);
    bump_on_success(cancel.value().into(), saved);
    let (fold, edit_form, cancel_form) = (NodeRef::new(), NodeRef::new(), NodeRef::new());
    clear_on_success(edit.value().into(), edit_form, Some(fold));
    clear_on_success(cancel.value().into(), cancel_form, Some(fold));
    let edited: Signal<Option<Result<Session, AppError>>> = edit.value().into();
    let cancelled: Signal<Option<Result<Session, AppError>>> = cancel.value().into();
    let id = session.id;
    let ids = move |what: &str| format!("{what}-{id}");
    let asked_to_confirm = move || field_message(edited, "confirm").get().is_some();
    view! {
        <details class="row-edit" data-corrections=id node_ref=fold>
            <summary class="button button--quiet">"Corregir o cancelar"</summary>
            <ActionForm action=edit node_ref=edit_form attr:class="form" attr:data-form="editar-sesion">
                <input type="hidden" name="id" value=id />
                <div class="field">
                    <label for=ids("edit-at")>"Fecha y hora (hora de Bogotá)"</label>
                    <input id=ids("edit-at") name="at" type="datetime-local" required
                        value=to_datetime_local(session.scheduled_at) aria-describedby=ids("edit-at-error") />
                    <FieldError id=ids("edit-at-error") message=field_message(edited, "at") />
                </div>
                <div class="field">
                    <label for=ids("edit-place")>"Lugar"</label>
                    <input id=ids("edit-place") name="place" type="text" maxlength="200" autocomplete="off"
                        value=session.place.clone() aria-describedby=ids("edit-place-error") />
                    <FieldError id=ids("edit-place-error") message=field_message(edited, "place") />
                </div>
                <div class="field">
                    <label for=ids("edit-mode")>"Modalidad"</label>
                    <select id=ids("edit-mode") name="mode">
                        {SessionMode::ALL
                            .into_iter()
                            .map(|m| view! { <option value=m.as_str() selected=m == session.mode>{m.label()}</option> })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for=ids("edit-reason")>"Motivo (obligatorio si cambia la fecha)"</label>
                    <input id=ids("edit-reason") name="reason" type="text" maxlength="500" autocomplete="off"
                        aria-describedby=ids("edit-reason-error") />
                    <FieldError id=ids("edit-reason-error") message=field_message(edited, "reason") />
                </div>
                <ConfirmDate asked=Signal::derive(asked_to_confirm) message=field_message(edited, "confirm")
                    id=ids("edit-confirm") />
                <button type="submit" class="button" disabled=move || edit.pending().get()>"Guardar cambios"</button>
                <p class="form-alert" role="alert">{move || general_message(edited, &["at", "place", "mode", "reason", "confirm"]).get()}</p>
            </ActionForm>
            <ActionForm action=cancel node_ref=cancel_form attr:class="form form--danger" attr:data-form="cancelar-sesion">
                <input type="hidden" name="id" value=id />
                <div class="field">
                    <label for=ids("cancel-reason")>"Motivo de la cancelación"</label>
                    <input id=ids("cancel-reason") name="reason" type="text" maxlength="500" required autocomplete="off"
                        aria-describedby=ids("cancel-reason-error") />
                    <FieldError id=ids("cancel-reason-error") message=field_message(cancelled, "reason") />
                </div>
                <button type="submit" class="button button--danger" disabled=move || cancel.pending().get()>
                    "Cancelar sesión"
                </button>
                <p class="form-alert" role="alert">{move || general_message(cancelled, &["reason"]).get()}</p>
            </ActionForm>
        </details>
    }
}

/// The *Confirmo la fecha* checkbox, once the server asked for it (a date in the past or more than
/// two years ahead).
#[component]
fn ConfirmDate(asked: Signal<bool>, message: Signal<Option<String>>, id: String) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div class="field field--confirm" hidden=move || !asked.get()>
            <FieldError id=error_id.clone() message />
            <label class="check" for=id.clone()>
                <input id=id.clone() type="checkbox" name="confirm" value="si" aria-describedby=error_id.clone() />
                <span>"Confirmo la fecha"</span>
            </label>
        </div>
    }
}

#[component]
pub fn ScheduleForm(mesa: Signal<String>, action: ServerAction<ScheduleSession>) -> impl IntoView {
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
    let asked_to_confirm = move || field_message(result, "confirm").get().is_some();
    let form = NodeRef::new();
    clear_on_success(result, form, None);
    view! {
        <section class="panel" aria-labelledby="programar">
            <h2 id="programar">"Programar sesión"</h2>
            <ActionForm action=action node_ref=form attr:class="form" attr:id="form-programar">
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
                <ConfirmDate asked=Signal::derive(asked_to_confirm) message=field_message(result, "confirm")
                    id="schedule-confirm".to_owned() />
                <FieldError id="mesa-error" message=field_message(result, "mesa") />
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    "Programar sesión"
                </button>
                <p class="form-status" role="status">{created}</p>
                <p class="form-alert" role="alert">{move || general_message(result, &["at", "place", "mode", "mesa", "confirm"]).get()}</p>
            </ActionForm>
        </section>
    }
}
