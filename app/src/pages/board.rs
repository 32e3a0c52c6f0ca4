//! The live board: what people in the room, remote participants and the projector see during a
//! session. Rendering reads one reactive [`BoardView`]; every edit goes through the shared yrs
//! document (see `crate::live`), so what is shown is always what the document says.

use chrono::{DateTime, NaiveDate};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use yrs::{Any, TransactionMut};

use crate::board::edit::{record, remove_record, set_meta, write_text};
use crate::board::{
    AGENDA, AGREEMENTS, ATTENDANCE, AgendaStatus, AttendanceMode, AttendanceRole, BARRIERS,
    BarrierStatus, BarrierType, BoardAccess, BoardRole, BoardView, COMMITMENTS, CommitmentStatus,
    DecisionMethod, Field, Semaforo, TEXT_FIELDS, position_between, put_record, quorum, set_field,
};
use crate::domain::bogota;

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnStatus {
    Conectando,
    Conectado,
    Reconectando,
    SinConexion,
}

impl ConnStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Conectando => "conectando",
            Self::Conectado => "conectado",
            Self::Reconectando => "reconectando",
            Self::SinConexion => "sin-conexion",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Conectando => "Conectando…",
            Self::Conectado => "Conectado",
            Self::Reconectando => "Reconectando…",
            Self::SinConexion => "Sin conexión: los cambios se guardan en este equipo",
        }
    }
}

/// Who is at this browser, as given on the join page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    pub name: String,
    pub institution: String,
    pub role: String,
    pub color: String,
}

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
impl Identity {
    /// How records are stamped: "Ana Pérez (Subred Sur)".
    pub fn display(&self) -> String {
        if self.institution.is_empty() {
            self.name.clone()
        } else {
            format!("{} ({})", self.name, self.institution)
        }
    }
}

/// Someone else on the board.
#[derive(Debug, Clone, PartialEq)]
pub struct Presence {
    pub client: u64,
    pub name: String,
    pub institution: String,
    pub role: String,
    pub color: String,
    /// `"barriers:<id>"` etc.: the record they are editing.
    pub editing: Option<String>,
}

const COLORS: [&str; 8] = [
    "#b3261e", "#0b57d0", "#146c2e", "#8e24aa", "#c25e00", "#00796b", "#5c6bc0", "#ad1457",
];

/// A stable colour per name, so a person keeps theirs across reloads.
pub fn color_for(name: &str) -> &'static str {
    let hash = name
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(b as u32));
    COLORS[hash as usize % COLORS.len()]
}

/// The board's reactive state, shared by its components.
#[derive(Clone, Copy)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub struct BoardCtx {
    pub session_id: i64,
    pub role: BoardRole,
    pub writable: bool,
    pub view: RwSignal<BoardView>,
    pub status: RwSignal<ConnStatus>,
    pub presence: RwSignal<Vec<Presence>>,
    pub me: RwSignal<Option<Identity>>,
    pub editing: RwSignal<Option<String>>,
    pub now_ms: RwSignal<f64>,
    pub read_only_reason: RwSignal<Option<String>>,
    pub members: usize,
    /// The invitation this page came with (empty when viewing without one).
    pub token: StoredValue<String>,
    pub mesa_code: StoredValue<String>,
}

impl BoardCtx {
    pub fn new(access: &BoardAccess, now_ms: f64, token: Option<String>) -> Self {
        Self {
            session_id: access.detail.session.id,
            role: access.role,
            writable: access.writable,
            view: RwSignal::new(access.board.clone()),
            status: RwSignal::new(ConnStatus::Conectando),
            presence: RwSignal::new(Vec::new()),
            me: RwSignal::new(None),
            editing: RwSignal::new(None),
            now_ms: RwSignal::new(now_ms),
            read_only_reason: RwSignal::new(None),
            members: access.members,
            token: StoredValue::new(token.unwrap_or_default()),
            mesa_code: StoredValue::new(access.detail.mesa.code.clone()),
        }
    }

    /// Whether this browser may edit right now (reactive).
    pub fn can_edit(&self) -> bool {
        self.writable
            && self.me.with(Option::is_some)
            && self.read_only_reason.with(Option::is_none)
    }

    pub fn is_coordinator(&self) -> bool {
        self.role == BoardRole::Coordinador
    }

    /// Applies an edit to the shared document, stamped with this participant's name and the time.
    pub fn edit(&self, f: impl FnOnce(&mut TransactionMut, &str, f64)) {
        #[cfg(feature = "hydrate")]
        {
            let author = self
                .me
                .get_untracked()
                .map(|m| m.display())
                .unwrap_or_default();
            let now = js_sys::Date::now();
            crate::live::edit(|txn| f(txn, &author, now));
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = f;
    }

    pub(crate) fn set(&self, root: &'static str, id: &str, key: &'static str, value: Field) {
        let id = id.to_owned();
        self.edit(move |txn, author, now| {
            if let Some(r) = record(txn, root, &id) {
                set_field(txn, &r, key, value, author, now);
            }
        });
    }

    fn today(&self) -> NaiveDate {
        DateTime::from_timestamp_millis(self.now_ms.get() as i64)
            .map(|at| at.with_timezone(&bogota()).date_naive())
            .unwrap_or_default()
    }
}

fn new_id() -> String {
    yrs::uuid_v4().to_string()
}

// ---- inputs bound to the document ----------------------------------------------------------

/// A text typed together (`Y.Text`): each keystroke becomes the smallest insert/delete, and
/// other people's edits arrive without moving this person's caret.
#[component]
fn SharedText(
    ctx: BoardCtx,
    root: &'static str,
    id: String,
    field: &'static str,
    label: &'static str,
    value: Signal<String>,
    #[prop(optional)] multiline: bool,
) -> impl IntoView {
    debug_assert!(TEXT_FIELDS.contains(&field));
    let initial = value.get_untracked();
    let target = format!("{root}:{id}");
    let input_id = format!("{field}-{id}");
    let label_for = input_id.clone();
    let area: NodeRef<leptos::html::Textarea> = NodeRef::new();
    let line: NodeRef<leptos::html::Input> = NodeRef::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let wanted = value.get();
        let el: Option<web_sys::HtmlElement> = if multiline {
            area.get().map(Into::into)
        } else {
            line.get().map(Into::into)
        };
        if let Some(el) = el {
            sync_text_element(&el, &wanted);
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = value;
    let on_input = move |ev: leptos::ev::Event| {
        let typed = event_target_value(&ev);
        let id = id.clone();
        ctx.edit(move |txn, author, now| {
            if let Some(r) = record(txn, root, &id) {
                write_text(txn, &r, field, &typed, author, now);
            }
        });
    };
    let focus = move |_| focus_marker(Some(target.clone()));
    let blur = move |_| focus_marker(None);
    let field_view = if multiline {
        view! {
            <textarea id=input_id node_ref=area rows="3" data-field=field
                readonly=move || !ctx.can_edit() on:input=on_input on:focus=focus on:blur=blur>
                {initial}
            </textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=input_id node_ref=line type="text" data-field=field value=initial
                readonly=move || !ctx.can_edit() on:input=on_input on:focus=focus on:blur=blur />
        }
        .into_any()
    };
    view! {
        <label class="field field--wide" for=label_for>
            <span>{label}</span>
            {field_view}
        </label>
    }
}

/// Brings a text box to `wanted` without losing the caret of whoever is typing in it.
#[cfg(feature = "hydrate")]
fn sync_text_element(el: &web_sys::HtmlElement, wanted: &str) {
    use wasm_bindgen::JsCast;
    let (current, caret) = if let Some(area) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        (area.value(), area.selection_start().ok().flatten())
    } else if let Some(input) = el.dyn_ref::<web_sys::HtmlInputElement>() {
        (input.value(), input.selection_start().ok().flatten())
    } else {
        return;
    };
    let Some(edit) = crate::board::edit::diff(&current, wanted) else {
        return;
    };
    let focused = document()
        .active_element()
        .is_some_and(|active| &active == el.as_ref() as &web_sys::Element);
    let new_caret = caret.map(|c| crate::board::edit::shift_caret(c, &edit));
    if let Some(area) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        area.set_value(wanted);
        if focused && let Some(c) = new_caret {
            let _ = area.set_selection_range(c, c);
        }
    } else if let Some(input) = el.dyn_ref::<web_sys::HtmlInputElement>() {
        input.set_value(wanted);
        if focused && let Some(c) = new_caret {
            let _ = input.set_selection_range(c, c);
        }
    }
}

