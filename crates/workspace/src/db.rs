//! The workspace's database, SQLite (embedded, the default) or PostgreSQL (feature `postgres`,
//! when a `postgres://` URL names one), behind one small interface.
//!
//! Every query is written once, in the SQL both dialects share: `$1`-style parameters (SQLite
//! reads `$1` as a named parameter bound by position), `INSERT … ON CONFLICT`, `RETURNING id`.
//! Only the schema differs, in [`SQLITE_MIGRATIONS`] and [`POSTGRES_MIGRATIONS`], both
//! append-only. Values are the three kinds the schema uses: whole numbers, text and NULL.

use std::path::PathBuf;

use crate::WorkspaceError;

/// A parameter or a column value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    /// A whole number, or NULL.
    Int(Option<i64>),
    /// Text, or NULL.
    Text(Option<String>),
}

impl Value {
    /// The number, if this is a non-NULL number.
    pub fn int(&self) -> Option<i64> {
        match self {
            Value::Int(v) => *v,
            Value::Text(_) => None,
        }
    }

    /// The text, if this is non-NULL text.
    pub fn text(&self) -> Option<String> {
        match self {
            Value::Text(v) => v.clone(),
            Value::Int(_) => None,
        }
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(Some(v))
    }
}

impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        Value::Int(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(Some(v.to_string()))
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(Some(v))
    }
}

impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(Some(v.clone()))
    }
}

impl From<Option<&str>> for Value {
    fn from(v: Option<&str>) -> Self {
        Value::Text(v.map(str::to_string))
    }
}

/// A row of a result.
pub(crate) type Row = Vec<Value>;

/// Runs statements; implemented by a connection and by a transaction of either database.
pub(crate) trait Exec {
    /// Runs a statement; the number of rows it changed.
    fn exec(&mut self, sql: &str, params: &[Value]) -> Result<u64, WorkspaceError>;
    /// Runs a query; its rows.
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, WorkspaceError>;

    /// The first row, if any.
    fn row(&mut self, sql: &str, params: &[Value]) -> Result<Option<Row>, WorkspaceError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }
}

/// Schema of the SQLite database (see `measure::sqlite::migrate`).
pub const SQLITE_MIGRATIONS: &[&str] = &[
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
    // The folder's text of each file as of the last import from or export to the model folder:
    // the common ancestor that tells a change on disk from a change in the workspace.
    "CREATE TABLE folder_base (
        path TEXT PRIMARY KEY,
        text TEXT NOT NULL
    );",
    // 3: what teams said at check-in meetings, one row per note, never updated but for a
    // rename of its key result (the history; the model file `checkins.yaml` gets the same note
    // in the same transaction).
    "CREATE TABLE checkin_note (
        id INTEGER PRIMARY KEY,
        key_result TEXT NOT NULL,
        quarter TEXT NOT NULL,
        story TEXT,
        partners TEXT,
        what_works TEXT,
        decision TEXT CHECK (decision IN ('continue', 'change', 'stop')),
        status TEXT CHECK (status IN ('met', 'on_track', 'at_risk', 'off_track', 'no_data')),
        reason TEXT,
        author TEXT NOT NULL,
        at TEXT NOT NULL,
        revision INTEGER NOT NULL REFERENCES revision(id)
    );
    CREATE INDEX checkin_note_key ON checkin_note (key_result, quarter, id);",
];

/// Schema of the PostgreSQL database: the same tables in PostgreSQL's types. The version
/// applied is kept in `throughline_schema`.
pub const POSTGRES_MIGRATIONS: &[&str] = &[
    "CREATE TABLE revision (
        id BIGSERIAL PRIMARY KEY,
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
        revision BIGINT NOT NULL REFERENCES revision(id)
    );
    CREATE TABLE account (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'contributor', 'editor', 'admin')),
        hash TEXT,
        wiki_user TEXT UNIQUE,
        created TEXT NOT NULL
    );
    CREATE TABLE session (
        token_hash TEXT PRIMARY KEY,
        account TEXT NOT NULL REFERENCES account(name) ON DELETE CASCADE,
        csrf TEXT NOT NULL,
        expires BIGINT NOT NULL
    );
    CREATE TABLE round (
        id BIGSERIAL PRIMARY KEY,
        scope TEXT NOT NULL,
        title TEXT NOT NULL,
        opened_by TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        closed_at TEXT
    );
    CREATE TABLE comment (
        id BIGSERIAL PRIMARY KEY,
        round BIGINT REFERENCES round(id),
        target TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('comment', 'endorse', 'concern', 'proposal')),
        body TEXT NOT NULL,
        author TEXT NOT NULL,
        at TEXT NOT NULL
    );",
    "CREATE TABLE folder_base (
        path TEXT PRIMARY KEY,
        text TEXT NOT NULL
    );",
    "CREATE TABLE checkin_note (
        id BIGSERIAL PRIMARY KEY,
        key_result TEXT NOT NULL,
        quarter TEXT NOT NULL,
        story TEXT,
        partners TEXT,
        what_works TEXT,
        decision TEXT CHECK (decision IN ('continue', 'change', 'stop')),
        status TEXT CHECK (status IN ('met', 'on_track', 'at_risk', 'off_track', 'no_data')),
        reason TEXT,
        author TEXT NOT NULL,
        at TEXT NOT NULL,
        revision BIGINT NOT NULL REFERENCES revision(id)
    );
    CREATE INDEX checkin_note_key ON checkin_note (key_result, quarter, id);",
];

