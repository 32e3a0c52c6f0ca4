//! Evidence files on a commitment's card and on a follow-up review: the list (each downloads as
//! an attachment), *Adjuntar evidencia* while the board is open, and *Retirar* for a file
//! attached by mistake. The files live on the server; the list is read again whenever the
//! session's event stream says it changed.

use leptos::prelude::*;

use super::events::SessionEvents;
use crate::api::evidence::{fetch_evidence, remove_evidence};
use crate::domain::board::evidence::Evidence;

/// The session's files as this page last read them.
#[derive(Clone, Copy)]
pub struct EvidenceCtx {
    pub session: i64,
    pub files: RwSignal<Vec<Evidence>>,
    /// The last refusal, beside the record it was for.
    pub error: RwSignal<Option<(String, String)>>,
    pub sending: RwSignal<Option<String>>,
}

impl EvidenceCtx {
    pub fn provide(session: i64) -> Self {
        let ctx = Self {
            session,
            files: RwSignal::new(Vec::new()),
            error: RwSignal::new(None),
            sending: RwSignal::new(None),
        };
        provide_context(ctx);
        let events = use_context::<SessionEvents>();
        // Effects run in the browser only, first once hydrated.
        Effect::new(move |_| {
            if let Some(events) = events {
                events.evidence.track();
            }
            ctx.reload();
        });
        ctx
    }

    fn reload(self) {
        leptos::task::spawn_local(async move {
            if let Ok(files) = fetch_evidence(self.session).await {
                self.files.set(files);
            }
        });
    }
}

/// The files of one record, and the controls to attach and remove them.
#[component]
pub fn EvidenceList(root: &'static str, record: String, can_edit: Signal<bool>) -> impl IntoView {
    let Some(evidence) = use_context::<EvidenceCtx>() else {
        return ().into_any();
    };
    let mine = {
        let record = record.clone();
        move || {
            evidence.files.with(|f| {
                f.iter()
                    .filter(|e| e.is_on(root, &record))
                    .cloned()
                    .collect::<Vec<_>>()
            })
        }
    };
    let error = {
        let record = record.clone();
        move || {
            evidence.error.with(|e| {
                e.as_ref()
                    .filter(|(r, _)| *r == record)
                    .map(|(_, m)| m.clone())
            })
        }
    };
    let sending = {
        let record = record.clone();
        move || {
            evidence
                .sending
                .with(|s| s.as_deref() == Some(record.as_str()))
        }
    };
    let input_id = format!("evidencia-{root}-{record}");
    let on_pick = {
        let record = record.clone();
        move |ev: leptos::ev::Event| {
            #[cfg(feature = "hydrate")]
            {
                use wasm_bindgen::JsCast;
                let Some(input) = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                else {
                    return;
                };
                let Some(file) = input.files().and_then(|files| files.get(0)) else {
                    return;
                };
                input.set_value("");
                attach(evidence, root, record.clone(), file);
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = (&ev, &record);
        }
    };
    let on_record = record.clone();
    let remove = move |id: i64| {
        let on_record = on_record.clone();
        leptos::task::spawn_local(async move {
            if let Err(error) = remove_evidence(evidence.session, id).await {
                evidence.error.set(Some((on_record, error.to_string())));
            }
            evidence.reload();
        });
    };
    view! {
        <div class="evidence" data-evidence-for=record.clone()>
            <ul class="evidence__list">
                {move || mine().into_iter().map(|file| {
                    let id = file.id;
                    let remove = remove.clone();
                    view! {
                        <li data-evidence=id.to_string()>
                            <a href=file.href() download=file.file_name.clone()>{file.file_name.clone()}</a>
                            <span class="hint">{format!(" · {} · {} · {}", file.type_label, file.size_label(), file.uploaded_by)}</span>
                            <span class="slot"><Show when=move || can_edit.get()>
                                <button type="button" class="button button--quiet" data-action="retirar-evidencia"
                                    on:click={
                                        let remove = remove.clone();
                                        move |_| remove(id)
                                    }>"Retirar"</button>
                            </Show></span>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <span class="slot"><Show when=move || can_edit.get()>
                <label class="evidence__pick" for=input_id.clone()>
                    <span class="button button--quiet">"Adjuntar evidencia"</span>
                    <span class="hint">" PDF, foto o documento de oficina"</span>
                </label>
                <input id=input_id.clone() class="visually-hidden" type="file" data-field="evidence-file"
                    accept=".pdf,image/*,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp"
                    on:change=on_pick.clone() />
            </Show></span>
            {move || sending().then(|| view! { <p class="form-status" role="status">"Enviando el archivo…"</p> })}
            {move || error().map(|m| view! { <p class="form-alert" role="alert" data-evidence-error>{m}</p> })}
        </div>
    }
    .into_any()
}

/// Sends the file as the request's body; the server's refusal (in Spanish) stays beside the
/// record.
#[cfg(feature = "hydrate")]
fn attach(evidence: EvidenceCtx, root: &'static str, record: String, file: web_sys::File) {
    evidence.sending.set(Some(record.clone()));
    evidence.error.set(None);
    leptos::task::spawn_local(async move {
        let outcome = send(evidence.session, root, &record, &file).await;
        evidence.sending.set(None);
        if let Err(message) = outcome {
            evidence.error.set(Some((record, message)));
        }
        evidence.reload();
    });
}

#[cfg(feature = "hydrate")]
async fn send(session: i64, root: &str, record: &str, file: &web_sys::File) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let failed =
        || "No se pudo enviar el archivo: revise la conexión e intente de nuevo.".to_owned();
    let encode = |text: &str| String::from(js_sys::encode_uri_component(text));
    let url = format!(
        "/sesiones/{session}/evidencias?registro={root}&id={}&archivo={}",
        encode(record),
        encode(&file.name())
    );
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(file);
    let window = web_sys::window().ok_or_else(failed)?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(&url, &init))
        .await
        .map_err(|_| failed())?
        .dyn_into()
        .map_err(|_| failed())?;
    if response.ok() {
        return Ok(());
    }
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    let message = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_owned));
    Err(message.unwrap_or_else(failed))
}