/// A plain value (last writer wins), saved when the person leaves the field.
#[component]
fn ValueInput(
    ctx: BoardCtx,
    root: &'static str,
    id: String,
    field: &'static str,
    label: &'static str,
    value: Signal<String>,
    #[prop(default = "text")] kind: &'static str,
) -> impl IntoView {
    let input_id = format!("{field}-{id}");
    let label_for = input_id.clone();
    let target = format!("{root}:{id}");
    let save = move |ev: leptos::ev::Event| {
        let raw = event_target_value(&ev);
        let field_value = if kind == "number" {
            match raw.trim().parse::<f64>() {
                Ok(n) => Field::Number(n),
                Err(_) => return,
            }
        } else {
            Field::Text(raw.trim().to_owned())
        };
        ctx.set(root, &id, field, field_value);
    };
    view! {
        <label class="field" for=label_for.clone()>
            <span>{label}</span>
            <input id=input_id type=kind data-field=field prop:value=move || value.get()
                readonly=move || !ctx.can_edit() on:change=save
                on:focus=move |_| focus_marker(Some(target.clone())) on:blur=move |_| focus_marker(None) />
        </label>
    }
    .into_any()
}

fn focus_marker(target: Option<String>) {
    #[cfg(feature = "hydrate")]
    crate::live::set_editing(target);
    #[cfg(not(feature = "hydrate"))]
    let _ = target;
}

/// One of a fixed set of codes.
#[component]
fn CodeSelect(
    ctx: BoardCtx,
    root: &'static str,
    id: String,
    field: &'static str,
    label: &'static str,
    value: Signal<String>,
    options: Vec<(String, String)>,
) -> impl IntoView {
    let input_id = format!("{field}-{id}");
    let label_for = input_id.clone();
    let save = move |ev: leptos::ev::Event| {
        ctx.set(root, &id, field, Field::Text(event_target_value(&ev)));
    };
    let options = options
        .into_iter()
        .map(|(code, text)| {
            let selected_code = code.clone();
            view! { <option value=code selected=move || value.get() == selected_code>{text}</option> }
        })
        .collect_view();
    view! {
        <label class="field" for=label_for.clone()>
            <span>{label}</span>
            <select id=input_id data-field=field disabled=move || !ctx.can_edit() on:change=save
                prop:value=move || value.get()>
                {options}
            </select>
        </label>
    }
    .into_any()
}

fn codes<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| (code(*v).to_owned(), label(*v).to_owned()))
        .collect()
}

/// Who created and last changed a record.
#[component]
fn StampLine(created_by: Signal<String>, updated_by: Signal<String>) -> impl IntoView {
    view! {
        <p class="stamp">
            "Creado por " <span data-created-by>{move || created_by.get()}</span>
            {move || {
                let u = updated_by.get();
                (!u.is_empty() && u != created_by.get())
                    .then(|| view! { " · modificado por " <span data-updated-by>{u}</span> })
            }}
        </p>
    }
}

/// Markers for the people editing this record right now.
#[component]
fn EditingMarkers(ctx: BoardCtx, target: String) -> impl IntoView {
    view! {
        <ul class="editing-markers" aria-label="Editando ahora">
            {move || {
                ctx.presence
                    .get()
                    .into_iter()
                    .filter(|p| p.editing.as_deref() == Some(target.as_str()))
                    .map(|p| {
                        let style = format!("--who: {}", p.color);
                        view! { <li style=style>{p.name}</li> }
                    })
                    .collect_view()
            }}
        </ul>
    }
}

/// Removal asks once more inline (no dialog that blocks the room's screen).
#[component]
fn RemoveButton(
    ctx: BoardCtx,
    root: &'static str,
    id: String,
    what: &'static str,
) -> impl IntoView {
    let armed = RwSignal::new(false);
    let remove = move |_| {
        if armed.get_untracked() {
            let id = id.clone();
            ctx.edit(move |txn, _, _| {
                remove_record(txn, root, &id);
            });
        } else {
            armed.set(true);
        }
    };
    view! {
        <span class="slot"><Show when=move || ctx.can_edit()>
            <button type="button" class="button button--quiet" on:click=remove.clone()
                on:blur=move |_| armed.set(false)>
                {move || if armed.get() { format!("¿Eliminar {what}? Confirmar") } else { "Eliminar".to_owned() }}
            </button>
        </Show></span>
    }
}

// ---- the board -----------------------------------------------------------------------------

