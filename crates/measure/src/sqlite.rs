//! The embedded SQLite backend (the default: nothing to install).

use std::path::{Path, PathBuf};

use model::Date;
use rusqlite::{Connection, OptionalExtension, params};

use crate::{
    Backend, ImportRun, Measurement, Provenance, SeriesInfo, StoreError, Stored, Superseded,
    TrackerStatus, WriteSummary, now_utc,
};

/// Schema migrations, applied in order; `PRAGMA user_version` is the number applied. Append a
/// new entry to change the schema; never edit a released one (a test pins their text).
pub const MIGRATIONS: &[&str] = &[
    // 1: measurements, their history, import runs, tracker statuses.
    "CREATE TABLE import_run (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        at TEXT NOT NULL,
        inserted INTEGER NOT NULL,
        changed INTEGER NOT NULL,
        unchanged INTEGER NOT NULL
    );
    CREATE TABLE measurement (
        series TEXT NOT NULL,
        date TEXT NOT NULL CHECK (length(date) = 10),
        value REAL NOT NULL CHECK (value = value),
        source TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        run INTEGER NOT NULL REFERENCES import_run(id),
        PRIMARY KEY (series, date)
    ) WITHOUT ROWID;
    CREATE TABLE measurement_history (
        series TEXT NOT NULL,
        date TEXT NOT NULL,
        value REAL NOT NULL,
        source TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        replaced_at TEXT NOT NULL,
        run INTEGER NOT NULL REFERENCES import_run(id)
    );
    CREATE INDEX measurement_history_series ON measurement_history (series, date);
    CREATE TABLE tracker_status (
        initiative TEXT NOT NULL,
        task TEXT NOT NULL,
        status TEXT NOT NULL,
        modified TEXT,
        fetched_at TEXT NOT NULL,
        run INTEGER NOT NULL REFERENCES import_run(id),
        PRIMARY KEY (initiative, task)
    ) WITHOUT ROWID;",
    // 2: the provenance of every value. Values stored before it are marked from their source
    // text, where the bundled example's files said it, so old stores keep their meaning.
    "ALTER TABLE measurement ADD COLUMN provenance TEXT NOT NULL DEFAULT 'measured'
        CHECK (provenance IN ('measured', 'synthetic', 'illustrative'));
    ALTER TABLE measurement_history ADD COLUMN provenance TEXT NOT NULL DEFAULT 'measured'
        CHECK (provenance IN ('measured', 'synthetic', 'illustrative'));
    UPDATE measurement SET provenance = 'synthetic'
        WHERE instr(lower(source), 'synthetic') > 0;
    UPDATE measurement SET provenance = 'illustrative'
        WHERE provenance = 'measured' AND instr(lower(source), 'illustrative') > 0;
    UPDATE measurement_history SET provenance = 'synthetic'
        WHERE instr(lower(source), 'synthetic') > 0;
    UPDATE measurement_history SET provenance = 'illustrative'
        WHERE provenance = 'measured' AND instr(lower(source), 'illustrative') > 0;",
];

/// An SQLite database file (or an in-memory one).
pub struct Sqlite {
    conn: Connection,
}

impl Sqlite {
    /// Opens or creates the file and migrates it forward.
    pub fn open(path: &Path) -> Result<Sqlite, StoreError> {
        let open = |source| StoreError::Open { path: path.to_path_buf(), source };
        let conn = Connection::open(path).map_err(open)?;
        conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(open)?;
        let mut db = Sqlite { conn };
        db.migrate(path.to_path_buf())?;
        Ok(db)
    }

    /// A fresh in-memory database.
    pub fn in_memory() -> Result<Sqlite, StoreError> {
        let mut db = Sqlite { conn: Connection::open_in_memory()? };
        db.migrate(PathBuf::from(":memory:"))?;
        Ok(db)
    }

    /// The schema version of the database.
    pub fn version(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    fn migrate(&mut self, path: PathBuf) -> Result<(), StoreError> {
        migrate(&mut self.conn, MIGRATIONS, path)
    }
}

/// Brings a database forward through `migrations` (append-only; `PRAGMA user_version` counts
/// the applied ones), each in its own transaction, and refuses one from a newer build. Shared by
/// every SQLite store of throughline.
pub fn migrate(
    conn: &mut Connection,
    migrations: &[&str],
    path: PathBuf,
) -> Result<(), StoreError> {
    conn.pragma_update(None, "foreign_keys", true)?;
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let known = migrations.len() as i64;
    if found > known {
        return Err(StoreError::Newer { path, found, known });
    }
    for (i, sql) in migrations.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

fn date_of(text: String) -> Result<Date, rusqlite::Error> {
    Date::parse(&text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            format!("not a date: {text:?}").into(),
        )
    })
}

