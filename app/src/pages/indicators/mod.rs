//! The territory's indicators: the catalogue with each one's latest district figure, the form
//! that loads a file (a plain multipart post, which works before the page's script arrives), the
//! latest uploads; one indicator's page (`detail.rs`); an upload's preview (`import.rs`).

mod detail;
mod import;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

pub use detail::IndicatorPage;
pub use import::ImportPage;

use super::common::ErrorNotice;
use crate::api::codec::page_data;
use crate::api::indicators::fetch_indicator_catalogue;
use crate::domain::indicators::import::ImportRecord;
use crate::domain::indicators::{CatalogueRow, GoalStatus, IndicatorCatalogue};

#[component]
pub fn IndicatorsPage() -> impl IntoView {
    let catalogue = page_data(|| (), |_| fetch_indicator_catalogue());
    let params = use_query_map();
    let refused = move || params.read().get("error").filter(|e| !e.is_empty());
    view! {
        <Title text="Indicadores del territorio · Sala situacional" />
        <h1>"Indicadores del territorio"</h1>
        <p class="lead">
            "Las cifras de salud de cada localidad, zona y del distrito, junto a las decisiones de las Mesas. Datos agregados: ninguna persona u hogar."
        </p>
        {move || refused().map(|reason| view! {
            <div class="notice notice--error" role="alert" data-upload-error>
                <p>{reason}</p>
            </div>
        })}
        <Suspense fallback=|| view! { <p>"Cargando indicadores…"</p> }>
            {move || Suspend::new(async move {
                match catalogue.await {
                    Ok(catalogue) => view! { <Catalogue catalogue /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Catalogue(catalogue: IndicatorCatalogue) -> impl IntoView {
    let IndicatorCatalogue {
        rows,
        may_import,
        imports,
    } = catalogue;
    let table = if rows.is_empty() {
        view! {
            <p class="empty" data-empty>
                "Aún no hay indicadores cargados. La coordinación de una Mesa o la administración los carga desde un archivo (plantilla abajo)."
            </p>
        }
        .into_any()
    } else {
        let body = rows
            .into_iter()
            .map(|row| view! { <CatalogueLine row /> })
            .collect_view();
        view! {
            <div class="scroll-x" tabindex="0"><table class="table" data-catalogue>
                <thead><tr>
                    <th>"Indicador"</th><th>"Unidad"</th><th>"Meta"</th>
                    <th>"Bogotá (último dato)"</th><th>"Fuente"</th>
                </tr></thead>
                <tbody>{body}</tbody>
            </table></div>
        }
        .into_any()
    };
    view! {
        <section aria-labelledby="catalogo">
            <h2 id="catalogo">"Catálogo"</h2>
            {table}
        </section>
        {may_import.then(|| view! { <UploadForm imports /> })}
    }
}

/// The semáforo's mark and words: the colour is never the only cue.
#[component]
pub(crate) fn GoalMark(status: GoalStatus) -> impl IntoView {
    view! {
        <span class=format!("tone tone--{}", status.tone().code()) aria-hidden="true"></span>
        <span class="visually-hidden">{status.label()}</span>
    }
}

#[component]
fn CatalogueLine(row: CatalogueRow) -> impl IntoView {
    let indicator = row.indicator;
    let href = format!("/indicadores/{}", indicator.code);
    let goal = indicator
        .goal
        .map(|g| {
            format!(
                "{} {}",
                match indicator.direction {
                    crate::domain::indicators::Direction::HigherIsBetter => "≥",
                    crate::domain::indicators::Direction::LowerIsBetter => "≤",
                },
                crate::domain::indicators::format_value(g)
            )
        })
        .unwrap_or_else(|| "—".into());
    let latest = match row.latest {
        Some(figure) => view! {
            <GoalMark status=figure.status />
            {format!("{} ({})", figure.shown, figure.period)}
        }
        .into_any(),
        None => view! { <span class="muted">"sin dato distrital"</span> }.into_any(),
    };
    view! {
        <tr data-indicator=indicator.code.clone()>
            <td><a href=href>{indicator.name.clone()}</a><span class="muted code-tag">{indicator.code.clone()}</span></td>
            <td>{indicator.unit.clone()}</td>
            <td>{goal}</td>
            <td>{latest}</td>
            <td>{indicator.source.clone()}</td>
        </tr>
    }
}

#[component]
fn UploadForm(imports: Vec<ImportRecord>) -> impl IntoView {
    let recent = imports
        .into_iter()
        .map(|record| {
            let href = format!("/indicadores/importaciones/{}", record.id);
            let summary = record
                .summary
                .map(|s| {
                    format!(
                        "{} valores nuevos, {} cambiados, {} sin cambios",
                        s.values.new, s.values.changed, s.values.unchanged
                    )
                })
                .unwrap_or_default();
            view! {
                <tr>
                    <td><a href=href>{record.file_name}</a></td>
                    <td>{record.uploaded_by}</td>
                    <td>{record.uploaded_at}</td>
                    <td>{record.status.label()}</td>
                    <td>{summary}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="cargar" id="cargar" data-upload>
            <h2 id="cargar-titulo">"Cargar un archivo"</h2>
            <p>
                "XLSX o CSV con la hoja «indicadores» (catálogo) y/o «valores», o un conjunto de valores de DHIS2 con su archivo de mapeo. Sala revisa el archivo entero y muestra una vista previa: nada se importa hasta que usted lo confirme."
            </p>
            <p class="actions">
                <a href="/indicadores/archivos/plantilla.xlsx" download>"Plantilla (XLSX)"</a>
                " · "
                <a href="/indicadores/archivos/plantilla-valores.csv" download>"Plantilla de valores (CSV)"</a>
                " · "
                <a href="/indicadores/archivos/plantilla-indicadores.csv" download>"Plantilla del catálogo (CSV)"</a>
                " · "
                <a href="/indicadores/archivos/ejemplo.xlsx" download>"Archivo de ejemplo (datos de ejemplo)"</a>
            </p>
            <form class="form" method="post" action="/indicadores/importar" enctype="multipart/form-data" data-form="cargar-indicadores">
                <label class="field" for="archivo"><span>"Archivo (XLSX, CSV)"</span>
                    <input id="archivo" name="archivo" type="file" required
                        accept=".xlsx,.xls,.ods,.csv,.txt,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" />
                </label>
                <label class="field" for="mapeo"><span>"Mapeo DHIS2 (opcional)"</span>
                    <input id="mapeo" name="mapeo" type="file" accept=".csv,.xlsx,text/csv" />
                </label>
                <button type="submit" class="button">"Revisar archivo"</button>
            </form>
            <h3>"Últimas cargas"</h3>
            <div class="scroll-x" tabindex="0"><table class="table" data-imports>
                <thead><tr><th>"Archivo"</th><th>"Por"</th><th>"Cuándo"</th><th>"Estado"</th><th>"Resultado"</th></tr></thead>
                <tbody>{recent}</tbody>
            </table></div>
        </section>
    }
}