#[component]
pub fn LiveBoard(access: BoardAccess, token: Option<String>) -> impl IntoView {
    let ctx = BoardCtx::new(
        &access,
        access.board.timer_started_at.unwrap_or(0.0),
        token.clone(),
    );
    let needs_join = RwSignal::new(false);
    let invited_name = access.invited_name.clone().unwrap_or_default();
    #[cfg(feature = "hydrate")]
    {
        let sync_path = access.sync_path.clone();
        let role = access.role;
        let session_id = ctx.session_id;
        // After hydration has finished (changing signals while the server's HTML is being
        // adopted would make the DOM and the view disagree).
        request_animation_frame(move || {
            ctx.now_ms.set(js_sys::Date::now());
            if role != BoardRole::Observador && ctx.writable {
                match crate::live::remembered_identity() {
                    Some((name, institution)) => ctx.me.set(Some(Identity {
                        color: color_for(&name).to_owned(),
                        name,
                        institution,
                        role: role.code().to_owned(),
                    })),
                    None => needs_join.set(true),
                }
            }
            let check_in = Box::new(move || check_in(ctx));
            crate::live::start(ctx, &sync_path, session_id, check_in);
        });
    }
    let _ = &token;
    let view = ctx.view;
    let counts = move || {
        view.with(|v| {
            (
                v.barriers.len(),
                v.agreements.len(),
                v.commitments.len(),
                v.attendance.len(),
            )
        })
    };
    let q = move || quorum(view.with(|v| v.members_present()), ctx.members);
    let role_label = access.role.label();
    view! {
        <section class="board" aria-labelledby="tablero" data-board data-role=access.role.code()
            data-status=move || ctx.status.get().code() data-can-edit=move || ctx.can_edit().to_string()>
            <div class="board-bar">
                <h2 id="tablero">"Tablero de la sesión"</h2>
                <p class=move || format!("conn conn--{}", ctx.status.get().code()) role="status"
                    aria-live="polite" data-connection>
                    {move || ctx.status.get().label()}
                </p>
                <p class="muted">"Su rol: " {role_label}</p>
                <ul class="presence" aria-label="Conectados ahora">
                    {move || ctx.me.get().map(|me| {
                        let style = format!("--who: {}", me.color);
                        view! { <li style=style class="presence--me">{me.name} " (usted)"</li> }
                    })}
                    <For each=move || ctx.presence.get() key=|p| (p.client, p.name.clone(), p.color.clone()) let:p>
                        <li style=format!("--who: {}", p.color) title=p.institution.clone()>{p.name.clone()}</li>
                    </For>
                </ul>
            </div>
            {move || ctx.read_only_reason.get().map(|reason| view! {
                <p class="notice" role="status" data-read-only>{reason}</p>
            })}
            <dl class="counts" aria-label="Resumen">
                <div><dt>"Barreras"</dt><dd data-count="barriers">{move || counts().0}</dd></div>
                <div><dt>"Acuerdos"</dt><dd data-count="agreements">{move || counts().1}</dd></div>
                <div><dt>"Compromisos"</dt><dd data-count="commitments">{move || counts().2}</dd></div>
                <div><dt>"Asistentes"</dt><dd data-count="attendance">{move || counts().3}</dd></div>
                <div>
                    <dt>"Quórum"</dt>
                    <dd data-quorum=move || q().reached.to_string()>
                        {move || q().describe()}
                    </dd>
                </div>
            </dl>
            <span class="slot"><Show when=move || needs_join.get()>
                <JoinForm ctx needs_join invited_name=invited_name.clone() />
            </Show></span>
            <div class="board-grid">
                <AgendaSection ctx />
                <FollowUpsSection ctx />
                <BarriersSection ctx />
                <AgreementsSection ctx />
                <CommitmentsSection ctx />
                <AttendanceSection ctx />
            </div>
            <super::escalations::EscalationsPanel ctx />
            <span class="slot"><Show when=move || ctx.is_coordinator() && ctx.writable && ctx.me.with(Option::is_some)>
                <CloseSession ctx token=token.clone().unwrap_or_default() />
            </Show></span>
        </section>
    }
    .into_any()
}

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
/// Remote participants who join by link are checked in once, as "virtual".
fn check_in(ctx: BoardCtx) {
    let Some(me) = ctx.me.get_untracked() else {
        return;
    };
    if !ctx.can_edit() {
        return;
    }
    let already = ctx.view.with_untracked(|v| {
        v.attendance
            .iter()
            .any(|a| a.name == me.name && a.institution == me.institution)
    });
    if already {
        return;
    }
    ctx.edit(move |txn, author, now| {
        put_record(
            txn,
            ATTENDANCE,
            &new_id(),
            &[
                ("name", Field::Text(me.name.clone())),
                ("institution", Field::Text(me.institution.clone())),
                ("sector", Field::Text(String::new())),
                ("role", Field::Text(AttendanceRole::Invitado.code().into())),
                ("mode", Field::Text(AttendanceMode::Virtual.code().into())),
                ("arrivedAt", Field::Number(now)),
            ],
            author,
            now,
        );
    });
}

