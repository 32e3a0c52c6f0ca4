//! The situation room of a Mesa (`/sala/{mesa}`): one screen at 1920×1080 with the territory's
//! map, its key indicators, and the Mesa's barriers, overdue commitments and escalations, kept
//! current by the same server events as the dashboard. `?modo=proyector` enlarges it for the
//! room; `?modo=kiosco&cada=20` shows one panel at a time, rotating. At phone width the panels
//! stack.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::common::ErrorNotice;
use super::indicators::GoalMark;
use crate::api::codec::page_data;
use crate::api::indicators::fetch_situation;
use crate::domain::indicators::format_value;
use crate::domain::situation::{
    MapRow, SituationMode, SituationQuery, SituationView, dashboard_href,
};

#[component]
pub fn SituationPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let mesa = move || params.read().get("mesa").unwrap_or_default();
    let situation_query = move || {
        let q = query.read();
        SituationQuery {
            capa: q.get("capa").unwrap_or_default(),
            modo: q.get("modo").unwrap_or_default(),
            cada: q.get("cada").unwrap_or_default(),
        }
    };
    // Moved on by the server's change events: the view is fetched again, in place.
    let version = RwSignal::new(0u64);
    let view = page_data(
        move || (mesa(), situation_query(), version.get()),
        |(mesa, query, _)| fetch_situation(mesa, query),
    );
    #[cfg(feature = "hydrate")]
    {
        let scope = crate::domain::dashboard::DashboardQuery {
            ambito: crate::domain::situation::dashboard_scope(&mesa()).code(),
            ..Default::default()
        }
        .to_query_string();
        let mode = situation_query().mode();
        super::dashboard::listen_later(scope, version, move || {
            if let SituationMode::Kiosk { seconds } = mode {
                rotate(seconds);
            }
        });
    }
    view! {
        <Transition fallback=|| view! { <p>"Cargando la sala situacional…"</p> }>
            {move || Suspend::new(async move {
                match view.await {
                    Ok(situation) => {
                        let mode = situation_query().mode();
                        view! { <Situation situation mode version=version.get_untracked() /> }.into_any()
                    }
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Kiosk mode: every `seconds`, the next panel is the one shown. The panels are looked up on
/// each turn, since a live update redraws them.
#[cfg(feature = "hydrate")]
fn rotate(seconds: u32) {
    let next = std::cell::Cell::new(1usize);
    set_interval(
        move || {
            let Some(document) = web_sys::window().and_then(|w| w.document()) else {
                return;
            };
            let Ok(panels) = document.query_selector_all("[data-panel]") else {
                return;
            };
            let count = panels.length() as usize;
            if count == 0 {
                return;
            }
            for i in 0..count {
                if let Some(panel) = panels
                    .item(i as u32)
                    .and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
                {
                    let _ = panel
                        .class_list()
                        .toggle_with_force("is-active", i == next.get() % count);
                }
            }
            next.set(next.get() + 1);
        },
        std::time::Duration::from_secs(u64::from(seconds)),
    );
}

#[component]
fn Situation(situation: SituationView, mode: SituationMode, version: u64) -> impl IntoView {
    let SituationView {
        mesa_code,
        mesa_name,
        territory,
        layer,
        layers,
        map_title,
        map_svg,
        map_rows,
        key_indicators,
        dashboard,
    } = situation;
    let class = match mode {
        SituationMode::Screen => "situation",
        SituationMode::Projector => "situation situation--projector projector",
        SituationMode::Kiosk { .. } => "situation situation--kiosk projector",
    };
    let current = layer.map(|l| l.code()).unwrap_or_default();
    let layer_options: Vec<_> = layers
        .into_iter()
        .map(|(code, label)| {
            let selected = code == current;
            view! { <option value=code selected=selected>{label}</option> }
        })
        .collect();
    // Counts as bars of plain HTML: readable from the back of the room at any column width.
    let bars = |key: &str, title: &str| {
        let series = dashboard.chart(key).cloned();
        let title = title.to_owned();
        match series.filter(|s| !s.points.is_empty()) {
            None => view! { <h3>{title}</h3><p class="empty" data-empty>"Sin registros."</p> }
                .into_any(),
            Some(series) => {
                let top = series.points.iter().map(|(_, n)| *n).fold(1.0, f64::max);
                let items = series
                    .points
                    .iter()
                    .map(|(label, n)| {
                        let width = format!("width: {:.0}%", n / top * 100.0);
                        view! {
                            <li><span>{label.clone()}</span><strong>{format_value(*n)}</strong>
                                <span class="bar" style=width aria-hidden="true"></span></li>
                        }
                    })
                    .collect_view();
                view! { <h3>{title}</h3><ul class="bars" data-bars=key.to_owned()>{items}</ul> }
                    .into_any()
            }
        }
    };
    let barriers_by_type = bars("barreras-tipo", "Por tipo");
    let barriers_by_status = bars("barreras-estado", "Por estado");
    let barriers_by_severity = bars("barreras-severidad", "Por severidad");
    let keys = if key_indicators.is_empty() {
        view! { <p class="empty" data-empty>"Aún no hay indicadores cargados para este territorio."</p> }.into_any()
    } else {
        key_indicators
            .into_iter()
            .map(|k| {
                let href = format!("/indicadores/{}?territorio={}", k.code, territory.code);
                let trend = format!(
                    "/indicadores/{}/tendencia.svg?territorio={}",
                    k.code, territory.code
                );
                view! {
                    <li class="key-indicator" data-key-indicator=k.code.clone()>
                        <a href=href class="key-indicator__name">{k.name.clone()}</a>
                        <p class="key-indicator__value">
                            <GoalMark status=k.figure.status />
                            <strong>{k.figure.shown.clone()}</strong>
                            " "<span class="muted">{k.unit.clone()}</span>
                        </p>
                        <p class="muted">{format!("{} · {} · {}", k.figure.period, k.figure.status.label(), k.figure.note)}</p>
                        <img src=trend alt=format!("Tendencia de {}", k.name) width="880" loading="lazy" />
                    </li>
                }
            })
            .collect_view()
            .into_any()
    };
    let overdue = dashboard
        .overdue
        .iter()
        .take(8)
        .map(|o| {
            view! {
                <li><strong>{o.description.clone()}</strong>
                    <span class="muted">{format!(" · {} · {} días de atraso", o.institutions, o.days_late)}</span></li>
            }
        })
        .collect_view();
    let overdue_view = if dashboard.overdue.is_empty() {
        view! { <p class="empty" data-empty>"No hay compromisos vencidos."</p> }.into_any()
    } else {
        view! { <ul class="plain-list" data-overdue>{overdue}</ul> }.into_any()
    };
    let escalations = dashboard
        .escalations
        .iter()
        .take(8)
        .map(|e| {
            let href = format!("/barreras/{}/{}", e.session_id, e.barrier_id);
            view! { <li><a href=href>{e.barrier.clone()}</a><span class="muted">{format!(" · de {} a {}", e.from_mesa, e.to_mesa)}</span></li> }
        })
        .collect_view();
    let escalations_view = if dashboard.escalations.is_empty() {
        view! { <p class="empty" data-empty>{dashboard.no_escalations()}</p> }.into_any()
    } else {
        view! { <ul class="plain-list" data-escalations>{escalations}</ul> }.into_any()
    };
    // The territory's assets, the most mobilised first (the dashboard's order).
    let assets = dashboard
        .assets
        .iter()
        .take(8)
        .map(|a| {
            let open = a.open_barriers();
            let answering = match open {
                0 => String::new(),
                1 => " · atiende 1 barrera abierta".to_owned(),
                n => format!(" · atiende {n} barreras abiertas"),
            };
            view! {
                <li data-situation-asset=a.code.clone()><strong>{a.name.clone()}</strong>
                    <span class="muted">{format!(" · {} · {}{answering}", a.kind, a.place)}</span></li>
            }
        })
        .collect_view();
    let assets_view = if dashboard.assets.is_empty() {
        view! { <p class="empty" data-empty>"El territorio aún no tiene activos registrados."</p> }
            .into_any()
    } else {
        view! { <ul class="plain-list" data-assets>{assets}</ul> }.into_any()
    };
    let here = format!("/sala/{mesa_code}");
    let links = (
        format!("{here}?modo=proyector&capa={current}"),
        format!("{here}?modo=kiosco&cada=20&capa={current}"),
        dashboard_href(&mesa_code),
    );
    let subtitle = format!(
        "Sala situacional · {} · al {}",
        territory.name, dashboard.today
    );
    let counts = (
        dashboard.barriers,
        dashboard.overdue.len(),
        dashboard.escalations.len(),
        dashboard.assets.len(),
    );
    view! {
        <Title text=format!("Sala situacional · {mesa_name}") />
        <section class=class data-situation=mesa_code.clone() data-version=version>
            <Head name=mesa_name subtitle layer_options=layer_options.into_any() links />
            <div class="situation__grid">
                <MapPanel title=map_title svg=map_svg rows=map_rows />
                <section class="panel" data-panel="indicadores" aria-labelledby="sala-indicadores">
                    <h2 id="sala-indicadores">"Indicadores clave"</h2>
                    <ul class="key-indicators">{keys}</ul>
                </section>
                <section class="panel" data-panel="barreras" aria-labelledby="sala-barreras">
                    <h2 id="sala-barreras">{format!("Barreras ({})", counts.0)}</h2>
                    <div class="situation__charts">{barriers_by_type}{barriers_by_severity}{barriers_by_status}</div>
                </section>
                <section class="panel" data-panel="compromisos" aria-labelledby="sala-vencidos">
                    <h2 id="sala-vencidos">{format!("Compromisos vencidos ({})", counts.1)}</h2>
                    {overdue_view}
                </section>
                <section class="panel" data-panel="escalamientos" aria-labelledby="sala-escalamientos">
                    <h2 id="sala-escalamientos">{format!("Escalamientos abiertos ({})", counts.2)}</h2>
                    {escalations_view}
                </section>
                <section class="panel" data-panel="activos" aria-labelledby="sala-activos">
                    <h2 id="sala-activos">{format!("Activos del territorio ({})", counts.3)}</h2>
                    {assets_view}
                    <p><a href=format!("/activos?territorio={}", territory.code)>"Ver el registro"</a></p>
                </section>
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn Head(
    name: String,
    subtitle: String,
    layer_options: AnyView,
    links: (String, String, String),
) -> impl IntoView {
    let (projector, kiosk, board) = links;
    view! {
        <header class="situation__head">
            <div>
                <h1>{name}</h1>
                <p class="muted">{subtitle}</p>
            </div>
            <form class="form form--row situation__controls" method="get" data-form="capa">
                <label class="field" for="capa"><span>"Mapa"</span>
                    <select id="capa" name="capa">{layer_options}</select></label>
                <button type="submit" class="button">"Ver"</button>
                <a href=projector>"Proyector"</a>
                <a href=kiosk>"Kiosco"</a>
                <a href=board>"Tablero de gestión"</a>
            </form>
        </header>
    }
}

/// The map (the first panel, so the one a kiosk starts with) and its table for screen readers
/// and for those who prefer numbers.
#[component]
fn MapPanel(title: String, svg: String, rows: Vec<MapRow>) -> impl IntoView {
    let rows = rows
        .into_iter()
        .map(|r| view! { <tr data-territory=r.code><td><a href=r.href>{r.name}</a></td><td>{r.shown}</td></tr> })
        .collect_view();
    view! {
        <section class="panel is-active" data-panel="mapa" aria-labelledby="sala-mapa">
            <h2 id="sala-mapa">{title}</h2>
            <div class="map__drawing" inner_html=svg data-map></div>
            <details class="map__table">
                <summary>"Ver el mapa como tabla"</summary>
                <div class="scroll-x" tabindex="0"><table class="table">
                    <thead><tr><th>"Localidad"</th><th>"Valor"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table></div>
            </details>
        </section>
    }
}
