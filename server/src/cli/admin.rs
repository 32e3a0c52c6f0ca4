//! `sala admin …`: people from the shell (the first administrator, a lost password, scripts), and
//! the first start of an empty database.

use std::io::Write;

use anyhow::{Context, Result};
use app::domain::identity::{AccountRequest, MesaRole};
use clap::{Args, Subcommand};

use super::DataArgs;
use crate::identity::{Identity, IdentityConfig};
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Crea una cuenta e imprime el enlace (válido 24 h, de un solo uso) para establecer su
    /// contraseña.
    Create(CreateArgs),
    /// Imprime un enlace nuevo para que la persona establezca otra contraseña.
    ResetLink(PersonArgs),
    /// Asigna (o con --role ninguno, quita) el rol de una persona en una Mesa.
    Grant(GrantArgs),
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    #[arg(long)]
    pub email: String,
    #[arg(long)]
    pub name: String,
    #[arg(long, default_value = "")]
    pub institution: String,
    #[arg(long, default_value = "")]
    pub sector: String,
    /// Administración distrital (personas, Mesas y roles).
    #[arg(long)]
    pub admin: bool,
    /// Mesa en la que tendrá un rol (con --role).
    #[arg(long, requires = "role")]
    pub mesa: Option<String>,
    /// coordinador, integrante u observador.
    #[arg(long)]
    pub role: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct PersonArgs {
    #[arg(long)]
    pub email: String,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct GrantArgs {
    #[arg(long)]
    pub email: String,
    #[arg(long)]
    pub mesa: String,
    /// coordinador, integrante, observador o ninguno.
    #[arg(long)]
    pub role: String,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct Common {
    /// Dirección con la que empiezan los enlaces impresos.
    #[arg(long, env = "SALA_PUBLIC_URL", default_value = "http://127.0.0.1:3000")]
    pub public_url: String,
    #[command(flatten)]
    pub data: DataArgs,
}

fn parse_role(code: &str) -> Result<Option<MesaRole>> {
    match code.trim() {
        "ninguno" | "" => Ok(None),
        code => MesaRole::parse(code).map(Some).with_context(|| {
            format!("rol desconocido «{code}»: use coordinador, integrante, observador o ninguno")
        }),
    }
}

async fn identity_of(common: &Common) -> Result<(Store, Identity)> {
    let store = common.data.open_store().await?;
    let identity = Identity::new(
        store.clone(),
        common.data.signer()?,
        IdentityConfig::default(),
    );
    Ok((store, identity))
}

pub(super) async fn run(command: AdminCommand) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match command {
        AdminCommand::Create(args) => {
            let role = args.role.as_deref().map(parse_role).transpose()?.flatten();
            let (store, identity) = identity_of(&args.common).await?;
            let request = AccountRequest {
                email: args.email,
                name: args.name,
                institution: args.institution,
                sector: args.sector,
                phone: String::new(),
            };
            let new = request.validate().map_err(|e| anyhow::anyhow!("{e}"))?;
            let account = identity.create_account(&new, args.admin).await?;
            if let (Some(mesa), Some(role)) = (&args.mesa, role) {
                store.grant_role(account.id, mesa, role).await?;
            }
            let path = identity.setup_path(account.id).await?;
            store
                .audit(
                    "cli",
                    "persona creada",
                    &account.email,
                    &account.name,
                    chrono::Utc::now(),
                )
                .await?;
            writeln!(
                out,
                "Cuenta creada para {} <{}>.",
                account.name, account.email
            )?;
            writeln!(
                out,
                "Enlace para establecer la contraseña (24 h, un solo uso):"
            )?;
            writeln!(
                out,
                "{}{path}",
                args.common.public_url.trim_end_matches('/')
            )?;
            store.close().await;
        }
        AdminCommand::ResetLink(args) => {
            let (store, identity) = identity_of(&args.common).await?;
            let stored = store
                .account_by_email(&args.email)
                .await?
                .with_context(|| format!("no hay ninguna cuenta con el correo {}", args.email))?;
            let path = identity.setup_path(stored.account.id).await?;
            store
                .audit(
                    "cli",
                    "enlace de contraseña generado",
                    &stored.account.email,
                    "",
                    chrono::Utc::now(),
                )
                .await?;
            writeln!(
                out,
                "Enlace para {} (24 h, un solo uso):",
                stored.account.email
            )?;
            writeln!(
                out,
                "{}{path}",
                args.common.public_url.trim_end_matches('/')
            )?;
            store.close().await;
        }
        AdminCommand::Grant(args) => {
            let role = parse_role(&args.role)?;
            let (store, _) = identity_of(&args.common).await?;
            let stored = store
                .account_by_email(&args.email)
                .await?
                .with_context(|| format!("no hay ninguna cuenta con el correo {}", args.email))?;
            let account = match role {
                Some(role) => {
                    store
                        .grant_role(stored.account.id, &args.mesa, role)
                        .await?
                }
                None => store.revoke_role(stored.account.id, &args.mesa).await?,
            };
            store
                .audit(
                    "cli",
                    "rol asignado",
                    &format!("{} en {}", account.email, args.mesa),
                    role.map_or("sin rol", MesaRole::code),
                    chrono::Utc::now(),
                )
                .await?;
            writeln!(
                out,
                "{}: {}",
                account.email,
                role.map_or("sin rol", MesaRole::label)
            )?;
            store.close().await;
        }
    }
    Ok(())
}

/// On a database without accounts, creates the district administrator and prints a one-time
/// setup link: there is no default password anywhere.
pub(super) async fn first_start(
    identity: &Identity,
    store: &Store,
    email: &str,
    base: &str,
) -> Result<()> {
    if store.count_accounts().await? > 0 {
        return Ok(());
    }
    let request = AccountRequest {
        email: email.to_owned(),
        name: "Administración de Sala".into(),
        ..Default::default()
    };
    let new = request
        .validate()
        .map_err(|e| anyhow::anyhow!("SALA_ADMIN_EMAIL: {e}"))?;
    let account = match identity.create_account(&new, true).await {
        Ok(account) => account,
        // Several servers starting at once on one new database: another one created it (and
        // printed its link).
        Err(crate::store::StoreError::DuplicateEmail(_)) => return Ok(()),
        Err(error) => return Err(error.into()),
    };
    let path = identity.setup_path(account.id).await?;
    store
        .audit(
            "primer arranque",
            "administrador creado",
            &account.email,
            "",
            chrono::Utc::now(),
        )
        .await?;
    let link = format!("{}{path}", base.trim_end_matches('/'));
    tracing::info!(email = %account.email, "first start: district administrator created");
    // On the console, not in the structured log: the link is a credential.
    eprintln!(
        "\n  Primer arranque: se creó la cuenta de administración {}.\n  Abra este enlace (válido 24 h, un solo uso) para establecer su contraseña:\n\n    {link}\n",
        account.email
    );
    Ok(())
}
