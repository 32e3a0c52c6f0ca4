//! Small pieces used by several pages.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::domain::{Session, SessionStatus, format_bogota};
use crate::error::{AppError, set_response_status};

/// Tells people's assistive tools and our end-to-end tests that the page is interactive: an
/// effect runs only in the browser, after the view that created it has hydrated. Called by each
/// page's route once its module has arrived (`App` itself hydrates first, before a lazy route's
/// module is there: marked then, a click could still post a form natively).
pub fn mark_interactive() {
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

#[component]
pub fn NotFound() -> impl IntoView {
    set_response_status(&AppError::NotFound(String::new()));
    mark_interactive();
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
    let sign_in = matches!(error, AppError::Unauthorized(_)).then(|| {
        let here = leptos_router::hooks::use_location().pathname.get_untracked();
        view! {
            <p>
                <a class="button" href=format!("/entrar?siguiente={here}") data-sign-in-link>"Iniciar sesión"</a>
            </p>
        }
    });
    view! {
        <div class="notice notice--error" role="alert">
            <p>{error.to_string()}</p>
            {sign_in}
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
pub fn FieldError(#[prop(into)] id: String, message: Signal<Option<String>>) -> impl IntoView {
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

/// The message for `field`, once the last submission came back with field errors.
pub fn field_message<T: Clone + Send + Sync + 'static>(
    result: Signal<Option<Result<T, AppError>>>,
    field: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || {
        result.get().and_then(|r| r.err()).and_then(|e| {
            e.field_errors()
                .and_then(|f| f.get(field).map(str::to_owned))
        })
    })
}

/// An error that belongs to no field of the form (unknown Mesa, a session no longer scheduled,
/// server unreachable).
pub fn general_message<T: Clone + Send + Sync + 'static>(
    result: Signal<Option<Result<T, AppError>>>,
    fields: &'static [&'static str],
) -> Signal<Option<String>> {
    Signal::derive(move || match result.get() {
        Some(Err(e)) => match e.field_errors() {
            None => Some(e.to_string()),
            Some(errors) => {
                let others: Vec<&str> = errors
                    .0
                    .iter()
                    .filter(|(field, _)| !fields.contains(&field.as_str()))
                    .map(|(_, message)| message.as_str())
                    .collect();
                (!others.is_empty()).then(|| others.join(" "))
            }
        },
        _ => None,
    })
}

/// Counts the successful results of `action` into `saved`, so what depends on the saved data
/// reloads after a success and never after a refusal (which would wipe what the person typed).
pub fn bump_on_success<T, E>(value: Signal<Option<Result<T, E>>>, saved: RwSignal<u32>)
where
    T: Clone + Send + Sync + 'static,
    E: Clone + Send + Sync + 'static,
{
    on_success(value, move || saved.update(|n| *n += 1));
}

/// Runs `then` after each successful result of an action.
pub fn on_success<T, E>(
    value: Signal<Option<Result<T, E>>>,
    then: impl Fn() + Send + Sync + 'static,
) where
    T: Clone + Send + Sync + 'static,
    E: Clone + Send + Sync + 'static,
{
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(_))) {
            then();
        }
    });
}

/// After a successful submit the form is empty for the next entry and its fold (if any) closes.
/// The page reloads its data in place, which keeps what inputs hold, so this is explicit.
pub fn clear_on_success<T, E>(
    value: Signal<Option<Result<T, E>>>,
    form: NodeRef<leptos::html::Form>,
    fold: Option<NodeRef<leptos::html::Details>>,
) where
    T: Clone + Send + Sync + 'static,
    E: Clone + Send + Sync + 'static,
{
    on_success(value, move || {
        if let Some(form) = form.get_untracked() {
            form.reset();
        }
        if let Some(details) = fold.and_then(|d| d.get_untracked()) {
            details.set_open(false);
        }
    });
}
