//! Who is asking: a signed-in person (with roles held per Mesa), the holder of an invitation (a
//! guest link or a script's token), both, or nobody. The server builds an [`Actor`] for each
//! request from its cookie, bearer token or invitation; [`policy`](super::policy) decides.

use serde::{Deserialize, Serialize};

use super::board::BoardRole;

code_enum!(
    /// A person's role on one Mesa.
    MesaRole {
        Coordinador = "coordinador" / "Coordinación (secretaría técnica)",
        Integrante = "integrante" / "Integrante",
        Observador = "observador" / "Observador",
    }
);

impl MesaRole {
    /// What this role does on the boards of the Mesa's own sessions.
    pub fn board_role(self) -> BoardRole {
        match self {
            MesaRole::Coordinador => BoardRole::Coordinador,
            MesaRole::Integrante => BoardRole::Participante,
            MesaRole::Observador => BoardRole::Observador,
        }
    }
}

/// A role held on a Mesa.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleGrant {
    pub mesa: String,
    pub role: MesaRole,
}

/// A signed-in account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub account: i64,
    pub name: String,
    pub email: String,
    pub institution: String,
    #[serde(default)]
    pub sector: String,
    /// District administrator: manages people, Mesas and role assignments; reads everything.
    pub admin: bool,
    pub roles: Vec<RoleGrant>,
}

impl Person {
    pub fn role_on(&self, mesa: &str) -> Option<MesaRole> {
        self.roles
            .iter()
            .find(|grant| grant.mesa == mesa)
            .map(|grant| grant.role)
    }
}

/// What an invitation opens: one session's board, or a Mesa between sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GuestScope {
    Session(i64),
    Mesa,
}

/// The holder of an invitation (a guest link made from the session page, or `sala invite`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guest {
    /// The invitation's nonce: how it is revoked and how its sockets are found.
    pub nonce: String,
    /// The Mesa it speaks for (of its session, or the Mesa-wide invitation's).
    pub mesa: String,
    pub scope: GuestScope,
    pub role: BoardRole,
    pub name: Option<String>,
}

/// Everything the server knows about who sent a request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub person: Option<Person>,
    pub guest: Option<Guest>,
}

impl Actor {
    pub fn anonymous() -> Self {
        Self::default()
    }

    pub fn is_anonymous(&self) -> bool {
        self.person.is_none() && self.guest.is_none()
    }

    /// The name written into the acta, the audit log and presence.
    pub fn display_name(&self) -> Option<&str> {
        self.person
            .as_ref()
            .map(|p| p.name.as_str())
            .or_else(|| self.guest.as_ref().and_then(|g| g.name.as_deref()))
    }

    /// Who the board's stored updates are recorded as (the account, or the invitation and the
    /// name it carries); `None` for nobody.
    pub fn sender(&self) -> Option<super::board::review::Sender> {
        use super::board::review::Sender;
        match (&self.person, &self.guest) {
            (Some(person), _) => Some(Sender {
                name: Some(person.name.clone()),
                via: format!("cuenta {}", person.account),
            }),
            (None, Some(guest)) => Some(Sender {
                name: guest.name.clone(),
                via: format!("invitación de {}", guest.role.label().to_lowercase()),
            }),
            (None, None) => None,
        }
    }

    /// How the audit log and update attribution name this actor: `cuenta:7` / `invitacion:…`.
    pub fn principal(&self) -> String {
        match (&self.person, &self.guest) {
            (Some(person), _) => format!("cuenta:{}", person.account),
            (None, Some(guest)) => format!("invitacion:{}", guest.nonce),
            (None, None) => "anonimo".into(),
        }
    }
}

/// A person as the administration and their own page see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub institution: String,
    pub sector: String,
    pub phone: String,
    pub admin: bool,
    pub active: bool,
    /// A password was set (else only a setup link or single sign-on lets them in).
    pub has_password: bool,
    pub roles: Vec<RoleGrant>,
}

impl Account {
    pub fn person(&self) -> Person {
        Person {
            account: self.id,
            name: self.name.clone(),
            email: self.email.clone(),
            institution: self.institution.clone(),
            sector: self.sector.clone(),
            admin: self.admin,
            roles: self.roles.clone(),
        }
    }
}

/// What the account form sends, before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRequest {
    pub email: String,
    pub name: String,
    pub institution: String,
    pub sector: String,
    pub phone: String,
}

/// A validated account form: e-mail lower-cased, text trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    pub email: String,
    pub name: String,
    pub institution: String,
    pub sector: String,
    pub phone: String,
}

/// The smallest password accepted (NIST SP 800-63B asks for at least 8; officials share rooms,
/// so a little more).
pub const MIN_PASSWORD_CHARS: usize = 10;

