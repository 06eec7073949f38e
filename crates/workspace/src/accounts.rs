//! Accounts, roles and sessions.
//!
//! Passwords are stored as argon2id hashes (PHC strings); session tokens and CSRF tokens are 256
//! random bits from the operating system, and only a SHA-256 of the session token is stored, so
//! a copy of the database does not log anyone in.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::Exec;
use crate::{Workspace, WorkspaceError, limits};

/// What an account may do. Ordered: each role may do what the ones before it may.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Read everything.
    Viewer,
    /// Also comment, endorse, raise concerns and propose programs.
    Contributor,
    /// Also edit the model and restore revisions.
    Editor,
    /// Also manage accounts and open consultation rounds.
    Admin,
}

impl Role {
    /// The name stored and shown.
    pub fn key(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Contributor => "contributor",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Role> {
        [Role::Viewer, Role::Contributor, Role::Editor, Role::Admin]
            .into_iter()
            .find(|r| r.key() == s)
    }
}

/// An account.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Account {
    /// Login name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// The wiki account it is linked to, for OAuth logins.
    pub wiki_user: Option<String>,
}

/// A logged-in session.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    /// Who.
    pub account: Account,
    /// The token forms must echo (CSRF).
    pub csrf: String,
}

/// 256 random bits, hex.
pub fn random_token() -> Result<String, WorkspaceError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| {
        WorkspaceError::Invalid(format!("the operating system gave no randomness: {e}"))
    })?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// A real argon2 hash of a random password, made once: verifying an unknown name against it costs
/// what verifying a known one does.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::encode_b64(b"throughline-dummy").ok();
        salt.and_then(|s| {
            Argon2::default()
                .hash_password(random_token().unwrap_or_default().as_bytes(), &s)
                .ok()
                .map(|h| h.to_string())
        })
        .unwrap_or_default()
    })
}

fn digest(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= limits::NAME
        && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ' '))
}