fn provenance_of(text: String) -> Result<Provenance, rusqlite::Error> {
    Provenance::from_word(&text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            format!("not a provenance: {text:?}").into(),
        )
    })
}

fn corrupt(e: rusqlite::Error) -> StoreError {
    match e {
        rusqlite::Error::FromSqlConversionFailure(_, _, why) => {
            StoreError::Corrupt(why.to_string())
        }
        other => StoreError::Database(other),
    }
}

impl Backend for Sqlite {
    fn write(
        &mut self,
        source: &str,
        rows: &[Measurement],
        statuses: &[TrackerStatus],
    ) -> Result<WriteSummary, StoreError> {
        let at = now_utc();
        // Dropping the transaction without commit rolls everything back.
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO import_run (source, at, inserted, changed, unchanged) VALUES (?1, ?2, 0, 0, 0)",
            params![source, at],
        )?;
        let run = tx.last_insert_rowid();
        let mut summary = WriteSummary { run, ..WriteSummary::default() };
        {
            let mut get = tx.prepare_cached(
                "SELECT value, provenance FROM measurement WHERE series = ?1 AND date = ?2",
            )?;
            let mut keep = tx.prepare_cached(
                "INSERT INTO measurement_history (series, date, value, source, provenance, imported_at, replaced_at, run)
                 SELECT series, date, value, source, provenance, imported_at, ?3, ?4 FROM measurement
                 WHERE series = ?1 AND date = ?2",
            )?;
            let mut put = tx.prepare_cached(
                "INSERT OR REPLACE INTO measurement (series, date, value, source, provenance, imported_at, run)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for m in rows {
                let date = m.date.to_string();
                let provenance = m.provenance.as_str();
                let old: Option<(f64, String)> = get
                    .query_row(params![m.series, date], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                match old {
                    // The same value with another provenance is a change: the mark is part of
                    // what is stored.
                    Some((v, p)) if v == m.value && p == provenance => summary.unchanged += 1,
                    Some(_) => {
                        keep.execute(params![m.series, date, at, run])?;
                        put.execute(params![
                            m.series, date, m.value, m.source, provenance, at, run
                        ])?;
                        summary.changed += 1;
                    }
                    None => {
                        put.execute(params![
                            m.series, date, m.value, m.source, provenance, at, run
                        ])?;
                        summary.inserted += 1;
                    }
                }
            }
            let mut status = tx.prepare_cached(
                "INSERT OR REPLACE INTO tracker_status (initiative, task, status, modified, fetched_at, run)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for s in statuses {
                status.execute(params![
                    s.initiative,
                    s.task,
                    s.status,
                    s.modified.map(|d| d.to_string()),
                    at,
                    run
                ])?;
                summary.statuses += 1;
            }
        }
        tx.execute(
            "UPDATE import_run SET inserted = ?1, changed = ?2, unchanged = ?3 WHERE id = ?4",
            params![summary.inserted as i64, summary.changed as i64, summary.unchanged as i64, run],
        )?;
        tx.commit()?;
        Ok(summary)
    }

