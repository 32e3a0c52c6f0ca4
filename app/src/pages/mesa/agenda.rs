//! «Orden del día tipo»: the points every new session of the Mesa starts with, one per line,
//! edited by whoever schedules its sessions. Sessions already scheduled keep their boards.

use leptos::prelude::*;

use crate::api::codec::page_data;
use crate::api::{SetAgendaTemplate, fetch_agenda_template};
use crate::domain::agenda_template::{TemplatePoint, template_text};
use crate::error::AppError;
use crate::pages::common::{ErrorNotice, FieldError, field_message, general_message};

const FIELDS: &[&str] = &["agenda", "mesa"];

#[component]
pub fn StandingAgendaForm(mesa: Signal<String>) -> impl IntoView {
    let save = ServerAction::<SetAgendaTemplate>::new();
    let result: Signal<Option<Result<Vec<TemplatePoint>, AppError>>> = save.value().into();
    let stored = page_data(move || mesa.get(), fetch_agenda_template);
    let done = move || {
        result.get().and_then(|r| r.ok()).map(|points| match points.len() {
            0 => "Sin orden del día tipo: las sesiones nuevas empiezan solo con el seguimiento."
                .to_owned(),
            1 => "Guardado: 1 punto. Las sesiones que se programen desde ahora empiezan con él."
                .to_owned(),
            n => format!(
                "Guardado: {n} puntos. Las sesiones que se programen desde ahora empiezan con ellos."
            ),
        })
    };
    view! {
        <section class="panel" aria-labelledby="orden-tipo">
            <details data-fold="orden-tipo">
                <summary><h2 id="orden-tipo">"Orden del día tipo"</h2></summary>
                <p class="muted">
                    "Los puntos con que empieza cada sesión nueva, después de la aprobación del acta \
                     anterior y el seguimiento de compromisos. Uno por línea; los minutos, si quiere, \
                     al final: «Informe de la EPS (15 min)»."
                </p>
                <Suspense fallback=|| view! { <p>"Cargando…"</p> }>
                    {move || Suspend::new(async move {
                        // A template that could not be read is not shown as an empty one:
                        // saving that would erase it.
                        let text = match stored.await {
                            Ok(points) => template_text(&points),
                            Err(error) => return view! { <ErrorNotice error /> }.into_any(),
                        };
                        view! {
                            <ActionForm action=save attr:class="form" attr:data-form="orden-tipo">
                                <input type="hidden" name="mesa" value=move || mesa.get() />
                                <div class="field">
                                    <label for="agenda-template">"Puntos"</label>
                                    <textarea id="agenda-template" name="agenda" rows="6"
                                        aria-describedby="agenda-template-error">{text}</textarea>
                                    <FieldError id="agenda-template-error" message=field_message(result, "agenda") />
                                </div>
                                <button type="submit" class="button" disabled=move || save.pending().get()>
                                    "Guardar el orden del día tipo"
                                </button>
                                <p class="form-alert" role="alert">{move || general_message(result, FIELDS).get()}</p>
                            </ActionForm>
                        }
                        .into_any()
                    })}
                </Suspense>
            </details>
            <p class="form-status" role="status" data-agenda-template-done>{done}</p>
        </section>
    }
}