impl Workspace {
    /// Creates a local account with a password (at least 10 characters).
    pub fn create_account(
        &mut self,
        name: &str,
        role: Role,
        password: &str,
    ) -> Result<Account, WorkspaceError> {
        if !valid_name(name) {
            return Err(WorkspaceError::Invalid(
                "a name is 1–64 letters, digits, spaces, `.`, `_` or `-`".into(),
            ));
        }
        if password.chars().count() < 10 {
            return Err(WorkspaceError::Invalid("a password needs at least 10 characters".into()));
        }
        crate::bounded("a password", password, limits::PASSWORD)?;
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| {
            WorkspaceError::Invalid(format!("the operating system gave no randomness: {e}"))
        })?;
        let salt =
            SaltString::encode_b64(&salt).map_err(|e| WorkspaceError::Invalid(e.to_string()))?;
        let hash = Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map_err(|e| WorkspaceError::Invalid(e.to_string()))?
            .to_string();
        let inserted = self.db().exec(
            "INSERT INTO account (name, role, hash, created) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            &[name.into(), role.key().into(), hash.into(), measure::now_utc().into()],
        )?;
        if inserted == 0 {
            return Err(WorkspaceError::Invalid(format!("the name `{name}` is taken")));
        }
        Ok(Account { name: name.into(), role, wiki_user: None })
    }

    /// The account linked to a wiki user, created as a contributor on first login.
    pub fn wiki_account(&mut self, wiki_user: &str) -> Result<Account, WorkspaceError> {
        if let Some(a) = self.account_where("wiki_user", wiki_user)? {
            return Ok(a);
        }
        // The wiki name itself when it is free and valid here, else a stable derived one.
        let mut name = wiki_user.to_string();
        if !valid_name(&name) || self.account_where("name", &name)?.is_some() {
            name = format!("wiki-{}", &digest(wiki_user)[..12]);
        }
        self.db().exec(
            "INSERT INTO account (name, role, hash, wiki_user, created) VALUES ($1, 'contributor', NULL, $2, $3)",
            &[name.as_str().into(), wiki_user.into(), measure::now_utc().into()],
        )?;
        Ok(Account { name, role: Role::Contributor, wiki_user: Some(wiki_user.into()) })
    }

    /// The account whose `column` (`name` or `wiki_user`) is `value`.
    fn account_where(&self, column: &str, value: &str) -> Result<Option<Account>, WorkspaceError> {
        let sql = match column {
            "wiki_user" => "SELECT name, role, wiki_user FROM account WHERE wiki_user = $1",
            _ => "SELECT name, role, wiki_user FROM account WHERE name = $1",
        };
        let row = self.db().row(sql, &[value.into()])?;
        Ok(row.and_then(|r| {
            let role = Role::parse(&r[1].text()?)?;
            Some(Account { name: r[0].text()?, role, wiki_user: r[2].text() })
        }))
    }

    /// The account, if the name and password match (see [`Workspace::credentials`] and
    /// [`Credentials::verify`], which a server calls apart, so that the slow hash runs outside
    /// its lock on the workspace).
    pub fn verify_password(
        &self,
        name: &str,
        password: &str,
    ) -> Result<Option<Account>, WorkspaceError> {
        Ok(self.credentials(name)?.verify(password))
    }

    /// What a login by `name` is verified against: the account's hash, or for an unknown name
    /// (or a wiki account, which has no password) a real hash of a random password, so that
    /// verifying takes the same time and logins do not reveal which names exist. Quick: only a
    /// database read.
    pub fn credentials(&self, name: &str) -> Result<Credentials, WorkspaceError> {
        let row = self
            .db()
            .row("SELECT role, hash, wiki_user FROM account WHERE name = $1", &[name.into()])?;
        let hash = row.as_ref().and_then(|r| r[1].text());
        let account = match (&row, &hash) {
            (Some(r), Some(_)) => r[0]
                .text()
                .and_then(|role| Role::parse(&role))
                .map(|role| Account { name: name.into(), role, wiki_user: r[2].text() }),
            _ => None,
        };
        Ok(Credentials { hash: hash.unwrap_or_else(|| dummy_hash().to_string()), account })
    }

    /// Starts a session: returns the token for the cookie and the session (with its CSRF token).
    pub fn create_session(
        &mut self,
        account: &Account,
        lifetime_secs: i64,
    ) -> Result<(String, Session), WorkspaceError> {
        let token = random_token()?;
        let csrf = random_token()?;
        let now = now_secs();
        self.db().transaction(|tx| {
            tx.exec("DELETE FROM session WHERE expires < $1", &[now.into()])?;
            tx.exec(
                "INSERT INTO session (token_hash, account, csrf, expires) VALUES ($1, $2, $3, $4)",
                &[
                    digest(&token).into(),
                    account.name.as_str().into(),
                    csrf.as_str().into(),
                    (now + lifetime_secs).into(),
                ],
            )
        })?;
        Ok((token, Session { account: account.clone(), csrf }))
    }

    /// The session of a cookie token, if it exists and has not expired.
    pub fn session(&self, token: &str) -> Result<Option<Session>, WorkspaceError> {
        let row = self.db().row(
            "SELECT a.name, a.role, s.csrf, a.wiki_user FROM session s JOIN account a ON a.name = s.account
             WHERE s.token_hash = $1 AND s.expires >= $2",
            &[digest(token).into(), now_secs().into()],
        )?;
        Ok(row.and_then(|r| {
            let role = Role::parse(&r[1].text()?)?;
            Some(Session {
                account: Account { name: r[0].text()?, role, wiki_user: r[3].text() },
                csrf: r[2].text()?,
            })
        }))
    }

    /// Ends a session.
    pub fn end_session(&mut self, token: &str) -> Result<(), WorkspaceError> {
        self.db().exec("DELETE FROM session WHERE token_hash = $1", &[digest(token).into()])?;
        Ok(())
    }

    /// Every account.
    pub fn accounts(&self) -> Result<Vec<Account>, WorkspaceError> {
        let rows =
            self.db().query("SELECT name, role, wiki_user FROM account ORDER BY name", &[])?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let role = Role::parse(&r[1].text()?)?;
                Some(Account { name: r[0].text()?, role, wiki_user: r[2].text() })
            })
            .collect())
    }

    /// Changes an account's role.
    pub fn set_role(&mut self, name: &str, role: Role) -> Result<(), WorkspaceError> {
        let n = self.db().exec(
            "UPDATE account SET role = $1 WHERE name = $2",
            &[role.key().into(), name.into()],
        )?;
        if n == 0 {
            return Err(WorkspaceError::NotFound(format!("account {name}")));
        }
        Ok(())
    }
}

/// A stored password hash and the account it opens, read under the workspace's lock and
/// verified outside it.
#[derive(Clone, Debug)]
pub struct Credentials {
    hash: String,
    account: Option<Account>,
}

impl Credentials {
    /// The account, if `password` matches. Runs argon2id (tens of milliseconds and 19 MiB by
    /// design): call it on a blocking thread, never while holding a lock others wait for.
    pub fn verify(&self, password: &str) -> Option<Account> {
        let ok = password.chars().count() <= limits::PASSWORD
            && PasswordHash::new(&self.hash)
                .map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
                .unwrap_or(false);
        if ok { self.account.clone() } else { None }
    }
}
