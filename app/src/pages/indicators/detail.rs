//! One indicator: its definition, the chosen territory's latest figure with its semáforo, the
//! trend with its zona and the district against the goal, the map of the localidades (a click
//! opens a localidad's Mesa dashboard), the map of the UPZ where the data is by UPZ, and the same
//! figures as accessible tables.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::GoalMark;
use crate::api::codec::page_data;
use crate::api::indicators::fetch_indicator_detail;
use crate::domain::indicators::{IndicatorDetail, TerritoryFigure};
use crate::domain::situation::dashboard_href;
use crate::pages::common::ErrorNotice;

#[component]
pub fn IndicatorPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        (
            params.read().get("code").unwrap_or_default(),
            query.read().get("territorio").unwrap_or_default(),
        )
    };
    let detail = page_data(key, |(code, territory)| {
        fetch_indicator_detail(code, territory)
    });
    view! {
        <p><a href="/indicadores">"← Indicadores"</a></p>
        <Suspense fallback=|| view! { <p>"Cargando indicador…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => view! { <Detail detail /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Detail(detail: IndicatorDetail) -> impl IntoView {
    let IndicatorDetail {
        indicator,
        territory,
        trend,
        latest,
        period,
        rows,
        upz_rows,
        map_svg,
        upz_map_svg,
    } = detail;
    let code = indicator.code.clone();
    let qs = format!("territorio={}", territory.code);
    let trend_svg = format!("/indicadores/{code}/tendencia.svg?{qs}");
    let trend_png = format!("/indicadores/{code}/tendencia.png?{qs}");
    let trend_csv = format!("/indicadores/{code}/tendencia.csv?{qs}");
    let map_png = format!("/indicadores/{code}/mapa.png");
    let upz_map_png = format!("/indicadores/{code}/mapa-upz.png");
    let period_label = period.clone().unwrap_or_else(|| "sin periodo".into());
    let options = rows
        .iter()
        .map(|r| {
            let selected = r.code == territory.code;
            view! { <option value=r.code.clone() selected=selected>{r.name.clone()}</option> }
        })
        .collect_view();
    let latest_view = match latest {
        Some(figure) => view! {
            <p class="figure" data-latest=figure.value.map(|v| v.to_string()).unwrap_or_default()>
                <GoalMark status=figure.status />
                <strong>{figure.shown.clone()}</strong>
                {format!(" {} · {} · {}", indicator.unit, figure.period, figure.note)}
                <span class="muted">{format!(" · {}", figure.status.label())}</span>
            </p>
        }
        .into_any(),
        None => view! { <p class="empty">"Sin datos para este territorio."</p> }.into_any(),
    };
    let has_trend = !trend.periods.is_empty();
    let title = format!("{} · {}", indicator.name, territory.name);
    view! {
        <Title text=format!("{title} · Sala situacional") />
        <h1 data-indicator-title>{indicator.name.clone()}</h1>
        <p class="lead">{indicator.definition.clone()}</p>
        <dl class="meta">
            <div><dt>"Código"</dt><dd>{indicator.code.clone()}</dd></div>
            <div><dt>"Cálculo"</dt><dd>{calculation(&indicator)}</dd></div>
            <div><dt>"Meta"</dt><dd>{indicator.goal.map(crate::domain::indicators::format_value).map(|g| format!("{g} ({})", indicator.direction.label().to_lowercase())).unwrap_or_else(|| "sin meta".into())}</dd></div>
            <div><dt>"Fuente"</dt><dd>{indicator.source.clone()}</dd></div>
            <div><dt>"Desagregación"</dt><dd>{indicator.disaggregation.label()}</dd></div>
        </dl>
        <form class="form form--row" method="get" data-form="territorio">
            <label class="field" for="territorio"><span>"Territorio"</span>
                <select id="territorio" name="territorio">{options}</select>
            </label>
            <button type="submit" class="button">"Ver"</button>
        </form>
        <h2>{territory.name.clone()}</h2>
        {latest_view}
        <div class="situation-grid">
            <figure class="chart" data-trend>
                <figcaption>{format!("Tendencia: {}, su zona y Bogotá", territory.name)}</figcaption>
                {if has_trend {
                    view! { <img src=trend_svg alt=format!("Tendencia de {title}") width="880" /> }.into_any()
                } else {
                    view! { <p class="empty">"Sin datos para dibujar la tendencia."</p> }.into_any()
                }}
                <p class="actions"><a href=trend_csv download>"Descargar CSV"</a> " " <a href=trend_png download>"Descargar PNG"</a></p>
            </figure>
            <figure class="map" data-map>
                <figcaption>{format!("Localidades, {period_label}")}</figcaption>
                <div class="map__drawing" inner_html=map_svg></div>
                <p class="actions"><a href=map_png download>"Descargar PNG"</a></p>
            </figure>
        </div>
        <h2>{format!("Por territorio ({})", period.unwrap_or_else(|| "sin datos".into()))}</h2>
        <FigureTable rows />
        {(!upz_rows.is_empty()).then(|| view! {
            <h2>"Por UPZ"</h2>
            <div class="situation-grid">
                <figure class="map" data-map="upz">
                    <figcaption>{format!("UPZ con dato, {period_label} (las demás, sin dato)")}</figcaption>
                    <div class="map__drawing" inner_html=upz_map_svg></div>
                    <p class="actions"><a href=upz_map_png download>"Descargar PNG"</a></p>
                </figure>
                <FigureTable rows=upz_rows />
            </div>
        })}
    }
}

fn calculation(indicator: &crate::domain::indicators::Indicator) -> String {
    if indicator.is_count() {
        format!("{} ({})", indicator.numerator, indicator.unit)
    } else {
        format!(
            "{} ÷ {} × {}",
            indicator.numerator,
            indicator.denominator,
            crate::domain::indicators::format_value(indicator.factor)
        )
    }
}

#[component]
fn FigureTable(rows: Vec<TerritoryFigure>) -> impl IntoView {
    let body = rows
        .into_iter()
        .map(|row| {
            let href = dashboard_href(&row.mesa);
            // a UPZ's link opens its localidad's Mesa, as on the map
            let name = view! { <a href=href>{row.name.clone()}</a> };
            view! {
                <tr data-territory=row.code.clone() data-value=row.figure.value.map(|v| v.to_string()).unwrap_or_default()>
                    <td>{name}</td>
                    <td>{row.level.label()}</td>
                    <td><GoalMark status=row.figure.status />{row.figure.shown.clone()}</td>
                    <td>{row.figure.note.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="scroll-x" tabindex="0"><table class="table" data-figures>
            <thead><tr><th>"Territorio"</th><th>"Nivel"</th><th>"Valor"</th><th>"Nota"</th></tr></thead>
            <tbody>{body}</tbody>
        </table></div>
    }
}
