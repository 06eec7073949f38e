//! The throughline model: one typed graph of goals, programs, nodes, links and initiatives.
//!
//! Every framework view (logic model, theory of change, logframe, RBA, IMP, SROI) and every
//! engine (simulation, portfolio, evaluation) reads this one model. It is plain data: the crate
//! knows nothing about files, YAML, spans, terminals or databases, so it is deterministic and
//! cheap to test. References between items are ids; [`graph::ModelGraph`] resolves them.

pub mod display;
pub mod distribution;
pub mod graph;
mod id;
mod items;
pub mod keyword;
pub mod learn;
mod level;
pub mod link_target;
pub mod provenance;

pub use distribution::{Distribution, DistributionError};
pub use id::{Id, IdError, PlanCode, PlanCodeError, TrackerRef};
pub use items::*;
pub use keyword::Keyword;
pub use level::Level;
pub use provenance::Provenance;

/// The version of the model-file format this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;
