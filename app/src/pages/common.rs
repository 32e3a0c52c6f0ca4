//! Small pieces used by several pages.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::domain::{Session, SessionStatus, format_bogota};
use crate::error::{AppError, set_response_status};

#[component]
pub fn NotFound() -> impl IntoView {
    set_response_status(&AppError::NotFound(String::new()));
    view! {
        <Title text="Página no encontrada · Sala situacional" />
        <h1>"Página no encontrada"</h1>
        <p>
            <a href="/">"Volver a las Mesas"</a>
        </p>
    }
}

/// An error a person can act on, announced to screen readers.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    set_response_status(&error);
    view! {
        <div class="notice notice--error" role="alert">
            <p>{error.to_string()}</p>
            <p>
                <a href="/">"Volver a las Mesas"</a>
            </p>
        </div>
    }
}

#[component]
pub fn StatusBadge(status: SessionStatus) -> impl IntoView {
    view! {
        <span class=format!("badge badge--{}", status.as_str()) data-status=status.as_str()>
            {status.label()}
        </span>
    }
}

/// The message for one form field, or nothing. Keeps its id so `aria-describedby` always resolves.
#[component]
pub fn FieldError(id: &'static str, message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <p class="field-error" id=id aria-live="polite">
            {move || message.get()}
        </p>
    }
}

/// "Sesión 3 · mar 1 dic 2026, 09:00" as a link to the session page.
#[component]
pub fn SessionLink(session: Session) -> impl IntoView {
    let href = format!("/sesiones/{}", session.id);
    view! {
        <a href=href>{format!("Sesión {} · {}", session.seq, format_bogota(session.scheduled_at))}</a>
    }
}
