//! The measurement store: every dated value of every indicator, where it came from and when it
//! was imported, plus the status of initiatives as the tracker last reported it.
//!
//! Invariants, whatever the backend:
//! - **One value per series and date.** A re-import with the same value and provenance changes
//!   nothing; a different value or provenance replaces it and the old one moves to the history
//!   table, so nothing that was ever stored is lost.
//! - **Provenance with every value.** Each value says whether it was measured or is synthetic
//!   or illustrative ([`Provenance`]); whatever is computed from the store carries the mark on.
//!   Stores written before the mark existed are marked from their `source` text when opened.
//! - **Atomic imports.** [`Store::write`] takes a whole import and commits all of it or none of
//!   it, so an importer that fails halfway leaves the store exactly as it was.
//! - **Forward-only schema.** Migrations are appended to [`sqlite::MIGRATIONS`], never edited; a
//!   test pins the text of the released ones. A store written by a newer build is refused rather
//!   than misread.
//!
//! Callers only see [`Store`] and plain data types; the database sits behind the [`Backend`]
//! trait so that a PostgreSQL backend can be added behind a feature without touching callers.

use std::path::{Path, PathBuf};

use model::Date;
pub use model::Provenance;
use serde::Serialize;

pub mod sqlite;

/// File name of the store inside a model folder.
pub const STORE_FILE: &str = "measurements.sqlite";

/// One dated value of a series (an indicator id, or any comparison series).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Measurement {
    /// Indicator id or series name.
    pub series: String,
    /// The day the value is for (the first day of its month for monthly data).
    pub date: Date,
    /// The value.
    pub value: f64,
    /// Where it came from: a URL, a file, a person.
    pub source: String,
    /// Whether it was measured or is made up.
    pub provenance: Provenance,
}

/// A measurement as stored, with its import time.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stored {
    /// The measurement.
    #[serde(flatten)]
    pub measurement: Measurement,
    /// When it was imported (UTC, RFC 3339).
    pub imported_at: String,
}

/// An initiative's status as a tracker reported it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrackerStatus {
    /// The initiative.
    pub initiative: String,
    /// The tracker task, `T12345`.
    pub task: String,
    /// The tracker's status value (`open`, `resolved`, `declined`, …).
    pub status: String,
    /// When the task was last modified in the tracker, if it said.
    pub modified: Option<Date>,
}

/// What an import brought.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WriteSummary {
    /// Id of the import run.
    pub run: i64,
    /// New dates.
    pub inserted: usize,
    /// Dates whose value changed (the old value is kept in the history).
    pub changed: usize,
    /// Dates already stored with the same value.
    pub unchanged: usize,
    /// Tracker statuses written.
    pub statuses: usize,
}

/// A series in the store.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeriesInfo {
    /// Name.
    pub series: String,
    /// Number of dates.
    pub count: usize,
    /// First date.
    pub first: Date,
    /// Last date.
    pub last: Date,
    /// The least real provenance of its values.
    pub provenance: Provenance,
}

/// A past import.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ImportRun {
    /// Id.
    pub id: i64,
    /// What was imported (`wikimedia_rest`, `csv:data/x.csv`, `phabricator`).
    pub source: String,
    /// When (UTC, RFC 3339).
    pub at: String,
    /// Counts.
    pub inserted: usize,
    /// Counts.
    pub changed: usize,
    /// Counts.
    pub unchanged: usize,
}

/// A value that was replaced by a later import.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Superseded {
    /// The old measurement.
    #[serde(flatten)]
    pub measurement: Measurement,
    /// When it had been imported.
    pub imported_at: String,
    /// When it was replaced.
    pub replaced_at: String,
}

/// Why the store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database file could not be opened or created.
    #[error("cannot open the measurement store {path}: {source}")]
    Open {
        /// The file.
        path: PathBuf,
        /// Why.
        source: rusqlite::Error,
    },
    /// The store was written by a newer throughline.
    #[error(
        "the measurement store {path} has schema version {found}, newer than this build's {known}; \
         upgrade throughline (the store is left untouched)"
    )]
    Newer {
        /// The file.
        path: PathBuf,
        /// Its version.
        found: i64,
        /// This build's newest version.
        known: i64,
    },
    /// A value that cannot be stored.
    #[error("{series} on {date}: the value {value} is not a finite number; nothing was imported")]
    NotFinite {
        /// Series.
        series: String,
        /// Date.
        date: Date,
        /// Value.
        value: f64,
    },
    /// A rename to an id the store already holds data under.
    #[error(
        "the measurement store already holds values under `{0}`; nothing was moved (remove them, \
         or choose another id)"
    )]
    Taken(String),
    /// A stored row that does not read back (edited by hand, or corrupted).
    #[error("the measurement store holds an unreadable row: {0}")]
    Corrupt(String),
    /// Any other database error; the running import was rolled back.
    #[error("measurement store: {0}")]
    Database(#[from] rusqlite::Error),
}

