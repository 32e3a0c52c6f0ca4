//! Barriers: what blocks access to care, where, for whom, how severe; escalated from the card.

use leptos::prelude::*;

use super::agenda::agenda_options;
use super::escalations::EscalateBarrier;
use super::inputs::{CodeSelect, SharedText, ValueInput};
use super::references::{BarrierFigures, CodesPicker, asset_choices, indicator_choices};
use super::section::{card_shell, field, use_record};
use crate::domain::board::records::barrier::{self, severity_options};
use crate::domain::board::{BARRIERS, Barrier};
use crate::live::BoardCtx;

pub fn barrier_card(ctx: BoardCtx, id: String) -> AnyView {
    let item = use_record::<Barrier>(ctx, &id);
    let field = move |read: fn(&Barrier) -> String| field(item, read);
    let status = move || item.with(|i| i.as_ref().map(|b| b.status.label()).unwrap_or_default());
    let head = view! { <span class="badge">{status}</span> };
    let body = view! {
        <SharedText ctx root=BARRIERS id=id.clone() key=barrier::DESCRIPTION multiline=true
            value=field(|b| b.description.clone()) />
        <div class="fields">
            <CodeSelect ctx root=BARRIERS id=id.clone() key=barrier::TYPE value=field(|b| b.kind.code().to_owned()) />
            <CodeSelect ctx root=BARRIERS id=id.clone() key=barrier::STATUS value=field(|b| b.status.code().to_owned()) />
            <CodeSelect ctx root=BARRIERS id=id.clone() key=barrier::SEVERITY options=Signal::stored(severity_options())
                value=field(|b| b.severity.to_string()) />
            <ValueInput ctx root=BARRIERS id=id.clone() key=barrier::ROUTE value=field(|b| b.route.clone()) />
            <ValueInput ctx root=BARRIERS id=id.clone() key=barrier::POPULATION value=field(|b| b.population.clone()) />
            <ValueInput ctx root=BARRIERS id=id.clone() key=barrier::LOCALIDAD value=field(|b| b.localidad.clone()) />
            <ValueInput ctx root=BARRIERS id=id.clone() key=barrier::UPZ value=field(|b| b.upz.clone()) />
            <ValueInput ctx root=BARRIERS id=id.clone() key=barrier::INSTITUTION value=field(|b| b.institution.clone()) />
            <CodeSelect ctx root=BARRIERS id=id.clone() key=barrier::AGENDA_ITEM options=agenda_options(ctx)
                value=field(|b| b.agenda_item.clone().unwrap_or_default()) />
        </div>
        <CodesPicker ctx root=BARRIERS id=id.clone() key=barrier::ASSETS choices=asset_choices()
            chosen=Signal::derive(move || item.with(|i| i.as_ref().map(|b| b.assets.clone()).unwrap_or_default())) />
        <CodesPicker ctx root=BARRIERS id=id.clone() key=barrier::INDICATORS choices=indicator_choices()
            chosen=Signal::derive(move || item.with(|i| i.as_ref().map(|b| b.indicators.clone()).unwrap_or_default())) />
        <BarrierFigures ctx
            codes=Signal::derive(move || item.with(|i| i.as_ref().map(|b| b.indicators.clone()).unwrap_or_default()))
            localidad=Signal::derive(move || item.with(|i| i.as_ref().map(|b| b.localidad.clone()).unwrap_or_default())) />
    };
    let actions = view! { <EscalateBarrier ctx barrier=id.clone() /> };
    card_shell(ctx, id, item, head, body, actions)
}
