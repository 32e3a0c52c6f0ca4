//! *Mi cuenta*: one's own data (corrected by oneself), roles, password and signing out.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::accounts::{
    ChangePassword, MintAccessToken, RevokeAccessToken, SignOut, UpdateMyAccount,
    fetch_access_tokens, fetch_my_account,
};
use crate::api::codec::page_data;
use crate::domain::identity::Account;
use crate::error::AppError;
use crate::pages::common::{
    ErrorNotice, FieldError, bump_on_success, field_message, general_message,
};

#[component]
pub fn AccountPage() -> impl IntoView {
    let saved = RwSignal::new(0u32);
    let update = ServerAction::<UpdateMyAccount>::new();
    bump_on_success(update.value().into(), saved);
    let account = page_data(move || saved.get(), |_| fetch_my_account());
    let welcome = move || use_query_map().read().get("bienvenida").is_some();
    view! {
        <Title text="Mi cuenta · Sala situacional" />
        {move || welcome().then(|| view! {
            <p class="notice" role="status" data-welcome>"Contraseña guardada. Ya inició sesión."</p>
        })}
        <Suspense fallback=|| view! { <p>"Cargando…"</p> }>
            {move || Suspend::new(async move {
                match account.await {
                    Ok(account) => view! { <Mine account update /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn Mine(account: Account, update: ServerAction<UpdateMyAccount>) -> impl IntoView {
    let updated: Signal<Option<Result<Account, AppError>>> = update.value().into();
    let password = ServerAction::<ChangePassword>::new();
    let changed: Signal<Option<Result<(), AppError>>> = password.value().into();
    let sign_out = ServerAction::<SignOut>::new();
    let roles = account
        .roles
        .iter()
        .map(|grant| {
            view! {
                <li data-role-on=grant.mesa.clone()>
                    <a href=format!("/mesas/{}", grant.mesa)>{grant.mesa.clone()}</a>
                    {format!(" · {}", grant.role.label())}
                </li>
            }
        })
        .collect_view();
    view! {
        <h1>"Mi cuenta"</h1>
        <p class="lead" data-account-email>{account.email.clone()}</p>
        <div class="page page--mesa">
            <div class="page__main">
                <section class="card" aria-labelledby="mis-roles">
                    <h2 id="mis-roles">"Mis roles"</h2>
                    {account.admin.then(|| view! {
                        <p data-admin>"Administración distrital: "<a href="/admin/personas">"personas y roles"</a>" · "<a href="/admin/auditoria">"registro de auditoría"</a>" · "<a href="/admin/correo">"correo"</a></p>
                    })}
                    {if account.roles.is_empty() {
                        view! { <p class="muted">"Aún no tiene un rol en ninguna Mesa: pídalo a la administración."</p> }.into_any()
                    } else {
                        view! { <ul>{roles}</ul> }.into_any()
                    }}
                </section>
                <section class="card" aria-labelledby="mis-datos">
                    <h2 id="mis-datos">"Mis datos"</h2>
                    <ActionForm action=update attr:class="form" attr:data-form="mis-datos">
                        <div class="field">
                            <label for="name">"Nombre"</label>
                            <input id="name" name="name" required value=account.name.clone() aria-describedby="name-error" />
                            <FieldError id="name-error" message=field_message(updated, "name") />
                        </div>
                        <div class="field">
                            <label for="institution">"Institución"</label>
                            <input id="institution" name="institution" value=account.institution.clone() />
                        </div>
                        <div class="field">
                            <label for="sector">"Sector"</label>
                            <input id="sector" name="sector" value=account.sector.clone() />
                        </div>
                        <div class="field">
                            <label for="phone">"Teléfono (opcional; solo lo ven usted y la administración)"</label>
                            <input id="phone" name="phone" type="tel" value=account.phone.clone() aria-describedby="phone-error" />
                            <FieldError id="phone-error" message=field_message(updated, "phone") />
                        </div>
                        <button type="submit" class="button" disabled=move || update.pending().get()>"Guardar mis datos"</button>
                        <p class="form-alert" role="alert">{move || general_message(updated, &["name", "phone"]).get()}</p>
                    </ActionForm>
                </section>
            </div>
            <aside class="page__aside">
                <section class="card" aria-labelledby="cambiar-clave">
                    <h2 id="cambiar-clave">"Cambiar contraseña"</h2>
                    <ActionForm action=password attr:class="form" attr:data-form="cambiar-clave">
                        <div class="field">
                            <label for="current">"Contraseña actual"</label>
                            <input id="current" name="current" type="password" required autocomplete="current-password"
                                aria-describedby="current-error" />
                            <FieldError id="current-error" message=field_message(changed, "current") />
                        </div>
                        <div class="field">
                            <label for="new-password">"Nueva contraseña"</label>
                            <input id="new-password" name="password" type="password" required autocomplete="new-password"
                                aria-describedby="password-error" />
                            <FieldError id="password-error" message=field_message(changed, "password") />
                        </div>
                        <div class="field">
                            <label for="repeat">"Repita la nueva contraseña"</label>
                            <input id="repeat" name="repeat" type="password" required autocomplete="new-password"
                                aria-describedby="repeat-error" />
                            <FieldError id="repeat-error" message=field_message(changed, "repeat") />
                        </div>
                        <button type="submit" class="button" disabled=move || password.pending().get()>"Cambiar contraseña"</button>
                        <p class="form-status" role="status">{move || matches!(changed.get(), Some(Ok(()))).then_some("Contraseña cambiada.")}</p>
                        <p class="form-alert" role="alert">{move || general_message(changed, &["current", "password", "repeat"]).get()}</p>
                    </ActionForm>
                </section>
                <super::calendars::Calendars roles=account.roles.clone() />
                <AccessTokens />
                <ActionForm action=sign_out attr:class="inline-form">
                    <button type="submit" class="button button--quiet" data-action="salir">"Cerrar sesión"</button>
                </ActionForm>
            </aside>
        </div>
    }
    .into_any()
}

/// Personal access tokens for scripts (`Authorization: Bearer …` on `/api/v1`), with the
/// person's own rights; shown once, revocable, with their last use.
#[component]
fn AccessTokens() -> impl IntoView {
    let saved = RwSignal::new(0u32);
    let mint = ServerAction::<MintAccessToken>::new();
    let revoke = ServerAction::<RevokeAccessToken>::new();
    bump_on_success(mint.value().into(), saved);
    bump_on_success(revoke.value().into(), saved);
    let minted: Signal<Option<Result<String, AppError>>> = mint.value().into();
    let tokens = page_data(move || saved.get(), |_| fetch_access_tokens());
    view! {
        <section class="card" aria-labelledby="tokens">
            <h2 id="tokens">"Tokens de acceso (scripts)"</h2>
            <p class="muted">"Para programas que usan la API (/api/v1) con sus mismos permisos. Se muestran una sola vez."</p>
            <ActionForm action=mint attr:class="form" attr:data-form="nuevo-token">
                <div class="field">
                    <label for="token-label">"Para qué es"</label>
                    <input id="token-label" name="label" maxlength="80" required aria-describedby="token-label-error" />
                    <FieldError id="token-label-error" message=field_message(minted, "label") />
                </div>
                <button type="submit" class="button button--quiet" disabled=move || mint.pending().get()>"Crear token"</button>
            </ActionForm>
            {move || minted.get().and_then(Result::ok).map(|token| view! {
                <div class="notice" role="status">
                    <p>"Cópielo ahora: no se vuelve a mostrar."</p>
                    <p><code class="link-text" data-new-token>{token}</code></p>
                </div>
            })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    tokens.await.ok().map(|list| view! {
                        <ul class="guest-list">
                            {list.into_iter().map(|t| {
                                let used = t.last_used_at.as_deref().map(crate::domain::format_rfc3339_bogota)
                                    .map(|at| format!("último uso {at}")).unwrap_or_else(|| "sin usar".into());
                                let state = if t.revoked { " · revocado" } else { "" };
                                view! {
                                    <li data-token=t.id>
                                        <strong>{t.label.clone()}</strong>{format!(" · {used}{state}")}
                                        {(!t.revoked).then(|| view! {
                                            <ActionForm action=revoke attr:class="inline-form">
                                                <input type="hidden" name="id" value=t.id />
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
