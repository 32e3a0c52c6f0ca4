//! Adding or correcting one asset or team (the same checks as a file's rows, each problem next to
//! its field), and loading a whole file.

use leptos::prelude::*;

use crate::api::register::{SaveAsset, SaveTeam};
use crate::domain::assets::import::RegisterSummary;
use crate::domain::assets::{AssetKind, AssetRow, TeamKind, TeamRow, asset_column, team_column};
use crate::error::AppError;
use crate::pages::common::{FieldError, field_message, general_message};

/// A text field of a form, with its error under it.
#[component]
fn TextField(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    /// The column its problems are reported under.
    column: &'static str,
    value: Signal<String>,
    result: Signal<Option<Result<RegisterSummary, AppError>>>,
    #[prop(optional)] required: bool,
    #[prop(optional)] placeholder: &'static str,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id name=name type="text" required=required placeholder=placeholder
                prop:value=move || value.get() aria-describedby=error_id.clone() autocomplete="off" />
            <FieldError id=error_id message=field_message(result, column) />
        </div>
    }
}

/// A select with its label and the error under it; its options are the children.
#[component]
fn SelectField(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    message: Signal<Option<String>>,
    children: Children,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id name=name aria-describedby=error_id.clone()>{children()}</select>
            <FieldError id=error_id message />
        </div>
    }
}

/// Save (or save the correction), cancel a correction, and what the last submission said.
#[component]
fn Footer(
    add: &'static str,
    correcting: Signal<bool>,
    cancel: impl Fn() + Copy + Send + Sync + 'static,
    pending: Signal<bool>,
    result: Signal<Option<Result<RegisterSummary, AppError>>>,
    fields: &'static [&'static str],
) -> impl IntoView {
    view! {
        <div class="actions">
            <button type="submit" class="button" disabled=move || pending.get()>
                {move || if correcting.get() { "Guardar corrección" } else { add }}
            </button>
            {move || correcting.get().then(|| view! {
                <button type="button" class="button button--quiet" on:click=move |_| cancel()>"Cancelar"</button>
            })}
        </div>
        <p class="form-status" role="status">{saved_message(result)}</p>
        <p class="form-alert" role="alert">{move || general_message(result, fields).get()}</p>
    }
}

fn saved_message(
    result: Signal<Option<Result<RegisterSummary, AppError>>>,
) -> Signal<Option<String>> {
    Signal::derive(move || {
        result
            .get()
            .and_then(|r| r.ok())
            .map(|s| format!("Guardado: {}.", s.describe()))
    })
}

#[component]
pub fn AssetForm(
    localidades: Vec<(String, String)>,
    correcting: RwSignal<Option<AssetRow>>,
    action: ServerAction<SaveAsset>,
) -> impl IntoView {
    use asset_column as col;
    let result: Signal<Option<Result<RegisterSummary, AppError>>> = action.value().into();
    let of = move |read: fn(&AssetRow) -> String| {
        Signal::derive(move || correcting.with(|c| c.as_ref().map(read).unwrap_or_default()))
    };
    let kind = of(|r| r.asset.kind.code().to_owned());
    let localidad = of(|r| r.asset.localidad.clone());
    let single = localidades.len() == 1;
    let localidad_options = localidades
        .into_iter()
        .map(|(code, name)| {
            let wanted = code.clone();
            view! { <option value=code.clone() selected=move || localidad.get() == wanted>{format!("{code} · {name}")}</option> }
        })
        .collect_view();
    let kind_options = AssetKind::ALL
        .iter()
        .map(|k| {
            let code = k.code();
            view! { <option value=code selected=move || kind.get() == code>{k.label()}</option> }
        })
        .collect_view();
    let heading = move || {
        correcting.with(|c| match c {
            Some(row) => format!("Corregir «{}»", row.asset.name),
            None => "Registrar un activo".to_owned(),
        })
    };
    view! {
        <section class="panel" aria-labelledby="form-activo-titulo" id="form-activo">
            <h2 id="form-activo-titulo">{heading}</h2>
            <ActionForm action attr:class="form" attr:data-form="activo">
                <input type="hidden" name="code" prop:value=of(|r| r.asset.code.clone()) />
                <TextField id="activo-nombre" name="name" label="Nombre" column=col::NAME value=of(|r| r.asset.name.clone()) result required=true />
                <SelectField id="activo-tipo" name="kind" label="Tipo" message=field_message(result, col::KIND)>
                    {kind_options}
                </SelectField>
                <TextField id="activo-oferta" name="offer" label="Qué ofrece" column=col::OFFER value=of(|r| r.asset.offer.clone()) result
                    placeholder="Ej.: salón para jornadas, convocatoria, transporte" />
                <div class="fields">
                    <SelectField id="activo-localidad" name="localidad" label="Localidad" message=field_message(result, col::LOCALIDAD)>
                        {(!single).then(|| view! { <option value="">"Elija…"</option> })}
                        {localidad_options}
                    </SelectField>
                    <TextField id="activo-upz" name="upz" label="UPZ (opcional)" column=col::UPZ value=of(|r| r.asset.upz.clone().unwrap_or_default()) result placeholder="UPZ85" />
                    <TextField id="activo-lat" name="lat" label="Latitud (opcional)" column=col::LAT
                        value=of(|r| r.asset.point.map(|p| p.lat.to_string()).unwrap_or_default()) result placeholder="4.6183" />
                    <TextField id="activo-lon" name="lon" label="Longitud (opcional)" column=col::LON
                        value=of(|r| r.asset.point.map(|p| p.lon.to_string()).unwrap_or_default()) result placeholder="-74.1901" />
                </div>
                <TextField id="activo-contacto" name="contact" label="Contacto institucional (no personal)" column=col::CONTACT
                    value=of(|r| r.asset.contact.clone()) result placeholder="Correo o teléfono de la oficina" />
                <FieldError id="activo-codigo-error" message=field_message(result, col::CODE) />
                <Footer add="Registrar activo" correcting=Signal::derive(move || correcting.with(Option::is_some))
                    cancel=move || correcting.set(None) pending=action.pending().into() result
                    fields=&[col::NAME, col::KIND, col::OFFER, col::LOCALIDAD, col::UPZ, col::LAT, col::LON, col::CONTACT, col::CODE] />
            </ActionForm>
        </section>
    }
}

