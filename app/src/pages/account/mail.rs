//! The mail queue, for the district administration: whether mail is configured, how many
//! messages stand where, and each message with its error; a failed or interrupted one can be
//! sent again (once the administrator checked it did not arrive) or discarded.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::codec::page_data;
use crate::api::mail::{SetMailState, fetch_mail_desk};
use crate::domain::format_bogota;
use crate::domain::mail::{MailDesk, MailState, OutboxEntry};
use crate::pages::common::ErrorNotice;

/// How often the page looks again while a message is on its way.
const REFRESH_SECONDS: u64 = 3;

#[component]
pub fn MailPage() -> impl IntoView {
    let change = ServerAction::<SetMailState>::new();
    // While a message is being handed over or about to be, the page asks again every few
    // seconds, so "Reenviar" ends in the row's new state without a reload.
    let (tick, set_tick) = signal(0u32);
    let desk = page_data(
        move || (change.version().get(), tick.get()),
        |_| fetch_mail_desk(),
    );
    Effect::new(move |_| {
        let changing_soon = desk
            .get()
            .and_then(Result::ok)
            .is_some_and(|desk| desk.changing_soon);
        if !changing_soon {
            return;
        }
        if let Ok(handle) = set_timeout_with_handle(
            move || set_tick.update(|n| *n = n.wrapping_add(1)),
            std::time::Duration::from_secs(REFRESH_SECONDS),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    view! {
        <Title text="Correo · Sala situacional" />
        <h1>"Correo"</h1>
        {move || change.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}
        <Transition fallback=|| view! { <p>"Cargando…"</p> }>
            {move || Suspend::new(async move {
                match desk.await {
                    Ok(desk) => view! { <Desk desk change /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn Desk(desk: MailDesk, change: ServerAction<SetMailState>) -> impl IntoView {
    let MailDesk {
        sender,
        counts,
        entries,
        ..
    } = desk;
    let status = match sender {
        Some(sender) => view! {
            <p class="notice notice--ok" data-mail-enabled="true">
                "Los correos salen de "<strong>{sender}</strong>
                ". Un envío interrumpido (el servidor se detuvo mientras entregaba) no se repite \
                 solo: compruebe con la persona si le llegó antes de reenviarlo."
            </p>
        }
        .into_any(),
        None => view! {
            <p class="notice notice--warning" data-mail-enabled="false">
                "El correo no está configurado (--smtp-url y --mail-from): Sala no envía ni guarda \
                 correos. Los de abajo son de cuando estaba configurado."
            </p>
        }
        .into_any(),
    };
    let counts = counts
        .into_iter()
        .map(|(state, n)| view! { <li data-mail-count=state.code()>{format!("{}: {n}", state.label())}</li> })
        .collect_view();
    let body = if entries.is_empty() {
        view! { <p class="muted">"Aún no hay correos."</p> }.into_any()
    } else {
        view! {
            <div class="table-wrap" role="region" aria-label="Correos" tabindex="0">
                <table id="tabla-correo">
                    <thead><tr>
                        <th scope="col">"Creado"</th><th scope="col">"Tipo"</th>
                        <th scope="col">"Para"</th><th scope="col">"Asunto"</th>
                        <th scope="col">"Estado"</th><th scope="col">"Acciones"</th>
                    </tr></thead>
                    <tbody>
                        {entries.into_iter().map(|entry| view! { <Row entry change /> }).collect_view()}
                    </tbody>
                </table>
            </div>
        }.into_any()
    };
    view! {
        {status}
        <ul class="inline-list" aria-label="Correos por estado">{counts}</ul>
        {body}
    }
}

#[component]
fn Row(entry: OutboxEntry, change: ServerAction<SetMailState>) -> impl IntoView {
    let OutboxEntry {
        id,
        kind,
        recipient,
        subject,
        state,
        attempts,
        last_error,
        created_at,
        sent_at,
        last_attempt_at,
        attachments,
        ..
    } = entry;
    let standing = match (state, sent_at) {
        (MailState::Enviado, Some(at)) => format!("Enviado {}", format_bogota(at)),
        _ if attempts > 1 => format!("{} · {attempts} intentos", state.label()),
        _ => state.label().to_owned(),
    };
    let tried = match (state, last_attempt_at) {
        (MailState::Enviado, _) | (_, None) => None,
        (_, Some(at)) => Some(format!("Último intento: {}", format_bogota(at))),
    };
    let files = (!attachments.is_empty()).then(|| {
        view! { <br /><small class="muted">{format!("Adjuntos: {}", attachments.join(", "))}</small> }
    });
    let act = move |to: MailState| {
        change.dispatch(SetMailState {
            id,
            to: to.code().to_owned(),
        });
    };
    view! {
        <tr data-mail=id data-mail-state=state.code()
            data-mail-tried=last_attempt_at.map(|at| at.timestamp_millis().to_string())>
            <td data-label="Creado">{format_bogota(created_at)}</td>
            <td data-label="Tipo">{kind.label()}</td>
            <td data-label="Para">{recipient}</td>
            // one element per cell: on a phone each row is a card of label and value
            <td data-label="Asunto"><div>{subject}{files}</div></td>
            <td data-label="Estado">
                <div>
                    {standing}
                    {tried.map(|t| view! { <br /><small class="muted">{t}</small> })}
                    {last_error.map(|e| view! { <br /><small class="muted" data-mail-error>{e}</small> })}
                </div>
            </td>
            <td data-label="Acciones">
                <div class="actions">
                {(!state.may_retry() && !state.may_discard()).then_some("—")}
                {state.may_retry().then(|| view! {
                    <button type="button" class="button" data-mail-retry
                        on:click=move |_| act(MailState::Pendiente)>"Reenviar"</button>
                })}
                {state.may_discard().then(|| view! {
                    <button type="button" class="button button--quiet" data-mail-discard
                        on:click=move |_| act(MailState::Descartado)>"Descartar"</button>
                })}
                </div>
            </td>
        </tr>
    }
}
