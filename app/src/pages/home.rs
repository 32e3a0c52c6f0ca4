//! Home: every Mesa, grouped by level and zone, with its next and last session.

use leptos::prelude::*;
use leptos_meta::Title;

use super::common::{ErrorNotice, StatusBadge};
use crate::api::codec::page_data;
use crate::api::fetch_mesa_summaries;
use crate::domain::{Level, MesaSummary, Session, ZONAS, format_bogota};

#[component]
pub fn HomePage() -> impl IntoView {
    let summaries = page_data(|| (), |_| fetch_mesa_summaries());
    view! {
        <Title text="Mesas · Sala situacional" />
        <h1>"Mesas de gestión territorial"</h1>
        <p class="lead">
            "Comisión distrital, cuatro Mesas de Coordinación Técnica zonales y veinte Mesas Locales de Atención Primaria Social."
        </p>
        <Suspense fallback=|| view! { <p>"Cargando Mesas…"</p> }>
            {move || Suspend::new(async move {
                match summaries.await {
                    Ok(list) => view! { <MesaDirectory summaries=list /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn MesaDirectory(summaries: Vec<MesaSummary>) -> impl IntoView {
    let of_level = |level: Level, zona: Option<&str>| -> Vec<MesaSummary> {
        summaries
            .iter()
            .filter(|s| {
                s.mesa.level == level && zona.is_none_or(|z| s.mesa.zona.as_deref() == Some(z))
            })
            .cloned()
            .collect()
    };
    let district = of_level(Level::Distrital, None);
    let zones = ZONAS
        .iter()
        .map(|zona| {
            let zonal = of_level(Level::Zonal, Some(zona));
            let locals = of_level(Level::Local, Some(zona));
            let heading_id = format!("zona-{}", zona.to_lowercase().replace(' ', "-"));
            view! {
                <section class="zone" aria-labelledby=heading_id.clone()>
                    <h3 id=heading_id.clone()>{format!("Zona {zona}")}</h3>
                    <ul class="cards cards--zonal">
                        {zonal.into_iter().map(|s| view! { <MesaCard summary=s /> }).collect_view()}
                    </ul>
                    <ul class="cards">
                        {locals.into_iter().map(|s| view! { <MesaCard summary=s /> }).collect_view()}
                    </ul>
                </section>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="nivel-distrital">
            <h2 id="nivel-distrital">{Level::Distrital.label()}</h2>
            <ul class="cards cards--district">
                {district.into_iter().map(|s| view! { <MesaCard summary=s /> }).collect_view()}
            </ul>
        </section>
        <section aria-labelledby="nivel-territorial">
            <h2 id="nivel-territorial">"Niveles zonal (meso) y local (micro)"</h2>
            <div class="zones">{zones}</div>
        </section>
    }
}

#[component]
fn MesaCard(summary: MesaSummary) -> impl IntoView {
    let MesaSummary {
        mesa,
        next_session,
        last_session,
    } = summary;
    let href = format!("/mesas/{}", mesa.code);
    let subtitle = mesa
        .localidad_code
        .as_ref()
        .map(|code| format!("Localidad {code}"));
    view! {
        <li class="card" data-mesa=mesa.code.clone()>
            <a class="card__title" href=href>
                {mesa.name}
            </a>
            {subtitle.map(|s| view! { <span class="card__subtitle">{s}</span> })}
            <dl class="card__facts">
                <dt>"Próxima sesión"</dt>
                <dd>{session_line(next_session, "Sin programar")}</dd>
                <dt>"Última sesión"</dt>
                <dd>{session_line(last_session, "Ninguna")}</dd>
            </dl>
        </li>
    }
}

fn session_line(session: Option<Session>, empty: &'static str) -> AnyView {
    match session {
        Some(s) => view! {
            <a href=format!("/sesiones/{}", s.id)>
                {format!("N.º {} · {}", s.seq, format_bogota(s.scheduled_at))}
            </a>
            " "
            <StatusBadge status=s.status />
        }
        .into_any(),
        None => view! { <span class="muted">{empty}</span> }.into_any(),
    }
}
