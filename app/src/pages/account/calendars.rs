//! «Calendarios» in *Mi cuenta*: private subscription URLs for a calendar application — one's
//! own sessions and commitments, or one Mesa's sessions — shown once, revocable.

use leptos::prelude::*;

use crate::api::accounts::{CreateCalendarFeed, RevokeCalendarFeed, fetch_calendar_feeds};
use crate::api::codec::page_data;
use crate::domain::identity::RoleGrant;
use crate::error::AppError;
use crate::pages::common::{bump_on_success, general_message};

#[component]
pub fn Calendars(roles: Vec<RoleGrant>) -> impl IntoView {
    let saved = RwSignal::new(0u32);
    let create = ServerAction::<CreateCalendarFeed>::new();
    let revoke = ServerAction::<RevokeCalendarFeed>::new();
    bump_on_success(create.value().into(), saved);
    bump_on_success(revoke.value().into(), saved);
    let created: Signal<Option<Result<String, AppError>>> = create.value().into();
    let feeds = page_data(move || saved.get(), |_| fetch_calendar_feeds());
    view! {
        <section class="card" aria-labelledby="calendarios" id="calendarios">
            <h2 id="calendarios">"Calendarios"</h2>
            <p class="muted">"Suscríbase desde su aplicación de calendario (Google, Outlook, el del celular) con una dirección privada: se actualiza sola."</p>
            <ActionForm action=create attr:class="form" attr:data-form="nuevo-calendario">
                <div class="field">
                    <label for="calendar-mesa">"Qué incluye"</label>
                    <select id="calendar-mesa" name="mesa">
                        <option value="">"Mis sesiones y mis compromisos"</option>
                        {roles.into_iter().map(|grant| view! {
                            <option value=grant.mesa.clone()>{format!("Sesiones de {}", grant.mesa)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="button button--quiet" disabled=move || create.pending().get()>"Crear dirección de calendario"</button>
                <p class="form-alert" role="alert">{move || general_message(created, &[]).get()}</p>
            </ActionForm>
            {move || created.get().and_then(Result::ok).map(|url| view! {
                <div class="notice" role="status">
                    <p>"Cópiela ahora en su calendario («Agregar calendario desde URL»): no se vuelve a mostrar."</p>
                    <p><code class="link-text" data-new-calendar>{url}</code></p>
                </div>
            })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    feeds.await.ok().map(|list| view! {
                        <ul class="guest-list">
                            {list.into_iter().map(|f| {
                                let what = f.mesa_name.clone().map_or_else(
                                    || "Mis sesiones y compromisos".to_owned(),
                                    |name| format!("Sesiones de {name}"),
                                );
                                let used = f.last_used_at.as_deref().map(crate::domain::format_rfc3339_bogota)
                                    .map(|at| format!("última consulta {at}")).unwrap_or_else(|| "sin consultar".into());
                                let state = if f.revoked { " · revocado" } else { "" };
                                view! {
                                    <li data-calendar=f.id>
                                        <strong>{what}</strong>{format!(" · {used}{state}")}
                                        {(!f.revoked).then(|| view! {
                                            <ActionForm action=revoke attr:class="inline-form">
                                                <input type="hidden" name="id" value=f.id />
                                                <button type="submit" class="button button--danger button--small">"Revocar"</button>
                                            </ActionForm>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    })
                })}
            </Suspense>
        </section>
    }
    .into_any()
}
