//! Community metrics from the public MediaWiki history dumps (issue 7, first slice).
//!
//! - [`dump`]: the dump's TSV layout and a reader that refuses malformed rows with their line.
//! - [`metrics`]: the reference implementation of the version-1 definitions in
//!   `docs/communities.md` — deliberately naive (one pass per community, plain maps), so that
//!   the columnar engines to come can be checked against it row for row.
//! - [`generate`]: synthetic dumps in the real layout with planted communities whose metrics are
//!   known by construction.

pub mod dump;
pub mod generate;
pub mod metrics;
