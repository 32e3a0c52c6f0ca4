//! *Iniciar sesión* and the page a setup (or reset) link opens.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::accounts::{CompleteSetup, SignIn, fetch_setup_link_owner, fetch_single_sign_on};
use crate::api::codec::page_data;
use crate::domain::identity::MIN_PASSWORD_CHARS;
use crate::pages::common::{ErrorNotice, FieldError, field_message, general_message};

/// Why an invitation link brought someone here instead of to their board.
fn invitation_notice(code: &str) -> Option<&'static str> {
    match code {
        "vencida" => {
            Some("Su enlace de invitación venció. Pida uno nuevo a la coordinación de la Mesa.")
        }
        "revocada" => Some("La coordinación de la Mesa revocó este enlace de invitación."),
        "invalida" => Some("El enlace de invitación no es válido (¿se copió completo?)."),
        _ => None,
    }
}

/// Why the institutional sign-in did not sign anyone in.
fn sso_notice(code: &str) -> Option<&'static str> {
    match code {
        "sin-cuenta" => Some(
            "Su proveedor de identidad confirmó su correo, pero no hay una cuenta de Sala con él: pida a la administración que la cree.",
        ),
        "correo-sin-verificar" => Some(
            "Su proveedor de identidad no confirmó su correo, así que no se puede vincular a una cuenta de Sala.",
        ),
        "desactivada" => Some("Su cuenta de Sala está desactivada: hable con la administración."),
        "vencido" => {
            Some("El inicio de sesión institucional venció o ya se usó: intente de nuevo.")
        }
        "cancelado" => Some("Se canceló el inicio de sesión en el proveedor de identidad."),
        "fallo" => Some(
            "El proveedor de identidad no respondió como se esperaba: intente de nuevo o entre con su contraseña.",
        ),
        _ => None,
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let next = move || query.read().get("siguiente").unwrap_or_default();
    let notice = move || {
        let query = query.read();
        query
            .get("invitacion")
            .and_then(|code| invitation_notice(&code))
            .or_else(|| query.get("sso").and_then(|code| sso_notice(&code)))
            .or_else(|| {
                query
                    .get("salida")
                    .map(|_| "Cerró su sesión en este navegador.")
            })
    };
    let sso = page_data(|| (), |_| fetch_single_sign_on());
    let action = ServerAction::<SignIn>::new();
    let result: Signal<Option<Result<(), crate::error::AppError>>> = action.value().into();
    view! {
        <Title text="Iniciar sesión · Sala situacional" />
        <div class="narrow">
            <h1>"Iniciar sesión"</h1>
            {move || notice().map(|text| view! { <p class="notice" role="status" data-notice>{text}</p> })}
            <ActionForm action attr:class="form card" attr:data-form="entrar">
                <input type="hidden" name="next" value=next />
                <div class="field">
                    <label for="email">"Correo electrónico"</label>
                    <input id="email" name="email" type="email" required autocomplete="username" />
                </div>
                <div class="field">
                    <label for="password">"Contraseña"</label>
                    <input id="password" name="password" type="password" required autocomplete="current-password" />
                </div>
                <button type="submit" class="button" disabled=move || action.pending().get()>"Entrar"</button>
                <p class="form-alert" role="alert" data-sign-in-error>{move || general_message(result, &[]).get()}</p>
            </ActionForm>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    sso.await.ok().flatten().map(|label| view! {
                        <p><a class="button button--quiet" data-sso
                            href=move || format!("/entrar/sso?siguiente={}", next())>{label}</a></p>
                    })
                })}
            </Suspense>
            <p class="muted">
                "¿No tiene cuenta u olvidó su contraseña? La administración de Sala le envía un enlace para establecerla. "
                "Quienes no tienen cuenta entran a una sesión con el enlace de invitación que les comparte la coordinación."
            </p>
            <p><a href="/privacidad">"Aviso de privacidad"</a></p>
        </div>
    }
    .into_any()
}

#[component]
pub fn SetupPage() -> impl IntoView {
    let query = use_query_map();
    let secret = move || query.read().get("clave").unwrap_or_default();
    let owner = page_data(secret, fetch_setup_link_owner);
    let action = ServerAction::<CompleteSetup>::new();
    let result: Signal<Option<Result<(), crate::error::AppError>>> = action.value().into();
    view! {
        <Title text="Establecer contraseña · Sala situacional" />
        <div class="narrow">
            <Suspense fallback=|| view! { <p>"Cargando…"</p> }>
                {move || Suspend::new(async move {
                    match owner.await {
                        Ok(name) => view! {
                            <h1>"Establezca su contraseña"</h1>
                            <p class="lead" data-setup-for>{format!("Hola, {name}. Elija la contraseña con la que entrará a Sala.")}</p>
                            <ActionForm action attr:class="form card" attr:data-form="configurar">
                                <input type="hidden" name="secret" value=secret />
                                <div class="field">
                                    <label for="password">{format!("Contraseña (al menos {MIN_PASSWORD_CHARS} caracteres)")}</label>
                                    <input id="password" name="password" type="password" required autocomplete="new-password"
                                        minlength=MIN_PASSWORD_CHARS aria-describedby="password-error" />
                                    <FieldError id="password-error" message=field_message(result, "password") />
                                </div>
                                <div class="field">
                                    <label for="repeat">"Repita la contraseña"</label>
                                    <input id="repeat" name="repeat" type="password" required autocomplete="new-password"
                                        aria-describedby="repeat-error" />
                                    <FieldError id="repeat-error" message=field_message(result, "repeat") />
                                </div>
                                <button type="submit" class="button" disabled=move || action.pending().get()>"Guardar y entrar"</button>
                                <p class="form-alert" role="alert">{move || general_message(result, &["password", "repeat"]).get()}</p>
                            </ActionForm>
                            <p><a href="/privacidad">"Aviso de privacidad"</a></p>
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
    .into_any()
}
