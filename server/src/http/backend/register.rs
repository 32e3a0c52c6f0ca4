//! The register of social assets and territorial teams through the UI's port: reads for anyone
//! Sala knows (contacts for signed-in people only), writes for the coordination of every
//! localidad an entry is in (`Act::ManageAssets`), and a file all at once or not at all.

use app::domain::assets::import::{
    RegisterImport, RegisterOutcome, RegisterPlan, RegisterSummary, plan_register,
};
use app::domain::assets::{
    Asset, AssetDraft, AssetNames, AssetRow, EntryProblem, RegisterView, Team, TeamDraft, TeamRow,
    asset_choice,
};
use app::domain::board::BoardView;
use app::domain::policy::{self, Act, Target};
use app::domain::sheet::RowError;
use app::domain::{
    DISTRICT_MESA_CODE, FieldErrors, Territory, TerritoryIndex, TerritoryLevel, local_mesa_code,
};
use app::error::AppError;
use app::ssr::{Register, RequestContext};
use async_trait::async_trait;
use chrono::Utc;

use super::StoreBackend;
use super::access::{place_of, require};
use crate::sheets::read_sheets;

/// The district first, then the zonas, then the localidades by code.
fn territory_choices(index: &TerritoryIndex) -> Vec<(String, String)> {
    let mut all: Vec<&Territory> = index
        .all()
        .filter(|t| t.level != TerritoryLevel::Upz)
        .collect();
    all.sort_by_key(|t| (std::cmp::Reverse(t.level.rank()), t.code.clone()));
    all.into_iter()
        .map(|t| (t.code.clone(), t.name.clone()))
        .collect()
}

fn fields_of(problems: Vec<EntryProblem>) -> AppError {
    let mut fields = FieldErrors::default();
    for p in problems {
        fields.add(&p.column, p.reason);
    }
    AppError::Fields(fields)
}

impl StoreBackend {
    /// The register's names of the assets a board names.
    pub(crate) async fn asset_names(&self, board: &BoardView) -> Result<AssetNames, AppError> {
        let codes = AssetNames::codes_on(board);
        let mut names = AssetNames::default();
        if codes.is_empty() {
            return Ok(names);
        }
        for asset in self.store.assets().await? {
            if codes.contains(&asset.code) {
                names.0.insert(asset.code, asset.name);
            }
        }
        Ok(names)
    }

    /// Open dashboards and situation rooms list the register: they load it again.
    fn register_changed(&self) {
        self.projections
            .announce(crate::projection::Changed::everywhere());
    }

    /// Whether the actor may write entries of every given localidad.
    async fn manages_all(
        &self,
        cx: &RequestContext,
        localidades: &[String],
    ) -> Result<Option<String>, AppError> {
        for localidad in localidades {
            let place = place_of(&self.store, &local_mesa_code(localidad)).await?;
            if !policy::allowed(&cx.actor, Act::ManageAssets, &place.mesa()) {
                return Ok(Some(localidad.clone()));
            }
        }
        Ok(None)
    }

    async fn require_manages(
        &self,
        cx: &RequestContext,
        localidades: &[String],
    ) -> Result<(), AppError> {
        if cx.actor.is_anonymous() {
            return require(cx, Act::ManageAssets, &Target::District);
        }
        match self.manages_all(cx, localidades).await? {
            None => Ok(()),
            Some(localidad) => {
                let name = self
                    .imports
                    .territories()
                    .get(&localidad)
                    .map_or(localidad.clone(), |t| t.name.clone());
                Err(AppError::Forbidden(format!(
                    "No tiene permiso para registrar activos o equipos de {name} ({localidad}): lo hace la coordinación de su Mesa Local, de su zona o del distrito. Nada se guardó."
                )))
            }
        }
    }