/// A storage engine for measurements. Every method is atomic.
pub trait Backend: Send {
    /// Writes a whole import (measurements and tracker statuses) in one transaction, recording it
    /// as an import run from `source`.
    fn write(
        &mut self,
        source: &str,
        rows: &[Measurement],
        statuses: &[TrackerStatus],
    ) -> Result<WriteSummary, StoreError>;
    /// Every stored value of a series, by date.
    fn series(&self, series: &str) -> Result<Vec<Stored>, StoreError>;
    /// The last stored date of a series.
    fn last_date(&self, series: &str) -> Result<Option<Date>, StoreError>;
    /// Every series with its date range.
    fn catalogue(&self) -> Result<Vec<SeriesInfo>, StoreError>;
    /// Values that later imports replaced, for a series.
    fn history(&self, series: &str) -> Result<Vec<Superseded>, StoreError>;
    /// The latest tracker status of every initiative's tasks.
    fn statuses(&self) -> Result<Vec<TrackerStatus>, StoreError>;
    /// Past imports, newest first.
    fn runs(&self) -> Result<Vec<ImportRun>, StoreError>;
    /// Moves what is stored under `from` to `to` in one transaction: see [`Store::rename`].
    fn rename(&mut self, from: &str, to: &str) -> Result<u64, StoreError>;
}

/// The measurement store of a model.
pub struct Store {
    backend: Box<dyn Backend>,
    path: Option<PathBuf>,
}

impl Store {
    /// Opens (creating on first use) the store of the model in `dir`.
    pub fn open_in(dir: &Path) -> Result<Store, StoreError> {
        Store::open(&dir.join(STORE_FILE))
    }

    /// Opens the store of the model in `dir` if it has one; never creates a file.
    pub fn open_existing_in(dir: &Path) -> Result<Option<Store>, StoreError> {
        let path = dir.join(STORE_FILE);
        if path.is_file() { Store::open(&path).map(Some) } else { Ok(None) }
    }

    /// Opens (creating if needed) an SQLite store at `path`, migrating it forward.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let backend = sqlite::Sqlite::open(path)?;
        Ok(Store { backend: Box::new(backend), path: Some(path.to_path_buf()) })
    }

    /// An empty store in memory, for tests and dry runs.
    pub fn in_memory() -> Result<Store, StoreError> {
        Ok(Store { backend: Box::new(sqlite::Sqlite::in_memory()?), path: None })
    }

    /// Where the store lives, if on disk.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Writes a whole import atomically. Non-finite values are refused before anything is
    /// written.
    pub fn write(
        &mut self,
        source: &str,
        rows: &[Measurement],
        statuses: &[TrackerStatus],
    ) -> Result<WriteSummary, StoreError> {
        if let Some(bad) = rows.iter().find(|m| !m.value.is_finite()) {
            return Err(StoreError::NotFinite {
                series: bad.series.clone(),
                date: bad.date,
                value: bad.value,
            });
        }
        self.backend.write(source, rows, statuses)
    }

    /// Every stored value of a series, by date.
    pub fn series(&self, series: &str) -> Result<Vec<Stored>, StoreError> {
        self.backend.series(series)
    }

    /// The provenance of a series: the least real of its stored values' (measured when it has
    /// none).
    pub fn provenance(&self, series: &str) -> Result<Provenance, StoreError> {
        Ok(Provenance::of(self.series(series)?.iter().map(|s| s.measurement.provenance)))
    }

    /// `(date, value)` pairs of a series, by date.
    pub fn points(&self, series: &str) -> Result<Vec<(Date, f64)>, StoreError> {
        Ok(self
            .series(series)?
            .into_iter()
            .map(|s| (s.measurement.date, s.measurement.value))
            .collect())
    }

    /// The last stored date of a series: importers fetch only what comes after it.
    pub fn last_date(&self, series: &str) -> Result<Option<Date>, StoreError> {
        self.backend.last_date(series)
    }

    /// Every series with its date range.
    pub fn catalogue(&self) -> Result<Vec<SeriesInfo>, StoreError> {
        self.backend.catalogue()
    }

    /// Values that later imports replaced.
    pub fn history(&self, series: &str) -> Result<Vec<Superseded>, StoreError> {
        self.backend.history(series)
    }

    /// Tracker statuses.
    pub fn statuses(&self) -> Result<Vec<TrackerStatus>, StoreError> {
        self.backend.statuses()
    }

    /// Past imports, newest first.
    pub fn runs(&self) -> Result<Vec<ImportRun>, StoreError> {
        self.backend.runs()
    }

    /// Moves every value, replaced value and tracker status stored under the id `from` (an
    /// indicator's series, an initiative's tasks) to `to`, in one transaction, when the model
    /// renames the id: the data belong to the item, not to its old name. Refused, with nothing
    /// moved, when something is already stored under `to`. Returns the number of rows moved.
    pub fn rename(&mut self, from: &str, to: &str) -> Result<u64, StoreError> {
        self.backend.rename(from, to)
    }
}

/// Now, UTC, as RFC 3339 to the second.
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let date = Date::from_day_number((secs / 86_400) as i64);
    let s = secs % 86_400;
    format!("{date}T{:02}:{:02}:{:02}Z", s / 3600, s % 3600 / 60, s % 60)
}
