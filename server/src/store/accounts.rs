//! People, their roles per Mesa, their web sessions and one-time setup links. Secrets are stored
//! only as hashes (argon2id for passwords, SHA-256 for random tokens), never as themselves.

use app::domain::identity::{Account, MesaRole, NewAccount, RoleGrant};
use chrono::{DateTime, Utc};

use super::Store;
use super::error::{Result, StoreError};
use super::rows::timestamp;

const ACCOUNT_COLUMNS: &str =
    "id, email, name, institution, sector, phone, password_hash, is_admin, active";

#[derive(sqlx::FromRow)]
struct AccountRow {
    id: i64,
    email: String,
    name: String,
    institution: String,
    sector: String,
    phone: String,
    password_hash: Option<String>,
    is_admin: i64,
    active: i64,
}

/// An account with what only the server may see.
pub struct StoredAccount {
    pub account: Account,
    pub password_hash: Option<String>,
}

/// A web session as stored: the cookie's account and its two clocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebSession {
    pub account_id: i64,
    pub created_at: i64,
    pub last_seen_at: i64,
}

impl Store {
    pub async fn count_accounts(&self) -> Result<i64> {
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM accounts")
            .fetch_one(&self.pool)
            .await?;
        Ok(count)
    }

    pub async fn create_account(
        &self,
        account: &NewAccount,
        admin: bool,
        now: DateTime<Utc>,
    ) -> Result<Account> {
        if self.account_by_email(&account.email).await?.is_some() {
            return Err(StoreError::DuplicateEmail(account.email.clone()));
        }
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO accounts (email, name, institution, sector, phone, is_admin, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(&account.email)
        .bind(&account.name)
        .bind(&account.institution)
        .bind(&account.sector)
        .bind(&account.phone)
        .bind(i64::from(admin))
        .bind(timestamp(now))
        .fetch_one(&self.pool)
        .await?;
        Ok(self.account(id).await?.account)
    }

    pub async fn account(&self, id: i64) -> Result<StoredAccount> {
        let row: Option<AccountRow> = sqlx::query_as(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        self.with_roles(row.ok_or(StoreError::UnknownAccount(id))?)
            .await
    }

    pub async fn account_by_email(&self, email: &str) -> Result<Option<StoredAccount>> {
        let row: Option<AccountRow> = sqlx::query_as(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE email = $1"
        ))
        .bind(app::domain::identity::normalise_email(email))
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(row) => Ok(Some(self.with_roles(row).await?)),
            None => Ok(None),
        }
    }