/// An open database.
pub(crate) enum Db {
    /// SQLite.
    Sqlite(rusqlite::Connection),
    /// PostgreSQL.
    #[cfg(feature = "postgres")]
    Postgres(Box<postgres::Client>),
}

fn sqlite_params(params: &[Value]) -> Vec<rusqlite::types::Value> {
    params
        .iter()
        .map(|v| match v {
            Value::Int(Some(i)) => rusqlite::types::Value::Integer(*i),
            Value::Text(Some(t)) => rusqlite::types::Value::Text(t.clone()),
            _ => rusqlite::types::Value::Null,
        })
        .collect()
}

fn sqlite_query(
    conn: &rusqlite::Connection,
    sql: &str,
    params: &[Value],
) -> Result<Vec<Row>, WorkspaceError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let n = stmt.column_count();
    let rows = stmt.query_map(rusqlite::params_from_iter(sqlite_params(params)), |r| {
        (0..n)
            .map(|i| {
                Ok(match r.get_ref(i)? {
                    rusqlite::types::ValueRef::Integer(v) => Value::Int(Some(v)),
                    rusqlite::types::ValueRef::Text(t) => {
                        Value::Text(Some(String::from_utf8_lossy(t).into_owned()))
                    }
                    rusqlite::types::ValueRef::Null => Value::Text(None),
                    rusqlite::types::ValueRef::Real(f) => Value::Int(Some(f as i64)),
                    rusqlite::types::ValueRef::Blob(b) => {
                        Value::Text(Some(String::from_utf8_lossy(b).into_owned()))
                    }
                })
            })
            .collect::<Result<Row, rusqlite::Error>>()
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

struct SqliteTx<'a>(&'a rusqlite::Transaction<'a>);

impl Exec for SqliteTx<'_> {
    fn exec(&mut self, sql: &str, params: &[Value]) -> Result<u64, WorkspaceError> {
        Ok(self.0.execute(sql, rusqlite::params_from_iter(sqlite_params(params)))? as u64)
    }
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, WorkspaceError> {
        sqlite_query(self.0, sql, params)
    }
}

#[cfg(feature = "postgres")]
mod pg {
    use super::{Row, Value};
    use crate::WorkspaceError;

    pub(super) fn err(e: postgres::Error) -> WorkspaceError {
        WorkspaceError::Invalid(format!("PostgreSQL: {e}"))
    }

    pub(super) fn params(params: &[Value]) -> Vec<Box<dyn postgres::types::ToSql + Sync>> {
        params
            .iter()
            .map(|v| -> Box<dyn postgres::types::ToSql + Sync> {
                match v {
                    Value::Int(i) => Box::new(*i),
                    Value::Text(t) => Box::new(t.clone()),
                }
            })
            .collect()
    }

    pub(super) fn rows(rows: Vec<postgres::Row>) -> Result<Vec<Row>, WorkspaceError> {
        use postgres::types::Type;
        rows.iter()
            .map(|r| {
                (0..r.len())
                    .map(|i| {
                        let t = r.columns()[i].type_();
                        Ok(if *t == Type::INT8 {
                            Value::Int(r.try_get::<_, Option<i64>>(i).map_err(err)?)
                        } else if *t == Type::INT4 {
                            Value::Int(r.try_get::<_, Option<i32>>(i).map_err(err)?.map(i64::from))
                        } else {
                            Value::Text(r.try_get::<_, Option<String>>(i).map_err(err)?)
                        })
                    })
                    .collect()
            })
            .collect()
    }

    pub(super) struct Tx<'a, 'b>(pub(super) &'a mut postgres::Transaction<'b>);

    impl super::Exec for Tx<'_, '_> {
        fn exec(&mut self, sql: &str, p: &[Value]) -> Result<u64, WorkspaceError> {
            let boxed = params(p);
            let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
                boxed.iter().map(|b| b.as_ref()).collect();
            self.0.execute(sql, &refs).map_err(err)
        }
        fn query(&mut self, sql: &str, p: &[Value]) -> Result<Vec<Row>, WorkspaceError> {
            let boxed = params(p);
            let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
                boxed.iter().map(|b| b.as_ref()).collect();
            rows(self.0.query(sql, &refs).map_err(err)?)
        }
    }
}

impl Db {
    /// Opens (creating) an SQLite file, in WAL mode with full syncs, and migrates it.
    pub fn sqlite(path: &std::path::Path) -> Result<Db, WorkspaceError> {
        let mut conn = rusqlite::Connection::open(path)
            .map_err(|source| measure::StoreError::Open { path: path.to_path_buf(), source })?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // WAL: readers do not block the writer; FULL: a commit is on disk when it returns.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        measure::sqlite::migrate(&mut conn, SQLITE_MIGRATIONS, path.to_path_buf())?;
        Ok(Db::Sqlite(conn))
    }

    /// An SQLite database in memory.
    pub fn memory() -> Result<Db, WorkspaceError> {
        let mut conn = rusqlite::Connection::open_in_memory()?;
        measure::sqlite::migrate(&mut conn, SQLITE_MIGRATIONS, PathBuf::from(":memory:"))?;
        Ok(Db::Sqlite(conn))
    }

    /// Connects to PostgreSQL and migrates the tables, in `schema` (created if needed) or the
    /// connection's default `search_path`.
    #[cfg(feature = "postgres")]
    pub fn postgres(url: &str, schema: Option<&str>) -> Result<Db, WorkspaceError> {
        let mut client = postgres::Client::connect(url, postgres::NoTls).map_err(pg::err)?;
        if let Some(schema) = schema {
            if !schema.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || schema.is_empty() {
                return Err(WorkspaceError::Invalid(format!("`{schema}` is not a schema name")));
            }
            client
                .batch_execute(&format!(
                    "CREATE SCHEMA IF NOT EXISTS {schema}; SET search_path TO {schema}"
                ))
                .map_err(pg::err)?;
        }
        client
            .batch_execute(
                "CREATE TABLE IF NOT EXISTS throughline_schema (version BIGINT NOT NULL)",
            )
            .map_err(pg::err)?;
        let found: i64 = client
            .query_opt("SELECT version FROM throughline_schema", &[])
            .map_err(pg::err)?
            .map_or(0, |r| r.get(0));
        let known = POSTGRES_MIGRATIONS.len() as i64;
        if found > known {
            return Err(
                measure::StoreError::Newer { path: PathBuf::from(url), found, known }.into()
            );
        }
        for (i, sql) in POSTGRES_MIGRATIONS.iter().enumerate().skip(found as usize) {
            let mut tx = client.transaction().map_err(pg::err)?;
            tx.batch_execute(sql).map_err(pg::err)?;
            tx.execute("DELETE FROM throughline_schema", &[]).map_err(pg::err)?;
            tx.execute("INSERT INTO throughline_schema (version) VALUES ($1)", &[&(i as i64 + 1)])
                .map_err(pg::err)?;
            tx.commit().map_err(pg::err)?;
        }
        Ok(Db::Postgres(Box::new(client)))
    }

    /// Runs `f` in a transaction: committed when it returns `Ok`, rolled back otherwise.
    pub fn transaction<T>(
        &mut self,
        f: impl FnOnce(&mut dyn Exec) -> Result<T, WorkspaceError>,
    ) -> Result<T, WorkspaceError> {
        match self {
            Db::Sqlite(conn) => {
                let tx = conn.transaction()?;
                let out = f(&mut SqliteTx(&tx))?;
                tx.commit()?;
                Ok(out)
            }
            #[cfg(feature = "postgres")]
            Db::Postgres(client) => {
                let mut tx = client.transaction().map_err(pg::err)?;
                let out = f(&mut pg::Tx(&mut tx))?;
                tx.commit().map_err(pg::err)?;
                Ok(out)
            }
        }
    }
}

impl Exec for Db {
    fn exec(&mut self, sql: &str, params: &[Value]) -> Result<u64, WorkspaceError> {
        match self {
            Db::Sqlite(conn) => {
                Ok(conn.execute(sql, rusqlite::params_from_iter(sqlite_params(params)))? as u64)
            }
            #[cfg(feature = "postgres")]
            Db::Postgres(_) => self.transaction(|tx| tx.exec(sql, params)),
        }
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, WorkspaceError> {
        match self {
            Db::Sqlite(conn) => sqlite_query(conn, sql, params),
            #[cfg(feature = "postgres")]
            Db::Postgres(_) => self.transaction(|tx| tx.query(sql, params)),
        }
    }
}
