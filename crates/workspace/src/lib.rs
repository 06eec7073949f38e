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
//! - **No silent overwrite.** An edit names the item text it was made against (its digest; or,
//!   from the API, its file's revision); if that moved on since, the edit is refused as a
//!   conflict. Different items of one file never conflict.
//! - **Edits are checked like `check`.** An edit that would add an error is refused with the
//!   messages, by field; nothing is written.
//! - **Durable.** SQLite in WAL mode with `synchronous = FULL`: a revision that was reported as
//!   committed survives the process being killed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use std::cell::{RefCell, RefMut};

use db::{Db, Exec};
use serde::Serialize;

pub mod accounts;
pub mod checkin;
pub mod consult;
mod db;
pub mod edit;
pub mod structure;

pub use accounts::{Account, Role};

pub use db::{POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS as MIGRATIONS};

/// The longest text the workspace accepts in each field, in characters: a bound on what one
/// request can make every reader download (pages list comments and rounds in full).
pub mod limits {
    /// A comment, concern or proposal.
    pub const COMMENT: usize = 10_000;
    /// A round's title.
    pub const TITLE: usize = 200;
    /// An id naming an item: a comment's target, a round's scope, an edited item.
    pub const ID: usize = 200;
    /// An account name.
    pub const NAME: usize = 64;
    /// A password (argon2 takes any length; a bound keeps a login request cheap to refuse).
    pub const PASSWORD: usize = 1_024;
    /// One value typed into an edit form.
    pub const VALUE: usize = 10_000;
}

/// `Err(Invalid)` naming `what` when `text` is longer than `max` characters.
pub(crate) fn bounded(what: &str, text: &str, max: usize) -> Result<(), WorkspaceError> {
    if text.chars().count() > max {
        return Err(WorkspaceError::Invalid(format!(
            "{what} is too long: at most {max} characters"
        )));
    }
    Ok(())
}

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

/// What [`Workspace::sync_with_folder`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FolderSync {
    /// Files whose folder text became a revision (added, changed or removed in the folder).
    pub taken: Vec<String>,
    /// Files changed both in the folder and in the workspace since the last sync: the
    /// workspace kept its text.
    pub conflicts: Vec<String>,
}

/// The model's files in a database.
pub struct Workspace {
    db: RefCell<Db>,
}

