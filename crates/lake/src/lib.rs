//! The community metrics at scale (issue 7): the history dumps converted once to Parquet
//! ([`convert`]), and the SQL definitions of `crates/communities/sql/metrics.sql` run on Apache
//! DataFusion ([`engine`]). The same Parquet files and the same SQL run on Spark
//! (`tests/spark/metrics.py`) and DuckDB (`bench/communities_peer.py`). [`wmf`] writes and
//! reads the Wikimedia data lake's own layout, so the SQL an analyst runs there is tested here.
//!
//! This crate is the heavy edge of the workspace (DataFusion, Arrow, Parquet): the CLI only
//! links it with its `lake` feature. Nothing here defines a metric; the reference
//! implementation in `communities::metrics` and the SQL file do, and the tests hold this
//! engine to the reference count for count.

pub mod convert;
pub mod engine;
pub mod tables;
pub mod wmf;

use std::path::PathBuf;

/// Why the lake could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum LakeError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A dump (or category-pages) row did not fit its layout.
    #[error("{path}: {source}")]
    Dump {
        /// The dump.
        path: PathBuf,
        /// What was wrong, with its line.
        source: communities::dump::DumpError,
    },
    /// A table the metrics need is not in the lake folder.
    #[error("{path} is missing: convert the dumps first (`throughline communities convert`)")]
    MissingTable {
        /// The file expected.
        path: PathBuf,
    },
    /// Arrow, Parquet or JSON refused the data being written.
    #[error("writing {path}: {why}")]
    Encode {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        why: String,
    },
    /// A statement needed more memory than DataFusion's pool allows, and the operator could
    /// not spill to disk.
    #[error(
        "query `{statement}` needed more memory than the limit of {limit_mib} MiB: set \
         THROUGHLINE_LAKE_MEMORY higher (e.g. 8G) on a machine with that much free memory, or \
         measure fewer communities per run ({why})"
    )]
    Memory {
        /// The statement's name in the SQL file.
        statement: String,
        /// The pool's size, in MiB.
        limit_mib: usize,
        /// DataFusion's report (the largest consumers).
        why: String,
    },
    /// A setting from the environment is not valid.
    #[error("{name}={value:?} is not valid: expected {expected}")]
    Setting {
        /// The variable.
        name: &'static str,
        /// Its value.
        value: String,
        /// What it should look like.
        expected: &'static str,
    },
    /// The query engine failed.
    #[error("query `{statement}`: {why}")]
    Query {
        /// The statement's name in the SQL file.
        statement: String,
        /// What went wrong.
        why: String,
    },
}
