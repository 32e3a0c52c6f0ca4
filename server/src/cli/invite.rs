//! `sala invite`: a signed invitation to one session's board (by id, or by the Mesa and its number
//! in the series), or a Mesa-wide one for deciding its escalations from the Mesa page.

use std::io::Write;

use anyhow::Result;
use app::domain::{Session, format_bogota};
use chrono::Utc;
use clap::Args;

use super::{DataArgs, OutputFormat};
use crate::auth::{Claims, Role, new_nonce, parse_ttl};

#[derive(Debug, Args)]
pub struct InviteArgs {
    /// Id de la sesión (ver `sala session list`).
    #[arg(long, conflicts_with_all = ["mesa", "seq"], required_unless_present = "mesa")]
    pub session: Option<i64>,
    /// Código de la Mesa (ej.: zona-sur). Con --seq, invita a esa sesión de la Mesa; sin --seq, es
    /// una invitación de la Mesa para decidir desde su página los escalamientos que recibe.
    #[arg(long)]
    pub mesa: Option<String>,
    /// Número de la sesión en la serie de la Mesa («Sesión 1» → 1).
    #[arg(long, requires = "mesa")]
    pub seq: Option<i64>,
    /// Rol en el tablero: coordinador y participante editan; observador (proyector, revisión) solo lee.
    #[arg(long, value_enum)]
    pub role: Role,
    /// Nombre de la persona invitada (opcional).
    #[arg(long)]
    pub name: Option<String>,
    /// Vigencia: 30m, 12h, 2d…
    #[arg(long, default_value = "12h")]
    pub ttl: String,
    /// URL pública de Sala, para armar los enlaces.
    #[arg(long, env = "SALA_PUBLIC_URL", default_value = "http://127.0.0.1:3000")]
    pub public_url: String,
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, serde::Serialize)]
struct Invitation {
    url: String,
    token: String,
    session: i64,
    role: Role,
    expires_at: String,
    sync_url: String,
}

/// Where an invitation leads: one session, or a Mesa's page.
enum InviteTarget {
    Session(Session),
    Mesa(String),
}

pub(super) async fn invite(args: InviteArgs) -> Result<()> {
    let ttl = parse_ttl(&args.ttl).map_err(anyhow::Error::msg)?;
    let store = args.data.open_store().await?;
    let target = match (args.session, &args.mesa, args.seq) {
        (Some(id), _, _) => InviteTarget::Session(store.get_session(id).await?),
        (None, Some(mesa), Some(seq)) => {
            let found = store
                .list_sessions(Some(mesa))
                .await?
                .into_iter()
                .find(|s| s.seq == seq);
            InviteTarget::Session(found.ok_or_else(|| {
                anyhow::anyhow!(
                    "La {mesa} no tiene sesión {seq}: vea `sala session list --mesa {mesa}`."
                )
            })?)
        }
        (None, Some(mesa), None) => InviteTarget::Mesa(store.get_mesa(mesa).await?.code),
        (None, None, _) => {
            anyhow::bail!("Indique --session ID, o --mesa CÓDIGO con o sin --seq N.")
        }
    };
    let signer = args.data.signer()?;
    let expires = Utc::now() + chrono::Duration::seconds(ttl);
    let (session_id, mesa) = match &target {
        InviteTarget::Session(session) => (session.id, None),
        InviteTarget::Mesa(code) => (0, Some(code.clone())),
    };
    let claims = Claims {
        session: session_id,
        role: args.role,
        exp: expires.timestamp(),
        nonce: new_nonce(),
        name: args.name.filter(|n| !n.trim().is_empty()),
        mesa,
    };
    let token = signer.sign(&claims);
    // Recorded like the links made from the session page, so its coordination sees and can
    // revoke it.
    let (row_session, row_mesa) = match &target {
        InviteTarget::Session(session) => (Some(session.id), session.mesa_code.clone()),
        InviteTarget::Mesa(code) => (None, code.clone()),
    };
    store
        .record_invitation(
            &crate::store::NewInvitation {
                nonce: &claims.nonce,
                session: row_session,
                mesa: &row_mesa,
                role: args.role.board_role(),
                name: claims.name.as_deref(),
                expires_at: claims.exp,
                created_by: "cli",
            },
            Utc::now(),
        )
        .await?;
    store.close().await;
    let base = args.public_url.trim_end_matches('/');
    let ws_base = if let Some(rest) = base.strip_prefix("https://") {
        format!("wss://{rest}")
    } else {
        format!("ws://{}", base.strip_prefix("http://").unwrap_or(base))
    };
    let (url, sync_url, what) = match &target {
        InviteTarget::Session(session) => (
            format!("{base}/sesiones/{}?token={token}", session.id),
            format!("{ws_base}/sync/{}?token={token}", session.id),
            format!(
                "a la sesión {} de la {} (id {})",
                session.seq, session.mesa_code, session.id
            ),
        ),
        InviteTarget::Mesa(code) => (
            format!("{base}/mesas/{code}?token={token}"),
            String::new(),
            format!("a la página de la {code}"),
        ),
    };
    let invitation = Invitation {
        url,
        sync_url,
        token,
        session: session_id,
        role: args.role,
        expires_at: expires.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    };
    let mut out = std::io::stdout().lock();
    match args.format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &invitation)?;
            writeln!(out)?;
        }
        OutputFormat::Text => {
            writeln!(
                out,
                "Invitación ({}) {what}, válida hasta el {} (hora de Bogotá)",
                args.role.as_str(),
                format_bogota(expires)
            )?;
            writeln!(out, "Enlace: {}", invitation.url)?;
            if !invitation.sync_url.is_empty() {
                writeln!(out, "Sincronización (Yjs): {}", invitation.sync_url)?;
            }
        }
    }
    Ok(())
}
