//! Commitments: who, which institution, by when, with the semáforo derived from the due date.

use leptos::prelude::*;

use super::evidence::EvidenceList;
use super::inputs::{CodeSelect, SharedText, ValueInput};
use super::references::{asset_choices, single_options};
use super::section::{card_shell, field, link_options, use_record};
use crate::domain::board::records::commitment;
use crate::domain::board::{Agreement, COMMITMENTS, Commitment};
use crate::live::BoardCtx;

pub fn commitment_card(ctx: BoardCtx, id: String) -> AnyView {
    let item = use_record::<Commitment>(ctx, &id);
    let field = move |read: fn(&Commitment) -> String| field(item, read);
    let light = move || {
        let today = ctx.today();
        item.with(|i| i.as_ref().and_then(|c| c.semaforo(today)))
    };
    let head = view! {
        <span class="slot">
            {move || light().map(|s| view! {
                <span class=format!("semaforo semaforo--{}", s.code()) data-semaforo=s.code()>{s.label()}</span>
            })}
        </span>
    };
    let body = view! {
        <SharedText ctx root=COMMITMENTS id=id.clone() key=commitment::DESCRIPTION multiline=true
            value=field(|c| c.description.clone()) />
        <div class="fields">
            <ValueInput ctx root=COMMITMENTS id=id.clone() key=commitment::RESPONSIBLE value=field(|c| c.responsible.clone()) />
            <ValueInput ctx root=COMMITMENTS id=id.clone() key=commitment::INSTITUTIONS value=field(|c| c.institutions.clone()) />
            <ValueInput ctx root=COMMITMENTS id=id.clone() key=commitment::DUE
                value=field(|c| c.due.map(|d| d.to_string()).unwrap_or_default()) />
            <CodeSelect ctx root=COMMITMENTS id=id.clone() key=commitment::STATUS value=field(|c| c.status.code().to_owned()) />
            <CodeSelect ctx root=COMMITMENTS id=id.clone() key=commitment::AGREEMENT options={link_options::<Agreement>(ctx)}
                value=field(|c| c.agreement.clone().unwrap_or_default()) />
            <CodeSelect ctx root=COMMITMENTS id=id.clone() key=commitment::ASSET
                options=single_options(asset_choices(), field(|c| c.asset.clone().unwrap_or_default()))
                value=field(|c| c.asset.clone().unwrap_or_default()) />
        </div>
        <SharedText ctx root=COMMITMENTS id=id.clone() key=commitment::EVIDENCE wide=true value=field(|c| c.evidence.clone()) />
        <EvidenceList root=COMMITMENTS record=id.clone() can_edit=Signal::derive(move || ctx.can_edit()) />
    };
    card_shell(ctx, id, item, head, body, ())
}
