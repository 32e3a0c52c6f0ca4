//! A session's guest links, for its coordination: create one (participant or observer, optional
//! name, expiry), see who used each, revoke one (its open boards turn read-only at once).

use leptos::prelude::*;

use crate::api::accounts::{CreateInvitation, RevokeInvitation, fetch_invitations};
use crate::api::codec::page_data;
use crate::domain::board::BoardRole;
use crate::domain::identity::Invitation;
use crate::error::AppError;
use crate::pages::common::{bump_on_success, general_message};

#[component]
pub fn GuestLinks(session: i64) -> impl IntoView {
    let saved = RwSignal::new(0u32);
    let create = ServerAction::<CreateInvitation>::new();
    let revoke = ServerAction::<RevokeInvitation>::new();
    bump_on_success(create.value().into(), saved);
    bump_on_success(revoke.value().into(), saved);
    let created: Signal<Option<Result<Invitation, AppError>>> = create.value().into();
    let revoked: Signal<Option<Result<(), AppError>>> = revoke.value().into();
    let list = page_data(move || saved.get(), move |_| fetch_invitations(session));
    view! {
        <details class="card guests" data-guests>
            <summary><h2 class="inline-heading">"Invitar participantes"</h2></summary>
            <p class="muted">
                "Un enlace de invitación deja entrar a este tablero sin cuenta (p. ej. a la delegada de una organización comunitaria). "
                "Compártalo por el canal de la Mesa; puede revocarlo en cualquier momento."
            </p>
            <ActionForm action=create attr:class="form form--row" attr:data-form="nueva-invitacion">
                <input type="hidden" name="session" value=session />
                <div class="field">
                    <label for="guest-role">"Rol"</label>
                    <select id="guest-role" name="role">
                        <option value=BoardRole::Participante.code()>"Participante (escribe en el tablero)"</option>
                        <option value=BoardRole::Observador.code()>"Observador (solo lee)"</option>
                    </select>
                </div>
                <div class="field">
                    <label for="guest-name">"Nombre (opcional)"</label>
                    <input id="guest-name" name="name" maxlength="120" autocomplete="off" />
                </div>
                <div class="field">
                    <label for="guest-hours">"Vigencia en horas (vacío: hasta el final del día de la sesión)"</label>
                    <input id="guest-hours" name="hours" type="number" min="1" max="1440" inputmode="numeric" />
                </div>
                <button type="submit" class="button" disabled=move || create.pending().get()>"Crear enlace"</button>
            </ActionForm>
            <p class="form-alert" role="alert">{move || general_message(created, &[]).get()}</p>
            {move || created.get().and_then(Result::ok).and_then(|i| i.link).map(|link| {
                let attr = link.clone();
                view! {
                    <div class="notice" role="status">
                        <p>"Enlace creado (cópielo ahora: no se vuelve a mostrar):"</p>
                        <p><code class="link-text" data-guest-link=attr>{link}</code></p>
                    </div>
                }
            })}
            <p class="form-alert" role="alert">{move || general_message(revoked, &[]).get()}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted">"Aún no hay enlaces de invitación."</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="guest-list">
                                {list.into_iter().map(|i| view! { <GuestRow invitation=i session revoke /> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <p class="form-alert" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </details>
    }
    .into_any()
}

#[component]
fn GuestRow(
    invitation: Invitation,
    session: i64,
    revoke: ServerAction<RevokeInvitation>,
) -> impl IntoView {
    let state = if invitation.revoked {
        "revocado".to_owned()
    } else if invitation.expired {
        "vencido".to_owned()
    } else {
        format!("vigente hasta {}", invitation.expires)
    };
    let used = match (&invitation.last_used, &invitation.last_used_by) {
        (Some(at), Some(by)) => format!("{} uso(s); último: {at} ({by})", invitation.uses),
        (Some(at), None) => format!("{} uso(s); último: {at}", invitation.uses),
        _ => "sin usar".to_owned(),
    };
    let who = invitation
        .name
        .clone()
        .unwrap_or_else(|| "Sin nombre".into());
    let live = !invitation.revoked && !invitation.expired;
    let nonce = invitation.nonce.clone();
    view! {
        <li data-invitation=nonce data-invitation-state=if live { "vigente" } else { "inactivo" }>
            <span><strong>{who}</strong>
            {format!(" · {} · {state} · {used} · creado por {}", invitation.role.label(), invitation.created_by)}</span>
            {live.then(|| view! {
                <ActionForm action=revoke attr:class="inline-form">
                    <input type="hidden" name="session" value=session />
                    <input type="hidden" name="nonce" value=invitation.nonce.clone() />
                    <button type="submit" class="button button--danger button--small" data-action="revocar">"Revocar"</button>
                </ActionForm>
            })}
        </li>
    }
    .into_any()
}
