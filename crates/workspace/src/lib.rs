//! The planning workspace: the model's files kept in a database so that people who will not
//! edit YAML can read, change and discuss the model in a browser.
//!
//! Invariants:
//! - **The files are the model.** The database holds each model file's text verbatim, so import
//!   from a folder and export back round-trip byte for byte, and everything `check` says about a
//!   folder it says about the workspace. Edits change the text at the spans the checker reports,
//!   leaving every other byte (comments included) alone.
//! - **Every change is a revision** (who, when, what, the text before and after), appended in the
//!   same transaction as the change; restoring is a new revision, never a rewrite of history.
//! - **No silent overwrite.** An edit names the file revision it was made against; if the file
//!   moved on since, the edit is refused as a conflict.
//! - **Edits are checked like `check`.** An edit that would add an error is refused with the
//!   messages, by field; nothing is written.
//! - **Durable.** SQLite in WAL mode with `synchronous = FULL`: a revision that was reported as
//!   committed survives the process being killed.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

pub mod accounts;
pub mod consult;
pub mod edit;

pub use accounts::{Account, Role};

/// Schema migrations (append-only; see `measure::sqlite::migrate`).
pub const MIGRATIONS: &[&str] = &[
    // 1: files and revisions, accounts and sessions, consultation rounds and comments.
    "CREATE TABLE revision (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL,
        before TEXT,
        after TEXT,
        author TEXT NOT NULL,
        at TEXT NOT NULL,
        summary TEXT NOT NULL
    );
    CREATE INDEX revision_path ON revision (path, id);
    CREATE TABLE file (
        path TEXT PRIMARY KEY,
        text TEXT NOT NULL,
        revision INTEGER NOT NULL REFERENCES revision(id)
    ) WITHOUT ROWID;
    CREATE TABLE account (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'contributor', 'editor', 'admin')),
        hash TEXT,
        wiki_user TEXT UNIQUE,
        created TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE session (
        token_hash TEXT PRIMARY KEY,
        account TEXT NOT NULL REFERENCES account(name) ON DELETE CASCADE,
        csrf TEXT NOT NULL,
        expires INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE round (
        id INTEGER PRIMARY KEY,
        scope TEXT NOT NULL,
        title TEXT NOT NULL,
        opened_by TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        closed_at TEXT
    );
    CREATE TABLE comment (
        id INTEGER PRIMARY KEY,
        round INTEGER REFERENCES round(id),
        target TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('comment', 'endorse', 'concern', 'proposal')),
        body TEXT NOT NULL,
        author TEXT NOT NULL,
        at TEXT NOT NULL
    );",
];

