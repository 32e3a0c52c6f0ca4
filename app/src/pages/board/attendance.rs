//! Attendance: who is in the session (in the room or remote), with role and mode; quorum counts
//! the members present.

use chrono::DateTime;
use leptos::prelude::*;

use super::inputs::{CodeSelect, ValueInput};
use super::section::{RemoveButton, field, use_record};
use crate::domain::board::records::attendance;
use crate::domain::board::{ATTENDANCE, Attendee};
use crate::domain::bogota;
use crate::live::BoardCtx;

/// A compact card: no editing markers, and the arrival time instead of who wrote it.
pub fn attendee_card(ctx: BoardCtx, id: String) -> AnyView {
    let item = use_record::<Attendee>(ctx, &id);
    let field = move |read: fn(&Attendee) -> String| field(item, read);
    let arrived = move || {
        item.with(|i| {
            i.as_ref()
                .and_then(|a| DateTime::from_timestamp_millis(a.arrived_at as i64))
                .map(|at| at.with_timezone(&bogota()).format("%H:%M").to_string())
        })
    };
    view! {
        <li class="card" data-kind=ATTENDANCE data-id=id.clone()>
            <div class="fields">
                <ValueInput ctx root=ATTENDANCE id=id.clone() key=attendance::NAME value=field(|a| a.name.clone()) />
                <ValueInput ctx root=ATTENDANCE id=id.clone() key=attendance::INSTITUTION value=field(|a| a.institution.clone()) />
                <ValueInput ctx root=ATTENDANCE id=id.clone() key=attendance::SECTOR value=field(|a| a.sector.clone()) />
                <CodeSelect ctx root=ATTENDANCE id=id.clone() key=attendance::ROLE value=field(|a| a.role.code().to_owned()) />
                <CodeSelect ctx root=ATTENDANCE id=id.clone() key=attendance::MODE value=field(|a| a.mode.code().to_owned()) />
            </div>
            <p class="stamp">"Llegó " {arrived}</p>
            <div class="card-actions"><RemoveButton ctx root=ATTENDANCE id=id.clone() what="el registro" /></div>
        </li>
    }
    .into_any()
}