    fn territory(&self, code: &str) -> Result<Territory, AppError> {
        let code = if code.trim().is_empty() {
            DISTRICT_MESA_CODE
        } else {
            code.trim()
        };
        self.imports
            .territories()
            .resolve(code)
            .cloned()
            .map_err(|reason| {
                AppError::NotFound(format!("No se encontró el territorio: {reason}."))
            })
    }
}

#[async_trait]
impl Register for StoreBackend {
    async fn register(
        &self,
        cx: &RequestContext,
        territory: String,
    ) -> Result<RegisterView, AppError> {
        require(cx, Act::ReadIndicators, &Target::District)?;
        let index = self.imports.territories();
        let territory = self.territory(&territory)?;
        if territory.level == TerritoryLevel::Upz {
            return Err(AppError::NotFound(
                "El registro se consulta por localidad, zona o distrito.".into(),
            ));
        }
        let localidades = index.localidad_codes(&territory);
        let shows_contacts = policy::allowed(&cx.actor, Act::SeeAssetContacts, &Target::District);
        let hide = |contact: String| {
            if shows_contacts {
                contact
            } else {
                String::new()
            }
        };
        let name_of = |code: &str| index.get(code).map_or(code.to_owned(), |t| t.name.clone());
        let assets = self
            .store
            .assets()
            .await?
            .into_iter()
            .filter(|a| localidades.contains(&a.localidad))
            .map(|asset| AssetRow {
                localidad_name: name_of(&asset.localidad),
                upz_name: asset.upz.as_deref().map(name_of),
                asset: Asset {
                    contact: hide(asset.contact.clone()),
                    ..asset
                },
            })
            .collect();
        let teams = self
            .store
            .teams()
            .await?
            .into_iter()
            .filter(|t| t.localidades(index).iter().any(|l| localidades.contains(l)))
            .map(|team| TeamRow {
                coverage_names: team
                    .coverage
                    .iter()
                    .map(|code| match index.get(code) {
                        Some(t) if t.level == TerritoryLevel::Upz => format!(
                            "UPZ {} ({})",
                            t.name,
                            t.localidad.as_deref().map(name_of).unwrap_or_default()
                        ),
                        Some(t) => t.name.clone(),
                        None => code.clone(),
                    })
                    .collect(),
                team: Team {
                    contact: hide(team.contact.clone()),
                    ..team
                },
            })
            .collect();
        let place = place_of(&self.store, &territory.mesa_code()).await?;
        Ok(RegisterView {
            territory: territory.code.clone(),
            territory_name: territory.name.clone(),
            assets,
            teams,
            can_manage: policy::allowed(&cx.actor, Act::ManageAssets, &place.mesa()),
            shows_contacts,
            choices: territory_choices(index),
            localidades: localidades
                .iter()
                .map(|code| (code.clone(), name_of(code)))
                .collect(),
        })
    }

    async fn save_asset(
        &self,
        cx: &RequestContext,
        draft: AssetDraft,
    ) -> Result<RegisterSummary, AppError> {
        require(cx, Act::ReadIndicators, &Target::District)?;
        let asset = draft.check(self.imports.territories()).map_err(fields_of)?;
        self.require_manages(cx, std::slice::from_ref(&asset.localidad))
            .await?;
        // A correction that moves an asset must be allowed where it was too.
        if let Some(before) = self.store.asset(&asset.code).await? {
            self.require_manages(cx, &[before.localidad]).await?;
        }
        let by = super::super::uploads::uploader(cx);
        let summary = self
            .store
            .save_register(std::slice::from_ref(&asset), &[], &by, Utc::now())
            .await?;
        self.audit(cx, "activo.guardar", &asset.code, &asset.name)
            .await;
        Ok(summary)
    }