    pub async fn account_by_subject(&self, subject: &str) -> Result<Option<StoredAccount>> {
        let row: Option<AccountRow> = sqlx::query_as(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE oidc_subject = $1"
        ))
        .bind(subject)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(row) => Ok(Some(self.with_roles(row).await?)),
            None => Ok(None),
        }
    }

    pub async fn link_subject(&self, id: i64, subject: &str) -> Result<()> {
        sqlx::query("UPDATE accounts SET oidc_subject = $1 WHERE id = $2")
            .bind(subject)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn list_accounts(&self) -> Result<Vec<Account>> {
        let rows: Vec<AccountRow> = sqlx::query_as(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY active DESC, name"
        ))
        .fetch_all(&self.pool)
        .await?;
        let mut accounts = Vec::with_capacity(rows.len());
        for row in rows {
            accounts.push(self.with_roles(row).await?.account);
        }
        Ok(accounts)
    }

    /// Name, institution, sector and phone (the e-mail is the sign-in and changes only by the
    /// administration).
    pub async fn update_profile(&self, id: i64, account: &NewAccount) -> Result<Account> {
        sqlx::query(
            "UPDATE accounts SET name = $1, institution = $2, sector = $3, phone = $4 WHERE id = $5",
        )
        .bind(&account.name)
        .bind(&account.institution)
        .bind(&account.sector)
        .bind(&account.phone)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(self.account(id).await?.account)
    }

    pub async fn set_password_hash(&self, id: i64, hash: &str) -> Result<()> {
        sqlx::query("UPDATE accounts SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Deactivating also ends every web session of the account (its sockets are closed by the
    /// caller, which knows the live rooms).
    pub async fn set_active(&self, id: i64, active: bool, now: i64) -> Result<Account> {
        self.account(id).await?;
        sqlx::query("UPDATE accounts SET active = $1 WHERE id = $2")
            .bind(i64::from(active))
            .bind(id)
            .execute(&self.pool)
            .await?;
        if !active {
            self.end_web_sessions_of(id, now).await?;
        }
        Ok(self.account(id).await?.account)
    }

    pub async fn grant_role(&self, id: i64, mesa: &str, role: MesaRole) -> Result<Account> {
        self.account(id).await?;
        self.get_mesa(mesa).await?;
        // One role per person and Mesa: a new grant replaces the old one.
        sqlx::query("DELETE FROM mesa_roles WHERE account_id = $1 AND mesa_code = $2")
            .bind(id)
            .bind(mesa)
            .execute(&self.pool)
            .await?;
        sqlx::query("INSERT INTO mesa_roles (account_id, mesa_code, role) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(mesa)
            .bind(role.code())
            .execute(&self.pool)
            .await?;
        Ok(self.account(id).await?.account)
    }

    pub async fn revoke_role(&self, id: i64, mesa: &str) -> Result<Account> {
        sqlx::query("DELETE FROM mesa_roles WHERE account_id = $1 AND mesa_code = $2")
            .bind(id)
            .bind(mesa)
            .execute(&self.pool)
            .await?;
        Ok(self.account(id).await?.account)
    }

    async fn with_roles(&self, row: AccountRow) -> Result<StoredAccount> {
        let grants: Vec<(String, String)> = sqlx::query_as(
            "SELECT r.mesa_code, r.role FROM mesa_roles r JOIN mesas m ON m.code = r.mesa_code
             WHERE r.account_id = $1 ORDER BY m.position",
        )
        .bind(row.id)
        .fetch_all(&self.pool)
        .await?;
        let roles = grants
            .into_iter()
            .map(|(mesa, role)| {
                let role = MesaRole::parse(&role)
                    .ok_or_else(|| StoreError::Corrupt(format!("rol «{role}»")))?;
                Ok(RoleGrant { mesa, role })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(StoredAccount {
            account: Account {
                id: row.id,
                email: row.email,
                name: row.name,
                institution: row.institution,
                sector: row.sector,
                phone: row.phone,
                admin: row.is_admin != 0,
                active: row.active != 0,
                has_password: row.password_hash.is_some(),
                roles,
            },
            password_hash: row.password_hash,
        })
    }

    // ---- web sessions -------------------------------------------------------------------------

    pub async fn create_web_session(&self, token_hash: &str, account: i64, now: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO web_sessions (token_hash, account_id, created_at, last_seen_at)
             VALUES ($1, $2, $3, $3)",
        )
        .bind(token_hash)
        .bind(account)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A session that was not ended (expiry is the caller's rule).
    pub async fn web_session(&self, token_hash: &str) -> Result<Option<WebSession>> {
        let row: Option<(i64, i64, i64)> = sqlx::query_as(
            "SELECT account_id, created_at, last_seen_at FROM web_sessions
             WHERE token_hash = $1 AND ended_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        Ok(
            row.map(|(account_id, created_at, last_seen_at)| WebSession {
                account_id,
                created_at,
                last_seen_at,
            }),
        )
    }

    pub async fn touch_web_session(&self, token_hash: &str, now: i64) -> Result<()> {
        sqlx::query("UPDATE web_sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn end_web_session(&self, token_hash: &str, now: i64) -> Result<()> {
        sqlx::query(
            "UPDATE web_sessions SET ended_at = $1 WHERE token_hash = $2 AND ended_at IS NULL",
        )
        .bind(now)
        .bind(token_hash)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn end_web_sessions_of(&self, account: i64, now: i64) -> Result<()> {
        sqlx::query(
            "UPDATE web_sessions SET ended_at = $1 WHERE account_id = $2 AND ended_at IS NULL",
        )
        .bind(now)
        .bind(account)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    // ---- setup and reset links ----------------------------------------------------------------

    pub async fn create_setup_link(
        &self,
        token_hash: &str,
        account: i64,
        expires_at: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO setup_links (token_hash, account_id, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(token_hash)
        .bind(account)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The account a setup link is for, if it is unused and unexpired (without using it up).
    pub async fn setup_link_account(&self, token_hash: &str, now: i64) -> Result<Option<i64>> {
        let row: Option<(i64,)> = sqlx::query_as(
            "SELECT account_id FROM setup_links
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(id,)| id))
    }

    /// Uses the link up, once: a second use (even concurrent) finds nothing to update.
    pub async fn use_setup_link(&self, token_hash: &str, now: i64) -> Result<Option<i64>> {
        let Some(account) = self.setup_link_account(token_hash, now).await? else {
            return Ok(None);
        };
        let used = sqlx::query(
            "UPDATE setup_links SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
        )
        .bind(now)
        .bind(token_hash)
        .execute(&self.pool)
        .await?;
        Ok((used.rows_affected() == 1).then_some(account))
    }
}