    fn series(&self, series: &str) -> Result<Vec<Stored>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT date, value, source, provenance, imported_at FROM measurement WHERE series = ?1 ORDER BY date",
        )?;
        let rows = stmt.query_map([series], |r| {
            Ok(Stored {
                measurement: Measurement {
                    series: series.to_string(),
                    date: date_of(r.get(0)?)?,
                    value: r.get(1)?,
                    source: r.get(2)?,
                    provenance: provenance_of(r.get(3)?)?,
                },
                imported_at: r.get(4)?,
            })
        })?;
        rows.collect::<Result<_, _>>().map_err(corrupt)
    }

    fn last_date(&self, series: &str) -> Result<Option<Date>, StoreError> {
        let text: Option<String> = self.conn.query_row(
            "SELECT max(date) FROM measurement WHERE series = ?1",
            [series],
            |r| r.get(0),
        )?;
        text.map(date_of).transpose().map_err(corrupt)
    }

    fn catalogue(&self) -> Result<Vec<SeriesInfo>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT series, count(*), min(date), max(date), group_concat(DISTINCT provenance)
             FROM measurement GROUP BY series ORDER BY series",
        )?;
        let rows = stmt.query_map([], |r| {
            let words: String = r.get(4)?;
            let provenance = words
                .split(',')
                .map(|w| provenance_of(w.to_string()))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(SeriesInfo {
                series: r.get(0)?,
                count: r.get::<_, i64>(1)? as usize,
                first: date_of(r.get(2)?)?,
                last: date_of(r.get(3)?)?,
                provenance: Provenance::of(provenance),
            })
        })?;
        rows.collect::<Result<_, _>>().map_err(corrupt)
    }

    fn history(&self, series: &str) -> Result<Vec<Superseded>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT date, value, source, provenance, imported_at, replaced_at FROM measurement_history
             WHERE series = ?1 ORDER BY date, replaced_at",
        )?;
        let rows = stmt.query_map([series], |r| {
            Ok(Superseded {
                measurement: Measurement {
                    series: series.to_string(),
                    date: date_of(r.get(0)?)?,
                    value: r.get(1)?,
                    source: r.get(2)?,
                    provenance: provenance_of(r.get(3)?)?,
                },
                imported_at: r.get(4)?,
                replaced_at: r.get(5)?,
            })
        })?;
        rows.collect::<Result<_, _>>().map_err(corrupt)
    }

    fn rename(&mut self, from: &str, to: &str) -> Result<u64, StoreError> {
        const TABLES: [(&str, &str); 3] = [
            ("measurement", "series"),
            ("measurement_history", "series"),
            ("tracker_status", "initiative"),
        ];
        // Dropping the transaction without commit rolls everything back.
        let tx = self.conn.transaction()?;
        for (table, column) in TABLES {
            let taken: i64 = tx.query_row(
                &format!("SELECT count(*) FROM {table} WHERE {column} = ?1"),
                [to],
                |r| r.get(0),
            )?;
            if taken > 0 {
                return Err(StoreError::Taken(to.to_string()));
            }
        }
        let mut moved = 0;
        for (table, column) in TABLES {
            moved += tx.execute(
                &format!("UPDATE {table} SET {column} = ?1 WHERE {column} = ?2"),
                [to, from],
            )? as u64;
        }
        tx.commit()?;
        Ok(moved)
    }

    fn statuses(&self) -> Result<Vec<TrackerStatus>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT initiative, task, status, modified FROM tracker_status ORDER BY initiative, task",
        )?;
        let rows = stmt.query_map([], |r| {
            let modified: Option<String> = r.get(3)?;
            Ok(TrackerStatus {
                initiative: r.get(0)?,
                task: r.get(1)?,
                status: r.get(2)?,
                modified: modified.map(date_of).transpose()?,
            })
        })?;
        rows.collect::<Result<_, _>>().map_err(corrupt)
    }

    fn runs(&self) -> Result<Vec<ImportRun>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, source, at, inserted, changed, unchanged FROM import_run ORDER BY id DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(ImportRun {
                id: r.get(0)?,
                source: r.get(1)?,
                at: r.get(2)?,
                inserted: r.get::<_, i64>(3)? as usize,
                changed: r.get::<_, i64>(4)? as usize,
                unchanged: r.get::<_, i64>(5)? as usize,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    fn m(series: &str, date: &str, value: f64) -> Measurement {
        Measurement {
            series: series.into(),
            date: Date::parse(date).unwrap(),
            value,
            source: "test".into(),
            provenance: Provenance::Measured,
        }
    }

    fn marked(series: &str, date: &str, value: f64, provenance: Provenance) -> Measurement {
        Measurement { provenance, ..m(series, date, value) }
    }

    #[test]
    fn provenance_is_stored_and_a_new_mark_on_the_same_value_is_a_change() {
        let mut store = Store::in_memory().unwrap();
        let synthetic = vec![
            marked("a", "2025-01", 1.0, Provenance::Synthetic),
            marked("a", "2025-02", 2.0, Provenance::Synthetic),
            m("b", "2025-01", 5.0),
        ];
        store.write("csv", &synthetic, &[]).unwrap();
        let back: Vec<Measurement> =
            store.series("a").unwrap().into_iter().map(|s| s.measurement).collect();
        assert_eq!(back, synthetic[..2]);
        assert_eq!(store.provenance("a").unwrap(), Provenance::Synthetic);
        assert_eq!(store.provenance("b").unwrap(), Provenance::Measured);
        assert_eq!(store.provenance("none").unwrap(), Provenance::Measured);
        let cat = store.catalogue().unwrap();
        assert_eq!(
            cat.iter().map(|c| (c.series.as_str(), c.provenance)).collect::<Vec<_>>(),
            [("a", Provenance::Synthetic), ("b", Provenance::Measured)]
        );
        // The same values, now said to be measured: both dates change, the marked rows go to
        // the history with their mark.
        let s = store.write("csv", &[m("a", "2025-01", 1.0), m("a", "2025-02", 2.0)], &[]).unwrap();
        assert_eq!((s.inserted, s.changed, s.unchanged), (0, 2, 0));
        assert_eq!(store.provenance("a").unwrap(), Provenance::Measured);
        let old = store.history("a").unwrap();
        assert_eq!(old.len(), 2);
        assert!(old.iter().all(|o| o.measurement.provenance == Provenance::Synthetic));
        // One illustrative value makes the series illustrative.
        store.write("csv", &[marked("a", "2025-03", 3.0, Provenance::Illustrative)], &[]).unwrap();
        assert_eq!(store.provenance("a").unwrap(), Provenance::Illustrative);
        assert_eq!(store.catalogue().unwrap()[0].provenance, Provenance::Illustrative);
    }

    #[test]
    fn a_store_of_version_1_is_marked_from_its_sources_when_opened() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.sqlite");
        {
            let mut conn = Connection::open(&path).unwrap();
            migrate(&mut conn, &MIGRATIONS[..1], path.clone()).unwrap();
            conn.execute_batch(
                "INSERT INTO import_run (id, source, at, inserted, changed, unchanged)
                     VALUES (1, 'csv:data/x.csv', '2026-01-01T00:00:00Z', 4, 0, 0);
                 INSERT INTO measurement (series, date, value, source, imported_at, run) VALUES
                     ('s', '2025-01-01', 1, 'SYNTHETIC (data/generate.py)', '2026-01-01T00:00:00Z', 1),
                     ('i', '2025-01-01', 2, 'Illustrative figures for the guide', '2026-01-01T00:00:00Z', 1),
                     ('r', '2025-01-01', 3, 'Data lake query 2026-02-03', '2026-01-01T00:00:00Z', 1),
                     ('f', '2025-01-01', 4, 'data/new_readers.csv', '2026-01-01T00:00:00Z', 1);
                 INSERT INTO measurement_history
                     (series, date, value, source, imported_at, replaced_at, run) VALUES
                     ('s', '2025-01-01', 0.5, 'a synthetic draft', '2025-12-01T00:00:00Z', '2026-01-01T00:00:00Z', 1);",
            )
            .unwrap();
            assert_eq!(
                conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0)).unwrap(),
                1
            );
        }
        let store = Store::open(&path).unwrap();
        let of = |s: &str| store.series(s).unwrap()[0].measurement.provenance;
        assert_eq!(of("s"), Provenance::Synthetic);
        assert_eq!(of("i"), Provenance::Illustrative);
        assert_eq!(of("r"), Provenance::Measured);
        assert_eq!(of("f"), Provenance::Measured);
        assert_eq!(store.history("s").unwrap()[0].measurement.provenance, Provenance::Synthetic);
        assert_eq!(store.points("r").unwrap(), vec![(Date::parse("2025-01-01").unwrap(), 3.0)]);
        drop(store);
        assert_eq!(Sqlite::open(&path).unwrap().version().unwrap(), MIGRATIONS.len() as i64);
        // The column refuses a word that is not a provenance.
        let conn = Connection::open(&path).unwrap();
        assert!(
            conn.execute("UPDATE measurement SET provenance = 'guessed' WHERE series = 'r'", [])
                .is_err()
        );
    }

    #[test]
    fn reimports_are_idempotent_and_changes_keep_the_old_value() {
        let mut store = Store::in_memory().unwrap();
        let first = vec![m("a", "2025-01", 1.0), m("a", "2025-02", 2.0)];
        let s = store.write("csv", &first, &[]).unwrap();
        assert_eq!((s.inserted, s.changed, s.unchanged), (2, 0, 0));
        let s = store.write("csv", &first, &[]).unwrap();
        assert_eq!((s.inserted, s.changed, s.unchanged), (0, 0, 2));
        let s = store.write("csv", &[m("a", "2025-02", 2.5), m("a", "2025-03", 3.0)], &[]).unwrap();
        assert_eq!((s.inserted, s.changed, s.unchanged), (1, 1, 0));
        let pts = store.points("a").unwrap();
        assert_eq!(pts.iter().map(|p| p.1).collect::<Vec<_>>(), vec![1.0, 2.5, 3.0]);
        let old = store.history("a").unwrap();
        assert_eq!(old.len(), 1);
        assert_eq!(old[0].measurement.value, 2.0);
        assert_eq!(store.runs().unwrap().len(), 3);
        assert_eq!(store.last_date("a").unwrap(), Date::parse("2025-03"));
        assert_eq!(store.catalogue().unwrap()[0].count, 3);
    }

    #[test]
    fn a_write_that_fails_midway_leaves_the_store_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.sqlite");
        let mut db = Sqlite::open(&path).unwrap();
        db.write("csv", &[m("a", "2025-01", 1.0)], &[]).unwrap();
        // Bypass the store's own check so the database constraint fails after two good rows.
        let bad = vec![m("a", "2025-02", 2.0), m("b", "2025-01", 5.0), m("b", "2025-02", f64::NAN)];
        assert!(db.write("csv", &bad, &[]).is_err());
        drop(db);
        let store = Store::open(&path).unwrap();
        assert_eq!(store.points("a").unwrap().len(), 1);
        assert!(store.points("b").unwrap().is_empty());
        assert_eq!(store.runs().unwrap().len(), 1, "the failed run is rolled back too");
        // And the store refuses it up front.
        let mut store = store;
        assert!(matches!(store.write("csv", &bad, &[]), Err(StoreError::NotFinite { .. })));
    }

    #[test]
    fn statuses_are_replaced_per_task() {
        let mut store = Store::in_memory().unwrap();
        let st = |s: &str| TrackerStatus {
            initiative: "i".into(),
            task: "T1".into(),
            status: s.into(),
            modified: Date::parse("2026-01-02"),
        };
        store.write("phabricator", &[], &[st("open")]).unwrap();
        store.write("phabricator", &[], &[st("resolved")]).unwrap();
        assert_eq!(store.statuses().unwrap(), vec![st("resolved")]);
    }

    #[test]
    fn a_rename_moves_values_history_and_statuses_unless_the_new_id_holds_some() {
        let mut store = Store::in_memory().unwrap();
        let st = |initiative: &str| TrackerStatus {
            initiative: initiative.into(),
            task: "T1".into(),
            status: "open".into(),
            modified: None,
        };
        store.write("a", &[m("old", "2026-01-01", 1.0)], &[st("old")]).unwrap();
        store
            .write("a", &[m("old", "2026-01-01", 2.0), m("other", "2026-01-01", 3.0)], &[])
            .unwrap();
        assert_eq!(store.rename("old", "new").unwrap(), 3);
        assert!(store.series("old").unwrap().is_empty());
        assert_eq!(store.points("new").unwrap().len(), 1);
        assert_eq!(store.history("new").unwrap().len(), 1);
        assert_eq!(store.statuses().unwrap(), vec![st("new")]);
        // Onto an id that already holds values: refused, nothing moved.
        assert!(matches!(store.rename("new", "other"), Err(StoreError::Taken(_))));
        assert_eq!(store.points("new").unwrap().len(), 1);
    }

    #[test]
    fn a_store_from_a_newer_build_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.sqlite");
        drop(Sqlite::open(&path).unwrap());
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        let before = std::fs::read(&path).unwrap();
        assert!(matches!(Store::open(&path), Err(StoreError::Newer { found: 99, .. })));
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn an_older_store_is_migrated_forward_keeping_its_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.sqlite");
        let mut store = Store::open(&path).unwrap();
        store.write("csv", &[m("a", "2025-01", 1.0)], &[]).unwrap();
        drop(store);
        let store = Store::open(&path).unwrap();
        assert_eq!(store.points("a").unwrap().len(), 1);
        assert_eq!(Sqlite::open(&path).unwrap().version().unwrap(), MIGRATIONS.len() as i64);
    }

    /// Released migrations are never edited: append a new one instead. If this fails, you
    /// changed a released migration; revert it and add the change as a new entry.
    #[test]
    fn released_migrations_are_frozen() {
        fn fnv(s: &str) -> u64 {
            s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
            })
        }
        for (i, frozen) in FROZEN.iter().enumerate() {
            assert_eq!(fnv(MIGRATIONS[i]), *frozen, "migration {} was edited", i + 1);
        }
    }

    /// FNV-1a of each released migration.
    const FROZEN: &[u64] = &[16_113_694_264_547_318_150, 6_830_375_732_388_987_404];
}