    async fn save_team(
        &self,
        cx: &RequestContext,
        draft: TeamDraft,
    ) -> Result<RegisterSummary, AppError> {
        require(cx, Act::ReadIndicators, &Target::District)?;
        let index = self.imports.territories();
        let team = draft.check(index).map_err(fields_of)?;
        self.require_manages(cx, &team.localidades(index)).await?;
        if let Some(before) = self.store.team(&team.code).await? {
            self.require_manages(cx, &before.localidades(index)).await?;
        }
        let by = super::super::uploads::uploader(cx);
        let summary = self
            .store
            .save_register(&[], std::slice::from_ref(&team), &by, Utc::now())
            .await?;
        self.audit(cx, "equipo.guardar", &team.code, &team.name)
            .await;
        Ok(summary)
    }

    async fn remove_asset(&self, cx: &RequestContext, code: String) -> Result<(), AppError> {
        require(cx, Act::ReadIndicators, &Target::District)?;
        let asset = self
            .store
            .asset(&code)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("No existe el activo «{code}».")))?;
        self.require_manages(cx, &[asset.localidad]).await?;
        self.store.remove_asset(&code).await?;
        self.audit(cx, "activo.retirar", &code, &asset.name).await;
        self.register_changed();
        Ok(())
    }

    async fn remove_team(&self, cx: &RequestContext, code: String) -> Result<(), AppError> {
        require(cx, Act::ReadIndicators, &Target::District)?;
        let team = self
            .store
            .team(&code)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("No existe el equipo «{code}».")))?;
        self.require_manages(cx, &team.localidades(self.imports.territories()))
            .await?;
        self.store.remove_team(&code).await?;
        self.audit(cx, "equipo.retirar", &code, &team.name).await;
        self.register_changed();
        Ok(())
    }

    async fn import_register_file(
        &self,
        cx: &RequestContext,
        file_name: String,
        data: Vec<u8>,
    ) -> Result<i64, AppError> {
        require(cx, Act::ReadIndicators, &Target::District)?;
        let index = self.imports.territories_shared();
        let name = file_name.clone();
        let plan = tokio::task::spawn_blocking(move || match read_sheets(&name, &data) {
            Ok(sheets) => plan_register(&sheets, &index),
            Err(error) => unreadable(&name, error.to_string()),
        })
        .await
        .map_err(|e| AppError::Internal(format!("la lectura del archivo se interrumpió: {e}")))?;
        let by = super::super::uploads::uploader(cx);
        let outcome = if plan.errors.is_empty() {
            let localidades = plan.localidades(self.imports.territories());
            self.require_manages(cx, &localidades).await?;
            let summary = self
                .store
                .save_register(&plan.assets, &plan.teams, &by, Utc::now())
                .await?;
            self.audit(cx, "registro.importar", &file_name, &summary.describe())
                .await;
            self.register_changed();
            RegisterOutcome::Saved(summary)
        } else {
            RegisterOutcome::Refused(plan.errors)
        };
        Ok(self
            .store
            .record_register_import(&file_name, &by, &outcome, Utc::now())
            .await?)
    }

    async fn register_import(
        &self,
        cx: &RequestContext,
        id: i64,
    ) -> Result<RegisterImport, AppError> {
        require(cx, Act::ReadIndicators, &Target::District)?;
        self.store
            .register_import(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("No existe la carga {id}.")))
    }

    async fn asset_choices(
        &self,
        cx: &RequestContext,
        mesa: String,
    ) -> Result<Vec<(String, String)>, AppError> {
        require(cx, Act::ReadIndicators, &Target::District)?;
        let index = self.imports.territories();
        let Some(territory) = index.of_mesa(&mesa).cloned() else {
            return Ok(Vec::new());
        };
        let localidades = index.localidad_codes(&territory);
        Ok(self
            .store
            .assets()
            .await?
            .iter()
            .filter(|a| localidades.contains(&a.localidad))
            .map(asset_choice)
            .collect())
    }
}

/// A file's problems as the upload's result shows them when the file cannot be read at all.
fn unreadable(file_name: &str, reason: String) -> RegisterPlan {
    RegisterPlan {
        errors: vec![RowError {
            sheet: file_name.to_owned(),
            line: 0,
            column: None,
            reason,
        }],
        ..RegisterPlan::default()
    }
}
