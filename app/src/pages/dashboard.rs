//! The management dashboard ("tablero de gestión"): scope and filters in the URL (shareable), charts
//! drawn on the server as SVG with their numbers as tables and CSV, XLSX export, and live updates
//! pushed by the server whenever a board in scope records something.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::common::ErrorNotice;
use crate::api::codec::page_data;
use crate::api::{fetch_dashboard, fetch_mesa_summaries};
use crate::domain::ZONAS;
use crate::domain::board::{BarrierStatus, BarrierType, CommitmentStatus};
use crate::domain::dashboard::{Cell, Dashboard, DashboardQuery, OVERDUE, Table};

#[component]
pub fn DashboardPage() -> impl IntoView {
    let params = use_query_map();
    let query = Memo::new(move |_| {
        let p = params.read();
        let get = |k: &str| p.get(k).unwrap_or_default();
        DashboardQuery {
            ambito: get("ambito"),
            desde: get("desde"),
            hasta: get("hasta"),
            tipo: get("tipo"),
            institucion: get("institucion"),
            estado: get("estado"),
        }
    });
    // Bumped by the server's change events: refetches the data and redraws the charts.
    let version = RwSignal::new(0u64);
    let data = page_data(
        move || (query.get(), version.get()),
        |(query, _)| fetch_dashboard(query),
    );
    let mesas = page_data(|| (), |_| fetch_mesa_summaries());
    #[cfg(feature = "hydrate")]
    listen_later(query.get_untracked().to_query_string(), version, || ());
    view! {
        <Title text="Tablero de gestión · Sala situacional" />
        <h1>"Tablero de gestión"</h1>
        <p class="lead">
            "Barreras, acuerdos, compromisos y asistencia de las sesiones, al día: se actualiza solo cuando una Mesa registra algo."
        </p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let mesas = mesas.await.unwrap_or_default();
                view! { <Filters query=query.get_untracked() mesas /> }
            })}
        </Suspense>
        <Transition fallback=|| view! { <p>"Cargando tablero…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(dashboard) => view! { <Panels dashboard version=version.get_untracked() /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Moves `version` on whenever the server says something in the scope changed (after the first
/// frame, so the page paints before the stream opens), then runs `then`.
#[cfg(feature = "hydrate")]
pub(crate) fn listen_later(
    query_string: String,
    version: RwSignal<u64>,
    then: impl FnOnce() + 'static,
) {
    super::event_stream::follow_later(
        format!("/tablero/eventos?{query_string}"),
        vec![("cambio", version)],
        then,
    );
}

#[component]
fn Filters(query: DashboardQuery, mesas: Vec<crate::domain::MesaSummary>) -> impl IntoView {
    let selected = query.ambito.clone();
    let option = move |value: String, label: String| {
        let is = value == selected || (selected.is_empty() && value == "distrito");
        view! { <option value=value selected=is>{label}</option> }
    };
    let mut scopes = vec![option(
        "distrito".into(),
        "Distrito (todas las Mesas)".into(),
    )];
    scopes.extend(
        ZONAS
            .iter()
            .map(|z| option(format!("zona:{z}"), format!("Zona {z}"))),
    );
    scopes.extend(
        mesas
            .iter()
            .map(|m| option(format!("mesa:{}", m.mesa.code), m.mesa.name.clone())),
    );
    let codes = |all: Vec<(&'static str, &'static str)>, current: String| {
        let mut options = vec![view! { <option value="">"Todos"</option> }.into_any()];
        options.extend(all.into_iter().map(|(code, label)| {
            view! { <option value=code selected=current == code>{label}</option> }.into_any()
        }));
        options
    };
    let types = codes(
        BarrierType::ALL
            .iter()
            .map(|t| (t.code(), t.label()))
            .collect(),
        query.tipo.clone(),
    );
    let statuses = codes(
        CommitmentStatus::ALL
            .iter()
            .map(|s| (s.code(), s.label()))
            .chain(BarrierStatus::ALL.iter().map(|s| (s.code(), s.label())))
            .collect(),
        query.estado.clone(),
    );
    view! {
        <form method="get" action="/tablero" class="filters" aria-label="Filtros del tablero">
            <label class="field" for="ambito"><span>"Ámbito"</span>
                <select id="ambito" name="ambito">{scopes}</select></label>
            <label class="field" for="desde"><span>"Desde"</span>
                <input id="desde" name="desde" type="date" value=query.desde.clone() /></label>
            <label class="field" for="hasta"><span>"Hasta"</span>
                <input id="hasta" name="hasta" type="date" value=query.hasta.clone() /></label>
            <label class="field" for="tipo"><span>"Tipo de barrera"</span>
                <select id="tipo" name="tipo">{types}</select></label>
            <label class="field" for="institucion"><span>"Institución"</span>
                <input id="institucion" name="institucion" value=query.institucion.clone() /></label>
            <label class="field" for="estado"><span>"Estado"</span>
                <select id="estado" name="estado">{statuses}</select></label>
            <button type="submit" class="button">"Aplicar"</button>
        </form>
    }
}

#[component]
fn Panels(dashboard: Dashboard, version: u64) -> impl IntoView {
    let qs = dashboard.query.to_query_string();
    let sep = if qs.is_empty() { "" } else { "&" };
    let charts = dashboard
        .charts
        .iter()
        .map(|series| {
            if series.points.is_empty() {
                return view! {
                    <figure class="chart chart--empty" data-chart=series.key.clone() data-empty>
                        <figcaption>{series.title.clone()}</figcaption>
                        <p class="empty">{series.empty.clone()}</p>
                    </figure>
                }
                .into_any();
            }
            let src = format!("/tablero/graficos/{}.svg?{qs}{sep}v={version}", series.key);
            let csv = format!("/tablero/datos/{}.csv?{qs}", series.key);
            let png = format!("/tablero/graficos/{}.png?{qs}", series.key);
            view! {
                <figure class="chart" data-chart=series.key.clone()>
                    <img src=src alt=series.title.clone() width="880" loading="lazy" />
                    <DataTable table=series.table() caption=true />
                    <p class="actions"><a href=csv download>"Descargar CSV"</a> <a href=png download>"Descargar PNG"</a></p>
                </figure>
            }
            .into_any()
        })
        .collect_view();
    let overdue = dashboard.overdue_table();
    let has_overdue = !overdue.rows.is_empty();
    let escalations = dashboard
        .escalations
        .iter()
        .map(|e| {
            let href = format!("/barreras/{}/{}", e.session_id, e.barrier_id);
            view! {
                <tr class:late=e.overdue><td><a href=href>{e.barrier.clone()}</a></td><td>{e.from_mesa.clone()}</td>
                    <td>{e.to_mesa.clone()}</td><td>{e.status.clone()}</td><td>{crate::domain::format_day(e.answer_by)}</td>
                    <td>{e.days_waiting}</td></tr>
            }
        })
        .collect_view();
    let xlsx = format!("/tablero/exportar.xlsx?{qs}");
    let vencidos = format!("/tablero/datos/{OVERDUE}.csv?{qs}");
    view! {
        <section class="dashboard" data-dashboard data-version=version aria-labelledby="ambito-actual">
            <h2 id="ambito-actual">{dashboard.scope_label.clone()}</h2>
            <p class="muted">{format!("Al {}", dashboard.today)}</p>
            <dl class="counts">
                <div><dt>"Compromisos"</dt><dd data-total="commitments">{dashboard.commitments}</dd></div>
                <div><dt>"Barreras"</dt><dd data-total="barriers">{dashboard.barriers}</dd></div>
                <div><dt>"Acuerdos"</dt><dd data-total="agreements">{dashboard.agreements}</dd></div>
                <div><dt>"Asistentes"</dt><dd data-total="attendance">{dashboard.attendance}</dd></div>
            </dl>
            <p class="actions"><a class="button" href=xlsx download>"Exportar todo (XLSX)"</a></p>
            <section aria-labelledby="vencidos" data-overdue>
                <h3 id="vencidos">"Compromisos vencidos"</h3>
                <DataTable table=overdue />
                {has_overdue.then(|| view! { <a href=vencidos download>"Descargar CSV"</a> })}
            </section>
            <section aria-labelledby="escalamientos-abiertos" data-open-escalations>
                <h3 id="escalamientos-abiertos">"Escalamientos abiertos"</h3>
                {if dashboard.escalations.is_empty() {
                    view! { <p class="empty" data-empty>{dashboard.no_escalations()}</p> }.into_any()
                } else {
                    view! {
                        <table class="table" tabindex="0">
                            <thead><tr><th>"Barrera"</th><th>"De"</th><th>"A"</th><th>"Estado"</th><th>"Respuesta antes de"</th><th>"Días esperando"</th></tr></thead>
                            <tbody>{escalations}</tbody>
                        </table>
                    }.into_any()
                }}
            </section>
            <AssetsPanel assets=dashboard.assets.clone() />
            <div class="charts">{charts}</div>
        </section>
    }
}

/// The territory's assets beside the barriers that mobilise them (none registered: a pointer to
/// the register).
#[component]
fn AssetsPanel(assets: Vec<crate::domain::dashboard::AssetUse>) -> impl IntoView {
    let body = if assets.is_empty() {
        view! {
            <p class="empty" data-empty>
                "El territorio aún no tiene activos registrados. " <a href="/activos">"Registrar activos"</a>
            </p>
        }
        .into_any()
    } else {
        let rows = assets
            .into_iter()
            .map(|a| {
                let open = a.open_barriers();
                let barriers = a
                    .barriers
                    .iter()
                    .map(|b| {
                        let href = format!("/barreras/{}/{}", b.session_id, b.record_id);
                        view! { <li><a href=href>{b.description.clone()}</a>{format!(" ({})", b.status.label())}</li> }
                    })
                    .collect_view();
                view! {
                    <tr data-asset-use=a.code.clone()>
                        <td>{a.name.clone()}</td><td>{a.kind.clone()}</td><td>{a.place.clone()}</td>
                        <td data-open-barriers=open>{open}</td>
                        <td><ul class="plain">{barriers}</ul></td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="scroll-x" tabindex="0"><table class="table">
                <thead><tr><th>"Activo"</th><th>"Tipo"</th><th>"Dónde"</th><th>"Barreras abiertas"</th><th>"Barreras que lo movilizan"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table></div>
        }
        .into_any()
    };
    view! {
        <section aria-labelledby="activos-territorio" data-assets-panel>
            <h3 id="activos-territorio">"Activos del territorio y las barreras que atienden"</h3>
            {body}
        </section>
    }
}

/// A table of the dashboard, as its model says (the same model makes its CSV and XLSX); a table
/// without rows says so in its sentence instead. A row with a colour on its chart (the semáforo)
/// starts with a mark of that colour.
#[component]
fn DataTable(table: Table, #[prop(optional)] caption: bool) -> impl IntoView {
    if table.rows.is_empty() {
        return view! { <p class="empty" data-empty>{table.empty.clone()}</p> }.into_any();
    }
    let head = table
        .columns
        .iter()
        .map(|c| view! { <th>{c.title.clone()}</th> })
        .collect_view();
    let rows = table
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let tone = table.tone(i);
            let cells = row
                .iter()
                .enumerate()
                .map(|(col, cell)| {
                    let mark = tone.filter(|_| col == 0).map(|t| {
                        view! { <span class=format!("tone tone--{}", t.code()) aria-hidden="true"></span> }
                    });
                    view! { <td>{mark}{Cell::text(cell)}</td> }
                })
                .collect_view();
            view! { <tr data-tone=tone.map(|t| t.code())>{cells}</tr> }
        })
        .collect_view();
    view! {
        <table class="table" tabindex="0">
            {caption.then(|| view! { <caption>{table.title.clone()}</caption> })}
            <thead><tr>{head}</tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}