impl Workspace {
    /// Opens (creating and migrating) the workspace database at `path` (SQLite), or the
    /// PostgreSQL database a `postgres://` URL names (with the `postgres` feature).
    pub fn open(path: &Path) -> Result<Workspace, WorkspaceError> {
        let text = path.to_string_lossy();
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return Workspace::open_postgres(&text);
        }
        Ok(Workspace { db: RefCell::new(Db::sqlite(path)?) })
    }

    /// Connects to PostgreSQL.
    #[cfg(feature = "postgres")]
    pub fn open_postgres(url: &str) -> Result<Workspace, WorkspaceError> {
        Ok(Workspace { db: RefCell::new(Db::postgres(url, None)?) })
    }

    /// Connects to PostgreSQL, keeping the workspace in `schema` (created if needed), so one
    /// database can hold several workspaces (and each test its own).
    #[cfg(feature = "postgres")]
    pub fn open_postgres_in(url: &str, schema: &str) -> Result<Workspace, WorkspaceError> {
        Ok(Workspace { db: RefCell::new(Db::postgres(url, Some(schema))?) })
    }

    /// Without the `postgres` feature, a PostgreSQL URL is a clear error.
    #[cfg(not(feature = "postgres"))]
    pub fn open_postgres(url: &str) -> Result<Workspace, WorkspaceError> {
        Err(WorkspaceError::Invalid(format!(
            "{url}: this build has no PostgreSQL support; rebuild with `--features postgres`"
        )))
    }

    /// An empty workspace in memory (tests).
    pub fn in_memory() -> Result<Workspace, WorkspaceError> {
        Ok(Workspace { db: RefCell::new(Db::memory()?) })
    }

    pub(crate) fn db(&self) -> RefMut<'_, Db> {
        self.db.borrow_mut()
    }

    /// Imports every model file of a folder (as `check` reads them), one revision each for the
    /// files that are new or changed; files the folder no longer has are deleted. All or nothing.
    /// The folder wins everywhere; [`Workspace::sync_with_folder`] is the careful form.
    pub fn import_dir(&mut self, dir: &Path, author: &str) -> Result<usize, WorkspaceError> {
        Ok(self.sync_with_folder(dir, author, true)?.taken.len())
    }

    /// Brings changes made in the model folder since the last import or export into the
    /// workspace, one revision each (by `author`), and records the folder's texts as the new
    /// common base. A file changed both in the folder and in the workspace since then is a
    /// conflict: the workspace keeps its text and the file is listed, never silently dropped
    /// either way — unless `take_folder`, when the folder's text becomes a revision (the
    /// workspace's stays in the history). All or nothing.
    ///
    /// A file the workspace has but whose base is unknown (a database from before the base was
    /// recorded) counts as changed on both sides when the two texts differ.
    pub fn sync_with_folder(
        &mut self,
        dir: &Path,
        author: &str,
        take_folder: bool,
    ) -> Result<FolderSync, WorkspaceError> {
        let files = modelfile::load_dir(dir)?;
        for f in &files {
            inside(dir, &f.name)?;
        }
        let at = measure::now_utc();
        self.db().transaction(|tx| {
            let texts = |tx: &mut dyn Exec,
                         sql: &str|
             -> Result<BTreeMap<String, String>, WorkspaceError> {
                Ok(tx
                    .query(sql, &[])?
                    .into_iter()
                    .filter_map(|r| Some((r[0].text()?, r[1].text()?)))
                    .collect::<BTreeMap<_, _>>())
            };
            let disk: BTreeMap<String, String> =
                files.iter().map(|f| (f.name.clone(), f.text.clone())).collect();
            let ours = texts(tx, "SELECT path, text FROM file")?;
            let base = texts(tx, "SELECT path, text FROM folder_base")?;
            let paths: BTreeSet<&String> =
                disk.keys().chain(ours.keys()).chain(base.keys()).collect();
            let mut sync = FolderSync::default();
            for path in paths {
                let (d, w, b) = (disk.get(path), ours.get(path), base.get(path));
                let folder_changed = d != b;
                let workspace_changed = w != b;
                if d != w && (take_folder || !workspace_changed) {
                    let summary = match (w, d) {
                        (None, _) => "imported from the folder",
                        (_, None) => "removed from the folder",
                        _ => "changed in the folder",
                    };
                    write_file(
                        tx,
                        path,
                        w.map(String::as_str),
                        d.map(String::as_str),
                        author,
                        &at,
                        summary,
                    )?;
                    sync.taken.push(path.clone());
                } else if d != w && folder_changed {
                    sync.conflicts.push(path.clone());
                    continue;
                }
                if d == w || take_folder || !workspace_changed {
                    set_base(tx, path, d.map(String::as_str))?;
                }
            }
            Ok(sync)
        })
    }

    /// Writes every file into `dir` (creating folders), exactly as stored. A stored name that
    /// would leave `dir` (absolute, `..`, or through a symbolic link) is refused before anything
    /// is written: the database may come from someone else.
    pub fn export_dir(&self, dir: &Path) -> Result<usize, WorkspaceError> {
        let files = self.files()?;
        for f in &files {
            inside(dir, &f.name)?;
        }
        for f in &files {
            let path = inside(dir, &f.name)?;
            let io = |source| WorkspaceError::Io { path: path.clone(), source };
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(io)?;
            }
            std::fs::write(&path, &f.text).map_err(io)?;
        }
        Ok(files.len())
    }

    /// Writes every file into the model folder it came from and records those texts as the
    /// common base for [`Workspace::sync_with_folder`]; files the folder had at the last sync
    /// that the workspace has since removed are removed from the folder too. Paths are checked
    /// as in [`Workspace::export_dir`].
    pub fn export_to_folder(&mut self, dir: &Path) -> Result<usize, WorkspaceError> {
        let n = self.export_dir(dir)?;
        let files = self.files()?;
        self.db().transaction(|tx| {
            let base: Vec<String> = tx
                .query("SELECT path FROM folder_base", &[])?
                .into_iter()
                .filter_map(|r| r[0].text())
                .collect();
            for path in base {
                if !files.iter().any(|f| f.name == path) {
                    let file = inside(dir, &path)?;
                    match std::fs::remove_file(&file) {
                        Ok(()) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(source) => return Err(WorkspaceError::Io { path: file, source }),
                    }
                    set_base(tx, &path, None)?;
                }
            }
            for f in &files {
                set_base(tx, &f.name, Some(&f.text))?;
            }
            Ok(())
        })?;
        Ok(n)
    }

    /// The model files, sorted by path (the order `check` reads a folder in).
    pub fn files(&self) -> Result<Vec<modelfile::SourceFile>, WorkspaceError> {
        let rows = self.db().query("SELECT path, text FROM file ORDER BY path", &[])?;
        Ok(rows
            .into_iter()
            .map(|r| {
                modelfile::SourceFile::in_memory(
                    r[0].text().unwrap_or_default(),
                    r[1].text().unwrap_or_default(),
                )
            })
            .collect())
    }

    /// The current revision of a file.
    pub fn file_revision(&self, path: &str) -> Result<i64, WorkspaceError> {
        self.db()
            .row("SELECT revision FROM file WHERE path = $1", &[path.into()])?
            .and_then(|r| r[0].int())
            .ok_or_else(|| WorkspaceError::NotFound(format!("file {path}")))
    }

    /// The newest revision id (0 for an empty workspace): a cache key for everything derived
    /// from the model.
    pub fn head(&self) -> Result<i64, WorkspaceError> {
        Ok(self
            .db()
            .row("SELECT coalesce(max(id), 0) FROM revision", &[])?
            .and_then(|r| r[0].int())
            .unwrap_or(0))
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
        let rows = self.db().query(
            "SELECT id, path, author, at, summary FROM revision
             WHERE CAST($1 AS TEXT) IS NULL OR path = $1 ORDER BY id DESC LIMIT $2",
            &[path.into(), (limit as i64).into()],
        )?;
        Ok(rows
            .into_iter()
            .map(|r| Revision {
                id: r[0].int().unwrap_or_default(),
                path: r[1].text().unwrap_or_default(),
                author: r[2].text().unwrap_or_default(),
                at: r[3].text().unwrap_or_default(),
                summary: r[4].text().unwrap_or_default(),
            })
            .collect())
    }

    /// The text of a file before and after a revision.
    pub fn revision_texts(
        &self,
        id: i64,
    ) -> Result<(Option<String>, Option<String>), WorkspaceError> {
        self.db()
            .row("SELECT before, after FROM revision WHERE id = $1", &[id.into()])?
            .map(|r| (r[0].text(), r[1].text()))
            .ok_or_else(|| WorkspaceError::NotFound(format!("revision {id}")))
    }

    /// Writes new texts of whole files (an import from a spreadsheet, computed from
    /// [`Workspace::files`] under the same lock), one revision each, all in one transaction,
    /// if the model then has no new errors (checked here again, so no caller can skip it).
    /// A file whose text is unchanged is skipped.
    pub fn write_files(
        &mut self,
        changed: &[modelfile::SourceFile],
        author: &str,
        summary: &str,
    ) -> Result<Vec<i64>, edit::EditError> {
        let files = self.files()?;
        let mut after = files.clone();
        let mut writes = Vec::new();
        for f in changed {
            let plain = !f.name.contains('\\')
                && f.name.ends_with(".yaml")
                && Path::new(&f.name)
                    .components()
                    .all(|c| matches!(c, std::path::Component::Normal(_)));
            if !plain {
                return Err(WorkspaceError::Invalid(format!(
                    "{} is not a file name inside the model",
                    f.name
                ))
                .into());
            }
            match after.iter_mut().find(|a| a.name == f.name) {
                Some(a) if a.text == f.text => continue,
                Some(a) => {
                    writes.push((f.name.clone(), Some(a.text.clone()), f.text.clone()));
                    a.text = f.text.clone();
                }
                None => {
                    writes.push((f.name.clone(), None, f.text.clone()));
                    after.push(modelfile::SourceFile::in_memory(f.name.clone(), f.text.clone()));
                }
            }
        }
        let before = modelfile::check(files);
        let checked = modelfile::check(after);
        let added: Vec<edit::FieldError> = edit::added_errors(&before, &checked)
            .into_iter()
            .map(|d| edit::FieldError {
                field: None,
                message: d.message.clone(),
                help: d.help.clone(),
                rule: Some(d.rule),
            })
            .collect();
        if !added.is_empty() {
            return Err(edit::EditError::Invalid(added));
        }
        let at = measure::now_utc();
        Ok(self.db().transaction(|tx| {
            writes
                .iter()
                .map(|(path, old, new)| {
                    write_file(tx, path, old.as_deref(), Some(new), author, &at, summary)
                })
                .collect::<Result<Vec<i64>, WorkspaceError>>()
        })?)
    }

    /// Restores a file to its text right after revision `id`, as a new revision. Checked like an
    /// edit: refused (nothing written) when the result would add errors to the model, and when
    /// the file already has that text (a restore that changes nothing records nothing).
    pub fn restore(&mut self, id: i64, author: &str) -> Result<Revision, edit::EditError> {
        let (path, after) = {
            let r = self
                .db()
                .row("SELECT path, after FROM revision WHERE id = $1", &[id.into()])?
                .ok_or_else(|| WorkspaceError::NotFound(format!("revision {id}")))?;
            (r[0].text().unwrap_or_default(), r[1].text())
        };
        let files = self.files()?;
        let current = files.iter().find(|f| f.name == path).map(|f| f.text.clone());
        if current == after {
            return Err(edit::EditError::Invalid(vec![edit::FieldError {
                field: None,
                message: format!(
                    "{path} already has the text of revision {id}; there is nothing to restore"
                ),
                help: None,
                rule: None,
            }]));
        }
        let mut restored: Vec<modelfile::SourceFile> =
            files.iter().filter(|f| f.name != path).cloned().collect();
        if let Some(text) = &after {
            restored.push(modelfile::SourceFile::in_memory(path.clone(), text.clone()));
            restored.sort_by(|a, b| a.name.cmp(&b.name));
        }
        let before = modelfile::check(files);
        let checked = modelfile::check(restored);
        let added: Vec<edit::FieldError> = edit::added_errors(&before, &checked)
            .into_iter()
            .map(|d| edit::FieldError {
                field: None,
                message: d.message.clone(),
                help: d.help.clone(),
                rule: Some(d.rule),
            })
            .collect();
        if !added.is_empty() {
            return Err(edit::EditError::Invalid(added));
        }
        let at = measure::now_utc();
        let summary = format!("restored {path} to revision {id}");
        let rev = self.db().transaction(|tx| {
            // The text read above is what is replaced: a change in between is a conflict.
            let now = tx
                .row("SELECT text FROM file WHERE path = $1", &[path.as_str().into()])?
                .and_then(|r| r[0].text());
            if now != current {
                return Err(WorkspaceError::Invalid(format!(
                    "{path} changed while it was being restored; try again"
                )));
            }
            write_file(tx, &path, current.as_deref(), after.as_deref(), author, &at, &summary)
        })?;
        Ok(Revision { id: rev, path, author: author.into(), at, summary })
    }
}