/// Why the workspace could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    /// Opening or migrating the database failed.
    #[error(transparent)]
    Store(#[from] measure::StoreError),
    /// A database error; the operation was rolled back.
    #[error("workspace database: {0}")]
    Database(#[from] rusqlite::Error),
    /// Reading or writing model files failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// Loading the model folder failed.
    #[error(transparent)]
    Load(#[from] modelfile::LoadError),
    /// No such thing.
    #[error("{0} not found")]
    NotFound(String),
    /// A request that cannot be honoured as asked.
    #[error("{0}")]
    Invalid(String),
}

/// A revision of one file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Revision {
    /// Id, increasing.
    pub id: i64,
    /// The file.
    pub path: String,
    /// Who made it.
    pub author: String,
    /// When (UTC, RFC 3339).
    pub at: String,
    /// What was done.
    pub summary: String,
}

/// The model's files in a database.
pub struct Workspace {
    conn: Connection,
}

impl Workspace {
    /// Opens (creating and migrating) the workspace database at `path`.
    pub fn open(path: &Path) -> Result<Workspace, WorkspaceError> {
        let mut conn = Connection::open(path)
            .map_err(|source| measure::StoreError::Open { path: path.to_path_buf(), source })?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // WAL: readers do not block the writer; FULL: a commit is on disk when it returns.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        measure::sqlite::migrate(&mut conn, MIGRATIONS, path.to_path_buf())?;
        Ok(Workspace { conn })
    }

    /// An empty workspace in memory (tests).
    pub fn in_memory() -> Result<Workspace, WorkspaceError> {
        let mut conn = Connection::open_in_memory()?;
        measure::sqlite::migrate(&mut conn, MIGRATIONS, PathBuf::from(":memory:"))?;
        Ok(Workspace { conn })
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Imports every model file of a folder (as `check` reads them), one revision each for the
    /// files that are new or changed; files the folder no longer has are deleted. All or nothing.
    pub fn import_dir(&mut self, dir: &Path, author: &str) -> Result<usize, WorkspaceError> {
        let files = modelfile::load_dir(dir)?;
        let tx = self.conn.transaction()?;
        let mut changed = 0;
        let at = measure::now_utc();
        let mut seen = Vec::new();
        for f in &files {
            seen.push(f.name.clone());
            let old: Option<String> = tx
                .query_row("SELECT text FROM file WHERE path = ?1", [&f.name], |r| r.get(0))
                .optional()?;
            if old.as_deref() == Some(f.text.as_str()) {
                continue;
            }
            write_file(
                &tx,
                &f.name,
                old.as_deref(),
                Some(&f.text),
                author,
                &at,
                "imported from files",
            )?;
            changed += 1;
        }
        let existing: Vec<(String, String)> = {
            let mut stmt = tx.prepare("SELECT path, text FROM file")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        for (path, text) in existing {
            if !seen.contains(&path) {
                write_file(&tx, &path, Some(&text), None, author, &at, "removed from files")?;
                changed += 1;
            }
        }
        tx.commit()?;
        Ok(changed)
    }

    /// Writes every file into `dir` (creating folders), exactly as stored.
    pub fn export_dir(&self, dir: &Path) -> Result<usize, WorkspaceError> {
        let files = self.files()?;
        for f in &files {
            let path = dir.join(&f.name);
            let io = |source| WorkspaceError::Io { path: path.clone(), source };
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(io)?;
            }
            std::fs::write(&path, &f.text).map_err(io)?;
        }
        Ok(files.len())
    }

    /// The model files, sorted by path (the order `check` reads a folder in).
    pub fn files(&self) -> Result<Vec<modelfile::SourceFile>, WorkspaceError> {
        let mut stmt = self.conn.prepare_cached("SELECT path, text FROM file ORDER BY path")?;
        let rows = stmt.query_map([], |r| {
            Ok(modelfile::SourceFile::in_memory(r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The current revision of a file.
    pub fn file_revision(&self, path: &str) -> Result<i64, WorkspaceError> {
        self.conn
            .query_row("SELECT revision FROM file WHERE path = ?1", [path], |r| r.get(0))
            .optional()?
            .ok_or_else(|| WorkspaceError::NotFound(format!("file {path}")))
    }

    /// The newest revision id (0 for an empty workspace): a cache key for everything derived
    /// from the model.
    pub fn head(&self) -> Result<i64, WorkspaceError> {
        Ok(self.conn.query_row("SELECT coalesce(max(id), 0) FROM revision", [], |r| r.get(0))?)
    }

    /// The model, checked.
    pub fn checked(&self) -> Result<modelfile::Checked, WorkspaceError> {
        Ok(modelfile::check(self.files()?))
    }

    /// Revisions, newest first, optionally of one file.
    pub fn revisions(
        &self,
        path: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Revision>, WorkspaceError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, path, author, at, summary FROM revision
             WHERE ?1 IS NULL OR path = ?1 ORDER BY id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![path, limit as i64], |r| {
            Ok(Revision {
                id: r.get(0)?,
                path: r.get(1)?,
                author: r.get(2)?,
                at: r.get(3)?,
                summary: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The text of a file before and after a revision.
    pub fn revision_texts(
        &self,
        id: i64,
    ) -> Result<(Option<String>, Option<String>), WorkspaceError> {
        self.conn
            .query_row("SELECT before, after FROM revision WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
            .ok_or_else(|| WorkspaceError::NotFound(format!("revision {id}")))
    }

    /// Restores a file to its text right after revision `id`, as a new revision.
    pub fn restore(&mut self, id: i64, author: &str) -> Result<Revision, WorkspaceError> {
        let tx = self.conn.transaction()?;
        let (path, after): (String, Option<String>) = tx
            .query_row("SELECT path, after FROM revision WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
            .ok_or_else(|| WorkspaceError::NotFound(format!("revision {id}")))?;
        let old: Option<String> = tx
            .query_row("SELECT text FROM file WHERE path = ?1", [&path], |r| r.get(0))
            .optional()?;
        let at = measure::now_utc();
        let summary = format!("restored {path} to revision {id}");
        let rev = write_file(&tx, &path, old.as_deref(), after.as_deref(), author, &at, &summary)?;
        tx.commit()?;
        Ok(Revision { id: rev, path, author: author.into(), at, summary })
    }
}

/// Writes a file's new text (or deletes it) and appends the revision, inside `tx`.
pub(crate) fn write_file(
    tx: &rusqlite::Transaction<'_>,
    path: &str,
    before: Option<&str>,
    after: Option<&str>,
    author: &str,
    at: &str,
    summary: &str,
) -> Result<i64, WorkspaceError> {
    tx.execute(
        "INSERT INTO revision (path, before, after, author, at, summary) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![path, before, after, author, at, summary],
    )?;
    let id = tx.last_insert_rowid();
    match after {
        Some(text) => {
            tx.execute(
                "INSERT INTO file (path, text, revision) VALUES (?1, ?2, ?3)
                 ON CONFLICT(path) DO UPDATE SET text = excluded.text, revision = excluded.revision",
                params![path, text, id],
            )?;
        }
        None => {
            tx.execute("DELETE FROM file WHERE path = ?1", [path])?;
        }
    }
    Ok(id)
}
