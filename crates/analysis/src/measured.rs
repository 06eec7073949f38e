//! Everything measured about a model, in one call: the store brought up to date from the
//! folder's files, the latest check-in, every evaluation the store can support, and the
//! communities from the dumps. The static report, the workspace and the commands all read
//! measurements through here, so they never disagree.

use std::path::{Path, PathBuf};

use evaluate::Estimate;
use evaluate::checkin::CheckIn;
use model::learn::LinkUpdate;
use model::{Date, Provenance};

use crate::AnalysisError;

/// What the model folder's measurements say: the check-in, the evaluations and the communities,
/// for the pages and commands that show them.
#[derive(Clone, Debug, Default)]
pub struct Measured {
    /// The check-in of the latest quarter with data.
    pub checkin: Option<CheckIn>,
    /// Evaluations of shipped initiatives.
    pub evaluations: Vec<EvaluationShown>,
    /// The model's communities measured from the history dumps, if it defines any.
    pub communities: Option<communities::summary::Summary>,
}

/// An evaluation as the pages show it.
#[derive(Clone, Debug)]
pub struct EvaluationShown {
    /// The initiative.
    pub initiative: String,
    /// The indicator.
    pub indicator: String,
    /// When the change went live.
    pub deployed: Option<Date>,
    /// The estimate with its fitted series.
    pub estimate: Estimate,
    /// The model's prediction from its written priors, in the node's unit.
    pub predicted: Option<f64>,
    /// Per-period effect × scale = the node's unit.
    pub scale: f64,
    /// Links updated (prior and posterior), or why none was.
    pub updates: Result<Vec<LinkUpdate>, String>,
    /// What the series it used are, as the store has them (the least real of them).
    pub data: Provenance,
}

impl Measured {
    /// Measures `model` from the folder `dir`: imports the folder's own data files (never the
    /// network), then computes the latest check-in, every evaluation whose design the data
    /// support, and the communities (with the default settings). What could not be shown, and
    /// why, is added to `notes`; only a store that cannot be opened is an error.
    pub fn of_folder(
        dir: &Path,
        model: &model::Model,
        notes: &mut Vec<String>,
    ) -> Result<Measured, AnalysisError> {
        let store = crate::store::store_with_local_data(dir, model, notes)?;
        let checkin = crate::store::latest_checkin(model, &store)?;
        let mut evaluations = Vec::new();
        for ini in &model.initiatives {
            if ini.evaluation.is_none() {
                continue;
            }
            match crate::evaluation::compute(dir, model, &store, ini.id.as_str(), None)? {
                Ok(c) => evaluations.push(EvaluationShown {
                    initiative: ini.id.to_string(),
                    indicator: c.record.indicator.to_string(),
                    deployed: c.record.deployed,
                    estimate: c.estimate,
                    predicted: c.predicted,
                    scale: c.record.scale,
                    updates: c.updates,
                    data: c.record.data,
                }),
                Err(why) => notes.push(format!("note: no evaluation of {}: {why}", ini.id)),
            }
        }
        let communities = crate::communities::compute(
            dir,
            model,
            &crate::communities::Options::default(),
            &|_, _| {},
            notes,
        )?;
        Ok(Measured { checkin, evaluations, communities })
    }
}

/// A fingerprint of everything [`Measured::of_folder`] reads besides the model: sizes and
/// modification times under DIR/data (CSV files, dumps) and of the measurement store. A change
/// by another process (`throughline import`, a new dump) changes it; reading the same files
/// twice gives the same value within a process.
pub fn fingerprint(dir: &Path) -> u64 {
    use std::hash::{Hash, Hasher};
    fn walk(path: &Path, h: &mut impl Hasher, depth: usize) {
        let Ok(meta) = std::fs::metadata(path) else { return };
        path.hash(h);
        meta.len().hash(h);
        meta.modified().ok().hash(h);
        if meta.is_dir() && depth < 8 {
            let Ok(entries) = std::fs::read_dir(path) else { return };
            let mut children: Vec<PathBuf> =
                entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            children.sort();
            for c in children {
                walk(&c, h, depth + 1);
            }
        }
    }
    let mut h = std::collections::hash_map::DefaultHasher::new();
    walk(&dir.join("data"), &mut h, 0);
    let store = dir.join(measure::STORE_FILE);
    walk(&store, &mut h, 0);
    walk(&store.with_extension("sqlite-wal"), &mut h, 0);
    h.finish()
}