/// `dir` joined with the stored file name `name`, if that stays inside `dir`: `name` is relative,
/// made of plain components only (no `..`, `.`, root or drive), and nothing on the way from `dir`
/// to the file (the file included) is a symbolic link, so neither reading nor writing can be
/// sent elsewhere.
pub fn inside(dir: &Path, name: &str) -> Result<PathBuf, WorkspaceError> {
    use std::path::Component;
    let refuse = |why: &str| {
        Err(WorkspaceError::Invalid(format!(
            "the file name `{name}` {why}; model files must stay inside {}",
            dir.display()
        )))
    };
    let rel = Path::new(name);
    if name.is_empty() || name.contains('\\') {
        return refuse("is not a plain relative path");
    }
    if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return refuse("is absolute or contains `..` or `.`");
    }
    let mut path = dir.to_path_buf();
    for c in rel.components() {
        path.push(c);
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return refuse("goes through a symbolic link");
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => break,
            Err(source) => return Err(WorkspaceError::Io { path, source }),
        }
    }
    Ok(dir.join(rel))
}

/// Writes a file's new text (or deletes it) and appends the revision, inside `tx`.
pub(crate) fn write_file(
    tx: &mut dyn Exec,
    path: &str,
    before: Option<&str>,
    after: Option<&str>,
    author: &str,
    at: &str,
    summary: &str,
) -> Result<i64, WorkspaceError> {
    let id = tx
        .row(
            "INSERT INTO revision (path, before, after, author, at, summary) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            &[path.into(), before.into(), after.into(), author.into(), at.into(), summary.into()],
        )?
        .and_then(|r| r[0].int())
        .ok_or_else(|| WorkspaceError::Invalid("the database returned no revision id".into()))?;
    match after {
        Some(text) => {
            tx.exec(
                "INSERT INTO file (path, text, revision) VALUES ($1, $2, $3)
                 ON CONFLICT(path) DO UPDATE SET text = excluded.text, revision = excluded.revision",
                &[path.into(), text.into(), id.into()],
            )?;
        }
        None => {
            tx.exec("DELETE FROM file WHERE path = $1", &[path.into()])?;
        }
    }
    Ok(id)
}

/// Records (or, for `None`, forgets) the folder's text of `path` as of now.
fn set_base(tx: &mut dyn Exec, path: &str, text: Option<&str>) -> Result<(), WorkspaceError> {
    match text {
        Some(text) => tx.exec(
            "INSERT INTO folder_base (path, text) VALUES ($1, $2)
             ON CONFLICT(path) DO UPDATE SET text = excluded.text",
            &[path.into(), text.into()],
        )?,
        None => tx.exec("DELETE FROM folder_base WHERE path = $1", &[path.into()])?,
    };
    Ok(())
}
