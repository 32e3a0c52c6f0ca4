//! An upload's preview: what the file would add and change, every problem with its sheet, line,
//! column and reason, the first rows as read; *Importar* (only when there are no errors) or
//! *Descartar*. The page shows what is stored once it is applied.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::codec::page_data;
use crate::api::indicators::{ApplyImport, DiscardImport, fetch_import_preview};
use crate::domain::indicators::format_value;
use crate::domain::indicators::import::{Counts, ImportPreview, ImportStatus};
use crate::pages::common::{ErrorNotice, bump_on_success, general_message};

#[component]
pub fn ImportPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let done = RwSignal::new(0u32);
    let apply = ServerAction::<ApplyImport>::new();
    let discard = ServerAction::<DiscardImport>::new();
    bump_on_success(apply.value().into(), done);
    bump_on_success(discard.value().into(), done);
    let preview = page_data(
        move || (id(), done.get()),
        |(id, _)| fetch_import_preview(id),
    );
    let refused = Signal::derive(move || {
        general_message(apply.value().into(), &[])
            .get()
            .or_else(|| general_message(discard.value().into(), &[]).get())
    });
    view! {
        <Title text="Vista previa de la carga · Sala situacional" />
        <p><a href="/indicadores">"← Indicadores"</a></p>
        <h1>"Vista previa de la carga"</h1>
        {move || refused.get().map(|reason| view! {
            <div class="notice notice--error" role="alert" data-apply-error><p>{reason}</p></div>
        })}
        <Suspense fallback=|| view! { <p>"Revisando el archivo…"</p> }>
            {move || Suspend::new(async move {
                match preview.await {
                    Ok(preview) => view! { <Preview preview apply discard /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn counts(what: &str, counts: Counts) -> String {
    format!(
        "{what}: {} nuevos, {} cambiados, {} sin cambios",
        counts.new, counts.changed, counts.unchanged
    )
}

#[component]
fn Preview(
    preview: ImportPreview,
    apply: ServerAction<ApplyImport>,
    discard: ServerAction<DiscardImport>,
) -> impl IntoView {
    let id = preview.id;
    let status = preview.status;
    let errors = preview.error_count;
    let heading = match (status, errors) {
        (ImportStatus::Applied, _) => "Importado: estos son los cambios que hizo.".to_owned(),
        (ImportStatus::Discarded, _) => "Carga descartada: no se importó nada.".to_owned(),
        (_, 0) => "El archivo está bien. Revise lo que cambiaría y confírmelo.".to_owned(),
        (_, n) => format!(
            "El archivo tiene {n} {}: corríjalo y cárguelo de nuevo. No se importará nada mientras tenga errores.",
            if n == 1 { "error" } else { "errores" }
        ),
    };
    let tone = if errors > 0 && status == ImportStatus::Preview {
        "notice notice--error"
    } else {
        "notice"
    };
    let error_rows = preview
        .errors
        .iter()
        .map(|e| {
            let line = if e.line == 0 {
                "—".to_owned()
            } else {
                e.line.to_string()
            };
            view! {
                <tr data-error-line=e.line>
                    <td>{e.sheet.clone()}</td><td>{line}</td>
                    <td>{e.column.clone().unwrap_or_default()}</td><td>{e.reason.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let more = (preview.error_count > preview.errors.len()).then(|| {
        view! {
            <p class="muted">{format!("… y {} errores más.", preview.error_count - preview.errors.len())}</p>
        }
    });
    let sample = preview
        .sample
        .iter()
        .map(|v| {
            let part = |n: Option<f64>| n.map(format_value).unwrap_or_default();
            view! {
                <tr>
                    <td>{v.indicator.clone()}</td><td>{v.territory.clone()}</td><td>{v.period.label()}</td>
                    <td>{part(v.numerator)}</td><td>{part(v.denominator)}</td><td>{format_value(v.value)}</td>
                </tr>
            }
        })
        .collect_view();
    let definitions = preview
        .indicators
        .iter()
        .map(|i| format!("{} ({})", i.name, i.code))
        .collect::<Vec<_>>()
        .join(", ");
    let pending = status == ImportStatus::Preview;
    view! {
        <section data-preview data-status=status.code() data-errors=errors>
            <dl class="meta">
                <div><dt>"Archivo"</dt><dd>{preview.file_name.clone()}</dd></div>
                {preview.mapping_name.clone().map(|m| view! { <div><dt>"Mapeo DHIS2"</dt><dd>{m}</dd></div> })}
                <div><dt>"Cargado por"</dt><dd>{preview.uploaded_by.clone()}</dd></div>
                <div><dt>"Cuándo"</dt><dd>{preview.uploaded_at.clone()}</dd></div>
            </dl>
            <div class=tone role="status"><p>{heading}</p></div>
            <ul data-summary>
                <li>{counts("Indicadores", preview.summary.indicators)}</li>
                <li data-values-summary>{counts("Valores", preview.summary.values)}</li>
                <li>{format!("{} territorios, {} periodos", preview.territories, preview.periods.len())}</li>
            </ul>
            {(!definitions.is_empty()).then(|| view! { <p>{format!("Definiciones: {definitions}")}</p> })}
            {(errors > 0).then(|| view! {
                <h2>"Errores"</h2>
                <div class="scroll-x" tabindex="0"><table class="table" data-import-errors>
                    <thead><tr><th>"Hoja"</th><th>"Línea"</th><th>"Columna"</th><th>"Motivo"</th></tr></thead>
                    <tbody>{error_rows}</tbody>
                </table></div>
                {more}
            })}
            {(errors == 0 && !preview.sample.is_empty()).then(|| view! {
                <h2>"Primeras filas, como Sala las leyó"</h2>
                <div class="scroll-x" tabindex="0"><table class="table" data-sample>
                    <thead><tr><th>"Indicador"</th><th>"Territorio"</th><th>"Periodo"</th><th>"Numerador"</th><th>"Denominador"</th><th>"Valor"</th></tr></thead>
                    <tbody>{sample}</tbody>
                </table></div>
            })}
            {pending.then(|| view! {
                <div class="actions">
                    {(errors == 0).then(|| view! {
                        <ActionForm action=apply attr:class="inline-form" attr:data-form="importar">
                            <input type="hidden" name="id" value=id />
                            <button type="submit" class="button">"Importar"</button>
                        </ActionForm>
                    })}
                    <ActionForm action=discard attr:class="inline-form" attr:data-form="descartar">
                        <input type="hidden" name="id" value=id />
                        <button type="submit" class="button button--quiet">"Descartar"</button>
                    </ActionForm>
                </div>
            })}
            {(status == ImportStatus::Applied).then(|| view! {
                <p><a class="button" href="/indicadores">"Ver los indicadores"</a></p>
            })}
        </section>
    }
}
