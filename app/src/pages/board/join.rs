//! Joining the board: the form that asks a remote participant's name and institution (kept on
//! the device), and their check-in as a virtual attendee once the board has synced.

use leptos::prelude::*;

use crate::domain::board::edit::new_record_id;
use crate::domain::board::records::attendance::Arrival;
use crate::domain::board::{ATTENDANCE, Attendee, put_record};
use crate::domain::{SECTORS, fold};
#[cfg(feature = "hydrate")]
use crate::live::ConnStatus;
use crate::live::{BoardCtx, Identity, color_for};

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
/// Remote participants who join by link are checked in once, as "virtual".
pub fn check_in(ctx: BoardCtx) {
    let Some(me) = ctx.me.get_untracked() else {
        return;
    };
    if !ctx.can_edit() {
        return;
    }
    let already = ctx.view.with_untracked(|v| {
        // A member's check-in is written under the member's registered name.
        v.attendance.iter().any(|a| fold(&a.name) == fold(&me.name))
    });
    if already {
        return;
    }
    let roster = ctx.roster.get_value();
    ctx.edit(move |txn, author, now| {
        let arrival = Arrival {
            name: &me.name,
            institution: &me.institution,
            sector: &me.sector,
        };
        let fields = Attendee::check_in(&arrival, &roster, now);
        put_record(txn, ATTENDANCE, &new_record_id(), &fields, author, now);
    });
}

#[component]
pub fn JoinForm(ctx: BoardCtx, needs_join: RwSignal<bool>, invited_name: String) -> impl IntoView {
    let name = RwSignal::new(invited_name);
    let institution = RwSignal::new(String::new());
    let sector = RwSignal::new(String::new());
    let error = RwSignal::new(None::<&'static str>);
    let join = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let n = name.get_untracked().trim().to_owned();
        let i = institution.get_untracked().trim().to_owned();
        let sector = sector.get_untracked();
        if n.is_empty() {
            error.set(Some("Escriba su nombre."));
            return;
        }
        let me = Identity {
            color: color_for(&n).to_owned(),
            name: n,
            institution: i,
            sector,
            role: ctx.role.code().to_owned(),
        };
        #[cfg(feature = "hydrate")]
        crate::live::remember_identity(&me);
        ctx.me.set(Some(me));
        needs_join.set(false);
        #[cfg(feature = "hydrate")]
        {
            crate::live::announce();
            if ctx.status.get_untracked() == ConnStatus::Conectado {
                check_in(ctx);
            }
        }
    };
    view! {
        <form class="join card" on:submit=join aria-labelledby="unirse">
            <h3 id="unirse">"Unirse al tablero"</h3>
            <p class="muted">"Su nombre, institución y sector quedan guardados en este equipo y se muestran a los demás participantes. Si usted integra la Mesa, escriba su nombre como está registrado: así cuenta para el quórum."</p>
            <label class="field" for="join-name">
                <span>"Nombre"</span>
                <input id="join-name" name="name" autocomplete="name" required prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev)) />
            </label>
            <label class="field" for="join-institution">
                <span>"Institución u organización"</span>
                <input id="join-institution" name="institution" autocomplete="organization"
                    prop:value=move || institution.get() on:input=move |ev| institution.set(event_target_value(&ev)) />
            </label>
            <label class="field" for="join-sector">
                <span>"Sector"</span>
                <select id="join-sector" name="sector" on:change=move |ev| sector.set(event_target_value(&ev))>
                    <option value="">"Elija su sector…"</option>
                    {SECTORS.into_iter().map(|s| view! { <option value=s>{s}</option> }).collect_view()}
                </select>
            </label>
            <p class="field-error" role="alert">{move || error.get()}</p>
            <button type="submit" class="button">"Entrar al tablero"</button>
            <p class="muted"><a href="/privacidad" target="_blank">"Aviso de privacidad"</a>": cómo se usan estos datos y sus derechos."</p>
        </form>
    }
    .into_any()
}
