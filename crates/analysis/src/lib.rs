//! The analysis pipeline: a model (a folder or a workspace revision) and its folder's data in,
//! everything the commands and pages show out, with one set of default settings.
//!
//! - [`store`]: the measurement store brought up to date from the folder's own files, and the
//!   check-in computed from it;
//! - [`evaluation`]: an initiative's evaluation design run on the store's data;
//! - [`communities`]: the communities measured from the history dumps (reference engine, or
//!   DataFusion with the `lake` feature);
//! - [`decide`]: simulation, tornadoes, value of information and the annual plan, with the
//!   explanations sized the same way for every front end;
//! - [`planned`]: what the saved plan adds to each key result's check-in forecast, and which
//!   initiatives carry it;
//! - [`measured`]: the measured parts in one call ([`Measured::of_folder`]), and the fingerprint
//!   that tells when it is stale.
//!
//! The binary keeps argument parsing and terminal rendering; the static report and the
//! workspace server render what this crate computes. Nothing here prints: what people should
//! hear is returned as notes.

pub mod communities;
pub mod decide;
pub mod evaluation;
pub mod measured;
pub mod planned;
pub mod store;

use std::path::PathBuf;

pub use measured::{EvaluationShown, Measured, fingerprint};

/// The defaults every front end shares, so the command line, the static report and the
/// workspace show the same numbers for the same model.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settings {
    /// Monte Carlo samples.
    pub samples: usize,
    /// Seed of the simulation.
    pub seed: u64,
    /// Confidence level of intervals.
    pub level: f64,
}

impl Settings {
    /// The simulation's part of the settings.
    pub fn simulation(&self) -> simulate::Settings {
        simulate::Settings { samples: self.samples.max(2), seed: self.seed }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings { samples: simulate::DEFAULT_SAMPLES, seed: 1, level: 0.95 }
    }
}

/// Why an analysis could not run. A design the data cannot support is not an error (it comes
/// back as a message for people); these are failures of the inputs or the machine.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    /// The measurement store failed.
    #[error(transparent)]
    Store(#[from] measure::StoreError),
    /// A file or folder could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A history dump is malformed.
    #[error(transparent)]
    Dump(#[from] ::communities::summary::FileError),
    /// The DataFusion engine failed.
    #[cfg(feature = "lake")]
    #[error(transparent)]
    Lake(#[from] lake::LakeError),
    /// DataFusion was asked for in a build without it.
    #[error(
        "this build has no DataFusion engine; build with `--features lake` or use `--engine reference`"
    )]
    NoDataFusion,
    /// A worker thread panicked.
    #[error("{0} failed: a worker thread panicked")]
    Panicked(&'static str),
}
