//! The audit log, for the district administration: filter by who, what and when; CSV export.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::accounts::fetch_audit;
use crate::api::codec::page_data;
use crate::domain::identity::AuditQuery;
use crate::pages::common::ErrorNotice;

#[component]
pub fn AuditPage() -> impl IntoView {
    let query_map = use_query_map();
    let query = Memo::new(move |_| {
        let q = query_map.read();
        AuditQuery {
            actor: q.get("actor").unwrap_or_default(),
            action: q.get("accion").unwrap_or_default(),
            from: q.get("desde").unwrap_or_default(),
            to: q.get("hasta").unwrap_or_default(),
        }
    });
    let entries = page_data(move || query.get(), fetch_audit);
    let csv = move || {
        let q = query.get();
        format!(
            "/admin/auditoria.csv?actor={}&accion={}&desde={}&hasta={}",
            q.actor, q.action, q.from, q.to
        )
    };
    view! {
        <Title text="Registro de auditoría · Sala situacional" />
        <h1>"Registro de auditoría"</h1>
        <form method="get" class="form form--row" data-form="filtrar-auditoria">
            <div class="field"><label for="actor">"Quién"</label>
                <input id="actor" name="actor" prop:value=move || query.get().actor /></div>
            <div class="field"><label for="accion">"Qué"</label>
                <input id="accion" name="accion" prop:value=move || query.get().action /></div>
            <div class="field"><label for="desde">"Desde"</label>
                <input id="desde" name="desde" type="date" prop:value=move || query.get().from /></div>
            <div class="field"><label for="hasta">"Hasta"</label>
                <input id="hasta" name="hasta" type="date" prop:value=move || query.get().to /></div>
            <button type="submit" class="button">"Filtrar"</button>
            <a class="button button--quiet" href=csv download>"Descargar CSV"</a>
        </form>
        <Suspense fallback=|| view! { <p>"Cargando…"</p> }>
            {move || Suspend::new(async move {
                match entries.await {
                    Ok(entries) if entries.is_empty() => view! { <p class="muted">"No hay actuaciones con ese filtro."</p> }.into_any(),
                    Ok(entries) => view! {
                        <div class="table-wrap" role="region" aria-label="Actuaciones" tabindex="0">
                            <table id="tabla-auditoria">
                                <thead><tr>
                                    <th scope="col">"Cuándo"</th><th scope="col">"Quién"</th>
                                    <th scope="col">"Qué"</th><th scope="col">"Sobre"</th><th scope="col">"Detalle"</th>
                                </tr></thead>
                                <tbody>
                                    {entries.into_iter().map(|e| { let kind = e.action.clone(); view! {
                                        <tr data-audit=kind>
                                            <td data-label="Cuándo">{crate::domain::format_rfc3339_bogota(&e.at)}</td>
                                            <td data-label="Quién">{e.actor}</td>
                                            <td data-label="Qué">{e.action}</td>
                                            <td data-label="Sobre">{e.target}</td>
                                            <td data-label="Detalle">{e.detail}</td>
                                        </tr>
                                    }}).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}