impl AccountRequest {
    pub fn validate(&self) -> Result<NewAccount, super::FieldErrors> {
        let mut errors = super::FieldErrors::default();
        let email = normalise_email(&self.email);
        if !looks_like_email(&email) {
            errors.add(
                "email",
                "Escriba un correo electrónico válido (nombre@entidad.gov.co).",
            );
        }
        let name = self.name.trim();
        if name.is_empty() {
            errors.add("name", "Escriba el nombre de la persona.");
        }
        let phone = self.phone.trim();
        if !phone.is_empty()
            && !phone
                .chars()
                .all(|c| c.is_ascii_digit() || " +-()".contains(c))
        {
            errors.add(
                "phone",
                "El teléfono solo lleva dígitos, espacios, +, - y paréntesis.",
            );
        }
        errors.into_result()?;
        Ok(NewAccount {
            email,
            name: name.to_owned(),
            institution: self.institution.trim().to_owned(),
            sector: self.sector.trim().to_owned(),
            phone: phone.to_owned(),
        })
    }
}

/// Where to go after signing in: only a path of this site (`/…`, not `//host` or `/\host`), so a
/// sign-in link cannot send people elsewhere.
pub fn safe_next_path(next: &str) -> String {
    let next = next.trim();
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

/// E-mails are unique case-insensitively: stored and compared lower-cased.
pub fn normalise_email(raw: &str) -> String {
    raw.trim().to_lowercase()
}

fn looks_like_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(char::is_whitespace)
                && email.len() <= 254
        }
        None => false,
    }
}

/// A new password: long enough, and typed the same twice.
pub fn validate_new_password(password: &str, repeated: &str) -> Result<(), super::FieldErrors> {
    let mut errors = super::FieldErrors::default();
    if password.chars().count() < MIN_PASSWORD_CHARS {
        errors.add(
            "password",
            format!("La contraseña debe tener al menos {MIN_PASSWORD_CHARS} caracteres."),
        );
    } else if password != repeated {
        errors.add("repeat", "Las dos contraseñas no coinciden.");
    }
    errors.into_result()
}

/// A guest link (or script invitation) as its session's coordination sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub nonce: String,
    pub session: Option<i64>,
    pub mesa: String,
    pub role: BoardRole,
    pub name: Option<String>,
    /// Bogotá time, as shown.
    pub expires: String,
    pub expired: bool,
    pub created_by: String,
    pub revoked: bool,
    pub uses: i64,
    /// Bogotá time of the last use, and who used it (the name given when joining, or the
    /// account).
    pub last_used: Option<String>,
    pub last_used_by: Option<String>,
    /// The link itself: only right after creating it (it is not stored, only its nonce).
    pub link: Option<String>,
}

/// A personal access token as its owner sees it (never the token itself, once shown).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessToken {
    pub id: i64,
    pub label: String,
    /// RFC 3339 UTC.
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked: bool,
}

/// A calendar subscription as its owner sees it (the URL itself is shown once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarFeed {
    pub id: i64,
    /// A Mesa's sessions; `None`: the owner's own sessions and commitments.
    pub mesa: Option<String>,
    pub mesa_name: Option<String>,
    /// RFC 3339 UTC.
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked: bool,
}

/// One administrative act.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    /// RFC 3339 UTC.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
}

/// The audit log as a table (its CSV export reads spreadsheets' way, like the dashboards').
pub fn audit_table(entries: &[AuditEntry]) -> super::dashboard::Table {
    use super::dashboard::{Cell, Column, Table};
    let column = |title: &str, csv: &str| Column {
        title: title.into(),
        csv: csv.into(),
    };
    Table {
        title: "Auditoría".into(),
        columns: vec![
            column("Cuándo (UTC)", "fecha_utc"),
            column("Quién", "actor"),
            column("Qué", "accion"),
            column("Sobre", "objeto"),
            column("Detalle", "detalle"),
        ],
        rows: entries
            .iter()
            .map(|e| {
                [&e.at, &e.actor, &e.action, &e.target, &e.detail]
                    .into_iter()
                    .map(|text| Cell::Text(text.clone()))
                    .collect()
            })
            .collect(),
        tones: Vec::new(),
        empty: "No hay actuaciones con ese filtro.".into(),
    }
}

/// What the audit page filters by (empty: everything).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub action: String,
    /// `YYYY-MM-DD` (Bogotá), inclusive.
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_folded_and_checked() {
        let request = AccountRequest {
            email: "  Ana.Perez@SaludCapital.gov.co ".into(),
            name: " Ana Pérez ".into(),
            ..Default::default()
        };
        let account = request.validate().unwrap();
        assert_eq!(account.email, "ana.perez@saludcapital.gov.co");
        assert_eq!(account.name, "Ana Pérez");
        for bad in ["", "ana", "ana@", "@x.co", "ana@x", "a na@x.co", "ana@.co"] {
            let request = AccountRequest {
                email: bad.into(),
                name: "Ana".into(),
                ..Default::default()
            };
            assert!(request.validate().is_err(), "{bad}");
        }
    }

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next_path("/mesas/local-01"), "/mesas/local-01");
        assert_eq!(safe_next_path("//evil.example"), "/");
        assert_eq!(safe_next_path("https://evil.example"), "/");
        assert_eq!(safe_next_path("/\\evil.example"), "/");
        assert_eq!(safe_next_path(""), "/");
    }

    #[test]
    fn passwords_need_length_and_the_same_twice() {
        assert!(validate_new_password("corta", "corta").is_err());
        assert!(validate_new_password("suficientemente", "distinta-de-la-otra").is_err());
        assert!(validate_new_password("suficientemente", "suficientemente").is_ok());
    }
}
