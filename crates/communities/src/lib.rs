//! Community metrics from the public MediaWiki history dumps (issue 7).
//!
//! - [`dump`]: the dump's TSV layouts (current and pre-2024), a streaming reader of plain and
//!   bz2 files that refuses malformed rows with their line.
//! - [`links`], [`pageviews`]: the other public dumps the impact figures read (`imagelinks`,
//!   `globalimagelinks`, `linktarget` SQL dumps; hourly pageviews), refusing malformed rows
//!   with their line and column.
//! - [`global_metrics`]: the Global Metrics 2014 view, one table in its published order.
//! - [`definition`]: the named definitions (throughline's own and those of the tools organisers
//!   report with), lowered to one shape both engines read.
//! - [`metrics`]: the reference implementation of the version-1 definitions in
//!   `docs/communities.md` — deliberately naive (one pass per community, plain maps), so that
//!   the engines can be checked against it count for count.
//! - [`sql`]: the same definitions in SQL, written once for DataFusion, Spark and DuckDB.
//! - [`deviance`]: positive deviance, communities that beat the outcome expected for their
//!   size and resources.
//! - [`summary`]: what people see, shares and costs derived in one place.
//! - [`export`]: every community table as CSV and JSON, the definition in the header.
//!
//! Synthetic dumps with planted communities, for tests and benchmarks, are in the test-support
//! crate `synthetic` (`synthetic::dumps`), not here: production code carries no generators.

pub mod definition;
pub mod deviance;
pub mod dump;
pub mod export;
pub mod global_metrics;
pub mod links;
pub mod metrics;
pub mod pageviews;
pub mod sql;
pub mod summary;