#[component]
fn JoinForm(ctx: BoardCtx, needs_join: RwSignal<bool>, invited_name: String) -> impl IntoView {
    let name = RwSignal::new(invited_name);
    let institution = RwSignal::new(String::new());
    let error = RwSignal::new(None::<&'static str>);
    let join = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let n = name.get_untracked().trim().to_owned();
        let i = institution.get_untracked().trim().to_owned();
        if n.is_empty() {
            error.set(Some("Escriba su nombre."));
            return;
        }
        let me = Identity {
            color: color_for(&n).to_owned(),
            name: n,
            institution: i,
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
            <p class="muted">"Su nombre e institución quedan guardados en este equipo y se muestran a los demás participantes."</p>
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
            <p class="field-error" role="alert">{move || error.get()}</p>
            <button type="submit" class="button">"Entrar al tablero"</button>
        </form>
    }
    .into_any()
}

#[component]
fn CloseSession(ctx: BoardCtx, token: String) -> impl IntoView {
    let close = Action::new(move |token: &String| {
        let token = token.clone();
        let id = ctx.session_id;
        async move {
            let closed = crate::api::close_board(id, token).await;
            // Straight to the acta (the board turns read-only for everyone at this moment, which
            // also removes this button).
            if closed.is_ok() {
                let _ = window()
                    .location()
                    .set_href(&format!("/sesiones/{id}/acta"));
            }
            closed
        }
    });
    view! {
        <div class="close-session">
            <button type="button" class="button button--danger" data-action="cerrar-tablero"
                disabled=move || close.pending().get()
                on:click=move |_| { close.dispatch(token.clone()); }>
                "Cerrar sesión y generar acta"
            </button>
            <p class="form-alert" role="alert">
                {move || match close.value().get() { Some(Err(e)) => Some(e.to_string()), _ => None }}
            </p>
        </div>
    }
    .into_any()
}

// ---- agenda --------------------------------------------------------------------------------

fn minutes_seconds(ms: f64) -> String {
    let total = (ms.max(0.0) / 1000.0) as i64;
    format!("{:02}:{:02}", total / 60, total % 60)
}

#[component]
fn AgendaSection(ctx: BoardCtx) -> impl IntoView {
    let ids = move || {
        ctx.view
            .with(|v| v.agenda.iter().map(|i| i.id.clone()).collect::<Vec<_>>())
    };
    let dragged = RwSignal::new(None::<String>);
    let add = move |_| {
        let last = ctx
            .view
            .with_untracked(|v| v.agenda.last().map(|i| i.position));
        ctx.edit(move |txn, author, now| {
            put_record(
                txn,
                AGENDA,
                &new_id(),
                &[
                    ("title", Field::Text(String::new())),
                    ("notes", Field::Text(String::new())),
                    ("presenter", Field::Text(String::new())),
                    ("minutes", Field::Number(10.0)),
                    ("status", Field::Text(AgendaStatus::Pendiente.code().into())),
                    ("position", Field::Number(position_between(last, None))),
                ],
                author,
                now,
            );
        });
    };
    view! {
        <section class="panel panel--agenda" aria-labelledby="orden-del-dia" data-section="agenda">
            <h3 id="orden-del-dia">"Orden del día"</h3>
            <ol class="cards">
                <For each=ids key=|id| id.clone() let:id>
                    <AgendaCard ctx id dragged />
                </For>
            </ol>
            <span class="slot"><Show when=move || ctx.can_edit()>
                <button type="button" class="button" data-add="agenda" on:click=add>"Agregar punto"</button>
            </Show></span>
        </section>
    }
    .into_any()
}

/// Moves agenda item `id` one place up (`-1`) or down (`+1`), or before `before`.
fn move_item(ctx: BoardCtx, id: &str, step: i32, before: Option<&str>) {
    let order: Vec<(String, f64)> = ctx.view.with_untracked(|v| {
        v.agenda
            .iter()
            .map(|i| (i.id.clone(), i.position))
            .collect()
    });
    let Some(from) = order.iter().position(|(i, _)| i == id) else {
        return;
    };
    let others: Vec<&(String, f64)> = order.iter().filter(|(i, _)| i != id).collect();
    let to = match before {
        Some(target) => match others.iter().position(|(i, _)| i == target) {
            Some(t) => t,
            None => return,
        },
        None => {
            (from as i32 + if step > 0 { 1 } else { -1 }).clamp(0, others.len() as i32) as usize
        }
    };
    if before.is_none() && to == from {
        return;
    }
    let prev = to
        .checked_sub(1)
        .and_then(|p| others.get(p))
        .map(|(_, p)| *p);
    let next = others.get(to).map(|(_, p)| *p);
    let position = position_between(prev, next);
    ctx.set(AGENDA, id, "position", Field::Number(position));
}

#[component]
fn AgendaCard(ctx: BoardCtx, id: String, dragged: RwSignal<Option<String>>) -> impl IntoView {
    let item = {
        let id = id.clone();
        Memo::new(move |_| ctx.view.with(|v| v.agenda_item(&id).cloned()))
    };
    let field = move |f: fn(&crate::board::AgendaItem) -> String| {
        Signal::derive(move || item.with(|i| i.as_ref().map(f).unwrap_or_default()))
    };
    let is_current = {
        let id = id.clone();
        move || {
            ctx.view
                .with(|v| v.current_item.as_deref() == Some(id.as_str()))
        }
    };
    let timer = {
        let is_current = is_current.clone();
        move || {
            if !is_current() {
                return None;
            }
            let started = ctx.view.with(|v| v.timer_started_at)?;
            let elapsed = ctx.now_ms.get() - started;
            let allotted = item.with(|i| i.as_ref().map_or(0, |i| i.minutes)) as f64 * 60_000.0;
            Some((
                minutes_seconds(elapsed),
                elapsed > allotted && allotted > 0.0,
            ))
        }
    };
    let make_current = {
        let id = id.clone();
        move |_| {
            let id = id.clone();
            let previous = ctx.view.with_untracked(|v| v.current_item.clone());
            ctx.edit(move |txn, author, now| {
                if let Some(prev) = previous.filter(|p| *p != id)
                    && let Some(r) = record(txn, AGENDA, &prev)
                {
                    set_field(
                        txn,
                        &r,
                        "status",
                        Field::Text(AgendaStatus::Tratado.code().into()),
                        author,
                        now,
                    );
                }
                if let Some(r) = record(txn, AGENDA, &id) {
                    set_field(
                        txn,
                        &r,
                        "status",
                        Field::Text(AgendaStatus::EnCurso.code().into()),
                        author,
                        now,
                    );
                }
                set_meta(txn, "currentAgendaItem", Any::from(id.clone()));
                set_meta(txn, "timerStartedAt", Any::from(now));
            });
        }
    };
    let up = {
        let id = id.clone();
        move |_| move_item(ctx, &id, -1, None)
    };
    let down = {
        let id = id.clone();
        move |_| move_item(ctx, &id, 1, None)
    };
    let keys = {
        let id = id.clone();
        move |ev: leptos::ev::KeyboardEvent| {
            if ev.alt_key() && (ev.key() == "ArrowUp" || ev.key() == "ArrowDown") {
                ev.prevent_default();
                move_item(ctx, &id, if ev.key() == "ArrowUp" { -1 } else { 1 }, None);
            }
        }
    };
    let drag_start = {
        let id = id.clone();
        move |_| dragged.set(Some(id.clone()))
    };
    let drop = {
        let id = id.clone();
        move |ev: leptos::ev::DragEvent| {
            ev.prevent_default();
            if let Some(from) = dragged.get_untracked().filter(|f| *f != id) {
                move_item(ctx, &from, 0, Some(&id));
            }
            dragged.set(None);
        }
    };
    let target = format!("agenda:{id}");
    let status_options = codes(AgendaStatus::ALL, AgendaStatus::code, AgendaStatus::label);
    view! {
        <li class="card" class:card--current=is_current.clone() data-kind="agenda" data-id=id.clone()
            draggable=move || ctx.can_edit().to_string() on:dragstart=drag_start
            on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default() on:drop=drop on:keydown=keys>
            <div class="card-head">
                <span class="slot"><Show when=is_current.clone()>
                    <span class="badge badge--en_curso">"Punto actual"</span>
                </Show></span>
                <span class="slot">
                    {move || timer().map(|(text, over)| view! {
                        <span class=if over { "timer timer--over" } else { "timer" } data-timer>{text}</span>
                    })}
                </span>
                <EditingMarkers ctx target />
            </div>
            <SharedText ctx root=AGENDA id=id.clone() field="title" label="Tema" value=field(|i| i.title.clone()) />
            <SharedText ctx root=AGENDA id=id.clone() field="notes" label="Notas" multiline=true value=field(|i| i.notes.clone()) />
            <div class="fields">
                <ValueInput ctx root=AGENDA id=id.clone() field="presenter" label="Presenta" value=field(|i| i.presenter.clone()) />
                <ValueInput ctx root=AGENDA id=id.clone() field="minutes" label="Minutos" kind="number" value=field(|i| i.minutes.to_string()) />
                <CodeSelect ctx root=AGENDA id=id.clone() field="status" label="Estado" options=status_options
                    value=field(|i| i.status.code().to_owned()) />
            </div>
            <div class="card-actions">
                <span class="slot"><Show when=move || ctx.can_edit() && ctx.is_coordinator()>
                    <button type="button" class="button button--quiet" data-action="actual" on:click=make_current.clone()>
                        "Marcar como punto actual"
                    </button>
                </Show></span>
                <span class="slot"><Show when=move || ctx.can_edit()>
                    <button type="button" class="button button--quiet" aria-label="Subir punto" on:click=up.clone()>"↑"</button>
                    <button type="button" class="button button--quiet" aria-label="Bajar punto" on:click=down.clone()>"↓"</button>
                </Show></span>
                <RemoveButton ctx root=AGENDA id=id.clone() what="el punto" />
            </div>
            <StampLine created_by=field(|i| i.stamp.created_by.clone()) updated_by=field(|i| i.stamp.updated_by.clone()) />
        </li>
    }
    .into_any()
}

fn agenda_options(ctx: BoardCtx) -> Vec<(String, String)> {
    let mut options = vec![(String::new(), "—".to_owned())];
    ctx.view.with_untracked(|v| {
        options.extend(v.agenda.iter().enumerate().map(|(n, i)| {
            (
                i.id.clone(),
                format!(
                    "{}. {}",
                    n + 1,
                    if i.title.is_empty() {
                        "(sin tema)"
                    } else {
                        &i.title
                    }
                ),
            )
        }))
    });
    options
}

// ---- follow-up of earlier commitments --------------------------------------------------------

#[component]
fn FollowUpsSection(ctx: BoardCtx) -> impl IntoView {
    let ids = move || {
        ctx.view
            .with(|v| v.followups.iter().map(|f| f.id.clone()).collect::<Vec<_>>())
    };
    let any = move || ctx.view.with(|v| !v.followups.is_empty());
    view! {
        <span class="slot">
            <Show when=any>
                <section class="panel" aria-labelledby="seguimiento" data-section="followups">
                    <h3 id="seguimiento">"Seguimiento de compromisos anteriores"</h3>
                    <ul class="cards">
                        <For each=ids key=|id| id.clone() let:id>
                            <FollowUpCard ctx id />
                        </For>
                    </ul>
                </section>
            </Show>
        </span>
    }
    .into_any()
}

#[component]
fn FollowUpCard(ctx: BoardCtx, id: String) -> impl IntoView {
    let item = {
        let id = id.clone();
        Memo::new(move |_| {
            ctx.view
                .with(|v| v.followups.iter().find(|f| f.id == id).cloned())
        })
    };
    let field = move |f: fn(&crate::board::FollowUp) -> String| {
        Signal::derive(move || item.with(|i| i.as_ref().map(f).unwrap_or_default()))
    };
    let light = move || {
        let today = ctx.today();
        item.with(|i| {
            i.as_ref()
                .and_then(|f| f.due.map(|d| crate::board::semaforo(d, f.status, today)))
        })
    };
    let history = move || {
        item.with(|i| {
            i.as_ref()
                .map(|f| format!("/compromisos/{}/{}", f.origin_session, f.id))
                .unwrap_or_default()
        })
    };
    view! {
        <li class="card" data-kind="followups" data-id=id.clone()>
            <div class="card-head">
                <span class="slot">
                    {move || light().map(|s| view! {
                        <span class=format!("semaforo semaforo--{}", s.code()) data-semaforo=s.code()>{s.label()}</span>
                    })}
                </span>
                <span class="muted">{move || item.with(|i| i.as_ref().map(|f| format!("De la sesión {}", f.origin_seq)).unwrap_or_default())}</span>
            </div>
            <p><strong>{move || item.with(|i| i.as_ref().map(|f| f.description.clone()).unwrap_or_default())}</strong></p>
            <p class="stamp">{move || item.with(|i| i.as_ref().map(|f| format!("{} · {} · vence {}",
                f.responsible, f.institutions, f.due.map(|d| d.to_string()).unwrap_or_else(|| "sin fecha".into()))).unwrap_or_default())}</p>
            <div class="fields">
                <CodeSelect ctx root=crate::board::FOLLOWUPS id=id.clone() field="status" label="Estado en esta sesión"
                    options=codes(CommitmentStatus::ALL, CommitmentStatus::code, CommitmentStatus::label)
                    value=field(|f| f.status.code().to_owned()) />
            </div>
            <SharedText ctx root=crate::board::FOLLOWUPS id=id.clone() field="notes" label="Avance o evidencia"
                multiline=true value=field(|f| f.note.clone()) />
            <a href=history>"Historia del compromiso"</a>
        </li>
    }
    .into_any()
}

// ---- barriers, agreements, commitments, attendance ------------------------------------------

#[component]
fn BarriersSection(ctx: BoardCtx) -> impl IntoView {
    let ids = move || {
        ctx.view
            .with(|v| v.barriers.iter().map(|i| i.id.clone()).collect::<Vec<_>>())
    };
    let add = move |_| {
        let agenda = ctx
            .view
            .with_untracked(|v| v.current_item.clone())
            .unwrap_or_default();
        ctx.edit(move |txn, author, now| {
            put_record(
                txn,
                BARRIERS,
                &new_id(),
                &[
                    (
                        "type",
                        Field::Text(BarrierType::Administrativa.code().into()),
                    ),
                    ("description", Field::Text(String::new())),
                    ("route", Field::Text(String::new())),
                    ("population", Field::Text(String::new())),
                    ("localidad", Field::Text(String::new())),
                    ("upz", Field::Text(String::new())),
                    ("institution", Field::Text(String::new())),
                    ("severity", Field::Number(3.0)),
                    ("status", Field::Text(BarrierStatus::Abierta.code().into())),
                    ("agendaItem", Field::Text(agenda)),
                ],
                author,
                now,
            );
        });
    };
    view! {
        <section class="panel" aria-labelledby="barreras" data-section="barriers">
            <h3 id="barreras">"Barreras"</h3>
            <ul class="cards">
                <For each=ids key=|id| id.clone() let:id>
                    <BarrierCard ctx id />
                </For>
            </ul>
            <span class="slot"><Show when=move || ctx.can_edit()>
                <button type="button" class="button" data-add="barriers" on:click=add>"Registrar barrera"</button>
            </Show></span>
        </section>
    }
    .into_any()
}

#[component]
fn BarrierCard(ctx: BoardCtx, id: String) -> impl IntoView {
    let item = {
        let id = id.clone();
        Memo::new(move |_| {
            ctx.view
                .with(|v| v.barriers.iter().find(|b| b.id == id).cloned())
        })
    };
    let field = move |f: fn(&crate::board::Barrier) -> String| {
        Signal::derive(move || item.with(|i| i.as_ref().map(f).unwrap_or_default()))
    };
    let severities: Vec<(String, String)> =
        (1..=5).map(|n| (n.to_string(), n.to_string())).collect();
    view! {
        <li class="card" data-kind="barriers" data-id=id.clone()>
            <div class="card-head">
                <span class="badge">{move || item.with(|i| i.as_ref().map(|b| b.status.label()).unwrap_or_default())}</span>
                <EditingMarkers ctx target=format!("barriers:{id}") />
            </div>
            <SharedText ctx root=BARRIERS id=id.clone() field="description" label="Descripción de la barrera" multiline=true
                value=field(|b| b.description.clone()) />
            <div class="fields">
                <CodeSelect ctx root=BARRIERS id=id.clone() field="type" label="Tipo"
                    options=codes(BarrierType::ALL, BarrierType::code, BarrierType::label) value=field(|b| b.kind.code().to_owned()) />
                <CodeSelect ctx root=BARRIERS id=id.clone() field="status" label="Estado"
                    options=codes(BarrierStatus::ALL, BarrierStatus::code, BarrierStatus::label) value=field(|b| b.status.code().to_owned()) />
                <CodeSelect ctx root=BARRIERS id=id.clone() field="severity" label="Severidad (1–5)" options=severities
                    value=field(|b| b.severity.to_string()) />
                <ValueInput ctx root=BARRIERS id=id.clone() field="route" label="Ruta o programa afectado" value=field(|b| b.route.clone()) />
                <ValueInput ctx root=BARRIERS id=id.clone() field="population" label="Población afectada" value=field(|b| b.population.clone()) />
                <ValueInput ctx root=BARRIERS id=id.clone() field="localidad" label="Localidad" value=field(|b| b.localidad.clone()) />
                <ValueInput ctx root=BARRIERS id=id.clone() field="upz" label="UPZ (opcional)" value=field(|b| b.upz.clone()) />
                <ValueInput ctx root=BARRIERS id=id.clone() field="institution" label="Institución responsable" value=field(|b| b.institution.clone()) />
                <CodeSelect ctx root=BARRIERS id=id.clone() field="agendaItem" label="Punto del orden del día"
                    options=agenda_options(ctx) value=field(|b| b.agenda_item.clone().unwrap_or_default()) />
            </div>
            <div class="card-actions">
                <super::escalations::EscalateBarrier ctx barrier=id.clone() />
                <RemoveButton ctx root=BARRIERS id=id.clone() what="la barrera" />
            </div>
            <StampLine created_by=field(|i| i.stamp.created_by.clone()) updated_by=field(|i| i.stamp.updated_by.clone()) />
        </li>
    }
    .into_any()
}

#[component]
fn AgreementsSection(ctx: BoardCtx) -> impl IntoView {
    let ids = move || {
        ctx.view.with(|v| {
            v.agreements
                .iter()
                .map(|i| i.id.clone())
                .collect::<Vec<_>>()
        })
    };
    let add = move |_| {
        let agenda = ctx
            .view
            .with_untracked(|v| v.current_item.clone())
            .unwrap_or_default();
        ctx.edit(move |txn, author, now| {
            put_record(
                txn,
                AGREEMENTS,
                &new_id(),
                &[
                    ("statement", Field::Text(String::new())),
                    (
                        "method",
                        Field::Text(DecisionMethod::Consenso.code().into()),
                    ),
                    ("barriers", Field::Text(String::new())),
                    ("agendaItem", Field::Text(agenda)),
                ],
                author,
                now,
            );
        });
    };
    view! {
        <section class="panel" aria-labelledby="acuerdos" data-section="agreements">
            <h3 id="acuerdos">"Acuerdos"</h3>
            <ul class="cards">
                <For each=ids key=|id| id.clone() let:id>
                    <AgreementCard ctx id />
                </For>
            </ul>
            <span class="slot"><Show when=move || ctx.can_edit()>
                <button type="button" class="button" data-add="agreements" on:click=add>"Registrar acuerdo"</button>
            </Show></span>
        </section>
    }
    .into_any()
}

#[component]
fn AgreementCard(ctx: BoardCtx, id: String) -> impl IntoView {
    let item = {
        let id = id.clone();
        Memo::new(move |_| {
            ctx.view
                .with(|v| v.agreements.iter().find(|b| b.id == id).cloned())
        })
    };
    let field = move |f: fn(&crate::board::Agreement) -> String| {
        Signal::derive(move || item.with(|i| i.as_ref().map(f).unwrap_or_default()))
    };
    let mut barrier_options = vec![(String::new(), "—".to_owned())];
    ctx.view.with_untracked(|v| {
        barrier_options.extend(
            v.barriers
                .iter()
                .map(|b| (b.id.clone(), short(&b.description))),
        );
    });
    view! {
        <li class="card" data-kind="agreements" data-id=id.clone()>
            <div class="card-head"><EditingMarkers ctx target=format!("agreements:{id}") /></div>
            <SharedText ctx root=AGREEMENTS id=id.clone() field="statement" label="Acuerdo" multiline=true
                value=field(|a| a.statement.clone()) />
            <div class="fields">
                <CodeSelect ctx root=AGREEMENTS id=id.clone() field="method" label="Decisión por"
                    options=codes(DecisionMethod::ALL, DecisionMethod::code, DecisionMethod::label) value=field(|a| a.method.code().to_owned()) />
                <CodeSelect ctx root=AGREEMENTS id=id.clone() field="barriers" label="Barrera relacionada" options=barrier_options
                    value=field(|a| a.barriers.join(",")) />
                <CodeSelect ctx root=AGREEMENTS id=id.clone() field="agendaItem" label="Punto del orden del día"
                    options=agenda_options(ctx) value=field(|a| a.agenda_item.clone().unwrap_or_default()) />
            </div>
            <div class="card-actions"><RemoveButton ctx root=AGREEMENTS id=id.clone() what="el acuerdo" /></div>
            <StampLine created_by=field(|i| i.stamp.created_by.clone()) updated_by=field(|i| i.stamp.updated_by.clone()) />
        </li>
    }
    .into_any()
}

fn short(text: &str) -> String {
    let one: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let cut: String = one.chars().take(50).collect();
    if cut.is_empty() {
        "(sin descripción)".into()
    } else if cut.len() < one.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

#[component]
fn CommitmentsSection(ctx: BoardCtx) -> impl IntoView {
    let ids = move || {
        ctx.view.with(|v| {
            v.commitments
                .iter()
                .map(|i| i.id.clone())
                .collect::<Vec<_>>()
        })
    };
    let add = move |_| {
        let agreement = ctx
            .view
            .with_untracked(|v| v.agreements.last().map(|a| a.id.clone()))
            .unwrap_or_default();
        ctx.edit(move |txn, author, now| {
            put_record(
                txn,
                COMMITMENTS,
                &new_id(),
                &[
                    ("description", Field::Text(String::new())),
                    ("institutions", Field::Text(String::new())),
                    ("responsible", Field::Text(String::new())),
                    ("due", Field::Text(String::new())),
                    (
                        "status",
                        Field::Text(CommitmentStatus::Pendiente.code().into()),
                    ),
                    ("agreement", Field::Text(agreement)),
                    ("evidence", Field::Text(String::new())),
                ],
                author,
                now,
            );
        });
    };
    view! {
        <section class="panel" aria-labelledby="compromisos" data-section="commitments">
            <h3 id="compromisos">"Compromisos"</h3>
            <ul class="cards">
                <For each=ids key=|id| id.clone() let:id>
                    <CommitmentCard ctx id />
                </For>
            </ul>
            <span class="slot"><Show when=move || ctx.can_edit()>
                <button type="button" class="button" data-add="commitments" on:click=add>"Registrar compromiso"</button>
            </Show></span>
        </section>
    }
    .into_any()
}

#[component]
fn CommitmentCard(ctx: BoardCtx, id: String) -> impl IntoView {
    let item = {
        let id = id.clone();
        Memo::new(move |_| {
            ctx.view
                .with(|v| v.commitments.iter().find(|b| b.id == id).cloned())
        })
    };
    let field = move |f: fn(&crate::board::Commitment) -> String| {
        Signal::derive(move || item.with(|i| i.as_ref().map(f).unwrap_or_default()))
    };
    let light = move || {
        let today = ctx.today();
        item.with(|i| i.as_ref().and_then(|c| c.semaforo(today)))
    };
    let mut agreement_options = vec![(String::new(), "—".to_owned())];
    ctx.view.with_untracked(|v| {
        agreement_options.extend(
            v.agreements
                .iter()
                .map(|a| (a.id.clone(), short(&a.statement))),
        );
    });
    view! {
        <li class="card" data-kind="commitments" data-id=id.clone()>
            <div class="card-head">
                <span class="slot">
                    {move || light().map(|s| view! {
                        <span class=format!("semaforo semaforo--{}", s.code()) data-semaforo=s.code()>{s.label()}</span>
                    })}
                </span>
                <EditingMarkers ctx target=format!("commitments:{id}") />
            </div>
            <SharedText ctx root=COMMITMENTS id=id.clone() field="description" label="Compromiso" multiline=true
                value=field(|c| c.description.clone()) />
            <div class="fields">
                <ValueInput ctx root=COMMITMENTS id=id.clone() field="responsible" label="Responsable (persona)" value=field(|c| c.responsible.clone()) />
                <ValueInput ctx root=COMMITMENTS id=id.clone() field="institutions" label="Institución(es)" value=field(|c| c.institutions.clone()) />
                <ValueInput ctx root=COMMITMENTS id=id.clone() field="due" label="Fecha límite" kind="date"
                    value=field(|c| c.due.map(|d| d.to_string()).unwrap_or_default()) />
                <CodeSelect ctx root=COMMITMENTS id=id.clone() field="status" label="Estado"
                    options=codes(CommitmentStatus::ALL, CommitmentStatus::code, CommitmentStatus::label) value=field(|c| c.status.code().to_owned()) />
                <CodeSelect ctx root=COMMITMENTS id=id.clone() field="agreement" label="Acuerdo de origen" options=agreement_options
                    value=field(|c| c.agreement.clone().unwrap_or_default()) />
            </div>
            <SharedText ctx root=COMMITMENTS id=id.clone() field="evidence" label="Evidencia o avance" value=field(|c| c.evidence.clone()) />
            <div class="card-actions"><RemoveButton ctx root=COMMITMENTS id=id.clone() what="el compromiso" /></div>
            <StampLine created_by=field(|i| i.stamp.created_by.clone()) updated_by=field(|i| i.stamp.updated_by.clone()) />
        </li>
    }
    .into_any()
}

#[component]
fn AttendanceSection(ctx: BoardCtx) -> impl IntoView {
    let ids = move || {
        ctx.view.with(|v| {
            v.attendance
                .iter()
                .map(|i| i.id.clone())
                .collect::<Vec<_>>()
        })
    };
    let add = move |_| {
        ctx.edit(move |txn, author, now| {
            put_record(
                txn,
                ATTENDANCE,
                &new_id(),
                &[
                    ("name", Field::Text(String::new())),
                    ("institution", Field::Text(String::new())),
                    ("sector", Field::Text(String::new())),
                    ("role", Field::Text(AttendanceRole::Titular.code().into())),
                    (
                        "mode",
                        Field::Text(AttendanceMode::Presencial.code().into()),
                    ),
                    ("arrivedAt", Field::Number(now)),
                ],
                author,
                now,
            );
        });
    };
    view! {
        <section class="panel" aria-labelledby="asistencia" data-section="attendance">
            <h3 id="asistencia">"Asistencia"</h3>
            <ul class="cards cards--compact">
                <For each=ids key=|id| id.clone() let:id>
                    <AttendeeCard ctx id />
                </For>
            </ul>
            <span class="slot"><Show when=move || ctx.can_edit()>
                <button type="button" class="button" data-add="attendance" on:click=add>"Registrar asistente en sala"</button>
            </Show></span>
        </section>
    }
    .into_any()
}

#[component]
fn AttendeeCard(ctx: BoardCtx, id: String) -> impl IntoView {
    let item = {
        let id = id.clone();
        Memo::new(move |_| {
            ctx.view
                .with(|v| v.attendance.iter().find(|b| b.id == id).cloned())
        })
    };
    let field = move |f: fn(&crate::board::Attendee) -> String| {
        Signal::derive(move || item.with(|i| i.as_ref().map(f).unwrap_or_default()))
    };
    let arrived = move || {
        item.with(|i| {
            i.as_ref()
                .and_then(|a| DateTime::from_timestamp_millis(a.arrived_at as i64))
                .map(|at| at.with_timezone(&bogota()).format("%H:%M").to_string())
        })
    };
    view! {
        <li class="card" data-kind="attendance" data-id=id.clone()>
            <div class="fields">
                <ValueInput ctx root=ATTENDANCE id=id.clone() field="name" label="Nombre" value=field(|a| a.name.clone()) />
                <ValueInput ctx root=ATTENDANCE id=id.clone() field="institution" label="Institución" value=field(|a| a.institution.clone()) />
                <ValueInput ctx root=ATTENDANCE id=id.clone() field="sector" label="Sector" value=field(|a| a.sector.clone()) />
                <CodeSelect ctx root=ATTENDANCE id=id.clone() field="role" label="Rol"
                    options=codes(AttendanceRole::ALL, AttendanceRole::code, AttendanceRole::label) value=field(|a| a.role.code().to_owned()) />
                <CodeSelect ctx root=ATTENDANCE id=id.clone() field="mode" label="Modalidad"
                    options=codes(AttendanceMode::ALL, AttendanceMode::code, AttendanceMode::label) value=field(|a| a.mode.code().to_owned()) />
            </div>
            <p class="stamp">"Llegó " {arrived}</p>
            <div class="card-actions"><RemoveButton ctx root=ATTENDANCE id=id.clone() what="el registro" /></div>
        </li>
    }
    .into_any()
}

// ---- projector -----------------------------------------------------------------------------

/// The projector: read-only, large type, follows the facilitator's current item, live counts and
/// the newest records.
#[component]
pub fn ProjectorBoard(access: BoardAccess) -> impl IntoView {
    let ctx = BoardCtx::new(&access, access.board.timer_started_at.unwrap_or(0.0), None);
    #[cfg(feature = "hydrate")]
    {
        let sync_path = access.sync_path.clone();
        let session_id = ctx.session_id;
        request_animation_frame(move || {
            ctx.now_ms.set(js_sys::Date::now());
            crate::live::start(ctx, &sync_path, session_id, Box::new(|| {}));
        });
    }
    let view = ctx.view;
    let current = move || {
        view.with(|v| {
            v.current_item
                .as_deref()
                .and_then(|id| v.agenda_item(id))
                .cloned()
        })
    };
    let timer = move || {
        let started = view.with(|v| v.timer_started_at)?;
        let item = current()?;
        let elapsed = ctx.now_ms.get() - started;
        let over = item.minutes > 0 && elapsed > item.minutes as f64 * 60_000.0;
        Some((
            format!("{} / {:02}:00", minutes_seconds(elapsed), item.minutes),
            over,
        ))
    };
    let title = format!(
        "{} · Sesión {}",
        access.detail.mesa.name, access.detail.session.seq
    );
    view! {
        <section class="projector" data-projector data-status=move || ctx.status.get().code()>
            <header class="projector-head">
                <h1>{title}</h1>
                <p class=move || format!("conn conn--{}", ctx.status.get().code()) data-connection>
                    {move || ctx.status.get().label()}
                </p>
            </header>
            <div class="projector-main">
                <article class="projector-current" aria-live="polite" data-current-item>
                    {move || match current() {
                        Some(item) => view! {
                            <p class="eyebrow">"Punto actual"</p>
                            <h2 data-current-title>{item.title.clone()}</h2>
                            {move || timer().map(|(t, over)| view! {
                                <p class=if over { "timer timer--over" } else { "timer" } data-timer>{t}</p>
                            })}
                            <p class="projector-notes">{item.notes.clone()}</p>
                        }.into_any(),
                        None => view! {
                            <p class="eyebrow">"Orden del día"</p>
                            <ol class="projector-agenda">
                                {view.with(|v| v.agenda.iter().map(|i| view! { <li>{i.title.clone()}</li> }).collect_view())}
                            </ol>
                        }.into_any(),
                    }}
                </article>
                <aside class="projector-side">
                    <dl class="counts counts--big">
                        <div><dt>"Barreras"</dt><dd data-count="barriers">{move || view.with(|v| v.barriers.len())}</dd></div>
                        <div><dt>"Acuerdos"</dt><dd data-count="agreements">{move || view.with(|v| v.agreements.len())}</dd></div>
                        <div><dt>"Compromisos"</dt><dd data-count="commitments">{move || view.with(|v| v.commitments.len())}</dd></div>
                        <div><dt>"Asistentes"</dt><dd data-count="attendance">{move || view.with(|v| v.attendance.len())}</dd></div>
                    </dl>
                    <h2 class="eyebrow">"Lo más reciente"</h2>
                    <ul class="newest" data-newest>
                        {move || view.with(|v| v.newest(5)).into_iter().map(|r| view! {
                            <li><strong>{r.kind}</strong> " " {if r.text.is_empty() { "(escribiendo…)".to_owned() } else { r.text }}</li>
                        }).collect_view()}
                    </ul>
                </aside>
            </div>
        </section>
    }
    .into_any()
}

/// Today's semáforo label for a commitment's due date (used by the acta and review pages).
pub fn semaforo_label(light: Option<Semaforo>) -> &'static str {
    light.map_or("—", |s| s.label())
}
