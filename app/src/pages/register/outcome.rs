//! Where a register file's upload ends: what it saved, or every problem that kept it from
//! saving anything, with its sheet, line and column.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::codec::page_data;
use crate::api::register::fetch_register_import;
use crate::domain::assets::import::{RegisterImport, RegisterOutcome};
use crate::pages::common::ErrorNotice;

#[component]
pub fn RegisterImportPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let outcome = page_data(id, fetch_register_import);
    view! {
        <Title text="Carga al registro de activos · Sala situacional" />
        <p><a href="/activos">"← Activos sociales y equipos"</a></p>
        <Suspense fallback=|| view! { <p>"Cargando…"</p> }>
            {move || Suspend::new(async move {
                match outcome.await {
                    Ok(record) => view! { <Outcome record /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Outcome(record: RegisterImport) -> impl IntoView {
    let heading = format!("Carga de «{}»", record.file_name);
    let by = format!("Por {} · {}", record.uploaded_by, record.uploaded_at);
    let body = match record.outcome {
        RegisterOutcome::Saved(summary) => view! {
            <div class="notice notice--ok" role="status" data-outcome="guardada">
                <p>{format!("Se guardó el archivo completo: {}.", summary.describe())}</p>
            </div>
        }
        .into_any(),
        RegisterOutcome::Refused(errors) => {
            let count = errors.len();
            let rows = errors
                .into_iter()
                .map(|e| {
                    let line = if e.line == 0 { "—".to_owned() } else { e.line.to_string() };
                    view! {
                        <tr><td>{e.sheet}</td><td>{line}</td><td>{e.column.unwrap_or_default()}</td><td>{e.reason}</td></tr>
                    }
                })
                .collect_view();
            view! {
                <div class="notice notice--error" role="alert" data-outcome="rechazada">
                    <p>{format!(
                        "No se guardó nada: el archivo tiene {count} {}. Corríjalos y vuelva a cargarlo.",
                        if count == 1 { "problema" } else { "problemas" }
                    )}</p>
                </div>
                <div class="scroll-x" tabindex="0"><table class="table" data-problems>
                    <thead><tr><th>"Hoja"</th><th>"Línea"</th><th>"Columna"</th><th>"Problema"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table></div>
            }
            .into_any()
        }
    };
    view! {
        <h1>{heading}</h1>
        <p class="muted">{by}</p>
        {body}
        <p><a class="button" href="/activos#cargar">"Cargar otro archivo"</a></p>
    }
}