#[component]
pub fn TeamForm(
    correcting: RwSignal<Option<TeamRow>>,
    action: ServerAction<SaveTeam>,
) -> impl IntoView {
    use team_column as col;
    let result: Signal<Option<Result<RegisterSummary, AppError>>> = action.value().into();
    let of = move |read: fn(&TeamRow) -> String| {
        Signal::derive(move || correcting.with(|c| c.as_ref().map(read).unwrap_or_default()))
    };
    let kind = of(|r| r.team.kind.code().to_owned());
    let kind_options = TeamKind::ALL
        .iter()
        .map(|k| {
            let code = k.code();
            view! { <option value=code selected=move || kind.get() == code>{k.label()}</option> }
        })
        .collect_view();
    let heading = move || {
        correcting.with(|c| match c {
            Some(row) => format!("Corregir «{}»", row.team.name),
            None => "Registrar un equipo".to_owned(),
        })
    };
    view! {
        <section class="panel" aria-labelledby="form-equipo-titulo" id="form-equipo">
            <h2 id="form-equipo-titulo">{heading}</h2>
            <ActionForm action attr:class="form" attr:data-form="equipo">
                <input type="hidden" name="code" prop:value=of(|r| r.team.code.clone()) />
                <TextField id="equipo-nombre" name="name" label="Nombre" column=col::NAME value=of(|r| r.team.name.clone()) result required=true />
                <SelectField id="equipo-tipo" name="kind" label="Tipo de equipo" message=field_message(result, col::KIND)>
                    {kind_options}
                </SelectField>
                <TextField id="equipo-institucion" name="institution" label="Institución" column=col::INSTITUTION
                    value=of(|r| r.team.institution.clone()) result required=true placeholder="Ej.: Subred Sur Occidente" />
                <TextField id="equipo-cobertura" name="coverage" label="Cobertura (localidades o UPZ, separadas por «;»)" column=col::COVERAGE
                    value=of(|r| r.team.coverage.join("; ")) result required=true placeholder="07; UPZ85" />
                <TextField id="equipo-contacto" name="contact" label="Contacto institucional (no personal)" column=col::CONTACT
                    value=of(|r| r.team.contact.clone()) result />
                <FieldError id="equipo-codigo-error" message=field_message(result, col::CODE) />
                <Footer add="Registrar equipo" correcting=Signal::derive(move || correcting.with(Option::is_some))
                    cancel=move || correcting.set(None) pending=action.pending().into() result
                    fields=&[col::NAME, col::KIND, col::INSTITUTION, col::COVERAGE, col::CONTACT, col::CODE] />
            </ActionForm>
        </section>
    }
}

#[component]
pub fn UploadForm() -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="cargar-titulo" id="cargar" data-upload>
            <h2 id="cargar-titulo">"Cargar un archivo"</h2>
            <p>
                "CSV o XLSX con activos (columna «tipo») o equipos (columna «cobertura»); un XLSX puede traer ambas hojas. Sala revisa el archivo entero con las mismas reglas del formulario: si una fila tiene un problema no se guarda nada y se indica la línea y la columna. Cargar de nuevo el mismo archivo no cambia nada."
            </p>
            <p class="actions">
                <a href="/activos/archivos/plantilla-activos.csv" download>"Plantilla de activos (CSV)"</a>
                <a href="/activos/archivos/plantilla-equipos.csv" download>"Plantilla de equipos (CSV)"</a>
            </p>
            <form class="form form--row" method="post" action="/activos/importar" enctype="multipart/form-data" data-form="cargar-activos">
                <label class="field" for="archivo-activos"><span>"Archivo (CSV, XLSX)"</span>
                    <input id="archivo-activos" name="archivo" type="file" required
                        accept=".csv,.txt,.xlsx,.xls,.ods,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" />
                </label>
                <button type="submit" class="button">"Cargar archivo"</button>
            </form>
        </section>
    }
}
