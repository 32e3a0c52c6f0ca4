//! Agreements: what the Mesa decided, how, about which barrier and agenda item.

use leptos::prelude::*;

use super::agenda::agenda_options;
use super::inputs::{CodeSelect, SharedText};
use super::section::{card_shell, field, link_options, use_record};
use super::votes::AgreementPoll;
use crate::domain::board::records::agreement;
use crate::domain::board::{AGREEMENTS, Agreement, Barrier};
use crate::live::BoardCtx;

pub fn agreement_card(ctx: BoardCtx, id: String) -> AnyView {
    let item = use_record::<Agreement>(ctx, &id);
    let field = move |read: fn(&Agreement) -> String| field(item, read);
    let outcome = field(|a| a.outcome.clone());
    let body = view! {
        <SharedText ctx root=AGREEMENTS id=id.clone() key=agreement::STATEMENT multiline=true
            value=field(|a| a.statement.clone()) />
        <div class="fields">
            <CodeSelect ctx root=AGREEMENTS id=id.clone() key=agreement::METHOD value=field(|a| a.method.code().to_owned()) />
            <CodeSelect ctx root=AGREEMENTS id=id.clone() key=agreement::BARRIERS options={link_options::<Barrier>(ctx)}
                value=field(|a| a.barriers.join(",")) />
            <CodeSelect ctx root=AGREEMENTS id=id.clone() key=agreement::AGENDA_ITEM options=agenda_options(ctx)
                value=field(|a| a.agenda_item.clone().unwrap_or_default()) />
        </div>
        {move || {
            let outcome = outcome.get();
            (!outcome.is_empty()).then(|| view! { <p class="outcome" data-outcome>{outcome}</p> })
        }}
        <AgreementPoll agreement=id.clone() can_edit=Signal::derive(move || ctx.can_edit()) />
    };
    card_shell(ctx, id, item, (), body, ())
}
