//! «Programar una serie»: the Mesa's sessions for months at once, as a secretary says them
//! («el primer martes de cada mes a las 9:00, hasta diciembre»); festivos are skipped and listed.

use leptos::prelude::*;

use crate::api::ScheduleSeries;
use crate::domain::series::{Ordinal, ScheduledSeries, weekday_options};
use crate::domain::{SessionMode, format_day};
use crate::error::AppError;
use crate::pages::common::{
    FieldError, clear_on_success, field_message, general_message, on_success,
};

const FIELDS: &[&str] = &[
    "repeat", "ordinal", "every", "weekday", "time", "from", "until", "place", "mode", "mesa",
];

#[component]
pub fn SeriesForm(mesa: Signal<String>, action: ServerAction<ScheduleSeries>) -> impl IntoView {
    let result: Signal<Option<Result<ScheduledSeries, AppError>>> = action.value().into();
    let repeat = RwSignal::new("mensual".to_owned());
    let monthly = move || repeat.get() == "mensual";
    let done = move || {
        result.get().and_then(|r| r.ok()).map(|s| {
            let skipped = s
                .skipped
                .iter()
                .map(|d| format!("{} ({})", format_day(d.date), d.festivo))
                .collect::<Vec<_>>();
            let mut text = format!(
                "{} sesiones programadas: {}.",
                s.sessions.len(),
                s.description
            );
            if !skipped.is_empty() {
                text.push_str(&format!(
                    " Se omitieron por festivo: {}.",
                    skipped.join(", ")
                ));
            }
            text
        })
    };
    let form = NodeRef::new();
    let fold = NodeRef::new();
    clear_on_success(result, form, Some(fold));
    // the reset puts the select back on «Cada mes»: the fields it shows follow
    on_success(result, move || repeat.set("mensual".to_owned()));
    let error = move |field: &'static str| field_message(result, field);
    view! {
        <section class="panel" aria-labelledby="programar-serie">
            <details node_ref=fold data-fold="serie">
                <summary><h2 id="programar-serie">"Programar una serie"</h2></summary>
                <p class="muted">"Varias sesiones de una vez; las que caen en festivo se omiten. Cada una se puede corregir después."</p>
                <ActionForm action=action node_ref=form attr:class="form" attr:data-form="serie">
                    <input type="hidden" name="mesa" value=move || mesa.get() />
                    <div class="field">
                        <label for="series-repeat">"Se repite"</label>
                        <select id="series-repeat" name="repeat" on:change=move |ev| repeat.set(event_target_value(&ev))>
                            <option value="mensual">"Cada mes"</option>
                            <option value="semanal">"Cada semana o cada varias semanas"</option>
                        </select>
                    </div>
                    <div class="field" hidden=move || !monthly()>
                        <label for="series-ordinal">"¿Cuál del mes?"</label>
                        <select id="series-ordinal" name="ordinal" aria-describedby="series-ordinal-error">
                            {Ordinal::options().into_iter().map(|(code, label)| view! { <option value=code>{label}</option> }).collect_view()}
                        </select>
                        <FieldError id="series-ordinal-error" message=error("ordinal") />
                    </div>
                    <div class="field" hidden=monthly>
                        <label for="series-every">"Cada cuántas semanas"</label>
                        <select id="series-every" name="every" aria-describedby="series-every-error">
                            <option value="1">"Cada semana"</option>
                            <option value="2">"Cada 2 semanas"</option>
                            <option value="3">"Cada 3 semanas"</option>
                            <option value="4">"Cada 4 semanas"</option>
                        </select>
                        <FieldError id="series-every-error" message=error("every") />
                    </div>
                    <div class="field">
                        <label for="series-weekday">"Día"</label>
                        <select id="series-weekday" name="weekday" aria-describedby="series-weekday-error">
                            {weekday_options().into_iter().map(|(code, name)| view! { <option value=code>{name}</option> }).collect_view()}
                        </select>
                        <FieldError id="series-weekday-error" message=error("weekday") />
                    </div>
                    <div class="field">
                        <label for="series-time">"Hora (Bogotá)"</label>
                        <input id="series-time" name="time" type="time" value="09:00" required aria-describedby="series-time-error" />
                        <FieldError id="series-time-error" message=error("time") />
                    </div>
                    <div class="field">
                        <label for="series-from">"Desde"</label>
                        <input id="series-from" name="from" type="date" required aria-describedby="series-from-error" />
                        <FieldError id="series-from-error" message=error("from") />
                    </div>
                    <div class="field">
                        <label for="series-until">"Hasta"</label>
                        <input id="series-until" name="until" type="date" required aria-describedby="series-until-error" />
                        <FieldError id="series-until-error" message=error("until") />
                    </div>
                    <div class="field">
                        <label for="series-place">"Lugar"</label>
                        <input id="series-place" name="place" type="text" maxlength="200" autocomplete="off" aria-describedby="series-place-error" />
                        <FieldError id="series-place-error" message=error("place") />
                    </div>
                    <div class="field">
                        <label for="series-mode">"Modalidad"</label>
                        <select id="series-mode" name="mode">
                            {SessionMode::ALL.into_iter().map(|m| view! { <option value=m.as_str()>{m.label()}</option> }).collect_view()}
                        </select>
                        <FieldError id="series-mode-error" message=error("mode") />
                    </div>
                    <button type="submit" class="button" disabled=move || action.pending().get()>"Programar la serie"</button>
                    <p class="form-alert" role="alert">{move || general_message(result, FIELDS).get()}</p>
                </ActionForm>
            </details>
            <p class="form-status" role="status" data-series-done>{done}</p>
        </section>
    }
}
